"""Regenerates golden_distributions.json from real torch 2.13 (see scenarios_distributions.py)."""
import json
import sys

import scenarios_distributions as sd


def main():
    import torch

    if not torch.__version__.startswith("2.13."):
        sys.exit(f"golden records are for torch 2.13, found {torch.__version__}")
    golden = {"torch_version": torch.__version__, "records": sd.run(torch)}
    with open(sd.GOLDEN_PATH, "w", encoding="utf-8") as f:
        json.dump(golden, f, indent=0, sort_keys=True)
        f.write("\n")
    print(f"wrote {sd.GOLDEN_PATH}")


if __name__ == "__main__":
    main()
