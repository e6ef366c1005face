"""Identities between the transforms that need no oracle, on random programs and shapes (Hypothesis).

Random programs are short chains of fungrad.numpy operations drawn from a pool, applied to inputs
of random broadcastable shapes. For each we check: the JVP is linear in the tangent; the VJP is the
adjoint of the JVP; vmap equals a loop; jit equals eager to the last bit; grad equals jacrev for a
scalar output; linearize equals jvp; the Hessian is symmetric; and running the staged program
reproduces the function. Derandomized, so CI sees the same examples every run.
"""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fungrad as fg
import fungrad.numpy as fnp
from fungrad._core.eval import eval_jaxpr

settings.register_profile("fungrad", derandomize=True, max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("fungrad")

# unary steps keep the values in a tame range so every derivative is finite
UNARY = {
    "sin": fnp.sin, "tanh": fnp.tanh, "exp_small": lambda x: fnp.exp(0.3 * fnp.tanh(x)),
    "square": lambda x: x * x, "softplus": lambda x: fnp.log1p(fnp.exp(-fnp.abs(x)))
    + fnp.maximum(x, 0.0), "cube": lambda x: fnp.tanh(x) ** 3, "sqrt_pos": lambda x: fnp.sqrt(x * x + 1.0),
}
BINARY = {
    "add": lambda x, y: x + y, "mul": lambda x, y: x * y, "sub": lambda x, y: x - y,
    "div": lambda x, y: x / (y * y + 1.0), "max": fnp.maximum,
}


@st.composite
def programs(draw):
    """(f, x, y): f(x, y) a chain of ops on two broadcastable inputs, ending in one array."""
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                    max_side=3))
    xs = [draw(hnp.arrays(np.float64, s, elements=st.floats(-2, 2, width=64)))
          for s in shapes.input_shapes]
    steps = draw(st.lists(st.one_of(st.sampled_from(sorted(UNARY)),
                                    st.sampled_from(sorted(BINARY))), min_size=1, max_size=5))

    def f(x, y):
        a = x + 0.5 * y
        for name in steps:
            a = UNARY[name](a) if name in UNARY else BINARY[name](a, y)
        return a

    f.__name__ = "_".join(steps)
    return f, xs[0], xs[1]


def _dot(a, b):
    return float(np.sum(np.asarray(a) * np.asarray(b)))


@given(programs(), st.integers(0, 2 ** 31 - 1))
def test_jvp_is_linear_and_vjp_is_its_adjoint(prog, seed):
    f, x, y = prog
    rng = np.random.default_rng(seed)
    tx, ty = rng.standard_normal(x.shape), rng.standard_normal(y.shape)
    out, t_out = fg.jvp(f, (x, y), (tx, ty))
    _, t_out2 = fg.jvp(f, (x, y), (2.0 * tx, 2.0 * ty))
    np.testing.assert_allclose(t_out2, 2.0 * np.asarray(t_out), rtol=1e-10, atol=1e-12)
    ct = rng.standard_normal(np.shape(out))
    _, pull = fg.vjp(f, x, y)
    cx, cy = pull(ct)
    np.testing.assert_allclose(_dot(ct, t_out), _dot(cx, tx) + _dot(cy, ty), rtol=1e-9,
                               atol=1e-9)


@given(programs())
def test_linearize_equals_jvp_and_staging_reproduces_f(prog):
    f, x, y = prog
    tx, ty = np.ones_like(x), np.full_like(y, -0.5)
    out, f_jvp = fg.linearize(f, x, y)
    np.testing.assert_allclose(f_jvp(tx, ty), fg.jvp(f, (x, y), (tx, ty))[1], rtol=1e-12)
    closed = fg.check_jaxpr(fg.make_jaxpr(f)(x, y))
    staged, = eval_jaxpr(closed.jaxpr, closed.consts, x, y)
    np.testing.assert_array_equal(staged, out)


@given(programs())
def test_jit_is_bit_exact(prog):
    f, x, y = prog
    np.testing.assert_array_equal(fg.jit(f)(x, y), f(x, y))
    g = fg.grad(lambda x, y: fnp.sum(f(x, y)), argnums=(0, 1))
    for a, b in zip(fg.jit(g)(x, y), g(x, y)):
        np.testing.assert_array_equal(a, b)


@given(programs())
def test_vmap_equals_a_loop(prog):
    f, x, y = prog
    xs = np.stack([x, 2.0 * x - 1.0, -x])
    mapped = fg.vmap(f, in_axes=(0, None))(xs, y)
    np.testing.assert_allclose(mapped, np.stack([f(xi, y) for xi in xs]), rtol=1e-12)
    g = fg.grad(lambda x, y: fnp.sum(f(x, y)))
    per_example = fg.vmap(g, in_axes=(0, None))(xs, y)
    np.testing.assert_allclose(per_example, np.stack([g(xi, y) for xi in xs]), rtol=1e-10,
                               atol=1e-12)


@given(programs())
def test_grad_equals_jacrev_and_hessian_is_symmetric(prog):
    f, x, y = prog

    def scalar(x):
        return fnp.sum(f(x, y) ** 2) * 0.1

    g = fg.grad(scalar)(x)
    np.testing.assert_allclose(g, fg.jacrev(scalar)(x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g, fg.jacfwd(scalar)(x), rtol=1e-9, atol=1e-12)
    h = np.asarray(fg.hessian(scalar)(x)).reshape(x.size, x.size)
    np.testing.assert_allclose(h, h.T, rtol=1e-9, atol=1e-9)
