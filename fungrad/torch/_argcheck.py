"""torch's error types at the public functions' and methods' entry and exit.

Entry: torch's TypeError for a value of the wrong type.

torch checks each argument against its signature before any kernel runs: a Tensor argument given
None, a string, a list or an object raises ``TypeError: sin(): argument 'input' (position 1) must
be Tensor, not NoneType``, and so does an int argument (a dim, a size) given a tensor or a float.
``guard(namespace, group)`` and ``guard_methods(cls)`` wrap the functions and methods that
_argspec.SPECS names with that check of their leading positional arguments, so that the op's own
code never trips over such a value (an AttributeError, a message of Python's). Arrays, tracers and
one-element tensors always pass (the shim's own code calls some public functions with them),
except a one-element floating tensor where torch takes an int (eye(tensor(1.5))). An int beyond
int64 where torch takes an int: its parser's error for that position (_argspec.OVERFLOW, raised by
``checked`` after the type checks): OverflowError for a Scalar, ValueError for an int,
TypeError for an element of a list of ints; where no row names the position the op takes it.

Arity: where torch's count of positional arguments is narrower than the shim's signature
(softmax requires dim, contiguous takes no positional, view() matches no overload: _argspec.ARITY),
and where it has no overload for two numbers (float_power(2, 3): _argspec.NUMBERS), ``with_arity``
adds a count comparison with torch's message, outside the type checks (torch's parser counts
first); a function whose signature already agrees gets nothing.

Exit: where the shim's op leaves an error to fungrad's core or numpy (a ShapeError for operands
that do not broadcast, numpy's ValueError or AxisError, a LinAlgError), the caller gets it as
torch's RuntimeError, as a class deriving from both RuntimeError and the original type (so an
``except ValueError`` written for fungrad still catches it), with the original message; a dtype
the core's op cannot take (DtypeError, a ufunc without a loop for it) is torch's
NotImplementedError ("not implemented for ..."), and a multi-element tensor the op read as a number
a TypeError (as torch's argument parser) that is also the RuntimeError of ``int(t)``. Errors the
shim raises itself are torch's already and pass unchanged.
"""
import functools
import inspect
import re
import types

import numpy as np

from fungrad.errors import DtypeError
from fungrad.extend import Tracer
from fungrad.torch._argspec import ARITY, NUMBERS, OVERFLOW, SPECS
from fungrad.torch._dtype_refusals import REFUSALS
from fungrad.torch._device import device
from fungrad.torch._dtype import dtype
from fungrad.torch._generator import Generator
from fungrad.torch._state import TF_MODES
from fungrad.torch._tensor import Tensor

__all__ = ["guard", "guard_methods", "checked", "torch_error"]

_PASS = (np.ndarray, np.generic, Tracer)
# the argument types that never take part in __torch_function__ dispatch (overrides uses them)
PLAIN = frozenset((Tensor, int, float, bool, str, type(None), slice, type(Ellipsis)))
NOT_ROUTED = object()  # a route's answer where no argument overrides the op
_INT64 = 2 ** 63


def kind_of(a):
    """The kind code of a value (see _argspec), or None for one that is never refused."""
    if isinstance(a, Tensor):
        v = a._value
        if v.size != 1:
            return "t"
        return "z" if v.dtype.kind in "fc" else None  # a number, but not an int
    if a is None:
        return "n"
    t = type(a)
    if t is int:
        # h: one beyond int64, refused where an int is (guard's _huge_refused); where an int is
        # taken, torch's parser error for it is checked's (OVERFLOW)
        return "i" if -_INT64 <= a < _INT64 else "h"
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
        return "r" if a and isinstance(a[0], (list, tuple)) else "l"
    if (isinstance(a, (int, float, slice, type(Ellipsis), type, dtype, device, Generator))
            or callable(a) or hasattr(a, "__index__")):
        return None  # torch's own objects, classes, functions, indices: checked by the op
    return "o"


_MIXED = {}
_NUMPY_SHAPE = ("operands could not be broadcast together", "arrays used as indices must be",
                "shape mismatch: objects cannot be broadcast", "non-broadcastable output operand")
_NUMPY_SEQUENCE = ("setting an array element with a sequence",)
_SCALAR = re.compile(r"a Tensor with \d+ elements cannot be converted to Scalar")
_ONE_ELEMENT = "only one element tensors can be converted to Python scalars"
_UFUNC = ("not supported for the input types", "did not contain a loop with signature")


def _str(self):
    return self._torch_message


def _mixed(base, t):
    key = (base, t)
    c = _MIXED.get(key)
    if c is None:
        try:
            c = type(t.__name__, (base, t), {"__str__": _str, "__module__": t.__module__})
        except TypeError:  # an instance layout that cannot be combined
            c = type(t.__name__, (base,), {"__str__": _str, "__module__": t.__module__})
        _MIXED[key] = c
    return c


def torch_error(e, name):
    """The error torch raises where the op let ``e`` escape from fungrad's core or numpy, or
    None where ``e`` stays as it is."""
    msg = str(e)
    if type(e) is ValueError and msg == _ONE_ELEMENT:
        # int(t) or float(t) of a multi-element tensor inside the op: where torch reads that
        # number, its argument parser raises TypeError, its .item() RuntimeError, its Python
        # code ValueError: the three
        new = BaseException.__new__(_mixed(TypeError, _mixed(RuntimeError, ValueError)))
        new.args = (msg,)
        new._torch_message = msg
        return new
    if isinstance(e, RuntimeError):
        if type(e) is not RuntimeError or not _SCALAR.match(msg):
            return None
        # the op read a number from a tensor argument (int(t), float(t)): torch's argument parser
        # refuses a tensor there with TypeError, its .item() with this RuntimeError: both
        base = TypeError
    elif isinstance(e, DtypeError) or (type(e) is TypeError and any(u in msg for u in _UFUNC)):
        if type(e) is TypeError:  # numpy's ufunc, called by the shim on a dtype it has no loop for
            msg = f'"{name}" not implemented for the dtypes of its arguments'
        base = NotImplementedError
    elif isinstance(e, TypeError):
        return None
    elif msg.startswith(_NUMPY_SHAPE):  # numpy's, inside the shim's own code
        base = RuntimeError
    elif msg.startswith(_NUMPY_SEQUENCE):  # numpy reading a nested sequence as numbers
        base = TypeError
    else:
        tb = e.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        if (tb.tb_frame.f_globals.get("__name__", "") or "").startswith("fungrad.torch"):
            return None  # raised by the shim: torch's type already
        base = RuntimeError
    new = BaseException.__new__(_mixed(base, type(e)))
    new.args = (msg,)
    new._torch_message = msg
    return new


def _positional_names(f):
    try:
        ps = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in ps if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def checked(name, f, spec, offset=0, refusals=None, route=None, overflow=None):
    """``f`` with torch's type check of its leading arguments: ``spec`` holds, for each position
    after the first ``offset`` (a method's self), None or (expected, refused kind codes);
    ``refusals``: {dtype name: (error type name, message)}, torch's error where every tensor
    operand has that dtype (_dtype_refusals). ``route``: overrides' ``__torch_function__``
    handler, where the wrapper is also the op's dispatch (``overrides.dispatch`` folds it in
    through ``g._fold``: one wrapper per public op)."""
    names = _positional_names(f)
    checks = _entries(names, spec, offset, _overflow_positions(names, overflow, offset))

    @functools.wraps(f)
    def g(*args, **kwargs):
        if route is not None:  # overrides.dispatch's test, inlined (see there)
            if TF_MODES.get():
                return route(args, kwargs, False)
            for a in args:
                t = type(a)
                if t is not Tensor and t not in PLAIN:
                    r = route(args, kwargs, True)
                    if r is not NOT_ROUTED:
                        return r
                    break
            else:
                if kwargs:
                    r = route(args, kwargs, True)
                    if r is not NOT_ROUTED:
                        return r
        huge = None  # torch's parser error for an int beyond int64: (read rank, error, text)
        for i, pname, check, tensor_ok, over in checks:
            if i < len(args):
                a = args[i]
            elif pname is not None and pname in kwargs:
                a = kwargs[pname]
            else:
                continue
            if tensor_ok and type(a) is Tensor:
                continue
            if check is not None:
                k = kind_of(a)
                if k is not None and k in check[1]:
                    arg = "input" if i == 0 else ((offset and pname) or "other")
                    raise TypeError(f"{name}(): argument '{arg}' (position {i + 1 - offset}) "
                                    f"must be {check[0]}, not {type(a).__name__}")
            if (over is not None and type(a) is int and not -_INT64 <= a < _INT64
                    and (huge is None or over[0] < huge[0])):
                huge = over
        if huge is not None:  # (after every position's type check, as torch's parser)
            raise huge[1](huge[2])
        if refusals is not None:
            _refuse(refusals, args, kwargs)
        try:
            return f(*args, **kwargs)
        except Exception as e:
            t = torch_error(e, name)
            if t is None and type(e) is AttributeError:
                t = _not_a_tensor(e, name, names, offset, args, kwargs)
                if t is not None and name in _BINARY_OPERATORS:
                    return NotImplemented  # as torch: Python then tries the other operand
            if t is None:
                raise
            raise t from e
    g._argchecked = True
    if route is None:  # (g itself: functools.wraps copies the attribute onto outer wrappers)
        g._fold = (g, lambda route: checked(name, f, spec, offset, refusals, route, overflow))
    return g


_NO_ATTRIBUTE = re.compile(r"'(\w+)' object has no attribute '\w+'")


def _not_a_tensor(e, name, names, offset, args, kwargs):
    """torch's TypeError for an argument the op used as a tensor that is not one (an
    AttributeError on a value of that type, in a position no spec checks), or None."""
    m = _NO_ATTRIBUTE.fullmatch(str(e))
    if m is None:
        return None
    given = [(i, names[i] if i < len(names) else None, a) for i, a in enumerate(args)]
    given += [(names.index(k) if k in names else len(args), k, a) for k, a in kwargs.items()]
    for i, pname, a in given:
        if i >= offset and type(a).__name__ == m.group(1) and not isinstance(a, Tensor):
            arg = pname or ("input" if i == 0 else "other")
            return TypeError(f"{name}(): argument '{arg}' (position {i + 1 - offset}) must be "
                             f"Tensor, not {type(a).__name__}")
    for i, _, a in given:  # an element of a sequence of tensors (cat's, stack's)
        if i >= offset and isinstance(a, (list, tuple)):
            for j, x in enumerate(a):
                if type(x).__name__ == m.group(1) and not isinstance(x, Tensor):
                    return TypeError(f"expected Tensor as element {j} in argument {i - offset}, "
                                     f"but got {type(x).__name__}")
    return None


def _ours(f):
    return (isinstance(f, types.FunctionType) and not getattr(f, "_argchecked", False)
            and (getattr(f, "__module__", "") or "").startswith("fungrad.torch"))


_NO_LIMIT = 1 << 62


def _arity_error(entry, args, n, kwargs):
    """torch's TypeError for the ``n`` last positional ``args`` (a method's after self) where
    ``entry`` (an ARITY row) refuses that many, or None where keywords give the missing ones."""
    low, names, missing, style, high, extra, offset = entry
    if high is not None and n > high:
        if extra is None:
            return None
        given = n + offset
        if extra.endswith("no arguments"):  # a builtin's (CPython's METH_NOARGS)
            return TypeError(f"{extra} ({given} given)")
        return TypeError(f"{extra} but {given} {'was' if given == 1 else 'were'} given")
    if style == "o":  # overloads, none of which takes this few: unless keywords give them
        return None if kwargs else TypeError(
            f"{missing[0]} ({', '.join(_typename(a) for a in args[len(args) - n:])}), "
            f"{missing[1]}")
    start = low - len(names)
    left = [x for x in names[max(n - start, 0):] if x not in kwargs]
    if not left or missing is None:
        return None
    if style == "c":  # torch's argument parser: every required one from the first missing on
        listed = names[names.index(left[0]):]
        return TypeError(f"{missing} {len(listed)} required positional argument"
                         f"{'s' if len(listed) == 1 else ''}: "
                         + ", ".join(f'"{x}"' for x in listed))
    quoted = [f"'{x}'" for x in left]  # CPython's
    listed = (quoted[0] if len(quoted) == 1 else f"{quoted[0]} and {quoted[1]}"
              if len(quoted) == 2 else ", ".join(quoted[:-1]) + ", and " + quoted[-1])
    return TypeError(f"{missing} {len(left)} required positional argument"
                     f"{'s' if len(left) > 1 else ''}: {listed}")


def _typename(a):
    """The name torch's argument parser gives the type of ``a`` in its messages."""
    if isinstance(a, (dtype, device, Generator)):
        return "torch." + ("dtype" if isinstance(a, dtype) else
                           "device" if isinstance(a, device) else "Generator")
    return type(a).__name__


def with_arity(f, entry, offset=0, numbers=None):
    """``f`` with torch's count of positional arguments where ``entry`` (ARITY's row for it)
    differs from what f's signature takes, and torch's refusal of two numbers where
    ``numbers`` (NUMBERS' row: its message before and after the arguments' types) is given;
    else f itself (nothing to check per call)."""
    if numbers is not None:
        f = _numbers_refused(f, numbers)
    if entry is None:
        return f
    low, high = entry[0], entry[4]
    try:
        ps = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return f
    pos = [p for p in ps if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    nreq = max(sum(p.default is p.empty for p in pos) - offset, 0)
    npos = None if any(p.kind == p.VAR_POSITIONAL for p in ps) else len(pos) - offset
    if high is None:
        high = _NO_LIMIT
    if low <= nreq and npos is not None and high >= npos:
        return f  # f's signature refuses what torch refuses

    @functools.wraps(f)
    def a(*args, **kwargs):
        n = len(args) - offset
        if n > high or n < low:
            e = _arity_error(entry, args, n, kwargs)
            if e is not None:
                raise e
        return f(*args, **kwargs)
    return a


_NUMBER_TYPES = (int, float, bool, complex)


def _numbers_refused(f, numbers):
    """``f`` refusing two Python numbers as its first two arguments, as torch where none of its
    overloads takes them (float_power(2, 3): (Number, Tensor) and (Tensor, Number) only)."""
    @functools.wraps(f)
    def nf(*args, **kwargs):
        if (len(args) >= 2 and type(args[0]) in _NUMBER_TYPES
                and type(args[1]) in _NUMBER_TYPES):
            raise TypeError(f"{numbers[0]} ({', '.join(_typename(a) for a in args)}), "
                            + numbers[1].format(_typename(args[0]), _typename(args[1])))
        return f(*args, **kwargs)
    return nf


def guard(namespace, group):
    """Wraps the public functions of ``namespace`` (a module's globals): the type checks that
    SPECS[group] names, torch's arity where ARITY[group] has it, torch's refusal of numbers
    alone where NUMBERS[group] has it, and torch's error types for every one."""
    specs = SPECS.get(group, {})
    refusals = REFUSALS.get(group, {})
    arity, numbers = ARITY.get(group, {}), NUMBERS.get(group, {})
    overflow = OVERFLOW.get(group, {})
    public = namespace.get("__all__")  # (the torch namespace's is made after its guard)
    public = None if public is None else set(public)
    here = namespace.get("__name__")
    for n, f in list(namespace.items()):
        if n.startswith("_"):
            continue
        # a module's own public functions and what it exports, not the helpers it imports
        # (apply, cast, val: its own code calls them, and would pay the wrapper on every op)
        if (_ours(f) and (public is None or n in public or f.__module__ == here)) or (
                (n in specs or n in arity or n in numbers or n in refusals)
                and isinstance(f, types.FunctionType) and getattr(f, "_argchecked", False)
                and getattr(f, "_argtables", None) != _tables(group, n)):
            # (the second: checked in another namespace, nn.functional's in torch's, with other
            # tables: torch's function of this name has its own signature)
            g = with_arity(checked(n, f, _huge_refused(specs.get(n, ())),
                                   refusals=_by_dtype(refusals.get(n)), overflow=overflow.get(n)),
                           arity.get(n), numbers=numbers.get(n))
            g._argtables = _tables(group, n)
            namespace[n] = g


def _tables(group, n):
    return (SPECS.get(group, {}).get(n, ()), ARITY.get(group, {}).get(n),
            NUMBERS.get(group, {}).get(n), REFUSALS.get(group, {}).get(n),
            OVERFLOW.get(group, {}).get(n))


def _huge_refused(spec):
    """``spec`` (a SPECS row) refusing an int beyond int64 (kind h) wherever it refuses an int:
    torch's type check does not look at the value."""
    return tuple(s if s is None or "i" not in s[1] else (s[0], s[1] + "h") for s in spec)


# the usual message of each type of torch's parser error for an int beyond int64 (OVERFLOW's rows
# leave it out)
OVERFLOW_TEXT = {"OverflowError": "int too big to convert",
                 "ValueError": "Overflow when unpacking long long"}
_PARSER_ERRORS = {"OverflowError": OverflowError, "ValueError": ValueError,
                  "TypeError": TypeError}


def _entries(names, spec, offset, at):
    """``checked``'s per-position work, each position fetched once: (position, name, its SPECS
    check (expected, refused kinds) or None, whether a Tensor always passes there, its overflow
    error (rank in torch's read order, error type, message) or None), by position."""
    over = {i: (rank, error, msg) for rank, (i, _n, error, msg) in enumerate(at or ())}
    checks = {i + offset: s for i, s in enumerate(spec) if s is not None}
    out = []
    for i in sorted(set(checks) | set(over)):
        s = checks.get(i)
        o = over.get(i)
        # (a Tensor is no int: the overflow test never refuses one)
        tensor_ok = s is None or ("t" not in s[1] and "z" not in s[1])
        out.append((i, names[i] if i < len(names) else None, s, tensor_ok, o))
    return tuple(out)


def _overflow_positions(names, row, offset=0):
    """Where ``checked`` raises torch's argument parser error for an int beyond int64: the
    positions of ``row`` (OVERFLOW's: (order, ((position, error type[, message]), ...)), the
    positions after a method's self; ``names``: the function's positional parameters) as
    (position, name, error type, message), in the order torch reads them. torch reads a Scalar
    there (OverflowError), an int (ValueError) or a list of ints (TypeError: an element of
    *size); of several, the one it reads first (its C++ binding: the last). The entry's type
    checks come before, as torch matches the overload before it reads the values; where no row
    names a position, the op takes the int (a float argument: bernoulli_'s p, nan_to_num's nan)
    and its own code answers. None where ``row`` is None."""
    if row is None:
        return None
    order, rows = row
    at = []
    for r in rows:
        i = r[0] + offset
        msg = r[2] if len(r) > 2 else OVERFLOW_TEXT[r[1]]
        at.append((i, names[i] if i < len(names) else None, _PARSER_ERRORS[r[1]], msg))
    if order == "last":
        at.reverse()
    return tuple(at)


# operators wrapped as the methods are
OPERATORS = ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
             "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__",
             "__rpow__", "__matmul__", "__rmatmul__", "__and__", "__or__", "__xor__",
             "__lshift__", "__rshift__", "__getitem__", "__setitem__", "__iadd__", "__isub__",
             "__imul__", "__itruediv__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__")
def _refuse(refusals, args, kwargs):
    """torch's dtype error where all tensor operands have one dtype that torch refuses
    (``refusals``: np.dtype -> (error type name, message))."""
    dt = None
    for a in args:
        if isinstance(a, Tensor):
            d = a._value.dtype
            if d.kind == "f":  # floating operands: never refused (the table's dtypes are not)
                return
            if dt is None:
                dt = d
            elif d is not dt and d != dt:
                return
    for a in kwargs.values():
        if isinstance(a, Tensor) and a._value.dtype != dt:
            return
    if dt is not None:
        hit = refusals.get(dt)
        if hit is not None:
            raise _ERRORS[hit[0]](hit[1])


def _by_dtype(refusals):
    return None if refusals is None else {np.dtype(k): v for k, v in refusals.items()}


_ERRORS = {"RuntimeError": RuntimeError, "NotImplementedError": NotImplementedError,
           "TypeError": TypeError, "ValueError": ValueError, "IndexError": IndexError}
_BINARY_OPERATORS = frozenset(n for n in OPERATORS if n not in ("__getitem__", "__setitem__"))


def guard_methods(cls):
    """Wraps the public methods of Tensor (the type checks of SPECS["Tensor"], of the arguments
    after self) and its operators."""
    specs = SPECS.get("Tensor", {})
    refusals = REFUSALS.get("Tensor", {})
    arity = ARITY.get("Tensor", {})
    overflow = OVERFLOW.get("Tensor", {})
    for n, f in list(vars(cls).items()):
        if (not n.startswith("_") or n in OPERATORS) and _ours(f):
            setattr(cls, n, with_arity(checked(n, f, _huge_refused(specs.get(n, ())), offset=1,
                                               refusals=_by_dtype(refusals.get(n)),
                                               overflow=overflow.get(n)),
                                       arity.get(n), 1))
