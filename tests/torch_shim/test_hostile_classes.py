"""Behaviours of the torch shim that the hostile sweep (test_hostile_torch.py) found and states
only for its own values: each case here gives torch 2.13's outcome (written out, and compared
with live torch where it is installed) for more values of the same class."""
import math
import warnings

import pytest

import fungrad.torch as shim
from nn_kit import real_torch_or_none

torch = real_torch_or_none("2.13.")
INF, NAN = math.inf, math.nan
BOOL_SCALAR = ("Expected scalar.isIntegral( false) to be true, but got false.  (Could this error "
               "message be improved?  If so, please report an enhancement request to PyTorch.)")
STRIDED = "coalesce expected sparse coordinate tensor layout but got Strided"
DEVICE = "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga"

# call -> (error type, message prefix)
REFUSED = {
    # a one-element bool tensor in col2im's SymInt[2] output_size (fold) is not an int
    "fold(x, (b, b), 2)": (lambda T: T.nn.functional.fold(
        T.ones(1, 4, 4), (T.tensor(True), T.tensor(True)), 2), (RuntimeError, BOOL_SCALAR)),
    "fold(b4, b4, b4)": (lambda T: T.nn.functional.fold(*[T.tensor([True, False, True])] * 3),
                         (RuntimeError, BOOL_SCALAR)),
    # ... but is one in im2col's int[2] (unfold): 4 of them are not 2
    "unfold(b4, b4)": (
        lambda T: T.nn.functional.unfold(*[T.tensor([True, False, True, True])] * 2),
        (RuntimeError, "It is expected kernel_size equals to 2, but got size 4")),
    # a dense tensor has no coalesce
    "x.coalesce()": (lambda T: T.ones(2, 3).coalesce(), (RuntimeError, STRIDED)),
    "int.coalesce()": (lambda T: T.arange(3).coalesce(), (RuntimeError, STRIDED)),
    # device strings and indices parsed as torch.device does
    "device(-1)": (lambda T: T.device(-1), (RuntimeError, "Device index must not be negative")),
    "device('cuda', -2)": (lambda T: T.device("cuda", -2), (
        RuntimeError, "Device index must not be negative")),
    "is_autocast_enabled('abc')": (lambda T: T.is_autocast_enabled("abc"), (RuntimeError, DEVICE)),
    "x.is_pinned('gpu')": (lambda T: T.ones(2).is_pinned("gpu"), (RuntimeError, DEVICE)),
    "x.is_pinned(-1)": (lambda T: T.ones(2).is_pinned(-1), (
        RuntimeError, "Device index must not be negative")),
    # movedim/moveaxis take lists in both positions: their dims are checked
    "movedim(x, [0, 5], [1, 0])": (lambda T: T.movedim(T.ones(2, 3), [0, 5], [1, 0]), (
        IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 5)")),
    "x.moveaxis((2, -3), (2, -3))": (lambda T: T.ones(3).moveaxis((2, -3), (2, -3)), (
        IndexError, "Dimension out of range (expected to be in range of [-1, 0], but got 2)")),
    # torch.split calls its argument's own split: a string's refuses an int
    "split('a b', 1)": (lambda T: T.split("a b", 1), (TypeError, "must be str or None, not int")),
}
# call -> value
TAKEN = {
    "is_autocast_enabled('cpu')": (lambda T: T.is_autocast_enabled("cpu"), False),
    "is_autocast_enabled('cuda:0')": (lambda T: T.is_autocast_enabled("cuda:0"), False),
    "x.is_pinned('cpu')": (lambda T: T.ones(2).is_pinned("cpu"), False),
    "split('a b c', ' ')": (lambda T: T.split("a b c", " "), ["a b c"]),  # (maxsplit: dim 0)
    "movedim(x, [0, 1], [1, 0]).shape": (
        lambda T: tuple(T.movedim(T.ones(2, 3), [0, 1], [1, 0]).shape), (3, 2)),
    "unfold(x, (b, b)) sum": (lambda T: T.nn.functional.unfold(
        T.ones(1, 2, 3, 3), (T.tensor(True), T.tensor(True))).sum().item(), 18.0),
    "typename(None)": (lambda T: T.typename(None), "NoneType"),
    "typename(int)": (lambda T: T.typename(int), "int"),
    "typename(math.sin)": (lambda T: T.typename(math.sin), "math.sin"),
    "typename([])": (lambda T: T.typename([]), "list"),
    "typename(OrderedDict)": (lambda T: T.typename(__import__("collections").OrderedDict()),
                              "collections.OrderedDict"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused(name):
    call, (kind, text) = REFUSED[name]
    for T in (shim, torch) if torch is not None else (shim,):
        with pytest.raises(kind) as info, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # is_pinned's device argument
            call(T)
        assert str(info.value).startswith(text), (T.__name__, str(info.value)[:200])


@pytest.mark.parametrize("name", sorted(TAKEN))
def test_taken(name):
    call, want = TAKEN[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # is_pinned's device argument
        assert call(shim) == want
        if torch is not None:
            assert call(torch) == want


def test_is_pinned_device_deprecated():
    with pytest.warns(DeprecationWarning, match="The argument 'device' of Tensor.is_pinned"):
        shim.ones(2).is_pinned("cpu")


# torch's zeta(x, q) at infinities (its kernel: a series of (k + q)^-x): nan where x is inf and
# q > 1, or q is inf (x not 1); inf at x == 1 and where x is inf and q < 1; 1 at (inf, 1)
ZETA = [((INF, 0.5), INF), ((INF, 1.0), 1.0), ((INF, 1.5), NAN), ((INF, 1e30), NAN),
        ((2.0, INF), NAN), ((1.0, INF), INF), ((INF, INF), NAN), ((3.0, 2.0), 0.2020569),
        ((2.0, 1e6), 1.0000005e-06), ((NAN, 2.0), NAN)]


@pytest.mark.parametrize("xq,want", ZETA)
def test_zeta_at_infinities(xq, want):
    x, q = xq
    for T in (shim, torch) if torch is not None else (shim,):
        got = T.special.zeta(T.tensor([x]), T.tensor([q])).item()
        if math.isnan(want):
            assert math.isnan(got), (T.__name__, xq, got)
        else:
            assert got == pytest.approx(want, rel=1e-5), (T.__name__, xq, got)


# an index tensor of a dtype torch's kernels refuse: torch's error type and text (int16, bool,
# float; int32 is taken where torch takes it)
INDEX_OPS = {
    "gather": (lambda T, x, i: x.gather(1, i), RuntimeError,
               "gather(): Expected dtype int32/int64 for index"),
    "index_select": (lambda T, x, i: x.index_select(0, i.reshape(-1)), RuntimeError,
                     "index_select(): Expected dtype int32 or int64 for index"),
    "scatter": (lambda T, x, i: x.scatter(1, i, 1.0), RuntimeError,
                "scatter(): Expected dtype int32/int64 for index"),
    "scatter_add": (lambda T, x, i: x.scatter_add(1, i, x[:, :1]), RuntimeError,
                    "scatter(): Expected dtype int32/int64 for index"),
    "scatter_reduce": (lambda T, x, i: x.scatter_reduce(1, i, x[:, :1], "sum"), RuntimeError,
                       "scatter(): Expected dtype int32/int64 for index"),
    "index_add": (lambda T, x, i: x.index_add(0, i.reshape(-1), x[:2]), RuntimeError,
                  "index_add_(): Expected dtype int32/int64 for index but got: {}"),
    "index_copy": (lambda T, x, i: x.index_copy(0, i.reshape(-1), x[:2]), RuntimeError,
                   "index_copy_(): Expected a long tensor for index, but got {}"),
    "index_fill": (lambda T, x, i: x.index_fill(0, i.reshape(-1), 1.0), IndexError,
                   "index_fill_(): Expected dtype int64 for index."),
    "index_reduce": (lambda T, x, i: x.index_reduce(0, i.reshape(-1), x[:2], "prod"),
                     RuntimeError, "index_reduce_(): Expected dtype int32/int64 for index but got: {}"),
}
_TORCH_NAME = {"int16": "Short", "bool": "Bool", "float32": "Float", "uint8": "Byte", "int32": "Int"}


@pytest.mark.parametrize("dtype", ["int16", "bool", "float32", "uint8"])
@pytest.mark.parametrize("name", sorted(INDEX_OPS))
def test_index_dtype_refused_as_torch(name, dtype):
    f, error, text = INDEX_OPS[name]
    x = shim.ones(2, 3)
    i = shim.tensor([[0], [1]]).to(getattr(shim, dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # index_reduce is in beta (torch warns)
        with pytest.raises(error) as e:
            f(shim, x, i)
        assert str(e.value) == text.format(_TORCH_NAME[dtype])
        if torch is not None:
            with pytest.raises(error) as te:
                f(torch, torch.ones(2, 3), torch.tensor([[0], [1]]).to(getattr(torch, dtype)))
            assert str(te.value) == str(e.value)


@pytest.mark.parametrize("name", sorted(set(INDEX_OPS) - {"index_copy", "index_fill"}))
def test_int32_index_taken_where_torch_takes_it(name):
    f = INDEX_OPS[name][0]
    x = shim.ones(2, 3)
    got = f(shim, x, shim.tensor([[0], [1]], dtype=shim.int32))
    want = f(shim, x, shim.tensor([[0], [1]]))
    assert got.tolist() == want.tolist()
