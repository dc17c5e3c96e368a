"""The LSTM: gradient checks of its cell and of unrolled sequences, and known values from the equations."""

import math

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError, default_dtype, hvp
from tests.nodes.gradcases import GradCase, randn

from .helpers import flat, random_weights, run_block, set_weights
from .reference import lstm_backward, lstm_forward

F, H = 3, 4
VALID_ROWS = np.array([[True], [False]])
SEQUENCE_KINDS = ((False, "wired"), (True, "fused"), ("layer", "layer"))


def cell(fused, bias=True, masked=False):
    def factory(x, h, c, *mask):
        block = nd.LSTMCell(F, H, bias=bias, fused=fused, rng=np.random.default_rng(0))
        return list(block(x, (h, c), mask=mask[0] if masked else None))

    return factory


def sequence(fused, layers=1, **call):
    def factory(x, *extra):
        block = nd.LSTM(F, H, num_layers=layers, fused=fused, rng=np.random.default_rng(1))
        if "lengths" in call:
            return flat(block(x, lengths=extra[0], return_state=True))
        if call.get("carried"):
            return flat(block(x, state=(extra[0], extra[1]), return_state=True))
        return flat(block(x, last=call.get("last", False), return_state=True))

    return factory


def state_arrays(layers=1, seed=3):
    return randn(layers, 2, H, seed=seed), randn(layers, 2, H, seed=seed + 1)


CASES = [
    *(GradCase(f"lstm-cell-{kind}", cell(fused), (randn(2, F), randn(2, H, seed=1), randn(2, H, seed=2)))
      for fused, kind in ((False, "wired"), (True, "fused"))),
    *(GradCase(f"lstm-cell-{kind}-masked", cell(fused, masked=True),
               (randn(2, F), randn(2, H, seed=1), randn(2, H, seed=2), VALID_ROWS))
      for fused, kind in ((False, "wired"), (True, "fused"))),
    GradCase("lstm-cell-fused-no-bias", cell(True, bias=False),
             (randn(2, F), randn(2, H, seed=1), randn(2, H, seed=2))),
    *(GradCase(f"lstm-T{steps}-{kind}", sequence(fused), (randn(2, steps, F, seed=steps),))
      for steps in (1, 3, 7) for fused, kind in SEQUENCE_KINDS),
    *(GradCase(f"lstm-T7-{kind}-lengths", sequence(fused, lengths=True), (randn(2, 7, F, seed=5), np.array([7, 3])))
      for fused, kind in SEQUENCE_KINDS),
    *(GradCase(f"lstm-stacked-{kind}", sequence(fused, layers=2), (randn(2, 3, F, seed=6),))
      for fused, kind in SEQUENCE_KINDS),
    *(GradCase(f"lstm-chunk-carried-state-{kind}", sequence(fused, layers=2, carried=True),
               (randn(2, 3, F, seed=7), *state_arrays(2)))
      for fused, kind in SEQUENCE_KINDS),
    *(GradCase(f"lstm-last-{kind}", sequence(fused, last=True), (randn(2, 3, F, seed=8),))
      for fused, kind in SEQUENCE_KINDS[1:]),
    GradCase("lstm-layer-no-bias", lambda x: nd.LSTM(F, H, bias=False, fused="layer", rng=np.random.default_rng(2))(x),
             (randn(2, 4, F, seed=9),)),
]


def test_a_cell_with_zero_weights_gives_the_values_worked_out_by_hand():
    # z = 0, so i = f = o = sigmoid(0) = 1/2 and g = tanh(0) = 0: c' = c/2, h' = tanh(c/2)/2.
    for fused in (False, True):
        block = nd.LSTMCell(1, 1, fused=fused)
        for p in block.parameters():
            p.value[...] = 0
        h, c = block(Input("x", shape=(None, 1)), (Input("h", shape=(None, 1)), Input("c", shape=(None, 1))))
        graph = Graph(h, c)
        h_value, c_value = graph.forward(x=[[3.0]], h=[[-2.0]], c=[[1.0]])
        assert c_value[0, 0] == pytest.approx(0.5)
        assert h_value[0, 0] == pytest.approx(0.5 * math.tanh(0.5), rel=1e-6)


@pytest.mark.parametrize("fused", [False, True, "layer"], ids=["wired", "fused", "layer"])
@pytest.mark.parametrize("lengths", [None, np.array([5, 2, 4])], ids=["full", "padded"])
def test_outputs_and_gradients_match_the_equations_worked_in_numpy(fused, lengths):
    steps, n = 5, 3
    w = random_weights(4, F, H, seed=10)
    x, h0, c0 = randn(n, steps, F, seed=11), randn(1, n, H, seed=12), randn(1, n, H, seed=13)
    seeds = randn(n, steps, H, seed=14), randn(1, n, H, seed=15), randn(1, n, H, seed=16)
    with default_dtype(np.float64):
        block = nd.LSTM(F, H, fused=fused)
    set_weights(block, w)

    def call(x_in, h_in, c_in):
        return flat(block(x_in, state=(h_in, c_in), lengths=lengths, return_state=True))

    (out, h_n, c_n), grads, graph = run_block(call, (x, h0, c0), seeds)
    valid = None if lengths is None else np.arange(steps) < lengths[:, None]
    ref_out, ref_h, ref_c, tape = lstm_forward(x, *w.values(), h0[0], c0[0], valid)
    np.testing.assert_allclose(out, ref_out, atol=1e-12)
    np.testing.assert_allclose(h_n[0], ref_h, atol=1e-12)
    np.testing.assert_allclose(c_n[0], ref_c, atol=1e-12)
    dx, dw_ih, dw_hh, db, dh0, dc0 = lstm_backward(x, w["weight_ih"], w["weight_hh"], tape, seeds[0], seeds[1][0],
                                                   seeds[2][0])
    np.testing.assert_allclose(grads[0], dx, atol=1e-12)
    np.testing.assert_allclose(grads[1][0], dh0, atol=1e-12)
    np.testing.assert_allclose(grads[2][0], dc0, atol=1e-12)
    expected = {"weight_ih_l0": dw_ih, "weight_hh_l0": dw_hh, "bias_ih_l0": db, "bias_hh_l0": db}
    for p in block.parameters():
        np.testing.assert_allclose(p.grad, expected[p.name.rsplit(".", 1)[1]], atol=1e-12, err_msg=p.name)
    if lengths is not None:  # padded steps: output 0, and no gradient reaches their inputs
        padded = ~valid
        assert np.all(out[padded] == 0) and np.all(grads[0][padded] == 0)


def test_the_numpy_reference_agrees_with_finite_differences_of_itself():
    # Guards the known-value test: its reference backward is checked against its own forward.
    w = random_weights(4, 2, 3, seed=20)
    x, h0, c0 = randn(2, 3, 2, seed=21), randn(2, 3, seed=22), randn(2, 3, seed=23)
    d_out, d_h, d_c = randn(2, 3, 3, seed=24), randn(2, 3, seed=25), randn(2, 3, seed=26)
    valid = np.array([[True, True, False], [True, False, False]])

    def objective(x_value):
        out, h, c, _ = lstm_forward(x_value, *w.values(), h0, c0, valid)
        return np.sum(out * d_out) + np.sum(h * d_h) + np.sum(c * d_c)

    tape = lstm_forward(x, *w.values(), h0, c0, valid)[3]
    dx = lstm_backward(x, w["weight_ih"], w["weight_hh"], tape, d_out, d_h, d_c)[0]
    numeric = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        bump = np.zeros_like(x)
        bump[index] = 1e-6
        numeric[index] = (objective(x + bump) - objective(x - bump)) / 2e-6
    np.testing.assert_allclose(dx, numeric, atol=1e-8)
    assert np.all(dx[:, 2] == 0) and np.abs(dx[0, :2]).min() > 0


def test_forget_bias_one_sets_the_forget_gate_bias_and_nothing_else():
    block = nd.LSTM(F, H, num_layers=2, forget_bias=1.0, rng=np.random.default_rng(0))
    plain = nd.LSTM(F, H, num_layers=2, rng=np.random.default_rng(0))
    for k in range(2):
        b_ih, b_hh = (block.parameters()[4 * k + j].value for j in (2, 3))
        np.testing.assert_array_equal(b_ih[H : 2 * H] + b_hh[H : 2 * H], np.ones(H))
        same = np.r_[0:H, 2 * H : 4 * H]
        np.testing.assert_array_equal(b_ih[same], plain.parameters()[4 * k + 2].value[same])
    with pytest.raises(ValueError, match="forget_bias.*bias=True"):
        nd.LSTM(F, H, bias=False, forget_bias=1.0)


def test_a_fused_cell_refuses_a_state_of_the_wrong_width():
    w = [Input(name, shape=s) for name, s in (("w_ih", (4 * H, F)), ("w_hh", (4 * H, H)))]
    with pytest.raises(ShapeError, match=r"the state \(N, 4\) is not \(N, 8\)"):
        nd.FusedLSTMCell(Input("x", shape=(None, F)), Input("s", shape=(None, H)), *w)


def test_fused_and_wired_layers_have_the_same_second_derivatives():
    # The fused cell's vjp wires the same step from elementary nodes: Hessian-vector products agree.
    x0, v = randn(2, 3, 3), randn(2, 3, 3, seed=1)
    products = []
    for fused in (True, False):
        with default_dtype(np.float64):
            x = Input("x", shape=x0.shape)
            loss = nd.sum(nd.tanh(nd.LSTM(3, 4, fused=fused, rng=np.random.default_rng(0))(x)))
        Graph(loss).forward(x=x0)
        products.append(hvp(loss, x, v))
    np.testing.assert_allclose(products[0], products[1], rtol=1e-10, atol=1e-13)
    assert np.abs(products[0]).max() > 1e-3  # not vacuously equal
