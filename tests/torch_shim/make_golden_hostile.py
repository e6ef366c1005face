"""Regenerates golden_hostile.json: real PyTorch 2.13's outcome (value or exception type) of
every call of the hostile-input sweep (test_hostile_torch.py).

Run ``python tests/torch_shim/make_golden_hostile.py`` with torch 2.13 installed; commit the
result with the change to the sweep (or to the shim's signatures, which shape its calls).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
import test_hostile_torch as sweep  # noqa: E402


def main():
    import torch

    import fungrad.torch as shim
    if not torch.__version__.startswith("2.13."):
        sys.exit(f"golden records are for torch 2.13, found {torch.__version__}")
    torch.set_default_dtype(torch.float32)
    golden = {"torch_version": torch.__version__, **sweep.record(torch, shim)}
    with open(sweep.GOLDEN_PATH, "w", encoding="utf-8") as f:  # one line per function
        f.write('{"torch_version": %s, "functions": {\n' % json.dumps(golden["torch_version"]))
        f.write(",\n".join(f"{json.dumps(k)}: {json.dumps(v, sort_keys=True, separators=(',', ':'))}"
                           for k, v in sorted(golden["functions"].items())))
        f.write("\n}}\n")
    n = sum(len(calls) for calls in golden["functions"].values())
    print(f"wrote {len(golden['functions'])} functions, {n} records to {sweep.GOLDEN_PATH}")


if __name__ == "__main__":
    main()
