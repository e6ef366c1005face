"""The rest of torch's op surface, put together: the functions of _ops_elem, _ops_more and
torch.linalg under their torch names, torch's aliases, every in-place variant (made from the
out-of-place op: the op is recorded on a snapshot of the tensor and written back by
``_ops_inplace.commit``, which bumps the version counter that saved-tensor checks read), the
Tensor methods and properties, and top-level names of nn.functional ops.

``export(namespace)`` fills the torch namespace (only names it does not have yet) and installs
the methods on Tensor (also only where absent, so the first op modules keep precedence).
"""
import builtins
import functools
import operator
import warnings

import numpy as np

from fungrad.extend import buffer_writeable
from fungrad.torch import _dtype
from fungrad.torch import _ops_elem as E
from fungrad.torch import _ops_math as M
from fungrad.torch import _ops_more as X
from fungrad.torch import _ops_shape as S
from fungrad.torch import linalg as L
from fungrad.torch._grad_mode import GRAD, INFERENCE
from fungrad.torch._ops_inplace import _I3, _snapshot, check, check_shape, commit
from fungrad.torch._node import node_class
from fungrad.torch._record import OpNode, apply, current_view
from fungrad.torch._tensor import Size, Tensor, _new
from fungrad.torch._util import common, no_positional, refuse, scalar_name, shape_dim, val

__all__ = ["export", "FUNCS", "METHODS", "inplace_of"]


_VIEW_INPLACE = {"squeeze_", "unsqueeze_", "swapaxes_", "swapdims_", "t_", "transpose_"}


def inplace_of(op, name=None, rename=None):
    """The in-place variant of the Tensor-level op ``op(self, *args)``; ``rename``: torch's node
    name where its in-place op records a different node than the out-of-place one."""
    def ip(self, *args, **kw):
        check(self)
        current_view(self)
        tracked = GRAD.get() and (self._requires_grad or builtins.any(
            isinstance(a, Tensor) and a._requires_grad for a in args))
        src = _snapshot(self) if tracked else self
        r = op(src, *args, **kw)
        if isinstance(r, tuple):
            r = r[0]
        have, want = r._value.dtype, self._value.dtype
        if have != want and not np.can_cast(have, want, "same_kind") and have != np.bool_:
            raise RuntimeError(f"result type {_dtype._TYPE_NAMES[have.name]} can't be cast to "
                               f"the desired output type {_dtype._TYPE_NAMES[want.name]}")
        if rename is not None and r.grad_fn is not None:
            r.grad_fn.__class__ = node_class(rename, OpNode)
        if ip.__name__ not in _VIEW_INPLACE:
            check_shape(self, r)
        commit(self, r)
        if self._inference and not INFERENCE.get():
            raise RuntimeError(_I3)
        return self
    ip.__name__ = name or (getattr(op, "__name__", "op") + "_")
    return ip


# complex dtypes (torch.fft's results): registered beside _dtype's real ones
for _n in ("complex64", "complex128"):
    if np.dtype(_n) not in _dtype._BY_NP:
        _dtype._BY_NP[np.dtype(_n)] = _dtype.dtype(_n, np.dtype(_n))
        _dtype._TYPE_NAMES.setdefault(_n, {"complex64": "ComplexFloat",
                                           "complex128": "ComplexDouble"}[_n])


# ---- small functions --------------------------------------------------------------------------
def _is_complex(t):
    return t._value.dtype.kind == "c"


def _is_floating_point(t):
    return t._value.dtype.kind == "f"


def _is_signed(t):
    return t._value.dtype.kind in "fic"


def _is_nonzero(t):
    n = t.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(np.asarray(val(t)).reshape(()) != 0)


def _is_same_size(a, b):
    return tuple(a.shape) == tuple(b.shape)


def _dtype_args(name, **args):
    """torch's TypeError where an argument is not a torch.dtype."""
    for i, (k, v) in enumerate(args.items()):
        if not isinstance(v, _dtype.dtype):
            raise TypeError(f"{name}(): argument '{k}' (position {i + 1}) must be torch.dtype, "
                            f"not {type(v).__name__}")


def can_cast(from_, to):
    _dtype_args("can_cast", from_=from_, to=to)
    f, t = _dtype.to_np(from_), _dtype.to_np(to)
    order = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
    if order[f.kind] > order[t.kind]:
        return False
    return not (f.kind in "iu" and t.kind == "b")


def promote_types(type1, type2):
    _dtype_args("promote_types", type1=type1, type2=type2)
    a, b = _dtype.to_np(type1), _dtype.to_np(type2)
    return _dtype.from_np(_dtype.result_dtype([np.zeros(1, a), np.zeros(1, b)]))


def result_type(tensor1, tensor2):
    return _dtype.from_np(_dtype.result_dtype([val(tensor1), val(tensor2)]))


def typename(obj):
    """torch.typename: a tensor's type name; else the qualified name of ``obj`` itself where it has
    one (a class, a function), of its type where not, without the module for builtins."""
    if isinstance(obj, Tensor):
        return _dtype.tensor_type_name(obj._value.dtype)
    named = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if isinstance(named, str):
        module = getattr(obj, "__module__", "") or ""
    else:
        module, named = type(obj).__module__ or "", type(obj).__qualname__
    return named if module in ("", "builtins") else f"{module}.{named}"


def is_autocast_enabled(device_type=None):
    """False: the shim has no autocast; a device type torch does not know is its RuntimeError."""
    if device_type is not None:
        from fungrad.torch._device import device
        device(device_type)
    return False


def _is_pinned(t, device=None):
    """False (a CPU tensor is never pinned); the deprecated device argument parsed as torch
    does."""
    from fungrad.torch._device import device as _device_type
    if device is not None:
        warnings.warn("The argument 'device' of Tensor.is_pinned() is deprecated. Please do not "
                      "pass this argument.", DeprecationWarning, stacklevel=2)
        if not isinstance(device, _device_type):
            _device_type(device)
    return False


def _coalesce(t):
    raise RuntimeError("coalesce expected sparse coordinate tensor layout but got Strided")


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    from fungrad.torch._creation import as_tensor, tensor
    if isinstance(obj, Tensor):
        out = obj if dtype is None else obj.to(dtype)
        if copy:
            out = out.clone().detach()
        return out
    if copy:
        return tensor(obj, dtype=dtype, requires_grad=requires_grad)
    t = as_tensor(obj, dtype=dtype)
    if requires_grad:
        t.requires_grad_()
    return t


def range_(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    if end is None:
        raise TypeError('range() missing 1 required positional arguments: "end"')
    n = int(np.floor((end - start) / step)) + 1
    dt = _dtype.to_np(dtype) or _dtype.DEFAULT.np
    return _new(np.asarray(start + step * np.arange(n), dt), requires_grad)


def fill(t, value):
    import fungrad.numpy as fnp
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value.ndim} dimensions.")
    v = val(value)
    return apply("FillBackward0", lambda x: fnp.where(np.ones(x.shape, np.bool_),
                                                      fnp.full_like(x, v), x), [t])


def detach(t):
    return t.detach()


def adjoint(t):
    if t.ndim == 1:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                           "matrices. Got 1-D tensor.")
    return S.transpose(t, -2, -1) if t.ndim else S.transpose(t, 0, 0)


def _conj(t, name, view):
    """conj / conj_physical: the conjugate of a complex tensor (torch's conj a view), a real
    tensor itself."""
    if t._value.dtype.kind != "c":
        return t
    import fungrad.numpy as fnp
    return apply(name, fnp.conj, [t], view=view)


def _float_power_(t, *args, **kw):
    """Tensor.float_power_: in place only where the tensor has float_power's result dtype."""
    if len(args) + len(kw) != 1:
        raise TypeError(f"float_power_() takes 1 positional argument but {len(args)} were given")
    exponent = args[0] if args else next(iter(kw.values()))
    want = E._float_power_dtype(t, exponent)
    if t._value.dtype != want:
        raise RuntimeError(f"the base given to float_power_ has dtype "
                           f"{scalar_name(t._value.dtype)} but the operation's result requires "
                           f"dtype {scalar_name(want)}")
    return inplace_of(E.FUNCS["float_power"], "float_power_")(t, exponent)


def _identity(t):
    return t


def _false(*a):
    return False


def _true(*a):
    return True


def _none(*a, **k):
    return None


def _cpu_device(*a):
    from fungrad.torch._device import device
    return device("cpu")


_STATE = {"float32_matmul_precision": "highest", "warn_always": False,
          "deterministic_debug_mode": 0}


def set_float32_matmul_precision(precision):
    _STATE["float32_matmul_precision"] = precision


def get_float32_matmul_precision():
    return _STATE["float32_matmul_precision"]


def set_warn_always(b):
    _STATE["warn_always"] = bool(b)


def is_warn_always_enabled():
    return _STATE["warn_always"]


def set_deterministic_debug_mode(debug_mode):
    _STATE["deterministic_debug_mode"] = {"default": 0, "warn": 1, "error": 2}.get(debug_mode,
                                                                                  debug_mode)


def get_deterministic_debug_mode():
    return _STATE["deterministic_debug_mode"]


def sum_to_size(t, *size):
    import fungrad.numpy as fnp
    size = S._shape_arg(size, "sum_to_size", "size")
    lead = t.ndim - len(size)
    shp = tuple(t.shape)
    if lead < 0 or any(s != 1 and s != shp[i + lead] for i, s in enumerate(size)):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shp)}}}.")
    dims = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(size)
                                      if s == 1 and t.shape[i + lead] != 1)
    if not dims:
        return t
    return apply("SumBackward1", lambda x: fnp.reshape(fnp.sum(x, axis=dims, keepdims=True),
                                                       size), [t])


def _stride(t, dim=None):
    shape = tuple(t.shape)
    st = []
    acc = 1
    for s in reversed(shape):
        st.append(acc)
        acc *= builtins.max(s, 1)
    st = tuple(reversed(st))
    return st if dim is None else st[shape_dim(dim, shape)]


def _fill_diagonal_(t, fill_value, wrap=False):
    import fungrad.numpy as fnp
    from fungrad.torch._ops_inplace import inplace
    shape = tuple(t.shape)
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    keep = np.zeros(shape, bool)
    if len(shape) == 2:
        step = shape[1] + 1
        end = keep.size if wrap else builtins.min(shape) * shape[1]
        keep.reshape(-1)[:end:step] = True
    else:
        idx = np.arange(builtins.min(shape))
        keep[(idx,) * len(shape)] = True
    fv = np.asarray(fill_value, t._value.dtype)
    return inplace(t, "CopySlices", lambda x: fnp.where(keep, fv, x), [])


def _random_fill(draw):
    def op(t, *args, generator=None):
        from fungrad.torch._generator import numpy_rng
        check(t)
        rng = numpy_rng(generator)
        new = np.asarray(draw(rng, tuple(t.shape), *args)).astype(t._value.dtype)
        if isinstance(t._value, np.ndarray) and buffer_writeable(t._value):
            np.copyto(t._value, new)
        else:
            t._value = new
        t._vc.v += 1
        return t
    return op


cauchy_ = _random_fill(lambda g, s, median=0.0, sigma=1.0: median + sigma * np.tan(
    np.pi * (g.random(s) - 0.5)))
geometric_ = _random_fill(lambda g, s, p: g.geometric(p, s))
log_normal_ = _random_fill(lambda g, s, mean=1.0, std=2.0: np.exp(mean + std *
                                                                     g.standard_normal(s)))


def _resize_(t, *size, memory_format=None):
    size = S._shape_arg(size, "resize_", "size")
    if min(size, default=0) < 0:
        raise RuntimeError("numel: integer multiplication overflow")
    flat = np.asarray(t._value).reshape(-1)
    n = int(np.prod(size))
    new = np.zeros(n, flat.dtype)
    new[:builtins.min(n, flat.size)] = flat[:n]
    t._value = new.reshape(size)
    t._vc.v += 1
    return t


def _resize(t, *sizes):
    """Tensor.resize, torch's autograd Resize: only a new shape of the same number of
    elements (the sizes' product, as torch's Python code takes it)."""
    n = functools.reduce(operator.mul, sizes, 1)
    if t.numel() != n:
        raise RuntimeError(f"requested resize to {'x'.join(map(str, sizes))} ({n} elements in "
                           f"total), but the given tensor has a size of "
                           f"{'x'.join(map(str, t.shape))} ({t.numel()} elements). autograd's "
                           "resize can only change the shape of a given tensor, while preserving "
                           "the number of elements. ")
    return S.view(t.clone(), *sizes)


def _apply_(t, callable):
    v = np.asarray(t._value)
    out = np.vectorize(callable, otypes=[v.dtype])(v) if v.size else v
    check(t)
    np.copyto(t._value, out) if isinstance(t._value, np.ndarray) and \
        buffer_writeable(t._value) else setattr(t, "_value", out)
    t._vc.v += 1
    return t


def _map_(t, other, callable):
    v, o = np.asarray(t._value), np.broadcast_to(np.asarray(val(other)), t._value.shape)
    out = np.vectorize(callable, otypes=[v.dtype])(v, o) if v.size else v
    t._value = out.astype(v.dtype)
    t._vc.v += 1
    return t


# the names torch's C++ messages give the dtypes (its TensorOptions' printing)
_CPP_DTYPES = {"bool": "bool", "int8": "signed char", "uint8": "unsigned char",
               "int16": "short int", "int32": "int", "int64": "long int", "float16": "c10::Half",
               "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double",
               "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _tensor_options(t):
    name = _CPP_DTYPES.get(np.dtype(t._value.dtype).name, str(t.dtype))
    return (f"TensorOptions(dtype={name}, device=cpu, layout=Strided, requires_grad=false "
            f"(default), pinned_memory=false (default), memory_format=(nullopt))")


def _new_method(t, *args, **kw):
    from fungrad.torch._creation import empty, tensor
    if len(args) == 1 and not isinstance(args[0], int):
        a = args[0]
        if isinstance(a, Tensor) and a._value.dtype != t._value.dtype:  # torch's legacy new
            raise TypeError(f"expected {_tensor_options(t)} (got {_tensor_options(a)})")
        return tensor(args[0], dtype=t.dtype)
    return empty(*(args or (0,)), dtype=t.dtype)  # new(): torch's legacy empty 1-d tensor


def _to(dtype):
    def conv(self, *args, memory_format=None):
        no_positional(_CONVERSIONS[dtype], args)
        return S.to(self, dtype)
    return conv


_CONVERSIONS = {_dtype.uint8: "byte", _dtype.int8: "char", _dtype.int16: "short"}


def _bernoulli_method(t, p=None, *, generator=None):
    from fungrad.torch._creation import bernoulli
    if p is None:
        return bernoulli(t, generator=generator)
    from fungrad.torch._creation import bernoulli_p
    from fungrad.torch._generator import numpy_rng
    p = bernoulli_p(float(p) if isinstance(p, Tensor) and p.ndim == 0 else p, t._value.dtype)
    return _new((numpy_rng(generator).random(tuple(t.shape)) < p).astype(t._value.dtype))


def _where_method(self, condition, other):
    return M.where(condition, self, other)


def _polygamma_method(self, n):
    return E.polygamma(n, self)


def _narrow_copy(t, dim, start, length):
    d, start, length = S.narrow_bounds(t, dim, start, length)
    key = (slice(None),) * d + (slice(start, start + length),)
    return apply("NarrowCopyBackward0", lambda x: x[key] * 1, [t])


_ORDERING = {"LtBackward": "lt_cpu", "LeBackward": "le_cpu", "GtBackward": "gt_cpu",
             "GeBackward": "ge_cpu"}


def _compare_inplace(f, name):
    """``t.lt_(other)`` and friends: the comparison as t's dtype, recorded (as torch does) with
    a gradient of zeros for both operands."""
    import fungrad.numpy as fnp
    from fungrad import lax
    from fungrad.torch._ops_inplace import inplace

    def op(t, other):
        nm = name + ("1" if isinstance(other, Tensor) else "0")
        dt = t._value.dtype
        if name in _ORDERING and common(t, other).kind == "c":
            raise refuse(_ORDERING[name], common(t, other))

        def fn(x, *ys):
            y = ys[0] if ys else other
            c = lax.stop_gradient(f(x, y)).astype(dt)
            base = x + 0 * y if ys else x
            return fnp.where(np.ones(x.shape, np.bool_), c, base)
        return inplace(t, nm, fn, [other] if isinstance(other, Tensor) else [])
    return op


def _addmm(t, mat1, mat2, *, beta=1, alpha=1):
    from fungrad.torch._nn_ops import addmm
    return addmm(t, mat1, mat2, beta=beta, alpha=alpha)


def _layout(t):
    return "torch.strided"


def norm(a, p="fro", dim=None, keepdim=False):
    """torch.norm as torch/functional.py writes it: linalg.vector_norm (p a number, or 'fro'
    over at most 2 dims), else linalg.matrix_norm."""
    d = [dim] if isinstance(dim, int) else dim
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            return L.vector_norm(a, 2, d, keepdim)
        return L.matrix_norm(a, p, d if d is not None else list(range(a.ndim)), keepdim)
    return L.vector_norm(a, 2.0 if p is None else p, d, keepdim)


# ---- the tables -------------------------------------------------------------------------------
LINALG_TOP = {
    "det": L.det, "logdet": L.logdet, "slogdet": L.slogdet, "inverse": L.inv,
    "pinverse": lambda a, rcond=1e-15: L.pinv(a, rtol=rcond),
    "cholesky": lambda a, upper=False: _cholesky(a, upper),
    "qr": lambda a, some=True: L.qr(a, "reduced" if _flag("qr", "some", some) else "complete"),
    "svd": lambda a, some=True, compute_uv=True: _svd_old(a, _flag("svd", "some", some),
                                                          compute_uv),
    "matrix_power": L.matrix_power, "matrix_exp": L.matrix_exp,
    "cholesky_solve": lambda b, u, upper=False: _cholesky_solve(b, u, upper),
    "cholesky_inverse": lambda u, upper=False: _cholesky_inverse(u, upper),
    "triangular_solve": lambda b, a, upper=True, transpose=False, unitriangular=False:
        _triangular_solve(b, a, upper, transpose, unitriangular),
    "lu_solve": lambda b, lu, piv: L.lu_solve(lu, piv, b),
    "nuclear_norm": lambda a, dim=None, keepdim=False: L.matrix_norm(  # int[2] dim: (d, d)
        a, "nuc", (-2, -1) if dim is None else (dim, dim) if isinstance(dim, int) else dim,
        keepdim),
    "frobenius_norm": lambda a, dim=None, keepdim=False: _frobenius_norm(a, dim, keepdim),
    "norm": norm,
}




def _frobenius_norm(a, dim, keepdim):
    """torch.frobenius_norm: the 2-norm over at most 2 dims (``dim`` is required)."""
    if dim is None:
        raise TypeError('frobenius_norm() missing 1 required positional arguments: "dim"')
    if isinstance(dim, Tensor):
        raise TypeError("frobenius_norm(): argument 'dim' (position 2) must be tuple of ints, "
                        "not Tensor")
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dims) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dims)} dimensions "
                           f"instead.")
    if a._value.dtype.kind not in "fc":
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. "
                           f"Got {_dtype._TYPE_NAMES.get(a._value.dtype.name)} instead.")
    return L.vector_norm(a, 2, dims, keepdim)


def _svd_old(a, some, compute_uv):
    u, s, vh = L.svd(a, full_matrices=not some)
    return X._nt("svd", "U", "S", "V")(u, s, adjoint(vh))


def _chol_solve_fn(upper):
    import fungrad.numpy as fnp
    import fungrad.scipy.linalg as fsl

    def fn(bv, uv):
        lead = np.broadcast_shapes(bv.shape[:-2], uv.shape[:-2])
        bv = fnp.broadcast_to(bv, lead + bv.shape[-2:])
        uv = fnp.broadcast_to(uv, lead + uv.shape[-2:])
        lo = fnp.swapaxes(uv, -1, -2) if upper else uv
        y = fsl.solve_triangular(lo, bv, lower=True)
        return fsl.solve_triangular(fnp.swapaxes(lo, -1, -2), y, lower=False)
    return fn


def _cholesky_solve(b, u, upper):
    for n, t in (("b", b), ("u", u)):
        if t.ndim < 2:
            raise RuntimeError(f"{n} should have at least 2 dimensions, but has {t.ndim} "
                               f"dimensions instead")
    _check_solver_inputs("cholesky_solve", b, u)
    return apply("CholeskySolveBackward0", _chol_solve_fn(upper), [b, u])


def _flag(fname, pname, v):
    """``v``, torch's bool argument (the first after the tensor): its TypeError for another
    type (the text of the Tensor method's)."""
    if type(v) is not bool:
        raise TypeError(f"{fname}(): argument '{pname}' (position 1) must be bool, not "
                        f"{type(v).__name__}")
    return v


def _check_square(name, a):
    """The checks of torch's older linalg functions: at least 2 dims, square matrices."""
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")


def _not_floating(kernel, t):
    if t._value.dtype.kind not in "fc":
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{_dtype._TYPE_NAMES.get(t._value.dtype.name)}'")


def _cholesky(a, upper):
    _flag("cholesky", "upper", upper)
    if a.numel() == 0:  # torch.cholesky: an empty tensor of the input's shape, unchecked
        return S.clone(a)
    _check_square("cholesky", a)
    _not_floating("cholesky_cpu", a)
    return L.cholesky(a, upper=upper, _name="CholeskyBackward0")


def _cholesky_inverse(u, upper):
    import fungrad.numpy as fnp
    _flag("cholesky_inverse", "upper", upper)
    _check_square("cholesky_inverse", u)
    _not_floating("cholesky_inverse_out_cpu", u)
    f = _chol_solve_fn(upper)
    return apply("CholeskyInverseBackward0",
                 lambda uv: f(fnp.eye(uv.shape[-1], dtype=uv.dtype), uv), [u])


def _check_solver_inputs(name, b, a):
    """torch's checks of (b, A) for its older solvers (linearSolveCheckInputs): one dtype,
    square A, matching sizes, broadcastable batches; then its kernel's floating dtype."""
    bd, ad = b._value.dtype, a._value.dtype
    if bd != ad:
        names = _dtype._TYPE_NAMES
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{names.get(bd.name)} and A of type {names.get(ad.name)} instead.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {a.shape[-2]} "
                           f"by {a.shape[-1]} matrices")
    if a.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is "
                           f"{a.shape[-2]} by {a.shape[-1]} but each b matrix is {b.shape[-2]} "
                           f"by {b.shape[-1]}")
    M.batch_broadcast(tuple(b.shape[:-2]), tuple(a.shape[:-2]))
    _not_floating(f"{name}_cpu", b)


def _check_triangular_solve(b, a):
    for n, t in (("b", b), ("A", a)):
        if t.ndim < 2:
            raise RuntimeError(f"torch.triangular_solve: Expected {n} to have at least 2 "
                               f"dimensions, but it has {t.ndim} dimensions instead")
    _check_solver_inputs("triangular_solve", b, a)


def _triangular_solve(b, a, upper, transpose, unitriangular):
    import fungrad.numpy as fnp
    import fungrad.scipy.linalg as fsl
    _check_triangular_solve(b, a)

    def fn(bv, av):
        m = fnp.triu(av) if upper else fnp.tril(av)
        lower = not upper
        if transpose:
            m, lower = fnp.swapaxes(m, -1, -2), upper
        return (fsl.solve_triangular(m, bv, lower=lower, unit_diagonal=unitriangular),
                av * 1)
    x, c = apply("TriangularSolveBackward0", fn, [b, a], tuple_out=True)
    return X._nt("triangular_solve", "solution", "cloned_coefficient")(x, c)


ALIASES = {
    "absolute": M.abs, "arccos": M.acos, "arcsin": M.asin, "arctan": M.atan,
    "arccosh": E.FUNCS["acosh"], "arcsinh": E.FUNCS["asinh"], "arctanh": E.FUNCS["atanh"],
    "arctan2": E.FUNCS["atan2"], "negative": M.neg, "multiply": M.mul, "divide": M.div,
    "subtract": M.sub, "greater": M.gt, "greater_equal": M.ge, "less": M.lt,
    "less_equal": M.le, "not_equal": M.ne, "moveaxis": S.movedim, "concatenate": S.cat,
    "floor_divide": M.floor_divide, "rsub": M.rsub, "true_divide": M.div,
    "conj": lambda t: _conj(t, "ConjBackward0", True),
    "conj_physical": lambda t: _conj(t, "ConjPhysicalBackward0", False), "resolve_conj": _identity,
    "resolve_neg": _identity,
}

MISC_TOP = {
    "is_complex": _is_complex, "is_floating_point": _is_floating_point,
    "is_nonzero": _is_nonzero, "is_same_size": _is_same_size, "is_signed": _is_signed,
    "is_inference": lambda t: t._inference, "is_conj": _false, "is_neg": _false,
    "can_cast": can_cast, "promote_types": promote_types, "result_type": result_type,
    "typename": typename, "detach": detach, "fill": fill, "adjoint": adjoint,
    "asarray": asarray, "range": range_,
    "set_float32_matmul_precision": set_float32_matmul_precision,
    "get_float32_matmul_precision": get_float32_matmul_precision,
    "set_warn_always": set_warn_always, "is_warn_always_enabled": is_warn_always_enabled,
    "set_deterministic_debug_mode": set_deterministic_debug_mode,
    "get_deterministic_debug_mode": get_deterministic_debug_mode,
    "is_deterministic_algorithms_warn_only_enabled": _false,
    "set_flush_denormal": _false, "init_num_threads": _none,
    "get_default_device": _cpu_device, "set_default_device": _none,
    "is_autocast_enabled": is_autocast_enabled, "is_autocast_cpu_enabled": _false,
    "is_autocast_cache_enabled": _true, "is_distributed": _false, "is_storage": _false,
    "is_vulkan_available": _false, "get_device": lambda t: -1,
    "narrow_copy": lambda t, dim, start, length: _narrow_copy(t, dim, start, length),
}

# Tensor-level copies (``*_copy``) of the view ops: the op followed by a clone
COPY_TOP = {
    "expand_copy": S.expand, "permute_copy": S.permute, "t_copy": S.t,
    "transpose_copy": S.transpose, "view_copy": S.view, "unsqueeze_copy": S.unsqueeze,
    "squeeze_copy": S.squeeze, "split_copy": S.split, "unbind_copy": S.unbind,
    "detach_copy": detach, "alias_copy": _identity, "diagonal_copy": X.diagonal,
    "select_copy": X.select, "unfold_copy": X.unfold, "split_with_sizes_copy":
        X.split_with_sizes,
}

# torch's top-level names of ops that live in nn.functional (same positional signatures)
NN_TOP = ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "dropout",
          "alpha_dropout", "feature_alpha_dropout", "batch_norm", "layer_norm", "group_norm",
          "instance_norm", "embedding", "bilinear", "celu", "selu", "rrelu", "prelu",
          "hardshrink", "threshold", "threshold_", "pairwise_distance", "pdist",
          "pixel_shuffle", "pixel_unshuffle", "cosine_similarity", "cosine_embedding_loss",
          "hinge_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
          "poisson_nll_loss", "binary_cross_entropy_with_logits", "rms_norm",
          "channel_shuffle", "max_pool1d", "max_pool2d", "avg_pool1d", "adaptive_avg_pool1d",
          "relu_")

FUNCS = {**E.FUNCS, **X.FUNCS, **LINALG_TOP, **ALIASES, **MISC_TOP}

# Tensor methods: name -> function(self, ...); where absent on Tensor
_METHOD_NAMES = (
    "acosh asinh atanh exp2 erf erfc erfinv lgamma digamma i0 sinc deg2rad rad2deg trunc fix "
    "frac logit nan_to_num sgn positive signbit isinf isposinf isneginf isreal angle "
    "atan2 hypot fmod remainder copysign fmax fmin logaddexp logaddexp2 xlogy igamma igammac "
    "nextafter float_power heaviside ldexp gcd lcm bitwise_and bitwise_or bitwise_xor "
    "bitwise_not bitwise_left_shift bitwise_right_shift logical_xor mvlgamma frexp "
    "median nanmedian mode kthvalue msort quantile nanquantile nansum nanmean aminmax "
    "count_nonzero cummax cummin logcumsumexp diff dist renorm histc bincount cov corrcoef "
    "unique unique_consecutive scatter scatter_add scatter_reduce index_add index_copy "
    "index_fill index_put index_reduce masked_select masked_scatter take take_along_dim put "
    "nonzero argwhere select select_scatter slice_scatter diagonal diagonal_scatter "
    "broadcast_to tensor_split hsplit vsplit dsplit split_with_sizes unflatten ravel rot90 "
    "fliplr flipud diag_embed diagflat trace kron repeat_interleave inner vdot ger cross "
    "addbmm baddbmm addmv addr swapaxes swapdims det logdet slogdet inverse pinverse cholesky norm "
    "qr svd matrix_power matrix_exp cholesky_solve cholesky_inverse triangular_solve lu_solve "
    "absolute arccos arcsin arctan arccosh arcsinh arctanh arctan2 negative multiply divide "
    "subtract greater greater_equal less less_equal not_equal moveaxis floor_divide "
    "true_divide conj conj_physical resolve_conj resolve_neg is_complex is_signed is_nonzero "
    "is_same_size adjoint narrow_copy acos asin atan log10 logical_and logical_not logical_or "
    "isfinite allclose equal").split()

METHODS = {n: FUNCS.get(n) or getattr(M, n, None) for n in _METHOD_NAMES}
METHODS.update({
    "unfold": X.unfold, "unflatten": X.unflatten_method, "float_power_": _float_power_,
    "repeat_interleave": X.repeat_interleave_method, "where": _where_method,
    "addmm": _addmm, "polygamma": _polygamma_method,
    "sum_to_size": sum_to_size, "stride": _stride, "fill_diagonal_": _fill_diagonal_,
    "cauchy_": cauchy_, "geometric_": geometric_, "log_normal_": log_normal_,
    "resize_": _resize_, "resize_as_": lambda t, o, memory_format=None: _resize_(t, tuple(o.shape)),
    "resize": _resize, "resize_as": lambda t, o: _resize(t, *o.shape),
    "apply_": _apply_, "map_": _map_, "new": _new_method, "bernoulli": _bernoulli_method,
    "multinomial": lambda t, *a, **k: __import__("fungrad.torch._creation", fromlist=["x"])
    .multinomial(t, *a, **k),
    "element_size": lambda t: t._value.dtype.itemsize, "ndimension": lambda t: t._value.ndim,
    "storage_offset": lambda t: 0, "get_device": lambda t: -1, "is_contiguous":
        lambda t, memory_format=None: True,
    "is_pinned": _is_pinned, "is_shared": _false, "is_set_to": lambda t, o: t._value is o._value,
    "share_memory_": _identity, "pin_memory": _identity, "to_dense": _identity,
    "coalesce": _coalesce, "dim_order": lambda t: tuple(range(t.ndim)),
    "as_subclass": lambda t, cls: _as_subclass(t, cls),
    "byte": _to(_dtype.uint8), "char": _to(_dtype.int8), "short": _to(_dtype.int16),
    "is_floating_point": _is_floating_point,
    "is_inference": lambda t: t._inference, "is_conj": _false, "is_neg": _false,
})
_PROPS = {
    "is_cpu": True, "is_cuda": False, "is_sparse": False, "is_sparse_csr": False,
    "is_quantized": False, "is_meta": False, "is_mkldnn": False, "is_mps": False,
    "is_xla": False, "is_xpu": False, "is_ipu": False, "is_vulkan": False, "is_maia": False,
    "is_mtia": False, "is_nested": False, "name": None,
}

# in-place variants: name_ -> out-of-place method
_INPLACE = (
    "abs absolute acos acosh addbmm addcdiv addcmul addmm addmv addr arccos arccosh arcsin "
    "arcsinh arctan2 arctan arctanh asin asinh atan2 atan atanh baddbmm bitwise_and "
    "bitwise_left_shift bitwise_not bitwise_or bitwise_right_shift bitwise_xor ceil clamp_max "
    "clamp_min clip conj_physical copysign cos cosh cumprod cumsum deg2rad digamma divide eq erf "
    "erfc erfinv exp2 expm1 fix float_power floor floor_divide fmod frac gcd ge greater "
    "greater_equal gt heaviside hypot i0 igamma igammac index_add index_copy index_fill "
    "index_put index_reduce lcm ldexp le lerp less less_equal lgamma log10 log1p log2 log "
    "logical_and logical_not logical_or logical_xor logit lt masked_scatter multiply mvlgamma "
    "nan_to_num ne negative nextafter not_equal polygamma put rad2deg reciprocal remainder "
    "renorm round rsqrt scatter scatter_add scatter_reduce sgn sigmoid sign sin sinc sinh "
    "square squeeze subtract swapaxes swapdims t tan tanh transpose tril triu true_divide trunc "
    "unsqueeze xlogy").split()

_TOP_INPLACE = (
    "abs acos acosh addmv arccos arccosh arcsin arcsinh arctan arctanh asin asinh atan atanh "
    "ceil clamp clamp_max clamp_min clip conj_physical cos cosh deg2rad erf erfc exp2 exp expm1 "
    "fill fix floor frac gcd i0 index_put lcm ldexp log10 log1p log2 log logit nan_to_num neg "
    "negative rad2deg reciprocal round rsqrt sigmoid sin sinc sinh sqrt square tan tanh trunc "
    "xlogy zero detach").split()


_RENAME = {"t_": "TBackward1", "unsqueeze_": "UnsqueezeBackward1",
           "transpose_": "TransposeBackward1", "swapaxes_": "TransposeBackward1",
           "swapdims_": "TransposeBackward1", "squeeze_": "SqueezeBackward3"}


_VMAP_RANDOM_ERROR = ("vmap: called random operation while in randomness error mode. Please "
                      "either use the 'same' or 'different' randomness flags on vmap or perform "
                      "the randomness operation out of vmap")
_RANDOM_TOP = ("rand", "randn", "randint", "rand_like", "randn_like", "randint_like", "randperm",
               "normal", "bernoulli", "multinomial")
_RANDOM_METHODS = ("uniform_", "normal_", "bernoulli_", "random_", "exponential_", "cauchy_",
                   "geometric_", "log_normal_", "bernoulli", "multinomial")


def _vmap_random(fn, name):
    """A random op under torch.func.vmap's randomness flag: 'error' raises as torch; 'same'
    draws once for the whole batch; 'different' draws one value per batch member (rand, randn,
    rand_like, randn_like: the draw gets the batch dim; the others raise)."""
    from fungrad.torch._state import VMAP_RANDOM

    def op(*args, **kwargs):
        mode = VMAP_RANDOM.get()
        if mode is None or mode == "same":
            return fn(*args, **kwargs)
        if mode == "error":
            raise RuntimeError(_VMAP_RANDOM_ERROR)
        from fungrad.extend import BatchTracer, current_trace
        trace = current_trace()
        size = getattr(trace, "axis_size", None)
        if size is None or name not in ("rand", "randn", "rand_like", "randn_like"):
            raise NotImplementedError(f"vmap(randomness='different') of torch.{name} is not "
                                      "supported by fungrad.torch")
        if name.endswith("_like"):
            base = {"rand_like": "rand", "randn_like": "randn"}[name]
            shape = tuple(args[0].shape)
            kwargs.setdefault("dtype", args[0].dtype)
            draw = _RAW[base]((size,) + shape, **kwargs)
        else:
            shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            draw = fn((size,) + tuple(shape), **kwargs)
        return _new(BatchTracer(trace, draw._value, 0))
    op.__name__ = name
    return op


_RAW = {}


def _as_subclass(t, cls):
    out = object.__new__(cls)
    for s in Tensor.__slots__[:-2]:
        object.__setattr__(out, s, getattr(t, s))
    return out


def _nn_top(name, f, same_op):
    """torch.<name> for ``f``, nn.functional's op or (``same_op`` False) the shim's version of
    torch's own top-level op: with torch's top-level argument checks and dtype refusals, and, for
    nn.functional's op, nn.functional's where the top-level tables have none for a position or a
    dtype (the tables leave out what the shim refused already through nn.functional)."""
    from fungrad.torch import _argcheck
    from fungrad.torch._argspec import OVERFLOW, SPECS
    from fungrad.torch._dtype_refusals import REFUSALS
    top = SPECS.get("torch", {}).get(name, ())
    fs = SPECS.get("nn.functional", {}).get(name, ()) if same_op else ()
    spec = tuple(top[i] if i < len(top) and top[i] is not None else (fs[i] if i < len(fs) else None)
                 for i in range(max(len(top), len(fs))))
    refusals = {**(REFUSALS.get("nn.functional", {}).get(name, {}) if same_op else {}),
                **REFUSALS.get("torch", {}).get(name, {})}
    overflow = OVERFLOW.get("torch", {}).get(name) or (
        OVERFLOW.get("nn.functional", {}).get(name) if same_op else None)
    f = getattr(f, "__wrapped__", f)  # (nn.functional's checks: the top level's instead)
    return _argcheck.checked(name, f, _argcheck._huge_refused(spec),
                             refusals=_argcheck._by_dtype(refusals or None), overflow=overflow)


def export(namespace):
    """Adds the functions to the torch namespace and the methods to Tensor (where absent)."""
    for k, f in FUNCS.items():
        namespace.setdefault(k, f)
    for k, f in COPY_TOP.items():
        namespace.setdefault(k, X._copy_of(f))
    for k, f in METHODS.items():
        if f is not None and not hasattr(Tensor, k):
            setattr(Tensor, k, f)
    for k, v in _PROPS.items():
        if not hasattr(Tensor, k):
            setattr(Tensor, k, property(lambda self, v=v: v))
    if not hasattr(Tensor, "itemsize"):
        Tensor.itemsize = property(lambda self: self._value.dtype.itemsize)
        Tensor.nbytes = property(lambda self: self._value.dtype.itemsize * self.numel())
        Tensor.layout = property(_layout)
        Tensor.output_nr = property(lambda self: self._output_nr)
        Tensor.mH = property(lambda self: adjoint(self))
        Tensor.real = property(E.FUNCS["real"])  # properties in torch, not methods
        Tensor.imag = property(E.FUNCS["imag"])
        Tensor.H = property(lambda self: adjoint(self))
    for n in _INPLACE:
        if not hasattr(Tensor, n + "_") and hasattr(Tensor, n):
            setattr(Tensor, n + "_", inplace_of(getattr(Tensor, n), n + "_",
                                                _RENAME.get(n + "_")))
    import fungrad.numpy as fnp
    for n, f, node in (("eq", fnp.equal, "EqBackward"), ("ne", fnp.not_equal, "NeBackward"),
                       ("lt", fnp.less, "LtBackward"), ("le", fnp.less_equal, "LeBackward"),
                       ("gt", fnp.greater, "GtBackward"), ("ge", fnp.greater_equal, "GeBackward")):
        setattr(Tensor, n + "_", _compare_inplace(f, node))
    for a, n in (("greater", "gt"), ("greater_equal", "ge"), ("less", "lt"), ("less_equal", "le"),
                 ("not_equal", "ne")):
        setattr(Tensor, a + "_", getattr(Tensor, n + "_"))
    Tensor.clamp_ = inplace_of(M.clamp, "clamp_")  # the first cut's clamp_ had no gradient
    Tensor.clip_ = Tensor.clamp_
    for n in _TOP_INPLACE:
        if n + "_" not in namespace:
            m = getattr(Tensor, n + "_", None)
            if m is not None:
                namespace[n + "_"] = m
    from fungrad.torch.nn import functional as F
    for n in NN_TOP:
        if n not in namespace and hasattr(F, n):
            aten = getattr(F, "_aten_" + n, None)
            namespace[n] = _nn_top(n, aten or getattr(F, n), aten is None)
    namespace.setdefault("Size", Size)
    from fungrad.torch import distributions, fft, linalg, special
    namespace.setdefault("distributions", distributions)
    namespace.setdefault("linalg", linalg)
    namespace.setdefault("special", special)
    namespace.setdefault("fft", fft)
    for n in ("complex64", "complex128"):
        namespace.setdefault(n, _dtype.from_np(np.dtype(n)))
    namespace.setdefault("cfloat", namespace["complex64"])
    namespace.setdefault("cdouble", namespace["complex128"])
    for n in _RANDOM_TOP:
        if n in namespace:
            _RAW[n] = namespace[n]
            namespace[n] = _vmap_random(namespace[n], n)
    for n in _RANDOM_METHODS:
        if hasattr(Tensor, n):
            setattr(Tensor, n, _vmap_random(getattr(Tensor, n), n))
    from fungrad.torch import _argcheck, overrides
    _argcheck.guard(namespace, "torch")  # torch's TypeErrors for arguments of the wrong type
    _argcheck.guard_methods(Tensor)
    namespace.setdefault("overrides", overrides)
    overrides.install(namespace)
