"""Words on the diagram: shapes with N for the batch axis, numbers and counts."""

import numpy as np

import nodes as nd
from autograd import Graph, Input, Parameter
from autograd.errors import static_shape
from autograd.render.text import batch_axis, batch_sizes, count, format_shape, number, shape_of, small_array


def test_shapes_are_written_with_n_for_the_batch_and_scalar_for_none():
    assert format_shape(()) == "scalar" and format_shape((None, 3)) == "(N, 3)" and format_shape((4,)) == "(4,)"
    assert format_shape(None) == "?" and format_shape(("N·16", 4)) == "(N·16, 4)"
    for shape in ((None, 3), (4,), (2, None, "?")):  # the core's words wherever they are the same
        assert format_shape(shape) == static_shape(shape)


def test_a_leading_axis_of_rows_is_told_relative_to_the_batch():
    x = Input(name="x", shape=(None, 16, 4))
    rows = nd.reshape(x, (-1, 4), name="rows")
    graph = Graph(nd.relu(rows, name="r"))
    assert shape_of(rows) == (None, 4)  # before a forward pass: only that it depends on the batch
    graph.forward({"x": np.ones((6, 16, 4))})
    batch = batch_sizes(graph.nodes)
    assert batch == {6}
    assert shape_of(rows, batch) == ("N·16", 4) and shape_of(x, batch) == (None, 16, 4)
    assert [batch_axis(n, {6}) for n in (6, 96, 3, 7)] == [None, "N·16", "N/2", 7]
    assert batch_axis(5, set()) is None


def test_shapes_from_values_when_there_is_no_static_shape():
    x = Input(name="x")
    y = nd.relu(x, name="y")
    assert shape_of(y) is None and format_shape(shape_of(y)) == "?"
    x.value = np.ones((7, 5))
    assert shape_of(x) == (None, 5)  # the fed input's first axis is the batch
    assert shape_of(x, {3}) == (7, 5)  # unless the batch is known to be another size
    w = Parameter(np.ones((7, 5)), name="w")
    assert shape_of(w, {7}) == (7, 5)  # a parameter's never is


def test_numbers_are_compact():
    assert [number(x) for x in (0, 1, 0.5, 1234.5, 12345.0, 1e-4, float("nan"), float("inf"))] == [
        "0", "1", "0.5", "1.23e+03", "1.23e+04", "1.00e-04", "nan", "inf"]
    assert count(1234567) == "1,234,567"


def test_small_arrays_show_their_numbers():
    assert small_array(np.array([1.0, -2.5]), 8) == "[1 -2.5]"
    assert small_array(np.array(3.0), 8) == "3"
    assert small_array(np.ones((3, 3)), 8) is None
