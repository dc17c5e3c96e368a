"""Storing executed notebooks: what changes from run to run is left out, and an unchanged notebook is not rewritten."""

import importlib.util
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "execute_notebooks.py"


def script():
    spec = importlib.util.spec_from_file_location("execute_notebooks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_timings_and_widget_views_are_left_out():
    cell = new_code_cell("trace", execution_count=3)
    cell.metadata["execution"] = {"iopub.execute_input": "2026-12-03T08:00:00.000Z"}
    view = {"model_id": "5f0c", "version_major": 2, "version_minor": 0}
    cell.outputs = [new_output("display_data", data={"text/html": "<iframe></iframe>", "text/plain": "<trace>",
                                                     "application/vnd.jupyter.widget-view+json": view})]
    notebook = new_notebook(cells=[cell], metadata={"widgets": {"state": {}}})
    stable = script().stable(notebook)
    (kept,) = stable.cells
    assert "execution" not in kept.metadata and "widgets" not in stable.metadata
    assert kept.outputs[0].data == {"text/html": "<iframe></iframe>", "text/plain": "<trace>"}
    assert kept.execution_count == 3  # a fresh kernel counts the same way every time


def test_printed_text_cut_into_pieces_is_joined():
    cell = new_code_cell("print('a', 1)")
    cell.outputs = [new_output("stream", name="stdout", text="a"), new_output("stream", name="stdout", text=" 1\n"),
                    new_output("stream", name="stderr", text="warning\n"),
                    new_output("stream", name="stdout", text="b\n")]
    (kept,) = script().stable(new_notebook(cells=[cell])).cells
    assert [(o.name, o.text) for o in kept.outputs] == [("stdout", "a 1\n"), ("stderr", "warning\n"), ("stdout", "b\n")]


def test_a_second_run_without_a_change_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "tiny.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import autograd\nprint(1 + 1)")]), path)
    size, changed = script().execute(path)
    assert changed and size == len(path.read_bytes())
    assert nbformat.read(path, as_version=4).cells[0].outputs[0].text == "2\n"
    before = path.stat().st_mtime_ns, path.read_bytes()
    _, changed = script().execute(path)
    assert not changed and (path.stat().st_mtime_ns, path.read_bytes()) == before
