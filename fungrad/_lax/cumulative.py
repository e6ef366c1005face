"""Cumulative reductions along one axis: cumsum, cumprod, cummax, cummin (numpy's cumsum, cumprod,
maximum.accumulate, minimum.accumulate), with `reverse` to accumulate from the end.

New primitives rather than compositions: a cumulative sum written as a triangular matmul costs
O(n^2), an associative scan O(n log n) and log n numpy calls; numpy's accumulate kernels are O(n),
and so is every rule here:

  cumsum   linear; its transpose is the cumsum in the other direction.
  cumprod  the JVP is sum_j t_j prod_{k<=i, k!=j} x_k, formed in O(n) without dividing by zero:
           with q = cumprod(x with zeros as 1) and z = the number of zeros so far,
           q * cumsum(t / x) where z == 0, q * cumsum(t at the zeros) where z == 1, else 0.
           (Exact to every order away from zeros; through an exact zero exact to first order:
           the zero is treated as a constant position, so second derivatives there, which
           involve two zero factors, are not formed. An exact all-orders rule needs a scan.)
  cummax   the tangent of the entry holding the running extremum (the latest one on ties),
  cummin   gathered along the axis with an index from cummax of an iota.

Imports: _core, lax.arith, lax.shape, lax.math, lax._along_axis.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import ShapeError
from fungrad._core.primitive import NOT_LINEAR, CallImpl, Emit, Primitive, RuleFactory, register
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero
from fungrad._lax import _backend_emit as be
from fungrad._lax._along_axis import iota_along, take_along_axis
from fungrad._lax.arith import convert_element_type, div, mul, select
from fungrad._lax.math import eq
from fungrad._lax.shape import jvp_linear


def _accumulate(fn):
    def impl(x, *, axis, reverse):
        x = np.asarray(x)
        if reverse:
            return np.flip(fn(np.flip(x, axis), axis), axis)
        return fn(x, axis)
    return impl


def _abstract(name):
    def abstract_eval(x, *, axis, reverse):
        if not 0 <= axis < x.ndim:
            raise ShapeError(f"{name}: axis {axis} is out of range for {x.str_short()}")
        return shaped(x.shape, x.dtype)
    return abstract_eval


def _batch(prim):
    def batch(size, vals, dims, *, axis, reverse):
        d = dims[0]
        return prim.bind(vals[0], axis=axis + (axis >= d), reverse=reverse), d
    return batch


def _xp_emit(name):
    """Emission as the namespace's cumsum/cumprod (numpy-like namespaces: cupy, dask)."""
    def emit(ctx, eqn, a):
        axis = eqn.params["axis"]
        if not eqn.params["reverse"]:
            return f"{ctx.xp}.{name}({a[0]}, axis={axis}, dtype={a[0]}.dtype)"
        flip = f"{ctx.xp}.flip({a[0]}, {axis})"
        return f"{ctx.xp}.flip({ctx.xp}.{name}({flip}, axis={axis}, dtype={a[0]}.dtype), {axis})"
    return Emit(emit, fresh=True)


def _cumulative(name, fn, jvp, transpose=NOT_LINEAR):
    prim = Primitive(name)
    rules = (CallImpl(), Emit(f"lax.{name}({{0}}, axis={{axis}}, reverse={{reverse}})",
                              fresh=True, on=("jax",)))
    if name in ("cumsum", "cumprod"):
        rules += (_xp_emit(name), be.cumulative_array_api(
            {"cumsum": "cumulative_sum", "cumprod": "cumulative_prod"}[name]))
    else:  # numpy has no cummax: the impl on each block, the axis in one chunk
        rules += (be.dask_along_axis(),)
    return register(prim, impl=_accumulate(fn), abstract_eval=_abstract(name), jvp=jvp,
                    transpose=transpose, batch=RuleFactory(_batch), emit=rules)


def _cumsum_transpose(ct, x, *, axis, reverse):
    return [cumsum_p.bind(ct, axis=axis, reverse=not reverse)]


cumsum_p = _cumulative("cumsum", lambda x, axis: np.cumsum(x, axis, dtype=x.dtype), jvp_linear,
                       _cumsum_transpose)


def _cumprod_jvp(primals, tangents, *, axis, reverse):
    x, = primals
    t, = tangents
    out = cumprod_p.bind(x, axis=axis, reverse=reverse)
    if type(t) is Zero:
        return out, Zero(get_aval(out).to_tangent_aval())
    dtype = get_aval(x).dtype
    zero, one = np.zeros((), dtype), np.ones((), dtype)
    params = dict(axis=axis, reverse=reverse)
    is0 = eq(x, zero)
    safe = select(is0, one, x)
    q = cumprod_p.bind(safe, **params)                               # product of the nonzeros
    zeros_so_far = cumsum_p.bind(convert_element_type(is0, dtype), **params)
    inv = select(is0, zero, div(one, safe))
    no_zero = cumsum_p.bind(mul(t, inv), **params)
    one_zero = cumsum_p.bind(select(is0, t, zero), **params)          # the tangent at the zero
    picked = select(eq(zeros_so_far, zero), no_zero,
                    select(eq(zeros_so_far, one), one_zero, zero))
    return out, mul(q, picked)


cumprod_p = _cumulative("cumprod", lambda x, axis: np.cumprod(x, axis, dtype=x.dtype),
                        _cumprod_jvp)


def _extremum_jvp(prim, is_max):
    def jvp(primals, tangents, *, axis, reverse):
        x, = primals
        t, = tangents
        out = prim.bind(x, axis=axis, reverse=reverse)
        if type(t) is Zero:
            return out, Zero(get_aval(out).to_tangent_aval())
        shape = get_aval(x).shape
        iota = iota_along(shape, axis)
        hit = eq(x, out)  # this entry holds the running extremum
        # the latest such entry so far: a running max of its position (a running min from the end)
        if not reverse:
            where = cummax_p.bind(select(hit, iota, np.zeros((), np.int64)), axis=axis,
                                  reverse=False)
        else:
            last = np.asarray(shape[axis] - 1, np.int64)
            where = cummin_p.bind(select(hit, iota, last), axis=axis, reverse=True)
        return out, take_along_axis(t, where, axis)
    return jvp


cummax_p = _cumulative("cummax", np.maximum.accumulate,
                       RuleFactory(lambda prim: _extremum_jvp(prim, True)))
cummin_p = _cumulative("cummin", np.minimum.accumulate,
                       RuleFactory(lambda prim: _extremum_jvp(prim, False)))


def _wrapper(prim):
    def f(x, axis, reverse=False):
        return prim.bind(x, axis=int(axis), reverse=bool(reverse))
    f.__name__ = prim.name
    return f


cumsum = _wrapper(cumsum_p)
cumprod = _wrapper(cumprod_p)
cummax = _wrapper(cummax_p)
cummin = _wrapper(cummin_p)
