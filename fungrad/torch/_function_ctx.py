"""The ctx object of autograd.Function (saving tensors, marking outputs), shared by the eager
Function (torch._function) and the Function under torch.func transforms
(torch._function_transform).

Imports: torch._record, torch._tensor.
"""
from fungrad.torch._record import E3
from fungrad.torch._tensor import Tensor

_FUNCTORCH = ("In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, "
              "jacrev, ...), it must override the setup_context staticmethod. For more details, "
              "please see https://pytorch.org/docs/main/notes/extending.func.html")

class FunctionCtx:
    """The ctx API: saving tensors and marking outputs."""

    def save_for_backward(self, *tensors):
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} "
                                f"is of type {type(t).__name__}")
        self._to_save = tensors

    def save_for_forward(self, *tensors):
        self._to_save_fwd = tensors

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_diff = tensors

    def set_materialize_grads(self, value):
        self._materialize = value

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(E3)
        if self._fwd_mode:
            return tuple(self._to_save_fwd or ())
        self.check_saved()
        return tuple(self._saved_vals)
