import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, default_dtype, hvp
from tests.nodes.gradcases import GradCase, randn


class SameMask:
    """Builds a dropout node and resets its generator before every forward pass."""

    def __init__(self, p, seed=0):
        self.p, self.seed, self.node = p, seed, None

    def __call__(self, x):
        self.node = nd.dropout(x, self.p, rng=self.seed)
        return self.node

    def reset(self):
        self.node.rng = np.random.default_rng(self.seed)


_half, _small, _curved = SameMask(0.5), SameMask(0.2, seed=3), SameMask(0.4, seed=5)

CASES = [
    GradCase("dropout-half", _half, (randn(4, 5),), before_forward=_half.reset),
    GradCase("dropout-4d", _small, (randn(2, 3, 3, 2),), before_forward=_small.reset),
    # A curved function of the dropped values, so that second derivatives are not all 0.
    GradCase("dropout-then-tanh", lambda x: nd.tanh(_curved(x)), (randn(3, 4),), before_forward=_curved.reset),
]


def test_the_second_derivative_uses_the_mask_of_the_pass():
    # G = sum(dropout(x)^2): d2G/dx2 v = 2 M^2 v with M = m / (1 - p), the mask the forward pass drew.
    rng = np.random.default_rng(0)
    x0, v = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    with default_dtype(np.float64):
        x = Input("x", shape=(4, 6))
        dropped = nd.dropout(x, 0.5, seed=1)
        loss = nd.sum(dropped * dropped)
    Graph(loss).forward(x=x0)
    mask = dropped.mask.copy()
    np.testing.assert_allclose(hvp(loss, x, v), 2 * mask**2 * v, rtol=1e-12)
    Graph(loss).eval().forward(x=x0)  # evaluation: dropout is the identity, and so is its mask node
    np.testing.assert_allclose(hvp(loss, x, v), 2 * v, rtol=1e-12)


def test_drop_rate_and_scaling():
    x = Input("x")
    graph = Graph(nd.dropout(x, 0.3, seed=0))
    out = graph.forward(x=np.ones((200, 500)))
    dropped = np.mean(out == 0)
    assert abs(dropped - 0.3) < 0.01
    np.testing.assert_allclose(out[out != 0], 1 / 0.7, rtol=1e-6)
    assert abs(out.mean() - 1.0) < 0.02  # inverted dropout keeps the expectation


def test_backward_uses_the_forward_mask():
    x = Input("x", requires_grad=True)
    graph = Graph(nd.dropout(x, 0.5, seed=1))
    out = graph.forward(x=randn(10, 10))
    graph.backward(update=False)
    np.testing.assert_array_equal(x.grad == 0, out == 0)


def test_evaluation_passes_through():
    x = Input("x", requires_grad=True)
    graph = Graph(nd.dropout(x, 0.5, seed=0)).eval()
    data = randn(6, 7).astype(np.float32)
    np.testing.assert_array_equal(graph.forward(x=data), data)
    graph.backward(update=False)
    np.testing.assert_array_equal(x.grad, np.ones((6, 7)))


def test_same_seed_same_masks_and_state_restores():
    a, b = Graph(nd.dropout(Input("x"), 0.5, seed=7)), Graph(nd.dropout(Input("x"), 0.5, seed=7))
    data = np.ones((4, 8))
    np.testing.assert_array_equal(a.forward(x=data), b.forward(x=data))
    node = a.roots[0]
    assert isinstance(node.rng, np.random.Generator)
    state = node.rng.bit_generator.state
    first = a.forward(x=data)
    node.rng.bit_generator.state = state
    np.testing.assert_array_equal(a.forward(x=data), first)
    assert not np.array_equal(a.forward(x=data), first)


def test_generator_state_survives_a_checkpoint(tmp_path):
    x = Input("x")
    node = nd.dropout(x, 0.5, seed=3)
    graph = Graph(node)
    data = np.ones((5, 6))
    graph.forward(x=data)
    graph.save(tmp_path / "ckpt.npz", extra={"dropout_rng": node.rng_state()})
    expected = graph.forward(x=data)
    node.rng = np.random.default_rng(99)  # a fresh process would start elsewhere
    extra = graph.load(tmp_path / "ckpt.npz")
    node.set_rng_state(extra["dropout_rng"])
    np.testing.assert_array_equal(graph.forward(x=data), expected)


def test_float32_stays_float32():
    out = Graph(nd.dropout(Input("x"), 0.5, seed=0)).forward(x=np.ones((3, 3), dtype=np.float32))
    assert out.dtype == np.float32


def test_probability_out_of_range_is_refused():
    with pytest.raises(ValueError):
        nd.dropout(Input("x"), 1.0)
