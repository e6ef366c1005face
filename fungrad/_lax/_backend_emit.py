"""Emission rules for the non-numpy backends shared by several primitives (fungrad._interp.backends):
the dask rules that run a primitive's numpy impl on each block, and the functions over an array
namespace (`xp`: jax.numpy, cupy, an array-API namespace) that generated code calls where no
library function matches a primitive's convention. Each primitive registers them beside its
numpy rule: `emit=(CallImpl(), Emit(..., on=("jax",)), dask_blockwise(...))`.

dask: a primitive that maps the trailing `core` axes of its operands independently over the
leading (batch) axes (decompositions, fft, searchsorted) runs its impl on every block with
`dask.array.apply_gufunc`, the core axes rechunked to one chunk (each matrix whole), the batch
axes chunked as they come; one along an axis (sort, argsort) runs it with `map_blocks` on the
array rechunked to one chunk along that axis.

Imports: _core.
"""
import functools

import numpy as np

from fungrad._core.errors import MissingRuleError
from fungrad._core.primitive import Emit


def _first(fn, *args):
    return fn(*args)[0]


def _impl(ctx, eqn, first=False):
    """A global bound to the impl with the equation's params (`first`: its sole result)."""
    p = eqn.prim
    fn = functools.partial(p.impl, **eqn.params) if eqn.params else p.impl
    return ctx.glob(functools.partial(_first, fn) if first else fn, p.name)


def dask_blockwise(core):
    """A dask rule: the impl per block over all but the trailing `core(eqn)` axes of each operand
    (a tuple, one per operand; default: the last two, matrices)."""
    def emit(ctx, eqn, a):
        cores = core(eqn) if core is not None else (2,) * len(eqn.invars)
        ins = []
        for i, k in enumerate(cores):
            ins.append("(" + ",".join(f"i{i}_{j}" for j in range(k)) + ")")
        loop = max(v.aval.ndim - k for v, k in zip(eqn.invars, cores))
        outs, sizes = [], {}
        for i, v in enumerate(eqn.outvars):
            names = [f"o{i}_{j}" for j in range(v.aval.ndim - loop)]
            sizes.update(zip(names, v.aval.shape[loop:]))
            outs.append("(" + ",".join(names) + ")")
        one_of_many = eqn.prim.multiple_results and len(eqn.outvars) == 1
        # the empty outputs (dask would cast an empty input to each dtype: a ComplexWarning
        # for complex -> real)
        meta = tuple(np.empty((0,) * v.aval.ndim, v.aval.dtype) for v in eqn.outvars)
        call = (f"da.apply_gufunc({_impl(ctx, eqn, one_of_many)}, '{','.join(ins)}->{','.join(outs)}', "
                f"{', '.join(a)}, output_sizes={sizes!r}, allow_rechunk=True, "
                f"meta={ctx.glob(meta if len(meta) > 1 else meta[0], 'meta')})")
        return f"({call},)" if one_of_many else call
    return Emit(emit, fresh=True, on=("dask",))


MATRICES = None  # dask_blockwise's default: the last two axes of every operand


def dask_along_axis():
    """A dask rule: the impl per block, the array rechunked to one chunk along `axis`."""
    def emit(ctx, eqn, a):
        axis = eqn.params["axis"]
        dt = eqn.outvars[0].aval.dtype.name
        return (f"da.map_blocks({_impl(ctx, eqn)}, {a[0]}.rechunk({{{axis}: -1}}), "
                f"dtype='{dt}')")
    return Emit(emit, fresh=True, on=("dask",))


# ---- functions over a namespace, called from generated code as `helper(xp, ...)`

def xp_call(helper, on, fresh=True, params=None):
    """A rule calling `helper(xp, *operands, **params)` (the equation's params, or those named)
    for the backends `on`."""
    def emit(ctx, eqn, a):
        names = eqn.params if params is None else params
        kw = "".join(f", {k}={ctx.param(eqn.params[k])}" for k in names)
        call = f"{ctx.glob(helper, helper.__name__)}({ctx.xp}, {', '.join(a)}{kw})"
        return call
    return Emit(emit, fresh=fresh, on=on)


def _astype(xp, x, dtype):
    """x as `dtype` (the array API's function; cupy's arrays have the method)."""
    fn = getattr(xp, "astype", None)
    return fn(x, dtype) if fn is not None else x.astype(dtype)


def m_t(xp, x):
    """The transpose of the last two axes."""
    mt = getattr(xp, "matrix_transpose", None)
    return mt(x) if mt is not None else xp.swapaxes(x, -1, -2)


def hermitian_from(xp, a, lower):
    """The symmetric (Hermitian) matrix that the lower (upper) triangle of `a` stands for, as
    LAPACK reads it (the real part of the diagonal), whatever triangle a library reads."""
    if not lower:
        a = m_t(xp, a)
        if a.dtype in (xp.complex64, xp.complex128):
            a = xp.conj(a)
    n = a.shape[-1]
    low = xp.tril(a, k=-1)
    eye = xp.eye(n, dtype=a.dtype)
    diag = a * eye
    upper = m_t(xp, low)
    if a.dtype in (xp.complex64, xp.complex128):
        upper = xp.conj(upper)
        diag = _astype(xp, xp.real(diag), a.dtype)
    return low + upper + diag


def triangular_solve(xp, a, b, left_side, lower, transpose_a, unit_diagonal):
    """op(a) x = b (left_side) or x op(a) = b with a's triangle only, by a general solve (for
    namespaces without a triangular one)."""
    n = a.shape[-1]
    t = xp.tril(a) if lower else xp.triu(a)
    if unit_diagonal:
        eye = xp.eye(n, dtype=a.dtype)
        t = t - t * eye + eye
    op = m_t(xp, t) if transpose_a else t
    if left_side:
        return xp.linalg.solve(op, b)
    return m_t(xp, xp.linalg.solve(m_t(xp, op), m_t(xp, b)))


def adjugate(xp, a):
    """adj(a) = det(a) a^-1 from the SVD (exact at singular a), as the numpy impl computes it."""
    n = a.shape[-1]
    if n == 1:
        return xp.ones_like(a)
    u, s, vh = xp.linalg.svd(a)
    eye = xp.eye(n, dtype=xp.bool)
    others = xp.where(eye, xp.ones_like(s[..., None, :]), s[..., None, :])
    prods = xp.prod(others, axis=-1)
    scale = xp.linalg.det(u) * xp.linalg.det(vh)
    cplx = a.dtype in (xp.complex64, xp.complex128)
    v = xp.conj(m_t(xp, vh)) if cplx else m_t(xp, vh)
    uh = xp.conj(m_t(xp, u)) if cplx else m_t(xp, u)
    out = ((v * _astype(xp, prods, v.dtype)[..., None, :]) @ uh) * scale[..., None, None]
    return _astype(xp, out, a.dtype)


def svd(xp, a, full_matrices, compute_uv):
    """(s, u, vh), or (s,), as the svd primitive orders them."""
    if not compute_uv:
        vals = getattr(xp.linalg, "svdvals", None)
        return (vals(a) if vals is not None else xp.linalg.svd(a, compute_uv=False),)
    u, s, vh = xp.linalg.svd(a, full_matrices=full_matrices)
    return s, u, vh


def real_or_nan(xp, out, dtype):
    """A real result for a real input (NaN where the principal value is complex), as the numpy
    impls of sqrtm and logm give it."""
    if np.dtype(dtype).kind != "f":
        return _astype(xp, out, dtype)
    re, im = xp.real(out), xp.imag(out)
    scale = xp.maximum(xp.max(xp.abs(out), axis=(-2, -1), keepdims=True), 1.0)
    bad = xp.any(xp.abs(im) > 1e-8 * scale, axis=(-2, -1), keepdims=True)
    return _astype(xp, xp.where(bad, xp.nan, re), dtype)


def searchsorted_rows(xp, a, v, side, nbatch):
    """searchsorted with `nbatch` shared leading axes (jax.numpy: vectorized over them)."""
    if nbatch == 0:
        return _astype(xp, xp.searchsorted(a, v, side=side), xp.int64)
    lead = a.shape[:nbatch]
    rows = xp.reshape(v, (*lead, -1))
    fn = xp.vectorize(functools.partial(xp.searchsorted, side=side), signature="(n),(m)->(m)")
    return _astype(xp, xp.reshape(fn(a, rows), v.shape), xp.int64)


def cholesky(xp, a):
    """The lower Cholesky factor of the lower triangle of `a`."""
    return xp.linalg.cholesky(hermitian_from(xp, a, True))


def _eigh_lower(xp, a):
    """(w, v) of the symmetric matrix given by the lower triangle of `a`."""
    w, v = xp.linalg.eigh(hermitian_from(xp, a, True))
    return w, v


def eigh_array_api(ctx, eqn, a):
    """eigh for an array-API namespace, whose eigh takes no UPLO: the lower triangle only (the
    upper one read as the lower one of the transpose gives other signs of the eigenvectors than
    LAPACK's UPLO='U' eager evaluation calls)."""
    if not eqn.params["lower"]:
        raise MissingRuleError(
            "primitive 'eigh' has no code emission rule for backend 'array_api' with "
            "lower=False: the array API's eigh reads one triangle and takes no UPLO, and the "
            "eigenvectors it gives from the upper one differ in sign from eager evaluation's. "
            "Fix: pass lower=True (symmetrize first), or use backend='numpy'.")
    return f"{ctx.glob(_eigh_lower, 'eigh')}({ctx.xp}, {a[0]})"


def eig(xp, a):
    """(w, v), complex, of a general square matrix."""
    w, v = xp.linalg.eig(a)
    c = xp.complex64 if a.dtype in (xp.float32, xp.complex64) else xp.complex128
    return _astype(xp, w, c), _astype(xp, v, c)


def sqrtm_jax(jnp, a):
    """The principal square root (jax.scipy.linalg.sqrtm over the batch axes), real or NaN for
    a real input as the numpy impl."""
    import jax.scipy.linalg as jsl
    out = jnp.vectorize(jsl.sqrtm, signature="(n,n)->(n,n)")(a)
    return real_or_nan(jnp, out, a.dtype)


def _concat(xp):
    return getattr(xp, "concat", None) or xp.concatenate


def _complex_of(xp, dtype):
    return xp.complex64 if dtype in (xp.float32, xp.complex64) else xp.complex128


def rfft_transpose(xp, ct, fft_lengths):
    """The real part of the FFT of the cotangent zero-padded to the full length (RFFT's
    transpose, as the numpy impl)."""
    axes = tuple(range(ct.ndim - len(fft_lengths), ct.ndim))
    pad = xp.zeros((*ct.shape[:-1], fft_lengths[-1] - ct.shape[-1]), dtype=ct.dtype)
    return xp.real(xp.fft.fftn(_concat(xp)((ct, pad), axis=-1), axes=axes))


def irfft_transpose(xp, ct, fft_lengths):
    """The inverse FFT of the real cotangent on the half spectrum, the bins standing for two
    conjugate bins doubled (IRFFT's transpose, as the numpy impl)."""
    n = fft_lengths[-1]
    k = n // 2 + 1
    axes = tuple(range(ct.ndim - len(fft_lengths), ct.ndim))
    c = _complex_of(xp, ct.dtype)
    spec = xp.fft.ifftn(_astype(xp, ct, c), axes=axes)[..., :k]
    w = np.full(k, 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return _astype(xp, spec * xp.asarray(w), c)


_FFT_FUNCS = {"FFT": "fftn", "IFFT": "ifftn", "RFFT": "rfftn", "IRFFT": "irfftn"}


def fft_emit(ctx, eqn, a):
    """`xp.fft.fftn(x, axes=...)` and its kin (numpy's API, which the array API follows)."""
    lengths = eqn.params["fft_lengths"]
    nd = eqn.invars[0].aval.ndim
    axes = tuple(range(nd - len(lengths), nd))
    fn = _FFT_FUNCS[eqn.params["fft_type"]]
    s = f", s={lengths!r}" if fn == "irfftn" else ""
    return f"{ctx.xp}.fft.{fn}({a[0]}{s}, axes={axes!r})"


def sort_emit(ctx, eqn, a):
    """`xp.sort` along the axis (flipped for descending, NaNs first as the numpy impl)."""
    axis = eqn.params["axis"]
    out = f"{ctx.xp}.sort({a[0]}, axis={axis})"
    return f"{ctx.xp}.flip({out}, axis={axis})" if eqn.params["descending"] else out


def argsort_emit(ctx, eqn, a):
    """A stable `xp.argsort` along the axis; descending: the stable argsort of the flipped
    array, flipped back (equal entries keep their order, as the numpy impl)."""
    axis = eqn.params["axis"]
    stable = "kind='stable'" if ctx.backend.name == "cupy" else "stable=True"
    xp = ctx.xp
    if not eqn.params["descending"]:
        return f"{xp}.argsort({a[0]}, axis={axis}, {stable})"
    n = eqn.invars[0].aval.shape[axis]
    return (f"({n - 1} - {xp}.flip({xp}.argsort({xp}.flip({a[0]}, axis={axis}), axis={axis}, "
            f"{stable}), axis={axis}))")


def searchsorted_emit(ctx, eqn, a):
    """`xp.searchsorted` of one sorted 1-D array (the array API has no batched form)."""
    if eqn.params["nbatch"]:
        raise MissingRuleError(
            f"primitive 'searchsorted' has no code emission rule for backend "
            f"{ctx.backend.name!r} with sorted arrays {eqn.invars[0].aval.str_short()} searched "
            "row by row (under vmap): the array API's searchsorted takes one 1-D sorted array. "
            "Fix: use backend='jax', 'dask' or 'numpy'.")
    xp = ctx.xp
    return f"{xp}.astype({xp}.searchsorted({a[0]}, {a[1]}, side={eqn.params['side']!r}), {xp}.int64)"


def cumulative_array_api(name):
    """The array API's cumulative_sum / cumulative_prod along the axis (reversed by flips)."""
    def emit(ctx, eqn, a):
        axis = eqn.params["axis"]
        x = a[0]
        if eqn.params["reverse"]:
            x = f"xp.flip({x}, axis={axis})"
        out = f"xp.{name}({x}, axis={axis}, dtype={a[0]}.dtype)"
        return f"xp.flip({out}, axis={axis})" if eqn.params["reverse"] else out
    return Emit(emit, fresh=True, on=("array_api",))
