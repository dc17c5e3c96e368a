import math

import numpy as np

import nodes as nd
from autograd import Graph, Input, default_dtype
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("silu", nd.silu, (randn(3, 4) * 3,)),
    GradCase("swish-broadcast-sum", lambda a, b: nd.swish(a + b), (randn(2, 3, 4), randn(4, seed=1))),
    GradCase("silu-0d", nd.silu, (randn(),)),
]


def test_matches_the_definition():
    x = np.linspace(-30, 30, 121)[None, :]
    with default_dtype(np.float64):
        xi = Input("x", requires_grad=True)
        graph = Graph(nd.silu(xi))
    y = graph.forward(x=x)
    graph.backward(update=False)

    def s(v):
        return 1 / (1 + math.exp(-v))

    np.testing.assert_allclose(y[0], [v * s(v) for v in x[0]], rtol=1e-14)
    np.testing.assert_allclose(xi.grad[0], [s(v) + v * s(v) * (1 - s(v)) for v in x[0]], rtol=1e-13, atol=1e-300)


def test_swish_is_silu():
    assert type(nd.swish(Input("x"))) is nd.SiLU


def test_large_inputs_without_warnings():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = evaluate(nd.silu, np.array([[-1000.0, 0.0, 1000.0]]), dtype=np.float32)
    np.testing.assert_array_equal(y, [[0.0, 0.0, 1000.0]])
