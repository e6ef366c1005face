"""The type aliases of fungrad's public signatures (re-exported by fungrad.typing).

`Array` is what fungrad returns: fungrad.Array (fungrad._core.array.Array), whose isinstance
check holds for traced values too. `ArrayLike` is what fungrad accepts: anything numpy.asarray
takes, and traced values.

Where a shape says something, a signature carries a jaxtyping annotation (`Float[Array, "*batch n
n"]`; statically, for mypy, that is `Array`). The jaxtyping names are imported here, so
`typing.get_type_hints` resolves every public signature, but annotations are never evaluated at
call time (every annotated module has `from __future__ import annotations`), so they cost
nothing per call and no function of fungrad's is checked unless its caller asks: decorate your
own functions with `jaxtyping.jaxtyped(typechecker=beartype.beartype)` to check them, eagerly,
under grad/vmap/hessian and, once when traced, under jit and in lax.scan bodies.

Imports: numpy, jaxtyping and _core only.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence, Union

import numpy.typing as npt
# dtype kinds of the shape annotations in fungrad's signatures (jaxtyping's; see its docs)
from jaxtyping import (  # re-exported to the annotated modules
    Bool as Bool, Complex as Complex, Float as Float, Inexact as Inexact, Int as Int,
    Integer as Integer, Num as Num, Real as Real, Shaped as Shaped)

from fungrad._core.array import Array
from fungrad._core.trace import Tracer

ArrayLike = Union[npt.ArrayLike, Tracer]
DTypeLike = npt.DTypeLike
Shape = Sequence[int]
# a pytree: an array, a scalar, None, or a (registered) container of pytrees
PyTree = Any
# the positions a transform differentiates or maps over
ArgNums = Union[int, Sequence[int]]
Fun = Callable[..., Any]

__all__ = ["Array", "ArrayLike", "DTypeLike", "Shape", "PyTree", "ArgNums", "Fun"]
