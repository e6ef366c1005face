"""Structured control flow with JAX's signatures: cond, switch, scan, while_loop, fori_loop, map.

Each traces its function arguments once to sub-programs (on abstract values) and binds a
higher-order primitive, so every transform (grad, jvp, vmap, jit, make_jaxpr) understands it.

Imports: _core, _lax, _interp.staging, _hop, _api.args.
"""
from __future__ import annotations

from typing import Sequence

from fungrad._core.typing import ArrayLike, Fun, PyTree
import numpy as np

from fungrad._api.args import as_leaf
from fungrad._core.aval import shaped
from fungrad._core.dtypes import short_name
from fungrad._core.errors import ShapeError
from fungrad._core.trace import Tracer, get_aval
from fungrad._core.tree import tree_flatten, tree_unflatten
from fungrad._hop._util import aval_of, rewire, run, stage_closed
from fungrad._hop.cond import bind_cond
from fungrad._hop.scan import bind_scan
from fungrad._hop.while_loop import bind_while
from fungrad._lax import convert_element_type, ne
from fungrad._lax import max as lax_max
from fungrad._lax import min as lax_min


def _flat(tree):
    leaves, treedef = tree_flatten(tree)
    return [as_leaf(x) for x in leaves], treedef


def _types(avals):
    return "(" + ", ".join(a.str_short() for a in avals) + ")"


def _check_branch_outputs(names, staged):
    """All branches must return the same tree of the same types; name the first mismatch."""
    _, _, tree0 = staged[0]
    avals0 = staged[0][0].out_avals
    for name, (jaxpr, _, tree) in zip(names[1:], staged[1:]):
        if tree != tree0:
            raise TypeError(
                f"{names[0]} and {name} must return the same tree structure, but {names[0]} "
                f"returns {tree0!r} and {name} returns {tree!r}. Fix: return the same pytree "
                "structure from every branch.")
        for i, (a, b) in enumerate(zip(avals0, jaxpr.out_avals)):
            if a != b:
                raise TypeError(
                    f"{names[0]} and {name} must return the same types, but output {i} (leaf "
                    f"{i} of {tree0!r}) is {a.str_short()} in {names[0]} and {b.str_short()} "
                    f"in {name}. Fix: cast or reshape so both branches agree, e.g. "
                    f"x.astype({a.dtype.name!r}).")


def _branches(funs, names, operands, reference_last=False):
    """Stage each branch on the operands; give all of them one signature (all consts, ops)."""
    leaves, in_tree = _flat(tuple(operands))
    avals = [aval_of(x) for x in leaves]
    staged = [stage_closed(lambda *xs, f=f: f(*tree_unflatten(in_tree, xs)), avals,
                           f"branch {n}") for f, n in zip(funs, names)]
    order = list(range(len(funs)))[::-1] if reference_last else range(len(funs))
    _check_branch_outputs([names[k] for k in order], [staged[k] for k in order])
    consts = [c for _, cs, _ in staged for c in cs]
    c_avals = [get_aval(c) for c in consts]
    branches, start = [], 0
    n = len(consts)
    for jaxpr, cs, _ in staged:
        lo, hi = start, start + len(cs)
        start = hi

        def body(*xs, j=jaxpr, lo=lo, hi=hi):  # this branch's consts, then the operands
            return run(j, *xs[lo:hi], *xs[n:])

        branches.append(rewire(jaxpr, c_avals + avals, body, "cond branch"))
    return branches, consts + leaves, staged[0][2]


def switch(index: ArrayLike, branches: Sequence[Fun], *operands: PyTree) -> PyTree:
    """Apply branches[index](*operands); index is clamped to [0, len(branches) - 1].

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.lax.switch(1, [fnp.sin, fnp.cos], 0.0)
    array(1.)
    """
    if isinstance(branches, (str, bytes, dict)) or not hasattr(branches, "__iter__"):
        raise TypeError(f"switch: branches must be a sequence of functions, got "
                        f"{type(branches).__name__} {branches!r:.40}. Fix: pass [f, g, ...].")
    branches = list(branches)
    if not branches:
        raise ValueError("switch needs at least one branch")
    aval = get_aval(index)
    if aval.shape != () or not np.issubdtype(aval.dtype, np.integer):
        raise TypeError(f"switch: the index must be an integer scalar, got {aval.str_short()}. "
                        "Fix: pass an int, or convert with .astype(int).")
    hi = len(branches) - 1
    if isinstance(index, Tracer):
        index = convert_element_type(index, np.int32)
        index = lax_min(lax_max(index, np.int32(0)), np.int32(hi))
    else:
        index = np.int32(min(max(int(index), 0), hi))  # type: ignore[arg-type]  # concrete here
    names = [f"branch {k}" for k in range(len(branches))]
    jaxprs, ops, out_tree = _branches(branches, names, operands)
    return tree_unflatten(out_tree, bind_cond(index, ops, jaxprs))


def cond(pred: ArrayLike, true_fun: Fun, false_fun: Fun, *operands: PyTree) -> PyTree:
    """true_fun(*operands) if pred else false_fun(*operands), for a traced scalar pred.

    Both branches are traced; under vmap with a batched pred both run and a select picks.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.lax.cond(True, lambda x: x + 1, lambda x: x - 1, 1.0)
    array(2.)
    """
    aval = get_aval(pred)
    if aval.shape != ():
        raise TypeError(f"cond: pred must be a scalar, got {aval.str_short()}. Fix: reduce it "
                        "(e.g. fnp.all / fnp.any), or use fnp.where for an elementwise choice.")
    if isinstance(pred, Tracer):
        if aval.dtype != np.bool_:
            pred = ne(pred, np.zeros((), aval.dtype))
        index = convert_element_type(pred, np.int32)
    else:
        index = np.int32(bool(pred))
    jaxprs, ops, out_tree = _branches([false_fun, true_fun], ["false_fun", "true_fun"], operands,
                                      reference_last=True)
    return tree_unflatten(out_tree, bind_cond(index, ops, jaxprs))


def _leading_length(x_leaves, length):
    lengths = {get_aval(x).shape[0] if get_aval(x).ndim else None for x in x_leaves}
    if None in lengths:
        raise ShapeError("scan: every leaf of xs must have a leading axis to scan over, but one "
                         "is a scalar. Fix: give xs a leading (time) axis.")
    if length is not None:
        lengths.add(int(length))
    if not lengths:
        raise ValueError("scan: with xs=None (or no leaves) the number of steps is unknown. "
                         "Fix: pass length=.")
    if len(lengths) > 1:
        shapes = ", ".join(get_aval(x).str_short() for x in x_leaves)
        raise ShapeError(f"scan: xs leaves have different leading sizes ({shapes}"
                         + (f"; length={length}" if length is not None else "")
                         + "). Fix: every xs leaf must have the same length along axis 0.")
    return lengths.pop()


def scan(f: Fun, init: PyTree, xs: PyTree = None, length: int | None = None, reverse: bool = False,
         unroll: int | bool = 1) -> tuple[PyTree, PyTree]:
    """Loop `carry, y = f(carry, x)` over the leading axis of xs; returns (carry, stacked ys).

    carry, xs and ys are pytrees. reverse=True scans from the end (ys stay in xs order).
    `unroll` is accepted for JAX compatibility and has no effect. Reverse mode runs a reverse
    scan over per-step residuals, so the program does not grow with the number of steps.

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.lax.scan(lambda c, x: (c + x, c * x), 0.0, fnp.arange(4.0))
    (array(6.), array([0., 0., 2., 9.]))
    """
    del unroll
    c_leaves, c_tree = _flat(init)
    x_leaves, x_tree = _flat(xs)
    n = _leading_length(x_leaves, length)
    c_avals = [aval_of(c) for c in c_leaves]
    x_avals = [shaped(get_aval(x).shape[1:], get_aval(x).dtype) for x in x_leaves]
    nc = len(c_leaves)

    def body(*a):
        return f(tree_unflatten(c_tree, a[:nc]), tree_unflatten(x_tree, a[nc:]))

    jaxpr, consts, out_tree = stage_closed(body, c_avals + x_avals, "scan body")
    if out_tree.kind is not tuple or len(out_tree.children()) != 2:
        raise TypeError(f"scan: the body must return a pair (carry, y), but it returned a value "
                        f"of structure {out_tree!r}.")
    carry_tree, y_tree = out_tree.children()
    _check_carry("scan", c_tree, c_avals, carry_tree, jaxpr.out_avals[:nc])
    outs = bind_scan(consts, c_leaves, x_leaves, jaxpr, n, reverse)
    return tree_unflatten(c_tree, outs[:nc]), tree_unflatten(y_tree, outs[nc:])


def _check_carry(name, in_tree, in_avals, out_tree, out_avals):
    if in_tree != out_tree:
        raise TypeError(f"{name}: the body must return a carry of the same structure as its "
                        f"input, but it takes {in_tree!r} and returns {out_tree!r}.")
    for i, (a, b) in enumerate(zip(in_avals, out_avals)):
        if a != b:
            raise TypeError(
                f"{name}: the body's carry output must have the same types as its input, but "
                f"carry leaf {i} (of {in_tree!r}) enters as {a.str_short()} and leaves as "
                f"{b.str_short()}. Fix: cast the initial value or the update so they agree, "
                f"e.g. init as {short_name(b.dtype)} or .astype({a.dtype.name!r}).")


def while_loop(cond_fun: Fun, body_fun: Fun, init_val: PyTree) -> PyTree:
    """Repeat `val = body_fun(val)` while `cond_fun(val)`; returns the final val (a pytree).

    Forward mode (jvp) and vmap work; reverse mode raises (use fori_loop, scan or custom_vjp).

    >>> import fungrad as fg
    >>> fg.lax.while_loop(lambda x: x < 10, lambda x: x * 2, 1)
    array(16)
    """
    leaves, tree = _flat(init_val)
    avals = [aval_of(x) for x in leaves]
    unflat = lambda xs: tree_unflatten(tree, xs)
    cond_j, cond_c, cond_tree = stage_closed(lambda *xs: cond_fun(unflat(xs)), avals,
                                             "while_loop cond_fun")
    out = cond_j.out_avals
    if cond_tree.num_leaves != 1 or out[0].shape != () or out[0].dtype != np.bool_:
        raise TypeError(f"while_loop: cond_fun must return a boolean scalar, but it returned "
                        f"{_types(out)}. Fix: compare, e.g. `x < n`, or reduce with fnp.all.")
    body_j, body_c, body_tree = stage_closed(lambda *xs: body_fun(unflat(xs)), avals,
                                             "while_loop body_fun")
    _check_carry("while_loop", tree, avals, body_tree, body_j.out_avals)
    return unflat(bind_while(cond_c, body_c, leaves, cond_j, body_j))


def fori_loop(lower: ArrayLike, upper: ArrayLike, body_fun: Fun, init_val: PyTree) -> PyTree:
    """`for i in range(lower, upper): val = body_fun(i, val)`; returns val.

    With Python-int (static) bounds it lowers to scan and supports reverse mode; with traced
    bounds it is a while_loop (forward mode and vmap only).

    >>> import fungrad as fg
    >>> fg.lax.fori_loop(0, 4, lambda i, x: x + i, 0)
    array(6)
    """
    if not isinstance(lower, Tracer) and not isinstance(upper, Tracer):
        lo, hi = int(lower), int(upper)  # type: ignore[arg-type]  # concrete here
        i0 = np.asarray(lo, np.result_type(np.asarray(lower), np.asarray(upper)))

        def step(carry, _):
            i, val = carry
            return (i + np.ones((), i0.dtype), body_fun(i, val)), None

        (_, val), _ = scan(step, (i0, init_val), None, length=max(hi - lo, 0))
        return val
    dtype = np.result_type(get_aval(lower).dtype, get_aval(upper).dtype)
    lower = convert_element_type(as_leaf(lower), dtype)
    upper = convert_element_type(as_leaf(upper), dtype)
    one = np.ones((), dtype)
    _, _, val = while_loop(lambda c: c[0] < c[1],
                           lambda c: (c[0] + one, c[1], body_fun(c[0], c[2])),
                           (lower, upper, init_val))
    return val


def map(f: Fun, xs: PyTree) -> PyTree:
    """[f(x) for x in xs] along the leading axis, stacked; sequential (a scan with no carry).

    >>> import fungrad as fg, fungrad.numpy as fnp
    >>> fg.lax.map(lambda x: x * 2, fnp.arange(3.0))
    array([0., 2., 4.])
    """
    return scan(lambda _, x: (None, f(x)), None, xs)[1]
