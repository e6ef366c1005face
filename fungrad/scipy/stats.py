"""fungrad.scipy.stats: log densities, CDFs and quantiles of scipy.stats distributions,
differentiable (as jax.scipy.stats): norm, multivariate_normal, t, gamma, beta, dirichlet,
poisson, bernoulli, binom, geom, nbinom, chi2, uniform, laplace, logistic, cauchy, expon, pareto,
vonmises, truncnorm. Each is a namespace with scipy's function names and argument order (shape
parameters, then loc and scale). Everything is computed in the log domain and stays accurate in
the tails (log_ndtr for the normal's logcdf/logsf, gammaincc / betainc for upper tails, log1p /
expm1 near 0 and 1), in float64 whatever the inputs' dtype (scipy's result type). A continuous
logcdf / logsf is log of the cdf / sf below 1/2 and log1p of minus the other above, as scipy's
split at the median. t: the normal's beyond df = 2^52 (as scipy), from df = 1e4 Hill's normal
transform (its cdf and, inverted, its ppf), below the incomplete beta in whichever argument
does not round; its density's log Gamma ratio by the asymptotic series for large df. Outside the
support a log density is -inf and a CDF 0 or 1, as scipy; the checked wrapper adds scipy's other
edges: NaN where (x - loc) / scale is NaN or a parameter is outside its domain, the cdf / sf
family at x - loc = -inf / inf exact whatever the shapes, a discrete logcdf 0 from the support's
upper end on, ppf / isf at q = 0 / 1 the support's ends, and a TypeError where scipy refuses a
boolean parameter. Where scipy's own value is an underflow or a rounding (pareto.logpdf as
log(pdf), geom.logcdf as log(cdf), t.cdf at df = 1 near 0), fungrad keeps the accurate one.

Derivatives follow the special functions: in x (and loc, scale) everywhere; shape parameters that
enter only through incomplete gamma / beta functions (e.g. df of t.cdf) are not differentiable.

Imports: _core, numpy, scipy (this package).
"""
from __future__ import annotations

import functools
import inspect
import types

import numpy as np

import fungrad.numpy as fnp
from fungrad._core.array import as_array
from fungrad._core.docs import add_examples as _add_examples
from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.trace import Tracer, get_aval
from fungrad._core.typing import Array, ArrayLike
from fungrad.numpy._promote import asarray, promote_inexact
from fungrad.scipy import special as sp
from fungrad.scipy.linalg import solve_triangular as _solve_triangular

_LOG_2PI = float(np.log(2 * np.pi))
_LOG_PI = float(np.log(np.pi))


_F64_ZERO = np.zeros((), np.float64)


def _f(*xs):
    """The arguments in float64 at least: scipy.stats computes (and returns) float64 for
    float32 / float16 / integer / boolean inputs alike."""
    out = promote_inexact(*[asarray(x) for x in xs], _F64_ZERO)[:-1]
    return out if len(xs) > 1 else out[0]


def _z(x, loc, scale):
    x, loc, scale = _f(x, loc, scale)
    return (x - loc) / scale, scale


def _ns(name, **fns):
    """A distribution namespace; pdf / pmf from the log forms and logcdf / logsf from cdf / sf
    where not given (those are then exact wherever the cdf / sf is representable)."""
    if "logpdf" in fns and "pdf" not in fns:
        logpdf = fns["logpdf"]
        fns["pdf"] = lambda *a, **k: fnp.exp(logpdf(*a, **k))
    if "logpmf" in fns and "pmf" not in fns:
        logpmf = fns["logpmf"]
        fns["pmf"] = lambda *a, **k: fnp.exp(logpmf(*a, **k))
    if "logpdf" in fns and "cdf" in fns and "sf" in fns:  # continuous: scipy's split at 1/2
        for lg, this, other in (("logcdf", "cdf", "sf"), ("logsf", "sf", "cdf")):
            if lg not in fns:
                fns[lg] = _log_prob(fns[this], fns[other])
    for lin, lg in (("cdf", "logcdf"), ("sf", "logsf")):
        if lin in fns and lg not in fns:
            fns[lg] = (lambda f: lambda *a, **k: fnp.log(f(*a, **k)))(fns[lin])
    valid = _VALID.get(name)
    named = [inspect.signature(f) for f in fns.values()]
    named = [sg for sg in named if all(p.kind != p.VAR_POSITIONAL for p in sg.parameters.values())]
    return types.SimpleNamespace(__name__=name, **{
        m: _returning_arrays(_checked(name, m, f, valid, named[0] if named else None))
        for m, f in fns.items()})


def _log_prob(f, g):
    """log f from f where f < 1/2, log1p(-g) from the complement g elsewhere (scipy's continuous
    logcdf / logsf, split at the median: log(cdf) rounds to 0 in the upper tail); each log on
    safe inputs, so the derivative of the branch not taken is 0, not 0 * inf."""
    def logf(*a, **k):
        p, q = f(*a, **k), g(*a, **k)
        low = p < 0.5
        return fnp.where(low, fnp.log(fnp.where(low, p, 0.5)), fnp.log1p(-fnp.where(low, 0.5, q)))
    return logf


def _checked(name, method, f, valid, ref_sig):
    """`f` with scipy's conventions at the edges: complex arguments refused (TypeError), and
    boolean ones where scipy refuses them (_NO_BOOL); NaN where a parameter is outside its
    domain (`valid`, from the distribution's parameters by name), where x - loc is NaN and, for
    ppf / isf, where the probability is outside [0, 1]; the support's ends (_SUPPORT) at q = 0
    and 1, and the cdf / sf family's limits (_AT_INF) at x - loc = -inf and inf."""
    sig = inspect.signature(f)
    if any(p.kind == p.VAR_POSITIONAL for p in sig.parameters.values()):
        sig = ref_sig  # pdf from logpdf, logcdf from cdf, ...: the distribution's parameters
    if sig is None:
        return f

    @functools.wraps(f)
    def g(*args: ArrayLike, **kwargs: ArrayLike) -> Array:
        for v in list(args) + list(kwargs.values()):
            if isinstance(v, complex) or getattr(getattr(v, "dtype", None), "kind", "") == "c":
                raise TypeError(f"scipy.stats.{name}.{method}: complex arguments are not "
                                f"supported, got {fnp.result_type(v).name} (scipy.stats refuses them "
                                "too). Fix: pass real values.")
        no_bool = _NO_BOOL.get(name, {})
        for param, methods in no_bool.items():
            if method in methods:
                _refuse_bool(name, method, param, sig, args, kwargs)
        out = f(*args, **kwargs)
        if valid is None and method not in ("ppf", "isf"):
            return out
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError:
            return out
        bound.apply_defaults()
        first, *rest = bound.arguments.items()
        params = dict(rest)
        ok = valid(**params) if valid is not None else True
        if method in ("ppf", "isf"):
            q = _f(first[1])
            ok = ok & (q >= 0) & (q <= 1)
            if name in _SUPPORT:  # q = 0 and 1: the support's ends, as scipy
                lo, hi = _SUPPORT[name](**params)
                loc, scale = _f(params.get("loc", 0.0)), _f(params.get("scale", 1.0))
                lo, hi = (lo, hi) if method == "ppf" else (hi, lo)
                out = fnp.where(q == 0, loc + scale * lo, fnp.where(q == 1, loc + scale * hi, out))
            return fnp.where(ok, out, np.nan)
        # scipy: NaN where the standardized point is NaN (x or loc NaN, inf - inf), and the
        # cdf / sf family at x - loc = -inf or inf the values there, whatever the parameters
        x = _f(first[1])
        xs = x - _f(params["loc"]) if "loc" in params else x
        ok = ok & ~fnp.isnan(xs)
        if "scale" in params:  # x - loc = +-inf with scale = inf: inf / inf, NaN (scipy's)
            ok = ok & ~(fnp.isinf(xs) & fnp.isinf(_f(params["scale"])))
        if method in _AT_INF:
            at_minus, at_plus = _AT_INF[method]
            out = fnp.where(xs == np.inf, at_plus, fnp.where(xs == -np.inf, at_minus, out))
        if method == "logcdf" and name in _UPPER:  # scipy: log 1 = 0 from the support's end on,
            beyond = (xs >= _UPPER[name](**params)) & ~fnp.isnan(xs)  # whatever the parameters
            return fnp.where(beyond, 0.0, fnp.where(ok, out, np.nan))
        return fnp.where(ok, out, np.nan)
    # the signature users see: the distribution's parameters, as ArrayLike, returning an Array
    params = [p.replace(annotation="bool" if isinstance(p.default, bool) else "ArrayLike")
              for p in sig.parameters.values()]
    g.__signature__ = sig.replace(parameters=params, return_annotation="Array")  # type: ignore[attr-defined]
    g.__annotations__ = {**{p.name: p.annotation for p in params}, "return": "Array"}
    return g


def _refuse_bool(name, method, param, sig, args, kwargs):
    """TypeError where `param` is boolean (scipy negates it, and numpy refuses `-` on bools)."""
    try:
        v = sig.bind(*args, **kwargs).arguments.get(param)
    except TypeError:
        return
    if isinstance(v, (bool, np.bool_)) or getattr(v, "dtype", None) == np.bool_:
        raise DtypeError(f"scipy.stats.{name}.{method}: a boolean {param} is not supported, got "
                         f"{get_aval(v).str_short()} (scipy.stats refuses it too). Fix: pass "
                         f"numbers, e.g. {param}.astype(float).")


# the (parameter: methods) where scipy.stats refuses a boolean parameter
_NO_BOOL = {
    "geom": {"p": {"logpmf", "cdf", "logcdf", "sf", "logsf"}},
    "nbinom": {"p": {"logpmf"}},
    "pareto": {"b": {"logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"}},
    "truncnorm": {"b": {"logpdf", "pdf", "ppf"}},
}


def _whole(v):
    v = _f(v)
    return fnp.equal(fnp.floor(v), v)


# the cdf / sf family's values at x = -inf and inf
_AT_INF = {"cdf": (0.0, 1.0), "logcdf": (-np.inf, 0.0), "sf": (1.0, 0.0), "logsf": (0.0, -np.inf)}
_INF = float("inf")

# the standardized support's ends of each continuous distribution with a ppf, from its parameters
_SUPPORT = {
    **{n: lambda **_: (-_INF, _INF) for n in ("norm", "t", "laplace", "logistic", "cauchy")},
    **{n: lambda **_: (0.0, _INF) for n in ("gamma", "chi2", "expon")},
    **{n: lambda **_: (0.0, 1.0) for n in ("beta", "uniform")},
    "pareto": lambda **_: (1.0, _INF),
    "truncnorm": lambda a, b, **_: _f(a, b),
}

# the upper end of a discrete support (of k - loc: loc + 1 rounds to loc at loc = 1e300), from
# its parameters
_UPPER = {"bernoulli": lambda p, loc: 1.0, "binom": lambda n, p, loc: _f(n),
          **{n: lambda **_: _INF for n in ("poisson", "geom", "nbinom")}}


# each distribution's parameter domain (scipy's _argcheck); outside it every function is NaN
_VALID = {
    "norm": lambda loc, scale: _f(scale) > 0,
    "t": lambda df, loc, scale: (_f(df) > 0) & (_f(scale) > 0),
    "gamma": lambda a, loc, scale: (_f(a) > 0) & (_f(scale) > 0),
    "chi2": lambda df, loc, scale: (_f(df) > 0) & (_f(scale) > 0),
    "beta": lambda a, b, loc, scale: (_f(a) > 0) & (_f(b) > 0) & (_f(scale) > 0),
    "poisson": lambda mu, loc: _f(mu) >= 0,
    "bernoulli": lambda p, loc: (_f(p) >= 0) & (_f(p) <= 1),
    "binom": lambda n, p, loc: (_f(n) >= 0) & _whole(n) & (_f(p) >= 0) & (_f(p) <= 1),
    "geom": lambda p, loc: (_f(p) > 0) & (_f(p) <= 1),
    "nbinom": lambda n, p, loc: (_f(n) > 0) & (_f(p) > 0) & (_f(p) <= 1),
    "uniform": lambda loc, scale: _f(scale) > 0,
    "laplace": lambda loc, scale: _f(scale) > 0,
    "logistic": lambda loc, scale: _f(scale) > 0,
    "cauchy": lambda loc, scale: _f(scale) > 0,
    "expon": lambda loc, scale: _f(scale) > 0,
    "pareto": lambda b, loc, scale: (_f(b) > 0) & (_f(scale) > 0),
    "vonmises": lambda kappa, loc, scale: (_f(kappa) >= 0) & (_f(scale) > 0),
    "truncnorm": lambda a, b, loc, scale: (_f(a) < _f(b)) & (_f(scale) > 0),
}


def _returning_arrays(f):
    """`f` with its concrete result as a fungrad.Array (the formulas mix numpy scalars with
    arrays, and numpy computes those as its own buffers, or returns an argument as it is)."""
    def g(*args, **kwargs):
        out = f(*args, **kwargs)
        return out if type(out) is Array or isinstance(out, Tracer) else as_array(out)
    g.__name__ = g.__qualname__ = getattr(f, "__name__", "f")
    g.__doc__ = f.__doc__
    g.__wrapped__ = f
    return g


def _where_support(cond, value, outside):
    return fnp.where(cond, value, outside)


def _log1mexp(x):
    """log(1 - e^x) for x <= 0, accurate near 0 and for very negative x."""
    near = x > -0.6931471805599453
    xa, xb = fnp.where(near, x, -1.0), fnp.where(near, -1.0, x)  # each branch on safe inputs
    return fnp.where(near, fnp.log(-fnp.expm1(xa)), fnp.log1p(-fnp.exp(xb)))


def _one_minus_exp(u):
    """1 - e^u for u <= 0: -expm1(u) near 0, 1 - e^u below -log 2, where expm1's derivative
    (from its value + 1) rounds (expon.cdf's at x = 30 was off by 2e-4, at 100 it was 0)."""
    near = u > -0.6931471805599453
    un, uf = fnp.where(near, u, -1.0), fnp.where(near, -1.0, u)
    return fnp.where(near, -fnp.expm1(un), 1.0 - fnp.exp(uf))


# ---- norm
def _norm_logpdf(x, loc=0.0, scale=1.0):
    z, s = _z(x, loc, scale)
    return -0.5 * z * z - fnp.log(s) - 0.5 * _LOG_2PI


norm = _ns(
    "norm", logpdf=_norm_logpdf,
    cdf=lambda x, loc=0.0, scale=1.0: sp.ndtr(_z(x, loc, scale)[0]),
    logcdf=lambda x, loc=0.0, scale=1.0: sp.log_ndtr(_z(x, loc, scale)[0]),
    sf=lambda x, loc=0.0, scale=1.0: sp.ndtr(-_z(x, loc, scale)[0]),
    logsf=lambda x, loc=0.0, scale=1.0: sp.log_ndtr(-_z(x, loc, scale)[0]),
    ppf=lambda q, loc=0.0, scale=1.0: _f(loc) + _f(scale) * sp.ndtri(_f(q)),
    isf=lambda q, loc=0.0, scale=1.0: _f(loc) - _f(scale) * sp.ndtri(_f(q)),
)


# ---- multivariate_normal
def _mvn_params(mean, cov):
    """scipy's dimension and parameters: the dimension is mean's size, else cov's side (1 for a
    scalar or vector cov); mean a vector of that length, cov a scalar (times the identity), a
    vector (the diagonal) or a square matrix of that side (ShapeError otherwise)."""
    cov = _f(1.0 if cov is None else cov)
    if mean is None:
        dim = fnp.shape(cov)[0] if fnp.ndim(cov) >= 2 else 1
        mean = fnp.zeros(dim)
    else:
        mean = _f(mean)
        dim = int(np.prod(fnp.shape(mean), dtype=int))
    if dim == 1:
        mean = fnp.reshape(mean, (1,))
        if fnp.size(cov) != 1:
            raise ShapeError(f"multivariate_normal: cov {get_aval(cov).str_short()} does not "
                             "match the dimension 1 (mean of length 1, or none and a scalar or "
                             "vector cov); pass a 1x1 cov, or a mean of cov's length")
        cov = fnp.reshape(cov, (1, 1))
    if fnp.ndim(mean) != 1 or fnp.shape(mean)[0] != dim:
        raise ShapeError(f"multivariate_normal: mean must be a vector (of length {dim}), got "
                         f"{get_aval(mean).str_short()}")
    if fnp.ndim(cov) == 0:
        cov = cov * fnp.eye(dim)
    elif fnp.ndim(cov) == 1 and fnp.shape(cov)[0] == dim:
        cov = cov[:, None] * fnp.eye(dim)
    elif fnp.ndim(cov) != 2 or fnp.shape(cov) != (dim, dim):
        raise ShapeError(f"multivariate_normal: cov must be a scalar, a vector of length {dim} "
                         f"or a {dim}x{dim} matrix (mean has length {dim}), got "
                         f"{get_aval(cov).str_short()}")
    return dim, mean, cov


def _mvn_check_cov(c):
    """scipy's checks of a concrete cov: finite (ValueError), no eigenvalue below -eps
    (ValueError: not positive semidefinite) and none in [-eps, eps] (numpy's LinAlgError, a
    ValueError: singular), eps = 1e6 float64-eps times the largest |eigenvalue|."""
    if not np.all(np.isfinite(c)):
        raise ValueError(f"multivariate_normal: cov must be finite, got {c.tolist()} (scipy "
                         "refuses infs and NaNs too)")
    ev = np.linalg.eigvalsh(c, UPLO="L")
    eps = 1e6 * np.finfo(np.float64).eps * np.max(np.abs(ev))
    if np.min(ev) < -eps:
        raise ValueError("multivariate_normal: cov must be symmetric positive semidefinite, its "
                         f"smallest eigenvalue is {np.min(ev)}")
    if np.any(ev <= eps):
        raise np.linalg.LinAlgError(
            "multivariate_normal: cov is singular (an eigenvalue at most 1e6 eps times the "
            f"largest, {np.min(ev)}); allow_singular=True is not supported")


def _mvn_logpdf(x, mean=None, cov=1.0, allow_singular=False):
    """log N(x; mean, cov) over the last axis of x, via the Cholesky factor of cov. As scipy, in
    one dimension a vector x holds that many points (one point otherwise), a scalar x is one
    point, and x's last axis must be the dimension (or 1, broadcast)."""
    if allow_singular:
        raise NotImplementedError("multivariate_normal: allow_singular=True is not supported")
    d, mean, cov = _mvn_params(mean, cov)
    # scipy reads cov's lower triangle (eigh(lower=True)): the upper one is its mirror
    cov = fnp.tril(cov) + fnp.swapaxes(fnp.tril(cov, -1), -1, -2)
    if not isinstance(cov, Tracer):
        _mvn_check_cov(np.asarray(cov))
    x = _f(x)
    if fnp.ndim(x) == 0:
        x = fnp.reshape(x, (1,))
    elif fnp.ndim(x) == 1 and d == 1:
        x = x[:, None]
    if fnp.shape(x)[-1] not in (1, d):
        raise ShapeError(f"multivariate_normal: the points x {get_aval(x).str_short()} do not "
                         f"match the dimension {d} of mean and cov (x's last axis must be {d})")
    L = fnp.linalg.cholesky(cov)
    r = x - mean
    lead = fnp.shape(r)[:-1]
    z = _solve_triangular(L, fnp.reshape(r, (-1, d)).T, lower=True)
    maha = fnp.reshape(fnp.sum(z * z, axis=0), lead)
    half_logdet = fnp.sum(fnp.log(fnp.diagonal(L, axis1=-2, axis2=-1)), axis=-1)
    return -0.5 * maha - half_logdet - 0.5 * d * _LOG_2PI


multivariate_normal = _ns("multivariate_normal", logpdf=_mvn_logpdf)


# ---- t
# beyond this df scipy's t (boost's) is the normal distribution: their difference is below the
# float64 resolution of the cdf there
_T_NORMAL_DF = 1.0 / np.finfo(np.float64).eps
_T_HILL_DF = 1e4  # from here on the cdf by Hill's normal transform (the incomplete beta's
# argument df / (df + z^2) rounds to 1 and loses its information)


def _log_poch_half(a):
    """log(Gamma(a + 1/2) / Gamma(a)) - log(a) / 2 for a > 0 (tends to 0 as a grows): from
    a = 30 on its asymptotic series (error below 1e-16), where the difference of gammaln's of
    size a log a would cancel away the digits (t's density at df = 1e8 lost 8 of them)."""
    big = a >= 30
    ab, ad = fnp.where(big, a, 30.0), fnp.where(big, 30.0, a)  # each form on safe inputs
    r = 1.0 / ab
    r2 = r * r
    series = r * (-1 / 8 + r2 * (1 / 192 + r2 * (-1 / 640 + r2 * (17 / 14336))))
    direct = sp.gammaln(ad + 0.5) - sp.gammaln(ad) - 0.5 * fnp.log(ad)
    return fnp.where(big, series, direct)


def _t_log_density_at_0(df):
    """log t.pdf(0, df) = log(Gamma((df+1)/2) / Gamma(df/2)) - log(df pi) / 2; the normal's at
    df = inf."""
    return _log_poch_half(df / 2) - 0.5 * _LOG_2PI


def _t_logpdf(x, df, loc=0.0, scale=1.0):
    z, s = _z(x, loc, scale)
    df = _f(df)
    inf = fnp.isinf(df)  # df = inf: the normal distribution, as scipy
    normal = -0.5 * z * z - fnp.log(s) - 0.5 * _LOG_2PI
    half0 = df / 2 == 0  # df = 5e-324: Gamma(df / 2) = inf, the density 0 (scipy's)
    df = fnp.where(inf | half0, 1.0, df)
    student = _t_log_density_at_0(df) - fnp.log(s) - (df + 1) / 2 * fnp.log1p(z * z / df)
    return fnp.where(inf, normal, fnp.where(half0, -np.inf, student))


def _t_lower_tail(a, df):
    """P(T <= -a) for a >= 0 and a finite df > 0, each form where it is well conditioned:
    a < 1 and a^2 < df (mass near 1/2): 1/2 - I(1/2, df/2, a^2 / (df + a^2)) / 2, the central
    mass from an argument that does not round to 1; elsewhere I(df/2, 1/2, df / (df + a^2)) / 2;
    df >= 1e4 (where that argument rounds to 1): Hill's normal transform (CACM algorithm 395),
    the normal tail of y(a, df), its error below 1e-15 there."""
    hill = df >= _T_HILL_DF
    center = (a < 1) & (a * a < df) & ~hill
    dfs = fnp.where(hill, 2.0, df)
    ac = fnp.where(center, a, 0.5)
    u = ac * ac / (dfs + ac * ac)
    p_center = 0.5 - 0.5 * sp.betainc(0.5, dfs / 2, u)
    at = fnp.where(center | hill, 2.0, a)
    p_tail = 0.5 * sp.betainc(dfs / 2, 0.5, dfs / (dfs + at * at))
    # Hill: w = (df - 1/2) log1p(a^2 / df), y = sqrt(w) (1 + (w + 3 + c(w)) / (48 (df - 1/2)^2))
    ah = fnp.minimum(fnp.where(hill, a, 1.0), 1e150)  # (a^2 finite; the tail is 0 long before)
    dh = fnp.where(hill, df, _T_HILL_DF)
    m = dh - 0.5
    p_hill = sp.ndtr(-_hill_factor(m * fnp.log1p(ah * ah / dh), m) * fnp.sqrt(m * fnp.log1p(
        ah * ah / dh)))
    return fnp.where(hill, p_hill, fnp.where(center, p_center, p_tail))


def _hill_factor(w, m):
    """Hill's y / sqrt(w) for w = m log1p(a^2 / df), m = df - 1/2 (1 + O(1 / m^2))."""
    b = 48.0 * m * m
    c = (((-0.4 * w - 3.3) * w - 24.0) * w - 85.5) / (0.8 * w * w + 100.0 + b)
    return (c + w + 3.0) / b + 1.0


def _t_cdf_of(z, df):
    """P(T <= z). The normal's where df > 2^52 (df = inf included), as scipy; for a tiny z
    (z^2 < 1e-12 df / (df + 1), the cubic term below the resolution) 1/2 + z t.pdf(0, df), so
    the derivative at 0 is the density (the incomplete beta forms' is inf * 0 there)."""
    normal = df > _T_NORMAL_DF
    half0 = df / 2 == 0  # df = 5e-324: the limit df -> 0, 1/2 (scipy's), not betainc(0, ...)
    dfs = fnp.where(normal | half0, 1.0, df)
    tiny = (z * z < 1e-12 * dfs / (dfs + 1.0)) | half0
    zt = fnp.where(tiny, z, 0.0)
    linear = 0.5 + zt * fnp.where(half0, 0.0, fnp.exp(_t_log_density_at_0(dfs)))
    a = fnp.where(tiny | normal, 1.0, fnp.abs(z))
    p = _t_lower_tail(a, dfs)
    student = fnp.where(z < 0, p, 1.0 - p)
    return fnp.where(normal, sp.ndtr(z), fnp.where(tiny, linear, student))


def _t_cdf(x, df, loc=0.0, scale=1.0):
    z, _ = _z(x, loc, scale)
    return _t_cdf_of(z, _f(df))


def _t_sf(x, df, loc=0.0, scale=1.0):
    z, _ = _z(x, loc, scale)
    return _t_cdf_of(-z, _f(df))


def _t_ppf(q, df, loc=0.0, scale=1.0):
    """The quantile of the lower half, mirrored: the normal's beyond df = 2^52 (as scipy); from
    df = 1e4 Hill's transform inverted (y = -ndtri(q), w by the fixed point w = (y / factor(w))^2,
    the factor 1 + O(1 / df^2), then z = sqrt(df expm1(w / m))); below, the incomplete beta's
    inverse x, z = sqrt(df (1 - x) / x), and where x is below 1e-100 (it underflows in the far
    tail) its leading term x^a / (a B(a, 1/2)) inverted in the log domain. The median 0 exact."""
    q, df = _f(q, df)
    normal = df > _T_NORMAL_DF  # df = inf included
    hill = (df >= _T_HILL_DF) & ~normal
    dfs = fnp.where(normal | hill, 1.0, df)
    lower = fnp.minimum(q, 1.0 - q)
    a = dfs / 2
    x = sp.betaincinv(a, 0.5, 2 * lower)
    small = x < 1e-100
    xs = fnp.where(small, 0.5, x)
    z_beta = fnp.sqrt(dfs * (1.0 - xs) / xs)
    # I(a, 1/2, x) ~ x^a / (a B(a, 1/2)): log x = (log(2 lower) + log a + betaln(a, 1/2)) / a
    ls = fnp.where(small, 2 * lower, 0.5)
    log_x = (fnp.log(ls) + fnp.log(a) + sp.betaln(a, 0.5)) / a
    z_small = fnp.exp(0.5 * (fnp.log(dfs) - log_x))
    # Hill's transform inverted
    dh = fnp.where(hill, df, _T_HILL_DF)
    m = dh - 0.5
    y = -sp.ndtri(fnp.where(hill, lower, 0.25))
    w = y * y
    for _ in range(3):  # contracts by O(1 / df^2) per step
        w = (y / _hill_factor(w, m)) ** 2
    z_hill = fnp.sqrt(dh * fnp.expm1(w / m))
    z = fnp.where(hill, z_hill, fnp.where(small, z_small, z_beta))
    z = fnp.where(q == 0.5, 0.0, fnp.where(q < 0.5, -z, z))
    return _f(loc) + _f(scale) * fnp.where(normal, sp.ndtri(q), z)


t = _ns("t", logpdf=_t_logpdf, cdf=_t_cdf, sf=_t_sf, ppf=_t_ppf)


# ---- gamma and chi2
def _gamma_logpdf(x, a, loc=0.0, scale=1.0):
    z, s = _z(x, loc, scale)
    a = _f(a)
    pos = z >= 0
    zs = fnp.where(pos, z, 1.0)
    val = sp.xlogy(a - 1.0, zs) - zs - sp.gammaln(a) - fnp.log(s)
    return fnp.where(pos, val, -np.inf)


def _gamma_cdf(x, a, loc=0.0, scale=1.0):
    """Exactly 0 up to the support's start (gammainc(0, 0), at chi2's df = 5e-324, is NaN)."""
    z, _ = _z(x, loc, scale)
    pos = z > 0
    return fnp.where(pos, sp.gammainc(a, fnp.where(pos, z, 1.0)), 0.0)


def _gamma_sf(x, a, loc=0.0, scale=1.0):
    z, _ = _z(x, loc, scale)
    pos = z > 0
    return fnp.where(pos, sp.gammaincc(a, fnp.where(pos, z, 1.0)), 1.0)


gamma = _ns("gamma", logpdf=_gamma_logpdf, cdf=_gamma_cdf, sf=_gamma_sf,
            ppf=lambda q, a, loc=0.0, scale=1.0: _f(loc) + _f(scale) * sp.gammaincinv(*_f(a, q)))


def _chi2_logpdf(x, df, loc=0.0, scale=1.0):
    """(df/2 - 1) log z - z/2 - gammaln(df/2) - df/2 log 2 in z itself (not gamma's in z / 2):
    at df = inf scipy's NaN from z = 1 on (inf * log 1, inf - inf), -inf below."""
    z, s = _z(x, loc, scale)
    df = _f(df)
    pos = z >= 0
    zs = fnp.where(pos, z, 1.0)
    val = sp.xlogy(df / 2 - 1.0, zs) - zs / 2 - sp.gammaln(df / 2) - df / 2 * np.log(2.0)
    return fnp.where(pos, val - fnp.log(s), -np.inf)


chi2 = _ns(
    "chi2",
    logpdf=_chi2_logpdf,
    cdf=lambda x, df, loc=0.0, scale=1.0: _gamma_cdf(x, _f(df) / 2, loc, _f(scale) * 2),
    sf=lambda x, df, loc=0.0, scale=1.0: _gamma_sf(x, _f(df) / 2, loc, _f(scale) * 2),
    ppf=lambda q, df, loc=0.0, scale=1.0: _f(loc) + 2 * _f(scale) * sp.gammaincinv(_f(df) / 2, q),
)


# ---- beta
def _beta_logpdf(x, a, b, loc=0.0, scale=1.0):
    z, s = _z(x, loc, scale)
    a, b = _f(a, b)
    inside = (z >= 0) & (z <= 1)
    zs = fnp.where(inside, z, 0.5)
    val = sp.xlogy(a - 1.0, zs) + sp.xlog1py(b - 1.0, -zs) - sp.betaln(a, b) - fnp.log(s)
    return fnp.where(inside, val, -np.inf)


def _beta_cdf(x, a, b, loc=0.0, scale=1.0):
    """Outside (0, 1) exactly 0 or 1, whatever a and b (infinite ones included), as scipy; the
    incomplete beta function only on points inside (its derivative at the ends is not finite)."""
    z, _ = _z(x, loc, scale)
    inside = (z > 0) & (z < 1)
    return fnp.where(inside, sp.betainc(a, b, fnp.where(inside, z, 0.5)),
                     fnp.where(z <= 0, 0.0, 1.0))


def _beta_sf(x, a, b, loc=0.0, scale=1.0):
    """1 - cdf where the cdf is below 1/2 (z as it is; I(b, a, 1 - z) takes the rounded 1 - z,
    its derivative at z = 1e-9 off by 1e-8), I(b, a, 1 - z) above."""
    z, _ = _z(x, loc, scale)
    inside = (z > 0) & (z < 1)
    zs = fnp.where(inside, z, 0.5)
    cdf = sp.betainc(a, b, zs)
    low = cdf < 0.5
    val = fnp.where(low, 1.0 - cdf, sp.betainc(b, a, 1.0 - fnp.where(low, 0.5, zs)))
    return fnp.where(inside, val, fnp.where(z <= 0, 1.0, 0.0))


beta = _ns("beta", logpdf=_beta_logpdf, cdf=_beta_cdf, sf=_beta_sf,
           ppf=lambda q, a, b, loc=0.0, scale=1.0: _f(loc) + _f(scale) * sp.betaincinv(*_f(a, b, q)))


# ---- dirichlet
def _dirichlet_logpdf(x, alpha):
    """log Dir(x; alpha) over the first axis of x (scipy's layout: components first; x may
    leave out the last component, 1 - the sum of the others, as scipy). Concrete arguments are
    checked as scipy checks them (ValueError): alpha one dimensional with its minimum above 0; x
    with K or K - 1 components, its entries in [0, 1], 0 only where alpha >= 1, each point
    summing to 1 within 1e-9 (a NaN passes every check, as in scipy's min / max comparisons,
    and gives NaN)."""
    x, alpha = _f(x, alpha)
    if not isinstance(alpha, Tracer):
        if np.ndim(alpha) != 1:
            raise ValueError(f"dirichlet: the parameter vector alpha must be one dimensional, got "
                             f"shape {np.shape(alpha)}")
        if np.size(alpha) and np.min(np.asarray(alpha)) <= 0:
            raise ValueError("dirichlet: all parameters (alpha) must be greater than 0, got "
                             f"{np.asarray(alpha)}")
    k = fnp.shape(alpha)[0]
    if fnp.ndim(x) == 0 or fnp.shape(x)[0] not in (k, k - 1):
        raise ShapeError(f"dirichlet: x {get_aval(x).str_short()} must have as many components "
                         f"(its first axis) as alpha {get_aval(alpha).str_short()}, or one fewer")
    if fnp.shape(x)[0] == k - 1:  # the last component, 1 - the others' sum
        if fnp.ndim(x) > 2:
            raise ShapeError(f"dirichlet: x {get_aval(x).str_short()} with one component fewer "
                             "than alpha must be one or two dimensional (scipy's rule)")
        x = fnp.concatenate([x, 1.0 - fnp.sum(x, axis=0, keepdims=True)], axis=0)
    a = alpha if fnp.ndim(x) == 1 else fnp.reshape(alpha, (-1,) + (1,) * (fnp.ndim(x) - 1))
    if not isinstance(x, Tracer) and not isinstance(alpha, Tracer):
        xv, av = np.asarray(x), np.asarray(a)
        if np.min(xv) < 0:
            raise ValueError("dirichlet: each entry of x must be greater than or equal to zero, "
                             f"got a minimum of {np.min(xv)}")
        if np.max(xv) > 1:
            raise ValueError("dirichlet: each entry of x must be at most 1, got a maximum of "
                             f"{np.max(xv)}")
        if np.any((xv == 0) & (av < 1)):
            raise ValueError("dirichlet: an entry of x is 0 where its alpha is below 1 (the "
                             "density is infinite there; scipy refuses it)")
        total = np.sum(xv, axis=0)
        if np.any(np.abs(total - 1.0) > 1e-9):
            raise ValueError("dirichlet: each point x must lie on the simplex (its components "
                             f"summing to 1 within 1e-9), got sums {total}")
    norm_ = fnp.sum(sp.gammaln(alpha)) - sp.gammaln(fnp.sum(alpha))
    return fnp.sum(sp.xlogy(a - 1.0, x), axis=0) - norm_


dirichlet = _ns("dirichlet", logpdf=_dirichlet_logpdf)


# ---- discrete distributions
def _k(k, loc):
    k, loc = _f(k, loc)
    return k - loc


def _is_int(k):
    return fnp.equal(fnp.floor(k), k)


def _poisson_logpmf(k, mu, loc=0.0):
    k = _k(k, loc)
    mu = _f(mu)
    ok = (k >= 0) & _is_int(k)
    ks = fnp.where(ok, k, 0.0)
    return fnp.where(ok, sp.xlogy(ks, mu) - sp.gammaln(ks + 1) - mu, -np.inf)


def _poisson_cdf(k, mu, loc=0.0):
    k = fnp.floor(_k(k, loc))
    mu = _f(mu)
    ok = k >= 0
    return fnp.where(ok, sp.gammaincc(fnp.where(ok, k, 0.0) + 1, mu), 0.0)


def _poisson_sf(k, mu, loc=0.0):
    k = fnp.floor(_k(k, loc))
    mu = _f(mu)
    ok = k >= 0
    return fnp.where(ok, sp.gammainc(fnp.where(ok, k, 0.0) + 1, mu), 1.0)


poisson = _ns("poisson", logpmf=_poisson_logpmf, cdf=_poisson_cdf, sf=_poisson_sf,
              logcdf=lambda k, mu, loc=0.0: fnp.log(_poisson_cdf(k, mu, loc)))


def _bernoulli_logpmf(k, p, loc=0.0):
    k = _k(k, loc)
    p = _f(p)
    ok = (k == 0) | (k == 1)
    return fnp.where(ok, sp.xlogy(k, p) + sp.xlog1py(1.0 - k, -p), -np.inf)


def _bernoulli_cdf(k, p, loc=0.0):
    k = _k(k, loc)
    p = _f(p)
    return fnp.where(k < 0, 0.0, fnp.where(k < 1, 1.0 - p, 1.0))


def _bernoulli_sf(k, p, loc=0.0):
    """p itself on [0, 1) (1 - (1 - p) lost p's digits below 1e-16)."""
    k = _k(k, loc)
    p = _f(p)
    return fnp.where(k < 0, 1.0, fnp.where(k < 1, p, 0.0))


bernoulli = _ns("bernoulli", logpmf=_bernoulli_logpmf, cdf=_bernoulli_cdf, sf=_bernoulli_sf)


def _binom_logpmf(k, n, p, loc=0.0):
    """log C(n, k) from gammaln's up to n = 1000 (exact 0 at k = 0 and n); beyond as
    -log(n + 1) - betaln(n - k + 1, k + 1) (0 at k = 0): no gammaln's of size n log n to cancel
    (pmf(1, 1e10, 1e-10) lost 6 digits)."""
    k = _k(k, loc)
    n, p = _f(n, p)
    ok = (k >= 0) & (k <= n) & _is_int(k)
    ks = fnp.where(ok, k, 0.0)
    small = n <= 1000
    nsm, nbg = fnp.where(small, n, 1000.0), fnp.where(small, 2000.0, n)
    ksm, kbg = fnp.where(small, ks, 0.0), fnp.where(small, 1.0, ks)
    by_gammaln = sp.gammaln(nsm + 1) - sp.gammaln(ksm + 1) - sp.gammaln(nsm - ksm + 1)
    by_betaln = fnp.where(kbg == 0, 0.0, -fnp.log1p(nbg) - sp.betaln(nbg - kbg + 1, kbg + 1))
    logcomb = fnp.where(small, by_gammaln, by_betaln)
    val = fnp.where(fnp.isinf(n), np.nan, logcomb + sp.xlogy(ks, p) + sp.xlog1py(n - ks, -p))
    return fnp.where(ok, val, -np.inf)  # (NaN at n = inf inside the support, as scipy)


def _binom_parts(k, n, p, loc):
    """(k, n, the cdf and the sf inside the support). The sf I_p(k + 1, n - k) takes p as it
    is; the cdf is 1 - sf where that is at least 0.1 (I_{1 - p}(n - k, k + 1) takes the rounded
    1 - p, whose error is n eps in the cdf for a small p). NaN at n = inf, as scipy."""
    k = fnp.floor(_k(k, loc))
    n, p = _f(n, p)
    mid = (k >= 0) & (k < n) & fnp.isfinite(n)
    ks, ns = fnp.where(mid, k, 0.0), fnp.where(mid, n, 1.0)
    sf = sp.betainc(ks + 1, ns - ks, p)
    cdf = fnp.where((p < 0.5) & (sf <= 0.9), 1.0 - sf, sp.betainc(ns - ks, ks + 1, 1.0 - p))
    inf = fnp.isinf(n) & (k >= 0)
    return k, n, fnp.where(inf, np.nan, cdf), fnp.where(inf, np.nan, sf)


def _binom_cdf(k, n, p, loc=0.0):
    k, n, cdf, _ = _binom_parts(k, n, p, loc)
    return fnp.where(k < 0, 0.0, fnp.where(k >= n, 1.0, cdf))


def _binom_sf(k, n, p, loc=0.0):
    k, n, _, sf = _binom_parts(k, n, p, loc)
    return fnp.where(k < 0, 1.0, fnp.where(k >= n, 0.0, sf))


binom = _ns("binom", logpmf=_binom_logpmf, cdf=_binom_cdf, sf=_binom_sf,
            logcdf=lambda k, n, p, loc=0.0: fnp.log(_binom_cdf(k, n, p, loc)))


def _geom_logpmf(k, p, loc=0.0):
    k = _k(k, loc)
    p = _f(p)
    ok = (k >= 1) & _is_int(k)
    ks = fnp.where(ok, k, 1.0)
    return fnp.where(ok, sp.xlog1py(ks - 1.0, -p) + fnp.log(p), -np.inf)


def _geom_logsf(k, p, loc=0.0):
    k = fnp.floor(_k(k, loc))
    p = _f(p)
    return fnp.where(k < 1, 0.0, fnp.maximum(k, 1.0) * fnp.log1p(-p))


geom = _ns("geom", logpmf=_geom_logpmf, logsf=_geom_logsf,
           sf=lambda k, p, loc=0.0: fnp.exp(_geom_logsf(k, p, loc)),
           cdf=lambda k, p, loc=0.0: _one_minus_exp(_geom_logsf(k, p, loc)),
           logcdf=lambda k, p, loc=0.0: _log1mexp(_geom_logsf(k, p, loc)))


def _nbinom_logpmf(k, n, p, loc=0.0):
    k = _k(k, loc)
    n, p = _f(n, p)
    ok = (k >= 0) & _is_int(k)
    ks = fnp.where(ok, k, 0.0)
    val = (sp.gammaln(n + ks) - sp.gammaln(ks + 1) - sp.gammaln(n) + n * fnp.log(p)
           + sp.xlog1py(ks, -p))
    return fnp.where(ok, val, -np.inf)


def _nbinom_cdf(k, n, p, loc=0.0):
    k = fnp.floor(_k(k, loc))
    n, p = _f(n, p)
    ok = k >= 0
    val = sp.betainc(n, fnp.where(ok, k, 0.0) + 1, p)  # NaN at n = inf inside the support, as
    return fnp.where(ok, fnp.where(fnp.isinf(n), np.nan, val), 0.0)  # scipy (not the limit 0)


def _nbinom_sf(k, n, p, loc=0.0):
    """1 - cdf where the cdf is below 1/2, I_{1 - p}(k + 1, n) above (1 - cdf is 0 there for
    a tiny n)."""
    cdf = _nbinom_cdf(k, n, p, loc)
    k = fnp.floor(_k(k, loc))
    n, p = _f(n, p)
    hi = (cdf > 0.5) & (k >= 0)
    ks = fnp.where(hi, k, 0.0)
    return fnp.where(hi, sp.betainc(ks + 1, n, 1.0 - p), 1.0 - cdf)


def _nbinom_logcdf(k, n, p, loc=0.0):
    """log cdf below 1/2, log1p(-sf) above (scipy's: log 1 would be 0)."""
    cdf, sf = _nbinom_cdf(k, n, p, loc), _nbinom_sf(k, n, p, loc)
    hi = cdf > 0.5
    return fnp.where(hi, fnp.log1p(-fnp.where(hi, sf, 0.5)), fnp.log(fnp.where(hi, 0.5, cdf)))


nbinom = _ns("nbinom", logpmf=_nbinom_logpmf, cdf=_nbinom_cdf, sf=_nbinom_sf,
             logcdf=_nbinom_logcdf)


# ---- continuous location-scale families
def _uniform_logpdf(x, loc=0.0, scale=1.0):
    z, s = _z(x, loc, scale)
    return fnp.where((z >= 0) & (z <= 1), 0.0 - fnp.log(s), -np.inf)  # +0 (not -0) at s = 1


def _uniform_cdf(x, loc=0.0, scale=1.0):
    return fnp.clip(_z(x, loc, scale)[0], 0.0, 1.0)


uniform = _ns("uniform", logpdf=_uniform_logpdf, cdf=_uniform_cdf,
              sf=lambda x, loc=0.0, scale=1.0: 1.0 - _uniform_cdf(x, loc, scale),
              logcdf=lambda x, loc=0.0, scale=1.0: fnp.log(_uniform_cdf(x, loc, scale)),
              ppf=lambda q, loc=0.0, scale=1.0: _f(loc) + _f(scale) * _f(q))


def _laplace_logcdf(x, loc=0.0, scale=1.0):
    z, _ = _z(x, loc, scale)
    neg = z < 0
    zn, zp = fnp.where(neg, z, 0.0), fnp.where(neg, 0.0, z)
    return fnp.where(neg, zn - np.log(2.0), fnp.log1p(-0.5 * fnp.exp(-zp)))


def _laplace_std_ppf(q):
    low = q < 0.5
    ql, qh = fnp.where(low, q, 0.25), fnp.where(low, 0.75, q)
    return fnp.where(low, fnp.log(2 * ql), -fnp.log(2 - 2 * qh))


laplace = _ns(
    "laplace",
    logpdf=lambda x, loc=0.0, scale=1.0: -fnp.abs(_z(x, loc, scale)[0]) - fnp.log(
        2 * _z(x, loc, scale)[1]),
    logcdf=_laplace_logcdf,
    cdf=lambda x, loc=0.0, scale=1.0: fnp.exp(_laplace_logcdf(x, loc, scale)),
    logsf=lambda x, loc=0.0, scale=1.0: _laplace_logcdf(2 * _f(loc) - _f(x), loc, scale),
    sf=lambda x, loc=0.0, scale=1.0: fnp.exp(_laplace_logcdf(2 * _f(loc) - _f(x), loc, scale)),
    ppf=lambda q, loc=0.0, scale=1.0: _f(loc) + _f(scale) * _laplace_std_ppf(_f(q)),
)


def _logistic_logpdf(x, loc=0.0, scale=1.0):
    z, s = _z(x, loc, scale)
    a = fnp.abs(z)
    return -a - 2 * fnp.log1p(fnp.exp(-a)) - fnp.log(s)


def _logistic_cdf(z):
    """expit(z), as 1 - expit(-z) above 0: expit's derivative e(1 - e) rounds there."""
    pos = z > 0
    return fnp.where(pos, 1.0 - sp.expit(-z), sp.expit(z))


logistic = _ns(
    "logistic", logpdf=_logistic_logpdf,
    cdf=lambda x, loc=0.0, scale=1.0: _logistic_cdf(_z(x, loc, scale)[0]),
    logcdf=lambda x, loc=0.0, scale=1.0: sp.log_expit(_z(x, loc, scale)[0]),
    sf=lambda x, loc=0.0, scale=1.0: _logistic_cdf(-_z(x, loc, scale)[0]),
    logsf=lambda x, loc=0.0, scale=1.0: sp.log_expit(-_z(x, loc, scale)[0]),
    ppf=lambda q, loc=0.0, scale=1.0: _f(loc) + _f(scale) * sp.logit(_f(q)),
)


def _cauchy_logpdf(x, loc=0.0, scale=1.0):
    """log1p(z^2) as 2 log|z| + log1p(1 / z^2) from |z| = 1 on (z^2 overflows beyond 1e154)."""
    z, s = _z(x, loc, scale)
    a = fnp.abs(z)
    big = a >= 1
    ab, asm = fnp.where(big, a, 1.0), fnp.where(big, 0.0, a)
    r = 1.0 / ab
    log1p_z2 = fnp.where(big, 2 * fnp.log(ab) + fnp.log1p(r * r), fnp.log1p(asm * asm))
    return -_LOG_PI - fnp.log(s) - log1p_z2


def _cauchy_std_ppf(q):
    """tan(pi (q - 1/2)) in the middle half; -1 / tan(pi q) and 1 / tan(pi (1 - q)) in the tails,
    where q - 1/2 rounds (ppf(1e-300) is -3.2e299, not tan's -1.6e16)."""
    lo, hi = q < 0.25, q > 0.75
    qm = fnp.where(lo | hi, 0.5, q)
    ql, qh = fnp.where(lo, q, 0.25), fnp.where(hi, q, 0.75)
    return fnp.where(lo, -1.0 / fnp.tan(np.pi * ql),
                     fnp.where(hi, 1.0 / fnp.tan(np.pi * (1.0 - qh)), fnp.tan(np.pi * (qm - 0.5))))


def _cauchy_sf(x, loc=0.0, scale=1.0):
    # atan2(1, z) / pi: accurate in the upper tail (no 1/2 - 1/2 cancellation)
    z, _ = _z(x, loc, scale)
    return fnp.arctan2(fnp.ones_like(z), z) / np.pi


cauchy = _ns(
    "cauchy", logpdf=_cauchy_logpdf, sf=_cauchy_sf,
    cdf=lambda x, loc=0.0, scale=1.0: _cauchy_sf(2 * _f(loc) - _f(x), loc, scale),
    ppf=lambda q, loc=0.0, scale=1.0: _f(loc) + _f(scale) * _cauchy_std_ppf(_f(q)),
)


def _expon_logpdf(x, loc=0.0, scale=1.0):
    z, s = _z(x, loc, scale)
    return fnp.where(z >= 0, -z - fnp.log(s), -np.inf)


def _expon_logsf(x, loc=0.0, scale=1.0):
    z, _ = _z(x, loc, scale)
    return -fnp.maximum(z, 0.0)


expon = _ns(
    "expon", logpdf=_expon_logpdf, logsf=_expon_logsf,
    sf=lambda x, loc=0.0, scale=1.0: fnp.exp(_expon_logsf(x, loc, scale)),
    cdf=lambda x, loc=0.0, scale=1.0: _one_minus_exp(_expon_logsf(x, loc, scale)),
    logcdf=lambda x, loc=0.0, scale=1.0: _log1mexp(_expon_logsf(x, loc, scale)),
    ppf=lambda q, loc=0.0, scale=1.0: _f(loc) - _f(scale) * fnp.log1p(-_f(q)),
)


def _pareto_logpdf(x, b, loc=0.0, scale=1.0):
    z, s = _z(x, loc, scale)
    b = _f(b)
    ok = z >= 1
    lz = fnp.log(fnp.where(ok, z, 1.0))
    # (b + 1) log z is 0 at z = 1 for b = inf too (scipy's b z^(-b-1) = inf there, not NaN)
    b1 = fnp.where(fnp.isinf(b) & (lz == 0), 0.0, b + 1)
    return fnp.where(ok, fnp.log(b) - b1 * lz - fnp.log(s), -np.inf)


def _pareto_logsf(x, b, loc=0.0, scale=1.0):
    """-b log z above the support's start (z = 1), exactly 0 up to it (b = inf included)."""
    z, _ = _z(x, loc, scale)
    above = z > 1
    return fnp.where(above, -_f(b) * fnp.log(fnp.where(above, z, 2.0)), 0.0)


pareto = _ns(
    "pareto", logpdf=_pareto_logpdf, logsf=_pareto_logsf,
    sf=lambda x, b, loc=0.0, scale=1.0: fnp.exp(_pareto_logsf(x, b, loc, scale)),
    cdf=lambda x, b, loc=0.0, scale=1.0: _one_minus_exp(_pareto_logsf(x, b, loc, scale)),
    logcdf=lambda x, b, loc=0.0, scale=1.0: _log1mexp(_pareto_logsf(x, b, loc, scale)),
    ppf=lambda q, b, loc=0.0, scale=1.0: _f(loc) + _f(scale) * fnp.exp(
        -fnp.log1p(-_f(q)) / _f(b)),
)


def _vonmises_logpdf(x, kappa, loc=0.0, scale=1.0):
    """kappa cos(z) - log(2 pi I0(kappa)), with I0 scaled (i0e) so large kappa cannot overflow;
    (scipy's support is all reals, the density 2 pi periodic)."""
    z, s = _z(x, loc, scale)
    kappa = _f(kappa)
    half = fnp.sin(z / 2)  # cos z - 1 = -2 sin^2(z / 2): no rounding of cos z to 1 near 0
    return -2 * kappa * half * half - fnp.log(2 * np.pi * sp.i0e(kappa)) - fnp.log(s)


vonmises = _ns("vonmises", logpdf=_vonmises_logpdf)


# ---- truncnorm: the standard normal restricted to [a, b] (in z units), then loc/scale
def _log_ndtr_diff(hi, lo):
    """log(Phi(hi) - Phi(lo)) for hi > lo, using the upper tail where lo > 0; -inf where even
    Phi(hi) underflows (hi = -1e300, not -inf - -inf); for a short interval
    (h = hi - lo, h max(1, |m|) < 1e-2 about the midpoint m) log(h phi(m)) plus the log of the
    next two terms of phi's mean over it, where the two log_ndtr's agree to most of their digits
    (at m = -30 and h = 1e-4 their difference kept 1e-12 of them)."""
    upper = lo > 0
    la, lb = sp.log_ndtr(fnp.where(upper, -lo, hi)), sp.log_ndtr(fnp.where(upper, -hi, lo))
    dead = la == -np.inf
    h, m = hi - lo, 0.5 * (hi + lo)
    short = fnp.isfinite(h) & (h * fnp.maximum(1.0, fnp.abs(m)) < 1e-2)
    wide = la + _log1mexp(fnp.where(dead | short, -1.0, lb - la))
    hs, ms = fnp.where(short, h, 1.0), fnp.where(short, m, 0.0)
    h2, m2 = hs * hs, ms * ms  # the mean of phi over the interval: phi(m) (1 + h^2 He2(m) / 24
    near = (fnp.log(hs) - 0.5 * m2 - 0.5 * _LOG_2PI  # + h^4 He4(m) / 1920 + O((h m)^6))
            + fnp.log1p(h2 * (m2 - 1.0) / 24 + h2 * h2 * ((m2 - 6.0) * m2 + 3.0) / 1920))
    return fnp.where(short, near, fnp.where(dead, -np.inf, wide))


def _truncnorm_logpdf(x, a, b, loc=0.0, scale=1.0):
    z, s = _z(x, loc, scale)
    a, b = _f(a, b)
    inside = (z >= a) & (z <= b)
    return fnp.where(inside, -0.5 * z * z - 0.5 * _LOG_2PI - _log_ndtr_diff(b, a) - fnp.log(s),
                     -np.inf)


def _truncnorm_direct(x, a, b, loc, scale):
    """log P(Z <= z) and log P(Z > z) each from its own difference of normal CDFs."""
    z, _ = _z(x, loc, scale)
    a, b = _f(a, b)
    zc = fnp.clip(z, a, b)
    inner = fnp.where(zc > a, zc, a + 1.0)  # avoid log(0) inside where
    total = _log_ndtr_diff(b, a)
    lc = fnp.where(z <= a, -np.inf, fnp.where(z >= b, 0.0, _log_ndtr_diff(inner, a) - total))
    inner = fnp.where(zc < b, zc, b - 1.0)
    ls = fnp.where(z >= b, -np.inf, fnp.where(z <= a, 0.0, _log_ndtr_diff(b, inner) - total))
    return lc, ls


def _truncnorm_logcdf(x, a, b, loc=0.0, scale=1.0):
    """The direct form below 1/2, log(1 - sf) above (log 1 - 1e-23 is not 0)."""
    lc, ls = _truncnorm_direct(x, a, b, loc, scale)
    low = lc < -np.log(2.0)
    return fnp.where(low, lc, _log1mexp(fnp.where(low, -1.0, ls)))


def _truncnorm_logsf(x, a, b, loc=0.0, scale=1.0):
    lc, ls = _truncnorm_direct(x, a, b, loc, scale)
    low = ls < -np.log(2.0)
    return fnp.where(low, ls, _log1mexp(fnp.where(low, -1.0, lc)))


def _truncnorm_ppf(q, a, b, loc=0.0, scale=1.0):
    q, a, b = _f(q, a, b)
    # lower half of the support: invert from Phi(a) up; a > 0: invert the upper tail instead
    pa, pb = sp.ndtr(a), sp.ndtr(b)
    sa, sb = sp.ndtr(-a), sp.ndtr(-b)
    lowz = sp.ndtri(pa + q * (pb - pa))
    highz = -sp.ndtri(sa - q * (sa - sb))
    return _f(loc) + _f(scale) * fnp.where(a > 0, highz, lowz)


truncnorm = _ns(
    "truncnorm", logpdf=_truncnorm_logpdf, logcdf=_truncnorm_logcdf, logsf=_truncnorm_logsf,
    cdf=lambda x, a, b, loc=0.0, scale=1.0: fnp.exp(_truncnorm_logcdf(x, a, b, loc, scale)),
    sf=lambda x, a, b, loc=0.0, scale=1.0: fnp.exp(_truncnorm_logsf(x, a, b, loc, scale)),
    ppf=_truncnorm_ppf,
)

del _where_support

# a `>>>` example for each distribution's functions (tests/test_doctests.py runs them), appended
# to their docstrings as fungrad.numpy's _EXAMPLES tables are
_EXAMPLES = {
    "bernoulli.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.bernoulli.cdf(np.array([0, 1]), 0.3).round(6)
array([0.7, 1. ])""",
    "bernoulli.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.bernoulli.logcdf(np.array([0, 1]), 0.3).round(6)
array([-0.356675,  0.      ])""",
    "bernoulli.logpmf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.bernoulli.logpmf(np.array([0, 1]), 0.3).round(6)
array([-0.356675, -1.203973])""",
    "bernoulli.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.bernoulli.logsf(np.array([-1, 0]), 0.3).round(6)
array([ 0.      , -1.203973])""",
    "bernoulli.pmf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.bernoulli.pmf(np.array([0, 1]), 0.3).round(6)
array([0.7, 0.3])""",
    "bernoulli.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.bernoulli.sf(np.array([0, 1]), 0.3).round(6)
array([0.3, 0. ])""",
    "beta.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.beta.cdf(np.array([0.25, 0.5]), 2.0, 3.0).round(6)
array([0.261719, 0.6875  ])""",
    "beta.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.beta.logcdf(np.array([0.25, 0.5]), 2.0, 3.0).round(6)
array([-1.340485, -0.374693])""",
    "beta.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.beta.logpdf(np.array([0.25, 0.5]), 2.0, 3.0).round(6)
array([0.523248, 0.405465])""",
    "beta.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.beta.logsf(np.array([0.25, 0.5]), 2.0, 3.0).round(6)
array([-0.30343 , -1.163151])""",
    "beta.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.beta.pdf(np.array([0.25, 0.5]), 2.0, 3.0).round(6)
array([1.6875, 1.5   ])""",
    "beta.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.beta.ppf(np.array([0.25, 0.5]), 2.0, 3.0).round(6)
array([0.243022, 0.385728])""",
    "beta.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.beta.sf(np.array([0.25, 0.5]), 2.0, 3.0).round(6)
array([0.738281, 0.3125  ])""",
    "binom.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.binom.cdf(np.array([0, 2]), 4, 0.5).round(6)
array([0.0625, 0.6875])""",
    "binom.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.binom.logcdf(np.array([0, 2]), 4, 0.5).round(6)
array([-2.772589, -0.374693])""",
    "binom.logpmf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.binom.logpmf(np.array([0, 2]), 4, 0.5).round(6)
array([-2.772589, -0.980829])""",
    "binom.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.binom.logsf(np.array([0, 2]), 4, 0.5).round(6)
array([-0.064539, -1.163151])""",
    "binom.pmf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.binom.pmf(np.array([0, 2]), 4, 0.5).round(6)
array([0.0625, 0.375 ])""",
    "binom.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.binom.sf(np.array([0, 2]), 4, 0.5).round(6)
array([0.9375, 0.3125])""",
    "cauchy.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.cauchy.cdf(np.array([0.0, 1.0])).round(6)
array([0.5 , 0.75])""",
    "cauchy.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.cauchy.logcdf(np.array([0.0, 1.0])).round(6)
array([-0.693147, -0.287682])""",
    "cauchy.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.cauchy.logpdf(np.array([0.0, 1.0])).round(6)
array([-1.14473 , -1.837877])""",
    "cauchy.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.cauchy.logsf(np.array([0.0, 1.0])).round(6)
array([-0.693147, -1.386294])""",
    "cauchy.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.cauchy.pdf(np.array([0.0, 1.0])).round(6)
array([0.31831 , 0.159155])""",
    "cauchy.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.cauchy.ppf(np.array([0.25, 0.5])).round(6)
array([-1.,  0.])""",
    "cauchy.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.cauchy.sf(np.array([0.0, 1.0])).round(6)
array([0.5 , 0.25])""",
    "chi2.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.chi2.cdf(np.array([0.5, 1.0]), 3.0).round(6)
array([0.081109, 0.198748])""",
    "chi2.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.chi2.logcdf(np.array([0.5, 1.0]), 3.0).round(6)
array([-2.511966, -1.615717])""",
    "chi2.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.chi2.logpdf(np.array([0.5, 1.0]), 3.0).round(6)
array([-1.515512, -1.418939])""",
    "chi2.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.chi2.logsf(np.array([0.5, 1.0]), 3.0).round(6)
array([-0.084587, -0.22158 ])""",
    "chi2.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.chi2.pdf(np.array([0.5, 1.0]), 3.0).round(6)
array([0.219696, 0.241971])""",
    "chi2.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.chi2.ppf(np.array([0.25, 0.5]), 3.0).round(6)
array([1.212533, 2.365974])""",
    "chi2.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.chi2.sf(np.array([0.5, 1.0]), 3.0).round(6)
array([0.918891, 0.801252])""",
    "dirichlet.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.dirichlet.logpdf(np.array([0.2, 0.3, 0.5]), np.array([1.0, 2.0, 3.0])).round(6)
np.float64(1.504077)""",
    "dirichlet.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.dirichlet.pdf(np.array([0.2, 0.3, 0.5]), np.array([1.0, 2.0, 3.0])).round(6)
np.float64(4.5)""",
    "expon.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.expon.cdf(np.array([0.5, 1.0])).round(6)
array([0.393469, 0.632121])""",
    "expon.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.expon.logcdf(np.array([0.5, 1.0])).round(6)
array([-0.932752, -0.458675])""",
    "expon.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.expon.logpdf(np.array([0.5, 1.0])).round(6)
array([-0.5, -1. ])""",
    "expon.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.expon.logsf(np.array([0.5, 1.0])).round(6)
array([-0.5, -1. ])""",
    "expon.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.expon.pdf(np.array([0.5, 1.0])).round(6)
array([0.606531, 0.367879])""",
    "expon.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.expon.ppf(np.array([0.25, 0.5])).round(6)
array([0.287682, 0.693147])""",
    "expon.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.expon.sf(np.array([0.5, 1.0])).round(6)
array([0.606531, 0.367879])""",
    "gamma.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.gamma.cdf(np.array([0.5, 1.0]), 2.0).round(6)
array([0.090204, 0.264241])""",
    "gamma.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.gamma.logcdf(np.array([0.5, 1.0]), 2.0).round(6)
array([-2.405681, -1.330893])""",
    "gamma.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.gamma.logpdf(np.array([0.5, 1.0]), 2.0).round(6)
array([-1.193147, -1.      ])""",
    "gamma.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.gamma.logsf(np.array([0.5, 1.0]), 2.0).round(6)
array([-0.094535, -0.306853])""",
    "gamma.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.gamma.pdf(np.array([0.5, 1.0]), 2.0).round(6)
array([0.303265, 0.367879])""",
    "gamma.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.gamma.ppf(np.array([0.25, 0.5]), 2.0).round(6)
array([0.961279, 1.678347])""",
    "gamma.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.gamma.sf(np.array([0.5, 1.0]), 2.0).round(6)
array([0.909796, 0.735759])""",
    "geom.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.geom.cdf(np.array([1, 2]), 0.5).round(6)
array([0.5 , 0.75])""",
    "geom.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.geom.logcdf(np.array([1, 2]), 0.5).round(6)
array([-0.693147, -0.287682])""",
    "geom.logpmf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.geom.logpmf(np.array([1, 2]), 0.5).round(6)
array([-0.693147, -1.386294])""",
    "geom.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.geom.logsf(np.array([1, 2]), 0.5).round(6)
array([-0.693147, -1.386294])""",
    "geom.pmf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.geom.pmf(np.array([1, 2]), 0.5).round(6)
array([0.5 , 0.25])""",
    "geom.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.geom.sf(np.array([1, 2]), 0.5).round(6)
array([0.5 , 0.25])""",
    "laplace.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.laplace.cdf(np.array([0.0, 1.0])).round(6)
array([0.5    , 0.81606])""",
    "laplace.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.laplace.logcdf(np.array([0.0, 1.0])).round(6)
array([-0.693147, -0.203267])""",
    "laplace.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.laplace.logpdf(np.array([0.0, 1.0])).round(6)
array([-0.693147, -1.693147])""",
    "laplace.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.laplace.logsf(np.array([0.0, 1.0])).round(6)
array([-0.693147, -1.693147])""",
    "laplace.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.laplace.pdf(np.array([0.0, 1.0])).round(6)
array([0.5    , 0.18394])""",
    "laplace.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.laplace.ppf(np.array([0.25, 0.5])).round(6)
array([-0.693147,  0.      ])""",
    "laplace.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.laplace.sf(np.array([0.0, 1.0])).round(6)
array([0.5    , 0.18394])""",
    "logistic.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.logistic.cdf(np.array([0.0, 1.0])).round(6)
array([0.5     , 0.731059])""",
    "logistic.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.logistic.logcdf(np.array([0.0, 1.0])).round(6)
array([-0.693147, -0.313262])""",
    "logistic.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.logistic.logpdf(np.array([0.0, 1.0])).round(6)
array([-1.386294, -1.626523])""",
    "logistic.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.logistic.logsf(np.array([0.0, 1.0])).round(6)
array([-0.693147, -1.313262])""",
    "logistic.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.logistic.pdf(np.array([0.0, 1.0])).round(6)
array([0.25    , 0.196612])""",
    "logistic.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.logistic.ppf(np.array([0.25, 0.5])).round(6)
array([-1.098612,  0.      ])""",
    "logistic.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.logistic.sf(np.array([0.0, 1.0])).round(6)
array([0.5     , 0.268941])""",
    "multivariate_normal.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.multivariate_normal.logpdf(np.array([[0.0, 0.0], [1.0, 1.0]]), np.zeros(2), np.eye(2)).round(6)
array([-1.837877, -2.837877])""",
    "multivariate_normal.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.multivariate_normal.pdf(np.array([[0.0, 0.0], [1.0, 1.0]]), np.zeros(2), np.eye(2)).round(6)
array([0.159155, 0.05855 ])""",
    "nbinom.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.nbinom.cdf(np.array([0, 2]), 3, 0.5).round(6)
array([0.125, 0.5  ])""",
    "nbinom.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.nbinom.logcdf(np.array([0, 2]), 3, 0.5).round(6)
array([-2.079442, -0.693147])""",
    "nbinom.logpmf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.nbinom.logpmf(np.array([0, 2]), 3, 0.5).round(6)
array([-2.079442, -1.673976])""",
    "nbinom.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.nbinom.logsf(np.array([0, 2]), 3, 0.5).round(6)
array([-0.133531, -0.693147])""",
    "nbinom.pmf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.nbinom.pmf(np.array([0, 2]), 3, 0.5).round(6)
array([0.125 , 0.1875])""",
    "nbinom.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.nbinom.sf(np.array([0, 2]), 3, 0.5).round(6)
array([0.875, 0.5  ])""",
    "norm.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.norm.cdf(np.array([0.0, 1.0])).round(6)
array([0.5     , 0.841345])""",
    "norm.isf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.norm.isf(np.array([0.25, 0.5])).round(6)
array([0.67449, 0.     ])""",
    "norm.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.norm.logcdf(np.array([0.0, 1.0])).round(6)
array([-0.693147, -0.172754])""",
    "norm.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.norm.logpdf(np.array([0.0, 1.0])).round(6)
array([-0.918939, -1.418939])""",
    "norm.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.norm.logsf(np.array([0.0, 1.0])).round(6)
array([-0.693147, -1.841022])""",
    "norm.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.norm.pdf(np.array([0.0, 1.0])).round(6)
array([0.398942, 0.241971])""",
    "norm.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.norm.ppf(np.array([0.25, 0.5])).round(6)
array([-0.67449,  0.     ])""",
    "norm.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.norm.sf(np.array([0.0, 1.0])).round(6)
array([0.5     , 0.158655])""",
    "pareto.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.pareto.cdf(np.array([1.5, 2.0]), 3.0).round(6)
array([0.703704, 0.875   ])""",
    "pareto.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.pareto.logcdf(np.array([1.5, 2.0]), 3.0).round(6)
array([-0.351398, -0.133531])""",
    "pareto.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.pareto.logpdf(np.array([1.5, 2.0]), 3.0).round(6)
array([-0.523248, -1.673976])""",
    "pareto.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.pareto.logsf(np.array([1.5, 2.0]), 3.0).round(6)
array([-1.216395, -2.079442])""",
    "pareto.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.pareto.pdf(np.array([1.5, 2.0]), 3.0).round(6)
array([0.592593, 0.1875  ])""",
    "pareto.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.pareto.ppf(np.array([0.25, 0.5]), 3.0).round(6)
array([1.100642, 1.259921])""",
    "pareto.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.pareto.sf(np.array([1.5, 2.0]), 3.0).round(6)
array([0.296296, 0.125   ])""",
    "poisson.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.poisson.cdf(np.array([0, 2]), 1.5).round(6)
array([0.22313 , 0.808847])""",
    "poisson.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.poisson.logcdf(np.array([0, 2]), 1.5).round(6)
array([-1.5     , -0.212146])""",
    "poisson.logpmf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.poisson.logpmf(np.array([0, 2]), 1.5).round(6)
array([-1.5     , -1.382217])""",
    "poisson.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.poisson.logsf(np.array([0, 2]), 1.5).round(6)
array([-0.252482, -1.65468 ])""",
    "poisson.pmf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.poisson.pmf(np.array([0, 2]), 1.5).round(6)
array([0.22313 , 0.251021])""",
    "poisson.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.poisson.sf(np.array([0, 2]), 1.5).round(6)
array([0.77687 , 0.191153])""",
    "t.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.t.cdf(np.array([0.0, 1.0]), 3.0).round(6)
array([0.5     , 0.804499])""",
    "t.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.t.logcdf(np.array([0.0, 1.0]), 3.0).round(6)
array([-0.693147, -0.217536])""",
    "t.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.t.logpdf(np.array([0.0, 1.0]), 3.0).round(6)
array([-1.000889, -1.576253])""",
    "t.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.t.logsf(np.array([0.0, 1.0]), 3.0).round(6)
array([-0.693147, -1.632189])""",
    "t.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.t.pdf(np.array([0.0, 1.0]), 3.0).round(6)
array([0.367553, 0.206748])""",
    "t.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.t.ppf(np.array([0.25, 0.5]), 3.0).round(6)
array([-0.764892,  0.      ])""",
    "t.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.t.sf(np.array([0.0, 1.0]), 3.0).round(6)
array([0.5     , 0.195501])""",
    "truncnorm.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.truncnorm.cdf(np.array([0.0, 0.5]), -1.0, 1.0).round(6)
array([0.5     , 0.780453])""",
    "truncnorm.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.truncnorm.logcdf(np.array([0.0, 0.5]), -1.0, 1.0).round(6)
array([-0.693147, -0.24788 ])""",
    "truncnorm.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.truncnorm.logpdf(np.array([0.0, 0.5]), -1.0, 1.0).round(6)
array([-0.537223, -0.662223])""",
    "truncnorm.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.truncnorm.logsf(np.array([0.0, 0.5]), -1.0, 1.0).round(6)
array([-0.693147, -1.51619 ])""",
    "truncnorm.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.truncnorm.pdf(np.array([0.0, 0.5]), -1.0, 1.0).round(6)
array([0.584369, 0.515703])""",
    "truncnorm.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.truncnorm.ppf(np.array([0.25, 0.5]), -1.0, 1.0).round(6)
array([-0.441771,  0.      ])""",
    "truncnorm.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.truncnorm.sf(np.array([0.0, 0.5]), -1.0, 1.0).round(6)
array([0.5     , 0.219547])""",
    "uniform.cdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.uniform.cdf(np.array([0.25, 2.0])).round(6)
array([0.25, 1.  ])""",
    "uniform.logcdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.uniform.logcdf(np.array([0.25, 2.0])).round(6)
array([-1.386294,  0.      ])""",
    "uniform.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.uniform.logpdf(np.array([0.25, 2.0])).round(6)
array([  0., -inf])""",
    "uniform.logsf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.uniform.logsf(np.array([0.25, 0.5])).round(6)
array([-0.287682, -0.693147])""",
    "uniform.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.uniform.pdf(np.array([0.25, 2.0])).round(6)
array([1., 0.])""",
    "uniform.ppf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.uniform.ppf(np.array([0.25, 0.5])).round(6)
array([0.25, 0.5 ])""",
    "uniform.sf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.uniform.sf(np.array([0.25, 2.0])).round(6)
array([0.75, 0.  ])""",
    "vonmises.logpdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.vonmises.logpdf(np.array([0.0, 1.0]), 1.0).round(6)
array([-1.073791, -1.533489])""",
    "vonmises.pdf": """>>> import numpy as np
>>> from fungrad.scipy import stats as st
>>> st.vonmises.pdf(np.array([0.0, 1.0]), 1.0).round(6)
array([0.34171 , 0.215781])""",
}
_add_examples(_EXAMPLES, lambda name: getattr(globals()[name.split(".")[0]], name.split(".")[1]))


__all__ = [
    "bernoulli", "beta", "binom", "cauchy", "chi2", "dirichlet", "expon", "gamma", "geom", "laplace",
    "logistic", "multivariate_normal", "nbinom", "norm", "pareto", "poisson", "t", "truncnorm", "uniform",
    "vonmises"]
__dir__ = __all__.copy  # dir() lists the public names only
