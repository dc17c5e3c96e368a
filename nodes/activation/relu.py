"""Rectified linear units."""

import numpy as np

from nodes.common.elementwise import Elementwise
from nodes.math.indicator import indicator


class ReLU(Elementwise):
    """f = max(x, 0).   Backward: dG/dx = g * [f > 0] (0 at the kink x = 0)."""

    op = "relu"

    def forward(self, x):
        f = np.maximum(x, 0)
        if self.keep:
            self.f = f
        return f

    def backward(self, g):
        return (g * (self.f > 0),)

    def vjp(self, g):
        """dG/dx = g * [f > 0], the indicator a node that passes no gradient."""
        return (g * indicator(self, predicate="positive"),)


class LeakyReLU(Elementwise):
    """f = x if x > 0 else alpha * x.   Backward: dG/dx = g * (1 if x > 0 else alpha)."""

    op = "leaky_relu"

    def __init__(self, x, alpha=0.01, name=None):
        self.alpha = float(alpha)
        super().__init__(x, name=name)

    def forward(self, x):
        positive = x > 0
        if self.keep:
            self.positive = positive
        return np.where(positive, x, x * self.alpha)

    def backward(self, g):
        return (np.where(self.positive, g, g * self.alpha),)

    def vjp(self, g):
        """dG/dx = g * (alpha + (1 - alpha) [x > 0])."""
        slope = indicator(self.inputs[0], predicate="positive") * (1.0 - self.alpha) + self.alpha
        return (g * slope,)


def relu(x, name=None):
    """max(x, 0) elementwise (see ReLU)."""
    return ReLU(x, name=name)


def leaky_relu(x, alpha=0.01, name=None):
    """x where x > 0, else alpha * x, elementwise (see LeakyReLU)."""
    return LeakyReLU(x, alpha=alpha, name=name)
