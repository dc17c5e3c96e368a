import math

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, default_dtype
from tests.nodes.gradcases import GradCase, randn

CASES = [
    GradCase("elu", nd.elu, (randn(3, 4, away_from_zero=True) * 2,)),
    GradCase("elu-alpha", lambda x: nd.elu(x, alpha=0.3), (randn(3, 4, away_from_zero=True) * 2,)),
    GradCase("selu", nd.selu, (randn(3, 4, away_from_zero=True) * 2,)),
    GradCase("elu-broadcast-sum", lambda a, b: nd.elu(a + b), (randn(2, 3, 4), randn(4, seed=1) + 0.05)),
    GradCase("selu-0d", nd.selu, (np.array(-0.7),)),
]


def _value_and_slope(node_of, x):
    with default_dtype(np.float64):
        xi = Input("x", requires_grad=True)
        graph = Graph(node_of(xi))
    y = graph.forward(x=x)
    graph.backward(update=False)
    return y[0], xi.grad[0]


X = np.linspace(-20, 5, 101)[None, :]


@pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
def test_elu_matches_the_definition(alpha):
    y, slope = _value_and_slope(lambda v: nd.elu(v, alpha=alpha), X)
    np.testing.assert_allclose(y, [v if v > 0 else alpha * math.expm1(v) for v in X[0]], rtol=1e-15)
    np.testing.assert_allclose(slope, [1.0 if v > 0 else alpha * math.exp(v) for v in X[0]], rtol=1e-15)


def test_selu_matches_the_definition_with_pytorchs_constants():
    # The constants as printed in PyTorch's documentation of nn.SELU.
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    y, slope = _value_and_slope(nd.selu, X)
    np.testing.assert_allclose(y, [scale * (max(0.0, v) + min(0.0, alpha * (math.exp(v) - 1))) for v in X[0]],
                               rtol=1e-14)
    np.testing.assert_allclose(slope, [scale if v > 0 else scale * alpha * math.exp(v) for v in X[0]], rtol=1e-15)


def test_elu_is_accurate_near_zero():
    y, _ = _value_and_slope(nd.elu, np.array([[-1e-12]]))
    np.testing.assert_allclose(y, [math.expm1(-1e-12)], rtol=1e-15)  # exp(x) - 1 would keep 4 digits


def test_large_inputs_without_warnings():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y, slope = _value_and_slope(nd.selu, np.array([[-1000.0, 1000.0]]))
    np.testing.assert_allclose(y, [-1.0507009873554805 * 1.6732632423543772, 1.0507009873554805 * 1000])
    np.testing.assert_allclose(slope, [0.0, 1.0507009873554805])
