"""Fill the core's tracer operator and method tables, so `x + y`, `x @ w`, `x[1:]`, `x.sum()`
work on traced values with numpy semantics. Run once, at import of fungrad.numpy.

Imports: _core.trace, numpy.*.
"""
import numpy as np

from fungrad._core.trace import tracer_methods, tracer_ops
from fungrad.numpy import creation, indexing, linalg, reductions, shape, ufuncs


def _reshape_method(self, *shape_args, order="C"):
    new = shape_args[0] if len(shape_args) == 1 else shape_args
    return shape.reshape(self, new, order)


def _transpose_method(self, *axes):
    if len(axes) == 1 and not isinstance(axes[0], int):
        axes = axes[0]
    return shape.transpose(self, axes or None)


def install():
    tracer_ops.update({
        "add": ufuncs.add, "sub": ufuncs.subtract, "mul": ufuncs.multiply,
        "truediv": ufuncs.divide, "floordiv": ufuncs.floor_divide, "mod": ufuncs.mod,
        "pow": ufuncs.power, "matmul": linalg.matmul,
        "and": ufuncs.bitwise_and, "or": ufuncs.bitwise_or, "xor": ufuncs.bitwise_xor,
        "lshift": lambda x, y: ufuncs.multiply(x, ufuncs.power(2, y)),
        "rshift": lambda x, y: ufuncs.floor_divide(x, ufuncs.power(2, y)),
        "lt": ufuncs.less, "le": ufuncs.less_equal, "gt": ufuncs.greater,
        "ge": ufuncs.greater_equal, "eq": ufuncs.equal, "ne": ufuncs.not_equal,
        "neg": ufuncs.negative, "pos": ufuncs.positive, "abs": ufuncs.absolute,
        "invert": ufuncs.invert, "getitem": indexing.getitem, "T": shape.transpose,
    })
    tracer_methods.update({
        "sum": reductions.sum, "mean": reductions.mean, "max": reductions.max,
        "min": reductions.min, "prod": reductions.prod, "argmax": reductions.argmax,
        "argmin": reductions.argmin, "var": reductions.var, "std": reductions.std,
        "all": reductions.all, "any": reductions.any,
        "reshape": _reshape_method, "transpose": _transpose_method,
        "swapaxes": shape.swapaxes, "squeeze": shape.squeeze, "ravel": shape.ravel,
        "flatten": shape.ravel, "repeat": shape.repeat,
        "astype": lambda self, dtype: creation.astype(self, dtype),
        "dot": linalg.dot, "clip": ufuncs.clip, "round": ufuncs.round,
        "copy": lambda self: self, "take": indexing.take, "diagonal": indexing.diagonal,
        "trace": indexing.trace, "conj": lambda self: self, "conjugate": lambda self: self,
        "tolist": lambda self: np.asarray(self.to_concrete("tolist()")).tolist(),
    })
