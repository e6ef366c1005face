"""numpy indexing of traced values: basic (ints, slices, None, Ellipsis), integer arrays, and
concrete boolean masks, parsed into the static spec of lax.getitem; the indexing routines of the
numpy API (take, take_along_axis, choose, select, compress, the put/place family, index
builders, r_/c_/s_/index_exp) and the data-dependent ones (nonzero, argwhere, flatnonzero,
extract, compress with a traced condition), which take jax.numpy's `size=`/`fill_value=`
under jit and vmap.

Imports: _core, lax, numpy._promote, numpy.ufuncs.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from fungrad._core.array import fresh
from fungrad._core.typing import Array, ArrayLike, Shape
from fungrad._core.errors import ConcretizationError, DtypeError, ShapeError
from fungrad._core.trace import Tracer, get_aval
from fungrad import _lax as lax
from fungrad._lax import _args
from fungrad._lax import cumulative as _cum
from fungrad._lax import scatter as _scatter
from fungrad._lax._along_axis import take_along_axis as _take_along
from fungrad.numpy._promote import array_only, asarray, cast, promote
from fungrad.numpy.reductions import normalize_axis

__all__ = [
    "argwhere", "c_", "choose", "compress", "diag_indices", "diag_indices_from", "diagonal",
    "extract", "fill_diagonal", "flatnonzero", "index_exp", "ix_", "mask_indices", "nonzero",
    "place", "put", "put_along_axis", "r_", "ravel_multi_index", "s_", "select", "take",
    "take_along_axis", "trace", "tril_indices", "tril_indices_from", "triu_indices",
    "triu_indices_from", "unravel_index"]


def _concrete_mask(m):
    if isinstance(m, Tracer):
        try:
            return np.asarray(m.to_concrete("boolean mask indexing"))
        except ConcretizationError as e:
            raise ConcretizationError(
                f"{e}\nBoolean mask indexing x[mask] gives a result whose shape depends on the "
                "mask's values. Fix: use fungrad.numpy.where(mask, x, 0) instead, or give the "
                "result a static size: x[fungrad.numpy.nonzero(mask, size=n)] (or "
                "fungrad.numpy.compress / extract with size=).") from None
    return np.asarray(m)


def parse_index(idx: Any, ndim: int) -> tuple[Any, list[Any]]:
    """(spec, arrays) for lax.getitem from a numpy index expression on an array of rank `ndim`."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    expanded: list[Any] = []
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
    spec: list[Any] = []
    arrays: list[Any] = []
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


def _is_bool_scalar(item):
    if type(item) is bool or isinstance(item, np.bool_):
        return True
    return isinstance(item, (np.ndarray, Tracer)) and get_aval(item).shape == () and \
        get_aval(item).dtype == np.bool_


def _bool_scalars(x, idx):
    """numpy's scalar booleans in an index: `x[True]` adds an axis of length 1 and `x[False]`
    one of length 0, where they stand (Python's bool is an int, so without this x[True] would
    be x[1]). Returns the result, or None when the index has no scalar boolean."""
    items = idx if isinstance(idx, tuple) else (idx,)
    if not any(_is_bool_scalar(it) for it in items):
        return None
    if sum(map(_is_bool_scalar, items)) > 1 or any(
            isinstance(it, (list, np.ndarray, Tracer)) and not _is_bool_scalar(it) for it in items):
        raise NotImplementedError(
            "a scalar boolean index together with array indices or another scalar boolean "
            "(numpy broadcasts them as 0-d advanced indices) is not supported. Fix: index with "
            "None for the new axis first, then with the arrays.")
    flags = [bool(_concrete_mask(it)) if _is_bool_scalar(it) else None for it in items]
    new = tuple(None if f is not None else it for f, it in zip(flags, items))
    out = getitem(x, new)
    ndim = get_aval(x).ndim
    consumed = sum(1 for it in new if it is not None and it is not Ellipsis)
    pos, empty = 0, []
    for f, it in zip(flags, new):
        if f is False:
            empty.append(pos)
        if it is None or isinstance(it, slice):
            pos += 1
        elif it is Ellipsis:
            pos += ndim - consumed
    if empty:
        out = getitem(out, tuple(slice(0, 0) if d in empty else slice(None)
                                 for d in range(get_aval(out).ndim)))
    return out


def getitem(a: ArrayLike, idx: Any) -> Array:
    """a[idx] for a traced or concrete array."""
    x = asarray(a)
    out = _bool_scalars(x, idx)
    if out is not None:
        return out
    aval = get_aval(x)
    spec, arrays = parse_index(idx, aval.ndim)
    _check_int_bounds(spec, aval.shape)
    if not arrays and all(s == lax.FULL for s in spec):
        return x
    return lax.getitem(x, spec, arrays)


def diagonal(a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array:
    """The diagonal of the 2-D slices over (axis1, axis2), appended as the last axis.

    >>> import fungrad.numpy as fnp
    >>> fnp.diagonal(fnp.array([[1, 2], [3, 4]]))
    array([1, 4])
    """
    x = asarray(a)
    aval = get_aval(x)
    if aval.ndim < 2:
        raise ShapeError(f"diagonal: diag requires an array of at least two dimensions, got "
                         f"{aval.str_short()}")
    axis1, axis2 = normalize_axis(axis1, aval.ndim, "axis1"), normalize_axis(axis2, aval.ndim,
                                                                            "axis2")
    if axis1 == axis2:
        raise ValueError(f"diagonal: axis1 and axis2 cannot be the same, got {axis1}")
    n1, n2 = aval.shape[axis1], aval.shape[axis2]
    k = max(0, min(n1 - max(0, -offset), n2 - max(0, offset)))
    i = np.arange(k) + max(0, -offset)
    j = np.arange(k) + max(0, offset)
    perm = [d for d in range(aval.ndim) if d not in (axis1, axis2)]
    x = lax.transpose(x, perm + [axis1, axis2])
    spec = (lax.FULL,) * len(perm) + ("array", "array")
    return lax.getitem(x, spec, [i, j])


def trace(a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array:
    """The sum along a diagonal of the 2-D slices over (axis1, axis2).

    >>> import fungrad.numpy as fnp
    >>> fnp.trace(fnp.array([[1, 2], [3, 4]]))
    array(5)
    """
    return lax.reduce_sum(diagonal(a, offset, axis1, axis2), (get_aval(asarray(a)).ndim - 2,))


# ---- value-dependent shapes
def concrete_or_none(x):
    """The concrete value of `x` (an ndarray, or a traced value that has one: eager grad/jvp),
    or None where it is abstract (jit, make_jaxpr) or batched (vmap)."""
    if not isinstance(x, Tracer):
        return np.asarray(x)
    try:
        return np.asarray(x.to_concrete("a value-dependent shape"))
    except ConcretizationError:
        return None


def need_size_error(name, x, hint=None):
    where_ = getattr(getattr(x, "_trace", None), "transform_name", "a transform")
    fix = (f"Fix: pass a static size, e.g. fungrad.numpy.{name}(x, size=n) (results are padded "
           "with fill_value or cut to n), or call it outside the transform."
           if hint is None else "Fix: call it outside the transform, on concrete values.")
    return ConcretizationError(
        f"{name} of a traced value {get_aval(x).str_short()} inside {where_}: the size of its "
        f"result depends on the values, which are not known there. {fix}")


def compact(values, keep, size, fill_value):
    """The entries of 1-d `values` where `keep`, in order, in an array of length `size` (cut,
    or padded with `fill_value`): a cumsum and a scatter, traceable and differentiable in
    `values`."""
    values = asarray(values)
    n = get_aval(values).shape[0]
    dtype = get_aval(values).dtype
    pos = lax.sub(_cum.cumsum(cast(keep, np.dtype(np.int64)), 0), np.ones((), np.int64))
    ok = lax.bitwise_and(keep, lax.lt(pos, np.asarray(size, np.int64)))
    slot = lax.select(ok, pos, np.asarray(size, np.int64))
    fill = cast(asarray(fill_value), dtype)
    base = lax.broadcast_to(fill, (size + 1,)) if get_aval(fill).shape != (size + 1,) else fill
    if n == 0:
        return lax.getitem(base, (("slice", 0, size, None),))
    out = _scatter.scatter(base, values, ("array",), [slot])
    return lax.getitem(out, (("slice", 0, size, None),))


def nonzero(a: ArrayLike, *, size: int | None = None, fill_value: ArrayLike | None = None) -> tuple[Array,
        ...]:
    """The indices of the nonzero entries, one int64 array per axis. Under jit/vmap give
    `size=` (padded with `fill_value`, default 0, or cut).

    >>> import fungrad.numpy as fnp
    >>> x = fnp.array([[0, 2], [3, 0]])
    >>> fnp.nonzero(x)
    (array([0, 1]), array([1, 0]))
    >>> fnp.nonzero(x, size=3, fill_value=-1)
    (array([ 0,  1, -1]), array([ 1,  0, -1]))
    """
    x = asarray(a)
    if get_aval(x).ndim == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar)"
                         ".nonzero() instead.")
    c = concrete_or_none(x)
    shape = get_aval(x).shape
    if c is not None:
        idx = [np.asarray(i, np.int64) for i in np.nonzero(c)]
        if size is None:
            return fresh(tuple(idx))
        fills = _fills(fill_value, len(shape))
        return fresh(tuple(np.concatenate([i[:size], np.full(max(size - i.size, 0), f, np.int64)])
                           for i, f in zip(idx, fills)))
    if size is None:
        raise need_size_error("nonzero", x)
    keep = lax.reshape(_truth(x), (get_aval(x).size,))
    fills = _fills(fill_value, len(shape))
    coords = np.indices(shape, dtype=np.int64).reshape(len(shape), -1)
    return tuple(compact(coords[d], keep, size, fills[d]) for d in range(len(shape)))


def _fills(fill_value, n):
    if fill_value is None:
        return [0] * n
    if isinstance(fill_value, (tuple, list)):
        if len(fill_value) != n:
            raise ValueError(f"fill_value must be a scalar or a tuple of length {n}")
        return list(fill_value)
    return [fill_value] * n


def _truth(x):
    x = asarray(x)
    return x if get_aval(x).dtype == np.bool_ else lax.ne(x, np.zeros((), get_aval(x).dtype))


def flatnonzero(a: ArrayLike, *, size: int | None = None, fill_value: ArrayLike | None = None) -> Array:
    """The indices of the nonzero entries of the flattened array.

    >>> import fungrad.numpy as fnp
    >>> x = fnp.array([[0, 2], [3, 0]])
    >>> fnp.flatnonzero(x)
    array([1, 2])
    """
    x = asarray(a)
    return nonzero(lax.reshape(x, (get_aval(x).size,)), size=size, fill_value=fill_value)[0]


def argwhere(a: ArrayLike, *, size: int | None = None, fill_value: ArrayLike | None = None) -> Array:
    """The indices of the nonzero entries as an (n, ndim) array.

    >>> import fungrad.numpy as fnp
    >>> x = fnp.array([[0, 2], [3, 0]])
    >>> fnp.argwhere(x)
    array([[0, 1],
           [1, 0]])
    """
    x = asarray(a)
    if get_aval(x).ndim == 0:  # numpy: one row (nonzero) or none, with no columns
        idx, = nonzero(lax.reshape(x, (1,)), size=size, fill_value=fill_value)
        return fresh(np.zeros((get_aval(idx).shape[0], 0), np.int64))
    idx = nonzero(x, size=size, fill_value=fill_value)
    cols = [lax.reshape(i, (get_aval(i).shape[0], 1)) for i in idx]
    return cols[0] if len(cols) == 1 else lax.concatenate(cols, 1)


def compress(condition: ArrayLike, a: ArrayLike, axis: int | None = None, *,
        size: int | None = None, fill_value: int = 0, out: None = None) -> Array:
    """The slices of `a` along `axis` where `condition` is true (flattened when axis is None).
    Under jit/vmap give `size=`.

    >>> import fungrad.numpy as fnp
    >>> fnp.compress(fnp.array([True, False, True]), fnp.array([1, 2, 3]))
    array([1, 3])
    """
    x = asarray(a)
    if axis is None:
        x = lax.reshape(x, (get_aval(x).size,))
        axis = 0
    cond = asarray(condition)
    if get_aval(cond).ndim != 1:
        raise ValueError("condition must be a 1-d array")
    ax = normalize_axis(axis, get_aval(x).ndim)
    n = get_aval(x).shape[ax]
    c = concrete_or_none(cond)
    if c is not None and size is None:
        idx = np.nonzero(np.asarray(c, bool)[:n])[0]
        if c.shape[0] > n and np.any(c[n:]):
            raise IndexError(f"index {n} is out of bounds for axis {ax} with size {n}")
        return take(x, idx, axis=ax)
    if size is None:
        raise need_size_error("compress", cond)
    cond = lax.getitem(_truth(cond), (("slice", 0, n, None),)) if get_aval(cond).shape[0] > n \
        else _truth(cond)
    idx, = nonzero(cond, size=size, fill_value=0)
    picked = take(x, idx, axis=ax)
    count = lax.reduce_sum(cast(cond, np.dtype(np.int64)), (0,))
    valid = lax.lt(np.arange(size, dtype=np.int64), count)
    shape = [1] * get_aval(picked).ndim
    shape[ax] = size
    valid = lax.reshape(valid, shape)
    fill = cast(asarray(fill_value), get_aval(picked).dtype)
    return lax.select(lax.broadcast_to(valid, get_aval(picked).shape), picked,
                      lax.broadcast_to(fill, get_aval(picked).shape))


def extract(condition: ArrayLike, arr: ArrayLike, *, size: int | None = None, fill_value: int = 0) -> Array:
    """The entries of `arr` where `condition` holds, flattened (numpy.extract; `size` pads).

    >>> import fungrad.numpy as fnp
    >>> fnp.extract(fnp.array([True, False, True]), fnp.array([1, 2, 3]))
    array([1, 3])
    """
    c = asarray(condition)
    x = asarray(arr)
    c = np.ravel(c) if isinstance(c, np.ndarray) else lax.reshape(c, (get_aval(c).size,))
    return compress(c, lax.reshape(x, (get_aval(x).size,)), size=size, fill_value=fill_value)


# ---- gathers
def _normalize_index(idx, n, mode, name):
    """Index values for an axis of size n under numpy's take modes ('raise': as numpy indexing;
    'wrap', 'clip') and jax's ('fill', 'promise_in_bounds', 'drop'). Returns (index, valid)
    where valid is None unless entries outside [-n, n) must be masked."""
    idx = asarray(idx)
    if mode in (None, "raise", "promise_in_bounds"):
        return idx, None
    dtype = get_aval(idx).dtype
    nn = np.asarray(n, dtype)
    if mode == "wrap":
        from fungrad.numpy.ufuncs import mod
        return mod(idx, nn), None
    if mode == "clip":  # numpy's: negative indices clip to 0 too
        hi = np.asarray(max(n - 1, 0), dtype)
        return lax.min(lax.max(idx, np.zeros((), dtype)), hi), None
    wrapped = lax.select(lax.lt(idx, np.zeros((), dtype)), lax.add(idx, nn), idx)
    if mode == "jax-clip":
        hi = np.asarray(max(n - 1, 0), dtype)
        return lax.min(lax.max(wrapped, np.zeros((), dtype)), hi), None
    if mode in ("fill", "drop"):
        valid = lax.bitwise_and(lax.ge(wrapped, np.zeros((), dtype)), lax.lt(wrapped, nn))
        return lax.select(valid, wrapped, np.zeros((), dtype)), valid
    raise ValueError(f"{name}: invalid mode {mode!r}")


def _fill_for(dtype, fill_value):
    if fill_value is not None:
        return fill_value
    if np.issubdtype(dtype, np.inexact):
        return np.nan
    if dtype == np.bool_:
        return True
    if np.issubdtype(dtype, np.signedinteger):
        return np.iinfo(dtype).min
    return np.iinfo(dtype).max


def take(a: ArrayLike, indices: ArrayLike, axis: int | None = None, out: None = None,
        mode: str | None = None, unique_indices: bool = False,
         indices_are_sorted: bool = False, fill_value: ArrayLike | None = None) -> Array:
    """Entries of `a` at `indices` along `axis` (flattened when None). mode: numpy's 'raise'
    (default), 'wrap', 'clip', or jax's 'fill' (out-of-bounds give fill_value, NaN for floats).

    >>> import fungrad.numpy as fnp
    >>> fnp.take(fnp.array([[1, 2], [3, 4]]), fnp.array([1, 0]), axis=1)
    array([[2, 1],
           [4, 3]])
    """
    if out is not None:
        raise NotImplementedError("take: out= is not supported: fungrad results are new arrays")
    x = asarray(a)
    if axis is None:
        x = lax.reshape(x, (get_aval(x).size,))
        axis = 0
    nd = get_aval(x).ndim
    ax = normalize_axis(axis, nd)
    indices = asarray(indices)
    if get_aval(indices).dtype == bool:  # take reads booleans as the indices 0 and 1 (numpy)
        indices = cast(indices, np.dtype(np.int64))
    idx, valid = _normalize_index(indices, get_aval(x).shape[ax], mode, "take")
    res = getitem(x, (slice(None),) * ax + (idx,))
    if valid is None:
        return res
    fill = cast(asarray(_fill_for(get_aval(x).dtype, fill_value)), get_aval(x).dtype)
    vshape = (1,) * ax + get_aval(valid).shape + (1,) * (nd - ax - 1)
    return lax.select(lax.broadcast_to(lax.reshape(valid, vshape), get_aval(res).shape), res,
                      lax.broadcast_to(fill, get_aval(res).shape))


def take_along_axis(arr: ArrayLike, indices: ArrayLike, axis: int = -1, mode: str | None = None,
        fill_value: ArrayLike | None = None) -> Array:
    """numpy.take_along_axis (axis None: the flattened array); differentiable in `arr`.

    >>> import fungrad.numpy as fnp
    >>> x = fnp.array([[3, 1], [2, 5]])
    >>> fnp.take_along_axis(x, fnp.argsort(x, axis=1), axis=1)
    array([[1, 3],
           [2, 5]])
    """
    x = asarray(arr)
    idx = asarray(array_only(indices, "numpy.take_along_axis", "indices"))
    if axis is None:
        x = lax.reshape(x, (get_aval(x).size,))
        axis = 0
    nd = get_aval(x).ndim
    if get_aval(idx).ndim != nd:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    if not np.issubdtype(get_aval(idx).dtype, np.integer):
        raise IndexError("`indices` must be an integer array")
    ax = normalize_axis(axis, nd)
    idx, valid = _normalize_index(idx, get_aval(x).shape[ax], mode, "take_along_axis")
    res = _take_along(x, idx, ax)
    if valid is None:
        return res
    fill = cast(asarray(_fill_for(get_aval(x).dtype, fill_value)), get_aval(x).dtype)
    shape = get_aval(res).shape
    return lax.select(lax.broadcast_to(valid, shape), res, lax.broadcast_to(fill, shape))


def choose(a: ArrayLike, choices: Sequence[ArrayLike], out: None = None, mode: str = "raise") -> Array:
    """numpy.choose: entry i from choices[a[i]] (broadcast together).

    >>> import fungrad.numpy as fnp
    >>> fnp.choose(fnp.array([0, 1, 0]), [fnp.array([1, 2, 3]), fnp.array([10, 20, 30])])
    array([ 1, 20,  3])
    """
    idx = asarray(a)
    if get_aval(idx).dtype.kind not in "biu":
        raise DtypeError(f"numpy.choose: a must be an integer array (indices into choices), got "
                         f"{get_aval(idx).str_short()}. Fix: cast it to an integer dtype.")
    if get_aval(idx).dtype == np.bool_:  # numpy casts booleans to indices 0 and 1
        idx = cast(idx, np.dtype(np.int64))
    if not isinstance(choices, (list, tuple, np.ndarray, Tracer)) or (
            isinstance(choices, (np.ndarray, Tracer)) and get_aval(choices).ndim == 0):
        raise TypeError(f"numpy.choose: choices must be a sequence of arrays, got "
                        f"{_args.describe(choices)}.")
    cs = [asarray(c) for c in choices]
    if not cs:
        raise ValueError(f"numpy.choose: choices is a 0-length sequence, got "
                         f"{_args.describe(choices)}; it needs at least one array.")
    cs = promote(*cs) if len(cs) > 1 else cs
    shape = np.broadcast_shapes(get_aval(idx).shape, *[get_aval(c).shape for c in cs])
    stacked = lax.concatenate([lax.reshape(lax.broadcast_to(c, shape), (1, *shape)) for c in cs],
                              0) if len(cs) > 1 else lax.reshape(lax.broadcast_to(cs[0], shape),
                                                                 (1, *shape))
    idx, _ = _normalize_index(lax.broadcast_to(idx, shape), len(cs),
                              None if mode == "raise" else mode, "choose")
    return lax.reshape(_take_along(stacked, lax.reshape(idx, (1, *shape)), 0), shape)


def select(condlist: Sequence[ArrayLike], choicelist: Sequence[ArrayLike], default: ArrayLike = 0) -> Array:
    """The first choice whose condition holds, elementwise; `default` elsewhere.

    >>> import fungrad.numpy as fnp
    >>> v = fnp.array([-1, 0, 1])
    >>> fnp.select([v < 0, v > 0], [-10 * v, 10 * v], default=5)
    array([10,  5, 10])
    """
    from fungrad.numpy.ufuncs import where
    for arg, v in (("condlist", condlist), ("choicelist", choicelist)):
        if isinstance(v, (str, bytes, dict)) or not hasattr(v, "__len__") or (
                isinstance(v, np.ndarray) and v.ndim == 0):
            raise TypeError(f"numpy.select: {arg} must be a list of arrays (one per case), got "
                            f"{_args.describe(v)}.")
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if not condlist:
        raise ValueError("select with an empty condition list is not possible")
    out = default if type(default) in (bool, int, float, complex) else asarray(default)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        c = asarray(cond)
        if get_aval(c).dtype != np.bool_:
            raise TypeError(f"invalid entry in condlist: should be boolean ndarray, got "
                            f"{get_aval(c).dtype}")
        out = where(c, choice, out)
    # an array: condlist is not empty (an empty one raised above), so `where` ran at least once
    return out  # type: ignore[return-value]


# ---- writing into arrays: numpy mutates its argument; fungrad returns the new array
def _functional(name, a, inplace):
    if inplace and isinstance(a, Tracer):
        raise TypeError(
            f"{name} cannot modify a traced value in place: fungrad arrays are immutable inside "
            f"transforms. Fix: use the returned array, {name}(..., inplace=False), or x.at[...].")


def put_along_axis(arr: ArrayLike, indices: ArrayLike, values: ArrayLike, axis: int | None,
        inplace: bool = True, *, mode: str | None = None) -> Array | None:
    """numpy.put_along_axis. On a numpy array with inplace=True it writes into it, as numpy;
    with inplace=False (or traced values) it returns the updated array (differentiable).

    >>> import fungrad.numpy as fnp
    >>> fnp.put_along_axis(fnp.zeros((2, 2)), fnp.array([[1], [0]]), 1.0, axis=1, inplace=False)
    array([[0., 1.],
           [1., 0.]])
    """
    _functional("put_along_axis", arr, inplace)
    if inplace and not isinstance(values, Tracer) and not isinstance(indices, Tracer):
        # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
        np.put_along_axis(arr, np.asarray(indices), np.asarray(values), axis)  # type: ignore[arg-type]
        return None
    from fungrad._lax._along_axis import along_axis_index
    x = asarray(arr)
    if axis is None:
        x = lax.reshape(x, (get_aval(x).size,))
        axis = 0
    ax = normalize_axis(axis, get_aval(x).ndim)
    idx = asarray(indices)
    xs, ishape = get_aval(x).shape, get_aval(idx).shape
    shape = np.broadcast_shapes(xs[:ax] + (ishape[ax],) + xs[ax + 1:], ishape)
    spec, arrays = along_axis_index(shape, idx, ax)
    v = cast(asarray(values), get_aval(x).dtype)
    return _scatter.scatter(x, lax.broadcast_to(v, shape), spec, arrays)


def put(a: ArrayLike, ind: ArrayLike, v: ArrayLike, mode: str = "raise", *,
        inplace: bool = True) -> Array | None:
    """numpy.put on the flattened array (functional for traced values, as put_along_axis).

    >>> import fungrad.numpy as fnp
    >>> fnp.put(fnp.array([1, 2, 3]), fnp.array([0, 2]), fnp.array([7, 8]), inplace=False)
    array([7, 2, 8])
    """
    _functional("put", a, inplace)
    if inplace and not isinstance(v, Tracer) and not isinstance(ind, Tracer):
        # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
        np.put(a, ind, v, mode)  # type: ignore[arg-type]
        return None
    x = asarray(a)
    flat = lax.reshape(x, (get_aval(x).size,))
    idx = asarray(ind)
    idx = lax.reshape(idx, (get_aval(idx).size,))
    idx, _ = _normalize_index(idx, get_aval(flat).shape[0], None if mode == "raise" else mode,
                              "put")
    k = get_aval(idx).shape[0]
    vals = cast(asarray(v), get_aval(x).dtype)
    vals = lax.reshape(vals, (get_aval(vals).size,))
    m = get_aval(vals).shape[0]
    if m != k:  # numpy repeats the values cyclically
        vals = getitem(vals, np.arange(k) % max(m, 1))
    out = _scatter.scatter(flat, vals, ("array",), [idx])
    return lax.reshape(out, get_aval(x).shape)


def place(arr: ArrayLike, mask: ArrayLike, vals: ArrayLike, *, inplace: bool = True) -> Array | None:
    """numpy.place: the entries where `mask` take `vals` in order (cyclically).

    >>> import fungrad.numpy as fnp
    >>> fnp.place(fnp.array([1, 2, 3]), fnp.array([True, False, True]), fnp.array([9]), inplace=False)
    array([9, 2, 9])
    """
    _functional("place", arr, inplace)
    if inplace and not isinstance(vals, Tracer) and not isinstance(mask, Tracer):
        # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
        np.place(arr, mask, vals)  # type: ignore[arg-type]
        return None
    m = concrete_or_none(asarray(mask))
    if m is None:
        raise need_size_error("place", asarray(mask), hint="")
    idx = np.flatnonzero(m)
    return put(arr, idx, vals, inplace=False)


def fill_diagonal(a: ArrayLike, val: ArrayLike, wrap: bool = False, *, inplace: bool = True) -> Array | None:
    """numpy.fill_diagonal (functional for traced values).

    >>> import fungrad.numpy as fnp
    >>> fnp.fill_diagonal(fnp.zeros((2, 2)), 5.0, inplace=False)
    array([[5., 0.],
           [0., 5.]])
    """
    _functional("fill_diagonal", a, inplace)
    if inplace and not isinstance(val, Tracer) and not isinstance(a, Tracer):
        # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
        np.fill_diagonal(a, val, wrap)  # type: ignore[arg-type]
        return None
    x = asarray(a)
    shape = get_aval(x).shape
    if len(shape) < 2:
        raise ValueError("array must be at least 2-d")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    if len(shape) == 2:
        step = shape[1] + 1
        end = shape[1] * shape[1] if not wrap else shape[0] * shape[1]
    else:
        step = 1 + int(np.cumprod(shape[:-1]).sum())
        end = int(np.prod(shape))
    idx = np.arange(0, min(end, int(np.prod(shape))), step)
    return put(x, idx, val, inplace=False)


# ---- index builders (concrete)
def diag_indices(n: int, ndim: int = 2) -> tuple[Array, ...]:
    """The indices of the main diagonal of an n x ... x n array (numpy.diag_indices).

    >>> import fungrad.numpy as fnp
    >>> fnp.diag_indices(2)
    (array([0, 1]), array([0, 1]))
    """
    if isinstance(n, Tracer):
        _args.static_int(n, "n", "numpy.diag_indices")  # a ConcretizationError: n sets a shape
    real = (bool, int, float, np.bool_, np.integer, np.floating)
    if isinstance(n, np.ndarray) and n.ndim and n.dtype.kind in "biuf":
        raise ShapeError(f"numpy.diag_indices: n must be a scalar (the size of each axis), got "
                         f"{_args.describe(n)}.")
    if not (isinstance(n, real) or (isinstance(n, np.ndarray) and n.ndim == 0
                                    and n.dtype.kind in "biuf")):
        raise TypeError(f"numpy.diag_indices: n must be a number (the size of each axis), got "
                        f"{_args.describe(n)}.")
    k = _args.static_int(ndim, "ndim", "numpy.diag_indices")
    # numpy's arange(n): integer indices for an integer n, float ones for a float n
    return fresh(tuple(np.arange(n) for _ in range(k)))


def diag_indices_from(arr: ArrayLike) -> tuple[Array, ...]:
    """diag_indices for the shape of `arr` (square in every axis).

    >>> import fungrad.numpy as fnp
    >>> fnp.diag_indices_from(fnp.ones((2, 2)))
    (array([0, 1]), array([0, 1]))
    """
    shape = get_aval(asarray(arr)).shape
    if len(shape) < 2 or len(set(shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return diag_indices(shape[0], len(shape))


def tril_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Array, ...]:
    """The indices of the lower triangle (on and below diagonal k) of an (n, m) array.

    >>> import fungrad.numpy as fnp
    >>> fnp.tril_indices(2)
    (array([0, 1, 1]), array([0, 0, 1]))
    """
    return fresh(tuple(np.asarray(i, np.int64) for i in np.tril_indices(n, k, m)))


def triu_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Array, ...]:
    """The indices of the upper triangle (on and above diagonal k) of an (n, m) array.

    >>> import fungrad.numpy as fnp
    >>> fnp.triu_indices(2)
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    return fresh(tuple(np.asarray(i, np.int64) for i in np.triu_indices(n, k, m)))


def tril_indices_from(arr: ArrayLike, k: int = 0) -> tuple[Array, ...]:
    """tril_indices for the shape of the 2-d `arr`.

    >>> import fungrad.numpy as fnp
    >>> fnp.tril_indices_from(fnp.ones((2, 2)), k=-1)
    (array([1]), array([0]))
    """
    shape = get_aval(asarray(arr)).shape
    if len(shape) != 2:
        raise ValueError("input array must be 2-d")
    return tril_indices(shape[-2], k, shape[-1])


def triu_indices_from(arr: ArrayLike, k: int = 0) -> tuple[Array, ...]:
    """triu_indices for the shape of the 2-d `arr`.

    >>> import fungrad.numpy as fnp
    >>> fnp.triu_indices_from(fnp.ones((2, 2)), k=1)
    (array([0]), array([1]))
    """
    shape = get_aval(asarray(arr)).shape
    if len(shape) != 2:
        raise ValueError("input array must be 2-d")
    return triu_indices(shape[-2], k, shape[-1])


def mask_indices(n: int, mask_func: Callable[..., Any], k: int = 0) -> tuple[Array, ...]:
    """The indices where mask_func(ones((n, n)), k) is nonzero (numpy.mask_indices).

    >>> import fungrad.numpy as fnp
    >>> fnp.mask_indices(2, fnp.triu)
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    m = np.asarray(mask_func(np.ones((n, n), int), k))
    return fresh(tuple(np.asarray(i, np.int64) for i in np.nonzero(m != 0)))


def ix_(*args: ArrayLike) -> tuple[Array, ...]:
    """Open-mesh index arrays from 1-d sequences (traced ones too).

    >>> import fungrad.numpy as fnp
    >>> rows, cols = fnp.ix_(fnp.array([0, 1]), fnp.array([2]))
    >>> rows.shape, cols.shape
    ((2, 1), (1, 1))
    """
    out = []
    n = len(args)
    for i, a in enumerate(args):
        x = asarray(a)
        if get_aval(x).ndim != 1:
            raise ValueError("Cross index must be 1 dimensional")
        if get_aval(x).dtype == np.bool_:
            x = nonzero(x)[0]
        shape = [1] * n
        shape[i] = get_aval(x).shape[0]
        out.append(lax.reshape(x, shape))
    return tuple(out)


def ravel_multi_index(multi_index: Sequence[ArrayLike], dims: Shape, mode: str = "raise",
        order: str = "C") -> Array:
    """Flat indices from a tuple of index arrays (traceable; mode 'raise' assumes in bounds).

    >>> import fungrad.numpy as fnp
    >>> fnp.ravel_multi_index((fnp.array([0, 1]), fnp.array([2, 0])), (2, 3))
    array([2, 3])
    """
    dims = _args.shape(dims, "dims", "numpy.ravel_multi_index", allow_int=True)
    if isinstance(multi_index, (str, bytes, dict)) or not hasattr(multi_index, "__len__") or (
            isinstance(multi_index, np.ndarray) and multi_index.ndim == 0):
        raise TypeError("numpy.ravel_multi_index: multi_index must be a sequence of integer "
                        f"index arrays (one per dimension), got {_args.describe(multi_index)}.")
    if len(multi_index) != len(dims):
        raise ValueError("parameter multi_index must be a sequence of length "
                         f"{len(dims)}")
    if all(not isinstance(i, Tracer) for i in multi_index):
        # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
        return fresh(np.asarray(np.ravel_multi_index(tuple(np.asarray(i) for i in multi_index), dims,  # type: ignore[call-overload]
                                                     mode, order), np.int64))
    strides = np.cumprod((1,) + dims[::-1][:-1])[::-1] if order == "C" else \
        np.cumprod((1,) + dims[:-1])
    out = None
    for i, n, s in zip(multi_index, dims, strides):
        i = cast(asarray(i), np.dtype(np.int64))
        i, _ = _normalize_index(i, n, None if mode == "raise" else mode, "ravel_multi_index")
        term = lax.mul(i, np.asarray(s, np.int64))
        out = term if out is None else lax.add(*promote(out, term))
    # not None: multi_index has one entry per dimension (at least one)
    return out  # type: ignore[return-value]


def unravel_index(indices: ArrayLike, shape: Shape) -> tuple[Array, ...]:
    """A tuple of coordinate arrays from flat indices (traceable).

    >>> import fungrad.numpy as fnp
    >>> fnp.unravel_index(fnp.array([5, 1]), (2, 3))
    (array([1, 0]), array([2, 1]))
    """
    shape = _args.shape(shape, "shape", "numpy.unravel_index", allow_int=True)
    idx = asarray(indices)
    if not isinstance(idx, Tracer):
        return fresh(tuple(np.asarray(i, np.int64) for i in np.unravel_index(idx, shape)))
    from fungrad.numpy.ufuncs import floor_divide, mod
    idx = cast(idx, np.dtype(np.int64))
    out = []
    for d in reversed(shape):
        out.append(mod(idx, d))
        idx = floor_divide(idx, d)
    return tuple(reversed(out))


# ---- index expressions and concatenation by index
s_ = np.s_
index_exp = np.index_exp


class _AxisConcatenator:
    """numpy's r_ / c_ over arrays and traced values: slices become ranges, a leading string
    sets the axis / minimum rank / where 1-d entries go ('0,2,1'), entries are concatenated."""

    def __init__(self, name, axis, ndmin, trans1d):
        self._name, self.axis, self.ndmin, self.trans1d = name, axis, ndmin, trans1d

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        if not any(isinstance(k, Tracer) for k in key):
            return fresh(getattr(np, self._name)[key])
        from fungrad.numpy.shape import concatenate
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        items = []
        for i, item in enumerate(key):
            if isinstance(item, str):
                if i != 0:
                    raise ValueError("string directives must come first in r_/c_")
                parts = [int(p) for p in item.split(",")]
                axis = parts[0]
                if len(parts) > 1:
                    ndmin = parts[1]
                if len(parts) > 2:
                    trans1d = parts[2]
                continue
            if isinstance(item, slice):
                items.append(np.r_[item])
                continue
            x = asarray(item)
            nd = get_aval(x).ndim
            if nd < ndmin:
                x = lax.reshape(x, (1,) * (ndmin - nd) + get_aval(x).shape)
                if trans1d != -1:
                    k2 = ndmin - nd
                    k1 = trans1d if trans1d >= 0 else trans1d + k2 + 1
                    axes = list(range(ndmin))
                    x = lax.transpose(x, axes[:k1] + axes[k2:] + axes[k1:k2])
            items.append(x)
        return concatenate(items, axis)

    def __len__(self):
        return 0


r_ = _AxisConcatenator("r_", 0, 1, -1)
c_ = _AxisConcatenator("c_", -1, 2, 0)
