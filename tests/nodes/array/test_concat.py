import numpy as np
import pytest

import nodes as nd
from autograd import Graph, GraphError, Input, ShapeError, default_dtype, grad
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("concat-axis0", lambda a, b: nd.concat([a, b], axis=0), (randn(2, 3), randn(4, 3, seed=1))),
    GradCase("concat-last-axis-three", lambda a, b, c: nd.concat([a, b, c], axis=-1),
             (randn(2, 3, 1), randn(2, 3, 2, seed=1), randn(2, 3, 3, seed=2))),
    GradCase("concat-same-node-twice", lambda a: nd.concat([a, a * 2.0], axis=1), (randn(2, 3),)),
    GradCase("stack-axis0", lambda a, b: nd.stack([a, b]), (randn(2, 3), randn(2, 3, seed=1))),
    GradCase("stack-last-axis", lambda a, b, c: nd.stack([a, b, c], axis=-1),
             (randn(2, 3), randn(2, 3, seed=1), randn(2, 3, seed=2))),
    GradCase("stack-middle-axis", lambda a, b: nd.stack([a, b], axis=1), (randn(4, 2), randn(4, 2, seed=1))),
]


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_values_match_numpy(axis):
    a, b = randn(2, 3), randn(2, 3, seed=1)
    np.testing.assert_array_equal(evaluate(lambda x, y: nd.concat([x, y], axis), a, b), np.concatenate([a, b], axis))
    np.testing.assert_array_equal(evaluate(lambda x, y: nd.stack([x, y], axis), a, b), np.stack([a, b], axis))


def test_static_shapes():
    a, b = Input("a", shape=(None, 3)), Input("b", shape=(None, 5))
    assert nd.concat([a, b], axis=1).shape == (None, 8)
    assert nd.concat([a, a], axis=0).shape == (None, 3)
    assert nd.stack([a, a, a], axis=1).shape == (None, 3, 3)


def test_mismatched_shapes_are_refused_when_wired():
    a, b = Input("a", shape=(None, 3)), Input("b", shape=(None, 5))
    with pytest.raises(ShapeError, match="differ"):
        nd.concat([a, b], axis=0)
    with pytest.raises(ShapeError, match="differ"):
        nd.stack([a, b])
    with pytest.raises(ShapeError, match="same number of axes"):
        nd.concat([a, Input("c", shape=(None, 3, 1))], axis=0)


def test_concat_along_an_axis_of_unknown_size_refuses_second_derivatives():
    with default_dtype(np.float64):
        a, b = Input("a", shape=(None, 2)), Input("b", shape=(None, 2))
        out = nd.sum(nd.tanh(nd.concat([a, b], axis=0)))
    Graph(out).forward(a=randn(3, 2), b=randn(1, 2, seed=1))
    with pytest.raises(GraphError, match="concat's vjp .* axis 0, .*\\[None, None\\]"):
        grad(out, [a, b], create_graph=True)
