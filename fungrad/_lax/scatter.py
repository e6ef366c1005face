"""Functional updates at an index (the primitives behind `x.at[idx].set/multiply/min/max`): scatter
(set), scatter_mul, scatter_min and scatter_max. Additive updates are indexing.scatter_add.

Operands and index as in indexing.getitem: (operand, updates, *index_arrays, spec); updates
broadcast to the indexed region. Repeated indices: `set` keeps the last update (numpy's order),
`mul`/`min`/`max` combine every update with the operand.

Rules, each in O(size of the update):
  scatter      linear in (operand, updates) jointly. Its transpose gives the operand the cotangent
               outside the region and each update the cotangent of the location it won; with
               repeated indices the winners are found by scattering the updates' positions.
  scatter_mul  linear in the operand. The JVP in the updates is the product rule over each
               location's updates, formed without dividing by zero (as cumulative.cumprod: the
               count of zero updates per location selects t / u summed, the tangent of the one
               zero, or nothing).
  scatter_min  the tangent of every entry (operand or updates) equal to the result at its
  scatter_max  location, averaged over those ties (as reduce_max).

Imports: _core, lax.arith, lax.math, lax.shape, lax.indexing.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import ShapeError
from fungrad._core.linear_arg import is_linear
from fungrad._core.primitive import NOT_LINEAR, CallImpl, Emit, Primitive, RuleFactory, register
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero
from fungrad._lax.arith import add, convert_element_type, div, instantiate, mul, select
from fungrad._lax.indexing import (
    FULL, _batched_index, _batched_updates, _getitem_abstract, _has_arrays, _index_text, _index_tuple,
    getitem_p, scatter_add_p)
from fungrad._lax.math import eq
from fungrad._lax.shape import broadcast_batch, moveaxis, transpose, unbroadcast


def _impl(ufunc):
    def impl(operand, updates, *idx, spec):
        out = np.array(operand, copy=True)
        index = _index_tuple(spec, idx)
        if ufunc is None:
            out[index] = updates
        elif _has_arrays(spec):
            ufunc.at(out, index, updates)
        else:
            out[index] = ufunc(out[index], updates)
        return out
    return impl


def _abstract(name):
    def abstract_eval(operand, updates, *idx, spec):
        target = _getitem_abstract(operand, *idx, spec=spec)
        try:
            if np.broadcast_shapes(updates.shape, target.shape) != target.shape:
                raise ValueError
        except ValueError:
            raise ShapeError(f"{name}: updates {updates.str_short()} do not fit the indexed "
                             f"region {target.str_short()}") from None
        if updates.dtype != operand.dtype:
            raise ShapeError(f"{name}: dtype mismatch {updates.str_short()} vs "
                             f"{operand.str_short()}")
        return shaped(operand.shape, operand.dtype)
    return abstract_eval


def _batch(prim):
    """Batching for any (operand, updates, *idx) scatter: the logic of scatter_add's rule."""
    def batch(size, vals, dims, *, spec):
        operand, updates, *idx = vals
        od, ud, *idims = dims
        if any(d is not None for d in idims):
            operand, arrays, new_spec, perm = _batched_index(size, [operand, *idx], [od, *idims],
                                                             spec)
            target = _getitem_abstract(get_aval(operand), *[get_aval(a) for a in arrays],
                                       spec=new_spec).shape
            if perm is None:
                updates = _batched_updates(updates, ud, size, target, 0)
            else:
                updates = _batched_updates(updates, ud, size, tuple(target[p] for p in perm), 0)
                updates = transpose(updates, tuple(np.argsort(perm)))
            return prim.bind(operand, updates, *arrays, spec=new_spec), 0
        operand = broadcast_batch(operand, size, 0) if od is None else moveaxis(operand, od, 0)
        if not _has_arrays(spec):
            new_spec = (FULL,) + tuple(spec)
            target = _getitem_abstract(get_aval(operand), spec=new_spec)
            updates = _batched_updates(updates, ud, size, target.shape, 0)
            return prim.bind(operand, updates, spec=new_spec), 0
        operand = moveaxis(operand, 0, get_aval(operand).ndim - 1)
        target = _getitem_abstract(get_aval(operand), *[get_aval(a) for a in idx], spec=spec)
        last = len(target.shape) - 1
        updates = _batched_updates(updates, ud, size, target.shape, last)
        out = prim.bind(operand, updates, *idx, spec=spec)
        return out, get_aval(out).ndim - 1
    return batch


_JAX_METHODS = {"scatter": "set", "scatter_mul": "multiply", "scatter_min": "min",
                "scatter_max": "max"}


def _jax_emit(method):
    """`x.at[index].method(updates)`, JAX's functional update."""
    return Emit(lambda ctx, eqn, a: (
        f"jnp.asarray({a[0]}).at[{_index_text(eqn.params['spec'], a[2:])}].{method}({a[1]})"),
                fresh=True, on=("jax",))


def _register(name, ufunc, jvp, transpose):
    prim = Primitive(name)
    return register(prim, impl=_impl(ufunc), abstract_eval=_abstract(name), jvp=jvp,
                    transpose=transpose, batch=RuleFactory(_batch),
                    emit=(CallImpl(fresh=True),  # the impl copies its operand
                          _jax_emit(_JAX_METHODS[name])))


def _zero_out(out):
    return Zero(get_aval(out).to_tangent_aval())


def _aval(x):
    return x.aval if is_linear(x) else get_aval(x)


# ---- scatter (set)
def _scatter_jvp(primals, tangents, *, spec):
    operand, updates, *idx = primals
    out = scatter_p.bind(operand, updates, *idx, spec=spec)
    t_op, t_up = tangents[0], tangents[1]
    if type(t_op) is Zero and type(t_up) is Zero:
        return out, _zero_out(out)
    return out, scatter_p.bind(instantiate(t_op), instantiate(t_up), *idx, spec=spec)


def winners(operand_shape, target_shape, idx, spec):
    """A boolean array of the indexed region's shape: True where that update is the one a
    `set` keeps (with repeated indices, numpy keeps the last)."""
    n = int(np.prod(target_shape, dtype=np.int64))
    ids = np.arange(n, dtype=np.int64).reshape(target_shape)
    owner = scatter_p.bind(np.full(operand_shape, -1, np.int64), ids, *idx, spec=spec)
    return eq(getitem_p.bind(owner, *idx, spec=spec), ids)


def _scatter_transpose(ct, operand, updates, *idx, spec):
    ct_dtype = get_aval(ct).dtype
    ct_op = ct_up = None
    if is_linear(operand):
        ct_op = scatter_p.bind(ct, np.zeros((), ct_dtype), *idx, spec=spec)
    if is_linear(updates):
        g = getitem_p.bind(ct, *idx, spec=spec)
        if _has_arrays(spec):
            won = winners(_aval(operand).shape, get_aval(g).shape, idx, spec)
            g = select(won, g, np.zeros((), ct_dtype))
        ct_up = unbroadcast(g, updates.aval)
    return [ct_op, ct_up] + [None] * len(idx)


scatter_p = _register("scatter", None, _scatter_jvp, _scatter_transpose)


# ---- scatter_mul
def _scatter_mul_jvp(primals, tangents, *, spec):
    operand, updates, *idx = primals
    out = scatter_mul_p.bind(operand, updates, *idx, spec=spec)
    t_op, t_up = tangents[0], tangents[1]
    if type(t_op) is Zero and type(t_up) is Zero:
        return out, _zero_out(out)
    aval = get_aval(operand)
    dtype = aval.dtype
    zero, one = np.zeros((), dtype), np.ones((), dtype)
    t = None
    if type(t_op) is not Zero:
        t = scatter_mul_p.bind(t_op, updates, *idx, spec=spec)
    if type(t_up) is not Zero:
        zeros, ones = np.zeros(aval.shape, dtype), np.ones(aval.shape, dtype)
        is0 = eq(updates, zero)
        safe = select(is0, one, updates)
        nonzero_product = scatter_mul_p.bind(ones, safe, *idx, spec=spec)
        zero_count = scatter_add_p.bind(zeros, convert_element_type(is0, dtype), *idx, spec=spec)
        no_zero = scatter_add_p.bind(zeros, mul(t_up, select(is0, zero, div(one, safe))), *idx,
                                     spec=spec)
        one_zero = scatter_add_p.bind(zeros, select(is0, t_up, zero), *idx, spec=spec)
        picked = select(eq(zero_count, zero), no_zero,
                        select(eq(zero_count, one), one_zero, zero))
        t_u = mul(operand, mul(nonzero_product, picked))
        t = t_u if t is None else add(t, t_u)
    return out, t


def _scatter_mul_transpose(ct, operand, updates, *idx, spec):
    if is_linear(updates):
        raise TypeError("scatter_mul is linear in its operand only (internal error)")
    return [scatter_mul_p.bind(ct, updates, *idx, spec=spec), None] + [None] * len(idx)


scatter_mul_p = _register("scatter_mul", np.multiply, _scatter_mul_jvp, _scatter_mul_transpose)


# ---- scatter_min / scatter_max
def _extremum_jvp(prim):
    def jvp(primals, tangents, *, spec):
        operand, updates, *idx = primals
        out = prim.bind(operand, updates, *idx, spec=spec)
        t_op, t_up = tangents[0], tangents[1]
        if type(t_op) is Zero and type(t_up) is Zero:
            return out, _zero_out(out)
        aval = get_aval(operand)
        dtype = aval.dtype
        zeros = np.zeros(aval.shape, dtype)
        mask_op = convert_element_type(eq(operand, out), dtype)
        mask_up = convert_element_type(eq(updates, getitem_p.bind(out, *idx, spec=spec)), dtype)
        count = add(mask_op, scatter_add_p.bind(zeros, mask_up, *idx, spec=spec))
        num = None
        if type(t_op) is not Zero:
            num = mul(t_op, mask_op)
        if type(t_up) is not Zero:
            n_up = scatter_add_p.bind(zeros, mul(t_up, mask_up), *idx, spec=spec)
            num = n_up if num is None else add(num, n_up)
        return out, div(num, count)
    return jvp


scatter_min_p = _register("scatter_min", np.minimum, RuleFactory(_extremum_jvp), NOT_LINEAR)
scatter_max_p = _register("scatter_max", np.maximum, RuleFactory(_extremum_jvp), NOT_LINEAR)


def _wrapper(prim):
    def f(operand, updates, spec, arrays=()):
        return prim.bind(operand, updates, *arrays, spec=tuple(spec))
    f.__name__ = prim.name
    return f


scatter = _wrapper(scatter_p)
scatter_mul = _wrapper(scatter_mul_p)
scatter_min = _wrapper(scatter_min_p)
scatter_max = _wrapper(scatter_max_p)
