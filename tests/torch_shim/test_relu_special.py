"""relu at the special values, against torch 2.13's literal outputs: the value is x unless x < 0
(so nan and -0. pass through), the gradient is grad unless x <= 0 (threshold_backward: exactly 0
at +-0. and at negatives whatever the incoming grad, and grad at nan)."""
import warnings

import numpy as np
import pytest

import fungrad.torch as torch
from fungrad.torch.autograd import forward_ad as fwAD

NAN, INF = float("nan"), float("inf")
X = [NAN, 0.0, -0.0, INF, -INF, -2.0, 3.0]
# torch.relu(torch.tensor(X)).tolist()
VALUE = [NAN, 0.0, -0.0, INF, 0.0, 0.0, 3.0]
# x.grad after torch.relu(x).backward(torch.ones(7))
GRAD = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0]
# x.grad after torch.relu(x).backward(G)
G = [NAN, INF, NAN, INF, NAN, INF, 5.0]
GRAD_G = [NAN, 0.0, 0.0, INF, 0.0, 0.0, 5.0]

DTYPES = [torch.float32, torch.float64]


def same(t, expected):
    """Bitwise-equal as floats: nan where nan, and the sign of every zero."""
    a = np.asarray(t.detach().numpy() if hasattr(t, "detach") else t, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    assert np.array_equal(np.isnan(a), np.isnan(e)), (a, e)
    assert np.array_equal(np.signbit(a), np.signbit(e)), (a, e)
    assert np.array_equal(np.nan_to_num(a), np.nan_to_num(e)), (a, e)


@pytest.fixture(autouse=True)
def _no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("op", ["relu", "method", "functional"])
def test_value_and_grad(dtype, op):
    f = {"relu": torch.relu, "method": lambda v: v.relu(),
         "functional": torch.nn.functional.relu}[op]
    x = torch.tensor(X, dtype=dtype, requires_grad=True)
    y = f(x)
    assert y.dtype == dtype and y.grad_fn.name() == "ReluBackward0"
    same(y, VALUE)
    y.backward(torch.ones_like(y))
    same(x.grad, GRAD)
    x.grad = None
    f(x).backward(torch.tensor(G, dtype=dtype))
    same(x.grad, GRAD_G)


def test_repr_shows_nan_and_negative_zero():
    y = torch.relu(torch.tensor(X, requires_grad=True))
    assert repr(y) == "tensor([nan, 0., -0., inf, 0., 0., 3.], grad_fn=<ReluBackward0>)"


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_relu_inplace(dtype):
    z = torch.tensor(X, dtype=dtype)
    z.relu_()
    same(z, VALUE)
    x = torch.tensor(X, dtype=dtype, requires_grad=True)
    w = x * 1
    w.relu_()
    assert w.grad_fn.name() == "ReluBackward0"
    same(w, VALUE)
    w.backward(torch.tensor(G, dtype=dtype))
    same(x.grad, GRAD_G)


def test_double_backward():
    x = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    y = torch.relu(x)
    (g,) = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)
    assert g.grad_fn.name() == "ThresholdBackwardBackward0"
    same(g, GRAD)
    (gg,) = torch.autograd.grad(g, x, torch.ones_like(g), allow_unused=True,
                                materialize_grads=True)
    same(gg, [0.0] * 7)


def test_transforms_and_forward_ad():
    x = torch.tensor(X, dtype=torch.float64)
    same(torch.func.vmap(torch.relu)(x), VALUE)
    same(torch.func.vmap(torch.func.grad(torch.relu))(x), GRAD)
    for jac in (torch.func.jacrev(torch.relu)(x), torch.func.jacfwd(torch.relu)(x),
                torch.autograd.functional.jacobian(torch.relu, x)):
        same(np.diag(jac.numpy()), GRAD)
    with fwAD.dual_level():
        p, t = fwAD.unpack_dual(torch.relu(fwAD.make_dual(x, torch.ones_like(x))))
        same(p, VALUE)
        same(t, GRAD)


def test_integer_relu():
    y = torch.relu(torch.tensor([-3, 0, 4]))
    assert y.dtype == torch.int64 and y.tolist() == [0, 0, 4]


def test_functional_relu_inplace_modifies_and_returns_its_input():
    import fungrad.torch as ftorch
    import fungrad.torch.nn.functional as F
    x = ftorch.tensor([-1.0, 2.0])
    out = F.relu(x, inplace=True)
    assert out is x
    assert repr(x) == "tensor([0., 2.])"
    y = ftorch.tensor([-1.0, 2.0], requires_grad=True)
    F.relu(y, inplace=False).sum().backward()
    assert repr(y.grad) == "tensor([0., 1.])"
