"""Bit-level primitives of fungrad.lax: bitcast_convert_type and reduce_precision.

Primitives rather than compositions: a reinterpretation of the bits of an array (numpy's `view`)
has no expression in arithmetic primitives, and reduce_precision rounds on the bit pattern.

  bitcast_convert_type(x, new_dtype)  the bits of `x` read as `new_dtype` (numpy's view). Equal
      item sizes keep the shape; a smaller new type adds a trailing axis of the size ratio, a
      larger one consumes a trailing axis of that size (XLA's rule). Integer results: zero
      tangents; floats read from other bits have no derivative either (zero tangent).
  reduce_precision(x, exponent_bits, mantissa_bits)  x rounded to the nearest value (ties to even)
      of a float format with that many exponent and mantissa bits, overflowing to +-inf and
      flushing values below its normal range to +-0 (as XLA). As in JAX its JVP and transpose
      apply the same rounding to the tangent / cotangent.

Imports: _core, lax._families, lax._jvp_rules, lax.shape.
"""
from __future__ import annotations

import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.primitive import INEXACT, NOT_LINEAR, CallImpl, Emit, Primitive, register
from fungrad._core.trace import get_aval
from fungrad._lax._families import unop
from fungrad._lax.complex_parts import join_parts
from fungrad._lax._jvp_rules import jvp_zero
from fungrad._lax.shape import jvp_linear, moveaxis
from fungrad._lax import _args
from fungrad._core.typing import Array, ArrayLike, DTypeLike


# ---- bitcast_convert_type
def _bitcast_shape(shape, old, new, name="bitcast_convert_type"):
    a, b = np.dtype(old).itemsize, np.dtype(new).itemsize
    if a == b:
        return tuple(shape)
    if a > b:
        return tuple(shape) + (a // b,)
    if not shape or shape[-1] != b // a:
        raise ShapeError(f"{name}: converting {np.dtype(old).name}{list(shape)} to "
                         f"{np.dtype(new).name} needs a trailing axis of size {b // a} (the "
                         "item size ratio); reshape the operand first.")
    return tuple(shape[:-1])


def _bitcast_impl(x, *, new_dtype):
    x = np.array(x, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
    a, b = x.dtype.itemsize, new_dtype.itemsize
    if a == b:
        return x.view(new_dtype).copy()
    if a > b:
        return x[..., None].view(new_dtype).copy()
    return x.view(new_dtype)[..., 0].copy()


def _bitcast_abstract(x, *, new_dtype):
    if x.dtype.kind not in "biufc" or new_dtype.kind not in "biufc":
        raise DtypeError(f"bitcast_convert_type: cannot reinterpret {x.str_short()} as "
                         f"{new_dtype.name}")
    return shaped(_bitcast_shape(x.shape, x.dtype, new_dtype), new_dtype)


def _bitcast_batch(size, vals, dims, *, new_dtype):
    return bitcast_convert_type_p.bind(moveaxis(vals[0], dims[0], 0), new_dtype=new_dtype), 0


bitcast_convert_type_p = Primitive("bitcast_convert_type")
register(bitcast_convert_type_p, impl=_bitcast_impl, abstract_eval=_bitcast_abstract,
         jvp=jvp_zero, transpose=NOT_LINEAR, batch=_bitcast_batch,
         emit=(CallImpl(fresh=True),
               Emit("lax.bitcast_convert_type({0}, {new_dtype})", fresh=True, on=("jax",))))


def bitcast_convert_type(operand: ArrayLike, new_dtype: DTypeLike) -> Array:
    """The bits of `operand` reinterpreted as `new_dtype` (see the module docstring)."""
    _args.operand(operand, "bitcast_convert_type")
    return bitcast_convert_type_p.bind(operand, new_dtype=_args.dtype(
        new_dtype, "new_dtype", "bitcast_convert_type"))


# ---- reduce_precision
_UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}
_FORMAT = {np.dtype(np.float16): (5, 10), np.dtype(np.float32): (8, 23),
           np.dtype(np.float64): (11, 52)}


def _reduce_precision_real(x, exponent_bits, mantissa_bits):
    src_e, src_m = _FORMAT[x.dtype]
    u = _UINT[x.dtype.itemsize]
    nbits = 8 * x.dtype.itemsize
    bits = np.array(x, order="C").view(u)
    one = u(1)
    if mantissa_bits < src_m:
        drop = src_m - mantissa_bits
        last = u(one << u(drop))                    # the lowest kept mantissa bit
        bias = u((last >> one) - one)               # just under half a unit of the kept bits
        odd = (bits & last) >> u(drop)              # ties go to the even neighbour
        bits = (bits + odd + bias) & ~u(last - one)
    if exponent_bits < src_e:
        sign = u(one << u(nbits - 1))
        exp_mask = u(((1 << src_e) - 1) << src_m)
        src_bias = (1 << (src_e - 1)) - 1
        new_bias = (1 << (exponent_bits - 1)) - 1
        exponent = bits & exp_mask
        over = exponent > u((src_bias + new_bias) << src_m)
        under = exponent <= u((src_bias - new_bias) << src_m)
        signed_zero = bits & sign
        bits = np.where(over, signed_zero | exp_mask, np.where(under, signed_zero, bits))
    out = bits.astype(u, copy=False).view(x.dtype)
    return np.where(np.isnan(x), x, out)


def _reduce_precision_impl(x, *, exponent_bits, mantissa_bits):
    x = np.asarray(x)
    if x.dtype.kind == "c":
        re = _reduce_precision_real(np.ascontiguousarray(x.real), exponent_bits, mantissa_bits)
        im = _reduce_precision_real(np.ascontiguousarray(x.imag), exponent_bits, mantissa_bits)
        return join_parts(re, im, x.dtype)  # part by part: 1j * inf is nan + infj
    if x.dtype not in _FORMAT:
        raise DtypeError(f"reduce_precision: unsupported dtype {x.dtype.name}")
    return _reduce_precision_real(x, exponent_bits, mantissa_bits).reshape(x.shape)


reduce_precision_p = unop(
    "reduce_precision", _reduce_precision_impl, dtypes=INEXACT,
    emit=(CallImpl(fresh=True),
          Emit("lax.reduce_precision({0}, exponent_bits={exponent_bits}, "
               "mantissa_bits={mantissa_bits})", fresh=True, on=("jax",))),
    jvp=jvp_linear,  # as JAX: the tangent is rounded the same way
    transpose=lambda ct, x, **p: [reduce_precision_p.bind(ct, **p)])


def reduce_precision(operand: ArrayLike, exponent_bits: int, mantissa_bits: int) -> Array:
    """`operand` rounded to a float format of `exponent_bits` / `mantissa_bits` (e.g. 8 / 7 for
    bfloat16, 5 / 10 for float16), staying in its own dtype."""
    exponent_bits = _args.static_int(exponent_bits, "exponent_bits", "reduce_precision")
    mantissa_bits = _args.static_int(mantissa_bits, "mantissa_bits", "reduce_precision")
    if exponent_bits < 1 or mantissa_bits < 0:
        raise ValueError(f"reduce_precision: exponent_bits must be >= 1 and mantissa_bits >= 0, "
                         f"got {exponent_bits} and {mantissa_bits}")
    dt = get_aval(operand).dtype
    fmt = _FORMAT.get(np.dtype(dt.char.lower()) if dt.kind == "c" else dt)
    if fmt is not None:  # no wider than the source format: the same bits
        exponent_bits, mantissa_bits = min(exponent_bits, fmt[0]), min(mantissa_bits, fmt[1])
    return reduce_precision_p.bind(operand, exponent_bits=exponent_bits,
                                   mantissa_bits=mantissa_bits)
