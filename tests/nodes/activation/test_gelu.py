import math

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, default_dtype, hvp
from nodes.activation.gelu import NormalCDF
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

#: The known values and gradient cases run on both paths (tests/nodes/conftest.py).
pytestmark = pytest.mark.usefixtures("both_kernel_paths")


def tanh_gelu(x, name=None):
    return nd.gelu(x, approximate="tanh", name=name)


CASES = [
    GradCase("gelu-2d", nd.gelu, (randn(3, 4) * 2,)),
    GradCase("gelu-3d", nd.gelu, (randn(2, 3, 4),)),
    GradCase("gelu-broadcast-sum", lambda a, b: nd.gelu(a + b), (randn(2, 3, 4), randn(4, seed=1))),
    GradCase("gelu-0d", nd.gelu, (randn(),)),
    GradCase("gelu-tails", nd.gelu, (np.array([[-9.0, -5.0, -2.5, 2.5, 5.0, 9.0]]),)),
    GradCase("gelu-tanh-2d", tanh_gelu, (randn(3, 4) * 2,)),
    GradCase("gelu-tanh-broadcast-sum", lambda a, b: tanh_gelu(a + b), (randn(2, 3, 4), randn(4, seed=1))),
    GradCase("gelu-tanh-0d", tanh_gelu, (randn(),)),
    GradCase("normal-cdf", NormalCDF, (randn(3, 4) * 2,)),
]


def exact(v):
    """x Phi(x) from Python's math.erfc (no cancellation for negative x)."""
    return v * 0.5 * math.erfc(-v / math.sqrt(2))


def exact_slope(v):
    """d/dx x Phi(x) = Phi(x) + x phi(x)."""
    return 0.5 * math.erfc(-v / math.sqrt(2)) + v * math.exp(-v * v / 2) / math.sqrt(2 * math.pi)


def _value_and_slope(node_of, x, dtype):
    with default_dtype(dtype):
        xi = Input("x", requires_grad=True)
        graph = Graph(node_of(xi))
    y = graph.forward(x=x)
    graph.backward(update=False)  # the seed is ones: the gradient is the slope
    return y, xi.grad


def test_default_is_the_erf_form_in_float64():
    x = np.linspace(-8, 8, 321)[None, :]
    y, slope = _value_and_slope(nd.gelu, x, np.float64)
    np.testing.assert_allclose(y[0], [exact(v) for v in x[0]], rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(slope[0], [exact_slope(v) for v in x[0]], rtol=1e-13, atol=1e-300)
    # PyTorch's own formula, 0.5 x (1 + erf(x / sqrt(2))), agrees where it has no cancellation.
    pytorch_form = [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x[0]]
    np.testing.assert_allclose(y[0], pytorch_form, rtol=1e-7, atol=1e-15)


def test_default_is_the_erf_form_in_float32():
    x = np.linspace(-8, 8, 3201, dtype=np.float32)[None, :]
    y, slope = _value_and_slope(nd.gelu, x, np.float32)
    assert y.dtype == slope.dtype == np.float32
    reference = np.array([exact(float(v)) for v in x[0]])
    # A few ulps, and the tail's sensitivity to the rounding of x (about x^2 ulps).
    eps = float(np.finfo(np.float32).eps)
    allowed = 8 * eps * (1 + x[0].astype(float) ** 2) * np.abs(reference) + 1e-40
    assert np.all(np.abs(y[0] - reference) <= allowed)
    np.testing.assert_allclose(slope[0], [exact_slope(float(v)) for v in x[0]], rtol=0, atol=8 * eps)


def test_known_values():
    # x Phi(x) at x = 1 and -1: Phi(1) = 0.841344746068543 (tables of the normal distribution).
    y = evaluate(nd.gelu, np.array([[1.0, -1.0, 0.0]]))
    np.testing.assert_allclose(y, [[0.841344746068543, -0.158655253931457, 0.0]], rtol=1e-13)


def test_tanh_approximates_x_times_the_normal_cdf():
    x = np.linspace(-6, 6, 241)[None, :]
    y = evaluate(tanh_gelu, x)[0]
    # The tanh approximation is within about 5e-4 of the erf form everywhere.
    reference = [exact(v) for v in x[0]]
    np.testing.assert_allclose(y, reference, atol=1e-3)
    assert np.max(np.abs(y - reference)) > 1e-6  # and it is the approximation, not the erf form


def test_tanh_matches_its_formula():
    x = randn(3, 5) * 2
    formula = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    np.testing.assert_allclose(evaluate(tanh_gelu, x), formula, rtol=1e-13)


def test_unknown_approximation_is_refused():
    with pytest.raises(ValueError, match="approximate"):
        nd.gelu(Input("x"), approximate="erf")


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_inputs_without_warnings(dtype, approximate):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = evaluate(lambda v: nd.gelu(v, approximate=approximate), np.array([[-1000.0, 0.0, 1000.0]]), dtype=dtype)
    np.testing.assert_array_equal(y, [[0.0, 0.0, 1000.0]])


def test_the_second_derivative_of_the_exact_gelu():
    # d2/dx2 x Phi(x) = phi(x) (2 - x^2), through the backward pass built of nodes.
    x = np.linspace(-6, 6, 25)
    with default_dtype(np.float64):
        xi = Input("x", shape=x.shape)
        out = nd.sum(nd.gelu(xi))
    Graph(out).forward(x=x)
    expected = np.exp(-x * x / 2) / math.sqrt(2 * math.pi) * (2 - x * x)
    np.testing.assert_allclose(hvp(out, xi, np.ones_like(x)), expected, rtol=1e-12, atol=1e-15)


def _pass(x, g, approximate, kernels, transposed=False):
    """(value, dG/dx, the node) of one pass of a GELU built with `kernels` (of x's transpose, a view, if asked),
    g fed as the output's gradient."""
    with default_dtype(x.dtype):
        xi = Input("x", requires_grad=True)
        node = nd.gelu(nd.transpose(xi) if transposed else xi, approximate=approximate, kernels=kernels)
        graph = Graph(nd.sum(node * Input("g")))
    graph.forward(x=x, g=g)
    graph.backward(update=False)
    return node.value, xi.grad, node


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_compiled_and_numpy_paths_give_the_same_values_bit_for_bit(approximate, dtype):
    pytest.importorskip("numba")
    rng = np.random.default_rng(4)
    x = (rng.standard_normal((7, 5, 33)) * 3).astype(dtype)
    x[0, 0, :4] = [0.0, -0.0, 12.0, -12.0]
    g = rng.standard_normal(x.shape).astype(dtype)
    numpy_path, compiled = (_pass(x, g, approximate, k) for k in ("numpy", "numba"))
    for want, got in zip(numpy_path[:2], compiled[:2], strict=True):
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, want)


def test_the_compiled_path_is_taken_only_for_contiguous_float32_and_float64(monkeypatch):
    pytest.importorskip("numba")
    from nodes.activation import gelu_kernels

    calls = []
    for name in ("tanh_argument", "tanh_output", "tanh_slope", "exact_slope"):
        kernel = getattr(gelu_kernels, name)
        monkeypatch.setattr(gelu_kernels, name, lambda *a, _k=kernel, _n=name: calls.append(_n) or _k(*a))
    x = randn(4, 6, seed=3).astype(np.float32)
    _pass(x, np.ones_like(x), "tanh", "numba")
    assert calls == ["tanh_argument", "tanh_output", "tanh_slope"]
    calls.clear()
    _pass(x, np.ones_like(x), "none", "numba")
    assert calls == ["exact_slope"]
    calls.clear()
    value, grad, _ = _pass(x.astype(np.float16), np.ones_like(x, np.float16), "tanh", "numba")
    assert calls == [] and value.dtype == grad.dtype == np.float16
    value, grad, _ = _pass(x, np.ones_like(x.T), "tanh", "numba", transposed=True)  # a view, not C-contiguous
    assert calls == []
    np.testing.assert_array_equal(value, _pass(x.T.copy(), np.ones_like(x.T), "tanh", "numpy")[0])
