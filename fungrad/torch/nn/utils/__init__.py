"""torch.nn.utils: gradient clipping, parameter <-> vector conversion, rnn padding helpers."""
from fungrad.torch.nn.utils import rnn as rnn
from fungrad.torch.nn.utils.clip_grad import (
    clip_grad_norm as clip_grad_norm, clip_grad_norm_ as clip_grad_norm_,
    clip_grad_value_ as clip_grad_value_, get_total_norm as get_total_norm,
    clip_grads_with_norm_ as clip_grads_with_norm_)
from fungrad.torch.nn.utils.convert_parameters import (
    parameters_to_vector as parameters_to_vector, vector_to_parameters as vector_to_parameters)
from fungrad.torch.nn.utils import stateless as stateless  # noqa: E402

__all__ = [
    "clip_grad", "clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_",
    "convert_parameters", "get_total_norm", "parameters_to_vector", "rnn", "stateless",
    "vector_to_parameters"]
__dir__ = __all__.copy  # dir() lists the public names only
