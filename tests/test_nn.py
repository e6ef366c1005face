"""fungrad.nn and fungrad.nn.initializers: values and gradients against jax 0.10.2 (recorded
always, live when installed), gradients against finite differences, vmap == loop, jit == eager,
numerical stability at extreme inputs, and day-one JAX programs run with `import fungrad as
jax` and `import fungrad.numpy as jnp` and nothing else changed."""
import importlib.util
import json
import pathlib

import numpy as np
import pytest

import fungrad as fg
import fungrad.nn as nn
import fungrad.numpy as fnp
import fungrad.random as fr
from fungrad.testing import check_grads

HERE = pathlib.Path(__file__).parent
_spec = importlib.util.spec_from_file_location(
    "make_jax_random_golden", HERE / "references" / "make_jax_random_golden.py")
G = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(G)
GOLDEN = json.loads(G.GOLDEN.read_text())["nn"]


def value_and_weighted_grad(mod_nn, jnp, grad, fn, args, kwargs):
    f = getattr(mod_nn, fn)
    val = f(*args, **kwargs)
    w = G.nn_weights(np.shape(val))
    g = grad(lambda x: jnp.sum(f(x, *args[1:], **kwargs) * w))(jnp.asarray(args[0]))
    return np.asarray(val), np.asarray(g)


NN = [pytest.param(*c, id=c[0]) for c in G.NN_CASES]


@pytest.mark.parametrize("name,fn,args,kwargs,rtol", NN)
def test_values_and_gradients_against_recorded_jax(name, fn, args, kwargs, rtol):
    val, g = value_and_weighted_grad(nn, fnp, fg.grad, fn, args, kwargs)
    want, want_g = G.decode(GOLDEN[name]["value"]), G.decode(GOLDEN[name]["grad"])
    assert val.dtype == want.dtype and val.shape == want.shape
    np.testing.assert_allclose(val, want, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(g, want_g, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("name,fn,args,kwargs,rtol", NN)
def test_against_live_jax(name, fn, args, kwargs, rtol):
    jax = pytest.importorskip("jax", reason="jax is not installed: live comparison skipped "
                                            "(the recorded values are still checked)")
    jax.config.update("jax_enable_x64", True)
    val, g = value_and_weighted_grad(nn, fnp, fg.grad, fn, args, kwargs)
    want, want_g = value_and_weighted_grad(jax.nn, jax.numpy, jax.grad, fn, args, kwargs)
    np.testing.assert_allclose(val, want, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(g, want_g, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("name,fn,args,kwargs", G.NONDIFF_NN, ids=[c[0] for c in G.NONDIFF_NN])
def test_one_hot_against_recorded_jax(name, fn, args, kwargs):
    got = getattr(nn, fn)(*args, **kwargs)
    np.testing.assert_array_equal(got, G.decode(GOLDEN[name]["value"]), strict=True)


INITS = [pytest.param(*c, id=c[0]) for c in G.INIT_CASES]


def _init_value(module, ctor, ckw, shape, dt, key):
    return np.asarray(G.make_init(module, ctor, ckw)(key, shape, dt))


@pytest.mark.parametrize("name,ctor,ckw,shape,dt,check", INITS)
def test_initializers_against_recorded_jax(name, ctor, ckw, shape, dt, check):
    got = _init_value(nn.initializers, ctor, ckw, shape, dt, fr.PRNGKey(7))
    want = G.decode(GOLDEN[name]["value"])
    assert got.dtype == want.dtype and got.shape == want.shape
    if check == "exact":
        np.testing.assert_array_equal(got, want, strict=True)
    else:
        np.testing.assert_allclose(got, want, rtol=check, atol=check)


@pytest.mark.parametrize("name,ctor,ckw,shape,dt,check", INITS)
def test_initializers_against_live_jax(name, ctor, ckw, shape, dt, check):
    jax = pytest.importorskip("jax", reason="jax is not installed: live comparison skipped")
    jax.config.update("jax_enable_x64", True)
    got = _init_value(nn.initializers, ctor, ckw, shape, dt, fr.PRNGKey(3))
    want = _init_value(jax.nn.initializers, ctor, ckw, shape, dt, jax.random.PRNGKey(3))
    np.testing.assert_allclose(got, want, rtol=0 if check == "exact" else check,
                               atol=0 if check == "exact" else check)


def test_initializer_properties():
    w = np.asarray(nn.initializers.he_normal()(fr.PRNGKey(0), (400, 300)))
    assert abs(w.std() - np.sqrt(2 / 400)) < 0.03 * np.sqrt(2 / 400)
    u = np.asarray(nn.initializers.glorot_uniform()(fr.PRNGKey(0), (200, 300)))
    assert np.abs(u).max() <= np.sqrt(6 / 500)
    q = np.asarray(nn.initializers.orthogonal()(fr.PRNGKey(0), (5, 3)))
    np.testing.assert_allclose(q.T @ q, np.eye(3), atol=1e-12)
    with pytest.raises(ValueError, match="in_axis"):
        nn.initializers.lecun_normal()(fr.PRNGKey(0), (5,))
    with pytest.raises(ValueError, match="invalid mode"):
        nn.initializers.variance_scaling(1.0, "fan_x", "normal")


# ---- table-driven transform checks: finite differences, vmap == loop, jit == eager
XSMOOTH = np.array([-2.3, -0.6, 0.4, 1.7, 3.1])   # away from every kink
M = np.random.default_rng(3).standard_normal((3, 4))


def _elementwise(name):
    return lambda x: getattr(nn, name)(x)


FUNS = {n: (_elementwise(n), XSMOOTH) for n in G.ELEMENTWISE}
FUNS.update({
    "gelu-exact": (lambda x: nn.gelu(x, approximate=False), XSMOOTH),
    "elu-alpha": (lambda x: nn.elu(x, 0.5), XSMOOTH),
    "celu-alpha": (lambda x: nn.celu(x, 2.0), XSMOOTH),
    "leaky_relu": (lambda x: nn.leaky_relu(x, 0.2), XSMOOTH),
    "log1mexp": (nn.log1mexp, np.array([0.1, 0.5, 0.9, 3.0])),
    "softmax": (nn.softmax, M),
    "softmax-axis0": (lambda x: nn.softmax(x, axis=0), M),
    "log_softmax": (nn.log_softmax, M),
    "logsumexp": (nn.logsumexp, M),
    "logsumexp-axis": (lambda x: nn.logsumexp(x, axis=1), M),
    "logsumexp-b": (lambda x: nn.logsumexp(x, axis=1, b=np.array([1.0, 2.0, 0.5, 1.0])), M),
    "logmeanexp": (lambda x: nn.logmeanexp(x, axis=0), M),
    "standardize": (nn.standardize, M),
    "glu": (nn.glu, M),
    "attention": (lambda q: nn.dot_product_attention(q, G.K[0, :, :1].astype(np.float64),
                                                     G.V[0, :, :1].astype(np.float64)),
                  G.Q[0, :, :2, :].astype(np.float64)),
})
# relu6/hard_* have kinks at +-3, 0, 6: XSMOOTH avoids them
FUN_IDS = list(FUNS)


@pytest.mark.parametrize("name", FUN_IDS)
def test_gradients_against_finite_differences(name):
    f, x = FUNS[name]
    check_grads(f, (x,), order=2, eps=1e-5, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name", FUN_IDS)
def test_vmap_equals_loop(name):
    f, x = FUNS[name]
    xb = np.stack([x * (1 + 0.1 * i) for i in range(3)])
    got = fg.vmap(f)(xb)
    want = np.stack([np.asarray(f(xi)) for xi in xb])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", FUN_IDS)
def test_jit_equals_eager(name):
    f, x = FUNS[name]
    got, want = fg.jit(f)(x), f(x)
    if name == "identity":
        # jit's program is the identity, which returns its numpy argument itself (fungrad.torch
        # relies on that identity), while eager fnp.asarray gives a fungrad.Array view of it
        assert got is x and type(want) is fg.Array and got.dtype == want.dtype
    else:
        assert type(got) is type(want) is fg.Array and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want, strict=True)
    g = fg.grad(lambda x: fnp.sum(f(x)))
    np.testing.assert_array_equal(fg.jit(g)(x), g(x), strict=True)


def test_derivative_conventions_at_kinks():
    assert fg.grad(nn.relu)(0.0) == 0.0
    assert fg.grad(nn.relu6)(0.0) == 0.0 and fg.grad(nn.relu6)(6.0) == 0.0
    assert fg.grad(nn.hard_tanh)(1.0) == 1.0
    assert fg.grad(nn.leaky_relu)(0.0) == 1.0
    assert fg.grad(fg.grad(nn.relu))(1.0) == 0.0


def test_softplus_higher_derivatives_at_zero():
    # max(x, 0) + log1p(exp(-|x|)) has kinks at 0 that cancel in the value; differentiating the
    # formula made every second derivative 0 there (the Hessian of a logistic loss at theta = 0)
    xs = np.array([-2.0, 0.0, 0.5])
    s = 1 / (1 + np.exp(-xs))
    d2, d3 = fg.grad(fg.grad(nn.softplus)), fg.grad(fg.grad(fg.grad(nn.softplus)))
    np.testing.assert_allclose(fg.vmap(d2)(xs), s * (1 - s), rtol=1e-12)
    np.testing.assert_allclose(fg.vmap(d3)(xs), s * (1 - s) * (1 - 2 * s), rtol=1e-12, atol=1e-15)
    assert fg.grad(fg.grad(nn.log_sigmoid))(0.0) == -0.25
    X = np.random.default_rng(0).standard_normal((6, 3))
    H = fg.hessian(lambda t: -fnp.mean(nn.log_sigmoid(X @ t)))(np.zeros(3))
    np.testing.assert_allclose(H, X.T @ X / 24, rtol=1e-12)
    np.testing.assert_allclose(fg.jit(fg.hessian(lambda t: fnp.sum(nn.softplus(X @ t))))(np.zeros(3)),
                               X.T @ X / 4, rtol=1e-12)


def test_numerical_stability():
    big = np.array([-1000.0, -50.0, 50.0, 1000.0])
    np.testing.assert_allclose(nn.log_sigmoid(big), [-1000.0, -50.0, -np.exp(-50.0), 0.0],
                               rtol=1e-12)
    np.testing.assert_allclose(nn.softplus(big), [0.0, np.exp(-50.0), 50.0, 1000.0],
                               rtol=1e-12)
    np.testing.assert_allclose(fg.grad(lambda x: fnp.sum(nn.log_sigmoid(x)))(big),
                               [1.0, 1.0, np.exp(-50.0), 0.0], rtol=1e-12)
    s = nn.softmax(np.array([1000.0, 1000.0, -1000.0]))
    np.testing.assert_allclose(s, [0.5, 0.5, 0.0])
    assert nn.logsumexp(np.array([-np.inf, -np.inf])) == -np.inf
    np.testing.assert_allclose(nn.logsumexp(np.array([1e308, 1e308])), 1e308 + np.log(2))
    assert np.isfinite(nn.log1mexp(np.array([1e-20]))).all()
    assert np.all(np.isfinite(nn.sigmoid(big)))
    np.testing.assert_allclose(nn.log_softmax(np.array([0.0, -800.0])), [0.0, -800.0])


def test_one_hot_and_attention_shapes():
    oh = nn.one_hot(np.array([1, 0]), 3, dtype=np.float32)
    assert oh.dtype == np.float32 and oh.tolist() == [[0, 1, 0], [1, 0, 0]]
    with pytest.raises(ValueError, match="multiple"):
        nn.dot_product_attention(G.Q, G.K[:, :, :1].repeat(3, 2), G.V[:, :, :1].repeat(3, 2))
    with pytest.raises(ValueError, match="even"):
        nn.glu(np.ones((2, 3)))


# ---- day-one programs, as a JAX user writes them (only the imports changed)
import fungrad as jax  # noqa: E402
import fungrad.numpy as jnp  # noqa: E402


def test_day_one_mlp_trained_with_jit_and_value_and_grad():
    def init_params(key, sizes):
        params = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            key, wkey = jax.random.split(key)
            w = jax.nn.initializers.glorot_normal()(wkey, (n_in, n_out))
            params.append((w, jnp.zeros(n_out)))
        return params

    def predict(params, x):
        for w, b in params[:-1]:
            x = jax.nn.relu(x @ w + b)
        w, b = params[-1]
        return x @ w + b

    def loss(params, x, y):
        return jnp.mean((predict(params, x) - y) ** 2)

    @jax.jit
    def step(params, x, y):
        value, grads = jax.value_and_grad(loss)(params, x, y)
        return value, [(w - 0.05 * gw, b - 0.05 * gb) for (w, b), (gw, gb) in zip(params, grads)]

    key = jax.random.PRNGKey(0)
    key, xkey = jax.random.split(key)
    x = jax.random.uniform(xkey, (128, 1), minval=-2.0, maxval=2.0)
    y = jnp.sin(x)
    params = init_params(key, [1, 32, 32, 1])
    first, _ = step(params, x, y)
    for _ in range(300):
        value, params = step(params, x, y)
    assert value < 0.1 * first and value < 0.02


def test_day_one_per_example_gradients_with_log_softmax_and_vmap():
    key = jax.random.PRNGKey(1)
    kw, kx, ky = jax.random.split(key, 3)
    w = jax.random.normal(kw, (5, 3)) * 0.1
    x = jax.random.normal(kx, (8, 5))
    labels = jax.random.randint(ky, (8,), 0, 3)

    def loss(w, x, label):
        logp = jax.nn.log_softmax(x @ w)
        return -jnp.sum(jax.nn.one_hot(label, 3) * logp)

    per_example = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(w, x, labels)
    assert per_example.shape == (8, 5, 3)
    loop = np.stack([jax.grad(loss)(w, x[i], labels[i]) for i in range(8)])
    np.testing.assert_allclose(per_example, loop, rtol=1e-12)
    total = jax.grad(lambda w: jnp.sum(jax.vmap(loss, in_axes=(None, 0, 0))(w, x, labels)))(w)
    np.testing.assert_allclose(per_example.sum(0), total, rtol=1e-12)
    # the analytic gradient of softmax cross-entropy: x^T (softmax - onehot)
    p = jax.nn.softmax(x @ w)
    np.testing.assert_allclose(total, x.T @ (p - jax.nn.one_hot(labels, 3)), rtol=1e-12)


def test_day_one_scan_rnn_with_random_init():
    key = jax.random.PRNGKey(2)
    k1, k2, k3, k4 = jax.random.split(key, 4)
    hidden, steps = 8, 12
    params = {"wx": jax.random.normal(k1, (1, hidden)) * 0.5,
              "wh": jax.nn.initializers.orthogonal()(k2, (hidden, hidden)) * 0.9,
              "wo": jax.random.normal(k3, (hidden, 1)) * 0.3}
    xs = jax.random.normal(k4, (steps, 1))
    target = jnp.cumsum(xs[:, 0]) * 0.2 if hasattr(jnp, "cumsum") else \
        np.cumsum(np.asarray(xs)[:, 0]) * 0.2

    def loss(params):
        def cell(h, x):
            h = jnp.tanh(x @ params["wx"] + h @ params["wh"])
            return h, (h @ params["wo"])[0]
        _, ys = jax.lax.scan(cell, jnp.zeros(hidden), xs)
        return jnp.mean((ys - target) ** 2)

    grad_fn = jax.jit(jax.value_and_grad(loss))
    first, _ = grad_fn(params)
    for _ in range(200):
        value, g = grad_fn(params)
        params = jax.tree_util.tree_map(lambda p, g: p - 0.1 * g, params, g)
    assert value < 0.5 * first
    check_grads(loss, (params,), order=1, eps=1e-6, atol=1e-5, rtol=1e-5)


def test_covers_jax_nn_names():
    names = json.loads(G.GOLDEN.read_text())["names"]
    fp8 = {"get_scaled_dot_general_config", "scaled_dot_general", "scaled_matmul"}
    assert set(names["nn"]) - set(dir(nn)) <= fp8   # microscaled FP8 matmuls: no numpy analogue
    assert set(names["initializers"]) <= set(dir(nn.initializers))


def test_squareplus_logmeanexp_and_empty_softmax_edges():
    """Found by a differential sweep against jax.nn: squareplus overflowed (x*x) and cancelled
    (x + sqrt(x^2 + b) for x << 0), giving inf at 1e308, 0 at -1e308 and a derivative of 1/2 at
    both ends; logmeanexp of float32 was float64; logsumexp/softmax/log_softmax/logmeanexp of an
    empty axis raised numpy's zero-size reduction error (JAX: -inf, [], [], NaN). Expected
    values: (x + sqrt(x^2 + 4)) / 2 and its derivative to 60 digits (mpmath)."""
    import warnings
    xs = np.array([-1e308, -1e10, -800.0, -1.0, 0.0, 1.0, 800.0, 1e10, 1e308])
    want = [1e-308, 1e-10, 0.001249998046881103, 0.6180339887498949, 1.0, 1.618033988749895,
            800.0012499980469, 1e10, 1e308]
    dwant = [0.0, 1e-20, 1.562492675819397e-06, 0.276393202250021, 0.5, 0.7236067977499789,
             0.9999984375073242, 1.0, 1.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(nn.squareplus(xs), want, rtol=1e-15)
        np.testing.assert_allclose(fg.vmap(fg.grad(nn.squareplus))(xs), dwant, rtol=1e-14)
        np.testing.assert_allclose(fg.jit(nn.squareplus)(xs), want, rtol=1e-15)
    assert nn.squareplus(np.array([1.0, -1.0], np.float32)).dtype == np.float32
    np.testing.assert_allclose(nn.squareplus(np.array([1.0, 2.0]), b=1.0),
                               (np.array([1.0, 2.0]) + np.sqrt([2.0, 5.0])) / 2, rtol=1e-15)
    assert nn.logmeanexp(np.zeros(3, np.float32)).dtype == np.float32
    np.testing.assert_allclose(nn.logmeanexp(np.array([0.0, np.log(3.0)])), np.log(2.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nn.logsumexp(np.zeros(0)) == -np.inf
        assert np.isnan(nn.logmeanexp(np.zeros(0)))
        assert nn.softmax(np.zeros(0)).shape == (0,)
        assert nn.log_softmax(np.zeros((2, 0))).shape == (2, 0)
