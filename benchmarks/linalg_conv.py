"""Benchmarks of the linear-algebra and convolution work: the gradient of a Gaussian-process
marginal likelihood at n = 500 (cholesky + triangular solves) and the gradient of a conv layer
(batch 32, 3 -> 16 channels, 32x32, 3x3, SAME), for fungrad (eager, jit), handwritten
numpy/scipy, JAX (eager, jit) and PyTorch (eager), in one run.

    python benchmarks/linalg_conv.py [--quick]

One core, one thread everywhere (as benchmarks/run.py); every gradient is checked against the
handwritten one before timing; medians of interleaved repeats; ratios to handwritten numpy.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _single_core  # noqa: F401  (first: one core, one thread, before numpy loads)

import numpy as np  # noqa: E402
import scipy.linalg as sla  # noqa: E402
from numpy.lib.stride_tricks import as_strided  # noqa: E402
from _timing import interleaved  # noqa: E402

import fungrad as fg  # noqa: E402
import fungrad.numpy as fnp  # noqa: E402
from fungrad import lax  # noqa: E402
from fungrad.scipy.linalg import solve_triangular  # noqa: E402

QUICK = "--quick" in sys.argv
REPEATS = 3 if QUICK else 7


def fmt(s):
    return f"{s * 1e3:9.2f} ms"


def report(title, fns, check):
    ref = [np.asarray(g) for g in fns["handwritten numpy"]()]
    for name, fn in fns.items():
        for r, g in zip(ref, fn(), strict=True):
            np.testing.assert_allclose(np.asarray(g), r, rtol=1e-6, atol=1e-8, err_msg=name)
    times = interleaved(fns, repeats=REPEATS, target=0.05)
    base = times["handwritten numpy"]
    print(f"\n## {title}   ({check})")
    for name, t in times.items():
        print(f"  {name:20s} {fmt(t)}   {t / base:6.2f}x")
    return times


# ---- Gaussian process: -log p(y | x, ell, sf, sn), squared-exponential kernel
N = 500
rng = np.random.default_rng(0)
X = np.sort(rng.uniform(-3, 3, N))
Y = np.sin(1.5 * X) + 0.1 * rng.standard_normal(N)
P = np.array([0.3, 0.1, -1.5])  # log ell, log sf, log sn
D2 = (X[:, None] - X[None, :]) ** 2


def gp_fungrad(p, d2, y):
    ell2, sf2, sn2 = fnp.exp(2 * p[0]), fnp.exp(2 * p[1]), fnp.exp(2 * p[2])
    k = sf2 * fnp.exp(-0.5 * d2 / ell2) + sn2 * fnp.eye(d2.shape[0])
    L = fnp.linalg.cholesky(k)
    alpha = solve_triangular(L, y, lower=True)
    return (0.5 * fnp.sum(alpha ** 2) + fnp.sum(fnp.log(fnp.diagonal(L)))
            + 0.5 * d2.shape[0] * np.log(2 * np.pi))


def gp_numpy_grad(p, d2, y):
    """Forward and hand-derived backward: dL/dK = (K^-1 - a a^T) / 2, a = K^-1 y."""
    ell2, sf2, sn2 = np.exp(2 * p[0]), np.exp(2 * p[1]), np.exp(2 * p[2])
    e = np.exp(-0.5 * d2 / ell2)
    k = sf2 * e
    k[np.diag_indices_from(k)] += sn2
    c = sla.cho_factor(k, lower=True, check_finite=False)
    a = sla.cho_solve(c, y, check_finite=False)
    kinv = sla.cho_solve(c, np.eye(len(y)), check_finite=False)
    w = 0.5 * (kinv - np.outer(a, a))
    g_ell = np.sum(w * k_minus(k, sn2) * d2 / ell2)
    g_sf = np.sum(w * 2 * sf2 * e)
    g_sn = np.trace(w) * 2 * sn2
    return (np.array([g_ell, g_sf, g_sn]),)


def k_minus(k, sn2):
    out = k.copy()
    out[np.diag_indices_from(out)] -= sn2
    return out


def gp_peers():
    fns = {}
    try:
        import jax
        import jax.numpy as jnp
        import jax.scipy.linalg as jsl
        jax.config.update("jax_enable_x64", True)

        def gp_jax(p, d2, y):
            ell2, sf2, sn2 = jnp.exp(2 * p[0]), jnp.exp(2 * p[1]), jnp.exp(2 * p[2])
            k = sf2 * jnp.exp(-0.5 * d2 / ell2) + sn2 * jnp.eye(d2.shape[0])
            L = jnp.linalg.cholesky(k)
            alpha = jsl.solve_triangular(L, y, lower=True)
            return (0.5 * jnp.sum(alpha ** 2) + jnp.sum(jnp.log(jnp.diagonal(L)))
                    + 0.5 * d2.shape[0] * np.log(2 * np.pi))
        g = jax.grad(gp_jax)
        gj = jax.jit(g)
        pj, dj, yj = jnp.asarray(P), jnp.asarray(D2), jnp.asarray(Y)
        fns["JAX eager"] = lambda: (np.asarray(g(pj, dj, yj)),)
        fns["JAX jit"] = lambda: (np.asarray(gj(pj, dj, yj).block_until_ready()),)
    except ImportError:
        print("  (JAX not installed: skipped)")
    try:
        import torch
        torch.set_num_threads(1)
        pt, dt, yt = (torch.tensor(P), torch.tensor(D2), torch.tensor(Y))

        def gp_torch():
            p = pt.clone().requires_grad_(True)
            k = torch.exp(2 * p[1]) * torch.exp(-0.5 * dt / torch.exp(2 * p[0])) \
                + torch.exp(2 * p[2]) * torch.eye(N, dtype=torch.float64)
            L = torch.linalg.cholesky(k)
            alpha = torch.linalg.solve_triangular(L, yt[:, None], upper=False)
            loss = 0.5 * (alpha ** 2).sum() + torch.log(torch.diagonal(L)).sum()
            (gr,) = torch.autograd.grad(loss, p)
            return (gr.numpy(),)
        fns["PyTorch eager"] = gp_torch
    except ImportError:
        print("  (PyTorch not installed: skipped)")
    return fns


# ---- conv layer: loss = sum((conv(x, w) + b - t)^2) / 2, gradient in w and b
B, CI, CO, H, K = 32, 3, 16, 32, 3
XC = rng.standard_normal((B, CI, H, H))
WC = rng.standard_normal((CO, CI, K, K)) * 0.2
BC = rng.standard_normal(CO) * 0.1
TC = rng.standard_normal((B, CO, H, H))


def conv_fungrad(w, b, x, t):
    y = lax.conv_general_dilated(x, w, (1, 1), "SAME") + b[None, :, None, None]
    return 0.5 * fnp.sum((y - t) ** 2)


def _im2col(xp):
    """(B, H, W, C, K, K) windows of the padded NHWC input, contiguous."""
    b, hp, wp, c = xp.shape
    s = xp.strides
    return np.ascontiguousarray(as_strided(xp, (b, hp - K + 1, wp - K + 1, c, K, K),
                                           (s[0], s[1], s[2], s[3], s[1], s[2])))


def conv_numpy_grad(w, b, x, t):
    xp = np.pad(x.transpose(0, 2, 3, 1), ((0, 0), (1, 1), (1, 1), (0, 0)))
    cols = _im2col(xp).reshape(B * H * H, CI * K * K)
    y = cols @ w.reshape(CO, -1).T + b                      # (B*H*W, CO)
    dy = y - t.transpose(0, 2, 3, 1).reshape(-1, CO)
    return ((dy.T @ cols).reshape(w.shape), dy.sum(0))


def conv_peers():
    fns = {}
    try:
        import jax
        import jax.numpy as jnp

        def conv_jax(w, b, x, t):
            y = jax.lax.conv_general_dilated(x, w, (1, 1), "SAME") + b[None, :, None, None]
            return 0.5 * jnp.sum((y - t) ** 2)
        g = jax.grad(conv_jax, argnums=(0, 1))
        gj = jax.jit(g)
        a = [jnp.asarray(v) for v in (WC, BC, XC, TC)]
        fns["JAX eager"] = lambda: tuple(np.asarray(v) for v in g(*a))
        fns["JAX jit"] = lambda: tuple(np.asarray(v) for v in jax.block_until_ready(gj(*a)))
    except ImportError:
        print("  (JAX not installed: skipped)")
    try:
        import torch
        import torch.nn.functional as F
        wt, bt, xt, tt = (torch.tensor(v) for v in (WC, BC, XC, TC))

        def conv_torch():
            w = wt.clone().requires_grad_(True)
            b = bt.clone().requires_grad_(True)
            y = F.conv2d(xt, w, b, padding=1)
            loss = 0.5 * ((y - tt) ** 2).sum()
            gw, gb = torch.autograd.grad(loss, (w, b))
            return gw.numpy(), gb.numpy()
        fns["PyTorch eager"] = conv_torch
    except ImportError:
        print("  (PyTorch not installed: skipped)")
    return fns


def main():
    g_gp = fg.grad(gp_fungrad)
    j_gp = fg.jit(g_gp)
    gp = {"handwritten numpy": lambda: gp_numpy_grad(P, D2, Y),
          "fungrad eager": lambda: (g_gp(P, D2, Y),),
          "fungrad jit": lambda: (j_gp(P, D2, Y),)}
    gp.update(gp_peers())
    gp_title = f"GP marginal likelihood gradient, n = {N}"
    gp_times = report(gp_title, gp, "cholesky + triangular solve")

    g_conv = fg.grad(conv_fungrad, argnums=(0, 1))
    j_conv = fg.jit(g_conv)
    cv = {"handwritten numpy": lambda: conv_numpy_grad(WC, BC, XC, TC),
          "fungrad eager": lambda: g_conv(WC, BC, XC, TC),
          "fungrad jit": lambda: j_conv(WC, BC, XC, TC)}
    cv.update(conv_peers())
    conv_title = f"conv layer gradient (w, b), batch {B}, {CI}->{CO} channels, {H}x{H}, {K}x{K}"
    conv_times = report(conv_title, cv, "im2col + GEMM")
    return [(gp_title, gp_times), (conv_title, conv_times)]


if __name__ == "__main__":
    main()
