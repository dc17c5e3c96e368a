"""The hyperbolic tangent."""

import numpy as np

from nodes.common.elementwise import Elementwise


class Tanh(Elementwise):
    """f = tanh(x).   Backward: dG/dx = g * (1 - f^2)."""

    op = "tanh"

    def forward(self, x):
        f = np.tanh(x)  # saturates to +-1 without overflow
        if self.keep:
            self.f = f
        return f

    def backward(self, g):
        f = self.f
        return (g * (1 - f * f),)

    def vjp(self, g):
        """dG/dx = g * (1 - f^2)."""
        return (g - g * (self * self),)


def tanh(x, name=None):
    """tanh(x) elementwise (see Tanh)."""
    return Tanh(x, name=name)
