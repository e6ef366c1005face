"""Complex numbers through fungrad.numpy and the transforms.

* the function table: complex128 and complex64 values and dtypes against numpy, jit equal to
  eager bit for bit (type included), vmap against a loop, JVPs and VJPs against central
  differences in every real direction (check_grads pairs complex values by Re(sum(a * b)));
* JAX's derivative conventions: golden values recorded from jax by
  tests/references/make_complex_jax.py (cases in tests/complex_cases.py), and live against jax
  where it is installed; the convention itself (grad = dL/dx - i dL/dy) by finite differences;
* holomorphic grad/jacfwd/jacrev/hessian against the analytic derivatives;
* the errors of transforms that do not take complex values (JAX's texts);
* regressions of the reported bugs (abs's dtype and derivative, convert_element_type's
  transpose, 0-d complex multiply under jit, vdot, norm).
"""
import json
import pathlib
import warnings

import numpy as np
import pytest
from complex_cases import CASES, from_json, run

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import tree_util
from fungrad._core.errors import DtypeError
from fungrad.testing import check_grads

GOLDEN = json.loads((pathlib.Path(__file__).parent / "references" / "complex_jax.json").read_text())

rng = np.random.default_rng(7)


def crand(*shape, lo=-1.5, hi=1.5, im=(-1.5, 1.5)):
    return rng.uniform(lo, hi, shape) + 1j * rng.uniform(*im, shape)


Z = crand(3, 4)
ZR = crand(3, 4, lo=0.4, hi=1.8)            # Re z > 0: off the cut of log/sqrt/pow
ZU = crand(3, 4, lo=-0.8, hi=0.8, im=(-0.8, 0.8))  # |Re|, |Im| < 0.8: off every inverse-trig cut
W = crand(3, 4)
M = crand(4, 3)

# name, function, arguments, smooth (checked by finite differences)
UNARY = [
    ("real", fnp.real, (Z,), True), ("imag", fnp.imag, (Z,), True),
    ("conj", fnp.conj, (Z,), True), ("conjugate", fnp.conjugate, (Z,), True),
    ("angle", fnp.angle, (Z,), True), ("angle_deg", lambda z: fnp.angle(z, deg=True), (Z,), True),
    ("abs", fnp.abs, (Z,), True), ("absolute", fnp.absolute, (Z,), True),
    ("exp", fnp.exp, (Z,), True), ("log", fnp.log, (ZR,), True), ("log1p", fnp.log1p, (ZR,), True),
    ("expm1", fnp.expm1, (Z,), True), ("sin", fnp.sin, (Z,), True), ("cos", fnp.cos, (Z,), True),
    ("tan", fnp.tan, (ZU,), True), ("tanh", fnp.tanh, (ZU,), True),
    ("sinh", fnp.sinh, (Z,), True), ("cosh", fnp.cosh, (Z,), True),
    ("arctan", fnp.arctan, (ZU,), True), ("arcsin", fnp.arcsin, (ZU,), True),
    ("arccos", fnp.arccos, (ZU,), True), ("arcsinh", fnp.arcsinh, (ZU,), True),
    ("arccosh", fnp.arccosh, (ZU,), True), ("arctanh", fnp.arctanh, (ZU,), True),
    ("sqrt", fnp.sqrt, (ZR,), True), ("square", fnp.square, (Z,), True),
    ("reciprocal", fnp.reciprocal, (Z,), True), ("log2", fnp.log2, (ZR,), True),
    ("log10", fnp.log10, (ZR,), True), ("exp2", fnp.exp2, (Z,), True),
    ("negative", fnp.negative, (Z,), True), ("positive", fnp.positive, (Z,), True),
    ("power_int", lambda z: fnp.power(z, 3), (Z,), True),
    ("power_float", lambda z: fnp.power(z, 0.7), (ZR,), True),
    ("sign", fnp.sign, (Z,), False), ("isfinite", fnp.isfinite, (Z,), False),
    ("isnan", fnp.isnan, (Z,), False), ("isinf", fnp.isinf, (Z,), False),
    ("iscomplex", fnp.iscomplex, (Z,), False), ("isreal", fnp.isreal, (Z,), False),
]
BINARY = [
    ("add", fnp.add, (Z, W)), ("subtract", fnp.subtract, (Z, W)),
    ("multiply", fnp.multiply, (Z, W)), ("divide", fnp.divide, (Z, W)),
    ("power", fnp.power, (ZR, W * 0.5)), ("where", lambda a, b: fnp.where(fnp.real(a) > 0, a, b),
                                           (Z, W)),
    ("dot", fnp.dot, (Z, M)), ("matmul", fnp.matmul, (Z, M)), ("vdot", fnp.vdot, (Z, W)),
    ("inner", fnp.inner, (Z, W)), ("outer", fnp.outer, (Z[0], W[1])),
    ("einsum", lambda a, b: fnp.einsum("ij,jk->ik", a, b), (Z, M)),
    ("tensordot", lambda a, b: fnp.tensordot(a, b, 1), (Z, M)),
    ("kron", fnp.kron, (Z[:2, :2], W[:2, :2])),
    ("real_times_complex", fnp.multiply, (Z.real, W)),
]
REDUCTIONS = [
    ("sum", fnp.sum, (Z,)), ("sum_axis", lambda z: fnp.sum(z, axis=0), (Z,)),
    ("mean", fnp.mean, (Z,)), ("mean_axis", lambda z: fnp.mean(z, axis=1), (Z,)),
    ("prod", lambda z: fnp.prod(z, axis=1), (Z,)), ("var", fnp.var, (Z,)),
    ("var_axis", lambda z: fnp.var(z, axis=0, ddof=1), (Z,)), ("std", fnp.std, (Z,)),
    ("cumsum", lambda z: fnp.cumsum(z, axis=1), (Z,)),
    ("cumprod", lambda z: fnp.cumprod(z, axis=1), (Z,)),
    ("trace", fnp.trace, (Z,)), ("norm", fnp.linalg.norm, (Z,)),
    ("norm_vec", lambda z: fnp.linalg.norm(z, axis=1), (Z,)),
    ("norm_1", lambda z: fnp.linalg.norm(z[0], 1), (Z,)),
    ("norm_fro", lambda z: fnp.linalg.norm(z, "fro"), (Z,)),
]
NUMPY_NAME = {"angle_deg": "angle", "power_int": "power", "power_float": "power",
              "real_times_complex": "multiply"}
TABLE = ([(n, f, a, s) for n, f, a, s in UNARY] + [(n, f, a, True) for n, f, a in BINARY]
         + [(n, f, a, True) for n, f, a in REDUCTIONS])


def _reference(name, fn, args):
    """numpy's result: fungrad.numpy's function applied to numpy (its eager path is numpy's
    arithmetic) checked against numpy's function of the same name where one exists."""
    np_fn = getattr(np, NUMPY_NAME.get(name, name), None)
    kw = {"deg": True} if name == "angle_deg" else {}
    extra = {"power_int": (3,), "power_float": (0.7,)}.get(name, ())
    if name in ("where", "prod", "cumsum", "cumprod", "sum_axis", "mean_axis", "var_axis",
                "einsum", "tensordot", "norm", "norm_vec", "norm_1", "norm_fro"):
        return {"where": lambda a, b: np.where(a.real > 0, a, b),
                "prod": lambda z: np.prod(z, axis=1), "cumsum": lambda z: np.cumsum(z, axis=1),
                "cumprod": lambda z: np.cumprod(z, axis=1), "sum_axis": lambda z: z.sum(0),
                "mean_axis": lambda z: z.mean(1), "var_axis": lambda z: z.var(0, ddof=1),
                "einsum": lambda a, b: np.einsum("ij,jk->ik", a, b),
                "tensordot": lambda a, b: np.tensordot(a, b, 1), "norm": np.linalg.norm,
                "norm_vec": lambda z: np.linalg.norm(z, axis=1),
                "norm_1": lambda z: np.linalg.norm(z[0], 1),
                "norm_fro": lambda z: np.linalg.norm(z, "fro")}[name](*args)
    return np_fn(*args, *extra, **kw)


def _ids(table):
    return [t[0] for t in table]


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("name,fn,args,smooth", TABLE, ids=_ids(TABLE))
def test_values_and_dtypes_match_numpy(name, fn, args, smooth, dtype):
    args = tuple(a.astype(dtype) if np.iscomplexobj(a) else a.astype(np.dtype(dtype).char.lower())
                 for a in args)
    out = fn(*args)
    want = np.asarray(_reference(name, fn, args))
    assert isinstance(out, np.ndarray)
    assert out.dtype == want.dtype, f"{name}: {out.dtype} vs numpy's {want.dtype}"
    assert out.shape == want.shape
    tol = 1e-12 if dtype == np.complex128 else 2e-5
    np.testing.assert_allclose(out, want, rtol=tol, atol=tol)


def _same(got, want, what):
    for g, w in zip(tree_util.tree_leaves(got), tree_util.tree_leaves(want), strict=True):
        assert type(g) is type(w), what
        assert g.dtype == w.dtype and g.shape == w.shape, what
        np.testing.assert_array_equal(g, w, err_msg=what, strict=True)


@pytest.mark.parametrize("name,fn,args,smooth", TABLE, ids=_ids(TABLE))
def test_jit_equals_eager_bit_for_bit(name, fn, args, smooth):
    if name == "positive":
        # an identity: jit's program returns its argument itself, where fnp.positive of a plain
        # ndarray gives an Array view of it (tests/test_array.py, asarray); on fungrad.Arrays
        # both return the argument
        args = tuple(fnp.asarray(a) for a in args)
        assert fg.jit(fn)(*args) is args[0] and fn(*args) is args[0]
    _same(fg.jit(fn)(*args), fn(*args), f"jit({name})")
    scalars = tuple(a.reshape(-1)[2] for a in args) if name in _ELEMENTWISE else None
    if scalars is not None:  # 0-d operands: numpy scalars inside the generated code
        s = tuple(fnp.asarray(v) if name == "positive" else np.asarray(v) for v in scalars)
        _same(fg.jit(fn)(*s), fn(*s), f"jit({name}) on 0-d operands")


_ELEMENTWISE = {n for n, *_ in UNARY} | {"add", "subtract", "multiply", "divide", "power",
                                         "where", "real_times_complex"}


@pytest.mark.parametrize("name,fn,args,smooth", TABLE, ids=_ids(TABLE))
def test_vmap_matches_loop(name, fn, args, smooth):
    batched = tuple(np.stack([a, a * (0.5 - 0.3j) if np.iscomplexobj(a) else a * 0.5])
                    for a in args)
    out = fg.vmap(fn)(*batched)
    expected = np.stack([np.asarray(fn(*[b[i] for b in batched])) for i in range(2)])
    assert out.dtype == expected.dtype
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-14)


SMOOTH = [t for t in TABLE if t[3]]


@pytest.mark.parametrize("name,fn,args,smooth", SMOOTH, ids=_ids(SMOOTH))
def test_derivatives_against_finite_differences(name, fn, args, smooth):
    """JVPs (complex directions, so non-holomorphic functions are covered) and VJPs (the adjoint
    identity under Re(sum(a * b))) to second order."""
    check_grads(fn, args, order=2)


@pytest.mark.parametrize("name,fn,args,smooth", [t for t in TABLE if not t[3]],
                         ids=_ids([t for t in TABLE if not t[3]]))
def test_nonsmooth_functions_have_zero_tangents(name, fn, args, smooth):
    _, t = fg.jvp(fn, args, tuple(crand(*a.shape) for a in args))
    assert not np.any(t)


# ---- JAX's conventions


def _compare(got, want, what, rtol=1e-10):
    gl, wl = tree_util.tree_leaves(got), tree_util.tree_leaves(want)
    assert len(gl) == len(wl), what
    for g, w in zip(gl, wl):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape, f"{what}: {g.dtype}{g.shape} vs {w.dtype}{w.shape}"
        np.testing.assert_allclose(g, w, rtol=rtol, atol=1e-12, err_msg=what)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_matches_recorded_jax(case):
    _compare(run(case, fg, fnp), from_json(GOLDEN["cases"][case.name]), case.name)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_matches_live_jax(case):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jax's own deprecation notices
        want = jax.tree_util.tree_map(np.asarray, run(case, jax, jnp))
    _compare(run(case, fg, fnp), want, case.name)


def test_recorded_cases_are_current():
    assert set(GOLDEN["cases"]) == {c.name for c in CASES}, \
        "run tests/references/make_complex_jax.py after changing tests/complex_cases.py"


def _fd_gradient(loss, z, eps=1e-6):
    """dL/dx and dL/dy of a real loss at z = x + iy, by central differences."""
    gx, gy = np.zeros(z.shape), np.zeros(z.shape)
    for i in np.ndindex(z.shape):
        e = np.zeros(z.shape)
        e[i] = eps
        gx[i] = (loss(z + e) - loss(z - e)) / (2 * eps)
        gy[i] = (loss(z + 1j * e) - loss(z - 1j * e)) / (2 * eps)
    return gx, gy


@pytest.mark.parametrize("loss", [
    lambda z: fnp.sum(fnp.abs(z) ** 2),
    lambda z: fnp.sum(fnp.real(fnp.exp(z)) * fnp.imag(z)),
    lambda z: fnp.abs(fnp.sum(z * z)) + fnp.sum(fnp.angle(z)),
])
def test_grad_of_real_loss_is_dx_minus_i_dy(loss):
    """The README's statement of the convention: grad(L)(z) = dL/dx - i dL/dy (the conjugate of
    the direction of steepest ascent)."""
    z = crand(5)
    gx, gy = _fd_gradient(lambda v: float(loss(v)), z)
    np.testing.assert_allclose(fg.grad(loss)(z), gx - 1j * gy, rtol=1e-6, atol=1e-8)
    # gradient ascent therefore steps along the conjugate of grad
    step = 1e-4 * np.conj(fg.grad(loss)(z))
    assert float(loss(z + step)) > float(loss(z))


def test_grad_of_parts_of_a_holomorphic_function():
    """For holomorphic f: grad(Re f) = f'(z) and grad(Im f) = -i f'(z) (so grad(|f|^2) =
    2 conj(f) f', the classic 2 conj(z) for f(z) = z)."""
    z = 0.3 - 0.8j
    f = lambda v: fnp.exp(v) * fnp.sin(v)  # noqa: E731
    holo = fg.grad(f, holomorphic=True)(z)
    df = np.exp(z) * (np.sin(z) + np.cos(z))
    np.testing.assert_allclose(holo, df, rtol=1e-13)
    np.testing.assert_allclose(fg.grad(lambda v: fnp.real(f(v)))(z), df, rtol=1e-13)
    np.testing.assert_allclose(fg.grad(lambda v: fnp.imag(f(v)))(z), -1j * df, rtol=1e-13)
    np.testing.assert_allclose(fg.grad(lambda v: fnp.abs(f(v)) ** 2)(z),
                               2 * np.conj(np.exp(z) * np.sin(z)) * df, rtol=1e-13)


def test_holomorphic_jacobians_and_hessian():
    z = crand(4)
    f = lambda v: v ** 2 * fnp.exp(v)  # noqa: E731
    expected = np.diag((2 * z + z ** 2) * np.exp(z))
    for jac in (fg.jacfwd, fg.jacrev):
        j = jac(f, holomorphic=True)(z)
        assert j.dtype == np.complex128
        np.testing.assert_allclose(j, expected, rtol=1e-12)
    h = fg.hessian(lambda v: fnp.sum(v ** 3), holomorphic=True)(z)
    np.testing.assert_allclose(h, np.diag(6 * z), rtol=1e-13)
    v, g = fg.value_and_grad(lambda v: fnp.sum(v ** 3), holomorphic=True)(z)
    np.testing.assert_allclose(v, np.sum(z ** 3), rtol=1e-13)
    np.testing.assert_allclose(g, 3 * z ** 2, rtol=1e-13)
    # a linear map: the Jacobian is the matrix itself, forward and reverse, in each argument
    a = crand(3, 4)
    ja, jz = fg.jacrev(lambda a, v: a @ v, argnums=(0, 1), holomorphic=True)(a, z)
    np.testing.assert_allclose(jz, a, rtol=1e-14)
    np.testing.assert_allclose(ja, np.einsum("ij,k->ijk", np.eye(3), z), rtol=1e-14)
    # complex64 stays complex64
    z32 = z.astype(np.complex64)
    assert fg.jacfwd(f, holomorphic=True)(z32).dtype == np.complex64
    assert fg.grad(lambda v: fnp.sum(fnp.abs(v)))(z32).dtype == np.complex64


def test_vjp_of_complex_outputs_and_python_scalar_cotangent():
    z = 0.4 + 1.1j
    out, pull = fg.vjp(lambda v: v * v, z)
    np.testing.assert_allclose(pull(1.0)[0], 2 * z)     # a weak real scalar takes c128
    np.testing.assert_allclose(pull(1j)[0], 2j * z)
    with pytest.raises(DtypeError, match="cotangent"):
        fg.vjp(lambda v: v * 2.0, 1.5)[1](np.asarray(1j))


# ---- transforms that do not take complex values raise DtypeError (JAX's texts)


@pytest.mark.parametrize("call,text", [
    (lambda: fg.grad(lambda z: z * z)(1 + 1j), "grad requires real-valued outputs"),
    (lambda: fg.value_and_grad(lambda z: z * z)(1 + 1j), "pass holomorphic=True"),
    (lambda: fg.grad(lambda z: z * z, holomorphic=True)(1.0),
     "grad with holomorphic=True requires inputs with complex dtype, but got float64"),
    (lambda: fg.grad(fnp.real, holomorphic=True)(1.0 + 1j),
     "grad with holomorphic=True requires outputs with complex dtype, but got float64"),
    (lambda: fg.jacfwd(lambda z: z)(np.ones(2, complex)),
     "jacfwd requires real-valued inputs .* but got complex128"),
    (lambda: fg.jacfwd(fnp.real, holomorphic=True)(np.ones(2, complex)),
     "jacfwd with holomorphic=True requires outputs with complex dtype"),
    (lambda: fg.jacfwd(lambda z: z, holomorphic=True)(np.ones(2)),
     "jacfwd with holomorphic=True requires inputs with complex dtype"),
    (lambda: fg.jacrev(lambda x: x * 1j)(np.ones(2)), "jacrev requires real-valued outputs"),
    (lambda: fg.jacrev(fnp.real, holomorphic=True)(np.ones(2, complex)),
     "jacrev with holomorphic=True requires outputs with complex dtype"),
    (lambda: fg.hessian(lambda z: fnp.sum(z ** 2))(np.ones(2, complex)),
     "jacfwd requires real-valued inputs"),
])
def test_unsupported_complex_raises_dtype_error(call, text):
    with pytest.raises(DtypeError, match=text) as info:
        call()
    assert isinstance(info.value, TypeError)  # what JAX raises


def test_real_only_primitives_reject_complex():
    for fn in (fnp.isposinf, fnp.isneginf):  # numpy's TypeError: ambiguous for complex
        with pytest.raises(DtypeError, match="not supported for complex values"):
            fn(Z)
    with pytest.raises(DtypeError, match="floor accepts real"):
        fg._lax.floor(np.ones(2, complex))
    with pytest.raises(DtypeError, match="atan2 accepts real"):
        fg.jit(lambda z: fg._lax.atan2(z, z))(np.ones(2, complex))


# ---- the reported bugs


def test_real_to_complex_promotion_transposes_to_the_real_part():
    x = np.array([0.3, -1.2, 0.8, 1.7, -0.4, 0.9])  # no zero entry of rfft(x) * x[:4]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's ComplexWarning was raised here
        g = fg.grad(lambda v: fnp.sum(fnp.abs(fnp.fft.rfft(v) * v[:4])))(x)
    assert g.dtype == np.float64
    check_grads(lambda v: fnp.abs(fnp.fft.rfft(v) * v[:4]), (x,), order=2)
    ct = fg.vjp(lambda v: fg._lax.convert_element_type(v, complex), x)[1](x * (1 - 2j))[0]
    assert ct.dtype == np.float64
    np.testing.assert_array_equal(ct, x)


def test_abs_of_complex_is_real_eager_and_jitted():
    z = crand(5)
    for f in (fnp.abs, fg.jit(fnp.abs)):
        assert f(z).dtype == np.float64
        assert f(z.astype(np.complex64)).dtype == np.float32
    assert fg.make_jaxpr(fnp.abs)(z).out_avals[0].dtype == np.float64
    _, t = fg.jvp(fnp.abs, (z,), (np.ones(5, complex),))
    np.testing.assert_allclose(t, z.real / np.abs(z), rtol=1e-13)
    _, t = fg.jvp(fnp.abs, (z,), (1j * np.ones(5),))
    np.testing.assert_allclose(t, z.imag / np.abs(z), rtol=1e-13)
    assert fg.grad(lambda v: fnp.sum(fnp.abs(v)))(np.zeros(2, complex)).tolist() == [0j, 0j]


def test_zero_dim_complex_arithmetic_under_jit_is_bit_identical():
    def f(a, b, c):  # fungrad.numpy eagerly: the ufuncs on 0-d arrays, as the primitives run
        return fnp.subtract(fnp.add(fnp.multiply(fnp.multiply(a, b), c), fnp.divide(a, c)),
                            fnp.multiply(b, b))
    values = crand(200, 3)
    jf = fg.jit(f)
    for a, b, c in values:
        args = (np.asarray(a), np.asarray(b), np.asarray(c))
        _same(jf(*args), f(*args), "0-d complex arithmetic")
    args64 = tuple(np.asarray(v, np.complex64) for v in values[0])
    _same(jf(*args64), f(*args64), "0-d complex64 arithmetic")


def test_vdot_conjugates_and_norm_is_real():
    z, w = crand(4), crand(4)
    np.testing.assert_allclose(fnp.vdot(z, w), np.vdot(z, w), rtol=1e-14)
    np.testing.assert_allclose(fg.jit(fnp.vdot)(z, w), np.vdot(z, w), rtol=1e-14)
    assert fnp.linalg.norm(z).dtype == np.float64
    assert fg.jit(fnp.linalg.norm)(z).dtype == np.float64
    np.testing.assert_allclose(fnp.linalg.norm(z), np.linalg.norm(z), rtol=1e-14)


def test_check_grads_catches_a_wrong_complex_rule():
    """A conj whose JVP forgets to conjugate is complex-linear but wrong: the complex directions
    of check_grads catch it (a real direction alone would not)."""
    @fg.custom_jvp
    def bad_conj(z):
        return fnp.conj(z)

    @bad_conj.defjvp
    def _(primals, tangents):
        return bad_conj(primals[0]), tangents[0]

    np.testing.assert_array_equal(bad_conj(Z), np.conj(Z))
    with pytest.raises(AssertionError):
        check_grads(bad_conj, (Z,), order=1, modes=("fwd",))
    check_grads(fnp.conj, (Z,), order=2)


GRAD_CASES = [c for c in CASES if c.kind in ("grad", "grad_holo")]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c.name for c in GRAD_CASES])
def test_jit_and_vmap_of_complex_gradients(case):
    """jit(grad(f)) equals grad(f) bit for bit; vmap(grad(f)) equals the loop."""
    g = fg.grad(lambda *a: case.fun(fnp, *a), argnums=case.argnums,
                holomorphic=case.kind == "grad_holo")
    _same(fg.jit(g)(*case.args), g(*case.args), f"jit(grad({case.name}))")
    batched = tuple(np.stack([a, a * 0.9]) for a in case.args)
    out = fg.vmap(g)(*batched)
    for i in range(2):
        _compare(tree_util.tree_map(lambda o, i=i: o[i], out), g(*[b[i] for b in batched]),
                 f"vmap(grad({case.name}))", rtol=1e-12)
