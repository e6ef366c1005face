"""parameters_to_vector / vector_to_parameters."""
from fungrad.torch import _ops_shape as S
from fungrad.torch._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    return S.cat([S.view(p, -1) for p in parameters])


def vector_to_parameters(vec, parameters):
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    i = 0
    for p in parameters:
        n = p.numel()
        p.data = S.view_as(vec[i:i + n], p).detach()
        i += n

__dir__ = __all__.copy  # dir() lists the public names only
