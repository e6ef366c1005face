"""fungrad.torch against real PyTorch 2.13 over every row of the op table (ops_table.py): values,
dtypes, grad_fn names and gradients, against golden_ops.json always and against torch live
where it is installed."""
import os
import sys
import warnings

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops_table  # noqa: E402
from nn_kit import real_torch_or_none  # noqa: E402

NAMES = sorted(ops_table.ROWS)
GOLDEN = ops_table.load_golden()
SKIP_REASON = "real PyTorch 2.13 is not installed (pip install torch==2.13.0): live comparison skipped"


def _real_torch():
    return real_torch_or_none("2.13.")


def _run(name, T):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's deprecation notices (chain_matmul, cholesky)
        return ops_table.run(name, T)


def test_golden_covers_every_row():
    assert sorted(GOLDEN["records"]) == NAMES
    assert len(NAMES) >= 300


@pytest.mark.parametrize("name", NAMES)
def test_fungrad_matches_golden(name):
    import fungrad.torch as ftorch
    want = GOLDEN["records"][name]
    got = _run(name, ftorch)
    problems = ops_table.diff(got, want, ops_table.tolerance(name, want))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_fungrad_matches_live_torch(name):
    torch = _real_torch()
    if torch is None:
        pytest.skip(SKIP_REASON)
    import fungrad.torch as ftorch
    want = _run(name, torch)
    # torch's float32 kernels differ by an ulp between CPUs (vectorized erf/exp): the record
    # must agree with the live torch to the tolerance fungrad itself is held to
    assert not ops_table.diff(want, GOLDEN["records"][name], ops_table.tolerance(name, want)), \
        "golden_ops.json is stale"
    problems = ops_table.diff(_run(name, ftorch), want, ops_table.tolerance(name, want))
    assert not problems, "\n".join(problems)
