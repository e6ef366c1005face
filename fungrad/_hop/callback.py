"""Callbacks into Python from running programs: debug_callback_p (effectful: debug.print,
debug.callback) and pure_callback_p (a pure host function with declared result types).

Both carry the Python function as the param `callback`, taking and returning flat lists of
arrays (fungrad.debug wraps the user's function with its pytree structure). The generated code of
jit calls the impl, and so the callback, each time the program runs; tracing only records them.

debug_callback_p, registered with effect=True (the optimizer never removes, merges, folds or
reorders it past another effect), has no outputs. Its JVP binds it on the primal operands only,
so grad prints the primal values once, in the forward pass; there is nothing to transpose. Under
vmap it is called once per example (JAX's behaviour), with that example's values.

pure_callback_p is pure (unused results may be removed, equal calls merged). It is not
differentiable: a nonzero tangent raises, naming the fix (a custom_jvp / custom_vjp around it).
Under vmap it follows `vmap_method`: "sequential" calls it once per example and stacks the
results; "expand_dims" calls it once with the batched operands (batch axis in front) and the
unbatched ones given a leading axis of size 1; "broadcast_all" broadcasts every operand to the
batch size. None raises, as in JAX.

Imports: _core, _lax.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import MissingRuleError, ShapeError
from fungrad._core.primitive import NOT_LINEAR, CallImpl, Exempt, Primitive, register
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero
from fungrad._lax import broadcast_batch, concatenate, getitem, moveaxis, reshape
from fungrad._lax.indexing import FULL

VMAP_METHODS = ("sequential", "sequential_unrolled", "expand_dims", "broadcast_all")


def _example(v, d, i):
    """Example i of operand v batched along d (v itself where d is None)."""
    if d is None:
        return v
    return getitem(v, (FULL,) * d + (i,))


# ---- debug_callback_p
debug_callback_p = Primitive("debug_callback", multiple_results=True)


def _debug_impl(*args, callback, name):
    callback(*[np.asarray(a) for a in args])
    return []


def _debug_jvp(primals, tangents, *, callback, name):
    debug_callback_p.bind(*primals, callback=callback, name=name)  # primal values only, as JAX
    return [], []


def _debug_batch(size, vals, dims, *, callback, name):
    for i in range(size):  # once per example, in order
        debug_callback_p.bind(*[_example(v, d, i) for v, d in zip(vals, dims)],
                              callback=callback, name=name)
    return [], []


register(debug_callback_p, impl=_debug_impl, abstract_eval=lambda *avals, **p: [],
         jvp=_debug_jvp,
         transpose=Exempt("no outputs and no linear operands: its JVP binds it on primal "
                          "values only, so it never appears in a linear program"),
         batch=_debug_batch, emit=CallImpl(), effect=True)


def debug_callback(callback, args, name="debug_callback"):
    """Call `callback(*arrays)` whenever the program runs (see the module docstring)."""
    debug_callback_p.bind(*args, callback=callback, name=name)


# ---- pure_callback_p
pure_callback_p = Primitive("pure_callback", multiple_results=True)


def _pure_impl(*args, callback, result_avals, vmap_method, name):
    outs = callback(*[np.asarray(a) for a in args])
    if len(outs) != len(result_avals):
        raise ShapeError(f"pure_callback({name}): the callback returned {len(outs)} arrays, but "
                         f"result_shape_dtypes declares {len(result_avals)}.")
    checked = []
    for i, (o, a) in enumerate(zip(outs, result_avals)):
        o = np.asarray(o)
        if o.shape != a.shape:
            raise ShapeError(f"pure_callback({name}): result {i} has shape {o.shape}, but "
                             f"result_shape_dtypes declares {a.str_short()}. Fix: return arrays "
                             "of the declared shapes (or declare the shapes returned).")
        checked.append(o.astype(a.dtype, copy=False) if o.dtype != a.dtype else o)
    return checked


def _pure_abstract(*avals, callback, result_avals, vmap_method, name):
    return list(result_avals)


def _pure_jvp(primals, tangents, **params):
    if any(type(t) is not Zero for t in tangents):
        raise MissingRuleError(
            f"pure_callback({params['name']}) is not differentiable: fungrad cannot see inside "
            "the Python function. Fix: wrap the function calling pure_callback in "
            "fungrad.custom_jvp (or custom_vjp) and give its derivative there.")
    outs = pure_callback_p.bind(*primals, **params)
    return outs, [Zero(get_aval(o).to_tangent_aval()) for o in outs]


def _stack(xs):
    return concatenate([reshape(x, (1, *get_aval(x).shape)) for x in xs], 0)


def _pure_batch(size, vals, dims, *, callback, result_avals, vmap_method, name):
    params = dict(callback=callback, vmap_method=vmap_method, name=name)
    if vmap_method in ("sequential", "sequential_unrolled"):
        per = [pure_callback_p.bind(*[_example(v, d, i) for v, d in zip(vals, dims)],
                                    result_avals=result_avals, **params) for i in range(size)]
        return [_stack([p[k] for p in per]) for k in range(len(result_avals))], \
            [0] * len(result_avals)
    if vmap_method in ("expand_dims", "broadcast_all"):
        moved = []
        for v, d in zip(vals, dims):
            if d is not None:
                moved.append(moveaxis(v, d, 0))
            elif vmap_method == "broadcast_all":
                moved.append(broadcast_batch(v, size, 0))
            else:
                moved.append(reshape(v, (1, *get_aval(v).shape)))
        avals = tuple(shaped((size, *a.shape), a.dtype) for a in result_avals)
        return pure_callback_p.bind(*moved, result_avals=avals, **params), [0] * len(avals)
    raise NotImplementedError(
        f"pure_callback({name}) under vmap needs vmap_method: one of {', '.join(VMAP_METHODS)} "
        f"(got {vmap_method!r}). 'sequential' calls the function once per example; "
        "'expand_dims' / 'broadcast_all' once, with the batch as a leading axis.")


register(pure_callback_p, impl=_pure_impl, abstract_eval=_pure_abstract, jvp=_pure_jvp,
         transpose=NOT_LINEAR, batch=_pure_batch, emit=CallImpl(fresh=True))


def pure_callback_flat(callback, result_avals, args, vmap_method=None, name="pure_callback"):
    """Bind pure_callback_p: `callback(*arrays) -> list of arrays` of `result_avals`."""
    if vmap_method is not None and vmap_method not in VMAP_METHODS:
        raise ValueError(f"pure_callback: vmap_method must be None or one of "
                         f"{', '.join(VMAP_METHODS)}, got {vmap_method!r}")
    return pure_callback_p.bind(*args, callback=callback, result_avals=tuple(result_avals),
                                vmap_method=vmap_method, name=name)
