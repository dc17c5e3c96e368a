"""The speedrun's CNN (autograd.demo.speedrun) as a benchmark model, for `benchmarks.profile --model speedrun`.

The same network and training graph as the demo (conv 5x5 1->16, batch
norm, max-pool 2, ReLU; conv 5x5 16->32, batch norm, max-pool 2, ReLU;
linear 512->10; Adam with the one-cycle schedule), batch 128, float32 NHWC,
on MNIST-shaped random data, so that a profile needs no download.
"""

import numpy as np

from autograd.demo import speedrun

BATCH = 128


def data(samples, seed):
    """MNIST-shaped images (samples, 28, 28) float32 in [0, 1) and labels 0..9, from a seed-`seed` generator."""
    rng = np.random.default_rng(seed)
    return rng.random((samples, 28, 28), dtype=np.float32), rng.integers(0, 10, samples)


def steppers(x, y, seed, total_steps=10_000):
    """{"nodegrad": step(i, j)}: one training step of the speedrun's graph on samples i..j, returning the loss."""
    model = speedrun.build_model(seed)
    run = speedrun.NodegradRun(model, total_steps)
    graph = run.graph.train()

    def step(i, j):
        loss = graph.forward({model.image: x[i:j], run.label: y[i:j]})
        graph.backward()
        return loss

    return {"nodegrad": step}
