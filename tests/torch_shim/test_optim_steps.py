"""A few optimizer steps on float32 parameters against real torch 2.13's CPU (single-tensor)
updates: SGD with momentum bit for bit (torch's add(x, alpha=a) is a fused multiply-add, which
fungrad.torch.optim reproduces exactly); Adam/AdamW within 4 units in the last place (the
same operations in the same order and the same fused multiply-adds, so most runs are bit
identical; torch's vectorized float32 sqrt is not correctly rounded, numpy's is, so an element
can differ by one ulp after a step). Compared live with torch when it is installed, else with
the bit patterns recorded from it (GOLDEN)."""
import numpy as np
import pytest

import fungrad.torch as ft

try:
    import torch
except ImportError:  # the recorded values below stand in
    torch = None

CASES = {
    "sgd_momentum": ("SGD", dict(lr=0.1, momentum=0.9)),
    "sgd_nesterov_wd": ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01)),
    "sgd_dampening_maximize": ("SGD", dict(lr=0.05, momentum=0.5, dampening=0.3, maximize=True)),
    "adam": ("Adam", dict(lr=0.01)),
    "adam_wd_amsgrad": ("Adam", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1,
                                     amsgrad=True)),
    "adamw": ("AdamW", dict(lr=0.01, weight_decay=0.05)),
    "adamw_amsgrad": ("AdamW", dict(lr=0.01, betas=(0.3, 0.9), amsgrad=True)),
}

# torch 2.13 (CPU) results of run(torch, ...): float32 bit patterns of the weight and bias
GOLDEN = {'sgd_momentum': [[1063817995, 1050752172, 3188846564, 3186320175, 1050445316, 3214351638,
                   1059067673, 1068261444, 3204735041, 3207644694, 1067771862, 1058322638],
                  [3196127509, 3201940825, 1049076219, 1063683407]],
 'sgd_nesterov_wd': [[1056984097, 1049142180, 3197203912, 3204574529, 3169499712, 3213475553,
                      1051030179, 1068710268, 3203857018, 3207264442, 1062019080, 1055435694],
                     [3181978945, 3206577051, 1037878667, 1061356473]],
 'sgd_dampening_maximize': [[3195299775, 1050403301, 3198271624, 3213540059, 3207329521, 3212116344,
                             3181858672, 1068078865, 3204127753, 3206167376, 1050199334,
                             1050243823],
                            [1044100345, 3213271660, 3187287192, 1059461395]],
 'adam': [[1025621332, 1050733322, 3196559342, 3210441298, 3201968338, 3212757498, 1035583753,
           1068066359, 3204671999, 3206382078, 1057183642, 1052987646],
          [1036560682, 3211489987, 3160768622, 1060600184]],
 'adam_wd_amsgrad': [[1033717604, 1051155615, 3196358596, 3209892815, 3201049882, 3212706524,
                      1039177504, 1067840951, 3204752595, 3206158782, 1057481996, 1053619175],
                     [1035555083, 3211245025, 3134968782, 1060826187]],
 'adamw': [[1025612760, 1050712501, 3196541528, 3210411931, 3201938663, 3212724348, 1035563843,
            1068044072, 3204655037, 3206361546, 1057166781, 1052962893],
           [1036531791, 3211458710, 3160724968, 1060576478]],
 'adamw_amsgrad': [[1024392344, 1050532883, 3197016734, 3210585561, 3202161881, 3212742824,
                    1033773401, 1068130213, 3204362304, 3206530368, 1056882566, 1052683111],
                   [1036966734, 3211449614, 3165997659, 1060468606]]}


def run(lib, name, kw, steps=4):
    rng = np.random.default_rng(7)
    w = lib.tensor(rng.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    b = lib.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
    opt = getattr(lib.optim, name)([w, b], **kw)
    for _ in range(steps):
        w.grad = lib.tensor(rng.standard_normal((3, 4)).astype(np.float32))
        b.grad = lib.tensor(rng.standard_normal(4).astype(np.float32))
        opt.step()
    return [w.detach().numpy().reshape(-1).copy(), b.detach().numpy().copy()]


def _reference(case):
    if torch is not None:
        return run(torch, *CASES[case])
    return [np.array(bits, np.uint32).view(np.float32) for bits in GOLDEN[case]]


def _ulps(a, b):
    return int(np.max(np.abs(a.view(np.int32).astype(np.int64) - b.view(np.int32).astype(np.int64))))


@pytest.mark.parametrize("case", sorted(CASES))
def test_steps_match_torch(case):
    got, want = run(ft, *CASES[case]), _reference(case)
    for g, w in zip(got, want):
        assert g.dtype == np.float32
        if case.startswith("sgd"):
            np.testing.assert_array_equal(g, w)
        else:
            assert _ulps(g, w) <= 4, (case, g, w)


def test_golden_is_torch():
    """The recorded values are what the installed torch gives (refresh them when it changes):
    bit for bit for SGD, within the steps test's 4 ulps for the others (torch's fused optimizer
    kernels round differently with AVX-512 and AVX2: 2 ulps seen on one CPU)."""
    if torch is None:
        pytest.skip("torch is not installed: nothing to re-record GOLDEN from")
    for case in CASES:
        for g, w in zip(run(torch, *CASES[case]), GOLDEN[case]):
            w = np.array(w, np.uint32).view(np.float32)
            if case.startswith("sgd"):
                np.testing.assert_array_equal(g, w)
            else:
                assert _ulps(g, w) <= 4, (case, g, w)


def test_adam_large_parameter_chunks():
    """A parameter big enough to be updated in cache-sized chunks gets the same update as one
    updated whole (the chunks are views of the parameter and its state)."""
    from fungrad.torch.optim import _algorithms as A
    rng = np.random.default_rng(3)
    n = 2 * A._CHUNK + 77
    start = rng.standard_normal(n).astype(np.float32)
    results = []
    for chunk in (A._CHUNK, 10 * n):  # chunked, then whole
        old, A._CHUNK = A._CHUNK, chunk
        try:
            p = ft.tensor(start.copy(), requires_grad=True)
            opt = ft.optim.Adam([p], lr=0.01, amsgrad=True)
            for k in range(3):
                p.grad = ft.tensor(np.sin(np.arange(n, dtype=np.float32) * (k + 1)))
                opt.step()
            results.append(p.detach().numpy().copy())
        finally:
            A._CHUNK = old
    assert not np.array_equal(results[0], start)
    np.testing.assert_array_equal(results[0], results[1])
