"""jax.nn's activation and normalization functions, compositions of fungrad.numpy/lax operations
in their numerically stable forms, with JAX's derivative conventions at kinks (relu, relu6 and
hard functions: the derivative at the kink is that of the branch JAX uses; grad(relu)(0.) == 0).

Imports: numpy, lax (public facades), _api, _core, _lax.
"""
from __future__ import annotations

from typing import Sequence

from fungrad._core.typing import Array, ArrayLike, DTypeLike, Inexact, Shaped
import math

import numpy as np

from fungrad import numpy as fnp
from fungrad._api.custom import custom_jvp
from fungrad._core.errors import ShapeError
from fungrad._core.trace import get_aval
from fungrad._lax import logistic, stop_gradient
from fungrad._lax.special_erf import erf
from fungrad.numpy.reductions import normalize_axes, normalize_axis


def _float(x):
    x = fnp.asarray(x)
    if get_aval(x).dtype.kind not in "fc":
        x = fnp.astype(x, np.float64)
    return x


def _zero_like(g):
    return fnp.zeros_like(g)


@custom_jvp
def relu(x):
    """max(x, 0); the derivative at 0 is 0, as JAX.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.relu(x)
    array([0., 0., 2.])
    """
    return fnp.maximum(fnp.asarray(x), 0)  # (asarray: a non-numeric x raises its TypeError)


@relu.defjvp
def _relu_jvp(primals, tangents):
    x, = primals
    t, = tangents
    return relu(x), fnp.where(fnp.greater(x, 0), t, _zero_like(t))


@custom_jvp
def relu6(x):
    """min(max(x, 0), 6); derivative 0 at 0 and at 6, as JAX.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.relu6(x)
    array([0., 0., 2.])
    """
    return fnp.minimum(fnp.maximum(fnp.asarray(x), 0), 6.0)


@relu6.defjvp
def _relu6_jvp(primals, tangents):
    x, = primals
    t, = tangents
    inside = fnp.logical_and(fnp.greater(x, 0), fnp.less(x, 6.0))
    return relu6(x), fnp.where(inside, t, _zero_like(t))


def sigmoid(x: ArrayLike) -> Array:
    """1 / (1 + exp(-x)), the logistic primitive (no overflow for large |x|).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.sigmoid(x)
    array([0.26894142, 0.5       , 0.88079708])
    """
    return logistic(_float(x))


def softplus(x: ArrayLike) -> Array:
    """log(1 + exp(x)) as max(x, 0) + log1p(exp(-|x|)): no overflow, and exact where the result
    is tiny (fungrad.numpy.logaddexp(x, 0) rounds log(1 + 2e-22) to 0). Derivative sigmoid(x),
    1/2 at 0 as JAX's, by a rule: differentiating the formula's |x| and max(x, 0) would make
    every higher derivative 0 at x = 0 (the Hessian of a logistic loss at zero weights).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.softplus(x)
    array([0.31326169, 0.69314718, 2.12692801])
    """
    return _softplus(_float(x))


@custom_jvp
def _softplus(x):
    return fnp.maximum(x, 0.0) + fnp.log1p(fnp.exp(-fnp.abs(x)))


@_softplus.defjvp
def _softplus_jvp(primals, tangents):
    x, = primals
    t, = tangents
    return _softplus(x), t * logistic(x)


def sparse_plus(x: ArrayLike) -> Array:
    """0 for x <= -1, x for x >= 1, (x + 1)^2 / 4 between (Martins et al. 2016).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.sparse_plus(x)
    array([0.  , 0.25, 2.  ])
    """
    x = _float(x)
    return fnp.where(fnp.less_equal(x, -1.0), 0.0,
                     fnp.where(fnp.greater_equal(x, 1.0), x, (x + 1) ** 2 / 4))


def sparse_sigmoid(x: ArrayLike) -> Array:
    """The derivative of sparse_plus: clip((x + 1) / 2, 0, 1).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.sparse_sigmoid(x)
    array([0. , 0.5, 1. ])
    """
    return 0.5 * fnp.clip(_float(x) + 1.0, 0.0, 2.0)


def soft_sign(x: ArrayLike) -> Array:
    """x / (|x| + 1).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.soft_sign(x)
    array([-0.5       ,  0.        ,  0.66666667])
    """
    x = _float(x)
    return x / (fnp.abs(x) + 1)


def silu(x: ArrayLike) -> Array:
    """x * sigmoid(x).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.silu(x)
    array([-0.26894142,  0.        ,  1.76159416])
    """
    x = _float(x)
    return x * sigmoid(x)


swish = silu


def log_sigmoid(x: ArrayLike) -> Array:
    """log(sigmoid(x)) = -softplus(-x), exact for large |x|.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.log_sigmoid(x)
    array([-1.31326169, -0.69314718, -0.12692801])
    """
    return -softplus(-_float(x))


def elu(x: ArrayLike, alpha: ArrayLike = 1.0) -> Array:
    """x for x > 0, alpha (exp(x) - 1) otherwise (the exp branch sees no positive x).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.elu(x)
    array([-0.63212056,  0.        ,  2.        ])
    """
    x = _float(x)
    safe = fnp.where(fnp.greater(x, 0), 0.0, x)
    return fnp.where(fnp.greater(x, 0), x, alpha * fnp.expm1(safe))


def leaky_relu(x: ArrayLike, negative_slope: ArrayLike = 1e-2) -> Array:
    """x for x >= 0, negative_slope * x otherwise.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.leaky_relu(x)
    array([-0.01,  0.  ,  2.  ])
    """
    x = _float(x)
    return fnp.where(fnp.greater_equal(x, 0), x, negative_slope * x)


def hard_tanh(x: ArrayLike) -> Array:
    """clip(x, -1, 1), with derivative 1 at +-1 (JAX's where-form).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.hard_tanh(x)
    array([-1.,  0.,  1.])
    """
    x = _float(x)
    return fnp.where(fnp.greater(x, 1), 1.0, fnp.where(fnp.less(x, -1), -1.0, x))


def celu(x: ArrayLike, alpha: ArrayLike = 1.0) -> Array:
    """max(x, 0) + alpha * expm1(min(x, 0) / alpha).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.celu(x)
    array([-0.63212056,  0.        ,  2.        ])
    """
    x = _float(x)
    return fnp.maximum(x, 0.0) + alpha * fnp.expm1(fnp.minimum(x, 0.0) / alpha)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: ArrayLike) -> Array:
    """scale * elu(x, alpha) with Klambauer et al.'s constants.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.selu(x)
    array([-1.11133074,  0.        ,  2.10140197])
    """
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def gelu(x: ArrayLike, approximate: bool = True) -> Array:
    """x Phi(x); approximate=True: the tanh form 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    (JAX's default); approximate=False: 0.5 x (1 + erf(x / sqrt 2)).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.gelu(x)
    array([-0.15880801,  0.        ,  1.95459769])
    """
    x = _float(x)
    dtype = get_aval(x).dtype
    if approximate:
        c = np.asarray(np.sqrt(2 / np.pi), dtype)
        return 0.5 * x * (1 + fnp.tanh(c * (x + 0.044715 * (x * x * x))))
    return 0.5 * x * (1 + erf(x * np.asarray(np.sqrt(0.5), dtype)))


def glu(x: ArrayLike, axis: int | Sequence[int] = -1) -> Array:
    """Gated linear unit: a * sigmoid(b), a and b the two halves of x along axis.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.glu(fnp.array([1.0, 2.0, 0.0, 3.0]))
    array([0.5       , 1.90514825])
    """
    x = _float(x)
    n = get_aval(x).shape[normalize_axis(axis, get_aval(x).ndim)]
    if n % 2:
        raise ValueError(f"glu: axis {axis} of x must have even size, got {n}.")
    a, b = fnp.split(x, 2, axis=axis)
    return a * sigmoid(b)


def hard_sigmoid(x: ArrayLike) -> Array:
    """relu6(x + 3) / 6.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.hard_sigmoid(x)
    array([0.33333333, 0.5       , 0.83333333])
    """
    return relu6(_float(x) + 3.0) / 6.0


def hard_silu(x: ArrayLike) -> Array:
    """x * hard_sigmoid(x).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.hard_silu(x)
    array([-0.33333333,  0.        ,  1.66666667])
    """
    x = _float(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def mish(x: ArrayLike) -> Array:
    """x * tanh(softplus(x)).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.mish(x)
    array([-0.30340146,  0.        ,  1.94395896])
    """
    x = _float(x)
    return x * fnp.tanh(softplus(x))


def squareplus(x: ArrayLike, b: ArrayLike = 4) -> Array:
    """(x + sqrt(x^2 + b)) / 2, computed without overflow or cancellation: with
    h = hypot(x, sqrt(b)) (no x^2 to overflow), x/2 + h/2 for x >= 0, and for x < 0
    b / (2 (h - x)) = (b / h) / (2 - 2 x/h) (no difference of nearly equal terms, and no
    overflow: |x/h| <= 1). So squareplus(1e308) is 1e308 and squareplus(-1e308) 1e-308, and the
    derivative (1 + x/h)/2 tends to 1 and 0 at the ends (the direct formula gives inf and 0, and
    a derivative of 1/2 at both).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.squareplus(x)
    array([0.61803399, 1.        , 2.41421356])
    """
    x = _float(x)
    dtype = get_aval(x).dtype
    if isinstance(b, (int, float)):  # a Python number stays weakly typed (float32 stays so)
        b = float(b)
        root = math.sqrt(b)
    else:
        b = fnp.astype(fnp.asarray(b), dtype)
        root = fnp.sqrt(b)
    h = fnp.hypot(x, root)
    neg = fnp.less(x, 0)
    # b / (2 (h - x)) as (b / h) / (2 - 2 x/h), on safe operands where x >= 0 (h > 0 if x < 0)
    hs, xs = fnp.where(neg, h, 1.0), fnp.where(neg, x, -1.0)
    return fnp.where(neg, b / hs / (2 - 2 * (xs / hs)), x / 2 + h / 2)


def log1mexp(x: ArrayLike) -> Array:
    """log(1 - exp(-x)) for x > 0, by Machler's two branches (expm1 below log 2, log1p above).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.nn.log1mexp(fnp.array([0.5, 1.0, 2.0]))
    array([-0.93275213, -0.45867515, -0.14541346])
    """
    x = _float(x)
    small = fnp.less(x, np.log(2))
    a = fnp.log(-fnp.expm1(-fnp.where(small, x, 1.0)))
    b = fnp.log1p(-fnp.exp(-fnp.where(small, 1.0, x)))
    return fnp.where(small, a, b)


def identity(x: ArrayLike) -> Array:
    """`x` as an array (the identity activation).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.nn.identity([1.0, -2.0])
    array([ 1., -2.])
    """
    return fnp.asarray(x)


def tanh(x: ArrayLike) -> Array:
    """The hyperbolic tangent, as jax.nn.tanh.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.nn.tanh(fnp.array([0.0, 1.0]))
    array([0.        , 0.76159416])
    """
    return fnp.tanh(x)


# ---- reductions
def _axes(x, axis):
    nd = get_aval(x).ndim
    if axis is None:
        return tuple(range(nd))
    if isinstance(axis, (int, np.integer)) and nd == 0 and axis in (0, -1):
        return ()
    return tuple(sorted(set(normalize_axes(axis, nd))))


def _max_keep(x, axis, where):
    if where is not None:
        x = fnp.where(where, x, -np.inf)
    m = fnp.max(x, axis=axis, keepdims=True, initial=-np.inf)  # (an empty axis: -inf, as JAX)
    return fnp.where(fnp.isfinite(m), m, 0.0)  # all -inf: shift by 0, not by -inf


def logsumexp(a: ArrayLike, axis: int | Sequence[int] | None = None, b: ArrayLike | None = None,
              keepdims: bool = False, return_sign: bool = False, where: ArrayLike | None = None) -> Array:
    """log(sum(b * exp(a))) over axis, shifted by the (stop-gradient) maximum so nothing
    overflows; return_sign gives (log|sum|, sign) for signed weights b.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.logsumexp(x)
    array(2.16984602)
    """
    a = _float(a)
    axes = _axes(a, axis)
    amax = stop_gradient(_max_keep(a, axes, where))
    e = fnp.exp(a - amax)
    if b is not None:
        e = e * b
    if where is not None:
        e = fnp.where(where, e, 0.0)
    s = fnp.sum(e, axis=axes, keepdims=True)
    sign = fnp.sign(s)
    with np.errstate(divide="ignore"):  # an empty or all -inf sum: -inf, as JAX, no warning
        out = fnp.log(fnp.abs(s) if (return_sign or b is not None) else s) + amax
    if not keepdims:
        out = fnp.squeeze(out, axis=axes) if axes else out
        sign = fnp.squeeze(sign, axis=axes) if axes else sign
    if return_sign:
        return out, sign
    if b is not None:
        out = fnp.where(fnp.less(sign, 0), np.nan, out)
    return out


def logmeanexp(x: ArrayLike, axis: int | Sequence[int] | None = None, where: ArrayLike | None = None,
               keepdims: bool = False) -> Array:
    """log(mean(exp(x))) over axis.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.logmeanexp(x)
    array(1.07123373)
    """
    x = _float(x)
    axes = _axes(x, axis)
    dtype = get_aval(x).dtype  # log n in x's dtype: a float32 input stays float32, as JAX
    if where is None:
        n = fnp.asarray(math.prod(get_aval(x).shape[i] for i in axes), dtype)
    else:
        n = fnp.sum(fnp.broadcast_to(where, get_aval(x).shape), axis=axes, keepdims=keepdims)
        n = fnp.astype(n, dtype)
    with np.errstate(divide="ignore", invalid="ignore"):  # no elements: log 0 = -inf, NaN, as JAX
        return logsumexp(x, axis=axes, keepdims=keepdims, where=where) - fnp.log(n)


def softmax(x: ArrayLike, axis: int | Sequence[int] = -1, where: ArrayLike | None = None) -> Array:
    """exp(x - max) / sum(exp(x - max)) along axis.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.softmax(x)
    array([0.04201007, 0.1141952 , 0.84379473])
    """
    x = _float(x)
    axes = _axes(x, axis)
    e = fnp.exp(x - stop_gradient(_max_keep(x, axes, where)))
    if where is not None:
        e = fnp.where(where, e, 0.0)
    return e / fnp.sum(e, axis=axes, keepdims=True)


def log_softmax(x: ArrayLike, axis: int | Sequence[int] = -1, where: ArrayLike | None = None) -> Array:
    """x - logsumexp(x) along axis, computed from the shifted x (no overflow).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.log_softmax(x)
    array([-3.16984602, -2.16984602, -0.16984602])
    """
    x = _float(x)
    axes = _axes(x, axis)
    shifted = x - stop_gradient(_max_keep(x, axes, where))
    e = fnp.exp(shifted)
    if where is not None:
        e = fnp.where(where, e, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):  # an empty or all -inf axis: no warning,
        out = shifted - fnp.log(fnp.sum(e, axis=axes, keepdims=True))  # as JAX
    return out if where is None else fnp.where(where, out, -np.inf)


def standardize(x: ArrayLike, axis: int | Sequence[int] = -1, mean: ArrayLike | None = None,
                variance: ArrayLike | None = None, epsilon: ArrayLike = 1e-5, where: ArrayLike | None = None,
                *,
                algorithm: str = "fast") -> Array:
    """(x - mean) / sqrt(variance + epsilon) along axis; variance E[x^2] - E[x]^2 ('fast', as
    JAX's default) or E[(x - mean)^2] ('safe').

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.standardize(x)
    array([-1.06904153, -0.26726038,  1.33630191])
    """
    x = _float(x)
    axes = _axes(x, axis)

    def avg(v):
        if where is None:
            return fnp.mean(v, axis=axes, keepdims=True)
        w = fnp.broadcast_to(where, get_aval(v).shape)
        return (fnp.sum(fnp.where(w, v, 0.0), axis=axes, keepdims=True)
                / fnp.sum(w, axis=axes, keepdims=True))
    if mean is None:
        mean = avg(x)
    if variance is None:
        if algorithm == "fast":
            variance = avg(x * x) - mean * mean
        elif algorithm == "safe":
            variance = avg((x - mean) ** 2)
        else:
            raise ValueError(f"standardize: algorithm must be 'fast' or 'safe', got "
                             f"{algorithm!r}.")
    out = (x - mean) / fnp.sqrt(variance + epsilon)
    return out if where is None else fnp.where(where, out, x)


def one_hot(x: ArrayLike, num_classes: int, *, dtype: DTypeLike | None = None,
            axis: int | Sequence[int] = -1) -> Array:
    """x[..., None] == arange(num_classes) as `dtype` (default float64), the class axis at
    `axis`; out-of-range indices give all-zero rows.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> fg.nn.one_hot(fnp.array([0, 2]), 3)
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    dtype = np.dtype(np.float64 if dtype is None else dtype)
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or (
            num_classes < 0):
        raise TypeError(f"one_hot: num_classes must be a non-negative int, got {num_classes!r}")
    x = fnp.asarray(x)
    nd = get_aval(x).ndim + 1
    axis = normalize_axis(axis, nd)
    classes = np.arange(num_classes).reshape((num_classes,) + (1,) * (nd - 1 - axis))
    return fnp.astype(fnp.equal(fnp.expand_dims(x, axis), classes), dtype)


def dot_product_attention(query: Shaped[ArrayLike, "*B T N H"], key: Shaped[ArrayLike, "*B S K H"],
                          value: Shaped[ArrayLike, "*B S K H"], bias: ArrayLike | None = None,
                          mask: ArrayLike | None = None, *, scale: ArrayLike | None = None,
                          is_causal: bool = False, query_seq_lengths: ArrayLike | None = None,
                          key_value_seq_lengths: ArrayLike | None = None,
                          local_window_size: int | tuple[int, int] | None = None,
                          implementation: str | None = None, return_residual: bool = False
                          ) -> Inexact[Array, "*B T N H"]:
    """softmax(Q K^T * scale + bias, masked) V over the key axis, with JAX's layout: query
    (B, T, N, H), key and value (B, S, K, H) with N a multiple of K (grouped-query attention);
    the batch axis B may be absent. mask: True keeps a logit. Only implementation=None/'xla'.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> x = fnp.array([-1.0, 0.0, 2.0])
    >>> q = fnp.ones((2, 1, 4))  # (tokens, heads, head dim)
    >>> fg.nn.dot_product_attention(q, q, q).shape
    (2, 1, 4)
    """
    if implementation not in (None, "xla"):
        raise NotImplementedError(f"dot_product_attention: implementation={implementation!r}; "
                                  "fungrad computes the 'xla' form.")
    q, k, v = _float(query), _float(key), _float(value)
    ranks = {get_aval(a).ndim for a in (q, k, v)}
    if len(ranks) != 1 or ranks.pop() not in (3, 4):
        raise ShapeError("dot_product_attention: query, key and value must all be [B, T, N, H] "
                         "(or [T, N, H]) arrays, got "
                         + ", ".join(get_aval(a).str_short() for a in (q, k, v)))
    unbatched = get_aval(q).ndim == 3
    if unbatched:
        q, k, v = (fnp.expand_dims(a, 0) for a in (q, k, v))
        bias, mask = (None if m is None else fnp.asarray(m) for m in (bias, mask))
    B, T, N, H = get_aval(q).shape
    S, K = get_aval(k).shape[1], get_aval(k).shape[2]
    if N % K:
        raise ValueError(f"dot_product_attention: query heads ({N}) must be a multiple of key "
                         f"heads ({K}).")
    G = N // K
    scale = float(1.0 / np.sqrt(H)) if scale is None else scale  # weak: keeps float32 float32
    qg = fnp.reshape(q, (B, T, K, G, H))
    logits = fnp.einsum("btkgh,bskh->bkgts", qg, k) * scale
    logits = fnp.reshape(logits, (B, N, T, S))
    if bias is not None:
        logits = logits + bias
    keep = None
    if mask is not None:
        keep = fnp.asarray(mask)
    if is_causal or local_window_size is not None:
        ti = np.arange(T)[:, None]
        si = np.arange(S)[None, :]
        m = np.ones((T, S), bool)
        if is_causal:
            m &= si <= ti
        if local_window_size is not None:
            lw = ((local_window_size, local_window_size) if isinstance(local_window_size, int)
                  else tuple(local_window_size))
            m &= (si >= ti - lw[0]) & (si <= ti + lw[1])
        keep = m if keep is None else fnp.logical_and(keep, m)
    if query_seq_lengths is not None:
        qm = fnp.less(np.arange(T)[None, :], fnp.asarray(query_seq_lengths)[:, None])
        qm = fnp.reshape(qm, (B, 1, T, 1))
        keep = qm if keep is None else fnp.logical_and(keep, qm)
    if key_value_seq_lengths is not None:
        km = fnp.less(np.arange(S)[None, :], fnp.asarray(key_value_seq_lengths)[:, None])
        km = fnp.reshape(km, (B, 1, 1, S))
        keep = km if keep is None else fnp.logical_and(keep, km)
    if keep is not None:
        big_neg = np.asarray(np.finfo(get_aval(logits).dtype).min * 0.7,
                             get_aval(logits).dtype)
        logits = fnp.where(keep, logits, big_neg)
    probs = softmax(logits, axis=-1)
    pg = fnp.reshape(probs, (B, K, G, T, S))
    out = fnp.reshape(fnp.einsum("bkgts,bskh->btkgh", pg, v), (B, T, N, H))
    if unbatched:
        out = out[0]
    return out
