"""Control flow under jit: cond/switch, scan (fori_loop), while_loop and the custom-rule and
checkpoint primitives become native `if`/`for`/`while` around generated sub-program functions,
never an interpreter fallback, and compute exactly what eager evaluation does."""
import re

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp

rng = np.random.default_rng(5)
H = 4
W = rng.normal(size=(H, H)) / 2
U = rng.normal(size=(H, H)) / 2
XS = rng.normal(size=(6, H))
H0 = rng.normal(size=H)

# an impl bound as a global is named `_<primitive>_<n>` in generated code
FALLBACK = re.compile(r"\b_(scan|cond|while|custom_jvp_call|custom_vjp_call|checkpoint)_\d+\(")


def rnn(W, U, h0, xs, reverse=False):
    def step(h, x):
        h = fnp.tanh(h @ W + x @ U)
        return h, fnp.sum(h * h)
    h, ys = fg.lax.scan(step, h0, xs, reverse=reverse)
    return fnp.sum(h) + fnp.sum(ys * fnp.arange(ys.shape[0]))


def ode(y0, k):
    """Explicit Euler for dy/dt = -k * y * |y| over 20 steps (fori_loop with static bounds)."""
    return fg.lax.fori_loop(0, 20, lambda i, y: y - 0.05 * k * y * fnp.abs(y), y0)


def newton_sqrt(a):
    return fg.lax.while_loop(lambda x: fnp.abs(x * x - a) > 1e-10,
                             lambda x: x - (x * x - a) / (2.0 * x), a + 1.0)


def piecewise(i, x):
    return fg.lax.switch(i, [fnp.sin, lambda x: x * x, lambda x: fnp.exp(-x)], x)


def source(f, *args):
    return fg.jit(f).lower(*args).source


def check_no_fallback(src):
    assert not FALLBACK.search(src), src


def equal(a, b):
    for x, y in zip(np.atleast_1d(a) if not isinstance(a, tuple) else a,
                    np.atleast_1d(b) if not isinstance(b, tuple) else b):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_rnn_is_a_for_loop_and_exact(reverse):
    f = lambda *a: rnn(*a, reverse=reverse)
    src = source(f, W, U, H0, XS)
    assert "for " in src and "range(" in src
    check_no_fallback(src)
    equal(fg.jit(f)(W, U, H0, XS), f(W, U, H0, XS))
    g = fg.grad(f, argnums=(0, 1, 2))
    gsrc = source(g, W, U, H0, XS)
    check_no_fallback(gsrc)
    assert gsrc.count("for ") >= 2  # forward scan and reverse (transposed) scan
    equal(fg.jit(g)(W, U, H0, XS), g(W, U, H0, XS))
    equal(fg.grad(fg.jit(f), argnums=(0, 1, 2))(W, U, H0, XS), g(W, U, H0, XS))
    v = fg.vmap(f, in_axes=(None, None, 0, None))
    h0s = rng.normal(size=(3, H))
    equal(fg.jit(v)(W, U, h0s, XS), v(W, U, h0s, XS))


def test_scan_with_zero_length_and_no_carry():
    f = lambda xs: fg.lax.map(lambda x: x * 2.0, xs)
    for xs in (np.zeros((0, 3)), XS):
        equal(fg.jit(f)(xs), f(xs))
    g = lambda c: fg.lax.scan(lambda c, _: (c * 2.0, None), c, None, length=0)[0]
    equal(fg.jit(g)(1.5), g(1.5))


def test_fori_loop_ode():
    y0, k = np.array([1.0, -0.5, 2.0]), 0.7
    check_no_fallback(source(ode, y0, k))
    assert "for " in source(ode, y0, k)
    equal(fg.jit(ode)(y0, k), ode(y0, k))
    g = fg.grad(lambda y0, k: fnp.sum(ode(y0, k)), argnums=(0, 1))
    equal(fg.jit(g)(y0, k), g(y0, k))
    v = fg.vmap(ode, in_axes=(0, None))
    ys = rng.normal(size=(5, 3))
    equal(fg.jit(v)(ys, k), v(ys, k))


def test_while_loop_newton():
    src = source(newton_sqrt, 2.0)
    assert "while " in src
    check_no_fallback(src)
    equal(fg.jit(newton_sqrt)(2.0), newton_sqrt(2.0))
    np.testing.assert_allclose(fg.jit(newton_sqrt)(2.0), np.sqrt(2.0))
    # a batched predicate: every lane runs until all are done
    v = fg.vmap(newton_sqrt)
    a = np.array([0.5, 2.0, 9.0, 100.0])
    equal(fg.jit(v)(a), v(a))
    jv = fg.jvp(newton_sqrt, (2.0,), (1.0,))
    equal(fg.jit(lambda a, t: fg.jvp(newton_sqrt, (a,), (t,)))(2.0, 1.0), jv)


def test_while_loop_newton_with_custom_vjp_gradient():
    @fg.custom_vjp
    def sqrt(a):
        return newton_sqrt(a)

    sqrt.defvjp(lambda a: (sqrt(a), sqrt(a)), lambda r, ct: (ct / (2.0 * r),))
    g = fg.grad(sqrt)
    src = source(g, 2.0)
    assert "while " in src
    check_no_fallback(src)
    equal(fg.jit(g)(2.0), g(2.0))
    np.testing.assert_allclose(fg.jit(g)(2.0), 0.5 / np.sqrt(2.0))
    a = np.array([0.5, 2.0, 9.0])
    equal(fg.jit(fg.vmap(g))(a), fg.vmap(g)(a))


@pytest.mark.parametrize("i", [-1, 0, 1, 2, 5])
def test_switch_is_an_if_chain(i):
    src = source(piecewise, i, 0.3)
    assert "if " in src and "elif " in src and "else:" in src
    check_no_fallback(src)
    equal(fg.jit(piecewise)(i, 0.3), piecewise(i, 0.3))
    g = fg.grad(piecewise, argnums=1)
    equal(fg.jit(g)(i, 0.3), g(i, 0.3))
    v = fg.vmap(piecewise, in_axes=(None, 0))
    xs = np.linspace(-1, 1, 5)
    equal(fg.jit(v)(i, xs), v(i, xs))


def test_cond_batched_predicate_and_grad():
    f = lambda x: fg.lax.cond(x > 0, lambda x: fnp.sin(x) * x, lambda x: -x * x * x, x)
    xs = np.linspace(-2, 2, 7)
    for fn in (fg.vmap(f), fg.vmap(fg.grad(f)), fg.grad(lambda x: fnp.sum(fg.vmap(f)(x)))):
        check_no_fallback(source(fn, xs))
        equal(fg.jit(fn)(xs), fn(xs))


def test_nested_control_flow():
    def f(x, n):
        def outer(c, i):
            c = fg.lax.cond(i % 2 == 0, lambda c: c * 1.1, lambda c: fnp.sin(c), c)
            c = fg.lax.fori_loop(0, 3, lambda j, c: c + 0.1 * fnp.cos(c), c)
            return c, fnp.sum(c)
        return fg.lax.scan(outer, x, fnp.arange(n))
    x = rng.normal(size=3)
    src = source(lambda x: f(x, 5), x)
    check_no_fallback(src)
    assert src.count("for ") >= 2 and "if " in src
    equal(fg.jit(lambda x: f(x, 5))(x), f(x, 5))
    g = fg.grad(lambda x: fnp.sum(f(x, 5)[1]))
    equal(fg.jit(g)(x), g(x))


def test_custom_rules_and_checkpoint_call_generated_functions():
    @fg.custom_jvp
    def log1pexp(x):
        return fnp.log(1.0 + fnp.exp(x))

    log1pexp.defjvp(lambda p, t: (log1pexp(p[0]), t[0] / (1.0 + fnp.exp(-p[0]))))

    def f(x):
        y = fg.checkpoint(lambda x: fnp.sin(fnp.sin(x)))(x)
        return fnp.sum(log1pexp(y * 3.0))

    x = np.array([0.1, -2.0, 40.0])
    xb = np.stack([x, -x])
    for fn, a in ((f, x), (fg.grad(f), x), (fg.vmap(fg.grad(f)), xb)):
        check_no_fallback(source(fn, a))
        equal(fg.jit(fn)(a), fn(a))
    assert np.all(np.isfinite(fg.jit(fg.grad(f))(x)))
    src = source(f, x)
    assert "custom_jvp_" in src and "checkpoint_" in src


def test_rnn_source_reads_like_a_loop():
    src = source(rnn, W, U, H0, XS)
    assert "def scan_body_" in src
    assert re.search(r"for i_\d+ in range\(6\):", src)
    assert "np.empty((6,), 'float64')" in src


def test_literal_operands_and_results_reach_sub_programs_as_arrays():
    def f(x):
        body = lambda c, x: (np.float64(2.0), fnp.sum(fnp.reshape(c, (1,))) + x)
        return fg.lax.scan(body, 1.0, x)
    x = np.ones(3)
    equal(fg.jit(f)(x), f(x))
    w = lambda: fg.lax.while_loop(lambda c: fnp.reshape(c, (1,))[0] < 5.0, lambda c: c + 1.0, 0.0)
    equal(fg.jit(w)(), w())
