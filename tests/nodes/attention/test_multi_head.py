import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError
from tests.nodes.attention.fused import assert_fused_matches_wired
from tests.nodes.gradcases import GradCase, randn

CAUSAL = np.tril(np.ones((3, 3), bool))


def mhsa(fused, mask=None):
    def factory(x):
        return nd.MultiHeadSelfAttention(4, 2, name="attn", fused=fused, rng=np.random.default_rng(0))(x, mask=mask)

    return factory


CASES = [
    GradCase("mhsa-fused", mhsa(True), (randn(2, 3, 4),)),
    GradCase("mhsa-wired", mhsa(False), (randn(2, 3, 4),)),
    GradCase("mhsa-fused-causal", mhsa(True, CAUSAL), (randn(2, 3, 4, seed=1),)),
]


def _gradients(fused, x, mask=None):
    """Loss and parameter gradients dG/dw (update off) of G = sum(attn(x) * r)."""
    inp = Input("x", shape=(None,) + x.shape[1:], requires_grad=True)
    layer = nd.MultiHeadSelfAttention(8, 4, name="attn", fused=fused, rng=np.random.default_rng(3))
    graph = Graph(layer(inp, mask=mask))
    out = graph.forward(x=x)
    graph.backward(seed=randn(*out.shape, seed=7).astype(np.float32), update=False)
    return out, {p.name: p.grad for p in graph.parameters}, inp.grad


@pytest.mark.parametrize("mask", [None, CAUSAL], ids=["unmasked", "causal"])
def test_fused_and_wired_heads_give_the_same_values_and_parameter_gradients(mask):
    x = randn(4, 3, 8, seed=2).astype(np.float32)
    fused, wired = _gradients(True, x, mask), _gradients(False, x, mask)
    assert_fused_matches_wired(fused, wired)
    grads = fused[1]
    assert len(grads) == 7 and all(g.dtype == np.float32 for g in grads.values())


def test_heads_attend_independently():
    # Changing the values of head 0 (first half of the v projection's columns)
    # changes only the first half of the merged heads, before the output projection.
    layer = nd.MultiHeadSelfAttention(4, 2, name="attn", rng=np.random.default_rng(0))
    graph = Graph(layer(Input("x", shape=(None, 3, 4))))
    graph = Graph(graph.node("attn.merge"))
    before = graph.forward(x=randn(2, 3, 4)).copy()
    layer.v.weight.value[:, :2] += 1.0
    after = graph.forward(x=randn(2, 3, 4))
    assert not np.allclose(before[:, :2], after[:, :2])
    np.testing.assert_array_equal(before[:, 2:], after[:, 2:])


def test_parameters_and_nodes_are_named_in_the_layer_scope():
    x = Input("x", shape=(None, 5, 8))
    layer = nd.MultiHeadSelfAttention(8, 2, name="attn")
    graph = Graph(layer(x))
    names = {p.name for p in graph.parameters}
    weights = {f"attn.{a}.weight" for a in ("q", "k", "v", "out")}
    assert names == weights | {"attn.q.bias", "attn.v.bias", "attn.out.bias"}  # no key bias
    assert names == {p.name for p in layer.parameters()}
    assert "attn.attention" in {n.name for n in graph.nodes}
    assert graph.forward(x=randn(2, 5, 8)).shape == (2, 5, 8)


def test_wrong_widths_are_refused():
    with pytest.raises(ValueError, match="multiple"):
        nd.MultiHeadSelfAttention(10, 4)
    layer = nd.MultiHeadSelfAttention(8, 2)
    with pytest.raises(ShapeError, match="width 8"):
        layer(Input("x", shape=(None, 5, 6)))
    with pytest.raises(ShapeError, match="token count"):
        layer(Input("x"))
