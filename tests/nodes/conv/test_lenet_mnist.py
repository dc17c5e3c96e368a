"""A LeNet-like CNN built from the conv nodes learns real MNIST digits (a 2,000-image subset)."""

import numpy as np

import autograd as ag
import nodes as nd

TRAIN, HELD_OUT, BATCH, EPOCHS = 2000, 1000, 32, 3


def test_lenet_like_cnn_learns_mnist(mnist):
    x_train, y_train = mnist.train_images[:TRAIN, :, :, None], mnist.train_labels[:TRAIN]  # NHWC, one channel
    x_test, y_test = mnist.test_images[:HELD_OUT, :, :, None], mnist.test_labels[:HELD_OUT]
    rng = np.random.default_rng(0)
    images = ag.Input("images", shape=(None, 28, 28, 1))
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    h = nd.relu(nd.max_pool2d(nd.Conv2d(1, 8, 3, padding=1, name="conv1", rng=rng)(images), 2))
    h = nd.relu(nd.max_pool2d(nd.Conv2d(8, 16, 3, padding=1, name="conv2", rng=rng)(h), 2))
    logits = nd.Linear(784, 10, name="fc", rng=rng)(nd.flatten(h))
    graph = ag.Graph(nd.softmax_cross_entropy(logits, labels), rule=ag.SGD(0.05))

    losses = []
    for _ in range(EPOCHS):
        order = rng.permutation(TRAIN)
        for start in range(0, TRAIN, BATCH):
            batch = order[start:start + BATCH]
            losses.append(float(graph.step({images: x_train[batch], labels: y_train[batch]})))
    assert len(losses) >= 150
    first, last = np.mean(losses[:20]), np.mean(losses[-20:])
    assert last < 0.5 * first, f"loss went from {first:.3f} to {last:.3f}"

    predict = ag.Graph(logits)
    scores = predict.forward({images: x_test}, grad=False)
    accuracy = np.mean(scores.argmax(axis=1) == y_test)
    assert accuracy > 0.75, f"held-out accuracy {accuracy:.3f} (chance is 0.1)"
