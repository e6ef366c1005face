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
from fungrad._core.array import (
    ARRAY_TYPES as ARRAY_TYPES, buffer_writeable as buffer_writeable)
from fungrad._core.cache import LRUCache as LRUCache, lru_cache_table as lru_cache_table
from fungrad._core.eval import (
    eval_eqn as eval_eqn, eval_jaxpr as eval_jaxpr, run_closed as run_closed)
from fungrad._core.ir import (
    ClosedJaxpr as ClosedJaxpr, Eqn as Eqn, Jaxpr as Jaxpr, Literal as Literal, Var as Var)
from fungrad._core.linear_arg import LinearArg as LinearArg, is_linear as is_linear
from fungrad._core.primitive import (
    ANY_DTYPE as ANY_DTYPE, FIRST_ORDER as FIRST_ORDER, INEXACT as INEXACT,
    INTEGER_OR_BOOL as INTEGER_OR_BOOL, NOT_LINEAR as NOT_LINEAR, CallImpl as CallImpl,
    DtypeFamily as DtypeFamily, Emit as Emit, Exempt as Exempt, Primitive as Primitive,
    RuleFactory as RuleFactory, Ufunc as Ufunc, register as register)
from fungrad._core.trace import (
    EVAL_TRACE as EVAL_TRACE, Tracer as Tracer, current_trace as current_trace,
    get_aval as get_aval)
from fungrad._core.tree import tree_flatten as tree_flatten, tree_unflatten as tree_unflatten
from fungrad._core.zero import (
    Zero as Zero, instantiate as instantiate, zeros_like_aval as zeros_like_aval)
from fungrad._lax._families import naryop as broadcasting, unop as elementwise
from fungrad._lax._jvp_rules import defjvp as defjvp, jvp_zero as jvp_zero
from fungrad._lax.shape import jvp_linear as jvp_linear
# interpreters: run a function under a transform on flat lists of values
from fungrad._interp.batching import BatchTracer as BatchTracer
from fungrad._interp.jvp import JVPTrace as JVPTrace, jvp_flat as jvp_flat
from fungrad._interp.linearize import linearize_flat as linearize_flat
from fungrad._interp.staging import stage_flat as stage_flat
from fungrad._interp.transpose import backward_pass as backward_pass
# calls with user rules, and jit's program primitive with its cached transforms
from fungrad._hop._util import closes_over_tracers as closes_over_tracers, is_eager as is_eager
from fungrad._hop.call import (
    LinearizedProgram as LinearizedProgram, compiled as compiled, jit_p as jit_p,
    linearize_program as linearize_program)
from fungrad._hop.custom_jvp import custom_jvp_call as custom_jvp_call
from fungrad._hop.custom_vjp import custom_vjp_call as custom_vjp_call
from fungrad._api.jit import traced_program as traced_program
from fungrad._api.reverse import pullback as pullback
# the numpy front end's lowering of indexing and casts, for array libraries built on fungrad
from fungrad.numpy._promote import cast as cast
from fungrad.numpy.indexing import getitem as index, parse_index as parse_index

__all__ = [
    "ANY_DTYPE", "ARRAY_TYPES", "BatchTracer", "CallImpl", "ClosedJaxpr", "DtypeFamily", "Emit", "Eqn",
    "EVAL_TRACE", "Exempt", "FIRST_ORDER", "INEXACT", "INTEGER_OR_BOOL", "Jaxpr", "JVPTrace",
    "LinearArg", "LinearizedProgram", "Literal", "LRUCache", "NOT_LINEAR", "Primitive",
    "RuleFactory", "Tracer", "Ufunc", "Var", "Zero", "backward_pass", "broadcasting", "cast",
    "closes_over_tracers", "compiled", "current_trace", "custom_jvp_call", "custom_vjp_call",
    "defjvp", "elementwise", "eval_eqn", "eval_jaxpr", "get_aval", "index", "instantiate",
    "is_eager", "is_linear", "jit_p", "jvp_flat", "jvp_linear", "jvp_zero", "linearize_flat",
    "linearize_program", "lru_cache_table", "parse_index", "pullback", "register", "run_closed",
    "stage_flat", "traced_program", "tree_flatten", "tree_unflatten", "zeros_like_aval",
]

__dir__ = __all__.copy  # dir() lists the public names only
