"""The version-counter table: for every op that saves its input or output for backward, does
modifying that input (or output) in place before backward raise torch's "modified by an inplace
operation" error, exactly where real torch 2.13 does?

Each probe (op, target) makes the op's inputs as non-leaf tensors (``leaf * 1``), runs the op,
changes ``target`` (an input ``in<i>`` or a float output ``out<k>``) with ``add_(0.25)`` (an
integer or bool input of an op with a gradient, such as an index, a target or a mask, with
``zero_()``, which keeps an index in range; so is an integer or bool output, such as the indices
of max(dim) or sort), then
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


def Ix(value, dtype="int64"):
    """An integer input (an index or a target) of these values: probed with ``zero_()``."""
    return A(value=value, dtype=dtype)


def Bx(value):
    """A bool input (a mask or a condition) of these values."""
    return A(value=value, dtype="bool")


def _set(t, i, v):
    t[i] = v
    return t


_MASK = [[True, False, True, False], [False, False, True, True], [True, True, False, False]]


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
op("where", lambda T, c, a, b: T.where(c, a, b), Bx([True, False, False, True, True]), A(5),
   A(5))
op("where_scalar", lambda T, c, a: T.where(c, a, 0.5), Bx([True, False, False, True, True]), A(5))
op("where_cmp", lambda T, a, b: T.where(a > 0, a, b), A(5), A(5))
op("mul_int", lambda T, a, b: a * b, A(4), Ix([1, -2, 0, 3]))
op("div_int", lambda T, a, b: a / b, A(4), Ix([1, -2, 4, 3]))
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
op("cummin", lambda T, a: T.cummin(a, 1), A(3, 4))
op("mode", lambda T, a: T.mode(a, 1), A(3, 4))
op("nanmedian_dim", lambda T, a: T.nanmedian(a, 1), A(3, 4))
op("frexp", lambda T, a: T.frexp(a), A(4))
op("lu_solve_pivots", lambda T, lu, piv, b: T.linalg.lu_solve(lu, piv, b),
   A(value=[[2.0, 1.0, 0.5], [0.5, 1.5, 1.0], [0.25, 0.5, 1.25]]), Ix([1, 2, 3], "int32"),
   A(3, 2))
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
op("index_tensor", lambda T, a, i: a[i], A(3, 4), Ix([2, 0, 2]))
op("index_tensor2", lambda T, a, i, j: a[i, j], A(3, 4), Ix([2, 0, 2]), Ix([1, 3, 3]))
op("index_bool", lambda T, a, m: a[m], A(3, 4), Bx(_MASK))
op("index_slice_tensor", lambda T, a, i: a[1:, i], A(3, 4), Ix([3, 0]))
op("index_tensor_slice", lambda T, a, i: a[i, ::2], A(3, 4), Ix([2, 0, 2]))
op("index_tensor_row_mask", lambda T, a, m: a[m], A(3, 4), Bx([True, False, True]))
op("index_int32", lambda T, a, i: a[i], A(3, 4), Ix([2, 0], "int32"))
op("gather", lambda T, a, i: T.gather(a, 1, i), A(3, 4), Ix([[0, 1], [2, 2], [3, 0]]))
op("index_select", lambda T, a, i: T.index_select(a, 0, i), A(3, 4), Ix([2, 0]))
op("masked_fill", lambda T, a, m: a.masked_fill(m, 0.0), A(3, 4), Bx(_MASK))
op("masked_fill_tensor", lambda T, a, m, v: a.masked_fill(m, v), A(3, 4), Bx(_MASK), A(value=0.5))
op("masked_fill_cmp", lambda T, a: a.masked_fill(a > 0, 0.0), A(3, 4))
op("masked_select", lambda T, a, m: a.masked_select(m), A(3, 4), Bx(_MASK))
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
op("F.cross_entropy", lambda T, a, t: _F(T).cross_entropy(a, t), A(2, 3), Ix([1, 2]))
op("F.cross_entropy_weight", lambda T, a, t, w: _F(T).cross_entropy(a, t, w), A(2, 3),
   Ix([1, 2]), A(3, kind="pos"))
op("F.cross_entropy_smooth", lambda T, a, t: _F(T).cross_entropy(a, t, label_smoothing=0.1),
   A(2, 3), Ix([1, 2]))
op("F.nll_loss", lambda T, a, t: _F(T).nll_loss(a, t), A(2, 3), Ix([1, 2]))
op("F.nll_loss_weight", lambda T, a, t, w: _F(T).nll_loss(a, t, w), A(2, 3), Ix([1, 2]),
   A(3, kind="pos"))
op("F.nll_loss_none", lambda T, a, t: _F(T).nll_loss(a, t, reduction="none"), A(2, 3),
   Ix([1, 2]))
op("F.nll_loss_2d", lambda T, a, t: _F(T).nll_loss(a, t), A(1, 3, 2, 2),
   Ix([[[1, 2], [0, 1]]]))
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
op("F.embedding", lambda T, i, w: _F(T).embedding(i, w), Ix([1, 2, 2]), A(3, 4))
op("F.embedding_padding", lambda T, i, w: _F(T).embedding(i, w, padding_idx=0), Ix([1, 0, 2]),
   A(3, 4))
op("F.dropout_eval", lambda T, a: _F(T).dropout(a, 0.5, training=False), A(2, 3))
op("F.pdist", lambda T, a: _F(T).pdist(a), A(3, 2))
op("F.adaptive_avg_pool2d", lambda T, x: _F(T).adaptive_avg_pool2d(x, 2), A(1, 2, 4, 4))
op("F.adaptive_max_pool2d", lambda T, x: _F(T).adaptive_max_pool2d(x, 2), A(1, 2, 4, 4))
op("F.avg_pool1d", lambda T, x: _F(T).avg_pool1d(x, 2), A(1, 2, 6))
op("F.max_pool1d", lambda T, x: _F(T).max_pool1d(x, 2), A(1, 2, 6))
op("F.max_pool3d", lambda T, x: _F(T).max_pool3d(x, 2), A(1, 1, 2, 4, 4))
op("F.max_pool2d_indices", lambda T, x: _F(T).max_pool2d(x, 2, return_indices=True),
   A(1, 2, 4, 4))
op("F.max_pool2d_indices_unbatched", lambda T, x: _F(T).max_pool2d(x, 2, return_indices=True),
   A(2, 4, 4))
op("F.max_pool3d_indices", lambda T, x: _F(T).max_pool3d(x, 2, return_indices=True),
   A(1, 1, 2, 4, 4))
op("F.max_pool1d_indices", lambda T, x: _F(T).max_pool1d(x, 2, return_indices=True),
   A(1, 2, 6))
op("F.adaptive_max_pool2d_indices", lambda T, x: _F(T).adaptive_max_pool2d(
    x, 2, return_indices=True), A(1, 2, 4, 4))
op("F.adaptive_max_pool1d_indices", lambda T, x: _F(T).adaptive_max_pool1d(
    x, 2, return_indices=True), A(1, 2, 6))
op("F.avg_pool3d", lambda T, x: _F(T).avg_pool3d(x, 2, padding=1), A(1, 1, 2, 4, 4))
op("F.lp_pool2d", lambda T, x: _F(T).lp_pool2d(x, 2, 2), A(1, 2, 4, 4, kind="pos"))
op("F.bilinear", lambda T, a, b, w, c: _F(T).bilinear(a, b, w, c), A(2, 3), A(2, 4),
   A(5, 3, 4), A(5))
op("F.conv3d", lambda T, x, w: _F(T).conv3d(x, w), A(1, 1, 3, 3, 3), A(2, 1, 2, 2, 2))
op("F.conv_transpose1d", lambda T, x, w: _F(T).conv_transpose1d(x, w), A(1, 2, 4), A(2, 3, 2))
op("F.conv_transpose2d", lambda T, x, w, b: _F(T).conv_transpose2d(x, w, b, stride=2),
   A(1, 2, 3, 3), A(2, 3, 2, 2), A(3))
op("F.group_norm", lambda T, x, w, b: _F(T).group_norm(x, 2, w, b), A(2, 4, 3), A(4), A(4))
op("F.instance_norm", lambda T, x: _F(T).instance_norm(x), A(2, 3, 5))
op("F.rms_norm", lambda T, x, w: _F(T).rms_norm(x, (3,), w), A(2, 3), A(3))
op("F.local_response_norm", lambda T, x: _F(T).local_response_norm(x, 2), A(1, 4, 3, 3))
op("F.interpolate_nearest", lambda T, x: _F(T).interpolate(x, scale_factor=2), A(1, 2, 3))
op("F.interpolate_linear", lambda T, x: _F(T).interpolate(x, scale_factor=2, mode="linear"),
   A(1, 2, 3))
op("F.interpolate_bilinear", lambda T, x: _F(T).interpolate(x, size=(4, 5), mode="bilinear"),
   A(1, 2, 3, 3))
op("F.unfold", lambda T, x: _F(T).unfold(x, 2), A(1, 2, 3, 3))
op("F.fold", lambda T, x: _F(T).fold(x, (3, 3), 2), A(1, 8, 4))
op("F.pixel_shuffle", lambda T, x: _F(T).pixel_shuffle(x, 2), A(1, 4, 2, 2))
op("F.embedding_bag", lambda T, i, w, o: _F(T).embedding_bag(i, w, o), Ix([0, 2, 1, 2]),
   A(3, 4), Ix([0, 2]))
op("F.prelu", lambda T, x, w: _F(T).prelu(x, w), A(2, 3), A(1))
op("F.scaled_dot_product_attention",
   lambda T, q, k, v: _F(T).scaled_dot_product_attention(q, k, v), A(1, 2, 3), A(1, 4, 3),
   A(1, 4, 3))
op("F.cosine_embedding_loss", lambda T, a, b: _F(T).cosine_embedding_loss(
    a, b, T.tensor([1.0, -1.0], dtype=a.dtype)), A(2, 3), A(2, 3))
op("F.margin_ranking_loss", lambda T, a, b: _F(T).margin_ranking_loss(
    a, b, T.tensor([1.0, -1.0, 1.0], dtype=a.dtype)), A(3), A(3))
op("F.hinge_embedding_loss", lambda T, a: _F(T).hinge_embedding_loss(
    a, T.tensor([1.0, -1.0, 1.0], dtype=a.dtype)), A(3))
op("F.soft_margin_loss", lambda T, a: _F(T).soft_margin_loss(
    a, T.tensor([1.0, -1.0, 1.0], dtype=a.dtype)), A(3))
op("F.multilabel_soft_margin_loss", lambda T, a: _F(T).multilabel_soft_margin_loss(
    a, T.tensor([[1.0, 0.0, 1.0]], dtype=a.dtype)), A(1, 3))
op("F.multi_margin_loss", lambda T, a, t: _F(T).multi_margin_loss(a, t), A(2, 3), Ix([1, 2]))
op("F.multilabel_margin_loss", lambda T, a, t: _F(T).multilabel_margin_loss(a, t), A(2, 3),
   Ix([[2, 0, -1], [1, -1, 0]]))
op("F.triplet_margin_loss", lambda T, a, p, n: _F(T).triplet_margin_loss(a, p, n), A(2, 3),
   A(2, 3), A(2, 3))
op("F.poisson_nll_loss", lambda T, a, t: _F(T).poisson_nll_loss(a, t), A(2, 3),
   A(2, 3, kind="pos"))
op("F.gaussian_nll_loss", lambda T, a, t, v: _F(T).gaussian_nll_loss(a, t, v), A(2, 3),
   A(2, 3), A(2, 3, kind="pos"))
op("F.one_hot_mul", lambda T, a: _F(T).one_hot(T.tensor([0, 2]), 3) * a, A(2, 3))
op("F.alpha_dropout_eval", lambda T, a: _F(T).alpha_dropout(a, 0.5, training=False), A(2, 3))
op("F.channel_shuffle", lambda T, x: _F(T).channel_shuffle(x, 2), A(1, 4, 2, 2))
# ---- special functions and other ops -----------------------------------------------------------
for _n, _k in [("expit", "any"), ("log_ndtr", "any"), ("ndtr", "any"), ("ndtri", "prob"),
               ("erfcx", "any"), ("i0e", "any"), ("i1", "any"), ("i1e", "any"),
               ("entr", "pos"), ("xlog1py", "pos"), ("log_softmax", "any"),
               ("softmax", "any"), ("logsumexp", "any"), ("sinc", "any"), ("bessel_j0", "any"),
               ("psi", "pos"), ("multigammaln", "big"), ("polygamma", "pos")]:
    if _n in ("xlog1py",):
        op("special." + _n, lambda T, a, b, _n=_n: getattr(T.special, _n)(a, b), A(4, kind=_k),
           A(4, kind=_k))
    elif _n in ("log_softmax", "softmax", "logsumexp"):
        op("special." + _n, lambda T, a, _n=_n: getattr(T.special, _n)(a, 0), A(4, kind=_k))
    elif _n == "multigammaln":
        op("special." + _n, lambda T, a: T.special.multigammaln(a, 2), A(4, kind=_k))
    elif _n == "polygamma":
        op("special." + _n, lambda T, a: T.special.polygamma(1, a), A(4, kind=_k))
    else:
        op("special." + _n, lambda T, a, _n=_n: getattr(T.special, _n)(a), A(4, kind=_k))
op("cumsum_rev", lambda T, a: T.flip(T.cumsum(T.flip(a, [0]), 0), [0]), A(5))
op("logcumsumexp", lambda T, a: T.logcumsumexp(a, 0), A(5))
op("cdist", lambda T, a, b: T.cdist(a, b), A(3, 2), A(4, 2))
op("trapezoid", lambda T, a: T.trapezoid(a), A(5))
op("std_mean", lambda T, a: T.std_mean(a, 0), A(4, 3))
op("renorm", lambda T, a: T.renorm(a, 2, 0, 1.0), A(3, 4))
op("atleast_2d_mul", lambda T, a: T.atleast_2d(a) * 2, A(3))
op("triu_indices_take", lambda T, a: a[tuple(T.triu_indices(3, 3))], A(3, 3))
op("take", lambda T, a, i: T.take(a, i), A(2, 3), Ix([1, 5, 2]))
op("take_along_dim", lambda T, a, i: T.take_along_dim(a, i, 1), A(2, 3), Ix([[1, 2], [0, 0]]))
op("take_along_dim_flat", lambda T, a, i: T.take_along_dim(a, i), A(2, 3), Ix([1, 5, 2]))
op("scatter_add", lambda T, a, i, src: T.scatter_add(a, 0, i, src), A(2, 3), Ix([[1, 1, 0]]),
   A(1, 3))
op("scatter", lambda T, a, i, src: T.scatter(a, 1, i, src), A(2, 3), Ix([[1], [2]]), A(2, 1))
op("scatter_value", lambda T, a, i: T.scatter(a, 1, i, 0.5), A(2, 3), Ix([[1], [2]]))
op("scatter_reduce", lambda T, a, i, src: T.scatter_reduce(a, 0, i, src, "sum"), A(2, 3),
   Ix([[1, 1, 0]]), A(1, 3))
op("scatter_reduce_amax", lambda T, a, i, src: T.scatter_reduce(a, 0, i, src, "amax"), A(2, 3),
   Ix([[1, 1, 0]]), A(1, 3))
op("index_add", lambda T, a, i, src: a.index_add(0, i, src), A(2, 3), Ix([1, 1]), A(2, 3))
op("index_copy", lambda T, a, i, src: a.index_copy(0, i, src), A(3, 2), Ix([2, 0]), A(2, 2))
op("index_fill", lambda T, a, i: a.index_fill(1, i, 0.5), A(2, 3), Ix([2, 0]))
op("index_fill_tensor", lambda T, a, i, v: a.index_fill(1, i, v), A(2, 3), Ix([2, 0]),
   A(value=0.5))
op("index_reduce", lambda T, a, i, src: a.index_reduce(0, i, src, "prod"), A(3, 2), Ix([2, 0]),
   A(2, 2))
op("index_put", lambda T, a, i, v: T.index_put(a, (i,), v), A(2, 3), Ix([1, 0]), A(2, 3))
op("index_put_acc", lambda T, a, i, v: T.index_put(a, (i,), v, accumulate=True), A(2, 3),
   Ix([1, 1]), A(2, 3))
op("put", lambda T, a, i, src: a.put(i, src), A(2, 3), Ix([1, 4]), A(2))
op("put_acc", lambda T, a, i, src: a.put(i, src, accumulate=True), A(2, 3), Ix([1, 1]), A(2))
op("masked_scatter", lambda T, a, m, v: a.masked_scatter(m, v), A(2, 3),
   Bx([[True, False, True], [False, True, True]]), A(2, 3))
op("masked_scatter_cmp", lambda T, a, v: a.masked_scatter(a > 0, v), A(2, 3), A(2, 3))
# the in-place forms (on a copy of the input)
op("masked_fill_", lambda T, a, m: a.clone().masked_fill_(m, 0.0), A(3, 4), Bx(_MASK))
# in-place activations: torch's node of the in-place form differs (EluBackward1 saves the result)
op("F.elu_inplace", lambda T, a: _F(T).elu(a.clone(), inplace=True), A(2, 3))
op("F.elu_", lambda T, a: _F(T).elu_(a.clone()), A(2, 3))
op("F.selu_inplace", lambda T, a: _F(T).selu(a.clone(), inplace=True), A(2, 3))
op("F.celu_inplace", lambda T, a: _F(T).celu(a.clone(), inplace=True), A(2, 3))
op("F.leaky_relu_", lambda T, a: _F(T).leaky_relu_(a.clone()), A(2, 3))
op("F.leaky_relu_inplace", lambda T, a: _F(T).leaky_relu(a.clone(), 0.2, inplace=True), A(2, 3))
op("F.rrelu_inplace", lambda T, a: _F(T).rrelu(a.clone(), training=False, inplace=True), A(2, 3))
op("F.threshold_", lambda T, a: _F(T).threshold_(a.clone(), 0.1, 2.0), A(2, 3))
op("F.hardtanh_", lambda T, a: _F(T).hardtanh_(a.clone()), A(2, 3))
op("F.relu_inplace", lambda T, a: _F(T).relu(a.clone(), inplace=True), A(2, 3))
op("masked_fill_tensor_", lambda T, a, m, v: a.clone().masked_fill_(m, v), A(3, 4), Bx(_MASK),
   A(value=0.5))
op("masked_scatter_", lambda T, a, m, v: a.clone().masked_scatter_(m, v), A(2, 3),
   Bx([[True, False, True], [False, True, True]]), A(2, 3))
op("scatter_", lambda T, a, i, src: a.clone().scatter_(1, i, src), A(2, 3), Ix([[1], [2]]),
   A(2, 1))
op("scatter_value_", lambda T, a, i: a.clone().scatter_(1, i, 0.5), A(2, 3), Ix([[1], [2]]))
op("scatter_add_", lambda T, a, i, src: a.clone().scatter_add_(0, i, src), A(2, 3),
   Ix([[1, 1, 0]]), A(1, 3))
op("scatter_reduce_", lambda T, a, i, src: a.clone().scatter_reduce_(0, i, src, "amax"),
   A(2, 3), Ix([[1, 1, 0]]), A(1, 3))
op("index_add_", lambda T, a, i, src: a.clone().index_add_(0, i, src), A(2, 3), Ix([1, 1]),
   A(2, 3))
op("index_copy_", lambda T, a, i, src: a.clone().index_copy_(0, i, src), A(3, 2), Ix([2, 0]),
   A(2, 2))
op("index_fill_", lambda T, a, i: a.clone().index_fill_(1, i, 0.5), A(2, 3), Ix([2, 0]))
op("index_put_", lambda T, a, i, v: a.clone().index_put_((i,), v), A(2, 3), Ix([1, 0]), A(2, 3))
op("put_", lambda T, a, i, src: a.clone().put_(i, src), A(2, 3), Ix([1, 4]), A(2))
op("setitem_index", lambda T, a, i, v: _set(a.clone(), i, v), A(2, 3), Ix([1, 0]), A(2, 3))
op("setitem_mask", lambda T, a, m, v: _set(a.clone(), m, v), A(2, 3),
   Bx([[True, False, True], [False, True, False]]), A(value=0.5))
op("ldexp", lambda T, a, e: T.ldexp(a, e), A(4), Ix([1, 2, 0, 3]))
op("pow_int_exponent", lambda T, a, e: T.pow(a, e), A(4, kind="pos"), Ix([1, 2, 0, 3]))
op("clamp_int_min", lambda T, a, lo: T.clamp(a, min=lo), A(4), Ix([0, 1, -1, 0]))
op("maximum_int", lambda T, a, b: T.maximum(a, b), A(4), Ix([0, 1, -1, 0]))
op("matrix_rank_free_solve", lambda T, a, b: T.linalg.lstsq(a, b).solution, A(4, 3), A(4, 2))
op("cholesky_solve", lambda T, b, a: T.cholesky_solve(b, T.linalg.cholesky(a)), A(3, 2),
   A(3, 3, kind="spd"))
op("solve_triangular", lambda T, a, b: T.linalg.solve_triangular(T.triu(a) + 3 * T.eye(
    3, dtype=a.dtype), b, upper=True), A(3, 3), A(3, 2))
op("lu_factor_solve", lambda T, a, b: T.linalg.lu_solve(*T.linalg.lu_factor(a), b),
   A(3, 3, kind="spd"), A(3, 2))
op("eigvalsh", lambda T, a: T.linalg.eigvalsh(a), A(3, 3, kind="spd"))
op("matrix_norm_nuc", lambda T, a: T.linalg.matrix_norm(a, "nuc"), A(3, 4))
op("householder_product", lambda T, a, tau: T.linalg.householder_product(a, tau), A(4, 3),
   A(3))
op("logaddexp_bcast", lambda T, a, b: T.logaddexp(a, b), A(3, 2), A(2))
op("sum_to_size", lambda T, a: a.sum_to_size(1, 3), A(2, 3))
op("unfold_method", lambda T, a: a.unfold(0, 2, 1), A(5))
op("movedim", lambda T, a: T.movedim(a, 0, 2), A(2, 3, 4))
op("tile", lambda T, a: T.tile(a, (2, 1)), A(2, 3))
op("repeat_interleave", lambda T, a: T.repeat_interleave(a, 2, 0), A(2, 3))
op("rot90", lambda T, a: T.rot90(a), A(2, 3))
op("diag_embed", lambda T, a: T.diag_embed(a), A(2, 3))
op("block_diag", lambda T, a, b: T.block_diag(a, b), A(2, 2), A(1, 3))
op("cartesian_prod", lambda T, a, b: T.cartesian_prod(a, b), A(2), A(3))
op("cov", lambda T, a: T.cov(a), A(3, 5))
op("histc_free_sort_values", lambda T, a: T.sort(a.flatten()).values, A(2, 3))
op("nanquantile", lambda T, a: T.nanquantile(a, 0.4), A(7))
op("quantile", lambda T, a: T.quantile(a, 0.4), A(7))
op("lgamma_method", lambda T, a: a.lgamma(), A(4, kind="pos"))
op("sigmoid_method_pow", lambda T, a: a.sigmoid() ** 2, A(4))

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
    if ins:  # the integer and bool inputs (indices, targets, masks) of an op with a gradient
        ins += [f"in{i}" for i, x in enumerate(xs) if isinstance(x, T.Tensor) and
                not x.requires_grad and not (x.is_floating_point() or x.is_complex())]
        ins.sort(key=lambda s: int(s[2:]))
    outs_ = [f"out{k}" for k, o in enumerate(outs) if isinstance(o, T.Tensor) and o.requires_grad]
    if ins:  # the integer and bool outputs (the indices of max(dim), sort, topk, ...)
        outs_ += [f"out{k}" for k, o in enumerate(outs) if isinstance(o, T.Tensor) and
                  not o.requires_grad and not (o.is_floating_point() or o.is_complex())]
        outs_.sort(key=lambda s: int(s[3:]))
    return ins + outs_


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
        if t.is_floating_point() or t.is_complex():
            t.add_(0.25)
        else:  # an index, target or mask: zeros keep an index in range
            t.zero_()
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
