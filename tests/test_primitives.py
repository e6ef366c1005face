"""Every primitive through every transform, driven by the table in prim_records.py.

For each record and argument shapes: evaluation against numpy, abstract evaluation against the real
result, JVP/VJP against finite differences (or zero tangents for non-differentiable primitives),
jacfwd == jacrev, vmap against a Python loop, and the IR checker on every program a transform makes.
"""
import numpy as np
import pytest
from prim_records import RECORDS

import fungrad as fg
from fungrad import _lax as lax
from fungrad._core.dtypes import float0, is_float
from fungrad._interp.linearize import linearize_flat
from fungrad.testing import check_grads

B = 5  # the vmapped axis size (distinct from the sizes in the table)


def _cases():
    for rec in RECORDS:
        for shapes in rec.shapes:
            yield pytest.param(rec, shapes, id=f"{rec.id}-{'x'.join(map(str, shapes))}")


CASES = list(_cases())
DIFF_CASES = [c for c in CASES if c.values[0].differentiable]
NONDIFF_CASES = [c for c in CASES if not c.values[0].differentiable]


def make_args(rec, shapes, seed=0, lead=None, trail=None):
    """Arguments from the record's domains; `lead`/`trail` add a batch axis of that size."""
    rng = np.random.default_rng(seed)
    out = []
    for dom, shape in zip(rec.domains, shapes, strict=True):
        full = ((lead,) if lead else ()) + tuple(shape) + ((trail,) if trail else ())
        out.append(np.asarray(dom(rng, full)))
    return out


def float_argnums(args):
    return tuple(i for i, a in enumerate(args) if is_float(a.dtype))


def scalarize(rec, shapes):
    """A scalar function of the record's arguments: sum(fun(*args) * w), w fixed random."""
    out_shape = np.shape(rec.fun(*make_args(rec, shapes)))
    w = np.random.default_rng(7).standard_normal(out_shape)

    def f(*args):
        y = lax.convert_element_type(rec.fun(*args), np.float64)
        return lax.reduce_sum(lax.mul(y, w), tuple(range(len(out_shape))))
    return f


@pytest.mark.parametrize("rec,shapes", CASES)
def test_impl_matches_numpy(rec, shapes):
    args = make_args(rec, shapes)
    out = rec.fun(*args)
    expected = np.asarray(rec.ref(*args))
    # a fungrad.Array, or (identity primitives: stop_gradient, name) the very operand given
    assert type(out) is fg.Array or any(out is a for a in args)
    assert out.dtype == expected.dtype
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=0, equal_nan=True)


@pytest.mark.parametrize("rec,shapes", CASES)
def test_abstract_eval_matches_result(rec, shapes):
    args = make_args(rec, shapes)
    out = rec.fun(*args)
    jaxpr = fg.check_jaxpr(fg.make_jaxpr(rec.fun)(*args))
    assert rec.prim in [e.primitive for e in jaxpr.eqns], "the record does not bind its primitive"
    aval, = jaxpr.out_avals
    assert (aval.shape, aval.dtype) == (out.shape, out.dtype)
    assert [v.aval.shape for v in jaxpr.invars] == [a.shape for a in args]


@pytest.mark.parametrize("rec,shapes", DIFF_CASES)
def test_jvp_vjp_against_finite_differences(rec, shapes):
    args = make_args(rec, shapes)
    check_grads(rec.fun, args, order=rec.order, **rec.tols)


@pytest.mark.parametrize("rec,shapes", NONDIFF_CASES)
def test_nondifferentiable_has_zero_tangents(rec, shapes):
    args = make_args(rec, shapes)
    tangents = [np.ones_like(a) if is_float(a.dtype) else None for a in args]
    out, t = fg.jvp(rec.fun, tuple(args), tuple(tangents))
    np.testing.assert_array_equal(out, rec.fun(*args))
    assert t.shape == out.shape
    if is_float(out.dtype):
        assert t.dtype == out.dtype
        assert not np.any(t)
    else:
        assert t.dtype == float0
    nums = float_argnums(args)
    if nums:
        grads = fg.grad(scalarize(rec, shapes), argnums=nums)(*args)
        for g, i in zip(grads, nums):
            assert g.shape == args[i].shape and not np.any(g)
        lin = linearize_flat(rec.fun, args)[2]
        assert lin.out_zero == [True], "a non-differentiable output should have a symbolic zero"


@pytest.mark.parametrize("rec,shapes", DIFF_CASES)
def test_jacfwd_equals_jacrev(rec, shapes):
    args = make_args(rec, shapes)
    nums = float_argnums(args)
    fwd = fg.jacfwd(rec.fun, argnums=nums)(*args)
    rev = fg.jacrev(rec.fun, argnums=nums)(*args)
    out_shape = np.shape(rec.fun(*args))
    for i, jf, jr in zip(nums, fwd, rev, strict=True):
        assert jf.shape == jr.shape == out_shape + args[i].shape
        np.testing.assert_allclose(jf, jr, rtol=1e-6, atol=1e-6)


def _loop(rec, per_example):
    return np.stack([np.asarray(rec.fun(*a)) for a in per_example])


# in_axes: all 0; all -1; only the first argument mapped; all but the first (for one argument:
# none mapped, with axis_size, so the output is broadcast)
VMAP_MODES = ["axis0", "lastaxis", "first_only", "rest_only"]
VMAP_CASES = [pytest.param(*c.values, mode, id=f"{c.id}-{mode}") for c in CASES
              for mode in VMAP_MODES if not (mode == "first_only" and len(c.values[1]) == 1)]


@pytest.mark.parametrize("rec,shapes,mode", VMAP_CASES)
def test_vmap_matches_loop(rec, shapes, mode):
    n = len(shapes)
    if mode == "lastaxis":
        batched = make_args(rec, shapes, seed=1, trail=B)
        examples = [[a[..., b] for a in batched] for b in range(B)]
        out = fg.vmap(rec.fun, in_axes=-1)(*batched)
    else:
        batched = make_args(rec, shapes, seed=1, lead=B)
        single = make_args(rec, shapes, seed=2)
        mapped = {"axis0": [True] * n, "first_only": [True] + [False] * (n - 1),
                  "rest_only": [False] + [True] * (n - 1)}[mode]
        args = [b if m else s for b, s, m in zip(batched, single, mapped)]
        in_axes = tuple(0 if m else None for m in mapped)
        examples = [[a[b] if m else a for a, m in zip(args, mapped)] for b in range(B)]
        out = fg.vmap(rec.fun, in_axes=in_axes, axis_size=B)(*args)
    expected = _loop(rec, examples)
    assert out.shape == expected.shape and out.dtype == expected.dtype
    np.testing.assert_allclose(out, expected, rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("rec,shapes", DIFF_CASES)
def test_vmap_of_grad_matches_loop(rec, shapes):
    f = scalarize(rec, shapes)
    nums = float_argnums(make_args(rec, shapes))
    batched = make_args(rec, shapes, seed=3, lead=B)
    g = fg.vmap(fg.grad(f, argnums=nums))(*batched)
    for b in range(B):
        expected = fg.grad(f, argnums=nums)(*[a[b] for a in batched])
        for gb, e in zip(g, expected, strict=True):
            np.testing.assert_allclose(gb[b], e, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("rec,shapes", CASES)
def test_ir_checker_on_transformed_programs(rec, shapes):
    args = make_args(rec, shapes)
    nums = float_argnums(args)
    batched = make_args(rec, shapes, lead=B)
    fg.check_jaxpr(fg.make_jaxpr(fg.vmap(rec.fun))(*batched))
    if not nums:
        return
    f = scalarize(rec, shapes)
    fg.check_jaxpr(fg.make_jaxpr(fg.grad(f, argnums=nums))(*args))
    tangents = tuple(np.ones_like(a) if is_float(a.dtype) else None for a in args)

    def jvp_fun(*primals):
        return fg.jvp(rec.fun, primals, tangents)

    fg.check_jaxpr(fg.make_jaxpr(jvp_fun)(*args))
    if is_float(np.asarray(rec.fun(*args)).dtype):
        fg.check_jaxpr(fg.make_jaxpr(lambda *a: fg.vjp(rec.fun, *a)[1](rec.fun(*a)))(*args))
    _, _, lin = linearize_flat(rec.fun, args)
    fg.check_jaxpr(lin.jaxpr)
    if rec.differentiable:  # and the linear program computes the JVP
        _, f_jvp = fg.linearize(rec.fun, *args)
        _, expected = fg.jvp(rec.fun, tuple(args), tangents)
        lin_tangents = [np.zeros_like(a) if t is None else t for a, t in zip(args, tangents)]
        np.testing.assert_allclose(f_jvp(*lin_tangents), expected, rtol=1e-12)


# ---- the jit column: generated code equals eager evaluation bit for bit, in value and type


def assert_same(got, want, what):
    got_leaves, want_leaves = fg.tree_util.tree_leaves(got), fg.tree_util.tree_leaves(want)
    assert len(got_leaves) == len(want_leaves), what
    for g, w in zip(got_leaves, want_leaves, strict=True):
        assert type(g) is type(w), f"{what}: jit gives {type(g).__name__}, eager {type(w).__name__}"
        assert g.dtype == w.dtype and g.shape == w.shape, f"{what}: {g.dtype}{g.shape} vs {w.dtype}{w.shape}"
        np.testing.assert_array_equal(g, w, err_msg=what, strict=True)


@pytest.mark.parametrize("rec,shapes", CASES)
def test_jit_matches_eager(rec, shapes):
    args = make_args(rec, shapes)
    assert_same(fg.jit(rec.fun)(*args), rec.fun(*args), "jit(f)")
    batched = make_args(rec, shapes, seed=1, lead=B)
    assert_same(fg.jit(fg.vmap(rec.fun))(*batched), fg.vmap(rec.fun)(*batched), "jit(vmap(f))")


@pytest.mark.parametrize("rec,shapes", DIFF_CASES)
def test_jit_of_grad_matches_eager(rec, shapes):
    args = make_args(rec, shapes)
    nums = float_argnums(args)
    if not nums:
        return
    g = fg.grad(scalarize(rec, shapes), argnums=nums)
    assert_same(fg.jit(g)(*args), g(*args), "jit(grad(f))")


@pytest.fixture
def fusion_everywhere(monkeypatch):
    """Elementwise fusion (jit's numexpr kernels, fungrad._interp.passes.fuse) at every size,
    one operation making a group, on freshly compiled programs."""
    from fungrad._interp.passes import fuse
    monkeypatch.setattr(fuse, "MIN_BYTES", 1)
    monkeypatch.setattr(fuse, "MIN_OPS", 1)
    fg.clear_caches()
    yield
    fg.clear_caches()


@pytest.mark.parametrize("rec,shapes", CASES)
def test_fused_jit_matches_eager(rec, shapes, fusion_everywhere):
    args = make_args(rec, shapes)
    assert_same(fg.jit(rec.fun)(*args), rec.fun(*args), "fused jit(f)")
    batched = make_args(rec, shapes, seed=1, lead=B)
    assert_same(fg.jit(fg.vmap(rec.fun))(*batched), fg.vmap(rec.fun)(*batched),
                "fused jit(vmap(f))")
    nums = float_argnums(args)
    if rec.differentiable and nums:
        g = fg.grad(scalarize(rec, shapes), argnums=nums)
        assert_same(fg.jit(g)(*args), g(*args), "fused jit(grad(f))")


# ---- the jit column on 0-d float64 values: generated code computing with Python floats and `math`
# (fungrad._interp.scalar_emit), which falls back to the numpy code for non-finite values and
# math's errors; bit for bit (signed zeros, nan), in type, and with numpy's warnings

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 0.3, 1e-310, 5e-324, 1e308, -1e308, 700.0,
           -800.0, 1e22, np.inf, -np.inf, np.nan]
PAIR_VALUES = [0.0, -0.0, 1.0, -2.5, 0.5, 1e308, 5e-324, np.inf, -np.inf, np.nan]


def _scalar_cases():
    for rec in RECORDS:
        shapes = next((s for s in rec.shapes if all(x == () for x in s)), None)
        if shapes is None:
            continue
        rng = np.random.default_rng(0)
        if all(np.asarray(d(rng, ())).dtype == np.float64 for d in rec.domains):
            yield pytest.param(rec, shapes, id=rec.id)


SCALAR_CASES = list(_scalar_cases())


FAST = {"add", "sub", "mul", "div", "neg", "max", "min", "sin", "cos", "tan", "exp", "log",
        "log1p", "expm1", "sqrt", "pow", "integer_pow", "abs", "sign", "floor", "ceil", "round",
        "atan2", "rem", "lt", "eq", "select", "trunc", "copysign", "nextafter", "log2", "exp2"}


def _scalar_args(rec, shapes):
    """Special values for the primitives with Python-float code (FAST), the record's domains
    for the others (which call their impl; some of those iterate long on huge values)."""
    n = len(shapes)
    if rec.prim.name not in FAST:
        return [tuple(make_args(rec, shapes, seed=s)) for s in range(4)]
    if n == 1:
        return [(x,) for x in SPECIAL]
    if n == 2:
        return [(x, y) for x in PAIR_VALUES for y in PAIR_VALUES]
    rng = np.random.default_rng(5)
    return [tuple(rng.choice(PAIR_VALUES, n)) for _ in range(40)]


def _run(f, args):
    """(result or exception type, [(warning type, text)])."""
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = f(*args)
        except Exception as e:  # noqa: BLE001 - compared with the other mode's
            out = type(e)
    return out, [(w.category, str(w.message)) for w in caught]


def assert_bits(got, want, what, nan_bits=True):
    """assert_same, and equal bytes (0.0 and -0.0 differ; nan payloads too, if `nan_bits`)."""
    assert_same(got, want, what)
    for g, w in zip(fg.tree_util.tree_leaves(got), fg.tree_util.tree_leaves(want)):
        if nan_bits or not (np.isnan(g) and np.isnan(w)):
            assert g.tobytes() == w.tobytes(), f"{what}: jit gives {g!r}, eager {w!r}"


@pytest.mark.parametrize("rec,shapes", SCALAR_CASES)
def test_jit_of_scalars_matches_eager(rec, shapes):
    from fungrad._interp import scalar_emit
    jf = fg.jit(rec.fun)
    for args in _scalar_args(rec, shapes):
        args = [np.asarray(a, np.float64) for a in args]
        want, want_warnings = _run(rec.fun, args)
        got, got_warnings = _run(jf, args)
        what = f"jit({rec.id}){tuple(float(a) for a in args)}"
        if isinstance(want, type):
            assert got is want, f"{what}: eager raises {want.__name__}, jit gives {got!r}"
            continue
        assert_bits(got, want, what)
        assert got_warnings == want_warnings, what
    emit = rec.prim.emit
    ufunc = getattr(emit, "fn", np.power if rec.prim.name == "integer_pow" else None)
    if rec.prim.name in FAST and (ufunc not in scalar_emit._MATH or scalar_emit.math_agrees(ufunc)):
        # the Python-float code is what ran (where the program qualifies)
        program = fg.make_jaxpr(rec.fun)(*args)
        if scalar_emit.applies(program):
            assert "ArithmeticError" in jf.lower(*args).source, rec.id


@pytest.mark.parametrize("rec,shapes", [c for c in SCALAR_CASES if c.values[0].differentiable])
def test_jit_of_grad_of_scalars_matches_eager(rec, shapes):
    import warnings
    g = fg.grad(scalarize(rec, shapes), argnums=tuple(range(len(shapes))))
    jg = fg.jit(g)
    for args in _scalar_args(rec, shapes)[::2]:
        args = [np.asarray(a, np.float64) for a in args]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want, _ = _run(g, args)
            got, _ = _run(jg, args)
        what = f"jit(grad({rec.id})){tuple(float(a) for a in args)}"
        if isinstance(want, type):
            assert got is want, f"{what}: eager raises {want.__name__}, jit gives {got!r}"
        else:  # the sign of a nan may differ: the optimized program (numpy code, which runs
            # for non-finite values) orders operands otherwise than eager evaluation does
            # (x * nan vs nan * x), as it did before the Python-float code
            assert_bits(got, want, what, nan_bits=False)
