"""Operand preparation for the numpy front end: array conversion and dtype promotion (NEP 50).

Python scalars are weakly typed: `x_f32 * 2.0` stays float32.

Imports: _core, lax.
"""
import numpy as np

from fungrad._core.dtypes import is_float, result_dtype
from fungrad._core.trace import Tracer, get_aval
from fungrad import _lax as lax

_PY_SCALARS = (bool, int, float, complex)


def asarray(x):
    """A tracer or an ndarray; lists, tuples and numpy scalars become ndarrays."""
    if isinstance(x, (Tracer, np.ndarray)):
        return x
    return np.asarray(x)


def _dtype_key(x):
    if type(x) in _PY_SCALARS:
        return type(x)
    aval = get_aval(x)
    if aval.weak_type:
        return {"b": bool, "i": int, "u": int, "f": float, "c": complex}[aval.dtype.kind]
    return aval.dtype


def cast(x, dtype):
    """`x` as an array (or tracer) of `dtype`."""
    if type(x) in _PY_SCALARS or isinstance(x, np.generic):
        return np.asarray(x, dtype)
    if isinstance(x, Tracer):
        return lax.convert_element_type(x, dtype)
    x = np.asarray(x)
    return x if x.dtype == dtype else x.astype(dtype)


def promote(*args):
    """Operands converted to their common numpy result dtype."""
    args = [a if type(a) in _PY_SCALARS or isinstance(a, Tracer) else np.asarray(a) for a in args]
    dtype = result_dtype(*[_dtype_key(a) for a in args])
    return [cast(a, dtype) for a in args]


def promote_inexact(*args):
    """Like promote, then integers and booleans become float64 (numpy's rule for sin, divide...)."""
    args = promote(*args)
    dtype = get_aval(args[0]).dtype
    if not is_float(dtype):
        args = [cast(a, np.float64) for a in args]
    return args
