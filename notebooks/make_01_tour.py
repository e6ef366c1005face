"""Build notebooks/01_tour.ipynb and execute it so the saved file shows its outputs.

    python notebooks/make_01_tour.py
"""
from nbformat.v4 import new_code_cell, new_markdown_cell

md, code = new_markdown_cell, new_code_cell

cells = [
    md("# A tour of fungrad\n\n"
       "fungrad transforms numpy functions. You write an ordinary function of arrays with "
       "`fungrad.numpy` (a drop-in subset of numpy), and fungrad gives you back new functions: "
       "its gradient (`grad`), its Jacobian (`jacfwd`, `jacrev`), a batched version (`vmap`), "
       "its directional derivatives (`jvp`, `vjp`, `linearize`), or the program it computes, as "
       "a small typed IR (`make_jaxpr`). The transforms compose freely, as in JAX.\n\n"
       "This notebook walks through them on small, real examples. It assumes you know numpy."),
    code("import matplotlib.pyplot as plt\n"
         "import numpy as np\n"
         "import fungrad as fg\n"
         "import fungrad.numpy as fnp\n\n"
         "np.set_printoptions(precision=4, suppress=True)"),
    md("## Functions of arrays, unchanged\n\n"
       "Outside any transform, `fungrad.numpy` functions compute right away, with numpy's "
       "broadcasting and dtype rules, and their results go straight into numpy functions."),
    code("def f(x):\n"
         "    return fnp.sum(fnp.tanh(x) ** 2)\n\n"
         "x = np.array([0.5, -1.0, 2.0])\n"
         "print(f(x), np.sum(np.tanh(x) ** 2))"),
    md("## `grad`\n\n"
       "`fg.grad(f)` is a new function that returns the gradient of `f`, which must return a "
       "scalar. Here d/dx tanh(x)^2 = 2 tanh(x) (1 - tanh(x)^2), so we can check it by hand."),
    code("df = fg.grad(f)\n"
         "print(df(x))\n"
         "print(2 * np.tanh(x) * (1 - np.tanh(x) ** 2))"),
    md("Because `df` is itself a function of arrays, you can differentiate it again. The second "
       "derivative of `sin` is `-sin`, the third `-cos`:"),
    code("d3 = fg.grad(fg.grad(fg.grad(fnp.sin)))\n"
         "print(d3(0.0), -np.cos(0.0))"),
    md("`grad` differentiates a function of one scalar; `vmap` (below) maps it over a whole grid "
       "of points at once. Together they draw `tanh` and its first three derivatives, each "
       "a `grad` of the one before. The closed forms, with t = tanh(x), are 1 - t², "
       "-2t(1 - t²) and -2(1 - t²)(1 - 3t²); the printed number is the largest gap from them."),
    code("derivatives = [fnp.tanh]\n"
         "for _ in range(3):\n"
         "    derivatives.append(fg.grad(derivatives[-1]))\n\n"
         "grid = np.linspace(-4, 4, 401)\n"
         "curves = [fg.vmap(d)(grid) for d in derivatives]\n\n"
         "t = np.tanh(grid)\n"
         "exact = [t, 1 - t ** 2, -2 * t * (1 - t ** 2), -2 * (1 - t ** 2) * (1 - 3 * t ** 2)]\n"
         "print('largest error:', max(np.max(np.abs(c - e)) for c, e in zip(curves, exact)))\n\n"
         "fig, ax = plt.subplots(figsize=(7, 3.5))\n"
         "for k, c in enumerate(curves):\n"
         "    ax.plot(grid, c, label=['tanh(x)', \"first derivative\", 'second', 'third'][k])\n"
         "ax.axhline(0, color='grey', lw=0.5)\n"
         "ax.set_xlabel('x')\n"
         "ax.legend()\n"
         "plt.show()"),
    md("## What a transform sees: the IR\n\n"
       "To transform a function, fungrad runs it on *tracers*, stand-ins that record every "
       "primitive operation. `make_jaxpr` shows that recording: typed variables "
       "(`f64[3]` is a float64 vector of length 3), one equation per primitive, and the outputs."),
    code("print(fg.make_jaxpr(f)(x))"),
    md("`x ** 2` became `integer_pow[y=2]`, and the sum a `reduce_sum` over axis 0. The gradient "
       "is a program too. Reverse mode is built in two steps: *linearize* (run `f` and record "
       "its linear tangent map) and *transpose* (run that map backwards). In the listing below "
       "the first lines are the forward pass, `tanh` and the coefficients of its tangent map "
       "(1 - tanh², 2 tanh); from the broadcast of the output's cotangent 1.0 on, it is the "
       "transposed tangent program:"),
    code("print(fg.make_jaxpr(fg.grad(f))(x))"),
    md("## Forward mode: `jvp` and `linearize`\n\n"
       "`jvp` pushes a tangent vector forward: it returns `f(x)` and the directional derivative "
       "of `f` at `x` along `t`, in one pass. `linearize` does the primal work once and hands "
       "back the linear map, to apply to many tangents."),
    code("t = np.array([1.0, 0.0, 0.0])\n"
         "value, slope = fg.jvp(f, (x,), (t,))\n"
         "print(value, slope)\n\n"
         "value, f_lin = fg.linearize(f, x)\n"
         "print([float(f_lin(e)) for e in np.eye(3)])   # the gradient, one column at a time"),
    md("## Reverse mode: `vjp`\n\n"
       "`vjp` goes the other way: it returns `f(x)` and a *pullback* that maps a cotangent of "
       "the output to a cotangent of the input (a vector-Jacobian product). `grad` is the pullback "
       "of 1.0. Here the output is a vector, so we pull back any vector we like:"),
    code("def softmax(z):\n"
         "    e = fnp.exp(z - fnp.max(z))\n"
         "    return e / fnp.sum(e)\n\n"
         "p, pullback = fg.vjp(softmax, x)\n"
         "print(p)\n"
         "print(pullback(np.array([1.0, 0.0, 0.0])))   # row 0 of the softmax Jacobian"),
    md("## Batching: `vmap`\n\n"
       "Write a function for one example, then `vmap` it over a batch axis. The batch dimension "
       "is threaded through every primitive (a matrix-vector product becomes a matrix-matrix "
       "product), not looped over in Python. `in_axes=(0, None)` maps the first argument and "
       "shares the second."),
    code("def predict(x, w):\n"
         "    return fnp.tanh(fnp.dot(w, x))\n\n"
         "rng = np.random.default_rng(0)\n"
         "w = rng.standard_normal((2, 3))\n"
         "xs = rng.standard_normal((5, 3))\n"
         "batched = fg.vmap(predict, in_axes=(0, None))\n"
         "print(batched(xs, w))\n"
         "print(np.allclose(batched(xs, w), np.stack([predict(x, w) for x in xs])))\n"
         "print(fg.make_jaxpr(batched)(xs, w))"),
    md("Composing `vmap` with `grad` gives per-example gradients, which are awkward to get from "
       "an ordinary autodiff library:"),
    code("def loss(w, x, y):\n"
         "    return fnp.sum((predict(x, w) - y) ** 2)\n\n"
         "ys = rng.standard_normal((5, 2))\n"
         "per_example = fg.vmap(fg.grad(loss), in_axes=(None, 0, 0))(w, xs, ys)\n"
         "print(per_example.shape)\n"
         "total = fg.grad(lambda w: sum(loss(w, x, y) for x, y in zip(xs, ys)))(w)\n"
         "print(np.allclose(per_example.sum(0), total))"),
    md("## Jacobians and Hessians\n\n"
       "`jacfwd` builds a Jacobian column by column with `vmap` over `jvp`; `jacrev` row by row "
       "with `vmap` over `vjp`. They agree; which is faster depends on the shape (forward for "
       "tall, reverse for wide). `hessian` is `jacfwd(jacrev(f))`."),
    code("J_fwd = fg.jacfwd(softmax)(x)\n"
         "J_rev = fg.jacrev(softmax)(x)\n"
         "print(J_rev)\n"
         "print(np.allclose(J_fwd, J_rev), np.allclose(J_rev, np.diag(p) - np.outer(p, p)))"),
    md("With the Hessian we can run Newton's method. On the Rosenbrock function it reaches the "
       "minimum at (1, 1) in a handful of steps:"),
    code("def rosenbrock(v):\n"
         "    return (1.0 - v[0]) ** 2 + 100.0 * (v[1] - v[0] ** 2) ** 2\n\n"
         "v = np.array([-1.2, 1.0])\n"
         "for step in range(7):\n"
         "    g, H = fg.grad(rosenbrock)(v), fg.hessian(rosenbrock)(v)\n"
         "    v = v - np.linalg.solve(H, g)\n"
         "    print(step, v, float(rosenbrock(v)))"),
    md("## Pytrees\n\n"
       "Arguments and results can be nested tuples, lists and dicts of arrays (and classes you "
       "register). Gradients come back in the same structure. Here is a small MLP trained on "
       "a toy regression problem, its parameters kept in a dict:"),
    code("def mlp(params, x):\n"
         "    h = fnp.tanh(x @ params['w1'] + params['b1'])\n"
         "    return h @ params['w2'] + params['b2']\n\n"
         "params = {'w1': rng.standard_normal((1, 16)), 'b1': np.zeros(16),\n"
         "          'w2': rng.standard_normal((16, 1)) * 0.1, 'b2': np.zeros(1)}\n"
         "X = np.linspace(-2, 2, 32)[:, None]\n"
         "Y = np.sin(2 * X)\n\n"
         "def mse(params):\n"
         "    return fnp.mean((mlp(params, X) - Y) ** 2)\n\n"
         "value_and_grad = fg.value_and_grad(mse)\n"
         "for step in range(301):\n"
         "    value, grads = value_and_grad(params)\n"
         "    params = fg.tree_util.tree_map(lambda p, g: p - 0.1 * g, params, grads)\n"
         "    if step % 100 == 0:\n"
         "        print(step, float(value))"),
    md("## Python control flow\n\n"
       "`grad`, `jvp` and `vmap` run your function on concrete values, so ordinary `if` and "
       "`while` on values work, as in eager PyTorch. Newton's iteration for a square root "
       "differentiates through every step taken:"),
    code("def my_sqrt(a):\n"
         "    x = a\n"
         "    while abs(float(x * x - a)) > 1e-12:\n"
         "        x = 0.5 * (x + a / x)\n"
         "    return x\n\n"
         "print(fg.grad(my_sqrt)(2.0), 1 / (2 * np.sqrt(2.0)))"),
    md("`make_jaxpr` (and `jit`) trace with abstract values, which have a shape and a dtype but "
       "no value. Branching on one cannot work, and fungrad says so, with the fix:"),
    code("from fungrad.errors import ConcretizationError\n\n"
         "try:\n"
         "    fg.make_jaxpr(my_sqrt)(2.0)\n"
         "except ConcretizationError as e:\n"
         "    print(e)"),
    md("## Nesting is exact\n\n"
       "Each transform owns its tracers, so an inner derivative never confuses its variable with "
       "an outer one (the classic *perturbation confusion* bug). The inner `grad` below is "
       "d/dy (x + y) = 1, so the outer derivative of `x * 1` is 1:"),
    code("print(fg.grad(lambda x: x * fg.grad(lambda y: x + y)(1.0))(2.0))"),
    md("## `stop_gradient`\n\n"
       "`stop_gradient(v)` is `v`, with a zero derivative: a way to treat part of a computation "
       "as a constant (a target network, a baseline, a normaliser)."),
    code("print(fg.grad(lambda x: x * fg.stop_gradient(x))(3.0), fg.grad(lambda x: x * x)(3.0))"),
    md("## `jit`\n\n"
       "`jit` traces a function once per input shape, optimises the program and runs it as "
       "generated numpy code, which removes the per-operation overhead of tracing."),
    code("fast = fg.jit(value_and_grad)\n"
         "v1, g1 = fast(params)\n"
         "v2, g2 = value_and_grad(params)\n"
         "print(np.allclose(v1, v2), all(np.allclose(g1[k], g2[k]) for k in g1))"),
    md("That is the whole toolbox: `grad`, `value_and_grad`, `vjp`, `jvp`, `linearize`, `vmap`, "
       "`jacfwd`, `jacrev`, `hessian`, `make_jaxpr`, `stop_gradient` and `jit`, all working on "
       "the same small IR, and all composable."),
]

if __name__ == "__main__":
    from _build import build
    build(cells, __file__)
