"""The fast path of a recorded op: the core's linearization of its program, cached per op signature.

For a jitted op program P (traced once per signature), `fungrad.extend.linearize_program(P)`
gives a forward program (primal outputs + residuals) and the backward program (the transpose of
the tangent part); both run as generated code, so an op costs one compiled forward call, and its
backward one compiled call (no tracing per op). Returns None when the op does not fit (the caller
then uses linearize_flat).
"""

from fungrad.extend import compiled, instantiate, is_eager, jit_p, linearize_program, traced_program

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
        cts = [instantiate(c, a)
               for c, a in zip(cts, [a for a, z in zip(self.out_avals, self.out_zero) if not z])]
        if not is_eager():  # e.g. is_grads_batched's vmap
            return jit_p.bind(*self.residuals, *cts, jaxpr=self.tjaxpr)
        return self.bwd(*self.residuals, *cts)


def linearize_direct(jitted, vals, diff):
    """(outputs, is_tuple, DirectLinear) for the op, or None if the fast path does not apply."""
    if not is_eager():
        return None
    program = traced_program(jitted, vals)
    if program is None:
        return None
    closed, leaves, out_tree = program
    if len(leaves) != len(vals):
        return None
    dset = set(diff)
    mask = tuple(i in dset for i in range(len(vals)))
    lp = linearize_program(closed, mask)
    if lp is None:
        return None
    outs = compiled(lp.forward).fn(*leaves)
    m = len(closed.out_avals)
    primal = list(outs[:m])
    res = list(outs[m:])
    out_avals = [a.to_tangent_aval() for a in closed.out_avals]
    lin = DirectLinear(out_avals, [not nz for nz in lp.out_nonzero], compiled(lp.backward).fn,
                       res, lp.backward)
    multi = out_tree.node is not None
    return primal, multi, lin
