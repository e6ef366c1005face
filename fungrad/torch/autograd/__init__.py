"""torch.autograd: backward, grad, Function, functional, forward_ad, graph, gradcheck, anomaly."""
from fungrad.torch._backward import backward as backward, grad as grad
from fungrad.torch._function import Function as Function
from fungrad.torch._grad_mode import (
    detect_anomaly as detect_anomaly, enable_grad as enable_grad, inference_mode as inference_mode,
    no_grad as no_grad, set_detect_anomaly as set_detect_anomaly,
    set_grad_enabled as set_grad_enabled)
from fungrad.torch.autograd import forward_ad as forward_ad, function as function
from fungrad.torch.autograd import functional as functional, graph as graph
from fungrad.torch.autograd.gradcheck import (
    GradcheckError as GradcheckError, gradcheck as gradcheck, gradgradcheck as gradgradcheck)
from fungrad.torch import _grad_mode as grad_mode

NestedIOFunction = Function


def Variable(t, requires_grad=False):
    """Deprecated wrapper: returns the tensor (with requires_grad set if asked)."""
    return t.requires_grad_(requires_grad) if requires_grad else t


def set_multithreading_enabled(mode):
    return grad_mode.no_grad()


variable = Variable
__all__ = ["Variable", "Function", "backward", "grad_mode", "NestedIOFunction", "detect_anomaly",
           "enforce_grad_layout_policy", "set_detect_anomaly", "set_multithreading_enabled",
           "variable", "grad", "functional", "forward_ad", "graph", "gradcheck", "gradgradcheck"]
enforce_grad_layout_policy = None

__all__ += ["enable_grad", "function", "inference_mode", "no_grad", "set_grad_enabled", "GradcheckError"]
__dir__ = __all__.copy  # dir() lists the public names only
