"""The edges: the addend each carries back, its strength, and where its words go."""

import math

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, Parameter
from autograd.render import scene_of
from autograd.render.edges import strength
from autograd.render.text import number
from autograd.unbroadcast import unbroadcast

from .reading import the_edge


def received_norms(graph):
    """{(input name, consumer name): norm of the addend the input received}, from the engine's addends."""
    norms = {}
    for consumer in graph.nodes:
        for i, inp in enumerate(consumer.inputs):
            if consumer.addends is not None and consumer.addends[i] is not None and consumer.needs[i]:
                norms[(inp.name, consumer.name)] = np.linalg.norm(unbroadcast(consumer.addends[i], inp.value.shape))
    return norms


def test_edges_carry_the_shape_of_their_tensor(small_net):
    graph, _ = small_net
    scene = scene_of(graph)
    edge = the_edge(scene, "x", "fc.matmul")
    assert edge.shape == "(N, 3)" and edge.show_shape and edge.label_at == "label"
    assert edge.addend is None and not edge.show_addend
    assert not scene_of(graph, edge_shapes=False).edges[0].show_shape


def test_edge_addends_are_reduced_to_the_input_shape():
    rng = np.random.default_rng(0)
    x = Input(name="x", shape=(None, 3))
    shift = nd.tanh(Parameter(rng.standard_normal(3), name="p"), name="shift")  # (3,), not a leaf
    out = nd.mul(nd.add(x, shift, name="add"), 2.0, name="out")
    graph = Graph(out)
    graph.forward({"x": rng.standard_normal((5, 3))})
    graph.backward(keep_addends=True, update=False)
    addend = the_edge(scene_of(graph, grads=True), "shift", "add").addend
    # shift has one consumer, so the addend it received (summed over the batch
    # from the (N, 3) one the add node computed) is exactly its gradient.
    assert addend.sent and addend.finite
    assert addend.norm == pytest.approx(np.linalg.norm(shift.grad), rel=1e-6)
    assert addend.norm != pytest.approx(np.linalg.norm(np.broadcast_to(shift.grad, (5, 3))), rel=1e-2)
    assert addend.text == number(addend.norm)


def test_every_addend_norm_and_strength(trained_net):
    scene = scene_of(trained_net, grads=True)
    norms = received_norms(trained_net)
    names = {item.id: item.name for item in scene.items()}
    drawn = {(names[e.tail], names[e.head]): e.addend for e in scene.edges}
    for pair, norm in norms.items():
        assert drawn[pair].sent and drawn[pair].norm == pytest.approx(norm, rel=1e-6)
    # Stronger addends are stronger on the drawing, the extremes at the ends of the ramp.
    strongest, weakest = max(norms, key=norms.get), min(norms, key=norms.get)
    assert drawn[strongest].strength == 1.0 and drawn[weakest].strength == 0.0
    ordered = sorted(norms, key=norms.get)
    assert [drawn[p].strength for p in ordered] == sorted(drawn[p].strength for p in ordered)
    # The labels input gets no gradient: its edge carries no addend back.
    assert drawn[("labels", "loss")].sent is False and drawn[("x", "fc.matmul")].sent is False


def test_a_parameter_beside_its_consumer_says_its_addend_on_its_edge(trained_net):
    scene = scene_of(trained_net, grads=True)
    bias = the_edge(scene, "fc.bias", "fc.add")
    assert bias.beside == "left" and bias.addend.sent and bias.addend.finite
    assert bias.label_at == "label" and bias.show_addend and not bias.show_shape  # its shape is on itself
    assert bias.addend.norm == pytest.approx(np.linalg.norm(trained_net.parameter("fc.bias").grad), rel=1e-6)


def test_a_shared_parameter_sends_one_addend_along_each_edge(shared_weight_net):
    graph = shared_weight_net
    scene = scene_of(graph, grads=True)
    first, second = the_edge(scene, "w", "first"), the_edge(scene, "w", "second")
    assert first.addend.norm == pytest.approx(np.linalg.norm(graph.node("first").addends[1]), rel=1e-6)
    assert second.addend.norm == pytest.approx(np.linalg.norm(graph.node("second").addends[1]), rel=1e-6)
    assert first.beside is None and second.beside is None  # used twice: not beside either


def test_every_number_takes_its_room_on_its_edge(fanning_net):
    # Labels by an edge's end were placed over whatever was there; every label is now laid out on its edge.
    graph = fanning_net
    scene = scene_of(graph, grads=True)
    for tail, head in (("ab", "total"), ("h", "a"), ("h", "b"), ("a", "ab"), ("p", "h")):
        edge = the_edge(scene, tail, head)
        assert edge.label_at == "label" and edge.show_addend
    with_shapes = scene_of(graph, grads=True, edge_shapes=True)
    assert {e.label_at for e in with_shapes.edges} == {"label"}
    assert not the_edge(with_shapes, "p", "h").show_shape  # a leaf beside its consumer says its shape itself


def test_two_inputs_of_one_node_are_two_edges_with_their_own_addends():
    p = Parameter([1.0, 2.0], name="p")
    square = nd.mul(p, p, name="square")
    graph = Graph(nd.sum(square, name="total"))
    graph.forward({})
    graph.backward(keep_addends=True, update=False)
    edges = scene_of(graph, grads=True).edges_between("p", "square")
    assert len(edges) == 2  # two addends, p * g each
    assert [e.addend.norm for e in edges] == [pytest.approx(math.sqrt(5))] * 2
    assert all(e.beside is None for e in edges)  # used twice: on its own rank


def test_edges_into_a_box_are_merged_and_their_addends_taken_together(nested_net):
    nested_net.forward({"x": np.random.default_rng(0).standard_normal((4, 3))})
    nested_net.backward(keep_addends=True, update=False)
    scene = scene_of(nested_net, grads=True, depth=0)
    into_head = the_edge(scene, "outer", "head")
    matmul = nested_net.node("head.matmul")
    assert into_head.addend.norm == pytest.approx(np.linalg.norm(matmul.addends[0]), rel=1e-6)
    assert into_head.shape == "(N, 3)"
    assert the_edge(scene, "x", "outer").addend.sent is False


def test_zero_addends_differ_from_the_weakest_real_one_and_from_no_gradient(zero_addend_net):
    scene = scene_of(zero_addend_net, grads=True)
    zero = the_edge(scene, "shift", "dead").addend
    assert zero.sent and zero.finite and zero.norm == 0 and zero.strength == 0
    weakest = the_edge(scene, "w", "mm2").addend
    assert weakest.sent and weakest.norm > 0
    assert not the_edge(scene, "x", "mm").addend.sent  # x needs no gradient
    assert scene.legend.edges.zero


@pytest.mark.parametrize("grads", [True, "stats"])
@pytest.mark.parametrize("values", [False, True])
@pytest.mark.parametrize("x_value, word", [(np.ones((3, 2)), "inf"), (np.zeros((3, 2)), "nan")])
def test_non_finite_addends_are_drawn_as_such(dividing_net, grads, values, x_value, word):
    graph = dividing_net(x_value)
    assert not np.all(np.isfinite(graph.node("q").addends[1]))
    scene = scene_of(graph, grads=grads, values=values)  # no ValueError on NaN
    edge = the_edge(scene, "w", "q")
    assert not edge.addend.finite and edge.show_addend and word in edge.addend.text
    assert math.isnan(edge.addend.norm) if word == "nan" else math.isinf(edge.addend.norm)
    assert edge.beside == (None if values else "left")  # teaching graphs draw no leaf beside its consumer
    assert edge.label_at == "label"  # beside its consumer, the problem is still written
    assert the_edge(scene, "q", "loss").addend.finite
    assert scene.legend.edges.nonfinite


def test_teaching_graphs_write_small_addends_and_give_them_room(teaching_net):
    scene = scene_of(teaching_net, grads=True, values=True)
    edge = the_edge(scene, "w", "f")
    assert edge.addend.text == "addend [1 -1]" and edge.show_addend
    assert edge.label_at == "label" and edge.beside is None and scene.roomy
    plain = scene_of(teaching_net, grads=True)
    assert the_edge(plain, "w", "f").addend.text == number(the_edge(plain, "w", "f").addend.norm) and not plain.roomy


def test_strength_takes_any_float():
    for t in (float("nan"), float("inf"), -float("inf"), -1.0, 2.0, 0.0):
        assert 0.0 <= strength(t, -1.0, 1.0) <= 1.0
    assert strength(10.0, 0.0, 2.0) == 0.5 and strength(1e9, 0.0, 2.0) == 1.0 and strength(1e-9, 0.0, 2.0) == 0.0
    assert strength(5.0, 1.0, 1.0) == 0.5  # every norm the same
    assert strength(0.0, -1.0, 1.0) == 0.0 and strength(float("nan"), -1.0, 1.0) == 0.0
