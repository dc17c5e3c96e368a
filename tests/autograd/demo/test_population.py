"""The logistic model's population evaluator computes the training graph's loss, member by member."""

import numpy as np

from autograd import Graph, Input
from autograd.demo import models
from autograd.demo.population import LogisticPopulation
from autograd.evolve import MemberByMember, ParameterVector
from nodes import softmax_cross_entropy


def logistic_graph():
    model = models.build("logistic")
    label = Input(name="label", shape=(None,), dtype=np.int64)
    graph = Graph(softmax_cross_entropy(model.logits, label, name="loss"))
    return model, label, graph


def test_the_population_losses_equal_the_graphs_member_by_member():
    model, label, graph = logistic_graph()
    rng = np.random.default_rng(0)
    vector = ParameterVector(graph.parameters)
    population = rng.normal(0, 0.1, (7, vector.size)).astype(np.float32)
    feeds = {model.image: rng.random((33, 28, 28), dtype=np.float32), label: rng.integers(0, 10, 33)}
    together = LogisticPopulation(model.image, label, graph.parameter("classifier.weight"),
                                  graph.parameter("classifier.bias"))
    members = vector.unpack(population)
    np.testing.assert_allclose(together(members, feeds), MemberByMember(graph)(members, feeds), rtol=2e-5)


def test_a_population_larger_than_a_chunk_gives_the_same_losses(monkeypatch):
    from autograd.demo import population as module

    model, label, graph = logistic_graph()
    rng = np.random.default_rng(1)
    vector = ParameterVector(graph.parameters)
    members = vector.unpack(rng.normal(0, 0.1, (5, vector.size)).astype(np.float32))
    feeds = {model.image: rng.random((20, 28, 28), dtype=np.float32), label: rng.integers(0, 10, 20)}
    evaluate = LogisticPopulation(model.image, label, graph.parameter("classifier.weight"),
                                  graph.parameter("classifier.bias"))
    whole = evaluate(members, feeds)
    monkeypatch.setattr(module, "CHUNK", 20 * 10 * 2)  # two members at a time
    np.testing.assert_allclose(evaluate(members, feeds), whole, rtol=1e-6)  # other BLAS blockings: rounding


def test_the_logistic_model_starts_at_zero_weights_and_the_uniform_guess():
    model, label, graph = logistic_graph()
    assert not graph.parameter("classifier.weight").value.any()
    assert not graph.parameter("classifier.bias").value.any()
    loss = graph.forward({model.image: np.ones((4, 28, 28), np.float32), label: np.arange(4)}, grad=False)
    np.testing.assert_allclose(loss, np.log(10), rtol=1e-6)
