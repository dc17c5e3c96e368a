import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

ROWS = np.array([[True], [False], [True]])
CHECKER = np.random.default_rng(5).random((3, 4)) > 0.5

CASES = [
    GradCase("where-same-shape", nd.where, (CHECKER, randn(3, 4), randn(3, 4, seed=1))),
    GradCase("where-mask-per-row", nd.where, (ROWS, randn(3, 4), randn(3, 4, seed=1))),
    GradCase("where-broadcast-b", nd.where, (CHECKER, randn(3, 4), randn(4, seed=1))),
    GradCase("where-fixed-mask", lambda a, b: nd.where(ROWS, a, b), (randn(3, 4), randn(3, 4, seed=1))),
]


def test_values_match_numpy_where():
    a, b = randn(3, 4), randn(4, seed=1)
    np.testing.assert_array_equal(evaluate(nd.where, CHECKER, a, b), np.where(CHECKER, a, b))


def test_each_entry_of_the_gradient_goes_to_exactly_one_input():
    a, b = (Input(name, dtype=np.float64, requires_grad=True) for name in "ab")
    graph = Graph(nd.where(ROWS, a, b))
    graph.forward(a=randn(3, 4), b=randn(3, 4, seed=1))
    seed = randn(3, 4, seed=2)
    graph.backward(seed=seed, update=False)
    np.testing.assert_array_equal(a.grad, seed * ROWS)
    np.testing.assert_array_equal(b.grad, seed * ~ROWS)


def test_a_condition_that_is_not_boolean_is_refused():
    with pytest.raises(TypeError, match="condition of where must be boolean.*float64"):
        nd.where(np.ones((3, 1)), Input("a"), Input("b"))
    c = Input("c", dtype=np.int64)
    graph = Graph(nd.where(c, Input("a"), Input("b")))
    with pytest.raises(ValueError, match="condition of where must be boolean.*int64"):
        graph.forward(c=np.ones((2, 1), np.int64), a=randn(2, 3), b=randn(2, 3))
