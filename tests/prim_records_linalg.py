"""Primitive records of the linear-algebra, complex, FFT, convolution and special-function
primitives (fungrad._lax.linalg_decomp, complex_parts, fft, conv, special)."""
import numpy as np
import scipy.linalg as sla
from prim_records import REAL, Rec

from fungrad._lax import complex_parts as cp
from fungrad._lax import linalg_decomp as ld


def _on_matrices(make):
    """A domain building square matrices with `make(rng, shape)` on the matrix axes, found as
    the last adjacent pair of equal sizes (so it works with a leading or trailing batch axis)."""
    def dom(rng, shape):
        pairs = [i for i in range(len(shape) - 1) if shape[i] == shape[i + 1]]
        i = pairs[-1]
        moved = (*shape[:i], *shape[i + 2:], shape[i], shape[i + 1])
        return np.moveaxis(make(rng, moved), (-2, -1), (i, i + 1))
    return dom


def _spd(rng, shape):
    x = rng.standard_normal(shape)
    n = shape[-1]
    return x @ np.swapaxes(x, -1, -2) / n + np.eye(n)


def _wellcond(rng, shape):
    return rng.standard_normal(shape) * 0.5 + 2.0 * np.eye(shape[-1])


def _real_eigs(rng, shape):
    """Upper triangular with diagonal 2, 4, ... plus small noise: real, separated eigenvalues."""
    n = shape[-1]
    return (np.diag(np.arange(1.0, n + 1)) * 2 + np.triu(rng.standard_normal(shape)) * 0.3
            + rng.standard_normal(shape) * 0.05)


spd, wellcond, real_eigs = map(_on_matrices, (_spd, _wellcond, _real_eigs))


SQ = [((3, 3),), ((2, 3, 3),)]
TRI_LEFT = [((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 1))]
TRI_RIGHT = [((3, 3), (2, 3)), ((2, 3, 3), (2, 1, 3))]


def _np_tri(a, b, left, lower, trans, unit):
    a = np.tril(a) if lower else np.triu(a)
    if unit:
        a = a - a * np.eye(a.shape[-1]) + np.eye(a.shape[-1])
    op = np.swapaxes(a, -1, -2) if trans else a
    if left:
        return np.linalg.solve(op, b)
    return np.swapaxes(np.linalg.solve(np.swapaxes(op, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)


def tri_rec(name, left, lower, trans, unit):
    def fn(a, b):
        return ld.triangular_solve(a, b, left_side=left, lower=lower, transpose_a=trans,
                                   unit_diagonal=unit)
    return Rec(ld.triangular_solve_p, fn, TRI_LEFT if left else TRI_RIGHT, (wellcond, REAL),
               lambda a, b: _np_tri(a, b, left, lower, trans, unit),
               name=f"triangular_solve-{name}", tols={"atol": 1e-5, "rtol": 1e-5})


def _np_adj(a):
    return np.linalg.det(a)[..., None, None] * np.linalg.inv(a)


def _svd(a, i, full=False):
    u, s, vh = np.linalg.svd(a, full_matrices=full)
    return (s, u, vh)[i]


def _np_lu(a, i):
    if a.ndim == 2:
        return sla.lu(a)[i]
    return np.stack([sla.lu(x)[i] for x in a])


def _cplx(x, y):
    return x + 1j * y


RECORDS = [
    Rec(ld.cholesky_p, ld.cholesky, SQ, (spd,), np.linalg.cholesky),
    tri_rec("left-lower", True, True, False, False),
    tri_rec("left-upper-trans", True, False, True, False),
    tri_rec("right-lower", False, True, False, False),
    tri_rec("right-upper-trans", False, False, True, False),
    tri_rec("left-lower-unit", True, True, False, True),
    Rec(ld.solve_p, ld.solve, TRI_LEFT, (wellcond, REAL), np.linalg.solve),
    Rec(ld.slogdet_p, lambda a: ld.slogdet(a)[1], SQ, (wellcond,),
        lambda a: np.linalg.slogdet(a)[1], name="slogdet-logabsdet"),
    Rec(ld.slogdet_p, lambda a: ld.slogdet(a)[0], SQ, (wellcond,),
        lambda a: np.linalg.slogdet(a)[0], "nondiff", name="slogdet-sign"),
    Rec(ld.det_p, ld.det, [((3, 3),), ((2, 2, 2),), ((1, 1),)], (wellcond,), np.linalg.det),
    Rec(ld.adjugate_p, ld.adjugate, SQ, (wellcond,), _np_adj, tols={"atol": 1e-5, "rtol": 1e-5}),
    Rec(ld.eigh_p, lambda a: ld.eigh(a)[0], SQ, (REAL,), lambda a: np.linalg.eigh(a)[0],
        name="eigh-w"),
    Rec(ld.eigh_p, lambda a: ld.eigh(a, lower=False)[1], SQ, (REAL,),
        lambda a: np.linalg.eigh(a, UPLO="U")[1], name="eigh-v-upper",
        tols={"atol": 1e-5, "rtol": 1e-4}),
    Rec(ld.svd_p, lambda a: ld.svd(a, compute_uv=False)[0],
        [((3, 3),), ((4, 2),), ((2, 3, 4),)], (REAL,),
        lambda a: np.linalg.svd(a, compute_uv=False), name="svd-s"),
    Rec(ld.svd_p, lambda a: ld.svd(a)[1], [((3, 3),), ((4, 2),), ((2, 2, 3),)], (REAL,),
        lambda a: _svd(a, 1), name="svd-u", tols={"atol": 1e-5, "rtol": 1e-4}),
    Rec(ld.svd_p, lambda a: ld.svd(a)[2], [((3, 3),), ((4, 2),), ((2, 2, 3),)], (REAL,),
        lambda a: _svd(a, 2), name="svd-vh", tols={"atol": 1e-5, "rtol": 1e-4}),
    Rec(ld.svd_p, lambda a: ld.svd(a, full_matrices=True)[1], [((3, 3),)], (wellcond,),
        lambda a: _svd(a, 1, True), name="svd-u-full", tols={"atol": 1e-5, "rtol": 1e-4}),
    Rec(ld.qr_p, lambda a: ld.qr(a)[0], [((4, 3),), ((3, 3),), ((2, 3, 2),)], (REAL,),
        lambda a: np.linalg.qr(a)[0], name="qr-q"),
    Rec(ld.qr_p, lambda a: ld.qr(a)[1], [((4, 3),), ((3, 3),), ((2, 3, 2),)], (REAL,),
        lambda a: np.linalg.qr(a)[1], name="qr-r"),
    Rec(ld.qr_p, lambda a: ld.qr(a, full_matrices=True)[1], [((3, 3),)], (wellcond,),
        lambda a: np.linalg.qr(a, mode="complete")[1], name="qr-r-complete"),
    Rec(ld.lu_p, lambda a: ld.lu(a)[1], SQ, (wellcond,), lambda a: _np_lu(a, 1), name="lu-l"),
    Rec(ld.lu_p, lambda a: ld.lu(a)[2], SQ, (wellcond,), lambda a: _np_lu(a, 2), name="lu-u"),
    Rec(ld.lu_p, lambda a: ld.lu(a)[0], SQ, (wellcond,), lambda a: _np_lu(a, 0), "nondiff",
        name="lu-p"),
    Rec(ld.eig_p, lambda a: cp.real(ld.eig(a)[0]), [((3, 3),), ((2, 2, 2),)], (real_eigs,),
        lambda a: np.linalg.eig(a)[0].real, name="eig-w", tols={"atol": 1e-5, "rtol": 1e-4}),
    Rec(ld.eig_p, lambda a: cp.real(ld.eig(a)[1]), [((3, 3),)], (real_eigs,),
        lambda a: np.linalg.eig(a)[1].real, name="eig-v", tols={"atol": 1e-5, "rtol": 1e-4}),
    # ---- complex parts
    Rec(cp.complex_p, lambda x, y: cp.real(cp.complex_(x, y)),
        [((3,), (3,)), ((2, 3), (3,))], (REAL, REAL), lambda x, y: _cplx(x, y).real,
        name="complex-real"),
    Rec(cp.real_p, lambda x, y: cp.real(cp.complex_(x, y) * cp.complex_(y, y)),
        [((3,), (3,)), ((2, 3), (3,))], (REAL, REAL), lambda x, y: (_cplx(x, y) * _cplx(y, y)).real),
    Rec(cp.imag_p, lambda x, y: cp.imag(cp.complex_(x, y) * cp.complex_(y, x)),
        [((3,), (3,)), ((2, 3), (2, 3))], (REAL, REAL),
        lambda x, y: (_cplx(x, y) * _cplx(y, x)).imag),
    Rec(cp.conj_p, lambda x, y: cp.imag(cp.conj(cp.complex_(x, y)) * cp.complex_(x, x)),
        [((3,), (3,))], (REAL, REAL), lambda x, y: (np.conj(_cplx(x, y)) * _cplx(x, x)).imag),
]
