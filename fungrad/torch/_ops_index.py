"""Indexing: ``t[idx]`` (Select/Slice/Index backward nodes) and ``t[idx] = v`` (CopySlices, or
IndexPutBackward0 for an index of tensors and full slices)."""
import numpy as np

import fungrad.numpy as fnp
from fungrad import lax
from fungrad.extend import index as _fgetitem, parse_index
from fungrad.torch._dtype import tensor_type_name
from fungrad.torch._record import apply
from fungrad.torch._tensor import Tensor
from fungrad.torch._util import cast, scalar_name, val

__all__ = ["getitem", "setitem", "index_name"]


_INT64 = 2 ** 63
_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.uint8), np.dtype(np.bool_))


def _convert(idx):
    if isinstance(idx, Tensor):
        v = np.asarray(val(idx))
        if v.dtype not in _INDEX_DTYPES:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return v if v.ndim or v.dtype == np.bool_ else int(v)
    if type(idx) is int:
        if not -_INT64 <= idx < _INT64:
            raise ValueError("Overflow when unpacking long long")
        return idx
    if isinstance(idx, tuple):
        return tuple(_convert(i) for i in idx)
    if isinstance(idx, list):
        if any(isinstance(i, Tensor) for i in idx):
            return np.asarray([val(i) for i in idx])
        if any(isinstance(i, (list, tuple, slice)) or i is None or i is Ellipsis for i in idx):
            return _convert(tuple(idx))  # torch's (deprecated) reading of such a list: a tuple
        if any(type(i) is float for i in idx):
            return np.asarray(idx).astype(np.int64)  # torch truncates a list of floats
    return idx


def index_name(idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    name = None
    for it in items:
        if isinstance(it, (list, np.ndarray)):
            return "IndexBackward0"
        if it is Ellipsis or (isinstance(it, slice) and it == slice(None)):
            continue
        if isinstance(it, slice):
            name = "SliceBackward0"
        elif it is None:
            name = "UnsqueezeBackward0"
        else:
            name = "SelectBackward0"
    return name or "AliasBackward0"


def index_tensors(idx):
    """The tensors of an index that torch's IndexBackward0 / IndexPutBackward0 save: operands of
    the recorded node, so that they are version-checked (the op takes the converted index)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    return [i for i in items if isinstance(i, Tensor) and (i.ndim or i._value.dtype == np.bool_)]


def getitem(a, idx):
    cidx = _convert(idx)
    name = index_name(cidx)
    if name != "IndexBackward0":
        return apply(name, lambda x: _fgetitem(x, cidx), [a], view=True)
    return apply(name, lambda x, *_i: _fgetitem(x, cidx), [a] + index_tensors(idx))


def _setitem_fn(idx, shape, dtype):
    spec, arrays = parse_index(idx, len(shape))
    mask = np.zeros(shape, np.bool_)
    mask[idx] = True
    region = np.zeros(shape, np.int8)[idx].shape

    def fn(x, v):
        v = cast(v, dtype)
        upd = fnp.broadcast_to(v, region)
        placed = lax.scatter_add(fnp.zeros(shape, dtype), upd, spec, arrays)
        return fnp.where(mask, placed, x)
    return fn


def setitem(a, idx, value):
    from fungrad.torch._ops_inplace import inplace
    if value is None or isinstance(value, (str, dict, list, tuple)) or not (
            isinstance(value, (Tensor, int, float, complex, np.ndarray, np.generic))
            or hasattr(value, "shape")):  # torch's: before the index is read
        raise TypeError(f"can't assign a {type(value).__name__} to a "
                        f"{tensor_type_name(a._value.dtype)}")
    orig, idx = idx, _convert(idx)
    dt = a._value.dtype
    items = idx if isinstance(idx, tuple) else (idx,)
    shape = tuple(a.shape)
    d = 0
    for it in items:  # a mask must match the dims it indexes (checked before the value)
        if it is Ellipsis:
            break
        if isinstance(it, np.ndarray) and it.dtype == np.bool_ and it.ndim:
            if it.shape != shape[d:d + it.ndim]:
                raise IndexError(f"The shape of the mask {list(it.shape)} at index {d} does not "
                                 f"match the shape of the indexed tensor {list(shape)} at index "
                                 f"{d}")
            d += it.ndim
        elif it is not None:
            d += 1
    if isinstance(value, Tensor):
        vd = value._value.dtype
        if vd != dt and any(isinstance(i, (np.ndarray, list)) for i in items):
            raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                               f"{scalar_name(dt)} for the destination and {scalar_name(vd)} for "
                               "the source.")
    elif not isinstance(value, (bool, int, float, complex, np.generic, np.ndarray)):
        raise TypeError(f"can't assign a {type(value).__name__} to a {tensor_type_name(dt)}")
    fn = _setitem_fn(idx, tuple(a.shape), dt)
    tensors = index_tensors(orig)
    if tensors and all(isinstance(it, Tensor) or it is Ellipsis or
                       (isinstance(it, slice) and it == slice(None))
                       for it in (orig if isinstance(orig, tuple) else (orig,))):
        # tensors and full slices only: torch's index_put_ on the tensor itself, whose node
        # saves the index tensors (operands here, so that they are version-checked)
        inplace(a, "IndexPutBackward0", lambda x, v, *_i: fn(x, v), [value] + tensors,
                view_error=True)
        return
    inplace(a, "torch::autograd::CopySlices", fn, [value], view_error=True)
