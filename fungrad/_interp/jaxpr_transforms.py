"""Program-to-program transforms used by higher-order primitives (jit, cond, scan, custom rules):
each turns a ClosedJaxpr into another ClosedJaxpr by re-tracing it under an interpreter, or splits it.

Imports: _core, _lax, _interp.
"""
import numpy as np

from fungrad._core.eval import eval_jaxpr
from fungrad._core.ir import ClosedJaxpr, Eqn, Jaxpr, Literal, Var
from fungrad._core.linear_arg import LinearArg
from fungrad._core.trace import current_trace, set_trace
from fungrad._core.zero import Zero
from fungrad._interp.batching import BatchTrace, BatchTracer
from fungrad._interp.jvp import jvp_flat
from fungrad._interp.staging import stage_flat
from fungrad._interp.transpose import backward_pass
from fungrad._lax import broadcast_batch, instantiate, moveaxis


def _runner(closed):
    return lambda *xs: eval_jaxpr(closed.jaxpr, closed.consts, *xs)


def jvp_jaxpr(closed, nonzeros, instantiate_out=False):
    """JVP of a program: inputs (primals..., tangents of the nonzero inputs...), outputs (primals...,
    tangents of the nonzero outputs...). Returns (ClosedJaxpr, out_nonzeros).

    instantiate_out: a bool or one bool per output; True makes that output's tangent present
    (materialized zeros) even when it is symbolically zero.
    """
    in_avals = closed.in_avals
    n = len(in_avals)
    n_out = len(closed.out_avals)
    inst = [instantiate_out] * n_out if isinstance(instantiate_out, bool) else list(instantiate_out)
    out_nonzeros = []

    def f(*args):
        primals = list(args[:n])
        it = iter(args[n:])
        tangents = [next(it) if nz else Zero(a.to_tangent_aval())
                    for a, nz in zip(in_avals, nonzeros)]
        out_p, out_t, _ = jvp_flat(_runner(closed), primals, tangents)
        out_t = [instantiate(t) if (type(t) is Zero and i) else t for t, i in zip(out_t, inst)]
        out_nonzeros[:] = [type(t) is not Zero for t in out_t]
        return list(out_p) + [t for t in out_t if type(t) is not Zero]

    t_avals = [a.to_tangent_aval() for a, nz in zip(in_avals, nonzeros) if nz]
    jaxpr, _ = stage_flat(f, list(in_avals) + t_avals, "jvp of a sub-program")
    return jaxpr, out_nonzeros


def batch_jaxpr(closed, axis_size, in_batched, force_out=False):
    """vmap of a program with every batched input and output batched along axis 0.

    force_out: a bool or one bool per output; True broadcasts an unbatched output so it is batched.
    Returns (ClosedJaxpr, out_batched).
    """
    n_out = len(closed.out_avals)
    force = [force_out] * n_out if isinstance(force_out, bool) else list(force_out)
    out_batched = []

    def f(*args):
        trace = BatchTrace(current_trace(), axis_size)
        xs = [BatchTracer(trace, a, 0) if b else a for a, b in zip(args, in_batched)]
        try:
            with set_trace(trace):
                outs = _runner(closed)(*xs)
            res = []
            batched = []
            for o, fo in zip(outs, force):
                if type(o) is BatchTracer and o._trace is trace and o.bdim is not None:
                    res.append(moveaxis(o.val, o.bdim, 0))
                    batched.append(True)
                else:
                    val = o.val if type(o) is BatchTracer and o._trace is trace else o
                    res.append(broadcast_batch(val, axis_size, 0) if fo else val)
                    batched.append(bool(fo))
        finally:
            trace.alive = False
        out_batched[:] = batched
        return res

    avals = [a.update(shape=(axis_size, *a.shape)) if b else a
             for a, b in zip(closed.in_avals, in_batched)]
    jaxpr, _ = stage_flat(f, avals, "vmap of a sub-program")
    return jaxpr, out_batched


def transpose_jaxpr(closed, linear_in):
    """Transpose of a program linear in the inputs marked in `linear_in`.

    The result takes (non-linear inputs..., one cotangent per output...) and returns one
    cotangent per linear input (zeros materialized).
    """
    in_avals = closed.in_avals
    n_res = sum(not lin for lin in linear_in)

    def f(*args):
        res = iter(args[:n_res])
        cts = list(args[n_res:])
        ins = [LinearArg(a) if lin else next(res) for a, lin in zip(in_avals, linear_in)]
        cts_in = backward_pass(closed.jaxpr, closed.consts, ins, cts)
        return [np.zeros(a.shape, a.dtype) if c is None else c
                for c, a, lin in zip(cts_in, in_avals, linear_in) if lin]

    avals = [a for a, lin in zip(in_avals, linear_in) if not lin]
    avals += [a.to_tangent_aval() for a in closed.out_avals]
    jaxpr, _ = stage_flat(f, avals, "transpose of a sub-program")
    return jaxpr


def partial_eval_jaxpr(closed, unknowns):
    """Split a program into a known part and an unknown part, given which inputs are unknown.

    Returns (known, unknown, out_unknowns, num_res):
      known:   (known inputs...) -> (known outputs..., residuals...)
      unknown: (residuals..., unknown inputs...) -> (unknown outputs...)
    An equation is unknown if any of its inputs is; known values it reads become residuals.
    The program's consts stay with the known part (they become residuals where needed).
    """
    jaxpr = closed.jaxpr
    unknown_vars = {v for v, u in zip(jaxpr.invars, unknowns) if u}
    known_eqns, unknown_eqns = [], []
    for eqn in jaxpr.eqns:
        if any(type(v) is not Literal and v in unknown_vars for v in eqn.invars):
            unknown_eqns.append(eqn)
            unknown_vars.update(eqn.outvars)
        else:
            known_eqns.append(eqn)
    out_unknowns = [type(v) is not Literal and v in unknown_vars for v in jaxpr.outvars]
    residuals = []
    seen = set()

    def need(v):
        if type(v) is not Literal and v not in unknown_vars and v not in seen:
            seen.add(v)
            residuals.append(v)

    for eqn in unknown_eqns:
        for v in eqn.invars:
            need(v)
    known_outs = [v for v, u in zip(jaxpr.outvars, out_unknowns) if not u]
    known_in = [v for v, u in zip(jaxpr.invars, unknowns) if not u]
    known = ClosedJaxpr(Jaxpr(jaxpr.constvars, known_in, known_eqns, known_outs + residuals),
                        closed.consts)
    # the unknown part gets fresh residual variables of the same types
    rename = {v: Var(v.aval) for v in residuals}
    unknown_in = [v for v, u in zip(jaxpr.invars, unknowns) if u]
    unknown = Jaxpr([], [rename[v] for v in residuals] + unknown_in,
                    [_renamed(e, rename) for e in unknown_eqns],
                    [rename.get(v, v) if type(v) is not Literal else v
                     for v, u in zip(jaxpr.outvars, out_unknowns) if u])
    return known, ClosedJaxpr(unknown, []), out_unknowns, len(residuals)


def _renamed(eqn, rename):
    return Eqn(eqn.prim, [rename.get(v, v) if type(v) is not Literal else v for v in eqn.invars],
               eqn.outvars, eqn.params)
