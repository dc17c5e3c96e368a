"""Elementwise functions of one input: exp, log, abs, sqrt."""

import numpy as np

from nodes.common.elementwise import Elementwise

from .indicator import indicator


class Exp(Elementwise):
    """f = exp(x).   Backward: dG/dx = g * f."""

    op = "exp"

    def forward(self, x):
        f = np.exp(x)
        if self.keep:
            self.f = f
        return f

    def backward(self, g):
        return (g * self.f,)

    def vjp(self, g):
        """dG/dx = g * f (f this node)."""
        return (g * self,)


class Log(Elementwise):
    """f = log(x) (natural log; x > 0).   Backward: dG/dx = g / x."""

    op = "log"

    def forward(self, x):
        if self.keep:
            self.x = x
        return np.log(x)

    def backward(self, g):
        return (g / self.x,)

    def vjp(self, g):
        """dG/dx = g / x."""
        return (g / self.inputs[0],)


class Abs(Elementwise):
    """f = |x|.   Backward: dG/dx = g * sign(x) (0 at the kink x = 0)."""

    op = "abs"

    def forward(self, x):
        if self.keep:
            self.x = x
        return np.abs(x)

    def backward(self, g):
        return (g * np.sign(self.x),)

    def vjp(self, g):
        """dG/dx = g * sign(x), the sign a node that passes no gradient."""
        return (g * indicator(self.inputs[0], predicate="sign"),)


class Sqrt(Elementwise):
    """f = sqrt(x) (x >= 0).   Backward: dG/dx = g / (2 f) (infinite at x = 0)."""

    op = "sqrt"

    def forward(self, x):
        f = np.sqrt(x)
        if self.keep:
            self.f = f
        return f

    def backward(self, g):
        return (g / (2 * self.f),)

    def vjp(self, g):
        """dG/dx = g / (2 f)."""
        return (g / (self * 2.0),)


def exp(x, name=None):
    """exp(x) elementwise (see Exp)."""
    return Exp(x, name=name)


def log(x, name=None):
    """The natural log of `x` (x > 0) elementwise (see Log)."""
    return Log(x, name=name)


def abs(x, name=None):  # shadows the builtin on purpose, like numpy
    """|x| elementwise (see Abs)."""
    return Abs(x, name=name)


def sqrt(x, name=None):
    """sqrt(x) (x >= 0) elementwise (see Sqrt)."""
    return Sqrt(x, name=name)
