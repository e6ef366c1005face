"""Make ``import torch`` (and torch.nn, torch.func, torch.optim, ..., and ``functorch``) resolve to
fungrad.torch in this process: ``fungrad.torch.install()``, or ``python -m fungrad.torch
script.py``. Nothing is aliased until install() runs.

Limits: a name resolves only if fungrad.torch has that module (``torch.distributed``, ``torch.jit``,
C extensions and CUDA are absent); ``torch`` must not be imported before install() (the real
package would already be bound).
"""
import importlib
import importlib.abc
import importlib.util
import sys

__all__ = ["install", "uninstall", "installed"]

_ALIASES = {"torch": "fungrad.torch", "functorch": "fungrad.torch.func"}


def _target(name):
    for alias, real in _ALIASES.items():
        if name == alias:
            return real
        if name.startswith(alias + "."):
            return real + name[len(alias):]
    return None


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves torch.* / functorch.* to the fungrad.torch module of the same path."""

    def find_spec(self, name, path=None, target=None):
        real = _target(name)
        if real is None:
            return None
        try:
            real_spec = importlib.util.find_spec(real)
        except (ImportError, ValueError):
            real_spec = None
        if real_spec is None and real not in sys.modules:
            mod = sys.modules.get(real.rpartition(".")[0])
            if mod is None or not hasattr(mod, real.rpartition(".")[2]):
                return None
        spec = importlib.util.spec_from_loader(name, _RealSpecLoader(real))
        return spec


class _RealSpecLoader(importlib.abc.Loader):
    def __init__(self, real):
        self.real = real

    def create_module(self, spec):
        if self.real in sys.modules:
            mod = sys.modules[self.real]
        else:
            try:
                mod = importlib.import_module(self.real)
            except ModuleNotFoundError:
                parent, _, attr = self.real.rpartition(".")
                mod = getattr(importlib.import_module(parent), attr)
        self._saved = getattr(mod, "__spec__", None)
        return mod

    def exec_module(self, module):
        if getattr(self, "_saved", None) is not None:
            module.__spec__ = self._saved


_FINDER = _AliasFinder()


def installed():
    return _FINDER in sys.meta_path


def install():
    """Routes ``import torch`` / ``functorch`` to fungrad.torch for the rest of this process."""
    real = sys.modules.get("torch")
    if real is not None and not getattr(real, "__name__", "").startswith("fungrad"):
        raise RuntimeError("fungrad.torch.install(): the real torch is already imported in this "
                           "process; call install() before the first `import torch`")
    if not installed():
        sys.meta_path.insert(0, _FINDER)
    ft = sys.modules["fungrad.torch"]  # the package that exposes install(): already imported
    sys.modules["torch"] = ft
    return ft


def uninstall():
    """Removes the aliases (modules already imported under torch.* names are dropped)."""
    if installed():
        sys.meta_path.remove(_FINDER)
    for k in [k for k in sys.modules if _target(k) is not None]:
        if getattr(sys.modules[k], "__name__", "").startswith("fungrad"):
            del sys.modules[k]
