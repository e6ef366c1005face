"""Shape manipulation of the numpy API: reshape, transpose, stack, split, pad, roll, insert,
delete and friends; all of them are gathers, slices, concatenations and reshapes, so they are
linear, differentiable, batchable and jittable.

Imports: _core, lax, numpy._promote, numpy.reductions.
"""
from __future__ import annotations

from typing import Any, Sequence

import operator

import numpy as np

from fungrad._core.array import fresh
from fungrad._core.typing import Array, ArrayLike, DTypeLike, Shape
from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.trace import Tracer, get_aval
from fungrad import _lax as lax
from fungrad._lax import _args
from fungrad.numpy._promote import array_only, asarray, cast, promote
from fungrad.numpy.reductions import normalize_axes, normalize_axis

__all__ = [
    "append", "array_split", "atleast_1d", "atleast_2d", "atleast_3d", "block",
    "broadcast_arrays", "broadcast_shapes", "broadcast_to", "column_stack", "concat",
    "concatenate", "delete", "diff", "dsplit", "dstack", "ediff1d", "expand_dims", "flip",
    "fliplr", "flipud", "hsplit", "hstack", "insert", "matrix_transpose", "moveaxis", "ndim",
    "pad", "permute_dims", "ravel", "repeat", "reshape", "resize", "roll", "rollaxis", "rot90",
    "shape", "size", "split", "squeeze", "stack", "swapaxes", "tile", "transpose", "trim_zeros",
    "unstack", "vsplit", "vstack"]


def shape(a: ArrayLike) -> tuple[int, ...]:
    """The shape of `a` (traced or not).

    >>> import fungrad.numpy as fnp
    >>> fnp.shape(fnp.ones((2, 3)))
    (2, 3)
    """
    return get_aval(asarray(a)).shape


def ndim(a: ArrayLike) -> int:
    """The number of dimensions of `a` (traced or not).

    >>> import fungrad.numpy as fnp
    >>> fnp.ndim(fnp.ones((2, 3)))
    2
    """
    return get_aval(asarray(a)).ndim


def size(a: ArrayLike, axis: int | None = None) -> int:
    """The number of entries of `a` (along `axis`, when given).

    >>> import fungrad.numpy as fnp
    >>> fnp.size(fnp.ones((2, 3)))
    6
    >>> fnp.size(fnp.ones((2, 3)), axis=1)
    3
    """
    aval = get_aval(asarray(a))
    return aval.size if axis is None else aval.shape[normalize_axis(axis, aval.ndim,
                                                                    "numpy.size: axis")]


def reshape(a: ArrayLike, shape: int | Shape | None = None, order: str = "C", *,
        newshape: int | Shape | None = None, copy: bool | None = None) -> Array:
    """Reshape to `shape`; one entry may be -1 (inferred). order 'F' reverses the axes around a
    C-order reshape, as numpy.

    >>> import fungrad.numpy as fnp
    >>> fnp.reshape(fnp.arange(6), (3, -1))
    array([[0, 1],
           [2, 3],
           [4, 5]])
    """
    newshape = shape if shape is not None else newshape
    if newshape is None:
        raise TypeError("reshape() missing the required argument 'shape'")
    if order == "F":
        x = asarray(a)
        nd = get_aval(x).ndim
        newshape = (newshape,) if isinstance(newshape, (int, np.integer)) else tuple(newshape)
        out = reshape(lax.transpose(x, tuple(range(nd))[::-1]), newshape[::-1])
        return lax.transpose(out, tuple(range(len(newshape)))[::-1])
    if order not in ("C", "A", "K"):
        raise ValueError(f"order must be 'C' or 'F', got {order!r}")
    x = asarray(a)
    aval = get_aval(x)
    newshape = _shape_arg(newshape, "reshape")
    if newshape.count(-1) > 1:
        raise ValueError("can only specify one unknown dimension (-1) in reshape")
    if -1 in newshape:
        known = 1
        for d in newshape:
            known *= d if d != -1 else 1
        if known == 0 or aval.size % known:
            raise ShapeError(f"cannot reshape {aval.str_short()} into shape {newshape}")
        newshape = tuple(aval.size // known if d == -1 else d for d in newshape)
    return lax.reshape(x, newshape)


def _shape_arg(shape, name, nonnegative=False):
    """A shape argument as a tuple of ints (an int is a 1-d shape), or a TypeError; with
    `nonnegative`, negative entries raise a ValueError."""
    if nonnegative:
        out = _shape_arg(shape, name)
        if any(d < 0 for d in out):
            raise ValueError(f"{name}: negative dimensions are not allowed, got {shape!r}")
        return out
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        return (int(shape),)
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise TypeError(f"{name}: the shape must be an int or a sequence of ints, got {shape!r} "
                        f"({type(shape).__name__}).")
    out = tuple(shape)
    for d in out:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)):
            raise TypeError(f"{name}: shape entries must be ints, got {d!r} "
                            f"({type(d).__name__}) in {shape!r}.")
    return tuple(int(d) for d in out)


def ravel(a: ArrayLike, order: str = "C") -> Array:
    """`a` flattened to 1-d (order 'C').

    >>> import fungrad.numpy as fnp
    >>> a = fnp.arange(6).reshape(2, 3)
    >>> fnp.ravel(a)
    array([0, 1, 2, 3, 4, 5])
    """
    return reshape(a, (-1,), order)


def transpose(a: ArrayLike, axes: Sequence[int] | None = None) -> Array:
    """Permute axes (reverse them when axes is None).

    >>> import fungrad.numpy as fnp
    >>> a = fnp.arange(6).reshape(2, 3)
    >>> fnp.transpose(a)
    array([[0, 3],
           [1, 4],
           [2, 5]])
    """
    x = asarray(a)
    n = get_aval(x).ndim
    if axes is None:
        perm = tuple(range(n))[::-1]
    else:
        perm = tuple(int(p) % n if n else int(p) for p in axes)
        if sorted(perm) != list(range(n)):
            raise ValueError(f"axes {axes!r} don't match array of rank {n}")
    return lax.transpose(x, perm)


def swapaxes(a: ArrayLike, axis1: int, axis2: int) -> Array:
    """`a` with axes axis1 and axis2 interchanged.

    >>> import fungrad.numpy as fnp
    >>> fnp.swapaxes(fnp.ones((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    x = asarray(a)
    n = get_aval(x).ndim
    a1 = normalize_axis(axis1, n, "numpy.swapaxes: axis1")
    a2 = normalize_axis(axis2, n, "numpy.swapaxes: axis2")
    perm = list(range(n))
    perm[a1], perm[a2] = perm[a2], perm[a1]
    return lax.transpose(x, perm)


def moveaxis(a: ArrayLike, source: int | Sequence[int], destination: int | Sequence[int]) -> Array:
    """`a` with axes `source` moved to `destination` (the others keep their order).

    >>> import fungrad.numpy as fnp
    >>> fnp.moveaxis(fnp.ones((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    x = asarray(a)
    n = get_aval(x).ndim
    src, dst = (
        [normalize_axis(s, n, name) for s in (v if isinstance(v, (list, tuple)) else (v,))]
        for name, v in (("source", source), ("destination", destination)))
    for name, axes in (("source", src), ("destination", dst)):
        if len(set(axes)) != len(axes):
            raise ValueError(f"moveaxis: repeated axis in {name} argument, got {axes}")
    if len(src) != len(dst):
        raise ValueError("moveaxis: source and destination must have the same number of axes")
    order = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return lax.transpose(x, order)


def expand_dims(a: ArrayLike, axis: int | Sequence[int]) -> Array:
    """`a` with a new axis of length 1 at each of `axis`.

    >>> import fungrad.numpy as fnp
    >>> fnp.expand_dims(fnp.array([1, 2]), axis=0).shape
    (1, 2)
    """
    x = asarray(a)
    aval = get_aval(x)
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, (bool, np.bool_)):
        n_new = 1
    elif isinstance(axis, (tuple, list)):
        n_new = len(axis)
    else:  # None (all axes elsewhere) is no axis here, as in numpy
        raise TypeError(f"numpy.expand_dims: axis must be an int or a tuple of ints, got "
                        f"{_args.describe(axis)}.")
    axes = normalize_axes(axis, aval.ndim + n_new)
    shape = list(aval.shape)
    for ax in axes:
        shape.insert(ax, 1)
    return lax.reshape(x, shape)


def squeeze(a: ArrayLike, axis: int | tuple[int, ...] | None = None) -> Array:
    """`a` without its axes of length 1 (or only those of `axis`).

    >>> import fungrad.numpy as fnp
    >>> fnp.squeeze(fnp.ones((1, 2, 1))).shape
    (2,)
    """
    x = asarray(a)
    aval = get_aval(x)
    if axis is None:
        axes = tuple(i for i, d in enumerate(aval.shape) if d == 1)
    else:
        axes = normalize_axes(axis, aval.ndim)
        for ax in axes:
            if aval.shape[ax] != 1:
                raise ValueError(f"cannot select an axis to squeeze out which has size not equal "
                                 f"to one (axis {ax} of {aval.str_short()})")
    return lax.reshape(x, [d for i, d in enumerate(aval.shape) if i not in axes])


def broadcast_to(array: ArrayLike, shape: int | Shape) -> Array:
    """`array` broadcast to `shape`.

    >>> import fungrad.numpy as fnp
    >>> fnp.broadcast_to(fnp.array([1, 2]), (2, 2))
    array([[1, 2],
           [1, 2]])
    """
    shape = _shape_arg(shape, "broadcast_to", nonnegative=True)
    return lax.broadcast_to(asarray(array), shape)


def broadcast_arrays(*args: ArrayLike) -> list[Array]:
    """The inputs broadcast against each other.

    >>> import fungrad.numpy as fnp
    >>> x, y = fnp.broadcast_arrays(fnp.array([1, 2]), fnp.array([[10], [20]]))
    >>> x
    array([[1, 2],
           [1, 2]])
    >>> y
    array([[10, 10],
           [20, 20]])
    """
    args = [asarray(a) for a in args]
    shape = np.broadcast_shapes(*[get_aval(a).shape for a in args])
    return [lax.broadcast_to(a, shape) for a in args]


def _atleast(fn, arys):
    out = [fn(a) for a in arys]
    return out[0] if len(out) == 1 else tuple(out)


def _at1(a):
    x = asarray(a)
    return reshape(x, (1,)) if get_aval(x).ndim == 0 else x


def _at2(a):
    x = asarray(a)
    n = get_aval(x).ndim
    return x if n >= 2 else reshape(x, (1,) * (2 - n) + get_aval(x).shape)


def _at3(a):
    x = asarray(a)
    shape = get_aval(x).shape
    if len(shape) == 0:
        return reshape(x, (1, 1, 1))
    if len(shape) == 1:
        return reshape(x, (1, shape[0], 1))
    if len(shape) == 2:
        return reshape(x, shape + (1,))
    return x


def atleast_1d(*arys: ArrayLike) -> Array | list[Array]:
    """Each input as an array of at least one dimension (one array, or a list).

    >>> import fungrad.numpy as fnp
    >>> fnp.atleast_1d(3.0)
    array([3.])
    """
    return _atleast(_at1, arys)


def atleast_2d(*arys: ArrayLike) -> Array | list[Array]:
    """Each input as an array of at least two dimensions (one array, or a list).

    >>> import fungrad.numpy as fnp
    >>> fnp.atleast_2d(fnp.array([1, 2]))
    array([[1, 2]])
    """
    return _atleast(_at2, arys)


def atleast_3d(*arys: ArrayLike) -> Array | list[Array]:
    """Each input as an array of at least three dimensions (one array, or a list).

    >>> import fungrad.numpy as fnp
    >>> fnp.atleast_3d(fnp.array([1, 2])).shape
    (1, 2, 1)
    """
    return _atleast(_at3, arys)


def array_sequence(name, arrays, verb="concatenate"):
    """The arrays of a sequence argument (a list, a tuple, or an array's rows) as a list;
    anything else raises naming `name`, as numpy."""
    if isinstance(arrays, (np.ndarray, Tracer)):
        nd = get_aval(arrays).ndim
        if nd == 0:
            raise ValueError(f"{name}: zero-dimensional arrays cannot be {verb}d "
                             f"(got {get_aval(arrays).str_short()}). Fix: pass a list of arrays.")
        arrays = [arrays[i] for i in range(get_aval(arrays).shape[0])]
    elif not isinstance(arrays, (list, tuple)):
        raise TypeError(f"{name}: the first argument must be a sequence of arrays (a list or a "
                        f"tuple), got {type(arrays).__name__}. Fix: pass [x, y, ...].")
    if not arrays:
        raise ValueError(f"{name}: need at least one array to {verb}")
    return list(arrays)


def concatenate(arrays: Sequence[ArrayLike], axis: int = 0, out: None = None, dtype: DTypeLike | None = None,
        casting: str = "same_kind") -> Array:
    """Join arrays along an existing axis (axis=None: flatten them first).

    >>> import fungrad.numpy as fnp
    >>> fnp.concatenate([fnp.array([[1, 2]]), fnp.array([[3, 4]])], axis=0)
    array([[1, 2],
           [3, 4]])
    """
    if out is not None:
        raise NotImplementedError("concatenate: out= is not supported: fungrad results are new "
                                  "arrays")
    arrays = [asarray(a) for a in array_sequence("concatenate", arrays)]
    if axis is not None and any(get_aval(a).ndim == 0 for a in arrays):
        raise ValueError("concatenate: zero-dimensional arrays cannot be concatenated. Fix: "
                         "use fnp.stack, or reshape them to 1-d first.")
    arrays = promote(*arrays) if len(arrays) > 1 else arrays
    if dtype is not None:
        arrays = [cast(a, np.dtype(dtype)) for a in arrays]
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    n = get_aval(arrays[0]).ndim
    if n == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    ax = normalize_axes(axis, n)[0]
    if len(arrays) == 1:
        # arrays holds arrays by here (each was converted above)
        return arrays[0]  # type: ignore[return-value]
    return lax.concatenate(arrays, ax)


def stack(arrays: Sequence[ArrayLike], axis: int = 0, out: None = None, dtype: DTypeLike | None = None,
        casting: str = "same_kind") -> Array:
    """Join arrays along a new axis.

    >>> import fungrad.numpy as fnp
    >>> fnp.stack([fnp.array([1, 2]), fnp.array([3, 4])], axis=1)
    array([[1, 3],
           [2, 4]])
    """
    if out is not None:
        raise NotImplementedError("stack: out= is not supported: fungrad results are new arrays")
    arrays = [asarray(a) if dtype is None else cast(asarray(a), np.dtype(dtype))
              for a in array_sequence("stack", arrays, "stack")]
    shapes = {get_aval(a).shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    ax = normalize_axes(axis, get_aval(arrays[0]).ndim + 1)[0]
    return concatenate([expand_dims(a, ax) for a in arrays], ax)


def hstack(tup: Sequence[ArrayLike], *, dtype: DTypeLike | None = None, casting: str = "same_kind") -> Array:
    """The arrays concatenated horizontally (the first axis for 1-d inputs, else the second).

    >>> import fungrad.numpy as fnp
    >>> fnp.hstack([fnp.array([1, 2]), fnp.array([3])])
    array([1, 2, 3])
    """
    arrays = [atleast_1d(a) for a in array_sequence("hstack", tup)]
    return concatenate(arrays, 0 if get_aval(arrays[0]).ndim == 1 else 1, dtype=dtype)


def vstack(tup: Sequence[ArrayLike], *, dtype: DTypeLike | None = None, casting: str = "same_kind") -> Array:
    """The arrays stacked vertically (the first axis, after atleast_2d).

    >>> import fungrad.numpy as fnp
    >>> fnp.vstack([fnp.array([1, 2]), fnp.array([3, 4])])
    array([[1, 2],
           [3, 4]])
    """
    return concatenate([atleast_2d(a) for a in array_sequence("vstack", tup)], 0, dtype=dtype)


def split(ary: ArrayLike, indices_or_sections: int | ArrayLike, axis: int = 0) -> list[Array]:
    """Split into equal sections (an int) or at the given indices, along `axis`.

    >>> import fungrad.numpy as fnp
    >>> fnp.split(fnp.arange(6), 3)
    [array([0, 1]), array([2, 3]), array([4, 5])]
    >>> fnp.split(fnp.arange(6), [1, 4])
    [array([0]), array([1, 2, 3]), array([4, 5])]
    """
    x = asarray(ary)
    aval = get_aval(x)
    ax = normalize_axes(axis, aval.ndim)[0]
    n = aval.shape[ax]
    sections = indices_or_sections
    if isinstance(sections, np.ndarray) and sections.ndim == 0:
        sections = _args.static_int(sections, "indices_or_sections", "numpy.split")
    if isinstance(sections, (int, np.integer)) and not isinstance(sections, (bool, np.bool_)):
        k = int(sections)
        if k <= 0 or n % k:
            raise ValueError("array split does not result in an equal division")
        bounds = [i * (n // k) for i in range(k + 1)]
    else:
        # not an int: a sequence of concrete integer split points (numpy's rule)
        points = _args.static_ints(sections, "indices_or_sections (a number of sections or "
                                   "the split points)", "numpy.split")
        bounds = [0, *[min(max(i if i >= 0 else n + i, 0), n) for i in points], n]
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        spec = (lax.FULL,) * ax + (("slice", lo, max(lo, hi), None),)
        out.append(lax.getitem(x, spec))
    return out


def array_split(ary: ArrayLike, indices_or_sections: int | ArrayLike, axis: int = 0) -> list[Array]:
    """`ary` split into sections along `axis`; unequal sections are allowed.

    >>> import fungrad.numpy as fnp
    >>> fnp.array_split(fnp.arange(5), 2)
    [array([0, 1, 2]), array([3, 4])]
    """
    if not isinstance(indices_or_sections, (int, np.integer)):
        return split(ary, indices_or_sections, axis)
    sections = int(indices_or_sections)
    if sections <= 0:
        raise ValueError(f"numpy.array_split: number sections must be larger than 0, got "
                         f"{sections}.")
    aval = get_aval(asarray(ary))
    n = aval.shape[normalize_axis(axis, aval.ndim)]
    q, r = divmod(n, sections)
    sizes = [q + 1] * r + [q] * (sections - r)
    return split(ary, np.cumsum(sizes)[:-1].tolist(), axis)


def flip(m: ArrayLike, axis: int | tuple[int, ...] | None = None) -> Array:
    """`m` with the order of entries reversed along `axis` (all axes by default).

    >>> import fungrad.numpy as fnp
    >>> a = fnp.arange(6).reshape(2, 3)
    >>> fnp.flip(a, axis=1)
    array([[2, 1, 0],
           [5, 4, 3]])
    """
    x = asarray(m)
    aval = get_aval(x)
    axes = normalize_axes(axis, aval.ndim)
    spec = tuple(("slice", None, None, -1) if i in axes else lax.FULL for i in range(aval.ndim))
    return lax.getitem(x, spec)


def tile(a: ArrayLike, reps: int | Sequence[int]) -> Array:
    """`a` repeated `reps` times along each axis.

    >>> import fungrad.numpy as fnp
    >>> fnp.tile(fnp.array([1, 2]), 2)
    array([1, 2, 1, 2])
    >>> fnp.tile(fnp.array([1, 2]), (2, 1))
    array([[1, 2],
           [1, 2]])
    """
    x = asarray(a)
    reps = _shape_arg(reps, "tile: reps", nonnegative=True)
    aval = get_aval(x)
    nd = max(len(reps), aval.ndim)
    shape = (1,) * (nd - aval.ndim) + aval.shape
    reps = (1,) * (nd - len(reps)) + reps
    x = lax.reshape(x, [v for d in shape for v in (1, d)])
    x = lax.broadcast_to(x, [v for r, d in zip(reps, shape) for v in (r, d)])
    return lax.reshape(x, [r * d for r, d in zip(reps, shape)])


def repeat(a: ArrayLike, repeats: ArrayLike, axis: int | None = None, *,
        total_repeat_length: int | None = None) -> Array:
    """Repeat entries `repeats` times along `axis` (flattened when None); `repeats` an int or a
    concrete array of counts, one per entry.

    >>> import fungrad.numpy as fnp
    >>> fnp.repeat(fnp.array([1, 2]), 2)
    array([1, 1, 2, 2])
    >>> fnp.repeat(fnp.array([[1, 2]]), fnp.array([1, 2]), axis=1)
    array([[1, 2, 2]])
    """
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    aval = get_aval(x)
    ax = normalize_axes(axis, aval.ndim)[0]
    if isinstance(repeats, Tracer):
        raise NotImplementedError("repeat with traced counts: the result's shape would depend on "
                                  "their values; pass concrete counts")
    if not isinstance(repeats, (int, np.integer)):
        counts = np.asarray(repeats) if isinstance(repeats, (list, tuple, np.ndarray)) else None
        if counts is None or counts.dtype.kind not in "biu" or counts.ndim > 1:
            raise TypeError(f"numpy.repeat: repeats must be an integer or a 1-d array of "
                            f"integer counts, got {_args.describe(repeats)}.")
        if counts.ndim == 0:
            repeats = int(counts)
        else:
            idx = np.repeat(np.arange(aval.shape[ax]), counts)
            if total_repeat_length is not None:
                idx = np.resize(idx, total_repeat_length) if idx.size else idx
            return lax.getitem(x, (lax.FULL,) * ax + ("array",), [idx])
    repeats = int(repeats)
    shape = aval.shape
    x = lax.reshape(x, shape[:ax + 1] + (1,) + shape[ax + 1:])
    x = lax.broadcast_to(x, shape[:ax + 1] + (repeats,) + shape[ax + 1:])
    return lax.reshape(x, shape[:ax] + (shape[ax] * repeats,) + shape[ax + 1:])


def _take_axis(x, idx, ax):
    return lax.getitem(x, (lax.FULL,) * ax + ("array",), [np.asarray(idx, np.int64)])


def _slice_axis(x, ax, lo, hi, step=None):
    return lax.getitem(x, (lax.FULL,) * ax + (("slice", lo, hi, step),))


def broadcast_shapes(*shapes: Shape) -> tuple[int, ...]:
    """The shape the given shapes broadcast to.

    >>> import fungrad.numpy as fnp
    >>> fnp.broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    return np.broadcast_shapes(*shapes)


def flipud(m: ArrayLike) -> Array:
    """`m` flipped up to down (the first axis).

    >>> import fungrad.numpy as fnp
    >>> a = fnp.arange(6).reshape(2, 3)
    >>> fnp.flipud(a)
    array([[3, 4, 5],
           [0, 1, 2]])
    """
    x = asarray(m)
    if get_aval(x).ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(x, 0)


def fliplr(m: ArrayLike) -> Array:
    """`m` flipped left to right (the second axis).

    >>> import fungrad.numpy as fnp
    >>> a = fnp.arange(6).reshape(2, 3)
    >>> fnp.fliplr(a)
    array([[2, 1, 0],
           [5, 4, 3]])
    """
    x = asarray(m)
    if get_aval(x).ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(x, 1)


def rot90(m: ArrayLike, k: int = 1, axes: Sequence[int] = (0, 1)) -> Array:
    """`m` rotated by 90 degrees k times in the plane of `axes`.

    >>> import fungrad.numpy as fnp
    >>> fnp.rot90(fnp.array([[1, 2], [3, 4]]))
    array([[2, 4],
           [1, 3]])
    """
    x = asarray(m)
    nd = get_aval(x).ndim
    if not isinstance(axes, (tuple, list)) or len(axes) != 2:
        raise ValueError(f"rot90: len(axes) must be 2, got {axes!r}")
    a0, a1 = (normalize_axis(ax, nd, "rot90: axis") for ax in axes)
    if nd < 2:
        raise ValueError(f"rot90: the array must be at least 2-d, got {get_aval(x).str_short()}")
    k = operator.index(k)
    if a0 == a1:
        raise ValueError("Axes must be different.")
    k %= 4
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, a0), a1)
    perm = list(range(nd))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return lax.transpose(flip(x, a1), perm)
    return flip(lax.transpose(x, perm), a1)


def roll(a: ArrayLike, shift: int | Sequence[int], axis: int | tuple[int, ...] | None = None) -> Array:
    """Shift entries cyclically along `axis` (flattened when None); a traced shift is a gather.

    >>> import fungrad.numpy as fnp
    >>> fnp.roll(fnp.array([1, 2, 3, 4]), 1)
    array([4, 1, 2, 3])
    """
    x = asarray(a)
    if axis is None:
        return reshape(roll(ravel(x), shift, 0), get_aval(x).shape)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    shifts = (shift,) * len(axes) if isinstance(shift, (int, np.integer, Tracer)) or \
        np.ndim(shift) == 0 else tuple(shift)
    if len(shifts) == 1 and len(axes) > 1:
        shifts = shifts * len(axes)
    if len(shifts) != len(axes):
        raise ValueError("shift and axis must have the same length")
    nd = get_aval(x).ndim
    for sh, ax in zip(shifts, axes):
        ax = normalize_axes(ax, nd)[0]
        n = get_aval(x).shape[ax]
        if n == 0:
            continue
        if isinstance(sh, Tracer):
            from fungrad.numpy.ufuncs import mod, subtract
            idx = mod(subtract(np.arange(n), cast(sh, np.dtype(np.int64))), n)
            x = lax.getitem(x, (lax.FULL,) * ax + ("array",), [idx])
            continue
        # one concrete shift per axis (a traced one was handled above)
        sh = int(sh) % n  # type: ignore[arg-type]
        if sh:
            x = lax.concatenate([_slice_axis(x, ax, n - sh, None), _slice_axis(x, ax, 0, n - sh)],
                                ax)
    return x


def rollaxis(a: ArrayLike, axis: int, start: int = 0) -> Array:
    """`a` with `axis` rolled back to position `start` (moveaxis is the clearer spelling).

    >>> import fungrad.numpy as fnp
    >>> fnp.rollaxis(fnp.ones((2, 3, 4)), 2).shape
    (4, 2, 3)
    """
    x = asarray(a)
    n = get_aval(x).ndim
    axis = normalize_axis(axis, n, "numpy.rollaxis: axis")
    start = _args.static_int(start, "start", "numpy.rollaxis")
    if start < 0:
        start += n
    if not 0 <= start <= n:
        raise ValueError(f"start={start} out of range for an array of rank {n}")
    if axis < start:
        start -= 1
    if axis == start:
        return x
    return moveaxis(x, axis, start)


def permute_dims(a: ArrayLike, /, axes: Sequence[int] | None = None) -> Array:
    """`a` with its axes permuted (the array API's transpose).

    >>> import fungrad.numpy as fnp
    >>> fnp.permute_dims(fnp.ones((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    return transpose(a, axes)


def concat(arrays: Sequence[ArrayLike], /, *, axis: int = 0) -> Array:
    """concatenate (the array API's name).

    >>> import fungrad.numpy as fnp
    >>> fnp.concat([fnp.array([1]), fnp.array([2, 3])])
    array([1, 2, 3])
    """
    return concatenate(arrays, axis)


def matrix_transpose(x: ArrayLike, /) -> Array:
    """The last two axes swapped (the array API's matrix_transpose).

    >>> import fungrad.numpy as fnp
    >>> fnp.matrix_transpose(fnp.ones((2, 3, 4))).shape
    (2, 4, 3)
    """
    x = asarray(x)
    if get_aval(x).ndim < 2:
        raise ValueError("matrix_transpose requires an array of rank >= 2")
    return swapaxes(x, -1, -2)


def unstack(x: ArrayLike, /, *, axis: int = 0) -> tuple[Array, ...]:
    """The slices of `x` along `axis`, as a tuple (the array API's unstack).

    >>> import fungrad.numpy as fnp
    >>> fnp.unstack(fnp.array([[1, 2], [3, 4]]))
    (array([1, 2]), array([3, 4]))
    """
    x = asarray(array_only(x, "numpy.unstack", "x"))
    ax = normalize_axis(axis, get_aval(x).ndim, "numpy.unstack: axis")
    return tuple(lax.getitem(x, (lax.FULL,) * ax + (i,)) for i in range(get_aval(x).shape[ax]))


def column_stack(tup: Sequence[ArrayLike]) -> Array:
    """1-d arrays as the columns of a 2-d array (2-d arrays stacked as they are).

    >>> import fungrad.numpy as fnp
    >>> fnp.column_stack([fnp.array([1, 2]), fnp.array([3, 4])])
    array([[1, 3],
           [2, 4]])
    """
    cols = []
    for a in array_sequence("column_stack", tup):
        x = asarray(a)
        if get_aval(x).ndim < 2:
            x = reshape(x, (-1, 1))
        cols.append(x)
    return concatenate(cols, 1)


def dstack(tup: Sequence[ArrayLike], *, dtype: DTypeLike | None = None) -> Array:
    """The arrays stacked along the third axis (after atleast_3d).

    >>> import fungrad.numpy as fnp
    >>> fnp.dstack([fnp.array([1, 2]), fnp.array([3, 4])])
    array([[[1, 3],
            [2, 4]]])
    """
    return concatenate([_at3(a) for a in array_sequence("dstack", tup)], 2, dtype=dtype)


def hsplit(ary: ArrayLike, indices_or_sections: int | ArrayLike) -> list[Array]:
    """split along the second axis (the first for 1-d arrays).

    >>> import fungrad.numpy as fnp
    >>> fnp.hsplit(fnp.arange(4), 2)
    [array([0, 1]), array([2, 3])]
    """
    x = asarray(ary)
    if get_aval(x).ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(x, indices_or_sections, 1 if get_aval(x).ndim > 1 else 0)


def vsplit(ary: ArrayLike, indices_or_sections: int | ArrayLike) -> list[Array]:
    """split along the first axis.

    >>> import fungrad.numpy as fnp
    >>> [p.shape for p in fnp.vsplit(fnp.ones((4, 2)), 2)]
    [(2, 2), (2, 2)]
    """
    if get_aval(asarray(ary)).ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary: ArrayLike, indices_or_sections: int | ArrayLike) -> list[Array]:
    """split along the third axis.

    >>> import fungrad.numpy as fnp
    >>> [p.shape for p in fnp.dsplit(fnp.ones((1, 1, 4)), 2)]
    [(1, 1, 2), (1, 1, 2)]
    """
    if get_aval(asarray(ary)).ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


def _block_depth(a, where, level):
    """(depth, where) of the nesting of lists `a` (at `level`) for numpy.block: every block at
    the same depth, no empty list, no tuple (numpy's rules and errors)."""
    if type(a) is tuple:
        raise TypeError(f"numpy.block: {where} is a tuple. Only lists can be used to arrange "
                        "blocks, and numpy.block does not allow implicit conversion from tuple "
                        "to ndarray. Fix: pass a list.")
    if type(a) is not list:
        return level, where
    if not a:
        raise ValueError(f"numpy.block: the list at {where} cannot be empty")
    first = None
    for i, b in enumerate(a):
        got = _block_depth(b, f"{where}[{i}]", level + 1)
        if first is None:
            first = got
        elif got[0] != first[0]:
            raise ValueError(f"numpy.block: list depths are mismatched: the first block "
                             f"({first[1]}) is at depth {first[0]}, but {got[1]} is at depth "
                             f"{got[0]}")
    assert first is not None
    return first


def block(arrays: Sequence[ArrayLike]) -> Array:
    """Assemble an array from nested lists of blocks (numpy.block).

    >>> import fungrad.numpy as fnp
    >>> fnp.block([[fnp.eye(2), fnp.zeros((2, 1))]])
    array([[1., 0., 0.],
           [0., 1., 0.]])
    """
    def ndim_of(a):
        return max(ndim_of(b) for b in a) if isinstance(a, list) else get_aval(asarray(a)).ndim

    d = _block_depth(arrays, "arrays", 0)[0]
    if d == 0:
        return asarray(arrays)
    nd = max(d, ndim_of(arrays))

    def build(a, level):
        if not isinstance(a, list):
            x = asarray(a)
            n = get_aval(x).ndim
            return reshape(x, (1,) * (nd - n) + get_aval(x).shape) if n < nd else x
        parts = [build(b, level + 1) for b in a]
        return concatenate(parts, axis=-(d - level))
    return build(arrays, 0)


def append(arr: ArrayLike, values: ArrayLike, axis: int | None = None) -> Array:
    """`values` appended to `arr` along `axis` (flattened when axis is None).

    >>> import fungrad.numpy as fnp
    >>> fnp.append(fnp.array([1, 2]), fnp.array([[3, 4]]))
    array([1, 2, 3, 4])
    """
    x, v = asarray(arr), asarray(values)
    if axis is None:
        return concatenate([ravel(x), ravel(v)], 0)
    return concatenate([x, v], axis)


def insert(arr: ArrayLike, obj: ArrayLike, values: ArrayLike,
        axis: int | None = None) -> Array:
    """numpy.insert with a concrete `obj` (index or indices): a concatenation and one gather.

    >>> import fungrad.numpy as fnp
    >>> fnp.insert(fnp.array([1, 2, 3]), 1, fnp.array([9]))
    array([1, 9, 2, 3])
    """
    x = asarray(arr)
    if axis is None:
        x, axis = ravel(x), 0
    nd = get_aval(x).ndim
    ax = normalize_axes(axis, nd)[0]
    n = get_aval(x).shape[ax]
    if isinstance(obj, slice):
        obj = np.arange(n)[obj]
    if isinstance(obj, Tracer):
        raise NotImplementedError("insert: the positions must be concrete")
    obj = np.asarray(obj)
    v = asarray(values)
    v, x = promote(v, x)[0], x
    v = cast(v, get_aval(x).dtype)
    vshape = get_aval(v).shape
    if obj.ndim == 0:
        # one slice at obj, or as many as values has along the axis
        if len(vshape) == nd and nd:
            m = vshape[ax]
        elif len(vshape) > 0 and nd == 1:
            m = vshape[-1]
        else:
            m = 1
        target = get_aval(x).shape[:ax] + (m,) + get_aval(x).shape[ax + 1:]
        if len(vshape) < nd:
            v = moveaxis(reshape(v, (1,) * (nd - len(vshape)) + vshape), 0, ax) \
                if len(vshape) == nd - 1 and nd > 1 else v
        v = broadcast_to(v, target)
        # numpy places a negative position counting from the end (-1: before the last entry)
        # and checks the range and the type of `obj`
        order = np.insert(np.arange(n), obj[()], n + np.arange(m))
    else:
        k = obj.size
        target = get_aval(x).shape[:ax] + (k,) + get_aval(x).shape[ax + 1:]
        if len(get_aval(v).shape) == nd and get_aval(v).shape[ax] in (1, k):
            v = broadcast_to(v, target)
        else:
            v = broadcast_to(moveaxis(reshape(v, (1,) * max(nd - len(vshape), 0) + vshape),
                                      nd - 1, ax) if nd > 1 and len(vshape) == 1 else v, target)
        order = np.insert(np.arange(n), obj.ravel(), n + np.arange(k))
    return _take_axis(lax.concatenate([x, v], ax), order, ax)


def delete(arr: ArrayLike, obj: ArrayLike, axis: int | None = None, *,
        assume_unique_indices: bool = False) -> Array:
    """numpy.delete with concrete indices (or a slice, or a boolean mask).

    >>> import fungrad.numpy as fnp
    >>> fnp.delete(fnp.array([1, 2, 3, 4]), fnp.array([0, 2]))
    array([2, 4])
    """
    x = asarray(arr)
    if axis is None:
        x, axis = ravel(x), 0
    ax = normalize_axes(axis, get_aval(x).ndim)[0]
    n = get_aval(x).shape[ax]
    if isinstance(obj, Tracer):
        raise NotImplementedError("delete: the positions must be concrete (the result's shape "
                                  "depends on them)")
    # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
    keep = np.delete(np.arange(n), obj)  # type: ignore[arg-type]
    return _take_axis(x, keep, ax)


def resize(a: ArrayLike, new_shape: int | Shape) -> Array:
    """The entries of `a` repeated cyclically into `new_shape`.

    >>> import fungrad.numpy as fnp
    >>> fnp.resize(fnp.array([1, 2, 3]), (2, 2))
    array([[1, 2],
           [3, 1]])
    """
    x = ravel(asarray(a))
    new_shape = _shape_arg(new_shape, "resize: new_shape", nonnegative=True)
    total = int(np.prod(new_shape, dtype=np.int64))
    n = get_aval(x).shape[0]
    if n == 0 or total == 0:
        return fresh(np.zeros(new_shape, get_aval(x).dtype))
    return reshape(_take_axis(x, np.arange(total) % n, 0), new_shape)


def trim_zeros(filt: ArrayLike, trim: str = "fb", axis: int | tuple[int, ...] | None = None) -> Array:
    """Cut leading ('f') and/or trailing ('b') zeros of a 1-d array (value-dependent: needs
    concrete values).

    >>> import fungrad.numpy as fnp
    >>> fnp.trim_zeros(fnp.array([0, 1, 2, 0]))
    array([1, 2])
    """
    from fungrad.numpy.indexing import concrete_or_none, need_size_error
    x = asarray(filt)
    if not isinstance(trim, str) or trim.lower() not in ("fb", "bf", "f", "b"):
        raise ValueError(f"numpy.trim_zeros: trim must be 'fb', 'f' or 'b', got {trim!r}")
    nd = get_aval(x).ndim
    axes = normalize_axes(axis, nd, "numpy.trim_zeros: axis")
    c = concrete_or_none(x)
    if c is None:
        raise need_size_error("trim_zeros", x, hint="")
    if not axes:
        return filt  # type: ignore[return-value]  # numpy: nothing to trim, the input itself
    nz = np.argwhere(c)
    if nz.size == 0:  # all zeros: every trimmed axis becomes empty
        lo, hi = [0] * nd, [0] * nd
    else:
        lo = nz.min(0).tolist() if "f" in trim.lower() else [0] * nd
        hi = (nz.max(0) + 1).tolist() if "b" in trim.lower() else list(c.shape)
    if isinstance(filt, (list, tuple)) and nd == 1:
        return filt[lo[0]:hi[0]]  # type: ignore[return-value]  # a list stays a list
    for ax in axes:
        x = _slice_axis(x, ax, lo[ax], hi[ax])
    return x


def diff(a: ArrayLike, n: int = 1, axis: int = -1, prepend: ArrayLike | None = None,
        append: ArrayLike | None = None) -> Array:
    """The n-th discrete difference along `axis` (booleans: not-equal, as numpy).

    >>> import fungrad.numpy as fnp
    >>> fnp.diff(fnp.array([1, 4, 9, 16]))
    array([3, 5, 7])
    >>> fnp.diff(fnp.array([1, 4, 9, 16]), n=2)
    array([2, 2])
    """
    x = asarray(a)
    nd = get_aval(x).ndim
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    ax = normalize_axes(axis, nd)[0]
    parts = []
    for extra, where_ in ((prepend, 0), (append, 1)):
        if extra is None:
            continue
        e = asarray(extra)
        if get_aval(e).ndim == 0:
            shape = list(get_aval(x).shape)
            shape[ax] = 1
            e = broadcast_to(e, shape)
        parts.append((where_, e))
    if parts:
        pieces = [e for w, e in parts if w == 0] + [x] + [e for w, e in parts if w == 1]
        x = concatenate(pieces, ax)
    from fungrad.numpy.ufuncs import not_equal, subtract
    for _ in range(n):
        m = get_aval(x).shape[ax]
        hi, lo = _slice_axis(x, ax, 1, None), _slice_axis(x, ax, 0, max(m - 1, 0))
        x = not_equal(hi, lo) if get_aval(x).dtype == np.bool_ else subtract(hi, lo)
    return x


def ediff1d(ary: ArrayLike, to_end: ArrayLike | None = None, to_begin: ArrayLike | None = None) -> Array:
    """The differences of the flattened array, with `to_begin`/`to_end` around them.

    >>> import fungrad.numpy as fnp
    >>> fnp.ediff1d(fnp.array([1, 2, 4]), to_begin=fnp.array([0]))
    array([0, 1, 2])
    """
    x = ravel(asarray(ary))
    if get_aval(x).dtype == np.bool_:  # numpy subtracts (diff takes not-equal instead)
        raise DtypeError(f"numpy.ediff1d: boolean subtract is not supported, got ary "
                         f"{get_aval(x).str_short()}. Fix: cast to an integer dtype, or use "
                         "numpy.diff (not-equal of neighbours).")
    out = diff(x) if get_aval(x).shape[0] else x
    parts = []
    if to_begin is not None:
        parts.append(cast(ravel(asarray(to_begin)), get_aval(out).dtype))
    parts.append(out)
    if to_end is not None:
        parts.append(cast(ravel(asarray(to_end)), get_aval(out).dtype))
    return concatenate(parts, 0) if len(parts) > 1 else out


# ---- pad
def _pairs(v, nd, name):
    """`v` (an integer, a (before, after) pair, or one pair per axis) as an (nd, 2) int array."""
    try:
        arr = None if isinstance(v, (dict, str, bytes, Tracer)) or v is None else np.asarray(v)
    except ValueError:  # ragged
        arr = None
    if arr is None or arr.dtype.kind not in "iu":
        raise TypeError(f"numpy.pad: {name} must be of integral type: an int, a (before, after) "
                        f"pair or one pair per axis ({nd}, 2), got {_args.describe(v)}.")
    try:
        if arr.ndim > 2:
            raise ValueError
        return np.broadcast_to(arr, (nd, 2))
    except ValueError:
        raise ValueError(f"numpy.pad: could not broadcast {name} {_args.describe(v)} to shape "
                         f"({nd}, 2)") from None


def _pad_index(n, before, after, mode):
    i = np.arange(-before, n + after)
    if mode == "edge":
        return np.clip(i, 0, n - 1)
    if mode == "wrap":
        return i % n
    if mode == "reflect":
        if n == 1:
            return np.zeros_like(i)
        period = 2 * n - 2
        m = i % period
        return np.where(m >= n, period - m, m)
    if mode == "symmetric":
        period = 2 * n
        m = i % period
        return np.where(m >= n, period - 1 - m, m)
    raise ValueError(mode)


def pad(array: ArrayLike, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Array:
    """numpy.pad: modes constant, edge, wrap, reflect, symmetric (each a concatenation or one
    gather per axis), maximum, minimum, mean, median, linear_ramp and empty.

    >>> import fungrad.numpy as fnp
    >>> fnp.pad(fnp.array([1, 2]), 1)
    array([0, 1, 2, 0])
    >>> fnp.pad(fnp.array([1, 2]), (0, 2), mode='edge')
    array([1, 2, 2, 2])
    """
    x = asarray(array)
    nd = get_aval(x).ndim
    if callable(mode):
        if isinstance(x, Tracer):
            raise NotImplementedError("pad with a callable mode needs a concrete array")
        return fresh(np.pad(x, pad_width, mode, **kwargs))
    widths = np.asarray(_pairs(pad_width, nd, "pad_width"), np.int64)
    if np.any(widths < 0):
        raise ValueError("index can't contain negative values")
    if mode == "empty":
        mode = "constant"
    if mode == "reflect" and kwargs.get("reflect_type", "even") != "even":
        raise NotImplementedError("pad: reflect_type='odd' is not supported")
    if mode == "symmetric" and kwargs.get("reflect_type", "even") != "even":
        raise NotImplementedError("pad: reflect_type='odd' is not supported")
    from fungrad.numpy import reductions
    for ax in range(nd):
        before, after = int(widths[ax, 0]), int(widths[ax, 1])
        if before == 0 and after == 0:
            continue
        n = get_aval(x).shape[ax]
        side = list(get_aval(x).shape)
        if mode == "constant":
            cv = kwargs.get("constant_values", 0)
            cvs = _constant_pairs(cv, nd)
            pieces = []
            for count, val in ((before, cvs[ax][0]), (after, cvs[ax][1])):
                side[ax] = count
                pieces.append(broadcast_to(cast(asarray(val), get_aval(x).dtype), tuple(side)))
            x = lax.concatenate([p for p, c in zip(pieces[:1], (before,)) if c] + [x]
                                + [p for p, c in zip(pieces[1:], (after,)) if c], ax)
        elif mode in ("edge", "wrap", "reflect", "symmetric"):
            if n == 0:
                raise ValueError(f"can't extend empty axis {ax} using modes other than 'constant'"
                                 " or 'empty'")
            x = _take_axis(x, _pad_index(n, before, after, mode), ax)
        elif mode in ("maximum", "minimum", "mean", "median"):
            lengths = kwargs.get("stat_length")
            sl = _pairs(lengths, nd, "stat_length") if lengths is not None else None
            fn = {"maximum": reductions.max, "minimum": reductions.min,
                  "mean": reductions.mean}.get(mode)
            if mode == "median":
                from fungrad.numpy.sorting import median as fn
            pieces = []
            for k, count in enumerate((before, after)):
                length = n if sl is None else max(1, min(int(sl[ax][k]), n))
                lo, hi = (0, length) if k == 0 else (n - length, n)
                region = _slice_axis(x, ax, lo, hi)
                # fn is set for every mode of this branch (median imported above)
                stat = fn(region, axis=ax, keepdims=True)  # type: ignore[misc]
                if mode in ("mean", "median") and np.issubdtype(get_aval(x).dtype, np.integer):
                    from fungrad.numpy.ufuncs import round as _round
                    stat = _round(stat)
                stat = cast(stat, get_aval(x).dtype)
                side[ax] = count
                pieces.append(broadcast_to(stat, tuple(side)))
            x = lax.concatenate([pieces[0], x, pieces[1]], ax)
        elif mode == "linear_ramp":
            ev = _constant_pairs(kwargs.get("end_values", 0), nd)
            from fungrad.numpy.ufuncs import add, multiply, subtract
            pieces = []
            for k, count in enumerate((before, after)):
                edge = _slice_axis(x, ax, 0, 1) if k == 0 else _slice_axis(x, ax, n - 1, n)
                end = cast(asarray(ev[ax][k]), get_aval(x).dtype)
                frac = np.arange(count, dtype=np.float64) / max(count, 1)
                if k == 1:
                    frac = frac[::-1] + 0.0
                    frac = 1.0 - np.arange(1, count + 1, dtype=np.float64) / max(count, 1)
                shape = [1] * nd
                shape[ax] = count
                frac = frac.reshape(shape).astype(get_aval(x).dtype if np.issubdtype(
                    get_aval(x).dtype, np.inexact) else np.float64)
                ramp = add(end, multiply(subtract(edge, end), frac))
                if np.issubdtype(get_aval(x).dtype, np.integer):
                    ramp = cast(ramp, get_aval(x).dtype)
                pieces.append(ramp)
            x = lax.concatenate([pieces[0], x, pieces[1]], ax)
        else:
            raise ValueError(f"mode {mode!r} is not supported")
    return x


def _constant_pairs(v, nd):
    if isinstance(v, Tracer) or (isinstance(v, np.ndarray) and v.ndim == 0) or np.ndim(v) == 0:
        return [(v, v)] * nd
    arr = np.broadcast_to(np.asarray(v), (nd, 2))
    return [(arr[i, 0], arr[i, 1]) for i in range(nd)]
