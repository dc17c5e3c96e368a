"""The gradient checker passes right backwards and catches wrong ones."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd


class Cube(ag.Node):
    """f = x^3; backward 3 x^2 g (right) or 2 x^2 g (wrong, when `broken`)."""

    op = "cube"

    def __init__(self, x, broken=False, name=None):
        self.broken = broken
        super().__init__(x, name=name)

    def forward(self, x):
        self.x = x
        return x**3

    def backward(self, g):
        return ((2 if self.broken else 3) * self.x**2 * g,)


def test_a_right_backward_passes_with_a_tiny_error():
    report = ag.check_node(Cube, np.random.default_rng(0).standard_normal((3, 4)))
    assert report.ok and report.worst < 1e-6
    assert "x0" in str(report)


def test_a_wrong_backward_fails_and_the_report_says_where():
    with pytest.raises(ag.GradcheckError, match="x0.*FAILS"):
        ag.check_node(lambda x: Cube(x, broken=True), np.ones((2, 2)))
    report = ag.check_node(lambda x: Cube(x, broken=True), np.ones((2, 2)), raises=False)
    assert not report.ok and report.worst > 0.1


def test_parameters_are_checked_and_restored_in_their_own_dtype():
    w = ag.Parameter(np.random.default_rng(1).standard_normal((3, 2)), name="w")
    x = ag.Input("x", shape=(None, 3))
    graph = ag.Graph(Cube(x @ w))
    before = w.value.copy()
    report = ag.gradcheck(graph, {x: np.random.default_rng(2).standard_normal((4, 3))})
    assert [row[0] for row in report.rows] == ["x", "w"] and report.ok
    assert w.value.dtype == np.float32 and x.dtype == np.float32
    np.testing.assert_array_equal(w.value, before)


def test_a_wrong_parameter_gradient_is_caught():
    w = ag.Parameter(np.ones(3), name="w")
    graph = ag.Graph(Cube(w * 1.5, broken=True))
    with pytest.raises(ag.GradcheckError, match="w"):
        ag.gradcheck(graph, {})


def test_broadcast_addends_are_checked_after_the_engine_reduces_them():
    report = ag.check_node(nd.mul, np.ones((4, 3)) * 0.5, np.arange(3.0))
    assert report.ok


def test_asking_to_check_a_frozen_parameter_is_refused_by_name():
    w = ag.Parameter(np.ones(3), name="w", frozen=True)
    x = ag.Input("x", shape=(3,))
    with pytest.raises(ValueError, match=r"frozen parameters \['w'\]"):
        ag.gradcheck(nd.sum(x * w), {"x": np.ones(3)}, wrt=[x, w])


def test_second_order_checks_pass_for_correct_backward_passes_built_of_nodes():
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    report = ag.check_node(lambda a, b: nd.sum(nd.tanh(a @ b) * nd.sigmoid(a @ b)), x, w, order=2)
    assert report.ok and [row[0] for row in report.rows] == ["x0", "x1"]


def test_a_wrong_backward_built_of_nodes_fails_the_second_order_check(monkeypatch):
    from nodes.activation.tanh import Tanh

    monkeypatch.setattr(Tanh, "vjp", lambda self, g: (g + g * (self * self),))  # 1 + f^2 instead of 1 - f^2
    x = np.random.default_rng(8).standard_normal((3, 4))
    report = ag.check_node(lambda a: nd.tanh(a * a), x, order=2, raises=False)
    assert not report.ok
    with pytest.raises(ag.GradcheckError, match="second-order gradient check failed"):
        ag.check_node(lambda a: nd.tanh(a * a), x, order=2)


def test_only_orders_one_and_two_are_checked():
    with pytest.raises(ValueError, match="order 1 or 2"):
        ag.check_node(nd.tanh, np.ones((2, 2)), order=3)


def test_tiny_gradients_pass_within_the_absolute_tolerance():
    # A saturated tanh, as after training: gradients near 1e-12, where finite differences are all rounding.
    x = np.full((2, 3), 14.0)
    report = ag.check_node(lambda a: nd.tanh(a) * 1e3, x)
    assert report.ok, report
    assert report.atol == 1e-8 and "1.0e-08 absolute" in str(report)


def test_a_failure_says_which_entries_and_by_how_much():
    report = ag.check_node(lambda a: Cube(a, broken=True), np.array([[1.0, 2.0]]), raises=False)
    why = report.failures["x0"]
    assert why.startswith("2 of 2 entries off by more than 1.0e-08 + 1.0e-05 * |gradient|; worst at (0, 1): ")
    analytic, numeric = (float(why.split(f"{word} ")[1].split(",")[0]) for word in ("analytic", "numeric"))
    assert analytic / numeric == pytest.approx(2 / 3, rel=1e-6)  # the broken cube's 2 x^2 against 3 x^2
    assert why in str(report)
