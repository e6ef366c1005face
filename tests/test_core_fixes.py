"""Regressions found by running every primitive and transform through jit (the core
consolidation): each was a real failure on main before it."""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import lax
from fungrad.errors import DtypeError


def test_jit_of_grad_with_a_literal_operand_of_an_outer_product():
    # the generated line was `a = a * 0.5[None]` (a literal indexed as an array): TypeError
    f = fg.grad(lambda x, y: fnp.dot(x, y) * 0.5, argnums=(0, 1))
    x, y = np.ones(3), np.arange(3.0)
    gx, gy = fg.jit(f)(x, y)
    np.testing.assert_array_equal(gx, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(gy, [0.5, 0.5, 0.5])


def test_jit_returns_0d_arrays_as_eager_does():
    eager, jitted = fnp.sin(0.0), fg.jit(fnp.sin)(0.0)
    assert type(eager) is type(jitted) is np.ndarray and jitted.shape == ()
    assert type(fg.jit(fg.grad(fnp.sin))(1.0)) is np.ndarray


@pytest.mark.parametrize("mode", ["eager", "staged", "jit"])
def test_float_only_lax_primitive_rejects_integers_in_every_mode(mode):
    x = np.arange(3)
    run = {"eager": lax.sin, "staged": fg.make_jaxpr(lax.sin), "jit": fg.jit(lax.sin)}[mode]
    with pytest.raises(DtypeError, match=r"sin accepts floating-point or complex operands, got "
                                         r"int64.*fnp.sin\(x\)"):
        run(x)


def test_fnp_promotes_integers_for_float_only_functions():
    x = np.arange(3)
    assert fnp.sin(x).dtype == np.float64
    assert str(fg.make_jaxpr(fnp.sin)(x)).count("convert_element_type") == 1
    np.testing.assert_array_equal(fg.jit(fnp.sin)(x), np.sin(x))
