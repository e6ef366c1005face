"""vmap: BatchTrace carries (value, batch_dim) pairs and applies each primitive's batching rule.

batch_dim is an int, or None for a value that is not mapped (a constant to this trace).

Imports: _core, lax (moving and broadcasting the batch axis).
"""
from fungrad._core.errors import ConcretizationError, MissingRuleError
from fungrad._core.trace import Trace, Tracer, check_alive, current_trace, get_aval, set_trace
from fungrad._core.tree import tree_flatten
from fungrad._lax import broadcast_batch, moveaxis


class BatchTracer(Tracer):
    __slots__ = ("val", "bdim")

    def __init__(self, trace, val, bdim):
        self._trace = trace
        self.val = val
        self.bdim = bdim

    @property
    def aval(self):
        a = get_aval(self.val)
        if self.bdim is None:
            return a
        return a.update(shape=a.shape[:self.bdim] + a.shape[self.bdim + 1:])

    def to_concrete(self, context):
        if self.bdim is None:
            v = self.val
            return v.to_concrete(context) if isinstance(v, Tracer) else v
        raise ConcretizationError(
            f"{context} was called on a batched value {self.aval.str_short()} inside vmap: it "
            "has a different value for each example, so Python control flow cannot branch on it. "
            "Fix: use fungrad.numpy.where or fungrad.lax.cond / select, which vmap batches.")


class BatchTrace(Trace):
    __slots__ = ("axis_size",)
    transform_name = "vmap"

    def __init__(self, parent, axis_size):
        super().__init__(parent)
        self.axis_size = axis_size

    def process(self, prim, args, params):
        vals = []
        dims = []
        batched = False
        for a in args:
            if type(a) is BatchTracer and a._trace is self:
                vals.append(a.val)
                dims.append(a.bdim)
                if a.bdim is not None:
                    batched = True
            else:
                if isinstance(a, Tracer):
                    check_alive(a)
                vals.append(a)
                dims.append(None)
        with set_trace(self.parent):
            if not batched:
                return prim.bind(*vals, **params)
            if prim.batch is None:
                raise MissingRuleError(
                    f"Batching rule for primitive '{prim.name}' is not implemented, so it cannot "
                    "be used under vmap with a batched operand. Fix: write the computation with "
                    "other operations, or loop over the batch in Python.")
            out, out_dim = prim.batch(self.axis_size, vals, dims, **params)
        if prim.multiple_results:
            return [BatchTracer(self, o, d) for o, d in zip(out, out_dim)]
        return BatchTracer(self, out, out_dim)


def vmap_flat(fun, args, in_dims, axis_size, out_axes_fn):
    """Map `fun` over axis `in_dims[i]` of each flat argument (None: not mapped).

    out_axes_fn(out_tree) gives the flat list of output axes (None: the output must not be
    batched... it is returned unmapped only if it does not depend on the mapped inputs).
    Returns (out_leaves, out_tree).
    """
    trace = BatchTrace(current_trace(), axis_size)
    tracers = [a if d is None else BatchTracer(trace, a, d) for a, d in zip(args, in_dims)]
    try:
        with set_trace(trace):
            out = fun(*tracers)
        leaves, tree = tree_flatten(out)
        out_axes = out_axes_fn(tree)
        results = []
        for o, ax in zip(leaves, out_axes, strict=True):
            if type(o) is BatchTracer and o._trace is trace:
                val, dim = o.val, o.bdim
            else:
                val, dim = o, None
            results.append(_move_out(val, dim, ax, axis_size))
    finally:
        trace.alive = False
    return results, tree


def _move_out(val, dim, out_axis, axis_size):
    if out_axis is None:
        if dim is not None:
            raise ValueError(
                "vmap has out_axes=None for an output that depends on the mapped inputs, so it "
                "cannot be returned unmapped. Fix: give that output an integer out_axes.")
        return val
    if dim is None:
        val = broadcast_batch(val, axis_size, 0)
        dim = 0
    ndim = get_aval(val).ndim
    if not -ndim <= out_axis < ndim:
        raise ValueError(
            f"vmap out_axes={out_axis} is out of range for an output of shape "
            f"{get_aval(val).str_short()} with the mapped axis (rank {ndim}); out_axes must be "
            f"in [-{ndim}, {ndim}).")
    out_axis = out_axis + ndim if out_axis < 0 else out_axis
    return moveaxis(val, dim, out_axis)
