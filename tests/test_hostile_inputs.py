"""The hostile-input sweep: every public function of fungrad.numpy (with linalg and fft),
fungrad.lax, fungrad.scipy, fungrad.random, fungrad.nn and the top-level transforms, called with
hostile arguments (None, a string, a dict, a ragged list, an object, empty and 0-d arrays,
NaN/inf, integer/bool/complex arrays where floats are expected, a rank-4 array, bad axis values,
negative and oversized sizes).

Each call must either return what the reference (numpy, scipy) returns for the same input (value,
shape and dtype), or raise a clean error: an exception a user catches (TypeError, ValueError,
IndexError, NotImplementedError; or the very type the reference raises) whose message is not a
Python-internal one (unpacking, `'NoneType' object ...`, `tuple index out of range`), and never
an AttributeError, KeyError, UnboundLocalError or RecursionError. Where the reference rejects the
input, fungrad must reject it too (no silently accepted garbage). Nothing may hang (a 10 s alarm
per call). Eager fungrad.lax must agree with jit (same value and dtype, or the same error type).

Run `python tests/test_hostile_inputs.py` for the counts (functions, calls, failures).
"""
import contextlib
import importlib
import inspect
import pathlib
import re
import signal
import types
import warnings

import numpy as np
import pytest

import fungrad as fg
import fungrad.lax as lax
import fungrad.nn as fnn
import fungrad.numpy as fnp
import fungrad.random as frandom

SCIPY_SUBMODULES = ["integrate", "linalg", "optimize", "signal", "special", "stats"]

# ---------------------------------------------------------------- the hostile values
HOSTILE = {
    "None": None,
    "str": "abc",
    "dict": {"a": 1.0},
    "ragged": [[1.0, 2.0], [3.0]],
    "object": object(),
    "empty": np.zeros((0,)),
    "empty-2d": np.zeros((0, 3)),
    "0d": np.array(1.5),
    "nan-inf": np.array([np.nan, np.inf, -np.inf, 1.0]),
    "int": np.arange(4),
    "bool": np.array([True, False, True, True]),
    "complex": np.array([1 + 1j, 2 - 1j, 0.5j, 3.0]),
    "int8": np.array([1, -2, 3, 4], np.int8),
    "rank4": np.linspace(0.1, 0.9, 12).reshape(2, 1, 3, 2),
    "size-negative": -1,
    "size-huge": 10 ** 20,
    "shape-negative": (2, -3),
}
BAD_AXES = {"axis=7": 7, "axis=-7": -7, "axis='0'": "0", "axis=1.5": 1.5, "axis=(0,0)": (0, 0)}
VALID = np.array([[0.5, -1.0, 2.0, 0.25], [1.5, 0.75, -0.5, 3.0], [0.1, 0.2, 0.3, 0.4]])

# numpy's own objects re-exported by fungrad.numpy (printing, I/O, windows): not fungrad's code,
# and some write files; classes and exception types are not called
SKIP = {
    "fg": {"disable_jit", "clear_caches", "ensure_compile_time_eval", "default_backend",
           "devices", "local_devices", "device_count", "local_device_count", "process_count",
           "process_index", "cache_info", "checkpoint_policies"},  # no arguments or global state
}


# ---------------------------------------------------------------- the functions swept
def _public(mod, names=None):
    names = names if names is not None else getattr(mod, "__all__", None) or dir(mod)
    out = {}
    for n in names:
        if n.startswith("_"):
            continue
        f = getattr(mod, n, None)
        if f is None or not callable(f) or isinstance(f, (type, types.ModuleType)):
            continue
        out[n] = f
    return out


def _reference(mod, name):
    f = getattr(mod, name, None) if mod is not None else None
    return f if callable(f) and not isinstance(f, type) else None


def swept_functions():
    """(group, name, fungrad function, reference or None), every public callable."""
    rows = []
    for group, mod, ref in [("numpy", fnp, np), ("numpy.linalg", fnp.linalg, np.linalg),
                            ("numpy.fft", fnp.fft, np.fft)]:
        for n, f in sorted(_public(mod).items()):
            r = _reference(ref, n)
            if r is f or getattr(f, "__module__", "") in ("numpy", "builtins") or (
                    getattr(f, "__module__", "") or "").startswith("numpy"):
                continue  # numpy's own object re-exported
            rows.append((group, n, f, r))
    for n, f in sorted(_public(lax).items()):
        if (getattr(f, "__module__", "") or "").startswith("fungrad"):
            rows.append(("lax", n, f, None))
    for sub in SCIPY_SUBMODULES:
        mod = importlib.import_module(f"fungrad.scipy.{sub}")
        ref = importlib.import_module(f"scipy.{sub}")
        for n in sorted(dir(mod)):
            obj = getattr(mod, n)
            if n.startswith("_"):
                continue
            if isinstance(obj, types.SimpleNamespace):  # stats.norm.logpdf, ...
                refobj = getattr(ref, n, None)
                for m in sorted(vars(obj)):
                    if callable(getattr(obj, m)):
                        rows.append((f"scipy.{sub}", f"{n}.{m}", getattr(obj, m),
                                     _reference(refobj, m)))
                continue
            if (callable(obj) and not isinstance(obj, type)
                    and (getattr(obj, "__module__", "") or "").startswith("fungrad.scipy")):
                rows.append((f"scipy.{sub}", n, obj, _reference(ref, n)))
    for n, f in sorted(_public(frandom).items()):
        rows.append(("random", n, f, None))
    for n, f in sorted(_public(fnn).items()):
        if (getattr(f, "__module__", "") or "").startswith("fungrad"):
            rows.append(("nn", n, f, None))
    for n, f in sorted(_public(fg).items()):
        if n not in SKIP["fg"]:
            rows.append(("transforms", n, f, None))
    return rows


# ---------------------------------------------------------------- one call, classified
class Hang(Exception):
    pass


@contextlib.contextmanager
def alarm(seconds=10):
    def handler(signum, frame):
        raise Hang(f"no result after {seconds} s")
    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def quiet():
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


CLEAN = (TypeError, ValueError, IndexError, NotImplementedError)
LEAKY = (AttributeError, KeyError, UnboundLocalError, RecursionError, AssertionError, NameError)
# messages Python itself writes when fungrad code trips over the input instead of checking it
INTERNAL = re.compile(
    r"not enough values to unpack|too many values to unpack|cannot unpack non-iterable|"
    r"(tuple|list|string) index out of range|'NoneType' object|object is not (subscriptable|"
    r"iterable)|has no len\(\)|unsupported operand type|can't multiply sequence|"
    r"can only concatenate|unhashable type|argument of type .* is not iterable|"
    r"object cannot be interpreted as an integer|int\(\) argument must be|"
    r"float\(\) argument must be|must be real number, not|'<' not supported|"
    r"ufunc '\w+' not supported for the input types|did not contain a loop with signature|"
    r"^$")


def _copied(v):
    return np.array(v, copy=True) if isinstance(v, np.ndarray) else v


def _call(f, args, kwargs):
    """('ok', value) or ('raise', exception). Array arguments are copied first: functions that
    write into their argument as numpy's do (put, place, copyto) must not change the shared
    hostile values (VALID[0] is a view of VALID) for the calls after them."""
    args = tuple(_copied(a) for a in args)
    kwargs = {k: _copied(v) for k, v in kwargs.items()}
    try:
        with quiet(), alarm():
            out = f(*args, **kwargs)
            if inspect.isgenerator(out):
                out = list(out)
        return "ok", out
    except Hang as e:
        return "hang", e
    except RecursionError as e:
        return "raise", e
    except Exception as e:  # noqa: BLE001 - classified below
        return "raise", e


def _is_numeric_array(v):
    return isinstance(v, (np.ndarray, np.generic, int, float, complex, bool)) and (
        np.asarray(v).dtype.kind in "biufc")


def _leaves(v):
    if isinstance(v, (tuple, list)) and not isinstance(v, str):
        out = []
        for x in v:
            out.extend(_leaves(x))
        return out
    if hasattr(v, "_fields"):
        return _leaves(tuple(v))
    return [v]


def _same_value(a, b):
    """None if a (fungrad's) matches b (the reference) in value, shape and dtype, else why."""
    la, lb = _leaves(a), _leaves(b)
    if len(la) != len(lb):
        return f"{len(la)} outputs, the reference gives {len(lb)}"
    for x, y in zip(la, lb):
        if not (_is_numeric_array(y) or isinstance(y, np.ndarray)):
            continue  # a callable, a namespace, a result object: not compared
        ya = np.asarray(y)
        if ya.dtype.kind not in "biufc":
            return f"the reference gives a {ya.dtype} result; fungrad must reject the input"
        if not _is_numeric_array(x):
            return f"returned {type(x).__name__}, the reference {ya.dtype}{list(ya.shape)}"
        xa = np.asarray(x)
        if xa.shape != ya.shape:
            return f"shape {xa.shape}, the reference {ya.shape}"
        if xa.dtype != ya.dtype:
            return f"dtype {xa.dtype}, the reference {ya.dtype}"
        try:
            ok = np.allclose(xa, ya, rtol=1e-6, atol=1e-9, equal_nan=True)
        except TypeError:
            ok = np.array_equal(xa, ya)
        if not ok:
            return f"value {xa.ravel()[:4]}, the reference {ya.ravel()[:4]}"
    return None


# where fungrad deliberately differs from numpy for the same input (JAX's choice)
DIVERGES = {
    ("numpy", "isscalar"): "0-d arrays are scalars, as jax.numpy.isscalar",
}
# single calls where the reference's own value is off and fungrad's is the exact one (each has
# a named test below checking fungrad against the reference on an input it computes exactly)
CALL_DIVERGES = {
    (g, f"t.{m}", "VALID,int8"): "scipy's t._logpdf takes np.log(df) of the int8 df in float16 "
    "(6th digit off); fungrad computes in float64 and equals scipy given the same df as int64"
    for g in ("scipy.stats",) for m in ("pdf", "logpdf")}
SHAPE_ONLY = {"empty_like", "empty"}  # uninitialized in numpy, zeros in fungrad
ORDER_FREE = {"unique_values"}  # numpy leaves the order unspecified (hash order)


def classify(f, ref, args, kwargs, name=""):
    """None if the call behaves, else a one-line reason."""
    kind, out = _call(f, args, kwargs)
    if kind == "hang":
        return "hangs"
    if kind == "raise" and isinstance(out, CLEAN) and not isinstance(out, LEAKY) and not (
            INTERNAL.search(str(out)) and not _signature_error(out)):
        return None  # a clean error: the reference is not needed (nor run: it may not stop)
    ref_kind, ref_out = _call(ref, args, kwargs) if ref is not None else (None, None)
    if kind == "raise":
        e = out
        if isinstance(e, LEAKY) or not isinstance(e, CLEAN + ((type(ref_out),) if ref_kind ==
                                                                "raise" else ())):
            return f"leaks {type(e).__name__}: {str(e)[:120]}"
        same_as_reference = ref_kind == "raise" and str(e) == str(ref_out)
        if INTERNAL.search(str(e)) and not _signature_error(e) and not same_as_reference:
            return f"internal message {type(e).__name__}: {str(e)[:120]}"
        return None
    if ref_kind == "raise":
        return (f"accepts what the reference rejects ({type(ref_out).__name__}: "
                f"{str(ref_out)[:80]})")
    if ref_kind == "ok":
        if name in SHAPE_ONLY and _is_numeric_array(out):
            out, ref_out = np.zeros_like(out), np.zeros_like(ref_out)
        if name in ORDER_FREE and _is_numeric_array(out) and _is_numeric_array(ref_out):
            out, ref_out = np.sort(out), np.sort(ref_out)
        why = _same_value(out, ref_out)
        return None if why is None else f"wrong result: {why}"
    for leaf in _leaves(out):
        if isinstance(leaf, np.ndarray) and leaf.dtype == object:
            return "returns an object array"
    return None


def _jit_agrees(f, args, kwargs):
    """None if jit(f) on the same (array) arguments gives eager's value and dtype, or raises an
    error of the same type, else why not."""
    if not all(isinstance(a, np.ndarray) for a in args) or not args:
        return None
    kind, out = _call(f, args, kwargs)
    if kind == "ok" and not all(_is_numeric_array(v) for v in _leaves(out)):
        return None  # a dtype, a token, a function: nothing jit can return
    jkind, jout = _call(fg.jit(lambda: f(*args, **kwargs)), (), {})
    if kind == "raise" and jkind == "raise":
        if type(out) is not type(jout):
            return f"eager raises {type(out).__name__}, jit {type(jout).__name__}: {jout}"
        return None
    if kind != jkind:
        def said(k, v):
            return f"raises {type(v).__name__}: {str(v)[:100]}" if k == "raise" else "returns"
        return f"eager {said(kind, out)}, jit {said(jkind, jout)}"
    why = _same_value(jout, out)
    return None if why is None else f"jit differs from eager: {why}"


def _signature_error(e):
    """A TypeError raised by the call itself (wrong number of arguments): clean."""
    tb = e.__traceback__
    depth = 0
    while tb is not None:
        depth += 1
        tb = tb.tb_next
    return isinstance(e, TypeError) and depth <= 3 and re.search(
        r"positional argument|keyword argument|required|takes", str(e)) is not None


def _n_required(f):
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):
        return 1, False
    req = [p for p in sig.parameters.values() if p.default is p.empty
           and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(req), "axis" in sig.parameters


def calls_for(name, f):
    """(label, args, kwargs) of the hostile calls made to `f`."""
    nreq, has_axis = _n_required(f)
    out = []
    for label, h in HOSTILE.items():
        out.append((label, (h,), {}))
        if nreq >= 2:
            out.append((f"VALID,{label}", (VALID[0],) + (h,) * (nreq - 1), {}))
    if has_axis:
        for label, ax in BAD_AXES.items():
            out.append((label, (VALID,) + (VALID,) * max(0, nreq - 1), {"axis": ax}))
    return out


def sweep(groups=None):
    """Every (group, name, label, reason) failure, and the number of functions and calls."""
    failures, nfun, ncall = [], 0, 0
    for group, name, f, ref in swept_functions():
        if groups is not None and group not in groups:
            continue
        nfun += 1
        if (group, name) in DIVERGES:
            ref = None
        for label, args, kwargs in calls_for(name, f):
            ncall += 1
            call_ref = None if (group, name, label) in CALL_DIVERGES else ref
            why = classify(f, call_ref, args, kwargs, name)
            if why is None and group == "lax":
                why = _jit_agrees(f, args, kwargs)
            if why is not None:
                failures.append((group, name, label, why))
    return failures, nfun, ncall


GROUPS = ["numpy", "numpy.linalg", "numpy.fft", "lax", "scipy.integrate", "scipy.linalg",
          "scipy.optimize", "scipy.signal", "scipy.special", "scipy.stats", "random", "nn",
          "transforms"]


# The calls that still fail, one per line with the reason (regenerate with
# `python tests/test_hostile_inputs.py --update` after fixing some): the sweep fails on any
# failure not listed here, and on a listed one that now behaves, so the list only shrinks.
KNOWN_FILE = pathlib.Path(__file__).with_name("hostile_known_failures.txt")


def _key(g, n, lab):
    return f"{g}:{n}({lab})"


def known_failures():
    if not KNOWN_FILE.exists():
        return {}
    out = {}
    for line in KNOWN_FILE.read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, why = line.partition(": ")
            out[key] = why
    return out


@pytest.mark.parametrize("group", GROUPS)
def test_sweep(group):
    failures, nfun, ncall = sweep({group})
    assert nfun > 0 and ncall > nfun
    known = {k for k in known_failures() if k.split(":")[0] == group}
    got = {_key(g, n, lab): why for g, n, lab, why in failures}
    new = sorted(k for k in got if k not in known)
    assert not new, "\n".join(f"{k}: {got[k]}" for k in new)
    fixed = sorted(k for k in known if k not in got)
    assert not fixed, ("now behave; remove them from hostile_known_failures.txt (run "
                       "`python tests/test_hostile_inputs.py --update`): " + ", ".join(fixed))


if __name__ == "__main__":
    import sys
    update = "--update" in sys.argv
    groups = {a for a in sys.argv[1:] if not a.startswith("--")} or None
    failures, nfun, ncall = sweep(groups)
    for g, n, lab, why in failures:
        print(f"{_key(g, n, lab)}: {why}")
    print(f"{nfun} functions, {ncall} calls, {len(failures)} failures "
          f"in {len({(g, n) for g, n, _, _ in failures})} functions")
    if update:
        assert groups is None, "--update sweeps every group"
        KNOWN_FILE.write_text(
            "# hostile-input calls that still fail (see tests/test_hostile_inputs.py)\n"
            + "".join(f"{_key(g, n, lab)}: {why.replace(chr(10), ' ')}\n"
                      for g, n, lab, why in failures))


# ---------------------------------------------------------------- named cases
F32, F64 = np.ones(3, np.float32), np.ones(3)
M32, M64 = np.ones((3, 3), np.float32), np.ones((3, 3))
MIXED = {
    "add": lambda a, b: lax.add(a, b), "mul": lambda a, b: lax.mul(a, b),
    "max": lambda a, b: lax.max(a, b), "atan2": lambda a, b: lax.atan2(a, b),
    "pow": lambda a, b: lax.pow(a, b), "eq": lambda a, b: lax.eq(a, b),
    "nextafter": lambda a, b: lax.nextafter(a, b), "rem": lambda a, b: lax.rem(a, b),
    "select": lambda a, b: lax.select(np.ones(3, bool), a, b),
    "concatenate": lambda a, b: lax.concatenate([a, b], 0),
    "complex": lambda a, b: lax.complex(a, b),
    "dot_general": lambda a, b: lax.dot_general(a, b, (((0,), (0,)), ((), ()))),
    "dot": lambda a, b: lax.dot(a, b),
    "batch_matmul": lambda a, b: lax.batch_matmul(a.reshape(1, 1, 3), b.reshape(1, 3, 1)),
}


@pytest.mark.parametrize("name", sorted(MIXED))
def test_lax_rejects_mixed_dtypes_alike_eager_staged_and_jitted(name):
    """lax is strict (JAX): f32 with f64 raises a DtypeError naming both, in every mode."""
    op = MIXED[name]
    modes = {"eager": lambda: op(F32, F64), "make_jaxpr": lambda: fg.make_jaxpr(op)(F32, F64),
             "jit": lambda: fg.jit(op)(F32, F64)}
    texts = set()
    for mode, call in modes.items():
        with pytest.raises(fg.errors.DtypeError) as e:
            call()
        assert isinstance(e.value, TypeError), mode
        assert "f32[" in str(e.value), (mode, str(e.value))
        assert "f64[" in str(e.value), (mode, str(e.value))
        texts.add(str(e.value))
    assert len(texts) == 1, texts  # the same message in every mode


def test_lax_same_dtypes_agree_eager_and_jitted():
    for name, op in MIXED.items():
        eager = op(F64, F64)
        jitted = fg.jit(op)(F64, F64)
        assert np.asarray(eager).dtype == np.asarray(jitted).dtype, name
        np.testing.assert_array_equal(eager, jitted)
    assert lax.add(np.ones(3, int), 1).dtype == np.int64  # a Python int is an int64 operand


def test_lax_python_scalars_take_the_operands_dtype_as_in_jax():
    # a Python scalar is weakly typed: lax.add(f32[3], 1.0) is f32[3] in JAX 0.10, eagerly,
    # staged and jitted alike; a float scalar with an integer operand is still refused
    for op in (lambda a: lax.add(a, 1.0), lambda a: lax.eq(a, 0.0), lambda a: lax.mul(2.0, a)):
        want = op(F32)
        assert np.asarray(want).dtype in (np.float32, np.bool_)
        for got in (fg.jit(op)(F32), fg.eval_shape(op, F32)):
            assert got.dtype == np.asarray(want).dtype
    with pytest.raises(fg.errors.DtypeError, match=r"i32\[3\], f64\[\]"):
        lax.add(np.ones(3, np.int32), 1.5)


def test_lax_arity_is_checked_in_every_mode():
    x = np.ones(2)
    for call in (lambda: lax.add(x), lambda: fg.jit(lambda: lax.add(x))(),
                 lambda: lax.add(x, x, x), lambda: fg.jit(lambda: lax.sin(x, x))()):
        # Python's own signature error (as jax.lax), or the primitive's arity check under jit
        with pytest.raises(TypeError, match=r"takes \d operands?, got \d|takes \d positional "
                           r"arguments? but \d were given|missing \d required positional"):
            call()


def test_take_with_an_out_of_range_axis_raises_numpys_axis_error():
    x = np.arange(6.0).reshape(2, 3)
    for axis in (2, -3):
        with pytest.raises(np.exceptions.AxisError) as np_err:
            np.take(x, [0], axis=axis)
        with pytest.raises(np.exceptions.AxisError, match=rf"axis {axis} is out of bounds for an "
                           r"array of rank 2") as e:
            fnp.take(x, [0], axis=axis)
        assert isinstance(e.value, ValueError) and isinstance(e.value, IndexError)
        assert isinstance(e.value, fg.errors.ShapeError)
        assert type(np_err.value).__mro__[0] in type(e.value).__mro__
    np.testing.assert_array_equal(fnp.take(x, [2, 0], axis=-1), np.take(x, [2, 0], axis=-1))


def test_diagonal_of_a_1d_array_raises_like_numpy():
    with pytest.raises(ValueError, match="diag requires an array of at least two dimensions"):
        np.diagonal(np.ones(3))
    for f in (fnp.diagonal, fnp.trace, fg.jit(fnp.diagonal)):
        with pytest.raises(ValueError, match=r"diag requires an array of at least two dimensions, "
                           r"got f64\[3\]"):
            f(np.ones(3))
    with pytest.raises(ValueError, match="axis1 and axis2 cannot be the same"):
        fnp.diagonal(np.ones((2, 2)), axis1=1, axis2=-1)
    with pytest.raises(np.exceptions.AxisError):
        fnp.diagonal(np.ones((2, 2)), axis1=2)
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(fnp.diagonal(x, 1, -1, 0), np.diagonal(x, 1, -1, 0))


@pytest.mark.parametrize("f", ["floor_divide", "remainder", "mod", "fmod"])
def test_float_division_matches_numpy_at_infinities_and_signed_zeros(f):
    a = np.array([0.5, -1, 2, 0.25, -3.5, 7, 0.0, -0.0, 5, np.inf, -np.inf, np.nan, 1e300, -1e-300])
    b = np.array([np.nan, np.inf, -np.inf, 1, 2, -2, 3, -3, 0, 2, 2, 2, 1e-10, 7])
    with quiet():
        expected = getattr(np, f)(a, b)
        for got in (getattr(fnp, f)(a, b), fg.jit(getattr(fnp, f))(a, b)):
            np.testing.assert_array_equal(got, expected)
            np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))
        a32, b32 = a.astype(np.float32), b.astype(np.float32)
        got32 = getattr(fnp, f)(a32, b32)
        assert got32.dtype == np.float32
        np.testing.assert_array_equal(got32, getattr(np, f)(a32, b32))


def test_small_integer_and_bool_inputs_take_numpys_float_dtype():
    for dt in (np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.int64):
        x = np.ones(3, dt)
        for name in ("sin", "sqrt", "exp", "arctan", "rint", "deg2rad", "cbrt", "angle"):
            assert getattr(fnp, name)(x).dtype == getattr(np, name)(x).dtype, (name, dt)
        assert fnp.arctan2(x, x).dtype == np.arctan2(x, x).dtype, dt
        assert fnp.hypot(x, x).dtype == np.hypot(x, x).dtype, dt
        assert fnp.divide(x, x).dtype == np.divide(x, x).dtype == np.float64, dt
        assert fnp.mean(x).dtype == np.mean(x).dtype, dt


@pytest.mark.parametrize("name", ["fabs", "deg2rad", "rad2deg", "modf", "frexp", "hypot",
                                  "logaddexp", "heaviside", "floor_divide", "remainder"])
def test_real_only_ufuncs_reject_complex_input(name):
    z = np.array([1 + 1j, 2.0])
    args = (z,) if name in ("fabs", "deg2rad", "rad2deg", "modf", "frexp") else (z, z)
    with pytest.raises(TypeError):
        getattr(np, name)(*args)
    with pytest.raises(TypeError, match=r"complex"):
        getattr(fnp, name)(*args)


def test_modf_of_infinities_matches_numpy():
    x = np.array([np.inf, -np.inf, np.nan, -2.5, 0.0])
    for got, expected in zip(fnp.modf(x), np.modf(x)):
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))


@pytest.mark.parametrize("call", [
    lambda m: m.fft.fft(np.ones((3, 4)), axis=7), lambda m: m.linalg.norm(np.ones((3, 4)), axis=7),
    lambda m: m.linalg.vector_norm(np.ones((3, 4)), axis=-7), lambda m: m.rot90(np.ones((2, 2)),
                                                                                 axes=(0, 5)),
    lambda m: m.take_along_axis(np.ones((2, 2)), np.zeros((2, 2), int), axis=3),
    lambda m: m.compress([True], np.ones((2, 2)), axis=2),
    lambda m: m.fft.fftshift(np.ones((2, 2)), axes=3)],
    ids=["fft", "norm", "vector_norm", "rot90", "take_along_axis", "compress", "fftshift"])
def test_out_of_range_axes_raise_axis_error_instead_of_wrapping(call):
    with pytest.raises((IndexError, ValueError)):  # numpy: AxisError, IndexError or ValueError
        call(np)
    with pytest.raises(np.exceptions.AxisError, match="out of bounds"):
        call(fnp)


def test_non_numeric_values_are_refused_by_the_array_constructors():
    for f in (fnp.array, fnp.asarray, fnp.copy, fnp.zeros_like, fnp.ones_like, fnp.empty_like,
              fnp.meshgrid):
        for bad in (None, "abc", {"a": 1}, object()):
            with pytest.raises(TypeError, match="is not a numeric value"):
                f(bad)
    with pytest.raises(TypeError, match="too large for int64"):
        fnp.asarray(10 ** 20)
    np.testing.assert_array_equal(fnp.array([[1, 2], [3, 4]]), np.array([[1, 2], [3, 4]]))


@pytest.mark.parametrize("f", ["concatenate", "stack", "hstack", "vstack", "dstack",
                               "column_stack"])
def test_sequence_arguments_are_checked(f):
    for bad, err in ((None, TypeError), (5, TypeError), (np.array(1.0), ValueError),
                     ([], ValueError)):
        with pytest.raises(err, match=f):
            getattr(fnp, f)(bad)
    np.testing.assert_array_equal(getattr(fnp, f)([np.ones(2), np.zeros(2)]),
                                  getattr(np, f)([np.ones(2), np.zeros(2)]))


def test_multigammaln_validates_d_instead_of_looping_d_times():
    import scipy.special as ss

    import fungrad.scipy.special as fss
    a = np.array([2.5, 3.0, 4.2])
    np.testing.assert_allclose(fss.multigammaln(a, 3), ss.multigammaln(a, 3), rtol=1e-12)
    for d in (0, -1, 2.5, None, True):
        with pytest.raises(ValueError, match="d must be a positive integer"):
            fss.multigammaln(a, d)
    with pytest.raises(ValueError, match="too large"):
        fss.multigammaln(a, 10 ** 20)  # (this looped 10**20 times)


def test_lax_add_no_longer_writes_into_a_third_argument():
    x, z = np.ones(2), np.zeros(2)
    with pytest.raises(TypeError, match=r"add\(\) takes 2 positional arguments but 3 were given"):
        lax.add(x, x, z)  # numpy's np.add(x, x, z) would write into z
    np.testing.assert_array_equal(z, [0.0, 0.0])


# ---------------------------------------------------------------- fungrad.lax's argument checks
@pytest.mark.parametrize("call, err, text", [
    (lambda: lax.reshape(np.ones(4), None), TypeError,
     r"lax\.reshape: new_sizes must be a sequence of integers, got NoneType None"),
    (lambda: lax.reshape(np.ones(4), (2, -2)), fg.errors.ShapeError,
     r"lax\.reshape: new_sizes \(2, -2\) has a negative size"),
    (lambda: lax.top_k(np.ones(3), "2"), TypeError, r"lax\.top_k: k must be an integer, got str '2'"),
    (lambda: lax.cumsum(np.ones((2, 3)), axis=5), np.exceptions.AxisError,
     r"lax\.cumsum: axis 5 is out of range for an array of rank 2"),
    (lambda: lax.broadcast_in_dim(np.ones(2), (2, 2), np.array([0.5])), TypeError,
     r"lax\.broadcast_in_dim: broadcast_dimensions must be a sequence of integers, got f64\[1\]"),
    (lambda: lax.sin({"a": 1.0}), TypeError, r"lax\.sin: x must be an array of numbers .* got dict"),
    (lambda: lax.add(np.ones(2), 10 ** 20), TypeError, r"lax\.add: y = 10+ is too large for int64"),
    (lambda: lax.conv_general_permutations(None), TypeError,
     r"lax\.conv_general_permutations: dimension_numbers must be a \(lhs, rhs, out\) triple"),
    (lambda: lax.dot_general(np.ones(2), np.ones(2), np.ones(4)), TypeError,
     r"lax\.dot_general: dimension_numbers must be \(\(lhs_contracting"),
    (lambda: lax.padtype_to_pads((4,), (2,), (1,), [(1, 2, 3)]), TypeError,
     r"lax\.padtype_to_pads: padding must be a sequence of \(low, high\) integer pairs"),
    (lambda: lax.lgamma(np.array([1j])), fg.errors.DtypeError, r"lax\.lgamma takes real operands, "
     r"got c128\[1\]"),
    (lambda: lax.stack([]), ValueError, r"lax\.stack: operands is empty"),
    (lambda: lax.unstack(np.array(1.0)), fg.errors.ShapeError, r"lax\.unstack: x must have at "
     r"least one axis, got f64\[\]"),
])
def test_lax_argument_errors_name_the_function_the_argument_and_what_was_given(call, err, text):
    with pytest.raises(err, match=text):
        call()


def test_lax_argument_errors_are_the_same_under_jit():
    x = np.ones(4)
    for f in (lambda x: lax.reshape(x, None), lambda x: lax.squeeze(x, ("0",)),
              lambda x: lax.rev(x, 1.5), lambda x: lax.slice(x, (0,), None)):
        with pytest.raises(TypeError) as eager:
            f(x)
        with pytest.raises(TypeError) as jitted:
            fg.jit(f)(x)
        assert str(eager.value) == str(jitted.value)
        assert str(eager.value).startswith("lax.")
    # valid arguments still work, numpy integers and int arrays included
    np.testing.assert_array_equal(lax.reshape(np.arange(6), np.array([2, 3])),
                                  np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(lax.top_k(np.array([1.0, 3.0, 2.0]), np.int64(2))[0], [3.0, 2.0])


# ---------------------------------------------------------------- scipy's conventions at the edges
def test_scipy_stats_parameters_outside_their_domain_give_nan_as_scipy():
    import scipy.stats as ss

    import fungrad.scipy.stats as fs
    x = np.array([0.5, 1.0, 2.0])
    cases = [("norm", "logpdf", (x,), {"scale": -1.0}), ("gamma", "cdf", (x, -2.0), {}),
             ("beta", "pdf", (x / 4, 2.0, 0.0), {}), ("binom", "pmf", (np.array([0, 1]), 2.5, 0.5), {}),
             ("binom", "logpmf", (np.array([0, 1]), 3, 1.5), {}), ("geom", "sf", (x, 0.0), {}),
             ("poisson", "logpmf", (np.array([0, 1]), -1.0), {}),
             ("t", "ppf", (np.array([-0.5, 0.5, 2.0]), 3.0), {}),
             ("expon", "ppf", (np.array([0.5, 1.5]),), {}), ("truncnorm", "cdf", (x, 1.0, -1.0), {}),
             ("t", "logpdf", (x, np.inf), {}), ("bernoulli", "logcdf", (np.array([0, 1, 2]), 1.5), {})]
    for dist, method, args, kwargs in cases:
        with quiet():
            want = getattr(getattr(ss, dist), method)(*args, **kwargs)
            got = getattr(getattr(fs, dist), method)(*args, **kwargs)
        np.testing.assert_allclose(got, want, rtol=1e-10, equal_nan=True, err_msg=f"{dist}.{method}")
    with pytest.raises(TypeError, match=r"scipy\.stats\.norm\.cdf: complex arguments"):
        fs.norm.cdf(np.array([1j]))
    with pytest.raises(ValueError, match="greater than 0"):
        fs.dirichlet.logpdf(np.array([0.5, 0.5]), np.array([1.0, -1.0]))


def _against_scipy_stats(cases, rtol=1e-10):
    import scipy.stats as ss

    import fungrad.scipy.stats as fs
    for dist, method, args, kwargs in cases:
        with quiet():
            want = getattr(getattr(ss, dist), method)(*args, **kwargs)
            got = getattr(getattr(fs, dist), method)(*args, **kwargs)
        assert np.shape(got) == np.shape(want), (dist, method, args)
        assert np.asarray(got).dtype == np.asarray(want).dtype, (dist, method, args)
        np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-300, equal_nan=True,
                                   err_msg=f"{dist}.{method}{args} {kwargs}")


def test_scipy_stats_nan_points_and_infinite_ends_as_scipy():
    """NaN where x (or loc) is NaN; the cdf / sf family at x = -inf / inf and outside the
    support exact, whatever the shape parameters (infinite ones included); t with df = inf the
    normal's; ppf at q = 0 and 1 the support's ends (cauchy's tan(pi / 2) is finite)."""
    x = np.array([np.nan, np.inf, -np.inf, -1.0, 0.0, 0.25, 1.0, 2.0])
    shapes = np.array([np.nan, np.inf, -np.inf, 1.0])
    v = np.array([0.5, -1.0, 2.0, 0.25])
    cases = [(d, m, (x,), {}) for d in ("uniform", "expon", "norm", "cauchy", "laplace")
             for m in ("pdf", "logpdf", "cdf", "sf")]
    cases += [("uniform", "logpdf", (x,), {"loc": np.nan}), ("expon", "cdf", (x,), {"loc": np.inf}),
              ("laplace", "sf", (x,), {"loc": np.inf}), ("cauchy", "logcdf", (x,), {"loc": np.inf}),
              ("poisson", "pmf", (x, 2.5), {}), ("geom", "logsf", (x, 0.3), {}),
              ("bernoulli", "logcdf", (x, 0.3), {"loc": np.inf})]
    cases += [(d, m, (v,) + (shapes,) * n, {}) for d, n in (("beta", 2), ("pareto", 1), ("t", 1))
              for m in ("cdf", "logcdf", "sf", "logsf")]
    cases += [("beta", "cdf", (x, np.inf, 2.0), {}), ("pareto", "logsf", (x, np.inf), {}),
              ("gamma", "cdf", (x, np.inf), {}), ("poisson", "logsf", (x, np.inf), {})]
    cases += [("t", m, (x * 3, np.inf), {"loc": 0.2, "scale": 1.5})
              for m in ("pdf", "cdf", "logcdf", "sf", "logsf")]
    q = np.array([0.0, 1.0, 0.3, 0.5, np.nan, -0.5])
    cases += [(d, "ppf", (q,) + sh, {"loc": 0.5, "scale": 2.0}) for d, sh in (
        ("cauchy", ()), ("t", (np.inf,)), ("t", (3.0,)), ("gamma", (2.0,)), ("beta", (2.0, 3.0)),
        ("pareto", (2.5,)), ("pareto", (np.inf,)), ("expon", ()), ("logistic", ()),
        ("truncnorm", (-1.0, 2.0)), ("uniform", ()))]
    cases += [("norm", "isf", (q,), {}), ("cauchy", "ppf", (np.array([True, False]),), {}),
              ("cauchy", "ppf", (np.arange(4),), {}), ("cauchy", "ppf", (np.array([1, 0], np.int8),), {})]
    _against_scipy_stats(cases, rtol=1e-9)
    # derivatives stay finite at and beyond the support's ends (safe inputs inside the guards)
    from fungrad.scipy import stats as fs
    xs = np.array([-0.5, 0.0, 0.3, 1.0, 1.5])
    np.testing.assert_array_equal(fg.vmap(fg.grad(lambda x: fs.beta.cdf(x, 0.5, 0.5)))(xs)[[0, 1, 3, 4]],
                                  0.0)
    np.testing.assert_allclose(fg.grad(lambda x: fs.t.cdf(x, np.inf))(0.0), 1 / np.sqrt(2 * np.pi))
    np.testing.assert_allclose(fg.grad(lambda x: fs.t.sf(x, np.inf))(0.5),
                               -np.exp(-0.125) / np.sqrt(2 * np.pi))
    np.testing.assert_allclose(fg.vmap(fg.grad(lambda x: fs.pareto.logsf(x, 2.0)))(xs + 1.0),
                               [0.0, 0.0, -2 / 1.3, -1.0, -0.8])
    np.testing.assert_allclose(fg.grad(lambda q: fs.t.ppf(q, np.inf))(0.3),
                               1 / fs.norm.pdf(fs.norm.ppf(0.3)))


def test_scipy_stats_boolean_parameters_refused_where_scipy_refuses_them():
    """scipy negates p (geom, nbinom.logpmf) and b (pareto, truncnorm's pdf and ppf), and numpy
    refuses `-` on booleans: a TypeError (fungrad's DtypeError) on any input, and scipy's values
    where scipy takes them."""
    import scipy.stats as ss

    from fungrad.errors import DtypeError
    from fungrad.scipy import stats as fs
    k, b = np.array([0.5, -1.0, 2.0, 0.25]), np.array([True, False, True, True])
    refused = [("geom", m, (k, b)) for m in ("logpmf", "cdf", "logcdf", "sf", "logsf")]
    refused += [("nbinom", "logpmf", (k, 3.0, b)), ("geom", "logpmf", (k, True))]
    refused += [("pareto", m, (k + 1, b)) for m in ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf")]
    refused += [("truncnorm", m, (k - 1, -1.0, b)) for m in ("pdf", "logpdf")]
    refused += [("truncnorm", "ppf", (np.array([0.5]), -1.0, b))]
    for dist, method, args in refused:
        with quiet(), pytest.raises(TypeError):
            getattr(getattr(ss, dist), method)(*args)
        with pytest.raises(DtypeError, match=rf"scipy\.stats\.{dist}\.{method}: a boolean"):
            getattr(getattr(fs, dist), method)(*args)
    _against_scipy_stats([("geom", "pmf", (k, b), {}), ("nbinom", "cdf", (k, 3.0, b), {}),
                          ("pareto", "ppf", (np.array([0.5]), b), {}),
                          ("binom", "logpmf", (k, b, b), {}), ("bernoulli", "logpmf", (k, b), {})])


def test_scipy_stats_multivariate_normal_dimensions_as_scipy():
    """The dimension from mean (its size) or cov (its side; 1 for a scalar or vector): in one
    dimension a vector x is that many points; x's last axis must match (ShapeError, a
    ValueError, where scipy raises ValueError)."""
    import scipy.stats as ss

    from fungrad.errors import ShapeError
    from fungrad.scipy import stats as fs
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 3))
    c = a @ a.T + np.eye(3)
    ok = [(HOSTILE["nan-inf"],), (HOSTILE["int"],), (HOSTILE["bool"],), (HOSTILE["int8"],),
          (HOSTILE["shape-negative"],), (1.5,), (np.arange(3), 0.5, 2.0), (np.ones(3), np.zeros(3), c),
          (np.ones(3), np.zeros(3), np.array([1.0, 2.0, 3.0])), (np.ones((4, 3)), None, c),
          (1.0, np.zeros(3), c), (np.ones((4, 1)), np.zeros(3), c), (np.ones((5, 1)),),
          (np.ones((2, 2, 3)), np.ones(3), 2.0), (np.zeros((0, 3)), np.zeros(3), c),
          (np.ones(3), np.zeros((1, 1)), 4.0)]
    _against_scipy_stats([("multivariate_normal", m, args, {}) for args in ok
                          for m in ("logpdf", "pdf")], rtol=1e-12)
    bad = [(HOSTILE["empty-2d"],), (HOSTILE["rank4"],), (np.ones(2), np.zeros(3), c),
           (np.ones(3), np.zeros((1, 3)), c), (np.ones(3), np.zeros(3), np.eye(2)),
           (np.ones(3), None, np.ones(3)), (np.ones(3), np.zeros(3), np.ones((3, 3, 3)))]
    for args in bad:
        with quiet(), pytest.raises(ValueError):
            ss.multivariate_normal.logpdf(*args)
        with pytest.raises(ShapeError, match="multivariate_normal: "):
            fs.multivariate_normal.logpdf(*args)
    check = fg.grad(lambda m: fs.multivariate_normal.logpdf(np.array([1.0, 2.0]), m, 2.0).sum())
    np.testing.assert_allclose(check(0.5), (0.5 + 1.5) / 2.0)


def test_scipy_stats_t_with_int8_df_is_float64_exact():
    """scipy takes log(df) of an int8 df in float16 (numpy's loop for int8): fungrad computes
    in float64 throughout and matches scipy given the same df as int64 (the sweep's t.pdf /
    t.logpdf (VALID,int8) calls are that float16 rounding: CALL_DIVERGES)."""
    import scipy.stats as ss

    from fungrad.scipy import stats as fs
    x, df = np.array([0.5, -1.0, 2.0, 0.25]), np.array([1, -2, 3, 4], np.int8)
    with quiet():
        np.testing.assert_allclose(fs.t.logpdf(x, df), ss.t.logpdf(x, df.astype(np.int64)),
                                   rtol=1e-13, equal_nan=True)
        assert fs.t.pdf(x, df).dtype == ss.t.pdf(x, df).dtype == np.float64


def test_scipy_stats_infinite_shapes_as_scipy():
    """chi2's density at df = inf NaN from x = 1 on (its own form, not gamma's at x / 2);
    pareto's at b = inf and x = 1 inf ((b + 1) log 1 taken as 0); nbinom's cdf family at
    n = inf NaN inside the support (not the limit 0 / 1), exact outside it."""
    x = np.array([-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, np.inf, np.nan])
    k = np.array([-np.inf, -1.0, 0.0, 2.0, 2.5, np.inf, np.nan])
    cases = [("chi2", m, (x, np.inf), {}) for m in ("pdf", "logpdf")]
    cases += [("chi2", m, (x, np.array(np.inf)), {"loc": 0.5, "scale": 2.0}) for m in ("pdf", "logpdf")]
    cases += [("pareto", m, (x + 1.0, b), {}) for m in ("pdf", "logpdf") for b in (np.inf, 2.5)]
    cases += [("pareto", "pdf", (x + 1.0, 1e300), {})]  # (scipy's logpdf is log(pdf): -inf)
    cases += [("pareto", "pdf", (np.array([1.0, 2.0]), np.inf), {"loc": 1.0, "scale": 0.5})]
    cases += [("nbinom", m, (k, n, 0.5), {}) for m in ("pmf", "logpmf", "cdf", "logcdf", "sf", "logsf")
              for n in (np.inf, 3.0)]
    _against_scipy_stats(cases)
    from fungrad.scipy import stats as fs
    # the density's derivative stays finite for a finite shape
    np.testing.assert_allclose(fg.grad(lambda x: fs.pareto.logpdf(x, 2.0))(1.0), -3.0)
    np.testing.assert_allclose(fg.grad(lambda x: fs.chi2.logpdf(x, 3.0))(2.0), 0.5 / 2.0 - 0.5)


def test_scipy_stats_t_cdf_at_zero_and_huge_df_as_scipy():
    """t.cdf's derivative in x at z = 0 is the density (the incomplete beta forms' is inf * 0
    there); a huge df (1e8 ... 1e300) gives scipy's values, the normal's beyond df = 2^52, and
    t's density there keeps its digits (no gammaln difference of size df log df)."""
    from fungrad.scipy import stats as fs
    z = np.array([-1e3, -40.0, -37.0, -10.0, -3.0, -1.0, -1e-3, -1e-9, 0.0, 1e-9, 1e-3, 1.0, 3.0,
                  10.0, 37.0, 40.0, 1e3])
    dfs = (1e-300, 1e-3, 0.5, 2.0, 3.0, 30.0, 1e3, 1e4, 1e6, 1e10, 1e14, 4.5e15, 4.6e15, 1e300)
    cases = [("t", m, (z, df), {}) for df in dfs
             for m in ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf")]
    cases += [("t", m, (z, np.array([3.0, 1e300])[:, None]), {"loc": 0.5, "scale": 2.0})
              for m in ("cdf", "logsf")]
    _against_scipy_stats(cases, rtol=1e-11)
    for df in (0.5, 1.0, 3.0, 1e5, 1e300, np.inf):
        for scale in (1.0, 2.0):
            want = ss_t_pdf(0.0, df) / scale
            got = fg.grad(lambda x, df=df, scale=scale: fs.t.cdf(x, df, 0.0, scale))(0.0)
            np.testing.assert_allclose(got, want, rtol=1e-13, err_msg=f"df={df}")
            np.testing.assert_allclose(fg.grad(lambda x, df=df: fs.t.sf(x, df))(0.0),
                                       -ss_t_pdf(0.0, df), rtol=1e-13)
    # and finite, equal to the density, at every point (vmapped, jitted)
    xs = np.concatenate([-np.logspace(-200, 2, 30), [0.0], np.logspace(-200, 2, 30)])
    for df in (1e-3, 1.0, 3.0, 1e5, 1e12):
        g = fg.jit(fg.vmap(fg.grad(lambda x, df=df: fs.t.cdf(x, df))))(xs)
        np.testing.assert_allclose(g, ss_t_pdf(xs, df), rtol=1e-9, err_msg=f"df={df}")


def test_scipy_stats_edge_sweep_as_scipy():
    """The parameter and point edges a sweep against scipy.stats found: scale = inf at x = +-inf
    (inf / inf: NaN); the continuous logcdf / logsf from the complement above 1/2; t's ppf at a
    huge df and in the far tails, t at df = 5e-324; chi2 below its support at df = 5e-324;
    cauchy's logpdf at 1e300 and ppf near 0 and 1; vonmises at a huge kappa; truncnorm with an
    infinite end at +-1e300 and its logsf near 0; the discrete logcdf at k = inf whatever the
    parameters, bernoulli's sf of a tiny p and logcdf at loc = 1e300; binom at n = 1e10 and
    n = inf; nbinom's logcdf / sf for a tiny n."""
    x = np.array([-np.inf, -1.0, 0.5, 2.0, np.inf])
    cases = [(d, m, (x,) + sh, {"scale": np.inf}) for d, sh in (("norm", ()), ("t", (3.0,)),
                                                                   ("gamma", (2.0,)))
             for m in ("pdf", "cdf", "logsf")]
    z = np.array([-30.0, -3.0, 0.5, 3.0, 9.0, 30.0, 1e10])
    cases += [("t", "logcdf", (z, 7.5), {}), ("t", "logsf", (-z, 30.0), {}),
              ("gamma", "logcdf", (z, 2.0), {}), ("chi2", "logsf", (-z, 3.0), {}),
              ("beta", "logcdf", (np.array([0.5, 0.999, 1 - 1e-12]), 2.0, 3.0), {}),
              ("cauchy", "logcdf", (z,), {})]
    q = np.array([1e-300, 1e-10, 0.1, 0.5, 0.9, 1 - 1e-10])
    cases += [("t", "ppf", (q, df), {}) for df in (2.0, 1e4, 1e10, 1e14, 1e300)]
    cases += [("t", "ppf", (q[1:], 3.0), {})]  # (scipy's t.ppf(1e-300, 3) is +inf)
    cases += [("t", "ppf", (np.array([1e-300, 0.5, 0.75]), 1.0), {}),
              ("t", "ppf", (np.array([0.5]), 5e-324), {})]
    cases += [("t", m, (z, 5e-324), {}) for m in ("pdf", "logpdf", "cdf", "sf")]
    cases += [("chi2", m, (np.array([-1e300, -1.0, -0.5]), 5e-324), {}) for m in ("cdf", "sf")]
    cases += [("cauchy", "logpdf", (np.array([-1e300, 1e300, 1e200, 0.5]),), {}),
              ("cauchy", "logpdf", (np.array([-10.0, 0.5]),), {"scale": 1e-300}),
              ("cauchy", "ppf", (np.array([1e-300, 1e-10, 0.2, 0.5, 0.8, 1 - 1e-10]),), {}),
              ("vonmises", "logpdf", (np.array([1e-10, 1e-3, 0.0]), 1e300), {})]
    cases += [("truncnorm", m, (np.array([-1e300, 1e300, 0.5]), a, b), {})
              for m in ("cdf", "logcdf", "sf", "logsf") for a, b in ((-np.inf, 1.0), (-1.0, np.inf))]
    cases += [("truncnorm", "logsf", (np.array([-10.0, -5.0]), -np.inf, b), {}) for b in (-1.0, 1.0)]
    k = np.array([-1.0, 0.0, 1.0, 2.0, np.inf])
    cases += [("poisson", "logcdf", (k, mu), {}) for mu in (np.nan, -1.0)]
    cases += [("geom", "logcdf", (k, 1.5), {}), ("nbinom", "logcdf", (k, 0.0, 0.3), {}),
              ("bernoulli", "logcdf", (np.array([1e300]), 0.5), {"loc": 1e300}),
              ("bernoulli", "sf", (k, 1e-10), {}), ("bernoulli", "logsf", (k, 1e-300), {})]
    kk = np.array([0.0, 1.0, 2.0, 5.0])
    cases += [("binom", m, (kk, 1e10, 1e-10), {}) for m in ("pmf", "cdf", "sf")]
    cases += [("binom", m, (k, np.inf, 0.3), {}) for m in ("pmf", "cdf", "logcdf", "sf")]
    cases += [("binom", "logpmf", (kk, 5.0, p), {}) for p in (0.0, 1e-300, 1e-10)]
    cases += [("nbinom", "logcdf", (kk, 1e-300, 1e-10), {}), ("nbinom", "sf", (kk, 1e-300, 0.3), {})]
    _against_scipy_stats(cases)
    from fungrad.scipy import stats as fs
    # where scipy rounds: the exact values (the density times the step at the support's end)
    b, xb = 1.0, 1 - 1e-16
    np.testing.assert_allclose(fs.truncnorm.sf(xb, -np.inf, b),
                               (b - xb) * fs.norm.pdf(b) / fs.norm.cdf(b), rtol=1e-13)
    np.testing.assert_allclose(fs.truncnorm.cdf(1e-10, 0.0, 1.0),
                               1e-10 * fs.norm.pdf(0.0) / (fs.norm.cdf(1.0) - 0.5), rtol=1e-13)
    assert np.isfinite(fg.grad(lambda x: fs.truncnorm.sf(x, -1.0, 1.0))(xb))
    assert fg.grad(lambda x: fs.vonmises.logpdf(x, 1e300))(0.0) == 0.0
    np.testing.assert_allclose(fg.grad(lambda x: fs.cauchy.logpdf(x))(1e200), -2e-200)


def test_scipy_stats_low_precision_inputs_give_float64_as_scipy():
    """scipy.stats returns float64 for float32 / float16 / integer inputs and computes x, loc
    and scale in float64: so does fungrad (bernoulli.cdf of float32 p was float32, expon.ppf of a
    float16 q log1p'd in float16); its shape terms in float64 too (scipy's in the shape's own
    dtype: compared with scipy given float64 shapes)."""
    import scipy.stats as ss

    from fungrad.scipy import stats as fs
    f32 = np.float32
    x = np.array([0.25, 0.5, 1.0, 2.0], f32)
    k = np.array([0, 1, 2, 3], np.int8)
    q = np.array([0.1, 0.5, 0.9], np.float16)
    cases = [("norm", "logpdf", (x,)), ("gamma", "cdf", (x, f32(2.0))),
             ("beta", "sf", (x / 4, f32(2), f32(3))), ("t", "logsf", (x, f32(3.0))),
             ("bernoulli", "cdf", (x, f32(0.3))), ("bernoulli", "sf", (k, f32(0.3))),
             ("poisson", "logpmf", (k, f32(2.5))), ("binom", "cdf", (k, np.int8(5), f32(0.3))),
             ("geom", "logsf", (k, f32(0.3))), ("nbinom", "sf", (k, f32(3.0), f32(0.4))),
             ("expon", "ppf", (q,)), ("gamma", "ppf", (q, f32(2.0))), ("beta", "ppf", (q, 2.0, 3.0)),
             ("logistic", "ppf", (q,)), ("cauchy", "ppf", (q,))]
    for dist, m, args in cases:
        got = getattr(getattr(fs, dist), m)(*args, loc=f32(0.0))
        with quiet():
            want = getattr(getattr(ss, dist), m)(*args, loc=f32(0.0))
            exact = getattr(getattr(ss, dist), m)(*[np.asarray(a, np.float64) for a in args])
        assert got.dtype == want.dtype == np.float64, (dist, m)
        np.testing.assert_allclose(got, exact, rtol=1e-12, err_msg=f"{dist}.{m}")


def test_scipy_stats_cdf_derivatives_are_the_density_in_the_tails():
    """d/dx of the cdf / sf is scipy's density to 1e-10 in the tails too: expon / pareto's
    1 - e^u (expm1's derivative, its value + 1, rounded: off by 2e-4 at x = 30, 0 at 100),
    logistic's 1 - expit(-z) above 0 (expit's e (1 - e) rounded likewise), beta's sf from the cdf
    below 1/2 (I(b, a, 1 - x) takes the rounded 1 - x: off by 1e-8 at x = 1e-9)."""
    import scipy.stats as ss

    from fungrad.scipy import stats as fs
    x = np.array([0.3, 3.0, 30.0, 100.0])
    for dist, sh in (("expon", ()), ("logistic", ()), ("pareto", (2.0,))):
        for m, sign in (("cdf", 1.0), ("sf", -1.0)):
            xs = x + 1.0 if dist == "pareto" else x
            got = fg.vmap(fg.grad(lambda v, m=m, d=dist, sh=sh: getattr(getattr(fs, d), m)(v, *sh)))(xs)
            np.testing.assert_allclose(got, sign * getattr(ss, dist).pdf(xs, *sh), rtol=1e-10,
                                       err_msg=f"{dist}.{m}")
    xb = np.array([1e-9, 1e-3, 0.4, 0.9])
    for a, b in ((0.5, 0.5), (2.0, 3.0)):
        got = fg.vmap(fg.grad(lambda v, a=a, b=b: fs.beta.sf(v, a, b)))(xb)
        np.testing.assert_allclose(got, -ss.beta.pdf(xb, a, b), rtol=1e-10)


def test_scipy_stats_dirichlet_checks_and_values_as_scipy():
    """x may leave out its last component (1 - the others' sum); entries outside [0, 1], a 0
    where alpha < 1 and points off the simplex are refused (ValueError) as scipy refuses them;
    NaN in x or alpha passes scipy's checks and gives NaN; a wrong number of components is a
    ShapeError (scipy's ValueError; for a scalar x its IndexError)."""
    import scipy.stats as ss

    from fungrad.errors import ShapeError
    from fungrad.scipy import stats as fs
    ok = [(np.array([0.2, 0.3]), np.array([1.0, 2.0, 3.0])),
          (np.array([[0.2, 0.1], [0.3, 0.4]]), np.array([1.0, 2.0, 3.0])),
          (np.array([np.nan, 0.5, 0.5]), np.array([1.0, 2.0, 3.0])),
          (np.array([0.2, 0.3, 0.5]), np.array([np.nan, 1.0, 1.0])),
          (np.array([0.2, 0.3, 0.5]), np.array([1e300, 1.0, 1.0])),
          (np.array([1.0, 0.0, 0.0]), np.array([1.0, 1.0, 1.0]))]
    _against_scipy_stats([("dirichlet", m, args, {}) for args in ok for m in ("pdf", "logpdf")])
    bad = [(np.array([0.2, 0.3, 0.6]), np.array([1.0, 2.0, 3.0])),
           (np.array([0.0, 0.5, 0.5]), np.array([0.5, 2.0, 3.0])),
           (np.array([1.5, -0.5, 0.0]), np.array([1.0, 2.0, 3.0])),
           (np.array([0.5, 0.5]), np.array([1.0, -1.0]))]
    for args in bad:
        with quiet(), pytest.raises(ValueError):
            ss.dirichlet.logpdf(*args)
        with pytest.raises(ValueError, match="dirichlet: "):
            fs.dirichlet.logpdf(*args)
    for args in [(np.array([0.5]), np.array([1.0, 2.0, 3.0])), (0.5, np.array([1.0, 2.0]))]:
        with pytest.raises(ShapeError, match="dirichlet: x f64"):
            fs.dirichlet.logpdf(*args)


def test_scipy_stats_multivariate_normal_cov_as_scipy():
    """cov's lower triangle is read (scipy's eigh(lower=True)); a cov that is not finite, not
    positive semidefinite or singular is refused (ValueError; numpy's LinAlgError for the
    singular one, as scipy) where the density was NaN or -inf."""
    import scipy.stats as ss

    from fungrad.scipy import stats as fs
    x = np.array([[0.5, 0.5], [1.0, -2.0]])
    _against_scipy_stats([("multivariate_normal", m, (x, np.zeros(2), np.array([[1.0, 0.5], [0.2, 1.0]])), {})
                          for m in ("logpdf", "pdf")], rtol=1e-12)
    bad = [(0.0, np.inf), (0.0, np.nan), (0.0, 0.0), (0.0, -1.0), (np.zeros(2), np.ones((2, 2))),
           (np.zeros(2), np.array([[1.0, 2.0], [2.0, 1.0]]))]
    for mean, cov in bad:
        with quiet(), pytest.raises(ValueError) as want:
            ss.multivariate_normal.logpdf(0.5 * np.ones(np.size(mean)), mean, cov)
        with pytest.raises(type(want.value), match="multivariate_normal: cov"):
            fs.multivariate_normal.logpdf(0.5 * np.ones(np.size(mean)), mean, cov)


def ss_t_pdf(x, df):
    import scipy.stats as ss
    return ss.t.pdf(x, df)


def test_scipy_special_takes_scipys_dtypes_and_values_at_poles():
    import scipy.special as ss

    import fungrad.scipy.special as fsp
    for dt in (np.int8, np.uint8, np.int16, np.bool_, np.int64):
        v = np.array([0, 1], dt)
        for name in ("erfinv", "ndtri", "exp1", "expi", "erf", "gammaln", "entr"):
            with quiet():
                want, got = getattr(ss, name)(v), getattr(fsp, name)(v)
            assert got.dtype == want.dtype, (name, dt)
    x = np.array([-3.0, -2.0, -1.0, -0.5, 0.0, 2.0, -np.inf, np.nan])
    with quiet():
        for name in ("rgamma", "zeta", "loggamma", "entr"):
            np.testing.assert_allclose(getattr(fsp, name)(x), getattr(ss, name)(x), rtol=1e-10,
                                       equal_nan=True, err_msg=name)
        y = np.array([np.nan, 1.0, 0.0, -1.0])
        for name in ("xlogy", "xlog1py", "rel_entr", "kl_div"):
            for a in (np.zeros(4), np.ones(4), np.full(4, 2.0)):
                np.testing.assert_allclose(getattr(fsp, name)(a, y), getattr(ss, name)(a, y),
                                           rtol=1e-12, equal_nan=True, err_msg=name)
    with pytest.raises(TypeError, match=r"scipy\.special\.i0e? takes real arguments"):
        fsp.i0(np.array([1j]))
    with pytest.raises(ValueError, match="non-negative integer"):
        fsp.bernoulli(1.5)


# ---------------------------------------------------------------- fungrad.numpy's argument checks
@pytest.mark.parametrize("call, err, text", [
    (lambda: fnp.pad(np.ones(4), None), TypeError, r"numpy\.pad: pad_width must be of integral"),
    (lambda: fnp.split(np.ones(4), None), TypeError, r"numpy\.split: indices_or_sections"),
    (lambda: fnp.repeat(np.ones(4), np.array(1.5)), TypeError, r"numpy\.repeat: .*f64\[\]"),
    (lambda: fnp.swapaxes(np.ones(4), None, 0), TypeError, r"numpy\.swapaxes: axis1"),
    (lambda: fnp.size(np.ones((3, 4)), axis=7), np.exceptions.AxisError, r"numpy\.size: axis 7"),
    (lambda: fnp.unstack((2, -3)), TypeError, r"numpy\.unstack: x must be an array"),
    (lambda: fnp.select(np.ones(4), None), TypeError, r"numpy\.select: choicelist"),
    (lambda: fnp.unravel_index(np.arange(2), -1), fg.errors.ShapeError,
     r"numpy\.unravel_index: shape \(-1,\) has a negative size"),
    (lambda: fnp.tensordot(np.ones(4), np.array(1.5)), fg.errors.ShapeError,
     r"numpy\.tensordot: axes=2 .* f64\[4\] and b f64\[\]"),
    (lambda: fnp.vecdot(np.ones(4), np.array(1.5)), fg.errors.ShapeError,
     r"numpy\.vecdot: x2 must have at least one dimension"),
    (lambda: fnp.tril(np.array(1.5)), fg.errors.ShapeError, r"numpy\.tril: .*f64\[\]"),
    (lambda: fnp.positive(np.array([True])), fg.errors.DtypeError, r"numpy\.positive"),
])
def test_numpy_argument_errors_name_the_function_and_what_was_given(call, err, text):
    with pytest.raises(err, match=text):
        call()


def test_numpy_reciprocal_trim_zeros_and_vecdot_match_numpy():
    for x in (np.array([1, 2, 3, -1], np.int8), np.arange(1, 5), np.array([True, True])):
        got, want = fnp.reciprocal(x), np.reciprocal(x)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    m = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 2]])
    for axis in (None, 0, 1, (0, 1)):
        np.testing.assert_array_equal(fnp.trim_zeros(m, axis=axis), np.trim_zeros(m, axis=axis))
    assert fnp.trim_zeros((0, 2, 0)) == np.trim_zeros((0, 2, 0))
    a, b = np.arange(12.0).reshape(3, 4), np.arange(3.0)[:, None]
    np.testing.assert_allclose(fnp.vecdot(a, b, axis=0), np.vecdot(a, b, axis=0))


# ---------------------------------------------------------------- linalg, nn, device_put at the edges
def test_linalg_norm_axis_outer_vecdot_and_tensorinv_check_their_arguments_as_numpy():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    for f in (fnp.linalg.norm, fnp.linalg.vector_norm):
        # numpy truncates a float axis with int() here only (its other functions refuse one);
        # fungrad refuses it everywhere, as jax.numpy does
        with pytest.raises(TypeError, match=rf"numpy\.linalg\.{f.__name__}: axis must be an int"):
            f(x, axis=1.5)
        with pytest.raises(TypeError, match=r"axis must be an int.*got.*1\.5"):
            f(x, axis=(0, 1.5))
        np.testing.assert_allclose(f(x, axis=-1), getattr(np.linalg, f.__name__)(x, axis=-1))
    # the order of a matrix norm's axes matters (rows, columns): kept as given
    for ordr in (1, np.inf, "fro"):
        np.testing.assert_allclose(fnp.linalg.norm(x, ord=ordr, axis=(1, 0)),
                                   np.linalg.norm(x, ord=ordr, axis=(1, 0)))
    # numpy.linalg.outer takes vectors only; numpy.outer flattens
    for b in (np.ones((1, 3)), np.array(2.0), np.ones((2, 1, 3, 2))):
        with pytest.raises(ValueError, match="must be one-dimensional"):
            np.linalg.outer(x[0], b)
        with pytest.raises(fg.errors.ShapeError, match=r"numpy\.linalg\.outer: x1 and x2 must be "
                           r"1-D arrays, got x1 f64\[3\] and x2 f64\["):
            fnp.linalg.outer(x[0], b)
    np.testing.assert_array_equal(fnp.linalg.outer(x[0], x[1]), np.linalg.outer(x[0], x[1]))
    np.testing.assert_array_equal(fnp.outer(x, x[0]), np.outer(x, x[0]))
    assert fnp.outer.__name__ == "outer"
    # numpy.linalg.vecdot is numpy.vecdot: a 0-d operand has no vector axis
    with pytest.raises(ValueError, match="does not have enough dimensions"):
        np.linalg.vecdot(x[0], np.array(1.5))
    with pytest.raises(fg.errors.ShapeError, match=r"x2 must have at least one dimension"):
        fnp.linalg.vecdot(x[0], np.array(1.5))
    np.testing.assert_allclose(fnp.linalg.vecdot(x, x[1]), np.linalg.vecdot(x, x[1]))
    # tensorinv: a 0-d array and a non-positive ind are refused (numpy: TypeError, ValueError)
    with pytest.raises(TypeError):
        np.linalg.tensorinv(np.array(1.5))
    with pytest.raises(fg.errors.ShapeError, match=r"tensorinv: a must have at least one "
                       r"dimension, got f64\[\]"):
        fnp.linalg.tensorinv(np.array(1.5))
    a = 2.0 * np.eye(4).reshape(4, 2, 2)
    for ind in (0, -1):
        with pytest.raises(ValueError, match="Invalid ind"):
            np.linalg.tensorinv(a, ind=ind)
        with pytest.raises(ValueError, match="ind must be a positive integer"):
            fnp.linalg.tensorinv(a, ind=ind)
    np.testing.assert_allclose(fnp.linalg.tensorinv(a, ind=1), np.linalg.tensorinv(a, ind=1))


def test_relu_and_device_put_refuse_a_python_int_beyond_int64():
    for f in (fnp.asarray, fnn.relu, fnn.relu6, fg.device_put):
        with pytest.raises(TypeError, match="int64"):
            f(10 ** 20)
    with pytest.raises(TypeError, match="int64"):
        fg.device_put({"w": [1.0, -10 ** 20]})
    assert np.asarray(fnn.relu(3)).dtype == np.asarray(np.maximum(3, 0)).dtype
    np.testing.assert_array_equal(fnn.relu(np.arange(-2, 3)), np.maximum(np.arange(-2, 3), 0))
    np.testing.assert_array_equal(fnn.relu6(np.array([-1.0, 3.0, 9.0])), [0.0, 3.0, 6.0])
    assert fg.grad(fnn.relu)(0.0) == 0.0 and fg.grad(fnn.relu6)(3.0) == 1.0
    out = fg.device_put({"a": 2 ** 63, "b": 1.5})  # within uint64: numpy's uint64, as np.asarray
    assert out["a"].dtype == np.uint64 and out["b"].dtype == np.float64


# ---------------------------------------------------------------- polynomials, convolution, trapezoid
_POLY_VALUES = [np.array([0.5, -1, 2, 0.25]), np.arange(4), np.array([0, 0, 1, 2]),
                np.array([1, -2, 3, 4], np.int8), np.array([np.nan, np.inf, -np.inf, 1.0]),
                np.array([True, False, True, True]), np.zeros(3), np.array([2.5]), np.array(1.5),
                np.zeros(0), np.array([0.3, 0.8, -1.3, 0.9, 0.4], np.float32)]


def _agree(got, want):
    for g, w in zip(got if isinstance(got, tuple) else (got,),
                    want if isinstance(want, tuple) else (want,)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape and g.dtype == w.dtype, (g, w)
        np.testing.assert_allclose(g, w, rtol=1e-6, equal_nan=True)


def _agree_parts(got, want):
    """_agree on the real and imaginary parts apart (inf + nanj is not nan + nanj)."""
    g, w = np.asarray(got), np.asarray(want)
    assert g.shape == w.shape and g.dtype == w.dtype, (g, w)
    for part in (np.real, np.imag):
        np.testing.assert_allclose(part(g), part(w), rtol=1e-6, atol=1e-9, equal_nan=True)


def _outcome(f, *args):
    try:
        with quiet():
            return "ok", f(*args)
    except (TypeError, ValueError, IndexError) as e:
        return "raise", e


@pytest.mark.parametrize("name", ["polyadd", "polysub", "polymul", "polydiv"])
def test_binary_polynomial_functions_match_numpy(name):
    """Values, dtypes and lengths as numpy's (polymul strips each factor's leading zeros, polydiv
    the remainder's near-zero leading entries, by value), and numpy's refusals."""
    for a in _POLY_VALUES:
        for b in _POLY_VALUES + [np.linspace(0.1, 0.9, 12).reshape(2, 1, 3, 2)]:
            (wk, want), (gk, got) = (_outcome(getattr(m, name), a, b) for m in (np, fnp))
            if np.ndim(b) > 1 and isinstance(got, fg.errors.ShapeError):
                continue  # (numpy's polydiv takes an n-d v where its loop does not run)
            assert wk == gk, (name, a, b, want, got)
            if wk == "ok":
                _agree(got, want)
    with pytest.raises(fg.errors.ShapeError, match=r"numpy\.polyadd: a2 must be 1-D to be padded"):
        fnp.polyadd(np.ones(4), np.ones((2, 1, 3, 2)))
    with pytest.raises(fg.errors.ShapeError, match=r"numpy\.polydiv: v must be a 1-D array"):
        fnp.polydiv(np.ones(4), np.ones((2, 2)))


def test_polydiv_and_polymul_keep_static_lengths_under_jit():
    u, v = np.array([1.0, 3.0, 2.0, 5.0]), np.array([1.0, 1.0])
    for got in (fnp.polydiv(u, v), fg.jit(fnp.polydiv)(u, v)):
        _agree(got, np.polydiv(u, v))
    # a remainder whose leading coefficient is 0 by value: numpy (and eager) strip it, jit keeps
    # the length of a remainder, len(v) - 1
    u, v = np.array([0.5, -1.0, 2.0, 0.25]), np.array([1.0, -2.0, 3.0, 4.0])
    _agree(fnp.polydiv(u, v), np.polydiv(u, v))
    q, r = fg.jit(fnp.polydiv)(u, v)
    np.testing.assert_allclose(q, [0.5])
    np.testing.assert_allclose(r, [0.0, 0.5, -1.75])
    a = np.array([0.0, 1.0, 2.0])
    _agree(fnp.polymul(a, v), np.polymul(a, v))
    np.testing.assert_allclose(fg.jit(fnp.polymul)(a, v), np.convolve(a, v))


@pytest.mark.parametrize("name, args", [("polyder", ()), ("polyder", (2,)), ("polyder", (0,)),
                                        ("polyint", ()), ("polyint", (2,)), ("poly", ())])
def test_unary_polynomial_functions_match_numpy(name, args):
    for p in _POLY_VALUES + [np.linspace(0.1, 0.9, 12).reshape(2, 1, 3, 2), np.zeros((0, 3)), -1]:
        (wk, want), (gk, got) = (_outcome(getattr(m, name), p, *args) for m in (np, fnp))
        if np.ndim(p) > 1 and isinstance(got, fg.errors.ShapeError):
            continue  # (numpy's polyder(p, 0) returns an n-d p as it is)
        assert wk == gk, (name, p, want, got)
        if wk == "ok":
            _agree(got, want)
        else:
            assert type(got) is type(want) or isinstance(got, fg.errors.ShapeError), (got, want)
    with pytest.raises(TypeError, match=rf"numpy\.{name}: .* got f64\[\]"):
        getattr(fnp, name)(np.array(1.5))
    if name != "poly":
        with pytest.raises(fg.errors.ShapeError, match=rf"numpy\.{name}: p must be a 1-D array"):
            getattr(fnp, name)(np.ones((2, 3)))


def test_polyfit_checks_deg_x_and_y_as_numpy():
    x = np.arange(4.0)
    with pytest.raises(TypeError, match=r"numpy\.polyfit: deg must be an integer, got tuple"):
        fnp.polyfit(x, x, (2, -3))
    with pytest.raises(ValueError, match="expected deg >= 0"):
        fnp.polyfit(x, x, -1)
    for bad_x, bad_y in ((np.ones((2, 2)), x), (np.zeros(0), np.zeros(0)),
                         (x, np.ones((4, 2, 2))), (x, x[:3])):
        with pytest.raises(TypeError):
            np.polyfit(bad_x, bad_y, 1)
        with pytest.raises(TypeError, match=r"numpy\.polyfit: expected"):
            fnp.polyfit(bad_x, bad_y, 1)
    np.testing.assert_allclose(fnp.polyfit(x, x ** 2 - 1, 2), np.polyfit(x, x ** 2 - 1, 2),
                               atol=1e-12)


def test_convolutions_sum_over_the_overlaps_only_as_numpy_and_scipy():
    """An inf or nan reaches only the outputs it overlaps: the padding is masked out, not
    multiplied by zero (0 * inf would be nan everywhere)."""
    import scipy.signal as ss

    import fungrad.scipy.signal as fs
    a, h = np.array([0.5, -1.0, 2.0, 0.25]), np.array([np.nan, np.inf, -np.inf, 1.0])
    with quiet():
        for x, y in ((a, h), (h, a), (a, h[1:3]), (h[1:3], a)):
            for mode in ("full", "same", "valid"):
                for f in ("convolve", "correlate"):
                    _agree(getattr(fnp, f)(x, y, mode), getattr(np, f)(x, y, mode))
                    _agree(fg.jit(getattr(fnp, f), static_argnums=2)(x, y, mode),
                           getattr(np, f)(x, y, mode))
                    for method in ("auto", "direct", "fft"):
                        _agree(getattr(fs, f)(x, y, mode, method),
                               getattr(ss, f)(x, y, mode, method))
        # N-D direct: scipy's sum runs over the zero-padded input, as fungrad's GEMM one
        x2, k2 = np.arange(12.0).reshape(3, 4), np.array([[np.inf, 1.0], [2.0, 3.0]])
        for mode in ("full", "same", "valid"):
            _agree(fs.convolve(x2, k2, mode, "direct"), ss.convolve(x2, k2, mode, "direct"))
        _agree(fnp.polymul(a, h), np.polymul(a, h))
        _agree(fnp.poly(h), np.poly(h))
    for dt in (np.int8, np.bool_, np.float32, np.complex128):
        x, y = np.array([1, 0, 3], dt), np.array([1, 1], dt)
        _agree(fnp.convolve(x, y), np.convolve(x, y))
        _agree(fnp.correlate(x, y, "full"), np.correlate(x, y, "full"))
    np.testing.assert_allclose(fg.grad(lambda x: fnp.convolve(x, np.array([1.0, 2.0])).sum())(a),
                               np.full(4, 3.0))


def test_signal_convolutions_keep_the_result_type_of_integers_and_booleans_as_scipy():
    """scipy.signal.convolve/correlate return np.result_type of the inputs for every method
    ('fft' rounds integers back); fftconvolve makes each input inexact on its own (int -> f64)."""
    import scipy.signal as ss

    import fungrad.scipy.signal as fs
    dtypes = (np.bool_, np.int8, np.uint8, np.int64, np.float32, np.complex64)
    shapes = (((5,), (3,)), ((3,), (5,)), ((3, 4), (2, 2)))
    for (s1, s2), d1, d2 in ((s, x, y) for s in shapes for x in dtypes for y in dtypes):
        a = (np.arange(np.prod(s1)).reshape(s1) % 4 - 1).astype(d1)
        b = (np.arange(np.prod(s2)).reshape(s2) % 3 + 1).astype(d2)
        exact = np.result_type(a, b).kind in "biu"
        for f in ("convolve", "correlate"):
            for mode in ("full", "same", "valid"):
                for method in ("auto", "direct", "fft"):
                    if np.result_type(a, b) == np.bool_ and (method == "fft" or len(s1) > 1
                                                             or (mode == "same" and s1 < s2)):
                        continue  # scipy: FFT rounding noise cast to True; no N-D bool kernel
                    want = getattr(ss, f)(a, b, mode, method)
                    got = getattr(fs, f)(a, b, mode, method)
                    assert np.asarray(got).dtype == want.dtype, (f, mode, method, d1, d2)
                    if exact:
                        np.testing.assert_array_equal(got, want)
                    else:
                        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-3)
        want = ss.fftconvolve(a, b)
        got = np.asarray(fs.fftconvolve(a, b))
        assert got.dtype == want.dtype, (d1, d2, got.dtype, want.dtype)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-3)
    a, b = np.array([3, -1, 4, 1, -5], np.int8), np.array([[2, 7, 1], [1, 1, 1]], np.int8)
    for method in ("auto", "direct", "fft"):  # jit, vmap; int8 wraps as scipy's direct sum
        f = fg.jit(lambda x, y, m=method: fs.convolve(x, y, method=m))
        _agree(f(a, b[0]), ss.convolve(a, b[0], method=method))
        _agree(fg.vmap(f, in_axes=(None, 0))(a, b),
               np.stack([ss.convolve(a, v, method=method) for v in b]))
    big = np.array([100, 100], np.int8)
    _agree(fs.convolve(big, big, method="fft"), ss.convolve(big, big, method="fft"))
    _agree(fs.correlate(big[None], big[None], method="direct"),
           ss.correlate(big[None], big[None], method="direct"))


def test_signal_direct_and_fft_sums_touch_what_scipys_do():
    """scipy's N-D direct sum zero-pads one input (the larger by size in 'full' mode, in1 in
    'same') and slides the other over it, so the other's inf or nan meets the padding (0 * inf)
    and reaches every output while the padded one's reaches only its footprint; complex values
    sum complex products part by part. Its FFT skips the axes where an input has length 1 (a
    broadcast product there), and 0-d inputs are multiplied."""
    import scipy.signal as ss

    import fungrad.scipy.signal as fs
    gen = np.random.default_rng(2)
    specials = [0.0, 1.0, -2.0, np.inf, -np.inf, np.nan]
    cspecials = [complex(a, b) for a in specials for b in (0.0, 1.0, np.inf, np.nan)]
    with quiet():
        for vals in (specials, cspecials):
            for _ in range(60):
                a = gen.choice(vals, tuple(gen.integers(1, 4, 2)))
                b = gen.choice(vals, tuple(gen.integers(1, 3, 2)))
                for f in ("convolve", "correlate"):
                    for mode in ("full", "same"):
                        _agree_parts(getattr(fs, f)(a, b, mode, "direct"),
                                     getattr(ss, f)(a, b, mode, "direct"))
        h = np.array([np.nan, np.inf, -np.inf, 1.0])
        for a, b in ((h, np.array([2.0])), (np.array([[np.inf, 1.0], [2.0, 3.0]]), np.ones((1, 2))),
                     (np.array([complex(np.inf, 0), 1j, 2]), np.array([0j]))):
            for mode in ("full", "same", "valid"):
                _agree_parts(fs.convolve(a, b, mode, "fft"), ss.convolve(a, b, mode, "fft"))
                _agree_parts(fs.fftconvolve(b, a, mode), ss.fftconvolve(b, a, mode))
        for a, b in ((np.array(2.0), np.array(3.0)), (np.array(2), np.array(3)),
                     (np.array(2j), np.array(1 + 3j))):
            for method in ("auto", "direct", "fft"):
                _agree(fs.convolve(a, b, method=method), ss.convolve(a, b, method=method))
                _agree(fs.correlate(a, b, method=method), ss.correlate(a, b, method=method))
            _agree(fs.fftconvolve(a, b), ss.fftconvolve(a, b))
        e, f1 = np.zeros(0), np.array([1.0, 2.0])
        for a, b in ((e, f1), (f1, e), (np.zeros((0, 2)), np.ones((2, 2)))):
            _agree(fs.fftconvolve(a, b), ss.fftconvolve(a, b))  # scipy: np.array([])
        for a, b in ((e, f1), (np.zeros(0, int), np.array([1, 2])), (np.zeros((0, 2)), np.ones((2, 2)))):
            for f in ("convolve", "correlate"):  # 'same' keeps in1's (empty) shape
                _agree(getattr(fs, f)(a, b, "same", "direct"), getattr(ss, f)(a, b, "same", "direct"))
    x, k = gen.normal(size=(3, 4)) + 1j * gen.normal(size=(3, 4)), gen.normal(size=(2, 5))
    from fungrad.testing import check_grads
    check_grads(lambda x, k: fs.convolve(x, k, "full", "direct"), (x, k), order=1)
    check_grads(lambda x, k: fs.convolve(x, k, "same", "fft"), (x.real, k[:1]), order=1)


def test_lax_complex_writes_each_part_as_given():
    """complex(x, y) is x + iy part by part: x + 1j * y made (0 + 1j) * y a complex product whose
    0 * inf put a nan in the real part (complex(inf, nan) was nan + nanj), as jax.lax.complex."""
    re = np.array([np.inf, 1.0, np.nan, 2.0, -np.inf])
    im = np.array([np.nan, np.inf, 1.0, -np.inf, np.inf])
    for got in (lax.complex(re, im), fg.jit(lax.complex)(re, im)):
        np.testing.assert_array_equal(np.real(got), re)
        np.testing.assert_array_equal(np.imag(got), im)
    assert lax.complex(np.float32(1.0), np.float32(np.inf)).dtype == np.complex64
    z = np.array([complex(1.0, np.inf), complex(np.nan, 2.0)])
    got = lax.reduce_precision(z, exponent_bits=11, mantissa_bits=52)
    np.testing.assert_array_equal(np.real(got), np.real(z))
    np.testing.assert_array_equal(np.imag(got), np.imag(z))


def test_trapezoid_adds_neighbours_in_the_dtype_of_y_as_numpy():
    for y in (np.array([True, False, True, True]), np.array([100, 100, 3], np.int8), np.arange(4),
              np.arange(4.0, dtype=np.float32), np.array([1 + 1j, 2, 3])):
        for x in (None, np.array([0, 1, 3, 4])[:y.size], np.array([0.0, 1.5, 3, 4])[:y.size]):
            for dx in (1.0, 2):
                with quiet():
                    _agree(fnp.trapezoid(y, x, dx), np.trapezoid(y, x, dx))
    y = np.arange(12.0).reshape(3, 4)
    _agree(fnp.trapezoid(y, axis=0), np.trapezoid(y, axis=0))
    np.testing.assert_allclose(fg.grad(fnp.trapezoid)(np.arange(3.0)), [0.5, 1.0, 0.5])


# ---------------------------------------------------------------- quantiles, matvec, piecewise
@pytest.mark.parametrize("name", ["quantile", "nanquantile", "percentile", "nanpercentile"])
def test_quantile_q_of_more_than_two_dimensions_or_empty_and_2d_is_refused_as_numpy(name):
    a = np.array([[0.5, np.nan, 2.0, 0.25], [1.5, 0.75, -0.5, 3.0], [0.1, 0.2, 0.3, 0.4]])
    scale = 100.0 if "percentile" in name else 1.0
    for q in (np.linspace(0.1, 0.9, 12).reshape(2, 1, 3, 2), np.zeros((0, 3))):
        with pytest.raises(ValueError):
            getattr(np, name)(a, q * scale)
        with pytest.raises(fg.errors.ShapeError, match=r"q must be a scalar or 1d|q is empty"):
            getattr(fnp, name)(a, q * scale)
    for q in (np.zeros(0), np.array([[0.1, 0.5], [0.2, 0.9]]), 0.3, np.array([0.0, 1.0])):
        with quiet():
            want = getattr(np, name)(a, np.multiply(q, scale), axis=1)
            qs = np.multiply(q, scale)
            for got in (getattr(fnp, name)(a, qs, axis=1),
                        fg.jit(lambda a, qs=qs: getattr(fnp, name)(a, qs, axis=1))(a)):
                _agree(got, want)


def test_matvec_and_vecmat_need_their_core_dimensions_as_numpy():
    m, v = np.arange(6.0).reshape(2, 3), np.arange(3.0)
    for call, text in ((lambda M: M.matvec(v, v), r"x1 must be a matrix"),
                       (lambda M: M.matvec(m, np.array(1.0)), r"x2 must be a vector"),
                       (lambda M: M.vecmat(v, v), r"x2 must be a matrix"),
                       (lambda M: M.vecmat(np.array(2.0), m), r"x1 must be a vector")):
        with pytest.raises(ValueError, match="does not have enough dimensions"):
            call(np)
        with pytest.raises(fg.errors.ShapeError, match=text):
            call(fnp)
    _agree(fnp.matvec(m, v), np.matvec(m, v))
    _agree(fnp.matvec(np.ones((4, 2, 3)), v), np.matvec(np.ones((4, 2, 3)), v))
    _agree(fnp.vecmat(np.arange(2.0), m), np.vecmat(np.arange(2.0), m))


def test_piecewise_reads_its_conditions_as_numpy():
    x = np.array([-1.0, 0.5, 2.0, 3.0])
    for cond, funcs in ((x < 0, [lambda v: -v, lambda v: v * 10]),
                        ([x < 0, x >= 2], [lambda v: -v, 7.0, 1.0]), ([x < 0, x >= 2], [abs, 7.0]),
                        (x < 0, [5.0]), ([True, False, True, True], [1.0]),
                        (np.array([1, 0, 2, 0]), [4.0]), ([[True, False, True, True]], [1.0, 2.0]),
                        ([x > 1, x > 2], [1.0, 2.0])):
        _agree(fnp.piecewise(x, cond, funcs), np.piecewise(x, cond, funcs))
    _agree(fnp.piecewise(np.arange(4), np.arange(4) > 1, [lambda v: v * 2, -1]),
           np.piecewise(np.arange(4), np.arange(4) > 1, [lambda v: v * 2, -1]))
    _agree(fnp.piecewise(np.array(1.5), True, [lambda v: v * 2]),
           np.piecewise(np.array(1.5), True, [lambda v: v * 2]))
    f = fg.jit(lambda x: fnp.piecewise(x, [x < 0, x >= 2], [lambda v: -v, lambda v: v ** 2, 1.0]))
    np.testing.assert_allclose(f(x), [1.0, 1.0, 4.0, 9.0])
    # a float/int condlist of x's length is one condition (numpy): four functions are too many
    for bad in (np.array([np.nan, np.inf, -np.inf, 1.0]), np.arange(4), np.array([1, -2, 3, 4])):
        with pytest.raises(ValueError, match="with 1 condition"):
            np.piecewise(x, bad, bad)
        with pytest.raises(ValueError, match=r"with 1 condition\(s\), either 1 or 2 functions"):
            fnp.piecewise(x, bad, bad)
    for bad, err, text in ((None, TypeError, "funclist must be a sequence"),
                           (-1, TypeError, "funclist must be a sequence"),
                           (np.zeros(0), IndexError, "condlist has no conditions"),
                           (np.zeros((0, 3)), IndexError, "condlist has no conditions"),
                           ((2, -3), IndexError, r"each condition must have x's shape \(4,\)")):
        with pytest.raises(err):
            np.piecewise(x, bad, bad)
        with pytest.raises(err, match=rf"numpy\.piecewise: {text}"):
            fnp.piecewise(x, bad, bad)
    with pytest.raises(TypeError, match="condlist must be a boolean array"):
        fnp.piecewise(x, None, [1.0])
