"""Recurrent networks: RNN (tanh or ReLU), LSTM and GRU, as cells and as stacked layers over sequences.

Layouts follow PyTorch's nn.RNN/LSTM/GRU (gate order i, f, g, o for the
LSTM and r, z, n for the GRU; `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`,
`bias_hh_l0` with shapes (gates*H, F) and (gates*H, H)), batch first:
sequences are (N, T, F). A cell is a block called once per time step, so a
layer's parameters each receive one addend per step. Each step is wired
from elementary nodes by default; `fused=True` makes it one node with its
backward written out, and on the stacked layers `fused="layer"` makes a
whole layer one node over the sequence (tested to give the same values
and gradients).

Modules: `cell` (the cell base), `sequence` (stacked layers: state,
masks, dropout), `rnn`, `lstm`, `gru` (one kind each), `fused` (the fused
cells' shared backward), `fused_layer` (the fused layers'), `gates` (in-place activations), `init`
(PyTorch's layout and initialisation), `state` (the zero state and the
mask from lengths).
"""

from .cell import Cell
from .fused import FusedCell
from .fused_layer import FusedLayer
from .gru import GRU, FusedGRUCell, GRUCell, GRULayer, GRUSteps
from .lstm import LSTM, FusedLSTMCell, LSTMCell, LSTMLayer, LSTMSteps
from .rnn import RNN, FusedRNNCell, RNNCell, RNNLayer, RNNSteps
from .sequence import Recurrent
from .state import LengthMask, Transposed, ZeroState, length_mask, transposed, zero_state

__all__ = [
    "GRU", "LSTM", "RNN", "Cell", "FusedCell", "FusedGRUCell", "FusedLSTMCell", "FusedLayer", "FusedRNNCell",
    "GRUCell", "GRULayer", "GRUSteps", "LSTMCell", "LSTMLayer", "LSTMSteps", "LengthMask", "RNNCell", "RNNLayer",
    "RNNSteps", "Recurrent", "Transposed", "ZeroState", "length_mask", "transposed", "zero_state",
]
