"""fungrad.torch.nn / optim / data properties that no golden record can hold: initializer
distributions (fungrad draws from its own generator), generator reproducibility, devices,
persistence format, Timer, hooks order, shared storage."""
import io
import math

import numpy as np
import pytest

import fungrad.torch as torch
import fungrad.torch.nn as nn


def test_linear_and_conv_default_init_follow_torch_formulas():
    torch.manual_seed(0)
    lin = nn.Linear(400, 300)
    w = lin.weight.detach().numpy()
    bound = 1 / math.sqrt(400)  # kaiming_uniform(a=sqrt(5)) on fan_in 400
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    b = lin.bias.detach().numpy()
    assert np.abs(b).max() <= bound
    conv = nn.Conv2d(8, 16, 3)
    cb = 1 / math.sqrt(8 * 9)
    assert np.abs(conv.weight.detach().numpy()).max() <= cb
    emb = nn.Embedding(1000, 50).weight.detach().numpy()
    assert abs(emb.std() - 1) < 0.02 and abs(emb.mean()) < 0.02
    rnn = nn.LSTM(10, 20)
    assert all(np.abs(p.detach().numpy()).max() <= 1 / math.sqrt(20) for p in rnn.parameters())
    mha = nn.MultiheadAttention(16, 4)
    assert np.all(mha.in_proj_bias.detach().numpy() == 0)
    assert np.all(mha.out_proj.bias.detach().numpy() == 0)


def test_initializers_distributions_and_generator():
    init = nn.init
    g = torch.Generator().manual_seed(123)
    a = init.normal_(torch.empty(200, 200), 1.0, 2.0, generator=g).numpy()
    assert abs(a.mean() - 1) < 0.05 and abs(a.std() - 2) < 0.05
    g2 = torch.Generator().manual_seed(123)
    b = init.normal_(torch.empty(200, 200), 1.0, 2.0, generator=g2).numpy()
    assert np.array_equal(a, b)
    t = init.trunc_normal_(torch.empty(10000), std=1.0, a=-0.5, b=1.5).numpy()
    assert t.min() >= -0.5 and t.max() <= 1.5
    x = init.xavier_normal_(torch.empty(300, 200)).numpy()
    assert abs(x.std() - math.sqrt(2 / 500)) < 0.003
    xu = init.xavier_uniform_(torch.empty(300, 200), gain=2.0).numpy()
    assert np.abs(xu).max() <= 2 * math.sqrt(6 / 500)
    kn = init.kaiming_normal_(torch.empty(300, 200), mode="fan_out", nonlinearity="relu").numpy()
    assert abs(kn.std() - math.sqrt(2 / 300)) < 0.003
    q = init.orthogonal_(torch.empty(5, 8)).numpy()
    assert np.allclose(q @ q.T, np.eye(5), atol=1e-5)
    sp = init.sparse_(torch.empty(10, 6), sparsity=0.3).numpy()
    assert all((sp[:, c] == 0).sum() == 3 for c in range(6))
    u = init.uniform_(torch.empty(1000), -2, 3).numpy()
    assert u.min() >= -2 and u.max() <= 3
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(torch.empty(2, 2), mode="fan_avg")


def test_manual_seed_fixes_module_init_and_dropout():
    torch.manual_seed(5)
    a = nn.Linear(3, 3).weight.detach().numpy().copy()
    m1 = nn.Dropout(0.5)(torch.ones(100)).numpy()
    torch.manual_seed(5)
    b = nn.Linear(3, 3).weight.detach().numpy()
    m2 = nn.Dropout(0.5)(torch.ones(100)).numpy()
    assert np.array_equal(a, b) and np.array_equal(m1, m2)
    assert set(np.unique(m1)) <= {0.0, 2.0}


def test_meta_and_cuda_devices():
    m = nn.Linear(2, 2)
    assert m.to("meta") is m
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        m.cuda()
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        torch.ones(2, device="cuda:0")
    assert torch.device("cpu") != "cpu" and str(torch.device("cpu", 0)) == "cpu:0"
    assert torch.ones(1).device == torch.device("cpu") and torch.ones(1).device.type == "cpu"
    assert not torch.cuda.is_available() and torch.cuda.device_count() == 0


def test_load_rejects_other_formats():
    with pytest.raises(RuntimeError, match="written by real PyTorch"):
        torch.load(io.BytesIO(b"PK\x03\x04rest-of-a-zip"))
    with pytest.raises(Exception, match="not a file written by fungrad.torch.save"):
        torch.load(io.BytesIO(b"garbage"))
    buf = io.BytesIO()
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        torch.save(torch.ones(2, requires_grad=True) * 2, buf)


def test_save_load_path_and_shared_tensors(tmp_path):
    t = torch.arange(3.0)
    path = tmp_path / "x.pt"
    torch.save({"a": t, "b": t, "g": torch.Generator().manual_seed(1).get_state()}, str(path))
    back = torch.load(path)
    assert back["a"] is back["b"] and back["a"].tolist() == [0.0, 1.0, 2.0]


def test_parameter_shares_data_and_version():
    t = torch.zeros(3)
    p = nn.Parameter(t)
    with torch.no_grad():
        p.add_(1)
    assert t.tolist() == [1.0, 1.0, 1.0]
    assert p._version == t._version == 1


def test_hook_order_prepend_and_always_call():
    m = nn.Identity()
    log = []
    m.register_forward_hook(lambda *a: log.append("b"))
    m.register_forward_hook(lambda *a: log.append("a"), prepend=True)
    m.register_forward_pre_hook(lambda *a: log.append("pre"))
    m(torch.ones(1))
    assert log == ["pre", "a", "b"]


def test_buffer_class_and_non_persistent():
    m = nn.Module()
    m.stats = nn.Buffer(torch.ones(2), persistent=False)
    m.kept = nn.Buffer(torch.zeros(1))
    assert [n for n, _ in m.named_buffers()] == ["stats", "kept"]
    assert list(m.state_dict()) == ["kept"]
    assert type(m.stats) is torch.Tensor


def test_timer_measurements():
    from fungrad.torch.utils.benchmark import Timer
    t = Timer("x * 2", setup="y = 1", globals={"x": torch.ones(4)}, label="L",
              description="D")
    m = t.blocked_autorange(min_run_time=0.01)
    assert m.median > 0 and m.number_per_run >= 1 and len(m.times) >= 1
    r = repr(m)
    assert r.startswith("<torch.utils.benchmark.utils.common.Measurement object at 0x")
    assert r.split("\n")[1:3] == ["L", "D"]
    assert "measurement" in r.split("\n")[-1]


def test_shuffle_without_generator_is_a_permutation_each_epoch():
    data = torch.utils.data
    dl = data.DataLoader(data.TensorDataset(torch.arange(20)), batch_size=6, shuffle=True)
    for _ in range(2):
        seen = sorted(int(v) for (b,) in dl for v in b)
        assert seen == list(range(20))
    assert len(dl) == 4


def test_compile_is_identity():
    f = lambda x: x + 1  # noqa: E731
    assert torch.compile(f) is f
    assert torch.compile(mode="max-autotune")(f) is f
    assert "identity" in torch.compile.__doc__


def test_optimizer_accepts_named_parameters_and_reprs():
    m = nn.Linear(2, 1)
    opt = torch.optim.SGD(m.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert "Parameter Group 0" in repr(opt) and "lr: 0.1" in repr(opt)
    with pytest.raises(RuntimeError, match="LBFGS requires a closure"):
        torch.optim.LBFGS(m.parameters()).step(None)
