"""Timing helpers: calibrated batches, interleaved repeats, medians; peak memory via tracemalloc."""
import statistics
import time
import tracemalloc


def calibrate(fn, target=0.02):
    """How many calls of `fn` take about `target` seconds (at least 1)."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= target or n >= 1 << 16:
            return max(1, int(n * target / max(dt, 1e-9)))
        n *= 4


def interleaved(fns, repeats=7, target=0.02):
    """Median seconds per call of each fn in `fns` (a dict), repeats interleaved across fns."""
    counts = {k: calibrate(f, target) for k, f in fns.items()}
    samples = {k: [] for k in fns}
    for _ in range(repeats):
        for k, f in fns.items():
            n = counts[k]
            t0 = time.perf_counter()
            for _ in range(n):
                f()
            samples[k].append((time.perf_counter() - t0) / n)
    return {k: statistics.median(v) for k, v in samples.items()}


def peak_bytes(fn):
    """Peak bytes traced by tracemalloc during one call of `fn` (after a warm-up call)."""
    fn()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak
