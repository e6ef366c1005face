"""Array creation of the numpy API. Results are concrete numpy arrays (constants to any trace),
except `array`/`asarray` of traced values, which stack them.

Imports: _core, numpy._promote, numpy.shape.
"""
import numpy as np

from fungrad._core.trace import Tracer, get_aval
from fungrad._core.tree import tree_leaves
from fungrad.numpy._promote import cast
from fungrad.numpy.shape import stack


def _contains_tracer(obj):
    return any(isinstance(x, Tracer) for x in tree_leaves(obj))


def array(object, dtype=None, copy=True):
    """Like numpy.array; a (nested) list containing traced values is stacked into a traced array."""
    if isinstance(object, Tracer):
        return object if dtype is None else cast(object, np.dtype(dtype))
    if isinstance(object, (list, tuple)) and _contains_tracer(object):
        out = stack([array(o) for o in object])
        return out if dtype is None else cast(out, np.dtype(dtype))
    return np.array(object, dtype=dtype, copy=copy)


def asarray(a, dtype=None):
    if isinstance(a, (list, tuple)) or isinstance(a, Tracer):
        return array(a, dtype=dtype)
    return np.asarray(a, dtype=dtype)


def astype(x, dtype):
    return cast(asarray(x), np.dtype(dtype))


def _shape_of(a):
    return get_aval(a).shape if isinstance(a, Tracer) else np.shape(a)


def _dtype_of(a, dtype):
    if dtype is not None:
        return dtype
    return get_aval(a).dtype if isinstance(a, Tracer) else np.asarray(a).dtype


zeros = np.zeros
ones = np.ones
empty = np.zeros  # never uninitialized: traced programs must be deterministic
full = np.full
eye = np.eye
identity = np.identity
arange = np.arange
linspace = np.linspace


def zeros_like(a, dtype=None, shape=None):
    return np.zeros(_shape_of(a) if shape is None else shape, _dtype_of(a, dtype))


def ones_like(a, dtype=None, shape=None):
    return np.ones(_shape_of(a) if shape is None else shape, _dtype_of(a, dtype))


def empty_like(a, dtype=None, shape=None):
    return zeros_like(a, dtype, shape)


def full_like(a, fill_value, dtype=None, shape=None):
    return np.full(_shape_of(a) if shape is None else shape, fill_value, _dtype_of(a, dtype))
