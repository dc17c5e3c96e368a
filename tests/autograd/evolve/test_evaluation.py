"""Evaluating a population member by member: the graph's own loss, without backward state, in evaluation mode."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.evolve import MemberByMember, ParameterVector
from autograd.evolve.evaluation import checked_losses
from tests.autograd.evolve.problems import classifier, xor


def test_each_member_s_loss_is_the_graph_s_loss_with_that_member_s_values():
    model = classifier((2, 4, 2), seed=0)
    points, classes = xor()
    vector = ParameterVector(model.graph.parameters)
    population = np.random.default_rng(1).standard_normal((5, vector.size)).astype(np.float32)
    losses = MemberByMember(model.graph)(vector.unpack(population), model.feeds(points, classes))
    for member, loss in zip(population, losses):
        vector.write(member)
        assert loss == float(model.graph.forward(model.feeds(points, classes), grad=False))
    assert len(set(losses)) == 5  # the members really differ


def test_evaluation_keeps_no_backward_state_and_leaves_the_training_graph_s_mode_alone():
    model = classifier((2, 3, 2), seed=0)
    points, classes = xor()
    vector = ParameterVector(model.graph.parameters)
    MemberByMember(model.graph)(vector.unpack(vector.read()[None]), model.feeds(points, classes))
    loss = model.graph.roots[0]
    assert loss.value is not None and not hasattr(loss, "p")  # computed, but nothing kept for a backward pass
    assert model.graph.training
    with pytest.raises(ag.BackwardError, match="needs a fresh forward pass"):
        model.graph.backward()


def test_members_are_evaluated_in_evaluation_mode_so_dropout_draws_nothing():
    model = classifier((2, 8, 2), seed=0, extra=lambda h: nd.dropout(h, 0.5, rng=np.random.default_rng(3)))
    points, classes = xor()
    vector = ParameterVector(model.graph.parameters)
    members = vector.unpack(np.repeat(vector.read()[None], 3, axis=0))
    losses = MemberByMember(model.graph)(members, model.feeds(points, classes))
    assert losses[0] == losses[1] == losses[2]  # in training mode each pass would draw its own mask
    assert losses[0] == float(ag.Graph(model.graph.roots[0]).eval().forward(model.feeds(points, classes), grad=False))


def test_a_graph_without_one_scalar_loss_is_refused_by_name():
    x = ag.Input("x", shape=(None, 2))
    logits = nd.Linear(2, 3, name="fc", rng=np.random.default_rng(0))(x)
    with pytest.raises(ag.GraphError, match=r"the root 'fc.add' has shape \(None, 3\)"):
        MemberByMember(ag.Graph(logits))
    with pytest.raises(ag.GraphError, match="one loss, but the graph has 2 roots"):
        MemberByMember(ag.Graph(nd.sum(logits), nd.mean(logits)))
    free = ag.Input("free")  # no static shape: a root over it is found out at the first pass
    root = free * ag.Parameter([1.0, 2.0], name="w")
    vector = ParameterVector(ag.Graph(root).parameters)
    with pytest.raises(ag.GraphError, match=r"the root '.*' gave shape \(4, 2\)"):
        MemberByMember(ag.Graph(root))(vector.unpack(vector.read()[None]), {free: np.ones((4, 2))})


def test_checked_losses_count_nan_as_infinitely_bad_and_refuse_a_wrong_count():
    np.testing.assert_array_equal(checked_losses([1.0, np.nan, np.inf], 3), [1.0, np.inf, np.inf])
    with pytest.raises(ValueError, match=r"losses of shape \(2,\) for a population of 3 members"):
        checked_losses([1.0, 2.0], 3)
