"""The fused cells' gate activations: sigmoid and tanh columns in one pass."""

import numpy as np

from nodes.recurrent.gates import activate_in_place, gate_vectors, sigmoid_slope, tanh_slope


def test_each_block_of_columns_gets_its_activation_in_place():
    original = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32) * 4
    original[0, :2] = (-1000, 1000)
    z = original.copy()
    expected = z.astype(np.float64)
    with np.errstate(over="ignore"):  # exp(1000) is inf, and 1 / (1 + inf) the right 0
        expected[:, :2] = 1 / (1 + np.exp(-expected[:, :2]))
    expected[:, 2:4] = np.tanh(expected[:, 2:4])
    expected[:, 4:] = 1 / (1 + np.exp(-expected[:, 4:]))
    view = z[:, :6]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = activate_in_place(view, "sts", 2)
    assert out is view
    np.testing.assert_allclose(z[:, :6], expected[:, :6], atol=2e-7)
    assert z[0, 0] == 0.0 and z[0, 1] == 1.0 and z.dtype == np.float32  # saturated exactly, no overflow
    np.testing.assert_array_equal(z[:, 6:], original[:, 6:])  # outside the view: untouched


def test_the_gate_vectors_are_shared_and_read_only():
    scale, shift = gate_vectors("ssts", 3, np.dtype(np.float64))
    assert gate_vectors("ssts", 3, np.dtype(np.float64))[0] is scale
    np.testing.assert_array_equal(scale, [0.5] * 6 + [1.0] * 3 + [0.5] * 3)
    np.testing.assert_array_equal(shift, [0.5] * 6 + [0.0] * 3 + [0.5] * 3)
    assert not scale.flags.writeable and not shift.flags.writeable


def test_slopes_are_the_derivatives_from_the_values():
    x = np.linspace(-3, 3, 7)
    s, t = 1 / (1 + np.exp(-x)), np.tanh(x)
    eps = 1e-6
    np.testing.assert_allclose(sigmoid_slope(s), (1 / (1 + np.exp(-x - eps)) - 1 / (1 + np.exp(-x + eps))) / 2 / eps,
                               rtol=1e-6)
    np.testing.assert_allclose(tanh_slope(t), (np.tanh(x + eps) - np.tanh(x - eps)) / 2 / eps, rtol=1e-6)
