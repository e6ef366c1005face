"""custom_jvp and custom_vjp under grad, jvp, vmap, jit and nesting (JAX's API and errors)."""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import lax
from fungrad._hop.custom_vjp import custom_vjp_call


# ---- custom_jvp: a numerically stable log1pexp
@fg.custom_jvp
def log1pexp(x):
    return fnp.log1p(fnp.exp(-fnp.abs(x))) + fnp.maximum(x, 0.0)


@log1pexp.defjvp
def _log1pexp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return log1pexp(x), t * lax.logistic(x)


def naive(x):
    return fnp.log(1.0 + fnp.exp(x))  # exp overflows: grad is inf/inf = nan


def sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))


def test_log1pexp_gradient_finite_where_naive_overflows():
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.isfinite(fg.grad(naive)(1000.0))
    assert fg.grad(log1pexp)(1000.0) == 1.0
    assert np.allclose(fg.grad(log1pexp)(-3.0), sigmoid(-3.0))
    xs = np.array([-1000.0, -2.0, 0.0, 3.0, 1000.0])
    assert np.allclose(fg.vmap(fg.grad(log1pexp))(xs), sigmoid(xs))
    assert np.allclose(fg.grad(lambda v: fnp.sum(fg.vmap(log1pexp)(v)))(xs), sigmoid(xs))
    assert np.allclose(fg.grad(lambda v: fnp.sum(log1pexp(v)))(xs), sigmoid(xs))


def test_custom_jvp_jvp_jit_hessian_ir():
    y, t = fg.jvp(log1pexp, (2.0,), (3.0,))
    assert np.allclose(y, np.log1p(np.exp(2.0))) and np.allclose(t, 3 * sigmoid(2.0))
    with np.errstate(over="ignore"):
        assert np.allclose(fg.jit(fg.grad(log1pexp))(1000.0), 1.0)
    assert np.allclose(fg.grad(fg.jit(log1pexp))(1000.0), 1.0)
    assert np.allclose(fg.hessian(log1pexp)(0.0), 0.25)  # derivative of the rule itself
    assert np.allclose(fg.jvp(fg.vmap(log1pexp), (np.zeros(2),), (np.ones(2),))[1], [0.5, 0.5])
    j = fg.make_jaxpr(log1pexp)(1.0)
    assert "custom_jvp_call[call_jaxpr={ lambda" in str(j) and "jvp=custom_jvp(log1pexp)" in str(j)
    fg.check_jaxpr(j)


def test_custom_jvp_rule_is_what_differentiation_uses():
    @fg.custom_jvp
    def f(x, y):
        return fnp.sin(x) * y

    @f.defjvp
    def f_jvp(primals, tangents):
        x, y = primals
        tx, ty = tangents
        return f(x, y), 10.0 * tx + 100.0 * ty  # deliberately not the true derivative

    assert np.allclose(fg.grad(f, (0, 1))(1.0, 2.0), (10.0, 100.0))
    assert np.allclose(fg.jacfwd(f)(1.0, 2.0), 10.0)
    assert np.allclose(fg.vmap(fg.grad(f), (0, None))(np.ones(3), 2.0), 10.0)
    # inside a scan under grad
    g = fg.grad(lambda x: lax.scan(lambda c, _: (f(c, 1.0), None), x, None, length=2)[0])(0.5)
    assert np.allclose(g, 100.0)


def test_custom_jvp_nondiff_argnums_and_defjvps():
    @fg.custom_jvp
    def apply(fn, x):
        return fn(x)

    apply.nondiff_argnums = (0,)

    @apply.defjvp
    def apply_jvp(fn, primals, tangents):
        return apply(fn, primals[0]), 7.0 * tangents[0]

    assert np.allclose(fg.grad(lambda x: apply(fnp.sin, x))(0.3), 7.0)
    g = fg.custom_jvp(lambda x, y: x * y)
    g.defjvps(lambda t, ans, x, y: t * y * 2.0, lambda t, ans, x, y: t * x * 3.0)
    assert np.allclose(fg.grad(g, (0, 1))(2.0, 5.0), (10.0, 6.0))


def test_custom_jvp_closed_over_value_error():
    def outer(y):
        @fg.custom_jvp
        def f(x):
            return x * y

        f.defjvp(lambda p, t: (f(p[0]), t[0] * y))
        return f(1.0)

    with pytest.raises(ValueError, match="closes over"):
        fg.grad(outer)(2.0)


# ---- custom_vjp
@fg.custom_vjp
def clip_gradient(x, lo, hi):
    return x


def _clip_fwd(x, lo, hi):
    return x, (lo, hi)


def _clip_bwd(res, g):
    lo, hi = res
    return (fnp.clip(g, lo, hi), None, None)


clip_gradient.defvjp(_clip_fwd, _clip_bwd)


def test_custom_vjp_clipped_gradient_grad_vmap_jit():
    f = lambda x: fnp.sum(clip_gradient(x, -1.0, 1.0) * 5.0)
    x = np.array([1.0, 2.0])
    assert np.allclose(fg.grad(f)(x), [1.0, 1.0])
    assert np.allclose(fg.jit(fg.grad(f))(x), [1.0, 1.0])
    assert np.allclose(fg.grad(fg.jit(f))(x), [1.0, 1.0])
    assert np.allclose(fg.vmap(fg.grad(f))(np.ones((3, 2))), 1.0)
    assert np.allclose(fg.jacrev(lambda v: clip_gradient(v, -0.5, 0.5) * 5.0)(x), 0.5 * np.eye(2))


@fg.custom_vjp
def scaled_sin(x, w):
    return fnp.sin(x) * w


scaled_sin.defvjp(lambda x, w: (scaled_sin(x, w), (fnp.cos(x), fnp.sin(x), w)),
                  lambda res, g: (res[0] * res[2] * g, res[1] * g))


def test_custom_vjp_vmap_sums_cotangents_of_unbatched_inputs():
    xs, w = np.array([0.1, 0.7, 2.0]), 1.5
    gx, gw = fg.grad(lambda x, w: fnp.sum(fg.vmap(scaled_sin, (0, None))(x, w)), (0, 1))(xs, w)
    assert np.allclose(gx, np.cos(xs) * w) and np.allclose(gw, np.sin(xs).sum())
    gx2, gw2 = fg.vmap(fg.grad(scaled_sin, (0, 1)), (0, None))(xs, w)
    assert np.allclose(gx2, gx) and np.allclose(gw2, np.sin(xs))
    assert np.allclose(fg.vmap(scaled_sin, (0, None))(xs, w), np.sin(xs) * w)


def test_custom_vjp_second_order_and_in_scan():
    # reverse over reverse differentiates through fwd and bwd (forward over reverse would need
    # forward mode of the custom_vjp function, which JAX also rejects)
    assert np.allclose(fg.grad(fg.grad(lambda x: scaled_sin(x, 2.0)))(0.3), -2 * np.sin(0.3))
    loss = lambda w: lax.scan(lambda c, x: (c + scaled_sin(x, w), None), 0.0,
                              np.array([0.1, 0.2]))[0]
    assert np.allclose(fg.grad(loss)(1.5), np.sin(0.1) + np.sin(0.2))


def test_custom_vjp_forward_mode_error():
    with pytest.raises(NotImplementedError, match="can't apply forward-mode autodiff"):
        fg.jvp(scaled_sin, (1.0, 2.0), (1.0, 0.0))
    with pytest.raises(NotImplementedError, match="custom_jvp"):
        fg.jacfwd(scaled_sin)(1.0, 2.0)


def test_custom_vjp_nondiff_argnums_and_bwd_errors():
    @fg.custom_vjp
    def power(n, x):
        return x ** n

    power.nondiff_argnums = (0,)
    power.defvjp(lambda n, x: (power(n, x), x), lambda n, x, g: (n * x ** (n - 1) * g,))
    assert np.allclose(fg.grad(power, 1)(3, 2.0), 12.0)

    bad = fg.custom_vjp(lambda x: x * 2.0)
    bad.defvjp(lambda x: (x * 2.0, None), lambda res, g: (g, g))
    with pytest.raises(TypeError, match="bwd returned cotangents"):
        fg.grad(bad)(1.0)


def test_custom_vjp_call_flat_entry_point():
    """The function-level entry point (flat arrays), as the torch shim's autograd.Function uses."""
    def fun(x, y):
        return [x * y]

    def fwd(x, y):
        return [x * y], [x, y]

    def bwd(res, cts):
        _, y = res
        return [cts[0] * y * 3.0, None]

    f = lambda x, y: custom_vjp_call(fun, fwd, bwd, [x, y])[0]
    assert np.allclose(f(2.0, 4.0), 8.0)
    assert np.allclose(fg.grad(f, (0, 1))(2.0, 4.0), (12.0, 0.0))
    j = fg.make_jaxpr(f)(2.0, 4.0)
    assert "custom_vjp_call" in str(j)
    fg.check_jaxpr(j)
