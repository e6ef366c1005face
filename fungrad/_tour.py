"""The tour `python -m fungrad` prints: every transform on a real example (logistic regression and a
small MLP), with its results and an IR listing. Kept short and fast (well under 5 s).

Imports: the public fungrad API only (a facade module).
"""
import time

import numpy as np

import fungrad as fg
import fungrad.numpy as fnp

np.set_printoptions(precision=4, suppress=True)

# a small, fixed classification problem: 8 points in 3-d, labels from a known plane
_rng = np.random.default_rng(0)
X = _rng.standard_normal((8, 3))
Y = (X @ np.array([1.5, -2.0, 0.5]) > 0).astype(np.float64)


def loss(w, b, x=X, y=Y):
    """Mean logistic loss (log(1 + exp(-s z)) with labels s = +-1), computed stably."""
    z = x @ w + b
    s = 2.0 * y - 1.0
    return fnp.mean(fnp.logaddexp(0.0, -s * z))


def mlp(params, x):
    """A 3-4-2 tanh MLP."""
    w1, b1, w2, b2 = params
    return fnp.tanh(x @ w1 + b1) @ w2 + b2


def _section(title):
    print(f"\n== {title} " + "=" * max(0, 66 - len(title)))


def _show(label, value):
    text = np.array2string(np.asarray(value))
    if "\n" in text or len(label) + len(text) > 70:
        print(f"  {label}:\n" + "\n".join("    " + line for line in text.splitlines()))
    else:
        print(f"  {label} = {text}")


def run():
    start = time.perf_counter()
    w, b = np.zeros(3), 0.0
    print("fungrad tour: composable transforms of numpy programs. Example: logistic regression,")
    print("loss(w, b) = mean(log(1 + exp(-s * (X @ w + b)))) on 8 points in 3-d.")

    _section("grad and value_and_grad: train by gradient descent")
    grad_loss = fg.grad(loss, argnums=(0, 1))
    gw, gb = grad_loss(w, b)
    _show("at w=0, b=0: dL/dw", gw)
    _show("             dL/db", gb)
    value_and_grad = fg.value_and_grad(loss, argnums=(0, 1))
    for step in range(101):
        value, (gw, gb) = value_and_grad(w, b)
        if step % 25 == 0:
            print(f"  step {step:3d}  loss {float(value):.4f}")
        w, b = w - 1.0 * gw, b - 1.0 * gb
    _show("trained w", w)
    accuracy = np.mean((X @ w + b > 0) == (Y > 0))
    print(f"  training accuracy {accuracy:.0%}")

    _section("make_jaxpr: the program grad builds, as IR")
    print(fg.make_jaxpr(fg.grad(loss))(w, b))

    _section("jvp, linearize and vjp: directional derivatives")
    t = np.array([1.0, 0.0, 0.0])
    value, slope = fg.jvp(lambda w: loss(w, b), (w,), (t,))
    print(f"  jvp: loss {float(value):.4f}, derivative along e0 {float(slope):.5f}")
    value, f_jvp = fg.linearize(lambda w: loss(w, b), w)
    print(f"  linearize: the same slope from the stored linear map {float(f_jvp(t)):.5f}")
    _, pullback = fg.vjp(lambda w: X @ w + b, w)
    _show("vjp: logits pulled back from ones (= X.sum(0))", pullback(np.ones(8))[0])

    _section("vmap: per-example gradients in one call")
    per_example = fg.vmap(fg.grad(lambda w, x, y: loss(w, b, x[None], y[None])),
                          in_axes=(None, 0, 0))(w, X, Y)
    print(f"  per-example gradients, shape {per_example.shape}; their mean equals grad:",
          np.allclose(per_example.mean(0), fg.grad(loss)(w, b)))
    _show("first two rows", per_example[:2])

    _section("jacfwd, jacrev, hessian")
    params = (_rng.standard_normal((3, 4)), np.zeros(4), _rng.standard_normal((4, 2)), np.zeros(2))
    x0 = X[0]
    j_fwd = fg.jacfwd(mlp, argnums=1)(params, x0)
    j_rev = fg.jacrev(mlp, argnums=1)(params, x0)
    print(f"  Jacobian of the MLP's 2 outputs w.r.t. its 3 inputs, forward == reverse: "
          f"{np.allclose(j_fwd, j_rev)}")
    _show("J", j_rev)
    h = fg.hessian(loss)(w, b)
    _show("Hessian of the loss in w (symmetric, positive definite)", h)
    _show("its eigenvalues", np.linalg.eigvalsh(h))

    _section("stop_gradient: treat a value as a constant")
    print("  d/dx [x * stop_gradient(x)] at x=3:", fg.grad(lambda x: x * fg.stop_gradient(x))(3.0),
          "(and without it:", fg.grad(lambda x: x * x)(3.0), end=")\n")

    if hasattr(fg, "jit"):
        _section("jit: trace once, run generated numpy code")
        fast_vg = fg.jit(value_and_grad)
        value, (gw, gb) = fast_vg(w, b)
        print("  jit(value_and_grad(loss)) matches:",
              np.allclose(gw, value_and_grad(w, b)[1][0]))
        n = 200
        t0 = time.perf_counter()
        for _ in range(n):
            value_and_grad(w, b)
        eager = (time.perf_counter() - t0) / n
        t0 = time.perf_counter()
        for _ in range(n):
            fast_vg(w, b)
        jitted = (time.perf_counter() - t0) / n
        print(f"  per call: eager {eager * 1e6:.0f} us, jit {jitted * 1e6:.0f} us")

    print(f"\n(tour ran in {time.perf_counter() - start:.2f} s)")
