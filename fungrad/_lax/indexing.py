"""numpy-style indexing as primitives: getitem (gather), scatter_add (its transpose), concatenate.

An index is a static `spec`: a tuple with one entry per index position, each None (newaxis), an int,
a ("slice", start, stop, step) tuple, or "array" for an integer index array passed as an operand.
Ellipsis is expanded by the caller, so trailing axes are always implicit full slices.

Imports: _core, lax.shape, lax.arith.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import DtypeError, MissingRuleError, ShapeError
from fungrad._core.linear_arg import is_linear
from fungrad._core.primitive import CallImpl, Emit, Primitive, register
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero
from fungrad._lax.arith import zeros_like_aval
from fungrad._lax.shape import (
    batch_to_front, broadcast_batch, broadcast_to, moveaxis, reshape, transpose, unbroadcast)

FULL = ("slice", None, None, None)


def _index_tuple(spec, arrays):
    it = iter(arrays)
    out = []
    for s in spec:
        if s == "array":
            out.append(next(it))
        elif type(s) is tuple:
            out.append(slice(s[1], s[2], s[3]))
        else:
            out.append(s)
    return tuple(out)


def _has_arrays(spec):
    return "array" in spec


# ---- getitem(x, *index_arrays, spec)
getitem_p = Primitive("getitem")


def _getitem_abstract(x, *idx, spec):
    dummy = np.broadcast_to(np.empty((), x.dtype), x.shape)
    arrays = [np.zeros(a.shape, np.intp) for a in idx]
    try:
        out = dummy[_index_tuple(spec, arrays)]
    except IndexError as e:
        raise ShapeError(f"invalid index for {x.str_short()}: {e}") from None
    return shaped(out.shape, x.dtype)


def _getitem_jvp(primals, tangents, *, spec):
    x, *idx = primals
    out = getitem_p.bind(x, *idx, spec=spec)
    t = tangents[0]
    if type(t) is Zero:
        return out, Zero(get_aval(out).to_tangent_aval())
    return out, getitem_p.bind(t, *idx, spec=spec)


def _getitem_transpose(ct, x, *idx, spec):
    zeros = zeros_like_aval(x.aval)
    return [scatter_add_p.bind(zeros, ct, *idx, spec=spec)] + [None] * len(idx)


def _batched_index(size, vals, dims, spec):
    """Rewrite an index with batched index arrays: batch axis 0 of x is indexed by arange(size).

    Returns (x, arrays, spec); the indexed result then has its batch axis at 0.
    """
    x, *idx = vals
    xd, *idims = dims
    x = broadcast_batch(x, size, 0) if xd is None else moveaxis(x, xd, 0)
    ranks = [get_aval(a).ndim - (d is not None) for a, d in zip(idx, idims)]
    rank = max(ranks, default=0)
    arrays = [np.arange(size).reshape((size,) + (1,) * rank)]
    for a, d, r in zip(idx, idims, ranks):
        arrays.append(a if d is None else batch_to_front(a, d, rank - r))
    return x, arrays, ("array",) + tuple(spec), _advanced_perm(spec, rank, x_ndim=get_aval(x).ndim)


def _advanced_perm(spec, rank, x_ndim):
    """The permutation taking the batched result (batch, advanced axes, the other axes) to the
    per-example layout with the batch axis in front, or None if they agree.

    numpy puts the axes of adjacent advanced indices (arrays, and ints among arrays) where they
    stand, but the arange index prepended for the batch separates them from that place, so in the
    batched result they come first. E.g. x[1:, idx] has shape (2, k) per example, while
    xb[arange, 1:, idx] has shape (B, k, 2).
    """
    adv = [i for i, s in enumerate(spec) if s == "array" or type(s) is int]
    p = adv[0]
    if p == 0 or adv != list(range(p, adv[-1] + 1)):
        return None
    n_out = 1 + rank + sum(1 for s in spec if s is None or type(s) is tuple) + (
        x_ndim - 1 - sum(1 for s in spec if s is not None))
    rest = n_out - 1 - rank
    return ([0] + [1 + rank + i for i in range(p)] + [1 + i for i in range(rank)]
            + [1 + rank + i for i in range(p, rest)])


def _getitem_batch(size, vals, dims, *, spec):
    x, *idx = vals
    xd, *idims = dims
    if any(d is not None for d in idims):
        x, arrays, spec, perm = _batched_index(size, vals, dims, spec)
        out = getitem_p.bind(x, *arrays, spec=spec)
        return (out if perm is None else transpose(out, perm)), 0
    if not _has_arrays(spec):
        return getitem_p.bind(moveaxis(x, xd, 0), *idx, spec=(FULL,) + tuple(spec)), 0
    # unbatched index arrays: put the batch axis last; trailing axes stay last after indexing
    x = moveaxis(x, xd, get_aval(x).ndim - 1)
    out = getitem_p.bind(x, *idx, spec=spec)
    return out, get_aval(out).ndim - 1


def _getitem_emit(ctx, eqn, a):
    """jit code generation: `x[i, 1:3, None,]` with index arrays by name."""
    return f"{a[0]}[{_index_text(eqn.params['spec'], a[1:])}]"


def _getitem_emit_dask(ctx, eqn, a):
    """dask.array indexes with at most one index array, of one dimension."""
    arrays = [v.aval for v in eqn.invars[1:]]
    if len(arrays) > 1 or any(v.ndim > 1 for v in arrays):
        raise MissingRuleError(
            f"primitive 'getitem' has no code emission rule for backend 'dask' with index arrays "
            f"{', '.join(v.str_short() for v in arrays)}: dask.array indexes with one index "
            "array of one dimension. Fix: index in steps, or use backend='numpy'.")
    return _getitem_emit(ctx, eqn, a)


def _getitem_emit_array_api(ctx, eqn, a):
    """The array API's indexing: basic indices (a trailing `...` where axes are left out, which
    the standard does not fill in), integer arrays only with an integer or array on every axis,
    or one 1-D index array on one axis as `xp.take`."""
    spec = eqn.params["spec"]
    ndim = eqn.invars[0].aval.ndim
    used = sum(1 for s in spec if s is not None)
    if not _has_arrays(spec):
        text = _index_text(spec, a[1:])
        return f"{a[0]}[{text}{' ...,' if used < ndim else ''}]"
    if used == ndim and all(s == "array" or type(s) is int for s in spec):
        return _getitem_emit(ctx, eqn, a)
    arrays = [v.aval for v in eqn.invars[1:]]
    k = spec.index("array")
    if (len(arrays) == 1 and arrays[0].ndim == 1
            and all(s == FULL for i, s in enumerate(spec) if i != k)):
        return f"xp.take({a[0]}, {a[1]}, axis={k})"
    raise MissingRuleError(
        f"primitive 'getitem' has no code emission rule for backend 'array_api' with the index "
        f"{spec} of {eqn.invars[0].aval.str_short()}: the array API indexes with integer arrays "
        "only where every axis gets an integer or an array (or one 1-D array on one axis, "
        "`take`). Fix: index in steps, or use backend='numpy' or 'jax'.")


def _index_text(spec, names):
    """Source of the index tuple of `spec` (`i, 1:3, None,`) with index arrays by name."""
    it = iter(names)
    parts = []
    for s in spec:
        if s == "array":
            parts.append(next(it))
        elif type(s) is tuple:
            parts.append(":".join("" if v is None else str(int(v)) for v in s[1:]))
        else:
            parts.append("None" if s is None else str(int(s)))
    return f"{', '.join(parts)},"


register(getitem_p, impl=lambda x, *idx, spec: x[_index_tuple(spec, idx)],
         abstract_eval=_getitem_abstract, jvp=_getitem_jvp, transpose=_getitem_transpose,
         batch=_getitem_batch,
         emit=(Emit(_getitem_emit, on=("numpy_api",)), Emit(_getitem_emit_dask, on=("dask",)),
               Emit(_getitem_emit_array_api, on=("array_api",))))


def getitem(x, spec, arrays=()):
    return getitem_p.bind(x, *arrays, spec=tuple(spec))


# ---- scatter_add(operand, updates, *index_arrays, spec): operand with updates added at the index
def _scatter_add_impl(operand, updates, *idx, spec):
    out = np.array(operand, copy=True)
    index = _index_tuple(spec, idx)
    if _has_arrays(spec):
        np.add.at(out, index, updates)
    else:
        out[index] += updates
    return out


scatter_add_p = Primitive("scatter_add")


def _scatter_add_abstract(operand, updates, *idx, spec):
    target = _getitem_abstract(operand, *idx, spec=spec)
    try:
        np.broadcast_shapes(updates.shape, target.shape)
    except ValueError:
        raise ShapeError(f"scatter_add: updates {updates.str_short()} do not fit the indexed "
                         f"region {target.str_short()}") from None
    if updates.dtype != operand.dtype:
        raise ShapeError(f"scatter_add: dtype mismatch {updates.str_short()} vs {operand.str_short()}")
    return operand


def _scatter_add_jvp(primals, tangents, *, spec):
    operand, updates, *idx = primals
    out = scatter_add_p.bind(operand, updates, *idx, spec=spec)
    t_op, t_up = tangents[0], tangents[1]
    if type(t_op) is Zero and type(t_up) is Zero:
        return out, Zero(get_aval(out).to_tangent_aval())
    t_op = zeros_like_aval(get_aval(operand)) if type(t_op) is Zero else t_op
    if type(t_up) is Zero:
        return out, t_op
    return out, scatter_add_p.bind(t_op, t_up, *idx, spec=spec)


def _scatter_add_transpose(ct, operand, updates, *idx, spec):
    ct_up = None
    if is_linear(updates):
        ct_up = unbroadcast(getitem_p.bind(ct, *idx, spec=spec), updates.aval)
    return [ct if is_linear(operand) else None, ct_up] + [None] * len(idx)


def _scatter_add_batch(size, vals, dims, *, spec):
    operand, updates, *idx = vals
    od, ud, *idims = dims
    if any(d is not None for d in idims):
        operand, arrays, new_spec, perm = _batched_index(size, [operand, *idx], [od, *idims],
                                                         spec)
        target = _getitem_abstract(get_aval(operand), *[get_aval(a) for a in arrays],
                                   spec=new_spec).shape
        if perm is None:
            updates = _batched_updates(updates, ud, size, target, 0)
        else:  # build updates in the per-example layout, then move them to numpy's batched one
            updates = _batched_updates(updates, ud, size, tuple(target[p] for p in perm), 0)
            updates = transpose(updates, tuple(np.argsort(perm)))
        return scatter_add_p.bind(operand, updates, *arrays, spec=new_spec), 0
    operand = broadcast_batch(operand, size, 0) if od is None else moveaxis(operand, od, 0)
    if not _has_arrays(spec):
        new_spec = (FULL,) + tuple(spec)
        target = _getitem_abstract(get_aval(operand), spec=new_spec)
        updates = _batched_updates(updates, ud, size, target.shape, 0)
        return scatter_add_p.bind(operand, updates, spec=new_spec), 0
    operand = moveaxis(operand, 0, get_aval(operand).ndim - 1)
    target = _getitem_abstract(get_aval(operand), *[get_aval(a) for a in idx], spec=spec)
    last = len(target.shape) - 1
    updates = _batched_updates(updates, ud, size, target.shape, last)
    out = scatter_add_p.bind(operand, updates, *idx, spec=spec)
    return out, get_aval(out).ndim - 1


def _batched_updates(updates, ud, size, target_shape, where):
    """Updates shaped exactly like the batched indexed region, batch axis at `where`."""
    unbatched = target_shape[:where] + target_shape[where + 1:]
    if ud is None:
        updates = broadcast_to(updates, unbatched)
        return broadcast_batch(updates, size, where)
    updates = moveaxis(updates, ud, 0)
    u_shape = get_aval(updates).shape[1:]
    pad = len(unbatched) - len(u_shape)
    updates = reshape(updates, (size,) + (1,) * pad + u_shape)
    updates = broadcast_to(updates, (size, *unbatched))
    return moveaxis(updates, 0, where)


register(scatter_add_p, impl=_scatter_add_impl, abstract_eval=_scatter_add_abstract,
         jvp=_scatter_add_jvp, transpose=_scatter_add_transpose, batch=_scatter_add_batch,
         emit=(CallImpl(fresh=True),  # the impl copies its operand
               Emit(lambda ctx, eqn, a: (
                   f"jnp.asarray({a[0]}).at[{_index_text(eqn.params['spec'], a[2:])}].add({a[1]})"),
                    fresh=True, on=("jax",))))


def scatter_add(operand, updates, spec, arrays=()):
    return scatter_add_p.bind(operand, updates, *arrays, spec=tuple(spec))


# ---- concatenate(*xs, axis)
concatenate_p = Primitive("concatenate")
concatenate_p.same_dtype_from = 0


def _concatenate_abstract(*xs, axis):
    first = xs[0]
    if any(x.dtype != first.dtype for x in xs):
        raise DtypeError("concatenate requires operands of one dtype, got "
                         f"{', '.join(v.str_short() for v in xs)}; convert them first "
                         "(fungrad.numpy.concatenate promotes automatically).")
    for x in xs:
        if (x.ndim != first.ndim or
                any(a != b for i, (a, b) in enumerate(zip(x.shape, first.shape)) if i != axis)):
            shapes = ", ".join(v.str_short() for v in xs)
            raise ShapeError(f"concatenate along axis {axis}: incompatible operands {shapes}")
    if not 0 <= axis < first.ndim:
        raise ShapeError(f"concatenate: axis {axis} out of range for {first.str_short()}")
    size = sum(x.shape[axis] for x in xs)
    return shaped(first.shape[:axis] + (size,) + first.shape[axis + 1:], first.dtype)


def _concatenate_jvp(primals, tangents, *, axis):
    out = concatenate_p.bind(*primals, axis=axis)
    if all(type(t) is Zero for t in tangents):
        return out, Zero(get_aval(out).to_tangent_aval())
    ts = [zeros_like_aval(t.aval) if type(t) is Zero else t for t in tangents]
    return out, concatenate_p.bind(*ts, axis=axis)


def _concatenate_transpose(ct, *xs, axis):
    cts = []
    start = 0
    for x in xs:
        size = get_aval(x).shape[axis] if not is_linear(x) else x.aval.shape[axis]
        if is_linear(x):
            spec = (FULL,) * axis + (("slice", start, start + size, None),)
            cts.append(getitem_p.bind(ct, spec=spec))
        else:
            cts.append(None)
        start += size
    return cts


def _concatenate_batch(size, vals, dims, *, axis):
    xs = [broadcast_batch(x, size, 0) if d is None else moveaxis(x, d, 0)
          for x, d in zip(vals, dims)]
    return concatenate_p.bind(*xs, axis=axis + 1), 0


register(concatenate_p, impl=lambda *xs, axis: np.concatenate(xs, axis=axis),
         abstract_eval=_concatenate_abstract, jvp=_concatenate_jvp,
         transpose=_concatenate_transpose, batch=_concatenate_batch,
         emit=(Emit(lambda ctx, eqn, a: (
             f"{ctx.xp}.concatenate(({', '.join(a)},), axis={eqn.params['axis']})"), fresh=True),
               Emit(lambda ctx, eqn, a: f"xp.concat(({', '.join(a)},), axis={eqn.params['axis']})",
                    fresh=True, on=("array_api",))))


def concatenate(xs, axis):
    if not len(xs):
        raise ValueError("concatenate: needs at least one operand, got an empty sequence.")
    return concatenate_p.bind(*xs, axis=int(axis))
