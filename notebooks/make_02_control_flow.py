"""Build notebooks/02_control_flow.ipynb and execute it so the saved file shows its outputs.

    python notebooks/make_02_control_flow.py
"""
from nbformat.v4 import new_code_cell, new_markdown_cell

cells = [
    new_markdown_cell(
        "# Control flow and user-defined derivative rules\n\n"
        "Inside a traced function Python cannot branch or loop on a traced value. "
        "`fungrad.lax` offers structured control flow that every transform understands: "
        "`cond`, `switch`, `scan`, `while_loop`, `fori_loop`, `map`. "
        "`fg.custom_jvp` / `fg.custom_vjp` replace a function's derivative, and "
        "`fg.checkpoint` trades compute for memory."),
    new_code_cell("import matplotlib.pyplot as plt\nimport numpy as np\nimport fungrad as fg\n"
                  "import fungrad.numpy as fnp\nfrom fungrad import lax"),
    new_markdown_cell("## `cond` and `switch`\nBoth branches are traced to sub-programs; the IR "
                      "listing shows them nested."),
    new_code_cell(
        "def piecewise(x):\n"
        "    idx = fnp.asarray(x > -1.0).astype(int) + fnp.asarray(x > 1.0).astype(int)\n"
        "    return lax.switch(idx, [lambda y: -y ** 2, fnp.sin, fnp.exp], x)\n\n"
        "xs = np.array([-2.0, 0.0, 2.0])\n"
        "print(fg.vmap(piecewise)(xs))            # batched index: a select over all branches\n"
        "print(fg.vmap(fg.grad(piecewise))(xs))   # [4, 1, e^2]\n"
        "print(fg.make_jaxpr(piecewise)(0.5))"),
    new_markdown_cell("## `scan`: an RNN\nReverse mode through `scan` is a *reverse scan* over "
                      "residuals saved per step, so the program stays one step long."),
    new_code_cell(
        "rng = np.random.default_rng(0)\n"
        "W, U = rng.standard_normal((4, 4)) * 0.5, rng.standard_normal((3, 4)) * 0.5\n"
        "xs = rng.standard_normal((20, 3))\n\n"
        "def rnn(W, xs):\n"
        "    h, hs = lax.scan(lambda h, x: (fnp.tanh(h @ W + x @ U),) * 2, fnp.zeros(4), xs)\n"
        "    return fnp.sum(hs ** 2)\n\n"
        "def rnn_unrolled(W, xs):\n"
        "    h, total = fnp.zeros(4), 0.0\n"
        "    for x in xs:\n"
        "        h = fnp.tanh(h @ W + x @ U)\n"
        "        total = total + fnp.sum(h ** 2)\n"
        "    return total\n\n"
        "print(np.allclose(fg.grad(rnn)(W, xs), fg.grad(rnn_unrolled)(W, xs)))\n"
        "print(fg.make_jaxpr(fg.grad(rnn))(W, xs))"),
    new_markdown_cell("## `fori_loop` and `scan`: an ODE integrator\nExplicit Euler steps for "
                      "the forced decay y' = -k y + sin(t), y(0) = 1. With static bounds "
                      "`fori_loop` lowers to `scan`, so `grad` works; compare with finite "
                      "differences."),
    new_code_cell(
        "def euler(k, n=100, dt=0.01):\n"
        "    return lax.fori_loop(0, n, lambda i, y: y + dt * (-k * y + fnp.sin(i * dt)), 1.0)\n\n"
        "eps = 1e-6\n"
        "print(fg.grad(euler)(0.7), (euler(0.7 + eps) - euler(0.7 - eps)) / (2 * eps))"),
    new_markdown_cell("To keep the whole trajectory, `scan` returns every step. `vmap` runs it for "
                      "several decay rates at once, and `jacfwd` gives the sensitivity dy(t)/dk "
                      "of every point of the trajectory in one forward pass."),
    new_code_cell(
        "def trajectory(k, n=1000, dt=0.01):\n"
        "    def step(y, t):\n"
        "        y = y + dt * (-k * y + fnp.sin(t))\n"
        "        return y, y\n"
        "    return lax.scan(step, 1.0, fnp.arange(n) * dt)[1]\n\n"
        "ks = np.array([0.3, 1.0, 3.0])\n"
        "ys = fg.vmap(trajectory)(ks)\n"
        "sensitivities = fg.vmap(fg.jacfwd(trajectory))(ks)\n"
        "print(ys.shape, sensitivities.shape)\n"
        "print(np.allclose(trajectory(1.0)[99], euler(1.0)),\n"
        "      np.allclose(sensitivities[1][99], fg.grad(euler)(1.0)))\n\n"
        "times = np.arange(1, 1001) * 0.01\n"
        "fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 5), sharex=True)\n"
        "for k, y, s in zip(ks, ys, sensitivities):\n"
        "    top.plot(times, y, label=f'k = {k}')\n"
        "    bottom.plot(times, s)\n"
        "top.set_ylabel('y(t)')\n"
        "top.legend()\n"
        "bottom.set_ylabel('dy(t)/dk')\n"
        "bottom.set_xlabel('t')\n"
        "plt.show()"),
    new_markdown_cell("## `while_loop` + `custom_vjp`: a Newton solver\n`while_loop` supports "
                      "jvp and vmap; reverse mode needs a rule. The implicit function theorem gives "
                      "one: for `g(x, a) = x**3 + x - a = 0`, `dx/da = 1 / (3 x**2 + 1)`."),
    new_code_cell(
        "@fg.custom_vjp\n"
        "def solve(a):\n"
        "    def body(c):\n"
        "        x, _ = c\n"
        "        x_new = x - (x ** 3 + x - a) / (3 * x ** 2 + 1)\n"
        "        return x_new, fnp.abs(x_new - x)\n"
        "    return lax.while_loop(lambda c: c[1] > 1e-12, body, (a * 0.0, a * 0.0 + 1.0))[0]\n\n"
        "solve.defvjp(lambda a: (solve(a), solve(a)), lambda x, g: (g / (3 * x ** 2 + 1),))\n"
        "print(solve(10.0), fg.grad(solve)(10.0), fg.vmap(fg.grad(solve))(np.array([1.0, 10.0])))\n"
        "try:\n"
        "    fg.grad(lambda a: lax.while_loop(lambda x: x < 100.0, lambda x: x * a, 1.0))(3.0)\n"
        "except NotImplementedError as e:\n"
        "    print(e)"),
    new_markdown_cell("## `custom_jvp`: a stable `log1pexp`\nThe naive gradient is `inf/inf = "
                      "nan` for large inputs; the custom rule uses the logistic function."),
    new_code_cell(
        "@fg.custom_jvp\n"
        "def log1pexp(x):\n"
        "    return fnp.log1p(fnp.exp(-fnp.abs(x))) + fnp.maximum(x, 0.0)\n\n"
        "log1pexp.defjvp(lambda p, t: (log1pexp(p[0]), t[0] * lax.logistic(p[0])))\n"
        "with np.errstate(over='ignore', invalid='ignore'):\n"
        "    print(fg.grad(lambda x: fnp.log(1.0 + fnp.exp(x)))(1000.0), fg.grad(log1pexp)(1000.0))"),
    new_markdown_cell("## `checkpoint`: less memory in reverse mode\nA checkpointed layer keeps "
                      "only its input for the backward pass and recomputes the rest; with the "
                      "policy `dots_saveable` it also keeps the matrix products. Below, the peak "
                      "memory (Python's `tracemalloc`, after a warm-up call) of `grad` through 100 such layers, the "
                      "same model, data and measurement as `tests/test_checkpoint.py`, which "
                      "prints its numbers when it runs."),
    new_code_cell(
        "import tracemalloc\n\n"
        "def layer(h, W):\n"
        "    z = h @ W\n"
        "    return fnp.tanh(z) * fnp.sin(z) + fnp.cos(h) * 0.1\n\n"
        "def model(W, x, f):\n"
        "    for _ in range(100):\n"
        "        x = f(x, W)\n"
        "    return fnp.sum(x ** 2)\n\n"
        "def peak_mib(fn, *args):\n"
        "    fn(*args)   # a warm-up call: what the first call caches is not the transform's memory\n"
        "    tracemalloc.start()\n"
        "    try:\n"
        "        fn(*args)\n"
        "        return tracemalloc.get_traced_memory()[1] / 2 ** 20\n"
        "    finally:\n"
        "        tracemalloc.stop()\n\n"
        "rng = np.random.default_rng(0)\n"
        "W, x = rng.standard_normal((32, 32)) / 6, rng.standard_normal((64, 32))\n"
        "variants = {'plain': layer, 'checkpoint': fg.checkpoint(layer),\n"
        "            'checkpoint(dots_saveable)':\n"
        "                fg.checkpoint(layer, policy=fg.checkpoint_policies.dots_saveable)}\n"
        "peaks = {name: peak_mib(fg.grad(model), W, x, f) for name, f in variants.items()}\n"
        "for name, mib in peaks.items():\n"
        "    print(f'{name:26s} {mib:5.1f} MiB peak')\n\n"
        "fig, ax = plt.subplots(figsize=(6, 2.5))\n"
        "bars = ax.barh(list(peaks), list(peaks.values()), color=['C3', 'C2', 'C0'])\n"
        "ax.bar_label(bars, fmt='%.1f MiB', padding=3)\n"
        "ax.set_xlim(0, max(peaks.values()) * 1.2)\n"
        "ax.invert_yaxis()\n"
        "ax.set_xlabel('peak memory of grad, MiB')\n"
        "plt.show()"),
]

if __name__ == "__main__":
    from _build import build
    build(cells, __file__)
