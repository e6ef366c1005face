"""Matrix decompositions and solves: cholesky, triangular_solve, solve, slogdet, det, adjugate,
eigh, eig, svd, qr, lu. Each is one `register` call with all its rules.

All operate on the last two axes and take any number of leading (batch) axes, as numpy's
`np.linalg` functions do; vmap moves the mapped axis to the front and binds the same primitive.
They are primitives (not compositions) because each is one LAPACK call whose derivative has a
closed form that is cheaper and more accurate than differentiating an algorithm.

Derivative rules (real matrices; complex values are computed but only eig differentiates them):
  cholesky         Murray 2016: dL = L Phi(L^-1 dA L^-T), Phi = lower triangle, halved diagonal
  triangular_solve linear in b (transpose: a solve with op(a)^T); in a: dx = -op(a)^-1 op(da) x
  solve            linear in b (transpose: solve with a^T); in a: dx = a^-1 (-da x)
  slogdet          d log|det A| = tr(A^-1 dA) (Giles 2008, 2.2.2); the sign has zero derivative
  det              d det A = tr(adj(A) dA): finite at singular A (adj is computed from the SVD)
  eigh             Giles 2008, 3.1: dw = diag(V^T dA V), dV = V (F o V^T dA V), F_ij = 1/(w_j-w_i)
  svd              Townsend 2016 (reduced; extra terms for non-square A)
  qr               m >= n, reduced: dQ, dR from the skew-symmetric Q^T dQ (Walter & Lehmann)
  lu               square A: P A = L U, X = L^-1 P dA U^-1, dL = L tril(X, -1), dU = triu(X) U
  eig              dw = diag(V^-1 dA V); dV = V (F o V^-1 dA V), renormalized (unit columns)

Degenerate inputs follow JAX: cholesky of a matrix that is not positive definite gives NaN (no
exception, so it can be used under vmap and jit); eigh with repeated eigenvalues and svd with
repeated (e.g. several zero) singular values have exact eigen/singular *values* and derivatives of
the values, but the derivatives of the vectors are inf/NaN (they are not defined there); det of a
singular matrix has the finite gradient adj(A)^T (the cofactor matrix).

Imports: _core, lax.arith, lax.shape, lax.linalg.
"""
import numpy as np
import scipy.linalg as _sla

from fungrad._core.aval import shaped
from fungrad._core.errors import ShapeError
from fungrad._core.linear_arg import is_linear
from fungrad._core.primitive import INEXACT, NOT_LINEAR, CallImpl, Emit, Primitive, register
from fungrad._lax import _backend_emit as be
from fungrad._lax._backend_emit import MATRICES, dask_blockwise, xp_call
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero
from fungrad._lax.arith import add, div, mul, neg, sub
from fungrad._lax.complex_parts import conj, real, real_dtype, to_complex
from fungrad._lax.linalg import dot_general
from fungrad._lax.shape import broadcast_to, moveaxis, reduce_sum, reshape, transpose


# ---- helpers on stacks of matrices (leading axes are batch axes)
def _nd(x):
    return get_aval(x).ndim


def mT(x):
    """Swap the last two axes."""
    n = _nd(x)
    return transpose(x, (*range(n - 2), n - 1, n - 2))


def mH(x):
    """Conjugate transpose of the last two axes (the transpose for real x)."""
    return conj(mT(x))


def mm(x, y):
    """Batched matrix product of (..., n, m) and (..., m, k) with equal leading axes."""
    n = _nd(x)
    b = tuple(range(n - 2))
    return dot_general(x, y, (((n - 1,), (n - 2,)), (b, b)))


def _const(v, like):
    return np.asarray(v, get_aval(like).dtype)


def _mask(kind, n, dtype, k=0):
    m = (np.tril if kind == "lower" else np.triu)(np.ones((n, n)), k)
    return m.astype(dtype)


def _eye(n, like):
    return np.eye(n, dtype=get_aval(like).dtype)


def _diag_part(x):
    """The diagonal of the last two axes, (..., n, n) -> (..., n)."""
    n = get_aval(x).shape[-1]
    return reduce_sum(mul(x, _eye(n, x)), (_nd(x) - 1,))


def _row(v):
    """(..., n) -> (..., 1, n)."""
    s = get_aval(v).shape
    return reshape(v, (*s[:-1], 1, s[-1]))


def _col(v):
    s = get_aval(v).shape
    return reshape(v, (*s, 1))


def _inv_gaps(d, eye):
    """1 / d off the diagonal and 0 on it, for a gap matrix d (w_j - w_i): inf where two values
    coincide (the vectors' derivative is undefined there, as JAX), computed without a
    division-by-zero warning."""
    from fungrad._lax.arith import select
    from fungrad._lax.math import eq
    zero = eq(add(d, eye), np.zeros((), get_aval(d).dtype))
    safe = select(zero, np.ones((), get_aval(d).dtype), add(d, eye))
    inf = np.full((), np.inf, get_aval(d).dtype)
    return sub(select(zero, inf, div(_const(1, d), safe)), eye)


def _zero_of(x):
    return Zero(get_aval(x).to_tangent_aval())


def _square_check(name, a):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ShapeError(f"{name}: argument a must be a (stack of) square matrices, got "
                         f"{a.str_short()}. Fix: pass an array of shape (..., n, n).")


def _matrix_check(name, a):
    if a.ndim < 2:
        raise ShapeError(f"{name}: argument a must have at least 2 dimensions, got "
                         f"{a.str_short()}.")


def _batch_front(size, vals, dims):
    """Every operand with its batch axis at 0 (unmapped operands broadcast)."""
    out = []
    for v, d in zip(vals, dims):
        if d is None:
            s = get_aval(v).shape
            out.append(broadcast_to(reshape(v, (1, *s)), (size, *s)))
        else:
            out.append(moveaxis(v, d, 0))
    return out


def _batch_rule(prim):
    def batch(size, vals, dims, **params):
        out = prim.bind(*_batch_front(size, vals, dims), **params)
        return out, ([0] * len(out) if prim.multiple_results else 0)
    return batch


def _stacked(fn, a, *rest, n_out=1):
    """Apply a 2-D-only kernel over the leading axes of `a` (and of the `rest`, same lead)."""
    lead = a.shape[:-2]
    if not lead:
        return fn(a, *rest)
    outs = [fn(a[i], *[r[i] for r in rest]) for i in np.ndindex(*lead)]
    if n_out == 1:
        return np.stack(outs).reshape(*lead, *outs[0].shape) if outs else None
    return [np.stack([o[k] for o in outs]).reshape(*lead, *outs[0][k].shape)
            for k in range(n_out)]


# ---- cholesky: lower factor of the lower triangle of a; NaN where a is not positive definite
cholesky_p = Primitive("cholesky")


def _cholesky_impl(a):
    a = np.asarray(a)
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        if a.ndim == 2:
            return np.full(a.shape, np.nan, a.dtype)
        return _stacked(_cholesky_impl, a)


def _sym_from_lower(t):
    """The symmetric (Hermitian) matrix the lower triangle of t stands for: what cholesky and
    eigh read (LAPACK takes the real part of a complex diagonal)."""
    n = get_aval(t).shape[-1]
    low = mul(t, _mask("lower", n, get_aval(t).dtype, -1))
    diag = mul(t, _eye(n, t))
    if get_aval(t).dtype.kind == "c":
        diag = to_complex(real(diag))
    return add(add(low, mH(low)), diag)


def _cholesky_jvp(primals, tangents):
    a, = primals
    ta, = tangents
    L = cholesky_p.bind(a)
    if type(ta) is Zero:
        return L, _zero_of(L)
    n = get_aval(a).shape[-1]
    da = _sym_from_lower(ta)
    tmp = triangular_solve(L, da, left_side=True, lower=True)              # L^-1 dA
    x = triangular_solve(conj(L), tmp, left_side=False, lower=True, transpose_a=True)  # .. L^-H
    phi = mul(x, _mask("lower", n, get_aval(a).dtype, -1) + 0.5 * _eye(n, a))
    return L, mm(L, phi)


register(cholesky_p, impl=_cholesky_impl,
         abstract_eval=lambda a: (_square_check("cholesky", a), shaped(a.shape, a.dtype))[1],
         jvp=_cholesky_jvp, transpose=NOT_LINEAR, batch=_batch_rule(cholesky_p),
         emit=(CallImpl(fresh=True),
               Emit("lax.linalg.cholesky({0}, symmetrize_input=False)", fresh=True, on=("jax",)),
               xp_call(be.cholesky, on=("cupy", "array_api")), dask_blockwise(MATRICES)),
               dtypes=INEXACT)


def cholesky(a):
    return cholesky_p.bind(a)


# ---- triangular_solve: op(a) x = b (left_side) or x op(a) = b; op = transpose if transpose_a
triangular_solve_p = Primitive("triangular_solve")


# scipy >= 1.15 solves stacks of matrices in one call; older versions loop here
_SCIPY_BATCHES = tuple(int(v) for v in __import__("scipy").__version__.split(".")[:2]) >= (1, 15)


def _tri_solve(a, b, left_side, lower, transpose_a, unit_diagonal):
    if left_side:
        return _sla.solve_triangular(a, b, trans=1 if transpose_a else 0, lower=lower,
                                     unit_diagonal=unit_diagonal, check_finite=False)
    # x op(a) = b  <=>  op(a)^T x^T = b^T
    return np.swapaxes(_sla.solve_triangular(a, np.swapaxes(b, -1, -2),
                                             trans=0 if transpose_a else 1, lower=lower,
                                             unit_diagonal=unit_diagonal, check_finite=False),
                       -1, -2)


def _triangular_solve_impl(a, b, *, left_side, lower, transpose_a, unit_diagonal):
    a, b = np.asarray(a), np.asarray(b)
    dtype = np.result_type(a, b)

    def one(a2, b2):
        return _tri_solve(a2, b2, left_side, lower, transpose_a, unit_diagonal)
    out = _stacked(one, a, b) if a.ndim > 2 and not _SCIPY_BATCHES else one(a, b)
    return np.ascontiguousarray(out, dtype)


def _triangular_solve_abstract(a, b, *, left_side, lower, transpose_a, unit_diagonal):
    _square_check("triangular_solve", a)
    if a.dtype != b.dtype:
        raise ShapeError(f"triangular_solve: a and b must have one dtype, got {a.str_short()} "
                         f"and {b.str_short()}")
    n = a.shape[-1]
    if b.ndim != a.ndim or b.shape[:-2] != a.shape[:-2] or (
            b.shape[-2] if left_side else b.shape[-1]) != n:
        side = "(..., n, k)" if left_side else "(..., k, n)"
        raise ShapeError(f"triangular_solve: b must have shape {side} matching a, got "
                         f"a: {a.str_short()}, b: {b.str_short()}")
    return shaped(b.shape, b.dtype)


def _op(x, transpose_a):
    return mT(x) if transpose_a else x


def _triangular_solve_jvp(primals, tangents, *, left_side, lower, transpose_a, unit_diagonal):
    a, b = primals
    ta, tb = tangents
    params = dict(left_side=left_side, lower=lower, transpose_a=transpose_a,
                  unit_diagonal=unit_diagonal)
    x = triangular_solve_p.bind(a, b, **params)
    t = None
    if type(tb) is not Zero:
        t = triangular_solve_p.bind(a, tb, **params)
    if type(ta) is not Zero:
        n = get_aval(a).shape[-1]
        da = mul(ta, _mask("lower" if lower else "upper", n, get_aval(a).dtype,
                           (-1 if lower else 1) if unit_diagonal else 0))
        rhs = mm(_op(da, transpose_a), x) if left_side else mm(x, _op(da, transpose_a))
        ta_term = neg(triangular_solve_p.bind(a, rhs, **params))
        t = ta_term if t is None else add(t, ta_term)
    return x, (_zero_of(x) if t is None else t)


def _triangular_solve_transpose(ct, a, b, *, left_side, lower, transpose_a, unit_diagonal):
    if is_linear(a):
        raise TypeError("triangular_solve is linear in b only (internal error)")
    return [None, triangular_solve_p.bind(a, ct, left_side=left_side, lower=lower,
                                          transpose_a=not transpose_a,
                                          unit_diagonal=unit_diagonal)]


register(triangular_solve_p, impl=_triangular_solve_impl,
         abstract_eval=_triangular_solve_abstract, jvp=_triangular_solve_jvp,
         transpose=_triangular_solve_transpose, batch=_batch_rule(triangular_solve_p),
         emit=(CallImpl(fresh=True),
               Emit("lax.linalg.triangular_solve({0}, {1}, left_side={left_side}, lower={lower}, "
                    "transpose_a={transpose_a}, unit_diagonal={unit_diagonal})", fresh=True,
                    on=("jax",)),
               xp_call(be.triangular_solve, on=("cupy", "array_api")), dask_blockwise(MATRICES)),
               dtypes=INEXACT)


def triangular_solve(a, b, *, left_side=True, lower=True, transpose_a=False,
                     unit_diagonal=False):
    return triangular_solve_p.bind(a, b, left_side=bool(left_side), lower=bool(lower),
                                   transpose_a=bool(transpose_a),
                                   unit_diagonal=bool(unit_diagonal))


# ---- solve: a x = b for b of shape (..., n, k) (LU with partial pivoting, LAPACK gesv)
solve_p = Primitive("solve")


def _solve_abstract(a, b):
    _square_check("solve", a)
    if b.ndim != a.ndim or b.shape[:-1] != a.shape[:-1] or a.dtype != b.dtype:
        raise ShapeError(f"solve: b must have shape (..., n, k) and the dtype of a, got "
                         f"a: {a.str_short()}, b: {b.str_short()}")
    return shaped(b.shape, b.dtype)


def _solve_jvp(primals, tangents):
    a, b = primals
    ta, tb = tangents
    x = solve_p.bind(a, b)
    rhs = None if type(tb) is Zero else tb
    if type(ta) is not Zero:
        rhs = neg(mm(ta, x)) if rhs is None else sub(rhs, mm(ta, x))
    return x, (_zero_of(x) if rhs is None else solve_p.bind(a, rhs))


register(solve_p, impl=lambda a, b: np.linalg.solve(a, b), abstract_eval=_solve_abstract,
         jvp=_solve_jvp,
         transpose=lambda ct, a, b: [None, solve_p.bind(mT(a), ct)],
         batch=_batch_rule(solve_p), emit=(CallImpl(fresh=True),
              Emit("{xp}.linalg.solve({0}, {1})", fresh=True, on=("jax", "cupy", "array_api")),
              dask_blockwise(MATRICES)),
              dtypes=INEXACT)


def solve(a, b):
    return solve_p.bind(a, b)


def inv(a):
    n = get_aval(a).shape[-1]
    return solve_p.bind(a, broadcast_to(_eye(n, a), get_aval(a).shape))


# ---- slogdet: (sign, log|det a|)
slogdet_p = Primitive("slogdet", multiple_results=True)


def _slogdet_impl(a):
    s, l = np.linalg.slogdet(a)
    return [np.asarray(s), np.asarray(l)]


def _slogdet_abstract(a):
    _square_check("slogdet", a)
    real = np.dtype(a.dtype.char.lower()) if a.dtype.kind == "c" else a.dtype
    return [shaped(a.shape[:-2], a.dtype), shaped(a.shape[:-2], real)]


def _slogdet_jvp(primals, tangents):
    a, = primals
    ta, = tangents
    sign, logdet = slogdet_p.bind(a)
    if type(ta) is Zero:
        return [sign, logdet], [_zero_of(sign), _zero_of(logdet)]
    inv_t = mT(inv(a))  # tr(A^-1 dA) = sum(A^-T o dA)
    nd = _nd(a)
    tr = reduce_sum(mul(inv_t, ta), (nd - 2, nd - 1))
    if get_aval(a).dtype.kind != "c":
        return [sign, logdet], [_zero_of(sign), tr]
    # log det = log|det| + i arg(det): d log|det| = Re tr, d sign = sign * i Im tr
    from fungrad._lax.complex_parts import complex_, imag
    z = np.zeros((), get_aval(logdet).dtype)
    return [sign, logdet], [mul(sign, complex_(z, imag(tr))), real(tr)]


register(slogdet_p, impl=_slogdet_impl, abstract_eval=_slogdet_abstract, jvp=_slogdet_jvp,
         transpose=NOT_LINEAR, batch=_batch_rule(slogdet_p), emit=(CallImpl(),
              Emit("tuple({xp}.linalg.slogdet({0}))", fresh=True, on=("jax", "cupy", "array_api")),
              dask_blockwise(MATRICES)),
              dtypes=INEXACT)


def slogdet(a):
    return slogdet_p.bind(a)


# ---- adjugate: adj(a) = det(a) a^-1, computed from the SVD so that it is exact at singular a
adjugate_p = Primitive("adjugate")


def _adjugate_2d(a):
    n = a.shape[-1]
    if n == 1:
        return np.ones_like(a)
    u, s, vh = np.linalg.svd(a)
    others = np.where(np.eye(n, dtype=bool), 1.0, s[None, :])  # row i: s with s_i replaced by 1
    prods = np.prod(others, axis=-1)
    scale = np.linalg.det(u) * np.linalg.det(vh)
    return ((vh.conj().T * prods) @ u.conj().T * scale).astype(a.dtype)


def _adjugate_jvp(primals, tangents):
    # d adj = tr(A^-1 dA) adj - A^-1 dA adj  (from adj = det A^-1; valid where A is invertible)
    a, = primals
    ta, = tangents
    adj = adjugate_p.bind(a)
    if type(ta) is Zero:
        return adj, _zero_of(adj)
    ainv = inv(a)
    nd = _nd(a)
    tr = reduce_sum(mul(mT(ainv), ta), (nd - 2, nd - 1))
    tr = reshape(tr, (*get_aval(tr).shape, 1, 1))
    return adj, sub(mul(tr, adj), mm(ainv, mm(ta, adj)))


register(adjugate_p, impl=lambda a: _stacked(_adjugate_2d, np.asarray(a)),
         abstract_eval=lambda a: (_square_check("adjugate", a), shaped(a.shape, a.dtype))[1],
         jvp=_adjugate_jvp, transpose=NOT_LINEAR, batch=_batch_rule(adjugate_p),
         emit=(CallImpl(fresh=True), xp_call(be.adjugate, on=("jax", "cupy", "array_api")),
               dask_blockwise(MATRICES)),
               dtypes=INEXACT)


def adjugate(a):
    return adjugate_p.bind(a)


# ---- det
det_p = Primitive("det")


def _det_jvp(primals, tangents):
    a, = primals
    ta, = tangents
    d = det_p.bind(a)
    if type(ta) is Zero:
        return d, _zero_of(d)
    nd = _nd(a)
    return d, reduce_sum(mul(mT(adjugate_p.bind(a)), ta), (nd - 2, nd - 1))


register(det_p, impl=lambda a: np.asarray(np.linalg.det(a)),
         abstract_eval=lambda a: (_square_check("det", a), shaped(a.shape[:-2], a.dtype))[1],
         jvp=_det_jvp, transpose=NOT_LINEAR, batch=_batch_rule(det_p), emit=(CallImpl(),
              Emit("{xp}.linalg.det({0})", fresh=True, on=("jax", "cupy", "array_api")),
              dask_blockwise(MATRICES)),
         dtypes=INEXACT)


def det(a):
    return det_p.bind(a)


# ---- eigh: eigenvalues (ascending) and eigenvectors of the symmetric matrix given by one triangle
eigh_p = Primitive("eigh", multiple_results=True)


def _eigh_impl(a, *, lower):
    w, v = np.linalg.eigh(a, UPLO="L" if lower else "U")
    return [w, v]


def _eigh_abstract(a, *, lower):
    _square_check("eigh", a)
    real = np.dtype(a.dtype.char.lower()) if a.dtype.kind == "c" else a.dtype
    return [shaped(a.shape[:-1], real), shaped(a.shape, a.dtype)]


def _eigh_jvp(primals, tangents, *, lower):
    a, = primals
    ta, = tangents
    w, v = eigh_p.bind(a, lower=lower)
    if type(ta) is Zero:
        return [w, v], [_zero_of(w), _zero_of(v)]
    da = _sym_from_lower(ta if lower else mH(ta))
    p = mm(mH(v), mm(da, v))
    n = get_aval(a).shape[-1]
    eye = _eye(n, w)
    # F_ij = 1 / (w_j - w_i) off the diagonal, 0 on it (inf where eigenvalues repeat, as JAX)
    f = _inv_gaps(sub(_row(w), _col(w)), eye)
    if get_aval(p).dtype.kind == "c":
        f = to_complex(f)
    return [w, v], [real(_diag_part(p)), mm(v, mul(f, p))]


register(eigh_p, impl=_eigh_impl, abstract_eval=_eigh_abstract, jvp=_eigh_jvp,
         transpose=NOT_LINEAR, batch=_batch_rule(eigh_p), emit=(CallImpl(),
              Emit(lambda ctx, eqn, a: (f"tuple(jnp.linalg.eigh({a[0]}, UPLO="
                                        f"'{'L' if eqn.params['lower'] else 'U'}', "
                                        "symmetrize_input=False))"), fresh=True, on=("jax",)),
              Emit(lambda ctx, eqn, a: (f"tuple(cp.linalg.eigh({a[0]}, UPLO="
                                        f"'{'L' if eqn.params['lower'] else 'U'}'))"),
                   fresh=True, on=("cupy",)),
              Emit(be.eigh_array_api, fresh=True, on=("array_api",)), dask_blockwise(MATRICES)),
              dtypes=INEXACT)


def eigh(a, lower=True):
    return eigh_p.bind(a, lower=bool(lower))


# ---- svd: (s, u, vh), s descending; compute_uv=False gives (s,) only
svd_p = Primitive("svd", multiple_results=True)


def _svd_impl(a, *, full_matrices, compute_uv):
    if not compute_uv:
        return [np.linalg.svd(a, compute_uv=False)]
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return [s, u, vh]


def _svd_abstract(a, *, full_matrices, compute_uv):
    _matrix_check("svd", a)
    m, n = a.shape[-2:]
    k = min(m, n)
    lead = a.shape[:-2]
    real = np.dtype(a.dtype.char.lower()) if a.dtype.kind == "c" else a.dtype
    s = shaped((*lead, k), real)
    if not compute_uv:
        return [s]
    um, vn = (m, n) if full_matrices else (k, k)
    return [s, shaped((*lead, m, um), a.dtype), shaped((*lead, vn, n), a.dtype)]


def _svd_jvp(primals, tangents, *, full_matrices, compute_uv):
    a, = primals
    ta, = tangents
    m, n = get_aval(a).shape[-2:]
    if compute_uv and full_matrices and m != n:
        raise NotImplementedError(
            "svd: the derivative of u and vh with full_matrices=True is not defined for a "
            f"non-square {get_aval(a).str_short()} (the extra columns are arbitrary). Fix: use "
            "full_matrices=False, as JAX requires.")
    s, u, vh = svd_p.bind(a, full_matrices=False, compute_uv=True)
    outs = svd_p.bind(a, full_matrices=full_matrices, compute_uv=compute_uv)
    if type(ta) is Zero:
        return outs, [_zero_of(o) for o in outs]
    v = mH(vh)
    ds_mat = mm(mH(u), mm(ta, v))          # U^H dA V
    ds = real(_diag_part(ds_mat))
    if not compute_uv:
        return outs, [ds]
    k = get_aval(s).shape[-1]
    eye = _eye(k, s)
    sr, sc = _row(s), _col(s)
    diffs = mul(add(sr, sc), sub(sr, sc))  # s_j^2 - s_i^2
    f = _inv_gaps(diffs, eye)
    cplx = get_aval(a).dtype.kind == "c"
    if cplx:
        f, sr, sc = to_complex(f), to_complex(sr), to_complex(sc)
    dss = mul(ds_mat, sr)                  # dP S
    sds = mul(sc, ds_mat)                  # S dP
    inner = mul(f, add(dss, mH(dss)))
    if cplx:  # the phase of each singular pair: (dP - dP^H)_ii / (2 s_i) on the diagonal
        from fungrad._lax.arith import select
        from fungrad._lax.math import eq
        zero = eq(s, np.zeros((), get_aval(s).dtype))
        s_inv = to_complex(select(zero, np.zeros((), get_aval(s).dtype),
                                  div(_const(1, s), select(zero, _const(1, s), s))))
        inner = add(inner, mul(mul(sub(ds_mat, mH(ds_mat)), _const(0.5, ds_mat)),
                               mul(_row(s_inv), _eye(k, ds_mat))))
    du = mm(u, inner)
    dv = mm(v, mul(f, add(sds, mH(sds))))
    if m > n:
        dav = mm(ta, v)
        du = add(du, div(sub(dav, mm(u, mm(mH(u), dav))), sr))
    if n > m:
        dau = mm(mH(ta), u)
        dv = add(dv, div(sub(dau, mm(v, mm(vh, dau))), sr))
    return outs, [ds, du, mH(dv)]


register(svd_p, impl=_svd_impl, abstract_eval=_svd_abstract, jvp=_svd_jvp,
         transpose=NOT_LINEAR, batch=_batch_rule(svd_p),
         emit=(CallImpl(), xp_call(be.svd, on=("jax", "cupy", "array_api")),
              dask_blockwise(MATRICES)),
              dtypes=INEXACT)


def svd(a, full_matrices=False, compute_uv=True):
    return svd_p.bind(a, full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))


# ---- qr: (q, r); full_matrices=False is numpy's 'reduced', True 'complete'
qr_p = Primitive("qr", multiple_results=True)


def _qr_impl(a, *, full_matrices):
    q, r = np.linalg.qr(a, mode="complete" if full_matrices else "reduced")
    return [q, r]


def _qr_abstract(a, *, full_matrices):
    _matrix_check("qr", a)
    m, n = a.shape[-2:]
    k = m if full_matrices else min(m, n)
    lead = a.shape[:-2]
    return [shaped((*lead, m, k), a.dtype), shaped((*lead, k, n), a.dtype)]


def _qr_jvp(primals, tangents, *, full_matrices):
    a, = primals
    ta, = tangents
    q, r = qr_p.bind(a, full_matrices=full_matrices)
    if type(ta) is Zero:
        return [q, r], [_zero_of(q), _zero_of(r)]
    m, n = get_aval(a).shape[-2:]
    if m < n or (full_matrices and m != n):
        raise NotImplementedError(
            f"qr: the derivative is defined for m >= n (reduced mode), got "
            f"{get_aval(a).str_short()}{' with mode=complete' if full_matrices else ''}. "
            "Fix: differentiate the reduced QR of a tall matrix, as JAX does.")
    da_rinv = triangular_solve(r, ta, left_side=False, lower=False)     # dA R^-1
    qt = mm(mH(q), da_rinv)
    low = mul(qt, _mask("lower", n, get_aval(a).dtype, -1))
    omega = sub(low, mH(low))                                           # Q^H dQ, skew
    if get_aval(a).dtype.kind == "c":  # R's diagonal stays real: Q^H dQ takes i Im diag(qt)
        from fungrad._lax.complex_parts import complex_, imag
        d = _diag_part(qt)
        omega = add(omega, mul(_col(complex_(np.zeros((), real_dtype(get_aval(a).dtype)),
                                             imag(d))), _eye(n, qt)))
    dq = add(mm(q, sub(omega, qt)), da_rinv)
    dr = mm(sub(qt, omega), r)
    return [q, r], [dq, dr]


register(qr_p, impl=_qr_impl, abstract_eval=_qr_abstract, jvp=_qr_jvp, transpose=NOT_LINEAR,
         batch=_batch_rule(qr_p), emit=(CallImpl(),
              Emit(lambda ctx, eqn, a: (f"tuple({ctx.xp}.linalg.qr({a[0]}, mode="
                                        f"'{'complete' if eqn.params['full_matrices'] else 'reduced'}'))"),
                   fresh=True, on=("jax", "cupy", "array_api")),
              dask_blockwise(MATRICES)),
              dtypes=INEXACT)


def qr(a, full_matrices=False):
    return qr_p.bind(a, full_matrices=bool(full_matrices))


# ---- lu: (p, l, u) with a = p @ l @ u (scipy.linalg.lu's convention), square a
lu_p = Primitive("lu", multiple_results=True)


def _lu_impl(a):
    a = np.asarray(a)
    return _stacked(lambda x: list(_sla.lu(x, check_finite=False)), a, n_out=3) \
        if a.ndim > 2 else list(_sla.lu(a, check_finite=False))


def _lu_abstract(a):
    _square_check("lu", a)
    return [shaped(a.shape, a.dtype)] * 3


def _lu_jvp(primals, tangents):
    a, = primals
    ta, = tangents
    p, l, u = lu_p.bind(a)
    if type(ta) is Zero:
        return [p, l, u], [_zero_of(p), _zero_of(l), _zero_of(u)]
    n = get_aval(a).shape[-1]
    dt = get_aval(a).dtype
    pda = mm(mT(p), ta)
    x = triangular_solve(l, pda, left_side=True, lower=True, unit_diagonal=True)
    x = triangular_solve(u, x, left_side=False, lower=False)
    dl = mm(l, mul(x, _mask("lower", n, dt, -1)))
    du = mm(mul(x, _mask("upper", n, dt)), u)
    return [p, l, u], [_zero_of(p), dl, du]


register(lu_p, impl=_lu_impl, abstract_eval=_lu_abstract, jvp=_lu_jvp, transpose=NOT_LINEAR,
         batch=_batch_rule(lu_p), emit=(CallImpl(),
              Emit("tuple(jnp.vectorize(jsl.lu, signature='(n,n)->(n,n),(n,n),(n,n)')({0}))",
                   fresh=True, on=("jax",)),
              dask_blockwise(MATRICES)),
              dtypes=INEXACT)


def lu(a):
    return lu_p.bind(a)


# ---- eig: complex eigenvalues and unit eigenvectors of a general square matrix
eig_p = Primitive("eig", multiple_results=True)


def _complex_dtype(dt):
    return np.result_type(dt, np.complex64)


def _eig_impl(a):
    w, v = np.linalg.eig(a)
    c = _complex_dtype(np.asarray(a).dtype)
    return [w.astype(c), v.astype(c)]


def _eig_abstract(a):
    _square_check("eig", a)
    c = _complex_dtype(a.dtype)
    return [shaped(a.shape[:-1], c), shaped(a.shape, c)]


def _eig_jvp(primals, tangents):
    a, = primals
    ta, = tangents
    w, v = eig_p.bind(a)
    if type(ta) is Zero:
        return [w, v], [_zero_of(w), _zero_of(v)]
    tac = to_complex(ta)
    vinv_da_v = solve(v, mm(tac, v))
    dw = _diag_part(vinv_da_v)
    n = get_aval(a).shape[-1]
    eye = _eye(n, w)
    f = _inv_gaps(sub(_row(w), _col(w)), eye)
    dv = mm(v, mul(f, vinv_da_v))
    # keep the columns of unit norm: remove the real part of <v_j, dv_j> along v_j
    along = real(reduce_sum(mul(conj(v), dv), (_nd(v) - 2,)))
    dv = sub(dv, mul(v, _row(to_complex(along))))
    return [w, v], [dw, dv]


register(eig_p, impl=_eig_impl, abstract_eval=_eig_abstract, jvp=_eig_jvp, transpose=NOT_LINEAR,
         batch=_batch_rule(eig_p),
         emit=(CallImpl(), xp_call(be.eig, on=("jax", "array_api")), dask_blockwise(MATRICES)),
         dtypes=INEXACT)


def eig(a):
    return eig_p.bind(a)


# ---- integer helpers of lu_factor / lu_solve (no derivative): LAPACK pivots <-> permutations
def _int_batch(prim):
    def batch(size, vals, dims, **params):
        return prim.bind(moveaxis(vals[0], dims[0], 0), **params), 0
    return batch


def _pivots_2d(p):
    """LAPACK row interchanges (row i swapped with piv[i], in order) of a = p @ l @ u."""
    perm = list(np.argmax(p, axis=0))  # row i of l @ u is row perm[i] of a
    n = len(perm)
    where = list(range(n))  # current arrangement of rows
    pos = {r: i for i, r in enumerate(where)}
    piv = np.zeros(n, np.int32)
    for i in range(n):
        j = pos[perm[i]]
        piv[i] = j
        ri, rj = where[i], where[j]
        where[i], where[j] = rj, ri
        pos[ri], pos[rj] = j, i
    return piv


def _perm_from_pivots(piv):
    perm = np.arange(piv.shape[-1])
    for i, j in enumerate(piv):
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def _int_impl(fn, out_dtype):
    def impl(x):
        x = np.asarray(x)
        core = 2 if fn is _pivots_2d else 1
        lead = x.shape[:x.ndim - core]
        if not lead:
            return fn(x).astype(out_dtype)
        outs = [fn(x[i]) for i in np.ndindex(*lead)]
        return np.stack(outs).reshape(*lead, -1).astype(out_dtype)
    return impl


lu_pivots_p = Primitive("lu_pivots")
register(lu_pivots_p, impl=_int_impl(_pivots_2d, np.int32),
         abstract_eval=lambda p: shaped(p.shape[:-1], np.dtype(np.int32)),
         jvp=lambda primals, tangents: (lu_pivots_p.bind(primals[0]),
                                        Zero(shaped(get_aval(primals[0]).shape[:-1],
                                                    np.dtype(np.int32)).to_tangent_aval())),
         transpose=NOT_LINEAR, batch=_int_batch(lu_pivots_p),
         emit=(CallImpl(fresh=True), dask_blockwise(MATRICES)))
pivots_to_permutation_p = Primitive("pivots_to_permutation")
register(pivots_to_permutation_p, impl=_int_impl(_perm_from_pivots, np.int32),
         abstract_eval=lambda piv: shaped(piv.shape, np.dtype(np.int32)),
         jvp=lambda primals, tangents: (pivots_to_permutation_p.bind(primals[0]),
                                        Zero(get_aval(primals[0]).to_tangent_aval())),
         transpose=NOT_LINEAR, batch=_int_batch(pivots_to_permutation_p),
         emit=(CallImpl(fresh=True),
               Emit(lambda ctx, eqn, a: (f"lax.linalg.lu_pivots_to_permutation({a[0]}, "
                                         f"{eqn.invars[0].aval.shape[-1]}).astype('int32')"),
                    fresh=True, on=("jax",)),
               dask_blockwise(lambda eqn: (1,))))


def lu_pivots(p):
    return lu_pivots_p.bind(p)


def pivots_to_permutation(piv):
    return pivots_to_permutation_p.bind(piv)


# ---- expm and its Frechet derivative L(A, E) (Al-Mohy & Higham 2009, scipy's kernels)
expm_p = Primitive("expm")
expm_frechet_p = Primitive("expm_frechet")


def _expm_jvp(primals, tangents):
    a, = primals
    ta, = tangents
    out = expm_p.bind(a)
    if type(ta) is Zero:
        return out, _zero_of(out)
    return out, expm_frechet_p.bind(a, ta)


register(expm_p, impl=lambda a: np.asarray(_sla.expm(a)),
         abstract_eval=lambda a: (_square_check("expm", a), shaped(a.shape, a.dtype))[1],
         jvp=_expm_jvp, transpose=NOT_LINEAR, batch=_batch_rule(expm_p),
         emit=(CallImpl(fresh=True), Emit("jsl.expm({0})", fresh=True, on=("jax",)),
               dask_blockwise(MATRICES)),
               dtypes=INEXACT)


def _frechet_impl(a, e):
    a, e = np.asarray(a), np.asarray(e)
    return _stacked(lambda x, y: _sla.expm_frechet(x, y, compute_expm=False, check_finite=False),
                    a, e)


def _block_upper(a, e):
    """[[a, e], [0, a]] over the last two axes."""
    from fungrad._lax.indexing import concatenate
    nd = _nd(a)
    z = np.zeros(get_aval(a).shape, get_aval(a).dtype)
    top = concatenate([a, e], nd - 1)
    bottom = concatenate([z, a], nd - 1)
    return concatenate([top, bottom], nd - 2)


def _frechet_jvp(primals, tangents):
    # L(A, E) is the upper right block of expm([[A, E], [0, A]]), so its derivative in (A, E)
    # along (dA, dE) is the upper right block of L([[A, E], [0, A]], [[dA, dE], [0, dA]]).
    from fungrad._lax.indexing import FULL, getitem
    a, e = primals
    ta, te = tangents
    out = expm_frechet_p.bind(a, e)
    if type(ta) is Zero and type(te) is Zero:
        return out, _zero_of(out)
    if type(ta) is Zero:
        return out, expm_frechet_p.bind(a, te)
    te = np.zeros(get_aval(e).shape, get_aval(e).dtype) if type(te) is Zero else te
    n = get_aval(a).shape[-1]
    big = expm_frechet_p.bind(_block_upper(a, e), _block_upper(ta, te))
    spec = (FULL,) * (_nd(a) - 2) + (("slice", 0, n, None), ("slice", n, 2 * n, None))
    return out, getitem(big, spec, [])


def _frechet_abstract(a, e):
    _square_check("expm_frechet", a)
    if a.shape != e.shape or a.dtype != e.dtype:
        raise ShapeError(f"expm_frechet: E must have the shape and dtype of A, got A: "
                         f"{a.str_short()}, E: {e.str_short()}")
    return shaped(a.shape, a.dtype)


register(expm_frechet_p, impl=_frechet_impl, abstract_eval=_frechet_abstract, jvp=_frechet_jvp,
         transpose=lambda ct, a, e: [None, expm_frechet_p.bind(mT(a), ct)],  # L(A,.)^T = L(A^T,.)
         batch=_batch_rule(expm_frechet_p), emit=(CallImpl(fresh=True),
               Emit("jsl.expm_frechet({0}, {1}, compute_expm=False)", fresh=True, on=("jax",)),
               dask_blockwise(MATRICES)),
               dtypes=INEXACT)


def expm(a):
    return expm_p.bind(a)


def expm_frechet(a, e):
    return expm_frechet_p.bind(a, e)


# ---- solve_sylvester: A X + X B = Q, linear in Q (Bartels-Stewart, scipy); behind sqrtm
sylvester_p = Primitive("sylvester")


def _sylvester_jvp(primals, tangents):
    a, b, q = primals
    ta, tb, tq = tangents
    x = sylvester_p.bind(a, b, q)
    rhs = None if type(tq) is Zero else tq
    for t, term in ((ta, lambda: mm(ta, x)), (tb, lambda: mm(x, tb))):
        if type(t) is not Zero:
            rhs = neg(term()) if rhs is None else sub(rhs, term())
    return x, (_zero_of(x) if rhs is None else sylvester_p.bind(a, b, rhs))


register(sylvester_p,
         impl=lambda a, b, q: _stacked(lambda x, y, z: _sla.solve_sylvester(x, y, z),
                                       np.asarray(a), np.asarray(b), np.asarray(q)),
         abstract_eval=lambda a, b, q: (_square_check("solve_sylvester", a),
                                        _square_check("solve_sylvester", b),
                                        shaped(q.shape, q.dtype))[2],
         jvp=_sylvester_jvp,
         transpose=lambda ct, a, b, q: [None, None, sylvester_p.bind(mT(a), mT(b), ct)],
         batch=_batch_rule(sylvester_p), emit=(CallImpl(fresh=True),
               Emit("jnp.vectorize(jsl.solve_sylvester, signature='(n,n),(m,m),(n,m)->(n,m)')"
                    "({0}, {1}, {2})", fresh=True, on=("jax",)),
               dask_blockwise(MATRICES)),
               dtypes=INEXACT)


def solve_sylvester(a, b, q):
    return sylvester_p.bind(a, b, q)


# ---- sqrtm: principal square root; dX solves X dX + dX X = dA
sqrtm_p = Primitive("sqrtm")


def _sqrtm_jvp(primals, tangents):
    a, = primals
    ta, = tangents
    x = sqrtm_p.bind(a)
    if type(ta) is Zero:
        return x, _zero_of(x)
    return x, sylvester_p.bind(x, x, ta)


def _sqrtm_impl(a):
    """Principal square root; a real matrix whose root is not real gives NaN (the result keeps
    the input's dtype, so it is typed before it is computed)."""
    a = np.asarray(a)
    out = _stacked(lambda x: _sla.sqrtm(x), a)
    if a.dtype.kind == "f":
        bad = np.abs(np.imag(out)) > 1e-8 * max(1.0, float(np.abs(out).max(initial=0.0)))
        out = np.where(bad.any(axis=(-2, -1), keepdims=True), np.nan, np.real(out))
    return np.asarray(out, a.dtype)


register(sqrtm_p, impl=_sqrtm_impl,
         abstract_eval=lambda a: (_square_check("sqrtm", a), shaped(a.shape, a.dtype))[1],
         jvp=_sqrtm_jvp, transpose=NOT_LINEAR, batch=_batch_rule(sqrtm_p),
         emit=(CallImpl(fresh=True), xp_call(be.sqrtm_jax, on=("jax",)),
               dask_blockwise(MATRICES)),
               dtypes=INEXACT)


def sqrtm(a):
    return sqrtm_p.bind(a)


# ---- logm: principal logarithm; its Frechet derivative L(A, E) is the upper right block of
# logm([[A, E], [0, A]]) (Higham 2008, Thm 3.6), which also gives that derivative's derivative
logm_p = Primitive("logm")
logm_frechet_p = Primitive("logm_frechet")


def _real_or_nan(out, dtype):
    """A real result for a real input (NaN where the principal value is complex)."""
    if np.dtype(dtype).kind == "f":
        bad = np.abs(np.imag(out)) > 1e-8 * max(1.0, float(np.abs(out).max(initial=0.0)))
        out = np.where(bad.any(axis=(-2, -1), keepdims=True), np.nan, np.real(out))
    return np.asarray(out, dtype)


def _logm_2d(x):
    import warnings
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy's accuracy notes; a complex result becomes NaN
        return _sla.logm(x)


def _logm_impl(a):
    a = np.asarray(a)
    return _real_or_nan(_stacked(_logm_2d, a), a.dtype)


def _logm_frechet_2d(a, e):
    n = a.shape[-1]
    big = np.block([[a, e], [np.zeros_like(a), a]])
    return _logm_2d(big)[:n, n:]


def _logm_frechet_impl(a, e):
    a, e = np.asarray(a), np.asarray(e)
    return _real_or_nan(_stacked(_logm_frechet_2d, a, e), a.dtype)


def _logm_jvp(primals, tangents):
    a, = primals
    ta, = tangents
    out = logm_p.bind(a)
    if type(ta) is Zero:
        return out, _zero_of(out)
    return out, logm_frechet_p.bind(a, ta)


def _logm_frechet_jvp(primals, tangents):
    from fungrad._lax.indexing import FULL, getitem
    a, e = primals
    ta, te = tangents
    out = logm_frechet_p.bind(a, e)
    if type(ta) is Zero and type(te) is Zero:
        return out, _zero_of(out)
    if type(ta) is Zero:
        return out, logm_frechet_p.bind(a, te)
    te = np.zeros(get_aval(e).shape, get_aval(e).dtype) if type(te) is Zero else te
    n = get_aval(a).shape[-1]
    big = logm_frechet_p.bind(_block_upper(a, e), _block_upper(ta, te))
    spec = (FULL,) * (_nd(a) - 2) + (("slice", 0, n, None), ("slice", n, 2 * n, None))
    return out, getitem(big, spec, [])


register(logm_p, impl=_logm_impl,
         abstract_eval=lambda a: (_square_check("logm", a), shaped(a.shape, a.dtype))[1],
         jvp=_logm_jvp, transpose=NOT_LINEAR, batch=_batch_rule(logm_p),
         emit=(CallImpl(fresh=True), dask_blockwise(MATRICES)),
         dtypes=INEXACT)
register(logm_frechet_p, impl=_logm_frechet_impl, abstract_eval=_frechet_abstract,
         jvp=_logm_frechet_jvp,
         transpose=lambda ct, a, e: [None, logm_frechet_p.bind(mT(a), ct)],
         batch=_batch_rule(logm_frechet_p),
         emit=(CallImpl(fresh=True), dask_blockwise(MATRICES)),
         dtypes=INEXACT)


def logm(a):
    return logm_p.bind(a)


def logm_frechet(a, e):
    return logm_frechet_p.bind(a, e)
