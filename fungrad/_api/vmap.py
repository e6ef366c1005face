"""vmap: vectorize a function over an axis of its arguments.

Imports: _core, _interp.batching, _api.args.
"""
from __future__ import annotations

from typing import Any, Sequence

from fungrad._core.typing import Fun
import functools

from fungrad._core.traceback_util import api_boundary
from fungrad._core.errors import ShapeError
from fungrad._core.trace import get_aval
from fungrad._core.tree import broadcast_prefix, tree_flatten, tree_unflatten
from fungrad._api.args import as_leaf, check_callable
from fungrad._interp.batching import vmap_flat


def _flat_in_axes(in_axes, args):
    if isinstance(in_axes, (int, type(None))):
        return [in_axes] * len(tree_flatten(args)[0])
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    if not isinstance(in_axes, tuple) or len(in_axes) != len(args):
        raise ValueError(
            f"vmap in_axes must be an int, None, or a tuple with one entry per positional "
            f"argument; got {in_axes!r} for {len(args)} argument{'s' if len(args) != 1 else ''}.")
    try:
        return broadcast_prefix(in_axes, args)
    except ValueError as e:
        raise ValueError(f"vmap in_axes {in_axes!r} is not a tree prefix of the arguments: "
                         f"{e}") from None


def vmap(fun: Fun, in_axes: int | None | Sequence[Any] | dict[Any, Any] = 0, out_axes: Any = 0,
         axis_size: int | None = None) -> Fun:
    """Vectorize `fun` over axis in_axes of its arguments; outputs are stacked along out_axes.

    in_axes: an int (every argument), None (not mapped), or a tuple with one entry (itself a
    pytree prefix) per positional argument; keyword arguments are always mapped over axis 0, as
    in JAX. out_axes: an int, None, or a pytree prefix of the output. axis_size is needed only
    when no argument is mapped.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.vmap(lambda x, y: fnp.dot(x, y), in_axes=(0, None))(fnp.ones((3, 2)), fnp.ones(2))
    array([2., 2., 2.])
    """
    check_callable("vmap", fun)
    _check_axes_spec("in_axes", in_axes)
    _check_axes_spec("out_axes", out_axes)

    @functools.wraps(fun)
    @api_boundary
    def vmapped(*args, **kwargs):
        leaves, in_tree = tree_flatten((args, kwargs))
        axes = _flat_in_axes(in_axes, args) + [0] * (len(leaves) - len(tree_flatten(args)[0]))
        leaves = [as_leaf(x) if ax is not None else x for x, ax in zip(leaves, axes)]
        size = _axis_size(leaves, axes, axis_size)
        dims = []
        for x, ax in zip(leaves, axes):
            if ax is not None:
                ax = ax + get_aval(x).ndim if ax < 0 else ax
            dims.append(ax)

        def flat_fun(*xs):
            a, kw = tree_unflatten(in_tree, xs)
            return fun(*a, **kw)

        def out_axes_fn(out_tree):
            if isinstance(out_axes, (int, type(None))):
                return [out_axes] * out_tree.num_leaves
            return broadcast_prefix(out_axes, tree_unflatten(out_tree, [0] * out_tree.num_leaves))

        outs, out_tree = vmap_flat(flat_fun, leaves, dims, size, out_axes_fn)
        return tree_unflatten(out_tree, outs)

    return vmapped


def _check_axes_spec(name, spec):
    """in_axes/out_axes are ints, None, or containers of them (checked before anything runs)."""
    stack = [spec]
    while stack:
        s = stack.pop()
        if s is None or (isinstance(s, int) and not isinstance(s, bool)):
            continue
        if isinstance(s, (tuple, list)):
            stack.extend(s)
        elif isinstance(s, dict):
            stack.extend(s.values())
        else:
            raise TypeError(f"vmap {name} must be an int, None, or a tuple/list/dict of them; got "
                            f"{s!r} of type {type(s).__name__}.")


def _axis_size(leaves, axes, axis_size):
    sizes = []
    for i, (x, ax) in enumerate(zip(leaves, axes)):
        if ax is None:
            continue
        if not isinstance(ax, int):
            raise TypeError(f"vmap in_axes entries must be int or None, got {ax!r}")
        aval = get_aval(x)
        if not -aval.ndim <= ax < aval.ndim:
            raise ValueError(
                f"vmap was asked to map over axis {ax} of argument leaf {i}, which has shape "
                f"{aval.str_short()} (rank {aval.ndim}); in_axes must be in "
                f"[-{aval.ndim}, {aval.ndim}). Fix: use in_axes=None for values not to be mapped.")
        sizes.append((i, aval, ax, aval.shape[ax]))
    if not sizes:
        if axis_size is None:
            raise ValueError("vmap needs at least one mapped argument (an in_axes entry that is "
                             "not None), or an explicit axis_size.")
        return axis_size
    distinct = {s for *_, s in sizes}
    if len(distinct) > 1 or (axis_size is not None and axis_size not in distinct):
        detail = "; ".join(f"argument leaf {i} of shape {a.str_short()} has size {s} on axis {ax}"
                           for i, a, ax, s in sizes)
        raise ShapeError(
            f"vmap got inconsistent sizes for the mapped axis: {detail}"
            + (f"; axis_size={axis_size}" if axis_size is not None else "")
            + ". All mapped axes must have the same size. Fix: check in_axes, or use None for "
              "arguments that should be broadcast rather than mapped.")
    return sizes[0][3]
