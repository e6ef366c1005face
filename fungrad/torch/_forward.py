"""Forward-mode AD mechanics of the shim: dual tensors' tangents propagate through every op by the
core's jvp (called from _record.apply), and a custom Function's ``jvp`` rule. The public API is
torch.autograd.forward_ad.

Imports: fungrad.extend, torch._state, torch._tensor.
"""
from fungrad.extend import Zero, jvp_flat
from fungrad.torch._state import DUAL_LEVEL
from fungrad.torch._tensor import Tensor, live_tangent


class Level:
    """A forward-AD level; tangents of a level that has exited are dead."""

    alive = True


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
    lvl = DUAL_LEVEL.get()
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
            o._fw = (t._value, DUAL_LEVEL.get())
