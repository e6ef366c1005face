"""Complex-number differentiation cases shared by the JAX recorder
(tests/references/make_complex_jax.py) and tests/test_complex.py.

Each case is a function of a numpy-like module `m` (jax.numpy or fungrad.numpy) and its inputs,
and a transform kind; `run(case, t, m)` applies the transform of library `t` (jax or fungrad):

  grad        grad of a real-valued function of complex (or real) inputs
  grad_holo   grad(holomorphic=True) of a complex scalar function
  jacfwd_holo / jacrev_holo / hessian_holo   the holomorphic Jacobians (and Hessian)
  jvp         jvp with the given complex tangents (not necessarily holomorphic)
  vjp         vjp with the given cotangent
"""
import dataclasses
from collections.abc import Callable

import numpy as np

_rng = np.random.default_rng(20261202)


def _c(*shape):
    return _rng.uniform(-1.5, 1.5, shape) + 1j * _rng.uniform(-1.5, 1.5, shape)


def _right(*shape):
    """Re z > 0: away from the branch cut of log, sqrt and pow."""
    return _rng.uniform(0.4, 1.8, shape) + 1j * _rng.uniform(-1.2, 1.2, shape)


Z = _c(4)
W = _c(4)
ZR = _right(4)
A = _c(3, 4)
X = _rng.uniform(-1.5, 1.5, 6)
Z0 = np.array([0j, 1 + 1j, -0.5 + 2j])  # a zero entry: |z| has the gradient 0 there (JAX's)
SQ = _c(4, 4) * 0.4 + 2.0 * np.eye(4)  # well-conditioned square matrix


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    kind: str
    fun: Callable          # fun(m, *args)
    args: tuple
    argnums: object = 0
    extra: tuple = ()      # tangents (jvp) or the cotangent (vjp)


CASES = [
    # ---- grad of real-valued losses of complex inputs (JAX's convention)
    Case("abs2", "grad", lambda m, z: m.sum(m.abs(z) ** 2), (Z,)),
    Case("z_conj_z", "grad", lambda m, z: m.sum(m.real(z * m.conj(z))), (Z,)),
    Case("real_exp", "grad", lambda m, z: m.sum(m.real(m.exp(z))), (Z,)),
    Case("imag_sin", "grad", lambda m, z: m.sum(m.imag(m.sin(z))), (Z,)),
    Case("abs_dot_two_args", "grad", lambda m, z, w: m.abs(m.sum(z * w)), (Z, W), (0, 1)),
    Case("angle", "grad", lambda m, z: m.sum(m.angle(z)), (Z,)),
    Case("vdot", "grad", lambda m, z, w: m.real(m.vdot(z, w)), (Z, W), (0, 1)),
    Case("norm", "grad", lambda m, z: m.linalg.norm(z), (Z,)),
    Case("abs_sqrt", "grad", lambda m, z: m.sum(m.abs(m.sqrt(z))), (ZR,)),
    Case("real_log", "grad", lambda m, z: m.real(m.sum(m.log(z))), (ZR,)),
    Case("abs_at_zero", "grad", lambda m, z: m.sum(m.abs(z)), (Z0,)),
    Case("var", "grad", lambda m, z: m.var(z), (Z,)),
    Case("std", "grad", lambda m, z: m.std(z), (Z,)),
    Case("prod", "grad", lambda m, z: m.real(m.prod(z)), (Z,)),
    Case("matmul", "grad", lambda m, a, z: m.sum(m.real(a @ z) * m.imag(a @ z)), (A, Z), (0, 1)),
    Case("einsum", "grad", lambda m, a, z: m.abs(m.einsum("ij,j->", a, z)), (A, Z), (0, 1)),
    Case("fft", "grad", lambda m, z: m.sum(m.abs(m.fft.fft(z))), (Z,)),
    Case("rational", "grad", lambda m, z: m.sum(m.real(z ** 3 / (1 + z))), (ZR,)),
    Case("abs_tanh", "grad", lambda m, z: m.sum(m.abs(m.tanh(z))), (Z * 0.5,)),
    Case("inverse_trig", "grad",
         lambda m, z: m.sum(m.real(m.arctan(z * 0.5)) + m.imag(m.arcsinh(z * 0.5))), (Z,)),
    Case("arccosh_right", "grad", lambda m, z: m.sum(m.imag(m.arccosh(z + 1.0))), (ZR,)),
    Case("where", "grad", lambda m, z: m.sum(m.real(m.where(m.real(z) > 0, z, z * z))), (Z,)),
    Case("cumsum", "grad", lambda m, z: m.sum(m.abs(m.cumsum(z))), (Z,)),
    Case("pow_complex", "grad", lambda m, z, w: m.sum(m.real(z ** (0.3 * w))), (ZR, W), (0, 1)),
    Case("reciprocal", "grad", lambda m, z: m.sum(m.imag(1 / z)), (Z,)),
    Case("rfft_times_x", "grad",
         lambda m, x: m.sum(m.abs(m.fft.rfft(x) * x[:4])), (X,)),
    Case("real_times_i", "grad", lambda m, x: m.sum(m.imag(x * 1j * x) + m.abs(x + 2j)), (X,)),
    Case("mixed_real_complex", "grad",
         lambda m, x, z: m.sum(m.abs(x[:4] * z) ** 2), (X, Z), (0, 1)),
    # lexicographic order of complex numbers (numpy's and JAX's), sign's zero tangent
    Case("max", "grad", lambda m, z: m.real(m.max(z)), (Z,)),
    Case("maximum", "grad", lambda m, z: m.real(m.sum(m.maximum(z, 0.2 + 0.1j))), (Z,)),
    Case("sign", "grad", lambda m, z: m.sum(m.real(m.sign(z) * z)), (Z,)),
    Case("sort", "grad", lambda m, z: m.real(m.sum(m.sort(z) * m.arange(4.0))), (Z,)),
    # linear algebra on complex matrices
    Case("solve", "grad", lambda m, a, b: m.sum(m.abs(m.linalg.solve(a, b)) ** 2), (SQ, Z),
         (0, 1)),
    Case("inv", "grad", lambda m, a: m.sum(m.real(m.linalg.inv(a)) * m.arange(16.0).reshape(4, 4)),
         (SQ,)),
    Case("abs_det", "grad", lambda m, a: m.abs(m.linalg.det(a)), (SQ,)),
    Case("eigvalsh", "grad",
         lambda m, a: m.sum(m.linalg.eigvalsh(a + m.conj(a).T) * m.arange(1.0, 5.0)), (SQ,)),
    Case("svdvals", "grad",
         lambda m, a: m.sum(m.linalg.svd(a, compute_uv=False) ** 2 * m.arange(1.0, 4.0)), (A,)),
    Case("matrix_norm", "grad", lambda m, a: m.linalg.norm(a, "fro") + m.linalg.norm(a, 1),
         (A,)),
    # ---- holomorphic
    Case("holo_cube", "grad_holo", lambda m, z: z ** 3, (Z[0],)),
    Case("holo_exp_sin", "grad_holo", lambda m, z: m.exp(z) * m.sin(z), (Z[1],)),
    Case("holo_log_over_z", "grad_holo", lambda m, z: m.log(z) / z, (ZR[0],)),
    Case("holo_sum", "grad_holo", lambda m, z: m.sum(m.sqrt(z) * z), (ZR,)),
    Case("jacfwd_holo", "jacfwd_holo", lambda m, z: z ** 2 * m.exp(z), (Z,)),
    Case("jacrev_holo", "jacrev_holo", lambda m, z: z ** 2 * m.exp(z), (Z,)),
    Case("jacfwd_holo_matvec", "jacfwd_holo", lambda m, a, z: a @ z, (A, Z), (0, 1)),
    Case("jacrev_holo_matvec", "jacrev_holo", lambda m, a, z: a @ z, (A, Z), (0, 1)),
    Case("jacrev_holo_cumprod", "jacrev_holo", lambda m, z: m.cumprod(z), (Z,)),
    Case("holo_solve", "jacrev_holo", lambda m, a, b: m.linalg.solve(a, b), (SQ, Z), 1),
    Case("holo_inv_fwd", "jacfwd_holo", lambda m, a: m.linalg.inv(a), (SQ,)),
    Case("hessian_holo", "hessian_holo", lambda m, z: m.sum(z ** 3 * m.cos(z)), (Z,)),
    # ---- jvp and vjp of non-holomorphic functions, complex outputs
    Case("jvp_conj_z2", "jvp", lambda m, z: m.conj(z) * z ** 2, (Z,), extra=(W,)),
    Case("jvp_abs", "jvp", lambda m, z: m.abs(z), (Z,), extra=(W,)),
    Case("vjp_conj_z2", "vjp", lambda m, z: m.conj(z) * z ** 2, (Z,), extra=(W,)),
    Case("vjp_real_to_complex", "vjp", lambda m, x: m.exp(1j * x), (X,), extra=(_c(6),)),
    Case("vjp_real_part", "vjp", lambda m, z: m.real(z) * m.imag(z), (Z,),
         extra=(_rng.uniform(-1, 1, 4),)),
]


def run(case, t, m):
    """The case's result with transform library `t` (jax or fungrad) and numpy module `m`."""
    def f(*a):
        return case.fun(m, *a)
    args = tuple(m.asarray(a) for a in case.args)
    k = case.kind
    if k == "grad":
        return t.grad(f, argnums=case.argnums)(*args)
    if k == "grad_holo":
        return t.grad(f, argnums=case.argnums, holomorphic=True)(*args)
    if k == "jacfwd_holo":
        return t.jacfwd(f, argnums=case.argnums, holomorphic=True)(*args)
    if k == "jacrev_holo":
        return t.jacrev(f, argnums=case.argnums, holomorphic=True)(*args)
    if k == "hessian_holo":
        return t.hessian(f, argnums=case.argnums, holomorphic=True)(*args)
    if k == "jvp":
        return t.jvp(f, args, tuple(m.asarray(e) for e in case.extra))
    if k == "vjp":
        out, pull = t.vjp(f, *args)
        return out, pull(m.asarray(case.extra[0]))
    raise ValueError(k)


def to_json(tree):
    """A (nested tuple of) array(s) as JSON: each leaf {"re", "im", "shape", "dtype"}."""
    if isinstance(tree, (tuple, list)):
        return [to_json(x) for x in tree]
    a = np.asarray(tree)
    return {"re": np.real(a).ravel().tolist(), "im": np.imag(a).ravel().tolist(),
            "shape": list(a.shape), "dtype": a.dtype.name}


def from_json(obj):
    if isinstance(obj, list):
        return tuple(from_json(x) for x in obj)
    re = np.asarray(obj["re"], np.float64).reshape(obj["shape"])
    im = np.asarray(obj["im"], np.float64).reshape(obj["shape"])
    dtype = np.dtype(obj["dtype"])
    return (re + 1j * im).astype(dtype) if dtype.kind == "c" else re.astype(dtype)
