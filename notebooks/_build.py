"""Shared by the notebooks/make_*.py scripts: build a notebook from a script's `cells`, execute it
in a python3 kernel that imports this checkout's fungrad and draws with matplotlib's inline
(non-GUI) backend, and save it with its outputs.

    python notebooks/make_01_tour.py        # each script calls build(cells, __file__)
"""
import os
import pathlib
import time

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_notebook

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
INLINE = "module://matplotlib_inline.backend_inline"


def kernel_env():
    """The environment the notebooks run in, here and in tests/test_notebooks.py: this checkout
    first on PYTHONPATH (so the kernel imports the fungrad beside the notebook, not an installed
    one), matplotlib's inline backend (PNG images in the notebook, never a GUI window), and one
    BLAS thread unless set otherwise (the notebooks' matrices are small; on a busy machine
    OpenBLAS's spinning threads made a 64x64 product 80 times slower)."""
    path = os.environ.get("PYTHONPATH")
    threads = {v: os.environ.get(v, "1") for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                   "MKL_NUM_THREADS")}
    return {**os.environ, **threads, "MPLBACKEND": INLINE,
            "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else "")}


def new(cells):
    """A notebook of `cells`, numbered (not random) cell ids so that a rebuild changes only what
    the outputs change."""
    cells = [nbformat.from_dict({**c, "id": f"cell-{i}"}) for i, c in enumerate(cells)]
    return new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})


def execute(nb, timeout=120):
    """Run every cell of `nb` in place (no timing metadata is recorded in the cells); returns the
    seconds it took, kernel start included."""
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    t0 = time.perf_counter()
    client.execute(env=kernel_env())  # raises CellExecutionError, naming the cell, on an error
    return time.perf_counter() - t0


def _coalesce_streams(nb):
    """Join each cell's consecutive stdout (or stderr) chunks into one output: how the kernel
    happened to flush them is noise in a rebuilt notebook's diff."""
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            if (out.output_type == "stream" and merged and merged[-1].output_type == "stream"
                    and merged[-1].name == out.name):
                merged[-1].text += out.text
            else:
                merged.append(out)
        if cell.cell_type == "code":
            cell.outputs = merged


def build(cells, script):
    """Build, execute and write the notebook named after `script` (make_NN_name.py -> NN_name.ipynb)."""
    stem = pathlib.Path(script).stem.removeprefix("make_")
    nb = new(cells)
    seconds = execute(nb)
    _coalesce_streams(nb)
    out = NOTEBOOKS / f"{stem}.ipynb"
    nbformat.write(nb, out)
    print(f"wrote {out} (executed in {seconds:.1f} s)")
