"""``python -m fungrad.torch script.py`` runs a script written for real torch unchanged, and
``fungrad.torch.install()`` aliases ``import torch`` / ``torch.nn`` / ``torch.func`` /
``functorch`` only when called."""
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(HERE, "scripts", "train_torch_script.py")
sys.path.insert(0, HERE)
import nn_kit  # noqa: E402


def _run(args, **kw):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable] + args, capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300, **kw)


def _numbers(text):
    return [float(v) for v in re.findall(r"-?\d+\.\d+", text)]


def test_script_runs_under_fungrad_torch():
    r = _run(["-m", "fungrad.torch", SCRIPT, "--epochs", "2"])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().split("\n")
    assert lines[0].startswith("epoch 0 loss ") and lines[1].startswith("epoch 1 loss ")
    assert lines[-2] == "functorch has vmap True"
    assert lines[-1] == "Linear(in_features=16, out_features=3, bias=True)"
    golden = nn_kit.load_golden()["runner_script_output"]
    got, want = _numbers(r.stdout), _numbers(golden)
    assert len(got) == len(want) == 9
    for g, w in zip(got, want):
        assert abs(g - w) <= 2e-4 * max(1.0, abs(w)), (r.stdout, golden)


def test_script_matches_real_torch_live():
    torch = nn_kit.real_torch_or_none(nn_kit.load_golden()["torch_version"])
    if torch is None:
        pytest.skip(nn_kit.SKIP_REASON)
    real = _run([SCRIPT, "--epochs", "2"])
    assert real.returncode == 0, real.stderr
    ours = _run(["-m", "fungrad.torch", SCRIPT, "--epochs", "2"])
    assert ours.returncode == 0, ours.stderr
    got, want = _numbers(ours.stdout), _numbers(real.stdout)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert abs(g - w) <= 2e-4 * max(1.0, abs(w)), (ours.stdout, real.stdout)
    assert ours.stdout.split("\n")[-2:] == real.stdout.split("\n")[-2:]


def test_install_aliases_only_when_called():
    code = ("import sys, fungrad.torch as ft\n"
            "print('torch' in sys.modules and sys.modules['torch'] is ft)\n"
            "ft.install()\n"
            "import torch, torch.nn as nn, torch.nn.functional as F\n"
            "from torch.func import grad, vmap\n"
            "from torch.utils.data import DataLoader\n"
            "import torch.optim.lr_scheduler as sch\n"
            "import functorch\n"
            "print(torch is ft, nn is ft.nn, F is ft.nn.functional, grad is ft.func.grad,\n"
            "      functorch is ft.func, sch is ft.optim.lr_scheduler, DataLoader.__module__)\n"
            "print(ft.__spec__.name, ft.nn.__spec__.name)\n"
            "ft.uninstall()\n"
            "print('torch' in sys.modules)\n")
    r = _run(["-c", code])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().split("\n")
    assert lines[0] == "False"
    assert lines[1] == "True True True True True True fungrad.torch.utils.data._data"
    assert lines[2] == "fungrad.torch fungrad.torch.nn"
    assert lines[3] == "False"


def test_missing_module_and_usage():
    r = _run(["-m", "fungrad.torch", "-c", "import torch.distributed"])
    assert r.returncode != 0 and "ModuleNotFoundError" in r.stderr
    r = _run(["-m", "fungrad.torch", "-c", "import sys, torch; print(torch.__version__, "
              "sys.argv)", "a", "b"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "2.13.0+fungrad ['-c', 'a', 'b']"
    r = _run(["-m", "fungrad.torch"])
    assert r.returncode == 2 and "usage" in r.stdout


def test_quickstart_tutorial_runs_unchanged():
    r = _run(["-m", "fungrad.torch", os.path.join(HERE, "scripts", "quickstart_tutorial.py")])
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("Using cpu device\nNeuralNetwork(\n  (flatten): Flatten(start_dim=1, "
                          "end_dim=-1)\n  (linear_relu_stack): Sequential(\n    (0): Linear("
                          "in_features=784, out_features=64, bias=True)\n")
    assert out.count("Accuracy: ") == 2 and out.count("\nloss: ") == 4
    assert out.rstrip().endswith("torch.Size([1, 10]) True")
