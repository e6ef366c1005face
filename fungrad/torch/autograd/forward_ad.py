"""torch.autograd.forward_ad: dual tensors whose tangents propagate through every op by the core's
jvp (see _record.apply), plus a custom Function's ``jvp``."""
import collections

from fungrad.extend import Zero
from fungrad.extend import jvp_flat
from fungrad.torch._record import STATE
from fungrad.torch._tensor import Tensor, _new

__all__ = ["dual_level", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual",
           "UnpackedDualTensor"]

UnpackedDualTensor = collections.namedtuple("UnpackedDualTensor", ["primal", "tangent"])


class _Level:
    alive = True


def enter_dual_level():
    if STATE.dual_level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    STATE.dual_level = _Level()
    return 0


def exit_dual_level(*, level=None):
    if STATE.dual_level is not None:
        STATE.dual_level.alive = False
    STATE.dual_level = None


class dual_level:
    """Context manager for a forward-AD level (tangents vanish on exit)."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()


def make_dual(tensor, tangent, *, level=None):
    lvl = STATE.dual_level
    if lvl is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    if tuple(tensor.shape) != tuple(tangent.shape):
        raise RuntimeError("Trying to set a forward gradient that has a different size than that "
                           "of the original Tensor, this is not supported. Tensor is of size "
                           f"{list(tensor.shape)} while the given forward gradient is of size "
                           f"{list(tangent.shape)}.")
    out = _new(tensor._value, tensor._requires_grad)
    out._base, out._vc = tensor, tensor._vc
    out.grad_fn, out._output_nr = tensor.grad_fn, tensor._output_nr
    out._fw = (tangent._value, lvl)
    return out


def live_tangent(t):
    fw = t._fw
    if fw is None or not fw[1].alive:
        return None
    return _new(fw[0])


def unpack_dual(tensor, *, level=None):
    tangent = live_tangent(tensor)
    if tensor._fw is None:
        return UnpackedDualTensor(tensor, None)
    primal = _new(tensor._value, tensor._requires_grad)
    primal.grad_fn, primal._output_nr = tensor.grad_fn, tensor._output_nr
    return UnpackedDualTensor(primal, tangent)


def _live(a):
    return isinstance(a, Tensor) and a._fw is not None and a._fw[1].alive


def propagate(fn, args, vals, res):
    """Output tangents of one op from its dual inputs, by the core's jvp of ``fn``."""
    idx = [i for i, a in enumerate(args) if _live(a)]
    if not idx:
        return

    def f(*xs):
        v = list(vals)
        for i, x in zip(idx, xs):
            v[i] = x
        return fn(*v)

    _, out_t, _ = jvp_flat(f, [vals[i] for i in idx], [args[i]._fw[0] for i in idx])
    lvl = STATE.dual_level
    for r, t in zip(res if isinstance(res, tuple) else (res,), out_t):
        if type(t) is not Zero:
            r._fw = (t, lvl)


def function_jvp(cls, ctx, args, outs):
    """A custom Function's forward-mode rule: ``cls.jvp(ctx, *tangents)``."""
    tangents = [live_tangent(a) if isinstance(a, Tensor) else None for a in args]
    ctx._fwd_mode = True
    try:
        res = cls.jvp(ctx, *tangents)
    finally:
        ctx._fwd_mode = False
    res = res if isinstance(res, tuple) else (res,)
    for o, t in zip(outs, res):
        if isinstance(o, Tensor) and isinstance(t, Tensor):
            o._fw = (t._value, STATE.dual_level)
