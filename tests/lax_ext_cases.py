"""Cases of fungrad.lax's JAX-compatible functions, written once against a `lax` module so that the
same function runs on fungrad.lax and on jax.lax (tests/references/make_lax_ext_jax.py records
JAX's values and gradients from it; tests/test_lax_ext.py compares).

CASES: name -> Case(fn(lax, *args), make(rng) -> args, diff): `diff` lists the argument numbers
differentiated (float arguments) in the gradient checks; integer arguments are indices.
"""
import dataclasses
from collections.abc import Callable

import numpy as np


@dataclasses.dataclass(frozen=True)
class Case:
    fn: Callable
    make: Callable
    diff: tuple = ()
    batch: bool = True  # vmap over a stack of argument sets is meaningful


def _n(*shape):
    return lambda rng: rng.standard_normal(shape)


def _args(*makers):
    return lambda rng: tuple(m(rng) for m in makers)


def _int(lo, hi, shape=(), dtype=np.int32):
    return lambda rng: rng.integers(lo, hi, shape).astype(dtype)


def _pos(*shape):
    return lambda rng: rng.uniform(0.5, 2.0, shape)


def _unit(*shape):
    return lambda rng: rng.uniform(-0.9, 0.9, shape)


def _distinct(*shape):
    """Reals without ties (a permutation of a grid plus noise): sorting is differentiable."""
    def make(rng):
        n = int(np.prod(shape))
        return (rng.permutation(n) + 0.1 * rng.uniform(size=n)).reshape(shape) / n
    return make


def _gdn(lax, **kw):
    return lax.GatherDimensionNumbers(**kw)


def _sdn(lax, **kw):
    return lax.ScatterDimensionNumbers(**kw)


ROWS = dict(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
WIN = dict(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(0, 1))
BATCHED = dict(offset_dims=(), collapsed_slice_dims=(1,), start_index_map=(1,),
               operand_batching_dims=(0,), start_indices_batching_dims=(0,))
S_ROWS = dict(update_window_dims=(1,), inserted_window_dims=(0,),
              scatter_dims_to_operand_dims=(0,))
S_ELEM = dict(update_window_dims=(), inserted_window_dims=(0, 1),
              scatter_dims_to_operand_dims=(0, 1))
S_WIN = dict(update_window_dims=(1, 2), inserted_window_dims=(),
             scatter_dims_to_operand_dims=(0, 1))


def _sqrt_root(lax, a):
    def f(x):
        return x * x - a

    def newton(f, x0):
        return lax.fori_loop(0, 30, lambda i, x: x - f(x) / (2 * x), x0)

    return lax.custom_root(f, lax.full_like(a, 1.0), newton,
                           lambda g, y: y / g(lax.full_like(y, 1.0)))


def _linear_solve(lax, m, b):
    a = lax.dot(m, lax.transpose(m, (1, 0))) + 3.0 * np.eye(3)

    def matvec(v):
        return lax.dot(a, v)

    def solve(mv, rhs):  # Gauss-Jordan elimination in lax ops: linear in rhs
        aug = lax.concatenate([a, lax.expand_dims(rhs, (1,))], 1)
        for k in range(3):
            row = lax.dynamic_slice(aug, (k, 0), (1, 4))
            row = row / lax.dynamic_slice(aug, (k, k), (1, 1))
            col = lax.dynamic_slice(aug, (0, k), (3, 1))
            mask = np.broadcast_to((np.arange(3) == k)[:, None], (3, 4))
            aug = lax.select(mask, lax.broadcast_in_dim(row, (3, 4), (0, 1)), aug - col * row)
        return aug[:, 3]

    return lax.custom_linear_solve(matvec, b, solve, symmetric=True)


def _spd(lax, m):
    return lax.dot(m, lax.transpose(m, (1, 0))) + 3.0 * np.eye(m.shape[0])


def _tri(m):
    return m * np.triu(np.ones((3, 3))) + 4.0 * np.eye(3)


def _eigh_parts(lax, s):
    v, w = lax.linalg.eigh(s)
    return w, lax.dot(v * w, lax.transpose(v, (1, 0)))


def _svd_parts(lax, m):
    u, s, vh = lax.linalg.svd(m, full_matrices=False)
    return s, lax.dot(u * s, vh), lax.linalg.svd(m, compute_uv=False)


def _qr_parts(lax, m):
    q, r = lax.linalg.qr(m, full_matrices=False)
    return lax.dot(q, r), lax.abs(r), lax.dot(lax.transpose(q, (1, 0)), q)


def _affine(a, b):  # composition of affine maps x -> m x + c, an associative non-commutative op
    (m1, c1), (m2, c2) = a, b
    return m2 * m1, m2 * c1 + c2


CASES = {
    # ---- dynamic slicing (traced starts, clamped; negative starts count from the end)
    "dynamic_slice": Case(lambda lax, x, i: lax.dynamic_slice(x, (i, 0 * i + 1), (2, 3)),
                          _args(_n(4, 5), _int(-5, 6)), (0,)),
    "dynamic_slice_array_starts": Case(
        lambda lax, x, s: lax.dynamic_slice(x, s, (2, 2)), _args(_n(4, 5), _int(-2, 5, (2,))),
        (0,)),
    "dynamic_update_slice": Case(lambda lax, x, u, i: lax.dynamic_update_slice(x, u, (i, 0 * i + 2)),
                                 _args(_n(4, 5), _n(2, 3), _int(-5, 6)), (0, 1)),
    "dynamic_slice_in_dim": Case(lambda lax, x, i: lax.dynamic_slice_in_dim(x, i, 2, axis=1),
                                 _args(_n(3, 5), _int(0, 6)), (0,)),
    "dynamic_index_in_dim": Case(
        lambda lax, x, i: lax.dynamic_index_in_dim(x, i, axis=0, keepdims=False),
        _args(_n(4, 3), _int(-4, 4)), (0,)),
    "dynamic_update_slice_in_dim": Case(
        lambda lax, x, u, i: lax.dynamic_update_slice_in_dim(x, u, i, axis=1),
        _args(_n(3, 5), _n(3, 2), _int(0, 5)), (0, 1)),
    "dynamic_update_index_in_dim": Case(
        lambda lax, x, u, i: lax.dynamic_update_index_in_dim(x, u, i, axis=0),
        _args(_n(4, 3), _n(3), _int(0, 4)), (0, 1)),
    "slice": Case(lambda lax, x: lax.slice(x, (1, 0), (4, 5), (2, 2)), _args(_n(5, 5)), (0,)),
    "slice_in_dim": Case(lambda lax, x: lax.slice_in_dim(x, 1, None, 2, axis=1),
                         _args(_n(3, 6)), (0,)),
    "index_in_dim": Case(lambda lax, x: lax.index_in_dim(x, -1, axis=1, keepdims=False),
                         _args(_n(3, 4)), (0,)),
    "pad_interior_negative": Case(
        lambda lax, x: lax.pad(x, 0.5, [(1, 2, 1), (-1, 0, 2)]), _args(_n(3, 4)), (0,)),
    "pad_traced_value": Case(lambda lax, x, v: lax.pad(x, v, [(2, -1, 0), (0, 1, 1)]),
                             _args(_n(3, 2), _n()), (0, 1)),
    # ---- elementwise
    "clamp": Case(lambda lax, x: lax.clamp(-0.5, x, 0.7), _args(_n(7)), (0,)),
    "clamp_arrays": Case(lambda lax, lo, x, hi: lax.clamp(lo, x, hi),
                         _args(lambda r: r.uniform(-1, -0.2, (5,)), _n(5),
                               lambda r: r.uniform(0.2, 1, (5,))), (0, 1, 2)),
    "rsqrt": Case(lambda lax, x: lax.rsqrt(x), _args(_pos(4)), (0,)),
    "square": Case(lambda lax, x: lax.square(x), _args(_n(4)), (0,)),
    "reciprocal": Case(lambda lax, x: lax.reciprocal(x), _args(_pos(4)), (0,)),
    "erf_inv": Case(lambda lax, x: lax.erf_inv(x), _args(_unit(4)), (0,)),
    "erfc": Case(lambda lax, x: lax.erfc(x), _args(_n(4)), (0,)),
    "lgamma": Case(lambda lax, x: lax.lgamma(x), _args(_pos(4)), (0,)),
    "digamma": Case(lambda lax, x: lax.digamma(x), _args(_pos(4)), (0,)),
    "igamma": Case(lambda lax, a, x: lax.igamma(a, x), _args(_pos(4), _pos(4)), (1,)),
    "exp2": Case(lambda lax, x: lax.exp2(x), _args(_n(4)), (0,)),
    "cbrt": Case(lambda lax, x: lax.cbrt(x), _args(_pos(4)), (0,)),
    "round_away": Case(lambda lax, x: lax.round(x),
                       lambda r: (np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999999999999994,
                                            -3.7, 4.2]),), batch=False),
    "round_even": Case(lambda lax, x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN),
                       lambda r: (np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -3.7]),),
                       batch=False),
    "integer_pow": Case(lambda lax, x: lax.integer_pow(x, 3), _args(_n(4)), (0,)),
    "nextafter": Case(lambda lax, x, y: lax.nextafter(x, y), _args(_n(4), _n(4))),
    "complex_parts": Case(lambda lax, x, y: (lax.real(lax.conj(lax.complex(x, y))),
                                             lax.imag(lax.conj(lax.complex(x, y)))),
                          _args(_n(3), _n(3)), (0, 1)),
    # ---- bits
    "shifts": Case(lambda lax, x, y: (lax.shift_left(x, y), lax.shift_right_logical(x, y),
                                      lax.shift_right_arithmetic(x, y)),
                   lambda r: (np.array([-7, 5, 1 << 30, -1, 3, -8], np.int32),
                              np.array([1, 31, 2, 32, -1, 3], np.int32)), batch=False),
    "shifts_uint8": Case(lambda lax, x, y: (lax.shift_left(x, y), lax.shift_right_logical(x, y),
                                            lax.shift_right_arithmetic(x, y)),
                         lambda r: (np.array([200, 5, 128, 255], np.uint8),
                                    np.array([1, 7, 3, 8], np.uint8)), batch=False),
    "population_count_clz": Case(lambda lax, x: (lax.population_count(x), lax.clz(x)),
                                 _args(_int(-2 ** 31, 2 ** 31 - 1, (6,)))),
    "clz_uint8": Case(lambda lax, x: lax.clz(x), _args(_int(0, 256, (6,), np.uint8))),
    "mulhi": Case(lambda lax, x, y: lax.mulhi(x, y),
                  _args(_int(0, 2 ** 32, (4,), np.uint32), _int(0, 2 ** 32, (4,), np.uint32))),
    "bitcast_f32_i32": Case(lambda lax, x: lax.bitcast_convert_type(x, np.int32),
                            lambda r: (r.standard_normal(4).astype(np.float32),)),
    "bitcast_f64_u32": Case(lambda lax, x: lax.bitcast_convert_type(x, np.uint32),
                            _args(_n(3))),
    "reduce_precision_bf16": Case(lambda lax, x: lax.reduce_precision(x, 8, 7),
                                  lambda r: (r.standard_normal(6) * 100,)),
    "reduce_precision_f16": Case(lambda lax, x: lax.reduce_precision(x, 5, 10),
                                 lambda r: (np.array([1e-6, 7e4, 1.0009765625, -3.14159, 1e-8]),),
                                 batch=False),
    # ---- cumulative
    "cumsum": Case(lambda lax, x: lax.cumsum(x, axis=1, reverse=True), _args(_n(2, 4)), (0,)),
    "cumprod": Case(lambda lax, x: lax.cumprod(x, axis=0), _args(_n(3, 2)), (0,)),
    "cummax": Case(lambda lax, x: lax.cummax(x, axis=1), _args(_distinct(2, 5)), (0,)),
    "cummin": Case(lambda lax, x: lax.cummin(x, axis=1, reverse=True), _args(_distinct(2, 5)),
                   (0,)),
    "cumlogsumexp": Case(lambda lax, x: lax.cumlogsumexp(x, axis=1), _args(_n(2, 7)), (0,)),
    "cumlogsumexp_tails": Case(lambda lax, x: lax.cumlogsumexp(x, reverse=True),
                               lambda r: (np.array([-1000.0, 0.0, 800.0, -np.inf, 3.0]),),
                               batch=False),
    "associative_scan_add": Case(lambda lax, x: lax.associative_scan(lax.add, x, axis=1),
                                 _args(_n(2, 9)), (0,)),
    "associative_scan_affine": Case(
        lambda lax, m, c: lax.associative_scan(_affine, (m, c), reverse=True),
        _args(_n(6), _n(6)), (0, 1)),
    # ---- sorting
    "sort": Case(lambda lax, x: lax.sort(x, dimension=0), _args(_distinct(4, 3)), (0,)),
    "sort_num_keys": Case(lambda lax, k1, k2, v: lax.sort((k1, k2, v), num_keys=2),
                          _args(lambda r: r.integers(0, 2, 8).astype(np.float64), _distinct(8),
                                _n(8)), (2,)),
    "sort_key_val": Case(lambda lax, k, v: lax.sort_key_val(k, v), _args(_distinct(2, 5),
                                                                       _n(2, 5)), (0, 1)),
    "top_k": Case(lambda lax, x: lax.top_k(x, 3), _args(_distinct(2, 6)), (0,)),
    # ---- shapes and creation
    "broadcast": Case(lambda lax, x: lax.broadcast(x, (2,)), _args(_n(3)), (0,)),
    "broadcast_in_dim": Case(lambda lax, x: lax.broadcast_in_dim(x, (2, 3, 4), (0, 2)),
                             _args(_n(2, 1)), (0,)),
    "expand_squeeze": Case(lambda lax, x: lax.squeeze(lax.expand_dims(x, (0, 3)), (0,)),
                           _args(_n(2, 3)), (0,)),
    "rev": Case(lambda lax, x: lax.rev(x, (0, 1)), _args(_n(2, 3)), (0,)),
    "collapse": Case(lambda lax, x: lax.collapse(x, 1, 3), _args(_n(2, 3, 4, 2)), (0,)),
    "split": Case(lambda lax, x: tuple(lax.split(x, (1, 3), axis=1)), _args(_n(2, 4)), (0,)),
    "stack_unstack": Case(lambda lax, x: lax.stack(lax.unstack(x, axis=1), axis=0),
                          _args(_n(2, 3)), (0,)),
    "tile": Case(lambda lax, x: lax.tile(x, (2, 3)), _args(_n(2, 2)), (0,)),
    "iota": Case(lambda lax: (lax.iota(np.int32, 5), lax.broadcasted_iota(np.float64, (2, 3), 1)),
                 lambda r: (), batch=False),
    "full": Case(lambda lax, x: (lax.full((2, 3), x), lax.full_like(lax.iota(np.float64, 4), x)),
                 _args(_n()), (0,)),
    # ---- reductions and select
    "argmax_index_dtype": Case(lambda lax, x: (lax.argmax(x, 1, np.int32),
                                               lax.argmin(x, 0, np.int32)), _args(_n(3, 4))),
    "reduce_add_monoid": Case(lambda lax, x: lax.reduce(x, 0.0, lax.add, (0, 2)),
                              _args(_n(2, 3, 4)), (0,)),
    "reduce_max_monoid": Case(lambda lax, x: lax.reduce(x, -np.inf, lax.max, (1,)),
                              _args(_distinct(3, 4)), (0,)),
    "reduce_pytree": Case(lambda lax, x, y: lax.reduce(
        (x, y), (0.0, 1.0), lambda a, b: (a[0] + b[0], a[1] * b[1]), (1,)),
        _args(_n(2, 5), _pos(2, 5)), (0, 1)),
    "reduce_bitwise": Case(lambda lax, x, b: (lax.reduce_and(x, (1,)), lax.reduce_or(x, (0,)),
                                              lax.reduce_xor(x, (1,)), lax.reduce_and(b, (0,)),
                                              lax.reduce_or(b, (1,))),
                           _args(_int(0, 64, (3, 4)), lambda r: r.random((3, 4)) < 0.6)),
    "select_n": Case(lambda lax, w, a, b, c: lax.select_n(w, a, b, c),
                     _args(_int(0, 3, (5,)), _n(5), _n(5), _n(5)), (1, 2, 3)),
    "select_n_bool": Case(lambda lax, w, a, b: lax.select_n(w, a, b),
                          _args(lambda r: r.random(4) < 0.5, _n(4), _n(4)), (1, 2)),
    # ---- gather / scatter
    "gather_rows_clip": Case(
        lambda lax, x, i: lax.gather(x, i, _gdn(lax, **ROWS), (1, 3), mode="clip"),
        _args(_n(5, 3), _int(-2, 8, (4, 1))), (0,)),
    "gather_rows": Case(
        lambda lax, x, i: lax.gather(x, i, _gdn(lax, **ROWS), (1, 3)),
        _args(_n(5, 3), _int(0, 5, (4, 1))), (0,)),
    "gather_windows_fill": Case(
        lambda lax, x, i: lax.gather(x, i, _gdn(lax, **WIN), (2, 3), mode="fill", fill_value=-1.0),
        _args(_n(6, 5), _int(-1, 6, (3, 2))), (0,)),
    "gather_batching": Case(
        lambda lax, x, i: lax.gather(x, i, _gdn(lax, **BATCHED), (1, 1)),
        _args(_n(3, 5), _int(0, 5, (3, 1))), (0,)),
    "scatter_add_drop": Case(
        lambda lax, x, i, u: lax.scatter_add(x, i, u, _sdn(lax, **S_ROWS)),
        _args(_n(5, 3), _int(-2, 7, (6, 1)), _n(6, 3)), (0, 2)),
    "scatter_add_clip": Case(
        lambda lax, x, i, u: lax.scatter_add(x, i, u, _sdn(lax, **S_ROWS), mode="clip"),
        _args(_n(5, 3), _int(-2, 7, (6, 1)), _n(6, 3)), (0, 2)),
    "scatter_elements": Case(
        lambda lax, x, i, u: (lax.scatter(x, i, u, _sdn(lax, **S_ELEM)),
                              lax.scatter_mul(x, i, u, _sdn(lax, **S_ELEM), unique_indices=True),
                              lax.scatter_min(x, i, u, _sdn(lax, **S_ELEM)),
                              lax.scatter_max(x, i, u, _sdn(lax, **S_ELEM)),
                              lax.scatter_sub(x, i, u, _sdn(lax, **S_ELEM))),
        lambda r: (r.standard_normal((4, 3)), np.array([[0, 1], [3, 2], [2, 0]], np.int32),
                   r.standard_normal(3)), (0, 2)),
    "scatter_windows": Case(
        lambda lax, x, i, u: lax.scatter_add(x, i, u, _sdn(lax, **S_WIN)),
        _args(_n(5, 6), _int(0, 4, (2, 2)), _n(2, 2, 3)), (0, 2)),
    "index_take": Case(lambda lax, x, i: lax.index_take(x, i, (0, 2)),
                       _args(_n(3, 2, 4), _int(0, 3, (2, 5))), (0,)),
    # ---- contractions
    "dot": Case(lambda lax, a, b: (lax.dot(a, b), lax.dot(b[:, 0], b[:, 1])),
                _args(_n(2, 3), _n(3, 2)), (0, 1)),
    "dot_general_preferred": Case(
        lambda lax, a, b: lax.dot_general(a, b, (((2,), (1,)), ((0,), (0,))),
                                          preferred_element_type=np.float64),
        lambda r: (r.standard_normal((2, 3, 4)).astype(np.float32),
                   r.standard_normal((2, 4, 2)).astype(np.float32))),
    "batch_matmul": Case(lambda lax, a, b: lax.batch_matmul(a, b),
                         _args(_n(2, 3, 4), _n(2, 4, 2)), (0, 1)),
    "ragged_dot": Case(lambda lax, a, b, g: lax.ragged_dot(a, b, g),
                       lambda r: (r.standard_normal((6, 3)), r.standard_normal((3, 3, 2)),
                                  np.array([2, 0, 3], np.int32)), (0, 1)),
    # ---- lax.linalg (sign-free functions of the factors where the factors' signs are free)
    "linalg_cholesky": Case(lambda lax, m: lax.linalg.cholesky(_spd(lax, m)), _args(_n(3, 3)),
                            (0,)),
    "linalg_eigh": Case(lambda lax, m: _eigh_parts(lax, _spd(lax, m)), _args(_n(3, 3)), (0,)),
    "linalg_svd": Case(lambda lax, m: _svd_parts(lax, m), _args(_n(4, 3)), (0,)),
    "linalg_qr": Case(lambda lax, m: _qr_parts(lax, m), _args(_n(4, 3)), (0,)),
    "linalg_lu": Case(lambda lax, m: lax.linalg.lu(m), _args(_n(4, 4)), (0,)),
    "linalg_triangular_solve": Case(
        lambda lax, m, b: (lax.linalg.triangular_solve(_tri(m), b),
                           lax.linalg.triangular_solve(_tri(m), lax.transpose(b, (1, 0)),
                                                       left_side=True, lower=False,
                                                       transpose_a=True)),
        _args(_n(3, 3), _n(2, 3)), (0, 1)),
    "linalg_tridiagonal_solve": Case(
        lambda lax, dl, d, du, b: lax.linalg.tridiagonal_solve(
            dl * np.array([0.0, 1, 1, 1]), d + 4.0, du * np.array([1.0, 1, 1, 0]), b),
        _args(_n(4), _n(4), _n(4), _n(4, 2)), (0, 1, 2, 3)),
    "linalg_symmetric_product": Case(
        lambda lax, a, c: lax.linalg.symmetric_product(a, c, alpha=2.0, beta=0.5),
        _args(_n(3, 2), _n(3, 3))),  # values only: JAX has no derivative rule for it
    # ---- identities and solvers
    "optimization_barrier": Case(lambda lax, x: lax.optimization_barrier((x, 2 * x))[1],
                                 _args(_n(3)), (0,)),
    "custom_root": Case(_sqrt_root, _args(_pos(3)), (0,)),
    "custom_linear_solve": Case(_linear_solve, _args(_n(3, 3), _n(3)), (0, 1)),
}


def grad_weights(v):
    """Fixed weights w of the scalar sum(fn(...) * w) whose gradient is compared."""
    return (np.arange(np.size(v)).reshape(np.shape(v)) % 3 + 1.0)
