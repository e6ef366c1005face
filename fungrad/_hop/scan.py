"""scan_p: a loop over the leading axis of `xs` threading a carry, stacking per-step outputs.

Operands: (*consts, *init, *xs); params: jaxpr (consts, carry, x) -> (carry, y), num_consts,
num_carry, length, reverse. Reverse mode is a reverse scan over per-step residuals saved by the
forward (known) scan, so the program stays one step long whatever the trip count.

Imports: _core, _lax, _interp, _hop._util.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import ShapeError
from fungrad._core.linear_arg import is_linear
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
from fungrad._interp.jaxpr_transforms import batch_jaxpr, jvp_jaxpr, transpose_jaxpr
from fungrad._lax import add_any, broadcast_batch, moveaxis

scan_p = Primitive("scan", multiple_results=True)


def _split(seq, num_consts, num_carry):
    return cut(seq, num_consts, num_carry)


def _impl(*args, jaxpr, num_consts, num_carry, length, reverse):
    consts, carry, xs = _split(args, num_consts, num_carry)
    ys = [[] for _ in range(len(jaxpr.out_avals) - num_carry)]
    for step in range(length):
        i = length - 1 - step if reverse else step
        outs = run(jaxpr, *consts, *carry, *[x[i] for x in xs])
        carry = outs[:num_carry]
        for acc, y in zip(ys, outs[num_carry:]):
            acc.append(y)
    y_avals = jaxpr.out_avals[num_carry:]
    stacked = []
    for acc, a in zip(ys, y_avals):
        if reverse:
            acc.reverse()
        stacked.append(np.stack(acc) if acc else np.zeros((0, *a.shape), a.dtype))
    return list(carry) + stacked


def _abstract_eval(*avals, jaxpr, num_consts, num_carry, length, reverse):
    consts, carry, xs = _split(avals, num_consts, num_carry)
    expected = consts + carry + [shaped(x.shape[1:], x.dtype) for x in xs]
    if list(jaxpr.in_avals) != expected or any(x.shape[:1] != (length,) for x in xs):
        raise ShapeError(f"scan: the body takes {[a.str_short() for a in jaxpr.in_avals]} but "
                         f"the operands are {[a.str_short() for a in avals]} (length {length})")
    c_out = jaxpr.out_avals[:num_carry]
    if list(c_out) != list(carry):
        raise ShapeError(f"scan: the body's carry output {[a.str_short() for a in c_out]} "
                         f"differs from its carry input {[a.str_short() for a in carry]}")
    ys = [shaped((length, *a.shape), a.dtype) for a in jaxpr.out_avals[num_carry:]]
    return list(carry) + ys


def _params(jaxpr, num_consts, num_carry, length, reverse):
    return {"jaxpr": jaxpr, "num_consts": num_consts, "num_carry": num_carry, "length": length,
            "reverse": reverse}


def _jvp(primals, tangents, *, jaxpr, num_consts, num_carry, length, reverse):
    nz = [type(t) is not Zero for t in tangents]
    nz_c, nz_carry, nz_x = _split(nz, num_consts, num_carry)
    n_out = len(jaxpr.out_avals)
    n_y = n_out - num_carry
    def step(nz_carry):  # a carry tangent nonzero at any step is nonzero
        jj, out_nz = jvp_jaxpr(jaxpr, nz_c + nz_carry + nz_x, [*nz_carry] + [False] * n_y)
        return out_nz[:num_carry], (jj, out_nz)

    nz_carry, (jj, out_nz) = carry_fixpoint(nz_carry, step)
    nzs = nz_c + nz_carry + nz_x
    ny_nz = out_nz[num_carry:]
    # jvp_jaxpr's layout is (primals..., nonzero tangents...); scan needs consts, carry and xs
    # each followed by their tangents
    n_p = len(primals)
    t_pos = {}
    for i, flag in enumerate(nzs):
        if flag:
            t_pos[i] = n_p + len(t_pos)
    in_order, counts = [], []
    for g in (range(num_consts), range(num_consts, num_consts + num_carry),
              range(num_consts + num_carry, n_p)):
        ts = [t_pos[i] for i in g if i in t_pos]
        in_order += list(g) + ts
        counts.append(len(g) + len(ts))
    n_ct, n_yt = sum(nz_carry), sum(ny_nz)
    out_order = (list(range(num_carry)) + list(range(n_out, n_out + n_ct))
                 + list(range(num_carry, n_out)) + list(range(n_out + n_ct, n_out + n_ct + n_yt)))
    body = permute(jj, in_order, out_order)
    tangents = list(tangents)
    for i in range(num_consts, num_consts + num_carry):  # carries that become nonzero
        if nzs[i] and type(tangents[i]) is Zero:
            tangents[i] = zeros_like_aval(tangents[i].aval)
    jvp_args = list(primals) + [tangents[i] for i in t_pos]
    outs = scan_p.bind(*[jvp_args[k] for k in in_order],
                       **_params(body, counts[0], counts[1], length, reverse))
    carry, carry_t = outs[:num_carry], iter(outs[num_carry:num_carry + n_ct])
    ys = outs[num_carry + n_ct:num_carry + n_ct + n_y]
    ys_t = iter(outs[num_carry + n_ct + n_y:])
    t_out = [next(carry_t) if f else Zero(get_aval(c).to_tangent_aval())
             for f, c in zip(nz_carry, carry)]
    t_out += [next(ys_t) if f else Zero(get_aval(y).to_tangent_aval()) for f, y in zip(ny_nz, ys)]
    return carry + ys, t_out


def _transpose(cts, *args, jaxpr, num_consts, num_carry, length, reverse):
    """A reverse scan: carries the cotangents of the carry and accumulates those of the linear
    consts; residual consts and xs are read as they are, linear xs get stacked cotangents."""
    consts, carry, xs = _split(args, num_consts, num_carry)
    lin_c = [is_linear(c) for c in consts]
    lin_x = [is_linear(x) for x in xs]
    res_c = [c for c in consts if not is_linear(c)]
    res_x = [x for x in xs if not is_linear(x)]
    out_avals = _abstract_eval(*[a.aval if is_linear(a) else get_aval(a) for a in args],
                               jaxpr=jaxpr, num_consts=num_consts, num_carry=num_carry,
                               length=length, reverse=reverse)
    cts = [zeros_like_aval(a.to_tangent_aval()) if c is None or type(c) is Zero else c
           for c, a in zip(cts, out_avals)]
    ct_carry, ct_ys = cts[:num_carry], cts[num_carry:]
    linear_in = lin_c + [True] * num_carry + lin_x
    tj = transpose_jaxpr(jaxpr, linear_in)  # (res_c, res_x, ct_carry, ct_y) -> (lc, carry, lx)
    lc_avals = [a.to_tangent_aval() for a, f in zip(jaxpr.in_avals[:num_consts], lin_c) if f]
    n_rc, n_rx, n_lc = len(res_c), len(res_x), len(lc_avals)
    carry_avals = [a.to_tangent_aval() for a in jaxpr.in_avals[num_consts:num_consts + num_carry]]
    y_avals = [a.to_tangent_aval() for a in jaxpr.out_avals[num_carry:]]
    rx_avals = [a for a, f in zip(jaxpr.in_avals[num_consts + num_carry:], lin_x) if not f]

    def body(*a):
        rc, acc, ctc, rx, cty = cut(a, n_rc, n_lc, num_carry, n_rx)
        d_lc, d_carry, d_lx = cut(run(tj, *rc, *rx, *ctc, *cty), n_lc, num_carry)
        return [add_any(s, d) for s, d in zip(acc, d_lc)] + list(d_carry) + list(d_lx)

    rc_avals = [a for a, f in zip(jaxpr.in_avals[:num_consts], lin_c) if not f]
    body_t = rewire(tj, rc_avals + lc_avals + carry_avals + rx_avals + y_avals, body,
                    "transposed scan body")
    acc0 = [zeros_like_aval(a) for a in lc_avals]
    outs = scan_p.bind(*res_c, *acc0, *ct_carry, *res_x, *ct_ys,
                       **_params(body_t, n_rc, n_lc + num_carry, length, not reverse))
    d_lc, d_carry, d_lx = cut(outs, n_lc, num_carry)
    d_lc, d_lx = iter(d_lc), iter(d_lx)
    res = [next(d_lc) if f else None for f in lin_c]
    res += [d if is_linear(c) else None for d, c in zip(d_carry, carry)]
    res += [next(d_lx) if f else None for f in lin_x]
    return res


def _batch(size, vals, dims, *, jaxpr, num_consts, num_carry, length, reverse):
    consts, carry, xs = _split(vals, num_consts, num_carry)
    c_d, k_d, x_d = _split(dims, num_consts, num_carry)
    c_b, k_b, x_b = ([d is not None for d in ds] for ds in (c_d, k_d, x_d))
    n_y = len(jaxpr.out_avals) - num_carry
    def step(k_b):  # a carry batched at any step is batched
        body, out_b = batch_jaxpr(jaxpr, size, c_b + k_b + x_b, force_out=k_b + [False] * n_y)
        return out_b[:num_carry], (body, out_b)

    k_b, (body, out_b) = carry_fixpoint(k_b, step)
    consts = [c if d is None else moveaxis(c, d, 0) for c, d in zip(consts, c_d)]
    carry = [c if not b else (broadcast_batch(c, size, 0) if d is None else moveaxis(c, d, 0))
             for c, d, b in zip(carry, k_d, k_b)]
    xs = [x if d is None else moveaxis(x, d, 1) for x, d in zip(xs, x_d)]  # axis 0 is time
    outs = scan_p.bind(*consts, *carry, *xs,
                       **_params(body, num_consts, num_carry, length, reverse))
    return outs, [0 if b else None for b in k_b] + [1 if b else None for b in out_b[num_carry:]]


def _partial_eval(trace, args, *, jaxpr, num_consts, num_carry, length, reverse):
    """Split into a known scan run now (saving per-step residuals as extra stacked outputs) and
    an unknown scan recorded into the trace that reads them; loop-invariant residuals that are
    known consts are passed once instead of stacked."""
    uk = unknown_mask(trace, args)
    c_uk, k_uk, x_uk = _split(uk, num_consts, num_carry)
    n_y = len(jaxpr.out_avals) - num_carry
    for _ in range(num_carry + 1):
        out_uk = partial_eval_forced(jaxpr, c_uk + k_uk + x_uk, k_uk + [False] * n_y)[2]
        new = [a or b for a, b in zip(k_uk, out_uk[:num_carry])]
        if new == k_uk:
            break
        k_uk = new
    known, unknown, out_uk, nres = partial_eval_forced(
        jaxpr, c_uk + k_uk + x_uk, k_uk + [False] * n_y)
    consts, carry, xs = _split(args, num_consts, num_carry)
    k_consts = [c for c, u in zip(consts, c_uk) if not u]
    nk = out_uk.count(False)
    kj = known.jaxpr
    invariant, per_step = {}, []
    for r in range(nres):
        v = kj.outvars[nk + r]
        if v in kj.invars[:len(k_consts)]:
            invariant[r] = k_consts[kj.invars.index(v)]
        elif v in kj.constvars:
            invariant[r] = known.consts[kj.constvars.index(v)]
        else:
            per_step.append(r)
    known_body = permute(known, range(len(known.in_avals)),
                         list(range(nk)) + [nk + r for r in per_step])
    n_kk = k_uk.count(False)
    (k_carry, u_carry), (k_xs, u_xs) = partition(carry, k_uk), partition(xs, x_uk)
    k_args = k_consts + k_carry + k_xs
    k_outs = bind_on(trace.parent, scan_p, k_args,
                     _params(known_body, len(k_consts), n_kk, length, reverse))
    stacked = k_outs[nk:]
    inv = sorted(invariant)
    n_ukc, n_ukk = c_uk.count(True), k_uk.count(True)
    u_order = (inv + [nres + i for i in range(n_ukc + n_ukk)] + per_step
               + [nres + n_ukc + n_ukk + i for i in range(x_uk.count(True))])
    unknown_body = permute(unknown, u_order)
    u_args = ([invariant[r] for r in inv] + partition(consts, c_uk)[1] + u_carry + stacked
              + u_xs)
    u_outs = record_eqn(trace, scan_p, u_args,
                        _params(unknown_body, len(inv) + n_ukc, n_ukk, length, reverse))
    return merge(out_uk, k_outs[:nk], u_outs)


def _emit(ctx, eqn, args):
    """A native `for` over the steps calling the generated body; stacked outputs are written
    into preallocated arrays (reverse: the loop runs backwards, so ys stay in xs order)."""
    p = eqn.params
    jaxpr, num_carry, length = p["jaxpr"], p["num_carry"], p["length"]
    consts, carry, xs = _split(ctx.operands(eqn, args), p["num_consts"], num_carry)
    body = ctx.subprogram(jaxpr, "scan_body")
    ks = [ctx.fresh("carry") for _ in carry]
    y_avals = jaxpr.out_avals[num_carry:]
    ys = [ctx.fresh("ys") for _ in y_avals]
    ts = [ctx.fresh("y") for _ in y_avals]
    i = ctx.fresh("i")
    lines = [assign(ks, ", ".join(carry) + ("," if len(carry) == 1 else ""))] if ks else []
    lines += [f"{y} = {ctx.xp}.empty({(length, *a.shape)!r}, {a.dtype.name!r})"
              for y, a in zip(ys, y_avals)]
    steps = f"range({length - 1}, -1, -1)" if p["reverse"] else f"range({length})"
    call = f"{body}({', '.join(consts + ks + [f'{x}[{i}]' for x in xs])})"
    lines += [f"for {i} in {steps}:", f"    {assign(ks + ts, call)}"]
    lines += [f"    {y}[{i}] = {t}" for y, t in zip(ys, ts)]
    dels = ks + ys + (ts + [i] if length else [])
    return Block(lines, ks + ys, dels)


def _emit_jax(ctx, eqn, args):
    """jax.lax.scan over the generated body (consts closed over, carry and xs as tuples)."""
    p = eqn.params
    jaxpr, num_carry = p["jaxpr"], p["num_carry"]
    consts, carry, xs = _split(ctx.operands(eqn, args), p["num_consts"], num_carry)
    body = ctx.subprogram(jaxpr, "scan_body")
    k, ys = ctx.fresh("carry"), ctx.fresh("ys")
    lead = "".join(f"{c}, " for c in consts)
    step = (f"lambda c, x: (lambda r: (r[:{num_carry}], r[{num_carry}:]))"
            f"({body}({lead}*c, *x))")
    call = (f"lax.scan({step}, ({''.join(c + ', ' for c in carry)}), "
            f"({''.join(x + ', ' for x in xs)}), length={p['length']}, reverse={p['reverse']})")
    n_ys = len(jaxpr.out_avals) - num_carry
    return Block([f"{k}, {ys} = {call}"],
                 [f"{k}[{i}]" for i in range(num_carry)] + [f"{ys}[{i}]" for i in range(n_ys)],
                 [k, ys])


register(scan_p, impl=_impl, abstract_eval=_abstract_eval, jvp=_jvp, transpose=_transpose,
         batch=_batch, partial_eval=_partial_eval,
         emit=(Emit(_emit), Emit(_emit_jax, on=("jax",))))


def bind_scan(consts, init, xs, jaxpr, length, reverse):
    """scan_p on flat consts, carry and xs."""
    return scan_p.bind(*consts, *init, *xs, **_params(jaxpr, len(consts), len(init), length,
                                                      bool(reverse)))
