"""The op table: each row runs one torch op (function, method or in-place variant) on
deterministic inputs under a given module (real ``torch`` or ``fungrad.torch``) and records the
outputs' values, dtypes and grad_fn names and the gradients of a weighted sum of the float outputs
with respect to the float inputs. make_golden_ops.py records it from real torch 2.13 into
golden_ops.json; test_ops_table.py compares fungrad.torch with the file and, where torch is
installed, with torch live.
"""
import json
import math
import os

import numpy as np

GOLDEN_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_ops.json")
ROWS = {}


class In:
    """An input: ``kind`` is a value domain; float inputs require grad unless ``grad=False``."""

    def __init__(self, *shape, kind="any", dtype="float64", grad=True, value=None):
        self.shape, self.kind, self.dtype, self.grad, self.value = shape, kind, dtype, grad, value

    def make(self, T, rng):
        if self.value is not None:
            data = np.asarray(self.value)
        elif self.kind == "any":
            data = rng.uniform(-2, 2, self.shape)
        elif self.kind == "pos":
            data = rng.uniform(0.5, 2.5, self.shape)
        elif self.kind == "unit":
            data = rng.uniform(-0.9, 0.9, self.shape)
        elif self.kind == "prob":
            data = rng.uniform(0.1, 0.9, self.shape)
        elif self.kind == "big":
            data = rng.uniform(1.5, 4, self.shape)
        elif self.kind == "spd":
            a = rng.uniform(-1, 1, self.shape)
            data = a @ np.swapaxes(a, -1, -2) + self.shape[-1] * np.eye(self.shape[-1])
        elif self.kind == "bool":
            data = rng.uniform(0, 1, self.shape) > 0.5
        else:  # "int:lo:hi"
            _, lo, hi = self.kind.split(":")
            data = rng.integers(int(lo), int(hi), self.shape)
        dtype = self.dtype
        if self.kind.startswith("int:") and dtype.startswith("float") and self.value is None:
            dtype = "int64"
        dt = getattr(T, dtype) if self.kind != "bool" else T.bool
        t = T.tensor(data.tolist(), dtype=dt)
        if self.grad and dtype.startswith("float") and self.kind != "bool":
            t.requires_grad_()
        return t


def row(name, fn, *inputs, rtol=None):
    if name in ROWS:
        raise ValueError(f"duplicate row {name}")
    ROWS[name] = (fn, inputs, rtol)


def _flat(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flat(o))
        return res
    return [out]


def _vals(x):
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if isinstance(x, list):
        return [_vals(v) for v in x]
    return x


def run(name, T):
    fn, inputs, _ = ROWS[name]
    rng = np.random.default_rng(_seed(name))
    args = [i.make(T, rng) for i in inputs]
    try:
        out = fn(T, *args)
    except Exception as e:  # noqa: BLE001 - the error is the record
        return {"error": [type(e).__name__, str(e).split("\n")[0]]}
    outs = [o for o in _flat(out)]
    rec = {"values": [], "dtypes": [], "grad_fn": []}
    for o in outs:
        if isinstance(o, T.Tensor):
            rec["values"].append(_vals(o.detach().tolist()))
            rec["dtypes"].append(str(o.dtype))
            rec["grad_fn"].append(type(o.grad_fn).__name__ if o.grad_fn is not None else None)
        else:
            rec["values"].append(_vals(o if isinstance(o, (int, float, bool)) else str(o)))
            rec["dtypes"].append(type(o).__name__)
            rec["grad_fn"].append(None)
    diff = [a for a in args if isinstance(a, T.Tensor) and a.requires_grad]
    loss = None
    for o in outs:
        if isinstance(o, T.Tensor) and o.requires_grad:
            w = T.tensor(np.cos(np.arange(o.numel()) + 0.5).reshape(tuple(o.shape)).tolist(),
                         dtype=o.dtype)
            term = (o * w).sum()
            loss = term if loss is None else loss + term
    if loss is not None and diff:
        try:
            gs = T.autograd.grad(loss, diff, allow_unused=True)
        except Exception as e:  # noqa: BLE001 - the error is the record
            rec["grads"] = [type(e).__name__, str(e).split("\n")[0]]
        else:
            rec["grads"] = [None if g is None else _vals(_tolist(T, g)) for g in gs]
    return rec


def _tolist(T, g):
    try:
        return g.tolist()
    except RuntimeError:  # torch: a grad of a zero-size-stride expansion
        return T.zeros(tuple(g.shape), dtype=g.dtype).tolist()


def _seed(name):
    return sum((i + 1) * ord(c) for i, c in enumerate(name)) % (2 ** 31)


def diff(got, want, rtol=1e-6, atol=None, path="record"):
    """A list of differences (empty if equal within tolerance)."""
    if atol is None:
        atol = rtol * 1e-2
    if isinstance(want, dict):
        if not isinstance(got, dict) or sorted(got) != sorted(want):
            return [f"{path}: keys {sorted(got) if isinstance(got, dict) else got} != "
                    f"{sorted(want)}"]
        out = []
        for k in want:
            # gradients may differ by a few ulps more than values (different formulas)
            r = max(rtol, 1e-12) if k == "grads" else rtol
            out += diff(got[k], want[k], r, None if k == "grads" else atol, f"{path}.{k}")
        return out
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return [f"{path}: {str(got)[:200]} != {str(want)[:200]}"]
        out = []
        for i, (g, w) in enumerate(zip(got, want)):
            out += diff(g, w, rtol, atol, f"{path}[{i}]")
            if len(out) > 5:
                break
        return out
    if isinstance(want, float) and not isinstance(got, bool) and isinstance(got, (int, float)):
        if abs(got - want) <= atol + rtol * abs(want):
            return []
        return [f"{path}: {got!r} != {want!r}"]
    if got != want:
        return [f"{path}: {got!r} != {want!r}"]
    return []


def tolerance(name, rec):
    _, _, rtol = ROWS[name]
    if rtol is not None:
        return rtol
    return 2e-5 if any(d == "torch.float32" for d in rec.get("dtypes", [])) else 1e-7


def load_golden():
    with open(GOLDEN_PATH, encoding="utf-8") as f:
        return json.load(f)


A = In


# ---- unary elementwise and special functions ---------------------------------------------------
for _n, _k in [("acosh", "big"), ("asinh", "any"), ("atanh", "unit"), ("exp2", "any"),
               ("erf", "any"), ("erfc", "any"), ("erfinv", "unit"), ("lgamma", "pos"),
               ("digamma", "pos"), ("i0", "any"), ("sinc", "any"), ("deg2rad", "any"),
               ("rad2deg", "any"), ("trunc", "any"), ("fix", "any"), ("frac", "any"),
               ("logit", "prob"), ("sgn", "any"), ("arccos", "unit"), ("arcsin", "unit"),
               ("arctan", "any"), ("absolute", "any"), ("negative", "any"), ("log10", "pos"),
               ("acos", "unit"), ("asin", "unit"), ("atan", "any"), ("positive", "any")]:
    row(_n, lambda T, a, _n=_n: getattr(T, _n)(a), A(2, 3, kind=_k))
    row(_n + "_method", lambda T, a, _n=_n: getattr(a, _n)(), A(4, kind=_k))
# (acosh_, asinh_ and atanh_ are left out: torch 2.13 has no derivative for them)
for _n, _k in [("exp2", "any"),
               ("erf", "any"), ("erfc", "any"), ("erfinv", "unit"), ("lgamma", "pos"),
               ("digamma", "pos"), ("sinc", "any"), ("trunc", "any"), ("frac", "any"),
               ("logit", "prob"), ("sin", "any"), ("cos", "any"), ("tan", "unit"),
               ("sigmoid", "any"), ("tanh", "any"), ("log", "pos"), ("log1p", "pos"),
               ("reciprocal", "pos"), ("rsqrt", "pos"), ("square", "any"), ("abs", "any"),
               ("floor", "any"), ("ceil", "any"), ("round", "any"), ("sign", "any"),
               ("expm1", "any"), ("log2", "pos"), ("sinh", "any"), ("cosh", "any"),
               ("deg2rad", "any"), ("i0", "any"), ("sgn", "any"), ("neg", "any")]:
    row(_n + "_", lambda T, a, _n=_n: getattr(a * 1, _n + "_")(), A(5, kind=_k))
row("erf_f32", lambda T, a: T.erf(a), A(6, dtype="float32"))
row("erf_exact", lambda T, a: T.erf(a), A(value=[-3.0, -1.5, -0.3, 1e-9, 0.7, 2.2, 5.0]),
    rtol=2.3e-16)
row("erfc_exact", lambda T, a: T.erfc(a), A(value=[-3.0, -0.3, 0.7, 2.2, 5.0, 9.0]), rtol=4e-16)
row("erfinv_exact", lambda T, a: T.erfinv(a), A(value=[-0.999, -0.5, 1e-7, 0.3, 0.9, 0.99999]),
    rtol=4e-16)
row("gelu_exact", lambda T, a: T.nn.functional.gelu(a),
    A(value=[-3.0, -1.0, -0.2, 0.0, 0.5, 1.7, 4.0]), rtol=4e-16)
row("logit_eps", lambda T, a: T.logit(a, eps=0.2), A(5, kind="prob"))
row("nan_to_num", lambda T, a: T.nan_to_num(T.log(a)), A(value=[-1.0, 0.0, 1.0, 2.0]))
row("nan_to_num_args", lambda T, a: T.nan_to_num(a / (a * 0), nan=1.5, posinf=7.0,
                                                  neginf=-7.0), A(value=[-1.0, 0.0, 2.0]))
row("signbit", lambda T, a: T.signbit(a), A(5))
row("isinf", lambda T, a: (T.isinf(1 / a), T.isposinf(1 / a), T.isneginf(-1 / a)),
    A(value=[0.0, 1.0, -0.0]))
row("polygamma", lambda T, a: (T.polygamma(1, a), T.polygamma(2, a), a.polygamma(0)),
    A(4, kind="pos"))
row("mvlgamma", lambda T, a: T.mvlgamma(a, 3), A(4, kind="big"))
row("int_sin", lambda T, a: T.sin(a), A(4, kind="int:-3:4"))
row("int_inplace_error", lambda T, a: a.sin_(), A(4, kind="int:-3:4"))
# ---- binary ------------------------------------------------------------------------------------
for _n, _k in [("atan2", "any"), ("hypot", "any"), ("fmod", "pos"), ("remainder", "pos"),
               ("copysign", "any"), ("fmax", "any"), ("fmin", "any"), ("logaddexp", "any"),
               ("logaddexp2", "any"), ("xlogy", "pos"), ("arctan2", "any"),
               ("multiply", "any"), ("divide", "pos"), ("subtract", "any"),
               ("true_divide", "pos")]:
    row(_n, lambda T, a, b, _n=_n: getattr(T, _n)(a, b), A(3, 2, kind=_k), A(3, 2, kind=_k))
    row(_n + "_bcast_method", lambda T, a, b, _n=_n: getattr(a, _n)(b), A(3, 2, kind=_k),
        A(2, kind=_k))
for _n, _k in [("atan2", "any"), ("hypot", "any"), ("fmod", "pos"), ("copysign", "any"),
               ("xlogy", "pos"), ("remainder", "pos"), ("float_power", "pos")]:
    row(_n + "_", lambda T, a, b, _n=_n: getattr(a * 1, _n + "_")(b), A(4, kind=_k),
        A(4, kind=_k))
row("fmod_scalar", lambda T, a: T.fmod(a, 0.7), A(5))
row("remainder_scalar", lambda T, a: T.remainder(a, 0.7), A(5))
row("xlogy_zero", lambda T, a, b: T.xlogy(a * 0, b), A(3, kind="pos"), A(3, kind="pos"))
row("float_power", lambda T, a, b: T.float_power(a, b), A(4, kind="pos", dtype="float32"),
    A(4, kind="pos"))
row("float_power_scalar", lambda T, a: T.float_power(a, 2), A(4, dtype="float32"))
row("igamma", lambda T, a, b: (T.igamma(a, b), T.igammac(a, b)), A(4, kind="pos", grad=False),
    A(4, kind="pos"))
row("ldexp", lambda T, a, b: T.ldexp(a, b), A(4), A(4, kind="int:-2:3"))
row("heaviside", lambda T, a, b: T.heaviside(a, b), A(value=[-1.0, 0.0, 2.0], grad=False),
    A(value=[0.5, 0.5, 0.5], grad=False))
row("gcd_lcm", lambda T, a, b: (T.gcd(a, b), T.lcm(a, b)), A(5, kind="int:1:20"),
    A(5, kind="int:1:20"))
row("bitwise", lambda T, a, b: (T.bitwise_and(a, b), T.bitwise_or(a, b), T.bitwise_xor(a, b),
                                T.bitwise_not(a), T.bitwise_left_shift(a, 1),
                                T.bitwise_right_shift(a, 1), a & b, a | b, a ^ b, ~a),
    A(5, kind="int:0:20"), A(5, kind="int:0:20"))
row("logical_methods", lambda T, a, b: (a.logical_and(b), a.logical_or(b), a.logical_xor(b),
                                        a.logical_not(), T.logical_xor(a, b)),
    A(6, kind="bool"), A(6, kind="bool"))
row("comparisons_alias", lambda T, a, b: (T.greater(a, b), T.less_equal(a, b),
                                          T.not_equal(a, b), a.greater_equal(b), a.less(b)),
    A(5), A(5))
row("compare_inplace", lambda T, a, b: ((a * 1).lt_(b), (a * 1).ge_(b)), A(4), A(4))
row("clamp_min_max", lambda T, a: (T.clamp_min(a, -0.5), T.clamp_max(a, 0.5),
                                   a.clamp_min(0.1), a.clamp(-1, 1), a.clip(max=0.3)), A(6))
row("clamp_inplace", lambda T, a: ((a * 1).clamp_(-0.5, 0.5), (a * 1).clamp_min_(0.0),
                                   (a * 1).clamp_max_(0.2)), A(6))
# ---- in-place arithmetic of several operands ---------------------------------------------------
row("addcmul_", lambda T, a, b, c: (a * 1).addcmul_(b, c, value=0.5), A(4), A(4), A(4))
row("addcdiv_", lambda T, a, b, c: (a * 1).addcdiv_(b, c, value=2), A(4), A(4), A(4, kind="pos"))
row("lerp_", lambda T, a, b: (a * 1).lerp_(b, 0.3), A(4), A(4))
row("lerp_tensor", lambda T, a, b, w: T.lerp(a, b, w), A(4), A(4), A(4, kind="prob"))
row("addmm", lambda T, i, a, b: T.addmm(i, a, b, beta=0.5, alpha=2), A(2, 3), A(2, 4), A(4, 3))
row("addmm_", lambda T, i, a, b: (i * 1).addmm_(a, b), A(2, 3), A(2, 4), A(4, 3))
row("baddbmm", lambda T, i, a, b: T.baddbmm(i, a, b, alpha=0.5), A(2, 2, 3), A(2, 2, 4),
    A(2, 4, 3))
row("addbmm", lambda T, i, a, b: T.addbmm(i, a, b), A(2, 3), A(2, 2, 4), A(2, 4, 3))
row("addmv", lambda T, i, a, b: T.addmv(i, a, b, beta=2), A(3), A(3, 4), A(4))
row("addr", lambda T, i, a, b: T.addr(i, a, b), A(3, 4), A(3), A(4))
row("addcmul", lambda T, i, a, b: T.addcmul(i, a, b, value=3), A(3), A(3), A(3))
row("version_check", lambda T, a: _version_check(T, a), A(3))
row("version_check_saved_self", lambda T, a: _version_check_sin(T, a), A(3))


def _version_check_sin(T, a):
    b = a * 2
    c = b.sin()  # torch saves b itself (the core's residual is cos(b))
    b.cos_()
    return c.sum().backward()



def _version_check(T, a):
    b = a * 2
    c = b * b
    b.cos_()
    return c.sum().backward()


# ---- reductions --------------------------------------------------------------------------------
row("median", lambda T, a: T.median(a), A(7))
row("median_dim", lambda T, a: T.median(a, 1), A(3, 4))
row("median_keepdim", lambda T, a: a.median(0, keepdim=True), A(4, 3))
row("nanmedian", lambda T, a: T.nanmedian(T.log(a)), A(value=[-1.0, 2.0, 3.0, 0.5, 4.0]))
row("mode", lambda T, a: T.mode(a), A(value=[[1.0, 2.0, 2.0, 3.0], [4.0, 4.0, 1.0, 1.0]]))
row("kthvalue", lambda T, a: T.kthvalue(a, 2, 1), A(3, 4))
row("quantile", lambda T, a: T.quantile(a, 0.3), A(7))
row("quantile_dim", lambda T, a: T.quantile(a, T.tensor([0.25, 0.5, 0.9], dtype=T.float64),
                                            dim=1, keepdim=True), A(2, 5))
row("quantile_interp", lambda T, a: [T.quantile(a, 0.4, interpolation=m) for m in
                                     ("lower", "higher", "nearest", "midpoint")], A(6))
row("nanquantile", lambda T, a: T.nanquantile(T.log(a), 0.5), A(value=[-1.0, 2.0, 3.0, 0.5]))
row("nansum_nanmean", lambda T, a: (T.nansum(T.log(a)), T.nanmean(T.log(a), 0)),
    A(value=[[-1.0, 2.0], [3.0, 0.5]]))
row("var_mean", lambda T, a: T.var_mean(a, 1), A(3, 4))
row("std_mean", lambda T, a: T.std_mean(a, correction=0), A(3, 4))
row("var_mean_unbiased", lambda T, a: T.var_mean(a, 0, unbiased=False, keepdim=True), A(3, 4))
row("aminmax", lambda T, a: T.aminmax(a, dim=0), A(3, 4))
row("count_nonzero", lambda T, a: (T.count_nonzero(a), T.count_nonzero(a, 1)),
    A(value=[[0.0, 1.0, 2.0], [0.0, 0.0, 3.0]]))
row("cummax_cummin", lambda T, a: (T.cummax(a, 1), T.cummin(a, 0)), A(3, 4))
row("logcumsumexp", lambda T, a: T.logcumsumexp(a, 1), A(2, 5))
row("cumprod", lambda T, a: T.cumprod(a, 1), A(2, 4))
row("cumprod_", lambda T, a: (a * 1).cumprod_(0), A(3, 2))
row("cumsum_", lambda T, a: (a * 1).cumsum_(1), A(3, 2))
row("diff", lambda T, a: (T.diff(a), T.diff(a, n=2, dim=0)), A(4, 3))
row("diff_prepend", lambda T, a, b: T.diff(a, prepend=b), A(4), A(2))
row("trapezoid", lambda T, a: (T.trapezoid(a), T.trapz(a, dx=0.5), T.trapezoid(a, dim=0)),
    A(3, 4))
row("trapezoid_x", lambda T, y, x: T.trapezoid(y, x), A(2, 4), A(4))
row("cumulative_trapezoid", lambda T, y: T.cumulative_trapezoid(y), A(2, 5))
row("dist", lambda T, a, b: (T.dist(a, b), T.dist(a, b, 1), T.dist(a, b, 3.5)), A(4), A(4))
row("renorm", lambda T, a: T.renorm(a, 2, 0, 1.0), A(3, 4))
row("histc", lambda T, a: T.histc(a, bins=4, min=-2, max=2), A(20, grad=False))
row("bincount", lambda T, a, w: (T.bincount(a), T.bincount(a, w), T.bincount(a, minlength=9)),
    A(8, kind="int:0:5"), A(8, grad=False))
row("cov", lambda T, a: (T.cov(a), T.cov(a, correction=0)), A(3, 6))
row("corrcoef", lambda T, a: T.corrcoef(a), A(3, 6))
row("unique", lambda T, a: T.unique(a, return_inverse=True, return_counts=True),
    A(8, kind="int:0:4"))
row("unique_dim", lambda T, a: T.unique(a, dim=0), A(value=[[1, 2], [1, 2], [0, 3]],
                                                    dtype="int64"))
row("unique_consecutive", lambda T, a: T.unique_consecutive(a, return_counts=True,
                                                            return_inverse=True),
    A(value=[1, 1, 2, 2, 3, 1, 1], dtype="int64"))
row("logsumexp", lambda T, a: T.logsumexp(a, 1), A(2, 4))
row("msort", lambda T, a: T.msort(a), A(4, 2))
row("argsort", lambda T, a: (T.argsort(a), T.argsort(a, 0, descending=True)), A(3, 4))
row("topk", lambda T, a: T.topk(a, 2), A(3, 5))
row("topk_smallest", lambda T, a: T.topk(a, 3, dim=0, largest=False), A(4, 2))
# ---- indexing, scatter -------------------------------------------------------------------------
_IDX = [[0, 1, 2, 0], [2, 0, 1, 1]]
row("gather", lambda T, a: T.gather(a, 1, T.tensor(_IDX)), A(2, 3))
row("gather_method", lambda T, a: a.gather(0, T.tensor([[0, 1, 1], [1, 0, 0]])), A(2, 3))
row("scatter", lambda T, a, s: T.scatter(a, 1, T.tensor([[0, 2], [1, 0]]), s), A(2, 3), A(2, 2))
row("scatter_value", lambda T, a: a.scatter(0, T.tensor([[1, 0, 1]]), 2.5), A(2, 3))
row("scatter_", lambda T, a, s: (a * 1).scatter_(1, T.tensor([[0, 2], [1, 0]]), s), A(2, 3),
    A(2, 2))
row("scatter_add", lambda T, a, s: T.scatter_add(a, 1, T.tensor(_IDX), s), A(2, 3), A(2, 4))
row("scatter_add_", lambda T, a, s: (a * 1).scatter_add_(0, T.tensor([[0, 1, 0], [0, 0, 1]]), s),
    A(2, 3), A(2, 3))
row("scatter_reduce_sum", lambda T, a, s: T.scatter_reduce(a, 1, T.tensor(_IDX), s, "sum"),
    A(2, 3), A(2, 4))
row("scatter_reduce_mean", lambda T, a, s: a.scatter_reduce(1, T.tensor(_IDX), s, "mean",
                                                            include_self=False),
    A(2, 3), A(2, 4))
row("scatter_reduce_amax", lambda T, a, s: T.scatter_reduce(a, 1, T.tensor(_IDX), s, "amax"),
    A(2, 3), A(2, 4))
row("scatter_reduce_amin_noself", lambda T, a, s: T.scatter_reduce(a, 1, T.tensor(_IDX), s,
                                                                   "amin", include_self=False),
    A(2, 3), A(2, 4))
row("scatter_reduce_prod", lambda T, a, s: T.scatter_reduce(a, 1, T.tensor(_IDX), s, "prod"),
    A(2, 3), A(2, 4))
row("index_add", lambda T, a, s: T.index_add(a, 0, T.tensor([0, 2, 0]), s, alpha=2),
    A(3, 2), A(3, 2))
row("index_add_", lambda T, a, s: (a * 1).index_add_(1, T.tensor([1, 0]), s), A(3, 2), A(3, 2))
row("index_copy", lambda T, a, s: T.index_copy(a, 0, T.tensor([2, 0]), s), A(3, 2), A(2, 2))
row("index_fill", lambda T, a: (T.index_fill(a, 1, T.tensor([0, 2]), -1.0),
                                (a * 1).index_fill_(0, T.tensor([1]), 3.0)), A(2, 3))
row("index_put", lambda T, a, v: T.index_put(a, (T.tensor([0, 1]), T.tensor([2, 0])), v),
    A(2, 3), A(2))
row("index_put_acc", lambda T, a, v: (a * 1).index_put_((T.tensor([0, 0]), T.tensor([1, 1])), v,
                                                        accumulate=True), A(2, 3), A(2))
row("index_select", lambda T, a: T.index_select(a, 1, T.tensor([2, 0, 2])), A(2, 3))
row("masked_select", lambda T, a: T.masked_select(a, a > 0), A(3, 4))
row("masked_select_bcast", lambda T, a: a.masked_select(T.tensor([True, False, True])), A(2, 3))
row("masked_scatter", lambda T, a, s: T.masked_scatter(a, a > 0, s), A(2, 3), A(6))
row("masked_fill", lambda T, a: (T.masked_fill(a, a > 0, 0.5), (a * 1).masked_fill_(a < 0, -1)),
    A(2, 3))
row("take", lambda T, a: T.take(a, T.tensor([[0, 5], [3, 3]])), A(2, 3))
row("take_along_dim", lambda T, a: (T.take_along_dim(a, T.tensor([[0], [2]]), 1),
                                    T.take_along_dim(a, T.tensor([4, 1]))), A(2, 3))
row("put", lambda T, a, s: (T.put(a, T.tensor([1, 4]), s), (a * 1).put_(T.tensor([0, 0]), s,
                                                                        accumulate=True)),
    A(2, 3), A(2))
row("nonzero", lambda T, a: (T.nonzero(a), T.nonzero(a, as_tuple=True), T.argwhere(a)),
    A(value=[[0.0, 1.0], [2.0, 0.0]]))
row("select", lambda T, a: (T.select(a, 1, 2), a.select(0, -1)), A(2, 3))
row("select_scatter", lambda T, a, s: T.select_scatter(a, s, 1, 0), A(2, 3), A(2))
row("slice_scatter", lambda T, a, s: T.slice_scatter(a, s, 1, 0, 3, 2), A(2, 4), A(2, 2))
row("diagonal_scatter", lambda T, a, s: T.diagonal_scatter(a, s, 1), A(3, 3), A(2))
row("searchsorted", lambda T, s, v: (T.searchsorted(s, v), T.searchsorted(s, v, right=True),
                                     T.bucketize(v, s)),
    A(value=[0.0, 1.0, 2.0, 3.0], grad=False), A(value=[-1.0, 1.0, 2.5, 9.0], grad=False))
row("tril_triu_indices", lambda T: (T.tril_indices(3, 3), T.triu_indices(3, 4, 1)))
row("getitem_adv", lambda T, a: a[T.tensor([0, 2]), 1:], A(3, 3))
# ---- shape -------------------------------------------------------------------------------------
row("broadcast_to", lambda T, a: T.broadcast_to(a, (2, 3)), A(3))
row("broadcast_tensors", lambda T, a, b: T.broadcast_tensors(a, b), A(3, 1), A(2))
row("broadcast_shapes", lambda T: T.broadcast_shapes((2, 1), (3,), (1, 1, 1)))
row("meshgrid", lambda T, a, b: T.meshgrid(a, b, indexing="ij"), A(2), A(3))
row("meshgrid_xy", lambda T, a, b: T.meshgrid(a, b, indexing="xy"), A(2), A(3))
row("atleast", lambda T, a: (T.atleast_1d(a), T.atleast_2d(a), T.atleast_3d(a)),
    A(value=2.0))
row("atleast_2d_vec", lambda T, a: (T.atleast_2d(a), T.atleast_3d(a)), A(3))
row("stacks", lambda T, a, b: (T.hstack([a, b]), T.vstack([a, b]), T.dstack([a, b]),
                               T.column_stack([a, b]), T.row_stack([a, b])), A(3), A(3))
row("stacks_2d", lambda T, a, b: (T.hstack([a, b]), T.vstack([a, b]), T.dstack([a, b])),
    A(2, 2), A(2, 2))
row("tensor_split", lambda T, a: (T.tensor_split(a, 3), T.tensor_split(a, [1, 4], dim=0)), A(7))
row("hvd_split", lambda T, a: (T.hsplit(a, 2), T.vsplit(a, [1]), T.dsplit(a, 2)), A(2, 4, 2))
row("split_with_sizes", lambda T, a: a.split_with_sizes([1, 2], 1), A(2, 3))
row("unflatten", lambda T, a: T.unflatten(a, 1, (2, -1)), A(2, 6))
row("ravel", lambda T, a: T.ravel(a.t()), A(2, 3))
row("rot90", lambda T, a: (T.rot90(a), T.rot90(a, 2), T.rot90(a, -1, (0, 1))), A(2, 3))
row("fliplr_flipud", lambda T, a: (T.fliplr(a), T.flipud(a)), A(2, 3))
row("diag_embed", lambda T, a: (T.diag_embed(a), T.diag_embed(a, 1)), A(2, 3))
row("diagflat", lambda T, a: T.diagflat(a, -1), A(2, 2))
row("diag", lambda T, a, b: (T.diag(a), T.diag(b), T.diag(b, 1)), A(3), A(3, 3))
row("diagonal", lambda T, a: (T.diagonal(a), a.diagonal(1), T.diagonal(a, 0, 1, 2)), A(2, 3, 3))
row("trace", lambda T, a: T.trace(a), A(3, 4))
row("tril_triu", lambda T, a: (T.tril(a), T.triu(a, 1), a.tril(-1)), A(3, 4))
row("tril_", lambda T, a: ((a * 1).tril_(), (a * 1).triu_(1)), A(3, 3))
row("block_diag", lambda T, a, b: T.block_diag(a, b), A(2, 2), A(1, 3))
row("cartesian_prod", lambda T, a, b: T.cartesian_prod(a, b), A(2), A(3))
row("combinations", lambda T, a: (T.combinations(a), T.combinations(a, 2, True)), A(3))
row("kron", lambda T, a, b: T.kron(a, b), A(2, 2), A(2, 3))
row("repeat_interleave", lambda T, a: (T.repeat_interleave(a, 2), a.repeat_interleave(2, 0),
                                       T.repeat_interleave(a, T.tensor([1, 2]), dim=0)), A(2, 2))
row("repeat_interleave_counts", lambda T: T.repeat_interleave(T.tensor([2, 0, 3])))
row("roll", lambda T, a: (T.roll(a, 1), T.roll(a, (1, -1), (0, 1))), A(2, 3))
row("unfold", lambda T, a: a.unfold(1, 2, 1), A(2, 5))
row("unfold_step", lambda T, a: a.unfold(0, 2, 2), A(5, 2))
row("swapaxes", lambda T, a: (T.swapaxes(a, 0, 1), a.swapdims(1, 0), T.moveaxis(a, 0, 1)),
    A(2, 3))
row("shape_inplace", lambda T, a: ((a * 1).t_(), (a * 1).unsqueeze_(0), (a * 1).transpose_(0, 1),
                                   (a * 1).swapaxes_(0, 1)), A(2, 3))
row("squeeze_", lambda T, a: (a * 1).squeeze_(), A(1, 3))
row("copy_ops", lambda T, a: (T.t_copy(a), T.transpose_copy(a, 0, 1), T.view_copy(a, (3, 2)),
                              T.permute_copy(a, (1, 0)), T.narrow_copy(a, 1, 0, 2)), A(2, 3))
row("sum_to_size", lambda T, a: a.sum_to_size(1, 3), A(2, 3))
row("flip", lambda T, a: T.flip(a, (0, 1)), A(2, 3))
# ---- products ----------------------------------------------------------------------------------
row("einsum", lambda T, a, b: T.einsum("ij,jk->ik", a, b), A(2, 3), A(3, 4))
row("einsum_trace", lambda T, a: T.einsum("ii", a), A(3, 3))
row("einsum_batch", lambda T, a, b: T.einsum("bij,bjk->bik", [a, b]), A(2, 2, 3), A(2, 3, 2))
row("tensordot", lambda T, a, b: (T.tensordot(a, b, 1), T.tensordot(a, b, ([1], [0]))),
    A(2, 3), A(3, 2))
row("inner_vdot_ger", lambda T, a, b: (T.inner(a, b), T.vdot(a, b), T.ger(a, b), T.outer(a, b)),
    A(3), A(3))
row("cross", lambda T, a, b: (T.cross(a, b, dim=1), T.linalg.cross(a, b)), A(2, 3), A(2, 3))
row("chain_matmul", lambda T, a, b, c: T.chain_matmul(a, b, c), A(2, 3), A(3, 3), A(3, 2))
row("cdist", lambda T, a, b: (T.cdist(a, b), T.cdist(a, b, 1), T.cdist(a, b, 3)), A(3, 2),
    A(4, 2))
row("vander", lambda T, a: (T.vander(a), T.vander(a, 4, True)), A(3, grad=False))
# ---- linear algebra ----------------------------------------------------------------------------
row("det", lambda T, a: (T.det(a), T.linalg.det(a)), A(3, 3))
row("det_batch", lambda T, a: T.det(a), A(2, 3, 3))
row("slogdet", lambda T, a: (T.slogdet(a), T.linalg.slogdet(a)), A(3, 3))
row("logdet", lambda T, a: T.logdet(a), A(3, 3, kind="spd"))
row("inverse", lambda T, a: (T.inverse(a), T.linalg.inv(a)), A(3, 3, kind="spd"))
row("inv_batch", lambda T, a: a.inverse(), A(2, 3, 3, kind="spd"))
row("lu_factor_solve", lambda T, a, b, c: (lambda lu, piv: (
    piv, T.linalg.lu_solve(lu, piv, b), T.linalg.lu_solve(lu, piv, b, adjoint=True),
    T.linalg.lu_solve(lu, piv, c, left=False)))(*T.linalg.lu_factor(a)),
    A(2, 3, 3, kind="spd"), A(2, 3, 2), A(2, 2, 3))
row("pinv", lambda T, a: T.linalg.pinv(a), A(3, 2))
row("cholesky", lambda T, a: (T.linalg.cholesky(a), T.cholesky(a, upper=True)),
    A(3, 3, kind="spd"))
row("cholesky_error", lambda T, a: T.linalg.cholesky(-a), A(3, 3, kind="spd"))
row("cholesky_solve", lambda T, b, a: T.cholesky_solve(b, T.linalg.cholesky(a)), A(3, 2),
    A(3, 3, kind="spd"))
row("cholesky_inverse", lambda T, a: T.cholesky_inverse(T.linalg.cholesky(a)),
    A(3, 3, kind="spd"))
row("qr", lambda T, a: T.linalg.qr(a), A(4, 3))
row("svdvals", lambda T, a: T.linalg.svdvals(a), A(3, 4))
row("svd_recon", lambda T, a: _svd_recon(T, a), A(3, 4))
row("eigh_vals", lambda T, a: T.linalg.eigvalsh(a), A(3, 3, kind="spd"))
row("eigh_proj", lambda T, a: _eigh_proj(T, a), A(3, 3, kind="spd"))
row("solve", lambda T, a, b: (T.linalg.solve(a, b), T.linalg.solve(a, b[:, 0])),
    A(3, 3, kind="spd"), A(3, 2))
row("solve_batch", lambda T, a, b: T.linalg.solve(a, b), A(2, 3, 3, kind="spd"), A(2, 3, 1))
row("solve_right", lambda T, a, b: T.linalg.solve(a, b, left=False), A(3, 3, kind="spd"),
    A(2, 3))
row("solve_triangular", lambda T, a, b: T.linalg.solve_triangular(T.triu(a), b, upper=True),
    A(3, 3, kind="spd"), A(3, 2))
row("triangular_solve", lambda T, b, a: T.triangular_solve(b, T.tril(a), upper=False),
    A(3, 2), A(3, 3, kind="spd"))
row("vector_norm", lambda T, a: (T.linalg.vector_norm(a), T.linalg.vector_norm(a, 1, dim=1),
                                 T.linalg.vector_norm(a, float("inf")),
                                 T.linalg.vector_norm(a, 3, dim=0, keepdim=True)), A(3, 4))
row("matrix_norm", lambda T, a: (T.linalg.matrix_norm(a), T.linalg.matrix_norm(a, "nuc"),
                                 T.linalg.matrix_norm(a, 1), T.linalg.matrix_norm(a, -1),
                                 T.linalg.matrix_norm(a, float("inf")),
                                 T.linalg.matrix_norm(a, 2)), A(3, 4))
row("linalg_norm", lambda T, a: (T.linalg.norm(a), T.linalg.norm(a, dim=1),
                                 T.linalg.norm(a, "fro"), T.linalg.norm(a, 2, dim=0)), A(3, 4))
row("matrix_rank", lambda T, a: T.linalg.matrix_rank(a @ a.t()), A(3, 2, grad=False))
row("matrix_power", lambda T, a: (T.matrix_power(a, 3), T.linalg.matrix_power(a, 0),
                                  T.linalg.matrix_power(a, -2)), A(3, 3, kind="spd"))
row("matrix_exp", lambda T, a: (T.matrix_exp(a), T.linalg.matrix_exp(a)), A(3, 3, kind="unit"))
row("cond", lambda T, a: T.linalg.cond(a), A(3, 3, kind="spd"))
row("multi_dot", lambda T, a, b, c: T.linalg.multi_dot([a, b, c]), A(2, 3), A(3, 4), A(4, 2))
row("vecdot", lambda T, a, b: T.linalg.vecdot(a, b), A(2, 3), A(2, 3))
row("lstsq", lambda T, a, b: T.linalg.lstsq(a, b).solution, A(4, 2), A(4, 1))
row("householder", lambda T, a, t: T.linalg.householder_product(a, t), A(3, 2), A(2))
row("linalg_diagonal", lambda T, a: T.linalg.diagonal(a), A(2, 3, 3))
row("linalg_vander", lambda T, a: T.linalg.vander(a), A(3))
# ---- predicates, dtypes, properties ------------------------------------------------------------
row("predicates", lambda T, a: (T.is_complex(a), T.is_floating_point(a), T.is_signed(a),
                                a.is_signed(), T.is_nonzero(a[:1]), T.is_same_size(a, a),
                                a.is_contiguous(), a.is_cpu, a.is_cuda, a.is_sparse,
                                a.element_size(), a.ndimension(), a.nbytes, a.itemsize,
                                a.stride(), a.storage_offset(), a.get_device(), a.is_leaf),
    A(2, 3))
row("promotion", lambda T: (str(T.promote_types(T.int32, T.float32)),
                            str(T.result_type(T.tensor([1, 2]), 1.0)),
                            T.can_cast(T.float64, T.int32), T.can_cast(T.int32, T.float32),
                            T.typename(T.tensor([1.0]))))
row("equal_isclose", lambda T, a: (T.equal(a, a), a.equal(a + 1), T.isclose(a, a + 1e-9),
                                   a.allclose(a + 1e-3), T.allclose(a, a)), A(3))
row("new_full_empty", lambda T, a: (a.new_full((2,), 3.0), a.new_zeros(2).shape,
                                    a.new_empty((1, 2)).shape, a.new_ones(1)), A(3))
row("dtype_methods", lambda T, a: (a.byte(), a.char(), a.short(), a.long(), a.int(), a.bool()),
    A(value=[1.5, -2.0, 3.0]))
row("adjoint", lambda T, a: (T.adjoint(a), a.mT, a.mH, a.H), A(2, 3))
row("frexp", lambda T, a: T.frexp(a), A(value=[1.0, 8.0, -0.3]))
row("fill_diagonal_", lambda T, a: (a * 1).fill_diagonal_(5.0), A(3, 4))
row("fill", lambda T, a: T.fill(a, 2.0), A(3))
row("zero_top", lambda T, a: T.zero_(a * 1), A(3))
row("top_inplace", lambda T, a: (T.sin_(a * 1), T.exp_(a * 1), T.sqrt_(a * 1)), A(3, kind="pos"))
row("windows", lambda T: (T.hann_window(5), T.hamming_window(4, False), T.bartlett_window(5),
                          T.blackman_window(6), T.kaiser_window(5)))
row("range_arange", lambda T: T.arange(0, 1, 0.25))
row("imag_error", lambda T, a: T.imag(a), A(2))


def _svd_recon(T, a):
    """Sign-independent functions of the SVD (singular vectors are unique up to sign)."""
    u, s, vh = T.linalg.svd(a, full_matrices=False)
    return s, (u * s) @ vh, (u @ u.t()).abs()


def _eigh_proj(T, a):
    w, v = T.linalg.eigh(a)
    return w, (v * w) @ v.t(), v[:, :1] @ v[:, :1].t()


# ---- autograd.functional with create_graph=True: the results differentiate again -------------
def _cube(x):
    return (x ** 3).sum() * x[0]


def _sq(x):
    return x ** 2 * x.sum()


row("fn_hessian_cg", lambda T, x: T.autograd.functional.hessian(_cube, x, create_graph=True),
    A(3))
row("fn_hessian_cg_vec", lambda T, x: T.autograd.functional.hessian(
    _cube, x, create_graph=True, vectorize=True), A(3))
row("fn_hessian_fwd", lambda T, x: T.autograd.functional.hessian(
    _cube, x, vectorize=True, outer_jacobian_strategy="forward-mode"), A(3))
row("fn_hessian_fwd_cg", lambda T, x: T.autograd.functional.hessian(
    _cube, x, create_graph=True, vectorize=True, outer_jacobian_strategy="forward-mode"), A(3))
row("fn_hvp_cg", lambda T, x, v: T.autograd.functional.hvp(_cube, x, v, create_graph=True),
    A(3), A(3))
row("fn_vhp_cg", lambda T, x, v: T.autograd.functional.vhp(_cube, x, v, create_graph=True),
    A(3), A(3))
row("fn_jacobian_cg", lambda T, x: T.autograd.functional.jacobian(_sq, x, create_graph=True),
    A(3))
row("fn_jacobian_cg_vec", lambda T, x: T.autograd.functional.jacobian(
    _sq, x, create_graph=True, vectorize=True), A(3))
row("fn_jacobian_fwd", lambda T, x: T.autograd.functional.jacobian(
    _sq, x, vectorize=True, strategy="forward-mode"), A(3))
row("fn_jacobian_tuple_cg", lambda T, x, y: T.autograd.functional.jacobian(
    lambda a, b: (a * b, a.sum() * b), (x, y), create_graph=True), A(2), A(2))
row("fn_vjp_cg", lambda T, x, v: T.autograd.functional.vjp(_sq, x, v, create_graph=True),
    A(3), A(3))
# with a function whose input reaches the output along two paths, torch names the tangent's
# node AddBackward0 where fungrad's double backward records MulBackward0 (the engine does not
# record the accumulation of the two paths' grads as a node): only its values are compared
row("fn_jvp_cg", lambda T, x, v: T.autograd.functional.jvp(lambda a: a.sin() * 2, x, v,
                                                           create_graph=True), A(3), A(3))
row("fn_jvp_cg_two_paths", lambda T, x, v: [t.detach() * 1 for t in T.autograd.functional.jvp(
    _sq, x, v, create_graph=True)], A(3), A(3))
row("fn_hessian_tuple_cg", lambda T, x, y: T.autograd.functional.hessian(
    lambda a, b: (a * b).sin().sum(), (x, y), create_graph=True), A(2), A(2))
row("pool3d", lambda T, x: (T.nn.functional.max_pool3d(x, (2, 2, 3), (2, 1, 2), (1, 0, 1),
                                                      return_indices=True),
                            T.nn.functional.avg_pool3d(x, 2, padding=1, count_include_pad=False),
                            T.nn.MaxPool3d(2)(x), T.nn.AvgPool3d(3, stride=2)(x)),
    A(2, 1, 4, 5, 6))
row("avg_pool2d_pad_short", lambda T, x: T.nn.functional.avg_pool2d(x, 2, padding=1),
    A(1, 2, 4, 4))
