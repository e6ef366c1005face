"""Records inplace_views_table's cases from real torch 2.13 into golden_inplace_views.json.

    python tests/torch_shim/make_golden_views.py
"""
import json
import sys

import inplace_views_table as V


def main():
    import torch
    if not torch.__version__.startswith("2.13"):
        sys.exit(f"the golden file is for torch 2.13, found {torch.__version__}")
    with open(V.GOLDEN_PATH, "w") as f:
        json.dump({"torch": torch.__version__, "cases": V.run_all(torch)}, f, indent=1,
                  sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
