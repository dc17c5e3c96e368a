"""MNIST read row by row by an LSTM, one epoch: nodegrad next to hand-written numpy (and PyTorch's nn.LSTM).

    python -m benchmarks.lstm [--epochs 1] [--samples 60000]

Model: each image a sequence of 28 rows of 28 pixels -> LSTM 28->128
(nodegrad: `fused="layer"`, one node for the layer) -> the last step's h
-> Linear 128->10; softmax cross-entropy, Adam lr 1e-3, batch 64,
float32, on random MNIST-shaped data. All implementations start from the
same weights (PyTorch's layout) and take turns on the same batches (see
benchmarks.timing).
"""

import argparse

import numpy as np

import autograd as ag
import nodes as nd

from . import settings, timing
from .lstm_numpy import NumpyLSTM

BATCH, LR, ROWS, PIXELS, HIDDEN, CLASSES = 64, 1e-3, 28, 28, 128, 10


def fake_mnist(samples, seed=0):
    """MNIST-shaped sequences: float32 pixels in [0, 1) of shape (samples, 28, 28), and labels 0..9."""
    rng = np.random.default_rng(seed)
    return rng.random((samples, ROWS, PIXELS), dtype=np.float32), rng.integers(0, CLASSES, samples)


def nodegrad_model(seed=0):
    """(graph, images input, labels input) of the benchmark model, its weights drawn from `seed`."""
    rng = np.random.default_rng(seed)
    images = ag.Input("images", shape=(None, ROWS, PIXELS))
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    last = nd.LSTM(PIXELS, HIDDEN, fused="layer", name="lstm", rng=rng)(images, last=True)
    logits = nd.Linear(HIDDEN, CLASSES, name="classifier", init="xavier", rng=rng)(last)
    loss = nd.softmax_cross_entropy(logits, labels, name="loss")
    return ag.Graph(loss, rule=ag.Adam(LR)), images, labels


def initial_parameters(graph):
    """The graph's parameter values keyed by name (`lstm.weight_ih_l0`, `classifier.weight`...)."""
    return {p.name: p.value.copy() for p in graph.parameters}


def data(samples, seed):
    return fake_mnist(samples, seed)


def steppers(x, y, seed):
    """nodegrad and the hand-written numpy model, from the same weights, as step(i, j) functions returning the loss."""
    graph, images, labels = nodegrad_model(seed)
    model = NumpyLSTM(initial_parameters(graph), lr=LR)

    def nodegrad_step(i, j):
        loss = graph.forward({images: x[i:j], labels: y[i:j]})
        graph.backward()
        return loss

    return {"numpy": lambda i, j: model.train_step(x[i:j], y[i:j]), "nodegrad": nodegrad_step}


def torch_stepper(x, y, seed):
    """The same model in PyTorch (CPU), the idiomatic way: nn.LSTM(batch_first=True), nn.Linear, optim.Adam."""
    import torch

    params = initial_parameters(nodegrad_model(seed)[0])
    lstm, readout = torch.nn.LSTM(PIXELS, HIDDEN, batch_first=True), torch.nn.Linear(HIDDEN, CLASSES)
    with torch.no_grad():
        for name, value in lstm.named_parameters():
            value.copy_(torch.from_numpy(params[f"lstm.{name}"]))
        readout.weight.copy_(torch.from_numpy(params["classifier.weight"].T.copy()))
        readout.bias.copy_(torch.from_numpy(params["classifier.bias"]))
    optimizer = torch.optim.Adam([*lstm.parameters(), *readout.parameters()], lr=LR)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def step(i, j):
        _, (h_n, _) = lstm(tx[i:j])
        loss = torch.nn.functional.cross_entropy(readout(h_n[-1]), ty[i:j])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


def run(epochs=1, samples=60000, seed=0, env="default"):
    """Seconds per epoch of each implementation, the best of `epochs` (see benchmarks.timing): one row."""
    best = timing.best_epochs("lstm", samples, epochs, seed, env)
    return [{"name": f"LSTM 128 row by row, {samples} samples", **best}]


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
