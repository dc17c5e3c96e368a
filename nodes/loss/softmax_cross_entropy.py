"""Softmax cross-entropy with integer labels, fused and numerically stable, with PyTorch's options."""

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape
from autograd.vectors import arange
from nodes.activation.softmax import softmax
from nodes.common.reductions import check_reduction
from nodes.math.reduction import Spread, sum


class SoftmaxCrossEntropy(Node):
    """Cross-entropy of integer labels against softmax(z), as PyTorch's nn.CrossEntropyLoss.

    z is (N, K), labels (N,). With log p = log softmax(z) along the last
    axis, class weights w (`weight`, all 1 by default), label smoothing e
    (`smoothing`, PyTorch's label_smoothing) and the set V of rows whose
    label is not `ignore_index`, the loss of row n is
        l_n = (1 - e) w_{y_n} (-log p_{n, y_n}) + (e / K) sum_k w_k (-log p_{n, k})    for n in V,
        l_n = 0                                                                        otherwise,
    that is -sum_k t_nk log p_nk with targets t_nk = w_k ((1 - e) [k = y_n] + e / K).
    Reduction: "mean" (default) sum_n l_n / sum_{n in V} w_{y_n} (PyTorch's
    weighted mean; without weights, the mean over the rows in V; NaN when
    every row is ignored, as PyTorch), "sum" sum_n l_n, "none" the vector l.
    log p = z - max z - log sum exp(z - max z), so no exponent overflows.
    Backward, with r_n = g / sum_{n in V} w_{y_n} (mean), g (sum) or g_n
    (none), and T_n = sum_k t_nk:
        dG/dz_nk = r_n (T_n p_nk - t_nk)    (0 for ignored rows).
    Labels get no gradient.
    """

    op = "softmax_cross_entropy"

    def __init__(self, logits, labels, smoothing=0.0, reduction="mean", ignore_index=-100, weight=None, name=None):
        if not 0.0 <= smoothing <= 1.0:
            raise ValueError(f"softmax_cross_entropy: label smoothing must be in [0, 1], got {smoothing}")
        self.smoothing = float(smoothing)
        self.reduction = check_reduction(reduction)
        self.ignore_index = None if ignore_index is None else int(ignore_index)
        self.weight = None if weight is None else _class_weights(weight)
        self._weights = {}  # the class weights in each dtype used so far
        super().__init__(logits, labels, name=name)

    def infer_shape(self, logits, labels):
        if len(logits) != 2 or len(labels) != 1:
            got = f"{static_shape(logits)} and {static_shape(labels)}"
            raise ShapeError(f"expects logits (N, K) and labels (N,), got {got}")
        if None not in (logits[0], labels[0]) and logits[0] != labels[0]:
            raise ShapeError(f"{logits[0]} rows of logits but {labels[0]} labels")
        if self.weight is not None and logits[1] not in (None, self.weight.size):
            raise ShapeError(f"{self.weight.size} class weights for logits of {logits[1]} classes")
        return (logits[0],) if self.reduction == "none" else ()

    def forward(self, z, labels):
        n, k = z.shape
        valid = self._check_labels(labels, n, k)
        safe = labels if valid is None else np.where(valid, labels, 0)  # ignored rows read class 0, weighted 0
        w = self._class_weights(z.dtype, k)
        shifted = z - z.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        log_total = np.log(total)[:, 0]
        rows = arange(n)  # shared across steps: it indexes every batch's labels
        # -log p[n, y_n] = log_total_n - shifted[n, y_n]; log p itself is never built.
        losses = log_total - shifted[rows, safe]
        wy, weight_total = self._row_weights(w, safe, valid, n, z.dtype)
        if wy is not None:
            losses *= wy
        e = self.smoothing
        if e:
            losses *= 1 - e
            losses += self._uniform_part(shifted, log_total, w, valid) * (e / k)
        scale = self._scale(weight_total, z.dtype)
        if self.keep:
            exp /= total
            self.p, self.labels, self.rows, self.wy, self.w, self.valid = exp, safe, rows, wy, w, valid
            self.scale = scale
        return self._reduce(losses, weight_total)

    def backward(self, g):
        p, e, k = self.p, self.smoothing, self.p.shape[1]
        r = g * self.scale  # r_n: a number for mean and sum, the vector g for none
        wy = 1 if self.wy is None else self.wy
        big_t = wy * (1 - e)  # T_n = (1 - e) w_{y_n} + (e / K) sum_k w_k on kept rows
        if e:
            big_t = big_t + self._valid_rows(e / k * (k if self.w is None else self.w.sum()), p)
        grad = p * _column(big_t * r)
        grad[self.rows, self.labels] -= (1 - e) * wy * r
        if e:
            kept = r if self.valid is None else r * self.valid
            grad -= (e / k) * (_column(kept) if self.w is None else np.outer(kept, self.w))
        return grad, None

    def vjp(self, g):
        """dG/dz = r (T p - t) with p a softmax node and t, w_{y_n} `CrossEntropyTargets` nodes of the labels.

        r is g / sum_n w_{y_n} (mean), g (sum), or g_n spread along each row (none).
        """
        z, labels = self.inputs
        t = CrossEntropyTargets(labels, z, loss=self)
        grad = softmax(z) * sum(t, axis=1, keepdims=True) - t
        if self.reduction == "none":
            return grad * Spread(g, z, axis=1), None
        if self.reduction == "mean":
            g = g / sum(CrossEntropyTargets(labels, z, loss=self, part="row_weights"))
        return grad * g, None

    def _row_weights(self, w, safe, valid, n, dtype):
        """w_{y_n} per row (0 on ignored rows) and their sum; None and n when every row weighs 1."""
        if w is None and valid is None:
            return None, n  # the common case costs no vector
        wy = np.ones(n, dtype=dtype) if w is None else w[safe]
        if valid is not None:
            wy *= valid
        return wy, wy.sum()

    def _check_labels(self, labels, n, k):
        """The mask of rows whose label is not ignore_index (None: no row is ignored); errors for bad labels."""
        if labels.dtype.kind not in "iu":
            raise TypeError(f"softmax_cross_entropy: labels must be integers, got {labels.dtype}")
        if labels.shape != (n,):
            raise ValueError(f"softmax_cross_entropy: {n} rows of logits but labels of shape {labels.shape}")
        if not n:
            return None
        lo, hi, ignore = labels.min(), labels.max(), self.ignore_index
        valid = None
        if ignore is not None and lo <= ignore <= hi and np.any(labels == ignore):  # the range test spares a pass
            valid = labels != ignore
            kept = labels[valid]
            lo, hi = (kept.min(), kept.max()) if kept.size else (0, 0)
        if lo < 0 or hi >= k:
            raise ValueError(
                f"softmax_cross_entropy: labels must lie in [0, {k}) or equal ignore_index={ignore}, "
                f"got values from {lo} to {hi}"
            )
        return valid

    def _class_weights(self, dtype, k):
        """The class weights in `dtype` (None without weights), converted once per dtype."""
        if self.weight is None:
            return None
        if self.weight.size != k:
            raise ValueError(f"softmax_cross_entropy: {self.weight.size} class weights for logits of {k} classes")
        if dtype not in self._weights:
            self._weights[dtype] = self.weight.astype(dtype)
        return self._weights[dtype]

    def _uniform_part(self, shifted, log_total, w, valid):
        """sum_k w_k (-log p_nk) per row, 0 on ignored rows."""
        if w is None:
            part = log_total * shifted.shape[1] - shifted.sum(axis=1)
        else:
            part = log_total * w.sum() - shifted @ w
        return part if valid is None else part * valid

    def _valid_rows(self, value, p):
        """`value` on every kept row and 0 on ignored rows, as a vector of p's dtype."""
        v = np.full(p.shape[0], value, dtype=p.dtype)
        return v if self.valid is None else v * self.valid

    def _reduce(self, losses, weights):
        if self.reduction == "none":
            return losses
        total = losses.sum()
        if self.reduction == "mean":  # dividing (not times 1 / weights) keeps finite differences smooth
            total = total / weights if weights else np.nan  # every row ignored: NaN, as PyTorch
        return np.asarray(total, dtype=losses.dtype)

    def _scale(self, total, dtype):
        """What the summed losses are multiplied by: 1 / sum of kept w_{y_n} (`total`) for mean, else 1."""
        if self.reduction != "mean":
            return 1
        one = dtype.type(1)
        return one / dtype.type(total) if total else dtype.type(np.nan)  # every row ignored: NaN, as PyTorch


class CrossEntropyTargets(Node):
    """The targets t_nk = w_k ((1 - e) [k = y_n] + e / K) (0 on ignored rows) of a SoftmaxCrossEntropy `loss`.

    With part="row_weights", the row weights w_{y_n} instead (1 without
    class weights, 0 on ignored rows), whose sum the mean divides by. Computed
    from the labels at every pass, in the dtype of the logits (the second
    input, which only lends its shape and dtype): the loss's `vjp` builds
    them. Backward: none (labels are integers).
    """

    op = "ce_targets"
    differentiable = False

    def __init__(self, labels, logits, loss, part="targets", name=None):
        if part not in ("targets", "row_weights"):
            raise ValueError(f"cross-entropy targets: part must be 'targets' or 'row_weights', got {part!r}")
        self.loss, self.part = loss, part
        super().__init__(labels, logits, name=name)

    def infer_shape(self, labels, logits):
        return tuple(logits) if self.part == "targets" else tuple(labels)

    def forward(self, labels, z):
        loss, (n, k) = self.loss, z.shape
        valid = loss._check_labels(labels, n, k)
        safe = labels if valid is None else np.where(valid, labels, 0)
        w = loss._class_weights(z.dtype, k)
        if self.part == "row_weights":
            wy, _ = loss._row_weights(w, safe, valid, n, z.dtype)
            return np.ones(n, dtype=z.dtype) if wy is None else wy
        e = loss.smoothing
        t = np.full((n, k), e / k, dtype=z.dtype)
        t[arange(n), safe] += 1 - e
        if w is not None:
            t *= w
        if valid is not None:
            t *= valid[:, None]
        return t


def _column(v):
    """A per-row vector as a column, to scale each row of a matrix; a number as it is."""
    return v[:, None] if np.ndim(v) else v


def _class_weights(weight):
    weight = np.asarray(weight, dtype=np.float64)
    if weight.ndim != 1 or weight.size == 0:
        raise ValueError(f"softmax_cross_entropy: class weights must be a vector (K,), got shape {weight.shape}")
    return weight


def softmax_cross_entropy(logits, labels, smoothing=0.0, reduction="mean", ignore_index=-100, weight=None, name=None):
    """Cross-entropy of integer `labels` (N,) against softmax(`logits`) (N, K), as nn.CrossEntropyLoss.

    `smoothing` in [0, 1] is PyTorch's label_smoothing, `weight` the class
    weights (K,), `ignore_index` the label of rows that count for nothing,
    `reduction` "mean" (weighted), "sum" or "none" (see SoftmaxCrossEntropy).
    """
    return SoftmaxCrossEntropy(logits, labels, smoothing=smoothing, reduction=reduction, ignore_index=ignore_index,
                               weight=weight, name=name)
