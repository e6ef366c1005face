"""Control flow: cond/switch/scan/while_loop/fori_loop/map under jvp, grad, vmap, jit and
make_jaxpr, on real programs (an RNN, an ODE integrator, a piecewise function)."""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import lax
from fungrad.errors import MissingRuleError  # noqa: F401  (public error types)
from fungrad.testing import check_grads


def fd(f, x, eps=1e-6):
    """Central finite difference of a scalar function of a scalar."""
    return (f(x + eps) - f(x - eps)) / (2 * eps)


# ---- cond / switch
def piecewise(x):
    idx = fnp.asarray(x > -1.0).astype(int) + fnp.asarray(x > 1.0).astype(int)
    return lax.switch(idx, [lambda y: -y ** 2, lambda y: fnp.sin(y) * 3.0, lambda y: fnp.exp(y)], x)


def piecewise_np(x):
    return -x ** 2 if x <= -1 else (np.sin(x) * 3 if x <= 1 else np.exp(x))


@pytest.mark.parametrize("x", [-2.0, 0.3, 2.0])
def test_switch_piecewise_value_grad_jvp(x):
    assert np.allclose(piecewise(x), piecewise_np(x))
    assert np.allclose(fg.grad(piecewise)(x), fd(piecewise_np, x), atol=1e-6)
    _, t = fg.jvp(piecewise, (x,), (2.0,))
    assert np.allclose(t, 2 * fd(piecewise_np, x), atol=1e-6)


def test_switch_vmap_batched_index_and_grad():
    xs = np.array([-2.0, 0.3, 2.0, -0.5])
    assert np.allclose(fg.vmap(piecewise)(xs), [piecewise_np(x) for x in xs])
    g = fg.vmap(fg.grad(piecewise))(xs)
    assert np.allclose(g, [fd(piecewise_np, x) for x in xs], atol=1e-6)
    g2 = fg.grad(lambda v: fg.vmap(piecewise)(v).sum())(xs)
    assert np.allclose(g, g2)


def test_switch_clamps_index():
    brs = [lambda x: x, lambda x: 2 * x]
    assert lax.switch(-3, brs, 1.0) == 1.0 and lax.switch(7, brs, 1.0) == 2.0
    assert np.allclose(fg.vmap(lambda i: lax.switch(i, brs, 1.0))(np.array([-1, 0, 1, 5])),
                       [1, 1, 2, 2])


def cond_fn(x, y):
    return lax.cond(x > 0, lambda a, b: fnp.sin(a) * b, lambda a, b: a * b ** 2, x, y)


def test_cond_all_transforms():
    for x in (0.7, -0.7):
        check_grads(cond_fn, (x, 1.3), order=2)
        assert np.allclose(fg.jit(cond_fn)(x, 1.3), cond_fn(x, 1.3))
        assert np.allclose(fg.jit(fg.grad(cond_fn))(x, 1.3), fg.grad(cond_fn)(x, 1.3))
        assert np.allclose(fg.grad(fg.jit(cond_fn))(x, 1.3), fg.grad(cond_fn)(x, 1.3))
    xs = np.array([0.7, -0.7, 0.1])
    out = fg.vmap(cond_fn, (0, None))(xs, 1.3)  # batched predicate: a select over both branches
    assert np.allclose(out, [cond_fn(x, 1.3) for x in xs])
    gs = fg.vmap(fg.grad(cond_fn, (0, 1)), (0, None))(xs, 1.3)
    assert np.allclose(gs[0], [fg.grad(cond_fn)(x, 1.3) for x in xs])


def test_cond_ir_nested_and_checked():
    j = fg.make_jaxpr(cond_fn)(0.5, 1.0)
    text = str(j)
    assert "cond[branches=(" in text and text.count("{ lambda") == 3
    fg.check_jaxpr(j)
    fg.check_jaxpr(fg.make_jaxpr(fg.grad(cond_fn))(0.5, 1.0))
    fg.check_jaxpr(fg.make_jaxpr(fg.vmap(cond_fn, (0, None)))(np.ones(3), 1.0))


def test_cond_branch_type_mismatch_names_output():
    with pytest.raises(TypeError, match=r"output 1 .*f64\[3\] in true_fun and f64\[2\] in false_fun"):
        lax.cond(True, lambda x: (x, fnp.ones(3)), lambda x: (x, fnp.ones(2)), 1.0)
    with pytest.raises(TypeError, match="tree structure"):
        lax.cond(True, lambda x: (x, x), lambda x: x, 1.0)


# ---- scan: an RNN whose gradient equals the unrolled one
def rnn_step(params, h, x):
    W, U, b = params
    return fnp.tanh(h @ W + x @ U + b)


def rnn_scan(params, h0, xs):
    def step(h, x):
        h = rnn_step(params, h, x)
        return h, fnp.sum(h ** 2)
    h, ys = lax.scan(step, h0, xs)
    return fnp.sum(h) + fnp.sum(ys)


def rnn_unrolled(params, h0, xs):
    h, total = h0, 0.0
    for t in range(xs.shape[0]):
        h = rnn_step(params, h, xs[t])
        total = total + fnp.sum(h ** 2)
    return fnp.sum(h) + total


@pytest.fixture
def rnn_data():
    rng = np.random.default_rng(1)
    params = (rng.standard_normal((4, 4)) * 0.5, rng.standard_normal((3, 4)) * 0.5,
              rng.standard_normal(4) * 0.1)
    return params, rng.standard_normal(4), rng.standard_normal((6, 3))


def test_rnn_scan_grad_equals_unrolled(rnn_data):
    params, h0, xs = rnn_data
    assert np.allclose(rnn_scan(params, h0, xs), rnn_unrolled(params, h0, xs))
    g1 = fg.grad(rnn_scan, (0, 1, 2))(params, h0, xs)
    g2 = fg.grad(rnn_unrolled, (0, 1, 2))(params, h0, xs)
    for a, b in zip(fg.tree_util.tree_leaves(g1), fg.tree_util.tree_leaves(g2)):
        assert np.allclose(a, b)
    gj = fg.jit(fg.grad(rnn_scan))(params, h0, xs)
    for a, b in zip(fg.tree_util.tree_leaves(gj), fg.tree_util.tree_leaves(g1[0])):
        assert np.allclose(a, b)


def test_rnn_scan_jvp_and_vmap(rnn_data):
    params, h0, xs = rnn_data
    t = (tuple(np.ones_like(p) for p in params), np.zeros(4), np.zeros((6, 3)))
    _, d1 = fg.jvp(rnn_scan, (params, h0, xs), t)
    _, d2 = fg.jvp(rnn_unrolled, (params, h0, xs), t)
    assert np.allclose(d1, d2)
    batch = np.stack([xs, xs * 0.5, -xs])  # a batch of sequences
    out = fg.vmap(rnn_scan, (None, None, 0))(params, h0, batch)
    assert np.allclose(out, [rnn_unrolled(params, h0, b) for b in batch])
    gb = fg.vmap(fg.grad(rnn_scan, 2), (None, None, 0))(params, h0, batch)
    assert np.allclose(gb[1], fg.grad(rnn_unrolled, 2)(params, h0, batch[1]))


def test_scan_reverse_mode_is_a_reverse_scan_not_unrolled(rnn_data):
    params, h0, _ = rnn_data
    sizes = []
    for n in (5, 50):
        xs = np.ones((n, 3))
        j = fg.make_jaxpr(fg.grad(rnn_scan))(params, h0, xs)
        fg.check_jaxpr(j)
        scans = [e for e in j.eqns if e.prim.name == "scan"]
        assert [e.params["reverse"] for e in scans] == [False, True]
        sizes.append(len(j.eqns))
    assert sizes[0] == sizes[1]  # the program does not grow with the number of steps


def test_scan_pytrees_reverse_and_length():
    def f(c, x):
        a, b = c["a"], c["b"]
        return {"a": a + x[0], "b": b * 2}, (a, x[1] * b)
    xs = (np.arange(4.0), np.ones(4))
    c, (ys_a, ys_b) = lax.scan(f, {"a": 0.0, "b": 1.0}, xs)
    assert c["a"] == 6.0 and c["b"] == 16.0
    assert np.allclose(ys_a, [0, 0, 1, 3]) and np.allclose(ys_b, [1, 2, 4, 8])
    c, ys = lax.scan(lambda c, x: (c + x, c), 0.0, np.arange(4.0), reverse=True)
    assert c == 6.0 and np.allclose(ys, [6, 5, 3, 0])
    c, ys = lax.scan(lambda c, _: (c * 2, c), 1.0, None, length=3)
    assert c == 8.0 and np.allclose(ys, [1, 2, 4])
    check_grads(lambda x: lax.scan(lambda c, x: (c * x, fnp.sin(c)), 1.0, x, reverse=True)[1],
                (np.array([0.5, 1.5, -1.0]),), order=2)


def test_scan_errors():
    with pytest.raises(TypeError, match=r"carry leaf 0 .* enters as i64\[\] and leaves as f64\[\]"):
        lax.scan(lambda c, x: (c + x, None), 0, np.ones(3))
    with pytest.raises(ValueError, match="different leading sizes"):
        lax.scan(lambda c, x: (c, None), 0.0, (np.ones(3), np.ones(4)))


def test_nested_scan_grad():
    def nested(w):
        def outer(c, _):
            c2, _ = lax.scan(lambda h, x: (fnp.sin(h * w), None), c, None, length=3)
            return c2, c2
        return lax.scan(outer, 0.5, None, length=4)[1].sum()
    assert np.allclose(fg.grad(nested)(0.7), fd(nested, 0.7), atol=1e-6)


def test_map():
    xs = np.arange(6.0).reshape(3, 2)
    assert np.allclose(lax.map(lambda r: fnp.sum(r ** 2), xs), [1, 13, 41])
    g = fg.grad(lambda x: fnp.sum(lax.map(lambda r: fnp.sin(r), x)))(xs)
    assert np.allclose(g, np.cos(xs))


# ---- fori_loop: an ODE integrator (RK4) differentiated against finite differences
def ode_final(k, y0=1.0, n=40, dt=0.05):
    f = lambda t, y: -k * y + fnp.sin(t)

    def step(i, y):
        t = i * dt
        k1 = f(t, y)
        k2 = f(t + dt / 2, y + dt / 2 * k1)
        k3 = f(t + dt / 2, y + dt / 2 * k2)
        k4 = f(t + dt, y + dt * k3)
        return y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)

    return lax.fori_loop(0, n, step, y0)


def test_ode_fori_loop_grad_vs_finite_differences():
    k = 0.8
    exact_ish = fd(lambda kk: float(ode_final(kk)), k)
    assert np.allclose(fg.grad(ode_final)(k), exact_ish, rtol=1e-6)
    assert np.allclose(fg.jvp(ode_final, (k,), (1.0,))[1], exact_ish, rtol=1e-6)
    ks = np.array([0.2, 0.8, 1.5])
    assert np.allclose(fg.vmap(fg.grad(ode_final))(ks), [fg.grad(ode_final)(x) for x in ks])
    assert np.allclose(fg.jit(fg.grad(ode_final))(k), exact_ish, rtol=1e-6)
    assert "scan" in str(fg.make_jaxpr(ode_final)(k))  # static bounds lower to scan


def test_fori_loop_traced_bounds_is_a_while_loop():
    f = lambda x, n: lax.fori_loop(0, n, lambda i, c: c * x, 1.0)
    assert np.allclose(fg.jvp(f, (2.0, 5), (1.0, None)), (32.0, 80.0))
    assert np.allclose(fg.vmap(f, (None, 0))(2.0, np.array([1, 2, 3])), [2, 4, 8])
    assert "while" in str(fg.make_jaxpr(f)(2.0, 5))


# ---- while_loop
def collatz_like(x):
    return lax.while_loop(lambda c: c[0] < 10.0, lambda c: (c[0] * 2.0 + 0.5, c[1] + 1), (x, 0))


def test_while_loop_values_jvp_vmap_jit():
    assert np.allclose(collatz_like(1.0)[0], 11.5) and collatz_like(1.0)[1] == 3
    _, (t, _) = fg.jvp(collatz_like, (1.0,), (1.0,))
    assert np.allclose(t, 8.0)
    ys, ns = fg.vmap(collatz_like)(np.array([1.0, 3.0, 20.0]))  # lanes stop at different steps
    assert np.allclose(ys, [11.5, 13.5, 20.0]) and list(ns) == [3, 2, 0]
    assert np.allclose(fg.jit(collatz_like)(1.0)[0], 11.5)
    assert np.allclose(fg.jacfwd(lambda x: collatz_like(x)[0])(3.0), 4.0)
    j = fg.make_jaxpr(collatz_like)(1.0)
    assert "while[body_jaxpr={ lambda" in str(j)
    fg.check_jaxpr(j)
    fg.check_jaxpr(fg.make_jaxpr(fg.vmap(collatz_like))(np.ones(3)))


def test_while_loop_reverse_mode_error_names_the_way_out():
    with pytest.raises(NotImplementedError, match=r"while_loop.*fori_loop.*scan.*custom_vjp"):
        fg.grad(lambda x: collatz_like(x)[0])(1.0)
    with pytest.raises(TypeError, match="cond_fun must return a boolean scalar"):
        lax.while_loop(lambda c: c, lambda c: c, 1.0)


# ---- a Newton solver with while_loop, differentiated by the implicit function theorem
@fg.custom_vjp
def cube_root_solve(a):
    """The x with x**3 + x = a, by Newton's method in a while_loop."""
    def body(c):
        x, _ = c
        x_new = x - (x ** 3 + x - a) / (3 * x ** 2 + 1)
        return x_new, fnp.abs(x_new - x)
    return lax.while_loop(lambda c: c[1] > 1e-12, body, (a * 0.0, a * 0.0 + 1.0))[0]


def _solve_fwd(a):
    x = cube_root_solve(a)
    return x, x


def _solve_bwd(x, g):
    # g(x, a) = x^3 + x - a = 0  =>  dx/da = -(dg/dx)^-1 dg/da = 1 / (3 x^2 + 1)
    return (g / (3 * x ** 2 + 1),)


cube_root_solve.defvjp(_solve_fwd, _solve_bwd)


def test_newton_while_loop_gradient_by_implicit_function_theorem():
    a = 3.0
    x = cube_root_solve(a)
    assert np.allclose(x ** 3 + x, a)
    assert np.allclose(fg.grad(cube_root_solve)(a), fd(lambda v: float(cube_root_solve(v)), a))
    loss = lambda a: fnp.sin(cube_root_solve(a)) * a
    assert np.allclose(fg.grad(loss)(a), fd(lambda v: float(loss(v)), a), atol=1e-6)
    as_ = np.array([0.5, 3.0, 10.0])
    g = fg.vmap(fg.grad(cube_root_solve))(as_)
    assert np.allclose(g, [fd(lambda v: float(cube_root_solve(v)), v) for v in as_], atol=1e-6)
    assert np.allclose(fg.jit(fg.grad(cube_root_solve))(a), g[1])
    assert np.allclose(fg.grad(lambda v: fnp.sum(fg.vmap(cube_root_solve)(v)))(as_), g)


@pytest.mark.parametrize("name", ["fungrad._api.control", "fungrad._api.custom"])
def test_docstring_examples(name):
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
