"""Mean squared error."""

import numpy as np

from autograd import Node
from nodes.common.reductions import check_reduction
from nodes.common.shapes import same_shape
from nodes.math.reduction import Spread


class MSE(Node):
    """Squared error between `pred` and `target`, which must have the same shape, reduced.

    Shapes that differ are refused, at wiring when the static shapes tell,
    else at the forward pass: PyTorch's MSELoss only warns and broadcasts,
    which turns an (N, 1) prediction and an (N,) target into N x N
    differences. Feed the target in the prediction's shape instead.
    With d = pred - target over its n entries:
        mean: L = sum(d^2) / n;  sum: L = sum(d^2);  none: L = d^2 elementwise.
    Backward: dG/dpred = 2 d g / n (n = 1 for sum and none), dG/dtarget = -dG/dpred.
    """

    op = "mse"

    def __init__(self, pred, target, reduction="mean", name=None):
        self.reduction = check_reduction(reduction)
        super().__init__(pred, target, name=name)

    def infer_shape(self, pred, target):
        shape = same_shape(pred, target)
        return shape if self.reduction == "none" else ()

    def forward(self, pred, target):
        if pred.shape != target.shape:  # reported by infer_shape, with the node's name (see autograd.forward)
            raise ValueError(f"shapes {pred.shape} and {target.shape} differ")
        d = pred - target.astype(pred.dtype, copy=False)  # integer targets must not promote
        if self.keep:
            self.d = d
        squared = d * d
        if self.reduction == "none":
            return squared
        total = np.sum(squared)
        return np.asarray(total / max(d.size, 1) if self.reduction == "mean" else total, dtype=d.dtype)

    def backward(self, g):
        d = self.d
        scale = 2 / max(d.size, 1) if self.reduction == "mean" else 2
        grad = d * (g * scale)
        return (grad if self.needs[0] else None), (-grad if self.needs[1] else None)

    def vjp(self, g):
        """dG/dpred = 2 d g / n with d = pred - target a node and g / n spread over d's shape (mean)."""
        d = self.inputs[0] - self.inputs[1]
        scale = Spread(g, d, mean=True) if self.reduction == "mean" else g
        grad = d * scale * 2.0
        return (grad if self.needs[0] else None), (-grad if self.needs[1] else None)


def mse(pred, target, reduction="mean", name=None):
    """Squared error between `pred` and `target`, reduced by `reduction` ('mean', 'sum' or 'none'; see MSE)."""
    return MSE(pred, target, reduction=reduction, name=name)
