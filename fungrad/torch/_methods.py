"""Installs the op functions as Tensor operators and methods (one table, read once at import)."""
import numpy as np

from fungrad.torch import _creation as C
from fungrad.torch import _ops_elem as E
from fungrad.torch import _ops_index as I
from fungrad.torch import _ops_inplace as P
from fungrad.torch import _ops_math as M
from fungrad.torch import _ops_reduce as R
from fungrad.torch import _ops_shape as S
from fungrad.torch._backward import backward
from fungrad.torch._device import _NO_CUDA
from fungrad.torch._dtype import float16, float32, float64, int32, int64, bool_
from fungrad.torch._tensor import Size, Tensor
from fungrad.torch._util import no_positional, shape_dim


def _r(f):
    return lambda self, other: f(other, self)


_NUMBERS = (bool, int, float, complex)


def _operator(f):
    """An arithmetic, comparison or bitwise operator: NotImplemented for an operand that is
    neither a tensor nor a number (torch's operators turn the TypeError into NotImplemented, and
    Python then tries the other operand), torch's OverflowError for an int beyond int64."""
    def op(self, other):
        if isinstance(other, Tensor):
            return f(self, other)
        if type(other) not in _NUMBERS and not isinstance(other, (np.generic, np.ndarray)):
            return NotImplemented
        if type(other) is int and not -2 ** 63 <= other < 2 ** 63:
            raise OverflowError("int too big to convert")
        return f(self, other)
    return op


def _invert(self):
    if self._value.dtype.kind not in "biu":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return E.FUNCS["bitwise_not"](self)


def _contiguous(self, *args, memory_format=None):
    no_positional("contiguous", args)
    return self


def _size(self, dim=None):
    s = self._value.shape
    if dim is None:
        return Size(s)
    if type(dim) is int and -len(s) <= dim < len(s):
        return s[dim]
    return s[shape_dim(dim, s)]


def _cuda(self, device=None, non_blocking=False, memory_format=None):
    raise AssertionError(_NO_CUDA)  # torch's CPU build: no CUDA device to move to


def _pow(self, other):
    return M.pow(self, other)


def _rpow(self, other):
    return M.pow(other, self)


OPERATORS = {
    "__add__": _operator(M.add), "__radd__": _operator(_r(M.add)), "__sub__": _operator(M.sub),
    "__rsub__": _operator(M.rsub), "__mul__": _operator(M.mul),
    "__rmul__": _operator(_r(M.mul)), "__truediv__": _operator(M.div),
    "__rtruediv__": _operator(M._rdiv),
    "__pow__": _operator(_pow), "__rpow__": _operator(_rpow), "__matmul__": M.matmul,
    "__rmatmul__": _r(M.matmul),
    "__neg__": M.neg, "__pos__": lambda self: self, "__abs__": M.abs,
    "__floordiv__": _operator(M.floor_divide), "__mod__": _operator(M.remainder),
    "__eq__": _operator(M.eq), "__ne__": _operator(M.ne), "__lt__": _operator(M.lt),
    "__le__": _operator(M.le), "__gt__": _operator(M.gt), "__ge__": _operator(M.ge),
    "__and__": _operator(E.FUNCS["bitwise_and"]), "__or__": _operator(E.FUNCS["bitwise_or"]),
    "__xor__": _operator(E.FUNCS["bitwise_xor"]), "__invert__": _invert,
    "__rand__": _r(E.FUNCS["bitwise_and"]), "__ror__": _r(E.FUNCS["bitwise_or"]),
    "__rxor__": _r(E.FUNCS["bitwise_xor"]), "__lshift__": _operator(E.FUNCS["bitwise_left_shift"]),
    "__rshift__": _operator(E.FUNCS["bitwise_right_shift"]), "__rmod__": _r(M.remainder),
    "__rfloordiv__": _r(M.floor_divide),
    "__iadd__": _operator(P.add_), "__isub__": _operator(P.sub_), "__imul__": _operator(P.mul_),
    "__itruediv__": _operator(P.div_),
    "__getitem__": I.getitem, "__setitem__": I.setitem,
}

METHODS = {
    "add": M.add, "sub": M.sub, "mul": M.mul, "div": M.div, "pow": M.pow, "neg": M.neg,
    "matmul": M.matmul, "mm": M.mm, "bmm": M.bmm, "mv": M.mv, "dot": M.dot, "outer": M.outer,
    "exp": M.exp, "log": M.log, "log1p": M.log1p, "expm1": M.expm1, "sin": M.sin, "cos": M.cos,
    "tan": M.tan, "tanh": M.tanh, "sigmoid": M.sigmoid, "sqrt": M.sqrt, "rsqrt": M.rsqrt,
    "abs": M.abs, "relu": M.relu, "clamp": M.clamp, "clip": M.clamp, "square": M.square,
    "sign": M.sign, "floor": M.floor, "ceil": M.ceil, "round": M.round,
    "reciprocal": M.reciprocal, "maximum": M.maximum, "minimum": M.minimum, "eq": M.eq,
    "ne": M.ne, "lt": M.lt, "le": M.le, "gt": M.gt, "ge": M.ge, "log2": M.log2,
    "isnan": M.isnan, "erf": M.erf, "sinh": M.sinh, "cosh": M.cosh,
    "sum": R.sum, "mean": R.mean, "prod": R.prod, "max": R.max, "min": R.min, "amax": R.amax,
    "amin": R.amin, "argmax": R.argmax, "argmin": R.argmin, "var": R.var, "std": R.std,
    "cumsum": R.cumsum, "softmax": R.softmax, "log_softmax": R.log_softmax,
    "logsumexp": R.logsumexp, "sort": R.sort, "all": R.all, "any": R.any,
    "view": S.view, "reshape": S.reshape, "view_as": S.view_as, "flatten": S.flatten,
    "squeeze": S.squeeze, "unsqueeze": S.unsqueeze, "permute": S.permute,
    "transpose": S.transpose, "t": S.t, "expand": S.expand, "expand_as": S.expand_as,
    "repeat": S.repeat, "split": S.split, "chunk": S.chunk, "unbind": S.unbind, "flip": S.flip,
    "clone": S.clone, "to": S.to, "movedim": S.movedim, "narrow": S.narrow, "tile": S.tile,
    "reshape_as": S.view_as,
    "add_": P.add_, "sub_": P.sub_, "mul_": P.mul_, "div_": P.div_, "zero_": P.zero_,
    "fill_": P.fill_, "copy_": P.copy_, "clamp_": P.clamp_, "pow_": P.pow_, "neg_": P.neg_,
    "exp_": P.exp_, "relu_": P.relu_, "sqrt_": P.sqrt_,
    "backward": lambda self, gradient=None, retain_graph=None, create_graph=False, inputs=None: (
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)),
    "contiguous": _contiguous, "size": _size,
    "float": lambda self: S.to(self, float32), "double": lambda self: S.to(self, float64),
    "half": lambda self: S.to(self, float16), "long": lambda self: S.to(self, int64),
    "int": lambda self: S.to(self, int32), "bool": lambda self: S.to(self, bool_),
    "type_as": lambda self, other: S.to(self, other.dtype),
    "cpu": lambda self: self, "cuda": _cuda,
    "new_zeros": lambda self, *size, **kw: _new_like(self, "zeros", size, kw),
    "new_ones": lambda self, *size, **kw: _new_like(self, "ones", size, kw),
    "new_tensor": lambda self, data, **kw: _new_like(self, "tensor", data, kw),
}


def _new_like(self, kind, arg, kw):
    if kind != "tensor" and not arg:
        raise TypeError(f'new_{kind}() missing 1 required positional arguments: "size"')
    kw.setdefault("dtype", self.dtype)
    if kind == "tensor":
        return C.tensor(arg, **kw)
    return getattr(C, kind)(*arg, **kw)


def install():
    for k, f in {**OPERATORS, **METHODS}.items():
        setattr(Tensor, k, f)
    Tensor.T = property(S.T)
    Tensor.mT = property(lambda self: S.transpose(self, -2, -1))
    Tensor.__hash__ = lambda self: id(self)
