"""fungrad.torch against real PyTorch 2.13 on the modules scenarios (nn_scenarios_modules.py):
always against golden_nn.json (make_golden_nn.py), and live when torch 2.13 is installed (the
live part is skipped, visibly, otherwise)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_kit  # noqa: E402
import nn_scenarios_data  # noqa: E402,F401
import nn_scenarios_modules  # noqa: E402,F401
import nn_scenarios_optim  # noqa: E402,F401

NAMES = nn_kit.names("modules")


def test_golden_covers_every_scenario():
    assert sorted(nn_kit.load_golden()["records"]) == sorted(nn_kit.NN_SCENARIOS)
    assert NAMES


@pytest.mark.parametrize("name", NAMES)
def test_against_golden(name):
    nn_kit.check_golden(name)


@pytest.mark.parametrize("name", NAMES)
def test_against_live_torch(name):
    nn_kit.check_live(name)
