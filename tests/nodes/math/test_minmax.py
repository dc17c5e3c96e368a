import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("maximum-same-shape", nd.maximum, (randn(3, 4), randn(3, 4, seed=1))),
    GradCase("maximum-broadcast-row", nd.maximum, (randn(3, 4), randn(4, seed=1))),
    GradCase("maximum-broadcast-both", nd.maximum, (randn(3, 1), randn(1, 4, seed=1))),
    GradCase("minimum-same-shape", nd.minimum, (randn(3, 4), randn(3, 4, seed=1))),
    GradCase("minimum-broadcast-3d", nd.minimum, (randn(2, 3, 4), randn(3, 1, seed=1))),
    GradCase("clip-both-bounds", lambda x: nd.clip(x, -0.5, 0.5), (randn(3, 4),)),
    GradCase("clip-lower-only", lambda x: nd.clip(x, lo=0.2), (randn(2, 3, 4),)),
    GradCase("clip-upper-only", lambda x: nd.clip(x, hi=-0.1), (randn(3, 4),)),
]


def test_values_match_numpy():
    a, b = randn(3, 4), randn(4, seed=1)
    np.testing.assert_array_equal(evaluate(nd.maximum, a, b), np.maximum(a, b))
    np.testing.assert_array_equal(evaluate(nd.minimum, a, b), np.minimum(a, b))
    np.testing.assert_array_equal(evaluate(lambda x: nd.clip(x, -0.3, 0.7), a), np.clip(a, -0.3, 0.7))


@pytest.mark.parametrize("make", [nd.maximum, nd.minimum], ids=["maximum", "minimum"])
def test_ties_send_the_whole_gradient_to_the_first_input(make):
    a, b = Input("a", requires_grad=True), Input("b", requires_grad=True)
    graph = Graph(make(a, b))
    graph.forward(a=np.array([1.0, 2.0, 3.0]), b=np.array([1.0, 5.0, -1.0]))
    seed = np.array([10.0, 20.0, 30.0])
    graph.backward(seed=seed, update=False)
    assert a.grad[0] == 10.0 and b.grad[0] == 0.0
    np.testing.assert_array_equal(a.grad + b.grad, seed)


def test_clip_passes_the_gradient_at_the_bounds_and_blocks_it_outside():
    x = Input("x", requires_grad=True)
    graph = Graph(nd.clip(x, -1.0, 1.0))
    graph.forward(x=np.array([-2.0, -1.0, 0.0, 1.0, 2.0]))
    graph.backward(update=False)
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 1.0, 1.0, 0.0])


def test_clip_refuses_reversed_or_missing_bounds():
    with pytest.raises(ValueError, match="reversed"):
        nd.clip(Input("x"), 1.0, -1.0)
    with pytest.raises(ValueError, match="at least one"):
        nd.clip(Input("x"))
