"""torch.nn.functional: common activations and losses as compositions recorded as one op each
(so each gets torch's grad_fn name)."""
import math

import numpy as np

import fungrad.numpy as fnp
from fungrad import _lax as lax
from fungrad.torch import _ops_math as M
from fungrad.torch import _ops_reduce as R
from fungrad.torch._ops_math import _erf_fn
from fungrad.torch._record import apply
from fungrad.torch._tensor import Tensor
from fungrad.torch._util import cast, common, val

__all__ = ["relu", "leaky_relu", "gelu", "elu", "silu", "softplus", "sigmoid", "tanh", "softmax",
           "log_softmax", "mse_loss", "l1_loss", "smooth_l1_loss", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "linear", "dropout",
           "logsigmoid", "hardtanh", "relu6"]



def relu(input, inplace=False):
    """torch.nn.functional.relu; inplace=True applies relu_ to `input` and returns it."""
    return input.relu_() if inplace else M.relu(input)


sigmoid = M.sigmoid
tanh = M.tanh
softmax = R.softmax
log_softmax = R.log_softmax


def leaky_relu(x, negative_slope=0.01, inplace=False):
    return apply("LeakyReluBackward0", lambda v: fnp.where(v > 0, v, v * negative_slope), [x])


def gelu(x, approximate="none"):
    if approximate == "tanh":
        c = math.sqrt(2 / math.pi)
        return apply("GeluBackward0", lambda v: 0.5 * v * (1 + fnp.tanh(c * (v + 0.044715 * v**3))),
                     [x])
    return apply("GeluBackward0", lambda v: 0.5 * v * (1 + _erf_fn(v / math.sqrt(2.0))), [x])


def elu(x, alpha=1.0, inplace=False):
    return apply("EluBackward0",
                 lambda v: fnp.where(v > 0, v, alpha * fnp.expm1(fnp.where(v > 0, 0.0, v))), [x])


def silu(x, inplace=False):
    return apply("SiluBackward0", lambda v: v * lax.logistic(v), [x])


def softplus(x, beta=1.0, threshold=20.0):
    def fn(v):
        bv = v * beta
        safe = fnp.minimum(bv, threshold)
        return fnp.where(bv > threshold, v, fnp.log1p(fnp.exp(safe)) / beta)
    return apply("SoftplusBackward0", fn, [x])


def logsigmoid(x):
    return apply("LogSigmoidBackward0", lambda v: -fnp.logaddexp(0.0, -v), [x])


def hardtanh(x, min_val=-1.0, max_val=1.0, inplace=False):
    return M.clamp(x, min_val, max_val)


def relu6(x, inplace=False):
    return M.clamp(x, 0.0, 6.0)


def _reduce(v, reduction):
    if reduction == "mean":
        return fnp.mean(v)
    if reduction == "sum":
        return fnp.sum(v)
    return v


def _pair(name, f, input, target, reduction):
    dt = common(input, target)
    return apply(name, lambda a, b: _reduce(f(cast(a, dt), cast(b, dt)), reduction),
                 [input, target])


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    return _pair("MseLossBackward0", lambda a, b: (a - b) * (a - b), input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    name = {"mean": "MeanBackward0", "sum": "SumBackward0"}.get(reduction, "AbsBackward0")
    return _pair(name, lambda a, b: (a - b) * lax.stop_gradient(fnp.sign(a - b)), input, target, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    def f(a, b):
        d = a - b
        ad = fnp.where(d >= 0, d, -d)
        return fnp.where(ad < beta, 0.5 * d * d / beta, ad - 0.5 * beta)
    return _pair("SmoothL1LossBackward0", f, input, target, reduction)


def _nll(logp, t, w, ignore_index, reduction):
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


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    if weight is None:
        return apply("NllLossBackward0",
                     lambda lp, t: _nll(lp, t, None, ignore_index, reduction), [input, target])
    return apply("NllLossBackward0", lambda lp, t, w: _nll(lp, t, w, ignore_index, reduction),
                 [input, target, weight])


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    lp = log_softmax(input, 1)
    return nll_loss(lp, target, weight, ignore_index=ignore_index, reduction=reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    def f(p, y):
        lp = fnp.maximum(fnp.log(p), -100.0)
        l1p = fnp.maximum(fnp.log(1 - p), -100.0)
        out = -(y * lp + (1 - y) * l1p)
        return out if weight is None else out * val(weight)
    return _pair("BinaryCrossEntropyBackward0", f, input, target, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    def f(x, y):
        out = (1 - y) * x - fnp.minimum(x, 0) + fnp.log1p(fnp.exp(-fnp.abs(x)))
        return out if weight is None else out * val(weight)
    return _pair("BinaryCrossEntropyWithLogitsBackward0", f, input, target, reduction)


def linear(input, weight, bias=None):
    if bias is None:
        return apply("MmBackward0" if input.ndim == 2 else "MvBackward0",
                     lambda x, w: fnp.matmul(x, fnp.transpose(w)), [input, weight])
    name = "AddmmBackward0" if input.ndim == 2 else "ViewBackward0"
    return apply(name, lambda x, w, b: fnp.matmul(x, fnp.transpose(w)) + b, [input, weight, bias])


def dropout(input, p=0.5, training=True, inplace=False):
    """Differs from torch: the mask comes from numpy's generator."""
    if not training or p == 0:
        return input
    from fungrad.torch._creation import _rng
    mask = (_rng[0].random(tuple(input.shape)) >= p).astype(input._value.dtype) / (1 - p)
    return apply("MulBackward0", lambda x: x * mask, [input])


_ = Tensor
