"""Products of the numpy API: dot, matmul, einsum, outer, inner, tensordot, vdot.

All lower onto lax.dot_general plus transposes, reshapes and sums.

Imports: _core, lax, numpy._promote, numpy.reductions, numpy.shape, numpy.ufuncs.
"""
import string

import numpy as np

from fungrad._core.errors import ShapeError
from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad.numpy._promote import asarray, promote
from fungrad.numpy.reductions import sum as _sum
from fungrad.numpy.shape import ravel
from fungrad.numpy.ufuncs import multiply, sqrt


def _nd(x):
    return get_aval(x).ndim


def matmul(a, b):
    """Matrix product with numpy's rules: 1-D operands are promoted, leading axes broadcast."""
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


def dot(a, b):
    """numpy.dot: inner product for vectors, matrix product for matrices, scaling for scalars,
    and a sum over the last axis of a and the second-to-last of b otherwise."""
    x, y = promote(asarray(a), asarray(b))
    xn, yn = _nd(x), _nd(y)
    if xn == 0 or yn == 0:
        return lax.mul(x, y)
    return lax.dot_general(x, y, (((xn - 1,), (max(yn - 2, 0),)), ((), ())))


def vdot(a, b):
    return dot(ravel(a), ravel(b))


def inner(a, b):
    x, y = promote(asarray(a), asarray(b))
    if _nd(x) == 0 or _nd(y) == 0:
        return lax.mul(x, y)
    return lax.dot_general(x, y, (((_nd(x) - 1,), (_nd(y) - 1,)), ((), ())))


def outer(a, b):
    x, y = promote(ravel(a), ravel(b))
    return lax.mul(lax.reshape(x, (get_aval(x).size, 1)), y)


def tensordot(a, b, axes=2):
    x, y = promote(asarray(a), asarray(b))
    if isinstance(axes, int):
        xa = tuple(range(_nd(x) - axes, _nd(x)))
        ya = tuple(range(axes))
    else:
        xa, ya = axes
        xa = (xa,) if isinstance(xa, int) else tuple(xa)
        ya = (ya,) if isinstance(ya, int) else tuple(ya)
    xa = tuple(a % _nd(x) for a in xa)
    ya = tuple(a % _nd(y) for a in ya)
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


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector 2-norm (ord None/2) or Frobenius norm over `axis`."""
    if ord not in (None, 2, "fro"):
        raise NotImplementedError("norm supports the 2-norm / Frobenius norm only")
    x = asarray(x)
    return sqrt(_sum(multiply(x, x), axis=axis, keepdims=keepdims))

