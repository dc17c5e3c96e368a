"""A rollback puts back values, optimizer state, the update count and the random generator."""

import numpy as np

from autograd.evolve import ParameterVector
from autograd.evolve.rollback import Rollback
from tests.autograd.evolve.problems import classifier, xor


def test_restore_undoes_a_training_step_and_the_draws_since():
    model = classifier((2, 3, 2), seed=0)
    model.graph.step(model.feeds(*xor()))  # optimizer state to protect
    vector, rng = ParameterVector(model.graph.parameters), np.random.default_rng(5)
    values = vector.read()
    moments = {p.name: p.state["m"].copy() for p in vector.parameters}
    before = Rollback(model.graph, vector, rng)
    first_draw = rng.random()
    model.graph.step(model.feeds(*xor()))
    vector.parameters[0].state["extra"] = np.ones(1)
    before.restore()
    np.testing.assert_array_equal(vector.read(), values)
    for p in vector.parameters:
        np.testing.assert_array_equal(p.state["m"], moments[p.name])
        assert "extra" not in p.state and int(p.state["t"]) == 1
    assert model.graph.updates == 1 and rng.random() == first_draw


def test_the_copy_is_its_own_so_restoring_twice_gives_the_same_state():
    model = classifier((2, 3, 2), seed=0)
    model.graph.step(model.feeds(*xor()))
    vector = ParameterVector(model.graph.parameters)
    before = Rollback(model.graph, vector, np.random.default_rng(0))
    moment = vector.parameters[0].state["m"].copy()
    before.restore()
    vector.parameters[0].state["m"] += 1  # a step after the restore must not reach the rollback's copy
    before.restore()
    np.testing.assert_array_equal(vector.parameters[0].state["m"], moment)
