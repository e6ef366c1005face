"""Regenerates golden_complex.json: every case of complex_transforms_table.py (complex values
through torch's function transforms, and inv_ex/solve_ex of singular matrices) under real
PyTorch 2.13.

Run ``python tests/torch_shim/make_golden_complex.py`` with torch 2.13 installed; commit the result
with the table change.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import complex_transforms_table as table  # noqa: E402


def main():
    import torch

    if not torch.__version__.startswith("2.13."):
        sys.exit(f"golden records are for torch 2.13, found {torch.__version__}")
    torch.set_default_dtype(torch.float32)
    cases, linalg = table.run_all(torch)
    with open(table.GOLDEN_PATH, "w", encoding="utf-8") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases, "linalg": linalg}, f,
                  indent=0, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(cases)} transform cases and {len(linalg)} linalg cases to "
          f"{table.GOLDEN_PATH}")


if __name__ == "__main__":
    main()
