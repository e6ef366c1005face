"""Scenarios: Tensor ops, their grad_fn names and gradients, reprs, nn.functional."""

from scenario_kit import E, L, R, scenario, t


def _names(outputs):
    return {k: (v.grad_fn.name() if v.grad_fn is not None else None) for k, v in outputs.items()}


def _grads(torch, loss, *inputs):
    return [L(g) for g in torch.autograd.grad(loss, inputs, allow_unused=False)]


@scenario
def o01_grad_fn_names_arithmetic(torch):
    a = t(torch, [1.0, 2.0], requires_grad=True)
    b = t(torch, [3.0, 4.0], requires_grad=True)
    return _names({
        "a+b": a + b, "a+1": a + 1, "a-b": a - b, "a-1": a - 1, "sub_alpha": torch.sub(a, b, alpha=2),
        "1-a": 1 - a, "a*b": a * b, "a*2": a * 2, "2/a": 2 / a, "outer": torch.outer(a, b),
        "a/b": a / b, "a/2": a / 2, "a**2": a**2, "square": a.square(), "a**b": a**b,
        "2**a": 2**a, "-a": -a,
    })


@scenario
def o02_grad_fn_names_unary_and_reductions(torch):
    a = t(torch, [[0.5, 1.5], [2.5, 0.25]], requires_grad=True)
    out = {
        "exp": a.exp(), "log": a.log(), "sin": a.sin(), "cos": a.cos(), "tanh": a.tanh(),
        "sigmoid": a.sigmoid(), "sqrt": a.sqrt(), "abs": a.abs(), "relu": a.relu(),
        "clamp": a.clamp(0, 1), "torch.exp": torch.exp(a), "sum": a.sum(), "sum0": a.sum(0),
        "mean": a.mean(), "mean0": a.mean(0), "max": a.max(), "max0": a.max(0).values,
        "min": a.min(), "norm": a.norm(), "var": a.var(), "prod": a.prod(), "cumsum": a.cumsum(0),
    }
    return _names(out)


@scenario
def o03_grad_fn_names_shapes_and_linalg(torch):
    a = t(torch, [[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    v = t(torch, [1.0, 2.0], requires_grad=True)
    b3 = torch.ones(2, 2, 2, requires_grad=True)
    F = torch.nn.functional
    out = {
        "mm": a @ a, "mv": a @ v, "dot": v @ v, "bmm": torch.bmm(b3, b3), "t": a.t(), "T": a.T,
        "transpose": a.transpose(0, 1), "view": a.view(4), "reshape": a.reshape(4),
        "flatten": a.flatten(), "view_as": v.view_as(v), "select": a[0], "slice": a[0:1],
        "index": a[[0, 1]], "unsqueeze": v.unsqueeze(0), "expand": v.expand(3, 2),
        "clone": a.clone(), "cat": torch.cat([a, a]), "stack": torch.stack([v, v]),
        "double": a.double(), "where": torch.where(v > 1, v, v * 0), "softmax": a.softmax(1),
        "log_softmax": a.log_softmax(1), "mse": F.mse_loss(v, torch.zeros(2)),
        "cross_entropy": F.cross_entropy(a, t(torch, [0, 1])), "permute": a.permute(1, 0),
        "squeeze": v.unsqueeze(0).squeeze(0), "repeat": v.repeat(2),
    }
    names = _names(out)
    names["float_is_self"] = a.float() is a
    names["contiguous_is_self"] = a.contiguous() is a
    return names


@scenario
def o04_broadcast_arithmetic_grads(torch):
    a = t(torch, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    b = t(torch, [0.5, -1.0, 2.0], requires_grad=True)
    c = t(torch, 1.5, requires_grad=True)
    f = ((a * b + c) / (b + 2) - a**2 + 3 - b / c).sum()
    return {"f": R(f), "grads": _grads(torch, f, a, b, c)}


@scenario
def o05_reduction_grads(torch):
    x = t(torch, [[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]], requires_grad=True)
    m = x.max(dim=1)
    mk = x.min(dim=0, keepdim=True)
    parts = {
        "sum1k": x.sum(1, keepdim=True), "mean0": x.mean(0), "prod": x.prod(), "max": x.max(),
        "maxdim": m.values, "mindim": mk.values, "amax_var": x.var(1),
    }
    out = {k: [R(v), _grads(torch, (v * v).sum(), x)] for k, v in parts.items()}
    out["indices"] = [R(m.indices), R(mk.indices), R(m[1])]
    return out


@scenario
def o06_ties_and_kinks(torch):
    x = t(torch, [2.0, 2.0, 1.0, 0.0, -1.0], requires_grad=True)
    return {
        "max_all": _grads(torch, x.max(), x), "max_dim": _grads(torch, x.max(0).values, x),
        "min_all": _grads(torch, x.min(), x), "relu": _grads(torch, x.relu().sum(), x),
        "abs": _grads(torch, x.abs().sum(), x), "clamp": _grads(torch, x.clamp(0, 2).sum(), x),
        "clamp_min": _grads(torch, x.clamp(min=1).sum(), x),
    }


@scenario
def o07_unary_grads(torch):
    x = t(torch, [0.25, 0.5, 1.0, 2.0], dtype=torch.float64, requires_grad=True)
    fns = {
        "exp": torch.exp, "log": torch.log, "sin": torch.sin, "cos": torch.cos,
        "tanh": torch.tanh, "sigmoid": torch.sigmoid, "sqrt": torch.sqrt,
        "pow3": lambda v: v.pow(3), "rsqrt_like": lambda v: 1 / v.sqrt(),
    }
    return {k: [L(f(x)), _grads(torch, f(x).sum(), x)] for k, f in fns.items()}


@scenario
def o08_pow_special_points(torch):
    x = t(torch, [0.0, 1.0, 2.0], requires_grad=True)
    e = t(torch, [2.0, 3.0, 0.5], requires_grad=True)
    return {
        "x**0": _grads(torch, (x**0).sum(), x), "x**2": _grads(torch, (x**2).sum(), x),
        "x**e": _grads(torch, (x**e).sum(), x, e), "2**x": _grads(torch, (2**x).sum(), x),
        "sqrt0": _grads(torch, x.sqrt().sum(), x), "vals": R(x**e),
    }


@scenario
def o09_matmul_grads(torch):
    A = torch.arange(6.0).reshape(2, 3).requires_grad_()
    B = (torch.arange(12.0).reshape(3, 4) / 4).requires_grad_()
    v = t(torch, [1.0, -1.0, 2.0], requires_grad=True)
    batch = torch.arange(12.0).reshape(2, 2, 3).requires_grad_()
    mm = (A @ B).sum()
    bcast = torch.matmul(batch, B).pow(2).sum()
    bmm = torch.bmm(batch, B[:, :3].unsqueeze(0).expand(2, 3, 3)).sum()
    return {
        "mm": [R(mm), _grads(torch, mm, A, B)], "mv": _grads(torch, (A @ v).sum(), A, v),
        "dot": _grads(torch, v.dot(v), v), "vecmat": _grads(torch, (v @ B).sum(), v, B),
        "bmm": [R(bmm), _grads(torch, bmm, batch, B)], "bcast": [R(bcast), _grads(torch, bcast, batch, B)],
        "mm_fn": _grads(torch, torch.mm(A, B).mean(), A, B),
    }


@scenario
def o10_indexing_grads(torch):
    x = torch.arange(12.0).reshape(3, 4).requires_grad_()
    w = torch.arange(1.0, 13.0).reshape(3, 4)
    picks = {
        "row": x[0], "col": x[:, 1], "repeat_rows": x[[0, 0, 2]], "mask": x[x > 6],
        "step": x[1:, ::2], "neg": x[-1, -2], "ellipsis": x[..., 0],
    }
    out = {}
    for k, v in picks.items():
        out[k] = [R(v), _grads(torch, (v * w.reshape(-1)[: v.numel()].reshape(v.shape)).sum(), x)]
    return out


@scenario
def o11_shape_op_grads(torch):
    x = torch.arange(6.0).reshape(2, 3).requires_grad_()
    ops = {
        "view": lambda a: a.view(3, 2), "reshape": lambda a: a.reshape(-1), "flatten": lambda a: a.flatten(),
        "unsqueeze": lambda a: a.unsqueeze(1), "squeeze": lambda a: a.unsqueeze(0).squeeze(),
        "permute": lambda a: a.permute(1, 0), "transpose": lambda a: a.transpose(0, 1),
        "t": lambda a: a.t(), "T": lambda a: a.T, "expand": lambda a: a[:1].expand(4, 3),
        "repeat": lambda a: a.repeat(2, 2),
    }
    out = {}
    for k, f in ops.items():
        y = f(x)
        wts = torch.arange(1.0, y.numel() + 1).reshape(y.shape)
        out[k] = [list(y.shape), _grads(torch, (y * wts).sum(), x)]
    return out


@scenario
def o12_cat_stack_where(torch):
    a = t(torch, [1.0, -2.0], requires_grad=True)
    b = t(torch, [3.0, 4.0], requires_grad=True)
    c = torch.cat([a, b * 2, a])
    s = torch.stack([a, b], dim=1)
    w = torch.where(a > 0, a * b, b - a)
    f = (c * torch.arange(6.0)).sum() + (s * s).sum() + w.sum()
    return {"c": R(c), "s": R(s), "w": R(w), "grads": _grads(torch, f, a, b)}


@scenario
def o13_softmax_family(torch):
    x = t(torch, [[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]], requires_grad=True)
    wts = t(torch, [[1.0, 0.0, -1.0], [2.0, 0.5, 0.0]])
    sm = x.softmax(dim=1)
    lsm = torch.log_softmax(x, dim=-1)
    fsm = torch.nn.functional.softmax(x, dim=0)
    return {"sm": R(sm), "lsm": R(lsm), "fsm": R(fsm),
            "g_sm": _grads(torch, (sm * wts).sum(), x),
            "g_lsm": _grads(torch, (lsm * wts).sum(), x)}


@scenario
def o14_in_place_on_non_leaf(torch):
    x = t(torch, [1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    y.add_(1)
    n1 = y.grad_fn.name()
    y.mul_(x)
    n2 = y.grad_fn.name()
    y[0] = 10.0
    n3 = y.grad_fn.name()
    (g,) = torch.autograd.grad(y.sum(), x)
    z = x * 1
    z.zero_()
    k = x * 1
    k.fill_(2.0)
    f = x * 2
    f.copy_(x * x)
    names = [n1, n2, n3, z.grad_fn.name(), k.grad_fn.name(), f.grad_fn.name()]
    return {"names": names, "y": R(y), "g": L(g), "k": R(k),
            "gz": _grads(torch, (z + x).sum(), x), "gf": _grads(torch, f.sum(), x),
            "version": y._version}


@scenario
def o15_setitem_with_grad_value(torch):
    x = t(torch, [1.0, 2.0, 3.0], requires_grad=True)
    w = t(torch, 4.0, requires_grad=True)
    y = x.clone()
    y[0] = w * 2
    y[1:] *= 3
    f = (y * y).sum()
    return {"y": R(y), "grads": _grads(torch, f, x, w)}


@scenario
def o16_tensor_api(torch):
    x = t(torch, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    d = x.double()
    (g,) = torch.autograd.grad(d.sum(), x)
    return {
        "item": x[1, 2].item(), "tolist": x.tolist(), "shape": list(x.shape), "size": list(x.size()),
        "size0": x.size(0), "dim": x.dim(), "numel": x.numel(), "dtype": str(x.dtype),
        "T": R(x.T), "double": R(d), "g_dtype": str(g.dtype), "clone": R(x.clone()),
        "len": len(x), "shape_repr": repr(x.shape), "size_eq": x.shape == (2, 3),
    }


@scenario
def o17_creation_functions(torch):
    import numpy as np

    out = {
        "zeros": torch.zeros(2, 3), "ones": torch.ones(2), "full": torch.full((2,), 7.0),
        "full_int": torch.full((2,), 7), "arange": torch.arange(5), "arange_f": torch.arange(0.0, 1.0, 0.25),
        "linspace": torch.linspace(0, 1, 5), "eye": torch.eye(2),
        "zeros_like": torch.zeros_like(torch.ones(2, 1)),
        "ones_like": torch.ones_like(torch.arange(3)), "full_like": torch.full_like(torch.ones(2), 3.5),
        "from_numpy": torch.from_numpy(np.array([1.0, 2.0])), "as_tensor": torch.as_tensor([1, 2]),
        "bool": t(torch, [True, False]), "int32": t(torch, [1, 2], dtype=torch.int32),
        "f64": torch.zeros(2, dtype=torch.float64), "empty_shape": torch.zeros(0, 3),
        "rg": torch.ones(2, 2, requires_grad=True), "float_list": t(torch, [1, 2.5]),
    }
    res = {k: R(v) for k, v in out.items()}
    res["empty"] = list(torch.empty(2, 3).shape)
    return res


@scenario
def o18_dtype_promotion(torch):
    f = t(torch, [1.0, 2.0], requires_grad=True)
    i = t(torch, [1, 2])
    d = t(torch, [1.0, 2.0], dtype=torch.float64)
    return {k: [str(v.dtype), R(v)] for k, v in {
        "int*float": i * f, "f64+f32": d + f, "scalar*f": f * 2.5, "int+int": i + i,
        "int/int": i / i, "int*2.5": i * 2.5, "bool_sum": t(torch, [True, True, False]).sum(),
        "int_sum": i.sum(), "int_mean": i.float().mean(),
    }.items()}


@scenario
def o19_prod_norm_var_cumsum(torch):
    x = t(torch, [2.0, 0.0, 3.0], dtype=torch.float64, requires_grad=True)
    y = t(torch, [3.0, 4.0], requires_grad=True)
    z = t(torch, [1.0, 2.0, 4.0], requires_grad=True)
    return {
        "prod_zero": _grads(torch, x.prod(), x), "norm": [R(y.norm()), _grads(torch, y.norm(), y)],
        "var": [R(z.var()), _grads(torch, z.var(), z)], "cumsum": _grads(torch, (z.cumsum(0) ** 2).sum(), z),
    }


@scenario
def o20_losses(torch):
    F = torch.nn.functional
    pred = t(torch, [[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]], requires_grad=True)
    target = t(torch, [[1.0, 0.0, 2.5], [0.0, 0.5, -0.5]])
    labels = t(torch, [2, 0])
    prob = t(torch, [0.2, 0.7, 0.9], requires_grad=True)
    ybin = t(torch, [0.0, 1.0, 1.0])
    losses = {
        "mse": F.mse_loss(pred, target), "mse_sum": F.mse_loss(pred, target, reduction="sum"),
        "mse_none": F.mse_loss(pred, target, reduction="none"), "l1": F.l1_loss(pred, target),
        "smooth_l1": F.smooth_l1_loss(pred, target), "ce": F.cross_entropy(pred, labels),
        "nll": F.nll_loss(F.log_softmax(pred, dim=1), labels),
        "bce": F.binary_cross_entropy(prob, ybin),
        "bce_logits": F.binary_cross_entropy_with_logits(pred[0], ybin),
    }
    out = {}
    for k, v in losses.items():
        ins = (prob,) if k == "bce" else (pred,)
        out[k] = [R(v), v.grad_fn.name(), _grads(torch, v.sum(), *ins)]
    return out


@scenario
def o21_activations(torch):
    F = torch.nn.functional
    x = t(torch, [-2.0, -0.5, 0.0, 0.5, 2.0], requires_grad=True)
    acts = {
        "relu": F.relu(x), "leaky_relu": F.leaky_relu(x, 0.1), "gelu": F.gelu(x), "elu": F.elu(x),
        "silu": F.silu(x), "softplus": F.softplus(x), "sigmoid": torch.sigmoid(x),
        "tanh": torch.tanh(x), "softmax": F.softmax(x, dim=0), "log_softmax": F.log_softmax(x, dim=0),
    }
    wts = t(torch, [1.0, 2.0, 3.0, 4.0, 5.0])
    return {k: [R(v), _grads(torch, (v * wts).sum(), x)] for k, v in acts.items()}


@scenario
def o22_mlp_training_steps(torch):
    F = torch.nn.functional
    X = torch.linspace(-1, 1, 12).reshape(4, 3)
    y = t(torch, [0.5, -0.5, 1.0, 0.0])
    W1 = (torch.linspace(-0.5, 0.5, 15).reshape(3, 5)).requires_grad_()
    b1 = torch.zeros(5, requires_grad=True)
    W2 = (torch.linspace(0.3, -0.3, 5).reshape(5, 1)).requires_grad_()
    losses = []
    for _ in range(5):
        pred = (torch.tanh(X @ W1 + b1) @ W2).squeeze(1)
        loss = F.mse_loss(pred, y)
        loss.backward()
        with torch.no_grad():
            for p in (W1, b1, W2):
                p -= 0.5 * p.grad
                p.grad.zero_()
        losses.append(loss.item())
    return {"losses": losses, "W2": L(W2), "b1": L(b1), "leaf": W1.is_leaf, "repr": R(loss)}


@scenario
def o23_repr_gallery(torch):
    rg = {"requires_grad": True}
    x9 = torch.arange(9.0, requires_grad=True)
    return [
        R(torch.ones(2, 2, **rg).sum()), R(torch.ones(2, 2, **rg) @ torch.ones(2, 2)),
        R(t(torch, 2.0, **rg).exp()), R(x9 / 3), R(x9.double() / 3),
        R(torch.arange(40.0, **rg).reshape(2, 20) * 1.5), R(torch.arange(24.0).reshape(2, 3, 4)),
        R(torch.arange(1001.0)), R(t(torch, [1e-5, 1.0], **rg) * 1),
        R(t(torch, 3.0, dtype=torch.float64, **rg).sum()),
        str(t(torch, [1.5, 2.0])), R(torch.zeros(0, **rg)), R(torch.zeros(0, 3)), R(t(torch, 0.5, **rg) * 1),
    ]


@scenario
def o24_errors_in_ops(torch):
    a = torch.ones(2, 3)
    return {
        "mm_shapes": E(lambda: a @ a), "view": E(lambda: a.view(4)),
        "cat_dims": E(lambda: torch.cat([a, torch.ones(2)])),
        "item": E(lambda: a.item()),
    }
