"""The Elman RNN (tanh or ReLU): gradient checks, and values from its one equation."""

import numpy as np
import pytest

import nodes as nd
from autograd import default_dtype
from tests.nodes.gradcases import GradCase, randn

from .helpers import flat, random_weights, run_block, set_weights

F, H = 3, 4
KINDS = ((False, "wired"), (True, "fused"))
#: A sequence may also run as one fused node per layer.
SEQUENCE_KINDS = (*KINDS, ("layer", "layer"))


def cell(fused, nonlinearity, masked=False):
    def factory(x, h, *mask):
        block = nd.RNNCell(F, H, nonlinearity=nonlinearity, fused=fused, rng=np.random.default_rng(0))
        return block(x, h, mask=mask[0] if masked else None)

    return factory


def sequence(fused, nonlinearity="tanh", layers=1, lengths=False):
    def factory(x, *extra):
        block = nd.RNN(F, H, num_layers=layers, nonlinearity=nonlinearity, fused=fused, rng=np.random.default_rng(1))
        return flat(block(x, lengths=extra[0] if lengths else None, return_state=True))

    return factory


CASES = [
    *(GradCase(f"rnn-cell-{act}-{kind}", cell(fused, act), (randn(2, F), randn(2, H, seed=1)))
      for act in ("tanh", "relu") for fused, kind in KINDS),
    *(GradCase(f"rnn-cell-{kind}-masked", cell(fused, "tanh", masked=True),
               (randn(2, F), randn(2, H, seed=1), np.array([[True], [False]]))) for fused, kind in KINDS),
    *(GradCase(f"rnn-T{steps}-{kind}", sequence(fused), (randn(2, steps, F, seed=steps),))
      for steps in (1, 3, 7) for fused, kind in SEQUENCE_KINDS),
    *(GradCase(f"rnn-T7-relu-{kind}-lengths", sequence(fused, "relu", lengths=True),
               (randn(2, 7, F, seed=5), np.array([4, 6]))) for fused, kind in SEQUENCE_KINDS),
    *(GradCase(f"rnn-stacked-{kind}", sequence(fused, layers=2), (randn(2, 3, F, seed=6),))
      for fused, kind in SEQUENCE_KINDS),
]


@pytest.mark.parametrize("fused", [False, True, "layer"], ids=["wired", "fused", "layer"])
@pytest.mark.parametrize("nonlinearity, act", [("tanh", np.tanh), ("relu", lambda z: np.maximum(z, 0))])
def test_values_follow_the_recurrence(fused, nonlinearity, act):
    w = random_weights(1, F, H, seed=50)
    x = randn(2, 4, F, seed=51)
    with default_dtype(np.float64):
        block = nd.RNN(F, H, nonlinearity=nonlinearity, fused=fused)
    set_weights(block, w)
    (out,), _, _ = run_block(lambda x_in: block(x_in), (x,), (np.ones((2, 4, H)),))
    h = np.zeros((2, H))
    for t in range(4):
        h = act(x[:, t] @ w["weight_ih"].T + w["bias_ih"] + h @ w["weight_hh"].T + w["bias_hh"])
        np.testing.assert_allclose(out[:, t], h, atol=1e-12)


def test_an_unknown_nonlinearity_is_refused():
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu', got 'gelu'"):
        nd.RNN(F, H, nonlinearity="gelu")
