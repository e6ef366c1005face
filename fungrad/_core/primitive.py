"""Primitive: a named operation whose rules (impl, abstract eval, JVP, transpose, batching) live on it.

Imports: _core.trace. The rule slots are filled by fungrad._lax, one block per primitive.
"""
from fungrad._core.trace import current_trace_var


class Primitive:
    """A named operation. `bind` hands it to the current trace, which evaluates, records or transforms it.

    Rule slots (None until defined; a transform that needs a missing rule raises MissingRuleError):
      impl(*vals, **params) -> value                   concrete evaluation with numpy
      abstract_eval(*avals, **params) -> aval          shape/dtype inference (the typing rule)
      jvp(primals, tangents, **params) -> (out, t_out) forward derivative, written with binds
      transpose(ct, *args, **params) -> [ct_in...]     for linear primitives; args are LinearArg or values
      batch(axis_size, vals, dims, **params) -> (out, out_dim)
      partial_eval(trace, args, **params) -> out      optional, for higher-order primitives: called
          when a linearization's tangent program (a forward_known StagingTrace) receives the
          primitive with some traced (unknown) and some known operands. It runs the known part on
          trace.parent and records only the unknown part; without it the whole equation is recorded.
    Operands are positional; params are keyword-only and hashable.
    """

    __slots__ = ("name", "multiple_results", "impl", "abstract_eval", "jvp", "transpose",
                 "batch", "partial_eval", "extra", "__weakref__")

    def __init__(self, name, multiple_results=False):
        self.name = name
        self.multiple_results = multiple_results
        self.impl = self.abstract_eval = self.jvp = self.transpose = self.batch = None
        self.partial_eval = None
        self.extra = {}  # further per-transform rules (e.g. code emission for jit)

    def bind(self, *args, **params):
        return current_trace_var.get().process(self, args, params)

    def __repr__(self):
        return self.name
