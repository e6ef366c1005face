"""Which of jax.lax's non-primitive names fungrad.lax has: prints each name with `yes` / `no`
and the count (the issue's measure: jax.lax has 218 public names that are not Primitive objects).

    python benchmarks/lax_coverage.py            # every name
    python benchmarks/lax_coverage.py --missing  # only the missing ones

The names come from the installed jax.lax when jax is importable, else from the list recorded
beside this script (benchmarks/jax_lax_names.txt, from jax 0.10.2).
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from fungrad import lax as flax  # noqa: E402

LIST = pathlib.Path(__file__).with_name("jax_lax_names.txt")


def jax_lax_names():
    try:
        import jax
        import jax.lax as jlax
        from jax.extend.core import Primitive
    except ImportError:
        lines = LIST.read_text().splitlines()
        return [ln for ln in lines if ln and not ln.startswith("#")], LIST.name
    names = sorted(n for n in dir(jlax) if not n.startswith("_")
                   and not isinstance(getattr(jlax, n), Primitive))
    return names, f"jax {jax.__version__}"


def main(argv):
    names, source = jax_lax_names()
    have = [n for n in names if hasattr(flax, n)]
    only_missing = "--missing" in argv
    for n in names:
        ok = hasattr(flax, n)
        if not (only_missing and ok):
            print(f"{n:36s} {'yes' if ok else 'no'}")
    print(f"fungrad.lax has {len(have)} of the {len(names)} non-primitive jax.lax names "
          f"({source})")
    return have, names


if __name__ == "__main__":
    main(sys.argv[1:])
