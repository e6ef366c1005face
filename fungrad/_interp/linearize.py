"""Linearize: run the primal computation concretely and record its tangent (linear) part as a jaxpr.

This is JAX's "direct linearize". The LinearizeTrace applies each primitive's JVP rule with a
`forward_known` StagingTrace current: operations on primals only are forwarded to the parent (so they
run eagerly and Python control flow works), operations on tangents are recorded. The recorded
program is linear in its inputs; transposing it gives reverse mode.

Imports: _core, _interp.staging, _interp.jvp.
"""
from __future__ import annotations
from fungrad._core.dtypes import is_float
from fungrad._core.gc_pause import paused_gc
from fungrad._core.trace import Trace, current_trace, current_trace_var, get_aval, set_trace
from fungrad._core.tree import tree_flatten
from fungrad._core.zero import Zero
from fungrad._interp.jvp import DualTracer, fill_zeros, missing_jvp, split_dual, split_outputs
from fungrad._interp.staging import StagingTrace
from typing import Any, Callable, Sequence


class LinearizeTracer(DualTracer):
    __slots__ = ()


class LinearizeTrace(Trace):
    __slots__ = ("tangent_trace", "transform_name")

    def __init__(self, parent, transform_name):
        super().__init__(parent)
        self.transform_name = transform_name
        self.tangent_trace = StagingTrace(parent, forward_known=True,
                                          transform_name=transform_name + " (tangent program)")

    def process_custom_jvp(self, call, rule, args):
        """A call with a user JVP rule: the rule runs at once, its tangent part recorded (see
        JVPTrace.process_custom_jvp)."""
        primals, tangents, nonzero = split_dual(self, LinearizeTracer, args)
        if not nonzero:
            with set_trace(self.parent):
                return call(*primals)
        with set_trace(self.tangent_trace):
            outs, t_outs = rule(primals, fill_zeros(primals, tangents))
        return [LinearizeTracer(self, o, Zero.of(o) if t is None else t)
                for o, t in zip(outs, t_outs)]

    def process_custom_vjp(self, call, fwd, lin, args):
        """A call with a user fwd/bwd pair (custom_vjp), as JAX: fwd runs on the primals (the
        function itself is not traced) and `lin(residuals, tangents)` records the linear map
        whose transpose is bwd."""
        primals, tangents, nonzero = split_dual(self, LinearizeTracer, args)
        with set_trace(self.parent):
            if not nonzero:
                return call(*primals)
            outs, res = fwd(primals)
        with set_trace(self.tangent_trace):
            t_outs = lin(res, fill_zeros(primals, tangents), outs)
        return [LinearizeTracer(self, o, t) for o, t in zip(outs, t_outs)]

    def process(self, prim, args, params):
        primals, tangents, nonzero = split_dual(self, LinearizeTracer, args)
        if not nonzero:
            parent = self.parent  # bind_on(parent, ...), inline
            token = current_trace_var.set(parent)
            try:
                return parent.process(prim, tuple(primals), params)
            finally:
                current_trace_var.reset(token)
        if prim.jvp is None:
            raise missing_jvp(prim)
        token = current_trace_var.set(self.tangent_trace)  # set_trace, inline
        try:
            out, t_out = prim.jvp(primals, fill_zeros(primals, tangents), **params)
        finally:
            current_trace_var.reset(token)
        if prim.multiple_results:
            return [LinearizeTracer(self, o, t) for o, t in zip(out, t_out)]
        return LinearizeTracer(self, out, t_out)


class LinearFunction:
    """The linear map of a linearization: a tangent jaxpr plus which outputs are symbolically zero.

    `jaxpr` maps the input tangents (one per input) to the nonzero output tangents.
    """

    __slots__ = ("jaxpr", "in_avals", "out_avals", "out_zero")

    def __init__(self, jaxpr, in_avals, out_avals, out_zero):
        self.jaxpr = jaxpr
        self.in_avals = in_avals
        self.out_avals = out_avals
        self.out_zero = out_zero


def linearize_flat(fun: Callable[..., Any], primals: Sequence[Any],
                   transform_name: str = "grad") -> tuple[list[Any], Any, Any]:
    """Evaluate fun(*primals) and linearize it. Returns (out_leaves, out_tree, LinearFunction)."""
    trace = LinearizeTrace(current_trace(), transform_name)
    tangent_trace = trace.tangent_trace
    in_avals = [get_aval(p).to_tangent_aval() for p in primals]
    args = []
    for p, a in zip(primals, in_avals):
        t = tangent_trace.new_arg(a)  # every input gets an invar; integer inputs a Zero tangent
        args.append(LinearizeTracer(trace, p, t if is_float(a.dtype) else Zero(a)))
    try:
        with paused_gc(), set_trace(trace):
            out = fun(*args)
        leaves, tree = tree_flatten(out)
        out_p, out_t = split_outputs(trace, LinearizeTracer, leaves)
        out_zero = [type(t) is Zero for t in out_t]
        jaxpr = tangent_trace.to_jaxpr([t for t in out_t if type(t) is not Zero])
    finally:
        trace.alive = False
        tangent_trace.alive = False
    out_avals = [get_aval(p).to_tangent_aval() for p in out_p]
    return out_p, tree, LinearFunction(jaxpr, in_avals, out_avals, out_zero)
