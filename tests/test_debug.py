"""fungrad.debug.print / callback and fungrad.pure_callback: they run when the program runs (every
jit call, once per example under vmap, with primal values under grad), never while tracing;
the optimizer keeps the effectful ones and may drop unused pure ones; pure_callback's vmap
methods and its refusal to differentiate; printed lines against live JAX."""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import debug
from fungrad._core.errors import MissingRuleError
from fungrad._hop.callback import debug_callback_p, pure_callback_p
from fungrad.testing import check_grads


def _lines(capsys):
    return capsys.readouterr().out.splitlines()


def g(x):
    debug.print("x={x}", x=x)
    return x * 2


def test_eager_print_formats_like_str_format(capsys):
    debug.print("{} and {b}", np.float64(1.5), b=np.array([1, 2]))
    assert _lines(capsys) == ["1.5 and [1 2]"]


def test_jit_prints_on_every_call_and_not_while_tracing(capsys):
    def f(x):
        print("tracing")            # Python side effect: at trace time only
        debug.print("running {}", x)
        return x + 1

    jf = fg.jit(f)
    jf(1.0)
    jf(2.0)
    assert _lines(capsys) == ["tracing", "running 1.0", "running 2.0"]
    fg.make_jaxpr(lambda x: g(x))(1.0)
    assert _lines(capsys) == []
    src = jf.lower(1.0).source
    assert "debug_callback" in src


def test_vmap_prints_once_per_example(capsys):
    fg.vmap(g)(np.arange(3.0))
    assert _lines(capsys) == ["x=0.0", "x=1.0", "x=2.0"]
    fg.jit(fg.vmap(g))(np.arange(2.0))
    fg.vmap(fg.jit(g))(np.arange(2.0))
    assert _lines(capsys) == ["x=0.0", "x=1.0"] * 2
    # in_axes on another axis, and an unbatched operand printed with every example
    fg.vmap(lambda x, y: debug.print("{} {}", x, y), in_axes=(1, None))(
        np.arange(4.0).reshape(2, 2), 7.0)
    assert _lines(capsys) == ["[0. 2.] 7.0", "[1. 3.] 7.0"]


def test_grad_prints_primal_values_once(capsys):
    x = np.arange(2.0)
    fg.grad(lambda x: g(x).sum())(x)
    assert _lines(capsys) == ["x=[0. 1.]"]
    h = fg.jit(fg.grad(lambda x: g(x).sum()))
    h(x)
    h(x + 1)
    assert _lines(capsys) == ["x=[0. 1.]", "x=[1. 2.]"]
    fg.grad(lambda x: fg.jit(g)(x).sum())(x)
    assert _lines(capsys) == ["x=[0. 1.]"]
    fg.jvp(g, (1.0,), (1.0,))
    assert _lines(capsys) == ["x=1.0"]
    fg.hessian(lambda x: fnp.sum(g(x) ** 3))(x)
    assert _lines(capsys) == ["x=[0. 1.]"]


def test_prints_in_loops_run_each_iteration(capsys):
    def body(c, x):
        debug.print("step {}", x)
        return c + x, c

    fg.lax.scan(body, 0.0, np.arange(3.0))
    fg.jit(lambda xs: fg.lax.scan(body, 0.0, xs))(np.arange(2.0))
    assert _lines(capsys) == ["step 0.0", "step 1.0", "step 2.0", "step 0.0", "step 1.0"]


def test_effects_are_kept_in_order_and_never_merged(capsys):
    def f(x):
        debug.print("a {}", x)
        debug.print("a {}", x)     # identical: CSE must not merge it
        debug.print("b {}", x * 3)  # result unused elsewhere: DCE must not remove it
        return x

    fg.jit(f)(1.0)
    assert _lines(capsys) == ["a 1.0", "a 1.0", "b 3.0"]
    assert debug_callback_p.effect and not pure_callback_p.effect


def test_callback_receives_numpy_values_of_pytrees():
    seen = []
    fg.jit(lambda p: debug.callback(lambda q, k: seen.append((q, k)), p, k=p["w"] + 1))(
        {"w": np.ones(2)})
    (q, k), = seen
    assert isinstance(q["w"], np.ndarray) and q["w"].tolist() == [1.0, 1.0]
    assert k.tolist() == [2.0, 2.0]
    with pytest.raises(TypeError, match="callable"):
        debug.callback(3, 1.0)
    with pytest.raises(TypeError, match="format must be a string"):
        debug.print(1.0)


def test_print_matches_live_jax(capsys):
    jax = pytest.importorskip("jax", reason="live comparison needs jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    def run(mod, xnp):
        def f(x):
            mod.debug.print("x={x} s={s}", x=x, s=x.sum())
            return (x * 2).sum()
        mod.vmap(f)(xnp)
        mod.grad(f)(xnp[0])
        mod.jit(f)(xnp[1])
        return _lines(capsys)

    x = np.arange(6.0).reshape(2, 3)
    assert run(fg, x) == run(jax, jnp.asarray(x))


# ---- pure_callback


def _sin_cb(calls):
    def cb(a):
        calls.append(a.shape)
        return np.sin(a)
    return cb


def test_pure_callback_values_under_jit_run_every_call():
    calls = []

    def f(x):
        return fg.pure_callback(_sin_cb(calls), fg.ShapeDtypeStruct(x.shape, x.dtype), x) * 2

    x = np.linspace(0, 1, 4)
    np.testing.assert_allclose(f(x), 2 * np.sin(x))
    jf = fg.jit(f)
    np.testing.assert_allclose(jf(x), 2 * np.sin(x))
    jf(x)
    assert calls == [(4,)] * 3


def test_pure_callback_pytree_results_and_dtype():
    def cb(a, b):
        return {"s": a + b, "n": np.int32(a.size)}

    spec = {"s": fg.ShapeDtypeStruct((3,), np.float64), "n": fg.ShapeDtypeStruct((), np.int32)}
    out = fg.jit(lambda a, b: fg.pure_callback(cb, spec, a, b))(np.ones(3), np.ones(3))
    assert out["s"].tolist() == [2.0] * 3 and out["n"].dtype == np.int32 and int(out["n"]) == 3


def test_pure_callback_unused_result_may_be_removed_by_jit():
    calls = []
    x = np.ones(2)
    fg.jit(lambda x: (fg.pure_callback(_sin_cb(calls), fg.ShapeDtypeStruct((2,), np.float64), x),
                      x + 1)[1])(x)
    assert calls == []  # pure: dead code, as in JAX


@pytest.mark.parametrize("method,expected_shapes", [
    ("sequential", [((3,), (3,))] * 4),
    ("expand_dims", [((4, 3), (1, 3))]),
    ("broadcast_all", [((4, 3), (4, 3))]),
])
def test_pure_callback_vmap_methods(method, expected_shapes):
    shapes = []

    def cb(a, b):
        shapes.append((a.shape, b.shape))
        return a * b

    def f(x, y):
        return fg.pure_callback(cb, fg.ShapeDtypeStruct((3,), np.float64), x, y,
                                vmap_method=method)

    xs, y = np.arange(12.0).reshape(4, 3), np.array([1.0, 2.0, 3.0])
    out = fg.vmap(f, in_axes=(0, None))(xs, y)
    np.testing.assert_array_equal(out, xs * y)
    assert shapes == expected_shapes
    np.testing.assert_array_equal(fg.jit(fg.vmap(f, in_axes=(0, None)))(xs, y), xs * y)


def test_pure_callback_without_vmap_method_refuses_vmap():
    f = lambda x: fg.pure_callback(np.sin, fg.ShapeDtypeStruct((), np.float64), x)  # noqa: E731
    with pytest.raises(NotImplementedError, match="vmap_method"):
        fg.vmap(f)(np.ones(3))
    with pytest.raises(ValueError, match="vmap_method"):
        fg.pure_callback(np.sin, fg.ShapeDtypeStruct((), np.float64), 1.0, vmap_method="loop")


def test_pure_callback_is_not_differentiable_and_says_how_to_fix():
    f = lambda x: fg.pure_callback(np.sin, fg.ShapeDtypeStruct((), np.float64), x)  # noqa: E731
    with pytest.raises(MissingRuleError, match="custom_jvp"):
        fg.grad(f)(1.0)
    with pytest.raises(MissingRuleError, match="not differentiable"):
        fg.jvp(f, (1.0,), (1.0,))

    @fg.custom_jvp
    def sin_cb(x):
        return fg.pure_callback(np.sin, fg.ShapeDtypeStruct(np.shape(x), np.float64), x,
                                vmap_method="expand_dims")

    @sin_cb.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        return sin_cb(x), fg.pure_callback(np.cos, fg.ShapeDtypeStruct(np.shape(x), np.float64),
                                           x, vmap_method="expand_dims") * t

    x = np.array([0.3, 1.1])
    check_grads(sin_cb, (x,), order=1)
    np.testing.assert_allclose(fg.grad(lambda x: sin_cb(x).sum())(x), np.cos(x))
    np.testing.assert_allclose(fg.vmap(fg.grad(sin_cb))(x), np.cos(x))


def test_pure_callback_checks_what_the_function_returns():
    with pytest.raises(ValueError, match="declares f64\\[3\\]"):
        fg.pure_callback(lambda a: np.ones(2), fg.ShapeDtypeStruct((3,), np.float64), 1.0)
    with pytest.raises(TypeError, match="structure"):
        fg.pure_callback(lambda a: (a, a), fg.ShapeDtypeStruct((), np.float64), 1.0)
    with pytest.raises(TypeError, match="shape and .dtype"):
        fg.pure_callback(lambda a: a, (3,), 1.0)


def test_pure_callback_matches_live_jax_under_vmap():
    jax = pytest.importorskip("jax", reason="live comparison needs jax")
    jax.config.update("jax_enable_x64", True)
    xs = np.arange(6.0).reshape(2, 3)
    for method in ("sequential", "expand_dims", "broadcast_all"):
        def f(mod, x, method=method):
            return mod.pure_callback(lambda a: np.tanh(a) * a.shape[0],
                                     mod.ShapeDtypeStruct((3,), np.float64), x,
                                     vmap_method=method)
        np.testing.assert_allclose(fg.vmap(lambda x: f(fg, x))(xs),
                                   np.asarray(jax.vmap(lambda x: f(jax, x))(xs)), rtol=1e-15)


def test_module_docstring_example_runs():
    import doctest

    import fungrad.debug
    assert doctest.testmod(fungrad.debug, verbose=False).failed == 0
