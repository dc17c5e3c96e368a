"""Feeding a graph and handling its nodes like arrays: a mistake gets a sentence, not a raw Python error.

A missing feed whose name is a typo of a real input says which; `W.T` and
numpy's functions on nodes build nodes where the library has one, and
refuse with a TypeError naming the function otherwise. Nothing is fed or
built by a refused call.
"""

import numpy as np
import pytest

import autograd as ag
import nodes as nd


def _graph():
    images = ag.Input("images", shape=(None, 3))
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    w = ag.Parameter(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
    return ag.Graph(nd.softmax_cross_entropy(images @ w.T, labels)), images, labels


def test_a_missing_feed_fed_under_a_typo_suggests_the_input_s_name():
    graph, images, labels = _graph()
    with pytest.raises(ag.FeedError) as info:
        graph.forward(imagse=np.ones((2, 3)), labels=np.array([0, 1]))
    text = str(info.value)
    assert text.startswith("input 'images' was not fed (you fed 'imagse': a typo?)")
    assert "graph.forward({'images': array})" in text and "['images', 'labels']" in text
    assert images.value is None and labels.value is None  # nothing was fed: the refusal comes first


def test_an_unknown_name_next_to_every_input_suggests_the_closest_input():
    graph, images, _ = _graph()
    with pytest.raises(ag.FeedError) as info:
        graph.forward(images=np.ones((2, 3)), labels=np.array([0, 1]), lables=np.array([0, 1]))
    assert str(info.value) == ("fed names that are not inputs of this graph: ['lables'] "
                               "(an input is called 'labels': a typo?)")


def test_a_missing_feed_without_a_near_name_suggests_nothing_but_says_how_to_feed():
    graph, _, _ = _graph()
    with pytest.raises(ag.FeedError) as info:
        graph.forward(labels=np.array([0, 1]))
    assert str(info.value) == ("input 'images' was not fed; feed it with graph.forward({'images': array}) "
                               "(the graph's inputs: ['images', 'labels'])")


def test_dot_t_of_a_matrix_parameter_is_its_transpose_as_in_numpy():
    w = ag.Parameter(np.arange(6.0).reshape(2, 3), name="w")
    t = w.T
    assert t.shape == (3, 2) and t.inputs == (w,)
    np.testing.assert_array_equal(ag.Graph(t).forward(), np.arange(6.0).reshape(2, 3).T)


def test_dot_t_reverses_every_axis_as_numpy_does_and_its_gradient_transposes_back():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    inp = ag.Input("x", shape=(None, 3, 4))
    assert inp.T.shape == (4, 3, None)
    np.testing.assert_array_equal(ag.Graph(inp.T).forward(x=x), x.astype(np.float32).T)  # fed as float32
    assert ag.check_node(lambda a: a.T, x).ok


def test_numpy_functions_with_a_node_build_that_node():
    x = ag.Input("x", shape=(None, 3))
    values = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], dtype=np.float32)
    built = {"exp": np.exp(x), "sum": np.sum(x, axis=1), "plus": np.ones(3, dtype=np.float32) + x}
    assert [n.op for n in built.values()] == ["exp", "sum", "add"]
    graph = ag.Graph(*built.values())
    exp, total, plus = graph.forward(x=values)
    np.testing.assert_allclose(exp, np.exp(values), rtol=1e-6)
    np.testing.assert_allclose(total, values.sum(axis=1))
    np.testing.assert_allclose(plus, values + 1)


@pytest.mark.parametrize(("call", "named"), [
    (lambda x: np.logaddexp(x, x), "numpy.logaddexp has no node"),
    (lambda x: np.add.reduce(x), "numpy.add.reduce has no node"),
    (lambda x: np.linalg.svd(x), "numpy.linalg.svd has no node"),
    (lambda x: np.cumsum(x), "numpy.cumsum has no node"),
])
def test_a_numpy_function_without_a_node_is_a_type_error_naming_it_and_the_way_out(call, named):
    x = ag.Input("x", shape=(None, 3))
    with pytest.raises(TypeError) as info:
        call(x)
    text = str(info.value)
    assert text.startswith(named + ": build the graph with nodes (nd.exp, nd.sum, ...)")
    assert "node.value" in text and "exp, log" in text  # the functions that do build nodes are listed


def test_a_numpy_keyword_a_node_cannot_honour_is_refused_naming_the_node_and_the_keyword():
    x = ag.Input("x", shape=(None, 3))
    out = np.zeros(3)
    with pytest.raises(TypeError) as info:
        np.exp(x, out=out)
    assert str(info.value) == ("numpy.exp on node 'x' takes no out=: a node makes its own output array "
                               "(drop the keyword, or use node.value for the numbers)")
    np.testing.assert_array_equal(out, np.zeros(3))


def test_draw_and_trace_backward_are_public_names_of_the_package():
    assert {"draw", "trace_backward"} <= set(ag.__all__)
    assert callable(ag.draw) and callable(ag.trace_backward)
