"""Abstract values: shape + dtype (+ weak type), interned so that shape inference allocates little.

Imports: _core.dtypes, _core.cache.
"""
import numpy as np

from fungrad._core.cache import lru_cache_table
from fungrad._core.dtypes import float0, is_float, python_scalar_dtype, short_name


class ShapedArray:
    """Any array of this shape and dtype. `weak_type` marks values born from Python scalars."""

    __slots__ = ("shape", "dtype", "weak_type", "ndim")

    def __init__(self, shape, dtype, weak_type=False):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype) if not isinstance(dtype, np.dtype) else dtype
        self.weak_type = weak_type
        self.ndim = len(self.shape)

    @property
    def size(self):
        n = 1
        for d in self.shape:
            n *= d
        return n

    def __eq__(self, other):
        return (isinstance(other, ShapedArray) and self.shape == other.shape
                and self.dtype == other.dtype)

    def __hash__(self):
        return hash((self.shape, self.dtype))

    def str_short(self) -> str:
        """`f64[3,4]`: the notation used in IR listings and error messages."""
        return f"{short_name(self.dtype)}[{','.join(map(str, self.shape))}]"

    __str__ = str_short

    def __repr__(self):
        return f"ShapedArray({self.str_short()}{', weak' if self.weak_type else ''})"

    def to_tangent_aval(self):
        """The aval of this value's tangents: same shape; float0 for integer/bool values."""
        if is_float(self.dtype):
            return self if not self.weak_type else shaped(self.shape, self.dtype)
        return shaped(self.shape, float0)

    def update(self, shape=None, dtype=None):
        return shaped(self.shape if shape is None else shape,
                      self.dtype if dtype is None else dtype)


_avals = lru_cache_table("avals", 100_000)
_interned = _avals.fast


def shaped(shape, dtype, weak_type=False) -> ShapedArray:
    """The interned ShapedArray for (shape, dtype, weak_type)."""
    key = (shape, dtype, weak_type)
    try:
        return _interned[key]
    except KeyError:
        aval = ShapedArray(shape, dtype, weak_type)
        _avals[key] = aval
        return aval
    except TypeError:  # unhashable shape such as a list
        return shaped(tuple(shape), np.dtype(dtype), weak_type)


_SCALAR_TYPES = (bool, int, float, complex)


def aval_of_constant(x) -> ShapedArray:
    """The aval of a non-traced value: an ndarray, a numpy scalar, or a (weak) Python scalar."""
    if type(x) is np.ndarray or isinstance(x, (np.ndarray, np.generic)):
        return shaped(x.shape, x.dtype)
    if isinstance(x, _SCALAR_TYPES):
        return shaped((), python_scalar_dtype(x), True)
    raise TypeError(
        f"Value of type {type(x).__name__} is not a valid fungrad array; "
        "pass numpy arrays, Python scalars or pytrees (tuples, lists, dicts) of them.")
