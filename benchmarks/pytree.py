"""Pytree flatten/unflatten speed: fungrad's pure-Python pytrees against optree (C++) and JAX's
jaxlib pytrees (C++) where installed. Prints microseconds per call and the ratio to fungrad.

    python benchmarks/pytree.py

Workloads: what the transforms flatten on every call (an argument tuple, MLP parameters) and
larger trees (1,000 leaves wide, a nested dict, a chain 200 deep). optree runs with
none_is_leaf=False (None is a node, as in JAX and fungrad).
"""
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from _timing import interleaved  # noqa: E402
from fungrad._core import tree as fgtree  # noqa: E402


def workloads():
    a = np.ones(3)
    chain = a
    for _ in range(200):
        chain = [chain, a]
    return {
        "args (w, x, y)": (a, a, a),
        "MLP params, 4 layers": [{"w": a, "b": a} for _ in range(4)],
        "grad args with None": ((a, None), {"lr": 0.1, "opt": (a, a)}),
        "list of 1,000 leaves": [a] * 1000,
        "nested dict 10x10x10": {f"k{i}": {f"m{j}": {f"n{k}": a for k in range(10)}
                                           for j in range(10)} for i in range(10)},
        "chain 200 deep": chain,
    }


def main():
    impls = {"fungrad": (fgtree.tree_flatten, lambda td, lv: td.unflatten(lv))}
    try:
        import optree
        impls["optree"] = (lambda t: optree.tree_flatten(t, none_is_leaf=False),
                           lambda td, lv: td.unflatten(lv))
    except ImportError:
        print("optree not installed (pip install optree): skipped")
    try:
        os.environ.setdefault("JAX_PLATFORMS", "cpu")
        import jax
        impls["jax"] = (jax.tree_util.tree_flatten, lambda td, lv: td.unflatten(lv))
    except ImportError:
        print("jax not installed: skipped")

    names = list(impls)
    print(f"{'workload':24s} {'op':10s} " + " ".join(f"{n + ' us':>11s}" for n in names)
          + "  " + " ".join(f"{n + '/fungrad':>15s}" for n in names[1:]))
    for wname, tree in workloads().items():
        flats = {n: f(tree) for n, (f, _) in impls.items()}
        ref = flats["fungrad"][0]
        for n, (lv, _) in flats.items():  # same leaves in the same order everywhere
            assert len(lv) == len(ref) and all(x is y for x, y in zip(lv, ref)), n
        for op in ("flatten", "unflatten"):
            if op == "flatten":
                fns = {n: (lambda f=f, t=tree: f(t)) for n, (f, _) in impls.items()}
            else:
                fns = {n: (lambda u=u, td=flats[n][1], lv=flats[n][0]: u(td, lv))
                       for n, (_, u) in impls.items()}
            t = interleaved(fns, repeats=5, target=0.01)
            print(f"{wname:24s} {op:10s} " + " ".join(f"{t[n] * 1e6:11.2f}" for n in names)
                  + "  " + " ".join(f"{t[n] / t['fungrad']:15.2f}" for n in names[1:]))


if __name__ == "__main__":
    main()
