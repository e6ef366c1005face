"""fungrad.lax.linalg: jax.lax.linalg's decompositions with JAX's signatures and result
conventions, on fungrad._lax.linalg_decomp's primitives (their rules are those primitives').

Differences from JAX: implementation / algorithm / use_magma / subset_by_index / pivoting
arguments are not supported beyond their defaults; eig returns eigenvalues and right
eigenvectors only (compute_left_eigenvectors=True raises).

Imports: _core, _lax.
"""
import numpy as np

from fungrad import _lax as L
from fungrad._core.errors import ShapeError
from fungrad._core.trace import Tracer, get_aval
from fungrad._lax import linalg_decomp as _D
from fungrad._lax.complex_parts import conj as _conj

__all__ = ["cholesky", "eig", "eigh", "lu", "lu_pivots_to_permutation", "qr", "svd",
           "symmetric_product", "triangular_solve", "tridiagonal_solve"]


def _arr(x):
    return x if isinstance(x, Tracer) else np.asarray(x)


def _sym(x, lower=True):
    """(x + x^H) / 2: the Hermitian part the decomposition of a symmetric input reads."""
    return L.mul(L.add(x, _D.mH(x)), np.asarray(0.5, get_aval(x).dtype))


def cholesky(x, *, symmetrize_input=True):
    """The lower Cholesky factor (NaN where x is not positive definite, as JAX)."""
    x = _arr(x)
    return _D.cholesky(_sym(x) if symmetrize_input else x)


def eigh(x, *, lower=True, symmetrize_input=True, sort_eigenvalues=True, subset_by_index=None):
    """(eigenvectors v, eigenvalues w) of a Hermitian matrix, w ascending."""
    if subset_by_index is not None:
        raise NotImplementedError("eigh: subset_by_index is not supported; slice the results")
    x = _arr(x)
    w, v = _D.eigh(_sym(x) if symmetrize_input else x, lower=lower)
    return v, w


def eig(x, *, compute_left_eigenvectors=True, compute_right_eigenvectors=True,
        enable_eigvec_derivs=False, implementation=None, use_magma=None):
    """[eigenvalues] or [eigenvalues, right eigenvectors] of a general matrix."""
    if compute_left_eigenvectors:
        raise NotImplementedError("eig: left eigenvectors are not computed; pass "
                                  "compute_left_eigenvectors=False (and use the right ones of "
                                  "x^H for left eigenvectors)")
    w, v = _D.eig(_arr(x))
    return [w, v] if compute_right_eigenvectors else [w]


def qr(x, *, pivoting=False, full_matrices=True, use_magma=None):
    """(q, r); full_matrices=True gives the square q (JAX's default)."""
    if pivoting:
        raise NotImplementedError("qr: pivoting=True is not supported")
    return tuple(_D.qr(_arr(x), full_matrices=full_matrices))


def svd(x, *, full_matrices=True, compute_uv=True, subset_by_index=None, algorithm=None):
    """(u, s, vh), or s alone with compute_uv=False."""
    if subset_by_index is not None:
        raise NotImplementedError("svd: subset_by_index is not supported; slice the results")
    out = _D.svd(_arr(x), full_matrices=full_matrices, compute_uv=compute_uv)
    if not compute_uv:
        return out[0] if isinstance(out, (list, tuple)) else out
    s, u, vh = out
    return u, s, vh


def lu(x):
    """(lu, pivots, permutation) as LAPACK / JAX: lu holds L (unit diagonal, below) and U;
    x[permutation] = L @ U; pivots are LAPACK's row interchanges (int32)."""
    x = _arr(x)
    aval = get_aval(x)
    if aval.ndim < 2:
        raise ShapeError(f"lu: needs a matrix (or a stack of them), got {aval.str_short()}")
    p, lower, upper = _D.lu(x)
    n, m = aval.shape[-2:]
    k = min(n, m)
    strict = np.tril(np.ones((n, k), bool), -1)
    lpart = L.select(strict, L.getitem(lower, (L.FULL,) * (aval.ndim - 1) + (
        ("slice", 0, k, None),)), np.zeros((), aval.dtype))
    if k < m:  # wide: U is k x m, L is n x k
        lpart = L.concatenate([lpart, L.broadcast_to(np.zeros((), aval.dtype),
                                                     aval.shape[:-1] + (m - k,))], aval.ndim - 1)
    if k < n:  # tall: U is k x m
        upper = L.concatenate([upper, L.broadcast_to(np.zeros((), aval.dtype),
                                                     aval.shape[:-2] + (n - k, m))], aval.ndim - 2)
    packed = L.add(lpart, upper)
    perm = L.convert_element_type(L.argmax(p, aval.ndim - 2), np.int32)
    pivots = _D.lu_pivots(p)
    return packed, L.getitem(pivots, (L.FULL,) * (aval.ndim - 2) + (("slice", 0, k, None),)) \
        if get_aval(pivots).shape[-1] != k else pivots, perm


def lu_pivots_to_permutation(pivots, permutation_size):
    """The permutation that LAPACK's row interchanges `pivots` apply to range(size)."""
    piv = np.asarray(pivots) if not isinstance(pivots, Tracer) else pivots
    if isinstance(piv, Tracer):
        raise NotImplementedError("lu_pivots_to_permutation: pivots must be concrete here")
    piv = np.asarray(piv)
    out = np.empty(piv.shape[:-1] + (int(permutation_size),), np.int32)
    for idx in np.ndindex(piv.shape[:-1]):
        perm = list(range(int(permutation_size)))
        for i, j in enumerate(piv[idx]):
            perm[i], perm[int(j)] = perm[int(j)], perm[i]
        out[idx] = perm
    return out


def triangular_solve(a, b, *, left_side=False, lower=False, transpose_a=False,
                     conjugate_a=False, unit_diagonal=False):
    """Solve op(a) x = b (left_side) or x op(a) = b with triangular a; JAX's defaults (right
    side, upper triangle). op(a) is a, a^T or (conjugate_a) their conjugates."""
    a, b = _arr(a), _arr(b)
    if conjugate_a:
        a = _conj(a)
    return _D.triangular_solve(a, b, left_side=left_side, lower=lower, transpose_a=transpose_a,
                               unit_diagonal=unit_diagonal)


def tridiagonal_solve(dl, d, du, b, *, perturb_singular=False):
    """Solve the tridiagonal system with sub-diagonal dl (dl[0] unused), diagonal d and
    super-diagonal du (du[-1] unused) for the columns of b: the matrix is formed densely and
    solved by LU (O(n^3); n is small where this is used)."""
    dl, d, du, b = (_arr(v) for v in (dl, d, du, b))
    n = get_aval(d).shape[-1]
    sub = np.eye(n, k=-1, dtype=bool)
    sup = np.eye(n, k=1, dtype=bool)
    eye = np.eye(n, dtype=bool)
    shape = get_aval(d).shape + (n,)

    def rows(v):  # v[..., i] placed in row i
        return L.broadcast_to(L.reshape(v, get_aval(v).shape + (1,)), shape)

    zero = np.zeros((), get_aval(d).dtype)
    m = L.select(eye, rows(d), L.select(sub, rows(dl), L.select(sup, rows(du), zero)))
    return _D.solve(m, b)


def symmetric_product(a_matrix, c_matrix, *, alpha=1.0, beta=0.0, symmetrize_output=False):
    """alpha a a^T + beta c."""
    a, c = _arr(a_matrix), _arr(c_matrix)
    dt = get_aval(a).dtype
    out = L.add(L.mul(np.asarray(alpha, dt), _D.mm(a, _D.mT(a))), L.mul(np.asarray(beta, dt), c))
    return _sym(out) if symmetrize_output else out

__dir__ = __all__.copy  # dir() lists the public names only
