"""Tiny vision transformer, one epoch: nodegrad next to hand-written numpy (and PyTorch).

    python -m benchmarks.vit [--epochs 1] [--samples 60000]

Model: 16 patches of 7x7 -> Linear 49->64 -> learned positions -> 2 pre-norm
blocks (4 heads, MLP 64-128-64, GELU) -> mean over tokens -> Linear 64->10;
softmax cross-entropy, Adam lr 1e-3, batch 64, float32, on random
MNIST-shaped data. All implementations start from the same weights. Each
epoch is cut into slices run by nodegrad and numpy in turn, so that both
see the same machine load; an implementation's epoch time is the sum of its
slices, and the best epoch of each is reported. PyTorch trains in a process
of its own (see benchmarks.isolated).
"""

import argparse
import time

import numpy as np

import autograd as ag
import nodes as nd

from . import isolated, settings
from .vit_numpy import NumpyViT
from .vit_torch import torch_trainer

BATCH, LR, DIM, DEPTH, HEADS, HIDDEN = 64, 1e-3, 64, 2, 4, 128
SLICES = 20  # interleaved pieces of an epoch


def fake_mnist(samples, seed=0):
    """MNIST-shaped data: float32 pixels in [0, 1) and labels 0..9."""
    rng = np.random.default_rng(seed)
    return rng.random((samples, 784), dtype=np.float32), rng.integers(0, 10, samples)


def nodegrad_model(seed=0):
    """(graph, images input, labels input) of the benchmark model."""
    images = ag.Input("images", shape=(None, 784))
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    vit = nd.VisionTransformer(dim=DIM, depth=DEPTH, heads=HEADS, mlp_hidden=HIDDEN, rng=np.random.default_rng(seed))
    loss = nd.softmax_cross_entropy(vit(images), labels, name="loss")
    return ag.Graph(loss, rule=ag.Adam(LR)), images, labels


def initial_parameters(graph):
    """The graph's parameter values keyed by name without the model prefix ('vit.')."""
    return {p.name.split(".", 1)[1]: p.value.copy() for p in graph.parameters}


def nodegrad_trainer(seed=0):
    """(graph, train) where train(x, y) runs batches of x, y and returns the seconds taken."""
    graph, images, labels = nodegrad_model(seed)

    def train(x, y):
        start = time.perf_counter()
        for i in range(0, len(x) - BATCH + 1, BATCH):
            graph.forward({images: x[i : i + BATCH], labels: y[i : i + BATCH]})
            graph.backward()
        return time.perf_counter() - start

    return graph, train


def numpy_trainer(model):
    def train(x, y):
        start = time.perf_counter()
        for i in range(0, len(x) - BATCH + 1, BATCH):
            model.train_step(x[i : i + BATCH], y[i : i + BATCH])
        return time.perf_counter() - start

    return train


def run(epochs=1, samples=60000, seed=0):
    """Time `epochs` epochs of each implementation; one row (a list of one dict) with the best epochs.

    The row has the seconds per epoch under "nodegrad", "numpy" and "torch"
    (None without PyTorch).
    """
    x, y = fake_mnist(samples, seed)
    graph, nodegrad_train = nodegrad_trainer(seed)
    start_weights = initial_parameters(graph)
    trainers = {
        "numpy": numpy_trainer(NumpyViT(start_weights, blocks=DEPTH, heads=HEADS, lr=LR)),
        "nodegrad": nodegrad_train,
    }
    # Slice boundaries on whole batches, so every slice trains the same batches as in one pass.
    bounds = np.linspace(0, samples // BATCH, SLICES + 1).astype(int) * BATCH
    best = {}
    for _ in range(epochs):
        spent = dict.fromkeys(trainers, 0.0)
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            for name, train in trainers.items():
                spent[name] += train(x[lo:hi], y[lo:hi])
        best = {name: min(t, best.get(name, t)) for name, t in spent.items()}
    row = {
        "name": f"ViT 2x(4 heads, 64) 16 patches, {samples} samples",
        "nodegrad": best["nodegrad"],
        "numpy": best["numpy"],
        "torch": isolated.torch_seconds("vit", samples=samples, epochs=epochs, seed=seed),
        "nodes": len(graph.nodes),
    }
    return [row]


def torch_seconds(samples, epochs, seed):
    """PyTorch's best epoch from the same start weights; run by `isolated.torch_seconds` in a process of its own."""
    x, y = fake_mnist(samples, seed)
    graph, _ = nodegrad_trainer(seed)
    train = torch_trainer(initial_parameters(graph), blocks=DEPTH, heads=HEADS, lr=LR, batch=BATCH)
    return min(train(x, y) for _ in range(epochs))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--default-malloc", action="store_true", help="leave glibc's allocator settings alone")
    args = parser.parse_args(argv)
    print(settings.configure(args.default_malloc))
    for row in run(epochs=args.epochs, samples=args.samples):
        line = f"{row['name']}: nodegrad {row['nodegrad']:.2f} s, numpy {row['numpy']:.2f} s"
        if row["torch"] is not None:
            line += f", torch {row['torch']:.2f} s"
        line += f"; nodegrad / numpy = {row['nodegrad'] / row['numpy']:.3f}"
        if row["torch"] is not None:
            line += f", nodegrad / torch = {row['nodegrad'] / row['torch']:.3f}"
        print(line)


if __name__ == "__main__":
    main()
