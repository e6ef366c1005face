"""fungrad.numpy's named edge cases with their documented values; value-dependent shapes
(nonzero, unique, argwhere, flatnonzero, compress, masks) eagerly and with size= under jit and
vmap; `.at[...]` on traced values; inputs as numpy takes them (lists of traced values, scalars,
r_/c_/s_/index_exp, dtype functions); the efficient rules (O(n) cumulative sums, einsum's
contraction order); and a clean namespace."""
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pytest

import fungrad as fg
import fungrad.numpy as fnp
from fungrad.errors import ConcretizationError
from fungrad.numpy._at import at
from fungrad.testing import check_grads

# `x.at[...]` is a method of traced values; `at(x)[...]` is the same on any array (the tests
# use it where an argument may stay a plain numpy array, e.g. vmap with in_axes=None)

rng = np.random.default_rng(0)


def same(actual, expected, tol=1e-12, plain=False):
    """Equal values, dtype and shape; a fungrad.Array (plain=True: a numpy ndarray, for values
    numpy made)."""
    expected = np.asarray(expected)
    assert type(actual) is (np.ndarray if plain else fg.Array), type(actual)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol, equal_nan=True)


# ---- named edge cases
def test_sort_with_ties_is_stable_and_splits_no_gradient():
    x = np.array([2.0, 1.0, 2.0, 1.0, 3.0])
    same(fnp.sort(x), np.sort(x))
    same(fnp.argsort(x), np.array([1, 3, 0, 2, 4]))  # stable: equal entries keep their order
    same(fnp.argsort(x, descending=True), np.array([4, 0, 2, 1, 3]))
    # the tangent of sorted position i is the tangent of the entry the stable sort put there
    g = fg.grad(lambda x: fnp.sort(x)[1])(x)
    same(g, np.array([0.0, 0.0, 0.0, 1.0, 0.0]))
    same(fg.grad(lambda x: fnp.sort(x)[0] * 2 + fnp.sort(x)[1])(x), np.array([0, 2, 0, 1, 0.]))


def test_sort_descending_and_nans_last():
    x = np.array([1.0, np.nan, -2.0, 3.0])
    same(fnp.sort(x), np.sort(x))
    same(fnp.sort(x, descending=True), np.sort(x)[::-1])
    same(fnp.argsort(x), np.argsort(x, kind="stable"))


def test_median_of_an_even_count_averages_the_middle_pair():
    x = np.array([4.0, 1.0, 3.0, 2.0])
    same(fnp.median(x), np.asarray(2.5))
    same(fg.grad(fnp.median)(x), np.array([0.0, 0.0, 0.5, 0.5]))  # as jax.grad(jnp.median)
    same(fnp.median(np.array([3.0, 1.0, 2.0])), np.asarray(2.0))
    same(fnp.median(np.arange(12.0).reshape(3, 4), axis=0, keepdims=True),
         np.median(np.arange(12.0).reshape(3, 4), axis=0, keepdims=True))


def test_percentile_at_the_ends_is_the_min_and_max():
    x = rng.standard_normal(7)
    same(fnp.percentile(x, 0), np.asarray(x.min()))
    same(fnp.percentile(x, 100), np.asarray(x.max()))
    same(fnp.percentile(x, [0, 100]), np.percentile(x, [0, 100]))
    same(fg.grad(lambda x: fnp.percentile(x, 100))(x), (x == x.max()).astype(float))
    for method in ["lower", "higher", "nearest", "midpoint", "inverted_cdf", "weibull"]:
        same(fnp.quantile(x, [0.0, 1.0], method=method), np.quantile(x, [0.0, 1.0],
                                                                     method=method))
    with pytest.raises(ValueError, match="range"):
        fnp.percentile(x, 101)


def test_percentile_differentiable_in_q():
    x = np.sort(rng.standard_normal(6))
    g = fg.grad(lambda q: fnp.percentile(x, q))(37.0)
    np.testing.assert_allclose(g, (x[2] - x[1]) * 5 / 100)  # slope of the linear interpolation


def test_cumprod_through_a_zero():
    x = np.array([2.0, 0.0, 3.0, 4.0])
    same(fnp.cumprod(x), np.array([2.0, 0.0, 0.0, 0.0]))
    # d/dx_j of sum_i prod_{k<=i} x_k, exactly (no 0/0)
    expected = np.array([1.0, 2 + 6 + 24, 0.0, 0.0])
    same(fg.grad(lambda x: fnp.sum(fnp.cumprod(x)))(x), expected)
    jac = fg.jacfwd(fnp.cumprod)(x)
    same(jac, fg.jacrev(fnp.cumprod)(x))
    same(jac[3], np.array([0.0, 24.0, 0.0, 0.0]))
    two_zeros = np.array([1.0, 0.0, 5.0, 0.0, 2.0])
    same(fg.grad(lambda x: fnp.cumprod(x)[-1])(two_zeros), np.zeros(5))
    same(fg.grad(lambda x: fnp.cumprod(x)[-2])(two_zeros), np.array([0.0, 0, 0, 0, 0]))
    same(fg.grad(lambda x: fnp.cumprod(x)[2])(two_zeros), np.array([0.0, 5.0, 0.0, 0.0, 0.0]))


def test_nanmean_of_an_all_nan_slice_is_nan_with_zero_gradient():
    x = np.array([[np.nan, np.nan], [1.0, np.nan]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanmean(x, axis=1)
        with np.errstate(all="ignore"):
            same(fnp.nanmean(x, axis=1), expected)
            g = fg.grad(lambda x: fnp.nanmean(x, axis=1)[1])(x)
    same(g, np.array([[0.0, 0.0], [1.0, 0.0]]))
    with np.errstate(all="ignore"):
        same(fnp.nanmax(x, axis=1), np.array([np.nan, 1.0]))
        same(fnp.nansum(x, axis=1), np.array([0.0, 1.0]))


def test_at_add_with_repeated_indices_accumulates():
    x = np.zeros(4)
    idx = np.array([0, 2, 0, 0])
    f = lambda x, v: at(x)[idx].add(v)  # noqa: E731
    expected = x.copy()
    np.add.at(expected, idx, np.array([1.0, 2.0, 3.0, 4.0]))
    same(fg.jit(f)(x, np.array([1.0, 2.0, 3.0, 4.0])), expected)
    same(fg.vmap(f, in_axes=(None, 0))(x, np.ones((2, 4))), np.tile([3.0, 0, 1, 0], (2, 1)))
    g = fg.grad(lambda v: fnp.sum(f(x, v) * np.array([1.0, 10.0, 100.0, 1000.0])))(np.ones(4))
    same(g, np.array([1.0, 100.0, 1.0, 1.0]))
    check_grads(f, (rng.standard_normal(4), rng.standard_normal(4)), order=2)


def test_unique_under_jit_without_size_is_a_clear_error():
    x = np.array([3, 1, 1, 2])
    with pytest.raises(ConcretizationError, match=r"unique.*size=") as info:
        fg.jit(fnp.unique)(x)
    assert "jit" in str(info.value)
    for fn in [fnp.nonzero, fnp.argwhere, fnp.flatnonzero, fnp.unique_values]:
        with pytest.raises(ConcretizationError, match="size="):
            fg.jit(fn)(x)
    with pytest.raises(ConcretizationError, match="size="):
        fg.vmap(fnp.nonzero)(np.eye(2))
    with pytest.raises(ConcretizationError, match="size="):
        fg.jit(lambda x: x[x > 1])(x)
    with pytest.raises(ConcretizationError, match="size="):
        fg.jit(lambda c, x: fnp.compress(c, x))(x > 1, x)


# ---- value-dependent shapes
def test_nonzero_argwhere_flatnonzero_eager_jit_vmap():
    x = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    for a, b in zip(fnp.nonzero(x), np.nonzero(x)):
        same(a, b)
    same(fnp.argwhere(x), np.argwhere(x))
    same(fnp.flatnonzero(x), np.flatnonzero(x))
    same(fnp.where(x)[1], np.where(x)[1])
    r, c = fg.jit(lambda x: fnp.nonzero(x, size=4, fill_value=-1))(x)
    same(r, np.array([0, 1, 1, -1]))
    same(c, np.array([1, 0, 2, -1]))
    same(fg.jit(lambda x: fnp.argwhere(x, size=2))(x), np.argwhere(x)[:2])
    out = fg.vmap(lambda x: fnp.flatnonzero(x, size=3, fill_value=9))(x)
    same(out, np.array([[1, 9, 9], [0, 2, 9]]))
    # eager with size: padded / cut like under jit
    same(fnp.nonzero(x, size=2)[1], np.array([1, 0]))


def test_boolean_mask_gather_under_grad_and_with_size():
    x = rng.standard_normal(6)
    m = x > 0
    same(fg.grad(lambda x: fnp.sum(x[x > 0] ** 2))(x), np.where(m, 2 * x, 0.0))
    f = fg.jit(lambda x: fnp.sum(x[fnp.nonzero(x > 0, size=6, fill_value=0)] * (
        fnp.arange(6) < fnp.count_nonzero(x > 0))))
    np.testing.assert_allclose(f(x), x[m].sum())


def test_unique_eager_matches_numpy_and_keeps_gradients():
    x = np.array([3.0, 1.0, 2.0, 1.0, 3.0, 3.0])
    vals, idx, inv, counts = fnp.unique(x, return_index=True, return_inverse=True,
                                        return_counts=True)
    evals, eidx, einv, ecounts = np.unique(x, return_index=True, return_inverse=True,
                                           return_counts=True)
    for a, b in [(vals, evals), (idx, eidx), (inv, einv), (counts, ecounts)]:
        same(a, np.asarray(b, a.dtype))
    same(fg.grad(lambda x: fnp.sum(fnp.unique(x) * np.array([1.0, 10.0, 100.0])))(x),
         np.array([100.0, 1.0, 10.0, 0.0, 0.0, 0.0]))
    a2 = np.array([[1, 2], [1, 2], [0, 5]])
    same(fnp.unique(a2, axis=0), np.unique(a2, axis=0))
    same(fnp.unique_counts(x).counts, np.unique_counts(x).counts)
    same(fnp.unique_values(x), np.unique_values(x))
    same(fnp.unique_all(x).inverse_indices, np.unique_all(x).inverse_indices)


def test_unique_with_size_under_jit_and_vmap():
    x = np.array([3.0, 1.0, 2.0, 1.0, 3.0, 3.0])
    f = fg.jit(lambda x: fnp.unique(x, size=5, return_counts=True, return_index=True,
                                    return_inverse=True))
    vals, idx, inv, counts = f(x)
    same(vals, np.array([1.0, 2.0, 3.0, 1.0, 1.0]))  # padded with the smallest value
    same(idx, np.array([1, 2, 0, 0, 0]))
    same(inv, np.unique(x, return_inverse=True)[1])
    same(counts, np.array([2, 1, 3, 0, 0]))
    same(fg.jit(lambda x: fnp.unique(x, size=2, fill_value=-1.0))(x), np.array([1.0, 2.0]))
    out = fg.vmap(lambda x: fnp.unique(x, size=3, fill_value=0.0))(np.array([[2.0, 2, 1],
                                                                            [5.0, 6, 7]]))
    same(out, np.array([[1.0, 2.0, 0.0], [5.0, 6.0, 7.0]]))
    # values keep their gradient under jit
    g = fg.jit(fg.grad(lambda x: fnp.sum(fnp.unique(x, size=3) * np.array([1.0, 2, 3]))))(x)
    same(g, np.array([3.0, 1.0, 2.0, 0.0, 0.0, 0.0]))
    nan = np.array([np.nan, 1.0, np.nan])
    same(fnp.unique(nan), np.unique(nan))
    same(fg.jit(lambda x: fnp.unique(x, size=2))(nan), np.array([1.0, np.nan]))


def test_compress_extract_set_operations():
    x = np.arange(12.0).reshape(3, 4)
    c = np.array([True, False, True])
    same(fnp.compress(c, x, axis=0), np.compress(c, x, axis=0))
    same(fg.jit(lambda c, x: fnp.compress(c, x, axis=0, size=3, fill_value=-1.0))(c, x),
         np.concatenate([x[c], -np.ones((1, 4))]))
    same(fnp.extract(x > 5, x), np.extract(x > 5, x))
    same(fg.jit(lambda x: fnp.extract(x > 8, x, size=4))(x), np.array([9.0, 10, 11, 0]))
    a, b = np.array([5, 1, 3, 3, 7]), np.array([3, 4, 5, 9])
    for name in ["intersect1d", "union1d", "setdiff1d", "setxor1d"]:
        same(getattr(fnp, name)(a, b), getattr(np, name)(a, b))
        expected = getattr(np, name)(a, b)
        k = expected.size + 2
        got = fg.jit(lambda a, b, name=name, k=k: getattr(fnp, name)(a, b, size=k,
                                                                     fill_value=-1))(a, b)
        same(got, np.concatenate([expected, -np.ones(2, expected.dtype)]))
    same(fnp.isin(a, b), np.isin(a, b))
    same(fnp.isin(a, b, invert=True), np.isin(a, b, invert=True))
    same(fnp.trim_zeros(np.array([0, 0, 1, 2, 0])), np.trim_zeros(np.array([0, 0, 1, 2, 0])))


# ---- .at on traced values
def test_at_methods_match_numpy_and_are_differentiable():
    x = rng.standard_normal(5)
    v = rng.standard_normal(3)
    idx = np.array([4, 0, 4])

    def ref(op):
        out = x.copy()
        if op == "set":
            out[idx] = v
        else:
            getattr(np, {"add": "add", "multiply": "multiply", "min": "minimum",
                         "max": "maximum"}[op]).at(out, idx, v)
        return out
    for op in ["set", "add", "multiply", "min", "max"]:
        f = lambda x, v, op=op: getattr(at(x)[idx], op)(v)  # noqa: E731
        same(fg.jit(f)(x, v), ref(op))
        check_grads(f, (x, v), order=2 if op in ("set", "add", "multiply") else 1)
        got = fg.vmap(f)(np.stack([x, x]), np.stack([v, v]))
        same(got[1], ref(op))
    f = fg.jit(lambda x: x.at[1:3].subtract(1.0).at[0].divide(2.0).at[4].power(2.0))
    e = x.copy()
    e[1:3] -= 1
    e[0] /= 2
    e[4] **= 2
    same(f(x), e)
    same(fg.jit(lambda x: x.at[::2].apply(fnp.sin))(x), np.where(np.arange(5) % 2 == 0,
                                                                  np.sin(x), x))


def test_at_out_of_bounds_modes_follow_jax():
    x = np.arange(4.0)
    f = fg.jit(lambda x, i: (x.at[i].get(), x.at[i].get(mode="fill", fill_value=-1.0),
                             x.at[i].set(9.0), x.at[i].add(1.0, mode="drop")))
    i = np.array([1, 6, -1, -7])
    got, filled, setv, added = f(x, i)
    same(got, np.array([1.0, 3.0, 3.0, 0.0]))          # clamped (negatives count from the end)
    same(filled, np.array([1.0, -1.0, 3.0, -1.0]))
    same(setv, np.array([0.0, 9.0, 2.0, 9.0]))          # out-of-bounds updates are dropped
    same(added, np.array([0.0, 2.0, 2.0, 4.0]))
    # an update that drops everything is the identity: jit returns its argument itself
    same(fg.jit(lambda x: x.at[7].set(1.0))(x), x, plain=type(x) is np.ndarray)
    same(fg.jit(lambda x: x.at[np.array([2, 2])].set(np.array([5.0, 6.0])))(x),
         np.array([0.0, 1.0, 6.0, 3.0]))  # the last of repeated indices wins


def test_at_set_gradient_goes_to_the_winning_update_only():
    x = np.zeros(3)
    g = fg.grad(lambda v: fnp.sum(at(x)[np.array([1, 1, 2])].set(v) * np.array([1.0, 2, 3])))(
        np.ones(3))
    same(g, np.array([0.0, 2.0, 3.0]))
    gx = fg.grad(lambda x: fnp.sum(x.at[1].set(5.0)))(np.ones(3))
    same(gx, np.array([1.0, 0.0, 1.0]))


def test_fori_loop_reading_a_constant_with_a_traced_index():
    a = fnp.arange(10.0)
    out = fg.lax.fori_loop(0, 10, lambda i, s: s + fnp.take(a, i), 0.0)
    same(out, np.asarray(45.0))


# ---- inputs as numpy takes them
def test_lists_and_tuples_of_traced_values():
    def f(x):
        return (fnp.mean([x, 2 * x]) + fnp.sum(fnp.array([x, x * x, 3.0]))
                + fnp.sum(fnp.stack((x, -x))) + fnp.max(fnp.asarray([[x, 1.0], [0.5, x]])))
    x = 0.7
    expected = 1.5 * x + x + x * x + 3 + 0 + 1.0
    np.testing.assert_allclose(f(x), expected)
    np.testing.assert_allclose(fg.grad(f)(x), 1.5 + 1 + 2 * x)
    np.testing.assert_allclose(fg.jit(f)(x), expected)
    same(fg.vmap(lambda x: fnp.array([x, 2 * x]))(np.arange(3.0)),
         np.stack([np.arange(3.0), 2 * np.arange(3.0)], 1))
    same(fnp.concatenate(([1.0], np.ones(2))), np.ones(3))
    same(fnp.cumsum([1, 2, 3]), np.cumsum([1, 2, 3]))
    same(fnp.sort((3, 1, 2)), np.array([1, 2, 3]))


def test_scalars_python_and_numpy():
    same(fnp.sum(np.float32(2.0)), np.asarray(np.float32(2.0)))
    same(fnp.cumsum(3.0), np.cumsum(3.0))
    same(fnp.median(5), np.asarray(5.0))
    assert fg.grad(lambda x: fnp.sin(x) * np.float32(2))(np.float32(1.0)).dtype == np.float32
    same(fnp.isnan(float("nan")), np.asarray(True))


def test_r_c_s_index_exp_with_traced_values():
    same(fnp.r_[1:4, 0, 9], np.r_[1:4, 0, 9])
    same(fnp.c_[np.array([1, 2]), np.array([3, 4])], np.c_[np.array([1, 2]), np.array([3, 4])])
    same(fnp.r_["0,2", np.ones(2), np.zeros(2)], np.r_["0,2", np.ones(2), np.zeros(2)])
    f = fg.jit(lambda x: fnp.r_[x, 0.0, x[:1]])
    same(f(np.arange(3.0)), np.array([0.0, 1, 2, 0, 0]))
    same(fg.jit(lambda x: fnp.c_[x, 2 * x])(np.arange(2.0)), np.c_[np.arange(2.0), 2 * np.arange(2.)])
    assert fnp.s_[1:3] == np.s_[1:3] and fnp.index_exp[1:3] == np.index_exp[1:3]
    x = np.arange(10.0)
    same(fg.jit(lambda x: x[fnp.s_[::3]])(x), x[::3])


def test_dtype_functions():
    assert fnp.finfo(np.float32).eps == np.finfo(np.float32).eps
    assert fnp.iinfo(fnp.int32).max == np.iinfo(np.int32).max
    assert fnp.result_type(np.float32, 2.0) == np.float32  # a Python float is weak
    assert fnp.result_type(np.ones(2, np.int32), np.ones(2, np.float32)) == np.float64
    assert fnp.promote_types(fnp.int8, fnp.uint8) == np.int16
    assert fnp.can_cast(np.int32, np.int64) and fnp.issubdtype(fnp.float32, fnp.floating)
    assert fnp.isdtype(fnp.float64, "real floating")

    def f(x):
        assert fnp.result_type(x, 1.0) == np.float32
        assert fnp.finfo(x).bits == 32
        return x * fnp.finfo(x).eps
    fg.jit(f)(np.ones(2, np.float32))
    assert fnp.dtype("float32") == np.float32 and fnp.float_ is np.float64


def test_real_imag_conj_for_real_dtypes():
    x = rng.standard_normal(3)
    same(fnp.real(x), x)
    same(fnp.imag(x), np.zeros(3))
    same(fg.grad(lambda x: fnp.sum(fnp.conj(x) * fnp.real(x)))(x), 2 * x)
    z = np.array([1 + 2j, 3 - 1j])
    same(fnp.real(z), np.real(z))
    same(fnp.imag(z), np.imag(z))
    same(fnp.conj(z), np.conj(z))


def test_index_builders_and_writes():
    for a, b in zip(fnp.tril_indices(3, -1), np.tril_indices(3, -1)):
        same(a, b.astype(np.int64))
    for a, b in zip(fnp.triu_indices_from(np.ones((3, 4)), 1), np.triu_indices_from(np.ones((3, 4)), 1)):
        same(a, b.astype(np.int64))
    for a, b in zip(fnp.diag_indices(3), np.diag_indices(3)):
        same(a, b.astype(np.int64))
    for a, b in zip(fnp.mask_indices(3, fnp.triu), np.mask_indices(3, np.triu)):
        same(a, b.astype(np.int64))
    same(fnp.ravel_multi_index((np.array([1, 2]), np.array([0, 3])), (3, 4)),
         np.ravel_multi_index((np.array([1, 2]), np.array([0, 3])), (3, 4)))
    r, c = fg.jit(lambda i: fnp.unravel_index(i, (3, 4)))(np.array([5, 11]))
    same(r, np.array([1, 2]))
    same(c, np.array([1, 3]))
    ix = fnp.ix_(np.array([0, 2]), np.array([1, 3]))
    same(np.arange(12).reshape(3, 4)[ix], np.arange(12).reshape(3, 4)[np.ix_([0, 2], [1, 3])],
         plain=True)  # numpy's own indexing
    a = np.zeros((3, 3))
    assert fnp.fill_diagonal(a, 2.0) is None  # numpy's in-place behaviour on numpy arrays
    same(a, 2 * np.eye(3), plain=True)  # the numpy array itself
    same(fg.jit(lambda x: fnp.fill_diagonal(x, 5.0, inplace=False))(np.zeros((2, 2))),
         5 * np.eye(2))
    same(fg.jit(lambda x: fnp.put(x, [0, 3], [7.0, 8.0], inplace=False))(np.zeros(4)),
         np.array([7.0, 0, 0, 8.0]))
    same(fg.jit(lambda x: fnp.place(x, np.array([True, False, True]), [1.0], inplace=False))(
        np.zeros(3)), np.array([1.0, 0, 1.0]))
    with pytest.raises(TypeError, match="inplace=False"):
        fg.jit(lambda x: fnp.put(x, [0], [1.0]))(np.zeros(2))


def test_bit_packing_and_bincount():
    a = np.array([[1, 0, 1, 1, 0, 0, 1, 0, 1], [0, 1, 1, 0, 0, 0, 0, 0, 1]], bool)
    same(fnp.packbits(a, axis=1), np.packbits(a, axis=1))
    same(fnp.packbits(a), np.packbits(a))
    u = np.array([3, 200], np.uint8)
    same(fnp.unpackbits(u), np.unpackbits(u))
    same(fnp.unpackbits(u, bitorder="little", count=5), np.unpackbits(u, bitorder="little",
                                                                        count=5))
    x = np.array([0, 2, 2, 5])
    same(fnp.bincount(x), np.bincount(x))
    same(fg.jit(lambda x: fnp.bincount(x, length=4))(x), np.array([1, 0, 2, 0]))
    with pytest.raises(ConcretizationError, match="length="):
        fg.jit(fnp.bincount)(x)


def test_einsum_contracts_in_numpys_greedy_order():
    a, b, c = (rng.standard_normal(s) for s in [(2, 30), (30, 40), (40, 3)])
    j = fg.make_jaxpr(lambda a, b, c: fnp.einsum("ij,jk,kl->il", a, b, c))(a, b, c)
    dots = [e for e in j.eqns if e.primitive.name == "dot_general"]
    # greedy contracts a with b first (2x30 @ 30x40 is cheaper than 30x40 @ 40x3 ... the path
    # numpy picks), then the result with c
    path = np.einsum_path("ij,jk,kl->il", a, b, c, optimize="greedy")[0]
    first = path[1]
    shapes = {(0, 1): ((2, 30), (30, 40)), (1, 2): ((30, 40), (40, 3)), (0, 2): ((2, 30), (40, 3))}
    assert tuple(v.aval.shape for v in dots[0].invars) == shapes[tuple(sorted(first))]
    same(fnp.einsum("ij,jk,kl->il", a, b, c), np.einsum("ij,jk,kl->il", a, b, c), 1e-10)
    x = rng.standard_normal((3, 3, 3))
    same(fnp.einsum("iii->i", x), np.einsum("iii->i", x))
    same(fnp.einsum("iji->j", x), np.einsum("iji->j", x))
    same(fnp.einsum("...ii->...", x), np.einsum("...ii->...", x))
    check_grads(lambda x: fnp.einsum("iij,jkk->ik", x, x), (x,), order=2)
    assert fnp.einsum_path("ij,jk->ik", a, b)[0] == np.einsum_path("ij,jk->ik", a, b)[0]


def test_cumulative_rules_are_linear_in_size():
    """The JVP and transpose programs of cumsum/cumprod/cummax hold O(1) equations whose
    operands have the input's size: no n x n triangular matrix anywhere."""
    n = 500
    x = rng.uniform(0.5, 1.5, n)
    for f in [fnp.cumsum, fnp.cumprod, lambda x: fnp.cumsum(fnp.cumprod(x))]:
        j = fg.make_jaxpr(fg.grad(lambda x, f=f: fnp.sum(f(x))))(x)
        for e in j.eqns:
            for v in list(e.invars) + list(e.outvars):
                assert np.prod(v.aval.shape) <= n, (e, v.aval)
        assert len(j.eqns) < 60
    from fungrad.numpy.reductions import cummax
    j = fg.make_jaxpr(fg.grad(lambda x: fnp.sum(cummax(x, 0))))(x)
    assert all(np.prod(v.aval.shape) <= n for e in j.eqns for v in e.outvars)
    same(cummax(np.array([1.0, 3, 2, 5]), 0), np.array([1.0, 3, 3, 5]))
    same(fg.grad(lambda x: fnp.sum(cummax(x, 0)))(np.array([1.0, 3, 2, 5])),
         np.array([1.0, 2.0, 0.0, 1.0]))


# ---- namespace and coverage
def test_namespace_holds_numpy_names_only():
    public = [n for n in dir(fnp) if not n.startswith("_")]
    import pathlib
    jax_names = set(pathlib.Path("benchmarks/jax_numpy_names.txt").read_text().split())
    leaked = [n for n in public if not hasattr(np, n) and n not in jax_names]
    assert not leaked, leaked
    for name in ["np", "lax", "promote", "string", "creation", "ufuncs", "reductions",
                 "indexing", "sorting", "numeric", "logic", "cummax"]:
        assert name not in public, name
    assert sorted(fnp.__all__) == sorted(set(fnp.__all__))
    assert set(fnp.__all__) <= set(public)
    assert callable(fnp.shape) and fnp.shape(np.ones((2, 3))) == (2, 3)


def test_coverage_script_counts_at_least_400():
    out = subprocess.run([sys.executable, "benchmarks/numpy_coverage.py"], capture_output=True,
                         text=True, check=True).stdout
    last = out.strip().splitlines()[-1]
    have = int(last.split()[2])
    try:
        import ml_dtypes  # noqa: F401 (the 18 storage dtypes come from it)
        assert have >= 400, last
    except ImportError:
        assert have >= 398, last


def test_out_argument_accepts_none_only():
    x = np.ones(3)
    same(fnp.sum(x, out=None), np.asarray(3.0))
    with pytest.raises(NotImplementedError, match="out="):
        fnp.cumsum(x, out=np.empty(3))


@pytest.mark.parametrize("idx", [True, False, np.array(True), np.array(False), (1, True),
                                 (slice(None), False), (Ellipsis, True), (0, False, 1)],
                         ids=repr)
def test_scalar_boolean_index_adds_an_axis_as_numpy(idx):
    # Python's bool is an int: x[True] must not be x[1]
    x = np.arange(6.0).reshape(2, 3)
    expected = x[idx]
    for got in (fnp.reshape(x, (2, 3))[idx], fg.jit(lambda v: v[idx])(x)):
        assert got.shape == expected.shape
        np.testing.assert_array_equal(got, expected)
    xs = np.stack([x, -x])
    np.testing.assert_array_equal(fg.vmap(lambda v: v[idx])(xs), np.stack([x[idx], -x[idx]]))
    g = fg.grad(lambda v: fnp.sum(v[idx] ** 2))(x)
    selected = np.zeros_like(x)
    selected[idx] = 1.0  # numpy's assignment through the same index marks what it selects
    np.testing.assert_array_equal(g, 2 * x * selected)


def test_scalar_boolean_with_array_indices_raises_not_implemented():
    with pytest.raises(NotImplementedError, match="scalar boolean index"):
        fg.jit(lambda v: v[True, [0, 1]])(np.ones((2, 3)))


# ---- hostile inputs: numpy's errors and values (array_split ... lexsort)
def _eq(actual, expected):
    """numpy's value, dtype and shape (nan where numpy has nan)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert (actual.dtype, actual.shape) == (expected.dtype, expected.shape), (actual, expected)
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12, equal_nan=True)


def _raises_like_numpy(call, err, text):
    """numpy raises an `err` for the call; fungrad an error of a compatible type matching `text`."""
    with pytest.raises(err):
        call(np)
    with pytest.raises(err, match=text):
        call(fnp)


def test_array_split_block_ediff1d_expand_dims_reject_what_numpy_rejects():
    x = np.arange(5.0)
    for k in (0, -1, np.int64(-2)):
        _raises_like_numpy(lambda m, k=k: m.array_split(x, k), ValueError,
                           "number sections must be larger than 0")
    with pytest.raises(np.exceptions.AxisError):
        fnp.array_split(x, 2, axis=3)
    for k in (1, 2, 3, 7, True):
        for got, want in zip(fnp.array_split(x, k), np.array_split(x, k), strict=True):
            _eq(got, want)
    _raises_like_numpy(lambda m: m.block((2, -3)), TypeError, r"arrays is a tuple")
    _raises_like_numpy(lambda m: m.block([[1.0, 2.0], (3.0, 4.0)]), TypeError,
                       r"arrays\[1\] is a tuple")
    _raises_like_numpy(lambda m: m.block([]), ValueError, r"list at arrays cannot be empty")
    _raises_like_numpy(lambda m: m.block([[], [1.0]]), ValueError, r"arrays\[0\] cannot be empty")
    _raises_like_numpy(lambda m: m.block([[1.0, 2.0], 3.0]), ValueError,
                       r"depths are mismatched.*arrays\[1\] is at depth 1")
    _eq(fnp.block(5.0), np.block(5.0))
    _eq(fnp.block([[np.eye(2)], [np.ones((1, 2))]]), np.block([[np.eye(2)], [np.ones((1, 2))]]))
    for b in (np.array([True, False, True]), np.array([True]), np.zeros(0, bool)):
        _raises_like_numpy(lambda m, b=b: m.ediff1d(b), TypeError, "boolean subtract")
    _eq(fnp.diff(np.array([True, False, False])), np.diff(np.array([True, False, False])))
    _eq(fnp.ediff1d(np.array([1, 4, 9], np.int8)), np.ediff1d(np.array([1, 4, 9], np.int8)))
    for axis in (None, object(), 1.5, "0"):
        _raises_like_numpy(lambda m, axis=axis: m.expand_dims(np.ones(3), axis), TypeError, "axis")
    _eq(fnp.expand_dims(np.ones(3), (0, -1)), np.expand_dims(np.ones(3), (0, -1)))


def test_histograms_of_complex_values_and_of_samples_numpy_converts():
    z = np.array([1 + 1j, 2 - 1j, 0.5j, 3.0])
    v = np.array([0.5, -1.0, 2.0, 0.25])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)  # numpy's own binning
        cases = [lambda m: m.histogram(z), lambda m: m.histogram(z.astype(np.complex64), bins=3),
                 lambda m: m.histogram(np.array([1j, 1j])), lambda m: m.histogram(z, 3, (0, 3)),
                 lambda m: (m.histogram_bin_edges(z),), lambda m: m.histogram2d(v, z, bins=4),
                 lambda m: (m.histogramdd(z)[0], *m.histogramdd(z)[1])]
        for case in cases:
            for got, want in zip(case(fnp), case(np), strict=True):
                _eq(got, want)
    # numpy reads a sequence (or a 0-d or 1-d array) as atleast_2d(sample).T: N points
    for sample in (np.array(1.5), (2, -3), [1.0, 2.0], [[1, 2], [3, 4]], np.zeros(0),
                   [np.array(1.0), np.array(2.0)]):
        (h, edges), (h_np, edges_np) = fnp.histogramdd(sample, 2), np.histogramdd(sample, 2)
        np.testing.assert_array_equal(h, h_np)
        assert len(edges) == len(edges_np)
        for e, e_np in zip(edges, edges_np):
            np.testing.assert_array_equal(e, e_np)
    _raises_like_numpy(lambda m: m.histogramdd(-1), TypeError, "sample must be")
    _raises_like_numpy(lambda m: m.histogramdd(np.zeros((2, 2, 2))), ValueError, "f64\\[2,2,2\\]")
    _raises_like_numpy(lambda m: m.histogramdd(np.zeros((3, 2)), bins=[2, 3, 4]), ValueError,
                       "dimension of bins")
    _raises_like_numpy(lambda m: m.histogramdd(np.zeros((3, 2)), range=[(0, 1)]), ValueError,
                       "one entry per dimension")


def test_choose_diag_indices_clip_i0_check_their_arguments_as_numpy():
    a = np.array([0, 1, 0])
    for choices in (np.zeros(0), np.zeros((0, 3)), []):
        _raises_like_numpy(lambda m, c=choices: m.choose(a, c), ValueError, "0-length sequence")
    for choices in (5, np.array(5.0), None):
        _raises_like_numpy(lambda m, c=choices: m.choose(a, c), TypeError,
                           "choices must be a sequence")
    _raises_like_numpy(lambda m: m.choose(np.array([0.5, 1.0]), [[1, 2], [3, 4]]), TypeError,
                       r"a must be an integer array .*f64\[2\]")
    for idx, choices in ((np.array([True, False]), [[1, 2], [3, 4]]),
                         (a, np.array([[1, 2, 3], [4, 5, 6]])), (a, (np.ones(3), np.zeros(3)))):
        _eq(fnp.choose(idx, choices), np.choose(idx, choices))
    # numpy's arange(n): float indices for a float n
    for n in (np.array(1.5), 2.0, 3, np.int32(2), True, -1):
        for got, want in zip(fnp.diag_indices(n), np.diag_indices(n), strict=True):
            _eq(got, want)
    assert len(fnp.diag_indices(2, 3)) == 3
    _raises_like_numpy(lambda m: m.diag_indices(np.ones(2)), ValueError, r"scalar.*f64\[2\]")
    for n in (None, "abc", (2, -3)):
        _raises_like_numpy(lambda m, n=n: m.diag_indices(n), TypeError, "n must be a number")
    b = np.array([True, False])
    _raises_like_numpy(lambda m: m.clip(b), TypeError, r"booleans without bounds.*bool\[2\]")
    for call in (lambda m: m.clip(b, 0, None), lambda m: m.clip(b, None, True),
                 lambda m: m.clip(np.arange(3)), lambda m: m.clip(np.arange(3.0), max=1)):
        _eq(call(fnp), call(np))
    _raises_like_numpy(lambda m: m.i0(np.array([1 + 1j, 2.0])), TypeError, "complex")
    with np.errstate(all="ignore"):
        for x in (np.array([np.nan, np.inf, -np.inf, 0.0, 1.5]), np.array([True, False]),
                  np.array([1, -2], np.int8)):
            _eq(fnp.i0(x), np.i0(x))


def test_digitize_checks_monotonic_bins_and_lexsort_its_keys_as_numpy():
    x = np.array([0.5, -1.0, 2.0, 0.25, np.nan, 1.0, 3.0])
    for bins in (np.array([np.nan, np.inf, -np.inf, 1.0]), np.array([True, False, True, True]),
                 np.array([1, -2, 3, 4], np.int8), np.array([1.0, 3.0, 2.0])):
        _raises_like_numpy(lambda m, b=bins: m.digitize(x, b), ValueError, "monotonically")
    _raises_like_numpy(lambda m: m.digitize(x, np.array([1 + 1j, 2.0])), TypeError,
                       "bins may not be complex")
    _raises_like_numpy(lambda m: m.digitize(np.array([1j]), np.array([1.0, 2.0])), TypeError,
                       "x may not be complex")
    # numpy's direction: the first entry that differs from bins[0]; a NaN compares false
    for bins in (np.array([1.0, np.nan]), np.array([np.nan, 1.0]), np.array([np.nan]),
                 np.array([1.0, np.nan, 3.0]), np.array([2.0, 2.0, 1.0]), np.array([1.0, 1.0]),
                 np.array([3.0, 2.0, 2.0, 1.0]), np.array([True, False]),
                 np.array([1, 2, 3], np.int8)):
        for right in (False, True):
            want = np.digitize(x, bins, right)
            _eq(fnp.digitize(x, bins, right), want)
            _eq(fg.jit(lambda v, b, r=right: fnp.digitize(v, b, r))(x, bins), want)
    for keys in (np.array(1.5), -1, np.zeros(0), np.zeros((0, 3)), []):
        _raises_like_numpy(lambda m, k=keys: m.lexsort(k), TypeError, "len > 0")
    _raises_like_numpy(lambda m: m.lexsort((np.ones(3), np.ones(2))), ValueError,
                       r"same shape, got f64\[3\], f64\[2\]")
    for keys in (np.array([3, 1, 2]), [np.array(1.0), np.array(2.0)],
                 np.array([[1, 0, 1], [2, 2, 1]])):
        _eq(fnp.lexsort(keys), np.lexsort(keys))
        _eq(fnp.lexsort(keys, axis=0), np.lexsort(keys, axis=0))
    _raises_like_numpy(lambda m: m.lexsort([np.array(1.0)], axis=1), np.exceptions.AxisError,
                       "out of bounds")


def test_convolve_and_correlate_sum_only_the_overlapping_terms_as_numpy():
    # zero padding would give 0 * inf = nan at the ends; numpy sums only where a and v overlap
    v = np.array([0.5, -1.0, 2.0, 0.25])
    cases = [(v, np.array([np.nan, np.inf, -np.inf, 1.0])), (np.array([1.0, 2.0]),
                                                             np.array([np.inf, 1.0])),
             (np.array([1, 2, 3], np.int8), np.array([100, 100], np.int8)),  # wraps in int8
             (np.array([True, False, True]), np.array([True, True])), (np.arange(5.0), v[:1]),
             (np.arange(3, dtype=np.float32), np.ones(2, np.float32)), (v[:1], np.arange(5.0))]
    with np.errstate(all="ignore"):
        for a, b in cases:
            for mode in ("full", "same", "valid"):
                for name in ("convolve", "correlate"):
                    want = getattr(np, name)(a, b, mode)
                    _eq(getattr(fnp, name)(a, b, mode), want)
                    _eq(fg.jit(lambda x, y, n=name, md=mode: getattr(fnp, n)(x, y, md))(a, b), want)
        # poly and polymul convolve: the same ends
        h = np.array([np.nan, np.inf, -np.inf, 1.0])
        _eq(fnp.poly(h), np.poly(h))
        _eq(fnp.polymul(v, h), np.polymul(v, h))
    a, b = rng.normal(size=7), rng.normal(size=3)
    check_grads(lambda x, y: fnp.convolve(x, y, "same"), (a, b), order=2)
    check_grads(lambda x, y: fnp.correlate(y, x, "full"), (a, b), order=2)


def _eq_parts(actual, expected):
    """_eq on the real and imaginary parts apart (inf + nanj is not nan + nanj)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert (actual.dtype, actual.shape) == (expected.dtype, expected.shape), (actual, expected)
    for part in (np.real, np.imag):
        np.testing.assert_array_equal(part(actual), part(expected))


_COMPLEX_SPECIALS = [complex(a, b) for a in (0, 1, -2, np.inf, -np.inf, np.nan)
                     for b in (0, 1, -2, np.inf, np.nan)]


def _direct_sum(a, v, mode):
    """numpy.convolve by its definition: per output, np.multiply of each overlapping pair (its
    complex product: (inf + 0j) * (1 + 0j) = inf + nanj), added up."""
    n, m = len(a), len(v)
    full = [sum((np.multiply(a[k - j], v[j]) for j in range(m) if 0 <= k - j < n), 0j)
            for k in range(n + m - 1)]
    lo, size = {"full": (0, n + m - 1), "same": ((min(n, m) - 1) // 2, max(n, m)),
                "valid": (min(n, m) - 1, max(n, m) - min(n, m) + 1)}[mode]
    return np.array(full[lo:lo + size], complex)


def test_complex_convolve_with_infinities_is_numpys_direct_sum_of_complex_products():
    """Each output is the sum of numpy's complex products of the overlapping pairs. numpy's own
    convolve hands each output to BLAS zdotu, whose AVX kernels (OpenBLAS's Haswell, SkylakeX,
    Zen) give other nan/inf patterns ((inf + 0j) . (1 + 0j) over 2 terms: nan + nanj, the
    scalar kernel and the sum of products inf + nanj); its scalar kernel agrees with fungrad."""
    gen = np.random.default_rng(1)
    cases = [(np.array(gen.choice(_COMPLEX_SPECIALS, n)), np.array(gen.choice(_COMPLEX_SPECIALS, m)))
             for n, m in gen.integers(1, 5, (300, 2))]
    with np.errstate(all="ignore"):
        for a, v in cases:
            for mode in ("full", "same", "valid"):
                _eq_parts(fnp.convolve(a, v, mode), _direct_sum(a, v, mode))
                # numpy: conj(v) first; a shorter `a` swaps the operands and reverses the result
                _eq_parts(fnp.correlate(a, v, mode), _direct_sum(a, np.conj(v[::-1]), mode)
                          if len(a) >= len(v) else _direct_sum(np.conj(v), a[::-1], mode)[::-1])
    if "openblas" not in str(np.show_config(mode="dicts")["Build Dependencies"]["blas"]):
        return
    with tempfile.TemporaryDirectory() as d:
        for i, (a, v) in enumerate(cases[:40]):
            np.save(f"{d}/a{i}.npy", a)
            np.save(f"{d}/v{i}.npy", v)
        loop = (f"import numpy as np, warnings; warnings.simplefilter('ignore')\n"
                f"for i in range(40):\n a, v = np.load(f'{d}/a{{i}}.npy'), np.load(f'{d}/v{{i}}.npy')\n"
                f" np.save(f'{d}/o{{i}}.npy', np.concatenate([np.convolve(a, v), "
                f"np.correlate(a, v, 'full')]))")
        env = dict(os.environ, OPENBLAS_CORETYPE="Prescott")  # OpenBLAS's scalar zdotu kernel
        subprocess.run([sys.executable, "-c", loop], check=True, env=env, timeout=120)
        with np.errstate(all="ignore"):
            for i, (a, v) in enumerate(cases[:40]):
                got = np.concatenate([np.asarray(fnp.convolve(a, v)),
                                      np.asarray(fnp.correlate(a, v, "full"))])
                _eq_parts(got, np.load(f"{d}/o{i}.npy"))


def test_polydiv_by_a_real_zero_divides_in_the_divisors_dtype_as_numpy():
    # numpy's scale = 1 / v[0] in v's dtype: inf for a real 0 (inf + 0j once promoted, so
    # (inf + 0j) * (1 + 0j) = inf + nanj); a complex 0 gives 1 / 0j = inf + nanj, then nan + nanj
    cases = [([1 + 0j, 2], [0.0]), ([1j, 2, 3], [0.0, 1.0]),
             (np.array([1j, 2], np.complex64), np.array([0.0], np.float32)),
             ([1.0, 2.0], [0j]), ([1 + 0j, 2], [0j]), ([1.0, 2.0], [0.0]), ([np.inf, 1.0], [2.0])]
    with np.errstate(all="ignore"):
        for u, v in cases:
            want = np.polydiv(u, v)
            for got in (fnp.polydiv(u, v), fg.jit(fnp.polydiv)(np.asarray(u), np.asarray(v))):
                _eq_parts(got[0], want[0])
            _eq_parts(fnp.polydiv(u, v)[1], want[1])
            if len(v) == 1:  # jit: a constant divisor leaves numpy's last remainder entry, not 0
                _eq_parts(fg.jit(fnp.polydiv)(np.asarray(u), np.asarray(v))[1], want[1][-1:])


def test_polyval_starts_in_the_dtype_of_x_and_polydiv_refuses_no_coefficients_as_numpy():
    # numpy: y = zeros_like(x); y = y * x + c per coefficient
    x = np.array([np.nan, np.inf, -np.inf, 1.0])
    cases = [(np.array([0j]), x), (np.zeros(0), np.arange(3)),
             (np.zeros(0, int), np.arange(3, dtype=np.int8)),
             (np.zeros(0), np.array([1 + 1j], np.complex64)), (np.zeros(0), np.array(3)),
             (np.array([1, 2], np.int8), np.array([100, 3], np.int8)), (np.array([1.0, 2.0]), 3),
             (np.array([True, False]), np.array([True, False])), (np.arange(4.0).reshape(2, 2), x[2:])]
    with np.errstate(all="ignore"):
        for p, xs in cases:
            _eq_parts(fnp.polyval(p, xs), np.polyval(p, xs))
        _eq_parts(fg.jit(fnp.polyval)(np.array([0j]), x), np.polyval(np.array([0j]), x))
    _raises_like_numpy(lambda m: m.polyval(np.array(1.5), x), TypeError,
                       r"numpy\.polyval: p must be a sequence .* got f64\[\]")
    for u, v in ((np.zeros(0), np.ones(2)), (np.ones(2), np.zeros(0)), (np.zeros(0), np.zeros(0))):
        arg = "u" if len(u) == 0 else "v"
        _raises_like_numpy(lambda m, u=u, v=v: m.polydiv(u, v), IndexError,
                           rf"numpy\.polydiv: {arg} has no coefficients, got f64\[0\]")


def test_polyint_keeps_the_constants_dtype_and_m0_returns_p_as_numpy():
    for args in ((np.array([1, 2]), 1, 1j), (np.array([1.0, 2.0]), 2, [1j, 2]),
                 (np.array([1.0, 2.0]), 2, 1j), (np.array([1, 2]), 0), (np.array([1, 2], np.int8), 0),
                 (np.array([1, 2], np.float32), 1, 0.1), (np.array([1, 2], np.complex64), 1, 1.5),
                 (np.array([True, False]), 1, True)):
        _eq(fnp.polyint(*args), np.polyint(*args))
    assert fg.grad(lambda k: fnp.polyint(np.array([1.0, 2.0]), 1, k).sum())(3.0) == 1.0


def test_convolve_and_correlate_compute_in_preferred_element_type_as_jax():
    a = np.array([100, 100], np.int8)  # int8 alone wraps: 100 * 100 = 16 (mod 256)
    _eq(fnp.convolve(a, a), np.convolve(a, a))
    _eq(fnp.convolve(a, a, preferred_element_type=np.float32), np.array([1e4, 2e4, 1e4], np.float32))
    _eq(fnp.correlate(a, a, "full", preferred_element_type=np.int32),
        np.array([10000, 20000, 10000], np.int32))


def test_interp_with_infinities_and_nans_follows_numpys_rules():
    """numpy's arr_interp: fp itself at a node (an infinite slope times 0 is not taken), a nan
    from one end retried from the other, a nan x gives nan, and complex fp part by part."""
    gen = np.random.default_rng(0)
    vals = [0.0, 1.0, -2.0, np.inf, -np.inf, np.nan]
    with np.errstate(all="ignore"):
        for _ in range(400):
            n = gen.integers(1, 5)
            xp, fp = np.sort(gen.normal(size=n)).round(1), gen.choice(vals, n)
            if gen.random() < 0.5:
                fp = fp + 1j * gen.choice(vals, n)
            x = np.concatenate([xp, gen.normal(size=3).round(1), [np.nan]])
            kw = {} if gen.random() < 0.5 else {"left": gen.choice(vals), "right": gen.choice(vals)}
            _eq_parts(fnp.interp(x, xp, fp, **kw), np.interp(x, xp, fp, **kw))
        xs, xp, fp = np.linspace(-5, 15, 23), np.array([0.0, 3, 7, 9]), np.array([1j, 2, np.nan, 4])
        _eq_parts(fnp.interp(xs, xp, fp, period=10), np.interp(xs, xp, fp, period=10))
        _eq_parts(fg.jit(fnp.interp)(np.array([1.0, np.nan]), np.arange(3.0),
                                     np.array([np.nan, np.inf, -np.inf])), [np.inf, np.nan])
    assert fg.grad(lambda x: fnp.interp(x, np.arange(3.0), np.array([1.0, 3.0, 2.0])))(1.0) == -1.0
    check_grads(lambda x, f: fnp.interp(x, np.arange(3.0), f), (np.array([0.5, 1.2]), np.ones(3)),
                order=1)


def test_unwrap_keeps_numpys_dtypes_and_wrapping_differences():
    # integers with an integer period stay integers; uint8 differences wrap (numpy's diff)
    for p, kw in ((np.array([1, -2, 3, 4]), {"period": 4}), (np.array([100, -2, 3], np.int8),
                                                          {"period": 5}),
                  (np.array([200, 2, 3], np.uint8), {}), (np.array([True, False, True]), {"period": 4}),
                  (np.zeros(0, int), {"period": 4}), (np.array([0, 7, 15]), {"period": 7}),
                  (np.array([0.0, 3, 6.5, -1, 10], np.float32), {}), (np.array([0.0, 3, 6.5]), {})):
        _eq(fnp.unwrap(p, **kw), np.unwrap(p, **kw))
    check_grads(fnp.unwrap, (np.array([0.0, 3, 6.5, -1, 10]),), order=1)


def test_gradient_edges_of_second_order_take_numpys_coefficients():
    # numpy: out[0] = a f0 + b f1 + c f2 with a = -1.5 / h, ... (not (-1.5 f0 + ...) / h)
    f = np.array([complex(np.inf, 0), 1j, 2, 3 - 1j])
    with np.errstate(all="ignore"):
        for h in (1.0, 2, 0.5):
            _eq_parts(fnp.gradient(f, h, edge_order=2), np.gradient(f, h, edge_order=2))
    g = np.array([1, 3, 2, 5], np.float32)
    _eq(fnp.gradient(g, 2, edge_order=2), np.gradient(g, 2, edge_order=2))
    check_grads(lambda f: fnp.gradient(f, 0.5, edge_order=2), (np.array([1.0, 3, 2, 5]),), order=1)


def test_trapezoid_with_an_n_d_x_takes_axis_as_given_as_numpy():
    # numpy: d = diff(x, axis=axis) and the sum over `axis` of d * (...), whatever y's ndim
    for y, x in ((np.arange(3.0), np.arange(6.0).reshape(2, 3)),
                 (np.array([np.nan, np.inf, -np.inf, 1.0]), np.arange(4.0).reshape(2, 2)),
                 (np.ones((2, 3)), np.cumsum(np.ones((2, 2, 3)), -1)),
                 (np.arange(12.0).reshape(3, 4), np.cumsum(np.ones((3, 4)), 1))):
        with np.errstate(all="ignore"):
            _eq(fnp.trapezoid(y, x), np.trapezoid(y, x))


def test_convolve_takes_scalars_as_numpy_and_correlate_does_not():
    for a, v in ((np.array(2.0), np.array([1.0, 2.0])), (np.array([1, 2]), np.array(3)),
                 (np.array(2j), np.array(1 + 3j))):
        for mode in ("full", "same", "valid"):
            _eq(fnp.convolve(a, v, mode), np.convolve(a, v, mode))
    for mode in (0, 1, 2):  # numpy's legacy integer modes: valid, same, full
        for name in ("convolve", "correlate"):
            _eq(getattr(fnp, name)(np.array([1, 2, 3]), np.array([1, 2]), mode),
                getattr(np, name)(np.array([1, 2, 3]), np.array([1, 2]), mode))
    _raises_like_numpy(lambda m: m.correlate(np.array(2.0), np.array([1.0, 2.0])), ValueError,
                       r"numpy\.correlate: a and v must be 1-D, got f64\[\] and f64\[2\]")
    _raises_like_numpy(lambda m: m.convolve(np.ones((2, 2)), np.ones(2)), ValueError,
                       r"numpy\.convolve: a and v must be 1-D .* got f64\[2,2\] and f64\[2\]")


def test_poly_of_conjugate_pairs_is_real_as_numpy_eagerly_and_complex_under_jit():
    for r in (np.array([1 + 2j, 1 - 2j]), np.array([1 + 2j, 3, 1 - 2j], np.complex64),
              np.array([1 + 0j, 2]), np.array([complex(np.inf, 1), complex(np.inf, -1)]),
              np.array([1 + 2j, 1]), np.array([complex(np.nan, 0), 1])):
        with np.errstate(all="ignore"):
            want = np.poly(r)
            _eq_parts(fnp.poly(r), want)
            jitted = fg.jit(fnp.poly)(r)  # jax.numpy.poly's convention: complex roots, complex
        assert jitted.dtype == r.dtype
        np.testing.assert_allclose(np.real(jitted), np.real(want))
    # eager grad sees the values: d/dx sum(poly([x + i, x - i])) = d/dx (1 - 2x + x^2 + 1)
    assert fg.grad(lambda x: fnp.sum(fnp.poly(fnp.array([x + 1j, x - 1j]))))(3.0) == 4.0


def test_einsum_output_without_ellipsis_sums_it_unless_optimize_is_false_as_numpy():
    x, y = np.arange(6.0).reshape(2, 3), np.arange(3.0)
    for spec, ops in (("...b->b", (x,)), ("...a,a->a", (x, y)), ("a...->a", (x[:, :1],)),
                      ("...->", (x,)), ("...,...->", (y, y))):
        same(fnp.einsum(spec, *ops), np.einsum(spec, *ops, optimize=True))
        same(fnp.einsum(spec, *ops, optimize=True), np.einsum(spec, *ops, optimize=True))
        _raises_like_numpy(lambda m, s=spec, o=ops: m.einsum(s, *o, optimize=False),
                           ValueError, r"numpy\.einsum: output has more dimensions .* no '\.\.\.'")
    with pytest.raises(fg.errors.ShapeError, match=r"f64\[2,3\], whose '...' covers 1"):
        fnp.einsum("...b->b", x, optimize=False)
    for spec, ops in (("...b->b", (y,)), ("...a,...a->a", (y, y)), ("...ij->...", (x[None],))):
        _eq(fnp.einsum(spec, *ops, optimize=False), np.einsum(spec, *ops, optimize=False))


def test_interp_gradient_cross_moveaxis_frompyfunc_einsum_check_arguments_as_numpy():
    v, z = np.array([0.5, -1.0, 2.0, 0.25]), np.array([1 + 1j, 2 - 1j, 0.5j, 3.0])
    xp = np.sort(v)
    _raises_like_numpy(lambda m: m.interp(v, z, z), TypeError, r"xp may not be complex")
    _raises_like_numpy(lambda m: m.interp(z, v, v), TypeError, r"x may not be complex")
    _raises_like_numpy(lambda m: m.interp(v, xp, v, left=1j), TypeError, r"left may not be complex")
    for call in (lambda m: m.interp(v, v, z), lambda m: m.interp(v, xp, z, left=1j),
                 lambda m: m.interp(v, np.array([0.0, 1.0]), np.array([True, False])),
                 lambda m: m.interp(np.float32(1), np.arange(3, dtype=np.float32),
                                    np.arange(3, dtype=np.float32))):
        _eq(call(fnp), call(np))
    for f in (np.array([True, False, True]), np.ones((2, 3), bool)):
        _raises_like_numpy(lambda m, f=f: m.gradient(f, axis=-1), TypeError, "boolean subtract")
    _raises_like_numpy(lambda m: m.gradient(np.array([True])), ValueError, "too small")
    _eq(fnp.gradient(np.array([1, 2, 4], np.int8)), np.gradient(np.array([1, 2, 4], np.int8)))
    w = np.arange(9.0).reshape(3, 3)
    for kw, err, text in ((dict(axis=1.5), TypeError, "axisa must be an int"),
                          (dict(axisb=None), TypeError, "axisb must be an int"),
                          (dict(axis=(0, 0)), TypeError, "axisa must be an int"),
                          (dict(axisc=5), np.exceptions.AxisError, "axisc 5")):
        _raises_like_numpy(lambda m, kw=kw: m.cross(w, w[::-1], **kw), err, text)
    _eq(fnp.cross(w, w[::-1], axis=0), np.cross(w, w[::-1], axis=0))
    _eq(fnp.cross(w, w[::-1], axisa=0, axisc=0), np.cross(w, w[::-1], axisa=0, axisc=0))
    x = np.ones((2, 3, 4))
    _raises_like_numpy(lambda m: m.moveaxis(x, 1.5, 0), TypeError, "source must be an int")
    _raises_like_numpy(lambda m: m.moveaxis(x, 0, None), TypeError, "destination must be an int")
    _raises_like_numpy(lambda m: m.moveaxis(x, (0, 0), (1, 2)), ValueError, "repeated axis")
    assert fnp.moveaxis(x, [0, np.int64(1)], [2, 0]).shape == np.moveaxis(x, [0, 1], [2, 0]).shape
    f = lambda a, b: a * 10 + b  # noqa: E731
    for nin, nout, err, text in (("a", 1, TypeError, "nin must be an integer"),
                                 (1.5, 1, TypeError, "nin must be an integer"),
                                 (np.ones(1), 1, TypeError, "nin must be an integer"),
                                 (1, None, TypeError, "nout must be an integer"),
                                 (10 ** 20, 1, (ValueError, OverflowError), "64 operands"),
                                 (100, 1, ValueError, "64 operands")):
        _raises_like_numpy(lambda m, i=nin, o=nout: m.frompyfunc(f, i, o), err, text)
    _raises_like_numpy(lambda m: m.frompyfunc(5, 1, 1), TypeError, "must be callable")
    with pytest.raises(ValueError, match="nin must be >= 0"):
        fnp.frompyfunc(f, -1, 1)  # numpy makes a ufunc of it that no call can match
    _eq(fnp.frompyfunc(f, np.int64(2), True)(np.array([1, 2]), 3), np.array([13, 23]))
    for args, err, text in (((np.array(1.5),), ValueError, "at least an operand"),
                            ((-1,), ValueError, "at least an operand"),
                            ((np.ones(3), 5), TypeError, "must be a list or a tuple"),
                            ((np.ones(3), [0.5]), TypeError, "integer or an ellipsis"),
                            ((np.ones(3), [True]), TypeError, "integer or an ellipsis"),
                            ((np.ones(3), [52]), ValueError, r"valid range \[0, 52\)")):
        _raises_like_numpy(lambda m, a=args: m.einsum(*a), err, text)
    _eq(fnp.einsum(np.ones(3), [0], np.arange(3.0), (np.int64(0),)),
        np.einsum(np.ones(3), [0], np.arange(3.0), [0]))


def test_logaddexp_at_infinities_equals_numpy_without_a_spurious_warning():
    """logaddexp/logaddexp2 equal numpy's over every pair of -inf, inf, 0, 1, NaN, -3, 1e308; two
    equal infinities raise no invalid-value warning (numpy raises none: inf - inf is not
    formed), and the derivative at x == y is 1/2 in each operand, smooth to higher orders."""
    import warnings
    v = np.array([-np.inf, np.inf, 0.0, 1.0, np.nan, -3.0, 1e308])
    for a in v:
        for b in v:
            with np.errstate(invalid="ignore"):  # numpy warns where an operand is NaN
                want, want2 = np.logaddexp(a, b), np.logaddexp2(a, b)
            np.testing.assert_array_equal(fnp.logaddexp(np.float64(a), np.float64(b)), want)
            np.testing.assert_allclose(fnp.logaddexp2(np.float64(a), np.float64(b)), want2,
                                       rtol=1e-15)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fnp.logaddexp(-np.inf, -np.inf) == -np.inf
        assert fnp.logaddexp(np.inf, np.inf) == np.inf
        np.testing.assert_array_equal(fg.jit(fnp.logaddexp)(v[:2], v[:2]), [-np.inf, np.inf])
    gx, gy = fg.grad(fnp.logaddexp, argnums=(0, 1))(1.0, 1.0)
    assert gx == gy == 0.5
    np.testing.assert_allclose(fg.grad(fnp.logaddexp)(1.0, 2.0), 1 / (1 + np.e), rtol=1e-15)
    # the derivative is a rule, smooth at x == y: logistic's derivatives (the formula's max and
    # |x - y| kinks gave a second derivative of 0 there), and weights summing to 1 where the
    # result rounds to max(x, y)
    s = 1 / (1 + np.exp(-1.0))
    for x, d2 in ((0.0, 0.25), (1.0, s * (1 - s))):
        np.testing.assert_allclose(fg.grad(fg.grad(fnp.logaddexp))(x, 0.0), d2, rtol=1e-14)
    np.testing.assert_allclose(fg.grad(fg.grad(fg.grad(fnp.logaddexp)))(1.0, 0.0),
                               s * (1 - s) * (1 - 2 * s), rtol=1e-13)
    assert fg.grad(fnp.logaddexp, argnums=(0, 1))(1e308, 1e308) == (0.5, 0.5)
    assert fg.grad(fnp.logaddexp, argnums=(0, 1))(np.inf, 0.0) == (1.0, 0.0)


def test_mod_and_fmod_derivatives_at_exact_multiples_and_huge_quotients_as_jax():
    """numpy's values kept bit for bit (signed zeros included) over a grid; the derivative of
    mod at an exact multiple was 0 (the signed zero was a constant; JAX: 1 and -x/y), and fmod's
    derivative in y came from an int64 cast of x / y (9.2e18 for x = 1e300)."""
    vals = [3.0, -3.0, 3.2, -3.2, 0.0, -0.0, 1.5, -1.5, np.inf, -np.inf, np.nan, 4.5, 1e300]
    for x in vals:
        for y in [1.5, -1.5, 0.0, -0.0, np.inf, -np.inf, np.nan, 0.3]:
            with np.errstate(all="ignore"):
                want, got = np.mod(x, y), fnp.mod(x, y)
            assert np.array_equal(want, got, equal_nan=True)
            assert np.signbit(want) == np.signbit(got), (x, y)
    assert fg.grad(fnp.mod, (0, 1))(3.0, 1.5) == (1.0, -2.0)
    assert fg.grad(fnp.mod, (0, 1))(-3.0, 1.5) == (1.0, 2.0)
    np.testing.assert_array_equal(fg.vmap(fg.grad(fnp.mod))(np.array([3.0, -3.0, 3.2]),
                                                           np.array([1.5, 1.5, 1.5])), [1.0] * 3)
    np.testing.assert_allclose(fg.grad(fnp.fmod, 1)(1e300, 1.5), -1e300 / 1.5, rtol=1e-15)
    np.testing.assert_allclose(fg.grad(fnp.mod, 1)(-1e300, 0.3), 1e300 / 0.3, rtol=1e-15)
