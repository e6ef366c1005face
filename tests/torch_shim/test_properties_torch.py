"""fungrad.torch equals the core (Hypothesis): random chains of elementwise ops on two
broadcastable float64 inputs, written once with fungrad.numpy and once with fungrad.torch; the
values and the gradients of the sum (torch's backward vs fungrad.grad) agree, for every example
(derandomized). The ops are ones whose derivative conventions agree (the shim follows torch at
kinks, the core JAX: abs at 0 is left out; maximum splits a tie 1/2 each in both)."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fungrad as fg
import fungrad.numpy as fnp
import fungrad.torch as ftorch

SETTINGS = settings(derandomize=True, max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

# (core, torch) pairs of the same function
UNARY = {
    "sin": (fnp.sin, ftorch.sin), "tanh": (fnp.tanh, ftorch.tanh),
    "exp_small": (lambda x: fnp.exp(0.3 * fnp.tanh(x)), lambda x: ftorch.exp(0.3 * ftorch.tanh(x))),
    "square": (lambda x: x * x, lambda x: x * x),
    "cube": (lambda x: fnp.tanh(x) ** 3, lambda x: ftorch.tanh(x) ** 3),
    "sqrt_pos": (lambda x: fnp.sqrt(x * x + 1.0), lambda x: ftorch.sqrt(x * x + 1.0)),
    "sigmoid": (lambda x: 1 / (1 + fnp.exp(-x)), ftorch.sigmoid),
    "log1p_sq": (lambda x: fnp.log1p(x * x), lambda x: ftorch.log1p(x * x)),
}
BINARY = {
    "add": (lambda x, y: x + y, lambda x, y: x + y),
    "mul": (lambda x, y: x * y, lambda x, y: x * y),
    "sub": (lambda x, y: x - y, lambda x, y: x - y),
    "div": (lambda x, y: x / (y * y + 1.0), lambda x, y: x / (y * y + 1.0)),
    "max": (fnp.maximum, ftorch.maximum),
    "atan2_pos": (lambda x, y: fnp.arctan2(x, y * y + 1.0),
                  lambda x, y: ftorch.atan2(x, y * y + 1.0)),
}


@st.composite
def programs(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                    max_side=3))
    xs = [draw(hnp.arrays(np.float64, s, elements=st.floats(-2, 2, width=64)))
          for s in shapes.input_shapes]
    steps = draw(st.lists(st.sampled_from(sorted(UNARY) + sorted(BINARY)), min_size=1,
                          max_size=5))

    def make(k):
        def f(x, y):
            a = x + 0.5 * y
            for name in steps:
                a = UNARY[name][k](a) if name in UNARY else BINARY[name][k](a, y)
            return a
        return f
    return steps, make(0), make(1), xs[0], xs[1]


@SETTINGS
@given(programs())
def test_torch_shim_equals_the_core_in_value_and_gradient(prog):
    steps, f_core, f_torch, x, y = prog
    want = np.asarray(f_core(x, y))
    gx_want, gy_want = fg.grad(lambda a, b: fnp.sum(f_core(a, b)), argnums=(0, 1))(x, y)
    tx = ftorch.tensor(x, requires_grad=True)
    ty = ftorch.tensor(y, requires_grad=True)
    out = f_torch(tx, ty)
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-13, atol=1e-15, err_msg=steps)
    out.sum().backward()
    np.testing.assert_allclose(tx.grad.numpy(), gx_want, rtol=1e-12, atol=1e-14, err_msg=steps)
    np.testing.assert_allclose(ty.grad.numpy(), gy_want, rtol=1e-12, atol=1e-14, err_msg=steps)
