"""Softmax and log-softmax along any axis, stable for large inputs, with an optional mask."""

import numpy as np

from autograd import Constant, Node
from nodes.common.axes import normalise_axis
from nodes.common.masks import check_mask_shape, checked_mask, split_mask
from nodes.common.rows import row_max, row_sum
from nodes.math.indicator import indicator


class _SoftmaxBase(Node):
    """Shared wiring: the axis, the mask, and the shifted exponentials.

    The mask is a boolean array fixed at wiring, or a node (such as a boolean
    `Input`) whose value is read at every forward pass, for masks that change
    from batch to batch (padding); it is an input that gets no gradient.
    """

    def __init__(self, x, axis=-1, mask=None, name=None):
        self.axis = int(axis)
        self.mask, mask_node = split_mask(mask, " softmax")
        super().__init__(*((x,) if mask_node is None else (x, mask_node)), name=name)

    def infer_shape(self, x, mask=None):
        normalise_axis(self.axis, len(x))  # refuses an axis x lacks
        check_mask_shape(self.mask.shape if self.mask is not None else mask, x, "input")
        return tuple(x)

    def _mask(self, x, fed):
        """This pass's mask (None without one), checked against x."""
        if fed is not None:
            return checked_mask(fed, x.shape, "input")
        if self.mask is not None:
            return checked_mask(self.mask, x.shape, "input")
        return None

    def _shifted(self, x, mask):
        """A fresh array z = x - max x (max over kept entries), masked entries -inf.

        Masked entries are -inf, so their exponential is exactly 0. A fully
        masked row has max -inf; it is shifted by 0 instead, which keeps it
        at -inf (sum of exponentials 0) rather than turning it into NaN.
        """
        if mask is None:
            return x - self._max(x)
        z = np.where(mask, x, -np.inf)  # a Python float keeps x's dtype
        m = self._max(z)
        z -= np.where(np.isfinite(m), m, 0)
        return z

    def _addends(self, grad):
        return (grad,) if len(self.inputs) == 1 else (grad, None)

    def _max(self, x):
        """x's maxima along the axis, kept as an axis of size 1 (nodes.common.rows's, for the last axis)."""
        return row_max(x) if self.axis in (-1, x.ndim - 1) else np.max(x, axis=self.axis, keepdims=True)

    def _sum(self, x):
        """x's sums along the axis, kept as an axis of size 1 (nodes.common.rows's, for the last axis)."""
        return row_sum(x) if self.axis in (-1, x.ndim - 1) else np.sum(x, axis=self.axis, keepdims=True)

    def _row_sums(self, e, mask):
        total = self._sum(e)
        if mask is not None:
            total = np.where(total > 0, total, 1)  # a fully masked row: 0 / 1 and log 1
        return total


class Softmax(_SoftmaxBase):
    """p = exp(x) / sum exp(x) along `axis`, over the entries the mask keeps.

    Computed as exp(x - max x) so that no exponent overflows. `mask` is a
    boolean array or node broadcastable to x (True = keep): masked entries get
    probability exactly 0 and no gradient; a fully masked row is all zeros.
    Backward: dG/dx = p * (g - sum(g * p, axis)), which is 0 wherever p is.
    """

    op = "softmax"

    def forward(self, x, mask=None):
        mask = self._mask(x, mask)
        p = self._shifted(x, mask)
        np.exp(p, out=p)  # in place: large temporaries cost more than the maths
        p /= self._row_sums(p, mask)
        if self.keep:
            self.p = p
        return p

    def backward(self, g):
        p = self.p
        grad = g * p
        grad -= p * self._sum(grad)
        return self._addends(grad)

    def vjp(self, g):
        """dG/dx = p * (g - sum(g * p, axis)), p this node (masked entries have p = 0)."""
        from nodes.math.reduction import sum

        weighted = g * self
        return self._addends(weighted - self * sum(weighted, axis=self.axis, keepdims=True))


class LogSoftmax(_SoftmaxBase):
    """y = x - max x - log sum exp(x - max x) along `axis` (= log softmax(x)).

    With a mask, the sum runs over the kept entries and masked entries are
    -inf (the log of their probability 0); a fully masked row is all -inf.
    Select the kept entries (for example `y[mask]`) before summing a loss.
    Backward, with p = exp(y): dG/dx = g - p * sum(g, axis), both over kept
    entries only (masked entries get 0; their g is ignored).
    """

    op = "log_softmax"

    def forward(self, x, mask=None):
        mask = self._mask(x, mask)
        y = self._shifted(x, mask)
        e = np.exp(y)
        total = self._row_sums(e, mask)
        y -= np.log(total)
        if self.keep:
            e /= total
            self.p, self.used_mask = e, mask
        return y

    def backward(self, g):
        if self.used_mask is not None:
            g = np.where(self.used_mask, g, 0)  # a new array: g itself is not modified
        grad = self.p * self._sum(g)
        np.subtract(g, grad, out=grad)
        return self._addends(grad)

    def vjp(self, g):
        """dG/dx = g - exp(y) * sum(g, axis), over the kept entries (a mask is a node that passes no gradient)."""
        from nodes.math.reduction import sum
        from nodes.math.unary import exp

        if len(self.inputs) > 1 or self.mask is not None:
            kept = self.inputs[1] if len(self.inputs) > 1 else Constant(self.mask)
            g = g * indicator(kept, predicate="nonzero")
        return self._addends(g - exp(self) * sum(g, axis=self.axis, keepdims=True))


def softmax(x, axis=-1, mask=None, name=None):
    """Softmax of `x` along `axis`, over the entries `mask` keeps (see Softmax)."""
    return Softmax(x, axis=axis, mask=mask, name=name)


def log_softmax(x, axis=-1, mask=None, name=None):
    """log softmax(x) along `axis`, computed stably, over the entries `mask` keeps (see LogSoftmax)."""
    return LogSoftmax(x, axis=axis, mask=mask, name=name)
