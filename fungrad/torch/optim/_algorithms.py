"""SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam: torch's single-tensor
update rules, written as numpy float operations in the same order (Python-float coefficients
are applied in the parameter's dtype, as torch applies scalars), so updates agree with torch's
to float32 rounding."""
import math

import numpy as np

from fungrad.extend import buffer_writeable
from fungrad.torch._tensor import Tensor, _new
from fungrad.torch.optim.optimizer import (Optimizer, bump_step, grad_of, param_value, required,
                                           step_tensor, zeros_state)

__all__ = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam"]


def _lr(group):
    lr = group["lr"]
    return float(lr._value) if isinstance(lr, Tensor) else lr


def _check(cond, msg):
    if not cond:
        raise ValueError(msg)


def _common_checks(lr, eps=None, weight_decay=0.0, betas=None):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    _check(0.0 <= float(lr), f"Invalid learning rate: {lr}")
    if eps is not None:
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
    if betas is not None:
        _check(0.0 <= betas[0] < 1.0, f"Invalid beta parameter at index 0: {betas[0]}")
        _check(0.0 <= betas[1] < 1.0, f"Invalid beta parameter at index 1: {betas[1]}")
    _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")


def _lerp(a, b, w):
    """torch.lerp's formula: a + w*(b-a) for w < 0.5, else b - (b-a)*(1-w)."""
    if w < 0.5:
        return a + w * (b - a)
    return b - (b - a) * (1 - w)


def _owned(t):
    """The writable numpy value of a state tensor (updated in place, as torch's state is)."""
    v = t._value
    if not (isinstance(v, np.ndarray) and buffer_writeable(v) and v.ndim):
        v = t._value = np.array(v)
    return v if type(v) is np.ndarray else np.asarray(v)  # a plain view: `v += ...` writes


def _fma(a, x, y, out=None, wide=None):
    """``a + x * y`` rounded once, as torch's CPU kernels compute ``add(a, x, alpha=y)``,
    ``lerp`` and ``addcmul`` (a fused multiply-add in the operands' precision). For float32
    operands the product is exact in float64, so the float64 sum rounded to float32 is the
    fused result (double rounding aside, which needs a float64 tie: not met in 10^5 random
    trials); other dtypes round twice. ``y`` may be a Python float (used as torch does, in
    the operands' dtype). Writes into ``out`` (an array of a's dtype) when given; ``wide``: a
    float64 scratch array of the result's shape to reuse."""
    dt = a.dtype
    if dt != np.float32:
        r = np.multiply(x, dt.type(y) if isinstance(y, float) else y)
        return np.add(a, r, out=out)
    y = np.float32(y) if isinstance(y, float) else y
    r = np.multiply(x, y, dtype=np.float64, out=wide)
    r += a
    if out is None:
        return r.astype(np.float32)
    np.copyto(out, r, casting="same_kind")
    return out


def _wide(a):
    """A float64 scratch array for _fma on float32 ``a`` (None for other dtypes)."""
    return np.empty(a.shape, np.float64) if a.dtype == np.float32 and a.ndim else None


def _lerp_fma_(a, b, w, wide=None, d=None):
    """a <- torch.lerp(a, b, w) in place: fma(w, b - a, a) for w < 0.5, else
    fma(-(b - a), 1 - w, b), with w and 1 - w in a's dtype (torch's CPU kernel). Returns
    b - a (or its negation), in ``d`` when given."""
    w = a.dtype.type(w)
    d = np.subtract(b, a, out=d)
    if w < 0.5:
        _fma(a, d, w, out=a, wide=wide)
    else:
        np.negative(d, out=d)
        _fma(b, d, a.dtype.type(1) - w, out=a, wide=wide)
    return d


_FLAGS = dict(foreach=None, maximize=False, capturable=False, differentiable=False, fused=None)


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        if lr is not required:
            _common_checks(lr, weight_decay=weight_decay)
        _check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _update(self, p, group, state):
        # torch's single-tensor SGD, with its fused multiply-adds (add(x, alpha=a))
        v = param_value(p)
        g = grad_of(p, group["maximize"])
        wd, mom = group["weight_decay"], group["momentum"]
        if wd != 0:
            g = _fma(g, v, wd)
        if mom != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = _new(np.array(g, copy=True))
                state["momentum_buffer"] = buf
            else:
                b = _owned(buf)
                b *= b.dtype.type(mom)
                _fma(b, g, 1 - group["dampening"], out=b)
            g = _fma(g, buf._value, mom) if group["nesterov"] else buf._value
        else:
            state.setdefault("momentum_buffer", None)
        _fma(v, g, -_lr(group), out=v)


class Adam(Optimizer):
    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-08, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=None):
        _common_checks(lr, eps, weight_decay, betas)
        dwd = self._decoupled if decoupled_weight_decay is None else decoupled_weight_decay
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=dwd)
        super().__init__(params, defaults)

    def _update(self, p, group, state):
        v = param_value(p)
        g = grad_of(p, group["maximize"])
        if not state:
            state["step"] = step_tensor()
            state["exp_avg"] = zeros_state(p)
            state["exp_avg_sq"] = zeros_state(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_state(p)
        beta1, beta2 = group["betas"]
        lr, wd, eps = _lr(group), group["weight_decay"], group["eps"]
        step = bump_step(state)
        if wd != 0:
            if group.get("decoupled_weight_decay"):
                v *= 1 - lr * wd
            else:
                g = _fma(g, v, wd)
        m = _owned(state["exp_avg"])
        s = _owned(state["exp_avg_sq"])
        mx = _owned(state["max_exp_avg_sq"]) if group["amsgrad"] else None
        bc1 = 1 - beta1 ** step
        bc2 = 1 - beta2 ** step
        step_size = lr / bc1
        bc2_sqrt = bc2 ** 0.5
        dt = m.dtype.type
        coef = (1 - beta1, dt(beta2), dt(1 - beta2), dt(bc2_sqrt), dt(eps), dt(-step_size))
        scratch = None
        for cv, cg, cm, cs, cx in _chunks(v, np.ascontiguousarray(g), m, s, mx):
            if scratch is None or scratch[1].shape != cm.shape:
                scratch = (_wide(cm), np.empty_like(cm), np.empty_like(cm))
            _adam_elementwise(cv, cg, cm, cs, cx, coef, *scratch)


def _adam_elementwise(v, g, m, s, mx, coef, wide, tmp, denom):
    """torch's single-tensor Adam, operation for operation, in place on the parameter and state
    (one cache-sized chunk of them): exp_avg.lerp_(g, 1 - beta1);
    exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2); [max_exp_avg_sq = maximum(...)];
    denom = (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps); param.addcdiv_(exp_avg, denom, -step_size)."""
    w1, beta2, w2, bc2_sqrt, eps, neg_step = coef
    _lerp_fma_(m, g, w1, wide, tmp)
    s *= beta2
    np.multiply(g, w2, out=tmp)
    _fma(s, tmp, g, out=s, wide=wide)
    if mx is not None:
        np.maximum(mx, s, out=mx)
        np.sqrt(mx, out=denom)
    else:
        np.sqrt(s, out=denom)
    denom /= bc2_sqrt
    denom += eps
    np.multiply(m, neg_step, out=tmp)
    tmp /= denom
    v += tmp


_CHUNK = 1 << 16  # elements: float64 scratch of 512 KiB, the chunk stays in cache (measured best)


def _chunks(*arrays):
    """Aligned cache-sized flat slices of same-shape arrays (None stays None), so an update's
    elementwise steps run in cache; the whole arrays where they are small or one is not
    C-contiguous."""
    n = arrays[0].size
    if n <= 2 * _CHUNK or not all(a is None or a.flags.c_contiguous for a in arrays):
        yield arrays
        return
    flat = [None if a is None else a.reshape(-1) for a in arrays]
    for i in range(0, n, _CHUNK):
        yield [None if f is None else f[i:i + _CHUNK] for f in flat]


class AdamW(Adam):
    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-08, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)


class RMSprop(Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-08, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _common_checks(lr, eps, weight_decay)
        _check(0.0 <= momentum, f"Invalid momentum value: {momentum}")
        _check(0.0 <= alpha, f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, p, group, state):
        v = param_value(p)
        g = grad_of(p, group["maximize"])
        if not state:
            state["step"] = step_tensor()
            state["square_avg"] = zeros_state(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = zeros_state(p)
            if group["centered"]:
                state["grad_avg"] = zeros_state(p)
        bump_step(state)
        alpha, eps, wd, mom = group["alpha"], group["eps"], group["weight_decay"], \
            group["momentum"]
        lr = _lr(group)
        if wd != 0:
            g = g + wd * v
        sq = state["square_avg"]
        sq._value = sq._value * alpha + (1 - alpha) * g * g
        if group["centered"]:
            ga = state["grad_avg"]
            ga._value = _lerp(ga._value, g, 1 - alpha)
            avg = np.sqrt(sq._value + -1 * ga._value * ga._value)
        else:
            avg = np.sqrt(sq._value)
        avg = avg + eps
        if mom > 0:
            buf = state["momentum_buffer"]
            buf._value = buf._value * mom + g / avg
            v += -lr * buf._value
        else:
            v += -lr * (g / avg)


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        _common_checks(lr, eps, weight_decay)
        _check(0.0 <= lr_decay, f"Invalid lr_decay value: {lr_decay}")
        _check(0.0 <= initial_accumulator_value,
               f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                st = self.state[p]
                st["step"] = step_tensor()
                st["sum"] = _new(np.full_like(np.asarray(p._value),
                                              group["initial_accumulator_value"]))

    def _update(self, p, group, state):
        v = param_value(p)
        g = grad_of(p, group["maximize"])
        step = bump_step(state)
        wd, lr = group["weight_decay"], _lr(group)
        if wd != 0:
            g = g + wd * v
        clr = lr / (1 + (step - 1) * group["lr_decay"])
        s = state["sum"]
        s._value = s._value + 1 * g * g
        std = np.sqrt(s._value) + group["eps"]
        v += -clr * (g / std)


class Adadelta(Optimizer):
    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-06, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        _common_checks(lr, eps, weight_decay)
        _check(0.0 <= rho <= 1.0, f"Invalid rho value: {rho}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, p, group, state):
        v = param_value(p)
        g = grad_of(p, group["maximize"])
        if not state:
            state["step"] = step_tensor()
            state["square_avg"] = zeros_state(p)
            state["acc_delta"] = zeros_state(p)
        bump_step(state)
        rho, eps, wd, lr = group["rho"], group["eps"], group["weight_decay"], _lr(group)
        if wd != 0:
            g = g + wd * v
        sq, acc = state["square_avg"], state["acc_delta"]
        sq._value = sq._value * rho + (1 - rho) * g * g
        std = np.sqrt(sq._value + eps)
        delta = np.sqrt(acc._value + eps) / std * g
        acc._value = acc._value * rho + (1 - rho) * delta * delta
        v += -lr * delta


class Adamax(Optimizer):
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-08, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _common_checks(lr, eps, weight_decay, betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _update(self, p, group, state):
        v = param_value(p)
        g = grad_of(p, group["maximize"])
        if not state:
            state["step"] = step_tensor()
            state["exp_avg"] = zeros_state(p)
            state["exp_inf"] = zeros_state(p)
        step = bump_step(state)
        (beta1, beta2), eps, wd, lr = group["betas"], group["eps"], group["weight_decay"], \
            _lr(group)
        if wd != 0:
            g = g + wd * v
        m, u = state["exp_avg"], state["exp_inf"]
        m._value = _lerp(m._value, g, 1 - beta1)
        u._value = np.maximum(u._value * beta2, np.abs(g) + eps)
        clr = lr / (1 - beta1 ** step)
        v += -clr * (m._value / u._value)


class NAdam(Optimizer):
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-08, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _common_checks(lr, eps, weight_decay, betas)
        _check(0.0 <= momentum_decay, f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, p, group, state):
        v = param_value(p)
        g = grad_of(p, group["maximize"])
        if not state:
            state["step"] = step_tensor()
            state["mu_product"] = step_tensor(1.0)
            state["exp_avg"] = zeros_state(p)
            state["exp_avg_sq"] = zeros_state(p)
        step = bump_step(state)
        (beta1, beta2), eps, wd, lr = group["betas"], group["eps"], group["weight_decay"], \
            _lr(group)
        md = group["momentum_decay"]
        if wd != 0:
            if group["decoupled_weight_decay"]:
                v *= 1 - lr * wd
            else:
                g = g + wd * v
        bc2 = 1 - beta2 ** step
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * md)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * md)))
        mp = state["mu_product"]
        mp._value = np.asarray(mp._value * np.float32(mu), np.float32)
        m, s = state["exp_avg"], state["exp_avg_sq"]
        m._value = _lerp(m._value, g, 1 - beta1)
        s._value = s._value * beta2 + (1 - beta2) * g * g
        denom = np.sqrt(s._value / bc2)
        mu_prod = float(mp._value)
        mu_prod_next = mu_prod * mu_next
        denom = denom + eps
        v += (-lr * (1.0 - mu) / (1.0 - mu_prod)) * (g / denom)
        v += ((-lr * mu_next) / (1.0 - mu_prod_next)) * (m._value / denom)


class RAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-08, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _common_checks(lr, eps, weight_decay, betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, p, group, state):
        v = param_value(p)
        g = grad_of(p, group["maximize"])
        if not state:
            state["step"] = step_tensor()
            state["exp_avg"] = zeros_state(p)
            state["exp_avg_sq"] = zeros_state(p)
        step = bump_step(state)
        (beta1, beta2), eps, wd, lr = group["betas"], group["eps"], group["weight_decay"], \
            _lr(group)
        if wd != 0:
            if group["decoupled_weight_decay"]:
                v *= 1 - lr * wd
            else:
                g = g + wd * v
        m, s = state["exp_avg"], state["exp_avg_sq"]
        m._value = _lerp(m._value, g, 1 - beta1)
        s._value = s._value * beta2 + (1 - beta2) * g * g
        bc1 = 1 - beta1 ** step
        bc2 = 1 - beta2 ** step
        corrected = m._value / bc1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bc2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                             ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive = math.sqrt(bc2) / (np.sqrt(s._value) + eps)
            v += -1.0 * (corrected * lr * adaptive * rect)
        else:
            v += -1.0 * (corrected * lr)
