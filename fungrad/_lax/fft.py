"""fft: the discrete Fourier transforms over the last len(fft_lengths) axes, one linear primitive
with a `fft_type` parameter (FFT, IFFT: complex -> complex; RFFT: real -> half spectrum; IRFFT:
half spectrum -> real), unnormalized forward and 1/n-scaled inverse (numpy's norm='backward';
fungrad.numpy.fft applies the other norm modes by scaling). One pocketfft call (numpy.fft).

Transposes use the bilinear pairing of fungrad's complex parts (<c, z> = Re(sum c z), no
conjugation, as JAX): the DFT matrix is symmetric, so FFT and IFFT are their own transposes;
RFFT's transpose is the real part of the FFT of the zero-padded cotangent; IRFFT's is the
inverse FFT of the (real) cotangent restricted to the half spectrum, with the bins that stand for
two conjugate bins (all but 0 and n/2) doubled.

Imports: _core, lax.shape, lax.arith, lax.indexing, lax.complex_parts.
"""
from __future__ import annotations

import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.primitive import INEXACT, CallImpl, Emit, Primitive, register
from fungrad._lax import _backend_emit as be
from fungrad._lax.complex_parts import complex_dtype, real_dtype
from fungrad._lax.shape import jvp_linear, moveaxis
from fungrad._lax._args import shape
from typing import Any, Sequence

from fungrad._core.typing import Array, ArrayLike

FFT, IFFT, RFFT, IRFFT = "FFT", "IFFT", "RFFT", "IRFFT"


def _axes(x, n):
    return tuple(range(np.ndim(x) - n, np.ndim(x)))


def _fft_impl(x, *, fft_type, fft_lengths):
    x = np.asarray(x)
    axes = _axes(x, len(fft_lengths))
    if fft_type == FFT:
        out = np.fft.fftn(x, axes=axes)
        dt = complex_dtype(x.dtype)
    elif fft_type == IFFT:
        out = np.fft.ifftn(x, axes=axes)
        dt = complex_dtype(x.dtype)
    elif fft_type == RFFT:
        out = np.fft.rfftn(x, axes=axes)
        dt = complex_dtype(x.dtype)
    else:
        out = np.fft.irfftn(x, s=fft_lengths, axes=axes)
        dt = real_dtype(x.dtype)
    return np.asarray(out, dt)


def _fft_abstract(x, *, fft_type, fft_lengths):
    d = len(fft_lengths)
    if x.ndim < d:
        raise ShapeError(f"fft: operand {x.str_short()} has fewer than {d} axes")
    tail = tuple(x.shape[x.ndim - d:])
    if fft_type in (FFT, IFFT):
        if x.dtype.kind != "c":
            raise DtypeError(f"fft: {fft_type} takes a complex operand, got {x.str_short()}")
        want, out_tail, dt = tuple(fft_lengths), tuple(fft_lengths), x.dtype
    elif fft_type == RFFT:
        if x.dtype.kind != "f":
            raise DtypeError(f"fft: RFFT takes a real operand, got {x.str_short()}")
        want = tuple(fft_lengths)
        out_tail = (*fft_lengths[:-1], fft_lengths[-1] // 2 + 1)
        dt = complex_dtype(x.dtype)
    elif fft_type == IRFFT:
        if x.dtype.kind != "c":
            raise DtypeError(f"fft: IRFFT takes a complex operand, got {x.str_short()}")
        want = (*fft_lengths[:-1], fft_lengths[-1] // 2 + 1)
        out_tail, dt = tuple(fft_lengths), real_dtype(x.dtype)
    else:
        raise ValueError(f"fft: unknown fft_type {fft_type!r}")
    if tail != want:
        raise ShapeError(f"fft: {fft_type} with fft_lengths={fft_lengths} needs trailing axes "
                         f"{want}, got {x.str_short()}")
    return shaped(x.shape[:x.ndim - d] + out_tail, dt)


def _fft_transpose(ct, x, *, fft_type, fft_lengths):
    if fft_type in (FFT, IFFT):
        return [fft_p.bind(ct, fft_type=fft_type, fft_lengths=fft_lengths)]
    if fft_type == RFFT:
        return [_rfft_transpose_p.bind(ct, fft_lengths=fft_lengths)]
    return [_irfft_transpose_p.bind(ct, fft_lengths=fft_lengths)]


def _fft_batch(size, vals, dims, **params):
    return fft_p.bind(moveaxis(vals[0], dims[0], 0), **params), 0


def _fft_core(eqn):
    return (len(eqn.params["fft_lengths"]),)


fft_p = Primitive("fft")
register(fft_p, impl=_fft_impl, abstract_eval=_fft_abstract, jvp=jvp_linear,
         transpose=_fft_transpose, batch=_fft_batch,
         emit=(CallImpl(fresh=True),
               Emit("lax.fft({0}, {fft_type}, {fft_lengths})", fresh=True, on=("jax",)),
               Emit(be.fft_emit, fresh=True, on=("cupy", "array_api")), be.dask_blockwise(_fft_core)),
         dtypes=INEXACT)


# The transposes of RFFT and IRFFT are linear maps of their own (each the other's transpose).
def _rfft_t_impl(ct, *, fft_lengths):
    ct = np.asarray(ct)
    d = len(fft_lengths)
    axes = _axes(ct, d)
    full = np.zeros(ct.shape[:ct.ndim - 1] + (fft_lengths[-1],), ct.dtype)
    full[..., :ct.shape[-1]] = ct
    return np.asarray(np.fft.fftn(full, axes=axes).real, real_dtype(ct.dtype))


def _irfft_t_impl(ct, *, fft_lengths):
    ct = np.asarray(ct)
    d = len(fft_lengths)
    n = fft_lengths[-1]
    k = n // 2 + 1
    spec = np.fft.ifftn(ct, axes=_axes(ct, d))[..., :k]
    w = np.full(k, 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return np.asarray(spec * w, complex_dtype(ct.dtype))


def _rfft_t_abstract(ct, *, fft_lengths):
    return shaped(ct.shape[:-1] + (fft_lengths[-1],), real_dtype(ct.dtype))


def _irfft_t_abstract(ct, *, fft_lengths):
    return shaped(ct.shape[:-1] + (fft_lengths[-1] // 2 + 1,), complex_dtype(ct.dtype))


_rfft_transpose_p = Primitive("rfft_transpose")
_irfft_transpose_p = Primitive("irfft_transpose")
register(_rfft_transpose_p, impl=_rfft_t_impl, abstract_eval=_rfft_t_abstract, jvp=jvp_linear,
         transpose=lambda ct, x, *, fft_lengths: [fft_p.bind(ct, fft_type=RFFT,
                                                             fft_lengths=fft_lengths)],
         batch=lambda size, vals, dims, **p: (_rfft_transpose_p.bind(
             moveaxis(vals[0], dims[0], 0), **p), 0),
         emit=(CallImpl(fresh=True),
               be.xp_call(be.rfft_transpose, on=("jax", "cupy", "array_api")), be.dask_blockwise(_fft_core)),
         dtypes=INEXACT)
register(_irfft_transpose_p, impl=_irfft_t_impl, abstract_eval=_irfft_t_abstract,
         jvp=jvp_linear,
         transpose=lambda ct, x, *, fft_lengths: [fft_p.bind(ct, fft_type=IRFFT,
                                                             fft_lengths=fft_lengths)],
         batch=lambda size, vals, dims, **p: (_irfft_transpose_p.bind(
             moveaxis(vals[0], dims[0], 0), **p), 0),
         emit=(CallImpl(fresh=True),
               be.xp_call(be.irfft_transpose, on=("jax", "cupy", "array_api")), be.dask_blockwise(_fft_core)),
         dtypes=INEXACT)
rfft_transpose_p, irfft_transpose_p = _rfft_transpose_p, _irfft_transpose_p


def fft(x: ArrayLike, fft_type: Any, fft_lengths: Sequence[int]) -> Array:
    """lax.fft: fft_type one of 'FFT', 'IFFT', 'RFFT', 'IRFFT' over the last len(fft_lengths)
    axes."""
    fft_type = getattr(fft_type, "name", fft_type)
    fft_type = str(fft_type).upper().replace("FFTTYPE.", "")
    return fft_p.bind(x, fft_type=fft_type, fft_lengths=shape(fft_lengths, "fft_lengths", "fft"))


