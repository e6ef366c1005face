"""Program-to-program transforms used by higher-order primitives (jit, cond, scan, custom rules):
each turns a ClosedJaxpr into another ClosedJaxpr by re-tracing it under an interpreter, or splits it.

Imports: _core, _lax, _interp.
"""

from fungrad._core.eval import run_closed
from fungrad._core.ir import ClosedJaxpr, Jaxpr
from fungrad._core.linear_arg import LinearArg
from fungrad._core.trace import Tracer, current_trace, set_trace
from fungrad._core.zero import Zero
from fungrad._interp.batching import BatchTrace, BatchTracer
from fungrad._interp.jvp import jvp_flat
from fungrad._interp.staging import StagingTrace, StagingTracer, stage_flat
from fungrad._interp.transpose import backward_pass
from fungrad._lax import broadcast_batch, instantiate, moveaxis


def _runner(closed):
    return lambda *xs: run_closed(closed, *xs)


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
        return [instantiate(c, a) for c, a, lin in zip(cts_in, in_avals, linear_in) if lin]

    avals = [a for a, lin in zip(in_avals, linear_in) if not lin]
    avals += [a.to_tangent_aval() for a in closed.out_avals]
    jaxpr, _ = stage_flat(f, avals, "transpose of a sub-program")
    return jaxpr


def partial_eval_jaxpr(closed, unknowns):
    """Split a program into a known part and an unknown part, given which inputs are unknown.

    Returns (known, unknown, out_unknowns, num_res):
      known:   (known inputs...) -> (known outputs..., residuals...)
      unknown: (residuals..., unknown inputs...) -> (unknown outputs...)
    The program is re-run with its unknown inputs as tracers of a forward_known StagingTrace whose
    parent stages the known program: an equation reading only known values goes to the known part,
    the others are recorded into the unknown part, and the known values they read become
    residuals. A higher-order primitive with mixed operands applies its own partial_eval rule
    (so a scan or cond inside is split too, instead of landing whole in the unknown part).
    """
    in_avals = closed.in_avals
    found = {}

    def known_fn(*known_args):
        trace = StagingTrace(current_trace(), forward_known=True,
                             transform_name="partial evaluation of a sub-program")
        it = iter(known_args)
        args = [trace.new_arg(a) if u else next(it) for a, u in zip(in_avals, unknowns)]
        try:
            with set_trace(trace):
                outs = run_closed(closed, *args)
            out_uk = [type(o) is StagingTracer and o._trace is trace for o in outs]
            uj = trace.to_jaxpr([o for o, u in zip(outs, out_uk) if u])
        finally:
            trace.alive = False
        is_res = [isinstance(c, Tracer) for c in uj.consts]  # values of the known program
        found.update(uj=uj, out_uk=out_uk, is_res=is_res)
        return ([o for o, u in zip(outs, out_uk) if not u]
                + [c for c, r in zip(uj.consts, is_res) if r])

    known, _ = stage_flat(known_fn, [a for a, u in zip(in_avals, unknowns) if not u],
                          "known part of a sub-program")
    uj, is_res = found["uj"], found["is_res"]
    j = uj.jaxpr
    res_vars = [v for v, r in zip(j.constvars, is_res) if r]
    unknown = ClosedJaxpr(
        Jaxpr([v for v, r in zip(j.constvars, is_res) if not r], res_vars + j.invars, j.eqns,
              j.outvars),
        [c for c, r in zip(uj.consts, is_res) if not r])
    return known, unknown, found["out_uk"], len(res_vars)
