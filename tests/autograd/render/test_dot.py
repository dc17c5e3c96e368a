"""The DOT text written from a scene, end to end: how items and edges look, and the work it takes."""

import re
import sys

import graphviz
import numpy as np

import nodes as nd
from autograd import Graph, Input, Parameter, draw
from autograd.render import health, save, scene_of
from autograd.render.dot import LABEL_PADDING, ROOMY, write_dot
from autograd.render.style import (
    BORDERS,
    HEALTH,
    KINDS,
    MUTED,
    NO_GRADIENT,
    NONFINITE_EDGE,
    ZERO_EDGE,
    addend_width,
    ramp,
    text_ink,
)

from .reading import DotText, attr_of


def test_draw_writes_the_scene_of_the_same_arguments(trained_net):
    for kwargs in ({"grads": True, "title": "Title\nmore", "notes": {"act": "n"}},
                   {"grads": "stats", "depth": 0, "values": True, "flow": "backward", "legend": False}):
        written = write_dot(scene_of(trained_net, **kwargs), rankdir="LR", graph_attr={"dpi": "72"}).source
        assert draw(trained_net, rankdir="LR", graph_attr={"dpi": "72"}, **kwargs).source == written


def test_graph_attributes_and_defaults(small_net):
    graph, _ = small_net
    source = draw(graph, rankdir="LR", graph_attr={"dpi": "150", "ranksep": "0.5"}).source
    head = source.splitlines()[1]
    assert "rankdir=LR" in head and "dpi=150" in head and "ranksep=0.5" in head and "ranksep=0.22" not in head
    assert source.startswith("digraph nodegrad {")


def test_every_item_and_edge_is_written_with_its_kind(small_net):
    graph, _ = small_net
    dot = DotText(draw(graph).source)
    assert set(dot.attrs) == {n.name for n in graph.nodes}
    assert sorted((s, t) for s, t, _ in dot.edges) == sorted((i.name, n.name) for n in graph.nodes for i in n.inputs)
    shapes = {name: dot.attr(name, "shape") for name in ("x", "fc.weight", "fc.add", "loss")}
    assert shapes == {"x": KINDS["input"]["shape"], "fc.weight": KINDS["parameter"]["shape"],
                      "fc.add": KINDS["op"]["shape"], "loss": KINDS["loss"]["shape"]}
    assert len(set(shapes.values())) == 4
    assert "(N, 3)" in dot.edge("x", "fc.matmul")  # the edge says the shape it carries
    assert "<b>matmul</b>" in dot.attrs["fc.matmul"] and "(N, 2)" in dot.attrs["fc.matmul"]


def test_clusters_nest_in_the_text(nested_net):
    lines = draw(nested_net).source.splitlines()
    outer = next(i for i, line in enumerate(lines) if "subgraph cluster_outer {" in line)
    inner = next(i for i, line in enumerate(lines) if "subgraph cluster_outer__inner {" in line)
    assert inner > outer
    depth = len(lines[outer]) - len(lines[outer].lstrip("\t"))
    assert len(lines[inner]) - len(lines[inner].lstrip("\t")) == depth + 1
    weight = next(i for i, line in enumerate(lines) if 'tooltip="outer.inner.weight' in line)
    close = next(i for i in range(inner, len(lines)) if lines[i].strip() == "}")
    assert inner < weight < close and "<b>weight</b>" in lines[weight]
    assert "12 params" in lines[outer + 1] and "fillcolor=\"#f8fafc\"" in lines[outer + 1]
    assert "fillcolor=\"#eef2f7\"" in lines[inner + 1]  # nested deeper, filled darker


def test_folded_blocks_are_3d_boxes_inside_their_cluster(nested_net):
    dot = DotText(draw(nested_net, depth=0).source)
    assert dot.attr("outer", "shape") == KINDS["block"]["shape"] and dot.attr("outer", "tooltip") == "outer (block)"
    expanded = draw(nested_net, depth=0, expand=["outer.inner"]).source.splitlines()
    start = next(i for i, line in enumerate(expanded) if "subgraph cluster_outer {" in line)
    box = next(i for i, line in enumerate(expanded) if 'tooltip="outer (block)"' in line)
    assert start < box and "rest of outer" in expanded[box]


def test_health_colours(sick_net, sick_blocks):
    dot = DotText(draw(sick_net, grads=True).source)
    assert dot.attr("broken", "fillcolor") == HEALTH["nonfinite"]["fillcolor"]
    assert dot.attr("broken", "fontcolor") == HEALTH["nonfinite"]["fontcolor"]
    assert HEALTH["nonfinite"]["fontcolor"] in dot.attrs["broken"].split("label=<", 1)[1]  # white ink inside
    assert dot.attr("dead", "fillcolor") == HEALTH["dead_relu"]["fillcolor"] and "100% zeros" in dot.attrs["dead"]
    assert dot.attr("frozen", "fillcolor") == HEALTH["frozen"]["fillcolor"]
    assert dot.attr("live", "color") == BORDERS["vanishing"]["color"]
    assert dot.attr("out", "fillcolor") == KINDS["op"]["fillcolor"]  # a healthy node stays plain
    boxes = DotText(draw(sick_blocks, depth=0, grads=True).source)
    assert boxes.attr("dying", "fillcolor") == HEALTH["dead_relu"]["fillcolor"]
    assert "dead ReLU in relu" in boxes.attrs["dying"]
    assert boxes.attr("quiet", "color") == BORDERS["vanishing"]["color"]
    assert "orange: dead ReLU" in boxes.caption() and "blue border: vanishing" in boxes.caption()


def test_addends_are_drawn_as_colour_and_width(trained_net):
    scene = scene_of(trained_net, grads=True)
    dot = DotText(draw(trained_net, grads=True).source)
    names = {item.id: item.name for item in scene.items()}
    widths = []
    for edge in scene.edges:
        attrs = dot.edge(names[edge.tail], names[edge.head])
        if edge.addend.sent:
            assert attr_of(attrs, "color") == ramp(edge.addend.strength)
            widths.append((edge.addend.strength, float(attr_of(attrs, "penwidth"))))
        else:
            assert attr_of(attrs, "style") == "dashed" and attr_of(attrs, "color") == NO_GRADIENT["color"]
    widths.sort()
    assert [w for _, w in widths] == sorted(w for _, w in widths) and widths[0][1] < widths[-1][1]
    # A parameter beside its consumer says its number on its edge too; no label sits by an edge's end.
    bias = dot.edge("fc.bias", "fc.add")
    assert " label=<" in f" {bias}" and attr_of(bias, "penwidth") is not None
    assert "taillabel" not in dot.source and "headlabel" not in dot.source
    caption = dot.caption()
    assert "norm of the addend" in caption and "log scale" in caption and "no gradient" in caption
    assert "NaN/inf" not in caption and "frozen" not in caption and "zero" not in caption
    assert "norm of the addend" not in DotText(draw(trained_net, grads=True, legend=False).source).caption()


def test_numbers_are_written_on_their_edges_in_their_edges_colours(fanning_net):
    # Each label is laid out by dot (so nothing runs into it: test_layout), padded off its edge's pen,
    # and written in its edge's colour darkened, so that a number says which edge it belongs to.
    scene = scene_of(fanning_net, grads=True)
    names = {item.id: item.name for item in scene.items()}
    dot = DotText(draw(fanning_net, grads=True).source)
    assert {e.label_at for e in scene.edges} == {"label"}
    for edge in scene.edges:
        attrs = dot.edge(names[edge.tail], names[edge.head])
        assert f' label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="{LABEL_PADDING}">' in f" {attrs}"
        assert f'<font color="{text_ink(ramp(edge.addend.strength))}">{edge.addend.text}</font>' in attrs
        assert float(attr_of(attrs, "arrowsize")) <= 0.6
    assert LABEL_PADDING > float(addend_width(1.0)) / 2


def test_without_addends_edges_are_plain(small_net):
    graph, feeds = small_net
    graph.forward(feeds)
    source = draw(graph, grads=True).source
    assert "gradients not computed yet" in source and "dG/df" not in source and "addend" not in source
    graph.backward(update=False)
    source = draw(graph, grads=True).source
    assert "keep_addends=True" in source and "addend sent back" not in source
    assert all(attr_of(attrs, "penwidth") is None for _, _, attrs in DotText(source).edges)
    graph.forward(feeds)
    graph.backward(keep_addends=True, update=False)
    graph.forward(feeds)
    stale = DotText(draw(graph, grads=True).source)
    assert "gradients are from an earlier forward pass" in stale.caption() and "dG/df" not in stale.source
    assert all(attr_of(attrs, "penwidth") is None for _, _, attrs in stale.edges)


def test_zero_and_non_finite_addends_have_colours_of_their_own(zero_addend_net, dividing_net):
    dot = DotText(draw(zero_addend_net, grads=True).source)
    zero = dot.edge("shift", "dead")
    assert attr_of(zero, "color") == ZERO_EDGE["color"] and "dashed" not in zero
    assert f'<font color="{MUTED}">0</font>' in zero  # its number as weak as its colour
    (live,) = [e for e in scene_of(zero_addend_net, grads=True).edges_between("mm2", "out")]
    assert f'<font color="{text_ink(ramp(live.addend.strength))}">' in dot.edge("mm2", "out")
    assert attr_of(dot.edge("w", "mm2"), "color") not in (ZERO_EDGE["color"], NO_GRADIENT["color"])
    assert "dashed" in dot.edge("x", "mm")
    assert "zero" in dot.caption() and "no gradient" in dot.caption()
    for x_value, word in ((np.ones((3, 2)), "inf"), (np.zeros((3, 2)), "nan")):
        for grads in (True, "stats"):
            for values in (False, True):
                dot = DotText(draw(dividing_net(x_value), grads=grads, values=values).source)
                edge = dot.edge("w", "q")
                assert attr_of(edge, "color") == NONFINITE_EDGE["color"] and word in re.sub(r"<[^>]+>", " ", edge)
                assert f'<font color="{NONFINITE_EDGE["color"]}"><b>' in edge  # its words red and bold too
                assert attr_of(dot.edge("q", "loss"), "color") != NONFINITE_EDGE["color"]
                assert "NaN/inf" in dot.caption()


def test_leaves_beside_their_consumer_share_its_rank_and_the_main_path_is_one_group(small_net):
    graph, _ = small_net
    dot = DotText(draw(graph).source)
    ids = {name: i for i, name in dot.name_of.items()}
    same = [set(s.split("; ")) for s in re.findall(r"\{rank=same; ([^}]*)\}", dot.source)]
    assert {ids["fc.weight"], ids["fc.matmul"]} in same and {ids["fc.bias"], ids["fc.add"]} in same
    assert {name for name in dot.attrs if dot.attr(name, "group") == "main"} == {"x", "fc.matmul", "fc.add", "act",
                                                                                   "loss"}


def test_a_leaf_right_of_its_consumer_is_written_right_to_left():
    x = Input(name="x", shape=(None, 4))
    bn = nd.BatchNorm(4, name="bn")(x)
    scene = scene_of(bn)
    dot = DotText(draw(bn).source)
    names = {item.id: item.name for item in scene.items()}
    assert sorted((s, t) for s, t, _ in dot.edges) == sorted((names[e.tail], names[e.head]) for e in scene.edges)
    (right,) = [e for e in scene.edges if e.beside == "right"]
    assert f"\t{right.head} -> {right.tail} [dir=back]" in dot.source
    assert f"\t{right.head} -> {right.tail} [" not in draw(bn, flow="backward").source  # flipped twice
    (row,) = re.findall(r"\{rank=same; ([^}]*)\}", dot.source)
    assert row.split("; ")[-1] == right.tail


def test_backward_flow_turns_every_arrow(teaching_net):
    dot = DotText(draw(teaching_net, grads=True, values=True, notes={"w": "a note"}, flow="backward").source,
                  flow="backward")
    assert dot.edges and all("dir=back" in attrs for _, _, attrs in dot.edges)
    assert "value [2 -3]" in dot.attrs["f"] and "dG/dw [1 -1]" in dot.attrs["w"] and "a note" in dot.attrs["w"]
    assert not any("dir=back" in attrs for _, _, attrs in DotText(draw(teaching_net).source).edges)


def test_teaching_graphs_give_their_long_edge_labels_room(teaching_net):
    source = draw(teaching_net, grads=True, values=True).source
    edge = DotText(source).edge("w", "f")
    assert " label=<" in " " + edge and "addend [1 -1]" in edge and "decorate" not in edge
    assert "{rank=same" not in source
    head = source.splitlines()[1]
    assert f"ranksep={ROOMY['ranksep']}" in head and f"nodesep={ROOMY['nodesep']}" in head
    assert "ranksep=0.22" in draw(teaching_net, grads=True).source.splitlines()[1]


def test_a_long_chain_writes_every_item_and_edge():
    x = Input(name="x", shape=(None, 2))
    y = x
    for _ in range(3000):
        y = nd.add(y, 1.0)
    dot = DotText(draw(y).source)
    assert len(dot.attrs) == 3000 * 2 + 1  # each add has a constant
    assert len(dot.edges) == 3000 * 2


def test_the_caption_holds_title_summary_and_legend(small_net):
    graph, _ = small_net
    caption = DotText(draw(graph, title="A <title>\nsecond").source).caption()
    assert "A &lt;title&gt;" in caption and "second" in caption and "8 nodes, 2 parameters (8 values)" in caption


# -- SVG, where Graphviz lays the text out ----------------------------------------
def test_names_are_drawn_as_they_are(tmp_path, dot_program):
    x = Input(name='odd "name" \\ here', shape=(None, 2))
    svg = graphviz.Source(draw(nd.relu(x, name="r")).source).pipe(format="svg").decode()
    assert "odd &quot;name&quot; \\ here" in svg
    x = Input("a\\Nb\nc\x01d", shape=(2,))  # \N would be Graphviz's node-name placeholder
    svg = open(save(draw(nd.sum(x * 2.0)), tmp_path / "names.svg"), encoding="utf-8").read()
    assert "a\\\u200bNb c d" in svg


def test_an_svg_shows_every_item_and_the_numbers(trained_net, tmp_path, dot_program):
    svg = open(save(draw(trained_net, grads=True, depth=0), tmp_path / "g.svg"), encoding="utf-8").read()
    assert svg.count('class="node"') == len(list(scene_of(trained_net, depth=0).items()))
    assert svg.count('class="cluster"') == 0 and "|dG/dθ|" in svg and "log scale" in svg


# -- work per node, not seconds -----------------------------------------------------
def calls_while(function):
    """How many Python and C functions `function()` calls (deterministic, unlike seconds)."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        function()
    finally:
        sys.setprofile(None)
    return calls


def test_drawing_does_a_bounded_amount_of_work_per_node(chain_graph):
    # About 175 calls per node with gradients (107 building the scene, 62
    # writing it), against 310 when graphviz quoted every node and each
    # array's norm was taken several times. The bounds catch a return to
    # that, in either half; the ratio catches work that grows faster than the graph.
    small, big = chain_graph(500), chain_graph(2000)
    per_node = calls_while(lambda: draw(big, grads=True).source) / len(big.nodes)
    assert per_node < 220
    scene = scene_of(big, grads=True)
    assert calls_while(lambda: scene_of(big, grads=True)) / len(big.nodes) < 140
    assert calls_while(lambda: write_dot(scene).source) / len(big.nodes) < 90
    assert calls_while(lambda: draw(big, grads=True)) < 4.4 * calls_while(lambda: draw(small, grads=True))


def test_each_array_is_summarised_once_and_graphviz_quotes_no_node(monkeypatch):
    x = Input(name="x", shape=(None, 2))
    w = Parameter(np.ones(2), name="w")
    y = nd.mul(x, w)
    for _ in range(300):
        y = nd.mul(y, 1.0)  # every node's gradient, and every addend, is an array of its own
    graph = Graph(nd.mean(y))
    graph.forward({"x": np.ones((3, 2))})
    graph.backward(keep_addends=True, update=False)
    arrays = {id(n.grad) for n in graph.nodes if n.grad is not None}
    arrays |= {id(a) for n in graph.nodes for a, need in zip(n.addends or (), n.needs) if a is not None and need}
    made = []
    original = health.Summary.__init__

    def counting(self, a):
        made.append(id(a))
        original(self, a)

    monkeypatch.setattr(health.Summary, "__init__", counting)
    quoted = []
    real_quote = graphviz.quoting.quote
    monkeypatch.setattr(graphviz.quoting, "quote", lambda *a, **k: quoted.append(a) or real_quote(*a, **k))
    source = draw(graph, grads=True).source
    assert len(made) == len(set(made)) and set(made) == arrays  # every gradient and addend, once each
    assert len(arrays) > len(graph.nodes) / 2
    assert len(quoted) < 50  # only the graph-wide attributes go through graphviz's quoting
    assert source.count(" -> ") == sum(len(n.inputs) for n in graph.nodes)
