"""Not a test module: mypy (run by CI over pyproject's [tool.mypy] files) checks that the public
API's annotations say what a user's code relies on. Running it is harmless."""
from typing import Callable

import numpy as np

import fungrad as fg
import fungrad.numpy as fnp
from fungrad._api.jit import Jitted
from fungrad.typing import Array, ArrayLike


def loss(w: ArrayLike, x: ArrayLike) -> Array:
    return fnp.sum(fnp.tanh(fnp.dot(x, w)) ** 2)


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

# fungrad.numpy as a user calls it: keywords, axis tuples, dtypes and the tuple-returning forms
m = fnp.arange(6.0).reshape(2, 3)
s1: Array = fnp.sum(m, axis=(0, 1), keepdims=True, dtype=np.float64)
s2: Array = fnp.mean(m, axis=0, where=m > 1)
idx: tuple[Array, ...] = fnp.where(m > 2)
sel: Array = fnp.where(m > 2, m, 0.0)
q, r = fnp.linalg.qr(fnp.eye(3))
vals, vecs = fnp.linalg.eigh(fnp.eye(3), UPLO="L")
sign, logdet = fnp.linalg.slogdet(fnp.eye(3))
quot, rem = fnp.divmod(fnp.arange(5), 2)
parts: list[Array] = fnp.split(fnp.arange(6), 3, axis=0)
spec: Array = fnp.fft.rfft(fnp.ones(8), n=8, axis=-1, norm="ortho")
counts, edges = fnp.histogram(fnp.arange(10.0), bins=5, range=(0.0, 10.0))
big: Array = fnp.concatenate([m, m], axis=0)
