"""Random initial values for weight parameters."""

import math

import numpy as np


def init_weight(shape, fan_in, fan_out, init="he", rng=None):
    """A weight array drawn for `init`: He (ReLU) or Xavier/Glorot (tanh, sigmoid).

    He normal: std = sqrt(2 / fan_in).  Xavier uniform: U(-b, b) with
    b = sqrt(6 / (fan_in + fan_out)).
    """
    rng = rng if rng is not None else np.random.default_rng()
    if init == "he":
        return rng.standard_normal(shape) * math.sqrt(2.0 / fan_in)
    if init == "xavier":
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound, shape)
    raise ValueError(f"unknown init {init!r}; use 'he' or 'xavier'")
