"""Custom rules that close over a value batched by vmap, in every nesting with differentiation.

The rules give twice the true derivative, so a result that matches 2 x (derivative of the plain
function) shows the rule ran. grad(vmap(f)) used to leak the vmap tracer the rule closed over;
rules closing over tracers are now closure-converted (the tracers become explicit operands).
"""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp

XS = np.array([0.3, -1.2, 2.0])
CS = np.array([1.5, -0.5, 2.0])


def jvp_version(c):
    @fg.custom_jvp
    def f(x):
        return fnp.sin(x) * c

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), 2.0 * fnp.cos(x) * c * t

    return f


def vjp_version(c, bwd_closes=False):
    @fg.custom_vjp
    def f(x):
        return fnp.sin(x) * c

    def fwd(x):
        return fnp.sin(x) * c, fnp.cos(x) * (1.0 if bwd_closes else c)

    def bwd(r, g):
        return (2.0 * r * (c if bwd_closes else 1.0) * g,)

    f.defvjp(fwd, bwd)
    return f


MAKERS = {"custom_jvp": jvp_version, "custom_vjp": vjp_version,
          "custom_vjp (bwd closes over c)": lambda c: vjp_version(c, True)}


def per_example(make):
    return lambda x, c: make(c)(x)


def expected_grad(xs, cs):
    return 2.0 * np.cos(xs) * cs


@pytest.mark.parametrize("kind", MAKERS)
def test_grad_of_vmap(kind):
    f = per_example(MAKERS[kind])
    loss = lambda xs, cs: fnp.sum(fg.vmap(f)(xs, cs))
    np.testing.assert_allclose(fg.grad(loss)(XS, CS), expected_grad(XS, CS), rtol=1e-14)
    # unbatched x, batched closure: cotangents of x sum over the batch
    loss2 = lambda x, cs: fnp.sum(fg.vmap(f, in_axes=(None, 0))(x, cs))
    np.testing.assert_allclose(fg.grad(loss2)(0.7, CS), np.sum(expected_grad(0.7, CS)),
                               rtol=1e-14)


@pytest.mark.parametrize("kind", MAKERS)
def test_vmap_of_grad(kind):
    f = per_example(MAKERS[kind])
    np.testing.assert_allclose(fg.vmap(fg.grad(f))(XS, CS), expected_grad(XS, CS), rtol=1e-14)


@pytest.mark.parametrize("kind", MAKERS)
def test_jit_of_vmap_and_of_grad_of_vmap(kind):
    f = per_example(MAKERS[kind])
    np.testing.assert_array_equal(fg.jit(fg.vmap(f))(XS, CS), np.sin(XS) * CS)
    loss = lambda xs, cs: fnp.sum(fg.vmap(f)(xs, cs))
    np.testing.assert_allclose(fg.jit(fg.grad(loss))(XS, CS), expected_grad(XS, CS), rtol=1e-14)
    np.testing.assert_allclose(fg.grad(fg.jit(loss))(XS, CS), expected_grad(XS, CS), rtol=1e-14)


def test_jacfwd_and_jvp_of_vmap_with_custom_jvp():
    f = per_example(jvp_version)
    jac = fg.jacfwd(lambda xs: fg.vmap(f)(xs, CS))(XS)
    np.testing.assert_allclose(jac, np.diag(expected_grad(XS, CS)), rtol=1e-14)
    _, t = fg.jvp(lambda xs: fg.vmap(f)(xs, CS), (XS,), (np.ones(3),))
    np.testing.assert_allclose(t, expected_grad(XS, CS), rtol=1e-14)


def test_jacfwd_of_vmap_with_custom_vjp_raises_the_forward_mode_error():
    f = per_example(vjp_version)
    with pytest.raises(NotImplementedError, match="forward-mode"):
        fg.jacfwd(lambda xs: fg.vmap(f)(xs, CS))(XS)


def test_jacrev_of_vmap_and_vmap_of_vmap():
    for make in (jvp_version, vjp_version):
        f = per_example(make)
        jac = fg.jacrev(lambda xs, f=f: fg.vmap(f)(xs, CS))(XS)
        np.testing.assert_allclose(jac, np.diag(expected_grad(XS, CS)), rtol=1e-14)
        grid = fg.vmap(fg.vmap(fg.grad(f), in_axes=(0, None)), in_axes=(None, 0))(XS, CS)
        np.testing.assert_allclose(grid, expected_grad(XS[None, :], CS[:, None]), rtol=1e-14)


@pytest.mark.parametrize("kind", ["custom_jvp", "custom_vjp"])
def test_differentiating_the_closed_over_value_still_names_the_fix(kind):
    f = per_example(MAKERS[kind])
    loss = lambda cs: fnp.sum(fg.vmap(f)(XS, cs))
    with pytest.raises(ValueError, match="closes over"):
        fg.grad(loss)(CS)


def test_rule_branching_on_concrete_values_still_works_eagerly():
    """Rules that close over no tracer stay Python, so eager grad may branch on values."""
    @fg.custom_jvp
    def f(x):
        return fnp.abs(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), (t if float(x) >= 0 else -t)

    assert fg.grad(f)(-2.0) == -1.0
    assert fg.grad(f)(3.0) == 1.0


@pytest.mark.parametrize("kind", MAKERS)
def test_rule_closing_over_a_jit_traced_value_under_grad_of_jit(kind):
    """The rule closes over a tracer of jit's staging; grad transforms the cached program later."""
    f = fg.jit(per_example(MAKERS[kind]))
    np.testing.assert_allclose(fg.grad(f)(0.3, 1.5), expected_grad(0.3, 1.5), rtol=1e-14)
    np.testing.assert_allclose(fg.vmap(fg.grad(f))(XS, CS), expected_grad(XS, CS), rtol=1e-14)
