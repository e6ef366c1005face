"""GPU check of the backends: the primitive table on CuPy, and the float32 MLP 784-1024-1024-10
gradient at batch 512 and 8192 with fungrad backend="cupy" and backend="jax" against handwritten
CuPy, PyTorch CUDA and jax.jit, printing times and ratios (goals: jax <= 1.2x jax.jit, cupy <=
1.3x handwritten CuPy).

    python benchmarks/gpu/run_gpu.py [--table-only] [--repeats N]

Needs a CUDA GPU with CuPy (pip install cupy-cuda12x); PyTorch CUDA and JAX with CUDA are timed
where installed. Without a GPU it exits with a message saying so.
"""
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))


def _gpu_or_exit():
    try:
        import cupy
        if cupy.cuda.runtime.getDeviceCount() < 1:
            raise RuntimeError("no CUDA device")
    except Exception as e:  # ImportError, CUDA driver errors
        sys.exit(f"benchmarks/gpu/run_gpu.py needs a CUDA GPU and CuPy ({type(e).__name__}: {e}); "
                 "nothing was run.")
    return cupy


def table(cp):
    """Every row of the primitive table with backend='cupy' against the numpy backend."""
    import fungrad as fg
    from fungrad.errors import MissingRuleError
    from test_primitives import CASES, make_args
    ok, missing, bad = 0, {}, []
    for c in CASES:
        rec, shapes = c.values
        args = make_args(rec, shapes)
        want = fg.jit(rec.fun)(*args)
        try:
            got = fg.jit(rec.fun, backend="cupy")(*[cp.asarray(a) for a in args])
            np.testing.assert_allclose(cp.asnumpy(got), want, rtol=1e-6, atol=1e-9,
                                       equal_nan=True)
            ok += 1
        except MissingRuleError as e:
            missing[rec.prim.name] = str(e).split(":")[0]
        except Exception as e:
            bad.append((c.id, f"{type(e).__name__}: {e}"[:200]))
    print(f"table on cupy: {ok} cases equal numpy, {len(missing)} primitives without a cupy "
          f"rule ({', '.join(sorted(missing))}), {len(bad)} failures")
    for b in bad:
        print("  FAIL", *b)


def _time(fn, sync, repeats):
    fn()
    sync()
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def mlp(cp, batch, repeats):
    from _workloads import mlp_hand_grad

    import fungrad as fg
    import fungrad.numpy as fnp
    sizes = [784, 1024, 1024, 10]
    rng = np.random.default_rng(0)
    ws = [(rng.normal(size=(a, b)) / np.sqrt(a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
    bs = [np.zeros(b, np.float32) for b in sizes[1:]]
    x = rng.normal(size=(batch, 784)).astype(np.float32)
    y = rng.normal(size=(batch, 10)).astype(np.float32)

    def loss(params, x, y):
        h = x
        for w, b in params[:-1]:
            h = fnp.tanh(h @ w + b)
        w, b = params[-1]
        return fnp.mean((h @ w + b - y) ** 2)

    cparams = [(cp.asarray(w), cp.asarray(b)) for w, b in zip(ws, bs)]
    cx, cy = cp.asarray(x), cp.asarray(y)

    def hand():
        return mlp_hand_grad(cp, cparams, cx, cy)

    sync = cp.cuda.Device().synchronize
    times = {"handwritten CuPy": _time(hand, sync, repeats)}
    gcp = fg.jit(fg.grad(loss), backend="cupy")
    times["fungrad backend=cupy"] = _time(lambda: gcp(cparams, cx, cy), sync, repeats)
    try:
        import torch
        if torch.cuda.is_available():
            tp = [(torch.tensor(w, device="cuda", requires_grad=True),
                   torch.tensor(b, device="cuda", requires_grad=True)) for w, b in zip(ws, bs)]
            tx, ty = torch.tensor(x, device="cuda"), torch.tensor(y, device="cuda")
            leaves = [a for wb in tp for a in wb]

            def tgrad():
                h = tx
                for w, b in tp[:-1]:
                    h = torch.tanh(h @ w + b)
                w, b = tp[-1]
                return torch.autograd.grad(((h @ w + b - ty) ** 2).mean(), leaves)
            times["PyTorch CUDA"] = _time(tgrad, torch.cuda.synchronize, repeats)
    except ImportError:
        pass
    try:
        import jax
        import jax.numpy as jnp
        if any(d.platform == "gpu" for d in jax.devices()):
            jp = [(jnp.asarray(w), jnp.asarray(b)) for w, b in zip(ws, bs)]
            jx, jy = jnp.asarray(x), jnp.asarray(y)

            def jl(params, x, y):
                h = x
                for w, b in params[:-1]:
                    h = jnp.tanh(h @ w + b)
                w, b = params[-1]
                return jnp.mean((h @ w + b - y) ** 2)
            jj = jax.jit(jax.grad(jl))
            fj = fg.jit(fg.grad(loss), backend="jax")
            times["jax.jit"] = _time(lambda: jax.block_until_ready(jj(jp, jx, jy)), lambda: None,
                                     repeats)
            times["fungrad backend=jax"] = _time(
                lambda: jax.block_until_ready(fj(jp, jx, jy)), lambda: None, repeats)
    except ImportError:
        pass
    print(f"\nMLP 784-1024-1024-10 float32 gradient, batch {batch} (median of {repeats})")
    for k, t in times.items():
        print(f"  {k:22s} {t * 1e3:9.3f} ms")
    c = times["fungrad backend=cupy"] / times["handwritten CuPy"]
    print(f"  backend=cupy / handwritten CuPy = {c:.2f}x (goal <= 1.3x: "
          f"{'MET' if c <= 1.3 else 'MISSED'})")
    if "jax.jit" in times:
        r = times["fungrad backend=jax"] / times["jax.jit"]
        print(f"  backend=jax / jax.jit = {r:.2f}x (goal <= 1.2x: {'MET' if r <= 1.2 else 'MISSED'})")
    if "PyTorch CUDA" in times:
        print(f"  backend=cupy / PyTorch CUDA = "
              f"{times['fungrad backend=cupy'] / times['PyTorch CUDA']:.2f}x")


def main():
    cp = _gpu_or_exit()
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 20
    table(cp)
    if "--table-only" not in sys.argv:
        for batch in (512, 8192):
            mlp(cp, batch, repeats)


if __name__ == "__main__":
    main()
