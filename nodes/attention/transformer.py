"""The pre-norm transformer encoder block."""

from autograd import scope
from nodes.activation.gelu import gelu
from nodes.connection.linear import Linear
from nodes.math.arithmetic import add
from nodes.normalization.layer_norm import LayerNorm

from .multi_head import MultiHeadSelfAttention
from .tokens import to_rows, to_tokens, token_count


class TransformerBlock:
    """Pre-norm encoder block on tokens x (N, T, dim):

        h   = x + attn(ln1(x))
        out = h + fc2(gelu(fc1(ln2(h))))        fc1: dim -> mlp_hidden, fc2: back to dim

    The residuals are plain wiring: x feeds both the add and ln1, and the
    engine sums the two gradients reaching it. Scopes nest, so parameters are
    `<name>.ln1.gamma`, `<name>.attn.q.weight`, `<name>.fc1.bias`... The
    block runs on token rows (N*T, dim) between one reshape in and one out.
    """

    def __init__(self, dim, heads, mlp_hidden, name="block", fused=True, rng=None):
        self.name, self.dim, self.heads, self.mlp_hidden = name, dim, heads, mlp_hidden
        with scope(name):
            self.ln1 = LayerNorm(dim, name="ln1")
            self.attn = MultiHeadSelfAttention(dim, heads, name="attn", fused=fused, rng=rng)
            self.ln2 = LayerNorm(dim, name="ln2")
            self.fc1 = Linear(dim, mlp_hidden, name="fc1", init="he", rng=rng)
            self.fc2 = Linear(mlp_hidden, dim, name="fc2", init="xavier", rng=rng)

    @property
    def parameters(self):
        layers = (self.ln1, self.attn, self.ln2, self.fc1, self.fc2)
        return [p for layer in layers for p in layer.parameters]

    def __call__(self, x, mask=None, tokens=None):
        """Wire the block on tokens x (N, T, dim); returns (N, T, dim).

        `mask` as in `fused_attention`; `tokens` is T, needed only when x's static
        shape does not tell it.
        """
        tokens, dim = token_count(x, self.dim, tokens), self.dim
        with scope(self.name):
            rows = to_rows(x, dim)
            normed = self.ln1(rows)
            with scope(self.attn.name):
                a = self.attn.on_rows(normed, tokens, mask)
            h = add(rows, a, name="residual1")
            m = self.fc2(gelu(self.fc1(self.ln2(h)), name="gelu"))
            return to_tokens(add(h, m, name="residual2"), tokens, dim)

    def __repr__(self):
        return f"TransformerBlock({self.dim}, heads={self.heads}, mlp_hidden={self.mlp_hidden}, name={self.name!r})"
