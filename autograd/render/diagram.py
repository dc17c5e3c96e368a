"""`draw`: a graph (or the part of it under a node) as a Graphviz diagram."""

import math

from ..graph import Graph
from ..node import Node
from ..parameter import Parameter
from ..schedule import topological_order
from . import health
from .output import Diagram, save
from .scopes import Layout
from .style import BORDERS, CLUSTER_FILLS, FONT, GRAD_TEXT, HEALTH, KINDS, MUTED, kind_of, ramp
from .text import batch_sizes, count, escape, format_shape, html_label, html_lines, number, shape_of, small_array

_GRAD_MODES = {False: None, None: None, True: "norm", "norm": "norm", "stats": "stats"}


def draw(target, *, grads=False, depth=None, expand=(), edge_shapes=True, values=False, notes=None, flow="forward",
         title=None, rankdir="TB", thresholds=None, path=None):
    """Draw `target` (a Graph, a node, or a list of root nodes) as a `graphviz.Digraph`.

    Each node shows its name, operation and output shape (N is the batch
    axis); parameters show their shape and parameter count. Nodes created
    inside `autograd.scope` blocks are drawn in nested clusters; `depth`
    folds clusters nested deeper than `depth` into one box each (with their
    parameter count), so depth=0 draws every top-level block as a box;
    `expand` lists scopes ('block1' or 'block1.attn') drawn in full anyway.

    grads: False, True/'norm' (the norm of dG/df per node) or 'stats' (its
        mean and std). After `graph.backward(keep_addends=True)` each edge
        also shows the norm of the addend sent back along it (reduced to the
        input's shape, as the engine sums it), as its width and colour.
        Before any backward pass the diagram says so instead.
    edge_shapes: label edges with the shape of the tensor they carry.
    values: show the numbers of arrays with at most this many entries
        (True: 8), for small teaching graphs.
    notes: {node or node name: text or list of lines} added to node labels.
    flow: 'forward' draws arrows from inputs to consumers, 'backward' the
        other way (the direction the addends travel).
    thresholds: a `health.Thresholds` (dead ReLU fraction, vanishing and
        exploding gradient RMS); flagged nodes are coloured.
    path: also save the diagram there (.svg, .png, .pdf or .dot).

    The result displays inline in Jupyter; `save(diagram, path)` writes it.
    """
    if flow not in ("forward", "backward"):
        raise ValueError(f"flow must be 'forward' or 'backward', got {flow!r}")
    if grads not in _GRAD_MODES:
        raise ValueError(f"grads must be False, True, 'norm' or 'stats', got {grads!r}")
    nodes, roots = _collect(target)
    builder = _Builder(
        nodes, roots, grad_mode=_GRAD_MODES[grads], depth=depth, expand=expand, edge_shapes=edge_shapes,
        value_limit=8 if values is True else int(values or 0), notes=_notes_by_node(notes, nodes),
        flow=flow, thresholds=thresholds or health.Thresholds(),
    )
    diagram = builder.build(title, rankdir)
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
    out = {}
    for key, text in notes.items():
        node = by_name.get(key) if isinstance(key, str) else key
        if node is None:
            raise KeyError(f"notes name a node that is not drawn: {key!r}")
        out[node] = [text] if isinstance(text, str) else list(text)
    return out


class _Builder:
    """One drawing: decides every label and attribute, then emits DOT."""

    def __init__(self, nodes, roots, grad_mode, depth, expand, edge_shapes, value_limit, notes, flow, thresholds):
        self.nodes, self.roots = nodes, roots
        self.grad_mode = grad_mode
        self.edge_shapes, self.value_limit = edge_shapes, value_limit
        self.notes, self.flow, self.thresholds = notes, flow, thresholds
        self.layout = Layout(nodes, depth, expand)
        self.batch = batch_sizes(nodes)
        self.ids = {}
        self.cluster_params = _parameters_per_scope(nodes)
        self.captions = []
        self.with_grads = False
        self.with_addends = False
        if grad_mode:
            self.with_grads = health.gradients_computed(nodes)
            self.with_addends = self.with_grads and health.addends_kept(nodes)
            if not self.with_grads:
                self.captions.append("gradients not computed yet: run a forward pass and graph.backward() first")
            elif not self.with_addends:
                self.captions.append("edge addends not kept: run graph.backward(keep_addends=True) to draw them")

    # -- the whole drawing ----------------------------------------------------
    def build(self, title, rankdir):
        d = Diagram(name="nodegrad", graph_attr={
            "rankdir": rankdir, "fontname": FONT, "fontsize": "12", "bgcolor": "white",
            "nodesep": "0.3", "ranksep": "0.4", "labelloc": "b", "labeljust": "c",
        }, node_attr={"fontname": FONT, "fontsize": "12", "margin": "0.12,0.05"},
            edge_attr={"fontname": FONT, "fontsize": "9", "color": "#64748b", "arrowsize": "0.7"})
        edges = self._edges()
        self._emit(d, ())
        self._emit_edges(d, edges)
        params = {p for p in self.nodes if isinstance(p, Parameter)}
        summary = (f"{len(self.nodes)} nodes, {len(params)} parameter{'s' * (len(params) != 1)} "
                   f"({count(sum(p.size for p in params))} values)")
        lines = ([title] if title else []) + [summary] + self.captions
        if self.with_addends:
            lines.append("edge width and colour: norm of the addend sent back along it (in the input's shape)")
        d.attr(label="<" + html_lines(lines, colour="#0f172a", size=11) + ">")
        return d

    # -- clusters and nodes ----------------------------------------------------
    def _emit(self, graph, path):
        layout = self.layout
        for kind, item in layout.entries.get(path, ()):
            if kind == "node":
                self._emit_node(graph, item)
            else:
                self._emit_box(graph, item)
        for child in layout.children.get(path, ()):
            with graph.subgraph(name="cluster_" + "__".join(child)) as sub:
                sub.attr(label=self._cluster_label(child), style="rounded,filled", color="#94a3b8",
                         fillcolor=CLUSTER_FILLS[min(len(child) - 1, len(CLUSTER_FILLS) - 1)],
                         fontname=FONT, fontsize="12", labeljust="l", labelloc="t")
                self._emit(sub, child)

    def _cluster_label(self, path):
        total = self.cluster_params.get(path)
        return html_label(path[-1], [f"{count(total)} params"] if total else [])

    def _emit_node(self, graph, node):
        node_id = self.ids[("node", node)] = f"n{len(self.ids)}"
        kind = kind_of(node, self.roots)
        attrs = dict(KINDS[kind])
        flags = health.problems(node, self.thresholds, self.with_grads)
        _apply_flags(attrs, flags)
        lines = self._describe(node, kind)
        grad_lines = self._grad_lines(node)
        label = html_label(_short_name(node), lines, grad_lines, [why for _, why in flags], self.notes.get(node, ()),
                           ink=attrs.get("fontcolor"))
        graph.node(node_id, label=label, tooltip=f"{node.name} ({node.op})", **attrs)

    def _describe(self, node, kind):
        shape = format_shape(shape_of(node, self.batch))
        if kind == "parameter":
            lines = [f"{shape}  {count(node.size)} params"]
        elif kind in ("input", "constant"):
            lines = [f"{kind} {shape}"]
        else:
            lines = [f"{node.op} {shape}"]
        if self.value_limit and node.value is not None:
            numbers = small_array(node.value, self.value_limit)
            if numbers is not None:
                lines.append(f"value {numbers}")
        return lines

    def _grad_lines(self, node):
        if not self.with_grads or node.grad is None:
            return []
        size = node.grad.size if hasattr(node.grad, "size") else 1
        numbers = small_array(node.grad, self.value_limit) if self.value_limit else None
        if numbers is not None:  # a small teaching graph: name the node, dG/dw
            return [f"dG/d{_short_name(node)} {numbers}"]
        g_norm, mean, std = health.grad_summary(node.grad)
        if self.grad_mode == "stats" and size > 1:
            return [f"dG/df mean {number(mean)} std {number(std)}"]
        return [f"‖dG/df‖ {number(g_norm)}"]

    def _emit_box(self, graph, key):
        box_id = self.ids[("box", key)] = f"b{len(self.ids)}"
        members = self.layout.members[key]
        params = [n for n in members if isinstance(n, Parameter)]
        attrs = dict(KINDS["block"])
        lines = [f"{len(members)} nodes → {format_shape(shape_of(members[-1], self.batch))}"]
        if params:
            lines.append(f"{count(sum(p.size for p in params))} params")
        grad_lines, flags = [], []
        if self.with_grads:
            graded = [health.norm(p.grad) for p in params if p.grad is not None]
            if graded:
                grad_lines.append(f"‖dG/dθ‖ {number(math.sqrt(sum(x * x for x in graded)))}")
        for n in members:
            found = [f for f in health.problems(n, self.thresholds, self.with_grads) if f[0] == "nonfinite"]
            if found:
                flags.append(("nonfinite", f"NaN/inf in {_short_name(n)}"))
                break
        if params and all(p.frozen for p in params):
            flags.append(("frozen", "frozen"))
        _apply_flags(attrs, flags)
        title = f"rest of {key[-1]}" if key in self.layout.partial else key[-1]
        label = html_label(title, lines, grad_lines, [why for _, why in flags], ink=attrs.get("fontcolor"))
        graph.node(box_id, label=label, tooltip=f"{'.'.join(key)} (block)", **attrs)

    # -- edges -----------------------------------------------------------------
    def _edges(self):
        """Edges between drawn items; the edges into or out of a box are merged per pair."""
        layout = self.layout
        edges = {}
        for consumer in self.nodes:
            dst = layout.item_of(consumer)
            for index, inp in enumerate(consumer.inputs):
                src = layout.item_of(inp)
                if src == dst:
                    continue  # inside one box
                # x * x has two edges (two addends); a box's many edges to one node are one.
                key = (src, dst, index if src[0] == dst[0] == "node" else None)
                edge = edges.get(key)
                if edge is None:
                    edge = edges[key] = _Edge(inp)
                addend = health.received_addend(consumer, index) if self.with_addends else None
                edge.add(addend)
        return edges

    def _emit_edges(self, graph, edges):
        norms = [e.norm for e in edges.values() if e.norm > 0]
        low, high = (math.log10(min(norms)), math.log10(max(norms))) if norms else (0.0, 0.0)
        for (src, dst, _), edge in edges.items():
            attrs = {}
            parts = []
            if self.edge_shapes:
                parts.append(f'<font color="{MUTED}">{format_shape(shape_of(edge.source, self.batch))}</font>')
            if self.with_addends:
                if edge.sent:
                    t = _strength(edge.norm, low, high)
                    colour = ramp(t)
                    numbers = None
                    if self.value_limit and edge.single is not None:
                        numbers = small_array(edge.single, self.value_limit)
                    text = f"addend {numbers}" if numbers is not None else f"‖addend‖ {number(edge.norm)}"
                    parts.append(f'<font color="{GRAD_TEXT}">{escape(text)}</font>')
                    attrs.update(color=colour, penwidth=f"{1 + 4 * t:.2f}")
                else:
                    attrs.update(style="dashed", color="#cbd5e1")  # no gradient flows back here
            if parts:
                attrs["label"] = "<" + "<br/>".join(parts) + ">"
            if self.flow == "backward":
                attrs["dir"] = "back"
            graph.edge(self.ids[src], self.ids[dst], **attrs)


class _Edge:
    """One drawn edge: the tensor it carries and the addends sent back along it.

    Merged edges (into or out of a box) show the norm of all their addends
    taken together, sqrt(sum of squared norms).
    """

    def __init__(self, source):
        self.source = source
        self.squares = 0.0
        self.sent = False
        self.single = None

    def add(self, addend):
        if addend is not None:
            self.squares += health.norm(addend) ** 2
            self.single = addend if not self.sent else None
            self.sent = True

    @property
    def norm(self):
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
    if value <= 0:
        return 0.0
    if high <= low:
        return 0.5
    return (math.log10(value) - low) / (high - low)


def _apply_flags(attrs, flags):
    names = [f for f, _ in flags]
    for flag in ("nonfinite", "dead_relu", "frozen"):
        if flag in names:
            attrs.update(HEALTH[flag])
            if flag == "frozen":
                attrs["style"] = attrs["style"] + ",dashed"
            break
    for flag in ("vanishing", "exploding"):
        if flag in names:
            attrs.update(BORDERS[flag])


def _short_name(node):
    """The name without the cluster prefix that the surrounding box already shows."""
    prefix = ".".join(getattr(node, "scope", ()) or ())
    if prefix and node.name.startswith(prefix + "."):
        return node.name[len(prefix) + 1:]
    return node.name
