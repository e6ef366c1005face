"""fungrad.scipy: differentiable versions of scipy functions (as jax.scipy), on fungrad's
primitives; scipy supplies the kernels (LAPACK wrappers, special functions).

Imports: numpy, lax, _api, and this package's modules.
"""
from fungrad.scipy import integrate as integrate
from fungrad.scipy import linalg as linalg
from fungrad.scipy import optimize as optimize
from fungrad.scipy import signal as signal
from fungrad.scipy import special as special
from fungrad.scipy import stats as stats

__all__ = [
    "integrate", "linalg", "optimize", "signal", "special", "stats"]
__dir__ = __all__.copy  # dir() lists the public names only
