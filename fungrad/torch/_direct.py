"""The fast path of a recorded op: the core's linearization of its program, cached per op signature.

For a jitted op program P (traced once per signature), `fungrad.extend.linearize_program(P)`
gives a forward program (primal outputs + residuals) and the backward program (the transpose of
the tangent part); both run as generated code, so an op costs one compiled forward call, and its
backward one compiled call (no tracing per op). Returns None when the op does not fit (the caller
then uses linearize_flat).
"""

from fungrad.extend import (
    LinearArg, backward_pass, compiled, instantiate, is_eager, jit_p, linearize_program,
    lru_cache_table, traced_program)

__all__ = ["linearize_direct", "OpLinear"]


class OpLinear:
    """The backward of one recorded op, whichever way it was linearized: the residuals it saved
    and `pullback(cts, residuals)`, the cotangents of the differentiated inputs (None for zero)
    from those of the nonzero outputs. The one backward path of OpNode."""

    __slots__ = ("out_avals", "out_zero", "residuals", "_bwd", "_program", "_linear", "eqns")

    @classmethod
    def compiled(cls, out_avals, out_zero, residuals, program, bwd):
        """From the op program's linearization (linearize_program): the backward `program` and
        its compiled code `bwd`."""
        lin = cls(out_avals, out_zero, residuals)
        lin._program, lin._bwd = program, bwd
        return lin

    @classmethod
    def interpreted(cls, linear_fn):
        """From the core's linearize_flat (ops that cannot be compiled): the recorded tangent
        program, transposed by the core's backward_pass."""
        lin = cls(linear_fn.out_avals, linear_fn.out_zero, linear_fn.jaxpr.consts)
        lin._linear = linear_fn
        lin.eqns = linear_fn.jaxpr.jaxpr.eqns
        return lin

    def __init__(self, out_avals, out_zero, residuals):
        self.out_avals = out_avals
        self.out_zero = out_zero
        self.residuals = residuals
        self._bwd = self._program = self._linear = None
        self.eqns = ()

    def pullback(self, cts, residuals):
        if self._linear is not None:
            lf = self._linear
            args = [LinearArg(a) for a in lf.in_avals]
            return backward_pass(lf.jaxpr.jaxpr, residuals, args, cts)
        cts = [instantiate(c, a)
               for c, a in zip(cts, [a for a, z in zip(self.out_avals, self.out_zero) if not z])]
        if not is_eager():  # e.g. is_grads_batched's vmap
            return jit_p.bind(*residuals, *cts, jaxpr=self._program)
        return self._bwd(*residuals, *cts)


_op_programs = lru_cache_table("torch_op_linearized", 4096)  # one lookup per recorded op


def _programs(closed, mask):
    lp = linearize_program(closed, mask)
    return (compiled(lp.forward).fn, compiled(lp.backward).fn, lp.backward,
            [a.to_tangent_aval() for a in closed.out_avals], [not nz for nz in lp.out_nonzero])


def linearize_direct(jitted, vals, diff):
    """(outputs, is_tuple, OpLinear) for the op, or None if the fast path does not apply."""
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
    fwd, bwd, program, out_avals, out_zero = _op_programs.get_or_make(
        (closed, mask), lambda: _programs(closed, mask))
    outs = fwd(*leaves)
    m = len(closed.out_avals)
    lin = OpLinear.compiled(out_avals, out_zero, list(outs[m:]), program, bwd)
    primal = list(outs[:m])
    multi = out_tree.node is not None
    return primal, multi, lin
