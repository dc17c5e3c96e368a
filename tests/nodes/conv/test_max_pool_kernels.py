"""The compiled kernels of tiled max pooling give numpy's path's values and gradients: ties, NaN, infinities."""

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, default_dtype
from tests.nodes.conv.test_pooling import distinct
from tests.nodes.gradcases import GradCase

CASES = [
    GradCase(f"max_pool-tiled-{kernels}", lambda x, k=kernels: nd.max_pool2d(x, 2, kernels=k),
             (distinct(2, 5, 6, 3),)) for kernels in ("numpy", "numba")
]


def _run(x, kernel, kernels, g, indices=False):
    """(f, dG/dx) of max_pool2d(x, kernel) on the chosen path (with `indices`, numpy's windows path), for the
    output gradient g; checks that the path asked for ran."""
    with default_dtype(x.dtype.type):
        xi = Input("x", shape=x.shape, requires_grad=True)
        pooled = nd.max_pool2d(xi, kernel, kernels=kernels, return_indices=indices)
        graph = Graph(pooled[0] if indices else pooled)
    f = graph.forward(x=x)
    node = pooled[0] if indices else pooled
    ran = node.used_tiles or "windows"
    assert ran == ("windows" if indices else "compiled" if kernels == "numba" else True), ran
    graph.backward(seed=g, update=False)
    return f, xi.grad


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, kernel", [((3, 8, 8, 5), 2), ((2, 7, 9, 4), 2), ((2, 9, 8, 3), 3),
                                           ((1, 6, 9, 2), (2, 3)), ((2, 4, 4, 1), 4)])
def test_compiled_path_matches_numpy_path_with_many_ties(shape, kernel, dtype):
    """Values rounded to few levels, so most windows hold their maximum more than once: the first one wins."""
    rng = np.random.default_rng(sum(shape))
    x = np.round(rng.standard_normal(shape) * 1.5).astype(dtype)
    out_hw = tuple(n // k for n, k in zip(shape[1:3], np.broadcast_to(kernel, 2), strict=True))
    g = rng.standard_normal((shape[0], *out_hw, shape[3])).astype(dtype)
    (f_numpy, gx_numpy), (f_numba, gx_numba) = (_run(x, kernel, k, g) for k in ("numpy", "numba"))
    assert f_numba.dtype == gx_numba.dtype == dtype
    np.testing.assert_array_equal(f_numba, f_numpy)
    np.testing.assert_array_equal(gx_numba, gx_numpy)


def _three_paths(x, g):
    """(f, dG/dx) of 2x2 max pooling by numpy's tiled path, the compiled one and numpy's windows path."""
    return [_run(x, 2, "numpy", g), _run(x, 2, "numba", g), _run(x, 2, "numpy", g, indices=True)]


def test_a_nan_is_its_windows_maximum_and_takes_the_gradient_on_every_path():
    x = np.arange(2 * 4 * 4 * 2, dtype=np.float32).reshape(2, 4, 4, 2)
    x[0, 1, 1, 0] = x[1, 2, 3, 1] = x[1, 3, 2, 1] = np.nan  # the last two in one window: the first one wins
    g = np.random.default_rng(0).standard_normal((2, 2, 2, 2)).astype(np.float32)
    results = _three_paths(x, g)
    for f, gx in results[1:]:
        np.testing.assert_array_equal(f, results[0][0])
        np.testing.assert_array_equal(gx, results[0][1])
    f, gx = results[0]
    assert np.isnan(f).sum() == 2
    assert gx[0, 1, 1, 0] == g[0, 0, 0, 0] and gx[1, 2, 3, 1] == g[1, 1, 1, 1] and gx[1, 3, 2, 1] == 0


def test_infinite_and_nan_gradients_reach_only_the_maxima_on_every_path():
    x = np.random.default_rng(1).standard_normal((2, 4, 6, 3))
    g = np.random.default_rng(2).standard_normal((2, 2, 3, 3))
    g[0, 0, 0, 0], g[1, 1, 2, 2] = np.inf, np.nan
    results = _three_paths(x, g)
    for f, gx in results[1:]:
        np.testing.assert_array_equal(f, results[0][0])
        np.testing.assert_array_equal(gx, results[0][1])
    gx = results[0][1]
    assert np.isinf(gx).sum() == 1 and np.isnan(gx).sum() == 1  # zeros, not 0 * inf, elsewhere in the window


def test_inference_passes_give_the_training_values_on_both_paths():
    x = np.round(np.random.default_rng(3).standard_normal((3, 6, 8, 4)) * 2)
    values = []
    for kernels in ("numpy", "numba"):
        with default_dtype(np.float64):
            xi = Input("x")
            graph = Graph(nd.max_pool2d(xi, 2, kernels=kernels))
        values += [graph.forward(x=x), graph.forward(x=x, grad=False)]
    for v in values[1:]:
        np.testing.assert_array_equal(v, values[0])


@pytest.mark.parametrize("dtype, shape, kernel",
                         [(np.float16, (1, 4, 4, 2), 2), (np.float64, (1, 16, 17, 2), (16, 17))],
                         ids=["float16", "272-offsets"])
def test_float16_and_windows_over_256_offsets_take_the_numpy_path(dtype, shape, kernel):
    x = np.random.default_rng(4).standard_normal(shape).astype(dtype)
    g = np.ones((1, shape[1] // np.broadcast_to(kernel, 2)[0], shape[2] // np.broadcast_to(kernel, 2)[1], 2), dtype)
    np.testing.assert_array_equal(_fell_back(x, kernel, g), _run(x, kernel, "numpy", g)[1])


def _fell_back(x, kernel, g):
    """dG/dx of max_pool2d(x, kernel, kernels="numba"), checking that the node fell back to numpy's tiled path."""
    with default_dtype(x.dtype.type):
        xi = Input("x", shape=x.shape, requires_grad=True)
        pooled = nd.max_pool2d(xi, kernel, kernels="numba")
        graph = Graph(pooled)
    graph.forward(x=x)
    assert pooled.used_tiles is True
    graph.backward(seed=g, update=False)
    return xi.grad


def test_a_non_contiguous_input_view_is_pooled_as_its_copy():
    x = distinct(2, 3, 6, 6).transpose(0, 2, 3, 1)  # (2, 6, 6, 3), not C-contiguous
    g = np.ones((2, 3, 3, 3))
    (f_view, gx_view), (f_copy, gx_copy) = (_run(a, 2, "numba", g) for a in (x, np.ascontiguousarray(x)))
    np.testing.assert_array_equal(f_view, f_copy)
    np.testing.assert_array_equal(gx_view, gx_copy)
