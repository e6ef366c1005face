"""Grad mode, inference mode and anomaly mode: the shim's only global state, in context variables.

no_grad / enable_grad / set_grad_enabled / inference_mode work as context managers and decorators
(state restored on exit, even after an exception), like torch's.
"""
import contextvars
import functools
import inspect
import warnings

GRAD = contextvars.ContextVar("fungrad_torch_grad_enabled", default=True)
INFERENCE = contextvars.ContextVar("fungrad_torch_inference", default=False)
ANOMALY = contextvars.ContextVar("fungrad_torch_anomaly", default=(False, True))

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled", "detect_anomaly", "set_detect_anomaly",
           "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]


def is_grad_enabled():
    return GRAD.get()


def is_inference_mode_enabled():
    return INFERENCE.get()


def is_anomaly_enabled():
    return ANOMALY.get()[0]


def is_anomaly_check_nan_enabled():
    return ANOMALY.get()[1]


class _Mode:
    """A context manager that is also a decorator (with or without parentheses)."""

    def __new__(cls, orig_func=None, *args, **kwargs):
        if callable(orig_func) and not args and not kwargs and cls._bare_ok:
            return cls()(orig_func)
        return super().__new__(cls)

    _bare_ok = True

    def _set(self):
        raise NotImplementedError

    def __enter__(self):
        self._tokens = self._set()

    def __exit__(self, *exc):
        for var, tok in reversed(self._tokens):
            var.reset(tok)
        return False

    def clone(self):
        return type(self)()

    def __call__(self, func):
        if inspect.isgeneratorfunction(func):
            raise NotImplementedError("decorating generator functions is not supported")

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper


class no_grad(_Mode):
    """Disables gradient recording."""

    def __init__(self, orig_func=None):
        pass

    def _set(self):
        return [(GRAD, GRAD.set(False))]


class enable_grad(_Mode):
    """Enables gradient recording."""

    def __init__(self, orig_func=None):
        pass

    def _set(self):
        return [(GRAD, GRAD.set(True))]


class set_grad_enabled(_Mode):
    """Sets grad mode; applies at construction (a plain call works), restored by a with block."""

    _bare_ok = False

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError("set_grad_enabled(): argument 'enabled' (position 1) must be bool, "
                            f"not {type(mode).__name__}")
        self.mode = mode
        self._prev = GRAD.get()
        self._token = GRAD.set(mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        GRAD.set(self._prev)
        return False

    def clone(self):
        return set_grad_enabled(self.mode)

    def __call__(self, func):
        GRAD.set(self._prev)
        return super().__call__(func)


class inference_mode(_Mode):
    """Inference mode: grad off; tensors made here are inference tensors."""

    def __init__(self, mode=True):
        self.mode = mode if isinstance(mode, bool) else True

    def clone(self):
        return inference_mode(self.mode)

    def _set(self):
        if self.mode:
            return [(GRAD, GRAD.set(False)), (INFERENCE, INFERENCE.set(True))]
        return [(GRAD, GRAD.set(True)), (INFERENCE, INFERENCE.set(False))]


class detect_anomaly:
    """Context manager enabling anomaly detection (not a decorator, as in torch)."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", UserWarning, stacklevel=2)
        self._token = ANOMALY.set((True, self.check_nan))

    def __exit__(self, *exc):
        ANOMALY.reset(self._token)
        return False


class set_detect_anomaly:
    """Sets anomaly mode at construction; as a context manager, restores the previous state."""

    def __init__(self, mode, check_nan=True):
        self._prev = ANOMALY.get()
        ANOMALY.set((bool(mode), bool(check_nan)))

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        ANOMALY.set(self._prev)
        return False
