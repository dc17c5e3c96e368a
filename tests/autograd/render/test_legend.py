"""The legend explains only what is on the drawing."""

import numpy as np

from autograd.render import scene_of
from autograd.render.legend import legend_of
from autograd.render.scene import Addend, Edge, Item


def test_legend_lists_only_the_flags_on_the_drawing(trained_net):
    legend = scene_of(trained_net, grads=True).legend
    assert legend.edges.numbers and legend.flags == ()
    low, high = legend.edges.span
    assert 0 < low < high  # the ramp goes from the weakest norm to the strongest (log scale)
    assert not legend.edges.zero and not legend.edges.nonfinite
    assert scene_of(trained_net, grads=True, legend=False).legend is None


def test_legend_of_a_sick_graph(sick_net, sick_blocks):
    assert scene_of(sick_net, grads=True).legend.flags == ("nonfinite", "dead_relu", "vanishing", "frozen")
    assert scene_of(sick_blocks, grads=True, depth=0).legend.flags == ("dead_relu", "vanishing")


def test_with_values_the_edges_show_addends_not_norms(teaching_net):
    assert scene_of(teaching_net, grads=True, values=True).legend.edges.numbers is False


def test_zero_and_non_finite_edges_are_explained_only_when_drawn(zero_addend_net, dividing_net):
    zero = scene_of(zero_addend_net, grads=True).legend.edges
    assert zero.zero and not zero.nonfinite
    broken = scene_of(dividing_net(np.ones((3, 2))), grads=True).legend.edges
    assert broken.nonfinite and not broken.zero


def test_legend_of_plain_data():
    items = [Item("n0", "a", "op", "a", flags=(("frozen", "frozen"),)),
             Item("n1", "b", "op", "b", flags=(("exploding", "x"), ("nonfinite", "y")))]
    edges = [Edge("n0", "n1", "(2,)", Addend(True, 0.0)), Edge("n1", "n0", "(2,)", Addend(False))]
    legend = legend_of(items, edges, with_addends=True, span=(1.0, 2.0))
    assert legend.flags == ("nonfinite", "exploding", "frozen")  # worst first
    assert legend.edges.zero and not legend.edges.nonfinite and legend.edges.span == (1.0, 2.0)
    assert legend_of(items, edges).edges is None
