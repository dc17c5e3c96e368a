import importlib

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError, default_dtype
from nodes.conv.conv2d import ConvInputGrad, ConvWeightGrad
from tests.nodes.gradcases import GradCase, randn

#: The known values and gradient cases run on both paths (tests/nodes/conftest.py).
pytestmark = pytest.mark.usefixtures("both_kernel_paths")

conv_kernels = importlib.import_module("nodes.conv.conv_kernels")


def _conv(**settings):
    return lambda x, w, b: nd.conv2d(x, w, b, **settings)


CASES = [
    GradCase("conv2d-basic", _conv(), (randn(2, 5, 5, 2), randn(3, 3, 2, 3, seed=1), randn(3, seed=2))),
    *[GradCase(f"conv2d-stride2-pad1-dilated-{k}", _conv(stride=2, padding=1, dilation=(1, 2), kernels=k),
               (randn(2, 6, 7, 3), randn(3, 2, 3, 2, seed=1), randn(2, seed=2))) for k in ("numpy", "numba")],
    GradCase("conv2d-one-channel-pad", _conv(padding=1),
             (randn(2, 4, 4, 1), randn(3, 3, 1, 2, seed=1), randn(2, seed=2))),
    GradCase("conv2d-stride2-pad1", _conv(stride=2, padding=1),
             (randn(1, 5, 6, 4), randn(3, 3, 4, 2, seed=1), randn(2, seed=2))),
    GradCase("conv2d-rect-stride-pad", _conv(stride=(1, 2), padding=(2, 0)),
             (randn(2, 4, 5, 3), randn(2, 3, 3, 2, seed=1), randn(2, seed=2))),
    GradCase("conv2d-dilation2", _conv(dilation=2, padding=1),
             (randn(1, 6, 6, 4), randn(3, 3, 4, 2, seed=1), randn(2, seed=2))),
    GradCase("conv2d-groups2", _conv(groups=2, padding=1),
             (randn(2, 4, 4, 4), randn(3, 3, 2, 4, seed=1), randn(4, seed=2))),
    GradCase("conv2d-depthwise", _conv(groups=3), (randn(1, 4, 4, 3), randn(2, 2, 1, 6, seed=1), randn(6, seed=2))),
    GradCase("conv2d-no-bias", lambda x, w: nd.conv2d(x, w, stride=2), (randn(2, 5, 5, 8), randn(1, 1, 8, 2, seed=1))),
    GradCase("Conv2d-layer", lambda x: nd.Conv2d(2, 3, 3, padding=1, name="conv_case", rng=np.random.default_rng(0))(x),
             (randn(2, 4, 4, 2),)),
    # The adjoints Convolution's vjp builds, each under a curve so that second derivatives are not all 0.
    GradCase("conv2d-input-grad", lambda g, w, x: nd.tanh(ConvInputGrad(g, w, x, stride=2, padding=1)),
             (randn(1, 3, 3, 2), randn(3, 3, 4, 2, seed=1), randn(1, 5, 6, 4, seed=2)), wrt_inputs=(0, 1)),
    GradCase("conv2d-weight-grad-groups", lambda x, g, w: nd.tanh(ConvWeightGrad(x, g, w, padding=1, groups=2)),
             (randn(2, 4, 4, 4), randn(2, 4, 4, 4, seed=1), randn(3, 3, 2, 4, seed=2)), wrt_inputs=(0, 1)),
]


def reference_conv(x, w, b, stride, padding, dilation, groups):
    """Direct loops over output pixels (NHWC input, HWIO weights)."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    n, h, wd, c = x.shape
    kh, kw, cg, out = w.shape
    og = out // groups
    xp = np.zeros((n, h + 2 * ph, wd + 2 * pw, c))
    xp[:, ph:ph + h, pw:pw + wd] = x
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    y = np.zeros((n, ho, wo, out))
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, i * sh:i * sh + dh * (kh - 1) + 1:dh, j * sw:j * sw + dw * (kw - 1) + 1:dw]
            for o in range(out):
                grp = o // og
                y[:, i, j, o] = np.sum(patch[..., grp * cg:(grp + 1) * cg] * w[..., o], axis=(1, 2, 3)) + b[o]
    return y


SETTINGS = [
    dict(stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1),
    dict(stride=(2, 1), padding=(1, 2), dilation=(1, 1), groups=1),
    dict(stride=(1, 2), padding=(2, 1), dilation=(2, 1), groups=1),
    dict(stride=(2, 2), padding=(1, 1), dilation=(1, 1), groups=2),
    dict(stride=(1, 1), padding=(1, 1), dilation=(1, 1), groups=4),
]


@pytest.mark.parametrize("kernels", ["numpy", "numba"])
@pytest.mark.parametrize("channels", [1, 4])
@pytest.mark.parametrize("settings", SETTINGS, ids=str)
def test_forward_and_backward_match_a_loop_reference(settings, channels, kernels):
    groups = settings["groups"] if channels % settings["groups"] == 0 else 1
    settings = dict(settings, groups=groups)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 7, 6, channels))
    w = rng.standard_normal((3, 2, channels // groups, 4))
    b = rng.standard_normal(4)
    expected = reference_conv(x, w, b, **settings)
    with default_dtype(np.float64):
        xi, wi, bi = Input("x", requires_grad=True), Input("w", requires_grad=True), Input("b", requires_grad=True)
        graph = Graph(nd.conv2d(xi, wi, bi, **settings, kernels=kernels))
    got = graph.forward(x=x, w=w, b=b)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    # Backward against the reference's own adjoint: the gradient of
    # sum(seed * reference(x, w, b)) by finite differences is linear, so
    # exact differences of the linear map give it in closed form.
    seed = rng.standard_normal(expected.shape)
    graph.backward(seed=seed, update=False)
    np.testing.assert_allclose(xi.grad, _linear_gradient(lambda v: reference_conv(v, w, b * 0, **settings), x, seed),
                               rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(wi.grad, _linear_gradient(lambda v: reference_conv(x, v, b * 0, **settings), w, seed),
                               rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(bi.grad, seed.sum(axis=(0, 1, 2)), rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_compiled_input_gradient_in_uneven_chunks_matches_numpy_path(monkeypatch, dtype):
    """Chunks of 2 images of 5 (the last one short), stride 2 and padding: the same dG/dx as numpy's col2im."""
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((5, 9, 8, 3)).astype(dtype), rng.standard_normal((3, 3, 3, 4)).astype(dtype)
    # Output 5 x 4 per image, 3*3*3 window values per output pixel: two images' rows per chunk.
    monkeypatch.setattr(conv_kernels, "CHUNK_BYTES", 2 * 5 * 4 * 3 * 3 * 3 * np.dtype(dtype).itemsize)
    chunks, add_windows = [], conv_kernels.add_windows

    def spy(padded, rows, first, *rest):
        chunks.append((first, rows.shape[0]))
        add_windows(padded, rows, first, *rest)

    monkeypatch.setattr(conv_kernels, "add_windows", spy)
    grads = []
    for kernels in ("numpy", "numba"):
        with default_dtype(dtype):
            xi, wi = Input("x", requires_grad=True), Input("w", requires_grad=True)
            graph = Graph(nd.conv2d(xi, wi, stride=2, padding=1, kernels=kernels))
        seed = np.random.default_rng(4).standard_normal(graph.forward(x=x, w=w).shape).astype(dtype)
        graph.backward(seed=seed, update=False)
        grads.append(xi.grad)
    assert chunks == [(0, 40), (2, 40), (4, 20)]  # only the compiled pass chunks, and it did
    assert grads[1].dtype == dtype and grads[1].flags.c_contiguous
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5)


def test_float16_takes_the_numpy_path_where_numba_is_asked_for(monkeypatch):
    monkeypatch.setattr(conv_kernels, "input_gradient", None)  # calling it would fail
    x, w = randn(2, 5, 5, 2).astype(np.float16), randn(3, 3, 2, 3, seed=1).astype(np.float16)
    grads = []
    for kernels in ("numpy", "numba"):
        with default_dtype(np.float16):
            xi, wi = Input("x", requires_grad=True), Input("w", requires_grad=True)
            graph = Graph(nd.conv2d(xi, wi, padding=1, kernels=kernels))
        graph.forward(x=x, w=w)
        graph.backward(seed=np.ones((2, 5, 5, 3), np.float16), update=False)
        grads.append(xi.grad)
    np.testing.assert_array_equal(grads[1], grads[0])


def _linear_gradient(f, at, seed):
    """d sum(seed * f(v)) / dv for f linear in v: f evaluated at unit vectors."""
    grad = np.zeros(at.shape)
    flat = grad.reshape(-1)
    for k in range(at.size):
        unit = np.zeros(at.size)
        unit[k] = 1.0
        flat[k] = np.sum(seed * f(unit.reshape(at.shape)))
    return grad


@pytest.mark.parametrize("channels", [1, 8])
def test_float32_values_and_gradients_stay_float32(channels):
    x = Input("x", shape=(None, 8, 8, channels), requires_grad=True)
    layer = nd.Conv2d(channels, 5, 3, padding=1, name="c32", rng=np.random.default_rng(0))
    graph = Graph(layer(x))
    out = graph.forward(x=randn(2, 8, 8, channels))
    assert out.dtype == np.float32 and out.shape == (2, 8, 8, 5)
    graph.backward(update=False)
    assert x.grad.dtype == layer.weight.grad.dtype == layer.bias.grad.dtype == np.float32


def test_layer_parameters_are_named_and_he_initialised():
    layer = nd.Conv2d(16, 32, 3, name="block.conv", rng=np.random.default_rng(0))
    assert layer.weight.name == "block.conv.weight" and layer.bias.name == "block.conv.bias"
    assert layer.weight.value.shape == (3, 3, 16, 32) and layer.bias.value.shape == (32,)
    np.testing.assert_allclose(layer.weight.value.std(), np.sqrt(2 / (3 * 3 * 16)), rtol=0.05)
    y = layer(Input("x", shape=(None, 10, 10, 16)))
    assert y.name == "block.conv.conv2d" and y.shape == (None, 8, 8, 32)


def test_first_layer_skips_the_input_gradient():
    x = Input("x")
    layer = nd.Conv2d(1, 2, 3, name="first", rng=np.random.default_rng(0))
    graph = Graph(layer(x))
    graph.forward(x=randn(2, 5, 5, 1))
    graph.backward(update=False)
    assert x.grad is None and layer.weight.grad is not None


def test_channel_mismatch_is_refused_when_wired():
    with pytest.raises(ShapeError, match="channels"):
        nd.conv2d(Input("x", shape=(None, 8, 8, 3)), np.zeros((3, 3, 4, 2)))
    with pytest.raises(ShapeError, match="does not fit"):
        nd.conv2d(Input("x", shape=(None, 2, 2, 1)), np.zeros((3, 3, 1, 2)))
