"""Primitive and its one registration call, `register`, which takes every rule of a primitive.

A primitive is a named operation; `bind` hands it to the current trace, which evaluates, records or
transforms it. Everything a transform needs to know about it is given once, in `register`, beside
its definition (one block per primitive in fungrad._lax and fungrad._hop):

  impl(*vals, **params) -> value                  concrete evaluation with numpy
  abstract_eval(*avals, **params) -> aval         the typing rule (shape/dtype inference)
  jvp(primals, tangents, **params) -> (out, t)    forward derivative, written with binds
  transpose(ct, *args, **params) -> [ct_in...]    linear primitives only (args: LinearArg or values)
  batch(axis_size, vals, dims, **params) -> (out, out_dim)
  partial_eval(trace, args, **params) -> out      higher-order primitives: run the known part of
                                                  an equation, record the unknown part
  emit                                            code emission for jit (see `Ufunc`, `Emit`):
                                                  one rule, or a tuple of rules tried in order
                                                  for each backend (see `serves`)
  dtypes                                          the operand dtype family, checked in eager,
                                                  staged and jitted code alike (`ANY_DTYPE`, ...)
  vjp                                             optional: eager reverse mode's shortcut (`Vjp`),
                                                  the transpose of this primitive's JVP written
                                                  out; tests check it equals the general path

A slot a primitive has no rule for is declared exempt with a reason (`Exempt`), e.g.
`transpose=NOT_LINEAR`; the registry test walks every primitive and fails on a slot that is
neither filled nor exempt. A rule may also be a `RuleFactory`: a function of the primitive that
returns the rule (how families of primitives share one rule, e.g. per-operand JVPs).

Imports: _core.trace, _core.errors.
"""
from __future__ import annotations
import numpy as np

from fungrad._core.errors import DtypeError
from fungrad._core.linear_arg import LinearArg
from fungrad._core.trace import current_trace_var, get_aval
from typing import Any

RULE_SLOTS = ("impl", "abstract_eval", "jvp", "transpose", "batch", "partial_eval", "emit")


class Exempt:
    """A rule slot deliberately left empty, with the reason (shown by errors and the registry)."""

    __slots__ = ("reason",)

    def __init__(self, reason):
        self.reason = reason

    def __bool__(self):
        return False

    def __repr__(self):
        return f"Exempt({self.reason!r})"


NOT_LINEAR = Exempt("not linear: reverse mode transposes the linear program of its JVP instead")
FIRST_ORDER = Exempt("first-order: a partially known equation is recorded whole")


class RuleFactory:
    """A rule made from the primitive it is registered on: `RuleFactory(lambda prim: rule)`."""

    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


# Emission rules serve code-generation backends (fungrad._interp.backends): the namespace the
# generated source calls (numpy as `np`, jax.numpy as `jnp`, cupy as `cp`, an array-API namespace
# as `xp`). A rule's `serves(backend)` says whether it emits for that backend; a primitive whose
# rules serve none of them raises MissingRuleError when a program using it is compiled there.


class Ufunc:
    """Emission as numpy ufunc `fn`: the source `text` (a format string over the operand
    expressions, e.g. "{0} + {1}"), by default the call by name (`np.sin({0})`); where the memory
    plan finds a dead buffer, the call by name writing into it with `out=`. `kinds`: the output
    dtype kinds the ufunc computes the primitive for (others call the impl: lax.div of integers
    truncates, which np.true_divide does not).

    One declaration serves every backend whose namespace has a function of that name
    (`np.sin`, `jnp.sin`, `cp.sin`, `xp.sin`; a backend may rename, e.g. the array API's `acos`
    for `arccos`)."""

    __slots__ = ("fn", "name", "short", "text", "kinds")

    def __init__(self, fn, text=None, kinds=None):
        self.fn = fn
        self.short = fn.__name__
        self.name = f"np.{fn.__name__}"
        if getattr(np, fn.__name__, None) is not fn:
            raise ValueError(f"Ufunc({fn!r}): not reachable as {self.name}")
        self.text = text
        self.kinds = kinds

    def applies(self, eqn):
        return self.kinds is None or eqn.outvars[0].aval.dtype.kind in self.kinds

    def serves(self, backend):
        return True  # the namespace's own function of that name (checked when emitting)


class Emit:
    """Emission as source text: `rule` is a format string over the operand expressions ({0}, {1},
    ...), params ({axes}) and the backend's namespace ({xp}: `np`, `jnp`, ...), or a function
    (ctx, eqn, args) -> expression or Block (`ctx.xp` is the namespace). `fresh`: the result is
    a new array the memory plan may reuse (not a view of an operand). `on`: the backends the
    rule serves, by name; by default those whose namespace follows numpy's API (numpy, cupy,
    dask, jax.numpy), a per-backend rule names its backend (`on=("jax",)`); "numpy_api" in
    `on` names those (`on=("numpy_api", "array_api")`)."""

    __slots__ = ("rule", "fresh", "on")

    def __init__(self, rule, fresh=False, on=None):
        self.rule = rule
        self.fresh = fresh
        self.on = None if on is None else tuple(on)

    def serves(self, backend):
        if self.on is None:
            return backend.numpy_api
        return backend.name in self.on or (backend.numpy_api and "numpy_api" in self.on)


class CallImpl:
    """Emission as a call of the primitive's impl (a global of the generated code), params bound.
    The impl is numpy code, so the rule serves the numpy backend only."""

    __slots__ = ("fresh",)

    def __init__(self, fresh=False):
        self.fresh = fresh

    def serves(self, backend):
        return backend.name == "numpy"


class Special:
    """Emission as the special function `name` of the backend's scipy.special counterpart
    (jax.scipy.special, cupyx.scipy.special), e.g. `Special("erf")` after a CallImpl:
    `emit=(CallImpl(), Special("erf"))`. `fresh` as for Emit."""

    __slots__ = ("name", "fresh")

    def __init__(self, name, fresh=True):
        self.name = name
        self.fresh = fresh

    def serves(self, backend):
        return backend.special is not None


class Vjp:
    """Eager reverse mode's shortcut for a primitive (fungrad._interp.tape): `bwd(ct, out,
    primals, wants, **params)` returns [(operand index, cotangent), ...] for the operands whose
    `wants` is true, in the order the general path (transposing the equations the JVP rule
    records) accumulates them, computed with the same operations so the results are bit for bit
    those of the general path. `alias(out, primals, wants, **params)`: the index of the operand whose
    tangent the JVP returns unchanged as the output's (x + c), else None. VJP_FROM_TRANSPOSE: a
    primitive whose JVP is itself applied to the tangent (jvp_linear) uses its transpose rule.
    A primitive without one, or a call it does not cover (non-float results), takes the general
    path."""

    __slots__ = ("bwd", "alias")

    def __init__(self, bwd, alias=None):
        self.bwd = bwd
        self.alias = alias


VJP_FROM_TRANSPOSE = Exempt("the transpose rule of a primitive linear in its one operand")


class DtypeFamily:
    """Which operand dtypes a primitive accepts (`kinds`: numpy dtype kinds), checked in every
    mode: eagerly before impl runs, and by the typing rule when staged (so jit agrees)."""

    __slots__ = ("name", "kinds", "hint")

    def __init__(self, name, kinds, hint):
        self.name = name
        self.kinds = kinds
        self.hint = hint

    def check(self, prim, dtypes):
        for d in dtypes:
            if d.kind not in self.kinds:
                raise DtypeError(
                    f"{prim.name} accepts {self.name} operands, got {d.name}. {self.hint}")


ANY_DTYPE = None
INEXACT = DtypeFamily("floating-point or complex", "fc",
                      "fungrad.numpy functions promote integers to float first (fnp.sin(x)); "
                      "with fungrad.lax, convert explicitly: lax.convert_element_type(x, float).")
INTEGER_OR_BOOL = DtypeFamily("integer or boolean", "biu",
                              "Bitwise operations take integers or booleans only.")


class Primitive:
    """A named operation whose rules are given by `register` (see the module docstring)."""

    __slots__ = ("name", "multiple_results", "impl", "abstract_eval", "jvp", "transpose",
                 "batch", "partial_eval", "emit", "emit_rules", "dtypes", "inline", "effect",
                 "registered", "same_dtype_from", "arity", "vjp", "__weakref__")

    def __init__(self, name, multiple_results=False):
        self.name = name
        self.multiple_results = multiple_results
        self.impl = self.abstract_eval = self.jvp = self.transpose = self.batch = None
        self.partial_eval = self.emit = None
        self.emit_rules = ()
        self.dtypes = ANY_DTYPE
        self.inline = self.effect = self.registered = False
        # operands from this index on must share one dtype (elementwise families); the eager
        # trace checks it as the typing rule does when staged, so eager, make_jaxpr and jit agree
        self.same_dtype_from = None
        self.arity = None  # the number of operands, where fixed (checked in every mode)
        self.vjp = None  # eager reverse mode's shortcut (Vjp), where one is registered

    def bind(self, *args, **params):
        return current_trace_var.get().process(self, args, params)

    def __repr__(self):
        return self.name

    # derived facts the interpreters read
    @property
    def ufunc_name(self):
        """`np.<name>` if the primitive is emitted as a numpy ufunc call, else None."""
        return self.emit.name if type(self.emit) is Ufunc else None

    @property
    def emits_fresh(self):
        return getattr(self.emit, "fresh", False)

    def emit_candidates(self, backend):
        """The emission rules serving `backend`, in order: those naming it first (a per-backend
        rule beside a numpy-API one), then the others."""
        named = [r for r in self.emit_rules if backend.name in (getattr(r, "on", None) or ())]
        return named + [r for r in self.emit_rules if r.serves(backend) and r not in named]

    def emit_rule(self, backend):
        """The first emission rule for `backend` (see emit_candidates), or None."""
        found = self.emit_candidates(backend)
        return found[0] if found else None


def register(prim: Primitive, *, impl: Any, abstract_eval: Any, jvp: Any, transpose: Any,
             batch: Any, emit: Any, partial_eval: Any = FIRST_ORDER,
             dtypes: DtypeFamily | None = ANY_DTYPE, inline: bool = False,
             effect: bool = False, vjp: Any = None) -> Primitive:
    """Give `prim` every rule at once; returns it. Each slot takes a rule, a RuleFactory or an
    Exempt; `inline` marks call primitives the optimizer splices into their caller (nested jit),
    `effect` primitives that are never removed or merged (callbacks). `emit` may be a tuple of
    rules, tried in order per backend (the first serves numpy: `prim.emit`)."""
    if prim.registered:
        raise ValueError(f"primitive {prim.name!r} is already registered")
    rules = dict(impl=impl, abstract_eval=abstract_eval, jvp=jvp, transpose=transpose,
                 batch=batch, partial_eval=partial_eval, emit=emit)
    emit_rules = tuple(emit) if type(emit) is tuple else (emit,)
    rules["emit"] = emit_rules[0]
    for slot, rule in rules.items():
        if type(rule) is RuleFactory:
            rule = rule.make(prim)
        if rule is None:
            raise TypeError(f"register({prim.name!r}): slot {slot!r} needs a rule or an Exempt")
        setattr(prim, slot, None if type(rule) is Exempt else rule)
        if type(rule) is Exempt:
            _exemptions[(id(prim), slot)] = rule
    if dtypes is not ANY_DTYPE:
        abstract = prim.abstract_eval

        def checked_abstract_eval(*avals, **params):
            dtypes.check(prim, [a.dtype for a in avals])
            return abstract(*avals, **params)

        prim.abstract_eval = checked_abstract_eval
    prim.emit_rules = tuple(r for r in (prim.emit, *emit_rules[1:]) if r is not None)
    if vjp is VJP_FROM_TRANSPOSE:
        transpose = prim.transpose

        def linear_bwd(ct, out, primals, wants, **params):
            return [(0, transpose(ct, LinearArg(get_aval(primals[0]).to_tangent_aval()),
                                  **params)[0])]
        vjp = Vjp(linear_bwd)
    prim.vjp = vjp
    prim.dtypes = dtypes
    prim.inline = inline
    prim.effect = effect
    prim.registered = True
    return prim


_exemptions = {}


def exemption(prim, slot):
    """The Exempt declared for `slot` of `prim`, or None if the slot has a rule (or was missed)."""
    return _exemptions.get((id(prim), slot))
