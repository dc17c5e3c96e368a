"""A benchmark module for the tests of benchmarks.timing: tiny data, steps that count the samples they saw."""

import numpy as np


def data(samples, seed):
    """`samples` rows of 3 float32 features and 0/1 labels."""
    rng = np.random.default_rng(seed)
    return rng.random((samples, 3), dtype=np.float32), rng.integers(0, 2, samples)


def steppers(x, y, seed):
    """The same counting step under both names."""
    total = {"seen": 0}

    def step(i, j):
        total["seen"] += j - i
        return float(x[i:j].sum())

    return {"nodegrad": step, "numpy": step}
