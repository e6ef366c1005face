"""Sorting, searching, order statistics and set operations of the numpy API: sort, argsort,
lexsort, partition, searchsorted, digitize, median/percentile/quantile (and their nan versions),
unique and its array-API forms, isin and the 1-d set operations.

sort is a primitive differentiable through its permutation (fungrad._lax.sorting), so the order
statistics, which interpolate between entries of the sorted array, have exact gradients.
unique and the set operations have value-dependent shapes: they work on concrete values, and
under jit/vmap take jax.numpy's `size=` (and `fill_value=`), as nonzero does.

Imports: _core, lax, numpy._promote, numpy.ufuncs, numpy.reductions, numpy.shape,
numpy.indexing.
"""
from __future__ import annotations

from typing import Sequence

import collections

import numpy as np

from fungrad._core.array import fresh
from fungrad._core.typing import Array, ArrayLike
from fungrad._core.dtypes import is_float
from fungrad._core.errors import AxisError, DtypeError, ShapeError
from fungrad._core.trace import Tracer, get_aval
from fungrad import _lax as lax
from fungrad._lax import _args
from fungrad._lax import cumulative as _cum
from fungrad._lax import scatter as _scatter
from fungrad._lax import sorting as _sorting
from fungrad._lax._along_axis import take_along_axis as _take_along
from fungrad.numpy._promote import asarray, cast, promote, promote_inexact
from fungrad.numpy.indexing import (
    compact, concrete_or_none, need_size_error, take)
from fungrad.numpy.reductions import (
    any as _any, argmax as _argmax, check_out, normalize_axes, sum as _sum)
from fungrad.numpy.shape import concatenate, ravel, reshape
from fungrad.numpy.ufuncs import (
    add, equal, floor, greater, greater_equal, isnan, less, logical_and, logical_not, multiply,
    logical_or, not_equal, subtract, where)

__all__ = [
    "argpartition", "argsort", "digitize", "intersect1d", "isin", "lexsort", "median",
    "nanmedian", "nanpercentile", "nanquantile", "partition", "percentile", "quantile",
    "searchsorted", "setdiff1d", "setxor1d", "sort", "sort_complex", "union1d", "unique",
    "unique_all", "unique_counts", "unique_inverse", "unique_values"]


def _axis_or_flat(x, axis):
    if axis is None:
        return ravel(x), 0
    nd = get_aval(x).ndim
    if nd == 0:
        raise ValueError("axis out of bounds for a 0-d array (use axis=None)")
    return x, normalize_axes(axis, nd)[0]


def sort(a: ArrayLike, axis: int = -1, kind: str | None = None, order: str | None = None, *,
        stable: bool = True, descending: bool = False) -> Array:
    """numpy.sort (always stable); differentiable through the sorting permutation.

    >>> import fungrad.numpy as fnp
    >>> fnp.sort(fnp.array([[3, 1], [2, 5]]), axis=-1)
    array([[1, 3],
           [2, 5]])
    """
    _no_order(order)
    x, ax = _axis_or_flat(asarray(a), axis)
    return _sorting.sort(x, ax, descending)


def argsort(a: ArrayLike, axis: int = -1, kind: str | None = None, order: str | None = None, *,
        stable: bool = True, descending: bool = False) -> Array:
    """numpy.argsort (stable: equal entries keep their order; integers, zero gradient).

    >>> import fungrad.numpy as fnp
    >>> fnp.argsort(fnp.array([3, 1, 2, 1]))
    array([1, 3, 2, 0])
    """
    _no_order(order)
    x, ax = _axis_or_flat(asarray(a), axis)
    return _sorting.argsort(x, ax, descending)


def _no_order(order):
    if order is not None:
        raise NotImplementedError("sort/argsort: order= (structured arrays) is not supported")


def lexsort(keys: Sequence[ArrayLike] | ArrayLike, axis: int = -1) -> Array:
    """Indirect stable sort by several keys, the last one primary (numpy.lexsort).

    >>> import fungrad.numpy as fnp
    >>> fnp.lexsort((fnp.array([1, 0, 1]), fnp.array([2, 2, 1])))
    array([2, 1, 0])
    """
    given = keys
    if isinstance(keys, (list, tuple)):
        keys = [asarray(k) for k in keys]
    else:  # an array: its rows are the keys
        k = asarray(keys)
        keys = [k[i] for i in range(get_aval(k).shape[0])] if get_aval(k).ndim else []
    if not keys:
        raise TypeError("numpy.lexsort: need sequence of keys with len > 0, got "
                        f"{_args.describe(given)}.")
    shapes = {get_aval(k).shape for k in keys}
    if len(shapes) > 1:
        raise ShapeError(f"numpy.lexsort: all keys need to be the same shape, got "
                         f"{', '.join(get_aval(k).str_short() for k in keys)}.")
    nd = get_aval(keys[0]).ndim
    if nd == 0:  # one entry, at position 0; axis 0 or -1, as for one axis (numpy)
        if _args.static_int(axis, "axis", "numpy.lexsort") not in (0, -1):
            raise AxisError(f"numpy.lexsort: axis {axis} is out of bounds for 0-d keys; "
                            "allowed: 0 or -1.")
        return fresh(np.zeros((), np.int64))
    ax = _args.axis(axis, nd, "axis", "numpy.lexsort")
    perm = _sorting.argsort(keys[0], ax)
    for k in keys[1:]:
        perm = _take_along(perm, _sorting.argsort(_take_along(k, perm, ax), ax), ax)
    return perm


def _check_kth(name, a, kth, axis):
    """numpy's checks of partition's kth: integers (not booleans) within the axis."""
    x = asarray(a)
    aval = get_aval(x)
    n = aval.size if axis is None else aval.shape[normalize_axes(axis, aval.ndim)[0]] \
        if aval.ndim else 1
    k = np.asarray(kth)
    if k.dtype == bool:
        raise ValueError(f"{name}: booleans are not valid partition indices (kth={kth!r})")
    if k.dtype.kind not in "iu" or k.ndim > 1:
        raise TypeError(f"{name}: kth must be an int or a 1-d sequence of ints, got {kth!r}")
    if np.any((k < -n) | (k >= n)):
        raise ValueError(f"{name}: kth={kth!r} is out of bounds for an axis of size {n}")
    return x


def partition(a: ArrayLike, kth: int | Sequence[int], axis: int = -1) -> Array:
    """numpy.partition: a full (stable) sort, which is one valid partition around every kth.

    >>> import fungrad.numpy as fnp
    >>> fnp.partition(fnp.array([3, 1, 2]), 1)
    array([1, 2, 3])
    """
    return sort(_check_kth("partition", a, kth, axis), axis)


def argpartition(a: ArrayLike, kth: int | Sequence[int], axis: int = -1) -> Array:
    """Indices that partition `a` around its kth entry (a full stable argsort, as numpy allows).

    >>> import fungrad.numpy as fnp
    >>> fnp.argpartition(fnp.array([3, 1, 2]), 1)
    array([1, 2, 0])
    """
    return argsort(_check_kth("argpartition", a, kth, axis), axis)


def sort_complex(a: ArrayLike) -> Array:
    """Sort by real part (then imaginary); returns a complex array, as numpy.

    >>> import fungrad.numpy as fnp
    >>> fnp.sort_complex(fnp.array([2.0, 1.0]))
    array([1.+0.j, 2.+0.j])
    """
    x = asarray(a)
    if isinstance(x, np.ndarray):
        return fresh(np.sort_complex(x))
    if get_aval(x).dtype.kind == "c":
        raise NotImplementedError("sort_complex of a traced complex value: complex numbers are "
                                  "not supported by fungrad's transforms yet")
    return cast(sort(x, -1), np.result_type(get_aval(x).dtype, np.complex64))


def searchsorted(a: ArrayLike, v: ArrayLike, side: str = "left", sorter: ArrayLike | None = None, *,
        method: str = "scan") -> Array:
    """Insertion indices of `v` into the 1-d sorted `a` (integers, zero gradient).

    >>> import fungrad.numpy as fnp
    >>> fnp.searchsorted(fnp.array([1, 2, 3]), fnp.array([2, 5]))
    array([1, 3])
    """
    a = asarray(a)
    if get_aval(a).ndim != 1:
        raise ValueError("searchsorted: a must be 1-dimensional")
    if sorter is not None:
        a = take(a, sorter)
    a, v = promote(a, asarray(v))
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    return _sorting.searchsorted(a, v, side)


def digitize(x: ArrayLike, bins: ArrayLike, right: bool = False) -> Array:
    """numpy.digitize for increasing or decreasing bins.

    >>> import fungrad.numpy as fnp
    >>> fnp.digitize(fnp.array([0.5, 1.5, 2.5]), fnp.array([1.0, 2.0]))
    array([0, 1, 2])
    """
    x, bins = asarray(x), asarray(bins)
    for arg, v in (("x", x), ("bins", bins)):
        if get_aval(v).dtype.kind == "c":  # numpy: no complex x, no cast of complex bins
            raise DtypeError(f"numpy.digitize: {arg} may not be complex, got "
                             f"{get_aval(v).str_short()}.")
    x, bins = promote(x, bins)
    if get_aval(bins).ndim != 1:
        raise ValueError(f"numpy.digitize: bins must be 1-dimensional, got "
                         f"{get_aval(bins).str_short()}")
    n = get_aval(bins).shape[0]
    side = "left" if right else "right"
    if n == 0:
        return lax.broadcast_to(np.zeros((), np.int64), get_aval(x).shape)
    up = _sorting.searchsorted(bins, x, side)
    down = subtract(n, _sorting.searchsorted(bins[::-1], x, side))  # numpy's rule
    c = concrete_or_none(bins)
    if c is not None:
        return up if _bins_direction(c) > 0 else down
    if n == 1:
        return up
    # numpy's direction: bins[0] against the first entry that differs from it (none: rising)
    differs = not_equal(bins[1:], bins[0])
    first = add(_argmax(differs), 1)
    increasing = logical_or(logical_not(_any(differs)), less(bins[0], take(bins, first)))
    return where(increasing, up, down)


def _bins_direction(c):
    """1 for increasing bins, -1 for decreasing ones (numpy's check: the direction is set by
    the first entry that differs from the first, every later pair must follow it; a NaN
    compares false both ways), or numpy's ValueError."""
    c = np.asarray(c, np.float64)
    differ = np.flatnonzero(c[1:] != c[0])
    if not differ.size:
        return 1
    i = int(differ[0]) + 1
    rest = c[i:]
    if c[0] < c[i]:
        ok, direction = not np.any(rest[:-1] > rest[1:]), 1
    else:
        ok, direction = not np.any(rest[:-1] < rest[1:]), -1
    if not ok:
        raise ValueError(f"numpy.digitize: bins must be monotonically increasing or decreasing, "
                         f"got {_args.describe(c)} {np.array2string(c, threshold=8)}")
    return direction


# ---- order statistics
_CONTINUOUS = {"interpolated_inverted_cdf": (0.0, 1.0), "hazen": (0.5, 0.5), "weibull": (0., 0.),
               "median_unbiased": (1 / 3.0, 1 / 3.0), "normal_unbiased": (3 / 8.0, 3 / 8.0)}
_METHODS = {"linear", "lower", "higher", "midpoint", "nearest", "inverted_cdf",
            "averaged_inverted_cdf", "closest_observation", *_CONTINUOUS}


def _virtual_index(n, q, method):
    """(index, gamma): gamma None for the methods that pick one order statistic (numpy's
    _QuantileMethods); n may be an array (nan versions: the count of non-NaNs per slice)."""
    if method == "linear":
        return multiply(subtract(n, 1), q), "fraction"
    if method in _CONTINUOUS:
        alpha, beta = _CONTINUOUS[method]
        return subtract(add(multiply(n, q), add(alpha, multiply(q, 1 - alpha - beta))), 1), \
            "fraction"
    vi = multiply(subtract(n, 1), q)
    if method == "lower":
        return floor(vi), None
    if method == "higher":
        return _ceil(vi), None
    if method == "nearest":
        return lax.round(vi), None
    if method == "midpoint":
        return vi, "midpoint"
    if method == "averaged_inverted_cdf":
        return subtract(multiply(n, q), 1), "averaged"
    if method == "inverted_cdf":
        index = subtract(multiply(n, q), 1)
        prev = floor(index)
        return where(equal(subtract(index, prev), 0), prev, add(prev, 1)), None
    if method == "closest_observation":
        index = subtract(subtract(multiply(n, q), 1), 0.5)
        prev = floor(index)
        odd = equal(subtract(prev, multiply(floor(multiply(prev, 0.5)), 2)), 1)
        pick_prev = logical_and(equal(subtract(index, prev), 0), odd)
        return where(pick_prev, prev, add(prev, 1)), None
    raise ValueError(f"{method!r} is not a valid method. Use one of: {sorted(_METHODS)}")


def _ceil(x):
    return lax.ceil(x)


def _lerp(a, b, t):
    """numpy's _lerp: a + (b - a) t, computed from b's side for t >= 0.5 (exact at t = 1)."""
    diff = subtract(b, a)
    return where(greater_equal(t, 0.5), subtract(b, multiply(diff, subtract(1, t))),
                 add(a, multiply(diff, t)))


def _quantile(a, q, axis, method, keepdims, ignore_nan, name):
    if method not in _METHODS:
        raise ValueError(f"{method!r} is not a valid method. Use one of: {sorted(_METHODS)}")
    x, = promote_inexact(asarray(a))
    # numpy's dtypes: a Python q takes x's dtype; an array q keeps its own (float64 for lists),
    # which the interpolating methods' results then have
    if isinstance(q, (int, float)):
        q = np.asarray(q, get_aval(x).dtype)
    else:
        q = asarray(q)
        if not is_float(get_aval(q).dtype):
            q = cast(q, np.dtype(np.float64))
    aval = get_aval(x)
    nd = aval.ndim
    axes = normalize_axes(axis, nd)
    kept = [i for i in range(nd) if i not in axes]
    # the reduced axes last, flattened into one
    xt = lax.transpose(x, kept + list(axes))
    lead = tuple(aval.shape[i] for i in kept)
    n = 1
    for i in axes:
        n *= aval.shape[i]
    xt = lax.reshape(xt, lead + (n,))
    s = _sorting.sort(xt, len(lead))  # NaNs sort to the end
    dtype = get_aval(s).dtype
    qshape = get_aval(q).shape
    if ignore_nan:
        count = _sum(logical_not(isnan(xt)), -1, dtype=dtype, keepdims=True)  # (*lead, 1)
        count = lax.reshape(count, lead + (1,) * len(qshape))
    else:
        count = np.asarray(n, dtype)
    vi, kind = _virtual_index(count, q, method)
    vi = lax.broadcast_to(vi, np.broadcast_shapes(get_aval(vi).shape, lead + (1,) * len(qshape))
                          if ignore_nan else get_aval(vi).shape)
    top = subtract(count, 1)

    def gather(index):
        index = _clip_index(index, top)
        index = cast(index, np.dtype(np.int64))
        ishape = get_aval(index).shape
        flat_q = 1
        for d in qshape:
            flat_q *= d
        if len(ishape) == len(qshape):  # one index for every slice
            index = lax.broadcast_to(lax.reshape(index, (1,) * len(lead) + (flat_q,)),
                                     lead + (flat_q,))
        else:
            index = lax.reshape(index, lead + (flat_q,))
        g = _take_along(s, index, len(lead))
        return lax.reshape(g, lead + qshape)

    if kind is None:
        out = gather(vi)
    else:
        prev = floor(vi)
        gamma = subtract(vi, prev)
        if kind == "midpoint":
            gamma = where(equal(gamma, 0), np.zeros((), dtype), np.asarray(0.5, dtype))
        elif kind == "averaged":  # (numpy's gamma here is float64)
            gamma = where(equal(gamma, 0), np.float64(0.5), np.float64(1.0))
        below = lax.lt(vi, np.zeros((), get_aval(vi).dtype))
        above = greater_equal(vi, top)
        lo = where(below, 0, where(above, top, prev))
        hi = where(below, 0, where(above, top, add(prev, 1)))
        gamma = lax.broadcast_to(gamma, get_aval(vi).shape)
        if get_aval(gamma).ndim == len(qshape):
            gamma = lax.broadcast_to(gamma, lead + qshape)
        else:
            gamma = lax.reshape(gamma, lead + qshape)
        lo_v, hi_v = gather(lo), gather(hi)
        out = _lerp(lo_v, hi_v, gamma)
        if name == "median":  # numpy's median is the mean of the middle entries (median of
            # [1, inf] is inf, where the lerp would give inf - inf)
            out = where(equal(gamma, 0), lo_v, multiply(add(lo_v, hi_v), 0.5))
    if ignore_nan:
        empty = lax.reshape(equal(count, 0), lead + (1,) * len(qshape))
        out = where(empty, np.nan, out)
    else:
        has_nan = lax.reshape(_any(isnan(xt), -1), lead + (1,) * len(qshape))
        out = where(has_nan, np.nan, out)
    # q's axes first, as numpy
    nl = len(lead)
    out = lax.transpose(out, list(range(nl, nl + len(qshape))) + list(range(nl)))
    if keepdims:
        shape = qshape + tuple(1 if i in axes else d for i, d in enumerate(aval.shape))
        out = lax.reshape(out, shape)
    return out


def _clip_index(index, top):
    index = where(lax.lt(index, np.zeros((), get_aval(index).dtype)), 0, index)
    return where(greater(index, top), top, index)


def _check_q(q, lo, hi, name):
    if not isinstance(q, (int, float)):
        qa = get_aval(asarray(q))
        if qa.ndim > 2:
            raise ShapeError(f"numpy.{name.lower()}: q must be a scalar or 1d (numpy takes up to "
                             f"2-D), got {qa.str_short()}")
        if qa.size == 0 and qa.ndim != 1:  # numpy checks its range with q.min(): no identity
            raise ShapeError(f"numpy.{name.lower()}: q is empty with {qa.ndim} dimensions "
                             f"({qa.str_short()}); numpy takes an empty q as a 1-D array only")
    c = concrete_or_none(asarray(q)) if not isinstance(q, (int, float)) else np.asarray(q)
    if c is not None and c.size and (np.any(c < lo) or np.any(c > hi)):
        raise ValueError(f"{name}s must be in the range [{lo}, {hi}]")


def quantile(a: ArrayLike, q: ArrayLike, axis: int | tuple[int, ...] | None = None, out: None = None,
        overwrite_input: bool = False, method: str = "linear",
             keepdims: bool = False, *, weights: ArrayLike | None = None,
             interpolation: str | None = None) -> Array:
    """The q-th quantiles over `axis` (q in [0, 1]); every numpy method. Differentiable in `a`
    through the sort (and in q for the interpolating methods).

    >>> import fungrad.numpy as fnp
    >>> fnp.quantile(fnp.array([1.0, 2.0, 3.0, 4.0]), fnp.array([0.0, 0.5, 1.0]))
    array([1. , 2.5, 4. ])
    """
    return _quantile_api(a, q, axis, out, method, keepdims, weights, interpolation, False,
                         "quantile", 1.0)


def percentile(a: ArrayLike, q: ArrayLike, axis: int | tuple[int, ...] | None = None, out: None = None,
        overwrite_input: bool = False, method: str = "linear",
               keepdims: bool = False, *, weights: ArrayLike | None = None,
               interpolation: str | None = None) -> Array:
    """The q-th percentiles over `axis` (q in [0, 100]).

    >>> import fungrad.numpy as fnp
    >>> fnp.percentile(fnp.array([1.0, 2.0, 3.0, 4.0]), 50)
    array(2.5)
    """
    return _quantile_api(a, q, axis, out, method, keepdims, weights, interpolation, False,
                         "percentile", 100.0)


def nanquantile(a: ArrayLike, q: ArrayLike, axis: int | tuple[int, ...] | None = None, out: None = None,
        overwrite_input: bool = False, method: str = "linear",
                keepdims: bool = False, *, weights: ArrayLike | None = None,
                interpolation: str | None = None) -> Array:
    """The q-th quantiles over `axis` ignoring NaNs.

    >>> import fungrad.numpy as fnp
    >>> fnp.nanquantile(fnp.array([1.0, fnp.nan, 3.0]), 0.5)
    array(2.)
    """
    return _quantile_api(a, q, axis, out, method, keepdims, weights, interpolation, True,
                         "quantile", 1.0)


def nanpercentile(a: ArrayLike, q: ArrayLike, axis: int | tuple[int, ...] | None = None, out: None = None,
        overwrite_input: bool = False, method: str = "linear",
                  keepdims: bool = False, *, weights: ArrayLike | None = None,
                  interpolation: str | None = None) -> Array:
    """The q-th percentiles over `axis` ignoring NaNs.

    >>> import fungrad.numpy as fnp
    >>> fnp.nanpercentile(fnp.array([1.0, fnp.nan, 3.0]), 50)
    array(2.)
    """
    return _quantile_api(a, q, axis, out, method, keepdims, weights, interpolation, True,
                         "percentile", 100.0)


def _quantile_api(a, q, axis, out, method, keepdims, weights, interpolation, ignore_nan, name,
                  scale):
    check_out(out, name)
    if weights is not None:
        raise NotImplementedError(f"{name}: weights= is not supported")
    if interpolation is not None:
        method = interpolation
    _check_q(q, 0, scale, name.capitalize())
    if scale != 1.0:
        q = multiply(asarray(q) if not isinstance(q, (int, float)) else float(q), 1 / scale) \
            if not isinstance(q, (int, float)) else q / scale
    return _quantile(a, q, axis, method, keepdims, ignore_nan, name)


def median(a: ArrayLike, axis: int | tuple[int, ...] | None = None, out: None = None,
        overwrite_input: bool = False, keepdims: bool = False) -> Array:
    """The median over `axis`: the mean of the two middle entries of an even count (the
    gradient splits between them).

    >>> import fungrad.numpy as fnp
    >>> fnp.median(fnp.array([[1.0, 3.0], [2.0, 8.0]]), axis=0)
    array([1.5, 5.5])
    """
    check_out(out, "median")
    return _quantile(a, 0.5, axis, "linear", keepdims, False, "median")


def nanmedian(a: ArrayLike, axis: int | tuple[int, ...] | None = None, out: None = None,
        overwrite_input: bool = False, keepdims: bool = False) -> Array:
    """The median over `axis` ignoring NaNs.

    >>> import fungrad.numpy as fnp
    >>> fnp.nanmedian(fnp.array([1.0, fnp.nan, 3.0]))
    array(2.)
    """
    check_out(out, "nanmedian")
    return _quantile(a, 0.5, axis, "linear", keepdims, True, "median")


# ---- unique and set operations
def _unique_sorted(flat, equal_nan=True):
    """(sorted values, sort permutation, first-of-group mask) of a 1-d array."""
    perm = _sorting.argsort(flat, 0)
    s = _take_along(flat, perm, 0)
    n = get_aval(flat).shape[0]
    if n == 0:
        return s, perm, np.zeros(0, bool)
    new = not_equal(s[1:], s[:-1])
    if equal_nan and is_float(get_aval(s).dtype):
        new = logical_and(new, logical_not(logical_and(isnan(s[1:]), isnan(s[:-1]))))
    first = concatenate([np.ones(1, bool), new])
    return s, perm, first


UniqueAllResult = collections.namedtuple("UniqueAllResult",
                                         ["values", "indices", "inverse_indices", "counts"])
UniqueCountsResult = collections.namedtuple("UniqueCountsResult", ["values", "counts"])
UniqueInverseResult = collections.namedtuple("UniqueInverseResult",
                                             ["values", "inverse_indices"])


def unique(ar: ArrayLike, return_index: bool = False, return_inverse: bool = False,
        return_counts: bool = False, axis: int | tuple[int, ...] | None = None, *,
           equal_nan: bool = True, size: int | None = None, fill_value: ArrayLike | None = None,
           sorted: bool = True) -> Array | tuple[Array, ...]:
    """numpy.unique. Concrete input: numpy's result (values gathered from a traced input keep
    their gradient). Under jit/vmap pass `size=` (results padded with `fill_value`, by default
    the smallest unique value; counts padded with 0).

    >>> import fungrad.numpy as fnp
    >>> fnp.unique(fnp.array([3, 1, 3, 2]))
    array([1, 2, 3])
    >>> fnp.unique(fnp.array([3, 1, 3]), size=4, fill_value=0)
    array([1, 3, 0, 0])
    """
    x = asarray(ar)
    c = concrete_or_none(x)
    if axis is not None:
        if c is None:
            raise need_size_error("unique with axis=", x, hint="")
        ax = normalize_axes(axis, get_aval(x).ndim)[0]
        vals, index, inverse, counts = np.unique(c, True, True, True, axis=ax,
                                                 equal_nan=equal_nan)
        values = take(x, index, axis=ax) if isinstance(x, Tracer) else vals
        return _unique_result(values, index, inverse, counts, return_index, return_inverse,
                              return_counts)
    if c is not None and size is None:
        vals, index, inverse, counts = np.unique(c, True, True, True, equal_nan=equal_nan)
        values = take(ravel(x), index) if isinstance(x, Tracer) else vals
        return _unique_result(values, np.asarray(index, np.int64), np.asarray(inverse, np.int64),
                              np.asarray(counts, np.int64), return_index, return_inverse,
                              return_counts)
    if size is None:
        raise need_size_error("unique", x)
    flat = ravel(x)
    n = get_aval(flat).shape[0]
    s, perm, first = _unique_sorted(flat, equal_nan)
    group = subtract(_cum.cumsum(cast(first, np.dtype(np.int64)), 0), 1)
    fill = s[0] if fill_value is None and n else (0 if fill_value is None else fill_value)
    values = compact(s, first, size, fill)
    out = [values]
    if return_index:
        out.append(compact(perm, first, size, 0))
    if return_inverse:
        inv = _scatter.scatter(np.zeros(n, np.int64), group, ("array",), [perm])
        out.append(reshape(inv, get_aval(x).shape))
    if return_counts:
        counts = lax.scatter_add(np.zeros(size + 1, np.int64), np.ones(n, np.int64), ("array",),
                                 [where(less(group, size), group, size)])
        out.append(counts[:size])
    return out[0] if len(out) == 1 else tuple(out)


def _unique_result(values, index, inverse, counts, ri, rv, rc):
    out = [fresh(values)]  # numpy's fresh results as fungrad.Arrays (a traced one as it is)
    if ri:
        out.append(fresh(index))
    if rv:
        out.append(fresh(inverse))
    if rc:
        out.append(fresh(counts))
    return out[0] if len(out) == 1 else tuple(out)


def unique_values(x: ArrayLike, /, *, size: int | None = None, fill_value: ArrayLike | None = None) -> Array:
    # without return_* flags unique returns one array
    """The sorted unique values (array API).

    >>> import fungrad.numpy as fnp
    >>> fnp.unique_values(fnp.array([2, 1, 2]))
    array([1, 2])
    """
    return unique(x, size=size, fill_value=fill_value)  # type: ignore[return-value]


def unique_counts(x: ArrayLike, /, *, size: int | None = None,
        fill_value: ArrayLike | None = None) -> tuple[Array, Array]:
    """The unique values and how often each occurs (array API).

    >>> import fungrad.numpy as fnp
    >>> fnp.unique_counts(fnp.array([2, 1, 2]))
    UniqueCountsResult(values=array([1, 2]), counts=array([1, 2]))
    """
    v, c = unique(x, return_counts=True, size=size, fill_value=fill_value)
    return UniqueCountsResult(v, c)


def unique_inverse(x: ArrayLike, /, *, size: int | None = None,
        fill_value: ArrayLike | None = None) -> tuple[Array, Array]:
    """The unique values and the indices that rebuild the input from them (array API).

    >>> import fungrad.numpy as fnp
    >>> fnp.unique_inverse(fnp.array([2, 1, 2]))
    UniqueInverseResult(values=array([1, 2]), inverse_indices=array([1, 0, 1]))
    """
    v, i = unique(x, return_inverse=True, size=size, fill_value=fill_value)
    return UniqueInverseResult(v, reshape(i, get_aval(asarray(x)).shape))


def unique_all(x: ArrayLike, /, *, size: int | None = None,
        fill_value: ArrayLike | None = None) -> tuple[Array, Array, Array, Array]:
    """The unique values with their first indices, inverse indices and counts (array API).

    >>> import fungrad.numpy as fnp
    >>> result = fnp.unique_all(fnp.array([2, 1, 2]))
    >>> result.values, result.indices, result.counts
    (array([1, 2]), array([1, 0]), array([1, 2]))
    """
    v, idx, inv, c = unique(x, True, True, True, size=size, fill_value=fill_value)
    return UniqueAllResult(v, idx, reshape(inv, get_aval(asarray(x)).shape), c)


def isin(element: ArrayLike, test_elements: ArrayLike, assume_unique: bool = False, invert: bool = False, *,
        kind: str | None = None) -> Array:
    """Elementwise membership of `element` in `test_elements` (a sort and a binary search:
    O((n + m) log m), traceable).

    >>> import fungrad.numpy as fnp
    >>> fnp.isin(fnp.array([1, 2, 3]), fnp.array([2, 4]))
    array([False,  True, False])
    """
    e, t = promote(asarray(element), asarray(test_elements))
    t = ravel(t)
    m = get_aval(t).shape[0]
    if m == 0:
        found = lax.broadcast_to(np.zeros((), bool), get_aval(e).shape)
    else:
        st = _sorting.sort(t, 0)
        pos = _sorting.searchsorted(st, e, "left")
        pos = where(greater_equal(pos, m), m - 1, pos)
        found = equal(take(st, pos), e)
    return logical_not(found) if invert else found


def in1d(ar1, ar2, assume_unique=False, invert=False, *, kind=None):
    return isin(ravel(asarray(ar1)), ar2, assume_unique, invert)


def _setop(name, fn, arrays, size, fill_value):
    """numpy's result for concrete inputs; traced inputs need `size=`."""
    cs = [concrete_or_none(asarray(a)) for a in arrays]
    if all(c is not None for c in cs) and size is None:
        return fn(*cs)
    if size is None:
        raise need_size_error(name, asarray(arrays[0]))
    return None


def union1d(ar1: ArrayLike, ar2: ArrayLike, *, size: int | None = None,
        fill_value: ArrayLike | None = None) -> Array:
    """The sorted unique values in either array.

    >>> import fungrad.numpy as fnp
    >>> fnp.union1d(fnp.array([1, 3]), fnp.array([2, 3]))
    array([1, 2, 3])
    """
    x = concatenate([ravel(asarray(ar1)), ravel(asarray(ar2))])
    # without return_* flags unique returns one array
    return unique(x, size=size, fill_value=fill_value)  # type: ignore[return-value]


def _unique_padded(x):
    """(sorted values, mask of the first of each group) of a 1-d array: unique without
    compacting, traceable."""
    s, _, first = _unique_sorted(ravel(asarray(x)))
    return s, first


def intersect1d(ar1: ArrayLike, ar2: ArrayLike, assume_unique: bool = False, return_indices: bool = False, *,
        size: int | None = None,
                fill_value: ArrayLike | None = None) -> Array | tuple[Array, Array, Array]:
    """The sorted unique values in both arrays.

    >>> import fungrad.numpy as fnp
    >>> fnp.intersect1d(fnp.array([1, 3, 4, 3]), fnp.array([3, 1, 2, 1]))
    array([1, 3])
    """
    if return_indices:
        c1, c2 = concrete_or_none(asarray(ar1)), concrete_or_none(asarray(ar2))
        if c1 is None or c2 is None:
            raise need_size_error("intersect1d with return_indices", asarray(ar1), hint="")
        vals, i1, i2 = np.intersect1d(c1, c2, assume_unique, True)
        return take(ravel(asarray(ar1)), i1), fresh(np.asarray(i1, np.int64)), fresh(np.asarray(i2, np.int64))
    r = _setop("intersect1d", lambda a, b: np.intersect1d(a, b, assume_unique), (ar1, ar2), size,
               fill_value)
    if r is not None:
        return _keep_grad(ar1, r)
    s, first = _unique_padded(ar1)
    return compact(s, logical_and(first, isin(s, ar2)), size, _fill(s, fill_value))


def setdiff1d(ar1: ArrayLike, ar2: ArrayLike, assume_unique: bool = False, *, size: int | None = None,
        fill_value: ArrayLike | None = None) -> Array:
    """The sorted unique values of ar1 that are not in ar2.

    >>> import fungrad.numpy as fnp
    >>> fnp.setdiff1d(fnp.array([1, 2, 3, 4]), fnp.array([2, 4]))
    array([1, 3])
    """
    r = _setop("setdiff1d", lambda a, b: np.setdiff1d(a, b, assume_unique), (ar1, ar2), size,
               fill_value)
    if r is not None:
        return _keep_grad(ar1, r)
    s, first = _unique_padded(ar1)
    return compact(s, logical_and(first, isin(s, ar2, invert=True)), size, _fill(s, fill_value))


def setxor1d(ar1: ArrayLike, ar2: ArrayLike, assume_unique: bool = False, *, size: int | None = None,
        fill_value: ArrayLike | None = None) -> Array:
    """The sorted unique values in exactly one of the arrays.

    >>> import fungrad.numpy as fnp
    >>> fnp.setxor1d(fnp.array([1, 2, 3]), fnp.array([2, 3, 4]))
    array([1, 4])
    """
    r = _setop("setxor1d", lambda a, b: np.setxor1d(a, b, assume_unique), (ar1, ar2), size,
               fill_value)
    if r is not None:
        return _keep_grad(None, r)
    s1, f1 = _unique_padded(ar1)
    s2, f2 = _unique_padded(ar2)
    s = concatenate([s1, s2])
    keep = concatenate([logical_and(f1, isin(s1, ar2, invert=True)),
                        logical_and(f2, isin(s2, ar1, invert=True))])
    # sort the kept values first: dropped ones move to the end behind a key
    key = where(keep, 0, 1)
    perm = lexsort([s, key])
    return compact(take(s, perm), take(keep, perm), size, _fill(s, fill_value))


def _fill(s, fill_value):
    if fill_value is not None:
        return fill_value
    return s[0] if get_aval(s).shape[0] else 0


def _keep_grad(source, result):
    """A set operation's concrete result; values drawn from a traced `source` are gathered from
    it so that they keep their gradient."""
    result = np.asarray(result)
    if source is None or not isinstance(source, Tracer):
        return fresh(result)
    src = concrete_or_none(source)
    flat = np.ravel(src)
    order = np.argsort(flat, kind="stable")
    pos = order[np.searchsorted(flat[order], result)]
    return take(ravel(source), pos)
