"""Small helpers shared by the op modules: values of operands, casts, dims."""
import numpy as np

import fungrad.numpy as _fnp
from fungrad import lax as _lax
from fungrad.extend import cast as _fcast
from fungrad.torch._dtype import _TYPE_NAMES, result_dtype
from fungrad.torch._tensor import Tensor

F32 = np.dtype(np.float32)
_PY = (bool, int, float)


def val(a):
    return a._value if isinstance(a, Tensor) else a


def kept(*ts):
    """The integer or bool tensors among ``ts`` (an index, a target, a mask) that torch's node
    saves, as extra operands of the recorded node, so that they are version-checked as torch
    checks them (the op's function takes them and uses the values it was called with)."""
    return [t for t in ts if isinstance(t, Tensor)]


def common(*args, inexact=False):
    """torch's result dtype of the operands (float32 for int/int when ``inexact``)."""
    if len(args) == 2:  # the common cases first: two tensors of one dtype; a floating tensor
        a, b = args     # and a Python number (the tensor's dtype wins whatever the number)
        dt = None
        if isinstance(a, Tensor):
            da = a._value.dtype
            if isinstance(b, Tensor):
                if b._value.dtype == da:
                    dt = da
            elif type(b) in _PY and da.kind in "fc":
                dt = da
        elif type(a) in _PY and isinstance(b, Tensor) and b._value.dtype.kind in "fc":
            dt = b._value.dtype
        if dt is not None and (not inexact or dt.kind in "fc"):
            return dt
    dt = result_dtype([val(a) if not isinstance(val(a), (list, tuple)) else np.asarray(val(a))
                       for a in args])
    if inexact and dt.kind not in "fc":
        dt = F32
    return dt


def cast(x, dt):
    """``x`` (a value inside an op function) as dtype ``dt``; Python scalars stay weak."""
    if type(x) in _PY:
        return x if dt.kind in "fc" or type(x) is not float else dt.type(x)
    if type(x) is complex:  # weak too (a complex dt: the operand's promotion made it one)
        return x
    if x.dtype == dt:
        return x
    return _fcast(x, dt)


def norm_dim(d, ndim):
    """``d`` as a dim of a rank-``ndim`` tensor, in [0, ndim) (a 0-d tensor has dims -1 and 0),
    with torch's errors: IndexError "Dimension out of range", TypeError for a dim that is not an
    int (a 0-d integer tensor is one, as in torch's argument parser)."""
    if type(d) is not int:
        d = dim_int(d)
    nd = ndim if ndim > 0 else 1
    if not -nd <= d < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], "
                         f"but got {d})")
    return d + nd if d < 0 else d


def shape_dim(dim, shape):
    """A dim of a tensor of ``shape`` as torch checks it in size(dim) and stride(dim) (a 0-d
    tensor has none)."""
    if not shape:
        raise IndexError(f"Dimension specified as {dim_int(dim)} but tensor has no dimensions")
    return norm_dim(dim, len(shape))


def dim_int(d, arg="dim"):
    """``d`` (given for an int argument of torch's: a dim, a size) as an int: a Python or numpy
    integer, or a 0-d integer tensor; anything else (bool, float, a string, a sequence, a
    floating or multi-element tensor) is torch's TypeError."""
    if type(d) is int:
        return d
    if isinstance(d, Tensor):
        v = d._value
        if v.ndim == 0 and v.dtype.kind in "iu":
            return int(v)
    elif isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_)):
        return int(d)
    raise TypeError(f"argument '{arg}' must be int, not {type(d).__name__}")


_INT64 = 2 ** 63


def int_list(seq, name, arg, pos=1):
    """``seq`` (given for a "tuple of ints" argument of torch's ``name``: a shape, dims) as a
    tuple of ints, with the errors of torch's argument parser: TypeError for a value that is not
    a tuple or list, for an element that is not an int (a 0-d integer tensor is one), for an int
    beyond int64."""
    if not isinstance(seq, (tuple, list)):
        raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be tuple of ints, not "
                        f"{type(seq).__name__}")
    for s in seq:  # the common case: ints in range
        if type(s) is not int or not -_INT64 <= s < _INT64:
            break
    else:
        return tuple(seq)
    out = []
    for i, s in enumerate(seq):
        if type(s) is not int:
            try:
                s = dim_int(s)
            except TypeError:
                raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be tuple of "
                                f"ints, but found element of type {type(s).__name__} at pos "
                                f"{i}") from None
        if not -_INT64 <= s < _INT64:
            raise TypeError(f"{name}(): argument '{arg}' failed to unpack the object at pos "
                            f"{i + 1} with error \"Overflow when unpacking long long\"")
        out.append(s)
    return tuple(out)


def dims_of(dim, ndim):
    """A dim or a sequence of dims as a tuple of dims in [0, ndim) (None stays None); a dim
    given twice is torch's RuntimeError."""
    if dim is None:
        return None
    if type(dim) is int:
        return (norm_dim(dim, ndim),)
    if not isinstance(dim, (tuple, list)):
        return (norm_dim(dim, ndim),)
    out = tuple(norm_dim(d, ndim) for d in dim)
    if len(set(out)) != len(out):
        for i, d in enumerate(out):
            if d in out[:i]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return out


_COMPLEX_NAMES = {"complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def scalar_name(npd):
    """torch's name of a dtype in its messages: Float, Long, Bool, ComplexFloat."""
    n = npd.name
    return _TYPE_NAMES.get(n) or _COMPLEX_NAMES.get(n, n)


_INDEX_32_64 = (np.dtype(np.int32), np.dtype(np.int64))
_INDEX_64 = (np.dtype(np.int64),)


def index_dtype(index, message, allowed=_INDEX_32_64, error=RuntimeError):
    """torch's error for an index tensor of another dtype than ``allowed`` (int32/int64, or
    int64 only): ``message`` with {} for torch's dtype name."""
    dt = getattr(val(index), "dtype", None)
    if dt is not None and np.dtype(dt) not in allowed:
        raise error(message.format(scalar_name(np.dtype(dt))))


def broadcast_shape(sa, sb):
    """The broadcast of two shapes, or torch's RuntimeError naming the first dim (from the
    right) where they differ."""
    try:
        return np.broadcast_shapes(sa, sb)
    except ValueError:
        n = max(len(sa), len(sb))
        for i in range(1, n + 1):
            x = sa[-i] if i <= len(sa) else 1
            y = sb[-i] if i <= len(sb) else 1
            if x != y and x != 1 and y != 1:
                raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b "
                                   f"({y}) at non-singleton dimension {n - i}") from None
        raise


def refuse(kernel, dt):
    """torch's error for an operand dtype a kernel does not take: ``kernel`` is torch's kernel
    name (its NotImplementedError '"erf_vml_cpu" not implemented for 'ComplexFloat''), or
    (error type, message)."""
    if isinstance(kernel, str):
        return NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(dt)}\'')
    return kernel[0](kernel[1])


def int_division(dt, b, kernel):
    """torch's checks of a division's operands of common dtype ``dt`` (floor_divide, remainder,
    fmod): its kernel refuses bool (and complex), and an integer divisor that holds a zero is
    its RuntimeError "ZeroDivisionError" (where the divisor's values are known)."""
    if dt.kind in "bc":
        raise refuse(kernel, dt)
    if dt.kind in "iu":
        v = b._value if isinstance(b, Tensor) else b
        if isinstance(v, (np.ndarray, np.generic, int)) and not np.all(v):
            raise RuntimeError("ZeroDivisionError")


def no_positional(name, args):
    """torch's TypeError for positional arguments to a method that takes keywords only."""
    if args:
        raise TypeError(f"{name}() takes 0 positional arguments but {len(args)} "
                        f"{'was' if len(args) == 1 else 'were'} given")


def tabs(x):
    """|x| inside an op's function with PyTorch's derivative, sign(x): 0 at x == 0, where the
    core's abs takes JAX's right derivative 1 (norms, distances, losses and copysign then give
    torch's gradients at zeros); complex values: the core's |z| (0 at 0, as torch)."""
    if x.dtype.kind == "c":
        return _fnp.abs(x)
    return x * _lax.stop_gradient(_fnp.sign(x))


def safe_root(s, p):
    """s ** (1/p) (a p-norm from its sum of powers, p = 2: sqrt) with derivative 0 where s is 0,
    as torch's norm backward masks zero norms (the plain root's derivative there is inf, and the
    gradient NaN)."""
    zero = s == 0
    safe = _fnp.where(zero, 1 + 0 * s, s)
    root = _fnp.sqrt(safe) if p == 2 else _fnp.power(safe, 1.0 / p)
    return _fnp.where(zero, 0 * s, root)
