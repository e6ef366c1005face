"""Which jax.numpy names fungrad.numpy has: prints each name with `yes` / `no` and the count.

    python benchmarks/numpy_coverage.py            # every name
    python benchmarks/numpy_coverage.py --missing  # only the missing ones

The names come from the installed jax.numpy when jax is importable, else from the list recorded
beside this script (benchmarks/jax_numpy_names.txt, from jax 0.10.2).
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import fungrad.numpy as fnp  # noqa: E402

LIST = pathlib.Path(__file__).with_name("jax_numpy_names.txt")


def jax_numpy_names():
    try:
        import jax
        import jax.numpy as jnp
        return sorted(n for n in dir(jnp) if not n.startswith("_")), f"jax {jax.__version__}"
    except ImportError:
        lines = LIST.read_text().splitlines()
        return [ln for ln in lines if ln and not ln.startswith("#")], f"{LIST.name}"


def main(argv):
    names, source = jax_numpy_names()
    have = [n for n in names if hasattr(fnp, n)]
    only_missing = "--missing" in argv
    for n in names:
        ok = hasattr(fnp, n)
        if not (only_missing and ok):
            print(f"{n:28s} {'yes' if ok else 'no'}")
    print(f"fungrad.numpy has {len(have)} of the {len(names)} jax.numpy names ({source})")
    return have, names


if __name__ == "__main__":
    main(sys.argv[1:])
