"""torch.nn.functional: activations, linear maps, dropout, embeddings, normalizations, losses,
convolutions and pooling, padding, interpolation and attention.

Each function is a composition of fungrad.numpy (through ``apply``, recorded as one node named
like torch's grad_fn) or of other shim ops, so every one is differentiable to any order by the
core's rules. Convolutions and pooling are fungrad.lax's ``conv_general_dilated`` and
``reduce_window``; unfold/fold are an im2col composition (integer-array indexing, matmul).

Differs from torch: dropout masks come from numpy's generator (torch.Generator of this shim).
"""
import math
import warnings
from collections.abc import Iterable

import numpy as np

import fungrad.numpy as fnp
from fungrad import lax
from fungrad.torch import _ops_math as M
from fungrad.torch import _ops_reduce as R
from fungrad.torch import _ops_shape as S
from fungrad.torch._creation import ones_like, zeros_like
from fungrad.torch._ops_math import _erf_fn
from fungrad.torch._record import apply
from fungrad.torch._dtype import _TYPE_NAMES, cpp_type_name, int64
from fungrad.torch._tensor import Tensor, _new
from fungrad.torch._util import cast, common, kept, norm_dim, val, tabs, safe_root

__all__ = [
    # activations
    "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "celu", "gelu",
    "silu", "mish", "softplus", "softsign", "softshrink", "hardshrink", "tanhshrink", "hardtanh",
    "hardtanh_", "hardsigmoid", "hardswish", "logsigmoid", "sigmoid", "tanh", "softmax",
    "softmin", "log_softmax", "glu", "prelu", "rrelu", "threshold", "threshold_",
    # linear, dropout, sparse
    "linear", "bilinear", "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
    "feature_alpha_dropout", "embedding", "embedding_bag", "one_hot",
    # normalization and distances
    "batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm", "normalize",
    "local_response_norm", "pairwise_distance", "cosine_similarity", "pdist",
    # losses
    "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
    "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
    "hinge_embedding_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
    "multilabel_margin_loss", "multi_margin_loss", "poisson_nll_loss", "gaussian_nll_loss",
    "triplet_margin_with_distance_loss",
    # convolution, pooling, shape
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "unfold", "fold",
    "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d", "lp_pool1d",
    "lp_pool2d", "pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear",
    "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
    # attention
    "scaled_dot_product_attention", "multi_head_attention_forward",
]


def _dt(x):
    return x._value.dtype


def _torch_name(dt):
    """torch's ScalarType name of a numpy dtype (Float, Long, ComplexFloat)."""
    return _TYPE_NAMES.get(dt.name, dt.name)


def _floating_only(input, kernel):
    """torch's NotImplementedError where ``kernel`` has no loop for the input's dtype (not
    floating)."""
    dt = input._value.dtype
    if dt.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_torch_name(dt)}\'')


# ---------------------------------------------------------------- activations
def relu(input, inplace=False):
    """torch.nn.functional.relu; inplace=True applies relu_ to `input` and returns it."""
    return input.relu_() if inplace else M.relu(input)


def relu_(input):
    return input.relu_()


sigmoid = M.sigmoid
tanh = M.tanh


def _softmax_dim(input, dim, name):
    """torch's implicit softmax dim (F._get_softmax_dim): 0 for 0-, 1- and 3-d inputs, else 1."""
    if dim is not None:
        return dim
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if input.ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    return R.softmax(input, _softmax_dim(input, dim, "softmax"), dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    return R.log_softmax(input, _softmax_dim(input, dim, "log_softmax"), dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if not isinstance(input, Tensor):
        raise TypeError(f"softmin(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if _dt(input) == np.bool_:  # -input
        raise RuntimeError(_BOOL_NEG)
    return R.softmax(M.neg(input), _softmax_dim(input, dim, "softmin"), dtype=dtype)


def _softmax(v, d):
    if 0 in fnp.shape(v):
        return v + 0
    m = fnp.max(lax.stop_gradient(v), axis=d, keepdims=True)
    e = fnp.exp(v - m)
    return e / fnp.sum(e, axis=d, keepdims=True)


def _inplace_result(input, make, inplace):
    """``make(input)``, the activation's out-of-place result; with ``inplace``, ``make`` of a
    snapshot of ``input``'s old value written into ``input`` as an in-place op (the node reads
    its own copy: modifying ``input`` is what the op does, not a version error)."""
    if not inplace:
        return make(input)
    from fungrad.torch._ops_inplace import inplace_of
    return inplace_of(input, make)


def _named(inplace, name, inplace_name):
    """torch's node name: its in-place form records another node where its backward reads the
    result (the input is overwritten): EluBackward1, LeakyReluBackward1, ..."""
    return inplace_name if inplace else name


def leaky_relu(input, negative_slope=0.01, inplace=False):
    name = _named(inplace, "LeakyReluBackward0", "LeakyReluBackward1")
    return _inplace_result(input, lambda x: apply(
        name, lambda v: fnp.where(v > 0, v, v * negative_slope), [x]), inplace)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, True)


def gelu(input, approximate="none"):
    _floating_only(input, "GeluKernelImpl")
    if approximate == "tanh":
        c = math.sqrt(2 / math.pi)
        return apply("GeluBackward0",
                     lambda v: 0.5 * v * (1 + fnp.tanh(c * (v + 0.044715 * v ** 3))), [input])
    if approximate != "none":
        raise RuntimeError("approximate argument must be either none or tanh.")
    return apply("GeluBackward0", lambda v: 0.5 * v * (1 + _erf_fn(v / math.sqrt(2.0))), [input])


def _elu_fn(alpha, scale=1.0, input_scale=1.0):
    """torch's elu family: ``x <= 0 ? neg : x`` (nan takes the positive branch, as torch's
    elu_backward: gradient 1 there), the negative branch computed on ``min(x, 0)`` so that the
    other branch's zero cotangent meets no nan or inf derivative."""
    def fn(v):
        neg = alpha * fnp.expm1(fnp.where(v <= 0, v, 0.0) * input_scale)
        return scale * fnp.where(v <= 0, neg, v)
    return fn


def elu(input, alpha=1.0, inplace=False):
    name = _named(inplace, "EluBackward0", "EluBackward1")
    return _inplace_result(input, lambda x: apply(name, _elu_fn(alpha), [x]), inplace)


def elu_(input, alpha=1.0):
    return elu(input, alpha, True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    name = _named(inplace, "EluBackward0", "EluBackward1")
    return _inplace_result(input, lambda x: apply(name, _elu_fn(_SELU_ALPHA, _SELU_SCALE),
                                        [x]), inplace)


def celu(input, alpha=1.0, inplace=False):
    name = _named(inplace, "CeluBackward0", "CeluBackward1")
    return _inplace_result(input, lambda x: apply(name, _elu_fn(alpha, 1.0, 1.0 / alpha),
                                        [x]), inplace)


def silu(input, inplace=False):
    return _inplace_result(input, lambda x: apply("SiluBackward0",
                                                  lambda v: v * lax.logistic(v), [x]),
                           inplace)


def _softplus_fn(beta, threshold):
    def fn(v):
        bv = v * beta
        safe = fnp.minimum(bv, threshold)
        return fnp.where(bv > threshold, v, fnp.log1p(fnp.exp(safe)) / beta)
    return fn


def softplus(input, beta=1.0, threshold=20.0):
    return apply("SoftplusBackward0", _softplus_fn(beta, threshold), [input])


def mish(input, inplace=False):
    sp = _softplus_fn(1.0, 20.0)
    return _inplace_result(input, lambda x: apply("MishBackward0",
                                                  lambda v: v * fnp.tanh(sp(v)), [x]),
                           inplace)


def softsign(input):
    return M.div(input, M.add(input.abs(), 1))


def softshrink(input, lambd=0.5):
    return apply("SoftshrinkBackward0",
                 lambda v: fnp.where(v > lambd, v - lambd, fnp.where(v < -lambd, v + lambd, 0.0 * v)),
                 [input])


def hardshrink(input, lambd=0.5):
    return apply("HardshrinkBackward0",
                 lambda v: fnp.where((v > lambd) | (v < -lambd), v, 0.0 * v), [input])


def tanhshrink(input):
    return M.sub(input, input.tanh())


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    kind = _dt(input).kind
    if kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if kind in "iu":  # torch clamps in the input's dtype
        return _inplace_result(input, lambda x: M.clamp(x, int(min_val), int(max_val)), inplace)
    # torch's rule (hardtanh_backward): gradient 0 at the bounds and outside, else 1 (nan too)
    def fn(v):
        return fnp.where((v <= min_val) | (v >= max_val),
                         lax.stop_gradient(fnp.clip(v, min_val, max_val)), v)
    return _inplace_result(input, lambda x: apply("HardtanhBackward0", fn, [x]), inplace)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, True)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input, inplace=False):
    def fn(v):  # nan: nan with a zero gradient, as torch's hardsigmoid_backward
        return fnp.where(v <= -3, fnp.zeros_like(v),
                         fnp.where(v < 3, v / 6 + 0.5,
                                   fnp.where(v >= 3, fnp.ones_like(v), lax.stop_gradient(v))))
    return _inplace_result(input, lambda x: apply("HardsigmoidBackward0", fn, [x]), inplace)


def hardswish(input, inplace=False):
    def fn(v):  # nan takes the identity branch: gradient 1, as torch's hardswish_backward
        q = fnp.where(v < 3, v, 0.0)  # (the quadratic's operand: nan there would leak into
        return fnp.where(v <= -3, 0.0 * v, fnp.where(v < 3, q * (q + 3) / 6, v))  # the grad)
    return _inplace_result(input, lambda x: apply("HardswishBackward0", fn, [x]), inplace)


def logsigmoid(input):
    _floating_only(input, "log_sigmoid_cpu")
    return apply("LogSigmoidBackward0", lambda v: -fnp.logaddexp(0.0, -v), [input])


def glu(input, dim=-1):
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = norm_dim(dim, input.ndim)
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    h = n // 2

    def fn(v):
        a = v[(slice(None),) * d + (slice(0, h),)]
        b = v[(slice(None),) * d + (slice(h, n),)]
        return a * lax.logistic(b)
    return apply("GluBackward0", fn, [input])


def prelu(input, weight):
    nd = input.ndim
    if _dt(input) != _dt(weight):
        raise RuntimeError(f"prelu: Type promoting not supported. Got {_torch_name(_dt(input))} "
                           f"and {_torch_name(_dt(weight))}")
    nw = weight.numel()
    if nw != 1:
        if nd == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        c = input.shape[1] if nd > 1 else 1
        if c != nw:
            raise RuntimeError("Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {nw} and channel size = {c}.")
    if weight.ndim > 1:
        raise RuntimeError("prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = "
                           f"{weight.ndim}")

    def fn(v, w):
        if w.size > 1 and nd >= 2:
            w = fnp.reshape(w, (-1,) + (1,) * (nd - 2))
        return fnp.where(v > 0, v, w * v)
    return apply("PreluKernelBackward0", fn, [input, weight])


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    if training:
        from fungrad.torch._creation import _rng
        slope = _rng[0].uniform(lower, upper, tuple(input.shape)).astype(_dt(input))
    else:
        slope = (lower + upper) / 2
    name = _named(inplace, "RreluWithNoiseBackward0", "RreluWithNoiseBackward1")
    return _inplace_result(input, lambda x: apply(
        name, lambda v: fnp.where(v >= 0, v, v * slope), [x]), inplace)


def threshold(input, threshold, value, inplace=False):
    def fn(v):
        return fnp.where(v > threshold, v, fnp.full_like(v, value))
    name = _named(inplace, "ThresholdBackward0", "ThresholdBackward1")
    return _inplace_result(input, lambda x: apply(name, fn, [x]), inplace)


def threshold_(input, threshold, value):
    return globals()["threshold"](input, threshold, value, True)


# ---------------------------------------------------------------- linear
def _xwt(x, w):
    """x @ w.T as one dot_general contracting the last axes (torch's addmm layout): the weight's
    cotangent is then ct.T @ x, made C-contiguous by BLAS, not (x.T @ ct).T, a strided view
    that the grad accumulation would have to copy."""
    if fnp.ndim(w) == 2 and fnp.ndim(x) >= 1 and fnp.result_type(x) == fnp.result_type(w):
        return lax.dot_general(x, w, (((fnp.ndim(x) - 1,), (1,)), ((), ())))
    return fnp.matmul(x, fnp.transpose(w))


def linear(input, weight, bias=None):
    if input._value.dtype != weight._value.dtype:
        _linear_dtype_error(input, weight)
    if bias is None:
        return apply({2: "MmBackward0", 1: "MvBackward0"}.get(input.ndim, "UnsafeViewBackward0"),
                     _xwt, [input, weight])
    name = "AddmmBackward0" if input.ndim == 2 else "ViewBackward0"
    return apply(name, lambda x, w, b: _xwt(x, w) + b, [input, weight, bias], saved="linear")


def _linear_dtype_error(input, weight):
    """torch's error for F.linear's operands of two dtypes (its dot, mv or mm's)."""
    a, b = _dt(input), _dt(weight)
    if input.ndim == 1 and weight.ndim == 1:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_torch_name(a)} and {_torch_name(b)}")
    if weight.ndim == 1:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{_torch_name(b)}, {_torch_name(a)}, and {_torch_name(b)}")
    raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                       f"{_CPP_NAMES.get(a.name, a.name)} != {_CPP_NAMES.get(b.name, b.name)}")


_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
              "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
              "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def _size(t, d):
    """t.size(d) with torch's IndexError (a 0-d tensor: 'Dimension specified as d')."""
    if t.ndim == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    return t.shape[norm_dim(d, t.ndim)]


def bilinear(input1, input2, weight, bias=None):
    ops = [("input1", input1), ("input2", input2), ("weight", weight)]
    if bias is not None:
        ops.append(("bias", bias))
    if any(_dt(t) != _dt(input1) for _, t in ops):
        raise RuntimeError("All tensors must have the same dtype, got " + ", ".join(
            f"{n}: {_CPP_NAMES.get(_dt(t).name, _dt(t).name)}" for n, t in ops))
    nd = input1.ndim
    if nd != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {nd} and "
                           f"{input2.ndim}")
    for i in range(nd - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got "
                               f"{input1.shape[i]} and {input2.shape[i]}")
    for k, (n, t) in ((1, ops[0]), (2, ops[1])):
        w = _size(weight, k)
        if _size(t, -1) != w:
            raise RuntimeError(f"bilinear(): {n} size does not match weight size: got "
                               f"{_size(t, -1)} but expected {w}")
    if bias is not None and _size(bias, 0) != _size(weight, 0):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{_size(bias, 0)} but expected {_size(weight, 0)}")

    def fn(a, b, w, *bb):
        out = fnp.einsum("...i,oij,...j->...o", a, w, b)
        return out + bb[0] if bb else out
    args = [input1, input2, weight] + ([bias] if bias is not None else [])
    return apply("AddBackward0" if bias is not None else "ViewBackward0", fn, args)


# ---------------------------------------------------------------- dropout
def _mask(shape, p, dtype):
    from fungrad.torch._creation import _rng
    return (_rng[0].random(shape) >= p).astype(dtype) / dtype.type(1 - p)


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _check_noise_dtype(input):
    """ATen's errors drawing the dropout noise like the input and dividing it in place."""
    dt = _dt(input)
    if dt.kind == "c":
        raise NotImplementedError(f'"bernoulli_scalar_cpu_" not implemented for '
                                  f"'{_torch_name(dt)}'")
    if dt.kind in "biu":
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{_torch_name(dt)}")


def dropout(input, p=0.5, training=True, inplace=False):
    """Differs from torch: the mask comes from numpy's generator."""
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        return _inplace_result(input, lambda x: apply("MulBackward0", lambda v: v * 0.0, [x]),
                               inplace)
    _check_noise_dtype(input)
    mask = _mask(tuple(input.shape), p, _dt(input))
    # the mask is an operand (not a closure value), so the op's program is traced once per shape
    return _inplace_result(input, lambda x: apply("MulBackward0", _times, [x, mask]), inplace)


def _times(v, m):
    return v * m


def _feature_dropout(input, p, training, inplace, batched_ndim):
    _check_p(p)
    nd = input.ndim
    if batched_ndim == 3 and nd not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {nd}D input. Note "
                           "that dropout1d exists to provide channel-wise dropout on inputs with "
                           "1 spatial dimension, a channel dimension, and an optional batch "
                           "dimension (i.e. 2D or 3D inputs).")
    if not training or p == 0 or input.numel() == 0:
        return input
    # dropout1d/3d unsqueeze an unbatched input; ATen's feature noise needs 2 dims
    if (nd if batched_ndim == 4 or nd == batched_ndim else nd + 1) < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if p != 1:
        _check_noise_dtype(input)
    shp = tuple(input.shape)
    lead = 2 if input.ndim == batched_ndim else 1
    mask = _mask(shp[:lead] + (1,) * (len(shp) - lead), p, _dt(input))
    # the mask is an operand (not a closure value), so the op's program is traced once per shape
    return _inplace_result(input, lambda x: apply("MulBackward0", _times, [x, mask]), inplace)


def _times(v, m):
    return v * m


def dropout1d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, 4)


def dropout3d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, 5)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    _check_p(p)
    if not training or p == 0:
        return input
    from fungrad.torch._creation import _rng
    alpha_p = -_SELU_ALPHA * _SELU_SCALE
    keep = (_rng[0].random(tuple(input.shape)) >= p).astype(_dt(input))
    a = ((1 - p) * (1 + p * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * p
    return apply("AddBackward0", lambda x: a * (x * keep + alpha_p * (1 - keep)) + b, [input])


feature_alpha_dropout = alpha_dropout


# ---------------------------------------------------------------- sparse
def _index_array(t, op="embedding"):
    v = np.asarray(val(t))
    if v.dtype.kind not in "iu":
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           "following scalar types: Long, Int; but got "
                           f"{cpp_type_name(v.dtype)} instead (while "
                           f"checking arguments for {op})")
    return v


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    idx = _index_array(input)
    n = weight.shape[0]
    if padding_idx is not None and padding_idx < 0:
        padding_idx += n
    if max_norm is not None:
        from fungrad.torch._grad_mode import no_grad
        with no_grad():
            rows = np.unique(idx)
            w = np.asarray(weight._value)
            norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
            scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
            w[rows] = w[rows] * scale[:, None].astype(w.dtype)
            weight._vc.v += 1
    if padding_idx is None:
        return apply("EmbeddingBackward0", lambda w, *_i: w[idx], [weight] + kept(input))
    keep = (idx != padding_idx)[..., None]
    return apply("EmbeddingBackward0",
                 lambda w, *_i: fnp.where(keep, w[idx], lax.stop_gradient(w[idx])),
                 [weight] + kept(input))


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    # torch's Python-level checks, in its order
    if weight.dtype == int64 and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage "
                      "`embedding_bag(weight, input, ...)` is deprecated, and should now be "
                      "`embedding_bag(input, weight, ...)`.", stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.shape != per_sample_weights.shape:
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is "
                         f"not None, then it must have the same shape as the input "
                         f"({input.shape})")
    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.ndim}")
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is "
                             "a mini-batch of fixed length sequences. However, found offsets of "
                             f"type {type(offsets)}")
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.ndim}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    idx = _index_array(input, "embedding_bag")
    if idx.ndim == 2:
        bags = [np.arange(i * idx.shape[1], (i + 1) * idx.shape[1]) for i in range(idx.shape[0])]
        flat = idx.reshape(-1)
    else:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        offs = list(np.asarray(val(offsets)).tolist())
        ends = offs[1:] if include_last_offset else offs[1:] + [len(idx)]
        starts = offs[:-1] if include_last_offset else offs
        bags = [np.arange(s, e) for s, e in zip(starts, ends)]
        flat = idx
    if padding_idx is not None:
        if padding_idx < 0:
            padding_idx += weight.shape[0]
        bags = [b[flat[b] != padding_idx] for b in bags]
    psw = per_sample_weights

    nw = 1 if psw is not None else 0

    def fn(w, *ws):  # (per_sample_weights, then the indices and offsets torch saves)
        ws = ws[:nw]
        rows = w[flat]
        if ws:
            rows = rows * fnp.reshape(ws[0], (-1,) + (1,) * (rows.ndim - 1))
        outs = []
        for b in bags:
            if len(b) == 0:
                outs.append(fnp.zeros((w.shape[1],), w.dtype))
                continue
            sel = rows[b]
            if mode == "sum":
                outs.append(fnp.sum(sel, axis=0))
            elif mode == "mean":
                outs.append(fnp.sum(sel, axis=0) / len(b))
            else:
                outs.append(fnp.max(sel, axis=0))
        return fnp.stack(outs)
    return apply("EmbeddingBagBackward0", fn, [weight] + ([psw] if psw is not None else [])
                 + kept(input) + (kept(offsets) if idx.ndim == 1 else []))


def one_hot(tensor, num_classes=-1):
    v = np.asarray(val(tensor))
    if v.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        num_classes = int(v.max()) + 1 if v.size else 0
    if v.size and (v.min() < 0):
        raise RuntimeError("Class values must be non-negative.")
    if v.size and v.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _new((v[..., None] == np.arange(num_classes)).astype(np.int64))


# ---------------------------------------------------------------- normalization
def _bcast_channel(v, ndim):
    return fnp.reshape(v, (1, -1) + (1,) * (ndim - 2))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    """Normalizes over every dim but 1; in training updates running_mean/var in place (running_var
    with the unbiased batch variance, as torch)."""
    nd = input.ndim
    if training and nd >= 2 and input.numel() // input.shape[1] <= 1:  # F._verify_batch_size
        raise ValueError("Expected more than 1 value per channel when training, got input size "
                         f"{input.shape}")
    if input._value.size == 0:
        return apply("NativeBatchNormBackward0", lambda x: x + 0, [input])
    C = input.shape[1] if nd > 1 else 0
    for what, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None:
            if t.numel() != C:
                raise RuntimeError(f"{what} should contain {C} elements not {t.numel()}")
        elif not training and what.startswith("running"):
            raise RuntimeError(f"{what} must be defined in evaluation mode")
    _floating_only(input, "batch_norm")
    norm_dim(1, nd)  # torch's IndexError for a 0-d or 1-d input
    axes = (0,) + tuple(range(2, nd))
    n = input.numel() // input.shape[1]
    use_batch = training or running_mean is None
    if use_batch:
        if training and running_mean is not None:
            x = np.asarray(input._value)
            mean = x.mean(axis=axes, dtype=np.float64)
            varu = x.var(axis=axes, ddof=1, dtype=np.float64) if n > 1 else np.full_like(mean, np.nan)
            for buf, stat in ((running_mean, mean), (running_var, varu)):
                if buf is not None:
                    b = np.asarray(buf._value)  # the storage, as a plain ndarray view
                    np.copyto(b, ((1 - momentum) * b + momentum * stat.astype(b.dtype)).astype(b.dtype))
                    buf._vc.v += 1

        def norm(x):
            m = fnp.mean(x, axis=axes, keepdims=True)
            d = x - m
            var = fnp.mean(d * d, axis=axes, keepdims=True)
            return d / fnp.sqrt(var + eps)
    else:
        rm, rv = np.asarray(running_mean._value), np.asarray(running_var._value)

        def norm(x):
            return (x - _bcast_channel(rm, nd)) / fnp.sqrt(_bcast_channel(rv, nd) + eps)
    return _affine("NativeBatchNormBackward0", norm, input, weight, bias,
                   lambda v: _bcast_channel(v, nd))


def _affine(name, norm, input, weight, bias, shape_fn):
    args = [input]
    if weight is not None:
        args.append(weight)
    if bias is not None:
        args.append(bias)
    hw, hb = weight is not None, bias is not None

    def fn(x, *wb):
        y = norm(x)
        i = 0
        if hw:
            y = y * shape_fn(wb[i])
            i += 1
        if hb:
            y = y + shape_fn(wb[i])
        return y
    return apply(name, fn, args)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    _int_list_arg("layer_norm", "normalized_shape", 2, normalized_shape)
    shp = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shp)
    if tuple(input.shape[input.ndim - k:]) != shp:
        raise RuntimeError(f"Given normalized_shape={list(shp)}, expected input with shape "
                           f"[*, {', '.join(map(str, shp))}], but got input of size{list(input.shape)}")
    axes = tuple(range(input.ndim - k, input.ndim))

    def norm(x):
        m = fnp.mean(x, axis=axes, keepdims=True)
        d = x - m
        var = fnp.mean(d * d, axis=axes, keepdims=True)
        return d / fnp.sqrt(var + eps)
    return _affine("NativeLayerNormBackward0", norm, input, weight, bias, lambda v: v)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    _int_list_arg("rms_norm", "normalized_shape", 2, normalized_shape)
    shp = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    axes = tuple(range(input.ndim - len(shp), input.ndim))
    e = float(np.finfo(_dt(input)).eps) if eps is None else eps

    def norm(x):
        return x / fnp.sqrt(fnp.mean(x * x, axis=axes, keepdims=True) + e)
    return _affine("MulBackward0", norm, input, weight, None, lambda v: v)


def _aten_group_norm(input, num_groups, weight=None, bias=None, eps=1e-05,
                     cudnn_enabled=True):
    """torch.group_norm: the int argument parsed, ATen reads input.size(0) and size(1) first."""
    num_groups = _int_arg("group_norm", "num_groups", 2, num_groups)
    _size(input, 0)
    _size(input, 1)
    return group_norm(input, num_groups, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    shp = tuple(input.shape)
    N, C = shp[0], shp[1]
    if C % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {input.shape} and num_groups={num_groups}")
    nd = input.ndim

    def norm(x):
        g = fnp.reshape(x, (N, num_groups, -1))
        m = fnp.mean(g, axis=2, keepdims=True)
        d = g - m
        var = fnp.mean(d * d, axis=2, keepdims=True)
        return fnp.reshape(d / fnp.sqrt(var + eps), shp)
    return _affine("NativeGroupNormBackward0", norm, input, weight, bias,
                   lambda v: _bcast_channel(v, nd))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05):
    nd = input.ndim
    axes = tuple(range(2, nd))
    if use_input_stats and math.prod(tuple(input.shape)[2:]) == 1:  # F._verify_spatial_size
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{input.shape}")
    if use_input_stats and running_mean is not None:
        x = np.asarray(input._value)
        n = int(np.prod(x.shape[2:]))
        mean = x.mean(axis=axes, dtype=np.float64).mean(0)
        varu = (x.var(axis=axes, ddof=1, dtype=np.float64) if n > 1 else
                np.full(x.shape[:2], np.nan)).mean(0)
        for buf, stat in ((running_mean, mean), (running_var, varu)):
            b = np.asarray(buf._value)  # the storage, as a plain ndarray view
            np.copyto(b, ((1 - momentum) * b + momentum * stat.astype(b.dtype)).astype(b.dtype))
            buf._vc.v += 1
    if use_input_stats:
        def norm(x):
            m = fnp.mean(x, axis=axes, keepdims=True)
            d = x - m
            return d / fnp.sqrt(fnp.mean(d * d, axis=axes, keepdims=True) + eps)
    else:
        rm, rv = np.asarray(running_mean._value), np.asarray(running_var._value)

        def norm(x):
            return (x - _bcast_channel(rm, nd)) / fnp.sqrt(_bcast_channel(rv, nd) + eps)
    return _affine("ViewBackward0", norm, input, weight, bias,
                   lambda v: _bcast_channel(v, nd))


def local_response_norm(input, size, alpha=0.0001, beta=0.75, k=1.0):
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} "
                         f"dimensions)")
    C = input.shape[1]

    def fn(x):
        sq = x * x
        acc = []
        for c in range(C):
            lo, hi = max(0, c - size // 2), min(C, c + (size - 1) // 2 + 1)
            acc.append(fnp.sum(sq[:, lo:hi], axis=1) / size)
        div = fnp.stack(acc, axis=1)
        return x / (k + alpha * div) ** beta
    return apply("DivBackward0", fn, [input])


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    if _dt(input).kind not in "fc":  # input.norm(p, dim)
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_torch_name(_dt(input))}")
    if isinstance(dim, (tuple, list)):
        d = tuple(norm_dim(k, input.ndim) for k in dim)
        for k in d:
            if d.count(k) > 1:
                raise RuntimeError(f"dim {k} appears multiple times in the list of dims")
    else:
        d = norm_dim(dim, input.ndim)

    def fn(x):
        if p == 2:
            n = safe_root(fnp.sum(x * x, axis=d, keepdims=True), 2)
        elif p == 1:
            n = fnp.sum(tabs(x), axis=d, keepdims=True)
        else:
            n = safe_root(fnp.sum(tabs(x) ** p, axis=d, keepdims=True), p)
        return x / fnp.maximum(n, eps)
    return apply("DivBackward0", fn, [input], saved="normalize")


def _pnorm(x, p, axis, keepdims=False):
    if p == 2:
        return safe_root(fnp.sum(x * x, axis=axis, keepdims=keepdims), 2)
    if p == 1:
        return fnp.sum(tabs(x), axis=axis, keepdims=keepdims)
    if p == math.inf:
        return fnp.max(tabs(x), axis=axis, keepdims=keepdims)
    return safe_root(fnp.sum(tabs(x) ** p, axis=axis, keepdims=keepdims), p)


def pairwise_distance(x1, x2, p=2.0, eps=1e-06, keepdim=False):
    """torch's composition: the p-norm of x1 - x2 + eps over the last dim of the wider operand."""
    nd = max(x1.ndim, x2.ndim)
    d = M.add(M.sub(x1, x2), eps)
    ax = nd - 1 if nd else None

    def fn(v):
        if v.dtype.kind == "c":
            v = fnp.abs(v)
        return _pnorm(v, p, ax, keepdim)
    return apply("NormBackward1", fn, [d])


def cosine_similarity(x1, x2, dim=1, eps=1e-08):
    dt = common(x1, x2)
    if dt.kind != "f":
        raise RuntimeError("expected common dtype to be floating point, yet common dtype is "
                           f"{_torch_name(dt)}")
    _broadcast_shape(x1.shape, x2.shape)
    nd = max(x1.ndim, x2.ndim)
    d = norm_dim(dim, nd)

    def fn(a, b):
        na = fnp.sqrt(fnp.sum(a * a, axis=d))
        nb = fnp.sqrt(fnp.sum(b * b, axis=d))
        return fnp.sum(a * b, axis=d) / fnp.maximum(na * nb, eps)
    return apply("SumBackward1", fn, [x1, x2], saved="cosine_similarity")


def pdist(input, p=2):
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if _dt(input).kind != "f":
        raise RuntimeError("pdist only supports floating-point dtypes")
    n = input.shape[0]
    ii, jj = np.triu_indices(n, 1)
    return apply("PdistBackward0", lambda x: _pnorm(x[ii] - x[jj], p, 1), [input])


# ---------------------------------------------------------------- losses
def _legacy_reduction(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  "reduction='{}' instead.", UserWarning, stacklevel=3)
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return "mean"
    return "sum" if reduce else "none"


def _reduce(v, reduction):
    if reduction == "mean":
        return fnp.mean(v)
    if reduction == "sum":
        return fnp.sum(v)
    if reduction == "none":
        return v
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _check_reduction(reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _warn_size(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", UserWarning,
                      stacklevel=3)


def _pair(name, f, input, target, reduction, extra=(), saved=None, inexact=False):
    _check_reduction(reduction)
    dt = common(input, target, inexact=inexact)
    return apply(name, lambda a, b, *e: _reduce(f(cast(a, dt), cast(b, dt), *e), reduction),
                 [input, target] + list(extra), saved=saved)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    _kernel_dtype("mse_cpu", input, target)
    if weight is not None:
        return _pair("MeanBackward0", lambda a, b, w: w * (a - b) * (a - b), input, target,
                     reduction, [weight])
    return _pair("MseLossBackward0", lambda a, b: (a - b) * (a - b), input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """torch's composition: |input - target|, reduced (weighted: sum(w |d|) / sum(w))."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    err = M.sub(input, target).abs()
    if weight is not None:
        if tuple(weight.shape) != tuple(input.shape):
            raise ValueError("Weights and input must have the same size.")
        err = M.mul(err, weight)
        if reduction == "mean":
            return M.div(R.sum(err), R.sum(weight))
        if reduction not in ("none", "sum"):
            raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', "
                             "'mean', 'sum'.")
    return _apply_reduction(err, _reduction_enum(None, None, reduction))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    _kernel_dtype("smooth_l1_cpu", input, target)

    def f(a, b):
        d = a - b
        ad = fnp.where(d >= 0, d, -d)
        if beta == 0:
            return ad
        return fnp.where(ad < beta, 0.5 * d * d / beta, ad - 0.5 * beta)
    return _pair("SmoothL1LossBackward0", f, input, target, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    _warn_size(input, target)
    _check_inplace_dtype(_dt(input), common(input, target))  # the output is input-like
    _kernel_dtype("huber_cpu", input, target)

    def f(a, b, *w):
        d = a - b
        ad = fnp.where(d >= 0, d, -d)
        out = fnp.where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta))
        return out * w[0] if w else out
    return _pair("HuberLossBackward0", f, input, target, reduction,
                 [weight] if weight is not None else [])


def _nll(logp, t, w, ignore_index, reduction, plain=False):
    """logp (N, C), t (N,) class indices. ``plain``: no weight and no target equal to
    ignore_index (known from the concrete target): the same values with three operations
    instead of nine (every weight is 1, so sum(w) is N exactly and picked * 1 is picked)."""
    if plain and w is None:
        picked = -logp[fnp.arange(logp.shape[0]), t]
        if reduction == "mean":
            return fnp.sum(picked) / logp.shape[0]
        return fnp.sum(picked) if reduction == "sum" else picked
    keep = t != ignore_index
    safe = fnp.where(keep, t, 0)
    picked = -logp[fnp.arange(logp.shape[0]), safe]
    w = fnp.ones(picked.shape, logp.dtype) if w is None else cast(w, logp.dtype)[safe]
    w = fnp.where(keep, w, 0)
    losses = picked * w
    if reduction == "mean":
        return fnp.sum(losses) / fnp.sum(w)
    if reduction == "sum":
        return fnp.sum(losses)
    return losses


def _to_rows(lp, nd):
    """(N, C, d1, ...) -> (N*d1*..., C) with the class dim last."""
    if nd <= 2:
        return lp
    perm = (0,) + tuple(range(2, nd)) + (1,)
    x = fnp.transpose(lp, perm)
    return fnp.reshape(x, (-1, x.shape[-1]))


def _concrete(v):
    return isinstance(v, (np.ndarray, np.generic, int))


_MIN, _MAX = np.minimum.reduce, np.maximum.reduce


_I64, _U8 = np.dtype(np.int64), np.dtype(np.uint8)


def _check_nll(input, target, C, ignore_index):
    ishape = input._value.shape if isinstance(input, Tensor) else tuple(input.shape)
    nd = len(ishape)
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    tv = val(target)
    concrete = _concrete(tv)
    tshape = (tv.shape if type(tv) is np.ndarray else tuple(np.shape(tv))) if concrete else \
        tuple(tv.shape)
    if nd >= 2 and tshape[:1] != ishape[:1]:
        raise ValueError(f"Expected input batch_size ({ishape[0]}) to match target "
                         f"batch_size ({tshape[0] if tshape else 0}).")
    tdt = np.dtype(tv.dtype)
    if tdt != _I64 and tdt != _U8:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_torch_name(tdt)}")
    if nd == 1 and len(tshape) == 1 and tshape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                         f"{tshape[0]}")
    plain = False  # known to hold no target equal to ignore_index
    if concrete:
        t = tv if type(tv) is np.ndarray else np.asarray(tv)
        if t.size:
            # the ufuncs' reduce itself (t.min() goes through numpy's Python-level _methods)
            lo, hi = _MIN(t, None), _MAX(t, None)
            if lo < 0 or hi >= C:  # then look past ignore_index
                bad = t[t != ignore_index]
                if bad.size and (bad.min() < 0 or bad.max() >= C):
                    raise IndexError(f"Target {int(bad[(bad < 0) | (bad >= C)][0])} is out of "
                                     "bounds.")
            plain = not lo <= ignore_index <= hi
    return tshape, plain


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    nd = input.ndim
    C = input.shape[-1] if nd == 1 else (input.shape[1] if nd else 0)
    out_shape, plain = _check_nll(input, target, C, ignore_index)

    def fn(lp, t, *w):
        rows = fnp.reshape(lp, (1, -1)) if nd == 1 else _to_rows(lp, nd)
        out = _nll(rows, fnp.reshape(t, (-1,)), w[0] if w else None, ignore_index, reduction,
                   plain)
        if reduction == "none":
            return fnp.reshape(out, out_shape)
        return out
    name = "NllLossBackward0" if nd <= 2 else "NllLoss2DBackward0"
    if nd > 2 and reduction == "none":
        name = "ViewBackward0"
    return apply(name, fn, [input, target] + ([weight] if weight is not None else []))


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    cdim = 0 if input.ndim == 1 else 1
    # ATen: a target of the input's shape holds class probabilities
    probs = isinstance(target, Tensor) and tuple(target.shape) == tuple(input.shape)
    if probs and _dt(target).kind != "f":
        raise RuntimeError("Expected floating point type for target with class probabilities, "
                           f"got {_torch_name(_dt(target))}")
    C = _size(input, cdim)
    lp = _UNCHECKED["log_softmax"](input, cdim)  # (cross_entropy's own entry checked the input)
    nd = input.ndim
    wshape = (C,) + (1,) * (nd - cdim - 1)
    if probs:
        ls = label_smoothing
        count = lp.numel() / C if C else 0

        def fn(l, t, *w):
            if ls > 0:
                t = t * (1 - ls) + ls / C
            prod = l * t
            if w:
                prod = prod * fnp.reshape(w[0], wshape)
            loss = -fnp.sum(prod, axis=cdim)
            if reduction == "mean":
                return fnp.sum(loss) / count if count else fnp.sum(loss) * np.nan
            return fnp.sum(loss) if reduction == "sum" else loss
        name = "DivBackward1" if reduction == "mean" else "NegBackward0"
        return apply(name, fn, [lp, target] + ([weight] if weight is not None else []))
    nll = _UNCHECKED["nll_loss"](lp, target, weight, ignore_index=ignore_index,
                                  reduction=reduction)
    if label_smoothing == 0:
        return nll
    eps = label_smoothing

    def smooth(l, t, *w):
        ignore = t == ignore_index
        prod = l * fnp.reshape(w[0], wshape) if w else l
        s = -fnp.sum(prod, axis=cdim)
        s = fnp.where(ignore, 0.0 * s, s)
        if reduction == "mean":
            if w:
                den = fnp.sum(fnp.where(ignore, 0.0, w[0][fnp.where(ignore, 0, t)]))
            else:
                den = fnp.sum(fnp.where(ignore, 0.0, 1.0))
            return fnp.sum(s) / den
        return fnp.sum(s) if reduction == "sum" else s
    sm = apply("DivBackward0", smooth, [lp, target] + ([weight] if weight is not None else []))
    return M.add(M.mul(nll, 1 - eps), M.mul(sm, eps / C))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    _floating_only(input, "binary_cross_entropy")
    iv = np.asarray(val(input))
    if iv.size and ((iv < 0).any() or (iv > 1).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")

    def f(p, y, *w):
        lp = fnp.maximum(fnp.log(p), -100.0)
        l1p = fnp.maximum(fnp.log(1 - p), -100.0)
        out = -(y * lp + (1 - y) * l1p)
        return out * w[0] if w else out
    return _pair("BinaryCrossEntropyBackward0", f, input, target, reduction,
                 [weight] if weight is not None else [])


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    enum = _reduction_enum(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    return _aten_binary_cross_entropy_with_logits(input, target, weight, pos_weight, enum)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", UserWarning, stacklevel=2)
    n = input.shape[0] if input.ndim else 1
    kinds = _dt(input).kind + _dt(target).kind
    if "c" in kinds:
        raise RuntimeError("kl_div: Complex inputs not supported.")
    if kinds != "ff":
        raise RuntimeError("kl_div: Integral inputs not supported.")

    def f(x, t):
        if log_target:
            out = fnp.exp(t) * (t - x)
        else:  # xlogy(t, t) - t * x: NaN for a negative or NaN target, as torch
            pos = t > 0
            xl = fnp.where(pos, t * fnp.log(fnp.where(pos, t, 1.0)),
                           fnp.where(t == 0, 0.0 * t, np.nan))
            out = xl - t * x
        if reduction == "batchmean":
            return fnp.sum(out) / n
        return _reduce(out, reduction)
    name = {"batchmean": "DivBackward0", "mean": "MeanBackward0",
            "sum": "SumBackward0"}.get(reduction, "SubBackward0")
    dt = common(input, target)
    return apply(name, lambda a, b: f(cast(a, dt), cast(b, dt)), [input, target])


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    return _aten_cosine_embedding_loss(input1, input2, target, margin,
                                      _reduction_enum(size_average, reduce, reduction))


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but "
                           f"got sizes: input1: {input1.shape}, input2: {input2.shape}, target: "
                           f"{target.shape} ")
    return _aten_margin_ranking_loss(input1, input2, target, margin, enum)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _aten_triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, enum)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, pd, n = anchor.ndim, positive.ndim, negative.ndim
    if not a == pd == n:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {a}D, positive {pd}D, and "
                           f"negative {n}D inputs")
    dist = distance_function or pairwise_distance
    dap = dist(anchor, positive)
    dan = dist(anchor, negative)
    if swap:
        dan = M.minimum(dan, dist(positive, negative))
    loss = M.clamp(M.add(M.sub(dap, dan), margin), min=0.0)
    return {"mean": R.mean, "sum": R.sum}.get(reduction, lambda x: x)(loss)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    return _aten_hinge_embedding_loss(input, target, margin,
                                     _reduction_enum(size_average, reduce, reduction))


_BOOL_SUB = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
             "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
_BOOL_NEG = ("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
             "invert a mask, use the `~` or `logical_not()` operator instead.")


def _kernel_dtype(kernel, input, target):
    """torch's NotImplementedError where a loss kernel gets a non-floating common dtype."""
    dt = common(input, target)
    if dt.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_torch_name(dt)}\'')


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    # ATen: neg(input).mul_(target).exp_().log1p_()
    if _dt(input) == np.bool_:
        raise RuntimeError(_BOOL_NEG)
    _check_inplace_shape(input, target)
    dt = common(input, target)
    _check_inplace_dtype(_dt(input), dt)
    if dt.kind in "biu":
        _check_inplace_dtype(dt, np.dtype(np.float32))
    return _pair("SoftMarginLossBackward0", lambda x, y: fnp.log1p(fnp.exp(-y * x)), input,
                 target, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _floating_only(input, "log_sigmoid_cpu")
    if isinstance(target, Tensor) and _dt(target) == np.bool_:  # 1 - target
        raise RuntimeError(_BOOL_SUB)
    C = _size(input, input.ndim - 1)
    dt = common(input, target)

    def f(x, y, *w):
        y = cast(y, dt) if dt.kind == "f" else y  # an integer target: the input's float dtype
        ls = -fnp.logaddexp(0.0, -x)
        lns = -fnp.logaddexp(0.0, x)
        loss = -(y * ls + (1 - y) * lns)
        if w:
            loss = loss * w[0]
        return _reduce(fnp.sum(loss, axis=-1) / C, reduction)
    return apply(_red_name(reduction, "DivBackward0"), f,
                 [input, target] + ([weight] if weight is not None else []))


def _red_name(reduction, none_name):
    return {"mean": "MeanBackward0", "sum": "SumBackward0"}.get(reduction, none_name)


# ---------------------------------------------------------------- torch's top-level loss ops
# torch.<loss>(..., reduction: int) as ATen composes them (nn.functional's losses above call
# them, as torch's do); reduction 0 none, 1 mean, 2 sum; torch's Python binding gives 0 by default
_ENUM = {"none": 0, "mean": 1, "sum": 2}


def _reduction_enum(size_average, reduce, reduction):
    r = _legacy_reduction(size_average, reduce, reduction)
    if r == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' "
                      "instead.", UserWarning, stacklevel=3)
        r = "mean"
    if r not in _ENUM:
        raise ValueError(f"{r} is not a valid value for reduction")
    return _ENUM[r]


def _apply_reduction(out, reduction):
    if reduction == 1:
        return R.mean(out)
    return R.sum(out) if reduction == 2 else out


def _broadcast_shape(a, b):
    """The broadcast of shapes ``a`` and ``b``, with torch's error where they do not."""
    n = len(a) if len(a) > len(b) else len(b)
    pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    for i in range(n):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            raise RuntimeError(f"The size of tensor a ({pa[i]}) must match the size of tensor b "
                               f"({pb[i]}) at non-singleton dimension {i}")
    return tuple(x if x != 1 else y for x, y in zip(pa, pb))


def _check_inplace_shape(out, other):
    """torch's error where ``other`` does not broadcast into ``out``'s shape (an in-place op)."""
    a = tuple(out.shape)
    full = _broadcast_shape(a, tuple(other.shape))
    if full != a:
        raise RuntimeError(f"output with shape {list(a)} doesn't match the broadcast shape "
                           f"{list(full)}")


def _check_inplace_dtype(out_dt, res_dt):
    if out_dt != res_dt and (out_dt.kind in "biu" and res_dt.kind in "fc"
                             or out_dt.kind == "f" and res_dt.kind == "c"):
        raise RuntimeError(f"result type {_torch_name(res_dt)} can't be cast to the desired "
                           f"output type {_torch_name(out_dt)}")


def _clamp_min0(x):
    """x.clamp_min_(0) of torch's loss compositions."""
    if _dt(x).kind == "c":
        raise NotImplementedError("clamp is not supported for complex types")
    return apply("ClampMinBackward0", lambda v: fnp.where(v < 0, fnp.zeros_like(v), v), [x])


def _aten_hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    zeros = zeros_like(input)
    diff = M.sub(float(margin), input)
    if _dt(input).kind in "biu":  # torch's result keeps the input's integral dtype
        diff = diff.to(zeros.dtype)
    margin_clamp = _clamp_min0(diff)
    out = M.add(M.where(M.ne(target, 1), margin_clamp, zeros),
                M.where(M.ne(target, -1), input, zeros))
    return _apply_reduction(out, reduction)


def _aten_margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    diff = M.sub(input1, input2)
    if _dt(target) == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator "
                           "instead.")
    out = _clamp_min0(M.add(M.mul(M.neg(target), diff), float(margin)))
    return _apply_reduction(out, reduction)


def _aten_cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    td = target.ndim
    if td not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = 2 if td == 1 else 1
    if input1.ndim != want or input2.ndim != want:
        raise RuntimeError(f"{td}D target tensor expects {want}D input tensors, but found inputs "
                           f"with sizes {list(input1.shape)} and {list(input2.shape)}.")
    prod = R.sum(M.mul(input1, input2), td)
    m1 = M.add(R.sum(M.mul(input1, input1), td), 1e-12)
    m2 = M.add(R.sum(M.mul(input2, input2), td), 1e-12)
    cos = M.div(prod, M.sqrt(M.mul(m1, m2)))
    zeros = zeros_like(cos)
    out = M.add(M.where(M.eq(target, 1), M.sub(1, cos), zeros),
                M.where(M.eq(target, -1), _clamp_min0(M.sub(cos, float(margin))), zeros))
    return _apply_reduction(out, reduction)


def _aten_triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False,
                             reduction=0):
    a, pd, n = anchor.ndim, positive.ndim, negative.ndim
    if not a == pd == n:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {a}D, positive {pd}D, and "
                           f"negative {n}D inputs")
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = M.minimum(dist_neg, pairwise_distance(positive, negative, p, eps))
    return _apply_reduction(_clamp_min0(M.sub(M.add(dist_pos, float(margin)), dist_neg)),
                            reduction)


_MISSING = object()  # an argument torch's top-level op requires that the call left out


def _require(name, **args):
    """torch's TypeError for required arguments a top-level op was not given (torch's wording)."""
    missing = [n for n, v in args.items() if v is _MISSING]
    if missing:
        raise TypeError(f"{name}() missing {len(missing)} required positional "
                        f"argument{'s' if len(missing) == 1 else ''}: "
                        + ", ".join(f'"{n}"' for n in missing))


_REDUCTION_NAME = {0: "none", 1: "mean", 2: "sum"}


def _aten_dropout(input, p=_MISSING, train=_MISSING):
    _require("dropout", p=p, train=train)
    return dropout(input, p, train)


def _aten_alpha_dropout(input, p=_MISSING, train=_MISSING):
    _require("alpha_dropout", p=p, train=train)
    return alpha_dropout(input, p, train)


def _aten_feature_alpha_dropout(input, p=_MISSING, train=_MISSING):
    _require("feature_alpha_dropout", p=p, train=train)
    return feature_alpha_dropout(input, p, train)


def _aten_batch_norm(input, weight, bias, running_mean=_MISSING, running_var=_MISSING,
                     training=_MISSING, momentum=_MISSING, eps=_MISSING, cudnn_enabled=_MISSING):
    """torch.batch_norm: ATen's argument order (weight and bias first), all required."""
    _require("batch_norm", running_mean=running_mean, running_var=running_var, training=training,
             momentum=momentum, eps=eps, cudnn_enabled=cudnn_enabled)
    return batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def _aten_instance_norm(input, weight=_MISSING, bias=_MISSING, running_mean=_MISSING,
                        running_var=_MISSING, use_input_stats=_MISSING, momentum=_MISSING,
                        eps=_MISSING, cudnn_enabled=_MISSING):
    _require("instance_norm", weight=weight, bias=bias, running_mean=running_mean,
             running_var=running_var, use_input_stats=use_input_stats, momentum=momentum,
             eps=eps, cudnn_enabled=cudnn_enabled)
    return instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                         momentum, eps)


def _aten_poisson_nll_loss(input, target, log_input=_MISSING, full=_MISSING, eps=_MISSING,
                           reduction=_MISSING):
    _require("poisson_nll_loss", log_input=log_input, full=full, eps=eps, reduction=reduction)
    return poisson_nll_loss(input, target, log_input, full, eps=eps,
                            reduction=_REDUCTION_NAME.get(reduction, "none"))


def _aten_binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None,
                                          reduction=0):
    """One node, as torch's (its checks: log_sigmoid's dtype, then (1 - target) written in place
    with input's product)."""
    _floating_only(input, "log_sigmoid_cpu")
    if _dt(target) == np.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    _check_inplace_shape(target, input)
    dt = common(target, input)
    _check_inplace_dtype(_dt(target), dt)
    hw, hp = weight is not None, pos_weight is not None

    def f(x, y, *e):
        x, y = cast(x, dt), cast(y, dt)
        sp = fnp.log1p(fnp.exp(-tabs(x))) + fnp.maximum(-x, 0)  # log(1 + exp(-x))
        if hp:
            pw = e[1] if hw else e[0]
            out = (1 - y) * x + (1 + (pw - 1) * y) * sp
        else:
            out = (1 - y) * x + sp
        out = out * e[0] if hw else out
        return fnp.mean(out) if reduction == 1 else (fnp.sum(out) if reduction == 2 else out)
    extra = ([weight] if hw else []) + ([pos_weight] if hp else [])
    return apply("BinaryCrossEntropyWithLogitsBackward0", f, [input, target] + extra)


def _check_multilabel_margin(input, target):
    """ATen's checks of multilabel_margin_loss, in its order."""
    nd, shp, tshp = input.ndim, list(input.shape), list(target.shape)
    if not ((nd == 2 and shp[1] != 0) or (nd == 1 and shp[0] != 0) or nd == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {shp}")
    if nd <= 1:
        ok = target.ndim <= 1 and target.numel() == (shp[0] if nd else 1)
    else:
        ok = target.ndim == 2 and tshp == shp
    if not ok:
        raise RuntimeError(f"inconsistent target size: {tshp} for input of size: {shp}")
    if input.numel() == 0:
        return
    tv = np.asarray(val(target))
    if tv.dtype.kind == "c":
        raise NotImplementedError(f'"min_all" not implemented for \'{_torch_name(tv.dtype)}\'')
    lo, hi = tv.min(), tv.max()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError("value cannot be converted to type int64_t without overflow")
    if int(lo) < -1 or int(hi) >= (shp[-1] if nd else 1):
        raise RuntimeError("argument #2 'target' is out of range")
    _floating_only(input, "multilabel_margin_loss_forward_out_frame")
    if tv.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {_torch_name(tv.dtype)}")


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_multilabel_margin(input, target)
    if input.numel() == 0:  # torch leaves its output unwritten
        return apply("MultilabelMarginLossBackward0",
                     lambda x: _reduce(fnp.sum(x, axis=-1), reduction), [input])
    tv = np.asarray(val(target))
    if tv.ndim <= 1:
        tv = tv.reshape(1, -1)
    C = tv.shape[1]
    masks = []
    for row in tv:
        tgt = []
        for c in row:
            if c < 0:
                break
            tgt.append(int(c))
        m = np.zeros((C, C))
        is_t = np.zeros(C, bool)
        is_t[tgt] = True
        for j in tgt:
            m[j, ~is_t] = 1
        masks.append(m)
    mask = np.asarray(masks, _dt(input))
    one = input.ndim <= 1

    def f(x, *_t):
        x2 = fnp.reshape(x, (1, -1)) if one else x
        diff = 1 - (x2[:, :, None] - x2[:, None, :])
        loss = fnp.sum(fnp.maximum(diff, 0.0) * mask, axis=(1, 2)) / C
        loss = loss[0] if one else loss
        return _reduce(loss, reduction)
    return apply("MultilabelMarginLossBackward0", f, [input] + kept(target))


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    nd, shp = input.ndim, list(input.shape)
    if not ((nd == 2 and shp[1] != 0) or (nd == 1 and shp[0] != 0) or nd == 0):  # ATen's checks
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {shp}")
    nframe, C = (1 if nd <= 1 else shp[0]), (shp[-1] if nd else 1)
    if target.ndim > 1 or target.numel() != nframe:
        raise RuntimeError(f"inconsistent target size, expected {nframe} but got "
                           f"{list(target.shape)}")
    if _dt(target) != _I64:
        raise RuntimeError(f"expected scalar type Long but found {_torch_name(_dt(target))}")
    tv = np.asarray(val(target)).reshape(-1)
    if tv.size and (tv.min() < 0 or tv.max() >= C):
        raise RuntimeError("target out of range")
    one = nd <= 1

    nw = 1 if weight is not None else 0

    def f(x, *w):  # (the weight, then the target torch saves)
        w = w[:nw]
        x2 = fnp.reshape(x, (1, -1)) if one else x
        xy = x2[np.arange(len(tv)), tv][:, None]
        z = fnp.maximum(margin - xy + x2, 0.0)
        if p == 2:
            z = z * z
        if w:
            z = z * w[0][tv][:, None]
        z = fnp.where(np.arange(C)[None, :] == tv[:, None], 0.0 * z, z)
        loss = fnp.sum(z, axis=1) / C
        return _reduce(loss[0] if one else loss, reduction)
    return apply("MultiMarginLossBackward0", f, [input] + ([weight] if weight is not None else [])
                 + kept(target))


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-08,
                     reduce=None, reduction="mean"):
    reduction = _legacy_reduction(size_average, reduce, reduction)

    def f(x, t):
        loss = fnp.exp(x) - t * x if log_input else x - t * fnp.log(x + eps)
        if full:
            safe = fnp.where(t > 1, t, 2.0)
            st = safe * fnp.log(safe) - safe + 0.5 * fnp.log(2 * math.pi * safe)
            loss = loss + fnp.where(t > 1, st, 0.0)
        return loss
    return _pair(_red_name(reduction, "SubBackward0"), f, input, target, reduction,
                 saved="poisson_nll_loss", inexact=True)  # exp/log of integers: float32


def gaussian_nll_loss(input, target, var, full=False, eps=1e-06, reduction="mean"):
    # torch's Python-level checks, in its order
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = M.mul(var, ones_like(input))
    elif _dt(var).kind == "c":  # var < 0
        raise NotImplementedError(f'"lt_cpu" not implemented for \'{_torch_name(_dt(var))}\'')
    elif R.any(M.lt(var, 0)):
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape)[:-1] == tuple(var.shape):
            pass  # unsqueezed below
        elif not (input.ndim == var.ndim and sum(
                y for x, y in zip(input.shape, var.shape) if x != y) == 1):  # heteroscedastic
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if _dt(var).kind in "biu":  # var.clamp_(min=eps) in place
        raise RuntimeError("result type Float can't be cast to the desired output type "
                           f"{_CPP_NAMES.get(_dt(var).name, _dt(var).name)}")

    def f(x, t, v):
        if v.ndim < x.ndim:
            v = fnp.expand_dims(v, -1)
        v = fnp.maximum(v, eps) + 0.0 * lax.stop_gradient(v)
        loss = 0.5 * (fnp.log(v) + (x - t) ** 2 / v)
        if full:
            loss = loss + 0.5 * math.log(2 * math.pi)
        return _reduce(loss, reduction)
    return apply(_red_name(reduction, "MulBackward0"), f, [input, target, var])


# ---------------------------------------------------------------- padding
def _pad_widths(pad, ndim):
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input "
                           "dimension but got padding length "
                           f"{len(pad)} and input of dimension {ndim}")
    widths = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        widths[ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return widths


def _pad_index(n, lo, hi, mode):
    """Source indices of a padded axis of length n (reflect/replicate/circular)."""
    idx = np.arange(-lo, n + hi)
    if mode == "replicate":
        return np.clip(idx, 0, n - 1)
    if mode == "circular":
        return idx % n
    if mode == "reflect":
        period = 2 * (n - 1)
        m = np.abs(idx) % period if period else np.zeros_like(idx)
        return np.where(m >= n, period - m, m)
    raise NotImplementedError(mode)


def _constant_pad(x, widths, value):
    for d, (lo, hi) in enumerate(widths):
        if lo == 0 and hi == 0:
            continue
        if lo < 0:
            x = x[(slice(None),) * d + (slice(-lo, None),)]
            lo = 0
        if hi < 0:
            x = x[(slice(None),) * d + (slice(0, x.shape[d] + hi),)]
            hi = 0
        parts = []
        if lo:
            shp = list(x.shape)
            shp[d] = lo
            parts.append(fnp.full(tuple(shp), value, x.dtype))
        parts.append(x)
        if hi:
            shp = list(x.shape)
            shp[d] = hi
            parts.append(fnp.full(tuple(shp), value, x.dtype))
        x = fnp.concatenate(parts, axis=d)
    return x


def _pad_fn(widths, mode, value):
    if mode == "constant":
        return lambda x: _constant_pad(x, widths, value)

    def fn(x):
        for d, (lo, hi) in enumerate(widths):
            if lo or hi:
                idx = _pad_index(x.shape[d], lo, hi, mode)
                x = fnp.take(x, idx, axis=d)
        return x
    return fn


def pad(input, pad, mode="constant", value=None):
    _int_list_arg("pad", "pad", 2, pad)
    widths = _pad_widths(pad, input.ndim)
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    name = {"constant": "ConstantPadNdBackward0", "reflect": "ReflectionPad{}DBackward0",
            "replicate": "ReplicationPad{}DBackward0",
            "circular": "torch::autograd::CopySlices"}[mode]
    name = name.format(len(pad) // 2)
    return apply(name, _pad_fn(widths, mode, 0.0 if value is None else value), [input])


# ---------------------------------------------------------------- convolution (im2col)
def _tuple(v, n):
    if isinstance(v, (tuple, list)):
        if len(v) == 1 and n > 1:
            return tuple(v) * n
        return tuple(int(a) for a in v)
    return (int(v),) * n


def _patch_index(in_sizes, k, stride, dilation):
    """Per spatial dim: (out size, index array [out, k]) into the (padded) input."""
    res = []
    for n, kk, s, d in zip(in_sizes, k, stride, dilation):
        out = (n - d * (kk - 1) - 1) // s + 1
        if out <= 0:
            return None
        res.append((out, np.arange(out)[:, None] * s + np.arange(kk)[None, :] * d))
    return res


def _gather_patches(x, idx):
    """x (N, C, *sp) -> (N, C, *out, *k) patches, by integer-array indexing per spatial dim."""
    nsp = len(idx)
    if nsp == 1:
        return x[:, :, idx[0][1]]
    if nsp == 2:
        ih = idx[0][1][:, None, :, None]
        iw = idx[1][1][None, :, None, :]
        return x[:, :, ih, iw]
    i0 = idx[0][1][:, None, None, :, None, None]
    i1 = idx[1][1][None, :, None, None, :, None]
    i2 = idx[2][1][None, None, :, None, None, :]
    return x[:, :, i0, i1, i2]


def _convnd(input, weight, bias, stride, padding, dilation, groups, nsp, name="ConvolutionBackward0"):
    unbatched = input.ndim == nsp + 1
    if unbatched:
        input = S.unsqueeze(input, 0)
    if input.ndim != nsp + 2:
        raise RuntimeError(f"Expected {nsp + 1}D (unbatched) or {nsp + 2}D (batched) input to "
                           f"conv{nsp}d, but got input of size: {list(input.shape)}")
    stride, dilation = _tuple(stride, nsp), _tuple(dilation, nsp)
    C = input.shape[1]
    O, Cg = weight.shape[0], weight.shape[1]
    k = tuple(weight.shape[2:])
    if Cg * groups != C:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
                           f"input{list(input.shape)} to have {Cg * groups} channels, but got "
                           f"{C} channels instead")
    sp = tuple(input.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            pads = [(0, 0)] * nsp
        elif padding == "same":
            pads = []
            for kk, d in zip(k, dilation):
                tot = d * (kk - 1)
                pads.append((tot // 2, tot - tot // 2))
        else:
            raise ValueError(f"Invalid padding string '{padding}'")
    else:
        pads = [(p, p) for p in _tuple(padding, nsp)]
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(sp, pads))
    idx = _patch_index(padded, k, stride, dilation)
    if idx is None:
        raise RuntimeError("Calculated padded input size per channel: "
                           f"({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(str(d * (kk - 1) + 1) for kk, d in zip(k, dilation))})."
                           " Kernel size can't be greater than actual input size")
    hb = bias is not None

    def fn(x, w, *b):
        y = lax.conv_general_dilated(x, w, stride, list(pads), rhs_dilation=dilation,
                                     feature_group_count=groups)
        if b:
            y = y + fnp.reshape(b[0], (1, O) + (1,) * nsp)
        return y
    out = apply(name, fn, [input, weight] + ([bias] if hb else []))
    return S.squeeze(out, 0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 3)


def _conv_transposend(input, weight, bias, stride, padding, output_padding, groups, dilation, nsp):
    """The transpose of convolution: dilate the input by ``stride`` (zeros between entries), pad
    by ``dilation*(k-1)-padding`` and convolve with the flipped, channel-swapped kernel."""
    if input.ndim not in (nsp + 1, nsp + 2):
        raise RuntimeError(f"Expected {nsp + 1}D (unbatched) or {nsp + 2}D (batched) input to "
                           f"conv_transpose{nsp}d, but got input of size: {list(input.shape)}")
    if weight.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    unbatched = input.ndim == nsp + 1
    if unbatched:
        input = S.unsqueeze(input, 0)
    stride, padding = _tuple(stride, nsp), _tuple(padding, nsp)
    output_padding, dilation = _tuple(output_padding, nsp), _tuple(dilation, nsp)
    Cin, Og = weight.shape[0], weight.shape[1]
    k = tuple(weight.shape[2:])
    pads = [(d * (kk - 1) - p, d * (kk - 1) - p + op)
            for kk, d, p, op in zip(k, dilation, padding, output_padding)]
    hb = bias is not None
    flip_axes = tuple(range(2, 2 + nsp))
    Cg = Cin // groups
    O = Og * groups

    def fn(x, w, *b):
        wf = fnp.flip(w, axis=flip_axes)                     # Cin, O/g, *k
        wf = fnp.reshape(wf, (groups, Cg, Og) + k)
        wf = fnp.transpose(wf, (0, 2, 1) + tuple(range(3, 3 + nsp)))
        wf = fnp.reshape(wf, (O, Cg) + k)
        y = lax.conv_general_dilated(x, wf, (1,) * nsp, pads, lhs_dilation=stride,
                                     rhs_dilation=dilation, feature_group_count=groups)
        if b:
            y = y + fnp.reshape(b[0], (1, O) + (1,) * nsp)
        return y
    out = apply("ConvolutionBackward0", fn, [input, weight] + ([bias] if hb else []))
    return S.squeeze(out, 0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transposend(input, weight, bias, stride, padding, output_padding, groups,
                             dilation, 1)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transposend(input, weight, bias, stride, padding, output_padding, groups,
                             dilation, 2)


def _pair_of(x):
    """F._pair: a sequence (a tensor too) as a tuple, a number twice."""
    if isinstance(x, Tensor) and x.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return tuple(x) if isinstance(x, (tuple, list, Tensor)) else (x, x)


# col2im's output_size is a SymInt[2] (its other arguments int[2]): torch reads a one-element bool
# tensor in it as a Scalar that is not integral (an int[2] takes it as 0 or 1)
_SYMINT = {("col2im", "output_size")}


def _window_args(op, order, **args):
    """im2col/col2im's int[2] arguments as tuples, with ATen's checks in its ``order``."""
    out = {}
    for name, v in args.items():
        v = _pair_of(v)
        for i, e in enumerate(v):  # torch's argument parser for int[2]
            if isinstance(e, Tensor) and e.numel() == 1 and _dt(e).kind in "iub":
                if _dt(e).kind == "b" and (op, name) in _SYMINT:
                    raise RuntimeError("Expected scalar.isIntegral( false) to be true, but got "
                                       "false.  (Could this error message be improved?  If so, "
                                       "please report an enhancement request to PyTorch.)")
                continue
            if type(e) is not int:
                raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, but found "
                                f"element of type {type(e).__name__} at pos {i}")
            if not -2 ** 63 <= e < 2 ** 63:
                raise TypeError(f"{op}(): argument '{name}' failed to unpack the object at pos "
                                f"{i + 1} with error \"Overflow when unpacking long long\"")
        if len(v) != 2:
            raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(v)}")
        out[name] = tuple(int(a) for a in v)
    checks = {"kernel_size": ("kernel size should be greater than zero", "kernel", 1),
              "dilation": ("dilation should be greater than zero", "dilation", 1),
              "padding": ("padding should be non-negative", "pad", 0),
              "stride": ("stride should be greater than zero", "stride", 1)}
    for name in order:
        what, short, least = checks[name]
        h, w = out[name]
        if h < least or w < least:
            raise RuntimeError(f"{what}, but got {short}_height: {h} {short}_width: {w}")
    return out


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    a = _window_args("im2col", ("kernel_size", "dilation", "padding", "stride"),
                     kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride)
    k, d, p, s = a["kernel_size"], a["dilation"], a["padding"], a["stride"]
    nd = input.ndim
    norm_dim(1, nd)  # ATen reads input.size(1) and input.size(2)
    norm_dim(2, nd)
    shp = tuple(input.shape)
    if not ((nd == 3 and all(shp)) or (nd == 4 and all(shp[1:]))):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor input with possibly 0 batch size "
                           f"and non-zero dimensions for input, but got: {list(shp)}")
    unbatched = nd == 3
    N, C, H, W = (1,) + shp if unbatched else shp
    idx = _patch_index((H + 2 * p[0], W + 2 * p[1]), k, s, d)
    L = idx[0][0] * idx[1][0]

    def fn(x):
        x = fnp.reshape(x, (N, C, H, W))
        x = _constant_pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])], 0.0)
        pt = _gather_patches(x, idx)                  # N, C, oh, ow, kh, kw
        pt = fnp.transpose(pt, (0, 1, 4, 5, 2, 3))
        out = (C * k[0] * k[1], L)
        return fnp.reshape(pt, out if unbatched else (N,) + out)
    return apply("Im2ColBackward0", fn, [input])


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    a = _window_args("col2im", ("kernel_size", "stride", "dilation", "padding"),
                     output_size=output_size, kernel_size=kernel_size, dilation=dilation,
                     padding=padding, stride=stride)
    osz, k = a["output_size"], a["kernel_size"]
    d, p, s = a["dilation"], a["padding"], a["stride"]
    nd, shp = input.ndim, tuple(input.shape)
    if not ((nd == 2 and all(shp)) or (nd == 3 and all(shp[1:]))):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch "
                           f"size and non-zero dimensions for input, but got: {list(shp)}")
    unbatched = nd == 2
    N, CK, Lin = (1,) + shp if unbatched else shp
    if CK % (k[0] * k[1]):
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product of "
                           f"kernel_size, but got input.size(1)={CK} and kernel_size=({k[0]}, "
                           f"{k[1]}).")
    C = CK // (k[0] * k[1])
    Hp, Wp = osz[0] + 2 * p[0], osz[1] + 2 * p[1]
    idx = _patch_index((Hp, Wp), k, s, d)
    oh, ow = idx[0][0], idx[1][0]
    if Lin != oh * ow:
        raise RuntimeError(f"Given output_size=({osz[0]}, {osz[1]}), kernel_size=({k[0]}, {k[1]}), "
                           f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), stride=({s[0]}, "
                           f"{s[1]}), expected size of input's dimension 2 to match the calculated "
                           f"number of sliding blocks {oh} * {ow} = {oh * ow}, but got "
                           f"input.size(2)={Lin}.")
    rows = idx[0][1][:, None, :, None] + np.zeros((1, ow, 1, k[1]), int)
    cols = idx[1][1][None, :, None, :] + np.zeros((oh, 1, k[0], 1), int)
    flat = (rows * Wp + cols).reshape(-1)                  # (oh, ow, kh, kw)

    def fn(x):
        v = fnp.reshape(x, (N, C, k[0], k[1], oh, ow))
        v = fnp.reshape(fnp.transpose(v, (0, 1, 4, 5, 2, 3)), (N * C, -1))
        onehot = (flat[:, None] == np.arange(Hp * Wp)[None, :]).astype(v.dtype)
        out = fnp.reshape(fnp.matmul(v, onehot), (N, C, Hp, Wp))
        out = out[:, :, p[0]:p[0] + osz[0], p[1]:p[1] + osz[1]]
        return out[0] if unbatched else out
    return apply("Col2ImBackward0", fn, [input])


# ---------------------------------------------------------------- pooling
def _int_list_arg(op, name, pos, v):
    """torch's argument parser for an int[] argument (an int, a sequence of ints or a
    one-element integer tensor), its TypeError and overflow ValueError."""
    if v is None or (isinstance(v, Tensor) and v.numel() == 1 and _dt(v).kind in "iu"):
        return
    items = v if isinstance(v, (tuple, list)) else [v]
    if isinstance(v, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be tuple of ints, not "
                        "Tensor")
    for i, o in enumerate(items):
        if isinstance(o, Tensor) and o.numel() == 1 and _dt(o).kind in "iu":
            continue
        if type(o) is not int:
            raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be tuple of ints, "
                            f"but found element of type {type(o).__name__} at pos {i}")
        if not -2 ** 63 <= o < 2 ** 63:
            raise ValueError("Overflow when unpacking long long")


def _check_pool(input, nsp, kind, **args):
    """torch's checks of a max/avg pool's arguments and input rank, before the window's."""
    op = f"{kind}_pool{nsp}d"
    for pos, (name, v) in enumerate(args.items(), 2):
        _int_list_arg(op, name, pos, v)
    nd = input.ndim
    if nsp == 1 and kind == "avg" and nd not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {nd}-dimensional tensor for "
                           "argument #1 'self' (while checking arguments for avg_pool1d)")
    if nsp == 1 and kind == "max" and nd not in (2, 3):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim "
                           f"batch size for input, but got:{list(input.shape)}")
    if nsp == 2 and kind == "avg":
        norm_dim(-3, nd)  # ATen reads input.size(-3)
    if nsp == 2 and kind == "max" and nd not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")


def _window_starts(outs, k, s, d):
    """Per spatial dim, (output size, the input positions each window takes)."""
    return [(o, np.arange(o)[:, None] * ss + np.arange(kk)[None, :] * dd)
            for o, kk, ss, dd in zip(outs, k, s, d)]


def _avg_counts(sp, pads, outs, k, s, d, count_include_pad, divisor_override):
    """The number of entries each average-pooling window divides by."""
    nsp = len(sp)
    idx = _window_starts(outs, k, s, d)
    kaxes = tuple(range(2 + nsp, 2 + 2 * nsp))
    inside = np.pad(np.ones(sp), [(lo, hi) for lo, hi in pads])
    # the padded input counts, as far as the windows reach into the right padding
    incl = np.pad(np.ones(tuple(n + pp + min(hi, pp) for n, (pp, hi) in zip(sp, pads))),
                  [(0, max(0, hi - pp)) for (pp, hi) in pads])
    src = incl if count_include_pad else inside
    cnt = _gather_patches(src[None, None], idx).sum(axis=kaxes)[0, 0]
    if divisor_override:
        cnt = np.full_like(cnt, divisor_override)
    return cnt


def _pool(input, nsp, kernel_size, stride, padding, dilation, ceil_mode, kind,
          count_include_pad=True, divisor_override=None, return_indices=False):
    _check_pool(input, nsp, kind, kernel_size=kernel_size, stride=stride, padding=padding,
                dilation=dilation)
    unbatched = input.ndim == nsp + 1
    k = _tuple(kernel_size, nsp)
    s = _tuple(stride if stride is not None and stride != [] else kernel_size, nsp)
    p = _tuple(padding, nsp)
    d = _tuple(dilation, nsp)
    for kk, pp in zip(k, p):
        if pp > kk // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={pp}, kernel_size={kk} and dilation={d[0]}")
    sp = tuple(input.shape[1 if unbatched else 2:])
    outs, pads = [], []
    for n, kk, ss, pp, dd in zip(sp, k, s, p, d):
        eff = dd * (kk - 1) + 1
        num = n + 2 * pp - eff
        o = (-(-num // ss) if ceil_mode else num // ss) + 1
        if ceil_mode and (o - 1) * ss >= n + pp:
            o -= 1
        outs.append(o)
        hi = max(0, (o - 1) * ss + eff - n - pp)
        pads.append((pp, hi))
    widths = [(0, 0), (0, 0)] + pads
    wdims, wstr, wdil = (1, 1) + k, (1, 1) + s, (1, 1) + d

    # (fn's closure holds only static values: its program is traced once per signature; the
    # average's counts are computed from them while tracing, a constant of the program)
    def fn(x, *_i):  # (the indices returned, which torch's node saves: an operand)
        if unbatched:
            x = fnp.expand_dims(x, 0)
        if kind == "max":
            y = lax.reduce_window(x, -np.inf, lax.max, wdims, wstr, widths,
                                  window_dilation=wdil)
        else:
            cnt = _avg_counts(sp, pads, outs, k, s, d, count_include_pad, divisor_override)
            y = lax.reduce_window(x, 0.0, lax.add, wdims, wstr, widths,
                                  window_dilation=wdil) / cnt.astype(x.dtype)
        return y[0] if unbatched else y
    name = {"max": f"MaxPool{max(nsp, 2)}DWithIndicesBackward0",
            "avg": f"AvgPool{max(nsp, 2)}DBackward0"}[kind]
    it = None
    if return_indices:
        idx = _window_starts(outs, k, s, d)
        xv = np.asarray(input._value)
        if unbatched:
            xv = xv[None]
        xp = np.pad(xv, widths, constant_values=-np.inf)
        pt = np.asarray(_gather_patches(xp, idx))
        flatk = pt.reshape(pt.shape[:2 + nsp] + (-1,))
        am = flatk.argmax(-1)
        kidx = np.unravel_index(am, k)
        pos = []
        for i in range(nsp):
            o_grid = np.arange(outs[i]).reshape((-1,) + (1,) * (nsp - 1 - i))
            pos.append(o_grid * s[i] + kidx[i] * d[i] - p[i])
        lin = np.ravel_multi_index(tuple(pos), sp, mode="clip") if nsp > 1 else pos[0]
        ind = np.asarray(lin, np.int64)
        it = _new(ind[0] if unbatched else ind)
    # (not for 1-d pooling: torch's node there is a squeeze of the 2-d one, which saves the
    # indices before the squeeze)
    out = apply("SqueezeBackward1" if nsp == 1 else name, fn,
                [input] + ([it] if it is not None and nsp > 1 else []))
    return (out, it) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _pool(input, 1, kernel_size, stride, padding, dilation, ceil_mode, "max",
                 return_indices=return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode, "max",
                 return_indices=return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode, "max",
                 return_indices=return_indices)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _pool(input, 3, kernel_size, stride, padding, 1, ceil_mode, "avg", count_include_pad,
                 divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    return _pool(input, 1, kernel_size, stride, padding, 1, ceil_mode, "avg", count_include_pad)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _pool(input, 2, kernel_size, stride, padding, 1, ceil_mode, "avg", count_include_pad,
                 divisor_override)


def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, nsp):
    """torch's composition: the p-th root of (avg pool of input^p) times the window size."""
    max_pool, avg_pool = (max_pool1d, avg_pool1d) if nsp == 1 else (max_pool2d, avg_pool2d)
    if nsp == 2:  # F._pair
        if isinstance(kernel_size, Tensor) and kernel_size.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        kw, kh = (tuple(kernel_size) if isinstance(kernel_size, (Iterable, Tensor))
                  else (kernel_size,) * 2)
    if isinstance(norm_type, (int, float)):
        if norm_type == math.inf:
            return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -math.inf:
            return M.neg(max_pool(M.neg(input.abs()), kernel_size, stride, 0, 1, ceil_mode))
    out = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    out = M.mul(M.sign(out), relu(M.abs(out)))
    return out.mul(kernel_size if nsp == 1 else kw * kh).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2)


def _adaptive_output_size(input, output_size, nsp, kind):
    """torch's checks of an adaptive pool's input and output size, in its order (F's
    _list_with_default for 2-d pools, then ATen's), and the output size as ints."""
    op = f"adaptive_{kind}_pool{nsp}d"
    shape = list(input.shape)
    if nsp == 2 and not isinstance(output_size, int):  # F._list_with_default
        n = len(output_size)
        if len(shape) <= n:
            raise ValueError(f"Input dimension should be at least {n + 1}")
        output_size = [v if v is not None else d for v, d in zip(output_size, shape[-n:])]
    if isinstance(output_size, (tuple, list)):
        osz = list(output_size)
    elif isinstance(output_size, Tensor) and output_size.numel() == 1:
        osz = [output_size] * nsp
    else:
        osz = [output_size] * nsp
        if not isinstance(output_size, int):
            raise TypeError(f"{op}(): argument 'output_size' (position 2) must be tuple of ints, "
                            f"not {type(output_size).__name__}")
    for i, o in enumerate(osz):  # torch's argument parser: ints (or one-element int tensors)
        if isinstance(o, Tensor) and o.numel() == 1 and _dt(o).kind in "iu":
            continue
        if type(o) is not int:
            raise TypeError(f"{op}(): argument 'output_size' (position 2) must be tuple of ints, "
                            f"but found element of type {type(o).__name__} at pos {i}")
        if not -2 ** 63 <= o < 2 ** 63:
            raise ValueError("Overflow when unpacking long long")
    if nsp == 1 and len(osz) != 1:
        raise RuntimeError(f"{op}() argument 'output_size' should contain one int (got "
                           f"{len(osz)})")
    if nsp == 1 and input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor "
                           f"for argument #1 'self' (while checking arguments for {op})")
    if nsp == 1:  # ATen's 1-d pools are the 2-d ones of an unsqueezed input
        osz, shape = [1] + osz, shape[:-1] + [1] + shape[-1:]
    if kind == "max" and len(shape) not in (3, 4):
        raise RuntimeError(f"{op}(): Expected 3D or 4D tensor, but got: {shape}")
    if len(osz) != 2:
        raise RuntimeError("adaptive_max_pool2d(): internal error: output_size.size() must be 2"
                           if kind == "max" else "adaptive_avg_pool2d: output_size must be 2")
    osz = [int(o) for o in osz]
    if kind == "avg" and min(osz) < 0:
        raise RuntimeError("adaptive_avg_pool2d: elements of output_size must be greater than or "
                           f"equal to 0 but received {{{', '.join(map(str, osz))}}}")
    if kind == "avg" and len(shape) not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {shape}")
    dims, where = (list(input.shape), op) if kind == "max" else (shape, "adaptive_avg_pool2d")
    for i in range(1, len(dims)):
        if dims[i] == 0:
            raise RuntimeError(f"{where}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {dims} with dimension {i} being "
                               "empty")
    if kind == "max" and min(osz) < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(osz)}: "
                           f"{shape[:-2] + osz}")
    _floating_only(input, f"adaptive_{kind}_pool2d")
    return tuple(osz[-nsp:])


def _adaptive(input, output_size, nsp, kind, return_indices=False):
    osz = _adaptive_output_size(input, output_size, nsp, kind)
    unbatched = input.ndim == nsp + 1
    sp = tuple(input.shape[1 if unbatched else 2:])
    ranges = []
    for n, o in zip(sp, osz):
        ranges.append([(i * n // o, -(-(i + 1) * n // o)) for i in range(o)])

    def fn(x, *_i):  # (the indices returned, which torch's node saves: an operand)
        if unbatched:
            x = fnp.expand_dims(x, 0)
        y = _cells(x)
        return y[0] if unbatched else y

    def _cells(x):
        def cell(region):
            axes = tuple(range(2, 2 + nsp))
            if kind == "max":
                return fnp.max(region, axis=axes)
            return fnp.mean(region, axis=axes)
        if nsp == 1:
            return fnp.stack([cell(x[:, :, a:b]) for a, b in ranges[0]], axis=-1)
        rows = []
        for a, b in ranges[0]:
            rows.append(fnp.stack([cell(x[:, :, a:b, c:e]) for c, e in ranges[1]], axis=-1))
        return fnp.stack(rows, axis=-2)
    name = {"max": "AdaptiveMaxPool{}DBackward0", "avg": "AdaptiveAvgPool{}DBackward0"}[kind]
    name = name.format(2)
    if nsp == 1:
        name = "SqueezeBackward1"
    elif kind == "avg" and all(o == 1 for o in osz):
        name = "MeanBackward1"
    it = None
    if return_indices:
        xv = np.asarray(input._value)
        if unbatched:
            xv = xv[None]
        ind = np.zeros(xv.shape[:2] + tuple(osz), np.int64)
        for pos in np.ndindex(*osz):
            sl = tuple(slice(*ranges[i][pos[i]]) for i in range(nsp))
            reg = xv[(slice(None), slice(None)) + sl].reshape(xv.shape[:2] + (-1,))
            am = reg.argmax(-1)
            loc = np.unravel_index(am, tuple(r.stop - r.start for r in
                                              (slice(*ranges[i][pos[i]]) for i in range(nsp))))
            glob = [loc[i] + ranges[i][pos[i]][0] for i in range(nsp)]
            ind[(slice(None), slice(None)) + pos] = np.ravel_multi_index(tuple(glob), sp) \
                if nsp > 1 else glob[0]
        it = _new(ind[0] if unbatched else ind)
    # (not for 1-d pooling: torch's node there is a squeeze of the 2-d one)
    out = apply(name, fn, [input] + ([it] if it is not None and nsp > 1 else []))
    return (out, it) if return_indices else out


def adaptive_avg_pool1d(input, output_size):
    return _adaptive(input, output_size, 1, "avg")


def adaptive_avg_pool2d(input, output_size):
    return _adaptive(input, output_size, 2, "avg")


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive(input, output_size, 1, "max", return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive(input, output_size, 2, "max", return_indices)


# ---------------------------------------------------------------- resampling and shuffles
def _interp_indices(n_in, n_out, scale, align_corners, mode):
    if mode == "nearest":
        s = (1.0 / scale) if scale is not None else n_in / n_out
        return np.minimum(np.floor(np.arange(n_out) * s).astype(np.int64), n_in - 1)
    if mode == "nearest-exact":
        s = (1.0 / scale) if scale is not None else n_in / n_out
        return np.minimum(np.floor((np.arange(n_out) + 0.5) * s).astype(np.int64), n_in - 1)
    if align_corners:
        pos = np.arange(n_out) * ((n_in - 1) / (n_out - 1)) if n_out > 1 else np.zeros(n_out)
    else:
        s = (1.0 / scale) if scale is not None else n_in / n_out
        pos = np.maximum((np.arange(n_out) + 0.5) * s - 0.5, 0.0)
    lo = np.minimum(np.floor(pos).astype(np.int64), n_in - 1)
    hi = np.minimum(lo + 1, n_in - 1)
    return lo, hi, (pos - lo)


def _is_integer(x):
    """torch's F._is_integer: an int (bools too), a numpy integer or a non-floating tensor."""
    return isinstance(x, (int, np.integer)) or isinstance(x, Tensor) and _dt(x).kind != "f"


def _check_interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor,
                       antialias):
    """torch's F.interpolate argument checks, in its order."""
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    dim = input.ndim - 2
    sp = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError("Input and output must have the same number of spatial "
                                 f"dimensions, but got input with spatial dimensions of {sp} and "
                                 f"output size of {size}. Please provide input tensor in (N, C, "
                                 "d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) "
                                 "format.")
            if not all(_is_integer(x) for x in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] "
                                "or Tuple[int, int, int], but got size with types "
                                f"{[type(x) for x in size]}")
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)) and len(scale_factor) != dim:
            raise ValueError("Input and scale_factor must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of {sp} and "
                             f"scale_factor of shape {scale_factor}. Please provide input tensor "
                             "in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, "
                             "...,sK) format.")
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes "
                         "and requires a 4-D tensor as input")


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    _check_interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor,
                       antialias)
    nsp = input.ndim - 2
    sp = tuple(input.shape[2:])
    if size is not None:
        osz = _tuple(size, nsp)
        scales = (None,) * nsp
    else:
        sf = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * nsp
        osz = tuple(int(math.floor(n * f)) for n, f in zip(sp, sf))
        scales = (None,) * nsp if recompute_scale_factor else tuple(sf)
    if mode in ("nearest", "nearest-exact"):
        idx = [_interp_indices(n, o, sc, None, mode) for n, o, sc in zip(sp, osz, scales)]

        def fn(x):
            for i, ix in enumerate(idx):
                x = fnp.take(x, ix, axis=2 + i)
            return x
        name = f"UpsampleNearest{nsp}DBackward0" if mode == "nearest" else \
            f"UpsampleNearestExact{nsp}DBackward0"
        return apply(name, fn, [input])
    if mode in ("linear", "bilinear", "trilinear"):
        ac = bool(align_corners)
        idx = [_interp_indices(n, o, sc, ac, mode) for n, o, sc in zip(sp, osz, scales)]

        def fn(x):
            for i, (lo, hi, w) in enumerate(idx):
                ax = 2 + i
                shp = [1] * x.ndim
                shp[ax] = -1
                wr = np.reshape(w, shp).astype(x.dtype)
                x = fnp.take(x, lo, axis=ax) * (1 - wr) + fnp.take(x, hi, axis=ax) * wr
            return x
        return apply(f"Upsample{ {1: 'Linear1', 2: 'Bilinear2', 3: 'Trilinear3'}[nsp]}DBackward0",
                     fn, [input])
    raise NotImplementedError(f"fungrad.torch: interpolate mode '{mode}' is not supported")


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, "nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, "bilinear", align_corners=True)


def _int_arg(op, name, pos, v):
    """torch's argument parser for an int argument: an int or a one-element integer tensor."""
    if isinstance(v, Tensor) and (v.numel() != 1 or _dt(v).kind not in "iu"):
        raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be int, not Tensor")
    return int(v) if isinstance(v, Tensor) else v


def _check_shuffle(input, name, factor, what):
    factor = _int_arg(name, what, 2, factor)
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input "
                           f"with {input.ndim} dimension(s)")
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {what}, but got {factor}")


def pixel_shuffle(input, upscale_factor):
    _check_shuffle(input, "pixel_shuffle", upscale_factor, "upscale_factor")
    r = upscale_factor
    shp = tuple(input.shape)
    if shp[-3] % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible "
                           f"by the square of upscale_factor, but input.size(-3)={shp[-3]} is not "
                           f"divisible by {r * r}")
    lead, (C, H, W) = shp[:-3], shp[-3:]
    oc = C // (r * r)

    def fn(x):
        x = fnp.reshape(x, lead + (oc, r, r, H, W))
        n = len(lead)
        x = fnp.transpose(x, tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
        return fnp.reshape(x, lead + (oc, H * r, W * r))
    return apply("PixelShuffleBackward0", fn, [input])


def pixel_unshuffle(input, downscale_factor):
    _check_shuffle(input, "pixel_unshuffle", downscale_factor, "downscale_factor")
    r = downscale_factor
    shp = tuple(input.shape)
    for d, what in ((-2, "height"), (-1, "width")):
        if shp[d] % r:
            raise RuntimeError(f"pixel_unshuffle expects {what} to be divisible by "
                               f"downscale_factor, but input.size({d})={shp[d]} is not divisible "
                               f"by {r}")
    lead, (C, H, W) = shp[:-3], shp[-3:]

    def fn(x):
        n = len(lead)
        x = fnp.reshape(x, lead + (C, H // r, r, W // r, r))
        x = fnp.transpose(x, tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
        return fnp.reshape(x, lead + (C * r * r, H // r, W // r))
    return apply("PixelUnshuffleBackward0", fn, [input])


def channel_shuffle(input, groups):
    groups = _int_arg("channel_shuffle", "groups", 2, groups)
    shp = tuple(input.shape)
    if len(shp) <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(shp)}")
    if groups <= 0:
        raise RuntimeError("Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    if shp[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {shp[1]} "
                           f"channels and {groups} groups.")
    N, C = shp[0], shp[1]

    def fn(x):
        x = fnp.reshape(x, (N, groups, C // groups) + shp[2:])
        x = fnp.swapaxes(x, 1, 2)
        return fnp.reshape(x, shp)
    return apply("ChannelShuffleBackward0", fn, [input])


# ---------------------------------------------------------------- attention
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    dts = [_dt(t) for t in (query, key, value)]
    if dts[1] != dts[0] or dts[2] != dts[0]:
        q, k, v = (_CPP_NAMES.get(d.name, d.name) for d in dts)
        raise RuntimeError("Expected query, key, and value to have the same dtype, but got "
                           f"query.dtype: {q} key.dtype: {k} and value.dtype: {v} instead.")
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError("Expected query, key, and value to all be  at least 2 dimensional, but "
                           f"got query.dim: {query.ndim} key.dim: {key.ndim} and value.dim: "
                           f"{value.ndim} instead.")
    L, Sk = query.shape[-2], key.shape[-2]
    sc = (1.0 / math.sqrt(query.shape[-1])) if scale is None else scale
    bias = None
    if is_causal:
        bias = np.where(np.tril(np.ones((L, Sk), bool)), 0.0, -np.inf)
    mask_t = None
    if attn_mask is not None:
        mv = attn_mask._value if isinstance(attn_mask, Tensor) else attn_mask
        if isinstance(attn_mask, Tensor) and attn_mask._requires_grad:
            mask_t = attn_mask
        elif np.asarray(mv).dtype == np.bool_:
            m = np.where(np.asarray(mv), 0.0, -np.inf)
            bias = m if bias is None else bias + m
        else:
            m = np.asarray(mv)
            bias = m if bias is None else bias + m
    drop = None
    if dropout_p > 0.0:
        from fungrad.torch._creation import _rng
        shp = np.broadcast_shapes(tuple(query.shape[:-1]) + (Sk,))
        drop = (_rng[0].random(shp) >= dropout_p) / (1 - dropout_p)

    def fn(q, k, v, *m):
        if enable_gqa and k.shape[-3] != q.shape[-3]:
            rep = q.shape[-3] // k.shape[-3]
            k = fnp.repeat(k, rep, axis=-3)
            v = fnp.repeat(v, rep, axis=-3)
        s = fnp.matmul(q, fnp.swapaxes(k, -1, -2)) * sc
        if bias is not None:
            s = s + bias.astype(s.dtype)
        if m:
            s = s + m[0]
        a = _softmax(s, s.ndim - 1)
        if drop is not None:
            a = a * drop.astype(a.dtype)
        return fnp.matmul(a, v)
    return apply("UnsafeViewBackward0", fn,
                 [query, key, value] + ([mask_t] if mask_t is not None else []))


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """torch's F._mha_shape_check: query 2-D (unbatched) or 3-D, key and value alike, masks'
    ranks."""
    nd = query.ndim
    if nd not in (2, 3):
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received "
                             f"{nd}-D query tensor")
    what = "batched (3-D)" if nd == 3 else "unbatched (2-D)"
    if key.ndim != nd or value.ndim != nd:
        raise AssertionError(f"For {what} `query`, expected `key` and `value` to be {nd}-D but "
                             f"found {key.ndim}-D and {value.ndim}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.ndim != nd - 1:
        raise AssertionError(f"For {what} `query`, expected `key_padding_mask` to be `None` or "
                             f"{nd - 1}-D but found {key_padding_mask.ndim}-D tensor instead")
    if attn_mask is not None:
        if attn_mask.ndim not in (2, 3):
            raise AssertionError(f"For {what} `query`, expected `attn_mask` to be `None`, 2-D or "
                                 f"3-D but found {attn_mask.ndim}-D tensor instead")
        if nd == 2 and attn_mask.ndim == 3:
            expected = (num_heads, query.shape[0], key.shape[0])
            if tuple(attn_mask.shape) != expected:
                raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                                     f"{attn_mask.shape}")


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    """Inputs (L, N, E) (or unbatched (L, E)); returns (output, weights or None)."""
    _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    unbatched = query.ndim == 2
    if not (query.shape[-1] == embed_dim_to_check):
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {query.shape[-1]}")
    if unbatched:
        query, key, value = (S.unsqueeze(t, 1) for t in (query, key, value))
        if key_padding_mask is not None:
            key_padding_mask = S.unsqueeze(key_padding_mask, 0)
    L, N, E = tuple(query.shape)
    Sk = key.shape[0]
    h = num_heads
    hd = E // h
    if hd * h != E:
        raise AssertionError(f"embed_dim {E} not divisible by num_heads {h}")
    if use_separate_proj_weight:
        wq, wk, wv = q_proj_weight, k_proj_weight, v_proj_weight
        bq = bk = bv = None
        if in_proj_bias is not None:
            bq, bk, bv = S.chunk(in_proj_bias, 3)
    else:
        wq, wk, wv = S.chunk(in_proj_weight, 3)
        bq = bk = bv = None
        if in_proj_bias is not None:
            bq, bk, bv = S.chunk(in_proj_bias, 3)
    q = linear(query, wq, bq)
    k = linear(key, wk, bk)
    v = linear(value, wv, bv)
    if bias_k is not None:
        k = S.cat([k, S.expand(S.view(bias_k, 1, 1, E), 1, N, E)])
        v = S.cat([v, S.expand(S.view(bias_v, 1, 1, E), 1, N, E)])
        Sk += 1
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    if add_zero_attn:
        from fungrad.torch._creation import zeros
        k = S.cat([k, zeros(1, N, E, dtype=k.dtype)])
        v = S.cat([v, zeros(1, N, E, dtype=v.dtype)])
        Sk += 1
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    # (L, N, E) -> (N, h, L, hd)
    q = S.permute(S.view(q, L, N, h, hd), 1, 2, 0, 3)
    k = S.permute(S.view(k, Sk, N, h, hd), 1, 2, 0, 3)
    v = S.permute(S.view(v, Sk, N, h, hd), 1, 2, 0, 3)
    bias = np.zeros((1, 1, L, Sk), q._value.dtype)
    if is_causal and attn_mask is None:
        bias = bias + np.where(np.tril(np.ones((L, Sk), bool)), 0.0, -np.inf)
    if attn_mask is not None:
        am = np.asarray(val(attn_mask))
        am = np.where(am, -np.inf, 0.0) if am.dtype == np.bool_ else am
        if am.ndim == 3:
            am = am.reshape(N, h, L, Sk)
        bias = bias + am
    if key_padding_mask is not None:
        kp = np.asarray(val(key_padding_mask))
        kp = np.where(kp, -np.inf, 0.0) if kp.dtype == np.bool_ else kp
        bias = bias + kp.reshape(N, 1, 1, Sk)
    bias = bias.astype(q._value.dtype)
    drop = None
    if training and dropout_p > 0:
        from fungrad.torch._creation import _rng
        drop = ((_rng[0].random((N, h, L, Sk)) >= dropout_p) / (1 - dropout_p)).astype(bias.dtype)
    scale = 1.0 / math.sqrt(hd)

    def attn(qv, kv):
        s = fnp.matmul(qv * scale, fnp.swapaxes(kv, -1, -2)) + bias
        return _softmax(s, 3)
    w = apply("SoftmaxBackward0", attn, [q, k])
    wd = w if drop is None else apply("MulBackward0", lambda a: a * drop, [w])
    o = M.matmul(wd, v)                                    # N, h, L, hd
    o = S.reshape(S.permute(o, 2, 0, 1, 3), L * N, E)
    o = S.view(linear(o, out_proj_weight, out_proj_bias), L, N, E)
    weights = None
    if need_weights:
        weights = R.mean(w, 1) if average_attn_weights else w
        if unbatched:
            weights = S.squeeze(weights, 0)
    if unbatched:
        o = S.squeeze(o, 1)
    return o, weights

from fungrad.torch._argcheck import guard as _guard  # noqa: E402
# the functions before their entry checks, for calls within the module whose operands were checked
_UNCHECKED = {"log_softmax": log_softmax, "nll_loss": nll_loss}
_guard(globals(), "nn.functional")  # torch's TypeError for a non-Tensor argument
__dir__ = __all__.copy  # dir() lists the public names only
