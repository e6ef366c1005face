"""erf: the error function, a primitive because no composition of elementary primitives computes
it accurately; the kernel is scipy.special.erf (numpy has none). d/dx erf(x) = 2/sqrt(pi) e^{-x^2}.

Imports: _core, lax._families, lax._jvp_rules, lax.arith, lax.math.
"""
import numpy as np
import scipy.special

from fungrad._core.primitive import INEXACT, CallImpl, Special
from fungrad._core.trace import get_aval
from fungrad._lax._families import unop
from fungrad._lax._jvp_rules import defjvp
from fungrad._lax.arith import mul, neg
from fungrad._lax.math import exp


def _erf_impl(x):
    return np.asarray(scipy.special.erf(x), np.result_type(x))


def _erf_dx(t, ans, x):
    two_over_sqrt_pi = np.asarray(2.0 / np.sqrt(np.pi), get_aval(x).dtype)
    return mul(t, mul(two_over_sqrt_pi, exp(neg(mul(x, x)))))


erf_p = unop("erf", _erf_impl, emit=(CallImpl(fresh=True), Special("erf")), dtypes=INEXACT,
             jvp=defjvp(_erf_dx))
erf = erf_p.bind
