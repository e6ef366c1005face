"""Comparisons of whole arrays and type predicates of the numpy API: isclose, allclose,
array_equal, array_equiv, iscomplexobj, isrealobj, isscalar, iterable. Results are booleans
(zero gradient); under transforms they are traced booleans, as in jax.numpy.

Imports: _core, lax, numpy._promote, numpy.ufuncs, numpy.reductions.
"""
from __future__ import annotations

import numpy as np

from fungrad._core.array import fresh
from fungrad._core.typing import Array, ArrayLike
from fungrad._core.dtypes import is_float
from fungrad._core.trace import Tracer, get_aval
from fungrad import _lax as lax
from fungrad.numpy._promote import asarray, promote, promote_inexact
from fungrad.numpy.reductions import all as _all
from fungrad.numpy.ufuncs import (
    absolute, add, equal, isinf, isnan, less_equal, logical_and, logical_or, multiply, subtract,
    where)

__all__ = ["allclose", "array_equal", "array_equiv", "isclose", "iscomplexobj", "isrealobj",
           "isscalar", "iterable"]


def isclose(a: ArrayLike, b: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
        equal_nan: bool = False) -> Array:
    """|a - b| <= atol + rtol |b| elementwise, with numpy's treatment of infinities and NaNs.

    >>> import fungrad.numpy as fnp
    >>> fnp.isclose(fnp.array([1.0, 2.0]), fnp.array([1.0, 2.1]))
    array([ True, False])
    """
    x, y = promote(asarray(a), asarray(b))
    if not is_float(get_aval(x).dtype):
        x, y = promote_inexact(x, y)
    dtype = get_aval(x).dtype
    rtol, atol = np.asarray(rtol, dtype), np.asarray(atol, dtype)
    finite_close = less_equal(absolute(subtract(x, y)), add(atol, multiply(rtol, absolute(y))))
    both_inf = logical_and(isinf(x), isinf(y))
    out = where(logical_or(isinf(x), isinf(y)), logical_and(both_inf, equal(x, y)),
                finite_close)
    if equal_nan:
        out = logical_or(out, logical_and(isnan(x), isnan(y)))
    return out


def allclose(a: ArrayLike, b: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
        equal_nan: bool = False) -> Array:
    """True if every entry is close (see isclose); a 0-d boolean array.

    >>> import fungrad.numpy as fnp
    >>> fnp.allclose(fnp.array([1.0, 2.0]), fnp.array([1.0, 2.0 + 1e-9]))
    array(True)
    """
    return _all(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1: ArrayLike, a2: ArrayLike, equal_nan: bool = False) -> Array:
    """True if both have the same shape and entries (shapes differing: False).

    >>> import fungrad.numpy as fnp
    >>> fnp.array_equal(fnp.array([1, 2]), fnp.array([1, 2]))
    array(True)
    >>> fnp.array_equal(fnp.array([1, 2]), fnp.array([1, 2, 3]))
    array(False)
    """
    x, y = asarray(a1), asarray(a2)
    if get_aval(x).shape != get_aval(y).shape:
        return fresh(np.asarray(False))
    x, y = promote(x, y)
    eq = equal(x, y)
    if equal_nan and is_float(get_aval(x).dtype):
        eq = logical_or(eq, logical_and(isnan(x), isnan(y)))
    return _all(eq)


def array_equiv(a1: ArrayLike, a2: ArrayLike) -> Array:
    """True if the arrays broadcast to one shape and are equal there.

    >>> import fungrad.numpy as fnp
    >>> fnp.array_equiv(fnp.array([1, 2]), fnp.array([[1, 2], [1, 2]]))
    array(True)
    """
    x, y = asarray(a1), asarray(a2)
    try:
        np.broadcast_shapes(get_aval(x).shape, get_aval(y).shape)
    except ValueError:
        return fresh(np.asarray(False))
    return _all(equal(*promote(x, y)))


def iscomplexobj(x: ArrayLike) -> bool:
    """True if the array's dtype is complex (whatever its values).

    >>> import fungrad.numpy as fnp
    >>> fnp.iscomplexobj(fnp.array([1.0 + 0.0j]))
    True
    >>> fnp.iscomplexobj(fnp.array([1.0]))
    False
    """
    if isinstance(x, Tracer) or isinstance(x, np.ndarray):
        return get_aval(x).dtype.kind == "c"
    return np.iscomplexobj(x)


def isrealobj(x: ArrayLike) -> bool:
    """True if the array's dtype is not complex.

    >>> import fungrad.numpy as fnp
    >>> fnp.isrealobj(fnp.array([1.0]))
    True
    """
    return not iscomplexobj(x)


def isscalar(element: ArrayLike) -> bool:
    """True for Python and numpy scalars and for 0-d arrays and traced values (as jax.numpy:
    fungrad.numpy returns 0-d arrays where numpy returns scalars).

    >>> import fungrad.numpy as fnp
    >>> fnp.isscalar(3.0)
    True
    >>> fnp.isscalar(fnp.array([3.0]))
    False
    """
    if isinstance(element, (Tracer, np.ndarray)):
        return get_aval(element).ndim == 0
    return bool(np.isscalar(element))


def iterable(y: ArrayLike) -> bool:
    """True if `y` can be iterated over (numpy.iterable).

    >>> import fungrad.numpy as fnp
    >>> fnp.iterable([1, 2])
    True
    >>> fnp.iterable(2)
    False
    """
    if isinstance(y, Tracer):
        return get_aval(y).ndim > 0
    return np.iterable(y)


del lax
