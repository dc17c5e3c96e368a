"""The genetic algorithm: its operators, its breeding, its settings, and the problems it solves."""

import numpy as np
import pytest

from autograd.evolve import GeneticAlgorithm
from autograd.evolve.genetic import mutate, tournament, uniform_crossover
from tests.autograd.evolve.problems import classifier, spirals, xor


def test_each_tournament_winner_is_the_fittest_of_its_contestants():
    fitness = np.array([0.3, -1.0, 2.0, 0.5, 0.1])
    winners = tournament(fitness, 200, 3, np.random.default_rng(0))
    contestants = np.random.default_rng(0).integers(0, 5, size=(200, 3))  # the same draws
    np.testing.assert_array_equal(winners, [row[np.argmax(fitness[row])] for row in contestants])
    assert np.mean(winners == 2) > 0.4  # the fittest wins every tournament it enters
    np.testing.assert_array_equal(tournament(fitness, 50, 1, np.random.default_rng(1)),
                                  np.random.default_rng(1).integers(0, 5, size=(50, 1))[:, 0])


def test_uniform_crossover_takes_every_value_from_one_parent():
    first, second = np.zeros((400, 50)), np.ones((400, 50))
    children = uniform_crossover(first, second, 0.5, np.random.default_rng(0))
    crossed = children.any(axis=1)
    assert 0.4 < crossed.mean() < 0.6  # half the children cross
    assert 0.45 < children[crossed].mean() < 0.55  # and take half their values from each parent
    np.testing.assert_array_equal(uniform_crossover(first, second, 0.0, np.random.default_rng(0)), first)


def test_mutation_moves_a_rate_of_the_values_by_the_scale_in_place():
    members = np.zeros((100, 1000), dtype=np.float32)
    same = mutate(members, 0.1, 0.5, np.random.default_rng(0))
    moved = members[members != 0]
    assert same is members and members.dtype == np.float32
    assert abs(moved.size / members.size - 0.1) < 0.005
    assert abs(moved.std() - 0.5) < 0.01 and abs(moved.mean()) < 0.01
    with pytest.raises(ValueError, match="C-contiguous"):
        mutate(members[:, ::2], 0.1, 0.5, np.random.default_rng(0))


def test_the_first_population_is_the_graph_and_its_mutants_and_breeding_keeps_the_elite():
    model = classifier((2, 4, 2), seed=0)
    trainer = GeneticAlgorithm(model.graph, population=8, elite=3, mutation_rate=0.5, seed=0)
    np.testing.assert_array_equal(trainer.population[0], trainer.vector.read())
    assert not any(np.array_equal(trainer.population[0], m) for m in trainer.population[1:])
    trainer.step(model.feeds(*xor()))
    fittest = trainer.population[np.argsort(-trainer.fitness, kind="stable")[:3]]
    np.testing.assert_array_equal(trainer.breed()[:3], fittest)


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"population": 1}, "population=1"),
        ({"population": 4, "elite": 4}, "elite=4"),
        ({"elite": -1}, "elite=-1"),
        ({"tournament": 0}, "tournament=0"),
        ({"crossover": 1.5}, "crossover=1.5"),
        ({"mutation_rate": 0.0}, "mutation_rate=0.0"),
        ({"mutation_scale": float("inf")}, "mutation_scale=inf"),
        ({"population": 2.5}, "population=2.5"),
    ],
)
def test_settings_out_of_range_are_refused_by_name(settings, message):
    model = classifier((2, 3, 2), seed=0)
    with pytest.raises(ValueError, match=f"GeneticAlgorithm: {message} out of range"):
        GeneticAlgorithm(model.graph, **settings)


def solve(points, classes, widths, generations, **settings):
    model = classifier(widths, seed=0)
    trainer = GeneticAlgorithm(model.graph, seed=0, **settings)
    for _ in range(generations):
        trainer.step(model.feeds(points, classes))
    return model, trainer


def test_it_solves_xor():
    model, trainer = solve(*xor(), (2, 4, 2), 60, population=50, mutation_rate=0.2, mutation_scale=0.2)
    assert model.accuracy(*xor()) == 1.0
    assert trainer.history[-1].best > 0.5 * trainer.history[0].best  # fitness is minus the loss: it rose


def test_it_solves_two_interleaved_spirals():
    # Measured with these seeds: 96% after 500 generations (a loss of 0.16 from 0.69).
    points, classes = spirals(per_class=100)
    model, trainer = solve(points, classes, (2, 16, 16, 2), 500, population=50, mutation_rate=0.2,
                           mutation_scale=0.2)
    assert model.accuracy(points, classes) >= 0.95
