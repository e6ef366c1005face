"""fungrad.ad_checkpoint: checkpoint_name, every policy of checkpoint_policies (what each saves,
against live JAX's print_saved_residuals where installed, and the same derivatives as without
checkpointing), measured peak memory of a 100-layer model under the name policies, and
print_saved_residuals' report."""
import contextlib
import doctest
import io
import re
import tracemalloc

import numpy as np
import pytest

import fungrad as fg
import fungrad.ad_checkpoint as adc
import fungrad.numpy as fnp
from fungrad.ad_checkpoint import checkpoint_name, print_saved_residuals, saved_residuals
from fungrad.testing import check_grads

P = fg.checkpoint_policies


def make(mod, np_):
    """One program for fungrad and JAX: an unbatched dot, a named value 'a', a batched dot, a
    named value 'b'."""
    lax = mod.lax
    name = mod.ad_checkpoint.checkpoint_name

    def f(x, w):
        z = lax.dot_general(x, w, (((1,), (0,)), ((), ())))
        a = name(np_.sin(z), "a")
        c = lax.dot_general(a, a, (((1,), (1,)), ((0,), (0,))))
        b = name(np_.cos(c), "b")
        return np_.sum(b * c) + np_.sum(np_.tanh(a))
    return f


def policies(p):
    return {
        "nothing_saveable": p.nothing_saveable,
        "everything_saveable": p.everything_saveable,
        "dots_saveable": p.dots_saveable,
        "checkpoint_dots": p.checkpoint_dots,
        "dots_with_no_batch_dims_saveable": p.dots_with_no_batch_dims_saveable,
        "checkpoint_dots_with_no_batch_dims": p.checkpoint_dots_with_no_batch_dims,
        "save_only_these_names": p.save_only_these_names("a"),
        "save_any_names_but_these": p.save_any_names_but_these("a"),
        "save_anything_except_these_names": p.save_anything_except_these_names("a"),
        "save_and_offload_only_these_names": p.save_and_offload_only_these_names(
            names_which_can_be_saved=["a"], names_which_can_be_offloaded=["b"],
            offload_src="device", offload_dst="pinned_host"),
        "save_from_both_policies": p.save_from_both_policies(
            p.save_only_these_names("b"), p.dots_with_no_batch_dims_saveable),
        "offload_dot_with_no_batch_dims": p.offload_dot_with_no_batch_dims(
            "device", "pinned_host"),
    }


ARGS = ["f64[3,3] from the argument w", "f64[4,3] from the argument x"]
DOT, BDOT = "f64[4,3] output of dot_general", "f64[4] output of dot_general"
A, B = "f64[4,3] named 'a'", "f64[4] named 'b'"
# what each policy saves besides the arguments (one CPU memory: offloading saves)
EXPECTED = {
    "nothing_saveable": [],
    "dots_saveable": [DOT, BDOT],
    "checkpoint_dots": [DOT, BDOT],
    "dots_with_no_batch_dims_saveable": [DOT],
    "checkpoint_dots_with_no_batch_dims": [DOT],
    "save_only_these_names": [A],
    "save_any_names_but_these": [B],
    "save_and_offload_only_these_names": [A, B],
    "save_from_both_policies": [DOT, B],
    "offload_dot_with_no_batch_dims": [DOT],
}
SAME_AS_JAX = ["nothing_saveable", "dots_saveable", "checkpoint_dots",
               "dots_with_no_batch_dims_saveable", "checkpoint_dots_with_no_batch_dims",
               "save_only_these_names", "save_any_names_but_these", "save_from_both_policies"]


def _data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((4, 3)), rng.standard_normal((3, 3))


def _report(mod, fun, *args):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        mod.ad_checkpoint.print_saved_residuals(fun, *args)
    return sorted(re.sub(r" from <.*| from /.*| \(.*\)$", "", ln).replace("f32", "f64")
                  for ln in buf.getvalue().splitlines())


def test_every_jax_policy_exists():
    jax_names = ["checkpoint_dots", "checkpoint_dots_with_no_batch_dims", "dots_saveable",
                 "dots_with_no_batch_dims_saveable", "everything_saveable", "nothing_saveable",
                 "offload_dot_with_no_batch_dims", "save_and_offload_only_these_names",
                 "save_any_names_but_these", "save_anything_except_these_names",
                 "save_from_both_policies", "save_only_these_names"]
    assert all(hasattr(P, n) for n in jax_names)
    assert sorted(policies(P)) == sorted(jax_names)
    assert adc.checkpoint is fg.checkpoint and adc.remat is fg.remat
    assert adc.checkpoint_policies is P


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_what_each_policy_saves(name):
    f = make(fg, fnp)
    got = _report(fg, fg.checkpoint(f, policy=policies(P)[name]), *_data())
    assert got == sorted(ARGS + EXPECTED[name])


def test_everything_saveable_saves_intermediates_and_except_these_names_drops_the_name():
    f = make(fg, fnp)
    every = _report(fg, fg.checkpoint(f, policy=P.everything_saveable), *_data())
    assert A in every and B in every and BDOT in every
    but = _report(fg, fg.checkpoint(f, policy=P.save_anything_except_these_names("a")), *_data())
    assert A not in but and B in but and "f64[4,3] output of sin" in but  # a's value, unnamed


@pytest.mark.parametrize("name", SAME_AS_JAX)
def test_policies_save_what_live_jax_saves(name):
    jax = pytest.importorskip("jax", reason="live comparison needs jax")
    pytest.importorskip("jax.ad_checkpoint")
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    x, w = _data()
    want = _report(jax, jax.checkpoint(make(jax, jnp), policy=policies(jax.checkpoint_policies)[
        name]), x, w)
    got = _report(fg, fg.checkpoint(make(fg, fnp), policy=policies(P)[name]), x, w)
    assert got == want


@pytest.mark.parametrize("name", sorted(policies(P)))
def test_policies_keep_the_derivatives(name):
    f = make(fg, fnp)
    x, w = _data()
    cf = fg.checkpoint(f, policy=policies(P)[name])
    for a, b in zip(fg.grad(cf, argnums=(0, 1))(x, w), fg.grad(f, argnums=(0, 1))(x, w)):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    jg = fg.jit(fg.grad(cf, argnums=(0, 1)))(x, w)
    np.testing.assert_allclose(jg[1], fg.grad(f, argnums=1)(x, w), rtol=1e-12)
    xs = np.stack([x, 2 * x])
    np.testing.assert_allclose(fg.vmap(fg.grad(cf), (0, None))(xs, w),
                               np.stack([fg.grad(f)(xi, w) for xi in xs]), rtol=1e-12)


def test_checkpoint_name_is_an_identity_with_rules():
    x = np.array([0.3, -1.2])
    np.testing.assert_array_equal(checkpoint_name(x, "h"), x)
    check_grads(lambda v: fnp.sin(checkpoint_name(v * v, "h")), (x,), order=2)
    assert "name[name=h]" in str(fg.make_jaxpr(lambda v: checkpoint_name(v, "h"))(x))
    np.testing.assert_array_equal(fg.vmap(lambda v: checkpoint_name(v, "h"))(x), x)
    np.testing.assert_array_equal(fg.jit(lambda v: checkpoint_name(v, "h") + 1)(x), x + 1)
    with pytest.raises(TypeError, match="name must be a string"):
        checkpoint_name(x, 3)
    with pytest.raises(TypeError, match="names must be strings"):
        P.save_only_these_names(3)


def test_print_saved_residuals_format_and_pytree_argument_names(capsys):
    x, w = _data()

    def g(params, x):
        return fnp.sum(fnp.sin(x @ params["w"]))

    print_saved_residuals(g, {"w": w}, x)
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["f64[3,3] from the argument params['w']", "f64[4,3] from the argument x"]
    assert out[2:] == ["f64[4,3] output of cos (g)"]
    res = saved_residuals(g, {"w": w}, x)
    assert [s.shape for s, _ in res] == [(3, 3), (4, 3), (4, 3)]
    failures = doctest.testmod(adc, verbose=False).failed
    assert failures == 0


# ---- measured memory, as tests/test_checkpoint.py


def named_layer(h, W):
    z = checkpoint_name(h @ W, "z")
    return fnp.tanh(z) * fnp.sin(z) + fnp.cos(h) * 0.1


def model(W, x, layer_fn, depth=100):
    h = x
    for _ in range(depth):
        h = layer_fn(h, W)
    return fnp.sum(h ** 2)


def _peak(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_name_policies_set_the_peak_memory_of_a_100_layer_model(capsys):
    rng = np.random.default_rng(0)
    W, x = rng.standard_normal((32, 32)) / 6, rng.standard_normal((64, 32))
    grad = fg.grad(model)

    def peak(policy):
        return _peak(lambda: grad(W, x, fg.checkpoint(named_layer, policy=policy)))

    plain = _peak(lambda: grad(W, x, named_layer))
    nothing = peak(P.nothing_saveable)
    only_z = peak(P.save_only_these_names("z"))
    but_z = peak(P.save_any_names_but_these("z"))
    offload = peak(P.save_and_offload_only_these_names(
        names_which_can_be_saved=[], names_which_can_be_offloaded=["z"],
        offload_src="device", offload_dst="pinned_host"))
    with capsys.disabled():
        print(f"\n100-layer grad peak memory: plain {plain / 1e6:.1f} MB, nothing_saveable "
              f"{nothing / 1e6:.1f} MB, save_only_these_names('z') {only_z / 1e6:.1f} MB, "
              f"save_any_names_but_these('z') {but_z / 1e6:.1f} MB")
    assert nothing < 0.4 * plain
    assert nothing < only_z < plain          # saving z costs memory in between
    assert but_z < 1.2 * nothing             # no other name: as nothing_saveable
    assert 0.8 * only_z < offload < 1.2 * only_z  # offloading saves on one memory
    # the same gradient whatever is saved
    np.testing.assert_allclose(
        fg.grad(model)(W, x, fg.checkpoint(named_layer, policy=P.save_only_these_names("z")), 3),
        fg.grad(model)(W, x, named_layer, 3), rtol=1e-12)
