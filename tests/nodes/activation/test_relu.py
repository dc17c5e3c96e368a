import numpy as np

import nodes as nd
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("relu-2d", nd.relu, (randn(3, 4, away_from_zero=True),)),
    GradCase("relu-3d", nd.relu, (randn(2, 3, 4, away_from_zero=True),)),
    GradCase("relu-broadcast-sum", lambda a, b: nd.relu(a + b),
             (randn(3, 1, away_from_zero=True), np.array([0.05, 0.37, -0.21, 0.53]))),
    GradCase("leaky-relu-default", nd.leaky_relu, (randn(3, 4, away_from_zero=True),)),
    GradCase("leaky-relu-alpha", lambda x: nd.leaky_relu(x, alpha=0.2), (randn(2, 3, 4, away_from_zero=True),)),
]


def test_values_match_numpy():
    x = randn(4, 5)
    np.testing.assert_array_equal(evaluate(nd.relu, x), np.maximum(x, 0))
    np.testing.assert_allclose(evaluate(lambda a: nd.leaky_relu(a, 0.1), x), np.where(x > 0, x, 0.1 * x))
