"""Every public module names its public API in `__all__`, `dir()` lists exactly those names, and
each one resolves; fungrad.numpy holds numpy's / jax.numpy's public names only."""
import importlib
import pkgutil
import types

import numpy as np
import pytest

import fungrad

# modules that are not namespaces of their own, with the reason
NOT_NAMESPACES = {
    # the implementation of fungrad.lax (its names are fungrad.lax's; __all__ = [] on purpose)
    "fungrad.lax_ext",
    # fungrad.numpy's implementation modules: importable, but deleted from its namespace; each
    # has the __all__ that fungrad.numpy is built from
    *(f"fungrad.numpy.{m}" for m in
      ("creation", "indexing", "logic", "numeric", "reductions", "shape", "sorting", "ufuncs")),
}


def public_modules():
    names = ["fungrad"]
    for info in pkgutil.walk_packages(fungrad.__path__, "fungrad."):
        parts = info.name.split(".")
        if info.name.endswith("__main__") or any(p.startswith("_") for p in parts[1:]):
            continue
        names.append(info.name)
    return [n for n in names if n not in NOT_NAMESPACES]


PUBLIC = public_modules()


def test_the_walk_finds_the_documented_modules():
    for name in ["fungrad", "fungrad.numpy", "fungrad.numpy.linalg", "fungrad.numpy.fft", "fungrad.lax",
                 "fungrad.random", "fungrad.nn", "fungrad.nn.initializers", "fungrad.scipy.stats",
                 "fungrad.tree_util", "fungrad.flatten_util", "fungrad.debug", "fungrad.ad_checkpoint",
                 "fungrad.extend", "fungrad.errors", "fungrad.testing", "fungrad.torch",
                 "fungrad.torch.nn", "fungrad.torch.optim", "fungrad.torch.func",
                 "fungrad.torch.autograd", "fungrad.torch.utils.data"]:
        assert name in PUBLIC
    assert len(PUBLIC) > 60


@pytest.mark.parametrize("name", PUBLIC)
def test_dir_is_all_and_every_name_resolves(name):
    module = importlib.import_module(name)
    public = getattr(module, "__all__", None)
    assert isinstance(public, list), f"{name} has no __all__"
    assert len(set(public)) == len(public), f"{name}.__all__ repeats a name"
    assert sorted(dir(module)) == sorted(public)
    for attr in public:
        value = getattr(module, attr)   # resolves
        if isinstance(value, types.ModuleType):   # a submodule, not a helper import such as np
            assert value.__name__.startswith("fungrad."), (name, attr, value.__name__)
    star = {}
    exec(f"from {name} import *", star)
    assert set(star) - {"__builtins__"} == set(public)


def test_numpy_namespace_holds_numpy_names_only():
    jnp = pytest.importorskip("jax.numpy")
    import fungrad.numpy as fnp
    names = set(dir(fnp))
    assert not names & {"np", "lax", "promote", "string", "builtins", "collections", "functools",
                        "creation", "indexing", "reductions", "ufuncs", "Tracer", "get_aval"}
    assert names <= set(dir(np)) | set(dir(jnp))
    assert {"linalg", "fft", "sum", "shape", "einsum"} <= names


def test_helper_names_stay_reachable_but_unlisted():
    # hiding a name from dir() does not remove it: the functions of the module still use it
    import fungrad.numpy.linalg as la
    assert la.np is np and "np" not in dir(la)
