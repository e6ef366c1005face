"""Elementwise functions of the numpy API, each lowered onto lax primitives.

Imports: _core, lax, numpy._promote.
"""
from __future__ import annotations

from typing import Any, overload

import numpy as np

from fungrad._core.docs import add_examples as _add_examples
from fungrad._core.typing import Array, ArrayLike
from fungrad._core.dtypes import is_float
from fungrad._core.errors import DtypeError
from fungrad._core.array import as_array
from fungrad._core.trace import Tracer, get_aval
from fungrad import _lax as lax
from fungrad.numpy._promote import (
    FLOAT_KEYS, fast_key, asarray, cast, promote, promote_inexact)

__all__ = [
    "abs", "absolute", "add", "angle", "arccos", "arccosh", "arcsin", "arcsinh", "arctan",
    "arctan2", "arctanh", "around", "bitwise_and", "bitwise_count", "bitwise_invert",
    "bitwise_left_shift", "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
    "cbrt", "ceil", "clip", "conj", "conjugate", "copysign", "cos", "cosh", "deg2rad", "degrees",
    "divide", "divmod", "equal", "exp", "exp2", "expm1", "fabs", "fix", "float_power", "floor",
    "floor_divide", "fmax", "fmin", "fmod", "frexp", "gcd", "greater", "greater_equal",
    "heaviside", "hypot", "i0", "imag", "invert", "iscomplex", "isfinite", "isinf", "isnan",
    "isneginf", "isposinf", "isreal", "lcm", "ldexp", "left_shift", "less", "less_equal", "log",
    "log10", "log1p", "log2", "logaddexp", "logaddexp2", "logical_and", "logical_not",
    "logical_or", "logical_xor", "maximum", "minimum", "mod", "modf", "multiply", "nan_to_num",
    "negative", "nextafter", "not_equal", "positive", "power", "rad2deg", "radians", "real",
    "reciprocal", "remainder", "right_shift", "rint", "round", "sign", "signbit", "sin", "sinc",
    "sinh", "spacing", "sqrt", "square", "subtract", "tan", "tanh", "true_divide", "trunc",
    "where",
]


def _unary_inexact(prim_fn, name, doc):
    def f(x: ArrayLike) -> Array:
        if fast_key(x) not in FLOAT_KEYS:
            x, = promote_inexact(asarray(x), small_float=True)
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
    def f(x: ArrayLike) -> Array:
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


def positive(x: ArrayLike) -> Array:
    x = asarray(x)
    if get_aval(x).dtype == np.bool_:
        raise DtypeError(f"numpy.positive: numpy's positive has no boolean loop, got "
                         f"{get_aval(x).str_short()}. Fix: cast to an integer dtype first.")
    return _itself(x)


def _itself(x):
    """An operand returned as the value itself: a traced value as it is, else a fungrad.Array
    (a read-only view of the caller's data, as fnp.asarray)."""
    return x if isinstance(x, Tracer) else as_array(x)


def round(x: ArrayLike, decimals: int = 0, out: None = None) -> Array:
    """Round to `decimals` places (half to even, as numpy); zero gradient."""
    _no_out(out, "round")
    if decimals == 0:
        return lax.round(asarray(x))
    scale = 10.0 ** decimals
    return divide(lax.round(multiply(x, scale)), scale)


around = round


def square(x: ArrayLike) -> Array:
    x = asarray(x)
    if get_aval(x).dtype == bool:  # numpy's square has no boolean loop: int8
        x = cast(x, np.dtype(np.int8))
    return multiply(x, x)


def reciprocal(x: ArrayLike) -> Array:
    x = asarray(x)
    dt = get_aval(x).dtype
    if dt.kind in "biu":  # numpy's integer loop: 1.0 / x cast back (bool as int8), so 1/2 is 0
        out_dt = np.dtype(np.int8) if dt == np.bool_ else dt
        inv = divide(1.0, cast(x, np.dtype(np.float64)))  # warns at 0, as numpy
        with np.errstate(invalid="ignore"):  # 1/0 = inf cast as numpy's loop casts it
            return cast(inv, out_dt)
    return divide(1.0, x)


def _binary(prim_fn, name, doc, inexact=False, small_float=False):
    if small_float:
        def prepare(x, y):
            return promote_inexact(x, y, small_float=True)
    else:
        prepare = promote_inexact if inexact else promote

    def f(x: ArrayLike, y: ArrayLike) -> Array:
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
arctan2 = _binary(lax.atan2, "arctan2", "Elementwise arctan(x1 / x2) by quadrant.",
                  small_float=True)
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


def invert(x: ArrayLike) -> Array:
    return lax.bitwise_not(asarray(x))


bitwise_not = invert


def _as_bool(x):
    x = asarray(x)
    return x if get_aval(x).dtype == np.bool_ else not_equal(x, 0)


def logical_and(x: ArrayLike, y: ArrayLike) -> Array:
    return lax.bitwise_and(*promote(_as_bool(x), _as_bool(y)))


def logical_or(x: ArrayLike, y: ArrayLike) -> Array:
    return lax.bitwise_or(*promote(_as_bool(x), _as_bool(y)))


def logical_xor(x: ArrayLike, y: ArrayLike) -> Array:
    return lax.bitwise_xor(*promote(_as_bool(x), _as_bool(y)))


def logical_not(x: ArrayLike) -> Array:
    return lax.bitwise_not(_as_bool(x))


def floor_divide(x: ArrayLike, y: ArrayLike) -> Array:
    """x // y (zero gradient: the result is piecewise constant). Integers are divided exactly
    (rounding down), and by zero give 0, as numpy."""
    x, y = (asarray(v) for v in promote(x, y))
    _no_complex("floor_divide", x)
    if is_float(get_aval(x).dtype):
        return lax.stop_gradient(_float_divmod(x, y)[0])
    q = lax.div(x, y)  # rounds toward zero; 0 where y == 0
    zero = np.zeros((), get_aval(q).dtype)
    r = lax.sub(x, lax.mul(q, y))
    down = lax.bitwise_and(lax.bitwise_and(lax.ne(r, zero), lax.ne(y, zero)),
                           lax.ne(lax.lt(r, zero), lax.lt(y, zero)))
    return lax.sub(q, lax.convert_element_type(down, get_aval(q).dtype))


def mod(x: ArrayLike, y: ArrayLike) -> Array:
    """x % y with the sign of y, as numpy: x - floor(x / y) * y (integers: 0 where y == 0)."""
    x, y = (asarray(v) for v in promote(x, y))
    _no_complex("remainder", x)
    if is_float(get_aval(x).dtype):
        return _float_divmod(x, y)[1]
    r = subtract(x, multiply(floor_divide(x, y), y))
    zero = np.zeros((), get_aval(r).dtype)
    return lax.select(lax.eq(y, zero), lax.broadcast_to(zero, get_aval(r).shape), r)


remainder = mod


def _float_divmod(x, y):
    """numpy's divmod of floats (its npy_divmod): the floor quotient and the remainder with y's
    sign, from fmod, so that they stay exact where x / y rounds or y is infinite (-1 // inf is
    -1 and -1 % inf is inf, as in numpy and Python; by zero: x / y and NaN)."""
    zero = np.zeros((), get_aval(x).dtype)
    m = lax.rem(x, y)
    adjust = logical_and(lax.ne(m, zero), lax.ne(lax.lt(y, zero), lax.lt(m, zero)))
    # an exact multiple: the remainder is 0 with y's sign (numpy), and its derivative fmod's
    # (1 in x, -trunc(x / y) in y, as JAX's), carried by a +0.0 that differentiates as m:
    # +0.0 + (m - m) keeps +0.0 and -0.0 - (m - m) keeps -0.0 (a plain copysign(0, y) is a
    # constant: the gradient at exact multiples was 0)
    carry, carry_neg = subtract(m, lax.stop_gradient(m)), subtract(lax.stop_gradient(m), m)
    signed_zero = copysign(zero, y)
    at_zero = where(signbit(y), subtract(signed_zero, carry_neg), add(signed_zero, carry))
    rem = where(adjust, add(m, y), where(lax.eq(m, zero), at_zero, m))
    div = where(adjust, subtract(divide(subtract(x, m), y), 1.0), divide(subtract(x, m), y))
    fl = floor(div)
    fl = where(greater(subtract(div, fl), 0.5), add(fl, 1.0), fl)
    quo = where(lax.eq(div, zero), copysign(zero, divide(x, y)), fl)
    by_zero = lax.eq(y, zero)
    return where(by_zero, divide(x, y), quo), where(by_zero, m, rem)


def _real_inexact(x, name):
    """x as numpy's float type for a real-only float ufunc (complex input raises)."""
    x, = promote_inexact(asarray(x), small_float=True)
    _no_complex(name, x)
    return x


def power(x: ArrayLike, y: ArrayLike) -> Array:
    """x ** y. A Python int exponent uses integer_pow (exact, and finite gradients at x == 0)."""
    if type(y) is int and not isinstance(x, (int, float)):
        x = asarray(x)
        if y < 0 and get_aval(x).dtype.kind in "iu":
            raise ValueError("Integers to negative integer powers are not allowed.")
        return lax.integer_pow(x, y)
    x, y = promote(x, y)
    return lax.pow(x, y)


@overload
def where(condition: ArrayLike, x: None = None, y: None = None, /, *, size: int | None = None,
          fill_value: ArrayLike | None = None) -> tuple[Array, ...]: ...
@overload
def where(condition: ArrayLike, x: ArrayLike, y: ArrayLike, /, *, size: int | None = None,
          fill_value: ArrayLike | None = None) -> Array: ...
def where(condition: ArrayLike, x: ArrayLike | None = None, y: ArrayLike | None = None, /, *,
        size: int | None = None, fill_value: ArrayLike | None = None) -> Array | tuple[Array, ...]:
    """Elementwise choice: x where condition, else y (both branches are evaluated; see README on
    NaN gradients of the untaken branch). With the condition only: nonzero(condition), whose
    shape depends on values (see nonzero for `size=`/`fill_value=`)."""
    if x is None and y is None:
        from fungrad.numpy.indexing import nonzero  # (indexing imports this module)
        return nonzero(condition, size=size, fill_value=fill_value)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    x, y = promote(x, y)
    return lax.select(_as_bool(condition), x, y)


_NO_VALUE = object()


def clip(a: ArrayLike, a_min: Any = _NO_VALUE, a_max: Any = _NO_VALUE, out: None = None, *,
        min: ArrayLike | None = None, max: ArrayLike | None = None) -> Array:
    """Limit values to [a_min, a_max] (numpy 2 also names them min/max); the gradient is zero
    outside the interval."""
    _no_out(out, "clip")
    lo = min if a_min is _NO_VALUE else a_min
    hi = max if a_max is _NO_VALUE else a_max
    out = asarray(a)
    if lo is None and hi is None:  # numpy: the value itself, by its positive (no boolean loop)
        if get_aval(out).dtype == np.bool_:
            raise DtypeError(f"numpy.clip: clipping booleans without bounds is not supported "
                             f"(numpy's positive has no boolean loop), got "
                             f"{get_aval(out).str_short()}. Fix: give a bound, or cast to an "
                             "integer dtype first.")
        return positive(out)
    if lo is not None:
        out = maximum(out, lo)
    if hi is not None:
        out = minimum(out, hi)
    return out


def logaddexp(x: ArrayLike, y: ArrayLike) -> Array:
    """log(exp(x) + exp(y)) without overflow or underflow: max(x, y) + log1p(exp(-|x - y|)),
    with x - y taken as 0 where x and y are the same infinity, so logaddexp(-inf, -inf) is -inf
    and logaddexp(inf, inf) inf, as numpy, without the invalid-value warning inf - inf would
    raise (numpy warns for neither); a NaN operand gives NaN. The derivative is a rule (as
    JAX's): the softmax weights logistic(x - y), logistic(y - x), 1/2 each at x == y and smooth
    to every order (differentiating the formula's max and |x - y| would not be: its kinks cancel
    in the first derivative only)."""
    x, y = promote_inexact(x, y, small_float=True)
    _no_complex("logaddexp", x)
    return _logaddexp(x, y)


def _same_inf_and_difference(x, y):
    """(x and y the same infinity, x - y with 0 there): inf - inf would warn and be NaN."""
    same_inf = logical_and(equal(x, y), isinf(x))
    zero = np.zeros((), get_aval(x).dtype)
    return same_inf, subtract(where(same_inf, zero, x), where(same_inf, zero, y))


def _logaddexp_value(x, y):
    _, d = _same_inf_and_difference(x, y)
    return add(maximum(x, y), log1p(exp(negative(absolute(d)))))


def hypot(x: ArrayLike, y: ArrayLike) -> Array:
    """sqrt(x**2 + y**2) without overflow or underflow: the larger magnitude times
    sqrt(1 + (smaller / larger)**2); inf where either is infinite, as numpy."""
    x, y = promote_inexact(x, y, small_float=True)
    _no_complex("hypot", x)
    a, b = absolute(x), absolute(y)
    hi, lo = maximum(a, b), minimum(a, b)
    zero = np.zeros((), get_aval(hi).dtype)
    r = divide(lo, where(equal(hi, zero), 1.0, hi))
    out = multiply(hi, sqrt(add(1.0, multiply(r, r))))
    return where(logical_or(isinf(a), isinf(b)), np.inf, out)


def deg2rad(x: ArrayLike) -> Array:
    return multiply(_real_inexact(x, "deg2rad"), np.pi / 180.0)


def rad2deg(x: ArrayLike) -> Array:
    return multiply(_real_inexact(x, "rad2deg"), 180.0 / np.pi)


def sinc(x: ArrayLike) -> Array:
    """sin(pi x) / (pi x), with sinc(0) = 1; every derivative is exact at 0 too (there the
    value comes from the Maclaurin series of sin(u)/u, whose JVP is the next term), so
    grad(grad(sinc))(0.) is -pi**2/3, as JAX."""
    x, = promote_inexact(asarray(x))
    u = multiply(x, np.pi)
    is_zero = equal(x, 0)
    # near 0 (0 < |u| < 1/2) the Maclaurin polynomial, whose derivatives do not cancel or
    # overflow as those of sin(u) / u do (sin(u) / u**2 overflows for |u| < 1e-154)
    small = less(absolute(u), 0.5)
    v = square(where(small, u, 0.0))
    poly = add(multiply(v, _SINC_TAYLOR[0]), _SINC_TAYLOR[1])
    for c in _SINC_TAYLOR[2:]:
        poly = add(multiply(poly, v), c)
    pu = where(small, 1.0, u)
    return where(is_zero, _sinc_series(0, u), where(small, poly, divide(sin(pu), pu)))


# sin(u) / u = sum_k (-1)**k u**(2k) / (2k + 1)!, highest term first (Horner in u**2): to
# u**12, so the truncation error is below 1e-16 relative for |u| < 1/2
_SINC_TAYLOR = [(-1.0) ** k / float(np.prod(np.arange(1, 2 * k + 2))) for k in range(6, -1, -1)]


def _sinc_series_impl(k, u):
    """The k-th derivative of sin(u)/u at u = 0, broadcast like u (0 for odd k,
    (-1)**(k/2) / (k + 1) for even k); its JVP is the (k+1)-th term times the tangent."""
    value = 0.0 if k % 2 else (-1.0) ** (k // 2) / (k + 1)
    return add(multiply(u, 0.0), value)


def _sinc_series_jvp(k, primals, tangents):
    (u,), (t,) = primals, tangents
    return _sinc_series(k, u), multiply(_sinc_series(k + 1, u), t)


def _make_sinc_series():
    from fungrad._api.custom import custom_jvp  # the public layer below this facade
    series = custom_jvp(_sinc_series_impl, nondiff_argnums=(0,))
    series.defjvp(_sinc_series_jvp)
    return series


_sinc_series = _make_sinc_series()


# ---- further ufuncs (numpy breadth)
from fungrad._lax import complex_parts as _cp  # noqa: E402 (grouped with the functions that use it)
from fungrad._lax import ufuncs as _lx  # noqa: E402


def _is_inexact(x):
    return is_float(get_aval(x).dtype)


def _float_only(prim_fn, name, doc):
    """A function of floats whose integer inputs are promoted to float64 first."""
    def f(x: ArrayLike, /, out: None = None) -> Array:
        _no_out(out, name)
        if fast_key(x) not in FLOAT_KEYS:
            x, = promote_inexact(asarray(x), small_float=True)
        return prim_fn(x)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


def _no_out(out, name):
    if out is not None:
        raise NotImplementedError(f"{name}: out= is not supported: fungrad results are new arrays."
                                  " Fix: assign the result.")


log2 = _float_only(_lx.log2, "log2", "Elementwise base-2 logarithm (exact at powers of two).")
log10 = _float_only(_lx.log10, "log10", "Elementwise base-10 logarithm.")
exp2 = _float_only(_lx.exp2, "exp2", "Elementwise 2**x (exact at integers).")
cbrt = _float_only(_lx.cbrt, "cbrt", "Elementwise cube root.")
spacing = _float_only(_lx.spacing, "spacing", "Distance to the nearest adjacent float.")


def isnan(x: ArrayLike, /) -> Array:
    """Elementwise test for NaN (False for integers)."""
    x = asarray(x)
    if not _is_inexact(x):
        return _falses(x)
    return _lx.is_nan(x)


def _falses(x):
    return lax.broadcast_to(np.zeros((), bool), get_aval(x).shape)


def isinf(x: ArrayLike, /) -> Array:
    x = asarray(x)
    if not _is_inexact(x):
        return _falses(x)
    mag = lax.abs(x)  # real for complex x: infinite where either part is
    return lax.eq(mag, np.asarray(np.inf, get_aval(mag).dtype))


def _no_complex(name, x):
    if get_aval(x).dtype.kind == "c":
        raise DtypeError(f"{name}: this operation is not supported for complex values because it "
                         f"would be ambiguous (got {get_aval(x).str_short()}). Fix: apply it to "
                         "fnp.real(x) or fnp.imag(x).")


def isposinf(x: ArrayLike, /, out: None = None) -> Array:
    x = asarray(x)
    _no_complex("isposinf", x)
    return lax.eq(x, np.asarray(np.inf, get_aval(x).dtype)) if _is_inexact(x) else _falses(x)


def isneginf(x: ArrayLike, /, out: None = None) -> Array:
    x = asarray(x)
    _no_complex("isneginf", x)
    return lax.eq(x, np.asarray(-np.inf, get_aval(x).dtype)) if _is_inexact(x) else _falses(x)


def signbit(x: ArrayLike, /) -> Array:
    x = asarray(x)
    if not _is_inexact(x):
        return lax.lt(x, np.zeros((), get_aval(x).dtype)) if get_aval(x).dtype != np.bool_ \
            else _falses(x)
    return _lx.signbit(x)


def trunc(x: ArrayLike, /) -> Array:
    """Round toward zero (zero gradient)."""
    x = asarray(x)
    return _lx.trunc(x) if _is_inexact(x) else x


fix = trunc


def rint(x: ArrayLike, /) -> Array:
    """Round to the nearest integer, half to even (zero gradient)."""
    x, = promote_inexact(asarray(x), small_float=True)
    return lax.round(x)


def fabs(x: ArrayLike, /) -> Array:
    x = _real_inexact(x, "fabs")
    return lax.abs(x)


def nextafter(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    return _lx.nextafter(*promote_inexact(x1, x2, small_float=True))


def copysign(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """|x1| with the sign of x2 (the gradient in x1 is +-1, in x2 zero)."""
    return _lx.copysign(*promote_inexact(x1, x2, small_float=True))


def _integers(name, x1, x2):
    x1, x2 = promote(x1, x2)
    if not np.issubdtype(get_aval(x1).dtype, np.integer):
        raise TypeError(f"{name} takes integer arguments, got {get_aval(x1).str_short()}")
    return x1, x2


def gcd(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    return _lx.gcd(*_integers("gcd", x1, x2))


def lcm(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    return _lx.lcm(*_integers("lcm", x1, x2))


def left_shift(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    return _lx.shift_left(*_integers("left_shift", x1, x2))


def right_shift(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    return _lx.shift_right(*_integers("right_shift", x1, x2))


bitwise_left_shift, bitwise_right_shift, bitwise_invert = left_shift, right_shift, invert


def bitwise_count(x: ArrayLike, /) -> Array:
    return _lx.population_count(asarray(x))


def frexp(x: ArrayLike, /) -> tuple[Array, Array]:
    """(mantissa, exponent) with x = mantissa * 2**exponent; the mantissa's gradient is 2**-e."""
    x = _real_inexact(x, "frexp")
    e = _lx.frexp_exponent(x)
    return ldexp(x, negative(e)), e


def ldexp(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """x1 * 2**x2 for integer x2 (computed as a product with an exact power of two)."""
    x1 = _real_inexact(x1, "ldexp")
    x2 = asarray(x2)
    if get_aval(x2).dtype.kind not in "biu":
        raise DtypeError(f"ldexp: the exponent x2 must be an integer array, got "
                         f"{get_aval(x2).str_short()}, as in numpy. Fix: pass integers "
                         "(fnp.astype(x2, int)).")
    dtype = get_aval(x1).dtype
    return multiply(x1, _lx.exp2(cast(x2, dtype)))


def modf(x: ArrayLike, /) -> tuple[Array, Array]:
    """(fractional part, integral part), both with x's sign (modf(+-inf) is (+-0, +-inf))."""
    x = _real_inexact(x, "modf")
    i = _lx.trunc(x)
    finite = where(isinf(x), np.zeros((), get_aval(x).dtype), x)  # inf - inf would warn
    return _lx.copysign(subtract(finite, _lx.trunc(finite)), x), i


def divmod(x1: ArrayLike, x2: ArrayLike, /) -> tuple[Array, Array]:
    return floor_divide(x1, x2), mod(x1, x2)


def heaviside(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0."""
    x1, x2 = promote_inexact(x1, x2, small_float=True)
    _no_complex("heaviside", x1)
    dtype = get_aval(x1).dtype
    zero, one = np.zeros((), dtype), np.ones((), dtype)
    return where(lax.lt(x1, zero), zero, where(lax.gt(x1, zero), one, x2))


def fmax(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Elementwise maximum ignoring NaNs (NaN only where both are)."""
    x1, x2 = promote(x1, x2)
    if not _is_inexact(x1):
        return maximum(x1, x2)
    return where(isnan(x2), x1, where(isnan(x1), x2, maximum(x1, x2)))


def fmin(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    x1, x2 = promote(x1, x2)
    if not _is_inexact(x1):
        return minimum(x1, x2)
    return where(isnan(x2), x1, where(isnan(x1), x2, minimum(x1, x2)))


def float_power(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """x1 ** x2 computed in float64 (or complex128) at least, as numpy."""
    x1, x2 = promote_inexact(x1, x2)
    if get_aval(x1).dtype.kind == "f" and get_aval(x1).dtype != np.float64:
        x1, x2 = cast(x1, np.dtype(np.float64)), cast(x2, np.dtype(np.float64))
    return lax.pow(x1, x2)


def logaddexp2(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """log2(2**x1 + 2**x2) without overflow."""
    x1, x2 = promote_inexact(x1, x2, small_float=True)
    _no_complex("logaddexp2", x1)
    ln2 = float(np.log(2.0))
    return divide(logaddexp(multiply(x1, ln2), multiply(x2, ln2)), ln2)


def i0(x: ArrayLike) -> Array:
    """The modified Bessel function of the first kind, order 0 (numpy.i0)."""
    x, = promote_inexact(asarray(x))
    _no_complex("numpy.i0", x)  # numpy's i0 is defined for real values only
    return _lx.bessel_i(x, 0)


degrees, radians = rad2deg, deg2rad


def _is_complex(x):
    return get_aval(x).dtype.kind == "c"


def real(val: ArrayLike, /) -> Array:
    """The real part (the value itself for real dtypes); float64 for complex128, as numpy."""
    x = asarray(val)
    if _is_complex(x):
        return _cp.real(x)
    return _itself(x)


def imag(val: ArrayLike, /) -> Array:
    """The imaginary part (zeros for real dtypes)."""
    x = asarray(val)
    if _is_complex(x):
        return _cp.imag(x)
    return lax.broadcast_to(np.zeros((), get_aval(x).dtype), get_aval(x).shape)


def conjugate(x: ArrayLike, /) -> Array:
    """The complex conjugate (the value itself for real dtypes)."""
    x = asarray(x)
    if get_aval(x).dtype == bool:  # numpy's conjugate has no boolean loop: int8
        return cast(x, np.dtype(np.int8))
    return _cp.conj(x) if _is_complex(x) else _itself(x)


conj = conjugate


def angle(z: ArrayLike, deg: bool = False) -> Array:
    """The argument of z, arctan2(imag(z), real(z)) (0 or pi for reals, with a zero gradient)."""
    x = asarray(z)
    if _is_complex(x):
        out = arctan2(_cp.imag(x), _cp.real(x))
    else:
        # numpy computes arctan2(0, z) with a Python 0: bool input becomes int64, so float64
        x, = promote_inexact(cast(x, np.dtype(np.int64)) if get_aval(x).dtype == bool else x,
                             small_float=True)
        out = arctan2(np.zeros((), get_aval(x).dtype), x)
    return rad2deg(out) if deg else out


def iscomplex(x: ArrayLike) -> Array:
    x = asarray(x)
    if get_aval(x).dtype.kind == "c":
        return not_equal(imag(x), 0)
    return _falses(x)


def isreal(x: ArrayLike) -> Array:
    x = asarray(x)
    if get_aval(x).dtype.kind == "c":
        return equal(imag(x), 0)
    return lax.broadcast_to(np.ones((), bool), get_aval(x).shape)


def nan_to_num(x: ArrayLike, copy: bool = True, nan: ArrayLike = 0.0, posinf: ArrayLike | None = None,
        neginf: ArrayLike | None = None) -> Array:
    """NaN -> `nan`, +-inf -> `posinf`/`neginf` (default the largest finite magnitudes); the
    gradient is 1 at finite entries and 0 at the replaced ones."""
    x = asarray(x)
    dtype = get_aval(x).dtype
    if not _is_inexact(x):
        return x
    info = np.finfo(dtype)
    hi = info.max if posinf is None else posinf
    lo = info.min if neginf is None else neginf
    out = where(isnan(x), np.asarray(nan, dtype), x)
    out = where(isposinf(x), np.asarray(hi, dtype), out)
    return where(isneginf(x), np.asarray(lo, dtype), out)


# the array API's names (numpy 2 has them too)
acos, acosh, asin, asinh, atan, atanh, atan2 = (
    arccos, arccosh, arcsin, arcsinh, arctan, arctanh, arctan2)
pow = power
__all__ += ["acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "pow"]

# doctested examples of the functions the factories above build (their docstrings are made
# there); each is appended to its function's docstring
_EXAMPLES = {
    "absolute": """>>> import fungrad.numpy as fnp
>>> fnp.absolute(fnp.array([-1.5, 2.0]))
array([1.5, 2. ])""",
    "add": """>>> import fungrad.numpy as fnp
>>> fnp.add(fnp.array([1, 2]), 10)
array([11, 12])""",
    "angle": """>>> import fungrad.numpy as fnp
>>> fnp.angle(fnp.array([1.0, 1j]), deg=True)
array([ 0., 90.])""",
    "arccos": """>>> import fungrad.numpy as fnp
>>> fnp.arccos(fnp.array([1.0]))
array([0.])""",
    "arccosh": """>>> import fungrad.numpy as fnp
>>> fnp.arccosh(fnp.array([1.0]))
array([0.])""",
    "arcsin": """>>> import fungrad.numpy as fnp
>>> fnp.arcsin(fnp.array([0.0]))
array([0.])""",
    "arcsinh": """>>> import fungrad.numpy as fnp
>>> fnp.arcsinh(fnp.array([0.0]))
array([0.])""",
    "arctan": """>>> import fungrad.numpy as fnp
>>> fnp.arctan(fnp.array([0.0]))
array([0.])""",
    "arctan2": """>>> import fungrad.numpy as fnp
>>> fnp.arctan2(fnp.array([1.0, 0.0]), fnp.array([0.0, 1.0])) / fnp.pi
array([0.5, 0. ])""",
    "arctanh": """>>> import fungrad.numpy as fnp
>>> fnp.arctanh(fnp.array([0.0]))
array([0.])""",
    "round": """>>> import fungrad.numpy as fnp
>>> fnp.round(fnp.array([1.25, 2.5, -0.5]), 1)
array([ 1.2,  2.5, -0.5])
>>> fnp.round(fnp.array([0.5, 1.5, 2.5]))
array([0., 2., 2.])""",
    "bitwise_and": """>>> import fungrad.numpy as fnp
>>> fnp.bitwise_and(fnp.array([12]), fnp.array([10]))
array([8])""",
    "bitwise_count": """The number of 1 bits in |x| (numpy.bitwise_count).

>>> import fungrad.numpy as fnp
>>> fnp.bitwise_count(fnp.array([0, 7, 255]))
array([0, 3, 8], dtype=uint8)""",
    "invert": """Elementwise bitwise NOT (logical NOT for booleans).

>>> import fungrad.numpy as fnp
>>> fnp.invert(fnp.array([0, 5]))
array([-1, -6])
>>> fnp.invert(fnp.array([True, False]))
array([False,  True])""",
    "left_shift": """Elementwise x1 << x2.

>>> import fungrad.numpy as fnp
>>> fnp.left_shift(fnp.array([1, 3]), 2)
array([ 4, 12])""",
    "bitwise_or": """>>> import fungrad.numpy as fnp
>>> fnp.bitwise_or(fnp.array([12]), fnp.array([10]))
array([14])""",
    "right_shift": """Elementwise x1 >> x2.

>>> import fungrad.numpy as fnp
>>> fnp.right_shift(fnp.array([8, 7]), 1)
array([4, 3])""",
    "bitwise_xor": """>>> import fungrad.numpy as fnp
>>> fnp.bitwise_xor(fnp.array([12]), fnp.array([10]))
array([6])""",
    "cbrt": """>>> import fungrad.numpy as fnp
>>> fnp.cbrt(fnp.array([8.0, -27.0]))
array([ 2., -3.])""",
    "ceil": """>>> import fungrad.numpy as fnp
>>> fnp.ceil(fnp.array([-1.5, 1.2]))
array([-1.,  2.])""",
    "clip": """>>> import fungrad.numpy as fnp
>>> fnp.clip(fnp.array([-2, 0, 5]), 0, 3)
array([0, 0, 3])""",
    "conjugate": """>>> import fungrad.numpy as fnp
>>> fnp.conjugate(fnp.array([1 + 2j]))
array([1.-2.j])""",
    "copysign": """>>> import fungrad.numpy as fnp
>>> fnp.copysign(fnp.array([1.0, 2.0]), fnp.array([-1.0, 1.0]))
array([-1.,  2.])""",
    "cos": """>>> import fungrad.numpy as fnp
>>> fnp.cos(fnp.array([0.0, fnp.pi]))
array([ 1., -1.])""",
    "cosh": """>>> import fungrad.numpy as fnp
>>> fnp.cosh(fnp.array([0.0]))
array([1.])""",
    "deg2rad": """Degrees to radians, elementwise.

>>> import fungrad.numpy as fnp
>>> fnp.deg2rad(fnp.array([180.0])) / fnp.pi
array([1.])""",
    "rad2deg": """Radians to degrees, elementwise.

>>> import fungrad.numpy as fnp
>>> fnp.rad2deg(fnp.array([fnp.pi]))
array([180.])""",
    "divide": """>>> import fungrad.numpy as fnp
>>> fnp.divide(fnp.array([1, 3]), 2)
array([0.5, 1.5])""",
    "divmod": """(floor_divide(x1, x2), mod(x1, x2)) together.

>>> import fungrad.numpy as fnp
>>> fnp.divmod(fnp.array([7, -7]), 2)
(array([ 3, -4]), array([1, 1]))""",
    "equal": """>>> import fungrad.numpy as fnp
>>> fnp.equal(fnp.array([1, 2]), fnp.array([1, 3]))
array([ True, False])""",
    "exp": """>>> import fungrad.numpy as fnp
>>> fnp.exp(fnp.array([0.0]))
array([1.])""",
    "exp2": """>>> import fungrad.numpy as fnp
>>> fnp.exp2(fnp.array([0.0, 3.0]))
array([1., 8.])""",
    "expm1": """>>> import fungrad.numpy as fnp
>>> fnp.expm1(fnp.array([0.0]))
array([0.])""",
    "fabs": """Elementwise |x| as a float.

>>> import fungrad.numpy as fnp
>>> fnp.fabs(fnp.array([-1, 2]))
array([1., 2.])""",
    "trunc": """>>> import fungrad.numpy as fnp
>>> fnp.trunc(fnp.array([-1.7, 1.7]))
array([-1.,  1.])""",
    "float_power": """>>> import fungrad.numpy as fnp
>>> fnp.float_power(fnp.array([2, 3]), 2)
array([4., 9.])""",
    "floor": """>>> import fungrad.numpy as fnp
>>> fnp.floor(fnp.array([-1.5, 1.7]))
array([-2.,  1.])""",
    "floor_divide": """>>> import fungrad.numpy as fnp
>>> fnp.floor_divide(fnp.array([7, -7]), 2)
array([ 3, -4])""",
    "fmax": """>>> import fungrad.numpy as fnp
>>> fnp.fmax(fnp.array([1.0, fnp.nan]), fnp.array([2.0, 0.0]))
array([2., 0.])""",
    "fmin": """Elementwise minimum ignoring NaNs (NaN only where both are NaN).

>>> import fungrad.numpy as fnp
>>> fnp.fmin(fnp.array([1.0, fnp.nan]), fnp.array([2.0, 0.0]))
array([1., 0.])""",
    "fmod": """>>> import fungrad.numpy as fnp
>>> fnp.fmod(fnp.array([7, -7]), 3)
array([ 1, -1])""",
    "frexp": """>>> import fungrad.numpy as fnp
>>> fnp.frexp(fnp.array([8.0, 0.5]))
(array([0.5, 0.5]), array([4, 0], dtype=int32))""",
    "gcd": """Elementwise greatest common divisor of integers.

>>> import fungrad.numpy as fnp
>>> fnp.gcd(fnp.array([12, 18]), 8)
array([4, 2])""",
    "greater": """>>> import fungrad.numpy as fnp
>>> fnp.greater(fnp.array([1, 3]), 2)
array([False,  True])""",
    "greater_equal": """>>> import fungrad.numpy as fnp
>>> fnp.greater_equal(fnp.array([1, 2]), 2)
array([False,  True])""",
    "heaviside": """>>> import fungrad.numpy as fnp
>>> fnp.heaviside(fnp.array([-1.0, 0.0, 2.0]), 0.5)
array([0. , 0.5, 1. ])""",
    "hypot": """>>> import fungrad.numpy as fnp
>>> fnp.hypot(fnp.array([3.0]), fnp.array([4.0]))
array([5.])""",
    "i0": """>>> import fungrad.numpy as fnp
>>> fnp.i0(fnp.array([0.0]))
array([1.])""",
    "imag": """>>> import fungrad.numpy as fnp
>>> fnp.imag(fnp.array([1 + 2j, 3.0]))
array([2., 0.])""",
    "iscomplex": """Elementwise: True where the imaginary part is nonzero.

>>> import fungrad.numpy as fnp
>>> fnp.iscomplex(fnp.array([1 + 1j, 1 + 0j]))
array([ True, False])""",
    "isfinite": """>>> import fungrad.numpy as fnp
>>> fnp.isfinite(fnp.array([1.0, fnp.inf, fnp.nan]))
array([ True, False, False])""",
    "isinf": """Elementwise test for positive or negative infinity.

>>> import fungrad.numpy as fnp
>>> fnp.isinf(fnp.array([1.0, -fnp.inf, fnp.nan]))
array([False,  True, False])""",
    "isnan": """>>> import fungrad.numpy as fnp
>>> fnp.isnan(fnp.array([1.0, fnp.nan]))
array([False,  True])""",
    "isneginf": """Elementwise test for negative infinity.

>>> import fungrad.numpy as fnp
>>> fnp.isneginf(fnp.array([-fnp.inf, fnp.inf]))
array([ True, False])""",
    "isposinf": """Elementwise test for positive infinity.

>>> import fungrad.numpy as fnp
>>> fnp.isposinf(fnp.array([-fnp.inf, fnp.inf]))
array([False,  True])""",
    "isreal": """Elementwise: True where the imaginary part is zero.

>>> import fungrad.numpy as fnp
>>> fnp.isreal(fnp.array([1 + 1j, 1 + 0j]))
array([False,  True])""",
    "lcm": """Elementwise least common multiple of integers.

>>> import fungrad.numpy as fnp
>>> fnp.lcm(fnp.array([4, 6]), 10)
array([20, 30])""",
    "ldexp": """>>> import fungrad.numpy as fnp
>>> fnp.ldexp(fnp.array([1.0, 3.0]), fnp.array([3, 1]))
array([8., 6.])""",
    "less": """>>> import fungrad.numpy as fnp
>>> fnp.less(fnp.array([1, 3]), 2)
array([ True, False])""",
    "less_equal": """>>> import fungrad.numpy as fnp
>>> fnp.less_equal(fnp.array([1, 2]), 2)
array([ True,  True])""",
    "log": """>>> import fungrad.numpy as fnp
>>> fnp.log(fnp.array([1.0]))
array([0.])""",
    "log10": """>>> import fungrad.numpy as fnp
>>> fnp.log10(fnp.array([1.0, 100.0]))
array([0., 2.])""",
    "log1p": """>>> import fungrad.numpy as fnp
>>> fnp.log1p(fnp.array([0.0]))
array([0.])""",
    "log2": """>>> import fungrad.numpy as fnp
>>> fnp.log2(fnp.array([1.0, 8.0]))
array([0., 3.])""",
    "logaddexp": """>>> import fungrad.numpy as fnp
>>> fnp.logaddexp(fnp.array([0.0]), fnp.array([0.0])) == fnp.log(2.0)
array([ True])""",
    "logaddexp2": """>>> import fungrad.numpy as fnp
>>> fnp.logaddexp2(fnp.array([1.0]), fnp.array([1.0]))
array([2.])""",
    "logical_and": """Elementwise truth of x1 and x2.

>>> import fungrad.numpy as fnp
>>> fnp.logical_and(fnp.array([True, True]), fnp.array([True, False]))
array([ True, False])""",
    "logical_not": """Elementwise truth of not x.

>>> import fungrad.numpy as fnp
>>> fnp.logical_not(fnp.array([0, 2]))
array([ True, False])""",
    "logical_or": """Elementwise truth of x1 or x2.

>>> import fungrad.numpy as fnp
>>> fnp.logical_or(fnp.array([True, False]), fnp.array([False, False]))
array([ True, False])""",
    "logical_xor": """Elementwise truth of x1 xor x2.

>>> import fungrad.numpy as fnp
>>> fnp.logical_xor(fnp.array([True, True]), fnp.array([True, False]))
array([False,  True])""",
    "maximum": """>>> import fungrad.numpy as fnp
>>> fnp.maximum(fnp.array([1, 5]), fnp.array([3, 2]))
array([3, 5])""",
    "minimum": """>>> import fungrad.numpy as fnp
>>> fnp.minimum(fnp.array([1, 5]), fnp.array([3, 2]))
array([1, 2])""",
    "mod": """>>> import fungrad.numpy as fnp
>>> fnp.mod(fnp.array([7, -7]), 3)
array([1, 2])""",
    "modf": """>>> import fungrad.numpy as fnp
>>> fnp.modf(fnp.array([1.5, -2.25]))
(array([ 0.5 , -0.25]), array([ 1., -2.]))""",
    "multiply": """>>> import fungrad.numpy as fnp
>>> fnp.multiply(fnp.array([1, 2]), fnp.array([3, 4]))
array([3, 8])""",
    "nan_to_num": """>>> import fungrad.numpy as fnp
>>> fnp.nan_to_num(fnp.array([fnp.nan, 1.0]))
array([0., 1.])
>>> fnp.nan_to_num(fnp.array([fnp.inf]), posinf=9.0)
array([9.])""",
    "negative": """>>> import fungrad.numpy as fnp
>>> fnp.negative(fnp.array([1, -2]))
array([-1,  2])""",
    "nextafter": """The next float after x1 towards x2, elementwise.

>>> import fungrad.numpy as fnp
>>> fnp.nextafter(fnp.array([1.0]), 2.0) > 1.0
array([ True])""",
    "not_equal": """>>> import fungrad.numpy as fnp
>>> fnp.not_equal(fnp.array([1, 2]), fnp.array([1, 3]))
array([False,  True])""",
    "positive": """Elementwise +x (a copy).

>>> import fungrad.numpy as fnp
>>> fnp.positive(fnp.array([-1, 2]))
array([-1,  2])""",
    "power": """>>> import fungrad.numpy as fnp
>>> fnp.power(fnp.array([2, 3]), 2)
array([4, 9])
>>> fnp.power(fnp.array([4.0]), 0.5)
array([2.])""",
    "real": """>>> import fungrad.numpy as fnp
>>> fnp.real(fnp.array([1 + 2j, 3.0]))
array([1., 3.])""",
    "reciprocal": """Elementwise 1 / x.

>>> import fungrad.numpy as fnp
>>> fnp.reciprocal(fnp.array([2.0, 4.0]))
array([0.5 , 0.25])""",
    "rint": """>>> import fungrad.numpy as fnp
>>> fnp.rint(fnp.array([0.5, 1.5, 2.7]))
array([0., 2., 3.])""",
    "sign": """>>> import fungrad.numpy as fnp
>>> fnp.sign(fnp.array([-2.0, 0.0, 3.0]))
array([-1.,  0.,  1.])""",
    "signbit": """Elementwise: True where the sign bit is set (also for -0.0).

>>> import fungrad.numpy as fnp
>>> fnp.signbit(fnp.array([-1.0, 0.0, -0.0]))
array([ True, False,  True])""",
    "sin": """>>> import fungrad.numpy as fnp
>>> fnp.sin(fnp.array([0.0, fnp.pi / 2]))
array([0., 1.])""",
    "sinc": """>>> import fungrad.numpy as fnp
>>> fnp.sinc(fnp.array([0.0, 1.0])) == fnp.array([1.0, 0.0])
array([ True, False])""",
    "sinh": """>>> import fungrad.numpy as fnp
>>> fnp.sinh(fnp.array([0.0]))
array([0.])""",
    "spacing": """>>> import fungrad.numpy as fnp
>>> fnp.spacing(fnp.array([1.0])) == fnp.finfo(fnp.float64).eps
array([ True])""",
    "sqrt": """>>> import fungrad.numpy as fnp
>>> fnp.sqrt(fnp.array([4.0, 9.0]))
array([2., 3.])""",
    "square": """Elementwise x * x.

>>> import fungrad.numpy as fnp
>>> fnp.square(fnp.array([2, -3]))
array([4, 9])""",
    "subtract": """>>> import fungrad.numpy as fnp
>>> fnp.subtract(fnp.array([5, 6]), 1)
array([4, 5])""",
    "tan": """>>> import fungrad.numpy as fnp
>>> fnp.tan(fnp.array([0.0]))
array([0.])""",
    "tanh": """>>> import fungrad.numpy as fnp
>>> fnp.tanh(fnp.array([0.0]))
array([0.])""",
    "where": """>>> import fungrad.numpy as fnp
>>> x = fnp.array([1, -2, 3])
>>> fnp.where(x > 0, x, 0)
array([1, 0, 3])
>>> fnp.where(x > 0)
(array([0, 2]),)""",
}
_add_examples(_EXAMPLES, globals().__getitem__)


from fungrad._api.custom import custom_jvp as _custom_jvp  # noqa: E402


@_custom_jvp
def _logaddexp(x, y):
    return _logaddexp_value(x, y)


@_logaddexp.defjvp
def _logaddexp_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    out = _logaddexp(x, y)
    # d out / d x = exp(x - out) = logistic(x - y), accurate where out rounds to max(x, y); 1/2
    # each where x and y are the same infinity (the limit along x == y)
    same_inf, d = _same_inf_and_difference(x, y)
    half = np.asarray(0.5, get_aval(x).dtype)
    wx = where(same_inf, half, lax.logistic(d))
    wy = where(same_inf, half, lax.logistic(negative(d)))
    return out, add(multiply(tx, wx), multiply(ty, wy))
