"""Eager reverse mode's tape (fungrad._interp.tape) against the general path (linearize +
transpose of the whole function), bit for bit and in type and dtype, over every row of the
primitive table: the registered Vjp shortcuts (and the per-operation general path the other
primitives take) must give what transposing the JVP rules gives."""
import numpy as np
import pytest
from prim_records import RECORDS
from test_primitives import CASES, float_argnums, make_args, scalarize
from test_primitives import assert_same as assert_bits

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import _lax as lax
from fungrad._core.dtypes import float0, is_float
from fungrad._interp import tape

DIFF = [c for c in CASES if c.values[0].differentiable]


def general(call):
    """`call()` with the tape off: reverse mode linearizes the whole function."""
    tape.enabled = False
    try:
        return call()
    finally:
        tape.enabled = True


@pytest.mark.parametrize("rec,shapes", DIFF)
def test_grad_on_tape_equals_general_path(rec, shapes):
    args = make_args(rec, shapes)
    nums = float_argnums(args)
    if not nums:
        return
    g = fg.value_and_grad(scalarize(rec, shapes), argnums=nums)
    assert_bits(g(*args), general(lambda: g(*args)), rec.id)


def _shared_args(rec, shapes, args):
    """One array passed for every float operand of one shape and dtype (x * x, x - x): the
    cotangents of repeated operands accumulate in the general path's order."""
    floats = [a for a in args if is_float(a.dtype)]
    if len(floats) < 2 or len({(a.shape, a.dtype) for a in floats}) != 1:
        return None
    return [floats[0] if is_float(a.dtype) else a for a in args]


@pytest.mark.parametrize("rec,shapes", DIFF)
def test_shared_operands_on_tape_equal_general_path(rec, shapes):
    args = _shared_args(rec, shapes, make_args(rec, shapes))
    if args is None:
        return
    idx = [i for i, a in enumerate(args) if is_float(a.dtype)]
    f = scalarize(rec, shapes)

    def h(x):  # one input read by several operands, and again afterwards
        full = [x if i in idx else a for i, a in enumerate(args)]
        return lax.add(f(*full), lax.reduce_sum(lax.mul(x, x), tuple(range(x.ndim))))
    g = fg.grad(h)
    assert_bits(g(args[idx[0]]), general(lambda: g(args[idx[0]])), rec.id)


@pytest.mark.parametrize("rec,shapes", DIFF)
def test_vjp_on_tape_equals_general_path(rec, shapes):
    """vjp of the primitive itself (its own output shape and dtype), with a cotangent of ones
    times a fixed pattern; the pullback also runs under vmap (jacrev)."""
    args = make_args(rec, shapes)
    nums = float_argnums(args)
    if not nums:
        return

    def f(*xs):
        full = list(args)
        for i, x in zip(nums, xs):
            full[i] = x
        return rec.fun(*full)
    xs = [args[i] for i in nums]
    out, pull = fg.vjp(f, *xs)
    out_g, pull_g = general(lambda: fg.vjp(f, *xs))
    assert_bits(out, out_g, rec.id + " (value)")
    leaves = fg.tree_util.tree_leaves(out)
    if not all(is_float(np.asarray(o).dtype) and np.asarray(o).dtype.kind == "f" for o in leaves):
        return
    rng = np.random.default_rng(3)
    ct = fg.tree_util.tree_map(lambda o: rng.standard_normal(np.shape(o)).astype(o.dtype), out)
    assert_bits(pull(ct), pull_g(ct), rec.id + " (vjp)")


def test_every_vjp_shortcut_has_a_row():
    shortcut = {p.name for p in (r.prim for r in RECORDS) if p.vjp is not None}
    for name in ("add", "sub", "mul", "div", "neg", "exp", "log", "sin", "cos", "tanh",
                 "integer_pow", "dot_general", "reduce_sum", "reshape", "transpose",
                 "broadcast_to"):
        assert name in shortcut, name


def _chain(y):
    for _ in range(20):
        y = fnp.sin(y) * 0.5 + y
    return y


def _mlp(params, x, y):
    h = x
    for w, b in params[:-1]:
        h = fnp.tanh(h @ w + b)
    w, b = params[-1]
    return fnp.mean((h @ w + b - y) ** 2)


def test_workloads_on_tape_equal_general_path():
    rng = np.random.default_rng(0)
    params = [(rng.normal(size=(6, 4)), rng.normal(size=4)), (rng.normal(size=(4, 3)),
                                                              rng.normal(size=3))]
    x, y = rng.normal(size=(5, 6)), rng.normal(size=(5, 3))
    g = fg.value_and_grad(_mlp)
    assert_bits(g(params, x, y), general(lambda: g(params, x, y)), "mlp")
    c = fg.grad(_chain)
    assert_bits(c(0.3), general(lambda: c(0.3)), "chain")
    assert_bits(c(np.float32(0.3)), general(lambda: c(np.float32(0.3))), "chain f32")


def test_tape_is_used_only_on_concrete_values():
    seen = []
    orig = tape.tape_flat

    def spy(*a, **k):
        seen.append(1)
        return orig(*a, **k)
    tape.tape_flat = spy
    try:
        fg.grad(_chain)(0.3)
        assert len(seen) == 1
        fg.jit(fg.grad(_chain))(0.3)
        fg.grad(fg.grad(_chain))(0.3)  # the outer grad only: the inner one sees taped values
        assert len(seen) == 2
        fg.vmap(fg.grad(_chain))(np.ones(3))
        assert len(seen) == 2
    finally:
        tape.tape_flat = orig


def test_leaked_taped_value_raises():
    leaked = []

    def f(x):
        leaked.append(x)
        return fnp.sin(x)
    fg.grad(f)(1.0)
    with pytest.raises(fg.errors.UnexpectedTracerError, match="leaked"):
        fnp.sin(leaked[0])


def test_grad_with_integer_input_and_aux():
    def f(x, n):
        return fnp.sum(x ** n) * 2.0, {"n": n}
    g = fg.grad(f, has_aux=True)
    got = g(np.arange(3.0), 3)
    want = general(lambda: g(np.arange(3.0), 3))
    assert_bits(got[0], want[0], "aux")
    assert got[1] == want[1] == {"n": 3}
    np.testing.assert_array_equal(got[0], 6.0 * np.arange(3.0) ** 2)
    gi = fg.grad(lambda x, n: fnp.sum(x * n), argnums=(0, 1), allow_int=True)
    got = gi(np.arange(3.0), np.int64(2))
    assert got[1].dtype == float0
    np.testing.assert_array_equal(got[0], [2.0, 2.0, 2.0])
