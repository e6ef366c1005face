"""Creation functions: tensor, as_tensor, from_numpy, zeros/ones/full/empty, rand/randn/randint,
arange, linspace, eye, the *_like family and manual_seed.

Differs from torch: random numbers come from numpy's generator, so seeded values differ.
"""
import numpy as np

from fungrad._core.trace import Tracer
from fungrad.torch import _dtype
from fungrad.torch._dtype import to_np
from fungrad.torch._tensor import Tensor, _new

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "rand", "randn",
           "randint", "arange", "linspace", "eye", "zeros_like", "ones_like", "full_like",
           "empty_like", "rand_like", "randn_like", "manual_seed", "scalar_tensor"]

_E5 = "Only Tensors of floating point and complex dtype can require gradients"
_rng = [np.random.default_rng(0)]


def manual_seed(seed):
    _rng[0] = np.random.default_rng(seed)


def _leaf(value, requires_grad):
    if requires_grad and value.dtype.kind not in "fc":
        raise RuntimeError(_E5)
    return _new(value, bool(requires_grad))


def _infer_dtype(data):
    """torch's dtype for Python data: bool, int64, or the default float for any float."""
    kinds = set()

    def walk(x):
        if isinstance(x, (list, tuple)):
            for y in x:
                walk(y)
        elif isinstance(x, Tensor):
            kinds.add(x._value.dtype.kind)
        elif isinstance(x, bool):
            kinds.add("b")
        elif isinstance(x, (int, np.integer)):
            kinds.add("i")
        else:
            kinds.add("f")
    walk(data)
    if "f" in kinds or not kinds:
        return _dtype.DEFAULT.np
    return np.dtype(np.int64) if "i" in kinds else np.dtype(np.bool_)


def _unwrap(data):
    if isinstance(data, Tensor):
        return np.asarray(data._value)
    if isinstance(data, (list, tuple)):
        return [_unwrap(d) for d in data]
    return data


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    if isinstance(data, Tracer):
        return _leaf(data, requires_grad)
    if isinstance(data, np.ndarray):
        arr = np.array(data, dtype=to_np(dtype), copy=True)
    elif isinstance(data, Tensor):
        arr = np.array(data._value, dtype=to_np(dtype), copy=True)
    else:
        arr = np.array(_unwrap(data), dtype=to_np(dtype) or _infer_dtype(data))
    return _leaf(arr, requires_grad)


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor):
        return data if dtype is None or to_np(dtype) == data._value.dtype else data.to(dtype)
    if isinstance(data, np.ndarray):
        return _new(data if dtype is None else data.astype(to_np(dtype)))
    return tensor(data, dtype)


def from_numpy(arr):
    return _new(arr)


def scalar_tensor(v, dtype=None, requires_grad=False):
    return tensor(v, dtype=dtype or _dtype.DEFAULT, requires_grad=requires_grad)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(int(s) for s in size)


def _factory(fill):
    def f(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None):
        dt = to_np(dtype) or _dtype.DEFAULT.np
        return _leaf(fill(_size(size), dt), requires_grad)
    return f


zeros = _factory(lambda s, dt: np.zeros(s, dt))
ones = _factory(lambda s, dt: np.ones(s, dt))
empty = _factory(lambda s, dt: np.zeros(s, dt))
rand = _factory(lambda s, dt: _rng[0].random(s).astype(dt))
randn = _factory(lambda s, dt: _rng[0].standard_normal(s).astype(dt))


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    if dtype is None:
        dt = (np.dtype(np.bool_) if isinstance(fill_value, bool) else np.dtype(np.int64)
              if isinstance(fill_value, int) else _dtype.DEFAULT.np)
    else:
        dt = to_np(dtype)
    return _leaf(np.full(tuple(size), fill_value, dt), requires_grad)


def randint(low, high=None, size=None, *, dtype=None, requires_grad=False):
    if high is None:
        low, high = 0, low
    return _leaf(_rng[0].integers(low, high, tuple(size)).astype(to_np(dtype) or np.int64),
                 requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    vals = [v._value.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if dtype is None:
        dt = np.dtype(np.int64) if all(isinstance(v, (int, np.integer)) for v in vals) \
            else _dtype.DEFAULT.np
    else:
        dt = to_np(dtype)
    return _leaf(np.arange(*vals, dtype=np.float64).astype(dt), requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    dt = to_np(dtype) or _dtype.DEFAULT.np
    return _leaf(np.linspace(start, end, steps).astype(dt), requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    return _leaf(np.eye(n, m, dtype=to_np(dtype) or _dtype.DEFAULT.np), requires_grad)


def _like(fill):
    def f(t, dtype=None, *, requires_grad=False, device=None, memory_format=None):
        dt = to_np(dtype) or t._value.dtype
        return _leaf(fill(tuple(t.shape), dt), requires_grad)
    return f


zeros_like = _like(lambda s, dt: np.zeros(s, dt))
ones_like = _like(lambda s, dt: np.ones(s, dt))
empty_like = _like(lambda s, dt: np.zeros(s, dt))
rand_like = _like(lambda s, dt: _rng[0].random(s).astype(dt))
randn_like = _like(lambda s, dt: _rng[0].standard_normal(s).astype(dt))


def full_like(t, fill_value, dtype=None, *, requires_grad=False, device=None):
    dt = to_np(dtype) or t._value.dtype
    return _leaf(np.full(tuple(t.shape), fill_value, dt), requires_grad)
