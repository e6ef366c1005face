"""The bilinear core of arithmetic: add, sub, neg, mul, div, select, convert_element_type, and
stop_gradient. Their JVPs and transposes are written out; other primitives build on them.

Imports: _core, lax._families, lax.shape.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.dtypes import is_float
from fungrad._core.linear_arg import is_linear
from fungrad._core.primitive import VJP_FROM_TRANSPOSE, Emit, Primitive, Ufunc, Vjp, register
from fungrad._core.trace import Tracer, get_aval
from fungrad._core.tree import tree_flatten, tree_unflatten
from fungrad._core.zero import Zero, instantiate, zeros_like_aval
from fungrad._lax._args import describe
from fungrad._lax._families import naryop, unop
from fungrad._lax.shape import broadcast_to, unbroadcast


def _out_zero(out):
    return Zero(get_aval(out).to_tangent_aval())


def fit_shape(t, out):
    """Broadcast a tangent to the output's shape where an operand was broadcast."""
    shape = get_aval(out).shape
    return t if get_aval(t).shape == shape else broadcast_to(t, shape)


def _one_unbroadcast(out, primals, wants):
    """The operand whose tangent add/sub's JVP returns unchanged: the only one with a tangent,
    of the output's shape (fit_shape leaves it alone)."""
    if wants[0] != wants[1] and get_aval(primals[0 if wants[0] else 1]).shape == out.shape:
        return 0 if wants[0] else 1
    return None


def _add_vjp(ct, out, primals, wants):
    # both: one add equation (operands in order); one: broadcast_to, whose transpose unbroadcasts
    x, y = primals
    cts = []
    if wants[0]:
        cts.append((0, unbroadcast(ct, get_aval(x))))
    if wants[1]:
        cts.append((1, unbroadcast(ct, get_aval(y))))
    return cts


def _sub_vjp(ct, out, primals, wants):
    x, y = primals
    if wants[0] and wants[1]:  # one sub equation
        return [(0, unbroadcast(ct, get_aval(x))), (1, unbroadcast(neg(ct), get_aval(y)))]
    if wants[0]:
        return [(0, unbroadcast(ct, get_aval(x)))]
    return [(1, neg(unbroadcast(ct, get_aval(y))))]  # neg, then broadcast_to


# ---- add / sub / neg
def _add_jvp(primals, tangents):
    out = add_p.bind(*primals)
    tx, ty = tangents
    if type(tx) is Zero:
        return out, (_out_zero(out) if type(ty) is Zero else fit_shape(ty, out))
    if type(ty) is Zero:
        return out, fit_shape(tx, out)
    return out, add_p.bind(tx, ty)


add_p = naryop("add", np.add, 2, jvp=_add_jvp, emit=Ufunc(np.add, "{0} + {1}"),
               vjp=Vjp(_add_vjp, alias=_one_unbroadcast),
               transpose=lambda ct, x, y: [unbroadcast(ct, x.aval) if is_linear(x) else None,
                                           unbroadcast(ct, y.aval) if is_linear(y) else None])


add = add_p.bind


add_any = add  # accumulation of (co)tangents of equal shape

neg_p = unop("neg", np.negative, emit=Ufunc(np.negative, "-{0}"), vjp=VJP_FROM_TRANSPOSE,
             jvp=lambda primals, tangents: (
                 neg_p.bind(primals[0]),
                 tangents[0] if type(tangents[0]) is Zero else neg_p.bind(tangents[0])),
             transpose=lambda ct, x: [neg_p.bind(ct)])


neg = neg_p.bind


def _sub_jvp(primals, tangents):
    out = sub_p.bind(*primals)
    tx, ty = tangents
    if type(tx) is Zero:
        return out, (_out_zero(out) if type(ty) is Zero else fit_shape(neg(ty), out))
    if type(ty) is Zero:
        return out, fit_shape(tx, out)
    return out, sub_p.bind(tx, ty)


sub_p = naryop("sub", np.subtract, 2, jvp=_sub_jvp, emit=Ufunc(np.subtract, "{0} - {1}"),
               vjp=Vjp(_sub_vjp, alias=lambda out, primals, wants: (
                   0 if wants[0] and not wants[1] and get_aval(primals[0]).shape == out.shape
                   else None)),
               transpose=lambda ct, x, y: [unbroadcast(ct, x.aval) if is_linear(x) else None,
                                           unbroadcast(neg(ct), y.aval) if is_linear(y) else None])


sub = sub_p.bind


# ---- mul / div
def _mul_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    out = mul_p.bind(x, y)
    terms = []
    if type(tx) is not Zero:
        terms.append(mul_p.bind(tx, y))
    if type(ty) is not Zero:
        terms.append(mul_p.bind(x, ty))
    if not terms:
        return out, _out_zero(out)
    t = terms[0] if len(terms) == 1 else add_p.bind(*terms)
    return out, fit_shape(t, out)


def _mul_transpose(ct, x, y):
    if is_linear(x) and is_linear(y):
        raise TypeError("mul is not linear when both operands are linear (internal error)")
    if is_linear(x):
        return [unbroadcast(mul_p.bind(ct, y), x.aval), None]
    return [None, unbroadcast(mul_p.bind(x, ct), y.aval)]


def _mul_vjp(ct, out, primals, wants):
    # the JVP's terms tx * y, x * ty (summed): transposed last first
    x, y = primals
    cts = []
    if wants[1]:
        cts.append((1, unbroadcast(mul_p.bind(x, ct), get_aval(y))))
    if wants[0]:
        cts.append((0, unbroadcast(mul_p.bind(ct, y), get_aval(x))))
    return cts


mul_p = naryop("mul", np.multiply, 2, jvp=_mul_jvp, transpose=_mul_transpose,
               emit=Ufunc(np.multiply, "{0} * {1}"), vjp=Vjp(_mul_vjp))


mul = mul_p.bind


def _div_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    out = div_p.bind(x, y)
    t = None
    if type(tx) is not Zero:
        t = div_p.bind(tx, y)
    if type(ty) is not Zero:
        ty_term = mul_p.bind(ty, div_p.bind(out, y))  # d(x/y)/dy = -out/y
        t = neg(ty_term) if t is None else sub_p.bind(t, ty_term)
    return out, (_out_zero(out) if t is None else fit_shape(t, out))


def _div_transpose(ct, x, y):
    if is_linear(y):
        raise TypeError("div is not linear in its denominator (internal error)")
    return [unbroadcast(div_p.bind(ct, y), x.aval), None]


def _div_vjp(ct, out, primals, wants):
    # the JVP: tx / y - ty * (out / y); transposed last first
    x, y = primals
    cts = []
    if wants[1]:
        cts.append((1, unbroadcast(mul_p.bind(neg(ct), div_p.bind(out, y)), get_aval(y))))
    if wants[0]:
        cts.append((0, unbroadcast(div_p.bind(ct, y), get_aval(x))))
    return cts


def _is_int(v):
    if isinstance(v, (np.ndarray, np.generic)):  # fungrad.Array included
        return v.dtype.kind in "iub"
    return isinstance(v, int)


def _div_impl(x, y):
    """True division, and for integers the quotient rounded toward zero (C's and JAX's lax.div;
    numpy's // rounds down); division by zero gives 0, as numpy's integer division."""
    if not (_is_int(x) and _is_int(y)):
        return np.true_divide(x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.floor_divide(x, y)
        return q + ((q < 0) & (q * y != x))


div_p = naryop("div", _div_impl, 2, jvp=_div_jvp, transpose=_div_transpose,
               emit=Ufunc(np.true_divide, "{0} / {1}", kinds="fc"), vjp=Vjp(_div_vjp))


div = div_p.bind


# ---- select(pred, on_true, on_false): numpy.where
def _select_jvp(primals, tangents):
    pred, a, b = primals
    out = select_p.bind(pred, a, b)
    ta, tb = tangents[1], tangents[2]
    if type(ta) is Zero and type(tb) is Zero:
        return out, _out_zero(out)
    return out, select_p.bind(pred, instantiate(ta), instantiate(tb))


def _select_transpose(ct, pred, a, b):
    zeros = zeros_like_aval(get_aval(ct))
    return [None,
            unbroadcast(select_p.bind(pred, ct, zeros), a.aval) if is_linear(a) else None,
            unbroadcast(select_p.bind(pred, zeros, ct), b.aval) if is_linear(b) else None]


# np.where branches per element: with an unpredictable mask it runs at 1-3 ns an element
# (f32[262144]: 1,076 us random, 170 us sorted). Selecting bits instead (the mask widened to
# all-ones/all-zeros integers, and-ed with the branches' bits) has no branch: 82 us for a zero
# branch, 161 us for two f32 branches, whatever the mask. It is exact (the very bits np.where
# picks) and is used from 8192 elements, where it measured no slower than np.where's best case:
# a +0.0 branch (the transposes of select, relu's and max's gradients) for f32 and f64, two
# array branches for f32 only (for f64 it is 2x slower than a predictable np.where).
_BIT_SELECT_MIN = 8192
_INT_OF = {4: np.int32, 8: np.int64}


def _select_impl(pred, a, b):
    """np.where(pred, a, b), by bit selection where that is faster (see above)."""
    if (type(pred) is np.ndarray and pred.size >= _BIT_SELECT_MIN
            and pred.dtype == np.bool_):
        kind = _bit_select_kind(pred.shape, pred.dtype, _aval_of(a), _aval_of(b))
        if kind is not None:
            return bit_select(kind, pred, a, b)
    return np.where(pred, a, b)


def _aval_of(x):
    if isinstance(x, np.ndarray):
        return x.shape, x.dtype, None
    if type(x) is float:
        return (), None, x
    return None


def _bit_select_kind(shape, pred_dtype, a, b):
    """Which bit selection computes np.where(pred, a, b) exactly: "a0" (b is +0.0), "0b" (a is
    +0.0), "ab" (two f32 arrays), or None (np.where). `a`, `b`: (shape, dtype, float value or
    None) of each branch, dtype None for a Python float."""
    if pred_dtype != np.bool_ or a is None or b is None:
        return None

    def zero(x):
        return x[0] == () and x[2] is not None and x[2] == 0.0 and not np.signbit(x[2])

    def full(x, itemsizes):
        return (x[0] == shape and x[1] is not None and x[1].kind == "f"
                and x[1].itemsize in itemsizes)
    if full(a, (4, 8)) and zero(b):
        return "a0"
    if zero(a) and full(b, (4, 8)):
        return "0b"
    if full(a, (4,)) and full(b, (4,)) and a[1] == b[1]:
        return "ab"
    return None


def bit_select(kind, pred, a, b):
    """np.where(pred, a, b) as integer bit operations, for the cases _bit_select_kind names."""
    x = b if kind == "0b" else a
    dt = x.dtype
    it = _INT_OF[dt.itemsize]
    m = pred.astype(it)
    if kind == "0b":
        np.subtract(m, 1, out=m)  # 0 where pred, all ones elsewhere
        return np.bitwise_and(np.asarray(b).view(it), m, out=m).view(dt)
    np.negative(m, out=m)  # all ones where pred
    if kind == "a0":
        return np.bitwise_and(np.asarray(a).view(it), m, out=m).view(dt)
    r = np.bitwise_and(np.asarray(a).view(it), m)
    np.invert(m, out=m)
    np.bitwise_and(np.asarray(b).view(it), m, out=m)
    return np.bitwise_or(r, m, out=r).view(dt)


def _where_numpy(ctx, eqn, a):
    """numpy's where, or for large float outputs a bit selection (_select_impl's choice, made
    from the avals at compile time)."""
    from fungrad._core.ir import Literal
    p, x, y = eqn.invars
    out = eqn.outvars[0].aval

    def desc(v):
        if type(v) is Literal:
            val = np.asarray(v.val)
            return ((), None, float(val)) if val.ndim == 0 and val.dtype.kind == "f" else None
        return v.aval.shape, np.dtype(v.aval.dtype), None
    if (ctx.backend.name == "numpy" and int(np.prod(out.shape)) >= _BIT_SELECT_MIN
            and p.aval.shape == out.shape):
        kind = _bit_select_kind(out.shape, np.dtype(p.aval.dtype), desc(x), desc(y))
        if kind is not None and (kind == "ab" or np.dtype(out.dtype) == (
                desc(x) if kind == "a0" else desc(y))[1]):
            return f"{ctx.glob(bit_select, 'bit_select')}({kind!r}, {a[0]}, {a[1]}, {a[2]})"
    return f"{ctx.xp}.where({a[0]}, {a[1]}, {a[2]})"


select_p = naryop("select", _select_impl, 3, dtype_from=1, jvp=_select_jvp,
                  transpose=_select_transpose,
                  emit=(Emit(_where_numpy, fresh=True, on=("numpy_api",)),
                        Emit(lambda ctx, eqn, a: _where_array_api(eqn, a), fresh=True,
                             on=("array_api",))))


def _where_array_api(eqn, a):
    """The array API's where takes at most one Python scalar branch: the other as an array."""
    from fungrad._core.ir import Literal
    x, y = a[1], a[2]
    if type(eqn.invars[1]) is Literal and type(eqn.invars[2]) is Literal:
        x = f"xp.asarray({x}, dtype=xp.{eqn.outvars[0].aval.dtype.name})"
    return f"xp.where({a[0]}, {x}, {y})"


select = select_p.bind


# ---- convert_element_type
convert_p = Primitive("convert_element_type")


def _convert_impl(x, *, new_dtype):
    x = np.asarray(x)
    if x.dtype.kind == "c" and new_dtype.kind != "c":
        x = np.real(x)  # complex -> real takes the real part (lax's rule; numpy would warn)
    return x.astype(new_dtype)


def _convert_jvp(primals, tangents, *, new_dtype):
    out = convert_p.bind(primals[0], new_dtype=new_dtype)
    t = tangents[0]
    if type(t) is Zero or not is_float(new_dtype):
        return out, _out_zero(out)
    return out, convert_p.bind(t, new_dtype=new_dtype)


def _convert_transpose(ct, x, *, new_dtype):
    # real -> complex transposes to the real part of the cotangent (the conversion's real-linear
    # adjoint under JAX's pairing Re(sum(ct * t))); complex -> real back to complex; both by the
    # conversion rule of _convert_impl
    return [convert_p.bind(ct, new_dtype=x.aval.dtype)]


def _convert_emit(ctx, eqn, args):
    """`xp.asarray(x).astype(dtype)` (the real part first for complex to real); for array-API
    namespaces `xp.astype(x, xp.<dtype>)`."""
    new_dtype = eqn.params["new_dtype"]
    x = args[0]
    if eqn.invars[0].aval.dtype.kind == "c" and new_dtype.kind != "c":
        x = f"{ctx.xp}.real({x})"
    if ctx.backend.name == "array_api":
        return f"xp.astype({x}, xp.{new_dtype.name})"
    return f"{ctx.xp}.asarray({x}).astype({ctx.param(new_dtype)})"


register(convert_p, impl=_convert_impl,
         abstract_eval=lambda x, *, new_dtype: shaped(x.shape, new_dtype),
         jvp=_convert_jvp,
         transpose=_convert_transpose,
         batch=lambda size, vals, dims, *, new_dtype: (
             convert_p.bind(vals[0], new_dtype=new_dtype), dims[0]),
         emit=Emit(_convert_emit, fresh=True, on=("numpy_api", "array_api")))


def convert_element_type(x, dtype):
    dtype = np.dtype(dtype)
    if get_aval(x).dtype == dtype:
        return x
    return convert_p.bind(x, new_dtype=dtype)


# ---- stop_gradient: identity whose tangent is zero at every level
stop_gradient_p = unop(
    "stop_gradient", lambda x: x, emit=Emit("{0}", on=("numpy_api", "array_api")),
    jvp=lambda primals, tangents: (
        stop_gradient_p.bind(primals[0]), Zero(get_aval(primals[0]).to_tangent_aval())))


def stop_gradient(x):
    """x with a zero derivative at every order; x may be a pytree (each leaf is stopped).

    >>> import fungrad as fg
    >>> fg.grad(lambda x: x * fg.stop_gradient(x))(3.0)
    array(3.)
    """
    if isinstance(x, (np.ndarray, Tracer)):  # fungrad.Array included
        return stop_gradient_p.bind(x)
    leaves, tree = tree_flatten(x)
    for leaf in leaves:
        if not isinstance(leaf, (np.ndarray, np.generic, Tracer, bool, float, complex)) and not (
                isinstance(leaf, int) and -2 ** 63 <= leaf < 2 ** 64):
            raise TypeError(f"stop_gradient: every leaf of x must be an array or a number, got "
                            f"{describe(leaf)}. Fix: pass arrays (or pytrees of them).")
    return tree_unflatten(tree, [stop_gradient_p.bind(leaf) for leaf in leaves])
