"""Structural linear primitives: broadcast_to, reduce_sum (its transpose), reshape, transpose.

They are their own family because each one's transpose is another of them.

Imports: _core.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import ShapeError
from fungrad._core.primitive import Primitive
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero


def _linear_jvp(prim):
    """JVP of a primitive linear in its only operand: apply it to the tangent."""
    def jvp(primals, tangents, **params):
        out = prim.bind(primals[0], **params)
        t = tangents[0]
        return out, (Zero(get_aval(out).to_tangent_aval()) if type(t) is Zero
                     else prim.bind(t, **params))
    return jvp


# ---- broadcast_to: numpy broadcasting of one operand to `shape`
broadcast_to_p = Primitive("broadcast_to")
broadcast_to_p.impl = lambda x, *, shape: np.broadcast_to(x, shape)
broadcast_to_p.extra["emit"] = "np.broadcast_to({0}, {shape})"  # jit code generation


def _broadcast_to_abstract(x, *, shape):
    try:
        np.broadcast_shapes(x.shape, shape)
    except ValueError:
        raise ShapeError(f"cannot broadcast {x.str_short()} to shape {shape}") from None
    if np.broadcast_shapes(x.shape, shape) != tuple(shape):
        raise ShapeError(f"cannot broadcast {x.str_short()} to shape {shape}")
    return shaped(shape, x.dtype)


def _broadcast_to_batch(size, vals, dims, *, shape):
    x, d = vals[0], dims[0]
    x = batch_to_front(x, d, len(shape) - (get_aval(x).ndim - 1))
    return broadcast_to(x, (size, *shape)), 0


broadcast_to_p.abstract_eval = _broadcast_to_abstract
broadcast_to_p.jvp = _linear_jvp(broadcast_to_p)
broadcast_to_p.transpose = lambda ct, x, *, shape: [unbroadcast(ct, x.aval)]
broadcast_to_p.batch = _broadcast_to_batch


def broadcast_to(x, shape):
    shape = tuple(shape)
    if get_aval(x).shape == shape:
        return x
    return broadcast_to_p.bind(x, shape=shape)


# ---- reduce_sum over `axes` (no keepdims; callers reshape)
reduce_sum_p = Primitive("reduce_sum")
reduce_sum_p.impl = lambda x, *, axes: np.sum(x, axis=axes)
reduce_sum_p.extra.update(emit="{0}.sum({axes})", fresh=True)


def reduce_abstract_eval(x, *, axes):
    for a in axes:
        if not 0 <= a < x.ndim:
            raise ShapeError(f"reduction axis {a} is out of range for {x.str_short()}")
    return shaped(tuple(d for i, d in enumerate(x.shape) if i not in axes), x.dtype)


def _reduce_sum_transpose(ct, x, *, axes):
    kept = tuple(1 if i in axes else d for i, d in enumerate(x.aval.shape))
    return [broadcast_to(reshape(ct, kept), x.aval.shape)]


def reduction_batch(prim):
    """Batching rule of a reduction over `axes`: shift the axes past the batch dimension."""
    def batch(size, vals, dims, *, axes, **params):
        x, d = vals[0], dims[0]
        new_axes = tuple(a + (a >= d) for a in axes)
        out_dim = d - sum(a < d for a in axes)
        return prim.bind(x, axes=new_axes, **params), out_dim
    return batch


reduce_sum_p.abstract_eval = reduce_abstract_eval
reduce_sum_p.jvp = _linear_jvp(reduce_sum_p)
reduce_sum_p.transpose = _reduce_sum_transpose
reduce_sum_p.batch = reduction_batch(reduce_sum_p)


def reduce_sum(x, axes):
    axes = tuple(sorted(axes))
    if not axes:
        return x
    return reduce_sum_p.bind(x, axes=axes)


# ---- reshape to `new_sizes`
reshape_p = Primitive("reshape")
reshape_p.impl = lambda x, *, new_sizes: np.reshape(x, new_sizes)
reshape_p.extra["emit"] = "{0}.reshape({new_sizes})"


def _reshape_abstract(x, *, new_sizes):
    if int(np.prod(new_sizes, dtype=np.int64)) != x.size:
        raise ShapeError(f"cannot reshape {x.str_short()} into shape {new_sizes}")
    return shaped(new_sizes, x.dtype)


def _reshape_batch(size, vals, dims, *, new_sizes):
    return reshape(moveaxis(vals[0], dims[0], 0), (size, *new_sizes)), 0


reshape_p.abstract_eval = _reshape_abstract
reshape_p.jvp = _linear_jvp(reshape_p)
reshape_p.transpose = lambda ct, x, *, new_sizes: [reshape(ct, x.aval.shape)]
reshape_p.batch = _reshape_batch


def reshape(x, new_sizes):
    new_sizes = tuple(int(d) for d in new_sizes)
    if get_aval(x).shape == new_sizes:
        return x
    return reshape_p.bind(x, new_sizes=new_sizes)


# ---- transpose by permutation `perm`
transpose_p = Primitive("transpose")
transpose_p.impl = lambda x, *, perm: np.transpose(x, perm)
transpose_p.extra["emit"] = lambda ctx, eqn, a: (
    f"{a[0]}.T" if eqn.params["perm"] == (1, 0) else f"{a[0]}.transpose({eqn.params['perm']})")


def _transpose_abstract(x, *, perm):
    if sorted(perm) != list(range(x.ndim)):
        raise ShapeError(f"transpose: {perm} is not a permutation of the axes of {x.str_short()}")
    return shaped(tuple(x.shape[p] for p in perm), x.dtype)


def _transpose_batch(size, vals, dims, *, perm):
    x = moveaxis(vals[0], dims[0], 0)
    return transpose(x, (0, *[p + 1 for p in perm])), 0


transpose_p.abstract_eval = _transpose_abstract
transpose_p.jvp = _linear_jvp(transpose_p)
transpose_p.transpose = lambda ct, x, *, perm: [transpose(ct, tuple(np.argsort(perm)))]
transpose_p.batch = _transpose_batch


def transpose(x, perm):
    perm = tuple(int(p) for p in perm)
    if perm == tuple(range(len(perm))):
        return x
    return transpose_p.bind(x, perm=perm)


# ---- helpers built on the above
def moveaxis(x, src, dst):
    """Move axis `src` of `x` to position `dst`."""
    ndim = get_aval(x).ndim
    if src == dst:
        return x
    perm = [i for i in range(ndim) if i != src]
    perm.insert(dst, src)
    return transpose(x, perm)


def batch_to_front(x, bdim, pad=0):
    """Move batch axis `bdim` to the front and insert `pad` size-1 axes after it."""
    x = moveaxis(x, bdim, 0)
    if pad:
        shape = get_aval(x).shape
        x = reshape(x, (shape[0],) + (1,) * pad + shape[1:])
    return x


def broadcast_batch(x, size, dim):
    """Give an unbatched value a batch axis of `size` at position `dim`."""
    shape = get_aval(x).shape
    x = broadcast_to(reshape(x, (1, *shape)), (size, *shape))
    return moveaxis(x, 0, dim)


def unbroadcast(ct, aval):
    """Sum a cotangent of a broadcast result back to the operand's shape `aval.shape`."""
    shape = get_aval(ct).shape
    if shape == aval.shape:
        return ct
    lead = len(shape) - aval.ndim
    axes = tuple(range(lead)) + tuple(
        i + lead for i, d in enumerate(aval.shape) if d == 1 and shape[i + lead] != 1)
    return reshape(reduce_sum(ct, axes), aval.shape)

