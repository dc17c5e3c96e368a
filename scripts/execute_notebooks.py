"""Run every notebook top to bottom and store it with its fresh outputs.

    python scripts/execute_notebooks.py            # all of notebooks/
    python scripts/execute_notebooks.py 03_train_mnist.ipynb

The notebooks are stored executed, so that they read well on a page that
cannot run them; the test suite runs them again without storing. Each runs
in a fresh kernel with notebooks/ as the working folder and this checkout's
`autograd` and `nodes` first on the path. Notebook 03 and 04 need MNIST
(found as the demo finds it: NODEGRAD_DATA, the user cache, a download).
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


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(FOLDER)}}).execute()
    nbformat.write(notebook, path)
    return path.stat().st_size


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook file names (default: every notebook)")
    args = parser.parse_args(argv)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # figures inline, whatever the shell set
    paths = [FOLDER / name for name in args.names] or sorted(FOLDER.glob("*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path) / 1024:.0f} KiB", flush=True)


if __name__ == "__main__":
    sys.exit(main())
