"""dtypes, scalar types and dtype functions of the numpy API: finfo, iinfo, result_type (NEP 50,
traced values and Python scalars taken as numpy takes them), promote_types, can_cast,
issubdtype, isdtype, and the abstract scalar classes.

Imports: _core.
"""
from __future__ import annotations

import builtins

from typing import Any

import numpy as np

from fungrad._core.typing import ArrayLike, DTypeLike
from fungrad._core.trace import Tracer, get_aval

__all__ = [
    "ComplexWarning", "bool", "bool_", "byte", "can_cast", "cdouble", "character", "clongdouble",
    "complex128", "complex64", "complex_", "complexfloating", "csingle", "double", "dtype", "e",
    "euler_gamma", "finfo", "flexible", "float16", "float32", "float64", "float_", "floating",
    "generic", "half", "iinfo", "inexact", "inf", "int16", "int32", "int64", "int8", "int_",
    "intc", "integer", "intp", "isdtype", "issubdtype", "longlong", "nan", "ndarray", "newaxis",
    "number", "object_", "pi", "promote_types", "result_type", "short", "signedinteger",
    "single", "ubyte", "uint", "uint16", "uint32", "uint64", "uint8", "uintc", "uintp",
    "ulonglong", "unsignedinteger", "ushort"]

float16, float32, float64 = np.float16, np.float32, np.float64
int8, int16, int32, int64 = np.int8, np.int16, np.int32, np.int64
uint8, uint16, uint32, uint64 = np.uint8, np.uint16, np.uint32, np.uint64
bool_, complex64, complex128 = np.bool_, np.complex64, np.complex128
bool = np.bool_  # numpy 2's np.bool
float_, complex_, int_, uint = np.float64, np.complex128, np.int64, np.uint64
half, single, double = np.float16, np.float32, np.float64
csingle, cdouble, clongdouble = np.complex64, np.complex128, np.clongdouble
byte, short, intc, longlong, intp = np.byte, np.short, np.intc, np.longlong, np.intp
ubyte, ushort, uintc, ulonglong, uintp = np.ubyte, np.ushort, np.uintc, np.ulonglong, np.uintp
generic, number, integer, signedinteger = np.generic, np.number, np.integer, np.signedinteger
unsignedinteger, inexact, floating, complexfloating = (
    np.unsignedinteger, np.inexact, np.floating, np.complexfloating)
flexible, character, object_ = np.flexible, np.character, np.object_
ndarray, dtype, newaxis = np.ndarray, np.dtype, None
pi, e, inf, nan, euler_gamma = np.pi, np.e, np.inf, np.nan, np.euler_gamma
ComplexWarning = np.exceptions.ComplexWarning


def _dtype_arg(x):
    """What numpy's dtype functions take for `x`: traced values by their dtype (weakly typed
    ones as the Python scalar type they came from), arrays and dtypes as they are."""
    if isinstance(x, Tracer):
        aval = get_aval(x)
        if aval.weak_type:
            return {"b": False, "i": 0, "u": 0, "f": 0.0, "c": 0j}[aval.dtype.kind]
        return aval.dtype
    return x


def finfo(dtype: DTypeLike) -> np.finfo[Any]:
    """Machine limits of a float dtype (or of an array's / traced value's dtype).

    >>> import fungrad.numpy as fnp
    >>> fnp.finfo(fnp.float32).eps
    np.float32(1.1920929e-07)
    >>> fnp.finfo(fnp.float32).bits
    32
    """
    if isinstance(dtype, Tracer):
        dtype = get_aval(dtype).dtype
    return np.finfo(dtype)


def iinfo(int_type: DTypeLike) -> np.iinfo[Any]:
    """Machine limits of an integer dtype (or of an array's, traced or not).

    >>> import fungrad.numpy as fnp
    >>> fnp.iinfo(fnp.int8).max
    127
    """
    if isinstance(int_type, Tracer):
        int_type = get_aval(int_type).dtype
    return np.iinfo(int_type)


def result_type(*arrays_and_dtypes: ArrayLike | DTypeLike) -> np.dtype[Any]:
    """numpy's result_type (NEP 50: Python scalars are weak), traced values included.

    >>> import fungrad.numpy as fnp
    >>> fnp.result_type(fnp.float32, 2.0)
    dtype('float32')
    >>> fnp.result_type(fnp.ones(2, fnp.int8), fnp.int32)
    dtype('int32')
    """
    return np.result_type(*[_dtype_arg(a) for a in arrays_and_dtypes])


def promote_types(type1: DTypeLike, type2: DTypeLike) -> np.dtype[Any]:
    """The dtype both promote to (numpy.promote_types).

    >>> import fungrad.numpy as fnp
    >>> fnp.promote_types(fnp.int32, fnp.float32)
    dtype('float64')
    """
    return np.promote_types(type1, type2)


def can_cast(from_: Any, to: DTypeLike, casting: str = "safe") -> builtins.bool:
    """numpy.can_cast, also for traced values (their dtype).

    >>> import fungrad.numpy as fnp
    >>> fnp.can_cast(fnp.int32, fnp.float64)
    True
    >>> fnp.can_cast(fnp.float64, fnp.int32)
    False
    """
    if isinstance(from_, Tracer):
        from_ = get_aval(from_).dtype
    # numpy checks `casting` at run time and raises its own ValueError
    return np.can_cast(from_, to, casting)  # type: ignore[arg-type]


def issubdtype(arg1: DTypeLike, arg2: DTypeLike) -> builtins.bool:
    """numpy.issubdtype.

    >>> import fungrad.numpy as fnp
    >>> fnp.issubdtype(fnp.float32, fnp.floating)
    True
    """
    return np.issubdtype(arg1, arg2)


def isdtype(dtype: DTypeLike, kind: Any) -> builtins.bool:
    """numpy.isdtype: whether a dtype is of a kind ('real floating', 'integral', ...).

    >>> import fungrad.numpy as fnp
    >>> fnp.isdtype(fnp.float32, 'real floating')
    True
    """
    return np.isdtype(np.dtype(dtype), kind)


# jax.numpy's machine-learning storage dtypes, from ml_dtypes where it is installed (it comes with
# jax). They are numpy dtypes for storage and casting; fungrad's transforms treat them as
# non-float values (no tangents), so compute in float32/float64.
_ML_DTYPES = ["bfloat16", "float4_e2m1fn", "float6_e2m3fn", "float6_e3m2fn", "float8_e3m4",
              "float8_e4m3", "float8_e4m3b11fnuz", "float8_e4m3fn", "float8_e4m3fnuz",
              "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "int1", "int2", "int4", "uint1",
              "uint2", "uint4"]
try:
    import ml_dtypes as _ml_dtypes
except ImportError:  # optional: without it these names are absent
    _ml_dtypes = None  # type: ignore[assignment]
else:
    for _n in _ML_DTYPES:
        if hasattr(_ml_dtypes, _n):
            globals()[_n] = getattr(_ml_dtypes, _n)
            __all__.append(_n)
    del _n
