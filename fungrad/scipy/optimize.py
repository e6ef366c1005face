"""fungrad.scipy.optimize: minimize(fun, x0, args, method='BFGS') driven by fungrad gradients (as
jax.scipy.optimize.minimize), with a strong-Wolfe line search (Nocedal & Wright, Alg. 3.5-3.6).

The iteration runs in Python on concrete values; fun and its gradient are compiled once with
fungrad.jit. (Unlike JAX's, minimize itself is therefore not traceable: call it outside jit and
grad.)

Imports: _api, numpy.
"""
from __future__ import annotations

import collections
from typing import Any

import numpy as np

from fungrad._core.docs import add_examples as _add_examples
from fungrad._api.jit import jit
from fungrad._core.typing import ArrayLike, Fun
from fungrad._api.reverse import value_and_grad

OptimizeResults = collections.namedtuple(
    "OptimizeResults", ["x", "success", "status", "fun", "jac", "hess_inv", "nfev", "njev",
                        "nit"])


def _line_search(f, x, fx, gx, p, c1=1e-4, c2=0.9, max_steps=30):
    """A step alpha satisfying the strong Wolfe conditions along p (or the best found)."""
    dphi0 = float(gx @ p)
    calls = [0]

    def phi(a):
        calls[0] += 1
        v, g = f(x + a * p)
        return float(v), g, float(g @ p)

    def zoom(lo, hi, phi_lo, g_lo):
        for _ in range(max_steps):
            a = 0.5 * (lo + hi)
            v, g, d = phi(a)
            if v > fx + c1 * a * dphi0 or v >= phi_lo:
                hi = a
            else:
                if abs(d) <= -c2 * dphi0:
                    return a, v, g
                if d * (hi - lo) >= 0:
                    hi = lo
                lo, phi_lo, g_lo = a, v, g
        return lo, phi_lo, g_lo

    a_prev, phi_prev, g_prev = 0.0, fx, gx
    a = 1.0
    for i in range(max_steps):
        v, g, d = phi(a)
        if not np.isfinite(v) or v > fx + c1 * a * dphi0 or (i > 0 and v >= phi_prev):
            if not np.isfinite(v):
                a *= 0.5
                continue
            a, v, g = zoom(a_prev, a, phi_prev, g_prev)
            return a, v, g, calls[0]
        if abs(d) <= -c2 * dphi0:
            return a, v, g, calls[0]
        if d >= 0:
            a, v, g = zoom(a, a_prev, v, g)
            return a, v, g, calls[0]
        a_prev, phi_prev, g_prev = a, v, g
        a *= 2.0
    return a_prev, phi_prev, g_prev, calls[0]


def minimize(fun: Fun, x0: ArrayLike, args: tuple[Any, ...] = (), *, method: str = "BFGS",
             tol: float | None = None, options: dict[str, Any] | None = None) -> Any:
    """Minimize fun(x, *args) over a 1-D x0 with BFGS. options: maxiter (default 200 * n),
    gtol (default 1e-5 on the gradient's max norm; `tol` sets it too). Returns OptimizeResults
    (x, success, status: 0 converged, 1 max iterations, 3 line search failed, fun, jac, hess_inv,
    nfev, njev, nit)."""
    if method.upper() != "BFGS":
        raise ValueError(f"minimize: method {method!r} is not supported; use method='BFGS'")
    options = dict(options or {})
    x = np.asarray(x0, dtype=np.result_type(np.asarray(x0).dtype, np.float64)).copy()
    if x.ndim != 1:
        raise ValueError(f"minimize: x0 must be 1-D, got shape {x.shape}")
    n = x.size
    maxiter = int(options.pop("maxiter", 200 * n))
    gtol = float(options.pop("gtol", tol if tol is not None else 1e-5))
    if options:
        raise TypeError(f"minimize: unknown options {sorted(options)}")
    vg = jit(value_and_grad(lambda x: fun(x, *args)))

    def f(x):
        v, g = vg(x)
        return v, np.asarray(g, x.dtype)

    fx, gx = f(x)
    fx = float(fx)
    H = np.eye(n)
    nfev = 1
    status, it = 1, 0
    for it in range(1, maxiter + 1):
        if np.max(np.abs(gx)) <= gtol:
            status, it = 0, it - 1
            break
        p = -H @ gx
        if gx @ p >= 0:  # not a descent direction: restart from steepest descent
            H = np.eye(n)
            p = -gx
        a, fn, gn, calls = _line_search(f, x, fx, gx, p)
        nfev += calls
        if a == 0.0:
            status = 3
            break
        s = a * p
        y = gn - gx
        x, fx, gx = x + s, fn, gn
        sy = float(s @ y)
        if sy > 1e-12:
            if it == 1:
                H = np.eye(n) * (sy / float(y @ y))
            rho = 1.0 / sy
            Hy = H @ y
            H = H + (rho * rho * (y @ Hy) + rho) * np.outer(s, s) - rho * (np.outer(Hy, s)
                                                                           + np.outer(s, Hy))
    else:
        status = 0 if np.max(np.abs(gx)) <= gtol else 1
    return OptimizeResults(x=x, success=status == 0, status=status, fun=np.asarray(fx),
                           jac=gx, hess_inv=H, nfev=nfev, njev=nfev, nit=it)

__all__ = [
    "OptimizeResults", "minimize"]

# a `>>>` example for each public function (tests/test_doctests.py runs them), appended to its
# docstring as fungrad.numpy's _EXAMPLES tables are
_EXAMPLES = {
    "minimize": """>>> import numpy as np
>>> import fungrad.numpy as fnp
>>> from fungrad.scipy import optimize
>>> res = optimize.minimize(lambda x: fnp.sum((x - 2.0) ** 2), np.zeros(2))
>>> res.x.round(6), bool(res.success)
(array([2., 2.]), True)""",
}
_add_examples(_EXAMPLES, globals().__getitem__)

__dir__ = __all__.copy  # dir() lists the public names only
