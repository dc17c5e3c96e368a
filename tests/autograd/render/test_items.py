"""What each drawn item says: its kind, title, op and shape, gradient, values, notes and flags."""

import numpy as np
import pytest

import nodes as nd
from autograd import Constant, Graph, Input, Node
from autograd.render import scene_of
from autograd.render.items import says, short_name

from .reading import number_after, words


def test_names_ops_shapes_and_parameter_counts(small_net):
    graph, _ = small_net
    scene = scene_of(graph)
    matmul = scene.item("fc.matmul")
    assert (matmul.title, matmul.aside, matmul.lines) == ("matmul", "(N, 2)", ())  # the name says the op
    assert scene.item("x").lines == ("input (N, 3)",)
    assert scene.item("fc.weight").lines == ("(3, 2)  6 params",)
    assert scene.item("loss").lines == ("softmax_cross_entropy scalar",)
    assert scene.item("act").lines == ("relu (N, 2)",)  # the name 'act' does not say relu
    assert scene.item("fc.add").tooltip == "fc.add (add)" and scene.item("x").tooltip == "x (input)"


def test_kinds_are_told_apart(small_net):
    graph, _ = small_net
    scene = scene_of(graph)
    kinds = {name: scene.item(name).kind for name in ("x", "fc.weight", "fc.add", "loss")}
    assert kinds == {"x": "input", "fc.weight": "parameter", "fc.add": "op", "loss": "loss"}
    scene = scene_of(nd.add(Input(name="y", shape=(2,)), Constant(1.5, name="c"), name="plus"))
    assert scene.item("c").kind == "constant"
    assert (scene.item("c").lines, scene.item("c").aside) == (("constant scalar = 1.5",), None)
    scene = scene_of(nd.add(Input(name="y", shape=(2,)), Constant([1.5], name="constant"), name="plus"))
    assert (scene.item("constant").aside, scene.item("constant").lines) == ("(1,) = 1.5", ())


def test_the_op_is_shown_once_and_a_scalar_is_called_scalar(small_net):
    graph, feeds = small_net
    graph.forward(feeds)
    scene = scene_of(graph)
    assert words(scene.item("fc.matmul")).split().count("matmul") == 1
    assert "relu" in words(scene.item("act"))
    assert "scalar" in words(scene.item("loss")) and "()" not in words(scene.item("loss"))
    relu1 = nd.relu(Input(name="x", shape=(None, 2)), name="relu1")
    assert words(scene_of(relu1).item("relu1")).split().count("relu") == 0
    long = nd.relu(Input(name="x", shape=(None, 2)), name="relu_1234567890123456")
    item = scene_of(long).item("relu_1234567890123456")
    assert item.aside is None and item.lines == ("(N, 2)",)  # a long title keeps the shape below it


def test_a_name_says_its_op_with_or_without_a_number():
    assert says("relu", "relu") and says("relu1", "relu") and says("add_3", "add")
    assert not says("act", "relu") and not says("relu1x", "relu")


def test_short_names_drop_the_scope_the_cluster_shows(nested_net):
    weight = nested_net.parameter("outer.inner.weight")
    assert short_name(weight) == "weight"
    assert short_name(weight, ("outer",)) == "inner.weight"
    assert short_name(nested_net.node("x")) == "x"


def test_shape_from_the_value_when_the_node_cannot_infer_it():
    class Twice(Node):
        """f = 2 x (no infer_shape).   Backward: dG/dx = 2 g."""

        op = "twice"

        def forward(self, x):
            return 2 * x

        def backward(self, g):
            return (2 * g,)

    x = Input(name="x")
    y = Twice(x, name="y")
    assert scene_of(y).item("y").lines == ("twice ?",)
    Graph(y).forward({"x": np.ones((7, 5))})
    assert scene_of(y).item("y").lines == ("twice (N, 5)",)


def test_a_leading_axis_of_rows_is_shown_relative_to_the_batch():
    x = Input(name="x", shape=(None, 16, 4))
    rows = nd.reshape(x, (-1, 4), name="rows")  # (N·16, 4)
    pairs = nd.reshape(x, (-1, 2, 16, 4), name="pairs")  # two examples per entry: (N/2, 2, 16, 4)
    graph = Graph(nd.relu(rows, name="r"), nd.relu(pairs, name="p"))
    graph.forward({"x": np.ones((6, 16, 4))})
    scene = scene_of(graph)
    assert "(N·16, 4)" in words(scene.item("rows")) and "(N·16, 4)" in words(scene.item("r"))
    assert "(N/2, 2, 16, 4)" in words(scene.item("pairs"))
    assert "(N, 16, 4)" in words(scene.item("x"))
    (edge,) = scene.edges_between("rows", "r")
    assert edge.shape == "(N·16, 4)" and edge.show_shape


def test_the_vision_transformer_rows_read_n_times_16():
    from autograd.demo import models

    model = models.build("vit", seed=0)
    graph = Graph(model.logits)
    graph.forward({"image": np.zeros((4, 28, 28), dtype=np.float32)}, grad=False)
    scene = scene_of(graph, depth=0, expand=["block1"])
    assert "(N·16, 64)" in words(scene.item("block1.rows"))
    assert "(N, 16, 64)" in words(scene.item("block1.tokens"))


# -- gradients ------------------------------------------------------------------
def test_node_gradient_norms_match_the_gradients(trained_net):
    scene = scene_of(trained_net, grads=True)
    checked = 0
    for node in trained_net.nodes:
        item = scene.item(node.name)
        if node.grad is None:
            assert item.grad_lines == ()
            continue
        (line,) = item.grad_lines
        assert number_after(line, "|dG/df|") == pytest.approx(np.linalg.norm(node.grad), rel=1e-2)
        checked += 1
    assert checked >= 5  # loss, act, fc.add, fc.matmul, both parameters


def test_gradient_statistics_mode_shows_mean_and_std(small_net):
    graph, feeds = small_net
    graph.forward(feeds)
    graph.backward(update=False)
    scene = scene_of(graph, grads="stats")
    g = graph.node("fc.matmul").grad
    (line,) = scene.item("fc.matmul").grad_lines
    assert line.startswith("dG/df mean")
    assert number_after(line, "mean") == pytest.approx(g.mean(), rel=1e-2, abs=1e-6)
    assert number_after(line, "std") == pytest.approx(g.std(), rel=1e-2)
    # A scalar has no spread: it shows its norm.
    assert scene.item("loss").grad_lines == ("|dG/df| 1",)


def test_a_shared_parameter_shows_the_sum_of_the_addends_it_received(shared_weight_net):
    graph = shared_weight_net
    first, second = graph.node("first"), graph.node("second")
    (line,) = scene_of(graph, grads=True).item("w").grad_lines
    assert number_after(line, "|dG/df|") == pytest.approx(np.linalg.norm(first.addends[1] + second.addends[1]),
                                                          rel=1e-2)


def test_values_notes_and_small_gradients(teaching_net):
    scene = scene_of(teaching_net, grads=True, values=True, notes={"w": "a note", "f": ["one", "two"]})
    assert "value [2 -3]" in scene.item("f").lines
    assert scene.item("w").lines == ("(2,)  2 params", "value [2 3]")
    assert scene.item("w").grad_lines == ("dG/dw [1 -1]",)  # dG/dw = x * 1
    assert scene.item("w").notes == ("a note",) and scene.item("f").notes == ("one", "two")
    assert scene.item("x").notes == ()
    w = teaching_net.parameter("w")
    assert scene_of(teaching_net, notes={w: "by node"}).item("w").notes == ("by node",)


# -- health flags ---------------------------------------------------------------
def test_flagged_nodes_say_what_is_wrong(sick_net):
    scene = scene_of(sick_net, grads=True)
    assert [f for f, _ in scene.item("broken").flags] == ["nonfinite"]
    assert scene.item("dead").flags == (("dead_relu", "dead ReLU: 100% zeros"),)
    assert scene.item("frozen").flags == (("frozen", "frozen"),)
    assert scene.item("live").flags == (("vanishing", "vanishing gradient"),)
    assert scene.item("out").flags == ()  # a healthy node stays plain


def test_folded_boxes_carry_the_worst_health_flag_of_their_contents(sick_blocks):
    scene = scene_of(sick_blocks, depth=0, grads=True)
    assert scene.item("dying").flags == (("dead_relu", "dead ReLU in relu"),
                                         ("vanishing", "vanishing gradient in weight"))
    quiet = dict(scene.item("quiet").flags)
    assert quiet["vanishing"].startswith("vanishing gradient in ")
    assert scene.legend.flags == ("dead_relu", "vanishing")
    # The box's gradient line: its parameters' gradient norms taken together.
    weight = sick_blocks.parameter("quiet.weight")
    (line,) = scene.item("quiet").grad_lines
    assert number_after(line, "|dG/dθ|") == pytest.approx(np.linalg.norm(weight.grad), rel=1e-2)


def test_a_box_is_frozen_only_when_all_its_parameters_are(nested_net):
    for p in nested_net.parameters:
        if p.name.startswith("outer."):
            p.freeze()
    scene = scene_of(nested_net, depth=0)
    assert scene.item("outer").flags == (("frozen", "frozen"),)
    assert scene.item("head").flags == ()
    nested_net.parameter("outer.inner.bias").unfreeze()
    assert scene_of(nested_net, depth=0).item("outer").flags == ()
