"""checkpoint_name: the identity, carrying a name that checkpoint policies can select
(jax.ad_checkpoint.checkpoint_name). A primitive because a policy sees equations: the name must
stay an equation of the program, on the primal value and on its tangent alike.

  name(x) = x;  JVP: name(t) with the same name;  transpose: name(ct);  batch: elementwise.

Imports: _core, lax._families, lax.shape.
"""
from fungrad._core.primitive import Emit
from fungrad._lax._families import unop
from fungrad._lax.shape import jvp_linear

name_p = unop("name", lambda x, *, name: x, emit=Emit("{0}", on=("numpy_api", "array_api")), jvp=jvp_linear,
              transpose=lambda ct, x, *, name: [name_p.bind(ct, name=name)])


def checkpoint_name(x, name):
    """`x`, tagged with `name` for checkpoint policies (save_only_these_names, ...).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> from fungrad.ad_checkpoint import checkpoint_name
    >>> fg.grad(lambda x: checkpoint_name(fnp.sin(x), 'h') * 2)(0.0)
    array(2.)
    """
    if not isinstance(name, str):
        raise TypeError(f"checkpoint_name: name must be a string, got {type(name).__name__}")
    return name_p.bind(x, name=name)
