"""What every fused cell shares: its inputs, and shapes checked when it is wired."""

import pytest

import nodes as nd
from autograd import Input, ShapeError


def weights(rows, features, hidden):
    return Input("w_ih", shape=(rows, features)), Input("w_hh", shape=(rows, hidden))


def test_a_fused_cell_takes_both_biases_or_neither():
    x, h = Input("x", shape=(None, 3)), Input("h", shape=(None, 4))
    with pytest.raises(ValueError, match="FusedGRUCell takes both biases or neither"):
        nd.FusedGRUCell(x, h, *weights(12, 3, 4), bias_ih=Input("b", shape=(12,)))


def test_shapes_are_checked_when_the_cell_is_wired():
    x, h = Input("x", shape=(None, 3)), Input("h", shape=(None, 4))
    with pytest.raises(ShapeError, match=r"weights \(12, 3\) and \(8, 4\) are not \(3\*H, F\) and \(3\*H, H\)"):
        nd.FusedGRUCell(x, h, Input("w_ih", shape=(12, 3)), Input("w_hh", shape=(8, 4)))
    with pytest.raises(ShapeError, match=r"the step input \(N, 5\) is not \(N, 3\)"):
        nd.FusedRNNCell(Input("x5", shape=(None, 5)), h, *weights(4, 3, 4))
    with pytest.raises(ShapeError, match=r"the biases \(4,\) and \(4,\) are not \(12,\)"):
        nd.FusedGRUCell(x, h, *weights(12, 3, 4), Input("b1", shape=(4,)), Input("b2", shape=(4,)))
    cell = nd.FusedLSTMCell(x, Input("s", shape=(None, 8)), *weights(16, 3, 4))
    assert cell.shape == (None, 8) and cell.hidden_size == 4
