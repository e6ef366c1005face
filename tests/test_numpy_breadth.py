"""The numpy-breadth function table: every fungrad.numpy function against numpy.

Each row is a function of the module `m` (numpy or fungrad.numpy) and its arguments, so the same
code runs on both. For every row: values (and dtype, shape) against numpy; float32 arguments give
numpy's float32 results; jit equals eager; vmap equals a loop; and, for differentiable rows,
JVPs and VJPs against central differences in float64 (to second order where smooth).
"""
import contextlib
import dataclasses
import warnings
from collections.abc import Callable

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad._core.dtypes import is_float
from fungrad.testing import check_grads

B = 3  # the vmapped axis size


def real(lo=-2.0, hi=2.0):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def distinct(rng, shape):
    """Reals without ties, spread out (sorting and extrema are smooth there)."""
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) * 0.37 + rng.uniform(0.05, 0.3, shape) - n / 5)


def ints(lo, hi):
    return lambda rng, shape: rng.integers(lo, hi, shape)


def with_nan(rng, shape):
    x = rng.uniform(-2, 2, shape)
    if x.size > 2:
        x.reshape(-1)[::3] = np.nan
    return x


def sorted_real(rng, shape):
    return np.sort(rng.uniform(-2, 2, shape), axis=-1)


def bools(rng, shape):
    return rng.random(shape) < 0.5


REAL, POS, UNIT = real(), real(0.5, 2.0), real(-0.9, 0.9)


@dataclasses.dataclass(frozen=True)
class F:
    name: str
    fun: Callable          # fun(m, *args) with m numpy or fungrad.numpy
    shapes: tuple          # one shape per argument
    domains: tuple = (REAL,)
    order: int = 2         # 0: not differentiable (zero tangents); 1 or 2: check_grads order
    vmap: bool = True
    f32: bool = True       # float32 in gives numpy's dtype out
    tol: float = 1e-10

    def args(self, rng, lead=None):
        doms = self.domains * len(self.shapes) if len(self.domains) == 1 else self.domains
        return [np.asarray(d(rng, ((lead,) if lead else ()) + tuple(s)))
                for d, s in zip(doms, self.shapes)]


def unary(name, shape=(3, 4), domain=REAL, order=2, **kw):
    return F(name, lambda m, x: getattr(m, name)(x), (shape,), (domain,), order, **kw)


M34 = (3, 4)
TABLE = [
    # ---- cumulative
    F("cumsum", lambda m, x: m.cumsum(x, axis=1), (M34,)),
    F("cumsum-flat", lambda m, x: m.cumsum(x), (M34,)),
    F("cumprod", lambda m, x: m.cumprod(x, axis=0), (M34,)),
    F("nancumsum", lambda m, x: m.nancumsum(x, axis=1), (M34,), (with_nan,), 2),
    F("nancumprod", lambda m, x: m.nancumprod(x), ((5,),), (with_nan,), 2),
    F("cumulative_sum", lambda m, x: m.cumulative_sum(x, axis=1, include_initial=True), (M34,)),
    F("cumulative_prod", lambda m, x: m.cumulative_prod(x, axis=0), (M34,)),
    F("diff", lambda m, x: m.diff(x, n=2, axis=1), ((3, 5),)),
    F("diff-prepend", lambda m, x: m.diff(x, prepend=0.5), ((5,),)),
    F("ediff1d", lambda m, x: m.ediff1d(x, to_begin=[1.0], to_end=2.0), ((5,),)),
    # ---- comparisons and predicates
    F("allclose", lambda m, x, y: m.allclose(x, x + 1e-9 * y), (M34, M34), order=0, f32=False),
    F("isclose", lambda m, x, y: m.isclose(x, y, atol=0.5), (M34, M34), order=0),
    F("isnan", lambda m, x: m.isnan(x), (M34,), (with_nan,), 0),
    F("isinf", lambda m, x: m.isinf(m.where(x > 1, np.inf, x)), (M34,), order=0),
    F("isposinf", lambda m, x: m.isposinf(m.where(x > 1, np.inf, x)), (M34,), order=0),
    F("isneginf", lambda m, x: m.isneginf(m.where(x > 1, -np.inf, x)), (M34,), order=0),
    F("array_equal", lambda m, x: m.array_equal(x, x * 1.0), (M34,), order=0),
    F("array_equiv", lambda m, x: m.array_equiv(x[:1], x), (M34,), order=0),
    F("isin", lambda m, x, y: m.isin(m.round(x), m.round(y)), (M34, (5,)), order=0),
    F("count_nonzero", lambda m, x: m.count_nonzero(x > 0, axis=1), (M34,), order=0),
    # ---- sorting and searching
    F("sort", lambda m, x: m.sort(x, axis=1), (M34,), (distinct,)),
    F("sort-axis0", lambda m, x: m.sort(x, axis=0), (M34,), (distinct,)),
    F("sort-flat", lambda m, x: m.sort(x, axis=None), (M34,), (distinct,)),
    F("argsort", lambda m, x: m.argsort(x, axis=1), (M34,), (distinct,), 0),
    F("lexsort", lambda m, x, y: m.lexsort((m.round(x), m.round(y))), ((6,), (6,)), order=0),
    F("searchsorted", lambda m, a, v: m.searchsorted(a, v), ((6,), (4,)), (sorted_real, REAL), 0),
    F("searchsorted-right", lambda m, a, v: m.searchsorted(a, v, side="right"), ((6,), (2, 3)),
      (sorted_real, REAL), 0),
    F("digitize", lambda m, x, b: m.digitize(x, b), ((5,), (4,)), (REAL, sorted_real), 0),
    F("partition-kth", lambda m, x: m.partition(x, 2, axis=1)[:, 2], (M34,), (distinct,)),
    F("argmax", lambda m, x: m.argmax(x, axis=1), (M34,), (distinct,), 0),
    F("nanargmax", lambda m, x: m.nanargmax(x, axis=0), (M34,), (with_nan,), 0),
    F("nanargmin", lambda m, x: m.nanargmin(x), ((5,),), (with_nan,), 0),
    # ---- order statistics
    F("median", lambda m, x: m.median(x, axis=1), (M34,), (distinct,)),
    F("median-odd", lambda m, x: m.median(x), ((5,),), (distinct,)),
    F("percentile", lambda m, x: m.percentile(x, [10.0, 50.0, 95.0], axis=0), ((5, 3),),
      (distinct,)),
    F("quantile", lambda m, x: m.quantile(x, 0.3, axis=(0, 2), keepdims=True), ((3, 2, 4),),
      (distinct,)),
    F("quantile-lower", lambda m, x: m.quantile(x, 0.3, method="lower"), ((7,),), (distinct,)),
    F("quantile-higher", lambda m, x: m.quantile(x, 0.3, method="higher"), ((7,),), (distinct,)),
    F("quantile-nearest", lambda m, x: m.quantile(x, [0.25, 0.6], method="nearest"), ((7,),),
      (distinct,)),
    F("quantile-midpoint", lambda m, x: m.quantile(x, 0.3, method="midpoint"), ((7,),),
      (distinct,)),
    F("quantile-hazen", lambda m, x: m.quantile(x, 0.3, method="hazen"), ((7,),), (distinct,)),
    F("quantile-weibull", lambda m, x: m.quantile(x, 0.35, method="weibull"), ((7,),),
      (distinct,)),
    F("quantile-median_unbiased", lambda m, x: m.quantile(x, 0.35, method="median_unbiased"),
      ((7,),), (distinct,)),
    F("quantile-normal_unbiased", lambda m, x: m.quantile(x, 0.35, method="normal_unbiased"),
      ((7,),), (distinct,)),
    F("quantile-inverted_cdf", lambda m, x: m.quantile(x, [0.3, 0.5], method="inverted_cdf"),
      ((6,),), (distinct,)),
    F("quantile-averaged_inverted_cdf",
      lambda m, x: m.quantile(x, [0.3, 0.5], method="averaged_inverted_cdf"), ((6,),),
      (distinct,)),
    F("quantile-closest_observation",
      lambda m, x: m.quantile(x, [0.3, 0.5], method="closest_observation"), ((6,),),
      (distinct,)),
    F("quantile-interpolated_inverted_cdf",
      lambda m, x: m.quantile(x, 0.45, method="interpolated_inverted_cdf"), ((6,),),
      (distinct,)),
    F("nanmedian", lambda m, x: m.nanmedian(x, axis=1), ((3, 5),), (with_nan,), 1, vmap=True),
    F("nanpercentile", lambda m, x: m.nanpercentile(x, 40.0, axis=0), ((5, 3),), (with_nan,), 1),
    F("nanquantile", lambda m, x: m.nanquantile(x, [0.2, 0.7]), ((7,),), (with_nan,), 1),
    # ---- nan reductions and statistics
    F("nansum", lambda m, x: m.nansum(x, axis=1), (M34,), (with_nan,)),
    F("nanprod", lambda m, x: m.nanprod(x, axis=0), (M34,), (with_nan,)),
    F("nanmean", lambda m, x: m.nanmean(x, axis=1), (M34,), (with_nan,)),
    F("nanmax", lambda m, x: m.nanmax(x, axis=1), (M34,), (with_nan,)),
    F("nanmin", lambda m, x: m.nanmin(x), (M34,), (with_nan,)),
    F("nanvar", lambda m, x: m.nanvar(x, axis=1, ddof=1), ((3, 6),), (with_nan,)),
    F("nanstd", lambda m, x: m.nanstd(x, axis=0), ((6, 3),), (with_nan,)),
    F("average", lambda m, x, w: m.average(x, axis=1, weights=w), (M34, (4,)), (REAL, POS)),
    F("average-returned", lambda m, x, w: m.average(x, weights=w, returned=True)[0],
      (M34, M34), (REAL, POS)),
    F("mean-where", lambda m, x: m.mean(x, axis=1, where=x > -1), (M34,)),
    F("sum-where-initial", lambda m, x: m.sum(x, axis=0, where=x > 0, initial=1.0), (M34,)),
    F("max-where", lambda m, x: m.max(x, axis=1, where=x < 1, initial=-5.0), (M34,),
      (distinct,)),
    F("var-correction", lambda m, x: m.var(x, axis=1, correction=1), (M34,)),
    F("std-ddof", lambda m, x: m.std(x, ddof=1, keepdims=True), (M34,)),
    F("ptp", lambda m, x: m.ptp(x, axis=1), (M34,), (distinct,)),
    F("cov", lambda m, x: m.cov(x), ((3, 6),)),
    F("cov-weights", lambda m, x, w: m.cov(x, rowvar=False, aweights=w), ((6, 3), (6,)),
      (REAL, POS)),
    F("cov-bias", lambda m, x, y: m.cov(x, y, bias=True), ((6,), (6,))),
    F("corrcoef", lambda m, x: m.corrcoef(x), ((3, 6),)),
    F("bincount", lambda m, x, w: m.bincount(x, weights=w, minlength=6,
                                             **({} if m is np else {"length": 6})), ((8,), (8,)),
      (ints(0, 5), REAL), 2, vmap=False, f32=False),
    F("histogram", lambda m, x: m.histogram(x, bins=4, range=(-2, 2))[0], ((20,),), order=0),
    F("histogram-weights", lambda m, x, w: m.histogram(x, bins=[-2, -0.5, 0, 1, 2], weights=w)[0],
      ((20,), (20,)), order=2, f32=False),
    F("histogram_bin_edges", lambda m, x: m.histogram_bin_edges(x, bins=5, range=(-1.0, 3.0)),
      ((10,),), order=0, vmap=False, f32=False),
    F("histogram2d", lambda m, x, y: m.histogram2d(x, y, bins=3, range=[(-2, 2), (-2, 2)])[0],
      ((20,), (20,)), order=0, f32=False),
    # ---- elementwise
    unary("log10", domain=POS), unary("log2", domain=POS), unary("exp2"),
    unary("cbrt", domain=POS), unary("trunc", order=0), unary("fix", order=0),
    unary("rint", order=0), unary("fabs", domain=real(0.5, 2)), unary("degrees"),
    unary("radians"), unary("i0"), unary("spacing", order=0), unary("signbit", order=0),
    unary("nan_to_num", domain=with_nan, order=2), unary("real"), unary("conj"),
    unary("conjugate"), unary("angle", order=0, f32=False), unary("imag", order=0),
    unary("acos", domain=UNIT), unary("asin", domain=UNIT), unary("atan"),
    unary("acosh", domain=real(1.2, 3)), unary("asinh"), unary("atanh", domain=UNIT),
    unary("positive"), unary("isreal", order=0), unary("iscomplex", order=0),
    F("nan_to_num-values", lambda m, x: m.nan_to_num(m.where(x > 1.5, np.inf, x), nan=-1.0,
                                                     posinf=9.0), (M34,), (with_nan,)),
    F("copysign", lambda m, x, y: m.copysign(x, y), (M34, M34), (real(0.5, 2), REAL)),
    F("heaviside", lambda m, x, y: m.heaviside(x, y), (M34, M34)),
    F("fmax", lambda m, x, y: m.fmax(x, y), (M34, M34), (with_nan, distinct)),
    F("fmin", lambda m, x, y: m.fmin(x, y), (M34, M34), (with_nan, distinct)),
    F("float_power", lambda m, x, y: m.float_power(x, y), (M34, M34), (POS, REAL)),
    F("logaddexp2", lambda m, x, y: m.logaddexp2(x, y), (M34, M34)),
    F("nextafter", lambda m, x, y: m.nextafter(x, y), (M34, M34), order=0),
    F("ldexp", lambda m, x, e: m.ldexp(x, e), (M34, M34), (REAL, ints(-3, 4)), f32=False),
    F("frexp", lambda m, x: m.frexp(x)[0], (M34,), (real(0.5, 7.0),)),
    F("frexp-exponent", lambda m, x: m.frexp(x)[1], (M34,), order=0),
    F("modf", lambda m, x: m.modf(x)[0], (M34,), (real(-4.0, 4.0),)),
    F("divmod", lambda m, x, y: m.divmod(x, y)[1], (M34, M34), (real(2.1, 2.9), real(1, 1.05))),
    F("pow", lambda m, x, y: m.pow(x, y), (M34, M34), (POS, REAL)),
    F("atan2", lambda m, x, y: m.atan2(x, y), (M34, M34), (REAL, real(0.5, 2))),
    F("gcd", lambda m, x, y: m.gcd(x, y), (M34, M34), (ints(-20, 20),), 0),
    F("lcm", lambda m, x, y: m.lcm(x, y), (M34, M34), (ints(-20, 20),), 0),
    F("left_shift", lambda m, x, y: m.left_shift(x, y), (M34, M34), (ints(0, 20), ints(0, 4)),
      0),
    F("right_shift", lambda m, x, y: m.right_shift(x, y), (M34, M34),
      (ints(0, 99), ints(0, 4)), 0),
    F("bitwise_count", lambda m, x: m.bitwise_count(x), (M34,), (ints(-50, 50),), 0),
    F("sinc", lambda m, x: m.sinc(x), (M34,)),
    unary("absolute", domain=real(0.5, 2)), unary("arccosh", domain=real(1.2, 3)),
    unary("deg2rad"), unary("rad2deg"),
    F("around", lambda m, x: m.around(x, 1), (M34,), order=0),
    F("amax", lambda m, x: m.amax(x, axis=0), (M34,), (distinct,)),
    F("amin", lambda m, x: m.amin(x, axis=1, keepdims=True), (M34,), (distinct,)),
    F("remainder", lambda m, x, y: m.remainder(x, y), (M34, M34), (real(2.1, 2.9), real(1, 1.05))),
    F("true_divide", lambda m, x, y: m.true_divide(x, y), (M34, M34), (REAL, real(0.5, 2))),
    F("bitwise_and", lambda m, x, y: m.bitwise_and(x, y), (M34, M34), (ints(-9, 9),), 0),
    F("bitwise_or", lambda m, x, y: m.bitwise_or(x, y), (M34, M34), (ints(-9, 9),), 0),
    F("bitwise_xor", lambda m, x, y: m.bitwise_xor(x, y), (M34, M34), (ints(-9, 9),), 0),
    F("bitwise_not", lambda m, x: m.bitwise_not(x), (M34,), (ints(-9, 9),), 0),
    F("invert", lambda m, x: m.invert(x), (M34,), (bools,), 0),
    F("bitwise_invert", lambda m, x: m.bitwise_invert(x), (M34,), (ints(-9, 9),), 0),
    F("bitwise_left_shift", lambda m, x, y: m.bitwise_left_shift(x, y), (M34, M34),
      (ints(0, 20), ints(0, 4)), 0),
    F("bitwise_right_shift", lambda m, x, y: m.bitwise_right_shift(x, y), (M34, M34),
      (ints(0, 99), ints(0, 4)), 0),
    F("atleast_1d", lambda m, x: m.atleast_1d(x), ((),)),
    F("broadcast_arrays", lambda m, x, y: m.broadcast_arrays(x, y)[0] * m.broadcast_arrays(x, y)[1],
      ((3, 1), (4,))),
    F("argpartition-kth", lambda m, x: m.take_along_axis(x, m.argpartition(x, 1, axis=1), 1)[:, 1],
      (M34,), (distinct,)),
    F("histogramdd", lambda m, x: m.histogramdd(x, bins=3, range=[(-2, 2), (-2, 2)])[0],
      ((20, 2),), order=0, f32=False),

    # ---- shape and joining
    F("roll", lambda m, x: m.roll(x, 2, axis=1), (M34,)),
    F("roll-flat", lambda m, x: m.roll(x, -5), (M34,)),
    F("roll-multi", lambda m, x: m.roll(x, (1, -1), axis=(0, 1)), (M34,)),
    F("rot90", lambda m, x: m.rot90(x), (M34,)),
    F("rot90-3", lambda m, x: m.rot90(x, 3, axes=(1, 0)), (M34,)),
    F("flipud", lambda m, x: m.flipud(x), (M34,)),
    F("fliplr", lambda m, x: m.fliplr(x), (M34,)),
    F("pad-constant", lambda m, x: m.pad(x, ((1, 2), (0, 1)), constant_values=3.0), (M34,)),
    F("pad-edge", lambda m, x: m.pad(x, 2, mode="edge"), (M34,)),
    F("pad-reflect", lambda m, x: m.pad(x, ((2, 5), (1, 3)), mode="reflect"), (M34,)),
    F("pad-symmetric", lambda m, x: m.pad(x, 3, mode="symmetric"), (M34,)),
    F("pad-wrap", lambda m, x: m.pad(x, (5, 2), mode="wrap"), (M34,)),
    F("pad-mean", lambda m, x: m.pad(x, 2, mode="mean"), (M34,)),
    F("pad-maximum", lambda m, x: m.pad(x, 1, mode="maximum", stat_length=2), (M34,),
      (distinct,)),
    F("pad-linear_ramp", lambda m, x: m.pad(x, (2, 3), mode="linear_ramp", end_values=(1, -1)),
      ((5,),)),
    F("column_stack", lambda m, x, y: m.column_stack((x, y)), ((4,), (4, 2))),
    F("dstack", lambda m, x, y: m.dstack([x, y]), (M34, M34)),
    F("hstack", lambda m, x, y: m.hstack((x, y)), (M34, (3, 2))),
    F("vstack", lambda m, x, y: m.vstack([x, y]), ((4,), M34)),
    F("block", lambda m, x, y: m.block([[x, y], [y, x]]), ((2, 2), (2, 2))),
    F("append", lambda m, x, y: m.append(x, y, axis=0), (M34, (1, 4))),
    F("insert", lambda m, x, y: m.insert(x, 1, y, axis=1), (M34, (3,))),
    F("insert-many", lambda m, x, y: m.insert(x, [0, 2, 2], y), ((5,), (3,))),
    F("delete", lambda m, x: m.delete(x, [0, 2], axis=1), (M34,)),
    F("resize", lambda m, x: m.resize(x, (5, 3)), (M34,)),
    F("atleast_3d", lambda m, x: m.atleast_3d(x), ((4,),)),
    F("unstack", lambda m, x: m.unstack(x, axis=1)[2], (M34,)),
    F("hsplit", lambda m, x: m.hsplit(x, 2)[1], (M34,)),
    F("vsplit", lambda m, x: m.vsplit(x, [1])[1], (M34,)),
    F("dsplit", lambda m, x: m.dsplit(x, 2)[0], ((2, 2, 4),)),
    F("array_split", lambda m, x: m.array_split(x, 3, axis=1)[0], (M34,)),
    F("rollaxis", lambda m, x: m.rollaxis(x, 2), ((2, 3, 4),)),
    F("permute_dims", lambda m, x: m.permute_dims(x, (2, 0, 1)), ((2, 3, 4),)),
    F("matrix_transpose", lambda m, x: m.matrix_transpose(x), ((2, 3, 4),)),
    F("concat", lambda m, x, y: m.concat([x, y], axis=1), (M34, (3, 2))),
    F("repeat-counts", lambda m, x: m.repeat(x, [1, 0, 2], axis=0), (M34,)),
    F("tile", lambda m, x: m.tile(x, (2, 1)), (M34,)),
    F("reshape-F", lambda m, x: m.reshape(x, (2, 6), order="F"), (M34,)),
    F("ravel-F", lambda m, x: m.ravel(x, order="F"), (M34,)),
    F("trapezoid", lambda m, x: m.trapezoid(x, dx=0.5, axis=1), (M34,)),
    F("trapezoid-x", lambda m, y, x: m.trapezoid(y, x), ((5,), (5,)), (REAL, sorted_real)),
    F("gradient", lambda m, x: m.gradient(x, 0.5, axis=1), ((3, 5),)),
    F("gradient-2d", lambda m, x: m.gradient(x)[0], ((4, 5),)),
    F("gradient-edge2", lambda m, x: m.gradient(x, edge_order=2), ((6,),)),
    F("gradient-coords", lambda m, x, c: m.gradient(x, c), ((6,), (6,)), (REAL, sorted_real)),
    F("unwrap", lambda m, x: m.unwrap(x * 3), ((8,),)),
    # ---- creation from values
    F("tril", lambda m, x: m.tril(x, -1), (M34,)),
    F("triu", lambda m, x: m.triu(x, 1), ((2, 3, 4),)),
    F("diag", lambda m, x: m.diag(x, 1), ((3,),)),
    F("diag-2d", lambda m, x: m.diag(x, -1), (M34,)),
    F("diagflat", lambda m, x: m.diagflat(x), ((2, 2),)),
    F("vander", lambda m, x: m.vander(x, 4), ((3,),)),
    F("vander-increasing", lambda m, x: m.vander(x, increasing=True), ((4,),)),
    F("meshgrid", lambda m, x, y: m.meshgrid(x, y)[0] * m.meshgrid(x, y)[1], ((3,), (4,))),
    F("meshgrid-ij", lambda m, x, y: m.meshgrid(x, y, indexing="ij")[1], ((3,), (4,))),
    F("linspace-traced", lambda m, a, b: m.linspace(a, b, 5), ((), ())),
    F("logspace-traced", lambda m, a: m.logspace(a, 1.0, 4), ((),), (UNIT,)),
    F("geomspace-traced", lambda m, a: m.geomspace(a, 4.0, 4), ((),), (POS,)),
    F("copy", lambda m, x: m.copy(x), (M34,)),
    F("array-list", lambda m, x: m.array([x, 2 * x, x * x]), ((3,),)),
    F("full-traced", lambda m, x: m.full((2, 3), x), ((),)),
    # ---- indexing
    F("take_along_axis", lambda m, x: m.take_along_axis(x, m.argsort(x, axis=1), axis=1), (M34,),
      (distinct,)),
    F("take_along_axis-none", lambda m, x: m.take_along_axis(x, np.array([3, 0, 0]), None),
      (M34,)),
    F("take-clip", lambda m, x: m.take(x, np.array([0, 7, -1]), axis=1, mode="clip"), (M34,)),
    F("take-wrap", lambda m, x: m.take(x, np.array([0, 7, -6]), mode="wrap"), (M34,)),
    F("put_along_axis", lambda m, x, v: _put_along(m, x, v), (M34, (3, 1))),
    F("choose", lambda m, a, x, y: m.choose(a, [x, y]), (M34, M34, M34), (ints(0, 2), REAL, REAL)),
    F("select", lambda m, x: m.select([x < -1, x > 1], [x ** 2, m.sin(x)], default=0.5), (M34,)),
    F("compress", lambda m, x: m.compress([True, False, True], x, axis=0), (M34,)),
    F("extract", lambda m, x: m.extract(np.arange(12).reshape(3, 4) % 3 == 0, x), (M34,)),
    F("where-3", lambda m, x: m.where(x > 0, x, -x), (M34,)),
    F("piecewise", lambda m, x: m.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v ** 2]),
      (M34,)),
    F("apply_along_axis", lambda m, x: m.apply_along_axis(lambda v: v * v.sum(), 1, x), (M34,)),
    F("apply_over_axes", lambda m, x: m.apply_over_axes(m.sum, x, [0, 2]), ((2, 3, 4),)),
    F("r_", lambda m, x, y: m.r_[x, 0.5, y], ((3,), (2,))),
    F("c_", lambda m, x, y: m.c_[x, y], ((3,), (3,))),
    # ---- products and signal processing
    F("cross", lambda m, x, y: m.cross(x, y), ((2, 3), (2, 3))),
    F("cross-2d", lambda m, x, y: m.cross(x, y, axisa=0, axisb=0), ((2, 4), (2, 4)), f32=False),
    F("kron", lambda m, x, y: m.kron(x, y), ((2, 3), (3, 2))),
    F("convolve", lambda m, x, y: m.convolve(x, y), ((6,), (3,))),
    F("convolve-same", lambda m, x, y: m.convolve(x, y, mode="same"), ((4,), (6,))),
    F("convolve-valid", lambda m, x, y: m.convolve(x, y, mode="valid"), ((7,), (3,))),
    F("correlate", lambda m, x, y: m.correlate(x, y), ((6,), (3,))),
    F("correlate-full", lambda m, x, y: m.correlate(x, y, "full"), ((3,), (5,))),
    F("correlate-same", lambda m, x, y: m.correlate(x, y, "same"), ((6,), (4,))),
    F("interp", lambda m, x, xp, fp: m.interp(x, xp, fp), ((5,), (4,), (4,)),
      (real(-2.5, 2.5), sorted_real, REAL), 1),
    F("interp-left-right", lambda m, x, xp, fp: m.interp(x, xp, fp, left=-3.0, right=3.0),
      ((5,), (4,), (4,)), (real(-2.5, 2.5), sorted_real, REAL), 1),
    F("interp-period", lambda m, x, xp, fp: m.interp(x, xp, fp, period=4.0),
      ((5,), (4,), (4,)), (real(-2.5, 2.5), real(0.0, 3.9), REAL), 1),
    F("einsum-diag", lambda m, x: m.einsum("ii->i", x), ((3, 3),)),
    F("einsum-trace", lambda m, x: m.einsum("ii", x), ((3, 3),)),
    F("einsum-ellipsis", lambda m, x, y: m.einsum("...ij,...jk->...ik", x, y),
      ((2, 3, 4), (4, 2))),
    F("einsum-three", lambda m, x, y, z: m.einsum("ij,jk,kl->il", x, y, z),
      ((2, 3), (3, 4), (4, 2))),
    F("einsum-four", lambda m, a, b, c, d: m.einsum("ab,bc,cd,da->", a, b, c, d),
      ((2, 3), (3, 4), (4, 2), (2, 2))),
    F("einsum-repeated-batch", lambda m, x, y: m.einsum("iij,jk->ik", x, y),
      ((3, 3, 2), (2, 4))),
    F("einsum-implicit", lambda m, x, y: m.einsum("ij,jk", x, y), ((2, 3), (3, 4))),
    F("einsum-outer-sum", lambda m, x, y: m.einsum("i,j->", x, y), ((2,), (3,))),
    F("einsum-interleaved", lambda m, x, y: m.einsum(x, [0, 1], y, [1, 2], [0, 2]),
      ((2, 3), (3, 4))),
    F("vecdot", lambda m, x, y: m.vecdot(x, y), (M34, (4,))),
    F("matvec", lambda m, x, y: m.matvec(x, y), ((2, 3, 4), (4,))),
    F("vecmat", lambda m, x, y: m.vecmat(x, y), ((3,), (3, 4))),
    # ---- polynomials
    F("polyval", lambda m, p, x: m.polyval(p, x), ((4,), (5,))),
    F("polyadd", lambda m, p, q: m.polyadd(p, q), ((4,), (2,))),
    F("polysub", lambda m, p, q: m.polysub(p, q), ((2,), (4,))),
    F("polymul", lambda m, p, q: m.polymul(p, q), ((3,), (2,))),
    F("polyder", lambda m, p: m.polyder(p, 2), ((5,),)),
    F("polyint", lambda m, p: m.polyint(p, k=0.5), ((4,),)),
    F("polydiv", lambda m, u, v: m.polydiv(u, v)[0] * 1.0, ((5,), (2,)), (REAL, real(1.0, 2.0))),
    # (numpy strips the remainder's leading zeros by value; in float32 it keeps rounding noise)
    F("polydiv-rem", lambda m, u, v: m.polydiv(u, v)[1], ((5,), (3,)), (REAL, real(1.0, 2.0)),
      f32=False),
    F("poly", lambda m, r: m.poly(r), ((3,),)),
    F("vectorize", lambda m, x, y: m.vectorize(lambda a, b: a * m.sin(b))(x, y), (M34, (4,))),
    F("vectorize-signature", lambda m, x, y: m.vectorize(lambda a, b: m.dot(a, b),
                                                          signature="(n),(n)->()")(x, y),
      (M34, (4,))),
]


def test_numpy_passthroughs_are_numpys(tmp_path):
    """Concrete-only helpers (printing, I/O, windows, index grids) are numpy's own."""
    for name in ["array2string", "array_repr", "array_str", "get_printoptions", "printoptions",
                 "set_printoptions", "load", "save", "savez", "savez_compressed"]:
        assert getattr(fnp, name) is getattr(np, name), name
    # numpy's creation helpers, returning fungrad.Arrays with numpy's values
    buffer = tmp_path / "values.bin"
    np.arange(3.0).tofile(buffer)
    for name, args in [("bartlett", lambda: (5,)), ("blackman", lambda: (5,)),
                       ("hamming", lambda: (5,)), ("hanning", lambda: (5,)),
                       ("kaiser", lambda: (5, 2.0)), ("indices", lambda: ((2, 3),)),
                       ("identity", lambda: (3,)), ("tri", lambda: (3, 4, 1)),
                       ("frombuffer", lambda: (b"\x01\x02", np.uint8)),
                       ("fromiter", lambda: (iter([1.0, 2.0]), float)),
                       ("fromstring", lambda: ("1 2", float, -1, " ")),
                       ("fromfile", lambda: (buffer,)), ("from_dlpack", lambda: (np.arange(3),))]:
        out, expected = getattr(fnp, name)(*args()), getattr(np, name)(*args())
        assert type(out) is fg.Array, name
        np.testing.assert_array_equal(out, expected)
        assert out.dtype == expected.dtype, name
        assert getattr(fnp, name).__wrapped__ is getattr(np, name), name
    np.testing.assert_array_equal(fnp.fromfunction(lambda i, j: i + j, (2, 3)),
                                  np.fromfunction(lambda i, j: i + j, (2, 3)))
    assert fnp.empty_like(np.ones((2, 3), np.float32)).dtype == np.float32
    for a, b in zip(fnp.triu_indices(4, 1), np.triu_indices(4, 1)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(fnp.tril_indices_from(np.ones((3, 3))), np.tril_indices_from(np.ones((3, 3)))):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(fnp.diag_indices_from(np.ones((3, 3))), np.diag_indices_from(np.ones((3, 3)))):
        np.testing.assert_array_equal(a, b)
    assert fnp.iscomplexobj(np.ones(2, complex)) and fnp.isrealobj(np.ones(2))
    assert fnp.isscalar(1.0) and fnp.isscalar(np.float32(1)) and not fnp.isscalar([1.0])
    assert fnp.iterable([1]) and not fnp.iterable(1.0)
    fg.jit(lambda x: (fnp.isscalar(x), fnp.iterable(x)) and x)(np.ones(2))
    x = np.linspace(0, 1, 8)
    np.testing.assert_allclose(fnp.polyfit(x, 3 * x ** 2 - x, 2), np.polyfit(x, 3 * x ** 2 - x, 2),
                               atol=1e-10)
    np.testing.assert_allclose(fnp.roots([1.0, -3.0, 2.0]), np.roots([1.0, -3.0, 2.0]))
    assert fnp.broadcast_shapes((3, 1), (4,)) == (3, 4)
    x6 = np.array([3, 1, 3, 0, 1, 1])
    np.testing.assert_array_equal(fnp.unique_inverse(x6).inverse_indices,
                                  np.unique_inverse(x6).inverse_indices)
    np.testing.assert_array_equal(fnp.sort_complex(np.array([3.0, 1.0, 2.0])),
                                  np.sort_complex(np.array([3.0, 1.0, 2.0])))
    assert fg.jit(fnp.sort_complex)(np.array([3.0, 1.0])).dtype == np.complex128
    f = fnp.frompyfunc(lambda a, b: a * b + 1, 2, 1)
    np.testing.assert_allclose(f(np.arange(3.0), 2.0), np.arange(3.0) * 2 + 1)


def test_every_function_is_checked():
    """Every callable numpy name of fungrad.numpy appears in the numpy test files."""
    import pathlib
    import re
    here = pathlib.Path(__file__).parent
    src = "".join((here / f).read_text() for f in [
        "test_numpy_breadth.py", "test_numpy_edge_cases.py", "test_numpy_api.py",
        "test_numpy_programs.py"])
    used = set(re.findall(r"(?:m|fnp|np)\.([a-zA-Z_0-9]+)", src)) | set(
        re.findall(r'"([a-z_0-9]+)"', src))
    missing = [n for n in fnp.__all__ if callable(getattr(fnp, n))
               and not isinstance(getattr(fnp, n), type) and n not in used]
    assert not missing, missing


def _put_along(m, x, v):
    idx = np.array([[0], [2], [3]])
    if m is np:
        x = x.copy()
        np.put_along_axis(x, idx, v, 1)
        return x
    return m.put_along_axis(x, idx, v, 1, inplace=False)


@contextlib.contextmanager
def quiet():
    """numpy's floating-point and all-NaN-slice warnings off (the table hits NaNs on purpose)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # numpy's 2-d cross
        yield


def _ids():
    return [f.name for f in TABLE]


def _np_out(f, args):
    with quiet():
        return np.asarray(f.fun(np, *args))


def _fg_out(f, args):
    with quiet():
        return f.fun(fnp, *args)


def test_table_names_are_unique():
    assert len(_ids()) == len(set(_ids()))


# functions whose concrete path still returns a plain numpy ndarray, not a fungrad.Array (none
# left), asserted as they are
PLAIN_PENDING = set()


@pytest.mark.parametrize("f", TABLE, ids=_ids())
def test_values_match_numpy(f):
    args = f.args(np.random.default_rng(0))
    expected = _np_out(f, args)
    out = _fg_out(f, args)
    assert type(out) is (np.ndarray if f.name in PLAIN_PENDING else fg.Array), type(out)
    assert out.shape == expected.shape
    if expected.dtype != object:
        assert out.dtype == expected.dtype, (out.dtype, expected.dtype)
    np.testing.assert_allclose(out, expected, rtol=f.tol, atol=f.tol, equal_nan=True)


@pytest.mark.parametrize("f", [f for f in TABLE if f.f32], ids=[f.name for f in TABLE if f.f32])
def test_float32_in_float32_out(f):
    args = [a.astype(np.float32) if a.dtype == np.float64 else a
            for a in f.args(np.random.default_rng(1))]
    expected = _np_out(f, args)
    out = _fg_out(f, args)
    assert out.dtype == expected.dtype, (out.dtype, expected.dtype)
    np.testing.assert_allclose(out, expected, rtol=2e-5, atol=2e-5, equal_nan=True)


@pytest.mark.parametrize("f", TABLE, ids=_ids())
def test_jit_matches_eager(f):
    args = f.args(np.random.default_rng(2))
    eager = _fg_out(f, args)
    with quiet():
        jitted = fg.jit(lambda *a: f.fun(fnp, *a))(*args)
    assert jitted.dtype == eager.dtype and jitted.shape == eager.shape
    np.testing.assert_array_equal(jitted, eager)


VMAP = [f for f in TABLE if f.vmap]


@pytest.mark.parametrize("f", VMAP, ids=[f.name for f in VMAP])
def test_vmap_matches_loop(f):
    batched = f.args(np.random.default_rng(3), lead=B)
    with quiet():
        out = fg.vmap(lambda *a: f.fun(fnp, *a))(*batched)
    expected = np.stack([_fg_out(f, [a[b] for a in batched]) for b in range(B)])
    assert out.shape == expected.shape and out.dtype == expected.dtype
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12, equal_nan=True)


DIFF = [f for f in TABLE if f.order]
NONDIFF = [f for f in TABLE if not f.order]


def _float_args(f, args):
    return tuple(i for i, a in enumerate(args) if is_float(a.dtype))


def of_float_args(f, args, nums):
    """f's row as a function of its float arguments `nums` only (the others fixed to args)."""
    def g(*diff_args):
        full = list(args)
        for i, a in zip(nums, diff_args):
            full[i] = a
        with quiet():
            out = f.fun(fnp, *full)
        return fnp.where(fnp.isnan(out), 0.0, out)  # NaN entries (nan* inputs): no gradient
    return g


@pytest.mark.parametrize("f", DIFF, ids=[f.name for f in DIFF])
def test_gradients_against_finite_differences(f):
    args = f.args(np.random.default_rng(4))
    nums = _float_args(f, args)
    g = of_float_args(f, args, nums)
    with quiet():  # (an all-NaN slice of the nan* rows gives NaN, with numpy's warnings)
        check_grads(g, [args[i] for i in nums], order=f.order)


@pytest.mark.parametrize("f", NONDIFF, ids=[f.name for f in NONDIFF])
def test_integer_and_boolean_outputs_have_zero_tangents(f):
    args = f.args(np.random.default_rng(5))
    nums = _float_args(f, args)
    if not nums:
        return
    tangents = tuple(np.ones_like(a) if is_float(a.dtype) else None for a in args)
    with quiet():
        out, t = fg.jvp(lambda *a: f.fun(fnp, *a), tuple(args), tangents)
    assert t.shape == out.shape
    if is_float(out.dtype):
        assert not np.any(t)

    def scalar(*a):
        with quiet():
            y = f.fun(fnp, *a)
        return fnp.sum(fnp.where(fnp.isfinite(fnp.astype(y, float)), fnp.astype(y, float), 0.0))
    grads = fg.grad(scalar, argnums=nums)(*args)
    for gr in grads:
        assert not np.any(gr)
