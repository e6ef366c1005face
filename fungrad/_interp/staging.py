"""StagingTrace: record operations into a jaxpr instead of running them.

Two modes: full staging (make_jaxpr, jit, control-flow bodies: every operation is recorded, on abstract
values) and `forward_known` (linearize: operations that touch none of this trace's tracers are
forwarded to the parent, so they run concretely; only operations on traced values are recorded).

Imports: _core.
"""
from __future__ import annotations
import numpy as np

from fungrad._core.array import plain
from fungrad._core.aval import shaped
from fungrad._core.gc_pause import paused_gc
from fungrad._core.ir import ClosedJaxpr, Eqn, Jaxpr, Literal, Var
from fungrad._core.trace import (
    Trace, Tracer, check_alive, current_trace, current_trace_var, get_aval, set_trace)
from fungrad._core.tree import tree_flatten
from typing import Any, Callable, Sequence


class StagingTracer(Tracer):
    """An abstract value in a program being built; `var` is its IR variable."""

    __slots__ = ("aval", "var")

    def __init__(self, trace, aval):
        self._trace = trace
        self.aval = aval
        self.var = Var(aval)


_LITERAL_TYPES = (bool, int, float, complex, np.generic)


def _const_value(x):
    """The value a program keeps for the constant ndarray `x`: as JAX copies numpy arrays when it
    traces, the program keeps its own read-only copy (an exact ndarray, which generated code runs
    on), so it never sees a later mutation of the caller's array (a fungrad.Array included: numpy
    can still write into one through np.asarray or out=)."""
    c = np.array(x)
    c.setflags(write=False)
    return c


class StagingTrace(Trace):
    """Builds a jaxpr from the operations bound while it is current."""

    __slots__ = ("forward_known", "eqns", "invars", "const_vars", "const_vals", "transform_name")

    def __init__(self, parent, forward_known=False, transform_name="make_jaxpr/jit"):
        super().__init__(parent)
        self.forward_known = forward_known
        self.transform_name = transform_name
        self.eqns = []
        self.invars = []
        self.const_vars = {}  # id(value) -> (Var, value)
        self.const_vals = []

    def new_arg(self, aval):
        t = StagingTracer(self, aval)
        self.invars.append(t.var)
        return t

    def atom(self, x):
        """The IR atom for a value: the tracer's var, a Literal for a scalar, else a constvar."""
        if type(x) is StagingTracer and x._trace is self:
            return x.var
        if isinstance(x, Tracer):
            check_alive(x)
        elif isinstance(x, _LITERAL_TYPES):
            return Literal(x, get_aval(x))
        elif isinstance(x, np.ndarray) and x.ndim == 0:
            return Literal(_const_value(x) if not self.forward_known else plain(x), get_aval(x))
        entry = self.const_vars.get(id(x))
        if entry is None:
            var = Var(get_aval(x))
            # keep `x` alive with its var, so its id is not reused while this trace runs
            self.const_vars[id(x)] = entry = (var, x)
            # a program kept for later (jit, make_jaxpr, control flow: full staging) keeps its
            # own copy; linearize's (forward_known) runs at once on the values of this very call
            keep = (x if not isinstance(x, np.ndarray) else
                    plain(x) if self.forward_known else _const_value(x))
            self.const_vals.append((var, keep))
        return entry[0]

    def process(self, prim, args, params):
        if self.forward_known:
            for a in args:
                if type(a) is StagingTracer and a._trace is self:
                    break
            else:  # bind_on(self.parent, ...), inline: the parent processes it, made current
                parent = self.parent
                token = current_trace_var.set(parent)
                try:
                    return parent.process(prim, args, params)
                finally:
                    current_trace_var.reset(token)
            if prim.partial_eval is not None:
                return prim.partial_eval(self, args, **params)
        return self.record(prim, args, params)

    def record(self, prim, args, params):
        """Append `prim(*args)` as an equation (no partial evaluation); returns its tracers. The
        one way an equation is recorded: staging, and partial_eval rules recording their
        unknown part, go through here."""
        invars = []
        avals = []
        for a in args:
            v = a.var if type(a) is StagingTracer and a._trace is self else self.atom(a)
            invars.append(v)
            avals.append(v.aval)
        out_aval = prim.abstract_eval(*avals, **params)
        if prim.multiple_results:
            outs = [StagingTracer(self, a) for a in out_aval]
            self.eqns.append(Eqn(prim, invars, [t.var for t in outs], params))
            return outs
        out = StagingTracer(self, out_aval)
        self.eqns.append(Eqn(prim, invars, [out.var], params))
        return out

    def to_jaxpr(self, outs):
        """Finish: a ClosedJaxpr whose outputs are `outs` (tracers or constants)."""
        outvars = [self.atom(o) for o in outs]
        constvars = [v for v, _ in self.const_vals]
        consts = [x for _, x in self.const_vals]
        return ClosedJaxpr(Jaxpr(constvars, self.invars, self.eqns, outvars), consts)


def stage_flat(fun: Callable[..., Any], in_avals: Sequence[Any],
               transform_name: str = "make_jaxpr/jit") -> tuple[Any, Any]:
    """Trace `fun(*flat_args) -> pytree` on abstract values; returns (ClosedJaxpr, out_treedef).

    Values `fun` closes over (arrays, tracers of enclosing transforms) become constvars.
    """
    parent = current_trace()
    trace = StagingTrace(parent, forward_known=False, transform_name=transform_name)
    args = [trace.new_arg(a) for a in in_avals]
    try:
        with paused_gc(), set_trace(trace):
            out = fun(*args)
        out_leaves, out_tree = tree_flatten(out)
        jaxpr = trace.to_jaxpr(out_leaves)
    finally:
        trace.alive = False
    return jaxpr, out_tree


def hoist_consts(closed, only_tracers=False):
    """Closure conversion: `closed` with its consts (or only those that are tracers of enclosing
    transforms) moved to leading inputs, so transforms see them as operands; returns (program,
    moved values). The one way closed-over values are hoisted (jit, control flow, custom rules)."""
    j = closed.jaxpr
    pairs = list(zip(j.constvars, closed.consts))
    moved = [(v, c) for v, c in pairs if not only_tracers or isinstance(c, Tracer)]
    if not moved:
        return closed, []
    keep = [(v, c) for v, c in pairs if only_tracers and not isinstance(c, Tracer)]
    new = Jaxpr([v for v, _ in keep], [v for v, _ in moved] + list(j.invars), j.eqns, j.outvars)
    return ClosedJaxpr(new, [c for _, c in keep]), [c for _, c in moved]


def abstractify(x):
    """The aval to stage an argument with (Python scalars become weakly typed 0-d arrays)."""
    a = get_aval(x)
    return shaped(a.shape, a.dtype, a.weak_type)
