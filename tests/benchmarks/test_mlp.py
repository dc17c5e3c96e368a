"""The MLP benchmark compares like with like: nodegrad and the hand-written numpy step compute the same losses."""

import numpy as np

from benchmarks import mlp


def test_nodegrad_and_hand_written_numpy_train_identically():
    x, y = mlp.fake_mnist(5 * mlp.BATCH, seed=1)
    weights = mlp.initial_weights(seed=1)
    ours, theirs = mlp.nodegrad_stepper(weights), mlp.numpy_stepper(weights)
    batches = [(x[i : i + mlp.BATCH], y[i : i + mlp.BATCH]) for i in range(0, len(x), mlp.BATCH)]
    losses = [(float(ours(xb, yb)), float(theirs(xb, yb))) for xb, yb in batches]
    np.testing.assert_allclose(*zip(*losses), rtol=1e-5)
    assert len({round(a, 4) for a, _ in losses}) == len(losses)  # the updates changed the losses
