"""The base of the recurrent cells: one time step as a block, wired from elementary nodes or fused into one.

A cell owns (or shares) the four parameters of one layer in PyTorch's
layout, `weight_ih` (G*H, F), `weight_hh` (G*H, H), `bias_ih` and `bias_hh`
(G*H,), and is called once per time step: every call shares them, so each
parameter receives one addend per step, sums them and is updated once.

Inside the library a cell's state is one node (h for RNN and GRU, [h | c]
for a fused LSTM) or a tuple of nodes ((h, c) for a wired LSTM): `zero_state`,
`pack`, `unpack` and `hidden` convert between that and the public parts
(h,) or (h, c). `prepare()` wires, once per sequence, what every wired
step shares (the transposed weights, the summed biases), so that a step
costs only its own nodes; `step()` wires one step, masked or not.
"""

import numpy as np

from autograd import Block
from nodes.array.transpose import transpose
from nodes.math.arithmetic import add
from nodes.math.select import where

from .init import cell_parameters
from .state import transposed, zero_state


class Cell(Block):
    """One step of a recurrent layer (subclasses: RNNCell, LSTMCell, GRUCell).

    Called on a step's input x (N, input_size) and a state (None: zeros),
    with an optional mask (N, 1) (True: the step is valid; a padded step
    keeps the state), it returns the new state. `fused=True` makes each step
    one node of the kind's fused class (the same values and gradients, fewer
    nodes and temporaries); by default a step is wired from elementary nodes.
    `parameters` shares the given dict of parameters instead of drawing new
    ones (a stacked layer names them `weight_ih_l0`...). A cell's state dict
    in the layout "torch" is nn.RNNCell/LSTMCell/GRUCell's, as it is here.
    """

    #: Gate blocks stacked in the weights' rows (1 for RNN, 4 for LSTM, 3 for GRU).
    gates = 1
    #: The names of the public state parts.
    parts = ("h",)
    #: The fused node class (a FusedCell).
    fused_class = None
    #: The node class of a whole fused layer (a FusedLayer), for the stacked layers' fused="layer".
    layer_class = None

    def __init__(self, input_size, hidden_size, bias=True, fused=False, name=None, rng=None, parameters=None,
                 **init_options):
        super().__init__(name)
        for what, size in (("input_size", input_size), ("hidden_size", hidden_size)):
            check_size(type(self).__name__, what, size)
        if not isinstance(fused, (bool, np.bool_)):
            raise ValueError(f"{type(self).__name__}: fused must be True or False (a cell is one step; fused='layer' "
                             f"is for the stacked RNN, LSTM and GRU), got {fused!r}")
        self.input_size, self.hidden_size, self.bias, self.fused = input_size, hidden_size, bool(bias), bool(fused)
        if parameters is None:
            parameters = self.new_parameters(input_size, hidden_size, bias, rng, **init_options)
        self.weight_ih, self.weight_hh = parameters["weight_ih"], parameters["weight_hh"]
        self.bias_ih, self.bias_hh = parameters.get("bias_ih"), parameters.get("bias_hh")

    @classmethod
    def new_parameters(cls, input_size, hidden_size, bias=True, rng=None):
        """Freshly drawn parameters of one layer of this kind (see `init.cell_parameters`)."""
        return cell_parameters(cls.gates, input_size, hidden_size, bias, rng)

    # -- the public call ----------------------------------------------------------
    def wire(self, x, state=None, mask=None):
        """One step: the new state from x (N, input_size) and `state` (None: zeros); (h, c) for an LSTM."""
        packed = self.zero_state(x) if state is None else self.pack(state if isinstance(state, tuple) else (state,))
        new = self.step(x, packed, mask, self.prepare())
        parts = self.unpack(new)
        return parts if len(parts) > 1 else parts[0]

    # -- what a sequence wires ----------------------------------------------------------
    def prepare(self, suffix="", steps=1):
        """What every step of a sequence of `steps` shares, wired once in the current scope.

        Wired: the transposed weights (views) and the summed biases. Fused:
        contiguous transposed copies of the weights for a sequence of
        several steps (a copy costs about what it saves in one step); None
        for one step.
        """
        if self.fused:
            if steps == 1:
                return None
            return (transposed(self.weight_ih, name=f"weight_ih{suffix}_t"),
                    transposed(self.weight_hh, name=f"weight_hh{suffix}_t"))
        bias = add(self.bias_ih, self.bias_hh, name=f"bias{suffix}") if self.bias else None
        return (*self.transposed(suffix), bias)

    def transposed(self, suffix=""):
        """(W_ih^T, W_hh^T) as transpose nodes (views: no copy), for x W_ih^T and h W_hh^T."""
        return (transpose(self.weight_ih, name=f"weight_ih{suffix}_t"),
                transpose(self.weight_hh, name=f"weight_hh{suffix}_t"))

    def step(self, x, state, mask, prepared):
        """The new state after one step from x; with `mask`, a padded step keeps `state`."""
        if self.fused:
            biases = (self.bias_ih, self.bias_hh) if self.bias else (None, None)
            return self.fused_class(x, state, self.weight_ih, self.weight_hh, *biases, mask=mask,
                                    transposed=prepared, name="cell", **self.fused_options())
        new = self.wired_step(x, state, prepared)
        if mask is None:
            return new
        if isinstance(new, tuple):
            return tuple(where(mask, n, s, name=f"keep_{p}") for n, s, p in zip(new, state, self.parts))
        return where(mask, new, state, name=f"keep_{self.parts[0]}")

    def fused_options(self):
        """Keyword arguments of the fused node besides its inputs (none here)."""
        return {}

    def wired_step(self, x, state, prepared):
        """The new state from elementary nodes (written by each kind)."""
        raise NotImplementedError(f"{type(self).__name__} has no wired_step()")

    # -- the state -----------------------------------------------------------------
    def zero_state(self, like, name="zero_state"):
        """The state of zeros for the batch of `like`."""
        return zero_state(like, self.hidden_size, name=name)

    def pack(self, parts, name="state"):
        """The state from its public parts: (h,) here."""
        (h,) = parts
        return h

    def unpack(self, state, names=("h_out",)):
        """The public parts of a state: (h,) here."""
        return (state,)

    def hidden(self, state, name="h_out"):
        """The hidden output h of a state (the state itself here)."""
        return state

    def __repr__(self):
        return (f"{type(self).__name__}({self.input_size}, {self.hidden_size}, bias={self.bias}, "
                f"fused={self.fused}, name={self.name!r})")


def check_size(owner, what, size):
    """`size` if it is a positive integer; a ValueError naming `owner` and `what` otherwise."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"{owner}: {what} must be a positive integer, got {size!r}")
    return int(size)
