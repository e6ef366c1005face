"""Elementwise fusion (fungrad._interp.passes.fuse): which numexpr operations equal numpy's bit
for bit, and where a fused numexpr call beats numpy's one-call-per-operation code.

    python benchmarks/fusion.py [--quick]

One core, one thread (numexpr.set_num_threads(1)). Part 1 compares each operation of the fusion
tables with numpy's ufunc on random values and the special ones (nan, inf, -0.0, subnormals,
huge): "identical" means every bit of every result agrees on this CPU (numpy dispatches
transcendental functions to SIMD code that depends on the CPU, so "approx" operations are never
fused by default even where they agree here). Part 2 times jit(f, fuse=False) against
jit(f, fuse="exact") with fusion forced at every size, on the elementwise chains of
benchmarks/run.py's workloads and on synthetic chains; min of interleaved process_time rounds.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _single_core  # noqa: F401  (first: one core, one thread, before numpy loads)

import time

import numexpr
import numpy as np
from _timing import calibrate

import fungrad as fg
from fungrad._interp.passes import fuse as F

QUICK = "--quick" in sys.argv
numexpr.set_num_threads(1)


def _values(dtype, n, rng):
    if dtype.kind == "b":
        return rng.random(n) < 0.5
    if dtype.kind == "i":
        info = np.iinfo(dtype)
        x = rng.integers(info.min, info.max, size=n, dtype=dtype, endpoint=True)
        x[:8] = [0, 1, -1, info.min, info.max, 2, -2, 7]
        return x
    x = (rng.standard_normal(n) * np.exp(rng.uniform(-20, 20, n))).astype(dtype)
    special = [np.nan, np.inf, -np.inf, 0.0, -0.0, np.finfo(dtype).tiny / 4,
               np.finfo(dtype).max, 1.0, -1.0, 0.5]
    x[:len(special)] = special
    return x


def _same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        both_nan = np.isnan(a) & np.isnan(b)
        return bool(np.all(both_nan | (a.view(f"u{a.itemsize}") == b.view(f"u{b.itemsize}"))))
    return bool(np.array_equal(a, b))


def ulps(a, b):
    """Largest distance in units in the last place between finite results (inf where one is
    nan or infinite and the other is not the same)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind != "f":
        return 0 if np.array_equal(a, b) else np.inf
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    if not np.all(same | (np.isfinite(a) & np.isfinite(b))):
        return np.inf
    ia = a.view(f"i{a.itemsize}").astype(np.int64)
    ib = b.view(f"i{b.itemsize}").astype(np.int64)
    big = np.int64(1) << (8 * a.itemsize - 1)
    ia = np.where(ia < 0, -(ia + big), ia)  # sign-magnitude to a monotonic integer line
    ib = np.where(ib < 0, -(ib + big), ib)
    return int(np.max(np.where(same, 0, np.abs(ia - ib)), initial=0))


def identity_table(n=200_000):
    print("\n## bit identity of numexpr with numpy, per operation and dtype (this CPU)")
    rng = np.random.default_rng(0)
    rows = []
    for table, mode in ((F.EXACT_OPS, "exact"), (F.APPROX_OPS, "approx")):
        for fn, (text, dtypes) in table.items():
            nin = text.count("{")
            for dt in (np.float64, np.float32, np.int64, np.int32, np.bool_):
                dt = np.dtype(dt)
                if dt.name not in dtypes and not (dt.kind == "f" and dtypes[0] != "bool"):
                    continue  # floats are tried for every arithmetic operation
                if fn is np.where:
                    args = [rng.random(n) < 0.5, _values(dt, n, rng), _values(dt, n, rng)]
                else:
                    args = [_values(dt, n, rng) for _ in range(nin)]
                with np.errstate(all="ignore"):
                    want = fn(*args)
                    got = F.Kernel(text.format(*[f"x{k}" for k in range(nin)]),
                                   [a.dtype for a in args])(*args)
                ok = _same_bits(got, want)
                listed = dt.name in dtypes
                rows.append((fn.__name__, dt.name, mode, ok, listed))
                diff = "identical" if ok else f"DIFFERS ({ulps(got, want)} ulp)"
                print(f"  {fn.__name__:14s} {dt.name:8s} {diff:20s} "
                      f"{('fused with fuse=' + repr(mode)) if listed else 'not fused'}")
    return rows


def _best(fns, rounds):
    """Min over interleaved rounds of process_time per call (noisy shared machines)."""
    ks = {name: calibrate(f, 0.004) for name, f in fns.items()}
    best = {name: float("inf") for name in fns}
    for _ in range(rounds):
        for name, f in fns.items():
            t0 = time.process_time()
            for _ in range(ks[name]):
                f()
            best[name] = min(best[name], (time.process_time() - t0) / ks[name])
    return best


def _compare(title, f, args, rounds):
    plain = fg.jit(f, fuse=False)
    fused = fg.jit(f, fuse="exact")
    if "_fused" not in fused.lower(*args).source:
        print(f"  {title:46s} (nothing to fuse)")
        return None
    for a, b in zip(fg.tree_util.tree_leaves(plain(*args)), fg.tree_util.tree_leaves(fused(*args))):
        assert _same_bits(a, b), title
    t = _best({"numpy": lambda: plain(*args), "numexpr": lambda: fused(*args)}, rounds)
    r = t["numexpr"] / t["numpy"]
    print(f"  {title:46s} numpy {t['numpy'] * 1e6:10.1f} us  fused {t['numexpr'] * 1e6:10.1f} us"
          f"  {r:5.2f}x")
    return r


def speed():
    print("\n## fused (numexpr, 1 thread) / unfused (numpy) time, fusion forced at every size")
    F.MIN_BYTES, F.MIN_OPS = 1, 2
    rng = np.random.default_rng(1)
    rounds = 5 if QUICK else 15
    # the workloads' chains (benchmarks/run.py)
    h = rng.normal(size=(512, 1024))
    g = rng.normal(size=(512, 1024))
    _compare("large MLP backward  g * (1 - h*h)  [512,1024]", lambda g, h: g * (1 - h * h),
             (g, h), rounds)
    a = rng.normal(size=256)
    c = rng.normal(size=256)
    _compare("per-example  c * (e / (e + 1)) ... [256]",
             lambda a, c: c * ((1 / (a + 1.0)) * a), (a, c), rounds)
    m = rng.normal(size=(200, 200))
    t = rng.normal(size=200)
    _compare("Hessian  -((b * t) + (t[:,None] * b))  [200,200]",
             lambda m, t: -((m * (1 - t * t)) * t + t[:, None] * (m * (1 - t * t))), (m, t),
             rounds)
    # synthetic chains: L operations of + - * on float64 arrays of n elements
    sizes = (1 << 14, 1 << 18, 1 << 20, 1 << 22) + (() if QUICK else (1 << 24,))
    for ops in (2, 4, 8):
        def chain(x, y, ops=ops):
            z = x
            for k in range(ops):
                z = z * y if k % 3 == 0 else (z + x if k % 3 == 1 else z - y)
            return z
        for n in sizes:
            x = rng.normal(size=n)
            y = rng.normal(size=n)
            _compare(f"chain of {ops} ops, {n} elements", chain, (x, y),
                     max(3, rounds // (1 + n // (1 << 20))))


def main():
    print(f"numexpr {numexpr.__version__}, numpy {np.__version__}, "
          f"{numexpr.get_num_threads()} numexpr thread")
    identity_table(20_000 if QUICK else 200_000)
    speed()


if __name__ == "__main__":
    main()
