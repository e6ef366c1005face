"""PyTorch-compatible tensor repr, in pure numpy.

``format_tensor(values, dtype_name, suffixes)`` returns the text that
``repr(torch_tensor)`` prints for a CPU tensor holding ``values``: shared
element width, integer / fixed / scientific float modes, wrapping at
``linewidth``, summarization with ``...`` above ``threshold`` elements, and
the ``size=`` / ``dtype=`` / caller-given suffixes (``grad_fn=<...>``,
``requires_grad=True``, ``tangent=...``) in PyTorch's order and layout.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

__all__ = ["PrintOptions", "print_options", "format_tensor", "torch_dtype_name"]

_PREFIX = "tensor("


@dataclasses.dataclass
class PrintOptions:
    """The knobs of ``torch.set_printoptions`` (``sci_mode=None`` means auto)."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


#: The process-wide options; ``torch.set_printoptions`` mutates this object.
print_options = PrintOptions()

# Dtypes that print no ``dtype=`` suffix besides the default float dtype.
_IMPLICIT_DTYPES = ("int64", "bool")


def torch_dtype_name(dtype) -> str:
    """``'float32'`` for ``np.float32`` and the like (the part after ``torch.``)."""
    return np.dtype(dtype).name


class _ElementFormatter:
    """Formats every element of one tensor with a common mode and width."""

    def __init__(self, sample: np.ndarray, opts: PrintOptions):
        self.opts = opts
        self.is_float = sample.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not self.is_float:
            for v in sample.ravel().tolist():
                self.width = max(self.width, len(str(v)))
        else:
            self._scan_floats(sample.astype(np.float64).ravel())

    def _scan_floats(self, flat: np.ndarray) -> None:
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:
            return
        mags = np.abs(finite)
        lo, hi = float(mags.min()), float(mags.max())
        ratio = hi / lo  # Python floats: overflows to inf, never raises
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        auto_sci = ratio > 1000.0 or hi > 1.0e8 or (not self.int_mode and lo < 1.0e-4)
        forced = self.opts.sci_mode
        self.sci_mode = auto_sci if forced is None else forced
        p = self.opts.precision
        if self.sci_mode:
            texts = [f"{v:.{p}e}" for v in finite.tolist()]
        elif self.int_mode:
            texts = [f"{v:.0f}." for v in finite.tolist()]
        else:
            texts = [f"{v:.{p}f}" for v in finite.tolist()]
        self.width = max(self.width, max(len(s) for s in texts))

    def __call__(self, v) -> str:
        p = self.opts.precision
        if not self.is_float:
            text = str(v)
        elif self.sci_mode:
            text = f"{v:.{p}e}"
        elif self.int_mode:
            text = f"{v:.0f}"
            if math.isfinite(v):
                text += "."
        else:
            text = f"{v:.{p}f}"
        return text.rjust(self.width)


def _edge_sample(a: np.ndarray, edge: int) -> np.ndarray:
    """The elements a summarized print shows (first and last ``edge`` per dim)."""
    if edge == 0:  # the body is then a bare "[...]": the widths do not matter
        return a
    for axis in range(a.ndim):
        n = a.shape[axis]
        if n > 2 * edge:
            keep = list(range(edge)) + list(range(n - edge, n))
            a = np.take(a, keep, axis=axis)
    return a


def _row(a: np.ndarray, indent: int, summarize: bool, fmt, opts) -> str:
    """One 1-D row, wrapped so each line holds as many elements as fit."""
    edge = opts.edgeitems
    if summarize and edge == 0:
        items = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        items = [fmt(v) for v in a[:edge].tolist()] + [" ..."]
        items += [fmt(v) for v in a[a.shape[0] - edge :].tolist()]
    else:
        items = [fmt(v) for v in a.tolist()]
    per_line = max(1, (opts.linewidth - indent) // (fmt.width + 2))
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _body(a: np.ndarray, indent: int, summarize: bool, fmt, opts) -> str:
    """Nested brackets for ``a``; sub-blocks are separated by ndim-1 newlines."""
    if a.ndim == 0:
        return fmt(a.item())
    if a.ndim == 1:
        return _row(a, indent, summarize, fmt, opts)
    n, edge = a.shape[0], opts.edgeitems
    if summarize and n > 2 * edge:
        head = [_body(a[i], indent + 1, summarize, fmt, opts) for i in range(edge)]
        tail = [_body(a[i], indent + 1, summarize, fmt, opts) for i in range(n - edge, n)]
        parts = head + ["..."] + tail
    else:
        parts = [_body(a[i], indent + 1, summarize, fmt, opts) for i in range(n)]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(parts) + "]"


def _join_suffixes(text: str, suffixes, indent: int, linewidth: int) -> str:
    """Appends ``, suffix`` or, when the line would pass linewidth, a new line."""
    # PyTorch counts the last line as two characters longer than it is.
    last = len(text) - text.rfind("\n") + 1
    out = [text]
    for s in suffixes:
        if last + len(s) + 2 > linewidth:
            out.append(",\n" + " " * indent + s)
            last = indent + len(s)
        else:
            out.append(", " + s)
            last += len(s) + 2
    out.append(")")
    return "".join(out)


def format_tensor(
    values,
    dtype_name: str | None = None,
    suffixes=(),
    *,
    default_dtype: str = "float32",
    opts: PrintOptions | None = None,
) -> str:
    """``repr`` of a torch tensor holding ``values``.

    ``dtype_name`` is the torch dtype without ``torch.`` (default: taken from
    ``values``); ``suffixes`` are appended after ``size=``/``dtype=``, e.g.
    ``["grad_fn=<AddBackward0>"]`` or ``["requires_grad=True"]``.
    """
    opts = print_options if opts is None else opts
    a = np.asarray(values)
    if a.dtype.kind == "c":
        raise NotImplementedError("complex tensors are not supported by format_tensor")
    if dtype_name is None:
        dtype_name = torch_dtype_name(a.dtype)
    if a.dtype == np.float16:
        a = a.astype(np.float32)
    indent = len(_PREFIX)
    head = []
    if a.size == 0:
        if a.ndim != 1:
            head.append(f"size={tuple(a.shape)}")
        if dtype_name != default_dtype:
            head.append(f"dtype=torch.{dtype_name}")
        body = "[]"
    else:
        if opts.edgeitems == 0:
            head.append(f"size={tuple(a.shape)}")
        if dtype_name not in (default_dtype, *_IMPLICIT_DTYPES):
            head.append(f"dtype=torch.{dtype_name}")
        summarize = a.size > opts.threshold
        sample = _edge_sample(a, opts.edgeitems) if summarize else a
        fmt = _ElementFormatter(sample, opts)
        body = _body(a, indent, summarize, fmt, opts)
    return _join_suffixes(_PREFIX + body, [*head, *suffixes], indent, opts.linewidth)
