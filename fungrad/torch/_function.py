"""torch.autograd.Function: user forward/backward, with ctx being the graph node.

The node calls the user's backward with Tensor cotangents (grad mode on under create_graph, so
double backward through it works). Inside a core transform (values are core tracers) the Function
is the core's custom_vjp / custom_jvp call (see _function_transform), so torch.func.grad/jacrev/vjp
use its ``backward`` and torch.func.jvp/jacfwd its ``jvp``; a custom ``vmap`` staticmethod is
honored under torch.func.vmap.
"""
import functools
import inspect
import traceback

import numpy as np

from fungrad.extend import Tracer
from fungrad.torch._grad_mode import ANOMALY, GRAD, no_grad
from fungrad.torch._node import Error, Node
from fungrad.torch._forward import function_jvp
from fungrad.torch._function_ctx import FunctionCtx
from fungrad.torch._function_transform import apply_in_transform
from fungrad.torch._record import E3, short_name
from fungrad.torch._state import DUAL_LEVEL
from fungrad.torch._tensor import Tensor, _new

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable"]

_F5 = ("Legacy autograd function with non-static forward method is deprecated. Please use "
       "new-style autograd function with static forward method. (Example: "
       "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")
_ONCE = "trying to differentiate twice a function that was marked with @once_differentiable"


class BackwardCFunction(Node, FunctionCtx):
    """Base of the ``{Name}Backward`` node classes; an instance is both ctx and grad_fn."""

    _repr_prefix = "torch.autograd.function."
    _forward_cls = None

    def __init__(self):
        Node.__init__(self)
        self._to_save = ()
        self._to_save_fwd = None
        self._saved_vals = ()
        self._versions = ()
        self._dirty = ()
        self._non_diff = ()
        self._materialize = True
        self._freed = False
        self._fwd_mode = False
        self._out_meta = []
        self.needs_input_grad = ()
        self.has_saved = False

    def check_saved(self):
        if self._freed:
            raise RuntimeError(E3)
        for t, v in zip(self._saved_vals, self._versions):
            if t is not None and t._vc.v != v:
                which = (f", which is output 0 of {short_name(t.grad_fn.name())},"
                         if t.grad_fn is not None else "")
                from fungrad.torch._dtype import cpp_type_name
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: [{cpp_type_name(t._value.dtype)} "
                    f"[{', '.join(map(str, t.shape))}]]{which} is at version {t._vc.v}; expected "
                    f"version {v} instead. Hint: enable anomaly detection to find the operation "
                    "that failed to compute its gradient, with "
                    "torch.autograd.set_detect_anomaly(True, check_nan=False).")

    def release(self):
        if self._saved_vals:
            self._saved_vals = ()
            self._freed = True

    def apply(self, grads, create_graph):
        cls = self._forward_cls
        ins = []
        for g, (shape, dtype, _diff) in zip(grads, self._out_meta):
            if g is None and shape is not None and self._materialize:
                g = np.zeros(shape, dtype)
            ins.append(None if g is None else g if isinstance(g, Tensor) else _new(g))
        res = cls.backward(self, *ins)
        if not isinstance(res, tuple):
            res = (res,)
        n = len(self.next_functions)
        name = type(self).__name__
        if len(res) > n and all(r is None for r in res[n:]):
            res = res[:n]
        if len(res) != n:
            raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                               f"(expected {n}, got {len(res)})")
        out = []
        for i, (g, meta) in enumerate(zip(res, self._in_meta)):
            if g is None:
                out.append(None)
                continue
            if not isinstance(g, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            if meta is None:
                raise RuntimeError(f"function {name} returned a gradient different than None at "
                                   f"position {i + 1}, but the corresponding forward input was "
                                   "not a Variable")
            if tuple(g.shape) != meta:
                raise RuntimeError(f"Function {name} returned an invalid gradient at index {i} - "
                                   f"got {list(g.shape)} but expected shape compatible with "
                                   f"{list(meta)}")
            out.append(g if create_graph else g._value)
        return out


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})


class Function(FunctionCtx, metaclass=_FunctionMeta):
    """Base class for custom differentiable functions (static forward/backward)."""

    _function_base = True  # where the search for a subclass's own rules stops

    generate_vmap_rule = False

    def __call__(self, *args, **kwargs):
        raise RuntimeError(_F5)

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def _new_style(cls):
        return cls.setup_context is not Function.setup_context

    @classmethod
    def apply(cls, *args, **kwargs):
        if kwargs:
            sig = inspect.signature(cls.forward)
            params = list(sig.parameters)
            if not cls._new_style():
                params = params[1:]
            bound = dict(zip(params, args))
            bound.update(kwargs)
            args = tuple(bound[p] for p in params if p in bound)
        if any(isinstance(a, Tensor) and isinstance(a._value, Tracer) for a in args):
            return apply_in_transform(cls, args)
        return _apply(cls, args)


def _apply(cls, args):
    ctx = cls._backward_cls()
    ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
    with no_grad():
        if cls._new_style():
            out = cls.forward(*args)
            cls.setup_context(ctx, args, out)
        else:
            out = cls.forward(ctx, *args)
    record = GRAD.get() and any(ctx.needs_input_grad)
    dual = DUAL_LEVEL.get() is not None and any(isinstance(a, Tensor) and a._fw is not None
                                                for a in args)
    if isinstance(out, tuple):
        outs = list(out)
    else:
        outs = [out]
    if record:
        ctx.next_functions = tuple(a._edge() if isinstance(a, Tensor) and a._requires_grad
                                   else (None, 0) for a in args)
    if record or dual:
        outs = [_track(ctx, o, k, args, record) for k, o in enumerate(outs)]
    if record:
        ctx._in_meta = [tuple(a.shape) if isinstance(a, Tensor) else None for a in args]
        ctx._saved_vals = tuple(ctx._to_save)
        ctx._versions = tuple(t._vc.v if t is not None else 0 for t in ctx._to_save)
        ctx.has_saved = bool(ctx._to_save)
        ctx.n_outputs = len(outs)
        if ANOMALY.get()[0]:
            ctx._anomaly_tb = "".join(traceback.format_stack()[:-2])
    if dual:
        function_jvp(cls, ctx, args, outs)
    return tuple(outs) if isinstance(out, tuple) else outs[0]


def _track(ctx, o, k, args, record):
    if not isinstance(o, Tensor):
        ctx._out_meta.append((None, None, False))
        return o
    if any(o is d for d in ctx._dirty):
        if o.grad_fn is None and o._requires_grad:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                               "operation.")
        o._vc.v += 0
    elif any(o is a for a in args):
        src = o
        o = _new(src._value)
        o._base, o._vc = src, src._vc
    non_diff = any(o is n for n in ctx._non_diff) or o._value.dtype.kind not in "fc"
    ctx._out_meta.append((tuple(o.shape), o._value.dtype, not non_diff))
    if record and not non_diff:
        o.grad_fn, o._output_nr, o._requires_grad = ctx, k, True
    elif non_diff:
        o._requires_grad = False
    return o


def once_differentiable(fn):
    """Runs backward under no_grad; its grads cannot be differentiated again (grad_fn=<Error>)."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outs = fn(ctx, *args)
        if not GRAD.get():
            return outs
        srcs = [a for a in args if isinstance(a, Tensor) and a._requires_grad]
        if not srcs:
            return outs
        single = not isinstance(outs, tuple)
        res = []
        for o in ((outs,) if single else outs):
            if isinstance(o, Tensor):
                node = Error(_ONCE, len(srcs))
                node.next_functions = tuple(s._edge() for s in srcs)
                o = _new(o._value, True)
                o.grad_fn = node
            res.append(o)
        return res[0] if single else tuple(res)
    return wrapper

