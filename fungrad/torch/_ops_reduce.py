"""Reductions and normalizations: sum, mean, prod, max/min (with indices), var/std,
cumsum, softmax/log_softmax, logsumexp, sort, argmax/argmin, all/any."""
import collections

import numpy as np

import fungrad.numpy as fnp
from fungrad import lax
from fungrad.torch._dtype import _TYPE_NAMES, to_np
from fungrad.torch._record import apply
from fungrad.torch._tensor import _new
from fungrad.torch._util import cast, dims_of, norm_dim, refuse, safe_root, val

__all__ = ["sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "var", "std",
           "cumsum", "softmax", "log_softmax", "logsumexp", "sort", "all", "any",
           "return_types"]


class return_types:
    """Named result tuples (torch.return_types.max and friends)."""

    max = collections.namedtuple("max", ["values", "indices"])
    min = collections.namedtuple("min", ["values", "indices"])
    sort = collections.namedtuple("sort", ["values", "indices"])


def _int_to_long(x):
    return cast(x, np.dtype(np.int64)) if x.dtype.kind in "biu" else x


def sum(a, dim=None, keepdim=False, *, dtype=None):
    axes = dims_of(dim, a.ndim)
    dt = to_np(dtype)

    def fn(x):
        x = cast(x, dt) if dt is not None else _int_to_long(x)
        return fnp.sum(x, axis=axes, keepdims=keepdim)
    return apply("SumBackward0" if dim is None else "SumBackward1", fn, [a])


def mean(a, dim=None, keepdim=False, *, dtype=None):
    if a._value.dtype.kind not in "fc" and dtype is None:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {a.dtype.name.capitalize()}")
    axes = dims_of(dim, a.ndim)
    dt = to_np(dtype)
    return apply("MeanBackward0" if dim is None else "MeanBackward1",
                 lambda x: fnp.mean(cast(x, dt) if dt is not None else x, axis=axes,
                                    keepdims=keepdim), [a])


def prod(a, dim=None, keepdim=False, *, dtype=None):
    axes = dims_of(dim, a.ndim)
    return apply("ProdBackward0" if dim is None else "ProdBackward1",
                 lambda x: fnp.prod(_int_to_long(x), axis=axes, keepdims=keepdim), [a])


def _take_along(x, idx, d, keepdim):
    """x[..., idx, ...] along dim d with idx of the reduced shape (keepdim layout)."""
    out = fnp.take_along_axis(x, idx, axis=d)
    return out if keepdim else fnp.squeeze(out, axis=d)


def _extreme(a, dim, keepdim, which):
    name = "Max" if which == "max" else "Min"
    if a._value.dtype.kind == "c":
        if dim is None:
            raise refuse(f"{which}_all", a._value.dtype)
        raise RuntimeError(f"{which}(): does not support complex input")
    if dim is None:
        if a.numel() == 0:
            raise RuntimeError(f"{which}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        f = fnp.max if which == "max" else fnp.min
        return apply(f"{name}Backward1", f, [a])
    d = norm_dim(dim, a.ndim)
    v = np.asarray(val(a)) if not hasattr(val(a), "_trace") else None
    if v is None:
        xs = a._value
        idx = (fnp.argmax if which == "max" else fnp.argmin)(xs, axis=d, keepdims=True)
    else:
        idx = (np.argmax if which == "max" else np.argmin)(v, axis=d, keepdims=True)
    if a.ndim == 0:
        values = apply(f"{name}Backward0", lambda x: x * 1, [a])
        return getattr(return_types, which)(values, _new(np.zeros((), np.int64)))
    # the indices are an operand (not a closure value): the op's program is traced once per
    # shape; the operand is the indices tensor returned, which torch's node saves (modifying it
    # in place before backward raises torch's version-counter error)
    ind = idx if keepdim else fnp.squeeze(idx, axis=d)
    it = _new(np.asarray(ind, np.int64))
    values = apply(f"{name}Backward0", lambda x, i: _take_along(
        x, i if keepdim else fnp.expand_dims(i, d), d, keepdim), [a, it])
    return getattr(return_types, which)(values, it)


def max(a, dim=None, keepdim=False):
    from fungrad.torch._tensor import Tensor
    if isinstance(dim, Tensor):
        from fungrad.torch._ops_math import maximum
        return maximum(a, dim)
    return _extreme(a, dim, keepdim, "max")


def min(a, dim=None, keepdim=False):
    from fungrad.torch._tensor import Tensor
    if isinstance(dim, Tensor):
        from fungrad.torch._ops_math import minimum
        return minimum(a, dim)
    return _extreme(a, dim, keepdim, "min")


def amax(a, dim=(), keepdim=False):
    axes = dims_of(dim, a.ndim) or None
    return apply("AmaxBackward0", lambda x: fnp.max(x, axis=axes, keepdims=keepdim), [a])


def amin(a, dim=(), keepdim=False):
    axes = dims_of(dim, a.ndim) or None
    return apply("AminBackward0", lambda x: fnp.min(x, axis=axes, keepdims=keepdim), [a])


def _arg_check(name, a, dim):
    """torch's errors of argmax/argmin (and max/min over a dim): complex input, an empty
    reduction; the dim, normalized (None: all elements)."""
    if a._value.dtype.kind == "c":
        raise RuntimeError(f"{name}(): does not support complex input")
    if dim is None:
        if a._value.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        return None
    d = norm_dim(dim, a.ndim)
    if a.ndim and a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return d


def argmax(a, dim=None, keepdim=False):
    d = _arg_check("argmax", a, dim)
    return _new(np.asarray(fnp.argmax(val(a), axis=d, keepdims=keepdim), np.int64))


def argmin(a, dim=None, keepdim=False):
    d = _arg_check("argmin", a, dim)
    return _new(np.asarray(fnp.argmin(val(a), axis=d, keepdims=keepdim), np.int64))


def tvar(x, axis=None, ddof=0, keepdims=False):
    """torch's variance: NaN where the reduced elements are no more than ``ddof`` (numpy's
    gives -0. for none)."""
    n = x.size if axis is None else int(np.prod([x.shape[d] for d in (
        axis if isinstance(axis, tuple) else (axis,))]))
    if n > ddof:
        return fnp.var(x, axis=axis, ddof=ddof, keepdims=keepdims)
    return fnp.var(x, axis=axis, ddof=0, keepdims=keepdims) * np.nan


def var(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    axes = dims_of(dim, a.ndim)
    ddof = correction if correction is not None else (0 if unbiased is False else 1)
    return apply("VarBackward0", lambda x: tvar(x, axis=axes, ddof=ddof, keepdims=keepdim),
                 [a])


def std(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    axes = dims_of(dim, a.ndim)
    ddof = correction if correction is not None else (0 if unbiased is False else 1)
    return apply("StdBackward0", lambda x: safe_root(tvar(x, axis=axes, ddof=ddof,
                                                          keepdims=keepdim), 2),
                 [a])


def cumsum(a, dim, *, dtype=None):
    d = norm_dim(dim, a.ndim)

    def fn(x):
        x = _int_to_long(x)
        if x.ndim == 0:
            return x * 1
        n = x.shape[d]
        tri = np.triu(np.ones((n, n), x.dtype))
        return fnp.moveaxis(fnp.matmul(fnp.moveaxis(x, d, -1), tri), -1, d)
    return apply("CumsumBackward0", fn, [a])


def _softmax_fn(x, d, dt):
    x = cast(x, dt) if dt is not None else x
    m = fnp.max(lax.stop_gradient(x), axis=d, keepdims=True)
    e = fnp.exp(x - m)
    return e / fnp.sum(e, axis=d, keepdims=True)


def _log_softmax_fn(x, d, dt):
    x = cast(x, dt) if dt is not None else x
    m = fnp.max(lax.stop_gradient(x), axis=d, keepdims=True)
    s = x - m
    return s - fnp.log(fnp.sum(fnp.exp(s), axis=d, keepdims=True))


def _softmax_dtype(a, d, dtype, name):
    """The dtype softmax/log_softmax compute in (``dtype`` or the input's); torch's kernel refuses
    a non-floating one."""
    dt = to_np(dtype) if dtype is not None else a._value.dtype
    if dt.kind != "f":
        last = "lastdim_" if d == (a.ndim - 1 if a.ndim else 0) else ""
        raise NotImplementedError(f'"{name}_{last}kernel_impl" not implemented for '
                                  f"'{_TYPE_NAMES.get(dt.name, dt.name)}'")
    return dt if dtype is not None else None


def softmax(a, dim=None, dtype=None, _stacklevel=3):
    if dim is None:  # torch.softmax, Tensor.softmax: dim is required (F.softmax picks one)
        raise TypeError('softmax() missing 1 required positional arguments: "dim"')
    d = norm_dim(dim, a.ndim)
    dt = _softmax_dtype(a, d, dtype, "softmax")
    if a._value.size == 0:
        return apply("SoftmaxBackward0", lambda x: cast(x, dt) if dt is not None else x + 0, [a])
    ax = d if a.ndim else None
    return apply("SoftmaxBackward0", lambda x: _softmax_fn(x, ax, dt), [a])


def log_softmax(a, dim=None, dtype=None, _stacklevel=3):
    if dim is None:
        raise TypeError('log_softmax() missing 1 required positional arguments: "dim"')
    d = norm_dim(dim, a.ndim)
    dt = _softmax_dtype(a, d, dtype, "log_softmax")
    if a._value.size == 0:
        return apply("LogSoftmaxBackward0", lambda x: cast(x, dt) if dt is not None else x + 0,
                     [a])
    ax = d if a.ndim else None
    return apply("LogSoftmaxBackward0", lambda x: _log_softmax_fn(x, ax, dt), [a])


def logsumexp(a, dim, keepdim=False):
    axes = dims_of(dim, a.ndim)

    def fn(x):
        m = fnp.max(lax.stop_gradient(x), axis=axes, keepdims=True)
        out = fnp.log(fnp.sum(fnp.exp(x - m), axis=axes, keepdims=True)) + m
        return out if keepdim else fnp.squeeze(out, axis=axes)
    return apply("LogsumexpBackward0", fn, [a])


def sort(a, dim=-1, descending=False, stable=False):
    d = norm_dim(dim, a.ndim)
    if a.ndim == 0:
        return return_types.sort(apply("SortBackward0", lambda x: x * 1 if x.dtype.kind != "b"
                                       else x | False, [a]), _new(np.zeros((), np.int64)))
    v = np.asarray(val(a))
    idx = np.argsort(-v if descending else v, axis=d, kind="stable")
    it = _new(idx.astype(np.int64))  # (an operand: torch's node saves the indices returned)
    values = apply("SortBackward0", lambda x, i: _take_along(x, i, d, True), [a, it])
    return return_types.sort(values, it)


def all(a, dim=None, keepdim=False):
    return _new(np.asarray(fnp.all(val(a), axis=dim, keepdims=keepdim)))


def any(a, dim=None, keepdim=False):
    return _new(np.asarray(fnp.any(val(a), axis=dim, keepdims=keepdim)))

