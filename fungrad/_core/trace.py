"""Traces and tracers, and the one piece of global state: the current trace (a context variable).

Dispatch is by context, not by levels: `bind` goes to the current trace; each trace has a parent and
owns its tracers by identity; anything it does not own is a constant to it. Rules run with the parent
as current trace. A trace is killed when its transform returns, so a leaked tracer is detected in O(1).

Imports: _core.array, _core.aval, _core.errors (and wadler_lindig, jaxtyping's printer, when it
asks for Tracer.__pdoc__).
"""
from __future__ import annotations
import contextvars

import numpy as np

from fungrad._core.array import ARRAY_TYPES, Array, as_array, frozen, register_virtual
from fungrad._core.aval import _interned as _interned_avals
from fungrad._core.aval import aval_of_constant
from fungrad._core.errors import ConcretizationError, FungradError, UnexpectedTracerError
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only (never evaluated at run time)
    from fungrad._core.aval import ShapedArray

_nd_view = np.ndarray.view
_ARRAYS = (*ARRAY_TYPES, np.ndarray)
_generic = np.generic
_HAS_DTYPE = (np.ndarray, np.generic)  # their aval's dtype is their .dtype


class Trace:
    """One interpretation of primitives. Subclasses implement `process(prim, args, params)`."""

    __slots__ = ("parent", "alive", "__weakref__")
    transform_name = "a transform"

    def __init__(self, parent):
        self.parent = parent
        self.alive = True

    def process(self, prim, args, params):
        raise NotImplementedError


class EvalTrace(Trace):
    """The bottom trace: evaluate with numpy. A tracer reaching it has escaped its transform."""

    __slots__ = ()
    transform_name = "eager evaluation"

    def process(self, prim, args, params):
        vals = []
        for a in args:
            if type(a) in ARRAY_TYPES:  # impls run on exact ndarrays (no subclass wrapping)
                a = _nd_view(a, np.ndarray)
            elif isinstance(a, Tracer):
                raise leaked_tracer_error(a)
            vals.append(a)
        fam = prim.dtypes
        if fam is not None:  # the dtype family, as the typing rule checks it when staged
            kinds = fam.kinds
            for a in vals:
                if (a.dtype.kind if type(a) is np.ndarray else np.result_type(a).kind) not in kinds:
                    fam.check(prim, [np.result_type(v) for v in vals])  # raises, naming them
        if prim.arity is not None and len(vals) != prim.arity:
            raise arity_error(prim, vals)
        same = prim.same_dtype_from
        if same is not None and len(vals) > same + 1:  # one dtype, as the typing rule demands
            a = vals[same]
            first = a.dtype if isinstance(a, _HAS_DTYPE) else _dtype_of(a)
            for a in vals[same + 1:]:
                d = a.dtype if isinstance(a, _HAS_DTYPE) else _dtype_of(a)
                if d is not first and d != first:
                    prim.abstract_eval(*[get_aval(v) for v in vals], **params)  # raises
        try:
            out = prim.impl(*vals, **params) if params else prim.impl(*vals)
        except Exception:
            # let the primitive's typing rule explain bad operands (shapes, dtypes) in fungrad's
            # terms; if it finds nothing wrong, the numpy error stands
            try:
                prim.abstract_eval(*[get_aval(a) for a in vals], **params)
            except FungradError as typing_error:
                raise typing_error from None
            raise
        if prim.multiple_results:
            return [result_of(o, vals, args) for o in out]
        if type(out) is np.ndarray:  # result_of's common cases, inline: a fresh result
            for a in vals:
                if out is a:
                    return result_of(out, vals, args)
            return _nd_view(out, Array)
        if isinstance(out, _generic):  # a numpy scalar (of 0-d operands): never an operand
            return _nd_view(np.asarray(out), Array)
        return result_of(out, vals, args)


def result_of(x, operands, originals):
    """An impl's result as an Array value (fungrad.Array) when it is fresh. A result
    that is one of the operands themselves (stop_gradient, an identity program) is the caller's
    value and is returned as the very object the caller passed (`originals`: the operands before
    Arrays were stripped), a plain numpy array included: fungrad.torch recognizes an unchanged
    value by identity (clone, inference tensors saved for backward)."""
    if type(x) is not np.ndarray:
        if type(x) is Array:
            return as_array(x)
        x = np.asarray(x)
        if type(x) is not np.ndarray:
            return as_array(x)
    for a, o in zip(operands, originals):
        if x is a:
            return o
    return frozen(x)


def arity_error(prim, args):
    return TypeError(f"{prim.name} takes {prim.arity} operand{'s' if prim.arity != 1 else ''}, "
                     f"got {len(args)}")


def _dtype_of(x):
    return x.dtype if type(x) is np.ndarray else aval_of_constant(x).dtype


def as_result(x):
    """A primitive's result as fungrad returns it: a fungrad.Array, 0-d where numpy ufuncs give
    numpy scalars (eager evaluation and jit's generated code both normalize with this one
    function; where the operands are known, result_of also keeps passed-through operands)."""
    return as_array(x)


EVAL_TRACE = EvalTrace(None)
current_trace_var = contextvars.ContextVar("fungrad_current_trace", default=EVAL_TRACE)


def current_trace() -> Trace:
    return current_trace_var.get()


class set_trace:
    """Context manager making `trace` current: `with set_trace(t): ...`."""

    __slots__ = ("trace", "token")

    def __init__(self, trace):
        self.trace = trace

    def __enter__(self):
        self.token = current_trace_var.set(self.trace)
        return self.trace

    def __exit__(self, *exc):
        current_trace_var.reset(self.token)


def bind_on(trace, prim, args, params):
    """Bind `prim` with `trace` current (how a rule's operations go one level down)."""
    token = current_trace_var.set(trace)
    try:
        return prim.bind(*args, **params)
    finally:
        current_trace_var.reset(token)


def check_alive(tracer):
    """Raise UnexpectedTracerError if `tracer`'s transform has already returned."""
    if not tracer._trace.alive:
        raise leaked_tracer_error(tracer)


def leaked_tracer_error(tracer):
    return UnexpectedTracerError(
        f"Encountered a traced value {tracer.aval.str_short()} created inside "
        f"{tracer._trace.transform_name} after that transform had already returned (a leaked "
        "tracer). This happens when a function under a transform stores an intermediate value in "
        "a global, a closure or an object attribute and it is used later. Fix: return the value "
        "from the transformed function instead of storing it, or compute it outside the transform.")


# The operators and methods of traced values get their numpy meaning from fungrad.numpy, which
# installs them once at import (the sanctioned upward extension point: the core declares the slots,
# the numpy layer fills them). Methods not installed as attributes are looked up in this table.
tracer_methods = {}


class Tracer:
    """A value inside a transform. Concrete tracers (eager grad/jvp/vmap) can be inspected in Python."""

    __slots__ = ("_trace",)
    __array_priority__ = 1000
    __array_ufunc__ = None  # make numpy defer to our reflected operators
    __hash__ = object.__hash__

    @property
    def aval(self):
        raise NotImplementedError

    def to_concrete(self, context):
        """The concrete value, or raise ConcretizationError naming `context` (e.g. 'bool()')."""
        raise ConcretizationError(self._concretization_message(context))

    def _concretization_message(self, context):
        return (f"{context} was called on a traced value {self.aval.str_short()} inside "
                f"{self._trace.transform_name}, where it is abstract: its value depends on the "
                "function's inputs and is not known while tracing. Python control flow cannot "
                "branch on it. Fix: use fungrad.numpy.where / fungrad.lax.cond for value-dependent "
                "choices, or pass the value as a static argument (jit's static_argnums).")

    shape = property(lambda self: self.aval.shape)
    dtype = property(lambda self: self.aval.dtype)
    ndim = property(lambda self: self.aval.ndim)
    size = property(lambda self: self.aval.size)

    def __len__(self):
        if not self.aval.shape:
            raise TypeError("len() of unsized object (a 0-d traced value)")
        return self.aval.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        return bool(self.to_concrete("bool()"))

    def __float__(self):
        return float(self.to_concrete("float()"))

    def __int__(self):
        return int(self.to_concrete("int()"))

    def __complex__(self):
        return complex(self.to_concrete("complex()"))

    def __index__(self):
        return self.to_concrete("__index__()").__index__()

    def item(self):
        return self.to_concrete("item()").item()

    def __array__(self, dtype=None, copy=None):
        raise ConcretizationError(
            f"A traced value {self.aval.str_short()} inside {self._trace.transform_name} was "
            "passed to plain numpy (np.asarray / a numpy function). That would silently drop it "
            "from the transform. Fix: use `import fungrad.numpy as fnp` and call fnp functions on "
            "traced values.")

    def __repr__(self):
        head = f"Traced<{self.aval.str_short()}>with<{type(self._trace).__name__}>"
        try:
            value = self.to_concrete("repr()")
        except Exception:  # abstract (staged) or batched: there is no single value to show
            return head
        return f"{head}(value={value!r})"

    def __pdoc__(self, **kwargs):
        """How jaxtyping's error messages print a traced value (through wadler_lindig, which asks
        for this): as its aval and transform, as they print numpy arrays by dtype and shape
        (`f64[3,4](numpy)`), not with the concrete value an eager tracer carries."""
        if not kwargs.get("short_arrays", True):
            return None
        from wadler_lindig import TextDoc  # installed with jaxtyping, the only caller
        return TextDoc(f"Traced<{self.aval.str_short()}>with<{type(self._trace).__name__}>")

    def __getattr__(self, name):
        method = tracer_methods.get(name)
        if method is None:
            raise AttributeError(f"Traced value has no attribute {name!r}")
        return method.__get__(self)

    def __setitem__(self, idx, value):
        raise TypeError(
            f"Traced values are immutable: item assignment x[...] = ... on a traced value "
            f"{self.aval.str_short()} is not supported. Fix: use the functional update "
            "x = x.at[idx].set(value) (or .add, .multiply, .min, .max, ...), which returns a new "
            "array, or build one with fungrad.numpy.where or concatenate.")


register_virtual(Tracer)  # isinstance(tracer, fungrad.Array) holds, as for concrete values


def get_aval(x: Any) -> ShapedArray:
    """The abstract value of a tracer or of a constant."""
    if type(x) in _ARRAYS:  # the common case inline: an interned aval of an array
        aval = _interned_avals.get((x.shape, x.dtype, False))
        if aval is not None:
            return aval
    elif isinstance(x, Tracer):
        return x.aval
    return aval_of_constant(x)
