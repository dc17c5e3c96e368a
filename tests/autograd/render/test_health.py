"""Health flags and the norms behind them, each array looked at once."""

import numpy as np
import pytest

import nodes as nd
from autograd import Input, Parameter
from autograd.render import Thresholds, health


def test_norms_of_arrays_that_overflow_or_underflow_float32():
    big = np.full(4, 1e30, dtype=np.float32)  # its float32 sum of squares overflows
    assert health.norm(big) == pytest.approx(2e30, rel=1e-6)
    tiny = np.full(4, 1e-25, dtype=np.float32)  # its float32 squares underflow to 0
    assert health.norm(tiny) == pytest.approx(2e-25, rel=1e-6)
    assert np.isnan(health.norm(np.array([1.0, np.nan]))) and health.norm(np.array([1.0, -np.inf])) == np.inf
    with np.errstate(all="ignore"):
        assert not health.Summary(np.array([np.inf])).finite
        huge = health.Summary(np.full(2, 1e200))  # finite, but its squares overflow even float64
        assert huge.finite and huge.norm == pytest.approx(np.sqrt(2) * 1e200)


def test_a_summary_has_size_rms_mean_and_std():
    s = health.Summary(np.array([3.0, -4.0]))
    assert (s.size, s.norm, s.rms) == (2, 5.0, pytest.approx(5 / np.sqrt(2)))
    assert s.mean_std() == (pytest.approx(-0.5), pytest.approx(3.5))
    empty = health.Summary(np.zeros(0))
    assert (empty.norm, empty.rms, empty.mean_std()) == (0.0, 0.0, (0.0, 0.0))
    assert health.Summary(np.array([1, 2], dtype=np.int64)).norm == pytest.approx(np.sqrt(5))


def test_stats_summarise_each_array_once():
    stats = health.Stats()
    a, b = np.ones(3), np.ones(3)
    assert stats.of(a) is stats.of(a) and stats.of(a) is not stats.of(b)


def test_value_finiteness():
    assert health.value_is_finite(None) and health.value_is_finite(np.array([1, 2]))
    assert not health.value_is_finite(np.array([1.0, np.nan]))
    with np.errstate(all="ignore"):
        assert health.value_is_finite(np.array([1e308, 1e308]))  # the sum overflows, the values do not


def test_problems_strongest_first_with_their_words():
    thresholds = Thresholds(dead_relu=0.5, vanishing=1e-3, exploding=10.0)
    x = Input(name="x", shape=(None, 2))
    relu = nd.relu(x, name="r")
    relu.value = np.array([[0.0, 0.0], [0.0, 1.0]])
    assert health.problems(relu, thresholds) == [("dead_relu", "dead ReLU: 75% zeros")]
    assert health.problems(relu, Thresholds()) == []  # 75% is not the default 95%
    assert health.problems(relu, thresholds, grad=np.full(4, 100.0)) == [
        ("dead_relu", "dead ReLU: 75% zeros"), ("exploding", "exploding gradient")]
    assert health.problems(relu, thresholds, grad=np.full(4, 1e-6)) == [
        ("dead_relu", "dead ReLU: 75% zeros"), ("vanishing", "vanishing gradient")]
    relu.value = np.array([[np.nan, 1.0]])
    assert health.problems(relu, thresholds, grad=np.full(2, 1e-6))[0] == ("nonfinite", "NaN/inf in value")
    w = Parameter(np.ones(2), name="w", frozen=True)
    assert health.problems(w, thresholds, grad=np.array([np.inf, 0.0])) == [
        ("nonfinite", "NaN/inf in gradient"), ("frozen", "frozen")]


def test_the_addend_an_input_received_is_reduced_to_its_shape():
    rng = np.random.default_rng(0)
    x = Input(name="x", shape=(None, 3))
    b = Parameter(rng.standard_normal(3), name="b")
    out = nd.add(x, b, name="add")
    out.inputs[0].value = rng.standard_normal((4, 3))
    b_grad = rng.standard_normal((4, 3))
    out.addends, out.needs = (None, b_grad), (False, True)  # unreduced, as a node may have kept it
    assert health.received_addend(out, 0) is None
    assert np.allclose(health.received_addend(out, 1), b_grad.sum(axis=0))
    out.needs = (False, False)
    assert health.received_addend(out, 1) is None
    out.addends = None
    assert health.received_addend(out, 1) is None
