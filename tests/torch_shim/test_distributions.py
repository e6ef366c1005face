"""torch.distributions: fungrad.torch against torch 2.13's records (golden_distributions.json)
and live torch; sample statistics of fungrad's own draws; rsample's gradients."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops_table  # noqa: E402
import scenarios_distributions as sd  # noqa: E402

import fungrad.torch as ft  # noqa: E402

GOLDEN = sd.load_golden()["records"]
FAMILIES = sorted(GOLDEN)
# torch's lgamma/digamma are a few 1e-9 off the exact values in float64
RTOL = 1e-7


@pytest.fixture(scope="module")
def ours():
    return sd.run(ft)


@pytest.mark.parametrize("name", FAMILIES)
def test_against_golden(ours, name):
    problems = ops_table.diff(ours[name], GOLDEN[name], RTOL)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", FAMILIES)
def test_against_live_torch(ours, name):
    torch = pytest.importorskip("torch")
    if not torch.__version__.startswith("2.13."):
        pytest.skip("torch 2.13 is not installed")
    live = sd.run(torch)
    assert not ops_table.diff(live[name], GOLDEN[name], 1e-12), "golden is stale"
    problems = ops_table.diff(ours[name], live[name], RTOL)
    assert not problems, "\n".join(problems)


def _stats(d, n=40000):
    s = np.asarray(d.sample((n,)).tolist(), float)
    return s.mean(0), s.var(0)


@pytest.mark.parametrize("make", [
    lambda D: D.Normal(ft.tensor([0.5, -1.0]), ft.tensor([1.0, 2.0])),
    lambda D: D.Uniform(ft.tensor([0.0, -1.0]), ft.tensor([1.0, 3.0])),
    lambda D: D.Bernoulli(ft.tensor([0.2, 0.7])),
    lambda D: D.Gamma(ft.tensor([2.0, 0.5]), ft.tensor([1.0, 2.0])),
    lambda D: D.Beta(ft.tensor([2.0, 0.5]), ft.tensor([1.0, 2.0])),
    lambda D: D.Exponential(ft.tensor([2.0, 0.5])),
    lambda D: D.Laplace(ft.tensor([0.0, 1.0]), ft.tensor([1.0, 0.5])),
    lambda D: D.Poisson(ft.tensor([2.0, 0.5])),
])
def test_sample_moments(make):
    ft.manual_seed(0)
    d = make(ft.distributions)
    mean, var = _stats(d)
    np.testing.assert_allclose(mean, np.asarray(d.mean.tolist()), atol=0.04, rtol=0.03)
    np.testing.assert_allclose(var, np.asarray(d.variance.tolist()), rtol=0.06, atol=0.01)


def test_categorical_and_mvn_sample_moments():
    ft.manual_seed(1)
    D = ft.distributions
    c = D.Categorical(probs=ft.tensor([0.2, 0.3, 0.5]))
    counts = np.bincount(np.asarray(c.sample((30000,)).tolist()), minlength=3) / 30000
    np.testing.assert_allclose(counts, [0.2, 0.3, 0.5], atol=0.015)
    cov = ft.tensor([[2.0, 0.3], [0.3, 1.0]], dtype=ft.float64)
    m = D.MultivariateNormal(ft.tensor([0.1, 0.2], dtype=ft.float64), covariance_matrix=cov)
    s = np.asarray(m.sample((40000,)).tolist())
    np.testing.assert_allclose(np.cov(s.T), cov.tolist(), atol=0.05)


def test_rsample_gradients():
    """d E[f(x)] / d theta by rsample matches the analytic derivative of the mean."""
    ft.manual_seed(2)
    D = ft.distributions
    for make, dmean in [
        (lambda a, b: D.Normal(a, b), lambda a, b: (1.0, 0.0)),
        (lambda a, b: D.Gamma(a, b), lambda a, b: (1 / b, -a / b ** 2)),
        (lambda a, b: D.Beta(a, b), lambda a, b: (b / (a + b) ** 2, -a / (a + b) ** 2)),
    ]:
        a = ft.tensor(1.7, dtype=ft.float64, requires_grad=True)
        b = ft.tensor(2.3, dtype=ft.float64, requires_grad=True)
        x = make(a, b).rsample((40000,))
        ga, gb = ft.autograd.grad(x.mean(), [a, b])
        want = dmean(1.7, 2.3)
        np.testing.assert_allclose([ga.item(), gb.item()], want, atol=0.02)
    conc = ft.tensor([1.5, 2.5, 0.8], dtype=ft.float64, requires_grad=True)
    x = D.Dirichlet(conc).rsample((40000,))
    (g,) = ft.autograd.grad(x[:, 0].mean(), [conc])
    c0 = 4.8
    np.testing.assert_allclose(g.tolist(), [(c0 - 1.5) / c0 ** 2, -1.5 / c0 ** 2,
                                            -1.5 / c0 ** 2], atol=0.02)
