"""Public exception types (re-exported from the core)."""
from fungrad._core.errors import (
    AxisError as AxisError, ConcretizationError as ConcretizationError,
    DtypeError as DtypeError, ForwardModeError as ForwardModeError,
    FungradError as FungradError, MissingRuleError as MissingRuleError, ShapeError as ShapeError,
    StructureMismatchError as StructureMismatchError,
    UnexpectedTracerError as UnexpectedTracerError)
from fungrad._core.typecheck import JaxprTypeError as JaxprTypeError
