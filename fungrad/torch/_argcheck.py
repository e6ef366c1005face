"""torch's TypeError for a value of the wrong type at a public function's or method's entry.

torch checks each argument against its signature before any kernel runs: a Tensor argument given
None, a string, a list or an object raises ``TypeError: sin(): argument 'input' (position 1) must
be Tensor, not NoneType``, and so does an int argument (a dim, a size) given a tensor or a float.
``guard(namespace, group)`` and ``guard_methods(cls)`` wrap the functions and methods that
_argspec.SPECS names with that check of their leading positional arguments, so that the op's own
code never trips over such a value (an AttributeError, a message of Python's). Arrays, tracers and
one-element tensors always pass (the shim's own code calls some public functions with them).
"""
import functools
import inspect

import numpy as np

from fungrad.extend import Tracer
from fungrad.torch._argspec import SPECS
from fungrad.torch._device import device
from fungrad.torch._dtype import dtype
from fungrad.torch._generator import Generator
from fungrad.torch._tensor import Tensor

__all__ = ["guard", "guard_methods", "checked"]

_PASS = (np.ndarray, np.generic, Tracer)


def kind_of(a):
    """The kind code of a value (see _argspec), or None for one that is never refused."""
    if isinstance(a, Tensor):
        return "t" if a._value.size != 1 else None
    if a is None:
        return "n"
    t = type(a)
    if t is int:
        return "i"
    if t is bool:  # not probed: torch's flags take it where ints are refused
        return None
    if t is float:
        return "f"
    if isinstance(a, _PASS) or t is complex:
        return None
    if t is str:
        return "s"
    if t is dict:
        return "d"
    if isinstance(a, (list, tuple)):  # torch.Size and return types too
        return "l"
    if (isinstance(a, (int, float, slice, type(Ellipsis), type, dtype, device, Generator))
            or callable(a) or hasattr(a, "__index__")):
        return None  # torch's own objects, classes, functions, indices: checked by the op
    return "o"


def _positional_names(f):
    try:
        ps = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in ps if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def checked(name, f, spec, offset=0):
    """``f`` with torch's type check of its leading arguments: ``spec`` holds, for each position
    after the first ``offset`` (a method's self), None or (expected, refused kind codes)."""
    names = _positional_names(f)
    checks = [(i + offset, names[i + offset] if i + offset < len(names) else None, s)
              for i, s in enumerate(spec) if s is not None]

    @functools.wraps(f)
    def g(*args, **kwargs):
        for i, pname, (expected, refused) in checks:
            if i < len(args):
                a = args[i]
            elif pname is not None and pname in kwargs:
                a = kwargs[pname]
            else:
                continue
            k = kind_of(a)
            if k is not None and k in refused:
                arg = "input" if i == 0 else ((offset and pname) or "other")
                raise TypeError(f"{name}(): argument '{arg}' (position {i + 1 - offset}) must "
                                f"be {expected}, not {type(a).__name__}")
        return f(*args, **kwargs)
    g._argchecked = True
    return g


def guard(namespace, group):
    """Wraps the functions of ``namespace`` (a module's globals) that SPECS[group] names."""
    for n, spec in SPECS.get(group, {}).items():
        f = namespace.get(n)
        if callable(f) and not isinstance(f, type) and not getattr(f, "_argchecked", False):
            namespace[n] = checked(n, f, spec)


def guard_methods(cls):
    """Wraps the Tensor methods that SPECS["Tensor"] names (their arguments after self)."""
    for n, spec in SPECS.get("Tensor", {}).items():
        f = vars(cls).get(n)
        if callable(f) and not isinstance(f, type) and not getattr(f, "_argchecked", False):
            setattr(cls, n, checked(n, f, spec, offset=1))
