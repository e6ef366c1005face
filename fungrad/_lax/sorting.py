"""Sorting along one axis: sort, argsort (stable) and searchsorted.

sort is differentiable through its permutation: the tangent of the sorted array is the input's
tangent gathered by argsort (ties take the stable order), so median, percentile and quantile,
which gather from the sorted array, get exact gradients. argsort and searchsorted return integers
(zero tangents). `descending` sorts from the largest (NaNs first, as the flip of numpy's order);
argsort with descending keeps equal entries in their original order.

Imports: _core, lax.shape, lax._along_axis, lax._jvp_rules.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.primitive import NOT_LINEAR, CallImpl, Emit, Primitive, register
from fungrad._lax import _backend_emit as be
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero
from fungrad._lax._along_axis import take_along_axis
from fungrad._lax._jvp_rules import jvp_zero
from fungrad._lax.shape import broadcast_batch, moveaxis


def _check_axis(name, x, axis):
    if not 0 <= axis < x.ndim:
        raise ShapeError(f"{name}: axis {axis} is out of range for {x.str_short()}")


def _shift_axis_batch(prim):
    def batch(size, vals, dims, *, axis, **params):
        d = dims[0]
        return prim.bind(vals[0], axis=axis + (axis >= d), **params), d
    return batch


# ---- sort
def _sort_impl(x, *, axis, descending):
    out = np.sort(np.asarray(x), axis=axis, kind="stable")
    return np.flip(out, axis) if descending else out


def _sort_abstract(x, *, axis, descending):
    _check_axis("sort", x, axis)
    return shaped(x.shape, x.dtype)


def _sort_jvp(primals, tangents, *, axis, descending):
    x, = primals
    t, = tangents
    out = sort_p.bind(x, axis=axis, descending=descending)
    if type(t) is Zero:
        return out, Zero(get_aval(out).to_tangent_aval())
    perm = argsort_p.bind(x, axis=axis, descending=descending)
    return out, take_along_axis(t, perm, axis)


sort_p = Primitive("sort")
register(sort_p, impl=_sort_impl, abstract_eval=_sort_abstract, jvp=_sort_jvp,
         transpose=NOT_LINEAR, batch=_shift_axis_batch(sort_p),
         emit=(CallImpl(), Emit(be.sort_emit, fresh=True, on=("jax", "cupy", "array_api")),
               be.dask_along_axis()))


# ---- argsort (stable)
def _argsort_impl(x, *, axis, descending):
    x = np.asarray(x)
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    # stable descending: argsort of the reversed array, reversed back (equal entries stay in
    # their original order, NaNs first like the descending sort)
    n = x.shape[axis]
    return (n - 1) - np.flip(np.argsort(np.flip(x, axis), axis=axis, kind="stable"), axis)


def _argsort_abstract(x, *, axis, descending):
    _check_axis("argsort", x, axis)
    return shaped(x.shape, np.dtype(np.int64))


argsort_p = Primitive("argsort")
register(argsort_p, impl=_argsort_impl, abstract_eval=_argsort_abstract, jvp=jvp_zero,
         transpose=NOT_LINEAR, batch=_shift_axis_batch(argsort_p),
         emit=(CallImpl(fresh=True), Emit(be.argsort_emit, fresh=True, on=("jax", "cupy", "array_api")),
               be.dask_along_axis()))


# ---- searchsorted(sorted, values): sorted is (*batch, n), values (*batch, *m); `nbatch` leading
# axes are shared and searched row by row
def _searchsorted_impl(a, v, *, side, nbatch):
    a, v = np.asarray(a), np.asarray(v)
    if nbatch == 0:
        return np.asarray(np.searchsorted(a, v, side=side), np.int64)
    lead = a.shape[:nbatch]
    rows_a = a.reshape((-1, a.shape[-1]))
    rows_v = v.reshape((rows_a.shape[0], -1))
    out = np.empty(rows_v.shape, np.int64)
    for i in range(rows_a.shape[0]):
        out[i] = np.searchsorted(rows_a[i], rows_v[i], side=side)
    return out.reshape(lead + v.shape[nbatch:])


def _searchsorted_abstract(a, v, *, side, nbatch):
    if a.ndim != nbatch + 1 or v.shape[:nbatch] != a.shape[:nbatch]:
        raise ShapeError(f"searchsorted: sorted array {a.str_short()} must be 1-D (per example), "
                         f"values {v.str_short()}")
    if a.dtype != v.dtype:
        raise DtypeError(f"searchsorted requires operands of one dtype, got {a.str_short()} and "
                         f"{v.str_short()}")
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    return shaped(v.shape, np.dtype(np.int64))


def _searchsorted_batch(size, vals, dims, *, side, nbatch):
    a, v = vals
    ad, vd = dims
    if ad is None:  # one sorted array for every example: the values just carry the batch axis
        if nbatch == 0:
            return searchsorted_p.bind(a, v, side=side, nbatch=0), vd
        a = broadcast_batch(a, size, 0)
    else:
        a = moveaxis(a, ad, 0)
    if vd is None:
        v = broadcast_batch(v, size, 0)
    else:
        v = moveaxis(v, vd, 0)
    return searchsorted_p.bind(a, v, side=side, nbatch=nbatch + 1), 0


searchsorted_p = Primitive("searchsorted")
register(searchsorted_p, impl=_searchsorted_impl, abstract_eval=_searchsorted_abstract,
         jvp=jvp_zero, transpose=NOT_LINEAR, batch=_searchsorted_batch,
         emit=(CallImpl(fresh=True), be.xp_call(be.searchsorted_rows, on=("jax",)),
               Emit(be.searchsorted_emit, fresh=True, on=("array_api",)),
               be.dask_blockwise(lambda eqn: (1, eqn.invars[1].aval.ndim - eqn.params["nbatch"]
                                              if eqn.params["nbatch"] else 0))))


def sort(x, axis, descending=False):
    return sort_p.bind(x, axis=int(axis), descending=bool(descending))


def argsort(x, axis, descending=False):
    return argsort_p.bind(x, axis=int(axis), descending=bool(descending))


def searchsorted(a, v, side="left"):
    return searchsorted_p.bind(a, v, side=side, nbatch=0)
