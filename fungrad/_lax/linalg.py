"""dot_general: the one contraction primitive behind dot, matmul, einsum, outer and tensordot.

dimension_numbers = ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch)). The output's axes are
the batch axes, then the lhs free axes, then the rhs free axes (each in order), as in XLA.

Imports: _core, lax.shape, lax.arith.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.cache import lru_cache_table
from fungrad._core.errors import DtypeError, ShapeError
from fungrad._core.linear_arg import is_linear
from fungrad._core.primitive import Emit, Primitive, Vjp, register
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero
from fungrad._lax.arith import add
from fungrad._lax.shape import moveaxis, transpose


def _free(ndim, contract, batch):
    return [i for i in range(ndim) if i not in contract and i not in batch]


def _dot_general_impl(x, y, *, dimension_numbers):
    (lc, rc), (lb, rb) = dimension_numbers
    x = np.asarray(x)
    y = np.asarray(y)
    if _blas_layout(x.ndim, y.ndim, dimension_numbers):  # matrix/vector products, straight to BLAS
        return np.dot(x if lc[0] == x.ndim - 1 else x.T, y if rc == (0,) else y.T)
    if not lc:  # nothing contracted (outer products, vmap of x * w): an elementwise product
        xi, yi = _outer_operands(x.ndim, y.ndim, dimension_numbers)
        return np.transpose(x, xi[0])[xi[1]] * np.transpose(y, yi[0])[yi[1]]
    lf = _free(x.ndim, lc, lb)
    rf = _free(y.ndim, rc, rb)
    bshape = [x.shape[i] for i in lb]
    xs = np.transpose(x, [*lb, *lf, *lc]).reshape(
        (*bshape, _prod(x.shape, lf), _prod(x.shape, lc)))
    ys = np.transpose(y, [*rb, *rc, *rf]).reshape(
        (*bshape, _prod(y.shape, rc), _prod(y.shape, rf)))
    out = np.matmul(xs, ys)
    return out.reshape((*bshape, *[x.shape[i] for i in lf], *[y.shape[i] for i in rf]))


def _blas_layout(xn, yn, dimension_numbers):
    """True for one contracted axis between operands of rank <= 2: then the product is one
    np.dot of the operands or their transposes (views), whose result is C-contiguous."""
    (lc, rc), (lb, _) = dimension_numbers
    return (not lb and len(lc) == 1 and xn <= 2 and yn <= 2
            and (lc[0] == xn - 1 or lc == (0,)) and (rc == (0,) or rc == (yn - 1,)))


def _outer_operands(xn, yn, dimension_numbers):
    """For a dot_general without contraction: (perm, index) per operand such that
    transpose(x, perm)[index] * transpose(y, perm)[index] broadcasts to the output layout."""
    (_, _), (lb, rb) = dimension_numbers
    lf = _free(xn, (), lb)
    rf = _free(yn, (), rb)
    full = slice(None)
    xi = ((*lb, *lf), (full,) * (len(lb) + len(lf)) + (None,) * len(rf))
    yi = ((*rb, *rf), (full,) * len(rb) + (None,) * len(lf) + (full,) * len(rf))
    return xi, yi


def _prod(shape, axes):
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _dot_general_abstract(x, y, *, dimension_numbers):
    (lc, rc), (lb, rb) = dimension_numbers
    if x.dtype != y.dtype:
        raise DtypeError(f"dot_general requires operands of one dtype, got {x.str_short()} and "
                         f"{y.str_short()}")
    if len(lc) != len(rc) or len(lb) != len(rb):
        raise ShapeError(f"dot_general: dimension numbers {dimension_numbers} pair unequal "
                         f"numbers of axes of {x.str_short()} and {y.str_short()}")
    for kind, xa, ya in (("contracted", lc, rc), ("batch", lb, rb)):
        for a, b in zip(xa, ya):
            if x.shape[a] != y.shape[b]:
                raise ShapeError(
                    f"matrix product (x @ y, dot, matmul, einsum, tensordot): {x.str_short()} "
                    f"and {y.str_short()} cannot be multiplied: {kind} axis {a} of the first "
                    f"has size {x.shape[a]} but axis {b} of the second has size {y.shape[b]}. "
                    "Fix: the sizes must agree; transpose or reshape an operand (e.g. x @ y.T), "
                    "or swap the operands.")
    shape = ([x.shape[i] for i in lb] + [x.shape[i] for i in _free(x.ndim, lc, lb)]
             + [y.shape[i] for i in _free(y.ndim, rc, rb)])
    return shaped(tuple(shape), x.dtype)


def _dot_general_jvp(primals, tangents, *, dimension_numbers):
    x, y = primals
    tx, ty = tangents
    out = dot_general_p.bind(x, y, dimension_numbers=dimension_numbers)
    t = None
    if type(tx) is not Zero:
        t = dot_general_p.bind(tx, y, dimension_numbers=dimension_numbers)
    if type(ty) is not Zero:
        t2 = dot_general_p.bind(x, ty, dimension_numbers=dimension_numbers)
        t = t2 if t is None else add(t, t2)
    return out, (Zero(get_aval(out).to_tangent_aval()) if t is None else t)


def _transpose_operand(ct, other, dimension_numbers, mine_ndim, other_ndim, mine_is_lhs):
    """Cotangent of one operand: contract ct's other-free axes with the other operand's free axes."""
    key = (dimension_numbers, mine_ndim, other_ndim, mine_is_lhs)
    plan = _plans_fast.get(key)
    if plan is None:
        _plans[key] = plan = _transpose_plan(*key)
    other_first, dims, perm = plan
    if other_first:
        return dot_general_p.bind(other, ct, dimension_numbers=dims)
    res = dot_general_p.bind(ct, other, dimension_numbers=dims)
    return res if perm is None else transpose(res, perm)


def _transpose_plan(dimension_numbers, mine_ndim, other_ndim, mine_is_lhs):
    """How _transpose_operand contracts (a pure function of the dimension numbers and ranks,
    cached): (other first, dimension numbers, the permutation to my layout or None)."""
    (lc, rc), (lb, rb) = dimension_numbers
    if not mine_is_lhs:
        lc, rc, lb, rb = rc, lc, rb, lb
    nb = len(lb)
    my_free = _free(mine_ndim, lc, lb)
    other_free = _free(other_ndim, rc, rb)
    start = nb + len(my_free) if mine_is_lhs else nb
    ct_other_free = list(range(start, start + len(other_free)))
    ct_dims, batch = (tuple(ct_other_free), tuple(other_free)), (tuple(range(nb)), tuple(rb))
    from_other = [lc[rc.index(d)] for d in sorted(rc)]
    if list(lb) + from_other + my_free == list(range(mine_ndim)):
        # other first: the result is already in my layout (e.g. ct_w = x.T @ ct, C-contiguous,
        # rather than (ct.T @ x).T, a strided transpose)
        return True, (ct_dims[::-1], batch[::-1]), None
    # res axes: batch, ct's remaining free axes (mine, possibly reordered), other's contracted axes
    res_to_mine = list(lb) + my_free + from_other
    perm = tuple(int(p) for p in np.argsort(res_to_mine))
    return False, (ct_dims, batch), (None if perm == tuple(range(len(perm))) else perm)


_plans = lru_cache_table("dot_general_transpose_plans", 10_000)
_plans_fast = _plans.fast


def _dot_general_transpose(ct, x, y, *, dimension_numbers):
    if is_linear(x) and is_linear(y):
        raise TypeError("dot_general is bilinear, not linear in both operands (internal error)")
    if is_linear(x):
        return [_transpose_operand(ct, y, dimension_numbers, x.aval.ndim, get_aval(y).ndim, True),
                None]
    return [None,
            _transpose_operand(ct, x, dimension_numbers, y.aval.ndim, get_aval(x).ndim, False)]


def _dot_general_vjp(ct, out, primals, wants, *, dimension_numbers):
    # the JVP's terms dot(tx, y), dot(x, ty) (summed): transposed last first
    x, y = primals
    cts = []
    if wants[1]:
        cts.append((1, _transpose_operand(ct, x, dimension_numbers, get_aval(y).ndim,
                                          get_aval(x).ndim, False)))
    if wants[0]:
        cts.append((0, _transpose_operand(ct, y, dimension_numbers, get_aval(x).ndim,
                                          get_aval(y).ndim, True)))
    return cts


def _dot_general_batch(size, vals, dims, *, dimension_numbers):
    (lc, rc), (lb, rb) = dimension_numbers
    x, y = vals
    xd, yd = dims
    if xd is not None and yd is not None:
        x = moveaxis(x, xd, 0)
        y = moveaxis(y, yd, 0)
        dn = ((tuple(a + 1 for a in lc), tuple(a + 1 for a in rc)),
              ((0, *[a + 1 for a in lb]), (0, *[a + 1 for a in rb])))
        return dot_general_p.bind(x, y, dimension_numbers=dn), 0
    if xd is not None:
        x = moveaxis(x, xd, 0)  # a free lhs axis, first among the lhs free axes
        dn = ((tuple(a + 1 for a in lc), rc), (tuple(a + 1 for a in lb), rb))
        return dot_general_p.bind(x, y, dimension_numbers=dn), len(lb)
    y = moveaxis(y, yd, 0)
    dn = ((lc, tuple(a + 1 for a in rc)), (lb, tuple(a + 1 for a in rb)))
    x_free = len(_free(get_aval(x).ndim, lc, lb))
    return dot_general_p.bind(x, y, dimension_numbers=dn), len(lb) + x_free


dot_general_p = Primitive("dot_general")
dot_general_p.same_dtype_from = 0


def _dot_general_emit(ctx, eqn, a):
    """jit code generation: the numpy calls _dot_general_impl makes (the same ones, so jit results
    are bit-identical), written out for operands of rank <= 2 (literal operands as arrays)."""
    a = ctx.operands(eqn, a)
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    xn, yn = eqn.invars[0].aval.ndim, eqn.invars[1].aval.ndim
    if _blas_layout(xn, yn, eqn.params["dimension_numbers"]):
        x = a[0] if lc[0] == xn - 1 else f"{a[0]}.T"
        y = a[1] if rc == (0,) else f"{a[1]}.T"
        return f"np.dot({x}, {y})"
    if not lc:
        return " * ".join(_outer_emit(n, perm, idx) for n, (perm, idx) in
                          zip(a, _outer_operands(xn, yn, eqn.params["dimension_numbers"])))
    impl = ctx.glob(_dot_general_impl, "dot_general")
    return f"{impl}({a[0]}, {a[1]}, dimension_numbers={eqn.params['dimension_numbers']!r})"


def _dot_general_emit_xp(ctx, eqn, a):
    """Code generation for other numpy-like namespaces (cupy, dask): as for numpy, with the
    general case written out as the transposes, reshapes and matmul _dot_general_impl makes."""
    (lc, rc), (lb, rb) = dn = eqn.params["dimension_numbers"]
    xs, ys = eqn.invars[0].aval.shape, eqn.invars[1].aval.shape
    if _blas_layout(len(xs), len(ys), dn) or not lc:
        return _dot_general_emit(ctx, eqn, a).replace("np.dot(", f"{ctx.xp}.dot(", 1)
    return _matmul_form(ctx, eqn, a, methods=True)


def _dot_general_emit_array_api(ctx, eqn, a):
    """Code generation for array-API namespaces: permute_dims, reshape and matmul (a product
    without contraction is a matmul over a length-1 axis)."""
    return _matmul_form(ctx, eqn, a, methods=False)


def _matmul_form(ctx, eqn, a, methods):
    """dot_general as the transposes, reshapes and matmul _dot_general_impl makes, written with
    array methods (numpy-like namespaces) or namespace functions (the array API)."""
    a = ctx.operands(eqn, a)
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    xs, ys = eqn.invars[0].aval.shape, eqn.invars[1].aval.shape
    lf, rf = _free(len(xs), lc, lb), _free(len(ys), rc, rb)
    bshape = tuple(xs[i] for i in lb)
    xp = ctx.xp

    def reshape(v, shape):
        return f"{v}.reshape({shape})" if methods else f"{xp}.reshape({v}, {shape})"

    def permute(v, perm):
        return f"{v}.transpose({perm})" if methods else f"{xp}.permute_dims({v}, {perm})"

    x = reshape(permute(a[0], (*lb, *lf, *lc)), (*bshape, _prod(xs, lf), _prod(xs, lc)))
    y = reshape(permute(a[1], (*rb, *rc, *rf)), (*bshape, _prod(ys, rc), _prod(ys, rf)))
    out = (*bshape, *[xs[i] for i in lf], *[ys[i] for i in rf])
    return reshape(f"{xp}.matmul({x}, {y})", out)


def _outer_emit(name, perm, index):
    if perm != tuple(range(len(perm))):
        name = f"{name}.transpose({perm})"
    if any(i is None for i in index):
        name += "[" + ", ".join(":" if i is not None else "None" for i in index) + "]"
    return name


register(dot_general_p, impl=_dot_general_impl, abstract_eval=_dot_general_abstract,
         jvp=_dot_general_jvp, transpose=_dot_general_transpose, batch=_dot_general_batch,
         emit=(Emit(_dot_general_emit, fresh=True, on=("numpy",)),
               Emit("lax.dot_general({0}, {1}, {dimension_numbers})", fresh=True, on=("jax",)),
               Emit(_dot_general_emit_xp, fresh=True),
               Emit(_dot_general_emit_array_api, fresh=True, on=("array_api",))),
         vjp=Vjp(_dot_general_vjp))


def dot_general(x, y, dimension_numbers):
    try:  # the dimension numbers as int tuples, made once per distinct spelling
        dn = _dims_fast.get(dimension_numbers)
    except TypeError:  # lists: unhashable
        dn = None
    if dn is None:
        (lc, rc), (lb, rb) = dimension_numbers
        dn = ((tuple(int(a) for a in lc), tuple(int(a) for a in rc)),
              (tuple(int(a) for a in lb), tuple(int(a) for a in rb)))
        try:
            _dims[dimension_numbers] = dn
        except TypeError:
            pass
    return dot_general_p.bind(x, y, dimension_numbers=dn)


_dims = lru_cache_table("dot_general_dimension_numbers", 10_000)
_dims_fast = _dims.fast
