"""torch.autograd.graph: Node, GradientEdge, saved_tensors_hooks and friends."""
import collections

from fungrad.torch._node import Node
from fungrad.torch._state import SAVED_HOOKS

__all__ = ["Node", "GradientEdge", "get_gradient_edge", "saved_tensors_hooks",
           "disable_saved_tensors_hooks", "save_on_cpu", "register_multi_grad_hook",
           "allow_mutation_on_saved_tensors", "increment_version"]

GradientEdge = collections.namedtuple("GradientEdge", ["node", "output_nr", "ownership_token"],
                                      defaults=(None,))


def get_gradient_edge(t):
    node, nr = t._edge()
    return GradientEdge(node, nr, None)


class saved_tensors_hooks:
    """pack_hook runs when an op saves a tensor, unpack_hook when backward reads it."""

    def __init__(self, pack_hook, unpack_hook):
        self.hooks = (pack_hook, unpack_hook)

    def __enter__(self):
        self._token = SAVED_HOOKS.set(SAVED_HOOKS.get() + (self.hooks,))

    def __exit__(self, *exc):
        SAVED_HOOKS.reset(self._token)


class save_on_cpu(saved_tensors_hooks):
    def __init__(self, pin_memory=False, device_type="cuda"):
        super().__init__(lambda t: t, lambda t: t)


class disable_saved_tensors_hooks:
    def __init__(self, error_message):
        self.msg = error_message

    def __enter__(self):
        self._token = SAVED_HOOKS.set(())

    def __exit__(self, *exc):
        SAVED_HOOKS.reset(self._token)


class allow_mutation_on_saved_tensors:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def increment_version(tensor):
    for t in (tensor if isinstance(tensor, (list, tuple)) else [tensor]):
        t._vc.v += 1


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Calls ``fn(grads)`` once the grads of all ``tensors`` are computed (mode 'all' only)."""
    grads = [None] * len(tensors)
    seen = set()

    def make(i):
        def hook(g):
            grads[i] = g
            seen.add(i)
            if len(seen) == len(tensors):
                fn(tuple(grads))
                seen.clear()
        return hook
    handles = [t.register_hook(make(i)) for i, t in enumerate(tensors)]

    class _Handle:
        def remove(self):
            for h in handles:
                h.remove()
    return _Handle()

__dir__ = __all__.copy  # dir() lists the public names only
