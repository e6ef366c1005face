"""custom_vjp_call_p and custom_lin_p: a function whose reverse-mode rule is a user fwd/bwd pair.

custom_vjp_call_p operands (*consts, *args); params call_jaxpr, fwd ((consts' values, flat args)
-> (outs, residuals)), bwd ((residuals, out cotangents) -> one cotangent or None per arg),
num_consts. The consts are the function's and, closure-converted, those of fwd and bwd (bwd's
reach it as extra residuals).
Its JVP rule runs fwd and emits custom_lin_p(*residuals, *tangents): a linear primitive whose
transpose is bwd. Reverse mode transposes it; forward mode would have to evaluate it, which a
fwd/bwd pair cannot do, so that raises JAX's error. `custom_vjp_call` is the function-level entry
point (flat arrays in and out), also usable by fungrad.torch's autograd.Function.

Imports: _core, _lax, _interp, _hop._util, _hop._rules, _hop.custom_jvp.
"""
from __future__ import annotations
from fungrad._core.errors import ShapeError
from fungrad._core.linear_arg import is_linear
from fungrad._core.primitive import FIRST_ORDER, NOT_LINEAR, Emit, Exempt, Primitive, register
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
from fungrad._hop.custom_jvp import closed_over_error
from fungrad._interp.batching import vmap_flat
from fungrad._interp.jvp import forward_mode_error
from fungrad._interp.jaxpr_transforms import batch_jaxpr
from fungrad._lax import moveaxis, reduce_sum
from typing import Any, Callable, Sequence

custom_vjp_call_p = Primitive("custom_vjp_call", multiple_results=True)
custom_lin_p = Primitive("custom_lin", multiple_results=True)


# ---- custom_vjp_call
def _call_impl(*args, call_jaxpr, fwd, bwd, num_consts):
    return run(call_jaxpr, *args)


def _call_abstract_eval(*avals, call_jaxpr, fwd, bwd, num_consts):
    return list(call_jaxpr.out_avals)


def _call_jvp(primals, tangents, *, call_jaxpr, fwd, bwd, num_consts):
    if any(type(t) is not Zero for t in tangents[:num_consts]):
        raise closed_over_error("custom_vjp")
    outs, res = fwd(list(primals[:num_consts]), list(primals[num_consts:]))
    t_in = instantiate_all(tangents[num_consts:])
    out_avals = tuple(get_aval(o).to_tangent_aval() for o in outs)
    t_out = custom_lin_p.bind(*res, *t_in, bwd=bwd, num_res=len(res), out_avals=out_avals)
    return list(outs), t_out


def _call_batch(size, vals, dims, *, call_jaxpr, fwd, bwd, num_consts):
    """Batch fwd and bwd separately; bwd sums the cotangents of unbatched inputs over the batch."""
    vals = [v if d is None else moveaxis(v, d, 0) for v, d in zip(vals, dims)]
    in_b = [d is not None for d in dims]
    call, _ = batch_jaxpr(call_jaxpr, size, in_b, force_out=True)
    arg_b = in_b[num_consts:]
    n_out = len(call_jaxpr.out_avals)

    def batched_fwd(consts, args):
        nc = len(consts)

        def flat(*xs):
            outs, res = fwd(list(xs[:nc]), list(xs[nc:]))
            return list(outs) + list(res)
        both, _ = vmap_flat(flat, list(consts) + list(args), [0 if b else None for b in in_b],
                            size, lambda tree: [0] * tree.num_leaves)
        return both[:n_out], both[n_out:]

    arg_avals = call_jaxpr.in_avals[num_consts:]
    new_bwd = _batched_bwd(bwd, size, None, arg_b, arg_avals)
    outs = custom_vjp_call_p.bind(*vals, call_jaxpr=call, fwd=Rule(batched_fwd, f"vmap({fwd!r})"),
                                  bwd=new_bwd, num_consts=num_consts)
    return outs, [0] * len(outs)


def _batched_bwd(bwd, size, res_b, in_b, in_avals):
    """bwd under vmap: residuals batched where res_b (all if None), cotangents batched; the
    cotangent of an input that was not batched is summed over the batch."""
    def new_bwd(res, cts):
        nr = len(res)
        dims = [0 if (res_b is None or b) else None for b in (res_b or [True] * nr)]

        def flat(*xs):
            out = bwd(list(xs[:nr]), list(xs[nr:]))
            return [zeros_like_aval(a.to_tangent_aval()) if c is None else c
                    for c, a in zip(out, in_avals)]

        cts_in, _ = vmap_flat(flat, list(res) + list(cts), dims + [0] * len(cts), size,
                              lambda tree: [0] * tree.num_leaves)
        return [c if b else reduce_sum(c, (0,)) for c, b in zip(cts_in, in_b)]

    return Rule(new_bwd, f"vmap({bwd!r})")


register(custom_vjp_call_p, impl=_call_impl, abstract_eval=_call_abstract_eval,
         jvp=_call_jvp,
         transpose=NOT_LINEAR, batch=_call_batch,
         partial_eval=RULES_APPLIED_ON_DIFFERENTIATION,
         emit=Emit(emit_call("call_jaxpr", "custom_vjp")))


# ---- custom_lin: the linear map whose transpose is bwd
def _lin_impl(*args, bwd, num_res, out_avals):
    raise forward_mode_error()


def _lin_jvp(primals, tangents, *, bwd, num_res, out_avals):
    raise forward_mode_error()


def _lin_transpose(cts, *args, bwd, num_res, out_avals):
    res, lin = args[:num_res], args[num_res:]
    cts = [zeros_like_aval(a) if c is None or type(c) is Zero else c for c, a in zip(cts, out_avals)]
    cts_in = bwd(list(res), cts)
    return [None] * num_res + [c if is_linear(a) else None for c, a in zip(cts_in, lin)]


def _lin_batch(size, vals, dims, *, bwd, num_res, out_avals):
    vals = [v if d is None else moveaxis(v, d, 0) for v, d in zip(vals, dims)]
    res_b = [d is not None for d in dims[:num_res]]
    t_b = [d is not None for d in dims[num_res:]]
    t_avals = [get_aval(v) if not b else get_aval(v).update(shape=get_aval(v).shape[1:])
               for v, b in zip(vals[num_res:], t_b)]
    new_bwd = _batched_bwd(bwd, size, res_b, t_b, t_avals)
    b_avals = tuple(a.update(shape=(size, *a.shape)) for a in out_avals)
    outs = custom_lin_p.bind(*vals, bwd=new_bwd, num_res=num_res, out_avals=b_avals)
    return outs, [0] * len(outs)


register(custom_lin_p, impl=_lin_impl,
         abstract_eval=lambda *avals, bwd, num_res, out_avals: list(out_avals), jvp=_lin_jvp,
         transpose=_lin_transpose, batch=_lin_batch, partial_eval=FIRST_ORDER,
         emit=Exempt("only in linear programs, which are transposed before any is compiled"))


def custom_vjp_call(fun: Callable[..., Any], fwd: Callable[..., Any], bwd: Callable[..., Any],
                    args: Sequence[Any], name: str = "custom_vjp", closes_over: bool = True) -> list[Any]:
    """Call `fun(*args) -> list` (flat arrays) with reverse-mode rule fwd/bwd:
    `fwd(*args) -> (outs, residuals)` (flat lists) and `bwd(residuals, cts) -> list` with one
    cotangent (or None for zero) per arg. Returns the list of outputs.

    `closes_over` as for custom_jvp_call: where nothing traced is closed over, reverse mode runs
    fwd at once on the primals without tracing `fun`, as JAX."""
    if is_eager():
        return list(fun(*args))
    trace = current_trace()
    below = forwarded_trace(trace, args)
    if below is not None:
        with set_trace(below):
            return custom_vjp_call(fun, fwd, bwd, args, name, closes_over)
    arg_avals = [get_aval(a) for a in args]
    handler = getattr(trace, "process_custom_vjp", None)
    if handler is not None and not closes_over:
        def eager_fwd(primals):
            outs, res = fwd(*primals)
            return [as_array(o) for o in outs], list(res)

        def lin(res, tangents, outs):
            out_avals = tuple(get_aval(o).to_tangent_aval() for o in outs)
            return custom_lin_p.bind(*res, *instantiate_all(tangents),
                                     bwd=Rule(_checked_bwd(bwd, arg_avals, name), f"{name}.bwd"),
                                     num_res=len(res), out_avals=out_avals)
        return handler(lambda *xs: custom_vjp_call(fun, fwd, bwd, list(xs), name, closes_over),
                       eager_fwd, lin, args)
    call_jaxpr, consts, _ = stage_closed(lambda *xs: list(fun(*xs)), arg_avals, name)
    out_avals = call_jaxpr.out_avals

    def checked_fwd(xs):
        outs, res = fwd(*xs)
        outs = list(outs)
        if len(outs) != len(out_avals) or any(
                get_aval(o).shape != a.shape for o, a in zip(outs, out_avals)):
            raise ShapeError(
                f"{name}: fwd must return the function's output first; it returned "
                f"{[get_aval(o).str_short() for o in outs]} where the function returns "
                f"{[a.str_short() for a in out_avals]}.")
        return outs, list(res)

    checked_bwd = _checked_bwd(bwd, arg_avals, name)
    if closes_over:
        fwd_rule, bwd_rule, rule_consts = _convert(checked_fwd, checked_bwd, arg_avals,
                                                   out_avals, name, consts + list(args))
    else:
        fwd_rule, bwd_rule, rule_consts = (lambda consts, xs: checked_fwd(xs)), checked_bwd, []
    call_jaxpr = with_inputs(call_jaxpr, len(consts), [get_aval(c) for c in rule_consts])
    return custom_vjp_call_p.bind(*consts, *rule_consts, *args, call_jaxpr=call_jaxpr,
                                  fwd=Rule(fwd_rule, f"{name}.fwd"),
                                  bwd=Rule(bwd_rule, f"{name}.bwd"),
                                  num_consts=len(consts) + len(rule_consts))


def _checked_bwd(bwd, arg_avals, name):
    def checked_bwd(res, cts):
        cts_in = [as_array(c) for c in bwd(res, cts)]
        if len(cts_in) != len(arg_avals):
            raise ShapeError(f"{name}: bwd must return one cotangent per differentiable input "
                             f"({len(arg_avals)}), but it returned {len(cts_in)}.")
        for i, (c, a) in enumerate(zip(cts_in, arg_avals)):
            if c is not None and get_aval(c).shape != a.shape:
                raise ShapeError(
                    f"{name}: bwd returned a cotangent of shape {get_aval(c).str_short()} for "
                    f"input {i}, which is {a.str_short()}; each cotangent must match its input.")
        return cts_in
    return checked_bwd


def _convert(fwd, bwd, arg_avals, out_avals, name, operands):
    """fwd as (consts, args) -> (outs, residuals) and bwd, each closure-converted if it closes
    over tracers (see closure_convert); bwd's closed-over values travel as extra residuals.
    Returns (fwd, bwd, closed-over values of fwd then bwd)."""
    n_out = len(out_avals)

    def flat_fwd(*xs):
        outs, res = fwd(list(xs))
        return list(outs) + list(res)

    conv_f = closure_convert(flat_fwd, arg_avals, f"{name}.fwd", operands)
    if conv_f is None:
        return (lambda consts, args: fwd(args)), bwd, []
    f_jaxpr, f_consts, f_traced = conv_f
    if not f_traced:
        f_consts = []
    res_avals = list(f_jaxpr.out_avals[n_out:])
    nr, mask = len(res_avals), []

    def flat_bwd(*xs):
        cts_in = bwd(list(xs[:nr]), list(xs[nr:]))
        mask[:] = [c is not None for c in cts_in]
        return [c for c in cts_in if c is not None]

    conv_b = closure_convert(flat_bwd, res_avals + [a.to_tangent_aval() for a in out_avals],
                             f"{name}.bwd", operands)
    b_jaxpr, b_consts = (conv_b[0], conv_b[1]) if conv_b is not None and conv_b[2] else (None, [])
    n_fc, n_bc = len(f_consts), len(b_consts)

    def fwd_rule(consts, args):
        nc = len(consts)
        if f_traced:
            outs = run(f_jaxpr, *consts[nc - n_fc - n_bc:nc - n_bc], *args)
            outs, res = outs[:n_out], outs[n_out:]
        else:
            outs, res = fwd(args)
        return outs, list(res) + list(consts[nc - n_bc:nc])

    def bwd_rule(res, cts):
        if b_jaxpr is None:
            return bwd(res, cts)
        own, closed = res[:len(res) - n_bc], res[len(res) - n_bc:]
        return fill_none(run(b_jaxpr, *closed, *own, *cts), mask)

    return fwd_rule, bwd_rule, f_consts + b_consts
