"""Graph-level behaviour: modes, passes and their refusals, updates, accumulation, unique names, several roots.

What a single engine module does on its own is tested in that module's
mirror file (feeding in test_feeds.py, the sweep in test_backward.py...).
"""

import numpy as np
import pytest

import autograd as ag
import nodes as nd


def test_inference_keeps_no_backward_state_and_refuses_backward(affine):
    graph, w = affine.graph, affine.w
    product = graph.roots[0]
    graph.forward(x=np.ones((2, 3)), grad=False)
    assert not hasattr(product, "a")
    with pytest.raises(ag.BackwardError):
        graph.backward()
    graph.forward(x=np.ones((2, 3)))
    graph.backward(update=False)
    np.testing.assert_allclose(w.grad, np.full((3, 2), 2.0))


def test_train_and_eval_set_the_mode_of_every_node_the_graph_runs(affine):
    graph = affine.graph
    graph.eval()
    graph.forward(x=np.ones((2, 3)))
    assert not any(n.training for n in graph.computed)
    graph.train()
    graph.forward(x=np.ones((2, 3)))
    assert all(n.training for n in graph.computed)


def test_the_mode_belongs_to_the_graph_not_to_shared_nodes(affine):
    seen = []

    class Probe(ag.Node):
        def forward(self, a):
            seen.append(self.training)
            return a

        def backward(self, g):
            return (g,)

    probe = Probe(affine.x @ affine.w)
    training, evaluation = ag.Graph(probe), ag.Graph(probe).eval()  # two graphs over the same nodes
    evaluation.forward(x=np.ones((2, 3)))
    training.forward(x=np.ones((2, 3)))
    evaluation.forward(x=np.ones((2, 3)))
    assert seen == [False, True, False]
    assert training.training and not evaluation.training


def test_backward_without_update_leaves_parameters_alone(affine):
    graph, w = affine.graph, affine.w
    before = w.value.copy()
    graph.forward(x=np.ones((2, 3)))
    graph.backward(update=False)
    np.testing.assert_array_equal(w.value, before)
    assert w.grad.shape == (3, 2)


def test_accumulated_gradients_equal_the_gradient_of_the_whole_batch(affine):
    graph, w = affine.graph, affine.w
    data = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    graph.forward(x=data)
    graph.backward(update=False)
    whole = w.grad.copy()
    graph.zero_grad()
    for half in (data[:2], data[2:]):
        graph.forward(x=half)
        graph.backward(update=False, accumulate=True)
    np.testing.assert_allclose(w.grad, whole, rtol=1e-6)
    graph.lr = 0.5
    before = w.value.copy()
    graph.apply_updates()
    np.testing.assert_allclose(w.value, before - 0.5 * whole, rtol=1e-6)
    assert w.grad is None


def test_a_frozen_parameter_gets_no_gradient_and_no_update():
    x = ag.Input("x")
    w, v = ag.Parameter(2.0, name="w"), ag.Parameter(3.0, name="v", frozen=True)
    graph = ag.Graph(x * w * v, rule=ag.SGD(lr=0.1))
    graph.forward(x=1.0)
    graph.backward()
    assert v.value == 3.0 and v.grad is None
    assert w.value == pytest.approx(2.0 - 0.1 * 3.0)
    v.unfreeze()
    graph.forward(x=1.0)
    graph.backward()
    assert v.value != 3.0


def test_a_per_parameter_learning_rate_overrides_the_graph_one():
    w, v = ag.Parameter(1.0, name="w"), ag.Parameter(1.0, name="v", lr=0.5)
    graph = ag.Graph(w + v, rule=ag.SGD(lr=0.1))
    graph.forward()
    graph.backward()
    assert w.value == pytest.approx(0.9) and v.value == pytest.approx(0.5)


def test_a_negative_learning_rate_is_refused(affine):
    with pytest.raises(ValueError, match="non-negative"):
        affine.graph.lr = -1


def test_several_roots_each_get_their_gradient():
    x = ag.Input("x")
    w = ag.Parameter(2.0, name="w")
    first, second = w * x, (w * x) * 10.0
    graph = ag.Graph(first, second)
    out = graph.forward(x=3.0)
    assert out == (6.0, 60.0)
    graph.backward(update=False)
    assert w.grad == pytest.approx(3.0 + 30.0)


def test_two_parameters_with_one_name_are_refused():
    a, b = ag.Parameter(1.0, name="same"), ag.Parameter(2.0, name="same")
    with pytest.raises(ag.GraphError, match="'same'"):
        ag.Graph(a + b)


def test_an_empty_batch_runs_forward_and_backward():
    x = ag.Input("x", shape=(None, 3))
    fc = nd.Linear(3, 2, name="fc")
    graph = ag.Graph(nd.mse(fc(x), ag.Input("y", shape=(None, 2))))
    graph.forward(x=np.zeros((0, 3)), y=np.zeros((0, 2)))
    graph.backward(update=False)
    np.testing.assert_array_equal(fc.bias.grad, np.zeros(2))


def test_graphs_sharing_nodes_never_backpropagate_stale_values():
    x = ag.Input("x", shape=(None, 2))
    w = ag.Parameter(np.ones((2, 2)), name="w")
    logits = nd.tanh(x @ w)
    train, predict = ag.Graph(nd.sum(logits)), ag.Graph(logits)
    train.forward(x=np.ones((3, 2)))
    predict.forward(x=np.full((3, 2), 5.0), grad=False)
    with pytest.raises(ag.BackwardError, match="another graph's forward"):
        train.backward()
    train.forward(x=np.ones((3, 2)))  # after a fresh forward the state is its own
    train.backward(update=False)
    expected = np.ones((2, 3)) @ (1 - np.tanh(np.full((3, 2), 2.0)) ** 2)
    np.testing.assert_allclose(w.grad, expected, rtol=1e-6)


def test_accumulating_while_updating_is_refused():
    w = ag.Parameter(1.0, name="w")
    graph = ag.Graph(w * 2.0)
    graph.forward()
    with pytest.raises(ValueError, match="update=False"):
        graph.backward(accumulate=True)


def test_two_inputs_with_one_name_are_refused():
    with pytest.raises(ag.GraphError, match="inputs are both named 'x'"):
        ag.Graph(ag.Input("x") + ag.Input("x"))


def test_one_seed_per_root():
    w = ag.Parameter(1.0, name="w")
    graph = ag.Graph(w * 2.0, w * 3.0)
    graph.forward()
    with pytest.raises(ValueError, match="1 seeds for 2 roots"):
        graph.backward(seed=[np.float32(1.0)])


def test_a_failed_backward_updates_no_parameter():
    p1 = ag.Parameter([1.0, 1.0], name="p1")
    p2 = ag.Parameter([1.0, 0.0], name="p2")
    # Reverse order reaches p1 (complete gradient) before sqrt's backward makes an inf (1 / (2 sqrt 0)).
    graph = ag.Graph(nd.sum(nd.sqrt(p2)) + nd.sum(p1 * 3.0), rule=ag.SGD(0.5))
    graph.detect_anomaly = True
    graph.forward()
    with pytest.raises(ag.AnomalyError, match="sqrt"), np.errstate(divide="ignore"):
        graph.backward()
    assert p1.value.tolist() == [1.0, 1.0] and p2.value.tolist() == [1.0, 0.0]


def _break_once(node):
    """Make `node`'s backward raise in the next pass only."""
    original = node.backward

    def broken(g):
        node.backward = original
        raise RuntimeError("broken on purpose")

    node.backward = broken


def test_a_failed_backward_leaves_every_gradient_as_the_last_good_pass_left_it():
    x = ag.Input("x", shape=(None, 3))
    w = ag.Parameter(np.ones((3, 2)), name="w")
    hidden = nd.tanh(x @ w, name="hidden")
    graph = ag.Graph(nd.sum(hidden * 2.0, name="total"))
    graph.forward(x=np.ones((2, 3)))
    graph.backward(update=False, accumulate=True)
    good = {n.name: (None if n.grad is None else n.grad.copy()) for n in graph.nodes}
    graph.forward(x=np.full((2, 3), 5.0))
    _break_once(graph.node("hidden"))
    with pytest.raises(ag.GraphError, match="node 'hidden' .* failed in backward: RuntimeError: broken on purpose"):
        graph.backward(update=False, accumulate=True)
    for n in graph.nodes:  # the accumulated gradient of w too: the failed pass added nothing to it
        assert (n.grad is None) == (good[n.name] is None)
        if n.grad is not None:
            np.testing.assert_array_equal(n.grad, good[n.name])
    graph.forward(x=np.ones((2, 3)))
    graph.backward(update=False, accumulate=True)
    np.testing.assert_allclose(w.grad, 2 * good["w"], rtol=1e-6)  # two good passes summed, nothing else
