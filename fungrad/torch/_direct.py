"""The fast path of a recorded op: the core's program transforms, cached per op signature.

For a jitted op program P (traced once per signature), jvp_jaxpr(P) is split by
partial_eval_jaxpr into a known program (primal outputs + residuals) and an unknown linear
program; its transpose_jaxpr is the op's backward. All three come from jit_p's ``derived`` cache
and run as generated code, so an op costs one compiled forward call, and its backward one
compiled call (no tracing per op). This is what linearize + backward_pass do, minus the per-op
interpretation. Returns None when the op does not fit (the caller then uses linearize_flat).
"""
import numpy as np

from fungrad._core.trace import EVAL_TRACE, current_trace_var
from fungrad._hop.call import compiled, derived, jit_p
from fungrad._interp.jaxpr_transforms import jvp_jaxpr, partial_eval_jaxpr, transpose_jaxpr

__all__ = ["linearize_direct", "DirectLinear"]


class DirectLinear:
    """Stands in for a LinearFunction: the compiled transpose and its residuals."""

    __slots__ = ("out_avals", "out_zero", "bwd", "residuals", "tjaxpr")

    def __init__(self, out_avals, out_zero, bwd, residuals, tjaxpr):
        self.out_avals = out_avals
        self.out_zero = out_zero
        self.bwd = bwd
        self.residuals = residuals
        self.tjaxpr = tjaxpr

    def pullback(self, cts):
        """Cotangents of the differentiated inputs from those of the nonzero outputs."""
        cts = [np.zeros(a.shape, a.dtype) if c is None else c
               for c, a in zip(cts, [a for a, z in zip(self.out_avals, self.out_zero) if not z])]
        if current_trace_var.get() is not EVAL_TRACE:  # e.g. is_grads_batched's vmap
            return jit_p.bind(*self.residuals, *cts, jaxpr=self.tjaxpr)
        return self.bwd(*self.residuals, *cts)


def _programs(closed, diff_mask):
    jv, out_nz = derived("jvp", closed, diff_mask, lambda: jvp_jaxpr(closed, list(diff_mask)))
    n, nd = len(diff_mask), sum(diff_mask)
    unknowns = (False,) * n + (True,) * nd
    known, unknown, out_uk, num_res = derived(
        "partial_eval", jv, unknowns, lambda: partial_eval_jaxpr(jv, list(unknowns)))
    m = len(closed.out_avals)
    ok = not any(out_uk[:m]) and all(out_uk[m:])
    if not ok:
        return None
    linear_in = (False,) * num_res + (True,) * nd
    tj = derived("transpose", unknown, linear_in,
                 lambda: transpose_jaxpr(unknown, list(linear_in)))
    return compiled(known).fn, compiled(tj).fn, out_nz, num_res, tj


def linearize_direct(jitted, vals, diff):
    """(outputs, is_tuple, DirectLinear) for the op, or None if the fast path does not apply."""
    if current_trace_var.get() is not EVAL_TRACE:
        return None
    entry, leaves, traced = jitted._entry(tuple(vals), {})
    if traced or entry.extra or len(leaves) != len(vals):
        return None
    closed = entry.jaxpr
    dset = set(diff)
    mask = tuple(i in dset for i in range(len(vals)))
    progs = derived("torch_direct", closed, mask, lambda: _programs(closed, mask))
    if progs is None:
        return None
    fwd, bwd, out_nz, num_res, tj = progs
    outs = fwd(*leaves)
    m = len(closed.out_avals)
    primal = list(outs[:m])
    res = list(outs[m:])
    out_avals = [a.to_tangent_aval() for a in closed.out_avals]
    lin = DirectLinear(out_avals, [not nz for nz in out_nz], bwd, res, tj)
    multi = entry.out_tree.node is not None
    return primal, multi, lin
