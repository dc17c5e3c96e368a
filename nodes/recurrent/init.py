"""The parameters of one recurrent layer in PyTorch's layout, drawn as PyTorch draws them."""

import math

import numpy as np

from autograd import Parameter


def cell_parameters(gates, input_size, hidden_size, bias=True, rng=None):
    """{'weight_ih', 'weight_hh'[, 'bias_ih', 'bias_hh']} of a layer with `gates` gate blocks.

    Shapes as PyTorch's nn.RNN/LSTM/GRU: weight_ih (gates*H, F), weight_hh
    (gates*H, H), both biases (gates*H,), the gates stacked along the first
    axis in PyTorch's order; every entry uniform in [-1/sqrt(H), 1/sqrt(H)],
    PyTorch's initialisation. The draws come from `rng` in that order.
    """
    rng = rng if rng is not None else np.random.default_rng()
    rows, bound = gates * hidden_size, 1.0 / math.sqrt(hidden_size)
    shapes = {"weight_ih": (rows, input_size), "weight_hh": (rows, hidden_size)}
    if bias:
        shapes.update(bias_ih=(rows,), bias_hh=(rows,))
    return {name: Parameter(rng.uniform(-bound, bound, shape)) for name, shape in shapes.items()}
