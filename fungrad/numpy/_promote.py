"""Operand preparation for the numpy front end: array conversion and dtype promotion (NEP 50).

Python scalars are weakly typed: `x_f32 * 2.0` stays float32.

Imports: _core, _interp.jvp (DualTracer), lax.
"""
from __future__ import annotations
import numpy as np

from fungrad._core.array import Array
from fungrad._core.cache import lru_cache_table
from fungrad._core.dtypes import is_float, result_dtype
from fungrad._core.trace import Tracer, get_aval
from fungrad._interp.jvp import DualTracer
from fungrad import _lax as lax

__all__ = ["FLOAT_KEYS", "array_only", "asarray", "cast", "common_dtype", "fast_key", "numeric_array",
           "promote", "promote_inexact"]
from typing import Any

_PY_SCALARS = (bool, int, float, complex)


_NOT_NUMERIC = frozenset("OUSVMm")  # object, strings, void, datetimes: numpy kinds fungrad rejects


def numeric_array(x):
    """np.asarray(x), refusing what is not an array of numbers or booleans (None, strings,
    arbitrary objects), as JAX does; numpy would make an object or string array of it."""
    return check_numeric(np.asarray(x), x)


def check_numeric(a, x):
    """`a` (numpy's conversion of `x`) if it holds numbers or booleans, else numeric_array's
    TypeError naming `x`."""
    if a.dtype.kind in _NOT_NUMERIC:
        if type(x) is int:
            raise TypeError(f"fungrad.numpy: the Python int {x} is too large for int64 (and "
                            "uint64). Fix: pass a float, or a value within the integer range.")
        shown = repr(x) if len(repr(x)) <= 40 else repr(x)[:37] + "..."
        raise TypeError(
            f"fungrad.numpy: {shown} (of type {type(x).__name__}) is not a numeric value; it "
            f"would become a numpy {a.dtype.name} array. fungrad takes numbers, booleans and "
            "arrays (or nested lists) of them, as JAX does. Fix: pass a number or an array.")
    return a


def array_only(x, fn, arg):
    """`x` unchanged where it is an array (or a number); a list or a tuple raises, for the
    functions numpy (and JAX) define on arrays only (numpy fails inside on a sequence)."""
    if isinstance(x, (list, tuple)):
        shown = repr(x) if len(repr(x)) <= 40 else repr(x)[:37] + "..."
        raise TypeError(f"{fn}: {arg} must be an array, got {type(x).__name__} {shown}. Fix: "
                        "pass fungrad.numpy.asarray(...) of it.")
    return x


def asarray(x):
    """A tracer or an ndarray; lists, tuples and numpy scalars become ndarrays, and (nested)
    lists or tuples holding traced values are stacked into one traced array."""
    if isinstance(x, (Tracer, np.ndarray)):
        return x
    if isinstance(x, (list, tuple)) and _holds_tracer(x):
        return _stack_nested(x)
    return numeric_array(x)


def _holds_tracer(obj):
    for item in obj:
        if isinstance(item, Tracer) or (isinstance(item, (list, tuple)) and _holds_tracer(item)):
            return True
    return False


def _stack_nested(obj):
    """A nested list/tuple of arrays, tracers and scalars as one array (numpy's np.array rules:
    every entry of one level has the same shape; dtypes promote)."""
    items = [_stack_nested(o) if isinstance(o, (list, tuple)) else
             o if type(o) in _PY_SCALARS or isinstance(o, (Tracer, np.ndarray)) else np.asarray(o)
             for o in obj]
    if not items:
        return np.zeros((0,))
    items = promote(*items) if len(items) > 1 else items
    shapes = {get_aval(i).shape for i in items}
    if len(shapes) != 1:
        raise ValueError("setting an array element with a sequence. The requested array has an "
                         f"inhomogeneous shape: entries of shapes {sorted(shapes)}")
    shape, = shapes
    items = [lax.reshape(i if type(i) not in _PY_SCALARS else np.asarray(i), (1, *shape))
             for i in items]
    return items[0] if len(items) == 1 else lax.concatenate(items, 0)


_WEAK_KIND = {"b": bool, "i": int, "u": int, "f": float, "c": complex}
_results = lru_cache_table("promotion", 10_000)
_result_cache = _results.fast


def _dtype_key(x):
    """The promotion key of an operand: its dtype, or a Python type for weakly typed values."""
    t = type(x)
    if t in _PY_SCALARS:
        return t
    aval = x.aval if isinstance(x, Tracer) else get_aval(x)
    return _WEAK_KIND[aval.dtype.kind] if aval.weak_type else aval.dtype


def common_dtype(*keys):
    try:
        return _result_cache[keys]
    except KeyError:
        dtype = np.dtype(result_dtype(*keys))
        _results[keys] = dtype
        return dtype


def cast(x: Any, dtype: Any) -> Any:
    """`x` as an array (or tracer) of `dtype`. Python scalars become numpy scalars (inlined as
    literals when traced)."""
    t = type(x)
    if t in _PY_SCALARS:
        return dtype.type(x)
    if isinstance(x, Tracer):
        return lax.convert_element_type(x, dtype)
    if t is not np.ndarray and t is not Array:
        x = numeric_array(x)
    return x if x.dtype == dtype else x.astype(dtype)


def fast_key(x):
    """The promotion key without conversion, or None when `x` needs converting first."""
    t = type(x)
    if t in _PY_SCALARS:
        return t
    if t is np.ndarray or t is Array:
        return x.dtype
    if isinstance(x, Tracer):
        if isinstance(x, DualTracer):  # a concrete primal: its own key (the tracer's aval is its)
            p = x.primal
            if type(p) is Array or type(p) is np.ndarray:
                return p.dtype
        aval = x.aval
        return _WEAK_KIND[aval.dtype.kind] if aval.weak_type else aval.dtype
    return None


FLOAT_KEYS = frozenset([float, complex, np.dtype(np.float64), np.dtype(np.float32),
                        np.dtype(np.float16), np.dtype(np.complex128), np.dtype(np.complex64)])


def promote(*args):
    """Operands converted to their common numpy result dtype."""
    if len(args) == 2:  # the hot path: binary operators on arrays, tracers and scalars
        x, y = args
        kx, ky = fast_key(x), fast_key(y)
        if kx is not None and ky is not None:
            if kx is ky:
                return args
            dtype = _result_cache.get((kx, ky)) or common_dtype(kx, ky)
            return (x if kx is dtype else cast(x, dtype)), (y if ky is dtype else cast(y, dtype))
    args = [a if type(a) in _PY_SCALARS or isinstance(a, (Tracer, np.ndarray)) else asarray(a)
            for a in args]
    keys = tuple(_dtype_key(a) for a in args)
    dtype = common_dtype(*keys)
    return [a if k is dtype else cast(a, dtype) for a, k in zip(args, keys)]


def promote_inexact(*args, small_float=False):
    """Like promote, then integers and booleans become float64 (numpy's rule for divide, mean,
    linalg...); with `small_float`, numpy's rule for its float ufuncs (sin, sqrt, arctan2...):
    bool and 8-bit integers become float16, 16-bit integers float32."""
    if len(args) == 2:  # the hot path (divide, arctan2...), as in promote
        x, y = args
        kx, ky = fast_key(x), fast_key(y)
        if kx is not None and ky is not None:
            dtype = _result_cache.get((kx, ky)) or common_dtype(kx, ky)
            if not is_float(dtype):
                dtype = inexact_dtype(dtype) if small_float else _F64
            return [x if kx is dtype else cast(x, dtype), y if ky is dtype else cast(y, dtype)]
    args = [a if type(a) in _PY_SCALARS or isinstance(a, (Tracer, np.ndarray)) else asarray(a)
            for a in args]
    keys = tuple(_dtype_key(a) for a in args)
    dtype = common_dtype(*keys)
    if not is_float(dtype):
        dtype = inexact_dtype(dtype) if small_float else _F64
    return [a if k is dtype else cast(a, dtype) for a, k in zip(args, keys)]


def inexact_dtype(dtype):
    """numpy's float type for an integer or boolean dtype (sin, sqrt, divide...): float16 for
    bool, int8 and uint8, float32 for int16 and uint16, float64 otherwise."""
    return _INEXACT_OF.get(dtype.char if isinstance(dtype, np.dtype) else None, _F64)


_F64 = np.dtype(np.float64)
_INEXACT_OF = {np.dtype(t).char: np.result_type(t, np.float16) for t in (
    np.bool_, np.int8, np.uint8, np.int16, np.uint16)}
