"""Products of the numpy API (dot, matmul, einsum, outer, inner, tensordot, vdot), lowered onto
lax.dot_general, and numpy.linalg (as jax.numpy.linalg) on the decomposition primitives of
fungrad._lax.linalg_decomp.

Conventions (as JAX): cholesky and eigh symmetrize their input, (a + a^H) / 2, so gradients are
symmetric; cholesky of a matrix that is not positive definite returns NaN (no exception); eig and
eigvals always return complex arrays; the gradient of det at a singular matrix is the (finite)
cofactor matrix; eigenvector / singular-vector derivatives are inf/NaN where eigenvalues /
singular values repeat (the values themselves and their derivatives stay finite); norm has the
subgradient 0 at the zero vector (every ord, axis case of numpy.linalg.norm).

Imports: _core, lax, _api (custom_jvp), numpy._promote, numpy.reductions, numpy.shape,
numpy.ufuncs, numpy.indexing.
"""
from __future__ import annotations

from typing import Sequence

import collections
import functools
import string

import numpy as np

from fungrad._core.array import fresh
from fungrad._core.typing import Array, ArrayLike, Complex, DTypeLike, Float, Inexact, Int, Shaped
from fungrad._core.errors import ShapeError
from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad._lax import _args
from fungrad.numpy._promote import asarray, promote
from fungrad.numpy.reductions import sum as _sum
from fungrad.numpy.shape import ravel
from fungrad.numpy.ufuncs import conjugate, sqrt
from fungrad.numpy.reductions import normalize_axis as _normalize_axis


def _nd(x):
    return get_aval(x).ndim


def matmul(a: ArrayLike, b: ArrayLike) -> Array:
    """Matrix product with numpy's rules: 1-D operands are promoted, leading axes broadcast.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.matmul(fnp.array([[1, 2], [3, 4]]), fnp.array([1, 1]))
    array([3, 7])
    """
    x, y = promote(asarray(a), asarray(b))
    xn, yn = _nd(x), _nd(y)
    if xn == 0 or yn == 0:
        raise ValueError("matmul: Input operand does not have enough dimensions (use * for "
                         "scalars)")
    if xn == 1 and yn == 1:
        return lax.dot_general(x, y, (((0,), (0,)), ((), ())))
    if xn <= 2 and yn <= 2:
        return lax.dot_general(x, y, (((xn - 1,), (0,)), ((), ())))
    xs, ys = get_aval(x).shape, get_aval(y).shape
    if xn == 1:
        x, xs = lax.reshape(x, (1, *xs)), (1, *xs)
    if yn == 1:
        y, ys = lax.reshape(y, (*ys, 1)), (*ys, 1)
    if xs[-1] != ys[-2]:
        raise ShapeError(f"matmul: mismatch in core dimension: {get_aval(x).str_short()} @ "
                         f"{get_aval(y).str_short()} ({xs[-1]} != {ys[-2]})")
    batch = np.broadcast_shapes(xs[:-2], ys[:-2])
    x = lax.broadcast_to(x, (*batch, *xs[-2:]))
    y = lax.broadcast_to(y, (*batch, *ys[-2:]))
    nb = len(batch)
    out = lax.dot_general(x, y, (((nb + 1,), (nb,)), (tuple(range(nb)), tuple(range(nb)))))
    shape = get_aval(out).shape
    if xn == 1:
        out = lax.reshape(out, shape[:-2] + shape[-1:])
    elif yn == 1:
        out = lax.reshape(out, shape[:-1])
    return out


def dot(a: ArrayLike, b: ArrayLike) -> Array:
    """numpy.dot: inner product for vectors, matrix product for matrices, scaling for scalars,
    and a sum over the last axis of a and the second-to-last of b otherwise.

    >>> import fungrad.numpy as fnp
    >>> fnp.dot(fnp.array([1, 2]), fnp.array([3, 4]))
    array(11)
    >>> fnp.dot(fnp.array([[1, 2], [3, 4]]), fnp.array([1, 0]))
    array([1, 3])
    """
    x, y = promote(asarray(a), asarray(b))
    xn, yn = _nd(x), _nd(y)
    if xn == 0 or yn == 0:
        return lax.mul(x, y)
    return lax.dot_general(x, y, (((xn - 1,), (max(yn - 2, 0),)), ((), ())))


def vdot(a: ArrayLike, b: ArrayLike) -> Shaped[Array, ""]:
    """sum(conj(a) * b) over the flattened arrays (the first argument is conjugated, as numpy).

    >>> import fungrad.numpy as fnp
    >>> fnp.vdot(fnp.array([1j, 2]), fnp.array([1j, 3]))
    array(7.+0.j)
    """
    return dot(conjugate(ravel(a)), ravel(b))


def inner(a: ArrayLike, b: ArrayLike) -> Array:
    """The sum of products over the last axes of a and b (numpy.inner).

    >>> import fungrad.numpy as fnp
    >>> fnp.inner(fnp.array([1, 2]), fnp.array([3, 4]))
    array(11)
    """
    x, y = promote(asarray(a), asarray(b))
    if _nd(x) == 0 or _nd(y) == 0:
        return lax.mul(x, y)
    return lax.dot_general(x, y, (((_nd(x) - 1,), (_nd(y) - 1,)), ((), ())))


def numpy_outer(a: ArrayLike, b: ArrayLike) -> Shaped[Array, "m n"]:
    """numpy.outer: the outer product of two vectors (inputs are flattened).

    >>> import fungrad.numpy as fnp
    >>> fnp.outer(fnp.array([[1], [2]]), fnp.array([1, 10, 100]))
    array([[  1,  10, 100],
           [  2,  20, 200]])
    """
    x, y = promote(ravel(a), ravel(b))
    return lax.mul(lax.reshape(x, (get_aval(x).size, 1)), y)


numpy_outer.__name__ = numpy_outer.__qualname__ = "outer"  # fungrad.numpy.outer


def outer(x1: ArrayLike, x2: ArrayLike, /) -> Shaped[Array, "m n"]:
    """numpy.linalg.outer: the outer product of two 1-D arrays (no flattening, as numpy's
    array-API version: other ranks raise).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.outer(fnp.array([1, 2]), fnp.array([1, 10, 100]))
    array([[  1,  10, 100],
           [  2,  20, 200]])
    """
    a, b = asarray(x1), asarray(x2)
    if _nd(a) != 1 or _nd(b) != 1:
        raise ShapeError(f"numpy.linalg.outer: x1 and x2 must be 1-D arrays, got x1 {_str(a)} "
                         f"and x2 {_str(b)}. Fix: pass vectors (numpy.outer flattens its "
                         "inputs).")
    return numpy_outer(a, b)


def tensordot(a: ArrayLike, b: ArrayLike, axes: int | Sequence[Sequence[int]] = 2) -> Array:
    """Sum of products over `axes`: the last `axes` of a with the first of b, or the pairs given.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.tensordot(fnp.ones((2, 3)), fnp.ones((3, 4)), axes=1).shape
    (2, 4)
    >>> fnp.linalg.tensordot(fnp.array([1, 2]), fnp.array([3, 4]), axes=([0], [0]))
    array(11)
    """
    fn = "numpy.tensordot"
    x, y = promote(asarray(a), asarray(b))
    if isinstance(axes, (int, np.integer)) or (isinstance(axes, np.ndarray) and axes.ndim == 0):
        n = _args.static_int(axes, "axes", fn)
        if not 0 <= n <= min(_nd(x), _nd(y)):
            raise ShapeError(f"{fn}: axes={n} must be between 0 and the rank of both operands "
                             f"({min(_nd(x), _nd(y))} for a {_str(x)} and b {_str(y)}).")
        xa, ya = tuple(range(_nd(x) - n, _nd(x))), tuple(range(n))
    else:
        try:
            xa, ya = axes
        except (TypeError, ValueError):
            raise TypeError(f"{fn}: axes must be an int or a pair of axis sequences (a's, b's), "
                            f"got {_args.describe(axes)}.") from None
        xa = _args.static_ints(xa, "axes[0]", fn, allow_int=True)
        ya = _args.static_ints(ya, "axes[1]", fn, allow_int=True)
        if len(xa) != len(ya):
            raise ShapeError(f"{fn}: axes names {len(xa)} axes of a and {len(ya)} of b; they "
                             "must be as many.")
        xa = tuple(_normalize_axis(i, _nd(x), f"{fn}: axes[0]") for i in xa)
        ya = tuple(_normalize_axis(i, _nd(y), f"{fn}: axes[1]") for i in ya)
    xs, ys = get_aval(x).shape, get_aval(y).shape
    if any(xs[i] != ys[j] for i, j in zip(xa, ya)):
        raise ShapeError(f"{fn}: shape-mismatch for sum: axes {xa} of a {_str(x)} and {ya} of b "
                         f"{_str(y)} differ in length.")
    return lax.dot_general(x, y, ((xa, ya), ((), ())))


def _parse_einsum(subscripts, operands):
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        ins, out = subscripts.split("->")
    else:
        ins, out = subscripts, None
    terms = ins.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum: {len(terms)} subscript terms for {len(operands)} operands")
    used = set(subscripts)
    pool = [c for c in string.ascii_uppercase + string.ascii_lowercase if c not in used]
    ell_len = 0
    for t, x in zip(terms, operands):
        if "..." in t:
            ell_len = max(ell_len, _nd(x) - (len(t) - 3))
    ell = "".join(pool[:ell_len])
    new_terms = []
    for t, x in zip(terms, operands):
        if "..." in t:
            k = _nd(x) - (len(t) - 3)
            t = t.replace("...", ell[ell_len - k:])
        if len(t) != _nd(x):
            raise ValueError(f"einsum: term {t!r} does not match operand of rank {_nd(x)}")
        new_terms.append(t)
    if out is None:
        counts = {}
        for t in new_terms:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return new_terms, out


def _sum_out(x, term, keep):
    axes = tuple(i for i, c in enumerate(term) if c not in keep)
    if axes:
        x = lax.reduce_sum(x, axes)
        term = "".join(c for c in term if c in keep)
    return x, term


def einsum(subscripts, *operands):
    """Einstein summation over one or more operands, contracted pairwise left to right with
    dot_general. Repeated indices within one operand (diagonals) are not supported."""
    operands = promote(*[asarray(o) for o in operands])
    terms, out = _parse_einsum(subscripts, operands)
    for t in terms:
        if len(set(t)) != len(t):
            raise NotImplementedError(f"einsum: repeated index within one operand ({t!r}); "
                                      "take the diagonal with fungrad.numpy.diagonal first")
    x, xt = operands[0], terms[0]
    for k in range(1, len(operands)):
        y, yt = operands[k], terms[k]
        later = set(out).union(*terms[k + 1:])
        x, xt = _sum_out(x, xt, later | set(yt))
        y, yt = _sum_out(y, yt, later | set(xt))
        batch = [c for c in xt if c in yt and c in later]
        contract = [c for c in xt if c in yt and c not in later]
        dn = ((tuple(xt.index(c) for c in contract), tuple(yt.index(c) for c in contract)),
              (tuple(xt.index(c) for c in batch), tuple(yt.index(c) for c in batch)))
        x = lax.dot_general(x, y, dn)
        xt = ("".join(batch) + "".join(c for c in xt if c not in yt)
              + "".join(c for c in yt if c not in xt))
    x, xt = _sum_out(x, xt, set(out))
    if set(xt) != set(out):
        raise ValueError(f"einsum: output subscript {out!r} names an index not in the inputs")
    return lax.transpose(x, [xt.index(c) for c in out])


# ---------------------------------------------------------------------------------------------
# numpy.linalg
from fungrad._lax import complex_parts as _cp  # noqa: E402
from fungrad._lax import linalg_decomp as _ld  # noqa: E402
from fungrad._api.custom import custom_jvp as _custom_jvp  # noqa: E402
from fungrad.numpy._promote import promote_inexact  # noqa: E402
from fungrad.numpy.indexing import getitem as _getitem  # noqa: E402
from fungrad.numpy.reductions import max as _max, min as _min  # noqa: E402
from fungrad.numpy.shape import moveaxis as _moveaxis, reshape as _reshape  # noqa: E402
from fungrad.numpy.ufuncs import abs as _abs, where as _where  # noqa: E402
from fungrad.numpy.reductions import any as _any  # noqa: E402
from fungrad.numpy.ufuncs import (  # noqa: E402
    isnan as _isnan, logical_and as _logical_and, logical_not as _logical_not)

SlogdetResult = collections.namedtuple("SlogdetResult", ["sign", "logabsdet"])
EighResult = collections.namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
EigResult = collections.namedtuple("EigResult", ["eigenvalues", "eigenvectors"])
QRResult = collections.namedtuple("QRResult", ["Q", "R"])
SVDResult = collections.namedtuple("SVDResult", ["U", "S", "Vh"])


def _float(x, name="a"):
    """x as a floating (or complex) array: integers and booleans become float64."""
    x, = promote_inexact(asarray(x))
    return x


def _shape(x):
    return get_aval(x).shape


def _str(x):
    return get_aval(x).str_short()


def _need_matrix(x, name, fn, square=True):
    s = _shape(x)
    if len(s) < 2 or (square and s[-1] != s[-2]):
        what = "a (stack of) square matrices" if square else "at least 2-D"
        raise ShapeError(f"{fn}: argument {name} must be {what}, got {_str(x)}. Fix: pass an "
                         f"array of shape (..., n, {'n' if square else 'm'}).")


def matrix_transpose(x: Shaped[ArrayLike, "*batch m n"]) -> Shaped[Array, "*batch n m"]:
    """Swap the last two axes (array API).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.matrix_transpose(fnp.array([[1, 2, 3]]))
    array([[1],
           [2],
           [3]])
    """
    x = asarray(x)
    if _nd(x) < 2:
        raise ShapeError(f"matrix_transpose: argument x must be at least 2-D, got {_str(x)}")
    return _ld.mT(x)


def _mH(x):
    return _cp.conj(_ld.mT(x))


def _sym(a):
    return lax.mul(lax.add(a, _mH(a)), np.asarray(0.5, get_aval(a).dtype))


def det(a: Shaped[ArrayLike, "*batch n n"]) -> Inexact[Array, " *batch"]:
    """Determinant over the last two axes; the gradient at a singular matrix is the cofactor
    matrix adj(a)^T (finite), as JAX.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.det(fnp.array([[1.0, 2.0], [3.0, 4.0]]))
    array(-2.)
    """
    a = _float(a)
    _need_matrix(a, "a", "det")
    return _ld.det(a)


def slogdet(a: Shaped[ArrayLike, "*batch n n"]) -> tuple[Inexact[Array, " *batch"], Float[Array, " *batch"]]:
    """(sign, log|det a|) over the last two axes.

    >>> import fungrad.numpy as fnp
    >>> sign, logabsdet = fnp.linalg.slogdet(fnp.array([[-2.0, 0.0], [0.0, 1.0]]))
    >>> sign
    array(-1.)
    >>> fnp.isclose(logabsdet, fnp.log(2.0))
    array(True)
    """
    a = _float(a)
    _need_matrix(a, "a", "slogdet")
    return SlogdetResult(*_ld.slogdet(a))


def _broadcast_lead(a, b, nb):
    """Broadcast the leading (batch) axes of a and b, whose last `nb` axes are core axes."""
    sa, sb = _shape(a), _shape(b)
    lead = np.broadcast_shapes(sa[:-2], sb[:-nb] if nb else sb)
    return lax.broadcast_to(a, (*lead, *sa[-2:])), lax.broadcast_to(b, (*lead, *sb[len(sb) - nb:]))


def solve(a: Shaped[ArrayLike, "*#batch n n"], b: Shaped[ArrayLike, "*#batch n k"] | Shaped[ArrayLike, " n"]
          ) -> Inexact[Array, "... n k"] | Inexact[Array, "... n"]:
    """Solve a x = b. b is a vector (..., n) only when it is 1-D (numpy 2 semantics); otherwise
    (..., n, k), leading axes broadcast.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.solve(fnp.array([[2.0, 0.0], [0.0, 4.0]]), fnp.array([2.0, 2.0]))
    array([1. , 0.5])
    """
    a, b = promote_inexact(asarray(a), asarray(b))
    _need_matrix(a, "a", "solve")
    n = _shape(a)[-1]
    if _nd(b) == 1:
        if _shape(b)[0] != n:
            raise ShapeError(f"solve: b {_str(b)} does not match a {_str(a)} (need b of length {n})")
        a2, b2 = _broadcast_lead(a, lax.reshape(b, (n, 1)), 2)
        out = _ld.solve(a2, b2)
        return lax.reshape(out, _shape(out)[:-1])
    if _shape(b)[-2] != n:
        raise ShapeError(f"solve: b {_str(b)} does not match a {_str(a)}: b must be (..., {n}, k) "
                         f"or a vector of length {n}")
    a2, b2 = _broadcast_lead(a, b, 2)
    return _ld.solve(a2, b2)


def inv(a: Shaped[ArrayLike, "*batch n n"]) -> Inexact[Array, "*batch n n"]:
    """Inverse over the last two axes (a solve with the identity).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.inv(fnp.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    a = _float(a)
    _need_matrix(a, "a", "inv")
    return _ld.inv(a)


def cholesky(a: Shaped[ArrayLike, "*batch n n"], *, upper: bool = False) -> Inexact[Array, "*batch n n"]:
    """Cholesky factor of the symmetrized (a + a^H)/2: lower L with a = L L^H, or upper=True for
    U = L^H. A matrix that is not positive definite gives NaN, as JAX (no exception).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.cholesky(fnp.array([[4.0, 2.0], [2.0, 5.0]]))
    array([[2., 0.],
           [1., 2.]])
    """
    a = _float(a)
    _need_matrix(a, "a", "cholesky")
    L = _ld.cholesky(_sym(a))
    return _mH(L) if upper else L


def eigh(a: Shaped[ArrayLike, "*batch n n"], UPLO: str = "L", symmetrize_input: bool = True
         ) -> tuple[Float[Array, "*batch n"], Inexact[Array, "*batch n n"]]:
    """Eigenvalues (ascending) and eigenvectors of a symmetric/Hermitian matrix.

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([[2.0, 1.0], [1.0, 2.0]])
    >>> w, v = fnp.linalg.eigh(a)
    >>> fnp.round(w, 12)
    array([1., 3.])
    >>> fnp.allclose(a @ v, v * w)
    array(True)
    """
    if UPLO not in ("L", "U"):
        raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    a = _float(a)
    _need_matrix(a, "a", "eigh")
    if symmetrize_input:
        a = _sym(a)
    return EighResult(*_ld.eigh(a, lower=UPLO == "L"))


def eigvalsh(a: Shaped[ArrayLike, "*batch n n"], UPLO: str = "L") -> Float[Array, "*batch n"]:
    """The eigenvalues (ascending) of a symmetric/Hermitian matrix.

    >>> import fungrad.numpy as fnp
    >>> fnp.round(fnp.linalg.eigvalsh(fnp.array([[2.0, 1.0], [1.0, 2.0]])), 12)
    array([1., 3.])
    """
    return eigh(a, UPLO)[0]


def eig(a: Shaped[ArrayLike, "*batch n n"]
        ) -> tuple[Complex[Array, "*batch n"], Complex[Array, "*batch n n"]]:
    """Eigenvalues and unit eigenvectors of a general square matrix, always complex (as JAX;
    numpy returns real arrays when every eigenvalue is real).

    >>> import fungrad.numpy as fnp
    >>> w, v = fnp.linalg.eig(fnp.array([[2.0, 0.0], [0.0, 3.0]]))
    >>> w
    array([2.+0.j, 3.+0.j])
    >>> v
    array([[1.+0.j, 0.+0.j],
           [0.+0.j, 1.+0.j]])
    """
    a = _float(a)
    _need_matrix(a, "a", "eig")
    return EigResult(*_ld.eig(a))


def eigvals(a: Shaped[ArrayLike, "*batch n n"]) -> Complex[Array, "*batch n"]:
    """The eigenvalues of a general square matrix (eig without the vectors).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.eigvals(fnp.array([[2.0, 0.0], [0.0, 3.0]]))
    array([2.+0.j, 3.+0.j])
    """
    return eig(a)[0]


def svd(a: Shaped[ArrayLike, "*batch m n"], full_matrices: bool = True, compute_uv: bool = True,
        hermitian: bool = False) -> Float[Array, "*batch k"] | tuple[
            Inexact[Array, "*batch m _"], Float[Array, "*batch k"], Inexact[Array, "*batch _ n"]]:
    """U, S, Vh with a = U diag(S) Vh (numpy's defaults). The derivative is defined for
    full_matrices=False or square a; it is inf/NaN where singular values repeat.

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([[2.0, 1.0], [1.0, 2.0]])
    >>> u, s, vh = fnp.linalg.svd(a)
    >>> fnp.round(s, 12)
    array([3., 1.])
    >>> fnp.allclose(u * s @ vh, a)
    array(True)
    """
    a = _float(a)
    _need_matrix(a, "a", "svd", square=False)
    if not compute_uv:
        return _ld.svd(a, compute_uv=False)[0]
    s, u, vh = _ld.svd(a, full_matrices=full_matrices)
    return SVDResult(u, s, vh)


def svdvals(x: Shaped[ArrayLike, "*batch m n"]) -> Float[Array, "*batch k"]:
    """The singular values, descending (svd without U and Vh).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.svdvals(fnp.array([[3.0, 0.0], [0.0, -4.0]]))
    array([4., 3.])
    """
    x = _float(x)
    _need_matrix(x, "x", "svdvals", square=False)
    return _ld.svd(x, compute_uv=False)[0]


def qr(a: Shaped[ArrayLike, "*batch m n"], mode: str = "reduced") -> Inexact[Array, "*batch _ n"] | tuple[
        Inexact[Array, "*batch m _"], Inexact[Array, "*batch _ n"]]:
    """QR decomposition; mode 'reduced' (Q, R), 'complete' (Q, R) or 'r' (R only).

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([[2.0, 1.0], [1.0, 2.0]])
    >>> q, r = fnp.linalg.qr(a)
    >>> fnp.allclose(q @ r, a)
    array(True)
    >>> fnp.allclose(r, fnp.triu(r))
    array(True)
    """
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    a = _float(a)
    _need_matrix(a, "a", "qr", square=False)
    q, r = _ld.qr(a, full_matrices=mode == "complete")
    return r if mode == "r" else QRResult(q, r)


def _pinv_core(a, rtol):
    s, u, vh = _ld.svd(a)
    cutoff = lax.mul(_max(s, axis=-1, keepdims=True), np.asarray(rtol, get_aval(s).dtype))
    keep = lax.gt(s, cutoff)
    s_safe = _where(keep, s, 1.0)
    s_inv = _where(keep, lax.div(np.ones((), get_aval(s).dtype), s_safe), 0.0)
    return matmul(_mH(vh) * lax.reshape(s_inv, (*_shape(s_inv)[:-1], 1, _shape(s_inv)[-1])),
                  _mH(u))


@functools.partial(_custom_jvp, nondiff_argnums=(1,))
def _pinv(a, rtol):
    return _pinv_core(a, rtol)


@_pinv.defjvp
def _pinv_jvp(rtol, primals, tangents):
    # Golub & Pereyra 1973: dA+ = -A+ dA A+ + A+ A+^H dA^H (I - A A+) + (I - A+ A) dA^H A+^H A+
    a, = primals
    da, = tangents
    p = _pinv(a, rtol)
    m, n = _shape(a)[-2:]
    pH, daH = _mH(p), _mH(da)
    t1 = -matmul(p, matmul(da, p))
    t2 = matmul(matmul(p, pH), matmul(daH, np.eye(m) - matmul(a, p)))
    t3 = matmul(np.eye(n) - matmul(p, a), matmul(daH, matmul(pH, p)))
    return p, t1 + t2 + t3


def pinv(a: Shaped[ArrayLike, "*batch m n"], rtol: float | None = None, hermitian: bool = False, *,
         rcond: float | None = None) -> Inexact[Array, "*batch n m"]:
    """Moore-Penrose pseudo-inverse from the SVD; singular values at or below rtol * max(s) are
    dropped (default rtol = 10 max(m, n) eps, as JAX). Its derivative is Golub & Pereyra's (exact
    for fixed rank).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.pinv(fnp.array([[2.0, 0.0], [0.0, 0.0]]))
    array([[0.5, 0. ],
           [0. , 0. ]])
    """
    a = _float(a)
    _need_matrix(a, "a", "pinv", square=False)
    if rtol is None:
        rtol = rcond
    if rtol is None:
        rtol = 10.0 * max(_shape(a)[-2:]) * np.finfo(get_aval(a).dtype).eps
    if 0 in _shape(a)[-2:]:  # no singular values: the (n, m) zero matrix, as numpy
        shape = _shape(a)
        return fresh(np.zeros((*shape[:-2], shape[-1], shape[-2]), get_aval(a).dtype))
    return _pinv(a, float(rtol))


def lstsq(a: Shaped[ArrayLike, "m n"], b: Shaped[ArrayLike, " m *nrhs"], rcond: float | None = None
          ) -> tuple[Inexact[Array, " n *nrhs"], Float[Array, " _"], Int[Array, ""], Float[Array, " k"]]:
    """Least-squares solution (x, residuals, rank, s) of a x = b via the pseudo-inverse. residuals
    is the squared residual norm per column when m > n (also when rank < n, unlike numpy, since
    the rank is a traced value), else an empty array.

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    >>> x, res, rank, s = fnp.linalg.lstsq(a, fnp.array([1.0, 2.0, 0.0]))
    >>> fnp.round(x, 12)
    array([1., 1.])
    >>> rank
    array(2, dtype=int32)
    """
    a, b = promote_inexact(asarray(a), asarray(b))
    _need_matrix(a, "a", "lstsq", square=False)
    m, n = _shape(a)
    if _nd(b) not in (1, 2) or _shape(b)[0] != m or _nd(a) != 2:
        raise ShapeError(f"lstsq: a must be 2-D and b (m,) or (m, k) with m = {m}, got a {_str(a)}, "
                         f"b {_str(b)}")
    eps = np.finfo(get_aval(a).dtype).eps
    rtol = max(m, n) * eps if rcond is None else rcond
    s = svdvals(a)
    x = matmul(pinv(a, rtol), b)
    if min(m, n) == 0:  # no singular values: rank 0
        rank = fresh(np.zeros((), np.int32))
    else:  # int32, as numpy's and JAX's
        above = lax.gt(s, lax.mul(_max(s), np.asarray(rtol, get_aval(s).dtype)))
        rank = lax.convert_element_type(_sum(lax.convert_element_type(above, np.int32)),
                                        np.int32)
    if m > n:  # squared residual norms, real (|r|^2) for complex systems too, as numpy
        r = b - matmul(a, x)
        resid = _sum(_abs2(r), axis=0)
        if _nd(b) == 1:
            resid = lax.reshape(resid, (1,))
    else:
        resid = fresh(np.zeros((0,), get_aval(s).dtype))
    return x, resid, rank, s


def matrix_power(a: Shaped[ArrayLike, "*batch m m"], n: int) -> Inexact[Array, "*batch m m"]:
    """a to the integer power n by repeated squaring (n < 0: of the inverse). Integer and
    boolean matrices keep their dtype for n >= 0 (products in that dtype, as numpy and JAX);
    n < 0 inverts, in floating point.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.matrix_power(fnp.array([[1, 1], [0, 1]]), 3)
    array([[1, 3],
           [0, 1]])
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, (bool, np.bool_)):
        raise TypeError(f"matrix_power: exponent n must be an integer, got {n!r}")
    n = int(n)
    a = asarray(a)
    if n < 0 or get_aval(a).dtype.kind not in "biuc":
        a = _float(a)
    _need_matrix(a, "a", "matrix_power")
    if n == 0:
        return lax.broadcast_to(fresh(np.eye(_shape(a)[-1], dtype=get_aval(a).dtype)), _shape(a))
    if n < 0:
        a, n = inv(a), -n
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    # not None: n > 0 here (n == 0 returned above)
    return result  # type: ignore[return-value]


def matrix_rank(M: ArrayLike, rtol: float | None = None, *, tol: ArrayLike | None = None
                ) -> Int[Array, "..."]:
    """Number of singular values above tol (default max(s) * max(m, n) * eps, as numpy).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.matrix_rank(fnp.array([[1.0, 2.0], [2.0, 4.0]]))
    array(1)
    """
    M = _float(M)
    if _nd(M) < 2:
        return lax.convert_element_type(lax.ne(_max(_abs(M)), 0.0), np.int64) \
            if _nd(M) else lax.convert_element_type(lax.ne(M, 0.0), np.int64)
    if 0 in _shape(M)[-2:]:  # no singular values: rank 0 per matrix, as numpy
        return fresh(np.zeros(_shape(M)[:-2], np.int64))
    s = svdvals(M)
    smax = _max(s, axis=-1, keepdims=True)
    if tol is None:
        r = max(_shape(M)[-2:]) * np.finfo(get_aval(s).dtype).eps if rtol is None else rtol
        thresh = lax.mul(smax, np.asarray(r, get_aval(s).dtype))
    else:
        thresh = np.asarray(tol, get_aval(s).dtype)
    return _sum(lax.convert_element_type(lax.gt(s, thresh), np.int64), axis=-1)


def cond(x: Shaped[ArrayLike, "*batch m n"], p: int | float | str | None = None) -> Float[Array, " *batch"]:
    """Condition number: s_max / s_min for p None / 2 (s_min / s_max for -2), else
    norm(x, p) * norm(inv(x), p). A singular matrix (s_min = 0) gives inf without a warning,
    as numpy and JAX (where the ratio is NaN and x has no NaN, the result is inf); for the
    other p, inv raises numpy's LinAlgError on an exactly singular matrix.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.cond(fnp.array([[2.0, 0.0], [0.0, 0.5]]))
    array(4.)
    >>> fnp.linalg.cond(fnp.zeros((2, 2)))
    array(inf)
    """
    x = _float(x)
    _need_matrix(x, "x", "cond", square=p not in (None, 2, -2))
    if p in (None, 2, -2):
        s = svdvals(x)
        hi, lo = _max(s, axis=-1), _min(s, axis=-1)
        num, den = (lo, hi) if p == -2 else (hi, lo)
        zero = lax.eq(den, np.zeros((), get_aval(den).dtype))  # 0 / 0 and t / 0: inf
        r = _where(zero, np.asarray(np.inf, get_aval(den).dtype),
                   lax.div(num, _where(zero, np.ones((), get_aval(den).dtype), den)))
    else:
        r = lax.mul(norm(x, p, axis=(-2, -1)), norm(inv(x), p, axis=(-2, -1)))
    singular = _logical_and(_isnan(r), _logical_not(_any(_isnan(x), axis=(-2, -1))))
    return _where(singular, np.asarray(np.inf, get_aval(r).dtype), r)


# ---- norms
def _abs2(x):
    """|x|^2 (real) for real or complex x."""
    if get_aval(x).dtype.kind == "c":
        re, im = _cp.real(x), _cp.imag(x)
        return lax.add(lax.mul(re, re), lax.mul(im, im))
    return lax.mul(x, x)


def _safe_abs(x):
    """|x| with derivative 0 at x == 0 (a subgradient), for real or complex x."""
    if get_aval(x).dtype.kind != "c":
        return _abs(x)
    return _safe_sqrt(_abs2(x))


def _safe_sqrt(s):
    """sqrt(s) for s >= 0 whose derivative at s == 0 is 0 instead of inf (so norm(0) has the
    subgradient 0 and no NaN)."""
    zero = lax.eq(s, 0.0)
    return _where(zero, 0.0, sqrt(_where(zero, 1.0, s)))


def _safe_pow_norm(s, p):
    """s ** (1/p) for s >= 0 with derivative 0 at s == 0."""
    zero = lax.eq(s, 0.0)
    return _where(zero, 0.0, _where(zero, 1.0, s) ** (1.0 / p))


def _vector_norm(x, ord, axes, keepdims):
    if ord is None or ord == 2:
        return _safe_sqrt(_sum(_abs2(x), axis=axes, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"norm: invalid norm order {ord!r} for vectors")
    a = _safe_abs(x)
    if ord == np.inf:
        return _max(a, axis=axes, keepdims=keepdims)
    if ord == -np.inf:
        return _min(a, axis=axes, keepdims=keepdims)
    if ord == 0:
        return _sum(lax.convert_element_type(lax.ne(a, 0.0), get_aval(a).dtype), axis=axes,
                    keepdims=keepdims)
    if ord == 1:
        return _sum(a, axis=axes, keepdims=keepdims)
    ord = float(ord)
    return _safe_pow_norm(_sum(a ** ord, axis=axes, keepdims=keepdims), ord)


def _matrix_norm(x, ord, axes, keepdims):
    r, c = axes
    nd = _nd(x)
    if ord in (None, "fro"):
        return _safe_sqrt(_sum(_abs2(x), axis=axes, keepdims=keepdims))
    if ord in (2, -2, "nuc"):
        y = x if (r, c) == (nd - 2, nd - 1) else lax.transpose(
            x, [i for i in range(nd) if i not in (r, c)] + [r, c])
        s = svdvals(y)
        out = _max(s, axis=-1) if ord == 2 else _min(s, axis=-1) if ord == -2 \
            else _sum(s, axis=-1)
        if keepdims:
            shape = list(_shape(x))
            shape[r] = shape[c] = 1
            out = lax.reshape(out, shape)
        return out
    if ord in (1, -1, np.inf, -np.inf):
        a = _safe_abs(x)
        sum_axis, ext_axis = (r, c) if ord in (1, -1) else (c, r)
        sums = _sum(a, axis=sum_axis, keepdims=True)
        fn = _max if ord in (1, np.inf) else _min
        out = fn(sums, axis=ext_axis, keepdims=True)
        if not keepdims:
            out = lax.reshape(out, [d for i, d in enumerate(_shape(out)) if i not in (r, c)])
        return out
    raise ValueError(f"norm: invalid norm order {ord!r} for matrices")


def _axis_list(axis, nd, fn):
    """`axis` (an int or a sequence of ints) as a tuple of non-negative axes in the order given;
    anything else raises numpy's TypeError, an out-of-range axis its AxisError."""
    if not isinstance(axis, (tuple, list)):
        axis = (axis,)
    return tuple(_normalize_axis(a, nd, f"{fn}: axis") for a in axis)


def norm(x: ArrayLike, ord: int | float | str | None = None, axis: int | tuple[int, ...] | None = None,
        keepdims: bool = False) -> Array:
    """numpy.linalg.norm: vector norms (ord None/2, inf, -inf, 0, 1, any p) over one axis,
    matrix norms ('fro', 'nuc', 1, -1, 2, -2, inf, -inf) over two; axis=None means the 2-norm of
    the flattened array when ord is None, else the vector/matrix norm of a 1-D/2-D array.
    Complex inputs give real norms. The derivative at x == 0 is 0 (a subgradient), not NaN.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.norm(fnp.array([3.0, 4.0]))
    array(5.)
    >>> fnp.linalg.norm(fnp.array([[1.0, -2.0], [3.0, 4.0]]), ord=1)
    array(6.)
    """
    x = _float(x, "x")
    nd = _nd(x)
    if axis is None:
        if ord is None:
            out = _vector_norm(ravel(x), None, (0,), False)
            return lax.reshape(out, (1,) * nd) if keepdims else out
        if nd == 1:
            axis = (0,)
        elif nd == 2:
            axis = (0, 1)
        else:
            raise ValueError(f"norm: ord={ord!r} needs a 1-D or 2-D input when axis is None, got "
                             f"{_str(x)}. Fix: pass axis=.")
    axis = _axis_list(axis, nd, "numpy.linalg.norm")
    if len(axis) == 1:
        return _vector_norm(x, ord, axis, keepdims)
    if len(axis) == 2:
        if axis[0] == axis[1]:
            raise ValueError("norm: duplicate axes given")
        return _matrix_norm(x, ord, axis, keepdims)
    raise ValueError(f"norm: improper number of dimensions to norm (axis={axis})")


def vector_norm(x: ArrayLike, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False,
        ord: int | float | str = 2) -> Array:
    """Array API vector norm: over all axes (flattened) by default, or over the axes given.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.vector_norm(fnp.array([[3.0, 4.0], [0.0, 0.0]]))
    array(5.)
    >>> fnp.linalg.vector_norm(fnp.array([1.0, -2.0]), ord=1)
    array(3.)
    """
    x = _float(x, "x")
    nd = _nd(x)
    axes = tuple(range(nd)) if axis is None else _axis_list(axis, nd, "numpy.linalg.vector_norm")
    if nd == 0:
        return _safe_abs(x)
    return _vector_norm(x, ord, axes, keepdims)


def matrix_norm(x: ArrayLike, /, *, keepdims: bool = False, ord: int | float | str = "fro") -> Array:
    """Array API matrix norm over the last two axes (Frobenius by default).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.matrix_norm(fnp.array([[3.0, 0.0], [0.0, 4.0]]))
    array(5.)
    """
    x = _float(x, "x")
    _need_matrix(x, "x", "matrix_norm", square=False)
    return _matrix_norm(x, ord, (_nd(x) - 2, _nd(x) - 1), keepdims)


# ---- products and structure
def multi_dot(arrays: Sequence[ArrayLike]) -> Array:
    """Product of matrices in the cheapest association order (the classic O(n^3) dynamic program
    over scalar multiplication counts); a 1-D first/last array is a row/column vector.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.multi_dot([fnp.eye(2), fnp.array([[1.0, 2.0], [3.0, 4.0]]), fnp.ones(2)])
    array([3., 7.])
    """
    arrays = [asarray(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError("multi_dot: expecting at least two arrays")
    if len(arrays) == 2:
        return dot(arrays[0], arrays[1])
    first_1d, last_1d = _nd(arrays[0]) == 1, _nd(arrays[-1]) == 1
    if first_1d:
        arrays[0] = lax.reshape(arrays[0], (1, _shape(arrays[0])[0]))
    if last_1d:
        arrays[-1] = lax.reshape(arrays[-1], (_shape(arrays[-1])[0], 1))
    for i, a in enumerate(arrays):
        if _nd(a) != 2:
            raise ShapeError(f"multi_dot: array {i} must be 2-D (1-D allowed first and last), "
                             f"got {_str(a)}")
    dims = [_shape(arrays[0])[0]] + [_shape(a)[1] for a in arrays]
    k = len(arrays)
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            # None marks an entry the loop below fills in
            cost[i][j] = None  # type: ignore[call-overload]
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, s

    def build(i, j):
        if i == j:
            return arrays[i]
        return dot(build(i, split[i][j]), build(split[i][j] + 1, j))
    out = build(0, k - 1)
    if first_1d and last_1d:
        return lax.reshape(out, ())
    if first_1d:
        return lax.reshape(out, (_shape(out)[1],))
    if last_1d:
        return lax.reshape(out, (_shape(out)[0],))
    return out


def cross(x1: ArrayLike, x2: ArrayLike, /, *, axis: int = -1) -> Array:
    """Cross product of 3-vectors along `axis` (leading axes broadcast).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.cross(fnp.array([1.0, 0.0, 0.0]), fnp.array([0.0, 1.0, 0.0]))
    array([0., 0., 1.])
    """
    a, b = promote(asarray(x1), asarray(x2))
    if _shape(a)[axis] != 3 or _shape(b)[axis] != 3:
        raise ShapeError(f"cross: both inputs must have size 3 along axis {axis}, got {_str(a)} "
                         f"and {_str(b)}")
    a, b = _moveaxis(a, axis, -1), _moveaxis(b, axis, -1)
    a0, a1, a2 = (_getitem(a, (Ellipsis, i)) for i in range(3))
    b0, b1, b2 = (_getitem(b, (Ellipsis, i)) for i in range(3))
    from fungrad.numpy.shape import stack
    out = stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    return _moveaxis(out, -1, axis)


def vecdot(x1: ArrayLike, x2: ArrayLike, /, *, axis: int = -1) -> Array:
    """sum(conj(x1) * x2, axis) with broadcasting.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.vecdot(fnp.array([1.0, 2.0]), fnp.array([3.0, 4.0]))
    array(11.)
    """
    from fungrad.numpy.numeric import vecdot as _vecdot
    return _vecdot(x1, x2, axis=axis)


def trace(x: Shaped[ArrayLike, "*batch m n"], /, *, offset: int = 0, dtype: DTypeLike | None = None
          ) -> Shaped[Array, " *batch"]:
    """Trace over the last two axes (array API).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.trace(fnp.array([[1, 2], [3, 4]]))
    array(5)
    """
    from fungrad.numpy.indexing import trace as _trace
    x = asarray(x)
    out = _trace(x, offset, -2, -1) if _nd(x) >= 2 else None
    if out is None:
        raise ShapeError(f"trace: argument x must be at least 2-D, got {_str(x)}")
    return out if dtype is None else lax.convert_element_type(out, dtype)


def diagonal(x: Shaped[ArrayLike, "*batch m n"], /, *, offset: int = 0) -> Shaped[Array, "*batch k"]:
    """Diagonal over the last two axes (array API).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.diagonal(fnp.array([[1, 2], [3, 4]]))
    array([1, 4])
    """
    from fungrad.numpy.indexing import diagonal as _diagonal
    x = asarray(x)
    if _nd(x) < 2:
        raise ShapeError(f"diagonal: argument x must be at least 2-D, got {_str(x)}")
    return _diagonal(x, offset, -2, -1)


def tensorinv(a: ArrayLike, ind: int = 2) -> Array:
    """Inverse of a as a linear map from its last axes to its first `ind` axes.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.tensorinv(2.0 * fnp.eye(4).reshape(4, 2, 2), ind=1).shape
    (2, 2, 4)
    """
    a = _float(a)
    s = _shape(a)
    ind = _args.static_int(ind, "ind", "numpy.linalg.tensorinv")
    if ind <= 0:
        raise ShapeError(f"numpy.linalg.tensorinv: ind must be a positive integer, got {ind}.")
    if not s:
        raise ShapeError(f"numpy.linalg.tensorinv: a must have at least one dimension, got "
                         f"{_str(a)}.")
    rows = int(np.prod(s[:ind]))
    if rows != int(np.prod(s[ind:])):
        raise ShapeError(f"tensorinv: prod(a.shape[:ind]) must equal prod(a.shape[ind:]), got "
                         f"{_str(a)} with ind={ind}")
    return _reshape(inv(_reshape(a, (rows, rows))), (*s[ind:], *s[:ind]))


def tensorsolve(a: ArrayLike, b: ArrayLike, axes: Sequence[int] | None = None) -> Array:
    """x with tensordot(a, x, x.ndim) == b.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.tensorsolve(2.0 * fnp.eye(4).reshape(2, 2, 4), fnp.ones((2, 2)))
    array([0.5, 0.5, 0.5, 0.5])
    """
    a, b = promote_inexact(asarray(a), asarray(b))
    if axes is not None:
        nd = _nd(a)
        axes = [_normalize_axis(ax, nd) for ax in axes]
        a = lax.transpose(a, [i for i in range(nd) if i not in axes] + axes)
    sa = _shape(a)
    bn = _nd(b)
    xshape = sa[bn:]
    n = int(np.prod(xshape))
    if int(np.prod(sa[:bn])) != n:
        raise ShapeError(f"tensorsolve: a {_str(a)} is not square for b {_str(b)}")
    x = solve(_reshape(a, (n, n)), _reshape(b, (n,)))
    return _reshape(x, xshape)


# ---- 1-D convolution and correlation (numpy.convolve / numpy.correlate), on lax.conv
def _correlate_full(a, v):
    """c[k'] = sum_n a[n + k' - (m - 1)] * v[n] for k' = 0 .. n + m - 2 (full correlation)."""
    from fungrad._lax.conv import conv_general_dilated
    n, m = _shape(a)[0], _shape(v)[0]
    out = conv_general_dilated(lax.reshape(a, (1, 1, n)), lax.reshape(v, (1, 1, m)), (1,),
                               ((m - 1, m - 1),))
    return lax.reshape(out, (n + m - 1,))


def _conv_mode(full, n, m, mode, same_offset):
    if mode == "full":
        return full
    if mode == "valid":
        lo, hi = min(n, m) - 1, max(n, m)
    elif mode == "same":
        lo = same_offset
        hi = lo + max(n, m)
    else:
        raise ValueError(f"mode must be 'full', 'same' or 'valid', got {mode!r}")
    return lax.getitem(full, (("slice", lo, hi, None),), [])


def _vectors(a, v, fn):
    a, v = promote_inexact(asarray(a), asarray(v))
    if _nd(a) != 1 or _nd(v) != 1 or _shape(a)[0] == 0 or _shape(v)[0] == 0:
        raise ShapeError(f"{fn}: a and v must be non-empty 1-D arrays, got {_str(a)} and {_str(v)}")
    return a, v


def correlate(a, v, mode="valid"):
    """numpy.correlate: c[k] = sum_n a[n + k] conj(v[n]), modes 'valid', 'same', 'full'."""
    a, v = _vectors(a, v, "correlate")
    n, m = _shape(a)[0], _shape(v)[0]
    full = _correlate_full(a, _cp.conj(v))
    off = (m - 1) // 2 if n >= m else (n - 1) - (n - 1) // 2
    return _conv_mode(full, n, m, mode, off)


def convolve(a, v, mode="full"):
    """numpy.convolve: (a * v)[k] = sum_n a[n] v[k - n], modes 'full', 'same', 'valid'."""
    a, v = _vectors(a, v, "convolve")
    n, m = _shape(a)[0], _shape(v)[0]
    full = _correlate_full(a, lax.getitem(v, (("slice", None, None, -1),), []))
    return _conv_mode(full, n, m, mode, (min(n, m) - 1) // 2)

__all__ = [
    "EigResult", "EighResult", "QRResult", "SVDResult", "SlogdetResult", "cholesky", "cond", "cross",
    "det", "diagonal", "eig", "eigh", "eigvals", "eigvalsh", "inv", "lstsq", "matmul", "matrix_norm",
    "matrix_power", "matrix_rank", "matrix_transpose", "multi_dot", "norm", "outer", "pinv", "qr",
    "slogdet", "solve", "svd", "svdvals", "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot",
    "vector_norm"]
__dir__ = __all__.copy  # dir() lists the public names only
