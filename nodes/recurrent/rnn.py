"""The Elman RNN (tanh or ReLU): its cell, wired or fused, and the stacked layers."""

import numpy as np

from autograd import Node
from nodes.activation.relu import relu
from nodes.activation.tanh import tanh
from nodes.array.transpose import transpose
from nodes.linalg.matmul import matmul
from nodes.math.arithmetic import add

from .cell import Cell
from .fused import FusedCell
from .fused_layer import FusedLayer
from .sequence import Recurrent

NONLINEARITIES = ("tanh", "relu")


class RNNSteps:
    """The RNN step on its two projections: h' = act(a + b), act tanh or ReLU (PyTorch's nn.RNN).

    a = x W_ih^T + b_ih and b = h W_hh^T + b_hh. Backward (see
    nodes.recurrent.fused for the rest): A = B = g * act'(.), with
    act' = 1 - h'^2 for tanh and [h' > 0] for ReLU; no direct path.
    Shared by the step node and the layer node, which set `nonlinearity`.
    """

    gates = 1
    state_factor = 1

    def step_forward(self, a, b, h):
        """(h', saved) from the projections a and b (b is overwritten with h')."""
        z = b
        z += a
        if self.nonlinearity == "tanh":
            np.tanh(z, out=z)
        else:
            np.maximum(z, 0, out=z)
        return z, z

    def step_backward(self, out, g):
        """(A, B, None) from the step's output h' and g = dG/dh'; A is B."""
        a = g * (1 - out * out) if self.nonlinearity == "tanh" else g * (out > 0)
        return a, a, None


class FusedRNNCell(RNNSteps, FusedCell, Node):
    """One RNN step as one node; the state is h (N, H). The maths: RNNSteps."""

    op = "rnn_cell"

    def __init__(self, x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None, mask=None, transposed=None,
                 nonlinearity="tanh", name=None):
        self.nonlinearity = check_nonlinearity(nonlinearity)
        super().__init__(x, state, weight_ih, weight_hh, bias_ih, bias_hh, mask=mask, transposed=transposed, name=name)

    def wired(self, x, state, w_ih, w_hh, b_ih, b_hh):
        """h' from elementary nodes: the wired cell's step (which reads only the nonlinearity)."""
        bias = None if b_ih is None else add(b_ih, b_hh)
        return RNNCell.wired_step(self, x, state, (transpose(w_ih), transpose(w_hh), bias))


class RNNLayer(RNNSteps, FusedLayer, Node):
    """A whole RNN layer over a sequence as one node: the states h_t (N, T, H). The maths: RNNSteps."""

    op = "rnn_layer"
    step_class = FusedRNNCell

    def __init__(self, x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None, mask=None, nonlinearity="tanh",
                 name=None):
        self.nonlinearity = check_nonlinearity(nonlinearity)
        super().__init__(x, state, weight_ih, weight_hh, bias_ih, bias_hh, mask=mask, name=name)

    def step_options(self):
        """The steps' nonlinearity."""
        return {"nonlinearity": self.nonlinearity}


class RNNCell(Cell):
    """One step of an Elman RNN, as PyTorch's nn.RNNCell: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh).

    act is tanh (default) or ReLU (`nonlinearity="relu"`). Parameters
    `weight_ih` (H, F), `weight_hh` (H, H), `bias_ih`, `bias_hh` (H,),
    uniform in +-1/sqrt(H). Wired per step: two matmuls, an add, the bias
    add and the activation; `fused=True`: one FusedRNNCell node.
    """

    default_name = "rnn_cell"
    fused_class = FusedRNNCell
    layer_class = RNNLayer

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", fused=False, name=None, rng=None,
                 parameters=None):
        self.nonlinearity = check_nonlinearity(nonlinearity)
        super().__init__(input_size, hidden_size, bias=bias, fused=fused, name=name, rng=rng, parameters=parameters)

    def fused_options(self):
        """The fused node's nonlinearity."""
        return {"nonlinearity": self.nonlinearity}

    def wired_step(self, x, h, prepared):
        """h' = act(x W_ih^T + h W_hh^T + (b_ih + b_hh)) from elementary nodes."""
        w_ih, w_hh, bias = prepared
        z = add(matmul(x, w_ih, name="input"), matmul(h, w_hh, name="hidden"), name="pre")
        if bias is not None:
            z = add(z, bias, name="pre_b")
        return (tanh if self.nonlinearity == "tanh" else relu)(z, name="h")


class RNN(Recurrent):
    """A stack of Elman RNN layers over (N, T, F) sequences, as PyTorch's nn.RNN(batch_first=True).

    `nd.RNN(input_size, hidden_size, num_layers=1, nonlinearity="tanh",
    bias=True, dropout=0.0, fused=False)`; parameters `weight_ih_l{k}`,
    `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}` with PyTorch's shapes;
    the state is h (num_layers, N, H). See `Recurrent` for the call.
    """

    default_name = "rnn"
    cell_class = RNNCell

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, dropout=0.0,
                 fused=False, name=None, rng=None):
        self.nonlinearity = check_nonlinearity(nonlinearity)
        super().__init__(input_size, hidden_size, num_layers=num_layers, bias=bias, dropout=dropout, fused=fused,
                         name=name, rng=rng)

    def cell_options(self):
        """The RNN cells' nonlinearity."""
        return {"nonlinearity": self.nonlinearity}


def check_nonlinearity(nonlinearity):
    """`nonlinearity` if it is 'tanh' or 'relu'; a ValueError naming both otherwise."""
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    return nonlinearity
