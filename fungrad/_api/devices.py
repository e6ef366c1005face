"""Devices, as JAX programs ask for them: fungrad runs on one CPU device (numpy).

devices(), local_devices() -> [CpuDevice(id=0)]; device_count() == 1; default_backend() == 'cpu';
device_put copies an array "to the device" (a fresh numpy array, so later writes to the input do
not show); device_get returns numpy arrays; block_until_ready returns its argument (numpy is
synchronous: a result exists when the call returns).

Imports: _core.
"""
from __future__ import annotations

from typing import Any

from fungrad._core.typing import PyTree
import numpy as np

from fungrad._core.errors import ConcretizationError
from fungrad._core.trace import Tracer
from fungrad._core.tree import tree_leaves, tree_map


class CpuDevice:
    """The one device fungrad computes on."""

    __slots__ = ()
    id = 0
    platform = "cpu"
    device_kind = "cpu"
    process_index = 0
    host_id = 0
    client = None

    def __repr__(self):
        return "CpuDevice(id=0)"

    def __str__(self):
        return "cpu:0"

    def memory_stats(self):
        return None


_CPU = CpuDevice()


def _check_backend(name, backend):
    if backend is None or backend == "cpu":
        return
    raise RuntimeError(f"{name}: unknown backend {backend!r} requested; fungrad runs on numpy, "
                       "so the only platform present is 'cpu'. Fix: pass backend='cpu' or "
                       "leave it out.")


def devices(backend: str | None = None) -> list[Any]:
    """[CpuDevice(id=0)].

    >>> import fungrad as fg
    >>> fg.devices()
    [CpuDevice(id=0)]
    """
    _check_backend("devices", backend)
    return [_CPU]


def local_devices(process_index: int | None = None, backend: str | None = None,
                  host_id: int | None = None) -> list[Any]:
    """[CpuDevice(id=0)].

    >>> import fungrad as fg
    >>> fg.local_devices()
    [CpuDevice(id=0)]
    """
    _check_backend("local_devices", backend)
    for what, v in (("process_index", process_index), ("host_id", host_id)):
        if v not in (None, 0):
            raise ValueError(f"local_devices: {what}={v!r}, but there is one process (0).")
    return [_CPU]


def device_count(backend: str | None = None) -> int:
    """1.

    >>> import fungrad as fg
    >>> fg.device_count()
    1
    """
    _check_backend("device_count", backend)
    return 1


def local_device_count(backend: str | None = None) -> int:
    """1.

    >>> import fungrad as fg
    >>> fg.local_device_count()
    1
    """
    _check_backend("local_device_count", backend)
    return 1


def default_backend() -> str:
    """'cpu'.

    >>> import fungrad as fg
    >>> fg.default_backend()
    'cpu'
    """
    return "cpu"


def process_index(backend: str | None = None) -> int:
    """0: this process's index among the processes of a multi-host run (there is one).

    >>> import fungrad as fg
    >>> fg.process_index()
    0
    """
    return 0


def process_count(backend: str | None = None) -> int:
    """1: the number of processes of a multi-host run (fungrad runs in one).

    >>> import fungrad as fg
    >>> fg.process_count()
    1
    """
    return 1


def _check_device(name, device):
    if device is None or isinstance(device, CpuDevice):
        return
    raise TypeError(f"{name}: device must be None or a device from fungrad.devices() "
                    f"(CpuDevice(id=0)), got {device!r} of type {type(device).__name__}. "
                    "fungrad has one CPU device and no shardings.")


def _short(v):
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def device_put(x: PyTree, device: Any = None, *, src: Any = None, donate: bool = False,
               may_alias: bool | None = None) -> PyTree:
    """`x` (a pytree) with every leaf as an array on the CPU device: numpy arrays are copied
    (unless donate or may_alias is true), Python and numpy scalars become 0-d arrays, traced
    values pass through.

    >>> import fungrad as fg
    >>> fg.device_put(1.5)
    array(1.5)
    """
    _check_device("device_put", device)
    _check_device("device_put (src)", src)
    copy = not (donate or may_alias)

    def put(leaf):
        if isinstance(leaf, Tracer):
            return leaf
        if isinstance(leaf, np.ndarray):
            return np.array(leaf) if copy else leaf
        if isinstance(leaf, (bool, int, float, complex, np.generic)) or hasattr(leaf, "__array__"):
            out = np.asarray(leaf)
            if out.dtype.kind == "O":  # a Python int beyond int64 and uint64 (numpy: an object)
                raise TypeError(f"device_put: {_short(leaf)} of type {type(leaf).__name__} is "
                                "not representable as an int64 (or uint64) or float array. Fix: "
                                "pass a float, or a value within the integer range.")
            return out
        raise TypeError(f"device_put: {leaf!r} of type {type(leaf).__name__} is not an array "
                        "value. Fix: pass arrays, scalars or pytrees of them.")

    return tree_map(put, x)


def device_get(x: PyTree) -> PyTree:
    """`x` (a pytree) with every array leaf as a numpy array; other leaves are returned as they
    are. Traced values raise: they have no value to fetch inside a transform.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.device_get({"w": fnp.arange(3)})
    {'w': array([0, 1, 2])}
    """
    def get(leaf):
        if isinstance(leaf, Tracer):
            raise ConcretizationError(
                f"device_get: got a traced value {leaf.aval.str_short()} inside a transform "
                "(jit, grad, vmap, ...), where it has no concrete value to fetch. Fix: call "
                "device_get on the transformed function's result, outside the transform.")
        if isinstance(leaf, (np.ndarray, np.generic)) or hasattr(leaf, "__array__"):
            return np.asarray(leaf)
        return leaf

    return tree_map(get, x)


def block_until_ready(x: PyTree) -> PyTree:
    """Wait until every array in the pytree `x` is computed, and return `x`. numpy computes
    synchronously, so this only calls `.block_until_ready()` on leaves that have it.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.block_until_ready({"a": fnp.ones(2)})
    {'a': array([1., 1.])}
    """
    for leaf in tree_leaves(x):
        method = getattr(type(leaf), "block_until_ready", None)
        if method is not None and not isinstance(leaf, Tracer):
            method(leaf)
    return x

