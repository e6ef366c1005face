"""numpy's conjugation conventions for complex inputs in the products and statistics of
fungrad.numpy (each was a silently wrong value before)."""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp

A = np.array([1 + 2j, 3 - 1j, 0.5j])
B = np.array([2 - 1j, 1j, 1 + 1j])
M = np.array([[1 + 1j, 2, 3j], [0.5, 1 - 1j, 2]])


@pytest.mark.parametrize("name,args", [
    ("vecdot", (A, B)), ("vdot", (A, B)), ("vecmat", (A, np.arange(6.0).reshape(3, 2) + 1j)),
    ("cov", (M,)), ("corrcoef", (M,)),
])
def test_conjugating_functions_match_numpy(name, args):
    got, want = getattr(fnp, name)(*args), getattr(np, name)(*args)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fg.jit(getattr(fnp, name))(*args), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
def test_correlate_conjugates_its_second_argument(mode):
    np.testing.assert_allclose(fnp.correlate(A, B, mode), np.correlate(A, B, mode), rtol=1e-12)
    np.testing.assert_allclose(fnp.correlate(B[:2], A, mode), np.correlate(B[:2], A, mode),
                               rtol=1e-12)


def test_real_inputs_take_no_conjugation():
    x = np.arange(3.0)
    assert str(fg.make_jaxpr(fnp.vecdot)(x, x)).count("conj") == 0
    assert fnp.vecdot(x, x) == 5.0
