"""Small helpers shared by the op modules: values of operands, casts, dims."""
import numpy as np

from fungrad.extend import cast as _fcast
from fungrad.torch._dtype import result_dtype
from fungrad.torch._tensor import Tensor

F32 = np.dtype(np.float32)
_PY = (bool, int, float)


def val(a):
    return a._value if isinstance(a, Tensor) else a


def common(*args, inexact=False):
    """torch's result dtype of the operands (float32 for int/int when ``inexact``)."""
    dt = result_dtype([val(a) if not isinstance(val(a), (list, tuple)) else np.asarray(val(a))
                       for a in args])
    if inexact and dt.kind not in "fc":
        dt = F32
    return dt


def cast(x, dt):
    """``x`` (a value inside an op function) as dtype ``dt``; Python scalars stay weak."""
    if type(x) in _PY:
        return x if dt.kind in "fc" or type(x) is not float else dt.type(x)
    if x.dtype == dt:
        return x
    return _fcast(x, dt)


def norm_dim(d, ndim):
    nd = max(ndim, 1)
    if not -nd <= d < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], "
                         f"but got {d})")
    return d % nd


def dims_of(dim, ndim):
    if dim is None:
        return None
    if isinstance(dim, int):
        return (norm_dim(dim, ndim),)
    return tuple(norm_dim(d, ndim) for d in dim)
