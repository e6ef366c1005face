"""Logistic regression gradient over an on-disk array larger than the workers' memory, with
fungrad's dask backend on a dask.distributed LocalCluster.

    python examples/dask_logistic.py [--rows N] [--features D] [--chunk-rows C] [--memory MiB]

The features X (float64, rows x features) and labels are written to .npy files chunk by chunk
(never whole in memory), read back lazily as dask arrays chunked along the batch axis (each task
opens the file and copies its rows), and `jit(grad(loss), backend="dask")` builds the gradient
graph from fungrad's generated source over dask.array: per-chunk forward and backward products,
summed across chunks. By default the array is 4x the memory given to the one worker. Prints the
gradient's agreement with numpy on the same data (computed chunk by chunk here), the worker's
peak memory (distributed's MemorySampler, process RSS) and the sizes.
"""
import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import fungrad as fg  # noqa: E402
import fungrad.numpy as fnp  # noqa: E402


class NpyRows:
    """A lazily read .npy file: slicing opens it memory-mapped and copies the rows asked for
    (so a task holds one chunk, and pickling sends only the path)."""

    def __init__(self, path):
        self.path = path
        a = np.load(path, mmap_mode="r")
        self.shape, self.dtype, self.ndim = a.shape, a.dtype, a.ndim

    def __getitem__(self, index):
        a = np.load(self.path, mmap_mode="r")
        out = np.array(a[index])
        del a
        return out


def write_data(folder, rows, features, chunk_rows, seed=0):
    rng = np.random.default_rng(seed)
    w_true = rng.normal(size=features)
    xp, yp = os.path.join(folder, "x.npy"), os.path.join(folder, "y.npy")
    X = np.lib.format.open_memmap(xp, mode="w+", dtype=np.float64, shape=(rows, features))
    Y = np.lib.format.open_memmap(yp, mode="w+", dtype=np.float64, shape=(rows,))
    for i in range(0, rows, chunk_rows):
        x = rng.normal(size=(min(chunk_rows, rows - i), features))
        X[i:i + len(x)] = x
        Y[i:i + len(x)] = (x @ w_true + rng.normal(size=len(x)) > 0)
    X.flush()
    Y.flush()
    del X, Y
    return xp, yp


def loss(w, X, y):
    z = X @ w
    return fnp.sum(fnp.logaddexp(0.0, z) - y * z)


def numpy_grad(xp, yp, w, chunk_rows):
    X, y = np.load(xp, mmap_mode="r"), np.load(yp, mmap_mode="r")
    g = np.zeros_like(w)
    for i in range(0, X.shape[0], chunk_rows):
        x = np.array(X[i:i + chunk_rows])
        z = x @ w
        g += x.T @ (1 / (1 + np.exp(-z)) - y[i:i + chunk_rows])
    return g


def run(rows, features, chunk_rows, memory_mib, workers=1, processes=True, folder=None):
    """Returns a dict of the measured numbers (used by the test at small size)."""
    import dask.array as da
    from distributed import Client, LocalCluster
    from distributed.diagnostics import MemorySampler

    own = folder is None
    tmp = tempfile.TemporaryDirectory() if own else None
    folder = tmp.name if own else folder
    try:
        xp, yp = write_data(folder, rows, features, chunk_rows)
        X = da.from_array(NpyRows(xp), chunks=(chunk_rows, features), asarray=True)
        y = da.from_array(NpyRows(yp), chunks=(chunk_rows,), asarray=True)
        w = np.random.default_rng(1).normal(size=features) * 0.01
        grad = fg.jit(fg.grad(loss), backend="dask")
        # memory_mib=None: no worker memory limit (an in-process worker's limit counts the whole
        # process, e.g. a test runner's, and a worker past it pauses: the computation would wait)
        limit = 0 if memory_mib is None else f"{memory_mib}MiB"
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                          memory_limit=limit, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            ms = MemorySampler()
            with ms.sample("idle", client=client, interval=0.1):
                time.sleep(0.5)
            base = max(v for _, v in ms.samples["idle"]) if ms.samples["idle"] else 0
            t = time.perf_counter()
            with ms.sample("grad", client=client, interval=0.1):
                g = grad(w, X, y)
            seconds = time.perf_counter() - t
            peak = max(v for _, v in ms.samples["grad"]) if ms.samples["grad"] else 0
        ref = numpy_grad(xp, yp, w, chunk_rows)
        return {"grad": g, "ref": ref, "seconds": seconds, "peak_bytes": peak, "idle_bytes": base,
                "array_bytes": rows * features * 8, "chunk_bytes": chunk_rows * features * 8,
                "memory_bytes": (memory_mib or 0) * 2**20 * workers,
                "source": grad.lower(w, X, y).source}
    finally:
        if own:
            tmp.cleanup()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--features", type=int, default=64)
    p.add_argument("--memory", type=int, default=384, help="worker memory_limit in MiB")
    p.add_argument("--rows", type=int, default=None, help="default: 4x the worker memory")
    p.add_argument("--chunk-rows", type=int, default=32768)
    a = p.parse_args()
    rows = a.rows or 4 * a.memory * 2**20 // (8 * a.features)
    r = run(rows, a.features, a.chunk_rows, a.memory)
    err = np.max(np.abs(r["grad"] - r["ref"])) / np.max(np.abs(r["ref"]))
    mib = 2**20
    print(f"X: {rows} x {a.features} float64 = {r['array_bytes'] / mib:.0f} MiB on disk, "
          f"chunks of {r['chunk_bytes'] / mib:.0f} MiB; worker memory_limit {a.memory} MiB "
          f"({r['array_bytes'] / r['memory_bytes']:.1f}x smaller than the array)")
    print(f"gradient in {r['seconds']:.1f} s; max relative difference to numpy {err:.1e}")
    grown = r["peak_bytes"] - r["idle_bytes"]
    print(f"worker memory (process RSS): idle {r['idle_bytes'] / mib:.0f} MiB, peak "
          f"{r['peak_bytes'] / mib:.0f} MiB; the computation added {grown / mib:.0f} MiB = "
          f"{grown / r['chunk_bytes']:.1f} chunks")


if __name__ == "__main__":
    main()
