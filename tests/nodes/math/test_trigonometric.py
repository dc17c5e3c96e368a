import math

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, default_dtype, hvp
from tests.nodes.gradcases import GradCase, randn

CASES = [
    GradCase("sin", nd.sin, (randn(3, 4) * 3,)),
    GradCase("cos", nd.cos, (randn(3, 4) * 3,)),
    GradCase("sin-times-cos-broadcast", lambda a, b: nd.sin(a) * nd.cos(b), (randn(2, 3, 4), randn(4, seed=1))),
    GradCase("cos-0d", nd.cos, (randn(),)),
]


@pytest.mark.parametrize("node, value, slope", [(nd.sin, math.sin, math.cos),
                                                (nd.cos, math.cos, lambda v: -math.sin(v))], ids=["sin", "cos"])
def test_values_and_slopes(node, value, slope):
    x = np.linspace(-7, 7, 57)[None, :]
    with default_dtype(np.float64):
        xi = Input("x", requires_grad=True)
        graph = Graph(node(xi))
    y = graph.forward(x=x)
    graph.backward(update=False)
    np.testing.assert_allclose(y[0], [value(v) for v in x[0]], rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(xi.grad[0], [slope(v) for v in x[0]], rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize("node, second", [(nd.sin, lambda v: -np.sin(v)), (nd.cos, lambda v: -np.cos(v))],
                         ids=["sin", "cos"])
def test_second_derivatives(node, second):
    # sin'' = -sin and cos'' = -cos, through the backward pass built of nodes.
    x = np.linspace(-7, 7, 29)
    with default_dtype(np.float64):
        xi = Input("x", shape=x.shape)
        out = nd.sum(node(xi))
    Graph(out).forward(x=x)
    np.testing.assert_allclose(hvp(out, xi, np.ones_like(x)), second(x), rtol=1e-12, atol=1e-15)
