"""The one update path: clipping, per parameter and over the whole step, and what it reports."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.update import apply_update, clipped, global_norm


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
