"""Softmax and log-softmax along any axis, stable for large inputs, with an optional mask."""

import numpy as np

from autograd import Node, ShapeError
from nodes.math.arithmetic import broadcast_shape


def _as_mask(mask):
    if mask is None:
        return None
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"a softmax mask must be a boolean array (True = keep), got {mask.dtype}")
    return mask


class _SoftmaxBase(Node):
    """Shared wiring: the axis, the mask, and the shifted exponentials."""

    def __init__(self, x, axis=-1, mask=None, name=None):
        self.axis = int(axis)
        self.mask = _as_mask(mask)
        super().__init__(x, name=name)

    def infer_shape(self, x):
        if not -len(x) <= self.axis < len(x):
            raise ShapeError(f"axis {self.axis} is out of range for {len(x)} axes")
        if self.mask is not None:
            if self.mask.ndim > len(x) or broadcast_shape(x, self.mask.shape) != tuple(x):
                raise ShapeError(f"mask of shape {self.mask.shape} does not broadcast to the input {x}")
        return tuple(x)

    def _shifted(self, x):
        """A fresh array z = x - max x (max over kept entries), masked entries -inf.

        Masked entries are -inf, so their exponential is exactly 0. A fully
        masked row has max -inf; it is shifted by 0 instead, which keeps it
        at -inf (sum of exponentials 0) rather than turning it into NaN.
        """
        mask = self.mask
        if mask is None:
            return x - np.max(x, axis=self.axis, keepdims=True)
        if np.broadcast_shapes(x.shape, mask.shape) != x.shape:
            # A ValueError: the engine reports it as a ShapeError naming this node.
            raise ValueError(f"mask of shape {mask.shape} does not broadcast to the input {x.shape}")
        z = np.where(mask, x, -np.inf)  # a Python float keeps x's dtype
        m = np.max(z, axis=self.axis, keepdims=True)
        z -= np.where(np.isfinite(m), m, 0)
        return z

    def _row_sums(self, e):
        total = np.sum(e, axis=self.axis, keepdims=True)
        if self.mask is not None:
            total = np.where(total > 0, total, 1)  # a fully masked row: 0 / 1 and log 1
        return total


class Softmax(_SoftmaxBase):
    """p = exp(x) / sum exp(x) along `axis`, over the entries the mask keeps.

    Computed as exp(x - max x) so that no exponent overflows. `mask` is a
    boolean numpy array broadcastable to x (True = keep): masked entries get
    probability exactly 0 and no gradient; a fully masked row is all zeros.
    Backward: dG/dx = p * (g - sum(g * p, axis)), which is 0 wherever p is.
    """

    op = "softmax"

    def forward(self, x):
        p = self._shifted(x)
        np.exp(p, out=p)  # in place: large temporaries cost more than the maths
        p /= self._row_sums(p)
        if self.keep:
            self.p = p
        return p

    def backward(self, g):
        p = self.p
        grad = g * p
        grad -= p * np.sum(grad, axis=self.axis, keepdims=True)
        return (grad,)


class LogSoftmax(_SoftmaxBase):
    """y = x - max x - log sum exp(x - max x) along `axis` (= log softmax(x)).

    With a mask, the sum runs over the kept entries and masked entries are
    -inf (the log of their probability 0); a fully masked row is all -inf.
    Select the kept entries (for example `y[mask]`) before summing a loss.
    Backward, with p = exp(y): dG/dx = g - p * sum(g, axis), both over kept
    entries only (masked entries get 0; their g is ignored).
    """

    op = "log_softmax"

    def forward(self, x):
        y = self._shifted(x)
        e = np.exp(y)
        total = self._row_sums(e)
        y -= np.log(total)
        if self.keep:
            e /= total
            self.p = e
        return y

    def backward(self, g):
        if self.mask is not None:
            g = np.where(self.mask, g, 0)  # a new array: g itself is not modified
        grad = self.p * np.sum(g, axis=self.axis, keepdims=True)
        np.subtract(g, grad, out=grad)
        return (grad,)


def softmax(x, axis=-1, mask=None, name=None):
    return Softmax(x, axis=axis, mask=mask, name=name)


def log_softmax(x, axis=-1, mask=None, name=None):
    return LogSoftmax(x, axis=axis, mask=mask, name=name)
