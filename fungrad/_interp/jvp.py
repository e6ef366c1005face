"""Forward mode: JVPTrace carries (primal, tangent) pairs and applies each primitive's JVP rule.

Imports: _core.
"""
from __future__ import annotations
from fungrad._core.errors import ForwardModeError, MissingRuleError
from fungrad._core.trace import (
    Trace, Tracer, check_alive, current_trace, current_trace_var, get_aval, set_trace)
from fungrad._core.tree import tree_flatten
from fungrad._core.zero import Zero
from typing import Any, Callable, Sequence


class DualTracer(Tracer):
    """A (primal, tangent) pair; subclassed by each forward-mode-style trace."""

    __slots__ = ("primal", "tangent")

    def __init__(self, trace, primal, tangent):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent

    @property
    def aval(self):
        return get_aval(self.primal)

    def to_concrete(self, context):
        p = self.primal
        return p.to_concrete(context) if isinstance(p, Tracer) else p


class JVPTracer(DualTracer):
    __slots__ = ()


def split_outputs(trace, tracer_type, leaves):
    """Primals and tangents of a transformed function's outputs (Zero where not traced)."""
    out_p, out_t = [], []
    for o in leaves:
        if type(o) is tracer_type and o._trace is trace:
            out_p.append(o.primal)
            out_t.append(o.tangent)
        else:
            out_p.append(o)
            out_t.append(Zero(get_aval(o).to_tangent_aval()))
    return out_p, out_t


def split_dual(trace, tracer_type, args):
    """Split `args` into primals and tangents for `trace`; unowned values get a symbolic Zero.

    Returns (primals, tangents, any_nonzero).
    """
    primals = []
    tangents = []
    nonzero = False
    for a in args:
        if type(a) is tracer_type and a._trace is trace:
            primals.append(a.primal)
            t = a.tangent
            if type(t) is not Zero:
                nonzero = True
            tangents.append(t)
        else:
            if isinstance(a, Tracer):
                check_alive(a)
            primals.append(a)
            tangents.append(None)
    return primals, tangents, nonzero


def fill_zeros(primals, tangents):
    """Replace the None placeholders of split_dual by Zero(tangent aval)."""
    return [Zero.of(p) if t is None else t for p, t in zip(primals, tangents)]


def forward_mode_error():
    return ForwardModeError(
        "can't apply forward-mode autodiff (jvp, jacfwd, linearize's forward evaluation) to a "
        "custom_vjp function: a fwd/bwd pair only defines reverse mode. Fix: use grad, vjp or "
        "jacrev, or define the function with custom_jvp instead (which gives both modes).")


def missing_jvp(prim):
    return MissingRuleError(
        f"Differentiation rule for primitive '{prim.name}' is not implemented, so it cannot be "
        "used under grad/jvp/vjp. Fix: wrap the computation in fungrad.custom_jvp or custom_vjp, "
        "or add a JVP rule to the primitive.")


class JVPTrace(Trace):
    """Eager forward mode: the primal and tangent computations run on the parent trace."""

    __slots__ = ()
    transform_name = "jvp"

    def process_custom_jvp(self, call, rule, args):
        """A call with a user JVP rule (custom_jvp), as JAX: the rule runs at once on the primals
        and tangents, and the function itself is not traced. `call(*primals)` re-enters the call
        one trace down when no operand has a tangent here."""
        primals, tangents, nonzero = split_dual(self, JVPTracer, args)
        with set_trace(self.parent):
            if not nonzero:
                return call(*primals)
            outs, t_outs = rule(primals, fill_zeros(primals, tangents))
        return [JVPTracer(self, o, Zero.of(o) if t is None else t) for o, t in zip(outs, t_outs)]

    def process_custom_vjp(self, call, fwd, lin, args):
        primals, tangents, nonzero = split_dual(self, JVPTracer, args)
        if not nonzero:
            with set_trace(self.parent):
                return call(*primals)
        raise forward_mode_error()

    def process(self, prim, args, params):
        primals, tangents, nonzero = split_dual(self, JVPTracer, args)
        parent = self.parent
        token = current_trace_var.set(parent)  # set_trace(parent), inline
        try:
            if not nonzero:
                return parent.process(prim, tuple(primals), params)
            if prim.jvp is None:
                raise missing_jvp(prim)
            out, t_out = prim.jvp(primals, fill_zeros(primals, tangents), **params)
        finally:
            current_trace_var.reset(token)
        if prim.multiple_results:
            return [JVPTracer(self, o, t) for o, t in zip(out, t_out)]
        return JVPTracer(self, out, t_out)


def jvp_flat(fun: Callable[..., Any], primals: Sequence[Any],
             tangents: Sequence[Any]) -> tuple[list[Any], list[Any], Any]:
    """Evaluate fun(*primals) and its directional derivative along `tangents` (flat lists).

    `tangents` entries may be Zero. Returns (out_leaves, out_tangent_leaves, out_tree); output
    tangents are Zero where the output does not depend on the inputs.
    """
    trace = JVPTrace(current_trace())
    args = [JVPTracer(trace, p, t) for p, t in zip(primals, tangents, strict=True)]
    try:
        with set_trace(trace):
            out = fun(*args)
        leaves, tree = tree_flatten(out)
        out_p, out_t = split_outputs(trace, JVPTracer, leaves)
    finally:
        trace.alive = False
    return out_p, out_t, tree
