"""Type aliases for annotating code that uses fungrad (as jax.typing): `ArrayLike` for what
fungrad accepts, `Array` for what it returns (`fungrad.Array`, which traced values are instances
of too), `DTypeLike`, `Shape`, `PyTree`.

>>> import fungrad.numpy as fnp
>>> from fungrad.typing import Array, ArrayLike
>>> def double(x: ArrayLike) -> Array:
...     return fnp.asarray(x) * 2
>>> double([1, 2])
array([2, 4])

Shapes and dtypes, with jaxtyping: `jaxtyped(typechecker=beartype)` checks them on every call,
under grad and vmap (per-example shapes) too, and under jit once, when the function is traced.
fungrad's own signatures carry such annotations (`fnp.linalg.inv(a: Shaped[ArrayLike, "*batch n
n"]) -> Inexact[Array, "*batch n n"]`) without checking them.

>>> import fungrad as fg
>>> from beartype import beartype
>>> from jaxtyping import Float, TypeCheckError, jaxtyped
>>> @jaxtyped(typechecker=beartype)
... def sqnorms(x: Float[Array, "batch dim"]) -> Float[Array, " batch"]:
...     return fnp.sum(x * x, axis=-1)
>>> fg.jit(sqnorms)(fnp.ones((2, 3)))
array([3., 3.])
>>> try:
...     fg.vmap(sqnorms)(fnp.ones((2, 3)))  # one example is 1-D, not "batch dim"
... except TypeCheckError as e:
...     print(str(e).splitlines()[2])
Actual value: Traced<f64[3]>with<BatchTrace>
"""
from fungrad._core.typing import (
    ArgNums as ArgNums, Array as Array, ArrayLike as ArrayLike, DTypeLike as DTypeLike, Fun as Fun,
    PyTree as PyTree, Shape as Shape)

__all__ = ["ArgNums", "Array", "ArrayLike", "DTypeLike", "Fun", "PyTree", "Shape"]
__dir__ = __all__.copy  # dir() lists the public names only
