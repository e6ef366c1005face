"""Evaluate a jaxpr by binding each equation on the current trace, so running a jaxpr inside any
transform transforms it.

Imports: _core.ir.
"""
from fungrad._core.ir import Literal


def eval_jaxpr(jaxpr, consts, *args):
    """Run `jaxpr` on `consts` and `args`; returns the list of outputs."""
    env = {}
    for v, x in zip(jaxpr.constvars, consts, strict=True):
        env[v] = x
    for v, x in zip(jaxpr.invars, args, strict=True):
        env[v] = x
    for eqn in jaxpr.eqns:
        ins = [v.val if type(v) is Literal else env[v] for v in eqn.invars]
        out = eqn.prim.bind(*ins, **eqn.params)
        if eqn.prim.multiple_results:
            for v, x in zip(eqn.outvars, out, strict=True):
                env[v] = x
        else:
            env[eqn.outvars[0]] = out
    return [v.val if type(v) is Literal else env[v] for v in jaxpr.outvars]
