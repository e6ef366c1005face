"""Samplers of fungrad.random, compositions of fungrad.numpy / fungrad.lax operations on the bits
of fungrad.random._keys.

Where JAX's algorithm is a fixed sequence of operations (uniform, normal, randint, bernoulli,
gumbel, categorical, permutation, choice, exponential, laplace, logistic, cauchy, ...) the same
sequence is computed here, so values equal JAX's for the same key and dtype (float32 bit for bit;
float64 as JAX with jax_enable_x64). Rejection samplers (gamma and everything built on it,
poisson, binomial) are fungrad's own vectorized loops over the whole array: they draw from the
same distributions, not the same values.

Defaults follow numpy (and JAX with jax_enable_x64): float64, int64. Pass dtype=np.float32 or
np.int32 to get JAX's default-mode values.

Imports: numpy, lax (public facades), _api, _core, _lax.
"""
from __future__ import annotations

from typing import Sequence

from fungrad._core.typing import Array, ArrayLike, DTypeLike, Shape
import functools
import math

import numpy as np

from fungrad import numpy as fnp
from fungrad._api.control import while_loop
from fungrad._api.custom import custom_jvp
from fungrad._core.errors import ShapeError
from fungrad._core.trace import get_aval
from fungrad._lax import convert_element_type, rem, stop_gradient
from fungrad._lax.linalg_decomp import cholesky, eigh, qr, svd
from fungrad._lax.random_bits import random_gamma_grad
from fungrad._lax.special_erf import erf
from fungrad.random._keys import (
    canonical_shape, check_key, hash_words, random_bits, split)
from fungrad.random._special import erf_inv
from fungrad.numpy.reductions import normalize_axis

try:  # the sort primitives, where present: O(n log n); else a comparison-count composition
    from fungrad._lax.sorting import argsort as _lax_argsort
except ImportError:  # pragma: no cover - depends on the tree
    _lax_argsort = None  # type: ignore[assignment]

_UINT = {8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}


# ---- argument helpers
def _float_dtype(dtype, fname, allow_complex=False):
    dtype = np.dtype(np.float64 if dtype is None else dtype)
    if dtype.kind != "f" and not (allow_complex and dtype.kind == "c"):
        raise TypeError(f"{fname}: dtype must be a floating-point type, got {dtype.name}; "
                        "pass e.g. dtype=np.float32 (JAX's default) or np.float64.")
    return dtype


def _int_dtype(dtype, fname):
    dtype = np.dtype(np.int64 if dtype is None else dtype)
    if dtype.kind not in "iu":
        raise TypeError(f"{fname}: dtype must be an integer type, got {dtype.name}.")
    return dtype


def _shape(x):
    return get_aval(x).shape if not isinstance(x, (int, float, bool)) else ()


def _result_shape(fname, shape, *params):
    """`shape`, or the broadcast shape of the parameters if it is None; parameters must
    broadcast to `shape`."""
    pshape = np.broadcast_shapes(*[_shape(p) for p in params]) if params else ()
    if shape is None:
        return tuple(pshape)
    shape = canonical_shape(shape, fname)
    try:
        ok = np.broadcast_shapes(shape, pshape) == shape
    except ValueError:
        ok = False
    if not ok:
        shapes = ", ".join(str(_shape(p)) for p in params)
        raise ShapeError(f"{fname}: shape={shape} is not broadcast-compatible with the "
                         f"parameter shapes {shapes}; pass shape=None to use their broadcast.")
    return shape


def _as(x, dtype):
    x = fnp.asarray(x)
    return convert_element_type(x, dtype)


def _split2(key):
    keys = split(key)
    return keys[0], keys[1]


# ---- uniform and friends
def _unit_floats(key, shape, dtype):
    """Floats in [0, 1) from the top mantissa-width bits (JAX: bits >> (nbits - nmant), as the
    mantissa of a float in [1, 2), minus 1). Computed exactly in float64 arithmetic."""
    w0, w1 = hash_words(key, shape)
    f64 = np.float64
    if dtype == np.float64:  # 64 bits w0:w1, top 52 kept
        hi = convert_element_type(w0, f64)
        lo = convert_element_type(w1, f64)
        m = hi * f64(2.0 ** 20) + fnp.floor(lo * f64(2.0 ** -12))
        return m * f64(2.0 ** -52)
    info = np.finfo(dtype)
    nbits, nmant = info.bits, info.nmant
    x = fnp.bitwise_xor(w0, w1)
    if nbits != 32:
        x = convert_element_type(x, _UINT[nbits])
    m = fnp.floor(convert_element_type(x, f64) * f64(2.0 ** -(nbits - nmant)))
    return convert_element_type(m * f64(2.0 ** -nmant), dtype)


def uniform(key: ArrayLike, shape: Shape = (), dtype: DTypeLike | None = None, minval: ArrayLike = 0.0,
            maxval: ArrayLike = 1.0) -> Array:
    """Uniform floats in [minval, maxval), equal to jax.random.uniform for the same key and
    dtype. Default dtype float64 (JAX's is float32 unless jax_enable_x64).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.uniform(key, (2,), minval=-1.0, maxval=1.0)
    array([-0.16308578, -0.56740909])
    """
    key = check_key(key, "uniform")
    dtype = _float_dtype(dtype, "uniform")
    shape = canonical_shape(shape, "uniform")
    return _uniform(key, shape, dtype, minval, maxval)


def _uniform(key, shape, dtype, minval, maxval):
    minval = _as(minval, dtype)
    maxval = _as(maxval, dtype)
    floats = _unit_floats(key, shape, dtype)
    out = fnp.maximum(minval, floats * (maxval - minval) + minval)
    return fnp.broadcast_to(out, shape) if get_aval(out).shape != shape else out


def normal(key: ArrayLike, shape: Shape = (), dtype: DTypeLike | None = None) -> Array:
    """Standard normal samples sqrt(2) erfinv(u), u uniform on (-1, 1), as jax.random.normal
    (complex dtypes: independent real and imaginary parts of variance 1/2).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.normal(key, (2,))
    array([-0.20584214, -0.78476578])
    """
    key = check_key(key, "normal")
    dtype = _float_dtype(dtype, "normal", allow_complex=True)
    return _normal(key, canonical_shape(shape, "normal"), dtype)


def _normal(key, shape, dtype):
    if dtype.kind == "c":
        real = np.dtype(np.finfo(dtype).dtype)
        k_re, k_im = _split2(key)
        re = convert_element_type(_normal(k_re, shape, real), dtype)
        im = convert_element_type(_normal(k_im, shape, real), dtype)
        return (re + 1j * im) / np.asarray(np.sqrt(2), real)
    lo = np.nextafter(np.asarray(-1.0, dtype), np.asarray(0.0, dtype))
    u = _uniform(key, shape, dtype, lo, 1.0)
    return np.asarray(np.sqrt(2), dtype) * erf_inv(u)


def _clip_convert(val, dtype):
    """`val` (integer) clipped to the range of integer `dtype`, then converted."""
    vd = get_aval(val).dtype
    lo = max(int(np.iinfo(dtype).min), int(np.iinfo(vd).min))
    hi = min(int(np.iinfo(dtype).max), int(np.iinfo(vd).max))
    return convert_element_type(fnp.clip(val, np.asarray(lo, vd), np.asarray(hi, vd)), dtype)


def _safe_rem(a, span):
    """a mod span for unsigned a, span; span == 0 stands for 2**nbits (a unchanged), as XLA."""
    zero = fnp.equal(span, 0)
    return fnp.where(zero, a, rem(a, fnp.where(zero, np.asarray(1, get_aval(span).dtype), span)))


def randint(key: ArrayLike, shape: Shape, minval: ArrayLike, maxval: ArrayLike,
            dtype: DTypeLike | None = None) -> Array:
    """Integers in [minval, maxval), equal to jax.random.randint for the same key and dtype
    (2 * nbits random bits per value, reduced modulo the span). Default dtype int64.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.randint(key, (3,), 0, 10)
    array([5, 1, 5])
    """
    key = check_key(key, "randint")
    dtype = _int_dtype(dtype, "randint")
    shape = _result_shape("randint", shape, minval, maxval)
    minval = fnp.asarray(minval)
    maxval = fnp.asarray(maxval)
    if get_aval(minval).dtype.kind not in "iu":
        minval = convert_element_type(minval, np.int64)
    if get_aval(maxval).dtype.kind not in "iu":
        maxval = convert_element_type(maxval, np.int64)
    top = _clip_convert(np.asarray(np.iinfo(dtype).max, dtype), get_aval(maxval).dtype)
    maxval_out_of_range = fnp.greater(maxval, top)
    minval = _clip_convert(minval, dtype)
    maxval = _clip_convert(maxval, dtype)
    nbits = dtype.itemsize * 8
    udt = np.dtype(_UINT[nbits])
    k1, k2 = _split2(key)
    higher = random_bits(k1, nbits, shape)
    lower = random_bits(k2, nbits, shape)
    with np.errstate(over="ignore"):
        span = convert_element_type(fnp.subtract(maxval, minval), udt)
        one = np.asarray(1, udt)
        span = fnp.where(fnp.less_equal(maxval, minval), one, span)
        span = fnp.where(fnp.logical_and(maxval_out_of_range, fnp.greater(maxval, minval)),
                         span + one, span)
        mult = _safe_rem(np.asarray(2 ** (nbits // 2), udt), span)
        mult = _safe_rem(mult * mult, span)
        offset = _safe_rem(higher, span) * mult + _safe_rem(lower, span)
        offset = _safe_rem(offset, span)
        out = minval + convert_element_type(offset, dtype)
    return fnp.broadcast_to(out, shape) if get_aval(out).shape != shape else out


def bernoulli(key: ArrayLike, p: ArrayLike = 0.5, shape: Shape | None = None, mode: str = "low") -> Array:
    """Booleans true with probability p: uniform(key, shape, dtype of p) < p, as JAX. A Python
    float p is float64 (JAX: float32); pass np.float32(p) for JAX's default-mode values.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.bernoulli(key, 0.5, (4,))
    array([ True,  True, False, False])
    """
    key = check_key(key, "bernoulli")
    p = fnp.asarray(p)
    if get_aval(p).dtype.kind != "f":
        p = convert_element_type(p, np.float64)
    dtype = get_aval(p).dtype
    shape = _result_shape("bernoulli", shape, p)
    if mode == "high":
        u = _uniform(key, (2, *shape), dtype, 0.0, 1.0)
        u1, u2 = u[0], u[1] * np.asarray(2.0 ** -np.finfo(dtype).nmant, dtype)
        return fnp.less(u2, p - u1)
    if mode != "low":
        raise ValueError(f"bernoulli: mode must be 'low' or 'high', got {mode!r}.")
    return fnp.less(_uniform(key, shape, dtype, 0.0, 1.0), p)


def rademacher(key: ArrayLike, shape: Shape = (), dtype: DTypeLike | None = None) -> Array:
    """Random signs +1/-1 (integers by default, as JAX), from bernoulli(key, 0.5).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.rademacher(key, (2,))
    array([1, 1])
    """
    key = check_key(key, "rademacher")
    dtype = np.dtype(np.int64 if dtype is None else dtype)
    b = convert_element_type(bernoulli(key, 0.5, canonical_shape(shape, "rademacher")), dtype)
    return convert_element_type(2 * b - 1, dtype)


def gumbel(key: ArrayLike, shape: Shape = (), dtype: DTypeLike | None = None,
           mode: str | None = None) -> Array:
    """Standard Gumbel samples -log(-log(u)), as jax.random.gumbel (mode 'low', the default, and
    'high', which spends two uniforms per sample for resolution near 1).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.gumbel(key, (2,))
    array([ 0.13790566, -0.42599294])
    """
    key = check_key(key, "gumbel")
    dtype = _float_dtype(dtype, "gumbel")
    return _gumbel(key, canonical_shape(shape, "gumbel"), dtype, mode)


def _gumbel(key, shape, dtype, mode):
    info = np.finfo(dtype)
    if mode in (None, "low"):
        u = _uniform(key, shape, dtype, info.tiny, 1.0)
        return -fnp.log(-fnp.log(u))
    if mode == "high":
        hl = _uniform(key, (2, *shape), dtype, 0.0, 1.0)
        high, low = hl[0], hl[1]
        x = fnp.where(fnp.greater_equal(high, 0.5), high,
                      high + np.asarray(2.0 ** -info.nmant, dtype) * low
                      + np.asarray(info.tiny, dtype))
        return -fnp.log(-fnp.log1p(-x))
    raise ValueError(f"gumbel: mode must be None, 'low' or 'high', got {mode!r} "
                     "('highest' is not implemented in fungrad).")


def categorical(key: ArrayLike, logits: ArrayLike, axis: int | Sequence[int] = -1, shape: Shape | None = None,
                replace: bool = True, mode: str | None = None) -> Array:
    """Samples of category indices with log-probabilities `logits` along `axis`: argmax of
    logits + Gumbel noise, as jax.random.categorical (replace=False: the Gumbel top-k).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.categorical(key, fg.numpy.log(fg.numpy.array([0.1, 0.2, 0.7])), shape=(5,))
    array([2, 2, 2, 1, 1])
    """
    key = check_key(key, "categorical")
    logits = fnp.asarray(logits)
    lshape = get_aval(logits).shape
    if get_aval(logits).dtype.kind != "f":
        logits = convert_element_type(logits, np.float64)
    nd = len(lshape)
    if nd == 0:
        raise ValueError("categorical: logits must have at least one axis.")
    axis = normalize_axis(axis, nd)
    batch_shape = lshape[:axis] + lshape[axis + 1:]
    if shape is None:
        shape = batch_shape
    else:
        shape = canonical_shape(shape, "categorical")
        if np.broadcast_shapes(shape[len(shape) - len(batch_shape):], batch_shape) != tuple(
                shape[len(shape) - len(batch_shape):]):
            raise ValueError(f"categorical: shape {shape} does not end in a shape compatible "
                             f"with the batch shape of logits {batch_shape}.")
    prefix = shape[:len(shape) - len(batch_shape)]
    dtype = get_aval(logits).dtype
    if replace:
        neg_axis = axis - nd
        gshape = list(shape[len(shape) - len(batch_shape):])
        gshape.insert(axis, lshape[axis])
        g = _gumbel(key, (*prefix, *gshape), dtype, mode)
        lg = fnp.reshape(logits, (1,) * len(prefix) + lshape)
        return fnp.argmax(g + lg, axis=neg_axis)
    k = math.prod(prefix)
    if k > lshape[axis]:
        raise ValueError(f"categorical: number of samples without replacement ({k}) cannot "
                         f"exceed the number of categories ({lshape[axis]}).")
    noisy = fnp.moveaxis(logits + _gumbel(key, lshape, dtype, mode), axis, -1)
    idx = _argsort(noisy, descending=True)[..., :k]          # batch_shape + (k,)
    idx = convert_element_type(idx, np.int32)                 # top_k's index dtype, as JAX
    return fnp.reshape(fnp.moveaxis(idx, -1, 0), shape)


# ---- sorting-based samplers
def _argsort(x, descending=False):
    """Stable argsort along the last axis (ties keep index order, as XLA's stable sort)."""
    if _lax_argsort is not None:
        return _lax_argsort(x, get_aval(x).ndim - 1, descending)
    # comparison counting: rank_i = #{j: x_j before x_i}; O(n^2) work and memory
    n = get_aval(x).shape[-1]
    xi, xj = x[..., :, None], x[..., None, :]
    before = fnp.greater(xj, xi) if descending else fnp.less(xj, xi)
    tie_before = fnp.logical_and(fnp.equal(xj, xi), np.tri(n, k=-1, dtype=bool))
    rank = fnp.sum(fnp.logical_or(before, tie_before), axis=-1)
    onehot = fnp.equal(rank[..., None, :], np.arange(n)[:, None])
    return fnp.argmax(onehot, axis=-1)


def _take_last(x, idx):
    """x[..., idx[..., i]] along the last axis, per leading position (take_along_axis)."""
    shape = get_aval(x).shape
    n = shape[-1]
    lead = math.prod(shape[:-1])
    flat = fnp.reshape(x, (lead * n,))
    offs = np.arange(lead).reshape(shape[:-1] + (1,)) * n
    return fnp.take(flat, fnp.reshape(idx + offs, (-1,))).reshape(get_aval(idx).shape)


def _shuffle(key, x, axis):
    size = get_aval(x).size
    rounds = int(np.ceil(3 * np.log(max(1, size)) / np.log(np.iinfo(np.uint32).max)))
    x = fnp.moveaxis(x, axis, -1)
    shape = get_aval(x).shape
    for _ in range(rounds):
        key, sub = _split2(key)
        sort_keys = random_bits(sub, 32, tuple(np.moveaxis(np.empty(shape, bool), -1, axis).shape))
        sort_keys = fnp.moveaxis(sort_keys, axis, -1)
        x = _take_last(x, _argsort(sort_keys))
    return fnp.moveaxis(x, -1, axis)


def permutation(key: ArrayLike, x: ArrayLike, axis: int | Sequence[int] = 0,
                independent: bool = False) -> Array:
    """A random permutation of range(x) (int x) or of x along `axis`, as jax.random.permutation
    (sort by fresh random 32-bit keys, rounds enough to make collisions negligible).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.permutation(key, 5)
    array([0, 1, 4, 3, 2])
    """
    key = check_key(key, "permutation")
    if isinstance(x, (int, np.integer)):
        return _shuffle(key, np.arange(int(x)), 0)
    x = fnp.asarray(x)
    nd = get_aval(x).ndim
    if nd == 0:
        raise TypeError("permutation: x must be an integer or an array of at least one axis.")
    axis = normalize_axis(axis, nd)
    if independent or nd == 1:
        return _shuffle(key, x, axis)
    ind = _shuffle(key, np.arange(get_aval(x).shape[axis]), 0)
    return fnp.take(x, ind, axis=axis)


def shuffle(key: ArrayLike, x: ArrayLike, axis: int | Sequence[int] = 0) -> Array:
    """Deprecated in JAX in favour of permutation(key, x, axis, independent=True).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.shuffle(key, fg.numpy.arange(5))
    array([0, 1, 4, 3, 2])
    """
    return permutation(key, x, axis, independent=True)


def choice(key: ArrayLike, a: ArrayLike, shape: Shape = (), replace: bool = True, p: ArrayLike | None = None,
           axis: int | Sequence[int] = 0, mode: str | None = None) -> Array:
    """Random samples from a (an int n means range(n)), as jax.random.choice: uniform indices
    via randint, without replacement via permutation, with weights p via inverse CDF (with
    replacement) or the Gumbel top-k (without).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.choice(key, 10, (3,), replace=False)
    array([0, 1, 8])
    """
    key = check_key(key, "choice")
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"choice: shape must be a sequence, got {shape!r}.")
    shape = canonical_shape(shape, "choice")
    scalar = isinstance(a, (int, np.integer)) or (not hasattr(a, "shape") and np.ndim(a) == 0)
    arr = None if scalar else fnp.asarray(a)
    if scalar:
        n = int(a)
    else:
        axis = normalize_axis(axis, get_aval(arr).ndim)
        n = get_aval(arr).shape[axis]
    draws = math.prod(shape)
    if draws == 0:
        return np.zeros(shape, np.int64 if scalar else get_aval(arr).dtype)
    if n <= 0:
        raise ValueError("choice: a must be greater than 0 unless no samples are taken.")
    if not replace and draws > n:
        raise ValueError(f"choice: cannot take a larger sample (size {draws}) than the "
                         f"population (size {n}) when replace=False.")
    if p is None:
        if replace:
            ind = randint(key, shape, 0, n)
            result = ind if scalar else fnp.take(arr, ind, axis=axis)
        else:
            perm = permutation(key, n if scalar else arr, axis)
            idx = (slice(None),) * (0 if scalar else axis) + (slice(draws),)
            result = perm[idx]
    else:
        p = fnp.asarray(p)
        if get_aval(p).dtype.kind != "f":
            p = convert_element_type(p, np.float64)
        if get_aval(p).shape != (n,):
            raise ValueError(f"choice: p must be None or a 1-D vector of length {n} (the size "
                             f"of a along axis), got shape {get_aval(p).shape}.")
        if replace:
            # (JAX's cumsum sums in a different order on CPU; the draws differ only where r
            # falls within rounding of a boundary)
            cum = fnp.cumsum(p)
            dtype = get_aval(cum).dtype
            r = cum[-1] * (1 - _uniform(key, shape, dtype, 0.0, 1.0))
            ind = fnp.sum(fnp.less(cum, r[..., None]), axis=-1)
        else:
            g = _gumbel(key, (n,), get_aval(p).dtype, mode) + fnp.log(p)
            ind = _argsort(g, descending=True)[:draws]
        result = ind if scalar else fnp.take(arr, ind, axis=axis)
    if scalar:
        return fnp.reshape(result, shape)
    ashape = get_aval(arr).shape
    return fnp.reshape(result, ashape[:axis] + shape + ashape[axis + 1:])


# ---- transforms of uniforms and normals (JAX's formulas)
def _simple(fname, key, shape, dtype):
    key = check_key(key, fname)
    return key, canonical_shape(shape, fname), _float_dtype(dtype, fname)


def exponential(key: ArrayLike, shape: Shape = (), dtype: DTypeLike | None = None) -> Array:
    """Exponential(1) samples -log1p(-u).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.exponential(key, (2,))
    array([0.54207056, 0.24372319])
    """
    key, shape, dtype = _simple("exponential", key, shape, dtype)
    return -fnp.log1p(-_uniform(key, shape, dtype, 0.0, 1.0))


def laplace(key: ArrayLike, shape: Shape = (), dtype: DTypeLike | None = None) -> Array:
    """Laplace(0, 1) samples sign(u) * log1p(-|u|), u uniform on (-1, 1).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.laplace(key, (2,))
    array([0.17803369, 0.83796278])
    """
    key, shape, dtype = _simple("laplace", key, shape, dtype)
    u = _uniform(key, shape, dtype, -1.0 + np.finfo(dtype).epsneg, 1.0)
    return fnp.sign(u) * fnp.log1p(-fnp.abs(u))


def logistic(key: ArrayLike, shape: Shape = (), dtype: DTypeLike | None = None) -> Array:
    """Standard logistic samples log(u) - log1p(-u).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.logistic(key, (2,))
    array([-0.32911032, -1.28738678])
    """
    key, shape, dtype = _simple("logistic", key, shape, dtype)
    x = _uniform(key, shape, dtype, np.finfo(dtype).tiny, 1.0)
    return fnp.log(x) - fnp.log1p(-x)


def cauchy(key: ArrayLike, shape: Shape = (), dtype: DTypeLike | None = None) -> Array:
    """Standard Cauchy samples tan(pi (u - 1/2)).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.cauchy(key, (2,))
    array([-0.26192951, -1.23784602])
    """
    key, shape, dtype = _simple("cauchy", key, shape, dtype)
    u = _uniform(key, shape, dtype, np.finfo(dtype).eps, 1.0)
    return fnp.tan(np.asarray(np.pi, dtype) * (u - 0.5))


def maxwell(key: ArrayLike, shape: Shape = (), dtype: DTypeLike | None = None) -> Array:
    """Maxwell samples: the norm of 3 standard normals.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.maxwell(key, (2,))
    array([1.98906991, 0.42460738])
    """
    key, shape, dtype = _simple("maxwell", key, shape, dtype)
    z = _normal(key, (*shape, 3), dtype)
    return fnp.sqrt(fnp.sum(z * z, axis=-1))


def double_sided_maxwell(key: ArrayLike, loc: ArrayLike, scale: ArrayLike, shape: Shape = (),
                         dtype: DTypeLike | None = None) -> Array:
    """Double-sided Maxwell samples: a random sign times a Maxwell sample, scaled and shifted.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.double_sided_maxwell(key, 0.0, 1.0, (2,))
    array([ 1.98461204, -2.4782074 ])
    """
    key = check_key(key, "double_sided_maxwell")
    dtype = _float_dtype(dtype, "double_sided_maxwell")
    pshape = tuple(np.broadcast_shapes(_shape(loc), _shape(scale)))
    shape = canonical_shape(shape, "double_sided_maxwell")
    if not shape:
        shape = pshape
    shape = shape + pshape
    k_m, k_r = _split2(key)
    m = maxwell(k_m, shape, dtype)
    sign = rademacher(k_r, shape, dtype)
    return sign * m * _as(scale, dtype) + _as(loc, dtype)


def truncated_normal(key: ArrayLike, lower: ArrayLike, upper: ArrayLike, shape: Shape | None = None,
                     dtype: DTypeLike | None = None) -> Array:
    """Normal samples truncated to (lower, upper), by inverting the CDF (as JAX; erf here is
    scipy's, so values agree with JAX's to a few ulp, not bit for bit).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.truncated_normal(key, -1.0, 1.0, (2,))
    array([-0.13999612, -0.50631466])
    """
    key = check_key(key, "truncated_normal")
    dtype = _float_dtype(dtype, "truncated_normal")
    shape = _result_shape("truncated_normal", shape, lower, upper)
    sqrt2 = np.asarray(np.sqrt(2), dtype)
    lower = _as(lower, dtype)
    upper = _as(upper, dtype)
    a = erf(lower / sqrt2)
    b = erf(upper / sqrt2)
    u = _uniform(key, shape, dtype, a, b)
    out = sqrt2 * erf_inv(u)
    lo, hi = _nextafter(stop_gradient(lower), np.inf), _nextafter(stop_gradient(upper), -np.inf)
    return fnp.clip(out, lo, hi)


def _nextafter(x, to):
    if isinstance(x, np.ndarray):
        return np.nextafter(x, np.asarray(to, x.dtype))
    return x  # traced bound: clipped to the closed interval


def lognormal(key: ArrayLike, sigma: ArrayLike = 1.0, shape: Shape | None = None,
              dtype: DTypeLike | None = None) -> Array:
    """exp(sigma * normal).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.lognormal(key, 0.5, (2,))
    array([0.90219818, 0.67544544])
    """
    key = check_key(key, "lognormal")
    dtype = _float_dtype(dtype, "lognormal")
    shape = _result_shape("lognormal", shape, sigma)
    return fnp.exp(_normal(key, shape, dtype) * _as(sigma, dtype))


def pareto(key: ArrayLike, b: ArrayLike, shape: Shape | None = None, dtype: DTypeLike | None = None) -> Array:
    """Pareto(b) samples exp(exponential / b).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.pareto(key, 3.0, (2,))
    array([1.19804395, 1.08463233])
    """
    key = check_key(key, "pareto")
    dtype = _float_dtype(dtype, "pareto")
    shape = _result_shape("pareto", shape, b)
    return fnp.exp(exponential(key, shape, dtype) / _as(b, dtype))


def weibull_min(key: ArrayLike, scale: ArrayLike, concentration: ArrayLike, shape: Shape = (),
                dtype: DTypeLike | None = None) -> Array:
    """Weibull samples by the inverse CDF: scale * (-log1p(-u)) ** (1 / concentration).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.weibull_min(key, 1.0, 1.5, (2,))
    array([0.6648197, 0.3901796])
    """
    key = check_key(key, "weibull_min")
    dtype = _float_dtype(dtype, "weibull_min")
    shape = canonical_shape(shape, "weibull_min")
    u = _uniform(key, shape, dtype, 0.0, 1.0)
    return fnp.power(-fnp.log1p(-u), 1.0 / _as(concentration, dtype)) * _as(scale, dtype)


def rayleigh(key: ArrayLike, scale: ArrayLike, shape: Shape | None = None,
             dtype: DTypeLike | None = None) -> Array:
    """Rayleigh samples scale * sqrt(-2 log u).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.rayleigh(key, 1.0, (2,))
    array([1.31998551, 1.74991998])
    """
    key = check_key(key, "rayleigh")
    dtype = _float_dtype(dtype, "rayleigh")
    shape = _result_shape("rayleigh", shape, scale)
    u = _uniform(key, shape, dtype, 0.0, 1.0)
    scale = fnp.broadcast_to(_as(scale, dtype), shape)
    return scale * fnp.sqrt(fnp.log(u) * np.asarray(-2, dtype))


def wald(key: ArrayLike, mean: ArrayLike, shape: Shape | None = None,
         dtype: DTypeLike | None = None) -> Array:
    """Wald (inverse Gaussian with unit shape) samples by Michael-Schucany-Haas, as JAX.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.wald(key, 1.0, (2,))
    array([0.18700294, 1.61073217])
    """
    key = check_key(key, "wald")
    dtype = _float_dtype(dtype, "wald")
    shape = _result_shape("wald", shape, mean)
    k1, k2 = _split2(key)
    mean = fnp.broadcast_to(_as(mean, dtype), shape)
    v = _normal(k1, shape, dtype)
    z = _uniform(k2, shape, dtype, 0.0, 1.0)
    y = v * v
    mean_sq = mean * mean
    root = fnp.sqrt(4 * mean * y + mean_sq * (y * y))
    x = mean + mean_sq * y / 2 - mean / 2 * root
    return fnp.where(fnp.less_equal(z, mean / (mean + x)), x, mean_sq / x)


def geometric(key: ArrayLike, p: ArrayLike, shape: Shape | None = None,
              dtype: DTypeLike | None = None) -> Array:
    """Geometric samples (trials until the first success, >= 1): floor(log u / log1p(-p)) + 1.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.geometric(key, 0.3, (3,))
    array([3, 5, 1])
    """
    key = check_key(key, "geometric")
    dtype = _int_dtype(dtype, "geometric")
    shape = _result_shape("geometric", shape, p)
    p = fnp.asarray(p)
    if get_aval(p).dtype.kind != "f":
        p = convert_element_type(p, np.float64)
    u = _uniform(key, shape, get_aval(p).dtype, 0.0, 1.0)
    u = fnp.where(fnp.equal(u, 0), np.asarray(1, get_aval(u).dtype), u)
    g = fnp.floor(fnp.log(u) / fnp.broadcast_to(fnp.log1p(-p), shape)) + 1
    return convert_element_type(g, dtype)


def triangular(key: ArrayLike, left: ArrayLike, mode: ArrayLike, right: ArrayLike, shape: Shape | None = None,
               dtype: DTypeLike | None = None) -> Array:
    """Triangular(left, mode, right) samples by the inverse CDF.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.triangular(key, 0.0, 0.5, 1.0, (2,))
    array([0.45741508, 0.32885822])
    """
    key = check_key(key, "triangular")
    dtype = _float_dtype(dtype, "triangular")
    shape = _result_shape("triangular", shape, left, mode, right)
    left, mode, right = (fnp.broadcast_to(_as(v, dtype), shape) for v in (left, mode, right))
    fc = (mode - left) / (right - left)
    u = _uniform(key, shape, dtype, 0.0, 1.0)
    out1 = left + fnp.sqrt(u * (right - left) * (mode - left))
    out2 = right - fnp.sqrt((1 - u) * (right - left) * (right - mode))
    return fnp.where(fnp.less(u, fc), out1, out2)


def multivariate_normal(key: ArrayLike, mean: ArrayLike, cov: ArrayLike, shape: Shape | None = None,
                        dtype: DTypeLike | None = None, method: str = "cholesky") -> Array:
    """mean + A z with A A^T = cov (method 'cholesky', 'eigh' or 'svd'), z standard normal, as
    jax.random.multivariate_normal.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.multivariate_normal(key, fg.numpy.zeros(2), fg.numpy.eye(2), (3,)).shape
    (3, 2)
    """
    key = check_key(key, "multivariate_normal")
    dtype = _float_dtype(dtype, "multivariate_normal")
    if method not in ("cholesky", "eigh", "svd"):
        raise ValueError(f"multivariate_normal: method must be 'cholesky', 'eigh' or 'svd', "
                         f"got {method!r}.")
    mean = _as(mean, dtype)
    cov = _as(cov, dtype)
    ms, cs = get_aval(mean).shape, get_aval(cov).shape
    if len(ms) < 1 or len(cs) < 2 or cs[-1] != cs[-2] or cs[-1] != ms[-1]:
        raise ValueError(f"multivariate_normal: mean must have shape (..., n) and cov "
                         f"(..., n, n), got {ms} and {cs}.")
    batch = tuple(np.broadcast_shapes(ms[:-1], cs[:-2]))
    shape = batch if shape is None else canonical_shape(shape, "multivariate_normal")
    if method == "svd":
        u, s, _ = svd(cov)
        factor = u * fnp.sqrt(s)[..., None, :]
    elif method == "eigh":
        w, v = eigh(cov)
        factor = v * fnp.sqrt(w)[..., None, :]
    else:
        factor = cholesky(cov)
    z = _normal(key, shape + ms[-1:], dtype)
    return mean + fnp.einsum("...ij,...j->...i", factor, z)


def orthogonal(key: ArrayLike, n: int, shape: Shape = (), dtype: DTypeLike | None = None,
               m: int | None = None) -> Array:
    """Haar-distributed orthogonal (n, m) matrices: Q of the QR of a normal matrix, columns
    signed by diag(R), as jax.random.orthogonal.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> q = fg.random.orthogonal(key, 3)
    >>> bool(fg.numpy.allclose(q @ q.T, fg.numpy.eye(3)))
    True
    """
    key = check_key(key, "orthogonal")
    dtype = _float_dtype(dtype, "orthogonal")
    shape = canonical_shape(shape, "orthogonal")
    m = n if m is None else m
    z = _normal(key, (*shape, max(n, m), min(n, m)), dtype)
    q, r = qr(z)
    d = fnp.diagonal(r, axis1=-2, axis2=-1)
    x = q * fnp.expand_dims(fnp.sign(d), -2)
    return fnp.swapaxes(x, -1, -2) if n < m else x


# ---- gamma family: Marsaglia-Tsang rejection, vectorized over the whole array
def _gamma_impl(key, a, shape, dtype, log_space):
    """Gamma(a) samples (log of them if log_space) by Marsaglia & Tsang (2000), every element
    drawing fresh normals/uniforms each round until all are accepted; a < 1 by the boost
    Gamma(a) = Gamma(a + 1) * U ** (1 / a)."""
    a = fnp.broadcast_to(_as(a, dtype), shape)
    k_boost, key = _split2(key)
    small = fnp.less(a, 1.0)
    alpha = fnp.where(small, a + 1, a)
    d = alpha - np.asarray(1.0 / 3.0, dtype)
    c = np.asarray(1.0 / 3.0, dtype) / fnp.sqrt(d)
    u_boost = 1 - _uniform(k_boost, shape, dtype, 0.0, 1.0)       # (0, 1]
    log_boost = fnp.where(small, fnp.log(u_boost) / fnp.where(small, a, 1.0), 0.0)
    zero = fnp.zeros(shape, dtype)

    def cond(state):
        return fnp.logical_not(fnp.all(state[2]))

    def body(state):
        key, v_out, done = state
        keys = split(key, 3)
        key, k_x, k_u = keys[0], keys[1], keys[2]
        x = _normal(k_x, shape, dtype)
        u = _uniform(k_u, shape, dtype, 0.0, 1.0)
        v = 1 + c * x
        v = v * v * v
        pos = fnp.greater(v, 0)
        safe_v = fnp.where(pos, v, 1.0)
        ok = fnp.logical_and(pos, fnp.less(fnp.log(u), 0.5 * x * x + d - d * safe_v
                                           + d * fnp.log(safe_v)))
        new = fnp.logical_and(ok, fnp.logical_not(done))
        return key, fnp.where(new, safe_v, v_out), fnp.logical_or(done, ok)

    _, v, _ = while_loop(cond, body, (key, fnp.ones(shape, dtype), fnp.equal(zero, 1.0)))
    if log_space:
        return fnp.log(d) + fnp.log(v) + log_boost
    return d * v * fnp.exp(log_boost)


@functools.lru_cache(maxsize=None)
def _gamma_sampler(shape, dtype, log_space):
    """Gamma samples as a function of (a, key) whose derivative in a is the implicit
    reparameterization gradient dx/da = -(dF/da) / f(x; a) at the sample (as JAX's)."""
    @custom_jvp
    def sample(a, key):
        return _gamma_impl(key, a, shape, dtype, log_space)

    @sample.defjvp
    def sample_jvp(primals, tangents):
        a, key = primals
        ta = tangents[0]
        x = _gamma_impl(key, a, shape, dtype, log_space)
        return x, random_gamma_grad(a, x, log_space) * ta

    return sample


def _gamma_args(fname, key, a, shape, dtype):
    key = check_key(key, fname)
    dtype = _float_dtype(dtype, fname)
    shape = _result_shape(fname, shape, a)
    return key, shape, dtype


def gamma(key: ArrayLike, a: ArrayLike, shape: Shape | None = None, dtype: DTypeLike | None = None) -> Array:
    """Gamma(a, 1) samples (Marsaglia-Tsang rejection; the same distribution as JAX's, not the
    same values), differentiable in a by implicit reparameterization (as JAX).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.gamma(key, 2.0, (2,))
    array([3.8988668 , 1.57746063])
    """
    key, shape, dtype = _gamma_args("gamma", key, a, shape, dtype)
    return _gamma_sampler(shape, dtype, False)(fnp.broadcast_to(_as(a, dtype), shape), key)


def loggamma(key: ArrayLike, a: ArrayLike, shape: Shape | None = None,
             dtype: DTypeLike | None = None) -> Array:
    """log of Gamma(a, 1) samples, computed in log space (accurate for small a).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.loggamma(key, 2.0, (2,))
    array([1.36068595, 0.45581636])
    """
    key, shape, dtype = _gamma_args("loggamma", key, a, shape, dtype)
    return _gamma_sampler(shape, dtype, True)(fnp.broadcast_to(_as(a, dtype), shape), key)


def beta(key: ArrayLike, a: ArrayLike, b: ArrayLike, shape: Shape | None = None,
         dtype: DTypeLike | None = None) -> Array:
    """Beta(a, b) samples G_a / (G_a + G_b) from log-gamma samples (no overflow/underflow).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.beta(key, 2.0, 3.0, (2,))
    array([0.21838765, 0.15580262])
    """
    key = check_key(key, "beta")
    dtype = _float_dtype(dtype, "beta")
    shape = _result_shape("beta", shape, a, b)
    k_a, k_b = _split2(key)
    la = loggamma(k_a, fnp.broadcast_to(_as(a, dtype), shape), shape, dtype)
    lb = loggamma(k_b, fnp.broadcast_to(_as(b, dtype), shape), shape, dtype)
    top = fnp.maximum(la, lb)
    ga, gb = fnp.exp(la - top), fnp.exp(lb - top)
    return ga / (ga + gb)


def dirichlet(key: ArrayLike, alpha: ArrayLike, shape: Shape | None = None,
              dtype: DTypeLike | None = None) -> Array:
    """Dirichlet(alpha) samples (alpha's last axis: the categories), a softmax of log-gamma
    samples.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> x = fg.random.dirichlet(key, fg.numpy.ones(3))
    >>> x.shape, float(x.sum().round(12))
    ((3,), 1.0)
    """
    key = check_key(key, "dirichlet")
    dtype = _float_dtype(dtype, "dirichlet")
    ashape = _shape(alpha)
    if len(ashape) < 1:
        raise ValueError(f"dirichlet: alpha must have at least one axis, got shape {ashape}.")
    shape = ashape[:-1] if shape is None else canonical_shape(shape, "dirichlet")
    lg = loggamma(key, _as(alpha, dtype), shape + ashape[-1:], dtype)
    lg = lg - stop_gradient(fnp.max(lg, axis=-1, keepdims=True))
    e = fnp.exp(lg)
    return e / fnp.sum(e, axis=-1, keepdims=True)


def chisquare(key: ArrayLike, df: ArrayLike, shape: Shape | None = None,
              dtype: DTypeLike | None = None) -> Array:
    """Chi-square(df) samples 2 * Gamma(df / 2).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.chisquare(key, 3.0, (2,))
    array([6.28567436, 2.18459514])
    """
    key = check_key(key, "chisquare")
    dtype = _float_dtype(dtype, "chisquare")
    shape = _result_shape("chisquare", shape, df)
    half = _as(df, dtype) / 2
    return fnp.exp(loggamma(key, half, shape, dtype)) * 2


def f(key: ArrayLike, dfnum: ArrayLike, dfden: ArrayLike, shape: Shape | None = None,
      dtype: DTypeLike | None = None) -> Array:
    """F(dfnum, dfden) samples, a ratio of scaled chi-squares.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.f(key, 3.0, 5.0, (2,))
    array([1.97977029, 3.71883544])
    """
    key = check_key(key, "f")
    dtype = _float_dtype(dtype, "f")
    shape = _result_shape("f", shape, dfnum, dfden)
    k_d, k_n = _split2(key)
    dfnum, dfden = _as(dfnum, dtype), _as(dfden, dtype)
    return (chisquare(k_n, dfnum, shape, dtype) / dfnum) / (chisquare(k_d, dfden, shape, dtype)
                                                           / dfden)


def t(key: ArrayLike, df: ArrayLike, shape: Shape | None = None, dtype: DTypeLike | None = None) -> Array:
    """Student t(df) samples normal * sqrt((df / 2) / Gamma(df / 2)).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.t(key, 4.0, (2,))
    array([ 1.87267672, -0.35611052])
    """
    key = check_key(key, "t")
    dtype = _float_dtype(dtype, "t")
    shape = _result_shape("t", shape, df)
    k_n, k_g = _split2(key)
    half = _as(df, dtype) / 2
    n = _normal(k_n, shape, dtype)
    g = gamma(k_g, half, shape, dtype)
    return n * fnp.sqrt(half / g)


def generalized_normal(key: ArrayLike, p: ArrayLike, shape: Shape = (),
                       dtype: DTypeLike | None = None) -> Array:
    """Samples of density proportional to exp(-|x|^p): sign * Gamma(1/p) ** (1/p).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.generalized_normal(key, 2.0, (2,))
    array([ 0.60892467, -0.1345288 ])
    """
    key = check_key(key, "generalized_normal")
    dtype = _float_dtype(dtype, "generalized_normal")
    shape = canonical_shape(shape, "generalized_normal")
    k_g, k_r = _split2(key)
    g = gamma(k_g, 1 / _as(p, dtype), shape, dtype)
    r = rademacher(k_r, shape, dtype)
    return r * g ** (1 / _as(p, dtype))


def ball(key: ArrayLike, d: int, p: float = 2, shape: Shape = (),
         dtype: DTypeLike | None = None) -> Array:
    """Uniform samples from the unit p-ball in d dimensions (Barthe et al. 2005).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.ball(key, 2).shape
    (2,)
    """
    key = check_key(key, "ball")
    dtype = _float_dtype(dtype, "ball")
    shape = canonical_shape(shape, "ball")
    k_g, k_e = _split2(key)
    g = generalized_normal(k_g, p, (*shape, d), dtype)
    e = exponential(k_e, shape, dtype)
    return g / ((fnp.sum(fnp.abs(g) ** p, axis=-1) + e) ** (1 / p))[..., None]


# ---- discrete rejection samplers
_LOG_FACT_SMALL = np.array([math.lgamma(k + 1.0) for k in range(16)])


def _log_factorial(k):
    """log(k!) for integer-valued float k >= 0: a table below 16, Stirling's series above
    (absolute error < 1e-15 there)."""
    dtype = get_aval(k).dtype
    table = np.asarray(_LOG_FACT_SMALL, dtype)
    small = fnp.less(k, 16.0)
    idx = convert_element_type(fnp.clip(k, 0.0, 15.0), np.int64)
    z = fnp.where(small, 16.0, k) + 1
    iz = 1 / z
    iz2 = iz * iz
    series = ((z - 0.5) * fnp.log(z) - z + 0.5 * np.log(2 * np.pi)
              + iz * (1 / 12 - iz2 * (1 / 360 - iz2 * (1 / 1260 - iz2 / 1680))))
    return fnp.where(small, fnp.take(table, idx), series)


def _poisson_knuth(key, lam, shape):
    dtype = get_aval(lam).dtype

    def cond(s):
        return fnp.any(fnp.greater(s[2], -lam))

    def body(s):
        key, k, log_prod = s
        key, sub = _split2(key)
        active = fnp.greater(log_prod, -lam)
        u = _uniform(sub, shape, dtype, 0.0, 1.0)
        return (key, fnp.where(active, k + 1, k),
                fnp.where(active, log_prod + fnp.log(u), log_prod))

    zero = fnp.zeros(shape, dtype)
    _, k, _ = while_loop(cond, body, (key, zero, zero))
    return k - 1


def _poisson_ptrs(key, lam, shape):
    """Hormann's transformed rejection with squeeze (PTRS, 1993), for lam >= 10."""
    dtype = get_aval(lam).dtype
    log_lam = fnp.log(lam)
    b = 0.931 + 2.53 * fnp.sqrt(lam)
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)

    def cond(s):
        return fnp.logical_not(fnp.all(s[2]))

    def body(s):
        key, k_out, done = s
        keys = split(key, 3)
        key, k1, k2 = keys[0], keys[1], keys[2]
        u = _uniform(k1, shape, dtype, 0.0, 1.0) - 0.5
        v = _uniform(k2, shape, dtype, 0.0, 1.0)
        us = 0.5 - fnp.abs(u)
        k = fnp.floor((2 * a / us + b) * u + lam + 0.43)
        quick = fnp.logical_and(fnp.greater_equal(us, 0.07), fnp.less_equal(v, v_r))
        reject = fnp.logical_or(fnp.less(k, 0),
                                fnp.logical_and(fnp.less(us, 0.013), fnp.greater(v, us)))
        kk = fnp.maximum(k, 0.0)
        lhs = fnp.log(v) + fnp.log(inv_alpha) - fnp.log(a / (us * us) + b)
        rhs = -lam + kk * log_lam - _log_factorial(kk)
        ok = fnp.logical_or(quick, fnp.logical_and(fnp.logical_not(reject),
                                                   fnp.less_equal(lhs, rhs)))
        new = fnp.logical_and(ok, fnp.logical_not(done))
        return key, fnp.where(new, k, k_out), fnp.logical_or(done, ok)

    zero = fnp.zeros(shape, dtype)
    _, k, _ = while_loop(cond, body, (key, zero, fnp.equal(zero, 1.0)))
    return k


def poisson(key: ArrayLike, lam: ArrayLike, shape: Shape | None = None,
            dtype: DTypeLike | None = None) -> Array:
    """Poisson(lam) samples: Knuth's product of uniforms for lam < 10, Hormann's PTRS rejection
    above (JAX's choice of algorithms; the same distribution, not the same values).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.poisson(key, 4.0, (3,))
    array([4, 3, 1])
    """
    key = check_key(key, "poisson")
    dtype = _int_dtype(dtype, "poisson")
    shape = _result_shape("poisson", shape, lam)
    lam = fnp.broadcast_to(stop_gradient(_as(lam, np.float64)), shape)
    k1, k2 = _split2(key)
    small = fnp.less(lam, 10.0)
    knuth = _poisson_knuth(k1, fnp.where(small, lam, 0.0), shape)
    ptrs = _poisson_ptrs(k2, fnp.where(small, 10.0, lam), shape)
    out = fnp.where(small, knuth, ptrs)
    return convert_element_type(fnp.where(fnp.equal(lam, 0), 0.0, out), dtype)


def _binomial_inversion(key, n, p, shape):
    """Count of geometric waiting times (trials to a success) that fit in n trials."""
    dtype = get_aval(p).dtype
    log1mp = fnp.log1p(-p)

    def cond(s):
        return fnp.any(fnp.less_equal(s[2], n))

    def body(s):
        key, count, total = s
        key, sub = _split2(key)
        u = _uniform(sub, shape, dtype, 0.0, 1.0)
        u = fnp.where(fnp.equal(u, 0), 0.5, u)
        geom = fnp.ceil(fnp.log(u) / log1mp)
        active = fnp.less_equal(total, n)
        return key, fnp.where(active, count + 1, count), fnp.where(active, total + geom, total)

    zero = fnp.zeros(shape, dtype)
    _, count, _ = while_loop(cond, body, (key, zero, zero))
    return count - 1


def _stirling_tail(k):
    """log(k!) - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2]."""
    return _log_factorial(k) - ((k + 0.5) * fnp.log(k + 1) - (k + 1) + 0.5 * np.log(2 * np.pi))


def _binomial_btrs(key, n, p, shape):
    """Hormann's BTRS transformed rejection (1993), for n p >= 10, p <= 1/2."""
    dtype = get_aval(p).dtype
    sd = fnp.sqrt(n * p * (1 - p))
    b = 1.15 + 2.53 * sd
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    r = p / (1 - p)
    alpha = (2.83 + 5.1 / b) * sd
    m = fnp.floor((n + 1) * p)

    def cond(s):
        return fnp.logical_not(fnp.all(s[2]))

    def body(s):
        key, k_out, done = s
        keys = split(key, 3)
        key, k1, k2 = keys[0], keys[1], keys[2]
        u = _uniform(k1, shape, dtype, 0.0, 1.0) - 0.5
        v = _uniform(k2, shape, dtype, 0.0, 1.0)
        us = 0.5 - fnp.abs(u)
        k = fnp.floor((2 * a / us + b) * u + c)
        quick = fnp.logical_and(fnp.greater_equal(us, 0.07), fnp.less_equal(v, v_r))
        inside = fnp.logical_and(fnp.greater_equal(k, 0), fnp.less_equal(k, n))
        kk = fnp.clip(k, 0.0, n)
        lhs = fnp.log(v * alpha / (a / (us * us) + b))
        bound = ((m + 0.5) * fnp.log((m + 1) / (r * (n - m + 1)))
                 + (n + 1) * fnp.log((n - m + 1) / (n - kk + 1))
                 + (kk + 0.5) * fnp.log(r * (n - kk + 1) / (kk + 1))
                 + _stirling_tail(m) + _stirling_tail(n - m)
                 - _stirling_tail(kk) - _stirling_tail(n - kk))
        ok = fnp.logical_or(quick, fnp.logical_and(inside, fnp.less_equal(lhs, bound)))
        ok = fnp.logical_and(ok, inside)
        new = fnp.logical_and(ok, fnp.logical_not(done))
        return key, fnp.where(new, k, k_out), fnp.logical_or(done, ok)

    zero = fnp.zeros(shape, dtype)
    _, k, _ = while_loop(cond, body, (key, zero, fnp.equal(zero, 1.0)))
    return k


def binomial(key: ArrayLike, n: ArrayLike, p: ArrayLike, shape: Shape | None = None,
             dtype: DTypeLike | None = None) -> Array:
    """Binomial(n, p) samples as floats (as JAX): inversion by geometric waiting times for
    n p < 10, BTRS rejection above; p > 1/2 by symmetry. Same distribution as JAX, not the same
    values.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.binomial(key, 10, 0.5, (3,))
    array([5., 4., 5.])
    """
    key = check_key(key, "binomial")
    dtype = _float_dtype(dtype, "binomial")
    shape = _result_shape("binomial", shape, n, p)
    n = fnp.broadcast_to(stop_gradient(_as(n, dtype)), shape)
    p = fnp.broadcast_to(stop_gradient(_as(p, dtype)), shape)
    flip = fnp.greater(p, 0.5)
    q = fnp.where(flip, 1 - p, p)
    valid = fnp.logical_and(fnp.greater(q, 0), fnp.greater(n, 0))
    q_safe = fnp.where(valid, q, 0.5)
    n_safe = fnp.where(valid, n, 0.0)
    small = fnp.less(n_safe * q_safe, 10.0)
    k1, k2 = _split2(key)
    inv = _binomial_inversion(k1, fnp.where(small, n_safe, 0.0), q_safe, shape)
    big = _binomial_btrs(k2, fnp.where(small, 100.0, n_safe), fnp.where(small, 0.5, q_safe),
                         shape)
    x = fnp.where(small, inv, big)
    x = fnp.where(valid, x, 0.0)
    x = fnp.where(flip, n - x, x)
    bad = fnp.logical_or(fnp.logical_or(fnp.less(p, 0), fnp.greater(p, 1)), fnp.less(n, 0))
    return fnp.where(bad, np.nan, x)


def multinomial(key: ArrayLike, n: ArrayLike, p: ArrayLike, *, shape: Shape | None = None,
                dtype: DTypeLike | None = None, unroll: int | bool = 1) -> Array:
    """Multinomial(n, p) counts (p's last axis: the categories), as conditional binomials.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.multinomial(key, 10, fg.numpy.array([0.2, 0.3, 0.5]))
    array([1., 3., 6.])
    """
    key = check_key(key, "multinomial")
    dtype = _float_dtype(dtype, "multinomial")
    p = _as(p, dtype)
    pshape = get_aval(p).shape
    if len(pshape) < 1:
        raise ValueError("multinomial: p must have at least one axis (the categories).")
    ncat = pshape[-1]
    if shape is None:
        shape = tuple(np.broadcast_shapes(_shape(n), pshape[:-1]))
    else:
        shape = canonical_shape(shape, "multinomial")
    remaining = fnp.broadcast_to(_as(n, dtype), shape)
    mass = fnp.ones(shape, dtype)
    keys = split(key, ncat)
    counts = []
    for i in range(ncat - 1):
        pi = fnp.broadcast_to(p[..., i], shape)
        prob = fnp.clip(pi / fnp.where(fnp.greater(mass, 0), mass, 1.0), 0.0, 1.0)
        c = binomial(keys[i], remaining, prob, shape, dtype)
        counts.append(c)
        remaining = remaining - c
        mass = mass - pi
    counts.append(remaining)
    return fnp.stack(counts, axis=-1)
