"""grad, hvp, jvp and hessian against derivatives written out by hand or taken by finite differences."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.gradients import grad, hessian, hvp, jvp


def _inputs(*arrays):
    with ag.default_dtype(np.float64):
        nodes = [ag.Input(f"x{k}", shape=np.shape(a)) for k, a in enumerate(arrays)]
    return nodes


def _run(root, inputs, arrays):
    graph = ag.Graph(root)
    graph.forward({i: a for i, a in zip(inputs, arrays)})
    return graph


def test_grad_gives_the_same_gradients_as_backward_and_publishes_nothing():
    rng = np.random.default_rng(0)
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, 3))
        fc = nd.Linear(3, 2, name="fc", rng=rng)
        loss = nd.sum(nd.tanh(fc(x)) ** 2)
    graph = ag.Graph(loss)
    graph.forward(x=rng.standard_normal((4, 3)))
    weight, bias = grad(loss, [fc.weight, fc.bias])
    assert fc.weight.grad is None and fc.bias.grad is None  # nothing published, nothing updated
    graph.backward(update=False)  # the graph's own backward still runs on the same forward pass
    np.testing.assert_allclose(weight, fc.weight.grad, rtol=1e-12)
    np.testing.assert_allclose(bias, fc.bias.grad, rtol=1e-12)


def test_grad_with_respect_to_an_inner_node_and_an_unused_input():
    x, y = _inputs([1.0, 2.0], [3.0])
    h = nd.exp(x)
    out = nd.sum(h * 3.0) + nd.sum(y * 0.0)
    _run(out, [x, y], [np.array([1.0, 2.0]), np.array([3.0])])
    dh, dx = grad(out, [h, x])
    np.testing.assert_allclose(dh, [3.0, 3.0])
    np.testing.assert_allclose(dx, 3 * np.exp([1.0, 2.0]))
    assert np.array_equal(grad(nd.sum(h), y), np.zeros(1))  # no path from y: zeros of its shape


def test_second_derivative_of_tanh():
    (x,) = _inputs([0.3, -1.2])
    y = nd.sum(nd.tanh(x))
    _run(y, [x], [np.array([0.3, -1.2])])
    first = grad(y, x, create_graph=True)
    t = np.tanh([0.3, -1.2])
    np.testing.assert_allclose(first.value, 1 - t**2, rtol=1e-12)
    second = grad(nd.sum(first), x)  # d/dx (1 - tanh^2) = -2 tanh (1 - tanh^2)
    np.testing.assert_allclose(second, -2 * t * (1 - t**2), rtol=1e-12)


def test_the_mixed_second_derivatives_of_x_y_z():
    x, y, z = _inputs([2.0], [3.0], [5.0])
    f = nd.sum(x * y * z)
    _run(f, [x, y, z], [np.array([2.0]), np.array([3.0]), np.array([5.0])])
    dx = grad(f, x, create_graph=True)  # = y z
    assert [float(v[0]) for v in grad(nd.sum(dx), [x, y, z])] == [0.0, 5.0, 3.0]


def test_the_hessian_of_softmax_cross_entropy_of_three_logits():
    # H = diag(p) - p p^T for the mean loss of one row.
    logits = np.array([[0.2, -1.0, 0.7]])
    with ag.default_dtype(np.float64):
        z = ag.Input("z", shape=(1, 3))
        loss = -nd.sum(nd.log(nd.softmax(z)[:, 1]))  # the cross-entropy of class 1, wired from differentiable pieces
    ag.Graph(loss).forward(z=logits)
    probabilities = np.exp(logits[0]) / np.exp(logits[0]).sum()
    np.testing.assert_allclose(hessian(loss, z), np.diag(probabilities) - np.outer(probabilities, probabilities),
                               atol=1e-12)


def _finite_difference_of_gradient(build, x0, v, eps=1e-6):
    def gradient_at(value):
        (x,) = _inputs(value)
        out = build(x)
        _run(out, [x], [value])
        return grad(out, x)

    return (gradient_at(x0 + eps * v) - gradient_at(x0 - eps * v)) / (2 * eps)


def _small_net(x):
    w = ag.Parameter(np.random.default_rng(1).standard_normal((3, 4)), name="w", dtype=np.float64)
    return nd.sum(nd.sigmoid(nd.tanh(x @ w) * 2.0) ** 2)


def test_hvp_matches_finite_differences_of_the_gradient():
    rng = np.random.default_rng(2)
    x0, v = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    (x,) = _inputs(x0)
    out = _small_net(x)
    _run(out, [x], [x0])
    np.testing.assert_allclose(hvp(out, x, v), _finite_difference_of_gradient(_small_net, x0, v), rtol=1e-6,
                               atol=1e-9)


def test_jvp_matches_a_finite_difference_of_the_outputs():
    rng = np.random.default_rng(3)
    x0, v = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    w = rng.standard_normal((3, 2))

    def outputs_at(value):
        (x,) = _inputs(value)
        out = nd.tanh(x @ ag.Parameter(w, name="w", dtype=np.float64))
        _run(out, [x], [value])
        return x, out

    x, out = outputs_at(x0)
    expected = (np.tanh((x0 + 1e-6 * v) @ w) - np.tanh((x0 - 1e-6 * v) @ w)) / 2e-6
    np.testing.assert_allclose(jvp(out, x, v), expected, rtol=1e-7)


def test_a_gradient_graph_runs_again_with_new_feeds():
    # The backward pass built of nodes keeps nothing of one forward pass: fed new values, it gives their gradient.
    rng = np.random.default_rng(4)
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, 3))
    out = _small_net(x)
    _run(out, [x], [rng.standard_normal((2, 3))])
    gradient = grad(out, x, create_graph=True)
    fresh = rng.standard_normal((5, 3))  # another batch size too
    again = ag.Graph(gradient).forward({x: fresh})
    _run(out, [x], [fresh])
    np.testing.assert_allclose(again, grad(out, x), rtol=1e-12)


def test_a_node_without_a_differentiable_backward_is_named():
    class Cube(ag.Node):
        op = "cube"

        def forward(self, a):
            self.a = a
            return a**3

        def backward(self, g):
            return (3 * self.a**2 * g,)

    (x,) = _inputs([1.0, 2.0])
    out = nd.sum(Cube(x, name="my_cube"))
    _run(out, [x], [np.array([1.0, 2.0])])
    np.testing.assert_allclose(grad(out, x), [3.0, 12.0])
    no_vjp = "node 'my_cube' \\(cube\\).*Cube \\(cube\\) has no differentiable backward"
    with pytest.raises(ag.GraphError, match=no_vjp):
        grad(out, x, create_graph=True)


def test_grad_refuses_values_computed_without_backward_state():
    (x,) = _inputs([1.0])
    out = nd.sum(nd.tanh(x))
    ag.Graph(out).forward({x: np.array([1.0])}, grad=False)
    with pytest.raises(ag.BackwardError, match="grad=False"):
        grad(out, x)


def _gradient_323(w1, b1, w2, b2, x, y):
    """The 3-2-3 network's cost gradient by the chain rule, written out in numpy: (dW1, db1, dW2, db2)."""
    z1 = x @ w1 + b1
    hidden = np.where(z1 > 0, z1, 0.2 * z1)
    a2 = 1 / (1 + np.exp(-(hidden @ w2 + b2)))
    dz2 = 2 * (a2 - y) * a2 * (1 - a2)
    dz1 = (dz2 @ w2.T) * np.where(z1 > 0, 1.0, 0.2)
    return x.T @ dz1, dz1.sum(0), hidden.T @ dz2, dz2.sum(0)


def test_the_hessian_of_the_3_2_3_networks_cost_at_its_known_weights():
    from tests import known

    graph, feeds = known.network()
    graph.forward(feeds)
    params = [graph.parameter(name) for name in ("W1", "b1", "W2", "b2")]
    computed = hessian(graph.roots[0], params)
    values = [p.value.copy() for p in params]
    x, y = (np.array(feeds[k]) for k in ("x", "y"))
    assert np.allclose(_gradient_323(*values, x, y)[3], known.DB2)  # the numpy chain rule meets the hand figures
    # Independently: central differences of that hand-written gradient, entry by entry.
    sizes, eps = [v.size for v in values], 1e-6
    expected = np.zeros((sum(sizes), sum(sizes)))
    for k in range(sum(sizes)):
        steps = []
        for sign in (1, -1):
            flat = np.concatenate([v.ravel() for v in values])
            flat[k] += sign * eps
            parts = [p.reshape(v.shape) for p, v in zip(np.split(flat, np.cumsum(sizes)[:-1]), values)]
            steps.append(np.concatenate([g.ravel() for g in _gradient_323(*parts, x, y)]))
        expected[k] = (steps[0] - steps[1]) / (2 * eps)
    np.testing.assert_allclose(computed, expected, atol=1e-8)
    np.testing.assert_allclose(computed, computed.T, atol=1e-12)
    # By hand: the output biases' block is diagonal, 2 (s'^2 + (a - y) s'') with s' = a(1 - a), s'' = s'(1 - 2a).
    a, target = np.array(known.A2), np.array(feeds["y"][0])
    slope = a * (1 - a)
    np.testing.assert_allclose(computed[-3:, -3:], np.diag(2 * (slope**2 + (a - target) * slope * (1 - 2 * a))),
                               atol=1e-9)
