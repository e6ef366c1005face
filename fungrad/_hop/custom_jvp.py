"""custom_jvp_call_p: a function whose JVP is a user rule instead of the JVP of its body.

Operands: (*consts, *args); params call_jaxpr (consts, args) -> outs, jvp (a Rule taking the
consts' values and flat primals and tangents of `args`, returning (outs, out_tangents)),
num_consts. The consts are those of the function and, closure-converted, those of the rule.
Evaluation and staging use call_jaxpr; JVP (and so linearize and grad) calls the rule.

Imports: _core, _interp, _hop._util, _hop._rules.
"""
from __future__ import annotations
from fungrad._core.errors import ShapeError
from fungrad._core.primitive import NOT_LINEAR, Emit, Primitive, register
from fungrad._core.trace import current_trace, get_aval, set_trace
from fungrad._core.zero import Zero
from fungrad._hop._rules import Rule
from fungrad._hop._util import (
    as_array,
    closure_convert,
    RULES_APPLIED_ON_DIFFERENTIATION,
    emit_call,
    fill_none,
    forwarded_trace,
    instantiate_all,
    is_eager,
    run,
    stage_closed,
    with_inputs,
    zeros_like_aval,
)
from fungrad._interp.batching import vmap_flat
from fungrad._interp.jaxpr_transforms import batch_jaxpr
from fungrad._lax import moveaxis
from typing import Any, Callable, Sequence

custom_jvp_call_p = Primitive("custom_jvp_call", multiple_results=True)


def _impl(*args, call_jaxpr, jvp, num_consts):
    return run(call_jaxpr, *args)


def _abstract_eval(*avals, call_jaxpr, jvp, num_consts):
    return list(call_jaxpr.out_avals)


def closed_over_error(kind):
    return ValueError(
        f"A {kind} function is being differentiated with respect to a value it closes over "
        f"(not an explicit argument). The {kind} rule only says how to differentiate with "
        "respect to its explicit inputs. Fix: pass that value as an argument of the function.")


def _jvp(primals, tangents, *, call_jaxpr, jvp, num_consts):
    if any(type(t) is not Zero for t in tangents[:num_consts]):
        raise closed_over_error("custom_jvp")
    outs, t_outs = jvp(list(primals[:num_consts]), list(primals[num_consts:]),
                       instantiate_all(tangents[num_consts:]))
    return outs, [Zero(get_aval(o).to_tangent_aval()) if t is None else t
                  for o, t in zip(outs, t_outs)]


def _batch(size, vals, dims, *, call_jaxpr, jvp, num_consts):
    vals = [v if d is None else moveaxis(v, d, 0) for v, d in zip(vals, dims)]
    in_b = [d is not None for d in dims]
    call, _ = batch_jaxpr(call_jaxpr, size, in_b, force_out=True)
    orig_ndim = [a.ndim for a in call_jaxpr.in_avals[num_consts:]]

    def batched_rule(consts, primals, tangents):
        # a tangent carries the batch axis if it has one more dimension than the unbatched arg
        t_b = [get_aval(t).ndim == n + 1 for t, n in zip(tangents, orig_ndim)]
        dims_in = [0 if b else None for b in in_b + t_b]
        nc, n = len(consts), len(primals)
        outs, _ = vmap_flat(
            lambda *xs: _pair(jvp(list(xs[:nc]), list(xs[nc:nc + n]), list(xs[nc + n:]))),
            list(consts) + list(primals) + list(tangents), dims_in, size,
            lambda tree: [0] * tree.num_leaves)
        half = len(outs) // 2
        return outs[:half], outs[half:]

    rule = Rule(batched_rule, f"vmap({jvp!r})")
    outs = custom_jvp_call_p.bind(*vals, call_jaxpr=call, jvp=rule, num_consts=num_consts)
    return outs, [0] * len(outs)


def _pair(res):
    outs, t_outs = res
    return list(outs), [t if t is not None else zeros_like_aval(get_aval(o).to_tangent_aval())
                        for o, t in zip(outs, t_outs)]


register(custom_jvp_call_p, impl=_impl, abstract_eval=_abstract_eval, jvp=_jvp,
         transpose=NOT_LINEAR, batch=_batch,
         partial_eval=RULES_APPLIED_ON_DIFFERENTIATION,
         emit=Emit(emit_call("call_jaxpr", "custom_jvp")))


def custom_jvp_call(fun: Callable[..., Any], jvp: Callable[..., Any], args: Sequence[Any],
                    name: str = "custom_jvp", closes_over: bool = True) -> list[Any]:
    """Call `fun(*args) -> list` (flat arrays) with JVP rule `jvp(primals, tangents) ->
    (outs, out_tangents)` (flat lists; an out tangent may be None for zero). Returns a list.

    `closes_over`: whether `fun` or `jvp` may close over traced values (closes_over_tracers).
    Where they do not, eager differentiation calls the rule at once without tracing `fun` (as
    JAX: Python control flow on values works in `fun`, and `fun` runs only where the rule calls
    it), and staging keeps the rule as Python, traced only if it is ever differentiated."""
    if is_eager():
        return list(fun(*args))
    trace = current_trace()
    below = forwarded_trace(trace, args)
    if below is not None:
        with set_trace(below):
            return custom_jvp_call(fun, jvp, args, name, closes_over)
    handler = getattr(trace, "process_custom_jvp", None)
    if handler is not None and not closes_over:
        def rule(primals, tangents):
            outs, t_outs = jvp(list(primals), instantiate_all(tangents))
            outs = [as_array(o) for o in outs]
            t_outs = [None if t is None else as_array(t) for t in t_outs]
            _check_tangents(name, outs, t_outs, [get_aval(o) for o in outs])
            return outs, t_outs
        return handler(lambda *xs: custom_jvp_call(fun, jvp, list(xs), name, closes_over),
                       rule, args)
    call_jaxpr, consts, _ = stage_closed(lambda *xs: list(fun(*xs)),
                                         [get_aval(a) for a in args], name)
    out_avals = call_jaxpr.out_avals

    def checked(primals, tangents):
        outs, t_outs = jvp(primals, tangents)
        outs, t_outs = [as_array(o) for o in outs], [as_array(t) for t in t_outs]
        _check_tangents(name, outs, t_outs, out_avals)
        return outs, t_outs

    if closes_over:
        rule, rule_consts = _convert(checked, [get_aval(a) for a in args], len(out_avals), name,
                                     consts + list(args))
    else:
        rule, rule_consts = (lambda consts, primals, tangents: checked(primals, tangents)), []
    call_jaxpr = with_inputs(call_jaxpr, len(consts), [get_aval(c) for c in rule_consts])
    return custom_jvp_call_p.bind(*consts, *rule_consts, *args, call_jaxpr=call_jaxpr,
                                  jvp=Rule(rule, name), num_consts=len(consts) + len(rule_consts))


def _check_tangents(name, outs, t_outs, out_avals):
    if len(outs) != len(out_avals) or len(t_outs) != len(outs):
        raise TypeError(f"{name}: the JVP rule returned {len(outs)} primal outputs and "
                        f"{len(t_outs)} tangents; the function has {len(out_avals)} outputs.")
    for i, (o, t, a) in enumerate(zip(outs, t_outs, out_avals)):
        if get_aval(o).shape != a.shape:
            raise ShapeError(f"{name}: the JVP rule's primal output {i} is "
                             f"{get_aval(o).str_short()} but the function returns "
                             f"{a.str_short()}; they must match.")
        if t is not None and get_aval(t).shape != a.shape:
            raise ShapeError(f"{name}: the JVP rule's tangent output {i} is "
                             f"{get_aval(t).str_short()} but the primal output is "
                             f"{a.str_short()}; a tangent must have its primal's shape.")


def _convert(checked, avals, n_out, name, operands):
    """The rule as (consts, primals, tangents) -> (outs, out_tangents), and the values it closes
    over if those include tracers (see closure_convert); else the Python rule and []."""
    n, mask = len(avals), []

    def flat(*xs):
        outs, t_outs = checked(list(xs[:n]), list(xs[n:]))
        mask[:] = [t is not None for t in t_outs]
        return list(outs) + [t for t in t_outs if t is not None]

    conv = closure_convert(flat, avals + [a.to_tangent_aval() for a in avals], f"{name} rule",
                           operands)
    if conv is None or not conv[2]:
        return (lambda consts, primals, tangents: checked(primals, tangents)), []
    jaxpr, rule_consts, _ = conv
    n_rc = len(rule_consts)

    def rule(consts, primals, tangents):
        outs = run(jaxpr, *consts[len(consts) - n_rc:], *primals, *tangents)
        return outs[:n_out], fill_none(outs[n_out:], mask)

    return rule, rule_consts

