"""The one evaluator of programs: bind each equation on the current trace, so running a jaxpr
inside any transform transforms it (and with no transform, evaluates it with numpy).

`eval_eqn` is the step every interpreter that walks equations uses (the forward half of
transposition, constant folding); `eval_jaxpr` and `run_closed` run whole programs.

Imports: _core.ir.
"""
from __future__ import annotations

from typing import Any, Sequence

from fungrad._core.ir import ClosedJaxpr, Eqn, Jaxpr, Literal


def eval_eqn(eqn: Eqn, ins: Sequence[Any]) -> list[Any]:
    """Bind `eqn`'s primitive on operand values `ins`; returns the list of its outputs."""
    out = eqn.prim.bind(*ins, **eqn.params)
    return out if eqn.prim.multiple_results else [out]


def eval_jaxpr(jaxpr: Jaxpr, consts: Sequence[Any], *args: Any) -> list[Any]:
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


def run_closed(closed: ClosedJaxpr, *args: Any) -> list[Any]:
    """Run a ClosedJaxpr on `args` (on the current trace); returns the list of outputs."""
    return eval_jaxpr(closed.jaxpr, closed.consts, *args)
