"""Hypothesis sweeps over the function tables: random shapes (0-d, size-0 and size-1 axes,
broadcasting pairs), dtypes (float16/32/64, complex128, small and large ints, bool) and values
(with NaN, infinities and signed zeros mixed in).

For the elementwise tables every example checks, against numpy for the same input: the output
dtype and values (or, where numpy rejects the dtype, a clean TypeError/ValueError); jit equal to
eager to the last bit, dtype included; vmap equal to a loop. Differentiable rows check JVPs and
VJPs against central differences. The numpy-breadth table (tests/test_numpy_breadth.py) is
swept with random values for jit == eager and float32 in -> numpy's dtype out.

Derandomized with bounded example counts, so CI sees the same examples every run, fast.
"""
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fungrad as fg
import fungrad.numpy as fnp
from fungrad.testing import check_grads
from test_numpy_breadth import TABLE, of_float_args, quiet

SWEEP = settings(derandomize=True, max_examples=30, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

UNARY = ["sin", "cos", "tan", "tanh", "sinh", "cosh", "exp", "exp2", "expm1", "log", "log2",
         "log10", "log1p", "sqrt", "cbrt", "square", "absolute", "negative", "positive", "sign",
         "floor", "ceil", "trunc", "rint", "fix", "deg2rad", "rad2deg", "arctan", "arcsinh",
         "arcsin", "arccos", "arctanh", "arccosh", "sinc", "signbit", "isfinite", "isnan",
         "isinf", "fabs", "conjugate", "real", "imag", "angle", "logical_not", "invert"]
BINARY = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "fmax", "fmin",
          "arctan2", "hypot", "copysign", "fmod", "mod", "floor_divide", "logaddexp",
          "logaddexp2", "heaviside", "nextafter", "greater", "less_equal", "equal",
          "not_equal", "logical_and", "logical_xor", "bitwise_and", "bitwise_or", "gcd",
          "float_power"]
DTYPES = [np.float64, np.float32, np.float16, np.complex128, np.int64, np.int32, np.int16,
          np.int8, np.uint8, np.bool_]
SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0]


def values(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return st.booleans()
    if dtype.kind in "iu":
        lo = 0 if dtype.kind == "u" else -6
        return st.integers(lo, 6)
    if dtype.kind == "c":
        return st.complex_numbers(max_magnitude=4.0, allow_nan=False, allow_infinity=False)
    width = 16 if dtype == np.float16 else 32 if dtype == np.float32 else 64
    return st.one_of(st.sampled_from(SPECIAL),
                     st.floats(-4.0, 4.0, width=width, allow_subnormal=False))


@st.composite
def arrays(draw, dtype=None, shape=None):
    dtype = dtype or draw(st.sampled_from(DTYPES))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)) \
        if shape is None else shape
    return draw(hnp.arrays(dtype, shape, elements=values(dtype)))


@st.composite
def pairs(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                    min_side=0, max_side=3)).input_shapes
    dx, dy = draw(st.sampled_from(DTYPES)), draw(st.sampled_from(DTYPES))
    return draw(arrays(dx, shapes[0])), draw(arrays(dy, shapes[1]))


def _outcome(f, *args):
    with quiet(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return "ok", f(*args)
        except (TypeError, ValueError) as e:
            return "raise", e


def _tol(dtype):
    return {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 2e-6,
            np.dtype(np.complex64): 2e-6}.get(np.dtype(dtype), 1e-12)


def _assert_matches_numpy(name, args):
    ref_kind, ref = _outcome(getattr(np, name), *args)
    kind, out = _outcome(getattr(fnp, name), *args)
    if ref_kind == "raise":
        assert kind == "raise", f"{name} accepts what numpy rejects: {ref}"
        return None
    assert kind == "ok", f"{name} raises where numpy gives {np.asarray(ref).dtype}: {out!r}"
    ref = np.asarray(ref)
    assert out.shape == ref.shape, (out.shape, ref.shape)
    assert out.dtype == ref.dtype, (name, out.dtype, ref.dtype)
    if ref.dtype.kind in "fc":
        np.testing.assert_allclose(out, ref, rtol=_tol(ref.dtype), atol=_tol(ref.dtype),
                                   equal_nan=True)
    else:
        np.testing.assert_array_equal(out, ref)
    return out


def _assert_jit_is_eager(f, args, eager):
    with quiet(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        jitted = fg.jit(f)(*args)
    assert jitted.dtype == eager.dtype and jitted.shape == eager.shape
    np.testing.assert_array_equal(jitted, eager)


@SWEEP
@given(st.sampled_from(UNARY), arrays())
@example("sin", np.array([1, 2], np.int8))             # float16, as numpy
@example("floor_divide", np.array([np.inf]))  # (binary name: skipped below)
@example("modf", np.array([np.inf, -0.0]))
def test_unary_matches_numpy_and_jit_matches_eager(name, x):
    if name not in UNARY:
        return
    out = _assert_matches_numpy(name, (x,))
    if out is not None:
        _assert_jit_is_eager(getattr(fnp, name), (x,), out)


@SWEEP
@given(st.sampled_from(BINARY), pairs())
@example("floor_divide", (np.array([-1.0, 2.0]), np.array([np.inf, -np.inf])))
@example("mod", (np.array([-1.0, 2.0, -0.0]), np.array([np.inf, -np.inf, 3.0])))
@example("arctan2", (np.array([True]), np.array([1], np.int8)))
def test_binary_matches_numpy_and_jit_matches_eager(name, xy):
    out = _assert_matches_numpy(name, xy)
    if out is not None:
        _assert_jit_is_eager(getattr(fnp, name), xy, out)


@SWEEP
@given(st.sampled_from(UNARY + BINARY), st.integers(1, 3), st.data())
def test_vmap_matches_a_loop(name, batch, data):
    dtype = data.draw(st.sampled_from([np.float64, np.float32, np.int64, np.bool_]))
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
    f = getattr(fnp, name)
    nargs = 1 if name in UNARY else 2
    xs = [data.draw(arrays(dtype, (batch,) + shape)) for _ in range(nargs)]
    kind, _ = _outcome(f, *[x[0] for x in xs])
    if kind == "raise":
        return
    with quiet(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fg.vmap(f)(*xs)
        loop = np.stack([np.asarray(f(*[x[i] for x in xs])) for i in range(batch)])
    assert out.dtype == loop.dtype and out.shape == loop.shape
    np.testing.assert_array_equal(out, loop)


SMOOTH_UNARY = {"sin": None, "cos": None, "tanh": None, "exp": None, "arctan": None,
                "sinh": None, "arcsinh": None, "expm1": None, "square": None,
                "log1p": (-0.5, 3.0), "sqrt": (0.2, 3.0), "log": (0.2, 3.0), "cbrt": (0.2, 3.0),
                "arcsin": (-0.8, 0.8), "arctanh": (-0.8, 0.8), "sinc": None,
                "deg2rad": None, "logaddexp-self": None}
SMOOTH_BINARY = ["add", "subtract", "multiply", "divide", "arctan2", "hypot", "logaddexp",
                 "logaddexp2", "maximum"]


@SWEEP
@given(st.sampled_from(sorted(SMOOTH_UNARY)), st.data())
def test_unary_gradients_against_central_differences(name, data):
    lo, hi = SMOOTH_UNARY[name] or (-2.0, 2.0)
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(lo, hi)))
    f = (lambda v: fnp.logaddexp(v, 0.5 * v)) if name == "logaddexp-self" else getattr(fnp, name)
    check_grads(f, (x,), order=2)


@SWEEP
@given(st.sampled_from(SMOOTH_BINARY), st.data())
def test_binary_gradients_against_central_differences(name, data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2,
                                                         min_side=1, max_side=3)).input_shapes
    # away from the kinks: divisors, hypot's and arctan2's origin, maximum's ties
    x = data.draw(hnp.arrays(np.float64, shapes[0], elements=st.floats(0.5, 2.0)))
    y = data.draw(hnp.arrays(np.float64, shapes[1], elements=st.floats(-2.0, -0.5)))
    check_grads(getattr(fnp, name), (x, y), order=1)


DIFF_ROWS = [f for f in TABLE if f.order and f.vmap]


@SWEEP
@given(st.sampled_from(TABLE), st.integers(0, 2 ** 32 - 1))
def test_breadth_table_jit_equals_eager_on_random_values(row, seed):
    args = row.args(np.random.default_rng(seed))
    with quiet():
        eager = np.asarray(row.fun(fnp, *args))
        jitted = fg.jit(lambda *a: row.fun(fnp, *a))(*args)
    assert jitted.dtype == eager.dtype and jitted.shape == eager.shape
    np.testing.assert_array_equal(jitted, eager)


@SWEEP
@given(st.sampled_from([f for f in TABLE if f.f32]), st.integers(0, 2 ** 32 - 1))
def test_breadth_table_float32_in_gives_numpys_dtype_out(row, seed):
    args = [a.astype(np.float32) if a.dtype == np.float64 else a
            for a in row.args(np.random.default_rng(seed))]
    with quiet():
        expected = np.asarray(row.fun(np, *args))
        out = row.fun(fnp, *args)
    assert out.dtype == expected.dtype, (row.name, out.dtype, expected.dtype)


@SWEEP
@given(st.sampled_from(DIFF_ROWS), st.integers(0, 2 ** 32 - 1))
def test_breadth_table_vjp_is_the_adjoint_of_the_jvp(row, seed):
    """<u, J v> == <J^T u, v> on random points, tangents and cotangents."""
    rng = np.random.default_rng(seed)
    args = row.args(rng)
    nums = [i for i, a in enumerate(args) if a.dtype.kind == "f"]
    if not nums:
        return
    f = of_float_args(row, args, nums)
    primals = tuple(args[i] for i in nums)
    tangents = tuple(rng.standard_normal(p.shape) for p in primals)
    with quiet():
        out, jv = fg.jvp(f, primals, tangents)
        u = rng.standard_normal(np.shape(out))
        _, pull = fg.vjp(f, *primals)
        jtu = pull(u)
    lhs = float(np.sum(u * np.asarray(jv)))
    rhs = sum(float(np.sum(np.asarray(c) * t)) for c, t in zip(jtu, tangents))
    assert lhs == pytest.approx(rhs, rel=1e-8, abs=1e-8), row.name


@pytest.mark.parametrize("x", [2.03952362e-275, 1.1920929e-07, 1e-3, 0.159, 0.16, -0.3])
def test_sinc_derivatives_near_zero(x):
    """Examples the gradient sweep found: sinc's derivatives overflowed (sin(u) / u**2 for tiny
    u) and lost digits to cancellation for |u| < 1e-3; the Maclaurin polynomial fixes both."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_grads(fnp.sinc, (np.array(x),), order=2)
        u = np.pi * x
        exact = np.pi ** 2 * (-1 / 3 + u * u / 10 - u ** 4 / 168 + u ** 6 / 6480)
        assert fg.grad(fg.grad(fnp.sinc))(x) == pytest.approx(exact, rel=1e-9) or abs(u) > 0.1
    np.testing.assert_allclose(fnp.sinc(np.array(x)), np.sinc(x), rtol=2e-16)
