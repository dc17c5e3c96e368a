"""Softplus with PyTorch's beta and threshold, computed without overflow."""

import numpy as np

from autograd import Constant
from nodes.common.elementwise import Elementwise
from nodes.math.indicator import indicator

from .sigmoid import sigmoid, stable_sigmoid


class Softplus(Elementwise):
    """f = log(1 + exp(beta x)) / beta, and f = x where beta x > threshold (as PyTorch's nn.Softplus).

    Below the threshold, with z = beta x, log(1 + exp(z)) is computed as
    max(z, 0) + log1p(exp(-|z|)), which equals it and never overflows.
    Backward: dG/dx = g sigmoid(beta x) where beta x <= threshold, g above it.
    """

    op = "softplus"

    def __init__(self, x, beta=1.0, threshold=20.0, name=None):
        if beta == 0:
            raise ValueError("softplus: beta must not be 0")
        self.beta, self.threshold = float(beta), float(threshold)
        super().__init__(x, name=name)

    def forward(self, x):
        z = np.multiply(x, self.beta, out=np.empty_like(x))  # a Python float keeps x's dtype
        linear = z > self.threshold
        if self.keep:
            self.z, self.linear = z, linear
        f = np.abs(z, out=np.empty_like(z))
        np.negative(f, out=f)
        np.exp(f, out=f)
        np.log1p(f, out=f)
        f += np.maximum(z, 0)
        if self.beta != 1:
            f /= self.beta
        return np.where(linear, x, f)

    def backward(self, g):
        return (np.where(self.linear, g, g * stable_sigmoid(self.z)),)

    def vjp(self, g):
        """dG/dx = g (1 - b (1 - sigmoid(beta x))), b = [beta x <= threshold] a node that passes no gradient."""
        z = self.inputs[0] * self.beta
        below = indicator(z, Constant(self.threshold), predicate="at_most")
        return (g * (1.0 - below * (1.0 - sigmoid(z))),)


def softplus(x, beta=1.0, threshold=20.0, name=None):
    """log(1 + exp(beta x)) / beta elementwise, linear where beta x > threshold (see Softplus)."""
    return Softplus(x, beta=beta, threshold=threshold, name=name)
