"""Primitive records of fungrad._lax.bits (bitcast_convert_type, reduce_precision) and
fungrad._lax.names (checkpoint_name's name_p), collected into tests/prim_records.py's table.

reduce_precision is exercised at 40 mantissa bits on float64, where its rounding (2^-40 relative)
is far below the finite-difference tolerance; its JVP rounds the tangent the same way (JAX's
convention). bitcast's references are numpy views written out independently of the impl.
"""
import numpy as np
from prim_records import REAL, UNARY_SHAPES, Rec, ints

from fungrad._lax.bits import (
    bitcast_convert_type, bitcast_convert_type_p, reduce_precision, reduce_precision_p)
from fungrad._lax.names import checkpoint_name, name_p


def _view_same(x):
    return np.array(x, order="C").reshape(-1).view(np.int64).reshape(np.shape(x))


def _view_split(x):
    x = np.array(x, order="C")
    return x.reshape(x.shape + (1,)).view(np.int32)


def _view_join(x):
    x = np.array(x, order="C")
    return x.view(np.float64).reshape(x.shape[:-1])


def _round_mantissa(x, bits=40):
    """Round-half-even of the float64 mantissa to `bits` bits, by frexp / ldexp."""
    m, e = np.frexp(x)
    scale = 2.0 ** (bits + 1)
    return np.ldexp(np.round(m * scale) / scale, e)


RECORDS = [
    Rec(bitcast_convert_type_p, lambda x: bitcast_convert_type(x, np.int64), UNARY_SHAPES,
        (REAL,), _view_same, "nondiff", "bitcast_convert_type-f64-i64"),
    Rec(bitcast_convert_type_p, lambda x: bitcast_convert_type(x, np.int32), UNARY_SHAPES,
        (REAL,), _view_split, "nondiff", "bitcast_convert_type-f64-i32x2"),
    Rec(bitcast_convert_type_p, lambda x: bitcast_convert_type(x, np.float64),
        [((2,),), ((3, 2),)], (ints(0, 2 ** 20, np.int32),), _view_join, "nondiff",
        "bitcast_convert_type-i32x2-f64"),
    Rec(reduce_precision_p, lambda x: reduce_precision(x, 11, 40), UNARY_SHAPES, (REAL,),
        _round_mantissa, name="reduce_precision-m40"),
    Rec(name_p, lambda x: checkpoint_name(x, "h"), UNARY_SHAPES, (REAL,), lambda x: x,
        name="name-checkpoint_name"),
]
