"""LeNet-like CNN on MNIST-shaped data: one epoch with nodegrad, hand-written numpy and PyTorch.

Model (float32, batch 64, SGD lr 0.05, softmax cross-entropy):
    conv 1->8 3x3 pad 1 -> max-pool 2 -> ReLU -> conv 8->16 3x3 pad 1 -> max-pool 2 -> ReLU
    -> flatten -> linear 784->10
Max pooling commutes with ReLU (both are monotone), so pooling first gives the
same values as ReLU-then-pool while the ReLU touches a quarter of the data.
The hand-written numpy version uses the same algorithms as nodegrad's nodes
(NHWC layout; im2col by slice copies for one channel and by a strided-window
copy for eight, with a ones column so that one matmul adds the bias and one
gives the weight and bias gradients; the input gradient as one matmul and
one shifted add per kernel offset into a channels-first buffer; max pooling
as the maximum of the four window offsets, copied first into contiguous
blocks, its gradient sent to each window's first maximum) with no graph
machinery.
PyTorch (CPU, its own kernels; NCHW, and channels_last in memory) is timed when it is installed; it is
not a dependency of nodegrad.

On a shared machine absolute times swing with the load: every
multithreaded BLAS call, and PyTorch's thread pool even more, waits for
threads the scheduler has put aside. Compare ratios from one run.

    python -m benchmarks.cnn [--samples N] [--epochs E]
"""

import argparse

import numpy as np
from numpy.lib.stride_tricks import as_strided

import autograd as ag
import nodes as nd

from . import settings, timing

BATCH, LR = 64, 0.05


def fake_mnist(samples, seed=0):
    """MNIST-shaped NHWC data: float32 pixels in [0, 1) of shape (samples, 28, 28, 1), labels 0..9."""
    rng = np.random.default_rng(seed)
    return rng.random((samples, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, samples)


def initial_weights(seed=0):
    """He-initialised HWIO conv weights and the linear layer's, shared by every implementation."""
    rng = np.random.default_rng(seed)

    def he(shape, fan_in):
        return (rng.standard_normal(shape) * np.sqrt(2 / fan_in)).astype(np.float32)

    return {
        "w1": he((3, 3, 1, 8), 9), "b1": np.zeros(8, np.float32),
        "w2": he((3, 3, 8, 16), 72), "b2": np.zeros(16, np.float32),
        "w3": he((784, 10), 784), "b3": np.zeros(10, np.float32),
    }


# -- nodegrad -----------------------------------------------------------------
def nodegrad_model(weights):
    """The graph of the model's loss, with the given initial weights."""
    images = ag.Input("images", shape=(None, 28, 28, 1))
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    conv1 = nd.Conv2d(1, 8, 3, padding=1, name="conv1")
    conv2 = nd.Conv2d(8, 16, 3, padding=1, name="conv2")
    fc = nd.Linear(784, 10, name="fc")
    for p, key in ((conv1.weight, "w1"), (conv1.bias, "b1"), (conv2.weight, "w2"), (conv2.bias, "b2"),
                   (fc.weight, "w3"), (fc.bias, "b3")):
        p.value[...] = weights[key]
    h = nd.relu(nd.max_pool2d(conv1(images), 2))
    h = nd.relu(nd.max_pool2d(conv2(h), 2))
    loss = nd.softmax_cross_entropy(fc(nd.flatten(h)), labels)
    return ag.Graph(loss, rule=ag.SGD(LR)), images, labels


def nodegrad_stepper(x, y, weights):
    """A function training the nodegrad model on batch (i, j); returns the loss."""
    graph, images, labels = nodegrad_model(weights)

    def step(i, j):
        loss = graph.forward({images: x[i:j], labels: y[i:j]})
        graph.backward()
        return loss

    return step


# -- hand-written numpy --------------------------------------------------------
class NumpyCNN:
    """The same model and algorithms as the nodegrad graph, written out by hand."""

    def __init__(self, weights):
        self.p = {k: v.copy() for k, v in weights.items()}
        self._ones = {}

    def ones(self, n):
        if n not in self._ones:
            self._ones[n] = np.ones(n, np.float32)
        return self._ones[n]

    @staticmethod
    def pad(x):
        n, h, w, c = x.shape
        xp = np.zeros((n, h + 2, w + 2, c), x.dtype)
        xp[:, 1:-1, 1:-1] = x
        return xp

    @staticmethod
    def cols_one_channel(xp):
        """(N*H*W, 10) windows of a padded one-channel image and a ones column (for the bias),
        as the transpose of 9 slice copies."""
        n, hp, wp, _ = xp.shape
        h, w = hp - 2, wp - 2
        cols = np.empty((10, n, h, w), xp.dtype)
        for k in range(9):
            a, b = divmod(k, 3)
            cols[k] = xp[:, a:a + h, b:b + w, 0]
        cols[9] = 1
        return cols.reshape(10, n * h * w).T

    @staticmethod
    def windows(xp):
        n, hp, wp, c = xp.shape
        sn, sh, sw, sc = xp.strides
        return as_strided(xp, (n, hp - 2, wp - 2, 3, 3, c), (sn, sh, sw, sh, sw, sc))

    def cols_windows(self, xp):
        """(N*H*W, 9*C + 1) windows of a padded image by one strided-window copy, and a ones column."""
        view = self.windows(xp)
        k = 9 * xp.shape[3]
        cols = np.empty((view[..., 0, 0, 0].size, k + 1), xp.dtype)
        np.copyto(cols[:, :k].reshape(view.shape), view)
        cols[:, k] = 1
        return cols

    @staticmethod
    def input_gradient(g, w2d, shape):
        """dL/dx of a 3x3, stride-1, padding-1 convolution from its output gradient g:
        g placed on the padded grid, one matmul, then per kernel offset one add of a
        contiguous block at a shifted position of a channels-first buffer."""
        n, h, w, c = shape
        hp, wp = h + 2, w + 2
        rows = n * hp * wp
        grid = np.zeros((n, hp, wp, g.shape[-1]), np.float32)
        grid[:, :h, :w] = g
        blocks = (w2d @ grid.reshape(rows, -1).T).reshape(9, c, rows)
        acc = np.zeros((c, rows + 2 * wp + 2), np.float32)
        for k in range(9):
            a, b = divmod(k, 3)
            acc[:, a * wp + b:a * wp + b + rows] += blocks[k]
        padded = acc[:, :rows].reshape(c, n, hp, wp)
        return np.ascontiguousarray(padded[:, :, 1:-1, 1:-1].transpose(1, 2, 3, 0))

    @staticmethod
    def max_pool(z):
        """2x2 stride-2 max pooling: one transposing copy puts the four window offsets first
        (contiguous blocks), then the maximum of the four blocks. Returns the maximum and the blocks."""
        n, h, w, c = z.shape
        blocks = np.ascontiguousarray(z.reshape(n, h // 2, 2, w // 2, 2, c).transpose(2, 4, 0, 1, 3, 5))
        blocks = blocks.reshape(4, n, h // 2, w // 2, c)
        out = np.maximum(blocks[0], blocks[1])
        np.maximum(out, blocks[2], out=out)
        np.maximum(out, blocks[3], out=out)
        return out, blocks

    @staticmethod
    def unpool(g, blocks, out, shape):
        """g sent to the first maximum (row-major) of each 2x2 window."""
        n, h, w, c = shape
        gz = np.empty(shape, np.float32)
        windows = gz.reshape(n, h // 2, 2, w // 2, 2, c)
        left = g.copy()
        for k in range(4):
            piece = left * (blocks[k] == out)
            windows[:, :, k // 2, :, k % 2, :] = piece
            if k < 3:
                left -= piece
        return gz

    def step(self, x, y):
        p = self.p
        n = len(x)
        # forward
        cols1 = self.cols_one_channel(self.pad(x))
        z1 = (cols1 @ np.concatenate([p["w1"].reshape(9, 8), p["b1"][None]])).reshape(n, 28, 28, 8)
        m1, blocks1 = self.max_pool(z1)
        a1 = np.maximum(m1, 0)
        xp2 = self.pad(a1)
        cols2 = self.cols_windows(xp2)
        z2 = (cols2 @ np.concatenate([p["w2"].reshape(72, 16), p["b2"][None]])).reshape(n, 14, 14, 16)
        m2, blocks2 = self.max_pool(z2)
        a2 = np.maximum(m2, 0)
        f = a2.reshape(n, 784)
        logits = f @ p["w3"] + p["b3"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = (np.log(total[:, 0]).sum() - shifted[rows, y].sum()) / n
        # backward
        d = e / total
        d[rows, y] -= 1
        d *= np.float32(1 / n)
        ones = self.ones
        g = {"w3": f.T @ d, "b3": ones(n) @ d}
        da2 = (d @ p["w3"].T).reshape(a2.shape) * (a2 > 0)
        dz2 = self.unpool(da2, blocks2, m2, z2.shape).reshape(-1, 16)
        gwb = cols2.T @ dz2  # weights' and bias's gradients in one matmul
        g["w2"], g["b2"] = gwb[:72].reshape(3, 3, 8, 16), gwb[72]
        da1 = self.input_gradient(dz2.reshape(z2.shape), p["w2"].reshape(72, 16), a1.shape) * (a1 > 0)
        dz1 = self.unpool(da1, blocks1, m1, z1.shape).reshape(-1, 8)
        gwb = cols1.T @ dz1
        g["w1"], g["b1"] = gwb[:9].reshape(3, 3, 1, 8), gwb[9]
        for k, grad in g.items():
            p[k] -= np.float32(LR) * grad
        return loss


def numpy_stepper(x, y, weights):
    model = NumpyCNN(weights)
    return lambda i, j: model.step(x[i:j], y[i:j])


# -- PyTorch (optional) -----------------------------------------------------
#: PyTorch also runs with channels_last (NHWC in memory) model and inputs (see benchmarks.timing).
CHANNELS_LAST = True


def torch_stepper(x, y, seed, channels_last=False):
    """The same model in PyTorch (CPU, NCHW; with `channels_last`, model and images in
    torch.channels_last memory format) as a step function (PyTorch must be installed)."""
    import torch
    from torch import nn

    weights = initial_weights(seed)

    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(8, 16, 3, padding=1), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(784, 10),
    )
    with torch.no_grad():  # same initial values; HWIO -> OIHW, and the NCHW flatten order for fc
        model[0].weight.copy_(torch.from_numpy(weights["w1"].transpose(3, 2, 0, 1).copy()))
        model[3].weight.copy_(torch.from_numpy(weights["w2"].transpose(3, 2, 0, 1).copy()))
        w3 = weights["w3"].reshape(7, 7, 16, 10).transpose(3, 2, 0, 1).reshape(10, 784)
        model[7].weight.copy_(torch.from_numpy(w3.copy()))
        for layer in (model[0], model[3], model[7]):
            layer.bias.zero_()
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()
    images = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    labels = torch.from_numpy(y)
    if channels_last:
        images = images.contiguous(memory_format=torch.channels_last)

    def step(i, j):
        optimizer.zero_grad()
        loss = loss_fn(model(images[i:j]), labels[i:j])
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def jax_stepper(x, y, seed):
    """The same model in JAX, one jax.jit-compiled step (see benchmarks.jax_models; JAX must be installed)."""
    from .jax_models import cnn_stepper

    return cnn_stepper(x, y, initial_weights(seed), LR)


def data(samples, seed):
    return fake_mnist(samples, seed)


def steppers(x, y, seed):
    """nodegrad and the hand-written numpy model as step(i, j) functions training on samples i..j."""
    weights = initial_weights(seed)
    return {"numpy": numpy_stepper(x, y, weights), "nodegrad": nodegrad_stepper(x, y, weights)}


def run(epochs=1, samples=60000, seed=0, env="default"):
    """Seconds per epoch of each implementation, the best of `epochs` (see benchmarks.timing).

    Returns one row in the format of `benchmarks.bench`: name, and seconds
    per epoch under each name of `timing.IMPLEMENTATIONS` ("nodegrad",
    "nodegrad_numpy_path", "numpy", "torch"...; None where absent).
    """
    best = timing.best_epochs("cnn", samples, epochs, seed, env)
    return [{"name": f"CNN LeNet-like, {samples} samples/epoch", **best}]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--default-malloc", action="store_true", help="leave glibc's allocator settings alone")
    args = parser.parse_args(argv)
    print(settings.configure(args.default_malloc))
    for row in run(epochs=args.epochs, samples=args.samples):
        print(f"{row['name']}: seconds per epoch")
        for impl in ("nodegrad", "nodegrad_numpy_path", "numpy", "torch", "torch_channels_last"):
            value = row[impl]
            print(f"  {impl:<19} {'not installed' if value is None else f'{value:8.2f} s'}")
        print(f"  nodegrad / hand-written numpy = {row['nodegrad'] / row['numpy']:.3f}")
        if row["torch"] is not None:
            print(f"  nodegrad / torch = {row['nodegrad'] / row['torch']:.3f}")


if __name__ == "__main__":
    main()
