"""Stacked recurrent layers: PyTorch's layout, masks, the last step, chunks with carried state, dropout, errors."""

import math

import numpy as np
import pytest

import nodes as nd
from autograd import SGD, Graph, Input, ShapeError, default_dtype
from tests.nodes.gradcases import randn

from .helpers import flat, run_block
from .reference import lstm_backward, lstm_forward

F, H = 3, 4
BLOCKS = {"RNN": (nd.RNN, 1), "LSTM": (nd.LSTM, 4), "GRU": (nd.GRU, 3)}


@pytest.mark.parametrize("kind", sorted(BLOCKS))
def test_parameters_have_pytorchs_names_shapes_order_and_initialisation(kind):
    cls, gates = BLOCKS[kind]
    block = cls(F, H, num_layers=2, rng=np.random.default_rng(0), name="net")
    names = [(p.name, p.value.shape) for p in block.parameters()]
    expected = []
    for k, width in ((0, F), (1, H)):
        expected += [(f"net.weight_ih_l{k}", (gates * H, width)), (f"net.weight_hh_l{k}", (gates * H, H)),
                     (f"net.bias_ih_l{k}", (gates * H,)), (f"net.bias_hh_l{k}", (gates * H,))]
    assert names == expected
    values = np.concatenate([p.value.ravel() for p in block.parameters()])
    bound = 1 / math.sqrt(H)
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.9 * bound  # uniform in +-1/sqrt(H)
    assert abs(values.mean()) < 0.1 * bound
    assert [p.name for p in nd.LSTM(F, H, bias=False, name="plain").parameters()] == [
        "plain.weight_ih_l0", "plain.weight_hh_l0"]


@pytest.mark.parametrize("kind", sorted(BLOCKS))
@pytest.mark.parametrize("fused", [False, True], ids=["wired", "fused"])
def test_each_parameter_receives_one_addend_per_step_sums_them_and_updates_once(kind, fused):
    steps, lr = 5, 0.1
    block = BLOCKS[kind][0](F, H, fused=fused, rng=np.random.default_rng(1), name="net")
    x = Input("x", shape=(None, steps, F))
    graph = Graph(nd.sum(block(x)), rule=SGD(lr))
    w_hh = graph.parameter("net.weight_hh_l0")
    before = w_hh.value.copy()
    graph.forward(x=randn(2, steps, F).astype(np.float32))
    graph.backward(update=False, keep_addends=True)
    # Fused: the steps consume W_hh themselves (and a transposed copy, which sends nothing back);
    # wired: its one transpose, which every step consumes.
    consumers = [n for n in graph.nodes if w_hh in n.inputs]
    receiver = w_hh if fused else consumers[0]
    steps_in = [n for n in graph.nodes if receiver in n.inputs and n.differentiable]
    assert len(steps_in) == steps
    total = sum(n.addends[n.inputs.index(receiver)] for n in steps_in)
    np.testing.assert_allclose(receiver.grad, total, rtol=1e-5, atol=1e-6)
    graph.forward(x=randn(2, steps, F).astype(np.float32))
    graph.backward()
    np.testing.assert_allclose(w_hh.value, before - lr * w_hh.grad, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("kind", sorted(BLOCKS))
@pytest.mark.parametrize("fused", [True, "layer"], ids=["fused", "layer"])
def test_fused_steps_and_layers_give_the_wired_steps_values_and_gradients_in_float32(kind, fused):
    cls = BLOCKS[kind][0]
    x, lengths = randn(4, 6, F, seed=2).astype(np.float32), np.array([6, 2, 5, 1])
    results = []
    for way in (False, fused):
        block = cls(F, H, num_layers=2, fused=way, rng=np.random.default_rng(3))
        seeds = [randn(4, 6, H, seed=4), *randn(2, 2, 4, H, seed=5)][: 2 + (kind == "LSTM")]
        values, grads, graph = run_block(lambda x_in, b=block: flat(b(x_in, lengths=lengths, return_state=True)),
                                         (x,), seeds, dtype=np.float32)
        results.append((values, grads[0], {p.name.split(".", 1)[1]: p.grad for p in block.parameters()}))
    (v_wired, dx_wired, p_wired), (v_fused, dx_fused, p_fused) = results
    for a, b in zip(v_wired, v_fused):
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dx_wired, dx_fused, rtol=1e-4, atol=1e-6)
    assert p_wired.keys() == p_fused.keys()
    for name in p_wired:
        assert p_fused[name].dtype == np.float32
        np.testing.assert_allclose(p_wired[name], p_fused[name], rtol=1e-4, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("fused", [False, True, "layer"], ids=["wired", "fused", "layer"])
def test_padded_steps_neither_change_the_state_nor_receive_gradient(fused):
    steps, lengths = 6, np.array([6, 3, 0])
    x = randn(3, steps, F, seed=6)
    valid = np.arange(steps) < lengths[:, None]
    with default_dtype(np.float64):
        block = nd.LSTM(F, H, num_layers=2, fused=fused, rng=np.random.default_rng(7))

    def run(x_value, **given):
        n, t = x_value.shape[:2]
        return run_block(lambda x_in: flat(block(x_in, return_state=True, **given)), (x_value,),
                         (np.ones((n, t, H)), np.ones((2, n, H)), np.ones((2, n, H))))

    (out, h_n, c_n), grads, _ = run(x, lengths=lengths)
    noisy = np.where(valid[:, :, None], x, 100.0)  # whatever the padding holds
    (out2, h_n2, c_n2), _, _ = run(noisy, mask=valid)  # a mask says the same as the lengths
    for a, b in ((out, out2), (h_n, h_n2), (c_n, c_n2)):
        np.testing.assert_array_equal(a, b)
    assert np.all(out[~valid] == 0) and np.all(grads[0][~valid] == 0)
    assert np.all(h_n[:, 2] == 0) and np.all(c_n[:, 2] == 0)  # length 0: the zero initial state
    (short, h_short, _), _, _ = run(x[1:2, :3])  # the second sequence alone, unpadded
    np.testing.assert_allclose(h_n[:, 1], h_short[:, 0], atol=1e-12)
    np.testing.assert_allclose(out[1, :3], short[0], atol=1e-12)


@pytest.mark.parametrize("fused", [False, True, "layer"], ids=["wired", "fused", "layer"])
def test_last_gives_each_sequences_last_valid_output(fused):
    x, lengths = randn(3, 5, F, seed=8), np.array([5, 2, 4])
    with default_dtype(np.float64):
        block = nd.GRU(F, H, num_layers=2, fused=fused, rng=np.random.default_rng(9))
        x_in = Input("x", shape=(None, 5, F))
        last, h_n = block(x_in, lengths=lengths, last=True, return_state=True)
        every = block(x_in, lengths=lengths)
    last_value, h_n_value, every_value = Graph(last, h_n, every).forward(x=x)
    np.testing.assert_array_equal(last_value, h_n_value[-1])
    np.testing.assert_allclose(last_value, every_value[np.arange(3), lengths - 1], atol=1e-12)


@pytest.mark.parametrize("fused", [False, True, "layer"], ids=["wired", "fused", "layer"])
def test_a_long_sequence_in_chunks_with_carried_state_is_truncated_backpropagation(fused):
    chunk, n = 4, 2
    x = randn(n, 2 * chunk, F, seed=10)
    with default_dtype(np.float64):
        block = nd.LSTM(F, H, fused=fused, rng=np.random.default_rng(11))
        whole = block(Input("whole", shape=(None, 2 * chunk, F)))
        x_in = Input("x", shape=(None, chunk, F))
        h0, c0 = Input("h0", shape=(1, None, H)), Input("c0", shape=(1, None, H))
        out, (h_n, c_n) = block(x_in, state=(h0, c0), return_state=True)
    graph = Graph(out, h_n, c_n)
    state = np.zeros((1, n, H)), np.zeros((1, n, H))
    chunks = []
    for k in range(2):  # the second chunk starts from the first chunk's final state, fed as a plain input
        values = graph.forward(x=x[:, k * chunk : (k + 1) * chunk], h0=state[0], c0=state[1])
        chunks.append(values[0].copy())
        state = values[1].copy(), values[2].copy()
    np.testing.assert_allclose(np.concatenate(chunks, axis=1), Graph(whole).forward(whole=x), atol=1e-12)
    seed = randn(n, chunk, H, seed=12)
    graph.backward(seed=[seed, np.zeros((1, n, H)), np.zeros((1, n, H))], update=False)
    assert h0.grad is None and c0.grad is None  # nothing flows back into the previous chunk
    # Truncated BPTT: the second chunk's gradient with its initial state held constant.
    w = {p.name.rsplit(".", 1)[1][:-3]: p.value for p in block.parameters()}
    first = lstm_forward(x[:, :chunk], *w.values(), np.zeros((n, H)), np.zeros((n, H)))
    tape = lstm_forward(x[:, chunk:], *w.values(), first[1], first[2])[3]
    _, dw_ih, dw_hh, db, _, _ = lstm_backward(x[:, chunk:], w["weight_ih"], w["weight_hh"], tape, seed,
                                              np.zeros((n, H)), np.zeros((n, H)))
    for p, expected in zip(block.parameters(), (dw_ih, dw_hh, db, db)):
        np.testing.assert_allclose(p.grad, expected, atol=1e-12, err_msg=p.name)


@pytest.mark.parametrize("fused", [True, "layer"], ids=["fused", "layer"])
def test_dropout_between_layers_acts_in_training_only_and_its_seed_fixes_the_masks(fused):
    x = randn(4, 5, F, seed=13).astype(np.float32)

    def outputs(p, training=True, seed=14):
        block = nd.LSTM(F, H, num_layers=2, dropout=p, fused=fused, rng=np.random.default_rng(seed))
        graph = Graph(block(Input("x", shape=(None, 5, F))))
        graph.training = training
        return graph.forward(x=x), graph

    plain, _ = outputs(0.0)
    dropped, graph = outputs(0.5)
    assert not np.allclose(plain, dropped)
    np.testing.assert_array_equal(dropped, outputs(0.5)[0])
    np.testing.assert_array_equal(outputs(0.5, training=False)[0], plain)
    drops = [n for n in graph.nodes if n.op == "dropout"]
    if fused == "layer":  # one mask over all steps of the lower layer's outputs
        assert len(drops) == 1 and drops[0].shape == (None, 5, H)
    else:
        assert len(drops) == 5 and len({id(n.rng) for n in drops}) == 1  # between the layers, at every step
        assert not [n for n in graph.nodes if n.op == "dropout" and "cell_l0" in n.name]  # not after the last layer


def test_a_fed_mask_follows_each_batch():
    block = nd.RNN(F, H, fused=True, rng=np.random.default_rng(15))
    x, mask = Input("x", shape=(None, 4, F)), Input("mask", shape=(None, 4), dtype=bool)
    graph = Graph(block(x, mask=mask, last=True))
    for n in (2, 5):
        valid = np.arange(4) < np.arange(n)[:, None] % 4 + 1
        out = graph.forward(x=randn(n, 4, F).astype(np.float32), mask=valid)
        assert out.shape == (n, H)


def test_steps_come_from_the_input_shape_or_are_given():
    block = nd.GRU(F, H)
    graph = Graph(block(Input("x"), steps=3))
    assert graph.forward(x=randn(2, 3, F).astype(np.float32)).shape == (2, 3, H)
    with pytest.raises(ValueError, match=r"gru.*number of steps T is not known.*steps=T"):
        nd.GRU(F, H, name="gru")(Input("x"))


def test_wrong_arguments_are_refused_with_the_block_named():
    block = nd.LSTM(F, H, num_layers=2, name="enc")
    x = Input("x", shape=(None, 5, F))
    with pytest.raises(ShapeError, match=r"enc: the input must be sequences \(N, T, 3\), got \(N, 5, 7\)"):
        block(Input("x7", shape=(None, 5, 7)))
    with pytest.raises(ShapeError, match=r"enc: steps=4 but the input \(N, 5, 3\) has 5"):
        block(x, steps=4)
    with pytest.raises(ValueError, match="enc: give a mask or lengths, not both"):
        block(x, mask=np.ones((1, 5), bool), lengths=[5])
    with pytest.raises(TypeError, match="enc: the mask must be boolean.*float64"):
        block(x, mask=np.ones((1, 5)))
    with pytest.raises(ShapeError, match=r"enc: the mask must be \(N, 5\), got \(1, 4\)"):
        block(x, mask=np.ones((1, 4), bool))
    with pytest.raises(ValueError, match="enc: the state is h and c, got 1 part"):
        block(x, state=Input("h0", shape=(2, None, H)))
    with pytest.raises(ShapeError, match=r"initial c must be \(num_layers, N, hidden_size\) = \(2, N, 4\), got \(1, N"):
        block(x, state=(Input("h0", shape=(2, None, H)), Input("c0", shape=(1, None, H))))
    with pytest.raises(ValueError, match="LSTM: num_layers must be a positive integer, got 0"):
        nd.LSTM(F, H, num_layers=0)
    with pytest.raises(ValueError, match=r"GRU: dropout must be in \[0, 1\), got 1.0"):
        nd.GRU(F, H, dropout=1.0)


def test_lengths_outside_the_sequence_are_refused_at_the_forward_pass():
    lengths = Input("lengths", shape=(None,), dtype=np.int64)
    graph = Graph(nd.RNN(F, H)(Input("x", shape=(None, 3, F)), lengths=lengths))
    with pytest.raises(ValueError, match="lengths must lie between 0 and the 3 steps, got 1 to 4"):
        graph.forward(x=randn(2, 3, F).astype(np.float32), lengths=np.array([1, 4]))


def test_each_step_is_one_call_of_the_layers_cell():
    block = nd.GRU(F, H, num_layers=2, fused=True, name="gru")
    graph = Graph(block(Input("x", shape=(None, 3, F))))
    cells = {n.name for n in graph.nodes if n.op == "gru_cell"}
    assert cells == {"gru.cell_l0.cell", "gru.cell_l0#1.cell", "gru.cell_l0#2.cell",
                     "gru.cell_l1.cell", "gru.cell_l1#1.cell", "gru.cell_l1#2.cell"}
    assert repr(block) == "GRU(3, 4, num_layers=2, fused=True, name='gru')"
