import numpy as np
import pytest

import nodes as nd
from autograd import Input, ShapeError
from tests.nodes.gradcases import GradCase, positive, randn

CASES = [
    GradCase("add-same", nd.add, (randn(3, 4), randn(3, 4, seed=1))),
    GradCase("add-broadcast-row", nd.add, (randn(3, 4), randn(4, seed=1))),
    GradCase("add-broadcast-col", nd.add, (randn(3, 1), randn(1, 4, seed=1))),
    GradCase("sub-broadcast", nd.sub, (randn(2, 3, 4), randn(3, 1, seed=1))),
    GradCase("mul-broadcast", nd.mul, (randn(2, 3, 4), randn(4, seed=1))),
    GradCase("mul-scalar-array", nd.mul, (randn(5), randn(seed=1))),
    GradCase("div", nd.div, (randn(3, 4), positive(3, 4, seed=1))),
    GradCase("div-broadcast", nd.div, (randn(3, 4), positive(1, 4, seed=1))),
    GradCase("neg", nd.neg, (randn(3, 4),)),
    GradCase("pow-3", lambda a: nd.pow(a, 3), (randn(3, 4),)),
    GradCase("pow-half", lambda a: nd.pow(a, 0.5), (positive(3, 4),)),
    GradCase("scale", lambda a: a * 2.5, (randn(3, 4),)),
    GradCase(
        "operators",
        lambda a, b: (-a + b * a - b / 2.0) * (a - 1.0) / (b * b + 1.0),
        (randn(3), randn(3, seed=1)),
    ),
]


def test_values_follow_numpy_broadcasting():
    a, b = randn(2, 3), randn(3, seed=1)
    from autograd import Graph

    x, y = Input("a"), Input("b")
    graph = Graph(nd.add(x, y), )
    np.testing.assert_allclose(graph.forward(a=a, b=b), (a + b).astype(np.float32), rtol=1e-6)


def test_mismatched_shapes_are_refused_when_wired():
    x, y = Input("x", shape=(None, 3)), Input("y", shape=(None, 4))
    with pytest.raises(ShapeError, match=r"'x' \(N, 3\).*'y' \(N, 4\)"):
        nd.add(x, y)


def test_multiplying_by_a_number_makes_one_scale_node():
    x = Input("x")
    assert isinstance(x * 3, nd.Scale) and isinstance(3 * x, nd.Scale) and isinstance(x / 4, nd.Scale)
