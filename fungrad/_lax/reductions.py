"""Nonlinear reductions: reduce_max, reduce_min, reduce_prod, argmax, argmin.

(reduce_sum is linear and lives with broadcast_to in shape.py.)

Imports: _core, lax.shape, lax.arith, lax.math, lax._jvp_rules.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import ShapeError
from fungrad._core.primitive import NOT_LINEAR, Emit, Primitive, RuleFactory, register
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero
from fungrad._lax._jvp_rules import jvp_zero
from fungrad._lax.arith import convert_element_type, div, mul, select
from fungrad._lax.math import eq
from fungrad._lax.shape import (
    reduce_abstract_eval, broadcast_to, reduce_sum, reduction_batch, reshape, transpose)


def _keepdims_shape(aval, axes):
    return tuple(1 if i in axes else d for i, d in enumerate(aval.shape))


def _reducer(name, impl, method, jvp, ufunc):
    """A reduction over `axes` (no keepdims), emitted for numpy as the ufunc's reduce (what the
    array method `method` calls, without numpy's Python-level wrapper: 0.1-0.4 us a call), for
    the other backends as `method`."""
    return register(Primitive(name), impl=impl, abstract_eval=reduce_abstract_eval, jvp=jvp,
                    transpose=NOT_LINEAR, batch=reduction_batch,
                    emit=(Emit(f"np.{ufunc}.reduce({{0}}, {{axes}})", fresh=True, on=("numpy",)),
                          Emit(f"{{0}}.{method}({{axes}})", fresh=True),
                          Emit(f"xp.{method}({{0}}, axis={{axes}})", fresh=True, on=("array_api",))))


def _extremum_jvp(prim):
    # the tangent is averaged over the positions that attain the extremum (ties share equally)
    def jvp(primals, tangents, *, axes):
        x, = primals
        t, = tangents
        ans = prim.bind(x, axes=axes)
        if type(t) is Zero:
            return ans, Zero(get_aval(ans).to_tangent_aval())
        x_aval = get_aval(x)
        ans_b = broadcast_to(reshape(ans, _keepdims_shape(x_aval, axes)), x_aval.shape)
        mask = convert_element_type(eq(x, ans_b), x_aval.dtype)
        return ans, div(reduce_sum(mul(t, mask), axes), reduce_sum(mask, axes))
    return jvp


# (np.maximum.reduce etc.: the ufunc reductions np.max/np.min/np.prod wrap; see reduce_sum_p)
reduce_max_p = _reducer("reduce_max", lambda x, *, axes: np.maximum.reduce(x, axis=axes), "max",
                        RuleFactory(_extremum_jvp), "maximum")
reduce_min_p = _reducer("reduce_min", lambda x, *, axes: np.minimum.reduce(x, axis=axes), "min",
                        RuleFactory(_extremum_jvp), "minimum")


def _reduce_prod_jvp(primals, tangents, *, axes):
    # d prod = sum_i t_i * prod_{j != i} x_j, with the exclusive products formed explicitly so
    # zeros in x give the right answer (no division by x). O(n^2) in the reduced size.
    x, = primals
    t, = tangents
    ans = reduce_prod_p.bind(x, axes=axes)
    if type(t) is Zero:
        return ans, Zero(get_aval(ans).to_tangent_aval())
    aval = get_aval(x)
    kept = [i for i in range(aval.ndim) if i not in axes]
    perm = kept + list(axes)
    n = int(np.prod([aval.shape[a] for a in axes], dtype=np.int64))
    lead = tuple(aval.shape[i] for i in kept)
    xs = reshape(transpose(x, perm), (*lead, 1, n))
    ts = reshape(transpose(t, perm), (*lead, n))
    eye = np.eye(n, dtype=bool)
    others = select(eye, np.ones((), aval.dtype), broadcast_to(xs, (*lead, n, n)))
    excl = reduce_prod_p.bind(others, axes=(len(lead) + 1,))
    return ans, reduce_sum(mul(ts, excl), (len(lead),))


reduce_prod_p = _reducer("reduce_prod", lambda x, *, axes: np.multiply.reduce(x, axis=axes), "prod",
                         _reduce_prod_jvp, "multiply")


def _arg_reducer(name, impl):
    def abstract_eval(x, *, axis):
        if not 0 <= axis < x.ndim:
            raise ShapeError(f"{name}: axis {axis} is out of range for {x.str_short()}")
        return shaped(x.shape[:axis] + x.shape[axis + 1:], np.dtype(np.int64))

    def batch(size, vals, dims, *, axis):
        d = dims[0]
        new_axis = axis + (axis >= d)
        return prim.bind(vals[0], axis=new_axis), d - (axis < d)

    prim = Primitive(name)
    return register(prim, impl=lambda x, *, axis: impl(x, axis=axis),
                    abstract_eval=abstract_eval, jvp=jvp_zero, transpose=NOT_LINEAR, batch=batch,
                    emit=Emit(f"{{xp}}.{impl.__name__}({{0}}, axis={{axis}})", fresh=True,
                              on=("numpy_api", "array_api")))


argmax_p = _arg_reducer("argmax", np.argmax)
argmin_p = _arg_reducer("argmin", np.argmin)


def _reduce(prim):
    def reduce(x, axes):
        axes = tuple(sorted(axes))
        if not axes:
            return x
        return prim.bind(x, axes=axes)
    return reduce


reduce_max = _reduce(reduce_max_p)
reduce_min = _reduce(reduce_min_p)
reduce_prod = _reduce(reduce_prod_p)


def argmax(x, axis):
    return argmax_p.bind(x, axis=int(axis))


def argmin(x, axis):
    return argmin_p.bind(x, axis=int(axis))
