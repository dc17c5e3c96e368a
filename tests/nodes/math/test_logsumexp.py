import math

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError, default_dtype
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("logsumexp-all", nd.logsumexp, (randn(3, 4),)),
    GradCase("logsumexp-axis0", lambda x: nd.logsumexp(x, axis=0), (randn(3, 4),)),
    GradCase("logsumexp-last-keepdims", lambda x: nd.logsumexp(x, axis=-1, keepdims=True), (randn(2, 3, 4),)),
    GradCase("logsumexp-axes-tuple", lambda x: nd.logsumexp(x, axis=(0, 2)), (randn(2, 3, 4),)),
    GradCase("logsumexp-large", lambda x: nd.logsumexp(x, axis=1), (randn(3, 4) * 100,)),
    GradCase("logsumexp-keepdims-then-broadcast", lambda x: x - nd.logsumexp(x, axis=1, keepdims=True),
             (randn(3, 4),)),
]


def by_math(values):
    """log sum exp of a list of floats with Python's math, shifted by their maximum."""
    m = max(values)
    return m + math.log(math.fsum(math.exp(v - m) for v in values))


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_values_match_the_definition(axis, keepdims):
    x = randn(2, 3, 4) * 5
    got = evaluate(lambda v: nd.logsumexp(v, axis=axis, keepdims=keepdims), x)
    axes = tuple(range(3)) if axis is None else (axis % 3,) if isinstance(axis, int) else axis
    moved = np.moveaxis(x, axes, tuple(range(len(axes))))
    flat = moved.reshape(int(np.prod([x.shape[a] for a in axes])), -1)
    expected = np.array([by_math(list(column)) for column in flat.T]).reshape(moved.shape[len(axes):])
    if keepdims:
        expected = np.expand_dims(expected, axes)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_gradient_is_the_softmax():
    x = randn(3, 5)
    with default_dtype(np.float64):
        xi = Input("x", requires_grad=True)
        graph = Graph(nd.logsumexp(xi, axis=1))
    graph.forward(x=x)
    graph.backward(update=False)
    e = np.exp(x)
    np.testing.assert_allclose(xi.grad, e / e.sum(axis=1, keepdims=True), rtol=1e-14)


def test_large_and_infinite_inputs():
    x = np.array([[1000.0, 1000.0], [-np.inf, -np.inf], [np.inf, 0.0], [-1000.0, -np.inf]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = evaluate(lambda v: nd.logsumexp(v, axis=1), x, dtype=np.float32)
    np.testing.assert_allclose(got, [1000 + math.log(2), -np.inf, np.inf, -1000.0], rtol=1e-6)


def test_axis_out_of_range_is_refused_when_wired():
    with pytest.raises(ShapeError, match="axis"):
        nd.logsumexp(Input("x", shape=(None, 3)), axis=2)
