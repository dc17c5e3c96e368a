import numpy as np
import pytest

import nodes as nd
from tests.nodes.gradcases import GradCase, positive, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("exp", nd.exp, (randn(3, 4),)),
    GradCase("exp-broadcast-sum", lambda a, b: nd.exp(a + b), (randn(2, 3, 4) * 0.5, randn(4, seed=1))),
    GradCase("log", nd.log, (positive(3, 4),)),
    GradCase("log-3d", nd.log, (positive(2, 3, 4, low=0.1, high=5.0),)),
    GradCase("abs", nd.abs, (randn(3, 4, away_from_zero=True),)),
    GradCase("abs-broadcast-difference", lambda a, b: nd.abs(a - b),
             (randn(3, 1, away_from_zero=True), randn(1, 4, seed=1, away_from_zero=True))),
    GradCase("sqrt", nd.sqrt, (positive(3, 4),)),
    GradCase("sqrt-of-square-plus-one", lambda a: nd.sqrt(a * a + 1.0), (randn(2, 5),)),
    GradCase("log-exp-round-trip", lambda a: nd.log(nd.exp(a)), (randn(3, 4),)),
]


@pytest.mark.parametrize(
    "node, reference, data",
    [
        (nd.exp, np.exp, randn(3, 4)),
        (nd.log, np.log, positive(3, 4)),
        (nd.abs, np.abs, randn(3, 4)),
        (nd.sqrt, np.sqrt, positive(3, 4)),
    ],
    ids=["exp", "log", "abs", "sqrt"],
)
def test_values_match_numpy(node, reference, data):
    np.testing.assert_array_equal(evaluate(node, data), reference(data))


def test_abs_gradient_is_zero_at_the_kink():
    from autograd import Graph, Input

    x = Input("x", requires_grad=True)
    graph = Graph(nd.abs(x))
    graph.forward(x=np.array([-2.0, 0.0, 3.0]))
    graph.backward(update=False)
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 1.0])
