"""Fill the core's tracer operator and method tables, so `x + y`, `x @ w`, `x[1:]`, `x.sum()`
work on traced values with numpy semantics. Run once, at import of fungrad.numpy.

Imports: _core.trace, numpy.*.
"""
import numpy as np

from fungrad._core.trace import Tracer, tracer_methods
from fungrad.numpy import creation, indexing, linalg, reductions, shape, ufuncs


def _reshape_method(self, *shape_args, order="C"):
    new = shape_args[0] if len(shape_args) == 1 else shape_args
    return shape.reshape(self, new, order)


def _transpose_method(self, *axes):
    if len(axes) == 1 and not isinstance(axes[0], int):
        axes = axes[0]
    return shape.transpose(self, axes or None)


def _reflected(fn):
    return lambda self, other: fn(other, self)


_BINARY = {
    "add": ufuncs.add, "sub": ufuncs.subtract, "mul": ufuncs.multiply,
    "truediv": ufuncs.divide, "floordiv": ufuncs.floor_divide, "mod": ufuncs.mod,
    "pow": ufuncs.power, "matmul": linalg.matmul, "and": ufuncs.bitwise_and,
    "or": ufuncs.bitwise_or, "xor": ufuncs.bitwise_xor,
    "lshift": lambda x, y: ufuncs.multiply(x, ufuncs.power(2, y)),
    "rshift": lambda x, y: ufuncs.floor_divide(x, ufuncs.power(2, y)),
}
_OTHER = {
    "__lt__": ufuncs.less, "__le__": ufuncs.less_equal, "__gt__": ufuncs.greater,
    "__ge__": ufuncs.greater_equal, "__eq__": ufuncs.equal, "__ne__": ufuncs.not_equal,
    "__neg__": ufuncs.negative, "__pos__": ufuncs.positive, "__abs__": ufuncs.absolute,
    "__invert__": ufuncs.invert, "__getitem__": indexing.getitem,
}


def _numpy_protocols(namespace):
    """numpy's dispatch hooks: `np.sin(tracer)`, `ndarray + tracer` and `np.sum(tracer)` call the
    fungrad.numpy function of the same name, or raise a TypeError naming the way out."""
    def unsupported(name):
        return TypeError(
            f"numpy.{name} was called on a traced value, and fungrad.numpy has no {name} that "
            "accepts these arguments. Fix: use `import fungrad.numpy as fnp` functions on traced "
            "values (or compute this outside the transform).")

    def array_ufunc(self, ufunc, method, *inputs, **kwargs):
        fn = namespace.get(ufunc.__name__)
        if method != "__call__" or fn is None or kwargs:
            raise unsupported(f"{ufunc.__name__}" + ("" if method == "__call__" else f".{method}"))
        return fn(*inputs)

    def array_function(self, func, types, args, kwargs):
        fn = namespace.get(func.__name__)
        if fn is None:
            raise unsupported(func.__name__)
        return fn(*args, **kwargs)

    return array_ufunc, array_function


def install(namespace):
    """Give Tracer its numpy operators (as class attributes: no per-call table lookup) and numpy's
    dispatch hooks, resolving names in `namespace` (fungrad.numpy's)."""
    Tracer.__array_ufunc__, Tracer.__array_function__ = _numpy_protocols(namespace)
    for name, fn in _BINARY.items():
        setattr(Tracer, f"__{name}__", fn)
        setattr(Tracer, f"__r{name}__", _reflected(fn))
    for name, fn in _OTHER.items():
        setattr(Tracer, name, fn)
    Tracer.__hash__ = object.__hash__  # __eq__ is elementwise; hash stays identity
    Tracer.T = property(lambda self: shape.transpose(self))
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
