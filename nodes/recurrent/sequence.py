"""Stacked recurrent layers over batch-first sequences: the base of RNN, LSTM and GRU.

One cell block per layer is called at every time step, so every call
shares the layer's parameters: each receives one addend per step, sums
them and is updated once. A step's nodes live in the cell's call scope
(`lstm.cell_l0`, `lstm.cell_l0#1`... for steps 0, 1...), which diagrams
fold into one box per layer ("cell_l0 × 28").

Variable lengths: a padded step (mask False) keeps the state and its
output is 0, so it changes nothing and no gradient reaches it, which is
what PyTorch's packed sequences compute for sequences padded at the end.
A long sequence can be processed in chunks (truncated BPTT): feed each
chunk's initial state from an Input holding the previous chunk's final
state; no gradient flows back across chunks.
"""

import numpy as np

from autograd import Block, Constant, Node, as_node
from autograd.errors import ShapeError, static_shape
from nodes.array.concat import stack
from nodes.array.getitem import getitem
from nodes.math.select import where
from nodes.regularization.dropout import Dropout

from .cell import check_size
from .state import length_mask

ALL = slice(None)


class Recurrent(Block):
    """Layers of one cell kind (`cell_class`) stacked `num_layers` deep, as PyTorch's nn.RNN/LSTM/GRU.

    Parameters `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`,
    `bias_hh_l{k}` for each layer k, in PyTorch's shapes, order and
    initialisation (uniform in +-1/sqrt(H)), so that weights port by name
    both ways: `state_dict(layout="torch")` is nn.RNN/LSTM/GRU's state dict
    as it is here (`bias=False`: the weights alone), so the block needs no
    layout hook. Layer k > 0 reads layer k-1's outputs, through dropout with
    probability `dropout` in training (as PyTorch: not after the last
    layer). `fused` chooses the nodes: False wires every step from
    elementary nodes, True (or "step") makes every step of every layer one
    fused node, and "layer" every layer one node over the whole sequence
    (nodes.recurrent.fused_layer: the matmuls that do not depend on the
    recurrence are taken once over all steps; the fastest). All three give
    the same values and gradients, except that dropout between fused layers
    draws one mask over all steps at once where the steps draw one per step
    (the same distribution, other draws). `self.fused` is True for both
    fused kinds, `self.fusion` says which ("none", "step" or "layer").
    `rng` (a numpy Generator) draws the weights and seeds the dropout.

    Call: `block(x, state=None, mask=None, lengths=None, last=False,
    return_state=False, steps=None)` on x (N, T, input_size) returns the top
    layer's outputs (N, T, H), or with `last=True` only its final h (N, H)
    (each sequence's last valid step). `state` is the initial state (h0 for
    RNN and GRU, (h0, c0) for LSTM, each (num_layers, N, H); None: zeros);
    `return_state=True` also returns the final state in the same form.
    `mask` (N, T) boolean (True: a valid step) or `lengths` (N,) integers
    mark padded steps, fixed arrays or nodes fed with every batch. `steps`
    is T when x's static shape does not say it.
    """

    #: The Cell subclass of every layer.
    cell_class = None

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, dropout=0.0, fused=False, name=None,
                 rng=None):
        super().__init__(name)
        for what, size in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
            check_size(type(self).__name__, what, size)
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"{type(self).__name__}: dropout must be in [0, 1), got {dropout}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.fusion = fusion(type(self).__name__, fused)
        self.bias, self.dropout = bool(bias), float(dropout)
        rng = rng if rng is not None else np.random.default_rng()
        cells = []
        for k in range(num_layers):
            size = input_size if k == 0 else hidden_size
            parameters = self.cell_class.new_parameters(size, hidden_size, bias, rng, **self.parameter_options())
            for key, parameter in parameters.items():  # owned here first, so named weight_ih_l0...
                setattr(self, f"{key}_l{k}", parameter)
            cells.append(self.cell_class(size, hidden_size, bias=bias, fused=self.fused, name=f"cell_l{k}",
                                         parameters=parameters, **self.cell_options()))
        self.cells = cells
        # One generator for every dropout node between layers, so one seed fixes every mask.
        self._dropout_rng = np.random.default_rng(rng.integers(2**63)) if self.dropout else None

    def parameter_options(self):
        """Keyword arguments of the cells' `new_parameters` (none here)."""
        return {}

    def cell_options(self):
        """Keyword arguments of the cells besides their sizes and parameters (none here)."""
        return {}

    # -- the call ---------------------------------------------------------------------
    def wire(self, x, state=None, mask=None, lengths=None, last=False, return_state=False, steps=None):
        """Unroll the layers over the sequence x (see the class docstring for the arguments)."""
        x = as_node(x)
        steps = self._steps(x, steps)
        valid = self._valid_steps(mask, lengths, steps)
        starts = self._starts(x, state)
        below, finals = None, []
        for k, cell in enumerate(self.cells):
            keep_outputs = k < self.num_layers - 1 or not last
            below, final = self._layer(k, cell, x, below, starts[k], valid, steps, keep_outputs)
            finals.append(final)
        out = self.cells[-1].hidden(finals[-1], name="h_last") if last else self._outputs(below, valid)
        return (out, self._final_state(finals)) if return_state else out

    def _layer(self, k, cell, x, below, state, valid, steps, keep_outputs):
        """Layer k's steps, each one call of its cell: ([h_t] if kept, the final state)."""
        if self.fusion == "layer":
            return self._fused_layer(cell, x, below, state, valid, steps, keep_outputs)
        prepared = cell.prepare(f"_l{k}", steps)
        outputs = []
        for t in range(steps):
            with cell.calling():
                x_t = getitem(x, (ALL, t), name="x") if below is None else self._between(below[t])
                valid_t = None if valid is None else getitem(valid, (ALL, slice(t, t + 1)), name="valid")
                state = cell.step(x_t, state, valid_t, prepared)
                if keep_outputs:
                    outputs.append(cell.hidden(state))
        return outputs, state

    def _fused_layer(self, cell, x, below, state, valid, steps, keep_outputs):
        """Layer k as one node of the cell's layer class: (its h_t (N, T, H) if kept, the final state)."""
        biases = (cell.bias_ih, cell.bias_hh) if self.bias else ()
        with cell.calling():
            # Layer 0 reads the first `steps` steps, as the step nodes do, whatever T is fed.
            inputs = _first_steps(x, steps) if below is None else self._between(below)
            states = cell.layer_class(inputs, state, cell.weight_ih, cell.weight_hh, *biases, mask=valid,
                                      name="layer", **cell.fused_options())
            final = getitem(states, (ALL, steps - 1), name="final")
            if not keep_outputs:
                return None, final
            if cell.parts == ("h",):  # the state is h itself
                return states, final
            return getitem(states, (ALL, ALL, slice(0, cell.hidden_size)), name="h_all"), final

    def _between(self, h):
        """A lower layer's output as the next layer's input: through dropout in training, if any."""
        if not self.dropout:
            return h
        return Dropout(h, self.dropout, rng=self._dropout_rng, name="dropout")

    def _outputs(self, hidden, valid):
        """The top layer's h_t stacked to (N, T, H) (a fused layer's are already); 0 at padded steps."""
        out = hidden if isinstance(hidden, Node) else stack(hidden, axis=1, name="outputs")
        if valid is None:
            return out
        return where(getitem(valid, (ALL, ALL, None), name="valid_steps"), out, 0.0, name="outputs_valid")

    def _final_state(self, finals):
        """The final state of every layer, stacked to (num_layers, N, H) per part."""
        parts = [cell.unpack(f, names=tuple(f"{p}_l{k}" for p in cell.parts))
                 for k, (cell, f) in enumerate(zip(self.cells, finals))]
        names = self.cell_class.parts
        stacked = tuple(stack([layer[j] for layer in parts], axis=0, name=f"{p}_n") for j, p in enumerate(names))
        return stacked if len(stacked) > 1 else stacked[0]

    # -- checking what the call was given ---------------------------------------------
    def _steps(self, x, steps):
        """T from x's static shape (N, T, input_size), or `steps`; a ShapeError naming the block otherwise."""
        shape = x.shape
        if shape is not None:
            if len(shape) != 3 or shape[2] not in (None, self.input_size):
                raise ShapeError(f"{self.name}: the input must be sequences (N, T, {self.input_size}), "
                                 f"got {static_shape(shape)}")
            if steps is None:
                steps = shape[1]
            elif shape[1] not in (None, steps):
                raise ShapeError(f"{self.name}: steps={steps} but the input {static_shape(shape)} has {shape[1]}")
        if steps is None:
            raise ValueError(f"{self.name}: the number of steps T is not known from the input's shape; give steps=T")
        check_size(self.name, "steps", steps)
        return steps

    def _valid_steps(self, mask, lengths, steps):
        """The (N, T) boolean node of valid steps from `mask` or `lengths`, or None when neither is given."""
        if mask is not None and lengths is not None:
            raise ValueError(f"{self.name}: give a mask or lengths, not both")
        if lengths is not None:
            lengths = lengths if isinstance(lengths, Node) else Constant(lengths, dtype=np.int64)
            return length_mask(lengths, steps, name="valid_steps_from_lengths")
        if mask is None:
            return None
        if not isinstance(mask, Node):
            mask = np.asarray(mask)
            if mask.dtype != bool:
                raise TypeError(f"{self.name}: the mask must be boolean (True: a valid step), got {mask.dtype}")
            mask = Constant(mask)
        if mask.shape is not None and (len(mask.shape) != 2 or mask.shape[1] not in (None, steps)):
            raise ShapeError(f"{self.name}: the mask must be (N, {steps}), got {static_shape(mask.shape)}")
        return mask

    def _starts(self, x, state):
        """Each layer's initial state, packed for its cell: zeros, or the given state's slice k."""
        if state is None:
            return [cell.zero_state(x, name=f"zero_state_l{k}") for k, cell in enumerate(self.cells)]
        parts = tuple(as_node(p) for p in (state if isinstance(state, (tuple, list)) else (state,)))
        names = self.cell_class.parts
        if len(parts) != len(names):
            raise ValueError(f"{self.name}: the state is {' and '.join(names)}, got {len(parts)} part(s)")
        want = (self.num_layers, None, self.hidden_size)
        for part, name in zip(parts, names):
            if part.shape is not None and (len(part.shape) != 3 or any(
                    w is not None and d is not None and w != d for w, d in zip(want, part.shape))):
                raise ShapeError(f"{self.name}: the initial {name} must be (num_layers, N, hidden_size) = "
                                 f"{static_shape(want)}, got {static_shape(part.shape)}")
        return [cell.pack(tuple(getitem(p, k, name=f"{n}0_l{k}") for p, n in zip(parts, names)), name=f"state_l{k}")
                for k, cell in enumerate(self.cells)]

    @property
    def fused(self):
        """Whether the steps are fused, as a step node each or a layer node each (`fusion` says which)."""
        return self.fusion != "none"

    def __repr__(self):
        fused = {"none": False, "step": True, "layer": "layer"}[self.fusion]
        return (f"{type(self).__name__}({self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"fused={fused!r}, name={self.name!r})")


def _first_steps(x, steps):
    """The first `steps` steps (axis 1) of the sequence x, unless its static shape says it has that many."""
    if x.shape is not None and x.shape[1] == steps:
        return x
    return getitem(x, (ALL, slice(0, steps)), name="x_steps")


#: The values of a stacked layer's `fused` and what each wires.
FUSIONS = {False: "none", True: "step", "step": "step", "layer": "layer"}


def fusion(owner, fused):
    """"none", "step" or "layer" for a `fused` of False, True or "step", or "layer"; a ValueError naming `owner`."""
    if isinstance(fused, (bool, str)) and fused in FUSIONS:
        return FUSIONS[fused]
    raise ValueError(f"{owner}: fused must be False, True, 'step' or 'layer', got {fused!r}")
