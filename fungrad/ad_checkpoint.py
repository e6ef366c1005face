"""fungrad.ad_checkpoint: rematerialization (JAX's jax.ad_checkpoint): checkpoint / remat with
saving policies, checkpoint_name to tag values for the name policies, and print_saved_residuals /
saved_residuals to see what reverse mode keeps from the forward pass.

>>> import fungrad as fg, fungrad.numpy as fnp
>>> from fungrad.ad_checkpoint import checkpoint_name, print_saved_residuals
>>> def f(x):
...     h = checkpoint_name(fnp.sin(x), "h")
...     return fnp.sum(fnp.cos(h))
>>> policy = fg.checkpoint_policies.save_only_these_names("h")
>>> print_saved_residuals(fg.checkpoint(f, policy=policy), fnp.ones(3))
f64[3] from the argument x
f64[3] named 'h' (f)

Imports: _core, _interp, _api, _hop, _lax.
"""
from __future__ import annotations

from typing import Any, Callable

import inspect

import numpy as np

from fungrad._api.args import as_leaf
from fungrad._api.custom import checkpoint, checkpoint_policies, remat  # noqa: F401
from fungrad._api.misc import ShapeDtypeStruct
from fungrad._core.dtypes import is_float
from fungrad._core.ir import Literal
from fungrad._core.trace import get_aval
from fungrad._core.tree import keystr, tree_flatten_with_path, tree_unflatten
from fungrad._hop.call import linearize_program
from fungrad._interp.staging import stage_flat
from fungrad._lax.names import checkpoint_name, name_p  # noqa: F401

__all__ = ["checkpoint", "checkpoint_name", "checkpoint_policies", "print_saved_residuals",
           "remat", "saved_residuals", "Recompute", "Saveable", "Offloadable"]

Saveable = True      # what a policy returns to save a value
Recompute = False    # ... to recompute it in the backward pass


class Offloadable:
    """A policy's answer to move a value to another memory: fungrad has one, so it is saved."""

    __slots__ = ("src", "dst")

    def __init__(self, src, dst):
        self.src, self.dst = src, dst

    def __bool__(self):
        return True

    def __repr__(self):
        return f"Offloadable(src={self.src!r}, dst={self.dst!r})"


def _arg_names(f, args):
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = []
    for i in range(len(args)):
        if i < len(params) and params[i].kind in (params[i].POSITIONAL_ONLY,
                                                  params[i].POSITIONAL_OR_KEYWORD):
            names.append(params[i].name)
        elif params and params[-1].kind == params[-1].VAR_POSITIONAL:
            names.append(f"{params[-1].name}[{i - len(params) + 1}]")
        else:
            names.append(f"args[{i}]")
    return names


def saved_residuals(f: Callable[..., Any], *args: Any, **kwargs: Any) -> list[tuple[Any, str]]:
    """What reverse mode of `f` at `args` saves from the forward pass: a list of
    (ShapeDtypeStruct, description) pairs, one per saved array, described as an argument
    ("from the argument x"), a named value ("named 'h'", see checkpoint_name), or the output of
    a primitive ("output of sin"). Differentiates with respect to every floating-point leaf.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> from fungrad.ad_checkpoint import saved_residuals
    >>> [why for _, why in saved_residuals(lambda x: fnp.sin(fnp.sin(x)), 1.0)]
    ['output of cos (<lambda>)', 'output of cos (<lambda>)']
    """
    if kwargs:
        bound = inspect.signature(f).bind(*args, **kwargs)
        args, kwargs = bound.args, {}
    with_path, in_tree = tree_flatten_with_path(tuple(args))
    leaves = [as_leaf(x) for _, x in with_path]
    names = _arg_names(f, args)
    labels = []
    for path, _ in with_path:
        head, rest = path[0], path[1:]
        labels.append(names[head.idx] + keystr(rest))

    def flat(*xs):
        return f(*tree_unflatten(in_tree, xs))

    closed, _ = stage_flat(flat, [get_aval(x) for x in leaves], "saved_residuals")
    diff = [is_float(get_aval(x).dtype) for x in leaves]
    lp = linearize_program(closed, diff)
    if lp is None:
        raise TypeError("saved_residuals: this function cannot be differentiated in reverse mode "
                        "(a primal output depends on a tangent); check it with fungrad.grad.")
    fwd = lp.forward.jaxpr
    n_out = len(fwd.outvars) - lp.num_res
    producer = {v: e for e in fwd.eqns for v in e.outvars}
    where = getattr(f, "__name__", None) or type(f).__name__
    out = []
    res = list(fwd.outvars[n_out:])
    first = [v for v in res if type(v) is not Literal and v in fwd.invars]
    first.sort(key=fwd.invars.index)  # the arguments first, in argument order (as JAX)
    for v in first + [v for v in res if not (type(v) is not Literal and v in fwd.invars)]:
        if type(v) is Literal:
            desc = "a literal constant"
        elif v in fwd.invars:
            desc = f"from the argument {labels[fwd.invars.index(v)]}"
        elif v in fwd.constvars:
            desc = "a constant closed over"
        else:
            e = producer[v]
            desc = (f"named {e.params['name']!r}" if e.prim is name_p
                    else f"output of {e.prim.name}")
            desc += f" ({where})"
        aval = v.aval
        out.append((ShapeDtypeStruct(aval.shape, aval.dtype), desc))
    return out


def _aval_str(s):
    return f"{np.dtype(s.dtype).str[1:]}[{','.join(map(str, s.shape))}]".replace(
        "f8", "f64").replace("f4", "f32").replace("f2", "f16").replace("i8", "i64").replace(
        "i4", "i32").replace("b1", "bool").replace("c16", "c128").replace("c8", "c64")


def print_saved_residuals(f: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Print what reverse mode of `f` saves, one line per array: its type and where it comes
    from (see saved_residuals; fungrad's programs record no source lines, so the function's
    name stands for the location).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> from fungrad.ad_checkpoint import print_saved_residuals
    >>> print_saved_residuals(lambda x: fnp.sin(fnp.sin(x)), 1.0)
    f64[] output of cos (<lambda>)
    f64[] output of cos (<lambda>)
    """
    for s, desc in saved_residuals(f, *args, **kwargs):
        print(f"{_aval_str(s)} {desc}")

__dir__ = __all__.copy  # dir() lists the public names only
