"""SiLU (swish): x times its sigmoid."""

import numpy as np

from nodes.common.elementwise import Elementwise

from .sigmoid import sigmoid, stable_sigmoid


class SiLU(Elementwise):
    """f = x sigmoid(x) (as PyTorch's nn.SiLU; also called swish).

    Backward, with s = sigmoid(x): dG/dx = g (s + x s (1 - s)) = g s (1 + x (1 - s)).
    """

    op = "silu"

    def forward(self, x):
        s = stable_sigmoid(x)
        if self.keep:
            self.x, self.s = x, s
        return np.multiply(x, s, out=np.empty_like(x))

    def backward(self, g):
        slope = np.subtract(1, self.s, out=np.empty_like(self.s))
        slope *= self.x
        slope += 1
        slope *= self.s
        slope *= g
        return (slope,)

    def vjp(self, g):
        """dG/dx = g (s + f (1 - s)), s = sigmoid(x) a node and f this node (f = x s)."""
        s = sigmoid(self.inputs[0])
        return (g * (s + self * (1.0 - s)),)


def silu(x, name=None):
    """x sigmoid(x) elementwise (see SiLU)."""
    return SiLU(x, name=name)


def swish(x, name=None):
    """The same as silu: x sigmoid(x) elementwise (see SiLU)."""
    return SiLU(x, name=name)
