"""Elementwise transcendental and piecewise primitives with their JVP rules.

Each is one `unop`/`naryop` call giving all its rules (JVP, code emission, dtype family); VJPs
come from transposition.

Imports: _core, lax._families, lax._jvp_rules, lax.arith.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.primitive import (
    INEXACT, INTEGER_OR_BOOL, NOT_LINEAR, CallImpl, DtypeFamily, Emit, Primitive, Ufunc, Vjp,
    register)
from fungrad._core.trace import get_aval
from fungrad._lax._families import _ELEMENTWISE_BATCH, naryop, unop
from fungrad._lax._jvp_rules import defjvp, jvp_zero
from fungrad._lax.complex_parts import conj, real
from fungrad._lax.arith import (
    add, div, mul, neg, select, sub, zeros_like_aval)


# ordered or rounding operations numpy does not define for complex numbers
REAL_ONLY = DtypeFamily("real (non-complex)", "biuf",
                        "It is not defined for complex numbers; apply it to fnp.real(z), "
                        "fnp.imag(z) or fnp.abs(z).")


def _const(value, like):
    """A concrete scalar of the dtype of `like` (keeps float32 math in float32)."""
    return np.asarray(value, get_aval(like).dtype)


def _unary_vjp(bwd):
    """The Vjp of a one-operand primitive: `bwd(ct, out, x)` is the transpose of its JVP term."""
    def vjp(ct, out, primals, wants, **params):
        return [(0, bwd(ct, out, primals[0], **params) if params else bwd(ct, out, primals[0]))]
    return Vjp(vjp)


# each vjp= is the transpose of the JVP term beside it (mul(t, g) -> mul(ct, g), as
# mul's transpose rule computes it; neg(t) -> neg(ct); div(t, g) -> div(ct, g))
exp_p = unop("exp", np.exp, emit=Ufunc(np.exp), dtypes=INEXACT,
             jvp=defjvp(lambda t, ans, x: mul(t, ans)),
             vjp=_unary_vjp(lambda ct, ans, x: mul(ct, ans)))
log_p = unop("log", np.log, emit=Ufunc(np.log), dtypes=INEXACT,
             jvp=defjvp(lambda t, ans, x: div(t, x)),
             vjp=_unary_vjp(lambda ct, ans, x: div(ct, x)))
log1p_p = unop("log1p", np.log1p, emit=Ufunc(np.log1p), dtypes=INEXACT,
               jvp=defjvp(lambda t, ans, x: div(t, add(x, _const(1, x)))))
expm1_p = unop("expm1", np.expm1, emit=Ufunc(np.expm1), dtypes=INEXACT,
               jvp=defjvp(lambda t, ans, x: mul(t, add(ans, _const(1, ans)))))
sin_p = unop("sin", np.sin, emit=Ufunc(np.sin), dtypes=INEXACT,
             jvp=defjvp(lambda t, ans, x: mul(t, cos(x))),
             vjp=_unary_vjp(lambda ct, ans, x: mul(ct, cos(x))))
cos_p = unop("cos", np.cos, emit=Ufunc(np.cos), dtypes=INEXACT,
             jvp=defjvp(lambda t, ans, x: neg(mul(t, sin(x)))),
             vjp=_unary_vjp(lambda ct, ans, x: mul(neg(ct), sin(x))))
tan_p = unop("tan", np.tan, emit=Ufunc(np.tan), dtypes=INEXACT,
             jvp=defjvp(lambda t, ans, x: mul(t, add(_const(1, ans), mul(ans, ans)))))
tanh_p = unop("tanh", np.tanh, emit=Ufunc(np.tanh), dtypes=INEXACT,
              jvp=defjvp(lambda t, ans, x: mul(t, sub(_const(1, ans), mul(ans, ans)))),
              vjp=_unary_vjp(lambda ct, ans, x: mul(ct, sub(_const(1, ans), mul(ans, ans)))))
sinh_p = unop("sinh", np.sinh, emit=Ufunc(np.sinh), dtypes=INEXACT,
              jvp=defjvp(lambda t, ans, x: mul(t, cosh(x))))
cosh_p = unop("cosh", np.cosh, emit=Ufunc(np.cosh), dtypes=INEXACT,
              jvp=defjvp(lambda t, ans, x: mul(t, sinh(x))))
atan_p = unop("atan", np.arctan, emit=Ufunc(np.arctan), dtypes=INEXACT,
              jvp=defjvp(lambda t, ans, x: div(t, add(_const(1, x), mul(x, x)))))
asin_p = unop("asin", np.arcsin, emit=Ufunc(np.arcsin), dtypes=INEXACT,
              jvp=defjvp(lambda t, ans, x: div(t, sqrt(sub(_const(1, x), mul(x, x))))))
acos_p = unop("acos", np.arccos, emit=Ufunc(np.arccos), dtypes=INEXACT,
              jvp=defjvp(lambda t, ans, x: neg(div(t, sqrt(sub(_const(1, x), mul(x, x)))))))
asinh_p = unop("asinh", np.arcsinh, emit=Ufunc(np.arcsinh), dtypes=INEXACT,
               jvp=defjvp(lambda t, ans, x: div(t, sqrt(add(mul(x, x), _const(1, x))))))


def _acosh_dx(t, ans, x):
    if get_aval(x).dtype.kind == "c":
        # sqrt(z - 1) * sqrt(z + 1), not sqrt(z*z - 1): the branch of numpy's arccosh (the two
        # differ in sign where Re z < 0; JAX 0.10 uses the latter and disagrees with finite
        # differences of its own arccosh there)
        one = _const(1, x)
        return div(t, mul(sqrt(sub(x, one)), sqrt(add(x, one))))
    return div(t, sqrt(sub(mul(x, x), _const(1, x))))


acosh_p = unop("acosh", np.arccosh, emit=Ufunc(np.arccosh), dtypes=INEXACT,
               jvp=defjvp(_acosh_dx))
atanh_p = unop("atanh", np.arctanh, emit=Ufunc(np.arctanh), dtypes=INEXACT,
               jvp=defjvp(lambda t, ans, x: div(t, sub(_const(1, x), mul(x, x)))))
sqrt_p = unop("sqrt", np.sqrt, emit=Ufunc(np.sqrt), dtypes=INEXACT,
              jvp=defjvp(lambda t, ans, x: div(t, mul(_const(2, ans), ans))))
# logistic is a primitive, not exp composed, so that large |x| neither overflows nor loses precision
def _logistic_impl(x):
    if np.result_type(x).kind == "c":  # no logaddexp for complex: the plain formula, as JAX
        return np.asarray(1 / (1 + np.exp(-x)), np.result_type(x))
    return np.exp(-np.logaddexp(0, -x)).astype(np.result_type(x))


logistic_p = unop("logistic", _logistic_impl,
                  emit=(CallImpl(), Emit("lax.logistic({0})", fresh=True, on=("jax",)),
                        Emit("(1 / (1 + {xp}.exp(-{0})))", fresh=True,
                             on=("numpy_api", "array_api"))),
                  dtypes=INEXACT,
                  jvp=defjvp(lambda t, ans, x: mul(t, mul(ans, sub(_const(1, ans), ans)))))


def _abs_abstract(x):
    """|x| keeps a real dtype; of complex numbers it is real (complex128 -> float64, numpy's)."""
    if x.dtype.kind == "c":
        return shaped(x.shape, np.dtype(x.dtype.char.lower()))
    return x if not x.weak_type else shaped(x.shape, x.dtype)


def _abs_dx(t, ans, x):
    if get_aval(x).dtype.kind != "c":
        # JAX's convention at the kink: the right derivative, d|x| = t at x == 0 (x >= 0 takes
        # t, else -t; grad(abs)(0.) == 1.0, as jax.grad(jnp.abs)(0.)). PyTorch's is sign(x) = 0
        # there: fungrad.torch's abs is x * stop_gradient(sign(x)), which gives torch's 0.
        return select(ge(x, zeros_like_aval(get_aval(x))), t, neg(t))
    # d|z| = Re(conj(z) dz) / |z|, complex-linear in nothing but real-linear in dz; 0 at z == 0
    # (JAX's choice for complex z: the tangent of |z| at 0 vanishes)
    zero = zeros_like_aval(get_aval(ans))
    is_zero = eq(ans, zero)
    safe = select(is_zero, np.ones_like(zero), ans)
    return div(real(mul(conj(x), t)), safe)


abs_p = register(Primitive("abs"), impl=np.abs, abstract_eval=_abs_abstract,
                 jvp=defjvp(_abs_dx), transpose=NOT_LINEAR, batch=_ELEMENTWISE_BATCH,
                 emit=Ufunc(np.abs))
# sign has a zero tangent, for complex z too (z / |z| there), as JAX's convention
sign_p = unop("sign", np.sign, emit=Ufunc(np.sign), jvp=jvp_zero)
floor_p = unop("floor", np.floor, emit=Ufunc(np.floor), jvp=jvp_zero, dtypes=REAL_ONLY)
ceil_p = unop("ceil", np.ceil, emit=Ufunc(np.ceil), jvp=jvp_zero, dtypes=REAL_ONLY)
round_p = unop("round", np.round, emit=Ufunc(np.round), jvp=jvp_zero)


def _integer_pow_impl(x, *, y):
    return np.power(x, y) if y >= 0 else np.power(x, float(y)).astype(np.result_type(x))


def _integer_pow_dx(ct, x, y):
    return (mul(ct, _const(0, x)) if y == 0 else
            mul(ct, mul(_const(y, x), x if y == 2 else integer_pow(x, y - 1))))


integer_pow_p = unop(
    "integer_pow", _integer_pow_impl,
    emit=(Emit(lambda ctx, eqn, a: (
        f"np.power({a[0]}, {eqn.params['y']})" if eqn.params["y"] >= 0
        else f"{ctx.glob(_integer_pow_impl, 'integer_pow')}({a[0]}, y={eqn.params['y']})"),
        fresh=True, on=("numpy",)),
        Emit("lax.integer_pow({0}, {y})", fresh=True, on=("jax",)),
        Emit(lambda ctx, eqn, a: (
            f"{ctx.xp}.power({a[0]}, {eqn.params['y']})" if eqn.params["y"] >= 0
            else f"{ctx.xp}.power({a[0]}, {float(eqn.params['y'])!r}).astype({a[0]}.dtype)"),
            fresh=True),
        Emit(lambda ctx, eqn, a: f"xp.pow({a[0]}, {eqn.params['y']})" if eqn.params["y"] >= 0
             else f"xp.astype(xp.pow({a[0]}, {float(eqn.params['y'])!r}), {a[0]}.dtype)",
             fresh=True, on=("array_api",))),
    # y * x**(y-1): finite at x == 0 for y >= 1, unlike the general pow rule
    jvp=defjvp(lambda t, ans, x, *, y: (
        mul(t, _const(0, x)) if y == 0 else t if y == 1 else
        mul(t, mul(_const(y, x), x if y == 2 else integer_pow(x, y - 1))))),
    vjp=Vjp(lambda ct, ans, primals, wants, *, y: [(0, _integer_pow_dx(ct, primals[0], y))],
            alias=lambda out, primals, wants, *, y: 0 if y == 1 else None))


def _pow_dy(t, ans, x, y):
    # d/dy x**y = log(x) * x**y; where x == 0 the limit used is 0 (no NaN from log(0) * 0)
    zero = zeros_like_aval(get_aval(x))
    is_zero = eq(x, zero)
    safe_x = select(is_zero, np.ones_like(zero), x)
    return mul(t, select(is_zero, zeros_like_aval(get_aval(ans)), mul(log(safe_x), ans)))


def _pow_dx(t, ans, x, y):
    # y * x**(y-1), computed as a pow so that x == 0 with y >= 1 stays finite
    return mul(t, mul(y, pow_p.bind(x, sub(y, _const(1, y)))))


pow_p = naryop("pow", np.power, 2, emit=Ufunc(np.power), jvp=defjvp(_pow_dx, _pow_dy))


# max / min: where the operands tie, each gets half of the tangent (as JAX)
def _minmax_rule(is_max, first):
    def rule(t, ans, x, y):
        me, other = (x, y) if first else (y, x)
        wins = (gt if is_max else lt)(me, other)
        ties = eq(me, other)
        one = np.ones((), get_aval(ans).dtype)
        w = select(wins, one, select(ties, np.asarray(0.5, one.dtype), np.zeros((), one.dtype)))
        return mul(t, w)
    return rule


max_p = naryop("max", np.maximum, 2, emit=Ufunc(np.maximum),
               jvp=defjvp(_minmax_rule(True, True), _minmax_rule(True, False)))
min_p = naryop("min", np.minimum, 2, emit=Ufunc(np.minimum),
               jvp=defjvp(_minmax_rule(False, True), _minmax_rule(False, False)))
atan2_p = naryop("atan2", np.arctan2, 2, emit=Ufunc(np.arctan2), dtypes=REAL_ONLY,
                 jvp=defjvp(lambda t, ans, x, y: mul(t, div(y, add(mul(x, x), mul(y, y)))),
                            lambda t, ans, x, y: mul(t, neg(div(x, add(mul(x, x), mul(y, y)))))))
rem_p = naryop("rem", np.fmod, 2, emit=Ufunc(np.fmod), dtypes=REAL_ONLY,
               jvp=defjvp(lambda t, ans, x, y: t,
                          lambda t, ans, x, y: mul(t, neg(_trunc(div(x, y))))))


def _trunc(x):
    """trunc(x) in x's float dtype, by floor of |x| (an int64 cast overflowed beyond 2**63:
    d fmod(1e300, 1.5) / dy was 9.2e18, and warned for inf and NaN)."""
    neg_x = lt(x, zeros_like_aval(get_aval(x)))
    return select(neg_x, neg(floor_p.bind(neg(x))), floor_p.bind(x))


# comparisons and logical operations: boolean results, zero tangents
def _comparison(name, impl):
    return naryop(name, impl, 2, out_dtype=np.dtype(bool), emit=Ufunc(impl), jvp=jvp_zero)


lt_p = _comparison("lt", np.less)
le_p = _comparison("le", np.less_equal)
gt_p = _comparison("gt", np.greater)
ge_p = _comparison("ge", np.greater_equal)
eq_p = _comparison("eq", np.equal)
ne_p = _comparison("ne", np.not_equal)
and_p = naryop("and", np.bitwise_and, 2, emit=Ufunc(np.bitwise_and), jvp=jvp_zero,
               dtypes=INTEGER_OR_BOOL)
or_p = naryop("or", np.bitwise_or, 2, emit=Ufunc(np.bitwise_or), jvp=jvp_zero,
              dtypes=INTEGER_OR_BOOL)
xor_p = naryop("xor", np.bitwise_xor, 2, emit=Ufunc(np.bitwise_xor), jvp=jvp_zero,
               dtypes=INTEGER_OR_BOOL)
not_p = unop("not", np.invert, emit=Ufunc(np.invert), jvp=jvp_zero, dtypes=INTEGER_OR_BOOL)
is_finite_p = unop("is_finite", np.isfinite, out_dtype=np.dtype(bool), emit=Ufunc(np.isfinite), jvp=jvp_zero)


# The public wrappers are the primitives' bound `bind` methods: no extra call layer per op.
exp, log, log1p, expm1 = exp_p.bind, log_p.bind, log1p_p.bind, expm1_p.bind
sin, cos, tan, tanh = sin_p.bind, cos_p.bind, tan_p.bind, tanh_p.bind
sinh, cosh, atan, asin, acos = sinh_p.bind, cosh_p.bind, atan_p.bind, asin_p.bind, acos_p.bind
asinh, acosh, atanh = asinh_p.bind, acosh_p.bind, atanh_p.bind
sqrt, logistic, abs, sign = sqrt_p.bind, logistic_p.bind, abs_p.bind, sign_p.bind
floor, ceil, round = floor_p.bind, ceil_p.bind, round_p.bind
pow, max, min, atan2, rem = pow_p.bind, max_p.bind, min_p.bind, atan2_p.bind, rem_p.bind
lt, le, gt, ge, eq, ne = lt_p.bind, le_p.bind, gt_p.bind, ge_p.bind, eq_p.bind, ne_p.bind
bitwise_and, bitwise_or, bitwise_xor, bitwise_not = (
    and_p.bind, or_p.bind, xor_p.bind, not_p.bind)
is_finite = is_finite_p.bind


def integer_pow(x, y):
    if isinstance(y, bool) or not isinstance(y, (int, np.integer)):
        raise TypeError(f"integer_pow: the exponent must be a Python or numpy integer, got {y!r} "
                        f"({type(y).__name__}). Fix: use lax.pow for non-integer exponents.")
    return integer_pow_p.bind(x, y=int(y))
