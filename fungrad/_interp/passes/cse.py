"""Common-subexpression elimination: an equation equal to an earlier one (same primitive, operands
and params) is replaced by the earlier one's outputs.

Why: transforms re-derive the same values (e.g. `1 - tanh(x)**2` per use, or `g*t` and `t*g`
from the two halves of a product rule); computing them once is exact, since primitives are pure
and sums and products commute exactly.

Imports: _core, passes._util.
"""
from fungrad import _lax as lax
from fungrad._core.ir import Literal
from fungrad._lax import math as lmath
from fungrad._interp.passes._util import (
    is_effectful,
    literal_key,
    read,
    rebuild,
    subst_eqn,
)


# operand order does not change these results, bit for bit (IEEE sums and products commute;
# max/min do not: numpy's maximum(-0.0, 0.0) is +0.0, maximum(0.0, -0.0) is -0.0)
_COMMUTATIVE = {lax.add_p, lax.mul_p, lmath.eq_p, lmath.ne_p, lmath.and_p, lmath.or_p, lmath.xor_p}


def _order(a):
    return (1, repr(a)) if type(a) is tuple else (0, id(a))


def _key(eqn):
    ins = tuple(literal_key(v) if type(v) is Literal else v for v in eqn.invars)
    if eqn.prim in _COMMUTATIVE and len(ins) == 2:
        ins = tuple(sorted(ins, key=_order))
    try:
        params = tuple(sorted(eqn.params.items()))
        hash(params)
    except TypeError:
        return None
    return (eqn.prim, ins, params)


def cse(closed):
    """`closed` with repeated computations merged."""
    j = closed.jaxpr
    env = {}
    seen = {}
    eqns = []
    for eqn in j.eqns:
        eqn = subst_eqn(eqn, env)
        key = None if is_effectful(eqn.prim) else _key(eqn)
        prev = seen.get(key) if key is not None else None
        if prev is not None:
            for old, new in zip(eqn.outvars, prev.outvars):
                env[old] = new
            continue
        if key is not None:
            seen[key] = eqn
        eqns.append(eqn)
    return rebuild(closed, j.constvars, closed.consts, eqns, j.outvars, env)


__all__ = ["cse", "read"]
