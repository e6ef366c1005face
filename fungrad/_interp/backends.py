"""Code-generation backends: the targets jit's generated source is emitted for.

A backend names the namespace the source calls (numpy as `np`, jax.numpy as `jnp`, cupy as
`cp`, an array-API namespace as `xp`), imported lazily, and how the generated function is run
(`finish`: jax.jit for "jax", a dask compute for "dask"). Each primitive's emission rules say
which backends they serve (fungrad._core.primitive: `Ufunc`, `Emit(on=...)`, `CallImpl`,
`Special`); codegen picks the first that serves and raises MissingRuleError where none does.

Backends are registered with `register_backend`; `get_backend(name)` looks one up. The
"array_api" backend takes its namespace from the arguments (array_api_compat), so it is
resolved per call with `for_arguments`.

Imports: _core.
"""
import importlib

import numpy as np

from fungrad._core.errors import MissingRuleError

_BACKENDS = {}

# numpy ufunc names the array-API standard spells differently
ARRAY_API_NAMES = {
    "absolute": "abs", "arccos": "acos", "arccosh": "acosh", "arcsin": "asin",
    "arcsinh": "asinh", "arctan": "atan", "arctan2": "atan2", "arctanh": "atanh",
    "power": "pow", "invert": "bitwise_invert", "left_shift": "bitwise_left_shift",
    "right_shift": "bitwise_right_shift", "conjugate": "conj", "true_divide": "divide",
    "fmod": None, "spacing": None, "gcd": None, "lcm": None, "cbrt": None, "exp2": None,
    "bitwise_count": None, "isfinite": "isfinite",
}


def _module(name, hint):
    def load():
        try:
            return importlib.import_module(name)
        except ImportError as e:
            raise ImportError(f"{hint} ({e})") from None
    return load


class Backend:
    """A target of code emission (see the module docstring).

    name: the registered name; alias: the global the source calls it by; namespace(): the
    module; special(): the scipy.special counterpart or None (`Special` rules); inplace: whether
    the memory plan may write into dead buffers with `out=`; numpy_api: whether `Emit` rules
    written for numpy's API serve it by default; names: renamed ufuncs (None: the namespace has
    none); finish(fn, jaxpr, options) -> the callable jit runs; constant(value): a numpy
    constant as the namespace's array; scalar_results: 0-d results become ndarrays."""

    def __init__(self, name, alias, namespace, *, special=None, inplace=False, numpy_api=True,
                 names=None, finish=None, constant=None, scalar_results=False, extra=None):
        self.name = name
        self.alias = alias
        self._namespace = namespace
        self._special = special
        self.inplace = inplace
        self.numpy_api = numpy_api
        self.names = names or {}
        self._finish = finish
        self._constant = constant
        self.scalar_results = scalar_results
        self._extra = extra or {}

    def __repr__(self):
        return f"Backend({self.name!r})"

    def namespace(self):
        return self._namespace()

    @property
    def special(self):
        return self._special

    def special_namespace(self):
        return None if self._special is None else self._special()

    def globals(self):
        """The globals every generated function of this backend starts with."""
        g = {self.alias: self.namespace()}
        g.update({k: load() for k, load in self._extra.items()})
        if self._special is not None:
            g["special"] = self._special()
        return g

    def ufunc(self, prim, rule):
        """`alias.name` of the namespace's function for a Ufunc rule, or MissingRuleError."""
        name = self.names.get(rule.short, rule.short)
        if name is None or getattr(self.namespace(), name, None) is None:
            raise missing(prim, self, f"the namespace has no {rule.short!r}")
        return f"{self.alias}.{name}"

    def constant(self, value):
        return value if self._constant is None else self._constant(value)

    def finish(self, fn, jaxpr, options):
        return fn if self._finish is None else self._finish(fn, jaxpr, options)


def missing(prim, backend, why=""):
    return MissingRuleError(
        f"primitive '{prim.name}' has no code emission rule for backend {backend.name!r}"
        f"{': ' + why if why else ''}, so jit(..., backend={backend.name!r}) cannot compile this "
        "program. Fix: use another backend (the default 'numpy' covers every primitive) or "
        f"register a rule for it (emit=(..., Emit(rule, on=({backend.name!r},))))")


def register_backend(backend):
    if backend.name in _BACKENDS:
        raise ValueError(f"backend {backend.name!r} is already registered")
    _BACKENDS[backend.name] = backend
    return backend


def get_backend(name):
    """The registered backend `name` (a Backend passes through)."""
    if isinstance(name, Backend):
        return name
    try:
        return _BACKENDS[name]
    except (KeyError, TypeError):
        raise ValueError(f"jit: unknown backend {name!r}; the registered backends are "
                         f"{sorted(_BACKENDS)}") from None


def backend_names():
    return sorted(_BACKENDS)


NUMPY = register_backend(Backend("numpy", "np", lambda: np, inplace=True, scalar_results=True))


# ---- jax: jax.numpy / jax.lax source, compiled with jax.jit in 64-bit mode

_JAX_HINT = "backend='jax' needs JAX: pip install jax"


def _jax():
    return _module("jax", _JAX_HINT)()


def _jax_finish(fn, jaxpr, options):
    jax = _jax()
    kw = {k: v for k, v in options.items() if k in ("in_shardings", "out_shardings")
          and v is not None}
    with jax.enable_x64(True):
        jitted = jax.jit(fn, **kw)

    def run(*args):
        # fungrad computes in float64 where numpy does: JAX's 64-bit mode for the computation
        if jax.config.jax_enable_x64:
            return jitted(*args)
        with jax.enable_x64(True):
            return jitted(*args)
    run.jax_function = jitted
    run.python_function = fn  # the generated jax source itself (fungrad._api.jit._JaxNative)
    return run


def _jax_constant(value):
    """Constants as JAX arrays (64-bit kept), so they index and are indexed by traced values."""
    if not isinstance(value, np.ndarray):
        return value
    jax = _jax()
    with jax.enable_x64(True):
        return jax.numpy.asarray(value)


JAX = register_backend(Backend(
    "jax", "jnp", _module("jax.numpy", _JAX_HINT), special=_module("jax.scipy.special", _JAX_HINT),
    extra={"lax": _module("jax.lax", _JAX_HINT), "jsl": _module("jax.scipy.linalg", _JAX_HINT),
           "jxr": _module("jax.extend.random", _JAX_HINT)},
    finish=_jax_finish, constant=_jax_constant))


# ---- cupy: the numpy source over CuPy arrays

_CUPY_HINT = "backend='cupy' needs CuPy and a CUDA GPU: pip install cupy-cuda12x"


def _cupy_constant(value):
    if isinstance(value, np.ndarray):
        return _module("cupy", _CUPY_HINT)().asarray(value)
    return value


CUPY = register_backend(Backend(
    "cupy", "cp", _module("cupy", _CUPY_HINT),
    special=_module("cupyx.scipy.special", _CUPY_HINT), inplace=True, constant=_cupy_constant))


def namespace_backend(name, namespace, special=None, inplace=True):
    """A backend like "cupy" over another numpy-compatible namespace module (for a stand-in
    namespace in tests, or a numpy clone): the same source with `namespace` for `np`."""
    return Backend(name, "cp", lambda: namespace, inplace=inplace,
                   special=None if special is None else (lambda: special))


# ---- dask: the numpy source over dask arrays, computed at the end

_DASK_HINT = "backend='dask' needs dask: pip install 'dask[array]' distributed"


def _dask_finish(fn, jaxpr, options):
    dask = _module("dask", _DASK_HINT)()

    def run(*args):
        outs = fn(*args)
        return dask.compute(*outs) if type(outs) is tuple else dask.compute(outs)[0]
    run.lazy = fn
    return run


class _Ufuncs:
    """The numpy ufuncs of a module (scipy.special's, for dask: a dask array passed to a numpy
    ufunc gives a dask array, elementwise per block; other functions would compute eagerly)."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        fn = getattr(self._module, name)
        if not isinstance(fn, np.ufunc):
            raise AttributeError(f"{self._module.__name__}.{name} is not a numpy ufunc")
        return fn


def _dask_special():
    return _Ufuncs(importlib.import_module("scipy.special"))


DASK = register_backend(Backend(
    "dask", "da", _module("dask.array", _DASK_HINT), finish=_dask_finish, special=_dask_special,
    names={"conjugate": "conj", "bitwise_count": None, "gcd": None, "lcm": None}))


# ---- array API namespaces (array_api_compat): torch, dask.array, numpy, ...

_ARRAY_API_HINT = "backend='array_api' needs array-api-compat: pip install array-api-compat"


def array_namespace(args):
    compat = _module("array_api_compat", _ARRAY_API_HINT)()
    arrays = [a for a in args if not isinstance(a, (bool, int, float, complex))]
    return compat.array_namespace(*arrays)


_array_api = {}


def for_arguments(backend, args):
    """The backend to compile for with these arguments: "array_api" bound to their namespace."""
    if backend.name != "array_api":
        return backend
    xp = array_namespace(args)
    hit = _array_api.get(xp.__name__)
    if hit is None:
        hit = _array_api[xp.__name__] = Backend(
            "array_api", "xp", lambda: xp, numpy_api=False, names=ARRAY_API_NAMES,
            constant=lambda v: xp.asarray(v.copy()) if isinstance(v, np.ndarray) else v)
    return hit


ARRAY_API = register_backend(Backend(
    "array_api", "xp", lambda: _module("array_api_compat.numpy", _ARRAY_API_HINT)(),
    numpy_api=False, names=ARRAY_API_NAMES))
