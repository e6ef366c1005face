"""Reductions of the numpy API: sum, mean, max, min, prod, argmax, argmin, var, std, all, any.

Imports: _core, lax, numpy._promote, numpy.ufuncs.
"""
import numpy as np

from fungrad._core.dtypes import is_float
from fungrad._core.errors import ShapeError
from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad.numpy._promote import asarray, cast
from fungrad.numpy.ufuncs import divide, multiply, not_equal, sqrt, subtract


def normalize_axes(axis, ndim, name="axis"):
    """A sorted tuple of non-negative axes; None means all."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < ndim:
            raise ShapeError(f"{name} {a} is out of bounds for an array of rank {ndim}")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated {name} in {axis!r}")
    return tuple(sorted(out))


def _keep(x, out, axes, keepdims):
    if not keepdims:
        return out
    shape = tuple(1 if i in axes else d for i, d in enumerate(get_aval(x).shape))
    return lax.reshape(out, shape)


def _sum_dtype(dtype):
    if dtype == np.bool_ or (np.issubdtype(dtype, np.integer) and dtype.itemsize < 8):
        return np.dtype(np.int64) if np.issubdtype(dtype, np.signedinteger) or dtype == np.bool_ \
            else np.dtype(np.uint64)
    return dtype


def sum(a, axis=None, dtype=None, keepdims=False):
    """Sum over `axis` (None: all axes)."""
    x = asarray(a)
    x = cast(x, dtype if dtype is not None else _sum_dtype(get_aval(x).dtype))
    axes = normalize_axes(axis, get_aval(x).ndim)
    return _keep(x, lax.reduce_sum(x, axes), axes, keepdims)


def mean(a, axis=None, dtype=None, keepdims=False):
    """Arithmetic mean over `axis`; integers average in float64 as in numpy."""
    x = asarray(a)
    src = get_aval(x).dtype
    x = cast(x, dtype if dtype is not None else (src if is_float(src) else np.float64))
    axes = normalize_axes(axis, get_aval(x).ndim)
    n = 1
    for i in axes:
        n *= get_aval(x).shape[i]
    return divide(sum(x, axes, keepdims=keepdims), n)


def _extremum(reducer, name):
    def f(a, axis=None, keepdims=False):
        x = asarray(a)
        aval = get_aval(x)
        axes = normalize_axes(axis, aval.ndim)
        if 0 in [aval.shape[i] for i in axes]:  # (the builtin any is shadowed here)
            raise ValueError(f"zero-size array to reduction operation {name} which has no identity")
        return _keep(x, reducer(x, axes), axes, keepdims)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"The {name}imum over `axis` (ties share the gradient equally)."
    return f


max = _extremum(lax.reduce_max, "max")
min = _extremum(lax.reduce_min, "min")
amax, amin = max, min


def prod(a, axis=None, dtype=None, keepdims=False):
    """Product over `axis` (its gradient is exact where entries are zero)."""
    x = asarray(a)
    x = cast(x, dtype if dtype is not None else _sum_dtype(get_aval(x).dtype))
    axes = normalize_axes(axis, get_aval(x).ndim)
    return _keep(x, lax.reduce_prod(x, axes), axes, keepdims)


def _arg(reducer, name):
    def f(a, axis=None, keepdims=False):
        x = asarray(a)
        if axis is None:
            out = reducer(lax.reshape(x, (get_aval(x).size,)), 0)
            return _keep(x, out, tuple(range(get_aval(x).ndim)), keepdims)
        ax, = normalize_axes(axis, get_aval(x).ndim)
        out = reducer(x, ax)
        return _keep(x, out, (ax,), keepdims)
    f.__name__ = f.__qualname__ = name
    return f


argmax = _arg(lax.argmax, "argmax")
argmin = _arg(lax.argmin, "argmin")


def var(a, axis=None, ddof=0, keepdims=False):
    """Variance over `axis` with `ddof` delta degrees of freedom."""
    x = asarray(a)
    if not is_float(get_aval(x).dtype):
        x = cast(x, np.float64)
    axes = normalize_axes(axis, get_aval(x).ndim)
    centered = subtract(x, mean(x, axes, keepdims=True))
    n = 1
    for i in axes:
        n *= get_aval(x).shape[i]
    return divide(sum(multiply(centered, centered), axes, keepdims=keepdims), n - ddof)


def std(a, axis=None, ddof=0, keepdims=False):
    """Standard deviation over `axis`."""
    return sqrt(var(a, axis, ddof, keepdims))


def all(a, axis=None, keepdims=False):
    x = not_equal(asarray(a), 0) if get_aval(asarray(a)).dtype != np.bool_ else asarray(a)
    axes = normalize_axes(axis, get_aval(x).ndim)
    return _keep(x, lax.reduce_min(x, axes), axes, keepdims)


def any(a, axis=None, keepdims=False):
    x = not_equal(asarray(a), 0) if get_aval(asarray(a)).dtype != np.bool_ else asarray(a)
    axes = normalize_axes(axis, get_aval(x).ndim)
    return _keep(x, lax.reduce_max(x, axes), axes, keepdims)
