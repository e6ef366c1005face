"""jit's Python-float code for programs of 0-d float64/bool values (fungrad._interp.scalar_emit):
the same results as eager evaluation and numpy's code bit for bit, in type, with numpy's warnings
and error state; `math` functions only where they equal numpy's ufuncs on this machine."""
import gc
import math
import warnings

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad._interp import scalar_emit


def fast_source(jitted, *args):
    src = jitted.lower(*args).source
    assert "except (ArithmeticError, ValueError)" in src, src  # the Python-float function ran
    return src


def computes_itself(ufunc, path):
    """Whether the fast code computes ``ufunc`` itself on this machine (None: arithmetic): math's
    function (and on the native path libm's) equals numpy's bit for bit. Elsewhere it leaves the
    operation to numpy, and a program of that one operation keeps numpy's code (numpy's SIMD
    exp, log, pow, ... differ from glibc's in the last bit on AVX-512 machines)."""
    if ufunc is None:
        return True
    return scalar_emit.math_agrees(ufunc) and (path != "native"
                                               or scalar_emit.native_agrees(ufunc))


def skip_if_numpy_ran(left):
    """Visibly: the cases whose function this machine's fast code leaves to numpy (their values
    and warnings were still checked against eager evaluation)."""
    if left:
        pytest.skip("values checked, fast path not taken on this machine for: "
                    + ", ".join(sorted(set(left))) + " (math differs from numpy here)")


@pytest.mark.parametrize("ufunc", sorted(scalar_emit._MATH, key=lambda u: u.__name__),
                         ids=lambda u: u.__name__)
def test_math_functions_used_equal_numpy_on_many_inputs(ufunc):
    """Each math function the fast code uses gives numpy's result bit for bit on 100,000 more
    inputs than its probe saw (a function the probe rejects calls numpy instead)."""
    if not scalar_emit.math_agrees(ufunc):
        pytest.skip(f"math.{scalar_emit._MATH[ufunc]} differs from np.{ufunc.__name__} on this "
                    "machine: the fast code calls numpy for it")
    more = scalar_emit.probe_inputs(100_000, seed=42)
    assert scalar_emit.math_agrees(ufunc, inputs=more, zero_d=2000)


def test_the_probe_detects_a_different_function():
    """math_agrees compares bits: a function off by one ulp somewhere is rejected."""
    x = scalar_emit.probe_inputs()

    class OffByOne:
        nin = 1
        __name__ = "sin"

        def __call__(self, v):
            return np.nextafter(np.sin(v), np.inf)
    scalar_emit._MATH[off := OffByOne()] = "sin"
    try:
        assert not scalar_emit.math_agrees(off, inputs=x)
    finally:
        del scalar_emit._MATH[off]
    assert scalar_emit.math_agrees(np.sin, inputs=x) == scalar_emit.math_agrees(np.sin)


def chain(y):
    for _ in range(40):
        y = fnp.sin(y) * 0.5 + y
    return y


def test_scalar_chain_and_its_gradient_bit_for_bit(either_path):
    g = fg.grad(chain)
    jg, jf = fg.jit(g), fg.jit(chain)
    fast_source(jg, 0.3)
    for x in [0.3, -0.0, 1e-310, 1e300, -7.25, np.inf, np.nan]:
        for f, jitted in ((g, jg), (chain, jf)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                want, got = f(x), jitted(x)
            assert type(got) is fg.Array and got.dtype == np.float64 and got.shape == ()
            assert got.tobytes() == want.tobytes() or (np.isnan(got) and np.isnan(want)), x


def test_math_errors_become_numpy_results_and_warnings(either_path):
    """math.log(0) raises ValueError, 1/0 ZeroDivisionError, math.exp(1000) OverflowError:
    the fast code gives numpy's -inf/inf/nan with numpy's warning instead."""
    cases = [(fnp.log, 0.0, np.log), (fnp.log, -1.0, np.log), (lambda x: 1.0 / x, 0.0, None),
             (lambda x: 1.0 / x, -0.0, None), (fnp.exp, 1000.0, np.exp),
             (lambda x: x * 1e300, 1e300, None), (lambda x: x - x * 2, -1e308, None),
             (fnp.sqrt, -1.0, np.sqrt), (fnp.arcsin, 2.0, np.arcsin),
             (fnp.arctanh, 1.0, np.arctanh), (lambda x: fnp.power(x, 0.5), -8.0, np.power),
             (lambda x: fnp.power(x, -1.0), 0.0, np.power),
             (lambda x: fnp.fmod(x, 0.0), 1.0, np.fmod), (fnp.log1p, -1.0, np.log1p),
             (fnp.cosh, 800.0, np.cosh)]
    left = []
    for f, x, ufunc in cases:
        jf = fg.jit(f)
        with warnings.catch_warnings(record=True) as want_w:
            warnings.simplefilter("always")
            want = f(np.asarray(x))
        with warnings.catch_warnings(record=True) as got_w:
            warnings.simplefilter("always")
            got = jf(x)
        assert got.tobytes() == want.tobytes(), (f, x, got, want)
        assert [str(w.message) for w in got_w] == [str(w.message) for w in want_w], (f, x)
        assert want_w, (f, x)  # each case warns
        if computes_itself(ufunc, either_path):
            fast_source(jf, 1.0)
        else:
            left.append(ufunc.__name__)
        with np.errstate(all="raise"), pytest.raises(FloatingPointError):
            jf(x)
    skip_if_numpy_ran(left)


def test_underflow_reporting_uses_numpy_code(either_path):
    """Underflow gives finite results, which the fast code does not check: where np.errstate
    reports it, the numpy code runs (and reports it as eagerly)."""
    f = fg.jit(lambda x: x * 1e-300)
    fast_source(f, 1.0)
    assert f(1e-300).tobytes() == np.asarray(0.0).tobytes()
    with np.errstate(under="raise"):
        with pytest.raises(FloatingPointError):
            (lambda x: np.asarray(x) * 1e-300)(1e-300)
        with pytest.raises(FloatingPointError):
            f(1e-300)
    assert f(1e-300) == 0.0  # the default state again: the fast code


def test_signed_zeros_ties_and_rounding(either_path):
    cases = {
        "max": (lambda x, y: fnp.maximum(x, y), [(0.0, -0.0), (-0.0, 0.0), (1.0, 1.0), (2.0, -3.0)]),
        "min": (lambda x, y: fnp.minimum(x, y), [(0.0, -0.0), (-0.0, 0.0), (-1.0, 1.0)]),
        "neg": (lambda x, y: -x + y * 0.0, [(0.0, 1.0), (-0.0, 1.0)]),
        "mul": (lambda x, y: x * y, [(-0.0, 3.0), (0.0, -3.0), (-1e-200, 1e-200)]),
        "ceil": (lambda x, y: fnp.ceil(x) + fnp.floor(y), [(-0.5, -0.0), (0.5, 0.7), (-1e300, 1e300)]),
        "round": (lambda x, y: fnp.round(x) * fnp.trunc(y), [(-0.5, 2.5), (2.5, -0.3), (-1.5, 1.5)]),
        "sign": (lambda x, y: fnp.sign(x) + fnp.abs(y), [(-0.0, -0.0), (-3.0, -0.0), (4.0, 1.0)]),
        "pow": (lambda x, y: fnp.power(x, y), [(-0.0, 0.5), (0.0, 3.0), (-0.0, 3.0), (-2.0, 3.0),
                                               (2.0, -1074.0), (-0.0, -1.0), (0.0, 0.0)]),
        "square": (lambda x, y: x ** 2 + y ** -2, [(-0.0, 1.0), (1e200, 1e-200), (3.0, -0.0)]),
        "copysign": (lambda x, y: fnp.copysign(x, y), [(1.0, -0.0), (-2.0, 0.0)]),
    }
    left = []
    for name, (f, pairs) in cases.items():
        jf = fg.jit(f)
        if computes_itself(np.power if name in ("pow", "square") else None, either_path):
            fast_source(jf, 1.0, 2.0)
        else:
            left.append("power")
        for x, y in pairs:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                want, got = f(np.asarray(x), np.asarray(y)), jf(x, y)
            assert got.tobytes() == want.tobytes(), (name, x, y, got, want)
    skip_if_numpy_ran(left)


def test_types_at_the_boundary(either_path):
    """0-d float64 and bool fungrad.Arrays out, as eagerly; an input returned is the same array."""
    def f(x, y):
        return x, x * y, x > y, fnp.where(x > y, x, y), 2.0

    jf = fg.jit(f)
    x, y = np.asarray(1.5), np.asarray(-2.0)
    fast_source(jf, x, y)
    got, want = jf(x, y), f(x, y)
    assert got[0] is x
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert type(jf(x, y)[1]) is fg.Array
        assert g.dtype == w.dtype and g.shape == w.shape and g.tobytes() == w.tobytes()
    assert type(got[2]) is fg.Array and got[2].dtype == np.bool_
    # a Python float argument is typed as eagerly, and so is the output
    assert type(fg.jit(lambda s: s * 2.0)(3.0)) is fg.Array


def test_booleans_and_selects(either_path):
    def f(x, y):
        p = (x > y) & ~(x == 0.0) | (y < -1.0)
        return fnp.where(p, x * 2.0, y - 1.0), p ^ (x >= y)

    jf = fg.jit(f)
    fast_source(jf, 1.0, 2.0)
    for x, y in [(1.0, 2.0), (3.0, 2.0), (0.0, -1.0), (0.0, -3.0), (-0.0, -0.0)]:
        got, want = jf(x, y), f(np.asarray(x), np.asarray(y))
        for g, w in zip(got, want):
            assert g.dtype == w.dtype and g.tobytes() == w.tobytes()


def test_operations_without_python_form_call_their_impl():
    """logistic and erf call their numpy impl on 0-d arrays (as eagerly) inside the fast code."""
    def f(x):
        return fg.nn.sigmoid(x) * 2.0 + fg.scipy.special.erf(x * 0.5) - x

    jf = fg.jit(f)
    src = fast_source(jf, 0.5)
    assert "call_numpy" in src
    for x in [0.5, -30.0, 800.0, -0.0, np.nan, np.inf]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want, got = f(np.asarray(x)), jf(x)
        assert got.tobytes() == want.tobytes(), (x, got, want)


def test_long_single_use_chains_compile(monkeypatch):
    """Values read once are written into the expression reading them, up to a depth (the
    parser limits nesting): 2000 operations in a row still compile and agree."""
    monkeypatch.setattr(scalar_emit, "NATIVE_MIN_OPS", 10 ** 9)  # the Python-float function
    def f(x):
        for _ in range(1000):
            x = -(x * 0.999)
        return x

    jf = fg.jit(f)
    fast_source(jf, 1.0)
    assert jf(1.25).tobytes() == f(np.asarray(1.25)).tobytes()


def test_overflow_checks_only_where_possible():
    """Products by sin's bounded values never overflow: no check; sums of inputs may: checked."""
    src = fast_source(fg.jit(lambda x: fnp.sin(x) * 0.5 + x), 1.0)
    body = src.rsplit("def ", 1)[1]
    assert body.count(" - t") == 0  # sin(x) * 0.5 + x: no overflow possible, no check
    jf = fg.jit(lambda x, y: x * y)
    body = jf.lower(1.0, 2.0).source.rsplit("def ", 1)[1]
    assert "if t0 - t0" in body
    with pytest.warns(RuntimeWarning, match="overflow encountered in multiply"):
        assert math.isinf(jf(1e300, 1e300))  # numpy's inf and warning, as eagerly


def test_other_programs_keep_numpy_code():
    for f, args in [(lambda x: x * 2.0, (np.ones(3),)),  # not 0-d
                    (lambda x: x * 2, (np.asarray(3),)),  # integers
                    (lambda x: x * np.float32(2), (np.float32(3),)),  # float32
                    (lambda x: x * np.inf, (1.0,))]:  # a non-finite constant
        assert "ArithmeticError" not in fg.jit(f).lower(*args).source


# ---- the native kernel of large programs (scalar_emit.NATIVE_MIN_OPS; llvmlite, optional)

needs_llvmlite = pytest.mark.skipif(not scalar_emit.native_available(),
                                    reason="llvmlite is not installed (pip install .[scalar]): "
                                           "large scalar programs run as Python floats")


@pytest.fixture
def compiled_kernels(monkeypatch):
    """The kernels compiled in the test (a compile that fails would fall back silently)."""
    made = []
    compile_ = scalar_emit.LazyKernel.compile

    def record(self):
        made.append(compile_(self))
        return made[-1]
    monkeypatch.setattr(scalar_emit.LazyKernel, "compile", record)
    return made


@pytest.fixture(params=["python", "native"])
def either_path(request, monkeypatch, compiled_kernels):
    """Runs a test on the Python-float function and on the native kernel (every program large
    enough; each kernel the test calls compiles)."""
    if request.param == "native":
        if not scalar_emit.native_available():
            pytest.skip("llvmlite is not installed (pip install .[scalar])")
        monkeypatch.setattr(scalar_emit, "NATIVE_MIN_OPS", 1)
    else:
        monkeypatch.setattr(scalar_emit, "NATIVE_MIN_OPS", 10 ** 9)
    fg.clear_caches()  # jit's compiled programs of fnp.log, ... : made again on this path
    yield request.param
    fg.clear_caches()
    if request.param == "native":
        assert compiled_kernels and all(k is not None for k in compiled_kernels)


@needs_llvmlite
def test_native_kernel_of_the_scalar_chain_bit_for_bit(compiled_kernels):
    def long_chain(y):
        for _ in range(80):
            y = fnp.sin(y) * 0.5 + y
        return y
    g = fg.grad(long_chain)
    jg = fg.jit(g)
    assert len(fg.make_jaxpr(g)(0.3).jaxpr.eqns) >= scalar_emit.NATIVE_MIN_OPS
    assert "native_kernel" in fast_source(jg, 0.3)
    for x in [0.3, -0.0, 1e-310, 1e300, -7.25, np.inf, -np.inf, np.nan]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want, got = g(x), jg(x)
        assert type(got) is fg.Array and got.dtype == np.float64 and got.shape == ()
        assert got.tobytes() == want.tobytes() or (np.isnan(got) and np.isnan(want)), x
    assert len(compiled_kernels) == 1 and compiled_kernels[0] is not None


@needs_llvmlite
def test_native_kernel_non_finite_values_run_numpy(compiled_kernels, monkeypatch):
    """nan/inf inputs, overflow, log(0), division by zero, a negative base's fractional power,
    ties of max between zeros: the general function's results and warnings, as eagerly (the
    tests above run on the kernel too, program by program: `either_path`)."""
    def f(x, y):
        acc = x * 0.0
        for _ in range(25):
            acc = (acc * 0.5 + fnp.log(x) + 1.0 / y + fnp.exp(y * x) + fnp.sqrt(x)
                   + fnp.maximum(x, y) + x ** 2 + fnp.power(x, y) + fnp.arcsin(y * 0.1))
        return acc, acc > x
    used = (np.log, np.exp, np.sqrt, np.power, np.arcsin)
    if not all(computes_itself(u, "native") for u in used):
        pytest.skip("the kernel is not made on this machine: numpy's "
                    + ", ".join(u.__name__ for u in used if not computes_itself(u, "native"))
                    + " differ from libm's here")
    jf = fg.jit(f)
    assert "native_kernel" in fast_source(jf, 1.0, 2.0)
    jf(1.0, 2.0)  # compiled with the kernel
    monkeypatch.setattr(scalar_emit, "NATIVE_MIN_OPS", 10 ** 9)
    jp = fg.jit(lambda x, y: f(x, y))  # the Python-float function
    assert "native_kernel" not in fast_source(jp, 1.0, 2.0)
    for x, y in [(1.5, 2.0), (0.0, 1.0), (1.0, 0.0), (1.0, -0.0), (800.0, 2.0), (-2.0, 0.5),
                 (np.nan, 1.0), (1.0, np.inf), (0.0, -0.0), (-0.0, 0.0), (1e300, 3.0),
                 (2.0, 20.0)]:
        with warnings.catch_warnings(record=True) as want_w:
            warnings.simplefilter("always")
            want = f(np.asarray(x), np.asarray(y))
        with warnings.catch_warnings(record=True) as got_w:
            warnings.simplefilter("always")
            got = jf(x, y)
        with warnings.catch_warnings(record=True) as py_w:
            warnings.simplefilter("always")
            py = jp(x, y)
        for g, w, p in zip(got, want, py):
            assert g.tobytes() == p.tobytes(), (x, y, g, p)
            assert type(g) is fg.Array and g.dtype == w.dtype, (x, y)
            # the sign of a nan may differ: jit's numpy code (the fallback, as on the Python
            # path) orders the sums otherwise
            assert g.tobytes() == w.tobytes() or (np.isnan(g) and np.isnan(w)), (x, y, g, w)
        # the Python path's warnings (jit's numpy code computes the repeated log(x) once and
        # x ** 2 by power, eagerly square)
        assert [str(w.message) for w in got_w] == [str(w.message) for w in py_w], (x, y)
        assert bool(got_w) == bool(want_w), (x, y)
    with np.errstate(all="raise"), pytest.raises(FloatingPointError):
        jf(0.0, 1.0)
    assert len(compiled_kernels) == 1 and compiled_kernels[0] is not None


def test_small_programs_do_not_import_llvmlite(monkeypatch):
    """Programs below NATIVE_MIN_OPS keep the Python-float function and never reach _llvm (the
    one place llvmlite is imported), so they cost no import and no compile."""
    def no_llvm():
        raise AssertionError("llvmlite imported for a small program")
    monkeypatch.setattr(scalar_emit, "_llvm", no_llvm)
    g = fg.grad(lambda y: fnp.sin(fnp.sin(y) * 0.5 + y) * 2.0)
    jg = fg.jit(g)
    assert jg(0.3).tobytes() == g(0.3).tobytes()
    assert "native_kernel" not in fast_source(jg, 0.3)


@needs_llvmlite
def test_native_kernels_are_freed_with_their_program(compiled_kernels, monkeypatch):
    """A kernel's machine code is removed from the LLVM engine when jit's cache drops the
    program that holds it (no growth over many compilations)."""
    dropped = []
    drop = scalar_emit._drop_module
    monkeypatch.setattr(scalar_emit, "_drop_module", lambda e, m: dropped.append(m) or drop(e, m))

    def chain(y):
        for _ in range(80):
            y = fnp.sin(y) * 0.5 + y
        return y
    for i in range(3):
        jg = fg.jit(fg.grad(chain))
        assert float(jg(0.25 * i)) == float(fg.grad(chain)(0.25 * i))
        del jg
        fg.clear_caches()
        gc.collect()
    assert len(compiled_kernels) == 3 and all(k is not None for k in compiled_kernels)
    assert len(dropped) >= 3
