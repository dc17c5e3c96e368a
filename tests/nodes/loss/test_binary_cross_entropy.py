import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError, default_dtype
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

TARGETS = np.random.default_rng(7).uniform(0, 1, (4, 3))
HARD = (randn(4, 3, seed=8) > 0).astype(np.float64)
POS = np.array([0.5, 3.0, 1.5])  # one weight per class (the last axis)

CASES = [
    GradCase("bce-mean-soft-targets", nd.binary_cross_entropy_with_logits, (randn(4, 3) * 2, TARGETS)),
    GradCase("bce-sum-hard-targets", lambda z, t: nd.binary_cross_entropy_with_logits(z, t, reduction="sum"),
             (randn(4, 3), HARD)),
    GradCase("bce-none", lambda z, t: nd.binary_cross_entropy_with_logits(z, t, reduction="none"),
             (randn(4, 3), TARGETS)),
    GradCase("bce-3d", nd.binary_cross_entropy_with_logits, (randn(2, 4, 3), np.stack([TARGETS, 1 - TARGETS]))),
    GradCase("bce-logits-only", nd.binary_cross_entropy_with_logits, (randn(4, 3), HARD), wrt_inputs=(0,)),
    GradCase("bce-pos-weight-per-class", lambda z, t: nd.binary_cross_entropy_with_logits(z, t, pos_weight=POS),
             (randn(4, 3) * 2, TARGETS)),
    GradCase("bce-pos-weight-sum-broadcast", lambda z, t: nd.binary_cross_entropy_with_logits(
        z, t, reduction="sum", pos_weight=POS), (randn(2, 4, 3), np.stack([TARGETS, TARGETS[::-1]]))),
    GradCase("bce-pos-weight-none", lambda z, t: nd.binary_cross_entropy_with_logits(
        z, t, reduction="none", pos_weight=2.5), (randn(4, 3), HARD)),
]


def reference(z, t, pos_weight=1.0):
    """PyTorch's documented l = -(q t log s(z) + (1 - t) log(1 - s(z))), computed naively."""
    p = 1 / (1 + np.exp(-z))
    return -(pos_weight * t * np.log(p) + (1 - t) * np.log(1 - p))


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


@pytest.mark.parametrize("reduction, reduce", [("mean", np.mean), ("sum", np.sum), ("none", lambda a: a)])
@pytest.mark.parametrize("pos_weight", [POS, 4.0, np.ones(3)], ids=["per-class", "scalar", "ones"])
def test_pos_weight_matches_the_definition(reduction, reduce, pos_weight):
    z = randn(4, 3) * 3
    got = evaluate(lambda a, b: nd.binary_cross_entropy_with_logits(a, b, reduction=reduction, pos_weight=pos_weight),
                   z, TARGETS)
    np.testing.assert_allclose(got, reduce(reference(z, TARGETS, pos_weight)), rtol=1e-10)


def test_pos_weight_gradients_match_the_definition():
    # d l / dz = (1 + (q - 1) t) s(z) - q t and d l / dt = -(q log s(z) - log(1 - s(z))), elementwise.
    z = randn(4, 3) * 2
    with default_dtype(np.float64):
        zi, ti = Input("z", requires_grad=True), Input("t", requires_grad=True)
        graph = Graph(nd.binary_cross_entropy_with_logits(zi, ti, reduction="sum", pos_weight=POS))
    graph.forward(z=z, t=TARGETS)
    graph.backward(update=False)
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(zi.grad, (1 + (POS - 1) * TARGETS) * s - POS * TARGETS, rtol=1e-12)
    np.testing.assert_allclose(ti.grad, -(POS * np.log(s) - np.log(1 - s)), rtol=1e-12)


def test_pos_weight_with_large_logits_is_stable():
    z = np.array([[1000.0, -1000.0, 1000.0, -1000.0]])
    t = np.array([[1.0, 0.0, 0.0, 1.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        losses = evaluate(lambda a, b: nd.binary_cross_entropy_with_logits(a, b, reduction="none", pos_weight=3.0),
                          z, t, dtype=np.float32)
    np.testing.assert_allclose(losses, [[0.0, 0.0, 1000.0, 3000.0]])


def test_pos_weight_shape_is_checked_when_wired():
    with pytest.raises(ShapeError, match="pos_weight"):
        nd.binary_cross_entropy_with_logits(Input("z", shape=(None, 3)), Input("t", shape=(None, 3)),
                                            pos_weight=np.ones(4))
