"""fungrad.numpy: the numpy API over fungrad's primitives. Outside transforms it takes and returns
plain numpy arrays; inside them, traced values.

Imports: _core, lax, and this package's modules.
"""
import numpy as _np

from fungrad.numpy import _operators
from fungrad.numpy.creation import (
    arange as arange, array as array, asarray as asarray, astype as astype, empty as empty,
    empty_like as empty_like, eye as eye, full as full, full_like as full_like,
    identity as identity, linspace as linspace, ones as ones, ones_like as ones_like,
    zeros as zeros, zeros_like as zeros_like)
from fungrad.numpy.indexing import diagonal as diagonal, take as take, trace as trace
from fungrad.numpy.linalg import (
    dot as dot, einsum as einsum, inner as inner, matmul as matmul, outer as outer,
    tensordot as tensordot, vdot as vdot)
from fungrad.numpy.linalg import convolve as convolve, correlate as correlate
from fungrad.numpy.reductions import (
    all as all, amax as amax, amin as amin, any as any, argmax as argmax, argmin as argmin,
    max as max, mean as mean, min as min, prod as prod, std as std, sum as sum, var as var)
from fungrad.numpy.shape import (
    array_split as array_split, atleast_1d as atleast_1d, atleast_2d as atleast_2d,
    broadcast_arrays as broadcast_arrays, broadcast_to as broadcast_to,
    concatenate as concatenate, expand_dims as expand_dims, flip as flip, hstack as hstack,
    moveaxis as moveaxis, ndim as ndim, ravel as ravel, repeat as repeat, reshape as reshape,
    shape as shape, size as size, split as split, squeeze as squeeze, stack as stack,
    swapaxes as swapaxes, tile as tile, transpose as transpose, vstack as vstack)
from fungrad.numpy.ufuncs import (
    abs as abs, absolute as absolute, add as add, arccos as arccos, arccosh as arccosh,
    arcsin as arcsin, arcsinh as arcsinh, arctan as arctan, arctan2 as arctan2,
    arctanh as arctanh, around as around, bitwise_and as bitwise_and, bitwise_not as bitwise_not,
    bitwise_or as bitwise_or, bitwise_xor as bitwise_xor, ceil as ceil, clip as clip, cos as cos,
    cosh as cosh, deg2rad as deg2rad, divide as divide, equal as equal, exp as exp, expm1 as expm1,
    floor as floor, floor_divide as floor_divide, fmod as fmod, greater as greater,
    greater_equal as greater_equal, hypot as hypot, invert as invert, isfinite as isfinite,
    less as less, less_equal as less_equal, log as log, log1p as log1p, logaddexp as logaddexp,
    logical_and as logical_and, logical_not as logical_not, logical_or as logical_or,
    logical_xor as logical_xor, maximum as maximum, minimum as minimum, mod as mod,
    multiply as multiply, negative as negative, not_equal as not_equal, positive as positive,
    power as power, rad2deg as rad2deg, reciprocal as reciprocal, remainder as remainder,
    round as round, sign as sign, sin as sin, sinc as sinc, sinh as sinh, sqrt as sqrt,
    square as square, subtract as subtract, tan as tan, tanh as tanh, true_divide as true_divide,
    where as where)
from fungrad.numpy import linalg as linalg
from fungrad.numpy import fft as fft

# dtypes and constants, as in numpy
float16, float32, float64 = _np.float16, _np.float32, _np.float64
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, bool_, complex64, complex128 = _np.uint8, _np.bool_, _np.complex64, _np.complex128
ndarray, dtype, newaxis = _np.ndarray, _np.dtype, None
pi, e, inf, nan = _np.pi, _np.e, _np.inf, _np.nan

_operators.install(globals())
