"""Algebraic simplification, restricted to rewrites that are exact in floating point:

  x*1, 1*x, x/1 -> x, also for constant arrays of ones (not for complex values: numpy's
  complex product turns inf parts into nan, (inf+1j)*1 is inf+nanj);
  x-0 -> x;   x+0 -> x for integers (and x + -0.0 for floats: x + +0.0 turns -0.0 into +0.0,
  so it is kept);   neg(neg x) -> x;
  x + x -> x * 2 and neg(x * c) -> x * -c, for real floats and a scalar literal c (doubling and
  sign changes round nothing, so both are exact up to a NaN's sign; they let a negation ride on
  the product: one pass over the data instead of two);
  a getitem of full slices (x[:, 0:n] of a dimension of size n) -> x;
  a select branch that is a constant array of +0.0 -> a +0.0 scalar (numpy broadcasts it);
  transpose(transpose x) -> one transpose (none if the permutations cancel);
  reshape(reshape x) -> one reshape; reshape/broadcast_to to the same shape -> x;
  broadcast_to(broadcast_to x) -> one broadcast;
  an elementwise operand made by broadcast_to (or a reshape adding leading 1s) -> the smaller
  value, when numpy's implicit broadcasting gives the same result shape;
  reduce_sum(broadcast_to x) over the broadcast axes -> reshape (+ multiply by the count, for
  integers only: summing n copies of a float is not bit-equal to n*x).

Imports: _core, _lax, passes._util.
"""
import numpy as np

from fungrad import _lax as lax
from fungrad._core.aval import shaped
from fungrad._core.dtypes import is_float
from fungrad._core.ir import Eqn, Literal, Var
from fungrad._interp.passes._util import is_scalar_literal, read, rebuild, subst_eqn
from fungrad._lax import math as lmath
from fungrad._lax import shape as lshape
from fungrad._lax.indexing import getitem_p

_ELEMENTWISE = {lax.add_p, lax.sub_p, lax.mul_p, lax.div_p, lax.select_p, lmath.max_p,
                lmath.min_p, lmath.pow_p, lmath.atan2_p, lmath.rem_p, lmath.lt_p, lmath.le_p,
                lmath.gt_p, lmath.ge_p, lmath.eq_p, lmath.ne_p, lmath.and_p, lmath.or_p,
                lmath.xor_p}


def simplify(closed):
    """`closed` with the rewrites above applied (dead producers are left for DCE)."""
    j = closed.jaxpr
    env = {}
    producer = {}
    eqns = []
    ones = {v for v, c in zip(j.constvars, closed.consts) if _all_ones(c)}
    zeros = {v: c.dtype for v, c in zip(j.constvars, closed.consts) if _all_plus_zeros(c)}
    for eqn in j.eqns:
        eqn = subst_eqn(eqn, env)
        if eqn.prim is lax.select_p and zeros:
            eqn = _zero_branches(eqn, zeros)
        new = _rewrite(eqn, producer, ones)
        if isinstance(new, (Var, Literal)):
            env[eqn.outvars[0]] = new
            continue
        for e in new if isinstance(new, list) else [new]:
            eqns.append(e)
            for v in e.outvars:
                producer[v] = e
    return rebuild(closed, j.constvars, closed.consts, eqns, j.outvars, env)


def _same(atom, out):
    """`atom` can stand for `out`: identical shape and dtype."""
    return atom.aval.shape == out.aval.shape and atom.aval.dtype == out.aval.dtype


def _prod(prim, atom, producer):
    e = producer.get(atom) if type(atom) is Var else None
    return e if e is not None and e.prim is prim else None


def _all_ones(c):
    """A constant every element of which is 1 (real or integer, small enough to scan)."""
    return (isinstance(c, np.ndarray) and c.dtype.kind in "biuf" and 0 < c.size <= 1 << 16
            and bool(np.all(c == 1)))


def _all_plus_zeros(c):
    """A float constant every element of which is +0.0 (a transpose's zero cotangent)."""
    return (isinstance(c, np.ndarray) and c.dtype.kind == "f" and 0 < c.size <= 1 << 22
            and not c.any() and not np.signbit(c).any())


def _zero_branches(eqn, zeros):
    """select(p, a, zeros) with a constant array of +0.0 as a branch -> that branch as a scalar
    +0.0 literal of its dtype, when broadcasting keeps the output's shape (code generation then
    selects bits instead of branching: lax.arith's bit_select)."""
    ins = list(eqn.invars)
    shape = eqn.outvars[0].aval.shape
    for i in (1, 2):
        dt = zeros.get(ins[i]) if type(ins[i]) is Var else None
        if dt is None:
            continue
        cand = _scalar(0.0, dt)
        trial = ins[:i] + [cand] + ins[i + 1:]
        if np.broadcast_shapes(*[t.aval.shape for t in trial]) == shape:
            ins = trial
    return eqn if ins == list(eqn.invars) else Eqn(eqn.prim, ins, eqn.outvars, eqn.params)


def _is_one(atom, ones):
    return is_scalar_literal(atom, 1) or atom in ones


def _real_float(dtype):
    return is_float(dtype) and np.dtype(dtype).kind == "f"


def _rewrite(eqn, producer, ones=frozenset()):
    p = eqn.prim
    out = eqn.outvars[0] if eqn.outvars else None
    if p is lax.mul_p:
        x, y = eqn.invars
        if np.dtype(out.aval.dtype).kind != "c":
            if _is_one(y, ones) and _same(x, out):
                return x
            if _is_one(x, ones) and _same(y, out):
                return y
    elif p is lax.div_p:
        x, y = eqn.invars
        if np.dtype(out.aval.dtype).kind != "c" and _is_one(y, ones) and _same(x, out):
            return x
    elif p is lax.add_p:
        x, y = eqn.invars
        zero = -0.0 if is_float(out.aval.dtype) else 0
        if is_scalar_literal(y, zero) and _same(x, out):
            return x
        if is_scalar_literal(x, zero) and _same(y, out):
            return y
        if x is y and type(x) is Var and _real_float(out.aval.dtype) and _same(x, out):
            return Eqn(lax.mul_p, [x, _scalar(2.0, out.aval.dtype)], eqn.outvars, {})
    elif p is lax.sub_p:
        x, y = eqn.invars
        if is_scalar_literal(y, 0.0) and _same(x, out):
            return x
    elif p is lax.neg_p:
        inner = _prod(lax.neg_p, eqn.invars[0], producer)
        if inner is not None:
            return inner.invars[0]
        return _neg_of_scaled(eqn, producer)
    elif p is getitem_p:
        x = eqn.invars[0]
        if len(eqn.invars) == 1 and _same(x, out) and _full_slices(eqn.params["spec"], x):
            return x
    elif p is lshape.transpose_p:
        return _transpose(eqn, producer)
    elif p is lshape.reshape_p or p is lshape.broadcast_to_p:
        # a chain of reshapes (or of broadcasts) is one: only the final shape matters
        x = eqn.invars[0]
        inner = _prod(p, x, producer)
        if inner is not None:
            x = inner.invars[0]
        if _same(x, out):
            return x
        if inner is not None:
            return Eqn(p, [x], eqn.outvars, eqn.params)
    elif p is lshape.reduce_sum_p:
        return _sum_of_broadcast(eqn, producer)
    if p in _ELEMENTWISE:
        return _drop_broadcasts(eqn, producer)
    return eqn


def _scalar(value, dtype):
    return Literal(np.asarray(value, dtype)[()], shaped((), dtype))


def _neg_of_scaled(eqn, producer):
    """neg(x * c) -> x * -c, for a real float scalar literal c."""
    out = eqn.outvars[0]
    inner = _prod(lax.mul_p, eqn.invars[0], producer)
    if inner is None or not _real_float(out.aval.dtype):
        return eqn
    x, y = inner.invars
    if type(x) is Literal:
        x, y = y, x
    if type(y) is not Literal or np.ndim(y.val) != 0 or not _same(inner.outvars[0], out):
        return eqn
    c = np.asarray(y.val)
    if c.dtype.kind != "f":
        return eqn
    return Eqn(lax.mul_p, [x, Literal((-c)[()], y.aval)], eqn.outvars, {})


def _full_slices(spec, x):
    """Whether an index spec selects all of `x` in order (slices only, each start:stop:1 over
    the whole dimension)."""
    shape = x.aval.shape
    if len(spec) > len(shape):
        return False
    for s, n in zip(spec, shape):
        if type(s) is not tuple or s[0] != "slice":
            return False
        if slice(s[1], s[2], s[3]).indices(n) != (0, n, 1):
            return False
    return True


def _transpose(eqn, producer):
    x = eqn.invars[0]
    perm = eqn.params["perm"]
    inner = _prod(lshape.transpose_p, x, producer)
    if inner is not None:
        x = inner.invars[0]
        perm = tuple(inner.params["perm"][i] for i in perm)
    if perm == tuple(range(len(perm))):
        return x
    if inner is None:
        return eqn
    return Eqn(lshape.transpose_p, [x], eqn.outvars, {"perm": perm})


def _unwrap(atom, producer):
    """Smaller values `atom` is a broadcast of, innermost last."""
    chain = []
    while type(atom) is Var:
        e = producer.get(atom)
        if e is None:
            break
        if e.prim is lshape.broadcast_to_p or (
                e.prim is lshape.reshape_p and _adds_leading_ones(e.invars[0], atom)):
            atom = e.invars[0]
        else:
            break
        chain.append(atom)
    return chain


def _adds_leading_ones(src, dst):
    a, b = src.aval.shape, dst.aval.shape
    k = len(b) - len(a)
    return k >= 0 and b[k:] == a and all(d == 1 for d in b[:k])


def _drop_broadcasts(eqn, producer):
    shape = eqn.outvars[0].aval.shape
    ins = list(eqn.invars)
    changed = False
    for i, a in enumerate(ins):
        for cand in reversed(_unwrap(a, producer)):
            trial = ins[:i] + [cand] + ins[i + 1:]
            if np.broadcast_shapes(*[t.aval.shape for t in trial]) == shape:
                ins[i] = cand
                changed = True
                break
    return Eqn(eqn.prim, ins, eqn.outvars, eqn.params) if changed else eqn


def _sum_of_broadcast(eqn, producer):
    bc = _prod(lshape.broadcast_to_p, eqn.invars[0], producer)
    if bc is None:
        return eqn
    y = bc.invars[0]
    shape = bc.params["shape"]
    axes = eqn.params["axes"]
    padded = (1,) * (len(shape) - y.aval.ndim) + y.aval.shape
    if any(padded[a] != 1 for a in axes):
        return eqn  # a reduced axis carries data: a real reduction
    n = int(np.prod([shape[a] for a in axes], dtype=np.int64))
    out = eqn.outvars[0]
    kept = tuple(d for i, d in enumerate(padded) if i not in axes)
    if kept != out.aval.shape:
        return eqn  # the broadcast also expands a kept axis
    dtype = out.aval.dtype
    if n != 1 and (is_float(dtype) or dtype == np.bool_):
        return eqn
    eqns = []
    src = y
    if y.aval.shape != kept:
        src = Var(shaped(kept, dtype))
        eqns.append(Eqn(lshape.reshape_p, [y], [src], {"new_sizes": kept}))
    if n == 1:
        if not eqns:
            return src
        eqns[-1] = Eqn(lshape.reshape_p, [y], [out], {"new_sizes": kept})
        return eqns
    count = Literal(np.asarray(n, dtype)[()], shaped((), dtype))
    eqns.append(Eqn(lax.mul_p, [src, count], [out], {}))
    return eqns


__all__ = ["read", "simplify"]
