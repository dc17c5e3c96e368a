"""Scaled dot-product attention wired from primitive nodes (the reference for the fused node)."""

import math

from autograd import ShapeError, scope
from nodes.activation.softmax import softmax
from nodes.array.transpose import swapaxes
from nodes.linalg.matmul import matmul
from nodes.math.arithmetic import mul


def scaled_dot_product_attention(q, k, v, mask=None, name="attention", d=None):
    """softmax(q k^T / sqrt(d), mask) v from swapaxes, matmul, scale and softmax nodes.

    q (..., Tq, d), k (..., Tk, d), v (..., Tk, dv); `mask` is a boolean
    array broadcastable to (..., Tq, Tk), True where a query may attend.
    The scale is wired as a constant, so d is read from q's static shape
    unless given. Inside the scope `name` the nodes are `keys_t`, `scores`,
    `scaled`, `weights` and `out`; each brings its own backward.
    `fused_attention` computes the same in one node, faster.
    """
    if d is None:
        d = q.shape[-1] if q.shape else None
    if d is None:
        raise ShapeError("scaled_dot_product_attention needs d: pass d=, or wire q with a known last axis")
    with scope(name):
        scores = matmul(q, swapaxes(k, -1, -2, name="keys_t"), name="scores")
        scaled = mul(scores, 1.0 / math.sqrt(d), name="scaled")
        weights = softmax(scaled, axis=-1, mask=mask, name="weights")
        return matmul(weights, v, name="out")
