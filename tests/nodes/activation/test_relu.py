import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, default_dtype
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("relu-2d", nd.relu, (randn(3, 4, away_from_zero=True),)),
    GradCase("relu-3d", nd.relu, (randn(2, 3, 4, away_from_zero=True),)),
    *[GradCase(f"relu-{k}", lambda x, k=k: nd.relu(x, kernels=k), (randn(2, 3, 4, away_from_zero=True),))
      for k in ("numpy", "numba")],
    GradCase("relu-broadcast-sum", lambda a, b: nd.relu(a + b),
             (randn(3, 1, away_from_zero=True), np.array([0.05, 0.37, -0.21, 0.53]))),
    GradCase("leaky-relu-default", nd.leaky_relu, (randn(3, 4, away_from_zero=True),)),
    GradCase("leaky-relu-alpha", lambda x: nd.leaky_relu(x, alpha=0.2), (randn(2, 3, 4, away_from_zero=True),)),
]


def test_values_match_numpy():
    x = randn(4, 5)
    np.testing.assert_array_equal(evaluate(nd.relu, x), np.maximum(x, 0))
    np.testing.assert_allclose(evaluate(lambda a: nd.leaky_relu(a, 0.1), x), np.where(x > 0, x, 0.1 * x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_compiled_backward_matches_numpy_path_nan_and_transposed_gradient_included(dtype):
    x = randn(4, 6, 5).astype(dtype)
    g = randn(5, 6, 4, seed=1).astype(dtype).transpose(2, 1, 0)  # a non-contiguous seed
    g[0, 0, :] = np.nan  # stays NaN where f <= 0 too: multiplied by the mask, not selected
    grads = []
    for kernels in ("numpy", "numba"):
        with default_dtype(dtype):
            xi = Input("x", requires_grad=True)
            graph = Graph(nd.relu(xi, kernels=kernels))
        graph.forward(x=x)
        graph.backward(seed=g, update=False)
        grads.append(xi.grad)
    assert grads[1].dtype == dtype
    np.testing.assert_array_equal(grads[1], grads[0])
