"""Repeated calls of a block: one box 'cell × T' by default, unrolled on request, the gradient reaching each call."""

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input
from autograd.render import draw, scene_of
from autograd.render.repeats import Repeats, call_of, covers, sparkline
from autograd.render.scopes import Layout

STEPS = 5


def recurrent_graph(block, keep_addends=True):
    """block (3 -> 4 features) over STEPS steps, every output summed with fixed weights; after backward."""
    x = Input("x", shape=(None, STEPS, 3))
    graph = Graph(nd.sum(nd.mul(block(x), np.linspace(-1, 1, 4), name="weigh"), name="total"))
    graph.forward(x=np.random.default_rng(0).standard_normal((2, STEPS, 3)))
    graph.backward(update=False, keep_addends=keep_addends)
    return graph


@pytest.fixture
def rnn_graph():
    return recurrent_graph(nd.RNN(3, 4, fused=True, name="rnn", rng=np.random.default_rng(1)))


def test_a_scope_segment_names_its_block_and_call():
    assert call_of("cell_l0#12") == ("cell_l0", 12)
    assert call_of("cell_l0") == ("cell_l0", 0)
    assert call_of("#3") == ("#3", 0) and call_of("a#b") == ("a#b", 0)


def test_groups_are_blocks_called_more_than_once_under_one_parent():
    scopes = [("rnn", "cell"), ("rnn", "cell#1"), ("rnn", "cell#2", "inner"), ("rnn",), ("fc",), ("other#1",)]
    repeats = Repeats(scopes)
    assert repeats.counts == {(("rnn",), "cell"): 3}  # 'other#1' alone is no repeat: its first call is missing
    assert repeats.fold(("rnn", "cell#2", "inner")) == (1, ("rnn", "cell"))
    assert repeats.fold(("rnn",)) is None
    assert Repeats(scopes, expand=[("rnn", "cell#1")]).opened == {(("rnn",), "cell")}
    assert Repeats(scopes, unroll=True).fold(("rnn", "cell#1")) is None
    assert covers(("rnn", "cell"), ("rnn", "cell#2", "inner")) and not covers(("rnn", "cell#1"), ("rnn", "cell#2"))


def test_a_block_called_at_every_step_is_one_box_by_default(rnn_graph):
    scene = scene_of(rnn_graph)
    box = scene.item("rnn.cell_l0")
    assert box.kind == "block" and box.title == f"cell_l0 × {STEPS}" and box.calls == STEPS
    assert box.lines[0] == f"{STEPS} calls, 2 nodes each → (N, 4)"  # the step's input and its fused cell
    assert len(box.members) == 2 * STEPS and "rnn.cell_l0#4.cell" in box.members
    assert [c.path for c in scene.cluster("rnn").clusters] == []
    assert f"cell_l0 × {STEPS}" in draw(rnn_graph).source


@pytest.mark.parametrize("how", [{"expand": ["rnn.cell_l0"]}, {"expand": ["rnn.cell_l0#3"]}, {"unroll": True}],
                         ids=["block", "one-call", "unroll"])
def test_expanding_the_block_draws_every_call(rnn_graph, how):
    scene = scene_of(rnn_graph, **how)
    calls = [c.path[-1] for c in scene.cluster("rnn").clusters]
    assert calls == ["cell_l0"] + [f"cell_l0#{k}" for k in range(1, STEPS)]
    assert not [i for i in scene.items() if i.calls]
    assert scene.item("rnn.cell_l0#2.cell").kind == "op"


def test_depth_folds_the_whole_block_and_expanding_it_keeps_the_calls_folded(rnn_graph):
    assert scene_of(rnn_graph, depth=0).item("rnn").calls == 0  # the outer fold wins
    open_block = scene_of(rnn_graph, depth=0, expand=["rnn"])
    assert open_block.item("rnn.cell_l0").calls == STEPS
    unrolled = scene_of(rnn_graph, depth=0, expand=["rnn.cell_l0"])
    assert unrolled.item("rnn").title == "rest of rnn"  # the parameters, outside the calls
    assert len(unrolled.cluster("rnn").clusters) == STEPS


def test_the_box_shows_the_gradient_reaching_each_call(rnn_graph):
    box = scene_of(rnn_graph, grads=True).item("rnn.cell_l0")
    # A fused step's only node used outside its call is its state h_t: what reaches the call is dG/dh_t.
    expected = [np.linalg.norm(rnn_graph.node(f"rnn.cell_l0{'#' + str(t) if t else ''}.cell").grad)
                for t in range(STEPS)]
    np.testing.assert_allclose(box.reaching, expected, rtol=1e-6)
    assert box.grad_lines[-1] == sparkline(box.reaching) and len(box.grad_lines[-1]) == STEPS
    assert box.grad_lines[-2].startswith(f"|dG| reaching calls 1…{STEPS}: ")
    without = recurrent_graph(nd.RNN(3, 4, fused=True, name="rnn", rng=np.random.default_rng(1)), keep_addends=False)
    assert scene_of(without, grads=True).item("rnn.cell_l0").reaching == ()


def test_an_edge_into_the_box_carries_the_sum_of_the_steps_addends(rnn_graph):
    scene = scene_of(rnn_graph, grads=True)
    weight = rnn_graph.parameter("rnn.weight_hh_l0")
    (edge,) = scene.edges_between("rnn.weight_hh_l0", "rnn.cell_l0")
    assert edge.addend.norm == pytest.approx(np.linalg.norm(weight.grad), rel=1e-6)  # the steps' addends summed
    addends = [n.addends[3] for n in rnn_graph.nodes if n.op == "rnn_cell"]
    assert len(addends) == STEPS and edge.addend.norm < sum(np.linalg.norm(a) for a in addends)


def test_wired_lstm_calls_fold_too_and_a_weight_tied_layer_called_twice_is_one_box():
    graph = recurrent_graph(nd.LSTM(3, 4, name="lstm", rng=np.random.default_rng(2)))
    box = scene_of(graph, grads=True).item("lstm.cell_l0")
    assert box.calls == STEPS and box.lines[0].startswith(f"{STEPS} calls, 18 nodes each")
    assert len(box.reaching) == STEPS and min(box.reaching) > 0
    fc = nd.Linear(3, 3, name="fc", rng=np.random.default_rng(3))
    x = Input("x", shape=(None, 3))
    layout = Layout(Graph(fc(fc(x))).nodes)
    assert layout.calls == {("fc",): 2}


def test_a_sparkline_is_a_log_scale_of_bars():
    assert sparkline([1e-4, 1e-2, 1.0]) == "▁▅█"
    assert sparkline([0.0, 2.0, 2.0]) == " ▁▁"
    assert sparkline([]) == "" and sparkline([0.0]) == " "
