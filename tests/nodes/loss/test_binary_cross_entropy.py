import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

TARGETS = np.random.default_rng(7).uniform(0, 1, (4, 3))
HARD = (randn(4, 3, seed=8) > 0).astype(np.float64)

CASES = [
    GradCase("bce-mean-soft-targets", nd.binary_cross_entropy_with_logits, (randn(4, 3) * 2, TARGETS)),
    GradCase("bce-sum-hard-targets", lambda z, t: nd.binary_cross_entropy_with_logits(z, t, reduction="sum"),
             (randn(4, 3), HARD)),
    GradCase("bce-none", lambda z, t: nd.binary_cross_entropy_with_logits(z, t, reduction="none"),
             (randn(4, 3), TARGETS)),
    GradCase("bce-broadcast-targets", nd.binary_cross_entropy_with_logits, (randn(2, 4, 3), TARGETS)),
    GradCase("bce-logits-only", nd.binary_cross_entropy_with_logits, (randn(4, 3), HARD), wrt_inputs=(0,)),
]


def reference(z, t):
    p = 1 / (1 + np.exp(-z))
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


@pytest.mark.parametrize("reduction, reduce", [("mean", np.mean), ("sum", np.sum), ("none", lambda a: a)])
def test_values_match_the_definition(reduction, reduce):
    z = randn(4, 3) * 3
    got = evaluate(lambda a, b: nd.binary_cross_entropy_with_logits(a, b, reduction=reduction), z, TARGETS)
    np.testing.assert_allclose(got, reduce(reference(z, TARGETS)), rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_logits_are_stable(dtype):
    z = np.array([[1000.0, -1000.0, 1000.0, -1000.0]])
    t = np.array([[1.0, 0.0, 0.0, 1.0]])
    zi, ti = Input("z", requires_grad=True, dtype=dtype), Input("t", dtype=dtype)
    graph = Graph(nd.binary_cross_entropy_with_logits(zi, ti, reduction="none"))
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        losses = graph.forward(z=z, t=t)
        graph.backward(update=False)
    # Right and confident: loss 0, gradient 0. Wrong and confident: loss |z|, gradient +-1.
    np.testing.assert_allclose(losses, [[0.0, 0.0, 1000.0, 1000.0]])
    np.testing.assert_allclose(zi.grad, [[0.0, 0.0, 1.0, -1.0]])
    assert losses.dtype == zi.grad.dtype == dtype


def test_integer_targets_keep_float32():
    value = evaluate(nd.binary_cross_entropy_with_logits, randn(3, 2), np.array([[0, 1], [1, 0], [1, 1]]),
                     dtype=np.float32)
    assert value.dtype == np.float32
