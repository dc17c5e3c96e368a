import importlib

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError, default_dtype
from tests.nodes.gradcases import GradCase, positive, randn

#: The known values and gradient cases run on both paths (tests/nodes/conftest.py).
pytestmark = pytest.mark.usefixtures("both_kernel_paths")

module = importlib.import_module("nodes.normalization.batch_norm")  # the package's batch_norm is the function


def _bn(x, gamma, beta, kernels=None):
    return nd.batch_norm(x, gamma, beta, kernels=kernels)


def _bn_eval(x, gamma, beta):
    node = nd.batch_norm(x, gamma, beta)
    node.buffers["running_mean"][...] = [0.3, -0.2, 0.1]
    node.buffers["running_var"][...] = [0.5, 2.0, 1.5]
    return node


CASES = [
    GradCase("batch_norm-2d", _bn, (randn(6, 3, seed=4), positive(3, seed=1), randn(3, seed=2))),
    GradCase("batch_norm-4d", _bn, (randn(2, 3, 2, 3, seed=4), positive(3, seed=1), randn(3, seed=2))),
    *[GradCase(f"batch_norm-4d-{kernels}", lambda x, g, b, k=kernels: _bn(x, g, b, kernels=k),
               (randn(2, 3, 2, 3, seed=5), positive(3, seed=1), randn(3, seed=2))) for kernels in ("numpy", "numba")],
    GradCase("batch_norm-eval", _bn_eval, (randn(2, 2, 2, 3), positive(3, seed=1), randn(3, seed=2)), training=False),
    GradCase("BatchNorm-layer", lambda x: nd.BatchNorm(4, name="bn_case")(x) * randn(4, seed=3),
             (randn(5, 4, seed=4),)),
]


def _graph(features, momentum=0.1):
    with default_dtype(np.float64):
        x = Input("x")
        layer = nd.BatchNorm(features, name="bn", momentum=momentum)
        graph = Graph(layer(x))
    return graph, layer


def test_training_normalises_with_batch_statistics_and_updates_running_ones():
    graph, layer = _graph(3, momentum=0.25)
    x = randn(4, 5, 5, 3) * np.array([1.0, 3.0, 0.5]) + np.array([2.0, -1.0, 0.0])
    out = graph.forward(x=x)
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=(0, 1, 2)), 1, rtol=1e-4)
    rows = x[..., 0].size
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2)) * rows / (rows - 1)
    np.testing.assert_allclose(layer.node.buffers["running_mean"], 0.75 * 0 + 0.25 * mean, rtol=1e-6)
    np.testing.assert_allclose(layer.node.buffers["running_var"], 0.75 * 1 + 0.25 * var, rtol=1e-6)
    graph.forward(x=x)
    np.testing.assert_allclose(layer.node.buffers["running_mean"], (1 - 0.75**2) * mean, rtol=1e-6)


def test_evaluation_uses_running_statistics_and_leaves_them_alone():
    graph, layer = _graph(2)
    buffers = layer.node.buffers
    buffers["running_mean"][...] = [1.0, -2.0]
    buffers["running_var"][...] = [4.0, 0.25]
    layer.gamma.value[...] = [2.0, 1.0]
    layer.beta.value[...] = [0.5, 0.0]
    graph.eval()
    x = randn(3, 2)
    out = graph.forward(x=x)
    expected = (x - [1.0, -2.0]) / np.sqrt(np.array([4.0, 0.25]) + 1e-5) * [2.0, 1.0] + [0.5, 0.0]
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    np.testing.assert_array_equal(buffers["running_mean"], [1.0, -2.0])
    np.testing.assert_array_equal(buffers["running_var"], [4.0, 0.25])
    # Back in training mode the batch statistics are used again.
    graph.train()
    np.testing.assert_allclose(graph.forward(x=x).mean(axis=0), [0.5, 0.0], atol=1e-6)


def test_running_statistics_converge_to_the_data_statistics():
    graph, layer = _graph(2, momentum=0.1)
    rng = np.random.default_rng(0)
    for _ in range(200):
        graph.forward(x=rng.normal([3.0, -1.0], [2.0, 0.5], size=(256, 2)))
    np.testing.assert_allclose(layer.node.buffers["running_mean"], [3.0, -1.0], atol=0.1)
    np.testing.assert_allclose(layer.node.buffers["running_var"], [4.0, 0.25], rtol=0.1)


def test_buffers_keep_float32_and_output_is_float32():
    x = Input("x", shape=(None, 4, 4, 3))
    layer = nd.BatchNorm(3, name="bn32")
    out = Graph(layer(x)).forward(x=randn(2, 4, 4, 3))
    assert out.dtype == np.float32 and layer.node.buffers["running_mean"].dtype == np.float32


def test_channel_mismatch_is_refused_when_wired():
    with pytest.raises(ShapeError, match="gamma"):
        nd.batch_norm(Input("x", shape=(None, 5)), np.ones(4), np.zeros(5))


def _reference(x, gamma, beta, g, eps=1e-5):
    """Batch norm over every axis but the last, and its three gradients for dG/df = g, in plain numpy."""
    axes = tuple(range(x.ndim - 1))
    xh = (x - x.mean(axis=axes)) / np.sqrt(x.var(axis=axes) + eps)
    d = g * gamma
    gx = (d - d.mean(axis=axes) - xh * (d * xh).mean(axis=axes)) / np.sqrt(x.var(axis=axes) + eps)
    return xh * gamma + beta, gx, (g * xh).sum(axis=axes), g.sum(axis=axes)


def _run(x, gamma, beta, g, layout="NHWC", training=True, kernels=None):
    """(f, dG/dx, dG/dgamma, dG/dbeta) of nd.batch_norm in float64 for the output gradient g."""
    with default_dtype(np.float64):
        xi = Input("x", shape=x.shape, requires_grad=True)
        gi, bi = Input("gamma", shape=gamma.shape, requires_grad=True), Input("beta", shape=beta.shape,
                                                                              requires_grad=True)
        node = nd.batch_norm(xi, gi, bi, layout=layout, kernels=kernels)
        graph = Graph(node) if training else Graph(node).eval()
    f = graph.forward(x=x, gamma=gamma, beta=beta)
    norm = graph.nodes[-1] if layout == "NHWC" else next(n for n in graph.nodes if n.op == "batch_norm")
    assert norm.compiled == (training and norm.kernels == "numba")  # the path asked for ran
    graph.backward(seed=g, update=False)
    return f, xi.grad, gi.grad, bi.grad


@pytest.mark.parametrize("shape", [(5, 3, 7, 4), (3, 5, 2, 1), (7, 3), (2, 1, 1, 5)])
def test_slab_by_slab_passes_match_a_plain_numpy_reference(monkeypatch, shape):
    """Slabs of 2 rows (of one image line each), the last one short, against whole-array numpy."""
    monkeypatch.setattr(module, "SLAB_BYTES", 2 * shape[-2] * shape[-1] * 8 if len(shape) == 4 else 16 * shape[-1])
    x = randn(*shape, seed=1) * 3 + 2
    gamma, beta, g = randn(shape[-1], seed=2), randn(shape[-1], seed=3), randn(*shape, seed=4)
    for got, want in zip(_run(x, gamma, beta, g, kernels="numpy"), _reference(x, gamma, beta, g), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", [(5, 3, 7, 4), (7, 3), (2, 1, 1, 5)])
def test_compiled_kernels_match_a_plain_numpy_reference(shape):
    x = randn(*shape, seed=11) * 3 + 2
    gamma, beta, g = randn(shape[-1], seed=12), randn(shape[-1], seed=13), randn(*shape, seed=14)
    for got, want in zip(_run(x, gamma, beta, g, kernels="numba"), _reference(x, gamma, beta, g), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_nchw_layout_matches_the_reference_on_channels_second():
    x = randn(3, 4, 5, 6, seed=5) - 1
    gamma, beta, g = randn(4, seed=6), randn(4, seed=7), randn(3, 4, 5, 6, seed=8)
    got = _run(x, gamma, beta, g, layout="NCHW")
    want = _reference(np.moveaxis(x, 1, 3), gamma, beta, np.moveaxis(g, 1, 3))
    np.testing.assert_allclose(got[0], np.moveaxis(want[0], 3, 1), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got[1], np.moveaxis(want[1], 3, 1), rtol=1e-10, atol=1e-12)
    for a, b in zip(got[2:], want[2:], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_evaluation_gradients_use_the_running_statistics(monkeypatch):
    monkeypatch.setattr(module, "SLAB_BYTES", 3 * 4 * 3 * 8)  # 3 rows of 4 pixels: slabs of 3, 3 and 2 rows
    x, g = randn(2, 4, 4, 3, seed=9), randn(2, 4, 4, 3, seed=10)
    gamma, beta = randn(3, seed=11), randn(3, seed=12)
    f, gx, g_gamma, g_beta = _run(x, gamma, beta, g, training=False)  # fresh running statistics: mean 0, var 1
    s = 1 / np.sqrt(1 + 1e-5)
    np.testing.assert_allclose(f, x * s * gamma + beta, rtol=1e-12)
    np.testing.assert_allclose(gx, g * gamma * s, rtol=1e-12)
    np.testing.assert_allclose(g_gamma, (g * x * s).sum(axis=(0, 1, 2)), rtol=1e-12)
    np.testing.assert_allclose(g_beta, g.sum(axis=(0, 1, 2)), rtol=1e-12)


def test_gamma_and_beta_addends_come_summed_to_their_shape():
    x = Input("x", shape=(2, 3, 3, 4))
    gamma, beta = Input("gamma", shape=(4,)), Input("beta", shape=(4,))
    node = nd.batch_norm(x, gamma, beta)
    node.keep, node.training, node.needs = True, True, (True, True, True)
    node.forward(randn(2, 3, 3, 4).astype(np.float32), np.ones(4, np.float32), np.zeros(4, np.float32))
    addends = node.backward(randn(2, 3, 3, 4, seed=1).astype(np.float32))
    assert [a.shape for a in addends] == [(2, 3, 3, 4), (4,), (4,)]
    assert all(a.dtype == np.float32 for a in addends)
    node.needs = (False, True, False)
    assert [a is None for a in node.backward(randn(2, 3, 3, 4, seed=1).astype(np.float32))] == [True, False, True]


def test_compiled_and_numpy_paths_agree_in_float32_and_update_the_same_running_statistics():
    rng = np.random.default_rng(21)
    x = (rng.standard_normal((16, 6, 6, 8)) * 2 + 1).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    results = []
    for kernels in ("numpy", "numba"):
        xi = Input("x", shape=x.shape, requires_grad=True)
        layer = nd.BatchNorm(8, name="bn", kernels=kernels)
        graph = Graph(layer(xi))
        f = graph.forward(x=x)
        assert layer.node.compiled == (kernels == "numba")
        graph.backward(seed=g, update=False)
        results.append((f, xi.grad, layer.gamma.grad, layer.beta.grad, *layer.buffers.values()))
    for got, want in zip(*results, strict=True):
        assert got.dtype == want.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)


def test_float16_takes_the_numpy_path_where_numba_is_asked_for():
    x = np.random.default_rng(22).standard_normal((8, 3)).astype(np.float16)
    outputs = []
    for kernels in ("numpy", "numba"):
        with default_dtype(np.float16):
            layer = nd.BatchNorm(3, name="bn", kernels=kernels)
            graph = Graph(layer(Input("x", shape=x.shape)))
        outputs.append(graph.forward(x=x))
        assert not layer.node.compiled
    np.testing.assert_array_equal(outputs[1], outputs[0])
    assert outputs[1].dtype == np.float16
