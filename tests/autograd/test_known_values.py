"""The known values every correct engine must reproduce (hand-derived)."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd


def test_3_2_3_network_values_and_gradients():
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, 3))
        y = ag.Input("y", shape=(None, 3))
        # Weights as stated, rows = units; the graph computes x @ W^T.
        w1 = ag.Parameter(np.array([[-0.75, 0.5, -0.25], [0.25, -0.5, 0.75]]).T, name="W1")
        b1 = ag.Parameter([0.0, 1.0], name="b1")
        w2 = ag.Parameter(np.array([[-0.75, 0.75], [0.5, -0.5], [-0.25, 0.25]]).T, name="W2")
        b2 = ag.Parameter([0.75, 0.5, 0.25], name="b2")
        hidden = nd.leaky_relu(x @ w1 + b1, alpha=0.2)
        a2 = nd.sigmoid(hidden @ w2 + b2)
        cost = nd.sum((a2 - y) ** 2)
    graph = ag.Graph(cost)
    c = graph.forward(x=[[0.25, 0.5, 0.75]], y=[[0.0, 1.0, 0.0]])
    graph.backward(update=False)

    np.testing.assert_allclose(a2.value[0], [0.8581489351, 0.4501660027, 0.6456563062], atol=1e-10)
    assert c == pytest.approx(1.4556090852, abs=1e-10)
    np.testing.assert_allclose(b2.grad, [0.2089238075, -0.2721860532, 0.2954319752], atol=1e-10)
    np.testing.assert_allclose(
        w2.grad.T,
        [[-0.0052230952, 0.2872702353], [0.0068046513, -0.3742558231], [-0.0073857994, 0.4062189659]],
        atol=1e-10,
    )
    np.testing.assert_allclose(b1.grad, [-0.0733287752, 0.3666438760], atol=1e-10)
    np.testing.assert_allclose(
        w1.grad.T,
        [[-0.0183321938, -0.0366643876, -0.0549965814], [0.0916609690, 0.1833219380, 0.2749829070]],
        atol=1e-10,
    )


def test_one_sgd_step_uses_the_weights_the_forward_pass_saw():
    # x = 2 -> f = w1 x -> h = w2 f -> E = (h - 1)^2, lr 0.5.
    # dE/dh = 2 (12 - 1) = 22; dE/dw2 = 22 f = 88 -> w2 = 3 - 44 = -41.
    # dE/df = 22 * w2 with the OLD w2 = 66; dE/dw1 = 66 x = 132 -> w1 = 2 - 66 = -64.
    # (An engine that updated w2 before sending f its addend would get w1 = 2 + 41 * 22 = 904.)
    x = ag.Input("x")
    w1, w2 = ag.Parameter(2.0, name="w1"), ag.Parameter(3.0, name="w2")
    error = (w2 * (w1 * x) - 1.0) ** 2
    graph = ag.Graph(error, rule=ag.SGD(lr=0.5))
    assert graph.forward(x=2.0) == 121.0
    graph.backward()
    assert w2.value == -41.0
    assert w1.value == -64.0


def test_a_node_used_twice_gets_the_sum_of_its_addends():
    # b = a + a = 2a, c = b * b = 4 a^2 -> dc/da = 8 a; dc/db = 2 b.
    a = ag.Parameter([1.5, -2.0], name="a")
    b = a + a
    c = nd.sum(b * b)
    graph = ag.Graph(c)
    graph.forward()
    graph.backward(update=False)
    np.testing.assert_allclose(b.grad, 2 * np.array([3.0, -4.0]))
    np.testing.assert_allclose(a.grad, 8 * np.array([1.5, -2.0]))


def test_a_shared_parameter_sums_its_addends_and_updates_once():
    # y1 = x1 @ W, y2 = x2 @ W, L = sum(y1) + 2 sum(y2):
    # dL/dW = x1^T 1 + 2 x2^T 1 (column sums of x1 plus twice those of x2, in every column).
    x1, x2 = ag.Input("x1"), ag.Input("x2")
    w = ag.Parameter(np.ones((2, 3)), name="W")
    loss = nd.sum(x1 @ w) + nd.sum(x2 @ w) * 2.0
    graph = ag.Graph(loss, rule=ag.SGD(lr=0.1))
    a, b = np.array([[1.0, 2.0]]), np.array([[3.0, -1.0], [0.5, 0.5]])
    graph.forward(x1=a, x2=b)
    graph.backward()
    expected_grad = np.repeat((a.sum(0) + 2 * b.sum(0))[:, None], 3, axis=1)
    np.testing.assert_allclose(w.grad, expected_grad)
    np.testing.assert_allclose(w.value, 1.0 - 0.1 * expected_grad, rtol=1e-6)  # one update, not two


def test_a_second_backward_over_one_forward_is_refused():
    w = ag.Parameter([1.0, 2.0], name="w")
    graph = ag.Graph(nd.sum(w * w))
    graph.forward()
    graph.backward(update=False)
    with pytest.raises(ag.BackwardError, match="fresh forward"):
        graph.backward(update=False)


def test_addends_of_one_step_never_leak_into_the_next():
    w = ag.Parameter([1.0, 2.0], name="w")
    graph = ag.Graph(nd.sum(w * w + w))
    grads = []
    for _ in range(3):
        graph.forward()
        graph.backward(update=False)
        grads.append(w.grad.copy())
    for g in grads:
        np.testing.assert_allclose(g, 2 * np.array([1.0, 2.0]) + 1)
