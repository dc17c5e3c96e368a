"""Binary cross-entropy on logits, fused with the sigmoid and numerically stable."""

import numpy as np

from autograd import Node
from nodes.activation.sigmoid import stable_sigmoid
from nodes.common.reductions import check_reduction
from nodes.common.shapes import broadcast_shape


class BinaryCrossEntropyWithLogits(Node):
    """Cross-entropy of targets t in [0, 1] against probabilities sigmoid(z), reduced.

    Per entry, l = -t log s(z) - (1 - t) log(1 - s(z)), computed as
        l = max(z, 0) - z t + log(1 + exp(-|z|))
    so that no exponent overflows and no log of 0 is taken, for any z.
    Reduction: mean over the n entries (default), sum, or none (elementwise).
    Backward: dG/dz = g (s(z) - t) / n, dG/dt = -g z / n (n = 1 for sum and none).
    """

    op = "binary_cross_entropy"

    def __init__(self, logits, targets, reduction="mean", name=None):
        self.reduction = check_reduction(reduction)
        super().__init__(logits, targets, name=name)

    def infer_shape(self, logits, targets):
        shape = broadcast_shape(logits, targets)
        return shape if self.reduction == "none" else ()

    def forward(self, z, t):
        t = t.astype(z.dtype, copy=False)  # integer 0/1 targets must not promote z
        losses = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
        if self.keep:
            self.z, self.t = z, t
            self.n = losses.size if self.reduction == "mean" else 1
        if self.reduction == "none":
            return losses
        total = np.sum(losses)
        return np.asarray(total / losses.size if self.reduction == "mean" else total, dtype=losses.dtype)

    def backward(self, g):
        scale = g / self.n
        gz = (stable_sigmoid(self.z) - self.t) * scale if self.needs[0] else None
        gt = -self.z * scale if self.needs[1] else None
        return gz, gt


def binary_cross_entropy_with_logits(logits, targets, reduction="mean", name=None):
    """Binary cross-entropy of `targets` in [0, 1] against sigmoid(`logits`), computed stably.

    `reduction` is 'mean' (default), 'sum' or 'none' (see BinaryCrossEntropyWithLogits).
    """
    return BinaryCrossEntropyWithLogits(logits, targets, reduction=reduction, name=name)
