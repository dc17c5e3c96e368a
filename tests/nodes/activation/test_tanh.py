import numpy as np
import pytest

import nodes as nd
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("tanh-2d", nd.tanh, (randn(3, 4),)),
    GradCase("tanh-3d", nd.tanh, (randn(2, 3, 4) * 2,)),
    GradCase("tanh-broadcast-product", lambda a, b: nd.tanh(a * b), (randn(3, 1), randn(1, 4, seed=1))),
    GradCase("tanh-0d", nd.tanh, (randn(),)),
]


def test_values_match_the_exponential_form():
    x = randn(4, 5)
    np.testing.assert_allclose(evaluate(nd.tanh, x), (np.exp(2 * x) - 1) / (np.exp(2 * x) + 1), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_inputs_saturate_without_warnings(dtype):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = evaluate(nd.tanh, np.array([[-1000.0, 1000.0]]), dtype=dtype)
    np.testing.assert_array_equal(y, [[-1.0, 1.0]])
