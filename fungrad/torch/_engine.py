"""The backward engine: walks the recorded graph in reverse topological order.

Each node's VJP is the core's transpose of its linear program (OpNode.apply), or the user's
backward (custom Function). Runs tensor hooks, node hooks, retain_grad, accumulation into leaves,
anomaly checks, and frees saved values unless retain_graph.
"""
import warnings

import numpy as np

from fungrad.extend import quiet_fp_errors
from fungrad.extend import Tracer
from fungrad.torch._grad_mode import ANOMALY, GRAD
from fungrad.torch._state import GIVEN
from fungrad.torch._node import AccumulateGrad
from fungrad.torch._record import apply
from fungrad.torch._tensor import Size, Tensor, _new

__all__ = ["run", "accumulate", "prepare_roots"]


def _val(g):
    return g._value if isinstance(g, Tensor) else g


def _as_tensor(g):
    return g if isinstance(g, Tensor) else _new(g)


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _run_tensor_hooks(hooks, g, cg):
    for hook in list(hooks.values()):
        r = hook(_as_tensor(g))
        if r is not None:
            if tuple(r.shape) != tuple(np.shape(_val(g)) if not isinstance(_val(g), Tracer)
                                       else _val(g).shape):
                raise RuntimeError(f"hook '{getattr(hook, '__name__', 'hook')}' has changed the "
                                   "size of value")
            g = r if cg else r._value
    return g


def accumulate(t, g, cg):
    """Adds ``g`` into ``t.grad`` (in place unless create_graph, as torch does)."""
    if g is None:
        return
    dt = t._value.dtype
    if cg:
        gt = _as_tensor(g)
        if gt._value.dtype != dt:
            gt = gt.to(dt)
        if t._grad is None:
            t._grad = apply("torch::autograd::CopyBackwards", _copy, [gt])
        else:
            t._grad = t._grad + gt
        return
    gv = _val(g)
    if not isinstance(gv, Tracer) and gv.dtype != dt:
        gv = gv.astype(dt)
    if t._grad is None:
        # engine grads are fresh arrays (root grads are copied), but one array can reach two
        # leaves (through an add): copy only then
        given = GIVEN.get()
        if given is None:  # a leaf's grad set outside a backward run
            given = {}
        if id(gv) in given or not _nd_flags(gv).c_contiguous:  # torch's grads are contiguous
            gv = np.ascontiguousarray(gv) if id(gv) not in given else gv.copy()
        given[id(gv)] = gv
        t._grad = _new(gv)
    else:
        # a new buffer, not an in-place add: the first grad may alias another tensor's grad
        gt = t._grad
        gt._value = gt._value + gv
        gt._vc.v += 1


# numpy's flags of an ndarray or Array (an Array's own `flags` property, for Python code that may
# assign items, also walks the buffer's bases)
_nd_flags = np.ndarray.flags.__get__


def _copy(v):
    return v + 0 if not isinstance(v, np.ndarray) else v


def _discover(roots):
    """Dependency counts and a postorder over the nodes reachable from the roots."""
    deps = {}
    order = []
    seen = set()
    for node, _ in roots:
        if node in seen:
            continue
        seen.add(node)
        stack = [(node, iter(node.next_functions))]
        while stack:
            n, it = stack[-1]
            for child, _ in it:
                if child is None:
                    continue
                deps[child] = deps.get(child, 0) + 1
                if child not in seen:
                    seen.add(child)
                    stack.append((child, iter(child.next_functions)))
                    break
            else:
                stack.pop()
                order.append(n)
    return deps, order


def run(roots, create_graph=False, retain_graph=False, capture=None, accumulate_leaves=True):
    """Backpropagate ``roots`` [((node, nr), grad)]; returns grads captured at ``capture`` edges.

    Grads are raw values (create_graph off) or Tensors (on). With ``capture``, only nodes leading
    to a captured edge run and leaves are not accumulated unless ``accumulate_leaves``.
    """
    token = GRAD.set(bool(create_graph))
    given = GIVEN.set({})
    try:
        with quiet_fp_errors():  # torch does not warn on nan/inf gradients
            return _run(roots, create_graph, retain_graph, capture, accumulate_leaves)
    finally:
        GIVEN.reset(given)
        GRAD.reset(token)


def _run(roots, cg, retain, capture, acc_leaves):
    deps, order = _discover([e for e, _ in roots])
    cap_index = {}
    if capture is not None:
        for i, e in enumerate(capture):
            cap_index.setdefault(e, []).append(i)
        targets = {e[0] for e in capture}
        needed = set()
        for n in order:  # children come before parents
            if n in targets or any(c in needed for c, _ in n.next_functions if c is not None):
                needed.add(n)
    else:
        needed = None
    captured = [None] * (len(capture) if capture is not None else 0)
    buffers = {}
    for (node, nr), g in roots:
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node.n_outputs
        buf[nr] = _add(buf[nr], g)
    ready = [n for n in dict.fromkeys(e[0] for e, _ in roots) if deps.get(n, 0) == 0]
    anomaly, check_nan = ANOMALY.get()
    while ready:
        node = ready.pop()
        grads = buffers.pop(node, None) or [None] * node.n_outputs
        if needed is not None and node not in needed:
            outs = [None] * len(node.next_functions)
        else:
            try:
                outs = _process(node, grads, cg, retain, cap_index, captured, acc_leaves,
                                needed, anomaly, check_nan)
            except Exception:
                if anomaly:
                    warnings.warn(f"Error detected in {node.name().rsplit('::', 1)[-1]}. "
                                  "Traceback of forward call that caused the error:\n"
                                  f"{node._anomaly_tb or ''}", UserWarning, stacklevel=3)
                raise
        for (child, nr), g in zip(node.next_functions, outs):
            if child is None:
                continue
            if g is not None:
                buf = buffers.get(child)
                if buf is None:
                    buf = buffers[child] = [None] * child.n_outputs
                    buf[nr] = g
                else:
                    buf[nr] = _add(buf[nr], g)
            d = deps[child] - 1
            deps[child] = d
            if d == 0:
                ready.append(child)
    return captured


def _process(node, grads, cg, retain, cap_index, captured, acc_leaves, needed, anomaly, check_nan):
    if node._tensor_hooks:
        for nr, hooks in node._tensor_hooks.items():
            if grads[nr] is not None and hooks:
                grads[nr] = _run_tensor_hooks(hooks, grads[nr], cg)
    if node._retain:
        for nr, t in node._retain.items():
            accumulate(t, grads[nr], cg)
    if type(node) is AccumulateGrad:
        return _leaf(node, grads[0], cg, cap_index, captured, acc_leaves)
    if cap_index:
        for nr, g in enumerate(grads):
            for i in cap_index.get((node, nr), ()):
                captured[i] = g
    if _all_none(grads):
        return [None] * len(node.next_functions)
    if node._prehooks:
        for hook in list(node._prehooks.values()):
            r = hook(tuple(_as_tensor(g) if g is not None else None for g in grads))
            if r is not None:
                grads = [_val(x) if not cg and x is not None else x for x in r]
    node.check_saved()
    outs = node.apply(grads, cg)
    if node._hooks:
        outs = _node_hooks(node, outs, grads, cg)
    if not retain:
        node.release()
    if anomaly and check_nan:
        for i, g in enumerate(outs):
            v = _val(g)
            if v is not None and not isinstance(v, Tracer) and np.isnan(v).any():
                raise RuntimeError(f"Function '{node.name().rsplit('::', 1)[-1]}' returned nan "
                                   f"values in its {i}th output.")
    return outs


def _all_none(gs):
    for g in gs:
        if g is not None:
            return False
    return True


def _node_hooks(node, outs, grads, cg):
    for hook in list(node._hooks.values()):
        gi = tuple(_as_tensor(g) if g is not None else None for g in outs)
        go = tuple(_as_tensor(g) if g is not None else None for g in grads)
        r = hook(gi, go)
        if r is not None:
            if len(r) != len(outs):
                raise RuntimeError(f"hook '{getattr(hook, '__name__', 'hook')}' has returned an "
                                   f"incorrect number of values (got {len(r)}, but expected "
                                   f"{len(outs)})")
            outs = [None if x is None else (x if cg else x._value) for x in r]
    return outs


def _leaf(node, g, cg, cap_index, captured, acc_leaves):
    t = node.variable
    if g is None:
        return ()
    if t._hooks:
        g = _run_tensor_hooks(t._hooks, g, cg)
    idx = cap_index.get((node, 0)) if cap_index else None
    if idx:
        for i in idx:
            captured[i] = g
    if acc_leaves is True or (acc_leaves and id(t) in acc_leaves):
        accumulate(t, g, cg)
        if t._post_hooks:
            for hook in list(t._post_hooks.values()):
                hook(t)
    return ()


def check_complex_grad(i, grad_dtype, out_dtype):
    """torch's rule for a given gradient of output ``i``: complex exactly where the output is
    (a real one is not cast to complex, nor a complex one to real)."""
    g, o = np.dtype(grad_dtype), np.dtype(out_dtype)
    if (g.kind == "c") != (o.kind == "c"):
        raise RuntimeError("For complex Tensors, both grad_output and output are required to "
                           f"have the same dtype. Mismatch in dtype: grad_output[{i}] has a dtype "
                           f"of torch.{g.name} and output[{i}] has a dtype of torch.{o.name}.")


def prepare_roots(outputs, grads, batched=False):
    """Validated [(edge, grad value)] for the outputs, with implicit ones and dtype casts."""
    if grads is not None and len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    roots = []
    for i, o in enumerate(outputs):
        if not o._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn")
        g = grads[i] if grads is not None else None
        if g is None:
            if o.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if o._value.dtype.kind == "c":  # torch's implicit grad: for real outputs only
                raise RuntimeError("grad can be implicitly created only for real scalar "
                                   f"outputs but got torch.{o._value.dtype.name}")
            g = np.ones(o._value.shape, o._value.dtype)
        else:
            gshape = tuple(g.shape)[1:] if batched else tuple(g.shape)
            if gshape != tuple(o.shape):
                if batched:
                    raise RuntimeError(
                        "If `is_grads_batched=True`, we interpret the first dimension of each "
                        "grad_output as the batch dimension. The sizes of the remaining "
                        "dimensions are expected to match the shape of corresponding output, but "
                        f"a mismatch was detected: grad_output[{i}] has a shape of "
                        f"{Size(tuple(g.shape)[2:])!r} and output[{i}] has a shape of "
                        f"{o.shape!r}. If you only want some tensors in `grad_output` to be "
                        "considered batched, consider using vmap.")
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                                   f"{g.shape!r} and output[{i}] has a shape of {o.shape!r}.")
            check_complex_grad(i, g._value.dtype, o._value.dtype)
            if g._value.dtype != o._value.dtype:
                g = g.to(o.dtype)
            if isinstance(g._value, np.ndarray) and not g._requires_grad:
                g = _new(g._value.copy())
        roots.append((o._edge(), g))
    return roots
