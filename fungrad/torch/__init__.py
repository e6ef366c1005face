"""fungrad.torch: a torch.autograd-compatible shim layered on fungrad's core.

``import fungrad.torch as torch`` runs torch.autograd code: every Tensor op records the core's
linearization of a fungrad.numpy function; backward transposes it with the core's rules.
"""
from fungrad.torch import _methods
from fungrad.torch._creation import (
    arange as arange, as_tensor as as_tensor, empty as empty, empty_like as empty_like,
    eye as eye, from_numpy as from_numpy, full as full, full_like as full_like,
    linspace as linspace, manual_seed as manual_seed, ones as ones, ones_like as ones_like,
    rand as rand, rand_like as rand_like, randint as randint, randn as randn,
    randn_like as randn_like, scalar_tensor as scalar_tensor, tensor as tensor, zeros as zeros,
    zeros_like as zeros_like)
from fungrad.torch._dtype import (
    bool_ as bool,  # noqa: F401 - re-exported as torch.bool
    dtype as dtype, float16 as float16, float32 as float32, float64 as float64,
    int8 as int8, int16 as int16, int32 as int32, int64 as int64, uint8 as uint8)
from fungrad.torch._format import print_options as _print_options
from fungrad.torch._grad_mode import (
    enable_grad as enable_grad, inference_mode as inference_mode,
    is_anomaly_check_nan_enabled as is_anomaly_check_nan_enabled,
    is_anomaly_enabled as is_anomaly_enabled, is_grad_enabled as is_grad_enabled,
    is_inference_mode_enabled as is_inference_mode_enabled, no_grad as no_grad,
    set_grad_enabled as set_grad_enabled)
from fungrad.torch._ops_math import (
    abs as abs, acos as acos, add as add, allclose as allclose, asin as asin, atan as atan,
    bmm as bmm, ceil as ceil, clamp as clamp, clip as clip, cos as cos, cosh as cosh, div as div,
    dot as dot, eq as eq, equal as equal, erf as erf, exp as exp, expm1 as expm1,
    floor as floor, ge as ge, gt as gt, isfinite as isfinite, isnan as isnan, le as le,
    log as log, log1p as log1p, log2 as log2, log10 as log10, logical_and as logical_and,
    logical_not as logical_not, logical_or as logical_or, lt as lt, matmul as matmul,
    maximum as maximum, minimum as minimum, mm as mm, mul as mul, mv as mv, ne as ne, neg as neg,
    outer as outer, pow as pow, reciprocal as reciprocal, relu as relu, remainder as remainder,
    round as round, rsqrt as rsqrt, sigmoid as sigmoid, sign as sign, sin as sin, sinh as sinh,
    sqrt as sqrt, square as square, sub as sub, tan as tan, tanh as tanh,
    true_divide as true_divide, where as where)
from fungrad.torch._ops_reduce import (
    all as all, amax as amax, amin as amin, any as any, argmax as argmax, argmin as argmin,
    cumsum as cumsum, log_softmax as log_softmax, logsumexp as logsumexp, max as max,
    mean as mean, min as min, prod as prod, return_types as return_types,
    softmax as softmax, sort as sort, std as std, sum as sum, var as var)
from fungrad.torch._ops_shape import (
    cat as cat, chunk as chunk, clone as clone, concat as concat,
    flatten as flatten, flip as flip, movedim as movedim, narrow as narrow, permute as permute,
    reshape as reshape, split as split, squeeze as squeeze, stack as stack,
    t as t, tile as tile, transpose as transpose, unbind as unbind, unsqueeze as unsqueeze)
from fungrad.torch._tensor import Size as Size, Tensor as Tensor
from fungrad.torch import autograd as autograd, func as func, nn as nn
from fungrad.torch.func import vmap as vmap

float = float32
double = float64
half = float16
long = int64
int = int32
__version__ = "2.13.0+fungrad"
_methods.install()


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(t):
    return t.numel()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Mutates the repr options shared by every tensor (as torch.set_printoptions)."""
    o = _print_options
    if profile == "default":
        o.precision, o.threshold, o.edgeitems, o.linewidth = 4, 1000, 3, 80
    for k, v in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                 ("linewidth", linewidth)):
        if v is not None:
            setattr(o, k, v)
    o.sci_mode = sci_mode


def get_default_dtype():
    return float32


def set_num_threads(n):
    pass


def get_num_threads():
    return 1


# ---- nn / optim / data / persistence / devices (issue 12); additive block
from fungrad.torch._creation import (  # noqa: E402
    bernoulli as bernoulli, logspace as logspace, multinomial as multinomial, normal as normal,
    randint_like as randint_like, randperm as randperm)
from fungrad.torch._device import (  # noqa: E402
    accelerator as accelerator, backends as backends, compile as compile, cuda as cuda,
    device as device, mps as mps)
from fungrad.torch._generator import (  # noqa: E402
    Generator as Generator, default_generator as default_generator,
    get_rng_state as get_rng_state, initial_seed as initial_seed, seed as seed,
    set_rng_state as set_rng_state)
from fungrad.torch._install import install as install, uninstall as uninstall  # noqa: E402
from fungrad.torch._serialization import load as load, save as save  # noqa: E402
from fungrad.torch import optim as optim, utils as utils  # noqa: E402
from fungrad.torch import _nn_ops  # noqa: E402
from fungrad.torch._nn_ops import (  # noqa: E402
    addcdiv as addcdiv, addcmul as addcmul, addmm as addmm, argsort as argsort,
    clamp_max as clamp_max, clamp_min as clamp_min, cumprod as cumprod, diag as diag,
    einsum as einsum, gather as gather, index_select as index_select, isclose as isclose,
    lerp as lerp, masked_fill as masked_fill, roll as roll, topk as topk, tril as tril,
    triu as triu)

_nn_ops.install()


def set_default_dtype(d):
    """Sets the dtype of float tensors made from Python data and of float factories
    (torch.float32 or torch.float64)."""
    from fungrad.torch import _dtype as _dt
    if not (isinstance(d, _dt.dtype) and d.is_floating_point):
        raise TypeError("only floating-point types are supported as the default type")
    _dt.DEFAULT = d


def get_default_dtype():  # noqa: F811 - reads the settable default
    from fungrad.torch import _dtype as _dt
    return _dt.DEFAULT


def use_deterministic_algorithms(mode, *, warn_only=False):
    pass


def are_deterministic_algorithms_enabled():
    return True


def get_num_interop_threads():
    return 1


def set_num_interop_threads(n):
    pass

# ---- the wider op surface, torch.linalg/special/fft/distributions/overrides (issue 13)
from fungrad.torch import _ops_surface  # noqa: E402
_ops_surface.export(globals())

__all__ = [
    "Generator", "Size", "Tensor", "abs", "abs_", "absolute", "accelerator", "acos", "acos_", "acosh",
    "acosh_", "adaptive_avg_pool1d", "add", "addbmm", "addcdiv", "addcmul", "addmm", "addmv", "addmv_",
    "addr", "adjoint", "alias_copy", "all", "allclose", "alpha_dropout", "amax", "amin", "aminmax",
    "angle", "any", "arange", "arccos", "arccos_", "arccosh", "arccosh_", "arcsin", "arcsin_", "arcsinh",
    "arcsinh_", "arctan", "arctan2", "arctan_", "arctanh", "arctanh_",
    "are_deterministic_algorithms_enabled", "argmax", "argmin", "argsort", "argwhere", "as_tensor",
    "asarray", "asin", "asin_", "asinh", "asinh_", "atan", "atan2", "atan_", "atanh", "atanh_",
    "atleast_1d", "atleast_2d", "atleast_3d", "autograd", "avg_pool1d", "backends", "baddbmm",
    "bartlett_window", "batch_norm", "bernoulli", "bilinear", "binary_cross_entropy_with_logits",
    "bincount", "bitwise_and", "bitwise_left_shift", "bitwise_not", "bitwise_or", "bitwise_right_shift",
    "bitwise_xor", "blackman_window", "block_diag", "bmm", "bool", "broadcast_shapes",
    "broadcast_tensors", "broadcast_to", "bucketize", "can_cast", "cartesian_prod", "cat", "cdist",
    "cdouble", "ceil", "ceil_", "celu", "cfloat", "chain_matmul", "channel_shuffle", "cholesky",
    "cholesky_inverse", "cholesky_solve", "chunk", "clamp", "clamp_", "clamp_max", "clamp_max_",
    "clamp_min", "clamp_min_", "clip", "clip_", "clone", "column_stack", "combinations", "compile",
    "complex128", "complex64", "concat", "concatenate", "conj", "conj_physical", "conj_physical_",
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "copysign", "corrcoef", "cos",
    "cos_", "cosh", "cosh_", "cosine_embedding_loss", "cosine_similarity", "count_nonzero", "cov",
    "cross", "cuda", "cummax", "cummin", "cumprod", "cumsum", "cumulative_trapezoid", "default_generator",
    "deg2rad", "deg2rad_", "det", "detach", "detach_", "detach_copy", "device", "diag", "diag_embed",
    "diagflat", "diagonal", "diagonal_copy", "diagonal_scatter", "diff", "digamma", "dist",
    "distributions", "div", "divide", "dot", "double", "dropout", "dsplit", "dstack", "dtype", "einsum",
    "embedding", "empty", "empty_like", "enable_grad", "eq", "equal", "erf", "erf_", "erfc", "erfc_",
    "erfinv", "exp", "exp2", "exp2_", "exp_", "expand_copy", "expm1", "expm1_", "eye",
    "feature_alpha_dropout", "fft", "fill", "fill_", "fix", "fix_", "flatten", "flip", "fliplr", "flipud",
    "float", "float16", "float32", "float64", "float_power", "floor", "floor_", "floor_divide", "fmax",
    "fmin", "fmod", "frac", "frac_", "frexp", "frobenius_norm", "from_numpy", "full", "full_like", "func",
    "gather", "gcd", "gcd_", "ge", "ger", "get_default_device", "get_default_dtype",
    "get_deterministic_debug_mode", "get_device", "get_float32_matmul_precision",
    "get_num_interop_threads", "get_num_threads", "get_rng_state", "greater", "greater_equal",
    "group_norm", "gt", "half", "hamming_window", "hann_window", "hardshrink", "heaviside",
    "hinge_embedding_loss", "histc", "hsplit", "hstack", "hypot", "i0", "i0_", "igamma", "igammac",
    "imag", "index_add", "index_copy", "index_fill", "index_put", "index_put_", "index_reduce",
    "index_select", "inference_mode", "init_num_threads", "initial_seed", "inner", "install",
    "instance_norm", "int", "int16", "int32", "int64", "int8", "inverse", "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled", "is_autocast_cache_enabled", "is_autocast_cpu_enabled", "is_autocast_enabled",
    "is_complex", "is_conj", "is_deterministic_algorithms_warn_only_enabled", "is_distributed",
    "is_floating_point", "is_grad_enabled", "is_inference", "is_inference_mode_enabled", "is_neg",
    "is_nonzero", "is_same_size", "is_signed", "is_storage", "is_tensor", "is_vulkan_available",
    "is_warn_always_enabled", "isclose", "isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal",
    "kaiser_window", "kron", "kthvalue", "layer_norm", "lcm", "lcm_", "ldexp", "ldexp_", "le", "lerp",
    "less", "less_equal", "lgamma", "linalg", "linspace", "load", "log", "log10", "log10_", "log1p",
    "log1p_", "log2", "log2_", "log_", "log_softmax", "logaddexp", "logaddexp2", "logcumsumexp", "logdet",
    "logical_and", "logical_not", "logical_or", "logical_xor", "logit", "logit_", "logspace", "logsumexp",
    "long", "lt", "lu_solve", "manual_seed", "margin_ranking_loss", "masked_fill", "masked_scatter",
    "masked_select", "matmul", "matrix_exp", "matrix_power", "max", "max_pool1d", "max_pool2d", "maximum",
    "mean", "median", "meshgrid", "min", "minimum", "mm", "mode", "moveaxis", "movedim", "mps", "msort",
    "mul", "multinomial", "multiply", "mv", "mvlgamma", "nan_to_num", "nan_to_num_", "nanmean",
    "nanmedian", "nanquantile", "nansum", "narrow", "narrow_copy", "ne", "neg", "neg_", "negative",
    "negative_", "nextafter", "nn", "no_grad", "nonzero", "norm", "normal", "not_equal", "nuclear_norm",
    "numel", "ones", "ones_like", "optim", "outer", "overrides", "pairwise_distance", "pdist", "permute",
    "permute_copy", "pinverse", "pixel_shuffle", "pixel_unshuffle", "poisson_nll_loss", "polygamma",
    "positive", "pow", "prelu", "prod", "promote_types", "put", "qr", "quantile", "rad2deg", "rad2deg_",
    "rand", "rand_like", "randint", "randint_like", "randn", "randn_like", "randperm", "range", "ravel",
    "real", "reciprocal", "reciprocal_", "relu", "relu_", "remainder", "renorm", "repeat_interleave",
    "reshape", "resolve_conj", "resolve_neg", "result_type", "return_types", "rms_norm", "roll", "rot90",
    "round", "round_", "row_stack", "rrelu", "rsqrt", "rsqrt_", "rsub", "save", "scalar_tensor",
    "scatter", "scatter_add", "scatter_reduce", "searchsorted", "seed", "select", "select_copy",
    "select_scatter", "selu", "set_default_device", "set_default_dtype", "set_deterministic_debug_mode",
    "set_float32_matmul_precision", "set_flush_denormal", "set_grad_enabled", "set_num_interop_threads",
    "set_num_threads", "set_printoptions", "set_rng_state", "set_warn_always", "sgn", "sigmoid",
    "sigmoid_", "sign", "signbit", "sin", "sin_", "sinc", "sinc_", "sinh", "sinh_", "slice_scatter",
    "slogdet", "softmax", "sort", "special", "split", "split_copy", "split_with_sizes",
    "split_with_sizes_copy", "sqrt", "sqrt_", "square", "square_", "squeeze", "squeeze_copy", "stack",
    "std", "std_mean", "sub", "subtract", "sum", "svd", "swapaxes", "swapdims", "t", "t_copy", "take",
    "take_along_dim", "tan", "tan_", "tanh", "tanh_", "tensor", "tensor_split", "tensordot", "threshold",
    "threshold_", "tile", "topk", "trace", "transpose", "transpose_copy", "trapezoid", "trapz",
    "triangular_solve", "tril", "tril_indices", "triplet_margin_loss", "triu", "triu_indices",
    "true_divide", "trunc", "trunc_", "typename", "uint8", "unbind", "unbind_copy", "unflatten",
    "unfold_copy", "uninstall", "unique", "unique_consecutive", "unsqueeze", "unsqueeze_copy",
    "use_deterministic_algorithms", "utils", "vander", "var", "var_mean", "vdot", "view_copy", "vmap",
    "vsplit", "vstack", "where", "xlogy", "xlogy_", "zero_", "zeros", "zeros_like"]
__dir__ = __all__.copy  # dir() lists the public names only
