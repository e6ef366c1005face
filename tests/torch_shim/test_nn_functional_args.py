"""nn.functional and torch's top-level nn ops on arguments the hostile sweep's calls do not reach:
torch's ATen argument order and defaults of the top-level ops, implicit softmax dims, values at
infinities, unbatched im2col/col2im inputs, and torch's errors for them (the expected values are
real PyTorch 2.13's)."""
import math
import warnings

import numpy as np
import pytest

import fungrad.torch as torch
import fungrad.torch.nn.functional as F

INF = math.inf


def test_top_level_batch_norm_takes_atens_argument_order():
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.75, -0.5]])
    w, b = torch.tensor([2.0, 1.0, 0.5]), torch.tensor([0.0, 1.0, -1.0])
    rm, rv = torch.tensor([0.5, 0.0, 1.0]), torch.tensor([1.0, 4.0, 0.25])
    top = torch.batch_norm(x, w, b, rm, rv, False, 0.1, 1e-5, True)
    assert np.allclose(top.numpy(), F.batch_norm(x, rm, rv, w, b).numpy())
    assert np.allclose(top.numpy()[0], [0.0, 0.5, 0.0], atol=1e-4)
    with pytest.raises(TypeError, match='missing 6 required positional argument: "running_mean"'):
        torch.batch_norm(x, w, b)


def test_top_level_losses_take_an_int_reduction_and_default_to_none():
    x = torch.tensor([0.5, 1.0, 2.0, 3.0])
    assert torch.hinge_embedding_loss(x, x).tolist() == [1.0, 1.0, 2.0, 3.0]
    assert torch.hinge_embedding_loss(x, x, 1.0, 1).item() == pytest.approx(1.75)
    assert torch.hinge_embedding_loss(x, x, 1.0, 2).item() == pytest.approx(7.0)
    assert torch.margin_ranking_loss(x, x, x, 0.5).tolist() == [0.5] * 4
    assert F.hinge_embedding_loss(x, x).item() == pytest.approx(1.75)
    with pytest.raises(RuntimeError, match="1D target tensor expects 2D input tensors"):
        F.cosine_embedding_loss(x, x, x)


def test_softmax_dims():
    x = torch.tensor([[0.0, 1.0], [2.0, 4.0]])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        y = F.softmax(x)  # torch's implicit dim of a 2-d input: 1
    assert any("Implicit dimension choice for softmax" in str(m.message) for m in w)
    assert np.allclose(y.numpy().sum(axis=1), 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert F.log_softmax(torch.tensor(1.5)).item() == 0.0
    with pytest.raises(TypeError, match='missing 1 required positional arguments: "dim"'):
        torch.softmax(x)
    with pytest.raises(NotImplementedError, match="softmax_lastdim_kernel_impl"):
        torch.softmax(torch.tensor([1, 2]), 0)
    assert torch.softmax(torch.tensor([1, 2]), 0, dtype=torch.float32).dtype == torch.float32


def test_activation_values_at_infinities():
    x = torch.tensor([-INF, INF, 0.5])
    assert F.hardsigmoid(x).tolist() == pytest.approx([0.0, 1.0, 0.5 / 6 + 0.5])
    assert F.threshold(x, 0.0, 7.0).tolist() == [7.0, INF, 0.5]
    assert F.hardtanh(torch.tensor([-3, 0, 3])).tolist() == [-1, 0, 1]
    assert F.hardtanh(torch.tensor([-3, 0, 3])).dtype == torch.int64


def test_unfold_fold_unbatched_inputs():
    x = torch.tensor(np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4))
    cols = F.unfold(x, 2)
    assert tuple(cols.shape) == (8, 6)
    assert np.array_equal(cols.numpy(), F.unfold(x[None], 2).numpy()[0])
    back = F.fold(cols, (3, 4), 2)
    assert np.array_equal(back.numpy(), F.fold(cols[None], (3, 4), 2).numpy()[0])
    with pytest.raises(RuntimeError, match="kernel size should be greater than zero"):
        F.unfold(x, (2, -3))


def test_pool_argument_checks():
    x = torch.tensor(np.arange(16, dtype=np.float32).reshape(1, 4, 4))
    assert np.array_equal(F.lp_pool2d(x, INF, 2).numpy(), F.max_pool2d(x.abs(), 2).numpy())
    with pytest.raises(ValueError, match="Input dimension should be at least 4"):
        F.adaptive_avg_pool2d(x, (2, 2, 2))
    with pytest.raises(RuntimeError, match="elements of output_size must be greater"):
        F.adaptive_avg_pool2d(x, -1)
    with pytest.raises(RuntimeError, match="Expected 2 to 3 dimensions"):
        F.avg_pool1d(torch.ones(4), 2)


def test_linear_refuses_two_dtypes():
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype"):
        F.linear(torch.ones(3, 4), torch.ones(2, 4, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="dot : expected both vectors to have same dtype"):
        F.linear(torch.ones(4), torch.ones(4, dtype=torch.int64))
