"""fungrad.lax's JAX-compatible functions (fungrad.lax_ext, fungrad._lax.bits): every case of
tests/lax_ext_cases.py against JAX's recorded values and gradients (golden file) and live JAX
where installed, gradients against finite differences, vmap against a loop, jit against eager;
error messages; coverage of jax.lax's names; a day-one Bayesian logistic regression written with
`import fungrad as jax`."""
import json
import pathlib
import sys

import numpy as np
import pytest

import fungrad as fg
from fungrad import lax
from fungrad.testing import check_grads

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from lax_ext_cases import CASES, grad_weights  # noqa: E402

REF = pathlib.Path(__file__).parent / "references" / "lax_ext_jax.json"
GOLDEN = json.loads(REF.read_text())["cases"]
NAMES = sorted(CASES)
DIFF = [n for n in NAMES if CASES[n].diff]
REV_ONLY = {"custom_linear_solve"}  # a custom_vjp rule: reverse mode only, as documented


def _args(name, seed=0):
    return CASES[name].make(np.random.default_rng(seed))


def _leaves(out):
    return [np.asarray(v) for v in fg.tree_util.tree_leaves(out)]


def _scalar(name, lx):
    def f(*args):
        return sum((v * grad_weights(v)).sum() for v in fg.tree_util.tree_leaves(
            CASES[name].fn(lx, *args)))
    return f


def _decode(rec):
    return np.asarray(rec["data"], dtype=np.dtype(rec["dtype"])).reshape(rec["shape"])


def _close(got, want, what):
    assert got.shape == want.shape, f"{what}: shape {got.shape} vs {want.shape}"
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} vs {want.dtype}"
    if got.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want, err_msg=what)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, equal_nan=True,
                                   err_msg=what)


def test_golden_file_covers_every_case():
    assert sorted(GOLDEN) == NAMES, "re-record: python tests/references/make_lax_ext_jax.py"


@pytest.mark.parametrize("name", NAMES)
def test_values_and_gradients_match_recorded_jax(name):
    case = CASES[name]
    args = _args(name)
    got = _leaves(case.fn(lax, *args))
    want = [_decode(r) for r in GOLDEN[name]["values"]]
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        _close(g, w, f"{name} output {i}")
    if case.diff:
        grads = fg.grad(_scalar(name, lax), argnums=case.diff)(*args)
        for i, (g, w) in enumerate(zip(grads, GOLDEN[name]["grads"])):
            _close(np.asarray(g), _decode(w), f"{name} gradient {i}")


@pytest.mark.parametrize("name", NAMES)
def test_values_and_gradients_match_live_jax(name):
    jax = pytest.importorskip("jax", reason="live comparison needs jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    case = CASES[name]
    args = _args(name, seed=5)  # other values than the golden file's
    jargs = [jnp.asarray(a) for a in args]
    want = [np.asarray(v) for v in jax.tree_util.tree_leaves(case.fn(jax.lax, *jargs))]
    got = _leaves(case.fn(lax, *args))
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        _close(g, w, f"{name} output {i}")
    if case.diff:
        def jscalar(*a):
            return sum((v * grad_weights(v)).sum()
                       for v in jax.tree_util.tree_leaves(case.fn(jax.lax, *a)))
        want_g = jax.grad(jscalar, argnums=case.diff)(*jargs)
        got_g = fg.grad(_scalar(name, lax), argnums=case.diff)(*args)
        for i, (g, w) in enumerate(zip(got_g, want_g, strict=True)):
            _close(np.asarray(g), np.asarray(w), f"{name} gradient {i}")


@pytest.mark.parametrize("name", DIFF)
def test_gradients_against_finite_differences(name):
    case = CASES[name]
    args = list(_args(name, seed=2))

    def f(*diff_args):
        full = list(args)
        for i, a in zip(case.diff, diff_args):
            full[i] = a
        return case.fn(lax, *full)

    modes = ("rev",) if name in REV_ONLY else ("fwd", "rev")
    order = 1 if name in REV_ONLY or name.startswith("custom_root") else 2
    check_grads(f, tuple(args[i] for i in case.diff), order=order, modes=modes)


@pytest.mark.parametrize("name", [n for n in NAMES if CASES[n].batch and CASES[n].make(
    np.random.default_rng(0))])
def test_vmap_matches_loop(name):
    case = CASES[name]
    sets = [_args(name, seed=s) for s in range(3)]
    batched = [np.stack(col) for col in zip(*sets)]
    out = fg.vmap(lambda *a: case.fn(lax, *a))(*batched)
    loop = [_leaves(case.fn(lax, *s)) for s in sets]
    for i, o in enumerate(_leaves(out)):
        want = np.stack([ex[i] for ex in loop])
        _close(o, want, f"{name} vmap output {i}")


@pytest.mark.parametrize("name", NAMES)
def test_jit_matches_eager(name):
    case = CASES[name]
    args = _args(name, seed=3)
    eager = _leaves(case.fn(lax, *args))
    jitted = _leaves(fg.jit(lambda *a: case.fn(lax, *a))(*args))
    for e, j in zip(eager, jitted, strict=True):
        assert e.dtype == j.dtype and e.shape == j.shape
        np.testing.assert_array_equal(j, e, err_msg=name)
    if case.diff:
        g = fg.grad(_scalar(name, lax), argnums=case.diff)
        for e, j in zip(g(*args), fg.jit(g)(*args), strict=True):
            np.testing.assert_allclose(np.asarray(j), np.asarray(e), rtol=1e-13, atol=1e-13)


# ---- semantics worth stating on their own


def test_dynamic_slice_clamps_like_jax_and_traces_its_start():
    x = np.arange(10.0)
    assert lax.dynamic_slice(x, (8,), (3,)).tolist() == [7.0, 8.0, 9.0]
    assert lax.dynamic_slice(x, (-2,), (2,)).tolist() == [8.0, 9.0]
    f = fg.jit(lambda x, i: lax.dynamic_slice_in_dim(x, i, 3))
    assert f(x, np.int32(4)).tolist() == [4.0, 5.0, 6.0]
    assert "getitem" in str(fg.make_jaxpr(f)(x, np.int32(4)))
    out = fg.vmap(lambda i: lax.dynamic_slice(x, (i,), (2,)))(np.array([0, 3, 9]))
    assert out.tolist() == [[0.0, 1.0], [3.0, 4.0], [8.0, 9.0]]


def test_pad_interior_and_negative_against_numpy_construction():
    x = np.arange(6.0).reshape(2, 3)
    out = lax.pad(x, -1.0, [(1, 0, 1), (0, -1, 2)])
    full = np.full((4, 7), -1.0)
    full[1::2, ::3] = x
    np.testing.assert_array_equal(out, full[:, :6])


def test_sort_num_keys_is_lexicographic_and_stable():
    k1 = np.array([1, 0, 1, 0, 1])
    k2 = np.array([2, 2, 1, 1, 1])
    v = np.arange(5.0)
    a, b, c = lax.sort((k1, k2, v), num_keys=2)
    assert list(zip(a, b)) == sorted(zip(k1, k2))
    assert c.tolist() == [3.0, 1.0, 2.0, 4.0, 0.0]


def test_top_k_ties_keep_the_earlier_index():
    vals, idx = lax.top_k(np.array([1.0, 3.0, 3.0, 2.0]), 2)
    assert vals.tolist() == [3.0, 3.0] and idx.tolist() == [1, 2] and idx.dtype == np.int32


def test_cumlogsumexp_is_stable_where_a_global_shift_underflows():
    x = np.array([-1000.0, 0.0])
    out = lax.cumlogsumexp(x)
    assert out[0] == -1000.0 and np.isclose(out[1], np.logaddexp(-1000.0, 0.0))


def test_clamp_derivative_conventions_of_jax():
    g = fg.grad(lambda x: lax.clamp(0.0, x, 1.0))
    assert [float(g(v)) for v in (-1.0, 0.0, 0.5, 1.0, 2.0)] == [0.0, 0.0, 1.0, 0.0, 0.0]
    glo = fg.grad(lambda lo: lax.clamp(lo, 0.0, 1.0))
    assert float(glo(0.5)) == 1.0 and float(glo(0.0)) == 0.0


def test_reduce_with_a_non_monoid_computation_and_the_monoid_fast_path():
    x = np.random.default_rng(0).standard_normal((3, 7))
    out = lax.reduce(x, -np.inf, lax.max, (1,))
    np.testing.assert_array_equal(out, x.max(1))
    assert [e.primitive.name for e in fg.make_jaxpr(
        lambda x: lax.reduce(x, 0.0, lax.add, (0,)))(x).eqns] == ["reduce_sum"]
    # logaddexp as the computation: pairwise halving, any axis length
    out = lax.reduce(x, -np.inf, np.logaddexp, (1,))
    np.testing.assert_allclose(out, np.logaddexp.reduce(x, axis=1), rtol=1e-13)


def test_scatter_add_keeps_fungrads_index_spec_form():
    out = lax.scatter_add(np.zeros(4), np.ones(2), ("array",), [np.array([1, 1])])
    assert out.tolist() == [0.0, 2.0, 0.0, 0.0]


def test_associative_scan_matches_cumulative_products_of_matrices():
    rng = np.random.default_rng(1)
    ms = rng.standard_normal((5, 2, 2))
    out = lax.associative_scan(lambda a, b: b @ a, ms)
    want, acc = [], np.eye(2)
    for m in ms:
        acc = m @ acc
        want.append(acc)
    np.testing.assert_allclose(out, np.stack(want), rtol=1e-12)


def test_bitcast_roundtrip_and_reduce_precision_rules():
    x = np.random.default_rng(0).standard_normal(4)
    back = lax.bitcast_convert_type(lax.bitcast_convert_type(x, np.uint32), np.float64)
    np.testing.assert_array_equal(back, x)
    # JAX's convention: the tangent is rounded like the value
    t = fg.jvp(lambda v: lax.reduce_precision(v, 8, 7), (x,), (x,))[1]
    np.testing.assert_array_equal(t, lax.reduce_precision(x, 8, 7))


def test_errors_name_the_argument_and_the_fix():
    x = np.zeros((3, 4))
    with pytest.raises(ValueError, match="slice_sizes"):
        lax.dynamic_slice(x, (0, 0), (5, 1))
    with pytest.raises(ValueError, match="padding_config"):
        lax.pad(x, 0.0, [(1, 1, 0)])
    with pytest.raises(TypeError, match="GatherDimensionNumbers"):
        lax.gather(x, np.zeros((1, 1), np.int32), ((1,), (0,), (0,)), (1, 4))
    with pytest.raises(ValueError, match="num_keys"):
        lax.sort((x, x), num_keys=3)
    with pytest.raises(TypeError, match="integer"):
        lax.shift_left(x, x)
    with pytest.raises(ValueError, match="trailing axis of size 2"):
        lax.bitcast_convert_type(np.zeros(3, np.int32), np.float64)
    with pytest.raises(TypeError, match="transpose_solve"):
        fg.grad(lambda b: lax.custom_linear_solve(lambda v: 2.0 * v, b,
                                                  lambda mv, r: r / 2.0).sum())(np.ones(2))


def test_covers_at_least_150_of_jax_lax_names():
    names = (pathlib.Path(__file__).parents[1] / "benchmarks" / "jax_lax_names.txt").read_text()
    names = [n for n in names.split() if n]
    have = [n for n in names if hasattr(lax, n)]
    assert len(names) == 218
    assert len(have) >= 150, f"{len(have)} of {len(names)}"


# ---- a day-one program, with only the imports changed


def test_day_one_bayesian_logistic_regression():
    import fungrad as jax
    import fungrad.numpy as jnp
    from fungrad.scipy import stats

    key = jax.random.PRNGKey(0)
    k_x, k_w, k_y, k_init = jax.random.split(key, 4)
    n, d = 200, 3
    X = jax.random.normal(k_x, (n, d))
    true_w = jnp.array([1.5, -2.0, 0.5])
    y = jax.random.bernoulli(k_y, jax.nn.sigmoid(X @ true_w)).astype(jnp.float32)

    def log_prior(w):
        return jnp.sum(stats.norm.logpdf(w, 0.0, 3.0))

    def log_lik(w, x, t):
        logits = x @ w
        return t * jax.nn.log_sigmoid(logits) + (1 - t) * jax.nn.log_sigmoid(-logits)

    def log_joint(w):
        per_example = jax.vmap(log_lik, in_axes=(None, 0, 0))(w, X, y)
        return log_prior(w) + jnp.sum(per_example)

    @jax.jit
    def step(w, lr):
        return w + lr * jax.grad(log_joint)(w)

    w = jnp.zeros(d)
    for _ in range(300):
        w = step(w, 0.01)
    # the MAP estimate: gradient zero, near the true weights
    assert float(jnp.max(jnp.abs(jax.grad(log_joint)(w)))) < 1e-3
    assert float(jnp.max(jnp.abs(w - true_w))) < 0.8
    # vmapped log-densities of posterior samples around the MAP (Laplace approximation)
    H = jax.hessian(log_joint)(w)
    cov = jnp.linalg.inv(-H)
    samples = jax.random.multivariate_normal(k_init, w, cov, (64,))
    lps = jax.vmap(log_joint)(samples)
    assert lps.shape == (64,)
    np.testing.assert_allclose(lps, [float(log_joint(s)) for s in samples], rtol=1e-12)
    assert float(jnp.max(lps)) <= float(log_joint(w)) + 1e-9
    # the Laplace log-evidence is finite and the posterior covariance positive definite
    assert np.all(np.linalg.eigvalsh(np.asarray(cov)) > 0)
    lax.stop_gradient(w)  # fungrad.lax is importable alongside


SHAPE_CASES = [  # (function name, args), JAX's results recorded beside them
    ("conv_general_permutations", ((("NHWC", "HWIO", "NHWC"),), ((0, 3, 1, 2), (3, 2, 0, 1),
                                                                  (0, 3, 1, 2)))),
    ("conv_general_shape_tuple", (((1, 5, 6, 3), (2, 2, 3, 4), (1, 2), "SAME",
                                   ("NHWC", "HWIO", "NHWC")), (1, 5, 3, 4))),
    ("conv_general_shape_tuple", (((1, 5, 6, 3), (2, 2, 3, 4), (1, 2), [(0, 0), (1, 1)],
                                   ("NHWC", "HWIO", "NHWC")), (1, 4, 4, 4))),
    ("conv_transpose_shape_tuple", (((1, 5, 6, 3), (2, 2, 3, 4), (1, 2), "SAME",
                                     ("NHWC", "HWIO", "NHWC")), (1, 5, 12, 4))),
    ("conv_transpose_shape_tuple", (((1, 5, 6, 3), (2, 2, 3, 4), (2, 2), "VALID",
                                     ("NHWC", "HWIO", "NHWC")), (1, 10, 12, 4))),
    ("conv_transpose_shape_tuple", (((1, 5, 6, 3), (2, 2, 3, 4), (2, 2), [(1, 0), (2, 1)],
                                     ("NHWC", "HWIO", "NHWC")), (1, 9, 13, 4))),
    ("conv_shape_tuple", (((1, 3, 5, 6), (4, 3, 2, 2), (1, 2), "SAME"), (1, 4, 5, 3))),
    ("reduce_window_shape_tuple", (((7, 6), (3, 2), (2, 2), [(1, 0), (0, 1)]), (3, 3))),
]


@pytest.mark.parametrize("fname,case", SHAPE_CASES, ids=[c[0] for c in SHAPE_CASES])
def test_shape_helpers(fname, case):
    args, want = case
    got = getattr(lax, fname)(*args)
    assert tuple(map(lambda v: tuple(v) if isinstance(v, tuple) else int(v), got)) == want
    jax = pytest.importorskip("jax", reason="live comparison needs jax")
    live = getattr(jax.lax, fname)(*args)
    assert tuple(tuple(v) if isinstance(v, tuple) else int(v) for v in live) == want
