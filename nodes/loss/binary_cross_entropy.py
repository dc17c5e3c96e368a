"""Binary cross-entropy on logits, fused with the sigmoid and numerically stable, with PyTorch's pos_weight."""

import math

import numpy as np

from autograd import Constant, Node, ShapeError
from autograd.errors import static_shape
from nodes.activation.sigmoid import sigmoid, stable_sigmoid
from nodes.activation.softplus import softplus
from nodes.common.reductions import check_reduction
from nodes.common.shapes import broadcasts_to, same_shape
from nodes.math.reduction import Spread


class BinaryCrossEntropyWithLogits(Node):
    """Cross-entropy of targets t in [0, 1] against probabilities s(z) = sigmoid(z), as nn.BCEWithLogitsLoss.

    The logits and the targets must have the same shape, as in PyTorch
    (checked at wiring when the static shapes tell, else at the forward
    pass): numpy's broadcasting would turn (N, 1) logits and (N,) targets
    into N x N losses. Per entry, with the positive-class weight q (`pos_weight`, broadcast
    against the logits, typically one per class on the last axis; 1 by default),
        l = -q t log s(z) - (1 - t) log(1 - s(z))
    computed as
        l = (1 - t) z + (1 + (q - 1) t) (log(1 + exp(-|z|)) + max(-z, 0))
    (the second factor is -log s(z)), so that no exponent overflows and no
    log of 0 is taken, for any z.
    Reduction: mean over the n entries (default), sum, or none (elementwise).
    Backward, with c = 1 + (q - 1) t (n = 1 for sum and none):
        dG/dz = g (c s(z) - q t) / n   (= g (s(z) - t) / n when q = 1),
        dG/dt = g ((q - 1) (-log s(z)) - z) / n.
    """

    op = "binary_cross_entropy"

    def __init__(self, logits, targets, reduction="mean", pos_weight=None, name=None):
        self.reduction = check_reduction(reduction)
        self.pos_weight = None if pos_weight is None else np.asarray(pos_weight, dtype=np.float64)
        self._pos_weights = {}  # pos_weight in each dtype used so far
        super().__init__(logits, targets, name=name)

    def infer_shape(self, logits, targets):
        shape = same_shape(logits, targets, what=("logits", "targets"))
        if self.pos_weight is not None and not broadcasts_to(self.pos_weight.shape, shape):
            raise ShapeError(f"pos_weight of shape {self.pos_weight.shape} does not broadcast to {static_shape(shape)}")
        return shape if self.reduction == "none" else ()

    def forward(self, z, t):
        if z.shape != t.shape:  # reported by infer_shape, with the node's name (see autograd.forward)
            raise ValueError(f"shapes {z.shape} and {t.shape} differ")
        t = t.astype(z.dtype, copy=False)  # integer 0/1 targets must not promote z
        q, neg_log_s = self._pos_weight(z.dtype), None
        if q is None:  # q = 1: l = max(z, 0) - z t + log(1 + exp(-|z|))
            losses = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
        else:
            neg_log_s = np.log1p(np.exp(-np.abs(z)))
            neg_log_s += np.maximum(-z, 0)
            losses = (1 - t) * z + (1 + (q - 1) * t) * neg_log_s
        if self.keep:
            self.z, self.t, self.q, self.neg_log_s = z, t, q, neg_log_s
            self.n = losses.size if self.reduction == "mean" else 1
        if self.reduction == "none":
            return losses
        total = np.sum(losses)
        return np.asarray(total / losses.size if self.reduction == "mean" else total, dtype=losses.dtype)

    def backward(self, g):
        scale, q, z, t = g / self.n, self.q, self.z, self.t
        gz = gt = None
        if self.needs[0]:
            s = stable_sigmoid(z)
            gz = (s - t) * scale if q is None else ((1 + (q - 1) * t) * s - q * t) * scale
        if self.needs[1]:
            gt = -z * scale if q is None else ((q - 1) * self.neg_log_s - z) * scale
        return gz, gt

    def vjp(self, g):
        """The same addends with s(z) a sigmoid node, -log s(z) = softplus(-z) and g / n spread (mean)."""
        z, t = self.inputs
        s = sigmoid(z)
        if self.pos_weight is None:
            gz, gt = s - t, -z
        else:
            q = Constant(self.pos_weight)
            gz = (1.0 + (q - 1.0) * t) * s - q * t
            gt = (q - 1.0) * softplus(-z, threshold=math.inf) - z
        if self.reduction == "mean":
            g = Spread(g, gz, mean=True)
        return (gz * g if self.needs[0] else None), (gt * g if self.needs[1] else None)

    def _pos_weight(self, dtype):
        if self.pos_weight is None:
            return None
        if dtype not in self._pos_weights:
            self._pos_weights[dtype] = self.pos_weight.astype(dtype)
        return self._pos_weights[dtype]


def binary_cross_entropy_with_logits(logits, targets, reduction="mean", pos_weight=None, name=None):
    """Binary cross-entropy of `targets` in [0, 1] against sigmoid(`logits`), computed stably.

    `reduction` is 'mean' (default), 'sum' or 'none'; `pos_weight` weighs the
    positive term (broadcast against the logits), as in nn.BCEWithLogitsLoss
    (see BinaryCrossEntropyWithLogits).
    """
    return BinaryCrossEntropyWithLogits(logits, targets, reduction=reduction, pos_weight=pos_weight, name=name)
