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

Imports: _core, _lax.
"""
import collections
import fractions
import functools
import importlib.util
import math
import sys

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
    if len(j.eqns) >= NUMBA_MIN_OPS and importlib.util.find_spec("numba") is not None:
        kernel = kernel_source(closed)  # numba is imported on the first call only
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
    as_res = ctx.glob(as_result, "as_result")
    results = []
    for v in j.outvars:
        if type(v) is Literal:
            results.append(f"{as_res}({ctx.array(v)})")
        elif v in orig:  # an input returned as is: the same array, as the numpy function
            results.append(orig[v])
        elif v in j.constvars:
            results.append(f"{as_res}({ctx.glob(closed.consts[j.constvars.index(v)], 'c')})")
        else:
            results.append(f"{as_res}({names[v]})")
    ret = (f"({', '.join(results)}{',' if len(results) == 1 else ''})" if out_expr is None
           else out_expr(results))
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


def _kernel_caller(ctx, closed, name, python, general, kernel, out_expr):
    """Source of `def name(...)` calling the numba kernel (see NUMBA_MIN_OPS), with the
    Python-float function `python` where numba cannot run it."""
    j = closed.jaxpr
    source, used, computed = kernel
    lazy = LazyKernel(source, used)
    kern = ctx.glob(lazy, "numba_kernel")
    lazy.where = (ctx.globals, kern)
    params = [f"x{i}" for i in range(len(j.invars))]
    call = ", ".join(params)
    floats = ", ".join(f"{'float' if v.aval.dtype == F64 else 'bool'}({x})"
                       for v, x in zip(j.invars, params))
    orig = dict(zip(j.invars, params))
    at = {v: f"r[{i + 1}]" for i, v in enumerate(computed)}
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
            results.append(f"{as_res}({at[v]})")
    ret = (f"({', '.join(results)}{',' if len(results) == 1 else ''})" if out_expr is None
           else out_expr(results))
    guard = ctx.glob(errstate_now, "errstate_now")
    ok = ctx.glob(_ERRSTATE_OK, "errstate_ok_state")
    lines = [f"def {name}({call}):",
             f"    if {guard}() is not {ok}[0] and not {ctx.glob(errstate_ok, 'errstate_ok')}():",
             f"        return {general}({call})",
             f"    r = {kern}({floats})",
             "    if r[0]:",
             f"        return {ret}",
             f"    if r is {ctx.glob(_UNUSED, 'numba_unused')}:",
             f"        return {python}({call})",
             f"    return {general}({call})"]
    return "\n" + "\n".join(lines) + "\n"



# ---- the numba kernel: large programs as one compiled function of floats (optional)
#
# A program of at least NUMBA_MIN_OPS operations, where numba is installed, also gets a kernel:
# the same operations compiled by numba.njit (nopython, fastmath off, error_model="numpy": no
# exceptions, IEEE inf/nan), returning (every float value finite, results...). The function
# jit calls converts the arguments to floats, calls the kernel and returns its results where
# the flag is set, else runs the general function (numpy's inf/nan, warnings, errstate), as
# the Python-float function does. numba is imported, the math functions checked against numpy
# (`numba_agrees`, as math_agrees) and the kernel compiled on the first call; where numba
# fails or a function differs, the Python-float function runs instead, from then on.

NUMBA_MIN_OPS = 200  # compiling costs about 1 ms per operation: below this, Python floats
_numba_agrees = lru_cache_table("scalar_numba_agrees", 64)
_NUMBA = []  # [numba module or None], found on first use
_UNUSED = (False,)  # what a kernel that numba cannot run returns: the Python function runs


def _numba():
    if not _NUMBA:
        try:
            import numba
        except ImportError:  # an optional extra (pip install fungrad[scalar])
            numba = None
        _NUMBA.append(numba)
    return _NUMBA[0]


def _njit(fn):
    return _numba().njit(fn, fastmath=False, error_model="numpy", cache=False)


def numba_agrees(ufunc):
    """Whether numba's compiled math.<name> gives numpy's `ufunc` bit for bit on the probe
    inputs of math_agrees (where either is finite), called as the kernel calls it."""
    hit = _numba_agrees.get(ufunc)
    if hit is not None:
        return hit
    name = _MATH.get(ufunc)
    ok = False
    if name is not None and _numba() is not None:
        args = ", ".join("xy"[:ufunc.nin])
        glb = {"math": math}
        exec(f"def probe({args}):\n    return math.{name}({args})\n", glb)  # noqa: S102
        try:
            probe = _njit(glb["probe"])
            probe(*[0.5] * ufunc.nin)
        except Exception:  # noqa: BLE001 - numba's typing and lowering errors: not used
            probe = None
        if probe is not None:
            if not _DEFAULT_INPUTS:
                _DEFAULT_INPUTS.append(probe_inputs())
            ok = _agrees_on(ufunc, probe, _DEFAULT_INPUTS[0], 512, None)
    _numba_agrees[ufunc] = ok
    return ok


def _numba_rule(eqn, args):
    """(kernel expression, math ufuncs it uses) for `eqn`, or None where it has no form in
    the kernel. A result numpy may give otherwise (ties of max/min between zeros, a zero base
    of pow) is nan in the kernel: the general function runs."""
    p = eqn.prim
    if p.multiple_results or p.effect:
        return None
    dts = _dtypes(eqn)
    if p is select_p:
        return (f"({args[1]} if {args[0]} else {args[2]})", ()) if dts[0] == BOOL else None
    if p is convert_p:
        found = _convert_rule(None, eqn, args)
        return None if found is None else (found[0], ())
    if p is integer_pow_p:
        if dts != [F64]:
            return None
        x, y = args[0], repr(float(eqn.params["y"]))
        return f"(math.pow({x}, {y}) if {x} != 0.0 else nan)", (np.power,)
    if type(p.emit) is Emit and p.emit.rule == "{0}":
        return args[0], ()
    if type(p.emit) is not Ufunc or not p.emit.applies(eqn):
        return None
    fn = p.emit.fn
    floats = all(d == F64 for d in dts)
    if (floats and fn in _OPERATORS) or fn in _COMPARISONS or fn in _LOGICAL or fn is np.invert:
        found = _ufunc_rule(None, eqn, args)
        return None if found is None else (found[0], ())
    if not floats:
        return None
    x = args[0]
    simple = {np.negative: f"-{x}", np.absolute: f"abs({x})", np.isfinite: "True",
              np.isnan: "False", np.signbit: f"math.copysign(1.0, {x}) < 0.0",
              np.sign: f"(1.0 if {x} > 0.0 else -1.0 if {x} < 0.0 else 0.0)",
              np.floor: f"math.copysign(np.floor({x}), {x})",
              np.ceil: f"math.copysign(np.ceil({x}), {x})",
              np.trunc: f"math.copysign(np.trunc({x}), {x})",
              np.round: f"math.copysign(np.rint({x}), {x})"}  # half to even, as round()
    if fn in simple:
        return simple[fn], ()
    if fn in (np.maximum, np.minimum):  # ties between zeros as numpy breaks them: numpy
        op, y = (">" if fn is np.maximum else "<"), args[1]
        return (f"({x} if {x} {op} {y} else {y} if {x} != {y} else "
                f"{x} if {x} != 0.0 else nan)"), ()
    if fn is np.power:
        return f"(math.pow({x}, {args[1]}) if {x} != 0.0 else nan)", (fn,)
    if fn in _MATH:
        return f"math.{_MATH[fn]}({', '.join(args)})", (fn,)
    return None


def kernel_source(closed):
    """(source of `def kernel(v0, ...)` returning (all float values finite, the computed
    outputs...), math ufuncs used, the outputs it returns) or None where an operation has no
    kernel form."""
    j = closed.jaxpr
    names = {v: f"v{i}" for i, v in enumerate(j.invars)}
    checks = [f"({n} - {n} == 0.0)" for v, n in names.items() if v.aval.dtype == F64]
    body = [f"ok = {' & '.join(checks) or 'True'}"]
    for v, c in zip(j.constvars, closed.consts):
        names[v] = _py(_value(c))
    used = set()
    for k, eqn in enumerate(j.eqns):
        args = [_py(_value(v.val)) if type(v) is Literal else names[v] for v in eqn.invars]
        found = _numba_rule(eqn, args)
        if found is None:
            return None
        expr, fns = found
        used.update(fns)
        out = eqn.outvars[0]
        names[out] = f"t{k}"
        body.append(f"t{k} = {expr}")
        if out.aval.dtype == F64:
            body.append(f"ok = ok & (t{k} - t{k} == 0.0)")
    computed = [v for v in dict.fromkeys(j.outvars)
                if type(v) is not Literal and v not in j.invars and v not in j.constvars]
    body.append(f"return ({', '.join(['ok'] + [names[v] for v in computed])},)")
    src = f"def kernel({', '.join(f'v{i}' for i in range(len(j.invars)))}):\n"
    return src + "".join(f"    {ln}\n" for ln in body), used, computed


class LazyKernel:
    """Compiles the kernel on its first call and puts it (or, where numba cannot run it, a
    function returning _UNUSED) in its place in the generated code's globals."""

    def __init__(self, source, used):
        self.source, self.used = source, used
        self.where = None  # (globals, name), set by scalar_function

    def compile(self):
        if _numba() is None or not all(numba_agrees(fn) for fn in self.used):
            return None
        glb = {"math": math, "np": np, "nan": math.nan}
        exec(self.source, glb)  # noqa: S102 - running generated code is the point
        return _njit(glb["kernel"])

    def __call__(self, *xs):
        kernel = self.compile()
        if kernel is not None:
            try:
                result = kernel(*xs)
            except Exception:  # noqa: BLE001 - numba's typing and lowering errors: Python
                kernel = None
        if kernel is None:
            kernel, result = _unused, _UNUSED
        glb, name = self.where
        glb[name] = kernel
        return result


def _unused(*xs):
    return _UNUSED
