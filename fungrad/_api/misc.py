"""The rest of JAX's everyday top-level API: eval_shape and ShapeDtypeStruct, linear_transpose,
custom_gradient, closure_convert, ensure_compile_time_eval, named_call and named_scope.

Imports: _core, _interp, _api.args, _api.custom.
"""
from __future__ import annotations

from typing import Any, Sequence

from fungrad._core.typing import Fun, PyTree
import contextlib
import functools

import numpy as np

from fungrad._api.args import as_leaf, check_callable
from fungrad._api.custom import custom_vjp
from fungrad._core.aval import shaped
from fungrad._core.errors import DtypeError, MissingRuleError
from fungrad._core.eval import eval_jaxpr
from fungrad._core.linear_arg import LinearArg
from fungrad._core.trace import EVAL_TRACE, Trace, Tracer, bind_on, current_trace, get_aval, \
    set_trace
from fungrad._core.tree import tree_flatten, tree_unflatten
from fungrad._interp.staging import abstractify, stage_flat
from fungrad._interp.transpose import backward_pass


# ---------------------------------------------------------------- shapes


class ShapeDtypeStruct:
    """A shape and a dtype standing for an array: what eval_shape returns, and an argument
    eval_shape / linear_transpose accept in place of an array.

    >>> ShapeDtypeStruct((2, 3), np.float32)
    ShapeDtypeStruct(shape=(2, 3), dtype=float32)
    """

    __slots__ = ("shape", "dtype", "weak_type", "sharding")

    def __init__(self, shape, dtype, *, sharding=None, weak_type=False):
        if dtype is None:
            raise ValueError("ShapeDtypeStruct: dtype must be specified. Fix: pass a dtype, "
                             "e.g. ShapeDtypeStruct((2, 3), np.float32).")
        try:
            shape = tuple(int(d) for d in shape)
        except TypeError:
            raise TypeError(f"ShapeDtypeStruct: shape must be a sequence of ints, got "
                            f"{shape!r}.") from None
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "dtype", np.dtype(dtype))
        object.__setattr__(self, "weak_type", bool(weak_type))
        object.__setattr__(self, "sharding", sharding)

    def __setattr__(self, name, value):
        raise AttributeError("ShapeDtypeStruct is immutable; use .update(...) for a new one.")

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    def update(self, **kwargs):
        """A copy with some of shape, dtype, weak_type, sharding replaced."""
        args = {"shape": self.shape, "dtype": self.dtype, "weak_type": self.weak_type,
                "sharding": self.sharding}
        unknown = set(kwargs) - set(args)
        if unknown:
            raise TypeError(f"ShapeDtypeStruct.update: unexpected fields {sorted(unknown)}.")
        args.update(kwargs)
        return ShapeDtypeStruct(args["shape"], args["dtype"], weak_type=args["weak_type"],
                                sharding=args["sharding"])

    def __eq__(self, other):
        return (isinstance(other, ShapeDtypeStruct) and self.shape == other.shape
                and self.dtype == other.dtype and self.weak_type == other.weak_type
                and self.sharding == other.sharding)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type, self.sharding))

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        sharding = f", sharding={self.sharding!r}" if self.sharding is not None else ""
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name}{sharding}{weak})"

    __str__ = __repr__


def _aval(name, x):
    """The abstract value of an argument: a ShapeDtypeStruct (or anything with shape and
    dtype), a tracer, an array or a scalar."""
    if isinstance(x, Tracer):
        return x.aval
    if isinstance(x, ShapeDtypeStruct):
        return shaped(x.shape, x.dtype, x.weak_type)
    if isinstance(x, (bool, int, float, complex)):
        return abstractify(x)  # weakly typed, as JAX
    if not isinstance(x, (np.ndarray, np.generic, bool, int, float, complex)) \
            and hasattr(x, "shape") and hasattr(x, "dtype"):
        return shaped(tuple(x.shape), np.dtype(x.dtype))
    try:
        return abstractify(as_leaf(x))
    except TypeError:
        raise TypeError(f"{name}: argument leaf {x!r} of type {type(x).__name__} is not an array "
                        "value. Fix: pass arrays, scalars, ShapeDtypeStructs or pytrees of "
                        "them.") from None


def _struct(aval):
    return ShapeDtypeStruct(aval.shape, aval.dtype, weak_type=aval.weak_type)


def eval_shape(fun: Fun, *args: PyTree, **kwargs: PyTree) -> PyTree:
    """The shapes and dtypes `fun(*args, **kwargs)` would return, as a pytree of
    ShapeDtypeStruct, without computing anything: `fun` is traced on abstract values.
    Arguments may be arrays, scalars or ShapeDtypeStructs (pytrees of them).

    >>> import numpy as np, fungrad as fg
    >>> fg.eval_shape(lambda x: x @ x.T, fg.ShapeDtypeStruct((2, 3), np.float32))
    ShapeDtypeStruct(shape=(2, 2), dtype=float32)
    """
    check_callable("eval_shape", fun)
    leaves, in_tree = tree_flatten((args, kwargs))
    avals = [_aval("eval_shape", x) for x in leaves]

    def flat_fun(*xs):
        a, kw = tree_unflatten(in_tree, xs)
        return fun(*a, **kw)

    closed, out_tree = stage_flat(flat_fun, avals, "eval_shape")
    return tree_unflatten(out_tree, [_struct(v.aval) for v in closed.jaxpr.outvars])


# ---------------------------------------------------------------- linear_transpose


def linear_transpose(fun: Fun, *primals: PyTree, reduce_axes: Sequence[Any] = ()) -> Fun:
    """The transpose of the linear function `fun`: a function taking a cotangent shaped like
    `fun`'s output and returning a tuple with one cotangent per primal (the adjoint map, so
    `<ct, fun(x)> == <transpose(ct), x>`). `primals` only give shapes and dtypes (arrays or
    ShapeDtypeStructs). `fun` must be linear in its inputs (sums, scalings by constants, matrix
    products with constants, reshapes, indexing, ...).

    >>> import fungrad as fg
    >>> t = fg.linear_transpose(lambda x, y: x + 2.0 * y, 1.0, 1.0)
    >>> t(1.0)
    (array(1.), array(2.))
    """
    check_callable("linear_transpose", fun)
    if reduce_axes:
        raise NotImplementedError("linear_transpose: reduce_axes is not supported (it was "
                                  "removed from JAX too). Fix: leave it out.")
    leaves, in_tree = tree_flatten(primals)
    in_avals = [_aval("linear_transpose", x) for x in leaves]

    def flat_fun(*xs):
        return fun(*tree_unflatten(in_tree, xs))

    closed, out_tree = stage_flat(flat_fun, in_avals, "linear_transpose")
    out_avals = [v.aval for v in closed.jaxpr.outvars]

    def transposed(out_cotangent):
        ct_leaves, ct_tree = tree_flatten(out_cotangent)
        if ct_tree != out_tree:
            raise TypeError(f"linear_transpose: the cotangent's tree structure {ct_tree!r} does "
                            f"not match the function's output {out_tree!r}. Fix: pass a "
                            "cotangent with the output's structure.")
        cts = []
        for i, (c, a) in enumerate(zip(ct_leaves, out_avals)):
            weak = isinstance(c, (int, float)) and not isinstance(c, bool)
            c = np.asarray(c, a.dtype) if weak and a.dtype.kind in "fc" else as_leaf(c)
            ca = get_aval(c)
            if ca.shape != a.shape or ca.dtype != a.dtype:
                raise DtypeError(
                    f"linear_transpose: cotangent {i} is {ca.str_short()} but the function's "
                    f"output {i} is {a.str_short()}. Fix: pass cotangents with the outputs' "
                    "shapes and dtypes.")
            cts.append(c)
        args = [LinearArg(a) for a in in_avals]
        try:
            cts_in = backward_pass(closed.jaxpr, closed.consts, args, cts)
        except MissingRuleError as e:
            raise _not_linear(e) from e
        out = [np.zeros(a.shape, a.dtype) if c is None else c for c, a in zip(cts_in, in_avals)]
        return tuple(tree_unflatten(in_tree, out))

    _check_linear(closed.jaxpr)
    return transposed


class NotLinearError(MissingRuleError, TypeError):
    """linear_transpose was given a function that is not linear in its inputs."""


def _not_linear(e):
    return NotLinearError(f"linear_transpose: the function is not linear in its inputs ({e}). "
                          "Fix: pass a linear function (for a nonlinear one, use vjp at a point).")


def _check_linear(jaxpr):
    """Raise unless every equation touching the inputs is linear in them (a transposable
    primitive, and a product of two input-dependent values is not linear)."""
    linear = set(jaxpr.invars)
    for eqn in jaxpr.eqns:
        n = sum(1 for v in eqn.invars if v in linear)
        if not n:
            continue
        name = eqn.prim.name
        if eqn.prim.transpose is None or (n > 1 and name in _BILINEAR):
            what = ("multiplies two values that depend on the inputs" if n > 1 and
                    name in _BILINEAR else f"applies {name}, which has no transpose rule")
            raise NotLinearError(
                f"linear_transpose: the function is not linear in its inputs: it {what}. Fix: "
                "pass a linear function (for a nonlinear one, use vjp at a point).")
        linear.update(eqn.outvars)


_BILINEAR = frozenset({"mul", "div", "dot_general", "conv_general_dilated", "einsum"})


# ---------------------------------------------------------------- closure_convert


def closure_convert(fun: Fun, *example_args: PyTree) -> tuple[Fun, list[Any]]:
    """(converted_fun, hoisted_consts): `converted_fun(*args, *hoisted_consts)` computes
    `fun(*args)`, with the traced values `fun` closes over (tracers of enclosing transforms)
    taken as explicit trailing arguments, so a custom_vjp rule can differentiate with respect
    to them. Concrete closed-over arrays stay inside. `fun` is traced once on the shapes and
    dtypes of `example_args` (so its Python control flow must not depend on their values).

    >>> import fungrad as fg
    >>> def outer(y):
    ...     converted, consts = fg.closure_convert(lambda x: x * y, 1.0)
    ...     return converted(2.0, *consts)
    >>> fg.grad(outer)(3.0)
    array(2.)
    """
    check_callable("closure_convert", fun)
    leaves, in_tree = tree_flatten(example_args)
    avals = [_aval("closure_convert", x) for x in leaves]

    def flat_fun(*xs):
        return fun(*tree_unflatten(in_tree, xs))

    closed, out_tree = stage_flat(flat_fun, avals, "closure_convert")
    consts = list(closed.consts)
    hoist = [i for i, c in enumerate(consts) if isinstance(c, Tracer)]
    hoisted = [consts[i] for i in hoist]
    n_args = len(example_args)

    def converted(*args):
        if len(args) != n_args + len(hoisted):
            raise TypeError(f"closure_convert: the converted function takes {n_args} "
                            f"argument(s) and {len(hoisted)} hoisted constant(s), got "
                            f"{len(args)} arguments.")
        xs, hs = args[:n_args], args[n_args:]
        x_leaves, x_tree = tree_flatten(xs)
        if x_tree != in_tree:
            raise TypeError(f"closure_convert: arguments of structure {x_tree!r}, but the "
                            f"example arguments had {in_tree!r}.")
        full = list(consts)
        for i, h in zip(hoist, hs):
            full[i] = h
        return tree_unflatten(out_tree, eval_jaxpr(closed.jaxpr, full, *x_leaves))

    functools.update_wrapper(converted, fun)
    del converted.__wrapped__  # type: ignore[attr-defined]  # its signature is (*args, *hoisted_consts), not fun's
    return converted, hoisted


# ---------------------------------------------------------------- custom_gradient


class _Rule:
    """The staged gradient rule of one custom_gradient call (a static residual)."""

    __slots__ = ("jaxpr", "out_tree", "ct_tree", "nargs")

    def __init__(self, jaxpr, out_tree, ct_tree, nargs):
        self.jaxpr, self.out_tree, self.ct_tree, self.nargs = jaxpr, out_tree, ct_tree, nargs


def custom_gradient(fun: Fun) -> Fun:
    """Define a function with its gradient: `fun(*args) -> (value, grad_fn)`, where
    `grad_fn(ct)` returns the cotangents of the arguments (a tuple, one per argument; a single
    value when there is one argument). grad_fn may close over the arguments and intermediates;
    it is traced on the cotangent's shape, so it can be differentiated again.

    >>> import fungrad as fg
    >>> @fg.custom_gradient
    ... def f(x):
    ...     return x ** 2, lambda g: (g * x,)
    >>> fg.grad(f)(3.0)
    array(3.)
    """
    def primal(*args):
        return fun(*args)[0]

    functools.update_wrapper(primal, fun)
    wrapped = custom_vjp(primal)

    def fwd(*args):
        out = fun(*args)
        if not isinstance(out, (tuple, list)) or len(out) != 2 or not callable(out[1]):
            raise TypeError(f"custom_gradient: {getattr(fun, '__name__', 'fun')} must return a "
                            f"pair (value, grad_fn) with grad_fn callable, got {_type_str(out)}.")
        value, grad_fn = out
        v_leaves, v_tree = tree_flatten(value)
        ct_avals = [get_aval(as_leaf(v)).to_tangent_aval() for v in v_leaves]

        def flat_rule(*cts):
            return grad_fn(tree_unflatten(v_tree, cts))

        closed, rule_tree = stage_flat(flat_rule, ct_avals, "custom_gradient rule")
        rule = _Rule(closed.jaxpr, rule_tree, v_tree, len(args))
        return value, (rule, list(closed.consts))

    def bwd(res, ct):
        rule, consts = res
        ct_leaves, ct_tree = tree_flatten(ct)
        if ct_tree != rule.ct_tree:
            raise TypeError(f"custom_gradient: cotangent of structure {ct_tree!r}, but the "
                            f"value has {rule.ct_tree!r}.")
        cts = tree_unflatten(rule.out_tree, eval_jaxpr(rule.jaxpr, consts, *ct_leaves))
        if not isinstance(cts, (tuple, list)):
            cts = (cts,)
        if len(cts) != rule.nargs:
            raise TypeError(f"custom_gradient: grad_fn returned {len(cts)} cotangent(s), but "
                            f"the function takes {rule.nargs} argument(s). Fix: return a tuple "
                            "with one cotangent per argument.")
        return tuple(cts)

    wrapped.defvjp(fwd, bwd)
    return wrapped


def _type_str(x):
    if isinstance(x, tuple):
        return f"a tuple of length {len(x)}"
    return f"a value of type {type(x).__name__}"


# ---------------------------------------------------------------- ensure_compile_time_eval


class _CompileTimeEvalTrace(Trace):
    """Evaluates operations on concrete values at once (on numpy) instead of recording them;
    operations that involve traced values go to the enclosing trace as usual."""

    __slots__ = ("transform_name",)

    def __init__(self, parent):
        super().__init__(parent)
        self.transform_name = getattr(parent, "transform_name", "a transform")

    def process(self, prim, args, params):
        for a in args:
            if isinstance(a, Tracer):
                return bind_on(self.parent, prim, args, params)
        return bind_on(EVAL_TRACE, prim, args, params)


@contextlib.contextmanager
def ensure_compile_time_eval() -> Any:
    """Context manager: inside jit (or make_jaxpr, a control-flow body, ...), operations whose
    operands are all concrete (constants, closed-over arrays, literals) run immediately on
    numpy and give concrete arrays, instead of being recorded in the program; operations on
    traced values are recorded as usual. Outside such tracing it changes nothing (eager
    operations already run at once).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> @fg.jit
    ... def f(x):
    ...     with fg.ensure_compile_time_eval():
    ...         n = float(fnp.sum(fnp.arange(4.0)))  # concrete: float() works
    ...     return x * n
    >>> f(2.0)
    array(12.)
    """
    parent = current_trace()
    if parent is EVAL_TRACE:
        yield
        return
    with set_trace(_CompileTimeEvalTrace(parent)):
        yield


# ---------------------------------------------------------------- names


def named_call(fun: Fun, *, name: str | None = None) -> Fun:
    """`fun` under a name (JAX uses it in profiles and the IR); fungrad returns an equivalent
    function with that __name__, so errors and jit's generated code show it.

    >>> import fungrad as fg
    >>> inc = fg.named_call(lambda x: x + 1, name="inc")
    >>> inc.__name__, inc(1)
    ('inc', 2)
    """
    if name is not None and not isinstance(name, str):
        raise TypeError(f"named_call: name must be a string, got {type(name).__name__}.")

    @functools.wraps(fun)
    def named(*args, **kwargs):
        return fun(*args, **kwargs)

    if name is not None:
        named.__name__ = named.__qualname__ = name
    return named


@contextlib.contextmanager
def named_scope(name: str) -> Any:
    """Context manager naming the operations inside it (JAX: for profiles and the IR); a
    no-op in fungrad beyond checking the name.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> with fg.named_scope("layer1"):
    ...     y = fnp.tanh(0.0)
    >>> y
    array(0.)
    """
    if not isinstance(name, str):
        raise TypeError(f"named_scope name argument must be a string, got {name!r} of type "
                        f"{type(name).__name__}.")
    yield
