"""Python's operators on nodes: each calls the node library's registered function, operands in order."""

import operator

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd import operators


@pytest.fixture
def recorded(monkeypatch):
    """A registry whose every function returns (its name, its arguments) instead of building a node."""
    names = ("add", "sub", "mul", "div", "pow", "neg", "matmul", "getitem")
    monkeypatch.setattr(operators, "_functions", {n: (lambda *args, n=n: (n, args)) for n in names})


X, Y = ag.Input("x"), ag.Input("y")


@pytest.mark.parametrize(("expression", "expected"), [
    (lambda: X + Y, ("add", (X, Y))), (lambda: 2 + X, ("add", (2, X))),
    (lambda: X - 2, ("sub", (X, 2))), (lambda: 2 - X, ("sub", (2, X))),
    (lambda: X * Y, ("mul", (X, Y))), (lambda: 2 * X, ("mul", (2, X))),
    (lambda: X / 2, ("div", (X, 2))), (lambda: 2 / X, ("div", (2, X))),
    (lambda: X**3, ("pow", (X, 3))), (lambda: -X, ("neg", (X,))),
    (lambda: X @ Y, ("matmul", (X, Y))), (lambda: X[1:], ("getitem", (X, slice(1, None)))),
], ids=["add", "radd", "sub", "rsub", "mul", "rmul", "div", "rdiv", "pow", "neg", "matmul", "getitem"])
def test_each_operator_calls_its_function_with_the_operands_in_order(recorded, expression, expected):
    assert expression() == expected


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv, operator.matmul])
def test_a_numpy_array_on_the_left_calls_the_node_s_reflected_operator(recorded, op):
    array = np.ones((2, 2))
    name, (left, right) = op(array, X)
    assert left is array and right is X  # not an array of results: numpy leaves the node alone


def test_an_operator_before_the_library_registers_its_functions_says_what_to_import(monkeypatch):
    monkeypatch.setattr(operators, "_functions", {})
    with pytest.raises(ag.GraphError, match=r"^'@' on nodes builds a node of the node library: import nodes first$"):
        X @ Y


def test_registering_makes_the_operator_call_the_new_function(monkeypatch):
    monkeypatch.setattr(operators, "_functions", {})
    operators.register_operators(neg=lambda x: ("negated", x))
    assert -X == ("negated", X)


def test_numpy_arrays_on_the_left_of_an_operator_make_nodes():
    a = ag.Input("a", shape=(2, 2))
    for node in (np.ones(2) + a, np.ones(2) * a, np.ones(2) - a, np.ones(2) / a, np.eye(2) @ a):
        assert isinstance(node, ag.Node)
    graph = ag.Graph(np.eye(2) @ a - np.ones(2))
    np.testing.assert_array_equal(graph.forward(a=np.full((2, 2), 3.0)), np.full((2, 2), 2.0))


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
