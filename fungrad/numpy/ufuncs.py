"""Elementwise functions of the numpy API, each lowered onto lax primitives.

Imports: _core, lax, numpy._promote.
"""
import numpy as np

from fungrad._core.dtypes import is_float
from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad.numpy._promote import (
    FLOAT_KEYS, fast_key, asarray, cast, promote, promote_inexact)


def _unary_inexact(prim_fn, name, doc):
    def f(x):
        if fast_key(x) not in FLOAT_KEYS:
            x, = promote_inexact(asarray(x))
        return prim_fn(x)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


exp = _unary_inexact(lax.exp, "exp", "Elementwise e**x.")
log = _unary_inexact(lax.log, "log", "Elementwise natural logarithm.")
log1p = _unary_inexact(lax.log1p, "log1p", "Elementwise log(1 + x), accurate for small x.")
expm1 = _unary_inexact(lax.expm1, "expm1", "Elementwise exp(x) - 1, accurate for small x.")
sin = _unary_inexact(lax.sin, "sin", "Elementwise sine.")
cos = _unary_inexact(lax.cos, "cos", "Elementwise cosine.")
tan = _unary_inexact(lax.tan, "tan", "Elementwise tangent.")
tanh = _unary_inexact(lax.tanh, "tanh", "Elementwise hyperbolic tangent.")
sinh = _unary_inexact(lax.sinh, "sinh", "Elementwise hyperbolic sine.")
cosh = _unary_inexact(lax.cosh, "cosh", "Elementwise hyperbolic cosine.")
arctan = _unary_inexact(lax.atan, "arctan", "Elementwise inverse tangent.")
arcsin = _unary_inexact(lax.asin, "arcsin", "Elementwise inverse sine.")
arccos = _unary_inexact(lax.acos, "arccos", "Elementwise inverse cosine.")
arcsinh = _unary_inexact(lax.asinh, "arcsinh", "Elementwise inverse hyperbolic sine.")
arccosh = _unary_inexact(lax.acosh, "arccosh", "Elementwise inverse hyperbolic cosine.")
arctanh = _unary_inexact(lax.atanh, "arctanh", "Elementwise inverse hyperbolic tangent.")
sqrt = _unary_inexact(lax.sqrt, "sqrt", "Elementwise square root.")


def _unary_same(prim_fn, name, doc):
    def f(x):
        return prim_fn(asarray(x))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


negative = _unary_same(lax.neg, "negative", "Elementwise -x.")
absolute = _unary_same(lax.abs, "absolute", "Elementwise |x|.")
abs = absolute
sign = _unary_same(lax.sign, "sign", "Elementwise sign: -1, 0 or 1.")
floor = _unary_same(lax.floor, "floor", "Elementwise floor (zero gradient).")
ceil = _unary_same(lax.ceil, "ceil", "Elementwise ceiling (zero gradient).")
isfinite = _unary_same(lax.is_finite, "isfinite", "Elementwise test for finite values.")


def positive(x):
    return asarray(x)


def round(x, decimals=0):
    """Round to `decimals` places (half to even, as numpy); zero gradient."""
    if decimals == 0:
        return lax.round(asarray(x))
    scale = 10.0 ** decimals
    return divide(lax.round(multiply(x, scale)), scale)


around = round


def square(x):
    return multiply(x, x)


def reciprocal(x):
    return divide(1.0, x)


def _binary(prim_fn, name, doc, inexact=False):
    prepare = promote_inexact if inexact else promote

    def f(x, y):
        return prim_fn(*prepare(x, y))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


add = _binary(lax.add, "add", "Elementwise x + y with broadcasting.")
subtract = _binary(lax.sub, "subtract", "Elementwise x - y with broadcasting.")
multiply = _binary(lax.mul, "multiply", "Elementwise x * y with broadcasting.")
divide = _binary(lax.div, "divide", "Elementwise true division x / y.", inexact=True)
true_divide = divide
maximum = _binary(lax.max, "maximum", "Elementwise maximum (ties split the gradient).")
minimum = _binary(lax.min, "minimum", "Elementwise minimum (ties split the gradient).")
arctan2 = _binary(lax.atan2, "arctan2", "Elementwise arctan(x1 / x2) by quadrant.", inexact=True)
fmod = _binary(lax.rem, "fmod", "Elementwise remainder with the sign of the dividend.")
less = _binary(lax.lt, "less", "Elementwise x < y.")
less_equal = _binary(lax.le, "less_equal", "Elementwise x <= y.")
greater = _binary(lax.gt, "greater", "Elementwise x > y.")
greater_equal = _binary(lax.ge, "greater_equal", "Elementwise x >= y.")
equal = _binary(lax.eq, "equal", "Elementwise x == y.")
not_equal = _binary(lax.ne, "not_equal", "Elementwise x != y.")
bitwise_and = _binary(lax.bitwise_and, "bitwise_and", "Elementwise x & y.")
bitwise_or = _binary(lax.bitwise_or, "bitwise_or", "Elementwise x | y.")
bitwise_xor = _binary(lax.bitwise_xor, "bitwise_xor", "Elementwise x ^ y.")


def invert(x):
    return lax.bitwise_not(asarray(x))


bitwise_not = invert


def _as_bool(x):
    x = asarray(x)
    return x if get_aval(x).dtype == np.bool_ else not_equal(x, 0)


def logical_and(x, y):
    return lax.bitwise_and(*promote(_as_bool(x), _as_bool(y)))


def logical_or(x, y):
    return lax.bitwise_or(*promote(_as_bool(x), _as_bool(y)))


def logical_xor(x, y):
    return lax.bitwise_xor(*promote(_as_bool(x), _as_bool(y)))


def logical_not(x):
    return lax.bitwise_not(_as_bool(x))


def floor_divide(x, y):
    """x // y (zero gradient: the result is piecewise constant)."""
    x, y = promote(x, y)
    dtype = get_aval(x).dtype
    if is_float(dtype):
        return lax.floor(lax.div(x, y))
    return cast(lax.floor(lax.div(cast(x, np.float64), cast(y, np.float64))), dtype)


def mod(x, y):
    """x % y with the sign of y, as numpy: x - floor(x / y) * y."""
    x, y = promote(x, y)
    return subtract(x, multiply(floor_divide(x, y), y))


remainder = mod


def power(x, y):
    """x ** y. A Python int exponent uses integer_pow (exact, and finite gradients at x == 0)."""
    if type(y) is int and not isinstance(x, (int, float)):
        x = asarray(x)
        if np.issubdtype(get_aval(x).dtype, np.integer) and y < 0:
            raise ValueError("Integers to negative integer powers are not allowed.")
        return lax.integer_pow(x, y)
    x, y = promote(x, y)
    return lax.pow(x, y)


def where(condition, x=None, y=None):
    """Elementwise choice: x where condition, else y (both branches are evaluated; see README on
    NaN gradients of the untaken branch)."""
    if x is None or y is None:
        raise NotImplementedError("where(condition) with one argument (nonzero) is not supported "
                                  "under transforms: its output shape depends on values.")
    x, y = promote(x, y)
    return lax.select(_as_bool(condition), x, y)


def clip(a, a_min=None, a_max=None):
    """Limit values to [a_min, a_max] (the gradient is zero outside the interval)."""
    out = asarray(a)
    if a_min is not None:
        out = maximum(out, a_min)
    if a_max is not None:
        out = minimum(out, a_max)
    return out


def logaddexp(x, y):
    """log(exp(x) + exp(y)) without overflow."""
    x, y = promote_inexact(x, y)
    m = lax.stop_gradient(maximum(x, y))
    return add(m, log(add(exp(subtract(x, m)), exp(subtract(y, m)))))


def hypot(x, y):
    return sqrt(add(square(x), square(y)))


def deg2rad(x):
    return multiply(x, np.pi / 180.0)


def rad2deg(x):
    return multiply(x, 180.0 / np.pi)


def sinc(x):
    """sin(pi x) / (pi x), with sinc(0) = 1 (gradient safe at 0)."""
    x, = promote_inexact(asarray(x))
    is_zero = equal(x, 0)
    safe = where(is_zero, 1.0, x)
    px = multiply(safe, np.pi)
    return where(is_zero, 1.0, divide(sin(px), px))
