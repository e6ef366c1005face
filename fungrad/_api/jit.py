"""jit: trace once per input signature, optimize the program, run generated numpy code.

The cache key is the argument pytree's structure, each leaf's (shape, dtype, weak type) and the
static arguments' values. Under a transform, jit binds jit_p with the cached program, so
grad(jit(f)), vmap(jit(f)) etc. transform the program instead of re-tracing f.

`backend` is the target of code emission (fungrad._interp.backends): "numpy" (the default),
"jax" (jax.numpy/jax.lax source compiled with jax.jit), "cupy", "dask" or "array_api" (the
namespace of the arguments, through array-api-compat). Other backends take their own arrays as
arguments (jax, cupy, dask arrays, torch tensors) and return theirs (dask: computed, numpy).
Under a fungrad transform (grad(jit(f, backend=...))) the program is transformed and runs on
numpy, as any jit; transform first and compile last (jit(grad(f), backend=...)).

Python side effects in `fun` (print, appending to a list) run when it is traced, i.e. on the
first call with each new signature, not on every call, as in JAX.

Imports: _core, _interp, _hop, _api.args.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence, overload

from fungrad._core.typing import Fun
import functools
import inspect

import numpy as np

from fungrad._core.traceback_util import api_boundary
from fungrad._api.args import as_leaf, check_callable
from fungrad._api.config import jit_disabled
from fungrad._core.array import ARRAY_TYPES
from fungrad._core.aval import shaped
from fungrad._core.cache import lru_cache_table
from fungrad._core.trace import EVAL_TRACE, Tracer, current_trace_var
from fungrad._core.tree import tree_flatten, tree_unflatten
from fungrad._hop.call import compiled, jit_p
from fungrad._interp.backends import NUMPY, for_arguments, get_backend
from fungrad._interp.passes import optimize
from fungrad._interp.passes.fuse import EXACT, check_mode as check_fuse
from fungrad._interp.staging import abstractify, hoist_consts, stage_flat


_programs = lru_cache_table("jit", 4096)  # (function, statics, signature) -> _Entry


def _infer_static(fun, nums, names):
    """Complete static_argnums from static_argnames and back through `fun`'s signature (as JAX
    does), so a static argument may be passed by position or by keyword."""
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):  # builtins and some callables have no signature
        return nums, names
    positional = [p.name for p in params
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    nums = set(nums) | {positional.index(n) for n in names if n in positional}
    names = set(names) | {positional[i] for i in nums if -len(positional) <= i < len(positional)
                          and params[i % len(positional)].kind != inspect.Parameter.POSITIONAL_ONLY}
    return tuple(sorted(nums)), tuple(sorted(names))


def traced_program(jitted: Any, args: Sequence[Any]) -> Any:
    """(optimized program, flat arguments, output tree) that `jitted(*args)` runs, or None where
    it closes over values of an enclosing transform (fungrad.extend)."""
    entry, leaves, traced = jitted._entry(tuple(args), {})
    if traced or entry.extra:
        return None
    return entry.jaxpr, leaves, entry.out_tree


def _leaf_aval(orig, leaf):
    """The aval a leaf is staged with: a Python scalar argument stays weakly typed (so
    jit(lambda x, s: x * s)(f32 array, 2.0) is float32, as eagerly), other leaves their own."""
    if _foreign(leaf):
        return shaped(tuple(int(d) for d in leaf.shape), _foreign_dtype(leaf.dtype))
    return abstractify(orig if type(orig) in (bool, int, float, complex) else leaf)


def _foreign(x):
    """An array of another library (jax, cupy, dask, torch), passed as is to backends."""
    return (not isinstance(x, (np.ndarray, np.generic, Tracer)) and hasattr(x, "shape")
            and hasattr(x, "dtype"))


def _foreign_dtype(dtype):
    try:
        return np.dtype(dtype)
    except TypeError:  # torch.float32 and the like
        return np.dtype(str(dtype).rsplit(".", 1)[-1])


def _backend_leaf(x):
    return x if _foreign(x) else as_leaf(x)


_FOREIGN_TYPES: set[type] = set()  # array types of other libraries met by backends, whose shape is a tuple


class _NotBuiltin(Exception):
    """A leaf container jit's fast key does not know: fall back to tree_flatten."""


_KEY_ARRAYS = frozenset((np.ndarray, *ARRAY_TYPES))
_KEY_SCALARS = frozenset((float, int, bool, complex))


def _fast_key(x, sig, leaves, traced, foreign=False):
    """The structure-and-aval key of a pytree of builtin containers, as one flat token sequence
    appended to `sig` that parses back unambiguously (a container's type and length, or a
    dict's sorted keys, before its items; an array's shape and dtype; a Python number's type; a
    tracer's (shape, dtype, weak type)), and its leaves appended to `leaves` in tree_flatten's
    order (`traced` gets an entry per tracer; `foreign`: arrays of other libraries too, for
    backends other than numpy). Anything else raises _NotBuiltin (then tree_flatten keys it).
    One walk for jit's direct path and its general one; flat tokens cost less than nested key
    tuples (a 2-layer parameter list: 4.0 vs 4.8 us per call)."""
    t = type(x)
    if t is tuple or t is list:
        sig.append(t)
        sig.append(len(x))
        items = x
    elif t is dict:
        try:
            keys = sorted(x)
        except TypeError:  # unorderable keys: tree_flatten explains them
            raise _NotBuiltin from None
        sig.append(dict)
        sig.append(tuple(keys))
        items = [x[k] for k in keys]
    else:
        items = (x,)
    for c in items:  # array leaves inline: a call per leaf is most of the key's cost
        tc = type(c)
        if tc in _KEY_ARRAYS:  # generated code takes Arrays as ndarray views
            sig.append(c.shape)
            sig.append(c.dtype)
            leaves.append(c)
        elif tc in _KEY_SCALARS:
            sig.append(tc)
            leaves.append(np.asarray(c))
        elif c is None:
            sig.append(None)
        elif tc in _FOREIGN_TYPES and foreign:
            sig.append(tc)
            sig.append(c.shape)
            sig.append(c.dtype)
            leaves.append(c)
        elif tc is tuple or tc is list or tc is dict:
            _fast_key(c, sig, leaves, traced, foreign)
        elif isinstance(c, Tracer):
            traced.append(True)
            leaves.append(c)
            a = c.aval
            sig.append((a.shape, a.dtype, a.weak_type))
        elif isinstance(c, np.generic):
            sig.append(c.shape)
            sig.append(c.dtype)
            leaves.append(np.asarray(c))
        elif foreign and _foreign(c):
            if type(c.shape) is tuple:  # jax, cupy, dask arrays: seen again by type
                _FOREIGN_TYPES.add(tc)
            sig.append(tc)
            sig.append(tuple(c.shape))
            sig.append(c.dtype)
            leaves.append(c)
        else:
            raise _NotBuiltin


class _Entry:
    __slots__ = ("extra", "fast", "jaxpr", "out_tree", "source")

    def __init__(self, jaxpr, out_tree, extra):
        self.jaxpr = jaxpr
        self.out_tree = out_tree
        self.extra = extra
        self.fast = None
        self.source = None


class Lowered:
    """What jit runs for one signature: the optimized program and the generated source.

    `repr` (and the notebook view) show both, the source headed by what each of its globals is
    (`_c_1`: a constant's type and value, `_p_2`: a param, ...); `.constants` maps those names
    to the values; `.graph()` / `.to_dot()` draw the program.

    >>> import numpy as np, fungrad as fg
    >>> lowered = fg.jit(lambda x: x * np.arange(2.0)).lower(np.ones(2))
    >>> print(lowered.annotated_source())
    # globals of the generated code (np is numpy; _Arrays, _view, _ndarray, _value: the boundary):
    #   _c_1  f64[2] [0. 1.]
    def jitted(a):
        a = a if type(a) not in _Arrays else _view(a, _ndarray)
        a = a * _c_1
        return _value(a)
    <BLANKLINE>
    """

    __slots__ = ("jaxpr", "source", "_fuse", "_globals")

    def __init__(self, jaxpr, source, fuse=EXACT):
        self.jaxpr = jaxpr
        self.source = source
        self._fuse = fuse
        self._globals = None

    def as_text(self) -> str:
        return str(self.jaxpr)

    @property
    def constants(self):
        """{global name: value} for the names the generated source uses besides `np`."""
        if self._globals is None:
            self._globals = _source_globals(self.jaxpr, self.source, self._fuse)
        return dict(self._globals)

    def annotated_source(self):
        """The generated source, headed by a comment naming each global it uses."""
        from fungrad._core.display import value_preview
        consts = self.constants
        if not consts:
            return self.source
        w = max(map(len, consts))
        head = ["# globals of the generated code (np is numpy; _Arrays, _view, _ndarray, _value: "
                "the boundary):"]
        head += [f"#   {k.ljust(w)}  {value_preview(v)}" for k, v in consts.items()]
        return "\n".join(head) + "\n" + self.source

    def to_dot(self, name="program"):
        return self.jaxpr.to_dot(name)

    def graph(self, name="program"):
        return self.jaxpr.graph(name)

    def __repr__(self):
        return f"Lowered(\n{self.jaxpr}\n--- generated ---\n{self.annotated_source()})"

    def _repr_pretty_(self, p, cycle):
        p.text("Lowered(...)" if cycle else
               f"Lowered(\n{self.jaxpr.pretty_print(getattr(p, 'max_width', 79))}\n"
               f"--- generated ---\n{self.annotated_source()})")

    def _repr_html_(self):
        import html
        from fungrad._core.display import jaxpr_html
        src = html.escape(self.annotated_source())
        extra = ('<details open><summary><b>generated source</b></summary>'
                 f'<pre>{src}</pre></details>')
        return jaxpr_html(self.jaxpr.jaxpr, self.jaxpr.consts, extra=extra)


def _source_globals(closed, source, fuse=EXACT):
    """The globals the generated `source` of `closed` refers to: code generation is
    deterministic, so generating again names the same values (checked: else {})."""
    import re

    from fungrad._interp.codegen import BOUNDARY, generate
    defs = re.findall(r"^def (\w+)\(", source, re.M)
    if not defs:
        return {}
    try:
        again, glb = generate(optimize(closed), defs[-1], fuse=fuse)
    except Exception:  # noqa: BLE001 - a view only: show the source without the header
        return {}
    strip = lambda s: s.rstrip().rsplit("\n", 1)[0]  # noqa: E731 - the return line builds the
    if strip(again) != strip(source):  # output pytree, which refers to no global
        return {}
    used = set(re.findall(r"\b_\w+", source)) - set(BOUNDARY)
    return {k: v for k, v in glb.items() if k in used}


class Jitted:
    """The jitted function: call it like `fun`; `.lower(*args)` shows what runs."""

    def __init__(self, fun, static_argnums, static_argnames, backend="numpy",
                 in_shardings=None, out_shardings=None, fuse=EXACT):
        functools.update_wrapper(self, fun)
        self._backend = get_backend(backend)
        self._fuse = check_fuse(fuse)
        self._options = tuple((k, v) for k, v in (("in_shardings", in_shardings),
                                                  ("out_shardings", out_shardings))
                              if v is not None)
        if self._options and self._backend.name != "jax":
            raise ValueError("jit: in_shardings/out_shardings are passed to jax.jit, so they "
                             f"need backend='jax', not {self._backend.name!r}")
        self._fun = fun
        nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
        names = (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames)
        nums, names = _infer_static(fun, nums, names)
        self._static_argnums = nums
        self._static_argnames = frozenset(names)
        # traced programs are cached per underlying function (as JAX): jit(f) built twice shares
        self._prefix = (fun, nums, self._static_argnames)
        if self._backend is not NUMPY:  # compiled code is kept per backend (on the entry)
            self._prefix += (self._backend, self._options)
        if self._fuse != EXACT:  # and per fusion mode
            self._prefix += (("fuse", self._fuse),)
        self.trace_count = 0  # how many times `fun` was traced by this object (a new signature each)
        # calls with positional arguments only, of arrays (numpy's, fungrad's, and for other
        # backends the foreign arrays _fast_key knows), Python numbers and builtin containers of
        # them, look their compiled function up by _fast_key's tokens (inline for flat arrays
        # and numbers), in jit's one program table under a key of their own
        self._direct = ("direct", self._prefix) if not nums and not self._static_argnames else None
        self._foreign = self._backend is not NUMPY  # jax/cupy/dask arrays are keyed by type too
        # backend="jax" without shardings or static arguments: calls go to one jax.jit function
        # that traces fungrad's program when JAX traces (see _JaxNative)
        self._jax_native = (_JaxNative(self) if self._backend.name == "jax" and not self._options
                            and self._direct is not None else None)

    def _cache_size(self):
        """How many traced programs (input signatures) this function has in jit's cache."""
        return sum(1 for k in list(_programs.fast) if k[0] == self._prefix)

    def __repr__(self):
        name = getattr(self._fun, "__name__", None)
        try:
            sig = str(inspect.signature(self._fun))
        except (TypeError, ValueError):
            sig = "(...)"
        what = f"{name}{sig}" if name else repr(self._fun)
        static = "".join(f", {k}={v!r}" for k, v in (("static_argnums", self._static_argnums),
                         ("static_argnames", tuple(sorted(self._static_argnames)))) if v)
        n = self._cache_size()
        return (f"<Jitted {what}{static}: {n} cached program{'s' if n != 1 else ''}, "
                f"traced {self.trace_count} time{'s' if self.trace_count != 1 else ''}>")

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self, obj)

    def _split(self, args, kwargs):
        """(dynamic args, dynamic kwargs, static key)."""
        if not self._static_argnums and not self._static_argnames:
            return args, kwargs, ()
        n = len(args)
        nums = {a % n if -n <= a < n else a for a in self._static_argnums}
        static = tuple((i, args[i]) for i in sorted(nums) if i < n)
        static += tuple(sorted((k, v) for k, v in kwargs.items() if k in self._static_argnames))
        try:
            hash(static)
        except TypeError:
            bad = next(v for _, v in static if not _hashable(v))
            raise TypeError(
                f"jit: static argument of type {type(bad).__name__} is not hashable, so it cannot "
                "be part of the cache key. Fix: pass a hashable value (a tuple instead of a "
                "list, a frozen dataclass), or make the argument non-static.") from None
        dyn = tuple(a for i, a in enumerate(args) if i not in nums)
        dyn_kw = {k: v for k, v in kwargs.items() if k not in self._static_argnames}
        return dyn, dyn_kw, static

    def _signature(self, args, kwargs):
        dyn, dyn_kw, static = self._split(args, kwargs)
        leaves = []
        traced = []
        try:
            foreign = self._backend is not NUMPY
            sig = []
            _fast_key(dyn, sig, leaves, traced, foreign)
            if dyn_kw:  # (dyn's tokens end where its length says: no separator needed)
                _fast_key(dyn_kw, sig, leaves, traced, foreign)
            key = (tuple(sig), static)
        except (_NotBuiltin, RecursionError):  # custom nodes, or deeper than the fast key goes
            orig, tree = tree_flatten((dyn, dyn_kw))
            leaves = [(as_leaf if self._backend is NUMPY else _backend_leaf)(x) for x in orig]
            traced = [True] if any(isinstance(x, Tracer) for x in leaves) else []
            avals = tuple((a.shape, a.dtype, a.weak_type) for a in map(_leaf_aval, orig, leaves))
            key = (tree, avals, static)
        return key, leaves, bool(traced), static

    def _trace(self, args, kwargs, leaves, static, leaf_aval=None):
        """Stage `fun` on abstract values of `leaves` (`leaf_aval(orig, leaf)`, _leaf_aval by
        default); returns an _Entry (optimized program)."""
        static_pos = dict(static)
        nums = {i for i, _ in static if isinstance(i, int)}
        dyn, dyn_kw, _ = self._split(args, kwargs)
        orig, in_tree = tree_flatten((dyn, dyn_kw))

        def flat_fun(*xs):
            d, kw = tree_unflatten(in_tree, xs)
            it = iter(d)
            full = [static_pos[i] if i in nums else next(it) for i in range(len(args))]
            return self._fun(*full, **kw, **{k: v for k, v in static if isinstance(k, str)})

        self.trace_count += 1
        avals = list(map(leaf_aval or _leaf_aval, orig, leaves))
        closed, out_tree = stage_flat(flat_fun, avals, "jit")
        closed, extra = hoist_consts(closed, only_tracers=True)
        return _Entry(optimize(closed), out_tree, extra)

    def _entry(self, args, kwargs):
        key, leaves, traced, static = self._signature(args, kwargs)
        key = (self._prefix, key)
        entry = _programs.get(key)
        if entry is None:
            entry = self._trace(args, kwargs, leaves, static)
            if not entry.extra:  # programs closing over outer tracers are not reusable
                _programs[key] = entry
        return entry, leaves, traced

    @api_boundary
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        native = self._jax_native
        if native is not None and current_trace_var.get() is EVAL_TRACE:
            out = native(args, kwargs)
            if out is not _NOT_NATIVE:
                return out
        direct = self._direct
        if direct is not None and not kwargs:  # the fast path: arrays and Python numbers
            sig, scalars = [], False
            leaves: list[Any] | None = None  # the flat arguments, where some are containers
            for a in args:
                t = type(a)
                if t in _KEY_ARRAYS:
                    sig.append(a.shape)
                    sig.append(a.dtype)
                elif t in _KEY_SCALARS:  # weakly typed: keyed by type, passed as 0-d arrays
                    sig.append(t)
                    scalars = True
                elif t in _FOREIGN_TYPES and self._foreign:
                    sig.append(t)
                    sig.append(a.shape)
                    sig.append(a.dtype)
                else:
                    leaves, sig = [], []
                    traced: list[bool] = []
                    try:
                        _fast_key(args, sig, leaves, traced, self._foreign)
                    except (_NotBuiltin, RecursionError):  # custom nodes, deep trees
                        direct = None
                    if traced:  # under a transform: the general path
                        direct = None
                    break
            if direct is not None:
                direct = (direct, tuple(sig))
                fn = _programs.fast.get(direct)
                if (fn is not None and current_trace_var.get() is EVAL_TRACE
                        and not jit_disabled()):
                    if leaves is not None:
                        return fn(*leaves)
                    if scalars:
                        return fn(*[np.asarray(a) if type(a) in _KEY_SCALARS else a
                                    for a in args])
                    return fn(*args)
        if jit_disabled():
            return self._fun(*args, **kwargs)
        entry, leaves, traced = self._entry(args, kwargs)
        if not traced and not entry.extra and current_trace_var.get() is EVAL_TRACE:
            fn = entry.fast or self._compile(entry, leaves)
            if direct is not None and not kwargs and entry.fast is fn:
                _programs[direct] = fn
            return fn(*leaves)
        outs = jit_p.bind(*entry.extra, *leaves, jaxpr=entry.jaxpr)
        return tree_unflatten(entry.out_tree, outs)

    def _compile(self, entry, leaves=()):
        name = getattr(self._fun, "__name__", "jitted")
        backend = for_arguments(self._backend, leaves)
        c = compiled(entry.jaxpr, name if name.isidentifier() else "jitted", entry.out_tree,
                     backend, self._options, self._fuse)
        if backend is self._backend:  # array_api compiles per namespace of the arguments
            entry.fast = c.fn
        entry.source = c.source
        return c.fn

    def _native(self, args, kwargs):
        """Run the backend's own function (backend="jax": the jax.jit function, without the
        64-bit mode jit's call adds), for fungrad.export."""
        entry, leaves, traced = self._entry(args, kwargs)
        if traced or entry.extra:
            raise TypeError("fungrad.export: the function is called on fungrad tracers; export "
                            "the transformed function instead (to_jax(grad(f))).")
        fn = entry.fast or self._compile(entry, leaves)
        return getattr(fn, "jax_function", fn)(*leaves)

    def lower(self, *args: Any, **kwargs: Any) -> Lowered:
        """The optimized program and generated source `fun(*args)` runs (traces if needed)."""
        entry, leaves, _ = self._entry(args, kwargs)
        if entry.source is None:
            self._compile(entry, leaves)
        return Lowered(entry.jaxpr, entry.source, self._fuse)


_NOT_NATIVE = object()


class _NotNative(Exception):
    """Raised inside JAX's trace: this signature needs jit's own path (a custom output node)."""


def _jax_aval(orig, leaf):
    """The aval of a JAX tracer met in _JaxNative's trace, its weak type kept (a Python scalar
    argument is a weakly typed tracer there, as it is a weak aval in jit's own path)."""
    a = getattr(leaf, "aval", None)
    return shaped(tuple(int(d) for d in leaf.shape), _foreign_dtype(leaf.dtype),
                  bool(getattr(a, "weak_type", False)))


class _JaxNative:
    """backend="jax" calls on JAX arrays, numpy arrays and Python numbers in builtin containers:
    one jax.jit function over the caller's arguments, whose trace stages fungrad's program on
    the JAX tracers' avals, optimizes it and runs its generated jax source on them. JAX's C++
    dispatch then flattens, keys and caches the call as it does for a handwritten jax.jit, where
    jit's own path paid a Python pytree walk and key. Arguments JAX refuses (a pytree node only
    fungrad knows; JAX raises TypeError before tracing) and programs with custom output nodes go
    jit's own path."""

    __slots__ = ("jitted", "owner", "jax", "off")

    def __init__(self, owner):
        self.owner, self.jitted, self.jax, self.off = owner, None, None, False

    def _make(self):
        from fungrad._interp.backends import _jax
        jax = self.jax = _jax()
        owner = self.owner

        def traced(*args, **kwargs):  # runs once per signature, inside JAX's trace
            try:
                orig, _ = tree_flatten((args, kwargs))
                entry = owner._trace(args, kwargs, orig, (), _jax_aval)
                if entry.extra:
                    raise _NotNative
                fn = getattr(owner._compile(entry, orig), "python_function", None)
                if fn is None:  # outputs with custom pytree nodes: unflattened outside
                    raise _NotNative
                return fn(*orig)
            except TypeError as e:  # the user's error, not JAX refusing an argument type
                e._fungrad_traced = True
                raise

        with jax.enable_x64(True):
            self.jitted = jax.jit(traced)

    def __call__(self, args, kwargs):
        if self.off or jit_disabled():
            return _NOT_NATIVE
        if self.jitted is None:
            self._make()
        try:
            if self.jax.config.jax_enable_x64:
                return self.jitted(*args, **kwargs)
            with self.jax.enable_x64(True):  # fungrad computes in float64 where numpy does
                return self.jitted(*args, **kwargs)
        except _NotNative:
            self.off = True
            return _NOT_NATIVE
        except TypeError as e:
            if getattr(e, "_fungrad_traced", False):
                raise
            # JAX refused an argument before tracing (a fungrad Array, a pytree node JAX does
            # not know): jit's own path takes the call (and explains what is wrong, if it is)
            return _NOT_NATIVE


def _hashable(v):
    try:
        hash(v)
        return True
    except TypeError:
        return False


@overload
def jit(fun: Fun, static_argnums: int | Sequence[int] = ...,
        static_argnames: str | Sequence[str] = ..., *, backend: str = ...,
        in_shardings: Any = ..., out_shardings: Any = ...,
        fuse: bool | str = ...) -> Jitted: ...


@overload
def jit(fun: None = None, static_argnums: int | Sequence[int] = ...,
        static_argnames: str | Sequence[str] = ..., *, backend: str = ...,
        in_shardings: Any = ..., out_shardings: Any = ...,
        fuse: bool | str = ...) -> Callable[[Fun], Jitted]: ...


def jit(fun: Fun | None = None, static_argnums: int | Sequence[int] = (),
        static_argnames: str | Sequence[str] = (), *, backend: str = "numpy",
        in_shardings: Any = None, out_shardings: Any = None,
        fuse: bool | str = "exact") -> Jitted | Callable[[Fun], Jitted]:
    """Compile `fun`: trace it once per input signature to the IR, optimize, and run generated
    straight-line numpy code. Usable as `@jit` or `jit(f, static_argnums=...)`.

    `backend`: the target of code emission, "numpy" (default), "jax", "cupy", "dask" or
    "array_api" (see the module docstring); a primitive without a rule for it raises
    MissingRuleError when compiled. `in_shardings`/`out_shardings` (backend="jax") are passed
    to jax.jit: one sharding, or one per flat array argument/output.

    `fuse` (backend="numpy"): chains of elementwise operations on large arrays run as one
    numexpr call where numexpr is installed (`pip install fungrad[fuse]`). "exact" (the
    default) fuses only operations whose fused result is bit-identical to eager evaluation
    (+, -, *, /, comparisons, where, sqrt, ...); "approx" also exp, log, tanh and the other
    transcendental functions, whose results may then differ from eager in the last bits (within
    4 ulp); False never fuses. Fusion applies where it pays: groups of at least 4 operations on
    arrays of at least 2**22 elements (see fungrad._interp.passes.fuse).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> f = fg.jit(lambda x: fnp.sin(x) * 2.0)
    >>> f(0.0)
    array(0.)
    >>> f
    <Jitted <lambda>(x): 1 cached program, traced 1 time>
    """
    if fun is None:
        return lambda f: jit(f, static_argnums, static_argnames, backend=backend,
                             in_shardings=in_shardings, out_shardings=out_shardings, fuse=fuse)
    return Jitted(check_callable("jit", fun), static_argnums, static_argnames, backend,
                  in_shardings, out_shardings, fuse)
