"""autograd.Function applied to Tensors whose values are core tracers (inside torch.func).

Old-style Functions (no setup_context) are rejected as torch does. A custom ``vmap`` staticmethod
runs on the unbatched values when the innermost transform is the core's vmap. Otherwise the
Function becomes the core's custom_vjp_call: forward + setup_context is the fwd (saved tensors are
the residuals), the user's ``backward`` the bwd, so grad/jacrev/vjp use the custom gradient. A
Function's ``jvp`` makes it a custom_jvp_call instead in forward mode (the innermost transform is
the core's jvp), or always when it has no backward.
"""
from fungrad.extend import Tracer, closes_over_tracers, current_trace
from fungrad.extend import custom_jvp_call
from fungrad.extend import custom_vjp_call
from fungrad.extend import BatchTracer
from fungrad.extend import JVPTrace
from fungrad.torch._function_ctx import _FUNCTORCH, FunctionCtx
from fungrad.torch._tensor import Tensor, _new

__all__ = ["apply_in_transform", "VmapInfo"]


class VmapInfo:
    def __init__(self, batch_size, randomness="error"):
        self.batch_size = batch_size
        self.randomness = randomness


class TransformCtx(FunctionCtx):
    """ctx of a Function under a core transform: saved tensors are the rule's residuals."""

    def __init__(self, needs):
        self._to_save = ()
        self._to_save_fwd = None
        self._dirty = self._non_diff = ()
        self._materialize = True
        self._saved = ()
        self.needs_input_grad = needs

    @property
    def saved_tensors(self):
        return tuple(self._saved)


def apply_in_transform(cls, args):
    if not cls._new_style():
        raise RuntimeError(_FUNCTORCH)
    custom_vmap = cls.__dict__.get("vmap")
    traced = [a._value for a in args if isinstance(a, Tensor)]
    if custom_vmap is not None and traced and all(type(v) is BatchTracer for v in traced):
        trace = traced[0]._trace
        in_dims = tuple(a._value.bdim if isinstance(a, Tensor) else None for a in args)
        raw = [_new(a._value.val) if isinstance(a, Tensor) else a for a in args]
        info = VmapInfo(trace.axis_size)
        out, out_dims = cls.vmap(info, in_dims, *raw)
        if isinstance(out, tuple):
            return tuple(_new(BatchTracer(trace, o._value, d)) for o, d in zip(out, out_dims))
        return _new(BatchTracer(trace, out._value, out_dims))
    return _CustomCall(cls, args).run()


def _overrides(cls, name):
    """Whether a subclass of Function (not Function itself) defines `name`."""
    for k in cls.__mro__:
        if "_function_base" in k.__dict__:  # Function: its own rules are the defaults
            return False
        if name in k.__dict__:
            return True
    return False


class _CustomCall:
    """One Function.apply as a core custom-rule call over the Tensor arguments' values."""

    def __init__(self, cls, args):
        self.cls, self.args = cls, args
        self.pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.needs = tuple(isinstance(a, Tensor) and a._value.dtype.kind in "fc" for a in args)
        self.out_tree = None
        self.ctx = None

    def _full(self, vals):
        full = list(self.args)
        for i, v in zip(self.pos, vals):
            full[i] = _new(v)
        return full

    def _flat_out(self, out):
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        self.out_tree = (single, [None if isinstance(o, Tensor) else o for o in outs])
        return [o._value for o in outs if isinstance(o, Tensor)]

    def _unflat(self, vals):
        single, statics = self.out_tree
        it = iter(vals)
        outs = [_new(next(it)) if s is None else s for s in statics]
        return outs[0] if single else tuple(outs)

    def fun(self, *vals):
        return self._flat_out(self.cls.forward(*self._full(vals)))

    def _forward(self, full):
        """forward on the rule's primals; an outer transform's tracers nest the custom rule."""
        if any(isinstance(a, Tensor) and isinstance(a._value, Tracer) for a in full):
            return _CustomCall(self.cls, full).run()
        return self.cls.forward(*full)

    def fwd(self, *vals):
        full = self._full(vals)
        out = self._forward(full)
        ctx = self.ctx = TransformCtx(self.needs)
        self.cls.setup_context(ctx, tuple(full), out)
        saved = list(ctx._to_save or ())
        self.saved_none = [t is None for t in saved]
        return self._flat_out(out), [t._value for t in saved if t is not None]

    def bwd(self, res, cts):
        ctx = self.ctx
        it = iter(res)
        ctx._saved = [None if n else _new(next(it)) for n in self.saved_none]
        single, statics = self.out_tree
        ct_it = iter(cts)
        grads = [_new(next(ct_it)) if s is None else None for s in statics]
        back = self.cls.backward if _overrides(self.cls, "backward") else self.cls.vjp
        res = back(ctx, *grads)
        res = res if isinstance(res, tuple) else (res,)
        out = []
        for i in self.pos:
            g = res[i] if i < len(res) else None
            ok = isinstance(g, Tensor) and self.needs[i]
            out.append(g._value if ok else None)
        return out

    def jvp(self, primals, tangents):
        full = self._full(primals)
        out = self._forward(full)
        ctx = TransformCtx(self.needs)
        self.cls.setup_context(ctx, tuple(full), out)
        ctx._saved = list(ctx._to_save_fwd or ctx._to_save or ())
        ts = [None] * len(self.args)
        for i, t in zip(self.pos, tangents):
            ts[i] = _new(t)
        res = self.cls.jvp(ctx, *ts)
        res = res if isinstance(res, tuple) else (res,)
        outs = self._flat_out(out)
        t_outs = [r._value if isinstance(r, Tensor) else None for r in res
                  if r is None or isinstance(r, Tensor)]
        return outs, t_outs[:len(outs)]

    def run(self):
        vals = [self.args[i]._value for i in self.pos]
        name = f"autograd.Function({self.cls.__name__})"
        has_bwd = _overrides(self.cls, "backward") or _overrides(self.cls, "vjp")
        # the user's rules are static methods: when they close over no traced value, eager
        # transforms run them at once on concrete values (numpy inside forward works), as torch
        rules = [getattr(self.cls, n, None) for n in ("forward", "setup_context", "backward",
                                                      "vjp", "jvp")]
        closes_over = closes_over_tracers(*[r for r in rules if r is not None])
        if _overrides(self.cls, "jvp") and (not has_bwd or type(current_trace()) is JVPTrace):
            outs = custom_jvp_call(self.fun, self.jvp, vals, name, closes_over)
        else:
            outs = custom_vjp_call(self.fun, self.fwd, self.bwd, vals, name, closes_over)
        return self._unflat(list(outs))
