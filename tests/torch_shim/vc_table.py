"""The version-counter table: for every op that saves its input or output for backward, does
modifying that input (or output) in place before backward raise torch's "modified by an inplace
operation" error, exactly where real torch 2.13 does?

Each probe (op, target) makes the op's inputs as non-leaf tensors (``leaf * 1``), runs the op,
changes ``target`` (an input ``in<i>`` or a float output ``out<k>``) with ``add_(0.25)``, then
takes the gradient of a weighted sum of the float outputs with respect to the leaves. The record
is the outcome: the gradients, or the error's type and first line. The ops are this file's OPS
plus every row of the op table (ops_table.py, prefixed ``t:``). make_golden_vc.py records the
table from real torch into golden_vc.json; test_version_counter.py compares fungrad.torch with
the file, and with torch live where it is installed.
"""
import json
import os

import numpy as np

import ops_table
from ops_table import In as A

GOLDEN_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_vc.json")
OPS = {}


def op(name, fn, *inputs):
    if name in OPS:
        raise ValueError(f"duplicate op {name}")
    OPS[name] = (fn, inputs)


def _F(T):
    return T.nn.functional


# ---- unary elementwise -------------------------------------------------------------------------
for _n, _k in [("sin", "any"), ("cos", "any"), ("tan", "unit"), ("exp", "any"), ("log", "pos"),
               ("log1p", "pos"), ("log2", "pos"), ("log10", "pos"), ("exp2", "any"),
               ("expm1", "any"), ("sqrt", "pos"), ("rsqrt", "pos"), ("reciprocal", "pos"),
               ("sigmoid", "any"), ("tanh", "any"), ("abs", "any"), ("neg", "any"),
               ("square", "any"), ("sinh", "any"), ("cosh", "any"), ("asinh", "any"),
               ("acosh", "big"), ("atanh", "unit"), ("asin", "unit"), ("acos", "unit"),
               ("atan", "any"), ("erf", "any"), ("erfc", "any"), ("erfinv", "unit"),
               ("lgamma", "pos"), ("digamma", "pos"), ("sinc", "any"), ("i0", "any"),
               ("logit", "prob"), ("relu", "any"), ("floor", "any"), ("ceil", "any"),
               ("round", "any"), ("trunc", "any"), ("frac", "any"), ("sign", "any"),
               ("sgn", "any"), ("deg2rad", "any"), ("rad2deg", "any"), ("positive", "any"),
               ("nan_to_num", "any"), ("exp2", "any"), ("signbit", "any")]:
    if _n not in OPS:
        op(_n, lambda T, a, _n=_n: getattr(T, _n)(a), A(2, 3, kind=_k))
op("pow_2", lambda T, a: a ** 2, A(4))
op("pow_3", lambda T, a: a ** 3, A(4))
op("pow_half", lambda T, a: a ** 0.5, A(4, kind="pos"))
op("rpow", lambda T, a: 2 ** a, A(4))
op("pow_tensor", lambda T, a, b: a ** b, A(4, kind="pos"), A(4))
op("mul_scalar", lambda T, a: a * 3, A(4))
op("div_scalar", lambda T, a: a / 3, A(4))
op("rdiv", lambda T, a: 3 / a, A(4, kind="pos"))
op("add_scalar", lambda T, a: a + 3, A(4))
op("clamp", lambda T, a: T.clamp(a, -0.5, 0.5), A(6))
op("clamp_min", lambda T, a: T.clamp(a, min=0.1), A(6))
op("clamp_tensor", lambda T, a, lo: T.clamp(a, min=lo), A(6), A(6))
op("nan_to_num_log", lambda T, a: T.nan_to_num(T.log(a)), A(4, kind="pos"))
# ---- binary ------------------------------------------------------------------------------------
for _n, _k in [("add", "any"), ("sub", "any"), ("mul", "any"), ("div", "pos"), ("pow", "pos"),
               ("atan2", "any"), ("hypot", "any"), ("maximum", "any"), ("minimum", "any"),
               ("fmax", "any"), ("fmin", "any"), ("fmod", "pos"), ("remainder", "pos"),
               ("copysign", "any"), ("xlogy", "pos"), ("logaddexp", "any"),
               ("logaddexp2", "any"), ("float_power", "pos"), ("true_divide", "pos")]:
    op(_n, lambda T, a, b, _n=_n: getattr(T, _n)(a, b), A(3, 2, kind=_k), A(3, 2, kind=_k))
op("mul_bcast", lambda T, a, b: a * b, A(3, 2), A(2))
op("div_bcast", lambda T, a, b: a / b, A(3, 2), A(2, kind="pos"))
op("lerp", lambda T, a, b: T.lerp(a, b, 0.3), A(4), A(4))
op("lerp_tensor", lambda T, a, b, w: T.lerp(a, b, w), A(4), A(4), A(4, kind="prob"))
op("where", lambda T, a, b: T.where(a > 0, a, b), A(5), A(5))
op("addcmul", lambda T, a, b, c: T.addcmul(a, b, c, value=0.5), A(4), A(4), A(4))
op("addcdiv", lambda T, a, b, c: T.addcdiv(a, b, c, value=0.5), A(4), A(4), A(4, kind="pos"))
# ---- reductions and scans ----------------------------------------------------------------------
for _n in ("sum", "mean", "prod", "max", "min", "amax", "amin", "var", "std", "norm",
           "logsumexp_all", "median", "nansum", "nanmean"):
    if _n == "logsumexp_all":
        op(_n, lambda T, a: T.logsumexp(a, (0, 1)), A(3, 4))
    else:
        op(_n, lambda T, a, _n=_n: getattr(T, _n)(a), A(3, 4))
for _n in ("sum", "mean", "prod", "amax", "amin", "var", "std", "logsumexp", "cumsum",
           "cumprod", "softmax", "log_softmax", "norm_dim"):
    if _n == "norm_dim":
        op(_n, lambda T, a: T.norm(a, dim=1), A(3, 4))
    else:
        op(_n + "_dim", lambda T, a, _n=_n: getattr(T, _n)(a, 1), A(3, 4))
op("max_dim", lambda T, a: T.max(a, 1), A(3, 4))
op("min_dim", lambda T, a: T.min(a, 0), A(3, 4))
op("median_dim", lambda T, a: T.median(a, 1), A(3, 4))
op("cummax", lambda T, a: T.cummax(a, 1), A(3, 4))
op("sort", lambda T, a: T.sort(a, 1), A(3, 4))
op("topk", lambda T, a: T.topk(a, 2), A(3, 4))
op("kthvalue", lambda T, a: T.kthvalue(a, 2, 1), A(3, 4))
op("norm_p1", lambda T, a: T.norm(a, p=1), A(3, 4))
op("norm_inf", lambda T, a: T.norm(a, p=float("inf")), A(3, 4))
op("vector_norm", lambda T, a: T.linalg.vector_norm(a), A(5))
op("dist", lambda T, a, b: T.dist(a, b), A(5), A(5))
op("var_mean", lambda T, a: T.var_mean(a, 1), A(3, 4))
# ---- products ----------------------------------------------------------------------------------
op("mm", lambda T, a, b: T.mm(a, b), A(2, 3), A(3, 4))
op("matmul", lambda T, a, b: a @ b, A(2, 3), A(3, 4))
op("matmul_vec", lambda T, a, b: a @ b, A(2, 3), A(3))
op("bmm", lambda T, a, b: T.bmm(a, b), A(2, 2, 3), A(2, 3, 2))
op("dot", lambda T, a, b: T.dot(a, b), A(4), A(4))
op("mv", lambda T, a, b: T.mv(a, b), A(3, 4), A(4))
op("outer", lambda T, a, b: T.outer(a, b), A(3), A(4))
op("einsum", lambda T, a, b: T.einsum("ij,jk->ik", a, b), A(2, 3), A(3, 4))
op("tensordot", lambda T, a, b: T.tensordot(a, b, 1), A(2, 3), A(3, 4))
op("addmm", lambda T, i, a, b: T.addmm(i, a, b), A(2, 4), A(2, 3), A(3, 4))
op("cross", lambda T, a, b: T.linalg.cross(a, b), A(2, 3), A(2, 3))
op("kron", lambda T, a, b: T.kron(a, b), A(2, 2), A(2, 2))
# ---- linear algebra ----------------------------------------------------------------------------
op("inv", lambda T, a: T.linalg.inv(a), A(3, 3, kind="spd"))
op("det", lambda T, a: T.linalg.det(a), A(3, 3, kind="spd"))
op("slogdet", lambda T, a: T.linalg.slogdet(a), A(3, 3, kind="spd"))
op("logdet", lambda T, a: T.logdet(a), A(3, 3, kind="spd"))
op("solve", lambda T, a, b: T.linalg.solve(a, b), A(3, 3, kind="spd"), A(3, 2))
op("cholesky", lambda T, a: T.linalg.cholesky(a), A(3, 3, kind="spd"))
op("qr", lambda T, a: T.linalg.qr(a), A(4, 3))
op("eigh", lambda T, a: T.linalg.eigh(a), A(3, 3, kind="spd"))
op("svd", lambda T, a: T.linalg.svd(a, full_matrices=False), A(4, 3))
op("pinv", lambda T, a: T.linalg.pinv(a), A(4, 3))
op("matrix_norm", lambda T, a: T.linalg.matrix_norm(a), A(3, 4))
op("matrix_exp", lambda T, a: T.linalg.matrix_exp(a), A(3, 3))
op("trace", lambda T, a: T.trace(a), A(3, 3))
# ---- shape, indexing ---------------------------------------------------------------------------
op("reshape", lambda T, a: a.reshape(4, 3), A(3, 4))
op("transpose", lambda T, a: a.t(), A(3, 4))
op("cat", lambda T, a, b: T.cat([a, b]), A(2, 3), A(2, 3))
op("stack", lambda T, a, b: T.stack([a, b]), A(2, 3), A(2, 3))
op("getitem", lambda T, a: a[1:, ::2], A(3, 4))
op("index_tensor", lambda T, a: a[T.tensor([2, 0, 2])], A(3, 4))
op("gather", lambda T, a: T.gather(a, 1, T.tensor([[0, 1], [2, 2], [3, 0]])), A(3, 4))
op("index_select", lambda T, a: T.index_select(a, 0, T.tensor([2, 0])), A(3, 4))
op("masked_fill", lambda T, a: a.masked_fill(a > 0, 0.0), A(3, 4))
op("expand", lambda T, a: a.expand(3, 4), A(1, 4))
op("repeat", lambda T, a: a.repeat(2, 1), A(3, 4))
op("flip", lambda T, a: T.flip(a, [0]), A(3, 4))
op("tril", lambda T, a: T.tril(a), A(3, 4))
op("diag", lambda T, a: T.diag(a), A(4))
op("clone", lambda T, a: a.clone(), A(3, 4))
op("squeeze", lambda T, a: a.squeeze(0), A(1, 4))
op("flatten", lambda T, a: T.flatten(a), A(3, 4))
op("roll", lambda T, a: T.roll(a, 1, 0), A(3, 4))
op("diff", lambda T, a: T.diff(a), A(5))
# ---- nn.functional -----------------------------------------------------------------------------
for _n in ("relu", "relu6", "gelu", "silu", "mish", "softplus", "elu", "selu", "celu",
           "leaky_relu", "hardtanh", "hardsigmoid", "hardswish", "logsigmoid", "softsign",
           "tanhshrink", "softshrink", "hardshrink", "sigmoid", "tanh"):
    op("F." + _n, lambda T, a, _n=_n: getattr(_F(T), _n)(a), A(2, 3))
op("F.gelu_tanh", lambda T, a: _F(T).gelu(a, approximate="tanh"), A(2, 3))
op("F.threshold", lambda T, a: _F(T).threshold(a, 0.1, 2.0), A(2, 3))
op("F.glu", lambda T, a: _F(T).glu(a), A(2, 4))
op("F.softmax", lambda T, a: _F(T).softmax(a, -1), A(2, 3))
op("F.log_softmax", lambda T, a: _F(T).log_softmax(a, -1), A(2, 3))
op("F.softmin", lambda T, a: _F(T).softmin(a, -1), A(2, 3))
op("F.normalize", lambda T, a: _F(T).normalize(a), A(2, 3))
op("F.linear", lambda T, x, w, b: _F(T).linear(x, w, b), A(2, 3), A(4, 3), A(4))
op("F.layer_norm", lambda T, x, w, b: _F(T).layer_norm(x, (3,), w, b), A(2, 3), A(3), A(3))
op("F.batch_norm", lambda T, x, w, b: _F(T).batch_norm(x, None, None, w, b, training=True),
   A(4, 3), A(3), A(3))
op("F.mse_loss", lambda T, a, b: _F(T).mse_loss(a, b), A(2, 3), A(2, 3))
op("F.l1_loss", lambda T, a, b: _F(T).l1_loss(a, b), A(2, 3), A(2, 3))
op("F.smooth_l1_loss", lambda T, a, b: _F(T).smooth_l1_loss(a, b), A(2, 3), A(2, 3))
op("F.huber_loss", lambda T, a, b: _F(T).huber_loss(a, b), A(2, 3), A(2, 3))
op("F.cross_entropy", lambda T, a: _F(T).cross_entropy(a, T.tensor([0, 2])), A(2, 3))
op("F.nll_loss", lambda T, a: _F(T).nll_loss(a, T.tensor([0, 2])), A(2, 3))
op("F.binary_cross_entropy", lambda T, a, b: _F(T).binary_cross_entropy(a, b),
   A(2, 3, kind="prob"), A(2, 3, kind="prob"))
op("F.bce_with_logits", lambda T, a, b: _F(T).binary_cross_entropy_with_logits(a, b),
   A(2, 3), A(2, 3, kind="prob"))
op("F.kl_div", lambda T, a, b: _F(T).kl_div(a, b, reduction="batchmean"), A(2, 3),
   A(2, 3, kind="prob"))
op("F.cosine_similarity", lambda T, a, b: _F(T).cosine_similarity(a, b), A(2, 3), A(2, 3))
op("F.pairwise_distance", lambda T, a, b: _F(T).pairwise_distance(a, b), A(2, 3), A(2, 3))
op("F.conv1d", lambda T, x, w: _F(T).conv1d(x, w), A(1, 2, 5), A(3, 2, 2))
op("F.conv2d", lambda T, x, w, b: _F(T).conv2d(x, w, b), A(1, 2, 4, 4), A(3, 2, 2, 2), A(3))
op("F.max_pool2d", lambda T, x: _F(T).max_pool2d(x, 2), A(1, 2, 4, 4))
op("F.avg_pool2d", lambda T, x: _F(T).avg_pool2d(x, 2), A(1, 2, 4, 4))
op("F.pad", lambda T, x: _F(T).pad(x, (1, 1)), A(2, 3))
op("F.embedding", lambda T, w: _F(T).embedding(T.tensor([0, 2, 2]), w), A(3, 4))
op("F.dropout_eval", lambda T, a: _F(T).dropout(a, 0.5, training=False), A(2, 3))
op("F.pdist", lambda T, a: _F(T).pdist(a), A(3, 2))

ROWS = dict(OPS)
ROWS.update({"t:" + n: (fn, inputs) for n, (fn, inputs, _) in ops_table.ROWS.items()})


def _inputs(name, T, grad_mask=None):
    """The op, its leaves and its operands (``leaf * 1`` for each that requires grad; with
    ``grad_mask``, only the inputs of those positions require grad)."""
    fn, specs = ROWS[name]
    rng = np.random.default_rng(ops_table._seed(name))
    leaves = [s.make(T, rng) for s in specs]
    if grad_mask is not None:
        leaves = [x.detach().requires_grad_(i in grad_mask)
                  if isinstance(x, T.Tensor) and x.requires_grad else x
                  for i, x in enumerate(leaves)]
    xs = [x * 1 if isinstance(x, T.Tensor) and x.requires_grad else x for x in leaves]
    return fn, leaves, xs


def targets(name, T):
    """The probe targets of an op: ``in<i>`` for each input that requires grad, ``out<k>`` for
    each float output that requires grad (empty if the op itself fails)."""
    fn, leaves, xs = _inputs(name, T)
    try:
        outs = ops_table._flat(fn(T, *xs))
    except Exception:  # noqa: BLE001 - an op that fails has nothing to probe
        return []
    ins = [f"in{i}" for i, x in enumerate(xs) if isinstance(x, T.Tensor) and x.requires_grad]
    return ins + [f"out{k}" for k, o in enumerate(outs)
                  if isinstance(o, T.Tensor) and o.requires_grad]


def _err(e):
    return [type(e).__name__, str(e).split("\n")[0]]


def run(name, target, T, grad_mask=None):
    fn, leaves, xs = _inputs(name, T, grad_mask)
    try:
        outs = ops_table._flat(fn(T, *xs))
    except Exception as e:  # noqa: BLE001 - the error is the record
        return {"op_error": _err(e)}
    is_in = target.startswith("in")
    k = int(target[2:] if is_in else target[3:])
    t = xs[k] if is_in else outs[k]
    try:
        t.add_(0.25)
    except Exception as e:  # noqa: BLE001 - the error is the record
        return {"inplace_error": _err(e)}
    diff = [x for x in leaves if isinstance(x, T.Tensor) and x.requires_grad]
    try:
        loss = None
        for o in outs:
            if isinstance(o, T.Tensor) and o.requires_grad:
                w = T.tensor(np.cos(np.arange(o.numel()) + 0.5).reshape(tuple(o.shape)).tolist(),
                             dtype=o.dtype)
                term = (o * w).sum()
                loss = term if loss is None else loss + term
        gs = T.autograd.grad(loss, diff, allow_unused=True)
    except Exception as e:  # noqa: BLE001 - the error is the record
        return {"backward_error": _err(e)}
    return {"grads": [None if g is None else ops_table._vals(ops_table._tolist(T, g))
                      for g in gs]}


def run_all(T, names=None):
    out = {}
    for name in sorted(ROWS) if names is None else names:
        for target in targets(name, T):
            out[f"{name}|{target}"] = run(name, target, T)
    return out


def load_golden():
    with open(GOLDEN_PATH, encoding="utf-8") as f:
        return json.load(f)
