"""Argument checks for fungrad.lax's public functions: static integers, integer sequences,
shapes and axes, each raising an error that names the function, the argument, what was given
(arrays written like `f64[3,4]`) and what is allowed.

Imports: _core.
"""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from fungrad._core.errors import AxisError, FungradError, ShapeError
from fungrad._core.trace import Tracer, get_aval

# values that are never operands (np.result_type would read a dict or a string as a dtype)
NOT_OPERANDS = (dict, str, bytes, type, np.dtype, set, frozenset, type(None))


def _who(fn: str) -> str:
    """The function's name as messages show it: `lax.reshape` for a bare lax name; a dotted name
    (`numpy.pad`, `numpy.fft.fftfreq`: the numpy front end's callers) as given."""
    return fn if "." in fn else f"lax.{fn}"


def describe(v: Any) -> str:
    """`f64[3,4]` for an array or tracer, else the type and a short repr."""
    if isinstance(v, (Tracer, np.ndarray, np.generic)):
        return get_aval(v).str_short()
    text = repr(v)
    return f"{type(v).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def operand(x: Any, fn: str, arg: str = "operand") -> Any:
    """`x` unchanged, unless it can be no array of numbers (None, a string, a dict, a type)."""
    if isinstance(x, NOT_OPERANDS):
        raise TypeError(f"{_who(fn)}: {arg} must be an array of numbers or booleans (or a Python "
                        f"number), got {describe(x)}. Fix: pass a numpy array or a scalar.")
    if isinstance(x, int) and not -2 ** 63 <= x < 2 ** 64:
        raise TypeError(f"{_who(fn)}: {arg} = {x} is too large for int64 (and uint64). Fix: pass "
                        "a float, or an array of an explicit dtype.")
    return x


def dtype(v: Any, arg: str, fn: str) -> np.dtype:
    """`v` as a numpy dtype."""
    try:
        if isinstance(v, (dict, list, tuple)) or v is None:
            raise TypeError
        return np.dtype(v)
    except TypeError:
        raise TypeError(f"{_who(fn)}: {arg} must be a dtype (np.float32, 'int32', ...), got "
                        f"{describe(v)}") from None


def static_int(v: Any, arg: str, fn: str) -> int:
    """`v` as a Python int (an int, a numpy integer or an integer 0-d array)."""
    try:
        return operator.index(v)
    except FungradError:
        raise  # a tracer where a static value is needed: its own ConcretizationError
    except TypeError:
        raise TypeError(f"{_who(fn)}: {arg} must be an integer, got {describe(v)}. Fix: pass a "
                        "Python int.") from None


def static_ints(v: Any, arg: str, fn: str, *, allow_int: bool = False) -> tuple[int, ...]:
    """`v` (a sequence of integers; with allow_int a single integer too) as a tuple of ints."""
    if type(v) is tuple and all(type(d) is int for d in v):  # the common case, kept lean
        return v
    if allow_int and not isinstance(v, (bool, np.bool_)):
        try:
            return (operator.index(v),)
        except TypeError:
            pass
    try:
        if isinstance(v, (str, bytes, dict, Tracer)) or not hasattr(v, "__iter__") or (
                isinstance(v, np.ndarray) and v.ndim != 1):
            raise TypeError
        return tuple(operator.index(d) for d in v)
    except FungradError:
        raise
    except (TypeError, ValueError):
        raise TypeError(f"{_who(fn)}: {arg} must be a sequence of integers, got {describe(v)}. "
                        "Fix: pass a tuple of Python ints such as (3, 4).") from None


def shape(v: Any, arg: str, fn: str, *, allow_int: bool = False) -> tuple[int, ...]:
    """`v` as a shape: a tuple of non-negative ints."""
    dims = static_ints(v, arg, fn, allow_int=allow_int)
    if any(d < 0 for d in dims):
        raise ShapeError(f"{_who(fn)}: {arg} {dims} has a negative size; every dimension must be "
                         ">= 0.")
    return dims


def axis(v: Any, ndim: int, arg: str, fn: str) -> int:
    """`v` as an axis of an array of rank `ndim`, in [0, ndim) (negative values count from the
    end; a 0-d array takes axis 0 or -1, as a rank-1 one)."""
    a = static_int(v, arg, fn)
    if not -ndim <= a < max(ndim, 1):
        raise AxisError(f"{_who(fn)}: {arg} {a} is out of range for an array of rank {ndim}; "
                        f"allowed: {-ndim} to {max(ndim - 1, 0)}.")
    return a % ndim if ndim else 0


def pairs(v: Any, n: int | None, arg: str, fn: str) -> list[tuple[int, int]]:
    """`v` as a list of (low, high) integer pairs (`n` of them where given)."""
    try:
        if isinstance(v, (str, bytes, dict)):
            raise TypeError
        out = [tuple(static_ints(p, arg, fn)) for p in v]
        if any(len(p) != 2 for p in out):
            raise TypeError
    except TypeError:
        raise TypeError(f"{_who(fn)}: {arg} must be a sequence of (low, high) integer pairs, got "
                        f"{describe(v)}. Fix: pass e.g. [(1, 1), (0, 2)].") from None
    if n is not None and len(out) != n:
        raise ShapeError(f"{_who(fn)}: {arg} has {len(out)} (low, high) pairs, expected {n} (one "
                         "per spatial axis).")
    return out  # type: ignore[return-value]
