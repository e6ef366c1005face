"""The type aliases of fungrad's public signatures (re-exported by fungrad.typing).

`Array` is what fungrad returns. It names numpy.ndarray until fungrad owns its array type
(fungrad._core.array.Array); switching is this one line. `ArrayLike` is what fungrad accepts:
anything numpy.asarray takes, and traced values. Annotations are never evaluated at call time
(every annotated module has `from __future__ import annotations`), so they cost nothing.

Imports: numpy and _core only.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence, Union

import numpy as np
import numpy.typing as npt

from fungrad._core.trace import Tracer

Array = np.ndarray  # -> fungrad._core.array.Array when it lands
ArrayLike = Union[npt.ArrayLike, Tracer]
DTypeLike = npt.DTypeLike
Shape = Sequence[int]
# a pytree: an array, a scalar, None, or a (registered) container of pytrees
PyTree = Any
# the positions a transform differentiates or maps over
ArgNums = Union[int, Sequence[int]]
Fun = Callable[..., Any]

__all__ = ["Array", "ArrayLike", "DTypeLike", "Shape", "PyTree", "ArgNums", "Fun"]
