"""The examples in the public API's docstrings run and print what they claim, and every public
function has one: enforced for the modules listed in COMPLETE, counted (and printed) for the rest."""
import doctest
import importlib
import inspect
import types

import numpy as np
import pytest

# modules whose docstring examples run (the transforms' implementation modules carry most of them)
MODULES = ["fungrad._api.reverse", "fungrad._api.forward", "fungrad._api.vmap",
           "fungrad._api.jacobian", "fungrad._api.staging", "fungrad._api.jit", "fungrad.extend",
           "fungrad.typing"]

# public modules, each with the functions it exports checked for a `>>>` example
PUBLIC = ["fungrad", "fungrad.numpy", "fungrad.numpy.linalg", "fungrad.numpy.fft", "fungrad.lax",
          "fungrad.random", "fungrad.nn", "fungrad.nn.initializers", "fungrad.tree_util", "fungrad.tree",
          "fungrad.flatten_util", "fungrad.debug", "fungrad.ad_checkpoint", "fungrad.scipy.linalg",
          "fungrad.scipy.special", "fungrad.scipy.stats", "fungrad.scipy.optimize",
          "fungrad.scipy.integrate", "fungrad.scipy.signal", "fungrad.testing", "fungrad.extend"]
# every public function of these has an example (the coverage test fails on a missing one)
COMPLETE = {"fungrad", "fungrad.random", "fungrad.nn", "fungrad.nn.initializers",
            "fungrad.tree_util", "fungrad.tree",
            "fungrad.flatten_util", "fungrad.debug", "fungrad.ad_checkpoint", "fungrad.testing",
            "fungrad.numpy", "fungrad.numpy.linalg", "fungrad.numpy.fft", "fungrad.lax",
            "fungrad.scipy.linalg", "fungrad.scipy.special", "fungrad.scipy.stats",
            "fungrad.scipy.optimize", "fungrad.scipy.integrate", "fungrad.scipy.signal",
            "fungrad.extend"}


def public_functions(name):
    """(qualified name, object) of the functions (and callable instances such as custom_jvp
    wrappers) a module exports; classes and submodules are not counted."""
    module = importlib.import_module(name)
    out = []
    for attr in module.__all__:
        obj = getattr(module, attr)
        if isinstance(obj, types.SimpleNamespace):  # a scipy.stats distribution: its functions
            out.extend((f"{name}.{attr}.{m}", f) for m, f in sorted(vars(obj).items())
                       if callable(f) and (getattr(f, "__module__", None) or "").startswith(
                           "fungrad"))
            continue
        if isinstance(obj, (type, types.ModuleType)) or not callable(obj):
            continue
        if not (getattr(obj, "__module__", None) or "").startswith("fungrad"):
            continue
        out.append((f"{name}.{attr}", obj))
    return out


def has_example(obj):
    return ">>>" in (inspect.getdoc(obj) or "")


# numpy's default print options, which the examples' outputs are written in (a module that sets
# its own at import, as fungrad._tour does, must not change what the examples print)
PRINT_DEFAULTS = dict(edgeitems=3, threshold=1000, floatmode="maxprec", precision=8,
                      suppress=False, linewidth=75, nanstr="nan", infstr="inf", sign="-",
                      formatter=None, legacy=False)


def run_examples(obj, name):
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(
        optionflags=doctest.NORMALIZE_WHITESPACE)
    with np.printoptions(**PRINT_DEFAULTS):
        for test in finder.find(obj, name, globs={}):
            runner.run(test)
    return runner.summarize(verbose=False)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    with np.printoptions(**PRINT_DEFAULTS):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no docstring examples"
    assert result.failed == 0


@pytest.mark.parametrize("name", PUBLIC)
def test_public_examples_run(name):
    """Every example reachable from a public module's functions runs, wherever it is defined."""
    failed = attempted = 0
    for qualname, obj in public_functions(name):
        if has_example(obj):
            result = run_examples(obj, qualname)
            failed, attempted = failed + result.failed, attempted + result.attempted
    assert failed == 0, f"{failed} of {attempted} examples under {name} failed"


def test_every_public_function_has_an_example(capsys):
    missing, total = {}, {}
    for name in PUBLIC:
        fns = public_functions(name)
        total[name] = len(fns)
        missing[name] = [q for q, obj in fns if not has_example(obj)]
    with capsys.disabled():
        have = sum(total.values()) - sum(map(len, missing.values()))
        print(f"\ndocstring examples: {have} of {sum(total.values())} public functions")
        for name in PUBLIC:
            print(f"  {name}: {total[name] - len(missing[name])} of {total[name]}")
    for name in COMPLETE:
        assert not missing[name], f"{name}: functions without a >>> example: {missing[name]}"

