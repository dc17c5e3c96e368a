"""Gate activations written into the array they read, for the fused cells' forward passes."""

import numpy as np


def sigmoid_in_place(z):
    """z <- 1 / (1 + exp(-z)), in place (z may be a strided view); returns z.

    exp(-z) overflows to inf only where the sigmoid is below the smallest
    float, and 1 / (1 + inf) = 0 is then the right value: the overflow is
    expected and silenced (as in nodes.activation.sigmoid).
    """
    np.negative(z, out=z)
    with np.errstate(over="ignore"):
        np.exp(z, out=z)
    z += 1
    return np.reciprocal(z, out=z)


def sigmoid_slope(s):
    """s (1 - s): the sigmoid's derivative from its value s."""
    return s * (1 - s)


def tanh_slope(t):
    """1 - t^2: tanh's derivative from its value t."""
    return 1 - t * t
