"""Primitive records of the linear-algebra, complex, FFT, convolution and special-function
primitives (fungrad._lax.linalg_decomp, complex_parts, fft, conv, special)."""
import numpy as np
import scipy.linalg as sla
import scipy.special as scs
from prim_records import POS, REAL, UNIT, Rec, real, unary

from fungrad._lax import complex_parts as cp
from fungrad._lax import conv as cv
from fungrad._lax import fft as ff
from fungrad._lax import linalg_decomp as ld
from fungrad._lax import special as sp


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


def _stack1(fn, a):
    return fn(a) if a.ndim == 2 else np.stack([fn(x) for x in a])


def _stack2(fn, a, b):
    return fn(a, b) if a.ndim == 2 else np.stack([fn(x, y) for x, y in zip(a, b)])


def _stack3(fn, a, b, c):
    return fn(a, b, c) if a.ndim == 2 else np.stack([fn(x, y, z) for x, y, z in zip(a, b, c)])


def _np_piv(a):
    return _stack1(lambda x: sla.lu_factor(x)[1], a).astype(np.int32)


def _np_perm(a):
    def perm(x):
        piv = sla.lu_factor(x)[1]
        p = np.arange(len(piv))
        for i, j in enumerate(piv):
            p[i], p[j] = p[j], p[i]
        return p
    return _stack1(perm, a).astype(np.int32)


# window_patches parameters over the last two axes (the leading axis, if any, is untouched)
PATCH_PARAMS = {
    "plain": dict(window=(2, 2)),
    "strided-padded": dict(window=(3, 2), strides=(2, 1), padding=((1, 1), (0, 1))),
    "dilated": dict(window=(2, 2), padding=((1, -1), (2, 0)), base_dilation=(2, 1),
                    window_dilation=(1, 2)),
}


def _full(p, nd=2):
    k = 2
    return dict(axes=tuple(range(nd - 2, nd)), window=p["window"],
                strides=p.get("strides", (1,) * k), padding=p.get("padding", ((0, 0),) * k),
                base_dilation=p.get("base_dilation", (1,) * k),
                window_dilation=p.get("window_dilation", (1,) * k))


def _np_patches(x, **p):
    """Reference im2col by explicit loops."""
    q = _full(p, x.ndim)
    y = x
    for a, d in zip(q["axes"], q["base_dilation"]):
        n = y.shape[a]
        z = np.zeros(y.shape[:a] + ((n - 1) * d + 1,) + y.shape[a + 1:])
        idx = [slice(None)] * y.ndim
        idx[a] = slice(None, None, d)
        z[tuple(idx)] = y
        y = z
    lo = [q["padding"][i][0] for i in range(2)]
    hi = [q["padding"][i][1] for i in range(2)]
    H, W = y.shape[-2:]
    (kh, kw), (sh, sw), (dh, dw) = q["window"], q["strides"], q["window_dilation"]
    oh = (H + lo[0] + hi[0] - ((kh - 1) * dh + 1)) // sh + 1
    ow = (W + lo[1] + hi[1] - ((kw - 1) * dw + 1)) // sw + 1
    out = np.zeros(y.shape[:-2] + (oh, ow, kh, kw))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    r, c = i * sh + a * dh - lo[0], j * sw + b * dw - lo[1]
                    if 0 <= r < H and 0 <= c < W:
                        out[..., i, j, a, b] = y[..., r, c]
    return out


def _pshape(in_shape, p):
    return cv._out_shape(in_shape, **_full(p, len(in_shape)))


def _patches_t(c, in_shape, p):
    return cv.window_patches_t_p.bind(c, in_shape=in_shape, **_full(p, len(in_shape)))


def _np_patches_t(c, in_shape, p):
    """Reference col2im: the transpose of the explicit im2col, column by column."""
    n = int(np.prod(in_shape))
    cols = np.stack([_np_patches(e.reshape(in_shape), **p).ravel() for e in np.eye(n)], axis=1)
    return (cols.T @ c.ravel()).reshape(in_shape)


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
    # ---- windows (im2col / col2im)
    *[Rec(cv.window_patches_p, lambda x, p=p: cv.window_patches_p.bind(x, **_full(p, x.ndim)),
          [((2, 5, 4),), ((6, 5),)], (REAL,), lambda x, p=p: _np_patches(x, **p), name=f"window_patches-{k}")
      for k, p in PATCH_PARAMS.items()],
    *[Rec(cv.window_patches_t_p, lambda c, p=p: _patches_t(c, (6, 5), p),
          [(_pshape((6, 5), p),)], (REAL,), lambda c, p=p: _np_patches_t(c, (6, 5), p),
          name=f"window_patches_transpose-{k}") for k, p in PATCH_PARAMS.items()],
    Rec(ld.lu_pivots_p, lambda a: ld.lu_pivots(ld.lu(a)[0]), SQ, (wellcond,),
        lambda a: _np_piv(a), "nondiff"),
    Rec(ld.pivots_to_permutation_p, lambda a: ld.pivots_to_permutation(ld.lu_pivots(ld.lu(a)[0])),
        SQ, (wellcond,), lambda a: _np_perm(a), "nondiff"),
    Rec(ld.expm_p, ld.expm, SQ, (REAL,), sla.expm),
    Rec(ld.expm_frechet_p, ld.expm_frechet, [((3, 3), (3, 3)), ((2, 2, 2), (2, 2, 2))],
        (REAL, REAL), lambda a, e: _stack2(lambda x, y: sla.expm_frechet(x, y, compute_expm=False),
                                           a, e), tols={"atol": 1e-5, "rtol": 1e-5}),
    Rec(ld.sylvester_p, ld.solve_sylvester, [((3, 3), (2, 2), (3, 2)), ((2, 2, 2), (2, 3, 3), (2, 2, 3))],
        (wellcond, wellcond, REAL),
        lambda a, b, q: _stack3(sla.solve_sylvester, a, b, q)),
    Rec(ld.logm_p, ld.logm, SQ, (spd,), lambda a: _stack1(lambda x: sla.logm(x).real, a),
        tols={"atol": 1e-5, "rtol": 1e-5}),
    Rec(ld.logm_frechet_p, ld.logm_frechet, [((3, 3), (3, 3)), ((2, 2, 2), (2, 2, 2))],
        (spd, REAL), lambda a, e: _stack2(lambda x, y: np.real(sla.logm(np.block(
            [[x, y], [np.zeros_like(x), x]]))[:x.shape[0], x.shape[0]:]), a, e),
        tols={"atol": 1e-5, "rtol": 1e-5}),
    Rec(ld.sqrtm_p, ld.sqrtm, SQ, (spd,), lambda a: _stack1(lambda x: sla.sqrtm(x).real, a),
        tols={"atol": 1e-5, "rtol": 1e-5}),
    # ---- fft (real inputs and outputs around the complex transforms)
    Rec(ff.fft_p, lambda x, y: cp.real(ff.fft(cp.complex_(x, y), "FFT", x.shape[-1:])),
        [((4,), (4,)), ((2, 5), (2, 5))], (REAL, REAL),
        lambda x, y: np.fft.fft(x + 1j * y).real, name="fft-FFT"),
    Rec(ff.fft_p, lambda x, y: cp.imag(ff.fft(cp.complex_(x, y), "IFFT", x.shape[-2:])),
        [((3, 4), (3, 4)), ((2, 2, 3), (2, 2, 3))], (REAL, REAL),
        lambda x, y: np.fft.ifftn(x + 1j * y, axes=(-2, -1)).imag, name="fft-IFFT2"),
    Rec(ff.fft_p, lambda x: cp.imag(ff.fft(x, "RFFT", x.shape[-1:])), [((5,),), ((2, 6),)],
        (REAL,), lambda x: np.fft.rfft(x).imag, name="fft-RFFT"),
    Rec(ff.fft_p, lambda x: cp.real(ff.fft(x, "RFFT", x.shape[-2:])), [((3, 4),)],
        (REAL,), lambda x: np.fft.rfftn(x, axes=(-2, -1)).real, name="fft-RFFT2"),
    Rec(ff.fft_p, lambda x, y: ff.fft(cp.complex_(x, y), "IRFFT", (2 * x.shape[-1] - 2,)),
        [((4,), (4,)), ((2, 3), (2, 3))], (REAL, REAL),
        lambda x, y: np.fft.irfft(x + 1j * y), name="fft-IRFFT-even"),
    Rec(ff.fft_p, lambda x, y: ff.fft(cp.complex_(x, y), "IRFFT", (3, 2 * x.shape[-1] - 1)),
        [((3, 4), (3, 4))], (REAL, REAL),
        lambda x, y: np.fft.irfftn(x + 1j * y, s=(3, 7), axes=(-2, -1)), name="fft-IRFFT2-odd"),
    Rec(ff.rfft_transpose_p, lambda x, y: ff.rfft_transpose_p.bind(
        cp.complex_(x, y), fft_lengths=(2 * x.shape[-1] - 1,)), [((3,), (3,)), ((2, 4), (2, 4))],
        (REAL, REAL), lambda x, y: _rfft_t_ref(x + 1j * y, 2 * x.shape[-1] - 1)),
    Rec(ff.irfft_transpose_p, lambda x: cp.real(ff.irfft_transpose_p.bind(
        x, fft_lengths=x.shape[-1:])), [((4,),), ((2, 5),)], (REAL,),
        lambda x: _irfft_t_ref(x).real),
]

# ---- special functions (shape parameters fixed inside the function: not differentiated)
RECORDS += [
    unary(sp.erfc_p, sp.erfc, scs.erfc),
    unary(sp.erfinv_p, sp.erfinv, scs.erfinv, UNIT),
    unary(sp.erfcx_p, sp.erfcx, scs.erfcx),
    unary(sp.ndtri_p, sp.ndtri, scs.ndtri, real(0.05, 0.95)),
    unary(sp.log_ndtr_p, sp.log_ndtr, scs.log_ndtr, real(-6, 6)),
    unary(sp.gammaln_p, sp.gammaln, scs.gammaln, real(0.5, 4)),
    unary(sp.gamma_p, sp.gamma, scs.gamma, real(0.5, 3)),
    unary(sp.digamma_p, sp.digamma, scs.digamma, real(0.5, 4)),
    unary(sp.polygamma_p, lambda x: sp.polygamma(np.full(np.shape(x), 2.0), x),
          lambda x: scs.polygamma(2, x), real(0.5, 4)),
    unary(sp.i0e_p, sp.i0e, scs.i0e),
    unary(sp.i1e_p, sp.i1e, scs.i1e),
    unary(sp.zeta_p, lambda q: sp.zeta(np.full(np.shape(q), 3.0), q), lambda q: scs.zeta(3, q),
          real(0.5, 3)),
    unary(sp.gammainc_p, lambda x: sp.gammainc(np.full(np.shape(x), 2.5), x),
          lambda x: scs.gammainc(2.5, x), POS),
    unary(sp.gammaincc_p, lambda x: sp.gammaincc(np.full(np.shape(x), 0.7), x),
          lambda x: scs.gammaincc(0.7, x), POS),
    unary(sp.gammaincinv_p, lambda p: sp.gammaincinv(np.full(np.shape(p), 2.5), p),
          lambda p: scs.gammaincinv(2.5, p), real(0.1, 0.9)),
    unary(sp.betainc_p, lambda x: sp.betainc(np.full(np.shape(x), 2.0), np.full(np.shape(x), 3.5),
                                            x), lambda x: scs.betainc(2.0, 3.5, x), real(0.1, 0.9)),
    unary(sp.betaincinv_p, lambda p: sp.betaincinv(np.full(np.shape(p), 2.0),
                                                  np.full(np.shape(p), 3.5), p),
          lambda p: scs.betaincinv(2.0, 3.5, p), real(0.1, 0.9)),
    unary(sp.exp1_p, sp.exp1, scs.exp1, POS),
    unary(sp.expi_p, sp.expi, scs.expi, POS),
    unary(sp.gammasgn_p, sp.gammasgn, scs.gammasgn, real(-2.9, -2.1), "nondiff"),
]


def _rfft_t_ref(c, n):
    """RFFT^T c = real(F_half^T c) with the explicit DFT matrix."""
    k = c.shape[-1]
    f = np.exp(-2j * np.pi * np.outer(np.arange(k), np.arange(n)) / n)
    return (c @ f).real


def _irfft_t_ref(r):
    """IRFFT^T r by the explicit Jacobian: column k of irfft is irfft(e_k) (real part input)."""
    n = r.shape[-1]
    k = n // 2 + 1
    cols = np.stack([np.fft.irfft(np.eye(k)[j], n) for j in range(k)])
    cols_i = np.stack([np.fft.irfft(1j * np.eye(k)[j], n) for j in range(k)])
    return r @ cols.T - 1j * (r @ cols_i.T)
