"""Multi-head self-attention: projections, heads, attention, merge, output projection."""

import numpy as np

from autograd import Block
from autograd.state import rename_prefixes
from nodes.array.reshape import reshape
from nodes.array.transpose import swapaxes
from nodes.connection.linear import Linear

from .attention import fused_attention
from .scaled_dot_product import scaled_dot_product_attention
from .tokens import to_rows, to_tokens, token_count


class MultiHeadSelfAttention(Block):
    """Self-attention of tokens x (N, T, dim) with `heads` heads of width dim / heads.

        q, k, v = x Wq + bq, x Wk, x Wv + bv               (each (N, T, dim))
        split:  (N, T, dim) -> (N, T, heads, d) -> (N, heads, T, d)
        o_h = softmax(q_h k_h^T / sqrt(d), mask) v_h      per head h
        merge:  (N, heads, T, d) -> (N, T, dim);   out = o Wo + bo

    Parameters `<name>.{q,k,v,out}.weight` and `<name>.{q,v,out}.bias`
    (Xavier-initialised). The keys have no bias: it would add q_i . bk to
    every score of query i alike, which the softmax cancels, so its gradient
    is exactly zero and it could never learn.
    `fused=True` uses the one-node `fused_attention`; `fused=False` wires the same
    maths from primitive nodes (`scaled_dot_product_attention`); both give the
    same values and gradients. Every reshape is a view except the merge,
    which copies the heads back into rows.

    PyTorch: `nn.MultiheadAttention(dim, heads, batch_first=True)` called as
    `attn(x, x, x, need_weights=False)[0]`, which splits heads the same way
    (head h: features h d to (h + 1) d). Its state packs the three
    projections: `in_proj_weight` (3 dim, dim) holds the rows of Wq^T, Wk^T,
    Wv^T, `in_proj_bias` (3 dim,) holds bq, bk, bv, and `out_proj.weight`,
    `out_proj.bias` are the output projection's. Exported, bk is zeros; on
    loading, bk is dropped whatever its value: as above, it adds the same
    amount to every score of a query, which the softmax cancels, so the
    outputs are PyTorch's with or without it (masked or not).
    """

    default_name = "attn"

    def __init__(self, dim, heads, name=None, fused=True, rng=None):
        if dim % heads:
            raise ValueError(f"dim {dim} is not a multiple of heads {heads}")
        super().__init__(name)
        self.dim, self.heads, self.fused = dim, heads, fused
        self.q = Linear(dim, dim, init="xavier", rng=rng)
        self.k = Linear(dim, dim, bias=False, init="xavier", rng=rng)
        self.v = Linear(dim, dim, init="xavier", rng=rng)
        self.out = Linear(dim, dim, init="xavier", rng=rng)

    def wire(self, x, mask=None, tokens=None):
        """Wire the block on tokens x (N, T, dim); returns (N, T, dim).

        `tokens` is T, needed only when x's static shape does not tell it.
        """
        tokens = token_count(x, self.dim, tokens)
        rows = self._on_rows(to_rows(x, self.dim), tokens, mask)
        return to_tokens(rows, tokens, self.dim)

    def on_rows(self, rows, tokens, mask=None):
        """The same on token rows (N*T, dim) of sequences of `tokens` tokens; returns rows.

        A call of the block like `block(x)`: its nodes are `<name>.q.matmul`
        and so on (TransformerBlock runs attention on rows this way).
        """
        with self.calling():
            return self._on_rows(rows, tokens, mask)

    def _on_rows(self, rows, tokens, mask):
        d = self.dim // self.heads

        def split(layer, label):
            h = reshape(layer(rows), (-1, tokens, self.heads, d), name=f"{label}_split")
            return swapaxes(h, 1, 2, name=f"{label}_heads")

        q, k, v = split(self.q, "q"), split(self.k, "k"), split(self.v, "v")
        if self.fused:
            o = fused_attention(q, k, v, mask=mask, name="attention")
        else:
            o = scaled_dot_product_attention(q, k, v, mask=mask, name="attention", d=d)
        o = swapaxes(o, 1, 2, name="merge_heads")
        return self.out(reshape(o, (-1, self.dim), name="merge"))

    def export_state(self, state, layout):
        """q, k and v (each already as nn.Linear's state) packed as nn.MultiheadAttention's in_proj."""
        if layout != "torch":
            return state
        state = dict(state)
        weights = [state.pop(f"{p}.weight") for p in "qkv"]
        q_bias, v_bias = state.pop("q.bias"), state.pop("v.bias")
        state["in_proj_weight"] = np.concatenate(weights)
        state["in_proj_bias"] = np.concatenate([q_bias, np.zeros_like(q_bias), v_bias])
        return rename_prefixes(state, {"out": "out_proj"})

    def import_state(self, state, layout):
        """nn.MultiheadAttention's packed in_proj as q, k and v (the key bias dropped, see the class docstring)."""
        if layout != "torch":
            return state
        state = rename_prefixes(state, {"out_proj": "out"})
        dim = self.dim
        weight, bias = state.pop("in_proj_weight"), state.pop("in_proj_bias")
        for i, p in enumerate("qkv"):
            state[f"{p}.weight"] = weight[i * dim : (i + 1) * dim]
        state["q.bias"], state["v.bias"] = bias[:dim], bias[2 * dim :]
        return state

    def __repr__(self):
        return f"MultiHeadSelfAttention({self.dim}, heads={self.heads}, name={self.name!r}, fused={self.fused})"
