"""autograd.Function under torch.func transforms uses its own backward / jvp (not the core's
derivative of forward). Each case is checked against literal values and, when real torch 2.13 is
installed, against real torch."""
import numpy as np
import pytest

import fungrad.torch as ftorch

X = [-2.0, -0.5, 0.25, 0.9, 1.5]


def functions(torch):
    class STE(torch.autograd.Function):
        """round(3x) forward; clipped straight-through gradient 2 * [|x| <= 1] backward."""
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return torch.round(x * 3.0)

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * (x.abs() <= 1.0).to(g.dtype) * 2.0

    class Fwd(STE):
        """Adds a (deliberately wrong) forward-mode rule: tangent * 3x."""

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])
            ctx.save_for_forward(inputs[0])

        @staticmethod
        def jvp(ctx, t):
            (x,) = ctx.saved_tensors
            return t * 3.0 * x

    return STE, Fwd


def cases(torch):
    STE, Fwd = functions(torch)
    F = torch.func
    x = torch.tensor(X)
    out = {}
    out["grad"] = F.grad(lambda t: (STE.apply(t) * t).sum())(x)
    out["jacrev"] = F.jacrev(STE.apply)(x)
    out["vmap_grad"] = F.vmap(F.grad(lambda t: (STE.apply(t) ** 2).sum()))(x.reshape(5, 1))
    out["grad_grad"] = F.grad(lambda t: F.grad(lambda u: (STE.apply(u) * u).sum())(t).sum())(x)
    xr = x.clone().requires_grad_()
    (STE.apply(xr) * xr).sum().backward()
    out["backward"] = xr.grad
    xr2 = x.clone().requires_grad_()
    g = F.grad(lambda t: STE.apply(t).sum())(xr2)
    (g * xr2).sum().backward()
    out["backward_through_grad"] = xr2.grad
    out["jvp"] = F.jvp(Fwd.apply, (x,), (torch.ones(5),))[1]
    out["jacfwd"] = F.jacfwd(Fwd.apply)(x)
    out["grad_with_jvp"] = F.grad(lambda t: Fwd.apply(t).sum())(x)
    return {k: v.detach().numpy() for k, v in out.items()}


MASK2 = np.array([0.0, 2.0, 2.0, 2.0, 0.0])
EXPECTED = {
    "grad": np.array([-6.0, -3.0, 1.5, 4.8, 4.0]),
    "jacrev": np.diag(MASK2),
    "vmap_grad": np.array([[-0.0], [-8.0], [4.0], [12.0], [0.0]]),
    "grad_grad": 2 * MASK2,
    "backward": np.array([-6.0, -3.0, 1.5, 4.8, 4.0]),
    "backward_through_grad": MASK2,
    "jvp": 3.0 * np.array(X),
    "jacfwd": np.diag(3.0 * np.array(X)),
    "grad_with_jvp": MASK2,
}


@pytest.fixture(scope="module")
def got():
    return cases(ftorch)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_custom_rule_is_used(got, name):
    np.testing.assert_allclose(got[name], EXPECTED[name], rtol=1e-6)


@pytest.fixture(scope="module")
def real():
    torch = pytest.importorskip("torch", reason="real PyTorch 2.13 is not installed "
                                "(pip install torch==2.13.0): live comparison skipped")
    return cases(torch)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matches_real_torch(got, real, name):
    want = real[name]
    np.testing.assert_allclose(got[name], want, rtol=1e-6)
    assert got[name].dtype == want.dtype


def test_function_without_backward_uses_jvp_rule_in_reverse_mode():
    """A Function with only ``jvp`` is a custom_jvp (torch raises here; the core transposes jvp)."""
    class J(ftorch.autograd.Function):
        @staticmethod
        def forward(x):
            return ftorch.round(x * 3.0)

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_forward(inputs[0])

        @staticmethod
        def jvp(ctx, t):
            (x,) = ctx.saved_tensors
            return t * 3.0 * x

    g = ftorch.func.grad(lambda t: J.apply(t).sum())(ftorch.tensor(X))
    np.testing.assert_allclose(g.numpy(), 3.0 * np.array(X), rtol=1e-6)
