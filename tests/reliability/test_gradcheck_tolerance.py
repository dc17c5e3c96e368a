"""gradcheck after training: tiny gradients pass within an absolute tolerance, and a failure says by how much.

An entry passes when |analytic - numeric| <= atol + tolerance * magnitude,
as numpy.isclose; the report of a failing array gives its worst entry's
relative and absolute errors against the two tolerances. A check changes
nothing: the parameters keep their float32 values and get no gradient.
"""

import numpy as np
import pytest

import autograd as ag
import nodes as nd


class Scaled(ag.Node):
    """f = c x, whose backward is off by `delta`: it sends (c + delta) g."""

    op = "scaled"

    def __init__(self, x, c, delta, name=None):
        self.c, self.delta = c, delta
        super().__init__(x, name=name)

    def forward(self, x):
        return self.c * x

    def backward(self, g):
        return ((self.c + self.delta) * g,)


@pytest.fixture(scope="module")
def trained():
    """A small tanh network trained to a loss near zero: its gradients are tiny."""
    rng = np.random.default_rng(0)
    points = rng.standard_normal((64, 2)).astype(np.float32)
    classes = (points[:, 0] * points[:, 1] > 0).astype(np.int64)
    x, y = ag.Input("x", shape=(None, 2)), ag.Input("y", shape=(None,), dtype=np.int64)
    logits = nd.Linear(16, 2, name="fc2", rng=rng)(nd.tanh(nd.Linear(2, 16, name="fc1", rng=rng)(x)))
    loss = nd.softmax_cross_entropy(logits, y)
    graph = ag.Graph(loss, rule=ag.Adam(lr=0.05))
    for _ in range(1500):
        graph.forward({x: points, y: classes})
        graph.backward()
    assert loss.value < 1e-3
    return graph, {x: points, y: classes}


def _snapshot(graph):
    return {p.name: p.value.copy() for p in graph.parameters}


def _unchanged(graph, before):
    for p in graph.parameters:
        assert p.value.dtype == np.float32 and p.grad is None
        np.testing.assert_array_equal(p.value, before[p.name])


def test_a_trained_network_passes_the_default_check_within_the_absolute_tolerance(trained):
    graph, feeds = trained
    before = _snapshot(graph)
    report = ag.gradcheck(graph, feeds)
    assert report.ok and report.atol == 1e-8 and "1.0e-08 absolute: ok" in str(report)
    largest = max(row[2] for row in report.rows)
    assert 0 < largest < 1e-8  # the analytic and numeric gradients differ by rounding only
    _unchanged(graph, before)


def test_the_same_check_with_a_purely_relative_tolerance_fails_and_says_the_relative_part_governs(trained):
    graph, feeds = trained
    before = _snapshot(graph)
    report = ag.gradcheck(graph, feeds, atol=0.0, raises=False)
    assert not report.ok
    name, why = next(iter(report.failures.items()))
    assert name in {row[0] for row in report.rows}
    assert "against atol 0.0e+00" in why and "(the relative tolerance is the larger part here)" in why
    with pytest.raises(ag.GradcheckError, match="gradient check failed"):
        ag.gradcheck(graph, feeds, atol=0.0)
    _unchanged(graph, before)


def test_a_wrong_backward_fails_with_its_relative_and_absolute_errors_worked_out():
    # analytic = (c + delta) R, numeric = c R (exactly, up to rounding: f is linear), so at every entry the
    # relative error is delta / (c + delta) and the absolute error delta |R|.
    c, delta = 2.0, 0.01
    x = np.random.default_rng(3).standard_normal((3, 4))
    report = ag.check_node(lambda a: Scaled(a, c, delta), x, raises=False)
    why = report.failures["x0"]
    analytic = float(why.split("analytic ")[1].split(",")[0])
    rel = float(why.split("relative error ")[1].split(" ")[0])
    absolute = float(why.split("absolute error ")[1].split(" ")[0])
    assert rel == pytest.approx(delta / (c + delta), rel=1e-3)
    assert absolute == pytest.approx(abs(analytic) * delta / (c + delta), rel=1e-3)
    assert f"{rel / 1e-5:.3g} times over" in why and f"{absolute / 1e-8:.3g} times over" in why
    assert why.startswith("12 of 12 entries off by more than 1.0e-08 + 1.0e-05 * |gradient|")
    assert "(the relative tolerance is the larger part here)" in why


def test_a_tiny_wrong_gradient_is_reported_with_the_absolute_tolerance_governing():
    # Gradients near 1e-9: the absolute tolerance is the larger part, and a looser atol lets the entry pass.
    c, delta = 1e-9, 1e-9
    x = np.random.default_rng(4).standard_normal((2, 3))
    why = ag.check_node(lambda a: Scaled(a, c, delta), x, raises=False, atol=1e-12).failures["x0"]
    assert "(the absolute tolerance is the larger part here)" in why
    rel = float(why.split("relative error ")[1].split(" ")[0])
    assert rel == pytest.approx(delta / (c + delta), rel=1e-3)
    assert ag.check_node(lambda a: Scaled(a, c, delta), x, atol=1e-8).ok


def test_existing_callers_keep_their_arguments_and_report_fields():
    x = np.random.default_rng(5).standard_normal((2, 3))
    report = ag.check_node(nd.tanh, x, eps=1e-6, tolerance=1e-5, seed=0)
    assert report.ok and report.tolerance == 1e-5 and report.failures == {}
    assert [row[0] for row in report.rows] == ["x0"] and report.worst < 1e-5
