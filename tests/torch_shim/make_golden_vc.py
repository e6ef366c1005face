"""Regenerates golden_vc.json: every probe of the version-counter table (vc_table.py) under real
PyTorch 2.13.

Run ``python tests/torch_shim/make_golden_vc.py`` with torch 2.13 installed (after
make_saved_specs.py, if the table changed); commit the result with the table change.
"""
import json
import sys
import warnings

import vc_table


def main():
    import torch

    if not torch.__version__.startswith("2.13."):
        sys.exit(f"golden records are for torch 2.13, found {torch.__version__}")
    torch.set_default_dtype(torch.float32)
    warnings.simplefilter("ignore")
    records = vc_table.run_all(torch)
    with open(vc_table.GOLDEN_PATH, "w", encoding="utf-8") as f:
        json.dump({"torch_version": torch.__version__, "records": records}, f, indent=0,
                  sort_keys=True)
        f.write("\n")
    print(f"wrote {len(records)} records to {vc_table.GOLDEN_PATH}")


if __name__ == "__main__":
    main()
