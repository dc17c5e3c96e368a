"""layout="NCHW": convolution, pooling and batch norm on PyTorch's layout give PyTorch's numbers.

The convolution reference is a loop over PyTorch's NCHW definition with
OIHW weights; the pooling and batch-norm ones are the NHWC results
transposed, or numpy statistics over the (N, H, W) axes of NCHW arrays.
"""

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError, default_dtype
from nodes.common.layout import check_layout
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate


def conv_nchw(x, w, b, stride, padding, dilation, groups):
    """out[n, o, i, j] = b[o] + sum_{c, a, e} w[o, c, a, e] x_pad[n, g(o) + c, i s + a d, j s + e d], by loops."""
    n, cin, h, wd = x.shape
    cout, cg, kh, kw = w.shape
    xp = np.zeros((n, cin, h + 2 * padding, wd + 2 * padding))
    xp[:, :, padding:padding + h, padding:padding + wd] = x
    ho = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    wo = (wd + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((n, cout, ho, wo))
    per_group = cout // groups
    for o in range(cout):
        first = (o // per_group) * cg
        for i in range(ho):
            for j in range(wo):
                for a in range(kh):
                    for e in range(kw):
                        patch = xp[:, first:first + cg, i * stride + a * dilation, j * stride + e * dilation]
                        out[:, o, i, j] += patch @ w[o, :, a, e]
        out[:, o] += b[o]
    return out


def nchw_conv(stride=1, padding=0, dilation=1, groups=1):
    return lambda x, w, b: nd.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups,
                                     layout="NCHW")


def nchw_bn(x, gamma, beta):
    return nd.batch_norm(x, gamma, beta, layout="NCHW")


def distinct(*shape):
    return (np.random.default_rng(0).permutation(int(np.prod(shape))) * 0.05).reshape(shape)


CASES = [
    GradCase("conv2d-nchw", nchw_conv(padding=1), (randn(2, 3, 5, 4), randn(4, 3, 3, 3, seed=1), randn(4, seed=2))),
    GradCase("conv2d-nchw-grouped-strided", nchw_conv(stride=2, padding=1, dilation=2, groups=2),
             (randn(1, 4, 7, 6), randn(6, 2, 2, 3, seed=1), randn(6, seed=2))),
    GradCase("max_pool-nchw", lambda x: nd.max_pool2d(x, 2, layout="NCHW"), (distinct(2, 3, 4, 4),)),
    GradCase("max_pool-nchw-indices", lambda x: nd.max_pool2d(x, 3, 2, 1, return_indices=True, layout="NCHW")[0],
             (distinct(1, 2, 5, 6),)),
    GradCase("avg_pool-nchw", lambda x: nd.avg_pool2d(x, 3, 2, 1, count_include_pad=False, layout="NCHW"),
             (randn(2, 3, 5, 6),)),
    GradCase("global_avg_pool-nchw", lambda x: nd.global_avg_pool(x, layout="NCHW"), (randn(2, 3, 4, 5),)),
    GradCase("batch_norm-nchw", nchw_bn, (randn(3, 2, 3, 4), randn(2, seed=1), randn(2, seed=2))),
    GradCase("conv-bn-pool-nchw", lambda x, w, b, gamma, beta: nd.max_pool2d(
        nchw_bn(nchw_conv(padding=1)(x, w, b), gamma, beta), 2, layout="NCHW"),
        (randn(2, 1, 4, 4), randn(2, 1, 3, 3, seed=1), randn(2, seed=2), randn(2, seed=3) + 2, randn(2, seed=4))),
]


@pytest.mark.parametrize("stride, padding, dilation, groups", [(1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 2), (2, 1, 1, 4)])
def test_nchw_convolution_matches_pytorchs_definition(stride, padding, dilation, groups):
    x, w, b = randn(2, 4, 7, 6), randn(8, 4 // groups, 3, 2, seed=1), randn(8, seed=2)
    got = evaluate(nchw_conv(stride, padding, dilation, groups), x, w, b)
    np.testing.assert_allclose(got, conv_nchw(x, w, b, stride, padding, dilation, groups), rtol=1e-12, atol=1e-12)


def test_conv2d_block_keeps_pytorchs_weight_layout():
    nhwc = nd.Conv2d(3, 5, (3, 2), padding=1, rng=np.random.default_rng(4))
    nchw = nd.Conv2d(3, 5, (3, 2), padding=1, rng=np.random.default_rng(4), layout="NCHW")
    assert nhwc.weight.shape == (3, 2, 3, 5) and nchw.weight.shape == (5, 3, 3, 2)  # HWIO and OIHW
    np.testing.assert_array_equal(nchw.weight.value, nhwc.weight.value.transpose(3, 2, 0, 1))
    x = randn(2, 3, 6, 5)
    got = evaluate(lambda v: nchw(v), x)
    np.testing.assert_allclose(got, evaluate(lambda v: nhwc(v), x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2),
                               rtol=1e-6)
    np.testing.assert_allclose(got, conv_nchw(x, nchw.weight.value, nchw.bias.value, 1, 1, 1, 1), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("pool", [
    lambda x, layout: nd.max_pool2d(x, 2, layout=layout),
    lambda x, layout: nd.max_pool2d(x, 3, 2, 1, dilation=1, ceil_mode=True, return_indices=True, layout=layout)[1],
    lambda x, layout: nd.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False, layout=layout),
], ids=["max", "max-indices", "avg"])
def test_nchw_pooling_is_nhwc_pooling_transposed(pool):
    x = randn(2, 3, 7, 6)
    got = evaluate(lambda v: pool(v, "NCHW"), x)
    expected = evaluate(lambda v: pool(v, "NHWC"), x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    np.testing.assert_array_equal(got, expected)


def test_nchw_max_pool_indices_address_each_channel_plane():
    x = randn(2, 3, 6, 6)
    pooled, indices = evaluate(lambda v: nd.max_pool2d(v, 2, return_indices=True, layout="NCHW"), x)
    gathered = np.take_along_axis(x.reshape(2, 3, 36), indices.reshape(2, 3, 9), axis=2)
    np.testing.assert_array_equal(gathered, pooled.reshape(2, 3, 9))


def test_nchw_batch_norm_normalises_each_channel_over_n_h_and_w():
    x, gamma, beta = randn(4, 3, 2, 5) * 2 + 1, randn(3, seed=1), randn(3, seed=2)
    got = evaluate(nchw_bn, x, gamma, beta)
    mean, var = x.mean(axis=(0, 2, 3), keepdims=True), x.var(axis=(0, 2, 3), keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-5) * gamma[None, :, None, None] + beta[None, :, None, None]
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_batch_norm_block_in_nchw_updates_its_running_statistics():
    with default_dtype(np.float64):
        block = nd.BatchNorm(3, layout="NCHW", momentum=1.0)
        x = Input("x", shape=(None, 3, 2, 2))
        graph = Graph(block(x))
    data = randn(5, 3, 2, 2)
    graph.forward(x=data)
    np.testing.assert_allclose(block.buffers["running_mean"], data.mean(axis=(0, 2, 3)))
    assert block.node.buffer_name == f"{block.name}.batch_norm"


def test_flat_batch_norm_is_the_same_in_both_layouts():
    x, gamma, beta = randn(6, 3), randn(3, seed=1), randn(3, seed=2)
    node = nd.batch_norm(Input("x", shape=(None, 3)), Input("g", shape=(3,)), Input("b", shape=(3,)), layout="NCHW")
    assert node.shape == (None, 3)  # moving the channels axis of (N, C) to the end changes nothing
    np.testing.assert_allclose(evaluate(nchw_bn, x, gamma, beta), evaluate(nd.batch_norm, x, gamma, beta))


def test_layouts_are_checked():
    assert check_layout("NCHW") == "NCHW"
    with pytest.raises(ValueError, match="layout must be one of"):
        nd.max_pool2d(Input("x"), 2, layout="NHCW")
    with pytest.raises(ShapeError, match=r"layout NCHW expects x \(N, C_in, H, W\)"):
        nd.conv2d(Input("x", shape=(None, 3, 4)), Input("w", shape=(2, 3, 1, 1)), layout="NCHW")
