"""Exponential linear units: ELU and its self-normalising variant SELU."""

import numpy as np

from nodes.common.elementwise import Elementwise
from nodes.math.indicator import indicator

#: SELU's constants, as PyTorch's nn.SELU (Klambauer et al., 2017).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class ELU(Elementwise):
    """f = scale * (x if x > 0 else alpha (exp(x) - 1)), as PyTorch's nn.ELU (scale 1) and nn.SELU.

    exp(x) - 1 is computed with expm1, accurate near 0. Backward:
    dG/dx = g * scale * (1 if x > 0 else alpha exp(x)); for x <= 0,
    scale alpha exp(x) = f + scale alpha, which is how `vjp` writes it.
    """

    op = "elu"

    def __init__(self, x, alpha=1.0, scale=1.0, name=None):
        self.alpha, self.scale = float(alpha), float(scale)
        super().__init__(x, name=name)

    def forward(self, x):
        positive = x > 0
        # min(x, 0): the positive entries' exponentials would overflow for nothing.
        negative = np.minimum(x, 0, out=np.empty_like(x))  # `out=` keeps a 0-d input an array
        if self.keep:
            self.positive, self.negative = positive, negative
        f = np.expm1(negative)
        f *= self.alpha
        f = np.where(positive, x, f)
        if self.scale != 1:
            f *= self.scale
        return f

    def backward(self, g):
        # exp(x) afresh, not expm1(x) + 1, which keeps no digits of a tiny exp(x).
        slope = np.exp(self.negative, out=np.empty_like(self.negative))
        slope *= self.alpha * self.scale
        np.copyto(slope, self.scale, where=self.positive)
        slope *= g
        return (slope,)

    def vjp(self, g):
        """dG/dx = g (scale [x > 0] + (1 - [x > 0]) (f + scale alpha)), f this node."""
        positive = indicator(self.inputs[0], predicate="positive")
        negative_slope = self + self.scale * self.alpha
        return (g * (negative_slope + positive * (self.scale - negative_slope)),)


def elu(x, alpha=1.0, name=None):
    """x where x > 0, else alpha (exp(x) - 1), elementwise (see ELU)."""
    return ELU(x, alpha=alpha, name=name)


def selu(x, name=None):
    """SELU: scale * elu(x, alpha) with PyTorch's constants SELU_ALPHA and SELU_SCALE (see ELU)."""
    return ELU(x, alpha=SELU_ALPHA, scale=SELU_SCALE, name=name)
