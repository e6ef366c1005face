"""Every torch.autograd scenario, a runner, and a record comparison.

``run(name, module)`` runs one scenario against ``torch`` or ``fungrad.torch``
and returns its JSON-normalized record; ``diff(got, want)`` lists where two
records differ (floats within a tolerance, everything else exactly).
The scenarios live in ``scenarios_*.py`` beside this file.
"""

import json
import math
import os
import sys
import warnings

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:  # the scenario modules import each other by plain name
    sys.path.insert(0, _HERE)

import scenarios_backward  # noqa: E402,F401
import scenarios_function  # noqa: E402,F401
import scenarios_ops  # noqa: E402,F401
import scenarios_transforms  # noqa: E402,F401
from scenario_kit import SCENARIOS  # noqa: E402

GOLDEN_PATH = os.path.join(_HERE, "golden.json")
RTOL, ATOL = 1e-5, 1e-6

__all__ = ["SCENARIOS", "GOLDEN_PATH", "run", "diff", "load_golden"]


def _reset(module):
    """Best-effort restore of global modes a failed scenario may leave behind."""
    for fn, arg in ((getattr(module, "set_grad_enabled", None), True),
                    (getattr(getattr(module, "autograd", None), "set_detect_anomaly", None), False)):
        try:
            fn(arg)
        except Exception:  # noqa: BLE001 - absent or broken: nothing to restore
            pass


def run(name, module):
    """The record of scenario ``name`` run against ``module``, via a JSON round trip.

    Warnings not captured by the scenario itself are ignored.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            record = SCENARIOS[name](module)
    finally:
        _reset(module)
    return json.loads(json.dumps(record))


def _same_float(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= ATOL + RTOL * abs(b)


def diff(got, want, path="$"):
    """Paths (with both values) where record ``got`` differs from ``want``."""
    if type(got) is not type(want):
        return [f"{path}: {got!r} != {want!r} (type {type(got).__name__} vs {type(want).__name__})"]
    if isinstance(want, float):
        return [] if _same_float(got, want) else [f"{path}: {got!r} != {want!r}"]
    if isinstance(want, list):
        if len(got) != len(want):
            return [f"{path}: length {len(got)} != {len(want)}: {got!r} != {want!r}"]
        return [d for i, (g, w) in enumerate(zip(got, want, strict=True)) for d in diff(g, w, f"{path}[{i}]")]
    if isinstance(want, dict):
        if set(got) != set(want):
            return [f"{path}: keys {sorted(got)} != {sorted(want)}"]
        return [d for k in want for d in diff(got[k], want[k], f"{path}.{k}")]
    return [] if got == want else [f"{path}: {got!r} != {want!r}"]


def load_golden():
    """``{"torch_version": ..., "records": {name: record}}`` from golden.json."""
    with open(GOLDEN_PATH, encoding="utf-8") as f:
        return json.load(f)
