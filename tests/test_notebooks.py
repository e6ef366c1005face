"""Every notebook under notebooks/ executes without error (nbclient, the python3 kernel from
ipykernel); and each notebook built by a make_*.py script matches that script."""
import importlib.util
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (dev extra)")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (dev extra)")

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_notebook_executes(path):
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors


def _check_built_from_script(stem):
    spec = importlib.util.spec_from_file_location(f"make_{stem}", NOTEBOOKS / f"make_{stem}.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    saved = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    assert [c.source for c in saved.cells] == [c.source for c in script.cells], \
        f"notebooks/{stem}.ipynb is stale: run python notebooks/make_{stem}.py"


def test_tour_notebook_is_built_from_its_script():
    _check_built_from_script("01_tour")


def test_torch_shim_notebook_is_built_from_its_script():
    _check_built_from_script("03_torch_shim")
