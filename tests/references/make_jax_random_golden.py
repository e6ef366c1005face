"""Record jax.random / jax.nn values into jax_random_golden.json (run: python
tests/references/make_jax_random_golden.py; needs jax 0.10.2). The case tables below are also
imported by tests/test_random.py and tests/test_nn.py, which compare fungrad with the file always
and with live JAX when it is installed.

JAX runs with jax_enable_x64=True, whose dtype defaults (float64, int64, uint64) are fungrad's;
the float32/int32 cases pass dtypes explicitly and equal JAX's default mode (the key schedule
and the bits do not depend on x64 for seeds in [0, 2**31)). A second process without x64
records what JAX's default mode does with PRNGKey seeds outside that range.

A case is (name, function name, seed, args, kwargs, check): the call is
fn(PRNGKey(seed), *args, **kwargs) with the same arguments for jax.random and fungrad.random;
check is "exact" (bit for bit), or a relative tolerance for results computed through log/erf,
whose XLA kernels are not numpy's (they differ by an ulp or so).
"""
import json
import pathlib
import subprocess
import sys

import numpy as np

HERE = pathlib.Path(__file__).parent
GOLDEN = HERE / "jax_random_golden.json"
f32, f64, i32, i64 = np.float32, np.float64, np.int32, np.int64
U32 = 3e-6   # tolerance of float32 results through XLA's log/log1p/erf (a few ulp)
U64 = 1e-13  # float64 likewise
_rng = np.random.default_rng(1234)
LOGITS = _rng.standard_normal((4, 5))
P4 = np.array([0.1, 0.2, 0.3, 0.4])
COV = np.array([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]])
X34 = np.arange(12.0).reshape(3, 4)
SEEDS = (0, 1, 42, 2 ** 31 - 1)


def _per_dtype(name, fn, args, kwargs, exact32, exact64, seeds=(0, 42)):
    out = []
    for dt, exact in ((f32, exact32), (f64, exact64)):
        for s in seeds:
            out.append((f"{name}-{dt.__name__}-s{s}", fn, s, args,
                        dict(kwargs, dtype=dt), exact))
    return out


RANDOM_CASES = []
for s in SEEDS:
    RANDOM_CASES += [
        (f"split-s{s}", "split", s, (), {}, "exact"),
        (f"split3-s{s}", "split", s, (3,), {}, "exact"),
        (f"split23-s{s}", "split", s, ((2, 3),), {}, "exact"),
        (f"fold_in7-s{s}", "fold_in", s, (7,), {}, "exact"),
        (f"fold_inmax-s{s}", "fold_in", s, (2 ** 32 - 1,), {}, "exact"),
        (f"bits32-s{s}", "bits", s, ((4, 3),), {"dtype": np.uint32}, "exact"),
        (f"bits64-s{s}", "bits", s, ((5,),), {"dtype": np.uint64}, "exact"),
        (f"bits8-s{s}", "bits", s, ((6,),), {"dtype": np.uint8}, "exact"),
        (f"bits16-s{s}", "bits", s, ((2, 2),), {"dtype": np.uint16}, "exact"),
        (f"uniform-f32-s{s}", "uniform", s, ((3, 5),), {"dtype": f32}, "exact"),
        (f"uniform-f64-s{s}", "uniform", s, ((3, 5),), {"dtype": f64}, "exact"),
        (f"uniform-f16-s{s}", "uniform", s, ((8,),), {"dtype": np.float16}, "exact"),
        (f"uniform-scalar-s{s}", "uniform", s, (), {"dtype": f32}, "exact"),
        (f"normal-f32-s{s}", "normal", s, ((64,),), {"dtype": f32}, U32),
        (f"normal-f64-s{s}", "normal", s, ((64,),), {"dtype": f64}, U64),
        (f"randint-i32-s{s}", "randint", s, ((50,), 0, 10), {"dtype": i32}, "exact"),
        (f"randint-i64-s{s}", "randint", s, ((50,), -3, 10 ** 12), {"dtype": i64}, "exact"),
    ]
RANDOM_CASES += [
    ("uniform-minmax-f32", "uniform", 3, ((3, 2),), {"dtype": f32, "minval": np.array([0.0, 1.0],
                                                     f32), "maxval": 5.0}, "exact"),
    ("uniform-minmax-f64", "uniform", 3, ((4,),), {"minval": -2.0, "maxval": 3.0}, "exact"),
    ("randint-i32-wide", "randint", 5, ((40,), -2 ** 31, 2 ** 31 - 1), {"dtype": i32}, "exact"),
    ("randint-u8-full", "randint", 5, ((40,), 0, 256), {"dtype": np.uint8}, "exact"),
    ("randint-i32-empty-range", "randint", 5, ((5,), 4, 2), {"dtype": i32}, "exact"),
    ("randint-bcast", "randint", 6, ((2, 3), np.array([0, 10, 100]), 1000), {}, "exact"),
    ("bernoulli-f32", "bernoulli", 3, (f32(0.3), (100,)), {}, "exact"),
    ("bernoulli-f64", "bernoulli", 3, (0.3, (100,)), {}, "exact"),
    ("bernoulli-array", "bernoulli", 4, (np.array([0.1, 0.5, 0.9]),), {}, "exact"),
    ("bernoulli-high", "bernoulli", 4, (f32(0.3), (20,)), {"mode": "high"}, "exact"),
    ("categorical-f64", "categorical", 3, (LOGITS,), {}, "exact"),
    ("categorical-shape", "categorical", 3, (LOGITS[0],), {"shape": (30,)}, "exact"),
    ("categorical-axis0", "categorical", 3, (LOGITS,), {"axis": 0}, "exact"),
    ("categorical-f32", "categorical", 3, (LOGITS.astype(f32),), {"shape": (7, 4)}, "exact"),
    ("categorical-norep", "categorical", 3, (LOGITS,), {"shape": (3, 4), "replace": False},
     "exact"),
    ("permutation-int", "permutation", 3, (10,), {}, "exact"),
    ("permutation-int-big", "permutation", 4, (300,), {}, "exact"),
    ("permutation-array", "permutation", 3, (X34,), {"axis": 1}, "exact"),
    ("permutation-rows", "permutation", 3, (X34,), {}, "exact"),
    ("permutation-independent", "permutation", 3, (X34,), {"axis": 1, "independent": True},
     "exact"),
    ("choice-int", "choice", 3, (10, (5,)), {}, "exact"),
    ("choice-array", "choice", 3, (X34, (2,)), {"axis": 1}, "exact"),
    ("choice-norep", "choice", 3, (10, (5,)), {"replace": False}, "exact"),
    ("choice-p", "choice", 3, (4, (20,)), {"p": P4}, "exact"),
    ("choice-p-f32", "choice", 3, (4, (20,)), {"p": P4.astype(f32)}, "exact"),
    ("choice-p-norep", "choice", 3, (4, (3,)), {"p": P4, "replace": False}, "exact"),
    ("rademacher", "rademacher", 3, ((30,),), {}, "exact"),
    ("rademacher-i32", "rademacher", 3, ((30,),), {"dtype": i32}, "exact"),
    ("mvn-cholesky", "multivariate_normal", 3, (np.zeros(3), COV, (5,)), {}, U64),
    ("mvn-eigh", "multivariate_normal", 3, (np.ones(3), COV, (5,)), {"method": "eigh"}, 1e-9),
    ("mvn-f32", "multivariate_normal", 3, (np.zeros(3, f32), COV.astype(f32)), {"dtype": f32},
     U32),
    ("orthogonal-3", "orthogonal", 3, (3,), {}, 1e-12),
    ("orthogonal-batch", "orthogonal", 3, (3, (2,)), {"m": 5}, 1e-12),
    ("truncated_normal", "truncated_normal", 3, (-1.0, 2.0, (50,)), {}, U64),
    ("truncated_normal-f32", "truncated_normal", 3, (-1.0, 2.0, (50,)), {"dtype": f32}, U32),
    ("double_sided_maxwell", "double_sided_maxwell", 3, (1.0, 2.0, (20,)), {}, U64),
    ("wald", "wald", 3, (2.0, (20,)), {}, U64),
    ("geometric", "geometric", 3, (0.3, (30,)), {}, "exact"),
    ("geometric-f32", "geometric", 3, (f32(0.3), (30,)), {"dtype": i32}, "exact"),
    ("triangular", "triangular", 3, (0.0, 1.0, 3.0, (20,)), {}, "exact"),
    ("lognormal", "lognormal", 3, (0.5, (20,)), {}, U64),
    ("pareto", "pareto", 3, (3.0, (20,)), {}, U64),
    ("weibull_min", "weibull_min", 3, (2.0, 1.5, (20,)), {}, U64),
    ("rayleigh", "rayleigh", 3, (2.0, (20,)), {}, U64),
]
for name in ("exponential", "laplace", "logistic", "cauchy", "maxwell", "gumbel"):
    RANDOM_CASES += _per_dtype(name, name, ((40,),), {}, U32, U64)
RANDOM_CASES += [
    ("normal-c64", "normal", 3, ((6,),), {"dtype": np.complex64}, U32),
    ("normal-c128", "normal", 3, ((6,),), {"dtype": np.complex128}, U64),
    ("gumbel-high-f32", "gumbel", 3, ((20,),), {"dtype": f32, "mode": "high"}, U32),
]

# default mode (jax_enable_x64 off): PRNGKey of seeds outside [0, 2**31), and default dtypes
DEFAULT_MODE_SEEDS = (-1, -12345, 2 ** 31, 2 ** 32 + 5, 2 ** 40 + 3)

# ---- nn
XS = np.array([-30.0, -6.5, -3.0, -1.0, -0.7, -0.2, 0.0, 0.3, 0.9, 1.0, 2.5, 6.0, 7.5, 40.0])
XPOS = np.array([1e-3, 0.1, 0.5, 0.69, 0.7, 1.0, 3.0, 20.0])
M35 = _rng.standard_normal((3, 5)) * 3
MASK35 = _rng.random((3, 5)) < 0.7
MASK35[:, 0] = True
Q = _rng.standard_normal((2, 5, 4, 8)).astype(f32)
K = _rng.standard_normal((2, 6, 2, 8)).astype(f32)
V = _rng.standard_normal((2, 6, 2, 8)).astype(f32)
ELEMENTWISE = ("relu", "relu6", "sigmoid", "softplus", "soft_sign", "silu", "swish", "elu",
               "selu", "celu", "leaky_relu", "hard_tanh", "hard_sigmoid", "hard_silu",
               "hard_swish", "log_sigmoid", "mish", "sparse_plus", "sparse_sigmoid",
               "squareplus", "identity", "tanh", "gelu")
# (name, function, args, kwargs, rtol); value and gradient of sum(f * w) are recorded
NN_CASES = [(f"{n}", n, (XS,), {}, 1e-13) for n in ELEMENTWISE] + [
    ("gelu-exact", "gelu", (XS,), {"approximate": False}, 1e-13),
    ("elu-alpha", "elu", (XS,), {"alpha": 0.5}, 1e-13),
    ("celu-alpha", "celu", (XS,), {"alpha": 2.0}, 1e-13),
    ("leaky_relu-slope", "leaky_relu", (XS,), {"negative_slope": 0.2}, 1e-13),
    ("squareplus-b", "squareplus", (XS,), {"b": 1.0}, 1e-13),
    ("log1mexp", "log1mexp", (XPOS,), {}, 1e-13),
    ("softmax", "softmax", (M35,), {}, 1e-13),
    ("softmax-axis0", "softmax", (M35,), {"axis": 0}, 1e-13),
    ("softmax-where", "softmax", (M35,), {"where": MASK35}, 1e-13),
    ("log_softmax", "log_softmax", (M35,), {}, 1e-13),
    ("log_softmax-axis0", "log_softmax", (M35,), {"axis": 0}, 1e-13),
    ("logsumexp", "logsumexp", (M35,), {}, 1e-13),
    ("logsumexp-axis1", "logsumexp", (M35,), {"axis": 1}, 1e-13),
    ("logsumexp-keepdims", "logsumexp", (M35,), {"axis": 0, "keepdims": True}, 1e-13),
    ("logsumexp-b", "logsumexp", (M35,), {"axis": 1, "b": np.abs(M35[0])}, 1e-13),
    ("logmeanexp", "logmeanexp", (M35,), {"axis": 1}, 1e-13),
    ("standardize", "standardize", (M35,), {}, 1e-12),
    ("standardize-axis0", "standardize", (M35,), {"axis": 0, "epsilon": 1e-3}, 1e-12),
    ("glu", "glu", (np.concatenate([M35, M35[:, :1]], 1),), {}, 1e-13),
    ("glu-axis0", "glu", (M35[:2],), {"axis": 0}, 1e-13),
    ("dot_product_attention", "dot_product_attention", (Q, K, V), {}, 2e-5),
    ("dot_product_attention-causal", "dot_product_attention", (Q, K[:, :5], V[:, :5]),
     {"is_causal": True}, 2e-5),
    ("dot_product_attention-scale-bias", "dot_product_attention", (Q, K, V),
     {"scale": 0.5, "bias": _rng.standard_normal((2, 4, 5, 6)).astype(f32)}, 2e-5),
    ("dot_product_attention-mask", "dot_product_attention", (Q, K, V),
     {"mask": _rng.random((2, 1, 5, 6)) < 0.7}, 2e-5),
    ("dot_product_attention-kvlen", "dot_product_attention", (Q, K, V),
     {"key_value_seq_lengths": np.array([3, 6], i32)}, 2e-5),
    ("dot_product_attention-unbatched", "dot_product_attention", (Q[0], K[0], V[0]), {}, 2e-5),
]
NONDIFF_NN = [
    ("one_hot", "one_hot", (np.array([0, 2, 1, 5, -1]), 3), {}),
    ("one_hot-axis0-f32", "one_hot", (np.array([[0, 2], [1, 1]]), 3), {"axis": 0, "dtype": f32}),
]
INIT_NAMES = ("glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal",
              "lecun_uniform", "lecun_normal", "he_uniform", "he_normal", "kaiming_uniform",
              "kaiming_normal")
# (name, constructor, constructor kwargs, shape, dtype, rtol ('exact' where bit-for-bit))
INIT_CASES = []
for _n in INIT_NAMES:
    for _dt in (f32, f64):
        tol = "exact" if _n.endswith("uniform") else (U32 if _dt is f32 else U64)
        INIT_CASES.append((f"{_n}-{_dt.__name__}", _n, {}, (4, 5), _dt, tol))
INIT_CASES += [
    ("he_normal-conv", "he_normal", {}, (3, 3, 2, 4), f32, U32),
    ("variance_scaling-fan_out-normal", "variance_scaling",
     {"scale": 2.0, "mode": "fan_out", "distribution": "normal"}, (6, 3), f64, U64),
    ("variance_scaling-geo-uniform", "variance_scaling",
     {"scale": 1.0, "mode": "fan_geo_avg", "distribution": "uniform", "in_axis": 0,
      "out_axis": (1, 2)}, (3, 2, 4), f32, "exact"),
    ("normal", "normal", {"stddev": 0.5}, (3, 4), f64, U64),
    ("uniform", "uniform", {"scale": 2.0}, (3, 4), f32, "exact"),
    ("truncated_normal", "truncated_normal", {"stddev": 0.3, "lower": -1.0, "upper": 3.0},
     (3, 4), f64, U64),
    ("constant", "constant", {"value": 0.25}, (2, 3), f32, "exact"),
    ("zeros", "zeros", {}, (2, 3), f64, "exact"),
    ("ones", "ones", {}, (2, 3), f32, "exact"),
    ("orthogonal", "orthogonal", {}, (4, 6), f64, 1e-12),
    ("orthogonal-col0", "orthogonal", {"scale": 2.0, "column_axis": 0}, (3, 2, 5), f64, 1e-12),
    ("delta_orthogonal", "delta_orthogonal", {}, (3, 3, 4, 6), f64, 1e-12),
]


# ---- recording
def encode(x):
    x = np.asarray(x)
    out = {"dtype": x.dtype.name, "shape": list(x.shape)}
    if x.dtype.kind == "c":
        out["data"] = [float(v) for v in x.real.ravel()]
        out["imag"] = [float(v) for v in x.imag.ravel()]
    else:
        out["data"] = [int(v) if x.dtype.kind in "iub" else float(v) for v in x.ravel()]
    return out


def decode(d):
    if "imag" in d:
        re, im = np.array(d["data"]), np.array(d["imag"])
        return (re + 1j * im).astype(d["dtype"]).reshape(d["shape"])
    return np.array(d["data"], dtype=d["dtype"]).reshape(d["shape"])


def make_init(module, ctor, ckw):
    """The init function: zeros/ones are initializers themselves, the rest constructors."""
    fn = getattr(module, ctor)
    return fn if ctor in ("zeros", "ones") else fn(**ckw)


def nn_weights(shape):
    return np.random.default_rng(99).standard_normal(shape)


def _record_random(jax):
    out = {}
    for name, fn, seed, args, kwargs, _ in RANDOM_CASES:
        out[name] = encode(getattr(jax.random, fn)(jax.random.PRNGKey(seed), *args, **kwargs))
    for s in SEEDS:
        out[f"key-s{s}"] = encode(jax.random.PRNGKey(s))
        out[f"key_data-s{s}"] = encode(jax.random.key_data(jax.random.key(s)))
    return out


def _record_nn(jax):
    jnp = jax.numpy
    out = {}
    for name, fn, args, kwargs, _ in NN_CASES:
        f = getattr(jax.nn, fn)
        val = f(*args, **kwargs)
        w = nn_weights(np.shape(val))
        grad = jax.grad(lambda x, f=f, a=args[1:], kw=kwargs, w=w: jnp.sum(f(x, *a, **kw) * w))(
            jnp.asarray(args[0]))
        out[name] = {"value": encode(val), "grad": encode(grad)}
    for name, fn, args, kwargs in NONDIFF_NN:
        out[name] = {"value": encode(getattr(jax.nn, fn)(*args, **kwargs))}
    for name, ctor, ckw, shape, dt, _ in INIT_CASES:
        init = make_init(jax.nn.initializers, ctor, ckw)
        out[name] = {"value": encode(init(jax.random.PRNGKey(7), shape, dt))}
    return out


def _default_mode():
    import jax
    out = {}
    for s in DEFAULT_MODE_SEEDS:
        out[f"key-s{s}"] = encode(jax.random.PRNGKey(s))
    k = jax.random.PRNGKey(0)
    out["uniform-default"] = encode(jax.random.uniform(k, (5,)))
    out["normal-default"] = encode(jax.random.normal(k, (5,)))
    out["randint-default"] = encode(jax.random.randint(k, (5,), 0, 100))
    out["bits-default"] = encode(jax.random.bits(k, (5,)))
    return out


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--default-mode":
        print(json.dumps(_default_mode()))
        return
    import jax
    jax.config.update("jax_enable_x64", True)
    default = json.loads(subprocess.run([sys.executable, __file__, "--default-mode"],
                                        check=True, capture_output=True, text=True).stdout)
    names = {m: sorted(n for n in dir(mod) if not n.startswith("_"))
             for m, mod in (("random", jax.random), ("nn", jax.nn),
                            ("initializers", jax.nn.initializers))}
    golden = {"jax_version": jax.__version__, "names": names,
              "jax_threefry_partitionable": bool(jax.config.jax_threefry_partitionable),
              "random": _record_random(jax), "default_mode": default, "nn": _record_nn(jax)}
    GOLDEN.write_text(json.dumps(golden, separators=(",", ":")))
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size} bytes) with jax {jax.__version__}")


if __name__ == "__main__":
    main()
