"""fungrad.torch against real PyTorch 2.13 on the nn, optim and data scenarios
(nn_scenarios_modules.py, nn_scenarios_optim.py, nn_scenarios_data.py): always against
golden_nn.json (make_golden_nn.py), and live when torch 2.13 is installed (the live part is
skipped, visibly, otherwise)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_kit  # noqa: E402
import nn_scenarios_data  # noqa: E402,F401
import nn_scenarios_modules  # noqa: E402,F401
import nn_scenarios_optim  # noqa: E402,F401

AREAS = ("modules", "optim", "data")
CASES = [pytest.param(name, id=f"{area}-{name}") for area in AREAS for name in nn_kit.names(area)]


def test_golden_covers_every_scenario():
    assert sorted(nn_kit.load_golden()["records"]) == sorted(nn_kit.NN_SCENARIOS)
    assert all(nn_kit.names(area) for area in AREAS)


@pytest.mark.parametrize("name", CASES)
def test_against_golden(name):
    nn_kit.check_golden(name)


@pytest.mark.parametrize("name", CASES)
def test_against_live_torch(name):
    nn_kit.check_live(name)
