"""Transposition: run a linear jaxpr backwards, from output cotangents to input cotangents.

Equations that read no linear variable (residual computations) are evaluated forward first; the
others are transposed in reverse order with their primitive's transpose rule. Every operation is a
`bind` on the current trace, so the backward pass can itself be traced, differentiated or batched.

Imports: _core, lax (cotangent accumulation).
"""
from __future__ import annotations
from fungrad._core.errors import MissingRuleError
from fungrad._core.eval import eval_eqn
from fungrad._core.ir import Literal
from fungrad._core.linear_arg import LinearArg
from fungrad._core.zero import Zero
from fungrad._lax import add_any
from typing import Any, Sequence


def backward_pass(jaxpr: Any, consts: Sequence[Any], args: Sequence[Any],
                  cts_out: Sequence[Any], seed: Sequence[Any] | None = None) -> list[Any]:
    """Cotangents of the linear inputs of `jaxpr` given cotangents of its outputs.

    args: one entry per invar, a LinearArg for an input the program is linear in, else its value.
    cts_out: one cotangent (None or Zero for zero) per outvar. Returns one cotangent (None for
    zero) per invar; None for the non-linear ones.
    seed: optional cotangents (None for none) the linear inputs' cotangents start from, added
    to before the program's own contributions (the eager tape transposes one operation at a
    time and so accumulates in the same order as transposing the whole program).
    """
    env = {}
    for v, x in zip(jaxpr.constvars, consts, strict=True):
        env[v] = x
    linear = set()
    for v, a in zip(jaxpr.invars, args, strict=True):
        if type(a) is LinearArg:
            linear.add(v)
        else:
            env[v] = a
    # classify: an equation reading a linear value is linear (transposed below); the others are
    # the forward part, evaluated first
    lin_eqns, fwd_eqns = [], []
    for eqn in jaxpr.eqns:
        for v in eqn.invars:  # (a Literal is never in `linear`)
            if v in linear:
                lin_eqns.append(eqn)
                linear.update(eqn.outvars)
                break
        else:
            fwd_eqns.append(eqn)
    release = _forward(fwd_eqns, lin_eqns, jaxpr.outvars, env) if fwd_eqns else {}
    ct_env = {}
    if seed is not None:
        for v, s in zip(jaxpr.invars, seed, strict=True):
            if s is not None:
                ct_env[v] = s
    for v, ct in zip(jaxpr.outvars, cts_out, strict=True):
        if ct is not None and type(ct) is not Zero and v in linear:
            _accumulate(ct_env, v, ct)
    for eqn in reversed(lin_eqns):
        if eqn.prim.multiple_results:
            cts = [ct_env.pop(v, None) for v in eqn.outvars]
            if all(c is None for c in cts):
                continue
            ct = cts
        else:
            ct = ct_env.pop(eqn.outvars[0], None)
            if ct is None:
                continue
        ins = []
        for v in eqn.invars:
            if v in linear:
                ins.append(LinearArg(v.aval))
            else:
                ins.append(v.val if type(v) is Literal else env[v])
        rule = eqn.prim.transpose
        if rule is None:
            raise MissingRuleError(
                f"Transpose rule for primitive '{eqn.prim.name}' is not implemented, so reverse "
                "mode (grad/vjp) cannot pass through it. Use forward mode (jvp/jacfwd), or define "
                "a custom_vjp.")
        cts_in = rule(ct, *ins, **eqn.params)
        for v, a, c in zip(eqn.invars, ins, cts_in):
            if c is not None and type(a) is LinearArg and type(c) is not Zero:
                prev = ct_env.get(v)
                ct_env[v] = c if prev is None else add_any(prev, c)
        for v in release.get(id(eqn), ()):  # forward values no equation still to come reads
            del env[v]
    return [ct_env.get(v) if type(a) is LinearArg else None for v, a in zip(jaxpr.invars, args)]


def _forward(fwd_eqns, lin_eqns, outvars, env):
    """Evaluate the forward equations into `env`, dropping each value after its last forward
    reader unless a linear equation reads it too; returns {id(linear eqn): values to drop once
    it is transposed} (the earliest linear reader, which the backward order reaches last). So the
    recomputed forward of a checkpoint holds no more than plain reverse mode does."""
    keep = {v for v in outvars if type(v) is not Literal}
    lin_reader = {}
    for i, eqn in enumerate(lin_eqns):
        for v in eqn.invars:
            if type(v) is not Literal and v not in lin_reader:
                lin_reader[v] = i
    last_fwd = {}
    for i, eqn in enumerate(fwd_eqns):
        for v in eqn.invars:
            if type(v) is not Literal:
                last_fwd[v] = i
    produced = set()
    for i, eqn in enumerate(fwd_eqns):
        ins = [v.val if type(v) is Literal else env[v] for v in eqn.invars]
        for v, x in zip(eqn.outvars, eval_eqn(eqn, ins)):
            env[v] = x
            produced.add(v)
        for v in (*eqn.invars, *eqn.outvars):
            if (v in produced and last_fwd.get(v, -1) <= i and v not in lin_reader
                    and v not in keep and v in env):
                del env[v]
    release = {}
    for v, i in lin_reader.items():
        if v in produced and v not in keep and v in env:
            release.setdefault(id(lin_eqns[i]), []).append(v)
    return release


def _accumulate(ct_env, v, ct):
    prev = ct_env.get(v)
    ct_env[v] = ct if prev is None else add_any(prev, ct)
