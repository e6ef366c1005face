"""Per-operation overhead of fungrad's tracing (make_jaxpr) and eager reverse mode (grad), against
HIPS autograd (and JAX's make_jaxpr) where installed.

Workloads: a chain of scalar operations (100 / 1,000 / 10,000 ops, to show tracing cost stays flat)
and a small MLP (64-32-10, batch 16). Goals: tracing <= 5 us/op, flat in the program length; eager
grad <= 1.5x HIPS autograd.

    python benchmarks/tracing.py            # the table
    python benchmarks/tracing.py --profile  # plus cProfile of the slow paths
"""
import argparse
import cProfile
import pstats
import sys
import timeit

import numpy as np

import fungrad as fg
import fungrad.numpy as fnp

try:
    import autograd
    import autograd.numpy as anp
except ImportError:
    autograd = anp = None


def chain(m, n):
    """A scalar function of n primitive operations (sin and multiply, alternating)."""
    def f(x):
        for _ in range(n // 2):
            x = m.sin(x) * 1.0001
        return x
    return f


def mlp_loss(m):
    def loss(params, x, y):
        w1, b1, w2, b2 = params
        h = m.tanh(x @ w1 + b1)
        out = h @ w2 + b2
        return m.mean(m.sum((out - y) ** 2, axis=1))
    return loss


def mlp_data():
    rng = np.random.default_rng(0)
    params = (rng.standard_normal((64, 32)) * 0.1, np.zeros(32),
              rng.standard_normal((32, 10)) * 0.1, np.zeros(10))
    return params, rng.standard_normal((16, 64)), np.eye(10)[rng.integers(0, 10, 16)]


def best(fn, min_time=0.2):
    """Best seconds per call of fn(), over several repeats. The garbage collector stays on (timeit
    turns it off by default), since users pay for it too: it is what makes long traces a little
    slower per op."""
    timer = timeit.Timer(fn, setup="import gc; gc.enable()")
    number, _ = timer.autorange()
    number = max(1, int(number * min_time / 0.2))
    return min(timer.repeat(repeat=3, number=number)) / number


def n_ops(fn, *args):
    return len(fg.make_jaxpr(fn)(*args).eqns)


def us(seconds, ops):
    return seconds / ops * 1e6


def row(name, ops, secs, ref_secs=None, goal=None):
    ratio = f"{secs / ref_secs:5.2f}x" if ref_secs else "   - "
    ref = f"{us(ref_secs, ops):8.2f}" if ref_secs else "       -"
    print(f"  {name:<34} {ops:>6} ops {us(secs, ops):8.2f} us/op  ref {ref} us/op  {ratio}"
          + (f"  {goal}" if goal else ""))


def tracing_section():
    print("make_jaxpr (tracing to IR), scalar chain:")
    per_op = []
    for n in (100, 1_000, 10_000):
        f = chain(fnp, n)
        ops = n_ops(f, 1.0)
        secs = best(lambda f=f: fg.make_jaxpr(f)(1.0), 0.1)
        per_op.append(us(secs, ops))
        row(f"chain n={n}", ops, secs, goal="goal <= 5 us/op")
    flat = max(per_op) / min(per_op)
    print(f"  flatness: max/min us/op over 100..10,000 ops = {flat:.2f} (1.00 is perfectly flat)")
    jax_ref = _jax_make_jaxpr(1_000)
    if jax_ref:
        print(f"  JAX make_jaxpr, chain n=1000: {jax_ref:.1f} us/op")
    params, x, y = mlp_data()
    loss = mlp_loss(fnp)
    ops = n_ops(loss, params, x, y)
    row("MLP 64-32-10 batch 16 (forward)", ops, best(lambda: fg.make_jaxpr(loss)(params, x, y)))
    g = fg.grad(loss)
    ops = n_ops(g, params, x, y)
    row("MLP grad program", ops, best(lambda: fg.make_jaxpr(g)(params, x, y)))
    return per_op


def _jax_make_jaxpr(n):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    ops = len(jax.make_jaxpr(chain(jnp, n))(1.0).eqns)
    # a fresh function per call: JAX caches traces by function identity
    return us(best(lambda: jax.make_jaxpr(chain(jnp, n))(1.0), 0.1), ops)


def grad_section():
    print("eager grad (forward + backward on concrete values), ref = HIPS autograd:")
    results = {}
    n = 1_000
    f = chain(fnp, n)
    ops = n_ops(f, 1.0)
    secs = best(lambda: fg.grad(f)(1.0))
    ref = best(lambda: autograd.grad(chain(anp, n))(1.0)) if autograd else None
    row(f"scalar chain n={n}", ops, secs, ref, "goal <= 1.5x")
    results["chain"] = (secs, ref)
    params, x, y = mlp_data()
    loss = mlp_loss(fnp)
    ops = n_ops(loss, params, x, y)
    secs = best(lambda: fg.grad(loss)(params, x, y))
    ref = None
    if autograd:
        aloss = mlp_loss(anp)
        ref = best(lambda: autograd.grad(lambda p: aloss(p, x, y))(list(params)))
    row("MLP 64-32-10 batch 16", ops, secs, ref, "goal <= 1.5x")
    results["mlp"] = (secs, ref)
    plain = best(lambda: mlp_loss(np)(params, x, y))
    print(f"  (plain numpy forward of the MLP: {plain * 1e6:.1f} us; fungrad grad is "
          f"{secs / plain:.1f}x that)")
    return results


def profile():
    """cProfile of eager grad and of make_jaxpr on the 1,000-op chain: the functions that dominate."""
    for name, stmt in [("eager grad, chain n=1000", lambda: fg.grad(chain(fnp, 1000))(1.0)),
                       ("make_jaxpr, chain n=1000", lambda: fg.make_jaxpr(chain(fnp, 1000))(1.0))]:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(20):
            stmt()
        prof.disable()
        print(f"\n--- profile: {name} (20 runs), by own time ---")
        pstats.Stats(prof, stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(12)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="also print cProfile reports")
    args = parser.parse_args()
    print(f"fungrad {fg.__version__}, numpy {np.__version__}, "
          f"autograd {'installed' if autograd else 'not installed (no reference ratios)'}\n")
    tracing_section()
    print()
    grad_section()
    if args.profile:
        profile()


if __name__ == "__main__":
    main()
