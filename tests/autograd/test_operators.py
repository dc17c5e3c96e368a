"""Operators and numpy functions on nodes build nodes of the library, or refuse in one sentence."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd


@pytest.fixture
def x():
    return ag.Input("x", shape=(None, 3))


def test_python_operators_build_library_nodes(x):
    w = ag.Parameter(np.ones((3, 2)), name="w")
    ops = [(x + 1).op, (1 - x).op, (x * x).op, (x / x).op, (x**2).op, (-x).op, (x @ w).op, x[0].op, (2 * x).op]
    assert ops == ["add", "sub", "mul", "div", "pow", "neg", "matmul", "getitem", "scale"]


def test_dot_t_reverses_the_axes_as_numpy(x):
    w = ag.Parameter(np.arange(6.0).reshape(3, 2), name="w")
    assert w.T.op == "transpose" and w.T.shape == (2, 3)
    np.testing.assert_array_equal(ag.Graph(w.T).forward(), np.arange(6.0).reshape(3, 2).T)


def test_numpy_functions_with_a_node_build_that_node(x):
    values = np.arange(6.0).reshape(2, 3)
    made = {"exp": np.exp(x), "add": np.ones(3) + x, "sum": np.sum(x, axis=1), "max": np.max(x),
            "matmul": np.eye(2) @ x, "concat": np.concatenate([x, x], axis=1)}
    assert {name: node.op for name, node in made.items()} == {name: name for name in made}
    graph = ag.Graph(*made.values())
    results = graph.forward(x=values)
    expected = [np.exp(values), 1 + values, values.sum(axis=1), values.max(), values, np.concatenate([values] * 2, 1)]
    for got, want in zip(results, expected):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_numpy_functions_without_a_node_refuse_in_one_sentence(x):
    with pytest.raises(TypeError, match=r"numpy.cumsum has no node: build the graph with nodes .* use node.value"):
        np.cumsum(x)
    with pytest.raises(TypeError, match="numpy.add.reduce has no node"):
        np.add.reduce(x)


def test_comparing_an_array_with_a_node_is_false_entry_by_entry_as_with_any_object(x):
    assert (np.ones(2) == x).tolist() == [False, False] and (np.ones(2) != x).tolist() == [True, True]
    assert (np.ones(2) == object()).tolist() == [False, False]  # what numpy does for any object


def test_without_the_node_library_operators_say_what_to_import():
    from autograd import operators

    saved = dict(operators._functions)
    operators._functions.clear()
    try:
        with pytest.raises(ag.GraphError, match=r"'\+' on nodes builds a node of the node library: import nodes"):
            ag.Input("y") + 1
        with pytest.raises(TypeError, match="numpy.exp on a node needs the node library: import nodes first"):
            np.exp(ag.Input("z"))
    finally:
        operators._functions.update(saved)
    assert nd.add is operators._functions["add"]
