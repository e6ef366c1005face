"""Numerically stable forms and numpy's special values (each case was silently wrong before):
log-domain sums with infinities, overflow-free hypot, integer floor division and modulo by zero,
and exact higher derivatives of sinc at its removable singularity."""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp

INF = np.inf


@pytest.mark.parametrize("x,y", [(-INF, -INF), (INF, 0.0), (INF, INF), (-50.0, 0.0),
                                 (0.0, -800.0), (3.0, 3.0), (-INF, 2.0)])
def test_logaddexp_special_values_match_numpy(x, y):
    with np.errstate(invalid="ignore"):
        got = fnp.logaddexp(x, y)
    assert got == np.logaddexp(x, y) or np.isclose(got, np.logaddexp(x, y), rtol=1e-15)


def test_logaddexp_gradient_is_the_softmax_weight():
    g = fg.grad(fnp.logaddexp, argnums=(0, 1))(1.0, 2.0)
    np.testing.assert_allclose(g, [1 / (1 + np.e), np.e / (1 + np.e)], rtol=1e-14)
    assert fg.grad(fnp.logaddexp)(1.0, 1.0) == 0.5


@pytest.mark.parametrize("x,y", [(1e200, 1e200), (1e-200, 1e-200), (3.0, 4.0), (0.0, 0.0),
                                 (INF, 1.0), (-INF, np.nan)])
def test_hypot_without_overflow(x, y):
    assert fnp.hypot(x, y) == np.hypot(x, y) or np.isclose(fnp.hypot(x, y), np.hypot(x, y),
                                                           rtol=1e-15)


def test_hypot_keeps_float32_and_differentiates():
    assert fnp.hypot(np.float32(1), 1.0).dtype == np.float32
    np.testing.assert_allclose(fg.grad(fnp.hypot, argnums=(0, 1))(3.0, 4.0), [0.6, 0.8])


def test_integer_floor_divide_and_mod_as_numpy():
    x = np.array([7, -7, 7, -7, 7, -7, 6, np.iinfo(np.int64).max])
    y = np.array([2, 2, -2, -2, 0, 0, 3, 3])
    with np.errstate(divide="ignore", invalid="ignore"):
        want_q, want_r = np.floor_divide(x, y), np.mod(x, y)
    for f in (lambda a, b: (fnp.floor_divide(a, b), fnp.mod(a, b)),
              fg.jit(lambda a, b: (fnp.floor_divide(a, b), fnp.mod(a, b)))):
        q, r = f(x, y)
        np.testing.assert_array_equal(q, want_q)
        np.testing.assert_array_equal(r, want_r)
    assert fnp.floor_divide(7, -2) == -4 and fnp.mod(7, -2) == -1


def test_sinc_derivatives_at_zero_are_the_series_terms():
    d = fnp.sinc
    for want in [1.0, 0.0, -np.pi ** 2 / 3, 0.0, np.pi ** 4 / 5]:
        np.testing.assert_allclose(d(0.0), want, rtol=1e-14, atol=1e-14)
        d = fg.grad(d)
    x = np.array([0.0, 0.25, -1.5])
    np.testing.assert_allclose(fnp.sinc(x), np.sinc(x), rtol=1e-15)
    np.testing.assert_allclose(fg.vmap(fg.grad(fnp.sinc))(x)[1:],
                               [fg.grad(fnp.sinc)(v) for v in x[1:]])
    np.testing.assert_allclose(fg.jit(fg.grad(fg.grad(fnp.sinc)))(0.0), -np.pi ** 2 / 3)


def test_quiet_fp_errors_ignores_inside_and_restores_the_callers_state():
    import threading
    import warnings

    from fungrad import extend as fx
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="raise", over="warn"), fx.quiet_fp_errors():
            assert np.geterr() == dict(divide="ignore", over="ignore", under="ignore",
                                       invalid="ignore")
            with fx.quiet_fp_errors():  # nested
                assert np.log(0.0) == -np.inf
            assert np.isnan(np.sqrt(-1.0))
        with np.errstate(divide="raise"):  # a new outer state: the silenced one is re-derived
            with fx.quiet_fp_errors():
                assert np.float64(1.0) / 0.0 == np.inf
            with pytest.raises(FloatingPointError, match="divide by zero"):
                np.divide(1.0, np.zeros(1))
    old = np.getbufsize()
    try:
        np.setbufsize(16384)
        with fx.quiet_fp_errors():  # the rest of the state is kept
            assert np.getbufsize() == 16384
    finally:
        np.setbufsize(old)
    seen = []

    def other_thread():  # a context variable: another thread keeps its own state
        seen.append(np.geterr()["divide"])
    with fx.quiet_fp_errors():
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
    assert seen == [np.geterr()["divide"]] and seen[0] != "ignore"
