"""The GRU: gradient checks of its cell and of unrolled sequences, and known values from the equations."""

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, default_dtype
from tests.nodes.gradcases import GradCase, randn

from .helpers import flat, random_weights, run_block, set_weights
from .reference import gru_backward, gru_forward

F, H = 3, 4
VALID_ROWS = np.array([[False], [True]])


def cell(fused, bias=True, masked=False):
    def factory(x, h, *mask):
        block = nd.GRUCell(F, H, bias=bias, fused=fused, rng=np.random.default_rng(0))
        return block(x, h, mask=mask[0] if masked else None)

    return factory


def sequence(fused, layers=1, lengths=False, carried=False):
    def factory(x, *extra):
        block = nd.GRU(F, H, num_layers=layers, fused=fused, rng=np.random.default_rng(1))
        if lengths:
            return flat(block(x, lengths=extra[0], return_state=True))
        return flat(block(x, state=extra[0] if carried else None, return_state=True))

    return factory


KINDS = ((False, "wired"), (True, "fused"))
#: A sequence may also run as one fused node per layer.
SEQUENCE_KINDS = (*KINDS, ("layer", "layer"))
CASES = [
    *(GradCase(f"gru-cell-{kind}", cell(fused), (randn(2, F), randn(2, H, seed=1))) for fused, kind in KINDS),
    *(GradCase(f"gru-cell-{kind}-masked", cell(fused, masked=True), (randn(2, F), randn(2, H, seed=1), VALID_ROWS))
      for fused, kind in KINDS),
    *(GradCase(f"gru-cell-{kind}-no-bias", cell(fused, bias=False), (randn(2, F), randn(2, H, seed=1)))
      for fused, kind in KINDS),
    *(GradCase(f"gru-T{steps}-{kind}", sequence(fused), (randn(2, steps, F, seed=steps),))
      for steps in (1, 3, 7) for fused, kind in SEQUENCE_KINDS),
    *(GradCase(f"gru-T7-{kind}-lengths", sequence(fused, lengths=True), (randn(2, 7, F, seed=5), np.array([2, 7])))
      for fused, kind in SEQUENCE_KINDS),
    *(GradCase(f"gru-stacked-{kind}", sequence(fused, layers=2), (randn(2, 3, F, seed=6),))
      for fused, kind in SEQUENCE_KINDS),
    *(GradCase(f"gru-chunk-carried-state-{kind}", sequence(fused, carried=True),
               (randn(2, 3, F, seed=7), randn(1, 2, H, seed=8))) for fused, kind in SEQUENCE_KINDS),
]


def test_a_cell_with_zero_weights_gives_the_values_worked_out_by_hand():
    # r = z = sigmoid(0) = 1/2 and n = tanh(0) = 0: h' = (1 - z) n + z h = h / 2.
    for fused in (False, True):
        block = nd.GRUCell(1, 1, fused=fused)
        for p in block.parameters():
            p.value[...] = 0
        graph = Graph(block(Input("x", shape=(None, 1)), Input("h", shape=(None, 1))))
        assert graph.forward(x=[[3.0]], h=[[-2.0]])[0, 0] == pytest.approx(-1.0)


def test_the_n_gate_multiplies_the_hidden_bias_by_r_as_pytorch_does():
    # With every weight 0 and only b_hn = 1: r = 1/2, so n = tanh(r * b_hn) = tanh(1/2), not tanh(1).
    block = nd.GRUCell(1, 1, fused=True)
    for p in block.parameters():
        p.value[...] = 0
    block.bias_hh.value[2] = 1.0
    graph = Graph(block(Input("x", shape=(None, 1)), Input("h", shape=(None, 1))))
    assert graph.forward(x=[[0.0]], h=[[0.0]])[0, 0] == pytest.approx(0.5 * np.tanh(0.5), rel=1e-6)


@pytest.mark.parametrize("fused", [False, True, "layer"], ids=["wired", "fused", "layer"])
@pytest.mark.parametrize("lengths", [None, np.array([1, 5, 3])], ids=["full", "padded"])
def test_outputs_and_gradients_match_the_equations_worked_in_numpy(fused, lengths):
    steps, n = 5, 3
    w = random_weights(3, F, H, seed=30)
    x, h0 = randn(n, steps, F, seed=31), randn(1, n, H, seed=32)
    seeds = randn(n, steps, H, seed=33), randn(1, n, H, seed=34)
    with default_dtype(np.float64):
        block = nd.GRU(F, H, fused=fused)
    set_weights(block, w)
    (out, h_n), grads, _ = run_block(lambda x_in, h_in: flat(block(x_in, state=h_in, lengths=lengths,
                                                                   return_state=True)), (x, h0), seeds)
    valid = None if lengths is None else np.arange(steps) < lengths[:, None]
    ref_out, ref_h, tape = gru_forward(x, *w.values(), h0[0], valid)
    np.testing.assert_allclose(out, ref_out, atol=1e-12)
    np.testing.assert_allclose(h_n[0], ref_h, atol=1e-12)
    dx, dw_ih, dw_hh, db_ih, db_hh, dh0 = gru_backward(x, w["weight_ih"], w["weight_hh"], tape, seeds[0], seeds[1][0])
    np.testing.assert_allclose(grads[0], dx, atol=1e-12)
    np.testing.assert_allclose(grads[1][0], dh0, atol=1e-12)
    expected = {"weight_ih_l0": dw_ih, "weight_hh_l0": dw_hh, "bias_ih_l0": db_ih, "bias_hh_l0": db_hh}
    for p in block.parameters():
        np.testing.assert_allclose(p.grad, expected[p.name.rsplit(".", 1)[1]], atol=1e-12, err_msg=p.name)


def test_the_numpy_reference_agrees_with_finite_differences_of_itself():
    w = random_weights(3, 2, 3, seed=40)
    x, h0, d_out, d_h = randn(2, 3, 2, seed=41), randn(2, 3, seed=42), randn(2, 3, 3, seed=43), randn(2, 3, seed=44)

    def objective(w_hh):
        out, h, _ = gru_forward(x, w["weight_ih"], w_hh, w["bias_ih"], w["bias_hh"], h0)
        return np.sum(out * d_out) + np.sum(h * d_h)

    tape = gru_forward(x, *w.values(), h0)[2]
    dw_hh = gru_backward(x, w["weight_ih"], w["weight_hh"], tape, d_out, d_h)[2]
    numeric = np.zeros_like(dw_hh)
    for index in np.ndindex(dw_hh.shape):
        bump = np.zeros_like(dw_hh)
        bump[index] = 1e-6
        numeric[index] = (objective(w["weight_hh"] + bump) - objective(w["weight_hh"] - bump)) / 2e-6
    np.testing.assert_allclose(dw_hh, numeric, atol=1e-8)
