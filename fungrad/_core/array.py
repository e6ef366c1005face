"""fungrad.Array: the array type fungrad.numpy, the transforms and jit return.

A thin subclass of numpy.ndarray (design decision 9, see the README's design section): numpy,
scipy and matplotlib take it as the ndarray it is, while it adds what JAX code needs:

* `x.at[idx].set(v)` / add / ... functional updates (installed by fungrad.numpy, which owns the
  update logic; the core only declares the slot);
* `x[i]` with a traced index `i` (under jit, scan, vmap): routed to fungrad.numpy's indexing,
  so `lax.fori_loop(0, 10, lambda i, s: s + a[i], 0)` works on a concrete `a`;
* immutability: `x[0] = 1` on a value fungrad returned raises a TypeError naming `.at[...]`, and
  `x += 1` rebinds `x` to a new array (as in JAX) instead of writing;
* `x.block_until_ready()` (a no-op: numpy computes eagerly).

A value is an Array *view* of a buffer nobody else holds (`frozen`), which costs one
`ndarray.view` (about 0.15 us) and no flag changes; setting the writeable flag instead would cost
about 0.5 us more per result. So an Array is immutable when, below its Array views, its memory
belongs to a plain ndarray (`is_value`): every result fungrad makes, and every view of one
(`x[1:]`, `x.T`). An Array that owns its memory was allocated by numpy itself from an Array
prototype (`np.empty_like(x)`, `x.copy()`), and stays numpy's writeable buffer, because numpy's
and scipy's internals fill such buffers (np.gradient, np.apply_along_axis, np.piecewise). numpy's
ufuncs write through `out=` and `np.copyto`, which are numpy's and are left alone (fungrad.torch
writes its tensors' storage that way); `np.asarray(x)` is a plain ndarray view that numpy lets
you write into, as for any ndarray. jit therefore copies every array constant when it traces
(as JAX copies numpy arrays to the device), so a program never sees a later mutation.

numpy's own operations on an Array are numpy's: `x + 1`, `np.sin(x)`, `x.sum()` compute what
numpy computes, as a `NumpyResult` (an Array subclass: `.at` works on it, as JAX code expects of
`x + 1`) that stays a writeable numpy buffer, because numpy's and scipy's internals compute
temporaries with operators and then assign into them (scipy.stats.zscore); a view (`x[1:]`,
`x.T`) of a value is a value. numpy's `__array_wrap__` hook makes NumpyResults, which costs about
0.6 us per numpy call on an Array (fungrad's own code never pays it: see the next paragraph).

`isinstance(v, Array)` is also true for traced values (the core registers its Tracer as a virtual
subclass), so annotations and checks written against `fungrad.Array` hold inside transforms.

Inside fungrad the subclass never reaches a primitive's impl or generated code: eager evaluation
and jit strip it (`plain`) so numpy runs on exact ndarrays at full speed (numpy on a subclass
costs about 0.5 us more per call), and put it back on the results (`frozen`, `as_array`).

Imports: numpy only.
"""
import numpy as np

__all__ = ["ARRAY_TYPES", "Array", "NumpyResult", "as_array", "buffer_writeable", "fresh", "frozen",
           "install_inplace", "is_value", "plain", "register_virtual"]

_nd_view = np.ndarray.view
_nd_getitem = np.ndarray.__getitem__
_nd_setitem = np.ndarray.__setitem__

# slots filled from above: the core's Tracer type(s) (virtual subclasses) and fungrad.numpy's
# getitem for traced indices (the sanctioned upward extension point, as for Tracer's methods)
_virtual = []
hooks = {"traced_getitem": None, "tracer_types": ()}


class _ArrayMeta(type):
    """isinstance/issubclass against Array also accept the registered virtual subclasses."""

    def __instancecheck__(cls, obj):
        return type.__instancecheck__(cls, obj) or (
            cls is Array and isinstance(obj, hooks["tracer_types"]))

    def __subclasscheck__(cls, sub):
        return type.__subclasscheck__(cls, sub) or (
            cls is Array and isinstance(sub, type) and issubclass(sub, hooks["tracer_types"]))


def register_virtual(cls):
    """Make `isinstance(v, Array)` true for instances of `cls` (the core's Tracer)."""
    _virtual.append(cls)
    hooks["tracer_types"] = tuple(_virtual)
    return cls


def _has_tracer(idx, types):
    if isinstance(idx, types):
        return True
    if type(idx) is tuple:
        for i in idx:
            if isinstance(i, types) or (type(i) in (list, tuple) and _has_tracer(i, types)):
                return True
    elif type(idx) is list:
        return any(isinstance(i, types) for i in idx)
    return False


def _inplace(name, op=None):
    nd_op = getattr(np.ndarray, f"__i{name}__")
    op = op or getattr(np.ndarray, f"__{name}__")

    def method(self, other):
        if is_value(self):
            return op(self, other)  # a value: x += y rebinds x, as for JAX arrays
        return nd_op(self, other)  # a buffer numpy allocated (np.empty_like(x)): numpy's
    method.__name__ = f"__i{name}__"
    return method


def install_inplace(name, op):
    """`x op= y` on an Array value rebinds `x` to `op(x, y)` (fungrad.numpy's operator, installed
    from above with the other operators)."""
    setattr(Array, f"__i{name}__", _inplace(name, op))


def is_value(x):
    """Whether Array `x` is a value (immutable to item assignment): an exact Array whose memory,
    below its Array views, belongs to a plain ndarray. An Array owning its memory was allocated
    by numpy (np.empty_like), a NumpyResult was computed by numpy: both are numpy's buffers."""
    if type(x) is not Array:
        return False
    b = x.base
    while type(b) is Array:
        b = b.base
    return b is not None


class Array(np.ndarray, metaclass=_ArrayMeta):
    """The array type of fungrad: an immutable numpy.ndarray with JAX's `.at[]` updates,
    traced-index `__getitem__` and `block_until_ready()`. numpy functions and operators accept it
    as an ndarray (their results are Arrays too); fungrad.numpy functions, transforms and jit
    return Arrays. `isinstance(v, fungrad.Array)` holds for traced values too."""

    __slots__ = ()

    def __getitem__(self, idx):
        types = hooks["tracer_types"]
        if types and _has_tracer(idx, types):
            return hooks["traced_getitem"](self, idx)
        return _nd_getitem(self, idx)

    def __setitem__(self, idx, value):
        if not is_value(self):  # a buffer numpy allocated (e.g. np.empty_like(x)): numpy's
            return _nd_setitem(self, idx, value)
        raise TypeError(
            f"fungrad arrays are immutable: '{type(self).__name__}' object does not support "
            f"item assignment (x[{_index_text(idx)}] = ... on an array of shape {self.shape}). "
            "Fix: use the functional update x = x.at[idx].set(value) (or .add, .multiply, "
            ".min, .max, ...), which returns a new array.")

    __iadd__ = _inplace("add")
    __isub__ = _inplace("sub")
    __imul__ = _inplace("mul")
    __itruediv__ = _inplace("truediv")
    __ifloordiv__ = _inplace("floordiv")
    __imod__ = _inplace("mod")
    __ipow__ = _inplace("pow")
    __imatmul__ = _inplace("matmul")
    __iand__ = _inplace("and")
    __ior__ = _inplace("or")
    __ixor__ = _inplace("xor")
    __ilshift__ = _inplace("lshift")
    __irshift__ = _inplace("rshift")

    @property
    def flags(self):
        # a value answers Python code's "may I assign items?" (scipy checks flags.writeable,
        # then assigns) with no, as its __setitem__ does; numpy's C writes (out=, copyto) see the
        # buffer's real flags. fungrad.torch asks for those with `buffer_writeable`
        flags = _nd_flags(self)
        return _ValueFlags(flags) if is_value(self) else flags

    def block_until_ready(self):
        """Return self: numpy has computed the value already (JAX's asynchronous dispatch API)."""
        return self

    def __repr__(self):
        # numpy's text, `array(...)`, so an Array prints as the ndarray it is (and doctests and
        # printed results written against numpy stay true); type(x) names fungrad.Array
        return repr(_nd_view(self, np.ndarray))

    def __reduce__(self):  # pickles as a plain ndarray's data, unpickles as an Array value
        return (_unpickle, (_nd_view(self, np.ndarray),))

    def __array_wrap__(self, arr, context=None, return_scalar=False):
        # what numpy computes from Arrays (x + 1, np.sin(x), scipy's internals) is a
        # NumpyResult: an Array (with .at, for JAX code) that numpy's and scipy's internals may
        # still fill in place (scipy checks flags.writeable, then assigns items)
        if return_scalar:
            return arr[()]
        return _nd_view(arr, NumpyResult) if type(arr) is np.ndarray else arr


class NumpyResult(Array):
    """An Array numpy computed from fungrad Arrays (`x + 1`, `np.sin(x)`): an Array for
    fungrad (`.at`, isinstance), and a writeable buffer for numpy, as any numpy result is."""

    __slots__ = ()


# the exact types fungrad strips to ndarray views before numpy runs (impls, generated code)
ARRAY_TYPES = (Array, NumpyResult)


_nd_flags = np.ndarray.flags.__get__


def buffer_writeable(x):
    """Whether numpy can write into ndarray `x`'s memory (its real flags, for a fungrad.Array
    value too, whose `flags.writeable` says that items cannot be assigned)."""
    return _nd_flags(x).writeable


class _ValueFlags:
    """An Array value's flags as Python code reads them: numpy's, but not writeable."""

    __slots__ = ("_flags",)

    def __init__(self, flags):
        self._flags = flags

    writeable = property(lambda self: False)

    def __getattr__(self, name):
        return getattr(self._flags, name)

    def __getitem__(self, key):
        return False if key in ("WRITEABLE", "W") else self._flags[key]

    def __repr__(self):
        return repr(self._flags).replace("WRITEABLE : True", "WRITEABLE : False")


def _unpickle(a):
    return frozen(np.array(a))


def _index_text(idx):
    try:
        text = ", ".join(map(repr, idx)) if type(idx) is tuple else repr(idx)
    except Exception:  # noqa: BLE001 - only for the message
        text = "..."
    return text if len(text) < 60 else text[:57] + "..."


def frozen(x):
    """`x`, an ndarray nobody else holds (a fresh result), as an Array value (a numpy scalar,
    which numpy computes for 0-d operands, as a 0-d one)."""
    return _nd_view(x, Array) if type(x) is np.ndarray else as_array(x)


def fresh(x):
    """A fresh numpy result (an ndarray, a numpy scalar, or a tuple/list of them) as Array
    values; anything else (None, Python values, Arrays already) is returned as it is."""
    t = type(x)
    if t is np.ndarray:
        return _nd_view(x, Array)
    if t is tuple or t is list:
        return t(fresh(v) for v in x)
    if isinstance(x, np.generic):
        return _nd_view(np.asarray(x), Array)
    return x


def as_array(x):
    """Any array-like as an Array, without touching `x` itself (which may be a caller's
    array): an Array view of its data."""
    if type(x) is Array:
        return x
    return _nd_view(np.asarray(x), Array)  # a NumpyResult's asarray is its plain view


def plain(x):
    """An Array as an exact numpy.ndarray view (what impls and generated code run on)."""
    return _nd_view(x, np.ndarray) if type(x) in ARRAY_TYPES else x
