"""The genome: a graph's trainable parameters laid end to end, read, written and unpacked per member."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.evolve import ParameterVector


def parameters():
    a = ag.Parameter(np.arange(6.0).reshape(2, 3), name="a")
    b = ag.Parameter([10.0, 20.0], name="b")
    c = ag.Parameter([[7.0]], name="c", frozen=True)
    return a, b, c


def test_the_vector_holds_the_trainable_parameters_in_order_without_the_frozen_ones():
    a, b, c = parameters()
    vector = ParameterVector([a, b, c])
    assert vector.names == ("a", "b") and vector.size == 8 and vector.dtype == np.float32
    np.testing.assert_array_equal(vector.read(), [0, 1, 2, 3, 4, 5, 10, 20])


def test_write_sets_the_values_in_place_and_read_copies_them():
    a, b, c = parameters()
    vector = ParameterVector([a, b, c])
    weight = a.value
    vector.write(np.arange(8.0) * -1)
    assert a.value is weight  # nodes holding the array see the new values
    np.testing.assert_array_equal(a.value, [[0, -1, -2], [-3, -4, -5]])
    np.testing.assert_array_equal(b.value, [-6, -7])
    np.testing.assert_array_equal(c.value, [[7]])
    copy = vector.read()
    copy[:] = 99
    assert a.value[0, 1] == -1


def test_unpack_gives_each_parameter_of_every_member_as_a_view():
    a, b, _ = parameters()
    vector = ParameterVector([a, b])
    population = np.arange(24.0, dtype=np.float32).reshape(3, 8)
    members = vector.unpack(population)
    assert members[a].shape == (3, 2, 3) and members[b].shape == (3, 2)
    np.testing.assert_array_equal(members[a][1], population[1, :6].reshape(2, 3))
    np.testing.assert_array_equal(members[b][2], population[2, 6:])
    assert np.shares_memory(members[a], population)
    split = vector.split(population[0])
    assert [p for p, _ in split] == [a, b] and split[0][1].shape == (2, 3)


def test_mixed_dtypes_share_the_widest_and_write_casts_back():
    a = ag.Parameter([1.0], name="a", dtype=np.float32)
    b = ag.Parameter([2.0], name="b", dtype=np.float64)
    vector = ParameterVector([a, b])
    assert vector.dtype == np.float64
    vector.write(np.array([0.1, 0.2]))
    assert a.value.dtype == np.float32 and a.value[0] == np.float32(0.1) and b.value[0] == 0.2


def test_wrong_shapes_and_a_graph_with_nothing_to_evolve_are_refused():
    a, b, c = parameters()
    vector = ParameterVector([a, b])
    with pytest.raises(ValueError, match=r"a vector of 8 values, got shape \(7,\)"):
        vector.write(np.zeros(7))
    with pytest.raises(ValueError, match=r"a population is a \(members, 8\) array, got shape \(8,\)"):
        vector.unpack(np.zeros(8))
    with pytest.raises(ValueError, match="no trainable parameters to evolve"):
        ParameterVector([c])
    with pytest.raises(ValueError, match="no trainable parameters to evolve"):
        ParameterVector(ag.Graph(nd.tanh(ag.Input("x", shape=(None, 2)))).parameters)
