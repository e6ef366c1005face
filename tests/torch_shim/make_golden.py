"""Regenerates golden.json: every scenario's record under real PyTorch.

Run ``python tests/torch_shim/make_golden.py`` with torch 2.13 installed
(``pip install torch==2.13.0``); commit the result with the scenario change.
"""

import json
import sys

import scenarios


def main():
    import torch

    if not torch.__version__.startswith("2.13."):
        sys.exit(f"golden records are for torch 2.13, found {torch.__version__}")
    records = {name: scenarios.run(name, torch) for name in sorted(scenarios.SCENARIOS)}
    again = {name: scenarios.run(name, torch) for name in sorted(scenarios.SCENARIOS)}
    unstable = [n for n in records if scenarios.diff(again[n], records[n])]
    if unstable:
        sys.exit(f"records differ between two runs: {unstable}")
    golden = {"torch_version": torch.__version__, "records": records}
    with open(scenarios.GOLDEN_PATH, "w", encoding="utf-8") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(records)} records to {scenarios.GOLDEN_PATH}")


if __name__ == "__main__":
    main()
