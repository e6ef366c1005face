"""Type aliases for annotating code that uses fungrad (as jax.typing): `ArrayLike` for what
fungrad accepts, `Array` for what it returns, `DTypeLike`, `Shape`, `PyTree`.

>>> import numpy as np
>>> from fungrad.typing import Array, ArrayLike
>>> def double(x: ArrayLike) -> Array:
...     return np.asarray(x) * 2
>>> double([1, 2])
array([2, 4])
"""
from fungrad._core.typing import (
    ArgNums as ArgNums, Array as Array, ArrayLike as ArrayLike, DTypeLike as DTypeLike, Fun as Fun,
    PyTree as PyTree, Shape as Shape)

__all__ = ["ArgNums", "Array", "ArrayLike", "DTypeLike", "Fun", "PyTree", "Shape"]
__dir__ = __all__.copy  # dir() lists the public names only
