"""The compiled kernels of tiled max pooling give numpy's path's values and gradients, ties and NaN included."""

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


def _run(x, kernel, kernels, g):
    """(f, dG/dx) of max_pool2d(x, kernel) on the chosen path, for the output gradient g."""
    with default_dtype(x.dtype.type):
        xi = Input("x", shape=x.shape, requires_grad=True)
        graph = Graph(nd.max_pool2d(xi, kernel, kernels=kernels))
    f = graph.forward(x=x)
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


def test_compiled_forward_propagates_nan_as_numpy_does():
    x = np.arange(2 * 4 * 4 * 2, dtype=np.float32).reshape(2, 4, 4, 2)
    x[0, 1, 1, 0] = x[1, 2, 3, 1] = np.nan
    (f_numpy, _), (f_numba, _) = (_run(x, 2, k, np.ones((2, 2, 2, 2), np.float32)) for k in ("numpy", "numba"))
    np.testing.assert_array_equal(f_numba, f_numpy)
    assert np.isnan(f_numba).sum() == 2


def test_a_non_contiguous_input_view_is_pooled_as_its_copy():
    x = distinct(2, 3, 6, 6).transpose(0, 2, 3, 1)  # (2, 6, 6, 3), not C-contiguous
    g = np.ones((2, 3, 3, 3))
    (f_view, gx_view), (f_copy, gx_copy) = (_run(a, 2, "numba", g) for a in (x, np.ascontiguousarray(x)))
    np.testing.assert_array_equal(f_view, f_copy)
    np.testing.assert_array_equal(gx_view, gx_copy)
