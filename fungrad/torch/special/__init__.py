"""torch.special on the core's special-function primitives (fungrad.lax.erf and
fungrad.scipy.special: erfinv, gammaln, digamma, polygamma, i0/i0e/i1/i1e, ndtri, log_ndtr, zeta,
...), whose derivative rules are the core's. Node names are torch's."""
import math

import numpy as np

import fungrad.numpy as fnp
import fungrad.scipy.special as fsp
from fungrad import lax
from fungrad.torch import _ops_elem as E
from fungrad.torch import _ops_math as M
from fungrad.torch import _ops_reduce as R
from fungrad.torch._record import apply
from fungrad.torch._tensor import Tensor, _new
from fungrad.torch._util import F32, cast, common, refuse

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
           "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
           "chebyshev_polynomial_w", "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2",
           "expit", "expm1", "gammainc", "gammaincc", "gammaln", "hermite_polynomial_h",
           "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
           "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp",
           "modified_bessel_i0", "modified_bessel_i1", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "sinc", "softmax", "xlog1py", "xlogy", "zeta",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
           "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w",
           "spherical_bessel_j0"]


def _un(name, f, real=None):
    """A unary function; ``real``: torch's kernel, which refuses complex input."""
    def op(input, *, out=None):
        x = input if isinstance(input, Tensor) else _new(np.asarray(input, np.float32))
        if real is not None and x._value.dtype.kind == "c":
            raise refuse(real, x._value.dtype)
        if x._value.dtype.kind not in "fc":
            return E._out(apply(name, lambda v: f(cast(v, F32)), [x]), out)
        return E._out(apply(name, f, [x]), out)
    op.__name__ = name
    return op


erf, erfc, erfinv = E.FUNCS["erf"], E.FUNCS["erfc"], E.FUNCS["erfinv"]
exp2, sinc, i0, logit = E.FUNCS["exp2"], E.FUNCS["sinc"], E.FUNCS["i0"], E.FUNCS["logit"]
digamma = psi = E.FUNCS["digamma"]
gammaln = E.FUNCS["lgamma"]
polygamma, xlogy = E.FUNCS["polygamma"], E.FUNCS["xlogy"]
gammainc, gammaincc = E.FUNCS["igamma"], E.FUNCS["igammac"]
expit = M.sigmoid
expm1, log1p = M.expm1, M.log1p
softmax, log_softmax, logsumexp = R.softmax, R.log_softmax, R.logsumexp
erfcx = _un("SpecialErfcxBackward0", fsp.erfcx, "erfcx_cpu")
i0e = _un("SpecialI0EBackward0", fsp.i0e, "i0e_cpu")
i1 = _un("SpecialI1Backward0", fsp.i1, "i1_cpu")
i1e = _un("SpecialI1EBackward0", fsp.i1e, "i1e_cpu")
ndtri = _un("SpecialNdtriBackward0", fsp.ndtri, "ndtri_cpu")
log_ndtr = _un("SpecialLogNdtrBackward0", fsp.log_ndtr, "log_ndtr_cpu")
ndtr = _un("MulBackward1", lambda x: 0.5 * (1 + lax.erf(x * math.sqrt(0.5))), "erf_vml_cpu")
entr = _un("SpecialEntrBackward0", lambda x: fnp.where(
    x > 0, -x * fnp.log(fnp.where(x > 0, x, 1 + 0 * x)),
    fnp.where((x == 0) | (x != x), 0 * x, np.asarray(-np.inf, x.dtype))), "entr_cpu")
modified_bessel_i0 = _un("ModifiedBesselI0Backward0", fsp.i0, "modified_bessel_i0_cpu")
modified_bessel_i1 = _un("ModifiedBesselI1Backward0", fsp.i1, "modified_bessel_i1_cpu")


def round(input, *, decimals=0, out=None):
    if decimals == 0:
        return M.round(input)
    s = 10.0 ** decimals
    return apply("RoundBackward1", M.flat(lambda x: fnp.round(x * s) / s), [input])


def multigammaln(input, p, *, out=None):
    return E.FUNCS["mvlgamma"](input, p)


def _binary(name, input, other, kernel):
    """torch's checks of a binary special function: a tensor among the operands, and its
    kernel's refusal of complex ones; the operands' common floating dtype."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"special_{name}() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__}), but expected one of: "
                        "(Tensor self, Tensor other), (Number self, Tensor other), (Tensor self, "
                        "Number other)")
    dt = common(input, other, inexact=True)
    if dt.kind == "c":
        raise refuse(kernel, dt)
    return dt


def xlog1py(input, other, *, out=None):
    dt = _binary("xlog1py", input, other, "xlog1py_cpu")
    return apply("SpecialXlog1PyBackward0",
                 lambda x, y: fsp.xlog1py(cast(x, dt), cast(y, dt)), [input, other])


def _zeta(x, q):
    """Hurwitz zeta with torch's values at infinities: its kernel (a series whose terms are
    (k + q)^-x) is nan where x is inf and q > 1 and where q is inf (x not 1), where scipy's
    is 0."""
    z = fsp.zeta(x, q)
    nan = ((fnp.isposinf(x) & fnp.greater(q, 1.0))
           | (fnp.isposinf(q) & fnp.not_equal(x, 1.0)))
    return fnp.where(nan, np.nan, z)


def zeta(input, other, *, out=None):
    dt = _binary("zeta", input, other, "zeta_cpu")
    return apply("SpecialZetaBackward0", lambda x, q: _zeta(cast(x, dt), cast(q, dt)),
                 [input, other])


# ---- functions torch computes without a derivative: values only (scipy's kernels) ------------
def _value_only(fn, kernel, nargs=0):
    """A function torch computes without a derivative (``kernel``: its name, which refuses
    complex operands; ``nargs``: the number of operands after ``input``)."""
    def op(input, *args, out=None):
        import scipy.special as ss
        if len(args) != nargs:
            raise TypeError(f"special_{kernel[:-4]}() received an invalid combination of "
                            f"arguments - got {1 + len(args)} arguments, but expected "
                            f"{1 + nargs}")
        if args and not isinstance(input, Tensor) and not any(isinstance(a, Tensor)
                                                               for a in args):
            raise TypeError(f"special_{kernel[:-4]}() received an invalid combination of "
                            f"arguments - got ({type(input).__name__}, "
                            f"{', '.join(type(a).__name__ for a in args)})")
        x = np.asarray(input._value if isinstance(input, Tensor) else input)
        extra = [np.asarray(a._value if isinstance(a, Tensor) else a) for a in args]
        for v in [x] + extra:
            if v.dtype.kind == "c":
                raise refuse(kernel, v.dtype)
        dt = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        x = x.astype(dt, copy=False)
        return E._out(_new(np.asarray(fn(ss, x, *extra), dt)), out)
    return op


def _spherical_j0(ss, x):
    with np.errstate(invalid="ignore"):
        j = np.where(x == 0, 1.0, np.sin(x) / np.where(x == 0, 1.0, x))
    return np.where(np.isinf(x), 0.0, j)  # sin(x) / x -> 0 at +-inf (torch's kernel)


airy_ai = _value_only(lambda ss, x: ss.airy(x)[0], "airy_ai_cpu")
bessel_j0 = _value_only(lambda ss, x: ss.j0(x), "bessel_j0_cpu")
bessel_j1 = _value_only(lambda ss, x: ss.j1(x), "bessel_j1_cpu")
bessel_y0 = _value_only(lambda ss, x: ss.y0(x), "bessel_y0_cpu")
bessel_y1 = _value_only(lambda ss, x: ss.y1(x), "bessel_y1_cpu")
spherical_bessel_j0 = _value_only(_spherical_j0, "spherical_bessel_j0_cpu")
modified_bessel_k0 = _value_only(lambda ss, x: ss.k0(x), "modified_bessel_k0_cpu")
modified_bessel_k1 = _value_only(lambda ss, x: ss.k1(x), "modified_bessel_k1_cpu")
scaled_modified_bessel_k0 = _value_only(lambda ss, x: ss.k0e(x), "scaled_modified_bessel_k0_cpu")
scaled_modified_bessel_k1 = _value_only(lambda ss, x: ss.k1e(x), "scaled_modified_bessel_k1_cpu")


def _poly(first, second, step, kernel):
    """Orthogonal polynomials by their three-term recurrence, p_{k+1} = step(k, x, p_k, p_{k-1})
    (torch computes them without a derivative)."""
    def fn(ss, x, n):
        n = np.broadcast_to(n, np.broadcast_shapes(x.shape, n.shape)).astype(np.int64)
        x = np.broadcast_to(x, n.shape).astype(np.float64)
        out = np.zeros(n.shape)
        p0, p1 = first(x), second(x)
        out = np.where(n == 0, p0, np.where(n == 1, p1, out))
        for k in range(1, int(n.max()) if n.size else 0):
            p0, p1 = p1, step(k, x, p1, p0)
            out = np.where(n == k + 1, p1, out)
        return np.where(n < 0, 0.0, out)
    return _value_only(fn, kernel, 1)


def _one(x):
    return np.ones_like(x)


_CHEB = lambda k, x, p, q: 2 * x * p - q  # noqa: E731 - the Chebyshev recurrence
_CHEB_FIRST = {"t": lambda x: x, "u": lambda x: 2 * x, "v": lambda x: 2 * x - 1,
               "w": lambda x: 2 * x + 1}
chebyshev_polynomial_t = _poly(_one, _CHEB_FIRST["t"], _CHEB, "chebyshev_polynomial_t_cpu")
chebyshev_polynomial_u = _poly(_one, _CHEB_FIRST["u"], _CHEB, "chebyshev_polynomial_u_cpu")
chebyshev_polynomial_v = _poly(_one, _CHEB_FIRST["v"], _CHEB, "chebyshev_polynomial_v_cpu")
chebyshev_polynomial_w = _poly(_one, _CHEB_FIRST["w"], _CHEB, "chebyshev_polynomial_w_cpu")
hermite_polynomial_h = _poly(_one, lambda x: 2 * x, lambda k, x, p, q: 2 * x * p - 2 * k * q,
                             "hermite_polynomial_h_cpu")
hermite_polynomial_he = _poly(_one, lambda x: x, lambda k, x, p, q: x * p - k * q,
                              "hermite_polynomial_he_cpu")
laguerre_polynomial_l = _poly(_one, lambda x: 1 - x,
                              lambda k, x, p, q: ((2 * k + 1 - x) * p - k * q) / (k + 1),
                              "laguerre_polynomial_l_cpu")
legendre_polynomial_p = _poly(_one, lambda x: x,
                              lambda k, x, p, q: ((2 * k + 1) * x * p - k * q) / (k + 1),
                              "legendre_polynomial_p_cpu")


def _shifted(kind):
    """The shifted Chebyshev polynomial of ``kind``: the polynomial at 2x - 1."""
    first = _CHEB_FIRST[kind]
    poly = _poly(_one, lambda x: first(2 * x - 1), lambda k, x, p, q: _CHEB(k, 2 * x - 1, p, q),
                 f"shifted_chebyshev_polynomial_{kind}_cpu")

    def op(input, n, *, out=None):
        return poly(input, n, out=out)
    return op


shifted_chebyshev_polynomial_t = _shifted("t")
shifted_chebyshev_polynomial_u = _shifted("u")
shifted_chebyshev_polynomial_v = _shifted("v")
shifted_chebyshev_polynomial_w = _shifted("w")

__all__ += ["modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
            "scaled_modified_bessel_k1"]
from fungrad.torch._argcheck import guard as _guard  # noqa: E402
_guard(globals(), "special")  # torch's TypeError for a non-Tensor argument
__dir__ = __all__.copy  # dir() lists the public names only
