"""Reductions, indexing/scatter, shape and product ops beyond the first op modules.

Every differentiable op is ``apply(<torch's grad_fn name>, fn, operands)`` with ``fn`` written with
fungrad.numpy / fungrad.lax; index arrays are computed concretely (numpy) outside ``fn``, as the
index operands of torch's ops are not differentiable. Ops whose results are integer or boolean
(nonzero, unique, bincount, searchsorted, ...) compute on the values and record nothing.
"""
import builtins
import collections
import itertools

import numpy as np

import fungrad.numpy as fnp
from fungrad import lax
from fungrad.extend import buffer_writeable, parse_index
from fungrad.torch import _dtype
from fungrad.torch import _ops_math as M
from fungrad.torch._ops_reduce import _take_along, tvar
from fungrad.torch._node import node_class
from fungrad.torch._record import OpNode, apply
from fungrad.torch._tensor import Size, Tensor, _new
from fungrad.torch._util import (_INDEX_64, _INT64, cast, common, dim_int, dims_of, index_dtype,
                                 int_list, norm_dim, kept, refuse, safe_root, scalar_name, tabs,
                                 val)

__all__ = ["FUNCS"]

I64 = np.dtype(np.int64)


def _np(a):
    return np.asarray(val(a))


def _nt(name, *fields):
    return collections.namedtuple(name, fields)


_MinMax = _nt("aminmax", "min", "max")
_Median = _nt("median", "values", "indices")
_NanMedian = _nt("nanmedian", "values", "indices")
_Mode = _nt("mode", "values", "indices")
_Kth = _nt("kthvalue", "values", "indices")
_Cummax = _nt("cummax", "values", "indices")
_Cummin = _nt("cummin", "values", "indices")
_Unique = _nt("unique", "values", "inverse", "counts")
_Slogdet = _nt("slogdet", "sign", "logabsdet")


def _scatter_add(x, key, upd):
    spec, arrays = parse_index(key, x.ndim)
    return lax.scatter_add(x, upd, spec, arrays)


def _grids(shape, d, idx):
    g = list(np.meshgrid(*[np.arange(s) for s in shape], indexing="ij"))
    g[d] = idx
    return tuple(g)


# ---- reductions -------------------------------------------------------------------------------
def _pick(name, a, dim, keepdim, choose, tup):
    """A reduction that selects one element (median, mode, kthvalue): ``choose(v, axis)`` gives
    the chosen indices (keepdim layout); the value is gathered so the gradient flows to it."""
    v = _np(a)
    if dim is None:
        flat = v.reshape(-1)
        i = int(choose(flat, 0))
        return apply(name, lambda x: fnp.reshape(x, (-1,))[i], [a])
    d = norm_dim(dim, a.ndim)
    if a.ndim == 0:
        return tup(apply(name, lambda x: x * 1, [a]), _new(np.zeros((), I64)))
    idx = np.expand_dims(choose(v, d), d)
    ind = idx if keepdim else np.squeeze(idx, axis=d)
    it = _new(ind.astype(I64))  # (an operand: torch's node saves the indices returned)
    values = apply(name, lambda x, _i: _take_along(x, idx, d, keepdim), [a, it])
    return tup(values, it)


def _median_idx(v, axis, nan=False):
    s = np.argsort(v, axis=axis, kind="stable")
    if nan:
        cnt = np.sum(~np.isnan(v), axis=axis, keepdims=True)
        k = np.maximum((cnt - 1) // 2, 0)
        out = np.take_along_axis(s, k, axis=axis)
        return np.squeeze(out, axis=axis)
    n = v.shape[axis]
    k = (n - 1) // 2
    anynan = np.isnan(v).any(axis=axis, keepdims=True)
    firstnan = np.argmax(np.isnan(v), axis=axis)
    out = np.take(s, k, axis=axis)
    return np.where(np.squeeze(anynan, axis), firstnan, out)


def _empty_reduction(name, a, dim):
    """torch's result or error for a median-like reduction of an empty tensor: over all
    elements a NaN (an integer tensor: the smallest int64), along a dim of size 0 an IndexError."""
    if dim is None:
        v = np.asarray(np.nan if a._value.dtype.kind in "fc" else np.iinfo(np.int64).min)
        return _new(v.astype(a._value.dtype))
    d = norm_dim(dim, a.ndim)
    if a.ndim and a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return None


def median(a, dim=None, keepdim=False):
    if a.numel() == 0:
        r = _empty_reduction("median", a, dim)
        if r is not None:
            return r
    if dim is None:
        return _pick("MedianBackward0", a, None, False, lambda f, ax: _median_idx(f, 0), None)
    return _pick("MedianBackward1", a, dim, keepdim, _median_idx, _Median)


def nanmedian(a, dim=None, keepdim=False):
    if a.numel() == 0:
        r = _empty_reduction("nanmedian", a, dim)
        if r is not None:
            return r
    ch = lambda f, ax: _median_idx(f, ax, nan=True)  # noqa: E731
    if dim is None:
        return _pick("NanmedianBackward0", a, None, False, lambda f, ax: ch(f, 0), None)
    return _pick("NanmedianBackward1", a, dim, keepdim, ch, _NanMedian)


def _mode_with_nan(row):
    """torch's mode of a row holding NaN: its CPU kernel sorts (value, index) pairs with
    std::sort and ``<`` (for up to 16 elements libstdc++'s insertion sort, whose order NaN
    blocks) and takes the first run of the highest count, its last index."""
    order = [0]
    for i in range(1, len(row)):
        v = row[i]
        if v < row[order[0]]:
            order.insert(0, i)
            continue
        j = len(order)
        while v < row[order[j - 1]]:
            j -= 1
        order.insert(j, i)
    best, best_i, run = 0, 0, 0
    for k, i in enumerate(order):
        run += 1
        if k == len(order) - 1 or row[i] != row[order[k + 1]]:
            if run > best:
                best, best_i = run, i
            run = 0
    return best_i


def _mode_idx(v, axis):
    vm = np.moveaxis(v, axis, -1)
    out = np.zeros(vm.shape[:-1], np.int64)
    for pos in np.ndindex(vm.shape[:-1]):
        row = vm[pos]
        if row.dtype.kind == "f" and row.size <= 16 and np.isnan(row).any():
            out[pos] = _mode_with_nan(row)
            continue
        vals, counts = np.unique(row, return_counts=True)
        best = vals[np.argmax(counts)]
        out[pos] = np.nonzero(row == best)[0][-1]
    return out


def mode(a, dim=-1, keepdim=False):
    if a.numel() == 0:
        _empty_reduction("mode", a, dim)
    return _pick("ModeBackward0", a, dim, keepdim, _mode_idx, _Mode)


def kthvalue(a, k, dim=-1, keepdim=False):
    k = dim_int(k, "k")
    d = norm_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    return _pick("KthvalueBackward0", a, dim, keepdim,
                 lambda v, ax: np.take(np.argsort(v, axis=ax, kind="stable"), k - 1, axis=ax),
                 _Kth)


def msort(a):
    from fungrad.torch._ops_reduce import sort
    return sort(a, 0).values if a.ndim else a.clone()


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(a, q, dim=None, keepdim=False, *, interpolation="linear", _nan=False):
    dt = a._value.dtype
    if not isinstance(q, Tensor):  # torch's scalar overload checks q first
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q:g}")
    if a.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    qv = _np(q)
    if qv.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if dt not in (np.float32, np.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if isinstance(q, Tensor) and qv.dtype != dt:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest. Got '{interpolation}'")
    if isinstance(q, Tensor) and qv.size and not ((qv >= 0) & (qv <= 1)).all():
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    qv = qv.astype(dt)
    f = fnp.nanquantile if _nan else fnp.quantile
    axis = None if dim is None else norm_dim(dim, a.ndim)

    def fn(x):
        return f(x, qv, axis=axis, keepdims=keepdim, method=interpolation)
    return apply("SqueezeBackward4", fn, [a])


def nanquantile(a, q, dim=None, keepdim=False, *, interpolation="linear"):
    return quantile(a, q, dim, keepdim, interpolation=interpolation, _nan=True)


def nansum(a, dim=None, keepdim=False, *, dtype=None):
    axes = dims_of(dim, a.ndim)
    return apply("NansumBackward0", lambda x: fnp.sum(fnp.where(x != x, fnp.zeros_like(x), x),
                                                      axis=axes, keepdims=keepdim), [a])


def nanmean(a, dim=None, keepdim=False, *, dtype=None):
    axes = dims_of(dim, a.ndim)

    def fn(x):
        ok = x == x
        s = fnp.sum(fnp.where(ok, x, fnp.zeros_like(x)), axis=axes, keepdims=keepdim)
        return s / fnp.sum(ok, axis=axes, keepdims=keepdim).astype(x.dtype)
    return apply("DivBackward0", fn, [a], saved="nanmean")


def _ddof(unbiased, correction):
    if correction is not None:
        return correction
    return 0 if unbiased is False else 1


def _stat_mean(name, f, a, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool) and unbiased is None:
        unbiased, dim = dim, None
    axes = dims_of(dim, a.ndim)
    ddof = _ddof(unbiased, correction)

    def fn(x):
        return (f(x, axis=axes, ddof=ddof, keepdims=keepdim),
                fnp.mean(x, axis=axes, keepdims=keepdim))
    return apply(name, fn, [a], tuple_out=True)


def var_mean(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _stat_mean("VarMeanBackward0", tvar, a, dim, unbiased, keepdim, correction)


def _std(x, axis=None, ddof=0, keepdims=False):
    """std with torch's zero gradient where it is 0 (all entries equal)."""
    return safe_root(tvar(x, axis=axis, ddof=ddof, keepdims=keepdims), 2)


def std_mean(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _stat_mean("StdMeanBackward0", _std, a, dim, unbiased, keepdim, correction)


def aminmax(a, *, dim=None, keepdim=False):
    axes = None if dim is None else (norm_dim(dim, a.ndim),)
    lo = apply("AminmaxBackward0", lambda x: fnp.min(x, axis=axes, keepdims=keepdim), [a])
    hi = apply("AminmaxBackward0", lambda x: fnp.max(x, axis=axes, keepdims=keepdim), [a])
    return _MinMax(lo, hi)


def count_nonzero(a, dim=None):
    axes = dims_of(dim, a.ndim)
    return _new(np.asarray(np.count_nonzero(_np(a), axis=axes), I64))


def _cum_extreme(a, dim, which):
    d = norm_dim(dim, a.ndim)
    v = _np(a)
    vm = np.moveaxis(v, d, -1)
    idx = np.zeros(vm.shape, np.int64)
    for pos in np.ndindex(vm.shape[:-1]):
        row = vm[pos]
        best = 0
        for j in range(row.shape[0]):
            r, b = row[j], row[best]
            if np.isnan(r) or (not np.isnan(b) and ((r >= b) if which == "max" else (r <= b))):
                best = j
            idx[pos + (j,)] = best
    idx = np.moveaxis(idx, -1, d)
    name = "CummaxBackward0" if which == "max" else "CumminBackward0"
    it = _new(idx.copy())  # (an operand: torch's node saves the indices returned)
    values = apply(name, lambda x, _i: _take_along(x, idx, d, True), [a, it])
    return (_Cummax if which == "max" else _Cummin)(values, it)


def cummax(a, dim):
    return _cum_extreme(a, dim, "max")


def cummin(a, dim):
    return _cum_extreme(a, dim, "min")


def logcumsumexp(a, dim):
    d = norm_dim(dim, a.ndim)

    def fn(x):
        if x.ndim == 0:
            return x * 1
        m = lax.stop_gradient(fnp.max(fnp.where(fnp.isfinite(x), x, 0 * x), axis=d,
                                      keepdims=True))
        n = x.shape[d]
        tri = np.triu(np.ones((n, n), x.dtype))
        e = fnp.moveaxis(fnp.exp(x - m), d, -1)
        return fnp.moveaxis(fnp.log(fnp.matmul(e, tri)), -1, d) + m
    return apply("LogcumsumexpBackward0", fn, [a])


def diff(a, n=1, dim=-1, prepend=None, append=None):
    n = dim_int(n, "n") if not (type(n) is int and not -2 ** 63 <= n < 2 ** 63) else n
    if a.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if not -2 ** 63 <= n < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = norm_dim(dim, a.ndim)
    parts = [p for p in (prepend, a, append) if p is not None]
    from fungrad.torch._ops_shape import cat
    x = cat(parts, d) if len(parts) > 1 else a
    for _ in range(n):
        m = x.shape[d]
        if m == 0:
            break  # torch: the differences of an empty dimension are empty
        hi = (slice(None),) * d + (slice(1, m),)
        lo = (slice(None),) * d + (slice(0, m - 1),)
        if x._value.dtype == np.bool_:
            x = _new(np.logical_xor(_np(x)[hi], _np(x)[lo]))
        else:
            x = apply("SubBackward0", lambda v, hi=hi, lo=lo: v[hi] - v[lo], [x])
    return x


def trapezoid(y, x=None, *, dx=None, dim=-1):
    if y.ndim == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    if y._value.dtype.kind not in "fc":
        y = _new(y._value.astype(np.float32))
    d = norm_dim(dim, y.ndim)
    n = y.shape[d]
    hi = (slice(None),) * d + (slice(1, n),)
    lo = (slice(None),) * d + (slice(0, n - 1),)
    if isinstance(x, Tensor):
        return apply("DivBackward1", lambda yv, xv: fnp.sum(
            (yv[hi] + yv[lo]) * _xdiff(xv, d, yv.ndim) / 2, axis=d), [y, x])
    h = dx if dx is not None else (x if x is not None else 1)
    return apply("MulBackward1", lambda yv: fnp.sum(yv[hi] + yv[lo], axis=d) * (h / 2), [y])


def _xdiff(xv, d, nd):
    if xv.ndim == 1:
        dx = xv[1:] - xv[:-1]
        shape = [1] * nd
        shape[d] = dx.shape[0]
        return fnp.reshape(dx, tuple(shape))
    n = xv.shape[d]
    return xv[(slice(None),) * d + (slice(1, n),)] - xv[(slice(None),) * d + (slice(0, n - 1),)]


def trapz(y, x=None, *, dx=None, dim=-1):
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    if y.ndim == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    if y._value.dtype.kind not in "fc":
        y = _new(y._value.astype(np.float32))
    d = norm_dim(dim, y.ndim)
    n = y.shape[d]
    if n == 0:
        return _new(np.zeros(y.shape, y._value.dtype))
    hi = (slice(None),) * d + (slice(1, n),)
    lo = (slice(None),) * d + (slice(0, n - 1),)
    h = dx if dx is not None else 1
    tri = np.triu(np.ones((n - 1, n - 1), y._value.dtype))

    def fn(yv, *xs):
        seg = (yv[hi] + yv[lo]) / 2 * (_xdiff(xs[0], d, yv.ndim) if xs else h)
        return fnp.moveaxis(fnp.matmul(fnp.moveaxis(seg, d, -1), tri), -1, d)
    return apply("CumsumBackward0", fn, [y] + ([x] if isinstance(x, Tensor) else []))


def dist(a, b, p=2):
    M._check_sub(a, b)
    dt = common(a, b)
    if dt.kind not in "fc":
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{_dtype._TYPE_NAMES.get(dt.name)} instead.")

    def fn(x, y):
        z = tabs(cast(x, dt) - cast(y, dt))
        if p == float("inf"):
            return fnp.max(z)
        if p == 0:
            return fnp.sum((z != 0).astype(dt))
        return safe_root(fnp.sum(fnp.power(z, p)), p)
    return apply("DistBackward0", fn, [a, b])


def renorm(a, p, dim, maxnorm):
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if a.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {a.ndim} dimensions")
    d = norm_dim(dim, a.ndim)
    if a._value.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {M.tname(a._value)}")
    axes = tuple(i for i in range(a.ndim) if i != d)

    def fn(x):
        nrm = fnp.power(fnp.sum(fnp.power(tabs(x), p), axis=axes, keepdims=True), 1.0 / p)
        scale = fnp.where(nrm > maxnorm, maxnorm / (nrm + 1e-7), 1.0 + 0 * nrm)
        return x * scale
    return apply("RenormBackward0", fn, [a])


def histc(a, bins=100, min=0, max=0):
    v = _np(a)
    bins = dim_int(bins, "bins")
    if v.dtype.kind == "c" and min == 0 and max == 0:
        raise refuse("aminmax_cpu", v.dtype)
    if v.dtype.kind == "b":
        raise refuse("linspace_cpu", v.dtype)
    if v.dtype.kind != "f":
        raise refuse("histogram_cpu", v.dtype)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if min == 0 and max == 0 and v.size:
        lo, hi = float(v.min()), float(v.max())
    else:
        lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    h, _ = np.histogram(v[(v >= lo) & (v <= hi)], bins=bins, range=(lo, hi))
    return _new(h.astype(v.dtype))


def bincount(a, weights=None, minlength=0):
    v = _np(a)
    if v.dtype.kind not in "iu":
        raise refuse("bincount_cpu", v.dtype)
    if v.ndim != 1 or (v.size and v.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    minlength = dim_int(minlength, "minlength")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    w = None if weights is None else _np(weights)
    if w is not None and (w.ndim != 1 or w.shape[0] != v.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    r = np.bincount(v, weights=w, minlength=minlength)
    if w is None:
        r = r.astype(I64)
    elif w.dtype == np.float32:
        r = r.astype(np.float32)
    return _new(r)


def _cov_input(a, name):
    """torch's rank check of cov/corrcoef; integer input computed in the default float32."""
    if a.ndim > 2:
        raise RuntimeError(f"{name}(): expected input to have two or fewer dimensions but got an "
                           f"input with {a.ndim} dimensions")
    return None if a._value.dtype.kind in "fc" else np.dtype(np.float32)


def cov(a, *, correction=1, fweights=None, aweights=None):
    fw = None if fweights is None else _np(fweights)
    aw = None if aweights is None else _np(aweights)
    to = _cov_input(a, "cov")

    def fn(x):
        x = x if to is None else cast(x, to)
        x2 = x if x.ndim == 2 else fnp.reshape(x, (1, -1))
        n = x2.shape[1]
        w = np.ones(n, x.dtype)
        if fw is not None:
            w = w * fw
        if aw is not None:
            w = w * aw
        wsum = w.sum()
        mean = fnp.sum(x2 * w, axis=1, keepdims=True) / wsum
        xc = x2 - mean
        if aw is None:
            norm = wsum - correction
        else:
            norm = wsum - correction * (w * aw).sum() / wsum
        c = fnp.matmul(xc * w, fnp.conj(fnp.transpose(xc))) / max(norm, 0)  # (conj: torch's)
        return c if x.ndim == 2 else fnp.reshape(c, ())
    return apply("SqueezeBackward0", fn, [a])


def corrcoef(a):
    to = _cov_input(a, "corrcoef")

    def fn(x):
        x = x if to is None else cast(x, to)
        x2 = x if x.ndim == 2 else fnp.reshape(x, (1, -1))
        xc = x2 - fnp.mean(x2, axis=1, keepdims=True)
        c = fnp.matmul(xc, fnp.conj(fnp.transpose(xc)))
        d = fnp.sqrt(fnp.diagonal(c))
        r = fnp.clip(c / d[:, None] / d[None, :], -1, 1)
        return r if x.ndim == 2 else fnp.reshape(r, ())
    return apply("ClampBackward1", fn, [a])


def _flags(name, python=False, **flags):
    """torch's TypeError for a flag that is not a bool (``python``: torch's Python code reads it
    as a condition first, so a tensor of several elements is its RuntimeError)."""
    for k, f in flags.items():
        if python and isinstance(f, Tensor) and f._value.size != 1:
            bool(f)
        if type(f) is not bool:
            raise TypeError(f"{name}(): argument '{k}' must be bool, not {type(f).__name__}")


def unique(a, sorted=True, return_inverse=False, return_counts=False, dim=None):
    _flags("_unique2", sorted=sorted, return_inverse=return_inverse, return_counts=return_counts)
    v = _np(a)
    if dim is not None:
        try:
            dim = norm_dim(dim_int(dim), v.ndim)
        except TypeError:
            raise TypeError(f"unique_dim(): argument 'dim' (position 2) must be int, not "
                            f"{type(dim).__name__}") from None
    vals, inv, cnt = np.unique(v, return_inverse=True, return_counts=True, axis=dim)
    out = [_new(vals)]
    if return_inverse:
        out.append(_new(inv.reshape(v.shape if dim is None else -1).astype(I64)))
    if return_counts:
        out.append(_new(cnt.astype(I64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(a, return_inverse=False, return_counts=False, dim=None):
    _flags("unique_consecutive", True, return_inverse=return_inverse,
           return_counts=return_counts)
    v = _np(a)
    if dim is not None:
        dim = dim_int(dim)
    if dim is None:
        flat = v.reshape(-1)
        if flat.size == 0:
            starts = np.zeros(0, bool)
        else:
            starts = np.concatenate([[True], flat[1:] != flat[:-1]])
        vals = flat[starts]
        inv = np.cumsum(starts) - 1
        bounds = np.append(np.nonzero(starts)[0], flat.size)
        cnt = np.diff(bounds)
        out = [_new(vals)]
        if return_inverse:
            out.append(_new(inv.reshape(v.shape).astype(I64)))
        if return_counts:
            out.append(_new(cnt.astype(I64)))
        return out[0] if len(out) == 1 else tuple(out)
    d = norm_dim(dim, v.ndim)
    vm = np.moveaxis(v, d, 0)
    keep = [0] + [i for i in range(1, vm.shape[0]) if not np.array_equal(vm[i], vm[i - 1])]
    inv = np.cumsum([i in keep for i in range(vm.shape[0])]) - 1
    cnt = np.diff(keep + [vm.shape[0]])
    out = [_new(np.moveaxis(vm[keep], 0, d))]
    if return_inverse:
        out.append(_new(inv.astype(I64)))
    if return_counts:
        out.append(_new(np.asarray(cnt, I64)))
    return out[0] if len(out) == 1 else tuple(out)


# ---- indexing and scatter ---------------------------------------------------------------------
def _src_arg(src, dt):
    if isinstance(src, Tensor):
        return src
    return float(src) if dt.kind in "fc" else int(src)


def _last_writer(shape, key):
    """A mask over the update positions: the last update of each target position (torch's
    scatter keeps one update per position; which one it keeps is unspecified on CPU)."""
    flat = np.ravel_multi_index(tuple(np.broadcast_arrays(*key)), shape).reshape(-1)
    win = np.zeros(flat.shape, bool)
    seen = set()
    for j in range(flat.size - 1, -1, -1):
        if flat[j] not in seen:
            seen.add(flat[j])
            win[j] = True
    hit = np.zeros(shape, bool)
    hit.reshape(-1)[flat] = True
    return win.reshape(np.broadcast_shapes(*[k.shape for k in key])), hit


def scatter(t, dim, index, src=None, *, value=None, reduce=None):
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() received an invalid combination of arguments - got (Tensor, "
                        "int, Tensor), but expected one of: (Tensor input, int dim, Tensor index, "
                        "Tensor src), (Tensor input, int dim, Tensor index, Number value)")
    d = norm_dim(dim, t.ndim)
    index_dtype(index, _SCATTER_INDEX)
    idx = _np(index)
    key = _grids(idx.shape, d, idx)
    dt = t._value.dtype
    if reduce is not None:
        return scatter_reduce(t, dim, index, src if isinstance(src, Tensor) else
                              _new(np.full(idx.shape, src, dt)),
                              {"add": "sum", "multiply": "prod"}[reduce])
    win, hit = _last_writer(tuple(t.shape), key)
    region = tuple(slice(0, s) for s in idx.shape)
    if isinstance(src, Tensor):
        name = "ScatterBackward0"

        def fn(x, s, *_i):
            s = cast(s, dt)[region]
            placed = _scatter_add(fnp.zeros_like(x), key, fnp.where(win, s, 0 * s))
            return fnp.where(hit, placed, x)
        return apply(name, fn, [t, src] + kept(index))
    s0 = src

    def fn1(x, *_i):
        return fnp.where(hit, cast(s0, dt), x)
    return apply("ScatterBackward1", fn1, [t] + kept(index))


_SCATTER_INDEX = "scatter(): Expected dtype int32/int64 for index"


def scatter_add(t, dim, index, src):
    d = norm_dim(dim, t.ndim)
    index_dtype(index, _SCATTER_INDEX)
    idx = _np(index)
    key = _grids(idx.shape, d, idx)
    region = tuple(slice(0, s) for s in idx.shape)
    dt = t._value.dtype
    return apply("ScatterAddBackward0",
                 lambda x, s, *_i: _scatter_add(x, key, cast(s, dt)[region]),
                 [t, src] + kept(index))


def _reduce_arg(name, index, reduce, pos):
    """torch's argument checks of scatter_reduce / index_reduce (before their dim)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' (position {pos}) must be Tensor, not "
                        f"{type(index).__name__}")
    if not isinstance(reduce, str):
        raise TypeError(f"{name}(): argument 'reduce' (position {pos + 2}) must be str, not "
                        f"{type(reduce).__name__}")


def scatter_reduce(t, dim, index, src, reduce, *, include_self=True,
                   _name="ScatterReduceBackward0", _index=None):
    """(``_name`` and ``_index``: index_reduce's node, and the index it was called with.)"""
    _reduce_arg("scatter_reduce", index, reduce, 3)
    saved_index = kept(index if _index is None else _index)
    d = norm_dim(dim, t.ndim)
    if _index is None:
        index_dtype(index, _SCATTER_INDEX)
    idx = _np(index)
    key = _grids(idx.shape, d, idx)
    region = tuple(slice(0, s) for s in idx.shape)
    dt = t._value.dtype
    shape = tuple(t.shape)
    hit = np.zeros(shape, bool)
    hit[key] = True
    cnt = np.zeros(shape, np.int64)
    np.add.at(cnt, key, 1)
    if reduce in ("sum", "mean"):
        def fn(x, s, *_i):
            s = cast(s, dt)[region]
            base = x if include_self else fnp.where(hit, 0 * x, x)
            tot = _scatter_add(base, key, s)
            if reduce == "sum":
                return tot
            n = cnt + (1 if include_self else 0)
            n = np.where(n == 0, 1, n).astype(dt)
            out = tot / n
            return out if dt.kind == "f" else fnp.floor_divide(tot, n.astype(dt))
        return apply(_name, fn, [t, src] + saved_index)
    if reduce in ("amax", "amin", "prod"):
        sv = _np(src)[region]
        tv = _np(t)
        init = {"amax": -np.inf, "amin": np.inf, "prod": 1}[reduce]
        acc = np.full(shape, init, dtype=np.float64)
        ufn = {"amax": np.maximum, "amin": np.minimum, "prod": np.multiply}[reduce]
        ufn.at(acc, key, sv.astype(np.float64))
        if include_self:
            acc = np.where(hit, ufn(acc, tv), tv)
        else:
            acc = np.where(hit, acc, tv)
        res = acc.astype(dt)
        if reduce == "prod":
            sgn = np.sign(res)

            def fnp_(x, s, *_i):
                s = cast(s, dt)[region]
                logs = _scatter_add(fnp.zeros(shape, dt), key, fnp.log(tabs(s)))
                if include_self:
                    logs = logs + fnp.log(tabs(x))
                return fnp.where(hit, fnp.exp(logs) * sgn, x)
            return apply(_name, fnp_, [t, src] + saved_index)

        def fnm(x, s, *_i):
            # the gradient is shared equally by the elements equal to the result (torch's rule)
            s = cast(s, dt)[region]
            sel_src = s == res[key]
            sel_self = hit & (x == res) if include_self else np.zeros(shape, bool)
            nsel = _scatter_add(np.zeros(shape, dt), key, sel_src.astype(dt)) + sel_self
            nsel = fnp.where(nsel == 0, 1, nsel)
            contrib = _scatter_add(fnp.zeros(shape, dt), key, fnp.where(sel_src, s, 0 * s))
            share = (contrib + fnp.where(sel_self, x, 0 * x)) / nsel
            return fnp.where(hit, lax.stop_gradient(res - share) + share, x)
        return apply(_name, fnm, [t, src] + saved_index)
    raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                       f"{reduce}")


def _index_key(shape, d, index, src_shape):
    idx = _np(index).reshape(-1)
    b = [1] * len(src_shape)
    if len(src_shape):
        b[d] = idx.shape[0]
    g = list(np.meshgrid(*[np.arange(s) for s in src_shape], indexing="ij"))
    if len(src_shape):
        g[d] = np.broadcast_to(idx.reshape(b), src_shape)
    return tuple(g)


def index_add(t, dim, index, source, *, alpha=1):
    d = norm_dim(dim, t.ndim)
    index_dtype(index, "index_add_(): Expected dtype int32/int64 for index but got: {}")
    key = _index_key(tuple(t.shape), d, index, tuple(source.shape))
    dt = t._value.dtype
    return apply("IndexAddBackward0",
                 lambda x, s, *_i: _scatter_add(x, key, cast(s, dt) * alpha) if t.ndim else
                 x + cast(s, dt) * alpha, [t, source] + kept(index))


def index_copy(t, dim, index, source):
    d = norm_dim(dim, t.ndim)
    index_dtype(index, "index_copy_(): Expected a long tensor for index, but got {}", _INDEX_64)
    key = _index_key(tuple(t.shape), d, index, tuple(source.shape))
    win, hit = _last_writer(tuple(t.shape), key)
    dt = t._value.dtype

    def fn(x, s, *_i):
        s = cast(s, dt)
        return fnp.where(hit, _scatter_add(fnp.zeros_like(x), key, fnp.where(win, s, 0 * s)), x)
    return apply("IndexCopyBackward0", fn, [t, source] + kept(index))


def index_fill(t, dim, index, value):
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    d = norm_dim(dim, t.ndim)
    index_dtype(index, "index_fill_(): Expected dtype int64 for index.", _INDEX_64, IndexError)
    idx = _np(index).reshape(-1)
    mask = np.zeros(tuple(t.shape), bool)
    mask[(slice(None),) * d + (idx,)] = True
    dt = t._value.dtype
    if isinstance(value, Tensor):
        return apply("IndexFillBackward1", lambda x, v, *_i: fnp.where(mask, cast(v, dt), x),
                     [t, value] + kept(index))
    return apply("IndexFillBackward0", lambda x, *_i: fnp.where(mask, cast(value, dt), x),
                 [t] + kept(index))


def index_put(t, indices, values, accumulate=False):
    from fungrad.torch._ops_index import _convert, index_tensors
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' (position 2) must be tuple of Tensors, "
                        f"not {type(indices).__name__}")
    for i, x in enumerate(indices):
        if x is not None and not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got "
                            f"{type(x).__name__}")
    key = tuple(_convert(i) if i is not None else slice(None) for i in indices)
    shape = tuple(t.shape)
    dt = t._value.dtype
    spec, arrays = parse_index(key, len(shape))
    region = np.zeros(shape, np.int8)[key].shape
    mask = np.zeros(shape, bool)
    mask[key] = True

    def fn(x, v, *_i):
        upd = fnp.broadcast_to(cast(v, dt), region)
        if accumulate:
            return lax.scatter_add(x, upd, spec, arrays)
        placed = lax.scatter_add(fnp.zeros(shape, dt), upd, spec, arrays)
        return fnp.where(mask, placed, x)
    return apply("IndexPutBackward0", fn, [t, values] + index_tensors(tuple(indices)))


def index_reduce(t, dim, index, source, reduce, *, include_self=True):
    _reduce_arg("index_reduce", index, reduce, 3)
    d = norm_dim(dim, t.ndim)
    index_dtype(index, "index_reduce_(): Expected dtype int32/int64 for index but got: {}")
    key = _index_key(tuple(t.shape), d, index, tuple(source.shape))
    idxfull = key[d]
    return scatter_reduce(t, d, _new(idxfull), source, {"mean": "mean", "prod": "prod",
                                                         "amax": "amax", "amin": "amin"}[reduce],
                          include_self=include_self, _name="IndexReduceBackward0", _index=index)


def masked_select(t, mask):
    if mask._value.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    m = _np(mask)
    shape = np.broadcast_shapes(tuple(t.shape), m.shape)
    nz = np.nonzero(np.broadcast_to(m, shape))
    return apply("MaskedSelectBackward0", lambda x, *_m: fnp.broadcast_to(x, shape)[nz],
                 [t] + kept(mask))


def masked_scatter(t, mask, source):
    dt = t._value.dtype
    sdt, mdt = _np(source).dtype, _np(mask).dtype
    if sdt != dt:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{scalar_name(dt)} and {scalar_name(sdt)}")
    if mdt != np.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{scalar_name(mdt)}")
    m = np.broadcast_to(_np(mask), tuple(t.shape))
    nz = np.nonzero(m)
    k = nz[0].shape[0]
    if _np(source).size < k:
        raise RuntimeError("Number of elements of source < number of ones in mask")

    def fn(x, s, *_m):
        vals = fnp.reshape(cast(s, dt), (-1,))[:k]
        return fnp.where(m, _scatter_add(fnp.zeros_like(x), nz, vals), x)
    return apply("MaskedScatterBackward0", fn, [t, source] + kept(mask))


def take(t, index):
    idx = _np(index)
    if idx.dtype != I64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                           f"{scalar_name(idx.dtype)}")
    return apply("TakeBackward0", lambda x, *_i: fnp.reshape(x, (-1,))[idx], [t] + kept(index))


def take_along_dim(t, indices, dim=None):
    idx = _np(indices)
    if dim is None:
        if idx.size and idx.dtype not in (I64, np.int32):
            raise RuntimeError("gather(): Expected dtype int32/int64 for index")
        idx = idx.reshape(-1).astype(I64)
        n = t.numel()
        if idx.size and not (-n <= idx.min() and idx.max() < n):
            bad = idx[(idx >= n) | (idx < -n)][0]
            raise RuntimeError(f"index {bad} is out of bounds for dimension 0 with size {n}")
        return apply("GatherBackward0", lambda x, *_i: fnp.reshape(x, (-1,))[idx],
                     [t] + kept(indices))
    if idx.dtype != I64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{scalar_name(idx.dtype)}")
    dim = dim_int(dim)
    if idx.ndim != t.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {t.ndim} dimensions for input, and "
                           f"{idx.ndim} dimensions for indices")
    d = norm_dim(dim, t.ndim)
    shape = list(np.broadcast_shapes(
        tuple(s for i, s in enumerate(t.shape) if i != d),
        tuple(s for i, s in enumerate(idx.shape) if i != d)))
    xs = list(shape)
    xs.insert(d, t.shape[d])
    ishape = list(shape)
    ishape.insert(d, idx.shape[d])
    # a copy: torch gathers with a broadcast copy of the indices (it does not save them, and
    # modifying them in place does not change the gradient)
    idx_b = np.array(np.broadcast_to(idx, ishape))
    key = _grids(idx_b.shape, d, idx_b)
    return apply("GatherBackward0", lambda x: fnp.broadcast_to(x, tuple(xs))[key], [t])


def put(t, index, source, accumulate=False):
    idx = _np(index).reshape(-1)
    shape = tuple(t.shape)
    n = int(np.prod(shape))
    dt = t._value.dtype
    if idx.dtype != I64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got "
                           f"{scalar_name(idx.dtype)}")
    sdt = _np(source).dtype
    if sdt != dt:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {scalar_name(dt)} and source.dtype = {scalar_name(sdt)}")
    mask = np.zeros(n, bool)
    mask[idx] = True

    def fn(x, s, *_i):
        s = fnp.reshape(cast(s, dt), (-1,))
        flat = fnp.reshape(x, (-1,))
        if accumulate:
            return fnp.reshape(_scatter_add(flat, (idx,), s), shape)
        placed = _scatter_add(fnp.zeros(n, dt), (idx,), s)
        return fnp.reshape(fnp.where(mask, placed, flat), shape)
    return apply("PutBackward0", fn, [t, source] + kept(index))


nonzero = M.nonzero  # (torch.where(condition) is nonzero too)


def argwhere(t):
    return nonzero(t)


def select(t, dim, index):
    d = norm_dim(dim, t.ndim)
    key = (slice(None),) * d + (index,)
    return apply("SelectBackward0", lambda x: x[key], [t], view=True)


def select_scatter(t, src, dim, index):
    d = norm_dim(dim, t.ndim)
    mask = np.zeros(tuple(t.shape), bool)
    mask[(slice(None),) * d + (index,)] = True
    dt = t._value.dtype
    return apply("SelectScatterBackward0",
                 lambda x, s: fnp.where(mask, fnp.expand_dims(cast(s, dt), d), x), [t, src])


def slice_scatter(t, src, dim=0, start=None, end=None, step=1):
    d = norm_dim(dim, t.ndim)
    sl = (slice(None),) * d + (slice(start, end, step),)
    shape = tuple(t.shape)
    want = np.empty(shape, np.bool_)[sl].shape
    if tuple(src.shape) != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(want)}")
    spec, arrays = parse_index(sl, len(shape))
    mask = np.zeros(shape, bool)
    mask[sl] = True
    dt = t._value.dtype
    return apply("SliceScatterBackward0", lambda x, s: fnp.where(
        mask, lax.scatter_add(fnp.zeros(shape, dt), cast(s, dt), spec, arrays), x), [t, src])


def _diag_key(shape, offset, d1, d2):
    n1, n2 = shape[d1], shape[d2]
    i = np.arange(max(0, -offset), min(n1, n2 - offset))
    return i, i + offset


def diagonal(t, offset=0, dim1=0, dim2=1):
    d1, d2 = norm_dim(dim1, t.ndim), norm_dim(dim2, t.ndim)
    out = apply("DiagonalBackward0", lambda x: fnp.diagonal(x, offset, d1, d2), [t], view=True)
    sv = t._value
    if type(sv) is np.ndarray and buffer_writeable(sv):
        # the value as a view of t's buffer (the compiled op copies), writeable, as torch's: an
        # in-place change of the diagonal changes t
        v = np.diagonal(sv, offset, d1, d2)
        v.setflags(write=True)
        out._value = v
    return out


def diagonal_scatter(t, src, offset=0, dim1=0, dim2=1):
    d1, d2 = norm_dim(dim1, t.ndim), norm_dim(dim2, t.ndim)
    shape = tuple(t.shape)
    r, c = _diag_key(shape, offset, d1, d2)
    want = [n for i, n in enumerate(shape) if i not in (d1, d2)] + [r.shape[0]]
    if list(src.shape) != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {want}")
    dt = t._value.dtype
    nd = len(shape)
    rest = [i for i in range(nd) if i not in (d1, d2)]
    # diagonal(x) has the remaining dims first, then the diagonal
    g = np.meshgrid(*[np.arange(shape[i]) for i in rest], np.arange(r.shape[0]), indexing="ij")
    key = [None] * nd
    for k, i in enumerate(rest):
        key[i] = g[k]
    key[d1], key[d2] = r[g[-1]], c[g[-1]]
    key = tuple(key)
    mask = np.zeros(shape, bool)
    mask[key] = True
    return apply("DiagonalScatterBackward0", lambda x, s: fnp.where(
        mask, _scatter_add(fnp.zeros(shape, dt), key, cast(s, dt)), x), [t, src])


def _bisect(s, v, right):
    """torch's binary search (its cus_lower_bound / cus_upper_bound, the same steps, so that an
    unsorted sequence or NaNs give torch's indices): the index of each value of ``v`` in the
    last dim of ``s`` (1-d, or with ``v``'s leading dims)."""
    n = s.shape[-1]
    lo = np.zeros(v.shape, I64)
    hi = np.full(v.shape, n, I64)
    with np.errstate(invalid="ignore"):
        while True:
            active = lo < hi
            if not active.any():
                return lo
            mid = lo + ((hi - lo) >> 1)
            at = np.minimum(mid, n - 1)
            mv = s[at] if s.ndim == 1 else np.take_along_axis(s, at, -1)
            up = ~(mv > v) if right else ~(mv >= v)
            lo = np.where(active & up, mid + 1, lo)
            hi = np.where(active & ~up, mid, hi)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None):
    s = _np(sorted_sequence)
    scalar = not isinstance(input, Tensor)
    v = _np(input)
    if side is not None and side not in ("left", "right"):
        raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got "
                           f"{side}")
    if side == "left" and right:
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got "
                           "side of left while right was True")
    right = right or side == "right"
    if s.dtype.kind == "c" or v.dtype.kind == "c":
        raise refuse("searchsorted_out_cpu", s.dtype if s.dtype.kind == "c"
                               else v.dtype)
    if (scalar or v.ndim == 0) and s.ndim != 1:
        raise RuntimeError(f"torch.searchsorted(): input value can be a scalar only when "
                           f"boundaries tensor dimension is 1, but we got boundaries tensor "
                           f"dim({s.ndim}) and input value's dim({v.ndim}) numel({v.size})")
    if s.ndim > 1 and s.shape[:-1] != v.shape[:-1]:
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or "
                           f"the first N-1 dimensions of boundaries tensor and input value tensor "
                           f"must match, but we got boundaries tensor {list(s.shape)} and input "
                           f"value tensor {list(v.shape)}")
    if sorter is not None:
        so = _np(sorter)
        if so.dtype != I64:
            raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but "
                               f"got dtype {scalar_name(so.dtype)}")
        s = np.take_along_axis(s, so, -1)
    dt = np.result_type(s, v) if not scalar else s.dtype
    r = _bisect(s.astype(dt, copy=False), v.astype(dt, copy=False), right)
    return _new(np.asarray(r, np.int32 if out_int32 else I64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    b = _np(boundaries)
    if b.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({b.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def _rows_cols(row, col):
    for name, n in (("row", dim_int(row, "row")), ("col", dim_int(col, "col"))):
        if n < 0:
            raise RuntimeError(f"{name} must be non-negative, got{n}")
    return dim_int(row, "row"), dim_int(col, "col")


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    row, col = _rows_cols(row, col)
    r, c = np.tril_indices(row, offset, col)
    return _new(np.stack([r, c]).astype(_dtype.to_np(dtype) or I64))


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    row, col = _rows_cols(row, col)
    r, c = np.triu_indices(row, offset, col)
    return _new(np.stack([r, c]).astype(_dtype.to_np(dtype) or I64))


# ---- shape ------------------------------------------------------------------------------------
def broadcast_shapes(*shapes):
    """torch's broadcast_shapes (its Python code: None is skipped, an int is a shape of one
    dim, anything else must be a sequence)."""
    shapes = [(s,) if isinstance(s, (int, np.integer)) else s for s in shapes if s is not None]
    for s in shapes:
        if not isinstance(s, (tuple, list)):
            raise RuntimeError(f"Input shapes should be of type ints, a tuple of ints, or a list "
                               f"of ints, got {s}")
    common = [1] * builtins.max((len(s) for s in shapes), default=0)
    for k, s in enumerate(shapes):
        for i in range(-1, -1 - len(s), -1):
            if s[i] == common[i]:
                continue
            if common[i] == 1:
                if s[i] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[i] = s[i]
            if s[i] != 1 and s[i] != common[i]:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {s[i]} at {i}! "
                                   f"Mismatching argument at index {k} had {s}; but expected "
                                   f"shape should be broadcastable to {common}")
    return Size(common)


def broadcast_to(t, size):
    from fungrad.torch._ops_shape import expand
    return expand(t, size)


def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = broadcast_shapes(*[tuple(t.shape) for t in tensors])
    return tuple(broadcast_to(t, shape) for t in tensors)


def meshgrid(*tensors, indexing="ij"):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    from fungrad.torch._ops_shape import _tensor_list
    _tensor_list(tensors, "meshgrid")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got: {t}")
    n = len(tensors)
    sizes = [t.numel() for t in tensors]
    if indexing == "xy" and n >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, t in enumerate(tensors):
        ax = i
        if indexing == "xy" and n >= 2 and i < 2:
            ax = 1 - i
        shp = [1] * n
        shp[ax] = t.numel()
        out.append(broadcast_to(t.reshape(shp), sizes))
    return tuple(out)


def _atleast(k):
    def op(*tensors):
        one = len(tensors) == 1 and isinstance(tensors[0], Tensor)
        if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
            tensors = tuple(tensors[0])
        from fungrad.torch._ops_shape import _tensor_list
        _tensor_list(tensors, f"atleast_{k}d")
        res = []
        for t in tensors:
            if t.ndim >= k:
                res.append(t)
            elif k == 1 or t.ndim == 0:
                res.append(t.reshape([1] * k))
            elif k == 2:
                res.append(t.unsqueeze(0))
            else:
                res.append(t.unsqueeze(0).unsqueeze(-1) if t.ndim == 1 else t.unsqueeze(-1))
        return res[0] if one else tuple(res)
    return op


atleast_1d, atleast_2d, atleast_3d = _atleast(1), _atleast(2), _atleast(3)


def hstack(tensors):
    from fungrad.torch._ops_shape import cat
    ts = atleast_1d(*tensors) if len(tensors) > 1 else (atleast_1d(tensors[0]),)
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors):
    from fungrad.torch._ops_shape import cat
    ts = atleast_2d(*tensors) if len(tensors) > 1 else (atleast_2d(tensors[0]),)
    return cat(ts, 0)


def dstack(tensors):
    from fungrad.torch._ops_shape import cat
    ts = atleast_3d(*tensors) if len(tensors) > 1 else (atleast_3d(tensors[0]),)
    return cat(ts, 2)


def column_stack(tensors):
    from fungrad.torch._ops_shape import _tensor_list, cat
    ts = [t.reshape(-1, 1) if t.ndim <= 1 else t for t in _tensor_list(tensors, "column_stack")]
    return cat(ts, 1)


def _sections(ios, name, tensors=True):
    """tensor_split's (and hsplit's ...) indices_or_sections: an int (sections) or a tuple of
    indices, with torch's errors (a tensor: 0-d, sections, or 1-d, indices, of dtype long; for
    hsplit, vsplit, dsplit (``tensors`` False) a 0-d integer tensor, an int)."""
    if not tensors and isinstance(ios, Tensor):
        try:
            ios = dim_int(ios)
        except TypeError:
            pass
    if tensors and isinstance(ios, Tensor):
        v = ios._value
        if v.dtype != I64:
            raise RuntimeError(f"{name} expected tensor_indices_or_sections to have dtype of long, "
                               f"but got {scalar_name(v.dtype)}")
        if v.ndim > 1:
            raise RuntimeError(f"{name} expected tensor_indices_or_sections to be a "
                               "zero-dimensional or one-dimensional tensor, but got a tensor with "
                               f"{v.ndim} dims")
        return int(v) if v.ndim == 0 else [int(i) for i in np.asarray(v)]
    if type(ios) is int or isinstance(ios, np.integer):
        if not -_INT64 <= ios < _INT64:
            raise ValueError("Overflow when unpacking long long")
        return int(ios)
    if isinstance(ios, (tuple, list)):
        try:
            return list(int_list(ios, name, "indices", 1))
        except TypeError:
            pass
    raise TypeError(f"{name}() received an invalid combination of arguments - got "
                    f"({type(ios).__name__}), but expected one of: (tuple of ints indices, int "
                    "dim = 0), (Tensor tensor_indices_or_sections, int dim = 0), (int sections, "
                    "int dim = 0)")


def tensor_split(t, indices_or_sections, dim=0):
    from fungrad.torch._ops_shape import _slice_dim
    ios = _sections(indices_or_sections, "tensor_split")
    if t.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    d = norm_dim(dim, t.ndim)
    n = t.shape[d]
    if type(ios) is int:
        if ios <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {ios}")
        q, r = divmod(n, ios)
        sizes = [q + 1] * r + [q] * (ios - r)
        bounds = [0] + list(itertools.accumulate(sizes))
    else:  # indices: a negative one counts from the end, as a slice's bound
        bounds = [0] + [min(max(i + n if i < 0 else i, 0), n) for i in ios] + [n]
    return tuple(_slice_dim(t, d, bounds[i], max(bounds[i], bounds[i + 1]), "SliceBackward0")
                 for i in range(len(bounds) - 1))


def _hvd_split(name, axis_fn, min_dim):
    def op(t, indices_or_sections):
        ios = _sections(indices_or_sections, name, tensors=False)
        if t.ndim < min_dim:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} dimension, "
                               f"but got a tensor with {t.ndim} dimensions!")
        d = axis_fn(t)
        if type(ios) is int and (ios == 0 or t.shape[d] % ios):
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {d}, but the size of the "
                f"dimension {t.shape[d]} is not divisible by the split_size {ios}!")
        return tensor_split(t, ios, d)
    op.__name__ = name
    return op


hsplit = _hvd_split("hsplit", lambda t: 0 if t.ndim == 1 else 1, 1)
vsplit = _hvd_split("vsplit", lambda t: 0, 2)
dsplit = _hvd_split("dsplit", lambda t: 2, 3)


def split_with_sizes(t, split_sizes, dim=0):
    from fungrad.torch._ops_shape import split
    return split(t, list(int_list(split_sizes, "split_with_sizes", "split_sizes", 2)), dim)


def unflatten(t, dim, sizes):
    sizes = list(int_list(sizes, "unflatten", "sizes", 3))
    dim = dim_int(dim)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    d = norm_dim(dim, t.ndim)
    shape = list(t.shape)
    n = shape[d] if t.ndim else 1
    if sizes.count(-1) > 1:
        raise RuntimeError("unflatten got an unexpected error:\nonly one dimension can be "
                           "inferred")
    known = int(np.prod([s for s in sizes if s != -1]))
    infer = -1 in sizes
    if min(sizes) < -1 or (n % known if infer and known else known != n or infer):
        raise RuntimeError(f"unflatten: Provided sizes {sizes} don't multiply up to the size of "
                           f"dim {dim} ({n}) in the input tensor")
    if -1 in sizes:
        sizes[sizes.index(-1)] = n // known
    return t.reshape(shape[:d] + sizes + shape[d + 1:])


def unflatten_method(t, dim, sizes):
    """Tensor.unflatten, torch's Python method: an empty (or a tensor's) ``sizes`` is refused
    before the op reads it (``not sizes``)."""
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    return unflatten(t, dim, sizes)


def ravel(t):
    return t.reshape(-1)


def rot90(t, k=1, dims=(0, 1)):
    k = dim_int(k, "k")
    dims = int_list(dims, "rot90", "dims", 3)
    n = t.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    if dims[0] == dims[1] or abs(dims[0] - dims[1]) == n:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and "
                           f"dim1 = {dims[1]}")
    for i, d in enumerate(dims):
        if not -n <= d < n:
            raise RuntimeError(f"Rotation dim{i} out of range, dim{i} = {d}")
    d0, d1 = norm_dim(dims[0], n), norm_dim(dims[1], n)
    return apply("Rot90Backward0", lambda x: fnp.rot90(x, k, axes=(d0, d1)), [t])


def fliplr(t):
    from fungrad.torch._ops_shape import flip
    if t.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(t, 1)


def flipud(t):
    from fungrad.torch._ops_shape import flip
    if t.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(t, 0)


def diag_places(k, offset):
    """The (n, n) index of each diagonal element's source among ``k`` values (for a gather)
    and the mask of the diagonal ``offset`` of an n x n matrix, n = k + |offset|."""
    n = k + abs(offset)
    i = np.arange(k)
    r, c = i + max(0, -offset), i + max(0, offset)
    idx = np.zeros((n, n), np.int64)
    mask = np.zeros((n, n), bool)
    idx[r, c] = i
    mask[r, c] = True
    return idx, mask


def diag_embed(t, offset=0, dim1=-2, dim2=-1):
    nd = t.ndim + 1
    d1, d2 = norm_dim(dim1, nd), norm_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    k = t.shape[-1]
    idx, mask = diag_places(k, offset)

    def fn(x):
        # the values gathered to their places, zeros elsewhere (never 0 * x: inf * 0 is nan)
        full = fnp.take(x, idx, axis=-1) if k else fnp.zeros(x.shape[:-1] + idx.shape, x.dtype)
        out = fnp.where(mask, full, fnp.zeros((), x.dtype))
        return fnp.moveaxis(out, (-2, -1), (d1, d2))
    return apply("DiagEmbedBackward0", fn, [t])


def diagflat(t, offset=0):
    return diag_embed(t.reshape(-1), offset)


def trace(t):
    if t._value.dtype.kind == "b":
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if t.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {t.ndim}")
    return apply("TraceBackward0", lambda x: fnp.trace(x), [t])


def block_diag(*tensors):
    ts = [t.reshape(1, -1) if t.ndim == 1 else (t.reshape(1, 1) if t.ndim == 0 else t)
          for t in tensors]
    rows = sum(t.shape[0] for t in ts)
    cols = sum(t.shape[1] for t in ts)
    dt = common(*ts)
    offs = list(itertools.accumulate([(t.shape[0], t.shape[1]) for t in ts],
                                     lambda a, b: (a[0] + b[0], a[1] + b[1]), initial=(0, 0)))

    def fn(*xs):
        out = fnp.zeros((rows, cols), dt)
        for x, (r0, c0) in zip(xs, offs):
            rr, cc = np.meshgrid(np.arange(x.shape[0]) + r0, np.arange(x.shape[1]) + c0,
                                 indexing="ij")
            out = _scatter_add(out, (rr, cc), cast(x, dt))
        return out
    return apply("BlockDiagBackward0", fn, ts)


def _vectors(tensors):
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")


def cartesian_prod(*tensors):
    _vectors(tensors)
    if len(tensors) == 1:
        return tensors[0]
    from fungrad.torch._ops_shape import stack
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def combinations(t, r=2, with_replacement=False):
    _vectors((t,))
    r = dim_int(r, "r")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    n = t.shape[0]
    it = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = np.asarray(list(it(range(n), r)), np.int64).reshape(-1, r)
    return apply("StackBackward0", lambda x: x[idx], [t])


def kron(a, b):
    dt = common(a, b)
    return apply("UnsafeViewBackward0", lambda x, y: fnp.kron(cast(x, dt), cast(y, dt)), [a, b])


def _repeats_check(r):
    """torch's checks of repeat_interleave's tensor of repeats (integral, none negative)."""
    if r.dtype not in (I64, np.int32):
        raise refuse("repeat_interleave_cpu", r.dtype)
    if r.size and r.min() < 0:
        raise RuntimeError("repeats can not be negative")


def repeat_interleave(t, repeats=None, dim=None, *, output_size=None):
    if repeats is None:  # torch.repeat_interleave(repeats)
        if dim is not None:
            raise TypeError("repeat_interleave() received an invalid combination of arguments - "
                            "got (Tensor, dim=int), but expected one of: (Tensor input, Tensor "
                            "repeats, int dim = None, *, int output_size = None), (Tensor "
                            "repeats, *, int output_size = None), (Tensor input, int repeats, "
                            "int dim = None, *, int output_size = None)")
        r = _np(t)
        if r.dtype not in (I64, np.int32):
            raise refuse("repeat_interleave_cpu", r.dtype)
        if r.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        _repeats_check(r)
        return _new(np.repeat(np.arange(r.shape[0]), r).astype(I64))
    if dim is not None:
        dim = dim_int(dim)
    if isinstance(repeats, Tensor):
        rep = _np(repeats)
        if rep.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        n = t.numel() if dim is None else (t.shape[norm_dim(dim, t.ndim)] if t.ndim else 1)
        if rep.ndim == 1 and rep.shape[0] != n:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {rep.shape[0]} and input.size("
                               f"{0 if dim is None else dim}) = {n}")
        _repeats_check(rep)
        if rep.ndim == 0:
            rep = int(rep)
    else:
        rep = dim_int(repeats, "repeats")
        if rep < 0:
            raise RuntimeError("Repeats must be non-negative")
    if dim is None:
        return apply("IndexSelectBackward0" if isinstance(repeats, Tensor) else "ViewBackward0",
                     lambda x: fnp.repeat(fnp.reshape(x, (-1,)), rep), [t])
    d = norm_dim(dim, t.ndim)
    idx = np.repeat(np.arange(t.shape[d]), rep)
    return apply("IndexSelectBackward0" if isinstance(repeats, Tensor) else "ViewBackward0",
                 lambda x: fnp.take(x, idx, axis=d), [t])


def repeat_interleave_method(t, repeats=None, dim=None, *, output_size=None):
    """Tensor.repeat_interleave: ``repeats`` is required (torch.repeat_interleave(repeats)
    alone is the function's)."""
    if repeats is None:
        raise TypeError("repeat_interleave() received an invalid combination of arguments - got "
                        "(), but expected one of: (Tensor repeats, int dim = None, *, int "
                        "output_size = None), (int repeats, int dim = None, *, int output_size "
                        "= None)")
    return repeat_interleave(t, repeats, dim, output_size=output_size)


def unfold(t, dimension, size, step):
    d = norm_dim(dimension, t.ndim)
    size, step = dim_int(size, "size"), dim_int(step, "step")
    n = t.shape[d] if t.ndim else 1
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    starts = np.arange(0, n - size + 1, step)
    idx = starts[:, None] + np.arange(size)[None, :]

    def fn(x):
        if x.ndim == 0:
            return fnp.reshape(x, (1,))
        g = fnp.take(x, idx, axis=d)  # shape[:d] + (nwin, size) + shape[d+1:]
        return fnp.moveaxis(g, d + 1, -1)
    return apply("UnfoldBackward0", fn, [t], view=True)


def _tensordot_dims(a, b, dims):
    """torch.tensordot's contracted dims of ``a`` and ``b``, with its checks of ``dims``."""
    if isinstance(dims, Tensor):
        if dims.numel() > 1:
            return [int(d) for d in np.asarray(dims[0]._value).reshape(-1)], \
                [int(d) for d in np.asarray(dims[1]._value).reshape(-1)]
        dims = int(dims.item())
    if isinstance(dims, (tuple, list)):
        da, db = dims
        return ([da] if isinstance(da, int) else list(da)), ([db] if isinstance(db, int)
                                                               else list(db))
    if type(dims) is not int:
        raise RuntimeError("tensordot expects dims to be int or tuple[list[int], list[int]] or "
                           f"list[list[int]] containing two lists, but got dims={dims}")
    if dims < 0:
        raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
    if dims > min(a.ndim, b.ndim):
        raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
    return list(range(-dims, 0)), list(range(dims))


def _dim_set(dims, ndim):
    seen = set()
    for d in dims:
        k = norm_dim(d, ndim)
        if k in seen:
            raise RuntimeError(f"dim {k} appears multiple times in the list of dims")
        seen.add(k)
    return [d % ndim if ndim else 0 for d in dims]


def tensordot(a, b, dims=2, out=None):
    da, db = _tensordot_dims(a, b, dims)
    va, vb = a._value, b._value
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if va.dtype != vb.dtype:
        raise RuntimeError("both inputs should have same dtype")
    sum_a, sum_b = [], []  # size-1 dims broadcast against the other's: summed first, as torch
    for i, j in zip(da, db):
        s1, s2 = M.size_of(va, i), M.size_of(vb, j)
        if s2 == 1 and s1 != 1:
            sum_a.append(i)
        elif s1 == 1 and s2 != 1:
            sum_b.append(j)
        elif s1 != s2:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {s1} in "
                               f"dim {i} and second has size {s2} in dim {j}")
    da, db = _dim_set(da, va.ndim), _dim_set(db, vb.ndim)
    if va.dtype.kind == "b":
        raise NotImplementedError("\"dot\" not implemented for 'Bool'")
    axes = (da, db)

    def fn(x, y):
        if sum_a:
            x = fnp.sum(x, axis=tuple(sum_a), keepdims=True)
        if sum_b:
            y = fnp.sum(y, axis=tuple(sum_b), keepdims=True)
        return fnp.tensordot(x, y, axes)
    return apply("ViewBackward0", fn, [a, b], saved="tensordot")


def inner(a, b):
    if a.ndim == 0 or b.ndim == 0:
        return M.mul(a, b)
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(a.shape)} and {list(b.shape)}")
    if a._value.dtype != b._value.dtype:
        raise RuntimeError("both inputs should have same dtype")
    return apply("ViewBackward0", lambda x, y: fnp.inner(x, y), [a, b])  # its _TORCH_SAVED site


def vdot(a, b):
    M.check_dot(a._value, b._value)
    return apply("VdotBackward0", fnp.vdot, [a, b])


def ger(a, b):
    M._check_outer(a, b)
    dt = common(a, b)
    return apply("MulBackward0", lambda x, y: fnp.outer(cast(x, dt), cast(y, dt)), [a, b])


def cross(a, b, dim=None):
    va, vb = a._value, b._value
    if va.ndim != vb.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if dim is None:  # torch.cross's default: the input's first dim of size 3
        threes = [i for i, s in enumerate(va.shape) if s == 3]
        if not threes:
            raise RuntimeError("no dimension of size 3 in input")
        dim = threes[0]
    na, nb = M.size_of(va, dim), M.size_of(vb, dim)
    if na != 3 or nb != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {na} "
                           f"and {nb}")
    shape = M.batch_broadcast(va.shape, vb.shape)
    if va.dtype.kind == "b":
        raise NotImplementedError("\"cross\" not implemented for 'Bool'")
    if va.dtype != vb.dtype:
        raise RuntimeError(f"expected scalar type {M.tname(va)} but found {M.tname(vb)}")
    d = dim % va.ndim

    def fn(x, y):
        return fnp.cross(fnp.broadcast_to(x, shape), fnp.broadcast_to(y, shape), axis=d)
    return apply("LinalgCrossBackward0", fn, [a, b])


def check_multi_dot(ts):
    """linalg.multi_dot's checks of its tensors, with torch's texts."""
    n = len(ts)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    vs = [t._value for t in ts]
    for which, v in (("first", vs[0]), ("last", vs[-1])):
        if v.ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): the {which} tensor must be 1D or 2D but got "
                               f"{v.ndim}D")
    dt = vs[0].dtype
    for i, v in enumerate(vs[1:], 1):
        if i < n - 1 and v.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {v.ndim}D")
        if v.dtype != dt:
            cpp = M._CPP_NAMES
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 "
                               f"is {cpp.get(dt.name, dt.name)} and tensor {i} "
                               f"{cpp.get(v.dtype.name, v.dtype.name)}")
    for i in range(1, n):
        if vs[i - 1].shape[-1] != vs[i].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i - 1} and {i} with shapes "
                               f"{list(vs[i - 1].shape)} and {list(vs[i].shape)} cannot be "
                               f"multiplied")


def tensor_list(ts):
    """A list of tensors argument, with torch's TypeError for an element that is not one."""
    ts = tuple(ts)
    for i, t in enumerate(ts):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return ts


def chain_matmul(*matrices):
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = matrices[0]
    matrices = tensor_list(matrices)
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    return multi_dot(matrices)


def multi_dot(matrices):
    if len(matrices) == 1:
        return matrices[0].clone()
    check_multi_dot(matrices)
    if len(matrices) == 2:
        return M.matmul(*matrices)

    def fn(*ms):
        out = ms[0]
        for m in ms[1:]:
            out = fnp.matmul(out, m)
        return out
    return apply("ViewBackward0", fn, list(matrices))


def _beta_alpha(beta, alpha, i, prod):
    if beta == 0:
        return alpha * prod + 0 * i
    return beta * i + alpha * prod


def _check_batches(v1, v2):
    for v, n in ((v1, "batch1"), (v2, "batch2")):
        if v.ndim != 3:
            raise RuntimeError(f"{n} must be a 3D tensor")


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    vi, v1, v2 = input._value, batch1._value, batch2._value
    M.check_expand(vi, (M.size_of(v1, 1), M.size_of(v2, 2)))
    _check_batches(v1, v2)
    if v1.shape[0] != v2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                           f"{v1.shape[0]} and {v2.shape[0]}")
    if v1.shape[2] != v2.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({v1.shape[1]}x{v1.shape[2]} and "
                           f"{v2.shape[1]}x{v2.shape[2]})")
    if v1.shape[0]:  # torch's addmm_ of each batch: its dtype checks
        M.check_addmm_dtypes(vi, v1, v2)
        if v2.dtype.kind == "b":
            raise NotImplementedError(M._NO_BOOL_ADDMM)
    return apply("AddbmmBackward0", lambda i, a, b: _beta_alpha(
        beta, alpha, i, fnp.sum(fnp.matmul(a, b), axis=0)), [input, batch1, batch2])


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    vi, v1, v2 = input._value, batch1._value, batch2._value
    M.check_expand(vi, (M.size_of(v1, 0), M.size_of(v1, 1), M.size_of(v2, 2)))
    if vi.dtype != v1.dtype:
        cpp = M._CPP_NAMES
        raise RuntimeError(f"Input dtypes must be the same, got: input {cpp[vi.dtype.name]}, "
                           f"batch1: {cpp[v1.dtype.name]}, batch2: {cpp[v2.dtype.name]}")
    _check_batches(v1, v2)
    dt = v2.dtype if M.check_bmm(v1, v2, "baddbmm") else None  # empty: batch2's dtype
    return apply("BaddbmmBackward0", lambda i, a, b: _beta_alpha(
        beta, alpha, i if dt is None else cast(i, dt),
        fnp.matmul(a if dt is None else cast(a, dt), b)), [input, batch1, batch2])


def addmv(input, mat, vec, *, beta=1, alpha=1):
    vi, vm, vv = input._value, mat._value, vec._value
    M.check_mv_dims(vi.ndim, vm, vv)
    if vm.shape[1] != vv.shape[0] or (vm.shape[0] != vi.size and vi.size != 1):
        raise RuntimeError(f"size mismatch, got input ({vi.shape[0]}), mat ({vm.shape[0]}x"
                           f"{vm.shape[1]}), vec ({vv.shape[0]})")
    if not vi.dtype == vm.dtype == vv.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{M.tname(vi)}, {M.tname(vm)}, and {M.tname(vv)}")
    if vm.dtype.kind == "b":
        raise NotImplementedError("\"addmv_impl_cpu\" not implemented for 'Bool'")
    return apply("AddmvBackward0", lambda i, a, b: _beta_alpha(beta, alpha, i, fnp.matmul(a, b)),
                 [input, mat, vec])


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    v1, v2 = vec1._value, vec2._value
    for v, n in ((v1, "vec1"), (v2, "vec2")):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {n}, but got {v.ndim}-D")
    M.check_expand(input._value, (v1.shape[0], v2.shape[0]))
    dt = common(input, vec1, vec2)
    for x, n in ((beta, "beta"), (alpha, "alpha")):
        if type(x) is bool and dt.kind != "b":
            raise RuntimeError(f"Boolean {n} only supported for Boolean results.")
        if dt.kind not in "fc" and isinstance(x, (float, complex)):
            raise RuntimeError(f"For integral input tensors, argument {n} must not be a floating "
                               f"point number.")
    if dt.kind == "b":  # torch's logical form: (beta && input) || (alpha && vec1 && vec2)
        def fn(i, a, b):
            prod = fnp.logical_and(fnp.outer(cast(a, dt), cast(b, dt)), bool(alpha))
            return fnp.logical_or(fnp.logical_and(cast(i, dt), bool(beta)), prod)
    else:
        def fn(i, a, b):
            return _beta_alpha(beta, alpha, cast(i, dt), fnp.outer(cast(a, dt), cast(b, dt)))
    return apply("AddrBackward0", fn, [input, vec1, vec2])


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    def fn(a, b):
        d = a[..., :, None, :] - b[..., None, :, :]
        if p == 2:
            s = fnp.sum(d * d, axis=-1)
            safe = fnp.where(s == 0, 1 + 0 * s, s)
            return fnp.where(s == 0, 0 * s, fnp.sqrt(safe))
        if p == 1:
            return fnp.sum(tabs(d), axis=-1)
        if p == float("inf"):
            return fnp.max(tabs(d), axis=-1)
        if p == 0:
            return fnp.sum((d != 0).astype(d.dtype), axis=-1)
        s = fnp.sum(fnp.power(tabs(d), p), axis=-1)
        safe = fnp.where(s == 0, 1 + 0 * s, s)
        return fnp.where(s == 0, 0 * s, fnp.power(safe, 1.0 / p))
    return apply("CdistBackward0", fn, [x1, x2])


def vander(x, N=None, increasing=False):
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is not None and N < 0:
        raise RuntimeError("N must be non-negative.")
    n = N if N is not None else x.shape[0]
    pw = np.arange(n) if increasing else np.arange(n)[::-1].copy()
    return apply("PowBackward0",
                 lambda v: fnp.power(v[:, None], pw[None, :].astype(v.dtype))
                 if v.dtype.kind in "fc" else v[:, None] ** pw[None, :], [x])


def swapaxes(t, axis0, axis1):
    from fungrad.torch._ops_shape import transpose
    return transpose(t, axis0, axis1)


def _copy_of(f):
    """The ``*_copy`` variant of a view op: the same op on a copy, its node named
    ``<Name>Backward0_copy`` as torch names it."""
    def one(r):
        if not isinstance(r, Tensor):
            return r
        out = _new(np.array(r._value, copy=True)) if isinstance(r._value, np.ndarray) else r
        if r.grad_fn is not None:
            node = r.grad_fn
            node.__class__ = node_class(type(node).__name__ + "_copy", OpNode)
            out._requires_grad, out.grad_fn, out._output_nr = True, node, r._output_nr
        return out

    def op(*a, **k):
        r = f(*a, **k)
        return tuple(one(x) for x in r) if isinstance(r, tuple) else one(r)
    return op


def _windows(kind):
    def op(window_length, periodic=True, *args, dtype=None, layout=None, device=None,
           requires_grad=False, **kw):
        window_length = dim_int(window_length, "window_length")
        if window_length < 0:
            raise RuntimeError(f"{kind}_window requires non-negative window_length, got "
                               f"window_length={window_length}")
        if window_length == 0:
            return _new(np.zeros(0, _dtype.to_np(dtype) or _dtype.DEFAULT.np), requires_grad)
        n = window_length + 1 if periodic else window_length
        if kind == "kaiser":
            beta = args[0] if args else kw.get("beta", 12.0)
            w = np.kaiser(n, beta)
        elif kind == "hann":
            w = np.hanning(n)
        else:
            w = {"bartlett": np.bartlett, "blackman": np.blackman, "hamming": np.hamming}[kind](n)
        if window_length == 1:
            w = np.ones(1)
        elif periodic:
            w = w[:-1]
        dt = _dtype.to_np(dtype) or _dtype.DEFAULT.np
        return _new(w.astype(dt), requires_grad)
    return op


FUNCS = {
    "median": median, "nanmedian": nanmedian, "mode": mode, "kthvalue": kthvalue,
    "msort": msort, "quantile": quantile, "nanquantile": nanquantile, "nansum": nansum,
    "nanmean": nanmean, "var_mean": var_mean, "std_mean": std_mean, "aminmax": aminmax,
    "count_nonzero": count_nonzero, "cummax": cummax, "cummin": cummin,
    "logcumsumexp": logcumsumexp, "diff": diff, "trapezoid": trapezoid, "trapz": trapz,
    "cumulative_trapezoid": cumulative_trapezoid, "dist": dist, "renorm": renorm,
    "histc": histc, "bincount": bincount, "cov": cov, "corrcoef": corrcoef, "unique": unique,
    "unique_consecutive": unique_consecutive,
    "scatter": scatter, "scatter_add": scatter_add, "scatter_reduce": scatter_reduce,
    "index_add": index_add, "index_copy": index_copy, "index_fill": index_fill,
    "index_put": index_put, "index_reduce": index_reduce, "masked_select": masked_select,
    "masked_scatter": masked_scatter, "take": take, "take_along_dim": take_along_dim,
    "put": put, "nonzero": nonzero, "argwhere": argwhere, "select": select,
    "select_scatter": select_scatter, "slice_scatter": slice_scatter,
    "diagonal": diagonal, "diagonal_scatter": diagonal_scatter, "searchsorted": searchsorted,
    "bucketize": bucketize, "tril_indices": tril_indices, "triu_indices": triu_indices,
    "broadcast_shapes": broadcast_shapes, "broadcast_to": broadcast_to,
    "broadcast_tensors": broadcast_tensors, "meshgrid": meshgrid, "atleast_1d": atleast_1d,
    "atleast_2d": atleast_2d, "atleast_3d": atleast_3d, "hstack": hstack, "vstack": vstack,
    "row_stack": vstack, "dstack": dstack, "column_stack": column_stack,
    "tensor_split": tensor_split, "hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit,
    "split_with_sizes": split_with_sizes, "unflatten": unflatten, "ravel": ravel,
    "rot90": rot90, "fliplr": fliplr, "flipud": flipud, "diag_embed": diag_embed,
    "diagflat": diagflat, "trace": trace, "block_diag": block_diag,
    "cartesian_prod": cartesian_prod, "combinations": combinations, "kron": kron,
    "repeat_interleave": repeat_interleave, "tensordot": tensordot, "inner": inner,
    "vdot": vdot, "ger": ger, "cross": cross, "chain_matmul": chain_matmul, "addbmm": addbmm,
    "baddbmm": baddbmm, "addmv": addmv, "addr": addr, "cdist": cdist, "vander": vander,
    "swapaxes": swapaxes, "swapdims": swapaxes,
    "bartlett_window": _windows("bartlett"), "blackman_window": _windows("blackman"),
    "hamming_window": _windows("hamming"), "hann_window": _windows("hann"),
    "kaiser_window": _windows("kaiser"),
}
METHOD_ONLY = {"unfold": unfold}
COPY_OF = {"diagonal_copy": diagonal, "select_copy": select, "unfold_copy": unfold}
