"""Python's operators on nodes: each calls the node library's registered function, operands in order."""

import operator

import numpy as np
import pytest

import autograd as ag
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
