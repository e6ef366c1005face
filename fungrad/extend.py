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
from fungrad._core.docs import add_examples as _add_examples
from fungrad._core.cache import LRUCache as LRUCache, lru_cache_table as lru_cache_table
from fungrad._core.fp_errors import quiet as quiet_fp_errors
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
    "linearize_program", "lru_cache_table", "parse_index", "pullback", "quiet_fp_errors",
    "register", "run_closed", "stage_flat", "traced_program", "tree_flatten", "tree_unflatten",
    "zeros_like_aval",
]

# a `>>>` example for each function (tests/test_doctests.py runs them), appended to its
# docstring: fungrad.extend is where these functions are public (as fungrad.numpy's _EXAMPLES)
_EXAMPLES = {
    "backward_pass": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> closed = fg.make_jaxpr(lambda x: x * 3.0)(1.0)
>>> fx.backward_pass(closed.jaxpr, closed.consts, [fx.LinearArg(fx.get_aval(1.0))], [np.array(1.0)])
[array(3.)]""",
    "broadcasting": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> dx, dy = (lambda t, ans, x, y: t * x / ans), (lambda t, ans, x, y: t * y / ans)
>>> hypot_p = fx.broadcasting('hypot_example', np.hypot, 2, jvp=fx.defjvp(dx, dy),
...                          emit=fx.Emit('np.hypot({0}, {1})', fresh=True))
...
>>> hypot_p.bind(np.array([3.0, 5.0]), 4.0), fg.grad(hypot_p.bind, argnums=(0, 1))(3.0, 4.0)
(array([5.        , 6.40312424]), (array(0.6), array(0.8)))""",
    "cast": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> fx.cast(np.array([1.5, 2.5]), np.dtype(np.float32))
array([1.5, 2.5], dtype=float32)""",
    "closes_over_tracers": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> fx.closes_over_tracers(lambda x: x + 1)
False
>>> fg.jit(lambda y: fx.closes_over_tracers(lambda x: x + y) + y)(1.0)
array(2.)""",
    "compiled": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> run = fx.compiled(fg.make_jaxpr(lambda x: x * 2.0)(1.0))
>>> run(3.0)
(array(6.),)""",
    "quiet_fp_errors": """>>> import numpy as np
>>> from fungrad import extend as fx
>>> with fx.quiet_fp_errors():
...     y = np.log(np.zeros(2))  # no RuntimeWarning: as np.errstate(all="ignore"), cheaper
>>> y
array([-inf, -inf])""",
    "current_trace": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> fx.current_trace() is fx.EVAL_TRACE
True""",
    "custom_jvp_call": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> def square(x):
...     return fx.custom_jvp_call(lambda x: [x * x], lambda p, t: ([p[0] * p[0]], [2 * p[0] * t[0]]), [x])[0]
...
>>> square(3.0), fg.grad(square)(3.0)
(9.0, array(6.))""",
    "custom_vjp_call": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> def square(x):
...     fwd = lambda x: ([x * x], [x])
...     bwd = lambda res, cts: [2 * res[0] * cts[0]]
...     return fx.custom_vjp_call(lambda x: [x * x], fwd, bwd, [x])[0]
...
>>> square(3.0), fg.grad(square)(3.0)
(9.0, array(6.))""",
    "defjvp": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> cube_p = fx.elementwise('cube_defjvp_example', lambda x: x ** 3, emit=fx.Emit('{0} ** 3', fresh=True),
...                        jvp=fx.defjvp(lambda t, ans, x: 3 * x * x * t))
...
>>> fg.grad(cube_p.bind)(2.0)
array(12.)""",
    "elementwise": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> sq_p = fx.elementwise('square_example', lambda x: x * x, emit=fx.Emit('{0} * {0}', fresh=True),
...                      jvp=fx.defjvp(lambda t, ans, x: 2 * x * t))
...
>>> sq_p.bind(np.array([1.0, 3.0])), fg.jit(fg.grad(sq_p.bind))(3.0)
(array([1., 9.]), array(6.))""",
    "eval_eqn": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> closed = fg.make_jaxpr(lambda x, y: x * y)(1.0, 1.0)
>>> eqn = closed.jaxpr.eqns[0]
>>> eqn.primitive, fx.eval_eqn(eqn, [np.array(3.0), np.array(4.0)])
(mul, [array(12.)])""",
    "eval_jaxpr": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> closed = fg.make_jaxpr(lambda x: x * 2.0)(1.0)
>>> fx.eval_jaxpr(closed.jaxpr, closed.consts, 3.0)
[array(6.)]""",
    "get_aval": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> fx.get_aval(np.ones((3, 4), np.float32))
ShapedArray(f32[3,4])""",
    "index": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> fx.index(np.arange(10), slice(2, 8, 3))
array([2, 5])
>>> fg.grad(lambda x: fx.index(x, 1) * 2)(np.ones(3))
array([0., 2., 0.])""",
    "instantiate": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> fx.instantiate(fx.Zero(fx.get_aval(np.ones(2))))
array([0., 0.])
>>> fx.instantiate(np.ones(2))
array([1., 1.])""",
    "is_eager": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> fx.is_eager()
True
>>> fg.jit(lambda x: x + float(fx.is_eager()))(1.0)
array(1.)""",
    "is_linear": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> fx.is_linear(fx.LinearArg(fx.get_aval(1.0))), fx.is_linear(np.ones(2))
(True, False)""",
    "jvp_flat": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> fx.jvp_flat(lambda x: [x * x], [3.0], [1.0])
([array(9.)], [array(6.)], PyTreeDef([*]))""",
    "linearize_flat": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> out, out_tree, lin = fx.linearize_flat(lambda x: x * x, [3.0])
>>> out, fx.pullback(lin, [1.0])
([array(9.)], [array(6.)])""",
    "linearize_program": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> closed = fg.make_jaxpr(lambda x: fg.numpy.sin(x))(0.0)
>>> lp = fx.linearize_program(closed, (True,))
>>> lp.num_res, lp.out_nonzero
(1, [True])""",
    "lru_cache_table": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> table = fx.lru_cache_table(f'example-{id(object())}', 2)
>>> table['a'], table['b'], table['c'] = 1, 2, 3  # the least recently used entry goes
>>> 'a' in table, 'c' in table
(False, True)""",
    "parse_index": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> fx.parse_index((0, slice(1, None)), 2)
((0, ('slice', 1, None, None)), [])""",
    "pullback": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> out, out_tree, lin = fx.linearize_flat(lambda x, y: x * y, [3.0, 4.0])
>>> fx.pullback(lin, [1.0])
[array(4.), array(3.)]""",
    "register": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> double_p = fx.Primitive('double_example')
>>> _ = fx.register(double_p, impl=lambda x: 2 * x, abstract_eval=lambda x: x, jvp=fx.jvp_linear,
...                transpose=lambda ct, x: [2 * ct], batch=lambda size, vals, dims: (2 * vals[0], dims[0]),
...                emit=fx.Emit('(2 * {0})', fresh=True))
...
>>> fg.grad(double_p.bind)(1.0), fg.vmap(double_p.bind)(np.arange(3.0)), fg.jit(double_p.bind)(4.0)
(np.float64(2.0), array([0., 2., 4.]), array(8.))""",
    "run_closed": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> closed = fg.make_jaxpr(lambda x: x * 2.0)(1.0)
>>> fx.run_closed(closed, 3.0)
[array(6.)]""",
    "stage_flat": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> closed, out_tree = fx.stage_flat(lambda x: x + 1.0, [fx.get_aval(np.ones(2))])
>>> [e.primitive for e in closed.jaxpr.eqns], out_tree
([add], PyTreeDef(*))""",
    "traced_program": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> program, flat_args, out_tree = fx.traced_program(fg.jit(lambda x: x + 1.0), (1.0,))
>>> [e.primitive for e in program.jaxpr.eqns], flat_args
([add], [array(1.)])""",
    "zeros_like_aval": """>>> import numpy as np
>>> import fungrad as fg
>>> from fungrad import extend as fx
>>> fx.zeros_like_aval(fx.get_aval(np.ones(2, np.float32)))
array([0., 0.], dtype=float32)""",
}
_add_examples(_EXAMPLES, globals().__getitem__)

__dir__ = __all__.copy  # dir() lists the public names only
