"""Feeding a graph's inputs: by node or by name, every input exactly once."""

import numpy as np
import pytest

import autograd as ag
from autograd.feeds import feed_inputs


def _inputs():
    return ag.Input("a"), ag.Input("b", dtype=np.int64)


def test_inputs_are_fed_by_node_by_name_and_by_keyword():
    a, b = _inputs()
    feed_inputs([a, b], {a: [1.0, 2.0]}, {"b": [3]})
    assert a.value.tolist() == [1.0, 2.0] and b.value.tolist() == [3]
    feed_inputs([a, b], {"a": [5.0], b: [6]}, {})
    assert a.value.tolist() == [5.0] and b.value.tolist() == [6]


def test_a_keyword_feed_wins_over_the_same_input_in_the_dict():
    a, b = _inputs()
    feed_inputs([a, b], {a: [1.0], "b": [1]}, {"a": [2.0]})
    assert a.value.tolist() == [2.0]


def test_each_input_checks_its_own_array():
    a, b = _inputs()
    with pytest.raises(ag.FeedError, match="input 'b' .* expects int64 values"):
        feed_inputs([a, b], None, {"a": [1.0], "b": [0.5]})


def test_a_missing_input_is_named_with_how_to_feed_it_and_the_graph_s_inputs():
    a, b = _inputs()
    with pytest.raises(ag.FeedError, match=r"input 'b' was not fed; feed it with graph.forward\(\{'b': array\}\) "
                                           r"\(the graph's inputs: \['a', 'b'\]\)"):
        feed_inputs([a, b], {a: [1.0]}, {})


def test_names_that_are_no_inputs_are_refused_all_at_once_and_sorted():
    a, b = _inputs()
    with pytest.raises(ag.FeedError, match=r"fed names that are not inputs of this graph: \['typo', 'zeta'\]"):
        feed_inputs([a, b], {"zeta": 1, a: [1.0]}, {"b": [1], "typo": 2})


def test_a_missing_feed_names_the_input(affine):
    with pytest.raises(ag.FeedError, match="input 'x' was not fed"):
        affine.graph.forward()


def test_unknown_feed_names_are_refused(affine):
    with pytest.raises(ag.FeedError, match="not inputs of this graph: \\['typo'\\]"):
        affine.graph.forward(x=np.zeros((1, 3)), typo=1)
