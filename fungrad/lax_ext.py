"""The rest of JAX's everyday jax.lax, as compositions of fungrad's primitives (re-exported by
fungrad.lax; a public facade module).

Every function here is a composition: its derivatives, batching and jit code come from the
primitives it binds (getitem / scatter for the indexing family, argsort for sorting, select /
max / min for clamps, ...). Where no composition is exact the primitive lives in fungrad._lax
(bits.bitcast_convert_type, bits.reduce_precision, cumulative.*, sorting.*, special.*).

Differences from JAX, by design:
- Precision, preferred_element_type (applied as a conversion), out_sharding, is_stable (sorting
  is always stable), indices_are_sorted / unique_indices are accepted and have no effect.
- lax.gather defaults to mode "clip" and the scatters to "drop" (JAX's observed defaults);
  "promise_in_bounds" is treated as "clip".
- custom_linear_solve differentiates through `solve` traced as a linear function of its
  right-hand side (true of direct solvers); iterative solvers built on while_loop need a
  custom_vjp instead.
- approx_max_k / approx_min_k are exact (top_k): one CPU device.
- The `scatter_add(operand, updates, spec, arrays)` form of fungrad's numpy-style indexing is
  still accepted (a tuple index spec instead of ScatterDimensionNumbers).

Imports: _core, _lax, _api.custom, _api.control.
"""
from __future__ import annotations

from typing import Any, Sequence

from fungrad._core.docs import add_examples as _add_examples
from fungrad._core.typing import Array, ArrayLike, DTypeLike, Fun, Shape
import builtins
import enum
import functools
from typing import NamedTuple

import numpy as np

from fungrad import _lax as L
from fungrad._api.control import fori_loop as _fori_loop
from fungrad._api.custom import custom_jvp as _custom_jvp
from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.trace import Tracer, get_aval
from fungrad._core.tree import tree_flatten, tree_unflatten
from fungrad._lax import _args as _A
from fungrad._lax import api as _api
from fungrad._lax import complex_parts as _cp
from fungrad._lax import cumulative as _cum
from fungrad._lax import scatter as _sc
from fungrad._lax import sorting as _sort
from fungrad._lax import special as _sp
from fungrad._lax import ufuncs as _uf
from fungrad._lax._along_axis import take_along_axis as _take_along_axis
from fungrad._lax.bits import bitcast_convert_type, reduce_precision  # noqa: F401
from fungrad._lax.conv import ConvDimensionNumbers as _ConvDimensionNumbers
from fungrad._lax.indexing import getitem_p as _getitem_p
from fungrad._lax.indexing import scatter_add_p as _scatter_add_p
from fungrad._lax.random_bits import random_gamma_grad  # noqa: F401
from fungrad._lax.special_erf import erf as _erf  # noqa: F401

__all__ = []  # names are listed explicitly by fungrad.lax


def _aval(x):
    return get_aval(x)


def _arr(x):
    """A concrete operand as an ndarray (tracers unchanged); None, strings and other objects
    that are no arrays of numbers raise a TypeError, as in jax.lax."""
    if isinstance(x, Tracer):
        return x
    a = np.asarray(x)
    if a.dtype.kind in "OSUV":
        raise TypeError(f"fungrad.lax: {type(x).__name__} {x!r:.40} is not a valid operand; pass "
                        "an array of numbers or booleans (or a Python number).")
    return a


def _concrete(x):
    return not isinstance(x, Tracer)


def _c(v, like):
    return np.asarray(v, _aval(like).dtype)


def _axis(axis, ndim, name, fn):
    return _A.axis(axis, ndim, name, fn)


# ------------------------------------------------------------------ enums and dimension numbers
class Precision(enum.Enum):
    """Matmul precision (accepted for compatibility; numpy computes in the operands' dtype)."""
    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2

    def __str__(self):
        return self.name


PrecisionLike = object  # a Precision, a string, a pair of them, or None


class RoundingMethod(enum.IntEnum):
    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


class GatherScatterMode(enum.Enum):
    """How gather / scatter treat out-of-bounds indices."""
    CLIP = 1
    FILL_OR_DROP = 2
    PROMISE_IN_BOUNDS = 3
    ONE_HOT = 4

    @staticmethod
    def from_any(s):
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s in ("fill", "drop"):
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        raise ValueError(f"unknown gather/scatter mode {s!r}: use 'clip', 'fill', 'drop' or "
                         "'promise_in_bounds'")


class FftType(enum.IntEnum):
    FFT = 0
    IFFT = 1
    RFFT = 2
    IRFFT = 3


class RandomAlgorithm(enum.IntEnum):
    RNG_DEFAULT = 0
    RNG_THREE_FRY = 1
    RNG_PHILOX = 2


class DotAlgorithmPreset(enum.Enum):
    """Accepted for compatibility: numpy's matmul in the operands' dtype is the only algorithm."""
    DEFAULT = 0
    ANY_F8_ANY_F8_F32 = 1
    F16_F16_F32 = 2
    BF16_BF16_F32 = 3
    F32_F32_F32 = 4
    F64_F64_F64 = 5


DotDimensionNumbers = tuple  # ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))
ConvGeneralDilatedDimensionNumbers = tuple | _ConvDimensionNumbers | None  # strings, or specs


class GatherDimensionNumbers(NamedTuple):
    """lax.gather's dimension numbers (XLA's semantics; the index vector is the last axis of
    the start indices)."""
    offset_dims: tuple
    collapsed_slice_dims: tuple
    start_index_map: tuple
    operand_batching_dims: tuple = ()
    start_indices_batching_dims: tuple = ()


class ScatterDimensionNumbers(NamedTuple):
    """lax.scatter's dimension numbers (XLA's semantics; the index vector is the last axis of
    the scatter indices)."""
    update_window_dims: tuple
    inserted_window_dims: tuple
    scatter_dims_to_operand_dims: tuple
    operand_batching_dims: tuple = ()
    scatter_indices_batching_dims: tuple = ()


# ------------------------------------------------------------------ creation
def iota(dtype: DTypeLike, size: int) -> Array:
    """[0, 1, ..., size - 1] of `dtype`."""
    return np.arange(_A.static_int(size, "size", "iota"), dtype=np.dtype(dtype))


def broadcasted_iota(dtype: DTypeLike, shape: Shape, dimension: int) -> Array:
    """An array of `shape` whose entries count along axis `dimension`."""
    shape = _A.shape(shape, "shape", "broadcasted_iota")
    dimension = _axis(dimension, len(shape), "dimension", "broadcasted_iota")
    r = np.arange(shape[dimension], dtype=np.dtype(dtype)).reshape(
        tuple(n if i == dimension else 1 for i, n in enumerate(shape)))
    return np.array(np.broadcast_to(r, shape))


def full(shape: Shape, fill_value: ArrayLike, dtype: DTypeLike | None = None, *,
         sharding: Any = None) -> Array:
    """An array of `shape` filled with `fill_value` (which may be traced)."""
    shape = _A.shape(shape, "shape", "full", allow_int=True)
    if np.ndim(fill_value) != 0 and _aval(fill_value).ndim != 0:
        raise ShapeError(f"full: fill_value must be a scalar, got {_aval(fill_value).str_short()}")
    fill = _arr(fill_value)
    dt = np.dtype(dtype) if dtype is not None else _aval(fill).dtype
    if _concrete(fill):
        return np.full(shape, fill, dt)
    return L.broadcast_to(L.convert_element_type(fill, dt), shape)


def full_like(x: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike | None = None, shape: Shape | None = None,
              sharding: Any = None) -> Array:
    aval = _aval(_arr(x))
    return full(aval.shape if shape is None else shape, fill_value,
                aval.dtype if dtype is None else dtype)


def zeros_like_array(x: ArrayLike) -> Array:
    return full_like(x, 0)


def empty(shape: Shape, dtype: DTypeLike, *, out_sharding: Any = None) -> Array:
    """Zeros (numpy has no uninitialized arrays that are safe to return)."""
    return np.zeros(_A.shape(shape, "shape", "empty", allow_int=True), np.dtype(dtype))


def dtype(x: ArrayLike, *, canonicalize: bool = False) -> np.dtype:
    """The dtype of an array, scalar or tracer."""
    return _aval(_arr(x)).dtype


def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    return tuple(int(d) for d in np.broadcast_shapes(
        *[_A.shape(s, "shapes", "broadcast_shapes") for s in shapes]))


# ------------------------------------------------------------------ shapes
def broadcast(operand: ArrayLike, sizes: Sequence[int]) -> Array:
    """`operand` with leading axes of `sizes` added (copies along them)."""
    x = _arr(operand)
    shape = _aval(x).shape
    return L.broadcast_to(x, _A.shape(sizes, "sizes", "broadcast") + shape)


def broadcast_in_dim(operand: ArrayLike, shape: Shape, broadcast_dimensions: Sequence[int], *,
                     out_sharding: Any = None) -> Array:
    """`operand` broadcast to `shape`, its axis i becoming output axis broadcast_dimensions[i]."""
    x = _arr(operand)
    aval = _aval(x)
    shape = _A.shape(shape, "shape", "broadcast_in_dim")
    dims = _A.static_ints(broadcast_dimensions, "broadcast_dimensions", "broadcast_in_dim")
    if len(dims) != aval.ndim or len(set(dims)) != len(dims) or any(
            not 0 <= d < len(shape) for d in dims):
        raise ShapeError(f"broadcast_in_dim: broadcast_dimensions {dims} must name one distinct "
                         f"output axis of {shape} per axis of {aval.str_short()}")
    for i, d in enumerate(dims):
        if aval.shape[i] not in (1, shape[d]):
            raise ShapeError(f"broadcast_in_dim: axis {i} of {aval.str_short()} (size "
                             f"{aval.shape[i]}) cannot broadcast to size {shape[d]} of {shape}")
    order = sorted(range(len(dims)), key=lambda i: dims[i])
    x = L.transpose(x, order)
    sorted_dims = [dims[i] for i in order]
    kept = [1] * len(shape)
    for i, d in enumerate(sorted_dims):
        kept[d] = _aval(x).shape[i]
    return L.broadcast_to(L.reshape(x, kept), shape)


def broadcast_to_rank(x: ArrayLike, rank: Any) -> Array:
    x = _arr(x)
    shape = _aval(x).shape
    rank = _A.static_int(rank, "rank", "broadcast_to_rank")
    if rank > 64:
        raise ValueError(f"lax.broadcast_to_rank: rank {rank} exceeds numpy's limit of 64 axes")
    return L.reshape(x, (1,) * (rank - len(shape)) + shape) if rank > len(shape) else x


def broadcast_like(arr: ArrayLike, like_arr: ArrayLike) -> Array:
    return L.broadcast_to(_arr(arr), _aval(_arr(like_arr)).shape)


def expand_dims(array: ArrayLike, dimensions: Sequence[int]) -> Array:
    x = _arr(array)
    shape = list(_aval(x).shape)
    dimensions = _A.static_ints(dimensions, "dimensions", "expand_dims")
    n = len(shape) + len(dimensions)
    dims = sorted(_axis(d, n, "dimension", "expand_dims") for d in dimensions)
    for d in dims:
        shape.insert(d, 1)
    return L.reshape(x, shape)


def squeeze(array: ArrayLike, dimensions: Sequence[int]) -> Array:
    x = _arr(array)
    aval = _aval(x)
    dims = {_axis(d, aval.ndim, "dimension", "squeeze")
            for d in _A.static_ints(dimensions, "dimensions", "squeeze")}
    for d in dims:
        if aval.shape[d] != 1:
            raise ShapeError(f"squeeze: axis {d} of {aval.str_short()} has size "
                             f"{aval.shape[d]}, not 1")
    return L.reshape(x, [n for i, n in enumerate(aval.shape) if i not in dims])


def collapse(operand: ArrayLike, start_dimension: Any, stop_dimension: Any = None) -> Array:
    """Axes start_dimension .. stop_dimension - 1 merged into one."""
    x = _arr(operand)
    shape = _aval(x).shape
    stop = len(shape) if stop_dimension is None else stop_dimension
    start, stop = builtins.slice(start_dimension, stop).indices(len(shape))[:2]
    size = int(np.prod(shape[start:stop], dtype=np.int64))
    return L.reshape(x, shape[:start] + (size,) + shape[stop:])


def rev(operand: ArrayLike, dimensions: Sequence[int]) -> Array:
    x = _arr(operand)
    nd = _aval(x).ndim
    dims = {_axis(d, nd, "dimension", "rev")
            for d in _A.static_ints(dimensions, "dimensions", "rev")}
    if not dims:
        return x
    return L.getitem(x, tuple(("slice", None, None, -1) if i in dims else L.FULL
                              for i in range(nd)))


def _slice_spec(nd, starts, limits, strides):
    return tuple(("slice", int(s), int(e), int(st) if st != 1 else None)
                 for s, e, st in zip(starts, limits, strides))[:nd]


def slice(operand: ArrayLike, start_indices: Sequence[Any], limit_indices: Sequence[int],
          strides: Sequence[int] | None = None) -> Array:  # noqa: A001 - JAX's name
    x = _arr(operand)
    aval = _aval(x)
    start_indices = _A.static_ints(start_indices, "start_indices", "slice")
    limit_indices = _A.static_ints(limit_indices, "limit_indices", "slice")
    strides = (1,) * aval.ndim if strides is None else _A.static_ints(strides, "strides", "slice")
    if any(st < 1 for st in strides):
        raise ValueError(f"lax.slice: strides {strides} must be >= 1")
    if not (len(start_indices) == len(limit_indices) == len(strides) == aval.ndim):
        raise ShapeError(f"slice: start_indices, limit_indices and strides need one entry per "
                         f"axis of {aval.str_short()}")
    for a, (s, e, n) in enumerate(zip(start_indices, limit_indices, aval.shape)):
        if not 0 <= s <= e <= n:
            raise ShapeError(f"slice: axis {a} of {aval.str_short()}: start {s} and limit {e} "
                             f"must satisfy 0 <= start <= limit <= {n}")
    return L.getitem(x, _slice_spec(aval.ndim, start_indices, limit_indices, strides))


def slice_in_dim(operand: ArrayLike, start_index: ArrayLike, limit_index: Any, stride: int = 1,
                 axis: int | Sequence[int] = 0) -> Array:
    x = _arr(operand)
    aval = _aval(x)
    axis = _axis(axis, aval.ndim, "axis", "slice_in_dim")
    n = aval.shape[axis]
    start, limit, _ = builtins.slice(start_index, limit_index).indices(n)
    limit = max(limit, start)
    starts = [0] * aval.ndim
    limits = list(aval.shape)
    strides = [1] * aval.ndim
    starts[axis], limits[axis], strides[axis] = start, limit, int(stride)
    return slice(x, starts, limits, strides)


def index_in_dim(operand: ArrayLike, index: ArrayLike, axis: int | Sequence[int] = 0,
                 keepdims: bool = True) -> Array:
    x = _arr(operand)
    aval = _aval(x)
    axis = _axis(axis, aval.ndim, "axis", "index_in_dim")
    index = _A.static_int(index, "index", "index_in_dim")
    n = aval.shape[axis]
    if not -n <= index < n:
        raise IndexError(f"index_in_dim: index {index} is out of bounds for axis {axis} of size "
                         f"{n}")
    index %= n
    out = slice_in_dim(x, index, index + 1, 1, axis)
    return out if keepdims else squeeze(out, (axis,))


def split(operand: ArrayLike, sizes: Sequence[int], axis: int | Sequence[int] = 0) -> list[Array]:
    x = _arr(operand)
    aval = _aval(x)
    axis = _axis(axis, aval.ndim, "axis", "split")
    sizes = list(_A.shape(sizes, "sizes", "split"))
    if sum(sizes) != aval.shape[axis]:
        raise ShapeError(f"split: sizes {sizes} must add up to the size {aval.shape[axis]} of "
                         f"axis {axis} of {aval.str_short()}")
    out, start = [], 0
    for s in sizes:
        out.append(slice_in_dim(x, start, start + s, 1, axis))
        start += s
    return out


def stack(operands: ArrayLike, axis: int | Sequence[int] = 0) -> Array:
    if isinstance(operands, (str, bytes, dict)) or not hasattr(operands, "__iter__"):
        raise TypeError(f"lax.stack: operands must be a sequence of arrays, got "
                        f"{_A.describe(operands)}. Fix: pass a list such as [x, y].")
    xs = [_arr(x) for x in operands]
    if not xs:
        raise ValueError("lax.stack: operands is empty; pass at least one array")
    nd = _aval(xs[0]).ndim + 1
    axis = _axis(axis, nd, "axis", "stack")
    return L.concatenate([expand_dims(x, (axis,)) for x in xs], axis)


def unstack(x: ArrayLike, axis: int | Sequence[int] = 0) -> list[Array]:
    x = _arr(x)
    aval = _aval(x)
    if aval.ndim == 0:
        raise ShapeError(f"lax.unstack: x must have at least one axis, got {aval.str_short()}")
    axis = _axis(axis, aval.ndim, "axis", "unstack")
    return tuple(index_in_dim(x, i, axis, keepdims=False) for i in range(aval.shape[axis]))


def tile(operand: ArrayLike, reps: Any) -> Array:
    x = _arr(operand)
    shape = _aval(x).shape
    reps = _A.shape(reps, "reps", "tile")
    if len(reps) != len(shape):
        raise ShapeError(f"tile: reps {reps} need one entry per axis of {_aval(x).str_short()}")
    inter = tuple(v for r, d in zip(reps, shape) for v in (1, d))
    big = tuple(v for r, d in zip(reps, shape) for v in (r, d))
    x = L.broadcast_to(L.reshape(x, inter), big)
    return L.reshape(x, tuple(r * d for r, d in zip(reps, shape)))


def pad(operand: ArrayLike, padding_value: ArrayLike,
        padding_config: Sequence[tuple[int, int, int]]) -> Array:
    """`operand` padded with `padding_value`: per axis (low, high, interior) entries, negative
    low / high crop (XLA's pad)."""
    x = _arr(operand)
    aval = _aval(x)
    try:
        if isinstance(padding_config, (str, bytes, dict)) or not hasattr(
                padding_config, "__iter__"):
            raise TypeError
        config = [_A.static_ints(c, "padding_config", "pad") for c in padding_config]
    except TypeError:
        raise TypeError(f"lax.pad: padding_config must be a sequence of (low, high, interior) "
                        f"integer triples, one per axis, got {_A.describe(padding_config)}"
                        ) from None
    if len(config) != aval.ndim or any(len(c) != 3 for c in config):
        raise ShapeError(f"pad: padding_config needs one (low, high, interior) triple per axis "
                         f"of {aval.str_short()}, got {padding_config}")
    if any(c[2] < 0 for c in config):
        raise ValueError(f"pad: interior padding must be >= 0, got {padding_config}")
    pv = _arr(padding_value)
    if _aval(pv).ndim != 0:
        raise ShapeError(f"pad: padding_value must be a scalar, got {_aval(pv).str_short()}")
    if _aval(pv).dtype != aval.dtype:
        pv = L.convert_element_type(pv, aval.dtype)
    if all(c == (0, 0, 0) for c in config):
        return x
    grown = []
    for (lo, hi, it), n in zip(config, aval.shape):
        core = n + max(n - 1, 0) * it
        grown.append(max(lo, 0) + core + max(hi, 0))
    spec = []
    for (lo, _, it), n in zip(config, aval.shape):
        start = max(lo, 0)
        spec.append(("slice", start, start + n + max(n - 1, 0) * it if n else start,
                     it + 1 if it else None))
    out = L.broadcast_to(pv, tuple(grown))
    if aval.size:
        out = _sc.scatter_p.bind(out, x, spec=tuple(spec))
    elif not _concrete(out):
        out = L.add(out, _c(0, out))
    if any(lo < 0 or hi < 0 for lo, hi, _ in config):
        crop = []
        for (lo, hi, _), g in zip(config, grown):
            s, e = -min(lo, 0), g + min(hi, 0)
            if e < s:
                raise ShapeError(f"pad: negative padding {padding_config} removes more than "
                                 f"the padded axis holds ({aval.str_short()})")
            crop.append(("slice", s, e, None))
        out = L.getitem(out, tuple(crop))
    return out


def clamp(min: ArrayLike, x: ArrayLike, max: ArrayLike) -> Array:  # noqa: A002 - JAX's argument names
    """x clipped to [min, max]. As JAX, the derivative flows to x strictly inside, to min / max
    where x lies strictly outside, and to nothing at the bounds themselves."""
    x, lo, hi = _arr(x), _arr(min), _arr(max)
    dt = _aval(x).dtype
    lo = lo if _aval(lo).dtype == dt else L.convert_element_type(lo, dt)
    hi = hi if _aval(hi).dtype == dt else L.convert_element_type(hi, dt)
    for name, b in (("min", lo), ("max", hi)):
        if _aval(b).ndim and _aval(b).shape != _aval(x).shape:
            raise ShapeError(f"clamp: {name} must be a scalar or have x's shape "
                             f"{_aval(x).str_short()}, got {_aval(b).str_short()}")
    below, above = L.lt(x, lo), L.gt(x, hi)
    inside = L.bitwise_and(L.gt(x, lo), L.lt(x, hi))
    edge = L.select(above, hi, L.stop_gradient(x))
    out = L.select(inside, x, L.select(below, lo, edge))
    return L.broadcast_to(out, _aval(x).shape) if _aval(out).shape != _aval(x).shape else out


# ------------------------------------------------------------------ elementwise
def square(x: ArrayLike) -> Array:
    return L.integer_pow(_arr(x), 2)


def rsqrt(x: ArrayLike) -> Array:
    x = _arr(x)
    return L.div(_c(1, x), L.sqrt(x))


def reciprocal(x: ArrayLike) -> Array:
    x = _arr(x)
    return L.div(_c(1, x), x)


def round(x: ArrayLike,
          rounding_method: Any = RoundingMethod.AWAY_FROM_ZERO) -> Array:  # noqa: A001 - JAX's name
    """Round to an integer value: halves away from zero (JAX's default) or to even."""
    x = _arr(x)
    if _aval(x).dtype.kind not in "f":
        raise DtypeError(f"round accepts real floating-point operands, got {_aval(x).str_short()}, "
                         "as jax.lax.round. Fix: integers need no rounding.")
    if RoundingMethod(int(rounding_method)) == RoundingMethod.TO_NEAREST_EVEN:
        return L.round(x)
    t = _uf.trunc(x)
    frac = L.sub(x, t)  # exact: the fractional part of a float is representable
    return L.select(L.ge(L.abs(frac), _c(0.5, x)), L.add(t, L.sign(x)), t)




def population_count(x: ArrayLike) -> Array:
    """The number of set bits, in x's dtype (negative integers count their two's complement)."""
    x = _arr(x)
    dt = _aval(x).dtype
    if dt.kind == "b":
        return x
    _int_info(dt, "population_count")
    v = bitcast_convert_type(x, _unsigned(dt)) if dt.kind == "i" else x
    return L.convert_element_type(_uf.population_count(v), dt)


def betainc(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> Array:
    """The regularized incomplete beta function I_x(a, b)."""
    for arg, v in (("a", a), ("b", b), ("x", x)):
        _A.operand(v, "betainc", arg)
    return _sp.betainc(a, b, x)


def real(x: ArrayLike) -> Array:
    return _cp.real(_arr(x))


def imag(x: ArrayLike) -> Array:
    return _cp.imag(_arr(x))


def conj(x: ArrayLike) -> Array:
    return _cp.conj(_arr(x))


def complex(x: ArrayLike, y: ArrayLike) -> Array:  # noqa: A001 - JAX's name
    return _cp.complex_(_arr(x), _arr(y))


def _int_info(dt, name):
    if dt.kind not in "iu":
        raise DtypeError(f"{name} takes integer operands, got {dt.name}. Fix: convert with "
                         "lax.convert_element_type first.")
    return 8 * dt.itemsize


def _unsigned(dt):
    return np.dtype(f"u{dt.itemsize}")


def _signed(dt):
    return np.dtype(f"i{dt.itemsize}")


def _shift_args(x, y, name):
    x, y = _arr(x), _arr(y)
    dt = _aval(x).dtype
    bits = _int_info(dt, name)
    if _aval(y).dtype != dt:
        raise DtypeError(f"{name} requires operands of one dtype, got {_aval(x).str_short()} and "
                         f"{_aval(y).str_short()}")
    yu = bitcast_convert_type(y, _unsigned(dt)) if dt.kind == "i" else y
    too_far = L.ge(yu, np.asarray(bits, _unsigned(dt)))  # negative amounts count as huge too
    safe = L.select(too_far, np.zeros((), dt), y)
    return x, safe, too_far, bits, dt


def shift_left(x: ArrayLike, y: ArrayLike) -> Array:
    """x << y; 0 where y is negative or at least the bit width (XLA)."""
    x, y, too_far, _, dt = _shift_args(x, y, "shift_left")
    return L.select(too_far, np.zeros((), dt), _uf.shift_left(x, y))


def shift_right_logical(x: ArrayLike, y: ArrayLike) -> Array:
    """x >> y filling with zeros; 0 where y is negative or at least the bit width."""
    x, y, too_far, _, dt = _shift_args(x, y, "shift_right_logical")
    if dt.kind == "i":
        u = _unsigned(dt)
        out = bitcast_convert_type(_uf.shift_right(bitcast_convert_type(x, u),
                                                   bitcast_convert_type(y, u)), dt)
    else:
        out = _uf.shift_right(x, y)
    return L.select(too_far, np.zeros((), dt), out)


def shift_right_arithmetic(x: ArrayLike, y: ArrayLike) -> Array:
    """x >> y filling with the sign bit; a shift by the bit width or more (or a negative one)
    gives all sign bits (XLA)."""
    x, y, too_far, bits, dt = _shift_args(x, y, "shift_right_arithmetic")
    y = L.select(too_far, np.asarray(bits - 1, dt), y)
    if dt.kind == "u":
        s = _signed(dt)
        return bitcast_convert_type(_uf.shift_right(bitcast_convert_type(x, s),
                                                    bitcast_convert_type(y, s)), dt)
    return _uf.shift_right(x, y)


def clz(x: ArrayLike) -> Array:
    """The number of leading zero bits."""
    x = _arr(x)
    dt = _aval(x).dtype
    bits = _int_info(dt, "clz")
    u = _unsigned(dt)
    v = bitcast_convert_type(x, u) if dt.kind == "i" else x
    s = 1
    while s < bits:  # smear the highest set bit into every lower position
        v = L.bitwise_or(v, _uf.shift_right(v, np.asarray(s, u)))
        s *= 2
    count = L.convert_element_type(population_count(v), dt)
    return L.sub(np.asarray(bits, dt), count)


def mulhi(x: ArrayLike, y: ArrayLike) -> Array:
    """The high half of the double-width product x * y (integers up to 32 bits)."""
    x, y = _arr(x), _arr(y)
    dt = _aval(x).dtype
    bits = _int_info(dt, "mulhi")
    if bits > 32:
        raise DtypeError(f"mulhi: {dt.name} operands need a 128-bit product, which numpy lacks; "
                         "use 32-bit (or narrower) integers.")
    wide = np.dtype(np.int64 if dt.kind == "i" else np.uint64)
    p = L.mul(L.convert_element_type(x, wide), L.convert_element_type(y, wide))
    return L.convert_element_type(_uf.shift_right(p, np.asarray(bits, wide)), dt)


# ------------------------------------------------------------------ reductions
def argmax(operand: ArrayLike, axis: int | Sequence[int], index_dtype: Any = np.int64) -> Array:
    x = _arr(operand)
    return L.convert_element_type(L.argmax(x, _axis(axis, _aval(x).ndim, "axis", "argmax")), index_dtype)


def argmin(operand: ArrayLike, axis: int | Sequence[int], index_dtype: Any = np.int64) -> Array:
    x = _arr(operand)
    return L.convert_element_type(L.argmin(x, _axis(axis, _aval(x).ndim, "axis", "argmin")), index_dtype)


def _tree_reduce_axis(fn, xs, axis):
    """Reduce the arrays `xs` (one pytree's leaves) along `axis` by pairwise halving: log2(n)
    calls of `fn` on whole arrays (the computation is assumed associative and commutative, as
    XLA assumes)."""
    n = _aval(xs[0]).shape[axis]
    nd = _aval(xs[0]).ndim

    def sl(x, s, e, st=None):
        return L.getitem(x, (L.FULL,) * axis + (("slice", s, e, st),) + (L.FULL,) * (nd - axis - 1))

    while n > 1:
        half = n // 2
        a = [sl(x, 0, 2 * half, 2) for x in xs]
        b = [sl(x, 1, 2 * half, 2) for x in xs]
        red = fn(a, b)
        if n % 2:
            red = [L.concatenate([r, sl(x, n - 1, n)], axis) for r, x in zip(red, xs)]
        xs = red
        n = (n + 1) // 2
    return [L.reshape(x, _aval(x).shape[:axis] + _aval(x).shape[axis + 1:]) for x in xs]


def _monoid(computation, init):
    """The reduce_* primitive for `computation` with identity `init`, or None."""
    if not _concrete(init):
        return None
    init = np.asarray(init)
    dt = init.dtype
    if computation in (L.add, _api.add, np.add) and not init.any():
        return L.reduce_sum
    if computation in (L.mul, _api.mul, np.multiply) and np.all(init == 1):
        return L.reduce_prod
    lowest = (-np.inf if dt.kind in "fc" else np.iinfo(dt).min if dt.kind in "iu" else False)
    highest = (np.inf if dt.kind in "fc" else np.iinfo(dt).max if dt.kind in "iu" else True)
    if computation in (L.max, _api.max, np.maximum) and np.all(init == lowest):
        return L.reduce_max
    if computation in (L.min, _api.min, np.minimum) and np.all(init == highest):
        return L.reduce_min
    return None


def reduce(operands: ArrayLike, init_values: ArrayLike, computation: Fun, dimensions: Sequence[int],
           out_sharding: Any = None) -> Array:
    """Reduce `operands` (an array or a pytree of arrays) over `dimensions` with the binary
    `computation`, starting from `init_values`. Sum, product, max and min monoids become one
    reduce_* primitive; any other computation is applied by pairwise halving."""
    leaves, tree = tree_flatten(operands)
    inits, init_tree = tree_flatten(init_values)
    if init_tree != tree:
        raise TypeError(f"reduce: operands of structure {tree!r} but init_values of structure "
                        f"{init_tree!r}; they must match.")
    leaves = [_arr(x) for x in leaves]
    nd = _aval(leaves[0]).ndim
    dims = sorted({_axis(d, nd, "dimensions", "reduce")
                   for d in _A.static_ints(dimensions, "dimensions", "reduce")}, reverse=True)
    if len(leaves) == 1:
        red = _monoid(computation, inits[0])
        if red is not None:
            return tree_unflatten(tree, [red(leaves[0], tuple(dims)) if dims else leaves[0]])

    def fn(a, b):
        out = computation(tree_unflatten(tree, a), tree_unflatten(tree, b))
        return tree_flatten(out)[0]

    xs = leaves
    empty_axes = any(_aval(xs[0]).shape[d] == 0 for d in dims)
    out_shape = tuple(n for i, n in enumerate(_aval(xs[0]).shape) if i not in dims)
    inits = [L.convert_element_type(_arr(i), _aval(x).dtype) for i, x in zip(inits, xs)]
    if empty_axes:
        return tree_unflatten(tree, [L.broadcast_to(i, out_shape) for i in inits])
    for d in dims:
        xs = _tree_reduce_axis(fn, xs, d)
    xs = fn([L.broadcast_to(i, out_shape) for i in inits], xs)
    return tree_unflatten(tree, xs)


def _bitwise_reduce(name, op, boolean):
    def f(operand: ArrayLike, axes: Sequence[int]) -> Array:
        x = _arr(operand)
        dt = _aval(x).dtype
        if dt.kind not in "biu":
            raise DtypeError(f"{name} takes integer or boolean operands, got {dt.name}")
        axes = tuple(axes)
        if dt.kind == "b" and boolean is not None:
            return boolean(x, tuple(sorted(_axis(a, _aval(x).ndim, "axes", name) for a in axes)))
        init = {"and": ~np.zeros((), dt), "or": np.zeros((), dt), "xor": np.zeros((), dt)}[name[7:]]
        return reduce(x, init, op, axes)
    f.__name__ = name
    return f


reduce_and = _bitwise_reduce("reduce_and", L.bitwise_and, L.reduce_min)
reduce_or = _bitwise_reduce("reduce_or", L.bitwise_or, L.reduce_max)
reduce_xor = _bitwise_reduce("reduce_xor", L.bitwise_xor, None)


# ------------------------------------------------------------------ cumulative and scans
def _cumulative(name, prim_fn):
    def f(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
        x = _arr(operand)
        if _aval(x).ndim == 0:  # as the typing rule says when staged (numpy would give 1-d)
            raise ShapeError(f"{name}: axis {axis} is out of range for {_aval(x).str_short()}")
        return prim_fn(x, _axis(axis, _aval(x).ndim, "axis", name), bool(reverse))
    f.__name__ = name
    f.__doc__ = f"The cumulative {name[3:]} along `axis` (from the end with reverse=True)."
    return f


cumsum = _cumulative("cumsum", _cum.cumsum)
cumprod = _cumulative("cumprod", _cum.cumprod)
cummax = _cumulative("cummax", _cum.cummax)
cummin = _cumulative("cummin", _cum.cummin)


def _logaddexp(a, b):
    m = L.max(a, b)
    finite = L.is_finite(m)
    d = L.neg(L.abs(L.sub(a, b)))
    safe_d = L.select(finite, d, _c(0, d))
    return L.select(finite, L.add(m, L.log1p(L.exp(safe_d))), m)


def cumlogsumexp(operand: ArrayLike, axis: int | Sequence[int] = 0, reverse: bool = False) -> Array:
    """log(cumsum(exp(x))) without overflow or underflow: an associative scan of logaddexp
    (a running maximum would not do: each prefix needs its own shift)."""
    x = _arr(operand)
    if _aval(x).dtype.kind not in "fc":
        raise DtypeError(f"cumlogsumexp takes floating-point operands, got {_aval(x).str_short()}")
    if _aval(x).ndim == 0:
        raise ShapeError(f"cumlogsumexp: axis {axis} is out of range for {_aval(x).str_short()}")
    axis = _axis(axis, _aval(x).ndim, "axis", "cumlogsumexp")
    return associative_scan(_logaddexp, x, reverse=reverse, axis=axis)


def associative_scan(fn: Fun, elems: ArrayLike, reverse: bool = False,
                     axis: int | Sequence[int] = 0) -> Array:
    """All prefix combinations of `elems` (a pytree of arrays sharing the size of `axis`) under
    the associative `fn`, by the odd/even recursion: O(log n) calls of `fn` on whole arrays."""
    leaves, tree = tree_flatten(elems)
    leaves = [_arr(x) for x in leaves]
    if not leaves:
        return elems
    nd = _aval(leaves[0]).ndim
    if nd == 0:
        raise ShapeError(f"lax.associative_scan: elems must have at least one axis, got "
                         f"{_aval(leaves[0]).str_short()}")
    axis = _axis(axis, nd, "axis", "associative_scan")
    n = _aval(leaves[0]).shape[axis]
    for x in leaves:
        if _aval(x).shape[axis] != n:
            raise ShapeError(f"associative_scan: every element needs size {n} along axis {axis}, "
                             f"got {_aval(x).str_short()}")

    def sl(x, s, e, st=None):
        return L.getitem(x, (L.FULL,) * axis + (("slice", s, e, st),)
                         + (L.FULL,) * (_aval(x).ndim - axis - 1))

    def combine(a, b):
        out = fn(tree_unflatten(tree, a), tree_unflatten(tree, b))
        out_leaves, out_tree = tree_flatten(out)
        if out_tree != tree:
            raise TypeError(f"associative_scan: fn returned structure {out_tree!r}, expected "
                            f"{tree!r}")
        return out_leaves

    def interleave(a, b):  # a[0], b[0], a[1], b[1], ...; len(a) == len(b) or len(b) + 1
        na, nb = _aval(a).shape[axis], _aval(b).shape[axis]
        head = sl(a, 0, nb) if na > nb else a
        shape = _aval(b).shape
        both = L.concatenate([expand_dims(head, (axis + 1,)), expand_dims(b, (axis + 1,))],
                             axis + 1)
        out = L.reshape(both, shape[:axis] + (2 * nb,) + shape[axis + 1:])
        return L.concatenate([out, sl(a, nb, na)], axis) if na > nb else out

    def scan(xs):
        m = _aval(xs[0]).shape[axis]
        if m < 2:
            return xs
        pairs = combine([sl(x, 0, m - 1, 2) for x in xs], [sl(x, 1, m, 2) for x in xs])
        odd = scan(pairs)                       # results at positions 1, 3, 5, ...
        if m % 2 == 0:
            evens = combine([sl(o, 0, _aval(o).shape[axis] - 1) for o in odd],
                            [sl(x, 2, m, 2) for x in xs])
        else:
            evens = combine(odd, [sl(x, 2, m, 2) for x in xs])
        evens = [L.concatenate([sl(x, 0, 1), e], axis) for x, e in zip(xs, evens)]
        return [interleave(e, o) for e, o in zip(evens, odd)]

    if reverse:
        leaves = [rev(x, (axis,)) for x in leaves]
    out = scan(leaves)
    if reverse:
        out = [rev(x, (axis,)) for x in out]
    return tree_unflatten(tree, out)


# ------------------------------------------------------------------ sorting
def sort(operand: ArrayLike, dimension: int = -1, is_stable: bool = True, num_keys: int = 1) -> Array:
    """Sort along `dimension` (stable). A sequence of operands is sorted together by the first
    `num_keys` of them (lexicographically), the others following their permutation."""
    single = not isinstance(operand, (tuple, list))
    ops = [_arr(operand)] if single else [_arr(x) for x in operand]
    nd = _aval(ops[0]).ndim
    axis = _axis(dimension, nd, "dimension", "sort")
    if not 1 <= num_keys <= len(ops):
        raise ValueError(f"sort: num_keys must be between 1 and the number of operands "
                         f"({len(ops)}), got {num_keys}")
    for x in ops:
        if _aval(x).shape != _aval(ops[0]).shape:
            raise ShapeError(f"sort: operands must share a shape, got "
                             f"{', '.join(_aval(o).str_short() for o in ops)}")
    if single:
        return _sort.sort(ops[0], axis)
    perm = _sort.argsort(ops[num_keys - 1], axis)
    for k in reversed(range(num_keys - 1)):  # stable sorts from the last key to the first
        p2 = _sort.argsort(_take_along_axis(ops[k], perm, axis), axis)
        perm = _take_along_axis(perm, p2, axis)
    return tuple(_take_along_axis(x, perm, axis) for x in ops)


def sort_key_val(keys: ArrayLike, values: ArrayLike, dimension: int = -1,
                 is_stable: bool = True) -> tuple[Array, Array]:
    return sort((keys, values), dimension, is_stable, 1)


def top_k(operand: ArrayLike, k: int, *, axis: int | Sequence[int] = -1) -> tuple[Array, Array]:
    """The k largest entries along `axis` and their indices (earlier index first on ties)."""
    x = _arr(operand)
    aval = _aval(x)
    axis = _axis(axis, aval.ndim, "axis", "top_k")
    k = _A.static_int(k, "k", "top_k")
    if not 0 <= k <= aval.shape[axis]:
        raise ValueError(f"top_k: k={k} must be between 0 and the size {aval.shape[axis]} of "
                         f"axis {axis} of {aval.str_short()}")
    idx = slice_in_dim(_sort.argsort(x, axis, descending=True), 0, k, 1, axis)
    return _take_along_axis(x, idx, axis), L.convert_element_type(idx, np.int32)


def approx_max_k(operand: ArrayLike, k: int, reduction_dimension: Any = -1, recall_target: float = 0.95,
                 reduction_input_size_override: Any = -1,
                 aggregate_to_topk: bool = True) -> tuple[Array, Array]:
    return top_k(operand, k, axis=reduction_dimension)


def approx_min_k(operand: ArrayLike, k: int, reduction_dimension: Any = -1, recall_target: float = 0.95,
                 reduction_input_size_override: Any = -1,
                 aggregate_to_topk: bool = True) -> tuple[Array, Array]:
    x = _arr(operand)
    axis = _axis(reduction_dimension, _aval(x).ndim, "reduction_dimension", "approx_min_k")
    k = _A.static_int(k, "k", "approx_min_k")
    if not 0 <= k <= _aval(x).shape[axis]:
        raise ValueError(f"approx_min_k: k={k} must be between 0 and the size "
                         f"{_aval(x).shape[axis]} of axis {axis} of {_aval(x).str_short()}")
    idx = slice_in_dim(_sort.argsort(x, axis), 0, k, 1, axis)
    return _take_along_axis(x, idx, axis), L.convert_element_type(idx, np.int32)


# ------------------------------------------------------------------ select
def select_n(which: Any, *cases: Any) -> Array:
    """cases[which] elementwise: `which` boolean (two cases) or integer (any number)."""
    if not cases:
        raise ValueError("select_n needs at least one case")
    which = _arr(which)
    cases = [_arr(c) for c in cases]
    wd = _aval(which).dtype
    if wd.kind == "b":
        if len(cases) > 2:
            raise ValueError(f"select_n: a boolean selector picks from 2 cases, got {len(cases)}")
        return cases[0] if len(cases) == 1 else L.select(which, cases[1], cases[0])
    if wd.kind not in "iu":
        raise DtypeError(f"select_n: which must be boolean or integer, got {wd.name}")
    out = cases[0]
    for i, c in enumerate(cases[1:], 1):
        out = L.select(L.eq(which, np.asarray(i, wd)), c, out)
    return out


# ------------------------------------------------------------------ dynamic slicing
def _start_index(i, n, size, allow_negative=True):
    """The clamped start of a window of `size` in an axis of `n`: a Python int where `i` is
    concrete, else a traced int64 scalar."""
    if _concrete(i):
        a = np.asarray(_A.operand(i, "dynamic_slice", "start index"))
        if a.ndim or a.dtype.kind not in "iu":
            raise TypeError(f"lax.dynamic_slice: a start index must be an integer scalar, got "
                            f"{_A.describe(i)}")
        i = int(a)
        if allow_negative and i < 0:
            i += n
        return int(np.clip(i, 0, n - size))
    i = L.convert_element_type(i, np.int64)
    if allow_negative:
        i = L.select(L.lt(i, np.int64(0)), L.add(i, np.int64(n)), i)
    return L.max(np.int64(0), L.min(i, np.int64(n - size)))


def _window_index(starts, sizes, shape):
    """Index arrays selecting the window at `starts` (some traced) of `sizes`, broadcasting to
    the window's shape."""
    nd = len(shape)
    arrays = []
    for d, (s, size) in enumerate(zip(starts, sizes)):
        r = np.arange(size, dtype=np.int64).reshape(tuple(size if i == d else 1
                                                          for i in range(nd)))
        arrays.append(L.add(s, r) if not _concrete(s) else r + s)
    return arrays


def _neg_flags(allow_negative_indices, nd):
    if isinstance(allow_negative_indices, bool):
        return [allow_negative_indices] * nd
    return [bool(a) for a in allow_negative_indices]


def dynamic_slice(operand: ArrayLike, start_indices: Sequence[Any], slice_sizes: Sequence[int], *,
                  allow_negative_indices: bool = True) -> Array:
    """The window of `slice_sizes` at `start_indices` (traced or not), clamped into bounds."""
    x = _arr(operand)
    aval = _aval(x)
    sizes = _A.shape(slice_sizes, "slice_sizes", "dynamic_slice")
    if len(sizes) != aval.ndim:
        raise ShapeError(f"dynamic_slice: slice_sizes {sizes} needs one entry per axis of "
                         f"{aval.str_short()}")
    if any(not 0 <= s <= n for s, n in zip(sizes, aval.shape)):
        raise ShapeError(f"dynamic_slice: slice_sizes {sizes} exceed {aval.str_short()}")
    starts = _as_start_list(start_indices, aval.ndim, "dynamic_slice")
    neg = _neg_flags(allow_negative_indices, aval.ndim)
    starts = [_start_index(i, n, s, a) for i, n, s, a in zip(starts, aval.shape, sizes, neg)]
    if all(type(s) is int for s in starts):
        return slice(x, starts, [s + z for s, z in zip(starts, sizes)])
    arrays = _window_index(starts, sizes, aval.shape)
    return _getitem_p.bind(x, *arrays, spec=("array",) * aval.ndim)


def _as_start_list(start_indices, nd, name):
    if isinstance(start_indices, (list, tuple)):
        starts = list(start_indices)
    else:
        s = _arr(start_indices)
        if _aval(s).ndim != 1:
            raise ShapeError(f"{name}: start_indices must be a sequence of scalars or a 1-D "
                             f"array, got {_aval(s).str_short()}")
        starts = [L.getitem(s, (i,)) if not _concrete(s) else s[i] for i in range(_aval(s).shape[0])]
    if len(starts) != nd:
        raise ShapeError(f"{name}: {len(starts)} start indices for an operand of rank {nd}")
    return starts


def dynamic_update_slice(operand: ArrayLike, update: ArrayLike, start_indices: Sequence[Any], *,
                         allow_negative_indices: bool = True) -> Array:
    """`operand` with the window at `start_indices` (clamped so `update` fits) replaced."""
    x, u = _arr(operand), _arr(update)
    aval, uaval = _aval(x), _aval(u)
    if uaval.ndim != aval.ndim or any(a > b for a, b in zip(uaval.shape, aval.shape)):
        raise ShapeError(f"dynamic_update_slice: update {uaval.str_short()} must have the rank "
                         f"of operand {aval.str_short()} and fit inside it")
    if uaval.dtype != aval.dtype:
        raise DtypeError(f"dynamic_update_slice: update {uaval.str_short()} and operand "
                         f"{aval.str_short()} must have one dtype")
    starts = _as_start_list(start_indices, aval.ndim, "dynamic_update_slice")
    neg = _neg_flags(allow_negative_indices, aval.ndim)
    starts = [_start_index(i, n, s, a) for i, n, s, a in zip(starts, aval.shape, uaval.shape, neg)]
    if all(type(s) is int for s in starts):
        spec = tuple(("slice", s, s + z, None) for s, z in zip(starts, uaval.shape))
        return _sc.scatter_p.bind(x, u, spec=spec)
    arrays = _window_index(starts, uaval.shape, aval.shape)
    return _sc.scatter_p.bind(x, u, *arrays, spec=("array",) * aval.ndim)


def dynamic_slice_in_dim(operand: ArrayLike, start_index: ArrayLike, slice_size: int,
                         axis: int | Sequence[int] = 0, *, allow_negative_indices: bool = True) -> Array:
    x = _arr(operand)
    aval = _aval(x)
    axis = _axis(axis, aval.ndim, "axis", "dynamic_slice_in_dim")
    starts = [0] * aval.ndim
    sizes = list(aval.shape)
    starts[axis] = start_index
    sizes[axis] = _A.static_int(slice_size, "slice_size", "dynamic_slice_in_dim")
    return dynamic_slice(x, starts, sizes, allow_negative_indices=allow_negative_indices)


def dynamic_index_in_dim(operand: ArrayLike, index: ArrayLike, axis: int | Sequence[int] = 0,
                         keepdims: bool = True, *, allow_negative_indices: bool = True) -> Array:
    x = _arr(operand)
    axis = _axis(axis, _aval(x).ndim, "axis", "dynamic_index_in_dim")
    out = dynamic_slice_in_dim(x, index, 1, axis, allow_negative_indices=allow_negative_indices)
    return out if keepdims else squeeze(out, (axis,))


def dynamic_update_slice_in_dim(operand: ArrayLike, update: ArrayLike, start_index: ArrayLike,
                                axis: int | Sequence[int], *,
                                allow_negative_indices: bool = True) -> Array:
    x = _arr(operand)
    axis = _axis(axis, _aval(x).ndim, "axis", "dynamic_update_slice_in_dim")
    starts = [0] * _aval(x).ndim
    starts[axis] = start_index
    return dynamic_update_slice(x, update, starts, allow_negative_indices=allow_negative_indices)


def dynamic_update_index_in_dim(operand: ArrayLike, update: ArrayLike, index: ArrayLike,
                                axis: int | Sequence[int], *, allow_negative_indices: bool = True) -> Array:
    x, u = _arr(operand), _arr(update)
    axis = _axis(axis, _aval(x).ndim, "axis", "dynamic_update_index_in_dim")
    if _aval(u).ndim == _aval(x).ndim - 1:
        u = expand_dims(u, (axis,))
    return dynamic_update_slice_in_dim(x, u, index, axis,
                                       allow_negative_indices=allow_negative_indices)


# ------------------------------------------------------------------ gather / scatter
def _fill_value(dt, fill_value):
    if fill_value is not None:
        return np.asarray(fill_value, dt)
    if dt.kind in "fc":
        return np.asarray(np.nan, dt)
    if dt.kind == "i":
        return np.asarray(np.iinfo(dt).min, dt)
    if dt.kind == "u":
        return np.asarray(np.iinfo(dt).max, dt)
    return np.asarray(True, dt)


def _index_column(idx, k):
    """idx[..., k] (idx's last axis is the index vector), as int64."""
    nd = _aval(idx).ndim
    col = L.getitem(idx, (L.FULL,) * (nd - 1) + (k,)) if not _concrete(idx) else idx[..., k]
    return L.convert_element_type(col, np.int64) if not _concrete(col) else col.astype(np.int64)


def _place(v, positions, out_rank):
    """`v` (of the batch shape) reshaped so its axes sit at `positions` of an `out_rank` array."""
    shape = [1] * out_rank
    for p, n in zip(positions, _aval(v).shape):
        shape[p] = n
    return L.reshape(v, shape) if not _concrete(v) else np.reshape(v, shape)


def _lin(a, b):
    return L.add(a, b) if not (_concrete(a) and _concrete(b)) else a + b


def _window_indices(operand_shape, idx, window_of, index_of, batching_of, batch_positions,
                    window_positions, sizes, out_rank, clip):
    """Per operand axis, the index array (broadcastable to the result / updates shape) of a
    gather or scatter, and the in-bounds flag of every window (or None where all are)."""
    arrays, inb = [], None
    for d, n in enumerate(operand_shape):
        size = sizes[d]
        if d in index_of:
            start = _index_column(idx, index_of[d])
            ok = None
            if clip:
                start = np.clip(start, 0, n - size) if _concrete(start) else L.max(
                    np.int64(0), L.min(start, np.int64(n - size)))
            else:
                lo_ok = L.ge(start, np.int64(0)) if not _concrete(start) else start >= 0
                hi_ok = (L.le(start, np.int64(n - size)) if not _concrete(start)
                         else start <= n - size)
                ok = L.bitwise_and(lo_ok, hi_ok) if not _concrete(lo_ok) else lo_ok & hi_ok
                start = (np.clip(start, 0, max(n - size, 0)) if _concrete(start) else
                         L.max(np.int64(0), L.min(start, np.int64(max(n - size, 0)))))
            start = _place(start, batch_positions, out_rank)
            if ok is not None:
                ok = _place(ok, batch_positions, out_rank)
                inb = ok if inb is None else (L.bitwise_and(inb, ok) if not (
                    _concrete(inb) and _concrete(ok)) else inb & ok)
        elif d in batching_of:
            bpos = batch_positions[batching_of[d]]
            start = np.arange(n, dtype=np.int64).reshape(
                tuple(n if i == bpos else 1 for i in range(out_rank)))
        else:
            start = np.zeros((1,) * out_rank, np.int64)
        if d in window_of:
            w = window_of[d]
            off = np.arange(size, dtype=np.int64).reshape(
                tuple(size if i == w else 1 for i in range(out_rank)))
            start = _lin(start, off)
        arrays.append(start)
    return arrays, inb


def _check_indices(idx, name):
    idx = _arr(idx)
    if _aval(idx).dtype.kind not in "iu":
        raise DtypeError(f"{name}: indices must be integers, got {_aval(idx).str_short()}")
    if _aval(idx).ndim == 0:
        raise ShapeError(f"{name}: indices need an index-vector axis (the last), got a scalar")
    return idx


def gather(operand: ArrayLike, start_indices: Sequence[Any], dimension_numbers: Any,
           slice_sizes: Sequence[int], *, unique_indices: bool = False,
           indices_are_sorted: bool = False, mode: str | None = None,
           fill_value: ArrayLike | None = None) -> Array:
    """XLA's gather: slices of `slice_sizes` at the starts given by `start_indices` (index
    vector on the last axis), arranged by `dimension_numbers` (a GatherDimensionNumbers).
    Composed as one getitem with an index array per operand axis, so its rules are getitem's."""
    x = _arr(operand)
    aval = _aval(x)
    idx = _check_indices(start_indices, "gather")
    dn = dimension_numbers
    if not isinstance(dn, GatherDimensionNumbers):
        raise TypeError(f"gather: dimension_numbers must be a lax.GatherDimensionNumbers, got "
                        f"{type(dn).__name__}")
    sizes = tuple(int(s) for s in slice_sizes)
    if len(sizes) != aval.ndim or any(not 0 <= s <= n for s, n in zip(sizes, aval.shape)):
        raise ShapeError(f"gather: slice_sizes {sizes} must give one size per axis of "
                         f"{aval.str_short()}, each within the axis")
    ishape = _aval(idx).shape
    if ishape[-1] != len(dn.start_index_map):
        raise ShapeError(f"gather: the index vector (last axis of {_aval(idx).str_short()}) must "
                         f"have one entry per start_index_map axis {dn.start_index_map}")
    for d in (*dn.collapsed_slice_dims, *dn.operand_batching_dims):
        if sizes[d] != 1:
            raise ShapeError(f"gather: collapsed or batching axis {d} needs slice size 1, got "
                             f"{sizes[d]}")
    window_dims = [d for d in range(aval.ndim)
                   if d not in dn.collapsed_slice_dims and d not in dn.operand_batching_dims]
    if len(window_dims) != len(dn.offset_dims):
        raise ShapeError(f"gather: offset_dims {dn.offset_dims} must name an output axis for "
                         f"each of the operand's window axes {tuple(window_dims)}")
    batch_shape = ishape[:-1]
    out_rank = len(batch_shape) + len(dn.offset_dims)
    batch_positions = [p for p in range(out_rank) if p not in dn.offset_dims]
    gmode = GatherScatterMode.CLIP if mode is None else GatherScatterMode.from_any(mode)
    clip = gmode in (GatherScatterMode.CLIP, GatherScatterMode.PROMISE_IN_BOUNDS)
    arrays, inb = _window_indices(
        aval.shape, idx, dict(zip(window_dims, dn.offset_dims)),
        {d: k for k, d in enumerate(dn.start_index_map)},
        {d: b for d, b in zip(dn.operand_batching_dims, dn.start_indices_batching_dims)},
        batch_positions, dn.offset_dims, sizes, out_rank, clip)
    out_shape = [0] * out_rank
    for p, n in zip(batch_positions, batch_shape):
        out_shape[p] = n
    for p, d in zip(dn.offset_dims, window_dims):
        out_shape[p] = sizes[d]
    out_shape = tuple(out_shape)
    arrays = [L.broadcast_to(a, out_shape) if not _concrete(a) else np.broadcast_to(a, out_shape)
              for a in arrays]
    if aval.ndim == 0:
        return x
    out = _getitem_p.bind(x, *arrays, spec=("array",) * aval.ndim)
    if inb is not None and not (_concrete(inb) and np.all(inb)):
        fill = _fill_value(aval.dtype, fill_value)
        inb = L.broadcast_to(inb, out_shape) if not _concrete(inb) else np.broadcast_to(
            inb, out_shape)
        out = L.select(inb, out, fill)
    return out


_SCATTER_PRIMS = {"add": _scatter_add_p, "set": _sc.scatter_p, "mul": _sc.scatter_mul_p,
                  "min": _sc.scatter_min_p, "max": _sc.scatter_max_p}


def _scatter(kind, operand, scatter_indices, updates, dimension_numbers, mode):
    x, u = _arr(operand), _arr(updates)
    aval, uaval = _aval(x), _aval(u)
    idx = _check_indices(scatter_indices, f"scatter_{kind}")
    dn = dimension_numbers
    if not isinstance(dn, ScatterDimensionNumbers):
        raise TypeError(f"scatter: dimension_numbers must be a lax.ScatterDimensionNumbers, got "
                        f"{type(dn).__name__}")
    if uaval.dtype != aval.dtype:
        raise DtypeError(f"scatter: updates {uaval.str_short()} and operand {aval.str_short()} "
                         "must have one dtype")
    ishape = _aval(idx).shape
    if ishape[-1] != len(dn.scatter_dims_to_operand_dims):
        raise ShapeError(f"scatter: the index vector (last axis of {_aval(idx).str_short()}) "
                         f"needs one entry per scatter_dims_to_operand_dims axis "
                         f"{dn.scatter_dims_to_operand_dims}")
    window_dims = [d for d in range(aval.ndim) if d not in dn.inserted_window_dims
                   and d not in dn.operand_batching_dims]
    if len(window_dims) != len(dn.update_window_dims):
        raise ShapeError(f"scatter: update_window_dims {dn.update_window_dims} must name an "
                         f"updates axis for each window axis {tuple(window_dims)} of the operand")
    urank = uaval.ndim
    scatter_positions = [p for p in range(urank) if p not in dn.update_window_dims]
    if tuple(uaval.shape[p] for p in scatter_positions) != tuple(ishape[:-1]):
        raise ShapeError(f"scatter: the scatter axes of updates {uaval.str_short()} must match "
                         f"the batch shape {tuple(ishape[:-1])} of the indices")
    sizes = [1] * aval.ndim
    for d, p in zip(window_dims, dn.update_window_dims):
        sizes[d] = uaval.shape[p]
        if sizes[d] > aval.shape[d]:
            raise ShapeError(f"scatter: window size {sizes[d]} exceeds axis {d} of "
                             f"{aval.str_short()}")
    smode = GatherScatterMode.from_any(mode)
    clip = smode in (GatherScatterMode.CLIP, GatherScatterMode.PROMISE_IN_BOUNDS)
    arrays, inb = _window_indices(
        aval.shape, idx, dict(zip(window_dims, dn.update_window_dims)),
        {d: k for k, d in enumerate(dn.scatter_dims_to_operand_dims)},
        {d: b for d, b in zip(dn.operand_batching_dims, dn.scatter_indices_batching_dims)},
        scatter_positions, dn.update_window_dims, sizes, urank, clip)
    prim = _SCATTER_PRIMS[kind]
    if aval.ndim == 0:
        raise ShapeError("scatter: the operand must have at least one axis")
    arrays = [L.broadcast_to(a, uaval.shape) if not _concrete(a) else
              np.broadcast_to(a, uaval.shape) for a in arrays]
    if inb is None or (_concrete(inb) and np.all(inb)):
        return prim.bind(x, u, *arrays, spec=("array",) * aval.ndim)
    # dropped windows: send them to one extra slot past the end of every axis, then cut it off
    inb = L.broadcast_to(inb, uaval.shape) if not _concrete(inb) else np.broadcast_to(
        inb, uaval.shape)
    arrays = [L.select(inb, a, np.int64(n)) if not (_concrete(a) and _concrete(inb))
              else np.where(inb, a, n) for a, n in zip(arrays, aval.shape)]
    big = pad(x, np.zeros((), aval.dtype), [(0, 1, 0)] * aval.ndim)
    out = prim.bind(big, u, *arrays, spec=("array",) * aval.ndim)
    return L.getitem(out, tuple(("slice", 0, n, None) for n in aval.shape))


def _scatter_fn(kind, doc):
    def f(operand: ArrayLike, scatter_indices: Any, updates: Any, dimension_numbers: Any = None,
          *, indices_are_sorted: bool = False, unique_indices: bool = False,
          mode: Any = None) -> Array:
        if kind == "add" and not isinstance(dimension_numbers, ScatterDimensionNumbers) and \
                isinstance(updates, (tuple, list)) and all(
                    s is None or isinstance(s, (int, str, tuple)) for s in updates):
            # fungrad's numpy-style form: scatter_add(operand, updates, spec, arrays=())
            arrays = () if dimension_numbers is None else dimension_numbers
            return _scatter_add_p.bind(operand, scatter_indices, *arrays, spec=tuple(updates))
        return _scatter(kind, operand, scatter_indices, updates, dimension_numbers, mode)
    f.__name__ = "scatter" if kind == "set" else f"scatter_{kind}"
    f.__doc__ = doc
    return f


scatter = _scatter_fn("set", "XLA's scatter: `operand` with windows of `updates` written at "
                             "`scatter_indices` (ScatterDimensionNumbers); repeated indices keep "
                             "the last update.")
scatter_add = _scatter_fn("add", "XLA's scatter-add: updates added into `operand` at the indices.")
scatter_mul = _scatter_fn("mul", "XLA's scatter-multiply.")
scatter_min = _scatter_fn("min", "XLA's scatter-minimum.")
scatter_max = _scatter_fn("max", "XLA's scatter-maximum.")


def scatter_sub(operand: ArrayLike, scatter_indices: Any, updates: ArrayLike, dimension_numbers: Any, *,
                indices_are_sorted: bool = False,
                unique_indices: bool = False, mode: str | None = None) -> Array:
    _check_indices(scatter_indices, "scatter_sub")
    u = _arr(updates)
    if _aval(u).dtype.kind == "b":
        raise DtypeError(f"scatter_sub: updates must be numeric, got {_aval(u).str_short()}")
    return _scatter("add", operand, scatter_indices, L.neg(u), dimension_numbers, mode)


def scatter_apply(operand: ArrayLike, scatter_indices: Any, func: Fun, dimension_numbers: Any, *,
                  update_shape: Any = (),
                  indices_are_sorted: bool = False, unique_indices: bool = False,
                  mode: str | None = None) -> Array:
    """`func` applied (once) to every element of `operand` the scatter reaches."""
    x = _arr(operand)
    aval = _aval(x)
    hit = _scatter("max", np.zeros(aval.shape, np.int8), scatter_indices,
                   np.ones(tuple(update_shape), np.int8), dimension_numbers, mode)
    return L.select(L.ne(hit, np.int8(0)) if not _concrete(hit) else hit != 0, func(x), x)


def index_take(src: Any, idxs: Any, axes: Sequence[int]) -> Array:
    """src[idxs[0], idxs[1], ...] with idxs[k] indexing axis axes[k] (one index array per axis,
    all of one length N); the result has the N taken entries first, then the other axes."""
    x = _arr(src)
    idx = _arr(idxs)
    idx = L.transpose(idx, (1, 0)) if not _concrete(idx) else np.asarray(idx).T
    nd = _aval(x).ndim
    axes = [_axis(a, nd, "axes", "index_take") for a in _A.static_ints(axes, "axes", "index_take")]
    dn = GatherDimensionNumbers(
        offset_dims=tuple(range(1, nd - len(axes) + 1)), collapsed_slice_dims=tuple(axes),
        start_index_map=tuple(axes))
    sizes = [1 if i in axes else n for i, n in enumerate(_aval(x).shape)]
    return gather(x, idx, dn, sizes)


# ------------------------------------------------------------------ contractions
def _preferred(x, y, preferred_element_type, name):
    if preferred_element_type is not None:
        dt = np.dtype(preferred_element_type)
        return L.convert_element_type(x, dt), L.convert_element_type(y, dt)
    if _aval(x).dtype != _aval(y).dtype:
        raise DtypeError(f"{name}: operands {_aval(x).str_short()} and {_aval(y).str_short()} "
                         "differ in dtype; convert one, or pass preferred_element_type.")
    return x, y


def dot_general(lhs: ArrayLike, rhs: ArrayLike, dimension_numbers: Any, precision: Any = None,
                preferred_element_type: DTypeLike | None = None, *,
                out_sharding: Any = None) -> Array:
    """XLA's dot_general: ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))."""
    x, y = _preferred(_arr(lhs), _arr(rhs), preferred_element_type, "dot_general")
    return L.dot_general(x, y, _dot_dims(dimension_numbers))


def _dot_dims(dn):
    """((lhs_contract, rhs_contract), (lhs_batch, rhs_batch)) as tuples of ints."""
    try:
        if isinstance(dn, (str, bytes, dict, np.ndarray)) or len(dn) != 2 or any(
                isinstance(p, (str, bytes, dict)) or len(p) != 2 for p in dn):
            raise TypeError
        (lc, rc), (lb, rb) = dn
        return ((_A.static_ints(lc, "dimension_numbers", "dot_general"),
                 _A.static_ints(rc, "dimension_numbers", "dot_general")),
                (_A.static_ints(lb, "dimension_numbers", "dot_general"),
                 _A.static_ints(rb, "dimension_numbers", "dot_general")))
    except TypeError:
        raise TypeError(f"lax.dot_general: dimension_numbers must be ((lhs_contracting, "
                        f"rhs_contracting), (lhs_batch, rhs_batch)), each a tuple of ints, got "
                        f"{_A.describe(dn)}") from None


def dot(lhs: ArrayLike, rhs: ArrayLike, *, dimension_numbers: Any = None, precision: Any = None,
        preferred_element_type: DTypeLike | None = None,
        out_sharding: Any = None) -> Array:
    """Vector-vector, matrix-vector or matrix-matrix product (the last axis of lhs with the
    first of rhs)."""
    x, y = _preferred(_arr(lhs), _arr(rhs), preferred_element_type, "dot")
    if dimension_numbers is not None:
        return L.dot_general(x, y, dimension_numbers)
    xn, yn = _aval(x).ndim, _aval(y).ndim
    if not (1 <= xn <= 2 and 1 <= yn <= 2):
        raise ShapeError(f"dot: operands must be vectors or matrices, got {_aval(x).str_short()} "
                         f"and {_aval(y).str_short()}; use dot_general for higher ranks")
    return L.dot_general(x, y, (((xn - 1,), (0,)), ((), ())))


def batch_matmul(lhs: ArrayLike, rhs: ArrayLike, precision: Any = None) -> Array:
    """Batched matrix products over equal leading axes."""
    x, y = _arr(lhs), _arr(rhs)
    xn, yn = _aval(x).ndim, _aval(y).ndim
    if xn != yn or xn < 2 or _aval(x).shape[:-2] != _aval(y).shape[:-2]:
        raise ShapeError(f"batch_matmul: operands need equal rank >= 2 and equal batch axes, got "
                         f"{_aval(x).str_short()} and {_aval(y).str_short()}")
    b = tuple(range(xn - 2))
    return L.dot_general(x, y, (((xn - 1,), (xn - 2,)), (b, b)))


def ragged_dot(lhs: ArrayLike, rhs: ArrayLike, group_sizes: Any, precision: Any = None,
               preferred_element_type: DTypeLike | None = None,
               group_offset: Any = None, out_sharding: Any = None) -> Array:
    """lhs[m, k] rows in consecutive groups of `group_sizes`, row i multiplied by rhs[g(i)]
    (rhs[g, k, n]); rows past the last group give zeros."""
    x, w = _preferred(_arr(lhs), _arr(rhs), preferred_element_type, "ragged_dot")
    gs = _arr(group_sizes)
    if _aval(x).ndim != 2 or _aval(w).ndim != 3 or _aval(gs).ndim != 1 or (
            _aval(x).shape[1] != _aval(w).shape[1]):
        raise ShapeError(f"lax.ragged_dot: lhs must be [m, k], rhs [g, k, n] and group_sizes "
                         f"[g], got {_aval(x).str_short()}, {_aval(w).str_short()} and "
                         f"{_aval(gs).str_short()}")
    m = _aval(x).shape[0]
    g = _aval(w).shape[0]
    ends = _cum.cumsum(L.convert_element_type(gs, np.int64), 0) if not _concrete(gs) else \
        np.cumsum(np.asarray(gs, np.int64))
    rows = np.arange(m, dtype=np.int64)
    gid = _sort.searchsorted(ends, rows, side="right") if not _concrete(ends) else \
        np.searchsorted(ends, rows, side="right")
    valid = L.lt(gid, np.int64(g)) if not _concrete(gid) else gid < g
    gid = L.min(gid, np.int64(g - 1)) if not _concrete(gid) else np.minimum(gid, g - 1)
    wr = _getitem_p.bind(w, gid, spec=("array",))                 # [m, k, n]
    out = L.dot_general(x, wr, (((1,), (1,)), ((0,), (0,))))      # [m, n]
    zero = np.zeros((), _aval(out).dtype)
    vb = L.broadcast_to(L.reshape(valid, (m, 1)), _aval(out).shape) if not _concrete(valid) \
        else np.broadcast_to(valid[:, None], _aval(out).shape)
    return L.select(vb, out, zero)


# ------------------------------------------------------------------ identities
def with_sharding_constraint(x: ArrayLike, shardings: Any) -> Array:
    """Identity (one device)."""
    return x


def optimization_barrier(operand: ArrayLike) -> Array:
    """Identity on a pytree (fungrad's optimizer never moves work across it: it is a no-op)."""
    return operand


class Token:
    """An ordering token (fungrad runs in program order: tokens carry nothing)."""

    __slots__ = ()

    def __repr__(self):
        return "Token()"


def create_token(_: Any = None) -> Array:
    return Token()


def after_all(*operands: ArrayLike) -> Array:
    return Token()


def platform_dependent(*args: Any, default: Any = None, **per_platform: Any) -> Any:
    """Call the branch for "cpu" (fungrad's one platform), else `default`."""
    fn = per_platform.get("cpu", default)
    if fn is None:
        raise ValueError(f"platform_dependent: no branch for 'cpu' and no default among "
                         f"{sorted(per_platform)}")
    return fn(*args)


def composite(decomposition: Any, name: Any, version: int = 0) -> Array:
    """A function marked as a composite op: fungrad runs its decomposition."""
    @functools.wraps(decomposition)
    def f(*args, **kwargs):
        return decomposition(*args, **kwargs)
    f.composite_name, f.composite_version = name, version
    return f


# ------------------------------------------------------------------ shape helpers
def reduce_window_shape_tuple(operand_shape: Any, window_dimensions: Sequence[int],
                              window_strides: Sequence[int], padding: Any,
                              base_dilation: Any = None, window_dilation: Any = None) -> Array:
    fn = "reduce_window_shape_tuple"
    operand_shape = _A.shape(operand_shape, "operand_shape", fn)
    nd = len(operand_shape)
    window_dimensions = _A.shape(window_dimensions, "window_dimensions", fn)
    window_strides = _A.static_ints(window_strides, "window_strides", fn)
    padding = _A.pairs(padding, None, "padding", fn)
    bd = (1,) * nd if base_dilation is None else _A.static_ints(base_dilation, "base_dilation", fn)
    wd = (1,) * nd if window_dilation is None else _A.static_ints(window_dilation,
                                                                  "window_dilation", fn)
    for arg, v in (("window_dimensions", window_dimensions), ("window_strides", window_strides),
                   ("padding", padding), ("base_dilation", bd), ("window_dilation", wd)):
        if len(v) != nd:
            raise ShapeError(f"lax.{fn}: {arg} has {len(v)} entries, operand_shape "
                             f"{operand_shape} {nd}; give one per axis")
    if any(v < 1 for v in window_strides + tuple(bd) + tuple(wd)):
        raise ValueError(f"lax.{fn}: strides and dilations must be >= 1, got {window_strides}, "
                         f"{bd}, {wd}")
    out = []
    for n, k, s, (lo, hi), b, w in zip(operand_shape, window_dimensions, window_strides,
                                       padding, bd, wd):
        size = (n - 1) * b + 1 + lo + hi
        kk = (k - 1) * w + 1
        out.append(max(0, (size - kk) // s + 1))
    return tuple(out)


def conv_shape_tuple(lhs_shape: Any, rhs_shape: Any, strides: Sequence[int] | None, pads: Any,
                     batch_group_count: int = 1) -> Array:
    """The output shape of a convolution in NC... / OI... layout."""
    lhs_shape = _A.shape(lhs_shape, "lhs_shape", "conv_shape_tuple")
    rhs_shape = _A.shape(rhs_shape, "rhs_shape", "conv_shape_tuple")
    if len(lhs_shape) < 2 or len(rhs_shape) != len(lhs_shape):
        raise ShapeError(f"lax.conv_shape_tuple: lhs_shape {lhs_shape} and rhs_shape {rhs_shape} "
                         "need one rank >= 2 (N, C / O, I, then the spatial axes)")
    strides = (1,) * (len(lhs_shape) - 2) if strides is None else strides
    batch_group_count = _A.static_int(batch_group_count, "batch_group_count", "conv_shape_tuple")
    if isinstance(pads, str):
        from fungrad._lax.conv import padtype_to_pads
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    spatial = reduce_window_shape_tuple(lhs_shape[2:], rhs_shape[2:], strides, pads)
    return (lhs_shape[0] // batch_group_count, rhs_shape[0]) + spatial


def conv_general_permutations(dimension_numbers: Any) -> Array:
    """(lhs_perm, rhs_perm, out_perm) of string dimension numbers such as ("NHWC", "HWIO",
    "NHWC"): each takes its array's axes to (N, C, spatial...) / (O, I, spatial...) order, the
    spatial axes ordered as in the kernel's spec."""
    if isinstance(dimension_numbers, (str, bytes, dict)) or not isinstance(
            dimension_numbers, (tuple, list)) or len(dimension_numbers) != 3:
        raise TypeError(f"lax.conv_general_permutations: dimension_numbers must be a (lhs, rhs, "
                        f"out) triple of layout strings such as ('NHWC', 'HWIO', 'NHWC'), got "
                        f"{_A.describe(dimension_numbers)}")
    lhs, rhs, out = dimension_numbers
    for spec, chars, what in ((lhs, "NC", "lhs"), (rhs, "OI", "rhs"), (out, "NC", "out")):
        if not isinstance(spec, str) or any(spec.count(c) != 1 for c in chars):
            raise TypeError(f"conv_general_permutations: the {what} spec must be a string "
                            f"holding {chars[0]!r} and {chars[1]!r} once each, got {spec!r}")
    spatial = [c for c in rhs if c not in "OI"]
    if len(lhs) != len(rhs) or len(out) != len(rhs) or any(
            c not in lhs or c not in out for c in spatial):
        raise TypeError(f"conv_general_permutations: specs {dimension_numbers} must have one "
                        "length and name the same spatial axes")

    def perm(spec, first):
        return (spec.index(first[0]), spec.index(first[1])) + tuple(spec.index(c)
                                                                    for c in spatial)
    return perm(lhs, "NC"), perm(rhs, "OI"), perm(out, "NC")


def _nc_shapes(lhs_shape, rhs_shape, dimension_numbers):
    lp, rp, op = conv_general_permutations(dimension_numbers)
    lhs_shape = _A.shape(lhs_shape, "lhs_shape", "conv_general_shape_tuple")
    rhs_shape = _A.shape(rhs_shape, "rhs_shape", "conv_general_shape_tuple")
    if len(lhs_shape) != len(lp) or len(rhs_shape) != len(rp):
        raise ShapeError(f"lax.conv_general_shape_tuple: shapes {lhs_shape} and {rhs_shape} do "
                         f"not have the ranks of dimension_numbers {dimension_numbers}")
    return [lhs_shape[i] for i in lp], [rhs_shape[i] for i in rp], op


def _from_nc(shape_nc, out_perm):
    out = [0] * len(out_perm)
    for k, axis in enumerate(out_perm):
        out[axis] = shape_nc[k]
    return tuple(out)


def conv_general_shape_tuple(lhs_shape: Any, rhs_shape: Any, window_strides: Sequence[int], padding: Any,
                             dimension_numbers: Any) -> Array:
    """The output shape of conv_general_dilated with string dimension numbers."""
    lhs, rhs, op = _nc_shapes(lhs_shape, rhs_shape, dimension_numbers)
    return _from_nc(conv_shape_tuple(lhs, rhs, window_strides, padding), op)


def conv_transpose_shape_tuple(lhs_shape: Any, rhs_shape: Any, window_strides: Sequence[int], padding: Any,
                               dimension_numbers: Any) -> Array:
    """The output shape of conv_transpose: per spatial axis the stride-dilated input
    (i - 1) s + 1, padded, less the window's k - 1."""
    from fungrad._lax.conv import _conv_transpose_padding
    lhs, rhs, op = _nc_shapes(lhs_shape, rhs_shape, dimension_numbers)
    window_strides = _A.static_ints(window_strides, "window_strides", "conv_transpose_shape_tuple")
    if isinstance(padding, str):
        padding = [_conv_transpose_padding(k, s, padding) for k, s in zip(rhs[2:],
                                                                          window_strides)]
    padding = _A.pairs(padding, len(lhs) - 2, "padding", "conv_transpose_shape_tuple")
    space = [(i - 1) * s + 1 + lo + hi - (k - 1)
             for i, k, s, (lo, hi) in zip(lhs[2:], rhs[2:], window_strides, padding)]
    return _from_nc([lhs[0], rhs[0], *space], op)


# ------------------------------------------------------------------ custom solvers
def custom_root(f: Fun, initial_guess: Any, solve: Fun, tangent_solve: Fun, has_aux: bool = False) -> Array:
    """solve(f, initial_guess), differentiated by the implicit function theorem rather than
    through the solver: at a root x* of f(x, theta) = 0 (theta: the values f closes over),
    dx* = -tangent_solve(J_x f, J_theta f dtheta)."""
    from fungrad._api.forward import jvp as _jvp
    from fungrad._api.misc import closure_convert
    guess = tree_unflatten(tree_flatten(initial_guess)[1],
                           [L.stop_gradient(_arr(v)) for v in tree_flatten(initial_guess)[0]])
    conv, consts = closure_convert(f, guess)

    def run_solve(x0, cs):
        out = solve(lambda x: conv(x, *cs), x0)
        return out if not has_aux else (out[0], out[1])

    @_custom_jvp
    def root(x0, *cs):
        return run_solve(x0, cs)

    @root.defjvp
    def root_jvp(primals, tangents):
        x0, *cs = primals
        _, *tcs = tangents
        out = root(x0, *cs)
        sol = out[0] if has_aux else out
        _, rhs = _jvp(lambda *c: conv(sol, *c), tuple(cs), tuple(tcs)) if cs else (
            None, tree_unflatten(tree_flatten(sol)[1],
                                 [np.zeros(_aval(v).shape, _aval(v).dtype)
                                  for v in tree_flatten(sol)[0]]))

        def jx(v):
            return _jvp(lambda x: conv(x, *cs), (sol,), (v,))[1]
        neg_rhs = tree_unflatten(tree_flatten(rhs)[1], [L.neg(v) for v in tree_flatten(rhs)[0]])
        t = tangent_solve(jx, neg_rhs)
        if has_aux:
            aux_t = tree_unflatten(tree_flatten(out[1])[1],
                                   [np.zeros(_aval(v).shape, _aval(v).dtype)
                                    for v in tree_flatten(out[1])[0]])
            return out, (t, aux_t)
        return out, t

    return root(guess, *consts)


def custom_linear_solve(matvec: Fun, b: ArrayLike, solve: Fun, transpose_solve: Fun | None = None,
                        symmetric: bool = False, has_aux: bool = False) -> Array:
    """x = solve(matvec, b) for the linear map `matvec` (A), differentiated implicitly rather
    than through the solver (which may iterate, e.g. conjugate gradients on while_loop): the
    cotangent of b is transpose_solve(A^T, ct) (solve itself where symmetric=True), and the
    values theta that matvec closes over get -(d(A x)/d theta)^T ct_b. Values `solve` closes
    over shape how the solution is found, not what it is: they get no derivative (as in JAX).
    Reverse mode only (the rule is a custom_vjp): jvp / jacfwd through it raise."""
    from fungrad._api.custom import custom_vjp
    from fungrad._api.misc import closure_convert, linear_transpose
    from fungrad._api.reverse import vjp as _vjp
    conv, consts = closure_convert(matvec, b)
    sconv, sconsts = closure_convert(lambda r: solve(matvec, r), b)
    nc, ns = len(consts), len(sconsts)
    tconv, tconsts = None, []
    if transpose_solve is not None and not symmetric:
        vecmat = linear_transpose(matvec, b)
        tconv, tconsts = closure_convert(
            lambda r: transpose_solve(lambda y: vecmat(y)[0], r), b)

    def run(rhs, *args):
        return sconv(rhs, *args[nc:nc + ns])

    def fwd(rhs, *args):
        out = run(rhs, *args)
        return out, (out[0] if has_aux else out, args)

    def bwd(res, ct):
        x, args = res
        cs = args[:nc]
        ct_x = ct[0] if has_aux else ct
        if symmetric:
            ct_b = sconv(ct_x, *args[nc:nc + ns])
        elif tconv is not None:
            ct_b = tconv(ct_x, *args[nc + ns:])
        else:
            raise TypeError("custom_linear_solve: differentiating in reverse mode needs "
                            "transpose_solve (or symmetric=True for a symmetric matvec).")
        if has_aux:
            ct_b = ct_b[0]
        cts_c = ()
        if nc:
            _, pull = _vjp(lambda *c: conv(x, *c), *cs)
            neg = tree_unflatten(tree_flatten(ct_b)[1], [L.neg(v) for v in tree_flatten(ct_b)[0]])
            cts_c = tuple(pull(neg))
        return (ct_b, *cts_c, *[None] * (len(args) - nc))

    lin_solve = custom_vjp(run)
    lin_solve.defvjp(fwd, bwd)
    return lin_solve(b, *consts, *sconsts, *tconsts)


# re-exported loop (JAX's lax.fori_loop is fungrad's already)
fori_loop = _fori_loop


# ------------------------------------------------------------------ examples
# A `>>>` example for every fungrad.lax function, appended to its docstring here, where
# fungrad.lax's functions are gathered (as fungrad.numpy's _EXAMPLES tables);
# tests/test_doctests.py runs them and checks that each public function has one.
_EXAMPLES = {
    "abs": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.abs(np.array([-1.5, 2.0]))
array([1.5, 2. ])""",
    "acos": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.acos(np.array([1.0, 0.0]))
array([0.        , 1.57079633])""",
    "acosh": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.acosh(np.array([1.0]))
array([0.])""",
    "add": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.add(np.array([1.0, 2.0]), 1.0)
array([2., 3.])""",
    "after_all": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.after_all(lax.create_token(), lax.create_token())
Token()""",
    "approx_max_k": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.approx_max_k(np.array([1.0, 4.0, 2.0, 3.0]), 2)
(array([4., 3.]), array([1, 3], dtype=int32))""",
    "approx_min_k": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.approx_min_k(np.array([1.0, 4.0, 2.0, 3.0]), 2)
(array([1., 2.]), array([0, 2], dtype=int32))""",
    "argmax": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.argmax(np.array([[1, 5, 2], [7, 0, 7]]), 1)
array([1, 0])""",
    "argmin": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.argmin(np.array([[1, 5, 2], [7, 0, 7]]), 1)
array([0, 1])""",
    "asin": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.asin(np.array([0.0]))
array([0.])""",
    "asinh": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.asinh(np.array([0.0]))
array([0.])""",
    "associative_scan": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.associative_scan(lax.add, np.array([1, 2, 3, 4]))
array([ 1,  3,  6, 10])""",
    "atan": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.atan(np.array([0.0, 1.0]))
array([0.        , 0.78539816])""",
    "atan2": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.atan2(np.array([1.0]), np.array([1.0]))
array([0.78539816])""",
    "atanh": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.atanh(np.array([0.0]))
array([0.])""",
    "batch_matmul": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.batch_matmul(np.ones((5, 2, 3)), np.ones((5, 3, 4))).shape
(5, 2, 4)""",
    "bessel_i0e": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.bessel_i0e(np.array([0.0]))
array([1.])""",
    "bessel_i1e": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.bessel_i1e(np.array([0.0]))
array([0.])""",
    "betainc": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.betainc(np.array([1.0]), np.array([1.0]), np.array([0.25]))
array([0.25])""",
    "bitcast_convert_type": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.bitcast_convert_type(np.array([1.0], np.float32), np.int32)
array([1065353216], dtype=int32)""",
    "bitwise_and": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.bitwise_and(np.array([12]), np.array([10]))
array([8])""",
    "bitwise_not": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.bitwise_not(np.array([0, 5], np.int8))
array([-1, -6], dtype=int8)""",
    "bitwise_or": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.bitwise_or(np.array([12]), np.array([10]))
array([14])""",
    "bitwise_xor": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.bitwise_xor(np.array([12]), np.array([10]))
array([6])""",
    "broadcast": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.broadcast(np.array([1, 2]), (3,)).shape
(3, 2)""",
    "broadcast_in_dim": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.broadcast_in_dim(np.array([1, 2]), (3, 2), (1,))
array([[1, 2],
       [1, 2],
       [1, 2]])""",
    "broadcast_like": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.broadcast_like(np.array([1, 2]), np.zeros((2, 2)))
array([[1, 2],
       [1, 2]])""",
    "broadcast_shapes": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.broadcast_shapes((2, 1), (1, 3))
(2, 3)""",
    "broadcast_to": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.broadcast_to(np.array([1, 2]), (2, 2))
array([[1, 2],
       [1, 2]])""",
    "broadcast_to_rank": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.broadcast_to_rank(np.array([1, 2]), 3).shape
(1, 1, 2)""",
    "broadcasted_iota": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.broadcasted_iota(np.int32, (2, 3), 1)
array([[0, 1, 2],
       [0, 1, 2]], dtype=int32)""",
    "cbrt": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.cbrt(np.array([27.0, -8.0]))
array([ 3., -2.])""",
    "ceil": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.ceil(np.array([-1.5, 0.2]))
array([-1.,  1.])""",
    "clamp": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.clamp(0.0, np.array([-1.0, 0.5, 2.0]), 1.0)
array([0. , 0.5, 1. ])""",
    "clz": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.clz(np.array([1, 255], np.uint8))
array([7, 0], dtype=uint8)""",
    "collapse": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.collapse(np.zeros((2, 3, 4)), 1, 3).shape
(2, 12)""",
    "complex": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.complex(np.array([1.0]), np.array([2.0]))
array([1.+2.j])""",
    "composite": """>>> import numpy as np
>>> from fungrad import lax
>>> double = lax.composite(lambda x: x * 2, name='my.double')
>>> double(np.array([1.0, 2.0]))
array([2., 4.])""",
    "concatenate": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.concatenate([np.array([1, 2]), np.array([3])], 0)
array([1, 2, 3])""",
    "conj": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.conj(np.array([1 + 2j]))
array([1.-2.j])""",
    "conv": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.conv(np.ones((1, 1, 5)), np.ones((1, 1, 3)), (1,), 'VALID')
array([[[3., 3., 3.]]])""",
    "conv_dimension_numbers": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.conv_dimension_numbers((1, 5, 5, 3), (3, 3, 3, 8), ('NHWC', 'HWIO', 'NHWC'))
ConvDimensionNumbers(lhs_spec=(0, 3, 1, 2), rhs_spec=(3, 2, 0, 1), out_spec=(0, 3, 1, 2))""",
    "conv_general_dilated": """>>> import numpy as np
>>> from fungrad import lax
>>> lhs, rhs = np.arange(5.0).reshape(1, 1, 5), np.ones((1, 1, 2))
>>> lax.conv_general_dilated(lhs, rhs, (1,), [(0, 0)], rhs_dilation=(2,))
array([[[2., 4., 6.]]])""",
    "conv_general_permutations": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.conv_general_permutations(('NHWC', 'HWIO', 'NHWC'))
((0, 3, 1, 2), (3, 2, 0, 1), (0, 3, 1, 2))""",
    "conv_general_shape_tuple": """>>> import numpy as np
>>> from fungrad import lax
>>> dn = ('NHWC', 'HWIO', 'NHWC')
>>> lax.conv_general_shape_tuple((1, 10, 10, 3), (3, 3, 3, 8), (2, 2), 'VALID', dn)
(1, 4, 4, 8)""",
    "conv_shape_tuple": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.conv_shape_tuple((1, 3, 10, 10), (8, 3, 3, 3), (1, 1), 'SAME')
(1, 8, 10, 10)""",
    "conv_transpose": """>>> import numpy as np
>>> from fungrad import lax
>>> x, k = np.ones((1, 3, 1)), np.ones((2, 1, 1))
>>> lax.conv_transpose(x, k, (2,), 'VALID', dimension_numbers=('NWC', 'WIO', 'NWC')).shape
(1, 6, 1)""",
    "conv_transpose_shape_tuple": """>>> import numpy as np
>>> from fungrad import lax
>>> dn = ('NHWC', 'HWIO', 'NHWC')
>>> lax.conv_transpose_shape_tuple((1, 5, 5, 3), (3, 3, 3, 8), (2, 2), 'SAME', dn)
(1, 10, 10, 8)""",
    "conv_with_general_padding": """>>> import numpy as np
>>> from fungrad import lax
>>> x, k = np.ones((1, 1, 4)), np.ones((1, 1, 3))
>>> lax.conv_with_general_padding(x, k, (1,), [(1, 1)], None, None)
array([[[2., 3., 3., 2.]]])""",
    "convert_element_type": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.convert_element_type(np.array([1.7, -1.7]), np.int32)
array([ 1, -1], dtype=int32)""",
    "cos": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.cos(np.array([0.0]))
array([1.])""",
    "cosh": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.cosh(np.array([0.0]))
array([1.])""",
    "create_token": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.create_token()
Token()""",
    "cumlogsumexp": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.cumlogsumexp(np.log(np.array([1.0, 2.0, 3.0])))
array([0.        , 1.09861229, 1.79175947])""",
    "cummax": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.cummax(np.array([1, 3, 2, 5]))
array([1, 3, 3, 5])""",
    "cummin": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.cummin(np.array([4, 3, 5, 1]))
array([4, 3, 3, 1])""",
    "cumprod": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.cumprod(np.array([1, 2, 3, 4]))
array([ 1,  2,  6, 24])""",
    "cumsum": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.cumsum(np.array([1, 2, 3, 4]))
array([ 1,  3,  6, 10])
>>> lax.cumsum(np.array([1, 2, 3, 4]), reverse=True)
array([10,  9,  7,  4])""",
    "custom_linear_solve": """>>> import numpy as np
>>> from fungrad import lax
>>> m = np.array([[2.0, 0.0], [0.0, 4.0]])
>>> lax.custom_linear_solve(lambda x: m @ x, np.array([2.0, 2.0]), lambda mv, b: b / np.diag(m))
array([1. , 0.5])""",
    "custom_root": """>>> import numpy as np
>>> from fungrad import lax
>>> import fungrad as fg
>>> def sqrt_newton(a):
...     f = lambda x: x * x - a
...     solve = lambda g, x0: lax.fori_loop(0, 20, lambda i, x: x - g(x) / (2 * x), x0)
...     return lax.custom_root(f, 1.0, solve, lambda g, y: y / g(1.0))
...
>>> sqrt_newton(2.0).round(6)
np.float64(1.414214)
>>> fg.grad(sqrt_newton)(2.0).round(6)
np.float64(0.353553)""",
    "digamma": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.digamma(np.array([1.0]))
array([-0.57721566])""",
    "div": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.div(np.array([7, -7]), np.array([2, 2]))
array([ 3, -3])""",
    "dot": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.dot(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0]))
array([3., 7.])""",
    "dot_general": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.dot_general(np.ones((2, 3)), np.ones((3, 4)), (((1,), (0,)), ((), ()))).shape
(2, 4)""",
    "dtype": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.dtype(np.ones(2, np.float32))
dtype('float32')""",
    "dynamic_index_in_dim": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.dynamic_index_in_dim(np.arange(6).reshape(2, 3), 1, keepdims=False)
array([3, 4, 5])""",
    "dynamic_slice": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.dynamic_slice(np.arange(10), (7,), (4,))
array([6, 7, 8, 9])""",
    "dynamic_slice_in_dim": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.dynamic_slice_in_dim(np.arange(12).reshape(3, 4), 1, 2, axis=1)
array([[ 1,  2],
       [ 5,  6],
       [ 9, 10]])""",
    "dynamic_update_index_in_dim": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.dynamic_update_index_in_dim(np.zeros((2, 3)), np.ones(3), 1, axis=0)
array([[0., 0., 0.],
       [1., 1., 1.]])""",
    "dynamic_update_slice": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.dynamic_update_slice(np.zeros(5), np.ones(2), (1,))
array([0., 1., 1., 0., 0.])""",
    "dynamic_update_slice_in_dim": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.dynamic_update_slice_in_dim(np.zeros((2, 3)), np.ones((2, 1)), 2, axis=1)
array([[0., 0., 1.],
       [0., 0., 1.]])""",
    "empty": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.empty((2,), np.float32)
array([0., 0.], dtype=float32)""",
    "eq": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.eq(np.array([1, 2]), np.array([1, 3]))
array([ True, False])""",
    "erf": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.erf(np.array([0.0]))
array([0.])""",
    "erf_inv": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.erf_inv(np.array([0.0]))
array([0.])""",
    "erfc": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.erfc(np.array([0.0]))
array([1.])""",
    "exp": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.exp(np.array([0.0, 1.0]))
array([1.        , 2.71828183])""",
    "exp2": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.exp2(np.array([3.0]))
array([8.])""",
    "expand_dims": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.expand_dims(np.array([1, 2]), (0,)).shape
(1, 2)""",
    "expm1": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.expm1(np.array([0.0]))
array([0.])""",
    "fft": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.fft(np.array([1.0, 0.0, 0.0, 0.0], complex), lax.FftType.FFT, (4,))
array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])""",
    "floor": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.floor(np.array([-1.5, 0.7]))
array([-2.,  0.])""",
    "full": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.full((2, 2), 7.0)
array([[7., 7.],
       [7., 7.]])""",
    "full_like": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.full_like(np.zeros(3, np.int32), 5)
array([5, 5, 5], dtype=int32)""",
    "gather": """>>> import numpy as np
>>> from fungrad import lax
>>> dn = lax.GatherDimensionNumbers((), (0,), (0,))  # single entries along axis 0
>>> lax.gather(np.array([10.0, 20.0, 30.0]), np.array([[2], [0]]), dn, (1,))
array([30., 10.])""",
    "ge": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.ge(np.array([1, 2]), np.array([2, 2]))
array([False,  True])""",
    "getitem": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.getitem(np.arange(10), (('slice', 2, 8, 3),))
array([2, 5])""",
    "gt": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.gt(np.array([1, 2]), np.array([2, 1]))
array([False,  True])""",
    "igamma": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.igamma(np.array([1.0]), np.array([1.0]))
array([0.63212056])""",
    "igammac": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.igammac(np.array([1.0]), np.array([1.0]))
array([0.36787944])""",
    "imag": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.imag(np.array([1 + 2j]))
array([2.])""",
    "index_in_dim": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.index_in_dim(np.arange(6).reshape(2, 3), 1, axis=0, keepdims=False)
array([3, 4, 5])""",
    "index_take": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.index_take(np.arange(12).reshape(3, 4), np.array([[0, 1], [2, 3]]), (0, 1))
array([2, 7])""",
    "integer_pow": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.integer_pow(np.array([2.0, 3.0]), 3)
array([ 8., 27.])""",
    "iota": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.iota(np.int32, 4)
array([0, 1, 2, 3], dtype=int32)""",
    "is_finite": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.is_finite(np.array([1.0, np.inf, np.nan]))
array([ True, False, False])""",
    "le": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.le(np.array([1, 2]), np.array([2, 2]))
array([ True,  True])""",
    "lgamma": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.lgamma(np.array([1.0, 4.0]))
array([0.        , 1.79175947])""",
    "log": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.log(np.array([1.0, np.e]))
array([0., 1.])""",
    "log1p": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.log1p(np.array([0.0]))
array([0.])""",
    "logistic": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.logistic(np.array([0.0, 1000.0]))
array([0.5, 1. ])""",
    "lt": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.lt(np.array([1, 2]), np.array([2, 2]))
array([ True, False])""",
    "max": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.max(np.array([1.0, 5.0]), np.array([3.0, 2.0]))
array([3., 5.])""",
    "min": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.min(np.array([1.0, 5.0]), np.array([3.0, 2.0]))
array([1., 2.])""",
    "mul": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.mul(np.array([2.0, 3.0]), np.array([4.0, 5.0]))
array([ 8., 15.])""",
    "mulhi": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.mulhi(np.array([2 ** 30], np.int32), np.array([8], np.int32))
array([2], dtype=int32)""",
    "ne": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.ne(np.array([1, 2]), np.array([1, 3]))
array([False,  True])""",
    "neg": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.neg(np.array([1, -2]))
array([-1,  2])""",
    "nextafter": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.nextafter(np.array([1.0], np.float32), np.array([2.0], np.float32))
array([1.0000001], dtype=float32)""",
    "optimization_barrier": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.optimization_barrier((np.array([1.0]), 2.0))
(array([1.]), 2.0)""",
    "pad": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.pad(np.array([1, 2, 3]), 0, [(1, 2, 1)])
array([0, 1, 0, 2, 0, 3, 0, 0])""",
    "padtype_to_pads": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.padtype_to_pads((10, 10), (3, 3), (2, 2), 'SAME')
((0, 1), (0, 1))""",
    "platform_dependent": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.platform_dependent(np.array([2.0]), cpu=lambda x: x * 10, default=lambda x: x)
array([20.])""",
    "polygamma": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.polygamma(np.array([1.0]), np.array([1.0]))
array([1.64493407])""",
    "population_count": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.population_count(np.array([7, 8], np.int32))
array([3, 1], dtype=int32)""",
    "pow": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.pow(np.array([2.0, 3.0]), np.array([3.0, 2.0]))
array([8., 9.])""",
    "ragged_dot": """>>> import numpy as np
>>> from fungrad import lax
>>> lhs, rhs = np.arange(6.0).reshape(3, 2), np.stack([np.eye(2), 2 * np.eye(2)])
>>> lax.ragged_dot(lhs, rhs, np.array([1, 2]))
array([[ 0.,  1.],
       [ 4.,  6.],
       [ 8., 10.]])""",
    "random_gamma_grad": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.random_gamma_grad(np.array([1.0]), np.array([0.5])).round(6)
array([0.806979])""",
    "real": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.real(np.array([1 + 2j]))
array([1.])""",
    "reciprocal": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reciprocal(np.array([4.0]))
array([0.25])""",
    "reduce": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reduce(np.array([[1.0, 2.0], [3.0, 4.0]]), 0.0, lax.add, (0,))
array([4., 6.])""",
    "reduce_and": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reduce_and(np.array([[True, False], [True, True]]), (1,))
array([False,  True])""",
    "reduce_max": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reduce_max(np.array([[1, 5], [3, 4]]), (0, 1))
array(5)""",
    "reduce_min": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reduce_min(np.array([[1, 5], [3, 4]]), (1,))
array([1, 3])""",
    "reduce_or": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reduce_or(np.array([[True, False], [False, False]]), (1,))
array([ True, False])""",
    "reduce_precision": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reduce_precision(np.array([1.0 + 2 ** -12]), exponent_bits=8, mantissa_bits=7)
array([1.])""",
    "reduce_prod": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reduce_prod(np.array([[1, 2], [3, 4]]), (1,))
array([ 2, 12])""",
    "reduce_sum": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reduce_sum(np.arange(6).reshape(2, 3), (0,))
array([3, 5, 7])""",
    "reduce_window": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reduce_window(np.array([1.0, 3.0, 2.0, 5.0]), -np.inf, lax.max, (2,), (1,), 'VALID')
array([3., 3., 5.])""",
    "reduce_window_shape_tuple": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reduce_window_shape_tuple((10, 10), (3, 3), (2, 2), [(0, 0), (1, 1)])
(4, 5)""",
    "reduce_xor": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reduce_xor(np.array([1, 2, 3], np.int32), (0,))
array(0, dtype=int32)""",
    "rem": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.rem(np.array([7.0, -7.0]), np.array([3.0, 3.0]))
array([ 1., -1.])""",
    "reshape": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.reshape(np.arange(6), (2, 3))
array([[0, 1, 2],
       [3, 4, 5]])""",
    "rev": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.rev(np.array([1, 2, 3]), (0,))
array([3, 2, 1])""",
    "round": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.round(np.array([0.5, 1.5, -2.5]))
array([ 1.,  2., -3.])
>>> lax.round(np.array([0.5, 1.5, 2.5]), lax.RoundingMethod.TO_NEAREST_EVEN)
array([0., 2., 2.])""",
    "rsqrt": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.rsqrt(np.array([4.0]))
array([0.5])""",
    "scatter": """>>> import numpy as np
>>> from fungrad import lax
>>> dn = lax.ScatterDimensionNumbers((), (0,), (0,))  # scatter single entries along axis 0
>>> lax.scatter(np.zeros(3), np.array([[2], [0]]), np.array([5.0, 7.0]), dn)
array([7., 0., 5.])""",
    "scatter_add": """>>> import numpy as np
>>> from fungrad import lax
>>> dn = lax.ScatterDimensionNumbers((), (0,), (0,))  # scatter single entries along axis 0
>>> lax.scatter_add(np.ones(3), np.array([[2], [2]]), np.array([5.0, 7.0]), dn)
array([ 1.,  1., 13.])""",
    "scatter_apply": """>>> import numpy as np
>>> from fungrad import lax
>>> dn = lax.ScatterDimensionNumbers((), (0,), (0,))  # scatter single entries along axis 0
>>> lax.scatter_apply(np.arange(3.0), np.array([[1]]), lambda v: v * 10, dn, update_shape=(1,))
array([ 0., 10.,  2.])""",
    "scatter_max": """>>> import numpy as np
>>> from fungrad import lax
>>> dn = lax.ScatterDimensionNumbers((), (0,), (0,))  # scatter single entries along axis 0
>>> lax.scatter_max(np.full(3, 2.0), np.array([[0], [1]]), np.array([1.0, 5.0]), dn)
array([2., 5., 2.])""",
    "scatter_min": """>>> import numpy as np
>>> from fungrad import lax
>>> dn = lax.ScatterDimensionNumbers((), (0,), (0,))  # scatter single entries along axis 0
>>> lax.scatter_min(np.full(3, 2.0), np.array([[0], [1]]), np.array([1.0, 5.0]), dn)
array([1., 2., 2.])""",
    "scatter_mul": """>>> import numpy as np
>>> from fungrad import lax
>>> dn = lax.ScatterDimensionNumbers((), (0,), (0,))  # scatter single entries along axis 0
>>> lax.scatter_mul(np.full(3, 2.0), np.array([[0]]), np.array([5.0]), dn)
array([10.,  2.,  2.])""",
    "scatter_sub": """>>> import numpy as np
>>> from fungrad import lax
>>> dn = lax.ScatterDimensionNumbers((), (0,), (0,))  # scatter single entries along axis 0
>>> lax.scatter_sub(np.ones(3), np.array([[1]]), np.array([5.0]), dn)
array([ 1., -4.,  1.])""",
    "select": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.select(np.array([True, False]), np.array([1.0, 2.0]), np.array([10.0, 20.0]))
array([ 1., 20.])""",
    "select_n": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.select_n(np.array([0, 2, 1]), np.array([1, 1, 1]), np.array([2, 2, 2]), np.array([3, 3, 3]))
array([1, 3, 2])""",
    "shift_left": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.shift_left(np.array([1, 3], np.int32), np.array([2, 1], np.int32))
array([4, 6], dtype=int32)""",
    "shift_right_arithmetic": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.shift_right_arithmetic(np.array([-8], np.int8), np.array([1], np.int8))
array([-4], dtype=int8)""",
    "shift_right_logical": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.shift_right_logical(np.array([-8], np.int8), np.array([1], np.int8))
array([124], dtype=int8)""",
    "sign": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.sign(np.array([-3.0, 0.0, 2.0]))
array([-1.,  0.,  1.])""",
    "sin": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.sin(np.array([0.0]))
array([0.])""",
    "sinh": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.sinh(np.array([0.0]))
array([0.])""",
    "slice": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.slice(np.arange(10), (1,), (9,), (3,))
array([1, 4, 7])""",
    "slice_in_dim": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.slice_in_dim(np.arange(12).reshape(3, 4), 1, 3, axis=1)
array([[ 1,  2],
       [ 5,  6],
       [ 9, 10]])""",
    "sort": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.sort(np.array([3, 1, 2]))
array([1, 2, 3])""",
    "sort_key_val": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.sort_key_val(np.array([3, 1, 2]), np.array([30, 10, 20]))
(array([1, 2, 3]), array([10, 20, 30]))""",
    "split": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.split(np.arange(5), (2, 3))
[array([0, 1]), array([2, 3, 4])]""",
    "sqrt": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.sqrt(np.array([4.0, 9.0]))
array([2., 3.])""",
    "square": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.square(np.array([3.0, -2.0]))
array([9., 4.])""",
    "squeeze": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.squeeze(np.zeros((1, 3, 1)), (0, 2)).shape
(3,)""",
    "stack": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.stack([np.array([1, 2]), np.array([3, 4])], axis=1)
array([[1, 3],
       [2, 4]])""",
    "stop_gradient": """>>> import numpy as np
>>> from fungrad import lax
>>> import fungrad as fg
>>> fg.grad(lambda x: x * lax.stop_gradient(x))(3.0)
array(3.)""",
    "sub": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.sub(np.array([5, 6]), np.array([1, 1]))
array([4, 5])""",
    "tan": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.tan(np.array([0.0]))
array([0.])""",
    "tanh": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.tanh(np.array([0.0]))
array([0.])""",
    "tile": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.tile(np.array([[1, 2]]), (2, 2))
array([[1, 2, 1, 2],
       [1, 2, 1, 2]])""",
    "top_k": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.top_k(np.array([1.0, 4.0, 2.0, 3.0]), 2)
(array([4., 3.]), array([1, 3], dtype=int32))""",
    "transpose": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.transpose(np.arange(6).reshape(2, 3), (1, 0))
array([[0, 3],
       [1, 4],
       [2, 5]])""",
    "unstack": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.unstack(np.array([[1, 2], [3, 4]]))
(array([1, 2]), array([3, 4]))""",
    "with_sharding_constraint": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.with_sharding_constraint(np.array([1.0]), None)
array([1.])""",
    "zeros_like_array": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.zeros_like_array(np.array([1.5, 2.5]))
array([0., 0.])""",
    "zeta": """>>> import numpy as np
>>> from fungrad import lax
>>> lax.zeta(np.array([2.0]), np.array([1.0]))
array([1.64493407])""",
}


def _attach_examples():
    import sys

    from fungrad._lax import conv as _conv
    from fungrad._lax import fft as _fft
    homes = (sys.modules[__name__].__dict__, vars(_api), vars(_conv), vars(_fft))
    _add_examples(_EXAMPLES, lambda name: next(h[name] for h in homes if name in h))


_attach_examples()
