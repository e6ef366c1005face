"""erf_inv as XLA computes it (Giles, "Approximating the erfinv function", GPU Computing Gems
Jade, 2011: a polynomial in w = -log1p(-x^2), one branch point for float32, two for float64),
composed of fungrad.numpy operations in the same order (float32 Horner steps as fused
multiply-adds, as XLA's CPU code does). XLA computes log1p with its own float32 polynomial,
which a correctly rounded log1p matches only to an ulp, so about 1% of float32 normal samples
differ from JAX's by 1-2 ulp; the rest are bit-identical. In float64 (XLA fuses the Horner
steps too, which numpy cannot do exactly) about 10% of samples differ from JAX's by a few ulp
(< 4e-15 relative). The JVP is the exact derivative sqrt(pi)/2 exp(erfinv(x)^2), not the
polynomial's.

Imports: numpy (public facade), _api.
"""
import numpy as np

from fungrad import numpy as fnp
from fungrad._api.custom import custom_jvp
from fungrad._core.trace import get_aval

_F32_SMALL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
              -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_F32_LARGE = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
              -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)
_F64_SMALL = (-3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
              1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
              6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
              2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
              1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08,
              4.2347877827932403518e-07, -1.3654692000834678645e-06, -1.3882523362786468719e-05,
              0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
              0.24015818242558961693, 1.6536545626831027356)
_F64_MID = (2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07,
            1.8239629214389227755e-08, 1.5027403968909827627e-06, -4.013867526981545969e-06,
            2.9234449089955446044e-06, 1.2475304481671778723e-05, -4.7318229009055733981e-05,
            6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
            0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
            -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334,
            3.0838856104922207635)
_F64_TAIL = (-2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09,
             -3.7894654401267369937e-09, 7.6157012080783393804e-09, -1.4960026627149240478e-08,
             2.9147953450901080826e-08, -6.7711997758452339498e-08, 2.2900482228026654717e-07,
             -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
             7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026,
             1.0103004648645343977, 4.8499064014085844221)


def _horner(coeffs, w, dtype):
    p = np.asarray(coeffs[0], dtype)
    for c in coeffs[1:]:
        p = np.asarray(c, dtype) + p * w
    return p


def _erf_inv_poly(x):
    dtype = get_aval(x).dtype
    w = -fnp.log1p(-x * x)
    if dtype == np.float64:
        small = fnp.less(w, 6.25)
        mid = fnp.less(w, 16.0)
        sw = fnp.sqrt(w)
        p = fnp.where(small, _horner(_F64_SMALL, w - 3.125, dtype),
                      fnp.where(mid, _horner(_F64_MID, sw - 3.25, dtype),
                                _horner(_F64_TAIL, sw - 5.0, dtype)))
    else:  # log1p correctly rounded (via float64) is closer to XLA's than float32 log1p
        w = -fnp.astype(fnp.log1p(fnp.astype(-x * x, np.float64)), dtype)
        small = fnp.less(w, 5.0)
        w = fnp.where(small, w - 2.5, fnp.sqrt(w) - 3.0)
        coeff = [fnp.where(small, np.asarray(a, dtype), np.asarray(b, dtype))
                 for a, b in zip(_F32_SMALL, _F32_LARGE)]
        # XLA fuses each Horner step into a fused multiply-add: the product of two float32s
        # is exact in float64, so the step in float64 rounded once to float32 is that FMA
        w64 = fnp.astype(w, np.float64)
        p = coeff[0]
        for c in coeff[1:]:
            p = fnp.astype(fnp.astype(c, np.float64) + fnp.astype(p, np.float64) * w64, dtype)
    out = p * x
    return fnp.where(fnp.equal(fnp.abs(x), 1.0), x * np.asarray(np.inf, dtype), out)


@custom_jvp
def erf_inv(x):
    """The inverse error function on (-1, 1) (float32 or float64), as XLA evaluates it."""
    return _erf_inv_poly(x)


@erf_inv.defjvp
def _erf_inv_jvp(primals, tangents):
    x, = primals
    t, = tangents
    y = erf_inv(x)
    half_sqrt_pi = np.asarray(np.sqrt(np.pi) / 2, get_aval(y).dtype)
    return y, t * (half_sqrt_pi * fnp.exp(y * y))
