"""Code generation for jit: a jaxpr becomes the source of one Python function with one line of
numpy per equation, executed once and cached by the caller.

Emission is each primitive's `emit` rule, given when it is registered (fungrad._core.primitive):
`Ufunc` (a numpy ufunc called by name, or its operator text; it may write into a dead buffer
with `out=`, see passes.memory), `Emit` (a format string over the operand expressions and params,
e.g. "{0}.sum({axes})", or a function (ctx, eqn, args) -> expression or Block), or `CallImpl` (the
impl called as a global with its params bound). Scalar literals are inlined, constants are
globals. The function runs on exact ndarrays: its first lines take fungrad.Array arguments as
ndarray views, and its results come back as Arrays, 0-d ones as arrays (`as_result`), as eager
evaluation returns them. The
source is registered with linecache, so tracebacks and pdb show it.

Backends (fungrad._interp.backends): the same rules emit for other namespaces (jax.numpy as
`jnp`, cupy as `cp`, an array-API namespace as `xp`); each equation uses the first of its
primitive's rules that serves the backend, and a primitive with none raises MissingRuleError
naming the primitive and the backend. The default backend, numpy, emits exactly `prim.emit`.

Fusion (numpy backend): before planning memory, each program's large elementwise chains become
one numexpr call each (passes.fuse; `jit(..., fuse=)` picks the mode, "exact" by default, and
without numexpr the code is the unfused one).

Control flow: a rule function may return a `Block` (statements, then the result expressions)
instead of an expression, and may call `ctx.subprogram(closed)` to get a nested program generated
(optimized with the same passes) as its own function in the same source, e.g. a loop body called
from a native `for`.

Tiny values: a program whose values are all 0-d float64 or bool gets, on numpy, a second function
computing it with Python floats and `math` (fungrad._interp.scalar_emit), exact where it runs
and falling back to the numpy function for what it cannot do exactly (non-finite values, math's
errors); `generate` emits both, the fast one under the program's name (with 200+ operations and
llvmlite installed, a third: the caller of a native kernel, see scalar_emit.NATIVE_MIN_OPS).

Imports: _core, passes, scalar_emit.
"""
import functools
import itertools
import linecache
import math
import weakref

import numpy as np

from fungrad._core.errors import MissingRuleError
from fungrad._core.ir import Literal
from fungrad._core.array import ARRAY_TYPES, frozen
from fungrad._core.primitive import CallImpl, Emit, Special, Ufunc
from fungrad._core.trace import as_result
from fungrad._interp import scalar_emit
from fungrad._interp.backends import NUMPY, get_backend, missing
from fungrad._interp.passes import optimize
from fungrad._interp.passes.fuse import EXACT, emit_fused, fuse, fused_p
from fungrad._interp.passes.memory import FRESH, OUT, OUT_STRICT, VIEW, plan_memory

_counter = itertools.count()
# the fixed globals of the fungrad.Array boundary (first and return lines of a jitted function)
BOUNDARY = {"_Arrays": ARRAY_TYPES, "_view": np.ndarray.view, "_ndarray": np.ndarray,
            "_value": frozen}
_nd_view = np.ndarray.view
_PY_DTYPES = {np.dtype(np.float64), np.dtype(np.int64), np.dtype(np.bool_),
              np.dtype(np.complex128)}


class Compiled:
    """A generated function: call it with the program's flat inputs; `.source` is its code."""

    __slots__ = ("backend", "filename", "fn", "jaxpr", "source")

    def __init__(self, fn, source, jaxpr, filename, backend=NUMPY):
        self.fn = fn
        self.source = source
        self.jaxpr = jaxpr
        self.filename = filename
        self.backend = backend

    def __call__(self, *args):
        return self.fn(*args)


class Block:
    """What a rule emits for statements: source lines (relative indent), the expressions of the
    equation's results (valid after the lines ran) and temporaries to `del` once they are read."""

    __slots__ = ("dels", "lines", "results")

    def __init__(self, lines, results, dels=()):
        self.lines = lines
        self.results = results
        self.dels = list(dels)


def assign(targets, rhs):
    """A statement binding the tuple `rhs` to the names `targets` (just `rhs` if there are none)."""
    if not targets:
        return rhs
    return f"{', '.join(targets)}{',' if len(targets) == 1 else ''} = {rhs}"


class EmitContext:
    """Collects the globals of a generated function (constants, impls, non-literal params) and
    the functions generated for nested programs (`defs`, emitted before the main function).
    `backend`: the target (its namespace is the global `xp`, e.g. `np`); `fuse`: the fusion
    mode of numpy code (passes.fuse)."""

    def __init__(self, reserved=(), backend=NUMPY, fuse=EXACT):
        self.backend = backend
        self.fuse = fuse if backend is NUMPY else False
        self.xp = backend.alias
        self.globals = {"np": np, **BOUNDARY} if backend is NUMPY else backend.globals()
        self._by_id = {}
        self._keep = []
        self.defs = []
        self._subs = {}
        self._n = itertools.count()
        self._reserved = set(reserved)
        self._keep = []

    def fresh(self, hint):
        """A new identifier `hint_N`: never a memory-plan name (letters only) nor a global."""
        while True:
            name = f"{hint}_{next(self._n)}"
            if name not in self._reserved:
                return name

    def subprogram(self, closed, hint="sub", single=False):
        """Name of a generated function computing `closed` (optimized first, generated once per
        program object); it returns a tuple of the outputs, or the sole output if `single`."""
        key = (id(closed), single)
        hit = self._subs.get(key)
        if hit is not None:
            return hit[0]
        name = self.fresh(hint)
        self._subs[key] = (name, closed)  # keeps `closed` alive, so its id stays unique
        out_expr = (lambda names: names[0]) if single else None
        self.defs.append(_function(self, optimize(closed), name, out_expr, array_outs=True))
        return name

    def array(self, lit):
        """Source for a literal as a fresh array of its type (what eager evaluation passes to a
        nested program; inlined Python scalars lack array methods)."""
        v = lit.val if isinstance(lit.val, np.ndarray) else np.asarray(lit.val, lit.aval.dtype)
        g = self.glob(v, "lit")
        return f"{g}.copy()" if self.backend.inplace else g

    def operands(self, eqn, args):
        """`args` with literal operands of `eqn` as arrays (see `array`)."""
        return [self.array(v) if type(v) is Literal else a for v, a in zip(eqn.invars, args)]

    def glob(self, value, hint="_g"):
        """A global name bound to `value` (a fungrad.Array as an exact ndarray view: generated
        code runs on exact ndarrays, whose results numpy does not wrap in the subclass)."""
        name = self._by_id.get(id(value))
        if name is None:
            stem = ''.join(c for c in hint if c.isalnum() or c == '_').lstrip('_')
            fixed = len(BOUNDARY) if self.backend is NUMPY else 0
            name = f"_{stem}_{len(self.globals) - fixed}"
            if self.backend is not NUMPY:  # converted: keep the original alive, so its id
                self.globals[name] = self.backend.constant(value)  # stays unique
                self._keep.append(value)
            elif type(value) in ARRAY_TYPES:
                self._keep.append(value)  # its id stays unique while this context lives
                self.globals[name] = _nd_view(value, np.ndarray)
            else:
                self.globals[name] = value
            self._by_id[id(value)] = name
        return name

    def param(self, v):
        """Source text for a param: its repr when that is a plain literal, else a global."""
        return repr(v) if _plain(v) else self.glob(v, "p")


def _plain(v):
    if v is None or isinstance(v, (bool, int, str)):
        return True
    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, tuple):
        return all(_plain(x) for x in v)
    return False


def kind_of(eqn):
    """The memory-plan kind of an equation (see passes.memory)."""
    p = eqn.prim
    if not p.multiple_results and type(p.emit) is Ufunc and p.emit.applies(eqn):
        return OUT
    if p is fused_p:
        return OUT_STRICT
    if p.emits_fresh:
        return FRESH
    return VIEW


def _kinds_for(backend):
    """kind_of for `backend`: its rules' freshness; `out=` buffers only where it allows them."""
    if backend is NUMPY:
        return kind_of

    def kind(eqn):
        rule = eqn.prim.emit_rule(backend)
        if (backend.inplace and not eqn.prim.multiple_results and type(rule) is Ufunc
                and rule.applies(eqn)):
            return OUT
        return FRESH if getattr(rule, "fresh", False) else VIEW
    return kind


def literal_expr(ctx, lit):
    """Inline source for a literal, or a global for values Python syntax cannot give exactly."""
    v = lit.val
    if isinstance(v, (np.ndarray, np.generic)) and v.shape == () and v.dtype in _PY_DTYPES:
        v = v.item()
    if type(v) in (bool, int) or (type(v) is float and math.isfinite(v)):
        s = repr(v)
        return f"({s})" if s.startswith("-") else s
    return ctx.glob(lit.val, "lit")


_CALL_IMPL = CallImpl(fresh=True)


def _complex_scalar(eqn):
    aval = eqn.outvars[0].aval
    return aval.ndim == 0 and aval.dtype.kind == "c"


def _rule(ctx, eqn):
    """The emission rule of `eqn` for the context's backend (a Ufunc that does not apply to the
    output dtype gives way to the impl on numpy, to the next serving rule elsewhere)."""
    p = eqn.prim
    b = ctx.backend
    if b is NUMPY:
        e = p.emit
        return _CALL_IMPL if type(e) is Ufunc and not e.applies(eqn) else e
    for e in p.emit_candidates(b):
        if not (type(e) is Ufunc and not e.applies(eqn)):
            return e
    if p.emit_rules:
        raise missing(p, b, f"no rule serves it for {eqn.outvars[0].aval.str_short()}")
    raise missing(p, b)


def _emit(ctx, eqn, args):
    p = eqn.prim
    e = _rule(ctx, eqn)
    if type(e) is Ufunc:
        # The operator text ("{0} * {1}") on 0-d complex values would run numpy's scalar math,
        # whose complex multiply rounds differently from the ufunc loop eager evaluation uses
        # (0-d results are numpy scalars here): call the ufunc by name for those.
        if e.text is not None and not _complex_scalar(eqn):
            return e.text.format(*args)
        name = e.name if ctx.backend is NUMPY else ctx.backend.ufunc(p, e)
        return f"{name}({', '.join(args)})"
    if type(e) is Emit:
        if isinstance(e.rule, str):
            return e.rule.format(*args, xp=ctx.xp,
                                 **{k: ctx.param(v) for k, v in eqn.params.items()})
        return e.rule(ctx, eqn, args)
    if type(e) is Special:
        if getattr(ctx.backend.special_namespace(), e.name, None) is None:
            raise missing(p, ctx.backend, f"its special-function namespace has no {e.name!r}")
        return f"special.{e.name}({', '.join(args)})"
    if type(e) is CallImpl:
        impl = functools.partial(p.impl, **eqn.params) if eqn.params else p.impl
        return f"{ctx.glob(impl, p.name)}({', '.join(args)})"
    raise MissingRuleError(f"primitive '{p.name}' has no code emission rule, so jit cannot "
                           "compile it (register it with emit=...).")


def _tuple(items):
    return f"({', '.join(items)}{',' if len(items) == 1 else ''})"


def generate(closed, name="jitted", out_expr=None, backend=NUMPY, fuse=EXACT, plain=False):
    """(source, globals) of a function computing `closed`; out_expr(names) builds the returned
    expression from the output expressions (default: a tuple). Functions of nested programs
    come first in the source. `backend`: the target namespace (default numpy); `fuse`: the
    elementwise fusion mode for numpy (passes.fuse: "exact", "approx" or False); `plain`: the
    results as the ndarrays numpy computed (0-d ones as arrays), not fungrad.Array values, for
    a client that keeps the values itself (the torch shim's tensors)."""
    ctx = EmitContext(reserved=(name,), backend=get_backend(backend), fuse=fuse)
    main = None
    j = closed.jaxpr
    if (ctx.backend is NUMPY and not plain and scalar_emit.applies(closed)  # 0-d f64/bool
            # an output that may be an argument through views (stop_gradient) is returned as
            # that very object by the numpy function's boundary
            and all(v in j.invars for v in _argument_aliases(j))):
        general = ctx.fresh(f"{name}_numpy")
        fast = scalar_emit.scalar_function(ctx, closed, name, out_expr, general)
        if fast is not None:
            main = _function(ctx, closed, general, out_expr) + "\n" + fast
    if main is None:
        main = _function(ctx, closed, name, out_expr, plain=plain)
    return "\n".join(ctx.defs + [main]), ctx.globals


def _function(ctx, closed, name, out_expr, array_outs=False, plain=False):
    """Source of one `def` computing `closed` (ending with a newline). Literal outputs are
    returned as arrays; `array_outs` (nested programs) skips normalizing 0-d results; `plain`
    (see generate) returns ndarray results as they are."""
    if ctx.fuse:
        closed = fuse(closed, ctx.fuse)
    j = closed.jaxpr
    plan = plan_memory(j, _kinds_for(ctx.backend))
    names = dict(plan.names)
    for v, c in zip(j.constvars, closed.consts):
        names[v] = ctx.glob(c, "c")

    def expr(a):
        return literal_expr(ctx, a) if type(a) is Literal else names[a]

    lines = [f"def {name}({', '.join(names[v] for v in j.invars)}):"]
    aliases = {}  # output var -> the arguments it may be (through equations that may alias)
    boundary = not array_outs and ctx.backend is NUMPY
    if boundary:  # fungrad.Array arguments run as exact ndarrays (numpy on a subclass wraps
        # every intermediate result, about 0.5 us per operation)
        aliases = _argument_aliases(j)
        kept = set().union(*aliases.values()) if aliases else set()
        arr, view, nd = "_Arrays", "_view", "_ndarray"
        unwrap = []
        for v in j.invars:
            n = names[v]
            if v in kept:
                unwrap.append(f"{n}_arg = {n}")
            unwrap.append(f"{n} = {n} if type({n}) not in {arr} else {view}({n}, {nd})")
            if v in kept:  # the planner may reuse the name `n` for a later result
                unwrap.append(f"{n}_nd = {n}")
        if unwrap:  # one line, the first of the body
            lines.append(f"    {'; '.join(unwrap)}")
        arg_names = {v: names[v] for v in j.invars}
    for eqn, (outs, buf, dels) in zip(j.eqns, plan.steps):
        args = [expr(v) for v in eqn.invars]
        if buf is not None and eqn.prim is fused_p:
            rhs = emit_fused(ctx, eqn, args, out=buf)
        elif buf is not None:
            fn = (eqn.prim.ufunc_name if ctx.backend is NUMPY
                  else ctx.backend.ufunc(eqn.prim, eqn.prim.emit_rule(ctx.backend)))
            rhs = f"{fn}({', '.join(args)}, out={buf})"
        else:
            rhs = _emit(ctx, eqn, args)
            if type(rhs) is Block:
                block = rhs
                lines.extend(f"    {ln}" for ln in block.lines)
                rhs = _tuple(block.results) if eqn.prim.multiple_results else block.results[0]
                dels = list(dels) + block.dels
        for v, n in zip(eqn.outvars, outs):
            names[v] = n
        if eqn.prim.multiple_results:
            lhs = (", ".join(outs) + ("," if len(outs) == 1 else "")) if outs else "_"
        else:
            lhs = outs[0]
        lines.append(f"    {lhs} = {rhs}")
        if dels:
            lines.append(f"    del {', '.join(dels)}")
    results = [ctx.array(v) if type(v) is Literal else expr(v) for v in j.outvars]
    if boundary:  # the program's results as eager evaluation returns them: Array values,
        # 0-d where numpy gives numpy scalars (as_result), an argument passed through as itself
        as_res, value = ctx.glob(as_result, "as_result"), "_value"
        wrapped = []
        for v, r in zip(j.outvars, results):
            w = (f"{as_res}({r})" if type(v) is Literal or v.aval.ndim == 0
                 else r if plain else f"{value}({r})")
            # an argument returned as it is (an identity, a view that is its operand) is
            # returned as the object passed, as eager evaluation does
            if v in arg_names:
                w = f"{arg_names[v]}_arg"
            else:
                for a in aliases.get(v, ()) if type(v) is not Literal else ():
                    n = arg_names[a]
                    w = f"({n}_arg if {r} is {n}_nd else {w})"
            wrapped.append(w)
        results = wrapped
    elif not array_outs and ctx.backend.scalar_results:  # 0-d values as eager evaluation gives
        results = [f"{ctx.glob(as_result, 'as_result')}({r})"
                   if type(v) is not Literal and v.aval.ndim == 0 else r
                   for v, r in zip(j.outvars, results)]
    ret = _tuple(results) if out_expr is None else out_expr(results)
    lines.append(f"    return {ret}")
    return "\n".join(lines) + "\n"


def _argument_aliases(j):
    """For each output of program `j` that may be one of its arguments at run time (the
    argument itself, or the result of equations that may return an operand: memory kind VIEW),
    the set of those arguments."""
    may_be = {v: {v} for v in j.invars}
    for eqn in j.eqns:
        if kind_of(eqn) == VIEW:
            src = set().union(*[may_be.get(v, ()) for v in eqn.invars if type(v) is not Literal])
            if src:
                for o in eqn.outvars:
                    may_be[o] = src
    return {v: may_be[v] for v in j.outvars if type(v) is not Literal and v in may_be}


class _CustomNode(Exception):
    pass


def pytree_expr(tree):
    """A function building the output pytree `tree` in generated code from the output
    expressions, or None where the tree has custom nodes (the caller unflattens)."""
    def build(td, it):
        if td.node is None:
            return next(it)
        inner = [build(c, it) for c in td.children()]
        if td.kind is tuple:
            return f"({', '.join(inner)}{',' if len(inner) == 1 else ''})"
        if td.kind is list:
            return f"[{', '.join(inner)}]"
        if td.kind is type(None):
            return "None"
        if td.kind is dict and all(type(k) in (str, int) for k in td.aux):
            return "{" + ", ".join(f"{k!r}: {v}" for k, v in zip(td.aux, inner)) + "}"
        raise _CustomNode
    try:
        build(tree, iter([""] * tree.num_leaves))
    except (_CustomNode, RecursionError):
        return None
    return lambda names: build(tree, iter(names))


def compile_jaxpr(closed, name="jitted", out_expr=None, backend=NUMPY, fuse=EXACT, plain=False):
    """Generate, exec once and register with linecache; returns a Compiled (the generated
    function, not yet `backend.finish`ed). `plain`: see generate."""
    backend = get_backend(backend)
    source, glb = generate(closed, name, out_expr, backend, fuse, plain)
    tag = "" if backend is NUMPY else f":{backend.name}"
    filename = f"<fungrad-jit-{next(_counter)}:{name}{tag}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), glb)  # noqa: S102 - running generated code is the point
    fn = glb[name]
    # the source stays visible to tracebacks and pdb while the function lives, and no longer
    weakref.finalize(fn, linecache.cache.pop, filename, None)
    return Compiled(fn, source, closed, filename, backend)
