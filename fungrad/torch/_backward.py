"""torch.autograd.backward and torch.autograd.grad, on the engine.

is_grads_batched runs the whole backward under the core's vmap over dim 0 of grad_outputs.
"""
import warnings

import numpy as np

from fungrad import vmap
from fungrad.torch import _engine
from fungrad.torch._tensor import Tensor, _new

__all__ = ["backward", "grad"]

_CG_WARNING = ("Using backward() with create_graph=True will create a reference cycle between the "
               "parameter and its gradient which can cause a memory leak. We recommend using "
               "autograd.grad when creating the graph to avoid this. If you have to use this "
               "function, make sure to reset the .grad fields of your parameters to None after "
               "use to break the cycle and avoid the leak.")


def _seq(x):
    if isinstance(x, Tensor):
        return [x]
    if x is None:
        return None
    return list(x)


def _root_values(roots, cg):
    out = []
    for e, g in roots:
        if isinstance(g, Tensor):
            out.append((e, g if cg else g._value))
        else:
            out.append((e, _new(g) if cg else g))
    return out


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Accumulates the gradients of ``tensors`` into the leaves' (or ``inputs``') ``.grad``."""
    if grad_variables is not None:
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.",
                      FutureWarning, stacklevel=2)
        if grad_tensors is None:
            grad_tensors = grad_variables
    if inputs is not None:
        if isinstance(inputs, dict):
            inputs = list(inputs.values())
        inputs = _seq(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    outputs = _seq(tensors)
    grads = _seq(grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        warnings.warn(_CG_WARNING, UserWarning, stacklevel=3)
    roots = _root_values(_engine.prepare_roots(outputs, grads), create_graph)
    if inputs is None:
        _engine.run(roots, create_graph, retain_graph)
        return
    edges = []
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        edges.append(t._edge())
    leaves = {id(t) for t in inputs if t.grad_fn is None}
    got = _engine.run(roots, create_graph, retain_graph, capture=edges, accumulate_leaves=leaves)
    for t, g in zip(inputs, got):
        if t.grad_fn is not None:
            _engine.accumulate(t, g, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs`` (a tuple; a dict for a dict)."""
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). "
                      "To accumulate gradient for other parts of the graph, please use "
                      "torch.autograd.backward.", FutureWarning, stacklevel=2)
    keys = None
    if isinstance(inputs, dict):
        keys, inputs = list(inputs), list(inputs.values())
    inputs = _seq(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    outs = _seq(outputs)
    grads = _seq(grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _engine.prepare_roots(outs, grads, batched=is_grads_batched)
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    edges = [t._edge() for t in inputs]
    if is_grads_batched:
        got = _batched(roots, edges, inputs, retain_graph)
    else:
        got = _engine.run(_root_values(roots, create_graph), create_graph, retain_graph,
                          capture=edges, accumulate_leaves=False)
    res = []
    for i, (t, g) in enumerate(zip(inputs, got)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
            if materialize_grads:
                g = _new(np.zeros(t._value.shape, t._value.dtype), requires_grad=create_graph)
        elif not isinstance(g, Tensor):
            g = _new(g)
        res.append(g)
    if keys is not None:
        return dict(zip(keys, res))
    return tuple(res)


def _batched(roots, edges, inputs, retain_graph):
    """One backward per row of the grad_outputs, vectorized by the core's vmap."""
    mask = [True] * len(edges)

    def one(*gs):
        got = _engine.run([(e, g) for (e, _), g in zip(roots, gs)], False, True,
                          capture=edges, accumulate_leaves=False)
        for i, g in enumerate(got):
            if g is None:
                mask[i] = False
        return [g if g is not None else np.zeros(t._value.shape, t._value.dtype)
                for g, t in zip(got, inputs)]

    vals = []
    for _, g in roots:
        vals.append(g._value if isinstance(g, Tensor) else g)
    out = vmap(one)(*vals)
    return [o if m else None for o, m in zip(out, mask)]
