"""GELU, in the tanh approximation (as in GPT-2 and PyTorch's approximate='tanh')."""

import math

import numpy as np

from nodes.common.elementwise import Elementwise

_C = math.sqrt(2.0 / math.pi)
_A = 0.044715


class GELU(Elementwise):
    """f = 0.5 x (1 + tanh(u)) with u = sqrt(2/pi) (x + 0.044715 x^3).

    This is the tanh approximation of x * Phi(x) (Phi the normal CDF), not
    the exact erf form: it differs from it by less than 1e-3 and needs only
    vectorised numpy functions.
    Backward, with t = tanh(u):
        dG/dx = g * (0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)).
    """

    op = "gelu"

    def forward(self, x):
        # In-place steps on fresh arrays: large temporaries cost more than the maths.
        # (`out=` keeps a 0-d input an array, which in-place steps need.)
        x2 = np.multiply(x, x, out=np.empty_like(x))
        t = np.multiply(x2, _A, out=np.empty_like(x))
        t += 1
        t *= x
        t *= _C  # Python-float constants keep x's dtype
        np.tanh(t, out=t)
        if self.keep:
            self.x, self.x2, self.t = x, x2, t
        f = t + 1
        f *= x
        f *= 0.5
        return f

    def backward(self, g):
        x, x2, t = self.x, self.x2, self.t
        # slope = 0.5 (1 + t) + 0.5 x (1 - t^2) C (1 + 3 A x^2)
        slope = np.multiply(t, t, out=np.empty_like(t))
        np.subtract(1, slope, out=slope)
        slope *= x
        du = x2 * (3 * _A * _C)
        du += _C
        slope *= du
        slope += 1 + t
        slope *= 0.5
        slope *= g
        return (slope,)


def gelu(x, name=None):
    """GELU of `x`, in the tanh approximation (see GELU)."""
    return GELU(x, name=name)
