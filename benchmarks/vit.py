"""Tiny vision transformer, one epoch: nodegrad next to hand-written numpy (and PyTorch).

    python -m benchmarks.vit [--epochs 1] [--samples 60000]

Model: 16 patches of 7x7 -> Linear 49->64 -> learned positions -> 2 pre-norm
blocks (4 heads, MLP 64-128-64, tanh GELU) -> mean over tokens -> Linear 64->10;
softmax cross-entropy, Adam lr 1e-3, batch 64, float32, on random
MNIST-shaped data. All implementations start from the same weights and take
turns on the same batches (see benchmarks.timing).
"""

import argparse

import numpy as np

import autograd as ag
import nodes as nd

from . import settings, timing
from .vit_numpy import NumpyViT
from .vit_torch import torch_stepper as torch_model

BATCH, LR, DIM, DEPTH, HEADS, HIDDEN = 64, 1e-3, 64, 2, 4, 128


def fake_mnist(samples, seed=0):
    """MNIST-shaped data: float32 pixels in [0, 1) and labels 0..9."""
    rng = np.random.default_rng(seed)
    return rng.random((samples, 784), dtype=np.float32), rng.integers(0, 10, samples)


def nodegrad_model(seed=0):
    """(graph, images input, labels input) of the benchmark model."""
    images = ag.Input("images", shape=(None, 784))
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    # The tanh GELU, as the hand-written numpy and PyTorch models compute it.
    vit = nd.VisionTransformer(dim=DIM, depth=DEPTH, heads=HEADS, mlp_hidden=HIDDEN, rng=np.random.default_rng(seed),
                               gelu_approximate="tanh")
    loss = nd.softmax_cross_entropy(vit(images), labels, name="loss")
    return ag.Graph(loss, rule=ag.Adam(LR)), images, labels


def initial_parameters(graph):
    """The graph's parameter values keyed by name without the model prefix ('vit.')."""
    return {p.name.split(".", 1)[1]: p.value.copy() for p in graph.parameters}


def data(samples, seed):
    return fake_mnist(samples, seed)


def steppers(x, y, seed):
    """nodegrad and the hand-written numpy model, from the same weights, as step(i, j) functions."""
    graph, images, labels = nodegrad_model(seed)
    model = NumpyViT(initial_parameters(graph), blocks=DEPTH, heads=HEADS, lr=LR)

    def nodegrad_step(i, j):
        graph.forward({images: x[i:j], labels: y[i:j]})
        graph.backward()

    return {"numpy": lambda i, j: model.train_step(x[i:j], y[i:j]), "nodegrad": nodegrad_step}


def torch_stepper(x, y, seed):
    """The same model in PyTorch from the same weights, as a step(i, j) function."""
    import torch

    step = torch_model(initial_parameters(nodegrad_model(seed)[0]), blocks=DEPTH, heads=HEADS, lr=LR)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    return lambda i, j: step(tx[i:j], ty[i:j])


def run(epochs=1, samples=60000, seed=0, env="default"):
    """Time `epochs` epochs of each implementation (see benchmarks.timing); one row with the best epochs.

    The row has the seconds per epoch under each name of
    `timing.IMPLEMENTATIONS` (None where absent).
    """
    best = timing.best_epochs("vit", samples, epochs, seed, env)
    return [{"name": f"ViT 2x(4 heads, 64) 16 patches, {samples} samples", **best}]


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
