import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError, default_dtype
from nodes.conv.avg_pooling import AveragePooling, AveragePoolingAdjoint
from nodes.conv.max_pooling import PlaneGather, PlaneScatter
from nodes.conv.pooling import pool_output_size
from tests.nodes.conv.pool_reference import out_size
from tests.nodes.gradcases import GradCase, randn

#: The known values and gradient cases run on both paths (tests/nodes/conftest.py).
pytestmark = pytest.mark.usefixtures("both_kernel_paths")


def distinct(*shape, seed=0):
    """Float64 values that are all different and at least 0.05 apart (no ties in max pooling)."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.05 - n * 0.025).reshape(shape)


#: Positions h W + w in 3 x 3 planes, some picked twice in a plane: (N, Ho, Wo, C) = (2, 2, 2, 3).
PLANE_INDEX = np.random.default_rng(7).integers(0, 9, (2, 2, 2, 3))

CASES = [
    GradCase("max_pool-2x2-tiled", lambda x: nd.max_pool2d(x, 2), (distinct(2, 4, 4, 3),)),
    GradCase("max_pool-tiled-remainder", lambda x: nd.max_pool2d(x, 2), (distinct(1, 5, 5, 2),)),
    GradCase("max_pool-3-stride2", lambda x: nd.max_pool2d(x, 3, stride=2), (distinct(2, 7, 6, 2),)),
    GradCase("max_pool-3-stride1-pad1", lambda x: nd.max_pool2d(x, 3, stride=1, padding=1), (distinct(1, 4, 5, 2),)),
    GradCase("max_pool-rect", lambda x: nd.max_pool2d(x, (2, 3), stride=(1, 2)), (distinct(1, 5, 7, 2),)),
    GradCase("avg_pool-2x2-tiled", lambda x: nd.avg_pool2d(x, 2), (randn(2, 4, 4, 3),)),
    GradCase("avg_pool-3-stride2-pad1", lambda x: nd.avg_pool2d(x, 3, stride=2, padding=1), (randn(2, 5, 6, 2),)),
    GradCase("avg_pool-rect", lambda x: nd.avg_pool2d(x, (3, 2), stride=1), (randn(1, 5, 4, 2),)),
    GradCase("global_avg_pool", nd.global_avg_pool, (randn(3, 4, 5, 2),)),
    # Curved after the pooling, so that second derivatives are not all 0.
    GradCase("max_pool-then-tanh", lambda x: nd.tanh(nd.max_pool2d(x, 3, stride=2, padding=1)),
             (distinct(1, 5, 6, 2),)),
    GradCase("avg_pool-then-tanh", lambda x: nd.tanh(nd.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True,
                                                                    count_include_pad=False)), (randn(1, 6, 5, 2),)),
    # The adjoints the pooling nodes' vjps build.
    GradCase("avg_pool-adjoint", lambda a, x: nd.tanh(AveragePoolingAdjoint(a, x, AveragePooling(x, 3, 2, 1))),
             (randn(2, 3, 3, 2), randn(2, 5, 6, 2, seed=1)), wrt_inputs=(0,)),
    GradCase("plane-scatter", lambda a, i, x: nd.tanh(PlaneScatter(a, i, x)),
             (randn(2, 2, 2, 3), PLANE_INDEX, randn(2, 3, 3, 3, seed=1)), wrt_inputs=(0,)),
    GradCase("plane-gather", lambda x, i: nd.tanh(PlaneGather(x, i)), (randn(2, 3, 3, 3), PLANE_INDEX)),
]


def _run(node_of, x, seed=None):
    with default_dtype(np.float64):
        xi = Input("x", requires_grad=True)
        graph = Graph(node_of(xi))
    y = graph.forward(x=x)
    graph.backward(seed=seed, update=False)
    return y, xi.grad


def test_max_pool_known_value():
    image = np.array([[2, 2, 7, 3], [9, 4, 6, 1], [8, 5, 2, 4], [3, 1, 2, 6]], dtype=float)
    y, _ = _run(lambda x: nd.max_pool2d(x, 2, stride=2), image[None, :, :, None])
    np.testing.assert_array_equal(y[0, :, :, 0], [[9, 7], [8, 6]])


@pytest.mark.parametrize("stride", [2, 1], ids=["tiled", "overlapping"])
def test_max_pool_ties_send_the_gradient_to_the_first_maximum_in_row_major_order(stride):
    # Every window of this image is all equal: the whole gradient of a window
    # goes to its top-left element, and nothing to the other tied positions.
    x = np.full((1, 4, 4, 1), 3.0)
    y, gx = _run(lambda v: nd.max_pool2d(v, 2, stride=stride), x)
    expected = np.zeros((4, 4))
    for i in range(y.shape[1]):
        for j in range(y.shape[2]):
            expected[i * stride, j * stride] += 1
    np.testing.assert_array_equal(gx[0, :, :, 0], expected)


def test_max_pool_tie_on_the_second_row_wins_over_later_positions():
    # Window [[1, 5], [5, 5]]: the maximum 5 first occurs at (0, 1).
    x = np.array([[1.0, 5.0], [5.0, 5.0]])[None, :, :, None]
    for stride in (2, 1):
        _, gx = _run(lambda v, s=stride: nd.max_pool2d(v, 2, stride=s), x)
        np.testing.assert_array_equal(gx[0, :, :, 0], [[0, 1], [0, 0]])


def _reference_pool(x, kernel, stride, padding, reduce, fill):
    n, h, w, c = x.shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    xp = np.full((n, h + 2 * ph, w + 2 * pw, c), fill)
    xp[:, ph:ph + h, pw:pw + w] = x
    ho, wo = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    y = np.zeros((n, ho, wo, c))
    for i in range(ho):
        for j in range(wo):
            y[:, i, j] = reduce(xp[:, i * sh:i * sh + kh, j * sw:j * sw + kw], axis=(1, 2))
    return y


@pytest.mark.parametrize("kernel,stride,padding", [((2, 2), (2, 2), (0, 0)), ((3, 3), (2, 2), (1, 1)),
                                                   ((3, 2), (1, 2), (1, 0))])
def test_pooling_forward_matches_a_loop_reference(kernel, stride, padding):
    x = randn(2, 7, 6, 3)
    y, _ = _run(lambda v: nd.max_pool2d(v, kernel, stride, padding), x)
    np.testing.assert_allclose(y, _reference_pool(x, kernel, stride, padding, np.max, -np.inf))
    y, _ = _run(lambda v: nd.avg_pool2d(v, kernel, stride, padding), x)
    np.testing.assert_allclose(y, _reference_pool(x, kernel, stride, padding, np.mean, 0.0), rtol=1e-12)


def test_global_avg_pool_shape_and_value():
    x = randn(2, 3, 4, 5)
    y, _ = _run(nd.global_avg_pool, x)
    assert y.shape == (2, 5)
    np.testing.assert_allclose(y, x.mean(axis=(1, 2)))


def test_pooling_keeps_float32():
    x = Input("x", shape=(None, 4, 4, 2))
    out = Graph(nd.max_pool2d(x, 2), nd.avg_pool2d(x, 3, 1, 1)).forward(x=randn(2, 4, 4, 2))
    assert all(o.dtype == np.float32 for o in out)
    assert out[0].shape == (2, 2, 2, 2) and out[1].shape == (2, 4, 4, 2)


def test_window_larger_than_the_input_is_refused():
    with pytest.raises(ShapeError):
        nd.max_pool2d(Input("x", shape=(None, 2, 2, 1)), 3)


def test_output_size_helper_matches_the_definition():
    for size in range(1, 12):
        for k, s, p, d in [(2, 2, 0, 1), (3, 2, 1, 1), (3, 3, 1, 2), (2, 1, 1, 3)]:
            if size + 2 * p - d * (k - 1) - 1 < 0:
                continue
            for ceil in (False, True):
                assert pool_output_size(size, k, s, p, d, ceil) == out_size(size, k, s, p, d, ceil)
