"""Transposition: run a linear jaxpr backwards, from output cotangents to input cotangents.

Equations that read no linear variable (residual computations) are evaluated forward first; the
others are transposed in reverse order with their primitive's transpose rule. Every operation is a
`bind` on the current trace, so the backward pass can itself be traced, differentiated or batched.

Imports: _core, lax (cotangent accumulation).
"""
from fungrad._core.errors import MissingRuleError
from fungrad._core.eval import eval_eqn
from fungrad._core.ir import Literal
from fungrad._core.linear_arg import LinearArg
from fungrad._core.zero import Zero
from fungrad._lax import add_any


def backward_pass(jaxpr, consts, args, cts_out):
    """Cotangents of the linear inputs of `jaxpr` given cotangents of its outputs.

    args: one entry per invar, a LinearArg for an input the program is linear in, else its value.
    cts_out: one cotangent (None or Zero for zero) per outvar. Returns one cotangent (None for
    zero) per invar; None for the non-linear ones.
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
    # forward: evaluate the non-linear equations; mark the rest linear
    lin_eqns = []
    for eqn in jaxpr.eqns:
        for v in eqn.invars:  # (a Literal is never in `linear`)
            if v in linear:
                lin_eqns.append(eqn)
                linear.update(eqn.outvars)
                break
        else:
            ins = [v.val if type(v) is Literal else env[v] for v in eqn.invars]
            env.update(zip(eqn.outvars, eval_eqn(eqn, ins)))
    ct_env = {}
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
    return [ct_env.get(v) if type(a) is LinearArg else None for v, a in zip(jaxpr.invars, args)]


def _accumulate(ct_env, v, ct):
    prev = ct_env.get(v)
    ct_env[v] = ct if prev is None else add_any(prev, ct)
