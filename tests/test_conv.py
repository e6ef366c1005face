"""Convolution and pooling: lax.conv_general_dilated (strides, SAME/VALID/explicit padding, lhs
and rhs dilation, feature and batch groups, dimension numbers), conv, conv_transpose,
reduce_window (sum/max/min), fnp.convolve/correlate and fungrad.scipy.signal: values against JAX
(golden file + live) and numpy/scipy, derivatives against finite differences (order 2), vmap
against a loop, jit against eager; a small CNN trained for 100 steps."""
import json
import pathlib

import numpy as np
import pytest
import scipy.signal

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import lax
from fungrad.scipy import signal as fsig
from fungrad.testing import check_grads

REF = pathlib.Path(__file__).parent / "references" / "conv_jax.json"


def _arr(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


# name -> (lhs shape, rhs shape, keyword arguments of conv_general_dilated)
CONV_CASES = {
    "valid": ((2, 3, 6, 5), (4, 3, 3, 2), dict(window_strides=(1, 1), padding="VALID")),
    "same-strided": ((2, 3, 7, 6), (4, 3, 3, 3), dict(window_strides=(2, 2), padding="SAME")),
    "same-lower": ((1, 2, 6, 6), (3, 2, 2, 3), dict(window_strides=(2, 1), padding="SAME_LOWER")),
    "explicit-neg": ((2, 2, 6, 5), (3, 2, 2, 2),
                     dict(window_strides=(1, 2), padding=((2, 1), (-1, 1)))),
    "lhs-dilation": ((1, 2, 4, 5), (2, 2, 3, 2),
                     dict(window_strides=(1, 1), padding=((2, 2), (1, 0)), lhs_dilation=(2, 3))),
    "rhs-dilation": ((2, 2, 8, 7), (3, 2, 3, 2),
                     dict(window_strides=(1, 1), padding="SAME", rhs_dilation=(2, 3))),
    "groups": ((2, 4, 5, 5), (6, 2, 3, 3),
               dict(window_strides=(1, 1), padding="SAME", feature_group_count=2)),
    "depthwise": ((1, 3, 5, 4), (3, 1, 2, 2),
                  dict(window_strides=(1, 1), padding="VALID", feature_group_count=3)),
    "batch-groups": ((4, 2, 5, 5), (6, 2, 3, 3),
                     dict(window_strides=(1, 1), padding="VALID", batch_group_count=2)),
    "nhwc-hwio": ((2, 6, 5, 3), (3, 2, 3, 4),
                  dict(window_strides=(1, 1), padding="SAME",
                       dimension_numbers=("NHWC", "HWIO", "NHWC"))),
    "mixed-layouts": ((2, 3, 6, 5), (2, 3, 3, 4),
                      dict(window_strides=(2, 1), padding="SAME",
                           dimension_numbers=("NCHW", "HWIO", "NHWC"))),
    "permuted-spatial": ((2, 7, 6, 3), (2, 3, 3, 4),
                         dict(window_strides=(2, 1), padding=((1, 0), (0, 2)),
                              dimension_numbers=("NHWC", "WHIO", "NWHC"))),
    "1d": ((2, 3, 9), (4, 3, 3), dict(window_strides=(2,), padding="SAME")),
    "3d": ((1, 2, 4, 4, 3), (2, 2, 2, 2, 2), dict(window_strides=(1, 1, 1), padding="VALID")),
}
TRANSPOSE_CASES = {
    "same": ((1, 4, 4, 2), (3, 3, 2, 3), dict(strides=(2, 2), padding="SAME")),
    "valid": ((1, 4, 4, 2), (3, 3, 2, 3), dict(strides=(2, 2), padding="VALID")),
    "explicit-flip": ((2, 3, 4, 2), (2, 3, 3, 2),
                      dict(strides=(2, 1), padding=((1, 2), (0, 1)), transpose_kernel=True)),
}
POOL_CASES = {
    "max-2x2": ("max", -np.inf, dict(window_dimensions=(1, 1, 2, 2), window_strides=(1, 1, 2, 2),
                                     padding="VALID")),
    "max-3x3-same": ("max", -np.inf, dict(window_dimensions=(1, 1, 3, 3),
                                          window_strides=(1, 1, 2, 2), padding="SAME")),
    "sum-dilated": ("sum", 0.0, dict(window_dimensions=(1, 2, 3, 2), window_strides=(1, 1, 1, 2),
                                     padding=((0, 0), (1, 0), (1, 1), (0, 1)),
                                     base_dilation=(1, 1, 2, 1), window_dilation=(1, 1, 1, 2))),
    "min-2x2": ("min", np.inf, dict(window_dimensions=(1, 1, 2, 2), window_strides=(1, 1, 1, 1),
                                    padding="SAME")),
}
POOL_SHAPE = (2, 3, 6, 5)


def _conv(name):
    ls, rs, kw = CONV_CASES[name]
    return (lambda x, w: lax.conv_general_dilated(x, w, **kw)), (_arr(ls, 1), _arr(rs, 2))


def _convT(name):
    ls, rs, kw = TRANSPOSE_CASES[name]
    kw = dict(kw, dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return (lambda x, w: lax.conv_transpose(x, w, **kw)), (_arr(ls, 3), _arr(rs, 4))


def _pool(name):
    comp, init, kw = POOL_CASES[name]
    return (lambda x: lax.reduce_window(x, init, comp, **kw)), (_arr(POOL_SHAPE, 5),)


ALL = ([("conv-" + k, _conv, k) for k in CONV_CASES]
       + [("convT-" + k, _convT, k) for k in TRANSPOSE_CASES]
       + [("pool-" + k, _pool, k) for k in POOL_CASES])
IDS = [a[0] for a in ALL]


def test_values_match_jax_golden():
    gold = json.loads(REF.read_text())
    for name, make, key in ALL:
        f, args = make(key)
        np.testing.assert_allclose(f(*args), np.asarray(gold[name]), rtol=1e-10, atol=1e-10,
                                   err_msg=name)


def test_values_match_jax_live():
    jax = pytest.importorskip("jax")
    values = _jax_values()
    for name, make, key in ALL:
        f, args = make(key)
        np.testing.assert_allclose(f(*args), values[name], rtol=1e-10, atol=1e-10, err_msg=name)
    del jax


def _jax_values():
    import jax
    jax.config.update("jax_enable_x64", True)
    out = {}
    for k, (ls, rs, kw) in CONV_CASES.items():
        out["conv-" + k] = np.asarray(jax.lax.conv_general_dilated(_arr(ls, 1), _arr(rs, 2),
                                                                   **kw))
    for k, (ls, rs, kw) in TRANSPOSE_CASES.items():
        kw = dict(kw, dimension_numbers=("NHWC", "HWIO", "NHWC"))
        out["convT-" + k] = np.asarray(jax.lax.conv_transpose(_arr(ls, 3), _arr(rs, 4), **kw))
    ops = {"max": jax.lax.max, "min": jax.lax.min, "sum": jax.lax.add}
    for k, (comp, init, kw) in POOL_CASES.items():
        out["pool-" + k] = np.asarray(jax.lax.reduce_window(_arr(POOL_SHAPE, 5), init, ops[comp],
                                                            **kw))
    return out


@pytest.mark.parametrize("name,make,key", ALL, ids=IDS)
def test_derivatives_against_finite_differences(name, make, key):
    f, args = make(key)
    order = 1 if name.startswith("pool-m") else 2  # max/min pooling: piecewise linear
    check_grads(f, args, order=order)


@pytest.mark.parametrize("name,make,key", ALL, ids=IDS)
def test_vmap_matches_loop(name, make, key):
    f, args = make(key)
    B = 3
    batched = [np.stack([a * (1 + 0.1 * i) + 0.01 * i for i in range(B)]) for a in args]
    want = np.stack([f(*[b[i] for b in batched]) for i in range(B)])
    np.testing.assert_allclose(fg.vmap(f)(*batched), want, rtol=1e-12, atol=1e-12)
    if len(args) == 2:  # only the kernel mapped, and only the input mapped
        w_only = fg.vmap(f, in_axes=(None, 0))(args[0], batched[1])
        np.testing.assert_allclose(w_only, np.stack([f(args[0], w) for w in batched[1]]),
                                   rtol=1e-12, atol=1e-12)
        x_only = fg.vmap(f, in_axes=(0, None))(batched[0], args[1])
        np.testing.assert_allclose(x_only, np.stack([f(x, args[1]) for x in batched[0]]),
                                   rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,make,key", ALL, ids=IDS)
def test_jit_matches_eager(name, make, key):
    f, args = make(key)
    got, want = fg.jit(f)(*args), f(*args)
    assert type(got) is type(want) and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    g = fg.grad(lambda *a: fnp.sum(f(*a) ** 2), argnums=tuple(range(len(args))))
    for a, b in zip(fg.jit(g)(*args), g(*args)):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13)


def test_gradients_match_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    for k in ("same-strided", "lhs-dilation", "groups", "batch-groups", "mixed-layouts"):
        ls, rs, kw = CONV_CASES[k]
        x, w = _arr(ls, 1), _arr(rs, 2)
        ours = fg.grad(lambda x, w, kw=kw: fnp.sum(lax.conv_general_dilated(x, w, **kw) ** 3),
                       argnums=(0, 1))(x, w)
        theirs = jax.grad(lambda x, w, kw=kw: (jax.lax.conv_general_dilated(x, w, **kw) ** 3
                                               ).sum(),
                          argnums=(0, 1))(x, w)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10, err_msg=k)
    x = _arr(POOL_SHAPE, 5)
    comp, init, kw = POOL_CASES["max-3x3-same"]
    ours = fg.grad(lambda x: fnp.sum(lax.reduce_window(x, init, comp, **kw) ** 2))(x)
    theirs = jax.grad(lambda x: (jax.lax.reduce_window(x, init, jax.lax.max, **kw) ** 2).sum())(x)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_conv_errors_name_shapes():
    from fungrad.errors import ShapeError
    with pytest.raises(ShapeError, match=r"f64\[1,3,4,4\].*f64\[2,2,3,3\]"):
        lax.conv_general_dilated(np.ones((1, 3, 4, 4)), np.ones((2, 2, 3, 3)), (1, 1), "SAME")
    with pytest.raises(ValueError, match="string padding"):
        lax.conv_general_dilated(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), (1, 1), "SAME",
                                 lhs_dilation=(2, 2))


def test_conv_dimension_numbers_as_jax():
    dn = lax.conv_dimension_numbers((1, 5, 5, 3), (3, 3, 3, 8), ("NHWC", "HWIO", "NHWC"))
    assert dn == lax.ConvDimensionNumbers((0, 3, 1, 2), (3, 2, 0, 1), (0, 3, 1, 2))
    x, w = _arr((1, 5, 5, 3), 0), _arr((3, 3, 3, 8), 1)
    np.testing.assert_array_equal(
        lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=dn),
        lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")))


def test_lax_conv_is_nchw_oihw():
    x, w = _arr((1, 2, 5, 5), 0), _arr((3, 2, 2, 2), 1)
    np.testing.assert_allclose(lax.conv(x, w, (1, 1), "VALID"),
                               lax.conv_general_dilated(x, w, (1, 1), "VALID"))
    pads, ld, rd = ((1, 0), (2, 1)), (2, 1), (1, 2)
    np.testing.assert_allclose(lax.conv_with_general_padding(x, w, (1, 2), pads, ld, rd),
                               lax.conv_general_dilated(x, w, (1, 2), pads, ld, rd))
    check_grads(lambda x, w: lax.conv(x, w, (2, 1), "SAME"), (x, w), order=2)


# ---- numpy and scipy.signal front ends
@pytest.mark.parametrize("fn", ["convolve", "correlate"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("n,m", [(7, 3), (3, 7), (4, 4), (6, 1)])
def test_numpy_convolve_correlate(fn, mode, n, m):
    a, v = _arr(n, 1), _arr(m, 2)
    f = lambda a, v: getattr(fnp, fn)(a, v, mode)  # noqa: E731
    np.testing.assert_allclose(f(a, v), getattr(np, fn)(a, v, mode), rtol=1e-12, atol=1e-12)
    check_grads(f, (a, v), order=2)
    np.testing.assert_array_equal(fg.jit(f)(a, v), f(a, v))
    vs = np.stack([v, 2 * v])
    np.testing.assert_allclose(fg.vmap(f, in_axes=(None, 0))(a, vs), np.stack([f(a, u) for u in vs]))


@pytest.mark.parametrize("fn", ["convolve", "correlate", "fftconvolve"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("sa,sb", [((5, 6), (2, 3)), ((2, 3), (4, 4)), ((9,), (4,))])
def test_scipy_signal(fn, mode, sa, sb):
    a, b = _arr(sa, 3), _arr(sb, 4)
    methods = ["direct", "fft", "auto"] if fn != "fftconvolve" else [None]
    for method in methods:
        kw = {} if method is None else {"method": method}
        f = lambda a, b, kw=kw: getattr(fsig, fn)(a, b, mode, **kw)  # noqa: E731
        np.testing.assert_allclose(f(a, b), getattr(scipy.signal, fn)(a, b, mode, **kw),
                                   rtol=1e-10, atol=1e-10)
        check_grads(f, (a, b), order=2)
        np.testing.assert_allclose(fg.jit(f)(a, b), f(a, b), rtol=1e-14, atol=1e-14)
        bs = np.stack([b, 2 * b])
        np.testing.assert_allclose(fg.vmap(f, in_axes=(None, 0))(a, bs),
                                   np.stack([f(a, v) for v in bs]), rtol=1e-12, atol=1e-12)


# ---- a program: a small CNN trained by gradient descent
def _cnn_params(rng):
    return {"w1": rng.standard_normal((8, 1, 3, 3)) * 0.3, "b1": np.zeros(8),
            "w2": rng.standard_normal((8 * 4 * 4, 3)) * 0.1, "b2": np.zeros(3)}


def cnn_loss(params, x, y):
    h = lax.conv_general_dilated(x, params["w1"], (1, 1), "SAME")
    h = fnp.tanh(h + params["b1"][None, :, None, None])
    h = lax.reduce_window(h, -np.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
    logits = fnp.reshape(h, (x.shape[0], -1)) @ params["w2"] + params["b2"]
    from fungrad.scipy.special import log_softmax
    logp = log_softmax(logits, axis=-1)
    return -fnp.mean(fnp.sum(logp * y, axis=-1))


def _cnn_data(rng, n=48):
    """Three classes of 8x8 images: a horizontal bar, a vertical bar, a diagonal, with noise."""
    x = rng.standard_normal((n, 1, 8, 8)) * 0.3
    labels = np.arange(n) % 3
    for i, c in enumerate(labels):
        r = rng.integers(1, 7)
        if c == 0:
            x[i, 0, r, :] += 1.5
        elif c == 1:
            x[i, 0, :, r] += 1.5
        else:
            x[i, 0] += 1.5 * np.eye(8)
    return x, np.eye(3)[labels]


def test_cnn_loss_falls_over_100_steps():
    rng = np.random.default_rng(0)
    params = _cnn_params(rng)
    x, y = _cnn_data(rng)
    check_grads(lambda p: cnn_loss(p, x[:4], y[:4]), (params,), order=1)
    step = fg.jit(fg.value_and_grad(cnn_loss))
    losses = []
    for _ in range(100):
        loss, g = step(params, x, y)
        losses.append(float(loss))
        params = {k: params[k] - 0.5 * g[k] for k in params}
    assert losses[-1] < 0.5 * losses[0], (losses[0], losses[-1])
    assert all(b <= a + 1e-6 for a, b in zip(losses[::10], losses[10::10]))
    # per-example gradients through the CNN (vmap of grad) agree with a loop
    per = fg.vmap(fg.grad(lambda p, xi, yi: cnn_loss(p, xi[None], yi[None])),
                  in_axes=(None, 0, 0))(params, x[:3], y[:3])
    for i in range(3):
        gi = fg.grad(cnn_loss)(params, x[i:i + 1], y[i:i + 1])
        np.testing.assert_allclose(per["w1"][i], gi["w1"], rtol=1e-10, atol=1e-12)
