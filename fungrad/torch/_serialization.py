"""torch.save / torch.load: fungrad's own pickle-based format.

The file is a short magic header followed by a pickle in which each Tensor is stored as its numpy
value and ``requires_grad`` (Parameters as Parameters); everything else pickles as usual. Files
are NOT interchangeable with real torch's (torch writes a zip archive of storages): save and load
both sides with the same library. ``weights_only=True`` (torch's default) admits only tensors,
numpy arrays, dtypes, containers and plain Python values; ``weights_only=False`` unpickles
anything (only load files you trust).
"""
import copyreg
import io
import os
import pickle

import numpy as np

from fungrad.torch._tensor import Tensor, _new

__all__ = ["save", "load"]

MAGIC = b"FUNGRAD-TORCH-PICKLE\x00v1\n"


def _rebuild_tensor(value, requires_grad):
    t = _new(np.asarray(value))
    t._requires_grad = bool(requires_grad)
    return t


def _reduce_tensor(t):
    if t._requires_grad and t.grad_fn is not None:
        raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, "
                           "since autograd does not support crossing process boundaries.  If "
                           "you just want to transfer the data, call detach() on the tensor "
                           "before serializing (e.g., putting it on the queue).")
    return (_rebuild_tensor, (np.asarray(t._value), t._requires_grad))


class _Pickler(pickle.Pickler):
    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[Tensor] = _reduce_tensor


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Saves ``obj`` to a path or a binary file object (fungrad's format: see the module doc)."""
    buf = io.BytesIO()
    _Pickler(buf, protocol=max(int(pickle_protocol), 4)).dump(obj)
    data = MAGIC + buf.getvalue()
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            fh.write(data)
    else:
        f.write(data)


_SAFE = {
    ("collections", "OrderedDict"), ("collections", "defaultdict"), ("builtins", "set"),
    ("builtins", "frozenset"), ("builtins", "slice"), ("builtins", "complex"),
    ("builtins", "getattr"), ("builtins", "dict"), ("builtins", "list"), ("builtins", "tuple"),
    ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy", "ndarray"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("fungrad.torch._serialization", "_rebuild_tensor"),
    ("fungrad.torch.nn.parameter", "_rebuild_parameter"),
    ("fungrad.torch.nn.parameter", "Parameter"),
    ("fungrad.torch._dtype", "from_np"), ("fungrad.torch._device", "device"),
    ("copyreg", "_reconstructor"), ("builtins", "object"), ("_codecs", "encode"),
}


class _WeightsOnly(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _SAFE or module.startswith("numpy.dtypes"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            "Weights only load failed. In PyTorch 2.6, we changed the default value of the "
            "`weights_only` argument in `torch.load` from `False` to `True`. Re-running "
            "`torch.load` with `weights_only` set to `False` will likely succeed, but it can "
            "result in arbitrary code execution. Do it only if you got the file from a trusted "
            f"source.\n WeightsUnpickler error: Unsupported global: GLOBAL {module}.{name}")


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Loads what ``save`` wrote (``map_location`` is accepted; everything is on the CPU)."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            data = fh.read()
    else:
        data = f.read()
    if not data.startswith(MAGIC):
        if data[:2] == b"PK":
            raise RuntimeError("fungrad.torch.load: this file was written by real PyTorch (a zip "
                               "archive); fungrad.torch reads only files saved by "
                               "fungrad.torch.save")
        raise pickle.UnpicklingError("fungrad.torch.load: not a file written by "
                                     "fungrad.torch.save")
    body = io.BytesIO(data[len(MAGIC):])
    if weights_only is None or weights_only:
        return _WeightsOnly(body).load()
    return pickle.Unpickler(body).load()
