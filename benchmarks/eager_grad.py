"""Eager `grad` against PyTorch eager on the small MLP (64-32-10, batch 16) and the 500-op scalar
chain (the workloads of benchmarks/run.py), interleaved, min over repeats of process_time (the
development machines are shared and noisy). Checks both gradients against the handwritten one.

    python benchmarks/eager_grad.py [repeats]
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import benchmarks._workloads as W  # noqa: E402

NAMES = ("fungrad eager", "PyTorch eager")


def main(reps=20):
    torch.set_num_threads(1)
    peers = {"torch": torch}
    ws = {"mlp 64-32-10": W.mlp([64, 32, 10], 16, peers), "chain 500": W.scalar_chain(500, peers)}
    for w in ws.values():
        want = w["handwritten numpy"]()
        for n in NAMES:
            for a, b in zip(w[n](), want):
                np.testing.assert_allclose(np.asarray(a), b, rtol=1e-9, atol=1e-12)
    best = {(k, n): float("inf") for k in ws for n in NAMES}
    for _ in range(reps):
        for k, w in ws.items():
            for n in NAMES:
                f = w[n]
                t = time.process_time()
                f(), f(), f()
                best[k, n] = min(best[k, n], (time.process_time() - t) / 3)
    for k in ws:
        fe, pt = best[k, NAMES[0]], best[k, NAMES[1]]
        print(f"{k}: fungrad eager {fe * 1e3:.3f} ms, PyTorch eager {pt * 1e3:.3f} ms, "
              f"ratio {fe / pt:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
