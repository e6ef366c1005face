"""How much of torch's surface fungrad.torch has: top-level functions (the public routines of
``torch``), Tensor attributes (the public names of ``torch.Tensor``) and the functions of
torch.linalg, torch.special, torch.fft and torch.distributions' classes.

torch's lists come from the live torch when it is installed (``--write`` stores them), otherwise
from the committed files beside this script, so it runs without torch:

    python benchmarks/torch_coverage.py [--missing] [--write]
"""
import inspect
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LISTS = {"top-level functions": "torch_toplevel_names.txt",
         "Tensor attributes": "torch_tensor_attrs.txt"}
SUBMODULES = ("linalg", "special", "fft")


def torch_lists(torch):
    top = sorted(n for n in dir(torch) if not n.startswith("_")
                 and inspect.isroutine(getattr(torch, n)))
    attrs = sorted(n for n in dir(torch.Tensor) if not n.startswith("_"))
    return {"top-level functions": top, "Tensor attributes": attrs}


def sub_lists(torch):
    out = {}
    for m in SUBMODULES:
        mod = getattr(torch, m)
        out[f"torch.{m}"] = sorted(n for n in dir(mod) if not n.startswith("_")
                                   and inspect.isroutine(getattr(mod, n)))
    import torch.distributions as D
    out["torch.distributions"] = sorted(n for n in dir(D) if not n.startswith("_")
                                        and inspect.isclass(getattr(D, n))
                                        and issubclass(getattr(D, n), D.Distribution))
    return out


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return f.read().split()


def main(argv):
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        lists = {**torch_lists(torch), **sub_lists(torch)}
        if "--write" in argv:
            for k, fname in LISTS.items():
                with open(os.path.join(HERE, fname), "w", encoding="utf-8") as f:
                    f.write("\n".join(lists[k]) + "\n")
        source = f"torch {torch.__version__} (live)"
    else:
        lists = {k: load(f) for k, f in LISTS.items()}
        source = "committed lists (torch is not installed)"
    import fungrad.torch as ft
    owners = {"top-level functions": ft, "Tensor attributes": ft.Tensor}
    for m in SUBMODULES:
        owners[f"torch.{m}"] = getattr(ft, m, None)
    owners["torch.distributions"] = getattr(ft, "distributions", None)
    print(f"torch's names from {source}")
    for k, names in lists.items():
        owner = owners[k]
        have = [n for n in names if owner is not None and hasattr(owner, n)]
        print(f"{k:22s} {len(have):4d} of {len(names):4d}")
        if "--missing" in argv:
            print("   missing:", " ".join(n for n in names if n not in have))


if __name__ == "__main__":
    main(sys.argv[1:])
