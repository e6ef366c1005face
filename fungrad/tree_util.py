"""Pytree utilities, as jax.tree_util: flatten/unflatten, tree_map and friends, key paths,
registration of custom nodes (classes, dataclasses, static values) and Partial.

The machinery lives in fungrad._core.tree (the transforms use it); this module is its public face.
"""
from fungrad._core.tree import (
    DictKey as DictKey, FlattenedIndexKey as FlattenedIndexKey, GetAttrKey as GetAttrKey,
    Partial as Partial, PyTreeDef as PyTreeDef, SequenceKey as SequenceKey,
    TreeCycleError as TreeCycleError, TreeKeyError as TreeKeyError,
    TreeStructureError as TreeStructureError, all_leaves as all_leaves, keystr as keystr,
    register_dataclass as register_dataclass, register_pytree_node as register_pytree_node,
    register_pytree_node_class as register_pytree_node_class,
    register_pytree_with_keys as register_pytree_with_keys,
    register_pytree_with_keys_class as register_pytree_with_keys_class,
    register_static as register_static, tree_all as tree_all,
    flatten_one_level as flatten_one_level,
    flatten_one_level_with_keys as flatten_one_level_with_keys, is_tree_node as is_tree_node,
    tree_reduce_associative as tree_reduce_associative, tree_broadcast as tree_broadcast,
    tree_flatten as tree_flatten, tree_flatten_with_path as tree_flatten_with_path,
    tree_leaves as tree_leaves, tree_leaves_with_path as tree_leaves_with_path,
    tree_map as tree_map, tree_map_with_path as tree_map_with_path, tree_reduce as tree_reduce,
    tree_structure as tree_structure, tree_transpose as tree_transpose,
    tree_unflatten as tree_unflatten, treedef_children as treedef_children,
    treedef_is_leaf as treedef_is_leaf, treedef_tuple as treedef_tuple)

KeyEntry = DictKey | SequenceKey | GetAttrKey | FlattenedIndexKey
"""The type of one entry of a key path (user key types from flatten_with_keys are also allowed)."""
KeyPath = tuple
"""A key path: a tuple of key entries, root first."""

__all__ = [
    "DictKey", "FlattenedIndexKey", "GetAttrKey", "KeyEntry", "KeyPath", "Partial", "PyTreeDef",
    "SequenceKey", "TreeCycleError", "TreeKeyError", "TreeStructureError", "all_leaves",
    "flatten_one_level", "flatten_one_level_with_keys", "is_tree_node", "keystr", "register_dataclass",
    "register_pytree_node", "register_pytree_node_class", "register_pytree_with_keys",
    "register_pytree_with_keys_class", "register_static", "tree_all", "tree_broadcast", "tree_flatten",
    "tree_flatten_with_path", "tree_leaves", "tree_leaves_with_path", "tree_map", "tree_map_with_path",
    "tree_reduce", "tree_reduce_associative", "tree_structure", "tree_transpose", "tree_unflatten",
    "treedef_children", "treedef_is_leaf", "treedef_tuple"]
__dir__ = __all__.copy  # dir() lists the public names only
