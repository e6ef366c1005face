"""Record the golden values of tests/test_scipy.py::test_expm_gradient_matches_jax from real JAX
(float64) into tests/references/scipy_jax.json. Run: python tests/references/make_scipy_jax.py"""
import json
import pathlib
import sys

import jax
import jax.scipy as jsp

jax.config.update("jax_enable_x64", True)
sys.path.insert(0, str(pathlib.Path(__file__).parents[1]))
sys.path.insert(0, str(pathlib.Path(__file__).parents[2]))
from test_scipy import _jax_comparable  # noqa: E402

out = {k: v.tolist() for k, v in _jax_comparable(jax.grad, jsp.linalg, jsp.special,
                                                  jsp.stats).items()}
path = pathlib.Path(__file__).parent / "scipy_jax.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {len(out)} values to {path}")
