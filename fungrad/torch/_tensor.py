"""The Tensor class: a value (numpy array, or a core tracer inside a core transform) plus autograd
state. Ops are attached as methods by the _ops_* modules.

Differs from torch: CPU only, no strides/storage (views share the numpy buffer and the version
counter, but an in-place change through a view does not rewrite the base's graph).
"""
import warnings

import numpy as np

from fungrad.extend import Tracer
from fungrad.torch import _dtype
from fungrad.torch._format import format_tensor
from fungrad.torch._grad_mode import GRAD, INFERENCE
from fungrad.torch._node import AccumulateGrad, RemovableHandle

_NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information.")
_FLAGS_MSG = "you can only change requires_grad flags of leaf variables."


class Size(tuple):
    """torch.Size: a tuple that prints as ``torch.Size([2, 3])``."""

    def __repr__(self):
        return f"torch.Size({list(self)})"

    def numel(self):
        n = 1
        for d in self:
            n *= d
        return n


class Tensor:
    """A torch-like tensor. ``_value`` is an ndarray, or a core tracer under torch.func."""

    __slots__ = ("_value", "_requires_grad", "_grad", "grad_fn", "_output_nr", "_vc", "_base",
                 "_hooks", "_post_hooks", "_retains_grad", "_acc", "_inference", "_fw",
                 "__weakref__", "__dict__")

    # a view made by a recorded op: (its source, the op function, the other operand values, the
    # output number or None), set by _record.apply (an instance attribute; None for the rest)
    _view_of = None
    _view_stamp = None  # the base's grad_fn when the view's history was taken (_record)
    _view_version = None  # the version counter's value then

    def __init__(self, *args):
        t = _new(np.zeros(0, np.float32) if not args else np.asarray(args[0], np.float32))
        for s in Tensor.__slots__[:-2]:
            object.__setattr__(self, s, getattr(t, s))

    # ---- basic properties
    @property
    def shape(self):
        return Size(self._value.shape)

    def size(self, dim=None):
        s = self._value.shape
        if dim is None:
            return Size(s)
        return s[dim]

    @property
    def dtype(self):
        return _dtype.from_np(self._value.dtype)

    @property
    def ndim(self):
        return self._value.ndim

    def dim(self):
        return self._value.ndim

    def numel(self):
        n = 1
        for d in self._value.shape:
            n *= d
        return n

    nelement = numel

    def __len__(self):
        if not self._value.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self._value.shape[0]

    @property
    def device(self):
        from fungrad.torch._device import CPU
        return CPU

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def is_floating_point(self):
        return lambda: self._value.dtype.kind == "f"

    def is_inference(self):
        return self._inference

    @property
    def _version(self):
        return self._vc.v

    def _is_view(self):
        return self._base is not None

    @property
    def data(self):
        return self.detach()

    @data.setter
    def data(self, other):
        self._value = other._value

    # ---- autograd attributes
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if self.grad_fn is not None:
            raise RuntimeError(_FLAGS_MSG if flag else _FLAGS_MSG[:-1] + _FLAGS_TAIL)
        if flag and self._value.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point and complex dtype can require "
                               "gradients")
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad=True):
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(_FLAGS_MSG[:-1] + _FLAGS_TAIL)
        if requires_grad and self._value.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if requires_grad and self._inference and not INFERENCE.get():
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self):
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn(_NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, g):
        if g is not None:
            if g.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(g.shape)}' to a tensor of "
                    f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor "
                    "are the same size")
        self._grad = g

    @property
    def retains_grad(self):
        return self._retains_grad

    def retain_grad(self):
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        if self.grad_fn._retain is None:
            self.grad_fn._retain = {}
        self.grad_fn._retain[self._output_nr] = self

    def register_hook(self, hook):
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_tensor_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = {}
        h = RemovableHandle(self._hooks)
        self._hooks[h.id] = hook
        return h

    def register_post_accumulate_grad_hook(self, hook):
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if self._post_hooks is None:
            self._post_hooks = {}
        h = RemovableHandle(self._post_hooks)
        self._post_hooks[h.id] = hook
        return h

    def _edge(self):
        if self.grad_fn is not None:
            return (self.grad_fn, self._output_nr)
        acc = self._acc
        if acc is None:
            acc = self._acc = AccumulateGrad(self)
        return (acc, 0)

    def detach(self):
        out = _new(self._value)
        out._vc = self._vc
        out._inference = self._inference
        return out

    def detach_(self):
        if self._base is not None:  # (torch: any view, made under no_grad too)
            raise RuntimeError(_DETACH_VIEW)
        self.grad_fn = None
        self._requires_grad = False
        return self

    # ---- conversion
    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return _concrete(self._value)

    def __array__(self, dtype=None, copy=None):
        a = _concrete(self._value)
        return a if dtype is None else a.astype(dtype)

    def item(self):
        v = self._value
        n = self.numel()
        if n != 1:
            raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
        return _concrete(v).reshape(()).item()

    def tolist(self):
        return _concrete(self._value).tolist()

    def __float__(self):
        if self._value.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self.item())

    def __int__(self):
        if self._value.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self.item())

    def __bool__(self):
        return bool(self.item())

    def __index__(self):
        v = self._value
        if getattr(v, "size", 1) != 1 or getattr(v, "dtype", np.dtype(int)).kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def data_ptr(self):
        v = self._value
        return v.__array_interface__["data"][0] if isinstance(v, np.ndarray) else id(v)

    def __hash__(self):
        return id(self)

    def __format__(self, spec):
        if self._value.ndim == 0:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __repr__(self):
        v = self._value
        if isinstance(v, Tracer):
            return f"Tensor(traced {v.aval.str_short()})"
        suffixes = []
        if self.grad_fn is not None:
            suffixes.append(f"grad_fn=<{type(self.grad_fn).__name__}>")
        elif self._requires_grad:
            suffixes.append("requires_grad=True")
        tangent = live_tangent(self)
        if tangent is not None:
            suffixes.append(f"tangent={tangent}")
        if v.dtype.kind == "c":
            return _format_complex(v, suffixes)
        return format_tensor(v, v.dtype.name, suffixes)

    __str__ = __repr__


def _format_complex(v, suffixes):
    """A complex tensor's repr (4 decimals for both parts; torch's own layout differs in how it
    pads parts that are whole numbers)."""
    body = np.array2string(np.asarray(v), separator=", ", prefix="tensor(",
                           formatter={"complexfloat": lambda z: f"{z.real:.4f}{z.imag:+.4f}j"})
    extra = [] if v.dtype == np.complex64 else ["dtype=torch.complex128"]
    return "tensor(" + ", ".join([body] + extra + list(suffixes)) + ")"


_FLAGS_TAIL = (". If you want to use a computed variable in a subgraph that doesn't require "
               "differentiation use var_no_grad = var.detach().")


def _concrete(v):
    if isinstance(v, Tracer):
        return np.asarray(v.to_concrete("converting a Tensor to Python"))
    return v


def live_tangent(t):
    """The forward-AD tangent of `t` as a Tensor, or None (none, or its level has exited)."""
    fw = t._fw
    if fw is None or not fw[1].alive:
        return None
    if len(fw) > 2:  # made by make_dual: torch returns the tangent object given (a real one
        return fw[2]  # of a complex tensor too, whose forward pass takes it as complex)
    return _new(fw[0])



class _VC:
    """A version counter shared by a tensor, its views and its detached aliases."""

    __slots__ = ("v",)

    def __init__(self):
        self.v = 0


_DETACH_VIEW = ("Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
_tnew = _vcnew = object.__new__


def _new(value, requires_grad=False):
    """A fresh leaf Tensor holding ``value`` (no copy)."""
    t = _tnew(Tensor)
    t._value = value
    t._requires_grad = requires_grad
    t._grad = None
    t.grad_fn = None
    t._output_nr = 0
    t._vc = vc = _vcnew(_VC)  # (no __init__ frame: a tensor is made per op)
    vc.v = 0
    t._base = None
    t._hooks = None
    t._post_hooks = None
    t._retains_grad = False
    t._acc = None
    t._inference = INFERENCE.get()
    t._fw = None
    return t


def grad_enabled():
    return GRAD.get()
