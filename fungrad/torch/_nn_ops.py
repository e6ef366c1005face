"""Tensor ops that nn code leans on, written on the shim's public op entry points (``apply`` for
differentiable ops, ``inplace`` for in-place ones): in-place random fills (uniform_, normal_,
bernoulli_, random_, exponential_), masked_fill(_), triu/tril, einsum, addmm, gather,
index_select, clamp_min/clamp_max, lerp, addcmul, where, topk, argsort, roll, cumprod, diag,
isclose, new_empty/new_full, type.

Installed on Tensor only where the Tensor class has no method of that name, so an op module that
later defines one takes precedence. Random fills draw from fungrad's Generator (numpy), so seeded
values differ from torch's.
"""
import collections

import numpy as np

from fungrad.extend import buffer_writeable

import fungrad.numpy as fnp
from fungrad.torch import _dtype
from fungrad.torch import _ops_math as M
from fungrad.torch._generator import numpy_rng
from fungrad.torch._ops_inplace import check, inplace
from fungrad.torch._record import apply
from fungrad.torch._tensor import Tensor, _new
from fungrad.torch._util import (cast, common, dim_int, index_dtype, int_list, kept, norm_dim, refuse,
                                 scalar_name, val)

__all__ = ["masked_fill", "triu", "tril", "einsum", "addmm", "gather", "index_select",
           "clamp_min", "clamp_max", "lerp", "addcmul", "addcdiv", "topk", "argsort", "roll",
           "cumprod", "diag", "isclose", "install"]


# ---- in-place random fills (no graph: as torch, they are for initialization under no_grad)
def _fill_random(t, draw):
    check(t)
    v = t._value
    new = np.asarray(draw(tuple(t.shape))).astype(v.dtype)
    if isinstance(v, np.ndarray) and buffer_writeable(v) and v.shape == new.shape:
        np.copyto(v, new)
    else:
        t._value = new
    t._vc.v += 1
    return t


def uniform_(t, a=0.0, b=1.0, *, generator=None):
    return _fill_random(t, lambda s: numpy_rng(generator).uniform(a, b, s))


def normal_(t, mean=0.0, std=1.0, *, generator=None):
    return _fill_random(t, lambda s: mean + std * numpy_rng(generator).standard_normal(s))


def bernoulli_(t, p=0.5, *, generator=None):
    from fungrad.torch._creation import bernoulli_p
    pv = np.asarray(bernoulli_p(p))
    return _fill_random(t, lambda s: numpy_rng(generator).random(s) < pv)


def exponential_(t, lambd=1.0, *, generator=None):
    return _fill_random(t, lambda s: numpy_rng(generator).exponential(1.0 / lambd, s))


def random_(t, low=0, high=None, *, generator=None):
    if high is None:
        low, high = 0, (low if low else (1 << 24 if t._value.dtype.kind == "f" else 2 ** 31))
    return _fill_random(t, lambda s: numpy_rng(generator).integers(low, high, s))


# ---- differentiable ops
def _masked_fill_args(mask, value):
    """torch's checks of masked_fill's mask (bool) and value (a number or a 0-d tensor)."""
    m = np.asarray(val(mask))
    if m.dtype != np.bool_:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_C_NAMES.get(m.dtype.name, m.dtype.name)}")
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    return m


def masked_fill(t, mask, value):
    # (the mask is an operand, not a closure value: the op's program is traced once per shape)
    m = _masked_fill_args(mask, value)
    dt = t._value.dtype
    if isinstance(value, Tensor):
        return apply("MaskedFillBackward1", lambda x, v, k: fnp.where(k, cast(v, dt), x),
                     [t, value, _as_given(mask, m)])
    return apply("MaskedFillBackward0", lambda x, k: fnp.where(k, cast(value, dt), x),
                 [t, _as_given(mask, m)])


def _as_given(arg, value):
    """The operand: the tensor given (so that its version is the node's to check), else its
    value."""
    return arg if isinstance(arg, Tensor) else value


def masked_fill_(t, mask, value):
    m = _masked_fill_args(mask, value)
    dt = t._value.dtype
    if isinstance(value, Tensor):
        return inplace(t, "MaskedFillBackward1", lambda x, v, *_m: fnp.where(m, cast(v, dt), x),
                       [value] + kept(mask))
    return inplace(t, "MaskedFillBackward0", lambda x, *_m: fnp.where(m, cast(value, dt), x),
                   kept(mask))


def _tri(name, upper):
    def op(t, diagonal=0):
        diagonal = dim_int(diagonal, "diagonal")
        if t.ndim < 2:
            raise RuntimeError(f"{'triu' if upper else 'tril'}: input tensor must have at least 2 "
                               f"dimensions")
        r, c = t.shape[-2], t.shape[-1]
        keep = np.triu(np.ones((r, c), bool), diagonal) if upper else \
            np.tril(np.ones((r, c), bool), diagonal)
        return apply(name, lambda x: fnp.where(keep, x, fnp.zeros((), x.dtype)), [t])
    return op


triu = _tri("TriuBackward0", True)
tril = _tri("TrilBackward0", False)


def einsum(equation, *operands):
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if isinstance(equation, str) and len(operands) > 1:
        _check_einsum_dtypes(equation, operands)
    dt = common(*operands)
    return apply("ViewBackward0" if len(operands) > 1 else "SumBackward1",
                 lambda *xs: fnp.einsum(equation, *[cast(x, dt) for x in xs]), list(operands),
                 saved="einsum")


def _check_einsum_dtypes(equation, operands):
    """torch's einsum contracts operands with bmm, which takes one dtype (and not bool): its
    errors where a label is summed between operands of different dtypes, or of bool ones."""
    ins, _, out = equation.replace(" ", "").partition("->")
    terms = ins.split(",")
    labels = [set(t.replace(".", "")) for t in terms]
    if not _:
        seen = "".join(t.replace(".", "") for t in terms)
        out = "".join(c for c in set(seen) if seen.count(c) == 1)
    shared = set.union(*[a & b for i, a in enumerate(labels) for b in labels[i + 1:]] or [set()])
    if not shared - set(out):
        return  # no contraction between operands: torch multiplies, with type promotion
    ts = [o for o in operands if isinstance(o, Tensor)]
    dts = [t._value.dtype for t in ts]
    for d in dts[1:]:
        if d != dts[0]:
            raise RuntimeError(f"expected scalar type {M.tname(ts[0]._value)} but found "
                               f"{_dtype._TYPE_NAMES.get(d.name, d.name)}")
    if dts and dts[0].kind == "b":
        raise NotImplementedError("\"bmm\" not implemented for 'Bool'")


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    M.check_addmm(input._value, mat1._value, mat2._value)
    return apply("AddmmBackward0", lambda i, a, b: beta * i + alpha * fnp.matmul(a, b),
                 [input, mat1, mat2])


def gather(t, dim, index, *, sparse_grad=False, _name="GatherBackward0"):
    d = norm_dim(dim, t.ndim)  # (torch checks the dim first)
    index_dtype(index, "gather(): Expected dtype int32/int64 for index")
    idx = np.asarray(val(index))
    return apply(_name, lambda x, i: x[_gather_key(i, d)], [t, _as_given(index, idx)])


def _gather_key(i, d):
    """The index of gather's selection: ``i`` along dim d, every other dim's own position (the
    grids are constants of the op's program, ``i`` its operand)."""
    grids = list(np.meshgrid(*[np.arange(s) for s in i.shape], indexing="ij"))
    grids[d] = i
    return tuple(grids)


def index_select(t, dim, index):
    d = norm_dim(dim, t.ndim)
    index_dtype(index, "index_select(): Expected dtype int32 or int64 for index")
    idx = np.asarray(val(index)).reshape(-1)
    return apply("IndexSelectBackward0",
                 lambda x, i: fnp.take(x, fnp.reshape(i, (-1,)), axis=d),
                 [t, _as_given(index, idx)])


def _clamp_side(name, t, bound, upper):
    """clamp_min / clamp_max: the bound where x is beyond it or the bound is NaN (torch's), in
    the operands' common dtype; complex operands refused as torch's maximum/minimum kernels."""
    dt = common(t, bound)
    if dt.kind == "c":
        raise refuse("minimum_cpu" if upper else "maximum_cpu", dt)

    def fn(x, b):
        x, b = cast(x, dt), cast(b, dt)
        beyond = (x > b) if upper else (x < b)
        if dt.kind in "fc":
            beyond = beyond | (b != b)
        return fnp.where(beyond, b, x)
    if isinstance(bound, Tensor):
        return apply(name, fn, [t, bound])
    return apply(name, lambda x: fn(x, bound), [t])


def clamp_min(t, min):
    return _clamp_side("ClampMinBackward0", t, min, upper=False)


def clamp_max(t, max):
    return _clamp_side("ClampMaxBackward0", t, max, upper=True)


_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}


def lerp(start, end, weight):
    dt = start._value.dtype
    for name, v in (("end", end), ("weight", weight)):
        if isinstance(v, Tensor) and v._value.dtype != dt:
            raise RuntimeError(f"expected dtype {_C_NAMES.get(dt.name, dt.name)} for `{name}` but "
                               f"got dtype {_C_NAMES.get(v._value.dtype.name, v._value.dtype.name)}")
    if dt.kind not in "fc":
        raise refuse("lerp_kernel_scalar" if not isinstance(weight, Tensor)
                     else "lerp_kernel_tensor", dt)
    args = [start, end] + ([weight] if isinstance(weight, Tensor) else [])
    w = weight

    def fn(a, b, *ws):
        ww = ws[0] if ws else w
        # torch's two-sided formula: exact at both ends (and at an infinite end)
        return fnp.where(fnp.abs(ww) < 0.5, a + ww * (b - a), b - (b - a) * (1 - ww))
    return apply("LerpBackward0" if not isinstance(weight, Tensor) else "LerpBackward1", fn, args)


def addcmul(input, tensor1, tensor2, *, value=1):
    dt = common(input, tensor1, tensor2)  # torch's promotion (numpy's: f32 + i64 -> f64)
    return apply("AddcmulBackward0", lambda i, a, b: cast(i, dt) + value * cast(a, dt) * cast(
        b, dt), [input, tensor1, tensor2])


def addcdiv(input, tensor1, tensor2, *, value=1):
    if tensor1._value.dtype.kind in "biu" and tensor2._value.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / "
            "tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
            "tensor2) for float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    dt = common(input, tensor1, tensor2)
    return apply("AddcdivBackward0", lambda i, a, b: cast(i, dt) + value * (cast(a, dt) / cast(
        b, dt)), [input, tensor1, tensor2])


def _where_method(t, condition, other):
    from fungrad.torch._ops_math import where
    return where(condition, t, other)


def topk(t, k, dim=-1, largest=True, sorted=True):
    d = norm_dim(dim, t.ndim)
    k = dim_int(k, "k")
    if not 0 <= k <= (t.shape[d] if t.ndim else 1):
        raise RuntimeError("selected index k out of range")
    v = np.asarray(t._value)
    if t.ndim == 0:
        return _topk(apply("TopkBackward0", lambda x: x * 1, [t]), _new(np.zeros((), np.int64)))
    order = np.argsort(-v if largest else v, axis=d, kind="stable")
    idx = np.take(order, np.arange(k), axis=d)
    it = _new(idx.astype(np.int64))  # (an operand: torch's node saves the indices returned)
    values = gather(t, d, it, _name="TopkBackward0")
    return _topk(values, it)


_topk = collections.namedtuple("topk", ["values", "indices"])


def argsort(t, dim=-1, descending=False, stable=False):
    v = np.asarray(t._value)
    d = norm_dim(dim, t.ndim)
    if t.ndim == 0:
        return _new(np.zeros((), np.int64))
    return _new(np.argsort(-v if descending else v, axis=d, kind="stable").astype(np.int64))


def roll(t, shifts, dims=None):
    shifts = int_list(shifts if isinstance(shifts, (tuple, list)) else (shifts,), "roll",
                      "shifts", 2)
    if dims is not None:
        dims = int_list(dims if isinstance(dims, (tuple, list)) else (dims,), "roll", "dims", 3)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if dims is None and len(shifts) != 1 or dims is not None and len(dims) != len(shifts):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:"
                           f"{0 if dims is None else len(dims)}")
    if dims is not None and t.ndim == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    if dims is None:
        n = t.numel()
        s = shifts[0]
        shape = tuple(t.shape)
        idx = (np.arange(n) - s) % n
        return apply("RollBackward0", lambda x: fnp.reshape(fnp.take(fnp.reshape(x, (-1,)), idx),
                                                            shape), [t])
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    plan = [(norm_dim(d, t.ndim), s) for d, s in zip(dims, shifts)]

    def fn(x):
        for d, s in plan:
            n = x.shape[d]
            x = fnp.take(x, (np.arange(n) - s) % n, axis=d)
        return x
    return apply("RollBackward0", fn, [t])


def cumprod(t, dim, *, dtype=None):
    d = norm_dim(dim, t.ndim)
    n = t.shape[d]

    def fn(x):
        parts = []
        acc = None
        for i in range(n):
            xi = x[(slice(None),) * d + (slice(i, i + 1),)]
            acc = xi if acc is None else acc * xi
            parts.append(acc)
        return fnp.concatenate(parts, axis=d)
    return apply("CumprodBackward0", fn, [t])


def diag(t, diagonal=0):
    if t.ndim == 1:
        from fungrad.torch._ops_more import diag_places
        k = t.shape[0]
        idx, mask = diag_places(k, diagonal)

        def fn(x):
            full = x[idx] if k else fnp.zeros(idx.shape, x.dtype)
            return fnp.where(mask, full, fnp.zeros((), x.dtype))
        return apply("DiagEmbedBackward0", fn, [t])
    if t.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {t.ndim}D")
    return apply("DiagonalBackward0_copy", lambda x: fnp.diagonal(x, diagonal), [t])


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    da, db = a._value.dtype, b._value.dtype
    if da != db:
        raise RuntimeError(f"{scalar_name(da)} did not match {scalar_name(db)}")
    return _new(np.isclose(np.asarray(val(a)), np.asarray(val(b)), rtol=rtol, atol=atol,
                           equal_nan=equal_nan))


def _new_empty(t, *size, dtype=None, device=None, requires_grad=False, **kw):
    if not size:
        raise TypeError('new_empty() missing 1 required positional arguments: "size"')
    from fungrad.torch._creation import zeros
    return zeros(*size, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def _new_full(t, size, fill_value, *, dtype=None, device=None, requires_grad=False, **kw):
    from fungrad.torch._creation import full
    return full(size, fill_value, dtype=dtype or t.dtype, device=device,
                requires_grad=requires_grad)


_TYPE_STRINGS = {"torch.FloatTensor": "float32", "torch.DoubleTensor": "float64",
                 "torch.LongTensor": "int64", "torch.IntTensor": "int32",
                 "torch.HalfTensor": "float16", "torch.BoolTensor": "bool",
                 "torch.ByteTensor": "uint8"}


def _type(t, dtype=None, non_blocking=False, **kw):
    if dtype is None:
        return _dtype.tensor_type_name(t._value.dtype)
    if isinstance(dtype, str):
        if dtype not in _TYPE_STRINGS:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = _dtype.from_np(np.dtype(_TYPE_STRINGS[dtype]))
    return t.to(dtype)


_METHODS = {
    "uniform_": uniform_, "normal_": normal_, "bernoulli_": bernoulli_,
    "exponential_": exponential_, "random_": random_, "masked_fill": masked_fill,
    "masked_fill_": masked_fill_, "triu": triu, "tril": tril, "gather": gather,
    "index_select": index_select, "clamp_min": clamp_min, "clamp_max": clamp_max,
    "lerp": lerp, "addcmul": addcmul, "addcdiv": addcdiv, "where": _where_method, "topk": topk,
    "argsort": argsort, "roll": roll, "cumprod": cumprod, "diag": diag, "isclose": isclose,
    "new_empty": _new_empty, "new_full": _new_full, "type": _type,
}


def install():
    for k, f in _METHODS.items():
        if not hasattr(Tensor, k):
            setattr(Tensor, k, f)
