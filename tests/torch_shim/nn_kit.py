"""Registry and helpers for the torch.nn / optim / data scenarios (golden_nn.json).

A scenario is ``fn(torch) -> record`` (JSON-able), run against real torch 2.13 and against
fungrad.torch. Weights and inputs come from ``det`` (a fixed formula, not an RNG), so both
libraries see the same numbers; every module is re-initialized with ``set_params``.
"""
import json
import math
import os
import sys
import warnings

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from scenario_kit import E, L, R, W, first_line  # noqa: E402,F401

NN_SCENARIOS = {}
GOLDEN_NN_PATH = os.path.join(_HERE, "golden_nn.json")
RTOL, ATOL = 2e-5, 2e-6


def scenario(area):
    """Registers ``fn`` under its name in ``area`` ('modules', 'optim', 'data')."""
    def deco(fn):
        if fn.__name__ in NN_SCENARIOS:
            raise ValueError(f"duplicate scenario {fn.__name__}")
        NN_SCENARIOS[fn.__name__] = (area, fn)
        return fn
    return deco


def names(area):
    return sorted(n for n, (a, _) in NN_SCENARIOS.items() if a == area)


def vals(n, k=0, scale=1.0):
    """n deterministic numbers in about [-scale, scale]."""
    return [scale * math.sin(0.7 * i + 1.3 * k + 0.1) * math.cos(0.31 * i + k) for i in range(n)]


def det(torch, *shape, k=0, scale=1.0, dtype=None, requires_grad=False):
    n = 1
    for s in shape:
        n *= s
    t = torch.tensor(vals(n, k, scale), dtype=dtype or torch.float32).reshape(tuple(shape))
    return t.requires_grad_(requires_grad) if requires_grad else t


def set_params(torch, module, scale=0.5):
    """Overwrites every parameter with det values (in named_parameters order)."""
    with torch.no_grad():
        for i, (_, p) in enumerate(module.named_parameters()):
            p.copy_(det(torch, *p.shape, k=i + 1, scale=scale, dtype=p.dtype))
    return module


def grads(module):
    return {n: (None if p.grad is None else L(p.grad)) for n, p in module.named_parameters()}


def run(name, module):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            record = NN_SCENARIOS[name][1](module)
    finally:
        try:
            module.set_grad_enabled(True)
        except Exception:  # noqa: BLE001
            pass
    return json.loads(json.dumps(record))


def _same_float(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= ATOL + RTOL * abs(b)


def diff(got, want, path="$"):
    if isinstance(want, float) and isinstance(got, int) and not isinstance(got, bool):
        got = float(got)
    if type(got) is not type(want):
        return [f"{path}: {got!r} != {want!r} (type {type(got).__name__} vs "
                f"{type(want).__name__})"]
    if isinstance(want, float):
        return [] if _same_float(got, want) else [f"{path}: {got!r} != {want!r}"]
    if isinstance(want, list):
        if len(got) != len(want):
            return [f"{path}: length {len(got)} != {len(want)}"]
        return [d for i, (g, w) in enumerate(zip(got, want)) for d in diff(g, w, f"{path}[{i}]")]
    if isinstance(want, dict):
        if set(got) != set(want):
            return [f"{path}: keys {sorted(got)} != {sorted(want)}"]
        return [d for k in want for d in diff(got[k], want[k], f"{path}.{k}")]
    return [] if got == want else [f"{path}: {got!r} != {want!r}"]


def load_golden():
    with open(GOLDEN_NN_PATH, encoding="utf-8") as f:
        return json.load(f)


def real_torch_or_none(version):
    try:
        import torch
    except ImportError:
        return None
    if getattr(torch, "__file__", None) is None or getattr(torch, "__name__", "") != "torch":
        return None
    if not torch.__version__.startswith(version.split("+")[0]):
        return None
    return torch


SKIP_REASON = ("real PyTorch 2.13 is not installed (pip install torch==2.13.0): live comparison "
               "skipped; compared against golden_nn.json only")


def check_golden(name):
    """fungrad.torch's record of scenario ``name`` equals real torch's in golden_nn.json."""
    import fungrad.torch as ftorch
    got = run(name, ftorch)
    problems = diff(got, load_golden()["records"][name])
    assert not problems, "fungrad.torch vs golden_nn.json:\n" + "\n".join(problems[:20])


def check_live(name):
    """With torch 2.13 installed: live torch reproduces golden_nn.json, and fungrad.torch
    matches live torch; skipped (visibly) otherwise."""
    import pytest

    import fungrad.torch as ftorch
    golden = load_golden()
    torch = real_torch_or_none(golden["torch_version"])
    if torch is None:
        pytest.skip(SKIP_REASON)
    live = run(name, torch)
    problems = diff(live, golden["records"][name])
    assert not problems, "live torch vs golden_nn.json (stale golden?):\n" + \
        "\n".join(problems[:20])
    problems = diff(run(name, ftorch), live)
    assert not problems, "fungrad.torch vs live torch:\n" + "\n".join(problems[:20])
