"""Wiring that numpy would accept and silently get wrong is refused, naming the node and the shapes."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd

LOSSES = [
    pytest.param(nd.mse, ("prediction", "target"), id="mse"),
    pytest.param(nd.binary_cross_entropy_with_logits, ("logits", "targets"), id="bce"),
]


@pytest.mark.parametrize("loss, words", LOSSES)
def test_a_column_against_a_vector_is_refused_at_wiring(loss, words):
    pred, target = ag.Input("pred", shape=(None, 1)), ag.Input("target", shape=(None,))
    with pytest.raises(ag.ShapeError) as caught:
        loss(pred, target, name="loss")
    message = str(caught.value)
    assert "'loss'" in message
    assert f"{words[0]} of shape (N, 1) and {words[1]} of shape (N,) must have the same shape" in message
    assert "(N, N)" in message  # what the broadcast would have made


@pytest.mark.parametrize("loss, words", LOSSES)
def test_shapes_known_only_at_forward_are_refused_then(loss, words):
    w = ag.Parameter(np.full((1, 1), 0.5), name="w")
    pred, target = ag.Input("pred") @ w, ag.Input("target")
    graph = ag.Graph(loss(pred, target, name="loss"))
    x, t = np.ones((3, 1)), np.zeros(3)
    with pytest.raises(ag.ShapeError) as caught:
        graph.forward(pred=x, target=t)
    message = str(caught.value)
    assert "'loss'" in message and f"{words[0]} of shape (3, 1) and {words[1]} of shape (3,)" in message
    assert "(3, 3)" in message
    np.testing.assert_array_equal(w.value, [[0.5]])  # nothing changed
    assert graph.parameter("w").grad is None


def test_same_shapes_still_work_and_match_numpy():
    rng = np.random.default_rng(0)
    p, t = rng.standard_normal((5, 1)), rng.standard_normal((5, 1))
    pred, target = ag.Input("pred", shape=(None, 1)), ag.Input("target", shape=(None, 1))
    graph = ag.Graph(nd.mse(pred, target))
    np.testing.assert_allclose(graph.forward(pred=p, target=t), np.mean((p - t) ** 2), rtol=1e-6)
    t01 = (t > 0).astype(float)
    bce = ag.Graph(nd.binary_cross_entropy_with_logits(pred, target))
    s = 1 / (1 + np.exp(-p))
    expected = -np.mean(t01 * np.log(s) + (1 - t01) * np.log(1 - s))
    np.testing.assert_allclose(bce.forward(pred=p, target=t01), expected, rtol=1e-5)


def test_a_known_batch_against_an_unknown_one_is_accepted_at_wiring():
    # (N, 3) against a constant (5, 3): equal once N is 5, so only the forward pass can tell.
    loss = nd.mse(ag.Input("pred", shape=(None, 3)), np.zeros((5, 3)), reduction="none")
    assert loss.shape == (5, 3)


POOLS = [pytest.param(nd.max_pool2d, "max_pool2d", id="max"), pytest.param(nd.avg_pool2d, "avg_pool2d", id="avg")]


@pytest.mark.parametrize("pool, op", POOLS)
def test_a_window_larger_than_the_image_is_refused_at_wiring(pool, op):
    x = ag.Input("x", shape=(None, 3, 4, 2))
    with pytest.raises(ag.ShapeError) as caught:
        pool(x, 6, padding=1, name="pool")
    message = str(caught.value)
    assert f"node 'pool' ({op})" in message
    assert "(6, 6) window" in message and "image of 3 x 4 padded by (1, 1) to 5 x 6" in message
    assert "empty" in message


@pytest.mark.parametrize("pool, op", POOLS)
def test_a_window_larger_than_an_image_of_unknown_size_is_refused_at_forward(pool, op):
    x = ag.Input("x", shape=(None, None, None, 2))
    graph = ag.Graph(pool(x, 4, name="pool"))
    assert graph.forward(x=np.ones((1, 4, 4, 2))).shape == (1, 1, 1, 2)  # a window that just fits
    with pytest.raises(ag.ShapeError) as caught:
        graph.forward(x=np.ones((1, 3, 6, 2)))
    message = str(caught.value)
    assert f"node 'pool' ({op})" in message and "(4, 4) window" in message and "image of 3 x 6" in message


def test_a_dilated_window_names_its_span():
    with pytest.raises(ag.ShapeError, match=r"dilation \(2, 2\): it spans 5 x 5\) does not fit an image of 4 x 4"):
        nd.max_pool2d(ag.Input("x", shape=(None, 4, 4, 1)), 3, dilation=2, name="pool")


def test_ceil_mode_keeps_pytorchs_overhanging_window():
    # PyTorch: floor((3 - 4 + 1) / 2) + 1 = 1 output along each axis, the window overhanging the image.
    y = nd.max_pool2d(ag.Input("x", shape=(None, 3, 3, 1)), 4, stride=2, ceil_mode=True)
    assert y.shape == (None, 1, 1, 1)
    image = np.arange(9.0).reshape(1, 3, 3, 1)
    np.testing.assert_array_equal(ag.Graph(y).forward(x=image), [[[[8.0]]]])
