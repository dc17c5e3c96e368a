import math

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, default_dtype
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("softplus", nd.softplus, (randn(3, 4) * 3,)),
    GradCase("softplus-beta", lambda x: nd.softplus(x, beta=2.5), (randn(3, 4) * 3,)),
    GradCase("softplus-negative-beta", lambda x: nd.softplus(x, beta=-0.5), (randn(3, 4) * 3,)),
    # beta x crosses the threshold 3 (away from it: the function has a small jump there).
    GradCase("softplus-threshold", lambda x: nd.softplus(x, beta=2.0, threshold=3.0),
             (np.array([[-2.0, 0.3, 1.0, 1.2, 2.5, 4.0]]),)),
    GradCase("softplus-broadcast-sum", lambda a, b: nd.softplus(a + b), (randn(2, 3, 4), randn(4, seed=1))),
    GradCase("softplus-0d", nd.softplus, (randn(),)),
]


def pytorch_softplus(v, beta, threshold):
    """PyTorch's documented definition, one number at a time."""
    return v if beta * v > threshold else math.log1p(math.exp(beta * v)) / beta


def pytorch_slope(v, beta, threshold):
    return 1.0 if beta * v > threshold else 1 / (1 + math.exp(-beta * v))


@pytest.mark.parametrize("beta, threshold", [(1.0, 20.0), (3.0, 20.0), (0.5, 2.0), (2.0, 1.0)])
def test_values_and_slopes_match_the_definition(beta, threshold):
    x = np.linspace(-30, 30, 241)[None, :]
    with default_dtype(np.float64):
        xi = Input("x", requires_grad=True)
        graph = Graph(nd.softplus(xi, beta=beta, threshold=threshold))
    y = graph.forward(x=x)
    graph.backward(update=False)
    np.testing.assert_allclose(y[0], [pytorch_softplus(v, beta, threshold) for v in x[0]], rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(xi.grad[0], [pytorch_slope(v, beta, threshold) for v in x[0]], rtol=1e-14)


def test_no_overflow_for_large_inputs_above_a_large_threshold():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = evaluate(lambda v: nd.softplus(v, threshold=1e6), np.array([[-1000.0, 0.0, 1000.0]]), dtype=np.float32)
    np.testing.assert_allclose(y, [[0.0, math.log(2), 1000.0]], rtol=1e-6)


def test_beta_zero_is_refused():
    with pytest.raises(ValueError, match="beta"):
        nd.softplus(Input("x"), beta=0)
