"""create_graph details: the grad_fn name torch gives a gradient, and whether it depends on the
forward inputs at all (torch's grads of linear ops under a constant grad_output need no graph)."""
from fungrad.extend import Literal
from fungrad.extend import lru_cache_table
from fungrad.extend import get_aval
from fungrad.extend import stage_flat

# forward node -> name of the last op of torch's backward formula (for the first input)
BACKWARD_NAMES = {
    "SumBackward0": "ExpandBackward0", "SumBackward1": "ExpandBackward0",
    "AddBackward0": "AddBackward0", "NegBackward0": "NegBackward0",
    "ViewBackward0": "ViewBackward0", "MeanBackward0": "DivBackward0",
    "DivBackward0": "DivBackward0", "LogBackward0": "DivBackward0",
    "SqrtBackward0": "DivBackward0", "PowBackward1": "WhereBackward0",
    "TanhBackward0": "TanhBackwardBackward0", "SigmoidBackward0": "SigmoidBackwardBackward0",
    "ReluBackward0": "ThresholdBackwardBackward0", "MmBackward0": "MmBackward0",
    "SoftmaxBackward0": "SoftmaxBackwardDataBackward0",
    "LogSoftmaxBackward0": "LogSoftmaxBackwardDataBackward0",
    "MseLossBackward0": "MseLossBackwardBackward0",
}
# torch's backward of these reads a saved float value, so their grads keep a graph
ALWAYS_GRAPH = {"ReluBackward0", "AbsBackward0"}
_cache = lru_cache_table("torch_graph_names", 4096)


def backward_name(node_name):
    return BACKWARD_NAMES.get(node_name, "MulBackward0")


def depends_on_inputs(node_name, bwd, vals, n_inputs, key=None):
    """Whether any output of ``bwd(*vals)`` depends differentiably (through inexact values) on
    its first ``n_inputs`` arguments (None values are passed through); cached under ``key``."""
    if node_name in ALWAYS_GRAPH:
        return True
    if key is not None and key in _cache:
        return _cache.get(key)
    pos = [i for i, v in enumerate(vals) if v is not None]

    def staged(*xs):
        full = list(vals)
        for i, x in zip(pos, xs):
            full[i] = x
        return bwd(*full)

    closed, _ = stage_flat(staged, [get_aval(vals[i]) for i in pos], "create_graph")
    j = closed.jaxpr
    res = any(_live_outs(j, [i < n_inputs for i in pos]))
    if key is not None:
        _cache[key] = res
    return res


def _live_outs(jaxpr, live_in):
    """Per output: depends on a live input through inexact values (nested programs followed)."""
    live = {id(v) for v, b in zip(jaxpr.invars, live_in) if b}
    for eqn in jaxpr.eqns:
        ins = [not isinstance(v, Literal) and id(v) in live for v in eqn.invars]
        if not any(ins) or eqn.prim.name == "stop_gradient":
            continue
        sub = eqn.params.get("jaxpr")
        sub = getattr(sub, "jaxpr", sub)
        if sub is not None and hasattr(sub, "eqns") and len(sub.invars) == len(ins):
            outs = _live_outs(sub, ins)
        else:
            outs = [True] * len(eqn.outvars)
        live.update(id(o) for o, b in zip(eqn.outvars, outs) if b and o.aval.dtype.kind in "fc")
    return [not isinstance(v, Literal) and id(v) in live for v in jaxpr.outvars]
