"""fungrad.numpy against numpy: values, dtypes and promotion, broadcasting, indexing, reductions,
products and joins; the same functions under grad against finite differences, and traced values
behaving like arrays."""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad.errors import ConcretizationError
from fungrad.testing import check_grads

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4))
V = rng.standard_normal(4)
P = rng.uniform(0.5, 2.0, (3, 4))


# functions whose concrete path still returns a plain numpy ndarray, not a fungrad.Array (none
# left), asserted as they are
PLAIN_PENDING = set()


def same(actual, expected, tol=1e-12, plain=False):
    """Equal values, shape and dtype; and a fungrad.Array outside transforms (a numpy ndarray
    for plain=True)."""
    expected = np.asarray(expected)
    assert type(actual) is (np.ndarray if plain else fg.Array), type(actual)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol)


# ---- elementwise functions and dtype promotion

UNARY = ["exp", "log", "log1p", "expm1", "sin", "cos", "tan", "tanh", "arctan", "sinh", "cosh",
         "sqrt", "abs", "sign", "negative", "square", "reciprocal", "floor", "ceil", "arcsin",
         "arccos", "arcsinh", "arctanh", "isfinite", "positive", "round"]


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_unary_values_and_dtypes(name, dtype):
    x = (rng.uniform(0.1, 0.9, (2, 3)) * (4 if dtype == np.int64 else 1)).astype(dtype)
    with np.errstate(all="ignore"):
        expected = getattr(np, name)(x)
        actual = getattr(fnp, name)(x)
    same(actual, expected, tol=1e-6 if dtype == np.float32 else 1e-12,
         plain=name in PLAIN_PENDING)


BINARY = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "power", "arctan2",
          "less", "less_equal", "greater", "greater_equal", "equal", "not_equal", "fmod",
          "mod", "floor_divide", "hypot", "logaddexp"]


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((4,), (3, 4)), ((), (3,))])
def test_binary_values_and_broadcasting(name, shapes):
    x = rng.uniform(0.5, 2.0, shapes[0])
    y = rng.uniform(0.5, 2.0, shapes[1])
    same(getattr(fnp, name)(x, y), getattr(np, name)(x, y))


PROMOTIONS = [
    (np.float32, 2.0), (np.float32, 2), (np.int64, 1.5), (np.int32, 2), (np.int64, True),
    (np.bool_, 1), (np.float16, 3.0), (np.int32, np.float32), (np.int64, np.float32),
    (np.float32, np.float64), (np.int8, np.int32), (np.uint8, np.int8), (np.bool_, np.float32),
]


@pytest.mark.parametrize("left,right", PROMOTIONS, ids=str)
@pytest.mark.parametrize("op", ["add", "multiply", "subtract", "divide", "maximum"])
def test_promotion_follows_numpy(left, right, op):
    x = np.ones(3, left) * (2 if left is not np.bool_ else 1)
    y = np.ones(3, right) if isinstance(right, type) else right
    if op == "subtract" and (left is np.bool_ or right is True):
        pytest.skip("numpy forbids boolean subtraction")
    same(getattr(fnp, op)(x, y), getattr(np, op)(x, y))
    same(getattr(fnp, op)(y, x), getattr(np, op)(y, x))


def test_weak_python_scalars_inside_transforms():
    x32 = np.ones(3, np.float32)
    out = fg.grad(lambda x: fnp.sum(x * 2.0 + 1))(x32)
    assert out.dtype == np.float32
    jaxpr = fg.make_jaxpr(lambda x: x * 2.0)(x32)
    assert jaxpr.out_avals[0].dtype == np.float32
    xi = np.arange(3)
    assert fg.make_jaxpr(lambda x: x + 1.5)(xi).out_avals[0].dtype == np.float64
    assert fg.make_jaxpr(lambda x: x + 1)(xi).out_avals[0].dtype == np.int64
    assert fg.vmap(lambda x: x * 2.0)(x32).dtype == np.float32
    assert fg.vmap(lambda a, s: a * s, in_axes=(0, None))(x32, 3.0).dtype == np.float32


def test_operators_on_traced_values_promote_like_numpy():
    x32 = np.ones(3, np.float32)
    assert (fg.vmap(lambda x: x / 2)(np.arange(3))).dtype == np.float64
    assert (fg.vmap(lambda x: x // 2)(np.arange(3))).dtype == np.int64
    assert (fg.vmap(lambda x: 2 ** x)(x32)).dtype == np.float32
    assert (fg.vmap(lambda x: x ** 2)(np.arange(3))).dtype == np.int64
    assert (fg.vmap(lambda x: x > 1)(x32)).dtype == np.bool_


def test_where_clip_and_logical():
    x = A
    same(fnp.where(x > 0, x, 0.0), np.where(x > 0, x, 0.0))
    same(fnp.where(x > 0, 1, 2.5), np.where(x > 0, 1, 2.5))
    same(fnp.clip(x, -0.5, 0.5), np.clip(x, -0.5, 0.5))
    same(fnp.clip(x, None, 0.1), np.clip(x, None, 0.1))
    b1, b2 = x > 0, x < 0.5
    for name in ["logical_and", "logical_or", "logical_xor"]:
        same(getattr(fnp, name)(b1, b2), getattr(np, name)(b1, b2))
        same(getattr(fnp, name)(x, b2), getattr(np, name)(x, b2))
    same(fnp.logical_not(b1), np.logical_not(b1))
    same(fnp.logical_not(x), np.logical_not(x))


def test_power_with_integer_and_array_exponents():
    same(fnp.power(A, 3), np.power(A, 3))
    same(fnp.power(P, A), np.power(P, A))
    same(fnp.power(np.arange(4), 2), np.power(np.arange(4), 2))
    same(fnp.power(2.0, A), np.power(2.0, A))
    with pytest.raises(ValueError, match="negative integer powers"):
        fnp.power(np.arange(3), -1)


# ---- creation and conversion

def test_creation_functions():
    same(fnp.zeros((2, 3)), np.zeros((2, 3)))
    same(fnp.ones(3, np.float32), np.ones(3, np.float32))
    same(fnp.full((2,), 7.0), np.full((2,), 7.0))
    same(fnp.eye(3, k=1), np.eye(3, k=1))
    same(fnp.arange(2, 10, 3), np.arange(2, 10, 3))
    same(fnp.zeros_like(A), np.zeros_like(A))
    same(fnp.ones_like(np.arange(3)), np.ones_like(np.arange(3)))
    same(fnp.full_like(A, 2.0, dtype=np.float32), np.full_like(A, 2.0, dtype=np.float32))
    same(fnp.array([[1, 2], [3, 4]]), np.array([[1, 2], [3, 4]]))
    same(fnp.astype(A, np.float32), A.astype(np.float32))
    same(fnp.linspace(0, 1, 5), np.linspace(0, 1, 5))


def test_creation_like_of_traced_values_and_array_of_tracers():
    def f(x):
        z = fnp.zeros_like(x) + fnp.ones_like(x) * 2.0
        stacked = fnp.array([x, x * 2.0])
        return fnp.sum(stacked * z)

    same(fg.grad(f)(V), 6.0 * np.ones(4))
    same(fg.vmap(lambda x: x.astype(np.float32))(A), A.astype(np.float32))


# ---- indexing

INDICES = [
    (slice(1, None),), (slice(None, None, -1),), (slice(3, 0, -2),), (1,), (-1,),
    (None,), (Ellipsis, None), (slice(1, None), None), (Ellipsis, 1), (1, Ellipsis, 2),
    (np.array([0, 2, 2]),), (np.array([[0], [1]]), np.array([1, 3])), ([0, 2], slice(None)),
    (slice(None), np.array([3, -1])), (np.array([2, 0]), 1), (1, np.array([0, 0, 3])),
    (slice(0, 2), np.array([1, 2])), (None, np.array([1, 0]), slice(None, None, 2)),
    (np.array([True, False, True]),), (A > 0,), (slice(None), np.array([True, False, True, True])),
    (-2, slice(None, None, -1)), (slice(10, None),), (slice(-2, 10),),
]


@pytest.mark.parametrize("idx", INDICES, ids=lambda i: repr(i)[:40])
def test_indexing_matches_numpy(idx):
    # an unbatched traced value (a vmap with nothing mapped) goes through fungrad's indexing
    out = fg.vmap(lambda a: a[idx], in_axes=None, axis_size=2)(A)
    same(out, np.stack([A[idx]] * 2))
    # the gradient scatters ones back to the selected positions (with multiplicity)
    g = fg.grad(lambda a: fnp.sum(a[idx]))(A)
    expected = np.zeros_like(A)
    np.add.at(expected, idx, 1.0)
    same(g, expected)


@pytest.mark.parametrize("idx", INDICES[:18], ids=lambda i: repr(i)[:40])
def test_indexing_under_vmap_of_batched_array(idx):
    xs = rng.standard_normal((2, 3, 4))
    same(fg.vmap(lambda a: a[idx])(xs), np.stack([x[idx] for x in xs]))


def test_indexing_with_batched_integer_indices():
    idx = np.array([[0, 2], [1, 1], [3, 0]])
    same(fg.vmap(lambda i: fnp.take(V, i))(idx), V[idx])
    # a plain numpy array cannot be indexed by a traced value: numpy would drop it
    with pytest.raises(ConcretizationError, match="plain numpy"):
        fg.vmap(lambda i: V[i])(idx)
    same(fg.vmap(lambda a, i: a[:, i])(np.stack([A, 2 * A, 3 * A]), idx),
         np.stack([(k + 1) * A[:, i] for k, i in enumerate(idx)]))


def test_take_diagonal_trace_flip():
    same(fnp.take(A, np.array([0, 5, 11])), np.take(A, [0, 5, 11]))
    same(fnp.take(A, np.array([1, 3]), axis=1), np.take(A, [1, 3], axis=1))
    same(fnp.diagonal(A), np.diagonal(A))
    same(fnp.diagonal(A, 1), np.diagonal(A, 1))
    same(fnp.trace(A), np.trace(A))
    same(fnp.flip(A, 1), np.flip(A, 1))
    same(fnp.flip(A), np.flip(A))


def test_index_errors_like_numpy():
    with pytest.raises(IndexError, match="too many indices"):
        fg.vmap(lambda a: a[0, 0, 0], in_axes=None, axis_size=1)(A)
    with pytest.raises(IndexError, match="out of bounds"):
        fg.grad(lambda a: fnp.sum(a[5]))(A)


# ---- reductions

REDUCTIONS = ["sum", "mean", "max", "min", "prod", "var", "std", "argmax", "argmin", "all", "any"]
AXES = [None, 0, 1, -1, (0, 1)]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(name, axis, keepdims):
    if name in ("argmax", "argmin") and isinstance(axis, tuple):
        pytest.skip("numpy's argmax takes a single axis")
    x = A if name not in ("all", "any") else (A > 0.5)
    kw = {"keepdims": keepdims} if name not in ("argmax", "argmin") or keepdims else {}
    same(getattr(fnp, name)(x, axis=axis, **kw), getattr(np, name)(x, axis=axis, **kw))


@pytest.mark.parametrize("dtype", [np.int32, np.bool_, np.float32, np.uint8])
def test_reduction_dtypes(dtype):
    x = (A > 0).astype(dtype)
    for name in ["sum", "prod", "mean", "max"]:
        same(getattr(fnp, name)(x, axis=0), getattr(np, name)(x, axis=0), tol=1e-6)


def test_reductions_as_methods_of_traced_values():
    def f(x):
        return (x.sum(axis=0) * x.mean(1, keepdims=True) + x.max(axis=-1, keepdims=True)
                - x.min() + x.prod(axis=1, keepdims=True) * x.var() + x.std(axis=0))

    expected = (A.sum(0) * A.mean(1, keepdims=True) + A.max(-1, keepdims=True) - A.min()
                + A.prod(1, keepdims=True) * A.var() + A.std(0))
    same(fg.vmap(f, in_axes=None, axis_size=1)(A)[0], expected)
    check_grads(f, (A,), order=1)


# ---- products

PRODUCTS = [
    ("dot", (4,), (4,)), ("dot", (3, 4), (4,)), ("dot", (3, 4), (4, 2)), ("dot", (2, 3, 4), (4, 5)),
    ("dot", (), (3,)), ("dot", (2, 3, 4), (5, 4, 2)),
    ("matmul", (3, 4), (4, 2)), ("matmul", (4,), (4, 2)), ("matmul", (3, 4), (4,)),
    ("matmul", (5, 3, 4), (4, 2)), ("matmul", (5, 3, 4), (5, 4, 2)), ("matmul", (2, 1, 3, 4), (5, 4, 2)),
    ("matmul", (4,), (5, 4, 2)), ("matmul", (4,), (4,)),
    ("outer", (3,), (4,)), ("outer", (2, 2), (3,)), ("inner", (3, 4), (2, 4)), ("vdot", (3, 4), (3, 4)),
    ("tensordot", (3, 4, 5), (4, 5, 2)),
]


@pytest.mark.parametrize("name,sx,sy", PRODUCTS, ids=lambda v: str(v))
def test_products_match_numpy_and_gradients(name, sx, sy):
    x, y = rng.standard_normal(sx), rng.standard_normal(sy)
    same(getattr(fnp, name)(x, y), getattr(np, name)(x, y), tol=1e-10)
    check_grads(lambda a, b: fnp.sum(getattr(fnp, name)(a, b) ** 2), (x, y), order=1)


EINSUMS = [
    ("ij,jk->ik", (3, 4), (4, 2)), ("bij,bjk->bik", (5, 3, 4), (5, 4, 2)), ("i,i->", (4,), (4,)),
    ("ij->ji", (3, 4)), ("ij->", (3, 4)), ("ij->j", (3, 4)), ("i,j->ij", (3,), (4,)),
    ("...ij,...jk->...ik", (5, 3, 4), (5, 4, 2)), ("bij,jk", (5, 3, 4), (4, 2)),
    ("ij,jk,kl->il", (2, 3), (3, 4), (4, 5)), ("abc,cb->a", (2, 3, 4), (4, 3)),
]


@pytest.mark.parametrize("spec", EINSUMS, ids=lambda s: s[0])
def test_einsum_matches_numpy_and_gradients(spec):
    subscripts, *shapes = spec
    ops = [rng.standard_normal(s) for s in shapes]
    same(fnp.einsum(subscripts, *ops), np.einsum(subscripts, *ops), tol=1e-10)
    check_grads(lambda *a: fnp.sum(fnp.sin(fnp.einsum(subscripts, *a))), ops, order=1)


def test_batched_matmul_operator_under_vmap_and_grad():
    w = rng.standard_normal((4, 2))
    xs = rng.standard_normal((5, 3, 4))
    same(fg.vmap(lambda x: x @ w)(xs), xs @ w)
    same(fg.vmap(lambda x: (x @ w).T)(xs), np.swapaxes(xs @ w, 1, 2))
    g = fg.grad(lambda w: fnp.sum((xs @ w) ** 2))(w)
    same(g, 2 * np.einsum("bij,bik->jk", xs, xs @ w), tol=1e-10)


# ---- shape functions

def test_shape_functions_match_numpy():
    x = rng.standard_normal((2, 3, 4))
    cases = [
        (fnp.reshape(x, (6, -1)), np.reshape(x, (6, -1))),
        (fnp.transpose(x), np.transpose(x)),
        (fnp.transpose(x, (1, 0, 2)), np.transpose(x, (1, 0, 2))),
        (fnp.swapaxes(x, 0, 2), np.swapaxes(x, 0, 2)),
        (fnp.moveaxis(x, 0, -1), np.moveaxis(x, 0, -1)),
        (fnp.moveaxis(x, [0, 1], [-1, 0]), np.moveaxis(x, [0, 1], [-1, 0])),
        (fnp.expand_dims(x, 1), np.expand_dims(x, 1)),
        (fnp.expand_dims(x, (0, -1)), np.expand_dims(x, (0, -1))),
        (fnp.squeeze(x[:, :1]), np.squeeze(x[:, :1])),
        (fnp.squeeze(x[:1, :1], axis=1), np.squeeze(x[:1, :1], axis=1)),
        (fnp.broadcast_to(V, (3, 4)), np.broadcast_to(V, (3, 4))),
        (fnp.ravel(x), np.ravel(x)),
        (fnp.tile(V, (2, 1)), np.tile(V, (2, 1))),
        (fnp.repeat(V, 2), np.repeat(V, 2)),
        (fnp.repeat(A, 2, axis=0), np.repeat(A, 2, axis=0)),
        (fnp.atleast_2d(V), np.atleast_2d(V)),
        (fnp.hstack([V, V]), np.hstack([V, V])),
        (fnp.vstack([V, V]), np.vstack([V, V])),
    ]
    for got, want in cases:
        same(got, want)
    assert fnp.shape(x) == (2, 3, 4) and fnp.ndim(x) == 3 and fnp.size(x) == 24


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_stack_concatenate_split(axis):
    xs = [rng.standard_normal((2, 3)) for _ in range(3)]
    same(fnp.stack(xs, axis=axis), np.stack(xs, axis=axis))
    same(fnp.concatenate(xs, axis=axis), np.concatenate(xs, axis=axis))
    whole = np.concatenate(xs, axis=axis)
    for sections in (3, [1, 2]) if whole.shape[axis] % 3 == 0 else ([1, 2],):
        for got, want in zip(fnp.split(whole, sections, axis=axis),
                             np.split(whole, sections, axis=axis), strict=True):
            same(got, want)
    same(fnp.concatenate([xs[0], np.ones((2, 3), np.float32)], axis=axis),
         np.concatenate([xs[0], np.ones((2, 3), np.float32)], axis=axis))


def test_joins_under_grad():
    def f(a, b):
        s = fnp.stack([a, b, a * b], axis=1)
        c = fnp.concatenate([a, b[::-1]])
        p, q = fnp.split(c, 2)
        return fnp.sum(s ** 2) + fnp.sum(p * q)

    check_grads(f, (rng.standard_normal(4), rng.standard_normal(4)), order=2)


# ---- traced values behave like arrays

def test_traced_value_attributes_and_methods():
    seen = {}

    def f(x):
        seen.update(shape=x.shape, ndim=x.ndim, size=x.size, dtype=x.dtype, len=len(x))
        y = x.T.reshape(-1).reshape((4, 3)).transpose(1, 0)
        z = x[1:, None].squeeze(1) + x.swapaxes(0, 1).T[1:]
        w = x.ravel()[:4] @ x.T[:, 0] + (x.astype(np.float64) ** 2).sum()
        return fnp.sum(y * x) + fnp.sum(z) + w + x.dot(x.T).trace()

    value = f(A)
    g = fg.grad(f)(A)
    assert seen == {"shape": (3, 4), "ndim": 2, "size": 12, "dtype": np.float64, "len": 3}
    assert np.isclose(fg.value_and_grad(f)(A)[0], value)
    check_grads(f, (A,), order=1)
    assert g.shape == A.shape


def test_iteration_over_traced_value():
    g = fg.grad(lambda x: sum(r[0] * r[1] for r in x))(A)
    expected = np.zeros_like(A)
    expected[:, 0], expected[:, 1] = A[:, 1], A[:, 0]
    same(g, expected)


# ---- the front end under grad, against finite differences

GRAD_FUNS = {
    "softplus_mean": lambda x: fnp.mean(fnp.logaddexp(0.0, x)),
    "normalize": lambda x: fnp.sum((x - x.mean(0)) / x.std(0)),
    "logsumexp": lambda x: fnp.log(fnp.sum(fnp.exp(x - fnp.max(x)))) + fnp.max(x),
    "hypot_clip": lambda x: fnp.sum(fnp.hypot(x, 1.0) * fnp.clip(x, -0.5, 0.5)),
    "where": lambda x: fnp.sum(fnp.where(x > 0, x ** 2, fnp.sin(x))),
    "prod_axis": lambda x: fnp.sum(fnp.prod(x, axis=1)),
    "power_arrays": lambda x: fnp.sum(fnp.power(fnp.abs(x) + 1.0, x)),
    "outer_trace": lambda x: fnp.trace(fnp.outer(x[0], x[1])),
    "einsum_quadratic": lambda x: fnp.einsum("ij,ik,jk->", x, x, x.T @ x),
    "gather": lambda x: fnp.sum(x[np.array([0, 2, 2]), 1:] ** 3),
    "sinc_arctan2": lambda x: fnp.sum(fnp.sinc(x) + fnp.arctan2(x, 2.0)),
    "var_keepdims": lambda x: fnp.sum(fnp.var(x, axis=1, keepdims=True) * x),
}


@pytest.mark.parametrize("name", list(GRAD_FUNS))
def test_front_end_gradients(name):
    check_grads(GRAD_FUNS[name], (A,), order=2)
