"""fungrad.testing.check_grads accepts correct derivatives and catches wrong ones."""
import numpy as np
import pytest

import fungrad.numpy as fnp
from fungrad import extend as fx
from fungrad.lax import cos, mul, sin
from fungrad.testing import check_grads, numerical_jvp

X = np.array([0.3, -1.2, 2.0])


def _sin_with_jvp(rule, impl=np.sin):
    return fx.elementwise("test_sin", impl, jvp=fx.defjvp(rule), emit=fx.CallImpl())


def test_correct_rule_passes_to_third_order():
    good = _sin_with_jvp(lambda t, ans, x: mul(t, cos(x)))
    check_grads(lambda x: mul(good.bind(x), x), (X,), order=3)


def test_wrong_first_derivative_is_caught_in_both_modes():
    bad = _sin_with_jvp(lambda t, ans, x: mul(t, sin(x)))
    with pytest.raises(AssertionError, match="jvp"):
        check_grads(bad.bind, (X,), order=1, modes=("fwd",))
    with pytest.raises(AssertionError, match="vjp"):
        check_grads(bad.bind, (X,), order=1, modes=("rev",))


def test_wrong_second_derivative_is_caught_only_at_order_two():
    # d sin = t cos(x) is right, but written with a primitive whose own JVP is wrong
    bad_cos = _sin_with_jvp(lambda t, ans, x: mul(t, cos(x)), np.cos)  # derivative cos: wrong
    sin_p = _sin_with_jvp(lambda t, ans, x: mul(t, bad_cos.bind(x)))
    check_grads(sin_p.bind, (X,), order=1)
    with pytest.raises(AssertionError):
        check_grads(sin_p.bind, (X,), order=2)


def test_numerical_jvp_and_integer_arguments():
    out = numerical_jvp(lambda x, n: x ** 2 * n, (X, np.array(3)), [np.ones(3), None])
    np.testing.assert_allclose(out[0], 6 * X, rtol=1e-8)
    check_grads(lambda x, n: fnp.sum(x ** 2) * n, (X, np.array(3)), order=2)


def test_pytree_arguments_and_outputs():
    def f(p):
        return {"a": fnp.sin(p["w"]) * p["b"][0], "b": (fnp.sum(p["w"] ** 2),)}

    check_grads(f, ({"w": X, "b": [np.array(1.5)]},), order=2)
