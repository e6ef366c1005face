"""Complex values through torch's function transforms in torch's convention (issue 16): every
case of complex_transforms_table.py (torch.func, torch.autograd.functional, forward AD, the
implicit grad of backward) must end as under real torch 2.13: the same values (dtype, shape,
requires_grad), or the same error (type and first line). Against golden_complex.json always,
against torch live where it is installed.

Where torch 2.13 fails with an internal assert (forward-mode AD through a conjugate view: the
table's TORCH_BUG), fungrad.torch gives the value torch gives by another route (the jvp along
each basis vector), recorded in the golden file.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import complex_transforms_table as table  # noqa: E402
from nn_kit import real_torch_or_none  # noqa: E402

import fungrad.torch as ft  # noqa: E402

GOLDEN = table.load_golden()
SKIP_REASON = ("real PyTorch 2.13 is not installed (pip install torch==2.13.0): live comparison "
               "skipped")


def test_golden_covers_the_table():
    assert sorted(GOLDEN["cases"]) == sorted(table.CASES)
    assert GOLDEN["torch_version"].startswith("2.13.")


@pytest.mark.parametrize("name", sorted(table.CASES))
def test_fungrad_matches_golden(name):
    got = table.run(ft, table.CASES[name])
    assert not table.problems(got, GOLDEN["cases"][name], where=name)


@pytest.mark.parametrize("name", sorted(table.CASES))
def test_fungrad_matches_live_torch(name):
    torch = real_torch_or_none("2.13.")
    if torch is None:
        pytest.skip(SKIP_REASON)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = table.run(torch, table.TORCH_BUG.get(name, table.CASES[name]))
    assert not table.problems(want, GOLDEN["cases"][name], where=name), \
        "golden_complex.json is stale"
    assert not table.problems(table.run(ft, table.CASES[name]), want, where=name)


def test_the_torch_bug_cases_still_fail_in_torch():
    """The TORCH_BUG routes stand in for torch's value only while torch itself fails there."""
    for name in table.TORCH_BUG:
        assert "INTERNAL ASSERT FAILED" in GOLDEN["cases"][name]["torch_fails"][1], name


def test_the_table_has_values_and_errors():
    """Most cases are values (torch's convention), the rest torch's errors: a sanity check that
    the table exercises both."""
    errors = [n for n, r in GOLDEN["cases"].items() if "error" in r]
    assert 40 < len(errors) < len(GOLDEN["cases"]) - 150


def test_a_complex_tangent_of_a_real_dual_is_refused():
    """torch carries a complex tangent of a real tensor through each op (complex-linearly);
    fungrad.torch's forward AD takes the primal's dtype only: a clear NotImplementedError at
    make_dual, not a dtype error at the first op (torch.func.jvp takes it: see the table)."""
    fw = ft.autograd.forward_ad
    with fw.dual_level():
        with pytest.raises(NotImplementedError, match="complex tangent of a real tensor"):
            fw.make_dual(ft.tensor([0.5, -1.5], dtype=ft.float64),
                         ft.tensor([1 + 0j, 1j], dtype=ft.complex128))


def test_unpack_dual_returns_the_tangent_given():
    """torch's unpack_dual of make_dual(p, t) returns t itself, a real tangent of a complex
    tensor too (whose forward pass takes it as complex)."""
    import fungrad.torch as ft
    import fungrad.torch.autograd.forward_ad as fw
    with fw.dual_level():
        p = ft.tensor([1 + 1j, 2.0])
        t = ft.tensor([1.0, 0.5])
        d = fw.make_dual(p, t)
        u = fw.unpack_dual(d)
        assert u.tangent is t and u.tangent.dtype == ft.float32
        assert fw.unpack_dual(d * d).tangent.tolist() == [2 + 2j, 2 + 0j]
        t2 = ft.tensor([1.0, 2.0])
        assert fw.unpack_dual(fw.make_dual(ft.tensor([3.0, 4.0]), t2)).tangent is t2
