"""The zero initial state and the mask from lengths: values, batch sizes, dtypes, errors; no backward."""

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError


def test_the_zero_state_follows_the_batch_size_and_dtype_of_its_input():
    x = Input("x", shape=(None, 5, 3), dtype=np.float64)
    zeros = nd.zero_state(x, 4)
    assert zeros.shape == (None, 4)
    graph = Graph(zeros)
    for n in (1, 6):
        value = graph.forward(x=np.ones((n, 5, 3)))
        assert value.shape == (n, 4) and value.dtype == np.float64 and not value.any()
    with pytest.raises(ShapeError, match="batch axis"):
        nd.zero_state(Input("scalar", shape=()), 4)


def test_the_length_mask_marks_the_first_length_steps_of_each_sequence():
    lengths = Input("lengths", shape=(None,), dtype=np.int64)
    mask = nd.length_mask(lengths, 4)
    assert mask.shape == (None, 4)
    value = Graph(mask).forward(lengths=np.array([0, 4, 2]))
    np.testing.assert_array_equal(value, [[0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 0, 0]])
    assert value.dtype == bool
    with pytest.raises(ShapeError, match=r"one length per sequence, shape \(N,\), got \(N, 2\)"):
        nd.length_mask(Input("l2", shape=(None, 2), dtype=np.int64), 4)
    with pytest.raises(ValueError, match="lengths must be integers, got float32"):
        Graph(nd.length_mask(Input("lf", shape=(None,)), 4)).forward(lf=np.ones(2))


def test_neither_node_takes_part_in_the_backward_pass():
    x = Input("x", shape=(None, 3), requires_grad=True)
    graph = Graph(nd.add(x, nd.zero_state(x, 3)))
    graph.forward(x=np.ones((2, 3), np.float32))
    graph.backward(update=False)
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))  # the add's addend only
    assert not nd.ZeroState.differentiable and not nd.LengthMask.differentiable
