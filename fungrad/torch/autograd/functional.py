"""torch.autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp.

Built on the core's jacrev/jacfwd/hessian/vjp/jvp over Tensors whose values are tracers;
With ``create_graph=True`` the transform is one recorded op over the inputs, so its result
differentiates again; every ``strategy``/``vectorize`` torch accepts gives the same values (the
core's jacfwd or jacrev).
"""
import numpy as np

import fungrad as fg
from fungrad.torch._backward import grad as _grad
from fungrad.torch._grad_mode import enable_grad
from fungrad.torch._record import conj_complex
from fungrad.torch._tensor import Tensor, _new
from fungrad.torch.func import _recorded, to_tensors, to_values

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


def _run(core, operands, create_graph, name="ViewBackward0"):
    """``core(*values)`` (a pytree of arrays) as Tensors. With create_graph the whole transform
    is one recorded op over the operands, so the result differentiates again (through the core's
    rules for the transform: jvp of a hessian, ...)."""
    if create_graph:
        with enable_grad():
            return _recorded(core, tuple(operands), name)
    return to_tensors(core(*[t._value for t in operands]))


def _check_strategy(strategy, vectorize, create_graph):
    assert strategy in ("forward-mode", "reverse-mode"), (
        'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
        'function has more outputs than inputs, "forward-mode" tends to be more performant. '
        'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse "
                                  "Hessian isonly implemented for `vectorize=True`.")
    if strategy == "forward-mode" and create_graph:
        raise NotImplementedError("torch.autograd.functional.jacobian: `create_graph=True` and "
                                  "`strategy=\"forward-mode\"` are not supported together (yet). "
                                  "Please either set `create_graph=False` or "
                                  "`strategy=\"reverse-mode\"`.")


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    ins, is_tuple = _inputs("jacobian", inputs)
    _check_strategy(strategy, vectorize, create_graph)
    if strict:
        _strict_check(func, ins)
    forward = strategy == "forward-mode"
    transform = fg.jacfwd if forward else fg.jacrev
    shape = {}

    def core(*xs):
        out = _values_fn(func)(*xs)
        shape["tuple"] = isinstance(out, tuple)
        if not forward:  # torch's reverse mode seeds each output's grad: real ones only
            for o in (out if isinstance(out, tuple) else (out,)):
                if np.dtype(o.dtype).kind == "c":
                    raise RuntimeError("grad can be implicitly created only for real scalar "
                                       f"outputs but got torch.{np.dtype(o.dtype).name}")
        jac = transform(_values_fn(func), argnums=tuple(range(len(xs))))(*xs)
        # reverse mode is vjp's rows: in torch's convention, the conjugate for complex values
        return jac if forward else fg.tree_util.tree_map(conj_complex, jac)
    # torch's forward-mode jacobian keeps a graph to the inputs even without create_graph
    res = _run(core, ins, create_graph or forward,
               "ReshapeAliasBackward0" if forward else "ViewBackward0")
    if shape["tuple"]:
        return tuple(r if is_tuple else r[0] for r in res)
    return res if is_tuple else res[0]


def _scalar_fn(func, what):
    def scalar(*vals):
        out = func(*to_tensors(vals))
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {what} should "
                               "contain a single element")
        return out._value.reshape(())
    return scalar


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    ins, is_tuple = _inputs("hessian", inputs)
    _check_strategy(outer_jacobian_strategy, vectorize, create_graph)
    if strict:
        _strict_check(func, ins)
    scalar = _scalar_fn(func, "hessian")
    outer = fg.jacfwd if outer_jacobian_strategy == "forward-mode" else fg.jacrev

    def core(*xs):
        argnums = tuple(range(len(xs)))
        return outer(fg.grad(scalar, argnums=argnums), argnums=argnums)(*xs)
    forward = outer_jacobian_strategy == "forward-mode"
    res = _run(core, ins, create_graph or forward,
               "ReshapeAliasBackward0" if forward else "ViewBackward0")
    return res if is_tuple else res[0][0]


def _vs(v, ins, what_none):
    if v is None:
        if len(ins) != 1 or ins[0].numel() != 1:
            raise RuntimeError(what_none)
        return (_new(np.ones_like(ins[0]._value)),)
    vs = v if isinstance(v, tuple) else (v,)
    return tuple(x if isinstance(x, Tensor) else _new(np.asarray(x)) for x in vs)


_V_NONE_IN = ("The vector v can only be None if the input to the user-provided function is a "
              "single Tensor with a single element.")


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    ins, is_tuple = _inputs("vjp", inputs)
    if strict:
        _strict_check(func, ins)
    if create_graph:  # on the recorded graph: the output keeps the function's own grad_fn
        gins = _graph_inputs(ins, True)
        with enable_grad():
            out = func(*gins)
        g = _grad(out, gins, v, create_graph=True, allow_unused=True)
        return out, (g if is_tuple else g[0])
    n = len(ins)
    vs = None if v is None else (v if isinstance(v, tuple) else (v,))

    def core(*xs):
        out, fn = fg.vjp(_values_fn(func), *xs[:n])
        if vs is None:
            if np.size(out) != 1:
                raise RuntimeError("The vector v can only be None if the user-provided "
                                   "function returns a single Tensor with a single element.")
            ct = np.ones_like(out)
        else:
            ct = xs[n] if not isinstance(out, tuple) else tuple(xs[n:])
        # torch's convention for complex values: conj(vjp(conj(v)))
        back = fn(fg.tree_util.tree_map(conj_complex, ct))
        return out, tuple(fg.tree_util.tree_map(conj_complex, back))
    out, res = _run(core, tuple(ins) + (tuple(vs) if vs is not None else ()), create_graph)
    return out, (res if is_tuple else res[0])


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    ins, is_tuple = _inputs("jvp", inputs)
    if strict:
        _strict_check(func, ins)
    vs = _vs(v, ins, _V_NONE_IN)
    n = len(ins)
    if create_graph:  # torch's double-backward trick, on the recorded graph
        gins = _graph_inputs(ins, True)
        with enable_grad():
            out = func(*gins)
            outs = out if isinstance(out, tuple) else (out,)
            us = tuple(_new(np.zeros(o._value.shape, o._value.dtype), True) for o in outs)
            gs = _grad(outs, gins, us, create_graph=True, allow_unused=True)
            t = _grad(tuple(g for g in gs if g is not None), us, vs, create_graph=True,
                      allow_unused=True)
        return out, (t if isinstance(out, tuple) else t[0])

    def core(*xs):
        return fg.jvp(_values_fn(func), tuple(xs[:n]), tuple(xs[n:]))
    out, t = _run(core, tuple(ins) + vs, create_graph)
    return out, t


def _second(func, inputs, v, kind, create_graph, strict):
    ins, is_tuple = _inputs(kind, inputs)
    if strict:
        _strict_check(func, ins)
    scalar = _scalar_fn(func, kind)
    vs = _vs(v, ins, _V_NONE_IN)
    n = len(ins)
    if create_graph:  # on the recorded graph (double backward), as torch
        gins = _graph_inputs(ins, True)
        with enable_grad():
            out = func(*gins)
            gs = _grad(out, gins, create_graph=True, allow_unused=True)
            if kind == "vhp":
                res = _grad(gs, gins, vs, create_graph=True, allow_unused=True)
            else:
                us = tuple(_new(np.zeros(g._value.shape, g._value.dtype), True) for g in gs)
                gu = _grad(gs, gins, us, create_graph=True, allow_unused=True)
                res = _grad(gu, us, vs, create_graph=True, allow_unused=True)
        return out, (res if is_tuple else res[0])

    def core(*xs):
        x, t = xs[:n], tuple(xs[n:])
        g = fg.grad(scalar, argnums=tuple(range(n)))
        res = fg.vjp(g, *x)[1](t) if kind == "vhp" else fg.jvp(g, tuple(x), t)[1]
        return scalar(*x), tuple(res)
    value, res = _run(core, tuple(ins) + vs, create_graph)
    return value, (res if is_tuple else res[0])


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    return _second(func, inputs, v, "vhp", create_graph, strict)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    return _second(func, inputs, v, "hvp", create_graph, strict)

__dir__ = __all__.copy  # dir() lists the public names only
