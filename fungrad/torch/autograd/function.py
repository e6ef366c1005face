"""torch.autograd.function: Function, its ctx and once_differentiable."""
from fungrad.torch._function import (  # noqa: F401
    BackwardCFunction as BackwardCFunction, Function as Function, FunctionCtx as FunctionCtx,
    once_differentiable as once_differentiable)
from fungrad.torch._function_transform import VmapInfo as VmapInfo  # noqa: F401

InplaceFunction = Function
NestedIOFunction = Function

__all__ = [
    "BackwardCFunction", "Function", "FunctionCtx", "InplaceFunction", "NestedIOFunction",
    "once_differentiable"]
__dir__ = __all__.copy  # dir() lists the public names only
