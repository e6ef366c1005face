"""The torch shim's per-op fast paths give what the general paths give (issue 17, item 4):

* an op is traced once per signature (its program cached), also where its closure holds a
  primitive, a slice, Ellipsis, a list or a module, and where data-dependent arrays (dropout's
  mask, max's indices) are operands rather than closure values;
* a recorded op leaves no reference cycle (a node keeps its saved outputs by value), so a
  training step creates no garbage for the cyclic collector;
* the 3-operation nll_loss (no weight, no target equal to ignore_index) and the custom-JVP relu
  are bit for bit the general formulas' values and gradients.
"""
import gc

import numpy as np
import pytest

import fungrad.torch as torch
from fungrad.torch import _record

F = torch.nn.functional


@pytest.fixture
def traces(monkeypatch):
    """The op functions run without a cache key (traced on every call) while the test runs."""
    seen = []
    lin, run = _record._linearize, _record._run

    def counting_lin(fn, vals, diff, jit_op, key):
        if key is None:
            seen.append(getattr(fn, "__qualname__", repr(fn)))
        return lin(fn, vals, diff, jit_op, key)

    def counting_run(fn, vals, key):
        if key is None:
            seen.append(getattr(fn, "__qualname__", repr(fn)))
        return run(fn, vals, key)
    monkeypatch.setattr(_record, "_linearize", counting_lin)
    monkeypatch.setattr(_record, "_run", counting_run)
    return seen


def _x(requires_grad=True):
    rng = np.random.default_rng(0)
    return torch.tensor(rng.standard_normal((6, 5)).astype(np.float32),
                        requires_grad=requires_grad)


CACHED = {
    "max": lambda x: x.max(),
    "min": lambda x: x.min(),
    "max_dim": lambda x: x.max(1).values,
    "min_dim_keepdim": lambda x: x.min(0, keepdim=True).values,
    "slice": lambda x: x[:, 1:4],
    "ellipsis": lambda x: x[..., 2],
    "slice_step": lambda x: x[::2],
    "dropout": lambda x: F.dropout(x, 0.5),
    "sum": lambda x: x.sum(),
    "mean_dim": lambda x: x.mean(1),
    "relu": lambda x: torch.relu(x),
    "add": lambda x: x + x,
    "mul_scalar": lambda x: x * 2.0,
    "cross_entropy": lambda x: F.cross_entropy(x, torch.tensor([0, 1, 2, 3, 4, 0])),
    "permute": lambda x: x.permute(1, 0),
    "max_pool2d": lambda x: F.max_pool2d(x.reshape(1, 1, 6, 5), 2),
    "avg_pool2d": lambda x: F.avg_pool2d(x.reshape(1, 1, 6, 5), 3, stride=2, padding=1),
    "index_select": lambda x: x.index_select(0, torch.tensor([2, 0, 2])),
    "gather": lambda x: x.gather(1, torch.tensor([[0, 1], [2, 2], [4, 0], [1, 1], [3, 3], [0, 4]])),
    "masked_fill": lambda x: x.masked_fill(x > 0, 0.5),
    "sort": lambda x: x.sort(1).values,
}


@pytest.mark.parametrize("name", sorted(CACHED))
@pytest.mark.parametrize("grad", [True, False])
def test_traced_once_per_signature(name, grad, traces):
    f = CACHED[name]
    x = _x(grad)
    first = f(x)
    traces.clear()
    again = f(x)
    assert traces == [], f"{name}: traced again on a second call ({traces})"
    if name != "dropout":  # (a fresh mask per call)
        assert np.array_equal(first.detach().numpy(), again.detach().numpy())


def test_max_dim_gradient_and_indices_match_torch_semantics():
    x = torch.tensor([[1.0, 3.0, 3.0], [2.0, -1.0, 0.5]], requires_grad=True)
    r = x.max(1)
    assert r.indices.tolist() == [1, 0]  # the first of tied maxima, as torch
    r.values.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    assert type(r.values.grad_fn).__name__ == "MaxBackward0"


def test_dropout_mask_is_an_operand_not_a_constant():
    torch.manual_seed(0)
    x = torch.ones(200, requires_grad=True)
    a, b = F.dropout(x, 0.5), F.dropout(x, 0.5)
    assert not np.array_equal(a.detach().numpy(), b.detach().numpy())  # fresh masks
    assert set(np.unique(a.detach().numpy())) <= {0.0, 2.0}
    a.sum().backward()
    assert np.array_equal(x.grad.numpy(), a.detach().numpy())  # d/dx of x * mask / (1 - p)


def _mlp_step(params, X, Y):
    h = X
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = torch.relu(h)
    loss = F.cross_entropy(h, Y)
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= 0.05 * p.grad
            p.grad = None
    return loss


def test_training_steps_leave_no_cyclic_garbage():
    rng = np.random.default_rng(1)
    X = torch.tensor(rng.standard_normal((8, 6)).astype(np.float32))
    Y = torch.tensor(rng.integers(0, 3, 8))
    params = [torch.tensor(rng.standard_normal((6, 5)).astype(np.float32), requires_grad=True),
              torch.zeros(5, requires_grad=True),
              torch.tensor(rng.standard_normal((5, 3)).astype(np.float32), requires_grad=True),
              torch.zeros(3, requires_grad=True)]
    model = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)

    def module_step():
        opt.zero_grad()
        loss = F.cross_entropy(model(X), Y)
        loss.backward()
        opt.step()

    for _ in range(3):  # warm: programs traced and compiled
        _mlp_step(params, X, Y)
        module_step()
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        for _ in range(5):
            _mlp_step(params, X, Y)
            module_step()
        found = gc.collect()
    finally:
        if was:
            gc.enable()
    assert found == 0, f"{found} objects in reference cycles after 5 training steps"


def test_saved_output_rebuilt_after_the_output_is_gone():
    x = torch.tensor([0.5, 1.0], requires_grad=True)
    node = x.exp().grad_fn  # the output tensor is gone: the node kept its value
    saved = node._saved_result
    assert np.array_equal(saved.detach().numpy(), np.exp(np.float32([0.5, 1.0])))
    assert saved.grad_fn is node
    y = x.exp()
    y.add_(1.0)  # modifying the saved output: torch's error names it as the node's output 0
    with pytest.raises(RuntimeError, match=r"\[torch.FloatTensor \[2\]\], which is output 0 of "
                                           r"Exp, is at version 1; expected version 0"):
        y.sum().backward()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_plain_nll_equals_the_general_formula(reduction, dtype):
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((7, 4)).astype(dtype)
    target = torch.tensor(rng.integers(0, 4, 7))
    a = torch.tensor(logits, requires_grad=True)
    b = torch.tensor(logits, requires_grad=True)
    plain = F.cross_entropy(a, target, reduction=reduction)  # no weight, no ignored target
    general = F.cross_entropy(b, target, weight=torch.ones(4, dtype=b.dtype),
                              reduction=reduction)  # the 9-operation formula
    assert plain.dtype == general.dtype
    assert np.array_equal(plain.detach().numpy(), general.detach().numpy())
    g = torch.tensor(rng.standard_normal(tuple(plain.shape)).astype(dtype))
    plain.backward(g)
    general.backward(g)
    assert np.array_equal(a.grad.numpy(), b.grad.numpy())
    assert type(plain.grad_fn).__name__ == type(general.grad_fn).__name__


def test_nll_with_an_ignored_target_takes_the_general_path():
    lp = torch.tensor(np.log(np.full((3, 2), 0.5, np.float32)), requires_grad=True)
    loss = F.nll_loss(lp, torch.tensor([0, 1, 1]), ignore_index=1)
    assert loss.item() == pytest.approx(np.log(2.0))  # the mean over the one kept row
    loss.backward()
    assert lp.grad.tolist() == [[-1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]


def _relu_reference(x, g):
    """torch's relu and threshold_backward, written out with numpy."""
    value = np.where(x < 0, np.zeros_like(x), x)
    grad = np.where(x <= 0, np.zeros_like(g), g)
    return value, grad


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_custom_jvp_bit_for_bit(dtype):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(64).astype(dtype)
    x[::5] = -0.0
    x[1::9] = np.nan
    x[2::11] = -np.inf
    x[3::13] = np.inf
    x[4::7] = 0.0
    g = rng.standard_normal(64).astype(dtype)
    t = torch.tensor(x, requires_grad=True)
    y = torch.relu(t)
    y.backward(torch.tensor(g))
    value, grad = _relu_reference(x, g)
    got = y.detach().numpy()
    assert np.array_equal(got, value, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(value))  # -0. passes through
    assert np.array_equal(t.grad.numpy(), grad, equal_nan=True)
    # second order: relu's gradient is piecewise constant
    t2 = torch.tensor(np.array([-1.0, 2.0], dtype), requires_grad=True)
    (gx,) = torch.autograd.grad(torch.relu(t2).pow(2).sum(), t2, create_graph=True)
    (ggx,) = torch.autograd.grad(gx.sum(), t2)
    assert ggx.tolist() == [0.0, 2.0]
