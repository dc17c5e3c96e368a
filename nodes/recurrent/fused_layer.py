"""The base of the fused layers: a whole recurrent layer over a sequence as one node, its backward written out.

A fused layer runs every step of one layer (`fused="layer"` on RNN, LSTM
and GRU). Inputs: the sequence x (N, T, F), the initial state s_0 (N, S),
the weights W_ih (G*H, F), W_hh (G*H, H), optional biases and an optional
mask m (N, T), True at valid steps. Its value is every step's state,
(N, T, S): s_t = where(m_t, cell(a_t, b_t, s_{t-1}), s_{t-1}) with

    a_t = x_t W_ih^T + b_ih,   b_t = h_{t-1} W_hh^T + b_hh

and the cell maths of the kind's steps mixin, the same as its fused step
node's (nodes.recurrent.fused). What the layer buys over T step nodes is
the matmuls that do not depend on the recurrence, taken once over all N*T
rows: a for every step in the forward pass, and in the backward pass,
with A_t and B_t each step's gradients of a_t and b_t (from the kind's
step_backward) stacked over the steps,

    dG/dx = A W_ih,   dG/dW_ih = A^T x,   dG/dW_hh = B^T h_prev,
    dG/db_ih = sum A,   dG/db_hh = sum B

(h_prev the hidden states h_0 .. h_{T-1}). Only the recurrence itself goes
step by step, backwards, from t = T: with g_t the gradient arriving at the
output s_t and (A_t, B_t, direct_t) the kind's step_backward of dG/ds_t,

    dG/ds_T = g_T,   dG/ds_{t-1} = g_{t-1} + direct_t + [B_t W_hh | 0]

(g_0 = 0: dG/ds_0 is what reaches the initial state). A padded step t
gets A_t = B_t = 0 and passes dG/ds_t on to s_{t-1} unchanged.
Higher orders: `vjp` wires the same steps as fused step nodes.
"""

import numpy as np

from autograd import ShapeError
from autograd.errors import static_shape
from nodes.array.concat import stack
from nodes.array.getitem import getitem

from .fused import bias_gradients, check_weights_and_state, fused_addends

ALL = slice(None)


class FusedLayer:
    """A whole recurrent layer as one node (see the module docstring): a mixin, as FusedCell is.

    A kind's layer is `class LSTMLayer(LSTMSteps, FusedLayer, Node)`: the
    steps mixin gives the maths (`gates`, `state_factor`, `step_forward`,
    `step_backward`) and the layer sets `step_class`, its fused step node,
    which `vjp` wires.
    """

    #: The kind's fused step node, wired by vjp.
    step_class = None

    def __init__(self, x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None, mask=None, name=None):
        if (bias_ih is None) != (bias_hh is None):
            raise ValueError(f"{type(self).__name__} takes both biases or neither")
        self.has_bias, self.has_mask = bias_ih is not None, mask is not None
        optional = ((bias_ih, bias_hh) if self.has_bias else ()) + ((mask,) if self.has_mask else ())
        super().__init__(x, state, weight_ih, weight_hh, *optional, name=name)

    def _split(self, rest):
        """(b_ih, b_hh, mask) from the inputs after the weights."""
        biases = rest[:2] if self.has_bias else (None, None)
        return (*biases, rest[-1] if self.has_mask else None)

    def step_options(self):
        """Keyword arguments of the step nodes besides their inputs (none here)."""
        return {}

    def infer_shape(self, x, state, w_ih, w_hh, *rest):
        b_ih, b_hh, mask = self._split(rest)
        width = check_weights_and_state(self, state, w_ih, w_hh, b_ih, b_hh)
        if len(x) != 3 or x[2] not in (None, w_ih[1]):
            raise ShapeError(f"the sequence {static_shape(x)} is not (N, T, {w_ih[1]})")
        if mask is not None and (len(mask) != 2 or not _same_size(mask[1], x[1])):
            raise ShapeError(f"the mask {static_shape(mask)} is not (N, T) for the sequence {static_shape(x)}")
        return (x[0] if x[0] is not None else state[0], x[1], width)

    def forward(self, x, state, w_ih, w_hh, *rest):
        b_ih, b_hh, mask = self._split(rest)
        n, steps, features = x.shape
        hidden = w_hh.shape[1]
        xs = np.ascontiguousarray(x.transpose(1, 0, 2))  # time-major, so that each step's rows are contiguous
        a = (xs.reshape(steps * n, features) @ w_ih.T).reshape(steps, n, -1)
        if b_ih is not None:
            a += b_ih
        w_hh_t = np.ascontiguousarray(w_hh.T)  # BLAS multiplies by a contiguous matrix faster than by a view
        states = np.empty((steps + 1, *state.shape), dtype=np.result_type(state, a))
        states[0] = state
        saved = []
        for t in range(steps):
            b = states[t][:, :hidden] @ w_hh_t
            if b_hh is not None:
                b += b_hh
            new, kept = self.step_forward(a[t], b, states[t])
            states[t + 1] = new if mask is None else np.where(mask[:, t : t + 1], new, states[t])
            saved.append(kept)
        if self.keep:
            self.xs, self.states, self.saved, self.mask, self.weights = xs, states, saved, mask, (w_ih, w_hh)
        return states[1:].transpose(1, 0, 2)

    def backward(self, g):
        a, b, carry = self._recurrence(g)
        needs, (w_ih, w_hh) = self.needs, self.weights
        steps, n, hidden = len(a), a.shape[1], w_hh.shape[1]
        a2 = a.reshape(steps * n, -1)
        b2 = a2 if b is a else b.reshape(steps * n, -1)  # one bias sum when B is A
        dx = (a2 @ w_ih).reshape(steps, n, -1).transpose(1, 0, 2) if needs[0] else None
        grads = [dx, carry if needs[1] else None,
                 a2.T @ self.xs.reshape(steps * n, -1) if needs[2] else None,
                 b2.T @ self.states[:-1, :, :hidden].reshape(steps * n, hidden) if needs[3] else None]
        if self.has_bias:
            grads += bias_gradients(a2, b2, needs[4:6])
        return (*grads, *[None] * (len(self.inputs) - len(grads)))  # the mask gets none

    def _recurrence(self, g):
        """(A, B, dG/ds_0): every step's gradients of a_t and b_t, (T, N, G*H) each (B is A where the kind's are),
        and what reaches the initial state (only where it needs a gradient)."""
        w_hh, mask = self.weights[1], self.mask
        hidden, steps = w_hh.shape[1], len(self.saved)
        carry = np.zeros(self.states[0].shape, dtype=g.dtype)
        a = b = None
        for t in reversed(range(steps)):
            ds = g[:, t] + carry
            if mask is not None:
                valid = mask[:, t : t + 1]
                passed, ds = np.where(valid, 0, ds), np.where(valid, ds, 0)
            a_t, b_t, direct = self.step_backward(self.saved[t], ds)
            if a is None:
                a = np.empty((steps, *a_t.shape), dtype=a_t.dtype)
                b = a if b_t is a_t else np.empty_like(a)
            a[t] = a_t
            if b is not a:
                b[t] = b_t
            if t == 0 and not self.needs[1]:
                break  # nothing reaches the initial state
            dh = b_t @ w_hh
            if direct is None:
                carry = dh
            else:
                direct[:, :hidden] += dh
                carry = direct
            if mask is not None:
                carry += passed
        return a, b, carry

    def vjp(self, g):
        """The addends of the same steps wired as the kind's fused step nodes over this node's inputs
        (`fused_addends`, as a fused step's vjp): a backward built of nodes, for higher orders."""
        x, state, w_ih, w_hh, *rest = self.inputs
        b_ih, b_hh, mask = self._split(rest)
        biases = (b_ih, b_hh) if self.has_bias else ()
        states = []
        for t in range(x.value.shape[1]):
            valid = None if mask is None else getitem(mask, (ALL, slice(t, t + 1)))
            state = self.step_class(getitem(x, (ALL, t)), state, w_ih, w_hh, *biases, mask=valid,
                                    **self.step_options())
            states.append(state)
        return fused_addends(self, stack(states, axis=1), g)


def _same_size(a, b):
    """Whether two static sizes can be equal (None: not known yet)."""
    return a is None or b is None or a == b
