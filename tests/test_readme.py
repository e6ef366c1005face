"""The README's Python examples run, in order, in one namespace (so the README cannot rot)."""
import contextlib
import io
import pathlib
import re

import numpy as np

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def test_readme_examples_run_and_print_the_listed_ir():
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 4
    namespace = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, str(README), "exec"), namespace)
    printed = out.getvalue()
    # the IR listing and the generated jit source shown in the README are what the code prints
    listings = re.findall(r"```\n(\{ lambda.*?\}|def step.*?)\n```", text, flags=re.S)
    assert listings
    for listing in listings:
        assert listing.strip() in printed
    # the values the first example states in its comments (later examples rebind x and y)
    w, x, y = np.full(3, 0.1), np.arange(12.0).reshape(4, 3) / 10, np.ones(4)
    grad = namespace["fg"].grad(namespace["loss"])(w, x, y)
    np.testing.assert_allclose(grad, [-0.6498, -0.8120, -0.9742], atol=1e-4)
