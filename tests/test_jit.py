"""jit: results equal eager to the last bit, caching, static arguments, errors, and every
composition with the other transforms."""
import linecache

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import _lax as lax
from fungrad.errors import ConcretizationError
from fungrad.tree_util import tree_leaves

rng = np.random.default_rng(0)


def mlp_loss(params, x, y):
    (w1, b1), (w2, b2) = params
    h = fnp.tanh(x @ w1 + b1)
    return fnp.mean((h @ w2 + b2 - y) ** 2)


PARAMS = [(rng.normal(size=(8, 6)), rng.normal(size=6)), (rng.normal(size=(6, 3)), rng.normal(size=3))]
X, Y = rng.normal(size=(5, 8)), rng.normal(size=(5, 3))


def same(a, b):
    la, lb = tree_leaves(a), tree_leaves(b)
    assert len(la) == len(lb)
    for p, q in zip(la, lb):
        p, q = np.asarray(p), np.asarray(q)
        assert p.shape == q.shape and p.dtype == q.dtype
        assert np.array_equal(p, q, equal_nan=True), (p, q)


FUNS = [
    (lambda x: fnp.sin(x) * 2.0 + x, (rng.normal(size=(3, 4)),)),
    (lambda x, y: fnp.sum(x @ y.T, axis=0), (rng.normal(size=(3, 4)), rng.normal(size=(5, 4)))),
    (lambda x: fnp.exp(x - fnp.max(x, axis=1, keepdims=True)), (rng.normal(size=(3, 4)),)),
    (lambda x: x[1:, ::2] * x[0, None, ::2], (rng.normal(size=(3, 4)),)),
    (lambda x: fnp.where(x > 0, x, 0.1 * x).reshape(-1).T, (rng.normal(size=(3, 4)),)),
    (lambda x: fnp.concatenate([x, x ** 3], axis=0) / 3.0, (rng.normal(size=(2, 2)),)),
    (lambda x: (x * 1.0 + 0.0 - 0.0).transpose(1, 0).transpose(1, 0), (rng.normal(size=(2, 3)),)),
    (lambda x: fnp.broadcast_to(x, (4, 3)).sum(0), (rng.normal(size=3),)),
    (lambda x: fnp.broadcast_to(x, (4, 3)).sum(0), (np.arange(3),)),
    (lambda x: x.astype(np.float32) * np.float32(0.1), (rng.normal(size=3),)),
    (mlp_loss, (PARAMS, X, Y)),
    (lambda x, y: lax.dot_general(x, y, (((), ()), ((0, 2), (2, 0)))),
     (rng.normal(size=(2, 3, 5)), rng.normal(size=(5, 4, 2)))),
    (lambda x, y: lax.dot_general(x, y, (((1,), (0,)), ((0,), (1,)))),
     (rng.normal(size=(2, 3, 5)), rng.normal(size=(3, 2)))),
]


@pytest.mark.parametrize("i", range(len(FUNS)))
def test_jit_equals_eager_bitwise(i):
    f, args = FUNS[i]
    same(fg.jit(f)(*args), f(*args))


def test_jit_of_grad_equals_grad_bitwise():
    g = fg.grad(mlp_loss)
    same(fg.jit(g)(PARAMS, X, Y), g(PARAMS, X, Y))


def test_grad_of_jit():
    same(fg.grad(fg.jit(mlp_loss))(PARAMS, X, Y), fg.grad(mlp_loss)(PARAMS, X, Y))


def test_eager_grad_of_jit_does_not_retrace():
    f = fg.jit(lambda *a: mlp_loss(*a))  # a fresh function: mlp_loss's programs are cached
    g = fg.grad(f)
    for _ in range(3):
        g(PARAMS, X, Y)
    assert f.trace_count == 1


def test_grad_of_jit_uses_the_programs_one_linearization():
    """Eager grad of a jitted function linearizes its program once (linearize_program: forward
    program, residuals, linear program; the transpose it made is the one the backward pass
    runs), with no JVP program and no partial evaluation of it; staged (jit of grad of jit)
    alike, and the second-order gradient too."""
    from fungrad._hop.call import _derived

    f = fg.jit(lambda w, x: fnp.sum(fnp.tanh(x @ w) ** 2))
    w, x = rng.normal(size=(4, 3)), rng.normal(size=(5, 4))
    fg.clear_caches()
    g = fg.grad(f)(w, x)
    rules = sorted(k[0] for k in _derived._d)
    assert rules == ["linearize", "transpose"], rules
    same(g, fg.grad(lambda w, x: fnp.sum(fnp.tanh(x @ w) ** 2))(w, x))
    same(fg.jit(fg.grad(f))(w, x), g)
    assert "jvp" not in {k[0] for k in _derived._d}
    h = fg.hessian(lambda v: f(v.reshape(4, 3), x))(w.ravel())
    np.testing.assert_allclose(
        h, fg.hessian(lambda v: fnp.sum(fnp.tanh(x @ v.reshape(4, 3)) ** 2))(w.ravel()),
        rtol=1e-12, atol=1e-14)


def test_vmap_of_jit_and_jit_of_vmap_grad():
    def loss(w, x, y):
        return fnp.log1p(fnp.exp(-y * fnp.dot(x, w)))

    w, xs, ys = rng.normal(size=4), rng.normal(size=(6, 4)), np.sign(rng.normal(size=6))
    per_ex = fg.vmap(fg.grad(loss), in_axes=(None, 0, 0))
    same(fg.jit(per_ex)(w, xs, ys), per_ex(w, xs, ys))
    np.testing.assert_allclose(fg.vmap(fg.jit(loss), in_axes=(None, 0, 0))(w, xs, ys),
                               fg.vmap(loss, in_axes=(None, 0, 0))(w, xs, ys), rtol=1e-15)


def test_jacfwd_jacrev_hessian_of_jit():
    f = lambda x: fnp.sum(fnp.sin(x) * x[::-1]) ** 2
    x = rng.normal(size=5)
    np.testing.assert_allclose(fg.jacfwd(fg.jit(f))(x), fg.jacfwd(f)(x), rtol=1e-12)
    np.testing.assert_allclose(fg.jacrev(fg.jit(f))(x), fg.jacrev(f)(x), rtol=1e-12)
    np.testing.assert_allclose(fg.hessian(fg.jit(f))(x), fg.hessian(f)(x), rtol=1e-12)
    same(fg.jit(fg.hessian(f))(x), fg.hessian(f)(x))


def test_jvp_of_jit_and_nested_jit():
    inner = fg.jit(lambda x: fnp.cos(x) * x)
    outer = fg.jit(lambda x: inner(x) + inner(2.0 * x))
    x, t = rng.normal(size=3), rng.normal(size=3)
    ref = lambda x: fnp.cos(x) * x + fnp.cos(2.0 * x) * (2.0 * x)
    same(outer(x), ref(x))
    _p, tan = fg.jvp(outer, (x,), (t,))
    _p2, tan2 = fg.jvp(ref, (x,), (t,))
    np.testing.assert_allclose(tan, tan2, rtol=1e-14)
    assert "jit" not in str(outer.lower(x).jaxpr)  # nested jits are inlined
    np.testing.assert_allclose(fg.grad(lambda x: fnp.sum(outer(x)))(x),
                               fg.grad(lambda x: fnp.sum(ref(x)))(x), rtol=1e-14)


def test_closure_over_outer_tracer():
    def f(x):
        return fg.jit(lambda y: x * fnp.sin(y))(2.0)
    np.testing.assert_allclose(fg.grad(f)(3.0), np.sin(2.0))
    np.testing.assert_allclose(fg.jit(fg.grad(f))(3.0), np.sin(2.0))


def test_cache_keys_and_retracing():
    f = fg.jit(lambda x: x * 2)
    f(np.ones(3))
    f(np.zeros(3))
    assert f.trace_count == 1
    f(np.ones(4))
    f(np.ones(3, np.float32))
    assert f.trace_count == 3
    f(1.0)  # a weak Python scalar
    f(np.float64(1.0))  # a strong 0-d value
    assert f.trace_count == 5
    f([np.ones(3)]) if False else None
    g = fg.jit(lambda d: d["a"] + d["b"])
    g({"a": 1.0, "b": np.ones(2)})
    g({"a": 2.0, "b": np.ones(2)})
    assert g.trace_count == 1


def test_static_args():
    f = fg.jit(lambda x, n: fnp.reshape(x, (n, -1)) * n, static_argnums=1)
    x = np.arange(6.0)
    same(f(x, 2), np.arange(6.0).reshape(2, 3) * 2)
    same(f(x, 3), np.arange(6.0).reshape(3, 2) * 3)
    f(x, 2)
    assert f.trace_count == 2
    g = fg.jit(lambda x, *, mode: x + 1 if mode == "a" else x - 1, static_argnames="mode")
    same(g(x, mode="a"), x + 1)
    same(g(x, mode="b"), x - 1)
    with pytest.raises(TypeError, match="not hashable"):
        f(x, [2])


def test_traced_value_in_python_control_flow_names_static_argnums():
    f = fg.jit(lambda x: x if x > 0 else -x)
    with pytest.raises(ConcretizationError, match="static_argnums"):
        f(1.0)
    g = fg.jit(lambda x, n: x * len(range(n)))
    with pytest.raises(ConcretizationError, match="static_argnums"):
        g(1.0, 3)


def test_side_effects_run_at_trace_time_only():
    log = []

    @fg.jit
    def f(x):
        log.append("traced")
        return x + 1

    f(1.0), f(2.0), f(3.0)
    assert log == ["traced"]


def test_lower_shows_program_and_source():
    lowered = fg.jit(fg.grad(mlp_loss)).lower(PARAMS, X, Y)
    fg.check_jaxpr(lowered.jaxpr)
    src = lowered.source
    assert "np.dot(" in src and "np.tanh(" in src and "out=" in src
    assert "broadcast_to" not in src and "reshape" not in src
    assert "integer_pow" not in str(lowered.jaxpr)  # the dead primal output is gone
    assert len(src.splitlines()) <= 22


def test_generated_code_in_tracebacks():
    f = fg.jit(lambda x: fnp.sin(x) + 1.0)
    f(1.0)
    lowered = f.lower(1.0)
    fn = fg.jit(lambda x: x)  # noqa: F841
    entry, _, _ = f._entry((1.0,), {})
    code = entry.fast.__code__
    assert linecache.getline(code.co_filename, 2).strip() == lowered.source.splitlines()[1].strip()


def test_inputs_never_overwritten_and_outputs_fresh():
    f = fg.jit(lambda x: fnp.tanh(fnp.exp(x) * 2.0) + 1.0)
    x = rng.normal(size=(4, 4))
    x0 = x.copy()
    a = f(x)
    a0 = a.copy()
    b = f(x)
    same(x, x0)
    same(a, a0)
    assert a is not b


def test_wraps_and_methods():
    def named(x):
        """doc"""
        return x
    j = fg.jit(named)
    assert j.__name__ == "named" and j.__doc__ == "doc"

    class M:
        @fg.jit
        def f(self, x):
            return x * 2
    # self is not an array: pass it statically through a bound partial of the function
    with pytest.raises(TypeError):
        M().f(1.0)


def test_container_arguments_take_the_direct_path_with_the_general_results():
    """Lists, tuples, dicts and None holding arrays and Python numbers are keyed on the direct
    path too (one flat token sequence): every distinct structure, shape, dtype or number type
    is its own program, the same structure is not traced again, and the results equal the
    general path's and the function's own."""
    def f(p, x):
        leaves = fg.tree_util.tree_leaves(p)
        return sum(fnp.sum(fnp.asarray(v) * i) for i, v in enumerate(leaves, 1)) + fnp.sum(x)

    jf = fg.jit(f)
    x = np.arange(3.0)
    a, b = np.ones(2), np.full((2, 2), 0.5, np.float32)
    cases = [
        [(a, b), (a, a)], [(a, b), [a, a]], ([a, b], (a, a)), [(a, b, a)], [[a], [b, a]],
        {"w": a, "b": b}, {"b": a, "w": b}, {"w": a, "b": None}, {"w": a, "b": (None, b)},
        [a, None, b], [None, a, b], [a, 2.0], [a, 2], [a, True], [a, 2.0 + 1j],
        {1: a, 2: b}, {(2, 2): a}, [(2, 2), a], [a.astype(np.float32), b],
    ]
    for c in cases:
        first = jf(c, x)
        n = jf.trace_count
        again = jf(c, x)  # the direct path, found by the container key
        assert jf.trace_count == n, c
        assert type(again) is type(first) and again.dtype == first.dtype, c
        np.testing.assert_array_equal(again, first)
        np.testing.assert_array_equal(again, f(c, x))
    assert jf.trace_count == len(cases)  # no two structures share a key
    # a custom node or a tracer inside goes the general way, with the same values
    from collections import namedtuple
    P = namedtuple("P", "w b")
    np.testing.assert_array_equal(jf(P(a, b), x), f(P(a, b), x))
    g = fg.grad(lambda v: jf([(v, b)], x))(a)
    np.testing.assert_array_equal(g, np.ones(2))


def test_array_only_calls_take_the_direct_path_with_the_general_results():
    """Calls with only array positional arguments look the compiled function up by shapes and
    dtypes (Jitted.__call__'s fast path); everything else goes the general way, with the same
    results, and clear_caches empties both."""
    import fungrad.numpy as fnp_
    calls = []

    def f(x, y):
        calls.append(1)
        return fnp_.sin(x) * y

    jf = fg.jit(f)
    x, y = np.linspace(0.0, 1.0, 3), fnp_.ones(3)
    first = jf(x, y)  # traces, then stores the direct entry
    again = jf(x, y)  # the direct path
    assert len(calls) == 1 and jf.trace_count == 1
    assert type(again) is type(first) is fg.Array
    np.testing.assert_array_equal(again, first)
    np.testing.assert_array_equal(again, np.sin(x) * 1.0)
    # a new shape or dtype traces again; a Python scalar or keyword goes the general way
    jf(np.ones(2), np.ones(2))
    jf(x.astype(np.float32), y)
    assert jf.trace_count == 3
    np.testing.assert_array_equal(jf(x, 2.0), np.sin(x) * 2.0)
    n = jf.trace_count
    np.testing.assert_array_equal(jf(x, 3.0), np.sin(x) * 3.0)  # a float: keyed by its type
    np.testing.assert_array_equal(jf(x, 3), np.sin(x) * 3)  # an int: another signature
    assert jf.trace_count == n + 1
    assert fg.jit(lambda s: s * 2)(2**40) == 2**41 and fg.jit(lambda s: s * 2)(2**40) == 2**41
    np.testing.assert_array_equal(jf(x, y=y), first)
    # under a transform the arguments are tracers: the general path, differentiable
    np.testing.assert_allclose(fg.grad(lambda v: fnp_.sum(jf(v, y)))(x), np.cos(x))
    with fg.disable_jit():
        n = len(calls)
        jf(x, y)
        assert len(calls) == n + 1  # runs the Python function
    fg.clear_caches()
    n = jf.trace_count
    jf(x, y)
    assert jf.trace_count == n + 1
