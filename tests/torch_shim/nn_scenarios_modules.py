"""Scenarios: nn.Module API, Parameter, containers, every layer and loss (values, gradients,
reprs, errors), nn.init, nn.utils and nn.functional."""
import copy
import pickle

from nn_kit import E, L, det, grads, scenario, set_params


def _fwd_bwd(torch, m, *inputs, k=0):
    """Output values and the gradients of sum(out * w) w.r.t. params and float inputs."""
    out = m(*inputs)
    if isinstance(out, tuple):
        out = out[0]
    w = det(torch, *out.shape, k=99)
    (out * w).sum().backward()
    rec = {"out": L(out), "shape": list(out.shape), "grads": grads(m),
           "grad_fn": out.grad_fn.name() if out.grad_fn is not None else None}
    rec["in_grads"] = [L(x.grad) if getattr(x, "grad", None) is not None else None for x in inputs
                       if hasattr(x, "requires_grad")]
    return rec


def _x(torch, *shape, k=0, scale=1.0):
    return det(torch, *shape, k=k, scale=scale, requires_grad=True)


# ---------------------------------------------------------------- reprs
def _all_modules(torch):
    nn = torch.nn
    return [
        nn.Linear(3, 4), nn.Linear(3, 4, bias=False), nn.Bilinear(2, 3, 4), nn.Identity(),
        nn.Flatten(), nn.Unflatten(1, (2, 2)), nn.ReLU(), nn.ReLU(inplace=True), nn.Tanh(),
        nn.Sigmoid(), nn.GELU(), nn.GELU("tanh"), nn.SiLU(), nn.Softmax(dim=1), nn.Softmax(),
        nn.LogSoftmax(1), nn.LeakyReLU(), nn.LeakyReLU(0.2, True), nn.ELU(), nn.ELU(0.5, True),
        nn.Softplus(), nn.Softplus(2, 10), nn.ReLU6(), nn.Hardtanh(), nn.Hardtanh(-2, 2),
        nn.SELU(), nn.CELU(), nn.Mish(), nn.Softsign(), nn.Softshrink(), nn.Hardshrink(),
        nn.Tanhshrink(), nn.Hardsigmoid(), nn.Hardswish(), nn.LogSigmoid(), nn.Softmin(1),
        nn.GLU(), nn.PReLU(), nn.RReLU(), nn.Threshold(0.1, 20), nn.Softmax2d(),
        nn.Dropout(), nn.Dropout(0.1, inplace=True), nn.Dropout1d(), nn.Dropout2d(0.2),
        nn.AlphaDropout(0.2), nn.Embedding(10, 3), nn.Embedding(10, 3, padding_idx=0, max_norm=1.0),
        nn.EmbeddingBag(10, 3), nn.EmbeddingBag(10, 3, mode="sum"), nn.LayerNorm(4),
        nn.LayerNorm((2, 3), elementwise_affine=False), nn.LayerNorm(4, bias=False),
        nn.BatchNorm1d(3), nn.BatchNorm2d(3, momentum=None, affine=False),
        nn.BatchNorm1d(3, track_running_stats=False), nn.GroupNorm(2, 4), nn.InstanceNorm2d(3),
        nn.InstanceNorm1d(3, affine=True), nn.RMSNorm(4), nn.LocalResponseNorm(2),
        nn.MSELoss(), nn.MSELoss(reduction="sum"), nn.L1Loss(), nn.SmoothL1Loss(beta=0.5),
        nn.HuberLoss(), nn.CrossEntropyLoss(), nn.NLLLoss(), nn.BCELoss(),
        nn.BCEWithLogitsLoss(pos_weight=torch.ones(2)), nn.KLDivLoss(reduction="batchmean"),
        nn.CosineEmbeddingLoss(), nn.MarginRankingLoss(), nn.TripletMarginLoss(),
        nn.HingeEmbeddingLoss(), nn.SoftMarginLoss(), nn.MultiLabelSoftMarginLoss(),
        nn.PoissonNLLLoss(), nn.GaussianNLLLoss(), nn.MultiMarginLoss(), nn.MultiLabelMarginLoss(),
        nn.Conv1d(2, 4, 3), nn.Conv2d(2, 4, 3, stride=2, padding=1),
        nn.Conv2d(2, 4, (3, 2), dilation=2, groups=2, bias=False, padding_mode="reflect"),
        nn.Conv2d(2, 4, 3, padding="same"), nn.ConvTranspose1d(2, 4, 3),
        nn.ConvTranspose2d(2, 4, 3, stride=2, output_padding=1), nn.MaxPool1d(2),
        nn.MaxPool2d(2), nn.MaxPool2d(3, 2, 1, ceil_mode=True), nn.AvgPool1d(2), nn.AvgPool2d(2),
        nn.AvgPool2d(3, 2, 1, count_include_pad=False), nn.AdaptiveAvgPool1d(3),
        nn.AdaptiveAvgPool2d((2, 2)), nn.AdaptiveAvgPool2d(1), nn.AdaptiveMaxPool2d(2),
        nn.AdaptiveMaxPool1d(2), nn.RNN(3, 4),
        nn.RNN(3, 4, 2, batch_first=True, bidirectional=True, nonlinearity="relu"),
        nn.LSTM(3, 4), nn.LSTM(3, 4, num_layers=2, dropout=0.1), nn.GRU(3, 4, bias=False),
        nn.RNNCell(3, 4), nn.LSTMCell(3, 4), nn.GRUCell(3, 4), nn.MultiheadAttention(8, 2),
        nn.TransformerEncoderLayer(8, 2, 16), nn.ZeroPad2d(1), nn.ConstantPad1d(2, 3.5),
        nn.ReflectionPad2d(1), nn.ReplicationPad1d((1, 2)), nn.PixelShuffle(2),
        nn.PixelUnshuffle(2), nn.Upsample(scale_factor=2), nn.Upsample(size=4, mode="bilinear"),
        nn.CosineSimilarity(), nn.PairwiseDistance(), nn.Unfold(2), nn.Fold(4, 2),
        nn.ChannelShuffle(2), nn.CircularPad2d(1), nn.ZeroPad1d(1),
    ]


@scenario("modules")
def m01_reprs_of_every_module(torch):
    return [repr(m) for m in _all_modules(torch)]


@scenario("modules")
def m02_reprs_of_containers(torch):
    nn = torch.nn
    seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Sequential(nn.Linear(4, 4), nn.Tanh()))
    ml = nn.ModuleList([nn.Linear(3, 4), nn.Linear(3, 4), nn.ReLU(), nn.Linear(3, 4)])
    md = nn.ModuleDict({"a": nn.Linear(2, 2), "b": nn.ReLU()})
    pl = nn.ParameterList([nn.Parameter(torch.ones(2, 3)), torch.zeros(2)])
    pd = nn.ParameterDict({"a": nn.Parameter(torch.ones(2, 3))})

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
            self.heads = nn.ModuleList([nn.Linear(3, 1) for _ in range(3)])
            self.scale = nn.Parameter(torch.ones(1))

        def extra_repr(self):
            return "custom=1"
    from collections import OrderedDict
    named = nn.Sequential(OrderedDict([("fc", nn.Linear(1, 2)), ("act", nn.ReLU())]))
    return [repr(x) for x in (seq, ml, md, pl, pd, Net(), named, nn.Sequential(), nn.ModuleList())]


@scenario("modules")
def m03_parameter_type_and_repr(torch):
    nn = torch.nn
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    q = nn.Parameter(torch.tensor([[1.0], [2.0]]), requires_grad=False)
    d = copy.deepcopy(p)
    u = pickle.loads(pickle.dumps(p))
    y = p * 2
    return {"repr": repr(p), "repr_nograd": repr(q), "isinstance": isinstance(p, nn.Parameter),
            "is_tensor": isinstance(p, torch.Tensor), "is_leaf": p.is_leaf,
            "op_type_is_param": isinstance(y, nn.Parameter), "y": repr(y),
            "deepcopy": [repr(d), type(d).__name__, d is p], "pickle": [repr(u), type(u).__name__],
            "str": str(p), "default": repr(nn.Parameter())}


class _Tiny:
    @staticmethod
    def make(torch):
        nn = torch.nn

        class Tiny(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(3, 4)
                self.bn = nn.BatchNorm1d(4)
                self.fc2 = nn.Linear(4, 2)
                self.register_buffer("mask", torch.ones(2))
                self.register_buffer("tmp", torch.zeros(1), persistent=False)
                self.alpha = nn.Parameter(torch.tensor(0.5))

            def forward(self, x):
                return self.fc2(self.bn(self.fc1(x)).relu()) * self.mask * self.alpha
        return set_params(torch, Tiny())


@scenario("modules")
def m04_module_iteration_api(torch):
    m = _Tiny.make(torch)
    return {
        "named_parameters": [[n, list(p.shape)] for n, p in m.named_parameters()],
        "parameters": len(list(m.parameters())),
        "parameters_norecurse": len(list(m.parameters(recurse=False))),
        "named_buffers": [[n, list(b.shape)] for n, b in m.named_buffers()],
        "children": [type(c).__name__ for c in m.children()],
        "named_children": [n for n, _ in m.named_children()],
        "named_modules": [n for n, _ in m.named_modules()],
        "modules": [type(x).__name__ for x in m.modules()],
        "state_dict": list(m.state_dict().keys()),
        "state_dict_types": sorted({type(v).__name__ for v in m.state_dict().values()}),
        "keep_vars": [type(v).__name__ for v in m.state_dict(keep_vars=True).values()],
        "prefix": list(m.state_dict(prefix="net.").keys())[:2],
        "dir_has_fc1": "fc1" in dir(m), "getattr_param": repr(m.alpha),
        "get_submodule": repr(m.get_submodule("fc1")),
        "get_parameter": list(m.get_parameter("fc2.bias").shape),
    }


@scenario("modules")
def m05_state_dict_round_trip_and_errors(torch):
    a, b = _Tiny.make(torch), _Tiny.make(torch)
    with torch.no_grad():
        for p in b.parameters():
            p.mul_(0)
    r = b.load_state_dict(a.state_dict())
    sd = a.state_dict()
    same = all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))
    bad = dict(sd)
    del bad["fc1.bias"]
    bad["extra.weight"] = torch.ones(1)
    bad["fc2.weight"] = torch.ones(3, 3)
    lin = torch.nn.Linear(2, 3)
    res_nonstrict = lin.load_state_dict({"weight": torch.ones(3, 2), "foo": torch.ones(3)},
                                        strict=False)
    return {"result": repr(r), "same": same, "strict_error": E(lambda: b.load_state_dict(bad)),
            "nonstrict": repr(res_nonstrict), "missing": res_nonstrict.missing_keys,
            "unexpected": res_nonstrict.unexpected_keys,
            "not_dict": E(lambda: lin.load_state_dict([1, 2])),
            "loaded_weight": L(lin.weight)}


@scenario("modules")
def m06_setattr_rules_and_errors(torch):
    nn = torch.nn
    m = nn.Linear(2, 2)
    out = {}
    out["assign_tensor_to_param"] = E(lambda: setattr(m, "weight", torch.ones(2, 2)))
    m.weight = nn.Parameter(torch.ones(2, 2))
    out["reassigned"] = L(m.weight)
    m.bias = None
    out["bias_none"] = [repr(m.bias), [n for n, _ in m.named_parameters()]]
    m.extra = nn.ReLU()
    out["child_added"] = [n for n, _ in m.named_children()]
    out["assign_int_to_child"] = E(lambda: setattr(m, "extra", 3))
    m.register_buffer("buf", torch.zeros(2))
    out["buffer_assign_str"] = E(lambda: setattr(m, "buf", "x"))
    m.buf = torch.ones(2)
    out["buffer"] = L(m.buf)
    out["missing_attr"] = E(lambda: m.nothing)
    out["dotted_param"] = E(lambda: m.register_parameter("a.b", None))
    out["dup_buffer"] = E(lambda: m.register_buffer("weight", torch.ones(1)))
    out["bad_buffer"] = E(lambda: m.register_buffer("b2", 3))
    out["bad_add_module"] = E(lambda: m.add_module("x", 3))
    del m.extra
    out["after_del"] = [n for n, _ in m.named_children()]

    class NoInit(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(torch.ones(1))
    out["before_init"] = E(NoInit)

    class NoForward(nn.Module):
        pass
    out["no_forward"] = E(lambda: NoForward()(torch.ones(1)))
    nonleaf = torch.ones(2, requires_grad=True) * 2
    out["nonleaf_param"] = E(lambda: nn.Linear(1, 1).register_parameter("w", nonleaf))
    return out


@scenario("modules")
def m07_train_eval_apply_zero_grad_requires_grad(torch):
    m = _Tiny.make(torch)
    out = {"training": [x.training for x in m.modules()]}
    r = m.eval()
    out["eval"] = [x.training for x in m.modules()]
    out["eval_returns_self"] = r is m
    m.train()
    out["train"] = [x.training for x in m.modules()]
    out["train_bad"] = E(lambda: m.train("yes"))
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    out["apply_order"] = seen
    x = det(torch, 5, 3)
    m(x).sum().backward()
    out["grads_set"] = [p.grad is not None for p in m.parameters()]
    m.zero_grad(set_to_none=False)
    out["zeroed"] = [float(p.grad.abs().sum()) for p in m.parameters()]
    m.zero_grad()
    out["none"] = [p.grad is None for p in m.parameters()]
    m.requires_grad_(False)
    out["frozen"] = [p.requires_grad for p in m.parameters()]
    out["rg_returns_self"] = m.requires_grad_(True) is m
    return out


@scenario("modules")
def m08_to_double_float_type(torch):
    m = _Tiny.make(torch)
    out = {}
    r = m.double()
    out["double"] = [str(p.dtype) for p in m.parameters()] + [str(b.dtype) for b in m.buffers()]
    out["same_obj"] = r is m
    w = m.fc1.weight
    m.float()
    out["float"] = [str(p.dtype) for p in m.parameters()]
    out["param_identity_kept"] = m.fc1.weight is w
    m.to(torch.float64)
    out["to_dtype"] = str(m.fc1.weight.dtype)
    m.to("cpu", dtype=torch.float32)
    out["to_cpu_dtype"] = str(m.fc1.weight.dtype)
    out["to_int"] = E(lambda: m.to(torch.int64))
    out["to_cuda"] = E(lambda: m.to("cuda"))
    out["cpu"] = m.cpu() is m
    out["nbt_dtype"] = str(m.bn.num_batches_tracked.dtype)
    out["type"] = str(m.type(torch.float64).fc2.bias.dtype)
    return out


@scenario("modules")
def m09_forward_hooks(torch):
    m = set_params(torch, torch.nn.Linear(2, 2))
    log = []
    h1 = m.register_forward_pre_hook(lambda mod, args: log.append(("pre", len(args))))
    h2 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
    h3 = m.register_forward_hook(lambda mod, args, out: log.append(("post", list(out.shape))))
    h4 = m.register_forward_hook(lambda mod, args, out: out + 1)
    x = det(torch, 1, 2)
    y1 = m(x)
    for h in (h1, h2, h3, h4):
        h.remove()
    y2 = m(x)
    kw = m.register_forward_pre_hook(lambda mod, args, kwargs: ((args[0] * 0,), kwargs),
                                     with_kwargs=True)
    y3 = m(x)
    kw.remove()
    return {"log": log, "hooked": L(y1), "plain": L(y2), "kw": L(y3)}


@scenario("modules")
def m10_deepcopy_and_pickle(torch):
    m = _Tiny.make(torch)
    c = copy.deepcopy(m)
    with torch.no_grad():
        c.fc1.weight.add_(1)
    m = set_params(torch, torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4),
                                              torch.nn.ReLU()))
    p = pickle.loads(pickle.dumps(m))
    x = det(torch, 4, 3)
    m.eval()
    p.eval()
    return {"independent": not torch.equal(c.fc1.weight, _Tiny.make(torch).fc1.weight),
            "types": [type(v).__name__ for v in c._parameters.values()],
            "pickle_same_out": torch.allclose(m(x), p(x)), "pickle_repr": repr(p) == repr(m),
            "buffers": [n for n, _ in p.named_buffers()]}


@scenario("modules")
def m11_sequential_modulelist_moduledict_api(torch):
    nn = torch.nn
    s = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    out = {"len": len(s), "idx": repr(s[0]), "neg": repr(s[-1]), "slice": repr(s[1:]),
           "iter": [type(x).__name__ for x in s]}
    s.append(nn.Sigmoid())
    out["append"] = [n for n, _ in s.named_children()]
    del s[1]
    out["del"] = [n for n, _ in s.named_children()]
    s.insert(1, nn.Tanh())
    out["insert"] = repr(s)
    out["index_error"] = E(lambda: s[10])
    ml = nn.ModuleList([nn.Linear(1, 1)])
    ml.append(nn.ReLU())
    ml.extend([nn.Tanh(), nn.Tanh()])
    ml.insert(0, nn.Identity())
    out["ml"] = repr(ml)
    out["ml_slice"] = repr(ml[1:3])
    out["ml_params"] = len(list(ml.parameters()))
    md = nn.ModuleDict({"b": nn.ReLU()})
    md["a"] = nn.Linear(1, 1)
    md.update({"c": nn.Tanh()})
    out["md_keys"] = list(md.keys())
    out["md_contains"] = ["a" in md, "z" in md]
    out["md_pop"] = repr(md.pop("b"))
    pl = torch.nn.ParameterList([torch.ones(2)])
    pl.append(torch.nn.Parameter(torch.zeros(3)))
    out["pl"] = [type(x).__name__ for x in pl] + [len(pl)]
    out["pl_names"] = [n for n, _ in pl.named_parameters()]
    pd = torch.nn.ParameterDict({"w": torch.ones(1)})
    pd["v"] = torch.zeros(2)
    out["pd"] = [[k, type(v).__name__] for k, v in pd.items()]
    out["seq_forward"] = L(set_params(torch, nn.Sequential(nn.Linear(2, 2), nn.Tanh()))(
        det(torch, 3, 2)))
    return out


@scenario("modules")
def m12_shared_parameters_and_duplicates(torch):
    nn = torch.nn
    lin = nn.Linear(2, 2)
    s = nn.Sequential(lin, nn.ReLU(), lin)
    return {"params": [n for n, _ in s.named_parameters()],
            "all": [n for n, _ in s.named_parameters(remove_duplicate=False)],
            "modules": [n for n, _ in s.named_modules()],
            "state_dict": list(s.state_dict().keys())}


# ---------------------------------------------------------------- layers: values and grads
@scenario("modules")
def l01_linear_bilinear_identity_flatten(torch):
    nn = torch.nn
    return {
        "linear": _fwd_bwd(torch, set_params(torch, nn.Linear(3, 4)), _x(torch, 2, 3)),
        "linear_nobias_3d": _fwd_bwd(torch, set_params(torch, nn.Linear(3, 2, bias=False)),
                                     _x(torch, 2, 2, 3)),
        "linear_1d": _fwd_bwd(torch, set_params(torch, nn.Linear(3, 2)), _x(torch, 3)),
        "bilinear": _fwd_bwd(torch, set_params(torch, nn.Bilinear(2, 3, 2)), _x(torch, 4, 2),
                             _x(torch, 4, 3, k=1)),
        "identity": _fwd_bwd(torch, nn.Identity(54), _x(torch, 2, 2)),
        "flatten": _fwd_bwd(torch, nn.Flatten(), _x(torch, 2, 2, 3)),
        "flatten02": _fwd_bwd(torch, nn.Flatten(0, 1), _x(torch, 2, 2, 3)),
        "unflatten": _fwd_bwd(torch, nn.Unflatten(1, (2, 3)), _x(torch, 2, 6)),
    }


@scenario("modules")
def l02_activations(torch):
    nn = torch.nn
    mods = {"ReLU": nn.ReLU(), "Tanh": nn.Tanh(), "Sigmoid": nn.Sigmoid(), "GELU": nn.GELU(),
            "GELU_tanh": nn.GELU("tanh"), "SiLU": nn.SiLU(), "Softmax": nn.Softmax(1),
            "LogSoftmax": nn.LogSoftmax(1), "LeakyReLU": nn.LeakyReLU(0.1), "ELU": nn.ELU(0.7),
            "Softplus": nn.Softplus(2.0, 1.0), "ReLU6": nn.ReLU6(), "Hardtanh": nn.Hardtanh(-0.5, 0.5),
            "SELU": nn.SELU(), "CELU": nn.CELU(0.5), "Mish": nn.Mish(), "Softsign": nn.Softsign(),
            "Softshrink": nn.Softshrink(0.3), "Hardshrink": nn.Hardshrink(0.3),
            "Tanhshrink": nn.Tanhshrink(), "Hardsigmoid": nn.Hardsigmoid(),
            "Hardswish": nn.Hardswish(), "LogSigmoid": nn.LogSigmoid(), "Softmin": nn.Softmin(1),
            "GLU": nn.GLU(), "PReLU": nn.PReLU(), "PReLU4": nn.PReLU(4, 0.1),
            "RReLU_eval": nn.RReLU().eval(), "Threshold": nn.Threshold(0.2, -1.0),
            "Softmax_legacy_dim": nn.Softmax()}
    out = {}
    for name, m in mods.items():
        out[name] = _fwd_bwd(torch, m, _x(torch, 3, 4, scale=4.0))
    out["Softmax2d"] = _fwd_bwd(torch, nn.Softmax2d(), _x(torch, 1, 2, 2, 2))
    return out


@scenario("modules")
def l03_activation_inplace(torch):
    nn = torch.nn
    x = det(torch, 2, 3, scale=2.0)
    y = x.clone()
    r = nn.ReLU(inplace=True)(y)
    z = x.clone()
    nn.LeakyReLU(0.5, inplace=True)(z)
    return {"same": r is y, "relu": L(y), "leaky": L(z)}


@scenario("modules")
def l04_dropout_train_eval(torch):
    nn = torch.nn
    x = det(torch, 4, 5)
    d = nn.Dropout(0.5)
    d.eval()
    ev = d(x)
    torch.manual_seed(0)
    d.train()
    y = d(x)
    kept = (y != 0)
    scaled = bool(torch.allclose(y[kept], x[kept] * 2))
    zero = nn.Dropout(1.0)(x)
    return {"eval_identity": L(ev), "eval_is_input": ev is x, "train_scaled": scaled,
            "p1": L(zero), "p0": L(nn.Dropout(0.0)(x)), "bad_p": E(lambda: nn.Dropout(1.5)),
            "d2_eval": L(nn.Dropout2d().eval()(det(torch, 1, 2, 2, 2)))}


@scenario("modules")
def l05_embedding(torch):
    nn = torch.nn
    e = set_params(torch, nn.Embedding(6, 3, padding_idx=1))
    idx = torch.tensor([[0, 1, 2], [5, 1, 0]])
    rec = _fwd_bwd(torch, e, idx)
    e2 = nn.Embedding.from_pretrained(det(torch, 4, 2))
    rec["pretrained"] = [L(e2(torch.tensor([3, 0]))), e2.weight.requires_grad]
    rec["float_index"] = E(lambda: e(torch.tensor([0.0])), whole=False)
    rec["padding_row_init"] = L(nn.Embedding(3, 2, padding_idx=0).weight[0])
    bag = set_params(torch, nn.EmbeddingBag(6, 2, mode="sum"))
    rec["bag_sum"] = _fwd_bwd(torch, bag, torch.tensor([0, 2, 4, 5, 1]), torch.tensor([0, 2]))
    bag2 = set_params(torch, nn.EmbeddingBag(6, 2))
    rec["bag_mean_2d"] = _fwd_bwd(torch, bag2, torch.tensor([[0, 2], [4, 5]]))
    bag3 = set_params(torch, nn.EmbeddingBag(6, 2, mode="max"))
    rec["bag_max"] = _fwd_bwd(torch, bag3, torch.tensor([[0, 2], [4, 5]]))
    return rec


@scenario("modules")
def l06_layernorm_groupnorm_rmsnorm(torch):
    nn = torch.nn
    return {
        "ln": _fwd_bwd(torch, set_params(torch, nn.LayerNorm(4)), _x(torch, 2, 3, 4)),
        "ln2": _fwd_bwd(torch, set_params(torch, nn.LayerNorm((3, 4), eps=1e-3)), _x(torch, 2, 3, 4)),
        "ln_noaffine": _fwd_bwd(torch, nn.LayerNorm(4, elementwise_affine=False), _x(torch, 3, 4)),
        "gn": _fwd_bwd(torch, set_params(torch, nn.GroupNorm(2, 4)), _x(torch, 2, 4, 3)),
        "gn_noaffine": _fwd_bwd(torch, nn.GroupNorm(1, 4, affine=False), _x(torch, 2, 4, 2, 2)),
        "rms": _fwd_bwd(torch, set_params(torch, nn.RMSNorm(4, eps=1e-6)), _x(torch, 2, 4)),
        "ln_bad": E(lambda: nn.LayerNorm(5)(torch.ones(2, 4))),
        "gn_bad": E(lambda: nn.GroupNorm(3, 4)),
        "init": [L(nn.LayerNorm(2).weight), L(nn.LayerNorm(2).bias)],
    }


@scenario("modules")
def l07_batchnorm(torch):
    nn = torch.nn
    bn = set_params(torch, nn.BatchNorm1d(3, momentum=0.2))
    x = _x(torch, 5, 3, scale=3.0)
    rec = {"train": _fwd_bwd(torch, bn, x)}
    bn(det(torch, 5, 3, k=4))
    rec["running"] = [L(bn.running_mean), L(bn.running_var), int(bn.num_batches_tracked)]
    bn.eval()
    rec["eval"] = L(bn(det(torch, 2, 3, k=5)))
    cum = nn.BatchNorm2d(2, momentum=None)
    for k in range(3):
        cum(det(torch, 2, 2, 3, 3, k=k, scale=2.0))
    rec["cumulative"] = [L(cum.running_mean), L(cum.running_var), int(cum.num_batches_tracked)]
    bn2 = set_params(torch, nn.BatchNorm2d(2))
    rec["bn2d"] = _fwd_bwd(torch, bn2, _x(torch, 2, 2, 3, 3))
    nt = nn.BatchNorm1d(3, track_running_stats=False)
    nt.eval()
    rec["no_tracking_eval_uses_batch"] = L(nt(det(torch, 4, 3)))
    rec["bn1d_3d"] = _fwd_bwd(torch, nn.BatchNorm1d(2), _x(torch, 2, 2, 3))
    rec["bad_dim"] = E(lambda: nn.BatchNorm2d(2)(torch.ones(2, 2)))
    rec["one_value"] = E(lambda: nn.BatchNorm1d(2)(torch.ones(1, 2)))
    rec["state_dict"] = list(nn.BatchNorm1d(2).state_dict().keys())
    inn = nn.InstanceNorm2d(2, affine=True)
    set_params(torch, inn)
    rec["instance"] = _fwd_bwd(torch, inn, _x(torch, 2, 2, 3, 3))
    rec["instance1d_unbatched"] = _fwd_bwd(torch, nn.InstanceNorm1d(2), _x(torch, 2, 4))
    return rec


def _loss_rec(torch, make, inputs, targets_fn):
    out = {}
    for red in ("mean", "sum", "none"):
        ins = [det(torch, *s, k=i, scale=sc, requires_grad=True) for i, (s, sc) in enumerate(inputs)]
        tg = targets_fn()
        loss = make(red)(*ins, *tg)
        w = det(torch, *loss.shape, k=7) if loss.ndim else 1.0
        (loss * w).sum().backward()
        out[red] = {"loss": L(loss), "grads": [L(x.grad) for x in ins],
                    "grad_fn": loss.grad_fn.name() if loss.grad_fn is not None else None}
    return out


@scenario("modules")
def l08_regression_losses(torch):
    nn = torch.nn
    t = lambda: (det(torch, 3, 4, k=5),)  # noqa: E731
    return {
        "mse": _loss_rec(torch, lambda r: nn.MSELoss(reduction=r), [((3, 4), 1.0)], t),
        "l1": _loss_rec(torch, lambda r: nn.L1Loss(reduction=r), [((3, 4), 1.0)], t),
        "smooth_l1": _loss_rec(torch, lambda r: nn.SmoothL1Loss(reduction=r, beta=0.5),
                               [((3, 4), 1.0)], t),
        "huber": _loss_rec(torch, lambda r: nn.HuberLoss(reduction=r, delta=0.3),
                           [((3, 4), 1.0)], t),
        "legacy_size_average": L(nn.MSELoss(size_average=False)(det(torch, 2), det(torch, 2, k=1))),
        "bad_reduction": E(lambda: nn.MSELoss(reduction="avg")(torch.ones(2), torch.ones(2))),
    }


@scenario("modules")
def l09_classification_losses(torch):
    nn = torch.nn
    tgt = lambda: (torch.tensor([0, 2, 1, 2]),)  # noqa: E731
    w = torch.tensor([0.2, 1.0, 3.0])
    out = {
        "ce": _loss_rec(torch, lambda r: nn.CrossEntropyLoss(reduction=r), [((4, 3), 2.0)], tgt),
        "ce_weight": _loss_rec(torch, lambda r: nn.CrossEntropyLoss(weight=w, reduction=r),
                               [((4, 3), 2.0)], tgt),
        "ce_ignore": _loss_rec(torch, lambda r: nn.CrossEntropyLoss(ignore_index=2, reduction=r),
                               [((4, 3), 2.0)], tgt),
        "ce_smooth": _loss_rec(torch, lambda r: nn.CrossEntropyLoss(label_smoothing=0.2,
                                                                    reduction=r),
                               [((4, 3), 2.0)], tgt),
        "ce_smooth_weight_ignore": _loss_rec(
            torch, lambda r: nn.CrossEntropyLoss(weight=w, ignore_index=1, label_smoothing=0.1,
                                                 reduction=r), [((4, 3), 2.0)], tgt),
        "ce_probs": _loss_rec(torch, lambda r: nn.CrossEntropyLoss(reduction=r), [((4, 3), 2.0)],
                              lambda: (torch.softmax(det(torch, 4, 3, k=3), 1),)),
        "ce_probs_smooth_weight": _loss_rec(
            torch, lambda r: nn.CrossEntropyLoss(weight=w, label_smoothing=0.3, reduction=r),
            [((4, 3), 2.0)], lambda: (torch.softmax(det(torch, 4, 3, k=3), 1),)),
        "ce_spatial": _loss_rec(torch, lambda r: nn.CrossEntropyLoss(reduction=r),
                                [((2, 3, 2), 2.0)], lambda: (torch.tensor([[0, 2], [1, 1]]),)),
        "nll": _loss_rec(torch, lambda r: nn.NLLLoss(reduction=r), [((4, 3), 2.0)], tgt),
        "nll_weight": _loss_rec(torch, lambda r: nn.NLLLoss(weight=w, reduction=r),
                                [((4, 3), 2.0)], tgt),
        "ce_unbatched": L(nn.CrossEntropyLoss()(det(torch, 3), torch.tensor(1))),
        "ce_batch_mismatch": E(lambda: nn.CrossEntropyLoss()(torch.ones(3, 2),
                                                             torch.tensor([0, 1]))),
        "nll_out_of_bounds": E(lambda: nn.NLLLoss()(torch.ones(2, 2), torch.tensor([0, 5]))),
    }
    return out


@scenario("modules")
def l10_binary_losses(torch):
    nn = torch.nn
    y = lambda: (torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.5, 1.0]]),)  # noqa: E731

    def probs(r, **kw):
        loss = nn.BCELoss(reduction=r, **kw)
        return lambda x, t: loss(torch.sigmoid(x), t)
    pw = torch.tensor([1.0, 2.0, 0.5])
    return {
        "bce": _loss_rec(torch, lambda r: probs(r), [((2, 3), 2.0)], y),
        "bce_weight": _loss_rec(torch, lambda r: probs(r, weight=torch.tensor([1.0, 2.0, 3.0])),
                                [((2, 3), 2.0)], y),
        "bce_logits": _loss_rec(torch, lambda r: nn.BCEWithLogitsLoss(reduction=r),
                                [((2, 3), 3.0)], y),
        "bce_logits_pos_weight": _loss_rec(
            torch, lambda r: nn.BCEWithLogitsLoss(reduction=r, pos_weight=pw), [((2, 3), 3.0)], y),
        "bce_logits_both": _loss_rec(
            torch, lambda r: nn.BCEWithLogitsLoss(reduction=r, pos_weight=pw,
                                                  weight=torch.tensor([0.5, 1.0, 2.0])),
            [((2, 3), 3.0)], y),
        "bce_out_of_range": E(lambda: nn.BCELoss()(torch.tensor([1.5]), torch.tensor([1.0]))),
        "bce_size": E(lambda: nn.BCELoss()(torch.tensor([0.5, 0.5]), torch.tensor([[1.0, 0.0]]))),
        "soft_margin": _loss_rec(torch, lambda r: nn.SoftMarginLoss(reduction=r),
                                 [((2, 3), 1.0)], lambda: (torch.tensor([[1.0, -1, 1], [-1, -1, 1]]),)),
        "multilabel_soft_margin": _loss_rec(
            torch, lambda r: nn.MultiLabelSoftMarginLoss(reduction=r), [((2, 3), 1.0)], y),
    }


@scenario("modules")
def l11_distribution_and_embedding_losses(torch):
    nn = torch.nn
    out = {}
    for red in ("batchmean", "sum", "none", "mean"):
        x = torch.log_softmax(det(torch, 3, 4, scale=2.0), 1).detach().requires_grad_(True)
        t = torch.softmax(det(torch, 3, 4, k=2), 1)
        loss = nn.KLDivLoss(reduction=red)(x, t)
        (loss if loss.ndim == 0 else loss.sum()).backward()
        out["kl_" + red] = [L(loss), L(x.grad)]
    x = torch.log_softmax(det(torch, 3, 4), 1).detach().requires_grad_(True)
    lt = torch.log_softmax(det(torch, 3, 4, k=2), 1)
    out["kl_log_target"] = L(nn.KLDivLoss(reduction="batchmean", log_target=True)(x, lt))
    y = lambda: (torch.tensor([1, -1, 1]),)  # noqa: E731
    out["cosine_embedding"] = _loss_rec(
        torch, lambda r: nn.CosineEmbeddingLoss(margin=0.1, reduction=r),
        [((3, 4), 1.0), ((3, 4), 1.0)], y)
    out["margin_ranking"] = _loss_rec(
        torch, lambda r: nn.MarginRankingLoss(margin=0.2, reduction=r), [((3,), 1.0), ((3,), 1.0)],
        lambda: (torch.tensor([1.0, -1.0, 1.0]),))
    out["triplet"] = _loss_rec(torch, lambda r: nn.TripletMarginLoss(margin=0.5, reduction=r),
                               [((3, 4), 1.0), ((3, 4), 1.0), ((3, 4), 1.0)], lambda: ())
    out["triplet_p1_swap"] = _loss_rec(
        torch, lambda r: nn.TripletMarginLoss(margin=1.5, p=1, swap=True, reduction=r),
        [((3, 4), 1.0), ((3, 4), 1.0), ((3, 4), 1.0)], lambda: ())
    out["hinge"] = _loss_rec(torch, lambda r: nn.HingeEmbeddingLoss(margin=0.5, reduction=r),
                             [((2, 3), 1.0)], lambda: (torch.tensor([[1.0, -1, 1], [-1, -1, 1]]),))
    out["poisson"] = _loss_rec(torch, lambda r: nn.PoissonNLLLoss(reduction=r),
                               [((2, 3), 1.0)], lambda: (det(torch, 2, 3, k=3).abs() * 3,))
    out["gaussian"] = _loss_rec(torch, lambda r: nn.GaussianNLLLoss(reduction=r),
                                [((2, 3), 1.0)], lambda: (det(torch, 2, 3, k=3),
                                                          det(torch, 2, 3, k=4).abs() + 0.1))
    out["multi_margin"] = _loss_rec(torch, lambda r: nn.MultiMarginLoss(reduction=r),
                                    [((3, 4), 1.0)], lambda: (torch.tensor([0, 3, 1]),))
    out["multilabel_margin"] = _loss_rec(torch, lambda r: nn.MultiLabelMarginLoss(reduction=r),
                                         [((2, 4), 1.0)],
                                         lambda: (torch.tensor([[3, 0, -1, 1], [1, 2, 3, -1]]),))
    return out


@scenario("modules")
def l12_conv(torch):
    nn = torch.nn
    return {
        "conv1d": _fwd_bwd(torch, set_params(torch, nn.Conv1d(2, 3, 3)), _x(torch, 2, 2, 7)),
        "conv1d_stride_pad_dil": _fwd_bwd(torch, set_params(torch, nn.Conv1d(2, 4, 3, stride=2,
                                          padding=2, dilation=2, groups=2)), _x(torch, 1, 2, 9)),
        "conv2d": _fwd_bwd(torch, set_params(torch, nn.Conv2d(2, 3, 3)), _x(torch, 2, 2, 5, 5)),
        "conv2d_s2p1": _fwd_bwd(torch, set_params(torch, nn.Conv2d(2, 2, (3, 2), stride=(2, 1),
                                padding=1, bias=False)), _x(torch, 1, 2, 6, 5)),
        "conv2d_same": _fwd_bwd(torch, set_params(torch, nn.Conv2d(1, 2, 4, padding="same")),
                                _x(torch, 1, 1, 5, 5)),
        "conv2d_reflect": _fwd_bwd(torch, set_params(torch, nn.Conv2d(1, 1, 3, padding=1,
                                   padding_mode="reflect")), _x(torch, 1, 1, 4, 4)),
        "conv2d_circular": _fwd_bwd(torch, set_params(torch, nn.Conv2d(1, 1, 3, padding=1,
                                    padding_mode="circular")), _x(torch, 1, 1, 4, 4)),
        "conv2d_replicate": _fwd_bwd(torch, set_params(torch, nn.Conv2d(1, 1, 3, padding=2,
                                     padding_mode="replicate")), _x(torch, 1, 1, 4, 4)),
        "conv2d_unbatched": _fwd_bwd(torch, set_params(torch, nn.Conv2d(1, 2, 2)),
                                     _x(torch, 1, 3, 3)),
        "convT1d": _fwd_bwd(torch, set_params(torch, nn.ConvTranspose1d(2, 3, 3, stride=2,
                            padding=1, output_padding=1)), _x(torch, 1, 2, 4)),
        "convT2d": _fwd_bwd(torch, set_params(torch, nn.ConvTranspose2d(2, 2, 3, stride=2)),
                            _x(torch, 1, 2, 3, 3)),
        "convT2d_groups_dil": _fwd_bwd(torch, set_params(torch, nn.ConvTranspose2d(
            2, 4, 2, groups=2, dilation=2, padding=1)), _x(torch, 1, 2, 3, 3)),
        "bad_channels": E(lambda: nn.Conv2d(3, 2, 3)(torch.ones(1, 2, 5, 5))),
        "groups_error": E(lambda: nn.Conv2d(3, 2, 3, groups=2)),
    }


@scenario("modules")
def l13_pooling(torch):
    nn = torch.nn
    x4 = lambda: _x(torch, 1, 2, 5, 5, scale=3.0)  # noqa: E731
    x3 = lambda: _x(torch, 2, 2, 7, scale=3.0)  # noqa: E731
    out = {
        "max1d": _fwd_bwd(torch, nn.MaxPool1d(2), x3()),
        "max1d_s1p1": _fwd_bwd(torch, nn.MaxPool1d(3, 1, 1), x3()),
        "max2d": _fwd_bwd(torch, nn.MaxPool2d(2), x4()),
        "max2d_ceil": _fwd_bwd(torch, nn.MaxPool2d(3, 2, 1, ceil_mode=True), x4()),
        "max2d_dil": _fwd_bwd(torch, nn.MaxPool2d(2, 1, dilation=2), x4()),
        "avg1d": _fwd_bwd(torch, nn.AvgPool1d(3, 2, 1), x3()),
        "avg2d": _fwd_bwd(torch, nn.AvgPool2d(2), x4()),
        "avg2d_pad_excl": _fwd_bwd(torch, nn.AvgPool2d(3, 2, 1, count_include_pad=False), x4()),
        "avg2d_pad_incl_ceil": _fwd_bwd(torch, nn.AvgPool2d(3, 2, 1, ceil_mode=True), x4()),
        "avg2d_divisor": _fwd_bwd(torch, nn.AvgPool2d(2, divisor_override=3), x4()),
        "aavg1d": _fwd_bwd(torch, nn.AdaptiveAvgPool1d(3), x3()),
        "aavg2d": _fwd_bwd(torch, nn.AdaptiveAvgPool2d((2, 3)), x4()),
        "aavg2d_1": _fwd_bwd(torch, nn.AdaptiveAvgPool2d(1), x4()),
        "amax2d": _fwd_bwd(torch, nn.AdaptiveMaxPool2d(2), x4()),
        "amax1d": _fwd_bwd(torch, nn.AdaptiveMaxPool1d(3), x3()),
        "lp2d": _fwd_bwd(torch, nn.LPPool2d(2, 2), _x(torch, 1, 1, 4, 4)),
        "unbatched_max": _fwd_bwd(torch, nn.MaxPool2d(2), _x(torch, 2, 4, 4)),
    }
    v, i = nn.MaxPool2d(2, return_indices=True)(det(torch, 1, 1, 4, 4))
    out["indices"] = [L(v), L(i)]
    v, i = nn.AdaptiveMaxPool2d(2, return_indices=True)(det(torch, 1, 1, 4, 5))
    out["adaptive_indices"] = [L(v), L(i)]
    out["bad_pad"] = E(lambda: nn.MaxPool2d(2, padding=2)(torch.ones(1, 1, 4, 4)))
    return out


@scenario("modules")
def l14_padding_shuffle_upsample_fold(torch):
    nn = torch.nn
    x = lambda: _x(torch, 1, 2, 3, 3)  # noqa: E731
    return {
        "zero2d": _fwd_bwd(torch, nn.ZeroPad2d((1, 0, 2, 1)), x()),
        "const1d": _fwd_bwd(torch, nn.ConstantPad1d(2, 1.5), _x(torch, 2, 3)),
        "reflect2d": _fwd_bwd(torch, nn.ReflectionPad2d(2), x()),
        "replicate1d": _fwd_bwd(torch, nn.ReplicationPad1d((1, 3)), _x(torch, 1, 2, 3)),
        "circular2d": _fwd_bwd(torch, nn.CircularPad2d(1), x()),
        "pixel_shuffle": _fwd_bwd(torch, nn.PixelShuffle(2), _x(torch, 1, 8, 2, 2)),
        "pixel_unshuffle": _fwd_bwd(torch, nn.PixelUnshuffle(2), _x(torch, 1, 2, 4, 4)),
        "channel_shuffle": _fwd_bwd(torch, nn.ChannelShuffle(2), _x(torch, 1, 4, 2, 2)),
        "up_nearest": _fwd_bwd(torch, nn.Upsample(scale_factor=2), x()),
        "up_nearest_size": _fwd_bwd(torch, nn.Upsample(size=(5, 4)), x()),
        "up_bilinear": _fwd_bwd(torch, nn.Upsample(scale_factor=2, mode="bilinear"), x()),
        "up_bilinear_ac": _fwd_bwd(torch, nn.Upsample(size=5, mode="bilinear",
                                                      align_corners=True), x()),
        "up_linear": _fwd_bwd(torch, nn.Upsample(size=7, mode="linear"), _x(torch, 1, 2, 3)),
        "unfold": _fwd_bwd(torch, nn.Unfold(2, padding=1, stride=2), x()),
        "fold": _fwd_bwd(torch, nn.Fold((3, 3), 2), _x(torch, 1, 8, 4)),
        "cos_sim": _fwd_bwd(torch, nn.CosineSimilarity(), _x(torch, 3, 4), _x(torch, 3, 4, k=1)),
        "pdist": _fwd_bwd(torch, nn.PairwiseDistance(), _x(torch, 3, 4), _x(torch, 3, 4, k=1)),
    }


@scenario("modules")
def l15_rnn_lstm_gru(torch):
    nn = torch.nn
    out = {}
    cfgs = {"rnn": (nn.RNN, {}), "rnn_relu_2l": (nn.RNN, dict(num_layers=2, nonlinearity="relu")),
            "lstm": (nn.LSTM, {}), "lstm_bi_bf": (nn.LSTM, dict(bidirectional=True,
                                                                batch_first=True)),
            "gru": (nn.GRU, {}), "gru_2l_bi": (nn.GRU, dict(num_layers=2, bidirectional=True)),
            "gru_nobias": (nn.GRU, dict(bias=False))}
    for name, (cls, kw) in cfgs.items():
        m = set_params(torch, cls(3, 4, **kw))
        x = _x(torch, 5, 2, 3)
        o, h = m(x)
        hs = h if isinstance(h, tuple) else (h,)
        loss = (o * det(torch, *o.shape, k=9)).sum() + sum((t * t).sum() for t in hs)
        loss.backward()
        out[name] = {"out": L(o), "h": [L(t) for t in hs], "x_grad": L(x.grad),
                     "params": [[n, list(p.shape)] for n, p in m.named_parameters()],
                     "grads": grads(m)}
    m = set_params(torch, nn.LSTM(3, 2))
    h0 = det(torch, 1, 2, k=3)
    c0 = det(torch, 1, 2, k=4)
    o, (h, c) = m(det(torch, 4, 3), (h0, c0))
    out["lstm_unbatched_h0"] = [L(o), L(h), L(c)]
    m = set_params(torch, nn.GRU(3, 2, batch_first=True))
    o, h = m(det(torch, 2, 4, 3), det(torch, 1, 2, 2, k=5))
    out["gru_batch_first_h0"] = [L(o), L(h)]
    for cname, cls in (("rnn_cell", nn.RNNCell), ("lstm_cell", nn.LSTMCell),
                       ("gru_cell", nn.GRUCell)):
        cell = set_params(torch, cls(3, 2))
        r = cell(det(torch, 2, 3))
        out[cname] = [L(t) for t in (r if isinstance(r, tuple) else (r,))]
    out["bad_dim"] = E(lambda: nn.RNN(3, 4)(torch.ones(1, 1, 1, 3)))
    return out


@scenario("modules")
def l16_multihead_attention_and_transformer(torch):
    nn = torch.nn
    out = {}
    mha = set_params(torch, nn.MultiheadAttention(4, 2), scale=0.3)
    q = _x(torch, 3, 2, 4)
    k = _x(torch, 5, 2, 4, k=1)
    v = _x(torch, 5, 2, 4, k=2)
    o, w = mha(q, k, v)
    (o.sum() + (w * det(torch, *w.shape, k=3)).sum()).backward()
    out["mha"] = {"out": L(o), "w": L(w), "grads": grads(mha), "q_grad": L(q.grad),
                  "params": [[n, list(p.shape)] for n, p in mha.named_parameters()]}
    mha2 = set_params(torch, nn.MultiheadAttention(4, 1, batch_first=True, kdim=3, vdim=2),
                      scale=0.3)
    mask = torch.tensor([[False, False, True], [False, True, True]])
    o, w = mha2(det(torch, 2, 2, 4), det(torch, 2, 3, 3, k=1), det(torch, 2, 3, 2, k=2),
                key_padding_mask=mask, average_attn_weights=False)
    out["mha_kdim_mask"] = [L(o), L(w), [n for n, _ in mha2.named_parameters()]]
    causal = torch.triu(torch.ones(3, 3), diagonal=1).bool() if hasattr(torch, "triu") else None
    am = torch.tensor([[0.0, -1e9, -1e9], [0.0, 0.0, -1e9], [0.0, 0.0, 0.0]]) if causal is None \
        else torch.zeros(3, 3).masked_fill(causal, float("-inf"))
    o, w = mha(det(torch, 3, 1, 4), det(torch, 3, 1, 4, k=1), det(torch, 3, 1, 4, k=2),
               attn_mask=am, need_weights=True)
    out["mha_attn_mask"] = [L(o), L(w)]
    o, w = mha(det(torch, 3, 4), det(torch, 3, 4, k=1), det(torch, 3, 4, k=2), need_weights=False)
    out["mha_unbatched"] = [L(o), w is None]
    tel = set_params(torch, nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0), scale=0.3)
    x = _x(torch, 3, 2, 4)
    y = tel(x)
    (y * det(torch, *y.shape, k=5)).sum().backward()
    out["encoder_layer"] = {"out": L(y), "x_grad": L(x.grad), "grads": grads(tel)}
    tel2 = set_params(torch, nn.TransformerEncoderLayer(4, 1, 6, dropout=0.0, batch_first=True,
                                                       norm_first=True, activation="gelu"),
                      scale=0.3)
    out["encoder_layer_norm_first"] = L(tel2(det(torch, 2, 3, 4)))
    return out


@scenario("modules")
def l17_mlp_training_step_graph(torch):
    nn = torch.nn
    m = set_params(torch, nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)))
    x = det(torch, 6, 4)
    y = torch.tensor([0, 1, 2, 1, 0, 2])
    loss = nn.CrossEntropyLoss()(m(x), y)
    loss.backward()
    g = torch.autograd.grad(nn.MSELoss()(m(x), torch.zeros(6, 3)), list(m.parameters()),
                            create_graph=True)
    hv = torch.autograd.grad(sum((gi * gi).sum() for gi in g), m[0].weight)[0]
    return {"loss": repr(loss), "grads": grads(m), "double_backward": L(hv)}


# ---------------------------------------------------------------- init, utils, functional
@scenario("modules")
def u01_init_deterministic(torch):
    init = torch.nn.init
    out = {"gains": [init.calculate_gain(n) for n in ("linear", "conv2d", "sigmoid", "tanh",
                                                          "relu", "selu")] +
           [init.calculate_gain("leaky_relu", 0.2), init.calculate_gain("leaky_relu")],
           "bad_gain": E(lambda: init.calculate_gain("foo")),
           "fans": [list(init._calculate_fan_in_and_fan_out(torch.empty(*s)))
                    for s in ((3, 4), (2, 3, 5, 5), (7, 2, 3))],
           "fan_error": E(lambda: init._calculate_fan_in_and_fan_out(torch.empty(3)))}
    out["constant"] = L(init.constant_(torch.empty(2, 2), 0.3))
    out["ones_zeros"] = [L(init.ones_(torch.empty(2))), L(init.zeros_(torch.empty(2)))]
    out["eye"] = L(init.eye_(torch.empty(2, 3)))
    out["dirac"] = L(init.dirac_(torch.empty(2, 2, 3)))
    out["dirac_groups"] = L(init.dirac_(torch.empty(4, 2, 3), groups=2))
    w = torch.empty(3, 4)
    out["returns_same"] = init.xavier_uniform_(w) is w
    out["eye_error"] = E(lambda: init.eye_(torch.empty(2, 2, 2)))
    return out


@scenario("modules")
def u02_clip_grad_and_vectors(torch):
    nn = torch.nn
    m = set_params(torch, nn.Linear(3, 2))
    (m(det(torch, 4, 3)) ** 2).sum().backward()
    total = nn.utils.clip_grad_norm_(m.parameters(), 0.5)
    after = grads(m)
    m.zero_grad()
    (m(det(torch, 4, 3)) ** 2).sum().backward()
    tinf = nn.utils.clip_grad_norm_(m.parameters(), 0.1, norm_type=float("inf"))
    m.zero_grad()
    (m(det(torch, 4, 3)) ** 2).sum().backward()
    nn.utils.clip_grad_value_(m.parameters(), 0.3)
    vec = nn.utils.parameters_to_vector(m.parameters())
    nn.utils.vector_to_parameters(vec * 2, m.parameters())
    seqs = [det(torch, 3, 2), det(torch, 1, 2, k=1), det(torch, 2, 2, k=2)]
    return {"total": L(total), "clipped": after, "total_inf": L(tinf), "value": grads(m),
            "vec": L(vec), "scaled": L(m.weight),
            "pad": L(nn.utils.rnn.pad_sequence(seqs)),
            "pad_bf": L(nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=-1.0))}


@scenario("modules")
def u03_functional_values(torch):
    F = torch.nn.functional
    x = det(torch, 2, 3, 4, scale=2.0)
    out = {
        "one_hot": L(F.one_hot(torch.tensor([0, 2, 1]))),
        "one_hot_n": L(F.one_hot(torch.tensor([[0], [1]]), 4)),
        "normalize": L(F.normalize(x)), "normalize_p1": L(F.normalize(x, p=1, dim=-1)),
        "pad_const": L(F.pad(x, (1, 2), value=0.5)), "pad_neg": L(F.pad(x, (-1, 1))),
        "pad_reflect": L(F.pad(x, (2, 1), mode="reflect")),
        "sdpa": L(F.scaled_dot_product_attention(x, det(torch, 2, 5, 4, k=1),
                                                 det(torch, 2, 5, 4, k=2))),
        "sdpa_causal": L(F.scaled_dot_product_attention(x, x, x, is_causal=True)),
        "sdpa_mask": L(F.scaled_dot_product_attention(
            x, x, x, attn_mask=torch.tensor([[True, False, True], [True, True, False],
                                             [True, True, True]]))),
        "interp_nearest": L(F.interpolate(x, scale_factor=1.5)),
        "cos_sim_dim": L(F.cosine_similarity(x, x.flip(2), dim=2)),
        "softmax_dtype": str(F.softmax(x, -1, dtype=torch.float64).dtype),
        "gelu_err": E(lambda: F.gelu(x, approximate="bad")),
        "glu_err": E(lambda: F.glu(torch.ones(3))),
        "relu6": L(F.relu6(x * 4)), "hardtanh": L(F.hardtanh(x, -0.5, 0.5)),
        "softplus_thr": L(F.softplus(x * 10, beta=1, threshold=5)),
        "elu": L(F.elu(x)), "selu": L(F.selu(x)), "logsigmoid": L(F.logsigmoid(x)),
        "silu": L(F.silu(x)), "mish": L(F.mish(x)), "hardswish": L(F.hardswish(x)),
        "threshold": L(F.threshold(x, 0.5, -2.0)), "pdist": L(F.pdist(det(torch, 4, 3))),
        "embedding_max_norm": L(F.embedding(torch.tensor([0, 1]), det(torch, 3, 4) * 3, max_norm=1.0)),
        "lrn": L(F.local_response_norm(det(torch, 1, 4, 2, 2), 3)),
        "alpha_dropout_eval": L(F.alpha_dropout(x, 0.5, training=False)),
    }
    return out


@scenario("modules")
def u04_functional_grad_fn_names(torch):
    F = torch.nn.functional
    x = det(torch, 2, 3, requires_grad=True)
    x4 = det(torch, 1, 1, 4, 4, requires_grad=True)
    w = det(torch, 2, 1, 2, 2, requires_grad=True)
    t = torch.tensor([0, 2])
    outs = {"linear": F.linear(x, det(torch, 4, 3, requires_grad=True)),
            "gelu": F.gelu(x), "silu": F.silu(x), "elu": F.elu(x), "softplus": F.softplus(x),
            "leaky": F.leaky_relu(x), "logsig": F.logsigmoid(x), "hardtanh": F.hardtanh(x),
            "hardswish": F.hardswish(x), "mish": F.mish(x), "glu": F.glu(det(torch, 2, 4,
                                                                               requires_grad=True)),
            "layer_norm": F.layer_norm(x, (3,)), "group_norm": F.group_norm(x4, 1),
            "batch_norm": F.batch_norm(x, None, None, training=True),
            "embedding": F.embedding(t, det(torch, 3, 2, requires_grad=True)),
            "pad": F.pad(x, (1, 1)), "mse": F.mse_loss(x, torch.zeros(2, 3)),
            "huber": F.huber_loss(x, torch.zeros(2, 3)), "smooth_l1": F.smooth_l1_loss(x, x.detach() * 0),
            "bce_logits": F.binary_cross_entropy_with_logits(x, torch.zeros(2, 3)),
            "nll": F.nll_loss(x, t), "ce": F.cross_entropy(x, t), "conv2d": F.conv2d(x4, w),
            "softmax": F.softmax(x, 1), "log_softmax": F.log_softmax(x, 1)}
    return {k: v.grad_fn.name() for k, v in outs.items()}


@scenario("modules")
def f01_func_per_sample_grads_and_ensembling(torch):
    nn = torch.nn
    func = torch.func
    model = set_params(torch, nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)))
    params = {k: v.detach() for k, v in model.named_parameters()}

    def loss_fn(p, x, y):
        out = func.functional_call(model, p, (x.unsqueeze(0),))
        return ((out - y.unsqueeze(0)) ** 2).mean()
    x, y = det(torch, 6, 3), det(torch, 6, 2, k=1)
    psg = func.vmap(func.grad(loss_fn), in_dims=(None, 0, 0))(params, x, y)
    out = {"per_sample": {k: L(v) for k, v in psg.items()},
           "restored": L(model[0].weight) == L(params["0.weight"])}
    models = [set_params(torch, nn.Sequential(nn.Linear(3, 2), nn.ReLU()), scale=0.2 + 0.2 * i)
              for i in range(3)]
    sp, sb = func.stack_module_state(models)
    base = copy.deepcopy(models[0]).to("meta")

    def f(p, b, xx):
        return func.functional_call(base, (p, b), (xx,))
    ens = func.vmap(f, in_dims=(0, 0, None))(sp, sb, x)
    out["ensemble"] = L(ens)
    out["stacked"] = {k: [list(v.shape), v.requires_grad] for k, v in sp.items()}
    out["call_with_buffers"] = L(func.functional_call(
        set_params(torch, nn.BatchNorm1d(3)).eval(),
        {"running_mean": torch.ones(3), "running_var": torch.full((3,), 4.0)}, x))
    out["strict"] = E(lambda: func.functional_call(model, {"0.weight": params["0.weight"]}, x,
                                                   strict=True))
    return out


@scenario("modules")
def t01_tensor_ops_nn_code_uses(torch):
    x = det(torch, 3, 4, requires_grad=True)
    m = x.detach() > 0.1
    outs = {
        "masked_fill": x.masked_fill(m, -1.0), "triu": torch.triu(x), "tril1": x.tril(-1),
        "einsum": torch.einsum("ij,kj->ik", x, x), "addmm": torch.addmm(det(torch, 3, 3), x, x.t()),
        "gather": x.gather(1, torch.tensor([[0, 1], [2, 2], [3, 0]])),
        "index_select": x.index_select(1, torch.tensor([3, 0])),
        "clamp_min": x.clamp_min(0.0), "clamp_max": torch.clamp_max(x, 0.2),
        "lerp": torch.lerp(x, x * 0, 0.3), "addcmul": torch.addcmul(x, x, x, value=0.5),
        "roll": x.roll(1, 1), "roll_flat": torch.roll(x, 2), "cumprod": x.cumprod(1),
        "diag": torch.diag(x[0]), "diag2": x.diag(1), "topk": x.topk(2, 1).values,
        "where": x.where(m, torch.zeros(3, 4)),
    }
    rec = {}
    for k, v in outs.items():
        g, = torch.autograd.grad((v * det(torch, *v.shape, k=3)).sum(), x)
        rec[k] = [L(v), L(g), v.grad_fn.name()]
    rec["topk_idx"] = L(x.topk(2, 1).indices)
    rec["argsort"] = L(x.argsort(1, descending=True))
    rec["isclose"] = L(torch.isclose(x, x + 1e-9))
    t = torch.zeros(2, 3)
    t.masked_fill_(torch.tensor([[True, False, True], [False, False, True]]), 2.0)
    rec["masked_fill_"] = L(t)
    rec["type"] = [x.type(), repr(x.type(torch.float64).dtype),
                   repr(x.type("torch.LongTensor").dtype)]
    rec["new_full"] = [L(x.new_full((2,), 3.0)), list(x.new_empty(2, 1).shape)]
    rec["uniform_in_place"] = _inplace_init(torch)
    rec["leaf_inplace_error"] = E(lambda: torch.ones(2, requires_grad=True).uniform_())
    return rec


def _inplace_init(torch):
    w = torch.empty(50, 40)
    r = w.uniform_(-0.1, 0.1)
    n = torch.empty(2000).normal_(1.0, 0.5)
    return [r is w, float(w.abs().max()) <= 0.1, abs(float(n.mean()) - 1.0) < 0.05,
            abs(float(n.std()) - 0.5) < 0.05, w._version]


@scenario("modules")
def m13_full_backward_hooks(torch):
    nn = torch.nn
    m = set_params(torch, nn.Linear(3, 2))
    log = []

    def hook(mod, gi, go):
        log.append(["full", [None if g is None else L(g) for g in gi], [L(g) for g in go]])

    def pre(mod, go):
        log.append(["pre", [L(g) for g in go]])
        return (go[0] * 2,)
    h1 = m.register_full_backward_hook(hook)
    h2 = m.register_full_backward_pre_hook(pre)
    x = det(torch, 4, 3, requires_grad=True)
    y = m(x)
    (y * det(torch, 4, 2, k=2)).sum().backward()
    rec = {"log": log, "x_grad": L(x.grad), "w_grad": L(m.weight.grad), "name": y.grad_fn.name()}
    h1.remove()
    h2.remove()
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 0 + 1,))
    x2 = det(torch, 4, 3, requires_grad=True)
    m(x2).sum().backward()
    rec["replaced"] = L(x2.grad)
    seen = []
    s = set_params(torch, nn.Sequential(nn.Linear(3, 3), nn.Tanh()))
    s[1].register_full_backward_hook(lambda mod, gi, go: seen.append(len(gi)))
    s(det(torch, 2, 3)).sum().backward()
    rec["no_input_grad_needed"] = seen
    nogr = []
    lin = set_params(torch, nn.Linear(3, 1))
    lin.register_full_backward_hook(lambda mod, gi, go: nogr.append([gi[0] is None, L(go[0])]))
    lin(det(torch, 2, 3)).sum().backward()
    rec["input_without_grad"] = nogr
    return rec
