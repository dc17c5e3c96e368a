"""The engine's exceptions and how a node is described in their messages."""

import numpy as np
import pytest

import autograd as ag
from autograd.errors import describe, static_shape


@pytest.mark.parametrize(("shape", "text"), [
    (None, "(shape unknown)"), ((), "()"), ((3,), "(3,)"), ((None,), "(N,)"), ((None, 28, 28), "(N, 28, 28)"),
])
def test_static_shapes_write_n_for_the_batch_axis(shape, text):
    assert static_shape(shape) == text


def test_describe_names_the_node_its_operation_and_its_inputs_static_shapes_or_values():
    a, b = ag.Input("a", shape=(None, 3)), ag.Input("b")
    node = ag.Node(a, b, name="n")
    assert describe(node) == "node 'n' (node) with inputs 'a' (N, 3), 'b' (shape unknown)"
    a.feed(np.zeros((2, 3)))
    assert describe(node) == "node 'n' (node) with inputs 'a' (2, 3) float32, 'b' (shape unknown)"
    assert describe(node, values=False) == "node 'n' (node) with inputs 'a' (N, 3), 'b' (shape unknown)"
    assert describe(ag.Input("leaf")) == "node 'leaf' (input) with inputs none"


@pytest.mark.parametrize(("error", "bases"), [
    (ag.ShapeError, (ag.GraphError, ValueError)),
    (ag.NodeError, (ag.GraphError, ValueError)),
    (ag.FeedError, (ag.GraphError, ValueError)),
    (ag.CheckpointError, (ag.GraphError, ValueError)),
    (ag.BackwardError, (ag.GraphError, RuntimeError)),
    (ag.AnomalyError, (ag.GraphError, FloatingPointError)),
    (ag.CycleError, (ag.GraphError,)),
])
def test_every_error_is_a_graph_error_and_the_builtin_error_callers_expect(error, bases):
    assert all(issubclass(error, base) for base in bases)
