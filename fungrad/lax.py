"""fungrad.lax: the primitive operations as functions (no dtype promotion or broadcasting
conveniences; see fungrad.numpy for those) and structured control flow. A public facade: it only
re-exports.
"""
# the primitives as typed, documented functions that check their arguments
from fungrad._lax.api import (
    abs as abs, acos as acos, acosh as acosh, add as add, asin as asin, asinh as asinh,
    atan as atan, atan2 as atan2, atanh as atanh, bessel_i0e as bessel_i0e,
    bessel_i1e as bessel_i1e, bitwise_and as bitwise_and, bitwise_not as bitwise_not,
    bitwise_or as bitwise_or, bitwise_xor as bitwise_xor, broadcast_to as broadcast_to,
    cbrt as cbrt, ceil as ceil, concatenate as concatenate,
    convert_element_type as convert_element_type, cos as cos, cosh as cosh, digamma as digamma,
    div as div, eq as eq, erf as erf, erf_inv as erf_inv, erfc as erfc, exp as exp, exp2 as exp2,
    expm1 as expm1, floor as floor, ge as ge, getitem as getitem, gt as gt, igamma as igamma,
    igammac as igammac, integer_pow as integer_pow, is_finite as is_finite, le as le,
    lgamma as lgamma, log as log, log1p as log1p, logistic as logistic, lt as lt, max as max,
    min as min, mul as mul, ne as ne, neg as neg, nextafter as nextafter, polygamma as polygamma,
    pow as pow, reduce_max as reduce_max, reduce_min as reduce_min, reduce_prod as reduce_prod,
    reduce_sum as reduce_sum, rem as rem, reshape as reshape, select as select, sign as sign,
    sin as sin, sinh as sinh, sqrt as sqrt, stop_gradient as stop_gradient, sub as sub,
    tan as tan, tanh as tanh, transpose as transpose, zeta as zeta)
from fungrad._api.control import (
    cond as cond, fori_loop as fori_loop, map as map, scan as scan, switch as switch,
    while_loop as while_loop)
from fungrad._lax.conv import (
    conv as conv, conv_general_dilated as conv_general_dilated, conv_transpose as conv_transpose,
    conv_with_general_padding as conv_with_general_padding, padtype_to_pads as padtype_to_pads,
    ConvDimensionNumbers as ConvDimensionNumbers, conv_dimension_numbers as conv_dimension_numbers,
    reduce_window as reduce_window)
from fungrad._lax.fft import fft as fft
# the rest of JAX's everyday jax.lax (fungrad.lax_ext; argmax/argmin gain index_dtype, round
# JAX's rounding_method, scatter_add JAX's dimension numbers besides fungrad's index spec form)
from fungrad.lax_ext import (
    Precision as Precision, PrecisionLike as PrecisionLike, RoundingMethod as RoundingMethod,
    GatherScatterMode as GatherScatterMode, FftType as FftType, RandomAlgorithm as RandomAlgorithm,
    DotAlgorithmPreset as DotAlgorithmPreset, DotDimensionNumbers as DotDimensionNumbers,
    GatherDimensionNumbers as GatherDimensionNumbers,
    ScatterDimensionNumbers as ScatterDimensionNumbers, iota as iota,
    broadcasted_iota as broadcasted_iota, full as full, full_like as full_like,
    zeros_like_array as zeros_like_array, empty as empty, dtype as dtype,
    broadcast_shapes as broadcast_shapes, broadcast as broadcast,
    broadcast_in_dim as broadcast_in_dim, broadcast_to_rank as broadcast_to_rank,
    broadcast_like as broadcast_like, expand_dims as expand_dims, squeeze as squeeze,
    collapse as collapse, rev as rev, slice as slice, slice_in_dim as slice_in_dim,
    index_in_dim as index_in_dim, split as split, stack as stack, unstack as unstack, tile as tile,
    pad as pad, clamp as clamp, square as square, rsqrt as rsqrt, reciprocal as reciprocal,
    population_count as population_count, betainc as betainc, real as real,
    imag as imag, conj as conj, complex as complex, shift_left as shift_left,
    shift_right_logical as shift_right_logical, shift_right_arithmetic as shift_right_arithmetic,
    clz as clz, mulhi as mulhi, reduce as reduce,
    reduce_and as reduce_and, reduce_or as reduce_or, reduce_xor as reduce_xor, cumsum as cumsum,
    cumprod as cumprod, cummax as cummax, cummin as cummin, cumlogsumexp as cumlogsumexp,
    associative_scan as associative_scan, sort as sort, sort_key_val as sort_key_val,
    top_k as top_k, approx_max_k as approx_max_k, approx_min_k as approx_min_k,
    select_n as select_n, dynamic_slice as dynamic_slice,
    dynamic_update_slice as dynamic_update_slice, dynamic_slice_in_dim as dynamic_slice_in_dim,
    dynamic_index_in_dim as dynamic_index_in_dim,
    dynamic_update_slice_in_dim as dynamic_update_slice_in_dim,
    dynamic_update_index_in_dim as dynamic_update_index_in_dim, gather as gather,
    scatter as scatter, scatter_mul as scatter_mul,
    scatter_min as scatter_min, scatter_max as scatter_max, scatter_sub as scatter_sub,
    scatter_apply as scatter_apply, index_take as index_take,
    dot as dot, batch_matmul as batch_matmul, ragged_dot as ragged_dot,
    with_sharding_constraint as with_sharding_constraint,
    optimization_barrier as optimization_barrier, create_token as create_token,
    after_all as after_all, platform_dependent as platform_dependent, composite as composite,
    reduce_window_shape_tuple as reduce_window_shape_tuple, conv_shape_tuple as conv_shape_tuple,
    custom_root as custom_root, custom_linear_solve as custom_linear_solve,
    bitcast_convert_type as bitcast_convert_type, reduce_precision as reduce_precision,
    random_gamma_grad as random_gamma_grad)
from fungrad.lax_ext import (  # JAX's signatures replace the primitive wrappers above
    argmax as argmax, argmin as argmin, dot_general as dot_general,  # noqa: F811
    round as round, scatter_add as scatter_add)  # noqa: F811
from fungrad import lax_linalg as linalg  # noqa: F401 - jax.lax.linalg
from fungrad.lax_ext import (
    ConvGeneralDilatedDimensionNumbers as ConvGeneralDilatedDimensionNumbers,
    conv_general_permutations as conv_general_permutations,
    conv_general_shape_tuple as conv_general_shape_tuple,
    conv_transpose_shape_tuple as conv_transpose_shape_tuple)

__all__ = [
    "ConvDimensionNumbers", "ConvGeneralDilatedDimensionNumbers", "DotAlgorithmPreset",
    "DotDimensionNumbers", "FftType", "GatherDimensionNumbers", "GatherScatterMode", "Precision",
    "PrecisionLike", "RandomAlgorithm", "RoundingMethod", "ScatterDimensionNumbers", "abs", "acos",
    "acosh", "add", "after_all", "approx_max_k", "approx_min_k", "argmax", "argmin", "asin", "asinh",
    "associative_scan", "atan", "atan2", "atanh", "batch_matmul", "bessel_i0e", "bessel_i1e", "betainc",
    "bitcast_convert_type", "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "broadcast",
    "broadcast_in_dim", "broadcast_like", "broadcast_shapes", "broadcast_to", "broadcast_to_rank",
    "broadcasted_iota", "cbrt", "ceil", "clamp", "clz", "collapse", "complex", "composite", "concatenate",
    "cond", "conj", "conv", "conv_dimension_numbers", "conv_general_dilated", "conv_general_permutations",
    "conv_general_shape_tuple", "conv_shape_tuple", "conv_transpose", "conv_transpose_shape_tuple",
    "conv_with_general_padding", "convert_element_type", "cos", "cosh", "create_token", "cumlogsumexp",
    "cummax", "cummin", "cumprod", "cumsum", "custom_linear_solve", "custom_root", "digamma", "div",
    "dot", "dot_general", "dtype", "dynamic_index_in_dim", "dynamic_slice", "dynamic_slice_in_dim",
    "dynamic_update_index_in_dim", "dynamic_update_slice", "dynamic_update_slice_in_dim", "empty", "eq",
    "erf", "erf_inv", "erfc", "exp", "exp2", "expand_dims", "expm1", "fft", "floor", "fori_loop", "full",
    "full_like", "gather", "ge", "getitem", "gt", "igamma", "igammac", "imag", "index_in_dim",
    "index_take", "integer_pow", "iota", "is_finite", "le", "lgamma", "linalg", "log", "log1p",
    "logistic", "lt", "map", "max", "min", "mul", "mulhi", "ne", "neg", "nextafter",
    "optimization_barrier", "pad", "padtype_to_pads", "platform_dependent", "polygamma",
    "population_count", "pow", "ragged_dot", "random_gamma_grad", "real", "reciprocal", "reduce",
    "reduce_and", "reduce_max", "reduce_min", "reduce_or", "reduce_precision", "reduce_prod",
    "reduce_sum", "reduce_window", "reduce_window_shape_tuple", "reduce_xor", "rem", "reshape", "rev",
    "round", "rsqrt", "scan", "scatter", "scatter_add", "scatter_apply", "scatter_max", "scatter_min",
    "scatter_mul", "scatter_sub", "select", "select_n", "shift_left", "shift_right_arithmetic",
    "shift_right_logical", "sign", "sin", "sinh", "slice", "slice_in_dim", "sort", "sort_key_val",
    "split", "sqrt", "square", "squeeze", "stack", "stop_gradient", "sub", "switch", "tan", "tanh",
    "tile", "top_k", "transpose", "unstack", "while_loop", "with_sharding_constraint", "zeros_like_array",
    "zeta"]
__dir__ = __all__.copy  # dir() lists the public names only
