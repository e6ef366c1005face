"""The IR checker: single assignment, every variable bound before use, and each equation's output
types equal to its primitive's abstract evaluation.

Imports: _core.ir, _core.errors.
"""
from __future__ import annotations

from typing import Any

from fungrad._core.errors import FungradError
from fungrad._core.ir import ClosedJaxpr, Jaxpr, Literal


class JaxprTypeError(FungradError, TypeError):
    """A program violates the IR's typing rules (an internal error in a transform)."""


def check_jaxpr(jaxpr: Any) -> Any:
    """Raise JaxprTypeError if `jaxpr` (a Jaxpr or ClosedJaxpr) is ill-typed; return it otherwise.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> program = fg.make_jaxpr(fnp.sin)(1.0)
    >>> fg.check_jaxpr(program) is program
    True
    """
    closed = jaxpr
    if not isinstance(jaxpr, (ClosedJaxpr, Jaxpr)):
        raise TypeError(f"check_jaxpr: expected a Jaxpr or a ClosedJaxpr (make_jaxpr(f)(x)), got "
                        f"{type(jaxpr).__name__}")
    if isinstance(jaxpr, ClosedJaxpr):
        if len(jaxpr.consts) != len(jaxpr.jaxpr.constvars):
            raise JaxprTypeError("number of consts does not match constvars")
        jaxpr = jaxpr.jaxpr
    bound = set()

    def bind(v, where):
        if v in bound:
            raise JaxprTypeError(f"variable {v} assigned twice ({where})")
        bound.add(v)

    def read(v, where):
        if isinstance(v, Literal):
            return
        if v not in bound:
            raise JaxprTypeError(f"variable {v} read before it is bound ({where})")

    for v in jaxpr.constvars:
        bind(v, "constvars")
    for v in jaxpr.invars:
        bind(v, "invars")
    for i, eqn in enumerate(jaxpr.eqns):
        where = f"equation {i}: {eqn.prim.name}"
        for v in eqn.invars:
            read(v, where)
        expected = eqn.prim.abstract_eval(*[v.aval for v in eqn.invars], **eqn.params)
        expected = list(expected) if eqn.prim.multiple_results else [expected]
        actual = [v.aval for v in eqn.outvars]
        if len(expected) != len(actual) or any(e != a for e, a in zip(expected, actual)):
            raise JaxprTypeError(
                f"{where}: outputs typed {[a.str_short() for a in actual]} but the primitive's "
                f"abstract evaluation gives {[e.str_short() for e in expected]}")
        for sub in _subjaxprs(eqn.params):
            check_jaxpr(sub)
        for v in eqn.outvars:
            bind(v, where)
    for v in jaxpr.outvars:
        read(v, "outvars")
    return closed


def _subjaxprs(params):
    for v in params.values():
        items = v if isinstance(v, (tuple, list)) else (v,)
        for x in items:
            if isinstance(x, (Jaxpr, ClosedJaxpr)):
                yield x
