import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, ShapeError, default_dtype, hessian
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

LABELS = np.array([0, 2, 1, 2, 4])
IGNORING = np.array([0, -100, 1, 2, 3])  # the second row is ignored (PyTorch's default ignore_index)
WEIGHT = np.array([0.5, 2.0, 1.0, 0.25, 3.0])


def options(**kwargs):
    return lambda z, y: nd.softmax_cross_entropy(z, y, **kwargs)


CASES = [
    GradCase("sce", nd.softmax_cross_entropy, (randn(5, 5), LABELS)),
    GradCase("sce-label-smoothing", lambda z, y: nd.softmax_cross_entropy(z, y, smoothing=0.1), (randn(5, 5), LABELS)),
    GradCase("sce-large-logits", nd.softmax_cross_entropy, (randn(5, 5) * 50, LABELS)),
    GradCase("sce-after-linear-map", lambda x, w, y: nd.softmax_cross_entropy(x @ w, y),
             (randn(5, 3), randn(3, 5, seed=1), LABELS)),
    GradCase("sce-sum", options(reduction="sum"), (randn(5, 5), LABELS)),
    GradCase("sce-none", options(reduction="none"), (randn(5, 5), LABELS)),
    GradCase("sce-ignore", options(), (randn(5, 5), IGNORING)),
    GradCase("sce-weight", options(weight=WEIGHT), (randn(5, 5), LABELS)),
    GradCase("sce-all-options-mean", options(weight=WEIGHT, smoothing=0.2, ignore_index=3), (randn(5, 5), LABELS)),
    GradCase("sce-all-options-sum", options(weight=WEIGHT, smoothing=0.3, reduction="sum"), (randn(5, 5), IGNORING)),
    GradCase("sce-all-options-none", options(weight=WEIGHT, smoothing=0.1, reduction="none"), (randn(5, 5), IGNORING)),
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


def documented(z, labels, weight=None, smoothing=0.0, ignore_index=-100, reduction="mean"):
    """nn.CrossEntropyLoss as PyTorch documents it, in numpy: targets (1 - e) onehot + e / K, weighted per class."""
    n, k = z.shape
    w = np.ones(k) if weight is None else np.asarray(weight, dtype=float)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    kept = labels != ignore_index
    onehot = np.zeros((n, k))
    onehot[np.arange(n)[kept], labels[kept]] = 1
    targets = w * ((1 - smoothing) * onehot + smoothing / k) * kept[:, None]
    losses = -(targets * log_p).sum(axis=1)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / w[labels[kept]].sum()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weight", [None, WEIGHT], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("smoothing", [0.0, 0.15, 1.0])
@pytest.mark.parametrize("labels, ignore_index", [(LABELS, -100), (IGNORING, -100), (LABELS, 2)],
                         ids=["none-ignored", "default-ignore-index", "ignore-class-2"])
def test_options_together_match_the_documented_formula(reduction, weight, smoothing, labels, ignore_index):
    z = randn(5, 5, seed=4) * 2
    kwargs = dict(weight=weight, smoothing=smoothing, ignore_index=ignore_index, reduction=reduction)
    got = evaluate(options(**kwargs), z, labels)
    expected = documented(z, labels, **kwargs)
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_weighted_mean_divides_by_the_weights_of_the_kept_labels():
    # Two rows, labels 0 and 1 with weights 1 and 3: (1 * l0 + 3 * l1) / 4, not / 2.
    z = np.array([[1.0, 0.0], [0.0, 2.0]])
    got = evaluate(options(weight=[1.0, 3.0]), z, np.array([0, 1]))
    l0, l1 = np.log1p(np.exp(-1.0)), np.log1p(np.exp(-2.0))
    np.testing.assert_allclose(got, (l0 + 3 * l1) / 4, rtol=1e-14)


def test_ignored_rows_get_no_loss_and_no_gradient():
    z = randn(5, 5)
    with default_dtype(np.float64):
        zi, yi = Input("z", requires_grad=True), Input("y", dtype=np.int64)
        graph = Graph(nd.softmax_cross_entropy(zi, yi, reduction="none", smoothing=0.1))
    losses = graph.forward(z=z, y=IGNORING)
    graph.backward(update=False)
    assert losses[1] == 0 and np.all(zi.grad[1] == 0)
    assert np.all(losses[[0, 2, 3, 4]] > 0) and np.all(zi.grad[[0, 2, 3, 4]] != 0)


def test_every_row_ignored():
    z, labels = randn(2, 3), np.array([-100, -100])
    with np.errstate(all="raise"):
        assert np.isnan(evaluate(options(), z, labels))
        assert evaluate(options(reduction="sum"), z, labels) == 0


def test_ignore_index_none_refuses_negative_labels():
    with pytest.raises(ValueError, match="labels must lie in"):
        evaluate(options(ignore_index=None), randn(5, 5), IGNORING)


def test_class_weights_are_checked_when_wired():
    with pytest.raises(ShapeError, match="class weights"):
        nd.softmax_cross_entropy(Input("z", shape=(None, 5)), Input("y", shape=(None,), dtype=np.int64),
                                 weight=[1.0, 2.0])


def test_reduction_none_has_the_batch_shape():
    node = nd.softmax_cross_entropy(Input("z", shape=(None, 5)), Input("y", shape=(None,), dtype=np.int64),
                                    reduction="none")
    assert node.shape == (None,)


@pytest.mark.parametrize("kwargs", [{}, {"weight": [0.5, 2.0, 1.5], "smoothing": 0.2}],
                         ids=["plain", "weight-smoothing"])
def test_the_hessian_of_three_logits(kwargs):
    # One row of label 1: l = -sum_k t_k log p_k with t_k = w_k ((1 - e) [k = 1] + e / 3), divided by w_1 (mean).
    # Its Hessian in z is T (diag(p) - p p^T) / w_1, T = sum_k t_k: without options, diag(p) - p p^T.
    z0 = np.array([[0.2, -1.0, 0.7]])
    w, e = np.asarray(kwargs.get("weight", np.ones(3))), kwargs.get("smoothing", 0.0)
    with default_dtype(np.float64):
        z, y = Input("z", shape=(1, 3)), Input("y", shape=(1,), dtype=np.int64)
        loss = nd.softmax_cross_entropy(z, y, **kwargs)
    Graph(loss).forward(z=z0, y=np.array([1]))
    p = np.exp(z0[0]) / np.exp(z0[0]).sum()
    t = w * ((1 - e) * (np.arange(3) == 1) + e / 3)
    np.testing.assert_allclose(hessian(loss, z), t.sum() / w[1] * (np.diag(p) - np.outer(p, p)), atol=1e-12)
