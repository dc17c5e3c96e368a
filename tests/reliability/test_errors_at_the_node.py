"""A node's own mistake is reported at the step where it happens (wiring, forward, backward), naming the node.

Each message names the node, its operation and its inputs' shapes, says
what was expected and what came, and leaves the parameters and their
gradients as they were.
"""

import numpy as np
import pytest

import autograd as ag
import nodes as nd


class Doubling(ag.Node):
    """f = 2x, with a backward that can be told to return a wrong kind of thing."""

    op = "doubling"

    def __init__(self, x, returns, name=None):
        self.returns = returns
        super().__init__(x, name=name)

    def forward(self, x):
        return 2 * x

    def backward(self, g):
        return self.returns(g)


class Pairing(ag.Node):
    """f = a * b, whose backward forgets the second addend."""

    op = "pairing"

    def forward(self, a, b):
        return a * b

    def backward(self, g):
        return (g * self.inputs[1].value,)


class Widening(ag.Node):
    """Returns float64 whatever it is given: a temporary left in float64."""

    op = "widening"

    def forward(self, x):
        return x.astype(np.float64)

    def backward(self, g):
        return (g.astype(np.float32),)


class OneHot64(ag.Node):
    """Floats from integer labels, in float64 rather than the default dtype."""

    op = "onehot64"
    differentiable = False

    def forward(self, labels):
        return np.eye(3)[labels]


class BuggyRule(ag.Node):
    """A shape rule that indexes past the end of its input's shape."""

    op = "buggy_rule"

    def forward(self, x):
        return x

    def infer_shape(self, shape):
        return (shape[5],)


def _model(node_type=Doubling, **options):
    x = ag.Input("x", shape=(None, 3))
    w = ag.Parameter(np.array([1.0, 2.0, 3.0], dtype=np.float32), name="w")
    return x, w, node_type(x * w, name="suspect", **options)


def _unchanged(w, before):
    np.testing.assert_array_equal(w.value, before)
    assert w.grad is None


def _backward_error(root, w, error):
    """The `error` that a backward of Graph(root) raises after a forward on ones (2, 3), `w` checked unchanged."""
    graph, before = ag.Graph(root), w.value.copy()
    graph.forward(x=np.ones((2, 3), dtype=np.float32))
    with pytest.raises(error) as info:
        graph.backward()
    _unchanged(w, before)
    return info.value


def test_a_reduction_axis_out_of_range_is_refused_at_wiring_naming_the_node():
    x = ag.Input("x", shape=(None, 3))
    with pytest.raises(ag.ShapeError) as info:
        nd.sum(x, axis=5, name="total")
    text = str(info.value)
    assert text.startswith("node 'total' (sum) with inputs 'x' (N, 3): ")
    assert "axis 5" in text and "2 axes" in text and "at wiring" in text


def test_a_reduction_axis_out_of_range_found_only_in_forward_names_the_node():
    x = ag.Input("x")  # no declared shape: nothing to check at wiring
    graph = ag.Graph(nd.sum(x, axis=5, name="total"))
    with pytest.raises(ag.ShapeError) as info:
        graph.forward(x=np.ones((2, 3), dtype=np.float32))
    text = str(info.value)
    assert text.startswith("node 'total' (sum) with inputs 'x' (2, 3) float32 failed in forward: ")
    assert "axis 5" in text and "2 axes" in text
    with pytest.raises(ag.BackwardError):  # the failed forward left nothing to backward
        graph.backward()


def test_a_backward_returning_a_bare_array_is_refused_in_backward_with_the_fix():
    x, w, node = _model(returns=lambda g: 2 * g)
    text = str(_backward_error(nd.sum(node), w, ag.GraphError))
    assert text.startswith("node 'suspect' (doubling) with inputs 'mul_")
    assert "(2, 3) float32: backward must return a tuple of 1 addend(s), one per input, got a bare ndarray" in text
    assert "return (addend,)" in text


def test_a_backward_returning_too_few_addends_says_how_many_were_expected_and_came():
    x = ag.Input("x", shape=(None, 3))
    w = ag.Parameter(np.array([1.0, 2.0, 3.0], dtype=np.float32), name="w")
    error = _backward_error(nd.sum(Pairing(x, w, name="suspect")), w, ag.GraphError)
    assert str(error) == (
        "node 'suspect' (pairing) with inputs 'x' (2, 3) float32, 'w' (3,) float32: backward must return a tuple "
        "of 2 addend(s), one per input, got a tuple of 1"
    )


def test_a_backward_returning_a_python_number_names_the_input_and_the_type():
    x, w, node = _model(returns=lambda g: (1.0,))
    error = _backward_error(nd.sum(node), w, ag.GraphError)
    text = str(error)
    assert text.startswith("node 'suspect' (doubling) with inputs ")
    assert "backward must return numpy arrays (or None) as addends, got float 1.0 for input 0 'mul_" in text
    assert "AttributeError" not in text and isinstance(error.__cause__, AttributeError)


def test_an_engine_error_raised_inside_a_backward_gets_the_node_s_name():
    def refuse(g):
        raise ag.ShapeError("the addend cannot be made")

    x, w, node = _model(returns=refuse)
    text = str(_backward_error(nd.sum(node), w, ag.ShapeError))
    assert text.startswith("node 'suspect' (doubling) with inputs 'mul_")
    assert text.endswith("(2, 3) float32 failed in backward: the addend cannot be made")


def test_a_shape_rule_raising_index_error_is_reported_at_wiring_naming_the_node():
    x = ag.Input("x", shape=(None, 3))
    with pytest.raises(ag.ShapeError) as info:
        BuggyRule(x, name="ruled")
    assert str(info.value) == (
        "node 'ruled' (buggy_rule) with inputs 'x' (N, 3): its shape rule (infer_shape) raised IndexError at "
        "wiring: tuple index out of range"
    )
    assert isinstance(info.value.__cause__, IndexError)


def test_a_float64_forward_in_a_float32_graph_is_refused_in_forward_not_blamed_on_backward():
    x, w, node = _model(Widening)
    graph, before = ag.Graph(nd.sum(node)), w.value.copy()
    with pytest.raises(ag.NodeError) as info:
        graph.forward(x=np.ones((2, 3), dtype=np.float32))
    text = str(info.value)
    assert text.startswith("node 'suspect' (widening) with inputs 'mul_")
    assert "forward returned float64 values from float32 inputs" in text
    with pytest.raises(ag.BackwardError):
        graph.backward()
    _unchanged(w, before)


def test_floats_made_from_integers_must_be_of_the_default_dtype_found_at_the_node_that_made_them():
    labels = ag.Input("labels", dtype=np.int64)
    x, w, product = _model(returns=lambda g: (2 * g,))
    graph, before = ag.Graph(nd.sum(OneHot64(labels, name="hot") * product)), w.value.copy()
    with pytest.raises(ag.NodeError) as info:
        graph.forward(x=np.ones((2, 3), dtype=np.float32), labels=np.array([0, 2]))
    assert str(info.value) == (
        "node 'hot' (onehot64) with inputs 'labels' (2,) int64: forward returned float64 values from inputs "
        "without floats: a node that makes floats makes them of the default float dtype, float32 "
        "(config.get_default_dtype())"
    )
    _unchanged(w, before)


def test_the_same_nodes_in_float64_throughout_pass():
    # The refusals above are about mixing dtypes, not about float64 itself.
    with ag.default_dtype(np.float64):
        labels = ag.Input("labels", dtype=np.int64)
        x = ag.Input("x", shape=(None, 3))
        w = ag.Parameter(np.array([1.0, 2.0, 3.0]), name="w")
        graph = ag.Graph(nd.sum(OneHot64(labels) * (x * w)))
        out = graph.forward(x=np.ones((2, 3)), labels=np.array([0, 2]))
    assert out == pytest.approx(1.0 + 3.0)  # w[0] for label 0, w[2] for label 2
