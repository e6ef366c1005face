"""Forward mode: jvp and linearize.

Imports: _core, _interp, _api.args.
"""
from __future__ import annotations

from typing import Any, Sequence

from fungrad._core.typing import Fun, PyTree
import numpy as np

from fungrad._core.traceback_util import api_boundary
from fungrad._core.dtypes import is_float
from fungrad._core.errors import DtypeError, ShapeError, StructureMismatchError
from fungrad._core.eval import run_closed
from fungrad._core.trace import get_aval
from fungrad._core.tree import tree_flatten, tree_structure, tree_unflatten
from fungrad._core.zero import Zero, instantiate, zeros_like_aval
from fungrad._api.args import as_leaf, check_callable, split_aux
from fungrad._interp.jvp import jvp_flat
from fungrad._interp.linearize import linearize_flat


def _tangent_leaf(i, p, t):
    """Validate a user tangent against its primal; integer primals take None/0 (symbolic zero)."""
    p_aval = get_aval(p)
    if not is_float(p_aval.dtype):
        return Zero(p_aval.to_tangent_aval())
    if t is None:
        return Zero(p_aval.to_tangent_aval())
    t_aval = get_aval(t) if type(t) in (float, int, complex) else get_aval(as_leaf(t))
    t = as_leaf(t)
    if t_aval.shape != p_aval.shape:
        raise ShapeError(f"jvp: tangent {i} has shape {t_aval.str_short()} but its primal is "
                         f"{p_aval.str_short()}; each tangent must match its primal's shape.")
    if t_aval.dtype != p_aval.dtype:
        # a Python scalar takes the primal's dtype, unless it would lose its imaginary part
        if t_aval.weak_type and is_float(t_aval.dtype) and (
                t_aval.dtype.kind != "c" or p_aval.dtype.kind == "c"):
            return np.asarray(t, p_aval.dtype) if not hasattr(t, "_trace") else t
        raise DtypeError(f"jvp: tangent {i} is {t_aval.str_short()} but its primal is "
                         f"{p_aval.str_short()}; primal and tangent dtypes must be equal (as in "
                         f"JAX). Fix: pass the tangent as {p_aval.dtype.name}, e.g. "
                         f"t.astype(np.{p_aval.dtype.name}).")
    return t


def _output_tangent(t):
    return instantiate(t)


@api_boundary
def jvp(fun: Fun, primals: Sequence[PyTree], tangents: Sequence[PyTree],
        has_aux: bool = False) -> tuple[Any, ...]:
    """(fun(*primals), directional derivative of fun at primals along tangents).

    primals and tangents are tuples (or lists) of the same structure.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.jvp(fnp.sin, (0.0,), (3.0,))
    (array(0.), array(3.))
    """
    check_callable("jvp", fun)
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp: primals and tangents must be tuples (or lists) of arguments, e.g. "
                        "fg.jvp(f, (x,), (t,)).")
    p_leaves, p_tree = tree_flatten(tuple(primals))
    t_leaves, t_tree = tree_flatten(tuple(tangents), is_leaf=lambda x: x is None)
    if t_tree != tree_structure(tuple(primals), is_leaf=lambda x: x is None):
        raise StructureMismatchError(
            f"jvp: primals have structure {p_tree!r} but tangents {t_tree!r}; primal and "
            "tangent arguments must have the same tree structure.")
    p_leaves = [as_leaf(p) for p in p_leaves]
    t_leaves = [_tangent_leaf(i, p, t) for i, (p, t) in enumerate(zip(p_leaves, t_leaves))]

    def flat_fun(*xs):
        return fun(*tree_unflatten(p_tree, xs))

    out_p, out_t, out_tree = jvp_flat(flat_fun, p_leaves, t_leaves)
    out_t = [_output_tangent(t) for t in out_t]
    if has_aux:
        out_p, main, aux, n = split_aux(out_p, out_tree, "jvp")
        return tree_unflatten(main, out_p), tree_unflatten(main, out_t[:n]), aux
    return tree_unflatten(out_tree, out_p), tree_unflatten(out_tree, out_t)


@api_boundary
def linearize(fun: Fun, *primals: PyTree) -> tuple[PyTree, Fun]:
    """(fun(*primals), f_jvp) where f_jvp(*tangents) evaluates the linearized function.

    The primal computation runs once; f_jvp replays only the recorded tangent program.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> y, f_jvp = fg.linearize(fnp.sin, 0.0)
    >>> f_jvp(2.0)
    array(2.)
    """
    check_callable("linearize", fun)
    leaves, in_tree = tree_flatten(primals)
    leaves = [as_leaf(x) for x in leaves]

    def flat_fun(*xs):
        return fun(*tree_unflatten(in_tree, xs))

    out_leaves, out_tree, lin = linearize_flat(flat_fun, leaves, "linearize")

    @api_boundary
    def f_jvp(*tangents):
        t_leaves, t_tree = tree_flatten(tangents)
        if t_tree != in_tree:
            raise ShapeError(f"linearize: tangents have structure {t_tree!r} but primals "
                             f"{in_tree!r}; they must match.")
        ts = [_tangent_leaf(i, p, t) for i, (p, t) in enumerate(zip(leaves, t_leaves))]
        ts = [instantiate(t) for t in ts]
        outs = iter(run_closed(lin.jaxpr, *ts))
        res = [zeros_like_aval(a) if z else next(outs) for a, z in zip(lin.out_avals, lin.out_zero)]
        return tree_unflatten(out_tree, res)

    return tree_unflatten(out_tree, out_leaves), f_jvp
