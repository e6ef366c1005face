"""Record the golden values of tests/test_linalg.py::test_reference_values_from_jax from real JAX
(float64) into tests/references/linalg_jax.json. Run: python tests/references/make_linalg_jax.py"""
import json
import pathlib
import sys

import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)
sys.path.insert(0, str(pathlib.Path(__file__).parents[1]))
sys.path.insert(0, str(pathlib.Path(__file__).parents[2]))
from test_linalg import _jax_comparable  # noqa: E402

values = _jax_comparable((jax.grad, jnp))
values.pop("grad_norm_zero")  # JAX gives NaN there; fungrad the subgradient 0 (documented)
out = {k: v.tolist() for k, v in values.items()}
path = pathlib.Path(__file__).parent / "linalg_jax.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {len(out)} values to {path}")
