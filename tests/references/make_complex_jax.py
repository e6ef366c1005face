"""Record JAX's derivatives of the complex-number cases (tests/complex_cases.py) into
complex_jax.json: `python tests/references/make_complex_jax.py` (needs jax; runs in float64)."""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from complex_cases import CASES, run, to_json  # noqa: E402


def main():
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    out = {"jax_version": jax.__version__, "cases": {}}
    for case in CASES:
        out["cases"][case.name] = to_json(run(case, jax, jnp))
    (HERE / "complex_jax.json").write_text(json.dumps(out, indent=None, separators=(",", ":")))
    print(f"recorded {len(out['cases'])} cases from jax {jax.__version__}")


if __name__ == "__main__":
    main()
