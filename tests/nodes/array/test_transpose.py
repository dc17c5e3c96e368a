import numpy as np
import pytest

import nodes as nd
from autograd import Input, ShapeError
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("transpose-2d-default", nd.transpose, (randn(3, 4),)),
    GradCase("transpose-3d-default-reverses", nd.transpose, (randn(2, 3, 4),)),
    GradCase("transpose-4d-heads", lambda x: nd.transpose(x, (0, 2, 1, 3)), (randn(2, 3, 2, 4),)),
    GradCase("transpose-negative-axes", lambda x: nd.transpose(x, (-1, 0, -2)), (randn(2, 3, 4),)),
    GradCase("swapaxes-last-two", lambda x: nd.swapaxes(x, -1, -2), (randn(2, 3, 4),)),
    GradCase("swapaxes-first-last", lambda x: nd.swapaxes(x, 0, 2), (randn(2, 3, 4),)),
    GradCase("transpose-then-broadcast", lambda x, b: nd.transpose(x) + b, (randn(3, 4), randn(3, seed=1))),
    GradCase("moveaxis-channels-last", lambda x: nd.moveaxis(x, 1, -1), (randn(2, 3, 4, 5),)),
    GradCase("moveaxis-back", lambda x: nd.moveaxis(x, -1, 0), (randn(2, 3, 4),)),
]


@pytest.mark.parametrize("axes", [None, (1, 0, 2), (2, 0, 1), (-1, -3, -2)])
def test_transpose_matches_numpy(axes):
    x = randn(2, 3, 4)
    np.testing.assert_array_equal(evaluate(lambda a: nd.transpose(a, axes), x), np.transpose(x, axes))


def test_swapaxes_matches_numpy():
    x = randn(2, 3, 4, 5)
    np.testing.assert_array_equal(evaluate(lambda a: nd.swapaxes(a, 1, -1), x), np.swapaxes(x, 1, -1))


def test_static_shapes():
    x = Input("x", shape=(None, 3, 4))
    assert nd.transpose(x).shape == (4, 3, None)
    assert nd.transpose(x, (0, 2, 1)).shape == (None, 4, 3)
    assert nd.swapaxes(x, 0, -1).shape == (4, 3, None)


def test_bad_permutations_are_refused_when_wired():
    x = Input("x", shape=(None, 3, 4))
    with pytest.raises(ShapeError, match="not a permutation"):
        nd.transpose(x, (0, 1, 1))
    with pytest.raises(ShapeError, match="do not match"):
        nd.transpose(x, (1, 0))
    with pytest.raises(ShapeError, match="out of range"):
        nd.swapaxes(x, 0, 3)


@pytest.mark.parametrize("shape, source, destination", [((2, 3, 4, 5), 1, -1), ((2, 3), 1, -1), ((2, 3, 4), -1, 0)])
def test_moveaxis_matches_numpy(shape, source, destination):
    x = randn(*shape)
    got = evaluate(lambda v: nd.moveaxis(v, source, destination), x)
    np.testing.assert_array_equal(got, np.moveaxis(x, source, destination))


def test_moveaxis_static_shape():
    assert nd.moveaxis(Input("x", shape=(None, 3, 4, 5)), 1, -1).shape == (None, 4, 5, 3)
    assert nd.moveaxis(Input("x", shape=(None, 4, 5, 3)), -1, 1).shape == (None, 3, 4, 5)
