"""Constructors for families of primitives: one call registers a primitive with every rule, the
family supplying its abstract eval and batching rule.

Imports: _core, lax.shape.
"""
from __future__ import annotations
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.cache import lru_cache_table
from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.primitive import (
    ANY_DTYPE, NOT_LINEAR, Primitive, RuleFactory, register)
from fungrad._core.trace import arity_error, get_aval
from fungrad._lax.shape import batch_to_front
from typing import Any, Callable


def unop(name: str, impl: Callable[..., Any], *, jvp: Any, emit: Any, transpose: Any = NOT_LINEAR,
         out_dtype: Any = None, dtypes: Any = ANY_DTYPE, vjp: Any = None) -> Primitive:
    """An elementwise one-operand primitive, registered with its rules: the output keeps the
    input's shape (and dtype, unless `out_dtype`); batching maps over the batch axis."""
    prim = Primitive(name)
    prim.arity = 1
    if out_dtype is None:
        def abstract_eval(*avals, **_):
            if len(avals) != 1:
                raise arity_error(prim, avals)
            x, = avals
            return x if not x.weak_type else shaped(x.shape, x.dtype)
    else:
        def abstract_eval(*avals, **_):
            if len(avals) != 1:
                raise arity_error(prim, avals)
            return shaped(avals[0].shape, out_dtype)
    return register(prim, impl=impl, abstract_eval=abstract_eval, jvp=jvp, transpose=transpose,
                    batch=_ELEMENTWISE_BATCH, emit=emit, dtypes=dtypes, vjp=vjp)


_ELEMENTWISE_BATCH = RuleFactory(
    lambda prim: lambda size, vals, dims, **params: (prim.bind(vals[0], **params), dims[0]))


_broadcast = lru_cache_table("broadcast_shapes", 10_000)
_broadcast_cache = _broadcast.fast


def broadcast_shapes(name, *avals):
    """numpy's broadcast of the operands' shapes (cached: the same pairs recur in every trace)."""
    shape = avals[0].shape
    for a in avals[1:]:
        if a.shape == shape:
            continue
        key = (shape, a.shape)
        out = _broadcast_cache.get(key)
        if out is None:
            try:
                out = np.broadcast_shapes(shape, a.shape)
                _broadcast[key] = out
            except ValueError:
                shapes = ", ".join(v.str_short() for v in avals)
                raise ShapeError(f"{name}: operands with shapes {shapes} cannot be broadcast "
                                 "together (numpy broadcasting rules).") from None
        shape = out
    return shape


_KIND_ORDER = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _fits(weak, strong):
    """Whether a weakly typed value of dtype `weak` converts to `strong` as JAX converts Python
    scalars (bool < int < float < complex: lax.add(i32, 1) and lax.mul(c64, 2.0) are fine,
    lax.add(i32, 1.5) is not)."""
    return _KIND_ORDER.get(weak.kind, 9) <= _KIND_ORDER.get(strong.kind, -1)


def naryop(name: str, impl: Callable[..., Any], nargs: int, *, jvp: Any, emit: Any,
           transpose: Any = NOT_LINEAR, out_dtype: Any = None, dtype_from: int = 0,
           dtypes: Any = ANY_DTYPE, vjp: Any = None) -> Primitive:
    """An elementwise primitive with numpy broadcasting over `nargs` operands of equal dtype
    (operands before `dtype_from` are exempt: select's predicate), registered with its rules."""
    prim = Primitive(name)
    prim.same_dtype_from = dtype_from
    prim.arity = nargs

    def abstract_eval(*avals, **_):
        if len(avals) != nargs:
            raise arity_error(prim, avals)
        if len(avals) == 2 and dtype_from == 0:  # the common binary case, kept lean
            x, y = avals
            if x.dtype == y.dtype:
                shape = x.shape if x.shape == y.shape else broadcast_shapes(name, x, y)
                return shaped(shape, x.dtype if out_dtype is None else out_dtype,
                              x.weak_type and y.weak_type)
        first = avals[dtype_from]
        weak = first.weak_type
        for a in avals[dtype_from + 1:]:
            if a.dtype != first.dtype:
                # a weakly typed operand (a Python scalar) takes the other's dtype, as in JAX
                # (lax.add(f32[3], 1.0) is f32[3]), where its kind does not exceed it
                if a.weak_type and not first.weak_type and _fits(a.dtype, first.dtype):
                    continue
                if first.weak_type and not a.weak_type and _fits(first.dtype, a.dtype):
                    first, weak = a, False
                    continue
                got = ", ".join(v.str_short() for v in avals)
                raise DtypeError(f"{name} requires operands of one dtype, got {got}; convert "
                                 "them first (fungrad.numpy functions promote automatically).")
            weak = weak and a.weak_type
        shape = broadcast_shapes(name, *avals)
        return shaped(shape, first.dtype if out_dtype is None else out_dtype, weak)

    return register(prim, impl=impl, abstract_eval=abstract_eval, jvp=jvp, transpose=transpose,
                    batch=RuleFactory(lambda prim: lambda size, vals, dims, **params:
                                      _broadcasting_batch(prim, vals, dims, params)),
                    emit=emit, dtypes=dtypes, vjp=vjp)


def _broadcasting_batch(prim, vals, dims, params):
    """Batch an elementwise broadcasting op: give every batched operand its batch axis in front,
    padded to the output rank so numpy's trailing alignment still matches."""
    ranks = [get_aval(v).ndim - (d is not None) for v, d in zip(vals, dims)]
    rank = max(ranks)
    moved = []
    for v, d, r in zip(vals, dims, ranks):
        if d is None:
            moved.append(v)
        else:
            moved.append(batch_to_front(v, d, rank - r))
    return prim.bind(*moved, **params), 0

