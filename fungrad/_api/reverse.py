"""Reverse mode: vjp, grad and value_and_grad, built on linearize + transpose.

Imports: _core, _interp, _api.args.
"""
from __future__ import annotations

from typing import Any, Callable

from fungrad._core.typing import ArgNums, Fun, PyTree
import functools

import numpy as np

from fungrad._core.traceback_util import api_boundary
from fungrad._core.dtypes import float0, is_float
from fungrad._core.zero import instantiate
from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.linear_arg import LinearArg
from fungrad._core.trace import get_aval
from fungrad._core.tree import tree_flatten, tree_unflatten
from fungrad._api.args import (
    as_leaf, check_argnums, check_callable, check_differentiable, split_aux)
from fungrad._core.trace import EvalTrace, current_trace
from fungrad._interp import tape
from fungrad._interp.linearize import linearize_flat
from fungrad._interp.transpose import backward_pass
from typing import Sequence


def reverse_flat(fun: Any, primals: Sequence[Any], transform_name: str) -> tuple[Any, Any, Any]:
    """Evaluate fun(*primals) for reverse mode: on the eager tape when the values are concrete
    (no enclosing transform), else linearized (linearize_flat). Returns (out_leaves, out_tree,
    linear map for `pullback`)."""
    if tape.enabled and type(current_trace()) is EvalTrace:
        return tape.tape_flat(fun, primals, transform_name)
    return linearize_flat(fun, primals, transform_name)


def pullback(linear_fn: Any, cts: Sequence[Any]) -> list[Any]:
    """Input cotangents (zeros where symbolic) from output cotangents (None for zero)."""
    if type(linear_fn) is tape.Tape:
        return linear_fn.pullback(cts)
    jaxpr = linear_fn.jaxpr
    nonzero_cts = [ct for ct, z in zip(cts, linear_fn.out_zero) if not z]
    args = [LinearArg(a) for a in linear_fn.in_avals]
    cts_in = backward_pass(jaxpr.jaxpr, jaxpr.consts, args, nonzero_cts)
    return [instantiate(ct, a) for ct, a in zip(cts_in, linear_fn.in_avals)]


def _check_cotangent(i, ct, aval):
    ct_aval = get_aval(ct)
    if ct_aval.shape != aval.shape:
        raise ShapeError(
            f"vjp: the cotangent for output {i} has shape {ct_aval.str_short()} but the "
            f"function's output {i} is {aval.str_short()}; a cotangent must have the output's "
            "shape and dtype. Fix: pass an array shaped like the primal output.")
    if ct_aval.dtype != aval.dtype and not ct_aval.weak_type and aval.dtype != float0:
        raise DtypeError(
            f"vjp: the cotangent for output {i} has dtype {ct_aval.dtype.name} but the "
            f"function's output {i} is {aval.str_short()}. Fix: cast it, e.g. "
            f"ct.astype({aval.dtype.name!r}).")


def check_complex_inputs(name, leaves, holomorphic):
    """The input dtypes a Jacobian-like transform takes: with holomorphic=True complex ones
    only; without it, for the forward-mode ones (jacfwd, hessian's outer jacfwd), real ones."""
    for x in leaves:
        aval = get_aval(x)
        if holomorphic and aval.dtype.kind != "c":
            raise DtypeError(
                f"{name} with holomorphic=True requires inputs with complex dtype, but got "
                f"{aval.dtype.name} ({aval.str_short()}). Fix: pass complex inputs, e.g. "
                "x.astype(complex), or drop holomorphic=True for real inputs.")
        if not holomorphic and name == "jacfwd" and aval.dtype.kind == "c":
            raise DtypeError(
                f"{name} requires real-valued inputs (input dtype that is a sub-dtype of "
                f"np.floating), but got {aval.dtype.name} ({aval.str_short()}). For holomorphic "
                "differentiation, pass holomorphic=True. For differentiation of non-holomorphic "
                "functions involving complex inputs, use fungrad.jvp directly (or "
                "differentiate with respect to the real and imaginary parts as real inputs).")


def check_complex_output(name, aval, holomorphic):
    """Output dtype rules of grad/jacrev (and jacfwd with holomorphic=True), as JAX's."""
    if holomorphic:
        if aval.dtype.kind != "c":
            raise DtypeError(
                f"{name} with holomorphic=True requires outputs with complex dtype, but got "
                f"{aval.dtype.name} ({aval.str_short()}). Fix: drop holomorphic=True for a "
                "real-valued function.")
        return
    if aval.dtype.kind == "c" and name != "jacfwd":
        raise DtypeError(
            f"{name} requires real-valued outputs (output dtype that is a sub-dtype of "
            f"np.floating), but got {aval.dtype.name} ({aval.str_short()}). For holomorphic "
            "differentiation, pass holomorphic=True. For differentiation of non-holomorphic "
            "functions involving complex outputs, use fungrad.vjp directly, or differentiate a "
            "real quantity of it, e.g. fnp.real(f(x)) or fnp.abs(f(x)) ** 2.")


@api_boundary
def vjp(fun: Fun, *primals: PyTree, has_aux: bool = False) -> tuple[Any, ...]:
    """(fun(*primals), vjp_fn) where vjp_fn(ct) returns the cotangents of `primals` (a tuple).

    With has_aux=True, `fun` returns (out, aux) and vjp returns (out, vjp_fn, aux).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> y, f_vjp = fg.vjp(fnp.sin, 0.0)
    >>> f_vjp(2.0)
    (array(2.),)
    """
    check_callable("vjp", fun)
    leaves, in_tree = tree_flatten(primals)
    leaves = [as_leaf(x) for x in leaves]
    check_differentiable("vjp", leaves, tuple(range(len(primals))), allow_int=True)

    def flat_fun(*xs):
        return fun(*tree_unflatten(in_tree, xs))

    out_leaves, out_tree, lin = reverse_flat(flat_fun, leaves, "vjp")
    if has_aux:
        out_leaves, out_tree, aux, n_out = split_aux(out_leaves, out_tree, "vjp")
    else:
        aux, n_out = None, len(out_leaves)
    out = tree_unflatten(out_tree, out_leaves)

    @api_boundary
    def vjp_fn(ct):
        ct_leaves, ct_tree = tree_flatten(ct)
        if ct_tree != out_tree:
            raise ShapeError(f"vjp: the cotangent has tree structure {ct_tree!r} but the "
                             f"function's output has {out_tree!r}; they must match.")
        cts = []
        for i, (c, a) in enumerate(zip(ct_leaves, lin.out_avals)):
            # a Python scalar is weakly typed: it takes the output's dtype (1.0 for a float32 output)
            weak = type(c) in (int, float, complex) and is_float(a.dtype) and (
                type(c) is not complex or a.dtype.kind == "c")
            c = np.asarray(c, a.dtype) if weak else as_leaf(c)
            _check_cotangent(i, c, a)
            cts.append(c)
        cts += [None] * (len(lin.out_avals) - n_out)
        return tree_unflatten(in_tree, pullback(lin, cts))

    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def value_and_grad(fun: Fun, argnums: ArgNums = 0, has_aux: bool = False, allow_int: bool = False,
                   holomorphic: bool = False) -> Callable[..., tuple[Any, Any]]:
    """A function returning (fun(*args), gradient of fun with respect to args[argnums]).

    `fun` must return a real scalar (with has_aux, a pair (scalar, aux); then the value is
    (scalar, aux)). argnums may be an int or a tuple of ints; the gradient has the same structure.

    Complex numbers follow JAX: for a real-valued `fun` of complex inputs the gradient is the
    pullback of the cotangent 1.0, df/dx - i df/dy for z = x + iy (the conjugate of the
    steepest-ascent direction: step along conj(grad) to increase fun). With holomorphic=True,
    `fun` must take and return complex values and the gradient is the complex derivative f'(z).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.value_and_grad(lambda x: fnp.sum(x ** 2))(fnp.array([1.0, 2.0]))
    (array(5.), array([2., 4.]))
    """
    check_callable("value_and_grad", fun)
    @functools.wraps(fun)
    @api_boundary
    def value_and_grad_f(*args, **kwargs):
        nums, single = check_argnums("grad", argnums, len(args))
        diff = tuple(args[i] for i in nums)
        leaves, diff_tree = tree_flatten(diff)
        leaves = [as_leaf(x) for x in leaves]
        check_differentiable("grad", leaves, argnums, allow_int)
        if holomorphic:
            check_complex_inputs("grad", leaves, True)

        def flat_fun(*xs):
            new_args = list(args)
            for i, a in zip(nums, tree_unflatten(diff_tree, xs)):
                new_args[i] = a
            return fun(*new_args, **kwargs)

        out_leaves, out_tree, lin = reverse_flat(flat_fun, leaves, "grad")
        if has_aux:
            out_leaves, out_tree, aux, n_out = split_aux(out_leaves, out_tree, "grad")
        else:
            n_out = len(out_leaves)
        if n_out != 1 or out_tree.node is not None:
            raise TypeError(
                f"grad requires a function returning a scalar (a single 0-d array), but it "
                f"returned a value of structure {out_tree!r}. Fix: return one scalar, use "
                "has_aux=True to return extra values, or use jacobian/vjp for several outputs.")
        out_aval = get_aval(out_leaves[0])
        check_complex_output("grad", out_aval, holomorphic)
        if out_aval.shape != () or not is_float(out_aval.dtype):
            raise TypeError(
                f"grad requires a real scalar output, but the function returned "
                f"{out_aval.str_short()}. Fix: reduce it to a scalar (e.g. `.sum()` or "
                "fnp.mean), or use jacobian/jacrev for the full Jacobian or vjp for a "
                "vector-Jacobian product.")
        cts = [np.ones((), out_aval.dtype)] + [None] * (len(lin.out_avals) - 1)
        grads = pullback(lin, cts)
        if allow_int:
            grads = [g if is_float(get_aval(x).dtype) else np.zeros(get_aval(x).shape, float0)
                     for g, x in zip(grads, leaves)]
        g = tree_unflatten(diff_tree, grads)
        g = g[0] if single else g
        value = out_leaves[0]
        return ((value, aux) if has_aux else value), g

    return value_and_grad_f


def grad(fun: Fun, argnums: ArgNums = 0, has_aux: bool = False, allow_int: bool = False,
         holomorphic: bool = False) -> Fun:
    """The gradient of a scalar function with respect to args[argnums] (complex numbers: see
    value_and_grad; holomorphic=True for the complex derivative of a holomorphic function).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.grad(fnp.sin)(0.0)
    array(1.)
    """
    check_callable("grad", fun)
    vg = value_and_grad(fun, argnums, has_aux, allow_int, holomorphic)

    @functools.wraps(fun)
    @api_boundary
    def grad_f(*args, **kwargs):
        (value, g) = vg(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return grad_f
