"""Inlining: equations of call primitives (registered with inline=True, e.g. a nested jit) are replaced by the
body of their sub-program, so the other passes and the memory plan see one flat program.

Imports: _core, passes._util.
"""
from fungrad._core.ir import ClosedJaxpr, Eqn, Literal, Var
from fungrad._interp.passes._util import read, rebuild, subst_eqn


def inline(closed):
    """`closed` with every inlinable call expanded (recursively)."""
    j = closed.jaxpr
    if not any(e.prim.inline for e in j.eqns):
        return closed
    constvars, consts = list(j.constvars), list(closed.consts)
    env = {}
    eqns = []
    for eqn in j.eqns:
        eqn = subst_eqn(eqn, env)
        sub = eqn.params.get("jaxpr") if eqn.prim.inline else None
        if not isinstance(sub, ClosedJaxpr):
            eqns.append(eqn)
            continue
        sub = inline(sub)
        local = {}
        for v, c in zip(sub.jaxpr.constvars, sub.consts):
            nv = local[v] = Var(v.aval)
            constvars.append(nv)
            consts.append(c)
        for v, a in zip(sub.jaxpr.invars, eqn.invars, strict=True):
            local[v] = a
        for e in sub.jaxpr.eqns:
            outs = [Var(v.aval) for v in e.outvars]
            local.update(zip(e.outvars, outs))
            eqns.append(Eqn(e.prim, [read(local, v) for v in e.invars], outs, e.params))
        for v, o in zip(eqn.outvars, sub.jaxpr.outvars, strict=True):
            env[v] = o if type(o) is Literal else local[o]
    return rebuild(closed, constvars, consts, eqns, j.outvars, env)
