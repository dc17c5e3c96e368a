"""Writing a scene as DOT text: attribute lists, HTML labels and the colours of `style`.

The lines go straight into the Digraph's body, quoted by `markup.quote`:
graphviz's own per-call quoting made graphs of thousands of nodes slow.
The attributes of one kind of item with one set of health flags are
quoted once per drawing.
"""

from .markup import attr_list, escape, html_label, quote, rows
from .output import Diagram
from .style import (
    CLUSTER_FILLS,
    EDGE,
    FONT,
    INK,
    LEGEND,
    MUTED,
    NO_GRADIENT,
    NONFINITE_EDGE,
    RAMP,
    SYMBOL_FONT,
    ZERO_EDGE,
    addend_width,
    arrow_size,
    item_attributes,
    ramp,
    text_ink,
)
from .text import count, number

GRAPH_ATTR = {"fontname": FONT, "fontsize": "11", "bgcolor": "white", "nodesep": "0.22", "ranksep": "0.22",
              "labelloc": "t", "labeljust": "c", "pad": "0.15"}
#: Points between an edge label's words and its box (which touches the edge): more than half the widest pen.
LABEL_PADDING = 3
#: Teaching graphs print whole arrays on their edges: longer edges leave their labels room.
ROOMY = {"ranksep": "0.45", "nodesep": "0.5"}
NODE_ATTR = {"fontname": FONT, "fontsize": "11", "margin": "0.1,0.04", "height": "0.3"}
EDGE_ATTR = {"fontname": FONT, "fontsize": "8", "color": EDGE, "arrowsize": "0.6"}
_SMALL = f'<font point-size="9" color="{MUTED}">'


def write_dot(scene, rankdir="TB", graph_attr=None, ids=False):
    """The `Diagram` (a graphviz.Digraph) drawing `scene`; `graph_attr` adds or overrides graph attributes.

    `ids`: give every item and edge its scene id as its `id` attribute, which
    SVG output keeps on the element's group (so a page's script can find it).
    """
    attrs = {"rankdir": rankdir, **GRAPH_ATTR, **(ROOMY if scene.roomy else {}), **(graph_attr or {})}
    diagram = Diagram(name="nodegrad", graph_attr=attrs, node_attr=dict(NODE_ATTR), edge_attr=dict(EDGE_ATTR))
    body = []
    _write_cluster(body, scene.root, "\t", {}, ids)
    backward = scene.flow == "backward"
    body += [_edge_line(edge, backward, ids) for edge in scene.edges]
    body.append(f"\tlabel={quote('<' + rows(caption_lines(scene)) + '>')}\n")
    diagram.body = body
    return diagram


def _write_cluster(out, cluster, indent, styles, ids=False):
    """Append the lines of `cluster`'s items, rows and nested clusters to `out`."""
    out += [_item_line(item, indent, styles, ids) for item in cluster.items]
    out += [f"{indent}{{rank=same; {'; '.join(row)}}}\n" for row in cluster.ranks]
    for child in cluster.clusters:
        out.append(f"{indent}subgraph {quote('cluster_' + '__'.join(child.path))} {{\n")
        out.append(f"{indent}\tgraph {attr_list(_frame(child))}\n")
        _write_cluster(out, child, indent + "\t", styles, ids)
        out.append(f"{indent}}}\n")


def _frame(cluster):
    """A cluster's attributes: its name and parameter count, filled darker the deeper it is nested."""
    aside = f"{count(cluster.params)} params" if cluster.params else None
    return {"label": html_label(cluster.label, aside=aside), "style": "rounded,filled", "color": "#94a3b8",
            "fillcolor": CLUSTER_FILLS[min(len(cluster.path) - 1, len(CLUSTER_FILLS) - 1)],
            "fontname": FONT, "fontsize": "11", "labeljust": "l", "labelloc": "t", "margin": "6"}


def _item_line(item, indent, styles, ids=False):
    key = (item.kind, tuple(flag for flag, _ in item.flags))
    style = styles.get(key)
    if style is None:
        attrs = item_attributes(*key)
        style = styles[key] = (attr_list(attrs)[1:-1], attrs.get("fontcolor"))
    label = html_label(item.title, item.lines, item.grad_lines, [why for _, why in item.flags], item.notes,
                       ink=style[1], aside=item.aside)
    group = " group=main" if item.on_spine else ""
    element = f" id={item.id}" if ids else ""
    return f"{indent}{item.id} [label={label} {style[0]}{group} tooltip={quote(item.tooltip)}{element}]\n"


def _edge_line(edge, backward, ids=False):
    attrs = _addend_look(edge.addend)
    if ids:
        attrs["id"] = edge.id
    if edge.label_at is not None:
        attrs.update(_edge_label(edge))
    # A leaf drawn right of its consumer needs its edge written right to
    # left (dot orders flat edges tail first), its arrow turned back.
    flip = edge.beside == "right"
    if backward != flip:
        attrs["dir"] = "back"
    a, b = (edge.head, edge.tail) if flip else (edge.tail, edge.head)
    return f"\t{a} -> {b} {attr_list(attrs)}\n" if attrs else f"\t{a} -> {b}\n"


def _addend_look(addend):
    """Colour and width for an edge's addend: on the ramp by strength; zeros weaker than any colour;
    NaN or inf red whatever the other edges carry; dashed grey when no gradient flows back."""
    if addend is None:
        return {}
    if not addend.sent:
        return dict(NO_GRADIENT)
    if not addend.finite:
        return {"color": NONFINITE_EDGE["color"], "penwidth": NONFINITE_EDGE["penwidth"]}
    if addend.norm == 0:
        return dict(ZERO_EDGE)
    width = addend_width(addend.strength)
    return {"color": ramp(addend.strength), "penwidth": width, "arrowsize": arrow_size(width)}


def _edge_label(edge):
    parts = []
    if edge.show_shape:
        parts.append(f'<font color="{MUTED}">{escape(edge.shape)}</font>')
    if edge.show_addend:
        parts.append(_addend_text(edge.addend))
    # dot puts the label's box against its edge: the padding keeps even the widest pen off the words.
    return {"label": f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="{LABEL_PADDING}">'
                     f"<tr><td>{rows(parts)}</td></tr></table>>"}


def _addend_text(addend):
    """The addend's words in its edge's colour (darkened to read on white), so each number says its edge."""
    text = escape(addend.text)
    if not addend.finite:
        return f'<font color="{NONFINITE_EDGE["color"]}"><b>{text}</b></font>'
    return f'<font color="{MUTED if addend.norm == 0 else text_ink(ramp(addend.strength))}">{text}</font>'


def caption_lines(scene):
    """The lines of the graph's own label: title (the first line as headline), summary, captions, legend."""
    lines = [f'<font point-size="12" color="{INK}"><b>{escape(line)}</b></font>' if k == 0 else
             f'<font point-size="10" color="{INK}">{escape(line)}</font>' for k, line in enumerate(scene.title)]
    lines.append(f'<font point-size="10" color="{MUTED}">{escape(scene.summary)}</font>')
    lines += [f'<font point-size="10" color="{INK}">{escape(c)}</font>' for c in scene.captions]
    if scene.legend is not None:
        lines += legend_lines(scene.legend)
    return lines


def legend_lines(legend):
    """The legend's lines: what edge colours and widths mean, then the health colours (three to a line)."""
    lines = []
    if legend.edges is not None:
        lines += _edge_key(legend.edges)
    parts = [f'<font color="{LEGEND[f][0]}">{escape(LEGEND[f][1])}</font>' for f in legend.flags]
    for k in range(0, len(parts), 3):  # three to a line, so the legend stays narrow
        lines.append(f'<font point-size="9">{" · ".join(parts[k:k + 3])}</font>')
    return lines


def _edge_key(key):
    if key.numbers:
        words = "edges: the norm of the addend sent back along each, as colour, width and number"
    else:
        words = "edges: the addend sent back along each; its norm as colour and width"
    parts = []
    if key.span is not None:
        low, high = key.span
        if low == high:
            parts.append(f'<font color="{RAMP[2]}">{_swatch("━━")}</font> {escape(number(low))}')
        else:
            swatches = "".join(f'<font color="{c}">{_swatch("━━")}</font>' for c in RAMP)
            parts.append(f"{escape(number(low))} {swatches} {escape(number(high))} (log scale)")
    parts.append(f'<font color="{NO_GRADIENT["color"]}">{_swatch("╌╌")}</font> no gradient')
    if key.zero:
        parts.append(f'<font color="{ZERO_EDGE["color"]}">{_swatch("──")}</font> zero')
    if key.nonfinite:
        parts.append(f'<font color="{NONFINITE_EDGE["color"]}">{_swatch("━━")}</font> NaN/inf')
    return [f"{_SMALL}{words}</font>", f'{_SMALL}{" · ".join(parts)}</font>']


def _swatch(text):
    return f'<font face="{SYMBOL_FONT}">{text}</font>'
