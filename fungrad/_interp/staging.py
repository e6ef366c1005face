"""StagingTrace: record operations into a jaxpr instead of running them.

Two modes: full staging (make_jaxpr, jit, control-flow bodies: every operation is recorded, on abstract
values) and `forward_known` (linearize: operations that touch none of this trace's tracers are
forwarded to the parent, so they run concretely; only operations on traced values are recorded).

Imports: _core.
"""
from __future__ import annotations
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.gc_pause import paused_gc
from fungrad._core.ir import ClosedJaxpr, Eqn, Jaxpr, Literal, Var
from fungrad._core.trace import (
    Trace, Tracer, bind_on, check_alive, current_trace, get_aval, set_trace)
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


class StagingTrace(Trace):
    """Builds a jaxpr from the operations bound while it is current."""

    __slots__ = ("forward_known", "eqns", "invars", "const_vars", "const_vals", "transform_name")

    def __init__(self, parent, forward_known=False, transform_name="make_jaxpr/jit"):
        super().__init__(parent)
        self.forward_known = forward_known
        self.transform_name = transform_name
        self.eqns = []
        self.invars = []
        self.const_vars = {}  # id(value) -> Var
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
        elif isinstance(x, _LITERAL_TYPES) or (type(x) is np.ndarray and x.ndim == 0):
            return Literal(x, get_aval(x))
        var = self.const_vars.get(id(x))
        if var is None:
            var = self.const_vars[id(x)] = Var(get_aval(x))
            self.const_vals.append((var, x))
        return var

    def process(self, prim, args, params):
        if self.forward_known:
            for a in args:
                if type(a) is StagingTracer and a._trace is self:
                    break
            else:
                return bind_on(self.parent, prim, args, params)
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
