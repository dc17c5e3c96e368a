"""Timing implementations of one model so that their ratio means something on a noisy machine.

The speed of a shared machine swings by tens of percent within minutes, so
implementations timed one after the other compare the machine's moods as
much as the code. Here every implementation (nodegrad, nodegrad with its
compiled kernels ruled out where numba is installed, the hand-written
numpy model, PyTorch, PyTorch with channels_last, JAX) trains in a worker
process of its own, on the same data and the same batches from the same
initial weights, and they take turns: each trains one slice (a tenth) of the
epoch, then the next one does, the order reversed every slice, with a short
pause at each change of turn so that the other side's BLAS and OpenMP threads
have stopped spinning. Each implementation's epoch time is the sum of its
turns; a row reports the best epoch of each.

Memory: each worker reports its peak resident set
(`resource.getrusage(RUSAGE_SELF).ru_maxrss`) when it closes, after its
last epoch. As nothing else runs in a worker, the figure is that
implementation's alone: the interpreter, the libraries it imports (libtorch
weighs a few hundred MB), the data set (the same array in every worker) and
whatever the model and its training keep or allocate at their peak.

Environment: a worker runs with the environment of this process
(`env="default"`) or with the OpenBLAS variables `OPENBLAS_VARIABLES` removed
(`env="unset"`; some machines set them, and they select OpenBLAS's kernels
when the library is loaded, so only a fresh process can go without them).
This process never changes its own environment.

A benchmark module provides `data(samples, seed)`, `steppers(x, y, seed)` (a
dict name -> step(i, j) training on samples i..j, with "nodegrad" and
"numpy"), `torch_stepper(x, y, seed)` and optionally `CHANNELS_LAST = True`
(its torch_stepper takes `channels_last=True`) and `jax_stepper(x, y, seed)`.
"""

import importlib
import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
BATCH = 64
SLICES = 10  # turns per epoch of each implementation
WARM_UP_STEPS = 3  # untimed first steps: allocations, caches and kernel set-up stay out of the timing
#: Seconds to wait between turns. Idle BLAS and OpenMP threads keep spinning for
#: up to about 0.1 s after their last call; without the pause whoever went first
#: after a change of turn paid for the other's spinning threads. After the pause
#: each side trains one untimed step before its turn: the first step after a
#: pause took about 3 ms instead of 0.5 (MLP), a cost of pausing, not of the code.
SETTLE = 0.25
#: Every implementation a row can have, in the order of the columns. "nodegrad_numpy_path" is nodegrad with its
#: compiled kernels ruled out (NODEGRAD_KERNELS=numpy in its worker), where numba is installed: what they bought.
IMPLEMENTATIONS = ("nodegrad", "nodegrad_numpy_path", "numpy", "torch", "torch_channels_last", "jax")
#: Variables that select OpenBLAS's kernels at load time; env="unset" removes them.
OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
ENVS = ("default", "unset")


def batches(lo, hi, batch=BATCH):
    """(i, j) index ranges of the batches of samples lo..hi."""
    return [(i, min(i + batch, hi)) for i in range(lo, hi, batch)]


def installed(package):
    """Whether `package` can be imported, without importing it here."""
    return importlib.util.find_spec(package) is not None


def torch_installed():
    """Whether PyTorch can be imported, without importing it here."""
    return installed("torch")


def worker_environment(env, base=None, implementation=None):
    """The environment of a worker: `base` (default this process's) as it is, or without the OpenBLAS variables;
    for "nodegrad" with NODEGRAD_KERNELS removed (nodegrad's own choice: compiled where numba is installed), for
    every other implementation with the compiled kernels ruled out: the nodegrad numpy path is what it says, and
    the workers that build a nodegrad model only for its initial weights (PyTorch's, the hand-written numpy
    ViT's) do not load numba, whose hundred MB would count in their peak RSS."""
    if env not in ENVS:
        raise ValueError(f"benchmarks.timing: env must be one of {', '.join(ENVS)}, not {env!r}")
    environment = dict(os.environ if base is None else base)
    if env == "unset":
        for name in OPENBLAS_VARIABLES:
            environment.pop(name, None)
    if implementation == "nodegrad":
        environment.pop("NODEGRAD_KERNELS", None)
    elif implementation is not None:
        environment["NODEGRAD_KERNELS"] = "numpy"
    return environment


def implementations(bench):
    """The implementations the benchmark module `bench` can run here, in column order."""
    names = ["nodegrad", "numpy"]
    if installed("numba"):
        names.insert(1, "nodegrad_numpy_path")
    if torch_installed():
        names.append("torch")
        if getattr(bench, "CHANNELS_LAST", False):
            names.append("torch_channels_last")
    if hasattr(bench, "jax_stepper") and installed("jax"):
        names.append("jax")
    return names


def make_stepper(bench, name, x, y, seed):
    """The step(i, j) function of implementation `name` of the benchmark module `bench`."""
    if name in ("nodegrad", "numpy"):
        return bench.steppers(x, y, seed)[name]
    if name == "nodegrad_numpy_path":  # the worker's environment rules the compiled kernels out
        return bench.steppers(x, y, seed)["nodegrad"]
    if name == "torch":
        return bench.torch_stepper(x, y, seed)
    if name == "torch_channels_last":
        return bench.torch_stepper(x, y, seed, channels_last=True)
    if name == "jax":
        return bench.jax_stepper(x, y, seed)
    raise ValueError(f"benchmarks.timing: implementation must be one of {', '.join(IMPLEMENTATIONS)}, not {name!r}")


def peak_rss_mb():
    """This process's peak resident set so far, in MB (ru_maxrss is in kB on Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_WORKER = """
import json, os, sys, time
settings = json.loads(sys.argv[1])
if settings["keep_freed_memory"]:
    from autograd.demo.allocator import keep_freed_memory
    keep_freed_memory()
import importlib
from benchmarks import timing
bench = importlib.import_module(settings["module"])
x, y = bench.data(settings["samples"], settings["seed"])
step = timing.make_stepper(bench, settings["implementation"], x, y, settings["seed"])
for i, j in timing.batches(0, len(x))[:settings["warm_up"]]:
    step(i, j)
print("ready", flush=True)
for line in sys.stdin:
    lo, hi = map(int, line.split())
    step(*timing.batches(lo, hi)[0])  # untimed: the turn starts warm (see SETTLE)
    start = time.perf_counter()
    for i, j in timing.batches(lo, hi):
        step(i, j)
    print(time.perf_counter() - start, flush=True)
seen = {name: os.environ.get(name) for name in timing.OPENBLAS_VARIABLES}
print(json.dumps({"rss_mb": timing.peak_rss_mb(), "openblas": seen}), flush=True)
"""


class Worker:
    """A process training one implementation of a benchmark module on the slices it is sent.

    `module` is a dotted module name ("benchmarks.mlp"), `implementation` one
    of IMPLEMENTATIONS, `env` one of ENVS (see the module docstring) applied
    to `base` (default this process's environment; see worker_environment).
    """

    def __init__(self, module, implementation, samples, seed, env="default", base=None):
        from . import settings

        arguments = {"module": module, "implementation": implementation, "samples": samples, "seed": seed,
                     "warm_up": WARM_UP_STEPS, "keep_freed_memory": settings.KEEP_FREED_MEMORY}
        self.name = implementation
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER, json.dumps(arguments)], cwd=ROOT, text=True,
            env=worker_environment(env, base, implementation), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._expect("ready")

    def train(self, lo, hi):
        """Seconds the worker took to train on samples lo..hi."""
        self.process.stdin.write(f"{lo} {hi}\n")
        self.process.stdin.flush()
        return float(self._expect())

    def finish(self):
        """End the worker; returns its report: peak RSS in MB ("rss_mb") and the OpenBLAS variables it saw."""
        self.process.stdin.close()
        report = json.loads(self._expect())
        self.process.wait(timeout=60)
        return report

    def _expect(self, word=None):
        line = self.process.stdout.readline().strip()
        if not line or (word is not None and line != word):
            self.close()
            raise RuntimeError(f"the {self.name} worker failed:\n{self.process.stderr.read()}")
        return line

    def close(self):
        """Stop the worker if it still runs."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=60)


def slice_bounds(samples):
    """The sample index at which each turn starts, and `samples` at the end (whole batches per turn)."""
    return [round(samples * k / SLICES / BATCH) * BATCH for k in range(SLICES)] + [samples]


def best_epochs(module, samples, epochs, seed, env="default", names=None, base=None):
    """Best seconds per epoch of each implementation of `benchmarks.<module>` (None where absent),
    each implementation's peak RSS in MB under "rss_mb", and "nodegrad_rss_mb", "torch_rss_mb".

    `module` may also be a dotted name; `names` picks implementations (default
    every one installed); `env` and `base` give the workers' environment (see Worker)."""
    dotted = module if "." in module else f"benchmarks.{module}"
    names = list(names or implementations(importlib.import_module(dotted)))
    workers, best = {}, {}
    try:
        for name in names:
            workers[name] = Worker(dotted, name, samples, seed, env, base)
        bounds = sorted(set(slice_bounds(samples)))  # no empty turns when an epoch has fewer batches than SLICES
        for _ in range(epochs):
            spent = dict.fromkeys(names, 0.0)
            for k, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
                for name in names if k % 2 == 0 else names[::-1]:
                    if len(names) > 1:
                        time.sleep(SETTLE)
                    spent[name] += workers[name].train(lo, hi)
            best = {name: min(t, best.get(name, t)) for name, t in spent.items()}
        reports = {name: worker.finish() for name, worker in workers.items()}
    finally:
        for worker in workers.values():
            worker.close()
    result = {name: best.get(name) for name in IMPLEMENTATIONS}
    result["rss_mb"] = {name: report["rss_mb"] for name, report in reports.items()}
    result["nodegrad_rss_mb"] = result["rss_mb"].get("nodegrad")
    result["torch_rss_mb"] = result["rss_mb"].get("torch")
    result["openblas"] = reports[names[0]]["openblas"]
    return result


def run_function(module, function, env="default", **kwargs):
    """`benchmarks.<module>.<function>(**kwargs)` run once in a fresh process with environment `env`
    (see worker_environment); its JSON result."""
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
    done = subprocess.run([sys.executable, "-c", code, arguments], cwd=ROOT, capture_output=True, text=True,
                          env=worker_environment(env))
    if done.returncode:
        raise RuntimeError(f"the run of benchmarks.{module}.{function} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def torch_result(module, function, **kwargs):
    """`benchmarks.<module>.<function>(**kwargs)` run once in a fresh process; None without PyTorch."""
    if not torch_installed():
        return None
    return run_function(module, function, **kwargs)
