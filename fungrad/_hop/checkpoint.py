"""checkpoint_p (remat): a sub-program whose intermediates are recomputed in the backward pass
instead of being saved by the forward pass.

Operands: the program's inputs; params jaxpr (a ClosedJaxpr), policy (None: save nothing but the
inputs; else policy(prim, *in_avals, **params) -> bool says which intermediates may be saved),
prevent_cse (kept for JAX compatibility). The partial-eval rule is where memory is saved: the
known (primal) part runs now and keeps only the inputs and policy-saved values; the unknown
(tangent) part recorded into the linear program recomputes the rest when it is transposed.

Imports: _core, _interp, _hop._util.
"""
from fungrad._core.ir import ClosedJaxpr, Eqn, Jaxpr, Literal, Var
from fungrad._core.lists import merge, partition
from fungrad._core.primitive import Emit, Primitive, register
from fungrad._core.trace import get_aval, set_trace
from fungrad._core.zero import Zero
from fungrad._hop._util import emit_call, record_eqn, run, unknown_mask
from fungrad._interp.jaxpr_transforms import batch_jaxpr, jvp_jaxpr
from fungrad._interp.transpose import backward_pass
from fungrad._lax import moveaxis
from fungrad._lax.names import name_p

checkpoint_p = Primitive("checkpoint", multiple_results=True)


class Policy:
    """A named saving policy: `fn(prim, *avals, **params) -> bool`."""

    __slots__ = ("fn", "name")

    def __init__(self, fn, name):
        self.fn = fn
        self.name = name

    def __call__(self, prim, *avals, **params):
        return self.fn(prim, *avals, **params)

    def __repr__(self):
        return self.name


nothing_saveable = Policy(lambda prim, *a, **p: False, "nothing_saveable")
everything_saveable = Policy(lambda prim, *a, **p: True, "everything_saveable")
dots_saveable = Policy(lambda prim, *a, **p: prim.name == "dot_general", "dots_saveable")
checkpoint_dots = dots_saveable


def _dot_without_batch_dims(prim, *avals, **params):
    return prim.name == "dot_general" and params["dimension_numbers"][1] == ((), ())


dots_with_no_batch_dims_saveable = Policy(_dot_without_batch_dims,
                                          "dots_with_no_batch_dims_saveable")
checkpoint_dots_with_no_batch_dims = dots_with_no_batch_dims_saveable


def _names(names, what):
    for n in names:
        if not isinstance(n, str):
            raise TypeError(f"{what}: names must be strings (checkpoint_name's names), got "
                            f"{type(n).__name__}")
    return frozenset(names)


def save_only_these_names(*names):
    """Save only the values tagged by checkpoint_name with one of `names`."""
    keep = _names(names, "save_only_these_names")
    return Policy(lambda prim, *a, **p: prim is name_p and p["name"] in keep,
                  f"save_only_these_names{tuple(sorted(keep))}")


def save_any_names_but_these(*names):
    """Save every value tagged by checkpoint_name except those with one of `names`."""
    drop = _names(names, "save_any_names_but_these")
    return Policy(lambda prim, *a, **p: prim is name_p and p["name"] not in drop,
                  f"save_any_names_but_these{tuple(sorted(drop))}")


def save_anything_except_these_names(*names):
    """Save every intermediate except the values tagged with one of `names`."""
    drop = _names(names, "save_anything_except_these_names")
    return Policy(lambda prim, *a, **p: not (prim is name_p and p["name"] in drop),
                  f"save_anything_except_these_names{tuple(sorted(drop))}")


def save_and_offload_only_these_names(*, names_which_can_be_saved, names_which_can_be_offloaded,
                                      offload_src="device", offload_dst="pinned_host"):
    """JAX saves the first names on the device and moves the second to host memory. fungrad has
    one memory (one CPU device): both are saved, i.e. save_only_these_names of their union."""
    keep = _names(tuple(names_which_can_be_saved) + tuple(names_which_can_be_offloaded),
                  "save_and_offload_only_these_names")
    return Policy(lambda prim, *a, **p: prim is name_p and p["name"] in keep,
                  f"save_and_offload_only_these_names{tuple(sorted(keep))}")


def save_from_both_policies(policy_1, policy_2):
    """Save what either policy saves."""
    return Policy(lambda prim, *a, **p: bool(policy_1(prim, *a, **p)) or
                  bool(policy_2(prim, *a, **p)), f"save_from_both_policies({policy_1!r}, "
                  f"{policy_2!r})")


def offload_dot_with_no_batch_dims(offload_src="device", offload_dst="pinned_host"):
    """JAX moves the outputs of dots without batch dimensions to host memory; on fungrad's one
    memory this is dots_with_no_batch_dims_saveable."""
    return Policy(_dot_without_batch_dims, "offload_dot_with_no_batch_dims")


def _impl(*args, jaxpr, policy, prevent_cse):
    return run(jaxpr, *args)


def _abstract_eval(*avals, jaxpr, policy, prevent_cse):
    return list(jaxpr.out_avals)


def _jvp(primals, tangents, *, jaxpr, policy, prevent_cse):
    nonzeros = [type(t) is not Zero for t in tangents]
    jj, out_nz = jvp_jaxpr(jaxpr, nonzeros)
    outs = checkpoint_p.bind(*primals, *[t for t in tangents if type(t) is not Zero],
                             jaxpr=jj, policy=policy, prevent_cse=prevent_cse)
    n = len(jaxpr.out_avals)
    it = iter(outs[n:])
    return outs[:n], [next(it) if nz else Zero(get_aval(o).to_tangent_aval())
                      for nz, o in zip(out_nz, outs[:n])]


def _transpose(cts, *args, jaxpr, policy, prevent_cse):
    """Recompute the non-linear part (the forward), then run the linear part backwards."""
    cts_in = backward_pass(jaxpr.jaxpr, jaxpr.consts, list(args),
                           [None if type(c) is Zero else c for c in cts])
    return cts_in


def _batch(size, vals, dims, *, jaxpr, policy, prevent_cse):
    vals = [v if d is None else moveaxis(v, d, 0) for v, d in zip(vals, dims)]
    bj, out_b = batch_jaxpr(jaxpr, size, [d is not None for d in dims])
    outs = checkpoint_p.bind(*vals, jaxpr=bj, policy=policy, prevent_cse=prevent_cse)
    return outs, [0 if b else None for b in out_b]


def remat_partial_eval(closed, unknowns, policy):
    """Split for rematerialization. Returns (known, unknown, out_unknowns, residual_sources):
      known:   (known inputs...) -> (known outputs..., saved values...)
      unknown: (residuals..., unknown inputs...) -> (unknown outputs...), recomputing from the
               residuals every known value it needs that the policy did not save.
    residual_sources lists, per residual, ("in", i) for known input i or ("saved", k) for the
    k-th saved value output by `known`.
    """
    jaxpr = closed.jaxpr
    producer = {}
    unknown_vars = {v for v, u in zip(jaxpr.invars, unknowns) if u}
    known_eqns, unknown_eqns = [], []
    for eqn in jaxpr.eqns:
        if any(type(v) is not Literal and v in unknown_vars for v in eqn.invars):
            unknown_eqns.append(eqn)
            unknown_vars.update(eqn.outvars)
        else:
            known_eqns.append(eqn)
            for v in eqn.outvars:
                producer[v] = eqn
    known_in = [v for v, u in zip(jaxpr.invars, unknowns) if not u]
    consts = dict(zip(jaxpr.constvars, closed.consts))
    saved, inputs, recompute = [], [], set()

    def need(v):
        if type(v) is Literal or v in unknown_vars or v in recompute_outs or v in seen:
            return
        seen.add(v)
        if v in consts or v in known_in:
            inputs.append(v)
            return
        eqn = producer[v]
        if policy is not None and policy(eqn.prim, *[a.aval for a in eqn.invars], **eqn.params):
            saved.append(v)
            return
        recompute.add(id(eqn))
        recompute_outs.update(eqn.outvars)
        for a in eqn.invars:
            need(a)

    seen, recompute_outs = set(), set()
    for eqn in unknown_eqns:
        for v in eqn.invars:
            need(v)
    out_uk = [type(v) is not Literal and v in unknown_vars for v in jaxpr.outvars]
    known_outs = [v for v, u in zip(jaxpr.outvars, out_uk) if not u]
    known = ClosedJaxpr(Jaxpr(jaxpr.constvars, known_in, known_eqns, known_outs + saved),
                        closed.consts)
    residuals = inputs + saved
    rename = {v: Var(v.aval) for v in residuals}
    body = [e for e in known_eqns if id(e) in recompute] + unknown_eqns
    body = [Eqn(e.prim, [rename.get(v, v) if type(v) is not Literal else v for v in e.invars],
                e.outvars, e.params) for e in body]
    outvars = [rename.get(v, v) if type(v) is not Literal else v
               for v, u in zip(jaxpr.outvars, out_uk) if u]
    unknown_in = [v for v, u in zip(jaxpr.invars, unknowns) if u]
    unknown = ClosedJaxpr(Jaxpr([], [rename[v] for v in residuals] + unknown_in, body, outvars), [])
    sources = [("const", consts[v]) if v in consts else ("in", known_in.index(v)) for v in inputs]
    sources += [("saved", k) for k in range(len(saved))]
    return known, unknown, out_uk, sources


def _partial_eval(trace, args, *, jaxpr, policy, prevent_cse):
    uk = unknown_mask(trace, args)
    known, unknown, out_uk, sources = remat_partial_eval(jaxpr, uk, policy)
    k_args, u_ins = partition(args, uk)
    with set_trace(trace.parent):
        k_outs = run(known, *k_args)
    n_known = out_uk.count(False)
    saved = k_outs[n_known:]
    res = [k_args[i] if kind == "in" else (i if kind == "const" else saved[i])
           for kind, i in sources]
    u_outs = record_eqn(trace, checkpoint_p, res + u_ins,
                        {"jaxpr": unknown, "policy": policy, "prevent_cse": prevent_cse})
    return merge(out_uk, k_outs[:n_known], u_outs)


register(checkpoint_p, impl=_impl, abstract_eval=_abstract_eval, jvp=_jvp,
         transpose=_transpose, batch=_batch, partial_eval=_partial_eval,
         emit=Emit(emit_call("jaxpr", "checkpoint")))
