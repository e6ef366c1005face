"""make_jaxpr: the IR of a function, traced on abstract values.

Imports: _core, _interp.staging, _api.args.
"""
from __future__ import annotations

from typing import Callable, Sequence

from fungrad._core.ir import ClosedJaxpr
from fungrad._core.typing import Fun
import functools

from fungrad._core.traceback_util import api_boundary
from fungrad._core.tree import tree_flatten, tree_unflatten
from fungrad._api.args import as_leaf, check_callable
from fungrad._interp.staging import abstractify, stage_flat


def make_jaxpr(fun: Fun, static_argnums: int | Sequence[int] = ()) -> Callable[..., ClosedJaxpr]:
    """A function returning the ClosedJaxpr of `fun` at the given arguments' shapes and dtypes.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> print(fg.make_jaxpr(fnp.sin)(1.0))
    { lambda ; a:f64[]. let
        b:f64[] = sin a
      in (b,) }
    """
    check_callable("make_jaxpr", fun)
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    @api_boundary
    def make(*args, **kwargs):
        dyn = [a for i, a in enumerate(args) if i not in static]
        leaves, in_tree = tree_flatten(tuple(dyn))
        # Python scalars stay weakly typed, as jit stages them
        avals = [abstractify(x if type(x) in (bool, int, float, complex) else as_leaf(x))
                 for x in leaves]

        def flat_fun(*xs):
            it = iter(tree_unflatten(in_tree, xs))
            full = [a if i in static else next(it) for i, a in enumerate(args)]
            return fun(*full, **kwargs)

        jaxpr, _ = stage_flat(flat_fun, avals, "make_jaxpr")
        return jaxpr

    return make
