"""fungrad.scipy.linalg: scipy.linalg's decompositions and solves, differentiable (as
jax.scipy.linalg): solve_triangular, cho_factor/cho_solve, lu/lu_factor/lu_solve, qr, eigh, svd,
expm (derivative: the Frechet derivative, itself differentiable), expm_frechet, logm, sqrtm,
solve_sylvester, block_diag, det, inv, solve (assume_a), cholesky.

Differences from scipy: cho_factor returns the factor with zeros in the other triangle (scipy
leaves arbitrary values there); cholesky of a matrix that is not positive definite is NaN instead
of an exception (as JAX); sqrtm of a real matrix whose principal root is complex is NaN.

Imports: _core, lax, numpy.
"""
from __future__ import annotations

from typing import Any

from fungrad._core.docs import add_examples as _add_examples
from fungrad._core.typing import Array, ArrayLike, Inexact, Int, Shaped
import numpy as np

from fungrad._core.errors import ShapeError
from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad._lax import linalg_decomp as _ld
import fungrad.numpy as fnp
from fungrad.numpy import linalg as _la
from fungrad.numpy._promote import asarray, promote_inexact

det = _la.det
inv = _la.inv


def _prep(*xs):
    return promote_inexact(*[asarray(x) for x in xs])


def _as_matrix_rhs(a, b, fn):
    """b as (..., n, k) for a of shape (..., n, n); and how to undo it."""
    if get_aval(a).ndim < 2 or get_aval(a).shape[-1] != get_aval(a).shape[-2]:
        raise ShapeError(f"{fn}: a must be a square matrix (or a stack of them), got "
                         f"{get_aval(a).str_short()}")
    n = get_aval(a).shape[-1]
    bs = get_aval(b).shape
    if not bs:
        raise ShapeError(f"{fn}: b must have shape (..., {n}) or (..., {n}, k), got "
                         f"{get_aval(b).str_short()}")
    if len(bs) == get_aval(a).ndim - 1:
        if bs[-1] != n:
            raise ShapeError(f"{fn}: b {get_aval(b).str_short()} does not match a "
                             f"{get_aval(a).str_short()}")
        return lax.reshape(b, (*bs, 1)), lambda x: lax.reshape(x, bs)
    if bs[-2] != n:
        raise ShapeError(f"{fn}: b {get_aval(b).str_short()} does not match a "
                         f"{get_aval(a).str_short()} (need b of shape (..., {n}) or (..., {n}, k))")
    return b, lambda x: x


def solve_triangular(a: ArrayLike, b: ArrayLike, trans: int | str = 0, lower: bool = False,
                     unit_diagonal: bool = False, overwrite_b: bool = False,
                     check_finite: bool = True) -> Array:
    """Solve op(a) x = b with a triangular (only its `lower`/upper triangle is read)."""
    a, b = _prep(a, b)
    if trans not in (0, 1, 2, "N", "T", "C"):
        raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
    transpose_a = trans in (1, 2, "T", "C")
    b2, undo = _as_matrix_rhs(a, b, "solve_triangular")
    lead = np.broadcast_shapes(get_aval(a).shape[:-2], get_aval(b2).shape[:-2])
    a2 = lax.broadcast_to(a, (*lead, *get_aval(a).shape[-2:]))
    b2 = lax.broadcast_to(b2, (*lead, *get_aval(b2).shape[-2:]))
    a_eff = _la._cp.conj(a2) if trans in (2, "C") else a2
    return undo(_ld.triangular_solve(a_eff, b2, left_side=True, lower=lower,
                                     transpose_a=transpose_a, unit_diagonal=unit_diagonal))


def cholesky(a: Shaped[ArrayLike, "*batch n n"], lower: bool = False, overwrite_a: bool = False,
             check_finite: bool = True) -> Inexact[Array, "*batch n n"]:
    """Cholesky factor (upper by default, as scipy)."""
    return _la.cholesky(a, upper=not lower)


def cho_factor(a: ArrayLike, lower: bool = False, overwrite_a: bool = False,
               check_finite: bool = True) -> tuple[Array, bool]:
    return cholesky(a, lower=lower), lower


def cho_solve(c_and_lower: ArrayLike, b: ArrayLike, overwrite_b: bool = False,
              check_finite: bool = True) -> Array:
    """Solve a x = b given cho_factor(a)."""
    c, lower = c_and_lower
    if lower:
        y = solve_triangular(c, b, lower=True)
        return solve_triangular(c, y, trans=1, lower=True)
    y = solve_triangular(c, b, trans=1, lower=False)
    return solve_triangular(c, y, lower=False)


def lu(a: ArrayLike, permute_l: bool = False, overwrite_a: bool = False, check_finite: bool = True,
       p_indices: bool = False) -> Any:  # an array or a tuple of arrays, by the flags
    """(p, l, u) with a = p @ l @ u for square a; permute_l=True gives (p @ l, u)."""
    a, = _prep(a)
    _la._need_matrix(a, "a", "lu")
    p, l, u = _ld.lu(a)
    if permute_l:
        return fnp.matmul(p, l), u
    if p_indices:
        return lax.argmax(p, get_aval(p).ndim - 2), l, u
    return p, l, u


def lu_factor(a: Shaped[ArrayLike, "*batch n n"], overwrite_a: bool = False, check_finite: bool = True
              ) -> tuple[Inexact[Array, "*batch n n"], Int[Array, "*batch n"]]:
    """(lu, piv): l and u in one matrix (l's unit diagonal implied) and LAPACK's row
    interchanges, as scipy."""
    a, = _prep(a)
    _la._need_matrix(a, "a", "lu_factor")
    p, l, u = _ld.lu(a)
    n = get_aval(a).shape[-1]
    return l + u - np.eye(n, dtype=get_aval(a).dtype), _ld.lu_pivots(p)


def lu_solve(lu_and_piv: ArrayLike, b: ArrayLike, trans: int | str = 0, overwrite_b: bool = False,
             check_finite: bool = True) -> Array:
    """Solve a x = b (trans=0) or a^T x = b (trans=1) from lu_factor(a)."""
    lu_, piv = lu_and_piv
    lu_, b = _prep(lu_, b)
    perm = _ld.pivots_to_permutation(piv)
    b2, undo = _as_matrix_rhs(lu_, b, "lu_solve")
    if get_aval(lu_).ndim != 2:
        raise ShapeError("lu_solve: batched factors are not supported; use vmap")
    if trans in (0, "N"):
        pb = fnp.take(b2, perm, axis=0)
        y = _ld.triangular_solve(lu_, pb, lower=True, unit_diagonal=True)
        return undo(_ld.triangular_solve(lu_, y, lower=False))
    y = _ld.triangular_solve(lu_, b2, lower=False, transpose_a=True)
    x = _ld.triangular_solve(lu_, y, lower=True, transpose_a=True, unit_diagonal=True)
    # rows were permuted by P^T: scatter them back to their places
    out = lax.scatter_add(np.zeros(get_aval(x).shape, get_aval(x).dtype), x, ("array",), [perm])
    return undo(out)


def qr(a: ArrayLike, overwrite_a: bool = False, lwork: Any = None, mode: str = "full", pivoting: bool = False,
       check_finite: bool = True) -> Any:  # an array or a tuple of arrays, by the flags
    """QR with scipy's modes: 'full' (complete), 'economic' (reduced), 'r' (R of the complete
    decomposition, as scipy) ; pivoting is not supported."""
    if pivoting:
        raise NotImplementedError("qr: pivoting=True is not supported")
    if mode not in ("full", "economic", "r"):
        raise ValueError(f"qr: mode must be 'full', 'economic' or 'r', got {mode!r}")
    q, r = _la.qr(a, "reduced" if mode == "economic" else "complete")
    return (r,) if mode == "r" else (q, r)


def eigh(a: ArrayLike, b: ArrayLike | None = None, lower: bool = True, eigvals_only: bool = False,
         overwrite_a: bool = False, overwrite_b: bool = False,
         check_finite: bool = True, subset_by_index: Any = None, subset_by_value: Any = None,
         driver: Any = None) -> Any:  # an array or a tuple of arrays, by the flags
    """Symmetric eigendecomposition (standard problem only: b must be None)."""
    if b is not None:
        raise NotImplementedError("eigh: the generalized problem (b=) is not supported")
    w, v = _la.eigh(a, UPLO="L" if lower else "U")
    return w if eigvals_only else (w, v)


def svd(a: ArrayLike, full_matrices: bool = True, compute_uv: bool = True, overwrite_a: bool = False,
        check_finite: bool = True,
        lapack_driver: str = "gesdd") -> Any:  # an array or a tuple of arrays, by the flags
    return _la.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def expm(A: Shaped[ArrayLike, "*batch n n"]) -> Inexact[Array, "*batch n n"]:
    """Matrix exponential (Pade with scaling and squaring); its derivative is the Frechet
    derivative (Al-Mohy & Higham), differentiable again."""
    A, = _prep(A)
    _la._need_matrix(A, "A", "expm")
    return _ld.expm(A)


def expm_frechet(A: ArrayLike, E: ArrayLike, method: str | None = None, compute_expm: bool = True,
                 check_finite: bool = True) -> Any:  # an array or a tuple of arrays, by the flags
    A, E = _prep(A, E)
    L = _ld.expm_frechet(A, E)
    return (expm(A), L) if compute_expm else L


def sqrtm(A: Shaped[ArrayLike, "*batch n n"], disp: bool = True, blocksize: int = 64
          ) -> Inexact[Array, "*batch n n"]:
    """Principal square root; derivative from the Sylvester equation X dX + dX X = dA."""
    A, = _prep(A)
    _la._need_matrix(A, "A", "sqrtm")
    return _ld.sqrtm(A)


def logm(A: ArrayLike, disp: bool = True) -> Array:
    """Principal matrix logarithm; its derivative is the Frechet derivative, the upper right block
    of logm([[A, dA], [0, A]]). A real matrix whose principal logarithm is complex gives NaN."""
    A, = _prep(A)
    _la._need_matrix(A, "A", "logm")
    out = _ld.logm(A)
    return out if disp else (out, None)


def solve_sylvester(a: ArrayLike, b: ArrayLike, q: ArrayLike) -> Array:
    a, b, q = _prep(a, b, q)
    return _ld.solve_sylvester(a, b, q)


def block_diag(*arrs: ArrayLike) -> Array:
    """Block-diagonal matrix of the (at most 2-D) arrays."""
    if not arrs:
        return np.zeros((1, 0))
    arrs = [fnp.atleast_2d(asarray(a)) for a in arrs]
    arrs = promote_inexact(*arrs) if any(get_aval(a).dtype.kind == "f" for a in arrs) else arrs
    for a in arrs:
        if get_aval(a).ndim != 2:
            raise ShapeError(f"block_diag: arguments must have at most 2 dimensions, got "
                             f"{get_aval(a).str_short()}")
    cols = sum(get_aval(a).shape[1] for a in arrs)
    rows, c0 = [], 0
    for a in arrs:
        r, c = get_aval(a).shape
        dt = get_aval(a).dtype
        rows.append(fnp.concatenate([np.zeros((r, c0), dt), a, np.zeros((r, cols - c0 - c), dt)],
                                    axis=1))
        c0 += c
    return fnp.concatenate(rows, axis=0)


def solve(a: ArrayLike, b: ArrayLike, lower: bool = False, overwrite_a: bool = False,
          overwrite_b: bool = False, check_finite: bool = True,
          assume_a: str = "gen", transposed: bool = False) -> Array:
    """Solve a x = b; assume_a 'gen' (LU), 'sym'/'her' (LU of the symmetrized matrix), 'pos'
    (Cholesky), 'diagonal', 'upper triangular'/'lower triangular'."""
    a, b = _prep(a, b)
    if transposed:
        a = _la.matrix_transpose(a)
    if assume_a in ("gen", "general", None):
        return _la.solve(a, b)
    if assume_a in ("sym", "her", "symmetric", "hermitian"):
        low = fnp.where(np.tril(np.ones(get_aval(a).shape[-2:], bool)), a, 0.0)
        full = low + _la.matrix_transpose(low) - low * np.eye(get_aval(a).shape[-1])
        if not lower:
            up = fnp.where(np.triu(np.ones(get_aval(a).shape[-2:], bool)), a, 0.0)
            full = up + _la.matrix_transpose(up) - up * np.eye(get_aval(a).shape[-1])
        return _la.solve(full, b)
    if assume_a in ("pos", "positive definite"):
        return cho_solve(cho_factor(a, lower=lower), b)
    if assume_a == "diagonal":
        d = _la.diagonal(a)
        b2, undo = _as_matrix_rhs(a, b, "solve")
        return undo(b2 / lax.reshape(d, (*get_aval(d).shape, 1)))
    if assume_a in ("upper triangular", "lower triangular"):
        return solve_triangular(a, b, lower=assume_a.startswith("lower"))
    raise ValueError(f"solve: unknown assume_a={assume_a!r}")

__all__ = [
    "block_diag", "cho_factor", "cho_solve", "cholesky", "det", "eigh", "expm", "expm_frechet", "inv",
    "logm", "lu", "lu_factor", "lu_solve", "qr", "solve", "solve_sylvester", "solve_triangular", "sqrtm",
    "svd"]

# a `>>>` example for each public function (tests/test_doctests.py runs them), appended to its
# docstring as fungrad.numpy's _EXAMPLES tables are
_EXAMPLES = {
    "block_diag": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> la.block_diag(np.array([[1.0]]), np.array([[2.0, 3.0]]))
array([[1., 0., 0.],
       [0., 2., 3.]])""",
    "cho_factor": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> c, lower = la.cho_factor(np.array([[4.0, 2.0], [2.0, 2.0]]))
>>> lower
False""",
    "cho_solve": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> a = np.array([[4.0, 2.0], [2.0, 2.0]])
>>> la.cho_solve(la.cho_factor(a), np.array([6.0, 4.0]))
array([1., 1.])""",
    "cholesky": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> la.cholesky(np.array([[4.0, 2.0], [2.0, 2.0]]))
array([[2., 1.],
       [0., 1.]])""",
    "eigh": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> w, v = la.eigh(np.array([[2.0, 0.0], [0.0, 1.0]]))
>>> w
array([1., 2.])""",
    "expm": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> la.expm(np.zeros((2, 2)))
array([[1., 0.],
       [0., 1.]])""",
    "expm_frechet": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> expA, dA = la.expm_frechet(np.zeros((2, 2)), np.eye(2))
>>> dA
array([[1., 0.],
       [0., 1.]])""",
    "logm": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> la.logm(np.eye(2))
array([[0., 0.],
       [0., 0.]])""",
    "lu": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> p, l, u = la.lu(np.array([[1.0, 2.0], [3.0, 4.0]]))
>>> p @ l @ u
array([[1., 2.],
       [3., 4.]])""",
    "lu_factor": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> lu, piv = la.lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
>>> piv
array([1, 1], dtype=int32)""",
    "lu_solve": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> a = np.array([[1.0, 2.0], [3.0, 4.0]])
>>> la.lu_solve(la.lu_factor(a), np.array([5.0, 11.0]))
array([1., 2.])""",
    "qr": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> q, r = la.qr(np.array([[3.0, 0.0], [4.0, 5.0]]))
>>> abs(r).round(6)
array([[5., 4.],
       [0., 3.]])""",
    "solve": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> la.solve(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([2.0, 2.0]))
array([1. , 0.5])""",
    "solve_sylvester": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> la.solve_sylvester(np.eye(2), np.eye(2), np.array([[2.0, 4.0], [6.0, 8.0]]))
array([[1., 2.],
       [3., 4.]])""",
    "solve_triangular": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> la.solve_triangular(np.array([[2.0, 0.0], [1.0, 1.0]]), np.array([2.0, 3.0]), lower=True)
array([1., 2.])""",
    "sqrtm": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> la.sqrtm(np.array([[4.0, 0.0], [0.0, 9.0]]))
array([[2., 0.],
       [0., 3.]])""",
    "svd": """>>> import numpy as np
>>> from fungrad.scipy import linalg as la
>>> la.svd(np.array([[3.0, 0.0], [0.0, 4.0]]), compute_uv=False)
array([4., 3.])""",
}
_add_examples(_EXAMPLES, globals().__getitem__)

__dir__ = __all__.copy  # dir() lists the public names only
