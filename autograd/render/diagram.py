"""`draw`: a graph (or the part of it under a node) as a Graphviz diagram.

The DOT text is written here line by line into the Digraph's body (quoted by
`markup.quote`): graphviz's own per-call quoting and every array's statistics
computed more than once made graphs of thousands of nodes slow. Each array
is looked at once per drawing (`health.Stats`).
"""

import math
import re

import numpy as np

from ..graph import Graph
from ..node import Constant, Leaf, Node
from ..parameter import Parameter
from ..schedule import topological_order
from . import health
from .markup import attr_list, escape, html_label, quote, rows
from .output import Diagram, save
from .scopes import Layout, unknown_name_error
from .style import (
    BORDERS,
    CLUSTER_FILLS,
    EDGE,
    FLAG_ORDER,
    FONT,
    GRAD_TEXT,
    HEALTH,
    INK,
    KINDS,
    LEGEND,
    MUTED,
    NO_GRADIENT,
    NONFINITE_EDGE,
    RAMP,
    SYMBOL_FONT,
    ZERO_EDGE,
    kind_of,
    ramp,
)
from .text import batch_sizes, count, format_shape, number, shape_of, small_array

_GRAD_MODES = {False: None, None: None, True: "norm", "norm": "norm", "stats": "stats"}
NOT_COMPUTED = "gradients not computed yet: run a forward pass and graph.backward() first"
STALE = "gradients are from an earlier forward pass: run graph.backward() after this forward pass to draw them"
NO_ADDENDS = "edge addends not kept: run graph.backward(keep_addends=True) to draw them"


def draw(target, *, grads=False, depth=None, expand=(), edge_shapes=None, values=False, notes=None, flow="forward",
         title=None, rankdir="TB", thresholds=None, legend=True, graph_attr=None, path=None):
    """Draw `target` (a Graph, a node, or a list of root nodes) as a `graphviz.Digraph`.

    Each node shows its name, operation (once, when the name does not already
    say it) and output shape (N is the batch axis; N·16 a leading axis of 16
    rows per example); parameters show their shape and parameter count.
    Nodes created inside `autograd.scope` blocks are drawn in nested
    clusters; `depth` folds clusters nested deeper than `depth` into one box
    each (with their parameter count and the worst health flag inside), so
    depth=0 draws every top-level block as a box; `expand` lists scopes
    ('block1' or 'block1.attn') drawn in full anyway.

    grads: False, True/'norm' (the norm of dG/df per node) or 'stats' (its
        mean and std). After `graph.backward(keep_addends=True)` each edge
        also shows the norm of the addend sent back along it (reduced to the
        input's shape, as the engine sums it), as its width and colour.
        Before any backward pass, or after a newer forward pass, the diagram
        says so instead of drawing gradients that do not belong to the values.
    edge_shapes: label edges with the shape of the tensor they carry (None:
        unless the edge shows its addend; the source node shows the shape too).
    values: show the numbers of arrays with at most this many entries
        (True: 8), for small teaching graphs.
    notes: {node or node name: text or list of lines} added to node labels.
    flow: 'forward' draws arrows from inputs to consumers, 'backward' the
        other way (the direction the addends travel).
    thresholds: a `health.Thresholds` (dead ReLU fraction, vanishing and
        exploding gradient RMS); flagged nodes are coloured.
    legend: explain the edge colours and the health colours on the drawing.
    graph_attr: extra Graphviz graph attributes (size, dpi, ranksep...).
    path: also save the diagram there (.svg, .png, .pdf or .dot).

    The result displays inline in Jupyter; `save(diagram, path)` writes it.
    A scope in `expand` or a name in `notes` that is not on the drawing is
    an error listing the valid names.
    """
    if flow not in ("forward", "backward"):
        raise ValueError(f"flow must be 'forward' or 'backward', got {flow!r}")
    if grads not in _GRAD_MODES:
        raise ValueError(f"grads must be False, True, 'norm' or 'stats', got {grads!r}")
    nodes, roots = _collect(target)
    with np.errstate(all="ignore"):  # NaN and inf are drawn, not warned about
        diagram = _Builder(
            nodes, roots, grad_mode=_GRAD_MODES[grads], depth=depth, expand=expand, edge_shapes=edge_shapes,
            value_limit=8 if values is True else int(values or 0), notes=_notes_by_node(notes, nodes),
            flow=flow, thresholds=thresholds or health.Thresholds(), legend=legend,
        ).build(title, rankdir, graph_attr or {})
    if path is not None:
        save(diagram, path)
    return diagram


def _collect(target):
    if isinstance(target, Graph):
        return list(target.nodes), tuple(target.roots)
    if isinstance(target, Node):
        return topological_order([target]), (target,)
    if isinstance(target, (list, tuple)) and target and all(isinstance(t, Node) for t in target):
        return topological_order(list(target)), tuple(target)
    raise TypeError(f"draw() takes a Graph, a node or a list of nodes, got {type(target).__name__}")


def _notes_by_node(notes, nodes):
    if not notes:
        return {}
    by_name = {n.name: n for n in nodes}
    drawn = set(nodes)
    out = {}
    for key, text in notes.items():
        node = by_name.get(key) if isinstance(key, str) else key
        if node is None or node not in drawn:
            name = key if isinstance(key, str) else getattr(key, "name", key)
            raise unknown_name_error("notes name a node", name, by_name)
        out[node] = [text] if isinstance(text, str) else list(text)
    return out


class _Builder:
    """One drawing: decides every label and attribute, then writes the DOT lines."""

    def __init__(self, nodes, roots, grad_mode, depth, expand, edge_shapes, value_limit, notes, flow, thresholds,
                 legend):
        self.nodes, self.roots = nodes, roots
        self.grad_mode = grad_mode
        self.value_limit = value_limit
        self.notes, self.flow, self.thresholds, self.legend = notes, flow, thresholds, legend
        self.layout = Layout(nodes, depth, expand)
        self.batch = batch_sizes(nodes)
        self.stats = health.Stats()
        self.ids = {}
        self.cluster_params = _parameters_per_scope(nodes)
        self.captions = []
        self.flags_seen = set()
        self.grads = {}  # node -> its current gradient
        self.with_addends = False
        if grad_mode:
            self.grads, stale = health.current_gradients(nodes)
            self.with_addends = any(n.addends is not None for n in self.grads if not isinstance(n, Leaf))
            if not self.grads:
                self.captions.append(STALE if stale else NOT_COMPUTED)
            else:
                if stale:
                    self.captions.append(f"{len(stale)} node{'s' * (len(stale) != 1)} hold gradients from an "
                                         "earlier forward pass: not drawn")
                if not self.with_addends:
                    self.captions.append(NO_ADDENDS)
        self.edge_shapes = (not self.with_addends) if edge_shapes is None else bool(edge_shapes)
        self._problems = {}
        self._styles = {}
        self._shapes = {}

    # -- the whole drawing ----------------------------------------------------
    def build(self, title, rankdir, extra):
        graph_attr = {
            "rankdir": rankdir, "fontname": FONT, "fontsize": "11", "bgcolor": "white",
            "nodesep": "0.22", "ranksep": "0.22", "labelloc": "t", "labeljust": "c", "pad": "0.15",
        }
        graph_attr.update(extra)
        d = Diagram(name="nodegrad", graph_attr=graph_attr,
                    node_attr={"fontname": FONT, "fontsize": "11", "margin": "0.1,0.04", "height": "0.3"},
                    edge_attr={"fontname": FONT, "fontsize": "8", "color": EDGE, "arrowsize": "0.6"})
        body = []
        self.spine = self._spine()
        self._beside = {} if self.value_limit else self._side_by_side()
        self._side = {leaf: "left" if k % 2 == 0 else "right"
                      for cluster in self._beside.values() for leaves in cluster.values()
                      for k, leaf in enumerate(leaves)}
        self._emit(body, (), "\t")
        self._emit_edges(body, self._edges())
        params = {p for p in self.nodes if isinstance(p, Parameter)}
        summary = (f"{len(self.nodes)} nodes, {len(params)} parameter{'s' * (len(params) != 1)} "
                   f"({count(sum(p.size for p in params))} values)")
        lines = []
        for k, line in enumerate(str(title).splitlines() if title else []):  # the first line is the headline
            lines.append(f'<font point-size="12" color="{INK}"><b>{escape(line)}</b></font>' if k == 0 else
                         f'<font point-size="10" color="{INK}">{escape(line)}</font>')
        lines.append(f'<font point-size="10" color="{MUTED}">{escape(summary)}</font>')
        lines += [f'<font point-size="10" color="{INK}">{escape(c)}</font>' for c in self.captions]
        if self.legend:
            lines += self._legend()
        body.append(f"\tlabel={quote('<' + rows(lines) + '>')}\n")
        d.body = body
        return d

    def _legend(self):
        lines = []
        small = f'<font point-size="9" color="{MUTED}">'
        if self.with_addends:
            if self.value_limit:
                lines.append(f"{small}edges: the addend sent back along each; its norm as colour and width</font>")
            else:
                lines.append(f"{small}edges: the norm of the addend sent back along each, as colour, width "
                             "and number</font>")
            parts = []
            if self._range is not None:
                low, high = self._range
                if low == high:
                    parts.append(f'<font color="{RAMP[2]}">{_swatch("━━")}</font> {escape(number(low))}')
                else:
                    swatches = "".join(f'<font color="{c}">{_swatch("━━")}</font>' for c in RAMP)
                    parts.append(f"{escape(number(low))} {swatches} {escape(number(high))} (log scale)")
            parts.append(f'<font color="{NO_GRADIENT["color"]}">{_swatch("╌╌")}</font> no gradient')
            if any(e.sent and e.finite and e.norm == 0 for e in self._drawn_edges):
                parts.append(f'<font color="{ZERO_EDGE["color"]}">{_swatch("──")}</font> zero')
            if self._nonfinite_edges:
                parts.append(f'<font color="{NONFINITE_EDGE["color"]}">{_swatch("━━")}</font> NaN/inf')
            lines.append(f'{small}{" · ".join(parts)}</font>')
        flags = [f for f in FLAG_ORDER if f in self.flags_seen]
        if flags:
            parts = [f'<font color="{LEGEND[f][0]}">{escape(LEGEND[f][1])}</font>' for f in flags]
            for k in range(0, len(parts), 3):  # three to a line, so the legend stays narrow
                lines.append(f'<font point-size="9">{" · ".join(parts[k:k + 3])}</font>')
        return lines

    # -- clusters and nodes ----------------------------------------------------
    def _emit(self, out, path, indent):
        layout = self.layout
        for kind, item in layout.entries.get(path, ()):
            if kind == "node":
                out.append(self._node_line(item, indent))
            else:
                out.append(self._box_line(item, indent))
        for consumer, beside in self._beside.get(path, {}).items():
            order = beside[::2][::-1] + [consumer] + beside[1::2]  # alternately left and right
            ids = "; ".join(self.ids[("node", n)] for n in order)
            out.append(f"{indent}{{rank=same; {ids}}}\n")
        for child in layout.children.get(path, ()):
            out.append(f"{indent}subgraph {quote('cluster_' + '__'.join(child))} {{\n")
            attrs = {"label": self._cluster_label(child), "style": "rounded,filled", "color": "#94a3b8",
                     "fillcolor": CLUSTER_FILLS[min(len(child) - 1, len(CLUSTER_FILLS) - 1)],
                     "fontname": FONT, "fontsize": "11", "labeljust": "l", "labelloc": "t", "margin": "6"}
            out.append(f"{indent}\tgraph {attr_list(attrs)}\n")
            self._emit(out, child, indent + "\t")
            out.append(f"{indent}}}\n")

    def _cluster_label(self, path):
        total = self.cluster_params.get(path)
        return html_label(path[-1], aside=f"{count(total)} params" if total else None)

    def problems(self, node):
        found = self._problems.get(node)
        if found is None:
            found = self._problems[node] = health.problems(node, self.thresholds, self.grads.get(node), self.stats)
        return found

    def _node_line(self, node, indent):
        node_id = self.ids[("node", node)] = f"n{len(self.ids)}"
        kind = kind_of(node, self.roots)
        flags = self.problems(node)
        key = (kind, tuple(f for f, _ in flags))
        self.flags_seen.update(key[1])
        style = self._styles.get(key)
        if style is None:  # the attributes of one kind with one set of flags, quoted once
            attrs = dict(KINDS[kind])
            self._apply_flags(attrs, flags)
            style = self._styles[key] = (attr_list(attrs)[1:-1], attrs.get("fontcolor"))
        aside, lines = self._describe(node, kind)
        label = html_label(_short_name(node), lines, self._grad_lines(node), [why for _, why in flags],
                           self.notes.get(node, ()), ink=style[1], aside=aside)
        group = " group=main" if ("node", node) in self.spine else ""
        return (f"{indent}{node_id} [label={label} {style[0]}{group} "
                f"tooltip={quote(f'{node.name} ({node.op})')}]\n")

    def shape_text(self, node):
        text = self._shapes.get(node)
        if text is None:
            text = self._shapes[node] = format_shape(shape_of(node, self.batch))
        return text

    def _describe(self, node, kind):
        """(text beside the title, lines below it): the op once, unless the name says it, and the shape."""
        shape = self.shape_text(node)
        aside = None
        if kind == "parameter":
            lines = [f"{shape}  {count(node.size)} params"]
        else:
            what = kind if kind in ("input", "constant") else str(node.op)
            if _says(_short_name(node), what):
                # The shape beside a short title, below a long one (narrow nodes).
                if len(_short_name(node)) + len(shape) <= _ASIDE_CHARS:
                    aside, lines = shape, []
                else:
                    lines = [shape]
            else:
                lines = [f"{what} {shape}"]
            if kind == "constant" and not self.value_limit and node.value is not None and node.value.size == 1:
                value = f"= {number(node.value.reshape(-1)[0])}"
                if lines:
                    lines[0] += f" {value}"
                else:
                    aside += f" {value}"
        if self.value_limit and node.value is not None:
            numbers = small_array(node.value, self.value_limit)
            if numbers is not None:
                lines.append(f"value {numbers}")
        return aside, lines

    def _grad_lines(self, node):
        g = self.grads.get(node)
        if g is None:
            return []
        numbers = small_array(g, self.value_limit) if self.value_limit else None
        if numbers is not None:  # a small teaching graph: name the node, dG/dw
            return [f"dG/d{_short_name(node)} {numbers}"]
        s = self.stats.of(g)
        if self.grad_mode == "stats" and s.size > 1:
            mean, std = s.mean_std()
            return [f"dG/df mean {number(mean)} std {number(std)}"]
        return [f"|dG/df| {number(s.norm)}"]

    def _box_line(self, key, indent):
        box_id = self.ids[("box", key)] = f"b{len(self.ids)}"
        members = self.layout.members[key]
        params = [n for n in members if isinstance(n, Parameter)]
        attrs = dict(KINDS["block"])
        lines = [f"{len(members)} nodes → {format_shape(shape_of(members[-1], self.batch))}"]
        if params:
            lines.append(f"{count(sum(p.size for p in params))} params")
        grad_lines = []
        graded = [self.stats.of(self.grads[p]).norm for p in params if p in self.grads]
        if graded:
            grad_lines.append(f"|dG/dθ| {number(math.sqrt(sum(x * x for x in graded)))}")
        # The worst problem of each kind inside the box, worst kind first.
        first = {}
        for n in members:
            for flag, why in self.problems(n):
                if flag != "frozen" and flag not in first:
                    first[flag] = (n, why)
        flags = []
        for flag in FLAG_ORDER:
            if flag in first:
                n, why = first[flag]
                flags.append((flag, f"{_BOX_WORDS.get(flag, why)} in {_short_name(n, key)}"))
        if params and all(p.frozen for p in params):
            flags.append(("frozen", "frozen"))
        self.flags_seen.update(f for f, _ in flags)
        self._apply_flags(attrs, flags)
        title = f"rest of {key[-1]}" if key in self.layout.partial else key[-1]
        label = html_label(title, lines, grad_lines, [why for _, why in flags], ink=attrs.get("fontcolor"))
        attrs = {"label": label, **attrs, "group": "main" if ("box", key) in self.spine else None,
                 "tooltip": f"{'.'.join(key)} (block)"}
        return f"{indent}{box_id} {attr_list(attrs)}\n"

    def _side_by_side(self):
        """{cluster path: {consumer: [parameters and constants]}} drawn on the consumer's rank.

        A parameter (or constant) used by one drawn node in its own cluster
        sits beside that node rather than on the rank above it, so a Linear
        or a convolution is one row and the clusters stack without drifting.
        (Not with values shown: small teaching graphs read best by rank.)
        """
        uses = {}
        for n in self.nodes:
            for i in n.inputs:
                if isinstance(i, (Parameter, Constant)):
                    uses.setdefault(i, []).append(n)
        item_of = self.layout.item_of
        out = {}
        for leaf, consumers in uses.items():
            if len(consumers) != 1:
                continue
            consumer = consumers[0]
            if item_of(leaf)[0] != "node" or item_of(consumer)[0] != "node":
                continue
            scope = tuple(getattr(leaf, "scope", ()) or ())
            if scope != tuple(getattr(consumer, "scope", ()) or ()):
                continue
            out.setdefault(scope, {}).setdefault(consumer, []).append(leaf)
        return out

    def _spine(self):
        """The drawn items on the longest path from an input to the first root.

        They share a Graphviz group, so dot keeps the main data path straight
        and puts parameters and side branches beside it (instead of drifting
        into a diagonal staircase of clusters).
        """
        depth, best = {}, {}
        for n in self.nodes:
            if isinstance(n, Leaf):
                if not isinstance(n, (Parameter, Constant)):
                    depth[n] = 0
                continue
            fed = [(depth[i], k) for k, i in enumerate(n.inputs) if i in depth]
            if fed:
                d, k = max(fed)
                depth[n], best[n] = d + 1, n.inputs[k]
        item_of = self.layout.item_of
        spine, n = set(), self.roots[0] if self.roots else None
        while n is not None and n in depth:
            spine.add(item_of(n))
            n = best.get(n)
        return spine

    def _apply_flags(self, attrs, flags):
        names = {f for f, _ in flags}
        for flag in ("nonfinite", "dead_relu", "frozen"):
            if flag in names:
                attrs.update(HEALTH[flag])
                if flag == "frozen":
                    attrs["style"] = attrs["style"] + ",dashed"
                break
        for flag in ("exploding", "vanishing"):
            if flag in names:
                attrs.update(BORDERS[flag])
                break

    # -- edges -----------------------------------------------------------------
    def _edges(self):
        """Edges between drawn items; the edges into or out of a box are merged per pair."""
        item_of = self.layout.item_of
        stats = self.stats
        edges = {}
        for consumer in self.nodes:
            if not consumer.inputs:
                continue
            dst = item_of(consumer)
            sends = self.with_addends and consumer.addends is not None and consumer in self.grads
            for index, inp in enumerate(consumer.inputs):
                src = item_of(inp)
                if src == dst:
                    continue  # inside one box
                # x * x has two edges (two addends); a box's many edges to one node are one.
                key = (src, dst, index if src[0] == dst[0] == "node" else None)
                edge = edges.get(key)
                if edge is None:
                    edge = edges[key] = _Edge(inp)
                if sends:
                    addend = health.received_addend(consumer, index)
                    if addend is not None:
                        edge.add(addend, stats.of(addend))
        return edges

    def _emit_edges(self, out, edges):
        norms = [e.norm for e in edges.values() if e.sent and e.finite and e.norm > 0]
        self._range = (min(norms), max(norms)) if norms else None
        self._nonfinite_edges = any(e.sent and not e.finite for e in edges.values())
        self._drawn_edges = list(edges.values())
        low, high = (math.log10(min(norms)), math.log10(max(norms))) if norms else (0.0, 0.0)
        back = self.flow == "backward"
        ids = self.ids
        fan_out, fan_in = {}, {}  # edges per item, for where a number goes
        for src, dst, _ in edges:
            fan_out[src] = fan_out.get(src, 0) + 1
            fan_in[dst] = fan_in.get(dst, 0) + 1
        for (src, dst, _), edge in edges.items():
            attrs = {}
            parts = []
            if self.edge_shapes:
                parts.append(f'<font color="{MUTED}">{escape(self.shape_text(edge.source))}</font>')
            if self.with_addends:
                if edge.sent:
                    numbers = None
                    if self.value_limit and edge.single is not None:
                        numbers = small_array(edge.single, self.value_limit)
                    text = f"addend {numbers}" if numbers is not None else number(edge.norm)
                    if edge.finite and edge.norm == 0:  # sent, but all zeros: weaker than any colour
                        parts.append(f'<font color="{MUTED}">{escape(text)}</font>')
                        attrs.update(ZERO_EDGE)
                    elif edge.finite:
                        t = _strength(edge.norm, low, high)
                        parts.append(f'<font color="{GRAD_TEXT}">{escape(text)}</font>')
                        attrs["color"] = ramp(t)
                        attrs["penwidth"] = f"{1.2 + 3.3 * t:.2f}"
                    else:  # NaN or inf: drawn as such, whatever the other edges carry
                        parts.append(f'<font color="{NONFINITE_EDGE["color"]}"><b>{escape(text)}</b></font>')
                        attrs.update(color=NONFINITE_EDGE["color"], penwidth=NONFINITE_EDGE["penwidth"])
                else:
                    attrs.update(NO_GRADIENT)  # no gradient flows back here
            side = self._side.get(src[1]) if src[0] == "node" else None
            if side and edge.finite:
                # A parameter beside its only consumer: its own label already
                # says the shape, and the addend it received is its gradient,
                # |dG/df| on its label. (A label on a flat edge would also
                # cost the layout a rank of its own.)
                parts = []
            if parts:
                # Numbers sit beside their edge just after it leaves the input
                # (where the addend arrives), turned off the line, without
                # stretching the layout; for an input used several times, at
                # the consumer's end instead, so they do not crowd together. Teaching graphs (values shown) have
                # long labels: they take their room in the layout and are
                # underlined with a line to their edge, so crossing edges
                # cannot be mixed up.
                label = "<" + rows(parts) + ">"
                if side or self.value_limit or self.edge_shapes:  # shapes are too wide to sit off the line
                    attrs["label"] = label
                    if self.value_limit:  # the underline and its line take the label's colour
                        attrs["decorate"] = "true"
                        attrs["fontcolor"] = NONFINITE_EDGE["color"] if not edge.finite else GRAD_TEXT
                elif fan_out[src] <= fan_in[dst]:
                    attrs.update(taillabel=label, labelangle="60", labeldistance="1.8")
                else:  # a tensor used by several nodes: each number by its own consumer
                    attrs.update(headlabel=label, labelangle="-60", labeldistance="1.8")
            # A parameter drawn to the right of its consumer needs its edge
            # written right to left (dot orders flat edges tail first).
            flip = side == "right"
            if back != flip:
                attrs["dir"] = "back"
            a, b = (ids[dst], ids[src]) if flip else (ids[src], ids[dst])
            out.append(f"\t{a} -> {b} {attr_list(attrs)}\n" if attrs else f"\t{a} -> {b}\n")


def _swatch(text):
    return f'<font face="{SYMBOL_FONT}">{text}</font>'


_BOX_WORDS = {"nonfinite": "NaN/inf", "dead_relu": "dead ReLU", "exploding": "exploding gradient",
              "vanishing": "vanishing gradient"}


class _Edge:
    """One drawn edge: the tensor it carries and the addends sent back along it.

    Merged edges (into or out of a box) show the norm of all their addends
    taken together, sqrt(sum of squared norms); NaN or inf in any of them
    makes the edge non-finite.
    """

    __slots__ = ("source", "squares", "sent", "single", "finite", "nan")

    def __init__(self, source):
        self.source = source
        self.squares = 0.0
        self.sent = False
        self.single = None
        self.finite = True
        self.nan = False

    def add(self, addend, summary):
        if not summary.finite:
            self.finite = False
            self.nan = self.nan or math.isnan(summary.norm)
        else:
            self.squares += summary.norm * summary.norm
        self.single = addend if not self.sent else None
        self.sent = True

    @property
    def norm(self):
        if not self.finite:
            return math.nan if self.nan else math.inf
        return math.sqrt(self.squares)


def _parameters_per_scope(nodes):
    """scope path -> number of parameter values created inside it (nested scopes included)."""
    totals = {}
    for node in nodes:
        if isinstance(node, Parameter):
            scope = tuple(getattr(node, "scope", ()) or ())
            for k in range(1, len(scope) + 1):
                totals[scope[:k]] = totals.get(scope[:k], 0) + node.size
    return totals


def _strength(value, low, high):
    """Where a norm sits between the smallest and largest on the drawing (log scale), in [0, 1]."""
    if not value > 0 or not math.isfinite(value):
        return 0.0
    if high <= low:
        return 0.5
    return min(max((math.log10(value) - low) / (high - low), 0.0), 1.0)


_SUFFIX = re.compile(r"_?\d+$")
_ASIDE_CHARS = 20


def _says(name, op):
    """Whether a node's name already says its operation ('relu', 'relu1', 'add_3' for relu, relu, add)."""
    return name == op or _SUFFIX.sub("", name) == op


def _short_name(node, key=None):
    """The name without the prefix of scope `key` (default: the node's own scope), which the
    surrounding box already shows."""
    prefix = ".".join(getattr(node, "scope", ()) or () if key is None else key)
    if prefix and node.name.startswith(prefix + "."):
        return node.name[len(prefix) + 1:]
    return node.name
