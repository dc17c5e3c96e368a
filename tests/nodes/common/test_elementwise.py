"""The Elementwise base: a subclass gets the broadcast output shape, and the engine unbroadcasts its addends."""

import numpy as np
import pytest

import nodes.math
from autograd import Graph, Input, Parameter, ShapeError, default_dtype
from nodes.common.elementwise import Elementwise


class Hypot(Elementwise):
    """f = sqrt(a^2 + b^2).   Backward: dG/da = g a / f, dG/db = g b / f."""

    op = "hypot"

    def forward(self, a, b):
        f = np.hypot(a, b)
        if self.keep:
            self.a, self.b, self.f = a, b, f
        return f

    def backward(self, g):
        return g * self.a / self.f, g * self.b / self.f


def test_the_output_shape_is_the_broadcast_of_the_inputs():
    assert Hypot(Input("a", shape=(None, 1, 4)), Input("b", shape=(3, 1))).shape == (None, 3, 4)
    with pytest.raises(ShapeError, match="do not broadcast"):
        Hypot(Input("a", shape=(None, 3)), Input("b", shape=(4,)))


def test_broadcast_addends_reach_each_input_in_its_own_shape():
    with default_dtype(np.float64):
        a = Input("a", shape=(None, 2))
        b = Parameter(np.array([4.0, 12.0]), name="b")
        f = Hypot(a, b)
    graph = Graph(f)
    # Rows (3, 4) and (5, 5) against b = (4, 12): f = (5, 13) and (sqrt 41, 13).
    value = graph.forward(a=np.array([[3.0, 5.0], [5.0, 5.0]]))
    np.testing.assert_allclose(value, [[5.0, 13.0], [np.sqrt(41.0), 13.0]])
    graph.backward(update=False)
    # dG/db = sum over rows of b / f: 4/5 + 4/sqrt(41), 12/13 + 12/13.
    np.testing.assert_allclose(b.grad, [0.8 + 4 / np.sqrt(41.0), 24 / 13])


def test_nodes_math_still_exports_the_base():
    assert nodes.math.Elementwise is Elementwise
    assert issubclass(nodes.Add, Elementwise) and issubclass(nodes.ReLU, Elementwise)
