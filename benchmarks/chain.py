"""Fixed cost per node: a chain of 60 elementwise nodes on 64x64 float32,
forward plus backward, against raw numpy doing the same arithmetic."""

import time

import numpy as np

import autograd as ag
import nodes as nd

LENGTH, SHAPE, FACTOR = 60, (64, 64), 1.01


def build_chain():
    x = ag.Input("x", shape=SHAPE)
    w = ag.Parameter(np.ones(SHAPE), name="w", frozen=False)
    h = x * w  # one parameter so that backward runs through the chain
    for _ in range(LENGTH - 1):
        h = h * FACTOR
    return ag.Graph(nd.sum(h) if hasattr(nd, "sum") else h, rule=ag.SGD(0.0)), x


def run(steps=2000, seed=0):
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

    times = {}
    for name, fn in (("numpy", raw), ("nodegrad", engine), ("numpy2", raw), ("nodegrad2", engine)):
        fn()
        start = time.perf_counter()
        for _ in range(steps):
            fn()
        times[name] = (time.perf_counter() - start) / steps
    ours = min(times["nodegrad"], times["nodegrad2"])
    theirs = min(times["numpy"], times["numpy2"])
    return {"name": f"chain of {LENGTH} nodes, 64x64", "nodegrad": ours, "numpy": theirs,
            "per_node_us": (ours - theirs) / LENGTH * 1e6}
