"""Gradients at kinks and zeros as PyTorch computes them (torch 2.13's values recorded in
golden_kinks.json by running this file as a script; compared with live torch when installed).

fungrad's core follows JAX's conventions at kinks (grad(abs)(0.) == 1); fungrad.torch composes
its ops so that their gradients are torch's there: abs/norms/distances/L1 losses/copysign take
sign(x) = 0 at 0 (fungrad.torch._util.tabs), norms and std have gradient 0 where they are 0
(safe_root), hardtanh/relu6 are 0 at their bounds, fmax/fmin give a tie to the first operand,
atan2 has gradient 0 at the origin, and BCE-with-logits is sigmoid(x) - y at x = 0.

    python tests/torch_shim/test_kinks.py   # (re)writes golden_kinks.json from real torch
"""
import json
import math
import pathlib
import sys

import pytest

GOLDEN = pathlib.Path(__file__).with_name("golden_kinks.json")


def F(T):
    return T.nn.functional


CASES = {
    "abs": lambda T, x: T.abs(x),
    "relu": lambda T, x: T.relu(x),
    "relu6": lambda T, x: F(T).relu6(x),
    "hardtanh": lambda T, x: F(T).hardtanh(x),
    "hardtanh_6": lambda T, x: F(T).hardtanh(x * 6, 0.0, 6.0),
    "clamp": lambda T, x: T.clamp(x, 0.0, 1.0),
    "max_all": lambda T, x: T.max(T.stack([x, x])),
    "max_dim": lambda T, x: T.max(T.stack([x, x]), 0)[0],
    "maximum": lambda T, x: T.maximum(x, T.ones_like(x)),
    "fmax": lambda T, x: T.fmax(x, T.ones_like(x)),
    "fmin": lambda T, x: T.fmin(x, T.ones_like(x)),
    "fmax_other": lambda T, x: T.fmax(T.ones_like(x), x),
    "atan2": lambda T, x: T.atan2(x, T.zeros_like(x)),
    "atan2_other": lambda T, x: T.atan2(T.zeros_like(x), x),
    "std": lambda T, x: T.std(T.stack([x, x])),
    "std_mean": lambda T, x: T.std_mean(T.stack([x, x]))[0],
    "var": lambda T, x: T.var(T.stack([x, x])),
    "dist": lambda T, x: T.dist(x, x.detach()),
    "dist_p3": lambda T, x: T.dist(x, x.detach() * 0, p=3),
    "norm_fro": lambda T, x: T.norm(T.stack([x, x * 0])),
    "norm_p1": lambda T, x: T.norm(T.stack([x, x]), p=1),
    "norm_p3": lambda T, x: T.norm(T.stack([x, x * 0]), p=3),
    "vector_norm_p3": lambda T, x: T.linalg.vector_norm(T.stack([x, x * 0]), ord=3),
    "matrix_norm_fro": lambda T, x: T.linalg.matrix_norm(T.stack([x, x]).reshape(1, 2) * x),
    "normalize": lambda T, x: F(T).normalize(T.stack([x, x * 0]).reshape(1, 2)).sum(),
    "l1_loss": lambda T, x: F(T).l1_loss(x, T.zeros_like(x)),
    "copysign": lambda T, x: T.copysign(x, T.full_like(x, -2.0)),
    "bce_logits": lambda T, x: F(T).binary_cross_entropy_with_logits(x, T.ones_like(x)),
    "bce_logits_pos_weight": lambda T, x: F(T).binary_cross_entropy_with_logits(
        x, T.ones_like(x), pos_weight=T.full_like(x, 2.0)),
    "softplus": lambda T, x: F(T).softplus(x),
    "smooth_l1": lambda T, x: F(T).smooth_l1_loss(x, T.zeros_like(x)),
    "leaky_relu": lambda T, x: F(T).leaky_relu(x),
    "sqrt": lambda T, x: T.sqrt(x),
    "remainder": lambda T, x: T.remainder(x, 1.5),
    "median": lambda T, x: T.median(T.stack([x, x, x])),
    "logaddexp": lambda T, x: T.logaddexp(x, x),
}
POINTS = [0.0, 1.0, -1.0, 1.5, 3.0]


def gradient(T, name, p):
    x = T.tensor(p, dtype=T.float64, requires_grad=True)
    try:
        g, = T.autograd.grad(CASES[name](T, x).sum(), x, allow_unused=True)
    except Exception as e:  # noqa: BLE001 - the error is the result
        return type(e).__name__
    return None if g is None else float(g)


def _same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12)
    return a == b


def _golden():
    return {k: v for k, v in json.loads(GOLDEN.read_text()).items()}


def test_golden_covers_every_case():
    assert sorted(_golden()) == sorted(f"{n}@{p}" for n in CASES for p in POINTS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_at_kinks_equals_torchs(name):
    import fungrad.torch as ftorch
    golden = _golden()
    for p in POINTS:
        want = golden[f"{name}@{p}"]
        want = float("nan") if want == "nan" else want
        got = gradient(ftorch, name, p)
        assert _same(got, want), (name, p, got, want)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_at_kinks_equals_live_torch(name):
    torch = pytest.importorskip("torch", reason="torch is not installed: compared with the "
                                "recorded golden_kinks.json only")
    import fungrad.torch as ftorch
    for p in POINTS:
        assert _same(gradient(ftorch, name, p), gradient(torch, name, p)), (name, p)


if __name__ == "__main__":
    import torch
    out = {}
    for n in CASES:
        for p in POINTS:
            g = gradient(torch, n, p)
            out[f"{n}@{p}"] = "nan" if isinstance(g, float) and math.isnan(g) else g
    GOLDEN.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(out)} gradients from torch {torch.__version__} to {GOLDEN}", file=sys.stderr)
