"""PyTorch rows timed in a process of their own.

PyTorch's thread pool keeps spinning for a while after each operation, and
numpy's BLAS threads do the same: in one process each slows the other down,
and whichever is timed next pays. So nodegrad and the hand-written numpy
model train side by side in the benchmark's process, and PyTorch alone in a
fresh one, with the same allocator settings. PyTorch is optional: without it
the rows say so.
"""

import importlib.util
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]

_RUN = """
import json, sys
settings = json.loads(sys.argv[1])
if settings.pop("keep_freed_memory"):
    from autograd.allocator import keep_freed_memory
    keep_freed_memory()
module = __import__("benchmarks." + settings.pop("module"), fromlist=["_"])
print(json.dumps(getattr(module, settings.pop("function"))(**settings)))
"""


def torch_installed():
    """Whether PyTorch can be imported, without importing it here."""
    return importlib.util.find_spec("torch") is not None


def torch_seconds(module, function="torch_seconds", **kwargs):
    """`benchmarks.<module>.<function>(**kwargs)` run in a fresh process; None without PyTorch."""
    if not torch_installed():
        return None
    from . import settings

    arguments = {"module": module, "function": function, "keep_freed_memory": settings.KEEP_FREED_MEMORY, **kwargs}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, json.dumps(arguments)], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"the PyTorch run of benchmarks.{module} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])
