"""fungrad.numpy.fft: numpy.fft (as jax.numpy.fft) on the lax.fft primitive: fft, ifft, rfft,
irfft, fft2, ifft2, rfft2, irfft2, fftn, ifftn, rfftn, irfftn, hfft, ihfft with n / s, axis / axes
and norm ('backward', 'ortho', 'forward'); fftfreq, rfftfreq, fftshift, ifftshift.

Input lengths are cropped or zero-padded to n / s as numpy does; the transformed axes are moved
to the end, transformed, and moved back. Real inputs to fft/ifft are promoted to complex; the
real <-> complex paths (rfft, irfft, hfft, ihfft) differentiate with real inputs and outputs.

Imports: _core, lax, numpy._promote, numpy.shape.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from fungrad._core.array import fresh
from fungrad._core.typing import Array, ArrayLike, DTypeLike
from fungrad._core.errors import ShapeError
from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad._lax import _args
from fungrad._lax import complex_parts as _cp
from fungrad._lax import fft as _fft
from fungrad._lax.indexing import FULL
from fungrad.numpy._promote import asarray, promote_inexact
from fungrad.numpy.reductions import normalize_axis as _normalize_axis

_NORMS = (None, "backward", "ortho", "forward")


def _inexact(a):
    x, = promote_inexact(asarray(a))
    return x


def _complex(x):
    return _cp.to_complex(x)


def _real_input(x, fn):
    if get_aval(x).dtype.kind == "c":
        raise TypeError(f"{fn}: argument a must be real, got {get_aval(x).str_short()}; "
                        "take fungrad.numpy.real (or use fft) first")
    return x


def _resize(x, axis, n):
    """Crop or zero-pad axis `axis` of x to length n (numpy's n= / s= rule)."""
    aval = get_aval(x)
    cur = aval.shape[axis]
    if n == cur:
        return x
    if n < 1:
        raise ShapeError(f"fft: invalid number of data points ({n}) specified")
    if n < cur:
        spec = [FULL] * aval.ndim
        spec[axis] = ("slice", 0, n, None)
        return lax.getitem(x, tuple(spec), [])
    shape = list(aval.shape)
    shape[axis] = n - cur
    return lax.concatenate([x, np.zeros(shape, aval.dtype)], axis)


def _scale(x, norm, n, inverse):
    """Apply the norm mode to the result of an unnormalized forward / 1/n inverse transform."""
    if norm not in _NORMS:
        raise ValueError(f'fft: invalid norm value {norm!r}; should be "backward", "ortho" or '
                         '"forward"')
    if norm in (None, "backward"):
        return x
    factor = np.sqrt(n) if norm == "ortho" else float(n)
    factor = factor if inverse else 1.0 / factor
    dt = get_aval(x).dtype
    f = np.asarray(factor, _cp.real_dtype(dt))
    if np.issubdtype(dt, np.complexfloating):
        # each part by the real factor, as numpy's pocketfft: the complex product with f + 0j
        # would make nan of an infinite part (inf * 0)
        return _cp.complex_(lax.mul(_cp.real(x), f), lax.mul(_cp.imag(x), f))
    return lax.mul(x, f.astype(dt))


def _norm_axes(x, s, axes, fn):
    nd = get_aval(x).ndim
    if axes is None:
        axes = tuple(range(nd)) if s is None else tuple(range(nd - len(s), nd))
    elif isinstance(axes, (int, np.integer)):
        axes = (int(axes),)
    elif not isinstance(axes, (tuple, list)):
        raise TypeError(f"{fn}: axes must be an int or a sequence of ints, got {axes!r}")
    axes = tuple(_normalize_axis(a, nd, f"{fn}: axis") for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{fn}: repeated axes {axes} are not supported")
    if s is not None and len(s) != len(axes):
        raise ValueError(f"{fn}: s and axes must have the same length, got s={s}, axes={axes}")
    return axes


def _transform(x, axes, fft_type, lengths):
    """Move `axes` to the end, apply lax.fft, move them back."""
    nd = get_aval(x).ndim
    rest = [a for a in range(nd) if a not in axes]
    perm = rest + list(axes)
    y = lax.transpose(x, perm)
    y = _fft.fft(y, fft_type, lengths)
    return lax.transpose(y, tuple(np.argsort(perm)))


def _c2c(a, s, axes, norm, inverse, fn):
    x = _inexact(a)
    axes = _norm_axes(x, s, axes, fn)
    if not axes:  # a 0-d array (or axes=()): numpy transforms nothing and returns the input
        if norm not in _NORMS:
            _scale(None, norm, 1, inverse)  # its error
        x = asarray(a)
        return fresh(np.array(x)) if isinstance(x, np.ndarray) else x
    x = _complex(x)
    if s is not None:
        for ax, n in zip(axes, s):
            x = _resize(x, ax, int(n))
    lengths = [get_aval(x).shape[ax] for ax in axes]
    out = _transform(x, axes, _fft.IFFT if inverse else _fft.FFT, lengths)
    return _scale(out, norm, int(np.prod(lengths)), inverse)


def _some_axis(x, axes, fn):
    """The real <-> complex transforms halve their last axis: there must be one."""
    if not axes:
        raise ShapeError(f"numpy.fft.{fn}: there is no axis to transform (a is "
                         f"{get_aval(x).str_short()}, axes ()); allowed: an array of at least "
                         "one dimension and at least one axis.")


def _r2c(a, s, axes, norm, fn):
    x = _real_input(_inexact(a), fn)
    axes = _norm_axes(x, s, axes, fn)
    _some_axis(x, axes, fn)
    if s is not None:
        for ax, n in zip(axes, s):
            x = _resize(x, ax, int(n))
    lengths = [get_aval(x).shape[ax] for ax in axes]
    return _scale(_transform(x, axes, _fft.RFFT, lengths), norm, int(np.prod(lengths)), False)


def _c2r(a, s, axes, norm, fn):
    x = _inexact(a)
    axes = _norm_axes(x, s, axes, fn)
    _some_axis(x, axes, fn)
    x = _complex(x)
    shape = get_aval(x).shape
    if s is None:
        lengths = [shape[ax] for ax in axes[:-1]] + [2 * (shape[axes[-1]] - 1)]
    else:
        lengths = [int(n) for n in s]
    for ax, n in zip(axes[:-1], lengths[:-1]):
        x = _resize(x, ax, n)
    x = _resize(x, axes[-1], lengths[-1] // 2 + 1)
    return _scale(_transform(x, axes, _fft.IRFFT, lengths), norm, int(np.prod(lengths)), True)


def _one(n):
    return None if n is None else (n,)


def fft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """The discrete Fourier transform along `axis` (numpy.fft.fft).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.fft(fnp.array([1.0, 2.0, 3.0, 4.0]))
    array([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
    """
    return _c2c(a, _one(n), (axis,), norm, False, "fft")


def ifft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """The inverse discrete Fourier transform along `axis` (numpy.fft.ifft).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.ifft(fnp.array([4.0, 0.0, 0.0, 0.0]))
    array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    return _c2c(a, _one(n), (axis,), norm, True, "ifft")


def rfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """The discrete Fourier transform of a real signal: the n // 2 + 1 non-negative frequencies.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.rfft(fnp.array([1.0, 2.0, 3.0, 4.0]))
    array([10.+0.j, -2.+2.j, -2.+0.j])
    """
    return _r2c(a, _one(n), (axis,), norm, "rfft")


def irfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """The inverse of rfft: a real signal of length n (default 2 * (m - 1)).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.irfft(fnp.array([10.0, -2.0 + 2.0j, -2.0]))
    array([1., 2., 3., 4.])
    """
    return _c2r(a, _one(n), (axis,), norm, "irfft")


def fftn(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
        norm: str | None = None) -> Array:
    """The n-D discrete Fourier transform over `axes` (all by default).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.fftn(fnp.ones((2, 2)))
    array([[4.+0.j, 0.+0.j],
           [0.+0.j, 0.+0.j]])
    """
    return _c2c(a, s, axes, norm, False, "fftn")


def ifftn(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
        norm: str | None = None) -> Array:
    """The inverse n-D discrete Fourier transform.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.ifftn(fnp.array([[4.0, 0.0], [0.0, 0.0]]))
    array([[1.+0.j, 1.+0.j],
           [1.+0.j, 1.+0.j]])
    """
    return _c2c(a, s, axes, norm, True, "ifftn")


def rfftn(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
        norm: str | None = None) -> Array:
    """The n-D discrete Fourier transform of a real array (the last axis halved).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.rfftn(fnp.ones((2, 2)))
    array([[4.+0.j, 0.+0.j],
           [0.+0.j, 0.+0.j]])
    """
    return _r2c(a, s, axes, norm, "rfftn")


def irfftn(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
        norm: str | None = None) -> Array:
    """The inverse of rfftn.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.irfftn(fnp.array([[4.0, 0.0], [0.0, 0.0]]))
    array([[1., 1.],
           [1., 1.]])
    """
    return _c2r(a, s, axes, norm, "irfftn")


def fft2(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
        norm: str | None = None) -> Array:
    """The 2-D discrete Fourier transform over `axes` (numpy.fft.fft2).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.fft2(fnp.array([[1.0, 0.0], [0.0, 0.0]]))
    array([[1.+0.j, 1.+0.j],
           [1.+0.j, 1.+0.j]])
    """
    return fftn(a, s, axes, norm)


def ifft2(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
        norm: str | None = None) -> Array:
    """The inverse 2-D discrete Fourier transform (numpy.fft.ifft2).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.ifft2(fnp.array([[4.0, 0.0], [0.0, 0.0]]))
    array([[1.+0.j, 1.+0.j],
           [1.+0.j, 1.+0.j]])
    """
    return ifftn(a, s, axes, norm)


def rfft2(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
        norm: str | None = None) -> Array:
    """The 2-D discrete Fourier transform of a real array (the last axis halved).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.rfft2(fnp.ones((2, 2)))
    array([[4.+0.j, 0.+0.j],
           [0.+0.j, 0.+0.j]])
    """
    return rfftn(a, s, axes, norm)


def irfft2(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
        norm: str | None = None) -> Array:
    """The inverse of rfft2.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.irfft2(fnp.array([[4.0, 0.0], [0.0, 0.0]]))
    array([[1., 1.],
           [1., 1.]])
    """
    return irfftn(a, s, axes, norm)


_SWAP = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def hfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """FFT of a signal with Hermitian symmetry (given as its first half): real output.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.hfft(fnp.array([1.0, 0.0, 0.0]))
    array([1., 1., 1., 1.])
    """
    if norm not in _NORMS:
        _scale(None, norm, 1, False)
    return irfft(_cp.conj(_complex(_inexact(a))), n, axis, _SWAP[norm])


def ihfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """Inverse of hfft: the half spectrum of a real signal.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.ihfft(fnp.array([2.0, 0.0, 0.0, 0.0]))
    array([0.5-0.j, 0.5-0.j, 0.5-0.j])
    """
    if norm not in _NORMS:
        _scale(None, norm, 1, False)
    return _cp.conj(rfft(a, n, axis, _SWAP[norm]))


def fftfreq(n: int, d: float = 1.0, *, dtype: DTypeLike | None = None) -> Array:
    """Sample frequencies of fft (a concrete array).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.fftfreq(4, d=0.5)
    array([ 0. ,  0.5, -1. , -0.5])
    """
    out = np.fft.fftfreq(_args.static_int(n, "n", "numpy.fft.fftfreq"), d)
    return fresh(out if dtype is None else out.astype(dtype))


def rfftfreq(n: int, d: float = 1.0, *, dtype: DTypeLike | None = None) -> Array:
    """The sample frequencies of rfft (a concrete array).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.rfftfreq(4, d=0.5)
    array([0. , 0.5, 1. ])
    """
    out = np.fft.rfftfreq(_args.static_int(n, "n", "numpy.fft.rfftfreq"), d)
    return fresh(out if dtype is None else out.astype(dtype))


def _roll_axes(x, axes, shift_of, fn):
    x = asarray(x)
    aval = get_aval(x)
    if axes is None:
        if aval.ndim == 0:
            raise ShapeError(f"numpy.fft.{fn}: x must have at least one axis to shift, got "
                             f"{aval.str_short()}.")
        axes = tuple(range(aval.ndim))
    elif isinstance(axes, (int, np.integer)):
        axes = (int(axes),)
    for ax in axes:
        ax = _normalize_axis(ax, aval.ndim)
        n = aval.shape[ax]
        k = shift_of(n) % n if n else 0
        if k == 0:
            continue
        lo = [FULL] * aval.ndim
        hi = [FULL] * aval.ndim
        lo[ax] = ("slice", n - k, None, None)
        hi[ax] = ("slice", 0, n - k, None)
        x = lax.concatenate([lax.getitem(x, tuple(lo), []), lax.getitem(x, tuple(hi), [])], ax)
    return x


def fftshift(x: ArrayLike, axes: int | Sequence[int] | None = None) -> Array:
    """Shift the zero-frequency term to the center.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.fftshift(fnp.fft.fftfreq(4))
    array([-0.5 , -0.25,  0.  ,  0.25])
    """
    return _roll_axes(x, axes, lambda n: n // 2, "fftshift")


def ifftshift(x: ArrayLike, axes: int | Sequence[int] | None = None) -> Array:
    """The inverse of fftshift.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.ifftshift(fnp.array([-0.5, -0.25, 0.0, 0.25]))
    array([ 0.  ,  0.25, -0.5 , -0.25])
    """
    return _roll_axes(x, axes, lambda n: -(n // 2), "ifftshift")

__all__ = [
    "fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "ifft", "ifft2", "ifftn", "ifftshift", "ihfft",
    "irfft", "irfft2", "irfftn", "rfft", "rfft2", "rfftfreq", "rfftn"]
__dir__ = __all__.copy  # dir() lists the public names only
