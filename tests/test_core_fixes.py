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
    assert type(eager) is type(jitted) is fg.Array and jitted.shape == ()
    assert type(fg.jit(fg.grad(fnp.sin))(1.0)) is fg.Array


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


def test_static_argnames_passed_by_position_and_argnums_by_keyword():
    # JAX infers one from the other through the signature: 12.0 and -20.0
    def f(x):
        return 3. * x ** 2 if x < 3 else -4 * x
    assert fg.jit(f, static_argnames="x")(2.) == 12.0
    assert fg.jit(f, static_argnums=0)(x=5.) == -20.0


def test_jit_caches_per_underlying_function_and_clear_caches_empties_every_cache():
    def f(x):
        return fnp.sin(x) * 2.0
    first = fg.jit(f)
    first(np.ones(3))
    second = fg.jit(f)
    np.testing.assert_array_equal(second(np.ones(3)), np.sin(np.ones(3)) * 2.0)
    assert (first.trace_count, second.trace_count) == (1, 0)
    info = fg.cache_info()
    assert {"jit", "jit_compiled", "jit_derived", "avals"} <= set(info)
    assert info["jit"].size >= 1 and info["jit"].maxsize == 4096
    fg.clear_caches()
    assert fg.cache_info()["jit"].size == 0
    second(np.ones(3))
    assert second.trace_count == 1


def test_caches_are_bounded_least_recently_used():
    from fungrad.extend import LRUCache
    c = LRUCache("test", 2)
    c["a"], c["b"] = 1, 2
    assert c.get("a") == 1  # refreshes a: b is now the oldest
    c["c"] = 3
    assert "b" not in c and c.get("a") == 1 and c.get("c") == 3 and len(c) == 2


def test_generated_source_leaves_linecache_with_its_program():
    import gc
    import linecache
    before = sum(k.startswith("<fungrad-jit") for k in linecache.cache)
    for n in range(20):
        fg.jit(lambda x: x * 2.0 + 1.0)(np.ones(n + 1))
    fg.clear_caches()
    gc.collect()
    after = sum(k.startswith("<fungrad-jit") for k in linecache.cache)
    assert after <= before


def _counted_custom_jvp():
    calls = []

    @fg.custom_jvp
    def f(x):
        calls.append("f")
        return fnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        calls.append("f_jvp")
        (x,), (t,) = primals, tangents
        return f(x), fnp.cos(x) * t
    return f, calls


def _counted_custom_vjp():
    calls = []

    @fg.custom_vjp
    def f(x):
        calls.append("f")
        return fnp.sin(x)

    def f_fwd(x):
        calls.append("f_fwd")
        return f(x), fnp.cos(x)

    def f_bwd(cos_x, g):
        calls.append("f_bwd")
        return (cos_x * g,)
    f.defvjp(f_fwd, f_bwd)
    return f, calls


@pytest.mark.parametrize("make,transform,expected", [
    (_counted_custom_jvp, lambda f: fg.vmap(f)(np.ones(3)), ["f"]),
    (_counted_custom_jvp, lambda f: fg.grad(f)(1.0), ["f_jvp", "f"]),
    (_counted_custom_jvp, lambda f: fg.jit(f)(1.0), ["f"]),
    (_counted_custom_jvp, lambda f: fg.jit(fg.grad(f))(1.0), ["f_jvp", "f"]),
    (_counted_custom_vjp, lambda f: fg.vmap(f)(np.ones(3)), ["f"]),
    (_counted_custom_vjp, lambda f: fg.grad(f)(1.0), ["f_fwd", "f", "f_bwd"]),
    (_counted_custom_vjp, lambda f: fg.jit(f)(1.0), ["f"]),
], ids=["jvp-vmap", "jvp-grad", "jvp-jit", "jvp-jit-grad", "vjp-vmap", "vjp-grad", "vjp-jit"])
def test_custom_rules_are_called_as_often_as_in_jax(make, transform, expected):
    f, calls = make()
    transform(f)
    assert calls == expected


def test_custom_rule_values_with_the_counted_paths():
    f, _ = _counted_custom_jvp()
    g, _ = _counted_custom_vjp()
    np.testing.assert_allclose(fg.grad(f)(1.0), np.cos(1.0))
    np.testing.assert_allclose(fg.grad(g)(1.0), np.cos(1.0))
    np.testing.assert_allclose(fg.jit(fg.grad(g))(1.0), np.cos(1.0))
    np.testing.assert_allclose(fg.vmap(fg.grad(f))(np.arange(3.0)), np.cos(np.arange(3.0)))


def test_custom_jvp_primal_with_python_if_on_its_value_under_grad():
    @fg.custom_jvp
    def f(x):
        if x > 0:  # concrete in eager grad: the rule sees concrete primals, as in JAX
            return fnp.sin(x)
        return x

    f.defjvp(lambda p, t: (f(p[0]), 2.0 * t[0]))
    assert fg.grad(f)(1.0) == 2.0
    assert fg.jvp(f, (-1.0,), (1.0,)) == (-1.0, 2.0)


def test_jvp_of_custom_vjp_raises_a_type_error():
    f, _ = _counted_custom_vjp()
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff .* custom_vjp"):
        fg.jvp(f, (1.0,), (1.0,))
    with pytest.raises(TypeError, match="custom_vjp"):
        fg.jacfwd(f)(np.ones(2))


def test_shape_error_under_grad_names_the_product_shapes_and_fix_with_user_frames_only():
    import traceback

    def loss(w, x):
        return fnp.sum(fnp.tanh(x @ w))

    from fungrad.errors import ShapeError
    with pytest.raises(ShapeError) as info:
        fg.grad(loss)(np.ones((4, 3)), np.ones((2, 3)))
    msg = str(info.value)
    assert "x @ y" in msg and "f64[2,3]" in msg and "f64[4,3]" in msg
    assert "axis 1 of the first has size 3 but axis 0 of the second has size 4" in msg
    assert "Fix:" in msg
    frames = traceback.extract_tb(info.value.__traceback__)
    files = [f.filename for f in frames]
    assert any(f.endswith("test_core_fixes.py") and fr.name == "loss" for f, fr in
               zip(files, frames)), files
    internal = [f for f in files if "/fungrad/" in f and "traceback_util" not in f]
    assert not internal, internal
    assert len(frames) <= 10
    assert any("FUNGRAD_TRACEBACK_FILTERING=off" in n for n in info.value.__notes__)


def test_traceback_filtering_can_be_turned_off():
    from fungrad._core.traceback_util import set_traceback_filtering
    import traceback
    set_traceback_filtering(False)
    try:
        with pytest.raises(ValueError) as info:
            fg.grad(lambda w: fnp.sum(np.ones((2, 3)) @ w))(np.ones(4))
        assert any("/fungrad/" in f.filename for f in traceback.extract_tb(info.value.__traceback__))
    finally:
        set_traceback_filtering(True)


def test_permute_and_forced_partial_eval_rewrite_signatures_without_retracing():
    from fungrad._hop._util import partial_eval_forced, permute
    closed = fg.make_jaxpr(lambda x, y: (fnp.sin(x) * y, x + y))(np.ones(3), np.ones(3))
    p = permute(closed, [1, 0], [1, 0, 0])
    assert p.jaxpr.eqns == closed.jaxpr.eqns  # the same equations, no new trace
    fg.check_jaxpr(p)
    from fungrad.extend import run_closed
    x, y = np.arange(3.0), np.full(3, 2.0)
    out = run_closed(p, y, x)
    np.testing.assert_array_equal(out[0], x + y)
    np.testing.assert_array_equal(out[1], np.sin(x) * y)
    with pytest.raises(ValueError, match="not a permutation"):
        permute(closed, [0, 0])
    split = fg.make_jaxpr(lambda x, y: (fnp.sin(x), x * y))(np.ones(3), np.ones(3))
    known, unknown, out_uk, nres = partial_eval_forced(split, [False, True], [True, False])
    fg.check_jaxpr(known)
    fg.check_jaxpr(unknown)
    assert out_uk == [True, True]  # sin(x) is known, but forced into the unknown part
    k = run_closed(known, x)
    assert len(k) == nres
    u = run_closed(unknown, *k, y)
    np.testing.assert_array_equal(u[0], np.sin(x))
    np.testing.assert_array_equal(u[1], x * y)


def test_one_compile_path_optimizes_a_custom_node_output_once(monkeypatch):
    import collections

    from fungrad._interp import passes
    P = collections.namedtuple("P", "a b")
    calls = []
    real = passes.inline
    monkeypatch.setattr(passes, "inline", lambda c: calls.append(1) or real(c))

    def f(x):
        return P(x * 2.0, x + 1.0)
    out = fg.jit(f)(np.ones(2))
    assert type(out) is P
    np.testing.assert_array_equal(out.a, [2.0, 2.0])
    assert len(calls) == 1  # traced, optimized once; compiling reuses the optimized program


def test_shared_list_helpers():
    from fungrad._core.lists import carry_fixpoint, cut, merge, partition
    assert cut([1, 2, 3, 4, 5], 1, 2) == [[1], [2, 3], [4, 5]]
    f, t = partition("abcd", [True, False, False, True])
    assert (f, t) == (["b", "c"], ["a", "d"])
    assert merge([True, False, False, True], f, t) == list("abcd")
    # carry 1 feeds carry 0 feeds carry 2: two rounds to close, and the last result is returned
    links = {0: [2], 1: [0], 2: []}
    seen = []

    def step(mask):
        seen.append(list(mask))
        out = [any(mask[src] for src in range(3) if dst in links[src]) for dst in range(3)]
        return out, tuple(mask)
    mask, result = carry_fixpoint([False, True, False], step)
    assert mask == [True, True, True] and result == (True, True, True)
    assert len(seen) == 3
