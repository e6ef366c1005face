"""torch's extension points (scenarios_extension.py) against torch 2.13's records
(golden_extension.json) and live torch; and the dispatch's reach: every function of the torch
namespace and every Tensor method goes through ``__torch_function__``."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops_table  # noqa: E402
import scenarios_extension as se  # noqa: E402

import fungrad.torch as ft  # noqa: E402

GOLDEN = se.load_golden()["records"]
NAMES = sorted(se.SCENARIOS)


def test_golden_covers_every_scenario():
    assert sorted(GOLDEN) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_against_golden(name):
    problems = ops_table.diff(se.run(name, ft), GOLDEN[name], 1e-6)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_against_live_torch(name):
    torch = pytest.importorskip("torch")
    if not torch.__version__.startswith("2.13."):
        pytest.skip("torch 2.13 is not installed")
    live = se.run(name, torch)
    assert not ops_table.diff(live, GOLDEN[name], 1e-12), "golden_extension.json is stale"
    problems = ops_table.diff(se.run(name, ft), live, 1e-6)
    assert not problems, "\n".join(problems)


class _Hook:
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return ("hooked", func.__name__)


@pytest.mark.parametrize("name", ["sin", "atan2", "einsum", "gather", "scatter_add", "median",
                                  "logaddexp", "cdist", "det", "diag_embed", "nan_to_num",
                                  "var_mean", "unique", "meshgrid", "broadcast_tensors"])
def test_functions_dispatch(name):
    fn = getattr(ft, name)
    if name == "einsum":
        assert fn("i->", _Hook()) == ("hooked", "einsum")
    else:
        assert fn(_Hook()) == ("hooked", name)


def test_every_method_dispatches():
    meths = ft.overrides.get_overridable_functions()[ft.Tensor]
    assert len(meths) > 400
    x = ft.ones(3)

    class M(ft.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            return func.__name__

    with M():
        assert x.sin() == "sin" and x.logaddexp(x) == "logaddexp" and x.cummax(0) == "cummax"
        assert x.sin_() == "sin_" and ft.special.erfcx is not None
