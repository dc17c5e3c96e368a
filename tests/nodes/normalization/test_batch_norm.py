import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError, default_dtype
from tests.nodes.gradcases import GradCase, positive, randn


def _bn(x, gamma, beta):
    return nd.batch_norm(x, gamma, beta)


def _bn_eval(x, gamma, beta):
    node = nd.batch_norm(x, gamma, beta)
    node.buffers["running_mean"][...] = [0.3, -0.2, 0.1]
    node.buffers["running_var"][...] = [0.5, 2.0, 1.5]
    return node


CASES = [
    GradCase("batch_norm-2d", _bn, (randn(6, 3, seed=4), positive(3, seed=1), randn(3, seed=2))),
    GradCase("batch_norm-4d", _bn, (randn(2, 3, 2, 3, seed=4), positive(3, seed=1), randn(3, seed=2))),
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
