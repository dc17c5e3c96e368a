"""The fused cells' in-place activations."""

import numpy as np

from nodes.recurrent.gates import sigmoid_in_place, sigmoid_slope, tanh_slope


def test_sigmoid_in_place_writes_into_a_strided_view_and_saturates_without_warnings():
    z = np.array([[-1000.0, -1.0, 0.0, 2.0, 1000.0, 5.0]], dtype=np.float32)
    expected = 1 / (1 + np.exp(-z[:, 1:4].astype(np.float64)))
    view = z[:, 1:4]
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is the right value
        out = sigmoid_in_place(view)
        ends = sigmoid_in_place(z[:, [0, 4]].copy())
    assert out is view and z.dtype == np.float32
    np.testing.assert_allclose(z[:, 1:4], expected, rtol=1e-6)
    np.testing.assert_array_equal(ends, [[0.0, 1.0]])
    assert z[0, 0] == -1000.0 and z[0, 5] == 5.0  # outside the view: untouched


def test_slopes_are_the_derivatives_from_the_values():
    x = np.linspace(-3, 3, 7)
    s, t = 1 / (1 + np.exp(-x)), np.tanh(x)
    eps = 1e-6
    np.testing.assert_allclose(sigmoid_slope(s), (1 / (1 + np.exp(-x - eps)) - 1 / (1 + np.exp(-x + eps))) / 2 / eps,
                               rtol=1e-6)
    np.testing.assert_allclose(tanh_slope(t), (np.tanh(x + eps) - np.tanh(x - eps)) / 2 / eps, rtol=1e-6)
