"""Argument validation and JAX semantics at the transforms' boundary (cases that used to give a
silently wrong answer or an internal error)."""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import lax
from fungrad.errors import DtypeError, ShapeError, StructureMismatchError


def test_vmap_maps_keyword_arguments_over_axis_0():
    out = fg.vmap(lambda x, y=1.0: x * y)(np.arange(3.0), y=np.arange(3.0))
    np.testing.assert_array_equal(out, [0.0, 1.0, 4.0])


@pytest.mark.parametrize("out_axes,err", [("0", TypeError), (3, ValueError), (-4, ValueError),
                                          ((0, "x"), TypeError)])
def test_vmap_rejects_bad_out_axes(out_axes, err):
    with pytest.raises(err, match="out_axes"):
        fg.vmap(lambda x: (x, x), out_axes=out_axes)(np.ones((2, 3)))


def test_vmap_negative_out_axes_in_range():
    out = fg.vmap(lambda x: x * 2.0, out_axes=-1)(np.ones((2, 3)))
    assert out.shape == (3, 2)


def test_grad_rejects_duplicate_argnums():
    with pytest.raises(ValueError, match=r"argnums=\(0, 0\) names an argument more than once"):
        fg.grad(lambda x, y: x * y, argnums=(0, 0))(2.0, 3.0)
    with pytest.raises(ValueError, match="more than once"):
        fg.grad(lambda x, y: x * y, argnums=(1, -1))(2.0, 3.0)


def test_grad_of_a_complex_output_raises():
    with pytest.raises(TypeError, match=r"real-valued output.*c128\[\].*fnp.real"):
        fg.grad(lambda x: x * 1j)(1.0)


def test_jvp_tangent_structure_and_dtype_must_match():
    with pytest.raises(StructureMismatchError, match="same tree structure") as e:
        fg.jvp(lambda x, y: x * y, (1.0, 2.0), (1.0, (2.0,)))
    assert isinstance(e.value, TypeError) and isinstance(e.value, ShapeError)
    with pytest.raises(DtypeError, match=r"tangent 0 is f32\[2\] but its primal is f64\[2\]"):
        fg.jvp(fnp.sin, (np.ones(2),), (np.ones(2, np.float32),))
    # a Python scalar tangent takes the primal's dtype
    _, t = fg.jvp(fnp.sin, (np.float32(0.5),), (1.0,))
    assert t.dtype == np.float32


def test_jvp_has_aux_needs_a_pair():
    with pytest.raises(TypeError, match=r"has_aux=True requires the function to return a pair"):
        fg.jvp(lambda x: x, (1.0,), (1.0,), has_aux=True)
    out, t, aux = fg.jvp(lambda x: (x * 2.0, x), (1.0,), (1.0,), has_aux=True)
    assert (out, t, aux) == (2.0, 2.0, 1.0)


def test_lax_div_of_integers_rounds_toward_zero_in_every_mode():
    x, y = np.array([7, -7, 7, -7, 5]), np.array([2, 2, -2, -2, 0])
    expected = [3, -3, -3, 3, 0]
    for f in (lax.div, fg.jit(lax.div)):
        out = f(x, y)
        assert out.dtype == np.int64
        np.testing.assert_array_equal(out, expected)
    assert lax.div(7.0, 2.0) == 3.5


def test_jit_keeps_the_weak_type_of_python_scalar_arguments():
    f = fg.jit(lambda x, s: x * s)
    x = np.ones(2, np.float32)
    assert f(x, 2.0).dtype == (x * 2.0).dtype == np.float32
    assert f(x, np.float64(2.0)).dtype == np.float64  # a numpy scalar is not weak
    assert "f32[] = convert_element_type" in str(fg.make_jaxpr(lambda x, s: x * s)(x, 2.0))


def test_stop_gradient_of_a_pytree():
    out = lax.stop_gradient({"a": np.ones(2), "b": (1.0,)})
    assert set(out) == {"a", "b"} and type(out["b"]) is tuple
    assert fg.grad(lambda x: fg.stop_gradient({"a": x})["a"] * x)(3.0) == 3.0


def test_lax_integer_pow_and_concatenate_validate_arguments():
    with pytest.raises(TypeError, match=r"integer_pow: the exponent must be .* got 2.5"):
        lax.integer_pow(2.0, 2.5)
    with pytest.raises(ValueError, match="at least one operand"):
        lax.concatenate([], 0)


def test_jvp_complex_python_tangent_for_a_real_primal_raises():
    with pytest.raises(DtypeError, match=r"tangent 0 is c128\[\] but its primal is f64\[\]"):
        fg.jvp(fnp.sin, (1.0,), (1j,))


@pytest.mark.parametrize("call", [lambda: fnp.sin(None), lambda: fnp.sum(None),
                                  lambda: fnp.add("abc", np.ones(2)), lambda: fnp.exp(object()),
                                  lambda: fnp.multiply(np.ones(2), "2")],
                         ids=["sin-None", "sum-None", "add-str", "exp-object", "mul-str"])
def test_non_numeric_arguments_raise_a_type_error(call):
    with pytest.raises(TypeError, match=r"is not a numeric value.*Fix: pass a number or an array"):
        call()


def test_nested_lists_of_numbers_still_convert():
    np.testing.assert_array_equal(fnp.add([1, 2], np.ones(2)), [2.0, 3.0])
    assert fnp.mean([np.ones(2), np.ones(2)]) == 1.0


def test_axis_and_shape_arguments_are_checked():
    with pytest.raises(TypeError, match=r"axis must be an int, a tuple of ints or None, got '0'"):
        fnp.sum(np.ones((2, 2)), axis="0")
    with pytest.raises(TypeError, match=r"axis entries must be ints, got 0.5"):
        fnp.sum(np.ones((2, 2)), axis=(0.5,))
    with pytest.raises(TypeError, match=r"reshape: the shape must be an int or a sequence of ints"):
        fnp.reshape(np.arange(6), "23")
    assert fnp.reshape(np.arange(6), [2, np.int64(3)]).shape == (2, 3)
    assert fnp.sum(np.ones((2, 2)), axis=np.int64(1)).shape == (2,)


def test_custom_rules_that_do_not_return_a_pair():
    @fg.custom_jvp
    def f(x):
        return fnp.sin(x)
    f.defjvp(lambda p, t: (f(p[0]),))
    with pytest.raises(TypeError, match=r"custom_jvp rule of f must return a pair .* length 1"):
        fg.grad(f)(1.0)

    @fg.custom_vjp
    def h(x):
        return fnp.sin(x)
    h.defvjp(lambda x: fnp.sin(x), lambda r, g: (g,))
    with pytest.raises(TypeError, match=r"custom_vjp fwd rule of h must return a pair"):
        fg.grad(h)(1.0)
