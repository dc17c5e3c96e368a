"""Sine and cosine."""

import numpy as np

from nodes.common.elementwise import Elementwise


class Sin(Elementwise):
    """f = sin(x).   Backward: dG/dx = g cos(x)."""

    op = "sin"

    def forward(self, x):
        if self.keep:
            self.x = x
        return np.sin(x)

    def backward(self, g):
        return (g * np.cos(self.x),)

    def vjp(self, g):
        """dG/dx = g cos(x)."""
        return (g * Cos(self.inputs[0]),)


class Cos(Elementwise):
    """f = cos(x).   Backward: dG/dx = -g sin(x)."""

    op = "cos"

    def forward(self, x):
        if self.keep:
            self.x = x
        return np.cos(x)

    def backward(self, g):
        slope = np.sin(self.x, out=np.empty_like(self.x))
        np.negative(slope, out=slope)
        slope *= g
        return (slope,)

    def vjp(self, g):
        """dG/dx = -g sin(x)."""
        return (-(g * Sin(self.inputs[0])),)


def sin(x, name=None):
    """sin(x) elementwise, x in radians (see Sin)."""
    return Sin(x, name=name)


def cos(x, name=None):
    """cos(x) elementwise, x in radians (see Cos)."""
    return Cos(x, name=name)
