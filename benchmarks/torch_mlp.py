"""fungrad.torch vs real PyTorch: an MLP trained 50 steps with ``loss.backward()`` (CPU), two ways:
raw tensors with a hand-written SGD step, and an ``nn.Module`` (Sequential of Linear/ReLU) with
``nn.CrossEntropyLoss`` and ``torch.optim.Adam`` (zero_grad/backward/step), both sides starting
from the same state_dict; and a small CNN (two Conv2d + MaxPool2d, Linear) with Adam.

The same script runs against both modules, their repeats alternated (min of each); the per-step
time ratio (fungrad.torch / torch) is printed for a small net (64-32-10, batch 16) and a
512-wide one (512-512-512-10, batch 64).
Both sides use one BLAS/intra-op thread (torch.set_num_threads(1); OMP/OPENBLAS_NUM_THREADS=1 for
numpy, which must be set before numpy loads: run this file as a script).

    python benchmarks/torch_mlp.py [--steps 50] [--repeats 5]
"""
import argparse
import os
import sys
import time

# this checkout's fungrad, not an installed copy
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402

CONFIGS = {"small (64-32-10, batch 16)": ([64, 32, 10], 16),
           "512-wide (512-512-512-10, batch 64)": ([512, 512, 512, 10], 64)}


def make_data(sizes, batch, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], batch)
    ws = [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32)
          for a, b in zip(sizes[:-1], sizes[1:])]
    return x, y, ws


def sgd_params(torch, sizes, batch):
    """(X, Y, [W0, b0, W1, b1, ...]) of make_data as tensors, the weights and biases leaves."""
    x, y, ws = make_data(sizes, batch)
    params = []
    for w in ws:
        params.append(torch.tensor(w, requires_grad=True))
        params.append(torch.zeros(w.shape[1], requires_grad=True))
    return torch.tensor(x), torch.tensor(y), params


def sgd_step(torch, X, Y, params, lr=0.05, phase="full"):
    """One step: the Linear/ReLU forward, cross-entropy, ``loss.backward()`` ("fb": then the
    gradients dropped; "fwd": the forward only) and the update ``p -= lr * p.grad`` under
    ``no_grad``; the loss."""
    h = X
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = torch.relu(h)
    loss = torch.nn.functional.cross_entropy(h, Y)
    if phase == "fwd":
        return loss
    loss.backward()
    with torch.no_grad():
        for p in params:
            if phase == "full":
                p -= lr * p.grad
            p.grad = None
    return loss


def train(torch, sizes, batch, steps, lr=0.05):
    """Seconds per step of SGD on cross-entropy with ``loss.backward()``."""
    X, Y, params = sgd_params(torch, sizes, batch)
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = sgd_step(torch, X, Y, params, lr)
    return (time.perf_counter() - t0) / steps, loss.item()


def train_module(torch, sizes, batch, steps, lr=1e-3):
    """Seconds per step of an nn.Module + Adam loop (the weights of make_data, zero biases)."""
    nn = torch.nn
    x, y, ws = make_data(sizes, batch)
    X, Y = torch.tensor(x), torch.tensor(y)
    layers = []
    for i, w in enumerate(ws):
        layers.append(nn.Linear(w.shape[0], w.shape[1]))
        if i + 1 < len(ws):
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    state = {}
    for i, w in enumerate(ws):
        state[f"{2 * i}.weight"] = torch.tensor(np.ascontiguousarray(w.T))
        state[f"{2 * i}.bias"] = torch.zeros(w.shape[1])
    model.load_state_dict(state)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        opt.step()
    return (time.perf_counter() - t0) / steps, loss.item()


def train_cnn(torch, sizes, batch, steps, lr=1e-3):
    """Seconds per step of a small CNN (conv 1->8->16 3x3, ReLU, max-pool, linear) + Adam on
    1x28x28 inputs; ``sizes`` is ignored, the weights come from a fixed numpy generator."""
    nn = torch.nn
    rng = np.random.default_rng(1)
    X = torch.tensor(rng.standard_normal((batch, 1, 28, 28)).astype(np.float32))
    Y = torch.tensor(rng.integers(0, 10, batch))
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(16 * 7 * 7, 10))
    state = {k: torch.tensor((rng.standard_normal(tuple(v.shape)) * 0.1).astype(np.float32))
             for k, v in model.state_dict().items()}
    model.load_state_dict(state)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        opt.step()
    return (time.perf_counter() - t0) / steps, loss.item()


def best(torch, sizes, batch, steps, repeats, fn=train):
    fn(torch, sizes, batch, 3)  # warm up
    runs = [fn(torch, sizes, batch, steps) for _ in range(repeats)]
    return min(r[0] for r in runs), runs[-1][1]


def best_interleaved(mods, sizes, batch, steps, repeats, fn=train):
    """(min time per step, last loss) of each module, their repeats alternated, so that both
    see the same machine (its speed drifts by up to 2x over minutes)."""
    for m in mods:
        fn(m, sizes, batch, 3)  # warm up
    runs = [[] for _ in mods]
    for _ in range(repeats):
        for i, m in enumerate(mods):
            runs[i].append(fn(m, sizes, batch, steps))
    return [(min(r[0] for r in rs), rs[-1][1]) for rs in runs]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    import fungrad.torch as ftorch
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None
    print(f"{'loop':14s} {'config':38s} {'fungrad.torch':>14s} {'torch':>10s} {'ratio':>7s}  "
          "losses")
    runs = [("tensors + SGD", train, CONFIGS), ("Module + Adam", train_module, CONFIGS),
            ("CNN + Adam", train_cnn, {"1x28x28, conv 8-16, batch 32": (None, 32)})]
    for loop, fn, configs in runs:
        for name, (sizes, batch) in configs.items():
            if torch is None:
                tf, lf = best(ftorch, sizes, batch, args.steps, args.repeats, fn)
                print(f"{loop:14s} {name:38s} {tf * 1e6:11.0f} us {'n/a':>10s}")
                continue
            (tf, lf), (tt, lt) = best_interleaved((ftorch, torch), sizes, batch, args.steps,
                                                  args.repeats, fn)
            print(f"{loop:14s} {name:38s} {tf * 1e6:11.0f} us {tt * 1e6:7.0f} us "
                  f"{tf / tt:6.2f}x  {lf:.4f} / {lt:.4f}")


if __name__ == "__main__":
    main()
