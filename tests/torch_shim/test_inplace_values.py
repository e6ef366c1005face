"""In-place fill_/zero_/copy_/clamp_ over tensors holding inf and nan: the values written (not
nan from ``value + x * 0``) and a zero gradient for the overwritten tensor, as torch 2.13 gives
them (the expected values are torch's; compared with live torch too where it is installed)."""
import math

import numpy as np
import pytest

import fungrad.torch as ft
from nn_kit import real_torch_or_none

torch = real_torch_or_none("2.13.0")
INF, NAN = math.inf, math.nan
DATA = [INF, -INF, NAN, 1.0, -0.5]
CASES = {
    "fill_": (lambda T, u: u.fill_(2.0), [2.0] * 5, [0.0] * 5),
    "zero_": (lambda T, u: u.zero_(), [0.0] * 5, [0.0] * 5),
    "copy_": (lambda T, u: u.copy_(T.tensor([1.0, 2.0, 3.0, 4.0, 5.0])), [1.0, 2.0, 3.0, 4.0, 5.0],
              [0.0] * 5),
    "clamp_": (lambda T, u: u.clamp_(0, 1), [1.0, 0.0, NAN, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0, 0.0]),
    "elu_": (lambda T, u: T.nn.functional.elu_(u), [INF, -1.0, NAN, 1.0, math.expm1(-0.5)],
             None),
    "hardtanh_": (lambda T, u: T.nn.functional.hardtanh_(u), [1.0, -1.0, NAN, 1.0, -0.5], None),
}


def run(T, case):
    op, _, _ = CASES[case]
    t = T.tensor(DATA, requires_grad=True)
    u = t.clone()
    op(T, u)
    u.sum().backward()
    return u.detach().numpy().copy(), t.grad.numpy().copy()


@pytest.mark.parametrize("case", sorted(CASES))
def test_inplace_over_inf_and_nan(case):
    value, grad = run(ft, case)
    _, want_value, want_grad = CASES[case]
    np.testing.assert_array_equal(value, np.array(want_value, np.float32))
    if want_grad is not None:
        np.testing.assert_array_equal(grad, np.array(want_grad, np.float32))
    if torch is not None:
        tv, tg = run(torch, case)
        np.testing.assert_array_equal(value, tv)
        np.testing.assert_array_equal(grad, tg)


INPLACE_MODULES = ["ELU", "SELU", "CELU", "LeakyReLU", "Hardtanh", "ReLU6", "SiLU", "Mish",
                   "Hardsigmoid", "Hardswish"]


def run_module(T, name, inplace):
    """grad of sum(module(x * 1)) with the module in place on a non-leaf (nn.ELU(inplace=True)
    after a Linear: no version error, the out-of-place gradient)."""
    x = T.tensor([-2.0, -0.5, -0.0, 0.0, 0.5, 3.0, 7.0, NAN], requires_grad=True)
    m = getattr(T.nn, name)(inplace=inplace)
    y = m(x * 1.0)
    y.sum().backward()
    return y.detach().numpy().copy(), x.grad.numpy().copy()


@pytest.mark.parametrize("name", INPLACE_MODULES)
def test_inplace_activation_backward(name):
    value, grad = run_module(ft, name, True)
    np.testing.assert_array_equal(value, run_module(ft, name, False)[0])
    np.testing.assert_array_equal(grad, run_module(ft, name, False)[1])
    if torch is not None:
        tv, tg = run_module(torch, name, True)
        np.testing.assert_allclose(value, tv, rtol=1e-6, atol=0)
        np.testing.assert_allclose(grad, tg, rtol=1e-6, atol=0)
