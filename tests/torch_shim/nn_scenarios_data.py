"""Scenarios: torch.utils.data, torch.save/load round trips, Generator and seeding, devices,
creation-function argument forms, default dtype, torch.compile, benchmark.Timer."""
import importlib
import io
import re

from nn_kit import E, L, R, det, scenario, set_params


class _Squares:
    """A map-style dataset of (x, x**2, {'i': i}) built lazily from an index."""

    def __init__(self, torch, n):
        self.torch, self.n = torch, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        x = self.torch.tensor([float(i), float(-i)])
        return x, i * i, {"i": i, "name": f"s{i}"}


@scenario("data")
def d01_dataloader_batching(torch):
    data = torch.utils.data
    ds = data.TensorDataset(det(torch, 7, 2), torch.arange(7))
    out = {"len_ds": len(ds), "item": [L(t) for t in ds[3]],
           "mismatch": E(lambda: data.TensorDataset(torch.ones(3), torch.ones(4)))}
    dl = data.DataLoader(ds, batch_size=3)
    out["len"] = len(dl)
    out["batches"] = [[L(x), L(y)] for x, y in dl]
    dl2 = data.DataLoader(ds, batch_size=3, drop_last=True)
    out["drop_last"] = [len(dl2), [list(x.shape) for x, _ in dl2]]
    sq = data.DataLoader(_Squares(torch, 5), batch_size=2)
    out["collate_nested"] = [[L(x), L(s), {k: (L(v) if hasattr(v, "tolist") else v)
                                            for k, v in d.items()}] for x, s, d in sq]
    out["collate_dtypes"] = [str(b[1].dtype) for b in sq]
    out["custom_collate"] = [b for b in data.DataLoader(list(range(5)), batch_size=2,
                                                         collate_fn=lambda b: sum(b))]
    out["no_batch"] = [b for b in data.DataLoader([1.0, 2.0], batch_size=None)]
    out["floats"] = [str(b.dtype) for b in data.DataLoader([1.0, 2.0], batch_size=2)]
    out["default_collate"] = L(data.default_collate([torch.ones(2), torch.zeros(2)]))
    out["sampler_excl"] = E(lambda: data.DataLoader(ds, sampler=[0, 1], shuffle=True))
    out["batch_sampler"] = [L(y) for _, y in data.DataLoader(
        ds, batch_sampler=data.BatchSampler(data.SequentialSampler(ds), 4, False))]
    return out


@scenario("data")
def d02_shuffle_split_subset(torch):
    data = torch.utils.data
    ds = data.TensorDataset(torch.arange(10))
    g = torch.Generator().manual_seed(3)
    e1 = [int(v) for (b,) in data.DataLoader(ds, batch_size=4, shuffle=True, generator=g)
          for v in b]
    e2 = [int(v) for (b,) in data.DataLoader(ds, batch_size=4, shuffle=True, generator=g)
          for v in b]
    g1 = torch.Generator().manual_seed(5)
    g2 = torch.Generator().manual_seed(5)
    r1 = [int(b[0]) for b in data.DataLoader(ds, shuffle=True, generator=g1)]
    r2 = [int(b[0]) for b in data.DataLoader(ds, shuffle=True, generator=g2)]
    a, b = data.random_split(ds, [7, 3], generator=torch.Generator().manual_seed(0))
    fa, fb = data.random_split(range(10), [0.5, 0.5])
    sub = data.Subset(ds, [4, 1, 8])
    return {"perm": sorted(e1) == list(range(10)), "epochs_differ_or_same_set": sorted(e2),
            "seeded_reproducible": r1 == r2, "split_lens": [len(a), len(b)],
            "split_disjoint_cover": sorted([int(x[0]) for x in a] + [int(x[0]) for x in b]),
            "frac_lens": [len(fa), len(fb)], "subset": [int(sub[i][0]) for i in range(len(sub))],
            "subset_len": len(sub),
            "bad_split": E(lambda: data.random_split(ds, [3, 3])),
            "concat": [len(ds + ds), int((ds + ds)[12][0])]}


@scenario("data")
def d03_iterable_dataset(torch):
    data = torch.utils.data

    class Stream(data.IterableDataset):
        def __iter__(self):
            return iter(range(5))
    return {"batches": [L(b) for b in data.DataLoader(Stream(), batch_size=2)],
            "drop_last": [L(b) for b in data.DataLoader(Stream(), batch_size=2, drop_last=True)],
            "shuffle_error": E(lambda: data.DataLoader(Stream(), shuffle=True))}


@scenario("data")
def d04_save_load_round_trip(torch):
    nn = torch.nn
    m = set_params(torch, nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)))
    opt = torch.optim.Adam(m.parameters(), lr=0.1)
    m(det(torch, 4, 3)).sum().backward()
    opt.step()
    buf = io.BytesIO()
    obj = {"model": m.state_dict(), "opt": opt.state_dict(), "epoch": 3, "t": torch.ones(2),
           "p": nn.Parameter(torch.zeros(1)), "dtype": torch.float64}
    torch.save(obj, buf)
    buf.seek(0)
    back = torch.load(buf)
    m2 = set_params(torch, nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)), scale=0.1)
    m2.load_state_dict(back["model"])
    opt2 = torch.optim.Adam(m2.parameters(), lr=0.1)
    opt2.load_state_dict(back["opt"])
    whole = io.BytesIO()
    torch.save(m, whole)
    whole.seek(0)
    full = torch.load(whole, weights_only=False)
    whole.seek(0)
    return {"keys": sorted(back), "epoch": back["epoch"], "t": R(back["t"]), "p": R(back["p"]),
            "p_type": type(back["p"]).__name__, "dtype": R(back["dtype"]),
            "model_equal": [L(a) == L(b) for a, b in zip(m.state_dict().values(),
                                                        m2.state_dict().values())],
            "opt_step": R(opt2.state_dict()["state"][0]["step"]),
            "full_module": R(full), "full_equal": L(full[0].weight) == L(m[0].weight),
            "weights_only_rejects_module": E(lambda: torch.load(whole), whole=False)[0]}


@scenario("data")
def d05_generator_and_seeding(torch):
    g = torch.Generator()
    g.manual_seed(42)
    a = torch.rand(3, generator=g)
    st = g.get_state()
    b = torch.rand(3, generator=g)
    g.set_state(st)
    c = torch.rand(3, generator=g)
    torch.manual_seed(7)
    x1 = torch.randn(4)
    torch.manual_seed(7)
    x2 = torch.randn(4)
    s = torch.manual_seed(1)
    return {"replay": L(b) == L(c), "differs": L(a) != L(b), "seed_repro": L(x1) == L(x2),
            "manual_seed_returns": type(s).__name__, "initial_seed": g.initial_seed(),
            "device": str(g.device), "in_range": bool(((a >= 0) & (a < 1)).all())}


@scenario("data")
def d06_devices_and_flags(torch):
    d = torch.device("cpu")
    return {"repr": [repr(d), repr(torch.device("cuda", 1)), repr(torch.device("cuda:0"))],
            "str": [str(d), str(torch.device("cuda:1"))], "type": d.type, "index": d.index,
            "eq": [d == torch.device("cpu"), torch.device("cpu") == torch.device("cuda")],
            "cuda": torch.cuda.is_available(), "count": torch.cuda.device_count(),
            "bad": E(lambda: torch.device("gpu")),
            "cuda_tensor": E(lambda: torch.zeros(2, device="cuda")),
            "cudnn": [isinstance(torch.backends.cudnn.benchmark, bool),
                      torch.backends.mps.is_available()],
            "zeros_device": L(torch.zeros(2, device="cpu")),
            "tensor_device": [repr(torch.ones(1).device), torch.ones(1).device.type,
                              str(torch.ones(1).device), torch.ones(1).device == "cpu"],
            "to_device": [L(torch.ones(2).to(torch.device("cpu"))),
                          L(torch.ones(2).to("cpu", torch.float64)),
                          str(torch.ones(2).to(device="cpu", dtype=torch.float64).dtype)],
            "to_cuda": E(lambda: torch.ones(2).to("cuda")),
            "ones_device_obj": L(torch.ones(2, device=torch.device("cpu")))}


@scenario("data")
def d07_creation_argument_forms(torch):
    g = torch.Generator().manual_seed(0)
    out = {}
    r = torch.randint(10, (3, 2))
    out["randint_high_size"] = [list(r.shape), str(r.dtype), bool(((r >= 0) & (r < 10)).all())]
    r = torch.randint(3, 5, (4,), generator=g)
    out["randint_low_high"] = [list(r.shape), bool(((r >= 3) & (r < 5)).all())]
    r = torch.randint(0, 2, size=(2,), dtype=torch.float32)
    out["randint_kw"] = [list(r.shape), str(r.dtype)]
    out["randint_bad"] = E(lambda: torch.randint(5, 2, (1,)))
    p = torch.randperm(6, generator=g)
    out["randperm"] = [sorted(p.tolist()), str(p.dtype)]
    out["rand_forms"] = [list(torch.rand(2, 3).shape), list(torch.rand((2, 3)).shape),
                         list(torch.randn([4], dtype=torch.float64).shape),
                         str(torch.randn(2, dtype=torch.float64).dtype)]
    out["rand_rg"] = torch.rand(2, requires_grad=True).requires_grad
    out["zeros_forms"] = [list(torch.zeros(2, 3).shape), list(torch.zeros((2, 3)).shape),
                          list(torch.zeros([2, 3]).shape), str(torch.zeros(1, dtype=torch.int64).dtype)]
    out["full"] = [L(torch.full((2,), 3)), str(torch.full((2,), 3).dtype),
                   str(torch.full((1,), 1.5).dtype), L(torch.full([2], True))]
    out["arange"] = [L(torch.arange(5)), L(torch.arange(1, 3, 0.5)),
                     str(torch.arange(3, dtype=torch.float64).dtype)]
    out["linspace"] = L(torch.linspace(0, 1, 5))
    out["logspace"] = L(torch.logspace(0, 2, 3))
    out["eye"] = L(torch.eye(2, 3))
    out["like"] = [str(torch.zeros_like(torch.ones(2), dtype=torch.float64).dtype),
                   L(torch.full_like(torch.ones(2), 7.0)),
                   torch.ones_like(torch.ones(2), requires_grad=True).requires_grad]
    n = torch.normal(torch.zeros(3), torch.ones(3))
    out["normal"] = [list(n.shape), list(torch.normal(0.0, 1.0, (2, 2)).shape)]
    out["tensor_kwargs"] = R(torch.tensor([1.0, 2.0], dtype=torch.float64, device="cpu",
                                          requires_grad=True))
    out["empty"] = list(torch.empty(3, 2).shape)
    return out


@scenario("data")
def d08_default_dtype_and_compile(torch):
    out = {"default": str(torch.get_default_dtype())}
    torch.set_default_dtype(torch.float64)
    try:
        out["tensor"] = str(torch.tensor([1.0]).dtype)
        out["zeros"] = str(torch.zeros(1).dtype)
        out["linear"] = str(torch.nn.Linear(2, 2).weight.dtype)
    finally:
        torch.set_default_dtype(torch.float32)
    out["restored"] = str(torch.tensor([1.0]).dtype)
    out["bad"] = E(lambda: torch.set_default_dtype(torch.int64))

    def f(x):
        return x * 2 + 1
    cf = torch.compile(f)
    m = set_params(torch, torch.nn.Linear(2, 1))
    cm = torch.compile(m)

    @torch.compile
    def g(x):
        return x.sin()

    @torch.compile(fullgraph=True)
    def h(x):
        return x.cos()
    x = det(torch, 3)
    out["compiled_fn"] = L(cf(x))
    out["compiled_module"] = L(cm(det(torch, 3, 2)))
    out["decorators"] = [L(g(x)), L(h(x))]
    return out


@scenario("data")
def d09_benchmark_timer(torch):
    Timer = importlib.import_module(torch.__name__ + ".utils.benchmark").Timer
    x = torch.ones(3)
    t = Timer("x + x", globals={"x": x})
    m = t.timeit(50)
    b = Timer("x * 2", globals={"x": x}, label="mul", sub_label="small",
              description="d").blocked_autorange(min_run_time=0.02)
    mask = lambda s: re.sub(r"[0-9.]+ (ns|us|ms|s)\b", "<t> U", re.sub(r"0x[0-9a-f]+", "0x?", s))  # noqa: E731
    lines = mask(repr(b)).split("\n")
    counts = [ln for ln in lines
              if re.fullmatch(r"  (\d+) measurements?, (\d+) runs (per measurement,|,) 1 thread", ln)]
    return {"timeit": mask(repr(m)), "number": m.number_per_run, "times": len(m.times),
            "mean_pos": m.mean > 0, "median_pos": m.median > 0, "blocked_head": lines[:3],
            "blocked_counts_line": len(counts), "title": b.title,
            "median_line": any(ln.startswith(("  Median: <t> U", "  <t> U")) for ln in lines)}
