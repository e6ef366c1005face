"""A symbolic zero tangent or cotangent: carries only its aval, so zero work is skipped.

Imports: _core.trace.
"""
from fungrad._core.trace import get_aval


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
