"""The one update path: weight decay by the rule's kind, then the rule's step with the parameter's state."""

import dataclasses

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.update import apply_update, clipped, global_norm


@dataclasses.dataclass(frozen=True)
class Recording(ag.Rule):
    """A rule whose step records what it was given and moves w by -lr g, for the tests."""

    lr: float = 0.5
    weight_decay: float = 0.0
    decoupled: bool = False
    calls: list = dataclasses.field(default_factory=list, compare=False)

    @property
    def decoupled_decay(self):
        return self.decoupled

    def step(self, w, g, state, lr):
        self.calls.append((w.copy(), np.array(g), state, lr))
        w -= lr * g


def _param():
    return ag.Parameter([2.0, -4.0], name="w", dtype=np.float64)


def test_without_decay_the_rule_steps_with_the_gradient_the_state_and_its_lr():
    p, rule, grad = _param(), Recording(), np.array([1.0, 1.0])
    apply_update(p, grad, rule)
    (w, g, state, lr), = rule.calls
    assert w.tolist() == [2.0, -4.0] and g.tolist() == [1.0, 1.0] and state is p.state and lr == 0.5
    assert p.value.tolist() == [1.5, -4.5]


def test_coupled_decay_adds_wd_w_to_the_gradient_without_writing_into_it():
    p, rule, grad = _param(), Recording(weight_decay=0.25), np.array([1.0, 1.0])
    apply_update(p, grad, rule)
    (w, g, _, _), = rule.calls
    assert g.tolist() == [1.0 + 0.25 * 2.0, 1.0 + 0.25 * -4.0]
    assert grad.tolist() == [1.0, 1.0]  # the caller's gradient (param.grad) is left as it was
    assert p.value.tolist() == [2.0 - 0.5 * 1.5, -4.0 - 0.5 * 0.0]


def test_decoupled_decay_shrinks_w_by_one_minus_lr_wd_before_the_step():
    p, rule = _param(), Recording(weight_decay=0.25, decoupled=True)
    apply_update(p, np.array([1.0, 1.0]), rule)
    (w, g, _, _), = rule.calls
    shrink = 1 - 0.5 * 0.25
    assert w.tolist() == [2.0 * shrink, -4.0 * shrink] and g.tolist() == [1.0, 1.0]
    assert p.value.tolist() == [2.0 * shrink - 0.5, -4.0 * shrink - 0.5]


def test_the_value_is_changed_in_place():
    p = _param()
    before = p.value
    apply_update(p, np.array([1.0, 1.0]), ag.SGD(lr=0.1, weight_decay=0.1))
    assert p.value is before
    np.testing.assert_allclose(p.value, [2.0 - 0.1 * (1.0 + 0.2), -4.0 - 0.1 * (1.0 - 0.4)])


def test_clip_value_clips_each_entry_then_clip_norm_scales_the_whole_gradient():
    g = np.array([3.0, -4.0, 0.5])
    np.testing.assert_array_equal(clipped(g, clip_value=1.0), [1.0, -1.0, 0.5])
    np.testing.assert_allclose(clipped(g, clip_norm=1.0), g / (np.sqrt(9 + 16 + 0.25) + 1e-6))
    np.testing.assert_array_equal(clipped(g, clip_norm=10.0), g)  # below the bound: unchanged
    np.testing.assert_allclose(clipped(g, clip_value=1.0, clip_norm=1.0), np.array([1, -1, 0.5]) / (1.5 + 1e-6))


def test_a_rule_s_clipping_applies_before_its_step():
    w = ag.Parameter([0.0, 0.0], name="w", dtype=np.float64)
    apply_update(w, np.array([30.0, -40.0]), ag.SGD(lr=1.0, clip_norm=5.0))
    np.testing.assert_allclose(w.value, [-3.0, 4.0], rtol=1e-6)
    apply_update(w, np.array([30.0, -0.5]), ag.SGD(lr=1.0, clip_value=1.0))
    np.testing.assert_allclose(w.value, [-4.0, 4.5], rtol=1e-6)


def _two_parameter_graph():
    a = ag.Parameter([3.0], name="a", dtype=np.float64)
    b = ag.Parameter([4.0], name="b", dtype=np.float64)
    return ag.Graph(nd.sum(a * a) / 2 + nd.sum(b * b) / 2, rule=ag.SGD(lr=1.0)), a, b  # gradients 3 and 4


def test_global_clipping_scales_every_gradient_by_the_total_norm_and_reports_it():
    graph, a, b = _two_parameter_graph()
    graph.forward()
    report = graph.backward(clip_norm=1.0)
    assert report.grad_norm == pytest.approx(5.0) and report.scale == pytest.approx(1 / (5 + 1e-6))
    assert report.updated == 2 and report.step == 0 and graph.updates == 1
    np.testing.assert_allclose([a.value[0], b.value[0]], [3 - 0.6, 4 - 0.8], rtol=1e-6)
    np.testing.assert_allclose([a.grad[0], b.grad[0]], [3.0, 4.0])  # the gradients as computed stay readable


def test_global_clipping_below_the_bound_changes_nothing():
    graph, a, b = _two_parameter_graph()
    graph.forward()
    report = graph.backward(clip_norm=100.0)
    assert report.scale == 1.0
    np.testing.assert_allclose([a.value[0], b.value[0]], [0.0, 0.0], atol=1e-12)


def test_accumulated_gradients_are_clipped_once_as_a_whole():
    graph, a, b = _two_parameter_graph()
    for _ in range(2):
        graph.forward()
        graph.backward(update=False, accumulate=True)
    report = graph.apply_updates(clip_norm=5.0)
    assert report.grad_norm == pytest.approx(10.0) and graph.updates == 1
    np.testing.assert_allclose([a.value[0], b.value[0]], [3 - 3.0, 4 - 4.0], atol=1e-5)


def test_without_global_clipping_no_norm_is_computed():
    graph, _, _ = _two_parameter_graph()
    graph.forward()
    report = graph.backward()
    assert report.grad_norm is None and report.scale == 1.0
    graph.forward()
    assert graph.backward(update=False) is None


def test_the_global_norm_sums_in_float64():
    big = np.full(4, 3e19, dtype=np.float32)  # its square overflows float32
    assert global_norm([big]) == pytest.approx(6e19, rel=1e-6)
