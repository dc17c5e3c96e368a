import math

import numpy as np
import pytest

import nodes as nd
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("gelu-2d", nd.gelu, (randn(3, 4) * 2,)),
    GradCase("gelu-3d", nd.gelu, (randn(2, 3, 4),)),
    GradCase("gelu-broadcast-sum", lambda a, b: nd.gelu(a + b), (randn(2, 3, 4), randn(4, seed=1))),
    GradCase("gelu-0d", nd.gelu, (randn(),)),
]


def test_approximates_x_times_the_normal_cdf():
    x = np.linspace(-6, 6, 241)[None, :]
    exact = np.array([v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x[0]])
    y = evaluate(nd.gelu, x)[0]
    # The tanh approximation is within about 5e-4 of the erf form everywhere.
    np.testing.assert_allclose(y, exact, atol=1e-3)
    assert np.max(np.abs(y - exact)) > 1e-6  # and it is the approximation, not the erf form


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_inputs_without_warnings(dtype):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = evaluate(nd.gelu, np.array([[-1000.0, 0.0, 1000.0]]), dtype=dtype)
    np.testing.assert_array_equal(y, [[0.0, 0.0, 1000.0]])
