"""torch.distributions' most used families, written with the shim's Tensor ops (so log_prob,
entropy, rsample and kl_divergence differentiate through the core's rules): Normal, Uniform,
Bernoulli, Categorical, OneHotCategorical, MultivariateNormal, Gamma, Beta, Dirichlet,
Exponential, Laplace, Poisson, LogNormal, Independent; kl_divergence with register_kl.

Differs from torch: samples come from fungrad's generator (numpy), so seeded draws differ from
torch's; arguments are not validated (``validate_args`` is accepted and ignored). Gamma, Beta
and Dirichlet rsample use the implicit reparameterization gradient (the derivative of the sample
through its CDF); its derivative in the concentration is first order (the CDF's derivative in
the shape parameter is taken by a central difference).
"""
import math

import numpy as np

import fungrad.scipy.special as fsp
from fungrad.torch import _creation as C
from fungrad.torch import _dtype
from fungrad.torch import _ops_math as M
from fungrad.torch import _ops_more as X
from fungrad.torch import _ops_reduce as R
from fungrad.torch import linalg as LA
from fungrad.torch._generator import numpy_rng
from fungrad.torch._tensor import Size, Tensor, _new

__all__ = ["Distribution", "Normal", "Uniform", "Bernoulli", "Categorical", "OneHotCategorical",
           "MultivariateNormal", "Gamma", "Beta", "Dirichlet", "Exponential", "Laplace",
           "Poisson", "LogNormal", "Independent", "kl_divergence", "register_kl"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
_EMPTY = Size()


def _t(x, like=None):
    if isinstance(x, Tensor):
        return x
    dt = like._value.dtype if isinstance(like, Tensor) and like._value.dtype.kind == "f" \
        else _dtype.DEFAULT.np
    return _new(np.asarray(x, dt))


def broadcast_all(*values):
    like = next((v for v in values if isinstance(v, Tensor)), None)
    ts = [_t(v, like) for v in values]
    shape = np.broadcast_shapes(*[tuple(t.shape) for t in ts])
    return [t if tuple(t.shape) == shape else t.expand(*shape) for t in ts]


def _shape(sample_shape):
    return Size(sample_shape if isinstance(sample_shape, (tuple, list)) else (sample_shape,))


def _softplus(x):
    return M.clamp(x, min=0) + M.log1p(M.exp(-M.abs(x)))


class Distribution:
    """The base class: batch_shape, event_shape, sample/rsample, stddev, expand-free."""

    has_rsample = False
    has_enumerate_support = False
    arg_constraints = {}

    def __init__(self, batch_shape=_EMPTY, event_shape=_EMPTY, validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    def _extended_shape(self, sample_shape=_EMPTY):
        return Size(tuple(_shape(sample_shape)) + tuple(self._batch_shape) +
                    tuple(self._event_shape))

    def sample(self, sample_shape=_EMPTY):
        from fungrad.torch._grad_mode import no_grad
        with no_grad():
            return self.rsample(sample_shape).detach()

    def rsample(self, sample_shape=_EMPTY):
        raise NotImplementedError(f"{type(self).__name__} does not implement rsample")

    def entropy(self):
        raise NotImplementedError

    def sample_n(self, n):
        return self.sample(Size((n,)))

    @property
    def stddev(self):
        return M.sqrt(self.variance)

    def perplexity(self):
        return M.exp(self.entropy())

    def __repr__(self):
        args = ", ".join(f"{k}: {_param_repr(getattr(self, k))}" for k in self.arg_constraints
                         if k in self.__dict__)
        return f"{type(self).__name__}({args})"


def _param_repr(p):
    return repr(p) if p.numel() == 1 else f"torch.Size({list(p.shape)})"


class Normal(Distribution):
    arg_constraints = {"loc": "real", "scale": "positive"}
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape)

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)
    stddev = property(lambda self: self.scale)
    variance = property(lambda self: self.scale ** 2)

    def rsample(self, sample_shape=_EMPTY):
        shape = self._extended_shape(sample_shape)
        eps = C.randn(*shape, dtype=self.loc.dtype) if shape else C.randn((), dtype=self.loc.dtype)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        var = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * var) - M.log(self.scale) - _LOG_SQRT_2PI

    def entropy(self):
        return 0.5 + _LOG_SQRT_2PI + M.log(self.scale)

    def cdf(self, value):
        return 0.5 * (1 + M.erf((value - self.loc) * M.reciprocal(self.scale) / math.sqrt(2)))

    def icdf(self, value):
        from fungrad.torch._ops_elem import FUNCS
        return self.loc + self.scale * FUNCS["erfinv"](2 * value - 1) * math.sqrt(2)


class LogNormal(Distribution):
    arg_constraints = {"loc": "real", "scale": "positive"}
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.base_dist = Normal(loc, scale)
        self.loc, self.scale = self.base_dist.loc, self.base_dist.scale
        super().__init__(self.loc.shape)

    mean = property(lambda self: M.exp(self.loc + self.scale ** 2 / 2))
    mode = property(lambda self: M.exp(self.loc - self.scale ** 2))
    variance = property(lambda self: M.expm1(self.scale ** 2) *
                        M.exp(2 * self.loc + self.scale ** 2))

    def rsample(self, sample_shape=_EMPTY):
        return M.exp(self.base_dist.rsample(sample_shape))

    def log_prob(self, value):
        y = M.log(value)
        return self.base_dist.log_prob(y) - y

    def entropy(self):
        return self.base_dist.entropy() + self.loc


class Uniform(Distribution):
    arg_constraints = {"low": "dependent", "high": "dependent"}
    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        super().__init__(self.low.shape)

    mean = property(lambda self: (self.high + self.low) / 2)
    mode = property(lambda self: self.low * float("nan"))
    stddev = property(lambda self: (self.high - self.low) / 12 ** 0.5)
    variance = property(lambda self: (self.high - self.low) ** 2 / 12)

    def rsample(self, sample_shape=_EMPTY):
        shape = self._extended_shape(sample_shape)
        u = C.rand(*shape, dtype=self.low.dtype) if shape else C.rand((), dtype=self.low.dtype)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        inside = M.le(self.low, value)._value & M.lt(value, self.high)._value
        lb = _new(inside.astype(self.low._value.dtype))
        return M.log(lb) - M.log(self.high - self.low)

    def cdf(self, value):
        return M.clamp((value - self.low) / (self.high - self.low), 0, 1)

    def icdf(self, value):
        return value * (self.high - self.low) + self.low

    def entropy(self):
        return M.log(self.high - self.low)


def _logits_from_probs(p, binary):
    eps = float(np.finfo(p._value.dtype).eps)
    p = M.clamp(p, eps, 1 - eps)
    return M.log(p) - M.log1p(-p) if binary else M.log(p)


class Bernoulli(Distribution):
    arg_constraints = {"probs": "unit_interval", "logits": "real"}

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
            self.logits = _logits_from_probs(self.probs, True)
        else:
            (self.logits,) = broadcast_all(logits)
            self.probs = M.sigmoid(self.logits)
        super().__init__(self.probs.shape)

    mean = property(lambda self: self.probs)
    mode = property(lambda self: _new((self.probs._value >= 0.5).astype(self.probs._value.dtype)))
    variance = property(lambda self: self.probs * (1 - self.probs))

    def sample(self, sample_shape=_EMPTY):
        shape = self._extended_shape(sample_shape)
        p = np.broadcast_to(np.asarray(self.probs._value), shape)
        return _new((numpy_rng().random(shape) < p).astype(p.dtype))

    def log_prob(self, value):
        logits, value = broadcast_all(self.logits, value)
        return -(_softplus(logits) - logits * value)

    def entropy(self):
        return _softplus(self.logits) - self.logits * self.probs

    def enumerate_support(self, expand=True):
        return _new(np.arange(2, dtype=self.probs._value.dtype).reshape(
            (2,) + (1,) * len(self.batch_shape)))


class Categorical(Distribution):
    arg_constraints = {"probs": "simplex", "logits": "real_vector"}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            self.probs = probs / R.sum(probs, -1, keepdim=True)
            self.logits = _logits_from_probs(self.probs, False)
            self.logits = self.logits - R.logsumexp(self.logits, -1, keepdim=True)
        else:
            self.logits = logits - R.logsumexp(logits, -1, keepdim=True)
            self.probs = R.softmax(self.logits, -1)
        self._num_events = self.probs.shape[-1]
        super().__init__(self.probs.shape[:-1])

    param_shape = property(lambda self: self.probs.shape)
    mean = property(lambda self: C.full(tuple(self.batch_shape), float("nan"),
                                        dtype=self.probs.dtype))
    variance = mean
    mode = property(lambda self: R.argmax(self.probs, -1))

    def sample(self, sample_shape=_EMPTY):
        ss = _shape(sample_shape)
        n = int(np.prod(ss)) if len(ss) else 1
        p = np.asarray(self.probs._value, np.float64).reshape(-1, self._num_events)
        g = numpy_rng()
        draws = np.stack([g.choice(self._num_events, size=n, p=r / r.sum()) for r in p], -1)
        return _new(draws.reshape(tuple(ss) + tuple(self.batch_shape)).astype(np.int64))

    def log_prob(self, value):
        v = np.asarray(value._value if isinstance(value, Tensor) else value).astype(np.int64)
        shape = np.broadcast_shapes(v.shape, tuple(self.batch_shape))
        logits = self.logits.expand(*(shape + (self._num_events,)))
        idx = _new(np.broadcast_to(v, shape)[..., None])
        return X.FUNCS["take_along_dim"](logits, idx, -1).squeeze(-1)

    def entropy(self):
        lo = float(np.finfo(self.logits._value.dtype).min)
        logits = M.clamp(self.logits, min=lo)
        return -R.sum(logits * self.probs, -1)

    def enumerate_support(self, expand=True):
        v = np.arange(self._num_events, dtype=np.int64).reshape((-1,) + (1,) *
                                                                  len(self.batch_shape))
        if expand:
            v = np.broadcast_to(v, (self._num_events,) + tuple(self.batch_shape))
        return _new(np.array(v))


class OneHotCategorical(Distribution):
    arg_constraints = {"probs": "simplex", "logits": "real_vector"}

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits)
        self.probs, self.logits = self._categorical.probs, self._categorical.logits
        super().__init__(self._categorical.batch_shape, self.probs.shape[-1:])

    mean = property(lambda self: self.probs)
    variance = property(lambda self: self.probs * (1 - self.probs))

    def sample(self, sample_shape=_EMPTY):
        idx = np.asarray(self._categorical.sample(sample_shape)._value)
        return _new(np.eye(self.probs.shape[-1], dtype=self.probs._value.dtype)[idx])

    def log_prob(self, value):
        idx = _new(np.argmax(np.asarray(value._value), -1))
        return self._categorical.log_prob(idx)

    def entropy(self):
        return self._categorical.entropy()


class MultivariateNormal(Distribution):
    arg_constraints = {"loc": "real_vector", "covariance_matrix": "positive_definite"}
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        if sum(x is not None for x in (covariance_matrix, precision_matrix, scale_tril)) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = LA.cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = LA.cholesky(LA.inv(precision_matrix))
        self.loc = loc
        k = loc.shape[-1]
        batch = np.broadcast_shapes(tuple(loc.shape[:-1]),
                                    tuple(self._unbroadcasted_scale_tril.shape[:-2]))
        super().__init__(batch, (k,))

    @property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril

    @property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return M.matmul(L, L.mT)

    @property
    def precision_matrix(self):
        return LA.inv(self.covariance_matrix)

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)

    @property
    def variance(self):
        return R.sum(self._unbroadcasted_scale_tril ** 2, -1).expand(
            *(tuple(self.batch_shape) + tuple(self.event_shape)))

    def rsample(self, sample_shape=_EMPTY):
        shape = self._extended_shape(sample_shape)
        eps = C.randn(*shape, dtype=self.loc.dtype)
        return self.loc + M.matmul(self._unbroadcasted_scale_tril, eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self):
        return R.sum(M.log(X.diagonal(self._unbroadcasted_scale_tril, 0, -2, -1)), -1)

    def log_prob(self, value):
        diff = value - self.loc
        L = self._unbroadcasted_scale_tril
        shape = np.broadcast_shapes(tuple(diff.shape[:-1]), tuple(L.shape[:-2]))
        Lb = L.expand(*(shape + tuple(L.shape[-2:])))
        db = diff.expand(*(shape + tuple(diff.shape[-1:])))
        sol = LA.solve_triangular(Lb, db.unsqueeze(-1), upper=False).squeeze(-1)
        m = R.sum(sol ** 2, -1)
        k = self.event_shape[0]
        return -0.5 * (k * math.log(2 * math.pi) + m) - self._half_log_det()

    def entropy(self):
        k = self.event_shape[0]
        h = 0.5 * k * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return h if not len(self.batch_shape) else h.expand(*self.batch_shape)


def _gamma_rsample(conc, sample_shape, batch_shape):
    """Unit-rate Gamma(conc) draws carrying the implicit reparameterization gradient
    dz/da = -(dF/da)/(dF/dz), F the CDF (the regularized gammainc, on concrete values)."""
    shape = tuple(_shape(sample_shape)) + tuple(batch_shape)
    a = np.broadcast_to(np.asarray(conc._value, np.float64), shape)
    z = numpy_rng().standard_gamma(a)
    z = np.maximum(z, np.finfo(conc._value.dtype).tiny)
    h = 1e-5 * np.maximum(a, 1.0)
    dF_da = (np.asarray(fsp.gammainc(a + h, z)) - np.asarray(fsp.gammainc(a - h, z))) / (2 * h)
    log_pdf = (a - 1) * np.log(z) - z - np.asarray(fsp.gammaln(a))
    dz_da = -dF_da / np.exp(log_pdf)
    dt = conc._value.dtype
    cb = conc.expand(*shape) if tuple(conc.shape) != shape else conc
    return _new(z.astype(dt)) + (cb - cb.detach()) * _new(dz_da.astype(dt))


class Gamma(Distribution):
    arg_constraints = {"concentration": "positive", "rate": "positive"}
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.shape)

    mean = property(lambda self: self.concentration / self.rate)
    mode = property(lambda self: M.clamp((self.concentration - 1) / self.rate, min=0))
    variance = property(lambda self: self.concentration / self.rate ** 2)

    def rsample(self, sample_shape=_EMPTY):
        return _gamma_rsample(self.concentration, sample_shape, self.batch_shape) / self.rate

    def log_prob(self, value):
        from fungrad.torch._ops_elem import FUNCS as E
        a, b = self.concentration, self.rate
        value = _t(value, a)
        return E["xlogy"](a, b) + E["xlogy"](a - 1, value) - b * value - E["lgamma"](a)

    def entropy(self):
        from fungrad.torch._ops_elem import FUNCS as E
        a = self.concentration
        return a - M.log(self.rate) + E["lgamma"](a) + (1.0 - a) * E["digamma"](a)

    def cdf(self, value):
        from fungrad.torch._ops_elem import FUNCS as E
        return E["igamma"](self.concentration, self.rate * value)


class Exponential(Distribution):
    arg_constraints = {"rate": "positive"}
    has_rsample = True

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape)

    mean = property(lambda self: M.reciprocal(self.rate))
    mode = property(lambda self: C.zeros_like(self.rate))
    stddev = property(lambda self: M.reciprocal(self.rate))
    variance = property(lambda self: self.rate ** -2)

    def rsample(self, sample_shape=_EMPTY):
        shape = self._extended_shape(sample_shape)
        e = _new(numpy_rng().exponential(1.0, shape).astype(self.rate._value.dtype))
        return e / self.rate

    def log_prob(self, value):
        return M.log(self.rate) - self.rate * value

    def entropy(self):
        return 1.0 - M.log(self.rate)

    def cdf(self, value):
        return 1 - M.exp(-self.rate * value)


class Laplace(Distribution):
    arg_constraints = {"loc": "real", "scale": "positive"}
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape)

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)
    variance = property(lambda self: 2 * self.scale ** 2)
    stddev = property(lambda self: (2 ** 0.5) * self.scale)

    def rsample(self, sample_shape=_EMPTY):
        shape = self._extended_shape(sample_shape)
        eps = np.finfo(self.loc._value.dtype).eps
        u = _new(numpy_rng().uniform(eps - 1, 1, shape).astype(self.loc._value.dtype))
        return self.loc - self.scale * M.sign(u) * M.log1p(-M.abs(u))

    def log_prob(self, value):
        return -M.log(2 * self.scale) - M.abs(value - self.loc) / self.scale

    def entropy(self):
        return 1 + M.log(2 * self.scale)


class Poisson(Distribution):
    arg_constraints = {"rate": "nonnegative"}

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape)

    mean = property(lambda self: self.rate)
    variance = property(lambda self: self.rate)
    mode = property(lambda self: M.floor(self.rate))

    def sample(self, sample_shape=_EMPTY):
        shape = self._extended_shape(sample_shape)
        r = np.broadcast_to(np.asarray(self.rate._value), shape)
        return _new(numpy_rng().poisson(r).astype(self.rate._value.dtype))

    def log_prob(self, value):
        from fungrad.torch._ops_elem import FUNCS as E
        value = _t(value, self.rate)
        return E["xlogy"](value, self.rate) - self.rate - E["lgamma"](value + 1)


class Dirichlet(Distribution):
    arg_constraints = {"concentration": "independent(positive, 1)"}
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:])

    @property
    def mean(self):
        return self.concentration / R.sum(self.concentration, -1, keepdim=True)

    @property
    def mode(self):
        c = self.concentration
        return M.clamp(c - 1, min=0) / R.sum(M.clamp(c - 1, min=0), -1, keepdim=True)

    @property
    def variance(self):
        c = self.concentration
        c0 = R.sum(c, -1, keepdim=True)
        return c * (c0 - c) / (c0 ** 2 * (c0 + 1))

    def rsample(self, sample_shape=_EMPTY):
        g = _gamma_rsample(self.concentration, sample_shape,
                           tuple(self.batch_shape) + tuple(self.event_shape))
        return g / R.sum(g, -1, keepdim=True)

    def log_prob(self, value):
        from fungrad.torch._ops_elem import FUNCS as E
        c = self.concentration
        return (R.sum(E["xlogy"](c - 1.0, value), -1) + E["lgamma"](R.sum(c, -1)) -
                R.sum(E["lgamma"](c), -1))

    def entropy(self):
        from fungrad.torch._ops_elem import FUNCS as E
        c = self.concentration
        k = c.shape[-1]
        c0 = R.sum(c, -1)
        return (R.sum(E["lgamma"](c), -1) - E["lgamma"](c0) - (k - c0) * E["digamma"](c0) -
                R.sum((c - 1.0) * E["digamma"](c), -1))


class Beta(Distribution):
    arg_constraints = {"concentration1": "positive", "concentration0": "positive"}
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        from fungrad.torch._ops_shape import stack
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        self._dirichlet = Dirichlet(stack([self.concentration1, self.concentration0], -1))
        super().__init__(self._dirichlet.batch_shape)

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self):
        t = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (t ** 2 * (t + 1))

    def rsample(self, sample_shape=()):
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def log_prob(self, value):
        from fungrad.torch._ops_shape import stack
        value = _t(value, self.concentration1)
        return self._dirichlet.log_prob(stack([value, 1.0 - value], -1))

    def entropy(self):
        return self._dirichlet.entropy()


class Independent(Distribution):
    def __init__(self, base_distribution, reinterpreted_batch_ndims, validate_args=None):
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = n = reinterpreted_batch_ndims
        shape = tuple(base_distribution.batch_shape) + tuple(base_distribution.event_shape)
        k = len(base_distribution.event_shape)
        super().__init__(shape[:len(shape) - n - k], shape[len(shape) - n - k:])

    has_rsample = property(lambda self: self.base_dist.has_rsample)
    mean = property(lambda self: self.base_dist.mean)
    variance = property(lambda self: self.base_dist.variance)
    mode = property(lambda self: self.base_dist.mode)

    def sample(self, sample_shape=_EMPTY):
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=_EMPTY):
        return self.base_dist.rsample(sample_shape)

    def _sum_right(self, x):
        n = self.reinterpreted_batch_ndims
        return x if n == 0 else R.sum(x, tuple(range(-n, 0)))

    def log_prob(self, value):
        return self._sum_right(self.base_dist.log_prob(value))

    def entropy(self):
        return self._sum_right(self.base_dist.entropy())


# ---- KL divergence ----------------------------------------------------------------------------
_KL = {}


def register_kl(type_p, type_q):
    def deco(fn):
        _KL[(type_p, type_q)] = fn
        return fn
    return deco


def kl_divergence(p, q):
    for tp in type(p).__mro__:
        for tq in type(q).__mro__:
            fn = _KL.get((tp, tq))
            if fn is not None:
                return fn(p, q)
    raise NotImplementedError(f"No KL(p || q) is implemented for p type {type(p).__name__} and "
                              f"q type {type(q).__name__}")


@register_kl(Normal, Normal)
def _kl_normal(p, q):
    var_ratio = (p.scale / q.scale) ** 2
    t1 = ((p.loc - q.loc) / q.scale) ** 2
    return 0.5 * (var_ratio + t1 - 1 - M.log(var_ratio))


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli(p, q):
    t1 = p.probs * (_softplus(-q.logits) - _softplus(-p.logits))
    t2 = (1 - p.probs) * (_softplus(q.logits) - _softplus(p.logits))
    return t1 + t2


@register_kl(Categorical, Categorical)
def _kl_categorical(p, q):
    t = p.probs * (p.logits - q.logits)
    t = M.where(_new(np.asarray(q.probs._value) == 0), _new(np.asarray(np.inf, t._value.dtype)),
                t)
    t = M.where(_new(np.asarray(p.probs._value) == 0), _new(np.zeros((), t._value.dtype)), t)
    return R.sum(t, -1)


@register_kl(Uniform, Uniform)
def _kl_uniform(p, q):
    res = M.log((q.high - q.low) / (p.high - p.low))
    out = (np.asarray(q.low._value) > np.asarray(p.low._value)) | (
        np.asarray(q.high._value) < np.asarray(p.high._value))
    return M.where(_new(out), _new(np.asarray(np.inf, res._value.dtype)), res)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_mvn(p, q):
    k = p.event_shape[0]
    Lq, Lp = q._unbroadcasted_scale_tril, p._unbroadcasted_scale_tril
    half_term1 = q._half_log_det() - p._half_log_det()
    term2 = R.sum(LA.solve_triangular(Lq, Lp, upper=False) ** 2, (-2, -1))
    d = LA.solve_triangular(Lq, (q.loc - p.loc).unsqueeze(-1), upper=False)
    term3 = R.sum(d ** 2, (-2, -1))
    return half_term1 + 0.5 * (term2 + term3 - k)


@register_kl(Gamma, Gamma)
def _kl_gamma(p, q):
    from fungrad.torch._ops_elem import FUNCS as E
    t1 = q.concentration * M.log(p.rate / q.rate)
    t2 = E["lgamma"](q.concentration) - E["lgamma"](p.concentration)
    t3 = (p.concentration - q.concentration) * E["digamma"](p.concentration)
    t4 = (q.rate - p.rate) * (p.concentration / p.rate)
    return t1 + t2 + t3 + t4


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet(p, q):
    from fungrad.torch._ops_elem import FUNCS as E
    sp = R.sum(p.concentration, -1)
    sq = R.sum(q.concentration, -1)
    t1 = E["lgamma"](sp) - E["lgamma"](sq)
    t2 = R.sum(E["lgamma"](p.concentration) - E["lgamma"](q.concentration), -1)
    t3 = p.concentration - q.concentration
    t4 = E["digamma"](p.concentration) - E["digamma"](sp).unsqueeze(-1)
    return t1 - t2 + R.sum(t3 * t4, -1)


@register_kl(Beta, Beta)
def _kl_beta(p, q):
    return _kl_dirichlet(p._dirichlet, q._dirichlet)


@register_kl(Exponential, Exponential)
def _kl_exponential(p, q):
    ratio = q.rate / p.rate
    return ratio - 1 - M.log(ratio)


@register_kl(Laplace, Laplace)
def _kl_laplace(p, q):
    ratio = p.scale / q.scale
    d = M.abs(p.loc - q.loc)
    return -M.log(ratio) + d / q.scale + ratio * M.exp(-d / p.scale) - 1


@register_kl(Poisson, Poisson)
def _kl_poisson(p, q):
    return p.rate * (M.log(p.rate) - M.log(q.rate)) - (p.rate - q.rate)


@register_kl(Independent, Independent)
def _kl_independent(p, q):
    return p._sum_right(kl_divergence(p.base_dist, q.base_dist))

__dir__ = __all__.copy  # dir() lists the public names only
