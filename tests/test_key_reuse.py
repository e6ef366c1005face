"""config jax_debug_key_reuse: a concrete key consumed twice raises KeyReuseError, as JAX's
key-reuse checker does; off by default (as in JAX)."""
import numpy as np
import pytest

import fungrad as fg
import fungrad.random as jr

CONSUMERS = {
    "uniform": (), "normal": (), "randint": ((), 0, 5), "bernoulli": (),
    "categorical": (np.zeros(3),), "choice": (5,), "permutation": (5,),
    "shuffle": (np.arange(4),), "truncated_normal": (-1.0, 1.0),
    "multivariate_normal": (np.zeros(2), np.eye(2)), "gamma": (2.0,), "beta": (2.0, 3.0),
    "dirichlet": (np.ones(3),), "exponential": (), "laplace": (), "logistic": (),
    "poisson": (3.0,), "gumbel": (), "t": (3.0,), "cauchy": (), "orthogonal": (3,),
    "rademacher": (), "ball": (2,), "loggamma": (2.0,), "lognormal": (), "pareto": (2.0,),
    "weibull_min": (1.0, 2.0), "maxwell": (), "double_sided_maxwell": (0.0, 1.0),
    "generalized_normal": (2.0,), "chisquare": (2.0,), "f": (2.0, 3.0), "geometric": (0.3,),
    "binomial": (5, 0.3), "triangular": (0.0, 0.5, 1.0), "wald": (1.0,), "rayleigh": (1.0,),
    "multinomial": (5, np.ones(3) / 3), "split": (), "fold_in": (3,), "bits": (),
}


@pytest.fixture
def key_reuse_checked():
    fg.config.update("jax_debug_key_reuse", True)
    yield
    fg.config.update("jax_debug_key_reuse", False)


@pytest.mark.parametrize("name", sorted(CONSUMERS))
def test_second_use_of_a_key_raises_and_first_use_counts_once(name, key_reuse_checked):
    f = getattr(jr, name)
    key = jr.PRNGKey(0)
    f(key, *CONSUMERS[name])  # internal splits of one call are one consumption
    with pytest.raises(jr.KeyReuseError, match=r"already consumed.*split it first"):
        f(key, *CONSUMERS[name])


def test_split_keys_and_clones_are_fresh(key_reuse_checked):
    key, sub = jr.split(jr.PRNGKey(1))
    a, b = jr.normal(sub), jr.normal(key)
    c = jr.normal(jr.clone(key))
    assert a != b and b == c
    assert isinstance(jr.KeyReuseError("x"), TypeError)


def test_off_by_default_and_traced_keys_are_not_tracked(key_reuse_checked):
    key = jr.PRNGKey(2)
    xs = fg.jit(lambda k: jr.normal(k) + jr.normal(k))(key)  # a traced key: not tracked
    assert np.isfinite(xs)
    fg.config.update("jax_debug_key_reuse", False)
    assert jr.normal(key) == jr.normal(key)
