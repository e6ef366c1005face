"""fungrad programs as functions of other libraries.

`to_jax(f)` is `f` traced by fungrad, optimized, and lowered to jax.numpy / jax.lax calls
(`jit(f, backend="jax")`'s program): a function of JAX arrays made of JAX operations, so it
composes with jax.jit, jax.grad, jax.vmap and JAX's sharding like any JAX function.

>>> import fungrad.numpy as fnp
>>> from fungrad.export import to_jax
>>> g = to_jax(lambda x: fnp.sin(x) * 2.0)
>>> float(g(0.5))  # doctest: +ELLIPSIS
0.958851...
"""
import functools

from fungrad._api.jit import Jitted

__all__ = ["to_jax"]


def to_jax(fun, *, static_argnums=(), static_argnames=(), in_shardings=None,
           out_shardings=None):
    """`fun` as a JAX function (see the module docstring). It is traced by fungrad once per
    argument signature (shapes and dtypes of the JAX or numpy arrays it is called with) and the
    program compiled with jax.jit (`in_shardings`/`out_shardings` passed through). It computes in
    the caller's JAX precision mode: enable JAX's 64-bit mode (`jax.enable_x64`) for float64,
    as in JAX. A primitive without a JAX rule raises fungrad.errors.MissingRuleError naming it.
    Needs `pip install jax`."""
    jitted = Jitted(fun, static_argnums, static_argnames, "jax", in_shardings, out_shardings)

    @functools.wraps(fun)
    def jax_fun(*args, **kwargs):
        return jitted._native(args, kwargs)
    return jax_fun

__dir__ = __all__.copy  # dir() lists the public names only
