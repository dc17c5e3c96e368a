"""Fixed cost per node: a chain of 60 elementwise nodes on 64x64 float32,
forward plus backward, against raw numpy doing the same arithmetic.

PyTorch's autograd, when installed, is measured the same way (its chain with
autograd against the same arithmetic without), in a process of its own.
The row itself is measured in a fresh process (`run(env=...)`, see
benchmarks.timing): nodegrad and numpy share it (their arrays are 16 kB,
so its peak RSS, reported as nodegrad's, is the interpreter and the engine).
"""

import time

import numpy as np

import autograd as ag
import nodes as nd

from . import timing

LENGTH, SHAPE, FACTOR = 60, (64, 64), 1.01


def build_chain():
    x = ag.Input("x", shape=SHAPE)
    w = ag.Parameter(np.ones(SHAPE), name="w", frozen=False)
    h = x * w  # one parameter so that backward runs through the chain
    for _ in range(LENGTH - 1):
        h = h * FACTOR
    return ag.Graph(nd.sum(h), rule=ag.SGD(0.0)), x


def _best_per_step(functions, steps, rounds):
    """The best round's seconds per call of each function, the functions interleaved round by round."""
    times = {name: [] for name in functions}
    for _ in range(rounds):
        for name, fn in functions.items():
            fn()
            start = time.perf_counter()
            for _ in range(steps):
                fn()
            times[name].append((time.perf_counter() - start) / steps)
    return {name: min(t) for name, t in times.items()}


def run(steps=1000, rounds=8, seed=0, env="default"):
    """The chain's row, measured in a fresh process with environment `env` (see benchmarks.timing)."""
    return timing.run_function("chain", "measure", env, steps=steps, rounds=rounds, seed=seed)


def measure(steps, rounds, seed):
    """The chain's row measured in this process: seconds per step, overhead per node, peak RSS."""
    data = np.random.default_rng(seed).random(SHAPE, dtype=np.float32)
    graph, x = build_chain()
    w = np.ones(SHAPE, np.float32)

    def raw():
        h = data * w
        for _ in range(LENGTH - 1):
            h = h * FACTOR
        g = np.ones(SHAPE, np.float32)
        for _ in range(LENGTH - 1):
            g = g * FACTOR
        return g * data

    def engine():
        graph.forward({x: data})
        graph.backward()

    best = _best_per_step({"numpy": raw, "nodegrad": engine}, steps, rounds)
    ours, theirs = best["nodegrad"], best["numpy"]
    row = {"name": f"chain of {LENGTH} nodes, 64x64", "nodegrad": ours, "numpy": theirs,
           "per_node_us": (ours - theirs) / LENGTH * 1e6, "nodegrad_rss_mb": timing.peak_rss_mb()}
    torch = timing.torch_result("chain", "torch_seconds", steps=steps, rounds=rounds, seed=seed)
    if torch is not None:
        row["torch"] = torch["autograd"]
        row["torch_per_node_us"] = (torch["autograd"] - torch["raw"]) / LENGTH * 1e6
        row["torch_rss_mb"] = torch["rss_mb"]
    return row


def torch_seconds(steps, rounds, seed):
    """PyTorch's chain with autograd and without (seconds per step); run in a process of its own."""
    import torch

    data = torch.from_numpy(np.random.default_rng(seed).random(SHAPE, dtype=np.float32))
    w = torch.ones(SHAPE, requires_grad=True)

    def raw():
        with torch.no_grad():
            h = data * w
            for _ in range(LENGTH - 1):
                h = h * FACTOR
            g = torch.ones(SHAPE)
            for _ in range(LENGTH - 1):
                g = g * FACTOR
            return g * data

    def autograd():
        h = data * w
        for _ in range(LENGTH - 1):
            h = h * FACTOR
        h.sum().backward()
        w.grad = None

    return {**_best_per_step({"raw": raw, "autograd": autograd}, steps, rounds), "rss_mb": timing.peak_rss_mb()}
