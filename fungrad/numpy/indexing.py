"""numpy indexing of traced values: basic (ints, slices, None, Ellipsis), integer arrays, and
concrete boolean masks, parsed into the static spec of lax.getitem.

Imports: _core, lax, numpy._promote.
"""
import numpy as np

from fungrad._core.errors import ConcretizationError
from fungrad._core.trace import Tracer, get_aval
from fungrad import _lax as lax
from fungrad.numpy._promote import asarray


def _concrete_mask(m):
    if isinstance(m, Tracer):
        try:
            return np.asarray(m.to_concrete("boolean mask indexing"))
        except ConcretizationError as e:
            raise ConcretizationError(
                f"{e}\nBoolean mask indexing x[mask] gives a result whose shape depends on the "
                "mask's values. Fix: use fungrad.numpy.where(mask, x, 0) instead.") from None
    return np.asarray(m)


def parse_index(idx, ndim):
    """(spec, arrays) for lax.getitem from a numpy index expression on an array of rank `ndim`."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    expanded = []
    for item in idx:
        if isinstance(item, list):
            item = np.asarray(item)
        if (isinstance(item, (np.ndarray, Tracer)) and get_aval(item).dtype == np.bool_):
            mask = _concrete_mask(item)
            expanded.extend(np.nonzero(mask) if mask.ndim else [np.asarray(0)] if mask else
                            [np.zeros(0, np.intp)])
        else:
            expanded.append(item)
    consumed = sum(1 for it in expanded if it is not None and it is not Ellipsis)
    if consumed > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but "
                         f"{consumed} were indexed")
    spec, arrays = [], []
    seen_ellipsis = False
    for item in expanded:
        if item is Ellipsis:
            if seen_ellipsis:
                raise IndexError("an index can only have a single ellipsis ('...')")
            seen_ellipsis = True
            spec.extend([lax.FULL] * (ndim - consumed))
        elif item is None:
            spec.append(None)
        elif isinstance(item, slice):
            spec.append(("slice", _static_int(item.start), _static_int(item.stop),
                         _static_int(item.step)))
        elif isinstance(item, (int, np.integer)):
            spec.append(int(item))
        elif isinstance(item, (np.ndarray, Tracer)):
            aval = get_aval(item)
            if not np.issubdtype(aval.dtype, np.integer):
                raise IndexError(f"arrays used as indices must be of integer (or boolean) type, "
                                 f"got {aval.str_short()}")
            spec.append("array")
            arrays.append(item)
        else:
            raise IndexError(f"invalid index {item!r}: only integers, slices, None, Ellipsis, "
                             "and integer or boolean arrays are valid indices")
    return tuple(spec), arrays


def _static_int(v):
    if v is None or isinstance(v, int):
        return v
    if isinstance(v, (np.integer, Tracer)):
        return int(v)
    raise IndexError(f"slice bounds must be integers or None, got {v!r}")


def _check_int_bounds(spec, shape):
    dim = 0
    for s in spec:
        if s is None:
            continue
        if isinstance(s, int):
            if not -shape[dim] <= s < shape[dim]:
                raise IndexError(f"index {s} is out of bounds for axis {dim} with size {shape[dim]}")
        dim += 1


def getitem(a, idx):
    """a[idx] for a traced or concrete array."""
    x = asarray(a)
    aval = get_aval(x)
    spec, arrays = parse_index(idx, aval.ndim)
    _check_int_bounds(spec, aval.shape)
    if not arrays and all(s == lax.FULL for s in spec):
        return x
    return lax.getitem(x, spec, arrays)


def take(a, indices, axis=None):
    x = asarray(a)
    if axis is None:
        x = lax.reshape(x, (get_aval(x).size,))
        axis = 0
    idx = (slice(None),) * (axis % get_aval(x).ndim) + (asarray(indices),)
    return getitem(x, idx)


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal of the 2-D slices over (axis1, axis2), appended as the last axis."""
    x = asarray(a)
    aval = get_aval(x)
    n1, n2 = aval.shape[axis1], aval.shape[axis2]
    k = max(0, min(n1 - max(0, -offset), n2 - max(0, offset)))
    i = np.arange(k) + max(0, -offset)
    j = np.arange(k) + max(0, offset)
    perm = [d for d in range(aval.ndim) if d not in (axis1 % aval.ndim, axis2 % aval.ndim)]
    x = lax.transpose(x, perm + [axis1 % aval.ndim, axis2 % aval.ndim])
    spec = (lax.FULL,) * len(perm) + ("array", "array")
    return lax.getitem(x, spec, [i, j])


def trace(a, offset=0, axis1=0, axis2=1):
    return lax.reduce_sum(diagonal(a, offset, axis1, axis2), (get_aval(asarray(a)).ndim - 2,))
