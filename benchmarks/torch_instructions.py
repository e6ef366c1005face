"""Instructions per training step of the 64-32-10 MLP (tensors + SGD, batch 16: torch_mlp.py's
sgd_step), counted by valgrind's callgrind: a measure of the per-op Python and numpy work that
a loaded or noisy machine does not change (timings on the shared development machine drift by up
to 2x; instruction counts repeat to 0.1%). Instrumentation is switched on only around the
measured steps (``callgrind_control -i on``), after imports and 20 warm-up steps.

    python benchmarks/torch_instructions.py [--steps 100] [--torch] [--phase full|fwd|fb] [CHECKOUT ...]

Each CHECKOUT (a fungrad source tree, default this one) is measured in turn, e.g. a worktree of
an earlier commit against this one; --torch adds real PyTorch (its count is C++ and thread
hand-off work, so compare it only loosely). --phase fwd counts the forward only, fb forward and
backward (no update). Needs valgrind (Debian: apt install valgrind).
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _step_program(which, steps, phase):
    # torch_mlp.py's loop (sgd_params, sgd_step), imported from this folder
    return f"""
import os, subprocess, sys
sys.path.insert(0, {HERE!r})
if {which!r} == "torch":
    import torch
    torch.set_num_threads(1)
else:
    import fungrad.torch as torch
from torch_mlp import sgd_params, sgd_step
X, Y, params = sgd_params(torch, [64, 32, 10], 16)
for _ in range(20):
    sgd_step(torch, X, Y, params, phase={phase!r})
subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], capture_output=True)
for _ in range({steps}):
    sgd_step(torch, X, Y, params, phase={phase!r})
subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], capture_output=True)
"""


def count(which, checkout, steps, phase):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               PYTHONPATH=checkout if checkout else os.environ.get("PYTHONPATH", ""))
    # the interpreter itself, not a wrapper script (valgrind follows no child process)
    python = os.path.realpath(sys.executable)
    out = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                          "--callgrind-out-file=/dev/null", python, "-c",
                          _step_program(which, steps, phase)],
                         env=env, capture_output=True, text=True, check=False,
                         cwd=checkout or None)  # (python -c imports from its directory first)
    for line in out.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split()[-1]) / steps
    raise RuntimeError(f"callgrind printed no count:\n{out.stderr[-2000:]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkouts", nargs="*", default=[os.path.dirname(HERE)])
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--torch", action="store_true")
    ap.add_argument("--phase", choices=("full", "fwd", "fb"), default="full")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed")
    for c in args.checkouts:
        n = count("fungrad", os.path.abspath(c), args.steps, args.phase)
        print(f"fungrad.torch {c}: {n:,.0f} instructions per step ({args.phase})")
    if args.torch:
        n = count("torch", None, args.steps, args.phase)
        print(f"torch: {n:,.0f} instructions per step ({args.phase})")


if __name__ == "__main__":
    main()
