"""Softmax cross-entropy with integer labels, fused and numerically stable."""

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape
from autograd.vectors import arange


class SoftmaxCrossEntropy(Node):
    """Mean over the batch of -log softmax(z)[label], with label smoothing e.

    With p = softmax(z) along the last axis, n the batch size, K classes and
    the target distribution t = (1 - e) onehot(label) + e / K:
        L = -1/n sum_i sum_k t_ik log p_ik
    computed from log p = z - max z - log sum exp(z - max z) so that no
    exponent overflows. Backward: dG/dz = g * (p - t) / n. Labels get no
    gradient.
    """

    op = "softmax_cross_entropy"

    def __init__(self, logits, labels, smoothing=0.0, name=None):
        if not 0.0 <= smoothing < 1.0:
            raise ValueError(f"label smoothing must be in [0, 1), got {smoothing}")
        self.smoothing = float(smoothing)
        super().__init__(logits, labels, name=name)

    def infer_shape(self, logits, labels):
        if len(logits) != 2 or len(labels) != 1:
            got = f"{static_shape(logits)} and {static_shape(labels)}"
            raise ShapeError(f"expects logits (N, K) and labels (N,), got {got}")
        if None not in (logits[0], labels[0]) and logits[0] != labels[0]:
            raise ShapeError(f"{logits[0]} rows of logits but {labels[0]} labels")
        return ()

    def forward(self, z, labels):
        if labels.dtype.kind not in "iu":
            raise TypeError(f"labels must be integers, got {labels.dtype}")
        n, k = z.shape
        if labels.shape != (n,):
            raise ValueError(f"{n} rows of logits but labels of shape {labels.shape}")
        if n and (labels.min() < 0 or labels.max() >= k):
            raise ValueError(f"labels must lie in [0, {k}), got values from {labels.min()} to {labels.max()}")
        shifted = z - z.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        log_total = np.log(total)
        rows = arange(n)  # shared across steps: it indexes every batch's labels
        # -log p[i, label_i] = log_total_i - shifted[i, label_i]; log p itself is never built.
        e = self.smoothing
        loss = (log_total.sum() - shifted[rows, labels].sum()) * (1 - e)
        if e:  # -(1/k) sum_k log p_ik = log_total_i - mean_k shifted_ik
            loss += (log_total.sum() - shifted.sum() / k) * e
        if self.keep:
            exp /= total
            self.p, self.labels, self.rows = exp, labels, rows
        return np.asarray(loss / max(n, 1), dtype=z.dtype)

    def backward(self, g):
        p, n = self.p, max(self.p.shape[0], 1)
        grad = p * (g / n)
        grad[self.rows, self.labels] -= (1 - self.smoothing) * g / n
        if self.smoothing:
            grad -= self.smoothing * g / (n * p.shape[1])
        return grad, None


def softmax_cross_entropy(logits, labels, smoothing=0.0, name=None):
    """Mean over the batch of the cross-entropy of integer `labels` (N,) against softmax(`logits`) (N, K).

    `smoothing` in [0, 1) mixes that much of the uniform distribution into the targets (see SoftmaxCrossEntropy).
    """
    return SoftmaxCrossEntropy(logits, labels, smoothing=smoothing, name=name)
