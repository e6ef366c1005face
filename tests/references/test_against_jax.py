"""Differential tests: fungrad's transforms against JAX (and one against HIPS autograd) in float64.

Each program is written once against a numpy-like module `m`, then run with fungrad.numpy and with
jax.numpy; values, grad, jvp, vmap, hessian and jacfwd must agree.
"""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp

jax = pytest.importorskip("jax", reason="jax is not installed (pip install jax) - the reference "
                                        "comparison against JAX is skipped")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy

rng = np.random.default_rng(0)
W = rng.standard_normal((4, 3))
M = rng.standard_normal((3, 3))


def logsumexp(m, x):
    mx = m.max(x)
    return m.log(m.sum(m.exp(x - mx))) + mx


PROGRAMS = {
    "sin_poly": lambda m, x: m.sum(m.sin(x) * x ** 3 - 2.0 * x),
    "tanh_mlp": lambda m, x: m.sum(m.tanh(m.tanh(x @ W) @ W.T) ** 2),
    "logistic_loss": lambda m, x: m.mean(m.log1p(m.exp(-(W @ x[:3]) * np.array([1., -1, 1, -1])))),
    "logsumexp": lambda m, x: logsumexp(m, x * 2.0),
    "softmax_entropy": lambda m, x: -m.sum(m.exp(x - logsumexp(m, x)) * (x - logsumexp(m, x))),
    "quadratic_form": lambda m, x: x[:3] @ M @ x[:3] + m.dot(x, x),
    "norms": lambda m, x: m.sqrt(m.sum(x ** 2) + 1.0) * m.linalg.norm(x[1:] + 0.5),
    "where_relu": lambda m, x: m.sum(m.where(x > 0, x, 0.01 * x) ** 2),
    "max_min": lambda m, x: m.max(m.sin(x)) - m.min(m.cos(x)) + m.sum(m.maximum(x, 0.3)),
    "prod_cumulative": lambda m, x: m.prod(x + 2.0) + m.sum(m.prod(m.reshape(x, (2, 2)), axis=0)),
    "indexing": lambda m, x: m.sum(x[::-1] * x) + x[np.array([0, 3, 3])].sum() * x[1:3].mean(),
    "stack_concat": lambda m, x: m.sum(m.stack([x, x ** 2]) @ m.concatenate([x[:2], x[2:] * 3])),
    "einsum": lambda m, x: m.einsum("i,ij,j->", x[:3], M, m.sin(x[1:])),
    "power_arctan2": lambda m, x: m.sum(m.power(m.abs(x) + 1.0, m.cos(x)) + m.arctan2(x, 1.5)),
    "var_std": lambda m, x: m.var(x) * m.std(m.exp(x)) + m.mean(m.clip(x, -0.5, 0.5)),
    "matrix_fn": lambda m, x: m.sum(m.tanh(m.outer(x, x) @ m.reshape(x, (4, 1))) ** 2),
}

X = rng.standard_normal(4)
T = rng.standard_normal(4)
XS = rng.standard_normal((3, 4))


def both(name):
    """The program for fungrad, and for JAX (whose transformed versions the tests jit: compiling
    each JAX program once is much faster than JAX's op-by-op dispatch)."""
    prog = PROGRAMS[name]
    return (lambda x: prog(fnp, x)), (lambda x: prog(jnp, x))


def close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_value_and_grad(name):
    f, g = both(name)
    value, grad = jax.jit(jax.value_and_grad(g))(X)
    close(f(X), value)
    close(fg.grad(f)(X), grad)


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_jvp_and_vmap(name):
    f, g = both(name)
    out_f, t_f = fg.jvp(f, (X,), (T,))
    out_g, t_g = jax.jit(lambda x, t: jax.jvp(g, (x,), (t,)))(X, T)
    close(out_f, out_g)
    close(t_f, t_g)
    close(fg.vmap(f)(XS), jax.jit(jax.vmap(g))(XS))
    close(fg.vmap(fg.grad(f))(XS), jax.jit(jax.vmap(jax.grad(g)))(XS))


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_hessian_and_jacfwd(name):
    f, g = both(name)
    expected = jax.jit(jax.hessian(g))(X)
    close(fg.hessian(f)(X), expected)
    close(fg.jacfwd(fg.grad(f))(X), expected)
    close(fg.jacrev(fg.grad(f))(X), expected)


def test_vector_valued_jacobians():
    def prog(m, x):
        return m.concatenate([m.sin(x) * x[0], m.tanh(W.T @ x)])

    expected = jax.jit(jax.jacfwd(lambda x: prog(jnp, x)))(X)
    close(fg.jacfwd(lambda x: prog(fnp, x))(X), expected)
    close(fg.jacrev(lambda x: prog(fnp, x))(X), expected)


def test_nested_and_per_example():
    def inner(m, grad, x):
        return m.sum(grad(lambda y: m.sum(m.sin(x * y)))(x) * x)

    close(fg.grad(lambda x: inner(fnp, fg.grad, x))(X),
          jax.jit(jax.grad(lambda x: inner(jnp, jax.grad, x)))(X))

    def loss(m, w, x):
        return m.sum(m.tanh(x @ w) ** 2)

    per_f = fg.vmap(fg.grad(lambda w, x: loss(fnp, w, x)), in_axes=(None, 0))(W, XS)
    per_g = jax.jit(jax.vmap(jax.grad(lambda w, x: loss(jnp, w, x)), in_axes=(None, 0)))(W, XS)
    close(per_f, per_g)


def test_against_hips_autograd():
    autograd = pytest.importorskip("autograd", reason="HIPS autograd is not installed "
                                                      "(pip install autograd)")
    anp = autograd.numpy

    def prog(m, w):
        h = m.tanh(XS @ w)
        return m.sum(m.log(1.0 + m.exp(h @ W.T[:, :2]))) + m.sum(w ** 2) * 0.1

    close(fg.grad(lambda w: prog(fnp, w))(W), autograd.grad(lambda w: prog(anp, w))(W))
    close(fg.hessian(lambda w: prog(fnp, w))(W), autograd.hessian(lambda w: prog(anp, w))(W))
