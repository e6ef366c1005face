"""torch.func: grad, grad_and_value, vjp, jvp, linearize, vmap, jacrev, jacfwd, hessian.

Each maps onto the core transform of the same name: the user function runs on Tensors whose
``_value`` is a core tracer. When an argument requires grad, the whole transform is recorded as
one Tensor op, so the result keeps a grad_fn (as torch's does).
"""
import functools

import numpy as np

import fungrad as fg
import fungrad.numpy as fnp
from fungrad.extend import Tracer
from fungrad.extend import tree_flatten, tree_unflatten
from fungrad.torch._engine import check_complex_grad
from fungrad.torch._grad_mode import GRAD
from fungrad.torch._record import apply, conj_complex
from fungrad.torch._state import VMAP_RANDOM, setting
from fungrad.torch._tensor import Tensor, _new

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "linearize", "vmap", "jacrev", "jacfwd",
           "hessian", "functional_call", "stack_module_state", "functionalize"]


def _is_t(x):
    return isinstance(x, Tensor)


def to_values(tree):
    return fg.tree_util.tree_map(lambda t: t._value if _is_t(t) else t, tree, is_leaf=_is_t)


def _wrap_leaf(v):
    return _new(v) if isinstance(v, (np.ndarray, Tracer)) else v


def to_tensors(tree):
    return fg.tree_util.tree_map(_wrap_leaf, tree)


def _recorded(core, args, name="MulBackward0"):
    """Runs ``core(*value_args) -> value pytree`` as one recorded op over the Tensor leaves."""
    leaves, tree = tree_flatten(args, is_leaf=_is_t)
    pos = [i for i, x in enumerate(leaves) if _is_t(x)]
    holder = {}

    def fn(*vals):
        lv = list(leaves)
        for i, v in zip(pos, vals):
            lv[i] = v
        out = core(*tree_unflatten(tree, lv))
        flat, holder["tree"] = tree_flatten(out)
        return tuple(flat)

    outs = apply(name, fn, [leaves[i] for i in pos], tuple_out=True)
    return tree_unflatten(holder["tree"], list(outs))


def _check_out(name, out, has_aux):
    if has_aux:
        if not isinstance(out, tuple) or len(out) != 2:
            raise RuntimeError(f"{name}(f)(*args): output of function f should be a tuple: "
                               "(output, aux) if has_aux is True")
        out, aux = out
    else:
        aux = None
    if not _is_t(out):
        raise RuntimeError(f"{name}(f)(*args): Expected f(*args) to return a Tensor, got "
                           f"{type(out)}")
    if out.ndim != 0:
        raise RuntimeError(f"{name}(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                           f"tensor with {out.ndim} dims. Maybe you wanted to use the vjp or "
                           "jacrev APIs instead?")
    return out, aux


def grad_and_value(func, argnums=0, has_aux=False):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        def core_f(*vargs):
            out, aux = _check_out("grad_and_value", func(*to_tensors(vargs), **kwargs), has_aux)
            if _kind(out) == "c":  # torch seeds the output's grad with 1: real outputs only
                raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                   f"but got torch.{np.dtype(out._value.dtype).name}")
            return (out._value, to_values(aux)) if has_aux else out._value

        def core(*vargs):  # torch's gradients of complex values: the core's, conjugated
            v, g = fg.value_and_grad(core_f, argnums, has_aux=has_aux)(*vargs)
            return fg.tree_util.tree_map(conj_complex, g), v
        g, v = _recorded(core, args)
        like = args[argnums] if isinstance(argnums, int) else tuple(args[i] for i in argnums)
        return _reorder(g, like), v
    return wrapper


def _reorder(tree, like):
    """``tree`` with dict keys in ``like``'s order (the core sorts them)."""
    if isinstance(like, dict) and isinstance(tree, dict):
        return {k: _reorder(tree[k], like[k]) for k in like}
    if isinstance(like, (tuple, list)) and isinstance(tree, (tuple, list)):
        return type(tree)(_reorder(t, w) for t, w in zip(tree, like))
    return tree


def grad(func, argnums=0, has_aux=False):
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, v = gv(*args, **kwargs)
        return (g, v[1]) if has_aux else g
    return wrapper


def _fn_of_values(func, like=None, holder=None, **kwargs):
    """``func`` on values; ``like``: the caller's arguments, whose dict key order the tensors
    get back (the core's pytrees sort dict keys); ``holder['out']``: the last output, whose key
    order the results get back."""
    def f(*vargs):
        ts = to_tensors(vargs)
        if like is not None:
            ts = _reorder(ts, like)
        out = func(*ts, **kwargs)
        if holder is not None:
            holder["out"] = out
        return to_values(out)
    return f


def _needs_graph(tree):
    """Whether a transform's results need a graph: grad mode on and a Tensor leaf of ``tree``
    requires grad (torch's func transforms differentiate through their results)."""
    return GRAD.get() and any(_is_t(x) and x.requires_grad
                              for x in tree_flatten(tree, is_leaf=_is_t)[0])


def _main_fn(func, has_aux):
    """func on values, without its aux."""
    f = _fn_of_values(func)
    return (lambda *xs: f(*xs)[0]) if has_aux else f


def _torch_vjp(f, ps, ct):
    """torch's vjp of ``f`` at ``ps`` (values): conj(vjp(conj(ct)))."""
    fn = fg.vjp(f, *ps)[1]
    back = fn(fg.tree_util.tree_map(conj_complex, ct))
    return tuple(fg.tree_util.tree_map(conj_complex, back))


def vjp(func, *primals, has_aux=False):
    """(out, vjp_fn[, aux]); ``vjp_fn(ct)`` returns a tuple. Where a primal requires grad, out
    and vjp_fn's results are recorded ops over the primals (and ct): they differentiate again,
    as torch's."""
    res = fg.vjp(_fn_of_values(func), *to_values(primals), has_aux=has_aux)
    out, fn = to_tensors(res[0]), res[1]
    f = _main_fn(func, has_aux)
    graph = _needs_graph(primals)
    if graph:
        out = _recorded(lambda *ps: f(*ps), primals)

    def vjp_fn(ct):  # torch's convention for complex values: conj(vjp(conj(ct)))
        outs, cs = tree_flatten(res[0])[0], tree_flatten(to_values(ct))[0]
        for i, (o, c) in enumerate(zip(outs, cs)):
            check_complex_grad(i, np.asarray(c).dtype if not hasattr(c, "dtype") else c.dtype,
                               o.dtype)
        if graph or _needs_graph(ct):
            return tuple(_recorded(lambda ps, c: _torch_vjp(f, ps, c), (primals, ct)))
        cts = fg.tree_util.tree_map(conj_complex, to_values(ct))
        return to_tensors(tuple(fg.tree_util.tree_map(conj_complex, fn(cts))))
    return (out, vjp_fn, to_tensors(res[2])) if has_aux else (out, vjp_fn)


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """(out, jvp_out[, aux]). Where a primal or tangent requires grad (and has_aux is False),
    the results are one recorded op over them: they differentiate again, as torch's."""
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it "
                           "should be valid to call f(*primals).")
    tangents = tuple(tangents)
    if not has_aux and _needs_graph((primals, tangents)):
        return tuple(_recorded(lambda ps, ts: _jvp_values(func, ps, ts, False),
                               (primals, tangents)))
    return to_tensors(_jvp_values(func, to_values(primals), to_values(tangents), has_aux))


def _jvp_values(func, ps, ts, has_aux):
    # torch takes a real tangent of a complex primal (as the complex tangent) and a complex
    # tangent of a real primal (the jvp extended complex-linearly: of its real and imaginary
    # parts); the core wants the primal's dtype
    p_leaves, tree = tree_flatten(ps)
    t_leaves, t_tree = tree_flatten(ts)
    if len(p_leaves) == len(t_leaves):
        kinds = [(_vkind(p), _vkind(t)) for p, t in zip(p_leaves, t_leaves)]
        t_leaves = [t.astype(p.dtype) if (kp == "c" and kt in "fiub") else t
                    for (kp, kt), p, t in zip(kinds, p_leaves, t_leaves)]
        if any(kt == "c" and kp != "c" for kp, kt in kinds):
            re = [fnp.real(t) if kt == "c" and kp != "c" else t
                  for (kp, kt), t in zip(kinds, t_leaves)]
            im = [fnp.imag(t) if kt == "c" and kp != "c" else fnp.zeros_like(t)
                  for (kp, kt), t in zip(kinds, t_leaves)]
            f = _fn_of_values(func)
            a = fg.jvp(f, ps, tree_unflatten(t_tree, re), has_aux=has_aux)
            b = fg.jvp(f, ps, tree_unflatten(t_tree, im), has_aux=has_aux)
            tan = fg.tree_util.tree_map(lambda u, w: u + 1j * w, a[1], b[1])
            return (a[0], tan) + tuple(a[2:])
        ts = tree_unflatten(t_tree, t_leaves)
    return tuple(fg.jvp(_fn_of_values(func), ps, ts, has_aux=has_aux))


def _vkind(v):
    dt = getattr(v, "dtype", None)
    return np.dtype(dt).kind if dt is not None else np.asarray(v).dtype.kind


def linearize(func, *primals):
    """(out, jvp_fn). Where a primal requires grad, out is a recorded op over the primals, and
    jvp_fn's results one over the tangents and frozen copies of the primals: as torch's, they
    require grad, but their graph does not reach the primals (torch's jvp_fn is a traced graph
    with the primal values as its constants)."""
    f = _fn_of_values(func)
    out, f_jvp = fg.linearize(f, *to_values(primals))
    graph = _needs_graph(primals)
    frozen = fg.tree_util.tree_map(
        lambda t: t.detach().requires_grad_() if _is_t(t) and t.requires_grad else t, primals,
        is_leaf=_is_t) if graph else primals

    def jvp_fn(*ts):
        if graph or _needs_graph(ts):
            return _recorded(lambda ps, t: fg.jvp(f, ps, t)[1], (frozen, ts))
        return to_tensors(f_jvp(*to_values(ts)))
    return (_recorded(lambda *ps: f(*ps), primals) if graph else to_tensors(out)), jvp_fn


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _check_sizes(args, in_dims)
        axes = in_dims if not isinstance(in_dims, list) else tuple(in_dims)

        holder = {}
        if chunk_size is not None:
            return _chunked(func, args, kwargs, in_dims, out_dims, chunk_size, randomness)

        if randomness not in ("error", "same", "different"):
            raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or "
                               f"'same'. Got {randomness}")

        def core(*vargs):
            return fg.vmap(_fn_of_values(func, args, holder, **kwargs), axes, out_dims)(*vargs)
        with setting(VMAP_RANDOM, randomness):
            return _reorder(_recorded(core, args), holder.get("out"))
    return wrapper


def _chunked(func, args, kwargs, in_dims, out_dims, chunk_size, randomness):
    """vmap over chunks of ``chunk_size`` along the mapped dims, concatenated (torch's
    chunk_size)."""
    from fungrad.torch._ops_shape import cat
    dims = in_dims if isinstance(in_dims, (tuple, list)) else (in_dims,) * len(args)
    sizes = [a.shape[d] for a, d in zip(args, dims) if _is_t(a) and isinstance(d, int)]
    n = sizes[0] if sizes else 0
    pieces = []
    for start in range(0, n, chunk_size):
        part = [a.narrow(d, start, min(chunk_size, n - start)) if _is_t(a) and
                isinstance(d, int) else a for a, d in zip(args, dims)]
        pieces.append(vmap(func, in_dims, out_dims, randomness)(*part, **kwargs))
    flat0, tree = tree_flatten(pieces[0], is_leaf=_is_t)
    flats = [tree_flatten(p, is_leaf=_is_t)[0] for p in pieces]
    od = out_dims if isinstance(out_dims, int) else None
    joined = [cat([f[k] for f in flats], od if od is not None else out_dims[k])
              for k in range(len(flat0))]
    return _reorder(tree_unflatten(tree, joined), pieces[0])


def _check_sizes(args, in_dims):
    dims = in_dims if isinstance(in_dims, (tuple, list)) else (in_dims,) * len(args)
    sizes = []
    for a, d in zip(args, dims):
        if _is_t(a) and isinstance(d, int):
            sizes.append(a.shape[d])
    if len(set(sizes)) > 1:
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")


def _torch_leaves(tree):
    """The leaves of ``tree`` as torch's pytree lists them: dicts in insertion order, None a
    leaf."""
    if isinstance(tree, dict):
        return [x for v in tree.values() for x in _torch_leaves(v)]
    if isinstance(tree, (tuple, list)):
        return [x for v in tree for x in _torch_leaves(v)]
    return [tree]


def _kind(x):
    v = x._value if _is_t(x) else x
    dt = getattr(v, "dtype", None)
    return np.dtype(dt).kind if dt is not None and not isinstance(x, (int, float, complex)) \
        else None


def _refuse_complex(name, tree, what):
    """torch.func's jacrev/jacfwd: real inputs and outputs only (torch's error, with the index
    among the flattened leaves)."""
    for i, x in enumerate(_torch_leaves(tree)):
        if (_is_t(x) or isinstance(x, (np.ndarray, Tracer))) and _kind(x) == "c":
            raise RuntimeError(f"{name}: Expected all {what} to be real but received complex "
                               f"tensor at flattened input idx: {i}")


def _jac(core_t, in_name, out_name):
    def make(func, argnums=0, has_aux=False, **kw):
        @functools.wraps(func)
        def wrapper(*args):
            _refuse_complex(in_name, args, "inputs")
            holder = {}

            def checked(*vargs):
                out = func(*vargs)
                _refuse_complex(out_name, out[0] if has_aux else out, "outputs")
                return out

            def core(*vargs):
                return core_t(_fn_of_values(checked, args, holder), argnums,
                              has_aux=has_aux)(*vargs)
            res = _recorded(core, args)
            out = holder.get("out")
            if has_aux and isinstance(out, tuple) and isinstance(res, tuple):
                return (_reorder(res[0], out[0]), _reorder(res[1], out[1]))
            return _reorder(res, out)
        return wrapper
    return make


jacrev = _jac(fg.jacrev, "jacrev", "jacrev")
jacfwd = _jac(fg.jacfwd, "jacfwd", "jacfwd")


def hessian(func, argnums=0):
    # torch's is jacfwd(jacrev(func)): jacfwd's check of the inputs comes first, then jacrev's
    # of func's outputs
    return _jac(fg.hessian, "jacfwd", "jacrev")(func, argnums)


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Calls ``module(*args)`` with its parameters/buffers (dotted names) temporarily replaced by
    the given tensors (fungrad.torch.nn.utils.stateless)."""
    from fungrad.torch.nn.utils.stateless import functional_call as fc
    if tie_weights:
        parameter_and_buffer_dicts = _tie(module, parameter_and_buffer_dicts)
    return fc(module, parameter_and_buffer_dicts, args, kwargs, tie_weights=tie_weights,
              strict=strict)


def _tie(module, dicts):
    """Adds the tied names (other names of the same Parameter or buffer object) of every given
    name, as torch's tie_weights=True does."""
    many = isinstance(dicts, (tuple, list))
    merged = {}
    for d in (dicts if many else (dicts,)):
        merged.update(d)
    names = {}
    for n, p in list(module.named_parameters(remove_duplicate=False)) + list(
            module.named_buffers(remove_duplicate=False)):
        names.setdefault(id(p), []).append(n)
    extra = {}
    for group in names.values():
        given = [n for n in group if n in merged]
        if given:
            for n in group:
                if n not in merged:
                    extra[n] = merged[given[0]]
    if not extra:
        return dicts
    return (tuple(dicts) + (extra,)) if many else {**dicts, **extra}


def stack_module_state(models):
    """(params, buffers) of same-class models stacked along dim 0 (for vmap ensembling)."""
    from fungrad.torch.nn.utils.stateless import stack_module_state as sms
    return sms(models)


def functionalize(func, *, remove="mutations"):
    """torch.func.functionalize: the shim's in-place ops are already functional underneath (each
    records an out-of-place op), so this is ``func`` itself."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(f"functionalize(f, remove='mutations'): received invalid argument for "
                           f"remove={remove}. Valid options are:\n     remove='mutations': all "
                           "inplace and out= operators will be removed from the program, and "
                           "replaced with their out-of-place equivalents.\n     "
                           "remove='mutations_and_views': In addition to the above, all aliasing "
                           "operators {view} will be replaced with their non-aliasing "
                           "counterparts, {view}_copy.\n")
    return func

__dir__ = __all__.copy  # dir() lists the public names only
