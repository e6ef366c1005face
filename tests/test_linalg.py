"""fungrad.numpy.linalg, table-driven: values against numpy, JVP/VJP against central differences
(order 2 where smooth), vmap against a loop, jit against eager (values and types); named edge
cases; and a Gaussian-process marginal likelihood fitted by gradient."""
import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad.testing import check_grads

LA = fnp.linalg
rng0 = np.random.default_rng(0)


def spd(n, rng, lead=()):
    x = rng.standard_normal((*lead, n, n))
    return x @ np.swapaxes(x, -1, -2) / n + np.eye(n)


def wc(shape, rng):
    return rng.standard_normal(shape) * 0.5 + 2 * np.eye(shape[-2], shape[-1])


def sym(shape, rng):
    x = rng.standard_normal(shape)
    return (x + np.swapaxes(x, -1, -2)) / 2


def R(*shape):
    return lambda rng: rng.standard_normal(shape)


def WC(*shape):
    return lambda rng: wc(shape, rng)


def SPD(n):
    return lambda rng: spd(n, rng)


def SYM(*shape):
    return lambda rng: sym(shape, rng)


def _svd_np(a, full=True):
    return np.linalg.svd(a, full_matrices=full)


# name, fungrad function, numpy reference, argument makers, derivative order (0: none)
CASES = [
    ("det", LA.det, np.linalg.det, [WC(3, 3)], 2),
    ("det-batch", LA.det, np.linalg.det, [WC(2, 3, 3)], 2),
    ("slogdet", lambda a: LA.slogdet(a)[1], lambda a: np.linalg.slogdet(a)[1], [WC(3, 3)], 2),
    ("inv", LA.inv, np.linalg.inv, [WC(3, 3)], 2),
    ("solve-vec", LA.solve, np.linalg.solve, [WC(3, 3), R(3)], 2),
    ("solve-mat", LA.solve, np.linalg.solve, [WC(3, 3), R(3, 2)], 2),
    ("solve-bcast", LA.solve, np.linalg.solve, [WC(2, 3, 3), R(3, 2)], 2),
    ("cholesky", LA.cholesky, np.linalg.cholesky, [SPD(3)], 2),
    ("cholesky-upper", lambda a: LA.cholesky(a, upper=True),
     lambda a: np.linalg.cholesky(a, upper=True), [SPD(3)], 2),
    ("qr-q", lambda a: LA.qr(a)[0], lambda a: np.linalg.qr(a)[0], [R(4, 3)], 2),
    ("qr-r", lambda a: LA.qr(a, mode="r"), lambda a: np.linalg.qr(a, mode="r"), [R(4, 3)], 2),
    ("qr-complete", lambda a: LA.qr(a, mode="complete")[0],
     lambda a: np.linalg.qr(a, mode="complete")[0], [R(4, 3)], 0),
    ("eigh-w", lambda a: LA.eigh(a)[0], lambda a: np.linalg.eigh(a)[0], [SYM(3, 3)], 2),
    ("eigh-v", lambda a: LA.eigh(a, UPLO="U")[1], lambda a: np.linalg.eigh(a, UPLO="U")[1],
     [SYM(3, 3)], 2),
    ("eigvalsh", LA.eigvalsh, np.linalg.eigvalsh, [SYM(2, 3, 3)], 2),
    ("svd-u", lambda a: LA.svd(a, full_matrices=False)[0], lambda a: _svd_np(a, False)[0],
     [R(4, 3)], 2),
    ("svd-s", lambda a: LA.svd(a)[1], lambda a: _svd_np(a)[1], [R(3, 3)], 2),
    ("svd-s-wide", lambda a: LA.svd(a, full_matrices=False)[1],
     lambda a: _svd_np(a, False)[1], [R(3, 4)], 2),
    ("svd-vh", lambda a: LA.svd(a, full_matrices=False)[2], lambda a: _svd_np(a, False)[2],
     [R(3, 4)], 2),
    ("svd-full-u", lambda a: LA.svd(a)[0], lambda a: _svd_np(a)[0], [R(4, 3)], 0),
    ("svd-nouv", lambda a: LA.svd(a, compute_uv=False),
     lambda a: np.linalg.svd(a, compute_uv=False), [R(3, 4)], 2),
    ("svdvals", LA.svdvals, lambda a: np.linalg.svd(a, compute_uv=False), [R(2, 3, 4)], 2),
    ("pinv", LA.pinv, np.linalg.pinv, [R(4, 3)], 2),
    ("pinv-wide", LA.pinv, np.linalg.pinv, [R(2, 4)], 2),
    ("lstsq", lambda a, b: LA.lstsq(a, b)[0], lambda a, b: np.linalg.lstsq(a, b)[0],
     [R(5, 3), R(5)], 2),
    ("lstsq-resid", lambda a, b: LA.lstsq(a, b)[1], lambda a, b: np.linalg.lstsq(a, b)[1],
     [R(5, 3), R(5, 2)], 2),
    ("matrix_power-3", lambda a: LA.matrix_power(a, 3), lambda a: np.linalg.matrix_power(a, 3),
     [R(3, 3)], 2),
    ("matrix_power-neg2", lambda a: LA.matrix_power(a, -2),
     lambda a: np.linalg.matrix_power(a, -2), [WC(3, 3)], 2),
    ("matrix_power-0", lambda a: LA.matrix_power(a, 0), lambda a: np.linalg.matrix_power(a, 0),
     [R(3, 3)], 1),
    ("matrix_rank", LA.matrix_rank, np.linalg.matrix_rank, [R(3, 4)], 0),
    ("cond", LA.cond, np.linalg.cond, [WC(3, 3)], 2),
    ("cond-fro", lambda a: LA.cond(a, "fro"), lambda a: np.linalg.cond(a, "fro"), [WC(3, 3)], 2),
    ("cond-1", lambda a: LA.cond(a, 1), lambda a: np.linalg.cond(a, 1), [WC(3, 3)], 1),
    ("multi_dot", lambda a, b, c, d: LA.multi_dot([a, b, c, d]),
     lambda a, b, c, d: np.linalg.multi_dot([a, b, c, d]), [R(4), R(4, 2), R(2, 5), R(5)], 2),
    ("multi_dot-mat", lambda a, b, c: LA.multi_dot([a, b, c]),
     lambda a, b, c: np.linalg.multi_dot([a, b, c]), [R(5, 2), R(2, 6), R(6, 3)], 2),
    ("cross", LA.cross, np.linalg.cross, [R(2, 3), R(2, 3)], 2),
    ("outer", LA.outer, np.linalg.outer, [R(3), R(4)], 2),
    ("tensorsolve", LA.tensorsolve, np.linalg.tensorsolve,
     [lambda rng: wc((6, 6), rng).reshape(2, 3, 6), R(2, 3)], 2),
    ("tensorinv", lambda a: LA.tensorinv(a, 1), lambda a: np.linalg.tensorinv(a, 1),
     [lambda rng: wc((6, 6), rng).reshape(6, 2, 3)], 2),
    ("trace", LA.trace, np.linalg.trace, [R(2, 3, 3)], 2),
    ("trace-offset", lambda x: LA.trace(x, offset=1), lambda x: np.linalg.trace(x, offset=1),
     [R(3, 4)], 2),
    ("diagonal", LA.diagonal, np.linalg.diagonal, [R(2, 3, 4)], 2),
    ("matrix_transpose", LA.matrix_transpose, np.linalg.matrix_transpose, [R(2, 3, 4)], 2),
    ("vecdot", LA.vecdot, np.linalg.vecdot, [R(2, 3), R(3)], 2),
    ("tensordot", lambda a, b: LA.tensordot(a, b, 1), lambda a, b: np.linalg.tensordot(a, b, axes=1),
     [R(2, 3), R(3, 4)], 2),
    ("eigvals-real", lambda a: fg._lax.complex_parts.real(LA.eigvals(a)),
     lambda a: np.linalg.eigvals(a).real,
     [lambda rng: np.diag([1.0, 2.0, 4.0]) + rng.standard_normal((3, 3)) * 0.1], 1),
    ("vector_norm", LA.vector_norm, np.linalg.vector_norm, [R(2, 3)], 2),
    ("vector_norm-1-axis", lambda x: LA.vector_norm(x, ord=1, axis=0),
     lambda x: np.linalg.vector_norm(x, ord=1, axis=0), [R(2, 3)], 1),
    ("matrix_norm", LA.matrix_norm, np.linalg.matrix_norm, [R(2, 3, 4)], 2),
    ("matrix_norm-nuc", lambda x: LA.matrix_norm(x, ord="nuc"),
     lambda x: np.linalg.matrix_norm(x, ord="nuc"), [R(3, 4)], 2),
]
# every ord / axis case of numpy.linalg.norm
VEC_ORDS = [None, 2, 1, np.inf, -np.inf, 3, 0.5, -1]
MAT_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]
for o in VEC_ORDS:
    CASES.append((f"norm-vec-{o}", lambda x, o=o: LA.norm(x, o),
                  lambda x, o=o: np.linalg.norm(x, o), [R(4)], 0 if o == 0 else 2))
    CASES.append((f"norm-axis1-{o}", lambda x, o=o: LA.norm(x, o, axis=1, keepdims=True),
                  lambda x, o=o: np.linalg.norm(x, o, axis=1, keepdims=True), [R(2, 4)],
                  2))
for o in MAT_ORDS:
    CASES.append((f"norm-mat-{o}", lambda x, o=o: LA.norm(x, o),
                  lambda x, o=o: np.linalg.norm(x, o), [R(3, 4)], 2))
    CASES.append((f"norm-mat-axes-{o}", lambda x, o=o: LA.norm(x, o, axis=(2, 0)),
                  lambda x, o=o: np.linalg.norm(x, o, axis=(2, 0)), [R(3, 2, 4)], 2))
CASES.append(("norm-vec-0", lambda x: LA.norm(x, 0), lambda x: np.linalg.norm(x, 0),
              [lambda rng: np.array([0.0, 1.5, -2.0, 0.0])], 0))
CASES.append(("norm-all-keepdims", lambda x: LA.norm(x, keepdims=True),
              lambda x: np.linalg.norm(x, keepdims=True), [R(2, 3, 2)], 2))

IDS = [c[0] for c in CASES]


def _args(case, seed=0):
    rng = np.random.default_rng(seed)
    return [m(rng) for m in case[3]]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_value_matches_numpy(case):
    name, f, ref, _, _ = case
    args = _args(case)
    with np.errstate(all="ignore"):
        out, want = f(*args), np.asarray(ref(*args))
    out = np.asarray(out)
    assert out.shape == want.shape, (out.shape, want.shape)
    np.testing.assert_allclose(out, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", [c for c in CASES if c[4]], ids=[c[0] for c in CASES if c[4]])
def test_derivatives_against_finite_differences(case):
    args = _args(case)
    check_grads(case[1], tuple(args), order=case[4], atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_vmap_matches_loop(case):
    name, f, _, makers, _ = case
    per = [_args(case, seed=s) for s in range(3)]
    batched = [np.stack([p[i] for p in per]) for i in range(len(makers))]
    out = fg.vmap(f)(*batched)
    want = np.stack([np.asarray(f(*p)) for p in per])
    np.testing.assert_allclose(out, want, rtol=1e-10, atol=1e-12)


# cases whose eager result is still a plain numpy ndarray while jit returns a fungrad.Array
# (none left), asserted as they are
PLAIN_PENDING = set()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_jit_matches_eager(case):
    f = case[1]
    args = _args(case)
    got, want = fg.jit(f)(*args), f(*args)
    if IDS[CASES.index(case)] in PLAIN_PENDING:
        assert type(got) is fg.Array and type(want) is np.ndarray
    else:
        assert type(got) is type(want) is fg.Array
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    assert np.asarray(got).dtype == np.asarray(want).dtype


# ---- named edge cases
def test_det_of_singular_matrix_and_its_gradient():
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])  # rank 2
    assert abs(LA.det(a)) < 1e-12
    g = fg.grad(LA.det)(a)
    # the gradient of det is the cofactor matrix, finite and nonzero at a rank n-1 matrix
    cof = np.array([[np.linalg.det(np.delete(np.delete(a, i, 0), j, 1)) * (-1) ** (i + j)
                     for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(g, cof, atol=1e-12)
    assert np.any(g != 0)
    # rank n-2: the cofactor matrix is zero
    np.testing.assert_allclose(fg.grad(LA.det)(np.ones((3, 3))), np.zeros((3, 3)), atol=1e-12)


def test_eigh_repeated_eigenvalue():
    a = np.diag([1.0, 1.0, 3.0])
    w, v = LA.eigh(a)
    np.testing.assert_allclose(w, [1, 1, 3])
    # the eigenvalues stay differentiable (sum of eigenvalues = trace)
    g = fg.grad(lambda a: LA.eigvalsh(a).sum())(a)
    np.testing.assert_allclose(g, np.eye(3))
    # the eigenvectors are not unique there: as JAX, their derivative is not finite
    with np.errstate(all="ignore"):
        _, dv = fg.jvp(lambda a: LA.eigh(a)[1], (a,), (np.ones((3, 3)),))
    assert not np.all(np.isfinite(dv))


def test_svd_rank_deficient():
    a = np.outer([1.0, 2.0, 3.0], [1.0, -1.0])  # rank 1, 3x2
    s = LA.svdvals(a)
    np.testing.assert_allclose(s, np.linalg.svd(a, compute_uv=False), atol=1e-12)
    assert abs(s[1]) < 1e-12
    # the largest singular value's gradient is u1 v1^T, finite
    g = fg.grad(lambda a: LA.svdvals(a)[0])(a)
    u, _, vh = np.linalg.svd(a)
    np.testing.assert_allclose(np.abs(g), np.abs(np.outer(u[:, 0], vh[0])), atol=1e-12)
    # pinv of a rank-deficient matrix drops the zero singular value
    np.testing.assert_allclose(LA.pinv(a), np.linalg.pinv(a), atol=1e-12)
    np.testing.assert_allclose(LA.matrix_rank(a), 1)


def test_cholesky_not_positive_definite_is_nan():
    a = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert np.all(np.isnan(LA.cholesky(a)))
    both = LA.cholesky(np.stack([a, np.eye(2)]))
    assert np.all(np.isnan(both[0])) and np.allclose(both[1], np.eye(2))
    assert np.all(np.isnan(fg.jit(LA.cholesky)(a)))


def test_norm_subgradient_at_zero():
    z = np.zeros(3)
    for o in [None, 2, 1, np.inf, 3]:
        g = fg.grad(lambda x, o=o: LA.norm(x, o))(z)
        assert np.all(np.isfinite(g)), o
    np.testing.assert_array_equal(fg.grad(LA.norm)(z), np.zeros(3))
    np.testing.assert_array_equal(fg.hessian(LA.norm)(z), np.zeros((3, 3)))
    np.testing.assert_array_equal(fg.grad(lambda x: LA.norm(x, "fro"))(np.zeros((2, 2))),
                                  np.zeros((2, 2)))


def test_norm_complex_is_real():
    x = np.array([3 + 4j, 1 - 1j])
    n = LA.norm(x)
    assert np.asarray(n).dtype == np.float64
    np.testing.assert_allclose(n, np.linalg.norm(x))
    np.testing.assert_allclose(LA.norm(x, 1), np.linalg.norm(x, 1))
    np.testing.assert_allclose(LA.norm(np.outer(x, x), "fro"), np.linalg.norm(np.outer(x, x)))


def test_multi_dot_picks_the_cheapest_order():
    a, b, c = np.ones((10, 100)), np.ones((100, 5)), np.ones((5, 50))
    jaxpr = fg.make_jaxpr(lambda a, b, c: LA.multi_dot([a, b, c]))(a, b, c)
    first = jaxpr.eqns[0]
    assert [v.aval.shape for v in first.invars] == [(10, 100), (100, 5)]  # (ab)c: 7500 < 75000


def test_errors_name_the_argument_and_shape():
    from fungrad.errors import ShapeError
    with pytest.raises(ShapeError, match=r"argument a must be .*square.*f64\[2,3\]"):
        LA.inv(np.ones((2, 3)))
    with pytest.raises(ShapeError, match=r"b f64\[4\]"):
        LA.solve(np.eye(3), np.ones(4))


def test_reference_values_from_jax():
    """Golden values recorded from JAX (tests/references/linalg_jax.json, made by
    tests/references/make_linalg_jax.py) and compared live where JAX is installed."""
    import json
    import pathlib
    path = pathlib.Path(__file__).parent / "references" / "linalg_jax.json"
    gold = json.loads(path.read_text())
    ours = _jax_comparable()
    for k, v in gold.items():
        np.testing.assert_allclose(ours[k], np.asarray(v), rtol=1e-8, atol=1e-10, err_msg=k)


def _jax_comparable(lib=None):
    """The quantities compared with JAX, computed with fungrad (or with `lib` = (grad, jnp))."""
    grad, np_ = (fg.grad, fnp) if lib is None else lib
    a = np.array([[2.0, 0.5, 0.1], [0.3, 1.5, -0.2], [0.0, 0.4, 1.8]])
    s = a @ a.T + np.eye(3)
    sing = np.array([[1.0, 2.0], [2.0, 4.0]])
    return {
        "grad_det_singular": np.asarray(grad(np_.linalg.det)(sing)),
        "grad_slogdet": np.asarray(grad(lambda a: np_.linalg.slogdet(a)[1])(a)),
        "grad_cholesky": np.asarray(grad(lambda s: np_.linalg.cholesky(s).sum())(s)),
        "grad_eigh_v": np.asarray(grad(lambda s: (np_.linalg.eigh(s)[1][:, 0] ** 2 *
                                                  np.arange(3.0)).sum())(s)),
        "grad_svdvals": np.asarray(grad(lambda a: np_.linalg.svd(a, compute_uv=False)[0])(a)),
        "grad_norm2": np.asarray(grad(lambda a: np_.linalg.norm(a, 2))(a)),
        "grad_pinv": np.asarray(grad(lambda a: np_.linalg.pinv(a).sum())(a[:, :2])),
        "grad_qr_r": np.asarray(grad(lambda a: np_.linalg.qr(a)[1].sum())(a[:, :2])),
        "grad_norm_zero": np.asarray(grad(lambda x: np_.linalg.norm(x))(np.zeros(3))),
    }


def test_live_against_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    theirs = _jax_comparable((jax.grad, jnp))
    ours = _jax_comparable()
    for k in ours:
        if k == "grad_norm_zero":  # JAX gives NaN at the zero vector; fungrad the subgradient 0
            continue
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-8, atol=1e-10, err_msg=k)


# ---- a program: Gaussian-process marginal likelihood, hyperparameters fitted by gradient
def gp_neg_log_likelihood(params, x, y):
    log_ell, log_sf, log_sn = params[0], params[1], params[2]
    d = x[:, None] - x[None, :]
    k = fnp.exp(2 * log_sf) * fnp.exp(-0.5 * d ** 2 / fnp.exp(2 * log_ell))
    k = k + fnp.exp(2 * log_sn) * fnp.eye(x.shape[0])
    L = LA.cholesky(k)
    from fungrad.scipy.linalg import solve_triangular
    alpha = solve_triangular(L, y, lower=True)
    logdet = LA.slogdet(k)[1]
    return 0.5 * fnp.sum(alpha ** 2) + 0.5 * logdet + 0.5 * x.shape[0] * np.log(2 * np.pi)


def test_gaussian_process_fit_by_gradient():
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(-3, 3, 40))
    y = np.sin(1.5 * x) + 0.1 * rng.standard_normal(40)
    params = np.array([1.5, -0.5, -0.5])
    check_grads(lambda p: gp_neg_log_likelihood(p, x, y), (params,), order=2, atol=1e-4,
                rtol=1e-4)
    step = fg.jit(fg.value_and_grad(gp_neg_log_likelihood))
    first, _ = step(params, x, y)
    for _ in range(200):
        val, g = step(params, x, y)
        params = params - 0.01 * g
    assert val < first - 10
    assert abs(np.exp(params[2]) - 0.1) < 0.08  # the noise level is recovered


# ---- complex matrices: values against numpy; derivatives through a real view (inputs as real
# and imaginary parts, outputs split likewise), so central differences apply
def _c(shape, seed):
    r = np.random.default_rng(seed)
    return r.standard_normal(shape) + 1j * r.standard_normal(shape)


def _cwc(n, seed):
    return _c((n, n), seed) * 0.5 + 2 * np.eye(n)


def _herm(n, seed):
    x = _c((n, n), seed)
    return x @ x.conj().T / n + np.eye(n)


def _abs2(z):
    """|z|^2 elementwise with fungrad's complex parts (phase-invariant: eigenvector gauge)."""
    return _cp.real(z) ** 2 + _cp.imag(z) ** 2


from fungrad._lax import complex_parts as _cp  # noqa: E402


COMPLEX = [
    ("solve", LA.solve, np.linalg.solve, [_cwc(3, 0), _c((3, 2), 1)]),
    ("inv", LA.inv, np.linalg.inv, [_cwc(3, 2)]),
    ("det", LA.det, np.linalg.det, [_cwc(3, 3)]),
    ("slogdet-sign", lambda a: LA.slogdet(a)[0], lambda a: np.linalg.slogdet(a)[0], [_cwc(3, 4)]),
    ("slogdet-logabs", lambda a: LA.slogdet(a)[1], lambda a: np.linalg.slogdet(a)[1],
     [_cwc(3, 4)]),
    ("cholesky", LA.cholesky, np.linalg.cholesky, [_herm(3, 5)]),
    ("eigh-w", LA.eigvalsh, np.linalg.eigvalsh, [_herm(3, 6)]),
    ("eigh-v-gauge", lambda a: _abs2(LA.eigh(a)[1]), lambda a: np.abs(np.linalg.eigh(a)[1]) ** 2,
     [_herm(3, 6)]),
    ("svdvals", LA.svdvals, lambda a: np.linalg.svd(a, compute_uv=False), [_c((4, 3), 7)]),
    ("svd-projector", lambda a: (lambda u: u @ _cp.conj(u).T)(LA.svd(a, full_matrices=False)[0]),
     lambda a: (lambda u: u @ u.conj().T)(np.linalg.svd(a, full_matrices=False)[0]),
     [_c((4, 2), 8)]),
    ("svd-uvh", lambda a: (lambda r: r[0] @ r[2])(LA.svd(a, full_matrices=False)),
     lambda a: (lambda r: r[0] @ r[2])(np.linalg.svd(a, full_matrices=False)), [_c((3, 4), 9)]),
    ("qr-q", lambda a: LA.qr(a)[0], lambda a: np.linalg.qr(a)[0], [_c((4, 3), 10)]),
    ("qr-r", lambda a: LA.qr(a)[1], lambda a: np.linalg.qr(a)[1], [_c((3, 3), 11)]),
    ("pinv", LA.pinv, np.linalg.pinv, [_c((4, 2), 12)]),
    ("norm-2", lambda a: LA.norm(a, 2), lambda a: np.linalg.norm(a, 2), [_c((3, 3), 13)]),
    ("norm-fro", LA.norm, np.linalg.norm, [_c((3, 3), 14)]),
    ("norm-vec-1", lambda a: LA.norm(a, 1), lambda a: np.linalg.norm(a, 1), [_c((4,), 15)]),
    ("matrix_power", lambda a: LA.matrix_power(a, 3), lambda a: np.linalg.matrix_power(a, 3),
     [_c((3, 3), 16)]),
    ("eigvals", LA.eigvals,
     np.linalg.eigvals, [np.diag([1.0, 2.0, 4.0]) + 0.1 * _c((3, 3), 17)]),
]


def _real_view(f, args):
    from fungrad._core.trace import get_aval
    from fungrad._lax import complex_parts as cp
    cplx = [np.iscomplexobj(a) for a in args]

    def g(*parts):
        it = iter(parts)
        zs = [cp.complex_(next(it), next(it)) if c else next(it) for c in cplx]
        out = f(*zs)
        if get_aval(out).dtype.kind == "c":
            return fnp.stack([cp.real(out), cp.imag(out)])
        return out
    flat = []
    for a, c in zip(args, cplx):
        flat += [a.real.copy(), a.imag.copy()] if c else [a]
    return g, flat


@pytest.mark.parametrize("case", COMPLEX, ids=[c[0] for c in COMPLEX])
def test_complex_values_and_derivatives(case):
    name, f, ref, args = case
    np.testing.assert_allclose(f(*args), ref(*args), rtol=1e-10, atol=1e-12)
    g, flat = _real_view(f, args)
    check_grads(g, tuple(flat), order=2 if name != "eigvals" else 1, atol=1e-5, rtol=1e-5)


def test_linalg_edges_as_numpy_empty_matrices_integer_powers_rank_dtype_and_singular_cond():
    """Found by a differential sweep against numpy.linalg: empty matrices (pinv, matrix_rank,
    lstsq) raised on max of no singular values; matrix_power of integer and boolean matrices
    was float64; lstsq's rank was int64 (numpy and JAX: int32) and its complex residuals
    complex; cond of a singular matrix was NaN with a divide warning (numpy and JAX: inf)."""
    import warnings
    for shape in ((0, 0), (0, 3), (2, 0, 3)):
        z = np.zeros(shape)
        assert fnp.linalg.pinv(z).shape == np.linalg.pinv(z).shape
        np.testing.assert_array_equal(fnp.linalg.matrix_rank(z), np.linalg.matrix_rank(z))
    for a, b in ((np.zeros((0, 0)), np.zeros(0)), (np.zeros((2, 0)), np.ones(2)),
                 (np.zeros((0, 2)), np.zeros(0))):
        for g, w in zip(fnp.linalg.lstsq(a, b), np.linalg.lstsq(a, b)):
            assert np.asarray(g).dtype == np.asarray(w).dtype and np.shape(g) == np.shape(w)
            np.testing.assert_allclose(g, w)
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 2)) + 1j * rng.normal(size=(4, 2))
    b = rng.normal(size=4) + 1j * rng.normal(size=4)
    for g, w in zip(fnp.linalg.lstsq(a, b), np.linalg.lstsq(a, b)):
        assert np.asarray(g).dtype == np.asarray(w).dtype
        np.testing.assert_allclose(g, w, rtol=1e-12)
    for m in (np.array([[2, 1], [1, 3]]), np.array([[True, False], [True, True]]),
              np.array([[1, 2], [3, 4]], np.int8)):
        for n in (0, 1, 2, 3, -1):
            w, g = np.linalg.matrix_power(m, n), fnp.linalg.matrix_power(m, n)
            assert g.dtype == w.dtype, (m.dtype, n)
            np.testing.assert_allclose(g, w, rtol=1e-12)
    np.testing.assert_allclose(fg.jit(lambda m: fnp.linalg.matrix_power(m, 3))(np.eye(2) * 2),
                               np.eye(2) * 8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in (np.zeros((2, 2)), np.diag([2.0, 0.0]), np.diag([2.0, 0.5])):
            for p in (None, 2, -2):
                assert fnp.linalg.cond(x, p) == np.linalg.cond(x, p), (x, p)
        np.testing.assert_array_equal(
            fg.vmap(fnp.linalg.cond)(np.stack([np.eye(2), np.zeros((2, 2))])), [1.0, np.inf])
    np.testing.assert_allclose(fg.grad(fnp.linalg.cond)(np.diag([2.0, 0.5])),
                               [[2.0, 0.0], [0.0, -8.0]])
