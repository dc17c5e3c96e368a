"""The backward pass: the plan (who takes part) and the sweep (the chain rule, summing without needless copies)."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.backward import Plan, as_graph_error, sweep
from autograd.ledger import Ledger
from autograd.schedule import topological_order


class Send(ag.Node):
    """Sends each input the array `send(g)` returns; counts its backward calls."""

    op = "send"

    def __init__(self, *inputs, send=None, name=None):
        self.send, self.calls = send, 0
        super().__init__(*inputs, name=name)

    def forward(self, *xs):
        return xs[0]

    def backward(self, g):
        self.calls += 1
        return tuple(self.send(g) for _ in self.inputs)


class Stop(Send):
    """A node that never passes gradients (argmax, labels...)."""

    op = "stop"
    differentiable = False


def _run(*roots, observer=None):
    """Forward over `roots`, then seed (with ones) and sweep a fresh ledger by hand; returns (plan, ledger).

    `observer(ledger)`, if given, makes the sweep's observer, which may then look into the ledger.
    """
    order = topological_order(roots)
    for node in order:
        if node.inputs:
            node.value = node.forward(*[i.value for i in node.inputs])
    plan = Plan(order)
    ledger = Ledger(plan)
    ledger.seed(roots, [np.ones_like(r.value) for r in roots])
    sweep(plan, ledger, None if observer is None else observer(ledger))
    return plan, ledger


def _sum_of(ledger, node):
    return ledger.sums[ledger.plan.slot[node]]


# -- the plan ---------------------------------------------------------------------


def test_the_plan_holds_the_nodes_on_a_path_to_a_leaf_that_wants_a_gradient_in_reverse_order():
    x = ag.Input("x")  # wants no gradient
    w = ag.Parameter(1.0, name="w")
    frozen = ag.Parameter(1.0, name="frozen", frozen=True)
    from_x = Send(x, name="from_x")
    both = Send(from_x, w, name="both")
    stopped = Stop(both, name="stopped")
    from_frozen = Send(frozen, name="from_frozen")
    root = Send(both, stopped, from_frozen, name="root")
    plan = Plan(topological_order([root]))
    assert [n.name for n in plan.order] == ["root", "both", "w"]
    assert plan.slot == {root: 0, both: 1, w: 2}
    assert [(n.name, slot, needs, [(k, i.name, s) for k, i, s in targets]) for n, slot, needs, targets in plan.steps] \
        == [("root", 0, (True, False, False), [(0, "both", 1)]), ("both", 1, (False, True), [(1, "w", 2)])]
    assert plan.parameters == [(w, 2)]


def test_an_input_that_requires_a_gradient_takes_part_like_a_parameter():
    x = ag.Input("x", requires_grad=True)
    root = Send(x, name="root")
    plan = Plan(topological_order([root]))
    assert plan.order == [root, x] and plan.parameters == []


# -- the sweep: the chain rule -------------------------------------------------


def test_each_input_receives_the_sum_of_its_addends():
    w = ag.Parameter(np.ones(2), name="w")
    w.value = np.ones(2)
    left, right = Send(w, send=lambda g: g * 2.0), Send(w, send=lambda g: g * 3.0)
    root = Send(left, right, send=lambda g: g)
    _, ledger = _run(root)
    assert _sum_of(ledger, w).tolist() == [5.0, 5.0]


def test_a_node_nothing_reached_is_not_called():
    w = ag.Parameter(np.ones(2), name="w")
    below = Send(w, send=lambda g: g)
    root = Send(below, send=lambda g: None)  # sends nothing on
    _, ledger = _run(root)
    assert root.calls == 1 and below.calls == 0 and _sum_of(ledger, w) is None


def test_the_observer_sees_every_node_s_addends_and_what_it_returns_is_added():
    w = ag.Parameter(np.ones(2), name="w")
    w.value = np.ones(2)
    root = Send(w, send=lambda g: g * 2.0, name="root")
    seen = []

    def observer(sender, g, addends, targets):
        seen.append((sender.name, g.tolist(), addends[0].tolist(), [i.name for _, i, _ in targets]))
        return (addends[0] * 10.0,)

    _, ledger = _run(root, observer=lambda ledger: observer)
    assert seen == [("root", [1.0, 1.0], [2.0, 2.0], ["w"])]
    assert _sum_of(ledger, w).tolist() == [20.0, 20.0]


# -- the sweep: summing without needless copies -----------------------------


def test_a_computed_node_keeps_its_first_addend_then_sums_into_an_array_of_its_own():
    w = ag.Parameter(np.ones(2), name="w")
    w.value = np.ones(2)
    middle = Send(w, send=lambda g: g)
    sent = [np.full(2, 1.0), np.full(2, 2.0), np.full(2, 4.0)]
    users = [Send(middle, send=lambda g, a=a: a) for a in sent]
    root = Send(*users, send=lambda g: g)
    sums_seen = []  # the middle node's sum as each sender is about to add to it

    def watch(ledger):
        def observer(sender, g, addends, targets):
            if sender in users:
                sums_seen.append(_sum_of(ledger, middle))
            return addends
        return observer

    _, ledger = _run(root, observer=watch)
    total = _sum_of(ledger, middle)
    assert total.tolist() == [7.0, 7.0]
    assert [a.tolist() for a in sent] == [[1.0, 1.0], [2.0, 2.0], [4.0, 4.0]]  # no addend was written into
    first_in, second_sum = sums_seen[1], sums_seen[2]
    assert any(first_in is a for a in sent)  # the first addend, kept as it is
    assert second_sum is total and all(total is not a for a in sent)  # a new array, then summed into in place
    assert ledger.owned[ledger.plan.slot[middle]]


def test_a_single_addend_to_a_computed_node_is_kept_as_it_is():
    w = ag.Parameter(np.ones(2), name="w")
    middle = Send(w, send=lambda g: g)
    addend = np.full(2, 3.0, np.float32)
    root = Send(middle, send=lambda g: addend)
    _, ledger = _run(root)
    assert _sum_of(ledger, middle) is addend and not ledger.owned[ledger.plan.slot[middle]]


@pytest.mark.parametrize(("send", "copied"), [
    (lambda g: g, True),  # the sender's own gradient, passed straight through
    (lambda g: np.broadcast_to(np.float32(2.0), g.shape), True),  # a read-only view
    (lambda g: g * 2.0, False),  # a fresh, writable array: nobody else holds it
])
def test_a_leaf_s_first_addend_is_copied_unless_it_is_fresh_and_writable(send, copied):
    w = ag.Parameter(np.ones(2), name="w")
    sent = []
    root = Send(w, send=lambda g: sent.append(send(g)) or sent[-1])
    _, ledger = _run(root)
    grad = _sum_of(ledger, w)
    assert (grad is not sent[0]) == copied and grad.flags.writeable
    np.testing.assert_array_equal(grad, sent[0])


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


def test_a_leaf_gradient_is_an_array_of_its_own():
    a, b = ag.Parameter(np.ones(2), name="a"), ag.Parameter(np.ones(2), name="b")
    graph = ag.Graph(nd.sum(a + b))  # Add passes the same gradient array to both
    graph.forward()
    graph.backward(update=False)
    assert a.grad is not b.grad
    a.grad *= 0.5  # gradient clipping in user code touches one parameter only
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


# -- work done and not done ---------------------------------------------------------


def test_nodes_without_trainable_ancestors_do_no_backward_work():
    class Spy(ag.Node):
        op = "spy"
        calls = 0

        def forward(self, x):
            return x

        def backward(self, g):
            Spy.calls += 1
            return (g,)

    x = ag.Input("x")
    w = ag.Parameter(1.0, name="w")
    label_branch = Spy(x)  # depends on no parameter
    graph = ag.Graph(label_branch * w)
    graph.forward(x=1.0)
    graph.backward(update=False)
    assert Spy.calls == 0 and w.grad == 1.0


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


# -- errors -----------------------------------------------------------------------


def test_a_failing_backward_is_reported_naming_the_node_with_the_cause_kept():
    def fail(g):
        raise ZeroDivisionError("on purpose")

    w = ag.Parameter(np.ones(2), name="w")
    root = Send(w, send=fail, name="failing")
    with pytest.raises(ag.GraphError, match=r"node 'failing' \(send\) with inputs 'w' \(2,\) float32 failed in "
                                            r"backward: ZeroDivisionError: on purpose") as info:
        _run(root)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_an_error_the_engine_raised_on_purpose_passes_unchanged():
    error = ag.ShapeError("said on purpose")
    assert as_graph_error(None, error) is error

    class TwoForOne(Send):
        def backward(self, g):
            return g, g

    root = TwoForOne(ag.Parameter(np.ones(2), name="w"))
    with pytest.raises(ag.GraphError, match=r"a tuple of 1 addend\(s\), one per input, got a tuple of 2"):
        _run(root)


def test_a_graph_s_observer_sees_each_node_s_gradient_and_addends_in_sweep_order():
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
