import numpy as np
import pytest

import autograd as ag
from autograd.schedule import topological_order


def test_inputs_come_before_their_users():
    a, b = ag.Input("a"), ag.Input("b")
    c = a + b
    d = c * a
    order = topological_order([d])
    for node in order:
        for inp in node.inputs:
            assert order.index(inp) < order.index(node)
    assert set(order) == {a, b, c, d}


def test_a_chain_of_100000_nodes_needs_no_recursion():
    x = ag.Input("x")
    w = ag.Parameter(1.0, name="w", dtype=np.float64)
    h = x * w
    for k in range(100_000):
        h = h * 1.0 if k % 2 else h + 1.0  # the gradient passes through every node
    graph = ag.Graph(h)
    assert graph.forward(x=np.float32(3.0)) == 3.0 + 50_000
    graph.backward(update=False)
    assert w.grad == 3.0  # dh/dw = x


def test_a_cycle_is_refused_naming_the_nodes_on_it():
    a = ag.Input("a")
    b = ag.Input("b")
    c = a + b
    d = c * 2.0
    e = d + 1.0
    c.inputs = (a, e)  # rewire by hand: c -> d -> e -> c
    with pytest.raises(ag.CycleError) as info:
        ag.Graph(e)
    message = str(info.value)
    for node in (c, d, e):
        assert f"'{node.name}'" in message
    assert f"'{a.name}'" not in message


def test_nodes_that_lead_to_no_root_are_not_in_the_graph():
    x = ag.Input("x")
    used = x * 2.0
    unused = x * 3.0
    graph = ag.Graph(used)
    assert unused not in graph.nodes
