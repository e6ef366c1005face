"""The hostile-input sweep of the torch shim (the torch half of tests/test_hostile_inputs.py):
every public function of fungrad.torch (top level, nn.functional, linalg, special, fft) and every
Tensor method, called with hostile arguments (None, a string, a dict, a ragged list, an object,
empty and 0-d tensors, NaN/inf, integer/bool/complex tensors, a rank-4 tensor, bad dim values,
negative and oversized sizes) exactly as real PyTorch 2.13 was called with them.

golden_hostile.json holds torch's outcome of each call (make_golden_hostile.py records it): the
value (dtype, shape, values) or the exception's type. The shim must give the same value, or raise
a clean NotImplementedError naming what it does not support (allowed, and counted); where torch
raises, the shim must raise the same type (or a subclass), never an AttributeError, KeyError,
UnboundLocalError or RecursionError, nor with a message Python itself writes when the code trips
over the input (`'NoneType' object ...`, unpacking, `tuple index out of range`) unless torch's
own message is such (where torch's own Python code trips over a non-Tensor with an
AttributeError, the shim's TypeError is taken). Nothing may hang (a 10 s alarm per call). Where
torch 2.13 is installed the shim is compared with it live too, and the golden file with it.

Run `python tests/torch_shim/test_hostile_torch.py` for the counts (functions, calls, failures);
`--update` rewrites the known-failures file.
"""
import contextlib
import functools
import inspect
import json
import math
import pathlib
import re
import signal
import sys
import types
import warnings

import numpy as np
import pytest

from nn_kit import real_torch_or_none

HERE = pathlib.Path(__file__).resolve().parent
GOLDEN_PATH = HERE / "golden_hostile.json"
KNOWN_FILE = HERE / "hostile_torch_known_failures.txt"
GROUPS = ["torch", "Tensor", "nn.functional", "linalg", "special", "fft"]

# ---------------------------------------------------------------- the hostile values
# each is made afresh for every call (in-place functions write into their arguments)
NAN, INF = float("nan"), float("inf")
HOSTILE = {
    "None": lambda T: None,
    "str": lambda T: "abc",
    "dict": lambda T: {"a": 1.0},
    "ragged": lambda T: [[1.0, 2.0], [3.0]],
    "object": lambda T: _OBJECT,
    "empty": lambda T: T.zeros(0),
    "empty-2d": lambda T: T.zeros(0, 3),
    "0d": lambda T: T.tensor(1.5),
    "nan-inf": lambda T: T.tensor([NAN, INF, -INF, 1.0]),
    "int": lambda T: T.arange(4),
    "bool": lambda T: T.tensor([True, False, True, True]),
    "complex": lambda T: T.tensor([1 + 1j, 2 - 1j, 0.5j, 3.0]),
    "int8": lambda T: T.tensor([1, -2, 3, 4], dtype=T.int8),
    "rank4": lambda T: T.linspace(0.1, 0.9, 12).reshape(2, 1, 3, 2),
    "size-negative": lambda T: -1,
    "size-huge": lambda T: 10 ** 20,
    "shape-negative": lambda T: (2, -3),
}
TENSOR_LABELS = ["empty", "empty-2d", "0d", "nan-inf", "int", "bool", "complex", "int8", "rank4"]
BAD_DIMS = {"dim=7": 7, "dim=-7": -7, "dim='0'": "0", "dim=1.5": 1.5, "dim=(0,0)": (0, 0)}
VALID_DATA = [[0.5, -1.0, 2.0, 0.25], [1.5, 0.75, -0.5, 3.0], [0.1, 0.2, 0.3, 0.4]]


class _Opaque:
    def __repr__(self):
        return "<object>"


_Opaque.__module__ = "hostile"  # the same name run as a script or under pytest (typename)
_OBJECT = _Opaque()


def valid(T):
    return T.tensor(VALID_DATA)


def valid_row(T):
    return T.tensor(VALID_DATA[0])


# names not called: they change global state (seeds, default dtype/device, print options,
# thread counts), touch files, install modules, compile, or hand out addresses
SKIP = {
    "torch": {"install", "uninstall", "save", "load", "manual_seed", "seed", "set_rng_state",
              "set_default_dtype", "set_default_device", "set_printoptions", "set_num_threads",
              "set_num_interop_threads", "use_deterministic_algorithms",
              "set_deterministic_debug_mode", "set_flush_denormal", "set_warn_always",
              "set_float32_matmul_precision", "init_num_threads", "compile", "set_grad_enabled",
              "from_numpy"},
    "Tensor": {"data_ptr", "untyped_storage", "storage", "share_memory_", "pin_memory",
               "register_hook", "register_post_accumulate_grad_hook", "apply_", "map_", "map2_",
               "set_", "record_stream", "numpy", "cuda", "backward", "tolist"},
    "nn.functional": set(), "linalg": set(), "special": set(), "fft": set(),
}
# values drawn at random or left uninitialized: only the dtype and shape are compared
RANDOM = {"rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like",
          "normal", "bernoulli", "multinomial", "dropout", "dropout1d", "dropout2d", "dropout3d",
          "alpha_dropout", "feature_alpha_dropout", "rrelu", "rrelu_", "gumbel_softmax", "empty",
          "empty_like", "new_empty", "random_", "uniform_", "normal_", "bernoulli_",
          "exponential_", "geometric_", "cauchy_", "log_normal_", "poisson", "resize_", "resize_as_",
          "empty_strided", "new_empty_strided"}
# single calls where torch's value is uninitialized memory (a reduction over no elements)
UNINITIALIZED = {"nn.functional:multilabel_margin_loss(empty-2d)"}
# dunder operators called as methods
OPERATORS = ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__truediv__",
             "__rtruediv__", "__floordiv__", "__mod__", "__pow__", "__rpow__", "__matmul__",
             "__eq__", "__lt__", "__ge__", "__and__", "__or__", "__xor__", "__lshift__",
             "__getitem__", "__setitem__", "__iadd__", "__imul__", "__neg__", "__invert__",
             "__abs__", "__len__", "__bool__", "__float__", "__int__", "__index__",
             "__contains__"]


# ---------------------------------------------------------------- the functions swept
def _module(T, group):
    if group in ("torch", "Tensor"):
        return T
    if group == "nn.functional":
        return T.nn.functional
    return getattr(T, group)


def _is_function(f):
    return f is not None and callable(f) and not isinstance(f, (type, types.ModuleType))


def swept_functions(shim, torch=None):
    """(group, name, shim callable): the shim's public callables that torch has too (where
    torch is given; else those the golden file records)."""
    golden = None if torch is not None else load_golden()["functions"]
    rows = []
    for group in GROUPS:
        mod = _module(shim, group)
        tmod = _module(torch, group) if torch is not None else None
        if group == "Tensor":
            names = [n for n in dir(shim.Tensor) if not n.startswith("_")] + OPERATORS
            get = (lambda m, n: getattr(m.Tensor, n, None))
        else:
            names = [n for n in dir(mod) if not n.startswith("_")]
            get = getattr
        for n in sorted(set(names)):
            if n in SKIP[group]:
                continue
            try:
                f = get(mod, n) if group != "Tensor" else get(shim, n)
            except Exception:  # noqa: BLE001 - a property that fails on the class
                continue
            if group == "Tensor":
                if not callable(f) or isinstance(f, (type, property)):
                    continue
            elif not _is_function(f):
                continue
            if torch is not None:
                tf = getattr(torch.Tensor, n, None) if group == "Tensor" else getattr(tmod, n,
                                                                                     None)
                if group == "Tensor":
                    if tf is None or isinstance(tf, property) or not callable(tf):
                        continue
                elif not _is_function(tf):
                    continue
            elif f"{group}:{n}" not in golden:
                continue
            rows.append((group, n, f))
    return rows


def _params(f):
    """(required positional parameter names, all parameter names; "*" where it takes *args)."""
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):
        return [], {"*"}
    ps = list(sig.parameters.values())
    req = [p.name for p in ps if p.default is p.empty
           and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    names = {p.name for p in ps if p.kind != p.VAR_POSITIONAL}
    if any(p.kind == p.VAR_POSITIONAL for p in ps):
        names.add("*")
    positional = [p for p in ps if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return req, names | ({"*"} if len(positional) > 1 else set())


def calls_for(group, name, f):
    """(label, maker) of each call: maker(T) gives (callable, args, kwargs) under module T
    (real torch or fungrad.torch). The call pattern comes from the shim's signature."""
    req, names = _params(f)
    if group == "Tensor":
        if name in OPERATORS:
            nargs = {"__neg__": 0, "__invert__": 0, "__abs__": 0, "__len__": 0, "__bool__": 0,
                     "__float__": 0, "__int__": 0, "__index__": 0, "__setitem__": 2}.get(name, 1)
            req, names = ["self"] + ["x"] * nargs, set()
        req = req[1:]  # self
    nreq = len(req)
    out = []

    def fn(T):
        if group == "Tensor":
            return None
        return getattr(_module(T, group), name)

    def method(receiver):
        def make(T, _r=receiver):
            return lambda *a, **k: getattr(_r(T), name)(*a, **k)
        return make

    takes_args = nreq > 0 or "*" in names
    for label, h in HOSTILE.items():
        if group == "Tensor":
            # the method of a valid tensor, given the hostile value for each argument
            k = max(nreq, 1)
            if takes_args:
                out.append((label, lambda T, h=h, k=k: (method(valid)(T), (h(T),) * k, {})))
            if label in TENSOR_LABELS:  # the method of the hostile tensor
                out.append((f"self={label}", lambda T, h=h, k=nreq: (
                    method(h)(T), tuple(valid(T) for _ in range(k)), {})))
                if nreq:
                    out.append((f"self={label},{label}", lambda T, h=h, k=nreq: (
                        method(h)(T), tuple(h(T) for _ in range(k)), {})))
            continue
        k = max(nreq, 1)
        out.append((label, lambda T, h=h, k=k: (fn(T), tuple(h(T) for _ in range(k)), {})))
        if nreq >= 2:
            out.append((f"VALID,{label}", lambda T, h=h, k=nreq: (
                fn(T), (valid_row(T),) + tuple(h(T) for _ in range(k - 1)), {})))
    if group == "Tensor":
        out.append(("VALID", lambda T, k=nreq: (method(valid)(T),
                                                tuple(valid(T) for _ in range(k)), {})))
    else:
        k = max(nreq, 1)
        out.append(("VALID", lambda T, k=k: (fn(T), tuple(valid(T) for _ in range(k)), {})))
    if "dim" in names or "dim" in req:
        kdim = max(nreq, 1 if group != "Tensor" else 0)
        for label, d in BAD_DIMS.items():
            if "dim" in req:  # positional: the bad dim in its place, valid tensors elsewhere
                def make(T, d=d):
                    args = tuple(d if r == "dim" else valid(T) for r in req)
                    return (method(valid)(T) if group == "Tensor" else fn(T)), args, {}
            else:
                def make(T, d=d, k=kdim):
                    return ((method(valid)(T) if group == "Tensor" else fn(T)),
                            tuple(valid(T) for _ in range(k)), {"dim": d})
            out.append((label, make))
    return out


# ---------------------------------------------------------------- one call, recorded
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


BUILTIN_ERRORS = (NotImplementedError, RuntimeError, IndexError, ValueError, TypeError,
                  AssertionError, AttributeError, KeyError, OverflowError, ZeroDivisionError,
                  MemoryError, RecursionError, UnboundLocalError, NameError, Exception)
MAX_VALUES = 64


def _num(v):
    if isinstance(v, complex):
        return [_num(v.real), _num(v.imag)]
    if isinstance(v, float):
        # 'nan', 'inf', '-inf'; finite values to 8 digits (float32's, and more than compared)
        return repr(v) if not math.isfinite(v) else float(f"{v:.8g}")
    return v


def _flat(x):
    if isinstance(x, list):
        out = []
        for v in x:
            out.extend(_flat(v))
        return out
    return [x]


def encode(v, T, random=False):
    """A JSON-able record of a call's result: a list of leaves."""
    leaves = []

    def walk(x):
        if isinstance(x, T.Tensor):
            x = x.detach()
            rec = {"t": str(x.dtype).replace("torch.", ""), "s": list(x.shape)}
            if not random and x.numel() <= MAX_VALUES:
                vals = x.tolist()
                rec["v"] = [_num(v) for v in _flat(vals)]
            leaves.append(rec)
        elif isinstance(x, np.ndarray):
            rec = {"t": str(x.dtype), "s": list(x.shape)}
            if not random and x.size <= MAX_VALUES:
                rec["v"] = [_num(v) for v in x.ravel().tolist()]
            leaves.append(rec)
        elif isinstance(x, (bool, int, float, complex)) or x is None:
            rec = {"py": type(x).__name__}
            if not random and not (isinstance(x, int) and abs(x) > 2 ** 62):
                rec["v"] = _num(x)
            leaves.append(rec)
        elif isinstance(x, str):
            leaves.append({"py": "str", "v": x})
        elif isinstance(x, T.dtype):
            leaves.append({"dtype": str(x).replace("torch.", "")})
        elif isinstance(x, (tuple, list)):  # torch.Size, return_types, lists of tensors
            leaves.append({"seq": len(x)})
            for y in x:
                walk(y)
        else:
            leaves.append({"obj": "callable" if callable(x) else "object"})
    walk(v)
    return leaves


def error_record(e):
    base = next(c for c in type(e).__mro__ if c in BUILTIN_ERRORS)
    return {"raise": type(e).__name__, "base": base.__name__, "msg": str(e)[:60]}


def outcome(T, group, name, maker, label=None):
    """torch's or the shim's outcome of one call: {"ok": leaves} or an error record, and the
    exception itself (None on success) for the message checks."""
    try:
        with warnings.catch_warnings(), alarm():
            warnings.simplefilter("ignore")
            f, args, kwargs = maker(T)
            out = f(*args, **kwargs)
            if inspect.isgenerator(out):
                out = list(out)
            random = name in RANDOM or key(group, name, label) in UNINITIALIZED
            return {"ok": encode(out, T, random=random)}, None
    except Hang as e:
        return {"hang": str(e)}, e
    except RecursionError as e:
        return error_record(e), e
    except Exception as e:  # noqa: BLE001 - classified below
        return error_record(e), e


# ---------------------------------------------------------------- classification
LEAKY = (AttributeError, KeyError, UnboundLocalError, RecursionError, AssertionError, NameError)
# messages Python itself writes when the shim trips over the input instead of checking it
INTERNAL = re.compile(
    r"not enough values to unpack|too many values to unpack|cannot unpack non-iterable|"
    r"(tuple|list|string) index out of range|'NoneType' object|object is not (subscriptable|"
    r"iterable)|has no len\(\)|unsupported operand type|can't multiply sequence|"
    r"can only concatenate|unhashable type|argument of type .* is not iterable|"
    r"object cannot be interpreted as an integer|int\(\) argument must be|"
    r"float\(\) argument must be|must be real number, not|'<' not supported|"
    r"ufunc '\w+' not supported|did not contain a loop with signature|"
    r"numpy|fungrad\.numpy|jnp\.|lax\.|^$")
ERROR_TYPES = {c.__name__: c for c in BUILTIN_ERRORS}


def _close(a, b, integral):
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(_close(x, y, integral) for x, y in zip(a, b)))
    if isinstance(a, str) or isinstance(b, str):  # nan, inf, -inf
        if isinstance(a, str) and isinstance(b, str):
            return a == b
        return False
    if integral or isinstance(a, bool) or isinstance(b, bool):
        return a == b
    return math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-6)


def same_value(got, want):
    """None if the shim's leaves match torch's, else why."""
    if len(got) != len(want):
        return f"{len(got)} result leaves, torch gives {len(want)}: {want[:3]}"
    for g, w in zip(got, want):
        if "t" in w:
            if "t" not in g:
                return f"returned {g}, torch a {w['t']} tensor of shape {w['s']}"
            if g["s"] != w["s"]:
                return f"shape {g['s']}, torch {w['s']}"
            if g["t"] != w["t"]:
                return f"dtype {g['t']}, torch {w['t']}"
            if "v" in w and "v" in g:
                integral = not (w["t"].startswith("float") or w["t"].startswith("complex"))
                if not _close(g["v"], w["v"], integral):
                    return f"value {g['v'][:6]}, torch {w['v'][:6]}"
        elif "py" in w:
            if g.get("py") != w["py"]:
                return f"returned {g}, torch a Python {w['py']}"
            if "v" in w and "v" in g and not _close(g["v"], w["v"], w["py"] != "float"):
                return f"value {g['v']}, torch {w['v']}"
        elif "dtype" in w or "seq" in w:
            if g != w:
                return f"returned {g}, torch {w}"
        elif "obj" in w and "obj" not in g:
            return f"returned {g}, torch a {w['obj']}"
    return None


def classify(got, exc, want):
    """None if the shim's outcome `got` (exception `exc`) is right against torch's `want`;
    "unsupported" for a clean NotImplementedError where torch succeeds; else a reason."""
    if "hang" in got:
        return "hangs"
    if "hang" in want:
        return None  # torch itself does not return in time: nothing to hold the shim to
    if "raise" in got:
        internal = INTERNAL.search(got["msg"])
        if internal and not ("raise" in want and INTERNAL.search(want["msg"])):
            return f"internal message {got['raise']}: {got['msg'][:120]}"
        if "ok" in want:
            if isinstance(exc, NotImplementedError):
                return "unsupported"
            return f"raises {got['raise']}: {got['msg'][:100]}; torch returns {want['ok'][:2]}"
        wanted = ERROR_TYPES.get(want["base"], Exception)
        if want["raise"] == "AttributeError" and type(exc) is TypeError:
            return None  # torch's Python code trips over the non-Tensor; the shim checks it
        if isinstance(exc, LEAKY) and want["raise"] != got["raise"]:
            return f"leaks {got['raise']}: {got['msg'][:120]}"
        if not isinstance(exc, wanted):
            return (f"raises {got['raise']}: {got['msg'][:100]}; torch raises {want['raise']}: "
                    f"{want['msg'][:80]}")
        if want["raise"] != want["base"] and want["raise"] not in [
                c.__name__ for c in type(exc).__mro__]:
            return f"raises {got['raise']}, torch {want['raise']}: {want['msg'][:80]}"
        return None
    if "raise" in want:
        return f"accepts what torch rejects ({want['raise']}: {want['msg'][:100]})"
    why = same_value(got["ok"], want["ok"])
    return None if why is None else f"wrong result: {why}"


# ---------------------------------------------------------------- golden file, sweep
def real_torch():
    return real_torch_or_none("2.13.")


def _pack(rec):
    """A record as stored: {"ok": leaves}, [type, base or "", message] or {"hang": why}."""
    if "raise" in rec:
        return [rec["raise"], "" if rec["base"] == rec["raise"] else rec["base"], rec["msg"]]
    return rec


def _unpack(x):
    if isinstance(x, list):
        return {"raise": x[0], "base": x[1] or x[0], "msg": x[2]}
    return x


@functools.lru_cache(maxsize=1)
def load_golden():
    """{"torch_version", "functions": ["group:name", ...], "records": {key: record}}."""
    with open(GOLDEN_PATH, encoding="utf-8") as f:
        g = json.load(f)
    records = {f"{fn}({label})": _unpack(r) for fn, calls in g["functions"].items()
               for label, r in calls.items()}
    return {"torch_version": g["torch_version"], "functions": list(g["functions"]),
            "records": records}


def key(group, name, label):
    return f"{group}:{name}({label})"


def record(torch, shim):
    """torch's outcome of every call, as stored: {"group:name": {label: record}}."""
    funcs = {}
    for group, name, f in swept_functions(shim, torch):
        funcs[f"{group}:{name}"] = {label: _pack(outcome(torch, group, name, maker, label)[0])
                                    for label, maker in calls_for(group, name, f)}
    return {"functions": funcs}


def _same_record(a, b):
    if ("ok" in a) != ("ok" in b):
        return False
    if "ok" in a:
        return same_value(a["ok"], b["ok"]) is None
    return a.get("raise") == b.get("raise")


def sweep(groups=None, torch=None):
    """Every (key, reason) failure, the count of unsupported calls, functions and calls."""
    import fungrad.torch as shim
    golden = load_golden()["records"]
    failures, unsupported, nfun, ncall = [], [], 0, 0
    for group, name, f in swept_functions(shim, torch):
        if groups is not None and group not in groups:
            continue
        nfun += 1
        for label, maker in calls_for(group, name, f):
            ncall += 1
            k = key(group, name, label)
            want = golden.get(k)
            alternative = None
            if torch is not None:
                live = outcome(torch, group, name, maker, label)[0]
                if want is not None and not _same_record(live, want):
                    if "ok" in live and "ok" in want:
                        # torch's values differ by CPU (its vectorized kernels: gelu(inf) is nan
                        # with AVX-512 and inf without; noise in ill-conditioned lstsq): the
                        # shim may match either machine's
                        alternative = want
                    else:
                        failures.append((k, "golden_hostile.json is stale (run "
                                            "make_golden_hostile.py)"))
                want = live
            if want is None:
                failures.append((k, "no golden record (run make_golden_hostile.py)"))
                continue
            got, exc = outcome(shim, group, name, maker, label)
            why = classify(got, exc, want)
            if why is not None and alternative is not None and classify(got, exc,
                                                                         alternative) is None:
                why = None
            if why == "unsupported":
                unsupported.append((k, got["msg"]))
            elif why is not None:
                failures.append((k, why))
    return failures, unsupported, nfun, ncall


def known_failures():
    if not KNOWN_FILE.exists():
        return {}
    out = {}
    for line in KNOWN_FILE.read_text().splitlines():
        if line and not line.startswith("#"):
            k, _, why = line.partition(": ")
            out[k] = why
    return out


def test_golden_covers_every_group():
    g = load_golden()
    assert g["torch_version"].startswith("2.13.")
    for group in GROUPS:
        assert sum(k.startswith(group + ":") for k in g["functions"]) > 0, group
    assert len(g["records"]) > 10 * len(g["functions"])


@pytest.mark.parametrize("group", GROUPS)
def test_sweep(group):
    failures, unsupported, nfun, ncall = sweep({group}, real_torch())
    assert nfun > 0 and ncall > nfun
    known = {k for k in known_failures() if k.split(":")[0] == group}
    got = dict(failures)
    new = sorted(k for k in got if k not in known)
    assert not new, "\n".join(f"{k}: {got[k]}" for k in new)
    fixed = sorted(k for k in known if k not in got)
    assert not fixed, ("now behave; remove them from hostile_torch_known_failures.txt (run "
                       "`python tests/torch_shim/test_hostile_torch.py --update`): "
                       + ", ".join(fixed))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    update = "--update" in sys.argv
    verbose = "-v" in sys.argv
    groups = {a for a in sys.argv[1:] if not a.startswith("-")} or None
    failures, unsupported, nfun, ncall = sweep(groups, real_torch())
    for k, why in failures:
        print(f"{k}: {why}")
    if verbose:
        for k, msg in unsupported:
            print(f"unsupported {k}: {msg}")
    print(f"{nfun} functions, {ncall} calls, {len(failures)} failures in "
          f"{len({k.split('(')[0] for k, _ in failures})} functions, {len(unsupported)} "
          f"unsupported (NotImplementedError where torch returns)")
    if update:
        assert groups is None, "--update sweeps every group"
        KNOWN_FILE.write_text(
            "# hostile-input calls of the torch shim that still fail (see "
            "tests/torch_shim/test_hostile_torch.py)\n"
            + "".join(f"{k}: {why.replace(chr(10), ' ')}\n" for k, why in failures))
