"""Building a scene from a graph: every step takes what it needs and returns what it found.

The steps, in the only order their inputs allow: which gradients are
current (`gradients`), which cluster or box each node is drawn in
(`scopes.Layout`), what is known of every node (shape, health flags),
where items sit (`placement`), the items in their clusters (`items`), the
edges (`edges`), and last the legend of what ended up on the drawing.
"""

from dataclasses import dataclass, field

from ..parameter import Parameter
from . import health
from .edges import drawn_edges, merged_edges, norm_span
from .gradients import drawn_gradients
from .items import Facts, box_item, node_item
from .legend import legend_of
from .placement import main_path, row, side_by_side, sides
from .repeats import reaching_norms
from .scene import Cluster, Scene
from .scopes import Layout
from .text import batch_sizes, count, format_shape, shape_of


@dataclass(slots=True)
class Options:
    """What a drawing is asked to show (the arguments of `draw`, checked; see there)."""

    grad_mode: str | None = None  # None, 'norm' or 'stats'
    depth: int | None = None
    expand: tuple = ()
    unroll: bool = False  # draw every call of a block called several times
    edge_shapes: bool | None = None  # None: unless the edges show addends
    value_limit: int = 0  # 0: no values shown
    notes: dict = field(default_factory=dict)  # node -> list of lines
    flow: str = "forward"
    thresholds: health.Thresholds = field(default_factory=health.Thresholds)
    legend: bool = True
    title: str | None = None


def build_scene(nodes, roots, options=None):
    """The Scene of `nodes` (in topological order) drawn for `roots` with `options`."""
    options = options or Options()
    gradients = drawn_gradients(nodes, options.grad_mode)
    layout = Layout(nodes, options.depth, options.expand, options.unroll)
    stats = health.Stats()  # shared by every step, so each array is summarised once
    facts = node_facts(nodes, roots, gradients, options, stats)
    facts.reaching = reaching_per_call(nodes, layout, gradients, stats)
    spine = main_path(nodes, roots, layout.item_of)
    beside = {} if options.value_limit else side_by_side(nodes, layout.item_of)  # teaching graphs read by rank
    ids = item_ids(layout)
    root = cluster_tree((), layout, ids, facts, spine, beside, parameters_per_scope(nodes))
    merged = merged_edges(nodes, layout.item_of, gradients, stats)
    span = norm_span(merged)
    edge_shapes = not gradients.with_addends if options.edge_shapes is None else bool(options.edge_shapes)
    edges = drawn_edges(merged, ids, facts.shapes, span=span, sides=sides(beside),
                        with_addends=gradients.with_addends, edge_shapes=edge_shapes,
                        value_limit=options.value_limit)
    scene = Scene(root, edges, options.flow, tuple(str(options.title).splitlines()) if options.title else (),
                  summary(nodes), gradients.captions)
    scene.roomy = bool(options.value_limit)
    if options.legend:
        scene.legend = legend_of(scene.items(), edges, with_addends=gradients.with_addends,
                                 numbers=not options.value_limit, span=span)
    return scene


def node_facts(nodes, roots, gradients, options, stats):
    """The Facts of `nodes`: shapes and health flags worked out once each."""
    batch = batch_sizes(nodes)
    grads = gradients.current
    return Facts(
        roots=tuple(roots),
        shapes={n: format_shape(shape_of(n, batch)) for n in nodes},
        flags={n: health.problems(n, options.thresholds, grads.get(n), stats) for n in nodes},
        grads=grads, grad_mode=gradients.mode, value_limit=options.value_limit, notes=options.notes, stats=stats,
    )


def reaching_per_call(nodes, layout, gradients, stats):
    """{box key: the norm of the gradient reaching each call} for the boxes of repeated calls.

    Only when the drawing shows the addends a backward pass kept (see `repeats.reaching_norms`).
    """
    if not layout.calls or not gradients.with_addends:
        return {}
    consumers = {}
    for n in nodes:
        for i in n.inputs:
            consumers.setdefault(i, []).append(n)
    return {key: reaching_norms(key, layout.members[key], consumers, gradients.current, stats) for key in layout.calls}


def drawing_order(layout, path=()):
    """The items of cluster `path` and of the clusters inside it, in the order they are drawn."""
    order = list(layout.entries.get(path, ()))
    for child in layout.children.get(path, ()):
        order += drawing_order(layout, child)
    return order


def item_ids(layout):
    """{item: id}: 'n<k>' for a node, 'b<k>' for a box, numbered in drawing order."""
    return {item: f"{'n' if item[0] == 'node' else 'b'}{k}" for k, item in enumerate(drawing_order(layout))}


def cluster_tree(path, layout, ids, facts, spine, beside, params):
    """The Cluster of scope `path`, with its items and its nested clusters.

    spine: the items on the main path; beside: `placement.side_by_side`;
    params: `parameters_per_scope`.
    """
    items = []
    for item in layout.entries.get(path, ()):
        kind, what = item
        if kind == "node":
            items.append(node_item(what, ids[item], facts, item in spine))
        else:
            items.append(box_item(what, layout.members[what], ids[item], facts, what in layout.partial,
                                  item in spine, layout.calls.get(what, 0)))
    ranks = [tuple(ids[("node", n)] for n in row(consumer, leaves))
             for consumer, leaves in beside.get(path, {}).items()]
    clusters = [cluster_tree(child, layout, ids, facts, spine, beside, params)
                for child in layout.children.get(path, ())]
    return Cluster(path, params.get(path, 0), items, ranks, clusters)


def parameters_per_scope(nodes):
    """scope path -> number of parameter values created inside it (nested scopes included)."""
    totals = {}
    for node in nodes:
        if isinstance(node, Parameter):
            scope = tuple(getattr(node, "scope", ()) or ())
            for k in range(1, len(scope) + 1):
                totals[scope[:k]] = totals.get(scope[:k], 0) + node.size
    return totals


def summary(nodes):
    """'12 nodes, 4 parameters (1,234 values)'."""
    params = {p for p in nodes if isinstance(p, Parameter)}
    return (f"{len(nodes)} nodes, {len(params)} parameter{'s' * (len(params) != 1)} "
            f"({count(sum(p.size for p in params))} values)")
