"""torch.utils.hooks.RemovableHandle."""
from fungrad.torch._node import RemovableHandle as RemovableHandle

__all__ = ["RemovableHandle"]
