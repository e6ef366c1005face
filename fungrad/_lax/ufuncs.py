"""Elementwise primitives for numpy ufuncs that no composition computes exactly: isnan, trunc,
signbit, log2, log10, exp2, cbrt, spacing, nextafter, copysign, frexp's exponent, gcd, lcm, bit
shifts, bitwise_count and the modified Bessel functions I_n (np.i0).

(log2(8) is exactly 3 and exp2(3) exactly 8 in numpy, not so log(x) / log(2) or exp(x log 2); the
integer and bit functions have no float composition at all.)

Imports: _core, lax._families, lax._jvp_rules, lax.arith, lax.math.
"""
import numpy as np
import scipy.special

from fungrad._core.errors import MissingRuleError
from fungrad._core.primitive import INEXACT, INTEGER_OR_BOOL, CallImpl, DtypeFamily, Emit, Ufunc
from fungrad._core.trace import get_aval
from fungrad._lax._families import naryop, unop
from fungrad._lax._jvp_rules import defjvp, jvp_zero
from fungrad._lax.arith import add, div, mul

INTEGER = DtypeFamily("integer", "iu", "gcd, lcm and bit shifts take integers only.")


def _const(value, like):
    return np.asarray(value, get_aval(like).dtype)


is_nan_p = unop("is_nan", np.isnan, out_dtype=np.dtype(bool), emit=Ufunc(np.isnan), jvp=jvp_zero)
signbit_p = unop("signbit", np.signbit, out_dtype=np.dtype(bool), emit=Ufunc(np.signbit),
                 jvp=jvp_zero)
trunc_p = unop("trunc", np.trunc, emit=Ufunc(np.trunc), jvp=jvp_zero)
spacing_p = unop("spacing", np.spacing, emit=Ufunc(np.spacing), jvp=jvp_zero, dtypes=INEXACT)
log2_p = unop("log2", np.log2, emit=Ufunc(np.log2), dtypes=INEXACT,
              jvp=defjvp(lambda t, ans, x: div(t, mul(x, _const(np.log(2.0), x)))))
log10_p = unop("log10", np.log10, emit=Ufunc(np.log10), dtypes=INEXACT,
               jvp=defjvp(lambda t, ans, x: div(t, mul(x, _const(np.log(10.0), x)))))
exp2_p = unop("exp2", np.exp2, emit=Ufunc(np.exp2), dtypes=INEXACT,
              jvp=defjvp(lambda t, ans, x: mul(t, mul(ans, _const(np.log(2.0), ans)))))
cbrt_p = unop("cbrt", np.cbrt, emit=Ufunc(np.cbrt), dtypes=INEXACT,
              jvp=defjvp(lambda t, ans, x: div(t, mul(_const(3, ans), mul(ans, ans)))))
frexp_exponent_p = unop("frexp_exponent", lambda x: np.frexp(x)[1], out_dtype=np.dtype(np.int32),
                        emit=(CallImpl(fresh=True),
                              Emit("jnp.frexp({0})[1].astype('int32')", fresh=True, on=("jax",))),
                        jvp=jvp_zero, dtypes=INEXACT)
nextafter_p = naryop("nextafter", np.nextafter, 2, emit=Ufunc(np.nextafter), jvp=jvp_zero,
                     dtypes=INEXACT)


def _copysign_dx(t, ans, x, y):
    # copysign(x, y) = |x| s(y) with s = copysign(1, .), so the derivative in x is s(x) s(y)
    return mul(t, mul(sign_or_one(x), sign_or_one(y)))


def sign_or_one(x):
    """copysign(1, x): the sign with -0.0 as -1 and +0.0 as +1."""
    return copysign_p.bind(_const(1, x), x)


copysign_p = naryop("copysign", np.copysign, 2, emit=Ufunc(np.copysign), dtypes=INEXACT,
                    jvp=defjvp(_copysign_dx, None))
gcd_p = naryop("gcd", np.gcd, 2, emit=Ufunc(np.gcd), jvp=jvp_zero, dtypes=INTEGER)
lcm_p = naryop("lcm", np.lcm, 2, emit=Ufunc(np.lcm), jvp=jvp_zero, dtypes=INTEGER)
shift_left_p = naryop("shift_left", np.left_shift, 2, emit=Ufunc(np.left_shift), jvp=jvp_zero,
                      dtypes=INTEGER)
shift_right_p = naryop("shift_right", np.right_shift, 2, emit=Ufunc(np.right_shift),
                       jvp=jvp_zero, dtypes=INTEGER)
population_count_p = unop("population_count", np.bitwise_count, emit=Ufunc(np.bitwise_count),
                          out_dtype=np.dtype(np.uint8), jvp=jvp_zero, dtypes=INTEGER_OR_BOOL)


# ---- modified Bessel functions of the first kind: d I_n / dx = (I_{n-1} + I_{n+1}) / 2
def _bessel_impl(x, *, order):
    x = np.asarray(x)
    if order == 0:
        out = scipy.special.i0(x)
    elif order == 1:
        out = scipy.special.i1(x)
    else:
        out = scipy.special.iv(order, x)
    return out.astype(x.dtype, copy=False)


def _bessel_dx(t, ans, x, *, order):
    lower = bessel_i(x, abs(order - 1))
    upper = bessel_i(x, order + 1)
    return mul(t, mul(add(lower, upper), _const(0.5, x)))


def _bessel_emit(ctx, eqn, a):
    """The backend's special-function namespace: i0, i1, or iv(order, x) where it has iv."""
    order = eqn.params["order"]
    name = {0: "i0", 1: "i1"}.get(order, "iv")
    if getattr(ctx.backend.special_namespace(), name, None) is None:
        raise MissingRuleError(
            f"primitive 'bessel_i' has no code emission rule for backend {ctx.backend.name!r} "
            f"with order={order}: its special-function namespace has no {name!r}. Fix: use "
            "backend='numpy'.")
    return f"special.{name}({a[0]})" if name != "iv" else f"special.iv({order}, {a[0]})"


bessel_i_p = unop("bessel_i", _bessel_impl, dtypes=INEXACT,
                  emit=(CallImpl(fresh=True),
                        Emit(_bessel_emit, fresh=True, on=("jax", "cupy", "dask"))),
                  jvp=defjvp(_bessel_dx))


is_nan, signbit, trunc, spacing = is_nan_p.bind, signbit_p.bind, trunc_p.bind, spacing_p.bind
log2, log10, exp2, cbrt = log2_p.bind, log10_p.bind, exp2_p.bind, cbrt_p.bind
frexp_exponent, nextafter, copysign = frexp_exponent_p.bind, nextafter_p.bind, copysign_p.bind
gcd, lcm, shift_left, shift_right = gcd_p.bind, lcm_p.bind, shift_left_p.bind, shift_right_p.bind
population_count = population_count_p.bind


def bessel_i(x, order):
    return bessel_i_p.bind(x, order=int(order))

