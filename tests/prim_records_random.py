"""Primitive records of fungrad._lax.random_bits (threefry2x32, random_gamma_grad) and
fungrad._lax.special_erf (erf).

The threefry reference is a scalar pure-Python Threefry-2x32-20 (Salmon et al. 2011), written
independently of the numpy impl; the record hashes all four operands and xors the two words.
random_gamma_grad's reference is -dP(a, x)/da / pdf(x; a) in 30-digit mpmath (the record is left
out where mpmath is missing).
"""
import numpy as np
import scipy.special
from prim_records import REAL, UNARY_SHAPES, Rec, ints

from fungrad._lax import bitwise_xor
from fungrad._lax.random_bits import (
    random_gamma_grad, random_gamma_grad_p, threefry2x32, threefry2x32_p)
from fungrad._lax.special_erf import erf, erf_p

_M = 0xFFFFFFFF


def _threefry_scalar(k0, k1, x0, x1):
    ks = (k0, k1, k0 ^ k1 ^ 0x1BD11BDA)
    rot = ((13, 15, 26, 6), (17, 29, 16, 24))
    x0, x1 = (x0 + ks[0]) & _M, (x1 + ks[1]) & _M
    for i in range(5):
        for r in rot[i % 2]:
            x0 = (x0 + x1) & _M
            x1 = ((x1 << r) | (x1 >> (32 - r))) & _M
            x1 ^= x0
        x0 = (x0 + ks[(i + 1) % 3]) & _M
        x1 = (x1 + ks[(i + 2) % 3] + i + 1) & _M
    return x0, x1


def _threefry_ref(k0, k1, x0, x1):
    k0, k1, x0, x1 = np.broadcast_arrays(k0, k1, x0, x1)
    out = np.empty(k0.shape, np.uint32)
    for idx in np.ndindex(k0.shape):
        a, b = _threefry_scalar(int(k0[idx]), int(k1[idx]), int(x0[idx]), int(x1[idx]))
        out[idx] = a ^ b
    return out


def _fry(k0, k1, x0, x1):
    return bitwise_xor(*threefry2x32(k0, k1, x0, x1))


U32 = ints(0, 2 ** 32, np.uint32)

RECORDS = [
    Rec(threefry2x32_p, _fry,
        [((), (), (), ()), ((3,), (3,), (3,), (3,)), ((), (), (2, 3), (2, 3)),
         ((2, 1), (2, 1), (1, 4), (1, 4))],
        (U32, U32, U32, U32), _threefry_ref, diff="nondiff", name="threefry2x32"),
    Rec(erf_p, erf, UNARY_SHAPES, (REAL,), scipy.special.erf, name="erf"),
]


def _gamma_grad_ref(log_space):
    def ref(a, x):
        import mpmath
        mpmath.mp.dps = 30
        a, x = np.broadcast_arrays(a, x)
        out = np.empty(a.shape)
        for idx in np.ndindex(a.shape):
            aa = mpmath.mpf(float(a[idx]))
            xx = mpmath.exp(mpmath.mpf(float(x[idx]))) if log_space else mpmath.mpf(float(x[idx]))
            dp = mpmath.diff(lambda s, xx=xx: mpmath.gammainc(s, 0, xx, regularized=True), aa)
            pdf = xx ** (aa - 1) * mpmath.exp(-xx) / mpmath.gamma(aa)
            out[idx] = float(-dp / pdf / (xx if log_space else 1))
        return out
    return ref


def _uniform(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


try:
    import mpmath  # noqa: F401
except ImportError:  # pragma: no cover
    pass
else:
    # a in [0.3, 6], x in [0.05, 9]: both the series (x < a + 1) and the continued fraction
    # second derivatives by central differences of the primitive itself (hence order 1, loose)
    _GG_TOLS = dict(eps=1e-4, rtol=1e-4, atol=1e-6)
    RECORDS += [
        Rec(random_gamma_grad_p, lambda a, x: random_gamma_grad(a, x),
            [((), ()), ((4,), (4,)), ((2, 3), (2, 3)), ((3, 1), (1, 2))],
            (_uniform(0.3, 6.0), _uniform(0.05, 9.0)), _gamma_grad_ref(False), diff=1,
            name="random_gamma_grad", tols=_GG_TOLS),
        Rec(random_gamma_grad_p, lambda a, lx: random_gamma_grad(a, lx, log_space=True),
            [((3,), (3,))], (_uniform(0.3, 6.0), _uniform(-4.0, 2.0)), _gamma_grad_ref(True),
            diff=1, name="random_gamma_grad-log", tols=_GG_TOLS),
    ]
