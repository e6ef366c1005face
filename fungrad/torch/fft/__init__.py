"""torch.fft on the core's FFT (fungrad.numpy.fft over the lax fft primitive), whose transpose
rules give the gradients. Node names are torch's (FftR2CBackward0, FftC2RBackward0,
FftC2CBackward0). Complex results are complex64/complex128 tensors."""
import numpy as np

import fungrad.numpy as fnp
from fungrad.torch import _dtype
from fungrad.torch._record import apply
from fungrad.torch._tensor import _new
from fungrad.torch._util import cast

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


def _cplx(f, name_real="FftR2CBackward0"):
    """A complex-output transform; a real input records torch's R2C node name."""
    def op(input, n=None, dim=-1, norm=None, *, out=None):
        t = _float_in(input)
        cdt = _C[t._value.dtype]
        name = name_real if t._value.dtype.kind == "f" else "FftC2CBackward0"
        return apply(name, lambda x: cast(f(x, n, dim, norm), cdt), [t])
    return op


def _real_out(f, name="FftC2RBackward0"):
    def op(input, n=None, dim=-1, norm=None, *, out=None):
        t = _float_in(input)
        rdt = _R[t._value.dtype]
        return apply(name, lambda x: cast(f(x, n, dim, norm), rdt), [t])
    return op


def _nd(f, default_dim=None, name_real="FftC2CBackward0", real_out=False):
    def op(input, s=None, dim=default_dim, norm=None, *, out=None):
        t = _float_in(input)
        dt = t._value.dtype
        if real_out:
            odt, name = _R[dt], "FftC2RBackward0"
        else:
            odt = _C[dt]
            name = name_real if dt.kind == "f" else "FftC2CBackward0"
        axes = None if dim is None else tuple(dim)
        return apply(name, lambda x: cast(f(x, s, axes, norm), odt), [t])
    return op


fft = _cplx(lambda x, n, d, nm: fnp.fft.fft(x, n, d, nm))
ifft = _cplx(lambda x, n, d, nm: fnp.fft.ifft(x, n, d, nm), "ConjBackward0")
rfft = _cplx(lambda x, n, d, nm: fnp.fft.rfft(x, n, d, nm))
irfft = _real_out(lambda x, n, d, nm: fnp.fft.irfft(x, n, d, nm))
hfft = _real_out(lambda x, n, d, nm: fnp.fft.hfft(x, n, d, nm))
ihfft = _cplx(lambda x, n, d, nm: fnp.fft.ihfft(x, n, d, nm), "ConjBackward0")
fft2 = _nd(lambda x, s, a, nm: fnp.fft.fftn(x, s, a, nm), (-2, -1))
ifft2 = _nd(lambda x, s, a, nm: fnp.fft.ifftn(x, s, a, nm), (-2, -1))
fftn = _nd(lambda x, s, a, nm: fnp.fft.fftn(x, s, a, nm))
ifftn = _nd(lambda x, s, a, nm: fnp.fft.ifftn(x, s, a, nm))
rfft2 = _nd(lambda x, s, a, nm: fnp.fft.rfftn(x, s, a, nm), (-2, -1), "FftR2CBackward0")
rfftn = _nd(lambda x, s, a, nm: fnp.fft.rfftn(x, s, a, nm), None, "FftR2CBackward0")
irfft2 = _nd(lambda x, s, a, nm: fnp.fft.irfftn(x, s, a, nm), (-2, -1), real_out=True)
irfftn = _nd(lambda x, s, a, nm: fnp.fft.irfftn(x, s, a, nm), real_out=True)


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


hfft2 = _nd(_hfftn, (-2, -1), real_out=True)
hfftn = _nd(_hfftn, real_out=True)
ihfft2 = _nd(_ihfftn, (-2, -1))
ihfftn = _nd(_ihfftn)


def _freq(f):
    def op(n, d=1.0, *, dtype=None, device=None, requires_grad=False, **kw):
        dt = _dtype.to_np(dtype) or _dtype.DEFAULT.np
        return _new(np.asarray(f(n, d), dt), requires_grad)
    return op


fftfreq = _freq(np.fft.fftfreq)
rfftfreq = _freq(np.fft.rfftfreq)


def fftshift(input, dim=None):
    axes = tuple(range(input.ndim)) if dim is None else ((dim,) if isinstance(dim, int)
                                                          else tuple(dim))
    shifts = tuple(input.shape[a] // 2 for a in axes)
    return input.roll(shifts, axes)


def ifftshift(input, dim=None):
    axes = tuple(range(input.ndim)) if dim is None else ((dim,) if isinstance(dim, int)
                                                          else tuple(dim))
    shifts = tuple(-(input.shape[a] // 2) for a in axes)
    return input.roll(shifts, axes)

from fungrad.torch._argcheck import guard as _guard  # noqa: E402
_guard(globals(), "fft")  # torch's TypeError for a non-Tensor argument
__dir__ = __all__.copy  # dir() lists the public names only
