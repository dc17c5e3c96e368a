"""Where items sit: parameters on their consumer's row, and the main path as one group."""

import nodes as nd
from autograd import Input
from autograd.render import scene_of
from autograd.render.placement import main_path, row, side_by_side, sides
from autograd.render.scopes import Layout
from autograd.schedule import topological_order

from .reading import edge_names


def rows_by_name(scene):
    """Every row of items drawn side by side, as lists of names, left to right."""
    names = {item.id: item.name for item in scene.items()}
    return [[names[i] for i in ids] for cluster in scene.clusters() for ids in cluster.ranks]


def test_parameters_sit_beside_their_consumer_and_the_main_path_is_one_group(small_net):
    graph, _ = small_net
    scene = scene_of(graph)
    assert rows_by_name(scene) == [["fc.weight", "fc.matmul"], ["fc.bias", "fc.add"]]
    assert scene.cluster("fc").ranks and not scene.root.ranks  # each row in its parameters' cluster
    spine = {item.name for item in scene.items() if item.on_spine}
    assert spine == {"x", "fc.matmul", "fc.add", "act", "loss"}


def test_a_second_parameter_is_drawn_right_of_its_consumer():
    x = Input(name="x", shape=(None, 4))
    bn = nd.BatchNorm(4, name="bn")(x)
    scene = scene_of(bn)
    (names,) = [r for r in rows_by_name(scene) if len(r) == 3]
    assert names[0].startswith("bn.gamma") and names[2].startswith("bn.beta")  # one on each side
    assert not names[1].startswith(("bn.gamma", "bn.beta"))
    by_tail = {e.tail: e for e in scene.edges}
    ids = {item.name: item.id for item in scene.items()}
    assert by_tail[ids[names[0]]].beside == "left" and by_tail[ids[names[2]]].beside == "right"
    # Every edge still goes from the input to its consumer.
    assert edge_names(scene) == sorted((i.name, n.name) for n in topological_order([bn]) for i in n.inputs)


def test_rows_alternate_left_and_right():
    assert row("c", ["a", "b", "d", "e"]) == ["d", "a", "c", "b", "e"]
    assert row("c", []) == ["c"]
    assert sides({(): {"c": ["a", "b", "d"]}}) == {"a": "left", "b": "right", "d": "left"}


def test_only_a_leaf_with_one_consumer_in_its_own_cluster_sits_beside_it(shared_weight_net, nested_net):
    layout = Layout(shared_weight_net.nodes)
    assert side_by_side(shared_weight_net.nodes, layout.item_of) == {}  # w has two consumers
    folded = Layout(nested_net.nodes, depth=0)
    assert side_by_side(nested_net.nodes, folded.item_of) == {}  # inside boxes
    beside = side_by_side(nested_net.nodes, Layout(nested_net.nodes).item_of)
    assert set(beside) == {("outer", "inner"), ("head",)}


def test_the_main_path_runs_from_an_input_to_the_first_root(nested_net):
    layout = Layout(nested_net.nodes, depth=0)
    assert main_path(nested_net.nodes, nested_net.roots, layout.item_of) == {
        ("node", nested_net.node("x")), ("box", ("outer",)), ("box", ("head",))}
    assert main_path(nested_net.nodes, (), layout.item_of) == set()
    assert {i.name for i in scene_of(nested_net, depth=0).items() if i.on_spine} == {"x", "outer", "head"}
