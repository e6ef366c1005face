"""grad_fn of gradients made with create_graph=True: torch's name for the last op of each backward
formula, and no graph at all where the gradient does not depend on the inputs (linear ops)."""
import numpy as np
import pytest

import fungrad.torch as ftorch

OPS = {
    "mul": lambda t, x, y: x * y, "div_x": lambda t, x, y: x / y, "pow3": lambda t, x, y: x ** 3,
    "exp": lambda t, x, y: t.exp(x), "log": lambda t, x, y: t.log(x),
    "sqrt": lambda t, x, y: t.sqrt(x), "tanh": lambda t, x, y: t.tanh(x),
    "sigmoid": lambda t, x, y: t.sigmoid(x), "relu": lambda t, x, y: t.relu(x),
    "abs": lambda t, x, y: t.abs(x), "matmul": lambda t, x, y: x @ y,
    "softmax": lambda t, x, y: t.softmax(x, 1), "log_softmax": lambda t, x, y: t.log_softmax(x, 1),
    "mse": lambda t, x, y: t.nn.functional.mse_loss(x, y), "square": lambda t, x, y: x * x,
    "add": lambda t, x, y: x + y, "sub": lambda t, x, y: x - y, "neg": lambda t, x, y: -x,
    "sum": lambda t, x, y: x.sum(), "mean": lambda t, x, y: x.mean(), "t": lambda t, x, y: x.t(),
    "mul_scalar": lambda t, x, y: x * 2, "clamp": lambda t, x, y: x.clamp(0.5, 2.0),
    "where": lambda t, x, y: t.where(x > 1, x, y), "cat": lambda t, x, y: t.cat([x, y]),
    "max": lambda t, x, y: x.max(), "index": lambda t, x, y: x[0],
}
EXPECTED = {
    "mul": "MulBackward0", "div_x": "DivBackward0", "pow3": "MulBackward0",
    "exp": "MulBackward0", "log": "DivBackward0", "sqrt": "DivBackward0",
    "tanh": "TanhBackwardBackward0", "sigmoid": "SigmoidBackwardBackward0",
    "relu": "ThresholdBackwardBackward0", "abs": "MulBackward0", "matmul": "MmBackward0",
    "softmax": "SoftmaxBackwardDataBackward0", "log_softmax": "LogSoftmaxBackwardDataBackward0",
    "mse": "MseLossBackwardBackward0", "square": "AddBackward0",
    "add": None, "sub": None, "neg": None, "sum": None, "mean": None, "t": None,
    "mul_scalar": None, "clamp": None, "where": None, "cat": None, "max": None, "index": None,
}


def grad_fn_name(torch, op):
    x = torch.tensor([[1.0, 2.0], [3.0, 0.5]], requires_grad=True)
    y = torch.tensor([[0.5, 1.5], [2.0, 1.0]], requires_grad=True)
    out = OPS[op](torch, x, y)
    (g,) = torch.autograd.grad(out, [x], torch.ones_like(out), create_graph=True)
    return None if g.grad_fn is None else g.grad_fn.name(), g.requires_grad, g.detach().numpy()


@pytest.mark.parametrize("op", sorted(OPS))
def test_name(op):
    name, req, _ = grad_fn_name(ftorch, op)
    assert name == EXPECTED[op]
    assert req == (EXPECTED[op] is not None)


@pytest.mark.parametrize("op", sorted(OPS))
def test_matches_real_torch(op):
    torch = pytest.importorskip("torch", reason="real PyTorch 2.13 is not installed "
                                "(pip install torch==2.13.0): live comparison skipped")
    got, want = grad_fn_name(ftorch, op), grad_fn_name(torch, op)
    assert got[:2] == want[:2]
    np.testing.assert_allclose(got[2], want[2], rtol=1e-5)


def test_second_order_still_flows():
    x = ftorch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (g,) = ftorch.autograd.grad((x ** 3).sum() + (2 * x).sum(), [x], create_graph=True)
    (h,) = ftorch.autograd.grad(g.sum(), [x])
    np.testing.assert_allclose(h.numpy(), 6 * np.array([1.0, -2.0, 3.0]))
