"""What fungrad.Array costs per call: the same operation on a fungrad.Array and on a plain
numpy.ndarray holding the same data, interleaved in one run (min of the interleaved repeats,
CPU time, which a loaded machine disturbs least). The README's design bullet on the array type
quotes this script's output.

    python benchmarks/array_cost.py [--repeats 9]
"""
import argparse
import time

import numpy as np

import fungrad as fg
import fungrad.numpy as fnp
from _timing import calibrate


def _rows():
    arr, nd = fnp.ones(8), np.ones(8)
    big_a, big_n = fnp.ones((256, 256)), np.ones((256, 256))
    mlp = fg.jit(fg.grad(lambda w, x: fnp.sum(fnp.tanh(x @ w) ** 2)))
    w_a, x_a = fnp.ones((32, 10)) * 0.1, fnp.ones((16, 32))
    w_n, x_n = np.ones((32, 10)) * 0.1, np.ones((16, 32))
    eager = fg.grad(lambda w, x: fnp.sum(fnp.tanh(x @ w) ** 2))
    return [
        ("x + 1, f64[8]", lambda: arr + 1, lambda: nd + 1),
        ("x + y, f64[8]", lambda: arr + arr, lambda: nd + nd),
        ("x + y, f64[256,256]", lambda: big_a + big_a, lambda: big_n + big_n),
        ("fnp.sin(x), f64[8]", lambda: fnp.sin(arr), lambda: fnp.sin(nd)),
        ("np.sin(x), f64[8]", lambda: np.sin(arr), lambda: np.sin(nd)),
        ("x.sum(), f64[8]", lambda: arr.sum(), lambda: nd.sum()),
        ("x[1:], f64[8]", lambda: arr[1:], lambda: nd[1:]),
        ("jit(grad) of a layer, Array vs ndarray arguments", lambda: mlp(w_a, x_a),
         lambda: mlp(w_n, x_n)),
        ("eager grad of a layer, Array vs ndarray arguments", lambda: eager(w_a, x_a),
         lambda: eager(w_n, x_n)),
    ]


def measure(fns, repeats):
    counts = [calibrate(f, 0.01) for f in fns]
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for i, (f, n) in enumerate(zip(fns, counts)):
            t0 = time.process_time()
            for _ in range(n):
                f()
            best[i] = min(best[i], (time.process_time() - t0) / n)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=9)
    args = p.parse_args()
    print(f"{'operation':52s} {'Array us':>9s} {'ndarray us':>10s} {'ratio':>6s}")
    for name, on_array, on_ndarray in _rows():
        a, n = measure([on_array, on_ndarray], args.repeats)
        print(f"{name:52s} {a * 1e6:9.2f} {n * 1e6:10.2f} {a / n:6.2f}")


if __name__ == "__main__":
    main()
