"""The evolution strategy: fitness shaping, the gradient estimate, updates through the rules, the problems it solves."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.evolve import EvolutionStrategy, centred_ranks
from tests.autograd.evolve.problems import classifier, spirals, xor


def test_centred_ranks_spread_evenly_from_minus_to_plus_a_half_and_equal_fitness_share_a_rank():
    np.testing.assert_allclose(centred_ranks([3.0, -1.0, 10.0, 0.0, 5.0]), [0.0, -0.5, 0.5, -0.25, 0.25])
    # ranks 0, (1 + 2) / 2 twice, 3 over a range of 3
    np.testing.assert_allclose(centred_ranks([1.0, 1.0, -np.inf, 2.0]), [0.0, 0.0, -0.5, 0.5])
    assert centred_ranks([4.0]).tolist() == [0.0]


def quadratic(start, target):
    """loss = sum((w - target)^2) over one parameter w: its gradient is 2 (w - target)."""
    w = ag.Parameter(start, name="w", dtype=np.float64)
    loss = nd.sum((w - ag.Constant(target, dtype=np.float64)) ** 2, name="loss")
    return w, loss


def test_the_estimate_points_along_the_true_gradient():
    start, target = np.linspace(-1, 1, 10), np.zeros(10)
    w, loss = quadratic(start, target)
    trainer = EvolutionStrategy(ag.Graph(loss, rule=ag.SGD(lr=0.0)), population=2000, sigma=0.01, seed=0)
    noise = trainer.rng.standard_normal((1000, 10))
    fitness = -trainer.evaluate(np.concatenate([start + 0.01 * noise, start - 0.01 * noise]), {})
    estimate = trainer.gradient(noise, fitness)
    true = 2 * (start - target)
    assert estimate @ true / (np.linalg.norm(estimate) * np.linalg.norm(true)) > 0.95


def test_the_update_goes_through_each_parameter_s_rule_with_its_clipping_and_the_graph_s_count():
    w, loss = quadratic(np.full(4, 3.0), np.zeros(4))
    held = ag.Parameter([1.0, 2.0], name="held", rule=ag.SGD(lr=0.0), dtype=np.float64)
    frozen = ag.Parameter([5.0], name="frozen", frozen=True, dtype=np.float64)
    graph = ag.Graph(loss + nd.sum(held * held) + nd.sum(frozen), rule=ag.SGD(lr=1.0, clip_norm=0.1))
    trainer = EvolutionStrategy(graph, population=20, sigma=0.1, seed=0)
    for updates in (1, 2, 3):
        before = w.value.copy()
        trainer.step({})
        assert graph.updates == updates
        assert np.linalg.norm(w.value - before) == pytest.approx(0.1, rel=1e-5)  # lr 1 times the clipped estimate
    np.testing.assert_array_equal(held.value, [1.0, 2.0])  # its own rule has lr 0
    np.testing.assert_array_equal(frozen.value, [5.0])  # not part of the genome
    assert np.all(w.value < 3.0)


def test_a_schedule_reads_the_update_count_of_the_graph():
    w, loss = quadratic(np.full(3, 2.0), np.zeros(3))
    graph = ag.Graph(loss, rule=ag.SGD(lr=0.5, clip_norm=1.0, schedule=ag.StepDecay(1, gamma=0.0)))
    trainer = EvolutionStrategy(graph, population=10, sigma=0.1, seed=0)
    trainer.step({})
    after_first = w.value.copy()
    trainer.step({})  # the schedule's factor is 0 from the second update on
    assert not np.array_equal(after_first, np.full(3, 2.0))
    np.testing.assert_array_equal(w.value, after_first)


@pytest.mark.parametrize(
    "settings, message",
    [({"population": 7}, "population=7"), ({"population": 0}, "population=0"), ({"sigma": 0.0}, "sigma=0.0"),
     ({"sigma": float("nan")}, "sigma=nan"), ({"clip_norm": -1.0}, "clip_norm=-1.0")],
)
def test_settings_out_of_range_are_refused_by_name(settings, message):
    model = classifier((2, 3, 2), seed=0)
    with pytest.raises(ValueError, match=f"EvolutionStrategy: {message} out of range"):
        EvolutionStrategy(model.graph, **settings)


def solve(points, classes, widths, generations, **settings):
    model = classifier(widths, seed=0, rule=ag.Adam(lr=0.05))
    trainer = EvolutionStrategy(model.graph, seed=0, **settings)
    for _ in range(generations):
        trainer.step(model.feeds(points, classes))
    return model, trainer


def test_it_solves_xor():
    model, trainer = solve(*xor(), (2, 4, 2), 100, population=50, sigma=0.1)
    assert model.accuracy(*xor()) == 1.0
    assert trainer.history[-1].fitness > 0.1 * trainer.history[0].fitness  # the loss fell tenfold


def test_it_solves_two_interleaved_spirals():
    # Measured with these seeds: 99% after 300 generations, 100% after 400 (a loss of 0.004 from 0.69).
    points, classes = spirals(per_class=100)
    model, _ = solve(points, classes, (2, 16, 16, 2), 300, population=50, sigma=0.1)
    assert model.accuracy(points, classes) >= 0.98
