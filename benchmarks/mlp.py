"""MLP 784-256-10 (ReLU, softmax cross-entropy, SGD lr 0.1, batch 64, float32):
one epoch with nodegrad next to the same model hand-written in numpy."""

import time

import numpy as np

import autograd as ag
import nodes as nd

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


def nodegrad_epoch(x, y, weights):
    w1, b1, w2, b2 = weights
    images = ag.Input("images", shape=(None, 784))
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    fc1, fc2 = nd.Linear(784, 256, name="fc1"), nd.Linear(256, 10, name="fc2")
    fc1.weight.value[...], fc1.bias.value[...] = w1, b1
    fc2.weight.value[...], fc2.bias.value[...] = w2, b2
    loss = nd.softmax_cross_entropy(fc2(nd.relu(fc1(images))), labels)
    graph = ag.Graph(loss, rule=ag.SGD(LR))
    start = time.perf_counter()
    for i in range(0, len(x) - BATCH + 1, BATCH):
        graph.forward({images: x[i : i + BATCH], labels: y[i : i + BATCH]})
        graph.backward()
    return time.perf_counter() - start


def numpy_epoch(x, y, weights):
    w1, b1, w2, b2 = (w.copy() for w in weights)
    ones = np.ones(BATCH, np.float32)
    rows = np.arange(BATCH)
    start = time.perf_counter()
    for i in range(0, len(x) - BATCH + 1, BATCH):
        xb, yb = x[i : i + BATCH], y[i : i + BATCH]
        h = np.maximum(xb @ w1 + b1, 0)
        z = h @ w2 + b2
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        total = e.sum(axis=1, keepdims=True)
        loss = np.log(total[:, 0]).sum() - z[rows, yb].sum()  # the loss a training loop reports
        p = e / total
        p[rows, yb] -= 1
        dz = p / BATCH
        dw2, db2 = h.T @ dz, ones @ dz
        dh = (dz @ w2.T) * (h > 0)
        dw1, db1 = xb.T @ dh, ones @ dh
        w2 -= LR * dw2
        b2 -= LR * db2
        w1 -= LR * dw1
        b1 -= LR * db1
    assert np.isfinite(loss)
    return time.perf_counter() - start


def torch_epoch(x, y, weights):
    """The same model in PyTorch (CPU), the idiomatic way: nn.Linear, cross_entropy, optim.SGD."""
    import torch

    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    with torch.no_grad():
        for layer, w, b in ((model[0], *weights[:2]), (model[2], *weights[2:])):
            layer.weight.copy_(torch.from_numpy(w.T))
            layer.bias.copy_(torch.from_numpy(b))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    start = time.perf_counter()
    for i in range(0, len(x) - BATCH + 1, BATCH):
        loss = torch.nn.functional.cross_entropy(model(tx[i : i + BATCH]), ty[i : i + BATCH])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def _torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def run(samples=60000, repeats=5, seed=0):
    x, y = fake_mnist(samples, seed)
    weights = initial_weights(seed)
    times = {"nodegrad": [], "numpy": [], "torch": []}
    epochs = {"nodegrad": nodegrad_epoch, "numpy": numpy_epoch}
    if _torch_available():
        epochs["torch"] = torch_epoch
    for _ in range(repeats):  # interleaved so that both see the same machine load
        for name in ("numpy", "nodegrad"):
            times[name].append(epochs[name](x, y, weights))
    if "torch" in epochs:  # apart: its worker threads keep spinning after an epoch and would slow the next one
        times["torch"] = [torch_epoch(x, y, weights) for _ in range(repeats)]
    best = {name: min(t) if t else None for name, t in times.items()}
    return {"name": "MLP 784-256-10, 1 epoch", **best}
