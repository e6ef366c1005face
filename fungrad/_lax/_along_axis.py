"""Helpers (no primitives) shared by the cumulative, sorting and scatter primitives: gathering
along one axis with an index array of the same shape (numpy's take_along_axis), built on getitem.

Imports: _core, lax.indexing, lax.shape.
"""
import numpy as np

from fungrad._core.trace import get_aval
from fungrad._lax.indexing import getitem_p


def iota_along(shape, axis, dtype=np.int64):
    """The concrete index array arange(shape[axis]) shaped to broadcast along `axis` of `shape`."""
    n = len(shape)
    return np.arange(shape[axis], dtype=dtype).reshape(
        tuple(shape[axis] if i == axis else 1 for i in range(n)))


def along_axis_index(idx_aval_shape, idx, axis):
    """The getitem (spec, arrays) taking x[i0, .., idx, .., in] with broadcast iotas elsewhere:
    the result has the index array's shape (numpy's take_along_axis)."""
    n = len(idx_aval_shape)
    arrays = []
    for d in range(n):
        if d == axis:
            arrays.append(idx)
        else:
            arrays.append(iota_along(idx_aval_shape, d))
    return ("array",) * n, arrays


def take_along_axis(x, idx, axis):
    """x gathered along `axis` by the integer array `idx` (same rank as x; other axes of idx of
    size 1 or equal to x's). Differentiable in x (getitem's rules); O(size of idx)."""
    xs, ishape = get_aval(x).shape, get_aval(idx).shape
    if not xs:
        return x
    shape = np.broadcast_shapes(xs[:axis] + (ishape[axis],) + xs[axis + 1:], ishape)
    spec, arrays = along_axis_index(shape, idx, axis)
    return getitem_p.bind(x, *arrays, spec=spec)
