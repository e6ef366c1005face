"""Shape ops (views and copies): view/reshape/flatten/squeeze/unsqueeze/permute/transpose/t/
expand/repeat, cat/stack/split/chunk/unbind, flip, clone, dtype conversions."""
import numpy as np

import fungrad.numpy as fnp
from fungrad.torch._dtype import to_np
from fungrad.torch._record import apply
from fungrad.torch._tensor import Tensor
from fungrad.torch._util import cast, common, norm_dim

__all__ = ["reshape", "view", "flatten", "squeeze", "unsqueeze", "permute", "transpose", "t",
           "expand", "repeat", "cat", "concat", "stack", "split", "chunk", "unbind", "flip",
           "clone", "to", "movedim", "swapaxes", "narrow", "tile"]


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _infer(shape, n):
    if shape.count(-1) == 1:
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        if known and n % known == 0:
            return tuple(n // known if s == -1 else s for s in shape)
    else:
        total = 1
        for s in shape:
            total *= s
        if total == n:
            return shape
    raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")


def view(a, *shape):
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)):
        return to(a, shape[0])
    shape = _infer(_shape_arg(shape), a.numel())
    return apply("ViewBackward0", lambda x: fnp.reshape(x, shape), [a], view=True)


reshape = view


def view_as(a, other):
    return view(a, tuple(other.shape))


def flatten(a, start_dim=0, end_dim=-1):
    if a.ndim == 0:
        return view(a, 1)
    s, e = norm_dim(start_dim, a.ndim), norm_dim(end_dim, a.ndim)
    shp = tuple(a.shape)
    n = 1
    for d in shp[s:e + 1]:
        n *= d
    return view(a, shp[:s] + (n,) + shp[e + 1:])


def squeeze(a, dim=None):
    if dim is None:
        axes = tuple(i for i, d in enumerate(a.shape) if d == 1)
        name = "SqueezeBackward0"
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = tuple(norm_dim(d, a.ndim) for d in dims if a.shape[norm_dim(d, a.ndim)] == 1)
        name = "SqueezeBackward1" if isinstance(dim, int) else "SqueezeBackward2"
    return apply(name, lambda x: fnp.squeeze(x, axis=axes) if axes else x * 1, [a], view=True)


def unsqueeze(a, dim):
    d = norm_dim(dim, a.ndim + 1)
    return apply("UnsqueezeBackward0", lambda x: fnp.expand_dims(x, d), [a], view=True)


def permute(a, *dims):
    dims = tuple(norm_dim(d, a.ndim) for d in _shape_arg(dims))
    return apply("PermuteBackward0", lambda x: fnp.transpose(x, dims), [a], view=True)


def transpose(a, dim0, dim1):
    if a.ndim < 2 and a.ndim == 0:
        return apply("TransposeBackward0", lambda x: x * 1, [a], view=True)
    p = list(range(a.ndim))
    d0, d1 = norm_dim(dim0, a.ndim), norm_dim(dim1, a.ndim)
    p[d0], p[d1] = p[d1], p[d0]
    return apply("TransposeBackward0", lambda x: fnp.transpose(x, p), [a], view=True)


swapaxes = transpose


def t(a):
    if a.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
    return apply("TBackward0", lambda x: fnp.transpose(x) if x.ndim == 2 else x * 1, [a],
                 view=True)


def T(a):
    return permute(a, *reversed(range(a.ndim)))


def movedim(a, source, destination):
    return apply("PermuteBackward0", lambda x: fnp.moveaxis(x, source, destination), [a],
                 view=True)


def expand(a, *sizes):
    sizes = _shape_arg(sizes)
    shp = tuple(a.shape)
    pad = len(sizes) - len(shp)
    target = tuple(shp[i - pad] if s == -1 else s for i, s in enumerate(sizes))
    return apply("ExpandBackward0", lambda x: fnp.broadcast_to(x, target), [a], view=True)


def expand_as(a, other):
    return expand(a, *other.shape)


def repeat(a, *sizes):
    sizes = _shape_arg(sizes)
    return apply("RepeatBackward0", lambda x: fnp.tile(x, sizes), [a])


tile = repeat


def cat(tensors, dim=0):
    tensors = list(tensors)
    nd = [t.ndim for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)]
    for n in nd[1:]:
        if n != nd[0]:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd[0]} and {n}")
    dt = common(*tensors)
    d = norm_dim(dim, tensors[0].ndim)
    return apply("CatBackward0", lambda *xs: fnp.concatenate([cast(x, dt) for x in xs], axis=d),
                 tensors)


concat = cat


def stack(tensors, dim=0):
    tensors = list(tensors)
    dt = common(*tensors)
    d = norm_dim(dim, tensors[0].ndim + 1)
    return apply("StackBackward0", lambda *xs: fnp.stack([cast(x, dt) for x in xs], axis=d),
                 tensors)


def _slice_dim(a, d, start, stop, name="SliceBackward0"):
    idx = (slice(None),) * d + (slice(start, stop),)
    return apply(name, lambda x: x[idx], [a], view=True)


def multi_view(views):
    """The views of a function that returns several (split, unbind): torch does not let an
    in-place op change one while it is part of a graph (fungrad.torch._ops_inplace.check)."""
    out = tuple(views)
    for k, v in enumerate(out):
        v._multi_view = k
    return out


def split(a, split_size_or_sections, dim=0):
    d = norm_dim(dim, a.ndim)
    n = a.shape[d]
    if isinstance(split_size_or_sections, int):
        bounds = list(range(0, n, split_size_or_sections)) + [n]
        name = "SplitBackward0"
    else:
        bounds = [0] + list(np.cumsum(split_size_or_sections))
        name = "SplitWithSizesBackward0"
    return multi_view(_slice_dim(a, d, bounds[i], bounds[i + 1], name)
                      for i in range(len(bounds) - 1))


def chunk(a, chunks, dim=0):
    n = a.shape[norm_dim(dim, a.ndim)]
    return split(a, -(-n // chunks), dim)


def unbind(a, dim=0):
    d = norm_dim(dim, a.ndim)
    return multi_view(apply("UnbindBackward0", lambda x, i=i: x[(slice(None),) * d + (i,)],
                            [a], view=True) for i in range(a.shape[d]))


def narrow(a, dim, start, length):
    return _slice_dim(a, norm_dim(dim, a.ndim), start, start + length)


def flip(a, dims):
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return apply("FlipBackward0", lambda x: fnp.flip(x, axis=dims), [a])


def clone(a, memory_format=None):
    out = apply("CloneBackward0", lambda x: x * 1 if x.dtype.kind != "b" else x | False, [a])
    if out._value is a._value:
        out._value = np.array(a._value, copy=True)
    return out


def to(a, *args, **kwargs):
    """Only dtype conversion is meaningful here (device arguments are accepted and ignored)."""
    from fungrad.torch._device import check_device, device
    dt = kwargs.get("dtype")
    check_device(kwargs.get("device"))
    for x in args:
        if isinstance(x, Tensor):
            dt = x.dtype
        elif isinstance(x, (str, device)) or type(x) is int:
            check_device(x)  # 'cpu' is accepted; CUDA raises torch's CPU-build error
        elif x is not None and not isinstance(x, bool):
            dt = x
    if dt is None or to_np(dt) == a._value.dtype:
        return a
    npd = to_np(dt)
    return apply("ToCopyBackward0", lambda x: cast(x, npd), [a])
