"""fungrad.torch's matrix products and torch.linalg follow torch 2.13's rules where the shim used
to follow numpy's (or its own): no type promotion in products, torch's shape checks and texts,
eigh reading one triangle, rectangular LU, LAPACK's infos. Values are checked against numpy /
LAPACK (and against live torch where it is installed)."""
import numpy as np
import pytest
import scipy.linalg

import fungrad.torch as ft
from nn_kit import real_torch_or_none

torch = real_torch_or_none("2.13.")
RNG = np.random.default_rng(0)


@pytest.mark.parametrize("f, args, err, text", [
    (ft.mm, ((2, 3), (3, 2, "int64")), RuntimeError,
     "expected m1 and m2 to have the same dtype, but got: float != long int"),
    (ft.mm, ((3,), (3, 2)), RuntimeError, "self must be a matrix"),
    (ft.bmm, ((2, 2, 3), (2, 3, 2, "int64")), RuntimeError,
     "expected scalar type Float but found Long"),
    (ft.mv, ((2, 3), (3, "float64")), RuntimeError,
     "addmv input tensors must have the same dtype, but got Double, Float, and Double"),
    (ft.dot, ((3,), (3, "int8")), RuntimeError,
     "dot : expected both vectors to have same dtype, but found Float and Char"),
    (ft.matmul, ((2, 2, 3), (2, 4, 2)), RuntimeError,
     "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4]."),
    (ft.matmul, ((), (3,)), RuntimeError,
     "both arguments to matmul need to be at least 1D, but they are 0D and 1D"),
    (ft.addmm, ((3,), (2, 3), (3, 2)), RuntimeError,
     "The expanded size of the tensor (2) must match the existing size (3) at non-singleton "
     "dimension 1.  Target sizes: [2, 2].  Tensor sizes: [3]"),
    (ft.baddbmm, ((4,), (4,), (4,)), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (ft.tensordot, ((2, 3), (4, 2), 1), RuntimeError,
     "contracted dimensions need to match, but first has size 3 in dim -1 and second has size 4 "
     "in dim 0"),
    (ft.linalg.det, ((3,),), RuntimeError,
     "linalg.det: The input tensor A must have at least 2 dimensions."),
    (ft.linalg.inv, ((3, 3, "int64"),), RuntimeError,
     "linalg.inv: Expected a floating point or complex tensor as input. Got Long"),
    (ft.linalg.solve, ((3, 3), (4,)), RuntimeError,
     "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x1)"),
])
def test_torch_checks(f, args, err, text):
    def make(a):
        if not isinstance(a, tuple):
            return a
        named = bool(a) and isinstance(a[-1], str)
        dt, shape = (a[-1], a[:-1]) if named else ("float32", a)
        return ft.tensor(np.ones(shape, dt))
    with pytest.raises(err) as e:
        f(*[make(a) for a in args])
    assert str(e.value) == text


def test_einsum_refuses_mixed_dtypes_only_where_it_contracts():
    a, b = ft.ones(2, 3), ft.ones(3, 2, dtype=ft.int64)
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Long"):
        ft.einsum("ij,jk", a, b)
    assert ft.einsum("ij,kl", a, b).dtype == ft.float32  # an outer product promotes


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (2, 4, 3), (2, 3, 4)])
def test_lu_of_rectangular_matrices(shape):
    a = RNG.standard_normal(shape).astype(np.float32)
    x = ft.tensor(a, requires_grad=True)
    p, l, u = ft.linalg.lu(x)
    k = min(shape[-2:])
    assert tuple(l.shape) == shape[:-1] + (k,) and tuple(u.shape) == shape[:-2] + (k, shape[-1])
    ln, un = l.detach().numpy(), u.detach().numpy()
    np.testing.assert_allclose(p.numpy() @ ln @ un, a, atol=1e-5)
    assert np.allclose(np.triu(ln, 1), 0) and np.allclose(np.diagonal(ln, 0, -2, -1), 1)
    assert np.allclose(np.tril(un, -1), 0)
    flat = a.reshape((-1,) + shape[-2:])
    want = np.stack([scipy.linalg.lu(m)[0] for m in flat]).reshape(p.shape)
    np.testing.assert_array_equal(p.numpy(), want)  # LAPACK's pivots, as torch's
    (l.sum() + u.sum()).backward()
    if torch is not None:
        xt = torch.tensor(a, requires_grad=True)
        _, lt, ut = torch.linalg.lu(xt)
        (lt.sum() + ut.sum()).backward()
        np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), atol=1e-4)


@pytest.mark.parametrize("shape", [(2, 3), (3, 2), (4, 2, 5), (2, 5, 3)])
def test_lu_factor_of_rectangular_matrices_is_differentiable(shape):
    """LAPACK's packed factors and pivots, and a gradient (it had none: LU without grad_fn)."""
    a = RNG.standard_normal(shape)
    w = RNG.standard_normal(shape)
    x = ft.tensor(a, requires_grad=True)
    lu, piv = ft.linalg.lu_factor(x)
    flat = a.reshape((-1,) + shape[-2:])
    want = [scipy.linalg.lu_factor(m) for m in flat]
    np.testing.assert_allclose(lu.detach().numpy(),
                               np.stack([f[0] for f in want]).reshape(shape), atol=1e-12)
    np.testing.assert_array_equal(piv.numpy(), np.stack([f[1] + 1 for f in want])
                                  .reshape(shape[:-2] + (min(shape[-2:]),)))
    (lu * ft.tensor(w)).sum().backward()
    assert x.grad is not None and np.isfinite(x.grad.numpy()).all()
    if torch is not None:
        xt = torch.tensor(a, requires_grad=True)
        lut, _ = torch.linalg.lu_factor(xt)
        (lut * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_reads_one_triangle(uplo):
    a = RNG.standard_normal((4, 4))  # not symmetric: only the UPLO triangle counts
    np.testing.assert_allclose(ft.linalg.eigvalsh(ft.tensor(a), UPLO=uplo).numpy(),
                               np.linalg.eigvalsh(a, UPLO=uplo), atol=1e-10)


def test_cholesky_ex_infos_and_batch_errors():
    a = np.array([[1.0, 2, 3], [2, 1, 0], [3, 0, 1]], np.float32)  # leading minor 2 fails
    r = ft.linalg.cholesky_ex(ft.tensor(a))
    assert int(r.info) == 2
    b = ft.tensor(np.stack([np.eye(3), -np.eye(3)]).astype(np.float32))
    with pytest.raises(RuntimeError, match=r"^linalg.cholesky: \(Batch element 1\): The "
                                           r"factorization could not be completed"):
        ft.linalg.cholesky(b)
    with pytest.raises(RuntimeError, match=r"^linalg.inv: The diagonal element 2 is zero"):
        ft.linalg.inv(ft.tensor([[1.0, 2.0], [2.0, 4.0]]))


def test_logdet_of_a_complex_matrix_is_complex():
    a = np.array([[1 + 1j, 2, 0], [0.5, 3 - 1j, 1], [1, 0, 2j]], np.complex64)
    got = ft.logdet(ft.tensor(a))
    assert got.dtype == ft.complex64
    np.testing.assert_allclose(complex(got.item()), np.log(np.linalg.det(a)), rtol=1e-5)


def test_diag_places_values_without_nan():
    v = ft.tensor([float("nan"), float("inf"), -1.0])
    out = ft.diag(v, 1).numpy()
    assert np.isnan(out[0, 1]) and out[1, 2] == np.inf and out[2, 3] == -1.0
    assert np.count_nonzero(np.isnan(out)) == 1 and out[0, 0] == 0
    assert ft.diag(ft.tensor([True, False])).dtype == ft.bool
