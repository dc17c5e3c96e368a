import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError
from nodes.array.getitem import ScatterLike
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

MASK = randn(3, 4, seed=5) > 0

CASES = [
    GradCase("getitem-int", lambda x: x[1], (randn(3, 4),)),
    GradCase("getitem-slices", lambda x: x[1:, ::2], (randn(3, 4),)),
    GradCase("getitem-ellipsis-newaxis", lambda x: x[..., None, -1], (randn(2, 3, 4),)),
    GradCase("getitem-negative-step", lambda x: x[::-1, 1:3], (randn(3, 4),)),
    GradCase("getitem-int-array-repeats", lambda x: x[np.array([0, 2, 0, 0])], (randn(3, 4),)),
    GradCase("getitem-list-index", lambda x: x[:, [3, 3, 1]], (randn(3, 4),)),
    GradCase("getitem-paired-arrays", lambda x: x[np.array([0, 1, 1]), np.array([2, 2, 2])], (randn(3, 4),)),
    GradCase("getitem-bool-mask", lambda x: x[MASK], (randn(3, 4),)),
    GradCase("getitem-mixed", lambda x: x[1:, np.array([0, 0])], (randn(3, 4, 2),)),
    GradCase("scatter-basic", lambda a, like: ScatterLike(a, like, (slice(1, None), 0)),
             (randn(2), randn(3, 4, seed=1)), wrt_inputs=(0,)),
    GradCase("scatter-repeats-add", lambda a, like: ScatterLike(a, like, np.array([0, 2, 0])),
             (randn(3, 4), randn(3, 4, seed=1)), wrt_inputs=(0,)),
]


@pytest.mark.parametrize(
    "index",
    [1, (slice(None), 2), (Ellipsis, None), np.array([2, 0]), [0, 0, 1], (np.array([0, 1]), np.array([1, 0])), MASK],
    ids=repr,
)
def test_values_match_numpy(index):
    x = randn(3, 4)
    expected = x[np.asarray(index) if isinstance(index, list) else index]
    np.testing.assert_array_equal(evaluate(lambda a: nd.getitem(a, index), x), expected)


def test_repeated_indices_accumulate_their_gradients():
    x = Input("x", requires_grad=True)
    graph = Graph(x[np.array([1, 1, 1, 0])])
    graph.forward(x=np.arange(6.0).reshape(3, 2))
    graph.backward(seed=np.ones((4, 2)), update=False)
    np.testing.assert_array_equal(x.grad, [[1, 1], [3, 3], [0, 0]])


def test_the_index_operator_makes_a_getitem_node():
    assert isinstance(Input("x")[0], nd.GetItem)


def test_static_shapes():
    assert Input("x", shape=(3, 4))[1:, [0, 0, 0]].shape == (2, 3)
    x = Input("x", shape=(None, 5, 4))
    assert x[:, 0].shape == (None, 4)
    assert x[..., None, 1:3].shape == (None, 5, 1, 2)
    assert x[0].shape == (5, 4)
    assert x[:3].shape == (None, 5, 4)  # 3 rows, or fewer for a smaller batch
    assert x[7].shape is None  # an error or not, depending on the batch
    assert x[:, [0, 0]].shape is None  # advanced indexing with an unknown batch is not inferred


def test_out_of_range_index_is_refused_when_wired():
    with pytest.raises(ShapeError, match="does not fit"):
        Input("x", shape=(3, 4))[:, 7]
