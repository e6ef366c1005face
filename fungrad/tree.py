"""The `fungrad.tree` namespace, as `jax.tree`: short names for the fungrad.tree_util functions.

>>> import fungrad as fg
>>> fg.tree.map(lambda x: x * 2, {'a': 1, 'b': (2, None)})
{'a': 2, 'b': (4, None)}
>>> fg.tree.structure({'a': 1, 'b': (2, None)})
PyTreeDef({'a': *, 'b': (*, None)})
"""
from __future__ import annotations

from typing import Any

import dataclasses

from fungrad._core.tree import (
    tree_all as all, tree_broadcast as broadcast, tree_flatten as flatten,
    tree_flatten_with_path as flatten_with_path, tree_leaves as leaves,
    tree_leaves_with_path as leaves_with_path, tree_map as map,
    tree_map_with_path as map_with_path, tree_reduce as reduce,
    tree_reduce_associative as reduce_associative, tree_structure as structure,
    tree_transpose as transpose, tree_unflatten as unflatten)

__all__ = ["all", "broadcast", "flatten", "flatten_with_path", "leaves", "leaves_with_path",
           "map", "map_with_path", "reduce", "reduce_associative", "static", "structure",
           "transpose", "unflatten"]


def static(**kwargs: Any) -> Any:
    """A dataclass field that register_dataclass treats as static (aux data, not a leaf):
    `dataclasses.field(**kwargs)` with `metadata["static"] = True`.

    >>> import dataclasses, fungrad as fg
    >>> @fg.tree_util.register_dataclass
    ... @dataclasses.dataclass
    ... class Op:
    ...     x: float
    ...     kind: str = fg.tree.static(default="add")
    >>> fg.tree.structure(Op(1.0))
    PyTreeDef(CustomNode(Op[('add',)], [*]))
    """
    metadata = dict(kwargs.pop("metadata", None) or {})
    metadata["static"] = True
    return dataclasses.field(metadata=metadata, **kwargs)

__dir__ = __all__.copy  # dir() lists the public names only
