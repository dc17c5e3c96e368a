import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, default_dtype
from tests.nodes.attention.fused import assert_fused_matches_wired
from tests.nodes.gradcases import GradCase, randn

CAUSAL = np.tril(np.ones((3, 3), bool))


def block(fused=True, mask=None):
    def factory(x):
        layer = nd.TransformerBlock(4, 2, 6, name="block1", fused=fused, rng=np.random.default_rng(0))
        return layer(x, mask=mask)

    return factory


CASES = [
    GradCase("transformer-block", block(), (randn(2, 3, 4),)),
    GradCase("transformer-block-wired-causal", block(False, CAUSAL), (randn(2, 3, 4, seed=1),)),
]


PADDING = np.array([True, True, True, True, True, True, False, False, True, False, False, False]).reshape(3, 1, 1, 4)


def _gradients(fused, x, mask=None):
    """Output, parameter gradients and input gradient of the block, the mask fed as an input if given."""
    inp = Input("x", shape=(None, 4, 8), requires_grad=True)
    keep = None if mask is None else Input("keep", shape=(None, 1, 1, 4), dtype=bool)
    graph = Graph(nd.TransformerBlock(8, 2, 16, name="b", fused=fused, rng=np.random.default_rng(5))(inp, mask=keep))
    feeds = {"x": x} if mask is None else {"x": x, "keep": mask}
    out = graph.forward(feeds)
    graph.backward(seed=randn(*out.shape, seed=3).astype(np.float32), update=False)
    return out, {p.name: p.grad.copy() for p in graph.parameters}, inp.grad.copy()


@pytest.mark.parametrize("mask", [None, PADDING], ids=["unmasked", "fed-padding"])
def test_fused_and_wired_blocks_give_the_same_values_and_gradients(mask):
    x = randn(3, 4, 8, seed=2).astype(np.float32)
    assert_fused_matches_wired(_gradients(True, x, mask), _gradients(False, x, mask))


def test_padded_keys_do_not_change_the_output():
    x = randn(3, 4, 8, seed=2).astype(np.float32)
    out, _, _ = _gradients(True, x, PADDING)
    changed = x.copy()
    changed[~PADDING[:, 0, 0, :]] += 10.0  # new values at every padded position
    out_changed, _, _ = _gradients(True, changed, PADDING)
    real = PADDING[:, 0, 0, :]
    np.testing.assert_allclose(out[real], out_changed[real], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_the_block_computes_its_formula(approximate):
    # out = h + fc2(gelu(fc1(ln2(h)))), h = x + attn(ln1(x)), each part wired on its own.
    with default_dtype(np.float64):
        layer = nd.TransformerBlock(4, 2, 6, name="b", rng=np.random.default_rng(1), gelu_approximate=approximate)
        x = Input("x", shape=(None, 3, 4))
        whole = layer(x)
        h = x + layer.attn(layer.ln1(x))
        expected = h + nd.reshape(
            layer.fc2(nd.gelu(layer.fc1(nd.reshape(layer.ln2(h), (-1, 4))), approximate=approximate)), (-1, 3, 4)
        )
    xs = randn(2, 3, 4)
    np.testing.assert_allclose(Graph(whole).forward(x=xs), Graph(expected).forward(x=xs), rtol=1e-12)


def test_parameters_are_named_in_nested_scopes():
    x = Input("x", shape=(None, 5, 8))
    first = nd.TransformerBlock(8, 2, 16, name="block1")
    second = nd.TransformerBlock(8, 2, 16, name="block2")
    graph = Graph(second(first(x)))
    names = {p.name for p in graph.parameters}
    for b in ("block1", "block2"):
        assert {f"{b}.ln1.gamma", f"{b}.ln2.beta", f"{b}.attn.q.weight", f"{b}.attn.out.bias",
                f"{b}.fc1.weight", f"{b}.fc2.bias"} <= names
    assert len(names) == 2 * len(first.parameters()) == 2 * 15
    assert "block1.attn.attention" in {n.name for n in graph.nodes}
    assert "block2.residual2" in {n.name for n in graph.nodes}


def test_a_residual_passes_the_gradient_straight_through():
    # With the attention and MLP outputs zeroed, the block is the identity in
    # value and dG/dx = the seed (both residual branches then add nothing).
    layer = nd.TransformerBlock(4, 2, 6, rng=np.random.default_rng(0))
    for p in (layer.attn.out.weight, layer.attn.out.bias, layer.fc2.weight, layer.fc2.bias):
        p.value[...] = 0
    x = Input("x", shape=(None, 3, 4), requires_grad=True)
    graph = Graph(layer(x))
    xs, seed = randn(2, 3, 4).astype(np.float32), randn(2, 3, 4, seed=1).astype(np.float32)
    np.testing.assert_allclose(graph.forward(x=xs), xs, rtol=1e-6)
    graph.backward(seed=seed, update=False)
    np.testing.assert_allclose(x.grad, seed, rtol=1e-6)
