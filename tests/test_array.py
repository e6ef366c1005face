"""fungrad.Array: the immutable ndarray subclass fungrad.numpy, the transforms and jit return.

Covers the type of every kind of result (eager, transforms, jit: jit equals eager in value and
type), immutability (TypeError naming .at, `+=` rebinding, numpy's own buffers writeable), `.at[]` updates
outside transforms and on constants inside them, traced indices into concrete arrays, jit's
trace-time copies of mutable constants, the virtual-subclass check for traced values, and that
numpy/scipy take Arrays as ndarrays."""
import pickle

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import lax
from fungrad._core import array as fg_array
from fungrad._core.array import is_value
from fungrad._core.trace import Tracer
from fungrad.testing import check_grads

Array = fg.Array
rng = np.random.default_rng(0)


def assert_array(v, value=None):
    assert type(v) is Array, type(v)
    assert is_value(v)
    if value is not None:
        np.testing.assert_array_equal(np.asarray(v), value)
        assert v.dtype == np.asarray(value).dtype


# ---- the type of results -------------------------------------------------------------------

EAGER_CASES = [
    ("sin 0-d", lambda: fnp.sin(np.asarray(0.5)), np.sin(0.5)),
    ("sin 1-d", lambda: fnp.sin(np.arange(3.0)), np.sin(np.arange(3.0))),
    ("sum", lambda: fnp.sum(np.arange(4.0)), np.float64(6.0)),
    ("add of scalars", lambda: fnp.add(1.0, 2.0), np.float64(3.0)),
    ("reshape", lambda: fnp.reshape(np.arange(6.0), (2, 3)), np.arange(6.0).reshape(2, 3)),
    ("getitem", lambda: fnp.arange(5)[1:3], np.arange(5)[1:3]),
    ("zeros", lambda: fnp.zeros(3), np.zeros(3)),
    ("ones int", lambda: fnp.ones(2, dtype=np.int32), np.ones(2, np.int32)),
    ("arange", lambda: fnp.arange(4), np.arange(4)),
    ("eye", lambda: fnp.eye(2), np.eye(2)),
    ("linspace", lambda: fnp.linspace(0.0, 1.0, 5), np.linspace(0.0, 1.0, 5)),
    ("full", lambda: fnp.full((2,), 7.0), np.full((2,), 7.0)),
    ("zeros_like", lambda: fnp.zeros_like(np.ones(3)), np.zeros(3)),
    ("array of list", lambda: fnp.array([1.0, 2.0]), np.array([1.0, 2.0])),
    ("asarray", lambda: fnp.asarray(np.arange(3.0)), np.arange(3.0)),
    ("copy", lambda: fnp.copy(np.arange(3.0)), np.arange(3.0)),
    ("tri", lambda: fnp.tri(3), np.tri(3)),
    ("matmul", lambda: fnp.matmul(fnp.ones((2, 3)), fnp.ones(3)), np.full(2, 3.0)),
]


@pytest.mark.parametrize("name,make,expected", EAGER_CASES, ids=[c[0] for c in EAGER_CASES])
def test_fungrad_numpy_results_are_array_values(name, make, expected):
    assert_array(make(), expected)


def test_creation_grids_and_lists_are_arrays():
    for v in fnp.mgrid[0:2, 0:3]:
        assert_array(v)
    for v in fnp.meshgrid(np.arange(2.0), np.arange(3.0)):
        assert_array(v)
    assert_array(fnp.ogrid[0:3], np.arange(3))
    a, step = fnp.linspace(0.0, 1.0, 3, retstep=True)
    assert_array(a, [0.0, 0.5, 1.0]) and step == 0.5


def mlp_loss(params, x):
    w1, w2 = params
    return fnp.mean(fnp.tanh(x @ w1) @ w2)


PARAMS = (rng.normal(size=(3, 4)), rng.normal(size=(4,)))
X = rng.normal(size=(5, 3))


def test_transform_results_are_arrays():
    g = fg.grad(mlp_loss)(PARAMS, X)
    for leaf in g:
        assert_array(leaf)
    v, gv = fg.value_and_grad(mlp_loss)(PARAMS, X)
    assert_array(v)
    out, tan = fg.jvp(fnp.sin, (np.arange(3.0),), (np.ones(3),))
    assert_array(out, np.sin(np.arange(3.0)))
    assert_array(tan, np.cos(np.arange(3.0)))
    assert_array(fg.vmap(fnp.sum)(np.ones((2, 3))), [3.0, 3.0])
    assert_array(fg.jacfwd(fnp.sin)(np.arange(2.0)))
    assert_array(fg.hessian(lambda x: fnp.sum(x ** 3))(np.arange(2.0)), np.diag([0.0, 6.0]))
    y, pullback = fg.vjp(fnp.sin, np.arange(2.0))
    assert_array(pullback(np.ones(2))[0], np.cos(np.arange(2.0)))
    assert_array(lax.fori_loop(0, 3, lambda i, s: s + 1.0, 0.0), np.float64(3.0))


# functions whose eager results are fungrad's (as in JAX, an eager `lambda x: x` returns its
# argument as it is, while jit returns an Array: tested below, with the caller's array untouched)
JIT_CASES = [
    ("asarray", fnp.asarray),
    ("sin", fnp.sin),
    ("0-d sum", fnp.sum),
    ("pytree", lambda x: {"a": fnp.multiply(x, 2), "b": (fnp.cos(x), [fnp.sum(x)])}),
    ("constant output", lambda x: fnp.arange(3.0)),
    ("reshape view", lambda x: fnp.reshape(x, (1, 3))),
    ("take", lambda x: fnp.take(x, 1)),
    ("grad", fg.grad(lambda x: fnp.sum(fnp.sin(x)))),
    ("vmap", fg.vmap(lambda x: fnp.sin(x) * 2.0)),
]


@pytest.mark.parametrize("name,f", JIT_CASES, ids=[c[0] for c in JIT_CASES])
@pytest.mark.parametrize("arg", ["numpy", "fungrad"])
def test_jit_results_equal_eager_in_value_and_type(name, f, arg):
    x = np.arange(3.0) + 0.5
    if arg == "fungrad":
        x = fnp.asarray(x)
    elif name == "asarray":
        # jit's program is the identity, which returns its argument itself (see
        # test_results_never_touch_the_callers_arrays), while fnp.asarray makes an Array view
        assert fg.jit(f)(x) is x and type(f(x)) is Array
        return
    eager, jitted = f(x), fg.jit(f)(x)
    leaves_e, tree_e = fg.tree_util.tree_flatten(eager)
    leaves_j, tree_j = fg.tree_util.tree_flatten(jitted)
    assert tree_e == tree_j
    for e, j in zip(leaves_e, leaves_j):
        assert type(j) is type(e) is Array
        np.testing.assert_array_equal(j, e)
        assert j.dtype == e.dtype and j.shape == e.shape


def test_results_never_touch_the_callers_arrays():
    x = np.arange(3.0)
    for f in (fnp.asarray, lambda v: fnp.astype(v, np.float64), lambda v: fnp.asarray(v)[:],
              lambda v: fnp.reshape(v, (3, 1))):
        assert_array(f(x))
        out = fg.jit(f)(x)
        assert out is x or type(out) is Array
    # a primitive or program returning its argument unchanged returns the very object it was
    # given, eagerly and under jit (fungrad.torch recognizes unchanged values by identity)
    a = fnp.asarray(x)
    for f in (fg.jit(lambda v: v), fg.jit(lambda v: fnp.reshape(v, (3,))), fg.stop_gradient):
        assert f(x) is x and f(a) is a
    assert x.flags.writeable  # still the caller's writeable array
    x[0] = 10.0


def test_results_and_their_views_are_values_numpy_buffers_are_not():
    for v in (fnp.sin(np.arange(3.0)), fnp.zeros(3), fnp.asarray(np.arange(3.0)),
              fg.jit(fnp.cos)(np.ones(2)), fg.grad(lambda w: fnp.sum(w * w))(np.ones(2))):
        assert is_value(v) and is_value(v[1:]) and is_value(v.T) and is_value(v.reshape(-1))
        # items cannot be assigned (what Python code reads); numpy's C writes see the real
        # flag, which is not set (setting it would cost 0.5 us per result)
        assert not v.flags.writeable and fg_array.buffer_writeable(v)
    buf = np.empty_like(fnp.zeros(3))
    assert type(buf) is Array and not is_value(buf) and not is_value(buf[1:])


# ---- immutability ----------------------------------------------------------------------------

def test_item_assignment_raises_a_type_error_naming_at():
    x = fnp.arange(4.0)
    with pytest.raises(TypeError, match=r"immutable.*x\.at\[idx\]\.set"):
        x[0] = 1.0
    with pytest.raises(TypeError, match=r"x\.at\[idx\]\.set"):
        x[1:3] = 0.0
    with pytest.raises(TypeError, match=r"x\.at\[idx\]\.set"):
        x[1:][0] = 0.0  # a view of a value is a value
    with pytest.raises(TypeError, match=r"x\.at\[idx\]\.set"):
        fg.jit(lambda v: v * 2)(np.ones(2))[0] = 0.0
    np.testing.assert_array_equal(x, np.arange(4.0))

    def f(v):
        v[0] = 1.0
        return v
    for transform in (fg.jit, fg.grad):
        with pytest.raises(TypeError, match=r"immutable.*x\.at\[idx\]\.set"):
            transform(lambda v: f(v).sum())(np.ones(2))


def test_in_place_operators_rebind_as_in_jax():
    x = fnp.arange(3.0)
    y = x
    y += 1.0
    y *= 2.0
    assert_array(x, np.arange(3.0))
    np.testing.assert_array_equal(y, (np.arange(3.0) + 1) * 2)
    assert y is not x


def test_numpy_writes_through_out_and_copyto_are_numpys():
    # numpy's own writing calls are left to numpy (fungrad.torch updates its tensors' storage
    # with them, as torch.nn.utils.clip_grad_norm_ scales a gradient); jit copies constants,
    # so a program never sees such a write (test_jit_never_sees_a_constant_mutated_after_tracing)
    g = fg.grad(lambda w: fnp.sum(w ** 2))(np.ones(3))
    assert type(g) is Array
    np.multiply(g, 0.5, out=g)
    np.testing.assert_array_equal(g, [1.0, 1.0, 1.0])
    np.copyto(g, 3.0)
    np.testing.assert_array_equal(g, [3.0, 3.0, 3.0])


def test_buffers_numpy_allocates_from_arrays_stay_writeable():
    # numpy's own operations on Arrays are numpy's: fresh results are writeable Arrays, which
    # numpy, scipy and matplotlib internals fill or update in place (np.var does x -= mean)
    x = fnp.arange(3.0)
    buf = np.empty_like(x)
    assert type(buf) is Array and not is_value(buf)
    buf[:] = 5.0
    buf += 1.0
    buf[1:][0] = 2.0
    np.testing.assert_array_equal(buf, [6.0, 2.0, 6.0])
    assert type(x * 2.0) is Array and is_value(x * 2.0)  # operators are fungrad.numpy's
    y = np.multiply(x, 2.0)  # numpy's result from an Array: an Array (.at works), numpy's buffer
    assert isinstance(y, Array) and type(y) is fg_array.NumpyResult and not is_value(y)
    assert y.flags.writeable and not x.flags.writeable  # what scipy asks before assigning
    np.multiply(y, 2.0, out=y)
    y[0] = -1.0
    np.testing.assert_array_equal(y.at[1].set(0.0), [-1.0, 0.0, 8.0])
    y[0] = 0.0
    np.testing.assert_array_equal(y, [0.0, 4.0, 8.0])
    np.testing.assert_array_equal(x, [0.0, 1.0, 2.0])
    assert type(x[1]) is np.float64  # concrete indexing is numpy's


# ---- numpy, scipy and matplotlib take Arrays ----------------------------------------------------

def test_numpy_and_scipy_accept_arrays():
    a = fnp.asarray(rng.normal(size=(3, 3))) + 3 * fnp.eye(3)
    b = fnp.arange(3.0)
    assert isinstance(a, np.ndarray)
    assert type(np.asarray(a)) is np.ndarray
    np.testing.assert_allclose(np.linalg.solve(a, b), np.linalg.solve(np.asarray(a), b))
    scipy_linalg = pytest.importorskip("scipy.linalg")
    np.testing.assert_allclose(scipy_linalg.solve(a, b), np.linalg.solve(np.asarray(a), b))
    special = pytest.importorskip("scipy.special")
    np.testing.assert_allclose(special.gammaln(b + 1), [0.0, 0.0, np.log(2.0)], atol=1e-15)
    np.testing.assert_allclose(np.sin(b), np.sin(np.arange(3.0)))
    assert np.var(b) == np.var(np.arange(3.0)) and np.median(b) == 1.0
    assert np.percentile(b, 50) == 1.0 and np.sort(b[::-1])[0] == 0.0
    stats = pytest.importorskip("scipy.stats")
    np.testing.assert_allclose(stats.norm.logpdf(b), stats.norm.logpdf(np.arange(3.0)))
    assert float(fnp.sum(b)) == 3.0 and int(fnp.arange(3)[2]) == 2


def test_matplotlib_accepts_arrays():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    (line,) = ax.plot(fnp.arange(3.0), fnp.sin(fnp.arange(3.0)))
    np.testing.assert_allclose(line.get_ydata(), np.sin(np.arange(3.0)))
    plt.close(fig)


def test_repr_pickle_and_block_until_ready():
    x = fnp.arange(3.0)
    assert repr(x) == "array([0., 1., 2.])"  # numpy's text (doctests written against numpy)
    assert repr(fnp.zeros((), np.int32)) == "array(0, dtype=int32)"
    assert str(fnp.sin(fnp.zeros(2))) == "[0. 0.]"
    y = pickle.loads(pickle.dumps(x))
    assert_array(y, np.arange(3.0))
    assert x.block_until_ready() is x
    assert fg.block_until_ready({"a": x})["a"] is x


# ---- isinstance for traced values ------------------------------------------------------------

def test_isinstance_array_holds_for_concrete_and_traced_values():
    seen = []

    def f(x):
        seen.append((isinstance(x, Array), isinstance(x, np.ndarray)))
        return fnp.sum(x * 2)
    fg.jit(f)(np.ones(2))
    fg.grad(f)(np.ones(2))
    fg.vmap(f)(np.ones((2, 2)))
    assert seen == [(True, False)] * 3
    assert isinstance(fnp.zeros(2), Array)
    assert not isinstance(np.zeros(2), Array)
    assert not isinstance(1.0, Array)
    assert issubclass(Tracer, Array) and issubclass(Array, np.ndarray)
    assert not issubclass(np.ndarray, Array)


# ---- .at[] ------------------------------------------------------------------------------------

def _numpy_update(x, idx, op, v):
    out = np.array(x)
    if op == "set":
        out[idx] = v
    elif op == "add":
        np.add.at(out, idx, v)
    elif op == "subtract":
        np.subtract.at(out, idx, v)
    elif op == "multiply":
        np.multiply.at(out, idx, v)
    elif op == "divide":
        np.divide.at(out, idx, v)
    elif op == "power":
        np.power.at(out, idx, v)
    elif op == "min":
        np.minimum.at(out, idx, v)
    elif op == "max":
        np.maximum.at(out, idx, v)
    return out


OPS = ["set", "add", "subtract", "multiply", "divide", "power", "min", "max"]
INDICES = [("int", 1), ("negative int", -1), ("slice", slice(1, 3)),
           ("repeated", np.array([0, 2, 0])), ("2-d mixed", (slice(None), np.array([1, 1])))]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("idx_name,idx", INDICES, ids=[i[0] for i in INDICES])
def test_at_updates_outside_transforms_match_numpy(op, idx_name, idx):
    base = rng.uniform(1.0, 2.0, size=(3, 4)) if idx_name == "2-d mixed" else \
        rng.uniform(1.0, 2.0, size=4)
    x = fnp.asarray(base)
    region = np.asarray(base)[idx]
    v = rng.uniform(0.5, 1.5, size=np.shape(region)) if idx_name != "repeated" else \
        np.array([0.5, 1.5, 2.0])
    out = getattr(x.at[idx], op)(v)
    assert_array(out)
    np.testing.assert_allclose(out, _numpy_update(base, idx, op, v), rtol=1e-14)
    np.testing.assert_array_equal(x, base)  # x itself is unchanged


def test_at_get_and_modes():
    x = fnp.arange(5.0)
    assert_array(x.at[2].get(), np.float64(2.0))
    np.testing.assert_array_equal(x.at[np.array([1, 7])].get(), [1.0, 4.0])  # clip
    np.testing.assert_array_equal(x.at[np.array([1, 7])].get(mode="fill", fill_value=-1.0),
                                  [1.0, -1.0])
    assert np.isnan(x.at[9].get(mode="fill"))
    np.testing.assert_array_equal(x.at[np.array([1, 7])].set(9.0), [0, 9, 2, 3, 4])  # drop
    np.testing.assert_array_equal(x.at[7].add(1.0), np.arange(5.0))
    with pytest.raises(ValueError, match="invalid mode"):
        x.at[1].set(0.0, mode="wrap")


def test_at_repeated_add_accumulates_and_set_keeps_the_last():
    x = fnp.zeros(3)
    np.testing.assert_array_equal(x.at[np.array([0, 0, 2, 0])].add(1.0), [3.0, 0.0, 1.0])
    np.testing.assert_array_equal(x.at[np.array([1, 1])].set(np.array([4.0, 5.0])),
                                  [0.0, 5.0, 0.0])


def test_at_on_constants_inside_transforms():
    def f(v):
        return fnp.sum(fnp.zeros(4).at[1].add(v) * fnp.arange(4.0))
    assert fg.grad(f)(2.0) == 1.0
    assert fg.jit(f)(2.0) == f(2.0) == 2.0
    np.testing.assert_array_equal(fg.vmap(f)(np.array([1.0, 3.0])), [1.0, 3.0])
    check_grads(lambda v: fnp.sum(fnp.ones(3).at[np.array([0, 0])].multiply(v) ** 2),
                (1.5,), order=2)

    # an argument vmap leaves unbatched is concrete; the index is batched
    table = fnp.arange(4.0)
    out = fg.vmap(lambda t, i: t.at[i].set(-1.0), in_axes=(None, 0))(table, np.array([0, 2]))
    np.testing.assert_array_equal(out, [[-1, 1, 2, 3], [0, 1, -1, 3]])
    jit_out = fg.jit(lambda i: table.at[i].multiply(10.0))(3)
    np.testing.assert_array_equal(jit_out, [0, 1, 2, 30])
    # a concrete Array updated by a traced value: the gradient flows to the values
    g = fg.grad(lambda v: fnp.sum(table.at[np.array([1, 3])].set(v) ** 2))(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(g, [2.0, 4.0])


# ---- traced indices into concrete Arrays ----------------------------------------------------------

def test_traced_index_into_a_concrete_array():
    a = fnp.arange(10)
    assert lax.fori_loop(0, 10, lambda i, x: x + a[i], 0) == 45
    assert fg.jit(lambda: lax.fori_loop(0, 10, lambda i, x: x + a[i], 0))() == 45
    _, ys = lax.scan(lambda c, i: (c, a[i] * 2), 0, np.arange(3))
    np.testing.assert_array_equal(ys, [0, 2, 4])
    np.testing.assert_array_equal(fg.vmap(lambda i: a[i])(np.array([3, 1])), [3, 1])
    assert fg.jit(lambda i: a[i])(7) == 7
    m = fnp.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(fg.jit(lambda i: m[i, 1:3])(2), [9.0, 10.0])
    np.testing.assert_array_equal(fg.jit(lambda i: m[:, i])(1), [1.0, 5.0, 9.0])
    np.testing.assert_array_equal(fg.vmap(lambda i: m[(i, i)])(np.array([0, 2])), [0.0, 10.0])
    # differentiating through the values read
    w = fnp.asarray([1.0, 2.0, 3.0])
    assert fg.grad(lambda s: lax.fori_loop(0, 3, lambda i, x: x + s * w[i], 0.0))(1.0) == 6.0


# ---- jit copies what can still change ------------------------------------------------------------

def test_jit_never_sees_a_constant_mutated_after_tracing():
    c = np.array([1.0, 2.0])
    f = fg.jit(lambda x: x * c)
    np.testing.assert_array_equal(f(1.0), [1.0, 2.0])
    c[0] = 100.0
    np.testing.assert_array_equal(f(1.0), [1.0, 2.0])  # the value traced
    np.testing.assert_array_equal(fg.jit(lambda x: x * c)(1.0), [100.0, 2.0])  # a new trace

    # a read-only Array that views the caller's memory, and a 0-d array (a literal)
    base = np.array([1.0, 2.0])
    view = fnp.asarray(base)
    scalar = np.array(3.0)
    g = fg.jit(lambda x: x * view + scalar)
    np.testing.assert_array_equal(g(1.0), [4.0, 5.0])
    base[1] = -1.0
    scalar[...] = 0.0
    np.testing.assert_array_equal(g(1.0), [4.0, 5.0])

    # the same through control flow bodies and make_jaxpr
    d = np.array([2.0])
    h = fg.jit(lambda x: lax.fori_loop(0, 2, lambda i, s: s + d, x))
    np.testing.assert_array_equal(h(np.zeros(1)), [4.0])
    d[0] = 7.0
    np.testing.assert_array_equal(h(np.zeros(1)), [4.0])
    e = np.ones(2)
    closed = fg.make_jaxpr(lambda x: x + e)(1.0)
    e[0] = 5.0
    np.testing.assert_array_equal(closed.consts[0], [1.0, 1.0])


def test_every_array_constant_is_copied_read_only():
    for big in (fnp.arange(1000.0), np.arange(1000.0)):
        (const,) = fg.make_jaxpr(lambda x, big=big: x + big)(1.0).consts
        assert type(const) is np.ndarray and not const.flags.writeable
        assert not np.shares_memory(const, big)


def test_eager_int_division_and_jit_on_array_inputs_agree():
    # generated code runs on exact ndarrays: impls that check types see numpy's
    x, y = fnp.asarray(np.array([7, -7])), fnp.asarray(np.array([2, 2]))
    eager = fg.lax.div(x, y)
    jitted = fg.jit(fg.lax.div)(x, y)
    np.testing.assert_array_equal(eager, [3, -3])
    np.testing.assert_array_equal(jitted, eager)
    assert type(jitted) is type(eager) is Array


def test_a_programs_constants_are_read_only():
    # a jit output that is the program's constant is a view of a read-only copy, so writing
    # into the result can never change what later calls return
    f = fg.jit(lambda v: (v, fnp.arange(3.0)))
    _, c = f(1.0)
    assert not c.flags.writeable
    with pytest.raises(TypeError, match=r"x\.at\[idx\]\.set"):
        c[0] = 5.0
    c += 1.0  # rebinds c
    np.testing.assert_array_equal(f(1.0)[1], [0.0, 1.0, 2.0])
    (const,) = fg.make_jaxpr(lambda v: v + fnp.arange(3.0))(1.0).consts
    assert not const.flags.writeable


def test_jit_copies_array_constants_while_they_can_change():
    x = fnp.arange(3.0)
    f = fg.jit(lambda v: v * x)
    np.testing.assert_array_equal(f(1.0), [0.0, 1.0, 2.0])
    np.asarray(x)[1] = 50.0  # numpy lets you write through a plain view
    np.testing.assert_array_equal(f(1.0), [0.0, 1.0, 2.0])


NUMPY_SCIPY_ON_ARRAYS = {
    "piecewise": lambda x: np.piecewise(x, [x < 1, x >= 1], [lambda v: v, lambda v: 2 * v]),
    "gradient": np.gradient, "interp": lambda x: np.interp(x, x, x), "median": np.median,
    "percentile": lambda x: np.percentile(x, 30), "var": np.var, "std": np.std,
    "histogram": lambda x: np.histogram(x)[0], "unique": np.unique, "sort": np.sort,
    "apply_along_axis": lambda x: np.apply_along_axis(np.sum, 0, x),
    "select": lambda x: np.select([x > 1], [x]), "nan_to_num": np.nan_to_num,
    "convolve": lambda x: np.convolve(x, x), "polyfit": lambda x: np.polyfit(x, x * x, 2),
    "fft": lambda x: np.fft.fft(x).real,
}
SCIPY_ON_ARRAYS = {
    "stats.zscore": ("scipy.stats", lambda m, x: m.zscore(x)),
    "stats.describe": ("scipy.stats", lambda m, x: m.describe(x).variance),
    "stats.rankdata": ("scipy.stats", lambda m, x: m.rankdata(x)),
    "stats.norm.fit": ("scipy.stats", lambda m, x: np.array(m.norm.fit(x))),
    "signal.lfilter": ("scipy.signal", lambda m, x: m.lfilter([1.0], [1.0, -0.5], x)),
    "interpolate.CubicSpline": ("scipy.interpolate", lambda m, x: m.CubicSpline(x, x ** 2)(0.5)),
    "linalg.solve": ("scipy.linalg", lambda m, x: m.solve(np.eye(x.size) + np.outer(x, x), x)),
}


@pytest.mark.parametrize("name", sorted(NUMPY_SCIPY_ON_ARRAYS) + sorted(SCIPY_ON_ARRAYS))
def test_numpy_and_scipy_functions_take_arrays(name):
    # their internals allocate with np.empty_like(x) and fill it, or update temporaries in
    # place with out=: numpy's own buffers from Arrays stay writeable, so they run unchanged
    base = np.linspace(0.1, 2.0, 11)
    x = fnp.exp(base)  # a fungrad result
    base = np.exp(base)
    if name in NUMPY_SCIPY_ON_ARRAYS:
        fn = NUMPY_SCIPY_ON_ARRAYS[name]
        np.testing.assert_allclose(fn(x), fn(base), rtol=1e-12)
    else:
        module, fn = SCIPY_ON_ARRAYS[name]
        m = pytest.importorskip(module)
        np.testing.assert_allclose(fn(m, x), fn(m, base), rtol=1e-12)


@pytest.mark.parametrize("idx", [True, False, np.array(True), (1, True), (Ellipsis, True)],
                         ids=repr)
def test_scalar_boolean_index_on_an_array_value_as_numpy(idx):
    # the traced and jitted cases are in test_numpy_edge_cases; here an Array's own __getitem__
    x = np.arange(6.0).reshape(2, 3)
    got = fnp.asarray(x)[idx]
    assert type(got) is Array and got.shape == x[idx].shape
    np.testing.assert_array_equal(got, x[idx])


# ---- the operators' fast path (numpy's ufunc on two concrete operands) against fungrad.numpy's
# functions, which compute through the primitives: same value, dtype, type, warnings and errors
_OPERATOR_FUNCTIONS = {
    "add": fnp.add, "sub": fnp.subtract, "mul": fnp.multiply, "truediv": fnp.divide,
    "pow": fnp.power, "and": fnp.bitwise_and,
    "or": fnp.bitwise_or, "xor": fnp.bitwise_xor, "lt": fnp.less, "le": fnp.less_equal,
    "gt": fnp.greater, "ge": fnp.greater_equal, "eq": fnp.equal, "ne": fnp.not_equal,
}
_OPERAND_DTYPES = ["bool", "int8", "uint8", "int32", "int64", "uint64", "float16", "float32",
                   "float64", "complex128"]


def _operands(dtype):
    if dtype == "bool":
        return np.array([True, False, True, False])
    if dtype.startswith(("int", "uint")):
        lo = 0 if dtype.startswith("u") else -3
        return np.array([lo, 0, 2, 7], dtype)
    if dtype.startswith("complex"):
        return np.array([1 + 2j, 0, -0.5j, np.nan], dtype)
    return np.array([-1.5, 0.0, np.inf, np.nan], dtype)


def _outcome(f):
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = f()
        except Exception as e:  # noqa: BLE001 - the outcome compared is the exception's type
            return ("raises", type(e).__mro__[1:3] if type(e).__module__.startswith("fungrad")
                    else type(e)), ()
    return out, tuple(sorted({str(w.category.__name__) for w in caught}))


@pytest.mark.parametrize("op", sorted(_OPERATOR_FUNCTIONS))
def test_operator_fast_path_equals_fungrad_numpy(op):
    import operator
    py_op = getattr(operator, {"and": "and_", "or": "or_"}.get(op, op))
    fn = _OPERATOR_FUNCTIONS[op]
    others = [(d, lambda d=d: fnp.asarray(_operands(d)[::-1].copy())) for d in _OPERAND_DTYPES]
    others += [(d, lambda d=d: _operands(d)[::-1].copy()) for d in ("int64", "float32")]
    others += [(repr(v), lambda v=v: v) for v in (True, 0, 3, -2, 2.5, 0.0, 1e300, 2**70)]
    checked = 0
    for da in _OPERAND_DTYPES:
        x = fnp.asarray(_operands(da))
        for name, make in others:
            for reflected in (False, True):
                y = make()
                if reflected and not np.isscalar(y):
                    continue  # an array on the left is its own left operand
                fast = _outcome(lambda x=x, y=y, r=reflected: py_op(y, x) if r else py_op(x, y))
                general = _outcome(lambda x=x, y=y, r=reflected: fn(y, x) if r else fn(x, y))
                where = f"{op}: {da} with {name}{' (reflected)' if reflected else ''}"
                (fv, fw), (gv, gw) = fast, general
                if isinstance(gv, tuple) and gv and gv[0] == "raises":
                    assert isinstance(fv, tuple) and fv[0] == "raises", where
                    continue
                assert type(fv) is fg.Array and type(gv) is fg.Array, where
                assert fv.dtype == gv.dtype, where
                np.testing.assert_array_equal(np.asarray(fv), np.asarray(gv), err_msg=where)
                assert fw == gw, where
                checked += 1
    assert checked > 40
