"""Weight initialisation: He normal and Xavier uniform, reproducible from a generator."""

import math

import numpy as np
import pytest

import nodes.connection
from nodes.common.init import init_weight


def test_he_is_normal_with_std_sqrt_2_over_fan_in():
    w = init_weight((500, 400), fan_in=50, fan_out=7, init="he", rng=np.random.default_rng(0))
    assert w.shape == (500, 400)
    assert w.mean() == pytest.approx(0.0, abs=0.002)
    assert w.std() == pytest.approx(math.sqrt(2 / 50), rel=0.01)  # 0.2, whatever fan_out is


def test_he_draws_standard_normals_scaled():
    w = init_weight((3, 2), fan_in=8, fan_out=1, init="he", rng=np.random.default_rng(5))
    np.testing.assert_allclose(w, np.random.default_rng(5).standard_normal((3, 2)) * 0.5)  # sqrt(2 / 8)


def test_xavier_is_uniform_within_the_glorot_bound():
    w = init_weight((500, 400), fan_in=20, fan_out=4, init="xavier", rng=np.random.default_rng(0))
    bound = 0.5  # sqrt(6 / (20 + 4))
    assert -bound <= w.min() and w.max() <= bound
    assert w.min() < -0.99 * bound and w.max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)  # the std of U(-b, b)


def test_an_unknown_init_is_refused():
    with pytest.raises(ValueError, match="unknown init 'zeros'"):
        init_weight((2, 2), 2, 2, init="zeros")


def test_nodes_connection_still_exports_it():
    assert nodes.connection.init_weight is init_weight
