"""Eager dispatch (grad, jvp, vmap on concrete values) agrees with the staged paths bit for bit:
for each function of a table, eager `grad`/`jvp`/`vmap` equal `jit` of the same transform and
the `make_jaxpr` program run by the one evaluator, in value, dtype and type; errors are raised
with the same type and message eagerly and under jit."""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad.extend import run_closed

RNG = np.random.default_rng(0)
W1, B1 = RNG.normal(size=(4, 3)), RNG.normal(size=3)
W2, B2 = RNG.normal(size=(3, 2)), RNG.normal(size=2)


def chain(y):
    for _ in range(20):
        y = fnp.sin(y) * 0.5 + y
    return fnp.sum(y)


def mlp(x):
    h = fnp.tanh(x @ W1 + B1)
    return fnp.mean((h @ W2 + B2 - 1.0) ** 2)


def mixed(x):  # Python scalars, integers, broadcasting, reductions, where
    n = fnp.arange(x.shape[-1])
    z = fnp.where(x > 0, x * 2, -x) + n * x ** 3 / 7
    return fnp.sum(fnp.exp(-z) * fnp.cos(x[..., None] * np.ones(2)).sum(-1)) + 3


def f32(x):  # float32 stays float32 through weakly typed constants
    return fnp.sum(fnp.log1p(x * x) * 0.25 - fnp.maximum(x, 0.5))


def shared(x):  # one value read by many operations (cotangent accumulation order)
    a = x * x
    return fnp.sum(a + a * x + fnp.sin(a) * a - x)


CASES = [
    ("chain", chain, np.array([0.3, -1.1, 2.5])),
    ("chain_0d", chain, np.float64(0.3)),
    ("mlp", mlp, RNG.normal(size=(5, 4))),
    ("mixed", mixed, RNG.normal(size=(2, 3))),
    ("f32", f32, RNG.normal(size=4).astype(np.float32)),
    ("shared", shared, RNG.normal(size=3)),
]


def same(a, b):
    assert type(a) is type(b), (type(a), type(b))
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
    assert a.tobytes() == b.tobytes(), (a, b)


@pytest.mark.parametrize("name,f,x", CASES, ids=[c[0] for c in CASES])
def test_grad_eager_equals_jit_and_program(name, f, x):
    g = fg.grad(f)
    eager = g(x)
    same(eager, fg.jit(g)(x))
    program = fg.make_jaxpr(g)(x)
    same(eager, run_closed(program, x)[0])
    value, g2 = fg.value_and_grad(f)(x)
    same(g2, eager)
    same(value, f(x))


@pytest.mark.parametrize("name,f,x", CASES, ids=[c[0] for c in CASES])
def test_jvp_eager_equals_jit(name, f, x):
    t = np.ones_like(x)
    run = lambda x, t: fg.jvp(f, (x,), (t,))
    eager = run(x, t)
    staged = fg.jit(run)(x, t)
    for a, b in zip(eager, staged):
        same(a, b)


@pytest.mark.parametrize("name,f,x", [c for c in CASES if np.ndim(c[2]) >= 1],
                         ids=[c[0] for c in CASES if np.ndim(c[2]) >= 1])
def test_vmap_grad_eager_equals_jit(name, f, x):
    xs = np.stack([x, x * 0.5 + 0.25])
    vg = fg.vmap(fg.grad(f))
    same(vg(xs), fg.jit(vg)(xs))


def _error(call):
    with pytest.raises(Exception) as info:
        call()
    return type(info.value), str(info.value)


def test_errors_match_eager_and_jit():
    bad = lambda x: fnp.sum(x @ np.ones((5, 2)))
    x = np.ones((2, 3))
    eager = _error(lambda: fg.grad(bad)(x))
    assert issubclass(eager[0], (TypeError, ValueError)), eager
    assert eager == _error(lambda: fg.jit(fg.grad(bad))(x))
    nonscalar = lambda x: x * 2
    assert _error(lambda: fg.grad(nonscalar)(x)) == _error(lambda: fg.jit(fg.grad(nonscalar))(x))
    assert "f64[2,3]" in _error(lambda: fg.grad(nonscalar)(x))[1]
