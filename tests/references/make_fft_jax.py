"""Record the golden values of tests/test_fft.py::test_reference_values_from_jax from real JAX
(float64) into tests/references/fft_jax.json. Run: python tests/references/make_fft_jax.py"""
import json
import pathlib
import sys

import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)
sys.path.insert(0, str(pathlib.Path(__file__).parents[1]))
sys.path.insert(0, str(pathlib.Path(__file__).parents[2]))
from test_fft import _jax_comparable  # noqa: E402



class _JNP:
    sum, abs, real = jnp.sum, jnp.abs, jnp.real
    to_complex = staticmethod(lambda x: x.astype(jnp.complex128))


out = {k: v.tolist() for k, v in _jax_comparable(jax.grad, jnp.fft, _JNP).items()}
path = pathlib.Path(__file__).parent / "fft_jax.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {len(out)} values to {path}")
