"""Learning-rate schedules against the formulas of the PyTorch schedulers they follow, written out here."""

import math

import numpy as np
import pytest

import autograd as ag
import nodes  # noqa: F401 - `w * 1.0` builds a node of the library
from autograd.schedules import Cosine, Exponential, LinearWarmup, OneCycle, Sequence, StepDecay


def test_step_decay_multiplies_by_gamma_every_step_size_updates():
    s = StepDecay(step_size=3, gamma=0.5)
    assert [s.factor(t) for t in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]


def test_exponential_decay():
    s = Exponential(0.9)
    assert s.factor(0) == 1 and s.factor(3) == pytest.approx(0.729)


def test_cosine_annealing_from_lr_to_its_floor_then_flat():
    s = Cosine(total=10, min_factor=0.1)
    expected = [0.1 + 0.9 * (1 + math.cos(math.pi * t / 10)) / 2 for t in range(11)]
    np.testing.assert_allclose([s.factor(t) for t in range(11)], expected, rtol=1e-15)
    assert s.factor(5) == pytest.approx(0.55) and s.factor(25) == pytest.approx(0.1)


def test_linear_warmup_rises_to_one_and_stays():
    s = LinearWarmup(steps=4, start_factor=0.2)
    np.testing.assert_allclose([s.factor(t) for t in range(7)], [0.2, 0.4, 0.6, 0.8, 1, 1, 1])


def _torch_one_cycle(total, pct, div, final_div, t):
    """OneCycleLR's two cosine phases, as its documentation and source define them (max_lr = 1)."""
    initial, peak_lr, final = 1 / div, 1.0, 1 / (div * final_div)
    peak = pct * total - 1
    if t <= peak:
        start, end, p, m0, m1 = initial, peak_lr, t / peak, 0.95, 0.85
    else:
        start, end, p, m0, m1 = peak_lr, final, (t - peak) / (total - 1 - peak), 0.85, 0.95

    def cos(a, b):
        return b + (a - b) / 2 * (math.cos(math.pi * p) + 1)

    return cos(start, end), cos(m0, m1)


def test_one_cycle_follows_pytorch_s_two_phases_for_lr_and_momentum():
    s = OneCycle(total=100, pct_start=0.25)
    for t in range(100):
        lr, momentum = _torch_one_cycle(100, 0.25, 25.0, 1e4, t)
        assert s.factor(t) == pytest.approx(lr, rel=1e-12) and s.momentum(t) == pytest.approx(momentum, rel=1e-12)
    assert s.factor(0) == pytest.approx(1 / 25) and s.factor(24) == pytest.approx(1.0)
    assert s.factor(99) == pytest.approx(1 / 25e4)
    assert OneCycle(total=10, cycle_momentum=False).momentum(3) is None


def test_warmup_then_cosine_counts_the_second_schedule_from_zero():
    s = LinearWarmup(3).then(Cosine(4))
    assert isinstance(s, Sequence) and s.milestones == (3,)
    expected = [0, 1 / 3, 2 / 3] + [(1 + math.cos(math.pi * t / 4)) / 2 for t in range(5)]
    np.testing.assert_allclose([s.factor(t) for t in range(8)], expected, atol=1e-15)
    three = s.then(StepDecay(1, 0.5))
    assert three.milestones == (3, 7) and three.factor(8) == 0.5


def test_a_schedule_without_length_needs_to_be_told_when_to_switch():
    with pytest.raises(ValueError, match="no length of its own"):
        Exponential(0.9).then(Cosine(4))
    assert Exponential(0.5).then(Cosine(4), after=2).factor(2) == 1.0


@pytest.mark.parametrize("bad", [lambda: StepDecay(0), lambda: Cosine(total=-1), lambda: LinearWarmup(2.5),
                                 lambda: OneCycle(10, pct_start=1.0), lambda: Sequence((Cosine(2),), (1,))])
def test_bad_schedules_are_refused(bad):
    with pytest.raises(ValueError):
        bad()


def _train(rule, steps, accumulate=1):
    w = ag.Parameter([1.0], name="w", dtype=np.float64)
    graph = ag.Graph(w * 1.0, rule=rule)  # dG/dw = 1 at every step
    for _ in range(steps):
        for _ in range(accumulate):
            graph.forward()
            graph.backward(update=False, accumulate=True)
        graph.apply_updates()
    return graph, w


def test_a_rule_s_schedule_sets_the_learning_rate_of_each_update():
    graph, w = _train(ag.SGD(lr=0.1, schedule=StepDecay(2, 0.5)), 5)
    assert graph.updates == 5
    assert w.value[0] == pytest.approx(1 - 0.1 * (1 + 1 + 0.5 + 0.5 + 0.25))


def test_the_schedule_counts_updates_not_micro_batches():
    graph, w = _train(ag.SGD(lr=0.1, schedule=StepDecay(1, 0.5)), 3, accumulate=4)
    assert graph.updates == 3
    assert w.value[0] == pytest.approx(1 - 0.1 * 4 * (1 + 0.5 + 0.25))


def test_one_cycle_cycles_sgd_momentum_and_adam_s_first_beta():
    rule = ag.SGD(lr=1.0, momentum=0.9, schedule=OneCycle(total=10))
    assert rule.at(0).momentum == pytest.approx(0.95) and rule.at(0).lr == pytest.approx(1 / 25)
    adam = ag.Adam(lr=1e-3, schedule=OneCycle(total=10))
    assert adam.at(2).betas[0] == pytest.approx(0.85) and adam.at(2).betas[1] == 0.999
    assert rule.schedule is not None and rule.lr == 1.0  # the rule itself is unchanged


def test_one_cycle_on_a_rule_without_momentum_is_refused_when_made():
    with pytest.raises(ValueError, match="SGD without momentum has no momentum"):
        ag.SGD(lr=0.1, schedule=OneCycle(total=10))
    with pytest.raises(ValueError, match="Adagrad has no momentum"):
        ag.Adagrad(schedule=OneCycle(total=10))
    ag.Adagrad(schedule=OneCycle(total=10, cycle_momentum=False))


def test_the_update_count_is_saved_and_restored(tmp_path):
    graph, w = _train(ag.SGD(lr=0.1, schedule=StepDecay(2, 0.5)), 3)
    graph.save(tmp_path / "run.npz")
    again, w2 = _train(ag.SGD(lr=0.1, schedule=StepDecay(2, 0.5)), 0)
    again.load(tmp_path / "run.npz")
    assert again.updates == 3 and w2.value[0] == w.value[0]
