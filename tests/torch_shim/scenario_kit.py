"""Registry and record helpers shared by the torch scenario modules.

A scenario is ``fn(torch) -> record``: it runs torch.autograd code against the
module it is given (real ``torch`` or ``fungrad.torch``) and returns something
JSON-able: reprs as strings, values as lists of floats, errors as
``[type name, message]``, warnings as ``[category name, first line]``.
"""

import warnings

SCENARIOS = {}


def scenario(fn):
    """Registers ``fn`` under its name; names must be unique."""
    if fn.__name__ in SCENARIOS:
        raise ValueError(f"duplicate scenario {fn.__name__}")
    SCENARIOS[fn.__name__] = fn
    return fn


def R(x):
    """``repr`` of a tensor, tuple of tensors, None, ..."""
    return repr(x)


def L(t):
    """The values of a tensor as (nested) Python numbers."""
    return t.detach().tolist()


def first_line(text):
    """The first line, without the C++ source location torch may append."""
    line = str(text).split("\n", 1)[0]
    return line.split(" (Triggered internally at ", 1)[0]


def E(fn, whole=True):
    """Runs ``fn``; returns ``[exception type name, message]`` or ``None``.

    ``whole=False`` keeps only the message's first line (for messages that
    embed tensors or tracebacks).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn()
    except Exception as e:  # noqa: BLE001 - recording the type is the point
        msg = str(e) if whole else first_line(e)
        return [type(e).__name__, msg]
    return None


def W(fn):
    """Runs ``fn`` and returns ``(result, [[category, first line], ...])``.

    DeprecationWarnings are dropped: torch raises some from its own internals.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    return out, [[w.category.__name__, first_line(w.message)] for w in caught
                 if not issubclass(w.category, DeprecationWarning)]


def EW(fn):
    """Runs ``fn``; returns ``[error or None, warnings]`` (see ``E`` and ``W``)."""
    error = None

    def guarded():
        nonlocal error
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            error = [type(e).__name__, str(e)]

    _, caught = W(guarded)
    return [error, caught]


def t(torch, data, **kw):
    """``torch.tensor(data, **kw)``; short because every scenario uses it."""
    return torch.tensor(data, **kw)
