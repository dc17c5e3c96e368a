import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError
from tests.nodes.gradcases import GradCase, randn

CASES = [
    GradCase("patches", lambda x: nd.patches(x, image_size=4, patch_size=2), (randn(2, 16),)),
    GradCase(
        "patch-embedding",
        lambda x: nd.PatchEmbedding(4, 2, dim=3, rng=np.random.default_rng(0))(x),
        (randn(2, 1, 4, 4),),
    ),
]


@pytest.mark.parametrize("layout", [(784,), (28, 28), (28, 28, 1)], ids=["flat", "square", "nhwc"])
def test_patches_cut_the_image_into_row_major_tiles(layout):
    images = randn(3, 28, 28)
    x = Input("x")
    got = Graph(nd.patches(x)).forward(x=images.reshape((3,) + layout))
    assert got.shape == (3, 16, 49)
    for i in range(4):
        for j in range(4):
            tile = images[:, 7 * i : 7 * i + 7, 7 * j : 7 * j + 7].reshape(3, 49)
            np.testing.assert_array_equal(got[:, 4 * i + j], tile.astype(np.float32))


def test_patch_embedding_shapes_and_names():
    embed = nd.PatchEmbedding(28, 7, dim=64, name="patch_embed")
    out = embed(Input("x", shape=(None, 784)))
    graph = Graph(out)
    assert graph.forward(x=np.zeros((5, 784))).shape == (5, 16, 64)
    assert sorted(p.name for p in graph.parameters) == ["patch_embed.proj.bias", "patch_embed.proj.weight"]
    assert embed.tokens == 16


def test_a_patch_size_that_does_not_divide_the_image_is_refused():
    with pytest.raises(ValueError, match="multiple"):
        nd.patches(Input("x"), image_size=28, patch_size=5)


def test_images_with_several_channels_are_refused_rather_than_folded_into_the_batch():
    with pytest.raises(ShapeError, match=r"single-channel 28x28 images, got shape \(N, 28, 28, 3\)"):
        nd.patches(Input("rgb", shape=(None, 28, 28, 3)))
