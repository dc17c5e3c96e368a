"""The scene of a graph: which items, which edges, which clusters and boxes, which captions."""

import numpy as np

import nodes as nd
from autograd import Graph, Input
from autograd.render import scene_of
from autograd.render.build import item_ids, parameters_per_scope, summary
from autograd.render.gradients import NO_ADDENDS, NOT_COMPUTED, STALE
from autograd.render.scopes import Layout

from .reading import edge_names, item_names, the_edge


def test_every_node_is_an_item_and_every_input_an_edge(small_net):
    graph, _ = small_net
    scene = scene_of(graph)
    assert item_names(scene) == {n.name for n in graph.nodes}
    # One edge per (consumer, input) pair of the graph, from the input to its consumer.
    assert edge_names(scene) == sorted((i.name, n.name) for n in graph.nodes for i in n.inputs)
    ids = [item.id for item in scene.items()]
    assert len(set(ids)) == len(ids)
    assert {e.tail for e in scene.edges} | {e.head for e in scene.edges} <= set(ids)


def test_drawing_a_node_draws_only_the_subgraph_under_it(small_net):
    graph, _ = small_net
    scene = scene_of(graph.node("act"))
    assert item_names(scene) == {"x", "fc.weight", "fc.matmul", "fc.bias", "fc.add", "act"}
    both = scene_of([graph.node("act"), graph.node("labels")])
    assert item_names(both) == item_names(scene) | {"labels"}


def test_a_long_chain_draws_every_node():
    x = Input(name="x", shape=(None, 2))
    y = x
    for _ in range(3000):
        y = nd.add(y, 1.0)
    scene = scene_of(y)
    assert len(list(scene.items())) == 3000 * 2 + 1  # each add has a constant
    assert len(scene.edges) == 3000 * 2


def test_scopes_become_nested_clusters(nested_net):
    scene = scene_of(nested_net)
    assert [c.path for c in scene.root.clusters] == [("outer",), ("head",)]
    outer = scene.cluster("outer")
    assert [c.path for c in outer.clusters] == [("outer", "inner")]
    inner = scene.cluster(("outer", "inner"))
    # The weight sits inside the inner cluster, named without the prefix.
    weight = scene.item("outer.inner.weight")
    assert weight in inner.items and weight.title == "weight"
    assert [i.name for i in outer.items] == ["outer.act"]
    assert (outer.label, outer.params, inner.params, scene.cluster("head").params) == ("outer", 12, 12, 8)
    assert scene.root.params == 0


def test_depth_folds_deep_clusters_into_boxes_with_parameter_counts(nested_net):
    scene = scene_of(nested_net, depth=0)
    assert item_names(scene) == {"x", "outer", "head"}
    outer, head = scene.item("outer"), scene.item("head")
    assert outer.kind == head.kind == "block"
    assert outer.lines == ("5 nodes → (N, 3)", f"{3 * 3 + 3} params")
    assert head.lines == ("4 nodes → (N, 2)", f"{3 * 2 + 2} params")
    assert outer.members == ("outer.inner.weight", "outer.inner.matmul", "outer.inner.bias", "outer.inner.add",
                             "outer.act")
    assert outer.tooltip == "outer (block)" and not scene.root.clusters
    assert edge_names(scene) == [("outer", "head"), ("x", "outer")]
    # depth=1 keeps the outer cluster and folds the Linear inside it.
    scene1 = scene_of(nested_net, depth=1)
    assert {"outer.inner", "outer.act"} <= item_names(scene1)
    assert [i.name for i in scene1.cluster("outer").items] == ["outer.inner", "outer.act"]
    assert ("outer.inner", "outer.act") in edge_names(scene1)


def test_expand_opens_one_scope_and_folds_the_rest_of_its_parent(nested_net):
    scene = scene_of(nested_net, depth=0, expand=["outer.inner"])
    assert {"outer.inner.weight", "outer.inner.matmul", "outer.inner.add"} <= item_names(scene)
    assert "head" in item_names(scene) and "head.weight" not in item_names(scene)
    # outer.act is all that is left of outer: a box inside the outer cluster.
    assert "outer.act" not in item_names(scene)
    box = scene.item("outer")
    assert box.title == "rest of outer" and box.members == ("outer.act",)
    assert scene.cluster("outer").items == [box]
    assert ("outer.inner.add", "outer") in edge_names(scene)
    assert "outer.inner.weight" in item_names(scene_of(nested_net, depth=0, expand="outer"))


def test_items_are_numbered_in_drawing_order(nested_net):
    layout = Layout(nested_net.nodes, depth=1)
    ids = item_ids(layout)
    assert ids[("node", nested_net.node("x"))] == "n0"
    assert ids[("box", ("outer", "inner"))].startswith("b")
    scene = scene_of(nested_net, depth=1)
    assert [item.id for item in scene.items()] == [f"{i.id[0]}{k}" for k, i in enumerate(scene.items())]


def test_parameter_counts_per_scope_include_nested_scopes(nested_net):
    assert parameters_per_scope(nested_net.nodes) == {("outer",): 12, ("outer", "inner"): 12, ("head",): 8}
    assert summary(nested_net.nodes) == "10 nodes, 4 parameters (20 values)"
    lone = Input(name="lonely", shape=(3,))
    assert summary([lone]) == "1 nodes, 0 parameters (0 values)"


def test_title_lines_and_summary(small_net):
    graph, _ = small_net
    scene = scene_of(graph, title="Headline\nsecond line")
    assert scene.title == ("Headline", "second line")
    assert scene.summary == "8 nodes, 2 parameters (8 values)"
    assert scene_of(graph).title == () and scene_of(graph).captions == ()


# -- gradients, or why there are none -------------------------------------------
def test_asking_for_gradients_before_backward_says_so(small_net):
    graph, feeds = small_net
    graph.forward(feeds)
    scene = scene_of(graph, grads=True)
    assert scene.captions == (NOT_COMPUTED,) and "gradients not computed yet" in NOT_COMPUTED
    assert all(not item.grad_lines for item in scene.items())
    assert all(e.addend is None for e in scene.edges)
    assert scene.legend.edges is None


def test_backward_without_kept_addends_says_how_to_keep_them(small_net):
    graph, feeds = small_net
    graph.forward(feeds)
    graph.backward(update=False)
    scene = scene_of(graph, grads=True)
    assert scene.captions == (NO_ADDENDS,) and "keep_addends=True" in NO_ADDENDS
    assert scene.legend.edges is None  # nothing to say about addends
    assert all(e.addend is None for e in scene.edges)
    assert scene.item("act").grad_lines  # the nodes' own gradients are drawn


def test_without_grads_nothing_is_said_of_gradients(trained_net):
    scene = scene_of(trained_net)
    assert scene.captions == () and scene.legend.edges is None
    assert all(not item.grad_lines for item in scene.items())
    assert all(e.addend is None for e in scene.edges)


def test_gradients_of_an_earlier_forward_pass_are_not_drawn_as_current(small_net):
    graph, feeds = small_net
    graph.forward(feeds)
    graph.backward(keep_addends=True, update=False)
    assert scene_of(graph, grads=True).item("act").grad_lines
    for grad in (False, True):
        graph.forward(feeds, grad=grad)  # new values; the gradients and addends are the old pass's
        scene = scene_of(graph, grads=True)
        assert scene.captions == (STALE,) and "gradients are from an earlier forward pass" in STALE
        assert all(not item.grad_lines for item in scene.items())
        assert scene.legend.edges is None and all(e.addend is None for e in scene.edges)
    # A backward pass of this forward pass makes them current again.
    graph.backward(keep_addends=True, update=False)
    scene = scene_of(graph, grads=True)
    assert scene.captions == () and scene.item("act").grad_lines


def test_some_stale_gradients_are_counted_and_left_out(trained_net):
    trained_net.node("act").grad_stamp = object()  # as if from another forward pass
    scene = scene_of(trained_net, grads=True)
    assert scene.captions == ("1 node holds a gradient from an earlier forward pass: not drawn",)
    assert not scene.item("act").grad_lines and scene.item("loss").grad_lines
    # act's consumer still sent its addend back during this pass: the edge shows it.
    assert the_edge(scene, "act", "loss").addend.sent
    trained_net.node("loss").grad_stamp = object()
    assert scene_of(trained_net, grads=True).captions[0].startswith("2 nodes hold gradients from an earlier")


def test_values_switch_off_side_by_side_rows(teaching_net):
    assert any(c.ranks for c in scene_of(teaching_net).clusters())
    assert not any(c.ranks for c in scene_of(teaching_net, values=True).clusters())


def test_values_true_means_eight_entries():
    x = Input(name="x", shape=(8,))
    y = nd.mul(x, 2.0, name="y")
    graph = Graph(nd.sum(y, name="s"))
    graph.forward({"x": np.arange(8.0)})
    assert "value [0 2 4 6 8 10 12 14]" in scene_of(graph, values=True).item("y").lines
    assert not any(line.startswith("value") for line in scene_of(graph, values=7).item("y").lines)
