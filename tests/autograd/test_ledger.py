"""The ledger of a backward pass: seeding, publishing, fitting addends, and the sweep's observers."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.backward import Plan
from autograd.ledger import (
    AddendRecorder,
    FiniteCheck,
    Ledger,
    check_finite,
    checked_addends,
    fitted,
    observers_for,
)
from autograd.schedule import topological_order


def _ledger(*roots):
    return Ledger(Plan(topological_order(roots)))


def _slot(ledger, node):
    return ledger.plan.slot[node]


# -- seed -------------------------------------------------------------------------


def test_a_computed_root_is_seeded_with_the_seed_itself_a_leaf_root_with_an_own_copy():
    w = ag.Parameter(np.ones(2), name="w")
    root = w * 2.0
    ledger = _ledger(root, w)
    seeds = [np.full(2, 3.0, np.float32), np.full(2, 5.0, np.float32)]
    ledger.seed([root, w], seeds)
    assert ledger.sums[_slot(ledger, root)] is seeds[0] and not ledger.owned[_slot(ledger, root)]
    leaf_sum = ledger.sums[_slot(ledger, w)]
    assert leaf_sum is not seeds[1] and leaf_sum.tolist() == [5.0, 5.0] and ledger.owned[_slot(ledger, w)]


def test_a_root_that_takes_no_part_is_skipped():
    x = ag.Input("x")  # wants no gradient
    w = ag.Parameter(1.0, name="w")
    trained, untouched = w * 1.0, x * 1.0
    ledger = _ledger(trained, untouched)
    ledger.seed([trained, untouched], [np.float32(2.0), np.float32(3.0)])
    assert untouched not in ledger.plan.slot
    assert [s for s in ledger.sums if s is not None] == [2.0]


def test_a_root_seeded_twice_sums_its_seeds_into_an_array_of_its_own():
    w = ag.Parameter(1.0, name="w")
    root = w * 2.0
    ledger = _ledger(root)
    first, second = np.float32(1.0), np.float32(4.0)
    ledger.seed([root, root], [first, second])
    assert ledger.sums[_slot(ledger, root)] == 5.0 and ledger.owned[_slot(ledger, root)]


def test_a_root_below_another_root_adds_its_seed_to_its_addends():
    w = ag.Parameter(2.0, name="w")
    inner = w * 3.0
    outer = inner * 5.0
    graph = ag.Graph(outer, inner)
    graph.forward()
    graph.backward(update=False)
    assert inner.grad == pytest.approx(5.0 + 1.0)
    assert w.grad == pytest.approx(18.0)


# -- publish and completed ------------------------------------------------------


def test_publish_writes_every_node_s_sum_and_stamp_and_clears_kept_addends():
    w = ag.Parameter(np.ones(2), name="w")
    root = w * 2.0
    ledger = _ledger(root)
    ledger.sums[_slot(ledger, root)] = np.array([1.0, 1.0])
    root.addends, w.grad, stamp = ("stale",), np.array([9.0, 9.0]), object()
    ledger.publish(stamp, accumulate=False)
    assert root.grad.tolist() == [1.0, 1.0] and root.grad_stamp is stamp and root.addends is None
    assert w.grad is None and w.grad_stamp is None  # no addend arrived: the old gradient is gone


def test_with_accumulate_a_parameter_s_gradient_is_summed_into_and_kept_when_nothing_arrived():
    w, v = ag.Parameter(np.ones(2), name="w"), ag.Parameter(np.ones(2), name="v")
    root = w * 2.0 + v
    ledger = _ledger(root)
    ledger.sums[_slot(ledger, w)] = np.array([1.0, 2.0])
    ledger.sums[_slot(ledger, root)] = np.array([7.0, 7.0])
    w.grad, v.grad, root.grad = np.array([10.0, 20.0]), np.array([3.0, 4.0]), np.array([5.0, 5.0])
    ledger.publish(object(), accumulate=True)
    assert w.grad.tolist() == [11.0, 22.0]
    assert v.grad.tolist() == [3.0, 4.0]  # nothing this pass: the accumulated gradient stays
    assert root.grad.tolist() == [7.0, 7.0]  # only parameters accumulate


def test_completed_lists_the_parameters_that_received_a_gradient():
    w, v = ag.Parameter(1.0, name="w"), ag.Parameter(1.0, name="v")
    ledger = _ledger(w * v)
    ledger.sums[_slot(ledger, w)] = np.float32(3.0)
    assert ledger.completed() == [(w, 3.0)]


# -- checked_addends and fitted -------------------------------------------------


def test_a_list_of_addends_is_taken_as_a_tuple():
    node = ag.Node(ag.Input("a"), ag.Input("b"))
    assert checked_addends(node, [1, None]) == (1, None)


@pytest.mark.parametrize(("addends", "got"),
                         [((1,), "a tuple of 1"), (np.ones(2), "a bare ndarray"), (None, "a bare NoneType")])
def test_addends_of_the_wrong_count_or_kind_are_refused_naming_the_node(addends, got):
    node = ag.Node(ag.Input("a"), ag.Input("b"), name="two")
    with pytest.raises(ag.GraphError, match=rf"node 'two' \(node\) .*: backward must return a tuple of 2 addend\(s\), "
                                            rf"one per input, got {got}$"):
        checked_addends(node, addends)


def test_fitted_sums_a_broadcast_addend_to_the_input_s_value_and_keeps_a_fitting_one():
    a = ag.Input("a")
    a.feed(np.zeros(3))
    sender = ag.Node(a)
    assert fitted(np.ones((4, 3), np.float32), a, sender).tolist() == [4.0, 4.0, 4.0]
    exact = np.ones(3, np.float32)
    assert fitted(exact, a, sender) is exact


def test_fitted_refuses_a_wrong_shape_or_dtype_naming_the_sender_and_the_input():
    a = ag.Input("a")
    a.feed(np.zeros(3))
    sender = ag.Node(a, name="culprit")
    with pytest.raises(ag.ShapeError, match=r"'culprit' .* sent 'a' a wrong-shaped addend: addend of shape \(7,\)"):
        fitted(np.ones(7, np.float32), a, sender)
    with pytest.raises(ag.BackwardError, match="sent a float64 addend to 'a', whose value is float32"):
        fitted(np.ones((2, 3)), a, sender)  # dtype is checked after the shape is fitted


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


# -- check_finite and the observers -------------------------------------------


def test_check_finite_refuses_nan_and_inf_in_float_arrays_only():
    for fine in (None, np.ones(2), np.array([1, 2]), np.array([], np.float32), 3.0):
        check_finite(fine, "fine")
    for bad in (np.array([1.0, np.nan]), np.float32(np.inf), np.array([1j * np.inf])):
        with pytest.raises(ag.AnomalyError, match="anomaly: the array contains NaN or inf"):
            check_finite(bad, "the array")


def test_observers_for_gives_none_for_the_plain_sweep_else_the_check_before_the_recorder():
    assert observers_for(keep_addends=False, detect_anomaly=False) is None
    assert [type(o) for o in observers_for(True, False).observers] == [AddendRecorder]
    assert [type(o) for o in observers_for(True, True).observers] == [FiniteCheck, AddendRecorder]


def test_the_recorder_keeps_fitted_addends_and_publishes_them_onto_the_sender():
    a, b = ag.Input("a"), ag.Input("b")
    a.feed(np.zeros(2))
    b.feed(np.zeros(2))
    sender = ag.Node(a, b)
    recorder = AddendRecorder()
    kept = recorder(sender, np.ones(2), (np.ones((3, 2), np.float32), None), [(0, a, 0), (1, b, 1)])
    assert kept[0].tolist() == [3.0, 3.0] and kept[1] is None
    recorder.publish()
    assert sender.addends is kept


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


def test_anomaly_mode_names_the_node_whose_backward_made_the_nan():
    w = ag.Parameter(np.ones(2), name="w")
    x = ag.Input("x")
    root = nd.sqrt(x * w, name="the_sqrt")  # d sqrt(u)/du = inf at u = 0
    graph = ag.Graph(root)
    graph.detect_anomaly = True
    graph.forward(x=np.zeros(2))
    with np.errstate(all="ignore"), pytest.raises(ag.AnomalyError, match="node 'the_sqrt'"):
        graph.backward(update=False)
