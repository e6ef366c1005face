"""Helpers shared by the higher-order primitives: staging a function into a closure-converted
program, rewiring programs, recording an equation, and partial evaluation with forced unknowns.

Imports: _core, _interp.
"""
from __future__ import annotations
import contextvars
import types

import numpy as np

from fungrad._core.eval import run_closed
from fungrad._core.ir import ClosedJaxpr, Jaxpr, Var
from fungrad._core.primitive import Exempt
from fungrad._core.trace import EvalTrace, Tracer, current_trace
from fungrad._core.zero import Zero, zeros_like_aval
from fungrad._interp.jaxpr_transforms import partial_eval_jaxpr
from fungrad._interp.jvp import JVPTrace
from fungrad._interp.linearize import LinearizeTrace
from fungrad._interp.staging import (
    StagingTrace, StagingTracer, abstractify, hoist_consts, stage_flat)
from typing import Any


def is_eager() -> bool:
    """True when no transform is active: higher-order wrappers may then just call Python."""
    return type(current_trace()) is EvalTrace


def aval_of(x):
    """The aval a sub-program is traced with for operand `x`."""
    return abstractify(x)


def stage_closed(fun, in_avals, name):
    """Trace `fun` to a program with no consts: the values it closes over (arrays, tracers of
    enclosing transforms) become leading inputs. Returns (ClosedJaxpr, const_values, out_tree).

    Closure conversion keeps tracers out of primitive params, where no transform could see them.
    """
    closed, out_tree = stage_flat(fun, in_avals, name)
    hoisted, consts = hoist_consts(closed)
    return hoisted, consts, out_tree


_converting = contextvars.ContextVar("fungrad_rule_conversion", default=False)


def _rule_may_run_later(operands):
    """False where the rule runs at once or never: under jvp/linearize (called at bind time,
    while every transform it could close over is current), or in a tangent program that does
    not record the call (no operand is its tracer: the call is just evaluated)."""
    trace = current_trace()
    if type(trace) in (JVPTrace, LinearizeTrace):
        return False
    if type(trace) is StagingTrace and trace.forward_known:
        return any(type(a) is StagingTracer and a._trace is trace for a in operands)
    return True


def closes_over_tracers(*fns: Any, depth: int = 4) -> bool:
    """Whether any of `fns` (user functions and rules) reaches a traced value through its closure
    cells, bound object, partial arguments or attributes: then a call must be staged, so that
    differentiating with respect to the closed-over value is caught, and its rules closure
    converted. Looks `depth` references deep; values reached otherwise (a global, a mutable
    attribute set later) are not seen, and a tracer used late that way raises
    UnexpectedTracerError rather than giving a wrong value."""
    seen = set()

    def reaches(x, d):
        if isinstance(x, Tracer):
            return True
        if d == 0 or id(x) in seen or isinstance(x, _OPAQUE):
            return False
        seen.add(id(x))
        if isinstance(x, (list, tuple, set, frozenset)):
            return any(reaches(v, d - 1) for v in x)
        if isinstance(x, dict):
            return any(reaches(v, d - 1) for v in x.values())
        try:  # objects may compute attributes, and fail doing so: they hold no tracer we see
            refs = [c.cell_contents for c in (getattr(x, "__closure__", None) or ())
                    if _cell_filled(c)]
            for attr in ("__self__", "__wrapped__", "func", "args", "keywords"):
                v = getattr(x, attr, None)
                if v is not None:
                    refs.append(v)
            if not callable(x) or hasattr(x, "__dict__") and not hasattr(x, "__code__"):
                refs.extend(vars(x).values() if hasattr(x, "__dict__") else ())
        except Exception:  # noqa: BLE001
            return False
        return any(reaches(v, d - 1) for v in refs)

    return any(reaches(f, depth) for f in fns)


# values whose attributes are not followed: data, types and modules (a module's namespace is no
# closure, and walking it would be slow)
_OPAQUE = (str, bytes, int, float, complex, np.ndarray, np.generic, type, types.ModuleType)


def forwarded_trace(trace, args):
    """The trace a call with user rules runs on when `trace` only forwards it: a linearization's
    tangent program (a forward_known StagingTrace) runs calls on primal values alone one trace
    down, as it does primitives. None where `trace` handles the call itself."""
    if type(trace) is StagingTrace and trace.forward_known and not any(unknown_mask(trace, args)):
        return trace.parent
    return None


def _cell_filled(cell):
    try:
        cell.cell_contents  # noqa: B018 - reading an empty cell raises
    except ValueError:  # an empty cell (a variable not yet assigned)
        return False
    return True


def closure_convert(rule, in_avals, name, operands=()):
    """Trace a user rule `rule(*xs) -> flat list` to (ClosedJaxpr without consts, closed-over
    values, closes_over_tracers), or None if it cannot be traced on abstract values.

    Custom rules run later, under the trace of an outer transform (grad(vmap(f)) runs the rule
    of f under grad); tracers of inner transforms the rule closes over are not visible there.
    As explicit operands of the primitive instead, every transform handles them. A rule that
    closes over no tracer can keep running as Python (on concrete values in eager transforms).
    Not converted (None): a rule bound directly under jvp/linearize (which call it at once, with
    every closed-over tracer's transform still current), and a rule traced while another is
    being traced (a rule may call its own function: that would recurse). `operands`: the
    primitive's other operands (see _rule_may_run_later).
    """
    if _converting.get() or not _rule_may_run_later(operands):
        return None
    token = _converting.set(True)
    try:
        jaxpr, consts, _ = stage_closed(rule, in_avals, name)
    except Exception:  # noqa: BLE001 - not traceable abstractly: the rule stays Python
        return None
    finally:
        _converting.reset(token)
    return jaxpr, consts, any(isinstance(c, Tracer) for c in consts)


def with_inputs(closed, at, avals):
    """`closed` taking extra unused inputs of `avals` before its input `at`."""
    j = closed.jaxpr
    invars = list(j.invars[:at]) + [Var(a) for a in avals] + list(j.invars[at:])
    return ClosedJaxpr(Jaxpr(j.constvars, invars, j.eqns, j.outvars), closed.consts)


def fill_none(vals, mask):
    """`vals` spread over the True positions of `mask`, None elsewhere."""
    it = iter(vals)
    return [next(it) if m else None for m in mask]


run = run_closed  # the sub-programs of higher-order primitives run on the current trace


def rewire(closed, in_avals, fn, name="rewired sub-program"):
    """A new ClosedJaxpr with inputs `in_avals` whose body is `fn(*args)` (a list of outputs;
    `fn` usually runs `closed` with `run`).

    Used to reorder, pad or combine programs; the result is traced again, so it is well typed.
    """
    jaxpr, _ = stage_flat(lambda *xs: list(fn(*xs)), list(in_avals), name)
    return jaxpr


def permute(closed, in_order, out_order=None):
    """Program whose input k is old input in_order[k] and output k is old output out_order[k]
    (in_order a permutation; out_order may select or repeat outputs). A structural rewrite of
    the program's signature: its equations are shared, nothing is traced again."""
    j = closed.jaxpr
    in_order = list(in_order)
    if sorted(in_order) != list(range(len(j.invars))):
        raise ValueError(f"permute: {in_order} is not a permutation of the program's inputs")
    outvars = j.outvars if out_order is None else [j.outvars[k] for k in out_order]
    return ClosedJaxpr(Jaxpr(j.constvars, [j.invars[i] for i in in_order], j.eqns, outvars),
                       closed.consts)


def record_eqn(trace, prim, args, params):
    """Record `prim(*args)` into a StagingTrace without consulting its partial_eval rule."""
    return trace.record(prim, args, params)


def unknown_mask(trace, args):
    """Which args are this staging trace's own tracers (unknown in partial evaluation)."""
    return [type(a) is StagingTracer and a._trace is trace for a in args]


def partial_eval_forced(closed, unknowns, force_out):
    """partial_eval_jaxpr where outputs marked in `force_out` are unknown even if computable:
    their known values are passed through as extra residuals (after the regular ones).

    Returns (known, unknown, out_unknowns, num_res) with partial_eval_jaxpr's conventions.
    """
    known, unknown, out_uk, nres = partial_eval_jaxpr(closed, unknowns)
    forced = [f and not u for f, u in zip(force_out, out_uk)]
    if not any(forced):
        return known, unknown, out_uk, nres
    known_pos = [j for j, u in enumerate(out_uk) if not u]  # output index of each known output
    keep = [k for k, j in enumerate(known_pos) if not forced[j]]
    moved = [k for k, j in enumerate(known_pos) if forced[j]]
    nk = len(known_pos)

    # structural rewrites of the two signatures (no re-trace): the known program returns the
    # forced outputs after its residuals; the unknown program takes them as inputs and passes
    # them through
    kj = known.jaxpr
    ko, kres = kj.outvars[:nk], kj.outvars[nk:]
    known2 = ClosedJaxpr(Jaxpr(kj.constvars, kj.invars, kj.eqns,
                               [ko[k] for k in keep] + list(kres) + [ko[k] for k in moved]),
                         known.consts)
    new_uk = [u or f for u, f in zip(out_uk, forced)]
    uj = unknown.jaxpr
    moved_vars = [Var(known.out_avals[k]) for k in moved]
    mv, uo = iter(moved_vars), iter(uj.outvars)
    outvars = [next(mv) if forced[j] else next(uo) for j, u in enumerate(new_uk) if u]
    unknown2 = ClosedJaxpr(Jaxpr(uj.constvars, uj.invars[:nres] + moved_vars + uj.invars[nres:],
                                 uj.eqns, outvars), unknown.consts)
    return known2, unknown2, new_uk, nres + len(moved)


def as_array(x):
    """numpy scalars (what numpy arithmetic on 0-d arrays gives) as 0-d arrays; others unchanged."""
    return np.asarray(x) if isinstance(x, (np.generic, float, int, complex)) else x


# partial_eval of the custom-rule calls: a partially known call is recorded whole; its rules are
# applied when the recorded call is differentiated
RULES_APPLIED_ON_DIFFERENTIATION = Exempt(
    "recorded whole: its rules are applied when the call is differentiated")


def emit_call(param, hint):
    """Code generation rule for a primitive that evaluates to its sub-program `params[param]`
    (custom rules, checkpoint): a call of that program's generated function."""
    def emit(ctx, eqn, args):
        return f"{ctx.subprogram(eqn.params[param], hint)}({', '.join(ctx.operands(eqn, args))})"
    return emit


def instantiate_all(tangents):
    return [zeros_like_aval(t.aval) if type(t) is Zero else t for t in tangents]

