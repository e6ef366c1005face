"""In-place ops: the out-of-place op is recorded, then its value is written into the tensor's
buffer (shared with views and detached aliases), the version counter is bumped and, if the op was
recorded, the tensor's grad_fn becomes its node (torch's history rebase).

An in-place change made through a view (made by a recorded op, of a base with a history)
rewrites its base's history as torch does: the base's grad_fn becomes a CopySlices node whose
gradient is the old base's with the view's region replaced by the view's new history
(rebase_base); a view taken before its base changed in place takes its history anew from the
base's when it is next used (_record.refresh_view, torch's regenerated grad_fn).
"""
import numpy as np

from fungrad import vjp
from fungrad.extend import buffer_writeable
from fungrad.torch import _ops_math as M
from fungrad.torch._grad_mode import GRAD, INFERENCE
from fungrad.torch._record import apply, current_view, short_name, view_chain
from fungrad.torch._tensor import Tensor, _new
from fungrad.torch._util import cast, common, scalar_name

__all__ = ["inplace", "inplace_of", "add_", "sub_", "mul_", "div_", "zero_", "fill_", "copy_", "clamp_",
           "pow_", "neg_", "exp_", "relu_", "sqrt_"]

_E9 = "a leaf Variable that requires grad is being used in an in-place operation."
_E9B = "a view of a leaf Variable that requires grad is being used in an in-place operation."
_I3 = ("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
       "clone to get a normal tensor before doing inplace update.See "
       "https://github.com/pytorch/rfcs/pull/17 for more details.")


_E_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to "
              "a single memory location. Please clone() the tensor before performing the "
              "operation.")
_E_MULTI_VIEW = ("Output {k} of {name} is a view and is being modified inplace. This view is the "
                 "output of a function that returns multiple views. Such functions do not allow "
                 "the output views to be modified inplace. You should replace the inplace "
                 "operation by an out-of-place one.")


def check(t, view_error=False):
    v = getattr(t, "_value", None)  # (not a tensor: the op's own check names the argument)
    if isinstance(v, np.ndarray) and 0 in v.strides and v.size > 1 and any(
            s == 0 and n > 1 for s, n in zip(v.strides, v.shape)):  # expand, broadcast_to
        raise RuntimeError(_E_OVERLAP)
    k = getattr(t, "_multi_view", None)
    if k is not None and t.grad_fn is not None and t._requires_grad and GRAD.get():
        raise RuntimeError(_E_MULTI_VIEW.format(k=k, name=short_name(t.grad_fn.name())))
    if GRAD.get():
        if t.grad_fn is None and t._requires_grad:
            raise RuntimeError(_E9B if view_error else _E9)
        b = t._base
        if b is not None and b.grad_fn is None and b._requires_grad:
            raise RuntimeError(_E9B)


def _snapshot(t):
    """A private copy of ``t`` with the same graph position (the op may save it)."""
    s = _new(np.array(t._value, copy=True) if isinstance(t._value, np.ndarray) else t._value)
    s._requires_grad, s.grad_fn, s._output_nr, s._acc = (t._requires_grad, t.grad_fn,
                                                       t._output_nr, t._acc)
    if t.grad_fn is None and t._requires_grad:
        s._acc = t._edge()[0]
    return s


def inplace(t, name, fn, args, view_error=False):
    """``t`` updated in place by the op ``fn(t, *args)`` recorded as node ``name``."""
    tracked = t._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args)
    return inplace_of(t, lambda src: apply(name, fn, [src, *args]), view_error, tracked)


def inplace_of(t, make, view_error=False, tracked=None):
    """``t`` updated in place with ``make(src)``, an out-of-place op's result on ``src``: a
    snapshot of ``t``'s old value where grad is recorded (the node saves the snapshot, whose
    version the update does not change), else ``t`` itself."""
    check(t, view_error)
    current_view(t)
    if tracked is None:
        tracked = t._requires_grad
    src = _snapshot(t) if tracked and GRAD.get() else t
    r = make(src)
    check_shape(t, r)
    commit(t, r)
    if t._inference and not INFERENCE.get():
        raise RuntimeError(_I3)  # torch raises after the update
    return t


def rebase_base(t):
    """After an in-place change of the view ``t``: its base's history becomes torch's CopySlices,
    the base with the view's region taken from ``t``'s new history. With S the view's selection
    (linear and injective: every view element is one base element), the base is b + S^T(v - S b)
    of the base's old history b and the view's new value v: its gradient is the base's with the
    region zeroed, plus the view's embedded. (Its value is the base's current one, which the
    change already wrote: S b is v there.) Views not made by a recorded op are left alone."""
    base = t._base
    view = view_chain(t)
    if view is None:
        return  # (a view made another way: the base's history is not rewritten)

    def copy_slices(b, new):
        taken, pull = vjp(view, b)
        (embedded,) = pull(new - taken)
        return b + embedded

    old = _new(base._value)  # the base at its history's current position
    old._vc, old._requires_grad, old.grad_fn, old._output_nr = (
        base._vc, base._requires_grad, base.grad_fn, base._output_nr)
    if base.grad_fn is None and base._requires_grad:
        old._acc = base._edge()[0]
    c = apply("CopySlices", copy_slices, [old, t])
    base.grad_fn, base._output_nr, base._requires_grad = c.grad_fn, c._output_nr, True
    t._view_stamp, t._view_version = base.grad_fn, t._vc.v  # t's history is current (its node)


def check_shape(t, r):
    """torch's error for an in-place result that broadcasts beyond ``t``'s shape."""
    if r._value.shape != t._value.shape:
        raise RuntimeError(f"output with shape {list(t._value.shape)} doesn't match the broadcast "
                           f"shape {list(r._value.shape)}")


def commit(t, r):
    """Writes ``r``'s value into ``t`` and moves ``t`` to ``r``'s graph position."""
    cur, new = t._value, r._value
    if (isinstance(cur, np.ndarray) and isinstance(new, np.ndarray) and buffer_writeable(cur)
            and cur.shape == new.shape):
        np.copyto(cur, new, casting="unsafe")
    else:
        t._value = cast(new, cur.dtype) if new.dtype != cur.dtype else new
    t._vc.v += 1
    node = r.grad_fn
    if node is not None:
        t.grad_fn, t._output_nr, t._requires_grad = node, r._output_nr, True
        # (a node keeps its saved outputs by value: _record._stored)
        node._saved = [(t._vc, t._vc.v, t._value, r._output_nr) if s[3] == r._output_nr else s
                       for s in node._saved]
        if t._base is not None and GRAD.get():
            rebase_base(t)


def _direct(t, other, ufunc):
    """Untracked in-place update straight into the buffer (no allocation), or False."""
    cur = t._value
    if (GRAD.get() and (t._requires_grad or getattr(other, "_requires_grad", False))) or \
            t._inference or not isinstance(cur, np.ndarray) or not buffer_writeable(cur):
        return False
    o = other._value if isinstance(other, Tensor) else other
    if not (isinstance(o, np.ndarray) or type(o) in (int, float)) or (
            isinstance(o, np.ndarray) and o.dtype.kind not in "biuf") or cur.dtype.kind != "f":
        return False
    ufunc(cur, o, out=cur, casting="unsafe")
    t._vc.v += 1
    return True


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def check_result_type(t, rt):
    """torch's error where an in-place op's result type ``rt`` is of a higher category (bool <
    integer < floating < complex) than ``t``'s dtype."""
    dt = t._value.dtype
    if _CATEGORY[rt.kind] > _CATEGORY[dt.kind]:
        raise RuntimeError(f"result type {scalar_name(rt)} can't be cast to the desired output "
                           f"type {scalar_name(dt)}")


def _binary_inplace(name, f, ufunc=None, inexact=False):
    sub = name == "SubBackward0"

    def op(t, other, *, alpha=1):
        if sub:
            M._check_sub(t, other)
        if alpha == 1 and ufunc is not None and _direct(t, other, ufunc):
            return t
        check_result_type(t, common(t, other, inexact=inexact))
        dt = t._value.dtype
        o = other if alpha == 1 else M.mul(other, alpha)
        return inplace(t, name, lambda x, y: cast(f(x, cast(y, dt) if type(y) is not float
                                                     or dt.kind in "fc" else y), dt), [o])
    return op


import fungrad.numpy as fnp  # noqa: E402

add_ = _binary_inplace("AddBackward0", fnp.add, np.add)
sub_ = _binary_inplace("SubBackward0", fnp.subtract, np.subtract)
mul_ = _binary_inplace("MulBackward0", fnp.multiply, np.multiply)
div_ = _binary_inplace("DivBackward0", fnp.divide, np.divide, inexact=True)
pow_ = _binary_inplace("PowBackward0", lambda x, y: M._int_pow(x, y) if x.dtype.kind in "iu"
                       else fnp.power(x, y))


def _unary_inplace(name, fn, inexact=False):
    def op(t):
        if inexact and t._value.dtype.kind not in "fc":
            check_result_type(t, np.dtype(np.float32))
        return inplace(t, name, lambda x: cast(fn(x), x.dtype), [])
    return op


def neg_(t):
    if t._value.dtype.kind == "b":
        M.neg(t)  # torch's error for a bool tensor
    return _neg_(t)


_neg_ = _unary_inplace("NegBackward0", fnp.negative)
exp_ = _unary_inplace("ExpBackward0", fnp.exp, inexact=True)
sqrt_ = _unary_inplace("SqrtBackward0", fnp.sqrt, inexact=True)
def relu_(t):
    if t._value.dtype.kind == "b":
        M.relu(t)  # torch's error for a bool tensor
    return _relu_(t)


_relu_ = _unary_inplace("ReluBackward0", M._relu_fn)


zero_ = _unary_inplace("ZeroBackward0", lambda x: M.replaced(x, 0))


def fill_(t, value):
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value.ndim} dimensions.")
    v = value._value if isinstance(value, Tensor) else value
    return inplace(t, "FillBackward2" if not isinstance(value, Tensor) else "FillBackward3",
                   lambda x: M.replaced(x, fnp.full_like(x, v)), [])


def copy_(t, src, non_blocking=False):
    dt, shape = t._value.dtype, tuple(t.shape)
    return inplace(t, "torch::autograd::CopyBackwards",
                   lambda x, y: M.replaced(x, fnp.broadcast_to(cast(y, dt), shape)), [src])


def clamp_(t, min=None, max=None):
    r = M.clamp(t, min, max)
    return inplace(t, r.grad_fn.name() if r.grad_fn else "ClampBackward1",
                   lambda x: M.replaced(x, r._value), [])
