"""The LSTM benchmark compares like with like: nodegrad and the hand-written numpy LSTM compute the same gradients."""

import numpy as np

from benchmarks import lstm


def test_nodegrad_and_hand_written_numpy_compute_the_same_gradients():
    x, y = lstm.fake_mnist(lstm.BATCH, seed=1)
    graph, images, labels = lstm.nodegrad_model(seed=1)
    model = lstm.NumpyLSTM(lstm.initial_parameters(graph), lr=lstm.LR)
    graph.forward({images: x, labels: y})
    graph.backward(update=False)
    _, grads = model.loss_and_grads(x, y)
    assert sorted(grads) == sorted(p.name for p in graph.parameters)
    for p in graph.parameters:
        scale = np.abs(grads[p.name]).max()
        np.testing.assert_allclose(p.grad, grads[p.name], rtol=1e-3, atol=1e-4 * scale, err_msg=p.name)


def test_nodegrad_and_hand_written_numpy_train_identically():
    x, y = lstm.fake_mnist(4 * lstm.BATCH, seed=2)
    steps = lstm.steppers(x, y, seed=2)
    losses = [(float(steps["nodegrad"](i, i + lstm.BATCH)), float(steps["numpy"](i, i + lstm.BATCH)))
              for i in range(0, len(x), lstm.BATCH)]
    np.testing.assert_allclose(*zip(*losses), rtol=1e-5)
    assert len({round(a, 4) for a, _ in losses}) == len(losses)  # the updates changed the losses
