"""Pytrees: nested tuples, lists, dicts, None and registered classes, flattened to leaves + a treedef.

Imports: nothing from fungrad.
"""
class _NodeType:
    __slots__ = ("flatten", "unflatten")

    def __init__(self, flatten, unflatten):
        self.flatten = flatten
        self.unflatten = unflatten


_registry = {
    tuple: _NodeType(lambda t: (t, None), lambda _, xs: tuple(xs)),
    list: _NodeType(lambda t: (t, None), lambda _, xs: list(xs)),
    dict: _NodeType(lambda d: (tuple(d[k] for k in sorted(d)), tuple(sorted(d))),
                    lambda keys, xs: dict(zip(keys, xs, strict=True))),
    type(None): _NodeType(lambda _: ((), None), lambda _, __: None),
}


def register_pytree_node(nodetype, flatten_func, unflatten_func):
    """Make `nodetype` a pytree node: flatten_func(x) -> (children, aux); unflatten_func(aux, children) -> x."""
    _registry[nodetype] = _NodeType(flatten_func, unflatten_func)


def _node_type(x):
    t = type(x)
    nt = _registry.get(t)
    if nt is None and isinstance(x, tuple) and hasattr(t, "_fields"):  # namedtuple
        nt = _NodeType(lambda n: (tuple(n), None), lambda _, xs, t=t: t(*xs))
    return nt


def _hashable(aux):
    try:
        hash(aux)
        return aux
    except TypeError:
        return repr(aux)


class PyTreeDef:
    """The structure of a pytree: a node type with aux data and child treedefs, or a leaf (`*`)."""

    __slots__ = ("node", "kind", "aux", "children", "num_leaves", "_hash")

    def __init__(self, node, kind, aux, children):
        self.node = node
        self.kind = kind
        self.aux = aux
        self.children = children
        self.num_leaves = 1 if node is None else sum(c.num_leaves for c in children)
        self._hash = hash((kind, _hashable(aux), children))

    def __eq__(self, other):
        return (isinstance(other, PyTreeDef) and self.kind == other.kind
                and self.aux == other.aux and self.children == other.children)

    def __hash__(self):
        return self._hash

    def __repr__(self):
        return f"PyTreeDef({self._str()})"

    def _str(self):
        if self.node is None:
            return "*"
        inner = ", ".join(c._str() for c in self.children)
        if self.kind is tuple:
            return f"({inner}{',' if len(self.children) == 1 else ''})"
        if self.kind is list:
            return f"[{inner}]"
        if self.kind is dict:
            return "{" + ", ".join(f"{k!r}: {c._str()}" for k, c in zip(self.aux, self.children)) + "}"
        if self.kind is type(None):
            return "None"
        return f"{self.kind.__name__}[{self.aux!r}]({inner})"

    def flatten_up_to(self, tree):
        """Flatten `tree` to the leaves of this structure (a prefix: deeper subtrees stay whole)."""
        out = []

        def go(td, x):
            if td.node is None:
                out.append(x)
                return
            nt = _node_type(x)
            if nt is None or type(x) is not td.kind and not (td.kind is tuple and isinstance(x, tuple)):
                raise ValueError(f"Tree structure mismatch: expected {td!r}, got {type(x).__name__}.")
            children, aux = nt.flatten(x)
            if aux != td.aux or len(children) != len(td.children):
                raise ValueError(f"Tree structure mismatch: expected {td!r}, got {x!r}.")
            for c_td, c in zip(td.children, children):
                go(c_td, c)

        go(self, tree)
        return out

    def unflatten(self, leaves):
        """Rebuild the tree from an iterable of leaves."""
        it = iter(leaves)
        out = self._build(it)
        if next(it, _SENTINEL) is not _SENTINEL:
            raise ValueError(f"Too many leaves for tree structure {self!r}.")
        return out

    def _build(self, it):
        if self.node is None:
            try:
                return next(it)
            except StopIteration:
                raise ValueError(f"Too few leaves for tree structure {self!r}.") from None
        return self.node.unflatten(self.aux, [c._build(it) for c in self.children])


_SENTINEL = object()
LEAF = PyTreeDef(None, None, None, ())


def tree_flatten(tree, is_leaf=None):
    """Return (leaves, treedef). None is a node with no leaves, as in JAX."""
    leaves = []
    treedef = _flatten(tree, leaves, is_leaf)
    return leaves, treedef


def _flatten(x, leaves, is_leaf):
    nt = None if (is_leaf is not None and is_leaf(x)) else _node_type(x)
    if nt is None:
        leaves.append(x)
        return LEAF
    children, aux = nt.flatten(x)
    return PyTreeDef(nt, type(x), aux, tuple(_flatten(c, leaves, is_leaf) for c in children))


def tree_unflatten(treedef, leaves):
    """Inverse of tree_flatten."""
    return treedef.unflatten(leaves)


def tree_leaves(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[1]


def tree_map(f, tree, *rest, is_leaf=None):
    """Apply f leafwise to one or more trees of the same structure."""
    leaves, treedef = tree_flatten(tree, is_leaf)
    others = [treedef.flatten_up_to(r) for r in rest]
    return treedef.unflatten(f(*xs) for xs in zip(leaves, *others, strict=True))


def broadcast_prefix(prefix, tree, is_leaf=None):
    """Expand a prefix tree (e.g. in_axes) to one entry per leaf of `tree`."""
    out = []
    prefix_leaves, prefix_def = tree_flatten(prefix, is_leaf=lambda x: x is None)
    subtrees = prefix_def.flatten_up_to(tree)
    for p, sub in zip(prefix_leaves, subtrees, strict=True):
        out.extend([p] * len(tree_leaves(sub, is_leaf)))
    return out

