"""The GRU: its cell, wired or fused, and the stacked layers (gate order r, z, n, as PyTorch)."""

import numpy as np

from autograd import Node
from nodes.activation.sigmoid import sigmoid
from nodes.activation.tanh import tanh
from nodes.array.getitem import getitem
from nodes.array.transpose import transpose
from nodes.linalg.matmul import matmul
from nodes.math.arithmetic import add, mul, sub

from .cell import Cell
from .fused import FusedCell
from .fused_layer import FusedLayer
from .gates import activate_in_place, sigmoid_slope, tanh_slope
from .sequence import Recurrent


class GRUSteps:
    """The GRU step on its two projections, exactly PyTorch's nn.GRU; shared by the step node and the layer node.

        a = x W_ih^T + b_ih,  b = h W_hh^T + b_hh   (each [r | z | n] blocks of H)
        r = sigmoid(a_r + b_r),  z = sigmoid(a_z + b_z),  n = tanh(a_n + r b_n)
        h' = (1 - z) n + z h

    Backward, from g = dh' (see nodes.recurrent.fused for the rest):
        dn = g (1 - z)(1 - n^2)
        A = [dn b_n r(1-r) | g (h - n) z(1-z) | dn],   B = [A_r | A_z | dn r]
        direct = g z   (what reaches h without passing W_hh)
    """

    gates = 3
    state_factor = 1

    def step_forward(self, a, b, h):
        """(h', saved) from the projections a and b and the state h."""
        n = h.shape[1]
        rz = activate_in_place(a[:, : 2 * n] + b[:, : 2 * n], "ss", n)
        r, z = rz[:, :n], rz[:, n:]
        b_n = b[:, 2 * n :]
        cand = r * b_n
        cand += a[:, 2 * n :]
        np.tanh(cand, out=cand)
        new = h - cand
        new *= z
        new += cand
        return new, (rz, cand, b_n, h)

    def step_backward(self, saved, g):
        """(A, B, direct) from what step_forward saved and g = dG/dh'."""
        rz, cand, b_n, h = saved
        n = cand.shape[1]
        r, z = rz[:, :n], rz[:, n:]
        dn = g * (1 - z)
        dn *= tanh_slope(cand)
        a = np.empty((len(g), 3 * n), dtype=g.dtype)
        np.multiply(dn * b_n, sigmoid_slope(r), out=a[:, :n])
        np.multiply(g * (h - cand), sigmoid_slope(z), out=a[:, n : 2 * n])
        a[:, 2 * n :] = dn
        b = a.copy()
        b[:, 2 * n :] *= r
        return a, b, g * z


class FusedGRUCell(GRUSteps, FusedCell, Node):
    """One GRU step as one node; the state is h (N, H). The maths: GRUSteps."""

    op = "gru_cell"

    def wired(self, x, state, w_ih, w_hh, b_ih, b_hh):
        """h' from elementary nodes: the wired cell's step (which reads only the hidden size)."""
        return GRUCell.wired_step(self, x, state, (transpose(w_ih), transpose(w_hh), b_ih, b_hh))


class GRULayer(GRUSteps, FusedLayer, Node):
    """A whole GRU layer over a sequence as one node: the states h_t (N, T, H). The maths: GRUSteps."""

    op = "gru_layer"
    step_class = FusedGRUCell


class GRUCell(Cell):
    """One GRU step, as PyTorch's nn.GRUCell: h -> h', gates r, z, n.

        r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)
        z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
        n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn))
        h' = (1 - z) n + z h

    Parameters `weight_ih` (3H, F), `weight_hh` (3H, H), `bias_ih`,
    `bias_hh` (3H,), uniform in +-1/sqrt(H). b_hn sits inside the product
    with r, so the two biases stay apart. Wired per step from elementary
    nodes; `fused=True`: one FusedGRUCell node.
    """

    default_name = "gru_cell"
    gates = 3
    fused_class = FusedGRUCell
    layer_class = GRULayer

    def prepare(self, suffix="", steps=1):
        """Wired: the transposed weights, once per sequence, the biases apart (b_hn is multiplied by r)."""
        if self.fused:
            return super().prepare(suffix, steps)
        return (*self.transposed(suffix), self.bias_ih, self.bias_hh)

    def wired_step(self, x, h, prepared):
        """h' from elementary nodes."""
        n = self.hidden_size
        w_ih, w_hh, b_ih, b_hh = prepared
        a, b = matmul(x, w_ih, name="input"), matmul(h, w_hh, name="hidden")
        if b_ih is not None:
            a, b = add(a, b_ih, name="input_b"), add(b, b_hh, name="hidden_b")

        def cols(node, lo, hi, label):
            return getitem(node, (slice(None), slice(lo * n, hi * n)), name=label)

        rz = sigmoid(add(cols(a, 0, 2, "a_rz"), cols(b, 0, 2, "b_rz"), name="rz_pre"), name="rz")
        r, z = cols(rz, 0, 1, "r"), cols(rz, 1, 2, "z")
        cand = tanh(add(cols(a, 2, 3, "a_n"), mul(r, cols(b, 2, 3, "b_n"), name="r_b_n"), name="n_pre"), name="n")
        return add(cand, mul(z, sub(h, cand, name="h_minus_n"), name="z_h_minus_n"), name="h")


class GRU(Recurrent):
    """A stack of GRU layers over (N, T, F) sequences, as PyTorch's nn.GRU(batch_first=True).

    `nd.GRU(input_size, hidden_size, num_layers=1, bias=True, dropout=0.0,
    fused=False)`; parameters `weight_ih_l{k}` (3H, F or H), `weight_hh_l{k}`
    (3H, H), `bias_ih_l{k}`, `bias_hh_l{k}` (3H,), gate order r, z, n; the
    state is h (num_layers, N, H). See `Recurrent` for the call.
    """

    default_name = "gru"
    cell_class = GRUCell
