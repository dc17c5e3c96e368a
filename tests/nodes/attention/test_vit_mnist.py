"""The small vision transformer learns real MNIST digits from a 2,000-image subset."""

import os
import pathlib

import numpy as np

import autograd as ag
import nodes as nd
from autograd.demo.idx import read_idx

ROOT = pathlib.Path(__file__).resolve().parents[3]


def mnist_folder():
    """The MNIST folder: under $NODEGRAD_DATA if set, else the data folder beside the repository."""
    base = pathlib.Path(os.environ.get("NODEGRAD_DATA") or ROOT.parent / "shared" / "data")
    return base / "mnist" if (base / "mnist").is_dir() else base


def load(prefix, count):
    folder = mnist_folder()
    images = read_idx(folder / f"{prefix}-images-idx3-ubyte.gz", shape=(None, 28, 28))[:count]
    labels = read_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", shape=(None,))[:count]
    return images.reshape(count, 784).astype(np.float32) / 255, labels.astype(np.int64)


def test_the_vision_transformer_learns_mnist_digits():
    x_train, y_train = load("train", 2000)
    x_test, y_test = load("t10k", 1000)
    images = ag.Input("images", shape=(None, 784))
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    logits = nd.VisionTransformer(dim=64, depth=2, heads=4, mlp_hidden=128, rng=np.random.default_rng(0))(images)
    train = ag.Graph(nd.softmax_cross_entropy(logits, labels), rule=ag.Adam(1e-3))
    rng = np.random.default_rng(0)
    losses = []
    for _ in range(150):  # about 5 passes over the 2,000 images
        batch = rng.integers(0, len(x_train), 64)
        losses.append(float(train.step(images=x_train[batch], labels=y_train[batch])))
    predict = ag.Graph(logits).eval()
    accuracy = np.mean(predict.forward(images=x_test, grad=False).argmax(axis=1) == y_test)
    assert np.mean(losses[-15:]) < 0.4 * np.mean(losses[:15])
    assert accuracy > 0.55, f"held-out accuracy {accuracy:.3f} (chance is 0.1)"
