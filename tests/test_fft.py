"""fungrad.numpy.fft, table-driven: values against numpy.fft for every function, n / s, axis / axes
and norm; JVP/VJP against central differences (order 2) through real <-> complex paths; the
adjoint identity <ct, F t> = <F^T ct, t> (bilinear pairing, as JAX); vmap against a loop; jit
against eager; golden values from JAX and a live comparison."""
import json
import pathlib

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad._core.trace import get_aval
from fungrad._lax import complex_parts as cp
from fungrad.testing import check_grads

F = fnp.fft
rng = np.random.default_rng(0)
XR = rng.standard_normal((3, 8))
XC = XR + 1j * rng.standard_normal((3, 8))
X3 = rng.standard_normal((2, 3, 6)) + 1j * rng.standard_normal((2, 3, 6))
NORMS = [None, "backward", "ortho", "forward"]

# name, keyword arguments, input
BASE = [
    ("fft", {}, XC), ("fft", {"n": 5}, XC), ("fft", {"n": 11, "axis": 0}, XC), ("fft", {}, XR),
    ("ifft", {}, XC), ("ifft", {"n": 10}, XC),
    ("rfft", {}, XR), ("rfft", {"n": 7}, XR), ("rfft", {"axis": 0}, XR),
    ("irfft", {}, XC[:, :5]), ("irfft", {"n": 9}, XC[:, :5]), ("irfft", {"n": 4, "axis": 0}, XC),
    ("hfft", {}, XC[:, :5]), ("hfft", {"n": 7}, XC), ("ihfft", {}, XR), ("ihfft", {"n": 5}, XR),
    ("fft2", {}, XC), ("fft2", {"s": (2, 5)}, XC), ("ifft2", {"axes": (0, 2)}, X3),
    ("rfft2", {}, XR), ("irfft2", {}, XC), ("irfft2", {"s": (3, 9)}, XC),
    ("fftn", {}, X3), ("fftn", {"s": (4, 4), "axes": (0, 2)}, X3), ("ifftn", {"axes": (1,)}, X3),
    ("rfftn", {}, X3.real), ("rfftn", {"s": (2, 4, 5), "axes": (0, 1, 2)}, X3.real), ("irfftn", {}, X3),
    ("irfftn", {"s": (3, 7), "axes": (1, 2)}, X3),
]
CASES = [(n, dict(kw, norm=norm), x) for n, kw, x in BASE for norm in NORMS]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for n, kw, _ in CASES]


@pytest.mark.parametrize("name,kw,x", CASES, ids=IDS)
def test_values_match_numpy(name, kw, x):
    ours = getattr(F, name)(x, **kw)
    ref = getattr(np.fft, name)(x, **kw)
    assert ours.shape == ref.shape
    assert ours.dtype == ref.dtype, (ours.dtype, ref.dtype)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)


def _real_view(f, complex_input):
    """A real function of real arguments around f: (x, y) -> x + iy when complex_input, and the
    output split into real and imaginary parts when complex."""
    def g(*args):
        z = cp.complex_(args[0], args[1]) if complex_input else args[0]
        out = f(z)
        if get_aval(out).dtype.kind == "c":
            return fnp.stack([cp.real(out), cp.imag(out)])
        return out
    return g


def _real_args(x):
    return (x.real.copy(), x.imag.copy()) if np.iscomplexobj(x) else (x,)


GRAD_CASES = [(n, dict(kw, norm=norm), x) for n, kw, x in BASE[::2] for norm in (None, "ortho")]


@pytest.mark.parametrize("name,kw,x", GRAD_CASES,
                         ids=[f"{n}-{kw}" for n, kw, _ in GRAD_CASES])
def test_derivatives_against_finite_differences(name, kw, x):
    f = _real_view(lambda z: getattr(F, name)(z, **kw), np.iscomplexobj(x))
    check_grads(f, _real_args(x), order=2)


def _pair(a, b):
    return float(np.real(np.sum(np.asarray(a) * np.asarray(b))))


@pytest.mark.parametrize("name,kw,x", CASES[::3], ids=IDS[::3])
def test_adjoint_identity(name, kw, x):
    """For the linear map F: <ct, F t> == <F^T ct, t> exactly (bilinear pairing Re(sum a b))."""
    f = lambda z: getattr(F, name)(z, **kw)  # noqa: E731
    r = np.random.default_rng(5)
    t = r.standard_normal(x.shape) + (1j * r.standard_normal(x.shape) if np.iscomplexobj(x) else 0)
    out, pull = fg.vjp(f, x)
    ct = r.standard_normal(out.shape) + (1j * r.standard_normal(out.shape)
                                         if np.iscomplexobj(out) else 0)
    ct_in, = pull(ct)
    np.testing.assert_allclose(_pair(ct, f(t)), _pair(ct_in, t), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name,kw,x", CASES[::2], ids=IDS[::2])
def test_vmap_matches_loop(name, kw, x):
    f = lambda z: getattr(F, name)(z, **kw)  # noqa: E731
    xs = np.stack([x, 2 * x, x ** 2])
    out = fg.vmap(f)(xs)
    np.testing.assert_allclose(out, np.stack([f(v) for v in xs]), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,kw,x", CASES[1::2], ids=IDS[1::2])
def test_jit_matches_eager(name, kw, x):
    f = lambda z: getattr(F, name)(z, **kw)  # noqa: E731
    got, want = fg.jit(f)(x), f(x)
    assert type(got) is type(want) and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_freq_and_shift():
    np.testing.assert_array_equal(F.fftfreq(7, 0.5), np.fft.fftfreq(7, 0.5))
    np.testing.assert_array_equal(F.rfftfreq(8), np.fft.rfftfreq(8))
    assert F.fftfreq(4, dtype=np.float32).dtype == np.float32
    for x in (np.arange(5.0), np.arange(12.0).reshape(3, 4)):
        np.testing.assert_array_equal(F.fftshift(x), np.fft.fftshift(x))
        np.testing.assert_array_equal(F.ifftshift(x), np.fft.ifftshift(x))
        np.testing.assert_array_equal(F.fftshift(x, axes=-1), np.fft.fftshift(x, axes=-1))
    check_grads(lambda x: F.fftshift(x) * x, (np.arange(6.0),), order=2)


def test_real_pipeline_gradient():
    """A spectral loss: rfft -> |.|^2 -> sum, and a low-pass filter irfft(rfft(x) * mask)."""
    x = rng.standard_normal(16)

    def power(x):
        z = F.rfft(x)
        return fnp.sum(cp.real(z) ** 2 + cp.imag(z) ** 2)
    # by Parseval, sum_k w_k |X_k|^2 = n sum x^2 with w = 1 at k = 0, n/2 and 2 elsewhere, so
    # the half-spectrum power's gradient is 2 irfft(X / w') ... checked against differences
    check_grads(power, (x,), order=2)
    full = lambda x: 2 * power(x) - cp.real(F.rfft(x))[0] ** 2 - cp.real(F.rfft(x))[8] ** 2  # noqa
    np.testing.assert_allclose(fg.grad(full)(x), 2 * 16 * x, rtol=1e-12)
    mask = (np.arange(9) < 4).astype(float)
    lp = lambda x: F.irfft(F.rfft(x) * mask, 16)  # noqa: E731
    np.testing.assert_allclose(lp(x), np.fft.irfft(np.fft.rfft(x) * mask, 16), atol=1e-12)
    # the low-pass filter is a symmetric projection: its VJP is itself
    _, pull = fg.vjp(lp, x)
    np.testing.assert_allclose(pull(x)[0], lp(x), atol=1e-12)


def test_errors():
    with pytest.raises(ValueError, match="invalid norm"):
        F.fft(XC, norm="bogus")
    with pytest.raises(TypeError, match="must be real"):
        F.rfft(XC)


def _jax_comparable(grad, jnp_fft, np_):
    x = np.linspace(-1, 1, 8)
    return {
        "grad_rfft_power": np.asarray(grad(lambda x: np_.sum(np_.abs(jnp_fft.rfft(x)) ** 2))(x)),
        "grad_irfft": np.asarray(grad(lambda x: np_.sum(jnp_fft.irfft(jnp_fft.rfft(x) *
                                                                       np_.to_complex(x[:5]))
                                                        ** 2))(x)),
        "grad_fft_real": np.asarray(grad(lambda x: np_.sum(np_.real(jnp_fft.fft(x * x)) *
                                                           np.arange(8.0)))(x)),
        "grad_hfft_ortho": np.asarray(grad(lambda x: np_.sum(jnp_fft.hfft(x[:5], 8, norm="ortho")
                                                             * np.arange(8.0)))(x)),
    }


def _ours():
    class _NP:
        @staticmethod
        def sum(x):
            return fnp.sum(x)

        @staticmethod
        def abs(z):
            return fnp.sqrt(cp.real(z) ** 2 + cp.imag(z) ** 2)

        @staticmethod
        def real(z):
            return cp.real(z)

        @staticmethod
        def to_complex(x):
            # explicit: fnp's implicit real -> complex promotion transposes with a ComplexWarning
            return cp.to_complex(x)
    return _jax_comparable(fg.grad, F, _NP)


def test_reference_values_from_jax():
    """Golden values recorded from JAX by tests/references/make_fft_jax.py."""
    gold = json.loads((pathlib.Path(__file__).parent / "references" / "fft_jax.json").read_text())
    ours = _ours()
    for k, v in gold.items():
        np.testing.assert_allclose(ours[k], np.asarray(v), rtol=1e-9, atol=1e-10, err_msg=k)


def test_live_against_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    class _JNP:
        sum, abs, real = jnp.sum, jnp.abs, jnp.real
        to_complex = staticmethod(lambda x: x.astype(jnp.complex128))
    theirs = _jax_comparable(jax.grad, jnp.fft, _JNP)
    ours = _ours()
    for k in ours:
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-9, atol=1e-10, err_msg=k)


def test_zero_d_inputs_and_integer_sizes_as_numpy():
    # fftn / ifftn over no axes return the input unchanged (numpy's value and dtype)
    for f in ("fftn", "ifftn"):
        for x in (np.array(1.5), np.array(-1)):
            got, want = getattr(F, f)(x), getattr(np.fft, f)(x)
            assert got.dtype == want.dtype and got.shape == want.shape == ()
            np.testing.assert_array_equal(got, want)
    assert fg.grad(lambda x: F.fftn(x).real)(1.5) == 1.0
    # the real <-> complex transforms and the shifts need an axis (numpy: IndexError/ValueError)
    for f in ("rfftn", "irfftn", "fftshift", "ifftshift"):
        with pytest.raises((IndexError, ValueError)):
            getattr(np.fft, f)(np.array(1.5))
        with pytest.raises(fg.errors.ShapeError, match=rf"numpy\.fft\.{f}: .*f64\[\]"):
            getattr(F, f)(np.array(1.5))
    # fftfreq's n is an integer (numpy: ValueError "n should be an integer")
    for f in ("fftfreq", "rfftfreq"):
        for bad, shown in ((None, "NoneType None"), (np.array(1.5), r"f64\[\]"),
                           ((2, -3), r"tuple \(2, -3\)"), ({"a": 1.0}, "dict")):
            with pytest.raises(TypeError, match=rf"numpy\.fft\.{f}: n must be an integer, got "
                               rf"{shown}"):
                getattr(F, f)(bad)
        np.testing.assert_allclose(getattr(F, f)(np.int64(5), 0.5), getattr(np.fft, f)(5, 0.5))
