"""Public exception types (re-exported from the core)."""
from fungrad._core.errors import (
    AxisError as AxisError, ConcretizationError as ConcretizationError,
    DtypeError as DtypeError, ForwardModeError as ForwardModeError,
    FungradError as FungradError, MissingRuleError as MissingRuleError, ShapeError as ShapeError,
    StructureMismatchError as StructureMismatchError,
    UnexpectedTracerError as UnexpectedTracerError)
from fungrad._core.typecheck import JaxprTypeError as JaxprTypeError

__all__ = [
    "ConcretizationError", "DtypeError", "ForwardModeError", "FungradError", "JaxprTypeError",
    "MissingRuleError", "ShapeError", "StructureMismatchError", "UnexpectedTracerError"]
__dir__ = __all__.copy  # dir() lists the public names only
