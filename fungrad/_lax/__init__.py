"""Layer 1 (private): the closed set of primitives, each defined in one block with all its rules.

Public wrappers take operands positionally and static parameters as arguments; they are thin
`prim.bind` calls without dtype promotion or broadcasting conveniences (see fungrad.numpy).
"""
from fungrad._lax.arith import (
    add as add, add_any as add_any, add_p as add_p, convert_element_type as convert_element_type,
    convert_p as convert_p, div as div, div_p as div_p, instantiate as instantiate, mul as mul,
    mul_p as mul_p, neg as neg, neg_p as neg_p, select as select, select_p as select_p,
    stop_gradient as stop_gradient, stop_gradient_p as stop_gradient_p, sub as sub, sub_p as sub_p,
    zeros_like_aval as zeros_like_aval)
from fungrad._lax.indexing import (
    FULL as FULL, concatenate as concatenate, concatenate_p as concatenate_p, getitem as getitem,
    getitem_p as getitem_p, scatter_add as scatter_add, scatter_add_p as scatter_add_p)
from fungrad._lax.linalg import dot_general as dot_general, dot_general_p as dot_general_p
from fungrad._lax.math import (
    abs as abs, acos as acos, acosh as acosh, asin as asin, asinh as asinh, atan as atan,
    atan2 as atan2, atanh as atanh, bitwise_and as bitwise_and, bitwise_not as bitwise_not,
    bitwise_or as bitwise_or, bitwise_xor as bitwise_xor, ceil as ceil, cos as cos, cosh as cosh,
    eq as eq, exp as exp, expm1 as expm1, floor as floor, ge as ge, gt as gt,
    integer_pow as integer_pow, is_finite as is_finite, le as le, log as log, log1p as log1p,
    logistic as logistic, lt as lt, max as max, min as min, ne as ne, pow as pow, rem as rem,
    round as round, sign as sign, sin as sin, sinh as sinh, sqrt as sqrt, tan as tan, tanh as tanh)
from fungrad._lax.reductions import (
    argmax as argmax, argmin as argmin, reduce_max as reduce_max, reduce_min as reduce_min,
    reduce_prod as reduce_prod)
from fungrad._lax.shape import (
    broadcast_batch as broadcast_batch, broadcast_to as broadcast_to, moveaxis as moveaxis,
    reduce_sum as reduce_sum, reshape as reshape, transpose as transpose,
    unbroadcast as unbroadcast)

