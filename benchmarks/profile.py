"""Where nodegrad's training step spends its time, per node type, forward and backward apart.

    python -m benchmarks.profile --model cnn [--steps 50] [--no-limit]

Runs `--steps` training steps (batch 64; the model module's BATCH where it
has one, 128 for the speedrun's CNN) of a benchmark model's nodegrad
implementation (the same code as `benchmarks.bench`) in this process, after
three untimed ones, with every node class's `forward` and `backward`
wrapped in a timer for this run only (nothing in the engine changes; a
method that calls its parent's through super() is counted once). For the
nodes that multiply matrices (MatMul, Convolution, Attention, the fused
recurrent cells and layers) it counts the floating-point operations from the shapes
(2 per multiply-add: an (M, K) @ (K, N) product is 2MKN; a convolution is a
matmul of its im2col windows; backward as one product of forward's size per
matmul or convolution operand that needs a gradient, two for attention and a
fused recurrent cell or layer) and gives the achieved GFLOP/s. "engine" is
the rest of the step: the graph's schedule, feeding, the ledger, the update.
`NODEGRAD_KERNELS=numpy python -m benchmarks.profile ...` profiles the numpy
path of the nodes that have compiled kernels (autograd.compiled).

The matmul limit: the profile also times a large float32 matmul
(2048 x 2048 @ 2048 x 2048) in a fresh process per OpenBLAS environment
(see benchmarks.timing): measured on the 2-core shared machine the
benchmarks were written on, 139 GFLOP/s in both environments with the
machine quiet (50-58 GFLOP/s while other jobs loaded it). The OpenBLAS
variables were not set in that session, so both ran the same kernels;
where they are set, the two figures show what they cost. A node type far below that is bound by memory or by
Python, not by arithmetic.
"""

import argparse
import importlib
import time
from collections import defaultdict

import numpy as np

import autograd as ag

from . import timing

MODELS = ("mlp", "cnn", "vit", "lstm", "speedrun")


def _flops(node, args):
    """Forward floating-point operations of a matrix-multiplying node from its input arrays; 0 for others."""
    kind = type(node).__name__
    if kind == "MatMul":
        a, b = args[0], args[1]
        return 2 * a.shape[-1] * int(np.prod(np.broadcast_shapes(a.shape[:-1], b.shape[:-2])) * b.shape[-1])
    if kind == "Convolution":
        return 2 * node.value.size * int(np.prod(args[1].shape[:3]))
    if kind == "Attention":
        q, k, v = args[:3]
        return 2 * int(np.prod(q.shape[:-1])) * k.shape[-2] * (q.shape[-1] + v.shape[-1])
    if kind in ("FusedLSTMCell", "FusedGRUCell", "FusedRNNCell", "LSTMLayer", "GRULayer", "RNNLayer"):
        # the two projections of every row: x (N, F) for a step, (N, T, F) for a layer
        return 2 * int(np.prod(args[0].shape[:-1])) * (args[2].size + args[3].size)
    return 0


def _backward_products(node):
    """How many products of forward's size a backward computes: one per matmul or convolution
    operand that needs a gradient; two for attention (scores and values) and a fused cell or layer (inputs,
    weights)."""
    if type(node).__name__ in ("MatMul", "Convolution"):
        return sum(map(bool, node.needs[:2]))
    return 2


class Profiler:
    """Seconds, calls and FLOPs per node type and direction, while installed (a context manager)."""

    def __init__(self):
        self.seconds = defaultdict(float)
        self.calls = defaultdict(int)
        self.flops = defaultdict(int)
        self._forward_flops = {}
        self._saved = []
        self._depth = 0

    def _timed(self, method, direction):
        profiler = self

        def wrapper(node, *args):
            if profiler._depth:
                return method(node, *args)
            profiler._depth += 1
            start = time.perf_counter()
            try:
                out = method(node, *args)
            finally:
                profiler._depth -= 1
            key = (type(node).__name__, direction)
            profiler.seconds[key] += time.perf_counter() - start
            profiler.calls[key] += 1
            if direction == "forward":
                node.value = out  # the FLOP count reads the output's shape
                profiler._forward_flops[id(node)] = flops = _flops(node, args)
            else:
                flops = profiler._forward_flops.get(id(node), 0) * _backward_products(node)
            profiler.flops[key] += flops
            return out

        return wrapper

    def __enter__(self):
        classes, stack = set(), [ag.Node]
        while stack:
            cls = stack.pop()
            classes.add(cls)
            stack.extend(cls.__subclasses__())
        owners = set()  # the classes defining a method, mixins such as the fused cells' included
        for cls in classes:
            for direction in ("forward", "backward"):
                owner = next((c for c in cls.__mro__ if direction in vars(c)), None)
                if owner is not None and owner is not object:
                    owners.add((owner, direction))
        for owner, direction in owners:
            method = vars(owner)[direction]
            self._saved.append((owner, direction, method))
            setattr(owner, direction, self._timed(method, direction))
        return self

    def __exit__(self, *exc):
        for cls, direction, method in self._saved:
            setattr(cls, direction, method)
        self._saved.clear()

    def reset(self):
        """Forget what was counted so far."""
        self.seconds.clear()
        self.calls.clear()
        self.flops.clear()


def profile(model, steps=50, seed=0, batch=None):
    """(Profiler, seconds of the `steps` timed steps) of the nodegrad implementation of `benchmarks.<model>`.

    `batch` defaults to the module's BATCH if it has one, else 64.
    """
    bench = importlib.import_module(f"benchmarks.{model}")
    batch = batch or getattr(bench, "BATCH", timing.BATCH)
    x, y = bench.data((steps + 3) * batch, seed)
    with Profiler() as profiler:
        step = timing.make_stepper(bench, "nodegrad", x, y, seed)
        ranges = timing.batches(0, len(x), batch)
        for i, j in ranges[:3]:
            step(i, j)
        profiler.reset()
        start = time.perf_counter()
        for i, j in ranges[3:]:
            step(i, j)
        total = time.perf_counter() - start
    return profiler, total


def table(profiler, total):
    """The profile as text lines: per node type and direction, ms, share of the step time, GFLOP and GFLOP/s."""
    lines = [f"{'node type':<22} {'pass':<8} {'calls':>6} {'ms':>9} {'share':>6} {'GFLOP':>8} {'GFLOP/s':>8}"]
    for key in sorted(profiler.seconds, key=profiler.seconds.get, reverse=True):
        seconds, flops = profiler.seconds[key], profiler.flops[key]
        rate = f"{flops / seconds / 1e9:8.2f}" if flops else f"{'':>8}"
        gflop = f"{flops / 1e9:8.3f}" if flops else f"{'':>8}"
        lines.append(f"{key[0]:<22} {key[1]:<8} {profiler.calls[key]:>6} {seconds * 1e3:9.2f} "
                     f"{seconds / total:6.1%} {gflop} {rate}")
    engine = total - sum(profiler.seconds.values())
    lines.append(f"{'engine':<22} {'':<8} {'':>6} {engine * 1e3:9.2f} {engine / total:6.1%}")
    flops = sum(profiler.flops.values())
    lines.append(f"{'step total':<22} {'':<8} {'':>6} {total * 1e3:9.2f} {1:6.1%} {flops / 1e9:8.3f} "
                 f"{flops / total / 1e9:8.2f}")
    return lines


def matmul_gflops(n=2048, repeats=5):
    """The best GFLOP/s of an n x n float32 matmul in this process."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
    a @ b
    best = min(_seconds(lambda: a @ b) for _ in range(repeats))
    return 2 * n ** 3 / best / 1e9


def _seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=MODELS, default="cnn")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--no-limit", action="store_true", help="skip timing the large matmul")
    args = parser.parse_args(argv)
    batch = getattr(importlib.import_module(f"benchmarks.{args.model}"), "BATCH", timing.BATCH)
    profiler, total = profile(args.model, args.steps, batch=batch)
    print(f"nodegrad {args.model}: {args.steps} steps of batch {batch}")
    print("\n".join(table(profiler, total)))
    if not args.no_limit:
        for env in timing.ENVS:
            rate = timing.run_function("profile", "matmul_gflops", env)
            print(f"float32 matmul 2048^3, env {env}: {rate:.1f} GFLOP/s")


if __name__ == "__main__":
    main()
