"""The cells as blocks: a call is one step, the state defaults to zeros, calls share the parameters."""

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input


@pytest.mark.parametrize("cls", [nd.RNNCell, nd.LSTMCell, nd.GRUCell])
@pytest.mark.parametrize("fused", [False, True], ids=["wired", "fused"])
def test_a_cell_without_a_state_starts_from_zeros(cls, fused):
    block = cls(3, 4, fused=fused, rng=np.random.default_rng(0))
    x = Input("x", shape=(None, 3))
    zeros = Input("zeros", shape=(None, 4))
    start = block(x)
    given = block(x, (zeros, zeros) if cls is nd.LSTMCell else zeros)
    first, second = (part if not isinstance(part, tuple) else part[0] for part in (start, given))
    a, b = Graph(first, second).forward(x=np.ones((2, 3), np.float32), zeros=np.zeros((2, 4), np.float32))
    np.testing.assert_array_equal(a, b)


def test_calling_a_cell_at_every_step_shares_its_parameters_and_names_each_step():
    block = nd.GRUCell(3, 4, name="cell", rng=np.random.default_rng(1))
    x = Input("x", shape=(None, 3))
    h = None
    for _ in range(3):
        h = block(x, h)
    graph = Graph(h)
    assert [p.name for p in block.parameters()] == ["cell.weight_ih", "cell.weight_hh", "cell.bias_ih", "cell.bias_hh"]
    assert set(graph.parameters) == set(block.parameters())
    assert {"cell.h", "cell#1.h", "cell#2.h"} <= {n.name for n in graph.nodes}
    assert repr(block) == "GRUCell(3, 4, bias=True, fused=False, name='cell')"


def test_sizes_must_be_positive_integers():
    with pytest.raises(ValueError, match="LSTMCell: hidden_size must be a positive integer, got 2.5"):
        nd.LSTMCell(3, 2.5)
    with pytest.raises(ValueError, match="RNNCell: input_size must be a positive integer, got 0"):
        nd.RNNCell(0, 4)
