"""Compositions of transforms, pytrees, argument options and decorators, with real values asserted."""
import collections
from functools import partial

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad.testing import check_grads
from fungrad.tree_util import register_pytree_node


def close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def f_scalar(x):
    return fnp.sum(fnp.sin(x) * x ** 2)


def df_scalar(x):
    return np.cos(x) * x ** 2 + 2 * x * np.sin(x)


X = np.array([0.3, -1.2, 2.0])


# ---- compositions

def test_vmap_of_grad_is_per_example_gradient():
    xs = np.random.randn(4, 3)
    close(fg.vmap(fg.grad(f_scalar))(xs), df_scalar(xs))


def test_grad_of_vmap():
    g = fg.grad(lambda x: fnp.sum(fg.vmap(fnp.sin)(x) * 2.0))(X)
    close(g, 2 * np.cos(X))


def test_jacfwd_of_jacrev_is_hessian():
    h = fg.jacfwd(fg.jacrev(f_scalar))(X)
    d2 = -np.sin(X) * X ** 2 + 4 * X * np.cos(X) + 2 * np.sin(X)
    close(h, np.diag(d2))


def test_jvp_of_grad_is_hessian_vector_product():
    v = np.array([1.0, 0.5, -2.0])
    g, hv = fg.jvp(fg.grad(f_scalar), (X,), (v,))
    d2 = -np.sin(X) * X ** 2 + 4 * X * np.cos(X) + 2 * np.sin(X)
    close(g, df_scalar(X))
    close(hv, d2 * v)


def test_vjp_of_jvp():
    # x -> jvp(sin)(x, t) = cos(x) t; its vjp in x is -sin(x) t ct
    t = np.array([1.0, 2.0, 3.0])
    ct = np.array([0.5, -1.0, 2.0])
    out, pull = fg.vjp(lambda x: fg.jvp(fnp.sin, (x,), (t,))[1], X)
    close(out, np.cos(X) * t)
    close(pull(ct)[0], -np.sin(X) * t * ct)


def test_vmap_of_vmap():
    x = np.random.randn(2, 3, 4)
    y = np.random.randn(4)
    out = fg.vmap(fg.vmap(lambda a, b: fnp.dot(a, b), in_axes=(0, None)), in_axes=(0, None))(x, y)
    close(out, x @ y)
    out2 = fg.vmap(fg.vmap(fnp.outer, in_axes=(None, 0)), in_axes=(0, None))(x[:, 0], x[0])
    close(out2, np.einsum("ai,bj->abij", x[:, 0], x[0]))


def test_vmap_of_jacrev():
    xs = np.random.randn(3, 2)
    jac = fg.vmap(fg.jacrev(lambda x: fnp.tanh(x) * x[0]))(xs)
    for b in range(3):
        x = xs[b]
        expected = np.diag((1 - np.tanh(x) ** 2) * x[0])
        expected[:, 0] += np.tanh(x)
        close(jac[b], expected)


def test_grad_of_function_calling_vjp():
    def f(x):
        y, pull = fg.vjp(lambda z: fnp.sin(z) * z, x)
        return fnp.sum(pull(fnp.ones_like(y))[0])  # sum of d/dz (z sin z) = sin z + z cos z

    close(fg.grad(f)(X), 2 * np.cos(X) - X * np.sin(X))


def test_grad_grad_grad():
    f = lambda x: x ** 4 + fnp.sin(x)
    close(fg.grad(fg.grad(fg.grad(f)))(1.5), 24 * 1.5 - np.cos(1.5))
    close(fg.grad(fg.grad(fg.grad(fnp.exp)))(0.7), np.exp(0.7))


def test_no_perturbation_confusion():
    assert fg.grad(lambda x: x * fg.grad(lambda y: x + y)(1.0))(2.0) == 1.0
    # the inner derivative d/dy (x*y) = x must be seen as a function of x: d/dx (x * x) = 2x
    close(fg.grad(lambda x: x * fg.grad(lambda y: x * y)(1.0))(3.0), 6.0)
    # forward inside reverse, same variable captured
    close(fg.grad(lambda x: fg.jvp(lambda y: x * y, (2.0,), (1.0,))[1] * x)(3.0), 6.0)


def test_closure_over_outer_tracer():
    def outer(x):
        inner = lambda y: fnp.sin(x * y)
        return fg.grad(inner)(2.0)  # x cos(2x)

    close(fg.grad(outer)(0.5), np.cos(1.0) - 2 * 0.5 * np.sin(1.0))
    close(fg.vmap(outer)(X), X * np.cos(2 * X))
    close(fg.vmap(lambda x: fg.vmap(lambda y: x * y)(X))(X), np.outer(X, X))


def test_higher_order_mixed_modes_agree():
    f = lambda x: fnp.sum(fnp.tanh(x) ** 3)
    h_fr = fg.jacfwd(fg.jacrev(f))(X)
    h_rr = fg.jacrev(fg.jacrev(f))(X)
    h_ff = fg.jacfwd(fg.jacfwd(f))(X)
    close(h_fr, h_rr)
    close(h_fr, h_ff)
    close(fg.hessian(f)(X), h_fr)


# ---- pytrees

class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


register_pytree_node(Point, lambda p: ((p.x, p.y), None), lambda _, c: Point(*c))


def test_grad_of_pytree_inputs():
    params = {"w": np.array([1.0, 2.0]), "b": (np.array(0.5), [np.array(3.0)]), "skip": None}

    def loss(p):
        return fnp.sum(p["w"] ** 2) * p["b"][0] + p["b"][1][0] ** 3

    g = fg.grad(loss)(params)
    assert set(g) == {"w", "b", "skip"} and g["skip"] is None
    assert isinstance(g["b"], tuple) and isinstance(g["b"][1], list)
    close(g["w"], 2 * params["w"] * 0.5)
    close(g["b"][0], 5.0)
    close(g["b"][1][0], 27.0)


def test_registered_class_in_and_out():
    p = Point(np.array(2.0), np.array(3.0))
    g = fg.grad(lambda p: p.x * p.y ** 2)(p)
    assert isinstance(g, Point)
    close(g.x, 9.0)
    close(g.y, 12.0)
    out = fg.vmap(lambda p: Point(p.x + p.y, p.x * p.y))(Point(np.arange(3.0), np.ones(3)))
    assert isinstance(out, Point)
    close(out.x, np.arange(3.0) + 1)
    close(out.y, np.arange(3.0))


def test_namedtuple_pytree():
    P = collections.namedtuple("P", "a b")
    g = fg.grad(lambda p: p.a * p.b)(P(np.array(2.0), np.array(5.0)))
    assert isinstance(g, P)
    close(g.a, 5.0)


def test_pytree_outputs_of_jvp_vjp_jacobians():
    def f(x):
        return {"s": fnp.sin(x), "pair": (x ** 2, fnp.sum(x))}

    out, t = fg.jvp(f, (X,), (np.ones(3),))
    close(out["s"], np.sin(X))
    close(t["s"], np.cos(X))
    close(t["pair"][0], 2 * X)
    close(t["pair"][1], 3.0)
    _, pull = fg.vjp(f, X)
    ct = {"s": np.ones(3), "pair": (np.ones(3), np.array(2.0))}
    close(pull(ct)[0], np.cos(X) + 2 * X + 2.0)
    jf = fg.jacfwd(f)(X)
    jr = fg.jacrev(f)(X)
    close(jf["s"], np.diag(np.cos(X)))
    close(jr["pair"][0], np.diag(2 * X))
    close(jf["pair"][1], np.ones(3))
    close(jr["pair"][1], np.ones(3))


def test_jacobian_with_respect_to_several_arguments():
    f = lambda x, y: x * y[0]
    y = np.array([2.0, 7.0])
    jx, jy = fg.jacrev(f, argnums=(0, 1))(X, y)
    close(jx, 2.0 * np.eye(3))
    close(jy, np.stack([X, np.zeros(3)], axis=1))
    jx2, jy2 = fg.jacfwd(f, argnums=(0, 1))(X, y)
    close(jx2, jx)
    close(jy2, jy)


# ---- arguments and options

def test_argnums_tuple_and_negative():
    f = lambda a, b, c: a * b ** 2 + c
    ga, gc = fg.grad(f, argnums=(0, 2))(2.0, 3.0, 4.0)
    close(ga, 9.0)
    close(gc, 1.0)
    close(fg.grad(f, argnums=-2)(2.0, 3.0, 4.0), 12.0)
    v, (gb,) = fg.value_and_grad(f, argnums=(1,))(2.0, 3.0, 4.0)
    close(v, 22.0)
    close(gb, 12.0)


def test_has_aux():
    def f(x):
        y = fnp.sum(x ** 2)
        return y, {"norm": fnp.sqrt(y), "n": 3}

    g, aux = fg.grad(f, has_aux=True)(X)
    close(g, 2 * X)
    close(aux["norm"], np.linalg.norm(X))
    assert aux["n"] == 3
    (v, aux2), g2 = fg.value_and_grad(f, has_aux=True)(X)
    close(v, np.sum(X ** 2))
    close(aux2["norm"], aux["norm"])
    close(g2, g)
    _, pull, aux3 = fg.vjp(lambda x: (fnp.sin(x), x[0]), X, has_aux=True)
    close(pull(np.ones(3))[0], np.cos(X))
    close(aux3, X[0])
    jac, aux4 = fg.jacrev(lambda x: (x ** 2, fnp.sum(x)), has_aux=True)(X)
    close(jac, np.diag(2 * X))
    close(aux4, X.sum())
    jac, aux5 = fg.jacfwd(lambda x: (x ** 2, fnp.sum(x)), has_aux=True)(X)
    close(jac, np.diag(2 * X))
    close(aux5, X.sum())


def test_in_axes_variants():
    x = np.random.randn(3, 4)
    y = np.random.randn(4)
    close(fg.vmap(lambda a, b: a * b, in_axes=(1, None))(x, y[:3]), (x * y[:3, None]).T)
    close(fg.vmap(lambda a: fnp.sum(a), in_axes=-1)(x), x.sum(0))
    close(fg.vmap(lambda a: fnp.sum(a), in_axes=(-2,))(x), x.sum(1))
    tree = {"a": x, "b": y}
    out = fg.vmap(lambda t: t["a"] @ t["b"], in_axes=({"a": 0, "b": None},))(tree)
    close(out, x @ y)
    out = fg.vmap(lambda t, s: t[0] * t[1] + s, in_axes=((0, 1), None))((x, x.T), 1.0)
    close(out, x * x + 1.0)


def test_out_axes_and_axis_size():
    x = np.random.randn(3, 4)
    close(fg.vmap(lambda a: a * 2, out_axes=1)(x), (x * 2).T)
    close(fg.vmap(lambda a: a * 2, out_axes=-1)(x), (x * 2).T)
    s, y = fg.vmap(lambda a, c: (c, a + c), in_axes=(0, None), out_axes=(None, 0))(x, 5.0)
    close(s, 5.0)
    close(y, x + 5.0)
    close(fg.vmap(lambda c: c * 2.0, in_axes=None, axis_size=3)(np.ones(2)), 2 * np.ones((3, 2)))


# ---- decorators

def test_decorators_keep_name_and_doc():
    @fg.grad
    def loss(x):
        """A loss."""
        return x ** 2

    @partial(fg.vmap, in_axes=(0, None))
    def scale(a, b):
        """Scale a by b."""
        return a * b

    @fg.jacfwd
    @fg.jacrev
    def cube(x):
        """Cube."""
        return x ** 3

    assert (loss.__name__, loss.__doc__) == ("loss", "A loss.")
    assert (scale.__name__, scale.__doc__) == ("scale", "Scale a by b.")
    assert (cube.__name__, cube.__doc__) == ("cube", "Cube.")
    for t in (fg.value_and_grad, fg.hessian, fg.jacobian, fg.make_jaxpr):
        assert t(f_scalar).__name__ == "f_scalar"
    close(loss(3.0), 6.0)
    close(scale(np.arange(3.0), 2.0), [0.0, 2.0, 4.0])
    close(cube(2.0), 12.0)


def test_stacked_decorators_per_example_gradients():
    @fg.vmap
    @fg.grad
    def per_example(x):
        return fnp.sum(x ** 3)

    xs = np.random.randn(4, 2)
    close(per_example(xs), 3 * xs ** 2)


# ---- Python control flow on concrete values

def piecewise(x):
    if x > 0:
        return x ** 2
    for _ in range(3):
        x = fnp.sin(x)
    return x


def test_control_flow_under_grad_and_jvp():
    close(fg.grad(piecewise)(3.0), 6.0)
    s = np.sin
    x = -0.5
    expected = np.cos(s(s(x))) * np.cos(s(x)) * np.cos(x)
    close(fg.grad(piecewise)(x), expected)
    close(fg.jvp(piecewise, (x,), (2.0,))[1], 2 * expected)
    close(fg.jvp(piecewise, (3.0,), (1.0,))[1], 6.0)


def test_while_loop_on_value_under_grad():
    def newton_sqrt(a):
        x = a
        while abs(float(x * x - a)) > 1e-12:
            x = 0.5 * (x + a / x)
        return x

    # differentiating through the iterations converges to d sqrt(a) = 1 / (2 sqrt(a))
    close(fg.grad(newton_sqrt)(2.0), 1 / (2 * np.sqrt(2.0)), tol=1e-8)


def test_control_flow_on_unbatched_value_under_vmap():
    def f(x, flag):
        return x * 2 if flag > 0 else x * 3

    close(fg.vmap(f, in_axes=(0, None))(X, 1.0), 2 * X)
    close(fg.vmap(f, in_axes=(0, None))(X, -1.0), 3 * X)


def test_print_and_shape_queries_on_concrete_tracers():
    seen = {}

    def f(x):
        seen["shape"], seen["len"], seen["ndim"] = x.shape, len(x), x.ndim
        seen["value"] = float(x[0])
        return fnp.sum(x)

    fg.grad(f)(X)
    assert seen == {"shape": (3,), "len": 3, "ndim": 1, "value": 0.3}


# ---- stop_gradient, linearize, hessian

def test_stop_gradient():
    f = lambda x: x * fg.stop_gradient(x)
    close(fg.grad(f)(3.0), 3.0)
    close(fg.grad(fg.grad(lambda x: fg.stop_gradient(x ** 2) * x))(3.0), 0.0)
    close(fg.jvp(fg.stop_gradient, (X,), (np.ones(3),))[1], np.zeros(3))
    close(fg.vmap(fg.grad(lambda x: fg.stop_gradient(x) * x))(X), X)


def test_linearize_equals_jvp():
    f = lambda x, y: fnp.tanh(x) * y + fnp.sum(x ** 2)
    y = np.array([1.0, -2.0, 0.5])
    out, f_jvp = fg.linearize(f, X, y)
    close(out, f(X, y))
    for _ in range(3):
        tx, ty = np.random.randn(3), np.random.randn(3)
        close(f_jvp(tx, ty), fg.jvp(f, (X, y), (tx, ty))[1])


def test_hessian_symmetric_and_matches_finite_differences():
    A = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.3], [0.0, 0.3, 3.0]])

    def f(x):
        return 0.5 * x @ A @ x + fnp.sum(fnp.sin(x) * fnp.exp(x[0]))

    h = fg.hessian(f)(X)
    close(h, h.T)
    eps = 1e-4
    g = fg.grad(f)
    fd = np.stack([(g(X + eps * e) - g(X - eps * e)) / (2 * eps) for e in np.eye(3)])
    close(h, fd, tol=1e-6)


def test_check_grads_on_a_composed_program():
    def mlp(w1, w2, x):
        return fnp.sum(fnp.tanh(fnp.tanh(x @ w1) @ w2) ** 2)

    rng = np.random.default_rng(0)
    check_grads(mlp, (rng.standard_normal((3, 4)), rng.standard_normal((4, 2)),
                      rng.standard_normal((5, 3))), order=2)


def test_integer_inputs_pass_through_jvp_and_vmap():
    f = lambda x, n: x * n
    out, t = fg.jvp(f, (2.0, 3), (1.0, None))
    close(out, 6.0)
    close(t, 3.0)
    close(fg.grad(f)(2.0, 3), 3.0)
    close(fg.vmap(f)(X, np.arange(3)), X * np.arange(3))


def test_outputs_outside_transforms_are_fungrad_arrays():
    for v in (fg.grad(fnp.sin)(0.5), fnp.sin(0.5), fnp.sum(X), fg.jvp(fnp.sin, (0.5,), (1.0,))[1],
              fg.vmap(fnp.sum)(np.ones((2, 2)))):
        assert type(v) is fg.Array


@pytest.mark.parametrize("transform", ["grad", "jvp", "vmap", "make_jaxpr"])
def test_float32_stays_float32(transform):
    x = np.ones(3, np.float32)
    f = lambda x: fnp.sum(fnp.sin(x) * 2.0)
    if transform == "grad":
        out = fg.grad(f)(x)
    elif transform == "jvp":
        out = fg.jvp(f, (x,), (x,))[1]
    elif transform == "vmap":
        out = fg.vmap(f)(np.ones((2, 3), np.float32))
    else:
        out = fg.make_jaxpr(fg.grad(f))(x)
        assert all(v.aval.dtype == np.float32 for e in out.eqns for v in e.outvars)
        return
    assert out.dtype == np.float32


def test_max_min_gradients_split_ties():
    # regression: fnp.max/min raised "zero-size array" on every call (a shadowed builtin any)
    close(fnp.max(X), 2.0)
    close(fg.grad(fnp.max)(np.array([1.0, 3.0, 3.0])), [0.0, 0.5, 0.5])
    close(fg.grad(fnp.min)(np.array([[1.0, 4.0], [1.0, 3.0]])), [[0.5, 0.0], [0.5, 0.0]])
    close(fg.grad(lambda x: fnp.sum(fnp.maximum(x, 1.0)))(np.array([1.0, 3.0, 0.0])),
          [0.5, 1.0, 0.0])


def test_python_scalar_cotangent_is_weak():
    # regression: vjp_fn(1.0) on a float32 output raised DtypeError
    (g,) = fg.vjp(fnp.sin, np.float32(1.0))[1](1.0)
    assert g.dtype == np.float32
    close(g, np.cos(np.float32(1.0)), tol=1e-6)


def test_gradient_of_unused_or_constant_output_is_zero():
    close(fg.grad(lambda x: 1.0)(2.0), 0.0)
    close(fg.grad(lambda x, y: y * 2.0)(2.0, 3.0), 0.0)
    close(fg.vmap(lambda x: 1.0)(X), np.ones(3))
    g = fg.grad(lambda x, n: x * n, argnums=(0, 1), allow_int=True)(2.0, 3)
    close(g[0], 3.0)
    assert g[1].dtype == fg.float0


def test_abs_derivative_at_zero_is_jaxs_right_derivative_and_torchs_zero_in_the_shim():
    """grad(abs)(0.) is 1 as jax.grad(jnp.abs)(0.) (x >= 0 takes the tangent), -0.0 too; away
    from 0 it is sign(x); complex abs keeps 0 at 0 (JAX's). fungrad.torch's abs keeps torch's
    sign(x) = 0 at 0."""
    import fungrad.torch as ftorch
    assert fg.grad(fnp.abs)(0.0) == 1.0 and fg.grad(fnp.abs)(-0.0) == 1.0
    np.testing.assert_array_equal(fg.vmap(fg.grad(fnp.abs))(np.array([-2.0, 0.0, 3.0])),
                                  [-1.0, 1.0, 1.0])
    assert fg.jit(fg.grad(fnp.abs))(0.0) == 1.0
    assert fg.jvp(fnp.abs, (0.0,), (1.0,))[1] == 1.0
    assert fg.grad(lambda z: fnp.abs(z), holomorphic=False)(0j) == 0j
    x = ftorch.tensor([0.0, -1.0, 2.0], requires_grad=True)
    x.abs().sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, -1.0, 1.0])
