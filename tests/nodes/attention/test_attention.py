import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError, default_dtype
from tests.nodes.attention.reference import attention_loops
from tests.nodes.gradcases import GradCase, randn

CAUSAL = np.tril(np.ones((4, 4), bool))  # query i attends to keys 0..i
# A per-sample padding mask (N, 1, 1, Tk): the second sample has 2 real keys.
PADDING = np.array([True, True, True, True, True, True, False, False]).reshape(2, 1, 1, 4)


def qkv(n=2, heads=2, tq=4, tk=4, d=3, dv=3, seed=0):
    q = randn(n, heads, tq, d, seed=seed)
    return q, randn(n, heads, tk, d, seed=seed + 1), randn(n, heads, tk, dv, seed=seed + 2)


CASES = [
    GradCase("attention-fused", nd.fused_attention, qkv()),
    GradCase("attention-fused-causal", lambda q, k, v: nd.fused_attention(q, k, v, mask=CAUSAL), qkv()),
    GradCase("attention-fused-padding", lambda q, k, v: nd.fused_attention(q, k, v, mask=PADDING), qkv()),
    GradCase("attention-fused-cross", nd.fused_attention, qkv(tq=3, tk=5, d=2, dv=4)),
    # keys and values shared by every sample and head: the engine sums their addends
    GradCase(
        "attention-fused-shared-kv", nd.fused_attention, (randn(2, 2, 3, 4), randn(3, 4, seed=1), randn(3, 2, seed=2))
    ),
    GradCase("attention-wired", nd.scaled_dot_product_attention, qkv()),
    GradCase(
        "attention-wired-causal", lambda q, k, v: nd.scaled_dot_product_attention(q, k, v, mask=CAUSAL), qkv()
    ),
    # The padding mask as a boolean input fed at every pass.
    GradCase("attention-fused-fed-padding", lambda q, k, v, m: nd.fused_attention(q, k, v, mask=m), (*qkv(), PADDING)),
    GradCase(
        "attention-wired-fed-padding",
        lambda q, k, v, m: nd.scaled_dot_product_attention(q, k, v, mask=m), (*qkv(), PADDING),
    ),
    GradCase("attention-fused-scale-is-causal", lambda q, k, v: nd.fused_attention(q, k, v, scale=0.7, is_causal=True),
             qkv(tq=3, tk=5)),
    GradCase("attention-wired-scale-is-causal",
             lambda q, k, v: nd.scaled_dot_product_attention(q, k, v, scale=0.7, is_causal=True), qkv(tq=5, tk=3)),
]


def _run(build, q, k, v, seed):
    """Values and input gradients of `build(q, k, v)` in float64 for the backward seed."""
    with default_dtype(np.float64):
        inputs = [Input(name, shape=a.shape, requires_grad=True) for name, a in zip("qkv", (q, k, v))]
        graph = Graph(build(*inputs))
    out = graph.forward(q=q, k=k, v=v)
    graph.backward(seed=seed, update=False)
    return out, [i.grad for i in inputs]


@pytest.mark.parametrize("mask", [None, CAUSAL, PADDING], ids=["unmasked", "causal", "padding"])
@pytest.mark.parametrize("build", [nd.fused_attention, nd.scaled_dot_product_attention], ids=["fused", "wired"])
def test_attention_matches_the_loop_reference(build, mask):
    q, k, v = qkv(d=4, dv=3, seed=3)
    seed = randn(2, 2, 4, 3, seed=9)
    out, grads = _run(lambda *xs: build(*xs, mask=mask), q, k, v, seed)
    expected_out, *expected_grads = attention_loops(q, k, v, mask, seed)
    np.testing.assert_allclose(out, expected_out, rtol=1e-10, atol=1e-12)
    for got, want in zip(grads, expected_grads):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_fused_and_wired_attention_agree_in_float32():
    q, k, v = (a.astype(np.float32) for a in qkv(n=3, heads=4, tq=5, tk=5, d=8, dv=8, seed=4))
    mask = (np.random.default_rng(0).random((5, 5)) < 0.6) | np.eye(5, dtype=bool)
    results = []
    for build in (nd.fused_attention, nd.scaled_dot_product_attention):
        inputs = [Input(name, shape=a.shape, requires_grad=True) for name, a in zip("qkv", (q, k, v))]
        graph = Graph(build(*inputs, mask=mask))
        out = graph.forward(q=q, k=k, v=v)
        graph.backward(update=False)
        assert out.dtype == np.float32 and all(i.grad.dtype == np.float32 for i in inputs)
        results.append([out] + [i.grad for i in inputs])
    for fused, wired in zip(*results):
        np.testing.assert_allclose(fused, wired, rtol=1e-5, atol=1e-6)


def test_a_fully_masked_query_outputs_zero_and_passes_no_gradient():
    q, k, v = qkv(n=1, heads=1)
    mask = np.ones((4, 4), bool)
    mask[2] = False  # query 2 may attend to nothing
    seed = randn(1, 1, 4, 3, seed=5)
    out, (dq, dk, dv) = _run(lambda *xs: nd.fused_attention(*xs, mask=mask), q, k, v, seed)
    assert np.all(np.isfinite(out)) and np.all(out[0, 0, 2] == 0) and np.all(dq[0, 0, 2] == 0)
    expected_out, *_ = attention_loops(q, k, v, mask, seed)
    np.testing.assert_allclose(out, expected_out, rtol=1e-10, atol=1e-12)


def test_without_gradient_for_q_and_k_only_v_gets_one():
    q, k, v = qkv()
    with default_dtype(np.float64):
        iq, ik = Input("q"), Input("k")
        iv = Input("v", requires_grad=True)
        graph = Graph(nd.fused_attention(iq, ik, iv))
    graph.forward(q=q, k=k, v=v)
    graph.backward(update=False)
    assert iq.grad is None and ik.grad is None and iv.grad.shape == v.shape


def test_mismatched_shapes_and_masks_are_refused_when_wired():
    q, k = Input("q", shape=(None, 2, 4, 8)), Input("k", shape=(None, 2, 4, 6))
    with pytest.raises(ShapeError, match="feature sizes"):
        nd.fused_attention(q, k, k)
    k = Input("k", shape=(None, 2, 5, 8))
    with pytest.raises(ShapeError, match="key counts"):
        nd.fused_attention(q, k, Input("v", shape=(None, 2, 4, 8)))
    with pytest.raises(ShapeError, match="mask"):
        nd.fused_attention(q, k, k, mask=np.ones((4, 4), bool))  # 5 keys, not 4
    with pytest.raises(TypeError, match="boolean"):
        nd.fused_attention(q, k, k, mask=np.ones((4, 5)))


def test_the_fused_node_keeps_nothing_in_inference():
    q, k, v = qkv()
    with default_dtype(np.float64):
        inputs = [Input(name) for name in "qkv"]
        node = nd.fused_attention(*inputs)
    Graph(node).forward(q=q, k=k, v=v, grad=False)
    assert not hasattr(node, "p")


@pytest.mark.parametrize("build", [nd.fused_attention, nd.scaled_dot_product_attention], ids=["fused", "wired"])
def test_a_fed_padding_mask_matches_the_loop_reference_for_any_batch(build):
    with default_dtype(np.float64):
        names = ("q", "k", "v")
        inputs = [Input(name, shape=(None, 2, 4, 3), requires_grad=True) for name in names]
        keep = Input("keep", shape=(None, 1, 1, 4), dtype=bool)
        graph = Graph(build(*inputs, mask=keep))
    for n, seed in ((2, 0), (3, 5)):  # two batch sizes, two masks
        q, k, v = qkv(n=n, seed=seed)
        mask = np.random.default_rng(seed).random((n, 1, 1, 4)) < 0.7
        mask[:, 0, 0, 0] = True
        g = np.random.default_rng(seed + 9).standard_normal((n, 2, 4, 3))
        out = graph.forward(q=q, k=k, v=v, keep=mask)
        graph.backward(seed=g, update=False)
        expected_out, *expected_grads = attention_loops(q, k, v, mask, g)
        np.testing.assert_allclose(out, expected_out, atol=1e-12)
        for node, expected in zip(inputs, expected_grads):
            np.testing.assert_allclose(node.grad, expected, atol=1e-12)


@pytest.mark.parametrize("tq, tk", [(4, 4), (3, 5), (5, 3)])
@pytest.mark.parametrize("scale", [None, 0.25])
@pytest.mark.parametrize("build", [nd.fused_attention, nd.scaled_dot_product_attention], ids=["fused", "wired"])
def test_scale_and_is_causal_match_the_loop_reference(build, scale, tq, tk):
    # PyTorch's is_causal is the top-left aligned lower triangle: query i attends to keys 0..i.
    q, k, v = qkv(tq=tq, tk=tk, d=4, dv=3, seed=6)
    seed = randn(2, 2, tq, 3, seed=8)
    out, grads = _run(lambda *xs: build(*xs, scale=scale, is_causal=True), q, k, v, seed)
    triangle = np.array([[j <= i for j in range(tk)] for i in range(tq)])
    expected_out, *expected_grads = attention_loops(q, k, v, triangle, seed, scale=scale)
    np.testing.assert_allclose(out, expected_out, rtol=1e-10, atol=1e-12)
    for got, want in zip(grads, expected_grads):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_is_causal_with_a_padding_mask_keeps_what_both_allow():
    q, k, v = qkv(seed=2)
    seed = randn(2, 2, 4, 3, seed=4)
    out, grads = _run(lambda *xs: nd.fused_attention(*xs, mask=PADDING, is_causal=True), q, k, v, seed)
    expected_out, *expected_grads = attention_loops(q, k, v, PADDING & CAUSAL, seed)
    np.testing.assert_allclose(out, expected_out, rtol=1e-10, atol=1e-12)
    for got, want in zip(grads, expected_grads):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_causal_mask_is_read_only_and_top_left_aligned():
    mask = nd.causal_mask(2, 3)
    np.testing.assert_array_equal(mask, [[True, False, False], [True, True, False]])
    assert not mask.flags.writeable


def test_gradients_of_split_heads_come_in_their_inputs_layout_with_the_same_values():
    # q, k, v as multi-head attention makes them: (N, T, heads * d) rows seen as (N, heads, T, d). Their
    # gradients in that layout go back through the swap and the reshape without a copy.
    n, t, heads, d = 3, 5, 2, 4
    rows = [randn(n * t, heads * d, seed=s).astype(np.float32) for s in range(3)]
    q, k, v = (r.reshape(n, t, heads, d).swapaxes(1, 2) for r in rows)
    g = randn(n, heads, t, d, seed=3).astype(np.float32)
    x = [Input(name, shape=a.shape, requires_grad=True) for name, a in zip("qkv", (q, k, v))]
    node = nd.fused_attention(*x)
    graph = Graph(node)
    graph.forward(q=q, k=k, v=v)
    graph.backward(seed=g, update=False)
    scores = q @ k.swapaxes(-1, -2) / np.sqrt(d)
    p = np.exp(scores - scores.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    dp = g @ v.swapaxes(-1, -2)
    ds = p * (dp - (dp * p).sum(-1, keepdims=True)) / np.sqrt(d)
    expected = {"q": ds @ k, "k": ds.swapaxes(-1, -2) @ q, "v": p.swapaxes(-1, -2) @ g}
    for inp in x:
        np.testing.assert_allclose(inp.grad, expected[inp.name], rtol=1e-5, atol=1e-6, err_msg=inp.name)
        assert inp.grad.swapaxes(1, 2).flags.c_contiguous, inp.name  # the rows' layout, as the input's
