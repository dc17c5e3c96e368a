import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError, default_dtype
from tests.nodes.gradcases import GradCase, positive, randn

#: The known values and gradient cases run on both paths (tests/nodes/conftest.py).
pytestmark = pytest.mark.usefixtures("both_kernel_paths")

# The inputs use a seed other than 0: gradcheck projects the output on
# standard normals of seed 0, and a projection equal to x (same shape, same
# seed) lies in the span the normalisation removes, making dG/dx vanish.


def _ln(axes):
    return lambda x, gamma, beta: nd.layer_norm(x, gamma, beta, axes=axes)


CASES = [
    GradCase("layer_norm-last", _ln(-1), (randn(4, 5, seed=4), positive(5, seed=1), randn(5, seed=2))),
    GradCase("layer_norm-3d-last", _ln(-1), (randn(2, 3, 6, seed=4), positive(6, seed=1), randn(6, seed=2))),
    GradCase("layer_norm-two-trailing", _ln(2), (randn(3, 2, 4, seed=4), positive(2, 4, seed=1), randn(2, 4, seed=2))),
    GradCase("layer_norm-axes-tuple", _ln((-2, -1)),
             (randn(2, 3, 4, seed=4), positive(3, 4, seed=1), randn(3, 4, seed=2))),
    GradCase("LayerNorm-layer", lambda x: nd.LayerNorm(5, name="ln_case")(x) * randn(5, seed=3),
             (randn(3, 5, seed=4),)),
]


def _reference(x, gamma, beta, count, eps=1e-5):
    axes = tuple(range(x.ndim - count, x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


@pytest.mark.parametrize("count", [1, 2])
def test_forward_matches_the_formula(count):
    x = randn(3, 4, 5) * 3 + 1
    gamma, beta = positive(*x.shape[-count:], seed=1), randn(*x.shape[-count:], seed=2)
    with default_dtype(np.float64):
        xi, gi, bi = Input("x"), Input("g"), Input("b")
        graph = Graph(nd.layer_norm(xi, gi, bi, axes=count))
        got = graph.forward(x=x, g=gamma, b=beta)
    np.testing.assert_allclose(got, _reference(x, gamma, beta, count), rtol=1e-10, atol=1e-12)


def test_rows_come_out_with_zero_mean_and_unit_variance_in_float32():
    x = Input("x")
    layer = nd.LayerNorm(16, name="ln_stats")
    out = Graph(layer(x)).forward(x=randn(8, 16) * 5 + 3)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.mean(axis=-1), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=-1), 1, atol=1e-3)


def test_layer_creates_named_parameters():
    layer = nd.LayerNorm((2, 3), name="block.ln")
    assert layer.gamma.name == "block.ln.gamma" and layer.beta.name == "block.ln.beta"
    np.testing.assert_array_equal(layer.gamma.value, np.ones((2, 3)))
    np.testing.assert_array_equal(layer.beta.value, np.zeros((2, 3)))
    y = layer(Input("x", shape=(None, 2, 3)))
    assert y.name == "block.ln.layer_norm" and y.shape == (None, 2, 3)


def test_wrong_parameter_shape_is_refused_when_wired():
    with pytest.raises(ShapeError, match="gamma"):
        nd.layer_norm(Input("x", shape=(None, 4)), np.ones(5), np.zeros(4))


def _run(x, gamma, beta, g, kernels, count=1):
    """(f, dG/dx, dG/dgamma, dG/dbeta) of layer_norm on the chosen path, checking that path ran."""
    with default_dtype(x.dtype.type):
        xi, gi, bi = (Input(n, shape=a.shape, requires_grad=True) for n, a in (("x", x), ("g", gamma), ("b", beta)))
        node = nd.layer_norm(xi, gi, bi, axes=count, kernels=kernels)
        graph = Graph(node)
    f = graph.forward(x=x, g=gamma, b=beta)
    assert node.compiled == (kernels == "numba" and x.dtype != np.float16)
    graph.backward(seed=g, update=False)
    return f, xi.grad, gi.grad, bi.grad


@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 2e-5)])
@pytest.mark.parametrize("count", [1, 2])
def test_compiled_and_numpy_paths_agree(dtype, tolerance, count):
    x = (randn(3, 7, 4, 6, seed=5) * 3 + 2).astype(dtype)
    gamma, beta = positive(*x.shape[-count:], seed=6).astype(dtype), randn(*x.shape[-count:], seed=7).astype(dtype)
    g = randn(*x.shape, seed=8).astype(dtype)
    numpy_path, compiled = (_run(x, gamma, beta, g, k, count) for k in ("numpy", "numba"))
    for got, want in zip(compiled, numpy_path, strict=True):
        assert got.dtype == dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance)


def test_float16_takes_the_numpy_path_where_numba_is_asked_for():
    x, gamma, beta = randn(4, 8).astype(np.float16), np.ones(8, np.float16), np.zeros(8, np.float16)
    f, *_ = _run(x, gamma, beta, np.ones((4, 8), np.float16), "numba")
    assert f.dtype == np.float16


@pytest.mark.parametrize("kernels", ["numpy", "numba"])
def test_a_constant_row_with_eps_zero_is_nan_in_that_row_only(kernels):
    """1 / sqrt(0) is inf, as in numpy and PyTorch, not an error; the other rows are untouched."""
    x = randn(3, 4)
    x[1] = 2.0
    with default_dtype(np.float64):
        xi = Input("x")
        graph = Graph(nd.layer_norm(xi, Input("g"), Input("b"), eps=0.0, kernels=kernels))
    with np.errstate(divide="ignore", invalid="ignore"):
        f = graph.forward(x=x, g=np.ones(4), b=np.zeros(4), grad=False)
    assert np.isnan(f[1]).all() and np.isfinite(f[[0, 2]]).all()


def test_compiled_second_derivatives_and_a_transposed_gradient():
    from autograd import check_node

    assert check_node(lambda x, g, b: nd.layer_norm(x, g, b, kernels="numba"), randn(3, 5, seed=9),
                      positive(5, seed=10), randn(5, seed=11), order=2)
    x, gamma, beta = randn(4, 6, seed=12), positive(6, seed=13), randn(6, seed=14)
    g = randn(6, 4, seed=15).T  # not contiguous
    numpy_path, compiled = (_run(x, gamma, beta, g, k) for k in ("numpy", "numba"))
    for got, want in zip(compiled, numpy_path, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
