"""torch.autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp.

Built on the core's vjp/jvp/grad over Tensors whose values are tracers. With
``create_graph=True`` the transform is one recorded op over the inputs, so its result
differentiates again. Complex values come in torch's convention: reverse mode is torch's vjp
(the conjugate of the core's cotangent of the conjugate), row by row over each output's standard
basis; forward mode is the jvp along each input's standard basis vector (a real 1, complex inputs
too); hessian/hvp/vhp differentiate torch's gradient (the conjugate of the core's). Where torch's
non-vectorized reverse mode seeds a complex output's grad, torch's error.
"""
import math

import numpy as np

import fungrad as fg
import fungrad.numpy as fnp
from fungrad.extend import Zero, jvp_flat, tree_flatten, tree_unflatten
from fungrad.torch._backward import grad as _grad
from fungrad.torch._engine import check_complex_grad
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


def _run_graph(core, operands, name):
    """``_run`` with create_graph, as torch's results come: a result requires grad only where
    its graph reaches the inputs (the derivative of a linear function is a constant, not a
    function of them): the others, where the core's jvp of the whole transform is a symbolic
    zero, come back without a graph."""
    res = _run(core, operands, True, name)
    vals = [t._value for t in operands]
    _, tans, _ = jvp_flat(lambda *v: core(*v), vals, [fnp.ones_like(v) for v in vals])
    leaves, tree = tree_flatten(res, is_leaf=lambda t: isinstance(t, Tensor))
    if len(leaves) != len(tans):
        return res
    return tree_unflatten(tree, [_new(r._value) if type(t) is Zero else r
                                 for r, t in zip(leaves, tans)])


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


def _basis(specs):
    """The standard basis over leaves of (shape, dtype): leaf i gets (N, *shape_i), N the total
    size (1 at each position in turn, in the leaf's dtype)."""
    sizes = [math.prod(shape) for shape, _ in specs]
    eye = np.eye(sum(sizes))
    out, start = [], 0
    for (shape, dt), k in zip(specs, sizes):
        out.append(eye[:, start:start + k].reshape((len(eye),) + tuple(shape)).astype(dt))
        start += k
    return out, np.cumsum([0] + sizes)


def _rows(f, xs):
    """torch's reverse-mode Jacobian of ``f`` (values -> a value or a tuple) at ``xs``: row by
    row, torch's vjp of each output's standard basis vector (conj of the core's cotangent of
    the basis vector, as torch's gradients of complex values); [output][input] blocks."""
    out, pull = fg.vjp(f, *xs)
    outs = out if isinstance(out, tuple) else (out,)
    basis, starts = _basis([(np.shape(o), np.asarray(o).dtype if not hasattr(o, "dtype")
                             else o.dtype) for o in outs])
    if starts[-1] == 0:
        cts = tuple(np.zeros((0,) + np.shape(x), x.dtype) for x in xs)
    else:
        cts = fg.vmap(lambda *b: tuple(pull(b if isinstance(out, tuple) else b[0])))(*basis)
    return tuple(tuple(fnp.reshape(conj_complex(cts[j][starts[i]:starts[i + 1]]),
                                   np.shape(o) + np.shape(x)) for j, x in enumerate(xs))
                 for i, o in enumerate(outs))


def _columns(f, xs):
    """torch's forward-mode Jacobian of ``f`` at ``xs``: column by column, the jvp along each
    input's standard basis vector (1 in the input's dtype: real for a complex input too);
    [output][input] blocks."""
    basis, starts = _basis([(np.shape(x), x.dtype) for x in xs])
    out = f(*xs)
    outs = out if isinstance(out, tuple) else (out,)
    if starts[-1] == 0:
        tans = tuple(fnp.zeros((0,) + np.shape(o), o.dtype) for o in outs)
    else:
        tans = fg.vmap(lambda *t: fg.jvp(f, tuple(xs), t)[1])(*basis)
        tans = tans if isinstance(out, tuple) else (tans,)
    return tuple(tuple(fnp.reshape(fnp.moveaxis(tans[i][starts[j]:starts[j + 1]], 0, -1),
                                   np.shape(o) + np.shape(x)) for j, x in enumerate(xs))
                 for i, o in enumerate(outs))


def _dtype_name(v):
    return f"torch.{np.dtype(v.dtype).name}"


def _refuse_complex_rows(outs, requires):
    """torch's reverse-mode jacobian (not vectorized) seeds each element's grad with 1: an error
    for a complex output that requires grad (one that does not gets zeros)."""
    for o, r in zip(outs, requires):
        if np.dtype(o.dtype).kind == "c" and r:
            raise RuntimeError("grad can be implicitly created only for real scalar outputs but "
                               f"got {_dtype_name(o)}")


def _outputs_require_grad(func, ins):
    """Which of func's outputs require grad when its inputs do (torch's test of which outputs
    its functional API differentiates)."""
    with enable_grad():
        out = func(*_graph_inputs(ins, False))
    return [isinstance(o, Tensor) and o.requires_grad
            for o in (out if isinstance(out, tuple) else (out,))]


def _grads_require_grad(func, ins):
    """Which of the gradients of func's (scalar) output require grad (create_graph), as torch's
    hessian's inner jacobian makes them."""
    with enable_grad():
        gins = _graph_inputs(ins, False)
        gs = _autograd_grad((func(*gins),), gins)
    return [g is not None and g.requires_grad for g in gs]


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    ins, is_tuple = _inputs("jacobian", inputs)
    _check_strategy(strategy, vectorize, create_graph)
    if strict:
        _strict_check(func, ins)
    forward = strategy == "forward-mode"
    shape = {}

    def core(*xs):
        f = _values_fn(func)
        out = f(*xs)
        shape["tuple"] = isinstance(out, tuple)
        outs = out if isinstance(out, tuple) else (out,)
        if not forward and not vectorize and any(np.dtype(o.dtype).kind == "c" for o in outs):
            _refuse_complex_rows(outs, _outputs_require_grad(func, ins))
        jac = (_columns if forward else _rows)(f, xs)
        return jac if shape["tuple"] else jac[0]
    # torch's forward-mode jacobian keeps a graph to the inputs even without create_graph;
    # with create_graph, to fresh leaves for inputs that do not require grad
    name = "ReshapeAliasBackward0" if forward else "ViewBackward0"
    res = (_run_graph(core, _graph_inputs(ins, True) if create_graph else ins, name)
           if create_graph or forward else _run(core, ins, False))
    if shape["tuple"]:
        return tuple(r if is_tuple else r[0] for r in res)
    return res if is_tuple else res[0]


def _scalar_fn(func, what):
    def scalar(*vals):
        out = func(*to_tensors(vals))
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {what} should "
                               "contain a single element")
        if np.dtype(out._value.dtype).kind == "c":  # torch seeds its grad with 1: real only
            raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                               f"but got {_dtype_name(out._value)}")
        return out._value.reshape(())
    return scalar


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    ins, is_tuple = _inputs("hessian", inputs)
    _check_strategy(outer_jacobian_strategy, vectorize, create_graph)
    if strict:
        _strict_check(func, ins)
    scalar = _scalar_fn(func, "hessian")
    forward = outer_jacobian_strategy == "forward-mode"

    def core(*xs):
        g = _torch_grad(scalar, len(xs))
        if not forward and not vectorize and any(np.dtype(x.dtype).kind == "c" for x in xs):
            scalar(*xs)  # a complex output: torch's error before the outer jacobian's
            _refuse_complex_rows(xs, _grads_require_grad(func, ins))
        return (_columns if forward else _rows)(g, xs)
    # torch's inner gradients have a graph (create_graph, inputs made to require grad in
    # forward mode): so has the result, to fresh leaves for inputs that do not require grad
    res = (_run_graph(core, _graph_inputs(ins, True), "ReshapeAliasBackward0" if forward
                      else "ViewBackward0") if create_graph or forward else _run(core, ins, False))
    return res if is_tuple else res[0][0]


def _torch_grad(scalar, n):
    """The gradient of ``scalar`` in torch's convention (conj of the core's for complex
    inputs), a tuple over its ``n`` arguments."""
    grad = fg.grad(scalar, argnums=tuple(range(n)))
    return lambda *xs: tuple(conj_complex(g) for g in grad(*xs))


def _autograd_grad(outputs, inputs, grad_outputs=None):
    """torch.autograd.functional's grad of recorded outputs with create_graph: the outputs that
    do not require grad (or are None) are left out; None for an input nothing reaches."""
    keep = [k for k, o in enumerate(outputs) if o is not None and o.requires_grad]
    if not keep:
        return (None,) * len(inputs)
    gouts = None if grad_outputs is None else tuple(grad_outputs[k] for k in keep)
    return tuple(_grad(tuple(outputs[k] for k in keep), inputs, gouts, create_graph=True,
                       allow_unused=True))


def _fill_zeros(grads, like):
    return tuple(g if g is not None else _new(np.zeros(t._value.shape, t._value.dtype))
                 for g, t in zip(grads, like))


def _check_v_dtypes(vs, ins):
    """torch's jvp/hvp/vhp pass v as the grad of gradients with respect to the inputs: complex
    exactly where the input is (torch's error otherwise)."""
    for i, (u, t) in enumerate(zip(vs, ins)):
        check_complex_grad(i, u._value.dtype, t._value.dtype)


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
            _refuse_complex_rows((out,), [True])  # torch's implicit grad: real outputs only
            ct = np.ones_like(out)
        else:
            ct = xs[n] if not isinstance(out, tuple) else tuple(xs[n:])
            for i, (o, c) in enumerate(zip(out if isinstance(out, tuple) else (out,),
                                           ct if isinstance(out, tuple) else (ct,))):
                check_complex_grad(i, c.dtype, o.dtype)
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
    _check_v_dtypes(vs, ins)
    n = len(ins)
    if create_graph:  # torch's double-backward trick, on the recorded graph
        gins = _graph_inputs(ins, True)
        with enable_grad():
            out = func(*gins)
            outs = out if isinstance(out, tuple) else (out,)
            us = tuple(_new(np.zeros(o._value.shape, o._value.dtype), True) for o in outs)
            gs = _autograd_grad(outs, gins, us)
            t = _fill_zeros(_autograd_grad(gs, us, vs), outs)
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
    _check_v_dtypes(vs, ins)
    n = len(ins)
    if create_graph:  # on the recorded graph (double backward), as torch
        gins = _graph_inputs(ins, True)
        with enable_grad():
            out = func(*gins)
            gs = _autograd_grad((out,), gins)
            if kind == "vhp":
                res = _autograd_grad(gs, gins, vs)
            else:
                us = tuple(_new(np.zeros(t._value.shape, t._value.dtype), True) for t in gins)
                res = _autograd_grad(_autograd_grad(gs, gins, us), us, vs)
            res = _fill_zeros(res, gins)
        return out, (res if is_tuple else res[0])

    def core(*xs):  # torch's convention: g the conj of the core's gradient; hvp = jvp of g,
        x, t = xs[:n], tuple(xs[n:])  # vhp = torch's vjp of g (conj(vjp(conj(v))))
        g = _torch_grad(scalar, n)
        if kind == "vhp":
            res = fg.vjp(g, *x)[1](tuple(conj_complex(u) for u in t))
            res = tuple(conj_complex(r) for r in res)
        else:
            res = fg.jvp(g, tuple(x), t)[1]
        return scalar(*x), tuple(res)
    value, res = _run(core, tuple(ins) + vs, create_graph)
    return value, (res if is_tuple else res[0])


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    return _second(func, inputs, v, "vhp", create_graph, strict)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    return _second(func, inputs, v, "hvp", create_graph, strict)

__dir__ = __all__.copy  # dir() lists the public names only
