"""Numerical derivative checks: compare fungrad's JVPs and VJPs with central finite differences.

`check_grads(f, args, order=2)` is the one-call check used by fungrad's own tests and offered to
users who add primitives or write custom rules. It works best in float64.

Forward mode: jvp(f, args, t) against (f(args + eps t) - f(args - eps t)) / (2 eps) in a random
direction t. Reverse mode: for a random cotangent ct, <ct, J t> (by finite differences) must equal
<J^T ct, t> (by vjp). Both recurse on the derivative functions up to `order`.

Complex values: directions and cotangents are random in both the real and the imaginary part (so
non-holomorphic functions are checked in every real direction), and the pairing is JAX's,
<a, b> = Re(sum(a * b)) = sum(Re a Re b - Im a Im b): the real bilinear form under which
fungrad's (and JAX's) transposes are adjoints, unconjugated.

Imports: _api, _core.tree (a public facade).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from fungrad._api.forward import jvp
from fungrad._api.reverse import vjp
from fungrad._core.dtypes import is_float
from fungrad._core.tree import tree_flatten, tree_unflatten

__all__ = ["check_grads", "check_jvp", "check_vjp", "numerical_jvp"]


def _is_diff(x):
    return is_float(np.asarray(x).dtype)


def _leaves(tree):
    return [np.asarray(x) for x in tree_flatten(tree)[0]]


def _random_array(shape, dtype, rng):
    if np.dtype(dtype).kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _random_like(tree, rng):
    """A random tree of the same structure: normal floats for float leaves (real and imaginary
    parts for complex ones), None for the others."""
    leaves, treedef = tree_flatten(tree)
    out = [_random_array(np.shape(x), np.asarray(x).dtype, rng) if _is_diff(x) else None
           for x in leaves]
    return out, treedef


def _pair(a, b):
    """JAX's real pairing of (co)tangents, Re(sum(a * b)) (a plain dot product for reals)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind != "c" and b.dtype.kind != "c":
        return float(np.vdot(a, b))
    a, b = a.astype(complex).reshape(-1), b.astype(complex).reshape(-1)
    return float(np.dot(a.real, b.real) - np.dot(a.imag, b.imag))


def _axpy(a, t_leaves, x_leaves):
    return [x if t is None else np.asarray(x) + a * t for x, t in zip(x_leaves, t_leaves)]


def numerical_jvp(f: Callable[..., Any], args: Sequence[Any], tangents: Sequence[Any],
                  eps: float = 1e-5) -> Any:
    """Central difference (f(args + eps t) - f(args - eps t)) / (2 eps), as a flat list of output
    leaves (None for non-float outputs). `tangents` is a flat list matching args' leaves.

    >>> import numpy as np, fungrad.numpy as fnp
    >>> from fungrad.testing import numerical_jvp
    >>> out = numerical_jvp(fnp.sin, (0.0,), (1.0,))
    >>> bool(np.allclose(out, 1.0))
    True
    """
    leaves, treedef = tree_flatten(tuple(args))
    plus = _leaves(f(*tree_unflatten(treedef, _axpy(eps, tangents, leaves))))
    minus = _leaves(f(*tree_unflatten(treedef, _axpy(-eps, tangents, leaves))))
    return [(p - m) / (2 * eps) if _is_diff(p) else None for p, m in zip(plus, minus)]


def _tolerances(args, atol, rtol, eps):
    low = any(np.asarray(x).dtype in (np.float32, np.float16, np.complex64)
              for x in tree_flatten(args)[0] if _is_diff(x))
    default_tol, default_eps = (2e-2, 1e-3) if low else (1e-5, 1e-5)
    return (default_tol if atol is None else atol, default_tol if rtol is None else rtol,
            default_eps if eps is None else eps)


def _assert_close(name, actual, expected, atol, rtol):
    for i, (a, e) in enumerate(zip(actual, expected)):
        if e is None:
            continue
        a, e = np.asarray(a), np.asarray(e)
        wide = np.complex128 if np.iscomplexobj(a) or np.iscomplexobj(e) else np.float64
        np.testing.assert_allclose(a.astype(wide), e.astype(wide),
                                   atol=atol, rtol=rtol, err_msg=f"{name}: output leaf {i}")


def check_jvp(f: Callable[..., Any], args: Sequence[Any], atol: float | None = None,
              rtol: float | None = None, eps: float | None = None, rng: Any = None) -> Any:
    """fungrad.jvp(f) against central differences in a random direction; returns the direction.

    >>> import numpy as np, fungrad.numpy as fnp
    >>> from fungrad.testing import check_jvp
    >>> check_jvp(fnp.sin, (np.array([0.5, 1.0]),))
    (array([ 0.12573022, -0.13210486]),)
    """
    atol, rtol, eps = _tolerances(args, atol, rtol, eps)
    rng = np.random.default_rng(0) if rng is None else rng
    t_leaves, treedef = _random_like(tuple(args), rng)
    tangents = tree_unflatten(treedef, t_leaves)
    _, out_t = jvp(f, tuple(args), tangents)
    _assert_close("jvp", _leaves(out_t), numerical_jvp(f, args, t_leaves, eps), atol, rtol)
    return tangents


def check_vjp(f: Callable[..., Any], args: Sequence[Any], atol: float | None = None,
              rtol: float | None = None, eps: float | None = None, rng: Any = None) -> Any:
    """<ct, J t> by finite differences against <vjp(ct), t> for random ct and t.

    >>> import numpy as np, fungrad.numpy as fnp
    >>> from fungrad.testing import check_vjp
    >>> check_vjp(fnp.sin, (np.array([0.5, 1.0]),))
    """
    atol, rtol, eps = _tolerances(args, atol, rtol, eps)
    rng = np.random.default_rng(1) if rng is None else rng
    out, pull = vjp(f, *args)
    ct_leaves, out_tree = _random_like(out, rng)
    ct_full = [np.zeros(np.shape(o), np.asarray(o).dtype) if c is None else c
               for c, o in zip(ct_leaves, tree_flatten(out)[0])]
    ct_in = _leaves(pull(tree_unflatten(out_tree, ct_full)))
    t_leaves, _ = _random_like(tuple(args), rng)
    jt = numerical_jvp(f, args, t_leaves, eps)
    lhs = sum(_pair(c, j) for c, j in zip(ct_leaves, jt) if c is not None and j is not None)
    rhs = sum(_pair(c, t) for c, t in zip(ct_in, t_leaves) if t is not None)
    scale = max(1.0, abs(lhs))
    np.testing.assert_allclose(rhs, lhs, atol=atol * scale, rtol=rtol,
                               err_msg="vjp: <J^T ct, t> != <ct, J t>")


def check_grads(f: Callable[..., Any], args: Sequence[Any], order: int = 1,
                modes: Sequence[str] = ("fwd", "rev"), atol: float | None = None,
                rtol: float | None = None, eps: float | None = None) -> None:
    """Check JVPs ("fwd") and VJPs ("rev") of `f` at `args` (a tuple) against finite differences,
    and, for order > 1, the derivatives of those derivative functions, recursively.

    >>> import numpy as np, fungrad.numpy as fnp
    >>> from fungrad.testing import check_grads
    >>> check_grads(fnp.sin, (np.array([0.5, 1.0]),), order=2)
    """
    args = tuple(args)
    rng = np.random.default_rng(order)
    if "fwd" in modes:
        tangents = check_jvp(f, args, atol, rtol, eps, rng)
        if order > 1:
            filled = _fill_none(tangents, args)

            def f_jvp(primals, ts):
                return jvp(f, primals, ts)[1]

            check_grads(f_jvp, (args, filled), order - 1, ("fwd",), atol, rtol, eps)
    if "rev" in modes:
        check_vjp(f, args, atol, rtol, eps, rng)
        if order > 1:
            out = f(*args)
            ct_leaves, out_tree = _random_like(out, rng)
            ct = tree_unflatten(out_tree, [np.zeros(np.shape(o), np.asarray(o).dtype) if c is None
                                           else c for c, o in zip(ct_leaves, tree_flatten(out)[0])])

            def f_vjp(primals, cotangent):
                return vjp(f, *primals)[1](cotangent)

            check_grads(f_vjp, (args, ct), order - 1, ("rev",), atol, rtol, eps)


def _fill_none(tangents, args):
    """Tangents for jvp as arguments: integer primals get integer zeros (they are not perturbed)."""
    t_leaves, treedef = tree_flatten(tangents, is_leaf=lambda x: x is None)
    a_leaves = tree_flatten(args)[0]
    return tree_unflatten(treedef, [np.zeros_like(np.asarray(a)) if t is None else t
                                    for t, a in zip(t_leaves, a_leaves)])

__dir__ = __all__.copy  # dir() lists the public names only
