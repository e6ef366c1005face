"""Eager reverse mode: a tape of (primitive, residuals) entries instead of a staged tangent program.

grad, vjp and value_and_grad on concrete values (no enclosing transform) run the function with a
TapeTrace current. Each operation on a taped value runs at once on the parent (numpy), and the tape
records what its backward step needs:

* a primitive with a registered shortcut (`Vjp`, fungrad._core.primitive) keeps its operands and
  result; the backward step is the shortcut, the transpose of its JVP written out;
* any other operation (primitives without one, custom_jvp/custom_vjp calls, control flow, calls
  with partial-evaluation rules, non-float results) takes the general path, one operation at a
  time: its JVP rule runs with a forward_known StagingTrace current, as in linearize, and the
  small tangent program it records is transposed by backward_pass.

The result is the same, bit for bit, as linearize + transpose of the whole function: the entries
are transposed in reverse order, each operand's cotangent accumulated in the order the general
path accumulates it (backward_pass's `seed`), and an output whose tangent is an operand's tangent
unchanged shares that operand's slot (as it shares its variable in the tangent program).

Imports: _core, _interp.staging, _interp.transpose, lax (cotangent accumulation).
"""
from __future__ import annotations
from fungrad._core.dtypes import is_float
from fungrad._core.gc_pause import paused_gc
from fungrad._core.linear_arg import LinearArg
from fungrad._core.trace import Trace, Tracer, check_alive, current_trace_var, get_aval, set_trace
from fungrad._core.tree import tree_flatten
from fungrad._core.zero import Zero, instantiate
from fungrad._interp.jvp import DualTracer, missing_jvp, split_outputs
from fungrad._interp.staging import StagingTrace, StagingTracer
from fungrad._interp.transpose import backward_pass
from fungrad._lax import add_any
from typing import Any, Callable, Sequence

enabled = True  # False: reverse mode always linearizes (the tests compare the two paths)


class TapeTracer(DualTracer):
    """A concrete value (`primal`) with a slot on the tape for its cotangent: `tangent` holds
    the slot's number (None for an integer input, which has none)."""

    __slots__ = ()


class TapeTrace(Trace):
    __slots__ = ("entries", "n_nodes", "transform_name")

    def __init__(self, parent, transform_name):
        super().__init__(parent)
        self.transform_name = transform_name
        self.entries = []
        self.n_nodes = 0

    def new_node(self):
        n = self.n_nodes
        self.n_nodes = n + 1
        return n

    def _split(self, args):
        primals, nodes = [], []
        taped = False
        for a in args:
            if type(a) is TapeTracer and a._trace is self:
                primals.append(a.primal)
                nodes.append(a.tangent)
                if a.tangent is not None:  # (an integer input has none)
                    taped = True
            else:
                if isinstance(a, Tracer):
                    check_alive(a)
                primals.append(a)
                nodes.append(None)
        return primals, nodes, taped

    def process(self, prim, args, params):
        primals, nodes, wants = [], [], []
        taped = False
        for a in args:  # _split, inline (the hot path: one call fewer per operation)
            if type(a) is TapeTracer and a._trace is self:
                primals.append(a.primal)
                n = a.tangent
                nodes.append(n)
                if n is not None:
                    taped = True
                    wants.append(True)
                else:
                    wants.append(False)
            else:
                if isinstance(a, Tracer):
                    check_alive(a)
                primals.append(a)
                nodes.append(None)
                wants.append(False)
        parent = self.parent
        if not taped:
            token = current_trace_var.set(parent)
            try:
                return parent.process(prim, tuple(primals), params)
            finally:
                current_trace_var.reset(token)
        fast = prim.vjp
        if fast is not None:
            # the parent is eager evaluation (tape_flat) and these impls are numpy calls that
            # bind nothing, so it need not be made current
            out = parent.process(prim, primals, params)
            dtype = getattr(out, "dtype", None)
            if dtype is not None and dtype.kind == "f":
                alias = fast.alias
                if alias is not None:
                    i = alias(out, primals, wants, **params)
                    if i is not None:
                        return TapeTracer(self, out, nodes[i])
                node = self.n_nodes
                self.n_nodes = node + 1
                self.entries.append((fast.bwd, primals, params, out, nodes, wants, node))
                return TapeTracer(self, out, node)
            # not covered (e.g. a float-to-integer conversion): the general path, which
            # recomputes the result inside the JVP rule
        if prim.jvp is None:
            raise missing_jvp(prim)
        return self._general(primals, nodes, prim.multiple_results,
                             lambda ps, ts: prim.jvp(ps, ts, **params))

    def process_custom_jvp(self, call, rule, args):
        """A call with a user JVP rule: the rule runs at once, its tangent part recorded (as
        LinearizeTrace.process_custom_jvp)."""
        primals, nodes, taped = self._split(args)
        if not taped:
            with set_trace(self.parent):
                return call(*primals)
        return self._general(primals, nodes, True, rule)

    def process_custom_vjp(self, call, fwd, lin, args):
        """A call with a user fwd/bwd pair: fwd runs on the primals and `lin(residuals,
        tangents, outs)` records the linear map whose transpose is bwd (as LinearizeTrace)."""
        primals, nodes, taped = self._split(args)
        with set_trace(self.parent):
            if not taped:
                return call(*primals)
            outs, res = fwd(primals)
        return self._general(primals, nodes, True, lambda ps, ts: (outs, lin(res, ts, outs)))

    def _general(self, primals, nodes, multiple, jvp):
        """Run `jvp(primals, tangents) -> (out, t_out)` with a fresh tangent program current
        (one input per distinct taped operand) and tape the program."""
        tt = StagingTrace(self.parent, forward_known=True,
                          transform_name=self.transform_name + " (tangent program)")
        by_node = {}
        tangents = []
        for p, n in zip(primals, nodes):
            if n is None:
                tangents.append(Zero.of(p))
                continue
            t = by_node.get(n)
            if t is None:
                by_node[n] = t = tt.new_arg(get_aval(p).to_tangent_aval())
            tangents.append(t)
        try:
            with set_trace(tt):
                out, t_out = jvp(primals, tangents)
        finally:
            tt.alive = False
        outs = list(out) if multiple else [out]
        t_outs = list(t_out) if multiple else [t_out]
        in_of_var = {t.var: n for n, t in by_node.items()}
        results, program_outs, out_nodes = [], [], []
        for o, t in zip(outs, t_outs):
            if t is None or type(t) is Zero:
                results.append(o)
                continue
            if type(t) is StagingTracer and t._trace is tt and t.var in in_of_var:
                # the operand's tangent unchanged: the output shares its slot
                results.append(TapeTracer(self, o, in_of_var[t.var]))
                continue
            node = self.new_node()
            program_outs.append(t)
            out_nodes.append(node)
            results.append(TapeTracer(self, o, node))
        if program_outs:
            closed = tt.to_jaxpr(program_outs)
            self.entries.append((None, closed, list(by_node), out_nodes))
        return results if multiple else results[0]

    def backward(self, out_nodes, cts):
        """Cotangents of every node (a dict node -> cotangent) from those of `out_nodes`."""
        acc = {}
        get, pop = acc.get, acc.pop
        for n, ct in zip(out_nodes, cts):
            if n is not None and ct is not None and type(ct) is not Zero:
                prev = get(n)
                acc[n] = ct if prev is None else add_any(prev, ct)
        for entry in reversed(self.entries):
            bwd = entry[0]
            if bwd is not None:
                _, primals, params, out, nodes, wants, node = entry
                ct = pop(node, None)
                if ct is None:
                    continue
                for i, c in (bwd(ct, out, primals, wants, **params) if params
                             else bwd(ct, out, primals, wants)):
                    n = nodes[i]
                    prev = get(n)
                    acc[n] = c if prev is None else add_any(prev, c)
                continue
            _, closed, in_nodes, out_nodes_e = entry
            out_cts = [pop(n, None) for n in out_nodes_e]
            if all(c is None for c in out_cts):
                continue
            jaxpr = closed.jaxpr
            seed = [pop(n, None) for n in in_nodes]
            cts_in = backward_pass(jaxpr, closed.consts, [LinearArg(v.aval) for v in jaxpr.invars],
                                   out_cts, seed)
            for n, c in zip(in_nodes, cts_in):
                if c is not None and type(c) is not Zero:
                    acc[n] = c
        return acc


class Tape:
    """The linear map of a taped evaluation (LinearFunction's counterpart): `pullback(cts)`
    gives the input cotangents (concrete zeros where none reach an input)."""

    __slots__ = ("trace", "in_nodes", "in_avals", "out_nodes", "out_avals", "out_zero")

    def __init__(self, trace, in_nodes, in_avals, out_nodes, out_avals):
        self.trace = trace
        self.in_nodes = in_nodes
        self.in_avals = in_avals
        self.out_nodes = out_nodes
        self.out_avals = out_avals
        self.out_zero = [n is None for n in out_nodes]

    def pullback(self, cts):
        acc = self.trace.backward(self.out_nodes, cts)
        return [instantiate(None if n is None else acc.get(n), a)
                for n, a in zip(self.in_nodes, self.in_avals)]


def tape_flat(fun: Callable[..., Any], primals: Sequence[Any],
              transform_name: str = "grad") -> tuple[list[Any], Any, Tape]:
    """Evaluate fun(*primals) on the tape. Returns (out_leaves, out_tree, Tape), as
    linearize_flat returns (out_leaves, out_tree, LinearFunction)."""
    parent = current_trace_var.get()
    trace = TapeTrace(parent, transform_name)
    in_avals = [get_aval(p).to_tangent_aval() for p in primals]
    args, in_nodes = [], []
    for p, a in zip(primals, in_avals):
        if is_float(a.dtype):
            n = trace.new_node()
            args.append(TapeTracer(trace, p, n))
        else:  # integer inputs: no cotangent
            n = None
            args.append(TapeTracer(trace, p, None))
        in_nodes.append(n)
    try:
        with paused_gc(), set_trace(trace):
            out = fun(*args)
        leaves, tree = tree_flatten(out)
    finally:
        trace.alive = False
    out_p, out_t = split_outputs(trace, TapeTracer, leaves)
    out_nodes = [None if type(t) is Zero else t for t in out_t]  # untaped outputs: no slot
    out_avals = [get_aval(p).to_tangent_aval() for p in out_p]
    return out_p, tree, Tape(trace, in_nodes, in_avals, out_nodes, out_avals)

