"""A training script written for real PyTorch (nothing fungrad-specific): a Module, a DataLoader,
an optimizer and a scheduler, a checkpoint saved with torch.save and restored with torch.load,
torch.func per-sample gradients, and functorch. tests/torch_shim/test_runner.py runs it with
``python`` (real torch) and with ``python -m fungrad.torch`` and compares what it prints."""
import argparse
import math
import os
import tempfile

import functorch
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, vmap
from torch.utils.data import DataLoader, TensorDataset

ap = argparse.ArgumentParser()
ap.add_argument("--epochs", type=int, default=3)
args = ap.parse_args()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh())
        self.head = nn.Linear(16, 3)
        self.dropout = nn.Dropout(0.0)

    def forward(self, x):
        return self.head(self.dropout(self.body(x)))


def make_data(n=64):
    xs = [[math.sin(0.37 * i + j) for j in range(4)] for i in range(n)]
    ys = [int((x[0] + 2 * x[1] - x[3] > 0) + (x[2] > 0.5)) for x in xs]
    return torch.tensor(xs), torch.tensor(ys)


model = Net()
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        n = p.numel()
        p.copy_(torch.tensor([0.5 * math.sin(1.3 * i + 0.7 * k) for k in range(n)]).reshape(p.shape))
x, y = make_data()
loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=False, drop_last=False)
opt = torch.optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.01)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)
for epoch in range(args.epochs):
    model.train()
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        total += loss.item() * len(xb)
    sched.step()
    print(f"epoch {epoch} loss {total / len(x):.6f} lr {sched.get_last_lr()[0]:.6f}")

path = os.path.join(tempfile.mkdtemp(), "ckpt.pt")
torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": args.epochs}, path)
ckpt = torch.load(path)
fresh = Net()
fresh.load_state_dict(ckpt["model"])
fresh.eval()
with torch.no_grad():
    acc = (fresh(x).argmax(1) == y).float().mean().item()
print(f"restored epoch {ckpt['epoch']} accuracy {acc:.4f}")

params = {k: v.detach() for k, v in fresh.named_parameters()}


def sample_loss(p, xi, yi):
    return F.cross_entropy(functional_call(fresh, p, (xi.unsqueeze(0),)), yi.unsqueeze(0))


g = vmap(grad(sample_loss), in_dims=(None, 0, 0))(params, x[:4], y[:4])
print("per-sample grad norms", " ".join(f"{g['head.weight'][i].norm().item():.5f}"
                                        for i in range(4)))
print("functorch has vmap", hasattr(functorch, "vmap"))
print(repr(fresh.head))
