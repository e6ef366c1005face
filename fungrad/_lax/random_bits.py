"""threefry2x32: the counter-based hash behind fungrad.random (Salmon et al., "Parallel random
numbers: as easy as 1, 2, 3", SC 2011; Threefry-2x32 with 20 rounds, JAX's default generator).

It is a primitive, not a composition, because lax has no 32-bit shifts or rotations and the 20
rounds composed from elementwise ops would be ~200 equations per call; the impl does the uint32
arithmetic (wrapping) in numpy. Four operands of dtype uint32, broadcast together: the key words
k0, k1 and the counter words x0, x1; two results, the hashed words. Piecewise constant in every
sense, so its JVP is zero; batching broadcasts like any elementwise op.

Also random_gamma_grad, the implicit reparameterization gradient of gamma samples (below).

Imports: _core, lax._families, lax._jvp_rules, lax.shape, lax.arith, lax.math.
"""
from __future__ import annotations

import numpy as np
import scipy.special

from fungrad._core.aval import shaped
from fungrad._core.errors import DtypeError
from fungrad._core.primitive import INEXACT, NOT_LINEAR, CallImpl, Emit, Primitive, register
from fungrad._core.trace import get_aval
from fungrad._lax._families import broadcast_shapes, naryop
from fungrad._lax._jvp_rules import defjvp, jvp_zero
from fungrad._lax.arith import add, div, mul, sub
from fungrad._lax.math import abs as abs_
from fungrad._lax.shape import batch_to_front
from fungrad._lax._args import operand
from fungrad._core.typing import Array, ArrayLike

_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = np.uint32(0x1BD11BDA)  # the key-schedule constant of Threefish/Threefry


def _rotl(x, r):
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _threefry2x32_impl(k0, k1, x0, x1):
    k0, k1, x0, x1 = np.broadcast_arrays(*(np.asarray(a, np.uint32) for a in (k0, k1, x0, x1)))
    k0, k1 = k0.copy(), k1.copy()
    with np.errstate(over="ignore"):
        ks = (k0, k1, k0 ^ k1 ^ _PARITY)
        x0 = x0 + ks[0]
        x1 = x1 + ks[1]
        for block in range(5):  # 5 blocks of 4 rounds, a key injection after each
            for r in _ROTATIONS[block % 2]:
                x0 = x0 + x1
                x1 = _rotl(x1, r)
                x1 = x1 ^ x0
            x0 = x0 + ks[(block + 1) % 3]
            x1 = x1 + ks[(block + 2) % 3] + np.uint32(block + 1)
    return np.asarray(x0, np.uint32), np.asarray(x1, np.uint32)


def _threefry2x32_abstract(*avals):
    for name, a in zip(("k0", "k1", "x0", "x1"), avals):
        if a.dtype != np.uint32:
            got = ", ".join(v.str_short() for v in avals)
            raise DtypeError(f"threefry2x32: operand {name} must be uint32, got {got}; keys and "
                             "counters are uint32 words (fungrad.random makes them).")
    out = shaped(broadcast_shapes("threefry2x32", *avals), np.dtype(np.uint32))
    return [out, out]


def _threefry2x32_batch(size, vals, dims):
    ranks = [get_aval(v).ndim - (d is not None) for v, d in zip(vals, dims)]
    rank = max(ranks)
    moved = [v if d is None else batch_to_front(v, d, rank - r)
             for v, d, r in zip(vals, dims, ranks)]
    return threefry2x32_p.bind(*moved), [0, 0]


threefry2x32_p = register(
    Primitive("threefry2x32", multiple_results=True),
    impl=_threefry2x32_impl, abstract_eval=_threefry2x32_abstract, jvp=jvp_zero,
    transpose=NOT_LINEAR, batch=_threefry2x32_batch,
    emit=(CallImpl(fresh=True),  # JAX's own primitive, on operands broadcast together
          Emit("tuple(jxr.threefry2x32_p.bind(*jnp.broadcast_arrays({0}, {1}, {2}, {3})))",
               fresh=True, on=("jax",))))


def threefry2x32(k0, k1, x0, x1):
    """The Threefry-2x32-20 hash of counter words (x0, x1) under key words (k0, k1), all uint32
    and broadcast together; returns the two hashed words."""
    return threefry2x32_p.bind(k0, k1, x0, x1)


# ---- random_gamma_grad: the implicit reparameterization gradient of gamma samples
# For x ~ Gamma(a, 1) drawn as x = F^-1(u; a), holding u fixed gives dx/da = -dF/da / f(x; a)
# (Figurnov et al., "Implicit reparameterization gradients", 2018). A primitive because dF/da,
# the a-derivative of the regularized incomplete gamma function, has no kernel in numpy/scipy or
# composition of lax primitives: it is summed here from series and continued fractions.
def _gamma_grad_lower(a, x, log_x):
    """x < a + 1: dx/da / x = sum_n t_n (psi(a + n + 1) - log x), t_0 = 1/a,
    t_n = t_{n-1} x / (a + n) (the power series of P(a, x), differentiated in a)."""
    t = 1.0 / a
    psi = scipy.special.digamma(a + 1.0)
    total = t * (psi - log_x)
    for n in range(1, 100000):
        t = t * x / (a + n)
        psi = psi + 1.0 / (a + n)
        term = t * (psi - log_x)
        total = total + term
        if np.all(np.abs(term) <= 1e-17 * np.abs(total)):
            break
    return total


def _gamma_grad_upper(a, x, log_x):
    """x >= a + 1: with Legendre's continued fraction Gamma(a, x) = e^-x x^a / C,
    C = b_0 - a_1 / (b_1 - a_2 / (b_2 - ...)), b_n = x + 2n + 1 - a, a_n = n (n - a):
    dx/da / x = (log x - psi(a) - C'/C) / C, C' = dC/da carried through the backward recurrence."""
    terms = int(60 + 8 * np.sqrt(np.max(a, initial=1.0)))
    f = x + 2 * terms + 1 - a
    df = -np.ones_like(f)
    for n in range(terms, 0, -1):
        an, dan = n * (n - a), -float(n)
        b = x + 2 * (n - 1) + 1 - a
        f, df = b - an / f, -1.0 - (dan * f - an * df) / (f * f)
    return (log_x - scipy.special.digamma(a) - df / f) / f


def _random_gamma_grad_impl(a, x, *, log_space):
    dtype = np.result_type(a, x)
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    if log_space:
        log_x, x = x, np.exp(x)
    else:
        with np.errstate(divide="ignore"):
            log_x = np.log(x)
    out = np.zeros(a.shape)
    lower = x < a + 1
    ok = (a > 0) & np.isfinite(log_x)
    lo, up = ok & lower, ok & ~lower
    if lo.any():
        out[lo] = _gamma_grad_lower(a[lo], x[lo], log_x[lo])
    if up.any():
        out[up] = _gamma_grad_upper(a[up], x[up], log_x[up])
    out[~(a > 0)] = np.nan
    if not log_space:
        out = out * x  # d log x / da -> d x / da
    return np.asarray(out, dtype)


def _random_gamma_grad_fd(t, ans, a, x, *, log_space, wrt):
    # The second derivative (rarely needed) by central differences of this primitive itself:
    # accurate to ~1e-7 relative, and itself differentiable.
    v = a if wrt == 0 else x
    dtype = get_aval(v).dtype
    h = mul(add(abs_(v), np.asarray(1e-3, dtype)), np.asarray(1e-5, dtype))
    if wrt == 0:
        hi = random_gamma_grad_p.bind(add(a, h), x, log_space=log_space)
        lo = random_gamma_grad_p.bind(sub(a, h), x, log_space=log_space)
    else:
        hi = random_gamma_grad_p.bind(a, add(x, h), log_space=log_space)
        lo = random_gamma_grad_p.bind(a, sub(x, h), log_space=log_space)
    return mul(t, div(sub(hi, lo), mul(np.asarray(2, dtype), h)))


random_gamma_grad_p = naryop(
    "random_gamma_grad", _random_gamma_grad_impl, 2, dtypes=INEXACT,
    emit=(CallImpl(fresh=True),  # log_space: x holds log x, d log x / d a = (d x / d a) / x
          Emit(lambda ctx, eqn, a: (
              f"(lax.random_gamma_grad({a[0]}, jnp.exp({a[1]})) / jnp.exp({a[1]}))"
              if eqn.params["log_space"] else f"lax.random_gamma_grad({a[0]}, {a[1]})"),
               fresh=True, on=("jax",))),
    jvp=defjvp(lambda t, ans, a, x, *, log_space: _random_gamma_grad_fd(
                   t, ans, a, x, log_space=log_space, wrt=0),
               lambda t, ans, a, x, *, log_space: _random_gamma_grad_fd(
                   t, ans, a, x, log_space=log_space, wrt=1)))


def random_gamma_grad(a: ArrayLike, x: ArrayLike, log_space: bool = False) -> Array:
    """d x / d a of a gamma sample x ~ Gamma(a, 1) at a fixed CDF value (log_space: x holds
    log x and the result is d log x / d a)."""
    return random_gamma_grad_p.bind(operand(a, "random_gamma_grad", "a"),
                                    operand(x, "random_gamma_grad", "x"),
                                    log_space=bool(log_space))
