"""threefry2x32: the counter-based hash behind fungrad.random (Salmon et al., "Parallel random
numbers: as easy as 1, 2, 3", SC 2011; Threefry-2x32 with 20 rounds, JAX's default generator).

It is a primitive, not a composition, because lax has no 32-bit shifts or rotations and the 20
rounds composed from elementwise ops would be ~200 equations per call; the impl does the uint32
arithmetic (wrapping) in numpy. Four operands of dtype uint32, broadcast together: the key words
k0, k1 and the counter words x0, x1; two results, the hashed words. Piecewise constant in every
sense, so its JVP is zero; batching broadcasts like any elementwise op.

Imports: _core, lax._families, lax._jvp_rules, lax.shape.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import DtypeError
from fungrad._core.primitive import NOT_LINEAR, CallImpl, Primitive, register
from fungrad._core.trace import get_aval
from fungrad._lax._families import broadcast_shapes
from fungrad._lax._jvp_rules import jvp_zero
from fungrad._lax.shape import batch_to_front

_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = np.uint32(0x1BD11BDA)  # the key-schedule constant of Threefish/Threefry


def _rotl(x, r):
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _threefry2x32_impl(k0, k1, x0, x1):
    k0, k1, x0, x1 = np.broadcast_arrays(*(np.asarray(a, np.uint32) for a in (k0, k1, x0, x1)))
    k0, k1 = k0.copy(), k1.copy()
    with np.errstate(over="ignore"):
        ks = (k0, k1, k0 ^ k1 ^ _PARITY)
        x0 = x0 + ks[0]
        x1 = x1 + ks[1]
        for block in range(5):  # 5 blocks of 4 rounds, a key injection after each
            for r in _ROTATIONS[block % 2]:
                x0 = x0 + x1
                x1 = _rotl(x1, r)
                x1 = x1 ^ x0
            x0 = x0 + ks[(block + 1) % 3]
            x1 = x1 + ks[(block + 2) % 3] + np.uint32(block + 1)
    return np.asarray(x0, np.uint32), np.asarray(x1, np.uint32)


def _threefry2x32_abstract(*avals):
    for name, a in zip(("k0", "k1", "x0", "x1"), avals):
        if a.dtype != np.uint32:
            got = ", ".join(v.str_short() for v in avals)
            raise DtypeError(f"threefry2x32: operand {name} must be uint32, got {got}; keys and "
                             "counters are uint32 words (fungrad.random makes them).")
    out = shaped(broadcast_shapes("threefry2x32", *avals), np.dtype(np.uint32))
    return [out, out]


def _threefry2x32_batch(size, vals, dims):
    ranks = [get_aval(v).ndim - (d is not None) for v, d in zip(vals, dims)]
    rank = max(ranks)
    moved = [v if d is None else batch_to_front(v, d, rank - r)
             for v, d, r in zip(vals, dims, ranks)]
    return threefry2x32_p.bind(*moved), [0, 0]


threefry2x32_p = register(
    Primitive("threefry2x32", multiple_results=True),
    impl=_threefry2x32_impl, abstract_eval=_threefry2x32_abstract, jvp=jvp_zero,
    transpose=NOT_LINEAR, batch=_threefry2x32_batch, emit=CallImpl(fresh=True))


def threefry2x32(k0, k1, x0, x1):
    """The Threefry-2x32-20 hash of counter words (x0, x1) under key words (k0, k1), all uint32
    and broadcast together; returns the two hashed words."""
    return threefry2x32_p.bind(k0, k1, x0, x1)
