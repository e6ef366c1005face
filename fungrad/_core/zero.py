"""A symbolic zero tangent or cotangent: carries only its aval, so zero work is skipped.

Imports: nothing from fungrad.
"""


class Zero:
    """The zero (co)tangent of a value with aval `aval` (its tangent aval)."""

    __slots__ = ("aval",)

    def __init__(self, aval):
        self.aval = aval

    def __repr__(self):
        return f"Zero({self.aval.str_short()})"
