"""torch.autograd.forward_ad: dual tensors whose tangents propagate through every op by the core's
jvp (the mechanics are in torch._forward)."""
import collections

from fungrad.torch._forward import Level
from fungrad.torch._state import DUAL_LEVEL
from fungrad.torch._tensor import _new, live_tangent

__all__ = ["dual_level", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual",
           "UnpackedDualTensor"]

UnpackedDualTensor = collections.namedtuple("UnpackedDualTensor", ["primal", "tangent"])


def enter_dual_level():
    if DUAL_LEVEL.get() is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    DUAL_LEVEL.set(Level())
    return 0


def exit_dual_level(*, level=None):
    lvl = DUAL_LEVEL.get()
    if lvl is not None:
        lvl.alive = False
    DUAL_LEVEL.set(None)


class dual_level:
    """Context manager for a forward-AD level (tangents vanish on exit)."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()


def make_dual(tensor, tangent, *, level=None):
    lvl = DUAL_LEVEL.get()
    if lvl is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    if tuple(tensor.shape) != tuple(tangent.shape):
        raise RuntimeError("Trying to set a forward gradient that has a different size than that "
                           "of the original Tensor, this is not supported. Tensor is of size "
                           f"{list(tensor.shape)} while the given forward gradient is of size "
                           f"{list(tangent.shape)}.")
    pk, tk = tensor._value.dtype.kind, tangent._value.dtype.kind
    tval = tangent._value
    if pk == "c" and tk != "c":  # torch takes a real tangent of a complex tensor as complex
        tval = tval.astype(tensor._value.dtype)
    elif tk == "c" and pk != "c":
        raise NotImplementedError(
            "fungrad.torch: a complex tangent of a real tensor (torch carries it through each op "
            "complex-linearly) is not supported; make the primal complex, or take the jvp of the "
            "real and imaginary parts of the tangent separately")
    out = _new(tensor._value, tensor._requires_grad)
    out._base, out._vc = tensor, tensor._vc
    out.grad_fn, out._output_nr = tensor.grad_fn, tensor._output_nr
    out._fw = (tval, lvl, tangent)  # torch keeps the tangent object itself
    return out


def unpack_dual(tensor, *, level=None):
    tangent = live_tangent(tensor)
    if tensor._fw is None:
        return UnpackedDualTensor(tensor, None)
    primal = _new(tensor._value, tensor._requires_grad)
    primal.grad_fn, primal._output_nr = tensor.grad_fn, tensor._output_nr
    return UnpackedDualTensor(primal, tangent)

__dir__ = __all__.copy  # dir() lists the public names only
