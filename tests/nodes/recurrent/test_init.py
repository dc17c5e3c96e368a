"""PyTorch's layout and initialisation of one recurrent layer's parameters."""

import math

import numpy as np

from nodes.recurrent.init import cell_parameters


def test_shapes_and_bounds_follow_pytorch():
    params = cell_parameters(4, 7, 16, rng=np.random.default_rng(0))
    assert {k: p.value.shape for k, p in params.items()} == {
        "weight_ih": (64, 7), "weight_hh": (64, 16), "bias_ih": (64,), "bias_hh": (64,)}
    values = np.concatenate([p.value.ravel() for p in params.values()])
    assert np.abs(values).max() <= 1 / math.sqrt(16) and np.abs(values).max() > 0.24
    assert set(cell_parameters(3, 7, 16, bias=False)) == {"weight_ih", "weight_hh"}


def test_the_same_generator_state_draws_the_same_parameters():
    one, two = (cell_parameters(1, 2, 3, rng=np.random.default_rng(5)) for _ in range(2))
    for key in one:
        np.testing.assert_array_equal(one[key].value, two[key].value)
