"""MLP 784-256-10 (ReLU, softmax cross-entropy, SGD lr 0.1, batch 64, float32):
one epoch with nodegrad next to the same model hand-written in numpy (and PyTorch)."""

import numpy as np

import autograd as ag
import nodes as nd

from . import timing

BATCH, LR = 64, 0.1


def fake_mnist(samples, seed=0):
    """MNIST-shaped data: float32 pixels in [0, 1) and labels 0..9."""
    rng = np.random.default_rng(seed)
    return rng.random((samples, 784), dtype=np.float32), rng.integers(0, 10, samples)


def initial_weights(seed=0):
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((784, 256)) * np.sqrt(2 / 784)).astype(np.float32)
    w2 = (rng.standard_normal((256, 10)) * np.sqrt(2 / 256)).astype(np.float32)
    return w1, np.zeros(256, np.float32), w2, np.zeros(10, np.float32)


def nodegrad_stepper(weights):
    """A function training the nodegrad model on one batch; returns the loss."""
    w1, b1, w2, b2 = weights
    images = ag.Input("images", shape=(None, 784))
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    fc1, fc2 = nd.Linear(784, 256, name="fc1"), nd.Linear(256, 10, name="fc2")
    fc1.weight.value[...], fc1.bias.value[...] = w1, b1
    fc2.weight.value[...], fc2.bias.value[...] = w2, b2
    loss = nd.softmax_cross_entropy(fc2(nd.relu(fc1(images))), labels)
    graph = ag.Graph(loss, rule=ag.SGD(LR))

    def step(xb, yb):
        value = graph.forward({images: xb, labels: yb})
        graph.backward()
        return value

    return step


def numpy_stepper(weights):
    """The same model and update written out by hand, as a one-batch step function."""
    w1, b1, w2, b2 = (w.copy() for w in weights)
    ones, rows = np.ones(BATCH, np.float32), np.arange(BATCH)

    def step(xb, yb):
        nonlocal w1, b1, w2, b2, ones, rows  # weights updated in place by -=; ones and rows follow the batch size
        n = len(xb)
        if n != len(rows):
            ones, rows = np.ones(n, np.float32), np.arange(n)
        h = np.maximum(xb @ w1 + b1, 0)
        z = h @ w2 + b2
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        total = e.sum(axis=1, keepdims=True)
        loss = (np.log(total[:, 0]).sum() - z[rows, yb].sum()) / n  # the loss a training loop reports
        p = e / total
        p[rows, yb] -= 1
        dz = p / n
        dw2, db2 = h.T @ dz, ones @ dz
        dh = (dz @ w2.T) * (h > 0)
        dw1, db1 = xb.T @ dh, ones @ dh
        w2 -= LR * dw2
        b2 -= LR * db2
        w1 -= LR * dw1
        b1 -= LR * db1
        return loss

    return step


def data(samples, seed):
    return fake_mnist(samples, seed)


def steppers(x, y, seed):
    """The two implementations as step(i, j) functions training on samples i..j."""
    weights = initial_weights(seed)
    steps = {"numpy": numpy_stepper(weights), "nodegrad": nodegrad_stepper(weights)}
    return {name: (lambda i, j, step=step: step(x[i:j], y[i:j])) for name, step in steps.items()}


def torch_stepper(x, y, seed):
    """The same model in PyTorch (CPU), the idiomatic way: nn.Linear, cross_entropy, optim.SGD."""
    import torch

    weights = initial_weights(seed)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    with torch.no_grad():
        for layer, w, b in ((model[0], *weights[:2]), (model[2], *weights[2:])):
            layer.weight.copy_(torch.from_numpy(w.T))
            layer.bias.copy_(torch.from_numpy(b))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def step(i, j):
        loss = torch.nn.functional.cross_entropy(model(tx[i:j]), ty[i:j])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


def run(samples=60000, epochs=5, seed=0, env="default"):
    """The best of `epochs` epochs of each implementation, workers in environment `env` (see benchmarks.timing)."""
    return {"name": "MLP 784-256-10, 1 epoch", **timing.best_epochs("mlp", samples, epochs, seed, env)}


def jax_stepper(x, y, seed):
    """The same model in JAX, one jax.jit-compiled step (see benchmarks.jax_models; JAX must be installed)."""
    from .jax_models import mlp_stepper

    return mlp_stepper(x, y, initial_weights(seed), LR)
