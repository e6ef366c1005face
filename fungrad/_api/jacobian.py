"""Jacobians and Hessians: jacfwd (vmap of jvp), jacrev (vmap of vjp), hessian (forward over reverse).

Imports: _core, lax, _api.
"""
from __future__ import annotations


from fungrad._core.typing import ArgNums, Fun
import functools

import numpy as np

from fungrad._core.traceback_util import api_boundary
from fungrad._core.dtypes import is_float
from fungrad._core.trace import get_aval
from fungrad._core.tree import tree_flatten, tree_unflatten
from fungrad._lax import moveaxis, reshape
from fungrad._api.args import as_leaf, check_argnums, check_callable, check_differentiable
from fungrad._api.forward import jvp
from fungrad._api.reverse import check_complex_inputs, check_complex_output, vjp
from fungrad._api.vmap import vmap


def _basis(avals):
    """One standard-basis batch per leaf: leaf i gets (N, *shape_i), N the total size."""
    sizes = [a.size for a in avals]
    n = sum(sizes)
    dtype = np.result_type(*[a.dtype for a in avals]) if avals else np.float64
    eye = np.eye(n, dtype=dtype)
    out, start = [], 0
    for a, s in zip(avals, sizes):
        out.append(eye[:, start:start + s].reshape((n, *a.shape)).astype(a.dtype))
        start += s
    return out


def _prepare(name, fun, argnums, args):
    nums, single = check_argnums(name, argnums, len(args))
    diff = tuple(args[i] for i in nums)
    leaves, diff_tree = tree_flatten(diff)
    leaves = [as_leaf(x) for x in leaves]
    check_differentiable(name, leaves, argnums)

    def flat_fun(*xs):
        new_args = list(args)
        for i, a in zip(nums, tree_unflatten(diff_tree, xs)):
            new_args[i] = a
        return fun(*new_args)

    return leaves, diff_tree, single, flat_fun


def _assemble(out_leaves, out_tree, in_avals, diff_tree, single, blocks_for):
    """Jacobian pytree: outer structure of the output, inner structure of the inputs."""
    rows = []
    for o in range(len(out_leaves)):
        per_in = [blocks_for(o, i) for i in range(len(in_avals))]
        inner = tree_unflatten(diff_tree, per_in)
        rows.append(inner[0] if single else inner)
    return tree_unflatten(out_tree, rows)


def jacfwd(fun: Fun, argnums: ArgNums = 0, has_aux: bool = False, holomorphic: bool = False) -> Fun:
    """Jacobian by forward mode: one batched jvp over the standard basis of the inputs.

    Inputs must be real, as in JAX (complex inputs: holomorphic=True for the complex derivative
    of a holomorphic function, else jvp directly); outputs may be complex.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.jacfwd(lambda x: x ** 2)(fnp.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    check_callable("jacfwd", fun)
    @functools.wraps(fun)
    @api_boundary
    def jac_f(*args):
        leaves, diff_tree, single, flat_fun = _prepare("jacfwd", fun, argnums, args)
        check_complex_inputs("jacfwd", leaves, holomorphic)
        in_avals = [get_aval(x) for x in leaves]

        def push(*ts):
            out = jvp(flat_fun, tuple(leaves), ts, has_aux=has_aux)
            return out[1] if not has_aux else (out[1], out[2])

        basis = _basis(in_avals)
        res = vmap(push, out_axes=(0, None) if has_aux else 0)(*basis)
        tangents, aux = (res if has_aux else (res, None))
        t_leaves, out_tree = tree_flatten(tangents)
        if holomorphic:
            for t in t_leaves:
                check_complex_output("jacfwd", get_aval(t), True)
        sizes = [a.size for a in in_avals]
        starts = np.cumsum([0] + sizes)

        def block(o, i):
            y = t_leaves[o]  # (N, *out_shape)
            out_shape = get_aval(y).shape[1:]
            part = y[int(starts[i]):int(starts[i + 1])]
            part = moveaxis(part, 0, len(out_shape))
            return reshape(part, (*out_shape, *in_avals[i].shape))

        jac = _assemble(t_leaves, out_tree, in_avals, diff_tree, single, block)
        return (jac, aux) if has_aux else jac

    return jac_f


def jacrev(fun: Fun, argnums: ArgNums = 0, has_aux: bool = False, holomorphic: bool = False) -> Fun:
    """Jacobian by reverse mode: one vjp, pulled back over the standard basis of the outputs.

    Outputs must be real, as in JAX (complex inputs then get grad's convention, see
    value_and_grad); holomorphic=True takes complex inputs and outputs (the complex derivative).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.jacrev(lambda x: x ** 2)(fnp.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    check_callable("jacrev", fun)
    @functools.wraps(fun)
    @api_boundary
    def jac_f(*args):
        leaves, diff_tree, single, flat_fun = _prepare("jacrev", fun, argnums, args)
        if holomorphic:
            check_complex_inputs("jacrev", leaves, True)
        in_avals = [get_aval(x) for x in leaves]
        res = vjp(flat_fun, *leaves, has_aux=has_aux)
        out, pull = res[0], res[1]
        out_leaves, out_tree = tree_flatten(out)
        out_avals = [get_aval(o) for o in out_leaves]
        for a in out_avals:
            if not is_float(a.dtype):
                raise TypeError(f"jacrev requires floating point outputs, got {a.str_short()}")
            check_complex_output("jacrev", a, holomorphic)
        basis = _basis(out_avals)
        cts = vmap(lambda *b: pull(tree_unflatten(out_tree, b)))(*basis)  # tuple over inputs
        sizes = [a.size for a in out_avals]
        starts = np.cumsum([0] + sizes)

        def block(o, i):
            y = cts[i][int(starts[o]):int(starts[o + 1])]  # (size_o, *in_shape)
            return reshape(y, (*out_avals[o].shape, *in_avals[i].shape))

        jac = _assemble(out_leaves, out_tree, in_avals, diff_tree, single, block)
        return (jac, res[2]) if has_aux else jac

    return jac_f


jacobian = jacrev


def hessian(fun: Fun, argnums: ArgNums = 0, has_aux: bool = False, holomorphic: bool = False) -> Fun:
    """Hessian of a scalar function: jacfwd(jacrev(fun)), forward over reverse.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.hessian(lambda x: fnp.sum(x ** 3))(fnp.array([1.0, 2.0]))
    array([[ 6.,  0.],
           [ 0., 12.]])
    """
    check_callable("hessian", fun)
    return jacfwd(jacrev(fun, argnums, has_aux, holomorphic), argnums, has_aux, holomorphic)
