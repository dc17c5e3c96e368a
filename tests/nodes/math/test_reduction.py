import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError
from nodes.math.reduction import Spread
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("sum-all", nd.sum, (randn(3, 4),)),
    GradCase("sum-axis0", lambda x: nd.sum(x, axis=0), (randn(3, 4),)),
    GradCase("sum-last-keepdims", lambda x: nd.sum(x, axis=-1, keepdims=True), (randn(2, 3, 4),)),
    GradCase("sum-axes-tuple", lambda x: nd.sum(x, axis=(0, 2)), (randn(2, 3, 4),)),
    GradCase("sum-keepdims-then-broadcast", lambda x: x - nd.sum(x, axis=1, keepdims=True), (randn(3, 4),)),
    GradCase("mean-all", nd.mean, (randn(3, 4),)),
    GradCase("mean-axis1", lambda x: nd.mean(x, axis=1), (randn(2, 3, 4),)),
    GradCase("mean-axes-keepdims", lambda x: nd.mean(x, axis=(1, -1), keepdims=True), (randn(2, 3, 4),)),
    GradCase("mean-of-broadcast", lambda a, b: nd.mean(a * b, axis=0), (randn(3, 4), randn(4, seed=1))),
    GradCase("max-all", nd.max, (randn(3, 4),)),
    GradCase("max-axis0", lambda x: nd.max(x, axis=0), (randn(3, 4),)),
    GradCase("max-last-keepdims", lambda x: nd.max(x, axis=-1, keepdims=True), (randn(2, 3, 4),)),
    GradCase("max-axes-tuple", lambda x: nd.max(x, axis=(0, 2)), (randn(2, 3, 4),)),
    # The adjoints a backward pass built of nodes uses (like: only its shape is read).
    GradCase("spread-sum", lambda g, x: Spread(g, x, axis=1), (randn(2, 4), randn(2, 3, 4, seed=1)), wrt_inputs=(0,)),
    GradCase("spread-mean-keepdims", lambda g, x: Spread(g, x, axis=(0, 2), keepdims=True, mean=True),
             (randn(1, 3, 1), randn(2, 3, 4, seed=1)), wrt_inputs=(0,)),
    GradCase("spread-all", lambda g, x: Spread(g, x), (randn(), randn(3, 2, seed=1)), wrt_inputs=(0,)),
]


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1), (2, 0)])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("node, reference", [(nd.sum, np.sum), (nd.mean, np.mean), (nd.max, np.max)],
                         ids=["sum", "mean", "max"])
def test_values_match_numpy(node, reference, axis, keepdims):
    x = randn(2, 3, 4)
    got = evaluate(lambda a: node(a, axis=axis, keepdims=keepdims), x)
    expected = reference(x, axis=axis, keepdims=keepdims)
    assert isinstance(got, np.ndarray) and got.shape == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("axis", [None, 1, (0, 1)])
def test_static_shapes_match_the_values(axis):
    x = randn(2, 3, 4)
    for keepdims in (False, True):
        node = nd.sum(Input("x", shape=x.shape), axis=axis, keepdims=keepdims)
        assert node.shape == np.sum(x, axis=axis, keepdims=keepdims).shape
    assert nd.mean(Input("x", shape=(None, 3, 4)), axis=-1).shape == (None, 3)


def test_max_splits_the_gradient_between_tied_maxima():
    x = Input("x", requires_grad=True)
    graph = Graph(nd.max(x, axis=1))
    graph.forward(x=np.array([[3.0, 1.0, 3.0, 3.0], [0.0, 2.0, 1.0, -1.0]]))
    graph.backward(seed=np.array([6.0, 5.0]), update=False)
    np.testing.assert_array_equal(x.grad, [[2.0, 0.0, 2.0, 2.0], [0.0, 5.0, 0.0, 0.0]])


def test_bad_axes_are_refused_when_wired():
    with pytest.raises(ShapeError, match="out of range"):
        nd.sum(Input("x", shape=(None, 3)), axis=2)
    with pytest.raises(ShapeError, match="repeats"):
        nd.mean(Input("x", shape=(None, 3)), axis=(1, -1))
