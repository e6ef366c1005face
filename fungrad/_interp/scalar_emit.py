"""Generated code for programs of tiny values: a program whose every value is 0-d float64 or
bool runs as Python floats and bools with the `math` module and plain operators, which cost tens
of nanoseconds where a numpy call on a 0-d array costs about 0.5-1 us (the scalar chain of
benchmarks/run.py: about 30x less time per operation).

The fast function is exact: it returns what the numpy code returns, bit for bit and in type,
because it only ever computes where the two provably agree, and otherwise runs the numpy code
(the "general" function generated beside it, codegen's usual output) on the same arguments:

- Every value in the fast function is finite. The inputs are checked on entry and every result
  that may not be finite is checked (`if x - x:` is true for inf and nan only); a non-finite
  value, or an exception of `math` (math.log(0) raises ValueError where np.log gives -inf, 1.0/0.0
  raises ZeroDivisionError, math.exp(1000) raises OverflowError, math.pow of a negative base
  with a fractional exponent raises ValueError where numpy gives nan) runs the general function,
  which gives numpy's inf/nan, its warnings and its errstate behaviour (np.errstate(all="raise")
  raises FloatingPointError there, as eagerly). numpy only reports overflow, invalid and
  divide-by-zero with a non-finite result, so on finite values the fast function has nothing
  to report; underflow, which gives finite results, is reported only where np.seterr asks for
  it, and then the fast function is not used (`errstate_ok`).
- On finite floats, + - * / and sqrt, fmod, copysign, nextafter, comparisons, abs and negation
  are IEEE operations with one correct result, so Python's and numpy's agree. floor, ceil,
  trunc and round (half to even) give integers, and copysign restores the sign of a zero result
  (np.ceil(-0.5) is -0.0). max/min return the second operand on ties in numpy (maximum(0.0,
  -0.0) is -0.0 on x86-64 SIMD): ties call numpy. sign(-0.0) is 0.0 in numpy.
- Transcendental functions (sin, exp, log, pow, ...) are rounded approximations whose last bit
  depends on the implementation: numpy uses libm (as `math` does) on some CPUs and its own SIMD
  code on others (SVML with AVX-512, its own tanh with AVX2). Each `math` function is used
  only after `math_agrees` found it bit-identical to the numpy ufunc on this machine (a few
  thousand fixed inputs across every magnitude, by 0-d calls as eager evaluation makes them and
  by a vector call; once per function and process). Where it differs, the operation calls the
  numpy ufunc on the float (`_call_numpy`). Measured with numpy 2.4.6 on x86-64 with AVX2
  (X86_V3, no AVX-512), 500,000+ finite inputs each (benchmarks/scalar_math.py): sin cos tan
  asin acos atan sinh cosh asinh acosh atanh exp exp2 expm1 log log2 log10 log1p sqrt cbrt pow
  atan2 fmod nextafter copysign are identical; tanh differs in 14% of inputs (numpy's own
  AVX2 tanh), so tanh calls numpy.
- Primitives without a Python form (logistic, erf, ... : CallImpl, or a ufunc `math` lacks)
  call their impl on a 0-d array, as eager evaluation does (`_call_numpy`, under
  np.errstate(all="ignore"): a non-finite result reruns the program in numpy, which reports
  it once). A program with more such calls than Python operations stays on the numpy code.

Large programs (NATIVE_MIN_OPS operations or more, llvmlite installed: the `scalar` extra) also
get a native kernel, the same operations as LLVM IR compiled on the first call (see "the native
kernel" below): the 1162 operations of the 500-op scalar chain's gradient take about 9-10 us
instead of 20-25 us as Python floats (JAX jit: 18-23 us), after 0.2-0.4 s of compiling. It keeps
the rules above: finite values only (a flag instead of exceptions), numpy where the result
could differ, libm functions only where a probe finds them equal to numpy's ufuncs.

Imports: _core, _lax.
"""
import collections
import ctypes
import ctypes.util
import fractions
import functools
import importlib.util
import itertools
import math
import sys
import threading
import weakref

import numpy as np

from fungrad._core.cache import lru_cache_table
from fungrad._core.fp_errors import errstate_now
from fungrad._core.ir import Literal
from fungrad._core.trace import as_result
from fungrad._core.primitive import CallImpl, Emit, Ufunc
from fungrad._lax.arith import convert_p, select_p
from fungrad._lax.math import integer_pow_p

F64 = np.dtype(np.float64)
BOOL = np.dtype(np.bool_)
_SCALAR_DTYPES = (F64, BOOL)

# ---- numpy's error state: the fast function is used only where underflow is not reported
_ERRSTATE_OK = [None]  # the last error state found to ignore underflow (numpy's default)


def errstate_ok():
    """Whether numpy's error state ignores underflow (so finite results report nothing)."""
    state = errstate_now()
    if state is _ERRSTATE_OK[0]:
        return True
    if np.geterr()["under"] != "ignore":
        return False
    _ERRSTATE_OK[0] = state
    return True


# ---- which math functions equal numpy's ufuncs on this machine

# numpy ufunc -> the math function of the same rounded result (checked by math_agrees)
_MATH = {np.sin: "sin", np.cos: "cos", np.tan: "tan", np.arcsin: "asin", np.arccos: "acos",
         np.arctan: "atan", np.sinh: "sinh", np.cosh: "cosh", np.tanh: "tanh",
         np.arcsinh: "asinh", np.arccosh: "acosh", np.arctanh: "atanh", np.exp: "exp",
         np.exp2: "exp2", np.expm1: "expm1", np.log: "log", np.log2: "log2",
         np.log10: "log10", np.log1p: "log1p", np.sqrt: "sqrt", np.cbrt: "cbrt",
         np.power: "pow", np.arctan2: "atan2", np.fmod: "fmod", np.nextafter: "nextafter",
         np.copysign: "copysign"}
_agrees = lru_cache_table("scalar_math_agrees", 64)
_DEFAULT_INPUTS = []  # probe_inputs(), made once


def probe_inputs(n=2048, seed=0):
    """Finite float64 inputs across every magnitude (fixed: the probe is deterministic)."""
    rng = np.random.default_rng(seed)
    k = n // 8
    sign = rng.choice([-1.0, 1.0], 4 * k)
    with np.errstate(over="ignore"):
        big = np.exp(rng.uniform(-745, 710, 2 * k)) * sign[2 * k:]
    x = np.concatenate([
        rng.uniform(-1, 1, k), rng.uniform(-10, 10, k), rng.uniform(0, 3, k),
        rng.standard_normal(k) * 1e3, np.exp(rng.uniform(-50, 50, 2 * k)) * sign[:2 * k],
        big,
        [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 3.0, 1e-310, -1e-310, 5e-324, 1e308, -1e308,
         np.pi, -np.pi, np.pi / 2, 709.78, 709.79, -745.1, -708.4, 710.0, 1e22, 1e300]])
    return x[np.isfinite(x)]


def _probe_pairs(x, seed=1):
    # nonzero bases for pow: the fast function calls numpy for a zero base (see _pow_expr)
    x = x[x != 0.0]
    rng = np.random.default_rng(seed)
    exps = np.concatenate([rng.uniform(-3, 3, len(x) // 2),
                           rng.integers(-4, 6, len(x) - len(x) // 2).astype(np.float64)])
    exps[:24] = [0.0, 1.0, 2.0, 3.0, 0.5, -1.0, -2.0, -0.5, 4.0, 5.0, 1.5, -3.0] * 2
    return x, rng.permutation(exps)


def _bits_equal(a, b):
    return np.asarray(a, F64).view(np.int64) == np.asarray(b, F64).view(np.int64)


def math_agrees(ufunc, inputs=None, zero_d=512):
    """Whether `math.<name>` gives numpy's `ufunc` bit for bit on `inputs` (default
    probe_inputs()), wherever both are finite: by one vector call, and by 0-d calls (eager
    evaluation's; numpy may take other paths for them) on the first `zero_d`. Cached per ufunc
    for the default inputs."""
    name = _MATH.get(ufunc)
    fn = getattr(math, name, None) if name else None
    if fn is None:
        return False
    default = inputs is None
    if default:
        hit = _agrees.get(ufunc)
        if hit is not None:
            return hit
        if not _DEFAULT_INPUTS:
            _DEFAULT_INPUTS.append(probe_inputs())
        inputs = _DEFAULT_INPUTS[0]
    return _agrees_on(ufunc, fn, inputs, zero_d, _agrees if default else None)


def _agrees_on(ufunc, fn, inputs, zero_d, cache):
    """Whether fn(*xs) gives ufunc's bits wherever either result is finite (math's errors count
    as non-finite; a finite result where numpy's is not would be returned as is)."""
    args = (inputs,) if ufunc.nin == 1 else _probe_pairs(inputs)
    with np.errstate(all="ignore"):
        want = ufunc(*args)
        want0 = [ufunc(*[a[i, ...] for a in args]) for i in range(min(zero_d, len(want)))]
    ok = bool(np.all(_bits_equal(want[:len(want0)], np.asarray(want0, F64))
                     | ~np.isfinite(want[:len(want0)])))
    got = np.full(len(want), np.nan)
    for i, xs in enumerate(zip(*[a.tolist() for a in args])):
        try:
            got[i] = fn(*xs)
        except (ValueError, ArithmeticError):
            pass  # the fast function runs numpy there
    both = np.isfinite(got) & np.isfinite(want)
    ok = ok and bool(np.all(_bits_equal(got[both], want[both])))
    ok = ok and not np.any(np.isfinite(got) & ~np.isfinite(want))
    if cache is not None:
        cache[ufunc] = ok
    return ok


# ---- the rules: (ctx, eqn, operand expressions) -> (expression, may_be_nonfinite,
#      calls_numpy), or None where the equation has no Python form

_OPERATORS = {np.add: "{0} + {1}", np.subtract: "{0} - {1}", np.multiply: "{0} * {1}",
              np.divide: "{0} / {1}"}
_COMPARISONS = {np.less: "<", np.less_equal: "<=", np.greater: ">", np.greater_equal: ">=",
                np.equal: "==", np.not_equal: "!="}
_LOGICAL = {np.bitwise_and: "&", np.bitwise_or: "|", np.bitwise_xor: "^"}
_ROUNDING = {np.floor: math.floor, np.ceil: math.ceil, np.trunc: math.trunc, np.round: round}


def _dtypes(eqn):
    return [v.aval.dtype for v in eqn.invars]


def _ufunc_rule(ctx, eqn, args):
    fn = eqn.prim.emit.fn
    dts = _dtypes(eqn)
    floats = all(d == F64 for d in dts)
    if floats and fn in _OPERATORS:
        return _OPERATORS[fn].format(*args), True, False
    if fn in _COMPARISONS and len(set(dts)) == 1:
        return f"{args[0]} {_COMPARISONS[fn]} {args[1]}", False, False
    if fn in _LOGICAL and all(d == BOOL for d in dts):
        return f"{args[0]} {_LOGICAL[fn]} {args[1]}", False, False
    if fn is np.invert and dts == [BOOL]:
        return f"not {args[0]}", False, False
    if not floats:
        return None
    x = args[0]
    if fn is np.negative:
        return f"-{x}", False, False
    if fn is np.absolute:
        return f"abs({x})", False, False
    if fn is np.isfinite:
        return "True", False, False  # every value of the fast function is finite
    if fn is np.isnan:
        return "False", False, False
    if fn is np.signbit:
        return f"{ctx.glob(math.copysign, 'copysign')}(1.0, {x}) < 0.0", False, False
    if fn is np.sign:  # np.sign(-0.0) is 0.0
        return f"(1.0 if {x} > 0.0 else -1.0 if {x} < 0.0 else 0.0)", False, False
    if fn in _ROUNDING:  # an integer, with the operand's sign (np.ceil(-0.5) is -0.0)
        r = ctx.glob(_ROUNDING[fn], fn.__name__)
        return f"{ctx.glob(math.copysign, 'copysign')}(float({r}({x})), {x})", False, False
    if fn in (np.maximum, np.minimum):  # ties (0.0 vs -0.0) as numpy breaks them
        op = ">" if fn is np.maximum else "<"
        tie = ctx.glob(_call_numpy, "call_numpy")
        return (f"(({x} if {x} {op} {args[1]} else {args[1]}) if {x} != {args[1]} "
                f"else {tie}({ctx.glob(fn, fn.__name__)}, float, {x}, {args[1]}))"), False, False
    if fn is np.power and math_agrees(fn):
        return _pow_expr(ctx, x, args[1]), True, False
    if math_agrees(fn):
        f = getattr(math, _MATH[fn])
        # math's functions raise where numpy's give inf or nan (ValueError, OverflowError)
        return f"{ctx.glob(f, _MATH[fn])}({', '.join(args)})", False, False
    return _numpy_call(ctx, eqn, fn, args)


def _pow_expr(ctx, x, y):
    # a zero base calls numpy (checked after: inf for a negative exponent): np.power(-0.0, 0.5)
    # is -0.0 (numpy takes sqrt for the exponent 0.5), math.pow(-0.0, 0.5) is 0.0
    return (f"({ctx.glob(math.pow, 'pow')}({x}, {y}) if {x} else "
            f"{ctx.glob(_call_numpy, 'call_numpy')}({ctx.glob(np.power, 'power')}, float, {x}, {y}))")


def _numpy_call(ctx, eqn, fn, args, params=None):
    """The impl (or ufunc) called on 0-d arrays of the operands, as eager evaluation calls it."""
    out = eqn.outvars[0].aval.dtype
    impl = functools.partial(fn, **params) if params else fn
    return (f"{ctx.glob(_call_numpy, 'call_numpy')}({ctx.glob(impl, eqn.prim.name)}, "
            f"{'float' if out == F64 else 'bool'}, {', '.join(args)})"), out == F64, True


def _call_numpy(fn, convert, *xs):
    """convert(fn(*xs as 0-d arrays)) with numpy's floating-point reports off (a non-finite
    result sends the caller to the general function, which reports it)."""
    with np.errstate(all="ignore"):
        return convert(fn(*[np.asarray(x) for x in xs]))


def _select_rule(ctx, eqn, args):
    if _dtypes(eqn)[0] != BOOL:
        return None
    return f"({args[1]} if {args[0]} else {args[2]})", False, False


def _convert_rule(ctx, eqn, args):
    src, dst = eqn.invars[0].aval.dtype, eqn.params["new_dtype"]
    if src == dst:
        return args[0], False, False
    if src == BOOL and dst == F64:
        return f"(1.0 if {args[0]} else 0.0)", False, False
    if src == F64 and dst == BOOL:
        return f"({args[0]} != 0.0)", False, False
    return None


def _integer_pow_rule(ctx, eqn, args):
    # numpy: np.power(x, float(y)) (a Python int exponent is converted to float64)
    if _dtypes(eqn) != [F64]:
        return None
    if not math_agrees(np.power):
        return _numpy_call(ctx, eqn, eqn.prim.impl, args, eqn.params)
    return _pow_expr(ctx, args[0], repr(float(eqn.params["y"]))), True, False


_RULES = {select_p: _select_rule, convert_p: _convert_rule, integer_pow_p: _integer_pow_rule}


def _rule(ctx, eqn, args):
    """(expression, may_be_nonfinite, calls_numpy) for `eqn`, or None where it has none."""
    p = eqn.prim
    if p.multiple_results or p.effect:
        return None
    special = _RULES.get(p)
    if special is not None:
        found = special(ctx, eqn, args)
    elif type(p.emit) is Ufunc and p.emit.applies(eqn):
        found = _ufunc_rule(ctx, eqn, args)
    elif type(p.emit) is Emit and p.emit.rule == "{0}":  # identities: stop_gradient, name
        found = args[0], False, False
    elif type(p.emit) is CallImpl or type(p.emit) is Ufunc:
        found = _numpy_call(ctx, eqn, p.impl, args, eqn.params)
    else:
        return None
    return found


def _scalar_avals(vs):
    return all(v.aval.shape == () and v.aval.dtype in _SCALAR_DTYPES for v in vs)


def _value(v):
    """A literal's or constant's Python value, or None where the fast function cannot hold it
    (non-finite: the fast function's values are finite)."""
    v = np.asarray(v)
    if v.shape != () or v.dtype not in _SCALAR_DTYPES:
        return None
    x = v.item()
    return x if type(x) is bool or math.isfinite(x) else None


def applies(closed):
    """Whether `closed` qualifies: every input, output and operation value 0-d float64 or
    bool, literals and constants finite (the rules themselves are checked when emitting)."""
    j = closed.jaxpr
    if not (_scalar_avals(j.invars) and _scalar_avals(j.constvars) and j.eqns):
        return False
    if any(_value(c) is None for c in closed.consts):
        return False
    for eqn in j.eqns:
        if not (_scalar_avals(eqn.outvars) and _scalar_avals(eqn.invars)):
            return False
        if any(type(v) is Literal and _value(v.val) is None for v in eqn.invars):
            return False
    return True


def _py(x):
    s = repr(x)
    return f"({s})" if s.startswith("-") else s


# ---- magnitude bounds: which + - * / may overflow (the others never give a non-finite value)

_MAX = sys.float_info.max
_OVERFLOW = fractions.Fraction(_MAX) + 2 ** 970  # exact sums from here round to inf
# bounds of |f(x)| for every finite x where math's f returns (it raises instead of overflowing)
_RESULT_BOUND = {np.sin: 1.0, np.cos: 1.0, np.tanh: 1.0, np.arctan: 1.6, np.arctan2: 3.2,
                 np.arcsin: 3.2, np.arccos: 3.2, np.log: 745.2, np.log2: 1075.0,
                 np.log10: 324.0, np.log1p: 710.0, np.arcsinh: 711.0, np.arccosh: 711.0,
                 np.arctanh: 20.0}


def _up(x):
    return min(_MAX, math.nextafter(x, math.inf))


def _exact_bound(exact):
    """(bound, may_overflow) of a result whose exact magnitude is at most `exact`."""
    if exact >= _OVERFLOW:
        return _MAX, True
    return _up(float(exact)), False


def _arith_bound(fn, ms, literal_divisor):
    """(bound, may_overflow) of + - * / on operands of magnitudes at most `ms`."""
    a, b = ms
    if fn is np.divide:
        if literal_divisor is None or literal_divisor == 0.0:
            return _MAX, True
        return _exact_bound(fractions.Fraction(a) / fractions.Fraction(abs(literal_divisor)))
    near = a * b if fn is np.multiply else a + b
    if near < 1e308:  # far from overflow: the rounded value bounds within one ulp
        return _up(near), False
    fa, fb = fractions.Fraction(a), fractions.Fraction(b)
    return _exact_bound(fa * fb if fn is np.multiply else fa + fb)


def _bound(eqn, ms):
    """The magnitude bound of `eqn`'s finite result from its operands' bounds."""
    p = eqn.prim
    fn = p.emit.fn if type(p.emit) is Ufunc else None
    if fn in _RESULT_BOUND:
        return _RESULT_BOUND[fn]
    if fn in (np.negative, np.absolute, np.fmod, np.copysign) or p is convert_p:
        return ms[0]
    if fn in (np.maximum, np.minimum):
        return max(ms)
    if p is select_p:
        return max(ms[1:])
    if fn in _ROUNDING:
        return _up(ms[0] + 1.0)
    if fn is np.sqrt:
        return _up(math.sqrt(ms[0]))
    if fn is np.sign:
        return 1.0
    return _MAX


# ---- the fast function

_INLINE_DEPTH = 40  # deeper single-use expressions become statements (the parser's nesting limit)


def scalar_function(ctx, closed, name, out_expr, general):
    """Source of the fast `def name(...)` for `closed` (see the module docstring), or None where
    an operation has no rule or more operations call numpy than not; `general` is the name of
    the numpy function computing the same program with the same signature.

    Each operation is one statement, except that a value read once and not checked is written
    into the expression that reads it (`t2 = _sin(v0) * 0.5 + v0`); a + - * / is checked for a
    non-finite result unless the magnitude bounds of its operands rule out overflow (inputs:
    any finite value; sin, cos, a product by 0.5, ...: bounded)."""
    j = closed.jaxpr
    params = [f"x{i}" for i in range(len(j.invars))]
    call_general = f"return {general}({', '.join(params)})"
    kernel = None
    if len(j.eqns) >= NATIVE_MIN_OPS and native_available():
        kernel = kernel_source(closed)  # llvmlite is imported on the first call only
    public, name = name, (name if kernel is None else ctx.fresh(f"{name}_py"))
    uses = collections.Counter(v for eqn in j.eqns for v in eqn.invars if type(v) is not Literal)
    uses.update(v for v in j.outvars if type(v) is not Literal)
    names, bounds, body = {}, {}, []
    inlined = {}  # var -> (parenthesized expression, depth)
    for i, v in enumerate(j.invars):
        names[v] = f"v{i}"
        bounds[v] = _MAX
        conv = "float" if v.aval.dtype == F64 else "bool"
        body.append(f"v{i} = {conv}({params[i]})")
        if conv == "float":
            body.append(f"if v{i} - v{i}: {call_general}")
    for v, c in zip(j.constvars, closed.consts):
        names[v] = _py(_value(c))
        bounds[v] = abs(float(_value(c)))
    numpy_calls = python_ops = 0
    for k, eqn in enumerate(j.eqns):
        holes = [f"\x00{i}\x00" for i in range(len(eqn.invars))]
        found = _rule(ctx, eqn, holes)
        if found is None:
            return None
        expr, check, calls_numpy = found
        numpy_calls += calls_numpy
        python_ops += not calls_numpy
        ms, depth = [], 0
        for v, hole in zip(eqn.invars, holes):
            if type(v) is Literal:
                val = _value(v.val)
                arg = _py(val)
                ms.append(abs(float(val)))
            elif v in inlined and expr.count(hole) == 1:
                arg, d = inlined.pop(v)
                depth = max(depth, d)
                ms.append(bounds.get(v, _MAX))
            else:
                if v in inlined:  # read more than once by this rule: a statement after all
                    arg_expr, _ = inlined.pop(v)
                    body.append(f"{names[v]} = {arg_expr}")
                arg = names[v]
                ms.append(bounds.get(v, _MAX))
            expr = expr.replace(hole, arg)
        out = eqn.outvars[0]
        if out.aval.dtype == F64:
            fn = eqn.prim.emit.fn if type(eqn.prim.emit) is Ufunc else None
            if fn in _OPERATORS:
                divisor = eqn.invars[1].val if type(eqn.invars[1]) is Literal else None
                bound, check = _arith_bound(fn, ms, None if divisor is None else float(divisor))
            else:
                bound = _MAX if check else _bound(eqn, ms)
            bounds[out] = bound
        names[out] = f"t{k}"
        if not check and uses[out] == 1 and out not in j.outvars and depth < _INLINE_DEPTH:
            inlined[out] = (f"({expr})", depth + 1)
            continue
        body.append(f"t{k} = {expr}")
        if check:
            body.append(f"if t{k} - t{k}: {call_general}")
    if numpy_calls > python_ops:
        return None
    orig = dict(zip(j.invars, params))
    # results as the numpy function returns them: 0-d fungrad.Array values (as_result, the one
    # normalization of eager evaluation and jit), an input returned as is as the same object
    ret = _return_expr(ctx, closed, orig, names, out_expr)
    guard = ctx.glob(errstate_now, "errstate_now")
    ok = ctx.glob(_ERRSTATE_OK, "errstate_ok_state")
    lines = [f"def {name}({', '.join(params)}):",
             f"    if {guard}() is not {ok}[0] and not {ctx.glob(errstate_ok, 'errstate_ok')}():",
             f"        {call_general}",
             "    try:"]
    lines += [f"        {ln}" for ln in body]
    lines += ["    except (ArithmeticError, ValueError):  # math's errors: numpy gives inf/nan",
              f"        {call_general}",
              f"    return {ret}"]
    source = "\n".join(lines) + "\n"
    if kernel is not None:
        source += _kernel_caller(ctx, closed, public, name, general, kernel, out_expr)
    return source


def _return_expr(ctx, closed, orig, computed, out_expr):
    """The generated function's return expression: each output as a literal, an input returned
    as is (the same array, as the numpy function), a constant, or the expression ``computed``
    gives for a computed value, each normalized as eager evaluation and jit do (as_result)."""
    j = closed.jaxpr
    as_res = ctx.glob(as_result, "as_result")
    results = []
    for v in j.outvars:
        if type(v) is Literal:
            results.append(f"{as_res}({ctx.array(v)})")
        elif v in orig:
            results.append(orig[v])
        elif v in j.constvars:
            results.append(f"{as_res}({ctx.glob(closed.consts[j.constvars.index(v)], 'c')})")
        else:
            results.append(f"{as_res}({computed[v]})")
    if out_expr is not None:
        return out_expr(results)
    return f"({', '.join(results)}{',' if len(results) == 1 else ''})"


def _kernel_caller(ctx, closed, name, python, general, kernel, out_expr):
    """Source of `def name(...)` calling the compiled kernel (see NATIVE_MIN_OPS), with the
    Python-float function `python` where it cannot be compiled."""
    j = closed.jaxpr
    source, used, computed = kernel
    lazy = LazyKernel(source, used, len(j.invars))
    kern = ctx.glob(lazy, "native_kernel")
    lazy.where = (ctx.globals, kern)
    params = [f"x{i}" for i in range(len(j.invars))]
    call = ", ".join(params)
    orig = dict(zip(j.invars, params))
    at = {v: f"out[{i}]" if v.aval.dtype == F64 else f"(out[{i}] != 0.0)"
          for i, v in enumerate(computed)}
    ret = _return_expr(ctx, closed, orig, at, out_expr)
    guard = ctx.glob(errstate_now, "errstate_now")
    ok = ctx.glob(_ERRSTATE_OK, "errstate_ok_state")
    floats = "".join(f"float({x}), " for x in params)
    lines = [f"def {name}({call}):",
             f"    if {guard}() is not {ok}[0] and not {ctx.glob(errstate_ok, 'errstate_ok')}():",
             f"        return {general}({call})",
             f"    out = {ctx.glob(ctypes.c_double * max(1, len(computed)), 'out_buffer')}()",
             f"    r = {kern}({floats}out)",
             "    if r:",
             f"        return {ret}",
             "    if r is None:  # the kernel could not be compiled",
             f"        return {python}({call})",
             f"    return {general}({call})"]
    return "\n" + "\n".join(lines) + "\n"


# ---- the native kernel: large programs as one machine-code function of floats (optional)
#
# A program of at least NATIVE_MIN_OPS operations, where llvmlite is installed (the `scalar`
# extra), also gets a kernel: its operations as LLVM IR (IEEE double operations, no fast-math
# flags, no IR optimization passes; libm's functions called by their C names, the functions
# CPython's math calls), compiled by llvmlite's MCJIT on the first call and called by ctypes:
# `kernel(x0, ..., out)` stores the results in `out` and returns whether every checked float
# value was finite. The function jit calls returns the results where it was, else runs the
# general function (numpy's inf/nan, warnings, errstate), as the Python-float function does.
# Each libm function is used only after `native_agrees` found it equal to numpy's ufunc on
# math_agrees' inputs; where one differs, or LLVM is missing, the Python-float function runs.
# numba.njit was measured first for this: its type inference took 19-36 s for the 1162
# operations of the scalar chain's gradient (about 20 ms per operation); LLVM takes far less.

# Measured (the scalar chain's gradient, interleaved min-of-N): the kernel's call costs about
# 2-3 us more than a Python-float function's (ctypes), so at 105 operations it is slower
# (6-10 us vs 6-8), at 231 faster (8 vs 11), at 1162 2.5x faster (9-10 vs 24-25); compiling
# costs about 0.2-0.3 ms per operation (70-120 ms at 231, 300-450 ms at 1162).
NATIVE_MIN_OPS = 200
_native_agrees = lru_cache_table("scalar_native_agrees", 64)
_LLVM = []  # [(llvmlite.binding, target machine) or None], made on first use
_ALWAYS_FINITE = {np.sin, np.cos, np.tan, np.arctan, np.arctan2, np.tanh, np.arcsinh, np.cbrt,
                  np.copysign}  # finite on every finite input
_FCMP = {np.less: "olt", np.less_equal: "ole", np.greater: "ogt", np.greater_equal: "oge",
         np.equal: "oeq", np.not_equal: "une"}
_ICMP = {np.less: "ult", np.less_equal: "ule", np.greater: "ugt", np.greater_equal: "uge",
         np.equal: "eq", np.not_equal: "ne"}
_FARITH = {np.add: "fadd", np.subtract: "fsub", np.multiply: "fmul", np.divide: "fdiv"}
_IBOOL = {np.bitwise_and: "and", np.bitwise_or: "or", np.bitwise_xor: "xor"}
_INTRINSIC = {np.floor: "floor", np.ceil: "ceil", np.trunc: "trunc", np.round: "rint"}
_NAN = "0x7FF8000000000000"
_KERNEL_IDS = itertools.count()
_ENGINE_LOCK = threading.Lock()


def native_available():
    """Whether llvmlite is importable (without importing it)."""
    return importlib.util.find_spec("llvmlite") is not None


def _llvm():
    if not _LLVM:
        try:
            import llvmlite.binding as llvm
            llvm.initialize_native_target()
            llvm.initialize_native_asmprinter()
            libm = ctypes.CDLL(ctypes.util.find_library("m"))
            for name in set(_MATH.values()):  # the symbols the kernels call: libm's
                llvm.add_symbol(name, ctypes.cast(getattr(libm, name), ctypes.c_void_p).value)
            tm = llvm.Target.from_default_triple().create_target_machine(
                cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
                opt=1)
            # one engine (it owns the target machine); each kernel is a module added to it
            engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), tm)
            _LLVM.append((llvm, engine))
        except (ImportError, OSError, RuntimeError, AttributeError):
            _LLVM.append(None)
    return _LLVM[0]


def _jit_ir(ir, name, n_in, with_out):
    """A ctypes function for `name` in the IR module `ir` (inputs: n_in doubles, then a double
    buffer if with_out), keeping its engine alive, or None where LLVM is not there."""
    found = _llvm()
    if found is None:
        return None
    llvm, engine = found
    unique = f"{name}_{next(_KERNEL_IDS)}"
    mod = llvm.parse_assembly(ir.replace(f"@{name}(", f"@{unique}("))
    mod.verify()
    with _ENGINE_LOCK:
        engine.add_module(mod)
        engine.finalize_object()
        addr = engine.get_function_address(unique)
    args = [ctypes.c_double] * n_in + ([ctypes.POINTER(ctypes.c_double)] if with_out else [])
    res = ctypes.c_bool if with_out else ctypes.c_double
    fn = ctypes.CFUNCTYPE(res, *args)(addr)
    # the machine code lives as long as the function (the program's globals hold it: freed
    # with the program when jit's cache drops it)
    weakref.finalize(fn, _drop_module, engine, mod)
    return fn


def _drop_module(engine, mod):
    with _ENGINE_LOCK:
        engine.remove_module(mod)


def native_agrees(ufunc):
    """Whether the kernel's call of libm's <name> gives numpy's `ufunc` bit for bit on the probe
    inputs of math_agrees (wherever either is finite)."""
    hit = _native_agrees.get(ufunc)
    if hit is not None:
        return hit
    name = _MATH.get(ufunc)
    ok = False
    if name is not None:
        params = ", ".join(f"double %a{i}" for i in range(ufunc.nin))
        ir = (f"declare double @{name}({', '.join(['double'] * ufunc.nin)})\n"
              f"define double @probe({params}) {{\n  %r = call double @{name}({params})\n"
              "  ret double %r\n}\n")
        probe = _jit_ir(ir, "probe", ufunc.nin, False)
        if probe is not None:
            if not _DEFAULT_INPUTS:
                _DEFAULT_INPUTS.append(probe_inputs())
            ok = _agrees_on(ufunc, probe, _DEFAULT_INPUTS[0], 512, None)
    _native_agrees[ufunc] = ok
    return ok


def _ir_const(x):
    if type(x) is bool:
        return "true" if x else "false"
    return f"0x{np.float64(x).view(np.uint64):016X}"


def _ir_rule(eqn, a, r):
    """(IR lines computing `r` from operands `a`, may be non-finite, libm ufuncs used) for
    `eqn`, or None where it has no kernel form. A result numpy may give otherwise (ties of
    max/min between zeros, a zero base of pow) is nan: the general function runs."""
    p = eqn.prim
    if p.multiple_results or p.effect:
        return None
    dts = _dtypes(eqn)
    if p is select_p:
        if dts[0] != BOOL:
            return None
        t = "double" if dts[1] == F64 else "i1"
        return [f"{r} = select i1 {a[0]}, {t} {a[1]}, {t} {a[2]}"], False, ()
    if p is convert_p:
        src, dst = dts[0], eqn.params["new_dtype"]
        if src == dst:
            return [f"{r} = {'fadd double' if src == F64 else 'or i1'} {a[0]}, "
                    f"{'0x8000000000000000' if src == F64 else 'false'}"], False, ()
        if src == BOOL and dst == F64:
            return [f"{r} = uitofp i1 {a[0]} to double"], False, ()
        if src == F64 and dst == BOOL:
            return [f"{r} = fcmp une double {a[0]}, 0.0"], False, ()
        return None
    if p is integer_pow_p:
        if dts != [F64]:
            return None
        return _ir_pow(a[0], _ir_const(float(eqn.params["y"])), r), True, (np.power,)
    if type(p.emit) is Emit and p.emit.rule == "{0}":  # x + -0.0 is x, signed zeros too
        t = "double" if dts[0] == F64 else "i1"
        return [f"{r} = {'fadd' if t == 'double' else 'or'} {t} {a[0]}, "
                f"{'0x8000000000000000' if t == 'double' else 'false'}"], False, ()
    if type(p.emit) is not Ufunc or not p.emit.applies(eqn):
        return None
    fn = p.emit.fn
    floats = all(d == F64 for d in dts)
    bools = all(d == BOOL for d in dts)
    if floats and fn in _FARITH:
        return [f"{r} = {_FARITH[fn]} double {a[0]}, {a[1]}"], True, ()
    if fn in _FCMP and (floats or bools):
        cmp = f"fcmp {_FCMP[fn]} double" if floats else f"icmp {_ICMP[fn]} i1"
        return [f"{r} = {cmp} {a[0]}, {a[1]}"], False, ()
    if fn in _IBOOL and bools:
        return [f"{r} = {_IBOOL[fn]} i1 {a[0]}, {a[1]}"], False, ()
    if fn is np.invert and bools:
        return [f"{r} = xor i1 {a[0]}, true"], False, ()
    if not floats:
        return None
    x = a[0]
    if fn is np.negative:
        return [f"{r} = fneg double {x}"], False, ()
    if fn is np.absolute:
        return [f"{r} = call double @llvm.fabs.f64(double {x})"], False, ()
    if fn in (np.isfinite, np.isnan):  # every value of a kernel that returns is finite
        return [f"{r} = or i1 {'true' if fn is np.isfinite else 'false'}, false"], False, ()
    if fn is np.signbit:
        return [f"{r}.i = bitcast double {x} to i64", f"{r} = icmp slt i64 {r}.i, 0"], False, ()
    if fn is np.sign:  # np.sign(-0.0) is 0.0
        return [f"{r}.p = fcmp ogt double {x}, 0.0", f"{r}.n = fcmp olt double {x}, 0.0",
                f"{r}.m = select i1 {r}.n, double -1.0, double 0.0",
                f"{r} = select i1 {r}.p, double 1.0, double {r}.m"], False, ()
    if fn in _INTRINSIC:  # an integer, with the operand's sign (np.ceil(-0.5) is -0.0)
        k = _INTRINSIC[fn]
        return [f"{r}.r = call double @llvm.{k}.f64(double {x})",
                f"{r} = call double @llvm.copysign.f64(double {r}.r, double {x})"], False, ()
    if fn in (np.maximum, np.minimum):  # ties between zeros as numpy breaks them: numpy
        y, op = a[1], "ogt" if fn is np.maximum else "olt"
        return [f"{r}.w = fcmp {op} double {x}, {y}", f"{r}.d = fcmp une double {x}, {y}",
                f"{r}.z = fcmp une double {x}, 0.0",
                f"{r}.t = select i1 {r}.z, double {x}, double {_NAN}",
                f"{r}.e = select i1 {r}.d, double {y}, double {r}.t",
                f"{r} = select i1 {r}.w, double {x}, double {r}.e"], True, ()
    if fn is np.power:
        return _ir_pow(x, a[1], r), True, (fn,)
    if fn in _MATH:
        args = ", ".join(f"double {v}" for v in a)
        return ([f"{r} = call double @{_MATH[fn]}({args})"], fn not in _ALWAYS_FINITE, (fn,))
    return None


def _ir_pow(x, y, r):
    # a zero base: numpy (np.power(-0.0, 0.5) is -0.0, pow(-0.0, 0.5) is 0.0)
    return [f"{r}.p = call double @pow(double {x}, double {y})",
            f"{r}.z = fcmp une double {x}, 0.0",
            f"{r} = select i1 {r}.z, double {r}.p, double {_NAN}"]


def kernel_source(closed):
    """(LLVM IR of `i1 @kernel(double %x0, ..., double* %out)`, libm ufuncs it calls, the
    outputs it stores in order) or None where an operation has no kernel form."""
    j = closed.jaxpr
    names, body, checks = {}, [], []
    for i, v in enumerate(j.invars):
        names[v] = f"%v{i}"
        if v.aval.dtype == F64:
            body.append(f"%v{i} = fadd double %x{i}, 0x8000000000000000")
            checks.append(f"%v{i}")
        else:
            body.append(f"%v{i} = fcmp une double %x{i}, 0.0")
    for v, c in zip(j.constvars, closed.consts):
        names[v] = _ir_const(_value(c))
    used = set()
    for k, eqn in enumerate(j.eqns):
        args = [_ir_const(_value(v.val)) if type(v) is Literal else names[v] for v in eqn.invars]
        found = _ir_rule(eqn, args, f"%t{k}")
        if found is None:
            return None
        lines, check, fns = found
        used.update(fns)
        body += lines
        names[eqn.outvars[0]] = f"%t{k}"
        if check:
            checks.append(f"%t{k}")
    ok = "true"
    for i, c in enumerate(checks):  # c - c is 0.0 for finite c, nan for inf and nan
        body += [f"%d{i} = fsub double {c}, {c}", f"%f{i} = fcmp oeq double %d{i}, 0.0",
                 f"%ok{i} = and i1 {ok}, %f{i}"]
        ok = f"%ok{i}"
    computed = [v for v in dict.fromkeys(j.outvars)
                if type(v) is not Literal and v not in j.invars and v not in j.constvars]
    for i, v in enumerate(computed):
        val = names[v]
        if v.aval.dtype == BOOL:
            body.append(f"%o{i} = uitofp i1 {val} to double")
            val = f"%o{i}"
        body += [f"%p{i} = getelementptr double, ptr %out, i64 {i}",
                 f"store double {val}, ptr %p{i}"]
    body.append(f"ret i1 {ok}")
    decls = [f"declare double @{_MATH[fn]}({', '.join(['double'] * fn.nin)})" for fn in used]
    decls += [f"declare double @llvm.{k}.f64(double)" for k in ("fabs", "floor", "ceil",
                                                                 "trunc", "rint")]
    decls.append("declare double @llvm.copysign.f64(double, double)")
    params = ", ".join([f"double %x{i}" for i in range(len(j.invars))] + ["ptr %out"])
    src = "\n".join(decls) + f"\ndefine i1 @kernel({params}) {{\n"
    return src + "".join(f"  {ln}\n" for ln in body) + "}\n", used, computed


class LazyKernel:
    """Compiles the kernel on its first call and puts it (or, where it cannot be compiled or
    a libm function differs from numpy's, a function returning None) in its place in the
    generated code's globals."""

    def __init__(self, source, used, n_in):
        self.source, self.used, self.n_in = source, used, n_in
        self.where = None  # (globals, name), set by _kernel_caller

    def compile(self):
        if _llvm() is None or not all(native_agrees(fn) for fn in self.used):
            return None
        try:
            return _jit_ir(self.source, "kernel", self.n_in, True)
        except RuntimeError:  # an LLVM that rejects the IR (llvmlite's parse and verify errors)
            return None

    def __call__(self, *xs):
        kernel = self.compile() or _unused
        glb, name = self.where
        glb[name] = kernel
        return kernel(*xs)


def _unused(*xs):
    return None
