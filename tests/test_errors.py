"""Each user error gives an exception whose type a user would catch and whose message names the
cause and the fix, raised close to the user's call (not from deep inside an interpreter)."""
import os

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad.errors import (
    ConcretizationError,
    DtypeError,
    FungradError,
    ShapeError,
    UnexpectedTracerError,
)

X = np.array([0.3, -1.2, 2.0])
THIS_FILE = os.path.abspath(__file__)


def frames_below_user(excinfo):
    """How many fungrad frames lie between the last frame of this file and the raise."""
    entries = excinfo.traceback
    last_user = max(i for i, e in enumerate(entries) if os.path.abspath(str(e.path)) == THIS_FILE)
    return len(entries) - 1 - last_user


def raising_module(excinfo):
    return str(excinfo.traceback[-1].path).replace(os.sep, "/").split("fungrad/")[-1]


# ---- grad's contract

def test_grad_of_non_scalar_output():
    with pytest.raises(TypeError, match=r"scalar output.*f64\[3\].*Fix: .*sum\(\).*jacobian") as e:
        fg.grad(fnp.sin)(X)
    assert raising_module(e).startswith("_api/") and frames_below_user(e) <= 4


def test_grad_of_non_scalar_pytree_output():
    with pytest.raises(TypeError, match=r"returning a scalar.*has_aux"):
        fg.grad(lambda x: (x, x))(1.0)


def test_grad_with_respect_to_integer_input():
    with pytest.raises(DtypeError, match=r"floating point.*int64.*i64\[\].*Fix: pass floats") as e:
        fg.grad(lambda x: x * 2)(3)
    assert isinstance(e.value, TypeError) and isinstance(e.value, FungradError)
    assert raising_module(e).startswith("_api/") and frames_below_user(e) <= 4


def test_grad_int_among_several_arguments_names_it():
    with pytest.raises(DtypeError, match=r"input 1 .*argnums=\(0, 1\)"):
        fg.grad(lambda x, n: x * n, argnums=(0, 1))(2.0, 3)


def test_argnums_out_of_range():
    with pytest.raises(ValueError, match=r"argnums=2 is out of range.*2 positional.*Fix") as e:
        fg.grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)
    assert frames_below_user(e) <= 5
    with pytest.raises(ValueError, match=r"jacrev: argnums=\(0, 3\) is out of range"):
        fg.jacrev(lambda x, y: x * y, argnums=(0, 3))(X, X)


def test_has_aux_without_pair():
    with pytest.raises(TypeError, match=r"has_aux=True requires .* pair"):
        fg.grad(lambda x: x, has_aux=True)(1.0)


# ---- concretization

@pytest.mark.parametrize("use", [
    pytest.param(lambda x: 1.0 if x > 0 else 2.0, id="if"),
    pytest.param(lambda x: bool(x), id="bool"),
    pytest.param(lambda x: float(x), id="float"),
    pytest.param(lambda x: int(x), id="int"),
    pytest.param(lambda x: fnp.ones(int(x)), id="shape-from-value"),
])
def test_python_value_of_traced_value_under_make_jaxpr(use):
    with pytest.raises(ConcretizationError, match=r"traced value .*make_jaxpr.*abstract.*Fix: .*where") as e:
        fg.make_jaxpr(use)(1.0)
    assert isinstance(e.value, TypeError)
    assert frames_below_user(e) <= 10


def test_concretization_message_names_the_call():
    with pytest.raises(ConcretizationError, match=r"^float\(\) was called on a traced value f64\[\]"):
        fg.make_jaxpr(lambda x: float(x))(1.0)


@pytest.mark.parametrize("use", [
    pytest.param(lambda x: x if x > 0 else -x, id="if"),
    pytest.param(lambda x: float(x), id="float"),
])
def test_python_value_of_batched_value_under_vmap(use):
    with pytest.raises(ConcretizationError,
                       match=r"batched value (f64|bool)\[\] inside vmap.*each example.*Fix: .*where"):
        fg.vmap(use)(X)


def test_boolean_mask_of_abstract_value():
    with pytest.raises(ConcretizationError, match=r"Boolean mask.*Fix: use fungrad.numpy.where"):
        fg.make_jaxpr(lambda x: x[x > 0])(X)


def test_numpy_asarray_of_tracer():
    with pytest.raises(ConcretizationError, match=r"traced value f64\[3\] inside grad .*plain numpy.*fnp"):
        fg.grad(lambda x: np.asarray(x).sum())(X)
    with pytest.raises(ConcretizationError, match=r"inside make_jaxpr .*plain numpy"):
        fg.make_jaxpr(lambda x: np.asarray(x))(X)


def test_item_assignment_on_tracer():
    with pytest.raises(TypeError, match=r"immutable.*Fix: .*where"):
        fg.grad(lambda x: x.__setitem__(0, 1.0))(X)


# ---- leaked tracers

def test_leaked_tracer_used_after_grad():
    stash = []

    def f(x):
        stash.append(x * 2.0)
        return x * 3.0

    assert fg.grad(f)(1.0) == 3.0
    with pytest.raises(UnexpectedTracerError, match=r"f64\[\] created inside grad after that "
                       r"transform had already returned.*leaked.*Fix: return the value") as e:
        fnp.sin(stash[0])
    assert isinstance(e.value, RuntimeError)
    assert frames_below_user(e) <= 6
    with pytest.raises(UnexpectedTracerError, match="leaked"):
        stash[0] + 1.0
    with pytest.raises(UnexpectedTracerError, match="leaked"):
        fg.grad(lambda y: y * stash[0])(1.0)


def test_leaked_tracer_from_vmap_and_make_jaxpr():
    stash = []
    fg.vmap(lambda x: stash.append(x) or x)(X)
    with pytest.raises(UnexpectedTracerError, match=r"inside vmap"):
        stash[0] * 2.0
    fg.make_jaxpr(lambda x: stash.append(x) or x)(1.0)
    with pytest.raises(UnexpectedTracerError, match=r"inside make_jaxpr"):
        fnp.exp(stash[1])


# ---- vmap

def test_vmap_inconsistent_axis_sizes():
    with pytest.raises(ShapeError, match=r"inconsistent sizes.*f64\[3\] has size 3.*f64\[4\] has "
                       r"size 4.*Fix") as e:
        fg.vmap(lambda a, b: a + b)(np.ones(3), np.ones(4))
    assert isinstance(e.value, ValueError)
    assert raising_module(e).startswith("_api/") and frames_below_user(e) <= 3
    with pytest.raises(ShapeError, match=r"axis_size=5"):
        fg.vmap(lambda a: a, axis_size=5)(np.ones(3))


def test_vmap_in_axes_out_of_range():
    with pytest.raises(ValueError, match=r"axis 2 .*f64\[3,4\] \(rank 2\).*\[-2, 2\).*Fix") as e:
        fg.vmap(lambda a: a, in_axes=2)(np.ones((3, 4)))
    assert frames_below_user(e) <= 3
    with pytest.raises(ValueError, match=r"axis -3"):
        fg.vmap(lambda a: a, in_axes=-3)(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"rank 0"):
        fg.vmap(lambda a: a)(1.0)


def test_vmap_in_axes_wrong_length_and_no_mapped_argument():
    with pytest.raises(ValueError, match=r"one entry per positional argument; got \(0,\) for 2"):
        fg.vmap(lambda a, b: a, in_axes=(0,))(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"at least one mapped argument.*axis_size"):
        fg.vmap(lambda x: x, in_axes=None)(X)


def test_vmap_out_axes_none_for_batched_output():
    with pytest.raises(ValueError, match=r"out_axes=None.*depends on the mapped inputs"):
        fg.vmap(lambda x: x, out_axes=None)(X)


# ---- vjp and jvp arguments

def test_vjp_cotangent_wrong_shape():
    _, pull = fg.vjp(fnp.sin, X)
    with pytest.raises(ShapeError, match=r"cotangent for output 0 has shape f64\[4\].*f64\[3\].*Fix") as e:
        pull(np.ones(4))
    assert isinstance(e.value, ValueError) and frames_below_user(e) <= 3


def test_vjp_cotangent_wrong_dtype():
    _, pull = fg.vjp(fnp.sin, X)
    with pytest.raises(DtypeError, match=r"dtype float32 .*f64\[3\].*Fix: cast it"):
        pull(np.ones(3, np.float32))
    with pytest.raises(DtypeError, match=r"dtype int64"):
        pull(np.ones(3, np.int64))


def test_vjp_cotangent_wrong_structure():
    _, pull = fg.vjp(lambda x: (x, x), X)
    with pytest.raises(ShapeError, match=r"tree structure"):
        pull(np.ones(3))


def test_jvp_tangent_shape_mismatch():
    with pytest.raises(ShapeError, match=r"tangent 0 has shape f64\[2\] but its primal is f64\[3\]") as e:
        fg.jvp(fnp.sin, (X,), (np.ones(2),))
    assert frames_below_user(e) <= 4
    with pytest.raises(ShapeError, match=r"structure"):
        fg.jvp(fnp.sin, (X,), (np.ones(3), np.ones(3)))
    with pytest.raises(TypeError, match=r"tuples .*fg.jvp\(f, \(x,\), \(t,\)\)"):
        fg.jvp(fnp.sin, X, np.ones(3))


def test_invalid_argument_type():
    with pytest.raises(TypeError, match=r"type str is not a valid fungrad value"):
        fg.grad(lambda x: x)("a")


def test_jacrev_of_integer_output():
    with pytest.raises(TypeError, match=r"floating point outputs, got i64\[\]"):
        fg.jacrev(lambda x: fnp.argmax(x))(X)
