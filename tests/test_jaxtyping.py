"""jaxtyping on fungrad: `Float[fungrad.Array, "batch dim"]` with `@jaxtyped(typechecker=beartype)`
checks concrete values and traced ones alike (isinstance(tracer, fungrad.Array) holds and tracers
carry numpy's .shape and .dtype): eagerly, under grad, vmap (per-example shapes), jit (once, when
traced), hessian and in lax.scan bodies; a wrong shape or dtype raises jaxtyping's TypeCheckError
under each. And fungrad's own shape annotations are true (checked by jaxtyping on real calls) and
cost nothing per call (they are strings, never evaluated unless asked)."""
import functools
import types
import typing

import numpy as np
import pytest
from beartype import beartype
from jaxtyping import (Bool, Float, Float32, Float64, Int, Num, Shaped, TypeCheckError,
                       jaxtyped)

import fungrad as fg
import fungrad.nn as nn
import fungrad.numpy as fnp
import fungrad.scipy.linalg as sla
from fungrad import lax

Array = fg.Array
checked = jaxtyped(typechecker=beartype)


@checked
def sqnorms(x: Float[Array, "batch dim"]) -> Float[Array, " batch"]:
    return fnp.sum(x * x, axis=-1)


@checked
def energy(x: Float[Array, " n"], a: Float[Array, "n n"]) -> Float[Array, ""]:
    return 0.5 * x @ a @ x + fnp.sum(fnp.sin(x))


RNG = np.random.default_rng(0)
X = fnp.asarray(RNG.normal(size=(3, 4)))
SPD = fnp.asarray(np.eye(4) * 3 + 0.1)


def raises_typecheck(fun, *args, match=None):
    with pytest.raises(TypeCheckError) as info:
        fun(*args)
    text = str(info.value)
    if match is not None:
        for m in [match] if isinstance(match, str) else match:
            assert m in text, text
    return text


# --- eagerly -------------------------------------------------------------------------------

def test_eager_pass_and_value():
    out = sqnorms(X)
    np.testing.assert_allclose(out, (np.asarray(X) ** 2).sum(-1))
    assert isinstance(out, Array)


def test_eager_wrong_rank_shape_and_dtype():
    raises_typecheck(sqnorms, fnp.ones(4), match=["parameter 'x'", "f64[4]"])
    raises_typecheck(sqnorms, fnp.ones((3, 4), dtype=np.int64), match="i64[3,4]")
    raises_typecheck(energy, fnp.ones(3), SPD, match="parameter 'a'")  # n bound to 3, a is 4x4
    raises_typecheck(sqnorms, np.ones((3, 4)))  # a plain ndarray is not a fungrad.Array (as jax.Array)


def test_wrong_return_shape_is_caught():
    @checked
    def bad(x: Float[Array, " n"]) -> Float[Array, " n"]:
        return fnp.concatenate([x, x])

    raises_typecheck(bad, fnp.ones(3), match="return")
    raises_typecheck(fg.jit(bad), fnp.ones(3), match="return")


def test_dtype_kinds():
    @checked
    def kinds(i: Int[Array, " n"], b: Bool[Array, " n"], s: Shaped[Array, "..."],
              num: Num[Array, " n"]) -> Int[Array, " n"]:
        return fnp.where(b, i, 0)

    i, b = fnp.arange(3), fnp.array([True, False, True])
    np.testing.assert_array_equal(kinds(i, b, fnp.ones((2, 2)), i), [0, 0, 2])
    np.testing.assert_array_equal(fg.jit(kinds)(i, b, b, fnp.ones(3)), [0, 0, 2])
    np.testing.assert_array_equal(fg.vmap(kinds)(i[None], b[None], b[None], i[None]), [[0, 0, 2]])
    raises_typecheck(kinds, fnp.ones(3), b, b, i, match="parameter 'i'")
    raises_typecheck(kinds, i, i, b, i, match="parameter 'b'")
    raises_typecheck(kinds, i, b, b, b, match="parameter 'num'")  # bool is not a number kind
    raises_typecheck(fg.jit(kinds), i, i, b, i, match=["parameter 'b'", "i64[3]"])


# --- grad, hessian -------------------------------------------------------------------------

def test_grad():
    g = fg.grad(lambda x: fnp.sum(sqnorms(x)))(X)
    np.testing.assert_allclose(g, 2 * np.asarray(X))
    x = fnp.asarray(RNG.normal(size=4))
    g = fg.grad(energy)(x, SPD)
    np.testing.assert_allclose(g, np.asarray(SPD) @ np.asarray(x) + np.cos(np.asarray(x)))


def test_grad_wrong_shape_and_dtype():
    loss = lambda x: fnp.sum(sqnorms(x))  # noqa: E731
    text = raises_typecheck(fg.grad(loss), fnp.ones(4), match=["parameter 'x'", "Traced<f64[4]>"])
    # jaxtyping prints a tracer as its aval (Tracer.__pdoc__), as numpy arrays (f64[4](numpy)),
    # not with the concrete value an eager tracer carries
    # (eager grad records on a tape: TapeTrace)
    assert "Traced<f64[4]>with<TapeTrace>" in text and "value=" not in text
    raises_typecheck(fg.grad(energy), fnp.ones(3), SPD, match="parameter 'a'")

    @checked
    def scaled(x: Float[Array, " n"], k: Int[Array, ""]) -> Float[Array, ""]:
        return fnp.sum(x) * k

    np.testing.assert_allclose(fg.grad(scaled)(fnp.ones(3), fnp.asarray(2)), [2.0, 2.0, 2.0])
    raises_typecheck(fg.grad(scaled), fnp.ones(3), fnp.asarray(2.0), match="parameter 'k'")
    # a float32 x against Float64: the tracer carries the input's dtype
    f64_only = jaxtyped(typechecker=beartype)(_sum_f64)
    assert float(fg.grad(f64_only)(fnp.ones(2))[0]) == 1.0
    raises_typecheck(fg.grad(f64_only), fnp.ones(2, dtype=np.float32), match="f32[2]")


def _sum_f64(x: Float64[Array, " n"]) -> Float64[Array, ""]:
    return fnp.sum(x)


def test_hessian():
    x = fnp.asarray(RNG.normal(size=4))
    h = fg.hessian(energy)(x, SPD)
    np.testing.assert_allclose(h, np.asarray(SPD) - np.diag(np.sin(np.asarray(x))), atol=1e-12)
    raises_typecheck(fg.hessian(energy), fnp.ones(5), SPD, match="parameter 'a'")
    raises_typecheck(fg.hessian(energy), fnp.ones((4, 1)), SPD, match="parameter 'x'")
    # a wrong dtype: the matrix, not differentiated, given as integers
    raises_typecheck(fg.hessian(energy), x, fnp.eye(4, dtype=np.int64), match=["parameter 'a'", "i64[4,4]"])
    # float32 in, float32 tracers inside (jacfwd over jacrev)
    h32 = fg.hessian(jaxtyped(typechecker=beartype)(_sum_cubes_f32))(fnp.ones(3, dtype=np.float32))
    assert h32.dtype == np.float32
    np.testing.assert_allclose(h32, 6 * np.eye(3))
    raises_typecheck(fg.hessian(jaxtyped(typechecker=beartype)(_sum_cubes_f32)), fnp.ones(3), match="f64[3]")


def _sum_cubes_f32(x: Float32[Array, " n"]) -> Float32[Array, ""]:
    return fnp.sum(x ** 3)


# --- vmap: per-example shapes --------------------------------------------------------------

def test_vmap_checks_per_example_shapes():
    seen = []

    @checked
    def norm(v: Float[Array, " dim"]) -> Float[Array, ""]:
        seen.append(v.shape)
        return fnp.sqrt(fnp.sum(v * v))

    out = fg.vmap(norm)(X)
    np.testing.assert_allclose(out, np.linalg.norm(np.asarray(X), axis=-1))
    assert seen == [(4,)]  # the check saw one example, not the batch
    out = fg.vmap(norm, in_axes=1)(X)
    np.testing.assert_allclose(out, np.linalg.norm(np.asarray(X), axis=0))
    assert seen[-1] == (3,)
    # the batch annotation is wrong per example: vmap strips the mapped axis
    raises_typecheck(fg.vmap(sqnorms), X, match=["parameter 'x'", "f64[4]"])
    np.testing.assert_allclose(fg.vmap(sqnorms)(fnp.stack([X, X])), [sqnorms(X)] * 2)


def test_vmap_wrong_shape_and_dtype():
    @checked
    def pair(u: Float[Array, " d"], v: Float[Array, " d"]) -> Float[Array, ""]:
        return fnp.dot(u, v)

    np.testing.assert_allclose(fg.vmap(pair, in_axes=(0, None))(X, X[0]), np.asarray(X) @ np.asarray(X[0]))
    raises_typecheck(fg.vmap(pair, in_axes=(0, None)), X, fnp.ones(3), match="parameter 'v'")
    raises_typecheck(fg.vmap(pair), X, fnp.ones((3, 4), dtype=np.int64), match=["parameter 'v'", "i64[4]"])
    # nested: vmap of grad
    g = fg.vmap(fg.grad(pair), in_axes=(0, None))(X, X[0])
    np.testing.assert_allclose(g, np.broadcast_to(np.asarray(X[0]), (3, 4)))


# --- jit: checked once, when traced ----------------------------------------------------------

def counting_beartype(log):
    """beartype that logs each time it checks (jaxtyped calls it for the parameters and once for
    the return value)."""
    def typechecker(fn):
        inner = beartype(fn)

        @functools.wraps(fn)
        def check(*args, **kwargs):
            log.append(fn.__name__)
            return inner(*args, **kwargs)
        return check
    return typechecker


def test_jit_checks_once_when_traced():
    log = []

    @jaxtyped(typechecker=counting_beartype(log))
    def f(x: Float[Array, "batch dim"]) -> Float[Array, " batch"]:
        return fnp.sum(x * x, axis=-1)

    f(X)
    per_call = len(log)
    assert per_call >= 1  # the checker runs on every eager call
    log.clear()
    jf = fg.jit(f)
    for _ in range(5):
        np.testing.assert_allclose(jf(X), (np.asarray(X) ** 2).sum(-1))
    assert len(log) == per_call  # once, on the first call (the trace); no cost afterwards
    jf(fnp.ones((2, 7)))  # a new signature: traced, so checked, once more
    jf(fnp.ones((2, 7)))
    assert len(log) == 2 * per_call
    raises_typecheck(jf, fnp.ones(5), match=["parameter 'x'", "Traced<f64[5]>"])
    raises_typecheck(jf, fnp.ones((2, 7), dtype=np.int32), match="i32[2,7]")
    # the compiled program holds no check: its generated source is fungrad's numpy code
    source = jf.lower(X).as_text()
    assert "beartype" not in source and "jaxtyping" not in source


def test_jit_float32_against_float64():
    f64_only = jaxtyped(typechecker=beartype)(_sum_f64)
    assert float(fg.jit(f64_only)(fnp.ones(2))) == 2.0
    raises_typecheck(fg.jit(f64_only), fnp.ones(2, dtype=np.float32), match="f32[2]")
    f32 = jaxtyped(typechecker=beartype)(_sum_f32)
    assert fg.jit(f32)(fnp.ones(2, dtype=np.float32)).dtype == np.float32


def _sum_f32(x: Float32[Array, " n"]) -> Float32[Array, ""]:
    return fnp.sum(x)


def test_jit_of_grad_and_vmap():
    loss = jaxtyped(typechecker=beartype)(_loss)
    w, xs = fnp.ones(4), X
    g = fg.jit(fg.grad(loss))(w, xs)
    np.testing.assert_allclose(g, 2 * np.asarray(xs).T @ (np.asarray(xs) @ np.ones(4)) / 3)
    per_example = fg.jit(fg.vmap(fg.grad(loss), in_axes=(None, 0)))(w, xs[:, None, :])
    assert per_example.shape == (3, 4)
    np.testing.assert_allclose(fnp.mean(per_example, axis=0), g)
    raises_typecheck(fg.jit(fg.grad(loss)), fnp.ones(5), xs, match="parameter 'xs'")


def _loss(w: Float[Array, " d"], xs: Float[Array, "n d"]) -> Float[Array, ""]:
    return fnp.mean((xs @ w) ** 2)


# --- lax.scan bodies ---------------------------------------------------------------------------

@jaxtyped(typechecker=beartype)
def _step(h: Float[Array, " d"], x: Float[Array, " d"]) -> tuple[Float[Array, " d"], Float[Array, ""]]:
    h = fnp.tanh(0.5 * h + x)
    return h, fnp.sum(h)


def _reference_scan(h, xs):
    outs = []
    for x in xs:
        h = np.tanh(0.5 * h + x)
        outs.append(h.sum())
    return h, np.array(outs)


def test_scan_body():
    xs = fnp.asarray(RNG.normal(size=(5, 4)))
    h, ys = lax.scan(_step, fnp.zeros(4), xs)
    h_ref, ys_ref = _reference_scan(np.zeros(4), np.asarray(xs))
    np.testing.assert_allclose(h, h_ref)
    np.testing.assert_allclose(ys, ys_ref)
    # under grad and jit too
    loss = lambda h0: fnp.sum(lax.scan(_step, h0, xs)[1])  # noqa: E731
    g = fg.grad(loss)(fnp.zeros(4))
    eps = 1e-6
    fd = [(float(loss(fnp.asarray(np.eye(4)[i] * eps))) - float(loss(fnp.asarray(-np.eye(4)[i] * eps))))
          / (2 * eps) for i in range(4)]
    np.testing.assert_allclose(g, fd, rtol=1e-6)
    np.testing.assert_allclose(fg.jit(loss)(fnp.zeros(4)), ys_ref.sum())


def test_scan_body_wrong_shape_and_dtype():
    # the carry is d=4, the rows are 3 wide: jaxtyping sees the body's per-step shapes
    raises_typecheck(lambda: lax.scan(_step, fnp.zeros(4), fnp.ones((5, 3))),
                     match=["parameter 'x'", "f64[3]"])
    raises_typecheck(lambda: lax.scan(_step, fnp.zeros(4), fnp.ones((5, 4), dtype=np.int64)),
                     match=["parameter 'x'", "i64[4]"])
    raises_typecheck(lambda: fg.vmap(lambda xs: lax.scan(_step, fnp.zeros(4), xs)[1])(fnp.ones((2, 5, 3))),
                     match="parameter 'x'")


def test_scan_body_checked_once_per_trace():
    log = []

    @jaxtyped(typechecker=counting_beartype(log))
    def step(c: Float[Array, ""], x: Float[Array, " d"]) -> tuple[Float[Array, ""], Float[Array, " d"]]:
        return c + fnp.sum(x), x * c

    c, ys = lax.scan(step, fnp.asarray(0.0), fnp.ones((10, 3)))
    assert float(c) == 30.0 and ys.shape == (10, 3)
    per_trace = len(log)
    assert per_trace >= 1
    log.clear()
    run = fg.jit(lambda xs: lax.scan(step, fnp.asarray(0.0), xs))
    run(fnp.ones((10, 3)))
    assert len(log) == per_trace  # ten steps, one trace of the body
    run(fnp.ones((10, 3)))
    assert len(log) == per_trace


# --- tracers as jaxtyping sees them ----------------------------------------------------------

def test_tracers_have_what_jaxtyping_reads():
    seen = {}

    def probe(x):
        seen[type(x).__name__] = (isinstance(x, Float[Array, "a b"]), isinstance(x, Int[Array, "..."]),
                                  type(x.dtype), x.shape)
        return fnp.sum(x)

    fg.grad(probe)(X)
    fg.jit(probe)(X)
    fg.vmap(probe)(fnp.stack([X, X]))
    assert len(seen) >= 3
    for name, (is_float, is_int, dtype_type, shape) in seen.items():
        assert is_float and not is_int, name
        assert issubclass(dtype_type, np.dtype) and shape == (3, 4), name


# --- fungrad's own annotations ---------------------------------------------------------------

ANNOTATED = [fnp.linalg.inv, fnp.linalg.det, fnp.linalg.slogdet, fnp.linalg.cholesky, fnp.linalg.eigh,
             fnp.linalg.eigvalsh, fnp.linalg.svd, fnp.linalg.svdvals, fnp.linalg.qr, fnp.linalg.pinv,
             fnp.linalg.matrix_power, fnp.linalg.solve, fnp.linalg.matrix_transpose, fnp.outer,
             fnp.linalg.eig, fnp.linalg.eigvals, fnp.linalg.trace, fnp.linalg.diagonal, fnp.vdot,
             fnp.linalg.matrix_rank, fnp.linalg.cond, fnp.linalg.lstsq, nn.dot_product_attention,
             sla.cholesky, sla.lu_factor, sla.expm, sla.sqrtm]


def checked_copy(fn):
    """`fn` with its own annotations evaluated (ArrayLike read as fungrad.Array, which the
    arguments here are) under jaxtyped(typechecker=beartype)."""
    ns = dict(fn.__globals__)
    ns["ArrayLike"] = Array
    hints = {k: eval(v, ns) for k, v in fn.__annotations__.items()}  # noqa: S307 - our own source
    copy = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
    copy.__kwdefaults__ = fn.__kwdefaults__
    copy.__annotations__ = hints
    copy.__qualname__ = fn.__qualname__
    return jaxtyped(typechecker=beartype)(copy)


@pytest.mark.parametrize("fn", ANNOTATED, ids=lambda f: f.__name__)
def test_public_annotations_are_strings_that_resolve(fn):
    text = " ".join(fn.__annotations__.values())
    assert all(isinstance(v, str) for v in fn.__annotations__.values())  # never evaluated per call
    assert any(k in text for k in ("Float[", "Inexact[", "Shaped[", "Int[", "Num[", "Complex[")), text
    hints = typing.get_type_hints(fn)  # jaxtyping's names resolve in fungrad's modules
    assert "return" in hints


A = fnp.asarray(RNG.normal(size=(2, 3, 3)))
S = A @ fnp.swapaxes(A, -1, -2) + 3 * fnp.eye(3)
R = fnp.asarray(RNG.normal(size=(2, 4, 3)))
CASES = [
    (fnp.linalg.inv, (S,), {}), (fnp.linalg.det, (S,), {}), (fnp.linalg.slogdet, (S,), {}),
    (fnp.linalg.cholesky, (S,), {}), (fnp.linalg.eigh, (S,), {}), (fnp.linalg.eigvalsh, (S,), {}),
    (fnp.linalg.svd, (R,), {}), (fnp.linalg.svd, (R,), {"full_matrices": False}),
    (fnp.linalg.svd, (R,), {"compute_uv": False}), (fnp.linalg.svdvals, (R,), {}),
    (fnp.linalg.qr, (R,), {}), (fnp.linalg.qr, (R,), {"mode": "complete"}),
    (fnp.linalg.qr, (R,), {"mode": "r"}),
    (fnp.linalg.pinv, (R,), {}), (fnp.linalg.matrix_power, (S, 3), {}),
    (fnp.linalg.solve, (S, R[:, :3, :2]), {}), (fnp.linalg.solve, (S[0], R[0, :3, 0]), {}),
    (fnp.linalg.matrix_transpose, (R,), {}), (fnp.outer, (R[0, 0], R[0, :, 0]), {}),
    (fnp.linalg.eig, (S,), {}), (fnp.linalg.eigvals, (S,), {}), (fnp.linalg.trace, (R,), {}),
    (fnp.linalg.diagonal, (R,), {}), (fnp.linalg.diagonal, (R,), {"offset": 1}),
    (fnp.vdot, (R, R), {}), (fnp.linalg.matrix_rank, (R,), {}), (fnp.linalg.cond, (S,), {}),
    (fnp.linalg.lstsq, (R[0], R[0, :, 0]), {}), (fnp.linalg.lstsq, (R[0], R[0, :, :2]), {}),
    (fnp.linalg.lstsq, (R[0].T, R[0, 0, :]), {}),
    (nn.dot_product_attention, (fnp.ones((2, 5, 4, 8)), fnp.ones((2, 6, 2, 8)), fnp.ones((2, 6, 2, 8))), {}),
    (nn.dot_product_attention, (fnp.ones((5, 4, 8)), fnp.ones((6, 2, 8)), fnp.ones((6, 2, 8))), {}),
    (sla.cholesky, (S,), {}), (sla.cholesky, (S,), {"lower": True}), (sla.lu_factor, (S,), {}),
    (sla.expm, (A,), {}), (sla.sqrtm, (S,), {}), (fnp.linalg.matrix_rank, (R[0, 0],), {}),
]


@pytest.mark.parametrize("fn,args,kwargs", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_public_annotations_hold(fn, args, kwargs):
    """jaxtyping checks fungrad's own shape annotations on real calls, eagerly and under jit."""
    f = checked_copy(fn)
    eager = f(*args, **kwargs)
    arrays = [isinstance(a, np.ndarray) for a in args]  # traced under jit; the rest static

    def run(*traced):
        it = iter(traced)
        return f(*[next(it) if is_array else a for a, is_array in zip(args, arrays)], **kwargs)
    jitted = fg.jit(run)(*[a for a, is_array in zip(args, arrays) if is_array])
    for e, j in zip(fg.tree_util.tree_leaves(eager), fg.tree_util.tree_leaves(jitted)):
        np.testing.assert_allclose(e, j, rtol=1e-9, atol=1e-12)


def test_public_annotations_catch_a_wrong_shape():
    with pytest.raises(TypeCheckError, match="parameter 'a'"):
        checked_copy(fnp.linalg.inv)(R)  # not square
    det = checked_copy(fnp.linalg.det)
    np.testing.assert_allclose(fg.vmap(det)(S), np.linalg.det(np.asarray(S)))  # 3x3 per example
    with pytest.raises(TypeCheckError, match="parameter 'a'"):
        fg.vmap(det)(R)  # 4x3 per example
    with pytest.raises(TypeCheckError, match="parameter 'b'"):
        checked_copy(fnp.linalg.solve)(S, R)  # b has 4 rows, a is 3x3
