"""Record JAX's values and gradients of the fungrad.lax cases (tests/lax_ext_cases.py) into
lax_ext_jax.json: `python tests/references/make_lax_ext_jax.py` (needs jax; runs in float64)."""
import json
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from lax_ext_cases import CASES, grad_weights  # noqa: E402


def encode(x):
    x = np.asarray(x)
    data = x.astype(np.float64).tolist() if x.dtype.kind in "fc" and x.dtype.kind != "c" else \
        x.tolist()
    return {"dtype": x.dtype.name, "shape": list(x.shape), "data": data}


def main():
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    out = {"jax_version": jax.__version__, "cases": {}}
    for name, case in CASES.items():
        args = case.make(np.random.default_rng(0))
        jargs = [jnp.asarray(a) for a in args]
        vals = jax.tree_util.tree_leaves(case.fn(jax.lax, *jargs))
        rec = {"values": [encode(v) for v in vals]}
        if case.diff:
            def scalar(*a, case=case):
                leaves = jax.tree_util.tree_leaves(case.fn(jax.lax, *a))
                return sum((v * grad_weights(v)).sum() for v in leaves)
            grads = jax.grad(scalar, argnums=case.diff)(*jargs)
            rec["grads"] = [encode(g) for g in grads]
        out["cases"][name] = rec
    (HERE / "lax_ext_jax.json").write_text(json.dumps(out, indent=None, separators=(",", ":")))
    print(f"recorded {len(out['cases'])} cases from jax {jax.__version__}")


if __name__ == "__main__":
    main()
