"""Argument handling shared by the transforms: argnums, leaf conversion and validation.

Imports: _core.
"""
import numpy as np

from fungrad._core.aval import ShapedArray
from fungrad._core.dtypes import is_float
from fungrad._core.errors import DtypeError
from fungrad._core.trace import Tracer, get_aval
from fungrad._core.tree import tree_unflatten


def check_callable(name, fun):
    """`fun` if it is callable, else the TypeError JAX raises ("Expected a callable value")."""
    if not callable(fun):
        raise TypeError(f"{name}: expected a callable value (the function to transform), got "
                        f"{type(fun).__name__} {fun!r:.40}. Fix: pass the function itself, "
                        f"e.g. {name}(f) rather than {name}(f(x)).")
    return fun


def check_argnums(name, argnums, nargs):
    """Normalize argnums to a tuple, raising a clear error when one is out of range."""
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)
    for a in nums:
        if not isinstance(a, int) or not -nargs <= a < nargs:
            raise ValueError(
                f"{name}: argnums={argnums!r} is out of range for a call with {nargs} positional "
                f"argument{'s' if nargs != 1 else ''}. Fix: pass argnums between 0 and {nargs - 1}.")
    norm = tuple(a % nargs for a in nums)
    if len(set(norm)) != len(norm):
        raise ValueError(f"{name}: argnums={argnums!r} names an argument more than once. Fix: "
                         "list each argument once.")
    return norm, single


def as_leaf(x):
    """A pytree leaf as an array value: tracers and numpy values pass; scalars and lists become arrays."""
    if isinstance(x, (Tracer, np.ndarray)):
        return x
    if isinstance(x, np.generic):
        return np.asarray(x)
    if isinstance(x, (bool, int, float, complex)):
        return np.asarray(x)
    if isinstance(x, (list, tuple)):
        return np.asarray(x)
    raise TypeError(f"Argument of type {type(x).__name__} is not a valid fungrad value; pass "
                    "numpy arrays, Python scalars, or pytrees (tuples, lists, dicts) of them.")


def check_differentiable(name, leaves, argnums, allow_int=False):
    """Differentiated inputs must be floating point."""
    for i, x in enumerate(leaves):
        dtype = get_aval(x).dtype
        if not is_float(dtype) and not allow_int:
            raise DtypeError(
                f"{name} requires real- or complex-valued (floating point) inputs, but input "
                f"{i} of the differentiated arguments (argnums={argnums}) has dtype {dtype.name} "
                f"({get_aval(x).str_short()}). Fix: pass floats, e.g. 1.0 instead of 1 or "
                "x.astype(float); to differentiate only some arguments, choose them with argnums.")


def aval_str(x) -> str:
    a = x if isinstance(x, ShapedArray) else get_aval(x)
    return a.str_short()


def split_aux(out_leaves, out_tree, name):
    """(main leaves, main tree, aux value, number of main leaves) of a has_aux=True output."""
    if out_tree.kind is not tuple or len(out_tree.children()) != 2:
        raise TypeError(f"{name} with has_aux=True requires the function to return a pair "
                        f"(output, aux), but it returned a value of structure {out_tree!r}.")
    main_tree, aux_tree = out_tree.children()
    n = main_tree.num_leaves
    aux = tree_unflatten(aux_tree, out_leaves[n:])
    return out_leaves[:n], main_tree, aux, n
