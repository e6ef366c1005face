"""gradcheck / gradgradcheck: finite differences against the recorded graph's gradients."""
import warnings

import numpy as np

from fungrad.torch._backward import grad as _grad
from fungrad.torch._tensor import Tensor, _new

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the analytical and numerical Jacobians disagree."""


def _outputs(out):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in outs if isinstance(o, Tensor) and o._value.dtype.kind in "fc"]


def _numerical(func, inputs, i, eps):
    x = inputs[i]
    base = np.array(x._value, dtype=x._value.dtype, copy=True)
    cols = []
    for j in range(base.size):
        vals = []
        for sign in (1, -1):
            pert = base.copy().reshape(-1)
            pert[j] += sign * eps
            args = list(inputs)
            args[i] = _new(pert.reshape(base.shape), x._requires_grad)
            vals.append([np.asarray(o._value, np.float64).reshape(-1)
                         for o in _outputs(func(*args))])
        cols.append([(p - m) / (2 * eps) for p, m in zip(*vals)])
    # per output: (n_in, n_out)
    return [np.stack([c[k] for c in cols]) if cols else None for k in range(len(cols[0]))]


def _analytical(outs, x):
    res = []
    for o in outs:
        n = o.numel()
        rows = np.zeros((x.numel(), n))
        for j in range(n):
            go = np.zeros(n, o._value.dtype)
            go[j] = 1
            (g,) = _grad(o, x, _new(go.reshape(o._value.shape)), retain_graph=True,
                         allow_unused=True)
            if g is not None:
                rows[:, j] = np.asarray(g._value, np.float64).reshape(-1)
        res.append(rows)
    return res


def gradcheck(func, inputs, *, eps=1e-06, atol=1e-05, rtol=0.001, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False, check_forward_ad=False,
              check_backward_ad=True, fast_mode=False, masked=None):
    """True when every Jacobian matches its finite-difference estimate (within atol + rtol):
    by backward (check_backward_ad), forward AD (check_forward_ad), batched backward
    (check_batched_grad); backward twice within nondet_tol. fast_mode checks the same full
    Jacobians (torch's fast mode checks a random projection of them: the verdict is the same)."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    diff = [i for i, a in enumerate(inputs) if isinstance(a, Tensor) and a.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but "
                         "none of them have requires_grad=True.")
    for i in diff:
        if inputs[i]._value.dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                          "point or complex. This check will likely fail if all the inputs are "
                          "not of double precision floating point or complex. ", UserWarning,
                          stacklevel=2)
    if not check_forward_ad and not check_backward_ad:
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to "
                             "be True")
    outs = _outputs(func(*inputs))

    def fail(msg):
        if not raise_exception:
            return False
        raise GradcheckError(msg)

    for i in diff:
        num = _numerical(func, inputs, i, eps)
        checks = []
        if check_backward_ad:
            checks.append(("", _analytical(outs, inputs[i])))
        if check_forward_ad:
            checks.append((" computed with forward mode", _forward(func, inputs, i, len(outs))))
        for how, ana in checks:
            for k, (n, a) in enumerate(zip(num, ana)):
                if not np.allclose(a, n, rtol=rtol, atol=atol):
                    return fail(f"Jacobian{how} mismatch for output {k} with respect to input "
                                f"{i},\nnumerical:{_new(n)}\nanalytical:{_new(a)}\n")
        if check_backward_ad:
            again = _analytical(_outputs(func(*inputs)), inputs[i])
            for a, b in zip(checks[0][1], again):
                if np.max(np.abs(a - b), initial=0.0) > nondet_tol:
                    return fail("Backward is not reentrant, i.e., running backward with same "
                                "input and grad_output multiple times gives different values, "
                                "although analytical gradient matches numerical gradient.The "
                                f"tolerance for nondeterminism was {nondet_tol}.")
        if check_backward_ad and check_batched_grad:
            for k, o in enumerate(outs):
                n_out = o.numel()
                eye = _new(np.eye(n_out, dtype=o._value.dtype).reshape((n_out,) + o._value.shape))
                (g,) = _grad(o, inputs[i], eye, retain_graph=True, allow_unused=True,
                             is_grads_batched=True)
                got = np.zeros((n_out, inputs[i].numel())) if g is None else \
                    np.asarray(g._value, np.float64).reshape(n_out, -1)
                if not np.allclose(got.T, checks[0][1][k], rtol=rtol, atol=atol):
                    return fail(f"For output {k} and input {i}:\nWhile computing batched "
                                "gradients, got: the batched gradients differ from the "
                                "gradients computed one at a time.")
    return True


def _forward(func, inputs, i, n_outs):
    """The Jacobian of every output in input i by forward AD, one unit tangent at a time."""
    from fungrad.torch.autograd import forward_ad as fw
    x = inputs[i]
    cols = [np.zeros((x.numel(), 0)) for _ in range(n_outs)]
    rows = [[] for _ in range(n_outs)]
    for j in range(x.numel()):
        t = np.zeros(x.numel(), x._value.dtype)
        t[j] = 1
        with fw.dual_level():
            args = list(inputs)
            args[i] = fw.make_dual(x.detach(), _new(t.reshape(x._value.shape)))
            outs = _outputs(func(*args))
            for k, o in enumerate(outs):
                tan = fw.unpack_dual(o).tangent
                rows[k].append(np.zeros(o.numel()) if tan is None else
                               np.asarray(tan._value, np.float64).reshape(-1))
    return [np.stack(r) if r else c for r, c in zip(rows, cols)]


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-06, atol=1e-05, rtol=0.001,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """gradcheck of the function computing the gradients (with grad_outputs as extra inputs)."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    outs = _outputs(func(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(_new(rng.standard_normal(o._value.shape).astype(o._value.dtype),
                                  True) for o in outs)
    grad_outputs = (grad_outputs,) if isinstance(grad_outputs, Tensor) else tuple(grad_outputs)
    n = len(inputs)
    diff = [i for i, a in enumerate(inputs) if isinstance(a, Tensor) and a.requires_grad]

    def new_func(*args):
        ins, gos = args[:n], args[n:]
        o = _outputs(func(*ins))
        gs = _grad(o, [ins[i] for i in diff], gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_batched_grad=check_batched_grad, fast_mode=fast_mode,
                     check_forward_ad=check_fwd_over_rev, check_backward_ad=check_rev_over_rev)


gradcheck.GradcheckError = GradcheckError

__dir__ = __all__.copy  # dir() lists the public names only
