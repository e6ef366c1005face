"""The primitive table: one or more records per primitive of fungrad._lax, driving test_primitives.

A record names the primitive, a function calling it through its lax wrapper (static parameters are
derived from the argument shapes, so the same function works per example under vmap), the argument
shapes to try, one domain per argument, and a numpy reference. Adding a primitive means adding one
row here; tests/test_registry.py fails until you do.
"""
import dataclasses
import types
from collections.abc import Callable

import numpy as np

from fungrad._lax import arith, indexing, linalg, math, reductions, shape

LAX_MODULES = (arith, indexing, linalg, math, reductions, shape)
# the wrappers and *_p primitives of every fungrad._lax module, as one namespace
lax = types.SimpleNamespace(**{k: v for m in LAX_MODULES for k, v in vars(m).items()
                               if not k.startswith("__") and not isinstance(v, types.ModuleType)})

# ---- domains: (rng, shape) -> array


def real(lo=-2.0, hi=2.0, dtype=np.float64):
    return lambda rng, shape: rng.uniform(lo, hi, shape).astype(dtype)


def away_from_zero(lo=0.5, hi=2.0):
    """|x| in [lo, hi] with a random sign (for 1/x-like functions and abs)."""
    return lambda rng, shape: (rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape))


def ints(lo, hi, dtype=np.int64):
    return lambda rng, shape: rng.integers(lo, hi, shape).astype(dtype)


def int_valued(lo=0, hi=3):
    """Floats with few distinct integer values, so comparisons and ties really happen."""
    return lambda rng, shape: rng.integers(lo, hi, shape).astype(np.float64)


def bools(rng, shape):
    return rng.random(shape) < 0.5


def with_zero(rng, shape):
    """Reals with one exact zero (if there is room): exercises the exclusive products of prod."""
    x = rng.uniform(-2, 2, shape)
    if x.size > 1:
        x.reshape(-1)[1] = 0.0
    return x


def with_nonfinite(rng, shape):
    x = rng.uniform(-2, 2, shape)
    if x.size >= 3:
        flat = x.reshape(-1)
        flat[0], flat[2] = np.inf, np.nan
    return x


REAL = real()
POS = real(0.5, 2.0)
UNIT = real(-0.9, 0.9)

# ---- the record


@dataclasses.dataclass(frozen=True)
class Rec:
    """One way to exercise a primitive. `diff` is "smooth" (check order 2), "nondiff" (tangents
    must be zero or absent), or an int order."""
    prim: object
    fun: Callable
    shapes: list        # list of tuples of argument shapes
    domains: tuple      # one (rng, shape) -> array per argument
    ref: Callable       # numpy reference of `fun`
    diff: object = "smooth"
    name: str = ""
    tols: dict = dataclasses.field(default_factory=dict)  # check_grads eps/atol/rtol overrides

    @property
    def id(self):
        return self.name or self.prim.name

    @property
    def differentiable(self):
        return self.diff != "nondiff"

    @property
    def order(self):
        return 2 if self.diff == "smooth" else int(self.diff)


UNARY_SHAPES = [((),), ((3,),), ((2, 3),)]
BINARY_SHAPES = [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((3, 1), (1, 4)), ((), (3,))]


def unary(prim, fn, ref, domain=REAL, diff="smooth", name=""):
    return Rec(prim, fn, UNARY_SHAPES, (domain,), ref, diff, name)


def binary(prim, fn, ref, domains=(REAL, REAL), diff="smooth", name=""):
    return Rec(prim, fn, BINARY_SHAPES, tuple(domains), ref, diff, name)


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def _sum_all(x):
    return tuple(range(x.ndim))


def _last(x):
    return (x.ndim - 1,)


def _scatter_ref(spec):
    def ref(operand, updates, *idx):
        out = operand.copy()
        np.add.at(out, lax_index(spec, idx), updates)
        return out
    return ref


def lax_index(spec, arrays):
    """The numpy index tuple of a getitem spec (reference implementation for the tests)."""
    it = iter(arrays)
    return tuple(next(it) if s == "array" else slice(*s[1:]) if type(s) is tuple else s
                 for s in spec)


def getitem_rec(name, spec, shapes, index_domains=()):
    def fn(x, *idx):
        return lax.getitem(x, spec, idx)
    return Rec(lax.getitem_p, fn, shapes, (REAL, *index_domains),
               lambda x, *idx: x[lax_index(spec, idx)], name=f"getitem-{name}")


def scatter_rec(name, spec, shapes, index_domains=()):
    def fn(operand, updates, *idx):
        return lax.scatter_add(operand, updates, spec, idx)
    return Rec(lax.scatter_add_p, fn, shapes, (REAL, REAL, *index_domains), _scatter_ref(spec),
               name=f"scatter_add-{name}")


def _dot_ref(dn):
    """numpy reference for dot_general: einsum with batch, lhs free, rhs free output order."""
    (lc, rc), (lb, rb) = dn

    def ref(x, y):
        letters = iter("abcdefghijklmnop")
        xs = [None] * x.ndim
        ys = [None] * y.ndim
        for a, b in [*zip(lc, rc), *zip(lb, rb)]:
            xs[a] = ys[b] = next(letters)
        xs = [c or next(letters) for c in xs]
        ys = [c or next(letters) for c in ys]
        out = ([xs[a] for a in lb] + [c for i, c in enumerate(xs) if i not in lc and i not in lb]
               + [c for i, c in enumerate(ys) if i not in rc and i not in rb])
        return np.einsum(f"{''.join(xs)},{''.join(ys)}->{''.join(out)}", x, y)
    return ref


def dot_rec(name, dn, shapes):
    return Rec(lax.dot_general_p, lambda x, y: lax.dot_general(x, y, dn), shapes, (REAL, REAL),
               _dot_ref(dn), name=f"dot_general-{name}")


FULL = lax.FULL


def _comparison(prim, fn, ref):
    return binary(prim, fn, ref, (int_valued(), int_valued()), "nondiff")


def _bitwise(prim, fn, ref, kind):
    dom = bools if kind == "bool" else ints(-8, 8)
    return binary(prim, fn, ref, (dom, dom), "nondiff", f"{prim.name}-{kind}")


RECORDS = [
    # ---- arith
    binary(lax.add_p, lax.add, np.add),
    binary(lax.sub_p, lax.sub, np.subtract),
    unary(lax.neg_p, lax.neg, np.negative),
    binary(lax.mul_p, lax.mul, np.multiply),
    binary(lax.div_p, lax.div, np.divide, (REAL, away_from_zero())),
    Rec(lax.select_p, lax.select,
        [((), (), ()), ((3,), (3,), (3,)), ((3, 1), (1, 4), (3, 4)), ((2, 3), (), (2, 3))],
        (bools, REAL, REAL), np.where),
    Rec(lax.convert_p, lambda x: lax.convert_element_type(x, np.float64), UNARY_SHAPES,
        (real(dtype=np.float32),), lambda x: x.astype(np.float64), 1, "convert-f32-f64"),
    Rec(lax.convert_p, lambda x: lax.convert_element_type(x, np.float32), UNARY_SHAPES,
        (REAL,), lambda x: x.astype(np.float32), 1, "convert-f64-f32",
        {"eps": 1e-2, "atol": 1e-4, "rtol": 1e-4}),  # float32 output: rounding limits the differences
    Rec(lax.convert_p, lambda x: lax.convert_element_type(x, np.int64), UNARY_SHAPES,
        (real(-5, 5),), lambda x: x.astype(np.int64), "nondiff", "convert-f64-i64"),
    unary(lax.stop_gradient_p, lax.stop_gradient, lambda x: x, diff="nondiff"),
    # ---- math: smooth unary
    unary(lax.exp_p, lax.exp, np.exp),
    unary(lax.log_p, lax.log, np.log, POS),
    unary(lax.log1p_p, lax.log1p, np.log1p, real(-0.5, 2.0)),
    unary(lax.expm1_p, lax.expm1, np.expm1),
    unary(lax.sin_p, lax.sin, np.sin),
    unary(lax.cos_p, lax.cos, np.cos),
    unary(lax.tan_p, lax.tan, np.tan, real(-1.2, 1.2)),
    unary(lax.tanh_p, lax.tanh, np.tanh),
    unary(lax.sinh_p, lax.sinh, np.sinh),
    unary(lax.cosh_p, lax.cosh, np.cosh),
    unary(lax.atan_p, lax.atan, np.arctan),
    unary(lax.asin_p, lax.asin, np.arcsin, UNIT),
    unary(lax.acos_p, lax.acos, np.arccos, UNIT),
    unary(lax.asinh_p, lax.asinh, np.arcsinh),
    unary(lax.acosh_p, lax.acosh, np.arccosh, real(1.2, 3.0)),
    unary(lax.atanh_p, lax.atanh, np.arctanh, UNIT),
    unary(lax.sqrt_p, lax.sqrt, np.sqrt, POS),
    unary(lax.logistic_p, lax.logistic, _logistic, real(-6, 6)),
    unary(lax.abs_p, lax.abs, np.abs, away_from_zero()),
    # ---- math: piecewise constant
    unary(lax.sign_p, lax.sign, np.sign, diff="nondiff"),
    unary(lax.floor_p, lax.floor, np.floor, real(-5, 5), "nondiff"),
    unary(lax.ceil_p, lax.ceil, np.ceil, real(-5, 5), "nondiff"),
    unary(lax.round_p, lax.round, np.round, real(-5, 5), "nondiff"),
    unary(lax.is_finite_p, lax.is_finite, np.isfinite, with_nonfinite, "nondiff"),
    # ---- math: powers
    unary(lax.integer_pow_p, lambda x: lax.integer_pow(x, 2), np.square, name="integer_pow-2"),
    unary(lax.integer_pow_p, lambda x: lax.integer_pow(x, 3), lambda x: x ** 3,
          name="integer_pow-3"),
    unary(lax.integer_pow_p, lambda x: lax.integer_pow(x, -2), lambda x: x ** -2.0,
          away_from_zero(), name="integer_pow-neg2"),
    unary(lax.integer_pow_p, lambda x: lax.integer_pow(x, 0), lambda x: np.ones_like(x),
          name="integer_pow-0"),
    binary(lax.pow_p, lax.pow, np.power, (POS, REAL)),
    # ---- math: binary
    binary(lax.max_p, lax.max, np.maximum),
    binary(lax.min_p, lax.min, np.minimum),
    binary(lax.atan2_p, lax.atan2, np.arctan2, (REAL, away_from_zero())),
    binary(lax.rem_p, lax.rem, np.fmod, (real(2.2, 2.8), real(1.0, 1.05))),
    _comparison(lax.lt_p, lax.lt, np.less),
    _comparison(lax.le_p, lax.le, np.less_equal),
    _comparison(lax.gt_p, lax.gt, np.greater),
    _comparison(lax.ge_p, lax.ge, np.greater_equal),
    _comparison(lax.eq_p, lax.eq, np.equal),
    _comparison(lax.ne_p, lax.ne, np.not_equal),
    _bitwise(lax.and_p, lax.bitwise_and, np.bitwise_and, "bool"),
    _bitwise(lax.and_p, lax.bitwise_and, np.bitwise_and, "int"),
    _bitwise(lax.or_p, lax.bitwise_or, np.bitwise_or, "bool"),
    _bitwise(lax.xor_p, lax.bitwise_xor, np.bitwise_xor, "int"),
    unary(lax.not_p, lax.bitwise_not, np.invert, bools, "nondiff", "not-bool"),
    unary(lax.not_p, lax.bitwise_not, np.invert, ints(-8, 8), "nondiff", "not-int"),
    # ---- shape
    Rec(lax.broadcast_to_p, lambda x: lax.broadcast_to(x, (2, *x.shape)), UNARY_SHAPES, (REAL,),
        lambda x: np.broadcast_to(x, (2, *x.shape)), name="broadcast_to-lead"),
    Rec(lax.broadcast_to_p, lambda x: lax.broadcast_to(x, (x.shape[0], 4)), [((3, 1),), ((1, 1),)],
        (REAL,), lambda x: np.broadcast_to(x, (x.shape[0], 4)), name="broadcast_to-ones"),
    Rec(lax.reduce_sum_p, lambda x: lax.reduce_sum(x, _sum_all(x)), [((3,),), ((2, 3),)], (REAL,),
        np.sum, name="reduce_sum-all"),
    Rec(lax.reduce_sum_p, lambda x: lax.reduce_sum(x, (0,)), [((2, 3),), ((2, 3, 4),)], (REAL,),
        lambda x: np.sum(x, 0), name="reduce_sum-0"),
    Rec(lax.reshape_p, lambda x: lax.reshape(x, (x.size,)), [((2, 3),), ((2, 1, 2),)], (REAL,),
        lambda x: x.reshape(-1), name="reshape-flat"),
    Rec(lax.reshape_p, lambda x: lax.reshape(x, (*x.shape, 1)), UNARY_SHAPES, (REAL,),
        lambda x: x.reshape(*x.shape, 1), name="reshape-expand"),
    Rec(lax.transpose_p, lambda x: lax.transpose(x, tuple(range(x.ndim))[::-1]),
        [((2, 3),), ((2, 3, 4),)], (REAL,), lambda x: x.T),
    Rec(lax.transpose_p, lambda x: lax.transpose(x, (1, 2, 0)), [((2, 3, 4),)], (REAL,),
        lambda x: np.transpose(x, (1, 2, 0)), name="transpose-cycle"),
    # ---- reductions
    Rec(lax.reduce_max_p, lambda x: lax.reduce_max(x, _sum_all(x)), [((3,),), ((2, 3),)], (REAL,),
        np.max, name="reduce_max-all"),
    Rec(lax.reduce_max_p, lambda x: lax.reduce_max(x, _last(x)), [((2, 3),), ((2, 3, 4),)], (REAL,),
        lambda x: np.max(x, -1), name="reduce_max-last"),
    Rec(lax.reduce_min_p, lambda x: lax.reduce_min(x, (0,)), [((3,),), ((2, 3),)], (REAL,),
        lambda x: np.min(x, 0), name="reduce_min-0"),
    Rec(lax.reduce_prod_p, lambda x: lax.reduce_prod(x, _sum_all(x)), [((3,),), ((2, 3),)], (REAL,),
        np.prod, name="reduce_prod-all"),
    Rec(lax.reduce_prod_p, lambda x: lax.reduce_prod(x, _last(x)), [((4,),), ((2, 3),)],
        (with_zero,), lambda x: np.prod(x, -1), name="reduce_prod-zero"),
    Rec(lax.reduce_prod_p, lambda x: lax.reduce_prod(x, (0, 2)), [((2, 3, 2),)], (REAL,),
        lambda x: np.prod(x, (0, 2)), name="reduce_prod-02"),
    Rec(lax.argmax_p, lambda x: lax.argmax(x, x.ndim - 1), [((3,),), ((2, 3),)], (REAL,),
        lambda x: np.argmax(x, -1), "nondiff"),
    Rec(lax.argmin_p, lambda x: lax.argmin(x, 0), [((3,),), ((2, 3),)], (REAL,),
        lambda x: np.argmin(x, 0), "nondiff"),
    # ---- indexing
    getitem_rec("slice-newaxis", (("slice", 1, None, None), None), [((3,),), ((3, 2),)]),
    getitem_rec("int-negstep", (1, ("slice", None, None, -2)), [((3, 5),), ((2, 4, 2),)]),
    getitem_rec("negstep", (("slice", 3, 0, -1),), [((4,),), ((5, 2),)]),
    getitem_rec("array", ("array",), [((4,), (2,)), ((4, 3), (2, 2))], (ints(-4, 4),)),
    getitem_rec("array-slice-array", ("array", FULL, "array"), [((3, 2, 4), (2,), (2,))],
                (ints(0, 3), ints(0, 4))),
    getitem_rec("slice-array", (("slice", 1, None, None), "array"), [((3, 4), (3,))],
                (ints(0, 4),)),
    scatter_rec("array", ("array",), [((5,), (3,), (3,)), ((4, 2), (3, 2), (3,))], (ints(0, 4),)),
    scatter_rec("slice", (("slice", 1, 3, None),), [((4,), (2,)), ((4, 3), (2, 3))]),
    Rec(lax.concatenate_p, lambda x, y: lax.concatenate([x, y], 0),
        [((2,), (3,)), ((2, 3), (1, 3))], (REAL, REAL), lambda x, y: np.concatenate([x, y], 0),
        name="concatenate-0"),
    Rec(lax.concatenate_p, lambda x, y, z: lax.concatenate([x, y, z], x.ndim - 1),
        [((2, 3), (2, 1), (2, 2))], (REAL, REAL, REAL), lambda x, y, z: np.concatenate([x, y, z], -1),
        name="concatenate-3"),
    # ---- linalg
    dot_rec("vecvec", (((0,), (0,)), ((), ())), [((3,), (3,))]),
    dot_rec("matvec", (((1,), (0,)), ((), ())), [((2, 3), (3,))]),
    dot_rec("matmat", (((1,), (0,)), ((), ())), [((2, 3), (3, 4))]),
    dot_rec("batched", (((2,), (1,)), ((0,), (0,))), [((2, 3, 4), (2, 4, 5))]),
    dot_rec("lhs0", (((0,), (0,)), ((), ())), [((3, 2), (3, 4))]),
    dot_rec("outer", (((), ()), ((), ())), [((2,), (3,))]),
    dot_rec("two-contract", (((1, 2), (1, 0)), ((), ())), [((2, 3, 4), (4, 3))]),
    dot_rec("batch-last", (((0,), (1,)), ((2,), (0,))), [((3, 2, 4), (4, 3, 5))]),
]


def _area_records():
    """Records of further primitive families, one `tests/prim_records_<area>.py` per area, each
    defining RECORDS with the same Rec rows (kept apart so areas can be added independently)."""
    import importlib
    import pathlib
    found = []
    for path in sorted(pathlib.Path(__file__).parent.glob("prim_records_*.py")):
        found.extend(importlib.import_module(path.stem).RECORDS)
    return found


RECORDS = RECORDS + _area_records()
