"""Reading graphviz's layout of a drawing (`dot -Tjson`): the boxes of labels, nodes, arrowheads and edge lines."""

import json
from dataclasses import dataclass

import graphviz

from autograd.render.dot import write_dot


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in graphviz's points (y upwards), and what it is."""

    x0: float
    y0: float
    x1: float
    y1: float
    what: str

    def overlaps(self, other, gap=0.0):
        """True when the two boxes share more than a line (closer than `gap` counts as sharing)."""
        return (self.x0 < other.x1 + gap and other.x0 < self.x1 + gap
                and self.y0 < other.y1 + gap and other.y0 < self.y1 + gap)

    def holds(self, x, y, margin=0.0):
        """True when the point lies inside the box grown by `margin`."""
        return self.x0 - margin < x < self.x1 + margin and self.y0 - margin < y < self.y1 + margin


def bounds(points, what):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs), max(ys), what)


def text_boxes(ops, what):
    """The box of every text an xdot op list writes: its width as laid out, its font's height."""
    boxes, size = [], 14.0
    for op in ops or ():
        if op["op"] == "F":
            size = op["size"]
        elif op["op"] == "T":
            x, y, w = op["pt"][0], op["pt"][1], op["width"]
            left = {"l": x, "c": x - w / 2, "r": x - w}[op["align"]]
            boxes.append(Box(left, y - 0.21 * size, left + w, y + 0.72 * size, f"{what} {op['text']!r}"))
    return boxes


def shape_box(ops, what):
    """The box around a node's outline."""
    points = []
    for op in ops or ():
        if op["op"] in "EeF" and "rect" in op:
            cx, cy, rx, ry = op["rect"]
            points += [(cx - rx, cy - ry), (cx + rx, cy + ry)]
        elif "points" in op:
            points += op["points"]
    return bounds(points, what) if points else None


def bezier_points(ops, steps=12):
    """Points along every cubic bezier an op list draws, with the line's half width: [(x, y, half)]."""
    out, half = [], 0.5
    for op in ops or ():
        if op["op"] == "S" and op["style"].startswith("setlinewidth("):
            half = float(op["style"][len("setlinewidth("):-1]) / 2
        if op["op"] in "bB":
            p = op["points"]
            for k in range(0, len(p) - 3, 3):
                (ax, ay), (bx, by), (cx, cy), (dx, dy) = p[k:k + 4]
                for j in range(steps + 1):
                    t = j / steps
                    u = 1 - t
                    out.append((u**3 * ax + 3 * u * u * t * bx + 3 * u * t * t * cx + t**3 * dx,
                                u**3 * ay + 3 * u * u * t * by + 3 * u * t * t * cy + t**3 * dy, half))
    return out


@dataclass
class Layout:
    """Where dot put everything: node outlines and texts, edge labels, arrowheads and edge lines, by id."""

    nodes: dict  # item id -> Box of its outline
    node_texts: dict  # item id -> [Box] of its label's texts
    labels: dict  # edge id -> [Box] of its label's texts
    arrows: dict  # edge id -> [Box] of its arrowheads
    lines: dict  # edge id -> [(x, y, half width)] along it


def layout_of(scene, **write):
    """The Layout dot makes of `scene` (written with item and edge ids)."""
    source = write_dot(scene, ids=True, **write).source
    data = json.loads(graphviz.pipe("dot", "json", source.encode("utf-8")))
    nodes, node_texts = {}, {}
    for o in data.get("objects", []):
        if "_draw_" in o and not o.get("name", "").startswith("cluster"):
            nodes[o["id"]] = shape_box(o["_draw_"], f"node {o['id']}")
            node_texts[o["id"]] = text_boxes(o.get("_ldraw_"), f"text of {o['id']}")
    labels, arrows, lines = {}, {}, {}
    for e in data.get("edges", []):
        labels[e["id"]] = text_boxes(e.get("_ldraw_"), f"label of {e['id']}")
        arrows[e["id"]] = [b for b in (shape_box(e.get(k), f"arrowhead of {e['id']}") for k in ("_hdraw_", "_tdraw_"))
                           if b is not None]
        lines[e["id"]] = bezier_points(e.get("_draw_"))
    return Layout(nodes, node_texts, labels, arrows, lines)


def collisions(layout):
    """Every pair of things that run into each other: labels with labels, nodes, arrowheads and edge lines,
    and arrowheads with the words inside nodes."""
    found = []
    labels = [box for boxes in layout.labels.values() for box in boxes]
    for k, box in enumerate(labels):
        found += [(box.what, other.what) for other in labels[k + 1:] if box.overlaps(other)]
        found += [(box.what, node.what) for node in layout.nodes.values() if box.overlaps(node)]
        found += [(box.what, arrow.what) for arrows in layout.arrows.values() for arrow in arrows
                  if box.overlaps(arrow)]
        for line, points in layout.lines.items():
            if any(box.holds(x, y, half) for x, y, half in points):
                found.append((box.what, f"line of {line}"))
    texts = [box for boxes in layout.node_texts.values() for box in boxes]
    found += [(arrow.what, text.what) for arrows in layout.arrows.values() for arrow in arrows for text in texts
              if arrow.overlaps(text)]
    return found
