"""numpy's floating-point error state, read and silenced cheaply.

``np.errstate(all="ignore")`` rebuilds numpy's error-state object on every entry (1.3 us on
numpy 2.4); the torch shim enters it around every op, a dozen times per training step of a small
MLP. On numpy >= 2 the state is a context variable, so ``quiet`` keeps the silenced state derived
from the last state it saw and only sets and resets the variable (0.57 us). Where numpy keeps the
state elsewhere (numpy < 2), ``quiet`` is np.errstate itself.

Imports: nothing from fungrad.
"""
import numpy as np

try:  # numpy >= 2: the error state is a context variable; its value changes with np.seterr
    from numpy._core._ufunc_config import _extobj_contextvar as _extobj_var
except ImportError:  # pragma: no cover - numpy < 2
    _extobj_var = None

#: The current error state as an object whose identity changes when the state does (numpy >= 2),
#: or a fresh object on every call (another numpy: compare np.geterr() instead).
errstate_now = _extobj_var.get if _extobj_var is not None else object

_GET = getattr(_extobj_var, "get", None)
_SET = getattr(_extobj_var, "set", None)
_RESET = getattr(_extobj_var, "reset", None)
_last = [None, None]  # (a state seen, that state with every floating-point error ignored)


def _enter(_get=_GET, _set=_SET, _last=_last):
    """Silences the errors; a token for _exit (the with-statement's two halves as plain calls,
    for hot paths that use try/finally: `quiet.enter()`, `quiet.exit(token)`)."""
    state = _get()
    if state is not _last[0]:
        with np.errstate(all="ignore"):
            silenced = _get()
        _last[0], _last[1] = state, silenced
    return _set(_last[1])


class _Quiet:
    """``with quiet():`` ignores numpy's floating-point errors inside (divide, over, under,
    invalid), keeping the rest of the state (buffer size, error callback), as
    ``np.errstate(all="ignore")`` does."""

    __slots__ = ("token",)
    enter = staticmethod(_enter)
    exit = staticmethod(_RESET if _RESET is not None else (lambda token: None))

    def __enter__(self, _enter=_enter):
        self.token = _enter()

    def __exit__(self, *exc, _reset=_RESET):
        _reset(self.token)


def _errstate_quiet():  # pragma: no cover - numpy < 2
    return np.errstate(all="ignore")


def _seterr_exit(old):  # pragma: no cover - numpy < 2
    np.seterr(**old)


_errstate_quiet.enter = lambda: np.seterr(all="ignore")  # (numpy < 2: the old state, a dict)
_errstate_quiet.exit = _seterr_exit

quiet = _Quiet if _extobj_var is not None else _errstate_quiet
