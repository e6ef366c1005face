"""torch.utils: data (Dataset, DataLoader, ...), benchmark (Timer), hooks (RemovableHandle)."""
from fungrad.torch.utils import benchmark as benchmark
from fungrad.torch.utils import data as data
from fungrad.torch.utils import hooks as hooks
