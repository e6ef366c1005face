"""torch's errors for an int beyond int64 (10**20) as an argument (_argspec.OVERFLOW, read by
_argcheck.checked; kind h of _argcheck.kind_of): the error type depends on how torch's
argument parser reads that position: a Scalar (OverflowError "int too big to convert"), an int
(ValueError "Overflow when unpacking long long"), an element of a list of ints (TypeError
"failed to unpack the object at pos N"), a Tensor (its type check: TypeError "must be Tensor,
not int"), a float (taken: the op's own check or value). Of two, torch's C++ binding reads the
later one first. Each case states torch 2.13's outcome and is compared with live torch where it
is installed."""
import math

import numpy as np
import pytest

import fungrad.torch as shim
from nn_kit import real_torch_or_none

torch = real_torch_or_none("2.13.")
H = 10 ** 20
SCALAR = (OverflowError, "int too big to convert")
INT = (ValueError, "Overflow when unpacking long long")

# call -> (torch's error type, its message or a prefix of it)
REFUSED = {
    # Scalar positions
    "arange(H)": (lambda T, x: T.arange(H), SCALAR),
    "full_like(x, H)": (lambda T, x: T.full_like(x, H), SCALAR),
    "x.add(H)": (lambda T, x: x.add(H), SCALAR),
    "x.fill_diagonal_(H)": (lambda T, x: x.fill_diagonal_(H), SCALAR),
    "threshold(x, H, 0)": (lambda T, x: T.threshold(x, H, 0), SCALAR),
    "F.threshold(x, 0.5, H)": (lambda T, x: T.nn.functional.threshold(x, 0.5, H), SCALAR),
    # int positions (a dim, a count, a size), positional and by keyword
    "x.cumsum_(H)": (lambda T, x: x.cumsum_(H), INT),
    "x.max(H)": (lambda T, x: x.max(H), INT),
    "x.max(dim=H)": (lambda T, x: x.max(dim=H), INT),
    "x.unsqueeze_(H)": (lambda T, x: x.unsqueeze_(H), INT),
    "randperm(H)": (lambda T, x: T.randperm(H), INT),
    "x.tensor_split(H)": (lambda T, x: x.tensor_split(H), INT),
    "x.multinomial(H)": (lambda T, x: x.multinomial(H), INT),
    "x.to(H)": (lambda T, x: x.to(H), INT),
    "F.adaptive_avg_pool2d(x, H)": (lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, H), INT),
    # data (tensor's and as_tensor's conversion of a Python int)
    "tensor(H)": (lambda T, x: T.tensor(H), INT),
    "as_tensor(H)": (lambda T, x: T.as_tensor(H), INT),
    # an element of a list of ints given as *size
    "x.flip(H)": (lambda T, x: x.flip(H), (TypeError, "flip(): argument 'dims' failed to "
                                           "unpack the object at pos 1 with error \"Overflow")),
    "x.broadcast_to(H)": (lambda T, x: x.broadcast_to(H), (
        TypeError, "broadcast_to(): argument 'size' failed to unpack the object at pos 1")),
    "x.new(H)": (lambda T, x: x.new(H), (TypeError, "new(): argument 'size' failed to unpack")),
    # a Tensor position: the type check, whatever the int's value
    "sin(H)": (lambda T, x: T.sin(H), (TypeError, "sin(): argument 'input' (position 1) must "
                                                  "be Tensor, not int")),
    # two of them: the later position's error (OverflowError for start, ValueError for steps)
    "linspace(H, H, H)": (lambda T, x: T.linspace(H, H, H), INT),
    "linspace(H, 1, 2)": (lambda T, x: T.linspace(H, 1, 2), SCALAR),
    "x.renorm(H, H, H)": (lambda T, x: x.renorm(H, H, H), SCALAR),
    "x.renorm(2, H, 1)": (lambda T, x: x.renorm(2, H, 1), INT),
    # torch's Python function checks its input's rank before its parser reads num_groups
    "F.group_norm(row, H)": (lambda T, x: T.nn.functional.group_norm(x[0], H), (
        RuntimeError, "Expected at least 2 dimensions for input tensor")),
    # the op's own range check of a float argument given a huge int
    "x.bernoulli_(H)": (lambda T, x: x.bernoulli_(H), (
        RuntimeError, "bernoulli_ expects p to be in [0, 1], but got p=1e+20")),
    "x.quantile(H)": (lambda T, x: x.quantile(H), (
        RuntimeError, "quantile() q must be in the range [0, 1] but got 1e+20")),
}
# torch takes a huge int where it reads a float (or a Python-level value): the same value
TAKEN = {
    "x.new_tensor(H)": lambda T, x: x.new_tensor(H),
    "x.nan_to_num(H)": lambda T, x: x.nan_to_num(H),
    "x.logit(H)": lambda T, x: x.logit(H),
    "x.cauchy_(H).shape": lambda T, x: x.cauchy_(H).shape,
    "broadcast_shapes((H,))": lambda T, x: T.broadcast_shapes(H),
}


def _x(T):
    return T.tensor([[0.5, -1.0, 2.0, 0.25], [1.5, 0.75, -0.5, 3.0], [0.1, 0.2, 0.3, 0.4]])


def _raised(T, call):
    with pytest.raises(Exception) as info:
        call(T, _x(T))
    return info.value


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_torchs_error(name):
    call, (kind, text) = REFUSED[name]
    e = _raised(shim, call)
    assert isinstance(e, kind), (name, type(e), e)
    assert str(e).startswith(text), (name, str(e))


@pytest.mark.skipif(torch is None, reason="real PyTorch 2.13 is not installed")
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_as_live_torch(name):
    call, (kind, text) = REFUSED[name]
    e = _raised(torch, call)
    assert isinstance(e, kind) and str(e).startswith(text), (name, type(e), str(e)[:200])


def _value(T, call):
    out = call(T, _x(T))
    if isinstance(out, T.Tensor):
        return [v if not (isinstance(v, float) and math.isnan(v)) else "nan"
                for v in out.reshape(-1).tolist()], str(out.dtype).split(".")[-1]
    return tuple(out)


@pytest.mark.parametrize("name", sorted(TAKEN))
def test_taken(name):
    got = _value(shim, TAKEN[name])
    if name.endswith(".shape"):
        assert got == (3, 4)
    elif name.startswith("broadcast_shapes"):
        assert got == (H,)
    elif name.startswith("x.new_tensor"):
        assert got == ([float(np.float32(1e20))], "float32")
    elif name.startswith("x.logit"):
        assert got == (["nan"] * 12, "float32")  # eps beyond 1: nan everywhere, as torch
    if torch is not None:
        want = _value(torch, TAKEN[name])
        if name.endswith(".shape") or name.startswith("broadcast_shapes"):
            assert got == tuple(want)
        else:
            assert got[1] == want[1]
            assert all(a == b or (a != a and b != b) or (isinstance(a, float) and math.isclose(
                a, b, rel_tol=1e-6)) for a, b in zip(got[0], want[0])), (got, want)
