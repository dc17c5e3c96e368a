"""Run every notebook top to bottom and store it with its fresh outputs.

    python scripts/execute_notebooks.py            # all of notebooks/
    python scripts/execute_notebooks.py 03_train_mnist.ipynb

The notebooks are stored executed, so that they read well on a page that
cannot run them; the test suite runs them again without storing. Each runs
in a fresh kernel with notebooks/ as the working folder and this checkout's
`autograd` and `nodes` first on the path. Notebook 03 and 04 need MNIST
(found as the demo finds it: NODEGRAD_DATA, the user cache, a download).

What changes from run to run without a real change is left out (`stable`):
cell timings, the kernel's widget views (which point at widgets of a kernel
that is gone; the output's HTML stays) and where the kernel cut printed text
into pieces, so that running the script again without a real change leaves
the files as they were. A notebook is
written only when its content changed.
"""

import argparse
import os
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
FOLDER = ROOT / "notebooks"
CELL_TIMEOUT = 600  # seconds per cell: a guard against hangs


#: Outputs a stored notebook cannot show: a widget's view needs the kernel that made it.
KERNEL_ONLY = ("application/vnd.jupyter.widget-view+json",)


def stable(notebook):
    """`notebook` without what changes from run to run: cell timings, widget views and widget state, and
    the points where the kernel happened to cut a cell's printed text into pieces (they are joined)."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", ()):
            for mime in KERNEL_ONLY:
                output.get("data", {}).pop(mime, None)
        if cell.cell_type == "code":
            cell.outputs = joined_streams(cell.outputs)
    return notebook


def joined_streams(outputs):
    """`outputs` with each run of consecutive stream outputs to the same stream made one."""
    joined = []
    for output in outputs:
        last = joined[-1] if joined else None
        if (output.get("output_type") == "stream" and last is not None and last.get("output_type") == "stream"
                and last.get("name") == output.get("name")):
            last["text"] = last["text"] + output["text"]
        else:
            joined.append(output)
    return joined


def execute(path):
    """Run the notebook at `path` and store it when its stable content changed; returns (size, written)."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(FOLDER)}}).execute()
    text = nbformat.writes(stable(notebook)) + "\n"
    changed = text != path.read_text(encoding="utf-8")
    if changed:
        path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8")), changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook file names (default: every notebook)")
    args = parser.parse_args(argv)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # figures inline, whatever the shell set
    paths = [FOLDER / name for name in args.names] or sorted(FOLDER.glob("*.ipynb"))
    for path in paths:
        size, changed = execute(path)
        print(f"{path.name}: {size / 1024:.0f} KiB{'' if changed else ', unchanged'}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
