"""autograd.Function applied to Tensors whose values are core tracers (inside torch.func).

Old-style Functions (no setup_context) are rejected as torch does. A custom ``vmap`` staticmethod
runs on the unbatched values when the innermost transform is the core's vmap; otherwise forward
runs on the traced Tensors and the core differentiates / batches it.
"""
from fungrad._interp.batching import BatchTracer
from fungrad.torch._function import _FUNCTORCH
from fungrad.torch._tensor import Tensor, _new

__all__ = ["apply_in_transform", "VmapInfo"]


class VmapInfo:
    def __init__(self, batch_size, randomness="error"):
        self.batch_size = batch_size
        self.randomness = randomness


def apply_in_transform(cls, args):
    if not cls._new_style():
        raise RuntimeError(_FUNCTORCH)
    custom_vmap = cls.__dict__.get("vmap")
    traced = [a._value for a in args if isinstance(a, Tensor)]
    if custom_vmap is not None and traced and all(type(v) is BatchTracer for v in traced):
        trace = traced[0]._trace
        in_dims = tuple(a._value.bdim if isinstance(a, Tensor) else None for a in args)
        raw = [_new(a._value.val) if isinstance(a, Tensor) else a for a in args]
        info = VmapInfo(trace.axis_size)
        out, out_dims = cls.vmap(info, in_dims, *raw)
        if isinstance(out, tuple):
            return tuple(_new(BatchTracer(trace, o._value, d)) for o, d in zip(out, out_dims))
        return _new(BatchTracer(trace, out._value, out_dims))
    return cls.forward(*args)
