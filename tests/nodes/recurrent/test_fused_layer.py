"""Fused layers (fused="layer"): one node per layer, its parameters' one addend, higher orders, errors.

Their values and gradients against the wired and fused steps, dropout between
them, and their gradient checks are in test_sequence.py and each kind's module.
"""

import numpy as np
import pytest

import nodes as nd
from autograd import SGD, Graph, Input, ShapeError, default_dtype, hvp
from tests.nodes.gradcases import GradCase, randn

from .helpers import flat

F, H = 3, 4
BLOCKS = {"RNN": (nd.RNN, "rnn_layer"), "LSTM": (nd.LSTM, "lstm_layer"), "GRU": (nd.GRU, "gru_layer")}
#: Valid steps with holes (not only padding at the end): a padded step anywhere keeps the state.
HOLES = np.array([[False, True, True, False, True], [True, False, True, True, False]])


def layer(kind, bias=True, masked=False):
    def factory(x, state, *mask):
        block = BLOCKS[kind][0](F, H, bias=bias, fused="layer", rng=np.random.default_rng(4))
        parts = (state, state) if kind == "LSTM" else state  # h0 = c0 for the LSTM: any values do
        return flat(block(x, state=parts, mask=mask[0] if masked else None, return_state=True))

    return factory


CASES = [
    *(GradCase(f"{kind.lower()}-layer-mask-with-holes", layer(kind, masked=True),
               (randn(2, 5, F, seed=20), randn(1, 2, H, seed=21), HOLES)) for kind in sorted(BLOCKS)),
    *(GradCase(f"{kind.lower()}-layer-no-bias", layer(kind, bias=False),
               (randn(2, 5, F, seed=22), randn(1, 2, H, seed=23))) for kind in ("GRU", "RNN")),
]


@pytest.mark.parametrize("kind", sorted(BLOCKS))
def test_each_layer_is_one_node_and_its_parameters_get_one_addend_each_and_update_once(kind):
    cls, op = BLOCKS[kind]
    lr = 0.1
    block = cls(F, H, num_layers=2, fused="layer", rng=np.random.default_rng(1), name="net")
    graph = Graph(nd.sum(block(Input("x", shape=(None, 5, F)))), rule=SGD(lr))
    layers = [n for n in graph.nodes if n.op == op]
    assert [n.name for n in layers] == ["net.cell_l0.layer", "net.cell_l1.layer"]
    assert not [n for n in graph.nodes if n.op.endswith("_cell")]
    w_hh = graph.parameter("net.weight_hh_l1")
    assert [n for n in graph.nodes if w_hh in n.inputs] == [layers[1]]
    before, x = w_hh.value.copy(), randn(2, 5, F).astype(np.float32)
    graph.forward(x=x)
    graph.backward(update=False, keep_addends=True)
    np.testing.assert_array_equal(w_hh.grad, layers[1].addends[layers[1].inputs.index(w_hh)])
    graph.forward(x=x)
    graph.backward()
    np.testing.assert_allclose(w_hh.value, before - lr * w_hh.grad, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_layers_and_wired_steps_have_the_same_second_derivatives(kind):
    # The layer's vjp wires its steps as fused step nodes, whose vjps wire elementary ones.
    x0, v = randn(3, 4, F), randn(3, 4, F, seed=1)
    lengths = np.array([4, 2, 3])
    products = []
    for fused in ("layer", False):
        with default_dtype(np.float64):
            x = Input("x", shape=x0.shape)
            block = BLOCKS[kind][0](F, H, num_layers=2, fused=fused, rng=np.random.default_rng(0))
            loss = nd.sum(nd.tanh(block(x, lengths=lengths)))
        Graph(loss).forward(x=x0)
        products.append(hvp(loss, x, v))
    np.testing.assert_allclose(products[0], products[1], rtol=1e-10, atol=1e-13)
    assert np.abs(products[0]).max() > 1e-3  # not vacuously equal


def test_a_fed_mask_follows_each_batch():
    block = nd.GRU(F, H, fused="layer", rng=np.random.default_rng(15))
    x, mask = Input("x", shape=(None, 4, F)), Input("mask", shape=(None, 4), dtype=bool)
    graph = Graph(block(x, mask=mask, last=True), block(x, mask=mask))
    for n in (2, 5):
        valid = np.arange(4) < np.arange(n)[:, None] % 4 + 1
        last, every = graph.forward(x=randn(n, 4, F).astype(np.float32), mask=valid)
        np.testing.assert_array_equal(last, every[np.arange(n), valid.sum(axis=1) - 1])
        assert np.all(every[~valid] == 0)


def test_a_bad_fused_is_refused_with_the_block_named_and_the_repr_says_layer():
    with pytest.raises(ValueError, match=r"LSTM: fused must be False, True, 'step' or 'layer', got 'layers'"):
        nd.LSTM(F, H, fused="layers")
    with pytest.raises(ValueError, match=r"GRU: fused must be .*, got 1"):
        nd.GRU(F, H, fused=1)
    assert repr(nd.RNN(F, H, fused="layer", name="r")) == "RNN(3, 4, num_layers=1, fused='layer', name='r')"
    assert repr(nd.RNN(F, H, fused="step", name="r")) == "RNN(3, 4, num_layers=1, fused=True, name='r')"


def test_a_layer_nodes_inputs_are_checked_when_it_is_wired():
    w_ih, w_hh = Input("w_ih", shape=(4 * H, F)), Input("w_hh", shape=(4 * H, H))
    state = Input("s", shape=(None, 2 * H))
    with pytest.raises(ShapeError, match=r"the sequence \(N, 5\) is not \(N, T, 3\)"):
        nd.LSTMLayer(Input("x", shape=(None, 5)), state, w_ih, w_hh)
    with pytest.raises(ShapeError, match=r"the sequence \(N, 5, 2\) is not \(N, T, 3\)"):
        nd.LSTMLayer(Input("x2", shape=(None, 5, 2)), state, w_ih, w_hh)
    with pytest.raises(ShapeError, match=r"the mask \(N, 4\) is not \(N, T\) for the sequence \(N, 5, 3\)"):
        nd.LSTMLayer(Input("x3", shape=(None, 5, F)), state, w_ih, w_hh, mask=Input("m", shape=(None, 4)))
    with pytest.raises(ShapeError, match=r"the state \(N, 4\) is not \(N, 8\)"):
        nd.LSTMLayer(Input("x4", shape=(None, 5, F)), Input("h", shape=(None, H)), w_ih, w_hh)
    with pytest.raises(ValueError, match="GRULayer takes both biases or neither"):
        nd.GRULayer(Input("x5", shape=(None, 5, F)), Input("h5", shape=(None, H)), Input("a", shape=(3 * H, F)),
                    Input("b", shape=(3 * H, H)), bias_ih=Input("b_ih", shape=(3 * H,)))
    layer = nd.LSTMLayer(Input("x6", shape=(None, 5, F)), state, w_ih, w_hh)
    assert layer.shape == (None, 5, 2 * H)


@pytest.mark.parametrize("fused", [True, "layer"], ids=["fused", "layer"])
def test_each_bias_gets_a_gradient_array_of_its_own(fused):
    # For RNN and LSTM both biases' gradients are the column sums of the same A: summed once, not shared,
    # since a clipping or a rule may change one in place.
    block = nd.RNN(F, H, fused=fused, rng=np.random.default_rng(5), name="r")
    graph = Graph(nd.sum(block(Input("x", shape=(None, 1, F)))))
    graph.forward(x=randn(2, 1, F).astype(np.float32))
    graph.backward(update=False)
    b_ih, b_hh = graph.parameter("r.bias_ih_l0"), graph.parameter("r.bias_hh_l0")
    np.testing.assert_array_equal(b_ih.grad, b_hh.grad)
    assert not np.shares_memory(b_ih.grad, b_hh.grad)


def test_a_layer_reads_the_first_steps_as_the_step_nodes_do_when_more_are_fed():
    x = randn(2, 5, F, seed=24).astype(np.float32)
    outputs = []
    for fused in (True, "layer"):
        block = nd.GRU(F, H, fused=fused, rng=np.random.default_rng(6))
        graph = Graph(*block(Input("x", shape=(None, None, F)), steps=3, return_state=True))
        outputs.append(graph.forward(x=x))
    for a, b in zip(*outputs):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_a_cell_refuses_fused_layer_and_says_where_it_belongs():
    with pytest.raises(ValueError, match=r"LSTMCell: fused must be True or False .*stacked RNN, LSTM and GRU.*'layer'"):
        nd.LSTMCell(F, H, fused="layer")
