"""Scenarios: every optimizer (several configurations each), param groups, state_dict round trips,
zero_grad, errors, and every lr scheduler's rates over epochs."""
from nn_kit import E, L, det, scenario, set_params


def _model(torch):
    nn = torch.nn
    return set_params(torch, nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)))


def _loss(torch, m, k=0):
    x = det(torch, 5, 3, k=k)
    y = det(torch, 5, 2, k=k + 10)
    return ((m(x) - y) ** 2).mean()


def _run(torch, make, steps=6, closure=False):
    m = _model(torch)
    opt = make(m.parameters())
    losses = []
    for i in range(steps):
        opt.zero_grad()
        if closure:
            def c(i=i):
                opt.zero_grad()
                loss = _loss(torch, m, i % 2)
                loss.backward()
                return loss
            losses.append(float(opt.step(c)))
        else:
            loss = _loss(torch, m, i % 2)
            loss.backward()
            opt.step()
            losses.append(float(loss))
    return {"losses": losses, "params": [L(p) for p in m.parameters()]}


_CONFIGS = {
    "SGD": [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9, dampening=0.3),
            dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
            dict(lr=0.1, maximize=True, weight_decay=0.1)],
    "Adam": [dict(lr=0.05), dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1),
             dict(lr=0.05, amsgrad=True), dict(lr=0.05, maximize=True)],
    "AdamW": [dict(lr=0.05), dict(lr=0.05, weight_decay=0.3, amsgrad=True)],
    "RMSprop": [dict(lr=0.01), dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1),
                dict(lr=0.01, alpha=0.9, centered=True)],
    "Adagrad": [dict(lr=0.1), dict(lr=0.1, lr_decay=0.1, weight_decay=0.1,
                                   initial_accumulator_value=0.5)],
    "Adadelta": [dict(), dict(lr=0.5, rho=0.8, weight_decay=0.1)],
    "Adamax": [dict(), dict(lr=0.05, weight_decay=0.1)],
    "NAdam": [dict(), dict(lr=0.05, weight_decay=0.1, momentum_decay=0.01),
              dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)],
    "RAdam": [dict(), dict(lr=0.05, weight_decay=0.1),
              dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)],
}


def _make_opt_scenario(name):
    def fn(torch):
        cls = getattr(torch.optim, name)
        return [_run(torch, lambda ps, kw=kw: cls(ps, **kw), steps=8) for kw in _CONFIGS[name]]
    fn.__name__ = f"o_{name.lower()}_updates"
    return scenario("optim")(fn)


for _n in _CONFIGS:
    _make_opt_scenario(_n)


@scenario("optim")
def o_lbfgs(torch):
    cls = torch.optim.LBFGS
    return [_run(torch, lambda ps: cls(ps, lr=0.5, max_iter=5), steps=3, closure=True),
            _run(torch, lambda ps: cls(ps, history_size=3, max_iter=8), steps=2, closure=True),
            _wolfe_decreases(torch)]


def _wolfe_decreases(torch):
    """strong_wolfe: compared by outcome only (the line search's float32 branch decisions make
    fungrad's iterates drift from torch's within a few line-search steps)."""
    r = _run(torch, lambda ps: torch.optim.LBFGS(ps, line_search_fn="strong_wolfe"), steps=3,
             closure=True)
    return {"decreasing": r["losses"][0] > r["losses"][1] > r["losses"][2],
            "converged_below": r["losses"][2] < 0.6 * r["losses"][0]}


@scenario("optim")
def o_state_dict_and_groups(torch):
    m = _model(torch)
    opt = torch.optim.Adam([{"params": m[0].parameters()},
                            {"params": m[2].parameters(), "lr": 0.5}], lr=0.01)
    for i in range(2):
        opt.zero_grad()
        _loss(torch, m, i).backward()
        opt.step()
    sd = opt.state_dict()
    rec = {"groups": [sorted(k for k in g if k != "params") for g in sd["param_groups"]],
           "group_params": [g["params"] for g in sd["param_groups"]],
           "lrs": [g["lr"] for g in sd["param_groups"]],
           "state_keys": sorted(sd["state"]),
           "state0": sorted(sd["state"][0]), "step": repr(sd["state"][0]["step"]),
           "exp_avg": L(sd["state"][1]["exp_avg"])}
    m2 = _model(torch)
    opt2 = torch.optim.Adam([{"params": m2[0].parameters()},
                             {"params": m2[2].parameters()}], lr=0.01)
    opt2.load_state_dict(sd)
    with torch.no_grad():
        for p, q in zip(m2.parameters(), m.parameters()):
            p.copy_(q)
    for o, mm in ((opt, m), (opt2, m2)):
        o.zero_grad()
        _loss(torch, mm, 5).backward()
        o.step()
    rec["resumed"] = [L(p) for p in m2.parameters()]
    rec["continued"] = [L(p) for p in m.parameters()]
    rec["loaded_lrs"] = [g["lr"] for g in opt2.param_groups]
    opt3 = torch.optim.SGD(m.parameters(), lr=0.1)
    rec["wrong_groups"] = E(lambda: opt3.load_state_dict(sd))
    sgd = torch.optim.SGD(m[0].parameters(), lr=0.1, momentum=0.5)
    sgd.add_param_group({"params": m[2].weight, "lr": 0.01})
    rec["added"] = [[len(g["params"]), g["lr"], g["momentum"]] for g in sgd.param_groups]
    rec["dup"] = E(lambda: sgd.add_param_group({"params": [m[0].weight]}))
    sgd.zero_grad()
    _loss(torch, m).backward()
    sgd.step()
    rec["sgd_state"] = sorted(sgd.state_dict()["state"])
    rec["sgd_buf"] = L(sgd.state_dict()["state"][0]["momentum_buffer"])
    sgd.zero_grad(set_to_none=False)
    rec["zero_not_none"] = [float(p.grad.abs().sum()) for g in sgd.param_groups for p in g["params"]]
    sgd.zero_grad()
    rec["zero_none"] = [p.grad is None for g in sgd.param_groups for p in g["params"]]
    return rec


@scenario("optim")
def o_errors(torch):
    p = torch.nn.Parameter(torch.ones(2))
    return {
        "empty": E(lambda: torch.optim.SGD([], lr=0.1)),
        "tensor": E(lambda: torch.optim.SGD(p, lr=0.1)),
        "neg_lr": E(lambda: torch.optim.Adam([p], lr=-1)),
        "bad_beta": E(lambda: torch.optim.Adam([p], betas=(1.0, 0.9))),
        "bad_eps": E(lambda: torch.optim.Adam([p], eps=-1.0)),
        "nesterov": E(lambda: torch.optim.SGD([p], lr=0.1, nesterov=True)),
        "nonleaf": E(lambda: torch.optim.SGD([p * 2], lr=0.1)),
        "bad_momentum": E(lambda: torch.optim.SGD([p], lr=0.1, momentum=-1)),
        "sgd_default_lr": torch.optim.SGD([p]).param_groups[0]["lr"],
        "adam_defaults": sorted(torch.optim.Adam([p]).defaults),
        "sgd_defaults": sorted(torch.optim.SGD([p]).defaults),
        "skip_none_grad": _skip_none(torch),
    }


def _skip_none(torch):
    a = torch.nn.Parameter(torch.ones(2))
    b = torch.nn.Parameter(torch.ones(2))
    opt = torch.optim.Adam([a, b], lr=0.1)
    (a * 2).sum().backward()
    opt.step()
    return [L(a), L(b), sorted(len(v) for v in opt.state.values())]


def _sched(torch, make, epochs=14, opt="sgd", metric=None):
    p = torch.nn.Parameter(torch.ones(1))
    q = torch.nn.Parameter(torch.ones(1))
    if opt == "sgd":
        o = torch.optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.5}], lr=0.1, momentum=0.9)
    else:
        o = torch.optim.Adam([p, q], lr=0.1)
    s = make(o)
    lrs = [[g["lr"] for g in o.param_groups]]
    moms = []
    for e in range(epochs):
        o.step()
        if metric is None:
            s.step()
        else:
            s.step(metric(e))
        lrs.append([g["lr"] for g in o.param_groups])
        moms.append([g.get("momentum", g.get("betas", (None,))[0]) for g in o.param_groups])
    return {"lrs": lrs, "last": s.get_last_lr() if hasattr(s, "get_last_lr") else None,
            "moms": moms}


@scenario("optim")
def o_schedulers(torch):
    S = torch.optim.lr_scheduler
    return {
        "StepLR": _sched(torch, lambda o: S.StepLR(o, 3, gamma=0.5)),
        "MultiStepLR": _sched(torch, lambda o: S.MultiStepLR(o, [2, 5, 5, 9], gamma=0.3)),
        "ExponentialLR": _sched(torch, lambda o: S.ExponentialLR(o, 0.9)),
        "CosineAnnealingLR": _sched(torch, lambda o: S.CosineAnnealingLR(o, 5, eta_min=0.01),
                                    epochs=16),
        "LambdaLR": _sched(torch, lambda o: S.LambdaLR(o, lambda e: 1.0 / (e + 1))),
        "LambdaLR_list": _sched(torch, lambda o: S.LambdaLR(o, [lambda e: 0.9 ** e,
                                                                lambda e: 1 + e])),
        "MultiplicativeLR": _sched(torch, lambda o: S.MultiplicativeLR(o, lambda e: 0.95)),
        "LinearLR": _sched(torch, lambda o: S.LinearLR(o, 0.25, 1.0, total_iters=6)),
        "ConstantLR": _sched(torch, lambda o: S.ConstantLR(o, 0.5, total_iters=4)),
        "PolynomialLR": _sched(torch, lambda o: S.PolynomialLR(o, total_iters=6, power=2.0)),
        "OneCycleLR": _sched(torch, lambda o: S.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=14)),
        "OneCycleLR_linear_adam": _sched(torch, lambda o: S.OneCycleLR(
            o, max_lr=0.5, epochs=2, steps_per_epoch=7, anneal_strategy="linear", three_phase=True),
            opt="adam"),
        "ReduceLROnPlateau": _sched(torch, lambda o: S.ReduceLROnPlateau(o, patience=2,
                                                                         factor=0.5),
                                    metric=lambda e: [5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3][e]),
        "ReduceLROnPlateau_max_cooldown": _sched(
            torch, lambda o: S.ReduceLROnPlateau(o, mode="max", patience=1, cooldown=2,
                                                 threshold_mode="abs", threshold=0.1,
                                                 min_lr=0.02),
            metric=lambda e: 1.0),
        "SequentialLR": _sched(torch, lambda o: S.SequentialLR(
            o, [S.LinearLR(o, 0.1, total_iters=3), S.ExponentialLR(o, 0.8)], milestones=[4])),
        "SequentialLR3": _sched(torch, lambda o: S.SequentialLR(
            o, [S.ConstantLR(o, 0.5, total_iters=2), S.StepLR(o, 2, 0.5),
                S.CosineAnnealingLR(o, 4)], milestones=[3, 8])),
        "onecycle_too_many": E(lambda: _sched(torch, lambda o: S.OneCycleLR(o, 1.0,
                                                                             total_steps=3))),
        "onecycle_no_steps": E(lambda: _sched(torch, lambda o: S.OneCycleLR(o, 1.0))),
    }


def mlp_classifier_run(torch, steps=200, state=None):
    """An MLP classifier (2 hidden layers, dropout-free) trained full-batch with Adam and a
    CosineAnnealingLR schedule on 3 spiral-like classes built from det(); returns the loss every
    20 steps and the final loss. ``state`` (a state_dict of plain lists) replaces the init."""
    nn = torch.nn
    n = 96
    x = det(torch, n, 2, k=3, scale=2.0)
    y = ((x[:, 0] * 3 + x[:, 1] * 2 + (x[:, 0] * x[:, 1]) * 4).sign() + 1).long()
    model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.ReLU(),
                          nn.Linear(32, 3))
    if state is None:
        set_params(torch, model, scale=0.6)
    else:
        model.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
    opt = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps, eta_min=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    trace = []
    for step in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        sched.step()
        if step % 20 == 0:
            trace.append(loss.item())
    with torch.no_grad():
        final = float(loss_fn(model(x), y))
        acc = float((model(x).argmax(1) == y).float().mean())
    return {"trace": trace, "final": final, "accuracy": acc}


@scenario("optim")
def t_mlp_classifier_adam_cosine_200_steps(torch):
    return mlp_classifier_run(torch)


def cnn_classifier_run(torch, steps=200, state=None):
    """A LeNet-style CNN (conv-relu-maxpool twice, then linear layers) on 16 10x10 images whose
    class is where their bright blob sits, trained full-batch with Adam and a StepLR schedule."""
    nn = torch.nn
    n = 16
    base = det(torch, n, 1, 10, 10, k=5, scale=0.3)
    y = torch.tensor([i % 3 for i in range(n)])
    bumps = torch.zeros(3, 1, 10, 10)
    for c, (r0, c0) in enumerate(((1, 1), (5, 5), (1, 6))):
        bumps[c, 0, r0:r0 + 3, c0:c0 + 3] = 1.0
    x = base + bumps[y]
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(4, 6, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten(),
                          nn.Linear(24, 16), nn.ReLU(), nn.Linear(16, 3))
    if state is None:
        set_params(torch, model, scale=0.4)
    else:
        model.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=50, gamma=0.5)
    loss_fn = nn.CrossEntropyLoss()
    trace = []
    for step in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        sched.step()
        if step % 20 == 0:
            trace.append(loss.item())
    with torch.no_grad():
        final = loss_fn(model(x), y).item()
        acc = (model(x).argmax(1) == y).float().mean().item()
    return {"trace": trace, "final": final, "accuracy": acc}


@scenario("optim")
def t_cnn_lenet_adam_steplr_200_steps(torch):
    return cnn_classifier_run(torch)


@scenario("optim")
def o_step_hooks_and_order_warning(torch):
    from nn_kit import W
    p = torch.nn.Parameter(torch.ones(2))
    o = torch.optim.SGD([p], lr=0.1)
    s = torch.optim.lr_scheduler.StepLR(o, 1, gamma=0.5)
    _, early = W(lambda: s.step())
    log = []
    h1 = o.register_step_pre_hook(lambda opt, args, kwargs: log.append(
        ["pre", type(opt).__name__, len(args), sorted(kwargs)]))
    o.register_step_post_hook(lambda opt, args, kwargs: log.append(["post", args[0] is opt]))
    p.grad = torch.ones(2)
    o.step()
    h1.remove()
    o.step()
    o2 = torch.optim.Adam([p], lr=0.1)
    s2 = torch.optim.lr_scheduler.ExponentialLR(o2, 0.9)
    o2.step()
    _, late = W(lambda: s2.step())
    return {"early_warning": early, "log": log, "late_warning": late, "p": L(p)}
