"""The LSTM: its cell, wired or fused, and the stacked layers (gate order i, f, g, o, as PyTorch)."""

import numpy as np

from autograd import Node
from nodes.activation.sigmoid import sigmoid
from nodes.activation.tanh import tanh
from nodes.array.concat import concat
from nodes.array.getitem import getitem
from nodes.array.transpose import transpose
from nodes.linalg.matmul import matmul
from nodes.math.arithmetic import add, mul

from .cell import Cell
from .fused import FusedCell
from .fused_layer import FusedLayer
from .gates import activate_in_place, sigmoid_slope, tanh_slope
from .sequence import Recurrent
from .state import zero_state


class LSTMSteps:
    """The LSTM step on its two projections, shared by the step node and the layer node; the state is [h | c].

    Forward, with z = a + b = x W_ih^T + b_ih + h W_hh^T + b_hh split into
    four blocks of H columns in PyTorch's order i, f, g, o:
        i = sigmoid(z_i), f = sigmoid(z_f), g = tanh(z_g), o = sigmoid(z_o)
        c' = f c + i g,   h' = o tanh(c'),   s' = [h' | c']
    Backward, from g = [dh' | dc'] (see nodes.recurrent.fused for the rest):
        dc = dc' + dh' o (1 - tanh(c')^2)
        A = B = [dc g i(1-i) | dc c f(1-f) | dc i (1-g^2) | dh' tanh(c') o(1-o)]
        direct = [0 | dc f]   (what reaches the previous c)
    """

    gates = 4
    state_factor = 2

    def step_forward(self, a, b, state):
        """(s', saved) from the projections a and b (b is overwritten with the gates) and the state [h | c]."""
        n = state.shape[1] // 2
        z = b
        z += a
        activate_in_place(z, "ssts", n)
        i, f, g, o = z[:, :n], z[:, n : 2 * n], z[:, 2 * n : 3 * n], z[:, 3 * n :]
        c_prev = state[:, n:]
        new = np.empty_like(state)
        c = new[:, n:]
        np.multiply(f, c_prev, out=c)
        c += i * g
        tanh_c = np.tanh(c)
        np.multiply(o, tanh_c, out=new[:, :n])
        return new, (z, tanh_c, c_prev)

    def step_backward(self, saved, grad):
        """(A, B, direct) from what step_forward saved and g = dG/ds'; A is B."""
        z, tanh_c, c_prev = saved
        n = tanh_c.shape[1]
        i, f, g, o = z[:, :n], z[:, n : 2 * n], z[:, 2 * n : 3 * n], z[:, 3 * n :]
        dh = grad[:, :n]
        dc = dh * o
        dc *= tanh_slope(tanh_c)
        dc += grad[:, n:]
        # Every gate's slope in one pass over all columns (s (1 - s)), the tanh block's mended after.
        a = sigmoid_slope(z)
        a[:, 2 * n : 3 * n] = tanh_slope(g)
        a[:, :n] *= dc * g
        a[:, n : 2 * n] *= dc * c_prev
        a[:, 2 * n : 3 * n] *= dc * i
        a[:, 3 * n :] *= dh * tanh_c
        direct = np.empty((len(dc), 2 * n), dtype=dc.dtype)
        direct[:, :n] = 0
        np.multiply(dc, f, out=direct[:, n:])
        return a, a, direct


class FusedLSTMCell(LSTMSteps, FusedCell, Node):
    """One LSTM step as one node; the state is s = [h | c] (N, 2H). The maths: LSTMSteps."""

    op = "lstm_cell"

    def wired(self, x, state, w_ih, w_hh, b_ih, b_hh):
        """[h' | c'] from elementary nodes: the wired cell's step (which reads only the hidden size) on [h | c]."""
        n = self.hidden_size
        h, c = getitem(state, (slice(None), slice(0, n))), getitem(state, (slice(None), slice(n, 2 * n)))
        bias = None if b_ih is None else add(b_ih, b_hh)
        return concat(list(LSTMCell.wired_step(self, x, (h, c), (transpose(w_ih), transpose(w_hh), bias))), axis=1)


class LSTMLayer(LSTMSteps, FusedLayer, Node):
    """A whole LSTM layer over a sequence as one node: the states [h_t | c_t] (N, T, 2H). The maths: LSTMSteps."""

    op = "lstm_layer"
    step_class = FusedLSTMCell


class LSTMCell(Cell):
    """One LSTM step, as PyTorch's nn.LSTMCell: (h, c) -> (h', c'), gates i, f, g, o.

        z = x W_ih^T + b_ih + h W_hh^T + b_hh = [z_i | z_f | z_g | z_o]
        i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  g = tanh(z_g)
        c' = f c + i g;   h' = o tanh(c')

    Parameters `weight_ih` (4H, F), `weight_hh` (4H, H), `bias_ih`,
    `bias_hh` (4H,), uniform in +-1/sqrt(H); `forget_bias=1.0` sets the
    forget gate's bias (b_ih + b_hh over the f block) to 1 instead (b_ih
    holds it, b_hh is 0 there), so that the cell remembers from the start.
    Wired per step: the projections and their sum, four gate slices and
    activations, c' and h' (17 nodes); `fused=True`: one FusedLSTMCell node,
    whose state is [h | c] in one array.
    """

    default_name = "lstm_cell"
    gates = 4
    parts = ("h", "c")
    fused_class = FusedLSTMCell
    layer_class = LSTMLayer

    def __init__(self, input_size, hidden_size, bias=True, forget_bias=None, fused=False, name=None, rng=None,
                 parameters=None):
        super().__init__(input_size, hidden_size, bias=bias, fused=fused, name=name, rng=rng, parameters=parameters,
                         forget_bias=forget_bias)

    @classmethod
    def new_parameters(cls, input_size, hidden_size, bias=True, rng=None, forget_bias=None):
        """PyTorch's draws; with `forget_bias`, b_ih's f block set to it and b_hh's to 0."""
        parameters = super().new_parameters(input_size, hidden_size, bias, rng)
        if forget_bias is not None:
            if not bias:
                raise ValueError("forget_bias sets a bias: it needs bias=True")
            forget = slice(hidden_size, 2 * hidden_size)
            parameters["bias_ih"].value[forget] = forget_bias
            parameters["bias_hh"].value[forget] = 0
        return parameters

    def wired_step(self, x, state, prepared):
        """(h', c') from elementary nodes."""
        h, c = state
        n = self.hidden_size
        w_ih, w_hh, bias = prepared
        z = add(matmul(x, w_ih, name="input"), matmul(h, w_hh, name="hidden"), name="gates")
        if bias is not None:
            z = add(z, bias, name="gates_b")

        def gate(k, activation, label):
            return activation(getitem(z, (slice(None), slice(k * n, (k + 1) * n)), name=f"z_{label}"), name=label)

        i, f, g, o = gate(0, sigmoid, "i"), gate(1, sigmoid, "f"), gate(2, tanh, "g"), gate(3, sigmoid, "o")
        c_new = add(mul(f, c, name="f_c"), mul(i, g, name="i_g"), name="c")
        return mul(o, tanh(c_new, name="tanh_c"), name="h"), c_new

    # -- the state: (h, c) wired, [h | c] fused ---------------------------------------
    def zero_state(self, like, name="zero_state"):
        """Zeros for (h, c), or for [h | c] when fused."""
        if self.fused:
            return zero_state(like, 2 * self.hidden_size, name=name)
        zeros = zero_state(like, self.hidden_size, name=name)
        return zeros, zeros

    def pack(self, parts, name="state"):
        """The state from (h, c)."""
        h, c = parts
        return concat([h, c], axis=1, name=name) if self.fused else (h, c)

    def unpack(self, state, names=("h_out", "c_out")):
        """(h, c) of a state."""
        if not self.fused:
            return state
        n = self.hidden_size
        return (getitem(state, (slice(None), slice(0, n)), name=names[0]),
                getitem(state, (slice(None), slice(n, 2 * n)), name=names[1]))

    def hidden(self, state, name="h_out"):
        """h of a state."""
        if not self.fused:
            return state[0]
        return getitem(state, (slice(None), slice(0, self.hidden_size)), name=name)


class LSTM(Recurrent):
    """A stack of LSTM layers over (N, T, F) sequences, as PyTorch's nn.LSTM(batch_first=True).

    `nd.LSTM(input_size, hidden_size, num_layers=1, bias=True, dropout=0.0,
    forget_bias=None, fused=False)`; parameters `weight_ih_l{k}` (4H, F or
    H), `weight_hh_l{k}` (4H, H), `bias_ih_l{k}`, `bias_hh_l{k}` (4H,), gate
    order i, f, g, o; the state is (h, c), each (num_layers, N, H). See
    `LSTMCell` for `forget_bias` and `Recurrent` for the call.
    """

    default_name = "lstm"
    cell_class = LSTMCell

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, dropout=0.0, forget_bias=None,
                 fused=False, name=None, rng=None):
        self.forget_bias = forget_bias
        super().__init__(input_size, hidden_size, num_layers=num_layers, bias=bias, dropout=dropout, fused=fused,
                         name=name, rng=rng)

    def parameter_options(self):
        """The forget-gate bias the layers' parameters are drawn with."""
        return {"forget_bias": self.forget_bias}
