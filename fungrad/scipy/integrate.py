"""fungrad.scipy.integrate: trapezoid (differentiable in y and x).

Imports: numpy.
"""
from __future__ import annotations

from typing import Sequence

from fungrad._core.docs import add_examples as _add_examples
from fungrad._core.typing import Array, ArrayLike
import numpy as np

import fungrad.numpy as fnp
from fungrad.numpy._promote import asarray, promote_inexact
from fungrad.numpy.reductions import normalize_axis


def _diff(a, axis):
    n = fnp.shape(a)[axis]
    return fnp.take(a, fnp.arange(1, n), axis=axis) - fnp.take(a, fnp.arange(0, n - 1), axis=axis)


def trapezoid(y: ArrayLike, x: ArrayLike | None = None, dx: float = 1.0,
              axis: int | Sequence[int] = -1) -> Array:
    """Integral of y over `axis` by the trapezoidal rule, with sample points x (1-D along axis,
    or y's shape) or a constant spacing dx."""
    y = asarray(y)
    axis = normalize_axis(axis, fnp.ndim(y))
    n = fnp.shape(y)[axis]
    if n < 2:
        y, = promote_inexact(y)
        return fnp.sum(y * 0.0, axis=axis)
    hi, lo = fnp.take(y, fnp.arange(1, n), axis=axis), fnp.take(y, fnp.arange(0, n - 1), axis=axis)
    if fnp.result_type(y) == np.bool_:
        mid, = promote_inexact(hi + lo)  # in y's dtype, as scipy: for booleans a logical or
    else:
        hi, lo = promote_inexact(hi, lo)
        mid = hi + lo
    if x is None:
        return fnp.sum(mid, axis=axis) * (0.5 * dx)
    x, = promote_inexact(asarray(x))
    if fnp.ndim(x) == 1:
        d = _diff(x, 0)
        shape = [1] * fnp.ndim(y)
        shape[axis] = n - 1
        d = fnp.reshape(d, shape)
    else:
        d = _diff(x, axis)
    return fnp.sum(mid * d, axis=axis) * 0.5

__all__ = [
    "trapezoid"]

# a `>>>` example for each public function (tests/test_doctests.py runs them), appended to its
# docstring as fungrad.numpy's _EXAMPLES tables are
_EXAMPLES = {
    "trapezoid": """>>> import numpy as np
>>> from fungrad.scipy import integrate
>>> integrate.trapezoid(np.array([1.0, 2.0, 3.0]))
array(4.)""",
}
_add_examples(_EXAMPLES, globals().__getitem__)

__dir__ = __all__.copy  # dir() lists the public names only
