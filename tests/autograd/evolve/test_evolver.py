"""What both trainers promise: the graph always holds an evaluated member, a failed generation changes nothing,
and a seed fixes the run."""

import numpy as np
import pytest

import autograd as ag
from autograd.evolve import EvolutionStrategy, GeneticAlgorithm, MemberByMember, ParameterVector
from tests.autograd.evolve.problems import Failing, Recording, classifier, xor

POPULATION = 10


def make(kind, graph, seed=0, evaluate=None):
    if kind == "genetic":
        return GeneticAlgorithm(graph, population=POPULATION, elite=2, mutation_rate=0.3, mutation_scale=0.3,
                                seed=seed, evaluate=evaluate)
    return EvolutionStrategy(graph, population=POPULATION, sigma=0.1, seed=seed, evaluate=evaluate)


KINDS = ("genetic", "es")


def snapshot(trainer):
    """Everything a generation may change, copied."""
    own = {}
    if isinstance(trainer, GeneticAlgorithm):
        own = {"population": trainer.population.copy(),
               "fitness": None if trainer.fitness is None else trainer.fitness.copy()}
    return {
        "values": trainer.vector.read(),
        "states": [{k: np.array(v) for k, v in p.state.items()} for p in trainer.vector.parameters],
        "updates": trainer.graph.updates,
        "rng": trainer.rng.bit_generator.state,
        "generation": trainer.generation,
        "history": list(trainer.history),
        **own,
    }


def assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        if key == "states":
            for x, y in zip(a[key], b[key], strict=True):
                assert x.keys() == y.keys()
                for name in x:
                    np.testing.assert_array_equal(x[name], y[name], err_msg=name)
        elif key == "history":
            assert [(g.best, g.mean, g.fitness) for g in a[key]] == [(g.best, g.mean, g.fitness) for g in b[key]]
        elif isinstance(a[key], np.ndarray) or a[key] is None:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        else:
            assert a[key] == b[key], key


@pytest.mark.parametrize("kind", KINDS)
def test_after_every_generation_the_graph_holds_a_member_it_evaluated_with_the_fitness_reported(kind):
    model = classifier((2, 4, 2), seed=0)
    feeds = model.feeds(*xor())
    recording = Recording(MemberByMember(model.graph), ParameterVector(model.graph.parameters))
    trainer = make(kind, model.graph, evaluate=recording)
    judge = ag.Graph(model.graph.roots[0]).eval()
    for number in range(1, 6):
        recording.seen.clear()
        record = trainer.step(feeds)
        held = trainer.vector.read()
        assert any(np.array_equal(held, member) for member in recording.seen)
        if kind == "genetic":  # the fittest of the generation
            np.testing.assert_array_equal(held, trainer.best)
            assert record.fitness == record.best == trainer.fitness.max()
        else:  # the new centre, evaluated last
            np.testing.assert_array_equal(held, recording.seen[-1])
            assert len(recording.seen) == POPULATION + 1
        assert record.fitness == -float(judge.forward(feeds, grad=False))
        assert record.number == number == trainer.generation and record.best >= record.mean


def failing_classifier(error):
    nodes = []
    model = classifier((2, 4, 2), seed=0, extra=lambda h: nodes.append(Failing(h, error)) or nodes[-1])
    return model, nodes[0]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("error, raised", [(RuntimeError, ag.GraphError), (KeyboardInterrupt, KeyboardInterrupt)])
@pytest.mark.parametrize("where", ["inside the population", "at the generation's last pass"])
def test_a_generation_that_raises_half_way_changes_nothing_and_can_run_again(kind, error, raised, where):
    # A node's error reaches the caller as a GraphError naming the node; Ctrl-C as itself.
    model, failing = failing_classifier(error)
    twin, _ = failing_classifier(error)  # never told to fail: the uninterrupted run
    feeds, twin_feeds = model.feeds(*xor()), twin.feeds(*xor())
    trainer, uninterrupted = make(kind, model.graph), make(kind, twin.graph)
    for _ in range(2):  # the genetic algorithm breeds from the second generation on, the ES has optimizer state
        trainer.step(feeds)
        uninterrupted.step(twin_feeds)
    before = snapshot(trainer)
    passes = POPULATION // 2 if where == "inside the population" else POPULATION + (kind == "es")
    failing.at = {failing.calls + passes}
    with pytest.raises(raised, match="fails on purpose"):
        trainer.step(feeds)
    assert failing.calls == failing.at.pop()  # it did fail where asked
    assert_same(snapshot(trainer), before)
    trainer.step(feeds)
    uninterrupted.step(twin_feeds)
    assert_same(snapshot(trainer), snapshot(uninterrupted))


@pytest.mark.parametrize("kind", KINDS)
def test_a_seed_fixes_the_run(kind):
    runs = {}
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        model = classifier((2, 4, 2), seed=0)
        trainer = make(kind, model.graph, seed=seed)
        for _ in range(4):
            trainer.step(model.feeds(*xor()))
        runs[name] = snapshot(trainer)
    assert_same(runs["a"], runs["b"])
    assert not np.array_equal(runs["a"]["values"], runs["c"]["values"])
