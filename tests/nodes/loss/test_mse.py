import numpy as np
import pytest

import nodes as nd
from autograd import Input
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("mse-mean", nd.mse, (randn(4, 3), randn(4, 3, seed=1))),
    GradCase("mse-sum", lambda p, t: nd.mse(p, t, reduction="sum"), (randn(4, 3), randn(4, 3, seed=1))),
    GradCase("mse-none", lambda p, t: nd.mse(p, t, reduction="none"), (randn(2, 3), randn(2, 3, seed=1))),
    GradCase("mse-3d", nd.mse, (randn(2, 3, 4), randn(2, 3, 4, seed=1))),
    GradCase("mse-target-not-checked", nd.mse, (randn(5, 2), randn(5, 2, seed=1)), wrt_inputs=(0,)),
]


@pytest.mark.parametrize("reduction, reduce", [("mean", np.mean), ("sum", np.sum), ("none", lambda a: a)])
def test_values_match_numpy(reduction, reduce):
    p, t = randn(4, 3), randn(4, 3, seed=1)
    got = evaluate(lambda a, b: nd.mse(a, b, reduction=reduction), p, t)
    np.testing.assert_allclose(got, reduce((p - t) ** 2), rtol=1e-12)


def test_integer_targets_keep_float32():
    value = evaluate(nd.mse, randn(3, 2), np.array([[0, 1], [1, 0], [1, 1]]), dtype=np.float32)
    assert value.dtype == np.float32 and value.shape == ()


def test_static_shape_and_bad_reduction():
    assert nd.mse(Input("p", shape=(None, 3)), Input("t", shape=(None, 3))).shape == ()
    assert nd.mse(Input("p", shape=(None, 3)), Input("t", shape=(None, 3)), reduction="none").shape == (None, 3)
    with pytest.raises(ValueError, match="reduction"):
        nd.mse(Input("p"), Input("t"), reduction="max")
