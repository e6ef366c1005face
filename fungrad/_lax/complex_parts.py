"""Complex numbers: real, imag, conj and complex(x, y), the linear maps between real and complex
arrays that FFTs and eig need. Transposes follow JAX's convention (cotangents are not conjugated):
real^T(c) = complex(c, 0), imag^T(c) = complex(0, -c), conj^T = conj, complex^T(c) =
(real(c), -imag(c)).

Imports: _core, lax._families, lax.shape.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.errors import DtypeError
from fungrad._core.primitive import INEXACT, Emit, Primitive, RuleFactory, Ufunc, register
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero
from fungrad._lax._families import _ELEMENTWISE_BATCH, _broadcasting_batch, broadcast_shapes
from fungrad._lax.shape import jvp_linear, unbroadcast


def real_dtype(dt):
    dt = np.dtype(dt)
    return np.dtype(dt.char.lower()) if dt.kind == "c" else dt


def complex_dtype(dt):
    return np.result_type(np.dtype(dt), np.complex64)


def _real_impl(x):
    return np.array(np.real(x))


def _imag_impl(x):
    return np.array(np.imag(x), real_dtype(np.asarray(x).dtype))


def _unary(name, impl, emit, transpose, out_dtype):
    prim = Primitive(name)
    return register(prim, impl=impl, abstract_eval=lambda x: shaped(x.shape, out_dtype(x.dtype)),
                    jvp=jvp_linear, transpose=transpose, batch=_ELEMENTWISE_BATCH, emit=emit,
                    dtypes=INEXACT)


def _part_array_api(name, of_real):
    """The array API's real/imag take complex arrays only: `of_real` for a real operand."""
    return Emit(lambda ctx, eqn, a: (f"xp.{name}({a[0]})" if eqn.invars[0].aval.dtype.kind == "c"
                                     else of_real.format(a[0])), on=("array_api",))


real_p = _unary("real", _real_impl, (Emit("np.array(np.real({0}))", fresh=True, on=("numpy",)),
                                    Emit("{xp}.real({0})"), _part_array_api("real", "{0}")),
                lambda ct, x: [complex_(ct, np.zeros((), get_aval(ct).dtype))
                               if x.aval.dtype.kind == "c" else ct], real_dtype)
imag_p = _unary("imag", _imag_impl, (
    Emit(lambda ctx, eqn, a: f"{ctx.glob(_imag_impl, 'imag')}({a[0]})", fresh=True, on=("numpy",)),
    Emit("{xp}.imag({0})"), _part_array_api("imag", "xp.zeros_like({0})")),
                lambda ct, x: [complex_(np.zeros((), get_aval(ct).dtype), neg_real(ct))],
                real_dtype)
conj_p = _unary("conj", np.conjugate, Ufunc(np.conjugate),
                lambda ct, x: [conj_p.bind(ct)], lambda d: d)


def neg_real(x):
    from fungrad._lax.arith import neg
    return neg(x)


def join_parts(x, y, dtype):
    """x + iy as a `dtype` array, written part by part: x + 1j * y would make (0 + 1j) * y a
    complex product, whose 0 * inf spills a nan into the real part (complex(inf, nan) was
    nan + nanj, complex(1, inf) nan + infj)."""
    x, y = np.asarray(x), np.asarray(y)
    out = np.empty(np.broadcast_shapes(x.shape, y.shape), dtype)
    out.real = x
    out.imag = y
    return out


def _complex_impl(x, y):
    return join_parts(x, y, complex_dtype(np.asarray(x).dtype))


def _complex_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    out = complex_p.bind(x, y)
    if type(tx) is Zero and type(ty) is Zero:
        return out, Zero(get_aval(out).to_tangent_aval())
    zx = np.zeros(get_aval(out).shape, get_aval(x).dtype)
    return out, complex_p.bind(zx if type(tx) is Zero else tx, zx if type(ty) is Zero else ty)


def _complex_transpose(ct, x, y):
    from fungrad._core.linear_arg import is_linear
    from fungrad._lax.arith import neg
    return [unbroadcast(real_p.bind(ct), x.aval) if is_linear(x) else None,
            unbroadcast(neg(imag_p.bind(ct)), y.aval) if is_linear(y) else None]


def _complex_abstract(x, y):
    if x.dtype.kind == "c" or y.dtype.kind == "c" or x.dtype != y.dtype:
        raise DtypeError(f"complex takes two real operands of one dtype, got {x.str_short()} "
                         f"and {y.str_short()}")
    return shaped(broadcast_shapes("complex", x, y), complex_dtype(x.dtype))


complex_p = Primitive("complex")
complex_p.same_dtype_from = 0
register(
    complex_p, impl=_complex_impl, abstract_eval=_complex_abstract, jvp=_complex_jvp,
    transpose=_complex_transpose,
    batch=RuleFactory(lambda prim: lambda size, vals, dims: _broadcasting_batch(prim, vals, dims, {})),
    emit=(Emit(lambda ctx, eqn, a: f"{ctx.glob(_complex_impl, 'complex')}({a[0]}, {a[1]})",
               fresh=True, on=("numpy",)),
          Emit("lax.complex(*jnp.broadcast_arrays({0}, {1}))", fresh=True, on=("jax",)),
          Emit("({0} + 1j * {1})", fresh=True, on=("numpy_api", "array_api"))), dtypes=INEXACT)


def real(x):
    return real_p.bind(x) if get_aval(x).dtype.kind == "c" else x


def imag(x):
    if get_aval(x).dtype.kind != "c":
        from fungrad._lax.arith import mul
        return mul(x, np.zeros((), get_aval(x).dtype))
    return imag_p.bind(x)


def conj(x):
    return conj_p.bind(x) if get_aval(x).dtype.kind == "c" else x


def complex_(x, y):
    return complex_p.bind(x, y)


def to_complex(x):
    """A real array as complex (x + 0j), transposing to the real part (convert_element_type's
    transpose would cast complex to real with a ComplexWarning)."""
    aval = get_aval(x)
    if aval.dtype.kind == "c":
        return x
    return complex_p.bind(x, np.zeros((), aval.dtype))
