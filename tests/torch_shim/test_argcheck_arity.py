"""torch's TypeErrors for a wrong count of positional arguments (_argspec.ARITY, _argspec.NUMBERS,
read by _argcheck.with_arity): the shim's message is torch's own, compared with live torch 2.13,
and calls torch takes still pass."""
import pytest

import fungrad.torch as shim
from nn_kit import real_torch_or_none

torch = real_torch_or_none("2.13.")

# calls torch refuses by their count: too few (its parser's message, its overload message),
# too many (its parser's, CPython's for its Python functions, a builtin's without arguments),
# two numbers where no overload takes them
REFUSED = {
    "softmax(x)": lambda T, x: T.softmax(x),
    "softmax(input=x)": lambda T, x: T.softmax(input=x),
    "dropout(x)": lambda T, x: T.dropout(x),
    "dropout(x, 0.5)": lambda T, x: T.dropout(x, 0.5),
    "dropout(x, train=True)": lambda T, x: T.dropout(x, train=True),
    "poisson_nll_loss(x, x)": lambda T, x: T.poisson_nll_loss(x, x),
    "tile(x)": lambda T, x: T.tile(x),
    "range(1)": lambda T, x: T.range(1),
    "x.new_zeros()": lambda T, x: x.new_zeros(),
    "x.softmax()": lambda T, x: x.softmax(),
    "x.contiguous(1)": lambda T, x: x.contiguous(1),
    "x.clone(1, 2)": lambda T, x: x.clone(1, 2),
    "x.is_shared(1)": lambda T, x: x.is_shared(1),
    "x.abs_(1)": lambda T, x: x.abs_(1),
    "is_autocast_cpu_enabled(1)": lambda T, x: T.is_autocast_cpu_enabled(1),
    "get_default_device(1)": lambda T, x: T.get_default_device(1),
    "permute(x, 1, 0)": lambda T, x: T.permute(x, 1, 0),
    "x.view()": lambda T, x: x.view(),
    "view_copy(x)": lambda T, x: T.view_copy(x),
    "randint_like(x)": lambda T, x: T.randint_like(x),
    "float_power(2, 3)": lambda T, x: T.float_power(2, 3),
    "special.zeta(2, 3.5)": lambda T, x: T.special.zeta(2, 3.5),
    # an overload's line of the message names the two numbers' types
    "remainder(2, 3)": lambda T, x: T.remainder(2, 3),
    "remainder(2.5, True)": lambda T, x: T.remainder(2.5, True),
    "remainder(10**20, 10**20)": lambda T, x: T.remainder(10 ** 20, 10 ** 20),
}
# the same functions with counts torch takes
TAKEN = {
    "softmax(x, 1)": lambda T, x: T.softmax(x, 1),
    "softmax(x, dim=1)": lambda T, x: T.softmax(x, dim=1),
    "dropout(x, 0.5, False)": lambda T, x: T.dropout(x, 0.5, False),
    "tile(x, (2,))": lambda T, x: T.tile(x, (2,)),
    "x.new_zeros(2)": lambda T, x: x.new_zeros(2),
    "x.contiguous()": lambda T, x: x.contiguous(),
    "x.view(12)": lambda T, x: x.view(12),
    "view_copy(x, (12,))": lambda T, x: T.view_copy(x, (12,)),
    "float_power(x, 2)": lambda T, x: T.float_power(x, 2),
    "float_power(2, x)": lambda T, x: T.float_power(2, x),
    "permute(x, (1, 0))": lambda T, x: T.permute(x, (1, 0)),
    "remainder(x, 2)": lambda T, x: T.remainder(x, 2),
    "remainder(2, x)": lambda T, x: T.remainder(2, x),
}


def _outcome(T, call):
    x = T.ones(3, 4)
    try:
        call(T, x)
    except TypeError as e:
        # CPython names a builtin method by its class's qualified name, which for torch's
        # methods is Tensor or TensorBase depending on what was imported before torch
        return str(e).replace("TensorBase.", "Tensor.")
    return None


@pytest.mark.parametrize("label", sorted(REFUSED))
def test_refused_with_torchs_message(label):
    got = _outcome(shim, REFUSED[label])
    assert got is not None, f"{label}: the shim takes it"
    if torch is None:
        pytest.skip("real PyTorch 2.13 is not installed: the message is not compared")
    assert got == _outcome(torch, REFUSED[label])


@pytest.mark.parametrize("label", sorted(TAKEN))
def test_taken(label):
    assert _outcome(shim, TAKEN[label]) is None
    if torch is not None:
        assert _outcome(torch, TAKEN[label]) is None
