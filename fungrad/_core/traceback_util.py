"""Traceback filtering at the public API boundary, as JAX does: an exception leaving a transform
shows the user's frames (and generated jit code), not fungrad's internal ones.

Set the environment variable FUNGRAD_TRACEBACK_FILTERING=off (or call
`set_traceback_filtering(False)`) to see every frame.

Imports: nothing from fungrad.
"""
from __future__ import annotations

import functools
import os
import pathlib
import types
from typing import Any, Callable, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

_PACKAGE = str(pathlib.Path(__file__).resolve().parent.parent) + os.sep
_ENABLED = [os.environ.get("FUNGRAD_TRACEBACK_FILTERING", "on").lower() not in ("off", "0", "no")]
NOTE = ("(fungrad's internal frames are hidden from this traceback; set the environment variable "
        "FUNGRAD_TRACEBACK_FILTERING=off to show them)")


def set_traceback_filtering(enabled):
    """Turn the filtering of fungrad's internal frames on or off."""
    _ENABLED[0] = bool(enabled)


def _internal(tb):
    name = tb.tb_frame.f_code.co_filename
    return name.startswith(_PACKAGE) and not name.startswith(_PACKAGE + "testing")


def filter_traceback(tb):
    """The traceback chain `tb` without fungrad's own frames (user frames and generated code
    stay). The last frame is kept if every frame is internal, so the raise point is never lost."""
    frames = []
    last = None
    while tb is not None:
        if not _internal(tb):
            frames.append(tb)
        last = tb
        tb = tb.tb_next
    if not frames and last is not None:
        frames = [last]
    out = None
    for t in reversed(frames):
        out = types.TracebackType(out, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return out


def api_boundary(fn: _F) -> _F:
    """Wrap a public entry point: exceptions leave it with internal frames filtered."""
    @functools.wraps(fn)
    def boundary(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            if not _ENABLED[0]:
                raise
            if NOTE not in getattr(e, "__notes__", ()):
                e.add_note(NOTE)
            raise e.with_traceback(filter_traceback(e.__traceback__))  # noqa: B904 - the same error
    return boundary
