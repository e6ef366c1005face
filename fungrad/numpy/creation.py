"""Array creation of the numpy API. Results are read-only fungrad.Arrays (constants to any trace),
except where they are built from traced values: `array`/`asarray` of (lists of) traced values
stack them; linspace/logspace/geomspace with traced ends, tril/triu/diag/diagflat/vander/
meshgrid of traced arrays are differentiable.

Imports: _core, lax, numpy._promote, numpy.shape, numpy.indexing.
"""
from __future__ import annotations

import os
from typing import Any, Callable

import numpy as np

from fungrad._core.array import as_array, fresh, frozen
from fungrad._core.typing import Array, ArrayLike, DTypeLike, Shape
from fungrad._core.dtypes import is_float
from fungrad._core.errors import ShapeError
from fungrad._core.trace import Tracer, get_aval
from fungrad._core.tree import tree_leaves
from fungrad import _lax as lax
from fungrad._lax import cumulative as _cum
from fungrad.numpy._promote import (
    asarray as _asarray, cast, check_numeric, numeric_array, promote_inexact)

__all__ = [
    "arange", "array", "asarray", "astype", "bartlett", "blackman", "copy", "diag", "diagflat",
    "empty", "empty_like", "eye", "from_dlpack", "frombuffer", "fromfile", "fromfunction",
    "fromiter", "fromstring", "full", "full_like", "geomspace", "hamming", "hanning",
    "identity", "indices", "kaiser", "linspace", "logspace", "meshgrid", "mgrid", "ogrid",
    "ones", "ones_like", "tri", "tril", "triu", "vander", "zeros", "zeros_like"]


def _contains_tracer(obj):
    return any(isinstance(x, Tracer) for x in tree_leaves(obj))


def array(object: ArrayLike, dtype: DTypeLike | None = None, copy: bool = True, order: str = "K",
        ndmin: int = 0) -> Array:
    """Like numpy.array; a (nested) list containing traced values is stacked into a traced array.

    >>> import fungrad.numpy as fnp
    >>> fnp.array([[1, 2], [3, 4]], dtype=fnp.float32)
    array([[1., 2.],
           [3., 4.]], dtype=float32)
    """
    if isinstance(object, Tracer) or (isinstance(object, (list, tuple))
                                      and _contains_tracer(object)):
        out = _asarray(object)
        out = out if dtype is None else cast(out, np.dtype(dtype))
        nd = get_aval(out).ndim
        if nd < ndmin:
            out = lax.reshape(out, (1,) * (ndmin - nd) + get_aval(out).shape)
        return out
    # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
    out = check_numeric(np.array(object, dtype=dtype, copy=copy, order=order, ndmin=ndmin),  # type: ignore[call-overload]
                        object)
    # a copy is fresh (frozen); without one the data may be the caller's (a read-only view)
    return as_array(out) if copy is False or (copy is None and out is object) else frozen(out)


def asarray(a: ArrayLike, dtype: DTypeLike | None = None, order: str | None = None, *,
        copy: bool | None = None) -> Array:
    """Like numpy.asarray; traced values (and lists holding them) are stacked, not copied.

    >>> import fungrad.numpy as fnp
    >>> fnp.asarray([1, 2, 3])
    array([1, 2, 3])
    """
    if isinstance(a, (list, tuple)) or isinstance(a, Tracer):
        return array(a, dtype=dtype)
    # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
    return as_array(check_numeric(np.asarray(a, dtype=dtype, order=order, copy=copy), a))  # type: ignore[arg-type, misc]


def astype(x: ArrayLike, dtype: DTypeLike, /, *, copy: bool = False) -> Array:
    """`x` converted to `dtype` (the array API's astype).

    >>> import fungrad.numpy as fnp
    >>> fnp.astype(fnp.array([1.7, -1.7]), fnp.int32)
    array([ 1, -1], dtype=int32)
    """
    out = cast(asarray(x), np.dtype(dtype))
    return out if isinstance(out, Tracer) else as_array(out)  # type: ignore[return-value]


def copy(a: ArrayLike, order: str = "K", subok: bool = False) -> Array:
    """A copy of `a` (a traced value is immutable, so it is its own copy).

    >>> import fungrad.numpy as fnp
    >>> fnp.copy(fnp.array([1, 2]))
    array([1, 2])
    """
    if isinstance(a, Tracer):
        # Array names numpy.ndarray; under a transform this is a Tracer (fungrad._core.typing)
        return a  # type: ignore[return-value]
    # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
    return frozen(check_numeric(np.array(a, order=order, copy=True), a))  # type: ignore[call-overload]


def _shape_of(a):
    return get_aval(a).shape if isinstance(a, Tracer) else numeric_array(a).shape


def _dtype_of(a, dtype):
    if dtype is not None:
        return dtype
    return get_aval(a).dtype if isinstance(a, Tracer) else numeric_array(a).dtype


# one doctested example per wrapper (numpy's docstrings would bring numpy's doctests, which
# run against numpy's module and print numpy's reprs)
_EXAMPLES = {
    "zeros": ("fnp.zeros(3)", "array([0., 0., 0.])"),
    "ones": ("fnp.ones((2,), dtype=fnp.int32)", "array([1, 1], dtype=int32)"),
    "empty": ("fnp.empty(2)  # zero-filled: programs stay deterministic", "array([0., 0.])"),
    "eye": ("fnp.eye(2)", "array([[1., 0.],\n       [0., 1.]])"),
    "identity": ("fnp.identity(2)", "array([[1., 0.],\n       [0., 1.]])"),
    "arange": ("fnp.arange(4)", "array([0, 1, 2, 3])"),
    "fromiter": ("fnp.fromiter(range(3), dtype=float)", "array([0., 1., 2.])"),
    "fromstring": ("fnp.fromstring('1 2', dtype=int, sep=' ')", "array([1, 2])"),
    "frombuffer": ("fnp.frombuffer(b'\\x01\\x02', dtype=fnp.uint8)", "array([1, 2], dtype=uint8)"),
    "fromfile": ("fnp.fromfile(42)", "Traceback (most recent call last):\n"
                 "TypeError: fromfile: file must be a path (str, bytes or os.PathLike) or an open "
                 "file object, got int. Fix: pass a file name."),
    "from_dlpack": ("fnp.from_dlpack(fnp.arange(3))", "array([0, 1, 2])"),
    "indices": ("fnp.indices((2,))", "array([[0, 1]])"),
    "bartlett": ("fnp.bartlett(3)", "array([0., 1., 0.])"),
    "blackman": ("fnp.blackman(3).round(6) + 0.0", "array([0., 1., 0.])"),
    "hamming": ("fnp.hamming(3)", "array([0.08, 1.  , 0.08])"),
    "hanning": ("fnp.hanning(3)", "array([0., 1., 0.])"),
    "kaiser": ("fnp.kaiser(3, 5.0).round(6)", "array([0.036711, 1.      , 0.036711])"),
    "tri": ("fnp.tri(2)", "array([[1., 0.],\n       [1., 1.]])"),
}


def _doc(np_fn, name=None):
    name = name or np_fn.__name__
    text = (f"numpy.{np_fn.__name__}, returning a read-only fungrad.Array; see numpy's "
            f"documentation of numpy.{np_fn.__name__} for the arguments.")
    call, out = _EXAMPLES[name]
    return f"{text}\n\n>>> import fungrad.numpy as fnp\n>>> {call}\n{out}\n"


def _fresh(np_fn, convert=fresh):
    """numpy's creation function `np_fn`, returning a read-only fungrad.Array (`convert`:
    fresh for a new buffer, as_array for numpy functions whose result shares the memory of
    their argument, frombuffer and from_dlpack, so the caller's buffer is left as it is)."""
    def fn(*args, **kwargs):
        return convert(np_fn(*args, **kwargs))
    fn.__name__ = fn.__qualname__ = np_fn.__name__
    fn.__doc__ = _doc(np_fn)
    fn.__wrapped__ = np_fn
    return fn


class _Grid:
    """numpy's mgrid/ogrid index tricks, returning Arrays."""

    __slots__ = ("_grid",)

    def __init__(self, grid):
        self._grid = grid

    def __getitem__(self, key):
        return fresh(self._grid[key])


zeros = _fresh(np.zeros)
ones = _fresh(np.ones)
empty = _fresh(np.zeros)  # never uninitialized: traced programs must be deterministic
empty.__name__ = empty.__qualname__ = "empty"
empty.__doc__ = _doc(np.zeros, "empty")
eye = _fresh(np.eye)
identity = _fresh(np.identity)
arange = _fresh(np.arange)
fromiter, fromstring = _fresh(np.fromiter), _fresh(np.fromstring)
frombuffer = _fresh(np.frombuffer, as_array)
_np_fromfile, _np_from_dlpack = _fresh(np.fromfile), _fresh(np.from_dlpack, as_array)


def fromfile(file, dtype=float, count=-1, sep="", offset=0, *, like=None):
    if not isinstance(file, (str, bytes, os.PathLike)) and not hasattr(file, "fileno"):
        raise TypeError(f"fromfile: file must be a path (str, bytes or os.PathLike) or an open "
                        f"file object, got {type(file).__name__}. Fix: pass a file name.")
    return _np_fromfile(file, dtype=dtype, count=count, sep=sep, offset=offset, like=like)


def from_dlpack(x, /, *, device=None, copy=None):
    if not hasattr(x, "__dlpack__"):
        raise TypeError(f"from_dlpack: a {type(x).__name__} object does not implement the DLPack "
                        "protocol (__dlpack__). Fix: pass an array of a library that exports "
                        "DLPack (numpy, torch, ...), or use fungrad.numpy.asarray.")
    return _np_from_dlpack(x, device=device, copy=copy)


fromfile.__doc__, from_dlpack.__doc__ = _doc(np.fromfile), _doc(np.from_dlpack)
fromfile.__wrapped__, from_dlpack.__wrapped__ = np.fromfile, np.from_dlpack  # type: ignore[attr-defined]
indices = _fresh(np.indices)
mgrid, ogrid = _Grid(np.mgrid), _Grid(np.ogrid)
bartlett, blackman, hamming, hanning, kaiser = map(_fresh, (np.bartlett, np.blackman, np.hamming,
                                                            np.hanning, np.kaiser))
tri = _fresh(np.tri)


def full(shape: int | Shape, fill_value: ArrayLike, dtype: DTypeLike | None = None,
        order: str = "C") -> Array:
    """numpy.full; a traced fill value is broadcast (differentiable).

    >>> import fungrad.numpy as fnp
    >>> fnp.full((2, 2), 7)
    array([[7, 7],
           [7, 7]])
    """
    if isinstance(fill_value, Tracer):
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        v = fill_value if dtype is None else cast(fill_value, np.dtype(dtype))
        return lax.broadcast_to(v, shape)
    # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
    return frozen(check_numeric(np.full(shape, fill_value, dtype, order), fill_value))  # type: ignore[call-overload, misc]


def linspace(start: ArrayLike, stop: ArrayLike, num: int = 50, endpoint: bool = True, retstep: bool = False,
        dtype: DTypeLike | None = None, axis: int = 0) -> Array | tuple[Array, Array]:
    """numpy.linspace; traced ends give a traced (differentiable) result.

    >>> import fungrad.numpy as fnp
    >>> fnp.linspace(0.0, 1.0, num=5)
    array([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    if not isinstance(start, Tracer) and not isinstance(stop, Tracer):
        # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
        return fresh(np.linspace(start, stop, num, endpoint, retstep, dtype, axis))  # type: ignore[call-overload, misc]
    start, stop = promote_inexact(_asarray(start), _asarray(stop))
    shape = np.broadcast_shapes(get_aval(start).shape, get_aval(stop).shape)
    div = (num - 1) if endpoint else num
    dt = get_aval(start).dtype
    steps = np.arange(num, dtype=dt).reshape((num,) + (1,) * len(shape))
    delta = lax.sub(lax.broadcast_to(stop, shape), lax.broadcast_to(start, shape))
    step = lax.div(delta, np.asarray(div if div > 0 else 1, dt))
    out = lax.add(lax.broadcast_to(start, shape), lax.mul(steps, step))
    if endpoint and num > 1:  # the last entry is exactly `stop`, as numpy
        last = np.arange(num) == num - 1
        out = lax.select(last.reshape((num,) + (1,) * len(shape)),
                         lax.broadcast_to(stop, (num, *shape)), out)
    if axis != 0:
        from fungrad.numpy.shape import moveaxis
        out = moveaxis(out, 0, axis)
    if dtype is not None:
        out = cast(out, np.dtype(dtype))
    return (out, step) if retstep else out


def logspace(start: ArrayLike, stop: ArrayLike, num: int = 50, endpoint: bool = True, base: ArrayLike = 10.0,
        dtype: DTypeLike | None = None, axis: int = 0) -> Array:
    """`base` ** linspace(start, stop) (numpy.logspace).

    >>> import fungrad.numpy as fnp
    >>> fnp.logspace(0.0, 3.0, num=4)
    array([   1.,   10.,  100., 1000.])
    """
    if not any(isinstance(v, Tracer) for v in (start, stop, base)):
        # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
        return frozen(np.logspace(start, stop, num, endpoint, base, dtype, axis))  # type: ignore[arg-type, misc]
    from fungrad.numpy.ufuncs import power
    out = power(base, linspace(start, stop, num, endpoint, axis=axis))
    return out if dtype is None else cast(out, np.dtype(dtype))


def geomspace(start: ArrayLike, stop: ArrayLike, num: int = 50, endpoint: bool = True,
        dtype: DTypeLike | None = None, axis: int = 0) -> Array:
    """Numbers spaced evenly on a log scale between `start` and `stop` (numpy.geomspace).

    >>> import fungrad.numpy as fnp
    >>> fnp.geomspace(1.0, 1000.0, num=4)
    array([   1.,   10.,  100., 1000.])
    """
    if not isinstance(start, Tracer) and not isinstance(stop, Tracer):
        # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
        return frozen(np.geomspace(start, stop, num, endpoint, dtype, axis))  # type: ignore[arg-type, misc]
    from fungrad.numpy.ufuncs import exp, log
    out = exp(linspace(log(start), log(stop), num, endpoint, axis=axis))
    return out if dtype is None else cast(out, np.dtype(dtype))


def fromfunction(function: Callable[..., Any], shape: Shape, *, dtype: DTypeLike = float,
        **kwargs: Any) -> Array:
    """An array built by calling `function` on the index grids of `shape`.

    >>> import fungrad.numpy as fnp
    >>> fnp.fromfunction(lambda i, j: i + 10 * j, (2, 3))
    array([[ 0., 10., 20.],
           [ 1., 11., 21.]])
    """
    return fresh(function(*fresh(np.indices(shape, dtype=dtype)), **kwargs))


def _tri_mask(shape, k):
    return np.tri(shape[-2], shape[-1], k, dtype=bool)


def _tri_operand(m, fn):
    """`m` as an array of at least two axes (a 1-d one broadcast to a square), and its shape."""
    x = _asarray(m)
    shape = get_aval(x).shape
    if not shape:
        raise ShapeError(f"numpy.{fn}: m must have at least one dimension, got "
                         f"{get_aval(x).str_short()}.")
    if len(shape) == 1:
        x = lax.broadcast_to(x, (shape[0], shape[0]))
        shape = get_aval(x).shape
    return x, shape


def tril(m: ArrayLike, k: int = 0) -> Array:
    """The lower triangle (entries above diagonal k zeroed) of the last two axes.

    >>> import fungrad.numpy as fnp
    >>> fnp.tril(fnp.ones((3, 3), int))
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    x, shape = _tri_operand(m, "tril")
    zero = np.zeros((), get_aval(x).dtype)
    return lax.select(_tri_mask(shape, k), x, zero)


def triu(m: ArrayLike, k: int = 0) -> Array:
    """The upper triangle (entries below diagonal k zeroed) of the last two axes.

    >>> import fungrad.numpy as fnp
    >>> fnp.triu(fnp.ones((3, 3), int), k=1)
    array([[0, 1, 1],
           [0, 0, 1],
           [0, 0, 0]])
    """
    x, shape = _tri_operand(m, "triu")
    zero = np.zeros((), get_aval(x).dtype)
    return lax.select(_tri_mask(shape, k - 1), zero, x)


def diag(v: ArrayLike, k: int = 0) -> Array:
    """A 1-d array's diagonal matrix (on diagonal k), or a 2-d array's k-th diagonal.

    >>> import fungrad.numpy as fnp
    >>> fnp.diag(fnp.array([1, 2]))
    array([[1, 0],
           [0, 2]])
    >>> fnp.diag(fnp.array([[1, 2], [3, 4]]))
    array([1, 4])
    """
    x = _asarray(v)
    shape = get_aval(x).shape
    if len(shape) == 2:
        from fungrad.numpy.indexing import diagonal
        return diagonal(x, k)
    if len(shape) != 1:
        raise ValueError("Input must be 1- or 2-d.")
    n = shape[0] + abs(k)
    i = np.arange(shape[0]) + max(0, -k)
    j = np.arange(shape[0]) + max(0, k)
    return lax.scatter_add(np.zeros((n, n), get_aval(x).dtype), x, ("array", "array"), [i, j])


def diagflat(v: ArrayLike, k: int = 0) -> Array:
    """A 2-d array with the flattened input on diagonal k.

    >>> import fungrad.numpy as fnp
    >>> fnp.diagflat(fnp.array([[1, 2]]), k=1)
    array([[0, 1, 0],
           [0, 0, 2],
           [0, 0, 0]])
    """
    x = _asarray(v)
    return diag(lax.reshape(x, (get_aval(x).size,)), k)


def vander(x: ArrayLike, N: int | None = None, increasing: bool = False) -> Array:
    """The Vandermonde matrix [x**(N-1), ..., x, 1] (increasing: reversed): running products
    of x, so gradients are finite at x == 0.

    >>> import fungrad.numpy as fnp
    >>> fnp.vander(fnp.array([1, 2, 3]), N=3)
    array([[1, 1, 1],
           [4, 2, 1],
           [9, 3, 1]])
    """
    x = _asarray(x)
    if get_aval(x).ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = get_aval(x).shape[0]
    N = n if N is None else int(N)
    if not is_float(get_aval(x).dtype) and not isinstance(x, Tracer):
        return frozen(np.vander(x, N, increasing))
    dt = np.promote_types(get_aval(x).dtype, np.int64)  # numpy's dtype
    x = cast(x, dt)
    if N == 0:
        return frozen(np.zeros((n, 0), dt))
    cols = lax.broadcast_to(lax.reshape(x, (n, 1)), (n, N - 1))
    powers = _cum.cumprod(cols, 1) if N > 1 else None
    ones_ = np.ones((n, 1), dt)
    out = frozen(ones_) if powers is None else lax.concatenate([ones_, powers], 1)
    if not increasing:
        out = lax.getitem(out, (lax.FULL, ("slice", None, None, -1)))
    return out


def meshgrid(*xi: ArrayLike, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> list[Array]:
    """Coordinate arrays from 1-d coordinate vectors (traced ones too).

    >>> import fungrad.numpy as fnp
    >>> xs, ys = fnp.meshgrid(fnp.array([1, 2, 3]), fnp.array([10, 20]))
    >>> xs
    array([[1, 2, 3],
           [1, 2, 3]])
    >>> ys
    array([[10, 10, 10],
           [20, 20, 20]])
    """
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    if not any(isinstance(x, Tracer) for x in xi):
        # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
        return fresh(list(np.meshgrid(*[numeric_array(x) for x in xi], copy=copy, sparse=sparse,  # type: ignore[call-overload]
                                      indexing=indexing)))
    xs = [lax.reshape(_asarray(x), (get_aval(_asarray(x)).size,)) for x in xi]
    n = len(xs)
    shapes = [[1] * n for _ in xs]
    for i, x in enumerate(xs):
        shapes[i][i] = get_aval(x).shape[0]
    if indexing == "xy" and n >= 2:
        for s in shapes:
            s[0], s[1] = s[1], s[0]
    out = [lax.reshape(x, s) for x, s in zip(xs, shapes)]
    if sparse:
        return out
    full_shape = np.broadcast_shapes(*[tuple(s) for s in shapes])
    return [lax.broadcast_to(o, full_shape) for o in out]


def zeros_like(a: ArrayLike, dtype: DTypeLike | None = None, shape: int | Shape | None = None) -> Array:
    """An array of zeros of `a`'s shape (and dtype, unless given).

    >>> import fungrad.numpy as fnp
    >>> fnp.zeros_like(fnp.array([1.5, 2.5]))
    array([0., 0.])
    """
    return frozen(np.zeros(_shape_of(a) if shape is None else shape, _dtype_of(a, dtype)))


def ones_like(a: ArrayLike, dtype: DTypeLike | None = None, shape: int | Shape | None = None) -> Array:
    """An array of ones of `a`'s shape (and dtype, unless given).

    >>> import fungrad.numpy as fnp
    >>> fnp.ones_like(fnp.array([[1, 2]]))
    array([[1, 1]])
    """
    return frozen(np.ones(_shape_of(a) if shape is None else shape, _dtype_of(a, dtype)))


def empty_like(a: ArrayLike, dtype: DTypeLike | None = None, shape: int | Shape | None = None) -> Array:
    """An array of `a`'s shape and dtype (fungrad fills it with zeros).

    >>> import fungrad.numpy as fnp
    >>> fnp.empty_like(fnp.ones((2, 2))).shape
    (2, 2)
    """
    return zeros_like(a, dtype, shape)


def full_like(a: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike | None = None,
        shape: int | Shape | None = None) -> Array:
    """An array of `a`'s shape (and dtype, unless given) filled with `fill_value`.

    >>> import fungrad.numpy as fnp
    >>> fnp.full_like(fnp.ones(3), 2.5)
    array([2.5, 2.5, 2.5])
    """
    return frozen(np.full(_shape_of(a) if shape is None else shape, fill_value,
                          _dtype_of(a, dtype)))
