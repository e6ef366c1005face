"""jit_p: the call primitive carrying a sub-program (`jaxpr`, a ClosedJaxpr with concrete consts).

`jit` binds it; each rule transforms the sub-program and binds jit_p again, so grad, vmap, jvp and
nesting all pass through jit without re-tracing the user's function. Transformed sub-programs and
compiled code are cached per program object, so eager grad(jit(f)) derives and compiles once.

Imports: _core, _lax, _interp.
"""
from __future__ import annotations

from fungrad._core.cache import lru_cache_table
from fungrad._core.linear_arg import is_linear
from fungrad._core.lists import merge, partition
from fungrad._core.primitive import Emit, Primitive, register
from fungrad._core.trace import bind_on, current_trace
from fungrad._core.zero import Zero, zeros_like_aval
from fungrad._core.tree import tree_unflatten
from fungrad._interp.backends import NUMPY, get_backend
from fungrad._interp.codegen import compile_jaxpr, pytree_expr
from fungrad._interp.jaxpr_transforms import (
    batch_jaxpr,
    jvp_jaxpr,
    partial_eval_jaxpr,
    transpose_jaxpr,
)
from fungrad._interp.passes import optimize
from fungrad._interp.passes.fuse import EXACT
from fungrad._core.eval import run_closed
from fungrad._interp.linearize import linearize_flat
from fungrad._interp.staging import StagingTrace, StagingTracer, hoist_consts, stage_flat
from fungrad._hop._util import emit_call
from fungrad._lax import moveaxis
from typing import Any, Sequence

jit_p = Primitive("jit", multiple_results=True)

_derived = lru_cache_table("jit_derived", 4096)  # (rule, program, key) -> transformed program(s)
_compiled = lru_cache_table("jit_compiled", 4096)  # program -> Compiled


def derived(rule, closed, key, make):
    """Cached `make()`: the transform `rule` of program `closed` with settings `key`."""
    return _derived.get_or_make((rule, closed, key), make)


def compiled(closed: Any, name: str = "jitted", out_tree: Any = None, backend: Any = NUMPY,
             options: Any = (), fuse: Any = EXACT, plain: bool = False) -> Any:
    """The generated code for `closed` (optimized first, unless optimize made it), compiled once
    per program object, output tree and backend: the one compile path of jit. With `out_tree`
    the function returns that pytree (built in the generated code, or unflattened after it where
    the tree has custom nodes); without, a tuple of the outputs. `backend` (a name or
    fungrad._interp.backends.Backend) is the target of code emission, `options` (pairs) what
    its finishing step takes (jax: in_shardings, out_shardings); `fuse` the elementwise fusion
    mode of numpy code ("exact", "approx" or False; fungrad._interp.passes.fuse); `plain` (numpy)
    returns the ndarrays numpy computed rather than fungrad.Array values (0-d results as arrays),
    for a client that keeps the values itself (fungrad.torch's tensors)."""
    backend = get_backend(backend)

    def make():
        out_expr = None if out_tree is None else pytree_expr(out_tree)
        c = compile_jaxpr(optimize(closed), name, out_expr, backend, fuse, plain)
        if backend is not NUMPY:
            c.fn = backend.finish(c.fn, closed, dict(options))
        if out_tree is not None and out_expr is None:
            flat = c.fn
            c.fn = lambda *xs: tree_unflatten(out_tree, flat(*xs))
            inner = getattr(flat, "jax_function", None)
            if inner is not None:
                c.fn.jax_function = lambda *xs: tree_unflatten(out_tree, inner(*xs))
        return c
    key = (closed, out_tree) if backend is NUMPY and not options and fuse == EXACT and not plain \
        else (closed, out_tree, backend, tuple(options), fuse, plain)
    return _compiled.get_or_make(key, make)


class LinearizedProgram:
    """A program split for reverse mode: `forward` maps the inputs to (outputs..., residuals...),
    `backward` maps (residuals..., cotangents of the nonzero outputs...) to the cotangents of the
    differentiated inputs; `out_nonzero` marks the outputs with a tangent."""

    __slots__ = ("forward", "tangent", "backward", "num_res", "out_nonzero")

    def __init__(self, forward, tangent, backward, num_res, out_nonzero):
        self.forward = forward
        self.tangent = tangent  # (residuals..., input tangents...) -> nonzero output tangents
        self.backward = backward
        self.num_res = num_res
        self.out_nonzero = out_nonzero


def linearize_program(closed: Any, diff_mask: Sequence[bool]) -> LinearizedProgram:
    """The one linearization of a program (cached per program and mask), in one trace: the
    program is run under the direct linearize (LinearizeTrace) of a staging trace, so its
    primal operations become the forward program and its tangent operations the linear program,
    whose residuals (values of the forward program it reads) become extra forward outputs; the
    linear program's transpose is the backward program. Two traces in all (this and the
    transpose), where JVP + partial evaluation + transpose took three."""
    diff_mask = tuple(diff_mask)
    return derived("linearize", closed, diff_mask, lambda: _linearize(closed, diff_mask))


def _linearize(closed, diff_mask):
    found = {}

    def forward(*primals):
        def f(*diff):
            it = iter(diff)
            return run_closed(closed, *[next(it) if m else p for p, m in zip(primals, diff_mask)])
        outs, _, lin = linearize_flat(f, [p for p, m in zip(primals, diff_mask) if m],
                                      "linearize of a program")
        tangent, residuals = hoist_consts(lin.jaxpr, only_tracers=True)
        found.update(tangent=tangent, num_res=len(residuals), out_zero=lin.out_zero)
        return list(outs) + residuals

    fwd, _ = stage_flat(forward, list(closed.in_avals), "linearize of a program")
    num_res, nd = found["num_res"], sum(diff_mask)
    linear_in = [False] * num_res + [True] * nd
    tangent = found["tangent"]
    backward = transpose_jaxpr(tangent, linear_in)
    # the linear program's transpose is jit_p's transpose rule's too (see _jvp): made once
    _derived[("transpose", tangent, tuple(linear_in))] = backward
    return LinearizedProgram(fwd, tangent, backward, num_res, [not z for z in found["out_zero"]])


def _impl(*args, jaxpr):
    return compiled(jaxpr).fn(*args)


def _abstract_eval(*avals, jaxpr):
    return jaxpr.out_avals


def _jvp(primals, tangents, *, jaxpr):
    nonzeros = tuple(type(t) is not Zero for t in tangents)
    trace = current_trace()
    if type(trace) is StagingTrace and trace.forward_known and _only_tangents_traced(
            trace, primals, tangents):
        return _linearized(trace, primals, tangents, nonzeros, jaxpr)
    j, out_nz = derived("jvp", jaxpr, nonzeros, lambda: jvp_jaxpr(jaxpr, list(nonzeros)))
    outs = jit_p.bind(*primals, *[t for t in tangents if type(t) is not Zero], jaxpr=j)
    n = len(jaxpr.out_avals)
    it = iter(outs[n:])
    out_t = [next(it) if nz else Zero(a.to_tangent_aval())
             for a, nz in zip(jaxpr.out_avals, out_nz)]
    return list(outs[:n]), out_t


def _only_tangents_traced(trace, primals, tangents):
    """Whether this JVP runs under the direct linearize: the tangents are tracers of the
    tangent program being recorded (`trace`) and the primals are not."""
    for p in primals:
        if type(p) is StagingTracer and p._trace is trace:
            return False
    for t in tangents:
        if type(t) is not Zero and not (type(t) is StagingTracer and t._trace is trace):
            return False
    return True


def _linearized(trace, primals, tangents, nonzeros, jaxpr):
    """jit_p's JVP under the direct linearize (eager grad/vjp of a jitted function, and their
    staged forms): the program's one linearization (linearize_program) runs its forward program
    on the primals one trace down, and its linear program is recorded on the residuals and the
    tangents; the backward pass transposes that record with the transpose linearize_program
    made. JVP + partial evaluation of the JVP program, the general route, trace the program
    twice to get the same split."""
    lp = linearize_program(jaxpr, nonzeros)
    outs = bind_on(trace.parent, jit_p, primals, {"jaxpr": lp.forward})
    n = len(jaxpr.out_avals)
    res = outs[n:]
    it = iter(())
    if any(lp.out_nonzero):
        t_in = [t for t in tangents if type(t) is not Zero]
        it = iter(trace.record(jit_p, [*res, *t_in], {"jaxpr": lp.tangent}))
    out_t = [next(it) if nz else Zero(a.to_tangent_aval())
             for a, nz in zip(jaxpr.out_avals, lp.out_nonzero)]
    return list(outs[:n]), out_t


def _transpose(cts, *args, jaxpr):
    linear_in = tuple(is_linear(a) for a in args)
    t = derived("transpose", jaxpr, linear_in, lambda: transpose_jaxpr(jaxpr, list(linear_in)))
    cts = [zeros_like_aval(a.to_tangent_aval()) if c is None or type(c) is Zero else c
           for c, a in zip(cts, jaxpr.out_avals)]
    outs = iter(jit_p.bind(*[a for a in args if not is_linear(a)], *cts, jaxpr=t))
    return [next(outs) if lin else None for lin in linear_in]


def _batch(size, vals, dims, *, jaxpr):
    in_batched = tuple(d is not None for d in dims)
    vals = [v if d is None or d == 0 else moveaxis(v, d, 0) for v, d in zip(vals, dims)]
    b, out_batched = derived("batch", jaxpr, (size, in_batched),
                             lambda: batch_jaxpr(jaxpr, size, list(in_batched)))
    outs = jit_p.bind(*vals, jaxpr=b)
    return outs, [0 if ob else None for ob in out_batched]


def _partial_eval(trace, args, *, jaxpr):
    """Known operands run now (on the parent trace); only the unknown part is recorded."""
    unknowns = tuple(type(a) is StagingTracer and a._trace is trace for a in args)
    known, unknown, out_uk, num_res = derived(
        "partial_eval", jaxpr, unknowns, lambda: partial_eval_jaxpr(jaxpr, list(unknowns)))
    k_args, u_args = partition(args, unknowns)
    known_outs = bind_on(trace.parent, jit_p, k_args, {"jaxpr": known})
    n_known = len(known_outs) - num_res
    res = list(known_outs[n_known:])
    unknown_outs = _record(trace, res + u_args, unknown) if any(out_uk) else []
    return merge(out_uk, known_outs[:n_known], unknown_outs)


def _record(trace, args, closed):
    """Append `jit_p(*args)` to a staging trace as is (no further partial evaluation)."""
    return trace.record(jit_p, args, {"jaxpr": closed})


register(jit_p, impl=_impl, abstract_eval=_abstract_eval, jvp=_jvp, transpose=_transpose,
         batch=_batch, partial_eval=_partial_eval, emit=Emit(emit_call("jaxpr", "jit")),
         inline=True)
