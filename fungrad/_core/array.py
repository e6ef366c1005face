"""fungrad.Array: the array type fungrad.numpy, the transforms and jit return.

A thin read-only subclass of numpy.ndarray (design decision 9, see the README's design section):
numpy, scipy and matplotlib take it as the ndarray it is, while it adds what JAX code needs:

* `x.at[idx].set(v)` / add / ... functional updates (installed by fungrad.numpy, which owns the
  update logic; the core only declares the slot);
* `x[i]` with a traced index `i` (under jit, scan, vmap): routed to fungrad.numpy's indexing,
  so `lax.fori_loop(0, 10, lambda i, s: s + a[i], 0)` works on a concrete `a`;
* immutability (with READ_ONLY, see below): results are read-only, `x[0] = 1` raises a TypeError
  naming `.at[...]` and `x += 1` rebinds `x` to a new array (as in JAX) instead of writing;
* `x.block_until_ready()` (a no-op: numpy computes eagerly).

numpy's own operations on an Array are numpy's, unchanged and at numpy's speed: `x + 1`,
`np.sin(x)`, `x.sum()`, `x[1:]`, `x[0]` give what numpy gives for an ndarray subclass (views of
a read-only Array are read-only; fresh results are writeable Arrays; a scalar index gives a numpy
scalar). numpy's and scipy's internals rely on that: np.var computes `x - mean` and then squares
it in place, np.percentile partitions a copy, scipy allocates with np.empty_like and fills. Only
what fungrad returns (fungrad.numpy functions, the transforms, jit) is read-only.

`isinstance(v, Array)` is also true for traced values (the core registers its Tracer as a virtual
subclass), so annotations and checks written against `fungrad.Array` hold inside transforms.

Inside fungrad the subclass never reaches a primitive's impl or generated code: eager evaluation
and jit strip it (`plain`) so numpy runs on exact ndarrays at full speed, and put it back on the
results (`frozen`, `as_array`).

Fresh results are frozen at the buffer that owns the memory, so an Array whose whole base chain
is read-only cannot change (`is_frozen`); jit uses that to decide which closed-over constants it
must copy when it traces (a constant that can still change is copied, as JAX copies numpy
arrays at trace time).

Imports: numpy only.
"""
import numpy as np

__all__ = ["Array", "as_array", "fresh", "frozen", "is_frozen", "plain", "register_virtual"]

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


def _inplace(name):
    nd_op = getattr(np.ndarray, f"__i{name}__")
    op = getattr(np.ndarray, f"__{name}__")

    def method(self, other):
        if self.flags.writeable:  # a fresh Array numpy made (np.zeros_like, np.sin(x)): numpy's
            return nd_op(self, other)
        return op(self, other)  # read-only: x += y rebinds x, as for JAX arrays
    method.__name__ = f"__i{name}__"
    return method


class Array(np.ndarray, metaclass=_ArrayMeta):
    """The array type of fungrad: a read-only numpy.ndarray with JAX's `.at[]` updates,
    traced-index `__getitem__` and `block_until_ready()`. numpy functions and operators accept it
    as an ndarray (their results are Arrays too, writeable where numpy allocated them fresh);
    fungrad.numpy functions, transforms and jit return read-only Arrays."""

    __slots__ = ()

    def __getitem__(self, idx):
        types = hooks["tracer_types"]
        if types and _has_tracer(idx, types):
            return hooks["traced_getitem"](self, idx)
        return _nd_getitem(self, idx)

    def __setitem__(self, idx, value):
        if self.flags.writeable:  # a buffer numpy allocated (e.g. np.empty_like(x)): numpy's
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

    def block_until_ready(self):
        """Return self: numpy has computed the value already (JAX's asynchronous dispatch API)."""
        return self

    def __repr__(self):
        # numpy's text, `array(...)`, so an Array prints as the ndarray it is (and doctests and
        # printed results written against numpy stay true); type(x) names fungrad.Array
        return repr(_nd_view(self, np.ndarray))

    def __reduce__(self):  # pickles as a plain ndarray's data, unpickles as a frozen Array
        return (_unpickle, (_nd_view(self, np.ndarray),))


def _unpickle(a):
    return frozen(np.array(a))


def _index_text(idx):
    try:
        text = ", ".join(map(repr, idx)) if type(idx) is tuple else repr(idx)
    except Exception:  # noqa: BLE001 - only for the message
        text = "..."
    return text if len(text) < 60 else text[:57] + "..."


# Whether fungrad's results are read-only (the design; see the module docstring). Off for now:
# fungrad.torch writes into tensors' storage in place at a few places that do not yet check
# `flags.writeable` (clip_grad_norm_/clip_grad_value_, embedding's max_norm), and a Tensor's
# storage is a fungrad result; with those guarded this becomes True. While it is False, results
# are writeable Arrays (`x[0] = 1` writes, as numpy) and jit copies every array constant when
# it traces (no Array is frozen). Programs' own constants are read-only either way.
READ_ONLY = False


def frozen(x):
    """`x`, an ndarray nobody else holds (a fresh result), as an Array; with READ_ONLY the owning
    buffer is made read-only too, so the Array is frozen (see is_frozen)."""
    if READ_ONLY:
        x.setflags(write=False)
    return _nd_view(x, Array)


def fresh(x):
    """A fresh numpy result (an ndarray, a numpy scalar, or a tuple/list of them) as frozen
    Arrays; anything else (None, Python values, Arrays already) is returned as it is."""
    t = type(x)
    if t is np.ndarray:
        return frozen(x)
    if t is tuple or t is list:
        return t(fresh(v) for v in x)
    if isinstance(x, np.generic):
        return frozen(np.asarray(x))
    return x


def as_array(x):
    """Any array-like as an Array (read-only with READ_ONLY), without touching `x` itself (which
    may be a caller's array): an Array view of its data."""
    if type(x) is Array and (not READ_ONLY or not x.flags.writeable):
        return x
    v = _nd_view(np.asarray(x), Array)
    if READ_ONLY:
        v.setflags(write=False)
    return v


def plain(x):
    """An Array as an exact numpy.ndarray view (what impls and generated code run on)."""
    return _nd_view(x, np.ndarray) if type(x) is Array else x


def is_frozen(x):
    """Whether ndarray `x` cannot change any more: it and every base below it are read-only
    ndarrays (other buffers, e.g. memory maps or bytes, count as changeable)."""
    while x is not None:
        if not isinstance(x, np.ndarray) or x.flags.writeable:
            return False
        x = x.base
    return True
