"""clip_grad_norm_, clip_grad_value_, get_total_norm, clip_grads_with_norm_ (in place on .grad)."""
import math
import warnings

import numpy as np

from fungrad.torch._tensor import Tensor, _new

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def _norm(a, p):
    a = np.asarray(a).reshape(-1)
    if p == math.inf:
        return np.max(np.abs(a)) if a.size else a.dtype.type(0)
    if p == 2:
        return np.sqrt(np.sum(a * a))
    return np.sum(np.abs(a) ** p) ** (1.0 / p)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    tensors = [t for t in tensors if t is not None]
    norm_type = float(norm_type)
    if not tensors:
        return _new(np.asarray(0.0, np.float32))
    norms = np.asarray([_norm(t._value, norm_type) for t in tensors])
    total = _norm(norms, norm_type).astype(tensors[0]._value.dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable this "
                           "error and scale the gradients by the non-finite norm anyway, set "
                           "`error_if_nonfinite=False`")
    return _new(np.asarray(total))


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    grads = [p.grad for p in _grads(parameters)]
    tn = float(total_norm._value) if isinstance(total_norm, Tensor) else float(total_norm)
    coef = np.float32(max_norm) / np.float32(tn + 1e-6)
    coef = min(np.float32(coef), np.float32(1.0))
    for g in grads:
        v = g._value
        np.multiply(v, v.dtype.type(coef), out=v)
        g._vc.v += 1


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scales every .grad in place so that their joint norm is at most max_norm; returns the
    total norm before clipping."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    clip_value = float(clip_value)
    for p in _grads(parameters):
        v = p.grad._value
        np.clip(v, -clip_value, clip_value, out=v)
        p.grad._vc.v += 1

__dir__ = __all__.copy  # dir() lists the public names only
