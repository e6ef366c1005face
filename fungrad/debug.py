"""fungrad.debug: print and call back from running programs (JAX's jax.debug), and pure_callback
(exported as fungrad.pure_callback).

`print` and `callback` run when the program runs, not when it is traced: inside `jit` the
generated code calls them on every call; under `vmap` once per example, with that example's
values (as JAX); under `grad` / `jvp` once, with the primal values (nothing is printed for
tangents or cotangents). A Python `print` in the same function runs only while tracing.

>>> import fungrad as fg
>>> @fg.jit
... def f(x):
...     fg.debug.print("x = {}", x)
...     return x * 2
>>> _ = f(1.0)
x = 1.0
>>> _ = f(2.0)
x = 2.0

Imports: _core, _api, _hop.callback.
"""
from __future__ import annotations

from typing import Any, Callable

import builtins

import numpy as np

from fungrad._api.args import as_leaf
from fungrad._core.aval import shaped
from fungrad._core.tree import tree_flatten, tree_unflatten
from fungrad._hop.callback import debug_callback as _debug_callback
from fungrad._hop.callback import pure_callback_flat as _pure_callback_flat

__all__ = ["callback", "print", "pure_callback"]


def _flat(args, kwargs):
    leaves, tree = tree_flatten((tuple(args), dict(kwargs)))
    return [as_leaf(x) for x in leaves], tree


def _value(x):
    """What the user's function sees: numpy arrays, 0-d ones as numpy scalars' arrays."""
    return np.asarray(x)


def callback(callback: Callable[..., Any], *args: Any, ordered: bool = False, partitioned: bool = False,
             **kwargs: Any) -> None:
    """Call `callback(*args, **kwargs)` with the arrays' values whenever the program runs (see
    the module docstring). Returns None; the callback's own return value is ignored. `ordered`
    is accepted for JAX compatibility: calls always run in program order here.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> seen = []
    >>> f = fg.jit(lambda x: fg.debug.callback(lambda v: seen.append(float(v)), x) or x + 1)
    >>> f(2.0)
    array(3.)
    >>> seen
    [2.0]
    """
    if not callable(callback):
        raise TypeError(f"debug.callback: the first argument must be callable, got "
                        f"{type(callback).__name__}")
    leaves, tree = _flat(args, kwargs)

    def flat_callback(*vals):
        a, k = tree_unflatten(tree, [_value(v) for v in vals])
        callback(*a, **k)

    _debug_callback(flat_callback, leaves, name=getattr(callback, "__name__", "callback"))


def print(fmt: str, *args: Any, ordered: bool = False, **kwargs: Any) -> None:  # noqa: A001 - JAX's name
    """Print `fmt.format(*args, **kwargs)` with the arrays' values whenever the program runs
    (see the module docstring).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> f = fg.jit(lambda x: fg.debug.print('x = {}', x) or x * 2)
    >>> f(1.5)
    x = 1.5
    array(3.)
    """
    if not isinstance(fmt, str):
        raise TypeError(f"debug.print: the format must be a string, got {type(fmt).__name__}. "
                        "Fix: debug.print('{}', x).")

    def show(*a, **k):
        builtins.print(fmt.format(*a, **k))

    show.__name__ = "debug.print"
    callback(show, *args, ordered=ordered, **kwargs)


def pure_callback(callback: Callable[..., Any], result_shape_dtypes: Any, *args: Any, sharding: Any = None,
                  vmap_method: str | None = None, **kwargs: Any) -> Any:
    """Call the pure Python function `callback(*args, **kwargs)` on the arrays' values, as an
    operation of the program: its results must match `result_shape_dtypes` (a pytree of objects
    with .shape and .dtype, e.g. ShapeDtypeStruct). Works under jit (the generated code calls
    it), under vmap per `vmap_method` ("sequential": once per example; "expand_dims": once, with
    the batch as a leading axis and unbatched operands given a size-1 one; "broadcast_all":
    once, every operand broadcast to the batch; None: vmap raises, as JAX). Not differentiable:
    wrap it in custom_jvp / custom_vjp to give it derivatives.

    >>> import numpy as np, fungrad as fg
    >>> spec = fg.ShapeDtypeStruct((), np.float64)
    >>> fg.jit(lambda x: fg.pure_callback(np.cos, spec, x))(0.0)
    array(1.)
    """
    if not callable(callback):
        raise TypeError(f"pure_callback: the first argument must be callable, got "
                        f"{type(callback).__name__}")
    res_leaves, res_tree = tree_flatten(result_shape_dtypes)
    avals = []
    for r in res_leaves:
        if not (hasattr(r, "shape") and hasattr(r, "dtype")):
            raise TypeError(f"pure_callback: result_shape_dtypes must be a pytree of objects with "
                            f".shape and .dtype (e.g. fungrad.ShapeDtypeStruct), got "
                            f"{type(r).__name__}")
        avals.append(shaped(tuple(int(d) for d in r.shape), np.dtype(r.dtype)))
    leaves, tree = _flat(args, kwargs)
    name = getattr(callback, "__name__", "callback")

    def flat_callback(*vals):
        a, k = tree_unflatten(tree, [_value(v) for v in vals])
        out = callback(*a, **k)
        out_leaves, out_tree = tree_flatten(out)
        if out_tree != res_tree:
            raise TypeError(f"pure_callback({name}): the callback returned a value of structure "
                            f"{out_tree!r}, but result_shape_dtypes has structure {res_tree!r}.")
        return [np.asarray(o) for o in out_leaves]

    outs = _pure_callback_flat(flat_callback, avals, leaves, vmap_method, name)
    return tree_unflatten(res_tree, outs)

__dir__ = __all__.copy  # dir() lists the public names only
