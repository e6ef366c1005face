"""torch.linalg on the core's linear-algebra functions (fungrad.numpy.linalg and
fungrad.scipy.linalg), whose derivative rules are the core's; each function is one recorded op named
as torch names its node."""
import collections
import math

import numpy as np

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import lax
import fungrad.scipy.linalg as fsl
from fungrad.torch._record import apply
from fungrad.torch import _ops_shape as S
from fungrad.torch._tensor import Tensor, _new
from fungrad.torch._ops_math import batch_broadcast
from fungrad.torch._util import dims_of, kept, tabs, safe_root

__all__ = ["det", "slogdet", "inv", "inv_ex", "pinv", "cholesky", "cholesky_ex", "qr", "svd",
           "svdvals", "eigh", "eigvalsh", "eig", "eigvals", "solve", "solve_ex", "lstsq",
           "norm", "vector_norm", "matrix_norm", "matrix_rank", "matrix_power", "matrix_exp",
           "cond", "cross", "multi_dot", "householder_product", "tensorinv", "tensorsolve",
           "vander", "vecdot", "solve_triangular", "lu_factor", "lu", "lu_solve", "diagonal",
           "matmul"]

_Slogdet = collections.namedtuple("slogdet", ["sign", "logabsdet"])
_QR = collections.namedtuple("qr", ["Q", "R"])
_SVD = collections.namedtuple("svd", ["U", "S", "Vh"])
_Eigh = collections.namedtuple("eigh", ["eigenvalues", "eigenvectors"])
_Eig = collections.namedtuple("eig", ["eigenvalues", "eigenvectors"])
_InvEx = collections.namedtuple("inv_ex", ["inverse", "info"])
_CholEx = collections.namedtuple("cholesky_ex", ["L", "info"])
_SolveEx = collections.namedtuple("solve_ex", ["result", "info"])
_Lstsq = collections.namedtuple("lstsq", ["solution", "residuals", "rank", "singular_values"])
_LU = collections.namedtuple("lu", ["P", "L", "U"])
_LUF = collections.namedtuple("lu_factor", ["LU", "pivots"])


def _matrix(a, name, square=True, floating=True):
    """torch's checks of a linalg function's matrix argument, in its order: at least 2 dims,
    square matrices (where ``square``), a floating or complex dtype (where ``floating``)."""
    s = a.shape
    if len(s) < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and s[-1] != s[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{s[-2]} by {s[-1]} matrices")
    if floating and a._value.dtype.kind not in "fc":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_TORCH_TYPE.get(a._value.dtype.name)}")


def _batched(f):
    """``f`` on one matrix applied over the leading batch dims (a Python loop over the batch)."""
    def g(x, *rest):
        if x.ndim == 2:
            return f(x, *rest)
        lead = x.shape[:-2]
        xs = fnp.reshape(x, (-1,) + x.shape[-2:])
        outs = [f(xs[i], *rest) for i in range(xs.shape[0])]
        if isinstance(outs[0], tuple):
            return tuple(fnp.reshape(fnp.stack(o), lead + o[0].shape) for o in zip(*outs))
        return fnp.reshape(fnp.stack(outs), lead + outs[0].shape)
    return g


def det(A):
    _matrix(A, "linalg.det")
    return apply("LinalgDetBackward0", _batched(fnp.linalg.det), [A])


def slogdet(A):
    _matrix(A, "linalg.slogdet")
    s, l = apply("LinalgSlogdetBackward0", lambda x: tuple(_batched(fnp.linalg.slogdet)(x)),
                 [A], tuple_out=True)
    return _Slogdet(s, l)


def logdet(A):
    _matrix(A, "logdet")

    def fn(x):
        s, l = _batched(fnp.linalg.slogdet)(x)
        if x.dtype.kind == "c":  # the complex log of the determinant, as torch
            return fnp.log(s) + l
        return fnp.where(s < 0, np.nan, l)
    return apply("WhereBackward0", fn, [A], saved="logdet")


_SINGULAR_INV = ("The diagonal element {} is zero, the inversion could not be completed "
                 "because the input matrix is singular.")
_SINGULAR_SOLVE = "The solver failed because the input matrix is singular."


def _getrf_infos(v):
    """LAPACK's LU factorization (torch's) infos of each matrix of ``v``: 0, or the 1-based
    index of the first zero pivot."""
    import scipy.linalg.lapack as la
    n = v.shape[-1]
    flat = v.reshape((math.prod(v.shape[:-2]), n, n))
    info = np.zeros(flat.shape[0], np.int32)
    if flat.size:
        getrf = la.get_lapack_funcs("getrf", (flat,))
        for i, m in enumerate(flat):
            info[i] = getrf(m)[2]
    return info.reshape(v.shape[:-2])


def _infos(A):
    """The LU infos of A's matrices (zeros where A's value is traced: nothing to read)."""
    v = A._value
    return _getrf_infos(v) if isinstance(v, np.ndarray) else np.zeros(tuple(A.shape[:-2]),
                                                                      np.int32)


def _raise_singular(name, info, text):
    """torch's LinAlgError for the first batch element whose info is not 0."""
    bad = np.flatnonzero(info)
    if bad.size:
        k = int(bad[0])
        where = f"(Batch element {k}): " if info.ndim else ""
        raise _LinAlgError(f"{name}: {where}" + text.format(int(info.reshape(-1)[k])))


def inv(A):
    _matrix(A, "linalg.inv")
    try:
        return apply("LinalgInvExBackward0", _batched(fnp.linalg.inv), [A])
    except np.linalg.LinAlgError:  # a singular matrix: torch's message, from LAPACK's info
        _raise_singular("linalg.inv", _infos(A), _SINGULAR_INV)
        raise


def _ex_infos(A, name, text, check_errors):
    """LAPACK's infos of A for inv_ex/solve_ex (``name``): torch's error where check_errors."""
    info = _infos(A)
    if check_errors:
        _raise_singular(name, info, text)
    return info


def _getrs(a, c, trans):
    """LAPACK's getrf then getrs of each matrix of ``a`` against ``c`` (same batch shape), as
    torch solves (``trans``: op(a) = a.T): LAPACK's own values, inf/nan where a pivot is 0."""
    import scipy.linalg.lapack as la
    getrf, getrs = la.get_lapack_funcs(("getrf", "getrs"), (a,))
    fa = a.reshape((-1,) + a.shape[-2:])
    fc = c.reshape((-1,) + c.shape[-2:])
    out = np.empty(fc.shape, a.dtype)
    with np.errstate(all="ignore"):
        for i in range(fa.shape[0]):
            lu, piv, _ = getrf(fa[i])
            out[i] = getrs(lu, piv, fc[i], trans=trans)[0]
    return out.reshape(c.shape)


def _lapack_solve_op(trans):
    """op(a) @ y = c for concrete matrices with LAPACK's values (a singular ``a``: what torch
    returns), as one differentiable function: torch's backward formulas on those values
    (gc = op(a)^-H g, ga = -gc y^H; in the core's convention, which conjugates around it, the
    plain transposes), garbage where the values are (as torch's)."""
    @fg.custom_vjp
    def solve_op(a, c):
        return _getrs(a, c, trans)

    def fwd(a, c):
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        y = _getrs(a, c, trans)
        return y, (_getrs(a, eye, trans), y)

    def bwd(res, g):
        inv_op, y = res
        gc = fnp.swapaxes(inv_op, -1, -2) @ g
        ga = -(gc @ fnp.swapaxes(y, -1, -2))
        return (fnp.swapaxes(ga, -1, -2) if trans else ga), gc
    solve_op.defvjp(fwd, bwd)
    return solve_op


_SOLVE_OPS = {}


def _singular_solve(name, A, B, vec, left):
    """linalg.solve of a concrete singular A (torch's _ex functions without check_errors):
    LAPACK's result, through the LU of A as torch (XA = B: A^T X^T = B^T on the same LU)."""
    trans = 0 if left else 1
    op = _SOLVE_OPS.get(trans) or _SOLVE_OPS.setdefault(trans, _lapack_solve_op(trans))

    def fn(a, b):
        c = b[..., None] if vec else b
        if not left:
            c = fnp.swapaxes(c, -1, -2)
        shape = np.broadcast_shapes(a.shape[:-2], c.shape[:-2])
        y = op(fnp.broadcast_to(a, shape + a.shape[-2:]), fnp.broadcast_to(c, shape + c.shape[-2:]))
        if not left:
            y = fnp.swapaxes(y, -1, -2)
        return y[..., 0] if vec else y
    return apply(name, fn, [A, B])


def inv_ex(A, *, check_errors=False):
    _matrix(A, "linalg.inv")
    info = _ex_infos(A, "linalg.inv_ex", _SINGULAR_INV, check_errors)
    if info.any():  # torch returns LAPACK's values (and info > 0) for a singular matrix
        eye = _new(np.broadcast_to(np.eye(A.shape[-1], dtype=A._value.dtype), tuple(A.shape)))
        return _InvEx(_singular_solve("LinalgInvExBackward0", A, eye, False, True), _new(info))
    return _InvEx(inv(A), _new(info))


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    if A.ndim < 2 or A._value.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.pinv({_TORCH_TYPE.get(A._value.dtype.name)}{{{list(A.shape)}}}): "
                           f"expected a tensor with 2 or more dimensions of float, double, cfloat "
                           f"or cdouble types")
    return apply("LinalgPinvBackward0", _batched(lambda x: fnp.linalg.pinv(x, rtol=rtol)), [A])


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError (a RuntimeError; its class is named ``_LinAlgError``)."""


LinAlgError = _LinAlgError


def cholesky(A, *, upper=False, _name="LinalgCholeskyExBackward0"):
    _matrix(A, "linalg.cholesky")
    if isinstance(A._value, np.ndarray):  # under a transform the value is traced: no check
        _not_positive_definite("linalg.cholesky", _potrf(A._value, upper)[1])
    return apply(_name, _batched(lambda x: fnp.linalg.cholesky(x, upper=upper)), [A])


def _potrf(v, upper):
    """LAPACK's Cholesky factorization (torch's) of each matrix of ``v``: the factors (the
    other triangle zeroed; partial where it fails, as torch's) and the infos (0, or the order of
    the leading minor that is not positive-definite)."""
    import scipy.linalg.lapack as la
    if v.dtype == np.float16:
        raise NotImplementedError("\"cholesky_cpu\" not implemented for 'Half'")
    n = v.shape[-1]
    flat = v.reshape((math.prod(v.shape[:-2]), n, n))
    out = np.zeros_like(flat)
    info = np.zeros(flat.shape[0], np.int32)
    if flat.size:
        potrf = la.get_lapack_funcs("potrf", (flat,))
        for i, m in enumerate(flat):
            out[i], info[i] = potrf(m, lower=not upper, clean=1)
    return out.reshape(v.shape), info.reshape(v.shape[:-2])


def _not_positive_definite(name, info):
    bad = np.flatnonzero(info)
    if bad.size:
        k = int(bad[0])
        where = f"(Batch element {k}): " if info.ndim else ""
        raise _LinAlgError(f"{name}: {where}The factorization could not be completed because "
                           f"the input is not positive-definite (the leading minor of order "
                           f"{int(info.reshape(-1)[k])} is not positive-definite).")


def cholesky_ex(A, *, upper=False, check_errors=False):
    _matrix(A, "linalg.cholesky")
    if not isinstance(A._value, np.ndarray):  # traced: no LAPACK infos to read
        return _CholEx(cholesky(A, upper=upper), _new(np.zeros(tuple(A.shape[:-2]), np.int32)))
    factors, info = _potrf(A._value, upper)
    if check_errors:
        _not_positive_definite("linalg.cholesky_ex", info)
    if info.any():  # LAPACK's partial factors, as torch returns them (no derivative there)
        return _CholEx(_new(factors), _new(info))
    return _CholEx(cholesky(A, upper=upper), _new(info))


def qr(A, mode="reduced"):
    _matrix(A, "linalg.qr", square=False)
    if mode == "r":
        r = apply("LinalgQrBackward0", _batched(lambda x: fnp.linalg.qr(x, mode="r")), [A])
        return _QR(_new(np.zeros(0, A._value.dtype)), r)
    q, r = apply("LinalgQrBackward0",
                 lambda x: tuple(_batched(lambda m: tuple(fnp.linalg.qr(m, mode=mode)))(x)),
                 [A], tuple_out=True)
    return _QR(q, r)


def svd(A, full_matrices=True, *, driver=None):
    _matrix(A, "linalg.svd", square=False)
    u, s, vh = apply("LinalgSvdBackward0", lambda x: tuple(_batched(
        lambda m: tuple(fnp.linalg.svd(m, full_matrices=full_matrices)))(x)), [A],
        tuple_out=True)
    return _SVD(u, s, vh)


def svdvals(A, *, driver=None):
    _matrix(A, "linalg.svd", square=False)
    return apply("LinalgSvdBackward0", _batched(lambda m: fnp.linalg.svd(m, compute_uv=False)),
                 [A], saved="svdvals")


def _triangle(m, UPLO):
    """The Hermitian matrix of ``m``'s lower (or upper) triangle, which alone torch's eigh reads,
    as the values; the derivative is that of ``m`` (the core's symmetrized eigh then gives
    torch's gradients)."""
    low = UPLO == "L"
    part = fnp.tril(m) if low else fnp.triu(m)
    strict = fnp.tril(m, -1) if low else fnp.triu(m, 1)
    herm = part + fnp.conj(fnp.swapaxes(strict, -1, -2))
    return m + lax.stop_gradient(herm - m)


def eigh(A, UPLO="L"):
    _matrix(A, "linalg.eigh", floating=False)
    if A._value.dtype.kind not in "fc":
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for "
                                  f"'{_TORCH_TYPE.get(A._value.dtype.name)}'")
    w, v = apply("LinalgEighBackward0", lambda x: tuple(_batched(
        lambda m: tuple(fnp.linalg.eigh(_triangle(m, UPLO), UPLO=UPLO)))(x)), [A],
        tuple_out=True)
    return _Eigh(w, v)


def eigvalsh(A, UPLO="L"):
    return eigh(A, UPLO).eigenvalues


def eig(A):
    if A.ndim >= 2 and A._value.dtype.kind not in "fc":
        raise RuntimeError(f"Unknown Complex ScalarType for {_TORCH_TYPE.get(A._value.dtype.name)}")
    _matrix(A, "linalg.eig")
    w, v = apply("LinalgEigBackward0", lambda x: tuple(_batched(
        lambda m: tuple(fnp.linalg.eig(m)))(x)), [A], tuple_out=True)
    return _Eig(w, v)


def eigvals(A):
    return eig(A).eigenvalues


def _check_solve(A, B, left):
    """linalg.solve's checks in torch's order, with its texts; whether B is a (batch of)
    vector(s)."""
    name = "linalg.solve"
    ad, bd = A._value.dtype, B._value.dtype
    if ad.kind not in "fc":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_TORCH_TYPE.get(ad.name)}")
    if ad != bd:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of type "
                           f"{_TORCH_TYPE.get(ad.name)} and B of type {_TORCH_TYPE.get(bd.name)} "
                           f"instead")
    vec = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    _matrix(A, name, floating=False)
    bs = tuple(B.shape) + ((1,) if vec else ())
    if len(bs) < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    if (A.shape[-2] != bs[-2]) if left else (A.shape[-1] != bs[-1]):
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{A.shape[-1]} and "
                           f"{bs[-2]}x{bs[-1]})")
    if vec and not left:
        raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not "
                           "supported for left=False. In this case linalg.solve is equivalent "
                           "to B / A.squeeze(-1)")
    batch_broadcast(bs[:-2], tuple(A.shape[:-2]))
    return vec


def solve(A, B, *, left=True):
    vec = _check_solve(A, B, left)

    def fn(a, b):
        if not left:
            return fnp.swapaxes(_solve(fnp.swapaxes(a, -1, -2), fnp.swapaxes(b, -1, -2), False),
                                -1, -2)
        return _solve(a, b, vec)
    try:
        return apply("LinalgSolveExBackward0", fn, [A, B])
    except np.linalg.LinAlgError:  # a singular matrix: torch's message
        _raise_singular("torch.linalg.solve", _infos(A), _SINGULAR_SOLVE)
        raise


def _solve(a, b, vec):
    if vec:
        b = b[..., None]
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = fnp.broadcast_to(a, shape + a.shape[-2:])
    b = fnp.broadcast_to(b, shape + b.shape[-2:])
    out = _bt(fnp.linalg.solve)(a, b)
    return out[..., 0] if vec else out


def solve_ex(A, B, *, left=True, check_errors=False):
    _check_solve(A, B, left)
    info = _ex_infos(A, "torch.linalg.solve_ex", _SINGULAR_SOLVE, check_errors)
    if info.any():  # torch returns LAPACK's values (and info > 0) for a singular matrix
        vec = _check_solve(A, B, left)
        return _SolveEx(_singular_solve("LinalgSolveExBackward0", A, B, vec, left), _new(info))
    return _SolveEx(solve(A, B, left=left), _new(info))


def _check_lstsq(A, B):
    """linalg.lstsq's checks in torch's order, with its texts; whether B is a (batch of)
    vector(s)."""
    pre = "torch.linalg.lstsq: "
    if A.ndim < 2:
        raise RuntimeError(pre + "input must have at least 2 dimensions.")
    if B.ndim < 1:
        raise RuntimeError(pre + "other must have at least 1 dimension.")
    ad, bd = A._value.dtype, B._value.dtype
    if ad != bd:
        raise RuntimeError(pre + f"Expected input and other to have the same dtype, but got "
                           f"input's dtype {_TORCH_TYPE.get(ad.name)} and other's dtype "
                           f"{_TORCH_TYPE.get(bd.name)}")
    if A.ndim - B.ndim not in (0, 1):
        raise RuntimeError(pre + "input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    vec = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    bs = tuple(B.shape) + ((1,) if vec else ())
    if A.shape[-2] != bs[-2]:
        raise RuntimeError(pre + f"input.size(-2) should match other.size({-1 if vec else -2})")
    if ad.kind not in "fc":
        raise RuntimeError("This function doesn't handle types other than float and double")
    # torch broadcasts the batch of a B of one dim less than A as if it were vectors
    batch_broadcast(tuple(A.shape[:-2]), tuple(B.shape[:-1]) if A.ndim > B.ndim else bs[:-2])
    return vec


def lstsq(A, B, rcond=None, *, driver=None):
    vec = _check_lstsq(A, B)

    def fn(a, b):
        if vec:
            return fnp.matmul(fnp.linalg.pinv(a), b[..., None])[..., 0]
        return fnp.matmul(fnp.linalg.pinv(a), b)
    x = apply("LinalgLstsqBackward0", fn, [A, B])
    return _Lstsq(x, _new(np.zeros(0, A._value.dtype)),
                  _new(np.asarray(np.linalg.matrix_rank(np.asarray(A._value)), np.int64)),
                  _new(np.zeros(0, A._value.dtype)))


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    axes = dims_of(dim, x.ndim) if x.ndim else None  # a 0-d tensor's dim 0 / -1: itself
    if isinstance(ord, Tensor):  # a 0-d tensor: torch reads its number
        ord = ord.item()
    if (ord < 0 or ord == float("inf")) and x.numel() == 0:  # no identity to start from
        if axes is None:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on an empty "
                               f"tensor because the operation does not have an identity")
        for d in axes:
            if x.shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on the "
                                   f"dimension {d}because this dimension is empty and the "
                                   f"operation does not have an identity")

    def fn(v):
        a = tabs(v)
        if v.dtype.kind == "c":  # the norm of |v|: real, as torch's
            v = a
        if ord == float("inf"):
            return fnp.max(a, axis=axes, keepdims=keepdim)
        if ord == -float("inf"):
            return fnp.min(a, axis=axes, keepdims=keepdim)
        if ord == 0:
            return fnp.sum((a != 0).astype(v.dtype), axis=axes, keepdims=keepdim)
        if ord == 1:
            return fnp.sum(a, axis=axes, keepdims=keepdim)
        if ord == 2:
            s = fnp.sum(v * v, axis=axes, keepdims=keepdim)
            safe = fnp.where(s == 0, 1 + 0 * s, s)
            return fnp.where(s == 0, 0 * s, fnp.sqrt(safe))
        return safe_root(fnp.sum(fnp.power(a, ord), axis=axes, keepdims=keepdim), ord)
    return apply("LinalgVectorNormBackward0", fn, [x])


def _check_matrix_norm(A, ord, dim):
    """linalg.matrix_norm's checks of ord, A and dim, with torch's texts; the wrapped dims."""
    if isinstance(ord, str) and ord not in ("fro", "nuc") or (
            not isinstance(ord, str) and abs(ord) not in (1, 2, float("inf"))):
        shown = ord if isinstance(ord, str) else f"{ord:g}"
        raise RuntimeError(f"linalg.matrix_norm: Order {shown} not supported.")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if A._value.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_TORCH_TYPE.get(A._value.dtype.name)}")
    dim = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dim) != 2:
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                           + " ".join(str(x) for x in dim))
    d = dims_of(dim, A.ndim)
    if d[0] == d[1]:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d[0]}, {d[1]})")
    return d


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    d = _check_matrix_norm(A, ord, dim)
    if A.numel() == 0 and ord in ("nuc", 1, 2, float("inf")):  # torch: 0 for no elements
        shape = tuple(1 if i in d else n for i, n in enumerate(A.shape) if keepdim or i not in d)
        real = {"complex64": np.float32, "complex128": np.float64}.get(A._value.dtype.name,
                                                                       A._value.dtype)
        return _new(np.zeros(shape, real))

    def fn(v):
        if ord == "fro":
            a = tabs(v) if v.dtype.kind == "c" else v
            return safe_root(fnp.sum(a * a, axis=d, keepdims=keepdim), 2)
        m = fnp.moveaxis(v, d, (-2, -1))
        if ord == "nuc":
            r = fnp.sum(_batched(lambda x: fnp.linalg.svd(x, compute_uv=False))(m), axis=-1)
        elif ord in (2, -2):
            sv = _batched(lambda x: fnp.linalg.svd(x, compute_uv=False))(m)
            r = fnp.max(sv, axis=-1) if ord == 2 else fnp.min(sv, axis=-1)
        elif ord in (1, -1):
            cs = fnp.sum(tabs(m), axis=-2)
            r = fnp.max(cs, axis=-1) if ord == 1 else fnp.min(cs, axis=-1)
        else:
            rs = fnp.sum(tabs(m), axis=-1)
            r = fnp.max(rs, axis=-1) if ord == float("inf") else fnp.min(rs, axis=-1)
        if keepdim:
            for ax in sorted(d):
                r = fnp.expand_dims(r, ax)
        return r
    if ord == "fro":
        name = "LinalgVectorNormBackward0"
    elif ord == "nuc":
        name = "SumBackward1"
    else:
        name = "AmaxBackward0" if ord in (1, 2, float("inf")) else "AminBackward0"
    return apply(name, fn, [A])


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    if ord is not None and dim is None and A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {A.ndim}D.")
    if ord is None:
        if dim is None or isinstance(dim, int) or len(dim) == 1:
            return vector_norm(A if dim is not None or A.ndim <= 1 else A.reshape(-1), 2, dim,
                               keepdim)
        return matrix_norm(A, "fro", dim, keepdim)
    if isinstance(ord, str) or (dim is not None and not isinstance(dim, int) and len(dim) == 2) \
            or (dim is None and A.ndim == 2):
        return matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim)
    return vector_norm(A, ord, dim, keepdim)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None):
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 "
                           "dimensions.")
    if A._value.dtype.kind not in "fc":
        raise RuntimeError("This function doesn't handle types other than float and double")
    v = np.asarray(A._value)
    return _new(np.asarray(np.linalg.matrix_rank(v, tol=tol if tol is not None else atol),
                           np.int64))


def matrix_power(A, n):
    if isinstance(n, Tensor) and n._value.dtype.kind not in "iu":  # torch's int argument
        raise TypeError("linalg_matrix_power(): argument 'n' (position 2) must be int, not Tensor")
    _matrix(A, "linalg.matrix_power", floating=False)
    if A._value.dtype.kind == "b" and n >= 2:  # its products are mm's
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
    if n < 0:
        A, n = inv(A), -n
    if n == 0:
        return apply("torch::autograd::CopyBackwards", lambda x: fnp.broadcast_to(
            fnp.eye(x.shape[-1], dtype=x.dtype), x.shape) + 0 * x, [A])
    return apply("MmBackward0",
                 _batched(lambda x: fnp.linalg.matrix_power(x, n)), [A], saved="matrix_power")


def matrix_exp(A):
    _matrix(A, "linalg.matrix_exp")
    return apply("LinalgMatrixExpBackward0", _batched(fsl.expm), [A])


def cond(A, p=None):
    if A.ndim < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    dt = A._value.dtype
    if A.numel() == 0:  # torch: 0 for matrices without elements, of the input's real dtype
        real = {"complex64": np.float32, "complex128": np.float64}.get(dt.name, dt)
        return _new(np.zeros(tuple(A.shape[:-2]), real))
    svd_norm = p is None or p in (2, -2)
    if not svd_norm and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.cond(ord={p}): A must be batches of square matrices, but they "
                           f"are {A.shape[-2]} by {A.shape[-1]} matrices")
    if dt.kind not in "fc":
        raise RuntimeError(f"{'linalg.svd' if svd_norm else 'linalg.inv'}: Expected a floating "
                           f"point or complex tensor as input. Got {_TORCH_TYPE.get(dt.name)}")

    def fn(x):
        sv = _batched(lambda m: fnp.linalg.svd(m, compute_uv=False))(x)
        return fnp.max(sv, axis=-1) / fnp.min(sv, axis=-1)
    if p is None or p == 2:
        return apply("SqueezeBackward1", fn, [A])
    return apply("MulBackward0", lambda x: fnp.linalg.cond(x, p), [A])


def cross(a, b, *, dim=-1):
    from fungrad.torch._ops_more import cross as _cross
    return _cross(a, b, dim)


def multi_dot(tensors):
    from fungrad.torch import _ops_more as X
    if isinstance(tensors, Tensor):
        raise TypeError("linalg_multi_dot(): argument 'tensors' (position 1) must be tuple of "
                        "Tensors, not Tensor")
    tensors = X.tensor_list(tensors)
    X.check_multi_dot(tensors)
    return X.multi_dot(tensors)


def _check_householder(A, tau):
    """linalg.householder_product's checks, with torch's texts."""
    pre = "torch.linalg.householder_product: "
    if A.ndim < 2:
        raise RuntimeError(pre + "input must have at least 2 dimensions.")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(pre + "input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if tau.ndim == 0 or A.shape[-1] < tau.shape[-1]:
        raise RuntimeError(pre + "input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    if A.ndim - tau.ndim != 1:
        raise RuntimeError(pre + f"Expected tau to have one dimension less than input, but got "
                           f"tau.ndim equal to {tau.ndim} and input.ndim is equal to {A.ndim}")
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(pre + f"Expected batch dimensions of tau to be equal to "
                           f"input.shape[:-2], but got {list(tau.shape[:-1])}")
    ad, td = A._value.dtype, tau._value.dtype
    if ad != td:
        raise RuntimeError(pre + f"tau dtype {_TORCH_TYPE.get(td.name)} does not match input "
                           f"dtype {_TORCH_TYPE.get(ad.name)}")
    if ad.kind not in "fc":
        raise NotImplementedError(f"\"orgqr_cpu\" not implemented for '{_TORCH_TYPE.get(ad.name)}'")


def householder_product(A, tau):
    _check_householder(A, tau)

    @_batched_pair
    def fn(a, t):
        m, n = a.shape[-2], a.shape[-1]
        q = fnp.eye(m, dtype=a.dtype)
        for i in range(t.shape[-1]):
            e = np.zeros(m, a.dtype)
            e[i] = 1
            below = np.arange(m) > i
            v = fnp.where(below, a[:, i], e)
            q = q - t[i] * fnp.matmul(fnp.matmul(q, v[:, None]), v[None, :])
        return q[:, :n]
    return apply("LinalgHouseholderProductBackward0", fn, [A, tau])


def _batched_pair(f):
    """``f(matrix, vector)`` over the leading batch dims both share."""
    def g(a, t):
        if a.ndim == 2:
            return f(a, t)
        lead = a.shape[:-2]
        As = fnp.reshape(a, (-1,) + a.shape[-2:])
        ts = fnp.reshape(t, (-1,) + t.shape[-1:])
        outs = [f(As[i], ts[i]) for i in range(As.shape[0])]
        return fnp.reshape(fnp.stack(outs), lead + outs[0].shape) if outs else \
            fnp.zeros(lead + a.shape[-2:], a.dtype)
    return g


def tensorinv(A, ind=2):
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    if ind > A.ndim:
        raise RuntimeError(f"ArrayRef: invalid slice, N = {ind}; size = {A.ndim}")
    end, start = math.prod(A.shape[ind:]), math.prod(A.shape[:ind])
    if end != start:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {end} != {start}")
    return apply("ViewBackward0", lambda x: fnp.linalg.tensorinv(x, ind), [A])


def tensorsolve(A, B, dims=None):
    return apply("ViewBackward0", lambda a, b: fnp.linalg.tensorsolve(a, b, dims), [A, B])


def vander(x, *, N=None):
    dt = x._value.dtype
    if dt.kind not in "fciu" or dt == np.float16:
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer tensors, "
                           f"but got {_TORCH_TYPE.get(dt.name)}")
    n = N if N is not None else (x.shape[-1] if x.ndim else 1)
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    out = np.dtype(np.int64) if dt.kind in "iu" else dt  # integers: cumprod's long, as torch
    return apply("CatBackward0", lambda v: fnp.power(
        fnp.reshape(v, v.shape or (1,))[..., :, None].astype(out), np.arange(n).astype(out)), [x])


def vecdot(x, y, *, dim=-1):
    if type(dim) is not int:
        raise TypeError(f"linalg_vecdot(): argument 'dim' must be int, not {type(dim).__name__}")
    xd, yd = x._value.dtype, y._value.dtype
    if xd != yd:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x "
                           f"of type {_TORCH_TYPE.get(xd.name)} and y of type "
                           f"{_TORCH_TYPE.get(yd.name)} instead")
    if x.ndim == 0 and y.ndim == 0:  # torch's sum over dim -1 of a 0-d product: the product
        return apply("SumBackward1", lambda a, b: fnp.conj(a) * b, [x, y], saved="vecdot")
    return apply("SumBackward1", lambda a, b: fnp.sum(fnp.conj(a) * b, axis=dim), [x, y],
                 saved="vecdot")


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    name = "linalg.solve_triangular"
    _matrix(A, name, floating=False)
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    if (A.shape[-2] != B.shape[-2]) if left else (A.shape[-1] != B.shape[-1]):
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{A.shape[-1]} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")
    batch_broadcast(tuple(B.shape[:-2]), tuple(A.shape[:-2]))
    if A._value.dtype.kind not in "fc":
        raise NotImplementedError(f"\"triangular_solve_cpu\" not implemented for "
                                  f"'{_TORCH_TYPE.get(A._value.dtype.name)}'")
    def one(a, b):
        return fsl.solve_triangular(a, b, lower=not upper, unit_diagonal=unitriangular)

    def fn(a, b):
        if not left:
            at, bt = fnp.swapaxes(a, -1, -2), fnp.swapaxes(b, -1, -2)
            return fnp.swapaxes(_bt(lambda u, w: fsl.solve_triangular(
                u, w, lower=upper, unit_diagonal=unitriangular))(at, bt), -1, -2)
        return _bt(one)(a, b)
    return apply("LinalgSolveTriangularBackward0", fn, [A, B])


def _bt(f):
    def g(a, b):
        if a.ndim == 2 and b.ndim == 2:
            return f(a, b)
        shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a = fnp.reshape(fnp.broadcast_to(a, shape + a.shape[-2:]), (-1,) + a.shape[-2:])
        b = fnp.reshape(fnp.broadcast_to(b, shape + b.shape[-2:]), (-1,) + b.shape[-2:])
        return fnp.reshape(fnp.stack([f(a[i], b[i]) for i in range(a.shape[0])]),
                           shape + b.shape[-2:])
    return g


def lu_factor(A, *, pivot=True):
    """torch's LU factorization (pivots 1-based int32), differentiable in the LU factor."""
    if A.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got "
                           f"size: {list(A.shape)} instead")
    if A._value.dtype.kind not in "fc":
        raise NotImplementedError(f"\"lu_cpu\" not implemented for "
                                  f"'{_TORCH_TYPE.get(A._value.dtype.name)}'")
    if A.shape[-1] != A.shape[-2]:  # rectangular: LAPACK's pivots, the factors packed from lu's
        import scipy.linalg as sl
        v = np.asarray(A._value)
        m, n = v.shape[-2:]
        flat = v.reshape((math.prod(v.shape[:-2]), m, n))
        piv = np.stack([sl.lu_factor(x)[1] for x in flat]) if flat.size else \
            np.zeros((flat.shape[0], min(m, n)), np.int32)
        _, L, U = _lu_rectangular(A)  # differentiable in A (torch's LinalgLuFactorExBackward0)
        lower = L.tril(-1)
        if m > n:  # L is m x n, U n x n: U's rows on top
            U = S.cat([U, _new(np.zeros(v.shape[:-2] + (m - n, n), v.dtype))], -2)
        else:  # L is m x m, U m x n: L's columns on the left
            lower = S.cat([lower, _new(np.zeros(v.shape[:-2] + (m, n - m), v.dtype))], -1)
        return _LUF(lower + U.triu(), _new((piv.reshape(v.shape[:-2] + (min(m, n),)) + 1)
                                           .astype(np.int32)))
    lu_, piv = apply("LinalgLuFactorExBackward0", lambda x: tuple(fsl.lu_factor(x)), [A],
                     tuple_out=True)
    return _LUF(lu_, _new(np.asarray(piv._value) + np.int32(1)))


def lu(A, *, pivot=True):
    if A.ndim < 2:
        raise RuntimeError(f"linalg.lu: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(A.shape)} instead")
    if A._value.dtype.kind not in "fc":
        raise NotImplementedError(f"\"lu_cpu\" not implemented for "
                                  f"'{_TORCH_TYPE.get(A._value.dtype.name)}'")
    if A.shape[-1] != A.shape[-2]:
        return _lu_rectangular(A)

    def fn(x):
        p, l, u = fsl.lu(x)
        return p, l, u
    p, l, u = apply("LinalgLuBackward0", fn, [A], tuple_out=True)
    if p._value.dtype != A._value.dtype:  # the core's P is real; torch's has A's dtype
        p = S.to(p, A.dtype)
    return _LU(p.detach(), l, u)


def _lu_rectangular(A):
    """linalg.lu of m x n matrices, m != n: LAPACK's row permutation P (scipy's getrf, torch's
    too) taken as a constant; then P^T A's leading square block's LU, and the rest of L (tall)
    or of U (wide) by a triangular solve, differentiable in A."""
    v = A._value
    if not isinstance(v, np.ndarray):
        raise NotImplementedError("linalg.lu of a non-square matrix under a transform is not "
                                  "supported by fungrad.torch")
    import scipy.linalg as sl
    m, n = v.shape[-2:]
    k = min(m, n)
    lead = v.shape[:-2]
    flat = v.reshape((math.prod(lead), m, n))
    eye = np.eye(m, dtype=v.dtype)
    perms = np.stack([sl.lu(x)[0].astype(v.dtype) if k else eye for x in flat]) if len(flat) \
        else np.zeros((0, m, m), v.dtype)
    P = perms.reshape(lead + (m, m))
    if v.size == 0:
        return _LU(_new(P), _new(np.zeros(lead + (m, k), v.dtype)),
                   _new(np.zeros(lead + (k, n), v.dtype)))
    pts = np.swapaxes(perms, -1, -2)

    def one(x, pt):
        xp = fnp.matmul(pt, x)
        p1, l1, u1 = fsl.lu(xp[:k, :k])  # p1 is the identity: xp's pivots are in place
        if m > n:
            low = fnp.swapaxes(fsl.solve_triangular(fnp.swapaxes(u1, 0, 1),
                                                    fnp.swapaxes(xp[n:], 0, 1), lower=True),
                               0, 1)
            return fnp.concatenate([fnp.matmul(p1, l1), low], axis=0), u1
        rest = fsl.solve_triangular(l1, fnp.matmul(fnp.swapaxes(p1, 0, 1), xp[:, m:]),
                                    lower=True, unit_diagonal=True)
        return fnp.matmul(p1, l1), fnp.concatenate([u1, rest], axis=1)

    def fn(x):
        xs = fnp.reshape(x, (-1, m, n))
        outs = [one(xs[i], pts[i]) for i in range(len(pts))]
        return tuple(fnp.reshape(fnp.stack([o[j] for o in outs]), lead + outs[0][j].shape)
                     for j in (0, 1))
    l, u = apply("LinalgLuBackward0", fn, [A], tuple_out=True)
    return _LU(_new(P), l, u)


_TORCH_TYPE = {"float16": "Half", "float32": "Float", "float64": "Double", "complex64": "ComplexFloat",
               "complex128": "ComplexDouble", "bool": "Bool", "int8": "Char", "uint8": "Byte",
               "int16": "Short", "int32": "Int", "int64": "Long"}


def _check_lu_solve(LU, pivots, B, left):
    """torch's argument checks of linalg.lu_solve, with its texts."""
    lu_dt, b_dt = LU._value.dtype, B._value.dtype
    if lu_dt.kind not in "fc":
        raise RuntimeError("torch.linalg.lu_solve: Expected a floating point or complex tensor as "
                           f"input. Got {_TORCH_TYPE.get(lu_dt.name, lu_dt.name)}")
    if LU.ndim < 2:
        raise RuntimeError("torch.linalg.lu_solve: The input tensor A must have at least 2 "
                           "dimensions.")
    if LU.shape[-1] != LU.shape[-2]:
        raise RuntimeError("torch.linalg.lu_solve: A must be batches of square matrices, but they "
                           f"are {LU.shape[-2]} by {LU.shape[-1]} matrices")
    if pivots._value.dtype != np.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    if lu_dt != b_dt:
        raise RuntimeError("linalg.lu_solve: Expected LU and B to have the same dtype, but found LU "
                           f"of type {_TORCH_TYPE.get(lu_dt.name, lu_dt.name)} and B of type "
                           f"{_TORCH_TYPE.get(b_dt.name, b_dt.name)} instead")
    if pivots.ndim < 1 or pivots.shape[-1] != LU.shape[-1]:
        raise RuntimeError("linalg.lu_solve: Number of pivots per batch should be same as the "
                           "dimension of the matrix")
    if B.ndim < 2 or (B.shape[-2] if left else B.shape[-1]) != LU.shape[-1]:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation {eq} "
                           f"({LU.shape[-2]}x{LU.shape[-1]} and {B.shape[-2] if B.ndim > 1 else ''}"
                           f"x{B.shape[-1]})")


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """Solves A X = B (left) or X A = B from lu_factor's (LU, pivots), with A's adjoint where
    asked; differentiable in LU and B, batched over leading dimensions."""
    _check_lu_solve(LU, pivots, B, left)
    piv = np.asarray(pivots._value) - 1

    def one(lu_, p, b):
        if left:
            return fsl.lu_solve((lu_, p), b, trans=1 if adjoint else 0)
        # X A = B: A^T X^T = B^T (X A^T = B: A X^T = B^T)
        return fnp.swapaxes(fsl.lu_solve((lu_, p), fnp.swapaxes(b, -1, -2),
                                         trans=0 if adjoint else 1), -1, -2)

    def fn(lu_, b, *_p):  # (the pivots torch saves: an operand)
        if lu_.ndim == 2 and b.ndim == 2:
            return one(lu_, piv, b)
        lead = np.broadcast_shapes(lu_.shape[:-2], b.shape[:-2])
        lus = fnp.reshape(fnp.broadcast_to(lu_, lead + lu_.shape[-2:]), (-1,) + lu_.shape[-2:])
        bs = fnp.reshape(fnp.broadcast_to(b, lead + b.shape[-2:]), (-1,) + b.shape[-2:])
        ps = np.broadcast_to(piv, lead + piv.shape[-1:]).reshape(-1, piv.shape[-1])
        outs = [one(lus[i], ps[i], bs[i]) for i in range(lus.shape[0])]
        return fnp.reshape(fnp.stack(outs), lead + outs[0].shape)
    return apply("LinalgLuSolveBackward0", fn, [LU, B] + kept(pivots))


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    from fungrad.torch._ops_more import diagonal as _d
    return _d(A, offset, dim1, dim2)


def matmul(a, b):
    from fungrad.torch._ops_math import matmul as _m
    return _m(a, b)

__all__ += ["LinAlgError"]
from fungrad.torch._argcheck import guard as _guard  # noqa: E402
_guard(globals(), "linalg")  # torch's TypeError for a non-Tensor argument
__dir__ = __all__.copy  # dir() lists the public names only
