"""The everyday top-level API around the transforms: eval_shape/ShapeDtypeStruct, devices,
device_put/device_get/block_until_ready, config and disable_jit, ensure_compile_time_eval,
named_call/named_scope, linear_transpose, custom_gradient, closure_convert. Real values and exact
errors; live comparisons with JAX where it is installed (skipped visibly otherwise)."""
import doctest
import importlib
import os
import warnings

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import ShapeDtypeStruct
from fungrad.errors import ConcretizationError, DtypeError


@pytest.fixture(scope="module")
def jax():
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    return pytest.importorskip("jax", reason="live JAX comparison needs jax installed")


@pytest.fixture
def restore_config():
    saved = dict(fg.config._values)
    yield
    fg.config._values.clear()
    fg.config._values.update(saved)


# ---------------------------------------------------------------- eval_shape


def test_shape_dtype_struct():
    s = ShapeDtypeStruct((2, 3), np.float32)
    assert repr(s) == "ShapeDtypeStruct(shape=(2, 3), dtype=float32)"
    assert repr(ShapeDtypeStruct((), np.float64, weak_type=True)) == \
        "ShapeDtypeStruct(shape=(), dtype=float64, weak_type=True)"
    assert (s.shape, s.dtype, s.ndim, s.size, s.weak_type) == ((2, 3), np.float32, 2, 6, False)
    assert s == ShapeDtypeStruct([2, 3], "float32") and hash(s) == hash(ShapeDtypeStruct((2, 3),
                                                                                         np.float32))
    assert s != ShapeDtypeStruct((2, 3), np.float64)
    assert s.update(dtype=np.int32) == ShapeDtypeStruct((2, 3), np.int32)
    assert fg.tree.leaves([s, {"a": s}]) == [s, s]  # a leaf
    with pytest.raises(ValueError, match="ShapeDtypeStruct: dtype must be specified"):
        ShapeDtypeStruct((2,), None)
    with pytest.raises(TypeError, match="shape must be a sequence of ints"):
        ShapeDtypeStruct(3, np.float32)
    with pytest.raises(AttributeError, match="immutable"):
        s.shape = (1,)
    with pytest.raises(TypeError, match=r"unexpected fields \['color'\]"):
        s.update(color=1)


def test_eval_shape():
    calls = []

    def f(x, y):
        calls.append(1)
        return {"s": x @ y, "n": 2.0 * fnp.sum(x), "i": fnp.argmax(y, axis=0)}

    out = fg.eval_shape(f, ShapeDtypeStruct((2, 3), np.float32), np.ones((3, 4), np.float32))
    assert out == {"s": ShapeDtypeStruct((2, 4), np.float32),
                   "n": ShapeDtypeStruct((), np.float32),
                   "i": ShapeDtypeStruct((4,), np.int64)}
    assert len(calls) == 1
    assert fg.eval_shape(lambda x: x, 1.0) == ShapeDtypeStruct((), np.float64, weak_type=True)
    assert fg.eval_shape(lambda x, *, scale: x * scale, np.ones(5, np.float32), scale=2.0) == \
        ShapeDtypeStruct((5,), np.float32)  # keyword arguments are abstract values too
    out = fg.eval_shape(lambda t: (t["a"].T, [t["b"] + 1]),
                        {"a": ShapeDtypeStruct((4, 1), np.float64), "b": np.zeros(2, np.int32)})
    assert out == (ShapeDtypeStruct((1, 4), np.float64), [ShapeDtypeStruct((2,), np.int32)])
    with pytest.raises(fg.errors.ShapeError):
        fg.eval_shape(lambda x, y: x @ y, ShapeDtypeStruct((2, 3), np.float32),
                      ShapeDtypeStruct((2, 3), np.float32))
    with pytest.raises(TypeError, match="argument leaf 'abc' of type str is not an array value"):
        fg.eval_shape(lambda x: x, "abc")
    with pytest.raises(ConcretizationError):
        fg.eval_shape(lambda x: 1.0 if x > 0 else 0.0, 1.0)


def test_eval_shape_against_live_jax(jax):
    def f(x, y):
        return {"s": x @ y, "n": 2.0 * x.sum(), "t": (x.T, y[0])}

    args = (np.ones((2, 3), np.float32), np.ones((3, 4), np.float32))
    ours = fg.eval_shape(f, *args)
    theirs = jax.eval_shape(f, *[jax.ShapeDtypeStruct(a.shape, a.dtype) for a in args])
    assert fg.tree.leaves(ours) == [ShapeDtypeStruct(s.shape, s.dtype)
                                    for s in jax.tree.leaves(theirs)]
    assert repr(ShapeDtypeStruct((2, 3), np.float32)) == repr(jax.ShapeDtypeStruct((2, 3),
                                                                                   np.float32))


# ---------------------------------------------------------------- devices


def test_devices():
    (d,) = fg.devices()
    assert repr(d) == "CpuDevice(id=0)" and str(d) == "cpu:0"
    assert (d.id, d.platform, d.device_kind, d.process_index) == (0, "cpu", "cpu", 0)
    assert fg.local_devices() == [d] and fg.devices("cpu") == [d]
    assert (fg.device_count(), fg.local_device_count(), fg.default_backend()) == (1, 1, "cpu")
    assert (fg.process_index(), fg.process_count()) == (0, 1)
    with pytest.raises(RuntimeError, match="unknown backend 'gpu'.*only platform present is 'cpu'"):
        fg.devices("gpu")
    with pytest.raises(ValueError, match="process_index=1"):
        fg.local_devices(process_index=1)


def test_device_put_get_block():
    x = np.ones(2)
    y = fg.device_put(x)
    x[0] = 5.0
    np.testing.assert_array_equal(y, [1.0, 1.0])  # a copy, as a transfer to a device
    assert fg.device_put(x, may_alias=True) is x
    assert fg.device_put(x, fg.devices()[0]) is not x
    t = fg.device_put({"a": 1.0, "b": [np.float32(2)]})
    assert type(t["a"]) is np.ndarray and t["a"].shape == () and t["b"][0].dtype == np.float32
    with pytest.raises(TypeError, match="device must be None or a device from fungrad.devices"):
        fg.device_put(x, "gpu")
    with pytest.raises(TypeError, match="'abc' of type str is not an array value"):
        fg.device_put("abc")
    got = fg.device_get([1.0, y, np.float32(3)])
    assert got[0] == 1.0 and type(got[1]) is np.ndarray and type(got[2]) is np.ndarray
    with pytest.raises(ConcretizationError, match="device_get: got a traced value f64"):
        fg.jit(lambda v: fg.device_get(v))(np.ones(3))
    # device_put is transparent to the transforms
    assert float(fg.grad(lambda v: fg.device_put(v) ** 2)(3.0)) == 6.0

    class Lazy:
        waited = 0

        def block_until_ready(self):
            Lazy.waited += 1
            return self

    tree = {"a": y, "b": Lazy(), "c": 1.0}
    assert fg.block_until_ready(tree) is tree and Lazy.waited == 1
    assert float(fg.jit(lambda v: fg.block_until_ready(v * 2))(1.0)) == 2.0


# ---------------------------------------------------------------- config


def test_config(restore_config):
    c = fg.config
    assert c.jax_enable_x64 is True  # fungrad follows numpy's float64 default
    assert (c.jax_disable_jit, c.jax_debug_nans, c.jax_platforms) == (False, False, None)
    c.update("jax_enable_x64", True)
    assert c.jax_enable_x64 is True and c.read("jax_enable_x64") is True
    assert fnp.zeros(2).dtype == np.float64
    c.update("jax_platforms", "cpu")
    c.update("jax_platform_name", "cpu")
    c.update("jax_numpy_rank_promotion", "raise")
    assert c.values["jax_numpy_rank_promotion"] == "raise"
    c.update("jax_disable_jit", "true")
    assert c.jax_disable_jit is True
    with pytest.raises(AttributeError, match="Unrecognized config option: jax_foo"):
        c.update("jax_foo", 1)
    with pytest.raises(AttributeError, match="has no attribute 'jax_foo'"):
        c.jax_foo  # noqa: B018
    with pytest.raises(TypeError, match="jax_enable_x64 takes a bool, got list"):
        c.update("jax_enable_x64", [])
    with pytest.raises(ValueError, match="runs on the CPU only"):
        c.update("jax_platforms", "gpu")
    with pytest.raises(ValueError, match="must be one of 'allow', 'warn', 'raise'"):
        c.update("jax_numpy_rank_promotion", "never")
    with pytest.raises(AttributeError, match=r"config.update\('jax_enable_x64', value\)"):
        c.jax_enable_x64 = False
    with pytest.warns(UserWarning, match="has no effect in fungrad.*float32 arrays explicitly"):
        c.update("jax_enable_x64", False)
    assert c.jax_enable_x64 is False
    with pytest.warns(UserWarning, match="jax_debug_nans is accepted but not implemented"):
        c.update("jax_debug_nans", True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c.update("jax_debug_nans", False)


def test_disable_jit_flag():
    assert fg.config.jax_disable_jit is False
    with fg.disable_jit():
        assert fg.config.jax_disable_jit is True
        with fg.disable_jit(False):
            assert fg.config.jax_disable_jit is False
        assert fg.config.jax_disable_jit is True
    assert fg.config.jax_disable_jit is False


def test_disable_jit_runs_eagerly():
    seen = []

    @fg.jit
    def f(x):
        seen.append(type(x))
        return x * 2.0 if x > 0 else -x  # Python control flow on a value: eager only

    with fg.disable_jit():
        assert float(f(np.array(3.0))) == 6.0
        assert float(f(np.array(-1.0))) == 1.0
    assert seen == [np.ndarray, np.ndarray]


# ---------------------------------------------------------------- ensure_compile_time_eval


def test_ensure_compile_time_eval():
    seen = []

    @fg.jit
    def f(x):
        with fg.ensure_compile_time_eval():
            n = fnp.sum(fnp.arange(4.0))
            seen.append((type(n), float(n)))  # concrete: float() works while tracing
            y = x * n  # involves the traced x: still staged
        return y

    assert float(f(2.0)) == 12.0
    assert seen == [(fg.Array, 6.0)]
    jaxpr = fg.make_jaxpr(lambda x: _cte_body(x))(1.0)
    prims = [e.prim.name for e in jaxpr.jaxpr.eqns]
    assert "sin" not in prims and prims == ["mul"]
    # without it the constant computation is recorded
    prims = [e.prim.name for e in fg.make_jaxpr(lambda x: x * fnp.sin(np.array(0.5)))(1.0)
             .jaxpr.eqns]
    assert prims == ["sin", "mul"]
    with pytest.raises(ConcretizationError):
        fg.jit(lambda x: float(fnp.sin(np.array(0.5))) * x)(1.0)
    # eagerly it changes nothing
    with fg.ensure_compile_time_eval():
        assert float(fnp.sin(np.array(0.0))) == 0.0
    assert float(fg.grad(lambda x: _cte_body(x))(1.0)) == pytest.approx(np.sin(0.5))


def _cte_body(x):
    with fg.ensure_compile_time_eval():
        return x * fnp.sin(np.array(0.5))


# ---------------------------------------------------------------- names


def test_named_call_and_scope():
    f = fg.named_call(lambda x: x + 1, name="step")
    assert f(1) == 2 and f.__name__ == "step"
    assert float(fg.grad(fg.named_call(fnp.sin))(0.0)) == 1.0
    with pytest.raises(TypeError, match="named_call: name must be a string"):
        fg.named_call(lambda x: x, name=3)
    with fg.named_scope("layer1"):
        assert float(fg.jit(lambda x: x * 3.0)(2.0)) == 6.0
    with pytest.raises(TypeError, match="named_scope name argument must be a string"):
        with fg.named_scope(3):
            pass


# ---------------------------------------------------------------- linear_transpose


def test_linear_transpose():
    t = fg.linear_transpose(lambda x, y: (x + 2.0 * y, x), 1.0, 1.0)
    assert [float(v) for v in t((1.0, 2.0))] == [3.0, 2.0]
    M = np.arange(6.0).reshape(2, 3)
    (ct,) = fg.linear_transpose(lambda x: M @ x, np.ones(3))(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(ct, M.T @ [1.0, 2.0])
    (d,) = fg.linear_transpose(lambda x: {"a": x * 2.0, "s": fnp.sum(x)},
                               ShapeDtypeStruct((2,), np.float32))(
        {"a": np.ones(2, np.float32), "s": np.float32(1.0)})
    assert d.dtype == np.float32
    np.testing.assert_array_equal(d, [3.0, 3.0])
    # the adjoint identity <ct, f(x)> == <f^T(ct), x> on a reshape/slice/transpose chain
    rng = np.random.default_rng(0)
    f = lambda x: fnp.reshape(x[1:, ::2].T, (-1,)) * 3.0  # noqa: E731
    x = rng.normal(size=(4, 6))
    y = f(x)
    ct = rng.normal(size=y.shape)
    (xt,) = fg.linear_transpose(f, x)(ct)
    assert np.vdot(ct, y) == pytest.approx(np.vdot(xt, x))
    # a zero cotangent for an input the output does not depend on
    assert [float(v) for v in fg.linear_transpose(lambda x, y: 2.0 * x, 1.0, 1.0)(1.0)] == \
        [2.0, 0.0]
    # composes with the transforms
    g = fg.grad(lambda c: fg.linear_transpose(lambda x: 3.0 * x, 1.0)(c)[0] ** 2)(2.0)
    assert float(g) == 36.0


def test_linear_transpose_errors():
    with pytest.raises(TypeError, match="not linear in its inputs: it multiplies two values"):
        fg.linear_transpose(lambda x: x * x, 1.0)
    with pytest.raises(TypeError, match="it applies sin, which has no transpose rule"):
        fg.linear_transpose(fnp.sin, 1.0)
    t = fg.linear_transpose(lambda x: x * 2.0, 1.0)
    with pytest.raises(DtypeError, match=r"cotangent 0 is f64\[2\] but the function's output 0 "
                                         r"is f64\[\]"):
        t(np.ones(2))
    with pytest.raises(TypeError, match="cotangent's tree structure"):
        t((1.0, 2.0))
    with pytest.raises(NotImplementedError, match="reduce_axes"):
        fg.linear_transpose(lambda x: x, 1.0, reduce_axes=("i",))


def test_linear_transpose_against_live_jax(jax):
    M = np.arange(12.0).reshape(3, 4)

    def f(x, y):
        return {"a": M @ x + y[:3], "b": fnp.sum(y) * 2.0}

    def jf(x, y):
        return {"a": M @ x + y[:3], "b": jax.numpy.sum(y) * 2.0}

    x, y = np.ones(4), np.ones(5)
    ct = {"a": np.array([1.0, -2.0, 0.5]), "b": np.array(3.0)}
    ours = fg.linear_transpose(f, x, y)(ct)
    theirs = jax.linear_transpose(jf, x, y)(ct)  # float32 in JAX (x64 off): compare to 1e-6
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, np.asarray(t), rtol=1e-6)


# ---------------------------------------------------------------- custom_gradient


def test_custom_gradient():
    @fg.custom_gradient
    def f(x):
        return x ** 2, lambda g: (g * x,)

    assert float(f(3.0)) == 9.0
    assert float(fg.grad(f)(3.0)) == 3.0  # the custom rule, not 2x
    assert float(fg.grad(fg.grad(f))(3.0)) == 1.0  # the rule is differentiable
    assert float(fg.jit(fg.grad(f))(3.0)) == 3.0
    assert float(fg.grad(fg.jit(f))(3.0)) == 3.0
    np.testing.assert_array_equal(fg.vmap(fg.grad(f))(np.arange(3.0)), [0.0, 1.0, 2.0])

    @fg.custom_gradient
    def h(x, y):
        return x * y, lambda g: (g * y, g * x * 10.0)

    gx, gy = fg.grad(h, argnums=(0, 1))(2.0, 3.0)
    assert (float(gx), float(gy)) == (3.0, 20.0)

    @fg.custom_gradient
    def single(x):  # one argument: the rule may return the cotangent itself
        return x ** 2, lambda g: g * x

    assert float(fg.grad(single)(3.0)) == 3.0

    @fg.custom_gradient
    def clip_gradient(x):
        return x, lambda g: (fnp.clip(g, -1.0, 1.0),)

    assert float(fg.grad(lambda x: 5.0 * clip_gradient(x))(2.0)) == 1.0
    np.testing.assert_array_equal(
        fg.grad(lambda v: fnp.sum(clip_gradient(v) * np.array([0.5, -4.0])))(np.ones(2)),
        [0.5, -1.0])


def test_custom_gradient_errors():
    @fg.custom_gradient
    def bad(x):
        return x ** 2

    with pytest.raises(TypeError, match=r"must return a pair \(value, grad_fn\)"):
        fg.grad(bad)(1.0)

    @fg.custom_gradient
    def wrong_count(x, y):
        return x * y, lambda g: (g,)

    with pytest.raises(TypeError, match=r"grad_fn returned 1 cotangent\(s\), but the function "
                                        r"takes 2 argument\(s\)"):
        fg.grad(wrong_count)(1.0, 2.0)


def test_custom_gradient_against_live_jax(jax):
    def make(cg, np_):
        @cg
        def f(x, y):
            z = np_.sin(x) * y
            return z, lambda g: (g * np_.cos(x) * y * 2.0, g * np_.sin(x))
        return f

    fo, fj = make(fg.custom_gradient, fnp), make(jax.custom_gradient, jax.numpy)
    ours = fg.grad(lambda a, b: fo(a, b) ** 2, argnums=(0, 1))(0.3, 1.7)
    theirs = jax.grad(lambda a, b: fj(a, b) ** 2, argnums=(0, 1))(0.3, 1.7)
    np.testing.assert_allclose([float(v) for v in ours], [float(v) for v in theirs], rtol=1e-5)


# ---------------------------------------------------------------- closure_convert


def test_closure_convert():
    c = np.arange(3.0)
    g, consts = fg.closure_convert(lambda x: x * c + 2.0, np.ones(3))
    assert consts == []  # concrete closed-over arrays stay inside, as JAX
    np.testing.assert_array_equal(g(np.ones(3)), [2.0, 3.0, 4.0])

    def outer(y):
        h = lambda x: x * y + c  # noqa: E731
        conv, hoisted = fg.closure_convert(h, 1.0)
        assert len(hoisted) == 1 and hoisted[0] is y  # the traced y is hoisted
        return fnp.sum(conv(2.0, *hoisted))

    assert float(fg.grad(outer)(3.0)) == 6.0
    assert float(fg.jit(outer)(3.0)) == 21.0
    conv, _ = fg.closure_convert(lambda x: {"a": x, "b": [x * 2.0]}, 1.0)
    assert fg.tree.map(float, conv(3.0)) == {"a": 3.0, "b": [6.0]}
    with pytest.raises(TypeError, match=r"takes 1 argument\(s\) and 0 hoisted constant\(s\), "
                                        "got 2 arguments"):
        conv(1.0, 2.0)
    with pytest.raises(TypeError, match="arguments of structure"):
        conv((1.0, 2.0))


def test_closure_convert_in_custom_vjp():
    # the documented use: a custom_vjp whose function argument closes over traced values
    @fg.custom_vjp
    def apply(fun_conv, x, *consts):
        return fun_conv(x, *consts)

    def apply_fwd(fun_conv, x, *consts):
        return apply(fun_conv, x, *consts), (x, consts)

    def apply_bwd(fun_conv, res, g):
        x, consts = res
        _, pull = fg.vjp(fun_conv, x, *consts)
        return pull(g)

    apply = fg.custom_vjp(apply.fun, nondiff_argnums=(0,))
    apply.defvjp(apply_fwd, apply_bwd)

    def loss(w):
        f = lambda x: fnp.sin(x) * w  # noqa: E731
        conv, consts = fg.closure_convert(f, 0.0)
        return apply(conv, 0.5, *consts)

    assert float(fg.grad(loss)(2.0)) == pytest.approx(np.sin(0.5))


def test_docstring_examples():
    for name in ["fungrad._api.misc", "fungrad._api.config"]:
        result = doctest.testmod(importlib.import_module(name),
                                 optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, name
