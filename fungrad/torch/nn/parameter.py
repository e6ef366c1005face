"""nn.Parameter: a leaf that requires grad and prints as ``Parameter containing:``."""
from fungrad.torch._tensor import Tensor, _new


def Parameter(data=None, requires_grad=True):
    """Differs from torch: returns a plain leaf Tensor (no Parameter subclass)."""
    t = _new(data._value if isinstance(data, Tensor) else data, requires_grad)
    return t
