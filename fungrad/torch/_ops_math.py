"""Arithmetic, elementwise math and matrix products as Tensor ops (operators, methods, functions).

Each op is ``apply(name, fn, operands)`` with ``fn`` written with fungrad.numpy / fungrad._lax, after
torch's dtype promotion.
"""
import math

import numpy as np

import fungrad.numpy as fnp
from fungrad import custom_jvp, lax
from fungrad.extend import Tracer
from fungrad.torch._grad_mode import GRAD
from fungrad.torch._record import apply, static_op
from fungrad.torch._tensor import Tensor, _new
from fungrad.torch._dtype import _TYPE_NAMES
from fungrad.torch._util import F32, cast, common, int_division, kept, refuse, scalar_name, val

__all__ = ["add", "sub", "mul", "div", "true_divide", "pow", "neg", "rsub", "matmul", "mm",
           "bmm", "mv", "dot", "outer", "exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt",
           "abs", "relu", "clamp", "clip", "square", "rsqrt", "log1p", "expm1", "sign", "floor",
           "ceil", "round", "reciprocal", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge",
           "where", "tan", "sinh", "cosh", "atan", "asin", "acos", "log2", "log10", "floor_divide",
           "remainder", "logical_not", "logical_and", "logical_or", "isnan", "isfinite",
           "allclose", "equal", "erf"]


def _bin(name, f, inexact=False):
    fns = {}  # result dtype -> the op's function (made once: static_op)

    def op(a, b):
        dt = common(a, b, inexact=inexact)
        g = fns.get(dt)
        if g is None:
            g = fns[dt] = static_op(lambda x, y: f(cast(x, dt), cast(y, dt)))
        return apply(name, g, [a, b])
    return op


_add = _bin("AddBackward0", fnp.add)
_sub = _bin("SubBackward0", fnp.subtract)
mul = _bin("MulBackward0", fnp.multiply)
div = true_divide = _bin("DivBackward0", fnp.divide, inexact=True)
_maximum = _bin("MaximumBackward0", fnp.maximum)
_minimum = _bin("MinimumBackward0", fnp.minimum)


def maximum(a, b):
    if common(a, b).kind == "c":
        raise RuntimeError("maximum not implemented for complex tensors.")
    return _maximum(a, b)


def minimum(a, b):
    if common(a, b).kind == "c":
        raise RuntimeError("minimum not implemented for complex tensors.")
    return _minimum(a, b)
atan2 = _bin("Atan2Backward0", fnp.arctan2, inexact=True)


def add(a, b, *, alpha=1):
    return _add(a, b if alpha == 1 else mul(b, alpha))


def _check_sub(a, b):
    """torch refuses ``-`` on bool tensors."""
    ba = isinstance(a, Tensor) and a._value.dtype == np.bool_
    bb = isinstance(b, Tensor) and b._value.dtype == np.bool_
    if ba and bb:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if ba or bb:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


def sub(a, b, *, alpha=1):
    _check_sub(a, b)
    return _sub(a, b if alpha == 1 else mul(b, alpha))


def rsub(a, b, alpha=1):
    """``b - a`` where ``b`` is a scalar (torch's RsubBackward1)."""
    _check_sub(a, b)
    dt = common(a, b)
    return apply("RsubBackward1", lambda x, y: fnp.subtract(cast(y, dt), cast(x, dt)), [a, b])


def _rdiv(a, b):
    """``b / a`` for a scalar b: torch records it as ``b * reciprocal(a)`` (MulBackward0)."""
    dt = common(a, b, inexact=True)
    return apply("MulBackward0", lambda x, y: fnp.divide(cast(y, dt), cast(x, dt)), [a, b])


def pow(a, b):
    if not (isinstance(a, Tensor) or isinstance(b, Tensor)):
        raise TypeError(f"pow() received an invalid combination of arguments - got "
                        f"({type(a).__name__}, {type(b).__name__}), but expected a Tensor as the "
                        f"base or the exponent")
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        dt = common(a, b)
        if dt.kind in "biu":
            _int_pow_check(dt, b)
        e = b
        r = apply("PowBackward0", lambda x: fnp.power(cast(x, dt), e), [a])
        if r.grad_fn is not None:
            r.grad_fn._extra = {"exponent": e}
        return r
    dt = common(a, b)
    name = "PowBackward1" if isinstance(a, Tensor) else "PowBackward2"
    if dt.kind in "biu":
        _int_pow_check(dt, b)
        return apply(name, lambda x, y: _int_pow(cast(x, dt), cast(y, dt)), [a, b])
    return apply(name, lambda x, y: _pow_safe(cast(x, dt), cast(y, dt)), [a, b])


def _int_pow_check(dt, e):
    """torch's refusals of an integer power: bool operands; a negative number as exponent."""
    if dt.kind == "b":
        raise refuse("pow", dt)
    if type(e) is int and e < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")


def _int_pow(x, y):
    """x ** y of integers as torch computes it: a negative exponent gives 1 for a base of 1,
    +-1 for -1 and 0 otherwise (numpy refuses negative integer powers)."""
    neg = y < 0
    p = fnp.power(x, fnp.where(neg, 0 * y, y))
    odd = (y % 2) != 0
    at_neg = fnp.where(x == 1, 1 + 0 * x, fnp.where(x == -1, fnp.where(odd, -1 + 0 * x, 1 + 0 * x),
                                                   0 * x))
    return fnp.where(neg, at_neg, p)


def _pow_safe(x, y):
    """x ** y with torch's zero gradient for the exponent where x == 0."""
    if type(x) in (int, float) or type(y) in (int, float):
        return fnp.power(x, y)
    zero = x == 0
    safe = fnp.where(zero, fnp.ones_like(x), x)
    return fnp.where(zero, fnp.power(x, lax.stop_gradient(y)), fnp.power(safe, y))


def neg(a):
    if a._value.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator "
                           "instead.")
    return apply("NegBackward0", fnp.negative, [a])


_BOOL = np.dtype(np.bool_)


def _un(name, f, inexact=True, no_bool=None):
    """A unary op (``inexact``: integer input computed as float32); ``no_bool``: torch's error
    for a bool tensor (a function making it), where torch refuses one."""
    as_float = static_op(lambda x: f(cast(x, F32)))

    def op(a):
        k = a._value.dtype.kind
        if k not in "fc":
            if k == "b" and no_bool is not None:
                raise no_bool()
            if inexact:
                return apply(name, as_float, [a])
        return apply(name, f, [a])
    return op


exp = _un("ExpBackward0", fnp.exp)
log = _un("LogBackward0", fnp.log)
log1p = _un("Log1PBackward0", fnp.log1p)
expm1 = _un("Expm1Backward0", fnp.expm1)
sin = _un("SinBackward0", fnp.sin)
cos = _un("CosBackward0", fnp.cos)
tan = _un("TanBackward0", fnp.tan)
sinh = _un("SinhBackward0", fnp.sinh)
cosh = _un("CoshBackward0", fnp.cosh)
atan = _un("AtanBackward0", fnp.arctan)
asin = _un("AsinBackward0", fnp.arcsin)
acos = _un("AcosBackward0", fnp.arccos)
tanh = _un("TanhBackward0", fnp.tanh)
sigmoid = _un("SigmoidBackward0", lax.logistic)
sqrt = _un("SqrtBackward0", fnp.sqrt)
rsqrt = _un("RsqrtBackward0", lambda x: 1.0 / fnp.sqrt(x))
reciprocal = _un("ReciprocalBackward0", lambda x: 1.0 / x)
log2 = _un("Log2Backward0", lambda x: fnp.log(x) / math.log(2.0))
log10 = _un("Log10Backward0", lambda x: fnp.log(x) / math.log(10.0))
abs = _un("AbsBackward0", lambda x: x * lax.stop_gradient(fnp.sign(x)) if x.dtype.kind == "f"
          else fnp.abs(x), inexact=False, no_bool=lambda: refuse("abs_cpu", _BOOL))


def replaced(x, value):
    """``value`` in place of ``x``, with a zero gradient for ``x`` (torch's rule for piecewise-
    constant ops and for fill/copy/zero's overwritten tensor): a select on an all-true mask, not
    ``value + x * 0`` (nan where x is inf or nan)."""
    return fnp.where(np.ones(np.shape(x), np.bool_), value, x)


def flat(f):
    """A piecewise-constant op: its value, with a gradient of zeros (torch's rule; the core would
    find no dependence and give no gradient at all)."""
    def g(x):
        if x.dtype.kind not in "fc":
            return f(x)
        return replaced(x, lax.stop_gradient(f(x)))
    return g


def _sign_fn(x):
    """sign, 0 at NaN (torch's)."""
    return fnp.where(x != x, fnp.zeros_like(x), fnp.sign(x)) if x.dtype.kind == "f" else \
        fnp.sign(x)


_sign = _un("SignBackward0", flat(_sign_fn), inexact=False)


def sign(a):
    """torch's sign: 0 at NaN, a bool tensor's own values; complex input refused."""
    k = a._value.dtype.kind
    if k == "c":
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex "
                                  "numbers. Please use torch.sgn instead.")
    if k == "b":
        return apply("SignBackward0", lambda x: x | False, [a])
    return _sign(a)
floor = _un("FloorBackward0", flat(fnp.floor), inexact=False)
ceil = _un("CeilBackward0", flat(fnp.ceil), inexact=False)
round = _un("RoundBackward0", flat(fnp.round), inexact=False,
            no_bool=lambda: refuse("round_vml_cpu", _BOOL))


def _relu_fn(x):
    """torch's relu, bit for bit: x where not x < 0 (nan and -0. pass through), else +0.; its
    gradient is grad where not x <= 0, else exactly 0 (threshold_backward: 0 at +-0. whatever the
    grad, grad at nan), a custom JVP because the two masks differ at zero. Two passes forward
    (three with the gradient's mask), one backward."""
    if x.dtype.kind != "f":  # integers and bool have no -0., nan or inf
        return fnp.where(x > 0, x, 0)
    return _relu_float(x)


@custom_jvp
def _relu_float(x):
    return fnp.where(x < 0, 0, x)


@_relu_float.defjvp
def _relu_float_jvp(primals, tangents):
    x, = primals
    t, = tangents
    return _relu_float(x), fnp.where(x <= 0, fnp.zeros_like(t), t)


relu = _un("ReluBackward0", _relu_fn, inexact=False,
           no_bool=lambda: RuntimeError("Boolean inputs not supported for relu"))
square = _un("PowBackward0", lambda x: fnp.power(x, 2), inexact=False)


def _erf_fn(x):
    """erf on the core's special-function primitive (exact to the last ulp, as torch's)."""
    return lax.erf(x)


_erf = _un("ErfBackward0", _erf_fn)


def erf(a):
    if a._value.dtype.kind == "c":
        raise refuse("erf_vml_cpu", a._value.dtype)
    return _erf(a)


def clamp(a, min=None, max=None):
    """Gradient 1 inside [min, max] including the bounds, 0 outside (torch's rule)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if a._value.dtype.kind == "c":
        raise NotImplementedError("clamp is not supported for complex types")
    for b, kernel in ((min, "maximum_cpu"), (max, "minimum_cpu")):
        if isinstance(b, Tensor) and b._value.dtype.kind == "c":
            raise refuse(kernel, b._value.dtype)

    def fn(x):
        mask = None
        c = x
        if min is not None:
            mask = x >= min
            c = fnp.maximum(c, min)
        if max is not None:
            m2 = x <= max
            mask = m2 if mask is None else mask & m2
            c = fnp.minimum(c, max)
        return fnp.where(mask, x, lax.stop_gradient(c))
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _clamp_tensor(a, min, max)
    return apply("ClampBackward1", fn, [a])


def _clamp_tensor(a, lo, hi):
    """clamp with tensor bounds (torch's ClampBackward0): the gradient goes to x inside
    [lo, hi] (bounds included), to lo where x < lo and to hi where x > hi, to none where x is
    nan; where lo > hi, to hi (the result's value)."""
    dt = common(a, *[b for b in (lo, hi) if b is not None])
    ops = [a] + [b for b in (lo, hi) if b is not None]

    def fn(x, *bs):
        x = cast(x, dt)
        it = iter(cast(b, dt) for b in bs)
        lo_v = next(it) if lo is not None else None
        hi_v = next(it) if hi is not None else None
        inside = None
        rest = lax.stop_gradient(x)  # nan: no gradient to anyone, as torch
        if hi_v is not None:
            inside = x <= hi_v
            rest = fnp.where(x > hi_v, hi_v, rest)
        if lo_v is not None:
            inside = x >= lo_v if inside is None else inside & (x >= lo_v)
            rest = fnp.where(x < lo_v, lo_v, rest)
        out = fnp.where(inside, x, rest)
        if lo_v is not None and hi_v is not None:
            out = fnp.where(lo_v > hi_v, hi_v, out)
        for b in (lo_v, hi_v):  # a nan bound gives nan (no gradient), as torch
            if b is not None:
                out = fnp.where(fnp.isnan(b), lax.stop_gradient(b), out)
        return out
    return apply("ClampBackward0", fn, ops)


clip = clamp


def _cmp(f, kernel=None):
    """A comparison; ``kernel``: torch's kernel name of an ordering one, which refuses complex
    operands."""
    def op(a, b):
        dt = common(a, b)
        if kernel is not None and dt.kind == "c":
            raise refuse(kernel, dt)
        r = f(cast(val(a), dt), cast(val(b), dt))
        return _new(r if isinstance(r, Tracer) else np.asarray(r))
    return op


eq = _cmp(fnp.equal)
ne = _cmp(fnp.not_equal)
lt = _cmp(fnp.less, "lt_cpu")
le = _cmp(fnp.less_equal, "le_cpu")
gt = _cmp(fnp.greater, "gt_cpu")
ge = _cmp(fnp.greater_equal, "ge_cpu")


def logical_not(a):
    return _new(fnp.logical_not(val(a)))


def logical_and(a, b):
    return _new(fnp.logical_and(val(a), val(b)))


def logical_or(a, b):
    return _new(fnp.logical_or(val(a), val(b)))


def isnan(a):
    return _new(fnp.not_equal(val(a), val(a)))


def isfinite(a):
    return _new(fnp.isfinite(val(a)))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    da, db = a._value.dtype, b._value.dtype
    if da != db:
        raise RuntimeError(f"{scalar_name(da)} did not match {scalar_name(db)}")
    return bool(np.allclose(np.asarray(val(a)), np.asarray(val(b)), rtol, atol, equal_nan))


def equal(a, b):
    return a.shape == b.shape and bool(np.all(np.asarray(val(a)) == np.asarray(val(b))))


def floor_divide(a, b):
    dt = common(a, b)
    int_division(dt, b, "div_floor_cpu")
    return apply("DivBackward2", lambda x, y: fnp.floor_divide(cast(x, dt), cast(y, dt)), [a, b])


def remainder(a, b):
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError(f"remainder() received an invalid combination of arguments - got "
                        f"({type(a).__name__}, {type(b).__name__}), but expected one of: (Tensor "
                        "input, Tensor other), (Number self, Tensor other), (Tensor input, Number "
                        "other)")
    dt = common(a, b)
    int_division(dt, b, "remainder_cpu")
    name = "RemainderBackward1" if isinstance(b, Tensor) else "RemainderBackward0"
    return apply(name, lambda x, y: fnp.mod(cast(x, dt), cast(y, dt)), [a, b])


def nonzero(t, *, as_tuple=False):
    v = np.asarray(val(t))
    i64 = np.dtype(np.int64)
    if v.ndim == 0:  # torch: a 0-d tensor has one index (of no dims) where it is nonzero
        n = int(v != 0)
        return (_new(np.zeros(n, i64)),) if as_tuple else _new(np.zeros((n, 0), i64))
    nz = np.nonzero(v)
    if as_tuple:
        return tuple(_new(i.astype(i64)) for i in nz)
    return _new(np.stack(nz, axis=-1).astype(i64))


def where(cond, a=None, b=None):
    if a is None:  # torch.where(condition): nonzero(condition, as_tuple=True), of any dtype
        return nonzero(cond, as_tuple=True)
    if isinstance(cond, Tensor) and cond._value.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {_TYPE_NAMES.get(cond._value.dtype.name, 'Float')}")
    dt = common(a, b)
    c = val(cond)
    return apply("WhereBackward0", lambda x, y, *_c: fnp.where(c, cast(x, dt), cast(y, dt)),
                 [a, b] + kept(cond))


# ---- matrix products: torch's checks (ndim, then sizes, then dtypes), in the order and with the
# texts of its kernels; on the hot path (mm, matmul of matrices) a few attribute comparisons
# torch's C++ names of the dtypes (the messages of its mm kernel)
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def tname(v):
    """torch's name of an array value's dtype (Float, Long, ...)."""
    return _TYPE_NAMES.get(v.dtype.name, v.dtype.name)


def size_of(v, d):
    """torch's ``t.size(d)`` of an array value, with its IndexErrors."""
    n = v.ndim
    if n == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    if not -n <= d < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {d})")
    return v.shape[d]


def _dims(shape):
    return ", ".join(str(s) for s in shape)


def check_expand(v, target):
    """torch's errors of ``expand(v, target)`` (the input of addmm, addbmm, baddbmm, addr)."""
    s = tuple(v.shape)
    if len(s) > len(target):
        raise RuntimeError(f"expand(torch.{tname(v)}Tensor{{[{_dims(s)}]}}, size=[{_dims(target)}"
                           f"]): the number of sizes provided ({len(target)}) must be greater or "
                           f"equal to the number of dimensions in the tensor ({len(s)})")
    for i in range(1, len(s) + 1):
        if s[-i] != 1 and s[-i] != target[-i]:
            raise RuntimeError(f"The expanded size of the tensor ({target[-i]}) must match the "
                               f"existing size ({s[-i]}) at non-singleton dimension "
                               f"{len(target) - i}.  Target sizes: [{_dims(target)}].  Tensor "
                               f"sizes: [{_dims(s)}]")


def _check_mm(va, vb, rows, k):
    """mm's size and dtype checks (``rows`` x ``k``: the first operand as a matrix)."""
    if k != vb.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and "
                           f"{vb.shape[0]}x{vb.shape[1]})")
    dt = va.dtype
    if dt is not vb.dtype and dt != vb.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_CPP_NAMES.get(dt.name, dt.name)} != "
                           f"{_CPP_NAMES.get(vb.dtype.name, vb.dtype.name)}")
    if dt.kind == "b" and rows and vb.shape[1]:  # no kernel runs for an empty result
        raise NotImplementedError(_NO_BOOL_ADDMM)


def _check_mv(vm, vv, rows, k):
    if k != vv.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k}), vec "
                           f"({vv.shape[0]})")
    if vm.dtype != vv.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {tname(vv)}, "
                           f"{tname(vm)}, and {tname(vv)}")
    if vm.dtype.kind == "b" and rows:
        raise NotImplementedError("\"addmv_impl_cpu\" not implemented for 'Bool'")


def check_dot(va, vb):
    """dot's (and vdot's) checks."""
    if va.ndim != 1 or vb.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {va.ndim}D and {vb.ndim}D tensors")
    if va.dtype != vb.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{tname(va)} and {tname(vb)}")
    if va.dtype.kind == "b":
        raise NotImplementedError("\"dot\" not implemented for 'Bool'")
    n, m = va.shape[0], vb.shape[0]
    if n != m:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to "
                           f"have the same number of elements, but got {n} and {m} elements "
                           f"respectively")


def check_bmm(va, vb, name="bmm"):
    """bmm's checks of two 3-D operands' sizes and dtypes; True where the product is empty or
    contracts nothing (torch runs no kernel then, and checks no dtype: the result has batch2's)."""
    b, k = va.shape[0], va.shape[2]
    if vb.shape[0] != b or vb.shape[1] != k:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b}, {k}] but got: [{vb.shape[0]}, {vb.shape[1]}].")
    if not (b and k and va.shape[1] and vb.shape[2]):
        return True
    if va.dtype.kind == "b":  # torch's kernel is chosen by batch1's dtype first
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'")
    if va.dtype != vb.dtype:
        raise RuntimeError(f"expected scalar type {tname(va)} but found {tname(vb)}")


def batch_broadcast(sa, sb):
    """torch's broadcast of two batch shapes (its infer_size error)."""
    n = max(len(sa), len(sb))
    out = []
    for i in range(n):
        x = sa[i - n + len(sa)] if i >= n - len(sa) else 1
        y = sb[i - n + len(sb)] if i >= n - len(sb) else 1
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {i}")
        out.append(y if x == 1 else x)
    return tuple(out)


def _check_matmul(va, vb, na, nb):
    """matmul's checks: those of the product torch dispatches to (dot, mv, mm of the folded
    operand, or bmm of the broadcast batches)."""
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{na}D and {nb}D")
    sa, sb = va.shape, vb.shape
    if na == 1 and nb == 1:
        check_dot(va, vb)
    elif nb == 1:  # mv of the (folded) matrix
        _check_mv(va, vb, math.prod(sa[:-1]), sa[-1])
    elif nb == 2 and na != 2:  # a vector as a 1 x k matrix; a batch folded into one matrix
        _check_mm(va, vb, math.prod(sa[:-1]), sa[-1])
    else:
        bsz = math.prod(batch_broadcast(sa[:-2], sb[:-2]))
        k1 = sa[-1]
        if sb[-2] != k1:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{bsz}, {k1}] but got: [{bsz}, {sb[-2]}].")
        if not (bsz and k1 and (sa[-2] if na > 1 else 1) and sb[-1]):
            return True  # bmm of an empty product (see check_bmm)
        if va.dtype.kind == "b":
            raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
        if va.dtype != vb.dtype:
            raise RuntimeError(f"expected scalar type {tname(va)} but found {tname(vb)}")


_NO_BOOL_ADDMM = "\"addmm_impl_cpu_\" not implemented for 'Bool'"


def check_addmm_dtypes(vi, va, vb):
    dt = vb.dtype
    if vi.dtype is dt and va.dtype is dt:  # numpy's dtypes of one kind are one object
        return
    if vi.dtype != dt:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {tname(vi)} and "
                           f"{tname(vb)}")
    if va.dtype != dt:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {tname(va)} and "
                           f"{tname(vb)}")


def check_addmm(vi, va, vb):
    """addmm's checks: the dtypes, the matrices' dims and sizes, then the input's expand."""
    check_addmm_dtypes(vi, va, vb)
    if va.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {va.ndim}-D tensor")
    if vb.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {vb.ndim}-D tensor")
    (r, k), (k2, c) = va.shape, vb.shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({r}x{k} and {k2}x{c})")
    if vi.shape != (r, c):
        check_expand(vi, (r, c))
    if vb.dtype.kind == "b":
        raise NotImplementedError(_NO_BOOL_ADDMM)


def _matmul_node(a, na, nb):
    """The node torch's matmul ends in for operands of ``na`` and ``nb`` dims (after dot, mv, a
    squeezed mm, or an _unsafe_view of the folded mm/mv or of the broadcast bmm; a 2-D first
    operand that requires grad goes through a transposed fold and a copy), and the record of what
    torch saves for it (its inner product's)."""
    if na == 1:
        if nb == 1:
            return "DotBackward0", None
        if nb == 2:
            return "SqueezeBackward4", "MmBackward0"
        # a vector that requires grad: torch's mv of a copy of b (only a is tied to it)
        return "UnsafeViewBackward0", None if a._requires_grad and GRAD.get() else "BmmBackward0"
    if nb == 1:
        return ("MvBackward0", None) if na == 2 else ("UnsafeViewBackward0", "MvBackward0")
    if nb == 2:
        return "UnsafeViewBackward0", "MmBackward0"
    if na == 2 and a._requires_grad and GRAD.get():
        # torch's product is of a copy of b: only a is tied to it (no record says just that)
        return "CloneBackward0", None
    return "UnsafeViewBackward0", "BmmBackward0"


def matmul(a, b):
    va, vb = a._value, b._value
    na, nb = va.ndim, vb.ndim
    if na == 2 and nb == 2:
        _check_mm(va, vb, va.shape[0], va.shape[1])
        return apply("MmBackward0", fnp.matmul, [a, b])
    empty = _check_matmul(va, vb, na, nb)
    name, saved = _matmul_node(a, na, nb)
    return apply(name, _empty_bmm if empty else fnp.matmul, [a, b], saved=saved)


def _empty_bmm(x, y):
    """torch's bmm where the product is empty or contracts nothing: zeros of y's dtype."""
    return fnp.matmul(cast(x, y.dtype), y)


def mm(a, b):
    va, vb = a._value, b._value
    if va.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if vb.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_mm(va, vb, va.shape[0], va.shape[1])
    return apply("MmBackward0", fnp.matmul, [a, b])


def bmm(a, b):
    va, vb = a._value, b._value
    if va.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if vb.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    empty = check_bmm(va, vb)
    return apply("BmmBackward0", _empty_bmm if empty else fnp.matmul, [a, b])


def check_mv_dims(vi_ndim, vm, vv):
    if vm.ndim != 2 or vv.ndim != 1 or vi_ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {vi_ndim}, {vm.ndim}, "
                           f"{vv.ndim}")


def mv(a, b):
    va, vb = a._value, b._value
    size_of(va, 0)  # torch sizes its result by the matrix's first dim before any check
    check_mv_dims(1, va, vb)
    _check_mv(va, vb, va.shape[0], va.shape[1])
    return apply("MvBackward0", fnp.matmul, [a, b])


def dot(a, b):
    va, vb = a._value, b._value
    check_dot(va, vb)
    return apply("DotBackward0", fnp.matmul, [a, b])


def _check_outer(a, b):
    for t, which in ((a, "self"), (b, "vec2")):
        if isinstance(t, Tensor) and t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {which}, but got {t.ndim}-D")


def outer(a, b):
    _check_outer(a, b)
    dt = common(a, b)
    return apply("MulBackward0", lambda x, y: fnp.outer(cast(x, dt), cast(y, dt)), [a, b])
