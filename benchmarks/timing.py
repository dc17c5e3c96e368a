"""Timing implementations of one model so that their ratio means something on a noisy machine.

The speed of a shared machine swings by tens of percent within minutes, so
implementations timed one after the other compare the machine's moods as
much as the code. Here they take turns:

- nodegrad and the hand-written numpy model train in this process, one
  batch each in turn (the order alternating every batch);
- PyTorch, when installed, trains in a worker process of its own (its
  thread pool, spinning after each operation, and numpy's BLAS threads slow
  each other down when they share a process), on the same batches, and
  takes its turn after every slice of the epoch, with a short pause at each
  change of turn so that the other side's threads have stopped spinning.

Each implementation's epoch time is the sum of its turns; a row reports the
best epoch of each. A benchmark module provides `data(samples, seed)`,
`steppers(x, y, seed)` (a dict name -> step(i, j) training on samples
i..j) and `torch_stepper(x, y, seed)`.
"""

import importlib.util
import json
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
BATCH = 64
SLICES = 10  # PyTorch's turns per epoch
WARM_UP_STEPS = 3  # untimed first steps: allocations, caches and kernel set-up stay out of the timing
#: Seconds to wait between turns. Idle BLAS and OpenMP threads keep spinning for
#: up to about 0.1 s after their last call; without the pause whoever went first
#: after a change of turn paid for the other's spinning threads. After the pause
#: each side trains one untimed step before its turn: the first step after a
#: pause took about 3 ms instead of 0.5 (MLP), a cost of pausing, not of the code.
SETTLE = 0.25


def batches(lo, hi, batch=BATCH):
    """(i, j) index ranges of the batches of samples lo..hi."""
    return [(i, min(i + batch, hi)) for i in range(lo, hi, batch)]


def torch_installed():
    """Whether PyTorch can be imported, without importing it here."""
    return importlib.util.find_spec("torch") is not None


_WORKER = """
import json, sys, time
settings = json.loads(sys.argv[1])
if settings["keep_freed_memory"]:
    from autograd.demo.allocator import keep_freed_memory
    keep_freed_memory()
from benchmarks.timing import batches
module = __import__("benchmarks." + settings["module"], fromlist=["_"])
x, y = module.data(settings["samples"], settings["seed"])
step = module.torch_stepper(x, y, settings["seed"])
for i, j in batches(0, len(x))[:settings["warm_up"]]:
    step(i, j)
print("ready", flush=True)
for line in sys.stdin:
    lo, hi = map(int, line.split())
    step(*batches(lo, hi)[0])  # untimed: the turn starts warm (see SETTLE)
    start = time.perf_counter()
    for i, j in batches(lo, hi):
        step(i, j)
    print(time.perf_counter() - start, flush=True)
"""


class TorchWorker:
    """A process training the PyTorch version of `benchmarks.<module>` on the slices it is sent."""

    def __init__(self, module, samples, seed):
        from . import settings

        arguments = {"module": module, "samples": samples, "seed": seed, "warm_up": WARM_UP_STEPS,
                     "keep_freed_memory": settings.KEEP_FREED_MEMORY}
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER, json.dumps(arguments)], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self._expect("ready")

    def train(self, lo, hi):
        """Seconds PyTorch took to train on samples lo..hi."""
        self.process.stdin.write(f"{lo} {hi}\n")
        self.process.stdin.flush()
        return float(self._expect())

    def _expect(self, word=None):
        line = self.process.stdout.readline().strip()
        if not line or (word is not None and line != word):
            self.close()
            raise RuntimeError(f"the PyTorch worker failed:\n{self.process.stderr.read()}")
        return line

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)


def best_epochs(module, samples, epochs, seed):
    """Best seconds per epoch of each implementation of `benchmarks.<module>` (torch: None without it)."""
    bench = importlib.import_module(f"benchmarks.{module}")
    x, y = bench.data(samples, seed)
    worker = TorchWorker(module, samples, seed) if torch_installed() else None
    best = {}
    try:
        for _ in range(epochs):
            steppers = bench.steppers(x, y, seed)  # fresh models: every epoch starts from the same weights
            for step in steppers.values():
                for i, j in batches(0, samples)[:WARM_UP_STEPS]:
                    step(i, j)
            spent = dict.fromkeys(steppers, 0.0)
            if worker is not None:
                spent["torch"] = 0.0
            bounds = [round(samples * k / SLICES / BATCH) * BATCH for k in range(SLICES)] + [samples]
            for lo, hi in zip(bounds[:-1], bounds[1:]):
                if worker is not None:  # untimed: after the other side's turn, each starts warm (see SETTLE)
                    for step in steppers.values():
                        step(*batches(lo, hi)[0])
                _side_by_side(steppers, batches(lo, hi), spent)
                if worker is not None:
                    time.sleep(SETTLE)
                    spent["torch"] += worker.train(lo, hi)
                    time.sleep(SETTLE)
            best = {name: min(t, best.get(name, t)) for name, t in spent.items()}
    finally:
        if worker is not None:
            worker.close()
    best.setdefault("torch", None)
    return best


def _side_by_side(steppers, ranges, spent):
    names = list(steppers)
    for b, (i, j) in enumerate(ranges):
        for name in names if b % 2 else names[::-1]:
            start = time.perf_counter()
            steppers[name](i, j)
            spent[name] += time.perf_counter() - start


def torch_result(module, function, **kwargs):
    """`benchmarks.<module>.<function>(**kwargs)` run once in a fresh process; None without PyTorch."""
    if not torch_installed():
        return None
    from . import settings

    code = (
        "import json, sys\n"
        "a = json.loads(sys.argv[1])\n"
        "if a.pop('keep_freed_memory'):\n"
        "    from autograd.demo.allocator import keep_freed_memory; keep_freed_memory()\n"
        f"from benchmarks.{module} import {function}\n"
        f"print(json.dumps({function}(**a)))\n"
    )
    arguments = json.dumps({"keep_freed_memory": settings.KEEP_FREED_MEMORY, **kwargs})
    done = subprocess.run([sys.executable, "-c", code, arguments], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the PyTorch run of benchmarks.{module} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])
