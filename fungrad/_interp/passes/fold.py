"""Constant folding: an equation whose operands are all literals or constants is evaluated once at
compile time by eager evaluation (eval_eqn on the EvalTrace: exactly what eager mode computes).

Results that are 0-d become literals; larger ones become constants, but only if folding does not
grow the program's data (a broadcast of a scalar to a big shape stays an equation).

Imports: _core, passes._util.
"""
import numpy as np

from fungrad._core.eval import eval_eqn
from fungrad._core.fp_errors import quiet
from fungrad._core.ir import Literal, Var
from fungrad._core.trace import EVAL_TRACE, set_trace
from fungrad._interp.passes._util import (
    has_subprogram,
    is_effectful,
    read,
    rebuild,
    subst_eqn,
)

_SMALL = 64  # results up to this many elements are always folded


def _size(x):
    return int(np.size(x))


def fold(closed):
    """`closed` with constant subcomputations evaluated."""
    j = closed.jaxpr
    known = dict(zip(j.constvars, closed.consts))
    env = {}
    eqns = []
    for eqn in j.eqns:
        eqn = subst_eqn(eqn, env)
        vals = _known_operands(eqn, known)
        outs = None if vals is None else _evaluate(eqn, vals)
        if outs is None:
            eqns.append(eqn)
            continue
        for v, x in zip(eqn.outvars, outs):
            if v.aval.shape == ():
                env[v] = Literal(x, v.aval)
            else:
                known[v] = x
    used = set()
    for e in eqns:
        used.update(v for v in e.invars if type(v) is Var)
    used.update(read(env, v) for v in j.outvars if type(v) is Var)
    consts = [(v, x) for v, x in known.items() if v in used]
    return rebuild(closed, [v for v, _ in consts], [x for _, x in consts], eqns, j.outvars, env)


def _known_operands(eqn, known):
    if is_effectful(eqn.prim) or has_subprogram(eqn.params) or eqn.prim.impl is None:
        return None
    vals = []
    for v in eqn.invars:
        if type(v) is Literal:
            vals.append(v.val)
        elif v in known:
            vals.append(known[v])
        else:
            return None
    return vals


def _evaluate(eqn, vals):
    """The outputs of `eqn` on `vals`, or None if folding would not pay or not be exact."""
    try:
        with quiet(), set_trace(EVAL_TRACE):
            outs = eval_eqn(eqn, vals)
    except Exception:  # noqa: BLE001 - leave any error to run time, where eager raises it too
        return None
    limit = max([_SMALL] + [_size(x) for x in vals])
    res = []
    for v, x in zip(eqn.outvars, outs):
        if not isinstance(x, (np.ndarray, np.generic)) or x.dtype != v.aval.dtype:
            return None
        if x.shape != v.aval.shape or _size(x) > limit:
            return None
        res.append(x[()] if x.shape == () else x)
    return res
