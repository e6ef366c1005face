"""Fill the core's tracer operator and method tables, so `x + y`, `x @ w`, `x[1:]`, `x.sum()`
work on traced values with numpy semantics, and give fungrad.Array its `.at` updates and its
traced-index `__getitem__`. Run once, at import of fungrad.numpy.

Imports: _core.trace, numpy.*.
"""
import numpy as np

from fungrad._core import array as _array
from fungrad._core.trace import Tracer, tracer_methods

__all__ = ["install"]
from fungrad.numpy import (
    _at, creation, indexing, linalg, reductions, shape, sorting, ufuncs)


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
# The numpy ufunc that computes each operator of two concrete operands exactly as its
# fungrad.numpy function does eagerly (NEP 50 promotion, numpy's warnings; checked operand by
# operand, dtype pair by dtype pair, in tests/test_array.py). Not here: lshift/rshift
# (fungrad.numpy's are multiplications), matmul, and floordiv/mod (fungrad.numpy's warn
# differently from numpy's on zeros, infinities and integers).
_NUMPY_UFUNC = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "truediv": np.true_divide,
    "pow": np.power,
    "and": np.bitwise_and, "or": np.bitwise_or, "xor": np.bitwise_xor,
    "__lt__": np.less, "__le__": np.less_equal, "__gt__": np.greater,
    "__ge__": np.greater_equal, "__eq__": np.equal, "__ne__": np.not_equal,
}
_nd_view = np.ndarray.view
_ARRAYS = frozenset(_array.ARRAY_TYPES + (np.ndarray,))
_SCALARS = frozenset([float, int, bool])
_FLOAT_OR_BOOL = frozenset([float, bool])
_NUMERIC = frozenset(np.typecodes["AllInteger"] + np.typecodes["AllFloat"] + "?")
_INT_RANGE = range(-2**63, 2**63)  # fungrad.numpy refuses larger Python ints (numpy compares them)


def _deferring(fn, ufunc=None, reflected=False, compare=False):
    """An Array operator. Of two concrete operands (Arrays, ndarrays, Python numbers) of numeric
    dtypes it runs `ufunc` on plain ndarray views, the fast path: fungrad.numpy's function would
    compute the same value through its primitive (about 5 us more per call); anything it does not
    compute as fungrad.numpy does (a numpy error, an operand of another type, a traced value)
    goes through `fn`, fungrad.numpy's function, so errors are fungrad's. As numpy's operators,
    it gives way (NotImplemented) to an operand whose type sets `__array_ufunc__ = None`
    (pytest.approx, array-likes that handle numpy operands)."""
    def op(self, other):
        t = type(other)
        if ufunc is not None and (t in _ARRAYS or t in _SCALARS):
            a = _nd_view(self, np.ndarray)
            b = other if t in _SCALARS or t is np.ndarray else _nd_view(other, np.ndarray)
            if a.dtype.char in _NUMERIC and (
                    b.dtype.char in _NUMERIC if t in _ARRAYS else t in _FLOAT_OR_BOOL
                    # numpy compares integer arrays with any Python int; fungrad.numpy refuses
                    # those out of the array's range
                    or (t is int and other in _INT_RANGE and not (compare and a.dtype.kind in "biu"))):
                try:
                    out = ufunc(b, a) if reflected else ufunc(a, b)
                except Exception:  # noqa: BLE001 - fungrad.numpy's function raises its own error
                    return fn(other, self) if reflected else fn(self, other)
                return _array.frozen(out)
        elif getattr(t, "__array_ufunc__", 0) is None:
            return NotImplemented
        return fn(other, self) if reflected else fn(self, other)
    return op


_COMPARISONS = frozenset(["__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"])
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
    Tracer.mT = property(lambda self: shape.matrix_transpose(self))
    Tracer.at = property(_at.at, doc="Functional index updates: x.at[idx].set(v), .add(v), ...")
    # fungrad.Array (the concrete values fungrad returns): the same updates, and indexing by a
    # traced index (a[i] under jit/scan/vmap) goes through fungrad.numpy's getitem
    _array.Array.at = property(_at.at, doc="Functional index updates: x.at[idx].set(v), ...")
    _array.hooks["traced_getitem"] = indexing.getitem
    # and its operators are fungrad.numpy's, as a jax.Array's are jax.numpy's: `x + 1` is an
    # Array value (immutable, differentiable if x is later traced); numpy's own calls on Arrays
    # (np.add(x, 1), x.sum()) stay numpy's and give NumpyResults (see fungrad._core.array)
    for name, fn in _BINARY.items():
        ufunc = _NUMPY_UFUNC.get(name)
        setattr(_array.Array, f"__{name}__", _deferring(fn, ufunc))
        setattr(_array.Array, f"__r{name}__", _deferring(fn, ufunc, True))
        _array.install_inplace(name, getattr(_array.Array, f"__{name}__"))
    for name, fn in _OTHER.items():
        if name in _COMPARISONS:
            setattr(_array.Array, name, _deferring(fn, _NUMPY_UFUNC[name], compare=True))
        elif name != "__getitem__":
            setattr(_array.Array, name, fn)
    Tracer.real = property(ufuncs.real)
    Tracer.imag = property(ufuncs.imag)
    Tracer.nbytes = property(lambda self: self.aval.size * self.aval.dtype.itemsize)
    Tracer.itemsize = property(lambda self: self.aval.dtype.itemsize)
    tracer_methods.update({
        "sum": reductions.sum, "mean": reductions.mean, "max": reductions.max,
        "min": reductions.min, "prod": reductions.prod, "argmax": reductions.argmax,
        "argmin": reductions.argmin, "var": reductions.var, "std": reductions.std,
        "all": reductions.all, "any": reductions.any,
        "reshape": _reshape_method, "transpose": _transpose_method,
        "swapaxes": shape.swapaxes, "squeeze": shape.squeeze, "ravel": shape.ravel,
        "flatten": shape.ravel, "repeat": shape.repeat,
        "dot": linalg.dot, "clip": ufuncs.clip, "round": ufuncs.round,
        "copy": lambda self: self, "take": indexing.take, "diagonal": indexing.diagonal,
        "trace": indexing.trace,
        "tolist": lambda self: np.asarray(self.to_concrete("tolist()")).tolist(),
        "cumsum": reductions.cumsum, "cumprod": reductions.cumprod, "ptp": reductions.ptp,
        "nonzero": lambda self, **kw: indexing.nonzero(self, **kw),
        "sort": _sort_method, "argsort": lambda self, axis=-1, **kw: sorting.argsort(
            self, axis, **kw),
        "searchsorted": sorting.searchsorted, "conj": ufuncs.conjugate,
        "conjugate": ufuncs.conjugate, "item": _item_method,
        "view": _view_method, "choose": lambda self, choices, **kw:
            indexing.choose(self, choices, **kw),
        "compress": lambda self, condition, axis=None, **kw: indexing.compress(
            condition, self, axis, **kw),
        "put": lambda self, *a, **kw: indexing.put(self, *a, inplace=False, **kw),
        "argpartition": lambda self, kth, axis=-1: sorting.argpartition(self, kth, axis),
        "partition": lambda self, kth, axis=-1: sorting.partition(self, kth, axis),
        "astype": lambda self, dtype, **kw: creation.astype(self, dtype),
    })


def _sort_method(self, axis=-1, **kw):
    return sorting.sort(self, axis, **kw)


def _item_method(self, *args):
    value = np.asarray(self.to_concrete("item()"))
    return value.item(*args)


def _view_method(self, dtype=None, type=None):
    if dtype is None or np.dtype(dtype) == self.dtype:
        return self
    raise NotImplementedError("view() with another dtype reinterprets bits; fungrad's traced "
                              "values support astype() conversions only")
