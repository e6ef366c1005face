"""Pytrees: fungrad.tree / fungrad.tree_util / fungrad.flatten_util on JAX's documented examples,
with real values and exact errors; the transforms over the new node types; deep and cyclic
trees; live comparisons with JAX where it is installed (skipped visibly otherwise)."""
import collections
import dataclasses
import doctest
import functools
import importlib
import os

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad import tree_util as tu
from fungrad.flatten_util import ravel_pytree
from fungrad.tree_util import (
    DictKey, FlattenedIndexKey, GetAttrKey, Partial, SequenceKey, TreeCycleError, TreeKeyError,
    TreeStructureError)

NT = collections.namedtuple("NT", "x y")


class Point:  # registered with register_pytree_node_class below
    def __init__(self, x, y, tag="p"):
        self.x, self.y, self.tag = x, y, tag

    def tree_flatten(self):
        return (self.x, self.y), self.tag

    @classmethod
    def tree_unflatten(cls, tag, children):
        return cls(*children, tag=tag)


tu.register_pytree_node_class(Point)


@tu.register_dataclass
@dataclasses.dataclass
class Params:
    w: np.ndarray
    b: np.ndarray
    act: str = dataclasses.field(default="tanh", metadata=dict(static=True))


@dataclasses.dataclass
class Unregistered:
    a: float


# ---------------------------------------------------------------- basic flatten / unflatten


def test_jax_doc_examples():
    # jax.tree.map / leaves / structure examples from JAX's pytree documentation
    assert fg.tree.map(lambda x: x * 2, [1, 2, 3]) == [2, 4, 6]
    assert fg.tree.map(lambda x, y: x + y, [1, 2, 3], [4, 5, 6]) == [5, 7, 9]
    tree = [1, {"k1": 2, "k2": (3, 4)}, 5]
    assert fg.tree.leaves(tree) == [1, 2, 3, 4, 5]
    leaves, td = fg.tree.flatten(tree)
    assert leaves == [1, 2, 3, 4, 5]
    assert repr(td) == "PyTreeDef([*, {'k1': *, 'k2': (*, *)}, *])"
    assert fg.tree.unflatten(td, [10, 20, 30, 40, 50]) == [10, {"k1": 20, "k2": (30, 40)}, 50]
    assert fg.tree.leaves([None, 1, None]) == [1]
    assert fg.tree.leaves([None, 1], is_leaf=lambda x: x is None) == [None, 1]
    assert fg.tree.map(lambda x: x, [None, 1]) == [None, 1]
    assert fg.tree.reduce(lambda a, b: a + b, [1, 2, 3], 10) == 16
    assert fg.tree.reduce(lambda a, b: a + b, [1, 2, 3]) == 6
    assert fg.tree.all([True, 1, 0]) is False
    assert fg.tree.all([]) is True
    assert fg.tree.transpose(fg.tree.structure([0, 0]), fg.tree.structure((0, 0, 0)),
                             [(1, 2, 3), (4, 5, 6)]) == ([1, 4], [2, 5], [3, 6])
    assert fg.tree.transpose(fg.tree.structure([0, 0]), None,
                             [(1, 2, 3), (4, 5, 6)]) == ([1, 4], [2, 5], [3, 6])
    assert fg.tree.broadcast([1, 2], [[3, 4], 5]) == [[1, 1], 2]


def test_reprs_of_structures():
    cases = {
        "PyTreeDef({'a': (*, None, [*]), 'b': *})": {"b": 1, "a": (2, None, [3])},
        "PyTreeDef(None)": None,
        "PyTreeDef(*)": 1,
        "PyTreeDef(())": (),
        "PyTreeDef((*,))": (1,),
        "PyTreeDef(CustomNode(namedtuple[NT], [*, *]))": NT(1, 2),
        "PyTreeDef(CustomNode(OrderedDict[('b', 'a')], [*, *]))":
            collections.OrderedDict([("b", 1), ("a", 2)]),
        "PyTreeDef(CustomNode(defaultdict[(<class 'list'>, ('a', 'b'))], [*, *]))":
            collections.defaultdict(list, {"b": 1, "a": 2}),
        "PyTreeDef(CustomNode(Point[q], [*, *]))": Point(1, 2, "q"),
        "PyTreeDef(CustomNode(Params[('relu',)], [*, *]))": Params(1, 2, "relu"),
        "PyTreeDef([*])": [Unregistered(1.0)],
    }
    for text, tree in cases.items():
        assert repr(fg.tree.structure(tree)) == text
        assert str(fg.tree.structure(tree)) == text


def test_roundtrip_many_trees():
    trees = [1, None, (), [], {}, [1, (2, [3, {"a": 4}])], {"z": None, "a": [1, 2]},
             NT(1, (2, 3)), collections.OrderedDict([("b", 1), ("a", [2])]),
             collections.defaultdict(int, {"x": 1}), Point(1, [2, 3]),
             Params(np.ones(2), np.zeros(1)), Partial(max, 1, key=2)]
    for t in trees:
        leaves, td = fg.tree.flatten(t)
        back = fg.tree.unflatten(td, leaves)
        assert type(back) is type(t)
        assert fg.tree.structure(back) == td
        assert [x is y for x, y in zip(fg.tree.leaves(back), leaves)] == [True] * len(leaves)
        assert td.num_leaves == len(leaves)


def test_dict_keys_sorted_and_mixed_keys_error():
    assert fg.tree.leaves({"b": 1, "a": 2, "c": 3}) == [2, 1, 3]
    assert fg.tree.leaves({2: "x", 1.5: "y", True: "z"}) == ["z", "y", "x"]  # orderable mixes ok
    with pytest.raises(TreeKeyError) as e:
        fg.tree.leaves({1: "a", "b": 2})
    assert isinstance(e.value, TypeError) and isinstance(e.value, ValueError)
    assert "int, str" in str(e.value) and "OrderedDict" in str(e.value)
    assert "'<' not supported" in str(e.value.__cause__)
    with pytest.raises(TreeKeyError, match="int, str"):
        fg.grad(lambda d: d[1] + d["a"])({1: 1.0, "a": 2.0})
    # an OrderedDict with the same keys is fine (insertion order)
    od = collections.OrderedDict([(1, "a"), ("b", 2)])
    assert fg.tree.leaves(od) == ["a", 2]


def test_ordered_dict_and_defaultdict():
    od = collections.OrderedDict([("b", 1), ("a", 2)])
    assert fg.tree.leaves(od) == [1, 2]
    out = fg.tree.map(lambda x: x * 10, od)
    assert type(out) is collections.OrderedDict and list(out.items()) == [("b", 10), ("a", 20)]
    assert fg.tree.structure(od) != fg.tree.structure({"a": 1, "b": 2})
    assert fg.tree.structure(od) != fg.tree.structure(collections.OrderedDict(a=1, b=2))
    dd = collections.defaultdict(list, {"b": 1, "a": 2})
    assert fg.tree.leaves(dd) == [2, 1]
    back = fg.tree.map(lambda x: x + 1, dd)
    assert type(back) is collections.defaultdict and back.default_factory is list
    assert dict(back) == {"a": 3, "b": 2}
    assert back["new"] == []
    assert fg.tree.structure(dd).node_data() == (collections.defaultdict, (list, ("a", "b")))
    with pytest.raises(TreeStructureError, match="expected a OrderedDict, got a dict"):
        fg.tree.map(lambda x, y: x + y, od, {"a": 1, "b": 2})


def test_namedtuple_and_subclasses():
    assert fg.tree.leaves(NT(1, (2, 3))) == [1, 2, 3]
    back = fg.tree.map(lambda v: v * 2, NT(1, 2))
    assert type(back) is NT and back == NT(2, 4)

    class L(list):
        pass

    assert fg.tree.leaves(L([1, 2])) == [L([1, 2])]  # unregistered subclasses are leaves
    with pytest.raises(TreeStructureError, match=r"expected a NT, got a tuple \(\(1, 2\)\)"):
        fg.tree.map(lambda x, y: x + y, NT(1, 2), (1, 2))


def test_dataclass_only_when_registered():
    assert fg.tree.leaves(Unregistered(1.0)) == [Unregistered(1.0)]
    p = Params(np.ones(2), np.zeros(1), "relu")
    leaves = fg.tree.leaves(p)
    assert len(leaves) == 2 and leaves[0] is p.w and leaves[1] is p.b
    q = fg.tree.map(lambda x: x + 1, p)
    assert type(q) is Params and q.act == "relu"
    np.testing.assert_array_equal(q.w, [2.0, 2.0])
    assert fg.tree.structure(p) != fg.tree.structure(Params(1, 2, "tanh"))  # meta differs
    assert fg.tree.structure(p) == fg.tree.structure(Params(3, 4, "relu"))


def test_register_dataclass_forms_and_errors():
    calls = []

    @dataclasses.dataclass
    class B:
        x: float
        y: float
        z: int

        def __post_init__(self):
            calls.append(1)

    with pytest.raises(ValueError, match=r"Missing fields: \['y'\]"):
        tu.register_dataclass(B, data_fields=["x"], meta_fields=["z"])
    with pytest.raises(ValueError, match=r"Unexpected fields: \['q'\]"):
        tu.register_dataclass(B, data_fields=["x", "y"], meta_fields=["z", "q"])
    with pytest.raises(TypeError, match="must both be specified when either is specified"):
        tu.register_dataclass(B, data_fields=["x", "y"])
    assert tu.register_dataclass(B, data_fields=["x", "y"], meta_fields=["z"]) is B
    out = fg.tree.map(lambda v: v * 2, B(1.0, 2.0, 3))
    assert len(calls) == 2  # unflatten calls __init__ (so __post_init__ runs), as JAX
    assert out == B(2.0, 4.0, 3)

    class NotDC:
        def __init__(self, x):
            self.x = x

    with pytest.raises(TypeError, match="required when nodetype is not a dataclass"):
        tu.register_dataclass(NotDC)
    tu.register_dataclass(NotDC, data_fields=["x"], meta_fields=[])
    assert fg.tree.map(lambda v: v + 1, NotDC(1)).x == 2
    assert repr(fg.tree.structure(NotDC(1))) == "PyTreeDef(CustomNode(NotDC[()], [*]))"

    @dataclasses.dataclass
    class Dr:
        x: float
        cache: int = dataclasses.field(default=0, init=False)

    tu.register_dataclass(Dr, data_fields=["x"], meta_fields=[], drop_fields=["cache"])
    assert fg.tree.map(lambda v: v + 1, Dr(1.0)) == Dr(2.0)

    with pytest.raises(ValueError, match="duplicate pytree node registration"):
        tu.register_dataclass(Dr, data_fields=["x"], meta_fields=[], drop_fields=["cache"])
    with pytest.raises(ValueError, match="duplicate pytree node registration for <class 'list'>"):
        tu.register_pytree_node(list, lambda x: (x, None), lambda a, c: c)


def test_register_with_keys_static_and_partial():
    class K:
        def __init__(self, a, b):
            self.a, self.b = a, b

    tu.register_pytree_with_keys(
        K, lambda k: (((GetAttrKey("a"), k.a), (GetAttrKey("b"), k.b)), None),
        lambda _, c: K(*c))
    pairs = fg.tree.leaves_with_path(K(1, [2]))
    assert [(tu.keystr(p), v) for p, v in pairs] == [(".a", 1), (".b[0]", 2)]
    assert fg.tree.leaves(K(1, [2])) == [1, 2]  # flatten derived from flatten_with_keys

    @tu.register_pytree_with_keys_class
    class KC:
        def __init__(self, v):
            self.v = v

        def tree_flatten_with_keys(self):
            return [(DictKey("v"), self.v)], "aux"

        @classmethod
        def tree_unflatten(cls, aux, children):
            assert aux == "aux"
            return cls(*children)

    assert fg.tree.map(lambda x: x * 3, KC(2)).v == 6
    assert tu.keystr(fg.tree.leaves_with_path(KC(2))[0][0]) == "['v']"

    @tu.register_static
    class S:
        def __init__(self, v):
            self.v = v

        def __hash__(self):
            return hash(self.v)

        def __eq__(self, o):
            return isinstance(o, S) and self.v == o.v

        def __repr__(self):
            return f"S({self.v})"

    assert fg.tree.leaves([S(1), 2]) == [2]
    assert repr(fg.tree.structure([S(1), 2])) == "PyTreeDef([CustomNode(S[S(1)], []), *])"
    s = S(1)
    assert fg.tree.map(lambda x: x + 1, [s, 2])[0] is s

    p = Partial(lambda a, x, scale=1.0: a * x * scale, np.array(2.0), scale=3.0)
    assert len(fg.tree.leaves(p)) == 2
    assert [tu.keystr(k) for k, _ in fg.tree.leaves_with_path(p)] == \
        ["[<flat index 0>][0]", "[<flat index 1>]['scale']"]
    q = fg.tree.map(lambda v: v * 10, p)
    assert type(q) is Partial and q(1.0) == 600.0
    assert repr(Partial(max, 1)) == "Partial(<built-in function max>, 1)"


# ---------------------------------------------------------------- key paths


def test_key_reprs_and_keystr():
    assert (repr(DictKey("a")), str(DictKey("a"))) == ("DictKey(key='a')", "['a']")
    assert (repr(SequenceKey(0)), str(SequenceKey(0))) == ("SequenceKey(idx=0)", "[0]")
    assert (repr(GetAttrKey("x")), str(GetAttrKey("x"))) == ("GetAttrKey(name='x')", ".x")
    assert (repr(FlattenedIndexKey(3)), str(FlattenedIndexKey(3))) == \
        ("FlattenedIndexKey(key=3)", "[<flat index 3>]")
    assert DictKey("a") == DictKey("a") and hash(DictKey("a")) == hash(DictKey("a"))
    assert SequenceKey(0) != DictKey(0)
    assert (DictKey("a").key, SequenceKey(1).idx, GetAttrKey("b").name,
            FlattenedIndexKey(2).key) == ("a", 1, "b", 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        DictKey("a").key = "b"
    path = (DictKey("a"), SequenceKey(0), GetAttrKey("b"))
    assert tu.keystr(path) == "['a'][0].b"
    assert tu.keystr(path, simple=True, separator="/") == "a/0/b"
    assert tu.keystr(()) == ""
    match SequenceKey(4):
        case SequenceKey(idx=i):
            assert i == 4


def test_flatten_with_path():
    pairs, td = fg.tree.flatten_with_path({"a": [1, (2,)], "b": NT(3, 4)})
    assert pairs == [((DictKey("a"), SequenceKey(0)), 1),
                     ((DictKey("a"), SequenceKey(1), SequenceKey(0)), 2),
                     ((DictKey("b"), GetAttrKey("x")), 3), ((DictKey("b"), GetAttrKey("y")), 4)]
    assert td == fg.tree.structure({"a": [1, (2,)], "b": NT(3, 4)})
    assert fg.tree.map_with_path(lambda p, x: tu.keystr(p), {"a": [1, 2]}) == \
        {"a": ["['a'][0]", "['a'][1]"]}
    assert fg.tree.map_with_path(lambda p, x, y: (tu.keystr(p), x + y), [1], [2]) == [("[0]", 3)]
    pt = fg.tree.leaves_with_path(Point(1, 2))
    assert pt == [((FlattenedIndexKey(0),), 1), ((FlattenedIndexKey(1),), 2)]
    pr = fg.tree.leaves_with_path(Params(1.0, 2.0))
    assert [tu.keystr(p) for p, _ in pr] == [".w", ".b"]
    od = fg.tree.leaves_with_path(collections.OrderedDict([("b", 1), ("a", 2)]))
    assert od == [((DictKey("b"),), 1), ((DictKey("a"),), 2)]
    # is_leaf with and without the path
    got = fg.tree.leaves_with_path({"a": [1, 2], "b": 3}, is_leaf=lambda x: isinstance(x, list))
    assert got == [((DictKey("a"),), [1, 2]), ((DictKey("b"),), 3)]
    got = fg.tree.leaves_with_path({"a": [1, 2], "b": [3]},
                                   is_leaf=lambda p, x: p == (DictKey("b"),),
                                   is_leaf_takes_path=True)
    assert got == [((DictKey("a"), SequenceKey(0)), 1), ((DictKey("a"), SequenceKey(1)), 2),
                   ((DictKey("b"),), [3])]


# ---------------------------------------------------------------- PyTreeDef


def test_treedef_methods():
    td = fg.tree.structure({"a": [1, 2], "b": (3,)})
    assert (td.num_leaves, td.num_nodes) == (3, 6)
    kids = td.children()
    assert kids == [fg.tree.structure([1, 2]), fg.tree.structure((3,))]
    assert repr(kids) == "[PyTreeDef([*, *]), PyTreeDef((*,))]"
    assert td.node_data() == (dict, ["a", "b"])
    assert fg.tree.structure(1).node_data() is None
    assert fg.tree.structure(None).node_data() == (type(None), None)
    assert fg.tree.structure(Point(1, 2, "t")).node_data() == (Point, "t")
    assert fg.tree.structure([1, collections.OrderedDict(a=1), None]).num_nodes == 5
    assert td.unflatten([5, 6, 7]) == {"a": [5, 6], "b": (7,)}
    assert td.flatten_up_to({"a": [[1], 2], "b": ({"x": 3},)}) == [[1], 2, {"x": 3}]
    assert fg.tree.structure([1, 2]) == fg.tree.structure([3, 4])
    assert fg.tree.structure((1, 2)) != fg.tree.structure([3, 4])
    assert hash(fg.tree.structure([1, {"a": 2}])) == hash(fg.tree.structure([5, {"a": 6}]))
    assert fg.tree.structure([1, 2]).compose(fg.tree.structure((1, 2))) == \
        fg.tree.structure([(0, 0), (0, 0)])
    assert tu.treedef_tuple([fg.tree.structure(1), fg.tree.structure([1])]) == \
        fg.tree.structure((0, [0]))
    assert tu.treedef_children(td) == kids
    assert tu.treedef_is_leaf(fg.tree.structure(1))
    assert not tu.treedef_is_leaf(fg.tree.structure(None))
    assert tu.all_leaves([1, 2]) and not tu.all_leaves([[1]]) and not tu.all_leaves([None])
    assert tu.all_leaves([[1], 2], is_leaf=lambda x: isinstance(x, list))
    # internal callers read the root and the children as a tuple too
    assert td.kind is dict and td.aux == ("a", "b") and len(td.children) == 2
    assert fg.tree.structure(1).node is None


def test_structure_errors():
    with pytest.raises(TreeStructureError,
                       match=r"too few leaves for PyTreeDef\(\[\*, \*\]\): expected 2, got 1"):
        fg.tree.unflatten(fg.tree.structure([1, 2]), [1])
    with pytest.raises(TreeStructureError, match="too many leaves .* expected 2, got 3"):
        fg.tree.unflatten(fg.tree.structure([1, 2]), [1, 2, 3])
    with pytest.raises(TreeStructureError,
                       match=r"key path \[1\]: expected a list of length 2, got a list of "
                             r"length 3"):
        fg.tree.map(lambda a, b: a + b, [1, [1, 2]], [1, [1, 2, 3]])
    with pytest.raises(TreeStructureError, match=r"\(the root\): expected a list, got a tuple"):
        fg.tree.map(lambda a, b: a + b, [1, 2], (1, 2))
    with pytest.raises(TreeStructureError,
                       match=r"expected a dict with keys \['a'\], got a dict with keys \['b'\]"):
        fg.tree.map(lambda a, b: a + b, {"a": 1}, {"b": 1})
    with pytest.raises(TreeStructureError, match=r"key path \[0\]: expected a None, got a int"):
        fg.tree.map(lambda x, y: (x, y), [None, 1], [2, 3])
    assert fg.tree.map(lambda x, y: (x, y), [1, 1], [None, 3]) == [(1, None), (1, 3)]
    with pytest.raises(TreeStructureError, match="aux data 'a'"):
        fg.tree.map(lambda x, y: x, Point(1, 2, "a"), Point(1, 2, "b"))
    with pytest.raises(TypeError, match="no initializer"):
        fg.tree.reduce(lambda a, b: a + b, [])
    assert fg.tree.reduce(lambda a, b: a + b, [], 0) == 0
    with pytest.raises(TypeError, match=r"Mismatch|does not match outer composed with inner"):
        fg.tree.transpose(fg.tree.structure([0, 0]), fg.tree.structure([0, 0]),
                          [(1, 2, 3), (4, 5, 6)])
    with pytest.raises(TypeError, match="treedef must be a PyTreeDef"):
        fg.tree.unflatten([1, 2], fg.tree.structure([1, 2]))
    assert isinstance(TreeStructureError("x"), ValueError)


# ---------------------------------------------------------------- deep and cyclic trees


def test_deep_tree_past_recursion_limit():
    depth = 20_000
    x = 1.0
    for _ in range(depth):
        x = [x]
    leaves, td = fg.tree.flatten(x)
    assert leaves == [1.0] and td.num_nodes == depth + 1
    y = td.unflatten([2.0])
    d = 0
    while isinstance(y, list):
        y, d = y[0], d + 1
    assert (d, y) == (depth, 2.0)
    assert td == fg.tree.structure(x) and hash(td) == hash(fg.tree.structure(x))
    assert len(repr(td)) == len("PyTreeDef()") + 2 * depth + 1
    assert len(fg.tree.leaves_with_path(x)[0][0]) == depth
    assert fg.tree.leaves(fg.tree.map(lambda a, b: a + b, x, x)) == [2.0]
    deep_dict = 1.0
    for _ in range(5_000):
        deep_dict = {"k": deep_dict, "z": None}
    assert fg.tree.leaves(deep_dict, is_leaf=lambda v: False) == [1.0]


def test_cycles_raise_clearly():
    a = [1]
    a.append(a)
    with pytest.raises(TreeCycleError, match="pytree contains itself: a list"):
        fg.tree.flatten(a)
    d = {"a": 1}
    d["b"] = [d]
    with pytest.raises(TreeCycleError, match=r"a dict at key path \['b'\]\[0\]"):
        fg.tree.leaves_with_path(d)
    s = [1, 2]  # shared (not cyclic) subtrees are fine, as in JAX
    assert fg.tree.leaves([s, s, (s,)]) == [1, 2, 1, 2, 1, 2]


# ---------------------------------------------------------------- transforms over the new nodes


def test_grad_vmap_jit_over_new_nodes():
    od = collections.OrderedDict([("w", np.array([1.0, 2.0])), ("b", np.array(0.5))])

    def f(p):
        return fnp.sum(p["w"] * 2.0) + p["b"] ** 2

    g = fg.grad(f)(od)
    assert type(g) is collections.OrderedDict and list(g) == ["w", "b"]
    np.testing.assert_array_equal(g["w"], [2.0, 2.0])
    assert float(g["b"]) == 1.0
    gj = fg.jit(fg.grad(f))(od)
    assert type(gj) is collections.OrderedDict and float(gj["b"]) == 1.0

    dd = collections.defaultdict(list, {"w": np.array([3.0])})
    gd = fg.grad(lambda p: fnp.sum(p["w"] ** 2))(dd)
    assert type(gd) is collections.defaultdict and gd.default_factory is list
    np.testing.assert_array_equal(gd["w"], [6.0])

    p = Params(np.array([1.0, 2.0]), np.array([0.5]), "sq")
    loss = lambda p: fnp.sum(p.w ** 2) + fnp.sum(p.b) * (3.0 if p.act == "sq" else 0.0)  # noqa
    gp = fg.grad(loss)(p)
    assert type(gp) is Params and gp.act == "sq"
    np.testing.assert_array_equal(gp.w, [2.0, 4.0])
    np.testing.assert_array_equal(gp.b, [3.0])
    batched = fg.vmap(lambda p: fnp.sum(p.w ** 2))(Params(np.ones((3, 2)), np.ones((3, 1))))
    np.testing.assert_array_equal(batched, [2.0, 2.0, 2.0])

    jl = fg.jit(loss)
    assert float(jl(p)) == 6.5
    assert float(jl(Params(np.array([1.0, 1.0]), np.array([1.0]), "sq"))) == 5.0
    assert jl.trace_count == 1  # same structure and avals: cached
    assert float(jl(Params(np.array([1.0, 1.0]), np.array([1.0]), "other"))) == 2.0
    assert jl.trace_count == 2  # meta field changed: new signature
    out = fg.jit(lambda t: t)(NT(np.ones(2), od))
    assert type(out) is NT and type(out.y) is collections.OrderedDict

    part = Partial(lambda a, x: a * x, np.array(2.0))
    gpart = fg.grad(lambda q: fnp.sum(q(np.ones(2))))(part)
    assert type(gpart) is Partial and float(gpart.args[0]) == 2.0


# ---------------------------------------------------------------- ravel_pytree


def test_ravel_pytree():
    flat, unravel = ravel_pytree({"w": np.ones((2, 2)), "b": np.arange(2.0)})
    np.testing.assert_array_equal(flat, [0.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    back = unravel(flat * 2)
    np.testing.assert_array_equal(back["w"], 2 * np.ones((2, 2)))
    np.testing.assert_array_equal(back["b"], [0.0, 2.0])
    flat, unravel = ravel_pytree([np.ones(2, np.float32), np.arange(3, dtype=np.int32)])
    assert flat.dtype == np.float64  # numpy promotion of float32 and int32
    back = unravel(flat)
    assert [b.dtype for b in back] == [np.float32, np.int32]
    flat, _ = ravel_pytree((np.float32(1), 2.0))  # Python scalars are weak
    assert flat.dtype == np.float32
    flat, unravel = ravel_pytree([])
    assert flat.shape == (0,) and unravel(flat) == []
    with pytest.raises(fg.errors.ShapeError, match=r"expected a flat vector of shape \(5,\)"):
        ravel_pytree([np.ones(2), np.ones(3)])[1](np.ones(4))
    with pytest.raises(fg.errors.DtypeError, match="dtype int64, but expected dtype float64"):
        ravel_pytree([np.ones(2)])[1](np.ones(2, np.int64))
    # differentiable through ravel and unravel
    params = {"w": np.array([1.0, 2.0]), "b": np.array(3.0)}
    flat, unravel = ravel_pytree(params)
    g = fg.grad(lambda v: fnp.sum(unravel(v)["w"] ** 2) + unravel(v)["b"])(flat)
    np.testing.assert_array_equal(g, [1.0, 2.0, 4.0])
    g2 = fg.grad(lambda p: fnp.sum(ravel_pytree(p)[0] ** 2))(params)
    np.testing.assert_array_equal(g2["w"], [2.0, 4.0])


def test_docstring_examples():
    for name in ["fungrad.tree", "fungrad.flatten_util", "fungrad._core.tree"]:
        result = doctest.testmod(importlib.import_module(name),
                                 optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, name


# ---------------------------------------------------------------- live JAX


@pytest.fixture(scope="module")
def jax():
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    return pytest.importorskip("jax", reason="live JAX comparison needs jax installed")


def test_against_live_jax(jax):
    jtu = jax.tree_util

    class JPoint(Point):
        pass

    jtu.register_pytree_node_class(JPoint)
    trees = [{"b": 1, "a": (2, None, [3])}, None, 1, (), (1,), [1, [2, [3, [4]]]],
             NT(1, (2, 3)), collections.OrderedDict([("b", 1), ("a", 2)]),
             {"x": NT(1, 2), "y": [collections.OrderedDict(z=3)]}, {2: "x", 1.5: "y"}]
    for t in trees:
        assert fg.tree.leaves(t) == jax.tree.leaves(t)
        assert repr(fg.tree.structure(t)) == repr(jax.tree.structure(t))
        ours = [(tu.keystr(p), v) for p, v in fg.tree.leaves_with_path(t)]
        theirs = [(jtu.keystr(p), v) for p, v in jax.tree.leaves_with_path(t)]
        assert ours == theirs
        assert fg.tree.structure(t).num_nodes == jax.tree.structure(t).num_nodes
    assert repr(fg.tree.structure(collections.defaultdict(list, {"b": 1, "a": 2}))) == \
        repr(jax.tree.structure(collections.defaultdict(list, {"b": 1, "a": 2})))
    jp = JPoint(1, [2], "q")
    fp = Point(1, [2], "q")
    assert repr(fg.tree.structure(fp)) == repr(jax.tree.structure(jp)).replace("JPoint", "Point")
    assert [tu.keystr(p) for p, _ in fg.tree.leaves_with_path(fp)] == \
        [jtu.keystr(p) for p, _ in jax.tree.leaves_with_path(jp)]
    # mixed keys: JAX raises ValueError from a TypeError; ours is both
    with pytest.raises(ValueError):
        jax.tree.leaves({1: "a", "b": 2})
    with pytest.raises(ValueError):
        fg.tree.leaves({1: "a", "b": 2})
    # the same reprs and strings for key objects
    for ours, theirs in [(DictKey("a"), jtu.DictKey("a")), (SequenceKey(2), jtu.SequenceKey(2)),
                         (GetAttrKey("n"), jtu.GetAttrKey("n")),
                         (FlattenedIndexKey(1), jtu.FlattenedIndexKey(1))]:
        assert (repr(ours), str(ours)) == (repr(theirs), str(theirs))
    td = jax.tree.structure({"a": [1, 2], "b": (3,)})
    ftd = fg.tree.structure({"a": [1, 2], "b": (3,)})
    assert [repr(c) for c in ftd.children()] == [repr(c) for c in td.children()]
    assert ftd.node_data() == td.node_data()


def test_ravel_against_live_jax(jax):
    from jax.flatten_util import ravel_pytree as jravel
    tree = {"b": np.arange(3.0), "a": [np.ones((2, 2)), np.array(5.0)]}
    ours, _ = ravel_pytree(tree)
    theirs, _ = jravel(tree)
    np.testing.assert_array_equal(ours, np.asarray(theirs))


def test_partial_is_functools_partial():
    p = Partial(functools.reduce, lambda a, b: a + b)
    assert isinstance(p, functools.partial) and p([1, 2, 3]) == 6


def test_one_level_reduce_associative_static():
    assert tu.flatten_one_level({"b": [1], "a": 2}) == ((2, [1]), ("a", "b"))
    assert tu.flatten_one_level_with_keys({"b": [1], "a": 2}) == \
        (((DictKey("a"), 2), (DictKey("b"), [1])), ("a", "b"))
    with pytest.raises(ValueError, match="can't tree-flatten type <class 'int'>"):
        tu.flatten_one_level(1)
    assert tu.is_tree_node([1]) and tu.is_tree_node(None) and tu.is_tree_node(NT)
    assert not tu.is_tree_node(1) and not tu.is_tree_node(Unregistered)
    order = []
    assert fg.tree.reduce_associative(lambda a, b: order.append((a, b)) or a + b,
                                      [1, 2, 3, 4, 5]) == 15
    assert order == [(1, 2), (3, 4), (3, 7), (10, 5)]  # balanced pairing
    assert fg.tree.reduce_associative(lambda a, b: a + b, [], identity=0) == 0
    with pytest.raises(TypeError, match="no identity was given"):
        fg.tree.reduce_associative(lambda a, b: a + b, [])

    @tu.register_dataclass
    @dataclasses.dataclass
    class Op:
        x: float
        kind: str = fg.tree.static(default="add")

    assert repr(fg.tree.structure(Op(1.0))) == "PyTreeDef(CustomNode(Op[('add',)], [*]))"
    assert fg.tree.leaves(Op(1.0, "mul")) == [1.0]


def test_names_cover_jax(jax):
    missing_tree = {n for n in dir(jax.tree) if not n.startswith("_")} - set(dir(fg.tree))
    assert missing_tree == set()
    jax_tu = {n for n in dir(jax.tree_util) if not n.startswith("_")}
    assert jax_tu - set(dir(tu)) == {"default_registry"}  # JAX's C++ registry object


# JAX's docstring examples for jax.tree.* (docs.jax.dev), as (expression, expected value)
JAX_DOC_EXAMPLES = [
    ("tree.map(lambda x: x + 1, {'x': 7, 'y': 42})", {"x": 8, "y": 43}),
    ("tree.map(lambda x, y: [x] + y, [5, 6], [[7, 9], [1, 2]])", [[5, 7, 9], [6, 1, 2]]),
    ("tree.map_with_path(lambda path, x: x + path[0].idx, [1, 2, 3])", [1, 3, 5]),
    ("tree.reduce(operator.add, [1, (2, 3), [4, 5, 6]])", 21),
    ("tree.all([True, {'a': True, 'b': (True, True)}])", True),
    ("tree.all([False, (True, False)])", False),
    ("repr(tree.structure([1, (2, 3), [4, 5]]))", "PyTreeDef([*, (*, *), [*, *]])"),
    ("tree.unflatten(tree.flatten([1, (2, 3), [4, 5]])[1], [100, 200, 300, 400, 500])",
     [100, (200, 300), [400, 500]]),
    ("tree.transpose(tree.structure(['*', '*', '*']), tree.structure(('*', '*')), "
     "[(1, 2), (3, 4), (5, 6)])", ([1, 3, 5], [2, 4, 6])),
    ("tree.leaves([1, (2, 3), [4, 5]])", [1, 2, 3, 4, 5]),
    ("repr(tree.flatten_with_path([1, {'x': 3}]))",
     "([((SequenceKey(idx=0),), 1), ((SequenceKey(idx=1), DictKey(key='x')), 3)], "
     "PyTreeDef([*, {'x': *}]))"),
    ("tree.leaves_with_path([1, {'x': 3}])",
     [((SequenceKey(0),), 1), ((SequenceKey(1), DictKey("x")), 3)]),
    ("tree.broadcast([1, [2, 3]], [[[0, 0], 0], [0, 0]])", [[[1, 1], 1], [2, 3]]),
    ("tree.reduce_associative(operator.add, [1, (2, 3), [4, 5, 6]])", 21),
]


@pytest.mark.parametrize("expr,expected", JAX_DOC_EXAMPLES, ids=[e for e, _ in JAX_DOC_EXAMPLES])
def test_jax_docstring_examples(expr, expected):
    import operator
    assert eval(expr, {"tree": fg.tree, "operator": operator}) == expected


def test_jax_docstring_examples_live(jax):
    import operator
    for expr, expected in JAX_DOC_EXAMPLES:
        theirs = eval(expr, {"tree": jax.tree, "operator": operator})
        if isinstance(expected, str):
            assert theirs == expected, expr
        elif "with_path" not in expr:
            assert theirs == expected, expr


def test_register_pytree_with_keys_class_doc_example():
    @tu.register_pytree_with_keys_class
    class Special:
        def __init__(self, x, y):
            self.x = x
            self.y = y

        def tree_flatten_with_keys(self):
            return (((GetAttrKey("x"), self.x), (GetAttrKey("y"), self.y)), None)

        @classmethod
        def tree_unflatten(cls, aux_data, children):
            return cls(*children)

    pairs = fg.tree.leaves_with_path(Special(2, 3))
    assert pairs == [((GetAttrKey("x"),), 2), ((GetAttrKey("y"),), 3)]
    s = fg.tree.map(lambda v: v * 10, Special(2, 3))
    assert (s.x, s.y) == (20, 30)
