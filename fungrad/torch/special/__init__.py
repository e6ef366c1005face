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
from fungrad.torch._util import F32, cast, common

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


def _un(name, f):
    def op(input, *, out=None):
        x = input if isinstance(input, Tensor) else _new(np.asarray(input, np.float32))
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
erfcx = _un("SpecialErfcxBackward0", fsp.erfcx)
i0e = _un("SpecialI0EBackward0", fsp.i0e)
i1 = _un("SpecialI1Backward0", fsp.i1)
i1e = _un("SpecialI1EBackward0", fsp.i1e)
ndtri = _un("SpecialNdtriBackward0", fsp.ndtri)
log_ndtr = _un("SpecialLogNdtrBackward0", fsp.log_ndtr)
ndtr = _un("MulBackward1", lambda x: 0.5 * (1 + lax.erf(x * math.sqrt(0.5))))
entr = _un("SpecialEntrBackward0", lambda x: fnp.where(
    x > 0, -x * fnp.log(fnp.where(x > 0, x, 1 + 0 * x)),
    fnp.where(x == 0, 0 * x, -np.inf + 0 * x)))
modified_bessel_i0 = _un("ModifiedBesselI0Backward0", fsp.i0)
modified_bessel_i1 = _un("ModifiedBesselI1Backward0", fsp.i1)


def round(input, *, decimals=0, out=None):
    if decimals == 0:
        return M.round(input)
    s = 10.0 ** decimals
    return apply("RoundBackward1", M.flat(lambda x: fnp.round(x * s) / s), [input])


def multigammaln(input, p, *, out=None):
    return E.FUNCS["mvlgamma"](input, p)


def xlog1py(input, other, *, out=None):
    dt = common(input, other, inexact=True)
    return apply("SpecialXlog1PyBackward0",
                 lambda x, y: fsp.xlog1py(cast(x, dt), cast(y, dt)), [input, other])


def zeta(input, other, *, out=None):
    dt = common(input, other, inexact=True)
    return apply("SpecialZetaBackward0", lambda x, q: fsp.zeta(cast(x, dt), cast(q, dt)),
                 [input, other])


# ---- functions torch computes without a derivative: values only (scipy's kernels) ------------
def _value_only(fn):
    def op(input, *args, out=None):
        import scipy.special as ss
        x = np.asarray(input._value if isinstance(input, Tensor) else input)
        dt = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        extra = [np.asarray(a._value if isinstance(a, Tensor) else a) for a in args]
        return E._out(_new(np.asarray(fn(ss, x, *extra), dt)), out)
    return op


airy_ai = _value_only(lambda ss, x: ss.airy(x)[0])
bessel_j0 = _value_only(lambda ss, x: ss.j0(x))
bessel_j1 = _value_only(lambda ss, x: ss.j1(x))
bessel_y0 = _value_only(lambda ss, x: ss.y0(x))
bessel_y1 = _value_only(lambda ss, x: ss.y1(x))
spherical_bessel_j0 = _value_only(lambda ss, x: np.where(x == 0, 1.0, np.sin(x) / np.where(
    x == 0, 1.0, x)))
modified_bessel_k0 = _value_only(lambda ss, x: ss.k0(x))
modified_bessel_k1 = _value_only(lambda ss, x: ss.k1(x))
scaled_modified_bessel_k0 = _value_only(lambda ss, x: ss.k0e(x))
scaled_modified_bessel_k1 = _value_only(lambda ss, x: ss.k1e(x))


def _poly(first, second, step):
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
    return _value_only(fn)


def _one(x):
    return np.ones_like(x)


chebyshev_polynomial_t = _poly(_one, lambda x: x, lambda k, x, p, q: 2 * x * p - q)
chebyshev_polynomial_u = _poly(_one, lambda x: 2 * x, lambda k, x, p, q: 2 * x * p - q)
chebyshev_polynomial_v = _poly(_one, lambda x: 2 * x - 1, lambda k, x, p, q: 2 * x * p - q)
chebyshev_polynomial_w = _poly(_one, lambda x: 2 * x + 1, lambda k, x, p, q: 2 * x * p - q)
hermite_polynomial_h = _poly(_one, lambda x: 2 * x, lambda k, x, p, q: 2 * x * p - 2 * k * q)
hermite_polynomial_he = _poly(_one, lambda x: x, lambda k, x, p, q: x * p - k * q)
laguerre_polynomial_l = _poly(_one, lambda x: 1 - x,
                              lambda k, x, p, q: ((2 * k + 1 - x) * p - k * q) / (k + 1))
legendre_polynomial_p = _poly(_one, lambda x: x,
                              lambda k, x, p, q: ((2 * k + 1) * x * p - k * q) / (k + 1))


def _shifted(poly):
    def op(input, n, *, out=None):
        x = input._value if isinstance(input, Tensor) else np.asarray(input)
        return poly(_new(2 * np.asarray(x) - 1), n, out=out)
    return op


shifted_chebyshev_polynomial_t = _shifted(chebyshev_polynomial_t)
shifted_chebyshev_polynomial_u = _shifted(chebyshev_polynomial_u)
shifted_chebyshev_polynomial_v = _shifted(chebyshev_polynomial_v)
shifted_chebyshev_polynomial_w = _shifted(chebyshev_polynomial_w)

__all__ += ["modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
            "scaled_modified_bessel_k1"]
from fungrad.torch._argcheck import guard as _guard  # noqa: E402
_guard(globals(), "special")  # torch's TypeError for a non-Tensor argument
__dir__ = __all__.copy  # dir() lists the public names only
