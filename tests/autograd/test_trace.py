"""A recorded training step: every event in schedule order, every number the engine computed."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.backward import Plan
from autograd.trace import Arrival, Seed, Send, Sum, Update, Value, record_step
from tests.known import A2, B1, B2, COST, DB1, DB2, DW1_T, DW2_T, LR, W1_T, W2_T, network


def by_node(events, kind):
    return {getattr(e, "node", None) or getattr(e, "parameter", None): e for e in events if isinstance(e, kind)}


def close(numbers, expected):
    np.testing.assert_allclose(np.reshape(numbers, np.shape(expected)), expected, atol=1e-10)


def test_every_number_of_the_3_2_3_network_matches_the_known_values():
    graph, feeds = network()
    trace = record_step(graph, feeds)
    values, sums = by_node(trace.events, Value), by_node(trace.events, Sum)
    close(values["a2"].numbers, [A2])
    assert values["cost"].numbers == (pytest.approx(COST, abs=1e-10),) and trace.loss == pytest.approx(COST)
    close(sums["b2"].numbers, DB2)
    close(np.reshape(sums["W2"].numbers, (2, 3)).T, DW2_T)
    close(sums["b1"].numbers, DB1)
    close(np.reshape(sums["W1"].numbers, (3, 2)).T, DW1_T)
    assert sums["W1"].norm == pytest.approx(np.linalg.norm(DW1_T), abs=1e-10)
    # dG/dz2 is what b2 received (the add passes it on), and what z2 sent to mm2.
    close(sums["z2"].numbers, [DB2])
    sends = {(e.sender, e.receiver): e for e in trace.of(Send)}
    close(sends[("z2", "mm2")].numbers, [DB2])
    close(np.reshape(sends[("mm2", "W2")].numbers, (2, 3)).T, DW2_T)
    assert sends[("mm1", "W1")].norm == pytest.approx(np.linalg.norm(DW1_T), abs=1e-10)
    # Each parameter updates once, by SGD from the weights the forward pass saw.
    updates = by_node(trace.events, Update)
    assert sorted(updates) == ["W1", "W2", "b1", "b2"] and len(trace.of(Update)) == 4
    for name, before, grad in (("b2", B2, DB2), ("b1", B1, DB1), ("W2", np.array(W2_T).T, np.array(DW2_T).T),
                               ("W1", np.array(W1_T).T, np.array(DW1_T).T)):
        u = updates[name]
        close(u.old_numbers, np.ravel(before))
        close(u.new_numbers, np.ravel(np.array(before) - LR * np.array(grad)))
        assert u.rule == "SGD" and u.lr == LR
        assert u.grad_norm == pytest.approx(np.linalg.norm(grad), abs=1e-10)
        assert u.step_norm == pytest.approx(LR * np.linalg.norm(grad), abs=1e-10)
        assert u.old_norm == pytest.approx(np.linalg.norm(before)) and u.new_norm == pytest.approx(
            np.linalg.norm(np.array(before) - LR * np.array(grad)))
    close(graph.parameter("W1").value.T, np.array(W1_T) - LR * np.array(DW1_T))  # the step really happened


def test_events_come_in_schedule_order():
    graph, feeds = network()
    trace = record_step(graph, feeds)
    kinds = [type(e) for e in trace.events]
    forward = len(graph.nodes)
    assert kinds[:forward] == [Value] * forward and [e.node for e in trace.events[:forward]] == [
        n.name for n in graph.nodes]
    assert kinds[forward] is Seed and trace.events[forward].node == "cost" and trace.events[forward].numbers == (1.0,)
    updates = len(trace.of(Update))
    assert kinds[-updates:] == [Update] * updates and Update not in kinds[:-updates]
    # The sums come in the backward plan's order: every node that takes part, complete when reached.
    plan = Plan(graph.nodes)
    assert [e.node for e in trace.of(Sum)] == [n.name for n in plan.order]
    assert "x" not in {e.node for e in trace.of(Sum)} and not trace.node("x").takes_part
    for k, e in enumerate(trace.events):
        if isinstance(e, Send):  # a node sends right after its sum, before any later node's sum
            sender_sum = next(j for j, f in enumerate(trace.events) if isinstance(f, Sum) and f.node == e.sender)
            receiver_sum = next(j for j, f in enumerate(trace.events) if isinstance(f, Sum) and f.node == e.receiver)
            assert sender_sum < k < receiver_sum
            assert all(not isinstance(f, Sum) for f in trace.events[sender_sum + 1:k])


def test_each_sum_lists_the_addends_that_arrived_and_from_whom():
    graph, feeds = network()
    trace = record_step(graph, feeds, update=False)
    assert not trace.of(Update)
    sums = by_node(trace.events, Sum)
    assert sums["cost"].arrived == (Arrival(None, 1.0),) and sums["cost"].expected == 1
    (error,) = [n for n in graph.nodes if graph.node("a2") in n.inputs]  # a2 - y
    assert [a.sender for a in sums["a2"].arrived] == [error.name]
    for e in trace.of(Sum):
        assert len(e.arrived) == e.expected == trace.node(e.node).expected
        assert e.norm == pytest.approx(np.sqrt(np.sum(np.square(e.numbers))))
    for e in trace.of(Send):
        assert 1 <= e.arrived <= e.expected == trace.node(e.receiver).expected


def test_a_shared_parameter_lists_both_addends_and_updates_once():
    # L = sum(x1 @ W) + 2 sum(x2 @ W): W receives x1^T 1 from one matmul and 2 x2^T 1 from the other.
    x1, x2 = ag.Input("x1"), ag.Input("x2")
    w = ag.Parameter(np.ones((2, 3)), name="W")
    first, second = nd.matmul(x1, w, name="first"), nd.matmul(x2, w, name="second")
    loss = nd.add(nd.sum(first, name="s1"), nd.mul(nd.sum(second, name="s2"), 2.0, name="twice"), name="L")
    graph = ag.Graph(loss, rule=ag.SGD(lr=0.1))
    a, b = np.array([[1.0, 2.0]]), np.array([[3.0, -1.0], [0.5, 0.5]])
    trace = record_step(graph, x1=a, x2=b)
    from_first = np.repeat(a.sum(0)[:, None], 3, axis=1)
    from_second = np.repeat(2 * b.sum(0)[:, None], 3, axis=1)
    (w_sum,) = [e for e in trace.of(Sum) if e.node == "W"]
    assert w_sum.expected == 2 and {x.sender for x in w_sum.arrived} == {"first", "second"}
    norms = {x.sender: x.norm for x in w_sum.arrived}
    assert norms["first"] == pytest.approx(np.linalg.norm(from_first))
    assert norms["second"] == pytest.approx(np.linalg.norm(from_second))
    close(w_sum.numbers, (from_first + from_second).ravel())
    to_w = [e for e in trace.of(Send) if e.receiver == "W"]
    assert [e.arrived for e in to_w] == [1, 2] and all(e.expected == 2 for e in to_w)
    (update,) = [e for e in trace.of(Update) if e.parameter == "W"]
    close(update.new_numbers, (1.0 - 0.1 * (from_first + from_second)).ravel())
    close(w.value, 1.0 - 0.1 * (from_first + from_second))  # one update, not two


def test_a_later_addend_summed_into_an_earlier_one_leaves_the_earlier_norm_as_it_was():
    # The ledger may add the second addend into the array of the first (a leaf's own copy):
    # the trace must have taken the first one's norm before that.
    w = ag.Parameter([1.0, 2.0], name="w")
    graph = ag.Graph(nd.sum(nd.add(nd.mul(w, 3.0, name="three"), nd.mul(w, 5.0, name="five"), name="both"),
                            name="total"))
    trace = record_step(graph, update=False)
    arrived = {a.sender: a.norm for a in next(e for e in trace.of(Sum) if e.node == "w").arrived}
    assert arrived == {"three": pytest.approx(3 * np.sqrt(2)), "five": pytest.approx(5 * np.sqrt(2))}


def test_large_arrays_keep_their_norms_only():
    x = ag.Input("x", shape=(None, 4))
    w = ag.Parameter(np.ones((4, 5)), name="w")
    graph = ag.Graph(nd.sum(nd.matmul(x, w, name="mm"), name="total"))
    trace = record_step(graph, x=np.ones((3, 4)), limit=8)
    sums = by_node(trace.events, Sum)
    assert sums["w"].numbers is None and sums["w"].norm == pytest.approx(np.linalg.norm(np.full((4, 5), 3.0)))
    assert by_node(trace.events, Value)["total"].numbers == (60.0,)


def test_two_nodes_of_one_name_are_refused():
    x = ag.Input("x")
    graph = ag.Graph(nd.add(nd.neg(x, name="f"), nd.exp(x, name="f"), name="out"))
    with pytest.raises(ag.GraphError, match="two nodes are called 'f'"):
        record_step(graph, x=1.0)


def test_float32_numbers_are_written_as_short_as_float32_allows():
    w = ag.Parameter([0.5, -0.8], name="w")  # float32: -0.8 is stored as -0.800000011920929
    graph = ag.Graph(nd.sum(nd.mul(w, w, name="square"), name="total"), rule=ag.SGD(0.1))
    trace = record_step(graph)
    (update,) = trace.of(Update)
    assert update.old_numbers == (0.5, -0.8) and update.new_numbers == (0.4, -0.64)
    assert by_node(trace.events, Sum)["w"].numbers == (1.0, -1.6)
    assert update.old_norm == float(str(np.float32(np.hypot(0.5, 0.8))))
