import numpy as np
import pytest

import nodes as nd
from autograd import Input, ShapeError
from nodes.array.reshape import ReshapeLike
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("reshape-2d-to-3d", lambda x: nd.reshape(x, (2, 3, 2)), (randn(2, 6),)),
    GradCase("reshape-minus-one", lambda x: nd.reshape(x, (-1, 4)), (randn(2, 3, 4),)),
    GradCase("reshape-none-copies-axes", lambda x: nd.reshape(x, (None, None, 2, 3)), (randn(2, 4, 6),)),
    # A reshape between two broadcasting nodes: the engine unbroadcasts after it.
    GradCase("reshape-then-broadcast", lambda x, b: nd.reshape(x, (3, 4)) * b, (randn(12), randn(4, seed=1))),
    GradCase("flatten-4d", nd.flatten, (randn(2, 3, 2, 2),)),
    GradCase("flatten-2d", nd.flatten, (randn(3, 5),)),
    GradCase("reshape-like", lambda a, like: ReshapeLike(a, like), (randn(2, 6), randn(3, 2, 2, seed=1)),
             wrt_inputs=(0,)),
]


def test_reshape_matches_numpy():
    x = randn(2, 4, 6)
    np.testing.assert_array_equal(evaluate(lambda a: nd.reshape(a, (4, -1)), x), x.reshape(4, -1))
    np.testing.assert_array_equal(evaluate(lambda a: nd.reshape(a, (None, None, 3, 2)), x), x.reshape(2, 4, 3, 2))


def test_flatten_keeps_the_batch_axis():
    x = randn(5, 2, 3, 4)
    out = evaluate(nd.flatten, x)
    assert out.shape == (5, 24)
    np.testing.assert_array_equal(out[3], x[3].ravel())


def test_static_shapes():
    x = Input("x", shape=(None, 4, 6))
    assert nd.reshape(x, (None, None, 2, 3)).shape == (None, 4, 2, 3)
    assert nd.flatten(x).shape == (None, 24)
    assert nd.reshape(Input("y", shape=(2, 6)), (3, -1)).shape == (3, 4)
    assert nd.reshape(x, (None, -1)).shape == (None, 24)
    assert nd.reshape(x, (-1, 6)).shape == (None, 6)
    assert nd.reshape(x, (2, -1)).shape == (2, None)
    # fits batches that are multiples of 5 only; the -1 absorbs the unknown batch
    assert nd.reshape(x, (5, -1)).shape == (5, None)


def test_impossible_reshape_is_refused_when_wired():
    with pytest.raises(ShapeError, match="cannot reshape"):
        nd.reshape(Input("x", shape=(2, 6)), (5, -1))
    with pytest.raises(ShapeError, match="cannot reshape"):
        nd.reshape(Input("x", shape=(2, 6)), (4, 4))
