"""Elementwise ops beyond _ops_math: the rest of torch's unary and binary math, special functions
(on the core's special-function primitives through fungrad.scipy.special), bitwise ops and the
predicates. Each op is ``apply(<torch's grad_fn name>, fn, operands)``; gradients come from the
core's rules for the fungrad.numpy / fungrad.lax functions ``fn`` is written with.
"""
import numpy as np

import fungrad.numpy as fnp
import fungrad.scipy.special as fsp
from fungrad import lax
from fungrad.torch import _ops_math as M
from fungrad.torch._ops_math import flat
from fungrad.torch._record import apply
from fungrad.torch._tensor import Tensor, _new
from fungrad.torch._util import (F32, broadcast_shape, cast, common, dim_int, int_division,
                                 refuse, tabs, val)

__all__ = ["FUNCS"]


def _fdt(a):
    """The float dtype a unary float op computes in (int/bool inputs become float32)."""
    d = a._value.dtype
    return d if d.kind in "fc" else F32


def _un(name, f, inexact=True, real=None):
    """A unary op; ``real``: torch's kernel (see _util.refuse) where it refuses complex input."""
    def op(a, *, out=None):
        a = _t(a)
        if real is not None and a._value.dtype.kind == "c":
            raise refuse(real, a._value.dtype)
        if inexact and a._value.dtype.kind not in "fc":
            return _out(apply(name, lambda x: f(cast(x, F32)), [a]), out)
        return _out(apply(name, f, [a]), out)
    op.__name__ = name
    return op


def _t(a):
    if isinstance(a, Tensor):
        return a
    return _new(np.asarray(a, dtype=np.float32 if isinstance(a, float) else None))


def _out(r, out):
    if out is None:
        return r
    from fungrad.torch._ops_inplace import copy_
    if tuple(out.shape) != tuple(r.shape):
        out._value = np.zeros(r._value.shape, out._value.dtype)
    copy_(out, r)
    return out


def _bin(name, f, inexact=False, name_tensor=None, real=None):
    """A binary op; ``name_tensor`` is torch's node name when the second operand is a Tensor
    (torch records ``op(Tensor, Scalar)`` and ``op(Tensor, Tensor)`` as different nodes);
    ``real``: torch's kernel (see _util.refuse) where it refuses complex operands."""
    def op(a, b, *, out=None):
        if not isinstance(a, Tensor) and not isinstance(b, Tensor):
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"({type(a).__name__}, {type(b).__name__}), but expected one of: "
                            "(Tensor input, Tensor other), (Scalar self, Tensor other), (Tensor "
                            "input, Scalar other)")
        dt = common(a, b, inexact=inexact)
        if real is not None and dt.kind == "c":
            raise refuse(real, dt)
        nm = name_tensor if (name_tensor and isinstance(b, Tensor)) else name
        if not isinstance(a, Tensor):
            a = _new(np.asarray(a, dt))
        return _out(apply(nm, lambda x, y: f(cast(x, dt), cast(y, dt)), [a, b]), out)
    op.__name__ = name
    return op


def _logit(a, eps=None):
    def fn(x):
        if eps is not None:
            x = fnp.clip(x, eps, 1 - eps)
        return fnp.log(x / (1 - x))
    if a._value.dtype.kind not in "fc":
        return apply("LogitBackward0", lambda x: fn(cast(x, F32)), [a])
    return apply("LogitBackward0", fn, [a])


def _frac(x):
    return x - lax.stop_gradient(fnp.trunc(x))


def _frac_op(a, *, out=None):
    dt = a._value.dtype
    if dt.kind != "f":
        raise refuse("frac_cpu", dt)
    return _out(apply("FracBackward0", _frac, [a]), out)


def _trunc(x):
    return flat(fnp.trunc)(x) if x.dtype.kind in "fc" else x


def _xlogy_fn(x, y):
    return fsp.xlogy(x, y)


def nan_to_num(a, nan=0.0, posinf=None, neginf=None, *, out=None):
    return _out(apply("NanToNumBackward0",
                      lambda x: fnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)
                      if x.dtype.kind == "f" else x, [a]), out)


def _fmax(x, y):
    """fmax with torch's gradient: a tie goes to the first operand (as a NaN second one)."""
    return fnp.where((x >= y) | fnp.isnan(y), x, y)


def _fmin(x, y):
    return fnp.where((x <= y) | fnp.isnan(y), x, y)


def _atan2(y, x):
    """atan2 with torch's zero gradient at the origin (the core's y / (x^2 + y^2) is NaN there);
    the origin's value (signed zeros: 0, pi, -0, -pi) from arctan2 itself."""
    origin = (y == 0) & (x == 0)
    one = 1 + 0 * y
    return fnp.where(origin, lax.stop_gradient(fnp.arctan2(y, x)),
                     fnp.arctan2(fnp.where(origin, one, y), fnp.where(origin, one, x)))


def _copysign(x, y):
    return tabs(x) * lax.stop_gradient(fnp.where(fnp.signbit(y), -1.0, 1.0).astype(x.dtype))


_F64, _C128 = np.dtype(np.float64), np.dtype(np.complex128)


def _float_power_dtype(a, b):
    """float_power's dtype: complex128 where an operand is complex, else float64."""
    return _C128 if any(isinstance(v, complex) or getattr(getattr(v, "_value", None), "dtype",
                                                          _F64).kind == "c" for v in (a, b)) \
        else _F64


def _float_power(a, b):
    dt = _float_power_dtype(a, b)
    return apply("PowBackward1" if isinstance(b, Tensor) else "PowBackward0",
                 lambda u, v: fnp.power(cast(u, dt), cast(v, dt)), [a, b])


def float_power(a, b, *, out=None):
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError(f"float_power() received an invalid combination of arguments - got "
                        f"({type(a).__name__}, {type(b).__name__}), but expected one of: (Tensor "
                        "input, Tensor exponent), (Number self, Tensor exponent), (Tensor input, "
                        "Number exponent)")
    if not isinstance(a, Tensor):
        a = _new(np.asarray(a, np.float64))
    return _out(_float_power(a, b), out)


def _heaviside(x, v):
    return fnp.where(x == 0, v, fnp.where(x > 0, 1, 0).astype(x.dtype))


def heaviside(a, values, *, out=None):
    da, dv = np.asarray(val(a)).dtype, np.asarray(val(values)).dtype
    if da.kind == "c" or dv.kind == "c":
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if da != dv:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    dt = common(a, values)
    r = np.asarray(_heaviside(np.asarray(val(a)).astype(dt), np.asarray(val(values)).astype(dt)))
    return _out(_new(r), out)


def _int_op(f, name, kernel, kinds):
    """A binary op of integers (gcd, bitwise_and, ...: torch's kernel ``kernel`` takes the dtype
    kinds ``kinds`` of the operands' common dtype)."""
    def op(a, b=None, *, out=None):
        if b is None:
            raise TypeError(f'{name}() missing 1 required positional arguments: "other"')
        if not isinstance(a, Tensor) and not isinstance(b, Tensor):
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"({type(a).__name__}, {type(b).__name__}), but expected one of: "
                            "(Tensor input, Tensor other), (Scalar self, Tensor other), (Tensor "
                            "input, Number other)")
        broadcast_shape(tuple(np.shape(val(a))), tuple(np.shape(val(b))))
        dt = common(a, b)
        if dt.kind not in kinds:
            raise refuse(kernel, dt)
        r = f(np.asarray(val(a)).astype(dt, copy=False), np.asarray(val(b)).astype(dt, copy=False))
        return _out(_new(np.asarray(r, dt)), out)
    op.__name__ = name
    return op


def bitwise_not(a, *args, out=None):
    if args:
        raise TypeError(f"bitwise_not() takes no arguments ({len(args)} given)")
    v = np.asarray(val(a))
    if v.dtype.kind not in "biu":
        raise refuse("bitwise_not_cpu", v.dtype)
    return _out(_new(np.asarray(np.invert(v))), out)


def _pred(f):
    def op(a):
        return _new(np.asarray(f(np.asarray(val(a)))))
    return op


def polygamma(n, a, *, out=None):
    n = dim_int(n, "n")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n and a._value.dtype.kind == "c":
        raise refuse("trigamma" if n == 1 else "polygamma", a._value.dtype)
    return _out(apply("PolygammaBackward0",
                      lambda x: fsp.polygamma(n, x) if n else fsp.digamma(x), [_as_f(a)]), out)


def mvlgamma(a, p, *, out=None):
    p = dim_int(p, "p")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    dt = a._value.dtype
    if dt.kind == "b":
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if dt.kind == "c":
        raise refuse("arange_cpu", dt)
    if dt.kind != "f":
        a = _as_f(a)
    return _out(apply("MvlgammaBackward0", lambda x: fsp.multigammaln(x, p), [a]), out)


def _as_f(a):
    if a._value.dtype.kind in "fc":
        return a
    return _new(a._value.astype(np.float32))


def imag(a):
    if a._value.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return apply("ImagBackward0", fnp.imag, [a])


def real(a):
    if a._value.dtype.kind != "c":
        return a
    return apply("RealBackward0", fnp.real, [a])


def angle(a, *, out=None):
    def fn(x):
        if x.dtype.kind == "c":
            return fnp.angle(x)
        # pi where x < 0, NaN at NaN, else 0; a zero gradient (x * 0 would be NaN at +-inf)
        return fnp.where(x != x, x, lax.stop_gradient(fnp.where(x < 0, np.pi, 0.0).astype(
            x.dtype)))
    return _out(apply("AngleBackward0", fn, [_as_f(a)]), out)


def _erfinv(x):
    return fsp.erfinv(x)


def sgn(a, *, out=None):
    if a._value.dtype.kind == "b":
        return _out(apply("SgnBackward0", lambda x: x | False, [a]), out)
    return _out(apply("SgnBackward0", flat(M._sign_fn), [a]), out)


def positive(a):
    return a


def signbit(a, *, out=None):
    return _out(_new(np.signbit(np.asarray(val(a)))), out)


def isinf(a):
    return _new(np.isinf(np.asarray(val(a))))


def isposinf(a, *, out=None):
    if a._value.dtype.kind == "c":
        raise RuntimeError("isposinf does not support complex inputs.")
    return _out(_new(np.isposinf(np.asarray(val(a)))), out)


def isneginf(a, *, out=None):
    if a._value.dtype.kind == "c":
        raise RuntimeError("isneginf does not support complex inputs.")
    return _out(_new(np.isneginf(np.asarray(val(a)))), out)


def isreal(a):
    return _new(np.isreal(np.asarray(val(a))))


def logical_xor(a, b, *, out=None):
    return _out(_new(np.logical_xor(np.asarray(val(a)), np.asarray(val(b)))), out)


def frexp(a):
    m, e = np.frexp(np.asarray(val(a)))
    scale = np.ldexp(np.ones_like(m), -e)
    et = _new(e.astype(np.int32))  # (an operand: torch's node saves the exponent returned)
    return _Frexp(apply("FrexpBackward0", lambda x, _e: x * scale, [a, et]), et)


import collections  # noqa: E402

_Frexp = collections.namedtuple("frexp", ["mantissa", "exponent"])


def ldexp(a, b, *, out=None):
    if isinstance(b, Tensor) and b._value.dtype.kind == "b" and not (
            isinstance(a, Tensor) and a._value.dtype.kind == "b"):
        raise refuse("ldexp_cpu_exp", b._value.dtype)
    dt = common(a, b, inexact=True)
    return _out(apply("LdexpBackward0", lambda x, y: cast(x, dt) * fnp.exp2(cast(y, dt)),
                      [a, b]), out)


def _igamma(a, x):
    return fsp.gammainc(a, x)


def _igammac(a, x):
    return fsp.gammaincc(a, x)


def _sinc(x):
    return fnp.sinc(x)


def _i0(x):
    return fsp.i0(x)


def _logaddexp(x, y):
    return fnp.logaddexp(x, y)


def _logaddexp2(x, y):
    return fnp.logaddexp2(x, y)


def _fmod(x, y):
    return fnp.fmod(x, y)


def _division(binop, kernel):
    """fmod, remainder: torch's checks of a division's operands (_util.int_division) first."""
    def op(a, b, *, out=None):
        int_division(common(a, b), b, kernel)
        return binop(a, b, out=out)
    op.__name__ = binop.__name__
    return op


def _lgamma(x):
    """lgamma, +inf at -inf as torch's (the core's gammaln gives -inf there)."""
    g = fsp.gammaln(x)
    return fnp.where(x == -np.inf, np.asarray(np.inf, g.dtype), g)


def _remainder(x, y):
    return fnp.mod(x, y)


def _exp2(x):
    return fnp.exp2(x)


FUNCS = {
    "acosh": _un("AcoshBackward0", fnp.arccosh),
    "asinh": _un("AsinhBackward0", fnp.arcsinh),
    "atanh": _un("AtanhBackward0", fnp.arctanh),
    "exp2": _un("Exp2Backward0", _exp2),
    "erf": _un("ErfBackward0", lax.erf, real="erf_vml_cpu"),
    "erfc": _un("ErfcBackward0", fsp.erfc, real="erfc_vml_cpu"),
    "erfinv": _un("ErfinvBackward0", _erfinv, real="erfinv_vml_cpu"),
    "lgamma": _un("LgammaBackward0", _lgamma, real="lgamma_vml_cpu"),
    "digamma": _un("DigammaBackward0", fsp.digamma, real="digamma"),
    "i0": _un("I0Backward0", _i0, real="i0_vml_cpu"),
    "sinc": _un("SincBackward0", _sinc),
    "deg2rad": _un("Deg2RadBackward0", lambda x: x * (np.pi / 180),
                   real=(RuntimeError, "deg2rad is not supported for complex tensors.")),
    "rad2deg": _un("Rad2DegBackward0", lambda x: x * (180 / np.pi),
                   real=(RuntimeError, "rad2deg is not supported for complex tensors.")),
    "trunc": _un("TruncBackward0", _trunc, inexact=False,
                 real=(NotImplementedError, "trunc is not supported for complex inputs")),
    "fix": _un("TruncBackward0", _trunc, inexact=False,
               real=(NotImplementedError, "trunc is not supported for complex inputs")),
    "frac": _frac_op,
    "logit": _logit,
    "nan_to_num": nan_to_num,
    "sgn": sgn,
    "positive": positive,
    "signbit": signbit,
    "isinf": isinf,
    "isposinf": isposinf,
    "isneginf": isneginf,
    "isreal": isreal,
    "imag": imag,
    "real": real,
    "angle": angle,
    "atan2": _bin("Atan2Backward0", _atan2, inexact=True, real="atan2_cpu"),
    "hypot": _bin("HypotBackward0", fnp.hypot, inexact=True, real="hypot_cpu"),
    "fmod": _division(_bin("FmodBackward0", _fmod, name_tensor="FmodBackward1",
                           real="fmod_cpu"), "fmod_cpu"),
    "remainder": _division(_bin("RemainderBackward0", _remainder,
                                name_tensor="RemainderBackward1", real="remainder_cpu"),
                           "remainder_cpu"),
    "copysign": _bin("CopysignBackward0", _copysign, inexact=True,
                     name_tensor="CopysignBackward0", real="copysign_cpu"),
    "fmax": _bin("FmaxBackward0", _fmax,
                 real=(RuntimeError, "fmax not implemented for complex tensors.")),
    "fmin": _bin("FminBackward0", _fmin,
                 real=(RuntimeError, "fmin not implemented for complex tensors.")),
    "logaddexp": _bin("LogaddexpBackward0", _logaddexp, inexact=True),
    "logaddexp2": _bin("Logaddexp2Backward0", _logaddexp2, inexact=True, real="logaddexp2_cpu"),
    "xlogy": _bin("XlogyBackward0", _xlogy_fn, inexact=True, real="xlogy_cpu"),
    "igamma": _bin("IgammaBackward0", _igamma, inexact=True, real="igamma_cpu"),
    "igammac": _bin("IgammacBackward0", _igammac, inexact=True, real="igammac_cpu"),
    "nextafter": _int_op(np.nextafter, "nextafter", "nextafter_cpu", "f"),
    "float_power": float_power,
    "heaviside": heaviside,
    "ldexp": ldexp,
    "gcd": _int_op(np.gcd, "gcd", "gcd_cpu", "iu"),
    "lcm": _int_op(np.lcm, "lcm", "lcm_cpu", "iu"),
    "bitwise_and": _int_op(np.bitwise_and, "bitwise_and", "bitwise_and_cpu", "biu"),
    "bitwise_or": _int_op(np.bitwise_or, "bitwise_or", "bitwise_or_cpu", "biu"),
    "bitwise_xor": _int_op(np.bitwise_xor, "bitwise_xor", "bitwise_xor_cpu", "biu"),
    "bitwise_not": bitwise_not,
    "bitwise_left_shift": _int_op(np.left_shift, "bitwise_left_shift", "lshift_cpu", "iu"),
    "bitwise_right_shift": _int_op(np.right_shift, "bitwise_right_shift", "rshift_cpu", "iu"),
    "logical_xor": logical_xor,
    "polygamma": polygamma,
    "mvlgamma": mvlgamma,
    "frexp": frexp,
}
