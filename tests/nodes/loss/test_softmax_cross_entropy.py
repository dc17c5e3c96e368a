import numpy as np
import pytest

import nodes as nd
from autograd import Input, ShapeError
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

LABELS = np.array([0, 2, 1, 2, 4])

CASES = [
    GradCase("sce", nd.softmax_cross_entropy, (randn(5, 5), LABELS)),
    GradCase("sce-label-smoothing", lambda z, y: nd.softmax_cross_entropy(z, y, smoothing=0.1), (randn(5, 5), LABELS)),
    GradCase("sce-large-logits", nd.softmax_cross_entropy, (randn(5, 5) * 50, LABELS)),
    GradCase("sce-after-linear-map", lambda x, w, y: nd.softmax_cross_entropy(x @ w, y),
             (randn(5, 3), randn(3, 5, seed=1), LABELS)),
]


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_value_matches_the_definition(smoothing):
    z = randn(5, 5)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    target = np.full((5, 5), smoothing / 5) + (1 - smoothing) * np.eye(5)[LABELS]
    expected = -(target * log_p).sum(axis=1).mean()
    got = evaluate(lambda a, y: nd.softmax_cross_entropy(a, y, smoothing=smoothing), z, LABELS)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_large_logits_without_overflow():
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = evaluate(nd.softmax_cross_entropy, z, np.array([0, 0]), dtype=np.float32)
    np.testing.assert_allclose(loss, 1000.0)  # (0 + 2000) / 2


def test_shapes_are_checked_when_wired():
    with pytest.raises(ShapeError, match="labels"):
        nd.softmax_cross_entropy(Input("z", shape=(None, 5)), Input("y", shape=(None, 5)))
