"""Primitive records of the numpy-breadth primitives (cumulative, sorting, scatter, and the
elementwise families fungrad.numpy adds), collected into tests/prim_records.py's table."""
import numpy as np

from prim_records import (
    REAL, Rec, UNARY_SHAPES, binary, bools, int_valued, ints, lax_index, real, unary, with_nonfinite,
    with_zero)

from fungrad._lax import cumulative, scatter, sorting
from fungrad._lax import ufuncs as elementwise

AXIS_SHAPES = [((4,),), ((3, 4),), ((2, 3, 2),)]


def _cum_rec(prim, fn, ref, domain=REAL, reverse=False, diff="smooth", name=""):
    def f(x):
        return fn(x, x.ndim - 1, reverse)

    def r(x):
        if reverse:
            return np.flip(ref(np.flip(x, -1), axis=-1), -1)
        return ref(x, axis=-1)
    return Rec(prim, f, AXIS_SHAPES, (domain,), r, diff, name or prim.name)


def _first_axis(fn):
    return lambda x: fn(x, 0)


def distinct(rng, shape):
    """Reals without ties (sort and extrema are smooth there)."""
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) + rng.uniform(0.1, 0.9, shape)).astype(np.float64)


def _sort_ref(x, axis=-1, descending=False):
    out = np.sort(x, axis=axis, kind="stable")
    return np.flip(out, axis) if descending else out


def _argsort_desc_ref(x):
    n = x.shape[-1]
    return (n - 1) - np.flip(np.argsort(np.flip(x, -1), axis=-1, kind="stable"), -1)


def _scatter_ref(ufunc, spec):
    def ref(operand, updates, *idx):
        out = operand.copy()
        index = lax_index(spec, idx)
        if ufunc is None:
            out[index] = updates
        else:
            ufunc.at(out, index, updates)
        return out
    return ref


def _scatter_rec(prim, ufunc, label, spec, shapes, index_domains=(), up_domain=REAL,
                 diff="smooth", op_domain=REAL):
    def fn(operand, updates, *idx):
        return prim.bind(operand, updates, *idx, spec=spec)
    return Rec(prim, fn, shapes, (op_domain, up_domain, *index_domains), _scatter_ref(ufunc, spec),
               diff, name=f"{prim.name}-{label}")


UNIQUE_IDX = ints(0, 5)
REPEATED_IDX = ints(0, 2)
SLICE = (("slice", 1, 3, None),)

RECORDS = [
    # ---- cumulative
    _cum_rec(cumulative.cumsum_p, cumulative.cumsum, np.cumsum),
    _cum_rec(cumulative.cumsum_p, cumulative.cumsum, np.cumsum, reverse=True,
             name="cumsum-reverse"),
    _cum_rec(cumulative.cumsum_p, cumulative.cumsum, lambda x, axis: np.cumsum(x, axis),
             ints(-3, 3), diff="nondiff", name="cumsum-int"),
    _cum_rec(cumulative.cumprod_p, cumulative.cumprod, np.cumprod),
    # through an exact zero the rule is exact to first order (the zero's own second derivative
    # terms are not formed; see fungrad/_lax/cumulative.py)
    _cum_rec(cumulative.cumprod_p, cumulative.cumprod, np.cumprod, with_zero, diff=1,
             name="cumprod-zero"),
    _cum_rec(cumulative.cumprod_p, cumulative.cumprod, np.cumprod, reverse=True,
             name="cumprod-reverse"),
    _cum_rec(cumulative.cummax_p, cumulative.cummax, np.maximum.accumulate, distinct),
    _cum_rec(cumulative.cummax_p, cumulative.cummax, np.maximum.accumulate, distinct, reverse=True,
             name="cummax-reverse"),
    _cum_rec(cumulative.cummin_p, cumulative.cummin, np.minimum.accumulate, distinct),
    _cum_rec(cumulative.cummin_p, cumulative.cummin, np.minimum.accumulate, ints(-5, 5),
             diff="nondiff", name="cummin-int"),
    # ---- sorting
    Rec(sorting.sort_p, lambda x: sorting.sort(x, x.ndim - 1), AXIS_SHAPES, (distinct,),
        _sort_ref),
    Rec(sorting.sort_p, _first_axis(sorting.sort), AXIS_SHAPES, (distinct,),
        lambda x: _sort_ref(x, 0), name="sort-axis0"),
    Rec(sorting.sort_p, lambda x: sorting.sort(x, x.ndim - 1, True), AXIS_SHAPES, (distinct,),
        lambda x: _sort_ref(x, descending=True), name="sort-descending"),
    Rec(sorting.argsort_p, lambda x: sorting.argsort(x, x.ndim - 1), AXIS_SHAPES,
        (int_valued(0, 3),), lambda x: np.argsort(x, -1, kind="stable"), "nondiff"),
    Rec(sorting.argsort_p, lambda x: sorting.argsort(x, x.ndim - 1, True), AXIS_SHAPES,
        (int_valued(0, 3),), _argsort_desc_ref, "nondiff", name="argsort-descending"),
    Rec(sorting.searchsorted_p, lambda a, v: sorting.searchsorted(a, v),
        [((5,), ()), ((5,), (3,)), ((4,), (2, 3))],
        (lambda rng, s: np.sort(rng.integers(0, 4, s)).astype(float), int_valued(0, 4)),
        lambda a, v: np.searchsorted(a, v), "nondiff"),
    Rec(sorting.searchsorted_p, lambda a, v: sorting.searchsorted(a, v, "right"),
        [((5,), (3,))],
        (lambda rng, s: np.sort(rng.integers(0, 4, s)).astype(float), int_valued(0, 4)),
        lambda a, v: np.searchsorted(a, v, "right"), "nondiff", name="searchsorted-right"),
    # ---- scatter
    _scatter_rec(scatter.scatter_p, None, "array", ("array",),
                 [((5,), (3,), (3,)), ((5, 2), (3, 2), (3,))], (UNIQUE_IDX,)),
    _scatter_rec(scatter.scatter_p, None, "repeated", ("array",), [((4,), (5,), (5,))],
                 (REPEATED_IDX,)),
    _scatter_rec(scatter.scatter_p, None, "slice", SLICE, [((4,), (2,)), ((4, 3), (2, 3))]),
    _scatter_rec(scatter.scatter_p, None, "broadcast", ("array",), [((5, 2), (), (3,))],
                 (UNIQUE_IDX,)),
    _scatter_rec(scatter.scatter_mul_p, np.multiply, "repeated", ("array",),
                 [((4,), (5,), (5,)), ((4, 2), (3, 2), (3,))], (REPEATED_IDX,)),
    _scatter_rec(scatter.scatter_mul_p, np.multiply, "zero", ("array",),
                 [((4,), (5,), (5,))], (REPEATED_IDX,), up_domain=with_zero,
                 diff=1),  # first order through an exact zero, as cumprod
    _scatter_rec(scatter.scatter_mul_p, np.multiply, "slice", SLICE, [((4, 3), (2, 3))]),
    _scatter_rec(scatter.scatter_max_p, np.maximum, "array", ("array",),
                 [((5,), (3,), (3,)), ((5, 2), (3, 2), (3,))], (REPEATED_IDX,), distinct,
                 op_domain=distinct),
    _scatter_rec(scatter.scatter_max_p, np.maximum, "slice", SLICE, [((4, 3), (2, 3))],
                 (), distinct, op_domain=distinct),
    _scatter_rec(scatter.scatter_min_p, np.minimum, "array", ("array",),
                 [((5,), (3,), (3,))], (REPEATED_IDX,), distinct, op_domain=distinct),
    # ---- elementwise (fungrad._lax.elementwise)
    unary(elementwise.is_nan_p, elementwise.is_nan, np.isnan, with_nonfinite, "nondiff"),
    unary(elementwise.trunc_p, elementwise.trunc, np.trunc, real(-5, 5), "nondiff"),
    unary(elementwise.signbit_p, elementwise.signbit, np.signbit, REAL, "nondiff"),
    unary(elementwise.log2_p, elementwise.log2, np.log2, real(0.5, 2.0)),
    unary(elementwise.log10_p, elementwise.log10, np.log10, real(0.5, 2.0)),
    unary(elementwise.exp2_p, elementwise.exp2, np.exp2),
    unary(elementwise.cbrt_p, elementwise.cbrt, np.cbrt, real(0.5, 2.0)),
    unary(elementwise.spacing_p, elementwise.spacing, np.spacing, REAL, "nondiff"),
    binary(elementwise.nextafter_p, elementwise.nextafter, np.nextafter, diff="nondiff"),
    binary(elementwise.copysign_p, elementwise.copysign, np.copysign),
    binary(elementwise.gcd_p, elementwise.gcd, np.gcd, (ints(-9, 9), ints(-9, 9)), "nondiff"),
    binary(elementwise.lcm_p, elementwise.lcm, np.lcm, (ints(-9, 9), ints(-9, 9)), "nondiff"),
    binary(elementwise.shift_left_p, elementwise.shift_left, np.left_shift,
           (ints(-9, 9), ints(0, 5)), "nondiff"),
    binary(elementwise.shift_right_p, elementwise.shift_right, np.right_shift,
           (ints(-9, 9), ints(0, 5)), "nondiff"),
    unary(elementwise.population_count_p, elementwise.population_count, np.bitwise_count,
          ints(-9, 9), "nondiff"),
    unary(elementwise.frexp_exponent_p, elementwise.frexp_exponent, lambda x: np.frexp(x)[1],
          REAL, "nondiff"),
    Rec(elementwise.bessel_i_p, lambda x: elementwise.bessel_i(x, 0), UNARY_SHAPES, (REAL,),
        np.i0, name="bessel_i-0"),
    Rec(elementwise.bessel_i_p, lambda x: elementwise.bessel_i(x, 1), UNARY_SHAPES, (REAL,),
        lambda x: __import__("scipy.special").special.i1(x), name="bessel_i-1"),
]
del bools
