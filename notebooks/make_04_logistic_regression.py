"""Build notebooks/04_logistic_regression.ipynb and execute it so the saved file shows its outputs.

    python notebooks/make_04_logistic_regression.py
"""
from nbformat.v4 import new_code_cell, new_markdown_cell

md, code = new_markdown_cell, new_code_cell

cells = [
    md("# Per-example gradients and Newton's method: logistic regression\n\n"
       "A logistic regression on a real data set, scikit-learn's breast-cancer table (569 "
       "tumours, 30 measurements each, labelled benign or malignant), fitted three ways with "
       "fungrad's transforms: per-example gradients with `vmap(grad(...))`, the full Hessian "
       "with `hessian`, and Hessian-vector products (`jvp` of `grad`) that never form the "
       "Hessian. Every derivative is checked against its closed form, and the fit against "
       "scikit-learn's."),
    code("import matplotlib.pyplot as plt\n"
         "import numpy as np\n"
         "from sklearn.datasets import load_breast_cancer\n"
         "from sklearn.linear_model import LogisticRegression\n\n"
         "import fungrad as fg\n"
         "import fungrad.numpy as fnp\n"
         "from fungrad.nn import log_sigmoid\n\n"
         "np.set_printoptions(precision=4, suppress=True)\n\n"
         "data = load_breast_cancer()\n"
         "X = (data.data - data.data.mean(0)) / data.data.std(0)   # standardised features\n"
         "X = np.hstack([X, np.ones((len(X), 1))])                   # a constant column: the bias\n"
         "y = data.target.astype(float)\n"
         "n, d = X.shape\n"
         "print(n, 'examples,', d, 'parameters')"),
    md("## The model\n\n"
       "The probability that example x has label 1 is sigmoid(θ·x). The loss of one example is "
       "its negative log-likelihood, written with `log_sigmoid` so it stays finite for large "
       "margins; the training loss is their mean plus a small ridge penalty (which keeps the "
       "minimum finite even where the classes separate)."),
    code("lam = 1e-2\n\n"
         "def example_loss(theta, x, y):\n"
         "    z = fnp.dot(x, theta)\n"
         "    return -(y * log_sigmoid(z) + (1 - y) * log_sigmoid(-z))\n\n"
         "def loss(theta):\n"
         "    z = X @ theta\n"
         "    nll = -fnp.mean(y * log_sigmoid(z) + (1 - y) * log_sigmoid(-z))\n"
         "    return nll + 0.5 * lam * fnp.sum(theta[:-1] ** 2)   # the bias is not penalised\n\n"
         "def sigmoid(z):\n"
         "    return 1 / (1 + np.exp(-z))"),
    md("## Per-example gradients\n\n"
       "`grad(example_loss)` is the gradient for one example; `vmap` maps it over the rows of `X` "
       "and `y` while sharing θ (`in_axes=(None, 0, 0)`), giving one gradient per example in a "
       "single batched computation. For this model the gradient of example i is "
       "(sigmoid(θ·xᵢ) - yᵢ) xᵢ, and the mean of the rows is the gradient of the mean loss."),
    code("theta0 = np.zeros(d)\n"
         "per_example = fg.vmap(fg.grad(example_loss), in_axes=(None, 0, 0))(theta0, X, y)\n"
         "print(per_example.shape)\n"
         "print(np.allclose(per_example, (sigmoid(X @ theta0) - y)[:, None] * X))\n"
         "print(np.allclose(per_example.mean(0), fg.grad(loss)(theta0)))"),
    md("Per-example gradients answer questions a batch gradient cannot: which examples pull "
       "hardest on the fit, or, as in differentially private SGD, what the update is when every "
       "example's gradient is clipped to a norm bound before averaging. Here at a partly "
       "trained θ (20 steps of gradient descent):"),
    code("theta = theta0\n"
         "for _ in range(20):\n"
         "    theta = theta - 0.5 * fg.grad(loss)(theta)\n"
         "g_i = fg.vmap(fg.grad(example_loss), in_axes=(None, 0, 0))(theta, X, y)\n"
         "norms = np.linalg.norm(g_i, axis=1)\n"
         "print('largest per-example gradient norms:', np.sort(norms)[-5:])\n"
         "print('examples with norm > 1:', int(np.sum(norms > 1)), 'of', n)\n"
         "clipped = g_i * np.minimum(1.0, 1.0 / norms)[:, None]\n"
         "print('cosine(clipped mean, plain mean):',\n"
         "      float(clipped.mean(0) @ g_i.mean(0)\n"
         "            / np.linalg.norm(clipped.mean(0)) / np.linalg.norm(g_i.mean(0))))\n\n"
         "fig, ax = plt.subplots(figsize=(6, 2.5))\n"
         "ax.hist(norms, bins=50, log=True)\n"
         "ax.set_xlabel('norm of the per-example gradient')\n"
         "ax.set_ylabel('examples')\n"
         "plt.show()"),
    md("## The Hessian\n\n"
       "`hessian(loss)` is `jacfwd(jacrev(loss))`: a d×d matrix. The closed form is "
       "Xᵀ diag(p(1-p)) X / n plus the ridge term, with p = sigmoid(Xθ)."),
    code("H = fg.hessian(loss)(theta)\n"
         "p = sigmoid(X @ theta)\n"
         "ridge = lam * np.diag(np.r_[np.ones(d - 1), 0.0])\n"
         "print(H.shape)\n"
         "print(np.allclose(H, X.T @ (X * (p * (1 - p))[:, None]) / n + ridge))\n"
         "print('smallest eigenvalue:', np.linalg.eigvalsh(H).min())   # positive: the loss is convex"),
    md("## Hessian-vector products\n\n"
       "Newton's method only needs H v for a few vectors v. Forward mode over reverse mode gives "
       "it directly: the `jvp` of `grad(loss)` at θ along v is H v, at the cost of about two "
       "gradients and without the d×d matrix (which matters when d is large)."),
    code("def hvp(theta, v):\n"
         "    return fg.jvp(fg.grad(loss), (theta,), (v,))[1]\n\n"
         "v = np.random.default_rng(0).standard_normal(d)\n"
         "print(np.allclose(hvp(theta, v), H @ v))"),
    md("## Newton's method\n\n"
       "Three minimisers, started from θ = 0, and the gradient norm after each step:\n\n"
       "- gradient descent with a fixed step;\n"
       "- Newton's method, θ ← θ - H⁻¹ g with the full Hessian;\n"
       "- Newton-CG: the same step, with H⁻¹ g found by conjugate gradients from "
       "Hessian-vector products only (`scipy.sparse.linalg.cg` with a `LinearOperator`).\n\n"
       "The gradient, the Hessian and the Hessian-vector product are each wrapped in `jit`: "
       "traced once, then run as generated numpy code at every step."),
    code("from scipy.sparse.linalg import LinearOperator, cg\n\n"
         "grad_loss = fg.jit(fg.grad(loss))\n"
         "hess_loss = fg.jit(fg.hessian(loss))\n"
         "hvp_jit = fg.jit(hvp)\n\n"
         "def gd_step(theta):\n"
         "    return theta - 0.5 * grad_loss(theta)\n\n"
         "def newton_step(theta):\n"
         "    return theta - np.linalg.solve(hess_loss(theta), grad_loss(theta))\n\n"
         "def newton_cg_step(theta):\n"
         "    A = LinearOperator((d, d), matvec=lambda v: hvp_jit(theta, v), dtype=float)\n"
         "    step, info = cg(A, grad_loss(theta), rtol=1e-10, maxiter=200)\n"
         "    return theta - step\n\n"
         "history = {}\n"
         "for name, step, iters in [('gradient descent', gd_step, 200),\n"
         "                          ('Newton (hessian)', newton_step, 12),\n"
         "                          ('Newton-CG (hvp)', newton_cg_step, 12)]:\n"
         "    theta = np.zeros(d)\n"
         "    norms = [np.linalg.norm(grad_loss(theta))]\n"
         "    for _ in range(iters):\n"
         "        theta = step(theta)\n"
         "        norms.append(np.linalg.norm(grad_loss(theta)))\n"
         "    history[name] = (theta, norms)\n"
         "    print(f'{name:18s} loss {float(loss(theta)):.8f}   |grad| {norms[-1]:.1e} '\n"
         "          f'after {iters} steps')\n\n"
         "fig, ax = plt.subplots(figsize=(7, 3.5))\n"
         "for name, (_, norms) in history.items():\n"
         "    ax.semilogy(norms, marker='.' if len(norms) < 20 else None, label=name)\n"
         "ax.set_xlabel('step')\n"
         "ax.set_ylabel('gradient norm')\n"
         "ax.legend()\n"
         "plt.show()"),
    md("Newton's method converges quadratically: the number of correct digits roughly doubles "
       "each step once it is close, while gradient descent creeps. Newton-CG follows the "
       "full-Hessian Newton steps without ever forming H.\n\n"
       "## The same fit as scikit-learn\n\n"
       "scikit-learn's `LogisticRegression` minimises C·Σ log-loss + ½‖w‖² with an unpenalised "
       "intercept, which is our loss times n·C when C = 1/(n·λ). Its coefficients agree with "
       "Newton's:"),
    code("theta_newton = history['Newton (hessian)'][0]\n"
         "sk = LogisticRegression(C=1 / (n * lam), tol=1e-12, max_iter=10_000).fit(X[:, :-1], y)\n"
         "print(np.allclose(theta_newton[:-1], sk.coef_[0], atol=1e-5),\n"
         "      np.allclose(theta_newton[-1], sk.intercept_[0], atol=1e-5))\n"
         "print('largest difference:', np.max(np.abs(theta_newton - np.r_[sk.coef_[0], sk.intercept_])))\n"
         "print('training accuracy:', np.mean((X @ theta_newton > 0) == y))"),
]

if __name__ == "__main__":
    from _build import build
    build(cells, __file__)
