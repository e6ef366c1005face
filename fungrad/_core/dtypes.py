"""Dtype helpers: short names for printing, float0 for the tangents of integer values, promotion.

Imports: nothing from fungrad.
"""
import numpy as np

# The tangent dtype of integer and boolean values: a zero-size "no tangent" type, as in JAX.
float0 = np.dtype([("float0", np.void, 0)])

_SHORT = {
    "float64": "f64", "float32": "f32", "float16": "f16",
    "int64": "i64", "int32": "i32", "int16": "i16", "int8": "i8",
    "uint64": "u64", "uint32": "u32", "uint16": "u16", "uint8": "u8",
    "bool": "bool", "complex128": "c128", "complex64": "c64",
}


def short_name(dtype) -> str:
    """`f64` for float64 and so on; the notation of IR listings and error messages."""
    if dtype == float0:
        return "float0"
    return _SHORT.get(np.dtype(dtype).name, np.dtype(dtype).name)


def is_float(dtype) -> bool:
    """True for real and complex floating dtypes: the ones that carry tangents."""
    try:
        return _is_float[dtype]
    except (KeyError, TypeError):  # TypeError: an unhashable dtype-like (answered, not kept)
        r = dtype != float0 and np.issubdtype(dtype, np.inexact)
        if isinstance(dtype, np.dtype) and len(_is_float) < 256:
            _is_float[dtype] = r
        return r


_is_float = {}  # dtype -> is_float(dtype), for the dtypes met (np.issubdtype costs ~1 us)


def tangent_dtype(dtype):
    """The dtype of a tangent of a value of `dtype`: itself if floating, else float0."""
    return dtype if is_float(dtype) else float0


# Python scalars are weakly typed: they take the dtype of the array they meet (NEP 50).
_WEAK_STANDIN = {bool: False, int: 0, float: 0.0, complex: 0j}


def python_scalar_dtype(x):
    """The dtype numpy gives a lone Python scalar."""
    if isinstance(x, bool):
        return np.dtype(np.bool_)
    if isinstance(x, int):
        return np.dtype(np.int64)
    if isinstance(x, float):
        return np.dtype(np.float64)
    return np.dtype(np.complex128)


def result_dtype(*dtypes_or_weak):
    """numpy's promotion (NEP 50); entries that are Python types (float, int) count as weak scalars."""
    args = [_WEAK_STANDIN[d] if d in _WEAK_STANDIN else d for d in dtypes_or_weak]
    return np.result_type(*args)
