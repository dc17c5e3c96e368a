"""Max pooling's options as PyTorch defines them: dilation, ceil mode and the indices of the maxima."""

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, default_dtype
from tests.nodes.conv.pool_reference import forward, reference_max
from tests.nodes.conv.test_pooling import distinct
from tests.nodes.gradcases import GradCase, randn

#: The known values and gradient cases run on both paths (tests/nodes/conftest.py).
pytestmark = pytest.mark.usefixtures("both_kernel_paths")

CASES = [
    GradCase("max_pool-dilation2", lambda x: nd.max_pool2d(x, 2, stride=1, dilation=2), (distinct(1, 5, 6, 2),)),
    GradCase("max_pool-ceil-remainder", lambda x: nd.max_pool2d(x, 2, ceil_mode=True), (distinct(1, 5, 5, 2),)),
    GradCase("max_pool-ceil-3-stride2-pad1-dilated",
             lambda x: nd.max_pool2d(x, 3, stride=2, padding=1, dilation=(1, 2), ceil_mode=True),
             (distinct(2, 6, 9, 2),)),
    GradCase("max_pool-with-indices", lambda x: nd.max_pool2d(x, 2, return_indices=True)[0], (distinct(1, 4, 4, 2),)),
]


MAX_SETTINGS = [(2, 2, 0, 1, False), (2, 2, 0, 1, True), (3, 2, 1, 1, True), (3, 2, 1, 2, False), (2, 1, 1, 2, True),
                (3, 3, 1, 1, True), (2, 3, 0, 2, True)]


@pytest.mark.parametrize("k, s, p, d, ceil", MAX_SETTINGS)
def test_max_pool_values_and_indices_match_the_definition(k, s, p, d, ceil):
    x = randn(2, 7, 8, 3)
    y, idx = forward(lambda v: nd.max_pool2d(v, k, stride=s, padding=p, dilation=d, ceil_mode=ceil,
                                              return_indices=True), x)
    ref_y, ref_idx = reference_max(x, k, s, p, d, ceil)
    np.testing.assert_array_equal(y, ref_y)
    np.testing.assert_array_equal(idx, ref_idx)
    assert idx.dtype == np.int64
    # The indices address the maxima in each (H, W) plane, as PyTorch's do.
    planes = x.transpose(0, 3, 1, 2).reshape(2, 3, -1)
    gathered = np.take_along_axis(planes, idx.transpose(0, 3, 1, 2).reshape(2, 3, -1), axis=2)
    np.testing.assert_array_equal(gathered, y.transpose(0, 3, 1, 2).reshape(2, 3, -1))


def test_ceil_mode_known_values():
    # 5x5 image 0..24, 2x2 windows, stride 2: ceil mode adds a third row and column of windows
    # that hold only the last row or column (and the corner alone).
    x = np.arange(25.0).reshape(1, 5, 5, 1)
    (floor,) = forward(lambda v: nd.max_pool2d(v, 2), x)
    (ceil,) = forward(lambda v: nd.max_pool2d(v, 2, ceil_mode=True), x)
    (mean,) = forward(lambda v: nd.avg_pool2d(v, 2, ceil_mode=True), x)
    np.testing.assert_array_equal(floor[0, :, :, 0], [[6, 8], [16, 18]])
    np.testing.assert_array_equal(ceil[0, :, :, 0], [[6, 8, 9], [16, 18, 19], [21, 23, 24]])
    # The overhanging windows divide by the positions inside the input: (4 + 9) / 2, (20 + 21) / 2, 24.
    np.testing.assert_allclose(mean[0, :, :, 0], [[3, 5, 6.5], [13, 15, 16.5], [20.5, 22.5, 24]])


def test_dilated_max_pool_known_value():
    # 2x2 window with dilation 2 on a 3x3 image reads the four corners.
    x = np.array([[9.0, 1, 2], [3, 4, 5], [6, 7, 8]])[None, :, :, None]
    y, idx = forward(lambda v: nd.max_pool2d(v, 2, stride=1, dilation=2, return_indices=True), x)
    assert y.shape == (1, 1, 1, 1) and y[0, 0, 0, 0] == 9 and idx[0, 0, 0, 0] == 0


def test_max_pool_backward_follows_the_indices():
    x = randn(1, 5, 7, 2)
    with default_dtype(np.float64):
        xi = Input("x", requires_grad=True)
        pooled, indices = nd.max_pool2d(xi, 3, stride=2, padding=1, ceil_mode=True, return_indices=True)
        graph = Graph(pooled, indices)
    _, idx = graph.forward(x=x)
    g = randn(*pooled.value.shape, seed=3)
    graph.backward(seed=[g, np.zeros(idx.shape)], update=False)
    expected = np.zeros((1, 2, 35))
    np.add.at(expected, (0, np.arange(2)[:, None], idx[0].reshape(-1, 2).T), g[0].reshape(-1, 2).T)
    np.testing.assert_allclose(xi.grad, expected.reshape(1, 2, 5, 7).transpose(0, 2, 3, 1))


def test_indices_need_a_max_pooling_node_that_keeps_them():
    with pytest.raises(TypeError, match="indices=True"):
        nd.MaxPoolIndices(nd.max_pool2d(Input("x", shape=(None, 4, 4, 1)), 2))


def test_default_max_pool_keeps_the_tiled_path():
    node = nd.max_pool2d(Input("x", shape=(None, 4, 4, 1)), 2)
    assert node.tiled and not node.want_indices



def _loop_max_pool(x, g, kh, kw):
    """(f, dG/dx) of kh x kw max pooling with stride (kh, kw), by loops: each window's g to its first maximum."""
    n, h, w, c = x.shape
    f, gx = np.zeros(g.shape), np.zeros_like(x)
    for b in range(n):
        for ch in range(c):
            for i in range(h // kh):
                for j in range(w // kw):
                    window = x[b, i * kh : (i + 1) * kh, j * kw : (j + 1) * kw, ch]
                    best = (0, 0)
                    for a in range(kh):
                        for q in range(kw):
                            if window[a, q] > window[best]:
                                best = (a, q)
                    f[b, i, j, ch] = window[best]
                    gx[b, i * kh + best[0], j * kw + best[1], ch] += g[b, i, j, ch]
    return f, gx


@pytest.mark.parametrize("shape, kernel", [((2, 6, 8, 1), 2), ((3, 7, 9, 5), 2), ((2, 5, 5, 16), 2),
                                           ((2, 7, 8, 3), (3, 2)), ((1, 6, 6, 40), 3), ((2, 4, 5, 2), 1)],
                         ids=["1-channel", "odd-rows-and-columns", "16-channels", "3x2", "3x3-40-channels",
                              "1x1-uncovered-column"])
def test_tiled_max_pool_gradient_with_many_ties_matches_a_loop_reference(shape, kernel, both_kernel_paths):
    # Integer values from {0, 1, 2} (a third of them 0, as after a ReLU) tie
    # in most windows; rows and columns that no window covers get no gradient.
    rng = np.random.default_rng(5)
    x = rng.integers(0, 3, shape).astype(np.float64)
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    with default_dtype(np.float64):
        xi = Input("x", requires_grad=True)
        pooled = nd.max_pool2d(xi, kernel)
        graph = Graph(pooled)
    assert pooled.tiled
    y = graph.forward(x=x)
    assert pooled.used_tiles == ("compiled" if both_kernel_paths == "numba" else True)
    g = rng.standard_normal(y.shape)
    graph.backward(seed=g, update=False)
    f, gx = _loop_max_pool(x, g, kh, kw)
    np.testing.assert_array_equal(y, f)
    np.testing.assert_array_equal(xi.grad, gx)
