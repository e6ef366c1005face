"""Statistics, signal processing, polynomials and functional helpers of the numpy API: cov,
corrcoef, bincount, histogram*, convolve/correlate (1-d, direct), interp, gradient, trapezoid,
unwrap, cross, kron, the poly* functions, vectorize / apply_along_axis / piecewise (via vmap),
bit packing, vector products (vecdot, matvec, vecmat), and numpy's printing and I/O helpers
(concrete values only).

Imports: _core, _api (vmap), lax, numpy.*.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from fungrad._core.array import as_array, fresh
from fungrad._core.typing import Array, ArrayLike, DTypeLike
from fungrad._core.dtypes import is_float
from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.trace import Tracer, get_aval
from fungrad import _lax as lax
from fungrad._lax import _args, complex_parts as _cp, sorting as _sorting
from fungrad._lax._args import static_int as _static_int
from fungrad.numpy._promote import asarray, cast, promote, promote_inexact
from fungrad.numpy.indexing import concrete_or_none, need_size_error, take
from fungrad.numpy.reductions import (
    any as _any, average, check_out, max as _max, min as _min, normalize_axes, sum as _sum)
from fungrad.numpy.shape import (
    atleast_1d, atleast_2d, broadcast_to, concatenate, diff, expand_dims, moveaxis, pad, ravel,
    reshape, stack, squeeze, swapaxes)
from fungrad.numpy.ufuncs import (
    absolute, add, bitwise_and, clip, divide, equal, greater, isfinite, isnan, less,
    logical_and, mod, multiply,
    negative, not_equal, real, right_shift, sqrt, subtract, where, conj)
from fungrad.numpy.reductions import normalize_axis

__all__ = [
    "apply_along_axis", "apply_over_axes", "array2string", "array_repr", "array_str",
    "bincount", "convolve", "corrcoef", "correlate", "cov", "cross", "einsum_path",
    "frompyfunc", "get_printoptions", "gradient", "histogram", "histogram2d",
    "histogram_bin_edges", "histogramdd", "interp", "kron", "load", "matvec", "packbits",
    "piecewise", "poly", "polyadd", "polyder", "polydiv", "polyfit", "polyint", "polymul",
    "polysub", "polyval", "printoptions", "roots", "save", "savez", "savez_compressed",
    "set_printoptions", "trapezoid", "ufunc", "unpackbits", "unwrap", "vecdot", "vecmat",
    "vectorize"]

array_repr, array_str, array2string = np.array_repr, np.array_str, np.array2string
get_printoptions, set_printoptions, printoptions = (np.get_printoptions, np.set_printoptions,
                                                    np.printoptions)
load, save, savez, savez_compressed = np.load, np.save, np.savez, np.savez_compressed
ufunc = np.ufunc


def einsum_path(subscripts: Any, *operands: ArrayLike, optimize: str | bool = "greedy",
        einsum_call: bool = False) -> tuple[list[Any], str]:
    """numpy.einsum_path on the operands' shapes (traced operands too).

    >>> import fungrad.numpy as fnp
    >>> path, info = fnp.einsum_path('ij,jk,k->i', fnp.ones((2, 3)), fnp.ones((3, 4)), fnp.ones(4))
    >>> path[0]
    'einsum_path'
    """
    shapes = [np.broadcast_to(np.zeros((), get_aval(asarray(o)).dtype),
                              get_aval(asarray(o)).shape) for o in operands]
    return np.einsum_path(subscripts, *shapes, optimize=optimize)


# ---- statistics
def cov(m: ArrayLike, y: ArrayLike | None = None, rowvar: bool = True, bias: bool = False,
        ddof: int | None = None, fweights: ArrayLike | None = None, aweights: ArrayLike | None = None, *,
        dtype: DTypeLike | None = None) -> Array:
    """The covariance matrix of the variables (rows, or columns with rowvar=False), numpy's
    algorithm: weights, ddof and bias included.

    >>> import fungrad.numpy as fnp
    >>> fnp.cov(fnp.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    array([[ 1., -1.],
           [-1.,  1.]])
    """
    X = atleast_2d(asarray(m))
    if not rowvar and get_aval(X).shape[0] != 1:
        X = swapaxes(X, 0, 1)
    if y is not None:
        Y = atleast_2d(asarray(y))
        if not rowvar and get_aval(Y).shape[0] != 1:
            Y = swapaxes(Y, 0, 1)
        X = concatenate([X, Y], 0)
    X = cast(X, np.dtype(dtype) if dtype is not None else
             np.result_type(get_aval(X).dtype, np.float64))  # numpy: at least float64
    if ddof is None:
        ddof = 0 if bias else 1
    w = None
    if fweights is not None:
        w = cast(asarray(fweights), get_aval(X).dtype)
    if aweights is not None:
        aw = cast(asarray(aweights), get_aval(X).dtype)
        w = aw if w is None else multiply(w, aw)
    avg, w_sum = average(X, axis=1, weights=w, returned=True)
    w_sum = lax.getitem(w_sum, (0,)) if get_aval(w_sum).ndim else w_sum
    if w is None:
        fact = subtract(w_sum, ddof)
    elif ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = subtract(w_sum, ddof)
    else:
        fact = subtract(w_sum, divide(multiply(ddof, _sum(multiply(w, aw))), w_sum))
    fact = where(lax.le(fact, np.zeros((), get_aval(fact).dtype)), 0.0, fact)
    Xc = subtract(X, reshape(avg, (-1, 1)))
    XT = _conj(swapaxes(Xc if w is None else multiply(Xc, w), 0, 1))
    from fungrad.numpy.linalg import dot
    c = divide(dot(Xc, XT), fact)
    return squeeze(c)


def corrcoef(x: ArrayLike, y: ArrayLike | None = None, rowvar: bool = True, *,
        dtype: DTypeLike | None = None) -> Array:
    """Pearson correlation coefficients (cov normalized by the standard deviations, clipped to
    [-1, 1] as numpy).

    >>> import fungrad.numpy as fnp
    >>> fnp.corrcoef(fnp.array([1.0, 2.0, 3.0]), fnp.array([2.0, 4.0, 6.0]))
    array([[1., 1.],
           [1., 1.]])
    """
    c = cov(x, y, rowvar, dtype=dtype)
    if get_aval(c).ndim == 0:
        return divide(c, c)
    from fungrad.numpy.indexing import diagonal
    d = diagonal(c)
    s = sqrt(d)
    c = divide(divide(c, reshape(s, (-1, 1))), reshape(s, (1, -1)))
    return clip(c, -1, 1)


def bincount(x: ArrayLike, weights: ArrayLike | None = None, minlength: int = 0, *,
        length: int | None = None) -> Array:
    """Counts (or summed weights) of each non-negative integer in `x`; differentiable in the
    weights. Under jit/vmap give `length=` (the number of bins, as jax.numpy).

    >>> import fungrad.numpy as fnp
    >>> fnp.bincount(fnp.array([0, 1, 1, 3]))
    array([1, 2, 0, 1])
    """
    x = asarray(x)
    if get_aval(x).ndim != 1:
        raise ValueError("object too deep for desired array (bincount takes a 1-d array)")
    if not np.issubdtype(get_aval(x).dtype, np.integer) and get_aval(x).dtype != np.bool_:
        raise TypeError("Cannot cast array data from float to int: bincount takes integers")
    if length is None:
        c = concrete_or_none(x)
        if c is None:
            raise need_size_error("bincount", x).__class__(
                str(need_size_error("bincount", x)).replace("size=n", "length=n").replace(
                    "size", "length"))
        if c.size and c.min() < 0:
            raise ValueError("'list' argument must have no negative elements")
        length = max(int(c.max()) + 1 if c.size else 0, int(minlength))
    length = int(length)
    if weights is None:
        dtype = np.dtype(np.int64)
        w = np.ones(get_aval(x).shape, dtype)
    else:
        w = asarray(weights)
        w = cast(w, np.dtype(np.float64) if not is_float(get_aval(w).dtype) else get_aval(w).dtype)
        dtype = get_aval(w).dtype
    idx = cast(x, np.dtype(np.int64))
    # entries outside [0, length) are dropped: sent to an extra bin that is cut off
    valid = logical_and(lax.ge(idx, np.zeros((), np.int64)),
                        lax.lt(idx, np.asarray(length, np.int64)))
    slot = where(valid, idx, length)
    out = lax.scatter_add(np.zeros(length + 1, dtype), w, ("array",), [slot])
    return lax.getitem(out, (("slice", 0, length, None),))


def _bin_edges(a, bins, range_, weights):
    if isinstance(bins, (int, np.integer)):
        if range_ is None:
            c = concrete_or_none(a)
            if c is not None:
                # complex entries keep their imaginary parts: numpy's min and max (and its
                # scalars' comparisons, and the binning) order them lexicographically
                lo, hi = ((c.min(), c.max()) if c.dtype.kind == "c" else
                          (float(c.min()), float(c.max()))) if c.size else (0.0, 1.0)
            else:
                lo, hi = _min(a), _max(a)
        else:
            lo, hi = range_
        if not isinstance(lo, Tracer) and not isinstance(hi, Tracer):
            if lo > hi:
                raise ValueError("max must be larger than min in range parameter.")
            if not (np.isfinite(lo) and np.isfinite(hi)):
                raise ValueError(f"autodetected range of [{lo}, {hi}] is not finite")
            if lo == hi:
                lo, hi = lo - 0.5, hi + 0.5
            dt = get_aval(a).dtype if is_float(get_aval(a).dtype) else np.float64
            return np.linspace(lo, hi, int(bins) + 1, dtype=np.result_type(dt, np.float64)
                               if not is_float(get_aval(a).dtype) else dt)
        from fungrad.numpy.creation import linspace
        lo, hi = promote_inexact(asarray(lo), asarray(hi))
        same = equal(lo, hi)
        lo = where(same, subtract(lo, 0.5), lo)
        hi = where(same, add(hi, 0.5), hi)
        return linspace(lo, hi, int(bins) + 1)
    edges = asarray(bins)
    if get_aval(edges).ndim != 1:
        raise ValueError("`bins` must be 1d, when an array")
    return edges


def histogram_bin_edges(a: ArrayLike, bins: int | ArrayLike | str = 10,
        range: tuple[float, float] | None = None, weights: ArrayLike | None = None) -> Array:
    """The bin edges histogram would use.

    >>> import fungrad.numpy as fnp
    >>> fnp.histogram_bin_edges(fnp.array([0.0, 4.0]), bins=4)
    array([0., 1., 2., 3., 4.])
    """
    a = ravel(asarray(a))
    edges = _bin_edges(a, bins, range, weights)
    # numpy's, or `bins` itself; Array names numpy.ndarray, a Tracer under a transform
    return edges if isinstance(edges, Tracer) else as_array(edges)  # type: ignore[return-value]


def _bin_index(a, edges):
    """The bin of each entry (numpy's half-open bins, the last one closed), or -1 outside."""
    a, edges = promote(a, edges)
    nb = get_aval(edges).shape[0] - 1
    idx = subtract(_sorting.searchsorted(edges, a, "right"), 1)
    last = lax.getitem(edges, (nb,))
    idx = where(equal(a, last), nb - 1, idx)
    inside = logical_and(lax.ge(idx, np.zeros((), np.int64)),
                         lax.lt(idx, np.asarray(nb, np.int64)))
    return where(inside, idx, -1), nb


def histogram(a: ArrayLike, bins: int | ArrayLike | str = 10, range: tuple[float, float] | None = None,
        weights: ArrayLike | None = None, density: bool | None = None) -> tuple[Array, Array]:
    """(counts, bin_edges) as numpy; differentiable in the weights (and, for density, through
    the edges).

    >>> import fungrad.numpy as fnp
    >>> counts, edges = fnp.histogram(fnp.array([0.5, 1.5, 1.7, 3.0]), bins=3, range=(0.0, 3.0))
    >>> counts
    array([1, 2, 1])
    >>> edges
    array([0., 1., 2., 3.])
    """
    a = ravel(asarray(a))
    edges = _bin_edges(a, bins, range, weights)
    idx, nb = _bin_index(a, edges)
    if weights is None:
        w = np.ones(get_aval(a).shape, np.int64 if not density else np.float64)
    else:
        w = ravel(asarray(weights))
    slot = where(lax.lt(idx, np.zeros((), np.int64)), nb, idx)
    w = asarray(w)
    counts = lax.scatter_add(np.zeros(nb + 1, get_aval(w).dtype), w, ("array",), [slot])
    counts = lax.getitem(counts, (("slice", 0, nb, None),))
    if density:
        counts, = promote_inexact(counts)
        widths = diff(edges)
        counts = divide(divide(counts, _sum(counts)), widths)
    return counts, edges


def histogramdd(sample: ArrayLike | Sequence[ArrayLike], bins: Any = 10,
        range: Sequence[tuple[float, float]] | None = None, density: bool | None = None,
        weights: ArrayLike | None = None) -> tuple[Array, list[Array]]:
    """A multidimensional histogram of an (n, d) sample (or a sequence of d coordinate arrays).

    >>> import fungrad.numpy as fnp
    >>> h, edges = fnp.histogramdd(fnp.array([[0.0, 0.0], [1.0, 1.0]]), bins=2)
    >>> h
    array([[1., 0.],
           [0., 1.]])
    """
    if not isinstance(sample, (list, tuple, np.ndarray, np.generic, Tracer)):
        raise TypeError(f"numpy.histogramdd: sample must be an (N, D) array or a sequence of D "
                        f"coordinate arrays, got {_args.describe(sample)}.")
    s = asarray(sample)
    if isinstance(sample, (list, tuple)) or get_aval(s).ndim < 2:
        # numpy: a sequence of D coordinate arrays (or a 0-d or 1-d array) is its
        # atleast_2d(...).T: N points of D coordinates
        s = atleast_2d(s)
        s = lax.transpose(s, tuple(np.arange(get_aval(s).ndim)[::-1].tolist()))
    if get_aval(s).ndim != 2 or get_aval(s).shape[1] == 0:
        raise ShapeError(f"numpy.histogramdd: sample must be an (N, D) array (D >= 1) or a "
                         f"sequence of D 1-d coordinate arrays, got {get_aval(s).str_short()} "
                         "(points by coordinates).")
    n, d = get_aval(s).shape
    if isinstance(bins, (int, np.integer)):
        bins = [int(bins)] * d
    elif not isinstance(bins, (list, tuple, np.ndarray)) or len(bins) != d:
        raise ValueError("numpy.histogramdd: the dimension of bins must be equal to the "
                         f"dimension of the sample x ({d}).")
    if range is not None and len(range) != d:
        raise ValueError("numpy.histogramdd: range argument must have one entry per dimension "
                         f"({d}).")
    edges, idxs, sizes = [], [], []
    ranges = range
    for k in np.arange(d).tolist():
        col = lax.getitem(s, (lax.FULL, k))
        e = _bin_edges(col, bins[k], None if ranges is None else ranges[k], None)
        i, nb = _bin_index(col, e)
        edges.append(e)
        idxs.append(i)
        sizes.append(nb)
    flat = None
    valid = None
    for i, nb in zip(idxs, sizes):
        ok = lax.ge(i, np.zeros((), np.int64))
        valid = ok if valid is None else logical_and(valid, ok)
        flat = i if flat is None else add(multiply(flat, nb), i)
    total = int(np.prod(sizes))
    # valid and flat are set: the loop above runs once per dimension (at least one)
    slot = where(valid, flat, total)  # type: ignore[arg-type]
    w = np.ones(n, np.float64) if weights is None else cast(ravel(asarray(weights)),
                                                            np.dtype(np.float64))
    h = lax.scatter_add(np.zeros(total + 1, np.float64), asarray(w), ("array",), [slot])
    h = reshape(lax.getitem(h, (("slice", 0, total, None),)), sizes)
    if density:
        h = divide(h, _sum(h))
        for k, e in enumerate(edges):
            shape = [1] * d
            shape[k] = sizes[k]
            h = divide(h, reshape(diff(e), shape))
    return h, edges


def histogram2d(x: ArrayLike, y: ArrayLike, bins: Any = 10,
        range: Sequence[tuple[float, float]] | None = None, density: bool | None = None,
        weights: ArrayLike | None = None) -> tuple[Array, Array, Array]:
    """The 2-d histogram of the points (x, y): counts and both edge arrays.

    >>> import fungrad.numpy as fnp
    >>> h, xe, ye = fnp.histogram2d(fnp.array([0.0, 1.0]), fnp.array([0.0, 1.0]), bins=2)
    >>> h
    array([[1., 0.],
           [0., 1.]])
    """
    if isinstance(bins, (int, np.integer)) or (np.ndim(bins) == 1 and len(bins) != 2):
        bins = [bins, bins]
    h, edges = histogramdd([x, y], bins, range, density, weights)
    return h, edges[0], edges[1]


# ---- signal processing (1-d, direct)
def _correlate_full(a, v):
    """out[k] = sum_j a[k - (m - 1) + j] v[j] for k in 0..n+m-2, over the j where a's index is
    in range, as numpy's direct sum: one gather of a's windows (an (n+m-1, m) index), their
    products with v and a sum per row, O(n m). Products outside `a` are masked out, not made
    with zero padding (0 * inf would be NaN), and no BLAS product is used (a BLAS gemv skips
    zero entries of v, so inf * 0 would vanish): an inf or NaN reaches exactly the outputs it
    overlaps. Booleans: numpy's boolean dot, any of the ands; integers wrap in their own dtype
    as numpy's (a wider sum cast back wraps alike). Complex values: the sum of numpy's complex
    products ((inf + 0j) * (1 + 0j) = inf + nanj), as numpy with OpenBLAS's scalar zdotu; its
    AVX kernels (Haswell, SkylakeX, Zen) spread an inf or nan to other parts (nan + nanj)."""
    n = get_aval(a).shape[0]
    m = get_aval(v).shape[0]
    idx = np.arange(n + m - 1)[:, None] + np.arange(m)[None, :] - (m - 1)
    windows = lax.getitem(a, ("array",), [np.clip(idx, 0, n - 1)])
    terms = multiply(windows, lax.reshape(v, (1, m)))
    dtype = get_aval(terms).dtype
    terms = where((idx >= 0) & (idx < n), terms, np.zeros((), dtype))
    return _any(terms, 1) if dtype == np.bool_ else cast(_sum(terms, 1), dtype)


def _mode_slice(full, n, m, mode):
    if isinstance(mode, (int, np.integer)) and not isinstance(mode, str) and 0 <= mode <= 2:
        mode = ("valid", "same", "full")[int(mode)]  # numpy's legacy integer modes
    if mode == "full":
        return full
    if mode == "same":
        size = max(n, m)
        start = (min(n, m) - 1) // 2
        return lax.getitem(full, (("slice", start, start + size, None),))
    if mode == "valid":
        size = max(n, m) - min(n, m) + 1
        start = min(n, m) - 1
        return lax.getitem(full, (("slice", start, start + size, None),))
    raise ValueError(f"mode must be one of 'full', 'same', 'valid', got {mode!r}")


def _conv_operands(pair, preferred_element_type):
    """The promoted operands, cast to jax.numpy's preferred_element_type where one is given
    (the sum is then made in it: int8 inputs with float32 give float32, without wrapping)."""
    if preferred_element_type is None:
        return pair
    dt = np.dtype(preferred_element_type)
    return [cast(x, dt) for x in pair]


def convolve(a: ArrayLike, v: ArrayLike, mode: str = "full", *, precision: Any = None,
        preferred_element_type: DTypeLike | None = None) -> Array:
    """The 1-d discrete convolution (numpy.convolve), computed directly in O(n m).

    >>> import fungrad.numpy as fnp
    >>> fnp.convolve(fnp.array([1, 2, 3]), fnp.array([0, 1]))
    array([0, 1, 2, 3])
    """
    a, v = _conv_operands(promote(atleast_1d(asarray(a)), atleast_1d(asarray(v))),
                          preferred_element_type)  # numpy's ndmin=1
    if get_aval(a).ndim != 1 or get_aval(v).ndim != 1:
        raise ShapeError(f"numpy.convolve: a and v must be 1-D (or scalars), got "
                         f"{get_aval(a).str_short()} and {get_aval(v).str_short()}")
    n, m = get_aval(a).shape[0], get_aval(v).shape[0]
    if n == 0 or m == 0:
        raise ValueError("v cannot be empty" if m == 0 else "a cannot be empty")
    if m > n:
        a, v, n, m = v, a, m, n
    full = _correlate_full(a, lax.getitem(v, (("slice", None, None, -1),)))
    return _mode_slice(full, n, m, mode)


def correlate(a: ArrayLike, v: ArrayLike, mode: str = "valid", *, precision: Any = None,
        preferred_element_type: DTypeLike | None = None) -> Array:
    """The 1-d cross-correlation (numpy.correlate): c[k] = sum_n a[n + k] conj(v[n]).

    >>> import fungrad.numpy as fnp
    >>> fnp.correlate(fnp.array([1, 2, 3]), fnp.array([0, 1]))
    array([2, 3])
    """
    a, v = _conv_operands(promote(asarray(a), asarray(v)), preferred_element_type)
    v = _conj(v)
    if get_aval(a).ndim != 1 or get_aval(v).ndim != 1:  # numpy: no scalars here, unlike convolve
        raise ShapeError(f"numpy.correlate: a and v must be 1-D, got {get_aval(a).str_short()} "
                         f"and {get_aval(v).str_short()}")
    n, m = get_aval(a).shape[0], get_aval(v).shape[0]
    if n == 0 or m == 0:
        raise ValueError("v cannot be empty" if m == 0 else "a cannot be empty")
    if m > n:  # numpy: correlate(a, v) == correlate(v, a)[::-1]
        full = _correlate_full(v, a)
        out = _mode_slice(full, m, n, mode)
        return lax.getitem(out, (("slice", None, None, -1),))
    full = _correlate_full(a, v)
    return _mode_slice(full, n, m, mode)


def interp(x: ArrayLike, xp: ArrayLike, fp: ArrayLike, left: ArrayLike | None = None,
        right: ArrayLike | None = None, period: float | None = None) -> Array:
    """Piecewise-linear interpolation (numpy.interp); differentiable in x and fp (and xp).

    >>> import fungrad.numpy as fnp
    >>> fnp.interp(fnp.array([0.5, 1.5]), fnp.array([0.0, 1.0, 2.0]), fnp.array([0.0, 10.0, 20.0]))
    array([ 5., 15.])
    """
    x, xp, fp = asarray(x), asarray(xp), asarray(fp)
    complex_fp = get_aval(fp).dtype.kind == "c"
    for arg, v in (("x", x), ("xp", xp)) + ((("left", left), ("right", right))
                                              if not complex_fp else ()):
        if v is not None and get_aval(asarray(v)).dtype.kind == "c":
            raise DtypeError(f"numpy.interp: {arg} may not be complex (numpy casts it to float64"
                             f"{'' if arg in ('x', 'xp') else ', as fp is real'}), got "
                             f"{_args.describe(v)}.")
    # numpy computes in float64 (fp: complex128 where it is complex)
    f64 = np.dtype(np.float64)
    x, xp = cast(x, f64), cast(xp, f64)
    fp = cast(fp, np.dtype(np.complex128) if complex_fp else f64)
    if get_aval(xp).ndim != 1 or get_aval(fp).ndim != 1:
        raise ValueError("xp and fp must be 1-d sequences")
    if get_aval(xp).shape[0] != get_aval(fp).shape[0]:
        raise ValueError("fp and xp are not of the same length.")
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(period)
        left = right = None
        x = mod(x, period)
        xp = mod(xp, period)
        order = _sorting.argsort(xp, 0)
        xp, fp = take(xp, order), take(fp, order)
        xp = concatenate([subtract(xp[-1:], period), xp, add(xp[:1], period)])
        fp = concatenate([fp[-1:], fp, fp[:1]])
    n = get_aval(xp).shape[0]
    if n == 1:
        out = broadcast_to(lax.getitem(fp, (0,)), get_aval(x).shape)
    elif complex_fp:  # numpy interpolates the real and imaginary parts apart
        i = clip(_sorting.searchsorted(xp, x, "right"), 1, n - 1)
        out = _cp.complex_(*(_interp_between(x, xp, part(fp), i, True)
                             for part in (_cp.real, _cp.imag)))
    else:
        out = _interp_between(x, xp, fp, clip(_sorting.searchsorted(xp, x, "right"), 1, n - 1))
    lo = lax.getitem(fp, (0,)) if left is None else left
    hi = lax.getitem(fp, (n - 1,)) if right is None else right
    out = where(less(x, lax.getitem(xp, (0,))), lo, out)
    out = where(greater(x, lax.getitem(xp, (n - 1,))), hi, out)
    # numpy: a nan x gives nan (nan + 0j for a complex fp); one point gives fp[0] for it
    return where(isnan(x), x, out) if n > 1 else out


def _interp_between(x, xp, fp, i, inverse=False):
    """numpy's interpolation of real fp between xp[i - 1] <= x < xp[i]: fp at a node exactly
    (no slope * 0, which an infinite slope makes nan), else slope * (x - x0) + f0, a nan there
    retried from the other end, then f0 where f0 == f1 (numpy's arr_interp). `inverse`: the
    slope as (f1 - f0) * (1 / dx), numpy's complex loop."""
    x0, x1 = take(xp, subtract(i, 1)), take(xp, i)
    f0, f1 = take(fp, subtract(i, 1)), take(fp, i)
    dx = subtract(x1, x0)
    safe = where(equal(dx, 0), 1.0, dx)
    slope = multiply(subtract(f1, f0), divide(1.0, safe)) if inverse else \
        divide(subtract(f1, f0), safe)
    out = add(multiply(slope, subtract(x, x0)), f0)
    out = where(isnan(out), add(multiply(slope, subtract(x, x1)), f1), out)
    out = where(logical_and(isnan(out), equal(f0, f1)), f0, out)
    # at a node the value is f0 and the derivative in x the slope on the right (0 if infinite)
    at_node = add(f0, multiply(where(isfinite(slope), slope, 0.0), subtract(x, x0)))
    out = where(equal(x, x0), at_node, where(equal(dx, 0), f0, out))
    return where(equal(x, x1), f1, out)


def trapezoid(y: ArrayLike, x: ArrayLike | None = None, dx: float = 1.0, axis: int = -1) -> Array:
    """The trapezoidal-rule integral along `axis`.

    >>> import fungrad.numpy as fnp
    >>> fnp.trapezoid(fnp.array([1.0, 2.0, 3.0]))
    array(4.)
    """
    y = asarray(y)  # (not made inexact first: numpy adds neighbours in y's dtype, so a
    nd = get_aval(y).ndim  # boolean y's True + True is True, and only d * (...) / 2.0 is a float)
    ax = normalize_axes(axis, nd)[0]
    n = get_aval(y).shape[ax]

    def sl(lo, hi):
        return lax.getitem(y, (lax.FULL,) * ax + (("slice", lo, hi, None),))
    if x is None:
        d = dx
    else:
        xx = asarray(x)
        if get_aval(xx).ndim == 1:
            d = diff(xx)
            shape = [1] * nd
            shape[ax] = get_aval(d).shape[0]
            d = reshape(d, shape)
        else:  # numpy: x's differences and the sum take `axis` as given, not y's axis
            d = diff(xx, axis=axis)
    return _sum(divide(multiply(d, add(sl(1, n), sl(0, max(n - 1, 0)))), 2.0),
                axis if x is not None and get_aval(asarray(x)).ndim != 1 else ax)


def gradient(f: Callable[..., Any], *varargs: ArrayLike, axis: int | tuple[int, ...] | None = None,
        edge_order: int = 1) -> Array | list[Array]:
    """numpy.gradient: second-order central differences inside, first- or second-order ones at
    the edges; spacings as scalars or coordinate arrays.

    >>> import fungrad.numpy as fnp
    >>> fnp.gradient(fnp.array([1.0, 4.0, 9.0, 16.0]))
    array([3., 4., 6., 7.])
    """
    f = asarray(f)
    # numpy subtracts booleans: refused below (after numpy's size check)
    boolean = get_aval(f).str_short() if get_aval(f).dtype == np.bool_ else None
    f, = promote_inexact(f)
    nd = get_aval(f).ndim
    axes = tuple(range(nd)) if axis is None else normalize_axes(axis, nd)
    if isinstance(axis, (int, np.integer)):
        axes = (normalize_axes(axis, nd)[0],)
    if len(varargs) == 0:
        spacings = [1.0] * len(axes)
    elif len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        spacings = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes):
        spacings = list(varargs)
    else:
        raise TypeError("invalid number of arguments")
    out = []
    for ax, h in zip(axes, spacings):
        n = get_aval(f).shape[ax]
        if n < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, at "
                             "least (edge_order + 1) elements are required.")
        if boolean:
            raise DtypeError("numpy.gradient: boolean subtract is not supported (numpy "
                             f"subtracts neighbours), got f {boolean}. Fix: "
                             "cast to a numeric dtype first.")

        def sl(lo, hi, x=f, ax=ax):
            return lax.getitem(x, (lax.FULL,) * ax + (("slice", lo, hi, None),))

        def shaped(v, ax=ax):
            s = [1] * nd
            s[ax] = get_aval(v).shape[0]
            return reshape(v, s)

        uniform = np.ndim(h) == 0
        if uniform:
            # h is a scalar spacing here (np.ndim(h) == 0)
            interior = divide(subtract(sl(2, None), sl(0, n - 2)), 2.0 * h)  # type: ignore[operator]
            if edge_order == 1:
                first = divide(subtract(sl(1, 2), sl(0, 1)), h)
                last = divide(subtract(sl(n - 1, n), sl(n - 2, n - 1)), h)
            else:
                # numpy: a * f0 + b * f1 + c * f2 with a = -1.5 / h, ...: the coefficients
                # divided first (dividing a complex inf by h afterwards made nan + nanj)
                def coef(k, h=h):
                    return divide(k, h) if isinstance(h, Tracer) else np.asarray(k / h).item()
                first = add(add(multiply(coef(-1.5), sl(0, 1)), multiply(coef(2.0), sl(1, 2))),
                            multiply(coef(-0.5), sl(2, 3)))
                last = add(add(multiply(coef(0.5), sl(n - 3, n - 2)),
                               multiply(coef(-2.0), sl(n - 2, n - 1))),
                           multiply(coef(1.5), sl(n - 1, n)))
        else:
            xc = asarray(h)
            dxs = diff(xc)
            dx1 = shaped(lax.getitem(dxs, (("slice", 0, n - 2, None),)))
            dx2 = shaped(lax.getitem(dxs, (("slice", 1, None, None),)))
            a = divide(negative(dx2), multiply(dx1, add(dx1, dx2)))
            b = divide(subtract(dx2, dx1), multiply(dx1, dx2))
            c = divide(dx1, multiply(dx2, add(dx1, dx2)))
            interior = add(add(multiply(a, sl(0, n - 2)), multiply(b, sl(1, n - 1))),
                           multiply(c, sl(2, None)))
            d0 = lax.getitem(dxs, (0,))
            dl = lax.getitem(dxs, (n - 2,))
            if edge_order == 1:
                first = divide(subtract(sl(1, 2), sl(0, 1)), d0)
                last = divide(subtract(sl(n - 1, n), sl(n - 2, n - 1)), dl)
            else:
                d1 = lax.getitem(dxs, (1,))
                a0 = negative(divide(add(multiply(2.0, d0), d1), multiply(d0, add(d0, d1))))
                b0 = divide(add(d0, d1), multiply(d0, d1))
                c0 = negative(divide(d0, multiply(d1, add(d0, d1))))
                first = add(add(multiply(a0, sl(0, 1)), multiply(b0, sl(1, 2))),
                            multiply(c0, sl(2, 3)))
                dm = lax.getitem(dxs, (n - 3,))
                a1 = divide(dl, multiply(dm, add(dm, dl)))
                b1 = negative(divide(add(dl, dm), multiply(dm, dl)))
                c1 = divide(add(multiply(2.0, dl), dm), multiply(dl, add(dm, dl)))
                last = add(add(multiply(a1, sl(n - 3, n - 2)), multiply(b1, sl(n - 2, n - 1))),
                           multiply(c1, sl(n - 1, n)))
        out.append(concatenate([first, interior, last], ax))
    return out[0] if len(out) == 1 else out


def unwrap(p: ArrayLike, discont: float | None = None, axis: int = -1, *, period: float = 2 * np.pi) -> Array:
    """Unwrap phase jumps larger than discont (numpy.unwrap).

    >>> import fungrad.numpy as fnp
    >>> fnp.round(fnp.unwrap(fnp.array([0.0, 3.0, 6.5])), 6)
    array([0.      , 3.      , 0.216815])
    """
    p = asarray(p)
    nd = get_aval(p).ndim
    ax = normalize_axes(axis, nd)[0]
    if discont is None:
        discont = period / 2
    dd = diff(p, axis=ax)  # numpy: in p's dtype (uint8 wraps; booleans: where they change)
    # numpy's dtype: that of dd with period (an integer p and period stay integers)
    dtype = get_aval(promote(dd, period)[0]).dtype
    if dtype.kind in "iu":
        high, rem = divmod(period, 2)
        ambiguous = rem == 0
    else:
        high, ambiguous = period / 2, True
    dd = cast(dd, dtype)
    ddmod = add(mod(subtract(dd, -high), period), -high)
    if ambiguous:
        ddmod = where(logical_and(equal(ddmod, -high), greater(dd, 0)), high, ddmod)
    correct = subtract(ddmod, dd)
    correct = where(less(absolute(dd), discont), np.zeros((), dtype), correct)
    from fungrad.numpy.reductions import cumsum
    n = get_aval(p).shape[ax]
    p = cast(p, dtype)
    head = lax.getitem(p, (lax.FULL,) * ax + (("slice", 0, 1, None),))
    rest = lax.getitem(p, (lax.FULL,) * ax + (("slice", 1, n, None),))
    return concatenate([head, cast(add(rest, cumsum(correct, ax)), dtype)], ax)


# ---- vector products
def cross(a: ArrayLike, b: ArrayLike, axisa: int = -1, axisb: int = -1, axisc: int = -1,
        axis: int | None = None) -> Array:
    """The cross product of 3-vectors (or the z component for 2-vectors) along the vector axes.

    >>> import fungrad.numpy as fnp
    >>> fnp.cross(fnp.array([1, 0, 0]), fnp.array([0, 1, 0]))
    array([0, 0, 1])
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    x, y = promote(asarray(a), asarray(b))
    x = moveaxis(x, normalize_axis(axisa, get_aval(x).ndim, "axisa"), -1)
    y = moveaxis(y, normalize_axis(axisb, get_aval(y).ndim, "axisb"), -1)
    na, nb = get_aval(x).shape[-1], get_aval(y).shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError("incompatible dimensions for cross product (dimension must be 2 or 3)")

    def comp(v, i, n):
        if i >= n:
            return np.zeros((), get_aval(v).dtype)
        return lax.getitem(v, (Ellipsis_(get_aval(v).ndim - 1)) + (i,))
    a0, a1, a2 = (comp(x, i, na) for i in range(3))
    b0, b1, b2 = (comp(y, i, nb) for i in range(3))
    if na == 2 and nb == 2:
        return subtract(multiply(a0, b1), multiply(a1, b0))
    c0 = subtract(multiply(a1, b2), multiply(a2, b1))
    c1 = subtract(multiply(a2, b0), multiply(a0, b2))
    c2 = subtract(multiply(a0, b1), multiply(a1, b0))
    c0, c1, c2 = (broadcast_to(c, np.broadcast_shapes(*[get_aval(asarray(t)).shape
                                                        for t in (c0, c1, c2)]))
                  for c in (c0, c1, c2))
    out = stack([c0, c1, c2], -1)
    return moveaxis(out, -1, normalize_axis(axisc, get_aval(out).ndim, "axisc"))


def Ellipsis_(n):
    return (lax.FULL,) * n


def kron(a: ArrayLike, b: ArrayLike) -> Array:
    """The Kronecker product: blocks a[i, j] * b.

    >>> import fungrad.numpy as fnp
    >>> fnp.kron(fnp.array([1, 10]), fnp.array([1, 2]))
    array([ 1,  2, 10, 20])
    """
    x, y = promote(asarray(a), asarray(b))
    nd = max(get_aval(x).ndim, get_aval(y).ndim)
    xs = (1,) * (nd - get_aval(x).ndim) + get_aval(x).shape
    ys = (1,) * (nd - get_aval(y).ndim) + get_aval(y).shape
    x = reshape(x, [v for d in xs for v in (d, 1)])
    y = reshape(y, [v for d in ys for v in (1, d)])
    return reshape(multiply(x, y), [p * q for p, q in zip(xs, ys)])


def vecdot(x1: ArrayLike, x2: ArrayLike, /, *, axis: int = -1) -> Array:
    """The dot product of vectors along `axis` (broadcasting the other axes), conjugating x1 as
    numpy does.

    >>> import fungrad.numpy as fnp
    >>> fnp.vecdot(fnp.array([1, 2]), fnp.array([3, 4]))
    array(11)
    """
    x, y = promote(asarray(x1), asarray(x2))
    x = _conj(x)
    # numpy's gufunc (n),(n)->(): `axis` is each operand's vector axis, the others broadcast
    ops = []
    for arg, v in (("x1", x), ("x2", y)):
        aval = get_aval(v)
        if aval.ndim == 0:
            raise ShapeError(f"numpy.vecdot: {arg} must have at least one dimension (the vector "
                             f"axis), got {aval.str_short()}.")
        ops.append(moveaxis(v, normalize_axis(axis, aval.ndim, "numpy.vecdot: axis"), -1))
    n1, n2 = get_aval(ops[0]).shape[-1], get_aval(ops[1]).shape[-1]
    if n1 != n2:
        raise ShapeError(f"numpy.vecdot: the vectors along axis {axis} differ in length ({n1} "
                         f"and {n2}): x1 {get_aval(x).str_short()}, x2 {get_aval(y).str_short()}.")
    x, y = ops
    shape = np.broadcast_shapes(get_aval(x).shape, get_aval(y).shape)
    x, y = broadcast_to(x, shape), broadcast_to(y, shape)
    return _sum(multiply(x, y), -1)


def matvec(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Matrix-vector products over the last axes, broadcasting the rest.

    >>> import fungrad.numpy as fnp
    >>> fnp.matvec(fnp.array([[1, 2], [3, 4]]), fnp.array([1, 1]))
    array([3, 7])
    """
    from fungrad.numpy.linalg import matmul
    a, b = _gufunc_operands("matvec", x1, 2, x2, 1)
    return squeeze(matmul(a, expand_dims(b, -1)), -1)


def vecmat(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Vector-matrix products over the last axes (the vector conjugated, as numpy).

    >>> import fungrad.numpy as fnp
    >>> fnp.vecmat(fnp.array([1, 1]), fnp.array([[1, 2], [3, 4]]))
    array([4, 6])
    """
    from fungrad.numpy.linalg import matmul
    a, b = _gufunc_operands("vecmat", x1, 1, x2, 2)
    return squeeze(matmul(expand_dims(_conj(a), -2), b), -2)


def _gufunc_operands(fn, x1, nd1, x2, nd2):
    """x1 and x2 as arrays with at least the core dimensions of numpy's gufunc (a matrix: 2, a
    vector: 1), else numpy's ValueError as a ShapeError."""
    signature = "(m,n),(n)->(m)" if nd1 == 2 else "(n),(n,m)->(m)"
    out = []
    for arg, x, need in (("x1", x1, nd1), ("x2", x2, nd2)):
        x = asarray(x)
        if get_aval(x).ndim < need:
            what = "a matrix (at least 2-D)" if need == 2 else "a vector (at least 1-D)"
            raise ShapeError(f"numpy.{fn}: {arg} must be {what} for the signature {signature}, "
                             f"got {get_aval(x).str_short()}")
        out.append(x)
    return out


def _conj(x):
    """conj(x) for complex x; x itself otherwise (no extra operation for real values)."""
    return conj(x) if get_aval(x).dtype.kind == "c" else x


# ---- polynomials (coefficients highest power first, as numpy.poly*)
def polyval(p: ArrayLike, x: ArrayLike, *, unroll: int = 16) -> Array:
    """Horner's rule: p[0] x**(n-1) + ... + p[n-1].

    >>> import fungrad.numpy as fnp
    >>> fnp.polyval(fnp.array([1, 0, -1]), fnp.array([2, 3]))
    array([3, 8])
    """
    p, x = asarray(p), asarray(x)
    if get_aval(p).ndim == 0:
        raise TypeError(f"numpy.polyval: p must be a sequence of coefficients (highest power "
                        f"first), got {get_aval(p).str_short()}, which numpy cannot iterate. "
                        f"Fix: pass [p] for a constant polynomial.")
    # numpy: y = zeros_like(x), then y = y * x + c for each coefficient c: the first product is
    # in x's dtype (a real nan * 0 stays nan + 0j once a complex c is added) and no
    # coefficients leave x's dtype
    y = lax.broadcast_to(np.zeros((), get_aval(x).dtype), get_aval(x).shape)
    for i in range(get_aval(p).shape[0]):
        y = add(multiply(y, x), lax.getitem(p, (i,)))
    return y


def _coefficients(p, fn, arg="p", scalars=False):
    """A polynomial's coefficients (highest power first) as a 1-D array: a scalar becomes one
    coefficient where numpy takes it (`scalars`, its atleast_1d), else a 0-d value raises
    numpy's TypeError (it has no length); more than one dimension raises a ShapeError."""
    x = asarray(p)
    aval = get_aval(x)
    if aval.ndim == 0 and scalars:
        return reshape(x, (1,))
    if aval.ndim == 0:
        raise TypeError(f"numpy.{fn}: {arg} must be a 1-D array of coefficients (highest power "
                        f"first), got {aval.str_short()}, which has no length. Fix: pass "
                        f"[{arg}] for a constant polynomial.")
    if aval.ndim != 1:
        raise ShapeError(f"numpy.{fn}: {arg} must be a 1-D array of coefficients (highest power "
                         f"first), got {aval.str_short()}. Polynomials are 1-D only.")
    return x


def _leading_zeros(c, close=False):
    """How many leading coefficients of the concrete 1-D `c` numpy strips: exact zeros (poly1d's
    trim_zeros), or with `close` entries within numpy.allclose's 1e-8 of zero (polydiv's
    remainder); at least one coefficient stays."""
    small = np.abs(c) <= 1e-8 if close else c == 0
    k = int(np.argmin(small)) if not small.all() else len(c)
    return min(k, len(c) - 1)


def _padded_pair(a1, a2, fn):
    """numpy's polyadd/polysub operands: the shorter one (1-D) padded with leading zeros to the
    longer one's length; equal lengths broadcast as they are."""
    a1, a2 = promote(atleast_1d(asarray(a1)), atleast_1d(asarray(a2)))
    n1, n2 = get_aval(a1).shape[0], get_aval(a2).shape[0]
    if n1 != n2:
        short = ("a1", a1) if n1 < n2 else ("a2", a2)
        if get_aval(short[1]).ndim != 1:
            raise ShapeError(f"numpy.{fn}: {short[0]} must be 1-D to be padded to the other's "
                             f"length, got {get_aval(short[1]).str_short()} with "
                             f"{get_aval(a2 if n1 < n2 else a1).str_short()}.")
    if n1 < n2:
        a1 = pad(a1, (n2 - n1, 0))
    elif n2 < n1:
        a2 = pad(a2, (n1 - n2, 0))
    return a1, a2


def polyadd(a1: ArrayLike, a2: ArrayLike) -> Array:
    """The sum of two polynomials (coefficients, highest power first).

    >>> import fungrad.numpy as fnp
    >>> fnp.polyadd(fnp.array([1, 2]), fnp.array([1, 0, 0]))
    array([1, 1, 2])
    """
    return add(*_padded_pair(a1, a2, "polyadd"))


def polysub(a1: ArrayLike, a2: ArrayLike) -> Array:
    """The difference of two polynomials.

    >>> import fungrad.numpy as fnp
    >>> fnp.polysub(fnp.array([1, 2]), fnp.array([1, 0, 0]))
    array([-1,  1,  2])
    """
    return subtract(*_padded_pair(a1, a2, "polysub"))


def _strip_leading(x):
    """`x` (1-D) without numpy's stripped leading coefficients where its values are concrete
    (eagerly, eager grad included); a traced value (jit, vmap) keeps its static length."""
    if get_aval(x).shape[0] == 0:  # numpy's poly1d of no coefficients: the zero polynomial
        return fresh(np.zeros(1, get_aval(x).dtype))
    c = concrete_or_none(x)
    k = _leading_zeros(c) if c is not None else 0
    return lax.getitem(x, (("slice", k, None, None),)) if k else x


def polymul(a1: ArrayLike, a2: ArrayLike, *, trim_leading_zeros: bool = False) -> Array:
    """The product of two polynomials. As numpy (whose poly1d strips each factor's leading
    zeros), leading zero coefficients are dropped where the values are concrete; under jit and
    vmap the lengths are static: len(a1) + len(a2) - 1.

    >>> import fungrad.numpy as fnp
    >>> fnp.polymul(fnp.array([1, 1]), fnp.array([1, -1]))
    array([ 1,  0, -1])
    """
    a1 = _strip_leading(_coefficients(a1, "polymul", "a1", scalars=True))
    a2 = _strip_leading(_coefficients(a2, "polymul", "a2", scalars=True))
    a1, a2 = promote(a1, a2)
    return convolve(a1, a2)


def polyder(p: ArrayLike, m: int = 1) -> Array:
    """The m-th derivative of a polynomial (each one a coefficient shorter, down to none, as
    numpy).

    >>> import fungrad.numpy as fnp
    >>> fnp.polyder(fnp.array([1.0, 2.0, 3.0]))
    array([2., 2.])
    """
    p = _coefficients(p, "polyder")
    m = _static_int(m, "m", "numpy.polyder")
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    p, = promote(p)
    for _ in range(m):
        n = get_aval(p).shape[0]
        p = multiply(lax.getitem(p, (("slice", 0, max(n - 1, 0), None),)), np.arange(n - 1, 0, -1))
    return p


def polyint(p: ArrayLike, m: int = 1, k: int | None = None) -> Array:
    """The m-th antiderivative of a polynomial (integration constants `k`, default 0).

    >>> import fungrad.numpy as fnp
    >>> fnp.polyint(fnp.array([3.0, 2.0, 1.0]))
    array([1., 1., 1., 0.])
    """
    p = _coefficients(p, "polyint")
    m = _static_int(m, "m", "numpy.polyint")
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    if m == 0:
        return p  # numpy returns p as it is (an integer p stays integer)
    p, = promote_inexact(p)
    ks = [0.0] * m if k is None else (list(np.atleast_1d(k)) if not isinstance(k, Tracer)
                                     else [k] * m)
    if len(ks) == 1 and m > 1:
        ks = ks * m
    if len(ks) < m:
        raise ValueError("numpy.polyint: k must be a scalar or a rank-1 array of length 1 or >= m, "
                         f"got {len(ks)} constants for m={m}")
    for i in range(m):
        n = get_aval(p).shape[0]
        # numpy concatenates the constant as it is: a complex k makes the result complex
        p = concatenate([divide(p, np.arange(n, 0, -1, dtype=np.float64)),
                         reshape(asarray(ks[i]), (1,))])
    return p


def polydiv(u: ArrayLike, v: ArrayLike, *, trim_leading_zeros: bool = False) -> tuple[Array, Array]:
    """(quotient, remainder) of polynomial long division (differentiable). Where the values are
    concrete, the remainder is numpy's: the whole running remainder with its leading entries
    within 1e-8 of zero stripped (so an inf or nan keeps them); under jit and vmap it has the
    static length of a remainder, max(len(v) - 1, 1) (len(u) where u is the shorter).

    >>> import fungrad.numpy as fnp
    >>> q, r = fnp.polydiv(fnp.array([1.0, 3.0, 2.0]), fnp.array([1.0, 1.0]))
    >>> q
    array([1., 2.])
    >>> r
    array([0.])
    """
    # each made inexact on its own (numpy's u + 0.0, v + 0.0), then promoted together
    (u,), (v,) = (promote_inexact(_coefficients(a, "polydiv", arg, scalars=True))
                  for a, arg in ((u, "u"), (v, "v")))
    for arg, c in (("u", u), ("v", v)):
        if get_aval(c).shape[0] == 0:  # numpy's u[0] + v[0]
            raise IndexError(f"numpy.polydiv: {arg} has no coefficients, got "
                             f"{get_aval(c).str_short()}: index 0 is out of bounds. Fix: pass "
                             f"[0.0] for the zero polynomial.")
    # numpy's 1 / v[0] in v's own dtype: a real 0 gives inf (inf + 0j once promoted), where
    # the complex 1 / (0 + 0j) would be inf + nanj, and (inf + nanj) * r nan + nanj
    scale = divide(1.0, lax.getitem(v, (0,)))
    u, v = promote(u, v)
    scale = cast(scale, get_aval(u).dtype)
    m, n = get_aval(u).shape[0] - 1, get_aval(v).shape[0] - 1
    q = []
    r = [lax.getitem(u, (i,)) for i in range(m + 1)]
    for k in range(max(m - n + 1, 0)):
        d = multiply(scale, r[k])
        q.append(d)
        for j in range(n + 1):
            r[k + j] = subtract(r[k + j], multiply(d, lax.getitem(v, (j,))))
    quot = stack(q) if q else fresh(np.zeros(1, get_aval(u).dtype))
    full = stack(r)
    c = concrete_or_none(full)
    if c is not None:  # numpy: strip leading entries close to 0 (by value), keeping one
        return quot, lax.getitem(full, (("slice", _leading_zeros(c, close=True), None, None),))
    # a constant divisor (len(v) == 1) leaves numpy one entry, the last of the running
    # remainder (~0, or the nan an inf or a zero divisor made), not a literal 0
    return quot, lax.getitem(full, (("slice", min(max(m - n + 1, 0), m), None, None),))


def poly(seq_of_zeros: ArrayLike) -> Array:
    """The coefficients of the monic polynomial with the given roots (or of a square matrix's
    characteristic polynomial, concrete only); no roots give 1.0, as numpy. Complex roots that
    are all conjugate pairs give numpy's real coefficients where their values are concrete
    (eagerly, eager grad included); under jit and vmap the dtype cannot depend on the values,
    and complex roots give complex coefficients, as jax.numpy.poly.

    >>> import fungrad.numpy as fnp
    >>> fnp.poly(fnp.array([1.0, 2.0]))
    array([ 1., -3.,  2.])
    """
    s = asarray(seq_of_zeros)
    shape = get_aval(s).shape
    if len(shape) == 0:  # numpy takes a sequence (or a square matrix) only
        raise TypeError(f"numpy.poly: seq_of_zeros must be a 1-D sequence of roots or a square "
                        f"matrix, got {get_aval(s).str_short()}. Fix: pass [{seq_of_zeros!r}].")
    if len(shape) == 2 and shape[0] == shape[1] and shape[0] != 0:
        c = concrete_or_none(s)
        if c is None:
            raise NotImplementedError("poly of a traced matrix needs eigenvalues; pass roots")
        return fresh(np.poly(c))
    if len(shape) != 1:
        raise ShapeError(f"numpy.poly: input must be 1d or non-empty square 2d array, got "
                         f"{get_aval(s).str_short()}.")
    # numpy's mintypecode: float32/64, complex64/128 and long double stay, the rest is float64
    dtype = get_aval(s).dtype if get_aval(s).dtype.char in "GDFgdf" else np.dtype(np.float64)
    if shape[0] == 0:
        return fresh(np.ones((), np.float64))  # numpy's 1.0
    s = cast(s, dtype)
    out = fresh(np.ones(1, dtype))
    for i in range(shape[0]):
        out = convolve(out, stack([np.ones((), get_aval(asarray(out)).dtype),
                                   negative(lax.getitem(s, (i,)))]))
    c = concrete_or_none(s) if dtype.kind == "c" else None
    if c is not None and np.all(np.sort(c) == np.sort(c.conj())):
        out = real(out)  # numpy: conjugate pairs (by value) make real coefficients
    return out


def roots(p: ArrayLike, *, strip_zeros: bool = True) -> Array:
    """The roots of a polynomial (eigenvalues of its companion matrix; concrete only).

    >>> import fungrad.numpy as fnp
    >>> fnp.sort(fnp.round(fnp.roots(fnp.array([1.0, -3.0, 2.0])).real, 10))
    array([1., 2.])
    """
    c = concrete_or_none(asarray(p))
    if c is None:
        raise NotImplementedError("roots of traced coefficients: the roots' count depends on the "
                                  "values; compute them outside the transform")
    return fresh(np.roots(c))


def polyfit(x: ArrayLike, y: ArrayLike, deg: int, rcond: float | None = None, full: bool = False,
        w: ArrayLike | None = None, cov: bool = False) -> Array | tuple[Array, ...]:
    """Least-squares polynomial fit (numpy.polyfit), through fungrad.numpy.linalg.lstsq where
    available, else numpy on concrete values.

    >>> import fungrad.numpy as fnp
    >>> fnp.round(fnp.polyfit(fnp.array([0.0, 1.0, 2.0]), fnp.array([1.0, 3.0, 5.0]), 1), 10)
    array([2., 1.])
    """
    import fungrad.numpy.linalg as fla
    x, y = promote_inexact(asarray(x), asarray(y))
    deg = _static_int(deg, "deg", "numpy.polyfit")
    if deg < 0:
        raise ValueError(f"numpy.polyfit: expected deg >= 0, got {deg}")
    xs, ys = get_aval(x), get_aval(y)
    if xs.ndim != 1 or xs.shape[0] == 0:  # numpy's TypeErrors
        raise TypeError(f"numpy.polyfit: expected a non-empty 1-D vector for x, got "
                        f"{xs.str_short()}")
    if ys.ndim not in (1, 2) or ys.shape[0] != xs.shape[0]:
        raise TypeError(f"numpy.polyfit: expected a 1-D or 2-D y of x's length, got x "
                        f"{xs.str_short()} and y {ys.str_short()}")
    if hasattr(fla, "lstsq") and not full and not cov:
        from fungrad.numpy.creation import vander
        A = vander(x, deg + 1)
        yy = y
        if w is not None:
            ww = asarray(w)
            A = multiply(A, reshape(ww, (-1, 1)))
            yy = multiply(y, ww if get_aval(y).ndim == 1 else reshape(ww, (-1, 1)))
        scale = sqrt(_sum(multiply(A, A), 0))
        sol = fla.lstsq(divide(A, scale), yy, rcond=rcond)[0]
        return divide(sol, scale if get_aval(sol).ndim == 1 else reshape(scale, (-1, 1)))
    cx, cy = concrete_or_none(x), concrete_or_none(y)
    if cx is None or cy is None:
        raise NotImplementedError("polyfit of traced values needs fungrad.numpy.linalg.lstsq")
    # numpy's stubs take narrower types (ndarray, Literal modes) than this concrete branch's values
    return np.polyfit(cx, cy, deg, rcond, full, w, cov)  # type: ignore[call-overload]


# ---- functional helpers (vmap)
def _vmap():
    from fungrad._api.vmap import vmap
    return vmap


def _parse_signature(signature):
    import re
    ins, outs = signature.replace(" ", "").split("->")

    def dims(part):
        return [tuple(d for d in g.split(",") if d) for g in re.findall(r"\(([^)]*)\)", part)]
    return dims(ins), dims(outs)


class vectorize:
    """numpy.vectorize through vmap: `pyfunc` is written for the core shapes (scalars, or those
    of `signature`, e.g. "(n),(n)->()") and is mapped over every broadcast leading axis; works
    eagerly, under jit and inside other transforms."""

    def __init__(self, pyfunc, otypes=None, doc=None, excluded=None, cache=False,
                 signature=None):
        self.pyfunc = pyfunc
        self.excluded = frozenset(excluded or ())
        self.signature = signature
        self.__doc__ = doc if doc is not None else getattr(pyfunc, "__doc__", None)
        self.__wrapped__ = pyfunc

    def __call__(self, *args, **kwargs):
        excluded = {i for i in self.excluded if isinstance(i, int)}
        static_kw = {k: v for k, v in kwargs.items() if k in self.excluded}
        kw = {k: v for k, v in kwargs.items() if k not in self.excluded}
        names = sorted(kw)
        positions = [i for i in range(len(args)) if i not in excluded]
        arrays = [asarray(args[i]) for i in positions] + [asarray(kw[k]) for k in names]

        def call(*vals):
            full = list(args)
            for i, v in zip(positions, vals):
                full[i] = v
            kwv = dict(static_kw)
            kwv.update(zip(names, vals[len(positions):]))
            return self.pyfunc(*full, **kwv)

        if self.signature is None:
            core = [()] * len(arrays)
        else:
            core, _ = _parse_signature(self.signature)
            if len(core) != len(arrays):
                raise TypeError(f"wrong number of positional arguments: expected {len(core)}, "
                                f"got {len(arrays)}")
        core_sizes = {}
        loops = []
        for x, dims in zip(arrays, core):
            shape = get_aval(x).shape
            if len(shape) < len(dims):
                raise ValueError(f"input with shape {shape} does not have enough dimensions for "
                                 f"the signature {self.signature}")
            for d, size in zip(dims, shape[len(shape) - len(dims):]):
                if core_sizes.setdefault(d, size) != size:
                    raise ValueError(f"inconsistent size for core dimension {d!r}")
            loops.append(shape[:len(shape) - len(dims)])
        loop_shape = np.broadcast_shapes(*loops) if loops else ()
        arrays = [broadcast_to(x, loop_shape + get_aval(x).shape[len(l):])
                  for x, l in zip(arrays, loops)]
        fn = call
        vmap = _vmap()
        for _ in loop_shape:
            fn = vmap(fn)
        return fn(*arrays)


def frompyfunc(func: Callable[..., Any], /, nin: int, nout: int, *, identity: Any = None) -> Callable[...,
        Any]:
    """A vectorized callable from a scalar Python function (through vmap).

    >>> import fungrad.numpy as fnp
    >>> f = fnp.frompyfunc(lambda a, b: a * 10 + b, 2, 1)
    >>> f(fnp.array([1, 2]), 3)
    array([13, 23])
    """
    counts = {}
    for arg, v in (("nin", nin), ("nout", nout)):  # checked first, as numpy parses them first
        counts[arg] = _args.static_int(v, arg, "numpy.frompyfunc")
        if counts[arg] < 0:
            raise ValueError(f"numpy.frompyfunc: {arg} must be >= 0, got {counts[arg]}.")
    if counts["nin"] + counts["nout"] > 64:  # numpy's limit on a ufunc's operands
        raise ValueError(f"numpy.frompyfunc: cannot construct a ufunc with more than 64 operands "
                         f"(requested: inputs = {counts['nin']} and outputs = {counts['nout']}).")
    if not callable(func):
        raise TypeError(f"numpy.frompyfunc: function must be callable, got "
                        f"{_args.describe(func)}.")
    return vectorize(func)


def apply_along_axis(func1d: Callable[..., Any], axis: int, arr: ArrayLike, *args: ArrayLike,
        **kwargs: Any) -> Array:
    """func1d applied to the 1-d slices along `axis` (through vmap); its output axes take the
    place of `axis`.

    >>> import fungrad.numpy as fnp
    >>> fnp.apply_along_axis(fnp.sum, 1, fnp.array([[1, 2], [3, 4]]))
    array([3, 7])
    """
    x = asarray(arr)
    nd = get_aval(x).ndim
    ax = normalize_axes(axis, nd)[0]
    x = moveaxis(x, ax, -1)
    fn = lambda v: func1d(v, *args, **kwargs)  # noqa: E731
    vmap = _vmap()
    for _ in range(nd - 1):
        fn = vmap(fn)
    out = asarray(fn(x))
    out_nd = get_aval(out).ndim - (nd - 1)
    return moveaxis(out, tuple(range(nd - 1, nd - 1 + out_nd)),
                    tuple(range(ax, ax + out_nd))) if out_nd else out


def apply_over_axes(func: Callable[..., Any], a: ArrayLike, axes: int | Sequence[int]) -> Array:
    """`func(a, axis)` applied over each of `axes` in turn, keeping dimensions.

    >>> import fungrad.numpy as fnp
    >>> fnp.apply_over_axes(fnp.sum, fnp.ones((2, 3)), [0, 1])
    array([[6.]])
    """
    x = asarray(a)
    for ax in (axes,) if isinstance(axes, (int, np.integer)) else axes:
        nd = get_aval(x).ndim
        res = asarray(func(x, ax))
        if get_aval(res).ndim == nd:
            x = res
        elif get_aval(res).ndim == nd - 1:
            x = expand_dims(res, normalize_axis(ax, nd))
        else:
            raise ValueError("function is not returning an array of the correct shape")
    return x


def piecewise(x: ArrayLike, condlist: Sequence[ArrayLike], funclist: Sequence[Any], *args: ArrayLike,
        **kw: Any) -> Array:
    """numpy.piecewise: each function is evaluated on the whole array and selected where its
    condition holds (later conditions win; an extra function gives the default).

    >>> import fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 2.0])
    >>> fnp.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v * 10])
    array([ 1., 20.])
    """
    x = asarray(x)
    xa = get_aval(x)
    if not hasattr(funclist, "__len__") or isinstance(funclist, (str, bytes, dict)):
        raise TypeError(f"numpy.piecewise: funclist must be a sequence of functions or values, "
                        f"got {_describe(funclist)}")
    condlist = _conditions(condlist, xa)
    n = len(condlist)
    if len(funclist) not in (n, n + 1):
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are expected")
    from fungrad.numpy.ufuncs import logical_not, logical_or

    def value(f):
        return f(x, *args, **kw) if callable(f) else f
    out = lax.broadcast_to(np.zeros((), get_aval(x).dtype), get_aval(x).shape)
    if len(funclist) == n + 1:
        anyc = None
        for c in condlist:
            anyc = asarray(c) if anyc is None else logical_or(anyc, c)
        out = where(logical_not(anyc) if anyc is not None else True, value(funclist[-1]), out)
    for c, f in zip(condlist, funclist):
        out = where(c, cast(asarray(value(f)), get_aval(x).dtype), out)
    return out


def _conditions(condlist, xa):
    """piecewise's conditions as a list of boolean arrays of x's shape (or 0-d), with numpy's
    rule for a single condition: a scalar, or a sequence whose first entry is a scalar (for a
    non-0-d x), is one condition; a boolean array of x's rank is one too (as jax.numpy)."""
    seq = (list, tuple, np.ndarray, Tracer)
    if isinstance(condlist, (np.ndarray, Tracer)) and get_aval(condlist).ndim == xa.ndim \
            and get_aval(condlist).dtype == np.bool_:
        condlist = [condlist]
    elif not isinstance(condlist, seq) or (isinstance(condlist, (np.ndarray, Tracer))
                                           and get_aval(condlist).ndim == 0):
        if isinstance(condlist, (str, bytes, dict)) or condlist is None or not isinstance(
                condlist, (bool, int, float, complex, np.generic, np.ndarray, Tracer)):
            raise TypeError(f"numpy.piecewise: condlist must be a boolean array or a sequence of "
                            f"them, got {_describe(condlist)}")
        condlist = [condlist]
    elif len(condlist) == 0:
        raise IndexError(f"numpy.piecewise: condlist has no conditions, got "
                         f"{_describe(condlist)}; give at least one")
    elif not isinstance(condlist[0], seq) and xa.ndim != 0:
        condlist = [condlist]
    out = []
    for c in condlist:
        c = asarray(c)
        ca = get_aval(c)
        if ca.shape not in ((), xa.shape):
            raise IndexError(f"numpy.piecewise: each condition must have x's shape {xa.shape} "
                             f"(a boolean index into x), got {ca.str_short()}")
        out.append(c if ca.dtype == np.bool_ else not_equal(c, np.zeros((), ca.dtype)))
    return out


def _describe(v):
    from fungrad._lax._args import describe
    return describe(v)


# ---- bit packing (uint8)
def packbits(a: ArrayLike, axis: int | None = None, bitorder: str = "big") -> Array:
    """The bits of a boolean/integer array packed into uint8 (numpy.packbits).

    >>> import fungrad.numpy as fnp
    >>> fnp.packbits(fnp.array([1, 0, 1, 0, 0, 0, 0, 1]))
    array([161], dtype=uint8)
    """
    x = asarray(a)
    if not (np.issubdtype(get_aval(x).dtype, np.integer) or get_aval(x).dtype == np.bool_):
        raise TypeError("Expected an input array of integer or boolean data type")
    if axis is None:
        x, axis = ravel(x), 0
    ax = normalize_axes(axis, get_aval(x).ndim)[0]
    x = moveaxis(x, ax, -1)
    n = get_aval(x).shape[-1]
    padn = (-n) % 8
    bits = cast(lax.ne(x, np.zeros((), get_aval(x).dtype)), np.dtype(np.uint8))
    if padn:
        bits = pad(bits, [(0, 0)] * (get_aval(bits).ndim - 1) + [(0, padn)])
    bits = reshape(bits, get_aval(bits).shape[:-1] + ((n + padn) // 8, 8))
    weights = 2 ** np.arange(7, -1, -1) if bitorder == "big" else 2 ** np.arange(8)
    packed = cast(_sum(multiply(cast(bits, np.dtype(np.int64)), weights), -1),
                  np.dtype(np.uint8))
    return moveaxis(packed, -1, ax)


def unpackbits(a: ArrayLike, axis: int | None = None, count: int | None = None,
        bitorder: str = "big") -> Array:
    """The bits of a uint8 array (numpy.unpackbits).

    >>> import fungrad.numpy as fnp
    >>> fnp.unpackbits(fnp.array([5], fnp.uint8))
    array([0, 0, 0, 0, 0, 1, 0, 1], dtype=uint8)
    """
    x = asarray(a)
    if get_aval(x).dtype != np.uint8:
        raise TypeError("Expected an input array of unsigned byte data type")
    if axis is None:
        x, axis = ravel(x), 0
    ax = normalize_axes(axis, get_aval(x).ndim)[0]
    x = moveaxis(x, ax, -1)
    shifts = np.arange(7, -1, -1, dtype=np.uint8) if bitorder == "big" else \
        np.arange(8, dtype=np.uint8)
    bits = bitwise_and(right_shift(expand_dims(x, -1), shifts), np.uint8(1))
    bits = reshape(bits, get_aval(bits).shape[:-2] + (get_aval(bits).shape[-2] * 8,))
    if count is not None:
        bits = lax.getitem(bits, (lax.FULL,) * (get_aval(bits).ndim - 1)
                           + (("slice", 0, count, None),))
    return moveaxis(bits, -1, ax)


del check_out
