"""Shape ops (views and copies): view/reshape/flatten/squeeze/unsqueeze/permute/transpose/t/
expand/repeat, cat/stack/split/chunk/unbind, flip, clone, dtype conversions."""
import numpy as np

import fungrad.numpy as fnp
from fungrad.torch._dtype import dtype as _dtype, to_np
from fungrad.torch._record import apply
from fungrad.torch._tensor import Tensor
from fungrad.torch._util import cast, common, dim_int, dims_of, int_list, no_positional, norm_dim

__all__ = ["reshape", "view", "flatten", "squeeze", "unsqueeze", "permute", "transpose", "t",
           "expand", "repeat", "cat", "concat", "stack", "split", "chunk", "unbind", "flip",
           "clone", "to", "movedim", "swapaxes", "narrow", "tile"]


def _shape_arg(shape, name="view", arg="size"):
    """The ints of a ``*size`` argument (``f(2, 3)`` or ``f((2, 3))``), parsed as torch's
    argument parser does (torch's TypeErrors for what is not a tuple of ints or is missing)."""
    if len(shape) == 1:
        s = shape[0]
        if type(s) is int:
            return shape
        if isinstance(s, (tuple, list)):
            return int_list(s, name, arg)
        if not (isinstance(s, Tensor) or isinstance(s, np.integer)):
            int_list(s, name, arg)  # raises torch's TypeError
    elif not shape:
        raise TypeError(f'{name}() missing 1 required positional arguments: "{arg}"')
    return int_list(shape, name, arg)


def _infer(shape, n):
    """``shape`` for ``n`` elements, its one -1 inferred (torch's checks, one pass)."""
    known, infer = 1, None
    for i, s in enumerate(shape):
        if s >= 0:
            known *= s
        elif s == -1 and infer is None:
            infer = i
        elif s == -1:
            raise RuntimeError("only one dimension can be inferred")
        else:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape "
                               f"{list(shape)}")
    if infer is None:
        if known == n:
            return shape
    elif known and n % known == 0:
        return shape[:infer] + (n // known,) + shape[infer + 1:]
    raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")


def view(a, *shape):
    if len(shape) == 1 and isinstance(shape[0], _dtype):
        return to(a, shape[0])
    return _view(a, _shape_arg(shape, "view", "size"))


def reshape(a, *shape):
    return _view(a, _shape_arg(shape, "reshape", "shape"))


def _view(a, shape):
    shape = _infer(shape, a.numel())
    return apply("ViewBackward0", lambda x: fnp.reshape(x, shape), [a], view=True)


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


def _same(x):
    """x unchanged, as a new value (an op's result that is its operand: a view of it)."""
    return x * 1 if x.dtype.kind != "b" else x | False


def squeeze(a, dim=None):
    if dim is None:
        axes = tuple(i for i, d in enumerate(a.shape) if d == 1)
        name = "SqueezeBackward0"
    else:
        shp = a.shape
        axes = tuple(d for d in dims_of(dim, a.ndim) if a.ndim and shp[d] == 1)
        name = "SqueezeBackward2" if isinstance(dim, (tuple, list)) else "SqueezeBackward1"
    return apply(name, lambda x: fnp.squeeze(x, axis=axes) if axes else _same(x), [a],
                 view=True)


def unsqueeze(a, dim):
    d = norm_dim(dim, a.ndim + 1)
    return apply("UnsqueezeBackward0", lambda x: fnp.expand_dims(x, d), [a], view=True)


def permute(a, *dims):
    dims = tuple(norm_dim(d, a.ndim) for d in _shape_arg(dims, "permute", "dims"))
    if len(dims) != a.ndim:
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does not "
                           "match the length of the desired ordering of dimensions i.e. input.dim()"
                           f" = {a.ndim} is not equal to len(dims) = {len(dims)}")
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply("PermuteBackward0", lambda x: fnp.transpose(x, dims), [a], view=True)


def transpose(a, dim0, dim1):
    d0, d1 = norm_dim(dim0, a.ndim), norm_dim(dim1, a.ndim)
    if a.ndim == 0:
        return apply("TransposeBackward0", _same, [a], view=True)
    p = list(range(a.ndim))
    p[d0], p[d1] = p[d1], p[d0]
    return apply("TransposeBackward0", lambda x: fnp.transpose(x, p), [a], view=True)


swapaxes = transpose


def t(a):
    if a.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
    return apply("TBackward0", lambda x: fnp.transpose(x) if x.ndim == 2 else _same(x), [a],
                 view=True)


def T(a):
    return permute(a, *reversed(range(a.ndim)))


def movedim(a, source, destination):
    src, dst = _move_dims(source, a.ndim), _move_dims(destination, a.ndim)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} "
                           f"dims) should contain the same number of dims as destination "
                           f"({list(dst)} dims)")
    for what, ds in (("source", src), ("destination", dst)):
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{what}` ({list(ds)})")
    return apply("PermuteBackward0", lambda x: fnp.moveaxis(x, source, destination), [a],
                 view=True)


def _move_dims(d, ndim):
    return (norm_dim(d, ndim),) if not isinstance(d, (tuple, list)) else tuple(
        norm_dim(x, ndim) for x in d)


def expand(a, *sizes):
    sizes = _shape_arg(sizes, "expand", "size")
    shp = tuple(a.shape)
    pad = len(sizes) - len(shp)
    if pad < 0:
        raise RuntimeError(f"expand(torch.{a.type().split('.')[-1]}{{{list(shp)}}}, size="
                           f"{list(sizes)}): the number of sizes provided ({len(sizes)}) must be "
                           f"greater or equal to the number of dimensions in the tensor "
                           f"({len(shp)})")
    target = tuple(shp[i - pad] if s == -1 and i >= pad else s for i, s in enumerate(sizes))
    for i, s in enumerate(target):
        if s < 0 or (i >= pad and shp[i - pad] != 1 and shp[i - pad] != s):
            what = (f"isn't allowed in a leading, non-existing dimension {i}" if i < pad else
                    f"must match the existing size ({shp[i - pad]}) at non-singleton dimension "
                    f"{i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shp)}")
            raise RuntimeError(f"The expanded size of the tensor ({sizes[i]}) {what}")
    return apply("ExpandBackward0", lambda x: fnp.broadcast_to(x, target), [a], view=True)


def expand_as(a, other):
    return expand(a, tuple(other.shape))


def repeat(a, *sizes):
    sizes = _shape_arg(sizes, "repeat", "repeats")
    if len(sizes) < a.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    return _tile(a, sizes)


def tile(a, *dims):
    return _tile(a, _shape_arg(dims, "tile", "dims"))


def _tile(a, sizes):
    if min(sizes, default=0) < 0:
        shp = (1,) * (len(sizes) - a.ndim) + tuple(a.shape)
        out = [s * n for s, n in zip(shp, sizes)] if len(sizes) >= a.ndim else list(a.shape)
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{min(out)}: {out}")
    return apply("RepeatBackward0", lambda x: fnp.tile(x, sizes), [a])


def _tensor_list(tensors, name):
    """The tensors of a cat/stack argument, with torch's errors for what is not a sequence of
    tensors."""
    if not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return list(tensors)


def cat(tensors, dim=0):
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
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
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors[1:]):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(tensors[0].shape)} at entry 0 and {list(t.shape)} at entry "
                               f"{i + 1}")
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
    if not isinstance(a, Tensor) and hasattr(type(a), "split"):
        # torch.split is Python code that calls its argument's own split: a string's too
        return a.split(split_size_or_sections, dim)
    size = split_size_or_sections
    if isinstance(size, Tensor):  # torch's Tensor.split: int(size) where it can
        try:
            size = int(size)
        except (ValueError, RuntimeError, TypeError):
            pass
    if a.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = norm_dim(dim, a.ndim)
    n = a.shape[d]
    if type(size) is int or isinstance(size, np.integer):
        size = int(size)
        if size < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got "
                               f"split_size={size}")
        if size == 0 and n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        bounds = list(range(0, n, size)) + [n] if size else [0, 0]
        name = "SplitBackward0"
    else:
        sizes = int_list(size, "split_with_sizes", "split_sizes", 2)
        if min(sizes, default=0) < 0:
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative "
                               f"entries, but got split_sizes={list(sizes)}")
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {d}), but got "
                               f"split_sizes={list(sizes)}")
        bounds = [0] + list(np.cumsum(sizes))
        name = "SplitWithSizesBackward0"
    return multi_view(_slice_dim(a, d, bounds[i], bounds[i + 1], name)
                      for i in range(len(bounds) - 1))


def chunk(a, chunks, dim=0):
    chunks = dim_int(chunks, "chunks")
    if a.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = a.shape[norm_dim(dim, a.ndim)]
    return split(a, -(-n // chunks) if n else 0, dim)


def unbind(a, dim=0):
    if a.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = norm_dim(dim, a.ndim)
    return multi_view(apply("UnbindBackward0", lambda x, i=i: x[(slice(None),) * d + (i,)],
                            [a], view=True) for i in range(a.shape[d]))


def narrow(a, dim, start, length):
    d, start, length = narrow_bounds(a, dim, start, length)
    return _slice_dim(a, d, start, start + length)


def narrow_bounds(a, dim, start, length):
    """narrow's dim, start and length, with torch's checks (start may count from the end)."""
    dim, start, length = dim_int(dim), dim_int(start, "start"), dim_int(length, "length")
    if a.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = norm_dim(dim, a.ndim)
    n = a.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got "
                         f"{start})")
    start = start + n if start < 0 else start
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return d, start, length


def flip(a, dims, *more):
    if more:  # Tensor.flip(0, 1)
        dims = (dims,) + more
    elif not isinstance(dims, (tuple, list)):
        dims = (dims,)
    dims = dims_of(int_list(dims, "flip", "dims"), a.ndim)
    return apply("FlipBackward0", lambda x: fnp.flip(x, axis=dims), [a])


def clone(a, *args, memory_format=None):
    no_positional("clone", args)
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
            if type(x) is int and not 0 <= x < 2 ** 63:
                if x >= 0:
                    raise ValueError("Overflow when unpacking long long")
                raise RuntimeError("Device index must not be negative")
            check_device(x)  # 'cpu' is accepted; CUDA raises torch's CPU-build error
        elif x is not None and not isinstance(x, bool):
            dt = x
    if dt is None or to_np(dt) == a._value.dtype:
        return a
    npd = to_np(dt)
    if npd.kind == "b" and a._value.dtype.kind == "c":  # nonzero, the imaginary part too
        return apply("ToCopyBackward0", lambda x: x != 0, [a])
    return apply("ToCopyBackward0", lambda x: cast(x, npd), [a])
