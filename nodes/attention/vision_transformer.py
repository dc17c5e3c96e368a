"""A small vision transformer classifier assembled from the attention blocks."""

from autograd import Block
from nodes.connection.embedding import PositionalEmbedding
from nodes.connection.linear import Linear
from nodes.math.reduction import mean

from .patches import PatchEmbedding
from .transformer import TransformerBlock


class VisionTransformer(Block):
    """Images -> class logits:

        patches (p x p) -> Linear to dim -> + learned positions
        -> `depth` pre-norm TransformerBlocks -> mean over tokens -> Linear to classes

    Parameters are scoped under `name`: `vit.patch_embed.proj.weight`,
    `vit.positions.positions`, `vit.block1.attn.q.weight`, ..., `vit.head.weight`.
    `gelu_approximate` is passed to every block ("none": the exact GELU; "tanh").

    PyTorch (`state_dict(layout="torch")`): a module with the same attributes,
    `patch_embed` (PatchEmbedding's Conv2d `proj`), `positions` (an
    nn.Embedding added whole), `block1`... (nn.TransformerEncoderLayer each)
    and `head` (nn.Linear), whose forward takes (N, 1, S, S) images.
    """

    default_name = "vit"

    def __init__(self, image_size=28, patch_size=7, dim=64, depth=2, heads=4, mlp_hidden=128, classes=10,
                 name=None, fused=True, rng=None, gelu_approximate="none"):
        super().__init__(name)
        self.embed = PatchEmbedding(image_size, patch_size, dim, name="patch_embed", rng=rng)
        self.positions = PositionalEmbedding(self.embed.tokens, dim, rng=rng)
        self.blocks = [
            TransformerBlock(dim, heads, mlp_hidden, name=f"block{i + 1}", fused=fused, rng=rng,
                             gelu_approximate=gelu_approximate)
            for i in range(depth)
        ]
        self.head = Linear(dim, classes, init="xavier", rng=rng)

    def wire(self, images):
        """Wire the model on one-channel `images` (N, S*S), (N, S, S) or (N, S, S, 1); returns (N, classes)."""
        h = self.positions(self.embed(images))
        for block in self.blocks:
            h = block(h, tokens=self.embed.tokens)
        return self.head(mean(h, axis=1, name="pool"))
