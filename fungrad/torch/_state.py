"""The shim's mutable state, all of it, as context variables (threads and asyncio tasks each see
their own, as torch's autograd state is thread-local):

  DUAL_LEVEL   the active forward-AD level (torch.autograd.forward_ad), or None
  SAVED_HOOKS  the stack of (pack, unpack) saved-tensor hooks, innermost last
  GIVEN        during one backward: id -> array already handed to a leaf's .grad (so an array
               reaching two leaves is copied for the second)
  TF_MODES     the stack of active torch.overrides.TorchFunctionMode objects, innermost last
  TF_SUBCLASS  False inside DisableTorchFunctionSubclass (and a default __torch_function__)
  VMAP_RANDOM  inside torch.func.vmap: its randomness flag ('error', 'same', 'different')

Imports: nothing from fungrad.
"""
import contextlib
import contextvars

DUAL_LEVEL = contextvars.ContextVar("fungrad_torch_dual_level", default=None)
SAVED_HOOKS = contextvars.ContextVar("fungrad_torch_saved_hooks", default=())
GIVEN = contextvars.ContextVar("fungrad_torch_given_grads", default=None)
TF_MODES = contextvars.ContextVar("fungrad_torch_function_modes", default=())
TF_SUBCLASS = contextvars.ContextVar("fungrad_torch_function_subclass", default=True)
VMAP_RANDOM = contextvars.ContextVar("fungrad_torch_vmap_randomness", default=None)


@contextlib.contextmanager
def setting(var, value):
    """`var` is `value` inside the block, and what it was before afterwards."""
    token = var.set(value)
    try:
        yield value
    finally:
        var.reset(token)
