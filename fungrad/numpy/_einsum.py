"""einsum: Einstein summation over any number of operands, with repeated indices within an
operand (diagonals), ellipsis broadcasting, the implicit output of numpy, and numpy's
interleaved operand/sublist form. Operands are contracted pairwise with dot_general in the order
numpy's `einsum_path(optimize='greedy')` (what optimize=True picks) chooses; indices that only
one operand uses and the output does not are summed first.

Imports: _core, lax, numpy._promote.
"""
from __future__ import annotations

from typing import Any

import string

import numpy as np

from fungrad._core.typing import Array, ArrayLike, DTypeLike
from fungrad._core.errors import ShapeError
from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad._lax import _args
from fungrad.numpy._promote import asarray, cast, promote

__all__ = ["einsum"]

_LETTERS = string.ascii_letters


def _nd(x):
    return get_aval(x).ndim


def _from_interleaved(args):
    """(subscripts, operands) from einsum(op0, sublist0, op1, sublist1, ..., [out])."""
    ops, terms = [], []
    args = list(args)
    if len(args) < 2:
        raise ValueError(f"numpy.einsum: give a subscripts string and the operands, or at least "
                         f"an operand and its subscripts list, got {_args.describe(args[0])} "
                         "alone.")
    out = None
    if len(args) % 2 == 1:
        out = args.pop()
    for op, sub in zip(args[0::2], args[1::2]):
        ops.append(op)
        terms.append(sub)

    def conv(sub):
        if not isinstance(sub, (list, tuple)):
            raise TypeError(f"numpy.einsum: the subscripts for each operand must be a list or a "
                            f"tuple, got {_args.describe(sub)}.")
        for s in sub:
            if s is Ellipsis:
                continue
            if isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)):
                raise TypeError(f"numpy.einsum: each subscript must be an integer or an "
                                f"ellipsis, got {_args.describe(s)} in {sub!r}.")
            if not 0 <= s < len(_LETTERS):
                raise ValueError(f"numpy.einsum: subscript {s} is not within the valid range "
                                 f"[0, {len(_LETTERS)}).")
        return "".join("..." if s is Ellipsis else _LETTERS[int(s)] for s in sub)
    spec = ",".join(conv(t) for t in terms)
    if out is not None:
        spec += "->" + conv(out)
    return spec, ops


def _parse(subscripts, operands, optimize="greedy"):
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        ins, out = subscripts.split("->")
    else:
        ins, out = subscripts, None
    terms = ins.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum: {len(terms)} subscript terms for {len(operands)} operands")
    used = set(subscripts)
    pool = [c for c in _LETTERS if c not in used]
    ell_len = 0
    for t, x in zip(terms, operands):
        if "..." in t:
            ell_len = max(ell_len, _nd(x) - (len(t) - 3))
    ell = "".join(pool[:ell_len])
    new_terms = []
    for t, x in zip(terms, operands):
        if "..." in t:
            k = _nd(x) - (len(t) - 3)
            if k < 0:
                raise ValueError(f"einsum: term {t!r} has more indices than operand dimensions")
            t = t.replace("...", ell[ell_len - k:])
        if len(t) != _nd(x):
            raise ValueError(f"einsum: term {t!r} does not match an operand of rank {_nd(x)}")
        new_terms.append(t)
    if out is None:
        counts = {}
        for t in new_terms:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted((c for c, n in counts.items() if n == 1 and c not in ell),
                                   key=lambda c: (c.isupper(), c)))
    else:
        if ell_len and "..." not in out and optimize is False:
            # numpy's C einsum (optimize=False) does not sum over an ellipsis the output omits;
            # its optimized path (optimize=True/'greedy', fungrad's default) and JAX do
            shapes = ", ".join(get_aval(x).str_short() for x in operands)
            raise ShapeError(
                f"numpy.einsum: output has more dimensions than subscripts given in einstein "
                f"sum, but no '...' ellipsis provided to broadcast the extra dimensions: "
                f"{subscripts!r} with {shapes}, whose '...' covers {ell_len} dimension(s). Fix: "
                f"put '...' in the output, or pass optimize=True to sum over them.")
        out = out.replace("...", ell)
        if len(set(out)) != len(out):
            raise ValueError(f"einsum: output subscript {out!r} repeats an index")
    for c in out:
        if not any(c in t for t in new_terms):
            raise ValueError(f"einsum: output subscript {c!r} does not appear in the inputs")
    return new_terms, out


def _diagonals(x, term):
    """Take the diagonal over each index repeated within `term`; returns (x, term) with unique
    indices (each diagonal's axis last)."""
    while len(set(term)) != len(term):
        c = next(ch for ch in term if term.count(ch) > 1)
        pos = [i for i, ch in enumerate(term) if ch == c]
        rest = [i for i in range(len(term)) if i not in pos]
        x = lax.transpose(x, rest + pos)
        n = get_aval(x).shape[-1]
        if any(get_aval(x).shape[-k] != n for k in range(1, len(pos) + 1)):
            raise ValueError(f"einsum: index {c!r} repeated with different sizes")
        ar = np.arange(n)
        x = lax.getitem(x, (lax.FULL,) * len(rest) + ("array",) * len(pos), [ar] * len(pos))
        term = "".join(term[i] for i in rest) + c
    return x, term


def _sum_out(x, term, keep):
    axes = tuple(i for i, c in enumerate(term) if c not in keep)
    if axes:
        x = lax.reduce_sum(x, axes)
        term = "".join(c for c in term if c in keep)
    return x, term


def _contract(x, xt, y, yt, keep):
    """The product of two operands, summing the indices not in `keep`."""
    x, xt = _sum_out(x, xt, keep | set(yt))
    y, yt = _sum_out(y, yt, keep | set(xt))
    batch = [c for c in xt if c in yt and c in keep]
    contract = [c for c in xt if c in yt and c not in keep]
    dn = ((tuple(xt.index(c) for c in contract), tuple(yt.index(c) for c in contract)),
          (tuple(xt.index(c) for c in batch), tuple(yt.index(c) for c in batch)))
    out = lax.dot_general(x, y, dn)
    ot = ("".join(batch) + "".join(c for c in xt if c not in yt)
          + "".join(c for c in yt if c not in xt))
    return out, ot


def einsum(subscripts: Any, /, *operands: ArrayLike, out: None = None, optimize: str | bool = "greedy",
        precision: Any = None,
           preferred_element_type: DTypeLike | None = None, _dot_general: Any = None,
           dtype: DTypeLike | None = None, casting: str = "safe") -> Array:
    """Einstein summation (numpy.einsum): repeated indices, ellipses, any number of operands,
    contracted in numpy's greedy order. An output without '...' sums over the dimensions an
    input's '...' covers, as numpy's optimized einsum (and JAX); with optimize=False that is
    numpy's C einsum's ShapeError (a ValueError), as numpy.

    >>> import fungrad.numpy as fnp
    >>> fnp.einsum('ij,j->i', fnp.array([[1, 2], [3, 4]]), fnp.array([1, 1]))
    array([3, 7])
    >>> fnp.einsum('ii', fnp.array([[1, 2], [3, 4]]))
    array(5)

    >>> import fungrad.numpy as fnp
    >>> fnp.einsum('ij,j->i', fnp.array([[1, 2], [3, 4]]), fnp.array([1, 1]))
    array([3, 7])
    >>> fnp.einsum('ii', fnp.array([[1, 2], [3, 4]]))
    array(5)
    """
    if out is not None:
        raise NotImplementedError("einsum: out= is not supported: fungrad results are new arrays")
    if not isinstance(subscripts, str):
        subscripts, operands = _from_interleaved((subscripts,) + operands)
    operands = [asarray(o) for o in operands]
    if not operands:
        raise ValueError("einsum: no operands given")
    operands = list(promote(*operands)) if len(operands) > 1 else operands
    if dtype is not None or preferred_element_type is not None:
        dt = np.dtype(dtype if dtype is not None else preferred_element_type)
        operands = [cast(o, dt) for o in operands]
    terms, out_t = _parse(subscripts, operands, optimize)
    # sizes per index; size-1 axes broadcast against the others (numpy's einsum broadcasting)
    sizes: dict[str, int] = {}
    for t, x in zip(terms, operands):
        for c, d in zip(t, get_aval(x).shape):
            if d != 1 or c not in sizes:
                if sizes.get(c, d) not in (1, d):
                    raise ValueError(f"einsum: index {c!r} has sizes {sizes[c]} and {d}")
                sizes[c] = d if sizes.get(c, 1) == 1 else sizes[c]
    ops = []
    for i, (t, x) in enumerate(zip(terms, operands)):
        target = tuple(sizes[c] for c in t)
        if get_aval(x).shape != target:
            x = lax.broadcast_to(x, target)
        x, t = _diagonals(x, t)
        others = set(out_t).union(*(terms[:i] + terms[i + 1:]))
        ops.append(_sum_out(x, t, others))
    if len(ops) == 1:
        x, xt = ops[0]
    else:
        shapes = [np.broadcast_to(np.zeros((), get_aval(x).dtype), get_aval(x).shape)
                  for x, _ in ops]
        spec = ",".join(t for _, t in ops) + "->" + out_t
        path = np.einsum_path(spec, *shapes, optimize="greedy")[0][1:] if len(ops) > 2 else \
            [(0, 1)]
        ops = list(ops)
        for step in path:
            step = sorted(step, reverse=True)
            picked = [ops.pop(i) for i in step][::-1]
            keep = set(out_t).union(*[t for _, t in ops])
            x, xt = picked[0]
            for k in range(1, len(picked)):
                y, yt = picked[k]
                rest = keep.union(*[t for _, t in picked[k + 1:]])
                x, xt = _contract(x, xt, y, yt, rest)
            if len(picked) == 1:
                x, xt = _sum_out(x, xt, keep)
            ops.append((x, xt))
        x, xt = ops[0] if len(ops) == 1 else _fold(ops, out_t)
    x, xt = _sum_out(x, xt, set(out_t))
    return lax.transpose(x, [xt.index(c) for c in out_t])


def _fold(ops, out_t):
    x, xt = ops[0]
    for k in range(1, len(ops)):
        y, yt = ops[k]
        keep = set(out_t).union(*[t for _, t in ops[k + 1:]])
        x, xt = _contract(x, xt, y, yt, keep)
    return x, xt
