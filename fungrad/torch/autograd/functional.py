"""torch.autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp.

Built on the core's jacrev/jacfwd/hessian/vjp/jvp over Tensors whose values are tracers;
``create_graph=True`` (and ``strict``) use the recorded graph instead, as torch does.
"""
import numpy as np

import fungrad as fg
from fungrad.torch._backward import grad as _grad
from fungrad.torch._grad_mode import enable_grad
from fungrad.torch._ops_shape import stack
from fungrad.torch._tensor import Tensor, _new
from fungrad.torch.func import to_tensors, to_values

__all__ = ["jacobian", "hessian", "vjp", "jvp", "vhp", "hvp"]


def _inputs(name, inputs):
    if isinstance(inputs, Tensor):
        return (inputs,), False
    if isinstance(inputs, tuple) and all(isinstance(t, Tensor) for t in inputs):
        return inputs, True
    raise TypeError(f"The inputs given to {name} must be either a Tensor or a tuple of Tensors "
                    f"but the given inputs has type {type(inputs)}.")


def _values_fn(func):
    def f(*vals):
        out = func(*to_tensors(vals))
        return to_values(out)
    return f


def _graph_inputs(ins, create_graph):
    return tuple(t.view_as(t) if (create_graph and t.requires_grad) else
                 t.detach().requires_grad_() for t in ins)


def _strict_check(func, ins):
    with enable_grad():
        out = func(*_graph_inputs(ins, False))
    outs = out if isinstance(out, tuple) else (out,)
    for i, o in enumerate(outs):
        if not o.requires_grad:
            raise RuntimeError(f"Output {i} of the user-provided function does not require "
                               "gradients. The outputs must be computed in a differentiable "
                               "manner from the input when running in strict mode.")


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    ins, is_tuple = _inputs("jacobian", inputs)
    assert strategy in ("forward-mode", "reverse-mode"), (
        'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
        'function has more outputs than inputs, "forward-mode" tends to be more performant. '
        'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse "
                                  "Hessian isonly implemented for `vectorize=True`.")
    if strict:
        _strict_check(func, ins)
    if create_graph:
        return _jacobian_graph(func, ins, is_tuple)
    core = fg.jacfwd if strategy == "forward-mode" else fg.jacrev
    jac = core(_values_fn(func), argnums=tuple(range(len(ins))))(*[t._value for t in ins])
    res = to_tensors(jac)
    if isinstance(res, tuple) and res and isinstance(res[0], tuple):
        res = tuple(r if is_tuple else r[0] for r in res)
    elif not is_tuple:
        res = res[0]
    return res


def _jacobian_graph(func, ins, is_tuple):
    gins = _graph_inputs(ins, True)
    with enable_grad():
        out = func(*gins)
    outs, out_tuple = (out, True) if isinstance(out, tuple) else ((out,), False)
    rows = []
    for o in outs:
        flat = o.reshape(-1)
        per_in = [[] for _ in gins]
        for j in range(flat.shape[0]):
            gs = _grad(flat[j], gins, retain_graph=True, create_graph=True, allow_unused=True)
            for k, (g, t) in enumerate(zip(gs, gins)):
                per_in[k].append(g if g is not None else _new(np.zeros(t._value.shape,
                                                                        t._value.dtype)))
        blocks = tuple(stack(p).view(tuple(o.shape) + tuple(t.shape))
                       for p, t in zip(per_in, gins))
        rows.append(blocks if is_tuple else blocks[0])
    return tuple(rows) if out_tuple else rows[0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    ins, is_tuple = _inputs("hessian", inputs)

    def scalar(*vals):
        out = func(*to_tensors(vals))
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should "
                               "contain a single element")
        return out._value.reshape(())

    h = fg.hessian(scalar, argnums=tuple(range(len(ins))))(*[t._value for t in ins])
    res = to_tensors(h)
    return res if is_tuple else res[0][0]


def _single(x):
    return x[0] if len(x) == 1 else x


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    ins, is_tuple = _inputs("vjp", inputs)
    if create_graph:
        gins = _graph_inputs(ins, True)
        with enable_grad():
            out = func(*gins)
        g = _grad(out, gins, v, create_graph=True, allow_unused=True)
        return out, (g if is_tuple else g[0])
    out, fn = fg.vjp(_values_fn(func), *[t._value for t in ins])
    if v is None:
        if np.size(out) != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function "
                               "returns a single Tensor with a single element.")
        v = np.ones_like(out)
    cts = fn(to_values(v))
    res = to_tensors(tuple(cts))
    return to_tensors(out), (res if is_tuple else res[0])


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    ins, is_tuple = _inputs("jvp", inputs)
    if v is None:
        if len(ins) != 1 or ins[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element.")
        v = (_new(np.ones_like(ins[0]._value)),)
    vs = v if isinstance(v, tuple) else (v,)
    out, t = fg.jvp(_values_fn(func), tuple(x._value for x in ins), tuple(x._value for x in vs))
    return to_tensors(out), to_tensors(t)


def _second(func, inputs, v, kind):
    ins, is_tuple = _inputs(kind, inputs)
    x = [t._value for t in ins]

    def scalar(*vals):
        out = func(*to_tensors(vals))
        if out.numel() != 1:
            raise RuntimeError(f"The function given to {kind} should return a single element")
        return out._value.reshape(())

    value = scalar(*x)
    if v is None:
        if len(ins) != 1 or ins[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element.")
        v = (_new(np.ones_like(x[0])),)
    vs = tuple(t._value for t in (v if isinstance(v, tuple) else (v,)))
    g = fg.grad(scalar, argnums=tuple(range(len(x))))
    if kind == "vhp":
        res = fg.vjp(g, *x)[1](vs)
    else:
        res = fg.jvp(g, tuple(x), vs)[1]
    res = to_tensors(tuple(res))
    return _new(np.asarray(value)), (res if is_tuple else res[0])


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    return _second(func, inputs, v, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    return _second(func, inputs, v, "hvp")
