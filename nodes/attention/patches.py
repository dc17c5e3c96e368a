"""Cutting square single-channel images into flattened patches, and embedding them."""

import math

from autograd import Block, ShapeError, scope
from autograd.errors import static_shape
from nodes.array.reshape import reshape
from nodes.array.transpose import transpose
from nodes.connection.linear import Linear

from .tokens import to_tokens


def patch_grid(image_size, patch_size):
    """Patches per side, image_size / patch_size; a ValueError unless the patches tile the image."""
    if image_size % patch_size:
        raise ValueError(f"image size {image_size} is not a multiple of the patch size {patch_size}")
    return image_size // patch_size


def patches(x, image_size=28, patch_size=7, name="patches"):
    """Single-channel images (N, S*S), (N, S, S) or NHWC (N, S, S, 1) -> (N, g*g, p*p) patches, g = S / p.

    Patch (i, j) of the g x g grid is token i*g + j, its pixels in row-major
    order: (N, g, p, g, p) -> transpose the two middle axes -> (N, g*g, p*p).
    No parameters; the backward of the two reshapes and the transpose puts
    each pixel's gradient back where it came from.
    """
    g, p = patch_grid(image_size, patch_size), patch_size
    pixels = x.shape[1:] if x.shape is not None else ()
    if None not in pixels and pixels and math.prod(pixels) != image_size * image_size:
        # Any other size would silently fold into the batch axis (3 channels -> 3N images).
        raise ShapeError(
            f"patches of '{x.name}' expect single-channel {image_size}x{image_size} images, "
            f"got shape {static_shape(x.shape)}"
        )
    with scope(name):
        grid = reshape(x, (-1, g, p, g, p), name="grid")
        tiles = transpose(grid, (0, 1, 3, 2, 4), name="tiles")
        return reshape(tiles, (-1, g * g, p * p), name="flat")


class PatchEmbedding(Block):
    """Images -> patch tokens (N, g*g, dim): `patches`, then one Linear p*p -> dim.

    Parameters `<name>.proj.weight` (p*p, dim) and `<name>.proj.bias`. The
    Linear runs on the (N*g*g, p*p) rows, one BLAS product.

    PyTorch: the usual `proj = nn.Conv2d(1, dim, p, stride=p)` on (N, 1, S, S)
    images, then `.flatten(2).transpose(1, 2)`: the same tokens in the same
    order, its weight (dim, 1, p, p) our proj.weight transposed and reshaped.
    """

    default_name = "patch_embed"

    def __init__(self, image_size=28, patch_size=7, dim=64, name=None, rng=None):
        super().__init__(name)
        self.grid = patch_grid(image_size, patch_size)
        self.image_size, self.patch_size, self.dim = image_size, patch_size, dim
        self.proj = Linear(patch_size * patch_size, dim, init="xavier", rng=rng)

    @property
    def tokens(self):
        """Number of patch tokens per image, g*g."""
        return self.grid * self.grid

    def wire(self, x):
        """Patch tokens (N, g*g, dim) of the images x."""
        p = self.patch_size
        flat = patches(x, self.image_size, p)
        rows = reshape(flat, (-1, p * p), name="rows")
        return to_tokens(self.proj(rows), self.tokens, self.dim)

    def export_state(self, state, layout):
        """proj (already as nn.Linear's state) as the weight of nn.Conv2d(1, dim, p, stride=p)."""
        if layout == "torch":
            p = self.patch_size
            state = {**state, "proj.weight": state["proj.weight"].reshape(self.dim, 1, p, p)}
        return state

    def import_state(self, state, layout):
        """nn.Conv2d's (dim, 1, p, p) weight as nn.Linear's (dim, p*p), which proj reads."""
        if layout == "torch":
            state = {**state, "proj.weight": state["proj.weight"].reshape(self.dim, -1)}
        return state

    def __repr__(self):
        return f"PatchEmbedding({self.image_size}, {self.patch_size}, dim={self.dim}, name={self.name!r})"
