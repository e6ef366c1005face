"""fungrad's jax backend against handwritten jax.jit on the benchmark workloads (CPU).

    python benchmarks/backends.py [--quick]

For the small and large MLP gradients, per-example vmap(grad) and the Hessian of run.py: the
median time of `jit(f, backend="jax")` (fungrad's optimized program lowered to jax.lax and
compiled with jax.jit) and of the same computation written in JAX and jax.jit'ed, on the same
JAX arrays, in one run; prints their ratio against the goal (<= 1.2x). Pinned to one core as
run.py is. Every result is checked against the handwritten numpy gradient first.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _single_core  # noqa: F401  (first: one core, one thread, before numpy loads)

import _peers
import _workloads as W
from _timing import interleaved

QUICK = "--quick" in sys.argv
KEYS = ("handwritten numpy", "fungrad jit", "JAX jit", "fungrad backend=jax")


def main():
    jax = _peers.load_jax()
    if jax is None:
        sys.exit("benchmarks/backends.py needs JAX (pip install jax)")
    peers = {"jax": jax}
    cases = [("small MLP 64-32-10, batch 16", W.mlp([64, 32, 10], 16, peers)),
             ("large MLP 784-1024-1024-10, batch " + ("128" if QUICK else "512"),
              W.mlp([784, 1024, 1024, 10], 128 if QUICK else 512, peers)),
             ("per-example vmap(grad), 100 features, batch 256", W.per_example(100, 256, peers)),
             ("Hessian, 200 dimensions", W.hessian(200, peers))]
    print(f"jax {jax.__version__}, CPU, one core; medians; ratio = backend=jax / JAX jit")
    for title, fns in cases:
        fns = {k: fns[k] for k in KEYS}
        W.check(fns)
        t = interleaved(fns, repeats=5 if QUICK else 9)
        r = t["fungrad backend=jax"] / t["JAX jit"]
        print(f"  {title:52s} numpy {t['handwritten numpy'] * 1e3:8.3f} ms  "
              f"fungrad jit {t['fungrad jit'] * 1e3:8.3f} ms  JAX jit {t['JAX jit'] * 1e3:8.3f} ms  "
              f"backend=jax {t['fungrad backend=jax'] * 1e3:8.3f} ms  ratio {r:5.2f}x  "
              f"{'MET' if r <= 1.2 else 'MISSED'} (<= 1.2x)")


if __name__ == "__main__":
    main()
