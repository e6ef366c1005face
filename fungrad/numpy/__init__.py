"""fungrad.numpy: the numpy API over fungrad's primitives. Outside transforms it takes and returns
plain numpy arrays; inside them, traced values (which also have jax.numpy's `.at[...]`).

The namespace holds numpy's public names only (`__all__`); the implementation modules are
private to it.

Imports: _core, lax, and this package's modules.
"""
import importlib.util as _importlib_util
import sys as _sys

from fungrad.numpy import _operators
from fungrad.numpy._dtypes import *  # noqa: F401,F403
from fungrad.numpy._einsum import *  # noqa: F401,F403
from fungrad.numpy.creation import *  # noqa: F401,F403
from fungrad.numpy.indexing import *  # noqa: F401,F403
from fungrad.numpy.linalg import (  # noqa: F401
    dot as dot, inner as inner, matmul as matmul, numpy_outer as outer, tensordot as tensordot,
    vdot as vdot)
from fungrad.numpy.logic import *  # noqa: F401,F403
from fungrad.numpy.numeric import *  # noqa: F401,F403
from fungrad.numpy.reductions import *  # noqa: F401,F403
from fungrad.numpy.shape import *  # noqa: F401,F403
from fungrad.numpy.sorting import *  # noqa: F401,F403
from fungrad.numpy.ufuncs import *  # noqa: F401,F403
from fungrad.numpy import (
    _dtypes, _einsum, creation, indexing, logic, numeric, reductions, sorting, ufuncs)
from fungrad.numpy import linalg as linalg

_shape_module = _sys.modules["fungrad.numpy.shape"]

__all__ = sorted({"dot", "inner", "matmul", "outer", "tensordot", "vdot", "linalg"}.union(
    *[m.__all__ for m in (_dtypes, _einsum, creation, indexing, logic, numeric, reductions,
                          _shape_module, sorting, ufuncs)]))

if _importlib_util.find_spec("fungrad.numpy.fft") is not None:  # (another module's area)
    from fungrad.numpy import fft as fft  # noqa: E402
    __all__.append("fft")

_operators.install(globals())

# the implementation modules stay importable (fungrad.numpy.indexing, ...) but are not names of
# the numpy namespace; `shape` is numpy's function
del _dtypes, _einsum, creation, indexing, logic, numeric, reductions, sorting, ufuncs
del _shape_module, _importlib_util, _sys
for _name in ("_at", "_promote"):
    globals().pop(_name, None)
del _name

__dir__ = __all__.copy  # dir() lists the public names only
