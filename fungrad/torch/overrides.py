"""torch.overrides: the ``__torch_function__`` protocol.

Every public function of the torch namespace and every Tensor method goes through ``dispatch``:
when no argument is a non-Tensor with ``__torch_function__`` (or a Tensor subclass) and no
TorchFunctionMode is active, the op runs directly (one type check per argument); otherwise
``handle_torch_function`` calls the modes (innermost first, each disabled inside its own
handler), then the overloaded types' ``__torch_function__`` (subclasses before their bases,
left to right), and returns the first result that is not NotImplemented, as torch does.
Tensor's own ``__torch_function__`` runs the op with subclass dispatch disabled and converts
Tensor results to the subclass, so ``type(torch.add(Sub(..), Sub(..))) is Sub``.
"""
import functools
import types

from fungrad.torch._argcheck import NOT_ROUTED, PLAIN
from fungrad.torch._state import TF_MODES, TF_SUBCLASS, setting
from fungrad.torch._tensor import Tensor

__all__ = ["has_torch_function", "has_torch_function_unary", "has_torch_function_variadic",
           "handle_torch_function", "get_overridable_functions", "get_ignored_functions",
           "is_tensor_like", "is_tensor_method_or_property", "TorchFunctionMode",
           "DisableTorchFunctionSubclass", "DisableTorchFunction", "enable_torch_function_mode",
           "dispatch", "install", "_disabled_torch_function_impl", "wrap_torch_function",
           "resolve_name"]

_PLAIN = PLAIN
_OVERRIDABLE = {}


def _disabled_torch_function_impl(func, types, args=(), kwargs=None):
    """A ``__torch_function__`` that opts a Tensor subclass out of dispatch (results are plain
    Tensors), as nn.Parameter's."""
    with setting(TF_SUBCLASS, False):
        return func(*args, **(kwargs or {}))


_disabled_torch_function_impl = staticmethod(_disabled_torch_function_impl).__func__


def _overrides(a):
    t = type(a)
    if t in _PLAIN:
        return False
    f = getattr(t, "__torch_function__", None)
    if f is None:
        return False
    if getattr(f, "__func__", f) is _disabled_torch_function_impl:
        return False
    return issubclass(t, Tensor) is False or TF_SUBCLASS.get()


def _relevant(args, kwargs):
    out = []
    for a in args:
        t = type(a)
        if t is Tensor:
            continue
        if t is list or t is tuple:
            out.extend(x for x in a if type(x) is not Tensor and _overrides(x))
        elif _overrides(a):
            out.append(a)
    if kwargs:
        out.extend(v for v in kwargs.values() if type(v) is not Tensor and _overrides(v))
    return out


def has_torch_function(relevant_args):
    return bool(_relevant(tuple(relevant_args), None))


def has_torch_function_unary(a):
    return has_torch_function((a,))


def has_torch_function_variadic(*args):
    return has_torch_function(args)


def is_tensor_like(inp):
    return type(inp) is Tensor or hasattr(type(inp), "__torch_function__")


def _ordered_types(overloaded):
    """Overloaded arguments by type, each type once, subclasses before their bases."""
    seen = []
    for a in overloaded:
        t = type(a)
        if t in [type(s) for s in seen]:
            continue
        idx = len(seen)
        for i, s in enumerate(seen):
            if issubclass(t, type(s)):
                idx = i
                break
        seen.insert(idx, a)
    return seen


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    overloaded = _ordered_types(_relevant(tuple(relevant_args), None))
    tys = tuple(type(a) for a in overloaded)
    modes = TF_MODES.get()
    if modes:
        mode = modes[-1]
        with setting(TF_MODES, modes[:-1]):
            ret = mode.__torch_function__(public_api, tys, args, kwargs)
        if ret is not NotImplemented:
            return ret
    for a in overloaded:
        ret = a.__torch_function__(public_api, tys, args, kwargs)
        if ret is not NotImplemented:
            return ret
    if not overloaded and modes:
        return public_api(*args, **kwargs)
    name = resolve_name(public_api) or getattr(public_api, "__name__", str(public_api))
    raise TypeError(f"no implementation found for '{name}' on types that implement "
                    f"__torch_function__: {[type(a) for a in overloaded]}")


def dispatch(func, public_name=None, as_method=None):
    """``func`` behind the ``__torch_function__`` protocol. The handlers receive the returned
    wrapper, or for an operator torch reports as a method (``x * y`` as ``Tensor.mul``) that
    method."""
    if getattr(func, "_tf_dispatch", False):
        return func

    def api():
        return public if as_method is None else getattr(Tensor, as_method)
    fold = getattr(func, "_fold", None)
    if fold is not None and fold[0] is func:  # the argument check makes this test too: one
        fold = fold[1]                            # wrapper (not so under with_arity's)
        def route(args, kwargs, check):
            if check and not _relevant(args, kwargs):
                return NOT_ROUTED
            return handle_torch_function(api(), args + tuple(kwargs.values()), *args, **kwargs)
        public = fold(route)
    else:
        public = _dispatched(func, api)
    public._tf_dispatch = True
    if public_name:
        public.__qualname__ = public_name
    return public


def _dispatched(func, api):
    """``func`` behind the protocol's test (for a function without the argument check)."""
    @functools.wraps(func)
    def public(*args, **kwargs):
        # the common case (plain Tensors and scalars, no mode) costs a type check per argument
        if TF_MODES.get():
            return handle_torch_function(api(), args + tuple(kwargs.values()), *args, **kwargs)
        for a in args:
            t = type(a)
            if t is Tensor or t in _PLAIN:
                continue
            if _relevant(args, kwargs):
                return handle_torch_function(api(), args + tuple(kwargs.values()), *args,
                                             **kwargs)
            break
        else:
            if kwargs and _relevant((), kwargs):
                return handle_torch_function(api(), tuple(kwargs.values()), *args, **kwargs)
        return func(*args, **kwargs)
    return public


def _convert(ret, cls):
    if cls is Tensor:
        return ret
    if isinstance(ret, Tensor) and not isinstance(ret, cls):
        return ret.as_subclass(cls)
    if type(ret) in (tuple, list):
        return type(ret)(_convert(r, cls) for r in ret)
    if isinstance(ret, tuple) and hasattr(ret, "_fields"):
        return type(ret)(*[_convert(r, cls) for r in ret])
    return ret


def _tensor_torch_function(cls, func, types, args=(), kwargs=None):
    """Tensor's default: run ``func`` with subclass dispatch off, results as ``cls``."""
    kwargs = kwargs or {}
    if not all(issubclass(cls, t) for t in types):
        return NotImplemented
    with setting(TF_SUBCLASS, False):
        ret = func(*args, **kwargs)
    if func in _NO_CONVERT:
        return ret
    return _convert(ret, cls)


_NO_CONVERT = set()


class TorchFunctionMode:
    """Intercepts every torch function and Tensor method inside ``with mode:`` (innermost
    first); inside its own ``__torch_function__`` the mode is not active."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    def __enter__(self):
        self._token = TF_MODES.set(TF_MODES.get() + (self,))
        return self

    def __exit__(self, *exc):
        TF_MODES.reset(self._token)
        return False

    @classmethod
    def push(cls, *args, **kwargs):
        return cls(*args, **kwargs)


def enable_torch_function_mode(mode):
    return mode


class DisableTorchFunctionSubclass:
    def __enter__(self):
        self._token = TF_SUBCLASS.set(False)
        return self

    def __exit__(self, *exc):
        TF_SUBCLASS.reset(self._token)
        return False


class DisableTorchFunction(DisableTorchFunctionSubclass):
    def __enter__(self):
        self._tokens = (TF_SUBCLASS.set(False), TF_MODES.set(()))
        return self

    def __exit__(self, *exc):
        TF_MODES.reset(self._tokens[1])
        TF_SUBCLASS.reset(self._tokens[0])
        return False


def get_overridable_functions():
    return {k: list(v) for k, v in _OVERRIDABLE.items()}


def get_ignored_functions():
    return set()


def is_tensor_method_or_property(func):
    return func in _OVERRIDABLE.get(Tensor, ())


def resolve_name(f):
    for owner, fs in _OVERRIDABLE.items():
        if f in fs:
            prefix = "torch.Tensor" if owner is Tensor else getattr(owner, "__name__", "torch")
            return f"{prefix}.{f.__name__}"
    return None


def wrap_torch_function(dispatcher):
    def inner(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            relevant = tuple(dispatcher(*args, **kwargs))
            if has_torch_function(relevant):
                return handle_torch_function(wrapped, relevant, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped
    return inner


# Tensor members that stay outside dispatch (object protocol, internals, autograd plumbing)
_SKIP = frozenset((
    "__init__", "__new__", "__repr__", "__str__", "__format__", "__hash__", "__bool__",
    "__float__", "__int__", "__index__", "__len__", "__array__", "__setattr__", "__getattr__",
    "__getattribute__", "__delattr__", "__torch_function__", "__reduce__", "__reduce_ex__",
    "__getstate__", "__setstate__", "__deepcopy__", "__copy__", "__init_subclass__",
    "__class_getitem__", "__dir__", "__sizeof__", "__subclasshook__", "__iter__",
    "_edge", "as_subclass", "data_ptr", "numpy", "item", "tolist", "register_hook",
    "register_post_accumulate_grad_hook", "retain_grad", "requires_grad_", "_is_view",
    "is_inference", "backward", "dim", "size", "numel", "nelement", "type",
))
_SKIP_TOP = frozenset(("is_tensor", "is_grad_enabled", "is_inference_mode_enabled",
                       "set_grad_enabled", "manual_seed", "seed", "initial_seed",
                       "set_printoptions", "get_default_dtype", "set_default_dtype", "install",
                       "uninstall", "compile", "load", "save", "device"))


# operators torch's handlers see as the method (``x + 1`` arrives as Tensor.add)
_AS_METHOD = {"__add__": "add", "__radd__": "add", "__sub__": "sub", "__mul__": "mul",
              "__rmul__": "mul", "__truediv__": "div", "__pow__": "pow", "__neg__": "neg",
              "__lt__": "lt", "__le__": "le", "__gt__": "gt", "__ge__": "ge", "__ne__": "ne",
              "__abs__": "abs", "__mod__": "remainder", "__matmul__": "matmul",
              "__pos__": "positive", "__iadd__": "add_", "__imul__": "mul_", "__isub__": "sub_",
              "__itruediv__": "div_"}
_RENAMED = {"__rtruediv__": "__rdiv__", "__itruediv__": "__idiv__"}


def install(namespace):
    """Puts dispatch in front of the torch namespace's functions and Tensor's methods."""
    Tensor.__torch_function__ = classmethod(_tensor_torch_function)
    tops = []
    for k, f in list(namespace.items()):
        if k.startswith("_") or k in _SKIP_TOP or not isinstance(f, types.FunctionType):
            continue
        if not (getattr(f, "__module__", "") or "").startswith("fungrad.torch"):
            continue
        namespace[k] = w = dispatch(f)
        w.__name__ = k
        tops.append(w)
    meths = []
    for k in list(vars(Tensor)):
        f = vars(Tensor)[k]
        if k in _SKIP or not isinstance(f, types.FunctionType):
            continue
        if k.startswith("_") and not (k.startswith("__") and k.endswith("__")):
            continue
        w = dispatch(f, f"Tensor.{k}", _AS_METHOD.get(k))
        w.__name__ = _RENAMED.get(k, k)
        setattr(Tensor, k, w)
        meths.append(w)
    _OVERRIDABLE[namespace.get("__name__") and _NamespaceKey(namespace)] = tops
    _OVERRIDABLE[Tensor] = meths
    from fungrad.torch.nn import parameter
    for cls in (parameter.Parameter, parameter.Buffer):
        if "__torch_function__" not in vars(cls):
            cls.__torch_function__ = _disabled_torch_function_impl


class _NamespaceKey:
    """Stands for the torch module as a key of get_overridable_functions()."""

    def __init__(self, namespace):
        self.__name__ = namespace.get("__name__", "torch")

    def __repr__(self):
        return f"<module '{self.__name__}'>"

__dir__ = __all__.copy  # dir() lists the public names only
