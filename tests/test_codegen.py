"""Code generation and the memory plan: one numpy line per equation, `out=` buffer reuse that
never touches inputs or outputs, and lower peak memory than eager mode."""
import tracemalloc

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad._interp.codegen import compile_jaxpr, kind_of
from fungrad._interp.passes import optimize
from fungrad._interp.passes.memory import OUT, plan_memory

rng = np.random.default_rng(2)


def test_one_line_per_equation_and_literals_inlined():
    j = optimize(fg.make_jaxpr(lambda x: fnp.sin(x) * 2.5 + x)(np.ones(3)))
    c = compile_jaxpr(j, "f")
    lines = c.source.splitlines()
    assert "_Arrays" in lines[1]  # one boundary line: fungrad.Array arguments as ndarrays
    body = lines[2:-1]
    assert len(body) == len(j.eqns)
    assert "2.5" in c.source
    np.testing.assert_array_equal(c(np.ones(3))[0], np.sin(np.ones(3)) * 2.5 + 1)


def test_memory_plan_writes_in_place_only_into_dead_temporaries():
    j = optimize(fg.make_jaxpr(lambda x: fnp.exp(fnp.sin(x) * 2.0) + x)(np.ones((4, 4))))
    plan = plan_memory(j.jaxpr, kind_of)
    bufs = [b for _, b, _ in plan.steps if b is not None]
    assert bufs  # sin's result is reused by mul and exp
    in_names = {plan.names[v] for v in j.jaxpr.invars}
    first_out = plan.steps[0][0][0]
    assert all(b == first_out for b in bufs)
    assert plan.names[j.jaxpr.invars[0]] in in_names


def test_kinds():
    j = fg.make_jaxpr(lambda x: (fnp.sin(x).T @ x).sum())(np.ones((3, 3)))
    assert [kind_of(e) for e in j.eqns] == [OUT, "view", "fresh", "fresh"]


def _deep_mlp(depth, width, batch):
    ws = [rng.normal(size=(width, width)) / np.sqrt(width) for _ in range(depth)]
    x = rng.normal(size=(batch, width))

    def loss(ws, x):
        h = x
        for w in ws:
            h = fnp.tanh(h @ w)
        return fnp.sum(h * h)
    return loss, ws, x


def _peak(f, *args):
    f(*args)
    tracemalloc.start()
    f(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_jitted_grad_allocates_less_than_eager():
    loss, ws, x = _deep_mlp(12, 64, 256)
    g = fg.grad(loss)
    jg = fg.jit(g)
    for a, b in zip(jg(ws, x), g(ws, x)):
        np.testing.assert_array_equal(a, b)
    eager, jitted = _peak(g, ws, x), _peak(jg, ws, x)
    act = 256 * 64 * 8
    assert jitted < eager
    assert jitted < 12 * act * 1.3 + 12 * 64 * 64 * 8  # about the activations plus the grads


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_selects_are_bit_selections_equal_to_np_where(dtype):
    """select of 8192+ float elements runs as a branch-free bit selection (a +0.0 branch, or two
    f32 branches), eagerly and in generated code: the very bits np.where gives, NaN payloads,
    signed zeros, infinities and subnormals included; other selects stay np.where."""
    from fungrad._lax.arith import bit_select

    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 200)).astype(dtype)
    y = rng.standard_normal((64, 200)).astype(dtype)
    edge = np.array([np.nan, -np.nan, -0.0, 0.0, np.inf, -np.inf, np.finfo(dtype).tiny / 4,
                     np.finfo(dtype).max, -1.0], dtype)
    x[0, :9], y[1, :9] = edge, edge[::-1]
    x.view(np.int32 if dtype == np.float32 else np.int64)[2, 0] |= 5  # a NaN with a payload
    x[2, 0] = np.nan if not np.isnan(x[2, 0]) else x[2, 0]
    funs = {"zero else": lambda x, y: fnp.where(x <= 0, 0.0, x),
            "else zero": lambda x, y: fnp.where(x > 0, x, 0.0),
            "two arrays": lambda x, y: fnp.where(x > y, x, y),
            "minus zero": lambda x, y: fnp.where(x > 0, x, -0.0),
            "relu grad": lambda x, y: fg.grad(lambda v: fnp.sum(fg.nn.relu(v) * y))(x)}
    for name, f in funs.items():
        with np.errstate(invalid="ignore"):
            want = {"zero else": np.where(x <= 0, dtype(0), x),
                    "else zero": np.where(x > 0, x, dtype(0)),
                    "two arrays": np.where(x > y, x, y),
                    "minus zero": np.where(x > 0, x, dtype(-0.0)),
                    "relu grad": np.where(x > 0, y, dtype(0))}[name]
            for got in (f(x, y), fg.jit(f)(x, y)):
                assert got.dtype == want.dtype and got.tobytes() == want.tobytes(), name
    src = fg.jit(funs["zero else"]).lower(x, y).source
    assert "bit_select" in src
    assert ("bit_select" in fg.jit(funs["two arrays"]).lower(x, y).source) == (dtype == np.float32)
    assert "bit_select" not in fg.jit(funs["minus zero"]).lower(x, y).source
    assert "bit_select" not in fg.jit(funs["zero else"]).lower(x[:8], y[:8]).source  # small
    m = x > 0
    assert bit_select("ab", m, x, y).tobytes() == np.where(m, x, y).tobytes() or dtype == np.float64


def test_plain_results_are_the_ndarrays_numpy_computed():
    """compiled(..., plain=True) (the torch shim's op programs): ndarray results, 0-d ones as
    arrays, an argument passed through as itself, values and dtypes those of the default."""
    from fungrad import Array
    from fungrad.extend import compiled

    def f(x, y):
        return x * y + 1.0, fnp.sum(x), y, fnp.reshape(x, (-1,))
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = np.float32(2.5) * np.ones((2, 3), np.float32)
    closed = fg.make_jaxpr(f)(x, y)
    default = compiled(closed).fn(x, y)
    plain = compiled(closed, plain=True).fn(x, y)
    assert [type(r) for r in default[:2]] == [Array, Array]
    assert type(plain[0]) is np.ndarray and plain[0].flags.writeable
    assert isinstance(plain[1], np.ndarray) and plain[1].ndim == 0  # 0-d: an array
    assert plain[2] is y  # passed through as the object given
    for a, b in zip(default, plain):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    xa = fnp.asarray(x)  # fungrad.Array operands run as ndarrays too
    assert np.array_equal(compiled(closed, plain=True).fn(xa, y)[0], plain[0])
    assert compiled(closed, plain=True) is compiled(closed, plain=True)  # cached per mode
    assert compiled(closed, plain=True) is not compiled(closed)
