"""Reductions of the numpy API: sum, mean, max, min, prod, argmax, argmin, var, std, all, any,
their nan-ignoring versions, count_nonzero, ptp, average, and the cumulative sums and products
(O(n) primitives of fungrad._lax.cumulative). numpy's signatures: axis, dtype, out (None only:
results are new arrays), keepdims, initial, where, ddof/correction.

Imports: _core, lax, numpy._promote, numpy.ufuncs.
"""
from __future__ import annotations

import builtins

import numpy as np

from fungrad._core.docs import add_examples as _add_examples
from fungrad._core.array import as_array, fresh
from fungrad._core.typing import Array, ArrayLike, DTypeLike
from fungrad._core.dtypes import is_float
from fungrad._core.errors import AxisError
from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad.numpy._promote import asarray, cast
from fungrad._lax import cumulative as _cum
from fungrad._lax import ufuncs as _lax_ufuncs
from fungrad.numpy._promote import promote
from fungrad.numpy.ufuncs import (
    absolute, add, divide, imag, isnan, multiply, not_equal, real, sqrt, square, subtract,
    where as _where)

__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "average", "count_nonzero", "cumprod",
    "cumsum", "cumulative_prod", "cumulative_sum", "max", "mean", "min", "nanargmax",
    "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmin", "nanprod", "nanstd",
    "nansum", "nanvar", "prod", "ptp", "std", "sum", "var"]


def normalize_axes(axis, ndim, name="axis"):
    """A sorted tuple of non-negative axes; None means all."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (str, bytes, float)) or not (
            isinstance(axis, (int, np.integer, tuple, list))):
        raise TypeError(f"{name} must be an int, a tuple of ints or None, got {axis!r} "
                        f"({type(axis).__name__}).")
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{name} entries must be ints, got {a!r} ({type(a).__name__}) in "
                            f"{axis!r}.")
        a = int(a)
        if not -ndim <= a < ndim:
            raise AxisError(f"{name} {a} is out of bounds for an array of rank {ndim}")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated {name} in {axis!r}")
    return tuple(sorted(out))


def normalize_axis(axis, ndim, name="axis"):
    """One axis as a non-negative int (numpy's AxisError if out of range)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {axis!r} ({type(axis).__name__}).")
    return normalize_axes(axis, ndim, name)[0]


def _keep(x, out, axes, keepdims):
    if type(out) is np.ndarray:  # a reduction over no axes is its (converted) operand itself
        out = as_array(out)
    if not keepdims:
        return out
    shape = tuple(1 if i in axes else d for i, d in enumerate(get_aval(x).shape))
    return lax.reshape(out, shape)


def _sum_dtype(dtype):
    """numpy's accumulator: bool and integers narrower than 64 bits sum as (u)int64."""
    kind = dtype.kind
    if kind == "b" or (kind in "iu" and dtype.itemsize < 8):
        return _U64 if kind == "u" else _I64
    return dtype


_I64, _U64 = np.dtype(np.int64), np.dtype(np.uint64)


def check_out(out, name=""):
    """numpy's `out=` is accepted as None only: fungrad arrays are values, never written into."""
    if out is not None:
        raise NotImplementedError(
            f"{name + ': ' if name else ''}out= is not supported: fungrad results are new arrays "
            "(immutable inside transforms). Fix: assign the result, `y = f(x)`.")


def _size(x, axes):
    shape = get_aval(x).shape
    n = 1
    for i in axes:
        n *= shape[i]
    return n


def _masked(x, where, fill):
    """x with the entries outside `where` replaced by `fill` (a Python scalar)."""
    if where is None:
        return x
    return _where(where, x, fill)


def sum(a: ArrayLike, axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None,
        out: None = None, keepdims: bool = False, initial: ArrayLike | None = None,
        where: ArrayLike | None = None) -> Array:
    """Sum over `axis` (None: all axes).

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([[1.0, 2.0], [3.0, 4.0]])
    >>> fnp.sum(a)
    array(10.)
    >>> fnp.sum(a, axis=0)
    array([4., 6.])
    >>> fnp.sum(a, axis=1, keepdims=True)
    array([[3.],
           [7.]])
    """
    check_out(out, "sum")
    x = asarray(a)
    x = cast(x, np.dtype(dtype) if dtype is not None else _sum_dtype(get_aval(x).dtype))
    x = _masked(x, where, 0)
    axes = normalize_axes(axis, get_aval(x).ndim)
    r = _keep(x, lax.reduce_sum(x, axes), axes, keepdims)
    return r if initial is None else add(r, initial)


def mean(a: ArrayLike, axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None,
        out: None = None, keepdims: bool = False, *, where: ArrayLike | None = None) -> Array:
    """Arithmetic mean over `axis`; integers average in float64 as in numpy.

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([[1.0, 2.0], [3.0, 4.0]])
    >>> fnp.mean(a, axis=0)
    array([2., 3.])
    """
    check_out(out, "mean")
    x = asarray(a)
    src = get_aval(x).dtype
    x = cast(x, np.dtype(dtype) if dtype is not None else (src if is_float(src) else np.float64))
    axes = normalize_axes(axis, get_aval(x).ndim)
    if where is not None:
        w = broadcast_where(where, x)
        return divide(sum(x, axes, keepdims=keepdims, where=w),
                      sum(w, axes, dtype=get_aval(x).dtype, keepdims=keepdims))
    # (sum normalizes `axis` itself: to the same axes, from None at no cost)
    return divide(sum(x, axis, keepdims=keepdims), _size(x, axes))


def broadcast_where(where, x):
    w = asarray(where)
    return lax.broadcast_to(w, get_aval(x).shape) if get_aval(w).shape != get_aval(x).shape else w


def _extremum(reducer, name, identity_fn):
    def f(a: ArrayLike, axis: int | tuple[int, ...] | None = None, out: None = None, keepdims: bool = False,
            initial: ArrayLike | None = None, where: ArrayLike | None = None) -> Array:
        check_out(out, name)
        x = asarray(a)
        aval = get_aval(x)
        axes = normalize_axes(axis, aval.ndim)
        if where is not None:
            if initial is None:
                raise ValueError(f"reduction operation {name} does not have an identity, so to "
                                 "use a where mask one has to specify 'initial'")
            x = _where(where, x, identity_fn(aval.dtype))
        if initial is None and 0 in [aval.shape[i] for i in axes]:
            raise ValueError(f"zero-size array to reduction operation {name} which has no identity")
        if 0 in [aval.shape[i] for i in axes]:
            shape = tuple(1 if i in axes else d for i, d in enumerate(aval.shape)) if keepdims \
                else tuple(d for i, d in enumerate(aval.shape) if i not in axes)
            return fresh(np.full(shape, initial, aval.dtype))
        r = _keep(x, reducer(x, axes), axes, keepdims)
        if initial is not None:
            r = (_max2 if name == "max" else _min2)(r, initial)
        return r
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"The {name}imum over `axis` (ties share the gradient equally)."
    return f


def _lowest(dtype):
    if dtype == np.bool_:
        return False
    return -np.inf if is_float(dtype) else np.iinfo(dtype).min


def _highest(dtype):
    if dtype == np.bool_:
        return True
    return np.inf if is_float(dtype) else np.iinfo(dtype).max


def _max2(x, y):
    x, y = promote(x, y)
    return lax.max(x, y)


def _min2(x, y):
    x, y = promote(x, y)
    return lax.min(x, y)


max = _extremum(lax.reduce_max, "max", _lowest)
min = _extremum(lax.reduce_min, "min", _highest)
amax, amin = max, min


def prod(a: ArrayLike, axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None,
        out: None = None, keepdims: bool = False, initial: ArrayLike | None = None,
        where: ArrayLike | None = None) -> Array:
    """Product over `axis` (its gradient is exact where entries are zero).

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([[1.0, 2.0], [3.0, 4.0]])
    >>> fnp.prod(a, axis=1)
    array([ 2., 12.])
    """
    check_out(out, "prod")
    x = asarray(a)
    x = cast(x, np.dtype(dtype) if dtype is not None else _sum_dtype(get_aval(x).dtype))
    x = _masked(x, where, 1)
    axes = normalize_axes(axis, get_aval(x).ndim)
    r = _keep(x, lax.reduce_prod(x, axes), axes, keepdims)
    return r if initial is None else multiply(r, initial)


def _arg(reducer, name):
    def f(a: ArrayLike, axis: int | None = None, out: None = None, *,
            keepdims: bool = False) -> Array:
        check_out(out, name)
        x = asarray(a)
        if axis is None:
            out_ = reducer(lax.reshape(x, (get_aval(x).size,)), 0)
            return _keep(x, out_, tuple(range(get_aval(x).ndim)), keepdims)
        ax, = normalize_axes(axis, get_aval(x).ndim)
        return _keep(x, reducer(x, ax), (ax,), keepdims)
    f.__name__ = f.__qualname__ = name
    return f


argmax = _arg(lax.argmax, "argmax")
argmin = _arg(lax.argmin, "argmin")


def _ddof(ddof, correction):
    if correction is not None:
        if ddof not in (0, None):
            raise ValueError("ddof and correction can't be provided simultaneously.")
        return correction
    return ddof


def var(a: ArrayLike, axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None,
        out: None = None, ddof: int = 0, keepdims: bool = False, *, where: ArrayLike | None = None,
        mean: ArrayLike | None = None,
        correction: float | None = None) -> Array:
    """Variance over `axis` with `ddof` delta degrees of freedom.

    >>> import fungrad.numpy as fnp
    >>> fnp.var(fnp.array([1.0, 2.0, 3.0, 4.0]))
    array(1.25)
    >>> fnp.var(fnp.array([1.0, 2.0, 3.0, 4.0]), ddof=1)
    array(1.66666667)
    """
    check_out(out, "var")
    ddof = _ddof(ddof, correction)
    x = asarray(a)
    if dtype is not None:
        x = cast(x, np.dtype(dtype))
    elif not is_float(get_aval(x).dtype):
        x = cast(x, np.float64)
    axes = normalize_axes(axis, get_aval(x).ndim)
    m = _mean(x, axes, keepdims=True, where=where) if mean is None else mean
    centered = subtract(x, m)
    if get_aval(centered).dtype.kind == "c":  # |x - mean|**2, real (numpy's and JAX's var)
        re, im = real(centered), imag(centered)
        sq = add(multiply(re, re), multiply(im, im))
    else:
        sq = multiply(centered, centered)
    if where is not None:
        w = broadcast_where(where, x)
        n = sum(w, axes, dtype=get_aval(sq).dtype, keepdims=keepdims)
        return divide(sum(sq, axes, keepdims=keepdims, where=w), subtract(n, ddof))
    return divide(sum(sq, axes, keepdims=keepdims), _size(x, axes) - ddof)


_mean = mean


def std(a: ArrayLike, axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None,
        out: None = None, ddof: int = 0, keepdims: bool = False, *, where: ArrayLike | None = None,
        mean: ArrayLike | None = None,
        correction: float | None = None) -> Array:
    """Standard deviation over `axis`.

    >>> import fungrad.numpy as fnp
    >>> fnp.std(fnp.array([1.0, 3.0]))
    array(1.)
    """
    check_out(out, "std")
    return sqrt(var(a, axis, dtype, None, ddof, keepdims, where=where, mean=mean,
                    correction=correction))


def _truth(a):
    a = asarray(a)
    return a if get_aval(a).dtype == np.bool_ else not_equal(a, 0)


def all(a: ArrayLike, axis: int | tuple[int, ...] | None = None, out: None = None, keepdims: bool = False, *,
        where: ArrayLike | None = None) -> Array:
    """True where every entry over `axis` is nonzero.

    >>> import fungrad.numpy as fnp
    >>> fnp.all(fnp.array([[True, False], [True, True]]), axis=1)
    array([False,  True])
    """
    check_out(out, "all")
    x = _masked(_truth(a), where, True)
    axes = normalize_axes(axis, get_aval(x).ndim)
    if 0 in [get_aval(x).shape[i] for i in axes]:
        return _keep(x, np.ones(tuple(d for i, d in enumerate(get_aval(x).shape) if i not in axes),
                                bool), axes, keepdims)
    return _keep(x, lax.reduce_min(x, axes), axes, keepdims)


def any(a: ArrayLike, axis: int | tuple[int, ...] | None = None, out: None = None, keepdims: bool = False, *,
        where: ArrayLike | None = None) -> Array:
    """True where some entry over `axis` is nonzero.

    >>> import fungrad.numpy as fnp
    >>> fnp.any(fnp.array([[True, False], [False, False]]), axis=1)
    array([ True, False])
    """
    check_out(out, "any")
    x = _masked(_truth(a), where, False)
    axes = normalize_axes(axis, get_aval(x).ndim)
    if 0 in [get_aval(x).shape[i] for i in axes]:
        return _keep(x, np.zeros(tuple(d for i, d in enumerate(get_aval(x).shape)
                                       if i not in axes), bool), axes, keepdims)
    return _keep(x, lax.reduce_max(x, axes), axes, keepdims)


def count_nonzero(a: ArrayLike, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """The number of nonzero entries over `axis` (an integer; zero gradient).

    >>> import fungrad.numpy as fnp
    >>> fnp.count_nonzero(fnp.array([[0, 1], [2, 3]]), axis=0)
    array([1, 2])
    """
    return sum(_truth(a), axis, dtype=np.int64, keepdims=keepdims)


def ptp(a: ArrayLike, axis: int | tuple[int, ...] | None = None, out: None = None,
        keepdims: bool = False) -> Array:
    """max - min over `axis`.

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([[1.0, 2.0], [3.0, 4.0]])
    >>> fnp.ptp(a, axis=1)
    array([1., 1.])
    """
    check_out(out, "ptp")
    return subtract(max(a, axis, keepdims=keepdims), min(a, axis, keepdims=keepdims))


def average(a: ArrayLike, axis: int | tuple[int, ...] | None = None, weights: ArrayLike | None = None,
        returned: bool = False, *, keepdims: bool = False) -> Array | tuple[Array, Array]:
    """The weighted mean over `axis`: sum(a * w) / sum(w); `returned` also gives sum(w).

    >>> import fungrad.numpy as fnp
    >>> fnp.average(fnp.array([1.0, 2.0, 4.0]), weights=fnp.array([1.0, 1.0, 2.0]))
    array(2.75)
    """
    x = asarray(a)
    if weights is None:
        avg = mean(x, axis, keepdims=keepdims)
        if not returned:
            return avg
        n = get_aval(x).size // builtins.max(get_aval(avg).size, 1)
        return avg, lax.broadcast_to(np.asarray(n, get_aval(avg).dtype), get_aval(avg).shape)
    w = asarray(weights)
    xa, wa = get_aval(x), get_aval(w)
    if xa.shape != wa.shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        if wa.ndim != 1:
            raise TypeError("1D weights expected when shapes of a and weights differ.")
        ax, = normalize_axes(axis, xa.ndim)
        if wa.shape[0] != xa.shape[ax]:
            raise ValueError("Length of weights not compatible with specified axis.")
        w = lax.reshape(w, tuple(wa.shape[0] if i == ax else 1 for i in range(xa.ndim)))
    x, w = promote(x, w)
    if not is_float(get_aval(x).dtype):
        x, w = cast(x, np.float64), cast(w, np.float64)
    w = lax.broadcast_to(w, get_aval(x).shape) if get_aval(w).shape != get_aval(x).shape else w
    scl = sum(w, axis, keepdims=keepdims)
    avg = divide(sum(multiply(x, w), axis, keepdims=keepdims), scl)
    return (avg, scl) if returned else avg


# ---- nan-ignoring reductions
def _nan_float(a):
    x = asarray(a)
    return x, is_float(get_aval(x).dtype)


def nansum(a: ArrayLike, axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None,
        out: None = None, keepdims: bool = False, initial: ArrayLike | None = None,
        where: ArrayLike | None = None) -> Array:
    """Sum treating NaNs as zero (their gradient is zero).

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([1.0, fnp.nan, 3.0])
    >>> fnp.nansum(a)
    array(4.)
    """
    x, f = _nan_float(a)
    return sum(_where(isnan(x), 0, x) if f else x, axis, dtype, out, keepdims, initial, where)


def nanprod(a: ArrayLike, axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None,
        out: None = None, keepdims: bool = False, initial: ArrayLike | None = None,
        where: ArrayLike | None = None) -> Array:
    """Product treating NaNs as one.

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([1.0, fnp.nan, 3.0])
    >>> fnp.nanprod(a)
    array(3.)
    """
    x, f = _nan_float(a)
    return prod(_where(isnan(x), 1, x) if f else x, axis, dtype, out, keepdims, initial, where)


def _nanextremum(fn, fill):
    def f(a: ArrayLike, axis: int | tuple[int, ...] | None = None, out: None = None, keepdims: bool = False,
            initial: ArrayLike | None = None, where: ArrayLike | None = None) -> Array:
        x, flt = _nan_float(a)
        if not flt:
            return fn(x, axis, out, keepdims, initial, where)
        nan = isnan(x)
        r = fn(_where(nan, fill, x), axis, out, keepdims, initial, where)
        if initial is not None:
            return r
        return _where(all(nan, axis, keepdims=keepdims), np.nan, r)  # all-NaN slice: NaN
    return f


nanmax = _nanextremum(max, -np.inf)
nanmin = _nanextremum(min, np.inf)
nanmax.__name__ = nanmax.__qualname__ = "nanmax"
nanmin.__name__ = nanmin.__qualname__ = "nanmin"


def nanargmax(a: ArrayLike, axis: int | None = None, out: None = None, *,
        keepdims: bool = False) -> Array:
    """The index of the maximum ignoring NaNs.

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([1.0, fnp.nan, 3.0])
    >>> fnp.nanargmax(a)
    array(2)
    """
    x, flt = _nan_float(a)
    return argmax(_where(isnan(x), -np.inf, x) if flt else x, axis, out, keepdims=keepdims)


def nanargmin(a: ArrayLike, axis: int | None = None, out: None = None, *,
        keepdims: bool = False) -> Array:
    """The index of the minimum ignoring NaNs.

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([1.0, fnp.nan, 3.0])
    >>> fnp.nanargmin(a)
    array(0)
    """
    x, flt = _nan_float(a)
    return argmin(_where(isnan(x), np.inf, x) if flt else x, axis, out, keepdims=keepdims)


def nanmean(a: ArrayLike, axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None,
        out: None = None, keepdims: bool = False, *, where: ArrayLike | None = None) -> Array:
    """Mean of the non-NaN entries; NaN for an all-NaN slice (as numpy, without its warning).

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([1.0, fnp.nan, 3.0])
    >>> fnp.nanmean(a)
    array(2.)
    """
    check_out(out, "nanmean")
    x, flt = _nan_float(a)
    if not flt:
        return mean(x, axis, dtype, None, keepdims, where=where)
    keep = _logical_not(isnan(x))
    if where is not None:
        keep = _logical_and(keep, where)
    return mean(x, axis, dtype, None, keepdims, where=keep)


def nanvar(a: ArrayLike, axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None,
        out: None = None, ddof: int = 0, keepdims: bool = False, *, where: ArrayLike | None = None,
           mean: ArrayLike | None = None, correction: float | None = None) -> Array:
    """Variance of the non-NaN entries.

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([1.0, fnp.nan, 3.0])
    >>> fnp.nanvar(a)
    array(1.)
    """
    check_out(out, "nanvar")
    x, flt = _nan_float(a)
    if not flt:
        return var(x, axis, dtype, None, ddof, keepdims, where=where, correction=correction)
    keep = _logical_not(isnan(x))
    if where is not None:
        keep = _logical_and(keep, where)
    return var(_where(keep, x, 0.0), axis, dtype, None, ddof, keepdims, where=keep, mean=mean,
               correction=correction)


def nanstd(a: ArrayLike, axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None,
        out: None = None, ddof: int = 0, keepdims: bool = False, *, where: ArrayLike | None = None,
           mean: ArrayLike | None = None, correction: float | None = None) -> Array:
    """Standard deviation of the non-NaN entries.

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([1.0, fnp.nan, 3.0])
    >>> fnp.nanstd(a)
    array(1.)
    """
    return sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean,
                       correction=correction))


def _logical_not(b):
    return lax.bitwise_not(b)


def _logical_and(a, b):
    return lax.bitwise_and(*promote(_truth(a), _truth(b)))


# ---- cumulative sums and products (O(n) primitives)
def _cumulative(prim_fn, name, nan_fill=None):
    def f(a: ArrayLike, axis: int | None = None, dtype: DTypeLike | None = None,
            out: None = None) -> Array:
        check_out(out, name)
        x = asarray(a)
        if axis is None:
            x = lax.reshape(x, (get_aval(x).size,))
            axis = 0
        x = cast(x, np.dtype(dtype) if dtype is not None else _sum_dtype(get_aval(x).dtype))
        if nan_fill is not None and is_float(get_aval(x).dtype):
            x = _where(isnan(x), nan_fill, x)
        if get_aval(x).ndim == 0:
            x = lax.reshape(x, (1,))
        ax, = normalize_axes(axis, get_aval(x).ndim)
        return prim_fn(x, ax)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"numpy.{name}: the running {'sum' if 'sum' in name else 'product'} along "
                 "`axis` (flattened when None), O(n) in value and gradients.")
    return f


cumsum = _cumulative(_cum.cumsum, "cumsum")
cumprod = _cumulative(_cum.cumprod, "cumprod")
nancumsum = _cumulative(_cum.cumsum, "nancumsum", 0)
nancumprod = _cumulative(_cum.cumprod, "nancumprod", 1)


def _cumulative_api(fn, name, initial):
    def f(x: ArrayLike, /, *, axis: int | None = None, dtype: DTypeLike | None = None,
            include_initial: bool = False) -> Array:
        x = asarray(x)
        nd = get_aval(x).ndim
        if axis is None:
            if nd > 1:
                raise ValueError(f"{name}: axis must be specified for an array of rank {nd}")
            axis = 0
        r = fn(x, axis, dtype)
        if include_initial:
            from fungrad.numpy.shape import concatenate  # (shape imports this module)
            ax, = normalize_axes(axis, get_aval(r).ndim)
            shape = tuple(1 if i == ax else d for i, d in enumerate(get_aval(r).shape))
            r = concatenate([np.full(shape, initial, get_aval(r).dtype), r], ax)
        return r
    f.__name__ = f.__qualname__ = name
    return f


cumulative_sum = _cumulative_api(cumsum, "cumulative_sum", 0)
cumulative_prod = _cumulative_api(cumprod, "cumulative_prod", 1)


def cummax(a, axis):
    """The running maximum along `axis` (numpy's maximum.accumulate)."""
    x = asarray(a)
    ax, = normalize_axes(axis, get_aval(x).ndim)
    return _cum.cummax(x, ax)


def cummin(a, axis):
    x = asarray(a)
    ax, = normalize_axes(axis, get_aval(x).ndim)
    return _cum.cummin(x, ax)


del _lax_ufuncs, absolute, square

# doctested examples of the functions the factories above build (their docstrings are made
# there); each is appended to its function's docstring
_EXAMPLES = {
    "max": """>>> import fungrad.numpy as fnp
>>> a = fnp.array([[1, 5], [3, 2]])
>>> fnp.max(a)
array(5)
>>> fnp.max(a, axis=0)
array([3, 5])""",
    "min": """>>> import fungrad.numpy as fnp
>>> a = fnp.array([[1, 5], [3, 2]])
>>> fnp.min(a, axis=1)
array([1, 2])""",
    "argmax": """The index of the maximum over `axis` (of the flattened array by default; the first of ties).

>>> import fungrad.numpy as fnp
>>> a = fnp.array([[1, 5], [3, 2]])
>>> fnp.argmax(a)
array(1)
>>> fnp.argmax(a, axis=0)
array([1, 0])""",
    "argmin": """The index of the minimum over `axis` (of the flattened array by default; the first of ties).

>>> import fungrad.numpy as fnp
>>> a = fnp.array([[1, 5], [3, 2]])
>>> fnp.argmin(a, axis=1)
array([0, 1])""",
    "nanmax": """The maximum over `axis` ignoring NaNs.

>>> import fungrad.numpy as fnp
>>> a = fnp.array([1.0, fnp.nan, 3.0])
>>> fnp.nanmax(a)
array(3.)""",
    "nanmin": """The minimum over `axis` ignoring NaNs.

>>> import fungrad.numpy as fnp
>>> a = fnp.array([1.0, fnp.nan, 3.0])
>>> fnp.nanmin(a)
array(1.)""",
    "cumsum": """>>> import fungrad.numpy as fnp
>>> fnp.cumsum(fnp.array([1, 2, 3]))
array([1, 3, 6])""",
    "cumprod": """>>> import fungrad.numpy as fnp
>>> fnp.cumprod(fnp.array([1, 2, 3]))
array([1, 2, 6])""",
    "nancumsum": """>>> import fungrad.numpy as fnp
>>> a = fnp.array([1.0, fnp.nan, 3.0])
>>> fnp.nancumsum(a)
array([1., 1., 4.])""",
    "nancumprod": """>>> import fungrad.numpy as fnp
>>> a = fnp.array([1.0, fnp.nan, 3.0])
>>> fnp.nancumprod(a)
array([1., 1., 3.])""",
    "cumulative_sum": """The running sum along `axis` (array API; include_initial prepends 0).

>>> import fungrad.numpy as fnp
>>> fnp.cumulative_sum(fnp.array([1, 2, 3]), include_initial=True)
array([0, 1, 3, 6])""",
    "cumulative_prod": """The running product along `axis` (array API).

>>> import fungrad.numpy as fnp
>>> fnp.cumulative_prod(fnp.array([1, 2, 3]))
array([1, 2, 6])""",
}
_add_examples(_EXAMPLES, globals().__getitem__)
