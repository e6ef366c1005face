"""Elementwise fusion for generated numpy code: a chain of elementwise equations over a large
array becomes one numexpr call, one pass over memory instead of one per operation.

Runs at code generation (codegen calls `fuse` on each program it generates for the numpy
backend), after every transform and optimization: the programs that jit caches and transforms
are never fused, only their generated code is. Without numexpr installed (the `fuse` extra,
`pip install fungrad[fuse]`), or with `jit(..., fuse=False)`, programs are left as they are.

Modes (`jit(f, fuse=...)`):
- "exact" (the default): only operations whose numexpr result is bit-for-bit numpy's, on every
  CPU: + - * / and negation (IEEE operations, correctly rounded in both), comparisons, where,
  sqrt, abs, floor, ceil, copysign, maximum/minimum and bitwise logic on the dtypes in `EXACT_OPS`.
  Each element is computed by the same operations in the same order as the unfused code, so the
  fused result equals eager evaluation bit for bit. numexpr compiles with optimization="none"
  (its default rewrites `x / c` to `x * (1/c)` and `x**0.5` to sqrt, which round differently).
- "approx": also transcendental functions (exp, log, tanh, sin, ... and power), which numexpr
  takes from the C library while numpy uses its own SIMD implementations on many CPUs: results
  may differ from eager in the last bits (within 4 ulp, the tolerance tests/test_fusion.py
  checks), as with JAX's and PyTorch's compilers.

numexpr does not report floating-point exceptions: where numpy warns (or raises, under
`np.errstate`) about an invalid value or an overflow, the fused call computes the same values
silently, as JAX's compiled code does.

Fusion is done where it pays, by measurement (benchmarks/fusion.py): numexpr's interpreter,
single-threaded, is slower per operation than numpy's SIMD loops while the arrays fit in the
CPU's cache, so a group is fused only when its result has at least MIN_BYTES bytes and it has
at least MIN_OPS operations; smaller programs are generated exactly as before. numexpr's
thread pool is numexpr's setting (`numexpr.set_num_threads`, NUMEXPR_NUM_THREADS): threads
change no result (every element is computed alone), only the speed.

Grouping: walking the program backwards, an elementwise equation joins the group of its
consumers when every consumer is in one group, its result has that group's shape (operands of
smaller shapes broadcast as inputs, they are not recomputed per element) and it is no output.
The group becomes one equation of `fused_p`, whose emission is a call of the compiled numexpr
kernel; the memory plan may give it a dead buffer to write into (`out=`), never one an operand
views (numexpr, unlike numpy, does not guard against overlapping operands).

Imports: _core, _lax (the elementwise primitives), passes._util.
"""
import numpy as np

from fungrad._core.aval import shaped
from fungrad._core.eval import eval_jaxpr
from fungrad._core.ir import ClosedJaxpr, Eqn, Jaxpr, Literal, Var
from fungrad._core.primitive import NOT_LINEAR, Emit, Exempt, Primitive, Ufunc, register
from fungrad._interp.passes._util import producers_consumers
from fungrad._lax.arith import select_p

EXACT, APPROX = "exact", "approx"
MODES = (False, EXACT, APPROX)

# Thresholds by measurement (benchmarks/fusion.py, one thread): below these numpy's loops win.
MIN_BYTES = 8 << 20  # bytes of a group's result (operands of this size leave a 32 MiB L3)
MIN_OPS = 3  # operations in a group
MAX_OPS = 64  # operations in a group (numexpr's registers are limited)
MAX_INPUTS = 24  # operands of a group (numpy's iterator takes at most 64)
MAX_TEXT = 4000  # characters of a group's expression (shared subexpressions are repeated)

# numexpr's types (its signatures name float32 as Python's float)
_NE_TYPE = {np.dtype(np.float64): np.float64, np.dtype(np.float32): float,
            np.dtype(np.int64): np.int64, np.dtype(np.int32): np.int32,
            np.dtype(np.bool_): bool}

# numpy ufunc -> (numexpr text over the operands, the operand dtypes it serves). The exact
# table holds what benchmarks/fusion.py finds bit-identical: numexpr's float32 maximum, minimum
# and copysign differ from numpy's (nan, signed zeros), so they serve float64 only.
_FLOAT = ("float64", "float32")
_NUM = _FLOAT + ("int64", "int32")
_BIN = {np.add: "+", np.subtract: "-", np.multiply: "*", np.true_divide: "/",
        np.less: "<", np.less_equal: "<=", np.greater: ">", np.greater_equal: ">=",
        np.equal: "==", np.not_equal: "!="}
EXACT_OPS = {u: (f"({{0}} {op} {{1}})", _NUM if op != "/" else _FLOAT) for u, op in _BIN.items()}
EXACT_OPS.update({
    np.negative: ("(-{0})", _NUM),
    np.sqrt: ("sqrt({0})", _FLOAT), np.absolute: ("abs({0})", _FLOAT),
    np.floor: ("floor({0})", _FLOAT), np.ceil: ("ceil({0})", _FLOAT),
    np.copysign: ("copysign({0}, {1})", ("float64",)),
    np.maximum: ("maximum({0}, {1})", ("float64",)),
    np.minimum: ("minimum({0}, {1})", ("float64",)),
    np.bitwise_and: ("({0} & {1})", ("bool",)), np.bitwise_or: ("({0} | {1})", ("bool",)),
    np.bitwise_xor: ("({0} ^ {1})", ("bool",)), np.invert: ("(~{0})", ("bool",)),
    np.where: ("where({0}, {1}, {2})", _NUM + ("bool",)),
})
# numpy computes these with SIMD code chosen per CPU, numexpr with the C library's: they may
# differ in the last bits (fused only with fuse="approx")
APPROX_OPS = {u: (f"{u.__name__}({{0}})", _FLOAT) for u in (
    np.exp, np.expm1, np.log, np.log1p, np.log10, np.sin, np.cos, np.tan, np.sinh, np.cosh,
    np.tanh, np.arcsin, np.arccos, np.arctan, np.arcsinh, np.arccosh, np.arctanh)}
APPROX_OPS[np.arctan2] = ("arctan2({0}, {1})", _FLOAT)
APPROX_OPS[np.power] = ("({0} ** {1})", _FLOAT)

_numexpr_module = None


def numexpr_module():
    """numexpr, or None where it is not installed (then nothing is fused)."""
    global _numexpr_module
    if _numexpr_module is None:
        try:
            import numexpr
        except ImportError:
            numexpr = False
        _numexpr_module = numexpr
    return _numexpr_module or None


def check_mode(mode):
    """`mode` as one of MODES (True means "exact"), or a ValueError naming the choices."""
    if mode is True:
        return EXACT
    if mode is None:
        return False
    if mode not in MODES:
        raise ValueError(f"jit: fuse={mode!r} is not a fusion mode. Fix: pass fuse='exact' (the "
                         "default: only bit-identical operations), fuse='approx' (also exp, log, "
                         "tanh, ...: within a few ulp of eager) or fuse=False.")
    return mode


def _template(eqn, mode):
    """(numexpr text, operand dtype) for an equation fusion may take, else None."""
    p = eqn.prim
    if p.multiple_results or len(eqn.outvars) != 1:
        return None
    if p is select_p:
        fn = np.where
    elif type(p.emit) is Ufunc and p.emit.applies(eqn):
        fn = p.emit.fn
    else:
        return None
    entry = EXACT_OPS.get(fn) or (APPROX_OPS.get(fn) if mode == APPROX else None)
    if entry is None:
        return None
    text, dtypes = entry
    out = eqn.outvars[0].aval
    if out.dtype not in _NE_TYPE or not out.shape:
        return None
    typed = eqn.invars[1:] if fn is np.where else eqn.invars
    dtype = typed[0].aval.dtype if type(typed[0]) is not Literal else out.dtype
    if fn is np.where:
        cond = eqn.invars[0]
        if cond.aval.dtype != np.bool_ or (type(cond) is Literal and cond.aval.shape):
            return None
    if dtype.name not in dtypes:
        return None
    for v in typed:
        if type(v) is Literal:
            if v.aval.shape or not _fits_literal(v, dtype):
                return None
        elif v.aval.dtype != dtype:
            return None
    return text, dtype


_KIND_ORDER = {"b": 0, "u": 1, "i": 1, "f": 2}


def _fits_literal(lit, dtype):
    """A scalar literal numpy takes at `dtype`: of that dtype, or a weak Python scalar of a kind
    that converts to it (a bool or int to a float; numpy computes int + 2.5 in float64) and a
    value in its range."""
    if lit.aval.dtype == dtype:
        return True
    if not lit.aval.weak_type or _KIND_ORDER.get(lit.aval.dtype.kind, 9) > _KIND_ORDER[dtype.kind]:
        return False
    try:
        with np.errstate(over="raise"):
            np.asarray(lit.val, dtype)
    except (OverflowError, ValueError, FloatingPointError):
        return False
    return True


def fuse(closed, mode=EXACT):
    """`closed` with its large elementwise chains as `fused_p` equations (or as it is)."""
    if not mode or numexpr_module() is None:
        return closed
    j = closed.jaxpr
    eqns = j.eqns
    n = len(eqns)
    producer, users = producers_consumers(j)  # an output's users include n: never joined
    templates = {}
    group = {}  # eqn index -> index of its group's root (the last equation)
    members = {}
    for i in range(n - 1, -1, -1):
        t = _template(eqns[i], mode)
        if t is None:
            continue
        templates[i] = t
        v = eqns[i].outvars[0]
        roots = {group.get(c) for c in users.get(v, ())}
        if len(roots) == 1 and None not in roots:
            r = roots.pop()
            if (eqns[r].outvars[0].aval.shape == v.aval.shape
                    and len(members[r]) < MAX_OPS):
                group[i] = r
                members[r].append(i)
                continue
        group[i] = i
        members[i] = [i]
    fused = {}
    for r, idx in members.items():
        aval = eqns[r].outvars[0].aval
        if len(idx) < MIN_OPS or aval.size * aval.dtype.itemsize < MIN_BYTES:
            continue
        eqn = _fused_eqn(eqns, sorted(idx), templates, producer)
        if eqn is not None:
            fused[r] = eqn
    if not fused:
        return closed
    skip = {i for r in fused for i in members[r]}
    new = [fused[i] if i in fused else e for i, e in enumerate(eqns) if i not in skip or i in fused]
    return ClosedJaxpr(Jaxpr(j.constvars, j.invars, new, j.outvars), closed.consts)


def _fused_eqn(eqns, idx, templates, producer):
    """One fused_p equation computing the group `idx` (indices in program order), or None.
    Its operands are the group's inputs: variables, and the literals at the dtype the operation
    takes them (a Python scalar combined with float32 is float32, as numpy takes it)."""
    inside = set(idx)
    inputs = {}  # Var, or a literal's (dtype, bytes) -> the sub-program's input Var
    in_atoms = []
    text = {}
    sub_eqns = []
    for i in idx:
        e = eqns[i]
        tmpl, dtype = templates[i]
        args = []
        sub_in = []
        for k, v in enumerate(e.invars):
            if type(v) is not Literal and producer.get(v) in inside:
                args.append(text[v])
                sub_in.append(v)
                continue
            if type(v) is Literal:
                want = np.dtype(bool) if (e.prim is select_p and k == 0) else dtype
                val = np.asarray(v.val, want)
                inline = _inline(val)
                if inline is not None:  # float64 and int64 constants are exact in the text
                    args.append(inline)
                    sub_in.append(v)
                    continue
                key = (want.str, val.tobytes())
                atom = Literal(val, shaped((), want))
            else:
                key = atom = v
            if key not in inputs:
                inputs[key] = (len(in_atoms), Var(atom.aval))
                in_atoms.append(atom)
            pos, var = inputs[key]
            args.append(f"x{pos}")
            sub_in.append(var)
        text[e.outvars[0]] = tmpl.format(*args)
        sub_eqns.append(Eqn(e.prim, sub_in, e.outvars, e.params))
    out = eqns[idx[-1]].outvars[0]
    if len(in_atoms) > MAX_INPUTS or len(text[out]) > MAX_TEXT:
        return None
    sub = ClosedJaxpr(Jaxpr([], [var for _, var in inputs.values()], sub_eqns, [out]), [])
    return Eqn(fused_p, in_atoms, [out], {"expr": text[out], "ops": len(idx), "jaxpr": sub})


def _inline(val):
    """numexpr text for a constant it reads at `val`'s dtype exactly (float64: finite ones but
    -0.0, which numexpr's parser reads as 0.0; int64), else None (passed as an operand)."""
    if val.dtype == np.float64 and np.isfinite(val) and not (val == 0 and np.signbit(val)):
        text = repr(float(val))
    elif val.dtype == np.int64:
        text = repr(int(val))
    else:
        return None
    return f"({text})" if text.startswith("-") else text


class Kernel:
    """A compiled numexpr expression, called as the generated code calls it."""

    __slots__ = ("ex", "expr")

    def __init__(self, expr, dtypes):
        ne = numexpr_module()
        sig = [(f"x{k}", _NE_TYPE[d]) for k, d in enumerate(dtypes)]
        self.expr = expr
        self.ex = ne.NumExpr(expr, sig, optimization="none", truediv=True)

    def __call__(self, *args, out=None):
        return self.ex(*args, out=out, order="K", casting="safe", ex_uses_vml=False)

    def __repr__(self):
        return f"numexpr kernel {self.expr!r}"


def emit_fused(ctx, eqn, args, out=None):
    """Source calling the group's kernel (a global) on `args`, into `out` if given."""
    kernel = Kernel(eqn.params["expr"], [a.aval.dtype for a in eqn.invars])
    call = f"{ctx.glob(kernel, 'fused')}({', '.join(args)}"
    return call + (f", out={out})" if out is not None else ")")


def _impl(*args, expr, ops, jaxpr):
    out, = eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *args)
    return out


_CODEGEN_ONLY = Exempt("fused_p exists only in generated code, made after every transform")
fused_p = register(
    Primitive("fused_elementwise"), impl=_impl,
    abstract_eval=lambda *avals, expr, ops, jaxpr: jaxpr.jaxpr.outvars[0].aval,
    jvp=_CODEGEN_ONLY, transpose=NOT_LINEAR, batch=_CODEGEN_ONLY,
    emit=Emit(emit_fused, fresh=True, on=("numpy",)))
