"""torch.utils.data: datasets, samplers, DataLoader (single process) and default_collate."""
from fungrad.torch.utils.data._data import (
    BatchSampler as BatchSampler, ChainDataset as ChainDataset, ConcatDataset as ConcatDataset,
    DataLoader as DataLoader, Dataset as Dataset, IterableDataset as IterableDataset,
    RandomSampler as RandomSampler, Sampler as Sampler, SequentialSampler as SequentialSampler,
    Subset as Subset, SubsetRandomSampler as SubsetRandomSampler, TensorDataset as TensorDataset,
    WeightedRandomSampler as WeightedRandomSampler, default_collate as default_collate,
    default_convert as default_convert, get_worker_info as get_worker_info,
    random_split as random_split, StackDataset as StackDataset)

__all__ = [
    "BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset",
    "RandomSampler", "Sampler", "SequentialSampler", "StackDataset", "Subset", "SubsetRandomSampler",
    "TensorDataset", "WeightedRandomSampler", "default_collate", "default_convert", "get_worker_info",
    "random_split"]
__dir__ = __all__.copy  # dir() lists the public names only
