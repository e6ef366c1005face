"""torch.utils: data (Dataset, DataLoader, ...), benchmark (Timer), hooks (RemovableHandle)."""
from fungrad.torch.utils import benchmark as benchmark
from fungrad.torch.utils import data as data
from fungrad.torch.utils import hooks as hooks

__all__ = [
    "benchmark", "data", "hooks"]
__dir__ = __all__.copy  # dir() lists the public names only
