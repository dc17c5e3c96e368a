"""Diagrams: the DOT source says what the graph is, and files come out with or without `dot`."""

import re
import sys

import graphviz
import numpy as np
import pytest

import nodes as nd
from autograd import SGD, Graph, Input, Node, Parameter, draw, scope
from autograd.render import Diagram, health, save, style
from autograd.render.gradients import current_gradients
from autograd.render.markup import html_label, quote
from autograd.render.output import INSTALL_HINT
from autograd.render.style import BORDERS, HEALTH, KINDS, NO_GRADIENT, NONFINITE_EDGE, RAMP, ZERO_EDGE
from autograd.render.text import format_shape, shape_of
from autograd.unbroadcast import unbroadcast

NODE_LINE = re.compile(r"^\s*([nb]\d+) \[(.*)\]$")
EDGE_LINE = re.compile(r"^\s*([nb]\d+) -> ([nb]\d+)(?: \[(.*)\])?$")
TOOLTIP = re.compile(r'tooltip="([^"]*)"')
GRAD_NUMBER = re.compile(rf'<font color="{style.GRAD_TEXT}"><?b?>?([^<]*)<')


class Drawn:
    """The nodes and edges of a DOT source, keyed by the full node name (from the tooltip).

    Edges are (input, consumer, attributes) whichever way the DOT line is
    written: a parameter drawn to the right of its consumer has its edge
    written right to left with its arrow turned (dir=back in a forward drawing).
    """

    def __init__(self, source, flow="forward"):
        self.source = source
        self.attrs = {}  # name -> attribute text
        self.name_of = {}  # dot id -> name
        self.edges = []  # (source name, target name, attribute text)
        for line in source.splitlines():
            m = NODE_LINE.match(line)
            if m:
                tooltip = TOOLTIP.search(m.group(2)).group(1)
                name = tooltip.split(" (")[0]
                self.attrs[name] = m.group(2)
                self.name_of[m.group(1)] = name
                continue
            m = EDGE_LINE.match(line)
            if m:
                self.edges.append((m.group(1), m.group(2), m.group(3) or ""))
        turned = [("dir=back" in attrs) != (flow == "backward") for _, _, attrs in self.edges]
        self.edges = [(self.name_of[b], self.name_of[a], attrs) if t else (self.name_of[a], self.name_of[b], attrs)
                      for (a, b, attrs), t in zip(self.edges, turned)]

    def label(self, name):
        return re.search(r"label=<(.*)>", self.attrs[name]).group(1)

    def caption(self):
        """The words of the graph's own label (title, summary, captions, legend)."""
        line = next(line for line in self.source.splitlines() if line.startswith("\tlabel="))
        return re.sub(r"<[^>]+>", " ", line)

    def text(self, name):
        """The label's words without the HTML markup."""
        return re.sub(r"<[^>]+>", " ", self.label(name))

    def number_after(self, name, prefix):
        m = re.search(re.escape(prefix) + r"\s*(-?[0-9.e+-]+)", self.text(name))
        assert m, f"no {prefix!r} in the label of {name}: {self.text(name)}"
        return float(m.group(1))

    def edges_between(self, a, b):
        return [attrs for s, t, attrs in self.edges if (s, t) == (a, b)]

    def attr(self, name, key):
        outside_label = re.sub(r"label=<.*>>", "", self.attrs[name])
        m = re.search(rf'\b{key}="?([^" ]+)"?', outside_label)
        return m.group(1) if m else None


def edge_attr(attrs, key):
    outside_label = re.sub(r"label=<.*>>", "", attrs)
    m = re.search(rf'\b{key}="?([^" \]]+)"?', outside_label)
    return m.group(1) if m else None


def addend_shown(attrs):
    """The addend norm written on an edge."""
    m = GRAD_NUMBER.search(attrs)
    assert m, f"no addend on the edge {attrs}"
    return m.group(1)


def small_net(seed=0):
    """x (N, 3) -> fc (Linear 3->2) -> relu -> softmax cross-entropy."""
    rng = np.random.default_rng(seed)
    x = Input(name="x", shape=(None, 3))
    labels = Input(name="labels", shape=(None,), dtype=np.int64)
    fc = nd.Linear(3, 2, name="fc", rng=rng)
    h = nd.relu(fc(x), name="act")
    loss = nd.softmax_cross_entropy(h, labels, name="loss")
    graph = Graph(loss, rule=SGD(0.1))
    feeds = {"x": rng.standard_normal((5, 3)), "labels": rng.integers(0, 2, 5)}
    return graph, feeds


def test_small_graph_has_every_node_edge_name_op_and_shape():
    graph, _ = small_net()
    drawn = Drawn(draw(graph).source)
    assert set(drawn.attrs) == {n.name for n in graph.nodes}
    # One edge per (consumer, input) pair of the graph, in the data-flow direction.
    expected = sorted((i.name, n.name) for n in graph.nodes for i in n.inputs)
    assert sorted((s, t) for s, t, _ in drawn.edges) == expected
    assert "matmul" in drawn.text("fc.matmul") and "(N, 2)" in drawn.text("fc.matmul")
    assert "(N, 3)" in drawn.text("x")
    assert "(3, 2)" in drawn.text("fc.weight") and "6 params" in drawn.text("fc.weight")
    assert "softmax_cross_entropy" in drawn.text("loss")
    # Edges carry the shape of the tensor they bring.
    assert "(N, 3)" in drawn.edges_between("x", "fc.matmul")[0]


def test_kinds_are_told_apart_by_shape():
    graph, _ = small_net()
    drawn = Drawn(draw(graph).source)
    shapes = {name: drawn.attr(name, "shape") for name in ("x", "fc.weight", "fc.add", "loss")}
    assert shapes == {
        "x": KINDS["input"]["shape"], "fc.weight": KINDS["parameter"]["shape"],
        "fc.add": KINDS["op"]["shape"], "loss": KINDS["loss"]["shape"],
    }
    assert len(set(shapes.values())) == 4


def test_drawing_a_node_draws_only_the_subgraph_under_it():
    graph, _ = small_net()
    act = graph.node("act")
    drawn = Drawn(draw(act).source)
    assert set(drawn.attrs) == {"x", "fc.weight", "fc.matmul", "fc.bias", "fc.add", "act"}


def test_node_gradient_norms_match_the_gradients():
    graph, feeds = small_net()
    graph.forward(feeds)
    graph.backward(keep_addends=True, update=False)
    drawn = Drawn(draw(graph, grads=True).source)
    checked = 0
    for node in graph.nodes:
        if node.grad is None:
            assert "dG/df" not in drawn.text(node.name)
            continue
        shown = drawn.number_after(node.name, "|dG/df|")
        assert shown == pytest.approx(np.linalg.norm(node.grad), rel=1e-2)
        checked += 1
    assert checked >= 5  # loss, act, fc.add, fc.matmul, both parameters


def test_gradient_statistics_mode_shows_mean_and_std():
    graph, feeds = small_net()
    graph.forward(feeds)
    graph.backward(update=False)
    drawn = Drawn(draw(graph, grads="stats").source)
    g = graph.node("fc.matmul").grad
    assert drawn.number_after("fc.matmul", "mean") == pytest.approx(g.mean(), rel=1e-2, abs=1e-6)
    assert drawn.number_after("fc.matmul", "std") == pytest.approx(g.std(), rel=1e-2)


def test_edge_addends_are_shown_reduced_to_the_input_shape():
    rng = np.random.default_rng(0)
    x = Input(name="x", shape=(None, 3))
    shift = nd.tanh(Parameter(rng.standard_normal(3), name="p"), name="shift")  # (3,), not a leaf
    out = nd.mul(nd.add(x, shift, name="add"), 2.0, name="out")
    graph = Graph(out)
    graph.forward({"x": rng.standard_normal((5, 3))})
    graph.backward(keep_addends=True, update=False)
    (edge,) = Drawn(draw(graph, grads=True).source).edges_between("shift", "add")
    shown = float(addend_shown(edge))
    # shift has one consumer, so the addend it received (summed over the batch
    # from the (N, 3) one the add node computed) is exactly its gradient.
    assert shown == pytest.approx(np.linalg.norm(shift.grad), rel=1e-2)
    assert np.linalg.norm(np.broadcast_to(shift.grad, (5, 3))) != pytest.approx(shown, rel=1e-2)
    # A parameter beside its only consumer shows the same number once, on itself.
    graph, feeds = small_net()
    graph.forward(feeds)
    graph.backward(keep_addends=True, update=False)
    drawn = Drawn(draw(graph, grads=True).source)
    bias_edge = drawn.edges_between("fc.bias", "fc.add")[0]
    assert "label" not in bias_edge and edge_attr(bias_edge, "penwidth") is not None
    bias = graph.parameter("fc.bias")
    assert drawn.number_after("fc.bias", "|dG/df|") == pytest.approx(np.linalg.norm(bias.grad), rel=1e-2)
    # Stronger addends are drawn wider.
    widths = {}
    for s, t, attrs in drawn.edges:
        m = re.search(r"penwidth=\"?([0-9.]+)", attrs)
        if m:
            widths[(s, t)] = float(m.group(1))
    norms = {}
    for consumer in graph.nodes:
        for i, inp in enumerate(consumer.inputs):
            if consumer.addends is not None and consumer.addends[i] is not None and consumer.needs[i]:
                norms[(inp.name, consumer.name)] = np.linalg.norm(unbroadcast(consumer.addends[i], inp.value.shape))
    strongest = max(norms, key=norms.get)
    weakest = min(norms, key=norms.get)
    assert widths[strongest] > widths[weakest]
    # The labels input gets no gradient: its edge is dashed and carries no addend.
    assert "dashed" in drawn.edges_between("labels", "loss")[0]


def test_shared_parameter_sums_the_addends_of_its_consumers():
    rng = np.random.default_rng(3)
    x = Input(name="x", shape=(None, 4))
    w = Parameter(rng.standard_normal((4, 4)), name="w")
    first = nd.matmul(x, w, name="first")
    second = nd.matmul(first, w, name="second")
    graph = Graph(second)
    graph.forward({"x": rng.standard_normal((2, 4))})
    graph.backward(keep_addends=True, update=False)
    drawn = Drawn(draw(graph, grads=True).source)
    a1 = float(addend_shown(drawn.edges_between("w", "first")[0]))
    a2 = float(addend_shown(drawn.edges_between("w", "second")[0]))
    assert a1 == pytest.approx(np.linalg.norm(first.addends[1]), rel=1e-2)
    assert a2 == pytest.approx(np.linalg.norm(second.addends[1]), rel=1e-2)
    assert drawn.number_after("w", "|dG/df|") == pytest.approx(
        np.linalg.norm(first.addends[1] + second.addends[1]), rel=1e-2)


def test_asking_for_gradients_before_backward_says_so():
    graph, feeds = small_net()
    graph.forward(feeds)
    source = draw(graph, grads=True).source
    assert "gradients not computed yet" in source
    assert "dG/df" not in source and "addend" not in source


def test_backward_without_kept_addends_says_how_to_keep_them():
    graph, feeds = small_net()
    graph.forward(feeds)
    graph.backward(update=False)
    source = draw(graph, grads=True).source
    assert "keep_addends=True" in source and "addend sent back" not in source
    assert all(edge_attr(attrs, "penwidth") is None for _, _, attrs in Drawn(source).edges)


def nested_net():
    rng = np.random.default_rng(1)
    x = Input(name="x", shape=(None, 3))
    with scope("outer"):
        a = nd.Linear(3, 3, name="inner", rng=rng)(x)
        b = nd.relu(a, name="act")
    out = nd.Linear(3, 2, name="head", rng=rng)(b)
    return Graph(out)


def test_scopes_become_nested_clusters():
    lines = draw(nested_net()).source.splitlines()
    outer = next(i for i, line in enumerate(lines) if "subgraph cluster_outer {" in line)
    inner = next(i for i, line in enumerate(lines) if "subgraph cluster_outer__inner {" in line)
    assert inner > outer
    depth = len(lines[outer]) - len(lines[outer].lstrip("\t"))
    assert len(lines[inner]) - len(lines[inner].lstrip("\t")) == depth + 1
    # The weight sits inside the inner cluster, named without the prefix.
    weight = next(i for i, line in enumerate(lines) if 'tooltip="outer.inner.weight' in line)
    close = next(i for i in range(inner, len(lines)) if lines[i].strip() == "}")
    assert inner < weight < close
    assert "<b>weight</b>" in lines[weight]


def test_depth_collapses_deep_clusters_into_boxes_with_parameter_counts():
    graph = nested_net()
    drawn = Drawn(draw(graph, depth=0).source)
    assert "outer" in drawn.attrs and "head" in drawn.attrs
    assert not any(name.startswith("outer.") or name.startswith("head.") for name in drawn.attrs)
    assert f"{3 * 3 + 3} params" in drawn.text("outer")
    assert f"{3 * 2 + 2} params" in drawn.text("head")
    assert drawn.attr("outer", "shape") == KINDS["block"]["shape"]
    assert sorted((s, t) for s, t, _ in drawn.edges) == [("outer", "head"), ("x", "outer")]
    # depth=1 keeps the outer cluster and folds the Linear inside it.
    drawn1 = Drawn(draw(graph, depth=1).source)
    assert "outer.inner" in drawn1.attrs and "outer.act" in drawn1.attrs
    assert "subgraph cluster_outer {" in drawn1.source
    assert ("outer.inner", "outer.act") in [(s, t) for s, t, _ in drawn1.edges]


def test_expand_opens_one_scope_and_folds_the_rest_of_its_parent():
    drawn = Drawn(draw(nested_net(), depth=0, expand=["outer.inner"]).source)
    assert {"outer.inner.weight", "outer.inner.matmul", "outer.inner.add"} <= set(drawn.attrs)
    assert "head" in drawn.attrs and "head.weight" not in drawn.attrs
    # outer.act is all that is left of outer: a box inside the outer cluster.
    assert "outer.act" not in drawn.attrs and "rest of outer" in drawn.text("outer")
    lines = drawn.source.splitlines()
    start = next(i for i, line in enumerate(lines) if "subgraph cluster_outer {" in line)
    box = next(i for i, line in enumerate(lines) if 'tooltip="outer (block)"' in line)
    assert start < box
    assert ("outer.inner.add", "outer") in [(s, t) for s, t, _ in drawn.edges]


def test_health_colours():
    rng = np.random.default_rng(2)
    x = Input(name="x", shape=(None, 3))
    frozen = Parameter(rng.standard_normal((3, 3)), name="frozen", frozen=True)
    live = Parameter(rng.standard_normal((3, 3)), name="live")
    dead = nd.relu(nd.sub(nd.matmul(x, frozen, name="mm"), 1e3, name="shift"), name="dead")
    tiny = nd.mul(nd.matmul(x, live, name="mm2"), 1e-12, name="tiny")
    broken = nd.div(x, nd.sub(x, x, name="zero"), name="broken")
    graph = Graph(nd.add(dead, tiny, name="out"), broken)
    with np.errstate(all="ignore"):
        graph.forward({"x": rng.standard_normal((4, 3))})
        graph.backward(update=False)
    drawn = Drawn(draw(graph, grads=True).source)
    assert drawn.attr("broken", "fillcolor") == HEALTH["nonfinite"]["fillcolor"]
    assert drawn.attr("dead", "fillcolor") == HEALTH["dead_relu"]["fillcolor"]
    assert "100% zeros" in drawn.text("dead")
    assert drawn.attr("frozen", "fillcolor") == HEALTH["frozen"]["fillcolor"]
    assert drawn.attr("live", "color") == BORDERS["vanishing"]["color"]
    assert drawn.attr("out", "fillcolor") == KINDS["op"]["fillcolor"]  # a healthy node stays plain


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
    assert "twice ?" in Drawn(draw(y).source).text("y")
    Graph(y).forward({"x": np.ones((7, 5))})
    assert "twice (N, 5)" in Drawn(draw(y).source).text("y")


def test_values_notes_and_backward_flow():
    x = Input(name="x", shape=(None, 2))
    w = Parameter([2.0, 3.0], name="w")
    f = nd.mul(x, w, name="f")
    graph = Graph(f)
    graph.forward({"x": np.array([[1.0, -1.0]])})
    graph.backward(keep_addends=True, update=False)
    drawn = Drawn(draw(graph, grads=True, values=True, notes={"w": "a note"}, flow="backward").source)
    assert "value [2 -3]" in drawn.text("f")
    assert "dG/dw [1 -1]" in drawn.text("w")  # dG/dw = x * 1
    assert "a note" in drawn.text("w")
    assert all("dir=back" in attrs for _, _, attrs in drawn.edges)


def test_bad_arguments_are_refused():
    graph, _ = small_net()
    with pytest.raises(TypeError):
        draw("not a graph")
    with pytest.raises(ValueError):
        draw(graph, grads="loud")
    with pytest.raises(ValueError):
        draw(graph, depth=-1)
    with pytest.raises(KeyError):
        draw(graph, notes={"nowhere": "x"})


@pytest.mark.parametrize("ext, magic", [("svg", b"<svg"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_real_files_from_the_dot_program(tmp_path, ext, magic):
    graph, _ = small_net()
    path = tmp_path / f"net.{ext}"
    written = save(draw(graph), path)
    assert written == str(path)
    data = path.read_bytes()
    assert magic in data[:400]
    if ext == "svg":
        assert b"fc" in data and b"softmax_cross_entropy" in data


def test_path_argument_saves(tmp_path):
    graph, _ = small_net()
    draw(graph, path=tmp_path / "sub" / "g.svg")
    assert b"<svg" in (tmp_path / "sub" / "g.svg").read_bytes()


def test_without_the_dot_program_the_source_is_written(tmp_path, monkeypatch, capsys):
    graph, _ = small_net()
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    diagram = draw(graph)  # drawing needs no program
    assert "digraph" in diagram.source
    written = save(diagram, tmp_path / "net.png")
    assert written == str(tmp_path / "net.dot")
    assert (tmp_path / "net.dot").read_text() == diagram.source
    assert not (tmp_path / "net.png").exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "install Graphviz" in err[0]
    # Jupyter's display falls back to the source instead of raising.
    bundle = diagram._repr_mimebundle_()
    assert "install Graphviz" in bundle["text/plain"] and "digraph" in bundle["text/plain"]


def test_unknown_extension_is_refused(tmp_path):
    graph, _ = small_net()
    with pytest.raises(ValueError, match="svg"):
        save(draw(graph), tmp_path / "net.jpeg2")


def test_a_long_chain_draws_every_node():
    x = Input(name="x", shape=(None, 2))
    y = x
    for _ in range(3000):
        y = nd.add(y, 1.0)
    drawn = Drawn(draw(y).source)
    assert len(drawn.attrs) == 3000 * 2 + 1  # each add has a constant
    assert len(drawn.edges) == 3000 * 2


# -- non-finite addends --------------------------------------------------------
def dividing_net(x_value):
    """loss = mean(x / w) with w = [1, 0]: the addend sent to w holds inf (or NaN)."""
    x = Input(name="x", shape=(None, 2))
    w = Parameter([1.0, 0.0], name="w")
    loss = nd.mean(nd.div(x, w, name="q"), name="loss")
    graph = Graph(loss)
    with np.errstate(all="ignore"):
        graph.forward({"x": x_value})
        graph.backward(keep_addends=True, update=False)
    return graph


@pytest.mark.parametrize("grads", [True, "stats"])
@pytest.mark.parametrize("values", [False, True])
@pytest.mark.parametrize("x_value, word", [(np.ones((3, 2)), "inf"), (np.zeros((3, 2)), "nan")])
def test_non_finite_addends_are_drawn_as_such(grads, values, x_value, word):
    graph = dividing_net(x_value)
    addend = graph.node("q").addends[1]
    assert not np.all(np.isfinite(addend))
    drawn = Drawn(draw(graph, grads=grads, values=values).source)  # no ValueError on NaN
    (edge,) = drawn.edges_between("w", "q")
    assert edge_attr(edge, "color") == NONFINITE_EDGE["color"]
    assert word in re.sub(r"<[^>]+>", " ", edge)
    # The finite edge keeps a ramp colour and the legend names the red.
    (finite,) = drawn.edges_between("q", "loss")
    assert edge_attr(finite, "color") != NONFINITE_EDGE["color"]
    assert "NaN/inf" in drawn.caption()


def test_colour_ramp_and_strength_take_any_float():
    from autograd.render.edges import strength as _strength

    for t in (float("nan"), float("inf"), -float("inf"), -1.0, 2.0):
        assert re.fullmatch(r"#[0-9a-f]{6}", style.ramp(t))
        assert 0.0 <= _strength(t, -1.0, 1.0) <= 1.0


def test_norms_of_arrays_that_overflow_or_underflow_float32():
    big = np.full(4, 1e30, dtype=np.float32)  # its float32 sum of squares overflows
    assert health.norm(big) == pytest.approx(2e30, rel=1e-6)
    tiny = np.full(4, 1e-25, dtype=np.float32)  # its float32 squares underflow to 0
    assert health.norm(tiny) == pytest.approx(2e-25, rel=1e-6)
    assert np.isnan(health.norm(np.array([1.0, np.nan]))) and health.norm(np.array([1.0, -np.inf])) == np.inf
    with np.errstate(all="ignore"):
        assert not health.Summary(np.array([np.inf])).finite
        huge = health.Summary(np.full(2, 1e200))  # finite, but its squares overflow even float64
        assert huge.finite and huge.norm == pytest.approx(np.sqrt(2) * 1e200)


# -- stale gradients -----------------------------------------------------------
@pytest.mark.parametrize("grad", [False, True])
def test_gradients_of_an_earlier_forward_pass_are_not_drawn_as_current(grad):
    graph, feeds = small_net()
    graph.forward(feeds)
    graph.backward(keep_addends=True, update=False)
    assert "dG/df" in draw(graph, grads=True).source
    graph.forward(feeds, grad=grad)  # new values; the gradients and addends are the old pass's
    drawn = Drawn(draw(graph, grads=True).source)
    assert "gradients are from an earlier forward pass" in drawn.caption()
    assert "dG/df" not in drawn.source and "addend sent back" not in drawn.caption()
    assert all(edge_attr(attrs, "penwidth") is None for _, _, attrs in drawn.edges)
    # A backward pass of this forward pass makes them current again.
    if grad:
        graph.backward(keep_addends=True, update=False)
        assert "earlier forward pass" not in draw(graph, grads=True).source


def test_current_gradients_tell_leaves_by_their_consumers():
    graph, feeds = small_net()
    graph.forward(feeds)
    graph.backward(update=False)
    current, stale = current_gradients(graph.nodes)
    assert graph.parameter("fc.weight") in current and not stale
    graph.forward(feeds, grad=False)
    current, stale = current_gradients(graph.nodes)
    assert not current and graph.parameter("fc.weight") in stale and graph.node("act") in stale


# -- speed: work per node, not seconds -----------------------------------------
def chain_graph(length):
    x = Input(name="x", shape=(None, 2))
    w = Parameter(np.ones(2), name="w")
    y = nd.mul(x, w)
    for _ in range(length):
        y = nd.add(y, 1.0)
    graph = Graph(nd.mean(y))
    graph.forward({"x": np.ones((3, 2))})
    graph.backward(keep_addends=True, update=False)
    return graph


def calls_while_drawing(graph, **kwargs):
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        source = draw(graph, **kwargs).source
    finally:
        sys.setprofile(None)
    assert source.startswith("digraph")
    return calls


def test_drawing_does_a_bounded_amount_of_work_per_node():
    # Function calls are counted (deterministic, unlike seconds): about 160 per
    # node today, against 310 when graphviz quoted every node and each array's
    # norm was taken several times. The bound catches a return to that, and
    # the ratio catches any work that grows faster than the graph.
    small, big = chain_graph(500), chain_graph(2000)
    per_node = calls_while_drawing(big, grads=True) / len(big.nodes)
    assert per_node < 250
    assert calls_while_drawing(big, grads=True) < 4.4 * calls_while_drawing(small, grads=True)


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


def test_dot_quoting_of_names():
    assert quote("n12") == "n12" and quote("0.25") == "0.25" and quote("#ffffff") == '"#ffffff"'
    assert quote("node") == '"node"'  # a DOT keyword
    assert quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    assert quote("<<b>x</b>>") == "<<b>x</b>>"
    x = Input(name='odd "name" \\ here', shape=(None, 2))
    svg = graphviz.Source(draw(nd.relu(x, name="r")).source).pipe(format="svg").decode()
    assert "odd &quot;name&quot; \\ here" in svg


# -- without the dot program ----------------------------------------------------
def test_every_way_out_of_a_diagram_works_without_dot(tmp_path, monkeypatch, capsys):
    graph, _ = small_net()
    diagram = draw(graph)
    assert isinstance(diagram, Diagram)
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.chdir(tmp_path)

    def one_hint():
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "install Graphviz" in err[0], err
        return err[0]

    written = diagram.render(outfile=str(tmp_path / "out" / "net.png"))
    assert open(written).read().startswith("digraph") and not (tmp_path / "out" / "net.png").exists()
    assert written in one_hint()
    written = diagram.render(str(tmp_path / "plain"), format="svg")
    assert open(written).read() == diagram.source
    one_hint()
    assert diagram.view(str(tmp_path / "viewed")) == str(tmp_path / "viewed")
    one_hint()
    assert diagram.pipe(format="svg") == diagram.source.encode()
    one_hint()
    assert diagram.pipe(format="svg", encoding="utf-8") == diagram.source
    one_hint()
    assert diagram._repr_image_svg_xml() is None and diagram._repr_image_png() is None
    capsys.readouterr()
    bundle = diagram._repr_mimebundle_()
    assert set(bundle) == {"text/plain"} and bundle["text/plain"].startswith(INSTALL_HINT)
    assert capsys.readouterr().err == ""  # the bundle says it in its text
    assert diagram._repr_mimebundle_(include=[]) == {}
    diagram.unflatten()
    one_hint()


def test_with_dot_the_diagram_methods_make_pictures(tmp_path):
    graph, _ = small_net()
    diagram = draw(graph)
    assert diagram.pipe(format="svg").lstrip().startswith(b"<?xml")
    assert diagram._repr_mimebundle_()["image/svg+xml"].lstrip().startswith("<?xml")
    out = diagram.render(outfile=str(tmp_path / "net.png"))
    assert open(out, "rb").read(4) == b"\x89PNG"


# -- names that are not on the drawing -----------------------------------------
def test_an_unknown_expand_scope_is_an_error_listing_the_valid_ones():
    graph, _ = small_net()
    with pytest.raises(ValueError, match=r"'fcc'.*did you mean 'fc'.*valid: 'fc'") as info:
        draw(graph, depth=0, expand=["fcc"])
    assert isinstance(info.value, KeyError)  # as a mistyped note is
    # Valid names still work, including a scope nested inside a folded one.
    nested = nested_net()
    assert "outer.inner.weight" in Drawn(draw(nested, depth=0, expand=["outer.inner"]).source).attrs
    assert "outer.inner.weight" in Drawn(draw(nested, depth=0, expand="outer").source).attrs
    with pytest.raises(ValueError, match=r"'outer.innr'.*'outer', 'outer.inner'"):
        draw(nested, depth=0, expand=["outer.innr"])


def test_an_unknown_note_name_is_an_error_listing_the_valid_ones():
    graph, _ = small_net()
    with pytest.raises(KeyError, match=r"'ac'.*did you mean 'act'.*'fc.weight'") as info:
        draw(graph, notes={"ac": "typo"})
    assert isinstance(info.value, ValueError)  # as a mistyped expand scope is
    stranger = Input(name="stranger")
    with pytest.raises(KeyError, match="stranger"):
        draw(graph, notes={stranger: "not drawn"})


# -- labels ---------------------------------------------------------------------
def test_the_op_is_shown_once_and_a_scalar_is_called_scalar():
    graph, feeds = small_net()
    graph.forward(feeds)
    drawn = Drawn(draw(graph).source)
    assert drawn.text("fc.matmul").split().count("matmul") == 1  # name 'matmul', op 'matmul'
    assert "relu" in drawn.text("act")  # the name 'act' does not say relu
    assert "scalar" in drawn.text("loss") and "()" not in drawn.text("loss")
    assert format_shape(()) == "scalar" and format_shape((None, 3)) == "(N, 3)" and format_shape((4,)) == "(4,)"
    relu1 = nd.relu(Input(name="x", shape=(None, 2)), name="relu1")
    assert Drawn(draw(relu1).source).text("relu1").split().count("relu") == 0


def test_a_leading_axis_of_rows_is_shown_relative_to_the_batch():
    x = Input(name="x", shape=(None, 16, 4))
    rows = nd.reshape(x, (-1, 4), name="rows")  # (N·16, 4)
    pairs = nd.reshape(x, (-1, 2, 16, 4), name="pairs")  # two examples per entry: (N/2, 2, 16, 4)
    graph = Graph(nd.relu(rows, name="r"), nd.relu(pairs, name="p"))
    assert shape_of(rows) == (None, 4)  # before a forward pass: only that it depends on the batch
    graph.forward({"x": np.ones((6, 16, 4))})
    drawn = Drawn(draw(graph).source)
    assert "(N·16, 4)" in drawn.text("rows") and "(N·16, 4)" in drawn.text("r")
    assert "(N/2, 2, 16, 4)" in drawn.text("pairs")
    assert "(N, 16, 4)" in drawn.text("x")
    assert "(N·16, 4)" in drawn.edges_between("rows", "r")[0]


def test_the_vision_transformer_rows_read_n_times_16():
    from autograd.demo import models

    model = models.build("vit", seed=0)
    graph = Graph(model.logits)
    graph.forward({"image": np.zeros((4, 28, 28), dtype=np.float32)}, grad=False)
    drawn = Drawn(draw(graph, depth=0, expand=["block1"]).source)
    assert "(N·16, 64)" in drawn.text("block1.rows")
    assert "(N, 16, 64)" in drawn.text("block1.tokens")


# -- folded boxes show what is wrong inside -------------------------------------
def test_folded_boxes_carry_the_worst_health_flag_of_their_contents():
    rng = np.random.default_rng(0)
    x = Input(name="x", shape=(None, 3))
    with scope("dying"):
        w = Parameter(rng.standard_normal((3, 3)), name="weight")
        dead = nd.relu(nd.sub(nd.matmul(x, w, name="matmul"), 1e3, name="shift"), name="relu")
    with scope("quiet"):
        v = Parameter(rng.standard_normal((3, 3)), name="weight")
        tiny = nd.mul(nd.matmul(x, v, name="matmul"), 1e-12, name="scale")
    graph = Graph(nd.add(dead, tiny, name="out"))
    graph.forward({"x": rng.standard_normal((4, 3))})
    graph.backward(update=False)
    drawn = Drawn(draw(graph, depth=0, grads=True).source)
    assert drawn.attr("dying", "fillcolor") == HEALTH["dead_relu"]["fillcolor"]
    assert "dead ReLU in relu" in drawn.text("dying")
    assert drawn.attr("quiet", "color") == BORDERS["vanishing"]["color"]
    assert "vanishing gradient in" in drawn.text("quiet")
    assert "orange: dead ReLU" in drawn.caption() and "blue border: vanishing" in drawn.caption()


# -- colours --------------------------------------------------------------------
def test_edge_and_health_colours_are_distinct():
    assert RAMP[0] != NO_GRADIENT["color"] and style.ramp(0.0) != NO_GRADIENT["color"]
    assert ZERO_EDGE["color"] not in (NO_GRADIENT["color"], RAMP[0], NONFINITE_EDGE["color"])
    assert BORDERS["exploding"]["color"] != HEALTH["nonfinite"]["fillcolor"]
    assert BORDERS["exploding"]["color"] != BORDERS["vanishing"]["color"]
    assert len({f["fillcolor"] for f in HEALTH.values()}) == len(HEALTH)


def test_zero_addends_differ_from_the_weakest_real_one_and_from_no_gradient():
    rng = np.random.default_rng(0)
    x = Input(name="x", shape=(None, 3))
    w = Parameter(rng.standard_normal((3, 3)), name="w")
    dead = nd.relu(nd.sub(nd.matmul(x, w, name="mm"), 1e3, name="shift"), name="dead")
    graph = Graph(nd.add(dead, nd.matmul(x, w, name="mm2"), name="out"))
    graph.forward({"x": rng.standard_normal((4, 3))})
    graph.backward(keep_addends=True, update=False)
    drawn = Drawn(draw(graph, grads=True).source)
    zero = drawn.edges_between("shift", "dead")[0]
    assert edge_attr(zero, "color") == ZERO_EDGE["color"] and "dashed" not in zero
    weakest = drawn.edges_between("w", "mm2")[0]
    assert edge_attr(weakest, "color") not in (ZERO_EDGE["color"], NO_GRADIENT["color"])
    assert "dashed" in drawn.edges_between("x", "mm")[0]  # x needs no gradient
    assert "zero" in drawn.caption() and "no gradient" in drawn.caption()


def test_parameters_sit_beside_their_consumer_and_the_main_path_is_one_group():
    graph, _ = small_net()
    drawn = Drawn(draw(graph).source)
    ids = {name: i for i, name in drawn.name_of.items()}
    same = re.findall(r"\{rank=same; ([^}]*)\}", drawn.source)
    assert any({ids["fc.weight"], ids["fc.matmul"]} <= set(s.split("; ")) for s in same)
    assert any({ids["fc.bias"], ids["fc.add"]} <= set(s.split("; ")) for s in same)
    spine = {name for name in drawn.attrs if drawn.attr(name, "group") == "main"}
    assert spine == {"x", "fc.matmul", "fc.add", "act", "loss"}


def test_a_second_parameter_is_drawn_right_of_its_consumer():
    x = Input(name="x", shape=(None, 4))
    bn = nd.BatchNorm(4, name="bn")(x)
    drawn = Drawn(draw(bn).source)
    same = re.findall(r"\{rank=same; ([^}]*)\}", drawn.source)[0].split("; ")
    names = [drawn.name_of[i] for i in same]
    consumer = names.index(next(n for n in names if not n.startswith("bn.gamma") and not n.startswith("bn.beta")))
    assert 0 < consumer < len(names) - 1  # one parameter on each side
    # Every edge still reads input -> consumer with its arrow at the consumer.
    assert sorted((s, t) for s, t, _ in drawn.edges) == sorted(
        (i.name, n.name) for n in topological_nodes(bn) for i in n.inputs)


def topological_nodes(root):
    from autograd.schedule import topological_order

    return topological_order([root])


def test_teaching_graphs_underline_their_long_edge_labels():
    x = Input(name="x", shape=(None, 2))
    w = Parameter([2.0, 3.0], name="w")
    graph = Graph(nd.mul(x, w, name="f"))
    graph.forward({"x": np.array([[1.0, -1.0]])})
    graph.backward(keep_addends=True, update=False)
    (edge,) = Drawn(draw(graph, grads=True, values=True).source).edges_between("w", "f")
    assert "decorate=true" in edge and " label=<" in " " + edge and "addend [1 -1]" in edge
    assert "{rank=same" not in draw(graph, grads=True, values=True).source


def test_legend_lists_only_the_flags_on_the_drawing():
    graph, feeds = small_net()
    graph.forward(feeds)
    graph.backward(keep_addends=True, update=False)
    caption = Drawn(draw(graph, grads=True).source).caption()
    assert "norm of the addend" in caption and "log scale" in caption
    assert "NaN/inf" not in caption and "frozen" not in caption
    assert "norm of the addend" not in Drawn(draw(graph, grads=True, legend=False).source).caption()


# -- fonts: an underscore in a bold title stays off the next line ----------------
def test_a_bold_title_with_underscores_does_not_touch_the_next_line(tmp_path):
    image = pytest.importorskip("PIL.Image")
    label = html_label("divide_by_zero", ["div (N, 6)"])
    source = f'digraph {{ node [fontname="{style.FONT}" fontsize=11 shape=plaintext]; a [label={label}] }}'
    png = tmp_path / "title.png"
    png.write_bytes(graphviz.Source(source).pipe(format="png"))
    grey = np.asarray(image.open(png).convert("L"))
    inked = [bool((row < 160).any()) for row in grey]
    bands = sum(1 for k in range(len(inked)) if inked[k] and (k == 0 or not inked[k - 1]))
    assert bands >= 2, "the title's underscores run into the line below"



def test_names_with_control_characters_and_backslashes_are_drawn_as_they_are(tmp_path):
    x = Input("a\\Nb\nc\x01d", shape=(2,))  # \N would be Graphviz's node-name placeholder
    svg = open(save(draw(nd.sum(x * 2.0)), tmp_path / "names.svg"), encoding="utf-8").read()
    assert "a\\\u200bNb c d" in svg


def test_view_takes_graphviz_s_positional_arguments(tmp_path, monkeypatch):
    seen = {}

    def render(self, filename=None, directory=None, view=False, cleanup=False, **kwargs):
        seen.update(filename=filename, directory=directory, view=view, cleanup=cleanup)
        return filename

    monkeypatch.setattr(graphviz.Digraph, "render", render)
    diagram = draw(nd.sum(Input("x", shape=(2,)) * 2.0))
    diagram.view(str(tmp_path / "v"), None, True)
    assert seen == {"filename": str(tmp_path / "v"), "directory": None, "view": True, "cleanup": True}
