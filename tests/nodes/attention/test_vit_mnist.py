"""The small vision transformer learns real MNIST digits from a 2,000-image subset."""

import numpy as np

import autograd as ag
import nodes as nd


def test_the_vision_transformer_learns_mnist_digits(mnist):
    x_train, y_train = mnist.train_images[:2000].reshape(-1, 784), mnist.train_labels[:2000]
    x_test, y_test = mnist.test_images[:1000].reshape(-1, 784), mnist.test_labels[:1000]
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
