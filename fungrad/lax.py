"""fungrad.lax: the primitive operations as functions (no dtype promotion or broadcasting
conveniences; see fungrad.numpy for those) and structured control flow. A public facade: it only
re-exports.
"""
from fungrad._lax import (
    abs as abs, acos as acos, acosh as acosh, add as add, argmax as argmax, argmin as argmin,
    asin as asin, asinh as asinh, atan as atan, atan2 as atan2, atanh as atanh,
    bitwise_and as bitwise_and, bitwise_not as bitwise_not, bitwise_or as bitwise_or,
    bitwise_xor as bitwise_xor, broadcast_to as broadcast_to, ceil as ceil,
    concatenate as concatenate, convert_element_type as convert_element_type, cos as cos,
    cosh as cosh, div as div, dot_general as dot_general, eq as eq, exp as exp, expm1 as expm1,
    floor as floor, ge as ge, getitem as getitem, gt as gt, integer_pow as integer_pow,
    is_finite as is_finite, le as le, log as log, log1p as log1p, logistic as logistic, lt as lt,
    max as max, min as min, mul as mul, ne as ne, neg as neg, pow as pow, reduce_max as reduce_max,
    reduce_min as reduce_min, reduce_prod as reduce_prod, reduce_sum as reduce_sum, rem as rem,
    reshape as reshape, round as round, scatter_add as scatter_add, select as select, sign as sign,
    sin as sin, sinh as sinh, sqrt as sqrt, stop_gradient as stop_gradient, sub as sub, tan as tan,
    tanh as tanh, transpose as transpose)
from fungrad._api.control import (
    cond as cond, fori_loop as fori_loop, map as map, scan as scan, switch as switch,
    while_loop as while_loop)
from fungrad._lax.special_erf import erf as erf
from fungrad._lax.conv import (
    conv as conv, conv_general_dilated as conv_general_dilated, conv_transpose as conv_transpose,
    conv_with_general_padding as conv_with_general_padding, padtype_to_pads as padtype_to_pads,
    ConvDimensionNumbers as ConvDimensionNumbers, conv_dimension_numbers as conv_dimension_numbers,
    reduce_window as reduce_window)
from fungrad._lax.fft import fft as fft
