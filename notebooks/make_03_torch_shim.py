"""Build notebooks/03_torch_shim.ipynb and execute it so the saved file shows its outputs.

    python notebooks/make_03_torch_shim.py

Every printed output is what PyTorch 2.13 prints for the same cell with ``import torch``.
"""
from nbformat.v4 import new_code_cell, new_markdown_cell

md, code = new_markdown_cell, new_code_cell

cells = [
    md("# fungrad.torch: PyTorch's autograd on fungrad\n\n"
       "`fungrad.torch` is a drop-in for the part of PyTorch that autograd users write: tensors, "
       "`backward()`, `torch.autograd.grad`, custom `autograd.Function`s, `torch.func`. Change "
       "the import line and the code runs, printing what PyTorch prints.\n\n"
       "Underneath there is no second autograd. Each tensor op runs eagerly and records an "
       "equation of fungrad's IR, with the same primitives and derivative rules as the core "
       "transforms; `backward()` runs the core's reverse-mode rules over the recorded graph. "
       "This notebook assumes you know PyTorch. It first runs the three examples of the "
       "torch.autograd walkthrough unchanged, then shows what the core adds on top."),
    code("import fungrad.torch as torch\n"
         "from fungrad.torch import autograd"),
    md("## `torch.autograd.grad`\n\n"
       "`autograd.grad` returns the gradients instead of filling `.grad`. For a non-scalar output "
       "`grad_outputs` is the vector of the vector-Jacobian product, and `create_graph=True` "
       "records the backward pass itself, so the result can be differentiated again. Fixed "
       "values stand in for `torch.rand(3, 4)` so the output is reproducible."),
    code("x = torch.tensor([[0.1, 0.2, 0.3, 0.4],\n"
         "                  [0.5, 0.6, 0.7, 0.8],\n"
         "                  [0.9, 1.0, 1.1, 1.2]])\n"
         "x.requires_grad_()\n\n"
         "# y is the sum of the elements of x: a scalar\n"
         "y = torch.sum(x)\n"
         "grad1 = autograd.grad(outputs=y, inputs=x)\n"
         "print(grad1)\n\n"
         "# y is a vector\n"
         "y = x[:, 0] + x[:, 1]\n"
         "grad2 = autograd.grad(outputs=y, inputs=x, grad_outputs=torch.ones_like(y))\n"
         "print(grad2)\n\n"
         "# second derivative\n"
         "y = x ** 2\n"
         "grad3 = autograd.grad(outputs=y, inputs=x, grad_outputs=torch.ones_like(y), "
         "create_graph=True)\n"
         "grad4 = autograd.grad(outputs=grad3, inputs=x, grad_outputs=torch.ones_like(y))\n"
         "print(grad4)"),
    md("`grad3` is itself on a graph, with the `grad_fn` PyTorch gives it:"),
    code("print(grad3[0])"),
    md("## `backward()`\n\n"
       "`backward()` accumulates gradients into the `.grad` of the leaves."),
    code("x = torch.tensor(1.0, requires_grad=True)\n"
         "y = torch.tensor(2.0, requires_grad=True)\n"
         "z = x ** 2 + y\n"
         "z.backward()\n"
         "print(z, x.grad, y.grad)"),
    md("## A custom `autograd.Function`\n\n"
       "`forward` saves its result for `backward` with `ctx.save_for_backward`. Applying the "
       "function computes nothing backwards yet: `input.grad` is `None` until `backward()` runs."),
    code("class Exp(torch.autograd.Function):\n"
         "    @staticmethod\n"
         "    def forward(ctx, i):\n"
         "        result = i.exp()\n"
         "        ctx.save_for_backward(result)\n"
         "        return result\n\n"
         "    @staticmethod\n"
         "    def backward(ctx, grad_output):\n"
         "        result, = ctx.saved_tensors\n"
         "        return grad_output * result\n\n"
         "input = torch.tensor(2.0, requires_grad=True)\n"
         "output = Exp.apply(input)\n"
         "print(output)\n"
         "print(input.grad)\n"
         "output.backward()\n"
         "print(input.grad)"),
    md("## `torch.func`: function transforms\n\n"
       "`torch.func.grad(f)` is a function that returns the gradient of `f`. It maps straight "
       "onto fungrad's `grad`, and it composes: the gradient of a gradient is a second "
       "derivative."),
    code("from fungrad.torch.func import grad, vmap, hessian\n\n"
         "def f(x):\n"
         "    return (x.sin() * x).sum()\n\n"
         "x = torch.tensor([0.5, 1.0, 2.0])\n"
         "print(grad(f)(x))\n"
         "print(x.cos() * x + x.sin())   # by hand\n"
         "print(grad(grad(lambda t: t.sin()))(torch.tensor(1.0)))   # -sin(1)"),
    md("`vmap` batches a function written for one example: the batch dimension goes through "
       "every primitive (fungrad's batching rules), not a Python loop. `vmap(grad(loss))` gives "
       "per-example gradients, which `backward()` cannot:"),
    code("w = torch.tensor([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.0]])\n"
         "xs = torch.tensor([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0], [2.0, -1.0, 1.0], "
         "[1.0, 1.0, 1.0]])\n"
         "ys = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])\n\n"
         "def loss(w, x, y):\n"
         "    return ((torch.tanh(x @ w) - y) ** 2).sum()\n\n"
         "per_example = vmap(grad(loss), in_dims=(None, 0, 0))(w, xs, ys)\n"
         "print(per_example.shape)\n"
         "print(torch.allclose(per_example.sum(0), grad(lambda w: loss(w, xs, ys))(w)))"),
    md("## Jacobians and Hessians\n\n"
       "`torch.func.hessian` is forward-over-reverse, as in fungrad; "
       "`autograd.functional.jacobian` is built on the core's `jacrev` (or `jacfwd` with "
       "`strategy='forward-mode'`)."),
    code("def rosenbrock(v):\n"
         "    return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2\n\n"
         "print(hessian(rosenbrock)(torch.tensor([-1.2, 1.0])))\n\n"
         "def softmax(z):\n"
         "    return torch.softmax(z, dim=0)\n\n"
         "print(autograd.functional.jacobian(softmax, torch.tensor([1.0, 2.0, 3.0])))"),
    md("## `is_grads_batched`\n\n"
       "With `is_grads_batched=True` the first dimension of `grad_outputs` is a batch of "
       "cotangents, and one call returns one vector-Jacobian product per row. fungrad runs the "
       "recorded backward under its `vmap`, once. With the identity as `grad_outputs`, that is "
       "the whole Jacobian:"),
    code("x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
         "y = x ** 3\n"
         "(jac,) = autograd.grad(y, x, grad_outputs=torch.eye(3), is_grads_batched=True)\n"
         "print(jac)"),
    md("## `detect_anomaly`\n\n"
       "Under `detect_anomaly`, a NaN made by a backward function raises an error naming that "
       "node, and a warning carries the traceback of the forward call that created it. Here the "
       "derivative of `sqrt` at 0 is inf, and inf times the 0 coming back from `* 0` is NaN:"),
    code("import warnings\n\n"
         "x = torch.tensor([0.0, 1.0], requires_grad=True)\n"
         "with warnings.catch_warnings(record=True) as caught:\n"
         "    warnings.simplefilter(\"always\")\n"
         "    with autograd.detect_anomaly():\n"
         "        y = x.sqrt() * 0\n"
         "        try:\n"
         "            y.sum().backward()\n"
         "        except RuntimeError as e:\n"
         "            print(e)\n"
         "warning = next(str(w.message) for w in caught if \"Error detected\" in str(w.message))\n"
         "print(warning.splitlines()[0])\n"
         "print(*[line for line in warning.splitlines() if \"x.sqrt()\" in line])"),
    md("## Custom Functions under the transforms\n\n"
       "A custom `autograd.Function` written in the `setup_context` style also works under "
       "`torch.func`, and its own `backward` is the one used. A straight-through estimator "
       "rounds in the forward pass and pretends to be the identity in the backward pass, so "
       "the gradient of `sum(round(x) ** 2)` becomes `2 * round(x)`, where `round`'s true "
       "gradient is zero:"),
    code("class StraightThroughRound(torch.autograd.Function):\n"
         "    @staticmethod\n"
         "    def forward(x):\n"
         "        return x.round()\n\n"
         "    @staticmethod\n"
         "    def setup_context(ctx, inputs, output):\n"
         "        pass\n\n"
         "    @staticmethod\n"
         "    def backward(ctx, grad_output):\n"
         "        return grad_output\n\n"
         "x = torch.tensor([0.3, 1.7, 2.5])\n"
         "print(StraightThroughRound.apply(x))\n"
         "print(grad(lambda x: (StraightThroughRound.apply(x) ** 2).sum())(x))\n"
         "print(grad(lambda x: (x.round() ** 2).sum())(x))"),
    md("## A training loop\n\n"
       "An ordinary PyTorch training loop: a small MLP fitted to `sin(2x)` with `loss.backward()` "
       "and an SGD step under `no_grad`."),
    code("X = torch.linspace(-2, 2, 32).unsqueeze(1)\n"
         "Y = torch.sin(2 * X)\n"
         "w1 = (2 * torch.linspace(-1, 1, 16).unsqueeze(0)).requires_grad_()\n"
         "b1 = torch.linspace(-1, 1, 16).requires_grad_()\n"
         "w2 = (0.1 * torch.linspace(-1, 1, 16).unsqueeze(1)).requires_grad_()\n"
         "b2 = torch.zeros(1, requires_grad=True)\n"
         "params = [w1, b1, w2, b2]\n\n"
         "for step in range(301):\n"
         "    pred = torch.tanh(X @ w1 + b1) @ w2 + b2\n"
         "    loss = torch.nn.functional.mse_loss(pred, Y)\n"
         "    loss.backward()\n"
         "    with torch.no_grad():\n"
         "        for p in params:\n"
         "            p -= 0.1 * p.grad\n"
         "            p.grad = None\n"
         "    if step % 100 == 0:\n"
         "        print(step, round(loss.item(), 4))"),
    md("The fit after those steps, drawn with matplotlib from the tensors' numpy arrays "
       "(`.numpy()`, as in PyTorch):"),
    code("import matplotlib.pyplot as plt\n\n"
         "with torch.no_grad():\n"
         "    pred = torch.tanh(X @ w1 + b1) @ w2 + b2\n"
         "plt.figure(figsize=(6, 3))\n"
         "plt.plot(X.numpy(), Y.numpy(), 'o', ms=3, label='sin(2x)')\n"
         "plt.plot(X.numpy(), pred.numpy(), label='MLP')\n"
         "plt.legend()\n"
         "plt.show()"),
    md("The same loop runs with `import torch`, to the same losses. `benchmarks/torch_mlp.py` "
       "times it against PyTorch."),
]

if __name__ == "__main__":
    from _build import build
    build(cells, __file__)
