"""Code-generation backends (fungrad._interp.backends): jit(f, backend=...) over the primitive
table, control flow, the benchmark workloads, export.to_jax, the CuPy namespace substitution
(with a stand-in namespace where CuPy is absent), array-API namespaces and dask.

Rows a backend cannot do are listed with the reason as expected MissingRuleErrors."""
import importlib.util
import os
import subprocess
import sys
import traceback
import warnings

import numpy as np
import pytest
import scipy.special
from prim_records import RECORDS
from test_primitives import CASES, B, float_argnums, make_args, scalarize

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import lax
from fungrad._interp.backends import namespace_backend
from fungrad.errors import MissingRuleError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HAVE = {m: importlib.util.find_spec(m) is not None for m in ("jax", "dask", "cupy", "torch",
                                                             "distributed", "array_api_compat",
                                                             "array_api_strict")}
needs_jax = pytest.mark.skipif(not HAVE["jax"], reason="jax is not installed (pip install jax)")
needs_dask = pytest.mark.skipif(not HAVE["dask"], reason="dask is not installed "
                                "(pip install 'dask[array]' distributed)")

# ---- primitives without a rule, per backend, with the reason

_NO_JAX = dict.fromkeys(("logm", "logm_frechet"), "jax.scipy.linalg has no logm")
_NO_JAX["lu_pivots"] = ("no jax rule: LAPACK's row interchanges from a permutation matrix "
                        "(lu_factor's helper) are a sequential loop")
_NO_JAX.update(dict.fromkeys("window_patches window_patches_transpose".split(),
                             "no jax rule yet (impl is numpy code)"))


def _jax_refuses(f, args):
    """jax.scipy.special has i0 and i1 but no iv: bessel_i of a higher order raises."""
    if any(e.prim.name == "bessel_i" and e.params["order"] > 1 for e in _program_eqns(f, args)):
        return "'bessel_i'.*'jax' with order=2.*no 'iv'"
    return None
_NO_JAX.update(dict.fromkeys(("gammaincinv", "betaincinv"),
                             "jax.scipy.special has no such function"))

_NO_SPECIAL = ("erf erfc erfinv erfcx ndtri log_ndtr gammaln gamma digamma polygamma i0e i1e "
               "zeta gammainc gammaincc gammaincinv betainc betaincinv exp1 expi "
               "gammasgn").split()
_NO_DASK = dict.fromkeys(
    "window_patches window_patches_transpose bitcast_convert_type reduce_precision "
    "frexp_exponent threefry2x32 random_gamma_grad".split(),
    "no dask rule yet (impl is numpy code)")
_NO_DASK.update(dict.fromkeys(("polygamma", "zeta"), "scipy.special's polygamma and zeta are "
                              "not numpy ufuncs (on dask arrays they would compute eagerly)"))
_NO_DASK.update(dict.fromkeys(("gcd", "lcm", "population_count"),
                              "dask.array has no function of that name"))
_NO_DASK.update(dict.fromkeys("scatter scatter_add scatter_mul scatter_min scatter_max".split(),
                              "dask arrays are not written in place"))


def _dask_refuses(f, args):
    """dask.array indexes with one index array of one dimension: getitem raises
    MissingRuleError for others (the error's pattern, or None)."""
    if any(e.prim.name == "getitem" and (len(e.invars) > 2 or any(
            v.aval.ndim > 1 for v in e.invars[1:])) for e in _program_eqns(f, args)):
        return "'getitem'.*'dask'.*one index array"
    return None


_NO_ARRAY_API = dict.fromkeys(_NO_SPECIAL + ["bessel_i"],
                              "the array API has no special functions")
_NO_ARRAY_API.update(dict.fromkeys(
    "rem spacing gcd lcm cbrt exp2 population_count".split(),
    "the array API has no fmod, spacing, gcd, lcm, cbrt, exp2 or bitwise_count"))
_NO_ARRAY_API.update(dict.fromkeys(("cummax", "cummin"),
                                   "the array API has no cumulative maximum or minimum"))
_NO_ARRAY_API.update(dict.fromkeys(
    "lu lu_pivots pivots_to_permutation expm expm_frechet sylvester sqrtm logm "
    "logm_frechet".split(), "the array API's linalg has no lu, expm, sylvester, sqrtm or logm"))
_NO_ARRAY_API.update(dict.fromkeys(
    "scatter scatter_add scatter_mul scatter_min scatter_max".split(),
    "the array API has no functional update at an index (arrays are not written in place)"))
_NO_ARRAY_API.update(dict.fromkeys(
    "window_patches window_patches_transpose bitcast_convert_type reduce_precision "
    "frexp_exponent threefry2x32 random_gamma_grad".split(),
    "no array-API rule (impl is numpy code)"))


def _array_api_refuses(f, args):
    """eigh of the upper triangle and searchsorted row by row raise MissingRuleError on an
    array-API namespace (its eigh takes no UPLO, its searchsorted one 1-D sorted array)."""
    for e in _program_eqns(f, args):
        if e.prim.name == "eigh" and not e.params["lower"]:
            return "'eigh'.*'array_api' with lower=False"
        if e.prim.name == "searchsorted" and e.params["nbatch"]:
            return "'searchsorted'.*'array_api'.*row by row"
        if e.prim.name == "getitem" and not _array_api_index(e):
            return "'getitem'.*'array_api'.*integer arrays"
    return None


def _array_api_index(eqn):
    """Whether the array API indexes so: no integer arrays, or an integer or array on every
    axis, or one 1-D array on one axis (take)."""
    spec, x, idx = eqn.params["spec"], eqn.invars[0].aval, eqn.invars[1:]
    if "array" not in spec:
        return True
    if len(spec) == x.ndim and all(s == "array" or type(s) is int for s in spec):
        return True
    return len(idx) == 1 and idx[0].aval.ndim == 1 and all(
        s == ("slice", None, None, None) for s in spec if s != "array")


def _program_eqns(f, args):
    """The equations of the optimized program jit compiles (nested programs included)."""
    jaxpr = fg.jit(f).lower(*args).jaxpr
    found = []

    def walk(j):
        for e in j.eqns:
            found.append(e)
            for v in e.params.values():
                for sub in (v if isinstance(v, tuple) else (v,)):
                    inner = getattr(sub, "jaxpr", None)
                    if inner is not None and hasattr(inner, "eqns"):
                        walk(inner)
    walk(jaxpr.jaxpr)
    return found


def _program_prims(f, args):
    return {e.prim.name for e in _program_eqns(f, args)}


def _programs(rec, shapes):
    args = make_args(rec, shapes)
    yield "jit(f)", rec.fun, args
    yield "jit(vmap(f))", fg.vmap(rec.fun), make_args(rec, shapes, seed=1, lead=B)
    nums = float_argnums(args)
    if rec.differentiable and nums:
        yield "jit(grad(f))", fg.grad(scalarize(rec, shapes), argnums=nums), args


def _close(got, want, what):
    gl, wl = fg.tree_util.tree_leaves(got), fg.tree_util.tree_leaves(want)
    assert len(gl) == len(wl), what
    for g, w in zip(gl, wl, strict=True):
        g = np.asarray(g)
        assert (g.dtype, g.shape) == (w.dtype, w.shape), f"{what}: {g.dtype}{g.shape} vs {w.dtype}{w.shape}"
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-9, equal_nan=True, err_msg=what)


def _check_table_row(rec, shapes, backend, missing, convert=lambda a: a, refuses=None,
                     back=lambda r: r, run_all=None):
    """Each program of the row (f, vmap(f), grad(f)) on `backend` against the numpy backend:
    the rows it lacks a rule for raise MissingRuleError, the others equal numpy's results.
    `run_all(programs)`: runs the [(what, f, args)] that compile, returning their results
    (default: one jit(f, backend=backend) call each)."""
    todo = []
    for what, f, args in _programs(rec, shapes):
        want = fg.jit(f)(*args)
        lacking = sorted(_program_prims(f, args) & set(missing))
        if lacking:
            with pytest.raises(MissingRuleError, match="|".join(f"'{n}'" for n in lacking)):
                fg.jit(f, backend=backend)(*convert(args))
            continue
        pattern = refuses and refuses(f, args)
        if pattern:
            with pytest.raises(MissingRuleError, match=pattern):
                fg.jit(f, backend=backend)(*convert(args))
            continue
        todo.append((what, f, args, want))
    if run_all is None:
        got = [fg.jit(f, backend=backend)(*convert(args)) for _, f, args, _ in todo]
    else:
        got = run_all([(what, f, args) for what, f, args, _ in todo])
    for (what, _, _, want), g in zip(todo, got, strict=True):
        _close(back(g), want, f"{rec.id} {what} on {backend}")


def _jax_all_at_once(programs):
    """The row's programs as one jax.jit program (one XLA compile per row instead of one per
    program; the compiles are most of this test's time): each is fungrad's JAX function
    (export.to_jax, which jit(f, backend="jax") compiles with jax.jit), called on the outer
    program's tracers, so each is lowered by fungrad as alone and inlined by JAX. A program
    that fails to trace names itself."""
    import jax
    from fungrad.export import to_jax
    fns = [(what, to_jax(f)) for what, f, _ in programs]

    def together(*arg_lists):
        outs = []
        for (what, fn), args in zip(fns, arg_lists, strict=True):
            try:
                outs.append(fn(*args))
            except Exception as e:
                raise AssertionError(f"{what} fails under jax.jit: {type(e).__name__}: {e}") from e
        return outs
    with jax.enable_x64(True):
        return jax.jit(together)(*[args for _, _, args in programs])


# every row of the table, at its last (largest) argument shapes: each case compiles its three
# programs with jax.jit (as one XLA program), so all shapes of every row would take minutes
ROW_CASES = [pytest.param(r, r.shapes[-1], id=f"{r.id}-{'x'.join(map(str, r.shapes[-1]))}")
             for r in RECORDS]


@needs_jax
@pytest.mark.parametrize("rec,shapes", ROW_CASES)
def test_jax_backend_over_the_table(rec, shapes):
    _check_table_row(rec, shapes, "jax", _NO_JAX, refuses=_jax_refuses, run_all=_jax_all_at_once)


def _dask_args(args):
    import dask.array as da
    return [da.from_array(a, chunks=2) if a.ndim else da.from_array(a) for a in args]


@needs_dask
@pytest.mark.parametrize("rec,shapes", CASES)
def test_dask_backend_over_the_table(rec, shapes):
    import dask
    with dask.config.set(scheduler="synchronous"):
        _check_table_row(rec, shapes, "dask", _NO_DASK, _dask_args, _dask_refuses)


needs_array_api = pytest.mark.skipif(not HAVE["array_api_compat"],
                                     reason="array-api-compat is not installed "
                                     "(pip install array-api-compat)")


@needs_array_api
@pytest.mark.parametrize("rec,shapes", ROW_CASES)
def test_array_api_backend_over_the_table_with_array_api_compat_numpy(rec, shapes):
    """numpy arrays through array-api-compat's numpy namespace (`xp`), values vs eager."""
    _check_table_row(rec, shapes, "array_api", _NO_ARRAY_API, refuses=_array_api_refuses)


def _strict_args(args):
    import array_api_strict
    return [array_api_strict.asarray(a) for a in args]


def _from_strict(tree):
    import array_api_strict
    leaves = fg.tree_util.tree_leaves(tree)
    strict = type(array_api_strict.asarray(0))
    assert all(isinstance(v, strict) for v in leaves), [type(v) for v in leaves]
    return [np.asarray(v) for v in leaves]


@pytest.mark.skipif(not (HAVE["array_api_compat"] and HAVE["array_api_strict"]),
                    reason="needs array-api-compat and array-api-strict "
                    "(pip install array-api-strict)")
@pytest.mark.parametrize("rec,shapes", ROW_CASES)
def test_array_api_backend_over_the_table_with_array_api_strict(rec, shapes):
    """array-api-strict's arrays (the standard's functions only, nothing of numpy's API):
    results are its arrays, equal to eager's values."""
    _check_table_row(rec, shapes, "array_api", _NO_ARRAY_API, _strict_args,
                     _array_api_refuses, _from_strict)


def test_expected_missing_sets_name_registered_primitives():
    names = {r.prim.name for r in RECORDS}
    for table in (_NO_JAX, _NO_DASK, _NO_ARRAY_API):
        assert set(table) <= names, set(table) - names


# ---- the stand-in CuPy: the same source over another namespace (numpy here, as `cp`)

STANDIN = namespace_backend("cupy", np, scipy.special)
_NO_STANDIN = {r.prim.name: "impl is numpy code (CallImpl): no cupy rule" for r in RECORDS
               if r.prim.emit_rule(STANDIN) is None}


@pytest.mark.parametrize("rec,shapes", CASES[::3])
def test_cupy_namespace_substitution_with_a_stand_in(rec, shapes):
    _check_table_row(rec, shapes, STANDIN, _NO_STANDIN)


_CUPY_RULED = [c for c in ROW_CASES if any("cupy" in (getattr(r, "on", None) or ())
                                           for r in c.values[0].prim.emit_rules)]


@pytest.mark.parametrize("rec,shapes", _CUPY_RULED)
def test_cupy_rules_of_decompositions_fft_and_sorting_with_a_stand_in(rec, shapes):
    """The rules written for CuPy (decompositions, fft, sort: `cp.linalg.*`, `cp.fft.*`,
    `cp.sort`, ...) over numpy as `cp`: the source they generate runs and equals eager. This
    checks the source and its numpy-API semantics only; CuPy itself runs where a GPU is
    (benchmarks/gpu/run_gpu.py)."""
    _check_table_row(rec, shapes, STANDIN, _NO_STANDIN)


def test_cupy_rules_emit_cupy_calls():
    from fungrad._lax import fft, linalg_decomp, sorting
    a = np.eye(3) * 2.0
    cases = [(lambda a: linalg_decomp.solve(a, a), "cp.linalg.solve("),
             (lambda a: linalg_decomp.qr(a)[0], "cp.linalg.qr("),
             (lambda a: linalg_decomp.eigh(a, lower=False)[0], "cp.linalg.eigh(a, UPLO='U')"),
             (lambda a: fft.fft(a, "RFFT", (3,)), "cp.fft.rfftn(a, axes=(1,))"),
             (lambda a: sorting.argsort(a, 0, True), "cp.argsort(cp.flip(a, axis=0), axis=0, "
                                                     "kind='stable')")]
    for f, text in cases:
        j = fg.jit(f, backend=STANDIN)
        assert text in j.lower(a).source, j.lower(a).source
        _close(j(a), fg.jit(f)(a), text)


def test_cupy_source_calls_the_cupy_namespace():
    f = fg.jit(lambda x, y: fnp.sum(fnp.sin(x) @ y) + lax.erf(x).sum(), backend=STANDIN)
    x, y = np.ones((2, 3)), np.ones((3, 2))
    src = f.lower(x, y).source
    assert "cp.sin(" in src and "special.erf(" in src and "np." not in src
    np.testing.assert_allclose(f(x, y), fg.jit(f.__wrapped__)(x, y), rtol=1e-12)


@pytest.mark.skipif(not HAVE["cupy"], reason="CuPy is not installed (needs a CUDA GPU): "
                    "benchmarks/gpu/run_gpu.py runs the table and timings where one exists")
def test_real_cupy():
    import cupy as cp
    f = lambda x: fnp.sum(fnp.tanh(x) ** 2)
    x = np.linspace(-1, 1, 7)
    np.testing.assert_allclose(cp.asnumpy(fg.jit(fg.grad(f), backend="cupy")(cp.asarray(x))),
                               fg.grad(f)(x), rtol=1e-12)


# ---- numpy backend: default, unchanged


def test_numpy_backend_is_the_default_and_unchanged():
    f = lambda x, w: fnp.sum(fnp.tanh(x @ w) ** 2)
    x, w = np.ones((4, 3)), np.ones((3, 2))
    g = fg.grad(f, argnums=1)
    assert fg.jit(g, backend="numpy").lower(x, w).source == fg.jit(g).lower(x, w).source
    assert "np.tanh(" in fg.jit(g).lower(x, w).source


def test_unknown_backend_and_shardings_errors():
    with pytest.raises(ValueError, match="unknown backend 'tpu'"):
        fg.jit(lambda x: x, backend="tpu")
    with pytest.raises(ValueError, match="need backend='jax'"):
        fg.jit(lambda x: x, in_shardings=object())


def _assert_clean(err):
    """A user-facing error: not chained to an internal one (no "During handling of the above
    exception" KeyError from a cache lookup in its traceback)."""
    assert err.__cause__ is None and err.__context__ is None, repr(err.__context__)
    text = "".join(traceback.format_exception(err))
    assert "KeyError" not in text and "During handling" not in text, text


@needs_jax
def test_missing_rule_names_primitive_backend_and_fix_and_is_not_chained():
    from fungrad._lax import linalg_decomp
    f = fg.jit(lambda a: linalg_decomp.logm(a) * 2.0, backend="jax")
    for _ in range(2):  # the first compile and a later call of the same signature
        with pytest.raises(MissingRuleError, match=r"primitive 'logm' has no code emission rule "
                           r"for backend 'jax'.*f64\[3,3\].*Fix: use another backend") as e:
            f(np.eye(3))
        assert isinstance(e.value, NotImplementedError)
        _assert_clean(e.value)
    from fungrad.export import to_jax
    with pytest.raises(MissingRuleError, match="'logm'.*'jax'") as e:
        to_jax(linalg_decomp.logm)(np.eye(2))
    _assert_clean(e.value)


@needs_dask
def test_missing_rule_on_dask_is_not_chained():
    import dask.array as da
    from fungrad._lax import scatter
    f = fg.jit(lambda x, u: scatter.scatter(x, u, (("slice", 0, 2, None),)), backend="dask")
    with pytest.raises(MissingRuleError, match="'scatter'.*backend 'dask'") as e:
        f(da.zeros(4), da.ones(2))
    _assert_clean(e.value)


# ---- jax: control flow, export, workloads


@needs_jax
def test_jax_control_flow_lowers_to_lax():
    def f(x):
        y = lax.cond(x.sum() > 0, lambda v: v * 2.0, lambda v: -v, x)
        c, ys = lax.scan(lambda c, v: (c + v, c * v), 0.0, y)
        n = lax.while_loop(lambda s: s[0] < 5, lambda s: (s[0] + 1, s[1] * 1.5), (0, c))
        return n[1] + ys.sum()
    x = np.linspace(-1.0, 2.0, 5)
    j = fg.jit(f, backend="jax")
    src = j.lower(x).source
    assert "lax.switch(" in src and "lax.scan(" in src and "lax.while_loop(" in src
    np.testing.assert_allclose(j(x), f(x), rtol=1e-12)
    def g(x):  # reverse mode through cond and scan (while_loop has none, as in JAX)
        y = lax.cond(x.sum() > 0, lambda v: v * 2.0, lambda v: -v, x)
        return lax.scan(lambda c, v: (c + v, c * v), 0.0, y)[1].sum()
    np.testing.assert_allclose(fg.jit(fg.grad(g), backend="jax")(x), fg.grad(g)(x), rtol=1e-10)


@needs_jax
def test_to_jax_composes_with_jax_transforms():
    import jax
    from fungrad.export import to_jax
    f = lambda w, x: fnp.sum(fnp.tanh(x @ w) ** 2)
    w, x = np.random.default_rng(0).normal(size=(3, 2)), np.random.default_rng(1).normal(size=(4, 3))
    with jax.enable_x64(True):
        jf = to_jax(f)
        np.testing.assert_allclose(jf(w, x), f(w, x), rtol=1e-12)
        np.testing.assert_allclose(jax.grad(jf)(jax.numpy.asarray(w), x), fg.grad(f)(w, x),
                                   rtol=1e-12)
        np.testing.assert_allclose(jax.jit(jax.vmap(jf, (None, 0)))(w, x[:, None]),
                                   [f(w, r[None]) for r in x], rtol=1e-12)


@needs_jax
def test_jax_shardings_one_device():
    """in_shardings/out_shardings reach jax.jit: a 1-device mesh of this process's CPU device
    (NamedSharding) and a SingleDeviceSharding, applied to the results."""
    import jax
    from jax.sharding import Mesh, NamedSharding, PartitionSpec, SingleDeviceSharding
    from fungrad.export import to_jax
    dev = jax.devices("cpu")[0]
    mesh = Mesh(np.array([dev]), ("batch",))
    rows, rep = NamedSharding(mesh, PartitionSpec("batch")), NamedSharding(mesh, PartitionSpec())
    f = lambda w, x: (fnp.tanh(x @ w), fnp.sum(x, axis=0))
    w = np.random.default_rng(0).normal(size=(3, 2))
    x = np.random.default_rng(1).normal(size=(4, 3))
    want = f(w, x)
    g = fg.jit(f, backend="jax", in_shardings=(rep, rows), out_shardings=(rows, rep))
    out = g(w, x)
    for o, ref, sh in zip(out, want, (rows, rep)):
        assert isinstance(o, jax.Array) and o.sharding == sh, o.sharding
        np.testing.assert_allclose(np.asarray(o), ref, rtol=1e-12)
    single = SingleDeviceSharding(dev)
    o = fg.jit(lambda x: fnp.sin(x) * 2.0, backend="jax", out_shardings=single)(x)
    assert o.sharding == single and o.devices() == {dev}
    np.testing.assert_allclose(np.asarray(o), np.sin(x) * 2.0, rtol=1e-12)
    with jax.enable_x64(True):
        o = to_jax(lambda x: fnp.cos(x), in_shardings=rows, out_shardings=rows)(x)
    assert o.sharding == rows
    np.testing.assert_allclose(np.asarray(o), np.cos(x), rtol=1e-12)
    with pytest.raises(ValueError, match="need backend='jax', not 'dask'"):
        fg.jit(f, backend="dask", out_shardings=rows)


@needs_jax
def test_jax_backend_calls_go_through_one_jax_jit_with_jit_s_semantics():
    """backend="jax" calls on JAX/numpy arrays and Python numbers in builtin containers go to one
    jax.jit function whose trace stages fungrad's program (fungrad._api.jit._JaxNative): traced
    once per signature, Python scalars weakly typed as in jit's own path, keyword arguments
    dynamic, with and without JAX's 64-bit mode; fungrad Arrays, custom pytree nodes in or out
    and fungrad transforms take jit's own path, with the same results."""
    import jax
    import jax.numpy as jnp
    from fungrad.tree_util import register_pytree_node

    calls = []

    def f(p, x, scale=1.0):
        calls.append(1)
        return {"y": fnp.tanh(x @ p[0] + p[1]) * scale, "n": fnp.sum(x)}

    g = fg.jit(f, backend="jax")
    assert g._jax_native is not None
    rng = np.random.default_rng(0)
    w, b, x = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 3))
    with jax.enable_x64(True):
        jw, jb, jx = jnp.asarray(w), jnp.asarray(b), jnp.asarray(x)
        out = g((jw, jb), jx, scale=2.0)
        assert isinstance(out["y"], jax.Array) and out["y"].dtype == np.float64
        np.testing.assert_allclose(np.asarray(out["y"]), np.tanh(x @ w + b) * 2.0, rtol=1e-12)
        np.testing.assert_allclose(float(out["n"]), x.sum(), rtol=1e-12)
        g((jw, jb), jx, scale=3.0)  # a keyword argument is dynamic: no new trace
        g([w, b], x)  # numpy arrays and a list: one more signature
        assert g.trace_count == len(calls) == 2
        np.testing.assert_allclose(np.asarray(g([w, b], x)["y"]), np.tanh(x @ w + b))
        assert g.trace_count == 2
        g((jw, jb), jnp.asarray(rng.normal(size=(5, 3))))  # a new shape traces again
        assert g.trace_count == 3
        # a Python scalar stays weakly typed: float32 times 2.0 is float32, as eagerly
        h = fg.jit(lambda x, s: x * s, backend="jax")
        r = h(jnp.ones(3, jnp.float32), 2.0)
        assert r.dtype == np.float32 and h(np.ones(3, np.float32), 2.0).dtype == np.float32
        assert (h(jnp.ones(3, jnp.float32), 2.0).dtype
                == fg.jit(lambda x, s: x * s)(np.ones(3, np.float32), 2.0).dtype)
    # without JAX's 64-bit mode the program still computes in float64, as numpy does
    with jax.enable_x64(False):
        r = fg.jit(lambda x: fnp.sin(x) * 2.0, backend="jax")(np.linspace(0.0, 1.0, 5))
    assert r.dtype == np.float64
    np.testing.assert_allclose(np.asarray(r), np.sin(np.linspace(0.0, 1.0, 5)) * 2.0,
                               rtol=1e-15)

    class Pair:  # a pytree node fungrad knows and JAX does not
        def __init__(self, a, b):
            self.a, self.b = a, b
    register_pytree_node(Pair, lambda p: ((p.a, p.b), None), lambda _, c: Pair(*c))
    k = fg.jit(lambda p: Pair(p.b, fnp.sin(p.a)), backend="jax")
    q = k(Pair(np.ones(2), np.zeros(3)))
    assert isinstance(q, Pair) and k.trace_count == 1
    np.testing.assert_allclose(np.asarray(q.b), np.sin(np.ones(2)))
    m = fg.jit(lambda x: Pair(x, x * 2.0), backend="jax")  # a custom output node
    for _ in range(2):
        q = m(np.ones(2))
        assert isinstance(q, Pair)
        np.testing.assert_allclose(np.asarray(q.b), [2.0, 2.0])
    seen = []

    def bad(x):  # the user's TypeError is raised as it is, from the one trace
        seen.append(1)
        return fnp.reshape(x, "23")
    with pytest.raises(TypeError, match="reshape"):
        fg.jit(bad, backend="jax")(np.ones(6))
    assert len(seen) == 1
    a = fnp.asarray(np.arange(3.0))  # a fungrad Array: jit's own path
    np.testing.assert_allclose(np.asarray(fg.jit(lambda x: x * 3.0, backend="jax")(a)),
                               [0.0, 3.0, 6.0])
    # under fungrad's grad the program is transformed and runs on numpy, as any jit
    gg = fg.grad(lambda x: fnp.sum(fg.jit(lambda y: fnp.sin(y) ** 2, backend="jax")(x)))
    np.testing.assert_allclose(gg(np.linspace(0.0, 1.0, 4)),
                               np.sin(2 * np.linspace(0.0, 1.0, 4)), rtol=1e-12)


_TWO_DEVICES = """
import numpy as np, jax
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
import fungrad as fg, fungrad.numpy as fnp
mesh = Mesh(np.array(jax.devices("cpu")[:2]), ("batch",))
rows, rep = NamedSharding(mesh, P("batch")), NamedSharding(mesh, P())
f = fg.jit(lambda w, x: fnp.tanh(x @ w), backend="jax", in_shardings=(rep, rows),
           out_shardings=rows)
w = np.random.default_rng(0).normal(size=(3, 2)); x = np.random.default_rng(1).normal(size=(4, 3))
out = f(w, x)
assert out.sharding == rows, out.sharding
assert sorted(s.data.shape for s in out.addressable_shards) == [(2, 2), (2, 2)]
assert len({s.device for s in out.addressable_shards}) == 2
np.testing.assert_allclose(np.asarray(out), np.tanh(x @ w), rtol=1e-12)
g = fg.jit(fg.grad(lambda w, x: fnp.sum(fnp.tanh(x @ w) ** 2)), backend="jax",
           in_shardings=(rep, rows), out_shardings=rep)
gw = g(w, x)
assert gw.sharding == rep
np.testing.assert_allclose(np.asarray(gw), fg.grad(lambda w, x: fnp.sum(fnp.tanh(x @ w) ** 2))(w, x),
                           rtol=1e-12)
print("ok")
"""


@needs_jax
def test_jax_shardings_split_a_batch_over_two_cpu_devices():
    """A 2-device mesh (XLA's forced host devices, in a fresh process: the flag is read when
    JAX starts): the batch axis split in halves, one per device, and the result equal."""
    env = {**os.environ, "PYTHONPATH": ROOT,
           "XLA_FLAGS": "--xla_force_host_platform_device_count=2", "JAX_PLATFORMS": "cpu"}
    p = subprocess.run([sys.executable, "-W", "error", "-c", _TWO_DEVICES], capture_output=True,
                       text=True, timeout=300, env=env)
    assert p.returncode == 0 and p.stdout.strip() == "ok", p.stderr[-3000:]


@needs_jax
@pytest.mark.parametrize("workload", ["small_mlp", "large_mlp", "per_example", "hessian"])
def test_jax_backend_on_the_benchmark_workloads(workload):
    import jax
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    import _workloads as W
    with jax.enable_x64(True):
        fns = {"small_mlp": lambda: W.mlp([64, 32, 10], 16, {"jax": jax}),
               "large_mlp": lambda: W.mlp([784, 1024, 1024, 10], 32, {"jax": jax}),
               "per_example": lambda: W.per_example(100, 64, {"jax": jax}),
               "hessian": lambda: W.hessian(50, {"jax": jax})}[workload]()
        W.check({k: fns[k] for k in ("handwritten numpy", "fungrad jit", "fungrad backend=jax")})


# ---- array API namespaces (torch tensors through array-api-compat)


@pytest.mark.skipif(not (HAVE["torch"] and HAVE["array_api_compat"]),
                    reason="needs torch and array-api-compat")
def test_array_api_backend_with_torch():
    import torch
    f = lambda w, x: fnp.sum(fnp.tanh(x @ w) ** 2)
    g = fg.jit(fg.grad(f), backend="array_api")
    w, x = np.random.default_rng(0).normal(size=(3, 2)), np.random.default_rng(1).normal(size=(4, 3))
    got = g(torch.from_numpy(w), torch.from_numpy(x))
    assert isinstance(got, torch.Tensor)
    np.testing.assert_allclose(got.numpy(), fg.grad(f)(w, x), rtol=1e-12)
    assert "xp.tanh(" in g.lower(torch.from_numpy(w), torch.from_numpy(x)).source
    with pytest.raises(MissingRuleError, match="'erf'.*'array_api'"):
        fg.jit(lambda v: lax.erf(v), backend="array_api")(torch.ones(3, dtype=torch.float64))
    with pytest.raises(MissingRuleError, match="'rem'.*'array_api'.*no 'fmod'"):
        fg.jit(lambda v: lax.rem(v, v), backend="array_api")(torch.ones(3, dtype=torch.float64))


# ---- dask on a LocalCluster: the out-of-core example at small size


@pytest.mark.skipif(not (HAVE["dask"] and HAVE["distributed"]), reason="needs dask.distributed")
def test_dask_logistic_regression_on_a_local_cluster(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    import dask_logistic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the cluster's shutdown chatter
        # an in-process worker: no memory limit (it would count the whole test process, which a
        # full test run makes larger than any small limit, and pause the worker)
        r = dask_logistic.run(rows=4000, features=5, chunk_rows=500, memory_mib=None,
                              processes=False, folder=str(tmp_path))
    np.testing.assert_allclose(r["grad"], r["ref"], rtol=1e-10)
    assert "da." in r["source"] or "lax" not in r["source"]


# ---- the GPU script: parses, imports, and says why it does nothing without a GPU


def test_gpu_script_exits_clearly_without_a_gpu():
    path = os.path.join(ROOT, "benchmarks", "gpu", "run_gpu.py")
    with open(path) as fh:
        compile(fh.read(), path, "exec")
    if HAVE["cupy"]:
        pytest.skip("CuPy is installed: the script would run the GPU benchmark")
    p = subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": ROOT})
    assert p.returncode == 1 and "needs a CUDA GPU and CuPy" in p.stderr
