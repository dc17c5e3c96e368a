import math

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate


def linear(in_features, out_features, **kwargs):
    """A factory wiring a fresh Linear layer (seeded init) on its input."""

    def build(x):
        return nd.Linear(in_features, out_features, rng=np.random.default_rng(0), **kwargs)(x)

    return build


def tied_linear(x):
    """One layer called twice: the parameters get the sum of both addends."""
    layer = nd.Linear(3, 3, name="tied", init="xavier", rng=np.random.default_rng(1))
    return nd.tanh(layer(nd.tanh(layer(x))))


CASES = [
    GradCase("linear-2d", linear(4, 3), (randn(5, 4),)),
    GradCase("linear-3d-tokens", linear(4, 2, init="xavier"), (randn(2, 3, 4),)),
    GradCase("linear-no-bias", linear(3, 2, bias=False), (randn(4, 3),)),
    GradCase("linear-tied-twice", tied_linear, (randn(4, 3),)),
]


def test_value_is_x_times_weight_plus_bias():
    layer = nd.Linear(4, 3, rng=np.random.default_rng(0))
    layer.bias.value[:] = [1.0, -2.0, 0.5]
    x = randn(5, 4)
    expected = x @ layer.weight.value.astype(np.float64) + layer.bias.value
    np.testing.assert_allclose(evaluate(layer, x), expected, rtol=1e-5)


def test_parameters_are_named_in_the_layer_scope():
    layer = nd.Linear(4, 3, name="fc1")
    graph = Graph(layer(Input("x")))
    assert sorted(p.name for p in graph.parameters) == ["fc1.bias", "fc1.weight"]
    assert layer.parameters() == [layer.weight, layer.bias]
    assert layer.bias.value.shape == (3,) and np.all(layer.bias.value == 0)


def test_he_init_has_std_sqrt_2_over_fan_in():
    w = nd.Linear(400, 300, init="he", rng=np.random.default_rng(0)).weight.value
    assert w.dtype == np.float32 and w.shape == (400, 300)
    assert abs(w.mean()) < 0.01 * math.sqrt(2 / 400)
    assert w.std() == pytest.approx(math.sqrt(2 / 400), rel=0.01)


def test_xavier_init_is_uniform_within_the_glorot_bound():
    bound = math.sqrt(6 / (400 + 300))
    w = nd.Linear(400, 300, init="xavier", rng=np.random.default_rng(0)).weight.value
    assert w.min() >= -bound and w.max() <= bound
    assert w.min() < -0.99 * bound and w.max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)  # the std of U(-b, b)


def test_unknown_init_is_refused():
    with pytest.raises(ValueError, match="unknown init"):
        nd.Linear(2, 2, init="zeros")


def test_initial_weight_and_bias_are_used_and_copied():
    w, b = randn(4, 3), randn(3, seed=1)
    layer = nd.Linear(4, 3, weight=w, bias=b)
    x = randn(5, 4, seed=2)
    np.testing.assert_allclose(evaluate(lambda v: layer(v), x), x @ w + b, rtol=1e-6)
    w[0, 0] += 1  # the layer holds its own copy
    assert layer.weight.value[0, 0] != w[0, 0]


def test_from_torch_takes_the_out_in_layout():
    # nn.Linear(4, 3): weight (3, 4), y = x W^T + b.
    w, b = randn(3, 4), randn(3, seed=1)
    layer = nd.Linear.from_torch(w, b, name="fc")
    assert (layer.in_features, layer.out_features) == (4, 3) and layer.weight.value.shape == (4, 3)
    x = randn(5, 4, seed=2)
    np.testing.assert_allclose(evaluate(lambda v: layer(v), x), x @ w.T + b, rtol=1e-6)
    assert nd.Linear.from_torch(w).bias is None


def test_initial_values_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match=r"initial weight of shape \(3, 4\), expected \(4, 3\)"):
        nd.Linear(4, 3, weight=np.zeros((3, 4)), name="fc")
    with pytest.raises(ValueError, match="initial bias"):
        nd.Linear(4, 3, bias=np.zeros(4))
