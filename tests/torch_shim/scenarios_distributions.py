"""torch.distributions scenarios: for each family, batch/event shapes, mean/variance/stddev,
log_prob, entropy, kl_divergence against a second member of the family, sample/rsample shapes and
dtypes, and the gradients of log_prob + kl + entropy with respect to the parameters.
make_golden_dist.py records them from torch 2.13 (golden_distributions.json);
test_distributions.py compares fungrad.torch with the file and with torch live.
"""
import json
import math
import os

GOLDEN_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "golden_distributions.json")


def load_golden():
    with open(GOLDEN_PATH, encoding="utf-8") as f:
        return json.load(f)


def run(T):
    D = T.distributions
    made = []

    def P(*v):
        t = T.tensor(list(v), dtype=T.float64, requires_grad=True)
        made.append(t)
        return t

    def M(rows):
        t = T.tensor(rows, dtype=T.float64, requires_grad=True)
        made.append(t)
        return t

    f64 = T.float64
    cases = {
        "normal": (lambda: D.Normal(P(0.3, -1.0), P(0.7, 1.6)),
                   lambda: D.Normal(P(0.1, 0.0), P(1.0, 0.5)), [0.1, 0.5]),
        "uniform": (lambda: D.Uniform(P(-1.0, 0.0), P(1.0, 2.0)),
                    lambda: D.Uniform(P(-2.0, -1.0), P(2.0, 3.0)), [0.1, 0.5]),
        "bernoulli": (lambda: D.Bernoulli(probs=P(0.3, 0.8)),
                      lambda: D.Bernoulli(logits=P(0.2, -1.0)), [0.0, 1.0]),
        "categorical": (lambda: D.Categorical(probs=P(0.2, 0.3, 0.5)),
                        lambda: D.Categorical(logits=P(0.1, -0.4, 1.0)), 2),
        "mvn": (lambda: D.MultivariateNormal(P(0.1, 0.2),
                                             covariance_matrix=M([[2.0, 0.3], [0.3, 1.0]])),
                lambda: D.MultivariateNormal(P(0.0, -0.3), scale_tril=M([[1.0, 0.0], [0.4, 0.7]])),
                [0.1, 0.5]),
        "gamma": (lambda: D.Gamma(P(2.0, 0.7), P(1.5, 3.0)),
                  lambda: D.Gamma(P(1.0, 2.0), P(0.5, 1.0)), [0.4, 1.3]),
        "beta": (lambda: D.Beta(P(2.0, 0.7), P(1.5, 3.0)),
                 lambda: D.Beta(P(1.0, 2.0), P(0.5, 1.0)), [0.4, 0.3]),
        "dirichlet": (lambda: D.Dirichlet(P(2.0, 0.7, 1.2)),
                      lambda: D.Dirichlet(P(1.0, 2.0, 0.5)), [0.2, 0.3, 0.5]),
        "exponential": (lambda: D.Exponential(P(2.0, 0.7)),
                        lambda: D.Exponential(P(1.0, 3.0)), [0.1, 0.5]),
        "laplace": (lambda: D.Laplace(P(0.3, -1.0), P(0.7, 1.6)),
                    lambda: D.Laplace(P(0.0, 1.0), P(2.0, 0.3)), [0.1, 0.5]),
        "poisson": (lambda: D.Poisson(P(2.0, 0.7)),
                    lambda: D.Poisson(P(1.0, 3.0)), [1.0, 3.0]),
        "lognormal": (lambda: D.LogNormal(P(0.3, -1.0), P(0.7, 1.6)), None, [0.1, 0.5]),
        "independent": (lambda: D.Independent(D.Normal(P(0.3, -1.0), P(0.7, 1.6)), 1),
                        lambda: D.Independent(D.Normal(P(0.1, 0.0), P(1.0, 0.5)), 1),
                        [0.1, 0.5]),
    }
    out = {}
    for name, (mk, mk2, value) in cases.items():
        made.clear()
        d = mk()
        q = mk2() if mk2 is not None else None
        val = T.tensor(value) if isinstance(value, int) else T.tensor(value, dtype=f64)
        rec = {"batch": list(d.batch_shape), "event": list(d.event_shape)}
        for attr in ("mean", "variance", "stddev"):
            rec[attr] = _try(lambda attr=attr, d=d: getattr(d, attr).tolist())
        lp = d.log_prob(val)
        rec["log_prob"] = lp.tolist()
        rec["entropy"] = _try(lambda d=d: d.entropy().tolist())
        tot = lp.sum()
        if q is not None:
            kl = D.kl_divergence(d, q)
            rec["kl"] = kl.tolist()
            tot = tot + kl.sum()
        if not isinstance(rec["entropy"], str):
            tot = tot + d.entropy().sum()
        s = d.sample((4,))
        rec["sample"] = [list(s.shape), str(s.dtype), s.requires_grad]
        if d.has_rsample:
            rs = d.rsample((3,))
            rec["rsample"] = [list(rs.shape), str(rs.dtype), rs.requires_grad]
        grads = T.autograd.grad(tot, list(made), allow_unused=True)
        rec["grads"] = [None if g is None else g.tolist() for g in grads]
        out[name] = rec
    out["kl_missing"] = _try(lambda: D.kl_divergence(D.Dirichlet(T.ones(2)), D.Normal(0.0, 1.0)))
    return _clean(out)


def _clean(x):
    """nan and inf as strings (JSON has neither; nan != nan)."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


def _try(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the error type is the record
        return type(e).__name__
