"""Feeds, errors, modes and update switches of Graph."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd


def _affine():
    x = ag.Input("x", shape=(None, 3))
    w = ag.Parameter(np.arange(6.0).reshape(3, 2), name="w")
    return x, w, ag.Graph(x @ w)


def test_a_missing_feed_names_the_input():
    x, w, graph = _affine()
    with pytest.raises(ag.FeedError, match="input 'x' was not fed"):
        graph.forward()


def test_a_feed_of_the_wrong_shape_names_the_input_and_both_shapes():
    x, w, graph = _affine()
    with pytest.raises(ag.FeedError, match=r"'x' \(declared shape \(N, 3\).*fed shape \(4, 5\)"):
        graph.forward(x=np.zeros((4, 5)))


def test_a_feed_of_the_wrong_kind_is_refused():
    labels = ag.Input("labels", dtype=np.int64)
    graph = ag.Graph(labels + 1)
    with pytest.raises(ag.FeedError, match="expects int64 values, got float64"):
        graph.forward(labels=np.array([0.5, 1.5]))
    x, w, graph = _affine()
    with pytest.raises(ag.FeedError, match="expects float32"):
        graph.forward(x=np.array([["a", "b", "c"]]))


def test_unknown_feed_names_are_refused():
    x, w, graph = _affine()
    with pytest.raises(ag.FeedError, match="not inputs of this graph: \\['typo'\\]"):
        graph.forward(x=np.zeros((1, 3)), typo=1)


def test_float_feeds_become_the_input_dtype():
    x, w, graph = _affine()
    out = graph.forward(x=np.ones((2, 3), dtype=np.float64))
    assert x.value.dtype == np.float32 and out.dtype == np.float32


def test_a_shape_mismatch_in_forward_names_the_node_its_inputs_and_shapes():
    a, b = ag.Input("a"), ag.Input("b")  # shapes unknown until fed
    product = nd.matmul(a, b, name="product")
    graph = ag.Graph(product)
    with pytest.raises(ag.ShapeError) as info:
        graph.forward(a=np.zeros((4, 3)), b=np.zeros((5, 2)))
    message = str(info.value)
    assert "node 'product' (matmul)" in message
    assert "'a' (4, 3) float32" in message and "'b' (5, 2) float32" in message


def test_a_shape_mismatch_is_reported_when_wired_if_shapes_are_known():
    a = ag.Input("a", shape=(None, 3))
    w = ag.Parameter(np.zeros((4, 2)), name="w")
    with pytest.raises(ag.ShapeError, match=r"'a' \(N, 3\), 'w' \(4, 2\).*inner sizes 3 and 4"):
        nd.matmul(a, w)


def test_a_node_whose_addend_has_the_wrong_shape_is_named():
    class Broken(ag.Node):
        op = "broken"

        def forward(self, x):
            return x * 2

        def backward(self, g):
            return (np.ones(7),)

    w = ag.Parameter(np.ones(3), name="w")
    graph = ag.Graph(Broken(w, name="culprit"))
    graph.forward()
    with pytest.raises(ag.ShapeError, match=r"node 'culprit' \(broken\).*addend of shape \(7,\)"):
        graph.backward()


def test_anomaly_mode_names_the_first_node_producing_nan():
    x = ag.Input("x")
    w = ag.Parameter(np.ones(2), name="w")
    bad = nd.div(x * w, x * 0.0, name="zero_division")  # 0/0 = nan
    graph = ag.Graph(bad + 1.0)
    graph.detect_anomaly = True
    with np.errstate(all="ignore"), pytest.raises(ag.AnomalyError, match="'zero_division'"):
        graph.forward(x=np.zeros(2))
    graph.detect_anomaly = False
    with np.errstate(all="ignore"):
        assert np.isnan(graph.forward(x=np.zeros(2))).all()


def test_inference_keeps_no_backward_state_and_refuses_backward():
    x, w, graph = _affine()
    product = graph.roots[0]
    graph.forward(x=np.ones((2, 3)), grad=False)
    assert not hasattr(product, "a")
    with pytest.raises(ag.BackwardError):
        graph.backward()
    graph.forward(x=np.ones((2, 3)))
    graph.backward(update=False)
    np.testing.assert_allclose(w.grad, np.full((3, 2), 2.0))


def test_train_and_eval_set_the_mode_of_every_node_the_graph_runs():
    x, w, graph = _affine()
    graph.eval()
    graph.forward(x=np.ones((2, 3)))
    assert not any(n.training for n in graph.computed)
    graph.train()
    graph.forward(x=np.ones((2, 3)))
    assert all(n.training for n in graph.computed)


def test_the_mode_belongs_to_the_graph_not_to_shared_nodes():
    seen = []

    class Probe(ag.Node):
        def forward(self, a):
            seen.append(self.training)
            return a

        def backward(self, g):
            return (g,)

    x, w, _ = _affine()
    probe = Probe(x @ w)
    training, evaluation = ag.Graph(probe), ag.Graph(probe).eval()  # two graphs over the same nodes
    evaluation.forward(x=np.ones((2, 3)))
    training.forward(x=np.ones((2, 3)))
    evaluation.forward(x=np.ones((2, 3)))
    assert seen == [False, True, False]
    assert training.training and not evaluation.training


def test_backward_without_update_leaves_parameters_alone():
    x, w, graph = _affine()
    before = w.value.copy()
    graph.forward(x=np.ones((2, 3)))
    graph.backward(update=False)
    np.testing.assert_array_equal(w.value, before)
    assert w.grad.shape == (3, 2)


def test_accumulated_gradients_equal_the_gradient_of_the_whole_batch():
    x, w, graph = _affine()
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


def test_a_negative_learning_rate_is_refused():
    x, w, graph = _affine()
    with pytest.raises(ValueError, match="non-negative"):
        graph.lr = -1


def test_two_parameters_with_one_name_are_refused():
    a, b = ag.Parameter(1.0, name="same"), ag.Parameter(2.0, name="same")
    with pytest.raises(ag.GraphError, match="'same'"):
        ag.Graph(a + b)


def test_scopes_prefix_names():
    with ag.scope("block1"), ag.scope("attn"):
        p = ag.Parameter(1.0, name="q.weight")
    assert p.name == "block1.attn.q.weight"
    assert p.scope == ("block1", "attn")


def test_keep_addends_stores_what_each_node_sent():
    x = ag.Input("x")
    w = ag.Parameter(np.array([1.0, 2.0]), name="w")
    product = x * w
    graph = ag.Graph(product)
    graph.forward(x=np.array([3.0, 4.0]))
    graph.backward(update=False, keep_addends=True)
    sent_to_x, sent_to_w = product.addends
    assert sent_to_x is None  # x needs no gradient
    np.testing.assert_allclose(sent_to_w, [3.0, 4.0])


def test_a_scalar_used_three_times_gets_all_three_addends():
    s = ag.Parameter(2.0, name="s")
    graph = ag.Graph(s + s + s * 1.0)
    graph.forward()
    graph.backward(update=False)
    assert s.grad == pytest.approx(3.0)
    x = ag.Input("x")
    t = nd.sum(x)
    report = ag.gradcheck(ag.Graph(t * t + t + t), {x: np.array([0.5, 1.5])})
    assert report.ok


def test_an_empty_batch_runs_forward_and_backward():
    x = ag.Input("x", shape=(None, 3))
    fc = nd.Linear(3, 2, name="fc")
    graph = ag.Graph(nd.mse(fc(x), np.zeros(2)))
    graph.forward(x=np.zeros((0, 3)))
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


def test_numpy_float64_scalars_keep_a_float32_graph_float32():
    x = ag.Input("x")
    graph = ag.Graph(nd.clip(x / np.sqrt(4.0) * np.float64(0.5), np.float64(0), 1) + [1, 2])
    assert graph.forward(x=np.ones(2, np.float32)).dtype == np.float32


def test_accumulating_while_updating_is_refused():
    w = ag.Parameter(1.0, name="w")
    graph = ag.Graph(w * 2.0)
    graph.forward()
    with pytest.raises(ValueError, match="update=False"):
        graph.backward(accumulate=True)


def test_anomaly_mode_names_the_node_whose_backward_made_the_nan():
    w = ag.Parameter(np.ones(2), name="w")
    x = ag.Input("x")
    root = nd.sqrt(x * w, name="the_sqrt")  # d sqrt(u)/du = inf at u = 0
    graph = ag.Graph(root)
    graph.detect_anomaly = True
    graph.forward(x=np.zeros(2))
    with np.errstate(all="ignore"), pytest.raises(ag.AnomalyError, match="node 'the_sqrt'"):
        graph.backward(update=False)


def test_a_leaf_gradient_is_an_array_of_its_own():
    a, b = ag.Parameter(np.ones(2), name="a"), ag.Parameter(np.ones(2), name="b")
    graph = ag.Graph(nd.sum(a + b))  # Add passes the same gradient array to both
    graph.forward()
    graph.backward(update=False)
    assert a.grad is not b.grad
    a.grad *= 0.5  # gradient clipping in user code touches one parameter only
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_two_inputs_with_one_name_are_refused():
    with pytest.raises(ag.GraphError, match="inputs are both named 'x'"):
        ag.Graph(ag.Input("x") + ag.Input("x"))


def test_names_with_a_slash_are_refused():
    with pytest.raises(ValueError, match="without '/'"):
        ag.Parameter(1.0, name="a/b")


def test_one_seed_per_root():
    w = ag.Parameter(1.0, name="w")
    graph = ag.Graph(w * 2.0, w * 3.0)
    graph.forward()
    with pytest.raises(ValueError, match="1 seeds for 2 roots"):
        graph.backward(seed=[np.float32(1.0)])


def test_a_value_error_that_is_not_about_shapes_is_not_called_a_shape_error():
    logits = ag.Input("logits", shape=(None, 3))
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    graph = ag.Graph(nd.softmax_cross_entropy(logits, labels))
    with pytest.raises(ag.NodeError, match="labels must lie in") as info:
        graph.forward(logits=np.zeros((2, 3)), labels=np.array([0, 7]))
    assert not isinstance(info.value, ag.ShapeError)


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


def test_an_addend_of_another_dtype_is_refused_naming_the_node():
    class Upcast(ag.Node):
        op = "upcast"

        def forward(self, x):
            return x * 2

        def backward(self, g):
            return (g.astype(np.float64) * 2,)

    w = ag.Parameter(np.ones(3), name="w")
    graph = ag.Graph(nd.sum(Upcast(w, name="up")))
    graph.forward()
    with pytest.raises(ag.BackwardError, match=r"'up' \(upcast\).*float64 addend to 'w'.*float32"):
        graph.backward()


def test_numpy_arrays_on_the_left_of_an_operator_make_nodes():
    a = ag.Input("a", shape=(2, 2))
    for node in (np.ones(2) + a, np.ones(2) * a, np.ones(2) - a, np.ones(2) / a, np.eye(2) @ a):
        assert isinstance(node, ag.Node)
    graph = ag.Graph(np.eye(2) @ a - np.ones(2))
    np.testing.assert_array_equal(graph.forward(a=np.full((2, 2), 3.0)), np.full((2, 2), 2.0))


def test_shapes_unknown_at_wiring_are_judged_by_the_node_s_shape_rule_when_forward_fails():
    x = ag.Input("x")  # no declared shape: conv2d cannot check its channels when wired
    w = ag.Parameter(np.ones((3, 3, 2, 4)), name="w")
    graph = ag.Graph(nd.conv2d(x, w, groups=3, name="conv"))
    with pytest.raises(ag.ShapeError, match=r"'conv' \(conv2d\) with inputs 'x' \(1, 5, 5, 6\).*not divisible by"):
        graph.forward(x=np.ones((1, 5, 5, 6)))


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


def test_graphs_sharing_nodes_each_get_their_own_needs():
    # The second graph wants dG/dx, the first does not: each backward tells the shared node what it needs.
    x = ag.Input("x", shape=(None, 2))
    w = ag.Parameter(np.ones((2, 2)), name="w")
    product = x @ w
    seen = []
    original = type(product).backward

    def spy(self, g):
        seen.append(self.needs)
        return original(self, g)

    product.backward = spy.__get__(product)
    for_w, for_x = ag.Graph(nd.sum(product)), ag.Graph(nd.sum(product * 1.0))
    x.requires_grad = False
    for_w.forward(x=np.ones((1, 2)))
    for_w.backward(update=False)
    w.freeze()
    x.requires_grad = True
    for_x.forward(x=np.ones((1, 2)))
    for_x.backward(update=False)
    assert seen == [(False, True), (True, False)]
    assert x.grad.shape == (1, 2)


def test_an_observer_sees_each_node_s_gradient_and_addends_in_sweep_order():
    class Watcher:
        def __init__(self):
            self.seen = []

        def __call__(self, node, g, addends, targets):
            self.seen.append((node.name, float(np.sum(g)), [inp.name for _, inp, _ in targets]))
            return addends

        def publish(self):
            self.published = True

    x = ag.Input("x", shape=(None, 3))
    w = ag.Parameter(np.ones((3, 2)), name="w")
    graph = ag.Graph(nd.sum(nd.tanh(x @ w, name="t"), name="total"))
    graph.forward(x=np.zeros((2, 3)))
    watcher = Watcher()
    graph.backward(update=False, observer=watcher)
    assert [name for name, _, _ in watcher.seen] == ["total", "t", graph.node("t").inputs[0].name]
    assert watcher.seen[0][1] == 1.0 and watcher.seen[1][1] == 4.0  # dG/dtotal = 1, dG/dt = ones (2, 2)
    assert watcher.seen[2][2] == ["w"] and watcher.published
