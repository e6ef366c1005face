"""Primitive records on complex operands: every elementwise, reduction and linear primitive of
fungrad._lax that takes complex numbers, collected into tests/prim_records.py's table.

The table's arguments and results are real (its checks differentiate real functions: jacfwd needs
real inputs, jacrev and grad real outputs, as in JAX), so each row builds its complex operands
from real and imaginary parts, `complex_(x, y)`, and returns the real and imaginary parts of the
result stacked on a new leading axis (`parts`). The row's numpy reference does the same with
numpy's complex arithmetic; every shape includes 0-d operands (the generated code's scalar path).
Domains keep the operands away from branch cuts and poles.
"""
import numpy as np
from prim_records import (
    BINARY_SHAPES, POS, REAL, UNARY_SHAPES, Rec, away_from_zero, bools, int_valued, real)

from fungrad._core.trace import get_aval
from fungrad._lax import arith, cumulative, linalg, math, reductions, shape, ufuncs
from fungrad._lax import complex_parts as cp
from fungrad._lax.indexing import concatenate

C128 = np.dtype(np.complex128)


def z(x, y):
    return cp.complex_(x, y)


def parts(w):
    """Real and imaginary parts of a complex result, stacked on a new leading axis (real)."""
    s = get_aval(w).shape
    return concatenate([shape.reshape(cp.real(w), (1, *s)), shape.reshape(cp.imag(w), (1, *s))], 0)


def np_parts(w):
    w = np.asarray(w)
    return np.stack([w.real, w.imag])


SMALL = real(-0.5, 0.5)
RIGHT = POS                      # Re z > 0: away from the cut of log/sqrt/pow on (-inf, 0]
TIES = int_valued(0, 2)         # few distinct values: equal complex numbers really occur
UPPER = real(0.3, 1.0)           # Im z > 0: away from the cut of acosh on (-inf, 1]
UNARY_C = [(s[0], s[0]) for s in UNARY_SHAPES]
BINARY_C = [(a, a, b, b) for a, b in BINARY_SHAPES]


def cunary(prim, fn, ref, domains=(REAL, REAL), diff="smooth", name=""):
    """A record of a one-operand primitive on z = x + iy (x, y from `domains`)."""
    return Rec(prim, lambda x, y: parts(fn(z(x, y))), UNARY_C, tuple(domains),
               lambda x, y: np_parts(ref(x + 1j * y)), diff, name or f"{prim.name}-c128")


def cbinary(prim, fn, ref, domains=(REAL, REAL, REAL, REAL), diff="smooth", name="",
            shapes=BINARY_C):
    return Rec(prim, lambda a, b, c, d: parts(fn(z(a, b), z(c, d))), shapes, tuple(domains),
               lambda a, b, c, d: np_parts(ref(a + 1j * b, c + 1j * d)), diff,
               name or f"{prim.name}-c128")


def _dot(dn, shapes, name):
    (lc, rc), _ = dn

    def ref(u, v):
        return np.tensordot(u, v, (lc, rc))
    return cbinary(linalg.dot_general_p, lambda u, v: linalg.dot_general(u, v, dn), ref,
                   shapes=shapes, name=f"dot_general-c128-{name}")


def _abs_ref(x, y):
    return np.abs(x + 1j * y)


def _logistic(w):
    return 1 / (1 + np.exp(-w))


RECORDS = [
    # ---- arithmetic
    cbinary(arith.add_p, arith.add, np.add),
    cbinary(arith.sub_p, arith.sub, np.subtract),
    cbinary(arith.mul_p, arith.mul, np.multiply),
    cbinary(arith.div_p, arith.div, np.divide, (REAL, REAL, away_from_zero(), away_from_zero())),
    cunary(arith.neg_p, arith.neg, np.negative),
    Rec(arith.select_p, lambda p, a, b, c, d: parts(arith.select(p, z(a, b), z(c, d))),
        [((), (), (), (), ()), ((3,), (3,), (3,), (3,), (3,)), ((2, 3), (), (), (2, 3), (2, 3))],
        (bools, REAL, REAL, REAL, REAL),
        lambda p, a, b, c, d: np_parts(np.where(p, a + 1j * b, c + 1j * d)), name="select-c128"),
    # conversions between real and complex (the real part of the cotangent flows back)
    Rec(arith.convert_p, lambda x: parts(arith.convert_element_type(x, C128)), UNARY_SHAPES,
        (REAL,), lambda x: np_parts(x.astype(C128)), 1, "convert-f64-c128"),
    Rec(arith.convert_p, lambda x, y: arith.convert_element_type(z(x, y), np.float64), UNARY_C,
        (REAL, REAL), lambda x, y: x + 0.0 * y, 1, "convert-c128-f64"),
    Rec(arith.convert_p, lambda x, y: parts(arith.convert_element_type(z(x, y), np.complex64)),
        UNARY_C, (REAL, REAL), lambda x, y: np_parts((x + 1j * y).astype(np.complex64)), 1,
        "convert-c128-c64", {"eps": 1e-2, "atol": 1e-4, "rtol": 1e-4}),
    # ---- elementwise math
    cunary(math.exp_p, math.exp, np.exp),
    cunary(math.log_p, math.log, np.log, (RIGHT, REAL)),
    cunary(math.log1p_p, math.log1p, np.log1p, (RIGHT, REAL)),
    cunary(math.expm1_p, math.expm1, np.expm1),
    cunary(math.sin_p, math.sin, np.sin),
    cunary(math.cos_p, math.cos, np.cos),
    cunary(math.tan_p, math.tan, np.tan, (real(-1.2, 1.2), SMALL)),
    cunary(math.tanh_p, math.tanh, np.tanh, (SMALL, real(-1.2, 1.2))),
    cunary(math.sinh_p, math.sinh, np.sinh),
    cunary(math.cosh_p, math.cosh, np.cosh),
    cunary(math.atan_p, math.atan, np.arctan, (REAL, SMALL)),
    cunary(math.asin_p, math.asin, np.arcsin, (real(-0.9, 0.9), REAL)),
    cunary(math.acos_p, math.acos, np.arccos, (real(-0.9, 0.9), REAL)),
    cunary(math.asinh_p, math.asinh, np.arcsinh, (REAL, SMALL)),
    cunary(math.acosh_p, math.acosh, np.arccosh, (REAL, UPPER)),
    cunary(math.atanh_p, math.atanh, np.arctanh, (REAL, real(0.3, 1.0))),
    cunary(math.sqrt_p, math.sqrt, np.sqrt, (RIGHT, REAL)),
    cunary(math.logistic_p, math.logistic, _logistic, (SMALL, SMALL)),
    cunary(ufuncs.log2_p, ufuncs.log2, np.log2, (RIGHT, REAL)),
    cunary(ufuncs.log10_p, ufuncs.log10, np.log10, (RIGHT, REAL)),
    cunary(ufuncs.exp2_p, ufuncs.exp2, np.exp2),
    # |z| is real (numpy's dtype), differentiable away from 0
    Rec(math.abs_p, lambda x, y: math.abs(z(x, y)), UNARY_C,
        (away_from_zero(), away_from_zero()), _abs_ref, name="abs-c128"),
    # sign(z) = z / |z|, with a zero tangent (JAX's convention)
    cunary(math.sign_p, math.sign, np.sign, (away_from_zero(), REAL), "nondiff"),
    Rec(math.is_finite_p, lambda x, y: math.is_finite(z(x, y)), UNARY_C, (REAL, REAL),
        lambda x, y: np.isfinite(x + 1j * y), "nondiff", "is_finite-c128"),
    Rec(math.eq_p, lambda a, b, c, d: math.eq(z(a, b), z(c, d)), BINARY_C,
        (TIES, TIES, TIES, TIES), lambda a, b, c, d: (a + 1j * b) == (c + 1j * d),
        "nondiff", "eq-c128"),
    cunary(math.integer_pow_p, lambda w: math.integer_pow(w, 2), np.square,
           name="integer_pow-c128-2"),
    cunary(math.integer_pow_p, lambda w: math.integer_pow(w, 3), lambda w: w ** 3,
           name="integer_pow-c128-3"),
    cunary(math.integer_pow_p, lambda w: math.integer_pow(w, -2), lambda w: w ** -2.0,
           (away_from_zero(), away_from_zero()), name="integer_pow-c128-neg2"),
    cbinary(math.pow_p, math.pow, np.power, (RIGHT, REAL, SMALL, SMALL)),
    # ---- reductions and cumulative
    Rec(shape.reduce_sum_p, lambda x, y: parts(shape.reduce_sum(z(x, y), (0,))),
        [((3,), (3,)), ((2, 3), (2, 3))], (REAL, REAL),
        lambda x, y: np_parts(np.sum(x + 1j * y, 0)), name="reduce_sum-c128"),
    Rec(reductions.reduce_prod_p, lambda x, y: parts(reductions.reduce_prod(z(x, y), (0,))),
        [((3,), (3,)), ((4, 2), (4, 2))], (REAL, REAL),
        lambda x, y: np_parts(np.prod(x + 1j * y, 0)), name="reduce_prod-c128"),
    Rec(cumulative.cumsum_p, lambda x, y: parts(cumulative.cumsum(z(x, y), 0)),
        [((4,), (4,)), ((3, 2), (3, 2))], (REAL, REAL),
        lambda x, y: np_parts(np.cumsum(x + 1j * y, 0)), name="cumsum-c128"),
    Rec(cumulative.cumprod_p, lambda x, y: parts(cumulative.cumprod(z(x, y), 0)),
        [((4,), (4,)), ((3, 2), (3, 2))], (REAL, REAL),
        lambda x, y: np_parts(np.cumprod(x + 1j * y, 0)), name="cumprod-c128"),
    Rec(shape.transpose_p, lambda x, y: parts(shape.transpose(z(x, y), (1, 0))),
        [((2, 3), (2, 3))], (REAL, REAL), lambda x, y: np_parts((x + 1j * y).T),
        name="transpose-c128"),
    # ---- products (unconjugated, as numpy's dot and JAX's dot_general)
    _dot((((0,), (0,)), ((), ())), [((3,), (3,), (3,), (3,))], "vecvec"),
    _dot((((1,), (0,)), ((), ())), [((2, 3), (2, 3), (3, 4), (3, 4))], "matmat"),
    _dot((((1,), (0,)), ((), ())), [((2, 3), (2, 3), (3,), (3,))], "matvec"),
]
