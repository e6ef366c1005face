"""Regenerates golden_ops.json: every op-table row's record under real PyTorch 2.13.

Run ``python tests/torch_shim/make_golden_ops.py`` with torch 2.13 installed; commit the result
with the table change.
"""
import json
import sys

import ops_table


def main():
    import torch

    if not torch.__version__.startswith("2.13."):
        sys.exit(f"golden records are for torch 2.13, found {torch.__version__}")
    torch.set_default_dtype(torch.float32)
    records = {name: ops_table.run(name, torch) for name in sorted(ops_table.ROWS)}
    golden = {"torch_version": torch.__version__, "records": records}
    with open(ops_table.GOLDEN_PATH, "w", encoding="utf-8") as f:
        json.dump(golden, f, indent=0, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(records)} records to {ops_table.GOLDEN_PATH}")


if __name__ == "__main__":
    main()
