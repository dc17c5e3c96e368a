"""The base of the fused cells: one node per time step, its backward written out.

A fused cell computes one step of a recurrent layer from the step's input
x (N, F), the previous state s (N, S) (h for RNN and GRU, [h | c] for
LSTM), the weights W_ih (G*H, F), W_hh (G*H, H), optional biases and an
optional mask m (N, 1), True where the step is valid:

    a = x W_ih^T + b_ih,   b = h W_hh^T + b_hh     (h: the first H columns of s)
    s' = cell(a, b, s)                              (written by each kind)
    f = where(m, s', s)                             (a padded step keeps the state)

Every kind's backward reduces to the gradients of the two projections,
A = dG/da and B = dG/db, and the part of dG/ds that does not pass through
them (`direct`); the rest is the same for all:

    dG/dx = A W_ih,   dG/ds = direct + [B W_hh | 0],
    dG/dW_ih = A^T x,   dG/dW_hh = B^T h,   dG/db_ih = sum_n A,   dG/db_hh = sum_n B

with g replaced by g * m before the cell and (1 - m) * g added to dG/ds
(what a padded step passes straight back).

Speed: a layer can hand every step the transposes W_ih^T and W_hh^T as
contiguous copies (`nodes.recurrent.state.Transposed`, made once per
sequence): BLAS multiplies h by a contiguous (H, G*H) matrix about a
third faster than by the transposed view of W_hh. The copies get no
gradient; W_ih and W_hh get it, as above.
"""

import numpy as np

from autograd import ShapeError, vectors
from autograd.errors import static_shape
from nodes.math.select import where


class FusedCell:
    """One step of a recurrent layer as one node (see the module docstring); subclasses write the cell.

    A mixin: a fused cell is `class FusedLSTMCell(FusedCell, Node)`, so that
    the library's node classes are the concrete cells only.

    Inputs: x, state, weight_ih, weight_hh, then bias_ih and bias_hh if
    given, the mask if given, and the transposed copies (W_ih^T, W_hh^T) if
    given. The kind's maths comes from a steps mixin shared with its
    whole-layer node (nodes.recurrent.fused_layer): `gates` and
    `state_factor` (the state's width in units of H), `step_forward(a, b,
    state)` -> (s', saved) on the two projections (b may be overwritten) and
    `step_backward(saved, g)` -> (A, B, direct). Backward: as the module
    docstring states, from the kind's A, B and direct.
    """

    def __init__(self, x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None, mask=None, transposed=None,
                 name=None):
        if (bias_ih is None) != (bias_hh is None):
            raise ValueError(f"{type(self).__name__} takes both biases or neither")
        self.has_bias, self.has_mask = bias_ih is not None, mask is not None
        self.has_transposed = transposed is not None
        optional = ((bias_ih, bias_hh) if self.has_bias else ()) + ((mask,) if self.has_mask else ())
        super().__init__(x, state, weight_ih, weight_hh, *optional, *(transposed or ()), name=name)

    @property
    def hidden_size(self):
        """H, read from weight_hh's shape (G*H, H)."""
        return self.inputs[3].shape[1]

    def _split(self, rest):
        """(b_ih, b_hh, mask, (w_ih_t, w_hh_t) or None) from the inputs after the weights."""
        k = 2 if self.has_bias else 0
        biases = rest[:2] if self.has_bias else (None, None)
        mask = rest[k] if self.has_mask else None
        return (*biases, mask, rest[-2:] if self.has_transposed else None)

    def infer_shape(self, x, state, w_ih, w_hh, *rest):
        b_ih, b_hh, _, transposed = self._split(rest)
        width = check_weights_and_state(self, state, w_ih, w_hh, b_ih, b_hh)
        if len(x) != 2 or x[1] not in (None, w_ih[1]):
            raise ShapeError(f"the step input {static_shape(x)} is not (N, {w_ih[1]})")
        if transposed is not None and tuple(transposed) != (w_ih[::-1], w_hh[::-1]):
            raise ShapeError(f"the transposed weights {' and '.join(map(static_shape, transposed))} are not "
                             f"{static_shape(w_ih[::-1])} and {static_shape(w_hh[::-1])}")
        return (x[0] if x[0] is not None else state[0], width)

    def forward(self, x, state, w_ih, w_hh, *rest):
        b_ih, b_hh, mask, transposed = self._split(rest)
        w_ih_t, w_hh_t = transposed if transposed is not None else (w_ih.T, w_hh.T)
        x = np.ascontiguousarray(x)  # a time step of a batch-first sequence is a strided view
        h = state[:, : w_hh.shape[1]]
        a, b = x @ w_ih_t, h @ w_hh_t
        if b_ih is not None:
            a += b_ih
            b += b_hh
        new, saved = self.step_forward(a, b, state)
        if mask is not None:
            new = np.where(mask, new, state)
        if self.keep:
            self.x, self.h, self.mask, self.weights, self.saved = x, h, mask, (w_ih, w_hh), saved
        return new

    def backward(self, g):
        needs, mask = self.needs, self.mask
        if mask is not None:
            passed, g = np.where(mask, 0, g), np.where(mask, g, 0)
        a, b, direct = self.step_backward(self.saved, g)
        w_ih, w_hh = self.weights
        dx = a @ w_ih if needs[0] else None
        dstate = None
        if needs[1]:
            dh = b @ w_hh
            if direct is None:
                dstate = dh
            else:
                direct[:, : dh.shape[1]] += dh
                dstate = direct
            if mask is not None:
                dstate += passed
        grads = [dx, dstate, a.T @ self.x if needs[2] else None, b.T @ self.h if needs[3] else None]
        if self.has_bias:
            grads += bias_gradients(a, b, needs[4:6])
        grads += [None] * (len(self.inputs) - len(grads))  # the mask and the transposed copies get none
        return tuple(grads)

    def vjp(self, g):
        """The addends of the same step wired from elementary nodes over this node's inputs (`wired`, then `where`
        with a mask), taken by the vjps of those nodes only (`local_vjp`): a backward built of nodes."""
        x, state, w_ih, w_hh, *rest = self.inputs
        b_ih, b_hh, mask, _ = self._split(rest)
        new = self.wired(x, state, w_ih, w_hh, b_ih, b_hh)
        if mask is not None:
            new = where(mask, new, state)
        return fused_addends(self, new, g)

    def wired(self, x, state, w_ih, w_hh, b_ih, b_hh):
        """The new state s' from elementary nodes (written by each kind)."""
        raise NotImplementedError


def check_weights_and_state(node, state, w_ih, w_hh, b_ih=None, b_hh=None):
    """The state's width S from the static shapes of a fused node's weights, biases and state; a ShapeError if
    they do not fit together (weights (G*H, F) and (G*H, H), biases (G*H,), state (N, S))."""
    rows, hidden = node.gates * w_hh[1], w_hh[1]
    if len(w_ih) != 2 or len(w_hh) != 2 or w_hh[0] != rows or w_ih[0] != rows:
        raise ShapeError(f"weights {static_shape(w_ih)} and {static_shape(w_hh)} are not ({node.gates}*H, F) and "
                         f"({node.gates}*H, H)")
    width = node.state_factor * hidden
    if len(state) != 2 or state[1] not in (None, width):
        raise ShapeError(f"the state {static_shape(state)} is not (N, {width})")
    if node.has_bias and (b_ih != (rows,) or b_hh != (rows,)):
        raise ShapeError(f"the biases {static_shape(b_ih)} and {static_shape(b_hh)} are not ({rows},)")
    return width


def bias_gradients(a, b, needs):
    """[dG/db_ih, dG/db_hh]: the column sums of A and B (summed once when B is A, and copied: each bias
    gets an array of its own), None where `needs` says no."""
    ones = vectors.ones(len(a), a.dtype)
    sum_a = ones @ a if needs[0] or (needs[1] and b is a) else None
    sum_b = (sum_a.copy() if b is a else ones @ b) if needs[1] else None
    return [sum_a if needs[0] else None, sum_b]


def fused_addends(node, root, g):
    """A fused cell's or layer's vjp addends, one per input: `local_vjp` of `root` (its computation wired over
    its inputs) for the inputs that need them among x, the state, the weights and the biases (the mask and
    the transposed copies get none)."""
    count = 6 if node.has_bias else 4
    wanted = [k for k in range(count) if node.needs[k]]
    found = local_vjp(root, g, node.inputs, [node.inputs[k] for k in wanted])
    addends = [None] * len(node.inputs)
    for k, addend in zip(wanted, found, strict=True):
        addends[k] = addend
    return tuple(addends)


def local_vjp(root, g, inputs, wanted):
    """The addend nodes that `root`, wired from `inputs` by nodes made for it, sends each of `wanted` for dG/droot = g.

    The nodes between `inputs` and `root` are computed (from the inputs'
    values) and swept in reverse order, each by its `vjp`, as
    `autograd.grad(create_graph=True)` does, but the sweep stops at `inputs`:
    what reaches a wanted input is its addend from this root alone, not the
    paths through earlier steps that the input itself depends on. An input
    nothing reaches gets None.
    """
    from autograd.broadcasting import sum_to
    from autograd.gradients import complete_values

    stop, order, seen, stack = set(inputs), [], set(), [(root, False)]
    while stack:  # post-order depth-first walk, not entering the inputs
        node, done = stack.pop()
        if done:
            order.append(node)
        elif node not in seen and node not in stop:
            seen.add(node)
            stack.append((node, True))
            stack.extend((i, False) for i in node.inputs)
    complete_values(order)
    leads = set(wanted)
    for node in order:
        if node.differentiable and any(i in leads for i in node.inputs):
            leads.add(node)
    parts = {root: [g]}
    for node in reversed(order):
        if node not in parts or node not in leads:
            continue
        node.needs = tuple(i in leads for i in node.inputs)
        total = _sum(parts.pop(node))
        for inp, addend, need in zip(node.inputs, node.vjp(total), node.needs, strict=True):
            if need and addend is not None:
                parts.setdefault(inp, []).append(sum_to(addend, inp))
    return [_sum(parts[w]) if w in parts else None for w in wanted]


def _sum(nodes):
    total = nodes[0]
    for other in nodes[1:]:
        total = total + other
    return total
