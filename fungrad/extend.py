"""fungrad.extend: what a library built on fungrad needs to add primitives and transform programs.

Define a primitive with every rule in one call, reuse fungrad's rule factories, linearize,
evaluate or transpose programs, and keep memo tables in fungrad's registered caches:

>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> from fungrad import lax
>>> cube_p = fx.elementwise("cube", lambda x: x ** 3, emit=fx.Emit("{0} ** 3", fresh=True),
...                         jvp=fx.defjvp(lambda t, ans, x: lax.mul(t, lax.mul(3.0, lax.mul(x, x)))))
>>> fg.grad(cube_p.bind)(2.0)
array(12.)
>>> fg.jit(fg.grad(cube_p.bind))(2.0)
array(12.)

The rule slots and their signatures are documented in `register`; `Exempt` declares a slot that
deliberately has no rule (`NOT_LINEAR` for transpose).
"""
from fungrad._core.cache import LRUCache as LRUCache, lru_cache_table as lru_cache_table
from fungrad._core.eval import eval_jaxpr as eval_jaxpr
from fungrad._core.ir import (
    ClosedJaxpr as ClosedJaxpr, Eqn as Eqn, Jaxpr as Jaxpr, Literal as Literal, Var as Var)
from fungrad._core.linear_arg import LinearArg as LinearArg, is_linear as is_linear
from fungrad._core.primitive import (
    ANY_DTYPE as ANY_DTYPE, FIRST_ORDER as FIRST_ORDER, INEXACT as INEXACT,
    INTEGER_OR_BOOL as INTEGER_OR_BOOL, NOT_LINEAR as NOT_LINEAR, CallImpl as CallImpl,
    DtypeFamily as DtypeFamily, Emit as Emit, Exempt as Exempt, Primitive as Primitive,
    RuleFactory as RuleFactory, Ufunc as Ufunc, register as register)
from fungrad._core.trace import get_aval as get_aval
from fungrad._core.zero import Zero as Zero
from fungrad._lax._families import naryop as broadcasting, unop as elementwise
from fungrad._lax._jvp_rules import defjvp as defjvp, jvp_zero as jvp_zero
from fungrad._lax.shape import jvp_linear as jvp_linear

__all__ = [
    "ANY_DTYPE", "FIRST_ORDER", "INEXACT", "INTEGER_OR_BOOL", "NOT_LINEAR", "CallImpl",
    "ClosedJaxpr", "DtypeFamily", "Emit", "Eqn", "Exempt", "Jaxpr", "LRUCache", "LinearArg",
    "Literal", "lru_cache_table",
    "Primitive", "RuleFactory", "Ufunc", "Var", "Zero", "broadcasting", "defjvp", "elementwise",
    "eval_jaxpr", "get_aval", "is_linear", "jvp_linear", "jvp_zero", "register",
]
