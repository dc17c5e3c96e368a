"""Scaled dot-product attention wired from primitive nodes (the reference for the fused node)."""

import math

import numpy as np

from autograd import Node, ShapeError, scope
from nodes.activation.softmax import softmax
from nodes.array.transpose import swapaxes
from nodes.linalg.matmul import matmul
from nodes.math.arithmetic import mul

from .attention import causal_mask


def scaled_dot_product_attention(q, k, v, mask=None, name="attention", d=None, scale=None, is_causal=False):
    """softmax(scale q k^T, mask) v from swapaxes, matmul, scale and softmax nodes.

    q (..., Tq, d), k (..., Tk, d), v (..., Tk, dv); `mask` is a boolean
    array (or node) broadcastable to (..., Tq, Tk), True where a query may
    attend. `scale` defaults to 1 / sqrt(d); it is wired as a constant, so
    d is read from q's static shape unless given. `is_causal` adds the
    top-left aligned causal mask (`causal_mask`), which needs Tq and Tk in
    the static shapes and a mask, if any, given as an array. Inside the
    scope `name` the nodes are `keys_t`, `scores`, `scaled`, `weights` and
    `out`; each brings its own backward. `fused_attention` computes the
    same in one node, faster.
    """
    if scale is None:
        if d is None:
            d = q.shape[-1] if q.shape else None
        if d is None:
            raise ShapeError("scaled_dot_product_attention needs d: pass d= or scale=, or wire q of known width")
        scale = 1.0 / math.sqrt(d)
    if is_causal:
        mask = _with_causal_mask(q, k, mask)
    with scope(name):
        scores = matmul(q, swapaxes(k, -1, -2, name="keys_t"), name="scores")
        scaled = mul(scores, float(scale), name="scaled")
        weights = softmax(scaled, axis=-1, mask=mask, name="weights")
        return matmul(weights, v, name="out")


def _with_causal_mask(q, k, mask):
    """The causal mask for the static Tq and Tk, and-ed with a fixed `mask`."""
    tq = q.shape[-2] if q.shape and len(q.shape) >= 2 else None
    tk = k.shape[-2] if k.shape and len(k.shape) >= 2 else None
    if tq is None or tk is None:
        raise ShapeError("scaled_dot_product_attention with is_causal needs q and k with known token counts")
    if isinstance(mask, Node):
        raise TypeError("scaled_dot_product_attention with is_causal takes a fixed boolean mask, not a node")
    causal = causal_mask(tq, tk)
    return causal if mask is None else np.asarray(mask, dtype=bool) & causal
