"""The pre-norm transformer encoder block."""

from autograd import Block
from autograd.state import rename_prefixes
from nodes.activation.gelu import gelu
from nodes.connection.linear import Linear
from nodes.math.arithmetic import add
from nodes.normalization.layer_norm import LayerNorm

from .multi_head import MultiHeadSelfAttention
from .tokens import to_rows, to_tokens, token_count

#: Our sub-blocks -> nn.TransformerEncoderLayer's.
TORCH_NAMES = {"ln1": "norm1", "attn": "self_attn", "ln2": "norm2", "fc1": "linear1", "fc2": "linear2"}


class TransformerBlock(Block):
    """Pre-norm encoder block on tokens x (N, T, dim):

        h   = x + attn(ln1(x))
        out = h + fc2(gelu(fc1(ln2(h))))        fc1: dim -> mlp_hidden, fc2: back to dim

    `gelu_approximate` is the GELU's `approximate`: "none" (the exact erf
    form, PyTorch's default) or "tanh". The residuals are plain wiring: x
    feeds both the add and ln1, and the engine sums the two gradients
    reaching it. Scopes nest, so parameters are `<name>.ln1.gamma`,
    `<name>.attn.q.weight`, `<name>.fc1.bias`... The block runs on token
    rows (N*T, dim) between one reshape in and one out.

    PyTorch: `nn.TransformerEncoderLayer(dim, heads, mlp_hidden, dropout=0.0,
    activation="gelu", batch_first=True, norm_first=True)`, whose
    sub-modules are named norm1, self_attn, norm2, linear1, linear2 for our
    ln1, attn, ln2, fc1, fc2; its activation="gelu" is the exact erf form,
    our default (with `gelu_approximate="tanh"`, pass
    `functools.partial(F.gelu, approximate="tanh")` there).
    """

    default_name = "block"

    def __init__(self, dim, heads, mlp_hidden, name=None, fused=True, rng=None, gelu_approximate="none"):
        super().__init__(name)
        self.dim, self.heads, self.mlp_hidden = dim, heads, mlp_hidden
        self.gelu_approximate = gelu_approximate
        self.ln1 = LayerNorm(dim)
        self.attn = MultiHeadSelfAttention(dim, heads, fused=fused, rng=rng)
        self.ln2 = LayerNorm(dim)
        self.fc1 = Linear(dim, mlp_hidden, init="he", rng=rng)
        self.fc2 = Linear(mlp_hidden, dim, init="xavier", rng=rng)

    def wire(self, x, mask=None, tokens=None):
        """Wire the block on tokens x (N, T, dim); returns (N, T, dim).

        `mask` as in `fused_attention`; `tokens` is T, needed only when x's static
        shape does not tell it.
        """
        tokens, dim = token_count(x, self.dim, tokens), self.dim
        rows = to_rows(x, dim)
        h = add(rows, self.attn.on_rows(self.ln1(rows), tokens, mask), name="residual1")
        m = self.fc2(gelu(self.fc1(self.ln2(h)), approximate=self.gelu_approximate, name="gelu"))
        return to_tokens(add(h, m, name="residual2"), tokens, dim)

    def export_state(self, state, layout):
        """Sub-blocks under nn.TransformerEncoderLayer's names."""
        return rename_prefixes(state, TORCH_NAMES) if layout == "torch" else state

    def import_state(self, state, layout):
        """nn.TransformerEncoderLayer's sub-module names as ours."""
        return rename_prefixes(state, {v: k for k, v in TORCH_NAMES.items()}) if layout == "torch" else state

    def __repr__(self):
        return f"TransformerBlock({self.dim}, heads={self.heads}, mlp_hidden={self.mlp_hidden}, name={self.name!r})"
