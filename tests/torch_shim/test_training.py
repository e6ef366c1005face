"""Training end to end: an MLP classifier trained 200 steps with Adam + CosineAnnealingLR under
fungrad.torch and under real torch. Always: against torch's recorded run in golden_nn.json
(deterministic init). Live (torch 2.13 installed): both libraries start from the same
state_dict, drawn by real torch's own default initialization, and their final losses agree to
1e-4 relative."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_kit  # noqa: E402
import nn_scenarios_data  # noqa: E402,F401
import nn_scenarios_modules  # noqa: E402,F401
import nn_scenarios_optim  # noqa: E402,F401


def test_mlp_classifier_against_golden_record():
    import fungrad.torch as ftorch
    want = nn_kit.load_golden()["records"]["t_mlp_classifier_adam_cosine_200_steps"]
    got = nn_kit.run("t_mlp_classifier_adam_cosine_200_steps", ftorch)
    assert abs(got["final"] - want["final"]) <= 1e-4 * abs(want["final"])
    for g, w in zip(got["trace"], want["trace"]):
        assert abs(g - w) <= 1e-4 * abs(w)
    assert got["accuracy"] == want["accuracy"] == 1.0
    assert got["final"] < 0.05 * got["trace"][0]


def test_mlp_classifier_live_from_torch_init():
    torch = nn_kit.real_torch_or_none(nn_kit.load_golden()["torch_version"])
    if torch is None:
        pytest.skip(nn_kit.SKIP_REASON)
    import fungrad.torch as ftorch
    torch.manual_seed(0)
    nn = torch.nn
    init = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.ReLU(),
                         nn.Linear(32, 3))
    state = {k: v.tolist() for k, v in init.state_dict().items()}
    want = nn_scenarios_optim.mlp_classifier_run(torch, state=state)
    got = nn_scenarios_optim.mlp_classifier_run(ftorch, state=state)
    assert abs(got["final"] - want["final"]) <= 1e-4 * abs(want["final"]), (got, want)
    assert got["accuracy"] == want["accuracy"]


def test_lenet_cnn_against_golden_record():
    import fungrad.torch as ftorch
    want = nn_kit.load_golden()["records"]["t_cnn_lenet_adam_steplr_200_steps"]
    got = nn_kit.run("t_cnn_lenet_adam_steplr_200_steps", ftorch)
    for g, w in zip(got["trace"][:3] + [got["final"]], want["trace"][:3] + [want["final"]]):
        assert abs(g - w) <= 1e-4 * abs(w) + 1e-7
    assert got["accuracy"] == want["accuracy"] == 1.0


def test_lenet_cnn_live_from_torch_init():
    torch = nn_kit.real_torch_or_none(nn_kit.load_golden()["torch_version"])
    if torch is None:
        pytest.skip(nn_kit.SKIP_REASON)
    import fungrad.torch as ftorch
    torch.manual_seed(1)
    nn = torch.nn
    init = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 6, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten(),
                         nn.Linear(24, 16), nn.ReLU(), nn.Linear(16, 3))
    state = {k: v.tolist() for k, v in init.state_dict().items()}
    want = nn_scenarios_optim.cnn_classifier_run(torch, steps=60, state=state)
    got = nn_scenarios_optim.cnn_classifier_run(ftorch, steps=60, state=state)
    assert abs(got["final"] - want["final"]) <= 1e-4 * abs(want["final"]) + 1e-7, (got, want)
    for g, w in zip(got["trace"], want["trace"]):
        assert abs(g - w) <= 1e-4 * abs(w) + 1e-7
