"""apply(): the one entry point of every differentiable Tensor op.

``fn`` is a function of the operands' values written with fungrad.numpy / fungrad._lax. With grad
mode on and an operand requiring grad, the core's ``linearize_flat`` runs it: the primal is computed
concretely and the op's linear (tangent) program recorded; its residuals are the op's saved
tensors. The OpNode made here transposes that program in backward (``backward_pass``). Otherwise
``fn`` just runs on the values. Dual tensors (forward AD) get their tangents from the core's jvp.
"""
import traceback
import types
import weakref

import numpy as np

import fungrad.numpy as fnp

from fungrad.extend import quiet_fp_errors
from fungrad.extend import ARRAY_TYPES, pullback
from fungrad import jit
from fungrad.errors import ConcretizationError
from fungrad.extend import Literal
from fungrad.extend import Primitive
from fungrad.extend import linearize_flat
from fungrad.extend import Zero
from fungrad.extend import compiled as compile_program
from fungrad.extend import EVAL_TRACE, current_trace
from fungrad.extend import traced_program
from fungrad.extend import lru_cache_table
from fungrad.torch import _dtype, _graph_names
from fungrad.torch._direct import OpLinear, op_program
from fungrad.torch._forward import propagate
from fungrad.torch._grad_mode import ANOMALY, GRAD
from fungrad.torch._node import Node, node_class
from fungrad.torch._saved_specs import TORCH_SAVED
from fungrad.torch._state import DUAL_LEVEL, SAVED_HOOKS
from fungrad.torch._tensor import Tensor, _new

__all__ = ["apply", "record", "OpNode"]



_E6 = ("one of the variables needed for gradient computation has been modified by an inplace "
       "operation: [{typ} [{shape}]]{which} is at version {now}; expected version {then} instead. "
       "Hint: {hint}")
_E6_HINT = ("enable anomaly detection to find the operation that failed to compute its "
            "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")
_E6_HINT_ANOMALY = ("the backtrace further above shows the operation that failed to compute its "
                    "gradient. The variable in question was changed in there or anywhere later. "
                    "Good luck!")
E3 = ("Trying to backward through the graph a second time (or directly access saved tensors "
      "after they have already been freed). Saved intermediate values of the graph are freed when "
      "you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
      "through the graph a second time or if you need to access saved tensors after calling "
      "backward.")
_I1 = ("Inference tensors cannot be saved for backward. Please do not use Tensors created in "
       "inference mode in computation tracked by autograd. To work around this, you can make a "
       "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
       "`torch.inference_mode()`.")


def short_name(name):
    """``Exp`` for ``ExpBackward0``: the token torch's in-place error message uses."""
    name = name.rsplit("::", 1)[-1]
    i = name.find("Backward")
    if i <= 0:
        return name
    n = name[i + len("Backward"):]
    return name[:i] + (n if n != "0" else "")


class OpNode(Node):
    """The grad_fn of one recorded op: its OpLinear (the backward) and the edges to its inputs."""

    # class-level defaults of the per-node state (set per node by _record where it differs)
    _lin = None
    _fn = None  # the op function and operand values (_f: its partial in the differentiated ones)
    _vals = None
    _dvals = None
    _diff = ()
    _saved = ()
    _freed = False
    _args = ()
    n_outputs = 1
    has_saved = False

    def __getattr__(self, name):
        """``_saved_<x>`` / ``_raw_saved_<x>``: what torch's node of this name saves as x."""
        raw = name.startswith("_raw_saved_")
        if not (raw or name.startswith("_saved_")):
            raise AttributeError(name)
        key = name[len("_raw_saved_" if raw else "_saved_"):]
        specs = _spec(self)
        spec = {n: (src, need) for n, src, need in specs or () if n}
        if key not in spec and not (key in ("self", "other") and specs is None):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        if self._freed:
            raise RuntimeError(E3)
        src, need = spec[key] if key in spec else (("self", "other").index(key), None)
        if not _wanted(need, self._args):  # saved only for a grad that is needed
            return None
        v = self._source(src)
        if isinstance(v, Tensor):
            packed = self._packed.get(id(v)) if self._packed else None
            if raw:
                st = SavedTensor(v, packed)
                if packed is None:
                    self._raw = (self._raw or []) + [st]
                return st
            return packed[1](packed[0]) if packed is not None else v
        if raw:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        return v

    def _source(self, src):
        if src == "result":
            return self._output(0)
        if isinstance(src, str) and src.startswith("result:"):
            return self._output(int(src[7:]))
        if isinstance(src, str):
            return (self._extra or {}).get(src)
        a = self._args[src] if src < len(self._args) else None
        if a is None or isinstance(a, Tensor):
            return a
        return _new(np.asarray(a))  # a Python-scalar operand, saved as a 0-dim tensor

    def _output(self, k):
        """Output ``k`` (None where there is none): the tensor while it lives, else rebuilt from
        the saved value as torch unpacks a saved output (the node keeps outputs by value:
        _stored), with this node as its grad_fn."""
        ref = self._result if k == 0 else self._results[k] if k < len(self._results) else None
        t = ref() if ref is not None else None
        if t is None:
            for vc, _then, v, nr in self._saved:
                if nr == k:
                    t = _new(v)
                    t._vc, t._requires_grad, t.grad_fn, t._output_nr = vc, True, self, k
                    break
        return t

    _packed = None
    _extra = None
    _result = None
    _results = ()
    _saved_key = None  # the _TORCH_SAVED key where a call site's operands differ from the name's
    _op = None  # the op function (make_saved_specs.py names call sites by it)
    _raw = None

    def check_saved(self):
        if self._freed:
            raise RuntimeError(E3)
        for vc, then, t, out_nr in self._saved:
            if vc.v != then:
                if out_nr is not None:  # an output of this node (its number)
                    which = f", which is output {out_nr} of {short_name(self.name())},"
                elif t.grad_fn is not None:
                    which = f", which is output {t._output_nr} of {short_name(t.grad_fn.name())},"
                else:
                    which = ""
                hint = _E6_HINT_ANOMALY if ANOMALY.get()[0] else _E6_HINT
                shape = ", ".join(map(str, t.shape)) if t is not None else ""
                dt = None if t is None else t.dtype if out_nr is not None else t._value.dtype
                typ = _dtype.cpp_type_name(dt) if t is not None else "Tensor"
                raise RuntimeError(_E6.format(typ=typ, shape=shape, which=which, now=vc.v,
                                              then=then, hint=hint))

    def apply(self, grads, create_graph):
        """Gradients for next_functions (None where none) from grads of the outputs."""
        lin = self._lin
        n = len(self.next_functions)
        if create_graph:
            return _apply_with_graph(self, grads, n)
        out_zero = lin.out_zero
        if len(out_zero) == 1 and not out_zero[0]:  # one output
            if grads[0] is None:
                return [None] * n
            cts = grads
        else:
            cts = [g for g, z in zip(grads, out_zero) if not z]
            if all(c is None for c in cts):
                return [None] * n
        residuals = lin.residuals
        xs = None
        if self._unpack is not None:  # saved-tensor hooks: unpack on every access, as torch
            residuals = self._unpack(residuals)
            if type(residuals) is tuple:  # inputs torch saves: their unpacked values
                residuals, xs = residuals
        for st in self._raw or ():
            st.unpack()
        cts = _torch_cts(cts)
        if xs is not None:
            _, _, lin2 = linearize_flat(self._f, xs)
            back = pullback(lin2, cts)
        else:
            back = lin.pullback(cts, residuals)
        out = [None] * n
        for i, c in zip(self._diff, back):
            if c is not None and type(c) is not Zero:
                dt = getattr(c, "dtype", None)
                out[i] = c if dt is None or dt.kind != "c" else conj_complex(c)  # (_torch_cts)
        return out

    _unpack = None

    @property
    def _f(self):
        """The op as a function of its differentiated operands (double backward, saved-tensor
        hooks), made on demand: most nodes never need it."""
        return None if self._fn is None else _partial(self._fn, self._vals, self._diff)

    def release(self):
        if self.has_saved:
            self._lin = self._fn = self._vals = self._dvals = None
            self._freed = True


def _torch_cts(cts):
    """The core's cotangents for torch's grads ``cts``. torch's gradient of a complex value is
    the conjugate of the core's (JAX's) cotangent: a node's backward in torch's convention is
    conj(vjp(conj(grad))), conjugating complex values only (torch's |z|^2 has grad 2z, the core's
    vjp 2 conj(z)); OpNode.apply conjugates the complex results back."""
    for c in cts:
        if c is not None and type(c) is not Zero and c.dtype.kind == "c":
            return [conj_complex(c) for c in cts]
    return cts


def conj_complex(c):
    """conj of a complex value (traced too), anything else as it is: between the core's
    cotangents and torch's gradients of complex values (see _torch_cts)."""
    if c is None or type(c) is Zero or getattr(c, "dtype", None) is None or c.dtype.kind != "c":
        return c
    return np.conj(c) if isinstance(c, np.ndarray) else fnp.conj(c)


def _apply_with_graph(node, grads, n):
    """create_graph: the backward of the node is itself a recorded op (the core's vjp of fn)."""
    f, dvals, nd = node._f, node._dvals, len(node._diff)
    n_out = len(node._lin.out_avals)

    def bwd(*xs_cts):  # in torch's convention for complex values (see _torch_cts)
        xs, cts = xs_cts[:nd], [conj_complex(c) for c in xs_cts[nd:]]
        _, _, lin = linearize_flat(f, list(xs))
        return tuple(conj_complex(c) for c in pullback(lin, cts))

    edges = [node.next_functions[i] for i in node._diff]
    cts_args = [g for g in grads] + [None] * (n_out - len(grads))
    vals = list(dvals) + [g._value if isinstance(g, Tensor) else g for g in cts_args]
    if not _graph_names.depends_on_inputs(node.name(), bwd, vals, nd, _names_key(node, f, vals)):
        edges = [None] * nd  # a linear op's grad: no graph back to its inputs (as in torch)
    outs = record(_graph_names.backward_name(node.name()), bwd, vals,
                  edges + [g._edge() if isinstance(g, Tensor) and g._requires_grad else None
                           for g in cts_args], tuple_out=True)
    if not any(o is not None and o._requires_grad for o in outs):
        outs = [o if o is None else _new(o._value) for o in outs]
    res = [None] * n
    for i, o in zip(node._diff, outs):
        res[i] = o
    return res


def _names_key(node, f, vals):
    try:
        fk = _fn_key(f) if type(f) is types.FunctionType else None
    except _NotStatic:
        return None
    if fk is None:
        return None
    return (node.name(), fk, tuple(None if v is None else (np.shape(v), np.result_type(v))
                                   for v in vals))


_STATIC = (int, float, bool, str, type(None), np.dtype, type, types.BuiltinFunctionType,
           np.ufunc, type(Ellipsis))
_jit_cache = lru_cache_table("torch_op_programs", 4096)
# library functions' closure keys, computed once: id -> (function, key)
_lib_keys = lru_cache_table("torch_op_library_keys", 4096)
_UNCACHEABLE = object()


class _NotStatic(Exception):
    pass


def _key(v):
    """A hashable key for a closure value that fixes the traced program, or _NotStatic."""
    t = type(v)
    if t is tuple or t is list:  # (a list by its contents at this call: the key is made per call)
        return (t, tuple(_key(x) for x in v))
    if t is types.ModuleType:
        return (t, id(v))
    if t is types.FunctionType:
        if getattr(v, "_tf_dispatch", False):  # a public op (torch.overrides), lives forever
            return (t, id(v))
        if v.__module__.startswith("fungrad."):  # a library function (fnp.multiply, ...)
            hit = _lib_keys_d.get(id(v))
            if hit is not None and hit[0] is v:
                return hit[1]
            k = _fn_key(v)
            _lib_keys[id(v)] = (v, k)  # holds v, so its id is not reused while here
            return k
        return _fn_key(v)
    if t in _STATIC or isinstance(v, np.dtype):
        return (t, v)
    if t is slice:  # an index (unhashable before Python 3.12)
        return (t, _key(v.start), _key(v.stop), _key(v.step))
    if t is Primitive:  # a module-level singleton (lax's reductions hold theirs)
        return (t, id(v))
    if t is types.MethodType and isinstance(v.__self__, Primitive):
        return (t, v)
    raise _NotStatic


def _fn_key(fn):
    t = type(fn)
    if t is types.MethodType:
        # a primitive's bind (lax.erf, lax.logistic, ...): the code is shared, the primitive not
        if isinstance(fn.__self__, Primitive):
            return (fn.__func__.__code__, id(fn.__self__))
        raise _NotStatic
    if t is not types.FunctionType:
        raise _NotStatic
    cells = fn.__closure__
    contents = tuple(_cell_key(c) for c in cells) if cells else ()
    return (fn.__code__, contents, _key(fn.__defaults__ or ()))


_EMPTY = ("empty cell",)  # the key of a closure cell never assigned (the code cannot read it)


def _cell_key(c):
    try:
        v = c.cell_contents
    except ValueError:
        return _EMPTY
    return _key(v)


class _OpId:
    """One op definition (code and static closure values, as `_fn_key` tells them apart), as a
    key that hashes by identity: the op tables' keys hold it, not the nested `_fn_key` tuple
    (whose code objects hash anew on every lookup)."""

    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key


_op_ids = lru_cache_table("torch_op_ids", 4096)  # _fn_key(fn) -> its _OpId
# (id(code), cell values and their types) -> (code, _OpId): an op closure's id without walking
# the values the closure holds (library functions, their closures) on every call
_closure_ids = lru_cache_table("torch_op_closure_ids", 4096)
# cell values that enter the raw key as they are, with their type: `==` within one of these
# types is what _key tells apart (functions and methods by identity: the memo maps them to the
# value key, so a closure made anew per call still finds its op's id)
_RAW = {int, float, bool, complex, str, type(None), type, types.FunctionType, types.MethodType,
        types.BuiltinFunctionType, np.ufunc}
_RAW.update(type(np.dtype(c)) for c in np.typecodes["All"])


# functions whose closure values and defaults never change -> their _OpId: module-level
# library functions (fungrad.numpy's, the shim's own), and the op functions the shim makes once
# per dtype and marks with `static_op`. An identity lookup instead of walking the closure.
_static_ids = lru_cache_table("torch_static_op_ids", 4096)
# the tables' dicts, read without the recency refresh on the hot path (LRUCache.fast)
_static_ids_d, _closure_ids_d, _lib_keys_d = _static_ids.fast, _closure_ids.fast, _lib_keys.fast


def static_op(fn):
    """Marks ``fn`` (made once and kept, e.g. per dtype) as an op whose closure values never
    change, so that _op_id finds it by identity; returns fn."""
    try:
        _static_ids[fn] = _op_id(fn)
    except (_NotStatic, RecursionError):
        pass  # not cacheable: apply runs it uncached, as any such op
    return fn


def _op_id(fn):
    """The _OpId of ``fn`` (raises _NotStatic or RecursionError where it has none)."""
    try:
        hit = _static_ids_d.get(fn)
    except TypeError:  # an unhashable callable (a method of an unhashable object)
        hit = None
    if hit is not None:
        return hit
    if type(fn) is types.FunctionType and "<locals>" not in fn.__qualname__ and (
            fn.__module__ or "").startswith("fungrad."):
        oid = _static_ids[fn] = _op_id_of(fn)  # a module-level library function
        return oid
    return _op_id_of(fn)


def _op_id_of(fn):
    if type(fn) is types.FunctionType and fn.__defaults__ is None:
        code = fn.__code__
        cells = fn.__closure__
        if cells is None:
            raw = id(code)
        else:
            raw = [id(code)]
            for c in cells:
                try:
                    v = c.cell_contents
                except ValueError:  # an empty cell
                    raw.append(_EMPTY)
                    continue
                t = type(v)
                if t in _RAW:
                    raw.append(t)
                    raw.append(v)
                else:  # a tuple, list, slice, dtype, module, primitive (or _NotStatic)
                    raw.append(_key(v))
            raw = tuple(raw)
        try:
            hit = _closure_ids_d.get(raw)
        except TypeError:  # an unhashable value (a bound method of an unhashable object)
            raise _NotStatic from None
        if hit is not None and hit[0] is code:
            return hit[1]
        oid = _interned(_fn_key(fn))
        _closure_ids[raw] = (code, oid)
        return oid
    return _interned(_fn_key(fn))


def _interned(key):
    oid = _op_ids.get(key)
    if oid is None:
        oid = _op_ids[key] = _OpId(key)
    return oid


def compiled(fn):
    """``fn`` under the core's jit, cached per code object and static closure values, so an op
    is traced once per signature and then runs as generated code (its linearization, partial
    evaluation and transpose are derived and cached by jit_p). None when not cacheable."""
    try:
        key = _fn_key(fn)
    except (_NotStatic, RecursionError):  # RecursionError: a closure that holds itself
        return None
    j = _jit_cache.get(key)
    if j is None:
        j = _jit_cache[key] = _Guarded(fn)
    return j if j.ok else None


class _Guarded:
    """A jitted op that falls back to plain evaluation if it cannot be traced."""

    __slots__ = ("jitted", "fn", "ok")

    def __init__(self, fn):
        self.jitted, self.fn, self.ok = jit(fn), fn, True

    def __call__(self, *args):
        try:
            return self.jitted(*args)
        except ConcretizationError:
            self.ok = False
            return self.fn(*args)


# quiet_fp_errors (np.errstate(all="ignore"), cheaper): torch does not warn on nan/inf results

_SCALARS = (float, int, bool, complex)
_ARRAYS = (np.ndarray, *ARRAY_TYPES)  # what compiled programs take as they are
# An op's one lookup on the hot path (the jit trace, linearization and compiles run on a miss):
# (op code and static closure values, operand signature) -> the compiled op, for an op that
# records nothing; (..., differentiated operands) -> (OpProgram, the jitted op) for one that does
_op_calls = lru_cache_table("torch_op_calls", 4096)


def _leaves(vals):
    return [v if type(v) in _ARRAYS else np.asarray(v) for v in vals]


def _run(fn, vals, key):
    """``fn(*vals)`` of an op not found in _op_calls under ``key``: as the op's
    compiled program where it can be jitted (stored under ``key`` where not None)."""
    fast = compiled(fn)
    if fast is None:
        return fn(*vals)
    if key is not None:
        try:
            program = traced_program(fast.jitted, vals)
        except ConcretizationError:
            program = None  # fast(*vals) below marks the op as not jittable
        if program is not None and len(program[1]) == len(vals):
            closed, leaves, out_tree = program
            run = _op_calls[key] = compile_program(closed, out_tree=out_tree, plain=True).fn
            return run(*leaves)
    return fast(*vals)


_NO_EDGE = (None, 0)
_EVAL = type(EVAL_TRACE)
_quiet_enter, _quiet_exit = quiet_fp_errors.enter, quiet_fp_errors.exit


def apply(name, fn, args, view=False, tuple_out=False, saved=None):
    """Run ``fn(*values)`` on the operands ``args`` (Tensors or constants); record a node.
    ``saved``: the _TORCH_SAVED key of what torch saves, where this call's operands are not the
    ones of the node named ``name`` (F.linear's (input, weight, bias) for AddmmBackward0)."""
    grad_on = GRAD.get()
    vals = []
    diff = []
    sig = []  # _signature(vals), built in the same pass
    scalars = dual = False
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            if a._base is not None and grad_on:
                current_view(a)  # its base's history changed since: the view's follows
            v = a._value
            if grad_on and a._requires_grad:
                diff.append(i)
            if a._fw is not None:
                dual = True
        else:
            v = a
        vals.append(v)
        if sig is not None:
            t = type(v)
            if t is np.ndarray or t in ARRAY_TYPES:
                sig.append((v.shape, v.dtype))
            elif t in _SCALARS:
                sig.append(t)
                scalars = True  # compiled programs take it as a 0-d array (_leaves)
            else:
                sig = None
    # the op's key in _op_calls: (its _OpId, the operands' signature), None where the op is not
    # cached (an operand jit does not take as it is, closure values that are not static, inside
    # a transform)
    key = None
    if sig is not None and type(current_trace()) is _EVAL:  # (is_eager, inlined)
        try:
            key = (_op_id(fn), tuple(sig))
        except (_NotStatic, RecursionError):  # RecursionError: a closure that holds itself
            pass
    token = _quiet_enter()  # (with quiet_fp_errors(), in two calls)
    try:
        if not diff:
            run = _op_calls.get(key) if key is not None else None
            if run is not None:
                out = run(*_leaves(vals)) if scalars else run(*vals)
            else:
                out = _run(fn, vals, key)
            res = _wrap(out, tuple_out)
        else:
            nexts = [_NO_EDGE] * len(args)  # the node's next_functions
            for i in diff:
                nexts[i] = args[i]._edge()
            plan = _op_calls.get((*key, tuple(diff))) if key is not None else None
            if plan is not None and plan.name == name and plan.saved == saved:
                res = _planned(plan, fn, vals, diff, tuple(nexts), tuple_out, args, scalars)
            else:
                res = _record(name, fn, vals, diff, tuple(nexts), tuple_out, args, True, key,
                              saved, scalars, plan)
    finally:
        _quiet_exit(token)
    if view:
        src = args[0]
        base = src._base if src._base is not None else src
        multi = isinstance(res, tuple)
        for k, r in enumerate(res if multi else (res,)):
            r._base, r._vc = base, src._vc
            # how r was taken from src (an in-place change of r rewrites base's history with
            # it: _ops_inplace.rebase_base)
            r._view_of = (src, fn, vals[1:], k if multi else None)
            # the base's history the view's was taken from, and the shared version then
            r._view_stamp, r._view_version = base.grad_fn, src._vc.v
    if dual and DUAL_LEVEL.get() is not None:
        with quiet_fp_errors():
            propagate(fn, args, vals, res)
    return res


def view_chain(t):
    """The function taking ``t``'s base value to ``t``'s (the view ops recorded by apply, base
    first), or None where a link was not made by apply."""
    base = t._base
    chain = []
    v = t
    while v is not base:
        link = v._view_of
        if link is None:
            return None
        chain.append(link[1:])
        v = link[0]
    chain.reverse()

    def view(b):
        for fn, rest, k in chain:
            b = fn(b, *rest)
            if k is not None:
                b = b[k]
        return b
    return view


def current_view(t):
    """``t`` with its history current where it is a view whose base changed in place since
    (refresh_view): before an in-place op snapshots ``t``'s graph position."""
    if t._base is not None and GRAD.get() and t._view_stamp is not t._base.grad_fn:
        refresh_view(t)


def refresh_view(t):
    """``t``'s history taken anew from its base's current one (torch regenerates a view's
    grad_fn once its base was changed in place: AsStridedBackward0); its value is the base's
    memory already."""
    base = t._base
    changed = t._view_version != t._vc.v  # written in place since (not detach_ / requires_grad_)
    t._view_stamp, t._view_version = base.grad_fn, t._vc.v
    view = view_chain(t) if changed else None
    if view is None:
        return  # (a view made another way, or a base whose values did not change)
    fresh = apply("AsStridedBackward0", view, [base])
    t.grad_fn, t._output_nr, t._requires_grad = fresh.grad_fn, fresh._output_nr, \
        fresh._requires_grad


def record(name, fn, vals, edges, tuple_out=False):
    """Like apply, for values with explicit edges (None: constant); used by create_graph."""
    diff = [i for i, e in enumerate(edges) if e is not None]
    with quiet_fp_errors():
        if not diff:
            return _wrap(fn(*vals), tuple_out)
        nexts = tuple(e if e is not None else _NO_EDGE for e in edges)
        return _record(name, fn, vals, diff, nexts, tuple_out, None, False, None)


def _wrap(out, tuple_out):
    if isinstance(out, (tuple, list)):
        return tuple(_new(o) for o in out)
    return (_new(out),) if tuple_out else _new(out)


def _linearize(fn, vals, diff, jit_op, key):
    """(outputs, is_tuple, OpLinear, the function the node differentiates again) of an op seen
    for the first time at this signature: with ``jit_op`` the op's compiled linearization (an
    OpProgram, kept in a _Plan under ``key`` + the differentiated operands, which _record finds
    on later calls), else the core's linearize_flat."""
    fast = None
    if jit_op:
        fast = compiled(fn)
        if fast is not None:
            found = op_program(fast.jitted, vals, diff)
            if found is not None:
                prog, leaves = found
                if key is not None:
                    _op_calls[(*key, tuple(diff))] = _Plan(prog, fast)
                return (*prog.run(leaves), fast)
    fn_run = fn if fast is None else fast
    outs, tree, linear_fn = linearize_flat(_partial(fn_run, vals, diff), [vals[i] for i in diff])
    return outs, tree.node is not None, OpLinear.interpreted(linear_fn), fn_run


def _partial(fn, vals, diff):
    """``fn`` as a function of the differentiated operands only."""
    if len(diff) == len(vals):
        return fn

    def f(*xs):
        v = list(vals)
        for i, x in zip(diff, xs):
            v[i] = x
        return fn(*v)
    return f


class _Plan:
    """What a recorded op derives once per signature (op, operand avals, differentiated
    operands), found by _record in _op_calls: the compiled linearization (OpProgram) and the jitted
    op, and for the node name and saved-key it was bound to (``bind``, on the first call with
    args) its node class, torch's saved-tensor record resolved for these differentiated operands
    ((operand, None) or (None, output number) pairs), and the operands and outputs torch does not
    save (a residual that is one of them is copied)."""

    __slots__ = ("prog", "fast", "name", "saved", "cls", "saved_key", "specs", "tsaved",
                 "others", "other_outs", "saves_outputs")

    def __init__(self, prog, fast):
        self.prog, self.fast, self.name = prog, fast, None

    def bind(self, name, saved, fn, diff, nargs):
        self.name, self.saved = name, saved
        self.cls = node_class(name, OpNode)
        key = saved if saved is not None else site_key(fn, name)
        self.saved_key = key
        self.specs = specs = _TORCH_SAVED.get(key or name)
        if specs is None:
            return
        dset = set(diff)
        tsaved = []
        for _name, src, need in specs:
            if need is not None and not any(i in dset for i in need):
                continue  # saved only for the grad of an operand that needs none here
            pos = _source(src)
            if pos is not None and (pos[0] < nargs if pos[1] is None else pos[1] < self.prog.m):
                tsaved.append(pos)
        self.tsaved = tuple(tsaved)
        self.saves_outputs = any(k is not None for _i, k in tsaved)
        self.others = tuple(i for i in range(nargs) if (i, None) not in tsaved)
        self.other_outs = tuple(k for k in range(self.prog.m) if (None, k) not in tsaved)


def _planned(plan, fn, vals, diff, nexts, tuple_out, args, scalars):
    """_record's work for an op whose plan is bound to this name and saved-key (the hot path of
    every recorded op: the same steps, without the general path's branches)."""
    prog = plan.prog
    outs = prog.fwd(*_leaves(vals)) if scalars else prog.fwd(*vals)
    m = prog.m
    node = plan.cls()
    node.next_functions = nexts
    node._lin = lin = OpLinear.compiled(prog.out_avals, prog.out_zero, outs[m:], prog.program,
                                        prog.bwd)
    node._dvals = vals if len(diff) == len(vals) else [vals[i] for i in diff]
    node._diff, node._fn, node._vals, node._args, node._op = diff, plan.fast, vals, args, fn
    if m != 1:
        node.n_outputs = m
    if ANOMALY.get()[0]:
        node._anomaly_tb = "".join(traceback.format_stack()[:-3])
    if m == 1:
        o = outs[0]
        t = _new(o)
        if o.dtype.kind in "fc":
            t._requires_grad = True
            t.grad_fn = node
        res = [t]
        node._result = weakref.ref(t)
    else:
        res = _results(node, outs[:m])
    if plan.saved_key is not None:
        node._saved_key = plan.saved_key
    specs = plan.specs
    if specs is not None:
        if not _planned_saved(node, plan, lin, vals, args, res):
            _torch_saved(node, lin, vals, args, res, specs)
    elif lin.residuals:  # (a compiled OpLinear has no eqns: no literal to look at)
        _find_saved(node, lin, vals, args, res)
    if prog.multi or tuple_out:
        return tuple(res)
    return res[0]


def _results(node, outs):
    """The output tensors of ``node`` (the floating ones its outputs, numbered), which it
    references weakly."""
    res = []
    for k, o in enumerate(outs):
        t = _new(o)
        if o.dtype.kind in "fc":
            t._requires_grad = True
            t.grad_fn = node
            t._output_nr = k
        res.append(t)
    if res:
        node._result = weakref.ref(res[0])
        if len(res) > 1:
            node._results = [weakref.ref(r) for r in res]
    return res


_LOOKUP = object()


def _record(name, fn, vals, diff, nexts, tuple_out, args, jit_op, key, saved=None,
            scalars=True, plan=_LOOKUP):
    if plan is _LOOKUP:
        plan = _op_calls.get((*key, tuple(diff))) if jit_op and key is not None else None
    if plan is not None:
        prog = plan.prog
        outs = prog.fwd(*_leaves(vals)) if scalars else prog.fwd(*vals)
        m = prog.m
        lin = OpLinear.compiled(prog.out_avals, prog.out_zero, outs[m:], prog.program, prog.bwd)
        outs, multi, fn_run = outs[:m], prog.multi, plan.fast
        if plan.name != name or plan.saved != saved:  # (a plan is found only with args)
            if plan.name is None:
                plan.bind(name, saved, fn, diff, len(args))
            else:
                plan = None  # bound to another name at this signature: the general path
    else:
        outs, multi, lin, fn_run = _linearize(fn, vals, diff, jit_op, key)
    node = (plan.cls if plan is not None else node_class(name, OpNode))()
    node.next_functions = nexts
    node._lin, node._dvals, node._diff = lin, [vals[i] for i in diff], diff
    node._fn, node._vals = fn_run, vals
    node.n_outputs = len(outs)
    if args is not None:
        node._args = args
    if ANOMALY.get()[0]:
        node._anomaly_tb = "".join(traceback.format_stack()[:-3])
    res = _results(node, outs)
    node._op = fn
    if plan is not None:
        saved, specs = plan.saved_key, plan.specs
    else:
        if saved is None:
            saved = site_key(fn, name)
        # node.name() is `name` (node_class keeps the qualified name)
        specs = _TORCH_SAVED.get(saved or name) if args is not None else None
    if saved is not None:
        node._saved_key = saved
    if specs is not None:
        if plan is None or not _planned_saved(node, plan, lin, vals, args, res):
            _torch_saved(node, lin, vals, args, res, specs)
    elif lin.residuals or (lin.eqns and any(isinstance(v, np.ndarray) and v.ndim == 0
                                            for v in vals)):
        _find_saved(node, lin, vals, args, res)
    if multi or tuple_out:
        return tuple(res)
    return res[0]


def _planned_saved(node, plan, lin, vals, args, res):
    """_torch_saved with the plan's resolved record: False (nothing set) where the general path
    must run (saved-tensor hooks, an operand that is not a Tensor, a residual that is or may view
    an operand or output torch does not save)."""
    if SAVED_HOOKS.get():
        return False
    saved = []
    for i, k in plan.tsaved:
        if k is None:
            t = args[i]
            if type(t) is not Tensor:
                if isinstance(t, Tensor):
                    return False
                continue  # a scalar or constant operand: nothing to version-check
            if t._inference:
                raise RuntimeError(_I1)
        else:
            t = res[k]
        saved.append((t._vc, t._vc.v, t, k))
    consts = lin.residuals
    if consts and (plan.others or plan.other_outs):
        for c in consts:
            if not isinstance(c, np.ndarray):
                continue
            for s in saved:
                if c is s[2]._value:
                    break  # a tensor torch saves: version-checked
            else:
                b = c.base
                if b is not None and type(c) in ARRAY_TYPES:
                    b = b.base  # the core's results are Array views of a fresh ndarray
                for i in plan.others:
                    a = args[i]
                    if isinstance(a, Tensor) and (c is a._value or b is not None and
                                                  np.may_share_memory(c, a._value)):
                        return False  # it is or may view an operand torch does not save
                for k in plan.other_outs:
                    v = res[k]._value
                    if c is v or b is not None and np.may_share_memory(c, v):
                        return False
    node._saved = _stored(saved) if plan.saves_outputs else saved
    node.has_saved = bool(consts) or bool(saved)
    return True


def _stored(saved):
    """A node's saved entries (version counter, version, tensor, output number) as the node
    keeps them: an output by its value array, not the tensor (whose grad_fn is the node: a
    reference cycle per op, left to the garbage collector; check_saved needs only its shape and
    dtype)."""
    for s in saved:
        if s[3] is not None:
            return [s if s[3] is None else (s[0], s[1], s[2]._value, s[3]) for s in saved]
    return saved


def _torch_tensors(specs, args, res):
    """The tensors torch's node saves in this call: [(tensor, its output number or None)]."""
    out = []
    for _name, src, need in specs:
        if need is not None and not _wanted(need, args):
            continue
        t = _tensor_of(src, args, res)
        if t is not None:
            out.append((t, None if type(src) is int else 0 if src == "result" else int(src[7:])))
    return out


def _residual_ids(lin):
    """The ids of the arrays the op's linear program keeps (its residuals and array literals)."""
    ids = {id(c) for c in lin.residuals}
    for eqn in lin.eqns:
        for v in eqn.invars:
            if type(v) is Literal and isinstance(v.val, np.ndarray):
                ids.add(id(v.val))
    return ids


def _find_saved(node, lin, vals, args, res):
    """Where torch's node is not known: the inputs/outputs the linear program keeps (by
    identity: the core hands residuals back as the operand and result objects they are) are
    version-checked and make the node free its values after backward."""
    ids = _residual_ids(lin)
    node.has_saved = bool(ids)
    saved = []
    if args is not None:
        for a, v in zip(args, vals):
            if isinstance(a, Tensor) and id(v) in ids:
                if a._inference:
                    raise RuntimeError(_I1)
                saved.append((a._vc, a._vc.v, a, None))
    for k, t in enumerate(res):
        if id(t._value) in ids:
            saved.append((t._vc, t._vc.v, t, k))
    node._saved = _stored(saved)
    hooks = SAVED_HOOKS.get()
    if hooks:
        _pack(node, saved, hooks[-1])


def _torch_saved(node, lin, vals, args, res, specs):
    """Where torch's node is known (``specs``): torch's saved tensors are version-checked
    (also where the core keeps another value: sin keeps cos(x), torch keeps x); an input or
    output the linear program keeps, or views, that torch does not save is copied instead, so
    that modifying it in place neither raises (as in torch) nor changes the gradient."""
    tsaved = _torch_tensors(specs, args, res)
    for t, k in tsaved:
        if k is None and t._inference:
            raise RuntimeError(_I1)
    node._saved = _stored([(t._vc, t._vc.v, t, k) for t, k in tsaved])
    consts = lin.residuals
    ids = _residual_ids(lin) if consts or lin.eqns else ()
    node.has_saved = bool(ids) or bool(tsaved)
    if consts:
        tids = {id(t) for t, _ in tsaved}
        others = [(a, v) for a, v in zip(args, vals) if isinstance(a, Tensor) and id(a) not in tids]
        others += [(t, t._value) for t in res if id(t) not in tids]
        copies = None
        views = [c for c in consts if getattr(c, "base", None) is not None]
        for _t, v in others:
            if not isinstance(v, np.ndarray):
                continue
            if id(v) in ids and v.ndim:
                copies = copies or {}
                copies[id(v)] = v.copy()
            for c in views:  # a residual viewing it (svd keeps a reshaped x)
                if c is not v and np.may_share_memory(c, v):
                    copies = copies or {}
                    copies[id(c)] = c.copy()
        if copies:
            lin.residuals = [copies.get(id(c), c) for c in consts]
            if node._dvals is not None:
                node._dvals = [copies.get(id(c), c) for c in node._dvals]
    hooks = SAVED_HOOKS.get()
    if hooks:
        _pack_as_torch(node, args, res, hooks[-1])


def _pack(node, saved, hooks):
    pack, unpack = hooks
    packed = [(id(t._value), pack(t)) for _, _, t, _ in saved]

    def unpack_all(consts):
        repl = {}
        for key, p in packed:
            u = unpack(p)
            repl[key] = u._value if isinstance(u, Tensor) else u
        return [repl.get(id(c), c) for c in consts]

    node._unpack = unpack_all


# What torch's node of each name saves (generated from real torch: _saved_specs.py), plus the
# non-tensor arguments it saves that the shim keeps in the node's _extra.
_TORCH_SAVED = dict(TORCH_SAVED)
_TORCH_SAVED["PowBackward0"] = _TORCH_SAVED["PowBackward0"] + (("exponent", "exponent", None),)


def _spec(node):
    return _TORCH_SAVED.get(node._saved_key or node.name())


# id of an op function's code -> (the code, {node name: its call-site key in _TORCH_SAVED or None})
_sites = {}


def site_key(fn, name):
    """The _TORCH_SAVED key of the call site whose op function is ``fn`` and node ``name``
    ("module:qualname|name"), where the generated table has one (an op that is one node here and
    several in torch, whose node name's record does not fit), else None."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    hit = _sites.get(id(code))  # by id: a code object hashes its contents on every lookup
    if hit is None or hit[0] is not code:
        hit = _sites[id(code)] = (code, {})  # holds the code, so its id is not reused
    names = hit[1]
    k = names.get(name, False)
    if k is False:
        k = f"{fn.__module__}:{code.co_qualname}|{name}"
        k = names[name] = k if k in _TORCH_SAVED else None
    return k


def _wanted(need, args):
    """Whether a tensor torch saves for the gradients of operands ``need`` (None: always) is
    saved in this call (one of those operands requires grad)."""
    if need is None:
        return True
    n = len(args)
    for i in need:  # (a loop, not any(): this runs for every recorded op)
        if i < n:
            a = args[i]
            if isinstance(a, Tensor) and a._requires_grad:
                return True
    return False


def _source(src):
    """(operand index, None) or (None, output number) of a spec's source, None for a non-tensor
    argument torch saves (a name)."""
    if type(src) is int:
        return src, None
    if src == "result":
        return None, 0
    if src.startswith("result:"):
        return None, int(src[7:])
    return None


def _tensor_of(src, args, res):
    """The input or output tensor a spec's source names (None: a scalar or absent one)."""
    pos = _source(src)
    if pos is None:
        return None
    i, k = pos
    if k is None:
        t = args[i] if i < len(args) else None
    else:
        t = res[k] if k < len(res) else None
    return t if isinstance(t, Tensor) else None


class SavedTensor:
    """``grad_fn._raw_saved_<x>``: one saved tensor, with register_hooks(pack, unpack)."""

    def __init__(self, tensor, packed):
        self._tensor, self._packed = tensor, packed

    def register_hooks(self, pack_hook, unpack_hook):
        if self._packed is not None:
            raise RuntimeError("SavedTensor hooks have already been set")
        self._packed = (pack_hook(self._tensor), unpack_hook)

    def unpack(self):
        return self._packed[1](self._packed[0]) if self._packed else self._tensor


def _pack_as_torch(node, args, res, hooks):
    """Saved-tensor hooks as torch calls them: pack each tensor torch's node saves, in its
    order (an input only when the grad it serves is needed); unpack all of them, in the same
    order, on every backward through the node; an unpacked value replaces the residual held
    in the same buffer."""
    pack, unpack = hooks
    packed = []
    for _name, src, need in _spec(node):
        if not _wanted(need, args):
            continue
        t = _tensor_of(src, args, res)
        if t is None:
            continue
        if t._inference:
            raise RuntimeError(_I1)
        packed.append((t, id(t._value), pack(t)))
    node._packed = {id(t): (p, unpack) for t, _, p in packed}
    pos = {id(a): k for k, a in enumerate(args)}

    def unpack_all(consts):
        repl = {}
        xs = list(node._dvals) if node._dvals is not None else None
        changed = False
        for t, key, p in packed:
            u = unpack(p)
            uv = u._value if isinstance(u, Tensor) else u
            repl[key] = uv
            i = pos.get(id(t))
            if xs is not None and i is not None and i in node._diff and uv is not t._value:
                xs[node._diff.index(i)] = uv
                changed = True
        consts = [repl.get(id(c), c) for c in consts]
        return (consts, xs) if changed else consts

    node._unpack = unpack_all
    node.has_saved = node.has_saved or bool(packed)
