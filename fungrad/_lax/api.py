"""fungrad.lax's primitive operations as typed, documented functions: the public face of the
bind-method wrappers beside it (which fungrad's own rules and fungrad.numpy call directly, with
no extra call layer). Each checks what it is given (no None, strings, dicts or types as operands;
integers, shapes and axes where they are static) and binds its primitive.

Imports: _core, _lax.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.trace import Tracer, get_aval
from fungrad._core.typing import Array, ArrayLike, DTypeLike, Shape
from fungrad._lax import _args as _A
from fungrad._lax import arith as _ar
from fungrad._lax import indexing as _ix
from fungrad._lax import math as _m
from fungrad._lax import reductions as _red
from fungrad._lax import shape as _sh
from fungrad._lax import special as _sp
from fungrad._lax import ufuncs as _uf
from fungrad._lax.special_erf import erf as _erf

# operand classes that need no check (anything else goes through _A.operand)
_FAST = frozenset({np.ndarray, float, bool, complex, np.float64, np.float32, np.int64,
                   np.int32, np.bool_, np.complex128})


def _ok(x: Any, fn: str, arg: str = "x") -> None:
    if x.__class__ not in _FAST and not isinstance(x, Tracer):
        _A.operand(x, fn, arg)


def _real(x: Any, fn: str) -> None:
    dt = get_aval(x).dtype
    if dt.kind == "c":
        raise DtypeError(f"lax.{fn} takes real operands, got {get_aval(x).str_short()}. Fix: "
                         "apply it to lax.real(x) and lax.imag(x).")


# ---------------------------------------------------------------- elementwise, one operand
def abs(x: ArrayLike) -> Array:
    """Elementwise |x| (of complex numbers: their modulus, real)."""
    _ok(x, 'abs')
    return _m.abs(x)


def acos(x: ArrayLike) -> Array:
    """Elementwise arc cosine."""
    _ok(x, 'acos')
    return _m.acos(x)


def acosh(x: ArrayLike) -> Array:
    """Elementwise inverse hyperbolic cosine."""
    _ok(x, 'acosh')
    return _m.acosh(x)


def asin(x: ArrayLike) -> Array:
    """Elementwise arc sine."""
    _ok(x, 'asin')
    return _m.asin(x)


def asinh(x: ArrayLike) -> Array:
    """Elementwise inverse hyperbolic sine."""
    _ok(x, 'asinh')
    return _m.asinh(x)


def atan(x: ArrayLike) -> Array:
    """Elementwise arc tangent."""
    _ok(x, 'atan')
    return _m.atan(x)


def atanh(x: ArrayLike) -> Array:
    """Elementwise inverse hyperbolic tangent."""
    _ok(x, 'atanh')
    return _m.atanh(x)


def bitwise_not(x: ArrayLike) -> Array:
    """Elementwise bitwise NOT of integers (logical NOT of booleans)."""
    _ok(x, 'bitwise_not')
    return _m.bitwise_not(x)


def ceil(x: ArrayLike) -> Array:
    """Elementwise ceiling (real operands)."""
    _ok(x, 'ceil')
    return _m.ceil(x)


def cos(x: ArrayLike) -> Array:
    """Elementwise cosine."""
    _ok(x, 'cos')
    return _m.cos(x)


def cosh(x: ArrayLike) -> Array:
    """Elementwise hyperbolic cosine."""
    _ok(x, 'cosh')
    return _m.cosh(x)


def exp(x: ArrayLike) -> Array:
    """Elementwise e**x."""
    _ok(x, 'exp')
    return _m.exp(x)


def expm1(x: ArrayLike) -> Array:
    """Elementwise e**x - 1, accurate near 0."""
    _ok(x, 'expm1')
    return _m.expm1(x)


def floor(x: ArrayLike) -> Array:
    """Elementwise floor (real operands)."""
    _ok(x, 'floor')
    return _m.floor(x)


def is_finite(x: ArrayLike) -> Array:
    """Elementwise: True where x is neither infinite nor NaN."""
    _ok(x, 'is_finite')
    return _m.is_finite(x)


def log(x: ArrayLike) -> Array:
    """Elementwise natural logarithm."""
    _ok(x, 'log')
    return _m.log(x)


def log1p(x: ArrayLike) -> Array:
    """Elementwise log(1 + x), accurate near 0."""
    _ok(x, 'log1p')
    return _m.log1p(x)


def logistic(x: ArrayLike) -> Array:
    """Elementwise 1 / (1 + e**-x), without overflow for large |x|."""
    _ok(x, 'logistic')
    return _m.logistic(x)


def neg(x: ArrayLike) -> Array:
    """Elementwise -x."""
    _ok(x, 'neg')
    return _ar.neg(x)


def sign(x: ArrayLike) -> Array:
    """Elementwise sign: -1, 0 or 1 (x / |x| for complex x)."""
    _ok(x, 'sign')
    if get_aval(x).dtype.kind == "b":
        raise DtypeError(f"lax.sign takes numeric operands, got {get_aval(x).str_short()}. "
                         "Fix: convert booleans with lax.convert_element_type(x, int).")
    return _m.sign(x)


def sin(x: ArrayLike) -> Array:
    """Elementwise sine."""
    _ok(x, 'sin')
    return _m.sin(x)


def sinh(x: ArrayLike) -> Array:
    """Elementwise hyperbolic sine."""
    _ok(x, 'sinh')
    return _m.sinh(x)


def sqrt(x: ArrayLike) -> Array:
    """Elementwise square root."""
    _ok(x, 'sqrt')
    return _m.sqrt(x)


def tan(x: ArrayLike) -> Array:
    """Elementwise tangent."""
    _ok(x, 'tan')
    return _m.tan(x)


def tanh(x: ArrayLike) -> Array:
    """Elementwise hyperbolic tangent."""
    _ok(x, 'tanh')
    return _m.tanh(x)


def erf(x: ArrayLike) -> Array:
    """Elementwise error function."""
    _ok(x, 'erf')
    _real(x, 'erf')
    return _erf(x)


def exp2(x: ArrayLike) -> Array:
    """Elementwise 2**x."""
    _ok(x, 'exp2')
    return _uf.exp2(x)


def cbrt(x: ArrayLike) -> Array:
    """Elementwise cube root (real operands)."""
    _ok(x, 'cbrt')
    _real(x, 'cbrt')
    return _uf.cbrt(x)


def erf_inv(x: ArrayLike) -> Array:
    """Elementwise inverse error function."""
    _ok(x, 'erf_inv')
    _real(x, 'erf_inv')
    return _sp.erfinv(x)


def erfc(x: ArrayLike) -> Array:
    """Elementwise complementary error function 1 - erf(x)."""
    _ok(x, 'erfc')
    _real(x, 'erfc')
    return _sp.erfc(x)


def lgamma(x: ArrayLike) -> Array:
    """Elementwise log |Gamma(x)|."""
    _ok(x, 'lgamma')
    _real(x, 'lgamma')
    return _sp.gammaln(x)


def digamma(x: ArrayLike) -> Array:
    """Elementwise digamma function, the derivative of lgamma."""
    _ok(x, 'digamma')
    _real(x, 'digamma')
    return _sp.digamma(x)


def bessel_i0e(x: ArrayLike) -> Array:
    """Elementwise exponentially scaled modified Bessel function of order 0, exp(-|x|) I0(x)."""
    _ok(x, 'bessel_i0e')
    _real(x, 'bessel_i0e')
    return _sp.i0e(x)


def bessel_i1e(x: ArrayLike) -> Array:
    """Elementwise exponentially scaled modified Bessel function of order 1, exp(-|x|) I1(x)."""
    _ok(x, 'bessel_i1e')
    _real(x, 'bessel_i1e')
    return _sp.i1e(x)


# ---------------------------------------------------------------- elementwise, two operands
def add(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x + y (operands of one dtype; a Python scalar takes the other's)."""
    _ok(x, 'add', 'x')
    _ok(y, 'add', 'y')
    return _ar.add(x, y)


def sub(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x - y."""
    _ok(x, 'sub', 'x')
    _ok(y, 'sub', 'y')
    return _ar.sub(x, y)


def mul(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x * y."""
    _ok(x, 'mul', 'x')
    _ok(y, 'mul', 'y')
    return _ar.mul(x, y)


def div(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x / y (integers: rounded toward zero, as XLA)."""
    _ok(x, 'div', 'x')
    _ok(y, 'div', 'y')
    return _ar.div(x, y)


def rem(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise remainder of x / y with the sign of x (C's fmod)."""
    _ok(x, 'rem', 'x')
    _ok(y, 'rem', 'y')
    return _m.rem(x, y)


def pow(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x ** y."""
    _ok(x, 'pow', 'x')
    _ok(y, 'pow', 'y')
    return _m.pow(x, y)


def max(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise maximum (ties share the derivative equally)."""
    _ok(x, 'max', 'x')
    _ok(y, 'max', 'y')
    return _m.max(x, y)


def min(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise minimum (ties share the derivative equally)."""
    _ok(x, 'min', 'x')
    _ok(y, 'min', 'y')
    return _m.min(x, y)


def atan2(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise arc tangent of x / y, in the quadrant of (y, x)."""
    _ok(x, 'atan2', 'x')
    _ok(y, 'atan2', 'y')
    return _m.atan2(x, y)


def eq(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x == y."""
    _ok(x, 'eq', 'x')
    _ok(y, 'eq', 'y')
    return _m.eq(x, y)


def ne(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x != y."""
    _ok(x, 'ne', 'x')
    _ok(y, 'ne', 'y')
    return _m.ne(x, y)


def lt(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x < y."""
    _ok(x, 'lt', 'x')
    _ok(y, 'lt', 'y')
    return _m.lt(x, y)


def le(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x <= y."""
    _ok(x, 'le', 'x')
    _ok(y, 'le', 'y')
    return _m.le(x, y)


def gt(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x > y."""
    _ok(x, 'gt', 'x')
    _ok(y, 'gt', 'y')
    return _m.gt(x, y)


def ge(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x >= y."""
    _ok(x, 'ge', 'x')
    _ok(y, 'ge', 'y')
    return _m.ge(x, y)


def bitwise_and(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise bitwise AND of integers or booleans."""
    _ok(x, 'bitwise_and', 'x')
    _ok(y, 'bitwise_and', 'y')
    return _m.bitwise_and(x, y)


def bitwise_or(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise bitwise OR of integers or booleans."""
    _ok(x, 'bitwise_or', 'x')
    _ok(y, 'bitwise_or', 'y')
    return _m.bitwise_or(x, y)


def bitwise_xor(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise bitwise XOR of integers or booleans."""
    _ok(x, 'bitwise_xor', 'x')
    _ok(y, 'bitwise_xor', 'y')
    return _m.bitwise_xor(x, y)


def nextafter(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise the next floating-point value after x toward y."""
    _ok(x, 'nextafter', 'x')
    _ok(y, 'nextafter', 'y')
    _real(x, 'nextafter')
    _real(y, 'nextafter')
    return _uf.nextafter(x, y)


def igamma(a: ArrayLike, x: ArrayLike) -> Array:
    """Elementwise regularized lower incomplete gamma function P(a, x)."""
    _ok(a, 'igamma', 'a')
    _ok(x, 'igamma', 'x')
    _real(a, 'igamma')
    _real(x, 'igamma')
    return _sp.gammainc(a, x)


def igammac(a: ArrayLike, x: ArrayLike) -> Array:
    """Elementwise regularized upper incomplete gamma function Q(a, x)."""
    _ok(a, 'igammac', 'a')
    _ok(x, 'igammac', 'x')
    _real(a, 'igammac')
    _real(x, 'igammac')
    return _sp.gammaincc(a, x)


def polygamma(m: ArrayLike, x: ArrayLike) -> Array:
    """Elementwise polygamma function of order m at x."""
    _ok(m, 'polygamma', 'm')
    _ok(x, 'polygamma', 'x')
    _real(m, 'polygamma')
    _real(x, 'polygamma')
    return _sp.polygamma(m, x)


def zeta(x: ArrayLike, q: ArrayLike) -> Array:
    """Elementwise Hurwitz zeta function zeta(x, q)."""
    _ok(x, 'zeta', 'x')
    _ok(q, 'zeta', 'q')
    _real(x, 'zeta')
    _real(q, 'zeta')
    return _sp.zeta(x, q)


# ---------------------------------------------------------------- the others
def select(pred: ArrayLike, on_true: ArrayLike, on_false: ArrayLike) -> Array:
    """Elementwise on_true where pred, else on_false (pred boolean; the cases of one dtype)."""
    _ok(pred, "select", "pred")
    _ok(on_true, "select", "on_true")
    _ok(on_false, "select", "on_false")
    return _ar.select(pred, on_true, on_false)


def integer_pow(x: ArrayLike, y: int) -> Array:
    """Elementwise x ** y for a static integer exponent y."""
    _ok(x, "integer_pow")
    return _m.integer_pow(x, y)


def convert_element_type(operand: ArrayLike, new_dtype: DTypeLike) -> Array:
    """`operand` converted to `new_dtype` (its derivative flows only between float dtypes)."""
    _ok(operand, "convert_element_type", "operand")
    return _ar.convert_element_type(operand, _A.dtype(new_dtype, "new_dtype",
                                                      "convert_element_type"))


def stop_gradient(x: Any) -> Any:
    """x with a zero derivative at every order; x may be a pytree (each leaf is stopped)."""
    return _ar.stop_gradient(x)


def broadcast_to(x: ArrayLike, shape: Shape) -> Array:
    """`x` broadcast to `shape` by numpy's rules."""
    _ok(x, "broadcast_to")
    return _sh.broadcast_to(x, _A.shape(shape, "shape", "broadcast_to", allow_int=True))


def reshape(operand: ArrayLike, new_sizes: Shape) -> Array:
    """`operand` with the same entries in row-major order and the shape `new_sizes`."""
    _ok(operand, "reshape", "operand")
    return _sh.reshape(operand, _A.shape(new_sizes, "new_sizes", "reshape"))


def transpose(operand: ArrayLike, permutation: Sequence[int]) -> Array:
    """`operand` with its axes permuted: output axis i is input axis permutation[i]."""
    _ok(operand, "transpose", "operand")
    return _sh.transpose(operand, _A.static_ints(permutation, "permutation", "transpose"))


def _axes(operand: Any, axes: Any, fn: str) -> tuple[int, ...]:
    nd = get_aval(operand).ndim
    if type(axes) is tuple and all(type(a) is int and -nd <= a < nd for a in axes):
        out = tuple(a % nd for a in axes)  # the common case, kept lean
    else:
        out = tuple(_A.axis(a, nd, "axes", fn) for a in _A.static_ints(axes, "axes", fn))
    if len(set(out)) != len(out):
        raise ShapeError(f"lax.{fn}: axes {tuple(axes)} name an axis twice")
    return out


def reduce_sum(operand: ArrayLike, axes: Sequence[int]) -> Array:
    """The sum of `operand` over `axes` (removed from the shape)."""
    _ok(operand, "reduce_sum", "operand")
    return _sh.reduce_sum(operand, _axes(operand, axes, "reduce_sum"))


def reduce_prod(operand: ArrayLike, axes: Sequence[int]) -> Array:
    """The product of `operand` over `axes` (removed from the shape)."""
    _ok(operand, "reduce_prod", "operand")
    return _red.reduce_prod(operand, _axes(operand, axes, "reduce_prod"))


def reduce_max(operand: ArrayLike, axes: Sequence[int]) -> Array:
    """The maximum of `operand` over `axes` (ties share the derivative equally)."""
    _ok(operand, "reduce_max", "operand")
    return _red.reduce_max(operand, _axes(operand, axes, "reduce_max"))


def reduce_min(operand: ArrayLike, axes: Sequence[int]) -> Array:
    """The minimum of `operand` over `axes` (ties share the derivative equally)."""
    _ok(operand, "reduce_min", "operand")
    return _red.reduce_min(operand, _axes(operand, axes, "reduce_min"))


def concatenate(operands: Sequence[ArrayLike], dimension: int) -> Array:
    """`operands` (of one rank and dtype) joined along axis `dimension`."""
    if isinstance(operands, (str, bytes, dict)) or not hasattr(operands, "__iter__"):
        raise TypeError(f"lax.concatenate: operands must be a sequence of arrays, got "
                        f"{_A.describe(operands)}. Fix: pass a list such as [x, y].")
    operands = list(operands)
    for x in operands:
        _ok(x, "concatenate", "operands")
    dimension = _A.static_int(dimension, "dimension", "concatenate")
    return _ix.concatenate(operands, dimension)


def getitem(x: ArrayLike, spec: Sequence[Any], arrays: Sequence[ArrayLike] = ()) -> Array:
    """x indexed by fungrad's index spec: per axis an int, ("slice", start, stop, step),
    "array" (the next of `arrays`), None (a new axis) or FULL (the whole axis)."""
    _ok(x, "getitem")
    if isinstance(spec, (str, bytes, dict)) or not hasattr(spec, "__iter__"):
        raise TypeError(f"lax.getitem: spec must be a tuple with one entry per indexed axis, got "
                        f"{_A.describe(spec)}")
    return _ix.getitem(x, tuple(spec), tuple(arrays))
