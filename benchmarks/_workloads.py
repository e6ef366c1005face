"""Benchmark workloads: for each, a handwritten numpy gradient and the same computation in
fungrad (eager and jit) and in each installed peer. Every entry is a zero-argument callable
returning the gradient as a list of numpy arrays, so it can be checked against the handwritten one.
"""
import itertools

import numpy as np

import fungrad as fg
import fungrad.numpy as fnp


def _np(x):
    return [np.asarray(a) for a in x]


# ---- MLP: mean squared error of a tanh network
def mlp_hand_grad(xp, params, x, y):
    """The handwritten gradient of the tanh MLP's mean squared error, in the array namespace
    `xp` (numpy here, CuPy in benchmarks/gpu/run_gpu.py): [dW0, db0, dW1, db1, ...]."""
    hs = [x]
    h = x
    for w, b in params[:-1]:
        h = xp.tanh(h @ w + b)
        hs.append(h)
    w, b = params[-1]
    d = h @ w + b - y
    g = d * (2.0 / d.size)
    grads = []
    for i in range(len(params) - 1, -1, -1):
        h = hs[i]
        grads.append(g.sum(0))
        grads.append(h.T @ g)
        if i:
            g = (g @ params[i][0].T) * (1 - h * h)
    return grads[::-1]


def mlp(sizes, batch, peers, seed=0):
    rng = np.random.default_rng(seed)
    ws = [rng.normal(size=(a, b)) / np.sqrt(a) for a, b in itertools.pairwise(sizes)]
    bs = [rng.normal(size=b) * 0.1 for b in sizes[1:]]
    x = rng.normal(size=(batch, sizes[0]))
    y = rng.normal(size=(batch, sizes[-1]))
    params = [(w, b) for w, b in zip(ws, bs)]

    def hand():
        return mlp_hand_grad(np, params, x, y)

    def loss(params, x, y):
        h = x
        for w, b in params[:-1]:
            h = fnp.tanh(h @ w + b)
        w, b = params[-1]
        return fnp.mean((h @ w + b - y) ** 2)

    g = fg.grad(loss)
    jg = fg.jit(g)
    flat = lambda gs: [a for wb in gs for a in wb]
    out = {"handwritten numpy": hand,
           "fungrad eager": lambda: flat(g(params, x, y)),
           "fungrad jit": lambda: flat(jg(params, x, y))}
    ag, torch, jax = peers.get("autograd"), peers.get("torch"), peers.get("jax")
    if ag is not None:
        anp = ag.numpy

        def aloss(params, x, y):
            h = x
            for w, b in params[:-1]:
                h = anp.tanh(anp.dot(h, w) + b)
            w, b = params[-1]
            return anp.mean((anp.dot(h, w) + b - y) ** 2)
        agg = ag.grad(aloss)
        out["HIPS autograd"] = lambda: flat(agg(params, x, y))
    if torch is not None:
        tp = [(torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True))
              for w, b in params]
        tx, ty = torch.tensor(x), torch.tensor(y)
        leaves = [a for wb in tp for a in wb]

        def tgrad():
            h = tx
            for w, b in tp[:-1]:
                h = torch.tanh(h @ w + b)
            w, b = tp[-1]
            loss_ = ((h @ w + b - ty) ** 2).mean()
            return [t.numpy() for t in torch.autograd.grad(loss_, leaves)]
        out["PyTorch eager"] = tgrad
    if jax is not None:
        jnp = jax.numpy
        jparams = [(jnp.asarray(w), jnp.asarray(b)) for w, b in params]
        jx, jy = jnp.asarray(x), jnp.asarray(y)

        def jloss(params, x, y):
            h = x
            for w, b in params[:-1]:
                h = jnp.tanh(h @ w + b)
            w, b = params[-1]
            return jnp.mean((h @ w + b - y) ** 2)
        jgrad = jax.grad(jloss)
        jjit = jax.jit(jgrad)
        out["JAX eager"] = lambda: flat(jax.block_until_ready(jgrad(jparams, jx, jy)))
        out["JAX jit"] = lambda: flat(jax.block_until_ready(jjit(jparams, jx, jy)))
        bg = fg.jit(g, backend="jax")  # fungrad's program lowered to jax.lax, on the same arrays
        out["fungrad backend=jax"] = lambda: flat(jax.block_until_ready(bg(jparams, jx, jy)))
    return out


# ---- a chain of scalar operations: y = sin(y) * 0.5 + y, three ops per step
def scalar_chain(n_ops, peers):
    steps = n_ops // 3
    x0 = 0.3

    def hand():
        y = np.float64(x0)
        d = 1.0
        for _ in range(steps):
            d = d * (np.cos(y) * 0.5 + 1.0)
            y = np.sin(y) * 0.5 + y
        return [np.asarray(d)]

    def f(y):
        for _ in range(steps):
            y = fnp.sin(y) * 0.5 + y
        return y

    g = fg.grad(f)
    jg = fg.jit(g)
    out = {"handwritten numpy": hand, "fungrad eager": lambda: [g(x0)],
           "fungrad jit": lambda: [jg(x0)]}
    ag, torch, jax = peers.get("autograd"), peers.get("torch"), peers.get("jax")
    if ag is not None:
        def af(y):
            for _ in range(steps):
                y = ag.numpy.sin(y) * 0.5 + y
            return y
        agg = ag.grad(af)
        out["HIPS autograd"] = lambda: [agg(x0)]
    if torch is not None:
        def tg():
            x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
            y = x
            for _ in range(steps):
                y = torch.sin(y) * 0.5 + y
            return [torch.autograd.grad(y, x)[0].numpy()]
        out["PyTorch eager"] = tg
    if jax is not None:
        def jf(y):
            for _ in range(steps):
                y = jax.numpy.sin(y) * 0.5 + y
            return y
        jgrad = jax.grad(jf)
        jjit = jax.jit(jgrad)
        out["JAX eager"] = lambda: [jax.block_until_ready(jgrad(x0))]
        out["JAX jit"] = lambda: [jax.block_until_ready(jjit(x0))]
    return out


# ---- per-example gradients of logistic regression
def per_example(features, batch, peers, seed=1):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=features) / np.sqrt(features)
    xs = rng.normal(size=(batch, features))
    ys = np.sign(rng.normal(size=batch))

    def hand():
        z = -ys * (xs @ w)
        s = 1.0 / (1.0 + np.exp(-z))
        return [(-ys * s)[:, None] * xs]

    def loss(w, x, y):
        return fnp.log1p(fnp.exp(-y * fnp.dot(x, w)))

    pg = fg.vmap(fg.grad(loss), in_axes=(None, 0, 0))
    jpg = fg.jit(pg)
    out = {"handwritten numpy": hand, "fungrad eager": lambda: [pg(w, xs, ys)],
           "fungrad jit": lambda: [jpg(w, xs, ys)]}
    ag, torch, jax = peers.get("autograd"), peers.get("torch"), peers.get("jax")
    if ag is not None:  # autograd has no vmap: the Jacobian of the vector of losses
        anp = ag.numpy
        aj = ag.jacobian(lambda w: anp.log1p(anp.exp(-ys * anp.dot(xs, w))))
        out["HIPS autograd"] = lambda: [aj(w)]
    if torch is not None:
        tw, tx, ty = torch.tensor(w), torch.tensor(xs), torch.tensor(ys)
        tl = lambda w, x, y: torch.log1p(torch.exp(-y * torch.dot(x, w)))
        tpg = torch.func.vmap(torch.func.grad(tl), in_dims=(None, 0, 0))
        out["PyTorch eager"] = lambda: [tpg(tw, tx, ty).numpy()]
    if jax is not None:
        jnp = jax.numpy
        jw, jx, jy = jnp.asarray(w), jnp.asarray(xs), jnp.asarray(ys)
        jl = lambda w, x, y: jnp.log1p(jnp.exp(-y * jnp.dot(x, w)))
        jpg_ = jax.vmap(jax.grad(jl), in_axes=(None, 0, 0))
        jj = jax.jit(jpg_)
        out["JAX eager"] = lambda: [jax.block_until_ready(jpg_(jw, jx, jy))]
        out["JAX jit"] = lambda: [jax.block_until_ready(jj(jw, jx, jy))]
        bpg = fg.jit(pg, backend="jax")
        out["fungrad backend=jax"] = lambda: [jax.block_until_ready(bpg(jw, jx, jy))]
    return out


# ---- Hessian of f(x) = sum(tanh(A x)) + 0.5 |x|^2
def hessian(dim, peers, seed=2):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(dim, dim)) / np.sqrt(dim)
    x = rng.normal(size=dim)

    def hand():
        t = np.tanh(a @ x)
        return [(a.T * (-2.0 * t * (1 - t * t))) @ a + np.eye(dim)]

    def f(x):
        return fnp.sum(fnp.tanh(a @ x)) + 0.5 * fnp.sum(x * x)

    h = fg.hessian(f)
    jh = fg.jit(h)
    out = {"handwritten numpy": hand, "fungrad eager": lambda: [h(x)],
           "fungrad jit": lambda: [jh(x)]}
    ag, torch, jax = peers.get("autograd"), peers.get("torch"), peers.get("jax")
    if ag is not None:
        anp = ag.numpy
        ah = ag.hessian(lambda x: anp.sum(anp.tanh(anp.dot(a, x))) + 0.5 * anp.sum(x * x))
        out["HIPS autograd"] = lambda: [ah(x)]
    if torch is not None:
        ta, tx = torch.tensor(a), torch.tensor(x)
        tf = lambda x: torch.tanh(ta @ x).sum() + 0.5 * (x * x).sum()
        th = torch.func.hessian(tf)
        out["PyTorch eager"] = lambda: [th(tx).numpy()]
    if jax is not None:
        jnp = jax.numpy
        ja, jx = jnp.asarray(a), jnp.asarray(x)
        jf = lambda x: jnp.sum(jnp.tanh(ja @ x)) + 0.5 * jnp.sum(x * x)
        jh_ = jax.hessian(jf)
        jj = jax.jit(jh_)
        out["JAX eager"] = lambda: [jax.block_until_ready(jh_(jx))]
        out["JAX jit"] = lambda: [jax.block_until_ready(jj(jx))]
        bh = fg.jit(h, backend="jax")
        out["fungrad backend=jax"] = lambda: [jax.block_until_ready(bh(jx))]
    return out


def check(fns, rtol=1e-6, atol=1e-9):
    """Raise if any system's gradient differs from the handwritten one."""
    ref = _np(fns["handwritten numpy"]())
    for name, fn in fns.items():
        got = _np(fn())
        assert len(got) == len(ref), name
        for r, g in zip(ref, got):
            np.testing.assert_allclose(g, r, rtol=rtol, atol=atol, err_msg=name)
