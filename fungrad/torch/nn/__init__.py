"""torch.nn: only ``functional`` and ``Parameter``."""
from fungrad.torch.nn import functional as functional
from fungrad.torch.nn.parameter import Parameter as Parameter
