"""Windows: window_patches (im2col) and its transpose (col2im), and on them the convolutions
(conv_general_dilated, conv, conv_transpose) and reduce_window (sum / max / min pooling).

`window_patches(x)` gathers, for every output position of a sliding window over `axes` (with
strides, padding, base (lhs) and window (rhs) dilation), the window's elements, laid out as x's
axes (windowed ones replaced by their output sizes) followed by the window axes. It is linear;
its transpose scatters windows back (col2im), and col2im's transpose is window_patches again, so
the pair is closed under transposition, JVP and batching.

conv_general_dilated is then a composition: patches of the input in (N, spatial..., C) layout,
contracted with the kernel by one dot_general (one BLAS matmul: im2col + GEMM). Its JVP, both
transposes (the input gradient is a GEMM followed by col2im, the kernel gradient a GEMM with the
patches) and its batching come from these two primitives and dot_general, so they need no
hand-written convolution-transpose rules. reduce_window reduces the patches over the window axes
(reduce_sum / reduce_max / reduce_min; ties in max pooling share the gradient equally, as
fungrad's reduce_max does).

Imports: _core, lax.shape, lax.arith, lax.linalg, lax.reductions.
"""
from __future__ import annotations

import collections

import numpy as np
from numpy.lib.stride_tricks import as_strided

from fungrad._core.aval import shaped
from fungrad._core.errors import ShapeError
from fungrad._core.primitive import CallImpl, Primitive, register
from fungrad._core.trace import get_aval
from fungrad._lax import _args
from fungrad._lax.arith import convert_element_type
from fungrad._lax.linalg import dot_general
from fungrad._lax.shape import jvp_linear, moveaxis, reduce_sum, reshape, transpose
from typing import Any, Sequence

from fungrad._core.typing import Array, ArrayLike, DTypeLike, Shape


# ---- geometry
def _dilated(n, d):
    return 0 if n == 0 else (n - 1) * d + 1


def _out_size(n, k, s, lo, hi, bd, wd):
    padded = _dilated(n, bd) + lo + hi
    keff = _dilated(k, wd)
    return max(0, (padded - keff) // s + 1) if padded >= keff else 0


def _out_shape(in_shape, axes, window, strides, padding, base_dilation, window_dilation):
    shape = list(in_shape)
    for a, k, s, (lo, hi), bd, wd in zip(axes, window, strides, padding, base_dilation,
                                         window_dilation):
        shape[a] = _out_size(in_shape[a], k, s, lo, hi, bd, wd)
    return tuple(shape) + tuple(window)


def _source(in_shape, axes, padding, base_dilation):
    """Shape of the dilated, padded array the windows are read from, and for each windowed axis
    (positive pad lo, crop lo): the source index 0 is padded-index `crop_lo`."""
    shape = list(in_shape)
    for a, (lo, hi), bd in zip(axes, padding, base_dilation):
        shape[a] = _dilated(in_shape[a], bd) + lo + hi
    return tuple(shape)


def _patches_impl(x, *, axes, window, strides, padding, base_dilation, window_dilation):
    x = np.asarray(x)
    nd = x.ndim
    if any(d > 1 for d in base_dilation):
        shape = list(x.shape)
        idx = [slice(None)] * nd
        for a, d in zip(axes, base_dilation):
            shape[a] = _dilated(shape[a], d)
            idx[a] = slice(None, None, d)
        y = np.zeros(shape, x.dtype)
        y[tuple(idx)] = x
        x = y
    pads = [(0, 0)] * nd
    crop = [slice(None)] * nd
    for a, (lo, hi) in zip(axes, padding):
        pads[a] = (max(lo, 0), max(hi, 0))
        n = x.shape[a] + max(lo, 0) + max(hi, 0)
        crop[a] = slice(max(-lo, 0), n - max(-hi, 0))
    if any(p != (0, 0) for p in pads):
        x = np.pad(x, pads)
    x = x[tuple(crop)]
    out = _out_shape(x.shape, axes, window, strides, ((0, 0),) * len(axes),
                     (1,) * len(axes), window_dilation)
    st = list(x.strides)
    for a, s in zip(axes, strides):
        st[a] = x.strides[a] * s
    st += [x.strides[a] * wd for a, wd in zip(axes, window_dilation)]
    return np.ascontiguousarray(as_strided(x, out, st, writeable=False))


def _patches_t_impl(ct, *, in_shape, axes, window, strides, padding, base_dilation,
                    window_dilation):
    ct = np.asarray(ct)
    nd = len(in_shape)
    src = _source(in_shape, axes, padding, base_dilation)
    buf = np.zeros(src, ct.dtype)
    outs = ct.shape[:nd]
    for kidx in np.ndindex(*window):
        idx = [slice(None)] * nd
        for a, k, s, wd in zip(axes, kidx, strides, window_dilation):
            o = outs[a]
            idx[a] = slice(k * wd, k * wd + (o - 1) * s + 1 if o else k * wd, s)
        buf[tuple(idx)] += ct[(Ellipsis, *kidx)]
    # undo the padding (a negative pad cropped input elements: their cotangent is 0) and dilation
    full = list(in_shape)
    for a, bd in zip(axes, base_dilation):
        full[a] = _dilated(in_shape[a], bd)
    out = np.zeros(full, ct.dtype)
    dst = [slice(None)] * nd
    srcs = [slice(None)] * nd
    for a, (lo, hi) in zip(axes, padding):
        n = full[a]
        d0, d1 = max(-lo, 0), n - max(-hi, 0)  # region of the dilated input that was kept
        s0 = max(lo, 0)
        dst[a] = slice(d0, max(d0, d1))
        srcs[a] = slice(s0, s0 + max(0, d1 - d0))
    out[tuple(dst)] = buf[tuple(srcs)]
    idx = [slice(None)] * nd
    for a, bd in zip(axes, base_dilation):
        idx[a] = slice(None, None, bd)
    return np.ascontiguousarray(out[tuple(idx)])


def _check_params(name, ndim, axes, window, strides, padding, base_dilation, window_dilation):
    k = len(axes)
    if not all(len(p) == k for p in (window, strides, padding, base_dilation, window_dilation)):
        raise ShapeError(f"{name}: window parameters must each have one entry per windowed axis "
                         f"({k}), got window={window}, strides={strides}, padding={padding}")
    if any(not 0 <= a < ndim for a in axes) or len(set(axes)) != k:
        raise ShapeError(f"{name}: windowed axes {axes} are invalid for rank {ndim}")
    if any(s < 1 for s in strides) or any(d < 1 for d in (*base_dilation, *window_dilation)):
        raise ShapeError(f"{name}: strides and dilations must be >= 1, got strides={strides}, "
                         f"base_dilation={base_dilation}, window_dilation={window_dilation}")


def _patches_abstract(x, **p):
    _check_params("window_patches", x.ndim, **p)
    return shaped(_out_shape(x.shape, **p), x.dtype)


def _patches_t_abstract(ct, *, in_shape, **p):
    _check_params("window_patches_transpose", len(in_shape), **p)
    if ct.shape != _out_shape(in_shape, **p):
        raise ShapeError(f"window_patches_transpose: cotangent {ct.str_short()} does not match "
                         f"the patches shape {_out_shape(in_shape, **p)} of input {in_shape}")
    return shaped(tuple(in_shape), ct.dtype)


def _shift(p, by=1):
    return dict(p, axes=tuple(a + by for a in p["axes"]))


def _patches_batch(size, vals, dims, **p):
    x = moveaxis(vals[0], dims[0], 0)
    return window_patches_p.bind(x, **_shift(p)), 0


def _patches_t_batch(size, vals, dims, *, in_shape, **p):
    ct = moveaxis(vals[0], dims[0], 0)
    return window_patches_t_p.bind(ct, in_shape=(size, *in_shape), **_shift(p)), 0


window_patches_p = Primitive("window_patches")
window_patches_t_p = Primitive("window_patches_transpose")

register(window_patches_p, impl=_patches_impl, abstract_eval=_patches_abstract, jvp=jvp_linear,
         transpose=lambda ct, x, **p: [window_patches_t_p.bind(ct, in_shape=x.aval.shape, **p)],
         batch=_patches_batch, emit=CallImpl(fresh=True))
register(window_patches_t_p, impl=_patches_t_impl, abstract_eval=_patches_t_abstract,
         jvp=jvp_linear,
         transpose=lambda ct, x, *, in_shape, **p: [window_patches_p.bind(ct, **p)],
         batch=_patches_t_batch, emit=CallImpl(fresh=True))


def window_patches(x, axes, window, strides=None, padding=None, base_dilation=None,
                   window_dilation=None):
    k = len(axes)
    ones = (1,) * k
    return window_patches_p.bind(
        x, axes=tuple(int(a) for a in axes), window=tuple(int(w) for w in window),
        strides=tuple(int(s) for s in (strides or ones)),
        padding=tuple((int(lo), int(hi)) for lo, hi in (padding or ((0, 0),) * k)),
        base_dilation=tuple(int(d) for d in (base_dilation or ones)),
        window_dilation=tuple(int(d) for d in (window_dilation or ones)))


# ---- convolution
def padtype_to_pads(in_shape: Shape, window_shape: Shape, strides: Sequence[int],
                    padding: Any) -> tuple[tuple[int, int], ...]:
    """'SAME' / 'SAME_LOWER' / 'VALID' as explicit (lo, hi) pairs (XLA's rule: SAME gives
    ceil(n / stride) outputs, the extra padding at the end, or at the start for SAME_LOWER)."""
    if isinstance(padding, str):
        mode = padding.upper()
        if mode == "VALID":
            return tuple((0, 0) for _ in in_shape)
        if mode in ("SAME", "SAME_LOWER"):
            in_shape = _args.shape(in_shape, "in_shape", "padtype_to_pads")
            window_shape = _args.shape(window_shape, "window_shape", "padtype_to_pads")
            strides = _args.static_ints(strides, "strides", "padtype_to_pads")
            if any(st < 1 for st in strides):
                raise ValueError(f"lax.padtype_to_pads: strides {strides} must be >= 1")
            pads = []
            for n, k, s in zip(in_shape, window_shape, strides):
                out = -(-n // s)
                total = max((out - 1) * s + k - n, 0)
                lo = total // 2 if mode == "SAME" else total - total // 2
                pads.append((lo, total - lo))
            return tuple(pads)
        raise ValueError(f"padding must be 'SAME', 'SAME_LOWER', 'VALID' or a sequence of "
                         f"(low, high) pairs, got {padding!r}")
    return tuple(_args.pairs(padding, None, "padding", "padtype_to_pads"))


def _spec_perm(spec, kind):
    """(batch-or-out-feature, feature, spatial...) axis indices from a layout string or tuple."""
    if isinstance(spec, str):
        if kind == "rhs":
            first, second = spec.index("O"), spec.index("I")
        else:
            first, second = spec.index("N"), spec.index("C")
        spatial = [i for i, c in enumerate(spec) if i not in (first, second)]
        return (first, second, *spatial)
    return _args.static_ints(spec, "dimension_numbers", "conv")


ConvDimensionNumbers = collections.namedtuple("ConvDimensionNumbers",
                                              ["lhs_spec", "rhs_spec", "out_spec"])


def conv_dimension_numbers(lhs_shape: Shape | int, rhs_shape: Shape | int,
                           dimension_numbers: Any) -> Any:
    """ConvDimensionNumbers(lhs_spec, rhs_spec, out_spec), as JAX's: for lhs and out the axis of
    the batch, of the feature, then the spatial axes; for rhs the output-feature, input-feature,
    then spatial axes. lhs_shape / rhs_shape may be shapes or ranks."""
    lhs_ndim = lhs_shape if isinstance(lhs_shape, int) else len(
        _args.shape(lhs_shape, "lhs_shape", "conv_dimension_numbers"))
    rhs_ndim = rhs_shape if isinstance(rhs_shape, int) else len(
        _args.shape(rhs_shape, "rhs_shape", "conv_dimension_numbers"))
    return ConvDimensionNumbers(*_conv_perms(lhs_ndim, rhs_ndim, dimension_numbers))


def _conv_perms(lhs_ndim, rhs_ndim, dimension_numbers):
    if dimension_numbers is None:
        default = tuple(range(lhs_ndim))
        return default, tuple(range(rhs_ndim)), default
    if hasattr(dimension_numbers, "lhs_spec"):
        dimension_numbers = (dimension_numbers.lhs_spec, dimension_numbers.rhs_spec,
                             dimension_numbers.out_spec)
    if isinstance(dimension_numbers, (str, bytes, dict)) or not isinstance(
            dimension_numbers, (tuple, list)) or len(dimension_numbers) != 3:
        raise TypeError(f"conv: dimension_numbers must be None, a ConvDimensionNumbers or a "
                        f"(lhs, rhs, out) triple of layout strings such as ('NCHW', 'OIHW', "
                        f"'NCHW'), got {_args.describe(dimension_numbers)}")
    lhs, rhs, out = dimension_numbers
    if isinstance(lhs, str) and isinstance(rhs, str) and isinstance(out, str):
        if len(lhs) != lhs_ndim or len(rhs) != rhs_ndim or len(out) != lhs_ndim:
            raise ShapeError(f"conv: dimension_numbers {dimension_numbers} do not match operand "
                             f"ranks {lhs_ndim} and {rhs_ndim}")
        # spatial axes are matched by letter and ordered as in the rhs spec (as JAX/XLA), so
        # window_strides[i], padding[i] refer to the i-th spatial letter of rhs
        perms = []
        for spec, (first, second) in zip((lhs, rhs, out), (("N", "C"), ("O", "I"), ("N", "C"))):
            if first not in spec or second not in spec:
                raise ValueError(f"conv: spec {spec!r} must contain {first!r} and {second!r}")
            sp = sorted((i for i, c in enumerate(spec) if c not in (first, second)),
                        key=lambda i: rhs.index(spec[i]))
            perms.append((spec.index(first), spec.index(second), *sp))
        return tuple(perms)
    return _spec_perm(lhs, "lhs"), _spec_perm(rhs, "rhs"), _spec_perm(out, "lhs")


def conv_general_dilated(lhs: ArrayLike, rhs: ArrayLike, window_strides: Sequence[int],
                         padding: Any, lhs_dilation: Sequence[int] | None = None,
                         rhs_dilation: Sequence[int] | None = None, dimension_numbers: Any = None,
                         feature_group_count: int = 1, batch_group_count: int = 1,
                         precision: Any = None,
                         preferred_element_type: DTypeLike | None = None) -> Array:
    """XLA's ConvGeneralDilated (a cross-correlation, as in JAX): lhs (N, C, spatial...) and rhs
    (O, I, spatial...) in the layouts `dimension_numbers` names (default NC..., OI..., NC...).
    padding: 'SAME', 'SAME_LOWER', 'VALID' or (low, high) per spatial axis (negative crops);
    lhs_dilation is transposed-convolution striding, rhs_dilation atrous convolution;
    feature_group_count splits the input features into groups (depthwise when equal to C),
    batch_group_count the batch (the kernel-gradient of grouped convolutions)."""
    la, ra = get_aval(lhs), get_aval(rhs)
    if la.ndim != ra.ndim or la.ndim < 2:
        raise ShapeError(f"conv_general_dilated: lhs and rhs must have one rank >= 2, got lhs "
                         f"{la.str_short()} and rhs {ra.str_short()}")
    if la.dtype != ra.dtype:
        rd = np.result_type(la.dtype, ra.dtype)
        lhs, rhs = convert_element_type(lhs, rd), convert_element_type(rhs, rd)
    lp, rp, op = _conv_perms(la.ndim, ra.ndim, dimension_numbers)
    nsp = la.ndim - 2
    x = transpose(lhs, (lp[0], *lp[2:], lp[1]))          # (N, spatial..., C)
    w = transpose(rhs, rp)                               # (O, I, spatial...)
    n, *sp, c = get_aval(x).shape
    o, i, *ks = get_aval(w).shape
    strides = tuple(window_strides) if window_strides is not None else (1,) * nsp
    ld = tuple(lhs_dilation) if lhs_dilation is not None else (1,) * nsp
    rd_ = tuple(rhs_dilation) if rhs_dilation is not None else (1,) * nsp
    if isinstance(padding, str):
        if any(d != 1 for d in ld):
            raise ValueError("conv_general_dilated: string padding is not supported with "
                             "lhs_dilation (as JAX); give explicit (low, high) pairs")
        padding = padtype_to_pads(sp, [_dilated(k, d) for k, d in zip(ks, rd_)], strides, padding)
    else:
        padding = padtype_to_pads(sp, ks, strides, padding)
    g, b = int(feature_group_count), int(batch_group_count)
    if g < 1 or b < 1 or (g > 1 and b > 1):
        raise ValueError(f"conv_general_dilated: feature_group_count={g} and batch_group_count={b}"
                         " must be >= 1 and not both > 1")
    if c != i * g or o % g:
        raise ShapeError(f"conv_general_dilated: lhs has {c} input features, rhs expects {i} per "
                         f"group x feature_group_count={g} (and {o} output features must divide "
                         f"by it); got lhs {la.str_short()}, rhs {ra.str_short()}")
    if n % b or o % b:
        raise ShapeError(f"conv_general_dilated: batch {n} and output features {o} must divide by "
                         f"batch_group_count={b}")
    if len(padding) != nsp or len(strides) != nsp:
        raise ShapeError(f"conv_general_dilated: need one stride and padding pair per spatial axis "
                         f"({nsp}), got strides={strides}, padding={padding}")
    pt = window_patches(x, tuple(range(1, nsp + 1)), ks, strides, padding, ld, rd_)
    osp = get_aval(pt).shape[1:1 + nsp]                  # (N, out_sp..., C, k...)
    if g == 1 and b == 1:
        dn = (((nsp + 1, *range(nsp + 2, 2 * nsp + 2)), (1, *range(2, nsp + 2))), ((), ()))
        out = dot_general(pt, w, dn)                     # (N, out_sp..., O)
        out = transpose(out, (0, nsp + 1, *range(1, nsp + 1)))
    elif g > 1:
        pt = reshape(pt, (n, *osp, g, c // g, *ks))
        w = reshape(w, (g, o // g, i, *ks))
        lc = (nsp + 2, *range(nsp + 3, 2 * nsp + 3))
        dn = ((lc, (2, *range(3, nsp + 3))), ((nsp + 1,), (0,)))
        out = dot_general(pt, w, dn)                     # (G, N, out_sp..., O/G)
        out = transpose(out, (1, 0, nsp + 2, *range(2, nsp + 2)))
        out = reshape(out, (n, o, *osp))
    else:
        pt = reshape(pt, (b, n // b, *osp, c, *ks))
        w = reshape(w, (b, o // b, i, *ks))
        lc = (nsp + 2, *range(nsp + 3, 2 * nsp + 3))
        dn = ((lc, (2, *range(3, nsp + 3))), ((0,), (0,)))
        out = dot_general(pt, w, dn)                     # (B, N/B, out_sp..., O/B)
        out = transpose(out, (1, 0, nsp + 2, *range(2, nsp + 2)))
        out = reshape(out, (n // b, o, *osp))
    # (N, O, spatial...) -> the out layout
    return transpose(out, tuple(np.argsort(op)))


def conv(lhs: ArrayLike, rhs: ArrayLike, window_strides: Sequence[int], padding: Any,
         precision: Any = None, preferred_element_type: DTypeLike | None = None) -> Array:
    """conv_general_dilated with NC.../OI... layouts and no dilation."""
    return conv_general_dilated(lhs, rhs, window_strides, padding)


def conv_with_general_padding(lhs: ArrayLike, rhs: ArrayLike, window_strides: Sequence[int],
                              padding: Any, lhs_dilation: Sequence[int] | None,
                              rhs_dilation: Sequence[int] | None, precision: Any = None,
                              preferred_element_type: DTypeLike | None = None) -> Array:
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation)


def _conv_transpose_padding(k, s, padding):
    if padding == "SAME":
        pad_len = k + s - 2
        lo = k - 1 if s > k - 1 else -(-pad_len // 2)
    elif padding == "VALID":
        pad_len = k + s - 2 + max(k - s, 0)
        lo = k - 1
    else:
        raise ValueError(f"conv_transpose: padding must be 'SAME', 'VALID' or explicit pairs, "
                         f"got {padding!r}")
    return lo, pad_len - lo


def conv_transpose(lhs: ArrayLike, rhs: ArrayLike, strides: Sequence[int], padding: Any,
                   rhs_dilation: Sequence[int] | None = None, dimension_numbers: Any = None,
                   transpose_kernel: bool = False, precision: Any = None,
                   preferred_element_type: DTypeLike | None = None) -> Array:
    """Transposed convolution (the gradient of a strided convolution, as JAX's
    lax.conv_transpose): conv_general_dilated with lhs_dilation=strides. transpose_kernel=True
    flips the spatial axes of the kernel and swaps its input/output features."""
    la, ra = get_aval(lhs), get_aval(rhs)
    nsp = la.ndim - 2
    if dimension_numbers is None:
        dimension_numbers = {1: ("NHC", "HIO", "NHC"), 2: ("NHWC", "HWIO", "NHWC"),
                             3: ("NHWDC", "HWDIO", "NHWDC")}.get(nsp)
        if dimension_numbers is None:
            raise ValueError("conv_transpose: give dimension_numbers for this rank")
    lp, rp, _ = _conv_perms(la.ndim, ra.ndim, dimension_numbers)
    ks = [ra.shape[a] for a in rp[2:]]
    rd = tuple(rhs_dilation) if rhs_dilation is not None else (1,) * nsp
    keff = [_dilated(k, d) for k, d in zip(ks, rd)]
    if isinstance(padding, str):
        pads = tuple(_conv_transpose_padding(k, s, padding) for k, s in zip(keff, strides))
    else:
        pads = tuple(padding)
    if transpose_kernel:
        from fungrad._lax.indexing import getitem
        spec = [("slice", None, None, None)] * ra.ndim
        for a in rp[2:]:
            spec[a] = ("slice", None, None, -1)
        rhs = getitem(rhs, tuple(spec), [])
        perm = list(range(ra.ndim))
        perm[rp[0]], perm[rp[1]] = perm[rp[1]], perm[rp[0]]
        rhs = transpose(rhs, perm)
    return conv_general_dilated(lhs, rhs, (1,) * nsp, pads, lhs_dilation=tuple(strides),
                                rhs_dilation=rd, dimension_numbers=dimension_numbers)


# ---- reduce_window
def _reducer_name(computation):
    from fungrad._lax import arith, math
    if isinstance(computation, str):
        name = computation
    elif computation in (arith.add, np.add):
        name = "sum"
    elif computation in (math.max, np.maximum):
        name = "max"
    elif computation in (math.min, np.minimum):
        name = "min"
    else:
        name = getattr(computation, "__name__", repr(computation))
    name = {"add": "sum", "maximum": "max", "minimum": "min"}.get(name, name)
    if name not in ("sum", "max", "min"):
        raise NotImplementedError(f"reduce_window: computation {computation!r} is not supported; "
                                  "use lax.add, lax.max or lax.min (or 'sum', 'max', 'min')")
    return name


def reduce_window(operand: ArrayLike, init_value: ArrayLike, computation: Any,
                  window_dimensions: Sequence[int], window_strides: Sequence[int], padding: Any,
                  base_dilation: Sequence[int] | None = None,
                  window_dilation: Sequence[int] | None = None) -> Array:
    """Reduce every window of `operand` with `computation` (lax.add / lax.max / lax.min),
    starting from `init_value` (padding and dilation holes count as init_value, as XLA)."""
    from fungrad._lax import arith, math, reductions
    name = _reducer_name(computation)
    aval = get_aval(operand)
    nd = aval.ndim
    window_dimensions = tuple(int(w) for w in window_dimensions)
    strides = tuple(int(s) for s in window_strides) if window_strides is not None else (1,) * nd
    bd = tuple(base_dilation) if base_dilation is not None else (1,) * nd
    wd = tuple(window_dilation) if window_dilation is not None else (1,) * nd
    if len(window_dimensions) != nd or len(strides) != nd:
        raise ShapeError(f"reduce_window: window_dimensions and window_strides need one entry per "
                         f"axis of {aval.str_short()}, got {window_dimensions} and {strides}")
    if isinstance(padding, str):
        padding = padtype_to_pads(aval.shape, [_dilated(k, d) for k, d in zip(
            window_dimensions, wd)], strides, padding)
    padding = tuple((int(lo), int(hi)) for lo, hi in padding)
    axes = tuple(a for a in range(nd) if (window_dimensions[a], strides[a], padding[a], bd[a],
                                          wd[a]) != (1, 1, (0, 0), 1, 1))
    init = np.asarray(init_value, aval.dtype)
    if not axes:  # every window is one element
        return {"sum": arith.add, "max": math.max, "min": math.min}[name](operand, init)
    sel = [list(x) for x in zip(*[(window_dimensions[a], strides[a], padding[a], bd[a], wd[a])
                                  for a in axes])]
    args = dict(axes=axes, window=tuple(sel[0]), strides=tuple(sel[1]), padding=tuple(sel[2]),
                base_dilation=tuple(sel[3]), window_dilation=tuple(sel[4]))
    pt = window_patches(operand, **args)
    waxes = tuple(range(nd, nd + len(axes)))
    holes = any(lo > 0 or hi > 0 for lo, hi in args["padding"]) or any(d > 1 for d in
                                                                       args["base_dilation"])
    if name == "sum":
        out = reduce_sum(pt, waxes)
        return out if not init.any() else arith.add(out, init)
    if holes:  # padded positions and dilation holes hold init_value, not 0
        valid = _patches_impl(np.ones(aval.shape, bool), **args)
        pt = arith.select(valid, pt, np.broadcast_to(init, get_aval(pt).shape))
    red = reductions.reduce_max if name == "max" else reductions.reduce_min
    out = red(pt, waxes)
    if name == "max" and not (np.isneginf(init) if init.dtype.kind == "f" else
                              init == np.iinfo(init.dtype).min if init.dtype.kind in "iu" else
                              not init):
        out = math.max(out, init)
    if name == "min" and not (np.isposinf(init) if init.dtype.kind == "f" else
                              init == np.iinfo(init.dtype).max if init.dtype.kind in "iu" else
                              init):
        out = math.min(out, init)
    return out
