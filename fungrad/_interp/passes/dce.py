"""Dead-code elimination: drop equations none of whose outputs is needed, and unused constants.

Why: jit(grad(f)) computes f's value only to throw it away; DCE removes those primal outputs.
Effectful primitives (registered with effect=True) are always kept.

Imports: _core, passes._util.
"""
from fungrad._core.ir import ClosedJaxpr, Jaxpr, Literal
from fungrad._interp.passes._util import is_effectful


def dce(closed):
    """`closed` without dead equations and unused constvars (inputs and outputs unchanged)."""
    j = closed.jaxpr
    live = {v for v in j.outvars if type(v) is not Literal}
    kept = []
    for eqn in reversed(j.eqns):
        if is_effectful(eqn.prim) or any(v in live for v in eqn.outvars):
            kept.append(eqn)
            live.update(v for v in eqn.invars if type(v) is not Literal)
    kept.reverse()
    pairs = [(v, c) for v, c in zip(j.constvars, closed.consts) if v in live]
    return ClosedJaxpr(Jaxpr([v for v, _ in pairs], j.invars, kept, j.outvars),
                       [c for _, c in pairs])
