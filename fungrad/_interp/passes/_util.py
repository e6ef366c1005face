"""Helpers shared by the IR passes: atom substitution, literal keys, sub-program detection.

Passes never mutate their input (programs are shared and cached); they build new Jaxprs.

Imports: _core.
"""
import numpy as np

from fungrad._core.ir import ClosedJaxpr, Eqn, Jaxpr, Literal


def read(env, atom):
    """The atom `atom` stands for after substitution `env` (Var -> Var or Literal)."""
    if type(atom) is Literal:
        return atom
    return env.get(atom, atom)


def subst_eqn(eqn, env):
    """`eqn` with its operands substituted (the same Eqn if nothing changes)."""
    new = [read(env, v) for v in eqn.invars]
    if all(a is b for a, b in zip(new, eqn.invars)):
        return eqn
    return Eqn(eqn.prim, new, eqn.outvars, eqn.params)


def has_subprogram(params):
    """True if a param holds a (Closed)Jaxpr: such equations are left to their own rules."""
    for v in params.values():
        items = v if isinstance(v, (tuple, list)) else (v,)
        for x in items:
            if isinstance(x, (Jaxpr, ClosedJaxpr)):
                return True
    return False


def is_effectful(prim):
    """Primitives registered with effect=True (callbacks, prints) are never removed or merged."""
    return prim.effect


def producers_consumers(jaxpr):
    """(var -> index of the equation making it, var -> indices of the equations reading it in
    program order, len(eqns) standing for the program's outputs)."""
    producer = {}
    consumers = {}
    for i, e in enumerate(jaxpr.eqns):
        for v in e.outvars:
            producer[v] = i
        for v in e.invars:
            if type(v) is not Literal:
                consumers.setdefault(v, []).append(i)
    n = len(jaxpr.eqns)
    for v in jaxpr.outvars:
        if type(v) is not Literal:
            consumers.setdefault(v, []).append(n)
    return producer, consumers


def literal_value(atom):
    """The Python/numpy value of a Literal, or None for a Var."""
    return atom.val if type(atom) is Literal else None


def literal_key(atom):
    """A hashable key telling literals apart exactly (1 vs 1.0 vs True, 0.0 vs -0.0)."""
    val = atom.val
    if isinstance(val, np.ndarray):
        return ("arr", val.dtype.str, val.tobytes())
    return (type(val).__name__, atom.aval.dtype.str, repr(val))


def is_scalar_literal(atom, value):
    """True if `atom` is a Literal whose value equals `value` with the same sign (for zeros)."""
    if type(atom) is not Literal:
        return False
    v = atom.val
    try:
        v = v.item() if isinstance(v, (np.ndarray, np.generic)) else v
    except (ValueError, AttributeError):
        return False
    if isinstance(v, complex) or not isinstance(v, (int, float)):
        return False
    return v == value and np.signbit(v) == np.signbit(value)


def rebuild(closed, constvars, consts, eqns, outvars, env):
    """A ClosedJaxpr with the given body; outvars substituted through `env`."""
    j = closed.jaxpr
    return ClosedJaxpr(Jaxpr(constvars, j.invars, eqns, [read(env, v) for v in outvars]), consts)
