"""torch.linalg.inv_ex / solve_ex of singular matrices without check_errors: torch returns
LAPACK's output (getrf then getrs: inf/nan where a pivot is zero, finite where the triangular
solves never divide by the zero pivot) with info > 0; fungrad.torch must give the same values,
info, dtypes and shapes (check_errors=True: torch's LinAlgError). The cases are LINALG of
complex_transforms_table.py, recorded from real torch 2.13 in golden_complex.json by
make_golden_complex.py; compared with the file always, with torch live where it is installed.
"""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import complex_transforms_table as table  # noqa: E402
from nn_kit import real_torch_or_none  # noqa: E402

import fungrad.torch as ft  # noqa: E402

GOLDEN = table.load_golden()["linalg"]


def test_golden_covers_the_cases():
    assert sorted(GOLDEN) == sorted(table.LINALG)


@pytest.mark.parametrize("name", sorted(table.LINALG))
def test_fungrad_matches_golden(name):
    got = table.run(ft, table.LINALG[name])
    assert not table.problems(got, GOLDEN[name], where=name)


@pytest.mark.parametrize("name", sorted(table.LINALG))
def test_fungrad_matches_live_torch(name):
    torch = real_torch_or_none("2.13.")
    if torch is None:
        pytest.skip("real PyTorch 2.13 is not installed: live comparison skipped")
    want = table.run(torch, table.LINALG[name])
    assert not table.problems(want, GOLDEN[name], where=name), "golden_complex.json is stale"
    assert not table.problems(table.run(ft, table.LINALG[name]), want, where=name)


def test_singular_results_are_lapacks_and_info_is_positive():
    """Not a NotImplementedError: the rank-1 matrix's inverse is LAPACK's +-inf pattern, info 2
    (the 1-based index of the zero pivot), an int32 tensor."""
    r = ft.linalg.inv_ex(ft.tensor([[1., 2.], [2., 4.]], dtype=ft.float64))
    np.testing.assert_array_equal(r.inverse.numpy(), [[-np.inf, np.inf], [np.inf, -np.inf]])
    assert r.info.item() == 2 and r.info.dtype == ft.int32
    s = ft.linalg.solve_ex(ft.tensor([[0., 1.], [0., 2.]]), ft.ones(2))
    np.testing.assert_array_equal(s.result.numpy(), [np.inf, 0.5])
    assert s.info.item() == 1 and s.result.dtype == ft.float32


def test_singular_result_keeps_a_graph():
    a = ft.tensor([[1., 2.], [2., 4.]], dtype=ft.float64, requires_grad=True)
    r = ft.linalg.inv_ex(a)
    assert r.inverse.grad_fn.name() == "LinalgInvExBackward0"
    r.inverse.sum().backward()  # LAPACK's non-finite values make the gradient non-finite, as torch's
    assert a.grad.shape == (2, 2) and not np.isfinite(a.grad.numpy()).all()


@pytest.mark.parametrize("mode", ["inv", "left", "right", "vector"])
def test_lapack_route_gradient_is_the_solves(mode):
    """The singular branch's backward (torch's formulas on LAPACK's values) on a regular complex
    matrix: the same gradients as linalg.solve's (so the finite entries of a singular matrix's
    gradient are torch's)."""
    from fungrad.torch.linalg import _singular_solve
    A0 = [[2 + 1j, 1 - 1j], [0.5j, 3 + 0j]]
    W = ft.tensor([[1 + 2j, 0.5], [1j, 2 - 1j]], dtype=ft.complex128)
    b0 = [1 + 1j, 2] if mode == "vector" else (np.eye(2) if mode == "inv" else
                                              [[1 + 1j, 2], [0, 1j]])
    grads = []
    for route in ("lapack", "solve"):
        A = ft.tensor(A0, dtype=ft.complex128, requires_grad=True)
        B = ft.tensor(b0, dtype=ft.complex128, requires_grad=mode != "inv")
        vec, left = mode == "vector", mode != "right"
        if route == "lapack":
            r = _singular_solve("LinalgSolveExBackward0", A, B, vec, left)
        else:
            r = ft.linalg.solve(A, B, left=left)
        (r * (W[0] if vec else W)).real.sum().backward()
        grads.append([A.grad.numpy()] + ([B.grad.numpy()] if mode != "inv" else []))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
