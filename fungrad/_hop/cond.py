"""cond_p: run one of several branch programs, chosen by an integer index (cond and switch).

Operands: (index, *ops); param `branches`: a tuple of ClosedJaxprs of identical type.

Imports: _core, _lax, _interp, _hop._util.
"""
import numpy as np

from fungrad._core.errors import ShapeError
from fungrad._core.linear_arg import is_linear
from fungrad._core.lists import merge, partition
from fungrad._core.primitive import Emit, Primitive, register
from fungrad._core.trace import bind_on, get_aval
from fungrad._core.zero import Zero
from fungrad._hop._util import (
    partial_eval_forced,
    record_eqn,
    rewire,
    run,
    unknown_mask,
    zeros_like_aval,
)
from fungrad._interp.codegen import Block, assign
from fungrad._interp.jaxpr_transforms import batch_jaxpr, jvp_jaxpr, transpose_jaxpr
from fungrad._lax import convert_element_type, eq, ge, moveaxis, reshape, select

cond_p = Primitive("cond", multiple_results=True)


def _impl(index, *ops, branches):
    i = min(max(int(index), 0), len(branches) - 1)
    return run(branches[i], *ops)


def _abstract_eval(index, *ops, branches):
    if index.shape != () or index.dtype != np.int32:
        raise ShapeError(f"cond: the branch index must be an i32[] scalar, got {index.str_short()}")
    for k, br in enumerate(branches):
        if list(br.in_avals) != list(ops):
            raise ShapeError(f"cond: branch {k} takes {[a.str_short() for a in br.in_avals]} "
                             f"but the operands are {[a.str_short() for a in ops]}")
        if list(br.out_avals) != list(branches[0].out_avals):
            raise ShapeError(f"cond: branch {k} returns {[a.str_short() for a in br.out_avals]} "
                             f"but branch 0 returns "
                             f"{[a.str_short() for a in branches[0].out_avals]}")
    return list(branches[0].out_avals)


def _jvp(primals, tangents, *, branches):
    index, ops = primals[0], primals[1:]
    t_ops = tangents[1:]
    nonzeros = [type(t) is not Zero for t in t_ops]
    union = [False] * len(branches[0].out_avals)
    for br in branches:
        _, nz = jvp_jaxpr(br, nonzeros)
        union = [a or b for a, b in zip(union, nz)]
    new = tuple(jvp_jaxpr(br, nonzeros, instantiate_out=union)[0] for br in branches)
    outs = cond_p.bind(index, *ops, *[t for t in t_ops if type(t) is not Zero], branches=new)
    n = len(union)
    it = iter(outs[n:])
    t_out = [next(it) if nz else Zero(a.to_tangent_aval())
             for nz, a in zip(union, branches[0].out_avals)]
    return outs[:n], t_out


def _transpose(cts, index, *ops, branches):
    linear_in = [is_linear(x) for x in ops]
    res = [x for x in ops if not is_linear(x)]
    cts = [zeros_like_aval(a.to_tangent_aval()) if c is None or type(c) is Zero else c
           for c, a in zip(cts, branches[0].out_avals)]
    new = tuple(transpose_jaxpr(br, linear_in) for br in branches)
    cts_in = iter(cond_p.bind(index, *res, *cts, branches=new))
    return [None] + [next(cts_in) if lin else None for lin in linear_in]


def _batch(size, vals, dims, *, branches):
    index, ops = vals[0], vals[1:]
    idim, op_dims = dims[0], dims[1:]
    ops = [x if d is None else moveaxis(x, d, 0) for x, d in zip(ops, op_dims)]
    in_b = [d is not None for d in op_dims]
    n_out = len(branches[0].out_avals)
    if idim is None:
        union = [False] * n_out
        for br in branches:
            union = [a or b for a, b in zip(union, batch_jaxpr(br, size, in_b)[1])]
        new = tuple(batch_jaxpr(br, size, in_b, force_out=union)[0] for br in branches)
        outs = cond_p.bind(index, *ops, branches=new)
        return outs, [0 if b else None for b in union]
    # a batched index: run every branch on the whole batch and select per example
    index = moveaxis(index, idim, 0)
    results = [run(batch_jaxpr(br, size, in_b, force_out=True)[0], *ops) for br in branches]
    n_br = len(branches)
    outs = []
    for j in range(n_out):
        out = results[0][j]
        ndim = get_aval(out).ndim
        for k in range(1, n_br):
            # the last branch also takes indices past the end (clamping, as in impl)
            hit = eq(index, np.int32(k)) if k < n_br - 1 else ge(index, np.int32(k))
            hit = reshape(hit, (size,) + (1,) * (ndim - 1))
            out = select(hit, results[k][j], out)
        outs.append(out)
    return outs, [0] * n_out


def _partial_eval(trace, args, *, branches):
    uk = unknown_mask(trace, args)
    if uk[0]:  # an unknown index: nothing can be split off
        return record_eqn(trace, cond_p, args, {"branches": branches})
    index, ops, ops_uk = args[0], args[1:], uk[1:]
    n_out = len(branches[0].out_avals)
    out_uk = [False] * n_out
    for br in branches:
        out_uk = [a or b for a, b in zip(out_uk, partial_eval_forced(br, ops_uk, out_uk)[2])]
    splits = [partial_eval_forced(br, ops_uk, out_uk) for br in branches]
    known, unknown = _join_residuals(splits, out_uk)
    k_ops, u_ops = partition(ops, ops_uk)
    k_outs = bind_on(trace.parent, cond_p, [index, *k_ops], {"branches": known})
    n_known = out_uk.count(False)
    res = k_outs[n_known:]
    u_outs = record_eqn(trace, cond_p, [index, *res, *u_ops], {"branches": unknown})
    return merge(out_uk, k_outs[:n_known], u_outs)


def _join_residuals(splits, out_uk):
    """Give every branch the same residual list: branch k's own residuals in its slot, zeros in
    the others', so one cond over known parts and one over unknown parts can be formed."""
    res_avals = []
    slots = []
    for _known, unknown, _, nres in splits:
        slots.append((len(res_avals), nres))
        res_avals += unknown.in_avals[:nres]
    knowns, unknowns = [], []
    n_known = out_uk.count(False)
    for (known, unknown, _, nres), (start, _) in zip(splits, slots):
        def k_fn(*xs, known=known, start=start, nres=nres):
            outs = run(known, *xs)
            own = outs[n_known:]
            pad = [zeros_like_aval(a) for a in res_avals]
            pad[start:start + nres] = own
            return outs[:n_known] + pad

        def u_fn(*xs, unknown=unknown, start=start, nres=nres):
            return run(unknown, *xs[start:start + nres], *xs[len(res_avals):])

        knowns.append(rewire(known, known.in_avals, k_fn, "known part of a cond branch"))
        unknowns.append(rewire(unknown, res_avals + unknown.in_avals[nres:], u_fn,
                               "unknown part of a cond branch"))
    return tuple(knowns), tuple(unknowns)


def _emit(ctx, eqn, args):
    """A native if/elif/else on the index (clamped as in impl) calling generated branches."""
    index, ops = args[0], ", ".join(ctx.operands(eqn, args)[1:])
    branches = eqn.params["branches"]
    outs = [ctx.fresh("out") for _ in branches[0].out_avals]
    calls = [assign(outs, f"{ctx.subprogram(br, f'branch{k}')}({ops})")
             for k, br in enumerate(branches)]
    if len(calls) == 1:
        return Block(calls, outs, outs)
    lines = [f"if {index} <= 0:", f"    {calls[0]}"]
    for k, call in enumerate(calls[1:-1], 1):
        lines += [f"elif {index} == {k}:", f"    {call}"]
    lines += ["else:", f"    {calls[-1]}"]
    return Block(lines, outs, outs)


def _emit_jax(ctx, eqn, args):
    """jax.lax.switch on the index (which clamps it, as impl does) over the generated branches."""
    ops = ctx.operands(eqn, args)[1:]
    branches = [ctx.subprogram(br, f"branch{k}") for k, br in enumerate(eqn.params["branches"])]
    out = ctx.fresh("outs")
    call = f"lax.switch({args[0]}, ({', '.join(branches)},){''.join(', ' + o for o in ops)})"
    n = len(eqn.params["branches"][0].out_avals)
    return Block([f"{out} = {call}"], [f"{out}[{i}]" for i in range(n)], [out])


register(cond_p, impl=_impl, abstract_eval=_abstract_eval, jvp=_jvp, transpose=_transpose,
         batch=_batch, partial_eval=_partial_eval,
         emit=(Emit(_emit), Emit(_emit_jax, on=("jax",))))


def bind_cond(index, ops, branches):
    """cond_p on an i32[] index and flat operands."""
    index = convert_element_type(index, np.int32)
    return cond_p.bind(index, *ops, branches=tuple(branches))

