"""Structural linear primitives: broadcast_to, reduce_sum (its transpose), reshape, transpose.

They are their own family because each one's transpose is another of them.

Imports: _core.
"""
import numpy as np

from fungrad._core.array import ARRAY_TYPES
from fungrad._core.aval import shaped
from fungrad._core.errors import ShapeError
from fungrad._core.primitive import VJP_FROM_TRANSPOSE, Emit, Primitive, RuleFactory, register
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero

_ARRAYS = (*ARRAY_TYPES, np.ndarray)  # their shape is their aval's


def _linear_jvp(prim):
    def jvp(primals, tangents, **params):
        out = prim.bind(primals[0], **params)
        t = tangents[0]
        return out, (Zero(get_aval(out).to_tangent_aval()) if type(t) is Zero
                     else prim.bind(t, **params))
    return jvp


jvp_linear = RuleFactory(_linear_jvp)  # JVP of a primitive linear in its only operand


# ---- broadcast_to: numpy broadcasting of one operand to `shape`
broadcast_to_p = Primitive("broadcast_to")


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


register(broadcast_to_p, impl=lambda x, *, shape: np.broadcast_to(x, shape),
         abstract_eval=_broadcast_to_abstract, jvp=jvp_linear,
         transpose=lambda ct, x, *, shape: [unbroadcast(ct, x.aval)],
         batch=_broadcast_to_batch,
         emit=Emit("{xp}.broadcast_to({0}, {shape})", on=("numpy_api", "array_api")),
         vjp=VJP_FROM_TRANSPOSE)


def broadcast_to(x, shape):
    shape = tuple(shape)
    if get_aval(x).shape == shape:
        return x
    return broadcast_to_p.bind(x, shape=shape)


# ---- reduce_sum over `axes` (no keepdims; callers reshape)
reduce_sum_p = Primitive("reduce_sum")


def reduce_abstract_eval(x, *, axes):
    for a in axes:
        if not 0 <= a < x.ndim:
            raise ShapeError(f"reduction axis {a} is out of range for {x.str_short()}")
    return shaped(tuple(d for i, d in enumerate(x.shape) if i not in axes), x.dtype)


def _reduce_sum_transpose(ct, x, *, axes):
    kept = tuple(1 if i in axes else d for i, d in enumerate(x.aval.shape))
    return [broadcast_to(reshape(ct, kept), x.aval.shape)]


def _reduction_batch(prim):
    def batch(size, vals, dims, *, axes, **params):
        x, d = vals[0], dims[0]
        new_axes = tuple(a + (a >= d) for a in axes)
        out_dim = d - sum(a < d for a in axes)
        return prim.bind(x, axes=new_axes, **params), out_dim
    return batch


# batching rule of a reduction over `axes`: shift the axes past the batch dimension
reduction_batch = RuleFactory(_reduction_batch)

# impls call the ufunc's reduce: what np.sum/np.prod/np.max/np.min call for ndarrays (same value,
# dtype and errors), without their Python wrapper (1.7 vs 3.4 us on f64[16,32])
register(reduce_sum_p, impl=lambda x, *, axes: np.add.reduce(x, axis=axes),
         abstract_eval=reduce_abstract_eval, jvp=jvp_linear, transpose=_reduce_sum_transpose,
         batch=reduction_batch, emit=(Emit("np.add.reduce({0}, {axes})", fresh=True, on=("numpy",)),
                                       Emit("{0}.sum({axes})", fresh=True),
                                       Emit("xp.sum({0}, axis={axes})", fresh=True, on=("array_api",))),
         vjp=VJP_FROM_TRANSPOSE)


def reduce_sum(x, axes):
    axes = tuple(sorted(axes))
    if not axes:
        return x
    return reduce_sum_p.bind(x, axes=axes)


# ---- reshape to `new_sizes`
reshape_p = Primitive("reshape")


def _reshape_abstract(x, *, new_sizes):
    if int(np.prod(new_sizes, dtype=np.int64)) != x.size:
        raise ShapeError(f"cannot reshape {x.str_short()} into shape {new_sizes}")
    return shaped(new_sizes, x.dtype)


def _reshape_batch(size, vals, dims, *, new_sizes):
    return reshape(moveaxis(vals[0], dims[0], 0), (size, *new_sizes)), 0


def _reshape_impl(x, *, new_sizes):
    # an ndarray's own method: what np.reshape calls, without its Python wrapper
    return x.reshape(new_sizes) if type(x) is np.ndarray else np.reshape(x, new_sizes)


register(reshape_p, impl=_reshape_impl,
         abstract_eval=_reshape_abstract, jvp=jvp_linear,
         transpose=lambda ct, x, *, new_sizes: [reshape(ct, x.aval.shape)],
         batch=_reshape_batch,
         emit=(Emit("{0}.reshape({new_sizes})"), Emit("xp.reshape({0}, {new_sizes})", on=("array_api",))),
         vjp=VJP_FROM_TRANSPOSE)


def reshape(x, new_sizes):
    new_sizes = tuple(int(d) for d in new_sizes)
    if get_aval(x).shape == new_sizes:
        return x
    return reshape_p.bind(x, new_sizes=new_sizes)


# ---- transpose by permutation `perm`
transpose_p = Primitive("transpose")


def _transpose_abstract(x, *, perm):
    if sorted(perm) != list(range(x.ndim)):
        raise ShapeError(f"transpose: {perm} is not a permutation of the axes of {x.str_short()}")
    return shaped(tuple(x.shape[p] for p in perm), x.dtype)


def _transpose_batch(size, vals, dims, *, perm):
    x = moveaxis(vals[0], dims[0], 0)
    return transpose(x, (0, *[p + 1 for p in perm])), 0


register(transpose_p, impl=lambda x, *, perm: np.transpose(x, perm),
         abstract_eval=_transpose_abstract, jvp=jvp_linear,
         transpose=lambda ct, x, *, perm: [transpose(ct, tuple(np.argsort(perm)))],
         batch=_transpose_batch,
         emit=(Emit(lambda ctx, eqn, a: f"{a[0]}.T" if eqn.params["perm"] == (1, 0)
                    else f"{a[0]}.transpose({eqn.params['perm']})"),
               Emit("xp.permute_dims({0}, {perm})", on=("array_api",))),
         vjp=VJP_FROM_TRANSPOSE)


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
    shape = ct.shape if type(ct) in _ARRAYS else get_aval(ct).shape
    if shape == aval.shape:
        return ct
    lead = len(shape) - aval.ndim
    axes = tuple(range(lead)) + tuple(
        i + lead for i, d in enumerate(aval.shape) if d == 1 and shape[i + lead] != 1)
    return reshape(reduce_sum(ct, axes), aval.shape)

