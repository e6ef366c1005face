"""The fast path of a recorded op: the core's linearization of its program, cached per op signature.

For a jitted op program P (traced once per signature), `fungrad.extend.linearize_program(P)`
gives a forward program (primal outputs + residuals) and the backward program (the transpose of
the tangent part); both run as generated code, so an op costs one compiled forward call, and its
backward one compiled call (no tracing per op). Returns None when the op does not fit (the caller
then uses linearize_flat).
"""

from fungrad.extend import (
    EVAL_TRACE, LinearArg, Zero, backward_pass, compiled, current_trace, instantiate, is_eager,
    jit_p, linearize_program, lru_cache_table, traced_program)

_EVAL = type(EVAL_TRACE)

__all__ = ["op_program", "OpProgram", "OpLinear"]


class OpLinear:
    """The backward of one recorded op, whichever way it was linearized: the residuals it saved
    and `pullback(cts, residuals)`, the cotangents of the differentiated inputs (None for zero)
    from those of the nonzero outputs. The one backward path of OpNode."""

    __slots__ = ("out_avals", "out_zero", "residuals", "_bwd", "_program", "_linear", "eqns")

    @classmethod
    def compiled(cls, out_avals, out_zero, residuals, program, bwd):
        """From the op program's linearization (linearize_program): the backward `program` and
        its compiled code `bwd`."""
        lin = _olnew(cls)  # every slot set here, once (this runs for every recorded op)
        lin.out_avals, lin.out_zero, lin.residuals = out_avals, out_zero, residuals
        lin._program, lin._bwd, lin._linear, lin.eqns = program, bwd, None, ()
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
        for c in cts:
            if c is None or type(c) is Zero:  # (no comparison: an array's == is elementwise)
                cts = [instantiate(c, a) for c, a in
                       zip(cts, [a for a, z in zip(self.out_avals, self.out_zero) if not z])]
                break
        if type(current_trace()) is not _EVAL:  # (not is_eager(): is_grads_batched's vmap)
            return jit_p.bind(*residuals, *cts, jaxpr=self._program)
        return self._bwd(*residuals, *cts)


_olnew = object.__new__
_op_programs = lru_cache_table("torch_op_linearized", 4096)  # (program, mask) -> OpProgram


class OpProgram:
    """One op signature's linearization, ready to run: the compiled forward (outputs, then
    residuals), the compiled backward and its program, the outputs' tangent avals and zero
    marks, the number of outputs and whether they form a tuple."""

    __slots__ = ("fwd", "bwd", "program", "out_avals", "out_zero", "m", "multi")

    def __init__(self, closed, mask, out_tree):
        lp = linearize_program(closed, mask)
        # (plain: ndarray results, the tensors' values as numpy made them; see compiled)
        self.fwd, self.bwd = compiled(lp.forward, plain=True).fn, compiled(lp.backward, plain=True).fn
        self.program = lp.backward
        self.out_avals = [a.to_tangent_aval() for a in closed.out_avals]
        self.out_zero = [not nz for nz in lp.out_nonzero]
        self.m = len(closed.out_avals)
        self.multi = out_tree.node is not None

    def run(self, leaves):
        """(outputs, is_tuple, OpLinear) of the op on its flat operands (outputs and residuals
        as tuples)."""
        outs = self.fwd(*leaves)
        m = self.m
        lin = OpLinear.compiled(self.out_avals, self.out_zero, outs[m:], self.program, self.bwd)
        return outs[:m], self.multi, lin


def op_program(jitted, vals, diff):
    """(OpProgram, flat operands) for the op on `vals` differentiated at `diff`, or None if the
    fast path does not apply (the caller then uses linearize_flat)."""
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
    return _op_programs.get_or_make((closed, mask), lambda: OpProgram(closed, mask, out_tree)), \
        leaves
