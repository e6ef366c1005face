"""Public pytree utilities (re-exported from the core)."""
from fungrad._core.tree import (
    PyTreeDef as PyTreeDef, register_pytree_node as register_pytree_node,
    tree_flatten as tree_flatten, tree_leaves as tree_leaves, tree_map as tree_map,
    tree_structure as tree_structure, tree_unflatten as tree_unflatten)
