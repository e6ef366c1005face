"""Record the golden values of tests/test_conv.py::test_values_match_jax_golden from real JAX
(float64) into tests/references/conv_jax.json. Run: python tests/references/make_conv_jax.py"""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parents[1]))
sys.path.insert(0, str(pathlib.Path(__file__).parents[2]))
from test_conv import REF, _jax_values  # noqa: E402

out = {k: v.tolist() for k, v in _jax_values().items()}
REF.write_text(json.dumps(out) + "\n")
print(f"wrote {len(out)} values to {REF}")
