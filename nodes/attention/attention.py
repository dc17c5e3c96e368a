"""Fused scaled dot-product attention: one node, backward written by hand."""

import functools
import math

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape
from nodes.common.masks import check_mask_shape, checked_mask, split_mask
from nodes.common.rows import row_max, row_sum
from nodes.common.shapes import broadcast_shape


def attention_shape(q, k, v, mask):
    """Static output shape (..., Tq, dv) of attention on q (..., Tq, d), k (..., Tk, d), v (..., Tk, dv).

    `mask` is the mask's static shape (None without a mask).
    """
    shapes = f"q {static_shape(q)}, k {static_shape(k)}, v {static_shape(v)}"
    if min(len(q), len(k), len(v)) < 2:
        raise ShapeError(f"attention needs q, k, v with at least 2 axes, got {shapes}")

    def same(a, b, what):
        if None not in (a, b) and a != b:
            raise ShapeError(f"{what} differ: {a} and {b} ({shapes})")

    same(q[-1], k[-1], "the feature sizes of q and k")
    same(k[-2], v[-2], "the key counts of k and v")
    lead = broadcast_shape(q[:-2], k[:-2], v[:-2])
    scores = lead + (q[-2], k[-2])
    check_mask_shape(mask, scores, "scores")
    return lead + (q[-2], v[-1])


def masked_softmax(s, mask):
    """Softmax of `s` over its last axis in place; masked entries become exactly 0.

    A fully masked row is all zeros (its output is then 0), as with the
    softmax node. Returns `s`, now the probabilities. The rows' maxima and
    sums are nodes.common.rows's, made for short rows.
    """
    if mask is not None:
        np.copyto(s, -np.inf, where=~mask)
    m = row_max(s)
    if mask is not None:
        m[~np.isfinite(m)] = 0  # a fully masked row: exp(-inf - 0) = 0, not NaN
    s -= m
    np.exp(s, out=s)
    total = row_sum(s)
    if mask is not None:
        total[total == 0] = 1
    s /= total
    return s


def causal_mask(tq, tk):
    """The (tq, tk) boolean mask of causal attention, top-left aligned: query i sees keys j <= i.

    As PyTorch's is_causal (torch.ones(tq, tk).tril()). Read-only, cached.
    """
    return _causal_mask(int(tq), int(tk))


@functools.lru_cache(maxsize=32)
def _causal_mask(tq, tk):
    mask = np.tri(tq, tk, dtype=bool)
    mask.flags.writeable = False
    return mask


class Attention(Node):
    """Scaled dot-product attention softmax(c q k^T) v, fused into one node, as PyTorch's scaled_dot_product_attention.

    q (..., Tq, d), k (..., Tk, d), v (..., Tk, dv), batched over the leading
    axes (batch, heads); `mask` is an optional boolean array or node (fed at
    every pass, for per-batch padding) broadcastable to (..., Tq, Tk), True
    where a query may attend to a key; it gets no gradient. `scale` is c
    (1 / sqrt(d) by default); `is_causal` lets query i attend only to keys
    j <= i (`causal_mask`, top-left aligned, as PyTorch). A mask and
    is_causal together keep what both allow (PyTorch refuses the pair).
    A query that may attend to no key gets output 0 (PyTorch gives NaN).
    Forward:
        S = c q k^T,   P = softmax(S) over the keys (masked entries 0),   O = P v
    Backward, from dO = g (transposes swap the last two axes):
        dV = P^T dO
        dP = dO V^T
        dS = P * (dP - sum(dP * P, over keys))
        dQ = c dS K,   dK = c dS^T Q
    Only P (Tq x Tk per head) is kept besides the inputs. The products run
    with np.matmul on the strided head views: reshaping heads into one einsum
    was more than ten times slower.
    """

    op = "attention"

    def __init__(self, q, k, v, mask=None, scale=None, is_causal=False, name=None):
        self.mask, mask_node = split_mask(mask, "n attention")
        self.scale_given = None if scale is None else float(scale)
        self.is_causal = bool(is_causal)
        super().__init__(*((q, k, v) if mask_node is None else (q, k, v, mask_node)), name=name)

    def infer_shape(self, q, k, v, mask=None):
        return attention_shape(q, k, v, self.mask.shape if self.mask is not None else mask)

    def forward(self, q, k, v, mask=None):
        # A Python float keeps the dtype.
        scale = 1.0 / math.sqrt(q.shape[-1]) if self.scale_given is None else self.scale_given
        s = q @ np.swapaxes(k, -1, -2)
        mask = self.mask if mask is None else mask
        if mask is not None:
            mask = checked_mask(mask, s.shape, "scores")
        if self.is_causal:
            causal = causal_mask(*s.shape[-2:])
            mask = causal if mask is None else mask & causal
        s *= scale
        p = masked_softmax(s, mask)
        if self.keep:
            self.q, self.k, self.v, self.p, self.scale = q, k, v, p, scale
        return p @ v

    def backward(self, g):
        p = self.p
        gv = _matmul_like(np.swapaxes(p, -1, -2), g, self.v) if self.needs[2] else None
        if not (self.needs[0] or self.needs[1]):
            return (None, None, gv, None)[: len(self.inputs)]
        ds = g @ np.swapaxes(self.v, -1, -2)  # dP, turned into dS in place
        ds -= row_sum(ds * p)
        ds *= p
        ds *= self.scale
        gq = _matmul_like(ds, self.k, self.q) if self.needs[0] else None
        gk = _matmul_like(np.swapaxes(ds, -1, -2), self.q, self.k) if self.needs[1] else None
        return (gq, gk, gv, None)[: len(self.inputs)]  # the mask, if a node, gets no gradient

    def vjp(self, g):
        """The same addends built of nodes: P = softmax(c q k^T) a softmax node (its mask an `AttentionMask` node
        of the pass), then dV, dP, dS, dQ and dK from matmul, swapaxes and reduction nodes."""
        from nodes.activation.softmax import softmax
        from nodes.array.transpose import swapaxes
        from nodes.math.reduction import sum

        q, k, v = self.inputs[:3]
        scale = self.scale_given
        if scale is None:
            d = q.shape[-1] if q.shape is not None and q.shape[-1] is not None else q.value.shape[-1]
            scale = 1.0 / math.sqrt(d)
        masked = self.is_causal or self.mask is not None or len(self.inputs) > 3
        scores = q @ swapaxes(k, -1, -2) * scale
        p = softmax(scores, axis=-1, mask=AttentionMask(self, scores) if masked else None)
        gv = swapaxes(p, -1, -2) @ g if self.needs[2] else None
        gq = gk = None
        if self.needs[0] or self.needs[1]:
            dp = g @ swapaxes(v, -1, -2)
            ds = p * (dp - sum(dp * p, axis=-1, keepdims=True)) * scale
            gq = ds @ k if self.needs[0] else None
            gk = swapaxes(ds, -1, -2) @ q if self.needs[1] else None
        return (gq, gk, gv, None)[: len(self.inputs)]


def _matmul_like(a, b, like):
    """a @ b in the memory layout of `like` (the order of its strides) when it has the product's shape and dtype.

    The gradient of q, k or v then has the layout of the input itself, so
    that when the input is a view (heads split from (N, T, heads * d) rows,
    as multi-head attention makes them) the gradient's way back through the
    swap and the reshape needs no copy: measured on the ViT's heads, the
    copy took 120-145 us of its backward per input.
    """
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (a.shape[-2], b.shape[-1])
    plain_rows = 0 not in like.strides and like.strides[-1] == like.itemsize  # not a broadcast view, nor rows apart
    if shape != like.shape or np.result_type(a, b) != like.dtype or not plain_rows:
        return a @ b
    return np.matmul(a, b, out=np.empty_like(like))


class AttentionMask(Node):
    """The boolean mask an Attention node used in this pass: its fixed mask, its fed one and the causal one, and-ed.

    Inputs: the attention node (for its options and fed mask) and the scores
    (for the shape (..., Tq, Tk)). Attention's `vjp` gives it to a softmax
    node. Backward: none.
    """

    op = "attention_mask"
    differentiable = False

    def infer_shape(self, attention, scores):
        return scores

    def forward(self, attention, scores):
        node = self.inputs[0]
        mask = node.mask if len(node.inputs) == 3 else node.inputs[3].value
        mask = np.ones(scores.shape, dtype=bool) if mask is None else checked_mask(mask, scores.shape, "scores")
        if node.is_causal:
            mask = mask & causal_mask(*scores.shape[-2:])
        return np.broadcast_to(mask, scores.shape)


def fused_attention(q, k, v, mask=None, scale=None, is_causal=False, name=None):
    """softmax(scale q k^T) v in one fused node; scale 1 / sqrt(d) by default (see Attention)."""
    return Attention(q, k, v, mask=mask, scale=scale, is_causal=is_causal, name=name)
