"""The CNN benchmark compares like with like: nodegrad's graph and the
hand-written numpy model compute the same losses step after step."""

import numpy as np

from benchmarks import cnn, timing


def test_nodegrad_and_hand_written_numpy_train_identically():
    x, y = cnn.fake_mnist(4 * cnn.BATCH, seed=1)
    weights = cnn.initial_weights(seed=1)
    graph, images, labels = cnn.nodegrad_model(weights)
    model = cnn.NumpyCNN(weights)
    ours, theirs = [], []
    for i, j in timing.batches(0, len(x)):
        ours.append(float(graph.step({images: x[i:j], labels: y[i:j]})))
        theirs.append(float(model.step(x[i:j], y[i:j])))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    # The steps changed the losses, so the comparison covers the updates too.
    assert len(set(np.round(ours, 4))) == len(ours)
    np.testing.assert_allclose(graph.parameter("conv2.weight").value, model.p["w2"], rtol=1e-4, atol=1e-6)
