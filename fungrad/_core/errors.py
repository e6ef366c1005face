"""The exception types fungrad raises; each also derives from the builtin a user would catch.

Imports: nothing from fungrad.
"""
import numpy as np


class FungradError(Exception):
    """Base class of every error fungrad raises on bad input."""


class ConcretizationError(FungradError, TypeError):
    """A traced (abstract or batched) value was used where Python needs a concrete one."""


class UnexpectedTracerError(FungradError, RuntimeError):
    """A traced value escaped the transform that created it and was used after it ended."""


class ShapeError(FungradError, ValueError):
    """Operands, cotangents or mapped axes have incompatible shapes."""


class AxisError(ShapeError, np.exceptions.AxisError):
    """An axis argument is out of range for the array's rank: a ShapeError, and numpy's
    AxisError (a ValueError and an IndexError), so `except np.exceptions.AxisError` catches it."""

    def __init__(self, message):
        ShapeError.__init__(self, message)
        np.exceptions.AxisError.__init__(self, message)


class StructureMismatchError(ShapeError, TypeError):
    """Two pytrees that must match (primals and tangents, ...) do not: a ShapeError, and a
    TypeError as JAX raises for it."""


class DtypeError(FungradError, TypeError):
    """An operand has a dtype the operation cannot take (e.g. an integer input to grad)."""


class MissingRuleError(FungradError, NotImplementedError):
    """A primitive lacks the rule a transform needs (JVP, transpose or batching)."""


class ForwardModeError(MissingRuleError, TypeError):
    """Forward mode (jvp, jacfwd) reached a custom_vjp function, which defines reverse mode only
    (a TypeError, as in JAX)."""
