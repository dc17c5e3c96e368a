"""Rectified linear units."""

import numpy as np

from nodes.common.compiled import choose
from nodes.common.elementwise import Elementwise
from nodes.math.indicator import indicator

from . import relu_kernels


class ReLU(Elementwise):
    """f = max(x, 0).   Backward: dG/dx = g * [f > 0] (0 at the kink x = 0).

    Where numba is installed the backward is one compiled pass (`kernels`,
    see nodes.common.compiled and relu_kernels) when g has f's shape and
    dtype.
    """

    op = "relu"

    def __init__(self, x, kernels=None, name=None):
        self.kernels = choose(kernels, "relu")
        super().__init__(x, name=name)

    def forward(self, x):
        f = np.maximum(x, 0)
        if self.keep:
            self.f = f
        return f

    def backward(self, g):
        f = self.f
        if self.kernels == "numba" and g.shape == f.shape and g.dtype == f.dtype:
            return (relu_kernels.masked_gradient(np.ascontiguousarray(g).reshape(-1), f.reshape(-1)).reshape(f.shape),)
        return (g * (f > 0),)

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


def relu(x, kernels=None, name=None):
    """max(x, 0) elementwise (see ReLU; `kernels` chooses numpy's or the compiled backward)."""
    return ReLU(x, kernels=kernels, name=name)


def leaky_relu(x, alpha=0.01, name=None):
    """x where x > 0, else alpha * x, elementwise (see LeakyReLU)."""
    return LeakyReLU(x, alpha=alpha, name=name)
