"""Elementwise fusion in jit (fungrad._interp.passes.fuse): fused code equals eager evaluation bit
for bit ("exact", the default) or within 4 ulp ("approx"); without numexpr, or with fuse=False,
the generated code is the unfused one; small programs are never fused.

Most tests force fusion at every size (the `forced` fixture lowers the thresholds), so that
they run on small arrays; `test_thresholds_keep_small_programs_unfused` checks the defaults.
"""
import numpy as np
import pytest

import fungrad as fg
import fungrad.lax as lax
import fungrad.numpy as fnp
from fungrad._interp.passes import fuse as F

numexpr = pytest.importorskip("numexpr", reason="fusion needs the fuse extra (numexpr)")


@pytest.fixture
def forced(monkeypatch):
    monkeypatch.setattr(F, "MIN_BYTES", 1)
    monkeypatch.setattr(F, "MIN_OPS", 2)


def bits_equal(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, got.shape,
                                                                  want.dtype, want.shape)
    if got.dtype.kind == "f":
        u = f"u{got.itemsize}"
        nan = np.isnan(got) & np.isnan(want)
        assert np.all(nan | (got.view(u) == want.view(u))), (got, want)
    else:
        np.testing.assert_array_equal(got, want, strict=True)


def fused_source(f, *args, **jit_kw):
    return fg.jit(f, **jit_kw).lower(*args).source


def special(dtype, shape, seed=0):
    """Random values with nan, inf, -inf, -0.0, 0.0 and subnormals among them."""
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    flat = x.reshape(-1)
    vals = [np.nan, np.inf, -np.inf, -0.0, 0.0, np.finfo(dtype).tiny / 8, 1.0, -1.0]
    flat[:len(vals)] = vals[:flat.size]
    return x


def chain(x, y):
    return ((x * y + 2.0) - x / 3.0) * y - (-x)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_float_chain_is_fused_and_bit_identical(forced, dtype):
    x, y = special(dtype, (7, 9)), special(dtype, (7, 9), seed=1)[::-1]
    src = fused_source(chain, x, y)
    assert "_fused" in src and "np.multiply" not in src, src
    with np.errstate(all="ignore"):
        want = chain(x, y)
        got = fg.jit(chain)(x, y)
        plain = fg.jit(chain, fuse=False)(x, y)
    assert got.dtype == np.dtype(dtype)
    bits_equal(got, want)
    bits_equal(got, plain)


@pytest.mark.parametrize("dtype", [np.int64, np.int32])
def test_int_chain_wraps_as_numpy(forced, dtype):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(2)
    x = rng.integers(info.min, info.max, size=(50,), dtype=dtype)
    y = rng.integers(-1000, 1000, size=(50,), dtype=dtype)
    x[:3] = [info.min, info.max, 0]

    def f(x, y):
        return -(x * y + x - 7) * y

    assert "_fused" in fused_source(f, x, y)
    bits_equal(fg.jit(f)(x, y), f(x, y))


def test_broadcasting_operands(forced):
    x = special(np.float64, (5, 1))
    y = special(np.float64, (4,), seed=3)
    z = special(np.float64, (5, 4), seed=4)

    def f(x, y, z):
        return (x * z + y) * z - x

    src = fused_source(f, x, y, z)
    assert "_fused" in src, src
    with np.errstate(all="ignore"):
        bits_equal(fg.jit(f)(x, y, z), f(x, y, z))


def test_where_comparisons_and_logic(forced):
    x, y = special(np.float64, (30,)), special(np.float64, (30,), seed=5)

    def f(x, y):
        keep = (x > y) | ((x <= 0.5) & ~(y == 1.0))
        return fnp.where(keep, x * y - 1.0, fnp.sqrt(fnp.abs(y)) + fnp.maximum(x, y))

    src = fused_source(f, x, y)
    assert "_fused" in src, src
    with np.errstate(all="ignore"):
        bits_equal(fg.jit(f)(x, y), f(x, y))


def test_float32_literals_keep_float32(forced):
    x = special(np.float32, (40,))

    def f(x):
        return (x * 0.1 + 1.0 / 3.0) * x

    with np.errstate(all="ignore"):
        got, want = fg.jit(f)(x), f(x)
    assert got.dtype == np.float32
    bits_equal(got, want)


def test_nonfinite_literals(forced):
    x = special(np.float64, (20,))

    def f(x):
        return fnp.where(x > 0, x * np.inf, x - (-0.0)) * 2.0

    with np.errstate(all="ignore"):
        bits_equal(fg.jit(f)(x), f(x))


def test_transcendental_functions_are_not_fused_by_default(forced):
    x = special(np.float64, (64,))

    def f(x):
        return fnp.tanh(x * 2.0 + 1.0) * x - fnp.exp(x)

    src = fg.jit(f).lower(x).annotated_source()
    assert "tanh(" not in src.split("def ")[0] and "exp(" not in src.split("def ")[0]
    with np.errstate(all="ignore"):
        bits_equal(fg.jit(f)(x), f(x))


def test_approx_mode_fuses_them_within_4_ulp(forced):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(300,)) * 4

    def f(x):
        return fnp.tanh(x * 2.0 + 1.0) * fnp.log1p(fnp.exp(-x))

    jf = fg.jit(f, fuse="approx")
    head = jf.lower(x).annotated_source().split("def ")[0]
    assert "tanh(" in head and "exp(" in head, head
    got, want = jf(x), f(x)
    assert got.dtype == want.dtype
    np.testing.assert_array_max_ulp(got, want, maxulp=4)


def test_fuse_false_and_missing_numexpr_give_todays_code(forced, monkeypatch):
    x, y = special(np.float64, (6, 6)), special(np.float64, (6, 6), seed=7)
    plain = fused_source(chain, x, y, fuse=False)
    assert "_fused" not in plain
    monkeypatch.setattr(F, "_numexpr_module", False)  # as if numexpr were not installed
    assert F.numexpr_module() is None
    fg.clear_caches()
    assert fused_source(chain, x, y) == plain
    with np.errstate(all="ignore"):
        bits_equal(fg.jit(chain)(x, y), chain(x, y))


def test_thresholds_keep_small_programs_unfused():
    x, y = np.ones((16, 32)), np.ones((16, 32))
    assert "_fused" not in fused_source(chain, x, y)  # defaults: small arrays stay numpy
    n = F.MIN_BYTES // 8
    big = np.linspace(-1.0, 1.0, n)
    src = fused_source(chain, big, big[::-1].copy())
    assert "_fused" in src
    bits_equal(fg.jit(chain)(big, big[::-1].copy()), chain(big, big[::-1].copy()))


def test_out_buffer_reused_in_place(forced):
    rng = np.random.default_rng(8)
    x, w = rng.normal(size=(20, 30)), rng.normal(size=(30, 30))

    def f(x, w):
        h = x @ w
        return (h * h + h) - 1.0

    src = fused_source(f, x, w)
    assert "out=" in src and "_fused" in src, src
    bits_equal(fg.jit(f)(x, w), f(x, w))


def test_no_out_buffer_that_an_operand_views(forced):
    # h dies into the fused call, but through its transpose: numexpr must not write into h
    rng = np.random.default_rng(9)
    x, w = rng.normal(size=(25, 25)), rng.normal(size=(25, 25))

    def f(x, w):
        h = x @ w
        t = h.T
        return (t * 2.0 + t) * 3.0

    bits_equal(fg.jit(f)(x, w), f(x, w))
    src = fused_source(f, x, w)
    assert "_fused" in src, src


def test_grad_and_vmap_under_jit(forced):
    rng = np.random.default_rng(10)
    w, xs, ys = rng.normal(size=8), rng.normal(size=(12, 8)), np.sign(rng.normal(size=12))

    def loss(w, x, y):
        z = -y * fnp.dot(x, w)
        return (z * z + 1.0) / (z * z + 2.0) - z

    pg = fg.vmap(fg.grad(loss), in_axes=(None, 0, 0))
    assert "_fused" in fused_source(pg, w, xs, ys)
    bits_equal(fg.jit(pg)(w, xs, ys), pg(w, xs, ys))
    g = fg.grad(lambda w: fnp.sum(loss(w, xs, ys)))
    bits_equal(fg.jit(g)(w), g(w))


def test_loop_bodies_are_fused(forced):
    x = special(np.float64, (10,))

    def f(x):
        return lax.fori_loop(0, 3, lambda i, c: (c * 0.5 + c) - 1.0, x)

    with np.errstate(all="ignore"):
        bits_equal(fg.jit(f)(x), f(x))
    assert "_fused" in fused_source(f, x)


def test_fused_primitive_impl_is_the_group(forced):
    x, y = special(np.float64, (9,)), special(np.float64, (9,), seed=11)
    closed = fg.jit(chain).lower(x, y).jaxpr
    fused = F.fuse(closed, F.EXACT)
    eqn, = [e for e in fused.jaxpr.eqns if e.prim is F.fused_p]
    env = dict(zip(closed.jaxpr.invars, (x, y)))
    args = [a.val if type(a).__name__ == "Literal" else env[a] for a in eqn.invars]
    with np.errstate(all="ignore"):
        bits_equal(F.fused_p.impl(*args, **eqn.params), chain(x, y))
        kernel = F.Kernel(eqn.params["expr"], [a.aval.dtype for a in eqn.invars])
        bits_equal(kernel(*args), chain(x, y))
    assert "numexpr kernel" in repr(kernel)


def test_bad_fuse_value():
    with pytest.raises(ValueError, match="fuse='exact'"):
        fg.jit(chain, fuse="fast")
    assert fg.jit(chain, fuse=True)._fuse == "exact"
    assert fg.jit(chain, fuse=None)._fuse is False


def test_fusion_modes_are_cached_apart(forced):
    x = np.linspace(-3.0, 3.0, 50)
    # x * (exp(2x) + 1): no cancellation, so exp's few ulp stay a few ulp (exp(2x) * x - x
    # amplified numexpr's 1-ulp exp to 8 ulp near x = 0.06 on an AVX-512 machine)
    f = lambda x: fnp.exp(x * 2.0) * x + x  # noqa: E731
    approx = fg.jit(f, fuse="approx")
    exact = fg.jit(f)
    off = fg.jit(f, fuse=False)
    assert "exp(" in approx.lower(x).annotated_source().split("def ")[0]
    assert "exp(" not in exact.lower(x).annotated_source().split("def ")[0]
    assert "_fused" not in off.lower(x).source
    bits_equal(exact(x), f(x))
    bits_equal(off(x), f(x))
    np.testing.assert_array_max_ulp(approx(x), f(x), maxulp=4)


def test_weak_python_scalars_take_the_array_dtype(forced):
    x32 = special(np.float32, (12,))
    i32 = np.arange(-6, 6, dtype=np.int32)

    def f(x):
        return (x * 2 + True) * x - 3

    with np.errstate(all="ignore"):
        for x in (x32, i32):
            got, want = fg.jit(f)(x), f(x)
            assert got.dtype == x.dtype
            bits_equal(got, want)
    assert "_fused" in fused_source(f, i32)
