"""The drawn edges: which items they join, the addend each carries back, and what they say.

The edges into or out of a folded block are merged, one per pair of items.
The addends a node receives along one merged edge are summed: that sum is
what the block sends back to the node (a weight used at every step of a
recurrent cell folded into one box receives the sum over the steps). The
addends a folded block receives from another are taken together (the square
root of the sum of their squared norms), since they go to different nodes.
An edge's strength places its norm between the weakest and the strongest
on the drawing, on a log scale, so one colour ramp serves a graph whose
gradients span many decades.

Every edge that carries an addend says its norm, a parameter's edge too, and
every label takes its room in the layout: dot lays a label out as a node of
its own beside the middle of its edge (a flat edge, from a leaf beside its
consumer, gets a rank above it for the label), so no label can run into a
node, an arrowhead or another label. Labels by the edge's ends
(taillabel/headlabel) are placed after the layout, over whatever is there.
"""

import math

from . import health
from .scene import Addend, Edge
from .text import number, small_array


class Merged:
    """The edges of one pair of drawn items while they are collected: the tensor and the addends.

    With `summed` (the tail is one node) the addends are summed into
    `single`, and `finish` summarises the sum; otherwise their norms are
    taken together as they come.
    """

    __slots__ = ("source", "squares", "sent", "single", "finite", "nan", "summed", "carries")

    def __init__(self, source, summed=False):
        self.source = source  # the node making the tensor (the first one, for a block's merged edges)
        self.carries = []  # (consumer name, input index) of every graph edge drawn as this one
        self.squares = 0.0
        self.sent = False
        self.single = None  # the addend itself while there is exactly one; with `summed`, their sum
        self.finite = True
        self.nan = False
        self.summed = summed

    def add(self, addend, summary):
        """Take in one more addend sent back along the edge (`summary` its `health.Summary`, unless summed)."""
        if self.summed:
            self.single = addend if self.single is None else self.single + addend
            self.sent = True
            return
        if not summary.finite:
            self.finite = False
            self.nan = self.nan or math.isnan(summary.norm)
        else:
            self.squares += summary.norm * summary.norm
        self.single = addend if not self.sent else None
        self.sent = True

    def finish(self, stats):
        """Summarise the sum of a summed edge's addends (once they are all in)."""
        if self.summed and self.single is not None:
            summary = stats.of(self.single)
            if summary.finite:
                self.squares = summary.norm * summary.norm
            else:
                self.finite, self.nan = False, math.isnan(summary.norm)

    @property
    def norm(self):
        """sqrt(sum of squared norms); NaN or inf when an addend holds them (NaN wins)."""
        if not self.finite:
            return math.nan if self.nan else math.inf
        return math.sqrt(self.squares)


def merged_edges(nodes, item_of, gradients, stats):
    """{(tail item, head item, input index or None): Merged}, in graph order.

    Two nodes keep one edge per input (x * x has two: two addends); a
    block's edges to one item are one (index None). Addends are taken in
    only from consumers whose gradient is current, when the drawing shows them.
    """
    edges = {}
    for consumer in nodes:
        if not consumer.inputs:
            continue
        dst = item_of(consumer)
        sends = gradients.with_addends and consumer.addends is not None and consumer in gradients.current
        for index, inp in enumerate(consumer.inputs):
            src = item_of(inp)
            if src == dst:
                continue  # inside one box
            key = (src, dst, index if src[0] == dst[0] == "node" else None)
            edge = edges.get(key)
            if edge is None:
                edge = edges[key] = Merged(inp, summed=src[0] == "node" and dst[0] == "box")
            edge.carries.append((consumer.name, index))
            if sends:
                addend = health.received_addend(consumer, index)
                if addend is not None:
                    edge.add(addend, None if edge.summed else stats.of(addend))
    for edge in edges.values():
        edge.finish(stats)
    return edges


def norm_span(merged):
    """(weakest, strongest) finite non-zero addend norm among `merged`'s edges, or None."""
    norms = [e.norm for e in merged.values() if e.sent and e.finite and e.norm > 0]
    return (min(norms), max(norms)) if norms else None


def strength(value, low, high):
    """Where a norm sits between log10 bounds `low` and `high`, in [0, 1] (0 for zero, NaN or inf)."""
    if not value > 0 or not math.isfinite(value):
        return 0.0
    if high <= low:
        return 0.5
    return min(max((math.log10(value) - low) / (high - low), 0.0), 1.0)


def drawn_edges(merged, ids, shapes, *, span=None, sides=None, with_addends=False, edge_shapes=False,
                value_limit=0):
    """The scene's Edges for `merged_edges`'s output.

    ids: item -> item id; shapes: node -> shape text; span: `norm_span`;
    sides: {leaf: 'left' or 'right'} for leaves drawn beside their consumer;
    edge_shapes: write each tensor's shape on its edge; value_limit: write a
    small addend's numbers instead of its norm.
    """
    sides = sides or {}
    low, high = (math.log10(span[0]), math.log10(span[1])) if span else (0.0, 0.0)
    out = []
    for k, ((src, dst, _), m) in enumerate(merged.items()):
        side = sides.get(src[1]) if src[0] == "node" else None
        addend = _addend(m, low, high, value_limit) if with_addends else None
        # A leaf beside its only consumer says its shape on its own label; the
        # addend it received is its gradient, written on its edge all the same,
        # so that every edge that carries an addend says how strong it is.
        show_shape = edge_shapes and side is None
        show_addend = addend is not None and addend.sent
        at = "label" if show_shape or show_addend else None
        out.append(Edge(ids[src], ids[dst], shapes[m.source], addend, show_shape, show_addend, at, side, f"e{k}",
                        tuple(m.carries)))
    return out


def _addend(merged, low, high, value_limit):
    if not merged.sent:
        return Addend(False)
    numbers = None
    if value_limit and merged.single is not None:
        numbers = small_array(merged.single, value_limit)
    norm = merged.norm
    text = f"addend {numbers}" if numbers is not None else number(norm)
    return Addend(True, norm, merged.finite, text, strength(norm, low, high))
