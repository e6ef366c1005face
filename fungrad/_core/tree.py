"""Pytrees: nested containers flattened to a list of leaves and a treedef, as in JAX.

Nodes: tuple, list, dict (flattened in sorted-key order), None (a node with no children),
namedtuples (any tuple subclass with `_fields`), OrderedDict (insertion order), defaultdict
(keeps its default_factory) and registered classes (register_pytree_node and friends,
register_dataclass, register_static). Subclasses of the builtins are leaves unless registered.

A PyTreeDef is a flat tuple of node entries in post-order (children before their parent, the
root last), as in JAX's C++ PyTreeDef: equality and hashing are tuple operations, unflatten is
one loop, and nothing recurses, so trees nested deeper than Python's recursion limit work.
Each entry is None (a leaf) or (node type, aux data, number of children).

flatten runs recursively (the fastest form in CPython) and, when a tree is deeper than the
recursion limit allows, restarts as an explicit-stack walk that tracks the containers on the
current path, so a cyclic structure (a list containing itself) raises a clear error.

Imports: _core.errors.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:  # annotations only (the typing module imports the tracer, which imports this)
    from fungrad._core.typing import Fun, PyTree
import collections
import dataclasses
import functools

from fungrad._core.errors import FungradError


class TreeStructureError(FungradError, ValueError):
    """Two pytrees that must have the same structure (or a prefix of it) do not."""


class TreeKeyError(FungradError, TypeError, ValueError):
    """A dict in a pytree has keys that cannot be sorted (mixed, unorderable key types).

    JAX raises ValueError here; the cause is a TypeError from comparing keys, so both match."""


class TreeCycleError(FungradError, ValueError):
    """A pytree contains itself (a list appended to itself, ...)."""


# ---------------------------------------------------------------- key paths


class _Key:
    __slots__ = ()

    def __eq__(self, other):
        return type(other) is type(self) and self._value() == other._value()

    def __hash__(self):
        return hash((type(self).__name__, self._value()))

    def __setattr__(self, name, value):
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


class DictKey(_Key):
    """The key of a dict entry in a key path: str() is `['a']`."""

    __slots__ = ("key",)
    __match_args__ = ("key",)

    def __init__(self, key):
        object.__setattr__(self, "key", key)

    def _value(self):
        return self.key

    def __repr__(self):
        return f"DictKey(key={self.key!r})"

    def __str__(self):
        return f"[{self.key!r}]"


class SequenceKey(_Key):
    """The index of a tuple or list entry in a key path: str() is `[0]`."""

    __slots__ = ("idx",)
    __match_args__ = ("idx",)

    def __init__(self, idx):
        object.__setattr__(self, "idx", idx)

    def _value(self):
        return self.idx

    def __repr__(self):
        return f"SequenceKey(idx={self.idx!r})"

    def __str__(self):
        return f"[{self.idx!r}]"


class GetAttrKey(_Key):
    """The attribute of a namedtuple or dataclass field in a key path: str() is `.name`."""

    __slots__ = ("name",)
    __match_args__ = ("name",)

    def __init__(self, name):
        object.__setattr__(self, "name", name)

    def _value(self):
        return self.name

    def __repr__(self):
        return f"GetAttrKey(name={self.name!r})"

    def __str__(self):
        return f".{self.name}"


class FlattenedIndexKey(_Key):
    """The position of a child of a node registered without keys: str() is `[<flat index 0>]`."""

    __slots__ = ("key",)
    __match_args__ = ("key",)

    def __init__(self, key):
        object.__setattr__(self, "key", key)

    def _value(self):
        return self.key

    def __repr__(self):
        return f"FlattenedIndexKey(key={self.key!r})"

    def __str__(self):
        return f"[<flat index {self.key}>]"


def keystr(keys: Sequence[Any], *, simple: bool = False, separator: str = "") -> Any:
    """A key path as text: `"['a'][0].b"`; with simple=True only the keys, joined by `separator`
    (`keystr(path, simple=True, separator='/')` gives `'a/0/b'`).

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> path, _ = fg.tree_util.tree_flatten_with_path(tree)[0][1]
    >>> fg.tree_util.keystr(path)
    "['b'][0]"
    """
    if simple:
        return separator.join(str(_simple(k)) for k in keys)
    return separator.join(str(k) for k in keys)


def _simple(k):
    for attr in ("key", "idx", "name"):
        if hasattr(k, attr):
            return getattr(k, attr)
    return k


# ---------------------------------------------------------------- node registry


class _NodeType:
    """How to take a node apart and put it back together. `flatten(x) -> (children, aux)`,
    `unflatten(aux, children) -> x`, `flatten_with_keys(x) -> ([(key, child), ...], aux)`."""

    __slots__ = ("kind", "flatten", "unflatten", "flatten_with_keys", "name")

    def __init__(self, kind, flatten, unflatten, flatten_with_keys=None, name=None):
        self.kind = kind
        self.flatten = flatten
        self.unflatten = unflatten
        self.flatten_with_keys = flatten_with_keys or self._indexed
        self.name = name or kind.__name__

    def _indexed(self, x):
        children, aux = self.flatten(x)
        return [(FlattenedIndexKey(i), c) for i, c in enumerate(children)], aux

    def __repr__(self):
        return f"<pytree node {self.name}>"


def _sorted_keys(d):
    try:
        return tuple(sorted(d))
    except TypeError as e:
        kinds = sorted({type(k).__name__ for k in d})
        raise TreeKeyError(
            f"pytree dict keys are flattened in sorted order, but the keys of this dict cannot "
            f"be sorted: they have the types {', '.join(kinds)} ({e}). Keys: "
            f"{_short(list(d))}. Fix: use keys of one type (e.g. all str), or a "
            "collections.OrderedDict, which flattens in insertion order.") from e


def _short(x, n=120):
    s = repr(x)
    return s if len(s) <= n else s[:n - 3] + "..."


def _seq_keys(x):
    return [(SequenceKey(i), c) for i, c in enumerate(x)], None


def _dict_flatten(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], keys


def _dict_keys(d):
    keys = _sorted_keys(d)
    return [(DictKey(k), d[k]) for k in keys], keys


def _odict_flatten(d):
    keys = tuple(d)
    return [d[k] for k in keys], keys


def _odict_keys(d):
    keys = tuple(d)
    return [(DictKey(k), d[k]) for k in keys], keys


def _ddict_flatten(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], (d.default_factory, keys)


def _ddict_keys(d):
    keys = _sorted_keys(d)
    return [(DictKey(k), d[k]) for k in keys], (d.default_factory, keys)


def _ddict_unflatten(aux, children):
    factory, keys = aux
    return collections.defaultdict(factory, zip(keys, children, strict=True))


_TUPLE = _NodeType(tuple, lambda t: (t, None), lambda _, xs: tuple(xs), _seq_keys)
_LIST = _NodeType(list, lambda t: (t, None), lambda _, xs: list(xs), _seq_keys)
_DICT = _NodeType(dict, _dict_flatten, lambda keys, xs: dict(zip(keys, xs, strict=True)),
                  _dict_keys)
_NONE = _NodeType(type(None), lambda _: ((), None), lambda _, __: None, lambda _: ((), None),
                  "None")
_ODICT = _NodeType(collections.OrderedDict, _odict_flatten,
                   lambda keys, xs: collections.OrderedDict(zip(keys, xs, strict=True)),
                   _odict_keys)
_DDICT = _NodeType(collections.defaultdict, _ddict_flatten, _ddict_unflatten, _ddict_keys)

_BUILTINS = (tuple, list, dict, type(None), collections.OrderedDict, collections.defaultdict)
_registry = {nt.kind: nt for nt in (_TUPLE, _LIST, _DICT, _NONE, _ODICT, _DDICT)}
_namedtuples = {}


def _namedtuple_node(t):
    nt = _namedtuples.get(t)
    if nt is None:
        fields = t._fields
        nt = _NodeType(t, lambda n: (tuple(n), None), lambda _, xs: t(*xs),
                       lambda n: ([(GetAttrKey(f), c) for f, c in zip(fields, n)], None),
                       "namedtuple")
        _namedtuples[t] = nt
    return nt


def _node_type(x):
    """The node type of `x`, or None for a leaf."""
    t = type(x)
    nt = _registry.get(t)
    if nt is None and isinstance(x, tuple) and hasattr(t, "_fields"):
        nt = _namedtuple_node(t)
    return nt


def _check_new(nodetype, who):
    if not isinstance(nodetype, type):
        raise TypeError(f"{who}: nodetype must be a class, got {nodetype!r} of type "
                        f"{type(nodetype).__name__}.")
    if nodetype in _registry:
        raise ValueError(f"{who}: duplicate pytree node registration for {nodetype!r}; it is "
                         "already a pytree node. Fix: register each class once (at import "
                         "time, not inside a function that runs repeatedly).")


def register_pytree_node(nodetype: type, flatten_func: Fun, unflatten_func: Fun,
                         flatten_with_keys_func: Fun | None = None) -> Any:
    """Make `nodetype` a pytree node: `flatten_func(x) -> (children, aux)`,
    `unflatten_func(aux, children) -> x`; optionally `flatten_with_keys_func(x) ->
    ([(key, child), ...], aux)` for key paths (otherwise FlattenedIndexKey(i)).

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> class Pair:
    ...     def __init__(self, x, y):
    ...         self.x, self.y = x, y
    >>> fg.tree_util.register_pytree_node(Pair, lambda p: ((p.x, p.y), None), lambda _, c: Pair(*c))
    >>> fg.tree_util.tree_leaves(Pair(1.0, 2.0))
    [1.0, 2.0]
    """
    _check_new(nodetype, "register_pytree_node")
    _registry[nodetype] = _NodeType(nodetype, flatten_func, unflatten_func,
                                    flatten_with_keys_func)


def register_pytree_with_keys(nodetype: type, flatten_with_keys: Fun, unflatten_func: Fun,
                              flatten_func: Fun | None = None) -> Any:
    """Register `nodetype` with a keyed flatten: `flatten_with_keys(x) -> ([(key, child), ...],
    aux)`. `flatten_func` (without keys) is derived from it when not given.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> class Box:
    ...     def __init__(self, v):
    ...         self.v = v
    >>> flatten = lambda b: (((fg.tree_util.GetAttrKey('v'), b.v),), None)
    >>> fg.tree_util.register_pytree_with_keys(Box, flatten, lambda _, c: Box(*c))
    >>> [fg.tree_util.keystr(p) for p, _ in fg.tree_util.tree_leaves_with_path(Box(1.0))]
    ['.v']
    """
    _check_new(nodetype, "register_pytree_with_keys")
    if flatten_func is None:
        def flatten_func(x):
            pairs, aux = flatten_with_keys(x)
            return [c for _, c in pairs], aux
    _registry[nodetype] = _NodeType(nodetype, flatten_func, unflatten_func, flatten_with_keys)


def register_pytree_node_class(cls: type) -> type:
    """Class decorator: `cls.tree_flatten(self) -> (children, aux)` and the classmethod
    `cls.tree_unflatten(aux, children)` make it a pytree node. Returns `cls`.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> @fg.tree_util.register_pytree_node_class
    ... class Pair:
    ...     def __init__(self, x, y):
    ...         self.x, self.y = x, y
    ...     def tree_flatten(self):
    ...         return (self.x, self.y), None
    ...     @classmethod
    ...     def tree_unflatten(cls, aux, children):
    ...         return cls(*children)
    >>> fg.tree_util.tree_map(lambda v: v + 1, Pair(1.0, 2.0)).y
    3.0
    """
    register_pytree_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)
    return cls


def register_pytree_with_keys_class(cls: type) -> type:
    """Class decorator: `tree_flatten_with_keys(self)` and the classmethod `tree_unflatten`
    (and optionally `tree_flatten(self)`) make `cls` a pytree node with keys. Returns `cls`.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> @fg.tree_util.register_pytree_with_keys_class
    ... class Box:
    ...     def __init__(self, v):
    ...         self.v = v
    ...     def tree_flatten_with_keys(self):
    ...         return ((fg.tree_util.GetAttrKey('v'), self.v),), None
    ...     @classmethod
    ...     def tree_unflatten(cls, aux, children):
    ...         return cls(*children)
    >>> [fg.tree_util.keystr(p) for p, _ in fg.tree_util.tree_leaves_with_path(Box(1.0))]
    ['.v']
    """
    flat = (lambda x: x.tree_flatten()) if hasattr(cls, "tree_flatten") else None
    register_pytree_with_keys(cls, lambda x: x.tree_flatten_with_keys(), cls.tree_unflatten,
                              flat)
    return cls


def register_static(cls: type) -> type:
    """Make instances of `cls` pytree nodes without children: the object itself is the node's
    aux data (so it must be hashable), e.g. for configuration objects passed through jit/vmap.
    Usable as a decorator; returns `cls`.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> @fg.tree_util.register_static
    ... class Config:
    ...     pass
    >>> fg.tree_util.tree_leaves([Config(), 1.0])
    [1.0]
    """
    _check_new(cls, "register_static")
    _registry[cls] = _NodeType(cls, lambda x: ((), x), lambda x, _: x, lambda x: ((), x))
    return cls


def register_dataclass(nodetype: type, data_fields: Sequence[str] | None = None,
                       meta_fields: Sequence[str] | None = None, drop_fields: Sequence[str] = ()) -> Any:
    """Make a dataclass (or any class whose `__init__` takes the named fields) a pytree node.

    `data_fields` are children (arrays; transformed), `meta_fields` are aux data (static,
    hashable). For a dataclass both may be omitted: fields declared with
    `dataclasses.field(metadata=dict(static=True))` are meta, the others data. Fields with
    `init=False` are not passed back to `__init__` (list them in `drop_fields` when you give
    the fields explicitly). Usable as a decorator; returns `nodetype`. Unflattening calls
    `nodetype(**fields)`, so `__post_init__` runs, as in JAX.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> import dataclasses
    >>> @fg.tree_util.register_dataclass
    ... @dataclasses.dataclass
    ... class Point:
    ...     x: float
    ...     y: float
    >>> fg.tree_util.tree_leaves(Point(1.0, 2.0))
    [1.0, 2.0]
    """
    if data_fields is None and meta_fields is None:
        if not dataclasses.is_dataclass(nodetype):
            raise TypeError(
                "register_dataclass: data_fields and meta_fields are required when nodetype "
                f"is not a dataclass. Got nodetype={nodetype!r}. Fix: decorate the class with "
                "@dataclasses.dataclass first, or pass data_fields=[...] and meta_fields=[...].")
        fs = [f for f in dataclasses.fields(nodetype) if f.init]
        meta_fields = [f.name for f in fs if f.metadata.get("static", False)]
        data_fields = [f.name for f in fs if not f.metadata.get("static", False)]
    elif data_fields is None or meta_fields is None:
        raise TypeError(
            "register_dataclass: data_fields and meta_fields must both be specified when "
            f"either is specified. Got data_fields={data_fields!r} meta_fields={meta_fields!r}. "
            "Fix: pass both (meta_fields=[] when there are none), or neither for a dataclass.")
    else:
        data_fields, meta_fields = list(data_fields), list(meta_fields)
        if dataclasses.is_dataclass(nodetype):
            init = {f.name for f in dataclasses.fields(nodetype) if f.init}
            given = set(data_fields) | set(meta_fields)
            missing = init - given - set(drop_fields)
            unexpected = given - init
            if missing or unexpected:
                msg = ("register_dataclass: data_fields and meta_fields must include all "
                       "dataclass fields with init=True and only them.")
                if missing:
                    msg += (f" Missing fields: {sorted(missing)}. Add them to drop_fields to "
                            "suppress this error.")
                if unexpected:
                    msg += f" Unexpected fields: {sorted(unexpected)}."
                raise ValueError(msg)
    data, meta = tuple(data_fields), tuple(meta_fields)

    def flatten(x):
        return [getattr(x, n) for n in data], tuple(getattr(x, n) for n in meta)

    def flatten_with_keys(x):
        return ([(GetAttrKey(n), getattr(x, n)) for n in data],
                tuple(getattr(x, n) for n in meta))

    def unflatten(aux, children):
        return nodetype(**dict(zip(data, children, strict=True)),
                        **dict(zip(meta, aux, strict=True)))

    _check_new(nodetype, "register_dataclass")
    _registry[nodetype] = _NodeType(nodetype, flatten, unflatten, flatten_with_keys)
    return nodetype


class Partial(functools.partial):
    """functools.partial that is a pytree: the positional and keyword arguments are children,
    the function is aux data, so a Partial can be passed to and returned from transforms.

    >>> Partial(max, 1)(2)
    2
    """


register_pytree_node(
    Partial, lambda p: ((p.args, p.keywords), p.func),
    lambda func, xs: Partial(func, *xs[0], **xs[1]))


# ---------------------------------------------------------------- treedef


class _Children(tuple):
    """A treedef's child treedefs. Call it for JAX's `treedef.children()` (a list); fungrad's
    internal code uses it as the tuple itself."""

    __slots__ = ()

    def __call__(self):
        return list(self)


class PyTreeDef:
    """The structure of a pytree. Compare with `==`, hash it, rebuild a tree with
    `unflatten(leaves)`; `num_leaves`, `num_nodes`, `children()`, `node_data()`,
    `flatten_up_to(tree)`, `compose(inner)` as in JAX."""

    __slots__ = ("_nodes", "num_leaves", "_hash", "_children")

    def __init__(self, nodes, num_leaves):
        self._nodes = nodes
        self.num_leaves = num_leaves
        self._hash = None
        self._children = None

    # -- identity
    def __eq__(self, other):
        if not isinstance(other, PyTreeDef):
            return NotImplemented
        if self._nodes is other._nodes:
            return True
        if self.num_leaves != other.num_leaves or len(self._nodes) != len(other._nodes):
            return False
        try:
            return self._nodes == other._nodes
        except (ValueError, TypeError):  # aux data whose == is not a bool (arrays)
            return all(_entry_equal(a, b) for a, b in zip(self._nodes, other._nodes))

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        h = self._hash
        if h is None:
            try:
                h = hash(self._nodes)
            except TypeError:  # unhashable aux data: hash its repr instead
                h = hash(tuple(e if e is None else (e[0], _hashable(e[1]), e[2])
                               for e in self._nodes))
            self._hash = h
        return h

    # -- the root node (fungrad's internal code reads these)
    @property
    def node(self):
        """The root's node type, or None when this treedef is a single leaf."""
        e = self._nodes[-1]
        return None if e is None else e[0]

    @property
    def kind(self):
        """The root's Python type (tuple, dict, a namedtuple class, ...), or None for a leaf."""
        e = self._nodes[-1]
        return None if e is None else e[0].kind

    @property
    def aux(self):
        """The root's aux data (sorted keys for a dict), or None."""
        e = self._nodes[-1]
        return None if e is None else e[1]

    @property
    def num_nodes(self):
        """The number of nodes, leaves included (JAX's count)."""
        return len(self._nodes)

    @property
    def children(self):
        """The root's child treedefs: `treedef.children()` gives a list, as in JAX."""
        c = self._children
        if c is None:
            c = self._children = _Children(self._child_defs())
        return c

    def _child_defs(self):
        nodes = self._nodes
        e = nodes[-1]
        if e is None:
            return []
        # walk the subtrees right to left: each one's size is found by counting down arities
        out = []
        end = len(nodes) - 1
        for _ in range(e[2]):
            start, need = end - 1, 1
            while True:
                entry = nodes[start]
                need += -1 if entry is None else entry[2] - 1
                if need == 0:
                    break
                start -= 1
            sub = nodes[start:end]
            out.append(PyTreeDef(sub, sum(1 for s in sub if s is None)))
            end = start
        out.reverse()
        return out

    def node_data(self):
        """(type, aux data) of the root (dict keys as a list, as JAX), or None for a leaf."""
        e = self._nodes[-1]
        if e is None:
            return None
        aux = e[1]
        if e[0] is _DICT:
            aux = list(aux)
        return e[0].kind, aux

    # -- printing
    def __repr__(self):
        return f"PyTreeDef({self._str()})"

    def __str__(self):
        return self.__repr__()

    def _str(self):
        stack = []
        for e in self._nodes:
            if e is None:
                stack.append("*")
                continue
            nt, aux, n = e
            kids = stack[len(stack) - n:] if n else []
            del stack[len(stack) - n:]
            if nt is _TUPLE:
                s = f"({', '.join(kids)}{',' if n == 1 else ''})"
            elif nt is _LIST:
                s = f"[{', '.join(kids)}]"
            elif nt is _DICT:
                s = "{" + ", ".join(f"{k!r}: {c}" for k, c in zip(aux, kids)) + "}"
            elif nt is _NONE:
                s = "None"
            elif nt.name == "namedtuple":
                s = f"CustomNode(namedtuple[{nt.kind.__name__}], [{', '.join(kids)}])"
            else:
                s = f"CustomNode({nt.kind.__name__}[{aux}], [{', '.join(kids)}])"
            stack.append(s)
        return stack[0]

    # -- using it
    def unflatten(self, leaves):
        """Rebuild the tree from an iterable of leaves (exactly num_leaves of them)."""
        leaves = leaves if type(leaves) is list else list(leaves)
        if len(leaves) != self.num_leaves:
            few = "few" if len(leaves) < self.num_leaves else "many"
            raise TreeStructureError(
                f"unflatten: too {few} leaves for {self!r}: expected {self.num_leaves}, got "
                f"{len(leaves)}. Fix: pass one leaf per `*` of the structure, in the order "
                "tree_leaves returns them.")
        nodes = self._nodes
        if len(nodes) == 1 and nodes[0] is None:
            return leaves[0]
        stack = []
        push = stack.append
        li = 0
        for e in nodes:
            if e is None:
                push(leaves[li])
                li += 1
                continue
            nt, aux, n = e
            if n:
                kids = stack[-n:]
                del stack[-n:]
            else:
                kids = []
            if nt is _TUPLE:
                push(tuple(kids))
            elif nt is _LIST:
                push(kids)
            else:
                push(nt.unflatten(aux, kids))
        return stack[0]

    def flatten_up_to(self, tree, _what="flatten_up_to"):
        """The subtrees of `tree` at this structure's leaves (`tree` must have this structure
        as a prefix: its nodes down to this structure's leaves must match exactly)."""
        out = self._up_to(tree, None)
        if out is None:
            self._up_to(tree, _what)  # again, tracking key paths, to raise a clear error
        return out

    def _up_to(self, tree, what):
        """The fast walk (what=None: returns None on a mismatch) or the reporting walk."""
        out = []
        stack = [tree]
        paths = [()] if what else None
        for e in reversed(self._nodes):
            x = stack.pop()
            path = paths.pop() if what else None
            if e is None:
                out.append(x)
                continue
            nt, aux, n = e
            t = type(x)
            if t is not nt.kind:
                if what:
                    _mismatch(what, path, f"a {_tname(nt.kind)}", f"a {_tname(t)} "
                              f"({_short(x)})")
                return None
            if nt is _TUPLE or nt is _LIST:
                if len(x) != n:
                    if what:
                        _mismatch(what, path, f"a {nt.kind.__name__} of length {n}",
                                  f"a {nt.kind.__name__} of length {len(x)} ({_short(x)})")
                    return None
                children = x
            elif nt is _DICT:
                if len(x) != n or any(k not in x for k in aux):
                    if what:
                        _mismatch(what, path, f"a dict with keys {list(aux)}",
                                  f"a dict with keys {list(_sorted_keys(x))}")
                    return None
                children = [x[k] for k in aux]
            else:
                children, xaux = nt.flatten(x)
                children = list(children)
                if len(children) != n or not _aux_equal(xaux, aux):
                    if what:
                        _mismatch(what, path, f"a {_tname(t)} node with aux data {aux!r} and "
                                  f"{n} children", f"one with aux data {xaux!r} and "
                                  f"{len(children)} children")
                    return None
            stack.extend(children)
            if what:
                keys, _ = nt.flatten_with_keys(x)
                paths.extend(path + (k,) for k, _ in keys)
        out.reverse()
        return out

    def compose(self, inner):
        """The structure of this tree with every leaf replaced by a tree of structure `inner`."""
        if not isinstance(inner, PyTreeDef):
            raise TypeError(f"compose: inner must be a PyTreeDef, got {type(inner).__name__}.")
        nodes = []
        for e in self._nodes:
            if e is None:
                nodes.extend(inner._nodes)
            else:
                nodes.append(e)
        return PyTreeDef(tuple(nodes), self.num_leaves * inner.num_leaves)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self  # immutable; node types are compared by identity


def _tname(t):
    return "None" if t is type(None) else t.__name__


def _mismatch(what, path, expected, got):
    where = keystr(path) or "(the root)"
    raise TreeStructureError(
        f"{what}: pytree structure mismatch at key path {where}: expected {expected}, got "
        f"{got}. Fix: pass trees with the same structure (the first may be a prefix of the "
        "others: its leaves may stand for whole subtrees).")


def _entry_equal(a, b):
    if a is None or b is None:
        return a is b
    return a[0] is b[0] and a[2] == b[2] and _aux_equal(a[1], b[1])


def _aux_equal(a, b):
    if a is b:
        return True
    try:
        return bool(a == b)
    except (ValueError, TypeError):  # arrays in aux data
        return False


def _hashable(aux):
    try:
        hash(aux)
        return aux
    except TypeError:
        return repr(aux)


LEAF = PyTreeDef((None,), 1)


# ---------------------------------------------------------------- flatten


def tree_flatten(tree: PyTree, is_leaf: Fun | None = None) -> Any:
    """(leaves, treedef) of `tree`. None is a node with no children, as in JAX; `is_leaf(x)`
    returning True makes `x` a leaf.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> leaves, treedef = fg.tree_util.tree_flatten(tree)
    >>> leaves
    [1.0, 2.0, 3.0]
    """
    leaves = []
    nodes = []
    try:
        if is_leaf is None:
            _flat(tree, leaves, nodes)
        else:
            _flat_is_leaf(tree, leaves, nodes, is_leaf)
    except RecursionError:
        leaves, nodes, _ = _flatten_iter(tree, is_leaf, False)
    return leaves, PyTreeDef(tuple(nodes), len(leaves))


def _flat(x, leaves, nodes):
    t = type(x)
    nt = _registry.get(t)
    if nt is None:
        if isinstance(x, tuple) and hasattr(t, "_fields"):
            nt = _namedtuple_node(t)
        else:
            leaves.append(x)
            nodes.append(None)
            return
    if nt is _TUPLE or nt is _LIST:
        children, aux = x, None
    elif nt is _DICT:
        aux = _sorted_keys(x)
        children = [x[k] for k in aux]
    else:
        children, aux = nt.flatten(x)
        if type(children) is not list and type(children) is not tuple:
            children = list(children)
    for c in children:
        if type(c) in _registry or isinstance(c, tuple):
            _flat(c, leaves, nodes)
        else:
            leaves.append(c)
            nodes.append(None)
    nodes.append((nt, aux, len(children)))


def _flat_is_leaf(x, leaves, nodes, is_leaf):
    nt = None if is_leaf(x) else _node_type(x)
    if nt is None:
        leaves.append(x)
        nodes.append(None)
        return
    if nt is _TUPLE or nt is _LIST:
        children, aux = x, None
    else:
        children, aux = nt.flatten(x)
        if type(children) is not list and type(children) is not tuple:
            children = list(children)
    for c in children:
        _flat_is_leaf(c, leaves, nodes, is_leaf)
    nodes.append((nt, aux, len(children)))


def _flatten_iter(tree, is_leaf, with_path, is_leaf_takes_path=False):
    """Explicit-stack flatten (any depth). Raises TreeCycleError when a node contains itself.
    Returns (leaves, nodes, paths); paths is None unless with_path."""
    leaves, nodes = [], []
    paths = [] if with_path else None
    on_path = set()   # ids of the containers from the root to the current node
    keypath = []      # keys from the root to the node on top of the stack (with_path only)
    stack = []        # frames: [node type, aux, children, next child, id, child keys]

    def visit(x, key, is_root):
        # a node's path is built only where needed (leaves, is_leaf_takes_path, errors): for
        # every node it would cost O(depth) each, quadratic in a deep chain
        path = None
        if is_leaf_takes_path:
            path = tuple(keypath) if is_root else (*keypath, key)
        if is_leaf is not None and (is_leaf(path, x) if is_leaf_takes_path else is_leaf(x)):
            nt = None
        else:
            nt = _node_type(x)
        if nt is None:
            leaves.append(x)
            nodes.append(None)
            if with_path:
                paths.append(path if path is not None else
                             tuple(keypath) if is_root else (*keypath, key))
            return
        if id(x) in on_path:
            where = keystr(tuple(keypath) if is_root else (*keypath, key)) if with_path else ""
            where = f"at key path {where} " if where else ""
            raise TreeCycleError(
                f"pytree contains itself: a {_tname(type(x))} {where}"
                "is one of its own ancestors, so it cannot be flattened. Fix: remove the cycle "
                "(a list appended to itself, a dict holding itself, ...).")
        if with_path:
            pairs, aux = nt.flatten_with_keys(x)
            pairs = list(pairs)
            keys = [k for k, _ in pairs]
            children = [c for _, c in pairs]
            if not is_root:
                keypath.append(key)
        elif nt is _TUPLE or nt is _LIST:
            children, aux, keys = x, None, None
        else:
            children, aux = nt.flatten(x)
            children, keys = list(children), None
        on_path.add(id(x))
        stack.append([nt, aux, children, 0, id(x), keys])

    visit(tree, None, True)
    while stack:
        frame = stack[-1]
        children, i = frame[2], frame[3]
        if i < len(children):
            frame[3] = i + 1
            visit(children[i], frame[5][i] if with_path else None, False)
        else:
            stack.pop()
            on_path.discard(frame[4])
            if with_path and stack:
                keypath.pop()
            nodes.append((frame[0], frame[1], len(children)))
    return leaves, nodes, paths


def tree_flatten_with_path(tree: PyTree, is_leaf: Fun | None = None, is_leaf_takes_path: bool = False) -> Any:
    """([(key path, leaf), ...], treedef). Key paths are tuples of DictKey, SequenceKey,
    GetAttrKey and FlattenedIndexKey; `keystr(path)` prints one.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> pairs, _ = fg.tree_util.tree_flatten_with_path(tree)
    >>> [(fg.tree_util.keystr(p), x) for p, x in pairs]
    [("['a']", 1.0), ("['b'][0]", 2.0), ("['b'][1]", 3.0)]
    """
    leaves, nodes, paths = _flatten_iter(tree, is_leaf, True, is_leaf_takes_path)
    return list(zip(paths, leaves)), PyTreeDef(tuple(nodes), len(leaves))


def tree_leaves_with_path(tree: PyTree, is_leaf: Fun | None = None, is_leaf_takes_path: bool = False) -> Any:
    """[(key path, leaf), ...] of `tree`.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> [(fg.tree_util.keystr(p), x) for p, x in fg.tree_util.tree_leaves_with_path(tree)]
    [("['a']", 1.0), ("['b'][0]", 2.0), ("['b'][1]", 3.0)]
    """
    return tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)[0]


def tree_unflatten(treedef: Any, leaves: PyTree) -> Any:
    """Inverse of tree_flatten: the tree of structure `treedef` with these leaves.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> leaves, treedef = fg.tree_util.tree_flatten(tree)
    >>> fg.tree_util.tree_unflatten(treedef, [10.0, 20.0, 30.0])
    {'a': 10.0, 'b': (20.0, 30.0)}
    """
    if not isinstance(treedef, PyTreeDef):
        raise TypeError(f"tree_unflatten: treedef must be a PyTreeDef (from tree_flatten or "
                        f"tree_structure), got {type(treedef).__name__}. Note the argument "
                        "order: tree_unflatten(treedef, leaves).")
    return treedef.unflatten(leaves)


def tree_leaves(tree: PyTree, is_leaf: Fun | None = None) -> Any:
    """The leaves of `tree`, left to right (dicts in sorted-key order).

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.tree_leaves(tree)
    [1.0, 2.0, 3.0]
    """
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree: PyTree, is_leaf: Fun | None = None) -> Any:
    """The PyTreeDef of `tree`.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.tree_structure(tree)
    PyTreeDef({'a': *, 'b': (*, *)})
    """
    return tree_flatten(tree, is_leaf)[1]


def tree_map(f: Fun, tree: PyTree, *rest: PyTree, is_leaf: Fun | None = None) -> Any:
    """f applied leafwise: `f(leaf, *matching leaves of rest)`. Each tree in `rest` must have
    `tree`'s structure, or `tree`'s structure as a prefix (the leaf of `tree` then meets a
    whole subtree).

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.tree_map(lambda x: x * 2, tree)
    {'a': 2.0, 'b': (4.0, 6.0)}
    """
    leaves, treedef = tree_flatten(tree, is_leaf)
    if not rest:
        return treedef.unflatten([f(x) for x in leaves])
    others = [treedef.flatten_up_to(r, f"tree_map (tree {i + 1} of rest)")
              for i, r in enumerate(rest)]
    return treedef.unflatten([f(*xs) for xs in zip(leaves, *others)])


def tree_map_with_path(f: Fun, tree: PyTree, *rest: PyTree, is_leaf: Fun | None = None,
                       is_leaf_takes_path: bool = False) -> Any:
    """f applied leafwise with the key path first: `f(path, leaf, *matching leaves of rest)`.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.tree_map_with_path(lambda p, x: fg.tree_util.keystr(p), tree)
    {'a': "['a']", 'b': ("['b'][0]", "['b'][1]")}
    """
    pairs, treedef = tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)
    others = [treedef.flatten_up_to(r, f"tree_map_with_path (tree {i + 1} of rest)")
              for i, r in enumerate(rest)]
    return treedef.unflatten([f(p, x, *xs) for (p, x), *xs in zip(pairs, *others)])


class _Unspecified:
    def __repr__(self):
        return "<unspecified>"


_UNSPECIFIED = _Unspecified()


def tree_reduce(function: Fun, tree: PyTree, initializer: Any = _UNSPECIFIED,
                is_leaf: Fun | None = None) -> Any:
    """functools.reduce over the leaves: `function(function(initializer, l0), l1) ...`.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.tree_reduce(lambda a, b: a + b, tree)
    6.0
    """
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _UNSPECIFIED:
        if not leaves:
            raise TypeError("tree_reduce: the tree has no leaves and no initializer was given. "
                            "Fix: pass an initializer (tree_reduce(f, tree, 0)).")
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_reduce_associative(operation: Fun, tree: PyTree, *, identity: Any = _UNSPECIFIED,
                            is_leaf: Fun | None = None) -> Any:
    """Reduce the leaves with an associative `operation`, pairwise in a balanced tree (depth
    log2 of the number of leaves). `identity` is returned for a tree without leaves.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.tree_reduce_associative(lambda a, b: a + b, tree)
    6.0
    """
    items = tree_leaves(tree, is_leaf)
    if not items:
        if identity is _UNSPECIFIED:
            raise TypeError("tree_reduce_associative: the tree has no leaves and no identity was "
                            "given. Fix: pass identity= (e.g. identity=0 for addition).")
        return identity
    while len(items) > 1:
        pairs = [operation(items[i], items[i + 1]) for i in range(0, len(items) - 1, 2)]
        if len(items) % 2:
            pairs.append(items[-1])
        items = pairs
    return items[0]


def flatten_one_level(tree: PyTree) -> Any:
    """(children, aux data) of the root node; raises ValueError for a leaf.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.flatten_one_level(tree)[0]
    (1.0, (2.0, 3.0))
    """
    nt = _node_type(tree)
    if nt is None:
        raise ValueError(f"flatten_one_level: can't tree-flatten type {type(tree)!r}: it is a "
                         "leaf, not a pytree node.")
    children, aux = nt.flatten(tree)
    return tuple(children), aux


def flatten_one_level_with_keys(tree: PyTree) -> Any:
    """(((key, child), ...), aux data) of the root node; raises ValueError for a leaf.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> [(fg.tree_util.keystr((k,)), v) for k, v in fg.tree_util.flatten_one_level_with_keys(tree)[0]]
    [("['a']", 1.0), ("['b']", (2.0, 3.0))]
    """
    nt = _node_type(tree)
    if nt is None:
        raise ValueError(f"flatten_one_level_with_keys: can't tree-flatten type {type(tree)!r}: "
                         "it is a leaf, not a pytree node.")
    pairs, aux = nt.flatten_with_keys(tree)
    return tuple(pairs), aux


def is_tree_node(x: Any) -> Any:
    """True when `x` (a value, or a type) is a pytree node rather than a leaf.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.is_tree_node(tree), fg.tree_util.is_tree_node(1.0)
    (True, False)
    """
    if isinstance(x, type):
        return x in _registry or (issubclass(x, tuple) and hasattr(x, "_fields"))
    return _node_type(x) is not None


def tree_all(tree: PyTree, *, is_leaf: Fun | None = None) -> Any:
    """True when every leaf is truthy (True for a tree without leaves).

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.tree_all({'a': True, 'b': [True, False]})
    False
    """
    return all(tree_leaves(tree, is_leaf))


def tree_transpose(outer_treedef: Any, inner_treedef: Any, pytree_to_transpose: PyTree) -> Any:
    """Turn a tree of structure outer(inner) into one of structure inner(outer), e.g. a list
    of tuples into a tuple of lists. `inner_treedef=None` infers it from the first subtree.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> outer = fg.tree_util.tree_structure([0, 0])
    >>> inner = fg.tree_util.tree_structure((0, 0))
    >>> fg.tree_util.tree_transpose(outer, inner, [(1, 2), (3, 4)])
    ([1, 3], [2, 4])
    """
    flat = outer_treedef.flatten_up_to(pytree_to_transpose, "tree_transpose")
    if inner_treedef is None:
        inner_treedef = tree_structure(flat[0]) if flat else LEAF
    leaves, treedef = tree_flatten(pytree_to_transpose)
    expected = outer_treedef.compose(inner_treedef)
    if treedef != expected:
        raise TypeError(f"tree_transpose: the tree's structure does not match outer composed "
                        f"with inner:\n{treedef!r}\n != \n{expected!r}\nFix: pass the outer "
                        "and inner treedefs the tree is built of (inner_treedef=None infers "
                        "it from the first subtree).")
    n_in, n_out = inner_treedef.num_leaves, outer_treedef.num_leaves
    cols = [outer_treedef.unflatten(leaves[j::n_in][:n_out]) for j in range(n_in)]
    return inner_treedef.unflatten(cols)


def tree_broadcast(prefix_tree: PyTree, full_tree: PyTree, is_leaf: Fun | None = None) -> Any:
    """`prefix_tree` with each leaf repeated to fill the matching subtree of `full_tree`.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.tree_broadcast({'a': 0.0, 'b': 1.0}, tree)
    {'a': 0.0, 'b': (1.0, 1.0)}
    """
    leaves, treedef = tree_flatten(prefix_tree, is_leaf)
    subs = treedef.flatten_up_to(full_tree, "tree_broadcast")
    return treedef.unflatten([tree_map(lambda _, p=p: p, s, is_leaf=is_leaf)
                              for p, s in zip(leaves, subs)])


def treedef_is_leaf(treedef: Any) -> Any:
    """True when `treedef` is a single leaf (`*`).

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.treedef_is_leaf(fg.tree_util.tree_structure(1.0))
    True
    """
    return treedef.num_nodes == 1 and treedef.node is None


def treedef_children(treedef: Any) -> Any:
    """The child treedefs of the root, as a list.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.treedef_children(fg.tree_util.tree_structure(tree))
    [PyTreeDef(*), PyTreeDef((*, *))]
    """
    return treedef.children()


def treedef_tuple(treedefs: PyTree) -> Any:
    """The treedef of a tuple whose entries have the given structures.

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.treedef_tuple([fg.tree_util.tree_structure(1.0)] * 2)
    PyTreeDef((*, *))
    """
    treedefs = list(treedefs)
    nodes = [e for td in treedefs for e in td._nodes] + [(_TUPLE, None, len(treedefs))]
    return PyTreeDef(tuple(nodes), sum(td.num_leaves for td in treedefs))


def all_leaves(iterable: PyTree, is_leaf: Fun | None = None) -> Any:
    """True when every element of `iterable` is a leaf (JAX's helper).

    >>> import fungrad as fg
    >>> tree = {'a': 1.0, 'b': (2.0, 3.0)}
    >>> fg.tree_util.all_leaves([1.0, 2.0]), fg.tree_util.all_leaves([tree])
    (True, False)
    """
    items = list(iterable)
    if is_leaf is None:
        return all(_node_type(x) is None for x in items)
    for x in items:
        leaves = tree_leaves(x, is_leaf)
        if len(leaves) != 1 or leaves[0] is not x:
            return False
    return True


def broadcast_prefix(prefix, tree, is_leaf=None):
    """Expand a prefix tree (e.g. in_axes) to one entry per leaf of `tree`."""
    out = []
    prefix_leaves, prefix_def = tree_flatten(prefix, is_leaf=lambda x: x is None)
    subtrees = prefix_def.flatten_up_to(tree)
    for p, sub in zip(prefix_leaves, subtrees, strict=True):
        out.extend([p] * len(tree_leaves(sub, is_leaf)))
    return out
