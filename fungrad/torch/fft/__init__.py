"""torch.fft on the core's FFT (fungrad.numpy.fft over the lax fft primitive), whose transpose
rules give the gradients. Node names are torch's (FftR2CBackward0, FftC2RBackward0,
FftC2CBackward0). Complex results are complex64/complex128 tensors."""
import numpy as np

import fungrad.numpy as fnp
from fungrad.torch import _dtype
from fungrad.torch._record import apply
from fungrad.torch._tensor import Tensor, _new
from fungrad.torch._util import cast, dim_int, int_list, norm_dim, scalar_name

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2",
           "rfftn", "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq",
           "rfftfreq", "fftshift", "ifftshift"]

_C = {np.dtype(np.float32): np.dtype(np.complex64), np.dtype(np.float64): np.dtype(np.complex128),
      np.dtype(np.complex64): np.dtype(np.complex64),
      np.dtype(np.complex128): np.dtype(np.complex128)}
_R = {np.dtype(np.complex64): np.dtype(np.float32), np.dtype(np.complex128): np.dtype(np.float64),
      np.dtype(np.float32): np.dtype(np.float32), np.dtype(np.float64): np.dtype(np.float64)}


def _float_in(t):
    if t._value.dtype.kind in "fc":
        return t
    return _new(t._value.astype(np.float32))


_NORMS = (None, "forward", "backward", "ortho")


def _fft_dim(d, ndim):
    """A dim of an FFT (torch wraps it without the scalar allowance: a 0-d tensor has none)."""
    d = dim_int(d)
    if ndim == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    return norm_dim(d, ndim)


def _points(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return n


def _check(name, t, norm, real_only):
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    if real_only and t._value.dtype.kind == "c":
        raise RuntimeError(real_only.format(name=name, dtype=scalar_name(t._value.dtype)))


def _batch(t):
    """torch's CPU FFT (MKL) refuses an empty batch once the transformed lengths are valid."""
    if t._value.size == 0:
        raise RuntimeError("MKL FFT error: Intel oneMKL DFTI ERROR: Inconsistent configuration "
                           "parameters")


_REAL_1D = "{name} expects a real input tensor, but got {dtype}"


def _one_dim(name, f, n, dim, norm, t, c2r=False, real_only=None):
    """The checks of a 1-d transform: the dim, the number of points, the input's dtype."""
    _check(name, t, norm, real_only)
    d = _fft_dim(dim, t.ndim)
    size = t.shape[d]
    _points(dim_int(n, "n") if n is not None else (2 * (size - 1) if c2r else size))
    _batch(t)
    return d


def _cplx(f, name_real="FftR2CBackward0", fname="fft", real_only=None):
    """A complex-output transform; a real input records torch's R2C node name."""
    def op(input, n=None, dim=-1, norm=None, *, out=None):
        d = _one_dim(fname, f, n, dim, norm, input, real_only=real_only)
        t = _float_in(input)
        cdt = _C[t._value.dtype]
        name = name_real if t._value.dtype.kind == "f" else "FftC2CBackward0"
        return apply(name, lambda x: cast(f(x, n, d, norm), cdt), [t])
    op.__name__ = fname
    return op


def _real_out(f, name="FftC2RBackward0", fname="irfft"):
    def op(input, n=None, dim=-1, norm=None, *, out=None):
        d = _one_dim(fname, f, n, dim, norm, input, c2r=True)
        t = _float_in(input)
        rdt = _R[t._value.dtype]
        return apply(name, lambda x: cast(f(x, n, d, norm), rdt), [t])
    op.__name__ = fname
    return op


_REAL_ND = {"rfftn": "rfftn expects a real-valued input tensor, but got {dtype}",
            "ihfftn": "Only supports floating-point dtypes, but found: {dtype}"}


def _nd_dims(fname, t, s, dim, c2r, at_least_one):
    """The dims and lengths of an n-d transform, with torch's checks (in torch's order)."""
    nd = t.ndim
    if s is not None:
        s = list(int_list(s, fname, "s", 2))
    if dim is None:
        dims = list(range(nd - len(s), nd)) if s is not None else list(range(nd))
        if s is not None and len(s) > nd:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {nd} "
                               "dimensions.")
    else:
        dims = [_fft_dim(d, nd) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    if at_least_one and not dims:
        raise RuntimeError(f"{fname} must transform at least one axis")
    given = s is not None
    if not given:
        s = [t.shape[d] for d in dims]
        if c2r and dims:
            s[-1] = 2 * (s[-1] - 1)
    else:  # -1: the input's length
        s = [t.shape[d] if n == -1 else n for d, n in zip(dims, s)]
    for n in s:
        _points(n)
    return dims, (tuple(s) if given else None)


def _nd(f, default_dim=None, name_real="FftC2CBackward0", real_out=False, fname="fftn",
        kind=None):
    """An n-d transform; ``kind``: "rfftn" or "ihfftn" (real input), "c2r" (irfftn, hfftn)."""
    at_least_one = kind is not None

    def op(input, s=None, dim=default_dim, norm=None, *, out=None):
        real_only = _REAL_ND.get(kind)
        if kind == "rfftn":  # torch checks rfftn's dtype before its dims, ihfftn's after
            _check(fname, input, norm, real_only)
        dims, s = _nd_dims(fname, input, s, dim, kind == "c2r", at_least_one)
        _check(fname, input, norm, real_only)
        if dims:
            _batch(input)
        t = _float_in(input)
        dt = t._value.dtype
        if real_out:
            odt, name = _R[dt], "FftC2RBackward0"
        else:
            odt = _C[dt]
            name = name_real if dt.kind == "f" else "FftC2CBackward0"
        axes = None if dim is None and s is None else tuple(dims)
        return apply(name, lambda x: cast(f(x, s, axes, norm), odt), [t])
    op.__name__ = fname
    return op


fft = _cplx(lambda x, n, d, nm: fnp.fft.fft(x, n, d, nm), fname="fft")
ifft = _cplx(lambda x, n, d, nm: fnp.fft.ifft(x, n, d, nm), "ConjBackward0", fname="ifft")
rfft = _cplx(lambda x, n, d, nm: fnp.fft.rfft(x, n, d, nm), fname="rfft", real_only=_REAL_1D)
irfft = _real_out(lambda x, n, d, nm: fnp.fft.irfft(x, n, d, nm), fname="irfft")
hfft = _real_out(lambda x, n, d, nm: fnp.fft.hfft(x, n, d, nm), fname="hfft")
ihfft = _cplx(lambda x, n, d, nm: fnp.fft.ihfft(x, n, d, nm), "ConjBackward0", fname="ihfft",
              real_only=_REAL_1D)
fft2 = _nd(lambda x, s, a, nm: fnp.fft.fftn(x, s, a, nm), (-2, -1), fname="fft2")
ifft2 = _nd(lambda x, s, a, nm: fnp.fft.ifftn(x, s, a, nm), (-2, -1), fname="ifft2")
fftn = _nd(lambda x, s, a, nm: fnp.fft.fftn(x, s, a, nm), fname="fftn")
ifftn = _nd(lambda x, s, a, nm: fnp.fft.ifftn(x, s, a, nm), fname="ifftn")
rfft2 = _nd(lambda x, s, a, nm: fnp.fft.rfftn(x, s, a, nm), (-2, -1), "FftR2CBackward0",
            fname="rfftn", kind="rfftn")
rfftn = _nd(lambda x, s, a, nm: fnp.fft.rfftn(x, s, a, nm), None, "FftR2CBackward0",
            fname="rfftn", kind="rfftn")
irfft2 = _nd(lambda x, s, a, nm: fnp.fft.irfftn(x, s, a, nm), (-2, -1), real_out=True,
             fname="irfftn", kind="c2r")
irfftn = _nd(lambda x, s, a, nm: fnp.fft.irfftn(x, s, a, nm), real_out=True, fname="irfftn",
             kind="c2r")


def _hfftn(x, s, axes, nm):
    # hfftn(x) = irfftn(conj(x)) scaled by the number of points (numpy's hfft convention)
    axes = tuple(range(-len(s), 0)) if axes is None and s is not None else axes
    if axes is None:
        axes = tuple(range(x.ndim))
    out = fnp.fft.irfftn(fnp.conj(x), s, axes, _swap(nm))
    return out


def _ihfftn(x, s, axes, nm):
    if axes is None:
        axes = tuple(range(x.ndim))
    return fnp.conj(fnp.fft.rfftn(x, s, axes, _swap(nm)))


def _swap(nm):
    return {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}[nm]


hfft2 = _nd(_hfftn, (-2, -1), real_out=True, fname="hfftn", kind="c2r")
hfftn = _nd(_hfftn, real_out=True, fname="hfftn", kind="c2r")
ihfft2 = _nd(_ihfftn, (-2, -1), fname="ihfftn", kind="ihfftn")
ihfftn = _nd(_ihfftn, fname="ihfftn", kind="ihfftn")


def _freq_n(n, name):
    if isinstance(n, Tensor) or type(n) is bool or not isinstance(n, (int, np.integer)):
        raise TypeError(f"fft_{name}(): argument 'n' (position 1) must be int, not "
                        f"{type(n).__name__}")
    return int(n)


def fftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False, **kw):
    """torch's fftfreq: arange(n), its upper half less n, over n * d."""
    n = _freq_n(n, "fftfreq")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = _dtype.to_np(dtype) or _dtype.DEFAULT.np
    k = np.arange(n, dtype=np.float64)
    k[(n + 1) // 2:] -= n
    with np.errstate(divide="ignore", invalid="ignore"):
        return _new(np.asarray(k / (n * d), dt), requires_grad)


def rfftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False, **kw):
    """torch's rfftfreq: arange(n / 2 + 1) (C++'s truncating division) over n * d."""
    n = _freq_n(n, "rfftfreq")
    dt = _dtype.to_np(dtype) or _dtype.DEFAULT.np
    m = int(n / 2) + 1
    if m < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {m}: [{m}]")
    with np.errstate(divide="ignore", invalid="ignore"):
        return _new(np.asarray(np.arange(m, dtype=np.float64) / (n * d), dt), requires_grad)


def _shift(input, dim, sign):
    if dim is None:
        axes = tuple(range(input.ndim))
    else:
        axes = tuple(norm_dim(d, input.ndim) for d in (
            dim if isinstance(dim, (tuple, list)) else (dim,)))
    if not axes:
        raise RuntimeError("`shifts` required")
    shifts = tuple(sign * (input.shape[a] // 2) for a in axes)
    return input.roll(shifts, axes)


def fftshift(input, dim=None):
    return _shift(input, dim, 1)


def ifftshift(input, dim=None):
    return _shift(input, dim, -1)

from fungrad.torch._argcheck import guard as _guard  # noqa: E402
_guard(globals(), "fft")  # torch's TypeError for a non-Tensor argument
__dir__ = __all__.copy  # dir() lists the public names only
