"""Reading scenes and DOT text in the render tests."""

import re

NODE_LINE = re.compile(r"^\s*([nb]\d+) \[(.*)\]$")
EDGE_LINE = re.compile(r"^\s*([nb]\d+) -> ([nb]\d+)(?: \[(.*)\])?$")
TOOLTIP = re.compile(r'tooltip="([^"]*)"')


def words(item):
    """Every word an item shows: title, aside, lines, gradient lines, notes and flags."""
    parts = [item.title, item.aside or "", *item.lines, *item.grad_lines, *item.notes, *(w for _, w in item.flags)]
    return " ".join(parts)


def number_after(text, prefix):
    """The number written after `prefix` in `text`."""
    m = re.search(re.escape(prefix) + r"\s*(-?[0-9.e+-]+|nan|inf)", text)
    assert m, f"no {prefix!r} in {text!r}"
    return float(m.group(1))


def item_names(scene):
    """The names of the scene's items, as a set."""
    return {item.name for item in scene.items()}


def edge_names(scene):
    """The scene's edges as sorted (tail name, head name) pairs."""
    names = {item.id: item.name for item in scene.items()}
    return sorted((names[e.tail], names[e.head]) for e in scene.edges)


def the_edge(scene, tail, head):
    """The one edge from `tail` to `head` (by item name)."""
    (edge,) = scene.edges_between(tail, head)
    return edge


class DotText:
    """The item and edge lines of a DOT source, keyed by the full name (from the tooltip).

    Edges are (tail, head, attribute text) in the data's direction whichever way
    the DOT line is written: a leaf drawn right of its consumer has its edge
    written right to left with its arrow turned (dir=back in a forward drawing).
    """

    def __init__(self, source, flow="forward"):
        self.source = source
        self.attrs = {}  # name -> attribute text
        self.name_of = {}  # DOT id -> name
        written = []
        for line in source.splitlines():
            m = NODE_LINE.match(line)
            if m:
                name = TOOLTIP.search(m.group(2)).group(1).rsplit(" (", 1)[0]
                self.attrs[name] = m.group(2)
                self.name_of[m.group(1)] = name
                continue
            m = EDGE_LINE.match(line)
            if m:
                written.append((m.group(1), m.group(2), m.group(3) or ""))
        self.edges = []
        for a, b, attrs in written:
            turned = ("dir=back" in attrs) != (flow == "backward")
            a, b = (b, a) if turned else (a, b)
            self.edges.append((self.name_of[a], self.name_of[b], attrs))

    def attr(self, name, key):
        """The value of attribute `key` of the item `name` (outside its label), or None."""
        return attr_of(self.attrs[name], key)

    def edge(self, tail, head):
        """The attribute text of the one edge from `tail` to `head`."""
        (attrs,) = [a for s, t, a in self.edges if (s, t) == (tail, head)]
        return attrs

    def caption(self):
        """The words of the graph's own label (title, summary, captions, legend)."""
        line = next(line for line in self.source.splitlines() if line.startswith("\tlabel="))
        return re.sub(r"<[^>]+>", " ", line)


def attr_of(attrs, key):
    """The value of attribute `key` in an attribute text, outside any HTML label; None when absent."""
    outside = re.sub(r"(?:head|tail)?label=<.*>>", "", attrs)
    m = re.search(rf'\b{key}=("[^"]*"|[^ \]]+)', outside)
    return m.group(1).strip('"') if m else None
