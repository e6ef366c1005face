"""Special functions as primitives on scipy.special kernels: numpy has none of them, and none is
computed accurately by composing elementary primitives (tails, cancellation). Each is one
`unop` / `naryop` call with its JVP; derivatives are the closed forms (DLMF), written in the log
domain where the function's tails would overflow or underflow:

  erfc      -2/sqrt(pi) e^{-x^2}             erfinv    sqrt(pi)/2 e^{erfinv(x)^2}
  erfcx     2 x erfcx(x) - 2/sqrt(pi)        ndtri     sqrt(2 pi) e^{ndtri(p)^2 / 2}
  log_ndtr  e^{-x^2/2 - log_ndtr(x)} / sqrt(2 pi)   (stable in both tails)
  gammaln   digamma        gamma  gamma * digamma     digamma  polygamma(1, x)
  polygamma(n, x): d/dx = polygamma(n + 1, x)         i0e  i1e - sign(x) i0e
  i1e       i0e - i1e (sign(x) + 1/x)  (1/2 at 0)     zeta(s, q): d/dq = -s zeta(s + 1, q)
  gammainc(a, x), gammaincc(a, x): d/dx = +- e^{(a-1) log x - x - gammaln(a)}
  gammaincinv(a, p): d/dp = 1 / (d/dx gammainc at the result)
  betainc(a, b, x): d/dx = e^{(a-1) log x + (b-1) log1p(-x) - betaln(a, b)}
  betaincinv(a, b, p): d/dp = 1 / (d/dx betainc at the result)
  exp1      -e^{-x}/x        expi  e^x / x         gammasgn  0 (piecewise constant)

Derivatives with respect to the shape parameters (a of gammainc, a/b of betainc, s of zeta, n of
polygamma) are not implemented (as in JAX for zeta and polygamma): differentiating in them raises.

Imports: _core, lax._families, lax._jvp_rules, lax.arith, lax.math, lax.special_erf.
"""
import numpy as np
import scipy.special as sc

from fungrad._core.errors import MissingRuleError
from fungrad._core.primitive import INEXACT, CallImpl, Emit, Special
from fungrad._core.trace import get_aval
from fungrad._lax._families import naryop, unop
from fungrad._lax._jvp_rules import defjvp, jvp_zero
from fungrad._lax.arith import add, div, mul, neg, select, sub
from fungrad._lax.math import eq, exp, log, log1p, sign


def _c(v, like):
    return np.asarray(v, get_aval(like).dtype)


def _kernel(fn):
    """Impl from a scipy.special ufunc, keeping the operands' dtype (float32 stays float32)."""
    def impl(*args):
        dt = np.result_type(*args)
        return np.asarray(fn(*args), dt)
    impl.__name__ = fn.__name__
    return impl


def _no_grad(fname, arg):
    def rule(t, ans, *primals):
        raise MissingRuleError(f"{fname}: the derivative with respect to {arg} is not "
                               "implemented (it has no closed form here); differentiate with "
                               f"respect to the other arguments only, or wrap {arg} in "
                               "fungrad.lax.stop_gradient.")
    return rule


def _u(name, fn, rule):
    return unop(name, _kernel(fn), emit=(CallImpl(fresh=True), Special(name)), dtypes=INEXACT,
                jvp=defjvp(rule))


def _n(name, fn, nargs, *rules, special=None):
    return naryop(name, _kernel(fn), nargs,
                  emit=(CallImpl(fresh=True), special or Special(name)),
                  dtypes=INEXACT,
                  jvp=defjvp(*rules))


_SQRT_PI = np.sqrt(np.pi)
_SQRT_2PI = np.sqrt(2 * np.pi)

erfc_p = _u("erfc", sc.erfc, lambda t, ans, x: mul(t, mul(_c(-2 / _SQRT_PI, x),
                                                            exp(neg(mul(x, x))))))
erfinv_p = _u("erfinv", sc.erfinv,
              lambda t, ans, x: mul(t, mul(_c(_SQRT_PI / 2, x), exp(mul(ans, ans)))))
erfcx_p = _u("erfcx", sc.erfcx,
             lambda t, ans, x: mul(t, sub(mul(_c(2, x), mul(x, ans)), _c(2 / _SQRT_PI, x))))
ndtri_p = _u("ndtri", sc.ndtri,
             lambda t, ans, p: mul(t, mul(_c(_SQRT_2PI, p), exp(mul(_c(0.5, p), mul(ans, ans))))))
log_ndtr_p = _u("log_ndtr", sc.log_ndtr,
                lambda t, ans, x: mul(t, div(exp(sub(mul(_c(-0.5, x), mul(x, x)), ans)),
                                             _c(_SQRT_2PI, x))))
gammaln_p = _u("gammaln", sc.gammaln, lambda t, ans, x: mul(t, digamma(x)))
gamma_p = _u("gamma", sc.gamma, lambda t, ans, x: mul(t, mul(ans, digamma(x))))
digamma_p = _u("digamma", sc.digamma, lambda t, ans, x: mul(t, polygamma(_c(1, x), x)))
# jax.scipy.special.polygamma takes an integer order
_POLYGAMMA_JAX = Emit("special.polygamma(jnp.asarray({0}).astype('int64'), {1})", fresh=True, on=("jax",))
polygamma_p = _n("polygamma", sc.polygamma, 2, _no_grad("polygamma", "n"),
                 lambda t, ans, n, x: mul(t, polygamma(add(n, _c(1, n)), x)),
                 special=_POLYGAMMA_JAX)
i0e_p = _u("i0e", sc.i0e, lambda t, ans, x: mul(t, sub(i1e(x), mul(sign(x), ans))))


def _i1e_dx(t, ans, x):
    zero = eq(x, _c(0, x))
    safe = select(zero, np.ones((), get_aval(x).dtype), x)
    d = sub(i0e(x), mul(ans, add(sign(x), div(_c(1, x), safe))))
    return mul(t, select(zero, np.full((), 0.5, get_aval(x).dtype), d))


i1e_p = _u("i1e", sc.i1e, _i1e_dx)
zeta_p = _n("zeta", sc.zeta, 2, _no_grad("zeta", "x (the exponent)"),
            lambda t, ans, s, q: mul(t, neg(mul(s, zeta(add(s, _c(1, s)), q)))))


def _xlog(c, x, log_fn, at):
    """c * log_fn(x) with the limits at the boundary x == at (where log_fn is -inf): 0 for
    c == 0, -inf for c > 0, +inf for c < 0 -- so that exp() of it is the exact 0 / 1 / inf of
    x^c there, without evaluating log(0)."""
    from fungrad._lax.math import gt
    dt = get_aval(x).dtype
    edge = eq(x, _c(at, x))
    term = mul(c, log_fn(select(edge, _c(0.5, x), x)))
    inf = np.full((), np.inf, dt)
    lim = select(eq(c, _c(0, c)), np.zeros((), dt), select(gt(c, _c(0, c)), -inf, inf))
    return select(edge, lim, term)


def _gammainc_dx(a, x):
    return exp(sub(sub(_xlog(sub(a, _c(1, a)), x, log, 0), x), gammaln(a)))


gammainc_p = _n("gammainc", sc.gammainc, 2, _no_grad("gammainc", "a"),
                lambda t, ans, a, x: mul(t, _gammainc_dx(a, x)))
gammaincc_p = _n("gammaincc", sc.gammaincc, 2, _no_grad("gammaincc", "a"),
                 lambda t, ans, a, x: mul(t, neg(_gammainc_dx(a, x))))
gammaincinv_p = _n("gammaincinv", sc.gammaincinv, 2, _no_grad("gammaincinv", "a"),
                   lambda t, ans, a, p: div(t, _gammainc_dx(a, ans)))


def _betainc_dx(a, b, x):
    betaln = sub(add(gammaln(a), gammaln(b)), gammaln(add(a, b)))
    return exp(sub(add(_xlog(sub(a, _c(1, a)), x, log, 0),
                       _xlog(sub(b, _c(1, b)), x, lambda v: log1p(neg(v)), 1)), betaln))


betainc_p = _n("betainc", sc.betainc, 3, _no_grad("betainc", "a"), _no_grad("betainc", "b"),
               lambda t, ans, a, b, x: mul(t, _betainc_dx(a, b, x)))
betaincinv_p = _n("betaincinv", sc.betaincinv, 3, _no_grad("betaincinv", "a"),
                  _no_grad("betaincinv", "b"),
                  lambda t, ans, a, b, p: div(t, _betainc_dx(a, b, ans)))
exp1_p = _u("exp1", sc.exp1, lambda t, ans, x: mul(t, neg(div(exp(neg(x)), x))))
expi_p = _u("expi", sc.expi, lambda t, ans, x: mul(t, div(exp(x), x)))
gammasgn_p = unop("gammasgn", _kernel(sc.gammasgn), emit=(CallImpl(fresh=True), Special("gammasgn")),
                  dtypes=INEXACT,
                  jvp=jvp_zero)

erfc, erfinv, erfcx, ndtri = erfc_p.bind, erfinv_p.bind, erfcx_p.bind, ndtri_p.bind
log_ndtr, gammaln, gamma, digamma = log_ndtr_p.bind, gammaln_p.bind, gamma_p.bind, digamma_p.bind
polygamma, i0e, i1e, zeta = polygamma_p.bind, i0e_p.bind, i1e_p.bind, zeta_p.bind
gammainc, gammaincc, gammaincinv = gammainc_p.bind, gammaincc_p.bind, gammaincinv_p.bind
betainc, betaincinv = betainc_p.bind, betaincinv_p.bind
exp1, expi, gammasgn = exp1_p.bind, expi_p.bind, gammasgn_p.bind
