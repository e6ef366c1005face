"""Three ordinary numpy programs run unchanged but for the import line, then differentiated,
vmapped and jitted: a finite-difference heat equation (roll, pad, diff), a soft k-means
objective (take_along_axis, argsort) and a quantile-regression fit (percentile, where).

Each program is numpy source; it is executed twice, with `import numpy as np` and with
`import fungrad.numpy as np`, and the two must agree.
"""
import textwrap

import numpy
import pytest

import fungrad as fg
from fungrad.testing import check_grads

HEAT = """
import numpy as np

def heat(u0, alpha, steps=25):
    n = u0.shape[0]
    dx = 1.0 / n
    dt = 0.2 * dx * dx
    u = u0
    for _ in range(steps):
        lap = (np.roll(u, 1) - 2 * u + np.roll(u, -1)) / dx ** 2     # periodic
        u = u + alpha * dt * lap
    # a rod with fixed zero ends: pad with the boundary values, second difference
    v = u
    for _ in range(steps):
        lap = np.diff(np.pad(v, 1, mode="constant"), n=2) / dx ** 2
        v = v + alpha * dt * lap
    gradient_energy = np.sum(np.diff(v) ** 2) / dx
    return np.sum(u ** 2) * dx + gradient_energy + np.max(np.abs(v))
"""

KMEANS = """
import numpy as np

def soft_kmeans(X, C, temperature=0.5, k_nearest=2):
    d2 = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=-1)        # (points, centers)
    order = np.argsort(d2, axis=1)
    nearest = np.take_along_axis(d2, order[:, :k_nearest], axis=1)     # the closest centers
    w = np.exp(-(nearest - nearest[:, :1]) / temperature)
    w = w / np.sum(w, axis=1, keepdims=True)
    return np.mean(np.sum(w * nearest, axis=1))
"""

QUANTILE = """
import numpy as np

def pinball_loss(w, X, y, tau):
    residual = y - X @ w
    intercept = np.percentile(residual, 100 * tau)     # the best constant for this slope
    r = residual - intercept
    return np.mean(np.where(r >= 0, tau * r, (tau - 1) * r))

def predict(w, X, y, tau):
    residual = y - X @ w
    return X @ w + np.percentile(residual, 100 * tau)
"""


def load(source, module_name):
    """The program's functions with `import numpy as np` replaced by `module_name`."""
    src = textwrap.dedent(source)
    if module_name != "numpy":
        src = src.replace("import numpy as np", f"import {module_name} as np")
    namespace = {}
    exec(compile(src, f"<{module_name} program>", "exec"), namespace)
    return namespace


rng = numpy.random.default_rng(0)


def both(source):
    return load(source, "numpy"), load(source, "fungrad.numpy")


def close(a, b, tol=1e-10):
    numpy.testing.assert_allclose(a, b, rtol=tol, atol=tol)


# ---- heat equation
def test_heat_equation_values_grad_vmap_jit():
    ref, fgp = both(HEAT)
    u0 = numpy.sin(numpy.linspace(0, 2 * numpy.pi, 16, endpoint=False)) + 0.1 * rng.random(16)
    alpha = 0.8
    close(fgp["heat"](u0, alpha), ref["heat"](u0, alpha))
    check_grads(fgp["heat"], (u0, alpha), order=2, eps=1e-6)
    g_u, g_a = fg.grad(fgp["heat"], argnums=(0, 1))(u0, alpha)
    assert g_u.shape == (16,) and numpy.ndim(g_a) == 0
    batch = numpy.stack([u0, 2 * u0, -u0])
    close(fg.vmap(fgp["heat"], in_axes=(0, None))(batch, alpha),
          [ref["heat"](b, alpha) for b in batch])
    close(fg.jit(fgp["heat"])(u0, alpha), fgp["heat"](u0, alpha), 1e-12)
    close(fg.jit(fg.grad(fgp["heat"], argnums=1))(u0, alpha), g_a, 1e-9)


# ---- soft k-means
def test_soft_kmeans_values_grad_vmap_jit():
    ref, fgp = both(KMEANS)
    X = numpy.concatenate([rng.normal(-2, 0.5, (10, 2)), rng.normal(2, 0.5, (10, 2))])
    C = numpy.array([[-1.5, 0.2], [1.0, 1.0], [0.0, -3.0]])
    close(fgp["soft_kmeans"](X, C), ref["soft_kmeans"](X, C))
    check_grads(lambda C: fgp["soft_kmeans"](X, C), (C,), order=2)
    g = fg.grad(fgp["soft_kmeans"], argnums=1)(X, C)
    # gradient descent on the centers lowers the objective
    C2 = C - 0.1 * g
    assert ref["soft_kmeans"](X, C2) < ref["soft_kmeans"](X, C)
    Cs = numpy.stack([C, C + 0.3, C[::-1]])
    close(fg.vmap(fgp["soft_kmeans"], in_axes=(None, 0))(X, Cs),
          [ref["soft_kmeans"](X, c) for c in Cs])
    close(fg.jit(fgp["soft_kmeans"])(X, C), fgp["soft_kmeans"](X, C), 1e-12)
    close(fg.jit(fg.grad(fgp["soft_kmeans"], argnums=1))(X, C), g, 1e-12)


# ---- quantile regression
def test_quantile_regression_values_grad_vmap_jit_and_fit():
    ref, fgp = both(QUANTILE)
    n = 40
    X = rng.normal(size=(n, 2))
    y = X @ numpy.array([1.5, -0.5]) + rng.standard_t(3, n)
    w = numpy.array([0.3, 0.1])
    tau = 0.7
    loss, pred = fgp["pinball_loss"], fgp["predict"]
    close(loss(w, X, y, tau), ref["pinball_loss"](w, X, y, tau))
    close(pred(w, X, y, tau), ref["predict"](w, X, y, tau))
    check_grads(lambda w: loss(w, X, y, tau), (w,), order=1, eps=1e-7)
    # vmap over the quantile level (a traced q inside percentile)
    taus = numpy.array([0.25, 0.5, 0.9])
    close(fg.vmap(loss, in_axes=(None, None, None, 0))(w, X, y, taus),
          [ref["pinball_loss"](w, X, y, t) for t in taus])
    close(fg.vmap(fg.grad(loss), in_axes=(None, None, None, 0))(w, X, y, taus),
          [fg.grad(loss)(w, X, y, t) for t in taus])
    step = fg.jit(lambda w, tau: w - 0.2 * fg.grad(loss)(w, X, y, tau))
    close(step(w, tau), w - 0.2 * fg.grad(loss)(w, X, y, tau), 1e-12)
    start = ref["pinball_loss"](w, X, y, tau)
    for _ in range(100):
        w = step(w, tau)
    assert ref["pinball_loss"](w, X, y, tau) < 0.8 * start
    numpy.testing.assert_allclose(w, [1.5, -0.5], atol=0.35)
    # the fitted line has about a fraction tau of the points below it
    below = numpy.mean(y <= ref["predict"](w, X, y, tau))
    assert abs(below - tau) < 0.1


@pytest.mark.parametrize("source", [HEAT, KMEANS, QUANTILE], ids=["heat", "kmeans", "quantile"])
def test_programs_differ_from_numpy_only_in_the_import_line(source):
    assert "import numpy as np" in source
    lines = [ln for ln in textwrap.dedent(source).splitlines() if "import" in ln]
    assert lines == ["import numpy as np"]
