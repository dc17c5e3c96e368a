"""The forward pass: each node computed in order with the pass's settings, and errors that name the failing node."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.forward import run_forward


class Record(ag.Node):
    """Returns the sum of its inputs and records what it was called with and under which settings."""

    op = "record"

    def __init__(self, *inputs, fail=None, shape_rule=None, name=None):
        self.fail, self.shape_rule, self.calls = fail, shape_rule, []
        super().__init__(*inputs, name=name)

    def forward(self, *xs):
        self.calls.append((xs, self.keep, self.training, self.stamp))
        if self.fail is not None:
            raise self.fail
        return sum(xs)

    def infer_shape(self, *shapes):
        if self.shape_rule is not None and None not in shapes:  # wiring-time calls see unknown shapes
            self.shape_rule(*shapes)
        return None


def _fed(*values):
    inputs = [ag.Input(f"in{k}") for k in range(len(values))]
    for inp, v in zip(inputs, values):
        inp.feed(v)
    return inputs


@pytest.mark.parametrize("count", [1, 2, 3])
def test_each_node_gets_its_inputs_values_in_order_and_the_pass_s_settings(count):
    inputs = _fed(*[np.full(2, 10.0**k) for k in range(count)])
    node = Record(*inputs)
    stamp = object()
    run_forward([node], stamp, keep=False, training=False, detect_anomaly=False)
    (xs, keep, training, seen_stamp), = node.calls
    assert [x[0] for x in xs] == [10.0**k for k in range(count)]
    assert (keep, training, seen_stamp) == (False, False, stamp)
    assert node.value.tolist() == [sum(10.0**k for k in range(count))] * 2
    assert (node.keep, node.training, node.stamp) == (False, False, stamp)


def test_nodes_run_in_the_order_given_so_later_ones_see_earlier_values():
    (a,) = _fed(np.ones(2))
    first = Record(a)
    second = Record(first, a)
    run_forward([first, second], object(), keep=True, training=True, detect_anomaly=False)
    assert second.value.tolist() == [2.0, 2.0]


def test_an_error_of_the_engine_that_names_the_node_passes_unchanged():
    error = ag.ShapeError("node 'named' said so on purpose")
    node = Record(*_fed(np.ones(2)), fail=error, name="named")
    with pytest.raises(ag.ShapeError) as info:
        run_forward([node], object(), True, True, False)
    assert info.value is error


def test_an_error_of_the_engine_that_does_not_name_the_node_gets_its_name_and_keeps_its_class():
    error = ag.ShapeError("said on purpose")
    node = Record(*_fed(np.ones(2)), fail=error, name="quiet")
    with pytest.raises(ag.ShapeError, match=r"^node 'quiet' \(record\) .* failed in forward: said on purpose$") as info:
        run_forward([node], object(), True, True, False)
    assert type(info.value) is ag.ShapeError and info.value.__cause__ is error


def test_another_error_becomes_a_graph_error_naming_the_node_with_the_cause_kept():
    node = Record(*_fed(np.ones(2)), fail=KeyError("k"), name="keyed")
    with pytest.raises(ag.GraphError, match=r"node 'keyed' \(record\) with inputs 'in0' \(2,\) float32 "
                                            r"failed in forward: KeyError: 'k'") as info:
        run_forward([node], object(), True, True, False)
    assert type(info.value) is ag.GraphError and isinstance(info.value.__cause__, KeyError)


@pytest.mark.parametrize(("text", "kind"), [
    ("operands could not be broadcast together", ag.ShapeError),
    ("cannot reshape array of size 6", ag.ShapeError),
    ("axis 2 is out of bounds", ag.ShapeError),
    ("mismatch in its core dimension 0", ag.ShapeError),
    ("labels must lie in [0, 3)", ag.NodeError),
])
def test_a_value_error_is_a_shape_error_when_its_words_are_about_shapes_else_a_node_error(text, kind):
    node = Record(*_fed(np.ones(2)), fail=ValueError(text), name="v")
    with pytest.raises(kind, match=r"node 'v' \(record\) .* failed in forward: ") as info:
        run_forward([node], object(), True, True, False)
    assert isinstance(info.value, ag.ShapeError) == (kind is ag.ShapeError)


def test_the_shape_rule_asked_about_the_actual_shapes_says_what_is_wrong_first():
    def refuse(*shapes):
        raise ag.ShapeError(f"the rule refuses {shapes}")

    node = Record(*_fed(np.ones(2)), fail=RuntimeError("numpy's words"), shape_rule=refuse, name="ruled")
    with pytest.raises(ag.ShapeError, match=r"^node 'ruled' \(record\) .*: the rule refuses \(\(2,\),\)$"):
        run_forward([node], object(), True, True, False)


def test_a_shape_rule_that_cannot_judge_the_shapes_adds_nothing():
    def confused(*shapes):
        raise IndexError("the rule itself fails")

    node = Record(*_fed(np.ones(2)), fail=RuntimeError("the real error"), shape_rule=confused)
    with pytest.raises(ag.GraphError, match="RuntimeError: the real error"):
        run_forward([node], object(), True, True, False)


def test_anomaly_mode_checks_every_forward_value():
    (a,) = _fed(np.array([1.0, np.inf]))
    node = Record(a, name="infinite")
    run_forward([node], object(), True, True, detect_anomaly=False)  # off: inf passes
    with pytest.raises(ag.AnomalyError, match=r"the forward value of node 'infinite' \(record\).*contains NaN or inf"):
        run_forward([node], object(), True, True, detect_anomaly=True)


def test_a_shape_mismatch_in_forward_names_the_node_its_inputs_and_shapes():
    a, b = ag.Input("a"), ag.Input("b")  # shapes unknown until fed
    product = nd.matmul(a, b, name="product")
    graph = ag.Graph(product)
    with pytest.raises(ag.ShapeError) as info:
        graph.forward(a=np.zeros((4, 3)), b=np.zeros((5, 2)))
    message = str(info.value)
    assert "node 'product' (matmul)" in message
    assert "'a' (4, 3) float32" in message and "'b' (5, 2) float32" in message


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


def test_a_value_error_that_is_not_about_shapes_is_not_called_a_shape_error():
    logits = ag.Input("logits", shape=(None, 3))
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    graph = ag.Graph(nd.softmax_cross_entropy(logits, labels))
    with pytest.raises(ag.NodeError, match="labels must lie in") as info:
        graph.forward(logits=np.zeros((2, 3)), labels=np.array([0, 7]))
    assert not isinstance(info.value, ag.ShapeError)


def test_shapes_unknown_at_wiring_are_judged_by_the_node_s_shape_rule_when_forward_fails():
    x = ag.Input("x")  # no declared shape: conv2d cannot check its channels when wired
    w = ag.Parameter(np.ones((3, 3, 2, 4)), name="w")
    graph = ag.Graph(nd.conv2d(x, w, groups=3, name="conv"))
    with pytest.raises(ag.ShapeError, match=r"'conv' \(conv2d\) with inputs 'x' \(1, 5, 5, 6\).*not divisible by"):
        graph.forward(x=np.ones((1, 5, 5, 6)))
