"""Regenerates golden_extension.json from real torch 2.13 (see scenarios_extension.py)."""
import json
import sys

import scenarios_extension as se


def main():
    import torch

    if not torch.__version__.startswith("2.13."):
        sys.exit(f"golden records are for torch 2.13, found {torch.__version__}")
    golden = {"torch_version": torch.__version__,
              "records": {n: se.run(n, torch) for n in sorted(se.SCENARIOS)}}
    with open(se.GOLDEN_PATH, "w", encoding="utf-8") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {se.GOLDEN_PATH}")


if __name__ == "__main__":
    main()
