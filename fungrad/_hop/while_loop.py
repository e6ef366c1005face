"""while_p: iterate a body program while a predicate program holds.

Operands: (*cond_consts, *body_consts, *init); params cond_jaxpr (cond_consts, carry) -> bool[],
body_jaxpr (body_consts, carry) -> carry, cond_nconsts, body_nconsts. Forward mode and batching
work; reverse mode cannot (the trip count is data-dependent, so no residuals can be stacked) and
raises an error pointing to fori_loop/scan or custom_vjp.

Imports: _core, _lax, _interp, _hop._util.
"""
import numpy as np

from fungrad._core.errors import MissingRuleError, ShapeError
from fungrad._core.lists import carry_fixpoint, cut, merge, partition
from fungrad._core.primitive import Emit, Primitive, register
from fungrad._core.trace import bind_on, get_aval
from fungrad._core.zero import Zero
from fungrad._hop._util import (
    partial_eval_forced,
    permute,
    record_eqn,
    rewire,
    run,
    unknown_mask,
    zeros_like_aval,
)
from fungrad._interp.codegen import Block, assign
from fungrad._interp.jaxpr_transforms import batch_jaxpr, jvp_jaxpr, partial_eval_jaxpr
from fungrad._lax import (
    broadcast_batch,
    convert_element_type,
    moveaxis,
    reduce_max,
    reshape,
    select,
)

while_p = Primitive("while", multiple_results=True)


def _params(cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    return {"cond_jaxpr": cond_jaxpr, "body_jaxpr": body_jaxpr, "cond_nconsts": cond_nconsts,
            "body_nconsts": body_nconsts}


def _impl(*args, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    cc, bc, carry = cut(args, cond_nconsts, body_nconsts)
    while run(cond_jaxpr, *cc, *carry)[0]:
        carry = run(body_jaxpr, *bc, *carry)
    return list(carry)


def _abstract_eval(*avals, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    _, bc, carry = cut(avals, cond_nconsts, body_nconsts)
    if list(body_jaxpr.out_avals) != list(carry) or list(body_jaxpr.in_avals) != bc + carry:
        raise ShapeError(f"while_loop: the body maps {[a.str_short() for a in body_jaxpr.in_avals]}"
                         f" to {[a.str_short() for a in body_jaxpr.out_avals]} but the carry is "
                         f"{[a.str_short() for a in carry]}")
    return list(carry)


def _jvp(primals, tangents, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    nz = [type(t) is not Zero for t in tangents]
    _, nz_bc, nz_k = cut(nz, cond_nconsts, body_nconsts)
    def step(nz_k):  # which carries have nonzero tangents
        bj, out_nz = jvp_jaxpr(body_jaxpr, nz_bc + nz_k, nz_k)
        return out_nz, bj

    nz_k, bj = carry_fixpoint(nz_k, step)
    n_bc, n_k = body_nconsts, len(nz_k)
    n_bct = sum(nz_bc)
    # jvp layout (bc, carry, bc_t, carry_t) -> (carry, carry_t); while needs (bc, bc_t, carry, ..)
    order = (list(range(n_bc)) + list(range(n_bc + n_k, n_bc + n_k + n_bct))
             + list(range(n_bc, n_bc + n_k)) + list(range(n_bc + n_k + n_bct, len(bj.in_avals))))
    body = permute(bj, order)
    n_kt = sum(nz_k)
    kt_avals = [a.to_tangent_aval() for a, f in zip(body_jaxpr.out_avals, nz_k) if f]
    cond = rewire(cond_jaxpr, list(cond_jaxpr.in_avals) + kt_avals,
                  lambda *xs: run(cond_jaxpr, *xs[:len(xs) - n_kt]), "while cond (jvp)")
    cc, bc, carry = cut(primals, cond_nconsts, body_nconsts)
    _, bc_t, carry_t = cut(tangents, cond_nconsts, body_nconsts)
    bc_t = [t for t in bc_t if type(t) is not Zero]
    carry_t = [zeros_like_aval(t.aval) if type(t) is Zero else t for t, f in zip(carry_t, nz_k) if f]
    outs = while_p.bind(*cc, *bc, *bc_t, *carry, *carry_t,
                        **_params(cond, body, cond_nconsts, n_bc + n_bct))
    it = iter(outs[n_k:])
    return outs[:n_k], [next(it) if f else Zero(get_aval(o).to_tangent_aval())
                        for f, o in zip(nz_k, outs[:n_k])]


def _transpose(cts, *args, **params):
    raise MissingRuleError(
        "Reverse-mode differentiation does not work for lax.while_loop: its trip count depends "
        "on the values, so the per-step residuals cannot be saved. Fix: use lax.fori_loop with "
        "static (Python int) bounds or lax.scan, which support grad; or give the loop a "
        "custom_vjp (e.g. the implicit function theorem for a solver).")


def _batch(size, vals, dims, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    cc, bc, carry = cut(vals, cond_nconsts, body_nconsts)
    cc_d, bc_d, k_d = cut(dims, cond_nconsts, body_nconsts)
    cc_b, bc_b, k_b = ([d is not None for d in ds] for ds in (cc_d, bc_d, k_d))
    for _ in range(len(k_b) + 1):
        _, out_b = batch_jaxpr(body_jaxpr, size, bc_b + k_b, force_out=k_b)
        new = [a or b for a, b in zip(k_b, out_b)]
        if new == k_b:
            break
        k_b = new
    pred_b = batch_jaxpr(cond_jaxpr, size, cc_b + k_b)[1][0]
    if pred_b:
        k_b = [True] * len(k_b)  # lanes finish at different steps: every carry is per lane
    body, _ = batch_jaxpr(body_jaxpr, size, bc_b + k_b, force_out=k_b)
    cond, _ = batch_jaxpr(cond_jaxpr, size, cc_b + k_b)
    cc = [c if d is None else moveaxis(c, d, 0) for c, d in zip(cc, cc_d)]
    bc = [c if d is None else moveaxis(c, d, 0) for c, d in zip(bc, bc_d)]
    carry = [c if not b else (broadcast_batch(c, size, 0) if d is None else moveaxis(c, d, 0))
             for c, d, b in zip(carry, k_d, k_b)]
    if not pred_b:
        outs = while_p.bind(*cc, *bc, *carry, **_params(cond, body, cond_nconsts, body_nconsts))
        return outs, [0 if b else None for b in k_b]
    n_cc = cond_nconsts

    def any_lane(*xs):
        pred = convert_element_type(run(cond, *xs)[0], np.int32)
        return [convert_element_type(reduce_max(pred, (0,)), np.bool_)]

    def masked_body(*xs):  # lanes whose predicate is false keep their carry
        c_consts, b_consts, k = xs[:n_cc], xs[n_cc:n_cc + body_nconsts], xs[n_cc + body_nconsts:]
        pred = run(cond, *c_consts, *k)[0]
        new = run(body, *b_consts, *k)
        return [select(reshape(pred, (size,) + (1,) * (get_aval(o).ndim - 1)), o, x)
                for o, x in zip(new, k)]

    any_cond = rewire(cond, cond.in_avals, any_lane, "while cond (any lane)")
    m_body = rewire(body, list(cond.in_avals[:n_cc]) + list(body.in_avals), masked_body,
                    "while body (masked lanes)")
    outs = while_p.bind(*cc, *cc, *bc, *carry,
                        **_params(any_cond, m_body, n_cc, n_cc + body_nconsts))
    return outs, [0] * len(outs)


def _partial_eval(trace, args, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    """Run the known carries now (their loop is self-contained); record the whole loop for the
    unknown ones, recomputing the known part inside (as JAX does)."""
    params = _params(cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts)
    uk = unknown_mask(trace, args)
    cc_uk, bc_uk, k_uk = cut(uk, cond_nconsts, body_nconsts)
    for _ in range(len(k_uk) + 1):
        out_uk = partial_eval_forced(body_jaxpr, bc_uk + k_uk, k_uk)[2]
        new = [a or b for a, b in zip(k_uk, out_uk)]
        if new == k_uk:
            break
        k_uk = new
    if any(partial_eval_jaxpr(cond_jaxpr, cc_uk + k_uk)[2]) or all(k_uk):
        return record_eqn(trace, while_p, args, params)
    known, _, _, _ = partial_eval_forced(body_jaxpr, bc_uk + k_uk, k_uk)
    n_kk = k_uk.count(False)
    known_body = permute(known, range(len(known.in_avals)), range(n_kk))  # drop residuals
    known_cond = _known_cond(cond_jaxpr, cc_uk, k_uk)
    cc, bc, carry = cut(args, cond_nconsts, body_nconsts)
    k_cc, k_bc = partition(cc, cc_uk)[0], partition(bc, bc_uk)[0]
    k_outs = bind_on(trace.parent, while_p, k_cc + k_bc + partition(carry, k_uk)[0],
                     _params(known_cond, known_body, len(k_cc), len(k_bc)))
    all_outs = record_eqn(trace, while_p, args, params)
    return merge(k_uk, k_outs, partition(all_outs, k_uk)[1])


def _known_cond(cond_jaxpr, cc_uk, k_uk):
    """The predicate as a function of the known consts and carries only (it reads no other)."""
    mask = cc_uk + k_uk
    avals = [a for a, u in zip(cond_jaxpr.in_avals, mask) if not u]

    def fn(*xs):
        it = iter(xs)
        return run(cond_jaxpr, *[zeros_like_aval(a) if u else next(it)
                                 for a, u in zip(cond_jaxpr.in_avals, mask)])

    return rewire(cond_jaxpr, avals, fn, "known while predicate")


def _emit(ctx, eqn, args):
    """A native `while` on the generated predicate, calling the generated body."""
    p = eqn.params
    cc, bc, carry = cut(ctx.operands(eqn, args), p["cond_nconsts"], p["body_nconsts"])
    pred = ctx.subprogram(p["cond_jaxpr"], "while_cond", single=True)
    body = ctx.subprogram(p["body_jaxpr"], "while_body")
    ks = [ctx.fresh("carry") for _ in carry]
    lines = [assign(ks, ", ".join(carry) + ("," if len(carry) == 1 else ""))] if ks else []
    lines += [f"while {pred}({', '.join(cc + ks)}):",
              f"    {assign(ks, f'{body}(' + ', '.join(bc + ks) + ')')}"]
    return Block(lines, ks, ks)


def _emit_jax(ctx, eqn, args):
    """jax.lax.while_loop on the generated predicate and body (the carry as a tuple)."""
    p = eqn.params
    cc, bc, carry = cut(ctx.operands(eqn, args), p["cond_nconsts"], p["body_nconsts"])
    pred = ctx.subprogram(p["cond_jaxpr"], "while_cond", single=True)
    body = ctx.subprogram(p["body_jaxpr"], "while_body")
    k = ctx.fresh("carry")
    call = (f"lax.while_loop(lambda c: {pred}({''.join(c + ', ' for c in cc)}*c), "
            f"lambda c: {body}({''.join(c + ', ' for c in bc)}*c), "
            f"({''.join(c + ', ' for c in carry)}))")
    return Block([f"{k} = {call}"], [f"{k}[{i}]" for i in range(len(carry))], [k])


register(while_p, impl=_impl, abstract_eval=_abstract_eval, jvp=_jvp, transpose=_transpose,
         batch=_batch, partial_eval=_partial_eval,
         emit=(Emit(_emit), Emit(_emit_jax, on=("jax",))))


def bind_while(cond_consts, body_consts, init, cond_jaxpr, body_jaxpr):
    """while_p on flat consts and carry."""
    return while_p.bind(*cond_consts, *body_consts, *init,
                        **_params(cond_jaxpr, body_jaxpr, len(cond_consts), len(body_consts)))
