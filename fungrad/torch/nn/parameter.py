"""nn.Parameter (a Tensor subclass that Modules register) and nn.Buffer."""
import numpy as np

from fungrad.torch._tensor import Tensor, _new

__all__ = ["Parameter", "Buffer", "UninitializedParameter"]


def _adopt(cls, data, requires_grad):
    """An instance of ``cls`` holding ``data``'s values (shared, as torch shares storage)."""
    if data is None:
        data = _new(np.zeros(0, np.float32))
    elif not isinstance(data, Tensor):
        raise TypeError(f"Parameter.__new__ expected a Tensor, got {type(data).__name__}")
    t = _new(data._value, False)
    t._vc = data._vc
    self = object.__new__(cls)
    for s in Tensor.__slots__[:-2]:
        object.__setattr__(self, s, getattr(t, s))
    if requires_grad:
        self.requires_grad_(True)
    return self


class Parameter(Tensor):
    """A leaf Tensor that a Module registers as a parameter when assigned as an attribute.

    ``Parameter(data)`` shares ``data``'s values. Ops on a Parameter return plain Tensors.
    """

    def __new__(cls, data=None, requires_grad=True):
        return _adopt(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        out = type(self)(_new(np.array(self._value, copy=True)), self._requires_grad)
        memo[id(self)] = out
        return out

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (type(self), np.asarray(self._value), self._requires_grad))

    def __getstate__(self):
        return None


def _rebuild_parameter(cls, value, requires_grad):
    return cls(_new(value), requires_grad)


class Buffer(Tensor):
    """``nn.Buffer(data, persistent=True)``: assigning one to a Module registers a buffer; the
    Module stores a plain Tensor."""

    def __new__(cls, data=None, *, persistent=True):
        self = _adopt(cls, data, False)
        self.persistent = persistent
        return self

    def __init__(self, data=None, *, persistent=True):
        pass


class UninitializedParameter(Parameter):
    """Placeholder for lazy modules (not supported: lazy modules are not implemented)."""

__dir__ = __all__.copy  # dir() lists the public names only
