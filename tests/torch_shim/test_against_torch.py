"""fungrad.torch against real PyTorch over every scenario in scenarios.py.

golden.json holds the records real torch 2.13 produced (make_golden.py), so
the fungrad.torch side runs without torch installed. When torch 2.13 is
installed, real torch is also run live: against the golden file (to catch a
stale one) and against fungrad.torch directly.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402

NAMES = sorted(scenarios.SCENARIOS)
GOLDEN = scenarios.load_golden()
SKIP_REASON = "real PyTorch 2.13 is not installed (pip install torch==2.13.0): live comparison skipped"


def _real_torch_or_none():
    try:
        import torch
    except ImportError:
        return None
    # a tests/torch/ folder could be picked up as a namespace package named "torch"
    if getattr(torch, "__file__", None) is None:
        return None
    if not torch.__version__.startswith(GOLDEN["torch_version"].split("+")[0]):
        return None
    return torch


def _check(got, want, what):
    problems = scenarios.diff(got, want)
    assert not problems, f"{what}:\n" + "\n".join(problems[:20])


def test_golden_covers_every_scenario():
    assert sorted(GOLDEN["records"]) == NAMES
    assert len(NAMES) >= 60


@pytest.mark.parametrize("name", NAMES)
def test_real_torch_matches_golden(name):
    torch = _real_torch_or_none()
    if torch is None:
        pytest.skip(SKIP_REASON)
    _check(scenarios.run(name, torch), GOLDEN["records"][name], "real torch vs golden.json")


@pytest.mark.parametrize("name", NAMES)
def test_fungrad_torch_matches_torch(name):
    import fungrad.torch as ftorch

    got = scenarios.run(name, ftorch)
    _check(got, GOLDEN["records"][name], "fungrad.torch vs golden.json (real torch 2.13)")
    torch = _real_torch_or_none()
    if torch is not None:
        _check(got, scenarios.run(name, torch), "fungrad.torch vs live real torch")
