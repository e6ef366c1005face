"""Functional index updates, jax.numpy's `x.at[idx].set(v)` / add / subtract / multiply / divide /
power / min / max / apply / get, for traced values (installed on Tracer by _operators).

The index is any numpy index (ints, slices, None, Ellipsis, integer arrays, concrete boolean
masks). Repeated indices accumulate for add/subtract/multiply/min/max (numpy's ufunc.at), and the
last update wins for set. Out-of-bounds indices follow jax: `get` clamps them by default
(mode='clip'; 'fill' gives fill_value, NaN for floats), updates drop them (mode='drop');
'promise_in_bounds' skips the checks (an index outside raises, as numpy). Negative indices count
from the end, as numpy.

Imports: _core, lax, numpy._promote, numpy.indexing.
"""
import numpy as np

from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad._lax import scatter as _scatter
from fungrad.numpy._promote import asarray, cast
from fungrad.numpy.indexing import _fill_for, parse_index

__all__ = []


def _axes_of(spec):
    """The operand axis each spec entry indexes (None for newaxis)."""
    out, d = [], 0
    for s in spec:
        if s is None:
            out.append(None)
        else:
            out.append(d)
            d += 1
    return out


def _in_bounds(idx, n):
    c = idx if isinstance(idx, np.ndarray) else None
    return c is not None and (c.size == 0 or (c.min() >= -n and c.max() < n))


def _prepare(x, index, mode, for_update, fill=0):
    """(x, spec, arrays, padded_axes): the index normalized for `mode`. Entries outside the bounds
    are sent to an extra slot appended to their axis (padded_axes), which `get` fills and updates
    cut off again. Returns None when an update hits a static out-of-bounds int (a no-op)."""
    shape = get_aval(x).shape
    spec, arrays = parse_index(index, len(shape))
    spec = list(spec)
    arrays = list(arrays)
    mode = mode or ("drop" if for_update else "clip")
    if mode not in ("clip", "fill", "drop", "promise_in_bounds"):
        raise ValueError(f"invalid mode {mode!r}: use 'promise_in_bounds', 'clip', 'fill' or "
                         "'drop'")
    if mode == "promise_in_bounds":
        return x, tuple(spec), arrays, ()
    padded = []
    k = 0
    for pos, (s, ax) in enumerate(zip(spec, _axes_of(spec))):
        if s == "array":
            n = shape[ax]
            idx = asarray(arrays[k])
            if not _in_bounds(idx, n):
                dt = get_aval(idx).dtype
                nn = np.asarray(n, dt)
                wrapped = lax.select(lax.lt(idx, np.zeros((), dt)), lax.add(idx, nn), idx)
                if mode == "clip":
                    idx = lax.min(lax.max(wrapped, np.zeros((), dt)), np.asarray(max(n - 1, 0), dt))
                else:
                    ok = lax.bitwise_and(lax.ge(wrapped, np.zeros((), dt)), lax.lt(wrapped, nn))
                    idx = lax.select(ok, wrapped, nn)
                    padded.append(ax)
            arrays[k] = idx
            k += 1
        elif type(s) is int:
            n = shape[ax]
            if -n <= s < n:
                continue
            if mode == "clip":
                spec[pos] = min(max(s + n if s < 0 else s, 0), n - 1)
            elif for_update:
                return None
            else:  # fill: index the extra slot
                spec[pos] = n
                padded.append(ax)
    padded = tuple(sorted(set(padded)))
    if padded:
        for ax in padded:
            side = list(get_aval(x).shape)
            side[ax] = 1
            x = lax.concatenate([x, lax.broadcast_to(cast(asarray(fill), get_aval(x).dtype),
                                                     tuple(side))], ax)
    return x, tuple(spec), arrays, padded


def _unpad(x, padded):
    for ax in padded:
        n = get_aval(x).shape[ax] - 1
        x = lax.getitem(x, (lax.FULL,) * ax + (("slice", 0, n, None),))
    return x


def _fit_values(values, x, spec, arrays):
    """Updates in x's dtype, with surplus leading size-1 axes dropped (numpy's assignment)."""
    v = cast(asarray(values), get_aval(x).dtype)
    from fungrad._lax.indexing import _getitem_abstract
    region = _getitem_abstract(get_aval(x), *[get_aval(a) for a in arrays], spec=spec).shape
    shape = get_aval(v).shape
    while len(shape) > len(region) and shape[0] == 1:
        shape = shape[1:]
    if shape != get_aval(v).shape:
        v = lax.reshape(v, shape)
    return v


class _IndexUpdateRef:
    """`x.at[index]`: the update methods return new arrays; x is unchanged."""

    __slots__ = ("array", "index")

    def __init__(self, array, index):
        self.array = array
        self.index = index

    def __repr__(self):
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"

    def get(self, *, indices_are_sorted=False, unique_indices=False, mode=None, fill_value=None,
            out_sharding=None):
        """x[index], with out-of-bounds indices clamped (mode='clip', the default) or given
        fill_value (mode='fill')."""
        x = asarray(self.array)
        fill = _fill_for(get_aval(x).dtype, fill_value) if mode == "fill" else 0
        xp, spec, arrays, _ = _prepare(x, self.index, mode, False, fill)
        if not arrays and all(s == lax.FULL for s in spec):
            return xp
        return lax.getitem(xp, spec, arrays)

    def _update(self, prim_fn, values, mode):
        x = asarray(self.array)
        prepared = _prepare(x, self.index, mode, True)
        if prepared is None:
            return x
        xp, spec, arrays, padded = prepared
        v = _fit_values(values, xp, spec, arrays)
        return _unpad(prim_fn(xp, v, spec, arrays), padded)

    def set(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """x with x[index] = values (the last of repeated indices wins)."""
        return self._update(_scatter.scatter, values, mode)

    def add(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """x with values added at index (repeated indices accumulate)."""
        return self._update(lax.scatter_add, values, mode)

    def subtract(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        from fungrad.numpy.ufuncs import negative
        return self._update(lax.scatter_add, negative(cast(asarray(values),
                                                           get_aval(asarray(self.array)).dtype)),
                            mode)

    def multiply(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """x with entries at index multiplied by values (repeated indices multiply)."""
        return self._update(_scatter.scatter_mul, values, mode)

    mul = multiply

    def _factor(self, values, mode):
        x = asarray(self.array)
        ones = lax.broadcast_to(np.ones((), get_aval(x).dtype), get_aval(x).shape)
        return _IndexUpdateRef(ones, self.index)._update(_scatter.scatter_mul, values, mode)

    def divide(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """x with entries at index divided by values (as jax: x / the product of the updates)."""
        from fungrad.numpy.ufuncs import divide
        return divide(self.array, self._factor(values, mode))

    def power(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        from fungrad.numpy.ufuncs import power
        return power(self.array, self._factor(values, mode))

    def min(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """x with entries at index replaced by their minimum with values."""
        return self._update(_scatter.scatter_min, values, mode)

    def max(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._update(_scatter.scatter_max, values, mode)

    def apply(self, func, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """x with x[index] = func(x[index])."""
        return self.set(func(self.get(mode="clip" if mode is None else mode)), mode=mode)


class _IndexUpdateHelper:
    """The `.at` property of a traced value: `x.at[index]` gives the update methods."""

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __getitem__(self, index):
        return _IndexUpdateRef(self.array, index)

    def __repr__(self):
        return f"_IndexUpdateHelper({self.array!r})"


def at(x):
    return _IndexUpdateHelper(x)
