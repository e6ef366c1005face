"""Graph nodes (grad_fn objects): the base Node, op nodes, AccumulateGrad, and hook handles.

An OpNode holds the LinearFunction the core's linearize recorded for one Tensor op; its backward is
the core's transpose of that linear program. Node classes are made per name (``MulBackward0``) so
``type(grad_fn).__name__`` and the repr match torch's.
"""
import itertools

_handle_ids = itertools.count()


class RemovableHandle:
    """Returned by register_hook; ``remove()`` unregisters the hook."""

    def __init__(self, store):
        self._store = store
        self.id = next(_handle_ids)

    def remove(self):
        self._store.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class Node:
    """Base class of every grad_fn (torch.autograd.graph.Node)."""

    _qualname = None  # name() when it differs from the class name
    _repr_prefix = ""
    # per-node state, class-level defaults (a node is made per recorded op: only what an op
    # sets is stored on it)
    next_functions = ()
    _hooks = None
    _prehooks = None
    _metadata = None
    _tensor_hooks = None  # output_nr -> {id: hook}
    _retain = None  # output_nr -> tensor retaining its grad
    _anomaly_tb = None

    def name(self):
        return self._qualname or type(self).__name__

    @property
    def metadata(self):
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` may return replacement grad_inputs."""
        if self._hooks is None:
            self._hooks = {}
        h = RemovableHandle(self._hooks)
        self._hooks[h.id] = fn
        return h

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` may return replacement grad_outputs."""
        if self._prehooks is None:
            self._prehooks = {}
        h = RemovableHandle(self._prehooks)
        self._prehooks[h.id] = fn
        return h

    def _add_tensor_hook(self, nr, fn):
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        store = self._tensor_hooks.setdefault(nr, {})
        h = RemovableHandle(store)
        store[h.id] = fn
        return h

    def __repr__(self):
        return f"<{self._repr_prefix}{type(self).__name__} object at {hex(id(self))}>"

    # engine interface
    n_outputs = 1
    has_saved = False

    def check_saved(self):
        pass

    def apply(self, grads, create_graph):
        raise NotImplementedError

    def release(self):
        pass


class AccumulateGrad(Node):
    """The node of a leaf tensor: the engine accumulates into ``variable.grad`` here."""

    _qualname = "torch::autograd::AccumulateGrad"

    def __init__(self, variable):
        super().__init__()
        self.variable = variable


class ErrorNode(Node):
    """grad_fn=<Error>: differentiating through it raises (once_differentiable)."""

    def __init__(self, message, n_inputs):
        super().__init__()
        self.message = message
        self.next_functions = tuple((None, 0) for _ in range(n_inputs))

    def apply(self, grads, create_graph):
        raise RuntimeError(self.message)


Error = type("Error", (ErrorNode,), {})

_classes = {}


def node_class(name, base):
    """The Node subclass called ``name`` (after ``::``) deriving from ``base`` (cached)."""
    key = (name, base)
    cls = _classes.get(key)
    if cls is None:
        short = name.rsplit("::", 1)[-1]
        attrs = {"_qualname": name if "::" in name else None}
        cls = _classes[key] = type(short, (base,), attrs)
    return cls
