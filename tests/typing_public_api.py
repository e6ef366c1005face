"""Not a test module: mypy (run by CI over pyproject's [tool.mypy] files) checks that the public
API's annotations say what a user's code relies on. Running it is harmless."""
from typing import Callable

import numpy as np

import fungrad as fg
import fungrad.numpy as fnp
from fungrad._api.jit import Jitted
from fungrad.typing import Array, ArrayLike


def loss(w: ArrayLike, x: ArrayLike) -> Array:
    return np.asarray(fnp.sum(fnp.tanh(fnp.dot(x, w)) ** 2))


df: Callable[..., object] = fg.grad(loss)
dfs = fg.value_and_grad(loss, argnums=(0, 1))
jac = fg.jacrev(loss)
batched = fg.vmap(df, in_axes=(None, 0))
compiled: Jitted = fg.jit(loss, static_argnums=())
decorator = fg.jit(static_argnames="n")
out, pullback = fg.vjp(fnp.sin, 1.0)
primal_out, tangent_out = fg.jvp(fnp.sin, (1.0,), (1.0,))
program = fg.make_jaxpr(fnp.sin)(1.0)
print(program.jaxpr.eqns[0], fg.checkpoint(loss), fg.hessian(loss))

key = fg.random.key(0)
k1, k2 = fg.random.split(key)
u = fg.random.uniform(k1, (3,), minval=-1.0, maxval=1.0)
z = fg.random.normal(k2, shape=(2, 2), dtype=np.float32)
i = fg.random.randint(k1, (4,), 0, 10)
c = fg.random.categorical(k2, fnp.zeros(3), axis=-1)

h = fg.nn.relu(fg.nn.softmax(u, axis=-1))
labels = fg.nn.one_hot(i, 10, dtype=np.float32)
w0 = fg.nn.initializers.glorot_normal()(k1, (3, 4))
leaves, treedef = fg.tree_util.tree_flatten({"a": u, "b": [z]})
doubled = fg.tree_util.tree_map(lambda v: v * 2, {"a": u})

import fungrad.scipy.linalg  # noqa: E402
import fungrad.scipy.special  # noqa: E402

x_solved = fg.scipy.linalg.solve_triangular(fnp.eye(2), fnp.ones(2), lower=True)
lse = fg.scipy.special.logsumexp(u, b=None)
