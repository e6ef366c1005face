"""Shape manipulation of the numpy API: reshape, transpose, stack, split and friends.

Imports: _core, lax, numpy._promote, numpy.reductions.
"""
import numpy as np

from fungrad._core.errors import ShapeError
from fungrad._core.trace import get_aval
from fungrad import _lax as lax
from fungrad.numpy._promote import asarray, promote
from fungrad.numpy.reductions import normalize_axes


def shape(a):
    return get_aval(asarray(a)).shape


def ndim(a):
    return get_aval(asarray(a)).ndim


def size(a):
    return get_aval(asarray(a)).size


def reshape(a, newshape, order="C"):
    """Reshape to `newshape`; one entry may be -1 (inferred)."""
    if order != "C":
        raise NotImplementedError("reshape supports order='C' only")
    x = asarray(a)
    aval = get_aval(x)
    newshape = (newshape,) if isinstance(newshape, (int, np.integer)) else tuple(newshape)
    if newshape.count(-1) > 1:
        raise ValueError("can only specify one unknown dimension (-1) in reshape")
    if -1 in newshape:
        known = 1
        for d in newshape:
            known *= d if d != -1 else 1
        if known == 0 or aval.size % known:
            raise ShapeError(f"cannot reshape {aval.str_short()} into shape {newshape}")
        newshape = tuple(aval.size // known if d == -1 else d for d in newshape)
    return lax.reshape(x, newshape)


def ravel(a):
    return reshape(a, (-1,))


def transpose(a, axes=None):
    """Permute axes (reverse them when axes is None)."""
    x = asarray(a)
    n = get_aval(x).ndim
    if axes is None:
        perm = tuple(range(n))[::-1]
    else:
        perm = tuple(int(p) % n if n else int(p) for p in axes)
        if sorted(perm) != list(range(n)):
            raise ValueError(f"axes {axes!r} don't match array of rank {n}")
    return lax.transpose(x, perm)


def swapaxes(a, axis1, axis2):
    x = asarray(a)
    n = get_aval(x).ndim
    a1, a2 = normalize_axes(axis1, n)[0], normalize_axes(axis2, n)[0]
    perm = list(range(n))
    perm[a1], perm[a2] = perm[a2], perm[a1]
    return lax.transpose(x, perm)


def moveaxis(a, source, destination):
    x = asarray(a)
    n = get_aval(x).ndim
    src = [normalize_axes(s, n)[0] for s in ((source,) if isinstance(source, int) else source)]
    dst = [normalize_axes(d, n)[0] for d in
           ((destination,) if isinstance(destination, int) else destination)]
    if len(src) != len(dst):
        raise ValueError("moveaxis: source and destination must have the same number of axes")
    order = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return lax.transpose(x, order)


def expand_dims(a, axis):
    x = asarray(a)
    aval = get_aval(x)
    axes = normalize_axes(axis, aval.ndim + (1 if isinstance(axis, int) else len(axis)))
    shape = list(aval.shape)
    for ax in axes:
        shape.insert(ax, 1)
    return lax.reshape(x, shape)


def squeeze(a, axis=None):
    x = asarray(a)
    aval = get_aval(x)
    if axis is None:
        axes = tuple(i for i, d in enumerate(aval.shape) if d == 1)
    else:
        axes = normalize_axes(axis, aval.ndim)
        for ax in axes:
            if aval.shape[ax] != 1:
                raise ValueError(f"cannot select an axis to squeeze out which has size not equal "
                                 f"to one (axis {ax} of {aval.str_short()})")
    return lax.reshape(x, [d for i, d in enumerate(aval.shape) if i not in axes])


def broadcast_to(array, shape):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return lax.broadcast_to(asarray(array), shape)


def broadcast_arrays(*args):
    args = [asarray(a) for a in args]
    shape = np.broadcast_shapes(*[get_aval(a).shape for a in args])
    return [lax.broadcast_to(a, shape) for a in args]


def atleast_1d(a):
    x = asarray(a)
    return reshape(x, (1,)) if get_aval(x).ndim == 0 else x


def atleast_2d(a):
    x = asarray(a)
    n = get_aval(x).ndim
    return x if n >= 2 else reshape(x, (1,) * (2 - n) + get_aval(x).shape)


def concatenate(arrays, axis=0):
    """Join arrays along an existing axis (axis=None: flatten them first)."""
    arrays = promote(*[asarray(a) for a in arrays])
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    n = get_aval(arrays[0]).ndim
    if n == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    ax = normalize_axes(axis, n)[0]
    if len(arrays) == 1:
        return arrays[0]
    return lax.concatenate(arrays, ax)


def stack(arrays, axis=0):
    """Join arrays along a new axis."""
    arrays = [asarray(a) for a in arrays]
    if not arrays:
        raise ValueError("need at least one array to stack")
    shapes = {get_aval(a).shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    ax = normalize_axes(axis, get_aval(arrays[0]).ndim + 1)[0]
    return concatenate([expand_dims(a, ax) for a in arrays], ax)


def hstack(arrays):
    arrays = [atleast_1d(a) for a in arrays]
    return concatenate(arrays, 0 if get_aval(arrays[0]).ndim == 1 else 1)


def vstack(arrays):
    return concatenate([atleast_2d(a) for a in arrays], 0)


def split(ary, indices_or_sections, axis=0):
    """Split into equal sections (an int) or at the given indices, along `axis`."""
    x = asarray(ary)
    aval = get_aval(x)
    ax = normalize_axes(axis, aval.ndim)[0]
    n = aval.shape[ax]
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if k <= 0 or n % k:
            raise ValueError("array split does not result in an equal division")
        bounds = [i * (n // k) for i in range(k + 1)]
    else:
        bounds = [0, *[int(i) for i in indices_or_sections], n]
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        spec = (lax.FULL,) * ax + (("slice", lo, hi, None),)
        out.append(lax.getitem(x, spec))
    return out


def array_split(ary, sections, axis=0):
    n = get_aval(asarray(ary)).shape[axis]
    q, r = divmod(n, sections)
    sizes = [q + 1] * r + [q] * (sections - r)
    return split(ary, np.cumsum(sizes)[:-1].tolist(), axis)


def flip(m, axis=None):
    x = asarray(m)
    aval = get_aval(x)
    axes = normalize_axes(axis, aval.ndim)
    spec = tuple(("slice", None, None, -1) if i in axes else lax.FULL for i in range(aval.ndim))
    return lax.getitem(x, spec)


def tile(a, reps):
    x = asarray(a)
    reps = (reps,) if isinstance(reps, int) else tuple(reps)
    aval = get_aval(x)
    nd = max(len(reps), aval.ndim)
    shape = (1,) * (nd - aval.ndim) + aval.shape
    reps = (1,) * (nd - len(reps)) + reps
    x = lax.reshape(x, [v for d in shape for v in (1, d)])
    x = lax.broadcast_to(x, [v for r, d in zip(reps, shape) for v in (r, d)])
    return lax.reshape(x, [r * d for r, d in zip(reps, shape)])


def repeat(a, repeats, axis=None):
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    aval = get_aval(x)
    ax = normalize_axes(axis, aval.ndim)[0]
    if not isinstance(repeats, int):
        raise NotImplementedError("repeat supports an integer number of repeats")
    shape = aval.shape
    x = lax.reshape(x, shape[:ax + 1] + (1,) + shape[ax + 1:])
    x = lax.broadcast_to(x, shape[:ax + 1] + (repeats,) + shape[ax + 1:])
    return lax.reshape(x, shape[:ax] + (shape[ax] * repeats,) + shape[ax + 1:])
