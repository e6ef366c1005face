"""Layers import only downward. Every module of fungrad is parsed with `ast`; every import of a
fungrad module, at top level or inside a function, must name a layer at or below its own:

    _core -> _lax -> _interp -> _hop -> _api -> (lax.py, numpy, random, nn, scipy, tree,
    tree_util, flatten_util, extend, debug, ad_checkpoint, config, errors, testing, typing, __init__,
    __main__) -> torch

A new top-level module or package must be given a layer here.
"""
import ast
import pathlib

import pytest

import fungrad

ROOT = pathlib.Path(fungrad.__file__).parent
FACADE = 5
LAYERS = {
    "_core": 0, "_lax": 1, "_interp": 2, "_hop": 3, "_api": 4,
    "lax": FACADE, "numpy": FACADE, "tree_util": FACADE, "errors": FACADE, "testing": FACADE,
    "__init__": FACADE, "__main__": FACADE, "_tour": FACADE,
    "random": FACADE, "nn": FACADE, "scipy": FACADE, "tree": FACADE, "flatten_util": FACADE,
    "extend": FACADE, "debug": FACADE, "ad_checkpoint": FACADE, "config": FACADE,
    "lax_ext": FACADE, "lax_linalg": FACADE, "typing": FACADE, "export": FACADE,
    "torch": 6,
}
NAMES = {v: k for k, v in LAYERS.items()} | {FACADE: "public facade"}


def module_name(path):
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(dotted):
    """The layer of a module `fungrad.x.y` (the package itself is its __init__)."""
    parts = dotted.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top not in LAYERS:
        raise KeyError(f"{dotted}: top-level module {top!r} has no layer; add it to LAYERS in "
                       "tests/test_layering.py")
    return LAYERS[top]


def imported_modules(tree, this):
    """(lineno, absolute module name) for every import of a fungrad module, anywhere in the file."""
    package = this if (ROOT.parent / this.replace(".", "/") / "__init__.py").exists() \
        else this.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "fungrad":
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "fungrad":
                continue
            if mod == "fungrad":  # `from fungrad import numpy`: each name is a module or __init__
                for alias in node.names:
                    sub = ROOT / alias.name
                    named = sub.is_dir() or sub.with_suffix(".py").exists()
                    yield node.lineno, f"fungrad.{alias.name}" if named else "fungrad"
            else:
                yield node.lineno, mod


MODULES = sorted(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)


def test_modules_found():
    names = {module_name(p) for p in MODULES}
    assert {"fungrad._core.trace", "fungrad._lax.arith", "fungrad._api.reverse"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_only_downward(path):
    this = module_name(path)
    mine = layer_of(this)
    tree = ast.parse(path.read_text(), filename=str(path))
    bad = []
    for lineno, mod in imported_modules(tree, this):
        theirs = layer_of(mod)
        if theirs > mine:
            bad.append(f"line {lineno}: imports {mod} (layer {NAMES[theirs]}) from layer "
                       f"{NAMES[mine]}")
    assert not bad, f"{this} imports upward:\n  " + "\n  ".join(bad)


def test_core_imports_nothing_above_it():
    # the strictest rule, stated on its own: layer 0 is self-contained
    for path in (ROOT / "_core").rglob("*.py"):
        this = module_name(path)
        for lineno, mod in imported_modules(ast.parse(path.read_text()), this):
            assert mod.startswith("fungrad._core"), f"{this}:{lineno} imports {mod}"


def test_checker_sees_local_relative_and_package_imports():
    src = ("import numpy\n"
           "from .aval import shaped\n"
           "def f():\n"
           "    from fungrad._api import reverse\n"
           "    import fungrad.numpy as fnp\n"
           "    from fungrad import tree_util, grad\n"
           "    from .. import _lax\n")
    found = [m for _, m in imported_modules(ast.parse(src), "fungrad._core.trace")]
    assert found == ["fungrad._core.aval", "fungrad._api", "fungrad.numpy", "fungrad.tree_util",
                     "fungrad", "fungrad._lax"]
    assert [layer_of(m) for m in found] == [0, 4, FACADE, FACADE, FACADE, 1]


# fungrad.torch is a client of fungrad's public surface: the package, its numpy and lax front
# ends, its exception types, and fungrad.extend (what a library built on fungrad needs)
# fungrad.scipy is public too: torch.special / torch.linalg use its special functions and
# matrix functions (erfinv, gammaln, expm, solve_triangular, ...), whose rules are the core's
TORCH_MAY_IMPORT = ("fungrad", "fungrad.numpy", "fungrad.lax", "fungrad.extend", "fungrad.errors",
                    "fungrad.scipy", "fungrad.scipy.special", "fungrad.scipy.linalg")


@pytest.mark.parametrize("path", [p for p in MODULES if "torch" in p.relative_to(ROOT).parts[:1]],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_torch_uses_only_the_public_surface(path):
    this = module_name(path)
    bad = [f"line {n}: {mod}" for n, mod in imported_modules(ast.parse(path.read_text()), this)
           if not mod.startswith("fungrad.torch") and mod not in TORCH_MAY_IMPORT]
    assert not bad, f"{this} imports private fungrad modules:\n  " + "\n  ".join(bad)



def _module_graph():
    """module -> the fungrad modules it imports anywhere (`from pkg import sub` counts as sub)."""
    files = {module_name(p): p for p in MODULES}
    graph = {}
    for m, path in files.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                for _, mod in imported_modules(ast.Module(body=[node], type_ignores=[]), m):
                    subs = [f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in files]
                    names += subs if len(subs) == len(node.names) else [mod, *subs]
            for d in names:
                while d and d not in files:
                    d = d.rpartition(".")[0]
                if d and d != m:
                    deps.add(d)
        graph[m] = deps
    return graph


def import_cycles(graph):
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        comps.append(sorted(comp))
    return comps


def test_cycle_finder_finds_a_cycle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_torch_engine_has_no_import_circle():
    cycles = [c for c in import_cycles(_module_graph()) if any(m.startswith("fungrad.torch")
                                                               for m in c)]
    assert not cycles, f"import circles: {cycles}"
