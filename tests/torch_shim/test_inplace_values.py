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


# ---- complex gradients: torch's convention is the conjugate of the core's (JAX's)
COMPLEX_CASES = {
    "abs2": lambda T, z, w: (z.abs() ** 2).sum(),
    "imag": lambda T, z, w: z.imag.sum(),
    "real_mul_scalar": lambda T, z, w: (z * (2 + 1j)).real.sum(),
    "mul_tensor": lambda T, z, w: (z * w).abs().sum(),
    "exp_mul": lambda T, z, w: (T.exp(z) * z).abs().sum(),
    "div_conj": lambda T, z, w: (z / w.conj()).imag.sum(),
    "matmul": lambda T, z, w: (z.reshape(2, 2) @ w.reshape(2, 2)).abs().sum(),
    "sin_angle": lambda T, z, w: T.angle(T.sin(z)).sum(),
}
Z = [1 + 2j, 3 - 1j, -0.5 + 0.25j, 2.0 + 0.0j]
W = [0.5 - 1j, 1.5 + 2j, -1 + 1j, 0.25 + 0.5j]
# torch 2.13's gradients of these (recorded with complex128 inputs)
COMPLEX_WANT = {
    "abs2": [2 + 4j, 6 - 2j, -1 + 0.5j, 4 + 0j],
}


def run_complex(T, case, create_graph=False):
    z = T.tensor(Z, dtype=T.complex128, requires_grad=True)
    w = T.tensor(W, dtype=T.complex128)
    loss = COMPLEX_CASES[case](T, z, w)
    (g,) = T.autograd.grad(loss, z, create_graph=create_graph)
    return g.detach().numpy().copy()


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("case", sorted(COMPLEX_CASES))
def test_complex_gradients_in_torch_convention(case, create_graph):
    got = run_complex(ft, case, create_graph)
    if case in COMPLEX_WANT:
        np.testing.assert_allclose(got, COMPLEX_WANT[case], rtol=1e-12)
    if torch is not None:
        np.testing.assert_allclose(got, run_complex(torch, case, create_graph), rtol=1e-10,
                                   atol=1e-12)
    elif case not in COMPLEX_WANT:
        pytest.skip("real PyTorch 2.13 is not installed: only abs2 has a recorded value")


def _functional_cases(T):
    z = T.tensor(Z[:2], dtype=T.complex128)
    return {
        "func.grad": T.func.grad(lambda z: (z.abs() ** 2).sum())(z),
        "func.vjp": T.func.vjp(lambda z: z * (2 + 1j), z)[1](T.ones(2, dtype=T.complex128))[0],
        "functional.vjp": T.autograd.functional.vjp(lambda z: (z * z).real.sum(), z)[1],
        "functional.jacobian": T.autograd.functional.jacobian(lambda z: z.imag, z),
    }


FUNCTIONAL_WANT = {"func.grad": [2 + 4j, 6 - 2j], "func.vjp": [2 - 1j, 2 - 1j],
                   "functional.vjp": [2 - 4j, 6 + 2j], "functional.jacobian": [[1j, 0], [0, 1j]]}


def test_complex_gradients_of_func_and_functional():
    """torch.func and torch.autograd.functional in torch's convention (torch 2.13's values)."""
    got = _functional_cases(ft)
    for k, want in FUNCTIONAL_WANT.items():
        np.testing.assert_allclose(got[k].numpy(), np.array(want), rtol=1e-12, err_msg=k)
    if torch is not None:
        live = _functional_cases(torch)
        for k in FUNCTIONAL_WANT:
            np.testing.assert_allclose(got[k].numpy(), live[k].numpy(), rtol=1e-12, err_msg=k)


def test_reverse_jacobian_of_a_complex_output_is_refused():
    z = ft.tensor(Z[:2], dtype=ft.complex128)
    with pytest.raises(RuntimeError, match="only for real scalar outputs but got "
                                           "torch.complex128"):
        ft.autograd.functional.jacobian(lambda z: z * (2 + 1j), z)
