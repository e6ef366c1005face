"""A symbolic zero tangent or cotangent: carries only its aval, so zero work is skipped; and the
one way to make a concrete zero of an aval (`zeros_like_aval`, `instantiate`).

Imports: _core.array, _core.trace.
"""
from __future__ import annotations
import numpy as np

from fungrad._core.array import frozen
from fungrad._core.trace import get_aval
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only (never evaluated at run time)
    from fungrad._core.aval import ShapedArray


def zeros_like_aval(aval: ShapedArray) -> np.ndarray:
    """A concrete zero array (never traced) of `aval`'s shape and dtype: a read-only
    fungrad.Array, as every concrete result fungrad returns (a zero gradient included)."""
    return frozen(np.zeros(aval.shape, aval.dtype))


def instantiate(t: Any, aval: ShapedArray | None = None) -> Any:
    """A symbolic Zero (or None, with `aval`) made concrete; other tangents pass through."""
    if type(t) is Zero:
        return zeros_like_aval(t.aval if aval is None else aval)
    if t is None:
        return zeros_like_aval(aval)
    return t


class Zero:
    """The zero (co)tangent of a value with aval `aval` (its tangent aval)."""

    __slots__ = ("_aval", "_primal")

    def __init__(self, aval):
        self._aval = aval

    @classmethod
    def of(cls, primal):
        """The zero tangent of `primal`, its aval computed only if a rule asks for it."""
        z = cls.__new__(cls)
        z._aval = None
        z._primal = primal
        return z

    @property
    def aval(self):
        if self._aval is None:
            self._aval = get_aval(self._primal).to_tangent_aval()
        return self._aval

    def __repr__(self):
        return f"Zero({self.aval.str_short()})"
