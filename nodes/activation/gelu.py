"""GELU, x Phi(x): exact (the erf form, PyTorch's default) or in the tanh approximation."""

import math

import numpy as np

from autograd.compiled import choose, fits_flat
from nodes.common.elementwise import Elementwise
from nodes.math.unary import exp

from . import gelu_kernels as kernels
from .normal_cdf import INV_SQRT_2PI, half_square_exp, normal_cdf
from .tanh import tanh

_C = math.sqrt(2.0 / math.pi)
_A = 0.044715
#: The values of `approximate`, as in PyTorch's nn.GELU.
APPROXIMATIONS = ("none", "tanh")


class GELU(Elementwise):
    """f = x Phi(x), Phi the standard normal CDF, exactly or in the tanh approximation.

    As PyTorch's nn.GELU(approximate=...):
    approximate="none" (the default): f = x Phi(x) = 0.5 x (1 + erf(x / sqrt(2))).
        Backward: dG/dx = g (Phi(x) + x phi(x)), phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
        Phi comes from `normal_cdf`, accurate to the dtype's rounding; it is
        computed without the cancellation of 1 + erf for negative x, so in
        the far lower tail (x < -5) it is more accurate than PyTorch's
        formula, which differs from it there by about 1e-16 |x| in float64.
    approximate="tanh": f = 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3)
        (as in GPT-2); within 1e-3 of the exact form. Backward, with t = tanh(u):
        dG/dx = g (0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)).
    `vjp` writes the same slopes with nodes: Phi(x) a `NormalCDF` node, phi(x)
    and t built of exp, tanh and arithmetic. Where numba is installed,
    contiguous float32 and float64 arrays take compiled kernels for the
    arithmetic around numpy's tanh and for both backwards (`kernels`, see
    autograd.compiled and gelu_kernels): the same values bit for bit, in
    fewer passes over the data.
    """

    op = "gelu"

    def __init__(self, x, approximate="none", kernels=None, name=None):
        if approximate not in APPROXIMATIONS:
            raise ValueError(f"gelu: approximate must be one of {APPROXIMATIONS}, got {approximate!r}")
        self.approximate = approximate
        self.kernels = choose(kernels, "gelu")
        super().__init__(x, name=name)

    def _compiled(self, *arrays):
        """Whether the kernels take these arrays: numba chosen and `fits_flat` (one float dtype and shape, C order)."""
        return self.kernels == "numba" and fits_flat(*arrays)

    def forward(self, x):
        return self._forward_tanh(x) if self.approximate == "tanh" else self._forward_exact(x)

    def backward(self, g):
        return (self._backward_tanh(g) if self.approximate == "tanh" else self._backward_exact(g),)

    def vjp(self, g):
        """dG/dx = g times the slope of the form in use, built of nodes (see the class docstring)."""
        x = self.inputs[0]
        if self.approximate == "tanh":
            t = tanh((x + x * x * x * _A) * _C)
            du = x * x * (3 * _A * _C) + _C
            return (g * ((t + 1.0) * 0.5 + x * (1.0 - t * t) * du * 0.5),)
        return (g * (NormalCDF(x) + x * _density(x)),)

    def _forward_exact(self, x):
        e = half_square_exp(x)
        cdf = normal_cdf(x, e)
        if self.keep:
            self.x, self.cdf, self.e = x, cdf, e
        return np.multiply(x, cdf, out=np.empty_like(x))  # `out=` keeps a 0-d input an array

    def _backward_exact(self, g):
        if self._compiled(g, self.x, self.e, self.cdf):
            kind = g.dtype.type
            return kernels.exact_slope(g.reshape(-1), self.x.reshape(-1), self.e.reshape(-1), self.cdf.reshape(-1),
                                       kind(INV_SQRT_2PI)).reshape(g.shape)
        slope = np.multiply(self.x, self.e, out=np.empty_like(self.x))
        slope *= INV_SQRT_2PI  # x phi(x)
        slope += self.cdf
        slope *= g
        return slope

    def _forward_tanh(self, x):
        if self._compiled(x):
            return self._forward_tanh_compiled(x)
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

    def _forward_tanh_compiled(self, x):
        kind, flat = x.dtype.type, x.reshape(-1)
        x2, t = kernels.tanh_argument(flat, kind(_A), kind(_C), kind(1))
        np.tanh(t, out=t)
        if self.keep:
            self.x, self.x2, self.t = x, x2.reshape(x.shape), t.reshape(x.shape)
        return kernels.tanh_output(flat, t, kind(1), kind(0.5)).reshape(x.shape)

    def _backward_tanh(self, g):
        x, x2, t = self.x, self.x2, self.t
        if self._compiled(g, x, x2, t):
            kind = g.dtype.type
            return kernels.tanh_slope(g.reshape(-1), x.reshape(-1), x2.reshape(-1), t.reshape(-1), kind(3 * _A * _C),
                                      kind(_C), kind(1), kind(0.5)).reshape(g.shape)
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
        return slope


class NormalCDF(Elementwise):
    """f = Phi(x), the standard normal CDF (`normal_cdf`): the node GELU's `vjp` builds.

    Backward: dG/dx = g phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi) (built of exp nodes in `vjp`).
    """

    op = "normal_cdf"

    def forward(self, x):
        if self.keep:
            self.x = x
        return normal_cdf(x)

    def backward(self, g):
        density = half_square_exp(self.x)
        density *= INV_SQRT_2PI
        density *= g
        return (density,)

    def vjp(self, g):
        """dG/dx = g phi(x)."""
        return (g * _density(self.inputs[0]),)


def _density(x):
    """phi(x) = exp(-x^2 / 2) / sqrt(2 pi) as nodes."""
    return exp(x * x * -0.5) * INV_SQRT_2PI


def gelu(x, approximate="none", kernels=None, name=None):
    """GELU of `x`: exact x Phi(x) by default, or approximate="tanh" (see GELU; `kernels` chooses numpy's or the
    compiled path)."""
    return GELU(x, approximate=approximate, kernels=kernels, name=name)
