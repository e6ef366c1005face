"""Which `math` functions give numpy's ufunc results bit for bit on this machine (the measurement
behind fungrad._interp.scalar_emit, whose jit code for 0-d float64 programs uses math.X only
where they agree, probing each once per process).

    python benchmarks/scalar_math.py [N]

Counts, over about N finite inputs across every magnitude (default 500,000; pairs for the
two-operand functions, nonzero bases for pow), the inputs where both results are finite and
their bits differ.
"""
import math
import sys

import numpy as np

from fungrad._interp.scalar_emit import _MATH, _probe_pairs, probe_inputs


def mismatches(ufunc, name, x):
    args = (x,) if ufunc.nin == 1 else _probe_pairs(x)
    with np.errstate(all="ignore"):
        want = ufunc(*args)
    fn = getattr(math, name)
    lists = [a.tolist() for a in args]
    finite = bad = 0
    example = None
    for i, w in enumerate(want.tolist()):
        try:
            got = fn(*[a[i] for a in lists])
        except (ValueError, ArithmeticError):
            continue
        if math.isfinite(got) and math.isfinite(w):
            finite += 1
            if np.float64(got).view(np.int64) != np.float64(w).view(np.int64):
                bad += 1
                example = example or (tuple(a[i] for a in lists), w, got)
    return finite, bad, example


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    x = probe_inputs(n, seed=3)
    print(f"numpy {np.__version__}; {len(x)} inputs")
    for ufunc, name in _MATH.items():
        if getattr(math, name, None) is None:
            print(f"  {ufunc.__name__:10s} math.{name} missing in this Python")
            continue
        finite, bad, example = mismatches(ufunc, name, x)
        line = f"  {ufunc.__name__:10s} {finite:8d} finite, {bad:7d} differ"
        if example:
            line += f"   e.g. {example[0]}: numpy {example[1]!r}, math {example[2]!r}"
        print(line)


if __name__ == "__main__":
    main()
