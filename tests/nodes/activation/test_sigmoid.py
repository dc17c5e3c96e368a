import numpy as np
import pytest

import nodes as nd
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("sigmoid-2d", nd.sigmoid, (randn(3, 4) * 3,)),
    GradCase("sigmoid-3d", nd.sigmoid, (randn(2, 3, 4),)),
    GradCase("sigmoid-broadcast-sum", lambda a, b: nd.sigmoid(a + b), (randn(3, 4), randn(4, seed=1))),
    GradCase("sigmoid-0d", nd.sigmoid, (randn(),)),
]


def test_values_match_the_formula():
    x = randn(4, 5) * 4
    np.testing.assert_allclose(evaluate(nd.sigmoid, x), 1 / (1 + np.exp(-x)), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_inputs_saturate_without_overflow(dtype):
    x = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        y = evaluate(nd.sigmoid, x, dtype=dtype)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y[0, [0, 2, 4]], [0.0, 0.5, 1.0])
    assert 0 < y[0, 1] < 1e-20  # exp(-50) is representable in both dtypes


def test_is_symmetric():
    x = randn(50)
    np.testing.assert_allclose(evaluate(nd.sigmoid, x) + evaluate(nd.sigmoid, -x), 1.0, rtol=1e-14)
