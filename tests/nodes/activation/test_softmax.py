import numpy as np
import pytest

import nodes as nd
from autograd import FeedError, Graph, Input, ShapeError
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

# A causal mask (T = 4) broadcast over the batch, and a mask with one fully masked row.
CAUSAL = np.tril(np.ones((4, 4), dtype=bool))
ROW_MASKED = np.array([[True, False, True], [False, False, False], [True, True, False]])


def reference_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


CASES = [
    GradCase("softmax-last-axis", nd.softmax, (randn(3, 5),)),
    GradCase("softmax-axis0", lambda x: nd.softmax(x, axis=0), (randn(3, 5),)),
    GradCase("softmax-3d-middle-axis", lambda x: nd.softmax(x, axis=1), (randn(2, 3, 4),)),
    GradCase("softmax-causal-mask", lambda x: nd.softmax(x, mask=CAUSAL), (randn(2, 4, 4),)),
    GradCase("softmax-fully-masked-row", lambda x: nd.softmax(x, mask=ROW_MASKED), (randn(3, 3),)),
    GradCase("softmax-mask-on-axis0", lambda x: nd.softmax(x, axis=0, mask=ROW_MASKED), (randn(3, 3),)),
    GradCase("softmax-broadcast-input", lambda a, b: nd.softmax(a + b), (randn(3, 4), randn(4, seed=1))),
    GradCase("log-softmax-last-axis", nd.log_softmax, (randn(3, 5),)),
    GradCase("log-softmax-axis0", lambda x: nd.log_softmax(x, axis=0), (randn(2, 3, 4),)),
    # Masked entries are -inf: select the kept ones before the check sums them.
    GradCase("log-softmax-causal-mask", lambda x: nd.log_softmax(x, mask=CAUSAL)[:, CAUSAL], (randn(2, 4, 4),)),
    GradCase("log-softmax-fully-masked-row", lambda x: nd.log_softmax(x, mask=ROW_MASKED)[ROW_MASKED],
             (randn(3, 3),)),
    # The mask as a boolean input fed with the values (it gets no gradient).
    GradCase("softmax-fed-mask", lambda x, m: nd.softmax(x, mask=m), (randn(3, 3), ROW_MASKED)),
    GradCase("log-softmax-fed-mask", lambda x, m: nd.log_softmax(x, mask=m)[:, CAUSAL],
             (randn(2, 4, 4), np.broadcast_to(CAUSAL, (2, 4, 4)))),
]


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_values_match_numpy(axis):
    x = randn(3, 4, 5)
    np.testing.assert_allclose(evaluate(lambda a: nd.softmax(a, axis=axis), x), reference_softmax(x, axis), rtol=1e-12)
    np.testing.assert_allclose(
        evaluate(lambda a: nd.log_softmax(a, axis=axis), x), np.log(reference_softmax(x, axis)), rtol=1e-12
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_inputs_without_overflow(dtype):
    x = np.array([[1000.0, 1000.0, -1000.0], [-1000.0, -1001.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        p = evaluate(nd.softmax, x, dtype=dtype)
        log_p = evaluate(nd.log_softmax, x, dtype=dtype)
    assert p.dtype == log_p.dtype == dtype
    np.testing.assert_allclose(p[0], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(p[1], reference_softmax(np.array([0.0, -1.0, 0.0]), 0), rtol=1e-6)
    np.testing.assert_allclose(log_p[0, :2], np.log(0.5), rtol=1e-6)
    assert log_p[0, 2] < -1999


def test_masked_entries_get_probability_zero_and_no_gradient():
    x = Input("x", requires_grad=True)
    p = nd.softmax(x, mask=CAUSAL)
    graph = Graph(p)
    scores = randn(2, 4, 4, seed=3) * 10
    value = graph.forward(x=scores)
    assert np.all(value[:, ~CAUSAL] == 0.0)
    np.testing.assert_allclose(value.sum(axis=-1), 1.0, rtol=1e-6)
    # The kept entries are the softmax of the kept scores alone.
    np.testing.assert_allclose(value[:, 1, :2], reference_softmax(scores[:, 1, :2], -1), rtol=1e-5)
    graph.backward(seed=randn(2, 4, 4, seed=4), update=False)
    assert np.all(x.grad[:, ~CAUSAL] == 0.0)


def test_fully_masked_row_gives_zeros_not_nan():
    x = Input("x", requires_grad=True)
    graph = Graph(nd.softmax(x, mask=ROW_MASKED), nd.log_softmax(x, mask=ROW_MASKED))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p, log_p = graph.forward(x=randn(3, 3))
        graph.backward(seed=[np.ones((3, 3)), np.where(ROW_MASKED, 1.0, 0.0)], update=False)
    np.testing.assert_array_equal(p[1], 0.0)
    assert np.all(log_p[1] == -np.inf) and np.all(np.isfinite(log_p[ROW_MASKED]))
    np.testing.assert_array_equal(x.grad[1], 0.0)
    assert np.all(np.isfinite(x.grad))


def test_mask_must_be_boolean_and_broadcast_to_the_input():
    x = Input("x", shape=(None, 4, 4))
    with pytest.raises(TypeError, match="boolean"):
        nd.softmax(x, mask=np.ones((4, 4)))
    with pytest.raises(ShapeError, match="broadcast"):
        nd.softmax(x, mask=np.ones((3, 4), dtype=bool))
    assert nd.softmax(x, mask=CAUSAL).shape == (None, 4, 4)
    # Checked again at run time, when the shapes were not known at wiring.
    graph = Graph(nd.softmax(Input("x"), mask=np.ones((2, 4, 4), dtype=bool)))
    with pytest.raises(ShapeError, match="broadcast"):
        graph.forward(x=randn(4, 4))


def test_a_fed_mask_changes_from_pass_to_pass_and_fits_any_batch_size():
    x = Input("x", shape=(None, 3))
    keep = Input("keep", shape=(None, 3), dtype=bool)
    graph = Graph(nd.softmax(x, mask=keep))
    values = np.log(np.array([[1.0, 2.0, 1.0], [1.0, 1.0, 2.0]]))
    first = graph.forward(x=values, keep=np.array([[True, True, False], [True, True, True]]))
    np.testing.assert_allclose(first, [[1 / 3, 2 / 3, 0], [0.25, 0.25, 0.5]], rtol=1e-6)
    second = graph.forward(x=values[:1], keep=np.array([[False, True, True]]))
    np.testing.assert_allclose(second, [[0, 2 / 3, 1 / 3]], rtol=1e-6)
    with pytest.raises(FeedError, match="expects bool"):
        graph.forward(x=values, keep=np.ones((2, 3)))
    loose = Input("loose", dtype=bool)  # no declared shape: the node itself checks the fed mask
    graph = Graph(nd.softmax(x, mask=loose, name="p"))
    with pytest.raises(ShapeError, match=r"'p' \(softmax\).*mask of shape \(1, 2\) does not broadcast"):
        graph.forward(x=values[:1], loose=np.ones((1, 2), bool))


def test_a_per_sample_mask_fits_an_input_whose_batch_size_is_unknown():
    x = Input("x", shape=(None, 2, 4, 4))
    assert nd.softmax(x, mask=np.ones((2, 1, 1, 4), bool)).shape == (None, 2, 4, 4)
    assert nd.softmax(x, mask=Input("m", shape=(None, 1, 1, 4), dtype=bool)).shape == (None, 2, 4, 4)
    with pytest.raises(ShapeError, match="does not broadcast"):
        nd.softmax(x, mask=Input("m2", shape=(None, 1, 1, 3), dtype=bool))
