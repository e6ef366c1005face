"""Regenerates golden_nn.json: every nn/optim/data scenario's record under real PyTorch 2.13.

Run ``python tests/torch_shim/make_golden_nn.py`` with torch 2.13 installed.
"""
import json
import os
import subprocess
import sys

import nn_kit
import nn_scenarios_data  # noqa: F401
import nn_scenarios_modules  # noqa: F401
import nn_scenarios_optim  # noqa: F401


def main():
    import torch
    if not torch.__version__.startswith("2.13."):
        sys.exit(f"golden records are for torch 2.13, found {torch.__version__}")
    names = sorted(nn_kit.NN_SCENARIOS)
    records = {n: nn_kit.run(n, torch) for n in names}
    again = {n: nn_kit.run(n, torch) for n in names}
    unstable = [n for n in names if nn_kit.diff(again[n], records[n])]
    if unstable:
        sys.exit(f"records differ between two runs: {unstable}")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts",
                          "train_torch_script.py")
    run = subprocess.run([sys.executable, script, "--epochs", "2"], capture_output=True,
                         text=True, check=True)
    with open(nn_kit.GOLDEN_NN_PATH, "w", encoding="utf-8") as f:
        json.dump({"torch_version": torch.__version__, "records": records,
                   "runner_script_output": run.stdout}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(records)} records to {nn_kit.GOLDEN_NN_PATH}")


if __name__ == "__main__":
    main()
