"""autograd.Function misuse raises torch's error types and texts (recorded from torch 2.13 here,
and compared with live torch when it is installed)."""
import pytest

import fungrad.torch as ftorch

EXPECTED = (RuntimeError, "expected Variable or None (got float)")  # torch 2.13's text


def _backward_returning_a_float(torch):
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return 1.0

    x = torch.ones(2, requires_grad=True)
    try:
        F.apply(x).sum().backward()
    except Exception as e:  # noqa: BLE001 - the error itself is the result
        return type(e), str(e)
    return None


def test_backward_returning_a_non_tensor():
    assert _backward_returning_a_float(ftorch) == EXPECTED


def test_backward_returning_a_non_tensor_matches_live_torch():
    torch = pytest.importorskip("torch", reason="real PyTorch is not installed: live check skipped")
    assert _backward_returning_a_float(torch) == EXPECTED


def test_numpy_inside_a_function_forward_under_torch_func():
    import numpy as np

    class NpSin(ftorch.autograd.Function):
        @staticmethod
        def forward(x):
            return ftorch.tensor(np.sin(x.detach().numpy()))

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * ftorch.cos(x)

    x = ftorch.tensor([0.5, 1.0])
    g = ftorch.func.grad(lambda v: NpSin.apply(v).sum())(x)
    np.testing.assert_allclose(g.numpy(), np.cos([0.5, 1.0]), rtol=1e-6)


def test_cuda_raises_torchs_error_on_a_cpu_build():
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        ftorch.ones(2).cuda()
