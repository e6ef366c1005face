"""fungrad.random: jax.random on fungrad, with JAX's default generator (threefry2x32, the
partitionable scheme of jax 0.10). The same key gives the same bits, and the same uniform,
normal, randint, bernoulli, categorical, permutation, ... values as jax.random.

Keys are raw uint32[2] arrays (`PRNGKey(seed)` and `key(seed)` alike; fungrad has no key dtype).
Dtype defaults follow numpy, i.e. JAX with jax_enable_x64: float64 and int64 (uint64 for bits).
JAX's default mode is float32/int32: pass dtype=np.float32 (or a float32 parameter such as
bernoulli's p) to get its values bit for bit. The seed of PRNGKey is taken modulo 2**32 as in
JAX's default mode (jax_enable_x64 would put bits 32-63 into the first word).

gamma, loggamma, beta, dirichlet, chisquare, f, t, generalized_normal, ball, poisson, binomial
and multinomial use rejection samplers written here: the same distributions as JAX, not the
same values. Samples are differentiable in their parameters where JAX's are: by the
reparameterization (uniform, normal, truncated_normal, lognormal, pareto, weibull_min, ...) and,
for the gamma family, by implicit reparameterization (the random_gamma_grad primitive). See
fungrad/random/_distributions.py.
"""
from fungrad.random import _keys
from fungrad.random._keys import (
    InvalidKeyError as InvalidKeyError, KeyReuseError as KeyReuseError, PRNGKey as PRNGKey,
    bits as bits, clone as clone, fold_in as fold_in, key as key, key_data as key_data,
    key_impl as key_impl, split as split, wrap_key_data as wrap_key_data)
from fungrad.random._distributions import (
    ball as ball, bernoulli as bernoulli, beta as beta, binomial as binomial,
    categorical as categorical, cauchy as cauchy, chisquare as chisquare, choice as choice,
    dirichlet as dirichlet, double_sided_maxwell as double_sided_maxwell,
    exponential as exponential, f as f, gamma as gamma, generalized_normal as generalized_normal,
    geometric as geometric, gumbel as gumbel, laplace as laplace, loggamma as loggamma,
    logistic as logistic, lognormal as lognormal, maxwell as maxwell,
    multinomial as multinomial, multivariate_normal as multivariate_normal, normal as normal,
    orthogonal as orthogonal, pareto as pareto, permutation as permutation, poisson as poisson,
    rademacher as rademacher, randint as randint, rayleigh as rayleigh, shuffle as shuffle,
    t as t, triangular as triangular, truncated_normal as truncated_normal, uniform as uniform,
    wald as wald, weibull_min as weibull_min)

# every function that consumes its key counts once for config jax_debug_key_reuse
for _name in ("ball", "bernoulli", "beta", "binomial", "bits", "categorical", "cauchy",
              "chisquare", "choice", "dirichlet", "double_sided_maxwell", "exponential", "f",
              "fold_in", "gamma", "generalized_normal", "geometric", "gumbel", "laplace",
              "loggamma", "logistic", "lognormal", "maxwell", "multinomial", "multivariate_normal",
              "normal", "orthogonal", "pareto", "permutation", "poisson", "rademacher", "randint",
              "rayleigh", "shuffle", "split", "t", "triangular", "truncated_normal", "uniform",
              "wald", "weibull_min"):
    globals()[_name] = _keys.consumer(globals()[_name])
del _name


__all__ = [
    "InvalidKeyError", "KeyReuseError", "PRNGKey", "ball", "bernoulli", "beta", "binomial", "bits",
    "categorical", "cauchy", "chisquare", "choice", "clone", "dirichlet", "double_sided_maxwell",
    "exponential", "f", "fold_in", "gamma", "generalized_normal", "geometric", "gumbel", "key",
    "key_data", "key_impl", "laplace", "loggamma", "logistic", "lognormal", "maxwell", "multinomial",
    "multivariate_normal", "normal", "orthogonal", "pareto", "permutation", "poisson", "rademacher",
    "randint", "rayleigh", "shuffle", "split", "t", "triangular", "truncated_normal", "uniform", "wald",
    "weibull_min", "wrap_key_data"]
__dir__ = __all__.copy  # dir() lists the public names only
