"""torch.utils.hooks.RemovableHandle."""
from fungrad.torch._node import RemovableHandle as RemovableHandle

__all__ = ["RemovableHandle"]

__dir__ = __all__.copy  # dir() lists the public names only
