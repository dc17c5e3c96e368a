"""log sum exp over an axis, a tuple of axes, or all axes, without overflow."""

import numpy as np

from .reduction import Spread, _Reduction
from .unary import exp


class LogSumExp(_Reduction):
    """f = log sum exp(x) over `axis` (all axes when None), as torch.logsumexp.

    Computed as m + log sum exp(x - m) with m the maximum over the axes, so
    that no exponent overflows; where m is infinite it is replaced by 0, so
    an all -inf slice gives -inf and a slice holding +inf gives +inf (as
    PyTorch), not NaN.
    Backward: dG/dx = g exp(x - f) (the softmax of x over the axes), g
    broadcast back over the reduced axes.
    """

    op = "logsumexp"

    def forward(self, x):
        self._save_input_layout(x)
        m = np.max(x, axis=self.axes, keepdims=True)
        m[~np.isfinite(m)] = 0
        e = np.exp(x - m)
        with np.errstate(divide="ignore"):  # an all -inf slice: log 0 = -inf is the answer
            f = np.log(np.sum(e, axis=self.axes, keepdims=True))
        f += m
        if self.keep:
            self.x, self.f = x, f
        return f if self.keepdims else np.asarray(np.squeeze(f, axis=self.axes))

    def backward(self, g):
        p = np.subtract(self.x, self.f)
        np.exp(p, out=p)
        p *= self._with_kept_dims(g)
        return (p,)

    def vjp(self, g):
        """dG/dx = Spread(g) exp(x - Spread(f)), f this node spread back over the reduced axes."""
        x = self.inputs[0]
        f = Spread(self, x, self.axis, self.keepdims)
        return (Spread(g, x, self.axis, self.keepdims) * exp(x - f),)


def logsumexp(x, axis=None, keepdims=False, name=None):
    """log sum exp(x) over `axis` (an int, a tuple of ints, or None for every axis), computed stably (see LogSumExp)."""
    return LogSumExp(x, axis=axis, keepdims=keepdims, name=name)
