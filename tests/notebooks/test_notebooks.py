"""Every notebook runs top to bottom without a cell error.

Each one is executed in a fresh kernel with the notebooks folder as working
directory (as when opened in Jupyter); the stored file is not rewritten. The
kernel imports this checkout's `autograd` and `nodes`, whatever is installed.
"""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks"
NOTEBOOKS = [
    "01_build_draw_backprop.ipynb",
    "02_custom_node.ipynb",
    "03_train_mnist.ipynb",
    "04_attention_anatomy.ipynb",
    "05_recurrent.ipynb",
    "06_higher_order.ipynb",
]
CELL_TIMEOUT = 600  # seconds per cell: a guard against hangs, far above the real times


def reads_real_data(notebook):
    """Whether a code cell loads a real data set through the demo's loader."""
    return any("autograd.demo.data import" in c.source for c in notebook.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, monkeypatch, request):
    # The kernel is a subprocess: it inherits this environment.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    notebook = nbformat.read(FOLDER / name, as_version=4)
    if reads_real_data(notebook):
        request.getfixturevalue("mnist_dir")  # found (or, offline and not asked for by name, a skip that says so)
    client = NotebookClient(
        notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(FOLDER)}},
    )
    try:
        client.execute()
    except CellExecutionError as e:
        pytest.fail(f"{name} failed:\n{e}")
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors


def test_every_notebook_is_tested():
    assert sorted(p.name for p in FOLDER.glob("*.ipynb")) == sorted(NOTEBOOKS)
