"""User-defined derivative rules and rematerialization: custom_jvp, custom_vjp, checkpoint.

JAX's API: `f = custom_jvp(f); @f.defjvp def f_jvp(primals, tangents): ...`;
`f = custom_vjp(f); f.defvjp(f_fwd, f_bwd)`; both with nondiff_argnums (static arguments passed
first to the rule). checkpoint(f, policy=...) recomputes f's intermediates in the backward pass.

Imports: _core, _api.args, _hop.
"""
from __future__ import annotations

from typing import Any, Sequence

from fungrad._core.typing import Fun
import functools
import inspect

import numpy as np

from fungrad._api.args import as_leaf, check_callable
from fungrad._core.trace import Tracer, get_aval
from fungrad._core.tree import tree_flatten, tree_unflatten
from fungrad._hop._util import closes_over_tracers, is_eager, stage_closed
from fungrad._hop import checkpoint as _policies
from fungrad._hop.checkpoint import (
    Policy,
    checkpoint_p,
    dots_saveable,
    everything_saveable,
    nothing_saveable,
)
from fungrad._hop.custom_jvp import custom_jvp_call
from fungrad._hop.custom_vjp import custom_vjp_call


def _resolve_args(fun, args, kwargs):
    """Keyword arguments become positional (rules see a fixed argument order, as in JAX)."""
    if not kwargs:
        return args
    bound = inspect.signature(fun).bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.args


class _Split:
    """The arguments split into static (nondiff_argnums) ones and flat differentiable leaves."""

    def __init__(self, args, nondiff_argnums):
        self.args = args
        self.nondiff = tuple(sorted(a % len(args) for a in nondiff_argnums))
        self.static = [args[i] for i in self.nondiff]
        dyn = tuple(a for i, a in enumerate(args) if i not in self.nondiff)
        leaves, self.tree = tree_flatten(dyn)
        self.leaves = [as_leaf(x) for x in leaves]

    def dyn_args(self, leaves):
        return tree_unflatten(self.tree, leaves)

    def full_args(self, leaves):
        it = iter(self.dyn_args(leaves))
        return [self.args[i] if i in self.nondiff else next(it) for i in range(len(self.args))]


class custom_jvp:
    """A function with a user-defined JVP rule (used by jvp, grad, vmap, jit alike).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> @fg.custom_jvp
    ... def f(x):
    ...     return fnp.sin(x)
    >>> @f.defjvp
    ... def f_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return f(x), 2.0 * t
    >>> fg.grad(f)(0.0)
    array(2.)
    """

    __name__: str  # functools.update_wrapper copies fun's

    def __init__(self, fun: Fun, nondiff_argnums: Sequence[int] = ()) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp: Fun | None = None

    def defjvp(self, jvp: Fun) -> Fun:
        """Set the rule `jvp(*nondiff_args, primals, tangents) -> (primal_out, tangent_out)`."""
        self.jvp = jvp
        return jvp

    def defjvps(self, *tangent_fns: Fun | None) -> None:
        """One rule per argument, `fn(t, primal_out, *primals) -> tangent_out`, summed."""
        def jvp(primals, tangents):
            out = self.fun(*primals)
            terms = [fn(t, out, *primals) for fn, t in zip(tangent_fns, tangents)
                     if fn is not None]
            total = terms[0]
            for t in terms[1:]:
                total = total + t
            return out, total
        self.jvp = jvp

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.jvp is None:
            raise AttributeError(f"No JVP rule defined for custom_jvp function "
                                 f"{self.__name__}; call .defjvp(rule) first.")
        args = _resolve_args(self.fun, args, kwargs)
        if is_eager():
            return self.fun(*args)
        sp = _Split(args, self.nondiff_argnums)
        out_tree: list[Any] = []

        def flat_fun(*leaves):
            out_leaves, tree = tree_flatten(self.fun(*sp.full_args(leaves)))
            out_tree[:] = [tree]
            return out_leaves

        def flat_jvp(primals, tangents):
            p = sp.dyn_args(primals)
            t = sp.dyn_args(tangents)
            res = self.jvp(*sp.static, tuple(p), tuple(t))
            if not isinstance(res, (tuple, list)) or len(res) != 2:
                raise TypeError(
                    f"custom_jvp rule of {self.__name__} must return a pair (primal_out, "
                    f"tangent_out), a tuple or list of length two, got {_describe(res)}.")
            out, t_out = res
            out_leaves, tree = tree_flatten(out)
            if not out_tree:  # the function itself was not traced (eager differentiation)
                out_tree[:] = [tree]
            t_leaves, t_tree = tree_flatten(t_out, is_leaf=lambda x: x is None)
            if t_tree != tree and not (t_tree.num_leaves == len(out_leaves)):
                raise TypeError(f"custom_jvp rule of {self.__name__} returned a tangent of "
                                f"structure {t_tree!r} for a primal output of structure "
                                f"{tree!r}; they must match.")
            return out_leaves, t_leaves

        outs = custom_jvp_call(flat_fun, flat_jvp, sp.leaves, f"custom_jvp({self.__name__})",
                               closes_over_tracers(self.fun, self.jvp, sp.static))
        return tree_unflatten(out_tree[0], outs)


def _describe(x):
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of length {len(x)}"
    return f"a value of type {type(x).__name__}"


def _is_array_like(x):
    return isinstance(x, (Tracer, np.ndarray, np.generic, bool, int, float, complex))


class custom_vjp:
    """A function with a user-defined reverse-mode rule: fwd saves residuals, bwd maps output
    cotangents to input cotangents. Forward mode (jvp/jacfwd) raises, as in JAX.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> @fg.custom_vjp
    ... def f(x):
    ...     return fnp.sin(x)
    >>> f.defvjp(lambda x: (f(x), fnp.cos(x)), lambda cos_x, g: (2.0 * cos_x * g,))
    >>> fg.grad(f)(0.0)
    array(2.)
    """

    __name__: str  # functools.update_wrapper copies fun's

    def __init__(self, fun: Fun, nondiff_argnums: Sequence[int] = ()) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd: Fun | None = None
        self.bwd: Fun | None = None

    def defvjp(self, fwd: Fun, bwd: Fun) -> None:
        """fwd(*args) -> (out, residuals); bwd(*nondiff_args, residuals, ct) -> tuple with one
        cotangent (or None) per differentiable argument."""
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.fwd is None:
            raise AttributeError(f"No VJP rule defined for custom_vjp function "
                                 f"{self.__name__}; call .defvjp(fwd, bwd) first.")
        args = _resolve_args(self.fun, args, kwargs)
        if is_eager():
            return self.fun(*args)
        sp = _Split(args, self.nondiff_argnums)
        name = f"custom_vjp({self.__name__})"
        out_tree: list[Any] = []
        res_info: list[Any] = []

        def flat_fun(*leaves):
            out_leaves, tree = tree_flatten(self.fun(*sp.full_args(leaves)))
            out_tree[:] = [tree]
            return out_leaves

        def flat_fwd(*leaves):
            pair = self.fwd(*sp.full_args(leaves))
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(
                    f"custom_vjp fwd rule of {self.__name__} must return a pair (primal_out, "
                    f"residuals), a tuple or list of length two, got {_describe(pair)}.")
            out, res = pair
            out_leaves, tree = tree_flatten(out)
            if not out_tree:  # the function itself was not traced (eager differentiation)
                out_tree[:] = [tree]
            res_leaves, res_tree = tree_flatten(res)
            static = {i: r for i, r in enumerate(res_leaves) if not _is_array_like(r)}
            res_info[:] = [(res_tree, static, len(res_leaves))]
            return out_leaves, [r for i, r in enumerate(res_leaves) if i not in static]

        def flat_bwd(res, cts):
            res_tree, static, n = res_info[0]
            it = iter(res)
            res = tree_unflatten(res_tree, [static[i] if i in static else next(it)
                                            for i in range(n)])
            ct = tree_unflatten(out_tree[0], cts)
            cts_in = self.bwd(*sp.static, res, ct)
            if not isinstance(cts_in, (tuple, list)):
                raise TypeError(f"{name}: bwd must return a tuple with one cotangent per "
                                f"differentiable argument, got {type(cts_in).__name__}.")
            leaves, tree = tree_flatten(tuple(cts_in), is_leaf=lambda x: x is None)
            if len(leaves) != len(sp.leaves):
                raise TypeError(f"{name}: bwd returned cotangents of structure {tree!r}, but "
                                f"the differentiable arguments have structure {sp.tree!r}.")
            return leaves

        outs = custom_vjp_call(flat_fun, flat_fwd, flat_bwd, sp.leaves, name,
                               closes_over_tracers(self.fun, self.fwd, self.bwd, sp.static))
        return tree_unflatten(out_tree[0], outs)


class checkpoint_policies:
    """Saving policies for checkpoint: which intermediates the forward pass may keep (JAX's
    jax.checkpoint_policies). Values are tagged for the name policies with
    fungrad.ad_checkpoint.checkpoint_name. The offloading policies of JAX
    (save_and_offload_only_these_names, offload_dot_with_no_batch_dims) move values to host
    memory; fungrad has one memory, so they save those values (documented equivalents)."""

    nothing_saveable = nothing_saveable
    everything_saveable = everything_saveable
    dots_saveable = dots_saveable
    checkpoint_dots = _policies.checkpoint_dots
    dots_with_no_batch_dims_saveable = _policies.dots_with_no_batch_dims_saveable
    checkpoint_dots_with_no_batch_dims = _policies.checkpoint_dots_with_no_batch_dims
    save_only_these_names = staticmethod(_policies.save_only_these_names)
    save_any_names_but_these = staticmethod(_policies.save_any_names_but_these)
    save_anything_except_these_names = staticmethod(_policies.save_anything_except_these_names)
    save_and_offload_only_these_names = staticmethod(_policies.save_and_offload_only_these_names)
    save_from_both_policies = staticmethod(_policies.save_from_both_policies)
    offload_dot_with_no_batch_dims = staticmethod(_policies.offload_dot_with_no_batch_dims)


def checkpoint(fun: Fun, prevent_cse: bool = True, policy: Fun | None = None,
               static_argnums: int | Sequence[int] = ()) -> Fun:
    """Wrap `fun` so reverse mode recomputes its intermediates in the backward pass instead of
    storing them (less memory, more compute). `policy(prim, *avals, **params) -> bool` marks
    intermediates that may be saved anyway (see checkpoint_policies). Alias: remat.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.grad(fg.checkpoint(lambda x: fnp.sin(fnp.sin(x))))(0.0)
    array(1.)
    """
    check_callable("checkpoint", fun)
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    if policy is not None and not isinstance(policy, Policy):
        policy = Policy(policy, getattr(policy, "__name__", "policy"))

    @functools.wraps(fun)
    def remat_fun(*args, **kwargs):
        args = _resolve_args(fun, args, kwargs)
        if is_eager():
            return fun(*args)
        sp = _Split(args, static)
        jaxpr, consts, out_tree = stage_closed(
            lambda *xs: fun(*sp.full_args(xs)), [get_aval(x) for x in sp.leaves], "checkpoint")
        outs = checkpoint_p.bind(*consts, *sp.leaves, jaxpr=jaxpr, policy=policy,
                                 prevent_cse=prevent_cse)
        return tree_unflatten(out_tree, outs)

    return remat_fun


remat = checkpoint
