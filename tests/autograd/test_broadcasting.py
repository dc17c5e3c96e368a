"""SumTo and BroadcastTo: the engine's unbroadcasting as nodes, each the other's adjoint."""

import numpy as np
import pytest

import autograd as ag
import nodes  # noqa: F401 - second-order checks build their sums with the node library
from autograd.broadcasting import BroadcastTo, SumTo, sum_to

RNG = np.random.default_rng(0)
A, LIKE = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((3, 1))


def test_sum_to_sums_over_added_and_stretched_axes():
    with ag.default_dtype(np.float64):
        a, like = ag.Input("a", shape=A.shape), ag.Input("like", shape=LIKE.shape)
        out = SumTo(a, like)
    assert out.shape == (3, 1)
    np.testing.assert_allclose(ag.Graph(out).forward(a=A, like=LIKE), A.sum(axis=0).sum(axis=1, keepdims=True))


def test_broadcast_to_stretches_to_the_shape_of_like():
    with ag.default_dtype(np.float64):
        a, like = ag.Input("a", shape=LIKE.shape), ag.Input("like", shape=A.shape)
        out = BroadcastTo(a, like)
    np.testing.assert_array_equal(ag.Graph(out).forward(a=LIKE, like=A), np.broadcast_to(LIKE, A.shape))


@pytest.mark.parametrize("order", [1, 2])
def test_both_check_to_second_order(order):
    assert ag.check_node(lambda a, like: SumTo(a, like) * 2.0, A, LIKE, order=order).ok
    assert ag.check_node(lambda a, like: BroadcastTo(a, like) * 2.0, LIKE, A, order=order).ok


def test_sum_to_is_skipped_when_the_static_shapes_already_agree():
    a, b = ag.Input("a", shape=(2, 3)), ag.Input("b", shape=(2, 3))
    assert sum_to(a, b) is a
    assert isinstance(sum_to(ag.Input("c", shape=(None, 3)), ag.Input("d", shape=(None, 3))), SumTo)
