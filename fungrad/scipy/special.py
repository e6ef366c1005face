"""fungrad.scipy.special: scipy.special's functions, differentiable (as jax.scipy.special).

Primitives on scipy kernels (fungrad._lax.special, erf in fungrad._lax.special_erf) where no
composition is accurate; compositions of them elsewhere, in stable forms: logsumexp shifts by the
maximum (all -inf gives -inf; its gradient is then NaN, as JAX); ndtr = erfc(-x/sqrt 2)/2 (no
cancellation in the lower tail); log_ndtr is a primitive accurate at +-40; xlogy / xlog1py are 0
with a zero gradient in y where x == 0; expit is lax.logistic; i0 / i1 are exp(|x|) i0e / i1e.

Imports: _core, lax, numpy.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from fungrad._core.docs import add_examples as _add_examples
from fungrad._core.typing import Array, ArrayLike
import numpy as np
import scipy.special as _sc

from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad._lax import special as _sp
from fungrad._lax.special_erf import erf as _erf
import fungrad.numpy as fnp
from fungrad.numpy._promote import asarray, promote_inexact

__all__ = [
    "bernoulli", "beta", "betainc", "betaincinv", "betaln", "comb", "digamma", "entr", "erf",
    "erfc", "erfcx", "erfinv", "exp1", "expi", "expit", "factorial", "gamma", "gammainc",
    "gammaincc", "gammaincinv", "gammaln", "gammasgn", "i0", "i0e", "i1", "i1e", "kl_div",
    "log_expit", "log_ndtr", "log_softmax", "loggamma", "logit", "logsumexp", "multigammaln",
    "ndtr", "ndtri", "poch", "polygamma", "psi", "rel_entr", "rgamma", "softmax", "xlog1py",
    "xlogy", "zeta",
]


def _f(*xs):
    out = promote_inexact(*[asarray(x) for x in xs])
    return out[0] if len(xs) == 1 else out


def _real(name, *xs):
    """Refuse complex arguments (a TypeError, as scipy's real-only kernels)."""
    for x in xs:
        a = x if hasattr(x, "dtype") else np.asarray(x) if isinstance(
            x, (list, tuple, complex)) else None
        if a is not None and getattr(a.dtype, "kind", "") == "c":
            raise TypeError(f"scipy.special.{name} takes real arguments, got "
                            f"{get_aval(asarray(a)).str_short()}. Fix: pass real values "
                            "(fnp.real(z), fnp.abs(z)).")


def _fk(kernel, *xs):
    """The arguments in the dtype scipy's ufunc `kernel` computes in: its loop for integer and
    boolean inputs (erfinv(int8) is float32), the promoted float dtype otherwise; complex
    arguments the kernel has no loop for are refused with a TypeError."""
    xs = [asarray(x) for x in xs]
    dts = tuple(get_aval(x).dtype for x in xs)
    if all(d.kind in "biu" for d in dts):
        try:
            dt = kernel.resolve_dtypes(dts + (None,) * kernel.nout)[0]
        except TypeError:
            dt = None
        if dt is not None and dt.kind == "f":
            return [lax.convert_element_type(x, dt) for x in xs]
    out = promote_inexact(*xs)
    if any(get_aval(x).dtype.kind == "c" for x in out):
        try:
            kernel.resolve_dtypes(tuple(get_aval(x).dtype for x in out) + (None,) * kernel.nout)
        except TypeError:
            raise TypeError(f"scipy.special.{kernel.__name__.lstrip('_')} takes real arguments, "
                            f"got {', '.join(get_aval(x).str_short() for x in xs)}. Fix: pass "
                            "real values.") from None
    return out


def _u(prim_fn, name, doc, kernel=None):
    def fn(x: ArrayLike) -> Array:
        return prim_fn(_fk(kernel, x)[0] if kernel is not None else _f(x))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


erf = _u(_erf, "erf", "Error function.", _sc.erf)
erfc = _u(_sp.erfc, "erfc", "Complementary error function 1 - erf(x), accurate for large x.", _sc.erfc)
erfinv = _u(_sp.erfinv, "erfinv", "Inverse error function.", _sc.erfinv)
erfcx = _u(_sp.erfcx, "erfcx", "Scaled complementary error function e^{x^2} erfc(x).", _sc.erfcx)
ndtri = _u(_sp.ndtri, "ndtri", "Inverse of the standard normal CDF.", _sc.ndtri)
log_ndtr = _u(_sp.log_ndtr, "log_ndtr", "log of the standard normal CDF, accurate in both tails.",
              _sc.log_ndtr)
gammaln = _u(_sp.gammaln, "gammaln", "log|Gamma(x)|.", _sc.gammaln)
gamma = _u(_sp.gamma, "gamma", "The Gamma function.", _sc.gamma)
digamma = _u(_sp.digamma, "digamma", "d/dx log Gamma(x).", _sc.digamma)
psi = digamma
i0e = _u(_sp.i0e, "i0e", "Exponentially scaled modified Bessel function of order 0.", _sc.i0e)
i1e = _u(_sp.i1e, "i1e", "Exponentially scaled modified Bessel function of order 1.", _sc.i1e)
exp1 = _u(_sp.exp1, "exp1", "Exponential integral E1(x).", _sc.exp1)
expi = _u(_sp.expi, "expi", "Exponential integral Ei(x).", _sc.expi)
gammasgn = _u(_sp.gammasgn, "gammasgn", "Sign of the Gamma function (zero gradient).", _sc.gammasgn)
expit = _u(lax.logistic, "expit", "The logistic sigmoid 1 / (1 + e^{-x}), stable for large |x|.",
           _sc.expit)


def loggamma(x: ArrayLike) -> Array:
    """log Gamma(x) for real x >= 0 (equal to gammaln there; NaN for x < 0, as scipy's real
    loggamma; complex x is not supported)."""
    _real("loggamma", x)
    x = _f(x)
    return fnp.where(fnp.less(x, 0.0), np.nan, gammaln(x))


def ndtr(x: ArrayLike) -> Array:
    """Standard normal CDF, as erfc(-x / sqrt(2)) / 2: accurate in the lower tail."""
    x = _f(x)
    return lax.mul(_sp.erfc(lax.mul(x, np.asarray(-1 / np.sqrt(2), get_aval(x).dtype))),
                   np.asarray(0.5, get_aval(x).dtype))


def polygamma(n: ArrayLike, x: ArrayLike) -> Array:
    """n-th derivative of digamma (differentiable in x)."""
    n, x = _f(n, x)
    return _sp.polygamma(*fnp.broadcast_arrays(n, x)) if get_aval(n).shape != get_aval(x).shape \
        else _sp.polygamma(n, x)


def zeta(x: ArrayLike, q: ArrayLike | None = None) -> Array:
    """Hurwitz zeta function sum_k (k + q)^{-x} (Riemann zeta when q is None, for every real
    x: by the functional equation for x <= 0, Euler-Maclaurin summation for 0 < x < 1);
    differentiable in q."""
    _real("zeta", x, q)
    if q is not None:
        return _sp.zeta(*_f(x, q))
    x = _f(x)
    # Riemann zeta; for x <= 0 by the functional equation (the Hurwitz kernel needs x > 1):
    # zeta(s) = 2^s pi^(s-1) sin(pi s / 2) Gamma(1 - s) zeta(1 - s), -1/2 at 0, 0 at the
    # trivial zeros -2, -4, ...
    neg = fnp.less_equal(x, 0.0)
    finite = neg & fnp.not_equal(x, 0.0) & fnp.isfinite(x)
    s = fnp.where(finite, x, -1.0)  # (0, -inf and x > 0 are not computed here)
    refl = (fnp.power(2.0, s) * fnp.power(np.pi, s - 1.0) * fnp.sin(np.pi * s / 2.0)
            * gamma(1.0 - s) * _sp.zeta(1.0 - s, fnp.ones_like(s)))
    trivial = fnp.logical_and(fnp.equal(fnp.remainder(s, 2.0), 0.0), fnp.less(s, 0.0))
    refl = fnp.where(trivial, 0.0, fnp.where(fnp.equal(x, 0.0), -0.5, refl))
    refl = fnp.where(fnp.isneginf(x), np.nan, refl)
    # 0 < x < 1 (where neither the kernel nor the reflection, which maps (0, 1) onto itself,
    # applies): Euler-Maclaurin summation from N = 10 with seven Bernoulli terms (error < 1e-14)
    mid = fnp.greater(x, 0.0) & fnp.less(x, 1.0)
    s = fnp.where(mid, x, 0.5)
    n = 10.0
    em = sum(fnp.power(float(k), -s) for k in range(1, 10)) + fnp.power(n, 1.0 - s) / (s - 1.0) \
        + 0.5 * fnp.power(n, -s)
    rising = s
    for k, b2k in enumerate(_BERNOULLI_2K, start=1):
        em = em + b2k / math.factorial(2 * k) * rising * fnp.power(n, -s - (2 * k - 1))
        rising = rising * (s + 2 * k - 1) * (s + 2 * k)
    hurwitz = _sp.zeta(fnp.where(mid, 2.0, x), fnp.ones_like(x))
    return fnp.where(neg, refl, fnp.where(mid, em, hurwitz))


_BERNOULLI_2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)


def gammainc(a: ArrayLike, x: ArrayLike) -> Array:
    """Regularized lower incomplete gamma P(a, x); differentiable in x."""
    return _sp.gammainc(*_f(a, x))


def gammaincc(a: ArrayLike, x: ArrayLike) -> Array:
    """Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate where P is near 1."""
    return _sp.gammaincc(*_f(a, x))


def gammaincinv(a: ArrayLike, y: ArrayLike) -> Array:
    return _sp.gammaincinv(*_f(a, y))


def betainc(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> Array:
    """Regularized incomplete beta I_x(a, b); differentiable in x."""
    return _sp.betainc(*_f(a, b, x))


def betaincinv(a: ArrayLike, b: ArrayLike, y: ArrayLike) -> Array:
    return _sp.betaincinv(*_f(a, b, y))


def i0(x: ArrayLike) -> Array:
    """Modified Bessel function of order 0, exp(|x|) i0e(x)."""
    x, = _fk(_sc.i0, x)
    return lax.mul(lax.exp(lax.abs(x)), _sp.i0e(x))


def i1(x: ArrayLike) -> Array:
    """Modified Bessel function of order 1, exp(|x|) i1e(x)."""
    x, = _fk(_sc.i1, x)
    return lax.mul(lax.exp(lax.abs(x)), _sp.i1e(x))


def _nonpos_int(x):
    """x is 0, -1, -2, ... (or -inf): a pole of Gamma."""
    return fnp.logical_and(fnp.less_equal(x, 0.0), fnp.equal(fnp.floor(x), x))


def _c_int(x):
    """x is an integer a C int holds (cephes tests `x == (int)x`)."""
    return fnp.equal(fnp.floor(x), x) & (x >= -2.0 ** 31) & (x < 2.0 ** 31)


def _odd(x):
    return fnp.not_equal(fnp.remainder(x, 2.0), 0.0)


def _log_abs_beta(a, b):
    """log|B(a, b)| for a, b off the poles: lgamma(a) + lgamma(b) - lgamma(a + b), or for
    |a| > 1e6 |b| and a > 1e6 (either order) the large-a expansion lgamma(b) - b log a + O(1/a)
    (as cephes: the difference of lgammas loses precision there, and it is -inf or inf, not NaN,
    for a = inf)."""
    swap = fnp.less(fnp.abs(a), fnp.abs(b))
    big, small = fnp.where(swap, b, a), fnp.where(swap, a, b)
    asym = fnp.greater(fnp.abs(big), 1e6 * fnp.abs(small)) & fnp.greater(big, 1e6)
    x, y = fnp.where(asym, big, 2.0), fnp.where(asym, small, 1.0)  # each branch on safe inputs
    r = (gammaln(y) - y * fnp.log(x) + y * (1 - y) / (2 * x)
         + y * (1 - y) * (1 - 2 * y) / (12 * x * x) - y * y * (1 - y) * (1 - y) / (12 * x ** 3))
    p, q = fnp.where(asym, 1.0, a), fnp.where(asym, 1.0, b)
    return fnp.where(asym, r, gammaln(p) + gammaln(q) - gammaln(p + q))


def _beta_parts(a, b):
    """(log|B(a, b)|, sign B(a, b)) for all real a, b as scipy (cephes beta / lbeta): at a pole
    a = 0, -1, ... with an integer b, 1 - a - b > 0 (a removable singularity) by
    B(a, b) = (-1)^b B(1 - a - b, b), otherwise +inf there (and symmetrically in b); at a
    pole of Gamma(a + b) alone 0; elsewhere sign gammasgn(a) gammasgn(b) gammasgn(a + b)."""
    pa, pb = _nonpos_int(a), _nonpos_int(b)
    pb = fnp.logical_and(pb, fnp.logical_not(pa))  # a's pole is looked at first
    # the removable cases: (p, q) = (1 - a - b, the integer argument), sign (-1)^q
    ra = pa & _c_int(a) & _c_int(b) & fnp.greater(1.0 - a - b, 0.0)
    rb = pb & _c_int(b) & _c_int(a) & fnp.greater(1.0 - a - b, 0.0)
    q = fnp.where(ra, b, a)
    refl = ra | rb
    q_pole = refl & _nonpos_int(q)  # both at poles: (-1)^q inf
    inner = refl & fnp.logical_not(q_pole)
    p_in, q_in = fnp.where(inner, 1.0 - a - b, 1.0), fnp.where(inner, q, 1.0)
    plain = fnp.logical_not(pa | pb)
    a_in, b_in = fnp.where(plain, a, 1.0), fnp.where(plain, b, 1.0)
    ab_pole = _nonpos_int(a_in + b_in)  # Gamma(a + b) = inf: B = 0
    sign_plain = gammasgn(a_in) * gammasgn(b_in) * fnp.where(ab_pole, 1.0, gammasgn(a_in + b_in))
    log_abs = fnp.where(inner, _log_abs_beta(p_in, q_in),
                        fnp.where(plain, _log_abs_beta(a_in, b_in), np.inf))
    sign = fnp.where(refl, fnp.where(_odd(q), -1.0, 1.0), fnp.where(plain, sign_plain, 1.0))
    return log_abs, sign


def betaln(a: ArrayLike, b: ArrayLike) -> Array:
    """log|B(a, b)| = gammaln(a) + gammaln(b) - gammaln(a + b), for every real a, b as scipy
    (the large-argument expansion where one argument dwarfs the other; +inf at the poles
    a or b = 0, -1, ..., finite where the singularity is removable: betaln(-1, 1) = 0)."""
    _real("betaln", a, b)
    a, b = _fk(_sc.betaln, a, b)
    return lax.convert_element_type(_beta_parts(a, b)[0], get_aval(a).dtype)


def beta(a: ArrayLike, b: ArrayLike) -> Array:
    """B(a, b) = Gamma(a) Gamma(b) / Gamma(a + b) for every real a, b as scipy: sign times
    exp(betaln(a, b)), so negative arguments give their signed values (beta(-1.5, 0.5) = 0,
    beta(-1, 1) = -1) and the poles +-inf."""
    _real("beta", a, b)
    a, b = _fk(_sc.beta, a, b)
    log_abs, sign = _beta_parts(a, b)
    return lax.convert_element_type(sign * fnp.exp(log_abs), get_aval(a).dtype)


def rgamma(x: ArrayLike) -> Array:
    """1 / Gamma(x), zero at the poles (0, -1, -2, ...) and at -inf, as scipy."""
    _real("rgamma", x)
    x = _f(x)
    g = gamma(x)
    pole = fnp.logical_or(fnp.equal(fnp.abs(g), np.inf), fnp.logical_and(
        fnp.less_equal(x, 0.0), fnp.equal(fnp.floor(x), x)))
    return fnp.where(pole, 0.0, 1.0 / fnp.where(pole, 1.0, g))


def _stirling_tail(x):
    """lgamma(x) - ((x - 1/2) log x - x + log(2 pi) / 2) for x > 1e4 (Stirling's series)."""
    r = 1.0 / x
    return r * (1 / 12 - r * r * (1 / 360 - r * r / 1260))


def _sinpi(x):
    """sin(pi x), exact in the reduction (x mod 2) for large x."""
    return fnp.sin(np.pi * fnp.remainder(x, 2.0))


def _lgamma_diff_large(z, m):
    """lgamma(z + m) - lgamma(z) for z, z + m > 1e4, without the cancellation of the two:
    (z - 1/2) log1p(m / z) + m log(z + m) - m + the Stirling tails' difference."""
    return ((z - 0.5) * fnp.log1p(m / z) + m * fnp.log(z + m) - m
            + _stirling_tail(z + m) - _stirling_tail(z))


def poch(z: ArrayLike, m: ArrayLike) -> Array:
    """Rising factorial Gamma(z + m) / Gamma(z) for every real z, m as scipy: 1 for m = 0;
    for an integer m where z + m is a pole (0, -1, ...) and so is z, the limit
    (-1)^m Gamma(1 - z) / Gamma(1 - z - m) (poch(-1, 1) = -1); 0 where only z is a pole, inf
    where only z + m is; elsewhere gammasgn(z + m) gammasgn(z) exp(gammaln(z + m) - gammaln(z)),
    and for z, z + m > 1e4 the difference of Stirling's series, in which nothing cancels (for
    z, z + m < -1e4 the same through the reflection formula). Infinite z or m: scipy's values
    (poch(inf, m) is inf for 0 < m <= 2, 0 for -2 <= m < 0 and NaN beyond, poch(z, inf) is
    +-inf, poch(z, -inf) NaN)."""
    _real("poch", z, m)
    z, m = _fk(_sc.poch, z, m)
    zm = z + m
    fz, fm = fnp.isfinite(z), fnp.isfinite(m)
    pz, pzm = fz & _nonpos_int(z), fz & fm & _nonpos_int(zm)
    # the removable case (also where z is lost in z + m = m), by the reflection identity
    both = pzm & _c_int(m) & (pz | fnp.equal(zm, m))
    regular = fz & fm & fnp.logical_not(pz | pzm)
    ok = both | regular
    u, mm = fnp.where(both, 1.0 - z - m, fnp.where(regular, z, 1.0)), fnp.where(ok, m, 0.5)
    # large arguments: Stirling's series for z, z + m > 1e4; below -1e4 the reflection
    # Gamma(z + m) / Gamma(z) = sinpi(z) / sinpi(z + m) poch(1 - z - m, m)
    neg = regular & fnp.less(u, -1e4) & fnp.less(u + mm, -1e4)
    w = fnp.where(neg, 1.0 - u - mm, u)
    big = (ok & fnp.greater(u, 1e4) & fnp.greater(u + mm, 1e4)) | neg
    wb, mb = fnp.where(big, w, 2e4), fnp.where(big, mm, 0.5)  # each branch on safe inputs
    ratio = fnp.where(neg, _sinpi(fnp.where(neg, u, 0.5)) / _sinpi(fnp.where(neg, u + mm, 0.5)),
                      1.0)
    us, ums = fnp.where(big, 1.0, u), fnp.where(big, 1.5, u + mm)
    val = fnp.where(big, ratio * fnp.exp(_lgamma_diff_large(wb, mb)),
                    gammasgn(us) * gammasgn(ums) * fnp.exp(gammaln(ums) - gammaln(us)))
    val = fnp.where(both & _odd(m), -val, val)
    val = fnp.where(fnp.isnan(z) | fnp.isnan(m), np.nan, val)
    val = fnp.where(pz & fnp.logical_not(both), fnp.where(pzm, np.nan, 0.0), val)
    val = fnp.where(pzm & fnp.logical_not(pz | both), np.inf, val)
    zs = fnp.where(fz & fnp.logical_not(pz), z, 1.0)
    val = fnp.where(fz & fnp.logical_not(pz) & fnp.isposinf(m), gammasgn(zs) * np.inf, val)
    val = fnp.where(fz & fnp.logical_not(pz) & fnp.isneginf(m), np.nan, val)
    val = fnp.where(fnp.isposinf(z), fnp.where(fnp.greater(m, 0.0) & fnp.less_equal(m, 2.0), np.inf,
                                               fnp.where(fnp.less(m, 0.0) & fnp.greater_equal(
                                                   m, -2.0), 0.0, np.nan)), val)
    val = fnp.where(fnp.isneginf(z), fnp.where(fnp.equal(m, 1.0), -np.inf,
                                               fnp.where(fnp.equal(m, -1.0), -0.0, np.nan)), val)
    return lax.convert_element_type(fnp.where(fnp.equal(m, 0.0), 1.0, val), get_aval(z).dtype)


def multigammaln(a: ArrayLike, d: ArrayLike) -> Array:
    """Multivariate log-gamma: d(d-1)/4 log(pi) + sum_{j<d} gammaln(a - j/2)."""
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
        raise ValueError(f"multigammaln: d must be a positive integer (the dimension), got {d!r}")
    if d > 2 ** 24:
        raise ValueError(f"multigammaln: d={d} is too large (the sum has d terms).")
    d = int(d)
    a = _f(a)
    half_j = (np.arange(d) / 2).astype(fnp.result_type(a))
    terms = gammaln(fnp.subtract(fnp.expand_dims(a, -1), half_j))
    return fnp.add(fnp.sum(terms, axis=-1), d * (d - 1) / 4 * np.log(np.pi))


def _zero_times(x, y, ok):
    """Where y may stand in x * f(y): x != 0, `ok(y)` (f(y) finite) or y NaN; elsewhere (x == 0
    with f(y) infinite or NaN) the caller puts a value with f = 0. So x * f(y) is 0 at x == 0
    for every y but NaN (scipy's value), its derivative in x is f(y) wherever f(y) is finite
    (JAX's), and its derivative in y, x f'(y), is 0 at x == 0."""
    keep = fnp.logical_or(fnp.logical_or(fnp.not_equal(x, 0.0), ok(y)), fnp.isnan(y))
    return keep


def xlogy(x: ArrayLike, y: ArrayLike) -> Array:
    """x log(y), 0 where x == 0 (for every y but NaN, as scipy); the derivative in x is log(y)
    (at x == 0 too, as JAX) and the one in y x / y, 0 at x == 0 (JAX: NaN at y == 0)."""
    x, y = _f(x, y)
    finite = _zero_times(x, y, lambda v: fnp.logical_and(fnp.greater(v, 0.0), fnp.isfinite(v)))
    return x * fnp.log(fnp.where(finite, y, 1.0))


def xlog1py(x: ArrayLike, y: ArrayLike) -> Array:
    """x log1p(y), 0 where x == 0 (for every y but NaN, as scipy); the derivative in x is
    log1p(y) (at x == 0 too, as JAX), the one in y x / (1 + y), 0 at x == 0."""
    x, y = _f(x, y)
    finite = _zero_times(x, y, lambda v: fnp.logical_and(fnp.greater(v, -1.0), fnp.isfinite(v)))
    return x * fnp.log1p(fnp.where(finite, y, 0.0))


def entr(x: ArrayLike) -> Array:
    """-x log x for x > 0, 0 at 0, -inf for x < 0 (NaN for NaN)."""
    x, = _fk(_sc.entr, x)
    pos = fnp.greater(x, 0.0)
    safe = fnp.where(pos, x, 1.0)
    edge = fnp.where(fnp.equal(x, 0.0), 0.0, fnp.where(fnp.less(x, 0.0), -np.inf, np.nan))
    return fnp.where(pos, -x * fnp.log(safe), lax.convert_element_type(edge, get_aval(x).dtype))


def rel_entr(x: ArrayLike, y: ArrayLike) -> Array:
    """x log(x / y) for x, y > 0; 0 for x == 0, y >= 0; NaN if either is NaN; inf otherwise."""
    x, y = _fk(_sc.rel_entr, x, y)
    both = fnp.logical_and(fnp.greater(x, 0.0), fnp.greater(y, 0.0))
    xs, ys = fnp.where(both, x, 1.0), fnp.where(both, y, 1.0)
    zero_ok = fnp.logical_and(fnp.equal(x, 0.0), fnp.greater_equal(y, 0.0))
    nan = fnp.logical_or(fnp.isnan(x), fnp.isnan(y))
    return fnp.where(nan, np.nan, fnp.where(both, xs * fnp.log(xs / ys),
                                            fnp.where(zero_ok, 0.0, np.inf)))


def kl_div(x: ArrayLike, y: ArrayLike) -> Array:
    """x log(x / y) - x + y for x, y > 0; y for x == 0, y >= 0; inf otherwise."""
    x, y = _fk(_sc.kl_div, x, y)
    r = rel_entr(x, y)
    return fnp.where(fnp.isinf(r), r, r - x + y)


def logit(p: ArrayLike) -> Array:
    """log(p / (1 - p))."""
    p, = _fk(_sc.logit, p)
    return fnp.log(p) - fnp.log1p(-p)


def log_expit(x: ArrayLike) -> Array:
    """log(expit(x)) = -log(1 + e^{-x}), stable for large |x|."""
    x = _f(x)
    return -fnp.logaddexp(0.0, -x)


def logsumexp(a: ArrayLike, axis: int | Sequence[int] | None = None, b: ArrayLike | None = None,
              keepdims: bool = False, return_sign: bool = False) -> Array:
    """log(sum(b * exp(a))) over `axis`, shifted by the (non-differentiated) maximum so that
    nothing overflows. With return_sign, (log|s|, sign(s)) for a signed sum s; without, a
    negative sum gives NaN as scipy. All -inf inputs give -inf (gradient NaN, as JAX)."""
    a = _f(a)
    if b is not None:
        a, b = _f(a, b)
        a, b = fnp.broadcast_arrays(a, b)
    amax = fnp.max(a, axis=axis, keepdims=True)
    amax = lax.stop_gradient(fnp.where(fnp.isfinite(amax), amax, 0.0))
    e = fnp.exp(a - amax)
    if b is not None:
        e = e * b
    s = fnp.sum(e, axis=axis, keepdims=True)
    shift = amax if keepdims else fnp.squeeze(amax, axis=axis) if axis is not None else \
        fnp.reshape(amax, ())
    if not keepdims:
        s = fnp.squeeze(s, axis=axis) if axis is not None else fnp.reshape(s, ())
    with np.errstate(divide="ignore"):  # log(0) = -inf is the answer, not a warning
        if return_sign:
            return fnp.add(fnp.log(fnp.abs(s)), shift), fnp.sign(s)
        return fnp.add(fnp.log(s), shift)


def _softmax_arg(x, name):
    """x in numpy's float dtype for exp (int8 -> float16, as scipy's numpy computation gives);
    booleans are refused, as scipy (which subtracts the maximum)."""
    x = asarray(x)
    if get_aval(x).dtype.kind == "b":
        raise TypeError(f"scipy.special.{name}: boolean input {get_aval(x).str_short()} is not "
                        "supported (scipy subtracts the maximum). Fix: convert to float.")
    return promote_inexact(x, small_float=True)[0]


def softmax(x: ArrayLike, axis: int | Sequence[int] | None = None) -> Array:
    """exp(x) / sum(exp(x)) over `axis` (all axes by default, as scipy)."""
    x = _softmax_arg(x, "softmax")
    m = lax.stop_gradient(fnp.max(x, axis=axis, keepdims=True))
    m = fnp.where(fnp.isfinite(m), m, 0.0)
    e = fnp.exp(x - m)
    return e / fnp.sum(e, axis=axis, keepdims=True)


def log_softmax(x: ArrayLike, axis: int | Sequence[int] | None = None) -> Array:
    """x - logsumexp(x) over `axis` (all axes by default, as scipy)."""
    x = _softmax_arg(x, "log_softmax")
    m = lax.stop_gradient(fnp.max(x, axis=axis, keepdims=True))
    m = fnp.where(fnp.isfinite(m), m, 0.0)
    shifted = x - m
    return shifted - fnp.log(fnp.sum(fnp.exp(shifted), axis=axis, keepdims=True))


def factorial(n: ArrayLike, exact: bool = False) -> Array:
    """n! = Gamma(n + 1) as a float (0 for n < 0, as scipy); exact=True is not supported."""
    if exact:
        raise NotImplementedError("factorial: exact=True is not supported (use math.factorial)")
    kind = get_aval(asarray(n)).dtype.kind
    if kind in "bc":
        raise ValueError(f"factorial: unsupported data type for n: "
                         f"{get_aval(asarray(n)).str_short()}; integers or floats are permitted "
                         "(as scipy.special.factorial)")
    n = _f(n)
    neg = fnp.less(n, 0.0)
    return fnp.where(neg, 0.0, gamma(fnp.where(neg, 0.0, n) + 1.0))


def comb(N: Any, k: ArrayLike, exact: bool = False, repetition: bool = False) -> Array:
    """Binomial coefficient N choose k as a float, 0 where k < 0 or k > N (as scipy)."""
    if exact:
        raise NotImplementedError("comb: exact=True is not supported (use math.comb)")
    _real("comb", N, k)
    N, k = _f(N, k)
    if repetition:
        N = N + k - 1
    ok = fnp.logical_and(fnp.logical_and(fnp.greater_equal(k, 0.0), fnp.less_equal(k, N)),
                         fnp.greater_equal(N, 0.0))
    Ns, ks = fnp.where(ok, N, 1.0), fnp.where(ok, k, 0.0)
    return fnp.where(ok, fnp.exp(gammaln(Ns + 1) - gammaln(ks + 1) - gammaln(Ns - ks + 1)), 0.0)


def bernoulli(n: ArrayLike) -> Array:
    """The Bernoulli numbers B_0 .. B_n (a concrete array, as scipy; B_1 = -1/2)."""
    import operator
    try:
        if isinstance(n, (bool, np.bool_)):
            raise TypeError
        k = operator.index(n)
    except TypeError:
        raise ValueError(f"bernoulli: n must be a non-negative integer, got {type(n).__name__} "
                         f"{n!r:.40}") from None
    if k < 0:
        raise ValueError(f"bernoulli: n must be a non-negative integer, got {k}")
    return np.asarray(_sc.bernoulli(k), np.float64)

# a `>>>` example for each public function (tests/test_doctests.py runs them), appended to its
# docstring as fungrad.numpy's _EXAMPLES tables are
_EXAMPLES = {
    "bernoulli": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.bernoulli(4)
array([ 1.        , -0.5       ,  0.16666667,  0.        , -0.03333333])""",
    "beta": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.beta(np.array([1.0, 2.0]), np.array([1.0, 3.0]))
array([1.        , 0.08333333])""",
    "betainc": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.betainc(np.array([1.0]), np.array([1.0]), np.array([0.25]))
array([0.25])""",
    "betaincinv": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.betaincinv(np.array([1.0]), np.array([1.0]), np.array([0.25]))
array([0.25])""",
    "betaln": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.betaln(np.array([1.0]), np.array([2.0]))
array([-0.69314718])""",
    "comb": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.comb(np.array([5.0]), np.array([2.0]))
array([10.])""",
    "digamma": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.digamma(np.array([1.0]))
array([-0.57721566])""",
    "entr": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.entr(np.array([0.5, 0.0, -1.0]))
array([0.34657359, 0.        ,       -inf])""",
    "erf": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.erf(np.array([0.0, 1.0]))
array([0.        , 0.84270079])""",
    "erfc": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.erfc(np.array([0.0]))
array([1.])""",
    "erfcx": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.erfcx(np.array([0.0]))
array([1.])""",
    "erfinv": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.erfinv(np.array([0.0, 0.5]))
array([0.        , 0.47693628])""",
    "exp1": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.exp1(np.array([1.0]))
array([0.21938393])""",
    "expi": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.expi(np.array([1.0]))
array([1.89511782])""",
    "expit": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.expit(np.array([0.0, 1000.0]))
array([0.5, 1. ])""",
    "factorial": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.factorial(np.array([0, 3, 5]))
array([  1.,   6., 120.])""",
    "gamma": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.gamma(np.array([1.0, 5.0]))
array([ 1., 24.])""",
    "gammainc": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.gammainc(np.array([1.0]), np.array([1.0]))
array([0.63212056])""",
    "gammaincc": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.gammaincc(np.array([1.0]), np.array([1.0]))
array([0.36787944])""",
    "gammaincinv": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.gammaincinv(np.array([1.0]), np.array([0.5]))
array([0.69314718])""",
    "gammaln": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.gammaln(np.array([1.0, 5.0]))
array([0.        , 3.17805383])""",
    "gammasgn": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.gammasgn(np.array([-0.5, 2.0]))
array([-1.,  1.])""",
    "i0": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.i0(np.array([0.0]))
array([1.])""",
    "i0e": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.i0e(np.array([0.0]))
array([1.])""",
    "i1": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.i1(np.array([0.0]))
array([0.])""",
    "i1e": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.i1e(np.array([0.0]))
array([0.])""",
    "kl_div": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.kl_div(np.array([1.0, 0.0]), np.array([2.0, 2.0]))
array([0.30685282, 2.        ])""",
    "log_expit": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.log_expit(np.array([0.0]))
array([-0.69314718])""",
    "log_ndtr": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.log_ndtr(np.array([0.0, -40.0]))
array([-6.93147181e-01, -8.04608442e+02])""",
    "log_softmax": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.log_softmax(np.array([0.0, 0.0]))
array([-0.69314718, -0.69314718])""",
    "loggamma": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.loggamma(np.array([1.0, 5.0, -1.0]))
array([0.        , 3.17805383,        nan])""",
    "logit": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.logit(np.array([0.5, 0.75]))
array([0.        , 1.09861229])""",
    "logsumexp": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> (sp.logsumexp(np.array([1000.0, 1000.0])) - 1000.0).round(6)
np.float64(0.693147)
>>> sp.logsumexp(np.array([1.0, 2.0]), b=np.array([1.0, -1.0]), return_sign=True)
(array(1.54132485), array(-1.))""",
    "multigammaln": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.multigammaln(np.array([2.5]), 2)
array([0.85704781])""",
    "ndtr": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.ndtr(np.array([0.0]))
array([0.5])""",
    "ndtri": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.ndtri(np.array([0.5]))
array([0.])""",
    "poch": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.poch(np.array([2.0]), np.array([3.0]))
array([24.])""",
    "polygamma": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.polygamma(np.array([1.0]), np.array([1.0]))
array([1.64493407])""",
    "rel_entr": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.rel_entr(np.array([1.0, 0.0]), np.array([2.0, 2.0]))
array([-0.69314718,  0.        ])""",
    "rgamma": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.rgamma(np.array([1.0, 0.0, -1.0]))
array([1., 0., 0.])""",
    "softmax": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.softmax(np.array([0.0, np.log(3.0)]))
array([0.25, 0.75])""",
    "xlog1py": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.xlog1py(np.array([0.0, 2.0]), np.array([-1.0, 0.0]))
array([0., 0.])""",
    "xlogy": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.xlogy(np.array([0.0, 2.0]), np.array([0.0, 1.0]))
array([0., 0.])""",
    "zeta": """>>> import numpy as np
>>> from fungrad.scipy import special as sp
>>> sp.zeta(np.array([2.0, 0.0, -1.0]))
array([ 1.64493407, -0.5       , -0.08333333])""",
}
_add_examples(_EXAMPLES, globals().__getitem__)

__dir__ = __all__.copy  # dir() lists the public names only
