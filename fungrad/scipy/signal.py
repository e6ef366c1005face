"""fungrad.scipy.signal: convolve, correlate (N-D; modes 'full', 'same', 'valid'; method
'direct' (im2col + GEMM on lax.conv_general_dilated), 'fft' or 'auto') and fftconvolve, as
scipy.signal / jax.scipy.signal.

Dtypes as scipy's: convolve and correlate return the inputs' common dtype (numpy's result_type,
so integers and booleans stay integers and booleans; 'fft' computes in floating point and, for
them, rounds back, as scipy), fftconvolve an inexact one (each input made inexact on its own, as
scipy.fft takes it: an integer becomes float64).

Imports: _core, lax, numpy.
"""
from __future__ import annotations

from typing import Sequence

from fungrad._core.docs import add_examples as _add_examples
from fungrad._core.typing import Array, ArrayLike
import numpy as np

from fungrad._core.array import fresh
from fungrad._core.errors import ShapeError
from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad._lax import complex_parts as _cp
from fungrad._lax.conv import conv_general_dilated
from fungrad._lax.indexing import FULL
from fungrad.numpy import fft as _fft
from fungrad.numpy import numeric as _np
from fungrad.numpy._promote import asarray, cast, promote, promote_inexact
from fungrad.numpy.ufuncs import multiply as _multiply, round as _round


def _prep(in1, in2, fn, empty_ok=False):
    a, b = promote(asarray(in1), asarray(in2))  # scipy's result_type: integers stay integers
    sa, sb = get_aval(a).shape, get_aval(b).shape
    if len(sa) != len(sb):
        raise ShapeError(f"{fn}: in1 and in2 should have the same dimensionality, got "
                         f"{get_aval(a).str_short()} and {get_aval(b).str_short()}")
    if (0 in sa or 0 in sb) and not empty_ok:
        raise ShapeError(f"{fn}: inputs must be non-empty, got {get_aval(a).str_short()} and "
                         f"{get_aval(b).str_short()}")
    return a, b


def _empty_same(a, b, mode, method):
    """scipy's direct 'same' of an empty in1 with a non-empty in2: in1's (empty) shape."""
    sa, sb = get_aval(a).shape, get_aval(b).shape
    return mode == "same" and method != "fft" and 0 in sa and 0 not in sb


def _flip(x):
    nd = get_aval(x).ndim
    return lax.getitem(x, (("slice", None, None, -1),) * nd, [])


def _crop(full, sa, sb, mode, fn):
    """The 'same' (centered on in1) or 'valid' part of a full convolution."""
    if mode == "full":
        return full
    nd = len(sa)
    spec = [FULL] * nd
    for i, (n, m) in enumerate(zip(sa, sb)):
        if mode == "same":
            lo = (m - 1) // 2  # centered on in1, as scipy
            spec[i] = ("slice", lo, lo + n, None)
        elif mode == "valid":
            if not (all(x >= y for x, y in zip(sa, sb)) or all(x <= y for x, y in zip(sa, sb))):
                raise ValueError(f"{fn}: for 'valid' mode, one must be at least as large as the "
                                 "other in every dimension")
            spec[i] = ("slice", min(n, m) - 1, max(n, m), None)
        else:
            raise ValueError(f"{fn}: mode must be 'full', 'same' or 'valid', got {mode!r}")
    return lax.getitem(full, tuple(spec), [])


def _direct_full(a, b):
    """Full N-D convolution of a with b: a correlation of a with the flipped b, padded. Complex
    values take four real convolutions (re = ar*br - ai*bi, im = ar*bi + ai*br, each summed):
    scipy's direct sum of complex products, which a complex GEMM's handling of inf and nan
    (nan + nanj where the sum of products has inf + nanj) is not."""
    if get_aval(a).dtype.kind == "c":
        ar, ai, br, bi = _cp.real(a), _cp.imag(a), _cp.real(b), _cp.imag(b)
        re = lax.sub(_direct_full(ar, br), _direct_full(ai, bi))
        return _cp.complex_(re, lax.add(_direct_full(ar, bi), _direct_full(ai, br)))
    sa, sb = get_aval(a).shape, get_aval(b).shape
    nd = len(sa)
    x = lax.reshape(a, (1, 1, *sa))
    w = lax.reshape(_flip(b), (1, 1, *sb))
    out = conv_general_dilated(x, w, (1,) * nd, tuple((m - 1, m - 1) for m in sb))
    return lax.reshape(out, tuple(n + m - 1 for n, m in zip(sa, sb)))


def _fft_full(a, b):
    """The full convolution through FFTs over the axes where both inputs are longer than 1;
    along the others it is a broadcast product, as scipy's (an inf or nan there reaches only
    the outputs it touches), and 0-d inputs are just multiplied."""
    sa, sb = get_aval(a).shape, get_aval(b).shape
    axes = tuple(i for i, (n, m) in enumerate(zip(sa, sb)) if n != 1 and m != 1)
    if not axes:
        return _multiply(a, b)
    s = tuple(sa[i] + sb[i] - 1 for i in axes)
    cplx = get_aval(a).dtype.kind == "c" or get_aval(b).dtype.kind == "c"
    if cplx:
        return _fft.ifftn(_multiply(_fft.fftn(a, s, axes), _fft.fftn(b, s, axes)), s, axes)
    return _fft.irfftn(_multiply(_fft.rfftn(a, s, axes), _fft.rfftn(b, s, axes)), s, axes)


def _fft_operands(a, b):
    """scipy.fft's operands: each made inexact on its own (an integer or a boolean becomes
    float64: fftconvolve(f32, i8) is float64), then promoted together."""
    (a,), (b,) = promote_inexact(a), promote_inexact(b)
    return promote(a, b)


def _choose(method, sa, sb, exact=False):
    """The method 'auto' stands for. Integers and booleans (`exact`) take 'direct', which is
    exact: scipy's 'auto' takes it where the products could pass float64's 53 bits and an FFT
    (rounded back) only where that is faster and exact alike, a choice by value that a traced
    argument does not allow; the values agree either way."""
    if method == "auto" and exact:
        return "direct"
    if method == "auto":
        # direct costs ~ prod(out) * prod(kernel); FFT ~ prod(out) log(prod(out)) with a large
        # constant: use FFT for big kernels
        out = np.prod([n + m - 1 for n, m in zip(sa, sb)])
        return "fft" if min(np.prod(sa), np.prod(sb)) > 64 and \
            np.prod(sb) * np.prod(sa) > 30 * out * np.log2(max(out, 2)) else "direct"
    if method not in ("direct", "fft"):
        raise ValueError(f"method must be 'auto', 'direct' or 'fft', got {method!r}")
    return method


def _numpy_1d(sa, sb, mode):
    """Whether scipy's direct method hands the pair to numpy.convolve / numpy.correlate (1-D,
    and for 'same' an in1 at least as long as in2): a sum over the overlaps only, so an inf or
    nan reaches only the outputs it overlaps. Its N-D direct sum runs over the zero-padded
    input (0 * inf is nan there), as the GEMM convolution here."""
    return len(sa) == 1 and (mode in ("full", "valid") or (mode == "same" and sa[0] >= sb[0]))


def convolve(in1: ArrayLike, in2: ArrayLike, mode: str = "full", method: str = "auto") -> Array:
    """N-D convolution of in1 with in2."""
    a, b = _prep(in1, in2, "convolve", empty_ok=True)
    sa, sb = get_aval(a).shape, get_aval(b).shape
    dtype = get_aval(a).dtype
    if _empty_same(a, b, mode, method):
        return fresh(np.zeros(sa, dtype))
    _prep(a, b, "convolve")
    method = _choose(method, sa, sb, dtype.kind in "biu")
    if method == "direct" and _numpy_1d(sa, sb, mode):
        return _np.convolve(a, b, mode)
    if method == "fft":
        full = _fft_full(*_fft_operands(a, b))
        # scipy: the result_type of the inputs; integers rounded first (booleans too here: scipy
        # casts the FFT's unrounded values, so its rounding noise, 1e-16, becomes True)
        full = cast(_round(full) if dtype.kind in "biu" else full, dtype)
    elif mode == "full" and np.prod(sb) > np.prod(sa):
        # scipy's direct sum zero-pads the larger input (by size, for 'full'; in1 for 'same')
        # and slides the other over it: the other's entries meet the padding (0 * inf is nan)
        full = _direct_full(b, a)
    else:
        full = _direct_full(a, b)
    return _crop(full, sa, sb, mode, "convolve")


def correlate(in1: ArrayLike, in2: ArrayLike, mode: str = "full", method: str = "auto") -> Array:
    """N-D cross-correlation: z[k] = sum_l in1[l + k] conj(in2[l])."""
    a, b = _prep(in1, in2, "correlate", empty_ok=True)
    if _empty_same(a, b, mode, method):
        return fresh(np.zeros(get_aval(a).shape, get_aval(a).dtype))
    _prep(a, b, "correlate")
    exact = get_aval(a).dtype.kind in "biu"
    if _choose(method, get_aval(a).shape, get_aval(b).shape, exact) == "direct" and _numpy_1d(
            get_aval(a).shape, get_aval(b).shape, mode):
        return _np.correlate(a, b, mode)
    return convolve(a, _flip(_cp.conj(b)), mode, method)


def fftconvolve(in1: ArrayLike, in2: ArrayLike, mode: str = "full",
                axes: Sequence[int] | None = None) -> Array:
    """Convolution through the FFT (over all axes; axes= is not supported), in an inexact dtype
    as scipy's: integers and booleans give float64, unrounded. As scipy, two 0-d inputs are
    multiplied in their own dtype and an empty input gives an empty float64 array."""
    if axes is not None:
        raise NotImplementedError("fftconvolve: axes= is not supported; convolve over all axes")
    a, b = _prep(in1, in2, "fftconvolve", empty_ok=True)
    if get_aval(a).ndim == 0:  # scipy: in1 * in2, in their own dtype
        return _multiply(a, b)
    if 0 in get_aval(a).shape or 0 in get_aval(b).shape:
        return fresh(np.zeros(0))  # scipy's np.array([]) for an empty input
    a, b = _fft_operands(asarray(in1), asarray(in2))
    return convolve(a, b, mode, "fft")

__all__ = [
    "convolve", "correlate", "fftconvolve"]

# a `>>>` example for each public function (tests/test_doctests.py runs them), appended to its
# docstring as fungrad.numpy's _EXAMPLES tables are
_EXAMPLES = {
    "convolve": """>>> import numpy as np
>>> from fungrad.scipy import signal
>>> signal.convolve(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
array([1., 3., 2.])""",
    "correlate": """>>> import numpy as np
>>> from fungrad.scipy import signal
>>> signal.correlate(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0]))
array([1., 2., 3., 0.])""",
    "fftconvolve": """>>> import numpy as np
>>> from fungrad.scipy import signal
>>> signal.fftconvolve(np.array([1.0, 2.0]), np.array([1.0, 1.0])).round(6)
array([1., 3., 2.])""",
}
_add_examples(_EXAMPLES, globals().__getitem__)

__dir__ = __all__.copy  # dir() lists the public names only
