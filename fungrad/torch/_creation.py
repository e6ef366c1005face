"""Creation functions: tensor, as_tensor, from_numpy, zeros/ones/full/empty, rand/randn/randint/
randperm/normal, arange, linspace, logspace, eye, the *_like family and manual_seed.

Every function takes torch's ``dtype=``, ``device=`` ('cpu'; CUDA raises torch's CPU-build error),
``requires_grad=`` and, for random ones, ``generator=`` arguments.

Differs from torch: random numbers come from numpy's generator (fungrad.torch.Generator), so
seeded values differ from torch's.
"""
import numpy as np

from fungrad.torch import _dtype
from fungrad.torch._device import check_device
from fungrad.torch._dtype import to_np
from fungrad.torch._generator import default_generator, numpy_rng
from fungrad.torch._tensor import Tensor, Tracer, _new  # Tracer: the core's, as _tensor imports it
from fungrad.torch._util import dim_int, int_list, refuse

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "rand", "randn",
           "randint", "randperm", "normal", "bernoulli", "multinomial", "arange", "linspace",
           "logspace", "eye", "zeros_like", "ones_like", "full_like", "empty_like", "rand_like",
           "randn_like", "randint_like", "manual_seed", "scalar_tensor"]

_E5 = "Only Tensors of floating point and complex dtype can require gradients"


class _DefaultRng:
    """``_rng[0]``: the numpy Generator of torch.default_generator (read by nn.functional)."""

    def __getitem__(self, i):
        return default_generator._np


_rng = _DefaultRng()


def manual_seed(seed):
    """Seeds the default generator and returns it, as torch.manual_seed."""
    return default_generator.manual_seed(seed)


def _leaf(value, requires_grad, device=None):
    check_device(device)
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
        elif isinstance(x, np.ndarray):
            kinds.add(x.dtype.kind)
        elif isinstance(x, (bool, np.bool_)):
            kinds.add("b")
        elif isinstance(x, (int, np.integer)):
            kinds.add("i")
        elif isinstance(x, (complex, np.complexfloating)):
            kinds.add("c")
        elif isinstance(x, (float, np.floating)) or hasattr(x, "__float__"):
            kinds.add("f")
        else:
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
    walk(data)
    if "c" in kinds:  # torch's default complex dtype: complex64 beside float32
        return np.dtype(np.complex128 if _dtype.DEFAULT.np == np.float64 else np.complex64)
    if "f" in kinds or not kinds:
        return _dtype.DEFAULT.np
    return np.dtype(np.int64) if "i" in kinds or "u" in kinds else np.dtype(np.bool_)


def _unwrap(data):
    if isinstance(data, Tensor):
        return np.asarray(data._value)
    if isinstance(data, (list, tuple)):
        return [_unwrap(d) for d in data]
    return data


def _dt(dtype, default=None):
    npd = to_np(dtype)
    return npd if npd is not None else (default if default is not None else _dtype.DEFAULT.np)


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    if isinstance(data, Tracer):
        return _leaf(data, requires_grad, device)
    if isinstance(data, np.ndarray):
        arr = np.array(data, dtype=to_np(dtype), copy=True)
    elif isinstance(data, Tensor):
        arr = np.array(data._value, dtype=to_np(dtype), copy=True)
    else:
        arr = np.array(_unwrap(data), dtype=to_np(dtype) or _infer_dtype(data))
    return _leaf(arr, requires_grad, device)


def as_tensor(data, dtype=None, device=None):
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or to_np(dtype) == data._value.dtype else data.to(dtype)
    if isinstance(data, np.ndarray):
        return _new(data if dtype is None else data.astype(to_np(dtype)))
    return tensor(data, dtype)


def from_numpy(arr):
    return _new(arr)


def scalar_tensor(v, dtype=None, device=None, requires_grad=False):
    return tensor(v, dtype=dtype or _dtype.DEFAULT, device=device, requires_grad=requires_grad)


def _size(size, name="size"):
    """A factory's shape from its ``*size`` (ints, or one sequence of them), with torch's
    TypeError for any other element and RuntimeError for a negative dimension."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for i, s in enumerate(size):
        if isinstance(s, Tensor) and s._value.size == 1 and s._value.dtype.kind in "iu":
            s = int(s)
        if not isinstance(s, (int, np.integer)) or isinstance(s, (bool, np.bool_)):
            what = (f"not {type(s).__name__}" if len(size) == 1 else
                    f"but found element of type {type(s).__name__} at pos {i}")
            raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, "
                            f"{what}")
        if not -2 ** 63 <= s < 2 ** 63:
            raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos "
                            f"{i + 1} with error \"Overflow when unpacking long long\"")
        out.append(int(s))
    if any(s < 0 for s in out):
        bad = next(s for s in out if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {out}")
    return tuple(out)


def _factory(fill, random=False):
    def f(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None,
          pin_memory=False, generator=None, memory_format=None, names=None):
        shape = _size(size, fill.__name__.strip("_"))
        dt = _dt(dtype)
        if random:
            if dt.kind != "f":
                name = fill.__name__.strip("_")
                raise RuntimeError(f"\"{name}_cpu\" not implemented for "
                                   f"'{_dtype._TYPE_NAMES.get(dt.name, dt.name)}'")
            value = fill(shape, dt, numpy_rng(generator))
        else:
            value = fill(shape, dt)
        return _out(_leaf(value, requires_grad, device), out)
    f.__name__ = fill.__name__.strip("_")
    return f


def _out(t, out):
    if out is None:
        return t
    out._value = t._value
    out._vc.v += 1
    return out


def _zeros(s, dt):
    return np.zeros(s, dt)


def _ones(s, dt):
    return np.ones(s, dt)


def _empty(s, dt):
    return np.zeros(s, dt)


def _rand(s, dt, g):
    return g.random(s).astype(dt)


def _randn(s, dt, g):
    return g.standard_normal(s).astype(dt)


zeros = _factory(_zeros)
ones = _factory(_ones)
empty = _factory(_empty)
rand = _factory(_rand, random=True)
randn = _factory(_randn, random=True)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, out=None,
         layout=None, pin_memory=False):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dt = (np.dtype(np.bool_) if isinstance(fill_value, bool) else np.dtype(np.int64)
              if isinstance(fill_value, int) else _dtype.DEFAULT.np)
    else:
        dt = to_np(dtype)
    size = int_list(size, "full", "size")
    return _out(_leaf(np.full(size, fill_value, dt), requires_grad, device), out)


def randint(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False,
            out=None, layout=None, pin_memory=False, low=None, high=None):
    """torch.randint(high, size), randint(low, high, size), with size positional or keyword."""
    pos = list(args)
    if size is None and pos and isinstance(pos[-1], (tuple, list, Tensor)) and \
            not isinstance(pos[-1], Tensor):
        size = pos.pop()
    if high is not None:
        pos = ([low] if low is not None else []) + pos + [high]
    elif low is not None:
        pos = [low] + pos
    if len(pos) == 1:
        lo, hi = 0, pos[0]
    elif len(pos) == 2:
        lo, hi = pos
    else:
        raise TypeError("randint() received an invalid combination of arguments - expected one of"
                        " (int high, tuple of ints size, ...) or (int low, int high, tuple of "
                        "ints size, ...)")
    if size is None:
        raise TypeError("randint() missing 1 required positional arguments: \"size\"")
    lo, hi = int(lo), int(hi)
    if lo >= hi:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= "
                           f"to={hi}")
    vals = numpy_rng(generator).integers(lo, hi, tuple(int(s) for s in size))
    return _out(_leaf(vals.astype(_dt(dtype, np.dtype(np.int64))), requires_grad, device), out)


def randint_like(input, low=None, high=None, *, dtype=None, device=None, requires_grad=False,
                 generator=None, memory_format=None, layout=None):
    if low is None:
        raise TypeError("randint_like() received an invalid combination of arguments - got "
                        "(Tensor), but expected one of: (Tensor input, int high, ...), (Tensor "
                        "input, int low, int high, ...)")
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device,
                   requires_grad=requires_grad, generator=generator)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, out=None,
             layout=None, pin_memory=False):
    n = dim_int(n, "n")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    perm = numpy_rng(generator).permutation(int(n))
    return _out(_leaf(perm.astype(_dt(dtype, np.dtype(np.int64))), requires_grad, device), out)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, device=None,
           requires_grad=False, layout=None, pin_memory=False):
    """torch.normal(mean, std[, size]): float or Tensor mean/std (broadcast together)."""
    g = numpy_rng(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    for name, v, is_t in (("mean", mean, mt), ("std", std, st)):
        if not is_t and (size is None and not (mt or st) or type(v) not in (int, float)):
            raise TypeError(f"normal(): argument '{name}' (position "
                            f"{1 if name == 'mean' else 2}) must be Tensor, not "
                            f"{type(v).__name__}")
    if (np.asarray(std._value if st else std) < 0).any():
        raise RuntimeError(f"normal expects std >= 0.0, but found std "
                           f"{std if not st else np.asarray(std._value).min()}")
    if mt or st:
        m = np.asarray(mean._value if mt else mean)
        s = np.asarray(std._value if st else std)
        dt = (mean if mt else std)._value.dtype
        shape = np.broadcast_shapes(m.shape, s.shape)
        value = (m + s * g.standard_normal(shape)).astype(dt)
    else:
        shape = tuple(size) if size is not None else ()
        value = (mean + std * g.standard_normal(shape)).astype(_dt(dtype))
    return _out(_leaf(value, requires_grad, device), out)


_P_IN = ("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message "
         "be improved?  If so, please report an enhancement request to PyTorch.)")


def bernoulli_p(p, self_dtype=None):
    """bernoulli's probabilities, with torch's checks: a tensor (floating, of values in [0, 1])
    or a number in [0, 1] (then ``self_dtype``, the filled tensor's, must not be complex)."""
    if isinstance(p, Tensor):
        v = np.asarray(p._value)
        if v.dtype.kind != "f":
            kernel = "self" if v.dtype.kind == "c" and self_dtype is None else "p"
            raise refuse(f"bernoulli_tensor_cpu_{kernel}_", v.dtype)
        if v.size and not ((v >= 0) & (v <= 1)).all():
            raise RuntimeError(_P_IN)
        return v
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={float(p):g}")
    if self_dtype is not None and self_dtype.kind == "c":
        raise refuse("bernoulli_scalar_cpu_", self_dtype)
    return p


def bernoulli(input, p=None, *, generator=None, out=None):
    probs = bernoulli_p(input) if p is None else np.full(
        tuple(input.shape), bernoulli_p(p, input._value.dtype))
    draw = numpy_rng(generator).random(probs.shape) < probs
    return _out(_new(draw.astype(input._value.dtype)), out)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    num_samples = dim_int(num_samples, "num_samples")
    g = numpy_rng(generator)
    probs = np.asarray(input._value, np.float64)
    rows = probs.reshape(-1, probs.shape[-1])
    res = []
    for r in rows:
        q = r / r.sum()
        res.append(g.choice(len(q), size=num_samples, replace=replacement, p=q))
    res = np.asarray(res, np.int64)
    return _out(_new(res if probs.ndim == 2 else res[0]), out)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None,
           layout=None, pin_memory=False):
    if end is None:
        start, end = 0, start
    vals = [v._value.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    lo, hi, st = vals
    if st == 0:
        raise RuntimeError("step must be nonzero")
    if (hi - lo) * st < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        dt = np.dtype(np.int64) if all(isinstance(v, (int, np.integer)) for v in vals) \
            else _dtype.DEFAULT.np
    else:
        dt = to_np(dtype)
    return _out(_leaf(np.arange(*vals, dtype=np.float64).astype(dt), requires_grad, device), out)


def _steps(name, start, end, steps):
    """torch's checks of linspace/logspace: 0-d tensor bounds, an int number of steps >= 0."""
    steps = dim_int(steps, "steps")  # torch's argument parser first
    for what, b in (("start", start), ("end", end)):
        if isinstance(b, Tensor) and b.ndim:
            raise RuntimeError(f"{name} only supports 0-dimensional start and end tensors, but "
                               f"got {what} with {b.ndim} dimension(s).")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return steps


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, out=None,
             layout=None, pin_memory=False):
    steps = _steps("linspace", start, end, steps)
    return _out(_leaf(np.linspace(float(start), float(end), int(steps)).astype(_dt(dtype)),
                      requires_grad, device), out)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False,
             out=None, layout=None, pin_memory=False):
    steps = _steps("logspace", start, end, steps)
    vals = np.logspace(float(start), float(end), int(steps), base=base).astype(_dt(dtype))
    return _out(_leaf(vals, requires_grad, device), out)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, out=None, layout=None,
        pin_memory=False):
    n = dim_int(n, "n")
    m = None if m is None else dim_int(m, "m")
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _out(_leaf(np.eye(n, m, dtype=_dt(dtype)), requires_grad, device), out)


def _like(fill, random=False):
    def f(t, dtype=None, *, requires_grad=False, device=None, memory_format=None, layout=None,
          pin_memory=False, generator=None):
        dt = to_np(dtype) or t._value.dtype
        shape = tuple(t.shape)
        value = fill(shape, dt, numpy_rng(generator)) if random else fill(shape, dt)
        return _leaf(value, requires_grad, device)
    return f


zeros_like = _like(_zeros)
ones_like = _like(_ones)
empty_like = _like(_empty)
rand_like = _like(_rand, random=True)
randn_like = _like(_randn, random=True)


def full_like(t, fill_value, dtype=None, *, requires_grad=False, device=None, layout=None,
              memory_format=None, pin_memory=False):
    dt = to_np(dtype) or t._value.dtype
    return _leaf(np.full(tuple(t.shape), fill_value, dt), requires_grad, device)
