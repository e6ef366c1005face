"""ravel_pytree, as jax.flatten_util: a pytree of arrays as one flat vector, and back.

>>> import numpy as np
>>> flat, unravel = ravel_pytree({'w': np.ones((2, 2)), 'b': np.zeros(2)})
>>> flat
array([0., 0., 1., 1., 1., 1.])
>>> unravel(flat)['w'].shape
(2, 2)

Works on traced values, so `grad(lambda v: loss(unravel(v)))(flat)` differentiates through it.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from fungrad import numpy as fnp
from fungrad._core.dtypes import result_dtype
from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.trace import Tracer, get_aval
from fungrad._core.tree import tree_flatten

__all__ = ["ravel_pytree"]


def _dtype_arg(x):
    """A leaf's dtype for promotion; Python scalars count as weak (they adopt the arrays' dtype)."""
    if isinstance(x, (bool, int, float, complex)) and not isinstance(x, np.generic):
        return type(x)
    a = get_aval(x if isinstance(x, Tracer) else np.asarray(x))
    return float if a.weak_type and a.dtype.kind == "f" else a.dtype


def ravel_pytree(pytree: Any) -> tuple[Any, Callable[[Any], Any]]:
    """(flat, unravel): `flat` is every leaf raveled and concatenated in tree_leaves order, cast
    to the leaves' promoted dtype (numpy promotion, Python scalars weak, as JAX's result_type);
    `unravel(flat)` rebuilds the pytree, each leaf with its own shape and dtype again.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> from fungrad.flatten_util import ravel_pytree
    >>> flat, unravel = ravel_pytree({'a': fnp.ones(2), 'b': 3.0})
    >>> flat
    array([1., 1., 3.])
    >>> unravel(flat * 2)
    {'a': array([2., 2.]), 'b': array(6.)}
    """
    leaves, treedef = tree_flatten(pytree)
    if not leaves:
        flat = np.zeros(0, np.float64)
        return flat, _Unravel(treedef, [], [], [], flat.dtype)
    avals = [get_aval(x) if isinstance(x, Tracer) else get_aval(np.asarray(x)) for x in leaves]
    dtype = np.dtype(result_dtype(*[_dtype_arg(x) for x in leaves]))
    shapes = [a.shape for a in avals]
    dtypes = [a.dtype for a in avals]
    sizes = [int(np.prod(s, dtype=np.int64)) for s in shapes]
    parts = [fnp.ravel(x if isinstance(x, Tracer) else np.asarray(x)) for x in leaves]
    parts = [p if d == dtype else fnp.astype(p, dtype) for p, d in zip(parts, dtypes)]
    flat = parts[0] if len(parts) == 1 else fnp.concatenate(parts)
    return flat, _Unravel(treedef, shapes, dtypes, sizes, dtype)


class _Unravel:
    """The inverse of one ravel_pytree call: unravel(flat) -> pytree."""

    __slots__ = ("treedef", "shapes", "dtypes", "sizes", "dtype")

    def __init__(self, treedef, shapes, dtypes, sizes, dtype):
        self.treedef, self.shapes, self.dtypes = treedef, shapes, dtypes
        self.sizes, self.dtype = sizes, dtype

    def __call__(self, flat):
        a = get_aval(flat if isinstance(flat, Tracer) else np.asarray(flat))
        total = sum(self.sizes)
        if a.shape != (total,):
            raise ShapeError(
                f"unravel: expected a flat vector of shape ({total},) (the size of the raveled "
                f"pytree {self.treedef!r}), got {a.str_short()}. Fix: pass an array of the "
                "shape ravel_pytree returned.")
        if a.dtype != self.dtype and not (isinstance(flat, (int, float)) or a.weak_type):
            raise DtypeError(
                f"unravel: given an array of dtype {a.dtype.name}, but expected dtype "
                f"{self.dtype.name} (the dtype ravel_pytree returned). Fix: cast it with "
                f".astype({self.dtype.name!r}).")
        if not isinstance(flat, Tracer):
            flat = np.asarray(flat)
        leaves, start = [], 0
        for shape, dt, n in zip(self.shapes, self.dtypes, self.sizes):
            piece = fnp.reshape(flat[start:start + n], shape)
            leaves.append(piece if dt == self.dtype else fnp.astype(piece, dt))
            start += n
        return self.treedef.unflatten(leaves)

    def __repr__(self):
        return f"<unravel_pytree for {self.treedef!r}>"

__dir__ = __all__.copy  # dir() lists the public names only
