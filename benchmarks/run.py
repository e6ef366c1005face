"""Benchmarks: fungrad (eager and jit) against handwritten numpy and the installed peers.

    python benchmarks/run.py [--quick] [--json PATH] [--only TEXT]

The process is pinned to one core and every library is told to use one thread; each gradient is
checked against the handwritten numpy one before timing. Prints medians of interleaved repeats and
ratios to handwritten numpy, and the issue's goals next to the measured ratios. With --json, also
writes every number printed to PATH (benchmarks/results/run_quick.json is such a file, drawn by
notebooks/06_performance.ipynb).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _single_core  # noqa: F401  (first: one core, one thread, before numpy loads)

import argparse
import datetime
import json
import platform
import time

import _peers
import _workloads as W
import numpy as np
from _timing import interleaved, peak_bytes

import fungrad as fg
import fungrad.numpy as fnp

QUICK = "--quick" in sys.argv
ONLY = None  # --only TEXT: the timing sections whose title contains TEXT, nothing else
REPEATS = 3 if QUICK else 7


def fmt_time(s):
    return f"{s * 1e6:10.1f} us" if s < 1e-2 else f"{s * 1e3:10.2f} ms"


def report(title, fns, goal=None, per=None):
    if ONLY and ONLY not in title:
        return None
    W.check(fns)
    times = interleaved(fns, repeats=REPEATS)
    base = times["handwritten numpy"]
    print(f"\n## {title}")
    for name, t in times.items():
        extra = f"   ({t / per * 1e6:.2f} us/op)" if per else ""
        print(f"  {name:20s} {fmt_time(t)}   {t / base:6.2f}x{extra}")
    section = {"title": title, "seconds": times}
    if "fungrad backend=jax" in times and "JAX jit" in times:
        r = times["fungrad backend=jax"] / times["JAX jit"]
        print(f"  goal: fungrad backend=jax <= 1.2x JAX jit  ->  {r:.2f}x  "
              f"{'MET' if r <= 1.2 else 'MISSED'}")
    if goal:
        key, limit = goal
        r = times[key] / base
        print(f"  goal: {key} <= {limit}x  ->  {r:.2f}x  {'MET' if r <= limit else 'MISSED'}")
        section["goal"] = {"name": key, "ratio": limit}
    RESULTS["timings"].append(section)
    return times


def _chain(m, steps):
    def f(y):
        for _ in range(steps):
            y = m.sin(y) * 0.5 + y
        return y
    return f


def _best_cold(make_call, repeats=5):
    """Best of `repeats` cold calls, each on a freshly built function (no cache can help)."""
    times = []
    for _ in range(repeats):
        call = make_call()
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return min(times)


def tracing(sizes=(100, 1000, 10000)):
    print("\n## tracing time (chain y = sin(y)*0.5 + y on f64[4]; best of cold calls)")
    jax = PEERS.get("jax")
    x = np.ones(4)
    rows = RESULTS["tracing_us_per_op"] = []
    for n in sizes:
        steps = n // 3
        reps = 5 if n <= 1000 else 2
        t_trace = _best_cold(lambda: (lambda f=_chain(fnp, steps): fg.make_jaxpr(f)(x)), reps)
        # trace + optimize + generate + exec: the first call of a new jit
        t_jit = _best_cold(lambda: (lambda f=fg.jit(_chain(fnp, steps)): f(x)), reps)
        line = (f"  {n:6d} ops: fungrad make_jaxpr {t_trace / n * 1e6:6.2f} us/op,"
                f" fungrad jit first call {t_jit / n * 1e6:6.2f} us/op")
        if jax is not None:
            t_jax = _best_cold(lambda: (lambda f=_chain(jax.numpy, steps): jax.make_jaxpr(f)(x)),
                               reps)
            line += f", JAX make_jaxpr {t_jax / n * 1e6:6.2f} us/op"
        print(line)
        rows.append({"ops": n, "fungrad make_jaxpr": t_trace / n * 1e6,
                     "fungrad jit first call": t_jit / n * 1e6,
                     **({"JAX make_jaxpr": t_jax / n * 1e6} if jax is not None else {})})


def memory(depth=50, width=256, batch=128):
    title = f"peak memory: grad of a {depth}-layer tanh MLP (width {width}, batch {batch})"
    print(f"\n## {title}")
    rng = np.random.default_rng(3)
    ws = [rng.normal(size=(width, width)) / np.sqrt(width) for _ in range(depth)]
    x = rng.normal(size=(batch, width))

    def hand():
        hs = [x]
        for w in ws:
            hs.append(np.tanh(hs[-1] @ w))
        g = 2 * hs[-1]
        grads = [None] * depth
        for i in range(depth - 1, -1, -1):
            g = g * (1 - hs[i + 1] * hs[i + 1])
            grads[i] = hs[i].T @ g
            g = g @ ws[i].T
        return grads

    def loss(ws, x):
        h = x
        for w in ws:
            h = fnp.tanh(h @ w)
        return fnp.sum(h * h)
    g = fg.grad(loss)
    jg = fg.jit(g)
    fns = {"handwritten numpy": hand, "fungrad eager": lambda: g(ws, x),
           "fungrad jit": lambda: jg(ws, x)}
    ag = PEERS.get("autograd")
    if ag is not None:
        def aloss(ws, x):
            h = x
            for w in ws:
                h = ag.numpy.tanh(ag.numpy.dot(h, w))
            return ag.numpy.sum(h * h)
        agg = ag.grad(aloss)
        fns["HIPS autograd"] = lambda: agg(ws, x)
    W.check(fns)
    base = peak_bytes(hand)
    peaks = {}
    for name, fn in fns.items():
        p = peaks[name] = peak_bytes(fn)
        print(f"  {name:20s} {p / 2**20:8.1f} MiB   {p / base:5.2f}x")
    r = peak_bytes(fns["fungrad jit"]) / base
    print(f"  goal: fungrad jit <= 1.2x  ->  {r:.2f}x  {'MET' if r <= 1.2 else 'MISSED'}")
    RESULTS["memory"] = {"title": title, "peak_bytes": peaks,
                         "goal": {"name": "fungrad jit", "ratio": 1.2}}


PEERS = {}
# every number printed, by section; written to the --json file (seconds are medians per call)
RESULTS = {"timings": []}


def _versions():
    from importlib.metadata import version
    out = {"python": platform.python_version(), "numpy": np.__version__}
    out.update({name: version(name) for name, mod in PEERS.items() if mod is not None})
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats and smaller sizes")
    parser.add_argument("--json", metavar="PATH",
                        help="also write the results as JSON to PATH")
    parser.add_argument("--only", metavar="TEXT",
                        help="run only the timing sections whose title contains TEXT "
                             "(e.g. --only 'scalar chain')")
    args = parser.parse_args()
    global ONLY
    ONLY = args.only
    PEERS["autograd"] = _peers.load_autograd()
    PEERS["torch"] = _peers.load_torch()
    PEERS["jax"] = _peers.load_jax()
    print("peers:", ", ".join(k for k, v in PEERS.items() if v is not None) or "none",
          f"| numpy {np.__version__} | pinned to CPU {sorted(os.sched_getaffinity(0))}")
    report("small MLP 64-32-10, batch 16 (grad)", W.mlp([64, 32, 10], 16, PEERS),
           ("fungrad jit", 1.5))
    report("large MLP 784-1024-1024-10, batch 512 (grad)",
           W.mlp([784, 1024, 1024, 10], 512 if not QUICK else 128, PEERS), ("fungrad jit", 1.15))
    report("scalar chain, 500 ops (grad)", W.scalar_chain(500, PEERS), per=500)
    report("per-example gradients, logistic regression, 100 features, batch 256 (vmap(grad))",
           W.per_example(100, 256, PEERS), ("fungrad jit", 1.5))
    report("Hessian of a 200-dimensional function", W.hessian(200, PEERS), ("fungrad jit", 2.5))
    if not ONLY:
        import linalg_conv  # the GP-likelihood and conv-layer gradients, same protocol and peers
        for title, times in linalg_conv.main():
            RESULTS["timings"].append({"title": title, "seconds": times})
        tracing((100, 1000) if QUICK else (100, 1000, 10000))
        memory(depth=50 if not QUICK else 10)
    if args.json:
        RESULTS.update(
            command="python benchmarks/run.py" + (" --quick" if QUICK else "") + f" --json {args.json}",
            date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            versions=_versions(), machine=platform.machine(), cpus=os.cpu_count(),
            pinned_cpus=sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            load_average=os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            baseline="handwritten numpy")
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(RESULTS, f, indent=1)
            f.write("\n")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
