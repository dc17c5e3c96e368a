"""Gate activations of the fused cells, written into the array they read.

The gates of one step are computed in one pass over all their columns:
sigmoid(z) = (1 + tanh(z / 2)) / 2, so with a per-column scale (1/2 on
sigmoid columns, 1 on tanh columns) and shift (1/2, 0),

    act(z) = scale * tanh(scale * z) + shift

is the sigmoid or the tanh of each column. numpy's tanh is vectorised and
needs no temporaries, which makes this about twice as fast as computing
1 / (1 + exp(-z)) on the sigmoid columns; it differs from it by float
rounding only (and saturates to exactly 0 and 1, without overflow).
"""

import functools

import numpy as np


@functools.lru_cache(maxsize=32)
def gate_vectors(kinds, hidden, dtype):
    """(scale, shift), read-only, for gate blocks of `hidden` columns; `kinds` a string such as 'ssts'.

    's' marks a sigmoid block, 't' a tanh block.
    """
    scale = np.repeat([0.5 if k == "s" else 1.0 for k in kinds], hidden).astype(dtype)
    shift = np.repeat([0.5 if k == "s" else 0.0 for k in kinds], hidden).astype(dtype)
    scale.flags.writeable = shift.flags.writeable = False
    return scale, shift


def activate_in_place(z, kinds, hidden):
    """z <- sigmoid or tanh of each block of `hidden` columns as `kinds` says (see the module docstring)."""
    scale, shift = gate_vectors(kinds, hidden, z.dtype)
    z *= scale
    np.tanh(z, out=z)
    z *= scale
    z += shift
    return z


def sigmoid_slope(s):
    """s (1 - s): the sigmoid's derivative from its value s."""
    return s * (1 - s)


def tanh_slope(t):
    """1 - t^2: tanh's derivative from its value t."""
    return 1 - t * t
